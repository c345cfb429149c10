#!/bin/bash
# Daemons left behind: a double-forked, setsid()ed child that ignores
# SIGHUP and SIGTERM, closed its stdio and execs "sleep 1000" under a
# marked argv[0], and another that loops under a marked name. The host
# sees them while the run lasts; once forge returns, none is left. Then
# the same with forge itself killed (SIGKILL) mid-run: the daemons die
# with it (on docker: with the next forge's start, which removes the
# killed one's container), and the next forge removes the dead run's
# cgroup. Last, the same attack from Python.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c

mark=forge-daemon-$(token)
name=dm$(token | cut -c1-12)
forge_json "$PROGS/daemon.c" -i /dev/null # compile first

alive() {
	pgrep -f "^$mark 1000\$" >/dev/null && pgrep -x "$name" >/dev/null
}
none_left() {
	! pgrep -f "$mark" >/dev/null && ! pgrep -x "$name" >/dev/null
}

# The program's main process waits for a line from the test.
forge_ctl "$TEST_TMP/d.json" "$PROGS/daemon.c" --wall 30
ctl "$mark" "$name"
check "during the run the host sees both daemons" wait_until 15 alive
pid=$(pgrep -x "$name" | head -1)
uid=$(ps -o uid= -p "${pid:-0}" | tr -d ' ')
eq "they run as the sandbox's host uid" "$(sandbox_host_uid)" "$uid"
ctl exit
ctl_end
forge_wait "$TEST_TMP/d.json"
eq "verdict" OK "$(j .verdict)"
check "the main process ran to its end" grep -q "^main exits" <<<"$(j .stdout)"
check "no daemon is left once forge returns" none_left
check "(and none comes back)" eval 'sleep 0.5; none_left'

# forge killed mid-run
forge_ctl "$TEST_TMP/k.json" "$PROGS/daemon.c" --wall 60
killed=$bg
ctl "$mark" "$name"
check "killed forge: the daemons started" wait_until 15 alive
cgroups() {
	find /sys/fs/cgroup -maxdepth 8 -type d -name "run-$killed-*" \
		2>/dev/null
}
had_cgroup=$(cgroups)
kill -9 "$killed"
wait "$killed" 2>/dev/null
ctl_end
if [ "$TEST_BACKEND" = docker ]; then
	# a container outlives the forge that made it: the next forge
	# start removes it, and what runs in it
	printf '%s\n%s\nexit\n' "$mark" "$name" >"$TEST_TMP/quick.in"
	forge_json "$PROGS/daemon.c" -i "$TEST_TMP/quick.in"
	eq "killed forge: the next run is fine" OK "$(j .verdict)"
fi
check "killed forge: the daemons die with it" wait_until 10 none_left
if [ -n "$had_cgroup" ]; then
	printf '%s\n%s\nexit\n' "$mark" "$name" >"$TEST_TMP/quick.in"
	forge_json "$PROGS/daemon.c" -i "$TEST_TMP/quick.in"
	eq "killed forge: the next run is fine" OK "$(j .verdict)"
	eq "killed forge: the next run removed the dead run's cgroup" "" \
		"$(cgroups)"
fi
check "nothing of the daemons at the end" none_left

# The same from Python.
if "$FORGE" langs --json |
	jq -e '.[] | select(.id == "python3" and .available)' >/dev/null; then
	pymark=forge-pydaemon-$(token)
	forge_ctl "$TEST_TMP/py.json" "$PROGS/daemon.py" --wall 30
	ctl "$pymark"
	check "python: during the run the host sees the daemon" \
		wait_until 15 pgrep -f "^$pymark 1000\$"
	ctl exit
	ctl_end
	forge_wait "$TEST_TMP/py.json"
	eq "python: verdict" OK "$(j .verdict)"
	check "python: the main process ran to its end" \
		grep -q "^main exits" <<<"$(j .stdout)"
	check "python: no daemon is left once forge returns" \
		eval '! pgrep -f "$pymark" >/dev/null'
fi
finish
