#!/bin/bash
# forge stress finds a planted bug, saves the case as a test pair that
# then fails under forge judge, and stays quiet for a correct solution.
. "$FORGE_SRCDIR/tests/lib.sh"
# the backends this forge has: docker where it was built with libcurl
registered=ns
"$FORGE" doctor --backend docker --json >/dev/null 2>&1
[ $? -ne 2 ] && registered="ns, docker"
need_sandbox
# the generator and the reference are Python programs, run in the sandbox
need_lang python3
need_lang c

gen=$(write gen.py <<'X'
import random, sys
random.seed(int(sys.argv[1]))
n = random.randint(1, 8)
print(n)
print(*[random.randint(-20, 20) for _ in range(n)])
X
)
ref=$(write ref.py <<'X'
n = int(input())
print(max(map(int, input().split())))
X
)
# the planted bug: the maximum starts at 0, wrong when all are negative
bad=$(write bad.c <<'X'
#include <stdio.h>
int main(void) {
	int n, x, best = 0;
	scanf("%d", &n);
	for (int i = 0; i < n; i++) { scanf("%d", &x); if (x > best) best = x; }
	printf("%d\n", best);
	return 0;
}
X
)
good=$(write good.c <<'X'
#include <limits.h>
#include <stdio.h>
int main(void) {
	int n, x, best = INT_MIN;
	scanf("%d", &n);
	for (int i = 0; i < n; i++) { scanf("%d", &x); if (x > best) best = x; }
	printf("%d\n", best);
	return 0;
}
X
)

rc=0
"$FORGE" stress "$bad" --gen "$gen" --ref "$ref" -n 300 --save "$TEST_TMP/found" \
	>"$TEST_TMP/out.txt" 2>&1 || rc=$?
eq "the planted bug is found: exit 1" 1 "$rc"
check "the difference is shown" grep -q "expected '-" "$TEST_TMP/out.txt"
seed=$(sed -n 's/^forge: seed \([0-9]*\): WA.*/\1/p' "$TEST_TMP/out.txt")
check "the seed is named ($seed)" test -n "$seed"
check "the input was saved" test -s "$TEST_TMP/found/stress-$seed.in"
check "the reference's answer was saved" test -s "$TEST_TMP/found/stress-$seed.ans"
eq "the saved answer is the reference's" \
	"$("$FORGE" run -q --no-history -i "$TEST_TMP/found/stress-$seed.in" "$ref")" \
	"$(cat "$TEST_TMP/found/stress-$seed.ans")"
# the saved pair is a test set forge judge reads: the bug fails it
rc=0
"$FORGE" judge -q "$bad" "$TEST_TMP/found" >/dev/null 2>&1 || rc=$?
eq "the saved case fails the buggy solution under judge" 1 "$rc"
rc=0
"$FORGE" judge -q "$good" "$TEST_TMP/found" >/dev/null 2>&1 || rc=$?
eq "and passes the correct one" 0 "$rc"

rc=0
"$FORGE" stress "$good" --gen "$gen" --ref "$ref" -n 40 >"$TEST_TMP/ok.txt" 2>&1 || rc=$?
eq "a correct solution: exit 0" 0 "$rc"
check "no difference reported" grep -q "no difference in 40 tests" "$TEST_TMP/ok.txt"

# a crashing solution is caught too
crash=$(write crash.c <<'X'
#include <limits.h>
#include <stdio.h>
int main(void) {
	int n, x, best = INT_MIN;
	scanf("%d", &n);
	if (n > 6) { volatile int *p = 0; return *p; }
	for (int i = 0; i < n; i++) { scanf("%d", &x); if (x > best) best = x; }
	printf("%d\n", best);
	return 0;
}
X
)
rc=0
"$FORGE" stress "$crash" --gen "$gen" --ref "$ref" -n 300 >"$TEST_TMP/c.txt" 2>&1 || rc=$?
eq "a crash: exit 1" 1 "$rc"
check "a crash is reported as RE with its signal" grep -q "RE killed by SIGSEGV" "$TEST_TMP/c.txt"

# usage errors
rc=0
"$FORGE" stress "$good" --gen "$gen" >/dev/null 2>&1 || rc=$?
eq "no --ref: usage error" 2 "$rc"
rc=0
"$FORGE" stress "$good" --gen "$TEST_TMP/none.py" --ref "$ref" >/dev/null 2>&1 || rc=$?
eq "a missing generator: usage error" 2 "$rc"

# --backend: the named one runs all three; an unknown one is refused with
# the registered ones listed, before anything is built
rc=0
"$FORGE" stress "$good" --gen "$gen" --ref "$ref" -n 3 --backend ns \
	>"$TEST_TMP/ns.txt" 2>&1 || rc=$?
eq "--backend ns: runs" 0 "$rc"
check "--backend ns: no difference" grep -q "no difference in 3 tests" "$TEST_TMP/ns.txt"
rc=0
"$FORGE" stress "$good" --gen "$gen" --ref "$ref" -n 3 --backend nosuch \
	>/dev/null 2>"$TEST_TMP/nosuch.err" || rc=$?
eq "--backend nosuch: usage error" 2 "$rc"
eq "--backend nosuch: one line naming the registered backends" \
	"forge: --backend: unknown backend 'nosuch' (registered: $registered)" \
	"$(cat "$TEST_TMP/nosuch.err")"
finish
