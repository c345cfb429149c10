#!/bin/bash
# forge judge on a problem package that gives no time limit: the limit
# its format defines, computed from its accepted submissions, said on
# stderr, used, and kept so that the next judge computes nothing; -t
# wins; time_limit_to_tle lets a slow run go on so its time is honest,
# still TLE. And judge --cached: the table, first failure, summary and
# --json of a real judge, marked as cached.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang c

# fj [options] FILE TESTS: forge judge (history kept); stdout in
# $TEST_TMP/out, stderr in $TEST_TMP/err, the exit status in $rc
fj() {
	rc=0
	"$FORGE" judge "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null || rc=$?
}
# fjj [options] FILE TESTS: the same with --json, which is also kept
# in $TEST_TMP/last.json for j
fjj() {
	fj --json "$@"
	cp "$TEST_TMP/out" "$TEST_TMP/last.json"
	if ! jq -e . "$TEST_TMP/last.json" >/dev/null 2>&1; then
		echo "forge judge printed no valid JSON (exit $rc) for: $*" >&2
		cat "$TEST_TMP/err" >&2
	fi
}
# the table's "NAME VERDICT" lines, from $TEST_TMP/out
table() { awk '/^ +[0-9]+  /{print $2, $3}' "$TEST_TMP/out"; }
limits_lines() { grep -c "time limit" "$TEST_TMP/err"; }
ncached() { find "$XDG_CACHE_HOME/forge/timelimits" -type f 2>/dev/null | wc -l; }

# ---- the package: time multipliers only ----------------------------------
pkg=$TEST_TMP/pkg
mkdir -p "$pkg/data/sample" "$pkg/data/secret" "$pkg/submissions/accepted/dirsol"
cat >"$pkg/problem.yaml" <<'X'
problem_format_version: 2023-07
name: Sum
limits:
  time_multipliers:
    ac_to_time_limit: 2
    time_limit_to_tle: 2
  time_resolution: 0.5
X
printf '1 2\n' >"$pkg/data/sample/1.in"
printf '3\n' >"$pkg/data/sample/1.ans"
for i in 1 2 3; do
	printf '%d %d\n' "$i" "$((i * 10))" >"$pkg/data/secret/$i.in"
	printf '%d\n' "$((i * 11))" >"$pkg/data/secret/$i.ans"
done
# accepted: a file, a directory with a header beside its main source,
# and one in no known language (left out, with a warning)
cat >"$pkg/submissions/accepted/sol.c" <<'X'
#include <stdio.h>
int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; printf("%ld\n", a + b); return 0; }
X
cat >"$pkg/submissions/accepted/dirsol/sum.h" <<'X'
static long sum(long a, long b) { return a + b; }
X
cat >"$pkg/submissions/accepted/dirsol/main.c" <<'X'
#include <stdio.h>
#include "sum.h"
int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; printf("%ld\n", sum(a, b)); return 0; }
X
printf 'not a program\n' >"$pkg/submissions/accepted/sol.nolang"

# submissions to judge: right, wrong (fast), and slow ones: the first
# word says how long to spin (CPU seconds) before a right answer, or
# forever (0 9); 3 30 is wrong after spinning
cat >"$TEST_TMP/right.c" <<'X'
#include <stdio.h>
int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; printf("%ld\n", a + b); return 0; }
X
cat >"$TEST_TMP/wrong.c" <<'X'
#include <stdio.h>
int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; fprintf(stderr, "adding %ld\n", a); printf("%ld\n", a + b + (a == 2)); return 0; }
X
cat >"$TEST_TMP/slow.c" <<'X'
#include <stdio.h>
#include <time.h>
int main(void)
{
	long a, b;
	if (scanf("%ld %ld", &a, &b) != 2)
		return 1;
	/* secret/2 spins 0.7 s, then answers right; secret/3 spins for
	 * ever; the others answer at once */
	if (a == 2)
		while (clock() < CLOCKS_PER_SEC * 7 / 10)
			;
	if (a == 3)
		for (;;)
			;
	printf("%ld\n", a + b);
	return 0;
}
X

# ---- the limit, computed ---------------------------------------------------
fjj "$TEST_TMP/right.c" "$pkg"
eq "computed: AC" "0 AC" "$rc $(j .verdict)"
eq "computed: the limit used is 2 x T_ac rounded up to 0.5 s" 500 "$(j .limits.time_ms)"
eq "computed: said in one line" 1 "$(limits_lines)"
check "computed: the line says the limit, the multiplier and which submission ($(cat "$TEST_TMP/err"))" \
	grep -qE "^forge: time limit 0\.5 s = 2 x [0-9.]+ s, the slowest accepted submission \(submissions/accepted/(sol\.c|dirsol), on (sample|secret)/[0-9]\), rounded up to a multiple of 0\.5 s$" "$TEST_TMP/err"
check "computed: not from the cache" sh -c "! grep -q 'earlier' '$TEST_TMP/err'"
check "computed: the submission in no known language is left out, said" \
	grep -qE "^forge: warning: left out, their language not available here: submissions/accepted/sol\.nolang \(unknown language" "$TEST_TMP/err"
eq "computed: kept in the cache" 1 "$(ncached)"

# ---- the second judge computes nothing -------------------------------------
fjj "$TEST_TMP/wrong.c" "$pkg"
eq "again: the same limit" "500 WA" "$(j .limits.time_ms) $(j .verdict)"
check "again: from the cache, said ($(cat "$TEST_TMP/err"))" \
	grep -qE "^forge: time limit 0\.5 s = .*; computed by an earlier judge$" "$TEST_TMP/err"
check "again: no submission judged, so no warning about one" sh -c "! grep -q 'left out' '$TEST_TMP/err'"
eq "again: nothing new in the cache" 1 "$(ncached)"

# ---- time_limit_to_tle: slow runs go on to 2 x the limit, still TLE -----
fjj "$TEST_TMP/slow.c" "$pkg"
eq "slow: TLE" "1 TLE" "$rc $(j .verdict)"
eq "slow: the quick tests pass" "sample/1:AC secret/1:AC" "$(j '[.tests[] | select(.verdict == "AC") | "\(.name):\(.verdict)"] | join(" ")')"
t2=$(j '.tests[] | select(.name == "secret/2") | .time_ms')
eq "slow: 0.7 s over the 0.5 s limit is TLE though its answer is right" TLE "$(j '.tests[] | select(.name == "secret/2") | .verdict')"
check "slow: its time is honest: between the limit and 2 x it (got $t2 ms)" test "$t2" -gt 600 -a "$t2" -lt 1000
check "slow: the detail says it ran over the limit" \
	grep -q "CPU time limit 0.5 s exceeded (ran" <<<"$(j '.tests[] | select(.name == "secret/2") | .detail')"
t3=$(j '.tests[] | select(.name == "secret/3") | .time_ms')
eq "slow: spinning for ever is TLE" TLE "$(j '.tests[] | select(.name == "secret/3") | .verdict')"
check "slow: stopped at 2 x the limit (got $t3 ms)" test "$t3" -ge 900
check "slow: the detail says where it was stopped" \
	grep -q "CPU time limit 0.5 s exceeded (stopped at" <<<"$(j '.tests[] | select(.name == "secret/3") | .detail')"
eq "slow: the reported limit is the package's" 500 "$(j .limits.time_ms)"

# ---- -t wins ----------------------------------------------------------------
fjj -t 3 "$TEST_TMP/right.c" "$pkg"
eq "-t: its limit" "3000 AC" "$(j .limits.time_ms) $(j .verdict)"
eq "-t: nothing computed, nothing said" 0 "$(limits_lines)"
fjj -t 0.5 --only secret/2 "$TEST_TMP/slow.c" "$pkg"
eq "-t: the sandbox stops at -t (no time_limit_to_tle)" TLE "$(j '.tests[0].verdict')"
check "-t: stopped at its limit ($(j '.tests[0].time_ms') ms)" test "$(j '.tests[0].time_ms')" -lt 690

# ---- a changed submission is computed again --------------------------------
printf '/* faster now */\n' >>"$pkg/submissions/accepted/sol.c"
fjj "$TEST_TMP/right.c" "$pkg"
eq "changed submission: AC at the same limit" "AC 500" "$(j .verdict) $(j .limits.time_ms)"
check "changed submission: computed again" sh -c "grep -q '^forge: time limit' '$TEST_TMP/err' && ! grep -q earlier '$TEST_TMP/err'"
eq "changed submission: a second entry in the cache" 2 "$(ncached)"

# ---- legacy: time_multiplier, whole seconds ---------------------------------
legacy=$TEST_TMP/legacy
mkdir -p "$legacy"
cp -r "$pkg/data" "$pkg/submissions" "$legacy/"
printf 'name: Sum\nlimits:\n  time_multiplier: 3\n' >"$legacy/problem.yaml"
fjj "$TEST_TMP/right.c" "$legacy"
eq "legacy: 3 x T_ac rounded up to whole seconds" "AC 1000" "$(j .verdict) $(j .limits.time_ms)"
check "legacy: said" grep -qE "^forge: time limit 1 s = 3 x .*multiple of 1 s$" "$TEST_TMP/err"

# ---- nothing to compute from: the default, said -----------------------------
none=$TEST_TMP/none
mkdir -p "$none"
cp -r "$pkg/data" "$pkg/problem.yaml" "$none/"
fjj "$TEST_TMP/right.c" "$none"
eq "no accepted submission: the default limit" "AC 2000" "$(j .verdict) $(j .limits.time_ms)"
check "no accepted submission: said" grep -q "has no accepted submission to compute it from; the default, 2 s" "$TEST_TMP/err"
mkdir -p "$none/submissions/accepted"
cp "$pkg/submissions/accepted/sol.nolang" "$none/submissions/accepted/"
fj "$TEST_TMP/right.c" "$none"
eq "no accepted submission that runs here: exit 2" 2 "$rc"
check "no accepted submission that runs here: said, with why" \
	grep -q "no accepted submission can run here to compute the time limit (.*sol.nolang (unknown language" "$TEST_TMP/err"

# ---- an accepted submission that is not: exit 2, named ---------------------
cp "$TEST_TMP/wrong.c" "$none/submissions/accepted/bad.c"
fj "$TEST_TMP/right.c" "$none"
eq "a wrong accepted submission: exit 2" 2 "$rc"
check "a wrong accepted submission: named, with its verdict and test ($(cat "$TEST_TMP/err"))" \
	grep -q "the accepted submission submissions/accepted/bad.c gets WA on test secret/2" "$TEST_TMP/err"
check "a wrong accepted submission: nothing judged" test ! -s "$TEST_TMP/out"

# ---- bad timing values: exit 2, the file and the key named -----------------
printf 'problem_format_version: 2023-07\nlimits:\n  time_multipliers:\n    ac_to_time_limit: 0.5\n' >"$none/problem.yaml"
fj "$TEST_TMP/right.c" "$none"
eq "ac_to_time_limit below 1: exit 2" 2 "$rc"
check "ac_to_time_limit below 1: file and key named" \
	grep -qF "$none/problem.yaml: limits.time_multipliers.ac_to_time_limit: '0.5' is not a number >= 1" "$TEST_TMP/err"
printf 'limits:\n  time_resolution: none\n' >"$none/problem.yaml"
fj "$TEST_TMP/right.c" "$none"
eq "a time_resolution that is no number: exit 2" 2 "$rc"
check "a time_resolution that is no number: named" grep -qF "problem.yaml: limits.time_resolution: 'none'" "$TEST_TMP/err"

# ---- judge --cached: the same form as a judge --------------------------------
fjj "$TEST_TMP/wrong.c" "$pkg"
cp "$TEST_TMP/last.json" "$TEST_TMP/live.json"
id=$(j .id)
fjj --cached "$TEST_TMP/wrong.c" "$pkg"
cp "$TEST_TMP/last.json" "$TEST_TMP/cached.json"
eq "--cached --json: cached, the judge's id, its exit status" "true $id 1" "$(j .cached) $(j .id) $rc"
eq "--cached --json: the same keys as a judge" \
	"$(jq -c keys_unsorted "$TEST_TMP/live.json")" "$(jq -c keys_unsorted "$TEST_TMP/cached.json")"
eq "--cached --json: each test with the same keys" \
	"$(jq -c '[.tests[] | keys_unsorted]' "$TEST_TMP/live.json")" "$(jq -c '[.tests[] | keys_unsorted]' "$TEST_TMP/cached.json")"
eq "--cached --json: the tests as judged (the history keeps no diff or stderr)" \
	"$(jq -c '[.tests[] | del(.diff, .stderr)]' "$TEST_TMP/live.json")" "$(jq -c '[.tests[] | del(.diff, .stderr)]' "$TEST_TMP/cached.json")"
eq "--cached --json: diff and stderr are null, not made up" "null null" \
	"$(jq -r '.tests[] | select(.verdict == "WA") | "\(.diff) \(.stderr)"' "$TEST_TMP/cached.json")"
eq "--cached --json: the summary as judged" \
	"$(jq -c 'del(.tests, .id, .cached, .build_cached)' "$TEST_TMP/live.json")" \
	"$(jq -c 'del(.tests, .id, .cached, .build_cached)' "$TEST_TMP/cached.json")"
fj "$TEST_TMP/wrong.c" "$pkg"
cp "$TEST_TMP/out" "$TEST_TMP/live.txt"
table >"$TEST_TMP/live.table"
fj --cached "$TEST_TMP/wrong.c" "$pkg"
eq "--cached: exit status of the verdict" 1 "$rc"
check "--cached: the table's header" grep -qE "^ +# +TEST +VERDICT +CPU +MEM$" "$TEST_TMP/out"
eq "--cached: the table, test by test" "$(cat "$TEST_TMP/live.table")" "$(table)"
check "--cached: the first failure" grep -qE "^first failure: secret/2 \(WA\)$" "$TEST_TMP/out"
check "--cached: the summary line of a judge, naming the cached run" \
	grep -qE "^forge: WA  3/4 tests passed  max cpu [0-9.]+s  max mem [0-9.]+[KM]  \[c, $TEST_BACKEND/[a-z0-9-]+, cached: run [0-9]+\]$" "$TEST_TMP/out"
check "--cached: a note that nothing ran" grep -q "from the history: nothing ran" "$TEST_TMP/out"
check "--cached: the live judge's summary has the same form" \
	grep -qE "^forge: WA  3/4 tests passed  max cpu [0-9.]+s  max mem [0-9.]+[KM]  \[c, $TEST_BACKEND/[a-z0-9-]+, build cached, id [0-9]+\]$" "$TEST_TMP/live.txt"
fj --cached -q "$TEST_TMP/wrong.c" "$pkg"
eq "--cached -q: only the summary" 1 "$(grep -c . "$TEST_TMP/out")"

finish
