#!/bin/bash
# forge judge on bad input: a test set with no tests, a missing path,
# broken problem.yaml / testdata.yaml, checkers that do not compile,
# contradictory options, interactive without a validator, an answer
# that is not text, bad option values. Each gives a clear message and
# the documented exit status; never a crash, never AC by accident.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang c

prog=$(write sum.c <<'X'
#include <stdio.h>
int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; printf("%ld\n", a + b); return 0; }
X
)
good=$TEST_TMP/good
mkdir -p "$good"
printf '1 2\n' >"$good/1.in"
printf '3\n' >"$good/1.ans"

# bad DESCRIPTION STATUS MESSAGE [forge judge arguments...]: the exit
# status must be STATUS, the output (stdout and stderr) must contain
# MESSAGE, and nothing may claim AC
bad() {
	local what=$1 want=$2 msg=$3 rc=0
	shift 3
	"$FORGE" judge --no-history "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
	eq "$what: exit status" "$want" "$rc"
	check "$what: message has '$msg' ($(head -c 300 "$TEST_TMP/err" | tr '\n' ' '))" \
		grep -qF -- "$msg" "$TEST_TMP/out" "$TEST_TMP/err"
	check "$what: no AC" sh -c "! grep -q 'forge: AC' '$TEST_TMP/out' '$TEST_TMP/err'"
	check "$what: not a crash" test "$rc" -lt 128
}

# ---- test sets that are not ---------------------------------------------
mkdir -p "$TEST_TMP/empty"
bad "an empty directory" 2 "no tests found" "$prog" "$TEST_TMP/empty"
check "an empty directory: the message names it" grep -qF "$TEST_TMP/empty" "$TEST_TMP/err"
mkdir -p "$TEST_TMP/answers-only"
printf '3\n' >"$TEST_TMP/answers-only/1.ans"
printf 'x\n' >"$TEST_TMP/answers-only/notes.txt"
bad "answers without inputs" 2 "no tests found" "$prog" "$TEST_TMP/answers-only"
mkdir -p "$TEST_TMP/emptypkg/data/secret"
: >"$TEST_TMP/emptypkg/problem.yaml"
bad "a package with no tests" 2 "no tests found" "$prog" "$TEST_TMP/emptypkg"
bad "a TESTS path that does not exist" 2 "$TEST_TMP/nowhere: No such file or directory" \
	"$prog" "$TEST_TMP/nowhere"
bad "--json, a TESTS path that does not exist" 2 "No such file or directory" \
	--json "$prog" "$TEST_TMP/nowhere"
check "--json usage error: nothing half-written on stdout" test ! -s "$TEST_TMP/out"
bad "a FILE that does not exist" 2 "No such file or directory" \
	"$TEST_TMP/nope.c" "$good"
bad "an unknown language" 2 "unknown language 'cobol9'" -l cobol9 "$prog" "$good"

# competitive-companion files
printf 'not json at all' >"$TEST_TMP/bad.json"
bad "companion: not JSON" 2 "not a competitive-companion JSON object" \
	"$prog" "$TEST_TMP/bad.json"
printf '{"name": "x"}' >"$TEST_TMP/notests.json"
bad "companion: no tests array" 2 'no "tests" array' "$prog" "$TEST_TMP/notests.json"
printf '{"tests": [{"output": "3\\n"}]}' >"$TEST_TMP/noinput.json"
bad "companion: a test without input" 2 'test 1 has no "input"' \
	"$prog" "$TEST_TMP/noinput.json"
printf '{"tests": []}' >"$TEST_TMP/zero.json"
bad "companion: zero tests" 2 "no tests found" "$prog" "$TEST_TMP/zero.json"

# ---- broken packages --------------------------------------------------------
# pkg NAME: a package with one good test; problem.yaml is up to the caller
pkg() {
	mkdir -p "$TEST_TMP/$1/data/secret"
	printf '1 2\n' >"$TEST_TMP/$1/data/secret/1.in"
	printf '3\n' >"$TEST_TMP/$1/data/secret/1.ans"
	echo "$TEST_TMP/$1"
}
P=$(pkg yamlbroken)
printf 'name: [unclosed\nlimits: {time_limit: 1\n' >"$P/problem.yaml"
bad "problem.yaml not YAML" 2 "$P/problem.yaml" "$prog" "$P"
check "problem.yaml not YAML: the line is named" grep -qE 'problem\.yaml:[0-9]+:' "$TEST_TMP/err"
bad "--json, problem.yaml not YAML" 2 "problem.yaml" --json "$prog" "$P"
P=$(pkg yamllist)
printf -- '- just\n- a list\n' >"$P/problem.yaml"
bad "problem.yaml not a mapping" 2 "$P/problem.yaml: expected a mapping" "$prog" "$P"
P=$(pkg badtime)
printf 'limits:\n  time_limit: fast\n' >"$P/problem.yaml"
bad "limits.time_limit not a time" 2 "limits.time_limit" "$prog" "$P"
P=$(pkg badmem)
printf 'limits:\n  memory: lots\n' >"$P/problem.yaml"
bad "limits.memory not a number" 2 "limits.memory 'lots'" "$prog" "$P"
P=$(pkg badflags)
printf 'validator_flags: float_tolerance 1e-6 bogus_flag\n' >"$P/problem.yaml"
bad "validator_flags with an unknown flag" 2 "unknown validator flag 'bogus_flag'" "$prog" "$P"
P=$(pkg flagnonum)
printf 'validator_flags: float_tolerance\n' >"$P/problem.yaml"
bad "validator_flags: a tolerance without its number" 2 "'float_tolerance' needs a number" "$prog" "$P"
P=$(pkg flagneg)
printf 'validator_flags: float_absolute_tolerance -0.5\n' >"$P/problem.yaml"
bad "validator_flags: a negative tolerance" 2 "not a tolerance" "$prog" "$P"
P=$(pkg testdatabroken)
: >"$P/problem.yaml"
printf 'output_validator_flags: [oops\n' >"$P/data/secret/testdata.yaml"
bad "testdata.yaml not YAML" 2 "$P/data/secret/testdata.yaml" "$prog" "$P"
# an unknown flag in a group: never AC; a bad test set, like problem.yaml's
P=$(pkg testdataflag)
: >"$P/problem.yaml"
printf 'output_validator_flags: bogus2\n' >"$P/data/secret/testdata.yaml"
bad "testdata.yaml with an unknown flag" 2 "bogus2" "$prog" "$P"
P=$(pkg customnovalidator)
printf 'validation: custom\n' >"$P/problem.yaml"
bad "validation: custom without output_validators/" 2 \
	"no output_validator(s)/ directory" "$prog" "$P"

# ---- checkers and validators -------------------------------------------------
badck=$(write checkers/broken/checker.c <<'X'
int main(void) { return no_such_variable; }
X
)
bad "--checker that does not compile" 2 "$badck does not compile" \
	--checker "$badck" "$prog" "$good"
check "--checker that does not compile: the compiler's message" \
	grep -q no_such_variable "$TEST_TMP/err"
bad "--validator that does not compile" 2 "$badck does not compile" \
	--validator "$badck" "$prog" "$good"
bad "--json, a checker that does not compile" 2 "does not compile" \
	--json --checker "$badck" "$prog" "$good"
bad "--checker that does not exist" 2 "$TEST_TMP/none.c: No such file" \
	--checker "$TEST_TMP/none.c" "$prog" "$good"
mkdir -p "$TEST_TMP/emptyvalidator"
bad "--validator, a directory without a source" 2 "no program found" \
	--validator "$TEST_TMP/emptyvalidator" "$prog" "$good"
printf 'not a program\n' >"$TEST_TMP/checker.weird"
bad "--checker in an unknown language" 2 "unknown language" \
	--checker "$TEST_TMP/checker.weird" "$prog" "$good"
P=$(pkg validatorbroken)
: >"$P/problem.yaml"
mkdir -p "$P/output_validators/v"
cp "$badck" "$P/output_validators/v/validator.c"
bad "a package's validator that does not compile" 2 \
	"output_validators/v/validator.c does not compile" "$prog" "$P"

okck=$(write checkers/ok/checker.c <<'X'
int main(void) { return 0; }
X
)
bad "--checker and --validator together" 2 "--checker and --validator" \
	--checker "$okck" --validator "$okck" "$prog" "$good"

# ---- interactive without a validator -------------------------------------------
P=$(pkg inter)
printf 'problem_format_version: 2023-07-draft\ntype: interactive\n' >"$P/problem.yaml"
bad "type: interactive without output_validator/" 2 "no output_validator(s)/ directory" "$prog" "$P"
P=$(pkg interlegacy)
printf 'validation: custom interactive\n' >"$P/problem.yaml"
bad "validation: custom interactive without output_validators/" 2 \
	"no output_validator(s)/ directory" "$prog" "$P"
bad "--interactive without --validator" 2 "needs a Kattis output validator" \
	--interactive "$prog" "$good"
bad "--interactive with a testlib checker" 2 "needs a Kattis output validator" \
	--interactive --checker "$okck" "$prog" "$good"

# ---- an answer that is not UTF-8 text: compared as bytes, never IE -----------
# (Kattis's default validator compares bytes: the judge is not at fault)
U=$TEST_TMP/utf
mkdir -p "$U"
printf '1 1\n' >"$U/1.in"
printf '2\n' >"$U/1.ans"
printf '1 2\n' >"$U/2.in"
printf '\xff\xfe3\n' >"$U/2.ans"
printf '2 2\n' >"$U/3.in"
printf '4\n' >"$U/3.ans"
rc=0
"$FORGE" judge --json --no-history -j 1 "$prog" "$U" >"$TEST_TMP/last.json" 2>"$TEST_TMP/err" || rc=$?
eq "non-UTF-8 answer: that test is WA, the others AC" "AC WA AC" "$(j '[.tests[].verdict] | join(" ")')"
eq "non-UTF-8 answer: the difference, its bytes escaped" \
	"line 1, token 1: expected '\\xff\\xfe3', got '3'" "$(j '.tests[1].diff')"
eq "non-UTF-8 answer: overall WA, exit 1" "WA 1" "$(j .verdict) $rc"

# ---- bad option values ----------------------------------------------------------
bad "-t not a number" 2 "--time: 'abc'" -t abc "$prog" "$good"
bad "-t negative" 2 "--time: '-1'" -t -1 "$prog" "$good"
bad "--wall not a number" 2 "--wall" --wall soon "$prog" "$good"
bad "-m bad unit" 2 "--mem: '12Q'" -m 12Q "$prog" "$good"
bad "--output bad size" 2 "--output" --output huge "$prog" "$good"
bad "--pids not a number" 2 "--pids" --pids many "$prog" "$good"
bad "-j 0" 2 "--jobs: '0'" -j 0 "$prog" "$good"
bad "-j not a number" 2 "--jobs: 'abc'" -j abc "$prog" "$good"
bad "--compare unknown mode" 2 "'fuzzy': use tokens or exact" --compare fuzzy "$prog" "$good"
bad "--float-tolerance not a number" 2 "'abc' is not a tolerance" --float-tolerance abc "$prog" "$good"
bad "--float-tolerance negative" 2 "'-1' is not a tolerance" --float-tolerance -1 "$prog" "$good"
bad "--float-absolute-tolerance negative" 2 "--float-absolute-tolerance" \
	--float-absolute-tolerance -0.1 "$prog" "$good"
bad "--float-relative-tolerance not a number" 2 "--float-relative-tolerance" \
	--float-relative-tolerance 1e-6x "$prog" "$good"
bad "--float-tolerance nan" 2 "'nan' is not a tolerance" --float-tolerance nan "$prog" "$good"
# as validator_flags: a tolerance must be finite
bad "--float-tolerance inf" 2 "'inf' is not a tolerance" --float-tolerance inf "$prog" "$good"
bad "--only without a value" 2 "'--only' needs a value" "$prog" "$good" --only
bad "an unknown option" 2 "unknown option '--frobnicate'" --frobnicate "$prog" "$good"
bad "TESTS missing" 2 "usage: forge judge" "$prog"
bad "an extra argument" 2 "usage: forge judge" "$prog" "$good" "$good"
# a pattern that selects nothing is the user's mistake, not an internal error
bad "--only matching no test" 2 "no test matched --only" --only 'zzz*' "$prog" "$good"

finish
