#!/bin/bash
# The tables of forge history and forge judge name every column: the
# header's VERDICT stands over the verdicts.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang bash

printf 'read x; echo $((x + 1))\n' >"$TEST_TMP/inc.sh"
mkdir -p "$TEST_TMP/t"
printf '1\n' >"$TEST_TMP/t/1.in"
printf '2\n' >"$TEST_TMP/t/1.ans"
printf '5\n' >"$TEST_TMP/t/2.in"
printf '7\n' >"$TEST_TMP/t/2.ans"
echo 1 | "$FORGE" run "$TEST_TMP/inc.sh" >/dev/null 2>&1
"$FORGE" judge "$TEST_TMP/inc.sh" "$TEST_TMP/t" >"$TEST_TMP/judge.txt" 2>&1

# column COL FILE LINE-REGEX: where (0-based) COL starts on the line
column() {
	grep -E -m1 -- "$3" "$2" | awk -v w="$1" '{ print index($0, w) - 1 }'
}
"$FORGE" history >"$TEST_TMP/h.txt"
check "forge history's header has VERDICT" grep -q "VERDICT" "$TEST_TMP/h.txt"
eq "over the verdicts" "$(column VERDICT "$TEST_TMP/h.txt" 'WHEN')" \
	"$(column ' OK ' "$TEST_TMP/h.txt" ' run ' | awk '{ print $1 + 1 }')"
check "forge judge's header has VERDICT" grep -q "VERDICT" "$TEST_TMP/judge.txt"
eq "over the verdicts" "$(column VERDICT "$TEST_TMP/judge.txt" 'TEST')" \
	"$(column ' WA ' "$TEST_TMP/judge.txt" ' WA ' | awk '{ print $1 + 1 }')"
finish
