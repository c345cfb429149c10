#!/bin/bash
# The workbench's tests view and forge judge apply the same judging rules:
# on a problem package whose time limit is computed from its accepted
# submission (above the default wall limit of a judge, 2 x 2 s + 1 s),
# F6 gives every test the verdict forge judge --json gives it, and shows
# the same CPU and wall limits. The tests: one quick; one that spins
# 5.4 s of CPU (within the computed 6 s, so AC: the wall limit must fit
# the computed CPU limit); one that spins 6.5 s (past 6 s but within
# time_limit_to_tle x 6 s: it runs to the end, right answer, TLE all the
# same).
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang c
command -v jq >/dev/null || skip "jq is not installed"
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-rules

work=$TEST_TMP/work
pkg=$work/spin
mkdir -p "$pkg/data/secret" "$pkg/submissions/accepted"
cat >"$pkg/problem.yaml" <<'X'
problem_format_version: 2023-07
name: Spin
limits:
  time_multipliers:
    ac_to_time_limit: 2
    time_limit_to_tle: 1.2
  time_resolution: 1
X
# each input: how many ms of CPU the program under judge spins, then A B
printf '0 1 2\n' >"$pkg/data/secret/1.in"
printf '3\n' >"$pkg/data/secret/1.ans"
printf '5400 2 3\n' >"$pkg/data/secret/2.in"
printf '5\n' >"$pkg/data/secret/2.ans"
printf '6500 3 4\n' >"$pkg/data/secret/3.in"
printf '7\n' >"$pkg/data/secret/3.ans"
# the accepted submission spins at most 2.6 s: the limit is 2 x that,
# rounded up to 6 s
spin_c() {
	cat <<X
#include <stdio.h>
#include <time.h>
int main(void)
{
	long ms, a, b;
	if (scanf("%ld %ld %ld", &ms, &a, &b) != 3)
		return 1;
	if (ms > $1)
		ms = $1;
	while (clock() < (clock_t)(CLOCKS_PER_SEC / 1000 * ms))
		;
	printf("%ld\n", a + b);
	return 0;
}
X
}
spin_c 2600 >"$pkg/submissions/accepted/spin.c"
# the program judged (its tests are spin/ by the view's convention)
spin_c 100000 >"$work/spin.c"

# A machine so loaded that 6.5 s of CPU take more than the 15.4 s of wall
# time a judge allows measures nothing here: said, and skipped.
too_loaded() {
	skip "the machine is too loaded: $1 hit the 15.4 s wall limit"
}

# ---- forge judge --json -------------------------------------------------------
# (one test at a time: the slow tests do not compete with each other)
rc=0
(cd "$work" && "$FORGE" judge -j 1 --json --no-history spin.c spin) \
	>"$TEST_TMP/judge.json" 2>"$TEST_TMP/judge.err" </dev/null || rc=$?
jq -e . "$TEST_TMP/judge.json" >/dev/null ||
	{ cat "$TEST_TMP/judge.err" >&2; fail "forge judge printed no JSON"; finish; exit 1; }
eq "forge judge: TLE (exit 1)" "1 TLE" "$rc $(jq -r .verdict "$TEST_TMP/judge.json")"
cpu=$(jq -r .limits.time_ms "$TEST_TMP/judge.json")
wall=$(jq -r .limits.wall_ms "$TEST_TMP/judge.json")
eq "forge judge: the computed limit, 6 s ($(cat "$TEST_TMP/judge.err"))" 6000 "$cpu"
eq "forge judge: the wall limit fits time_limit_to_tle x 6 s" 15400 "$wall"
jq -e '.tests[] | select(.detail | test("wall time limit"))' \
	"$TEST_TMP/judge.json" >/dev/null && too_loaded "forge judge"
cli=$(jq -r '.tests[] | "\(.name) \(.verdict)"' "$TEST_TMP/judge.json")
eq "forge judge: per test" "secret/1 AC
secret/2 AC
secret/3 TLE" "$cli"

# ---- the workbench -------------------------------------------------------------
tm new-session -d -s t -x 160 -y 30 \
	"cd '$work' && '$TUI' spin.c; echo TUI-EXITED \$?; sleep 60"
check "the workbench opens" wait_for "spin.c"
tm send-keys -t t F6
check "F6 judges the three tests" wait_re "tests: [0-9]/3 passed" 120
screen | grep -q "wall time limit 15.4 s exceeded" && too_loaded "the workbench"
# the list: "  secret/1   AC   0.001s ..." (the cursor's row starts with >)
tui=$(screen | sed -nE 's/^[> ] (secret\/[0-9]+) +([A-Z]{2,3}) .*/\1 \2/p')
eq "the workbench: per test, as forge judge" "$cli" "$tui"
check "the workbench: the same limits, said ($(screen | head -1))" \
	wait_for "time limit $((cpu / 1000)) s (computed), wall $(awk "BEGIN{print $wall/1000}") s"
check "the workbench: the summary as forge judge's first failure" \
	wait_for "tests: 2/3 passed, TLE on secret/3"
check "the workbench: the TLE says why" \
	wait_re "secret/3 +TLE .*CPU time limit 6 s exceeded \(ran"

tm send-keys -t t Escape
tm send-keys -t t C-q
check "the workbench quits" wait_for "TUI-EXITED 0"
finish
