#!/bin/bash
# A memory limit too small for anything to start is the user's input,
# not a broken sandbox: the run is MLE (forge exits 1), never IE (exit
# 3), for a run and for each test of a judge, and nothing of the run is
# left on the host. The control: a limit large enough runs the program.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c

hello=$(write hello.c <<'C'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
C
)
# (a generous compile time: this test also runs under full emulation)
forge_json "$hello" --mem 16M --compile-time 120
eq "control: 16M: verdict ($(j .detail))" OK "$(j .verdict)"

for m in 1K 64K; do
	forge_json "$hello" --mem $m --compile-time 120
	eq "$m: verdict" MLE "$(j .verdict)"
	eq "$m: forge's exit status" 1 "$rc"
	check "$m: the detail names the limit" grep -q "memory limit" <<<"$(j .detail)"
done

mkdir -p "$TEST_TMP/set"
for i in 1 2; do
	: >"$TEST_TMP/set/$i.in"
	echo hello >"$TEST_TMP/set/$i.ans"
done
rc=0
"$FORGE" judge --json --no-history --compile-time 120 --mem 64K "$hello" \
	"$TEST_TMP/set" \
	>"$TEST_TMP/judge.json" 2>"$TEST_TMP/judge.err" || rc=$?
eq "judge 64K: each test ($(jq -r '.tests[0].detail' "$TEST_TMP/judge.json"))" "MLE MLE" \
	"$(jq -r '[.tests[].verdict] | join(" ")' "$TEST_TMP/judge.json")"
eq "judge 64K: forge's exit status" 1 "$rc"
finish
