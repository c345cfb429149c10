#!/bin/bash
# New things in forge-tui, driven in tmux: a new Python file starts as
# the template, which answers a typed line at once (it does not wait for
# the end of its input); a test added in the tests view with an empty
# expected output gets an empty .ans file (an expected output of
# nothing, not a test whose output is not checked).
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang python3
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-new

work=$TEST_TMP/work
mkdir -p "$work"

tui_open 100x30 "$work/first.py"
check "the workbench opens on a new file" wait_for "first.py"
check "it starts as the template" wait_for "def main():"
tm send-keys -t t F5
check "the template runs" wait_re "wall .*/" 30
text "42"
tm send-keys -t t Enter
check "a typed line is answered at once" wait_for "verdict OK" 15
check "with the number read" wait_re '^.*│42 *$'

# a test with an input and nothing expected
tm send-keys -t t C-s
tm send-keys -t t F7
check "the tests view opens" wait_for "tests of"
tm send-keys -t t n
check "n opens the new test's input" wait_for "[input]"
type_lines "0"
tm send-keys -t t Escape
check "back in the list" wait_for "Space on/off"
check "the input is written" test "$(cat "$work/first.tests/1.in")" = "0"
check "the expected output is written, empty" test -f "$work/first.tests/1.ans" -a ! -s "$work/first.tests/1.ans"
tm send-keys -t t a
# (the template prints the number: more than the nothing expected)
check "it is judged against nothing expected" wait_for "extra output at line 1" 60
tm send-keys -t t Escape C-q
sleep 0.3
screen | grep -q "unsaved changes" && tm send-keys -t t C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10
finish
