#!/bin/bash
# Runs as root inside the VM that tests/e2e/cgroup-v2-systemd.sh boots,
# systemd being PID 1: logs the ordinary user forge-student in through
# PAM (su -l, pam_systemd: a session scope and the user's systemd
# manager, as a terminal login gets), runs tests/vm/systemd-user.sh as
# that user, then checks from outside that no scope or cgroup of forge's
# is left.
. "$FORGE_SRCDIR/tests/lib.sh"

user=forge-student
uid=$(id -u "$user")
eq "pure cgroup v2 under systemd" cgroup2fs "$(stat -fc %T /sys/fs/cgroup)"
eq "systemd-logind runs" active "$(systemctl is-active systemd-logind.service)"
if ! systemctl is-active -q systemd-logind.service; then
	journalctl -b --no-pager -u systemd-logind.service | tail -n 15 | sed 's/^/  | /'
fi

# the user's part; its checks print on the console like these
su -l "$user" -c "$FORGE_SRCDIR/tests/vm/systemd-user.sh $FORGE $FORGE_SRCDIR"
eq "the user's checks passed" 0 "$?"

# the fallbacks: a manager that falls short, a session that ends
. "$FORGE_SRCDIR/tests/vm/systemd-fallbacks-root.sh"

# the user's manager stops a scope once its cgroup is empty
units=""
for _ in $(seq 50); do
	units=$(runuser -u "$user" -- env XDG_RUNTIME_DIR=/run/user/$uid \
		systemctl --user list-units --all --plain \
		--no-legend 'forge-*' 2>/dev/null)
	[ -z "$units" ] && break
	sleep 0.2
done
eq "no forge scope left in the user's manager" "" "$units"
left=$(find /sys/fs/cgroup/user.slice -name 'forge-*' 2>/dev/null)
eq "no forge cgroup left under user.slice" "" "$left"
finish
