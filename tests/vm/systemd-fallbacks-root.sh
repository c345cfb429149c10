# Sourced by tests/vm/systemd-inner.sh (root, in the VM, systemd PID 1)
# after the user's ordinary checks: the user's systemd manager as some
# desktops have it, and a session that ends while forge runs.
#
# The manager reads its unit's Delegate= and its bus reads its policy
# when they start: the user's slice is stopped between the cases, and
# the next login (su -l) starts it anew with what /etc says then. /etc
# is the VM's own copy: what is changed here is put back.

fallbacks_t0=$(date +%s)
stage_t0=$fallbacks_t0
# how long each case took, for the test's run time under emulation
stage() {
	echo "  | $1: $(($(date +%s) - stage_t0)) s"
	stage_t0=$(date +%s)
}
as_user() { runuser -u "$user" -- env XDG_RUNTIME_DIR=/run/user/$uid "$@"; }
restart_manager() {
	systemctl daemon-reload
	systemctl stop "user-$uid.slice"
}
forge_units() {
	as_user systemctl --user list-units --all --plain --no-legend \
		'forge-*' 2>/dev/null
}

# 1. A user bus whose policy denies StartTransientUnit, as a sandbox's
# bus filter (Flatpak's) does: forge falls back to rlimits and says why.
deny=/etc/dbus-1/session.d/forge-test-deny.conf
mkdir -p /etc/dbus-1/session.d
cat >"$deny" <<'X'
<busconfig>
  <policy context="default">
    <deny send_destination="org.freedesktop.systemd1"
          send_interface="org.freedesktop.systemd1.Manager"
          send_member="StartTransientUnit"/>
  </policy>
</busconfig>
X
restart_manager
su -l "$user" -c "$FORGE_SRCDIR/tests/vm/systemd-fallbacks.sh $FORGE $FORGE_SRCDIR refused"
eq "a bus that refuses: the user's checks passed" 0 "$?"
rm "$deny"
stage "a bus that refuses"

# 2. A manager that delegates pids and not memory: the pids cgroup
# binds, memory is per-process rlimits plus sampling, and forge says so.
# (Delegate=pids alone is not enough where the user's slice enables
# memory for its other children, as systemd's default memory accounting
# does: the slice's DisableControllers= keeps it from the manager.)
dropin=/etc/systemd/system/user@.service.d/forge-test.conf
slice=/etc/systemd/system/user-.slice.d/forge-test.conf
mkdir -p "${dropin%/*}" "${slice%/*}"
printf '[Service]\nDelegate=pids\n' >"$dropin"
printf '[Slice]\nDisableControllers=memory\n' >"$slice"
restart_manager
su -l "$user" -c "$FORGE_SRCDIR/tests/vm/systemd-fallbacks.sh $FORGE $FORGE_SRCDIR partial"
eq "pids without memory: the user's checks passed" 0 "$?"
# (the checks that follow need a scope, not memory in it: the manager
# is not restarted for them)
rm "$dropin" "$slice"
systemctl daemon-reload
stage "pids without memory"

# 3. The scope ends while forge runs: forge says so and dies of the
# SIGTERM, its run with it, and nothing of either is left.
cat >/tmp/forge-long.sh <<'X'
while :; do sleep 1; done
X
chmod 644 /tmp/forge-long.sh
# forge runs the loop from a login of the user's, in the background of
# the login's shell: its pid in $1.pid, the login's session in
# $1.session, its status in $1.rc
long_forge() {
	rm -f "$1".*
	su -l "$user" -c "echo \$XDG_SESSION_ID >$1.session; $FORGE run --no-history --json -t 600 --wall 600 /tmp/forge-long.sh >$1.out 2>$1.err & echo \$! >$1.pid; wait \$!; echo \$? >$1.rc" &
}
# $1's forge runs its loop: the loop's shell, or its sleep, is in its
# scope (the shell stays between two sleeps, when no sleep is there)
running() {
	local p s
	p=$(cat "$1.pid" 2>/dev/null) || return 1
	for s in $(pgrep -u "$uid" -x 'bash|sleep'); do
		grep -q "/forge-$p.scope/" "/proc/$s/cgroup" 2>/dev/null && return 0
	done
	return 1
}
# nothing of forge's, of the run's or of the scope's is left
gone() {
	for _ in $(seq 300); do
		[ -z "$(pgrep -u "$uid" -f 'forge')" ] &&
			[ -z "$(pgrep -u "$uid" -x sleep)" ] &&
			[ -z "$(forge_units)" ] && break
		sleep 0.2
	done
	eq "$1: no process of forge's or of the run's left" "" \
		"$(pgrep -u "$uid" -a -f 'forge|sleep')"
	eq "$1: no forge scope left" "" "$(forge_units)"
	eq "$1: no forge cgroup left" "" \
		"$(find /sys/fs/cgroup/user.slice -name 'forge-*' 2>/dev/null)"
}

# two logins, each with a forge running the loop: one's scope is
# stopped, the other's session ends
long_forge /tmp/stop
long_forge /tmp/end
for _ in $(seq 900); do
	running /tmp/stop && running /tmp/end && break
	sleep 0.2
done
stop_pid=$(cat /tmp/stop.pid 2>/dev/null)
check "scope stopped: forge ${stop_pid:-?} runs in its scope" running /tmp/stop
check "session ended: forge runs in its scope" running /tmp/end

as_user systemctl --user stop "forge-$stop_pid.scope"
for _ in $(seq 300); do
	[ -s /tmp/stop.rc ] && break
	sleep 0.2
done
eq "scope stopped: forge dies of the SIGTERM (128+15)" 143 "$(cat /tmp/stop.rc)"
check "scope stopped: forge says so ($(head -c 200 /tmp/stop.err))" \
	grep -q "^forge: stopped by SIGTERM" /tmp/stop.err
eq "scope stopped: no result is printed" "" "$(cat /tmp/stop.out)"
check "scope stopped: forge is gone" test ! -d "/proc/$stop_pid"
eq "scope stopped: its scope is gone" "" \
	"$(forge_units | grep "forge-$stop_pid.scope")"
eq "scope stopped: its cgroup is gone, and the run with it" "" \
	"$(find /sys/fs/cgroup/user.slice -name "forge-$stop_pid.scope")"
stage "scope stopped"

# The session ends: logind kills what is in the session's scope (the
# shell); forge, in a scope of the user manager's, goes when the
# manager stops with the user's last session.
session=$(cat /tmp/end.session 2>/dev/null)
check "session ended: the login's session (${session:-none})" test -n "$session"
loginctl terminate-session "$session"
wait
gone "session ended"
check "session ended: forge said so ($(head -c 200 /tmp/end.err))" \
	grep -q "^forge: stopped by SIGTERM" /tmp/end.err
rm -f /tmp/forge-long.sh /tmp/stop.* /tmp/end.*
stage "session ended"
echo "  | the fallbacks took $(($(date +%s) - fallbacks_t0)) s"
