#!/bin/bash
# forge-tui --server URL: F5 runs the program on a forge serve. Its
# prompt shows in the output pane, what is typed there reaches it
# through the run's WebSocket attach, the stats pane fills from the
# server's samples, the verdict is the server's, and the title names
# the remote backend; F6 judges the tests there. The server's history
# has the run; the workbench's history has it (and the judge) with
# backend remote. server = in the settings file does the same as
# --server, FORGE_SERVER alone does not; a server = that is no URL is
# reported.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang python3
. "$FORGE_SRCDIR/tests/serve-lib.sh"
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-remote

token=$("$FORGE" token add lab --db "$SERVE_DB")
serve_start -j 1

"$TUI" --server nonsense x.py >/dev/null 2>"$TEST_TMP/err" </dev/null
eq "--server that is no URL: exit 2" 2 $?
check "saying so" grep -q "not the URL of a forge serve" "$TEST_TMP/err"
check "--help tells of --server" bash -c "'$TUI' --help | grep -q -- '--server URL'"

prog=$TEST_TMP/sum.py
# the prompts are made at run time: the editor shows the source, and a
# prompt written in it would be found on the screen before it is asked
cat >"$prog" <<'P'
import time
a = int(input("%s? " % "one"))
b = int(input("%s? " % "two"))
t = time.time()
while time.time() - t < 0.5:
    pass
print("sum", a + b)
P
tm kill-session -t t 2>/dev/null
tm new-session -d -s t -x 100 -y 30 \
	"FORGE_TOKEN=$token '$TUI' --server '$URL' '$prog'; echo TUI-EXITED \$?; sleep 60"
check "the workbench opens on the file" wait_for "sum.py"
check "the title names the remote backend" wait_re "\\] +remote"
tm send-keys -t t F5
check "the server's program prompts in the output pane" wait_for "one?" 30
tm send-keys -t t -l "3"
tm send-keys -t t Enter
check "the second prompt comes after the first answer" wait_for "two?" 10
tm send-keys -t t -l "4"
tm send-keys -t t Enter
check "the program's answer" wait_for "sum 7" 20
check "the verdict" wait_for "verdict OK" 20
# the processes' count comes from the samples alone (the result has none)
check "the stats pane shows the server's samples (procs 1/64)" \
	wait_re "procs.* [1-9][0-9]*/64" 5
screen >"$TEST_TMP/screen.txt"
tm send-keys -t t C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10

# the server ran it, interactive, and recorded it
req GET /v1/runs/1 -H "Authorization: Bearer $token"
eq "the server's run: done OK, its output" "done OK one? 3 two? 4 sum 7" \
	"$(jq -r '"\(.status) \(.verdict) \(.stdout)"' "$TEST_TMP/last.json" | tr -d '\r' | tr '\n' ' ' | sed 's/ *$//')"
check "the workbench's history has the run, backend remote" bash -c \
	"'$FORGE' export \"\$('$FORGE' history --json | jq -r '.[0].id')\" | jq -e '.backend == \"remote\"'"

# F6 judges on the server: compiled there once, the tests asked for
# judged there, each test's verdict in the tests view, and beside what
# was expected what the program printed there
mkdir "$TEST_TMP/sum.tests"
printf '3\n4\n' >"$TEST_TMP/sum.tests/1.in"
printf 'one? two? sum 7\n' >"$TEST_TMP/sum.tests/1.ans"
printf '1\n1\n' >"$TEST_TMP/sum.tests/2.in"
printf 'one? two? sum 3\n' >"$TEST_TMP/sum.tests/2.ans"
tm kill-session -t t 2>/dev/null
tm new-session -d -s t -x 100 -y 30 \
	"FORGE_TOKEN=$token '$TUI' --server '$URL' '$prog'; echo TUI-EXITED \$?; sleep 60"
check "the workbench opens again" wait_for "sum.py"
tm send-keys -t t F6
check "F6: the server's verdicts, test 1 AC, test 2 WA" wait_for "tests: 1/2 passed, WA on 2" 40
check "F6: the comparator's word on test 2" wait_for "expected '3', got '2'"
check "F6: test 2's expected output beside what the server's program printed" \
	wait_re '^one\? two\? sum 3 +│one\? two\? sum 2 *$'
tm send-keys -t t Up
check "F6: and test 1's, which passed" \
	wait_re '^one\? two\? sum 7 +│one\? two\? sum 7 *$'
tm send-keys -t t Down
req GET /v1/runs/2 -H "Authorization: Bearer $token"
eq "the server judged both tests" "WA AC,WA" \
	"$(jq -r '"\(.verdict) \([.tests[].verdict] | join(","))"' "$TEST_TMP/last.json")"
check "the workbench's history has the judge, backend remote" bash -c \
	"'$FORGE' export \"\$('$FORGE' history --json | jq -r '.[0].id')\" | jq -e '.kind == \"judge\" and .backend == \"remote\" and .verdict == \"WA\"'"
tm send-keys -t t Escape
tm send-keys -t t C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10

# Ctrl-C stops a remote run as it stops a local one (AB, stopped by the
# user, in the workbench's history), and the server's job is cancelled
# then (AB), its program gone, not hung up on (an RE by SIGHUP)
loop=$TEST_TMP/loop.py
cat >"$loop" <<'P'
import time
print("looping", "now")
while True:
    time.sleep(0.05)
P
tm kill-session -t t 2>/dev/null
tm new-session -d -s t -x 100 -y 30 \
	"FORGE_TOKEN=$token '$TUI' --server '$URL' '$loop'; echo TUI-EXITED \$?; sleep 60"
check "the workbench opens on the looping program" wait_for "loop.py"
tm send-keys -t t F5
check "the program runs on the server" wait_for "looping now" 30
check "its process is under the server" bash -c \
	"$(declare -f serve_tree); SERVE_PID=$SERVE_PID; serve_tree | grep -q main.py"
tm send-keys -t t C-c
check "Ctrl-C: the verdict is AB, stopped by the user" wait_re "AB +stopped by the user" 20
req GET /v1/runs/3 -H "Authorization: Bearer $token"
eq "Ctrl-C: the server's job is cancelled, AB" "cancelled AB" \
	"$(jq -r '"\(.status) \(.verdict)"' "$TEST_TMP/last.json")"
for i in $(seq 1 50); do
	serve_tree | grep -q 'main.py' || break
	sleep 0.1
done
eq "Ctrl-C: no process of the program is left on the server" "" \
	"$(serve_tree | grep 'main.py')"
check "the workbench's history has the run: AB, backend remote" bash -c \
	"'$FORGE' export \"\$('$FORGE' history --json | jq -r '.[0].id')\" | jq -e '.verdict == \"AB\" and .backend == \"remote\"'"
# a judge on the server stopped in the tests view (Ctrl-C): its job is
# cancelled there too
mkdir "$TEST_TMP/loop.tests"
printf '1\n' >"$TEST_TMP/loop.tests/1.in"
printf '1\n' >"$TEST_TMP/loop.tests/1.ans"
tm send-keys -t t F6
for i in $(seq 1 300); do
	curl -s "$URL/metrics" | grep -q '^forge_workers_busy [1-9]' && break
	sleep 0.1
done
check "F6: the judge runs on the server" bash -c \
	"curl -s '$URL/metrics' | grep -q '^forge_workers_busy [1-9]'"
tm send-keys -t t C-c
check "Ctrl-C in the tests view: the judge is stopped" wait_for "(stopped)" 20
req GET /v1/runs/4 -H "Authorization: Bearer $token"
eq "Ctrl-C: the server's judge is cancelled, AB" "cancelled AB" \
	"$(jq -r '"\(.status) \(.verdict)"' "$TEST_TMP/last.json")"
eq "Ctrl-C: no process of the judged program is left on the server" "" \
	"$(serve_tree | grep 'main.py')"
tm send-keys -t t Escape
tm send-keys -t t C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10

# FORGE_SERVER alone (the lab view's server) sends no program anywhere;
# server = in the settings file does what --server does
tui_open 100x30 "FORGE_SERVER=$URL" "$prog"
check "FORGE_SERVER alone: the title names the local backend" wait_re "\\] +ns"
check "and not the remote one" bash -c \
	"! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -qE '\\] +remote'"
tm send-keys -t t C-q
check "FORGE_SERVER: the workbench quits" wait_for "TUI-EXITED 0" 10
mkdir -p "$XDG_CONFIG_HOME/forge"
printf '[general]\nserver = %s\n' "$URL" >"$XDG_CONFIG_HOME/forge/forge-tui.conf"
tui_open 100x30 "$prog"
check "server = URL: the title names the remote backend" wait_re "\\] +remote"
tm send-keys -t t C-q
check "server = URL: the workbench quits" wait_for "TUI-EXITED 0" 10
printf '[general]\nserver = ftp://x\n' >"$XDG_CONFIG_HOME/forge/forge-tui.conf"
tui_open 100x30 "$prog"
check "a server = that is no URL is reported" wait_for "forge-tui.conf:2: server: 'ftp://x'"
check "and runs stay here (the title names no remote backend)" bash -c \
	"! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -qE '\\] +remote'"
tm send-keys -t t C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10
rm "$XDG_CONFIG_HOME/forge/forge-tui.conf"

serve_stop TERM
eq "the server exits 0" 0 "$SERVE_RC"
eq "no forge-serve process is left" "" "$(serve_procs)"
finish
