#!/bin/bash
# The program sees its cgroup as the root, on cgroup v1 as on v2:
# /proc/self/cgroup inside names no host cgroup, so neither forge's
# host pid (in the run's cgroup name) nor the host's cgroup layout
# shows: not to a plain run, not to the tests of a judge (which share a
# kept root), not to a child of the program. The control: the same
# script on the host does see paths below the root.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang bash

# prints ROOT when the program and its child are at the root of every
# hierarchy, else the lines that are not
prog=$(write cg.sh <<'SH'
n=$(grep -c '^[0-9]*:' /proc/self/cgroup)
bad=$({ cat /proc/self/cgroup; bash -c 'cat /proc/self/cgroup'; } |
	grep '^[0-9]*:' | grep -v ':/$')
if [ "$n" -gt 0 ] && [ -z "$bad" ]; then echo ROOT; else echo "$bad"; fi
SH
)

# (a host whose forge runs in the root cgroup, as in a bare VM, has
# nothing below the root to see)
if [ "$(bash "$prog")" = ROOT ]; then
	echo "note: this host's own cgroup is the root: no control"
else
	echo "ok: control: on the host the script sees host cgroups"
fi

forge_json "$prog" -t 20 --wall 60
eq "run: verdict ($(j .detail))" OK "$(j .verdict)"
eq "run: every cgroup is the root" ROOT "$(j .stdout)"
check "run: no run-<forge's pid> cgroup is named" not_in_result "run-"

mkdir -p "$TEST_TMP/set"
for i in 1 2 3; do
	: >"$TEST_TMP/set/$i.in"
	echo ROOT >"$TEST_TMP/set/$i.ans"
done
rc=0
"$FORGE" judge --json --no-history -t 20 --wall 60 "$prog" "$TEST_TMP/set" \
	>"$TEST_TMP/judge.json" 2>"$TEST_TMP/judge.err" || rc=$?
eq "judge: every test saw the root ($(jq -r '.tests[0].detail' "$TEST_TMP/judge.json"))" "AC AC AC" \
	"$(jq -r '[.tests[].verdict] | join(" ")' "$TEST_TMP/judge.json")"
finish
