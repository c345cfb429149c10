#!/bin/bash
# A run saved as a test, driven in tmux: a program that reads its input is
# run and typed to; F2 after the run, and s on the run in the history
# browser (F8), each write NNN.in (what was typed) and NNN.ans (what the
# program wrote, without the terminal's echo) beside the file's tests,
# where n in the tests view would, under the next free number (never over
# a test there, nor over an answer without its input); a run that never
# ran (a compile error) is refused with the reason; F6 then judges the new
# tests AC.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang python3
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-save

work=$TEST_TMP/work
mkdir -p "$work"
cat >"$work/sum.py" <<'PY'
n = int(input("how " + "many? "))
xs = list(map(int, input().split()))
print("sum " + "=", sum(xs[:n]))
PY
# the 80x24 screen a laptop's terminal gives
tm new-session -d -s t -x 80 -y 24 \
	"cd '$work' && '$TUI' sum.py; echo TUI-EXITED \$?; sleep 60"
check "the workbench opens" wait_for "sum.py"
keys F2
check "F2 before any run says there is none" wait_for "no run to save yet"
keys F5
check "the program asks" wait_for "how many?" 30
type_lines "3" "10 20 30"
check "the program answers" wait_for "sum = 60" 10
check "and ends OK" wait_for "verdict OK" 10
check "after the run the key bar offers F2" wait_for "F2 as test"
check "and still F6 and Ctrl-Q" wait_re "F6 / Alt-j judge .*Ctrl-Q quit"

keys F2
check "F2 says where the test went" \
	wait_for "saved as a new test: sum.tests/1.in and 1.ans" 10
eq "its input is what was typed" "$(printf '3\n10 20 30\n|')" \
	"$(cat "$work/sum.tests/1.in" && printf '|')"
eq "its answer is what the program wrote, without the echo" \
	"$(printf 'how many? sum = 60\n|')" \
	"$(cat "$work/sum.tests/1.ans" && printf '|')"

# an answer without its input is someone's: skipped, not overwritten
printf 'kept\n' >"$work/sum.tests/2.ans"
keys F8
check "the browser lists the run" wait_re "^ +1 .*sum.py" 10
check "its key bar offers s" wait_for "s as test"
keys s
check "s saves it under the next free number" \
	wait_for "saved as a new test: sum.tests/3.in and 3.ans" 10
eq "the first test is untouched" "$(printf '3\n10 20 30\n|')" \
	"$(cat "$work/sum.tests/1.in" && printf '|')"
eq "the lone answer too" "kept|" "$(tr -d '\n' <"$work/sum.tests/2.ans")|"
eq "the saved input" "$(printf '3\n10 20 30\n|')" \
	"$(cat "$work/sum.tests/3.in" && printf '|')"
eq "the saved answer" "$(printf 'how many? sum = 60\n|')" \
	"$(cat "$work/sum.tests/3.ans" && printf '|')"
check "nothing else was written there" \
	test "$(ls "$work/sum.tests" | tr '\n' ' ')" = "1.ans 1.in 2.ans 3.ans 3.in "
# from the run's detail, too
keys Enter
check "Enter shows the run" wait_for "-- source --" 10
keys s
check "s in the detail saves it again, as test 4" \
	wait_for "saved as a new test: sum.tests/4.in and 4.ans" 10
keys Escape Escape
check "back in the panes" wait_gone "history: sum.py"
rm "$work/sum.tests/2.ans" "$work/sum.tests/4.in" "$work/sum.tests/4.ans"

keys F6
check "F6 judges the saved tests: both AC" wait_for "tests: 2/2 passed" 60
check "test 1 is AC" wait_re '^. +1 +AC '
check "test 3 is AC" wait_re '^. +3 +AC '
keys Escape

# a run that did not compile has no output: refused, with the reason
if "$FORGE" langs --json |
	jq -e '.[] | select(.id == "c" and .available)' >/dev/null; then
	printf 'int main(void) { return x; }\n' >"$work/bad.c"
	keys C-o
	text "bad.c"
	keys Enter
	check "the C file opens" wait_for "opened bad.c"
	keys F5
	check "it does not compile" wait_for "verdict CE" 60
	keys F2
	check "F2 refuses it, saying why" \
		wait_for "did not compile: it has no output" 10
	keys F8
	check "the browser lists it" wait_re "^ +[0-9]+ .*bad.c .*CE" 10
	keys s
	check "s refuses it too" wait_for "did not compile: it has no output" 10
	keys Escape
	check "no tests were made for it" test ! -e "$work/bad.tests"
else
	echo "skipped the compile-error case: no C compiler here"
fi

keys C-q
sleep 0.3
screen | grep -q "Ctrl-Q again" && keys C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10
finish
