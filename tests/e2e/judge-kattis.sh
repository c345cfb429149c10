#!/bin/bash
# forge judge on problem packages built the way real ones are, against
# what Kattis's own tools do with them: validators that are programs in
# every shape the format allows (a 2023-07 interactive package whose
# validator is validate.cc + validate.h one directory down, a legacy
# validator of two C sources, build/run scripts, a Python package), each
# example submission judged as its folder promises; output compared as
# bytes (answers and output with bytes >= 0x80 and NULs are WA or AC,
# never IE), and the exact bytes of output that is not UTF-8 handed to
# programs; a time limit computed from the accepted submissions that can
# run here (Python 2 and a missing language left out, said).
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang c
need_lang cpp
need_lang python3

# judge [options] FILE TESTS: forge judge --json; the JSON in
# $TEST_TMP/last.json (read with j), stderr in $TEST_TMP/err
judge() {
	rc=0
	"$FORGE" judge --json --no-history "$@" >"$TEST_TMP/last.json" \
		2>"$TEST_TMP/err" </dev/null || rc=$?
	if ! jq -e . "$TEST_TMP/last.json" >/dev/null 2>&1; then
		echo "forge judge printed no valid JSON (exit $rc) for: $*" >&2
		cat "$TEST_TMP/err" >&2
	fi
}
# judge_text [options] FILE TESTS: the report in $TEST_TMP/out
judge_text() {
	rc=0
	"$FORGE" judge --no-history "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" \
		</dev/null || rc=$?
}
j() { jq -r "$1" "$TEST_TMP/last.json"; }
verdicts() { j '[.tests[].verdict] | unique | join(" ")'; }

# ---- a 2023-07 interactive package, validator nested one level down -------
G=$TEST_TMP/guess
mkdir -p "$G/data/sample" "$G/data/secret" "$G/output_validator/guess" \
	"$G/submissions/accepted" "$G/submissions/wrong_answer" \
	"$G/submissions/run_time_error" "$G/submissions/time_limit_exceeded"
cat >"$G/problem.yaml" <<'X'
problem_format_version: 2023-07
name: Guess the Number
type: interactive
limits:
  time_limit: 1
X
printf '37\n' >"$G/data/sample/1.in"
: >"$G/data/sample/1.ans"
for n in 1 500 1000; do
	printf '%d\n' "$n" >"$G/data/secret/$n.in"
	: >"$G/data/secret/$n.ans"
done
cat >"$G/output_validator/guess/validate.h" <<'X'
// what the validator's sources share: the verdict and its message
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <string>

static FILE *judge_message;

[[noreturn]] static void verdict(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (judge_message != nullptr) {
		vfprintf(judge_message, fmt, ap);
		fclose(judge_message);
	}
	va_end(ap);
	exit(code);
}

static void open_feedback(const char *dir)
{
	judge_message = fopen((std::string(dir) + "judgemessage.txt").c_str(), "w");
}
X
cat >"$G/output_validator/guess/validate.cc" <<'X'
// guess the number in 1..1000 with at most 10 guesses
#include <iostream>
#include "validate.h"

int main(int argc, char **argv)
{
	if (argc < 4)
		return 1;
	open_feedback(argv[3]);
	FILE *in = fopen(argv[1], "r");
	int secret = 0;
	if (in == nullptr || fscanf(in, "%d", &secret) != 1)
		verdict(1, "bad input file");
	for (int round = 1; round <= 10; round++) {
		int g;
		if (!(std::cin >> g))
			verdict(43, "round %d: no guess", round);
		if (g == secret) {
			std::cout << "correct" << std::endl;
			verdict(42, "found %d in %d guesses", secret, round);
		}
		std::cout << (g < secret ? "higher" : "lower") << std::endl;
	}
	verdict(43, "no guesses left");
}
X
cat >"$G/submissions/accepted/bisect.py" <<'X'
lo, hi = 1, 1000
while True:
    mid = (lo + hi) // 2
    print(mid, flush=True)
    reply = input()
    if reply == "correct":
        break
    if reply == "higher":
        lo = mid + 1
    else:
        hi = mid - 1
X
cat >"$G/submissions/accepted/bisect.c" <<'X'
#include <stdio.h>
#include <string.h>
int main(void)
{
	int lo = 1, hi = 1000;
	char reply[16];
	for (;;) {
		int mid = (lo + hi) / 2;
		printf("%d\n", mid);
		fflush(stdout);
		if (scanf("%15s", reply) != 1 || strcmp(reply, "correct") == 0)
			return 0;
		if (strcmp(reply, "higher") == 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
}
X
cat >"$G/submissions/wrong_answer/upwards.py" <<'X'
# counts up from 1: right only for small numbers; ends quietly when the
# validator stops answering, so the verdict is the validator's
import os
g = 1
while True:
    try:
        print(g, flush=True)
        if input() == "correct":
            break
    except (EOFError, BrokenPipeError):
        os._exit(0)
    g += 1
X
cat >"$G/submissions/run_time_error/crash.py" <<'X'
print(500, flush=True)
reply = input()
if reply != "correct":
    raise SystemExit("giving up: " + reply)
X
cat >"$G/submissions/time_limit_exceeded/think.c" <<'X'
int main(void) { volatile unsigned long n = 0; for (;;) n++; }
X
for folder in accepted:AC wrong_answer:WA run_time_error:RE time_limit_exceeded:TLE; do
	dir=${folder%%:*} want=${folder#*:}
	for sub in "$G/submissions/$dir"/*; do
		name=$dir/$(basename "$sub")
		judge "$sub" "$G"
		eq "interactive 2023-07, $name: $want as its folder promises" \
			"$want interactive" "$(j .verdict) $([ "$(j .interactive)" = true ] && echo interactive)"
		check "interactive 2023-07, $name: no IE on any test" \
			sh -c "! jq -e '.tests[] | select(.verdict == \"IE\")' '$TEST_TMP/last.json'"
	done
done
judge "$G/submissions/accepted/bisect.py" "$G"
eq "interactive 2023-07: the nested validator's message" \
	"found 37 in 10 guesses" "$(j '.tests[0].detail')"
judge "$G/submissions/wrong_answer/upwards.py" "$G"
eq "interactive 2023-07: WA where the validator says so, AC where not" \
	"AC WA" "$(verdicts)"

# ---- a legacy custom-validator package: two C sources and a header --------
L=$TEST_TMP/legacy
mkdir -p "$L/data/sample" "$L/data/secret" "$L/output_validators/near" \
	"$L/submissions/accepted" "$L/submissions/wrong_answer"
printf 'name: Near\nvalidation: custom\n' >"$L/problem.yaml"
printf '10\n' >"$L/data/sample/1.in"
printf '10\n' >"$L/data/sample/1.ans"
printf '250\n' >"$L/data/secret/1.in"
printf '250\n' >"$L/data/secret/1.ans"
cat >"$L/output_validators/near/near.h" <<'X'
int near(long a, long b);
X
cat >"$L/output_validators/near/near.c" <<'X'
#include "near.h"
int near(long a, long b) { return a - b <= 1 && b - a <= 1; }
X
cat >"$L/output_validators/near/validator.c" <<'X'
/* any number within 1 of the answer */
#include <stdio.h>
#include "near.h"
int main(int argc, char **argv)
{
	long want, got;
	FILE *ans = argc > 2 ? fopen(argv[2], "r") : NULL;
	if (ans == NULL || fscanf(ans, "%ld", &want) != 1)
		return 1;
	if (scanf("%ld", &got) != 1)
		return 43;
	fprintf(stderr, "wanted %ld, got %ld\n", want, got);
	return near(want, got) ? 42 : 43;
}
X
cat >"$L/submissions/accepted/plus_one.py" <<'X'
print(int(input()) + 1)
X
cat >"$L/submissions/wrong_answer/double.py" <<'X'
print(int(input()) * 2)
X
judge "$L/submissions/accepted/plus_one.py" "$L"
eq "legacy validator of two sources: accepted AC" "AC AC" "$(j .verdict) $(verdicts)"
eq "legacy validator of two sources: its message" "wanted 10, got 11" "$(j '.tests[0].detail')"
judge "$L/submissions/wrong_answer/double.py" "$L"
eq "legacy validator of two sources: wrong_answer WA" "WA" "$(j .verdict)"
eq "legacy validator of two sources: why" "wanted 10, got 20" "$(j '.tests[0].detail')"

# the same validator in other shapes: build and run scripts ...
S=$TEST_TMP/scripts
mkdir -p "$S"
cp "$L/output_validators/near/"* "$S/"
cat >"$S/build" <<'X'
#!/bin/sh
cc -O2 -o near_validator validator.c near.c
X
cat >"$S/run" <<'X'
#!/bin/sh
exec "$(dirname "$0")/near_validator" "$@"
X
judge --validator "$S" "$L/submissions/accepted/plus_one.py" "$L"
eq "build and run scripts: AC" "AC wanted 10, got 11" "$(j .verdict) $(j '.tests[0].detail')"
judge --validator "$S" "$L/submissions/wrong_answer/double.py" "$L"
eq "build and run scripts: WA" WA "$(j .verdict)"
# ... a run script alone ...
R=$TEST_TMP/runonly
mkdir -p "$R"
cat >"$R/run" <<'X'
#!/bin/sh
read got
test "$got" = "$(cat "$2")" && exit 42
echo "not $(cat "$2")" >"$3/judgemessage.txt"
exit 43
X
# (-t: the package's accepted submission is not exact, so no limit from it)
judge -t 2 --validator "$R" "$L/submissions/wrong_answer/double.py" "$L"
eq "a run script alone: WA, its message" "WA not 10" "$(j .verdict) $(j '.tests[0].detail')"
# ... and a Python package, run by its __main__.py
P=$TEST_TMP/pyval/output_validator/pyval
mkdir -p "$P"
: >"$P/__init__.py"
cat >"$P/rules.py" <<'X'
def near(a, b):
    return abs(a - b) <= 1
X
cat >"$P/__main__.py" <<'X'
import sys
from rules import near
want = int(open(sys.argv[2]).read())
got = int(sys.stdin.read())
print("python says %d" % got, file=sys.stderr)
sys.exit(42 if near(want, got) else 43)
X
judge --validator "$TEST_TMP/pyval/output_validator" "$L/submissions/accepted/plus_one.py" "$L"
eq "a Python package validator, nested: AC" "AC python says 11" "$(j .verdict) $(j '.tests[0].detail')"
mkdir -p "$TEST_TMP/twolangs"
cp "$L/output_validators/near/validator.c" "$P/__main__.py" "$TEST_TMP/twolangs/"
judge_text --validator "$TEST_TMP/twolangs" "$L/submissions/accepted/plus_one.py" "$L"
eq "sources in two languages: exit 2" 2 "$rc"
check "sources in two languages: said" grep -q "sources in several languages" "$TEST_TMP/err"

# ---- output is bytes --------------------------------------------------------
B=$TEST_TMP/bytes
mkdir -p "$B"
printf 'x\n' >"$B/1.in"
printf 'caf\xe9 \xff\x00\xfe ok\n' >"$B/1.ans"
cat >"$TEST_TMP/latin1.c" <<'X'
#include <stdio.h>
int main(int argc, char **argv)
{
	/* the answer's bytes: not UTF-8, a NUL inside a token */
	fwrite("caf\xe9 \xff\x00\xfe ok\n", 1, 12, stdout);
	fwrite("warn\xff\x00!", 1, 7, stderr);
	return 0;
}
X
sed 's/\\xfe ok/\\xfd ok/' "$TEST_TMP/latin1.c" >"$TEST_TMP/latin1-wrong.c"
judge "$TEST_TMP/latin1.c" "$B"
eq "binary output equal to a binary answer: AC, not IE" "AC 0" "$(j .verdict) $rc"
eq "a test's stderr that is not UTF-8: its exact bytes in stderr_base64" \
	"$(printf 'warn\xff\x00!' | base64)" "$(j '.tests[0].stderr_base64')"
eq "... and the readable string beside it" "warn�" "$(j '.tests[0].stderr' | tr -d '\0!')"
judge "$TEST_TMP/latin1-wrong.c" "$B"
eq "binary output that differs by one byte: WA, not IE" "WA 1" "$(j .verdict) $rc"
eq "the difference shows the bytes escaped" \
	"line 1, token 2: expected '\\xff\\x00\\xfe', got '\\xff\\x00\\xfd'" "$(j '.tests[0].diff')"
judge --compare exact "$TEST_TMP/latin1-wrong.c" "$B"
eq "exact comparison of bytes: WA" WA "$(j .verdict)"
# a valid UTF-8 answer the program gets wrong with a byte that is not
printf 'x\n' >"$B/2.in"
printf 'caf\xc3\xa9\n' >"$B/2.ans"
judge --only 2 "$TEST_TMP/latin1.c" "$B"
eq "UTF-8 answer, other bytes printed: WA" WA "$(j .verdict)"
check "UTF-8 in the difference stays readable" grep -q "expected 'café'" <<<"$(j '.tests[0].diff')"
judge_text --only 1 "$TEST_TMP/latin1-wrong.c" "$B"
check "the text report shows the bytes escaped" grep -qF "expected '\\xff\\x00\\xfe'" "$TEST_TMP/out"

# forge run --json: the exact bytes of output that is not UTF-8
rc=0
"$FORGE" run --json --no-history "$TEST_TMP/latin1.c" >"$TEST_TMP/last.json" 2>"$TEST_TMP/err" </dev/null || rc=$?
eq "run --json: stdout_base64 is the exact bytes" \
	"$(printf 'caf\xe9 \xff\x00\xfe ok\n' | base64 -w0)" "$(j .stdout_base64)"
eq "run --json: stderr_base64 is the exact bytes" \
	"$(printf 'warn\xff\x00!' | base64 -w0)" "$(j .stderr_base64)"
cat >"$TEST_TMP/text.c" <<'X'
#include <stdio.h>
int main(void) { printf("caf\xc3\xa9\n"); return 0; }
X
"$FORGE" run --json --no-history "$TEST_TMP/text.c" >"$TEST_TMP/last.json" 2>"$TEST_TMP/err" </dev/null
eq "run --json: UTF-8 output has no base64 copy" "café null null" \
	"$(j .stdout | tr -d '\n') $(j .stdout_base64) $(j .stderr_base64)"

# ---- the time limit from the accepted submissions that run here ----------
T=$TEST_TMP/tl
mkdir -p "$T/data/secret" "$T/submissions/accepted" "$T/submissions/slow_accepted" \
	"$XDG_CONFIG_HOME/forge/languages"
printf 'problem_format_version: 2023-07\nname: Sum\n' >"$T/problem.yaml"
printf '1 2\n' >"$T/data/secret/1.in"
printf '3\n' >"$T/data/secret/1.ans"
cat >"$T/submissions/accepted/sum.py" <<'X'
a, b = map(int, input().split())
print(a + b)
X
cat >"$T/submissions/accepted/old.py" <<'X'
#!/usr/bin/env python2
a, b = map(int, raw_input().split())
print a + b
X
cat >"$T/submissions/accepted/sum_py2.py" <<'X'
import sys
a, b = map(int, sys.stdin.readline().split())
print a + b
X
printf 'fun main() = println(readLine()!!.split(" ").sumOf { it.toInt() })\n' \
	>"$T/submissions/accepted/sum.kt"
cat >"$XDG_CONFIG_HOME/forge/languages/kotlin.lang" <<'X'
[language]
id = kotlin
name = Kotlin
extensions = .kt
source = main.kt
compile = forge-test-no-such-kotlinc main.kt
artifacts = main
run = /prog/main
version = forge-test-no-such-kotlinc -version
X
# correct but slow: never used to compute the limit
cat >"$T/submissions/slow_accepted/slow.c" <<'X'
#include <stdio.h>
#include <time.h>
int main(void)
{
	long a, b;
	while (clock() < CLOCKS_PER_SEC * 3)
		;
	if (scanf("%ld %ld", &a, &b) != 2)
		return 1;
	printf("%ld\n", a + b);
	return 0;
}
X
judge "$T/submissions/accepted/sum.py" "$T"
eq "computed from the rest: AC at 1 s (2 x a fast Python run, rounded up)" \
	"0 AC 1000" "$rc $(j .verdict) $(j .limits.time_ms)"
check "computed from sum.py, said" grep -q "slowest accepted submission (submissions/accepted/sum.py" "$TEST_TMP/err"
eq "the skipped ones in one line" 1 "$(grep -c 'left out' "$TEST_TMP/err")"
for s in old.py sum_py2.py sum.kt; do
	check "the line names $s" grep -q "submissions/accepted/$s" "$TEST_TMP/err"
done
check "Python 2 named as such" grep -q "old.py (Python 2" "$TEST_TMP/err"
check "the missing language's reason" grep -q "forge-test-no-such-kotlinc" "$TEST_TMP/err"
check "slow_accepted not used for the limit" sh -c "! grep -q slow_accepted '$TEST_TMP/err'"

# Python 2 with a python2 language: a language like any other
cat >"$XDG_CONFIG_HOME/forge/languages/python2.lang" <<'X'
[language]
id = python2
name = Python 2
extensions = .py2
source = main.py
run = forge-test-no-such-python2 /prog/main.py
version = forge-test-no-such-python2 --version
X
judge "$T/submissions/accepted/sum.py" "$T"
check "with a python2 language file: its own reason (not found here)" \
	grep -q "old.py (.*forge-test-no-such-python2" "$TEST_TMP/err"
rm "$XDG_CONFIG_HOME/forge/languages/python2.lang"

# a slow_accepted submission run by hand: past the limit, so TLE, but
# seen to be right within time_limit_to_tle x the limit
SA=$TEST_TMP/slowpkg
mkdir -p "$SA/submissions/slow_accepted"
cp -r "$T/data" "$SA/"
cat >"$SA/problem.yaml" <<'X'
problem_format_version: 2023-07
name: Sum
limits:
  time_limit: 0.5
  time_multipliers:
    time_limit_to_tle: 4
X
sed 's/CLOCKS_PER_SEC \* 3/CLOCKS_PER_SEC * 8 \/ 10/' "$T/submissions/slow_accepted/slow.c" \
	>"$SA/submissions/slow_accepted/slow.c"
sed 's/a + b/a - b/' "$SA/submissions/slow_accepted/slow.c" >"$TEST_TMP/slow-wrong.c"
judge "$SA/submissions/slow_accepted/slow.c" "$SA"
eq "slow_accepted: TLE at the package's limit" "TLE 500" "$(j .verdict) $(j .limits.time_ms)"
check "slow_accepted: its output said to be accepted ($(j '.tests[0].detail'))" \
	grep -q "the output is accepted: AC (slow)" <<<"$(j '.tests[0].detail')"
judge "$TEST_TMP/slow-wrong.c" "$SA"
eq "slow and wrong: TLE" TLE "$(j .verdict)"
eq "slow and wrong: not said to be accepted" 0 "$(j '.tests[0].detail' | grep -c 'AC (slow)')"

# nothing usable: exit 2, each reason named
rm "$T/submissions/accepted/sum.py"
judge_text "$TEST_TMP/latin1.c" "$T"
eq "no accepted submission usable: exit 2" 2 "$rc"
check "no accepted submission usable: said, with why ($(cat "$TEST_TMP/err"))" \
	grep -q "no accepted submission can run here.*old.py (Python 2" "$TEST_TMP/err"
check "no accepted submission usable: -t suggested" grep -q "give one with -t" "$TEST_TMP/err"
# a usable one that fails is still an error worth stopping for
printf 'print(0)\n' >"$T/submissions/accepted/zero.py"
judge_text "$TEST_TMP/latin1.c" "$T"
eq "an accepted submission that fails: exit 2" 2 "$rc"
check "an accepted submission that fails: named" grep -q "submissions/accepted/zero.py gets WA" "$TEST_TMP/err"

finish
