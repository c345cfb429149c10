#!/bin/bash
# forge judge: a program against a test set (a directory of pairs, a
# Kattis package, a competitive-companion file), every verdict, the
# order of the tests, the report of the first failure, the comparator's
# options, custom checkers of both conventions, interactive problems.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang c

# judge [options] FILE TESTS: forge judge --json; the JSON is in
# $TEST_TMP/last.json (read with j), the exit status in $rc
judge() {
	rc=0
	"$FORGE" judge --json --no-history "$@" >"$TEST_TMP/last.json" \
		2>"$TEST_TMP/last.err" || rc=$?
	if ! jq -e . "$TEST_TMP/last.json" >/dev/null 2>&1; then
		echo "forge judge printed no valid JSON (exit $rc) for: $*" >&2
		head -c 2000 "$TEST_TMP/last.json" >&2
		cat "$TEST_TMP/last.err" >&2
	fi
}
# judge_text [options] FILE TESTS: the table and report in $TEST_TMP/out
judge_text() {
	rc=0
	"$FORGE" judge --no-history "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" ||
		rc=$?
}
# the table's "NAME VERDICT" lines, one per test, from $TEST_TMP/out
table() {
	awk '/^ +[0-9]+  /{print $2, $3}' "$TEST_TMP/out"
}
names() { j '[.tests[].name] | join(" ")'; }
verdicts() { j '[.tests[].verdict] | join(" ")'; }
# pair DIR NAME INPUT [ANSWER]: a test of a directory test set
pair() {
	mkdir -p "$TEST_TMP/$1"
	printf '%b' "$3" >"$TEST_TMP/$1/$2.in"
	if [ $# -ge 4 ]; then printf '%b' "$4" >"$TEST_TMP/$1/$2.ans"; fi
}

# One program for every verdict: the first word of the input says what
# to do. It always says on stderr what it was asked.
prog=$(write multi.c <<'X'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
	char cmd[32];
	long a = 0, b = 0;
	if (scanf("%31s", cmd) != 1)
		return 9;
	fprintf(stderr, "asked to %s\n", cmd);
	if (!strcmp(cmd, "sum")) {
		if (scanf("%ld %ld", &a, &b) != 2)
			return 8;
		printf("%ld\n", a + b);
	} else if (!strcmp(cmd, "wrong"))
		printf("0\n");
	else if (!strcmp(cmd, "loop")) {
		volatile unsigned long x = 0;
		for (;;)
			x++;
	} else if (!strcmp(cmd, "mem")) {
		for (;;) {
			char *p = malloc(1 << 20);
			if (!p)
				return 3;
			memset(p, 1, 1 << 20);
		}
	} else if (!strcmp(cmd, "crash")) {
		volatile int *p = 0;
		return *p;
	} else if (!strcmp(cmd, "exit3"))
		return 3;
	else if (!strcmp(cmd, "flood")) {
		static char buf[65536];
		memset(buf, 'y', sizeof buf);
		for (;;)
			fwrite(buf, 1, sizeof buf, stdout);
	} else if (!strcmp(cmd, "sv")) {
		syscall(SYS_keyctl, 0, 0, 0, 0, 0);
		printf("survived\n");
	} else if (!strcmp(cmd, "third"))
		printf("%.3f\n", 1.0 / 3);
	else if (!strcmp(cmd, "spaces"))
		printf("1  2\n");
	else if (!strcmp(cmd, "upper"))
		printf("YES\n");
	else if (!strcmp(cmd, "echo")) {
		int c;
		while ((c = getchar()) != EOF)
			putchar(c);
	}
	return 0;
}
X
)

# ---- every verdict, in one test set; -j 1 and -j 2 agree ---------------
pair v 1-ac 'sum 2 3\n' '5\n'
pair v 2-wa 'wrong\n' '5\n'
pair v 3-tle 'loop\n' '5\n'
pair v 4-mle 'mem\n' '5\n'
pair v 5-re 'crash\n' '5\n'
pair v 6-re-exit 'exit3\n' '5\n'
pair v 7-ole 'flood\n' '5\n'
pair v 8-sv 'sv\n' 'survived\n'
pair v 9-ok 'sum 1 1\n'
vopts=(-t 0.5 -m 64M --output 1M)
all="1-ac 2-wa 3-tle 4-mle 5-re 6-re-exit 7-ole 8-sv 9-ok"
expect="AC WA TLE MLE RE RE OLE SV OK"
# first with two workers, on a build made by this very judge (the usual
# case: a new source), then with one, then four on the cached build
judge -j 2 "${vopts[@]}" "$prog" "$TEST_TMP/v"
eq "-j 2, just compiled: was compiled" false "$(j .build_cached)"
eq "-j 2, just compiled: order" "$all" "$(names)"
eq "-j 2, just compiled: one of each verdict" "$expect" "$(verdicts)"
cp "$TEST_TMP/last.json" "$TEST_TMP/j2.json"

judge -j 1 "${vopts[@]}" "$prog" "$TEST_TMP/v"
eq "verdicts: test order" "$all" "$(names)"
eq "verdicts: one of each" "$expect" "$(verdicts)"
eq "verdicts: overall is the first failure's" WA "$(j .verdict)"
eq "verdicts: exit status 1" 1 "$rc"
eq "verdicts: passed (AC and the run-only OK)" 2 "$(j .passed)"
eq "verdicts: total" 9 "$(j .total)"
eq "verdicts: testset kind" directory "$(j .testset)"
eq "verdicts: no checker" null "$(j .checker)"
eq "verdicts: not interactive" false "$(j .interactive)"
eq "verdicts: limits.time_ms from -t" 500 "$(j .limits.time_ms)"
eq "verdicts: limits.memory_kb from -m" 65536 "$(j .limits.memory_kb)"
eq "verdicts: limits.output_kb from --output" 1024 "$(j .limits.output_kb)"
eq "verdicts: id null" null "$(j .id)"
eq "verdicts: language" c "$(j .language)"
check "verdicts: enforced_by named" grep -qE '^(cgroup-v1|cgroup-v2|rlimit)$' <<<"$(j .enforced_by)"
eq "WA: diff" "line 1, token 1: expected '5', got '0'" "$(j '.tests[1].diff')"
eq "WA: detail" "wrong answer" "$(j '.tests[1].detail')"
eq "WA: the program's stderr" "asked to wrong" "$(j '.tests[1].stderr' | head -n1)"
check "TLE: CPU time at least the limit" test "$(j '.tests[2].time_ms')" -ge 500
eq "RE: signal named" SIGSEGV "$(j '.tests[4].signal')"
eq "RE: no exit code with a signal" null "$(j '.tests[4].exit_code')"
eq "RE by exit code: exit_code" 3 "$(j '.tests[5].exit_code')"
# (docker: the container's filter kills, and Docker does not report the
# call)
check "SV: detail names the call" grep -qE \
	"$([ "$TEST_BACKEND" = docker ] && echo 'cannot name it' || echo keyctl)" \
	<<<"$(j '.tests[7].detail')"
eq "AC: no diff" null "$(j '.tests[0].diff')"
eq "AC: exit_code 0" 0 "$(j '.tests[0].exit_code')"
shape='[.tests[] | {name, verdict, diff, exit_code, signal}] | tojson'
jq -r "$shape" "$TEST_TMP/last.json" >"$TEST_TMP/j1.shape"

eq "-j 1 and -j 2 (just compiled): same results" \
	"$(cat "$TEST_TMP/j1.shape")" "$(jq -r "$shape" "$TEST_TMP/j2.json")"
judge -j 4 "${vopts[@]}" "$prog" "$TEST_TMP/v"
eq "-j 4 (cached build): same results as -j 1" \
	"$(cat "$TEST_TMP/j1.shape")" "$(j "$shape")"
eq "-j 4: same overall verdict" WA "$(j .verdict)"

# without --json: the table, the first failure, the summary
judge_text -j 2 "${vopts[@]}" "$prog" "$TEST_TMP/v"
eq "table: one line per test, in order" \
	"$(paste -d' ' <(tr ' ' '\n' <<<"$all") <(tr ' ' '\n' <<<"$expect"))" \
	"$(table)"
check "report: first failure named" grep -qx 'first failure: 2-wa (WA)' "$TEST_TMP/out"
check "report: the difference" grep -qF "  line 1, token 1: expected '5', got '0'" "$TEST_TMP/out"
check "report: the program's stderr" grep -qx '    asked to wrong' "$TEST_TMP/out"
check "report: summary line" grep -q '^forge: WA  2/9 tests passed' "$TEST_TMP/out"
eq "report: exit status" 1 "$rc"
judge_text -q "${vopts[@]}" "$prog" "$TEST_TMP/v"
eq "-q: the summary line only" 1 "$(grep -c . "$TEST_TMP/out")"
check "-q: it is the summary" grep -q '^forge: WA  2/9' "$TEST_TMP/out"

# ---- --only and -x ------------------------------------------------------
judge --only '1-*' --only '5-re' "$prog" "$TEST_TMP/v"
eq "--only: globs and names, repeated" "1-ac 5-re" "$(names)"
eq "--only: verdict" RE "$(j .verdict)"
eq "--only: total" 2 "$(j .total)"
judge --only '[12]-*' "$prog" "$TEST_TMP/v"
eq "--only: a glob class" "1-ac 2-wa" "$(names)"
for jobs in 1 3; do
	judge -x -j $jobs "${vopts[@]}" "$prog" "$TEST_TMP/v"
	eq "-x -j $jobs: stops at the first failure" "1-ac 2-wa" "$(names)"
	eq "-x -j $jobs: verdict" WA "$(j .verdict)"
	eq "-x -j $jobs: total" 2 "$(j .total)"
done
judge --stop --only '9-ok' --only '5-re' --only '1-ac' "$prog" "$TEST_TMP/v"
eq "--stop: the failure is the last test run" "1-ac 5-re" "$(names)"

# ---- natural order, answer names, run-only tests ----------------------
pair n 10 'sum 5 5\n'
printf '10\n' >"$TEST_TMP/n/10.a"
pair n 2 'sum 1 1\n'
printf '2\n' >"$TEST_TMP/n/2.out"
pair n 1 'sum 0 1\n' '1\n'
pair n 9 'sum 4 5\n'
# .ans comes before .out
printf '999\n' >"$TEST_TMP/n/1.out"
judge -j 1 "$prog" "$TEST_TMP/n"
eq "natural order: 2 before 10 (JSON)" "1 2 9 10" "$(names)"
eq "X.ans, X.out, X.a answers; X.ans preferred" "AC AC OK AC" "$(verdicts)"
eq "a run-only test counts as passed" 4 "$(j .passed)"
eq "with a run-only test: AC" AC "$(j .verdict)"
eq "all passed: exit 0" 0 "$rc"
judge_text -j 3 "$prog" "$TEST_TMP/n"
eq "natural order: 2 before 10 (table)" "1 AC
2 AC
9 OK
10 AC" "$(table)"
check "all passed: summary" grep -q '^forge: AC  4/4 tests passed' "$TEST_TMP/out"
check "all passed: no failure report" sh -c "! grep -q 'first failure' '$TEST_TMP/out'"

mkdir -p "$TEST_TMP/t"
printf 'sum 1 2\n' >"$TEST_TMP/t/in1.txt"
printf '3\n' >"$TEST_TMP/t/ans1.txt"
printf 'sum 2 2\n' >"$TEST_TMP/t/in2.txt"
printf '4\n' >"$TEST_TMP/t/out2.txt"
printf 'sum 5 5\n' >"$TEST_TMP/t/in10.txt"
printf '11\n' >"$TEST_TMP/t/ans10.txt"
judge "$prog" "$TEST_TMP/t"
eq "inN.txt/ansN.txt/outN.txt: names, natural order" "1 2 10" "$(names)"
eq "inN.txt: verdicts" "AC AC WA" "$(verdicts)"

# only run-only tests: OK, not AC
mkdir -p "$TEST_TMP/r"
printf 'sum 1 2\n' >"$TEST_TMP/r/a.in"
judge "$prog" "$TEST_TMP/r"
eq "only run-only tests: OK" OK "$(j .verdict)"
eq "only run-only tests: exit 0" 0 "$rc"

# ---- CE ----------------------------------------------------------------
bad=$(write bad.c <<'X'
int main(void) { return undefined_thing; }
X
)
judge "$bad" "$TEST_TMP/n"
check "CE: --json prints valid JSON" sh -c 'jq -e . "$1" >/dev/null 2>&1' _ "$TEST_TMP/last.json"
eq "CE: verdict" CE "$(j .verdict)"
eq "CE: exit status 1" 1 "$rc"
eq "CE: no tests run" 0 "$(j '.tests | length')"
check "CE: the compiler's message" grep -q undefined_thing <<<"$(j .compile_output)"
judge_text "$bad" "$TEST_TMP/n"
check "CE: summary" grep -q '^forge: CE' "$TEST_TMP/out"
check "CE: the compiler's message shown" grep -q undefined_thing "$TEST_TMP/out"

# ---- the build is compiled once and cached -------------------------------
fresh=$(write fresh.c <<X
#include <stdio.h>
/* unique: $$ $RANDOM */
int main(void) { long a, b; char c[8]; scanf("%7s %ld %ld", c, &a, &b); printf("%ld\n", a + b); return 0; }
X
)
judge -j 1 "$fresh" "$TEST_TMP/n"
eq "first judge: compiled" false "$(j .build_cached)"
eq "first judge: AC" AC "$(j .verdict)"
judge "$fresh" "$TEST_TMP/t"
eq "second judge of the same source: build cached" true "$(j .build_cached)"
judge_text "$fresh" "$TEST_TMP/n"
check "second judge: summary says build cached" grep -q 'build cached' "$TEST_TMP/out"

# ---- comparison options ---------------------------------------------------
pair f third 'third\n' '0.333333\n'
judge "$prog" "$TEST_TMP/f"
eq "float: no tolerance by default" WA "$(j .verdict)"
eq "float: the diff" "line 1, token 1: expected '0.333333', got '0.333'" "$(j '.tests[0].diff')"
judge --float-tolerance 1e-3 "$prog" "$TEST_TMP/f"
eq "--float-tolerance 1e-3" AC "$(j .verdict)"
judge --float-absolute-tolerance 1e-4 "$prog" "$TEST_TMP/f"
eq "--float-absolute-tolerance 1e-4: too tight" WA "$(j .verdict)"
judge --float-absolute-tolerance 1e-3 "$prog" "$TEST_TMP/f"
eq "--float-absolute-tolerance 1e-3" AC "$(j .verdict)"
judge --float-relative-tolerance 1e-2 "$prog" "$TEST_TMP/f"
eq "--float-relative-tolerance 1e-2" AC "$(j .verdict)"
judge --float-relative-tolerance 1e-4 "$prog" "$TEST_TMP/f"
eq "--float-relative-tolerance 1e-4: too tight" WA "$(j .verdict)"

pair s sp 'spaces\n' '1 2\n'
judge "$prog" "$TEST_TMP/s"
eq "tokens: whitespace is free" AC "$(j .verdict)"
judge --compare tokens "$prog" "$TEST_TMP/s"
eq "--compare tokens" AC "$(j .verdict)"
judge --compare exact "$prog" "$TEST_TMP/s"
eq "--compare exact: bytes" WA "$(j .verdict)"
check "--compare exact: the diff has line and column" grep -q 'line 1, column 3' <<<"$(j '.tests[0].diff')"
judge --space-change-sensitive "$prog" "$TEST_TMP/s"
eq "--space-change-sensitive" WA "$(j .verdict)"
# trailing newline: exact mode cares, tokens mode does not
pair e nl 'sum 1 2\n' '3'
judge "$prog" "$TEST_TMP/e"
eq "tokens: a missing newline in the answer is fine" AC "$(j .verdict)"
judge --compare exact "$prog" "$TEST_TMP/e"
eq "exact: the trailing newline matters" WA "$(j .verdict)"
judge --space-change-sensitive "$prog" "$TEST_TMP/e"
eq "space_change_sensitive: the trailing newline matters" WA "$(j .verdict)"

pair c up 'upper\n' 'yes\n'
judge "$prog" "$TEST_TMP/c"
eq "tokens: case-insensitive" AC "$(j .verdict)"
judge --case-sensitive "$prog" "$TEST_TMP/c"
eq "--case-sensitive" WA "$(j .verdict)"

# ---- a testlib checker: checker input output answer, exit 0/1/2 ----------
ck=$(write checkers/ok/checker.c <<'X'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	FILE *in, *out, *ans;
	char word[16];
	long x, y;
	if (argc != 4)
		return 5;
	in = fopen(argv[1], "r");
	out = fopen(argv[2], "r");
	ans = fopen(argv[3], "r");
	if (!in || !out || !ans || fscanf(in, "%15s", word) != 1)
		return 5;
	if (fscanf(ans, "%ld", &y) != 1)
		return 5;
	if (fscanf(out, "%ld", &x) != 1) {
		fprintf(stderr, "no number (asked to %s)\n", word);
		return 2;
	}
	if (x != y) {
		fprintf(stderr, "expected %ld, found %ld\n", y, x);
		return 1;
	}
	fprintf(stderr, "ok %ld\n", x);
	return 0;
}
X
)
pair k 1 'sum 2 3\n' '5\n'
pair k 2 'wrong\n' '5\n'
pair k 3 'upper\n' '5\n'
pair k 4 'crash\n' '5\n'
judge -j 1 --checker "$ck" "$prog" "$TEST_TMP/k"
eq "testlib: checker kind" testlib "$(j .checker)"
eq "testlib: verdicts (exit 0, 1, 2; the program's RE stands)" "AC WA WA RE" "$(verdicts)"
eq "testlib: AC detail is the checker's message" "ok 5" "$(j '.tests[0].detail')"
eq "testlib: WA detail, argument order input output answer" \
	"expected 5, found 0" "$(j '.tests[1].detail')"
eq "testlib: exit 2 is a presentation error" \
	"presentation error: no number (asked to upper)" "$(j '.tests[2].detail')"
eq "testlib: overall" WA "$(j .verdict)"
eq "testlib: exit status" 1 "$rc"
judge_text --checker "$ck" "$prog" "$TEST_TMP/k"
check "testlib: the report shows the checker's message" grep -qF '  expected 5, found 0' "$TEST_TMP/out"

# a broken checker is IE, never AC: crash, exit outside 0-2, hang
ckcrash=$(write checkers/crash/checker.c <<'X'
int main(void) { volatile int *p = 0; return *p; }
X
)
ckexit7=$(write checkers/exit7/checker.c <<'X'
#include <stdio.h>
int main(void) { fprintf(stderr, "confused\n"); return 7; }
X
)
ckhang=$(write checkers/hang/checker.c <<'X'
int main(void) { volatile unsigned long x = 0; for (;;) x++; }
X
)
judge --only 1 --checker "$ckcrash" "$prog" "$TEST_TMP/k"
eq "testlib crashing checker: IE" IE "$(j '.tests[0].verdict')"
eq "testlib crashing checker: overall IE" IE "$(j .verdict)"
eq "testlib crashing checker: exit 3" 3 "$rc"
check "testlib crashing checker: detail says so ($(j '.tests[0].detail'))" grep -q 'checker' <<<"$(j '.tests[0].detail')"
judge --only 1 --checker "$ckexit7" "$prog" "$TEST_TMP/k"
eq "testlib checker exit 7: IE" IE "$(j '.tests[0].verdict')"
check "testlib checker exit 7: detail names the code ($(j '.tests[0].detail'))" grep -q 'exit code 7' <<<"$(j '.tests[0].detail')"
check "testlib checker exit 7: detail has its message" grep -q 'confused' <<<"$(j '.tests[0].detail')"
eq "testlib checker exit 7: exit 3" 3 "$rc"
judge --only 1 --checker "$ckhang" "$prog" "$TEST_TMP/k"
eq "testlib hanging checker: IE" IE "$(j '.tests[0].verdict')"
eq "testlib hanging checker: overall IE" IE "$(j .verdict)"
check "testlib hanging checker: detail names the limit ($(j '.tests[0].detail'))" grep -qi 'time' <<<"$(j '.tests[0].detail')"

# ---- a Kattis validator: validator input answer feedback/ < output -------
kv=$(write validators/ok/validator.c <<'X'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	char path[512], word[16];
	FILE *in, *ans, *jm;
	long x, y;
	if (argc < 4 || argv[3][strlen(argv[3]) - 1] != '/')
		return 5;
	snprintf(path, sizeof path, "%sjudgemessage.txt", argv[3]);
	jm = fopen(path, "w");
	in = fopen(argv[1], "r");
	ans = fopen(argv[2], "r");
	if (!jm || !in || !ans || fscanf(in, "%15s", word) != 1 ||
	    fscanf(ans, "%ld", &y) != 1)
		return 5;
	if (scanf("%ld", &x) != 1) {
		fprintf(jm, "no number from %s\n", word);
		return 43;
	}
	if (x != y) {
		fprintf(jm, "wanted %ld, read %ld\n", y, x);
		return 43;
	}
	fprintf(jm, "fine\n");
	return 42;
}
X
)
judge -j 1 --validator "$kv" "$prog" "$TEST_TMP/k"
eq "kattis: checker kind" kattis "$(j .checker)"
eq "kattis: verdicts (42, 43, 43; the program's RE stands)" "AC WA WA RE" "$(verdicts)"
eq "kattis: judgemessage.txt is the detail" "wanted 5, read 0" "$(j '.tests[1].detail')"
eq "kattis: AC detail" fine "$(j '.tests[0].detail')"
eq "kattis: overall" WA "$(j .verdict)"
# a validator directory
judge --validator "$(dirname "$kv")" --only 1 "$prog" "$TEST_TMP/k"
eq "kattis: a validator directory" AC "$(j .verdict)"
kvcrash=$(write validators/crash/validator.c <<'X'
int main(void) { volatile int *p = 0; return *p; }
X
)
kvexit0=$(write validators/exit0/validator.c <<'X'
int main(void) { return 0; }
X
)
kvexit7=$(write validators/exit7/validator.c <<'X'
int main(void) { return 7; }
X
)
judge --only 1 --validator "$kvcrash" "$prog" "$TEST_TMP/k"
eq "kattis crashing validator: IE" IE "$(j '.tests[0].verdict')"
eq "kattis crashing validator: exit 3" 3 "$rc"
judge --only 1 --validator "$kvexit0" "$prog" "$TEST_TMP/k"
eq "kattis validator exit 0: IE, not AC" IE "$(j '.tests[0].verdict')"
check "kattis validator exit 0: detail names the code" grep -q 'exit code 0' <<<"$(j '.tests[0].detail')"
judge --only 1 --validator "$kvexit7" "$prog" "$TEST_TMP/k"
eq "kattis validator exit 7: IE" IE "$(j '.tests[0].verdict')"
check "kattis validator exit 7: detail names the code" grep -q 'exit code 7' <<<"$(j '.tests[0].detail')"

# ---- Kattis package, legacy: output_validators/NAME/, validation: custom --
L=$TEST_TMP/legacy
mkdir -p "$L/output_validators/argcheck" "$L/data/sample" "$L/data/secret/g"
cat >"$L/problem.yaml" <<'X'
name: Sum, legacy
validation: custom
validator_flags: alpha
limits:
  time_limit: 0.75
  memory: 100
X
# accepts a right sum; the detail is its flags, so they can be checked
cat >"$L/output_validators/argcheck/validator.c" <<'X'
#include <stdio.h>
int main(int argc, char **argv)
{
	char path[512];
	FILE *ans = fopen(argv[2], "r"), *jm;
	long x, y;
	int i;
	snprintf(path, sizeof path, "%sjudgemessage.txt", argv[3]);
	jm = fopen(path, "w");
	if (!ans || !jm || fscanf(ans, "%ld", &y) != 1)
		return 5;
	fprintf(jm, "flags:");
	for (i = 4; i < argc; i++)
		fprintf(jm, " %s", argv[i]);
	fprintf(jm, "\n");
	return scanf("%ld", &x) == 1 && x == y ? 42 : 43;
}
X
printf 'sum 1 1\n' >"$L/data/sample/1.in"
printf '2\n' >"$L/data/sample/1.ans"
printf 'sum 1 2\n' >"$L/data/secret/a.in"
printf '3\n' >"$L/data/secret/a.ans"
printf 'wrong\n' >"$L/data/secret/z.in"
printf '3\n' >"$L/data/secret/z.ans"
printf 'sum 2 2\n' >"$L/data/secret/g/x.in"
printf '4\n' >"$L/data/secret/g/x.ans"
printf 'output_validator_flags: beta\n' >"$L/data/secret/g/testdata.yaml"
judge -j 1 "$prog" "$L"
eq "legacy: testset kind" kattis "$(j .testset)"
eq "legacy: the package's validator" kattis "$(j .checker)"
eq "legacy: limits.time_ms from time_limit" 750 "$(j .limits.time_ms)"
eq "legacy: limits.memory_kb from memory (MB)" 102400 "$(j .limits.memory_kb)"
# the spec: "Test cases and groups will be used in lexicographical order
# on file base name" -- secret/g comes between secret/a and secret/z
eq "legacy: sample, then secret, cases and groups in lexicographic order" \
	"sample/1 secret/a secret/g/x secret/z" "$(names)"
eq "legacy: verdicts by name" "AC AC AC WA" \
	"$(j '[.tests | sort_by(.name)[] | .verdict] | join(" ")')"
eq "legacy: validator_flags reach the validator" "flags: alpha" \
	"$(j '.tests[] | select(.name == "secret/a") | .detail')"
# problemtools passes validator_flags, then the group's flags
eq "legacy: a group's output_validator_flags come after validator_flags" \
	"flags: alpha beta" "$(j '.tests[] | select(.name == "secret/g/x") | .detail')"
judge -t 3 -m 200M "$prog" "$L"
eq "legacy: -t overrides time_limit" 3000 "$(j .limits.time_ms)"
eq "legacy: -m overrides memory" 204800 "$(j .limits.memory_kb)"

# ---- the package's limit is the one enforced -----------------------------
T=$TEST_TMP/tl
mkdir -p "$T/data/secret"
printf 'limits:\n  time_limit: 0.5\n' >"$T/problem.yaml"
printf 'loop\n' >"$T/data/secret/1.in"
printf '5\n' >"$T/data/secret/1.ans"
judge "$prog" "$T"
eq "package limit: TLE" TLE "$(j .verdict)"
check "package limit: stopped near 0.5 s ($(j '.tests[0].time_ms') ms)" test "$(j '.tests[0].time_ms')" -lt 1000
judge -t 1 "$prog" "$T"
check "-t 1 over the package: ran at least 1 s ($(j '.tests[0].time_ms') ms)" test "$(j '.tests[0].time_ms')" -ge 1000

# ---- Kattis package: float tolerance from validator_flags and testdata ----
F=$TEST_TMP/floatpkg
mkdir -p "$F/data/secret/loose" "$F/data/secret/tight"
printf 'name: Third\nvalidator_flags: float_tolerance 1e-3\n' >"$F/problem.yaml"
printf 'third\n' >"$F/data/secret/1.in"
printf '0.333333\n' >"$F/data/secret/1.ans"
cp "$F/data/secret/1.in" "$F/data/secret/tight/1.in"
cp "$F/data/secret/1.ans" "$F/data/secret/tight/1.ans"
printf 'output_validator_flags: float_absolute_tolerance 1e-4 float_relative_tolerance 1e-4\n' \
	>"$F/data/secret/tight/testdata.yaml"
cp "$F/data/secret/1.in" "$F/data/secret/loose/1.in"
printf '0.3\n' >"$F/data/secret/loose/1.ans"
printf 'output_validator_args: [float_absolute_tolerance, "0.05"]\n' \
	>"$F/data/secret/loose/testdata.yaml"
judge -j 1 "$prog" "$F"
eq "package floats: no custom validator" null "$(j .checker)"
eq "package floats: names" "secret/1 secret/loose/1 secret/tight/1" "$(names)"
eq "package floats: validator_flags, then each group's flags" "AC AC WA" "$(verdicts)"
judge --only 'secret/tight/*' "$prog" "$F"
eq "package floats: --only a group" "secret/tight/1" "$(names)"
# command-line comparison options are the base the package adds to
judge --case-sensitive --only secret/1 "$prog" "$F"
eq "package floats: command-line options keep the package's tolerance" AC "$(j .verdict)"

# lexicographic order within a package group (not natural)
O=$TEST_TMP/orderpkg
mkdir -p "$O/data/secret"
for n in 1 2 10; do
	printf 'sum %d 0\n' $n >"$O/data/secret/$n.in"
	printf '%d\n' $n >"$O/data/secret/$n.ans"
done
judge -j 2 "$prog" "$O"
eq "package: test files in lexicographic order" "secret/1 secret/10 secret/2" "$(names)"

# ---- symlinks in a package are followed ------------------------------------
S=$TEST_TMP/symlinked
mkdir -p "$S/data/secret" "$TEST_TMP/store/grp"
printf 'sum 3 4\n' >"$TEST_TMP/store/s.in"
printf '7\n' >"$TEST_TMP/store/s.ans"
printf 'sum 1 0\n' >"$TEST_TMP/store/grp/t.in"
printf '1\n' >"$TEST_TMP/store/grp/t.ans"
ln -s ../../../store/s.in "$S/data/secret/s.in"
ln -s "$TEST_TMP/store/s.ans" "$S/data/secret/s.ans"
ln -s ../../../store/grp "$S/data/secret/linked"
judge "$prog" "$S"
eq "symlinks: files and a group directory are followed" "secret/linked/t secret/s" \
	"$(j '[.tests[].name] | sort | join(" ")')"
eq "symlinks: judged" "AC AC" "$(verdicts)"

# ---- 2023-07 package: output_validator/, type, limits ----------------------
N=$TEST_TMP/modern
mkdir -p "$N/output_validator" "$N/data/sample" "$N/data/secret"
cat >"$N/problem.yaml" <<'X'
problem_format_version: 2023-07-draft
name: Sum, modern
type: pass-fail
limits:
  time_limit: 1.5
  memory: 64
X
cp "$kv" "$N/output_validator/validator.c"
printf 'sum 1 1\n' >"$N/data/sample/1.in"
printf '2\n' >"$N/data/sample/1.ans"
printf 'wrong\n' >"$N/data/secret/1.in"
printf '7\n' >"$N/data/secret/1.ans"
judge -j 1 "$prog" "$N"
eq "2023-07: kattis package" kattis "$(j .testset)"
eq "2023-07: output_validator/ used" kattis "$(j .checker)"
eq "2023-07: pass-fail is not interactive" false "$(j .interactive)"
eq "2023-07: limits.time_limit" 1500 "$(j .limits.time_ms)"
eq "2023-07: limits.memory" 65536 "$(j .limits.memory_kb)"
eq "2023-07: verdicts" "AC WA" "$(verdicts)"
eq "2023-07: the validator's message" "wanted 7, read 0" "$(j '.tests[1].detail')"
judge -t 0.25 "$prog" "$N"
eq "2023-07: -t overrides" 250 "$(j .limits.time_ms)"

# ---- interactive: the validator and the program talk over pipes ----------
I=$TEST_TMP/inter
mkdir -p "$I/output_validator" "$I/data/secret"
cat >"$I/problem.yaml" <<'X'
problem_format_version: 2023-07-draft
name: Doubling
type: interactive
limits:
  time_limit: 1
X
# says N, wants 2N back, twice
cat >"$I/output_validator/validator.c" <<'X'
#include <stdio.h>
int main(int argc, char **argv)
{
	char path[512];
	FILE *in = fopen(argv[1], "r"), *jm;
	long n, r;
	int round;
	snprintf(path, sizeof path, "%sjudgemessage.txt", argv[3]);
	jm = fopen(path, "w");
	if (!in || !jm || fscanf(in, "%ld", &n) != 1)
		return 5;
	for (round = 0; round < 2; round++, n++) {
		printf("%ld\n", n);
		fflush(stdout);
		if (scanf("%ld", &r) != 1) {
			fprintf(jm, "no reply in round %d\n", round + 1);
			return 43;
		}
		if (r != 2 * n) {
			fprintf(jm, "round %d: wanted %ld, got %ld\n", round + 1,
				2 * n, r);
			return 43;
		}
	}
	fprintf(jm, "doubled twice\n");
	return 42;
}
X
printf '21\n' >"$I/data/secret/1.in"
: >"$I/data/secret/1.ans"
good=$(write inter/good.c <<'X'
#include <stdio.h>
int main(void) { long n; while (scanf("%ld", &n) == 1) { printf("%ld\n", 2 * n); fflush(stdout); } return 0; }
X
)
wrong=$(write inter/wrong.c <<'X'
#include <stdio.h>
int main(void) { long n; while (scanf("%ld", &n) == 1) { printf("%ld\n", 3 * n); fflush(stdout); } return 0; }
X
)
crash=$(write inter/crash.c <<'X'
#include <stdio.h>
int main(void) { long n; if (scanf("%ld", &n) == 1) { fprintf(stderr, "read %ld\n", n); volatile int *p = 0; return *p; } return 0; }
X
)
# the first judge compiles both the program and the validator
judge "$good" "$I"
eq "interactive: detected from type" true "$(j .interactive)"
eq "interactive, just compiled: correct program AC" AC "$(j .verdict)"
eq "interactive, just compiled: validator's message" "doubled twice" "$(j '.tests[0].detail')"
eq "interactive, just compiled: exit 0" 0 "$rc"
judge "$good" "$I"
eq "interactive, cached: correct program AC" AC "$(j .verdict)"
eq "interactive, cached: validator's message" "doubled twice" "$(j '.tests[0].detail')"
# the rest on cached builds: the judging rule, not the build, is tested
judge "$wrong" "$I" >/dev/null
judge "$wrong" "$I"
eq "interactive: wrong program WA" WA "$(j .verdict)"
eq "interactive: WA detail" "round 1: wanted 42, got 63" "$(j '.tests[0].detail')"
judge "$crash" "$I"
eq "interactive: crashing program RE" RE "$(j .verdict)"
eq "interactive: RE signal" SIGSEGV "$(j '.tests[0].signal')"
check "interactive: the program's stderr" grep -q 'read 21' <<<"$(j '.tests[0].stderr')"
# legacy spelling, validation: custom interactive
IL=$TEST_TMP/interlegacy
mkdir -p "$IL/output_validators/v" "$IL/data/secret"
printf 'validation: custom interactive\n' >"$IL/problem.yaml"
cp "$I/output_validator/validator.c" "$IL/output_validators/v/"
cp "$I/data/secret/1.in" "$I/data/secret/1.ans" "$IL/data/secret/"
judge "$wrong" "$IL" >/dev/null # builds cached: see above
judge "$wrong" "$IL"
eq "interactive legacy: detected" true "$(j .interactive)"
eq "interactive legacy: WA" WA "$(j .verdict)"
judge "$good" "$IL"
eq "interactive legacy: AC" AC "$(j .verdict)"
# --interactive with --validator on a plain directory
mkdir -p "$TEST_TMP/idir"
cp "$I/data/secret/1.in" "$I/data/secret/1.ans" "$TEST_TMP/idir/"
judge --interactive --validator "$I/output_validator" "$good" "$TEST_TMP/idir"
eq "--interactive --validator: AC" AC "$(j .verdict)"
eq "--interactive: reported" true "$(j .interactive)"

# ---- competitive-companion JSON ------------------------------------------
cc=$(write problem.json <<'X'
{"name": "A. Sum", "group": "Codeforces", "url": "https://example.org",
 "interactive": false, "memoryLimit": 128, "timeLimit": 1500,
 "tests": [{"input": "sum 1 2\n", "output": "3\n"},
           {"input": "sum 2 2\n", "output": "4\n"}],
 "testType": "single"}
X
)
judge "$prog" "$cc"
eq "companion: kind" companion "$(j .testset)"
eq "companion: names" "1 2" "$(names)"
eq "companion: verdict" AC "$(j .verdict)"
eq "companion: timeLimit (ms)" 1500 "$(j .limits.time_ms)"
eq "companion: memoryLimit (MB)" 131072 "$(j .limits.memory_kb)"
judge -t 1 -m 32M "$prog" "$cc"
eq "companion: -t overrides" 1000 "$(j .limits.time_ms)"
eq "companion: -m overrides" 32768 "$(j .limits.memory_kb)"
cc2=$(write problem2.json <<'X'
{"name": "B", "memoryLimit": 256, "timeLimit": 500,
 "tests": [{"input": "sum 1 2\n", "output": "3\n"},
           {"input": "loop\n", "output": "0\n"}]}
X
)
judge "$prog" "$cc2"
eq "companion: its time limit enforced" "AC TLE" "$(verdicts)"
check "companion: stopped near 0.5 s" test "$(j '.tests[1].time_ms')" -lt 1000

finish
