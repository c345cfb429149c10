#!/bin/bash
# Text from programs and files in the tests view, driven in tmux: UTF-8
# is drawn as its characters (the expected and actual outputs side by
# side, the program's stderr, a compiler's quotes), and a byte that is
# not UTF-8 shows as a visible \xNN, never as curses' M- notation.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang python3
need_lang c
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-utf8
export LANG=C.UTF-8 LC_ALL=C.UTF-8

work=$TEST_TMP/work
mkdir -p "$work/cafe.tests"
cat >"$work/cafe.py" <<'PY'
import sys
sys.stdout.buffer.write("caf\u00e9 na\u00efve \u65e5\u672c\n".encode())
sys.stdout.buffer.write(b"bad \xff byte\n")
sys.stderr.write("stderr: \u00fcber\n")
PY
printf 'x\n' >"$work/cafe.tests/1.in"
printf 'café\n' >"$work/cafe.tests/1.ans"

tm new-session -d -s t -x 110 -y 32 \
	"cd '$work' && LANG=C.UTF-8 LC_ALL=C.UTF-8 '$TUI' cafe.py; echo TUI-EXITED \$?; sleep 60"
check "the workbench opens" wait_for "cafe.py"
tm send-keys -t t F6
check "F6 judges: WA on 1" wait_for "WA on 1" 60
check "the expected output shows é" wait_re '^café +│'
check "the actual output shows é, ï and wide characters" \
	wait_re '│café naïve 日本 *$'
check "an invalid byte shows as \\xFF" wait_re '│bad \\xFF byte *$'
check "the stderr shows ü" wait_for "stderr: über"
check "no curses M- notation anywhere" sh -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'M-'"
tm send-keys -t t Escape
sleep 0.3
tm send-keys -t t C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10

# a compiler's quotes (gcc writes ‘ ’ in a UTF-8 locale)
cat >"$work/bad.c" <<'C'
int main(void) { return undeclared_thing; }
C
mkdir -p "$work/bad.tests"
printf '\n' >"$work/bad.tests/1.in"
printf '\n' >"$work/bad.tests/1.ans"
tm kill-session -t t
tm new-session -d -s t -x 110 -y 32 \
	"cd '$work' && LANG=C.UTF-8 LC_ALL=C.UTF-8 '$TUI' bad.c; echo TUI-EXITED \$?; sleep 60"
check "the workbench opens on bad.c" wait_for "bad.c"
tm send-keys -t t F6
check "the build fails" wait_for "the build failed" 60
check "the compiler's message is drawn as it was written" \
	wait_re "undeclared_thing. undeclared|‘undeclared_thing’"
check "no curses M- notation there" sh -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'M-'"
tm send-keys -t t Escape
sleep 0.3
tm send-keys -t t C-q
check "the workbench quits again" wait_for "TUI-EXITED 0" 10
finish
