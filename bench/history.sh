#!/bin/bash
# bench/history.sh: what the SQLite history costs.
#
#   1. recording: N `forge run` of a hello world whose build is cached,
#      with the history (into a new database, and into one of 100,000
#      runs) and with --no-history, interleaved; the median round of
#      each, the difference (the cost of recording one run) and the
#      ratio (relative to the run itself);
#   2. reading a history of 100,000 runs (generated with sqlite3, rows
#      like forge writes: sources, outputs, limits, judges' tests, usage
#      samples, output timelines): `forge history` (-n 50, the default),
#      `forge history -n 100000` (and --json) to /dev/null,
#      `forge history --lang c --verdict WA` (-n 50, and all of them),
#      `forge show`, and a cache hit of `forge run --cached`; each the
#      median of the rounds.
#
#   bench/history.sh [-n RUNS] [-r ROUNDS] [-s SIZE]
#
#   -n RUNS    forge runs per round for the recording figures (default 100)
#   -r ROUNDS  rounds; the median is shown (default 5)
#   -s SIZE    runs in the generated history (default 100000)
#
# FORGE=/path/to/forge picks the binary (default: the one in the tree).
# Not a test: it prints figures. Exit status: 0 measured, 1 forge failed,
# 2 the benchmark could not be set up.
set -euo pipefail
export LC_ALL=C

runs=100
rounds=5
size=100000
usage() {
	echo "usage: $0 [-n RUNS] [-r ROUNDS] [-s SIZE]" >&2
	exit "${1:-2}"
}
while getopts n:r:s:h opt; do
	case $opt in
	n) runs=$OPTARG ;;
	r) rounds=$OPTARG ;;
	s) size=$OPTARG ;;
	h) usage 0 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -eq 0 ]] || usage
[[ $runs =~ ^[1-9][0-9]*$ && $rounds =~ ^[1-9][0-9]*$ && $size =~ ^[1-9][0-9]*$ ]] || usage

bench_name="history bench"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v sqlite3 >/dev/null || die 2 "the sqlite3 command-line tool is missing"
export XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config
unset FORGE_HISTORY FORGE_HISTORY_CAP

now_ns() { date +%s%N; }
# timed REPS CMD...: the mean milliseconds of one CMD (stdout, stderr and
# stdin /dev/null), over REPS in a row; a failure stops the benchmark
timed() {
	local reps=$1 i t0 t1
	shift
	t0=$(now_ns)
	for ((i = 0; i < reps; i++)); do
		"$@" </dev/null >/dev/null 2>"$tmp/last.err" || {
			sed 's/^/  /' "$tmp/last.err" >&2
			die 1 "failed: $*"
		}
	done
	t1=$(now_ns)
	awk -v a="$t0" -v b="$t1" -v n="$reps" 'BEGIN { printf "%.3f\n", (b - a) / n / 1e6 }'
}
median() {
	sort -g "$1" | awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'
}

# --- the program ---------------------------------------------------------
cat >"$tmp/hello.c" <<'EOF'
#include <stdio.h>

int main(void)
{
	puts("hello");
	return 0;
}
EOF
wait_for_forge
forge_version=$("$forge" --version 2>&1 | head -n1)
out=$("$forge" run --no-history "$tmp/hello.c" </dev/null 2>"$tmp/warm.err") ||
	{ sed 's/^/  /' "$tmp/warm.err" >&2; die 1 "forge run of a hello world failed"; }
[[ $out == hello ]] || die 1 "forge ran the hello world but it printed '$out'"

# --- a history of $size runs ------------------------------------------------
big=$tmp/big.db
# forge makes the schema (and its application_id and user_version) ...
"$forge" run -q --db "$big" "$tmp/hello.c" </dev/null >/dev/null 2>&1 ||
	die 1 "forge could not record into $big"
toolchain=$(sqlite3 "$big" 'SELECT toolchain FROM runs WHERE id = 1')
sqlite3 "$big" 'DELETE FROM output_chunks; DELETE FROM samples; DELETE FROM tests; DELETE FROM runs'
# ... and sqlite3 fills it: over the last 90 days, 8 languages, the usual
# verdicts, a judge (with 5 tests) for every AC and WA, sources of 200 to
# 1,200 bytes, outputs of up to 300, two usage samples and one output
# chunk per run (the same rows every time: no random() where it matters)
t0=$(now_ns)
sqlite3 "$big" >/dev/null <<EOF || die 2 "generating the history failed"
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE langs (i INTEGER PRIMARY KEY, id TEXT, ext TEXT);
INSERT INTO langs VALUES (0, 'c', 'c'), (1, 'cpp', 'cpp'), (2, 'python3', 'py'),
  (3, 'java', 'java'), (4, 'bash', 'sh'), (5, 'javascript', 'js'),
  (6, 'go', 'go'), (7, 'rust', 'rs');
CREATE TEMP TABLE verdicts (lo INTEGER, hi INTEGER, v TEXT, kind TEXT);
INSERT INTO verdicts VALUES (0, 40, 'OK', 'run'), (40, 55, 'AC', 'judge'),
  (55, 75, 'WA', 'judge'), (75, 83, 'TLE', 'run'), (83, 91, 'RE', 'run'),
  (91, 96, 'CE', 'run'), (96, 100, 'MLE', 'run');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $size),
g AS (SELECT i, ((i * 40503) % 65536) % 8 AS l,
             ((i * 2654435761) % 4294967296) % 100 AS p,
             200 + (i * 7477) % 1000 AS srclen, (i * 131) % 300 AS outlen
      FROM n)
INSERT INTO runs (id, created, kind, file, language, toolchain, source,
  source_hash, stdin, stdin_truncated, limits, backend, enforced_by,
  verdict, detail, exit_code, signal, syscall, time_ms, wall_ms, memory_kb,
  stdout, stdout_truncated, stderr, stderr_truncated, compile_output,
  compile_truncated, testset, replay_of)
SELECT g.i,
  strftime('%s', 'now') - 90 * 86400 + g.i * (90.0 * 86400 / $size),
  v.kind,
  '/home/student/problems/p' || (g.i % 300) || '/solution' || (g.i % 7) || '.' || langs.ext,
  langs.id, '$toolchain',
  CAST(substr(replace(hex(zeroblob(g.srclen)), '00', 'int x; '), 1, g.srclen) AS BLOB),
  lower(hex(randomblob(32))),
  CAST(substr('1 2 3 4 5 6 7 8 9 10' || char(10), 1, g.i % 21) AS BLOB), 0,
  '{"time_ms":2000,"wall_ms":10000,"memory_kb":262144,"pids":64,"output_kb":65536,"fsize_kb":65536,"net":false}',
  'ns', 'cgroup-v2', v.v,
  CASE v.v WHEN 'TLE' THEN 'CPU time limit exceeded (2.000 s)'
           WHEN 'RE' THEN 'killed by SIGSEGV' WHEN 'WA' THEN 'wrong answer'
           WHEN 'MLE' THEN 'memory limit exceeded (256M)' ELSE '' END,
  CASE WHEN v.v IN ('OK', 'AC', 'WA') THEN 0 WHEN v.v = 'RE' THEN NULL ELSE 1 END,
  CASE WHEN v.v = 'RE' THEN 'SIGSEGV' END, NULL,
  abs(random()) % 2000, abs(random()) % 3000, 1000 + abs(random()) % 200000,
  CAST(substr(replace(hex(zeroblob(g.outlen)), '00', '42 '), 1, g.outlen) AS BLOB), 0,
  CAST('' AS BLOB), 0,
  CASE WHEN v.v = 'CE' THEN CAST('solution.c:1:1: error: expected declaration' AS BLOB)
       ELSE CAST('' AS BLOB) END, 0,
  CASE WHEN v.kind = 'judge' THEN '/home/student/problems/p' || (g.i % 300) || '/tests#' || substr(lower(hex(randomblob(8))), 1, 16) END,
  NULL
FROM g JOIN langs ON langs.i = g.l JOIN verdicts v ON g.p >= v.lo AND g.p < v.hi;
WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 4)
INSERT INTO tests (run_id, idx, name, verdict, time_ms, wall_ms, memory_kb, exit_code, signal, detail)
SELECT runs.id, k.j, 'test' || (k.j + 1),
  CASE WHEN runs.verdict = 'WA' AND k.j = 2 THEN 'WA' ELSE 'AC' END,
  abs(random()) % 500, abs(random()) % 800, 1000 + abs(random()) % 50000, 0, NULL,
  CASE WHEN runs.verdict = 'WA' AND k.j = 2 THEN 'wrong answer' ELSE '' END
FROM runs, k WHERE runs.kind = 'judge';
INSERT INTO samples (run_id, seq, t_ms, cpu_ms, memory_kb, pids)
SELECT id, 0, 100, 90, memory_kb / 2, 1 FROM runs;
INSERT INTO samples (run_id, seq, t_ms, cpu_ms, memory_kb, pids)
SELECT id, 1, 200, 180, memory_kb, 1 FROM runs;
INSERT INTO output_chunks (run_id, seq, t_ms, stream, data)
SELECT id, 0, 5, 1, stdout FROM runs WHERE length(stdout) > 0;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
EOF
t1=$(now_ns)
gen_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
count=$(sqlite3 "$big" 'SELECT count(*) FROM runs')
[[ $count == "$size" ]] || die 2 "generated $count runs, not $size"
db_mb=$(awk -v b="$(stat -c %s "$big")" 'BEGIN { printf "%.0f", b / 1048576 }')
"$forge" history --db "$big" -n 1 >/dev/null 2>"$tmp/check.err" ||
	{ sed 's/^/  /' "$tmp/check.err" >&2; die 1 "forge does not accept the generated database"; }
wa_c=$(sqlite3 "$big" "SELECT count(*) FROM runs WHERE language = 'c' AND verdict = 'WA'")
mid=$((size / 2))
# a cache hit: a real run of hello.c recorded at the end of the big history
"$forge" run -q --db "$big" "$tmp/hello.c" </dev/null >/dev/null 2>&1 || die 1 "forge run into $big failed"
"$forge" run --cached --db "$big" "$tmp/hello.c" </dev/null 2>"$tmp/hit.err" >/dev/null || die 1 "forge run --cached failed"
grep -q "cached: run $((size + 1))\]" "$tmp/hit.err" || die 1 "forge run --cached is not a cache hit: $(cat "$tmp/hit.err")"
cp "$big" "$tmp/big-ins.db"

# --- measure ---------------------------------------------------------------
fresh=$tmp/fresh.db
for f in with big_ins without h50 h100k h100kjson hfilter hfilterall show cached; do : >"$tmp/$f"; done
for ((r = 0; r < rounds; r++)); do
	wait_for_forge
	timed "$runs" "$forge" run -q --no-history "$tmp/hello.c" >>"$tmp/without"
	timed "$runs" "$forge" run -q --db "$fresh" "$tmp/hello.c" >>"$tmp/with"
	timed "$runs" "$forge" run -q --db "$tmp/big-ins.db" "$tmp/hello.c" >>"$tmp/big_ins"
	timed 10 "$forge" history --db "$big" >>"$tmp/h50"
	timed 1 "$forge" history --db "$big" -n 100000 >>"$tmp/h100k"
	timed 1 "$forge" history --db "$big" -n 100000 --json >>"$tmp/h100kjson"
	timed 10 "$forge" history --db "$big" --lang c --verdict WA >>"$tmp/hfilter"
	timed 3 "$forge" history --db "$big" --lang c --verdict WA -n 100000 >>"$tmp/hfilterall"
	timed 10 "$forge" show --db "$big" --json "$mid" >>"$tmp/show"
	timed 10 "$forge" run -q --cached --db "$big" "$tmp/hello.c" >>"$tmp/cached"
done
recorded=$(sqlite3 "$fresh" 'SELECT count(*) FROM runs')
[[ $recorded == $((runs * rounds)) ]] || die 1 "$recorded runs recorded in $fresh, not $((runs * rounds))"

# --- report ----------------------------------------------------------------
read -r m_without lo_without hi_without < <(median "$tmp/without")
read -r m_with lo_with hi_with < <(median "$tmp/with")
read -r m_big lo_big hi_big < <(median "$tmp/big_ins")
row() { # row LABEL FILE
	local m lo hi
	read -r m lo hi < <(median "$2")
	printf '%-46s %9.2f ms  (rounds %.2f-%.2f)\n' "$1" "$m" "$lo" "$hi"
}
printf 'forge history benchmark: %s\n' "$forge_version"
printf '%s cores, %s %s, SQLite %s; medians of %d rounds\n' "$(nproc)" "$(uname -s)" "$(uname -r)" \
	"$(sqlite3 --version | cut -d' ' -f1)" "$rounds"
printf 'generated history: %d runs (%d judges with 5 tests each, %d C WA), %s MB, made in %ss\n' \
	"$size" "$(sqlite3 "$big" "SELECT count(*) FROM runs WHERE kind = 'judge'")" "$wa_c" "$db_mb" "$gen_s"
echo
printf 'recording (%d runs of a cached C hello world per round):\n' "$runs"
row "forge run --no-history" "$tmp/without"
row "forge run, recorded (new database)" "$tmp/with"
row "forge run, recorded ($size-run database)" "$tmp/big_ins"
awk -v w="$m_with" -v o="$m_without" -v b="$m_big" 'BEGIN {
	printf "%-46s %9.2f ms  (%+.0f%% of the run)\n", "cost of recording one run (new database)", w - o, (w - o) / o * 100
	printf "%-46s %9.2f ms  (%+.0f%% of the run)\n", "cost of recording one run (big database)", b - o, (b - o) / o * 100
	printf "%-46s %9.2fx\n", "recorded / --no-history", w / o
}'
echo
printf 'reading the %d-run history:\n' "$size"
row "forge history (-n 50)" "$tmp/h50"
row "forge history -n 100000 >/dev/null" "$tmp/h100k"
row "forge history -n 100000 --json >/dev/null" "$tmp/h100kjson"
row "forge history --lang c --verdict WA" "$tmp/hfilter"
row "forge history --lang c --verdict WA -n 100000" "$tmp/hfilterall"
row "forge show --json (one run)" "$tmp/show"
row "forge run --cached (a hit)" "$tmp/cached"
echo
echo "reproduce: FORGE=$forge $0 -n $runs -r $rounds -s $size"
