#!/bin/bash
# The workbench's stats pane and tests view at 80x24, where the right
# column is 36 columns wide: nothing a user reads there is cut short.
# The stats pane's first hint wraps; the memory line keeps its numbers
# whole ("132.0K/256M peak 51" read as 51 bytes); the tests view's header
# says the limits in fewer words rather than stopping at "mem", and n
# says how to fill a new test in words that end; a compile
# error shows no row of zero measurements, its reason whole, and the key
# bar does not offer to save it as a test; a run's detail in the history
# browser has that run's keys in its key bar, not the list's.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang c
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-narrow
# the screen shows no line that matches
not_shown() {
	local s
	s=$(screen) && [ -n "$s" ] && ! grep -qE -- "$1" <<<"$s"
}

work=$TEST_TMP/work
mkdir -p "$work"
cat >"$work/sum.c" <<'X'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void)
{
	int n, x, s = 0;
	char *p = malloc(20 << 20);

	memset(p, 1, 20 << 20);
	printf("how many? ");
	fflush(stdout);
	if (scanf("%d", &n) != 1)
		return 1;
	for (int i = 0; i < n; i++)
		if (scanf("%d", &x) == 1)
			s += x;
	printf("sum = %d\n", s);
	return p[n % 1024] - 1; /* 0: the memory is used to the end */
}
X
printf 'int main(void)\n{\n\treturn x;\n}\n' >"$work/bad.c"
tm new-session -d -s t -x 80 -y 24 \
	"cd '$work' && '$TUI' sum.c; echo TUI-EXITED \$?; sleep 60"
wait_for "sum.c" || {
	fail "the workbench opens"
	finish
	exit
}
check "the stats pane's hint is wrapped, not cut" \
	wait_re "│ F5 runs the program in the\$"
check "its last word on the next line" wait_re "│ sandbox\$"

keys F5
check "the program asks" wait_for "how many?" 60
# once sampled, the memory in use and the peak, both whole with their
# unit (with the bar when they leave room for it: "20M/256M peak 20M"
# does, "20.3M/256M peak 20.3M" does not)
check "the memory line keeps its numbers whole" \
	wait_re "│ memory +(\\[[^]]*\\] +)?[0-9.]+[BKMG]?/256M peak [1-9][0-9.]*[KMG]\$" 15
type_lines "2" "5 7"
check "the program answers" wait_for "sum = 12" 10
check "and ends OK" wait_for "verdict OK" 10
check "the peak stays whole after the run" \
	wait_re "│ memory +(\\[[^]]*\\] +)?[0-9.]+[BKMG]?/256M peak [1-9][0-9.]*[KMG]\$" 5
check "the key bar offers to save the run as a test" wait_for "F2 as test"

printf '2\n5 7\n' >"$TEST_TMP/1.in"
mkdir "$work/sum.tests"
cp "$TEST_TMP/1.in" "$work/sum.tests/1.in"
printf 'how many? sum = 12\n' >"$work/sum.tests/1.ans"
keys F6
check "F6 judges the test AC" wait_re '^. +1 +AC ' 60
check "the header says the limits whole, in fewer words" \
	wait_re "1/1 passed  limits [0-9.]+s \(default\), [0-9.]+s wall, 256M\$"
keys n
check "n says where the new test goes and how to fill it, whole" \
	wait_for "new test sum.tests/2.in: type its input; Tab: its expected output"
keys Escape
check "back in the list" wait_re "^. +2 "
keys D D
check "D, D deletes it again" wait_for "deleted test 2"
keys Escape
check "back in the panes" wait_gone "tests of sum.c"

# a run's detail in the history: its key bar has that run's keys, not the
# list's filters
keys F8
check "the history lists the run" wait_re "^ +1 .*sum.c .*OK" 10
check "the list's bar has its filters" wait_for "v verdict"
keys Enter
check "Enter shows the run" wait_for "-- source --" 10
check "its bar: save, rerun, and back" wait_re "s as test .*Esc / q back"
check "not the list's filters" not_shown "v verdict"
keys Escape Escape
check "back in the panes again" wait_gone "-- source --"

# another file: a compile error
keys C-o
text "bad.c"
keys Enter
check "the C file opens" wait_for "opened bad.c"
keys F5
check "it does not compile" wait_for "verdict CE" 60
check "the reason is whole, on two lines" wait_re "│ .*the compiler failed\$"
check "its second line" wait_re "│ .*\(exit code 1\)\$"
check "no measurements of a run that never was" \
	not_shown "│ (cpu|wall|memory|procs) "
check "the key bar does not offer to save it as a test" not_shown "F2 as test"

keys C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10
finish
