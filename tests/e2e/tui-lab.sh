#!/bin/bash
# forge-tui's lab view, driven in tmux against a lab server: Shift-F2
# (and Alt-u) lists the open problems with the buffer's own (mul.py: mul) chosen; Enter submits
# the buffer as it is in the editor (unsaved) and each test's verdict
# comes back while it is judged, then the result; the server has the
# submission, the student's. b shows the scoreboard to a teacher and the
# refusal to a student. F2 is not the lab view's (it is after a run's);
# the help names the lab's keys. Nothing is left running.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang python3
command -v jq >/dev/null || skip "jq is not installed"
[ -x "$(dirname "$FORGE")/forge-full" ] ||
	skip "forge-full was not built (configure found no libcurl)"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-lab
trap 'tm kill-server 2>/dev/null; serve_stop KILL; rm -rf "$TEST_TMP"' EXIT

P=$TEST_TMP/mul
mkdir -p "$P/data/sample" "$P/data/secret"
printf 'name: Multiply\n' >"$P/problem.yaml"
printf '2 3\n' >"$P/data/sample/1.in"
printf '6\n' >"$P/data/sample/1.ans"
printf '7 8\n' >"$P/data/secret/1.in"
printf '56\n' >"$P/data/secret/1.ans"
teacher=$("$FORGE" token add teacher --db "$SERVE_DB")
ann=$("$FORGE" token add ann --role student --db "$SERVE_DB")
serve_start -j 1
FORGE_SERVER=$URL FORGE_TOKEN=$teacher "$FORGE" lab add "$P" >/dev/null
FORGE_SERVER=$URL FORGE_TOKEN=$teacher "$FORGE" lab set week --open now \
	--close now+1h mul >/dev/null

work=$TEST_TMP/work
mkdir -p "$work"
# on disk: a wrong program; in the editor it becomes the right one
printf 'print(0)\n' >"$work/mul.py"
path="PATH=$(dirname "$FORGE"):$PATH"

mkdir -p "$TEST_TMP/tmp"
tui_open 100x30 "FORGE_SERVER=$URL" "FORGE_TOKEN=$ann" "$path" \
	"TMPDIR=$TEST_TMP/tmp" "$work/mul.py"
wait_for "print(0)"
keys C-a
text 'a, b = map(int, input().split())'
keys Enter
text 'print(a * b)'
# F2 opens no lab view: the go-to prompt behind it comes in the editor
keys F2 C-g
check "F2 then Ctrl-G: the editor's go-to prompt" wait_for "go to line:"
check "F2 is not the lab view's" sh -c "! ( $(declare -f tm screen); TUI_SOCK=$TUI_SOCK; screen | grep -q '^ *Lab  ' )"
keys Escape
keys F1
wait_for "Esc closes"
keys /
text "lab"
check "the help names the lab's keys" wait_re "Alt-u / Shift-F2 +the lab"
keys Enter Escape
check "the help closes" wait_gone "Esc closes"
keys S-F2
check "Shift-F2: the lab view, the open problems" wait_for "1 open problem"
check "the buffer's own problem is there" wait_re "^ *mul *$"
keys Enter
check "each test's verdict comes" wait_re "secret/1 +AC" 30
check "then the result" wait_for "mul: AC (2/2 tests)" 30
FORGE_SERVER=$URL FORGE_TOKEN=$teacher "$FORGE" lab submissions --json \
	>"$TEST_TMP/subs.json"
eq "the server has ann's submission, AC" "ann AC" \
	"$(jq -r '.[0] | "\(.student) \(.verdict)"' "$TEST_TMP/subs.json")"
check "of the buffer as it was in the editor" \
	jq -e '.[0].id' "$TEST_TMP/subs.json"
FORGE_SERVER=$URL FORGE_TOKEN=$teacher "$FORGE" lab show \
	"$(jq -r '.[0].id' "$TEST_TMP/subs.json")" >"$TEST_TMP/show"
check "the source submitted is the editor's" grep -qx 'print(a \* b)' "$TEST_TMP/show"
check "the file on disk is untouched" grep -qx 'print(0)' "$work/mul.py"
eq "the buffer's copy for forge submit is gone" "" "$(ls -A "$TEST_TMP/tmp")"
check "b, as a student: refused, said" key_until b "student's"
keys Escape
check "Esc: back to the panes" wait_gone "1 open problem"
keys C-q
wait_for "unsaved changes"
keys C-q
check "the workbench quits, the change unsaved" wait_for "TUI-EXITED 0" 10

tui_open 100x30 "FORGE_SERVER=$URL" "FORGE_TOKEN=$teacher" "$path" "$work/mul.py"
wait_for "print(0)"
keys M-u
check "Alt-u: the lab view" wait_for "1 open problem"
key_until b "the scoreboard"
check "b, as a teacher: the scoreboard" wait_re "^ *1 +ann +\+1 @" 20
keys Escape
keys C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10
tm kill-session -t t 2>/dev/null
eq "no workbench left" "" "$(tui_pids)"
serve_stop
eq "no forge-serve process is left" "" "$(serve_procs)"
finish
