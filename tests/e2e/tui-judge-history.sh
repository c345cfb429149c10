#!/bin/bash
# forge-tui's judges in the history, driven in tmux: F6 judges a program
# on its tests, and forge history lists that judge as it lists one of
# forge judge (kind judge, its verdict, a row for each test, the same
# identity of the test set); one test judged with Enter is a judge too,
# and a compile error is recorded as CE.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang c
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-jhist

DB="$XDG_DATA_HOME/forge/history.db"
work=$TEST_TMP/work
mkdir -p "$work/sum.tests"
cat >"$work/sum.c" <<'EOF'
#include <stdio.h>
int main(void) {
	int a, b;
	if (scanf("%d %d", &a, &b) != 2)
		return 1;
	printf("%d\n", a == 2 ? a * b : a + b);
	return 0;
}
EOF
printf '1 2\n' >"$work/sum.tests/1.in"
printf '3\n' >"$work/sum.tests/1.ans"
printf '2 5\n' >"$work/sum.tests/2.in"
printf '7\n' >"$work/sum.tests/2.ans"

# the judges forge history --json lists, newest first
judges() { "$FORGE" history --json 2>/dev/null | jq -c '[.[] | select(.kind == "judge")]'; }
# until N judges are in the history (S seconds at most)
judged() {
	local i
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		[ "$(judges | jq length)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
OUT=$TEST_TMP/out
out() { "$@" >"$OUT" 2>&1; }

tui_open 110x32 "$work/sum.c"
check "the workbench opens" wait_for "sum.c"
tm send-keys -t t F6
check "F6 judges: test 2 is WA" wait_for "tests: 1/2 passed, WA on 2" 60
check "the judge reaches the history" judged 1
out "$FORGE" history
check "forge history lists it as a judge" grep -qE 'judge.*WA' "$OUT"
id=$(judges | jq -r '.[0].id')
eq "of the file judged" "$(realpath "$work/sum.c")" "$(judges | jq -r '.[0].file')"
out "$FORGE" show --json "$id"
eq "its verdict" "WA" "$(jq -r .verdict "$OUT")"
eq "two tests recorded" "2" "$(jq -r .total "$OUT")"
eq "one passed" "1" "$(jq -r .passed "$OUT")"
eq "the tests' names and verdicts" '["1","AC"],["2","WA"]' \
	"$(jq -c '.tests[] | [.name, .verdict]' "$OUT" | paste -sd,)"
tui_set=$(jq -r .testset "$OUT")

# forge judge on the same tests: the same identity of the test set
( cd "$work" && "$FORGE" judge --json sum.c sum.tests >"$TEST_TMP/cli.json" ) || true
eq "forge judge's verdict" "WA" "$(jq -r .verdict "$TEST_TMP/cli.json")"
cli_id=$(jq -r .id "$TEST_TMP/cli.json")
out "$FORGE" show --json "$cli_id"
eq "the test set's identity is forge judge's" "$(jq -r .testset "$OUT")" "$tui_set"

# one test, judged with Enter: a judge of that test
check "the tests view is open" wait_for "tests of $work/sum.c"
tm send-keys -t t Up Enter
check "one test judged is recorded" judged 3 60
id=$(judges | jq -r '.[0].id')
out "$FORGE" show --json "$id"
eq "with its one test" '["1","AC"]' "$(jq -c '.tests[] | [.name, .verdict]' "$OUT")"
eq "which passed" "AC" "$(jq -r .verdict "$OUT")"

# a compile error is a judge too
tm send-keys -t t Escape
printf 'int main(void) { return x; }\n' >"$work/bad.c"
tui_open 110x32 "$work/bad.c"
check "the workbench opens bad.c" wait_for "bad.c"
mkdir -p "$work/bad.tests"
cp "$work/sum.tests/1.in" "$work/sum.tests/1.ans" "$work/bad.tests/"
tm send-keys -t t F6
check "F6 says CE" wait_for "tests: CE" 60
check "the CE is recorded" judged 4
eq "as CE" "CE" "$(judges | jq -r '.[0].verdict')"
tm send-keys -t t C-q
check "the workbench quits" wait_for "TUI-EXITED 0"
finish
