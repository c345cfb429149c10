#!/bin/bash
# Limits from files are untrusted input: a competitive-companion file, a
# Kattis problem.yaml, an exported run or an option someone pastes must
# not switch a limit off. Out-of-range numbers (too large, NaN, infinite,
# negative) are refused with exit 2 and a message that names the file,
# the key and the allowed range; a program under limits a file set gets
# TLE at those limits. Each judge runs under timeout(1), so a limit that
# was switched off fails the test instead of hanging it.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang c

loop=$(write loop.c <<'X'
int main(void) { volatile unsigned long n = 0; for (;;) n++; }
X
)

# judge_rc NAME TESTS: forge judge --json of the loop on TESTS, stopped
# after 60 s; the JSON in $TEST_TMP/NAME.result, stderr in NAME.err, the
# exit status in $rc (124: it had to be stopped)
judge_rc() {
	rc=0
	timeout -k 5 60 "$FORGE" judge --json --no-history "$loop" "$2" \
		>"$TEST_TMP/$1.result" 2>"$TEST_TMP/$1.err" || rc=$?
}

# refused NAME TESTS MESSAGE...: exit 2, every MESSAGE on stderr, no verdict
refused() {
	local name=$1 tests=$2
	shift 2
	judge_rc "$name" "$tests"
	eq "$name: refused with exit 2 (not run, not stopped)" 2 "$rc"
	for m in "$@"; do
		check "$name: the message has '$m' ($(head -c 300 "$TEST_TMP/$name.err"))" \
			grep -qF -- "$m" "$TEST_TMP/$name.err"
	done
	check "$name: no verdict printed" test ! -s "$TEST_TMP/$name.result"
}

# ---- competitive-companion: timeLimit and memoryLimit ----------------------
companion() {
	write "$1.json" <<X
{"name": "$1", "tests": [{"input": "", "output": ""}], $2}
X
}
# control: a sane limit is kept, and the loop stops there with TLE
judge_rc companion-ok "$(companion companion-ok '"timeLimit": 500, "memoryLimit": 64')"
eq "companion, timeLimit 500: judged (exit 1)" 1 "$rc"
eq "companion, timeLimit 500: TLE" TLE "$(jq -r '.tests[0].verdict' "$TEST_TMP/companion-ok.result")"
eq "companion, timeLimit 500: the limit in force" "500 67108864" \
	"$(jq -r '"\(.limits.time_ms) \(.limits.memory_kb * 1024)"' "$TEST_TMP/companion-ok.result")"

f=$(companion big-time '"timeLimit": 1e19')
refused "companion, timeLimit 1e19" "$f" "$f" '"timeLimit"' "from 1 ms to 1 day"
f=$(companion huge-time '"timeLimit": 1e300')
refused "companion, timeLimit 1e300" "$f" '"timeLimit"' "too large"
f=$(companion neg-time '"timeLimit": -1000')
refused "companion, timeLimit -1000" "$f" '"timeLimit"' "negative"
f=$(companion day-time '"timeLimit": 86400001')
refused "companion, timeLimit a day and 1 ms" "$f" '"timeLimit"' "1 day"
f=$(companion huge-mem '"memoryLimit": 1e300')
refused "companion, memoryLimit 1e300" "$f" '"memoryLimit"' "from 1 byte to 1T"

# ---- Kattis problem.yaml -----------------------------------------------------
kattis() {
	local d=$TEST_TMP/$1
	mkdir -p "$d/data/secret"
	: >"$d/data/secret/1.in"
	: >"$d/data/secret/1.ans"
	printf '%s\n' "$2" >"$d/problem.yaml"
	echo "$d"
}
# control: time_limit_to_tle 2 lets the loop run to 2 s, still TLE
d=$(kattis tle-ok 'problem_format_version: 2023-07
limits:
  time_limit: 1
  time_multipliers:
    time_limit_to_tle: 2')
judge_rc kattis-ok "$d"
eq "kattis, time_limit_to_tle 2: judged (exit 1)" 1 "$rc"
eq "kattis, time_limit_to_tle 2: TLE" TLE "$(jq -r '.tests[0].verdict' "$TEST_TMP/kattis-ok.result")"

d=$(kattis tle-big 'problem_format_version: 2023-07
limits:
  time_limit: 1
  time_multipliers:
    time_limit_to_tle: 1e13')
refused "kattis, time_limit_to_tle 1e13" "$d" "$d/problem.yaml" \
	"limits.time_multipliers.time_limit_to_tle" "<= 100"
d=$(kattis tle-huge 'problem_format_version: 2023-07
limits:
  time_limit: 1
  time_multipliers:
    time_limit_to_tle: 1e300')
refused "kattis, time_limit_to_tle 1e300" "$d" "limits.time_multipliers.time_limit_to_tle"
d=$(kattis tle-nan 'problem_format_version: 2023-07
limits:
  time_limit: 1
  time_multipliers:
    time_limit_to_tle: nan')
refused "kattis, time_limit_to_tle nan" "$d" "limits.time_multipliers.time_limit_to_tle"
d=$(kattis legacy-margin 'limits:
  time_limit: 1
  time_safety_margin: 1e13')
refused "kattis, legacy time_safety_margin 1e13" "$d" "limits.time_safety_margin"
d=$(kattis ac-big 'limits:
  time_multipliers:
    ac_to_time_limit: 1e300')
refused "kattis, ac_to_time_limit 1e300" "$d" "limits.time_multipliers.ac_to_time_limit"
d=$(kattis res-big 'limits:
  time_resolution: 1e300')
refused "kattis, time_resolution 1e300" "$d" "limits.time_resolution"
d=$(kattis tl-big 'limits:
  time_limit: 1e13')
refused "kattis, time_limit 1e13" "$d" "limits.time_limit" "from 1 ms to 1 day"
for m in nan inf -inf 1e300 -5; do
	d=$(kattis "mem-$m" "limits:
  time_limit: 1
  memory: $m")
	refused "kattis, limits.memory $m" "$d" "$d/problem.yaml" "limits.memory"
done
d=$(kattis timelimit-file '')
echo 1e13 >"$d/.timelimit"
refused "kattis, .timelimit 1e13" "$d" "$d/.timelimit" "1 day"

# ---- options -------------------------------------------------------------
opt() {
	local what=$1 msg=$2 rc=0
	shift 2
	timeout -k 5 60 "$FORGE" run --no-history "$@" "$loop" \
		>"$TEST_TMP/opt.out" 2>"$TEST_TMP/opt.err" || rc=$?
	eq "$what: exit 2" 2 "$rc"
	check "$what: says '$msg' ($(head -c 300 "$TEST_TMP/opt.err"))" \
		grep -qF -- "$msg" "$TEST_TMP/opt.err"
}
opt "-t 90000 (over a day of CPU)" "from 1 ms to 1 day" -t 90000
opt "--wall 8000000 (over a week)" "from 1 ms to 1 week" --wall 8000000
opt "-m 2T (over 1T)" "from 1 byte to 1T" -m 2T
opt "--output 1e300M" "too large" --output 1e300M

# ---- forge import: "created" --------------------------------------------
db=$TEST_TMP/import.db
for t in 1e300 1e19 -1; do
	rc=0
	printf '{"format": "forge-run", "version": 1, "created": %s}\n' "$t" |
		"$FORGE" import --db "$db" - >"$TEST_TMP/imp.out" 2>"$TEST_TMP/imp.err" || rc=$?
	eq "import, created $t: exit 2" 2 "$rc"
	check "import, created $t: says why ($(head -c 200 "$TEST_TMP/imp.err"))" \
		grep -qF '"created" must be a time' "$TEST_TMP/imp.err"
done

finish
