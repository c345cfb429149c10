#!/bin/bash
# forge replay JUDGE --test NAME: one test of a recorded judge run again
# on its input with the judge's limits, recorded with its output and
# usage timeline (linked to the judge), judged by the test set's rules,
# and whether the test's verdict reproduced; the tests changed since are
# said, and a replay that no longer gives the verdict exits 1.
. "$(dirname "$0")/../lib.sh"
need_sandbox
need_lang python3

DB=$TEST_TMP/h.db
out() {
	rc=0
	"$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null || rc=$?
}
q() {
	sqlite3 "$DB" "$1"
}
mkdir -p "$TEST_TMP/t"
printf '1 2\n' >"$TEST_TMP/t/a.in"
printf 'partial\n3\n' >"$TEST_TMP/t/a.ans"
printf '5 5\n' >"$TEST_TMP/t/b.in"
printf 'partial\n10\n' >"$TEST_TMP/t/b.ans"
printf '0 0\n' >"$TEST_TMP/t/c.in"
printf '0\n' >"$TEST_TMP/t/c.ans"
sum=$(write sum.py <<'PY'
import sys, time
a, b = map(int, sys.stdin.read().split())
print("thinking", file=sys.stderr, flush=True)
time.sleep(0.2)
print("partial", flush=True)
time.sleep(0.2)
if a == 0:
    while True:
        pass
print(a + b if a != 5 else 11)
PY
)

out "$FORGE" judge --db "$DB" -t 0.5 "$sum" "$TEST_TMP/t"
eq "the judge: WA" 1 "$rc"
jid=$(q "SELECT max(id) FROM runs WHERE kind = 'judge'")
eq "the judge's tests as recorded" "a AC b WA c TLE" \
	"$("$FORGE" show --db "$DB" --json "$jid" | jq -r '[.tests[] | .name, .verdict] | join(" ")')"

# a wrong answer, again
out "$FORGE" replay --db "$DB" "$jid" --test b
eq "replay --test b: reproduced, exit 0" 0 "$rc"
eq "replay --test b: the program's output" "partial
11" "$(cat "$TEST_TMP/out")"
check "replay --test b: the verdict then and now" grep -q "test b of run $jid: WA (wrong answer), now WA (wrong answer)" "$TEST_TMP/err"
check "replay --test b: where the output differs" grep -q "expected '10', got '11'" "$TEST_TMP/err"
check "replay --test b: says it reproduced" grep -q "^forge: reproduced;" "$TEST_TMP/err"
check "replay --test b: the tests did not change" bash -c "! grep -q 'changed since' '$TEST_TMP/err'"
rid=$(sed -n 's/^forge: the replay is run \([0-9]*\) .*/\1/p' "$TEST_TMP/err")
check "replay --test b: names the new run" test -n "$rid"
eq "the replay: a run linked to the judge" "run $jid" "$(q "SELECT kind, replay_of FROM runs WHERE id = ${rid:-0}" | tr '|' ' ')"
eq "the replay: the test's input as its stdin" "5 5" "$(q "SELECT CAST(stdin AS TEXT) FROM runs WHERE id = ${rid:-0}")"
"$FORGE" show --db "$DB" --json "${rid:-0}" >"$TEST_TMP/show.json"
eq "the replay: the judge's CPU limit" 500 "$(jq -r .limits.time_ms "$TEST_TMP/show.json")"
check "the replay: its usage timeline was recorded" test "$(q "SELECT count(*) FROM samples WHERE run_id = ${rid:-0}")" -gt 0
out "$FORGE" replay --db "$DB" --play --speed 100 "${rid:-0}"
eq "the replay plays back: its output" "partial
11" "$(cat "$TEST_TMP/out")"
check "the replay plays back: its stderr" grep -q thinking "$TEST_TMP/err"

# an accepted test and a time limit, again
out "$FORGE" replay --db "$DB" "$jid" --test a
eq "replay --test a: reproduced AC" 0 "$rc"
check "replay --test a: AC then and now" grep -q "test a of run $jid: AC, now AC" "$TEST_TMP/err"
out "$FORGE" replay --db "$DB" --json "$jid" --test c
eq "replay --test c --json: reproduced, exit 0" 0 "$rc"
eq "replay --test c --json: the fields" "true c TLE TLE false $jid" \
	"$(jq -r '[.reproduced, .test, .original_verdict, .verdict, .tests_changed, .replay_of] | join(" ")' "$TEST_TMP/out")"
eq "replay --test c --json: the run, stopped at the limit" "TLE partial" \
	"$(jq -r '[.run.verdict, (.run.stdout | rtrimstr("\n"))] | join(" ")' "$TEST_TMP/out")"
check "replay --test c --json: its usage samples" jq -e '.run.samples | length > 0' "$TEST_TMP/out"

# the tests fixed since: it no longer reproduces, and says why it may not
printf 'partial\n11\n' >"$TEST_TMP/t/b.ans"
out "$FORGE" replay --db "$DB" "$jid" --test b
eq "a changed answer: not reproduced, exit 1" 1 "$rc"
check "a changed answer: the verdict now" grep -q "test b of run $jid: WA (wrong answer), now AC" "$TEST_TMP/err"
check "a changed answer: the tests changed since the judge" grep -q "changed since run $jid judged them" "$TEST_TMP/err"
check "a changed answer: says it did not reproduce" grep -q "^forge: did not reproduce;" "$TEST_TMP/err"

# refusals
out "$FORGE" replay --db "$DB" "$jid" --test nosuch
eq "no such test: usage error" 2 "$rc"
check "no such test: named" grep -q "no test 'nosuch'" "$TEST_TMP/err"
out "$FORGE" replay --db "$DB" "$jid"
eq "a judge without --test: usage error" 2 "$rc"
check "a judge without --test: says --test" grep -q -- "--test NAME" "$TEST_TMP/err"
out "$FORGE" replay --db "$DB" "${rid:-0}" --test b
eq "--test of a plain run: usage error" 2 "$rc"
check "--test of a plain run: says it is not a judge" grep -q "is not a judge" "$TEST_TMP/err"
n=$(q "SELECT count(*) FROM runs")
mv "$TEST_TMP/t" "$TEST_TMP/moved"
out "$FORGE" replay --db "$DB" "$jid" --test b
eq "the tests gone: usage error" 2 "$rc"
check "the tests gone: says where they were" grep -q "tests were at $TEST_TMP/t" "$TEST_TMP/err"
eq "the refusals recorded nothing" "$n" "$(q "SELECT count(*) FROM runs")"

# a package's own output validator judges the replayed output too
if "$FORGE" langs --json | jq -e '.[] | select(.id == "c" and .available)' >/dev/null; then
	V=$TEST_TMP/near
	mkdir -p "$V/data/sample"  "$V/output_validators/near"
	printf 'name: Near\nvalidation: custom\n' >"$V/problem.yaml"
	printf '10\n' >"$V/data/sample/1.in"
	printf '10\n' >"$V/data/sample/1.ans"
	cat >"$V/output_validators/near/validator.c" <<'X'
#include <stdio.h>
int main(int argc, char **argv)
{
	long want, got;
	FILE *ans = argc > 2 ? fopen(argv[2], "r") : NULL;
	if (ans == NULL || fscanf(ans, "%ld", &want) != 1)
		return 1;
	if (scanf("%ld", &got) != 1)
		return 43;
	fprintf(stderr, "wanted %ld, got %ld\n", want, got);
	return want - got <= 1 && got - want <= 1 ? 42 : 43;
}
X
	near=$(write near.py <<<'print(int(input()) + 1)')
	out "$FORGE" judge --db "$DB" "$near" "$V"
	eq "near: AC by the package's validator" 0 "$rc"
	nid=$(q "SELECT max(id) FROM runs WHERE kind = 'judge'")
	out "$FORGE" replay --db "$DB" "$nid" --test sample/1
	eq "a validator's test replayed: reproduced AC" 0 "$rc"
	check "a validator's test replayed: its message" grep -q "now AC (wanted 10, got 11)" "$TEST_TMP/err"
	printf '20\n' >"$V/data/sample/1.ans"
	out "$FORGE" replay --db "$DB" "$nid" --test sample/1
	eq "the validator's answer changed: not reproduced" 1 "$rc"
	check "the validator's answer changed: WA now" grep -q "now WA (wanted 20, got 11)" "$TEST_TMP/err"
	# a program that does not compile: no test ran, CE is every test's
	bad=$(write bad.c <<<'int main(void) { return 0 }')
	out "$FORGE" judge --db "$DB" "$bad" "$TEST_TMP/moved"
	eq "a compile error judged: CE" 1 "$rc"
	bid=$(q "SELECT max(id) FROM runs WHERE kind = 'judge'")
	out "$FORGE" replay --db "$DB" "$bid" --test a
	eq "a compile error replayed: reproduced" 0 "$rc"
	check "a compile error replayed: CE then and now" grep -q "test a of run $bid: CE, now CE" "$TEST_TMP/err"
fi
finish
