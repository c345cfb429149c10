#!/bin/bash
# A lab in class, as a teacher and three students run it: the teacher
# adds two problems (a Kattis package and a directory of pairs with
# hidden tests) and a set, hands out student tokens; the students submit
# AC, WA, TLE and CE with forge submit, each test's verdict printed as it
# comes; the board (text, JSON, CSV) is checked cell by cell; a rejudge
# after an answer file changed lists the changed verdicts. Host-side:
# no response a student gets holds a secret test's input or answer (the
# teacher's does: the control), a student cannot read another's code or
# run anything but the lab, a closed set refuses. Then fairness: one
# student's pile of slow submissions does not keep another's behind all
# of them; and a scoring package's points per group (IOI).
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang python3
need_lang c
command -v jq >/dev/null || skip "jq is not installed"
[ -x "$(dirname "$FORGE")/forge-full" ] ||
	skip "forge-full was not built (configure found no libcurl)"

# the problems: a package whose secret answer and input are marked, and
# pairs whose tests are all hidden
P=$TEST_TMP/problems
mkdir -p "$P/mul/data/sample" "$P/mul/data/secret" "$P/sum"
printf 'name: Multiply\nlimits:\n  time_limit: 1\n' >"$P/mul/problem.yaml"
mkdir -p "$P/mul/problem_statement"
printf 'Print the product of two integers.\n' >"$P/mul/problem_statement/problem.md"
printf '2 3\n' >"$P/mul/data/sample/1.in"
printf '6\n' >"$P/mul/data/sample/1.ans"
printf '123457 987653\n' >"$P/mul/data/secret/1.in"
printf '121932676421\n' >"$P/mul/data/secret/1.ans"
printf '1 2\n' >"$P/sum/1.in"
printf '3\n' >"$P/sum/1.ans"
printf '4000000 2345\n' >"$P/sum/2.in"
printf '4002345\n' >"$P/sum/2.ans"
printf '{"name":"Late","tests":[{"input":"1\\n","output":"1\\n"}]}' \
	>"$P/late.json"
SECRETS=(121932676421 '123457 987653' 4002345 '4000000 2345')
# a scoring package: two groups of the secret data, 30 and 70 points,
# each earned when all its tests are accepted (grader_flags: min)
mkdir -p "$P/sub/data/sample" "$P/sub/data/secret/g1" "$P/sub/data/secret/g2"
printf 'name: Subtasks\ntype: scoring\nlimits:\n  time_limit: 1\n' >"$P/sub/problem.yaml"
printf '1 1\n' >"$P/sub/data/sample/1.in"
printf '2\n' >"$P/sub/data/sample/1.ans"
printf 'accept_score: 30\ngrader_flags: min\n' >"$P/sub/data/secret/g1/testdata.yaml"
printf 'accept_score: 70\ngrader_flags: min\n' >"$P/sub/data/secret/g2/testdata.yaml"
printf '1 2\n' >"$P/sub/data/secret/g1/1.in"
printf '3\n' >"$P/sub/data/secret/g1/1.ans"
printf '1000 2000\n' >"$P/sub/data/secret/g2/1.in"
printf '3000\n' >"$P/sub/data/secret/g2/1.ans"

S=$TEST_TMP/src
mkdir -p "$S"
printf 'a, b = map(int, input().split())\nprint(a * b)\n' >"$S/mul.py"
printf 'a, b = map(int, input().split())\nprint(a + b)\n' >"$S/sum.py"
printf 'import time\nt = time.time()\nwhile time.time() - t < 20:\n    pass\n' \
	>"$S/loop.py"
printf 'int main(void) { return 0 }\n' >"$S/broken.c"
# right on small numbers only: the first group's points, not the second's
printf 'a, b = map(int, input().split())\nprint(a + b if a < 100 else 0)\n' \
	>"$S/part.py"
# prints its input to stderr: a visible test shows it, a hidden one not
printf 'import sys\nsys.stderr.write(sys.stdin.read())\nprint(0)\n' \
	>"$S/echo.py"

teacher=$("$FORGE" token add teacher --db "$SERVE_DB")
for s in alice bob carol; do
	eval "$s=\$(\"\$FORGE\" token add $s --role student --db \"\$SERVE_DB\")"
done
check "token list shows the roles" bash -c \
	"'$FORGE' token list --db '$SERVE_DB' | grep -q '^alice  *student '"
rc=0
"$FORGE" token add x --role admin --db "$SERVE_DB" 2>"$TEST_TMP/err" || rc=$?
eq "--role admin: usage error" 2 "$rc"

serve_start -j 2
export FORGE_SERVER=$URL

# as_TOKEN forge ...: a command with that token; a student's output (both
# streams) is kept for the secrets check
SEEN=$TEST_TMP/student-seen
: >"$SEEN"
as() {
	local who=$1
	shift
	rc=0
	FORGE_TOKEN=${!who} "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
	[ "$who" = teacher ] || cat "$TEST_TMP/out" "$TEST_TMP/err" >>"$SEEN"
}
# sreq WHO METHOD PATH [curl args]: req with WHO's token, kept likewise
sreq() {
	local who=$1
	shift
	req "$@" -H "Authorization: Bearer ${!who}"
	[ "$who" = teacher ] || cat "$TEST_TMP/last.json" >>"$SEEN"
}

# ---- the teacher sets the lab up --------------------------------------
as teacher "$FORGE" lab add "$P/mul"
eq "lab add a package: exit 0" 0 "$rc"
check "it says what it added" grep -q '^added mul: 2 tests (kattis), 1 a student sees' "$TEST_TMP/out"
as teacher "$FORGE" lab add "$P/sum" --hidden-tests
check "lab add pairs, hidden" grep -q '^added sum: 2 tests (pairs), 0 a student sees' "$TEST_TMP/out"
as teacher "$FORGE" lab add "$P/late.json"
check "lab add a competitive-companion file" grep -q '^added late: 1 test (companion)' "$TEST_TMP/out"
as teacher "$FORGE" lab set week1 --open now --close now+2h mul sum
eq "lab set: exit 0" 0 "$rc"
check "the set is open" grep -q '^set week1: open' "$TEST_TMP/out"
as teacher "$FORGE" lab set old --open now-3h --close now-2h late
check "a set in the past is closed" grep -q '^set old: closed' "$TEST_TMP/out"
as teacher "$FORGE" lab list
check "lab list: the problems" grep -q '^sum  *pairs  *2  *0  *yes' "$TEST_TMP/out"
check "lab list: the sets" grep -q '^week1  *open .* mul sum$' "$TEST_TMP/out"

# uploads: refused when they could reach outside, or are no problem
mkdir -p "$TEST_TMP/evil"
ln -s /etc/passwd "$TEST_TMP/evil/1.in"
tar -C "$TEST_TMP/evil" -cf "$TEST_TMP/evil.tar" .
sreq teacher POST '/v1/lab/problems?name=evil' --data-binary @"$TEST_TMP/evil.tar"
eq "an archive with a symbolic link: 400" 400 "$code"
check "it says why" grep -q 'symbolic link' "$TEST_TMP/last.json"
python3 - "$TEST_TMP/dots.tar" <<'X'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.USTAR_FORMAT) as t:
    data = b"1\n"
    i = tarfile.TarInfo("../../outside.in"); i.size = len(data)
    t.addfile(i, io.BytesIO(data))
X
python3 - "$TEST_TMP/abs.tar" <<'X'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.USTAR_FORMAT) as t:
    data = b"1\n"
    i = tarfile.TarInfo("x"); i.size = len(data)
    i.name = "/tmp/absolute.in"
    t.addfile(i, io.BytesIO(data))
X
sreq teacher POST '/v1/lab/problems?name=dots' --data-binary @"$TEST_TMP/dots.tar"
eq "an archive with '..': 400" 400 "$code"
sreq teacher POST '/v1/lab/problems?name=abs' --data-binary @"$TEST_TMP/abs.tar"
eq "an archive with an absolute name: 400" 400 "$code"
check "it says why" grep -q 'an absolute name' "$TEST_TMP/last.json"
check "nothing was written there" test ! -e /tmp/absolute.in
eq "nothing was written outside" "" "$(find "$TEST_TMP" -name outside.in)"
sreq teacher POST '/v1/lab/problems?name=junk' --data-binary 'not a tar'
eq "not an archive: 400" 400 "$code"
sreq alice POST '/v1/lab/problems?name=mine' --data-binary @"$TEST_TMP/evil.tar"
eq "a student adding a problem: 403" 403 "$code"

# ---- students submit ----------------------------------------------------
as alice "$FORGE" submit mul "$S/mul.py"
eq "alice: mul AC, exit 0" 0 "$rc"
check "each test's verdict is printed" grep -q '^sample/1  *AC' "$TEST_TMP/out"
check "the hidden test's verdict too" grep -q '^secret/1  *AC' "$TEST_TMP/out"
check "and the result" grep -q '^mul: AC (2/2 tests)' "$TEST_TMP/out"
as alice "$FORGE" submit sum "$S/sum.py"
eq "alice: sum AC" 0 "$rc"
alice_sum=$(sed -n 's/.*\[submission \([0-9]*\)\]/\1/p' "$TEST_TMP/out")
as bob "$FORGE" submit sum "$S/mul.py"
eq "bob: sum WA, exit 1" 1 "$rc"
check "WA said" grep -q '^sum: WA (0/2 tests)' "$TEST_TMP/out"
bob_wa=$(sed -n 's/.*\[submission \([0-9]*\)\]/\1/p' "$TEST_TMP/out")
as bob "$FORGE" submit sum "$S/sum.py"
eq "bob: sum AC at the second attempt" 0 "$rc"
as bob "$FORGE" submit mul "$S/loop.py"
eq "bob: mul TLE, exit 1" 1 "$rc"
check "TLE said" grep -q '^mul: TLE' "$TEST_TMP/out"
as carol "$FORGE" submit sum "$S/broken.c"
eq "carol: sum CE, exit 1" 1 "$rc"
check "CE said" grep -q '^sum: CE' "$TEST_TMP/out"
as carol "$FORGE" submit mul "$S/echo.py" --json
eq "carol: mul WA (--json), exit 1" 1 "$rc"
cp "$TEST_TMP/out" "$TEST_TMP/carol.json"
eq "--json: the verdict" WA "$(jq -r .verdict "$TEST_TMP/carol.json")"
eq "a visible test shows its stderr (the sample's input)" "2 3" \
	"$(jq -r '.result.tests[] | select(.name == "sample/1") | .stderr' "$TEST_TMP/carol.json" | head -n 1)"
eq "a hidden test shows no stderr, detail or diff" "null null null" \
	"$(jq -r '.result.tests[] | select(.name == "secret/1") | "\(.stderr) \(.detail) \(.diff)"' "$TEST_TMP/carol.json")"
carol_mul=$(jq -r .id "$TEST_TMP/carol.json")

as alice "$FORGE" submit late "$S/sum.py"
eq "a closed set: refused, exit 2" 2 "$rc"
check "the refusal says the set closed" grep -q "the set 'old' closed at" "$TEST_TMP/err"
as alice "$FORGE" submit nosuch "$S/sum.py"
eq "an unknown problem: exit 2" 2 "$rc"

# ---- what a student may read --------------------------------------------
sreq bob GET "/v1/lab/submissions/$alice_sum"
eq "bob reading alice's submission: 404" 404 "$code"
sreq bob GET "/v1/lab/submissions/$alice_sum/events"
eq "bob reading alice's events: 404" 404 "$code"
as bob "$FORGE" lab show "$alice_sum"
eq "forge lab show of another's: exit 2" 2 "$rc"
as bob "$FORGE" lab submissions --json
eq "bob's list: his three" "3 true" \
	"$(jq -r '"\(length) \(all(.student == "bob"))"' "$TEST_TMP/out")"
as bob "$FORGE" lab show "$bob_wa"
eq "bob's own submission: shown" 0 "$rc"
check "with its source" grep -q 'print(a \* b)' "$TEST_TMP/out"
alice_job=$(FORGE_TOKEN=$teacher "$FORGE" lab show "$alice_sum" --json | jq -r .job)
sreq bob GET "/v1/runs/$alice_job"
eq "a student's token on /v1/runs: 403" 403 "$code"
sreq bob POST /v1/runs --data-binary '{"language":"python3","source":"print(1)"}'
eq "a student's token cannot run programs: 403" 403 "$code"
sreq bob GET "/v1/lab/problems/mul"
eq "the problem, to a student: its sample only" "sample/1" "$(j '[.samples[].name] | join(" ")')"
sreq bob GET "/v1/lab/problems/sum"
eq "hidden tests: no sample" 0 "$(j '.samples | length')"
# forge lab samples: what a student may see, as pairs forge judge reads
as bob "$FORGE" lab samples mul "$TEST_TMP/bob-mul"
eq "bob's samples of mul: exit 0" 0 "$rc"
eq "the sample and the statement, no more" "sample-1.ans sample-1.in statement" \
	"$(ls "$TEST_TMP/bob-mul" | tr '\n' ' ' | sed 's/ $//')"
check "the sample's input as the package has it" \
	cmp -s "$P/mul/data/sample/1.in" "$TEST_TMP/bob-mul/sample-1.in"
check "its answer too" \
	cmp -s "$P/mul/data/sample/1.ans" "$TEST_TMP/bob-mul/sample-1.ans"
check "the statement too" \
	cmp -s "$P/mul/problem_statement/problem.md" "$TEST_TMP/bob-mul/statement"
check "forge judge takes them" "$FORGE" judge "$S/mul.py" "$TEST_TMP/bob-mul"
cat "$TEST_TMP"/bob-mul/* >>"$SEEN"
echo '1 1' >"$TEST_TMP/bob-mul/sample-1.in"
as bob "$FORGE" lab samples mul "$TEST_TMP/bob-mul"
eq "again into the same directory: exit 2" 2 "$rc"
check "a file there is not overwritten, said" grep -q 'sample-1.in: .*not overwritten' "$TEST_TMP/err"
eq "the student's own edit is kept" "1 1" "$(cat "$TEST_TMP/bob-mul/sample-1.in")"
as bob "$FORGE" lab samples sum "$TEST_TMP/bob-sum"
eq "hidden tests: exit 0" 0 "$rc"
eq "hidden tests: nothing written" "" "$(ls -A "$TEST_TMP/bob-sum")"
as bob "$FORGE" lab samples ../mul
eq "a name that is a path: exit 2" 2 "$rc"
sreq bob GET "/v1/lab/submissions/$bob_wa/events"
eq "bob's own events: 200" 200 "$code"
check "they end with the result" grep -q '^event: result' "$TEST_TMP/last.json"
sreq carol GET "/v1/lab/submissions/$carol_mul"
as bob "$FORGE" lab board
eq "a student's board: refused, exit 2" 2 "$rc"
sreq bob POST /v1/lab/problems/sum/rejudge
eq "a student's rejudge: 403" 403 "$code"
sreq bob POST '/v1/runs' --data-binary "{\"language\":\"python3\",\"source\":\"print(1)\",\"problem\":\"$P/mul\"}"
eq "a directory in a run request: refused" 403 "$code"
req POST '/v1/runs' -H "Authorization: Bearer $teacher" \
	--data-binary "{\"language\":\"python3\",\"source\":\"print(1)\",\"problem\":\"$P/mul\"}"
eq "a directory in a teacher's run request: 400" 400 "$code"

# the control: the teacher's view holds the secrets, so a leak would show
as teacher "$FORGE" lab show "$bob_wa" --json
check "control: the teacher sees a hidden test's diff" grep -q "expected '4002345'" "$TEST_TMP/out"
as teacher "$FORGE" lab show "$carol_mul" --json
check "control: the teacher sees the secret input in stderr" grep -qF '123457 987653' "$TEST_TMP/out"
for secret in "${SECRETS[@]}"; do
	check "no student's response holds '$secret'" bash -c "! grep -qF '$secret' '$SEEN'"
done

# ---- the board -----------------------------------------------------------
as teacher "$FORGE" lab board --json
cp "$TEST_TMP/out" "$TEST_TMP/board.json"
b() { jq -r "$1" "$TEST_TMP/board.json"; }
cell() { b ".students[] | select(.name == \"$1\") | .problems[] | select(.problem == \"$2\") | $3"; }
eq "board: the problems in the sets' order" "late mul sum" "$(b '.problems | join(" ")')"
eq "board: ranked alice, bob, carol" "alice:1:2 bob:2:1 carol:3:0" \
	"$(b '[.students[] | "\(.name):\(.rank):\(.solved)"] | join(" ")')"
eq "alice mul: solved at once" "true 1" "$(cell alice mul '"\(.solved) \(.attempts)"')"
eq "alice sum: solved at once" "true 1" "$(cell alice sum '"\(.solved) \(.attempts)"')"
eq "alice late: nothing" "false 0" "$(cell alice late '"\(.solved) \(.attempts)"')"
eq "bob sum: solved at the second attempt" "true 2" "$(cell bob sum '"\(.solved) \(.attempts)"')"
eq "bob sum: 20 minutes for the WA" 20 \
	"$(cell bob sum '.penalty - .first_ac_minutes')"
eq "bob mul: a TLE, unsolved" "false 1 null" "$(cell bob mul '"\(.solved) \(.attempts) \(.first_ac_minutes)"')"
eq "carol sum: a CE, unsolved" "false 1 0" "$(cell carol sum '"\(.solved) \(.attempts) \(.penalty)"')"
eq "carol mul: a WA, unsolved" "false 1" "$(cell carol mul '"\(.solved) \(.attempts)"')"
eq "alice's penalty: her two first-AC minutes" \
	"$(($(cell alice mul .first_ac_minutes) + $(cell alice sum .first_ac_minutes)))" \
	"$(b '.students[] | select(.name == "alice") | .penalty')"
eq "a first AC has its time" true "$(cell alice mul '.first_ac | test("^[0-9-]+T[0-9:]+Z$")')"

as teacher "$FORGE" lab board
am=$(cell alice mul .first_ac_minutes)
as_=$(cell alice sum .first_ac_minutes)
bs=$(cell bob sum .first_ac_minutes)
ap=$(b '.students[0].penalty')
bp=$(b '.students[1].penalty')
check "board text: alice's row" grep -qE "^1 +alice +\. +\+1 @$am +\+1 @$as_ +2 +$ap\$" "$TEST_TMP/out"
check "board text: bob's row" grep -qE "^2 +bob +\. +-1 +\+2 @$bs +1 +$bp\$" "$TEST_TMP/out"
check "board text: carol's row" grep -qE "^3 +carol +\. +-1 +-1 +0 +0\$" "$TEST_TMP/out"
as teacher "$FORGE" lab board --csv
eq "board CSV: the header" \
	"student,rank,solved,penalty,late solved,late attempts,late first AC minute,mul solved,mul attempts,mul first AC minute,sum solved,sum attempts,sum first AC minute" \
	"$(sed -n 1p "$TEST_TMP/out")"
eq "board CSV: alice" "alice,1,2,$ap,0,0,,1,1,$am,1,1,$as_" "$(sed -n 2p "$TEST_TMP/out")"
eq "board CSV: bob" "bob,2,1,$bp,0,0,,0,1,,1,2,$bs" "$(sed -n 3p "$TEST_TMP/out")"
eq "board CSV: carol" "carol,3,0,0,0,0,,0,1,,0,1," "$(sed -n 4p "$TEST_TMP/out")"
eq "board CSV: a row per student" 4 "$(wc -l <"$TEST_TMP/out")"
# on the server's machine, no token: the same board from its database
cp "$TEST_TMP/out" "$TEST_TMP/board.csv"
rc=0
env -u FORGE_TOKEN "$FORGE" lab board --db "$SERVE_DB" --csv \
	>"$TEST_TMP/board-db.csv" 2>"$TEST_TMP/err" || rc=$?
eq "board --db, the server running: exit 0" 0 "$rc"
check "board --db --csv: the same rows as over HTTP" \
	cmp "$TEST_TMP/board.csv" "$TEST_TMP/board-db.csv"
as teacher "$FORGE" lab board --json
env -u FORGE_TOKEN "$FORGE" lab board --db "$SERVE_DB" --json >"$TEST_TMP/board-db.json"
check "board --db --json: the same JSON" cmp "$TEST_TMP/out" "$TEST_TMP/board-db.json"
rc=0
"$FORGE" lab board --db "$TEST_TMP/none.db" >/dev/null 2>"$TEST_TMP/err" || rc=$?
eq "board --db on no server's database: exit 4" 4 "$rc"
check "it says so" grep -q 'no forge serve database there' "$TEST_TMP/err"
eq "and makes none" "" "$(ls "$TEST_TMP" | grep '^none')"
rc=0
"$FORGE" lab show 1 --db "$SERVE_DB" 2>"$TEST_TMP/err" || rc=$?
eq "--db with another action: exit 2" 2 "$rc"
check "it says which take it" grep -q -- "--db goes with board, add and rejudge" "$TEST_TMP/err"

# ---- show, diff, rejudge -------------------------------------------------
as teacher "$FORGE" lab diff "$bob_wa" "$alice_sum"
eq "lab diff: exit 0" 0 "$rc"
check "the sources' changed line" grep -qx -- '-print(a \* b)' "$TEST_TMP/out"
check "and the other side" grep -qx -- '+print(a + b)' "$TEST_TMP/out"
check "the tests whose verdicts differ" grep -qx 'test 2: WA -> AC' "$TEST_TMP/out"

printf '4002346\n' >"$P/sum/2.ans"
as teacher "$FORGE" lab add "$P/sum" --hidden-tests
check "lab add again: replaced" grep -q '^replaced sum' "$TEST_TMP/out"
as teacher "$FORGE" lab rejudge sum
eq "lab rejudge: exit 0" 0 "$rc"
check "it counts them" grep -qx 'sum: 4 submissions judged again, 2 verdicts changed' "$TEST_TMP/out"
check "alice's AC is now WA" grep -qE "^$alice_sum +alice +AC +-> WA\$" "$TEST_TMP/out"
eq "two changed rows and a header" 3 "$(grep -c -e '->' -e '^ID ' "$TEST_TMP/out")"
as teacher "$FORGE" lab show "$alice_sum"
check "show: the verdict before the rejudge" grep -q '^verdict: WA (AC before the last rejudge)' "$TEST_TMP/out"
as teacher "$FORGE" lab board --json
eq "the board after the rejudge" "alice:1 bob:0 carol:0" \
	"$(jq -r '[.students[] | "\(.name):\(.solved)"] | join(" ")' "$TEST_TMP/out")"

# ---- add and rejudge with --db, on the server's machine ------------------
# no token, no HTTP: the server running takes what they did
printf '4002345\n' >"$P/sum/2.ans"
rc=0
env -u FORGE_TOKEN "$FORGE" lab add "$P/sum" --hidden-tests --db "$SERVE_DB" \
	>"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
eq "lab add --db: exit 0" 0 "$rc"
check "lab add --db: replaced, as over HTTP" grep -q '^replaced sum: 2 tests (pairs), 0 a student sees' "$TEST_TMP/out"
env -u FORGE_TOKEN "$FORGE" lab add "$P/late.json" --name late2 --db "$SERVE_DB" >"$TEST_TMP/out"
check "lab add --db --name: a new problem" grep -q '^added late2: 1 test (companion)' "$TEST_TMP/out"
as teacher "$FORGE" lab list
check "the running server lists it" grep -q '^late2  *companion' "$TEST_TMP/out"
rc=0
env -u FORGE_TOKEN "$FORGE" lab rejudge sum --db "$SERVE_DB" \
	>"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
eq "lab rejudge --db, the server running: exit 0" 0 "$rc"
check "lab rejudge --db: the answer fixed back, two verdicts changed" \
	grep -qx 'sum: 4 submissions judged again, 2 verdicts changed' "$TEST_TMP/out"
check "lab rejudge --db: alice's WA is AC again" grep -qE "^$alice_sum +alice +WA +-> AC\$" "$TEST_TMP/out"
as teacher "$FORGE" lab board --json
eq "the board after the rejudge --db" "alice:2 bob:1 carol:0" \
	"$(jq -r '[.students[] | "\(.name):\(.solved)"] | join(" ")' "$TEST_TMP/out")"
rc=0
"$FORGE" lab add "$P/sum" --db "$TEST_TMP/none.db" 2>"$TEST_TMP/err" || rc=$?
eq "lab add --db on no server's database: exit 4" 4 "$rc"
check "it says so" grep -q 'no forge serve database there' "$TEST_TMP/err"

serve_stop
eq "the server drained: exit 0" 0 "$SERVE_RC"
# the server stopped: the rejudge's jobs wait for its next start, said
rc=0
env -u FORGE_TOKEN "$FORGE" lab rejudge sum --db "$SERVE_DB" \
	>"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
eq "lab rejudge --db, no server running: exit 3" 3 "$rc"
check "it says the jobs wait for the server" grep -q "no forge serve takes the jobs" "$TEST_TMP/err"
eq "they wait in its queue" 4 "$(sqlite3 "${SERVE_DB%.db}-serve.db" "SELECT count(*) FROM jobs WHERE state = 'queued'")"
eq "no forge-serve process is left" "" "$(serve_procs)"

# ---- fair shares ---------------------------------------------------------
# one worker; dave queues four bounded loops, then eve submits: eve's is
# judged before all of dave's are (a queue in arrival order would judge
# it last)
SERVE_DB=$TEST_TMP/fair.db
teacher=$("$FORGE" token add teacher --db "$SERVE_DB")
dave=$("$FORGE" token add dave --role student --db "$SERVE_DB")
eve=$("$FORGE" token add eve --role student --db "$SERVE_DB")
fay=$("$FORGE" token add fay --role student --rate 1/s --db "$SERVE_DB")
gus=$("$FORGE" token add gus --role student --max-queued 1 --db "$SERVE_DB")
serve_start -j 1
export FORGE_SERVER=$URL
as teacher "$FORGE" lab add "$P/mul"
as teacher "$FORGE" lab set s --open now --close now+1h mul
loop=$(jq -Rs '{language: "python3", source: .}' "$S/loop.py")
for i in 1 2 3 4; do
	sreq dave POST /v1/lab/problems/mul/submissions --data-binary "$loop"
	eq "dave's loop $i: queued" 202 "$code"
done
# the worker busy with dave's: gus's second waiting submission is one
# too many for his token
sreq gus POST /v1/lab/problems/mul/submissions --data-binary "$loop"
eq "gus's first: queued" 202 "$code"
as gus "$FORGE" submit mul "$S/mul.py"
eq "gus's second, past his --max-queued 1: refused, exit 2" 2 "$rc"
check "the refusal names the limit" grep -q "has 1 jobs queued already" "$TEST_TMP/err"
as eve "$FORGE" submit mul "$S/mul.py"
eq "eve: AC" 0 "$rc"
as teacher "$FORGE" lab submissions --json
left=$(jq '[.[] | select(.student == "dave" and .status != "done")] | length' "$TEST_TMP/out")
check "eve's was judged while dave's were still waiting ($left left)" test "$left" -ge 2
# a token's rate (one request a second) slows forge submit, never fails it
as fay "$FORGE" submit mul "$S/mul.py"
eq "a rate-limited student: AC" 0 "$rc"
check "each test's verdict still printed" grep -q '^secret/1  *AC' "$TEST_TMP/out"

# ---- IOI: a scoring package's points per group ----------------------------
as teacher "$FORGE" lab add "$P/sub"
as teacher "$FORGE" lab set s --open now --close now+1h mul sub
as eve "$FORGE" submit sub "$S/part.py"
eq "eve: the first group only, WA" 1 "$rc"
check "her points are said" grep -q '^sub: WA (2/3 tests, 30/100 points)' "$TEST_TMP/out"
as dave "$FORGE" submit sub "$S/sum.py"
eq "dave: every group, AC" 0 "$rc"
check "his points are said" grep -q '^sub: AC (3/3 tests, 100/100 points)' "$TEST_TMP/out"
as teacher "$FORGE" lab board --json
cp "$TEST_TMP/out" "$TEST_TMP/board.json"
eq "the board is IOI's" "ioi 1 100" "$(b '"\(.scoring) \(.max_points | map(floor) | join(" "))"')"
eq "ranked by points: dave 100 (a pass-fail problem unsolved is 0), eve 31" \
	"dave:1:100 eve:2:31 fay:3:1 gus:4:0" \
	"$(b '[.students[] | "\(.name):\(.rank):\(.points | floor)"] | join(" ")')"
eq "eve's cells: mul 1 point, sub 30" "1 30" \
	"$(b '[.students[] | select(.name == "eve") | .problems[].points | floor] | join(" ")')"
as teacher "$FORGE" lab board
check "board text: dave's row" grep -qE '^1 +dave +0 \(4\) +100 \(1\) +100$' "$TEST_TMP/out"
check "board text: eve's row" grep -qE '^2 +eve +1 \(1\) +30 \(1\) +31$' "$TEST_TMP/out"
as teacher "$FORGE" lab board --csv
eq "board CSV with points: eve" "eve,2,1,0,31,1,1,0,1,0,1,,30" "$(sed -n 3p "$TEST_TMP/out")"
as teacher "$FORGE" lab board
cp "$TEST_TMP/out" "$TEST_TMP/board.txt"
serve_stop
eq "no forge-serve process is left" "" "$(serve_procs)"
env -u FORGE_TOKEN "$FORGE" lab board --db "$SERVE_DB" >"$TEST_TMP/board-db.txt"
check "board --db, the server stopped: the IOI board it showed" \
	cmp "$TEST_TMP/board.txt" "$TEST_TMP/board-db.txt"
eq "board --db leaves no process" "" "$(serve_procs)"
finish
