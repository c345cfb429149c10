#!/bin/bash
# forge-tui's tests view, driven in tmux: F6 judges a program on its
# tests and shows a wrong answer's expected and actual output side by
# side with its stderr; the actual output becomes the expected one; a
# test is added and one disabled. Then competitive-companion problems
# POSTed with curl become a file and its tests, opened at once, and junk
# (a GET, bad JSON, a huge body, a slow client, a path for a name) is
# refused without harm.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang c
command -v curl >/dev/null || skip "curl is not installed"
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-view

work=$TEST_TMP/work
mkdir -p "$work/sum.tests"
# right, except when a is 2: then a product
cat >"$work/sum.c" <<'EOF'
#include <stdio.h>
int main(void) {
	int a, b;
	if (scanf("%d %d", &a, &b) != 2)
		return 1;
	fprintf(stderr, "note: a=%d\n", a);
	printf("%d\n", a == 2 ? a * b : a + b);
	return 0;
}
EOF
printf '1 2\n' >"$work/sum.tests/1.in"
printf '3\n' >"$work/sum.tests/1.ans"
printf '2 2\n' >"$work/sum.tests/2.in"
printf '4\n' >"$work/sum.tests/2.ans"
printf '2 5\n' >"$work/sum.tests/3.in"
printf '7\n' >"$work/sum.tests/3.ans"

rc=0
"$TUI" --companion=http sum.c 2>"$TEST_TMP/err" || rc=$?
eq "a bad port is a usage error" "2" "$rc"
check "that says so" grep -q "give a port" "$TEST_TMP/err"

port=$((20000 + RANDOM % 30000))
tm new-session -d -s t -x 110 -y 32 \
	"cd '$work' && '$TUI' --companion=$port sum.c; echo TUI-EXITED \$?; sleep 60"
check "the workbench opens" wait_for "sum.c"
check "the key bar shows F6" wait_for "F6 / Alt-j judge"
check "and F7" wait_for "F7 / Alt-t tests"
check "the companion listener says where it is" wait_for "listening on 127.0.0.1:$port"

# ---- judging: one wrong answer
tm send-keys -t t F6
check "F6 judges: two pass, test 3 is WA" wait_for "tests: 2/3 passed, WA on 3" 60
check "the view lists test 1 as AC" wait_re '^  1 +AC +[0-9.]+s'
check "the failing test is selected, WA" wait_re '^> 3 +WA +[0-9.]+s .*wrong answer'
check "expected 7 beside actual 10" wait_re '^7 +│10 *$'
check "the comparator's word on it" wait_for "expected '7', got '10'"
check "the test's stderr is shown" wait_for "note: a=2"
verdict_attrs() {
	# the verdict's cell carries the theme's attributes: WA's are not AC's
	local wa ac
	wa=$(tm capture-pane -t t -e -p | grep -E '3 +.*WA' | head -1 | sed 's/WA.*//' | grep -o $'\e\[[0-9;]*m' | tail -1)
	ac=$(tm capture-pane -t t -e -p | grep -E '  1 +.*AC' | head -1 | sed 's/AC.*//' | grep -o $'\e\[[0-9;]*m' | tail -1)
	[ -n "$wa" ] && [ "$wa" != "$ac" ]
}
check "WA and AC are drawn differently" verdict_attrs
tm send-keys -t t M-t
check "Alt-T keeps the view" wait_for "tests of sum.c"

# ---- the actual output becomes the expected one (c, then c again)
tm send-keys -t t c
check "c asks first" wait_for "c again"
eq "nothing written yet" "7" "$(cat "$work/sum.tests/3.ans")"
tm send-keys -t t c
check "c again copies" wait_for "is its expected output now"
eq "3.ans holds the program's output" "10" "$(cat "$work/sum.tests/3.ans")"
tm send-keys -t t a
check "all pass now" wait_for "tests: 3/3 passed" 60

# ---- a test added in the view
tm send-keys -t t n
check "n opens the new test's input" wait_for "[input]"
tm send-keys -t t -l "7 8"
tm send-keys -t t Tab
check "Tab goes to the expected output" wait_for "[expected output]"
tm send-keys -t t -l "15"
tm send-keys -t t Escape
check "Esc saves it: test 4 is listed" wait_re '^> 4 +- *$'
eq "its input" "7 8" "$(cat "$work/sum.tests/4.in")"
eq "its expected output" "15" "$(cat "$work/sum.tests/4.ans")"
tm send-keys -t t Enter
check "Enter judges the one test" wait_re '^> 4 +AC ' 60

# ---- disabled: remembered, and left out of a judge
tm send-keys -t t Up Up ' '
check "Space disables test 2" wait_re '^> 2 +AC .* off'
eq "remembered in the test directory" "2" "$(cat "$work/sum.tests/.forge-disabled")"
printf '5\n' >"$work/sum.tests/2.ans" # would fail now, if judged
tm send-keys -t t F6
check "F6 judges the three enabled tests" wait_for "tests: 3/3 passed" 60
tm send-keys -t t Escape
check "Esc goes back to the editor" wait_for "#include <stdio.h>"

# ---- competitive-companion
url=http://127.0.0.1:$port/
problem='{"name":"B. Hello, World!","group":"Codeforces - Test Round","url":"https://codeforces.com/contest/1/problem/B","interactive":false,"memoryLimit":64,"timeLimit":1500,"tests":[{"input":"1 2\n","output":"3\n"},{"input":"4 5\n","output":"9\n"}]}'
status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data "$problem" "$url")
eq "a problem is answered 200" "200" "$status"
check "it is opened as a new buffer" wait_for "B_Hello_World.c  [C (GCC)]  2/2" 10
tm send-keys -t t F7
check "F7 shows its tests" wait_re '^> sample/1 +- *$'
check "the problem's tests: input and expected" wait_re '^1 2 +│3 *$'
tm send-keys -t t Escape
check "the source file is the C template" \
	cmp "$FORGE_SRCDIR/languages/templates/c.c" "$work/B_Hello_World.c"
eq "its tests are a problem package" "4 5" "$(cat "$work/B_Hello_World/data/sample/2.in")"
eq "with the answers" "9" "$(cat "$work/B_Hello_World/data/sample/2.ans")"
check "and the limits" grep -q "time_limit: 1.500" "$work/B_Hello_World/problem.yaml"
check "memory too" grep -q "memory: 64" "$work/B_Hello_World/problem.yaml"
eq "forge judge reads the package and its limits" "1500 AC" \
	"$("$FORGE" judge --json --no-history "$work/sum.c" "$work/B_Hello_World" | jq -r '"\(.limits.time_ms) \(.verdict)"')"

# junk: each refused, none crashes it or writes anything
eq "a GET is refused" "405" "$(curl -s -o /dev/null -w '%{http_code}' "$url")"
eq "bad JSON is refused" "400" "$(curl -s -o /dev/null -w '%{http_code}' --data '{"name": [' "$url")"
check "and said so" wait_for "companion: not a JSON object"
eq "JSON without tests is refused" "400" "$(curl -s -o /dev/null -w '%{http_code}' --data '{"name":"x"}' "$url")"
eq "a huge body is refused before it is sent" "413" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Length: 900000000' --data 'x' "$url" 2>/dev/null)"
# a slow client holds its connection; others are served meanwhile
exec 7<>"/dev/tcp/127.0.0.1/$port"
printf 'POST / HTTP/1.1\r\nContent-Length: 500\r\n\r\n{"na' >&7
evil='{"name":"../../evil/../x","tests":[{"input":"1\n","output":"1\n"}]}'
eq "a path as a name: still answered" "200" "$(curl -s -o /dev/null -w '%{http_code}' -m 5 --data "$evil" "$url")"
# wait_file PATH: until it is there
wait_file() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
check "written inside the directory, its name flattened" wait_file "$work/evil_x.c"
check "nothing written outside" test ! -e "$TEST_TMP/evil" -a ! -e "$work/../x.c"
check "the slow client is answered 408 when its time is up" \
	timeout 20 grep -q "408" <&7
exec 7<&-
check "the workbench is still alive" wait_for "forge  evil_x.c"

tm send-keys -t t C-q
check "Ctrl-Q quits, exit status 0" wait_for "TUI-EXITED 0" 10
no_tui_left() {
	local i
	for ((i = 0; i < 30; i++)); do
		tui_pids >/dev/null || return 0
		sleep 0.1
	done
	return 1
}
check "no process of the workbench is left" no_tui_left
finish
