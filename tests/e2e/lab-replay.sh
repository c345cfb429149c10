#!/bin/bash
# forge lab replay: a submission's test run again on the lab's server
# with the limits it was judged with; its output, its usage timeline and
# whether the test's verdict reproduced. A teacher replays any test of
# any submission; a student their own submissions' visible tests only:
# host-side, nothing a student receives holds a secret test's input,
# output or answer (the teacher's replay of it does: the control), and
# another student's submission or replay is not found.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang python3
command -v jq >/dev/null || skip "jq is not installed"
[ -x "$(dirname "$FORGE")/forge-full" ] ||
	skip "forge-full was not built (configure found no libcurl)"

P=$TEST_TMP/problems
mkdir -p "$P/mul/data/sample" "$P/mul/data/secret"
printf 'name: Multiply\nlimits:\n  time_limit: 2\n' >"$P/mul/problem.yaml"
printf '2 3\n' >"$P/mul/data/sample/1.in"
printf '6\n' >"$P/mul/data/sample/1.ans"
printf '123457 987653\n' >"$P/mul/data/secret/1.in"
printf '121932676421\n' >"$P/mul/data/secret/1.ans"
SECRETS=(121932676421 '123457 987653')
S=$TEST_TMP/src
mkdir -p "$S"
# right on small numbers only; its input goes to stderr (a secret's
# replay would show it), and it takes a while, so usage is sampled
cat >"$S/small.py" <<'PY'
import sys, time
a, b = map(int, sys.stdin.read().split())
sys.stderr.write("%d %d\n" % (a, b))
x = [0] * 2000000
t = time.time()
while time.time() - t < 0.4:
    pass
print(a * b if a < 1000 else 0)
PY

teacher=$("$FORGE" token add teacher --db "$SERVE_DB")
alice=$("$FORGE" token add alice --role student --db "$SERVE_DB")
bob=$("$FORGE" token add bob --role student --db "$SERVE_DB")
serve_start -j 2
export FORGE_SERVER=$URL
SEEN=$TEST_TMP/student-seen
: >"$SEEN"
as() {
	local who=$1
	shift
	rc=0
	FORGE_TOKEN=${!who} "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
	[ "$who" = teacher ] || cat "$TEST_TMP/out" "$TEST_TMP/err" >>"$SEEN"
}
sreq() {
	local who=$1
	shift
	req "$@" -H "Authorization: Bearer ${!who}"
	[ "$who" = teacher ] || cat "$TEST_TMP/last.json" >>"$SEEN"
}

as teacher "$FORGE" lab add "$P/mul"
as teacher "$FORGE" lab set week1 --open now --close now+2h mul
eq "the lab is set up" 0 "$rc"
as alice "$FORGE" submit mul "$S/small.py" --json
eq "alice's submission: WA" WA "$(jq -r .verdict "$TEST_TMP/out")"
sub=$(jq -r .id "$TEST_TMP/out")
eq "judged: the sample AC, the secret WA" "AC WA" \
	"$(jq -r '[.result.tests[].verdict] | join(" ")' "$TEST_TMP/out")"

# ---- the teacher --------------------------------------------------------
as teacher "$FORGE" lab replay "$sub"
eq "teacher: replay, by default the first failed test; reproduced, exit 0" 0 "$rc"
eq "teacher: the secret test's output" 0 "$(cat "$TEST_TMP/out")"
check "teacher: the verdict then and now" grep -q "submission $sub, test secret/1: judged WA, now WA" "$TEST_TMP/err"
check "teacher: where the output differs" grep -q "expected '121932676421', got '0'" "$TEST_TMP/err"
check "teacher: says it reproduced" grep -q '^forge: reproduced;' "$TEST_TMP/err"
check "teacher: the usage timeline" grep -qE '^ +TIME +CPU +MEMORY +PIDS$' "$TEST_TMP/err"
check "teacher: a row of it" grep -qE '^ +[0-9.]+s +[0-9.]+s +[0-9.]+[KMG] +[0-9]+$' "$TEST_TMP/err"
as teacher "$FORGE" lab replay "$sub" secret/1 --json
cp "$TEST_TMP/out" "$TEST_TMP/teacher.json"
eq "teacher --json: exit 0" 0 "$rc"
eq "teacher --json: the fields" "secret/1 WA WA true OK 0" \
	"$(jq -r '[.test, .recorded.verdict, .verdict, .reproduced, .run.verdict, (.run.stdout | rtrimstr("\n"))] | join(" ")' "$TEST_TMP/teacher.json")"
check "teacher --json: usage samples over time" \
	jq -e '(.samples | length) > 1 and .samples[-1].t_ms > 0' "$TEST_TMP/teacher.json"
check "teacher --json: the output's chunks with their times" \
	jq -e '[.chunks[] | select(.stream == "stdout") | .data] | join("") == "0\n"' "$TEST_TMP/teacher.json"
eq "teacher --json: run with the judge's limits" 2000 "$(jq -r .run.limits.time_ms "$TEST_TMP/teacher.json")"
check "control: the teacher's replay shows the secret input" grep -qF '123457 987653' "$TEST_TMP/teacher.json"
teacher_replay=$(jq -r .id "$TEST_TMP/teacher.json")
as teacher "$FORGE" lab replay "$sub" sample/1 --play --speed 4
eq "teacher --play: the sample reproduced" 0 "$rc"
eq "teacher --play: the output played" 6 "$(cat "$TEST_TMP/out")"
check "teacher --play: its stderr too" grep -qx '2 3' "$TEST_TMP/err"
check "teacher --play: AC then and now" grep -q "test sample/1: judged AC, now AC" "$TEST_TMP/err"
as teacher "$FORGE" lab replay "$sub" secret/9
eq "no such test: exit 2" 2 "$rc"
check "no such test: said" grep -q "has no test 'secret/9'" "$TEST_TMP/err"
as teacher "$FORGE" lab replay 999
eq "no such submission: exit 2" 2 "$rc"
as teacher "$FORGE" lab replay "$sub" --speed 2
eq "--speed without --play: exit 2" 2 "$rc"

# ---- the student --------------------------------------------------------
as alice "$FORGE" lab replay "$sub"
eq "alice: her own, by default a test she may see" 0 "$rc"
check "alice: the sample was replayed" grep -q "test sample/1: judged AC, now AC" "$TEST_TMP/err"
eq "alice: its output" 6 "$(cat "$TEST_TMP/out")"
as alice "$FORGE" lab replay "$sub" secret/1
eq "alice: a secret test refused, exit 2" 2 "$rc"
check "alice: the refusal says why" grep -q "not one a student may see" "$TEST_TMP/err"
sreq alice POST "/v1/lab/submissions/$sub/replay?test=secret%2F1"
eq "alice: a secret test over HTTP: 403" 403 "$code"
sreq alice GET "/v1/lab/replays/$teacher_replay"
eq "alice: the teacher's replay of her secret test: 403" 403 "$code"
sreq alice GET "/v1/runs/$teacher_replay"
eq "alice: the replay's run on /v1/runs: 403" 403 "$code"
as alice "$FORGE" lab replay "$sub" sample/1 --json
alice_replay=$(jq -r .id "$TEST_TMP/out")
eq "alice --json: her sample's replay" "sample/1 true" "$(jq -r '"\(.test) \(.reproduced)"' "$TEST_TMP/out")"
as bob "$FORGE" lab replay "$sub" sample/1
eq "bob: alice's submission, exit 2" 2 "$rc"
check "bob: not found" grep -q "no submission $sub" "$TEST_TMP/err"
sreq bob GET "/v1/lab/replays/$alice_replay"
eq "bob: alice's replay: 404" 404 "$code"
for secret in "${SECRETS[@]}"; do
	check "no student's response holds '$secret'" bash -c "! grep -qF '$secret' '$SEEN'"
done

# ---- the tests fixed: the old verdict no longer reproduces ------------------
printf '0\n' >"$P/mul/data/secret/1.ans"
as teacher "$FORGE" lab add "$P/mul"
as teacher "$FORGE" lab replay "$sub" secret/1
eq "a changed answer: not reproduced, exit 1" 1 "$rc"
check "a changed answer: WA then, AC now" grep -q "test secret/1: judged WA, now AC" "$TEST_TMP/err"
check "a changed answer: says so" grep -q '^forge: did not reproduce;' "$TEST_TMP/err"

# a package whose own output validator judges: the replay shows the
# output, and says its verdict is not judged again here
if "$FORGE" langs --json | jq -e '.[] | select(.id == "c" and .available)' >/dev/null; then
	V=$P/near
	mkdir -p "$V/data/sample" "$V/output_validators/near"
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
	return want - got <= 1 && got - want <= 1 ? 42 : 43;
}
X
	printf 'print(int(input()) + 1)\n' >"$S/near.py"
	as teacher "$FORGE" lab add "$V"
	as teacher "$FORGE" lab set week1 --open now --close now+2h mul near
	as alice "$FORGE" submit near "$S/near.py" --json
	eq "near: AC by the package's validator" AC "$(jq -r .verdict "$TEST_TMP/out")"
	as teacher "$FORGE" lab replay "$(jq -r .id "$TEST_TMP/out")" --json
	eq "a validator's test: the output, its verdict not judged again" "11 null null OK" \
		"$(jq -r '[(.run.stdout | rtrimstr("\n")), .verdict, .reproduced, .run.verdict] | map(tostring) | join(" ")' "$TEST_TMP/out")"
	check "a validator's test: a note says why" jq -e '.note | test("output validator")' "$TEST_TMP/out"
	# a program that does not compile: CE then and now
	printf 'int main(void) { return 0 }\n' >"$S/bad.c"
	as alice "$FORGE" submit mul "$S/bad.c" --json
	eq "a compile error: CE" CE "$(jq -r .verdict "$TEST_TMP/out")"
	as alice "$FORGE" lab replay "$(jq -r .id "$TEST_TMP/out")"
	eq "a compile error replayed: reproduced" 0 "$rc"
	check "a compile error replayed: CE then and now" grep -q "test sample/1: judged CE, now CE" "$TEST_TMP/err"
fi

serve_stop
eq "the server drained: exit 0" 0 "$SERVE_RC"
eq "no forge-serve process is left" "" "$(serve_procs)"
finish
