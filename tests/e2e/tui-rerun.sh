#!/bin/bash
# A run with typed input, driven in tmux, as forge and the workbench see
# it afterwards: the history keeps what the program wrote without the
# terminal's echo of what was typed, so forge replay (on pipes) reproduces
# it; running it again from the browser (F8, r) gives the program the
# recorded input, all of it and in order, and records it with its input
# and backend; a run stopped with Ctrl-C is AB (stopped), not IE.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang python3
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-rerun
keys() { tm send-keys -t t "$@"; }
# run_json ID FIELD: the field of run ID as forge exports it, then '|'
run_json() {
	"$FORGE" export "$1" >"$TEST_TMP/r$1.json" &&
		jq -j "$2" "$TEST_TMP/r$1.json" && printf '|'
}

prog=$TEST_TMP/sum.py
cat >"$prog" <<'PY'
n = int(input("how " + "many? "))
xs = list(map(int, input().split()))
print("sum " + "=", sum(xs[:n]))
PY
tui_open 100x30 "$prog"
check "the workbench opens" wait_for "sum.py"
keys F5
check "the program asks" wait_for "how many?" 30
tm send-keys -t t -l "3"
keys Enter
tm send-keys -t t -l "10 20 30"
keys Enter
check "what was typed shows in the output pane" wait_for "10 20 30"
check "the program answers" wait_for "sum = 60" 10
check "and ends OK" wait_for "verdict OK" 10
sleep 0.5

eq "the run is recorded with what was typed" "$(printf '3\n10 20 30\n|')" \
	"$(run_json 1 .stdin)"
eq "its output is what the program wrote, without the echo" \
	"$(printf 'how many? sum = 60\n|')" "$(run_json 1 .stdout)"
rc=0
"$FORGE" replay 1 >"$TEST_TMP/replay.out" 2>"$TEST_TMP/replay.err" || rc=$?
eq "forge replay reproduces it" 0 "$rc"
check "and says so" grep -q "reproduced run 1" "$TEST_TMP/replay.err"

# the browser's r: the same program, given the same input
keys F8
check "the browser lists the runs" wait_re "^ +1 .*sum.py" 10
keys r
check "the re-run says it gives the recorded input" \
	wait_for "again, given its input" 10
check "the re-run gets its input and answers" wait_for "sum = 60" 30
check "and ends OK, not waiting for input" wait_for "verdict OK" 30
sleep 0.5
last=$("$FORGE" history --json | jq -r '.[0].id')
eq "the re-run is recorded with the same input" "$(printf '3\n10 20 30\n|')" \
	"$(run_json "$last" .stdin)"
eq "and its verdict" "OK|" "$(run_json "$last" .verdict)"
eq "and the backend" "ns|" "$(run_json "$last" .backend)"
check "and where its limits were enforced" \
	test "$(run_json "$last" .enforced_by)" != "null|"

# input with bytes the terminal would act on: given as they are
printf 'x = input()\ny = input()\nprint(len(x), len(y), repr(x), repr(y))\n' \
	>"$TEST_TMP/raw.py"
printf 'a\x7fb\x15c\x03d\nlast line\n' >"$TEST_TMP/raw.in"
"$FORGE" run -i "$TEST_TMP/raw.in" "$TEST_TMP/raw.py" >"$TEST_TMP/raw.out" \
	2>/dev/null
check "forge run reads the raw input" grep -q "7 9" "$TEST_TMP/raw.out"
keys C-q
sleep 0.3
screen | grep -q "Ctrl-Q again" && keys C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10
tui_open 100x30 "$TEST_TMP/raw.py"
check "the workbench opens on it" wait_for "raw.py"
keys F8
keys a
check "the browser lists every file's runs" wait_re "raw.py" 10
keys Home r
check "the raw input's re-run answers the same" \
	wait_for "7 9 'a\x7fb\x15c\x03d' 'last line'" 30
check "and ends OK" wait_for "verdict OK" 30

# stopped with Ctrl-C: AB, "stopped by the user"
printf 'import time\ntime.sleep(120)\n' >"$TEST_TMP/slow.py"
keys C-q
sleep 0.3
screen | grep -q "Ctrl-Q again" && keys C-q
check "the workbench quits again" wait_for "TUI-EXITED 0" 10
tui_open 100x30 "$TEST_TMP/slow.py"
check "the workbench opens on the slow program" wait_for "slow.py"
keys F5
check "it runs" wait_re "wall .*/" 30
sleep 1
keys C-c
check "stopped, it shows AB" wait_for "stopped by the user" 10
check "the stats pane names the verdict" wait_for "AB  stopped by the user" 10
sleep 0.5
last=$("$FORGE" history --json | jq -r '.[0].id')
eq "the stopped run is recorded as AB" "AB|" "$(run_json "$last" .verdict)"
rc=0
"$FORGE" show "$last" >/dev/null 2>&1 || rc=$?
check "forge history lists it as AB" sh -c "'$FORGE' history | grep -q ' AB '"
keys C-q
check "the workbench quits after AB" wait_for "TUI-EXITED 0" 10

# RE: the exit code said once, beside what the verdict means
printf 'import sys\nsys.exit(3)\n' >"$TEST_TMP/fail.py"
tui_open 100x30 "$TEST_TMP/fail.py"
check "the workbench opens on the failing program" wait_for "fail.py"
keys F5
check "it fails: RE" wait_for "verdict RE" 30
check "what RE means is shown" wait_for "runtime error"
eq "the exit code is said once" 1 "$(screen | grep -c 'exit code 3')"
keys C-q
check "the workbench quits at last" wait_for "TUI-EXITED 0" 10
finish
