#!/bin/bash
# forge serve measured side by side with forge itself, in one run:
#   (a) throughput of a trivial C program through POST /v1/runs?wait
#       (keep-alive, several clients) against forge judge -j N on as
#       many tests of the same program, N the server's workers;
#   (b) latency P50/P99 of POST /v1/runs?wait at 1, 10 and 100
#       concurrent clients;
#   (c) 1000 concurrent connections, one request each: every one
#       answered (a result, or 429/503 with Retry-After), none lost,
#       and the server's memory before and after;
#   (d) the per-request overhead against a bare forge run of the same
#       program, one at a time.
# Each figure is the median of several rounds. The load client is
# bench/serve-load.mjs (Node).
#
# usage: bench/serve.sh [-j WORKERS] [-n REQUESTS] [-r ROUNDS]
set -euo pipefail
bench_name=serve.sh
. "$(dirname "$0")/lib.sh"
workers=$(nproc)
n=200
rounds=3
while getopts j:n:r: opt; do
	case $opt in
	j) workers=$OPTARG ;;
	n) n=$OPTARG ;;
	r) rounds=$OPTARG ;;
	*) die 2 "usage: $0 [-j WORKERS] [-n REQUESTS] [-r ROUNDS]" ;;
	esac
done
command -v node >/dev/null || die 2 "node is needed for the load client"
[ -x "$(dirname "$forge")/forge-serve" ] || die 2 "forge-serve was not built"
wait_for_forge
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
load="node $here/serve-load.mjs"
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }

cat >"$tmp/ok.c" <<'C'
#include <stdio.h>
int main(void) { puts("ok"); return 0; }
C
jq -n --rawfile s "$tmp/ok.c" '{language: "c", source: $s}' >"$tmp/run.json"
mkdir -p "$tmp/tests"
for i in $(seq "$n"); do
	: >"$tmp/tests/$i.in"
	echo ok >"$tmp/tests/$i.ans"
done

# the server, on a port of its own, its history in $tmp
: >"$tmp/serve.log" # there before the first look for the port
"$forge" serve --listen 127.0.0.1:0 -j "$workers" --queue 100000 \
	--db "$tmp/history.db" >"$tmp/serve.log" 2>&1 &
spid=$!
trap 'kill -TERM $spid 2>/dev/null; wait $spid 2>/dev/null; rm -rf "$tmp"' EXIT
for i in $(seq 100); do
	port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/serve.log")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "${port:-}" ] || { cat "$tmp/serve.log" >&2; die 1 "forge serve did not start"; }
url="http://127.0.0.1:$port/v1/runs?wait=60"
pid=$(pgrep -f "forge-serve serve --listen 127.0.0.1:0 -j $workers --queue 100000 --db $tmp/history.db" | head -1)
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }
# the first request compiles; the others find the build
$load "$url" "$tmp/run.json" 1 1 | jq -e '.codes["200"] == 1' >/dev/null ||
	die 1 "the first run through the API failed"
"$forge" judge -q -j "$workers" --no-history "$tmp/ok.c" "$tmp/tests" >/dev/null ||
	die 1 "forge judge failed"

field() { jq -r "$1" "$tmp/last"; }
: >"$tmp/api"
: >"$tmp/judge"
for ((r = 0; r < rounds; r++)); do
	$load "$url" "$tmp/run.json" $((2 * workers)) "$n" >"$tmp/last"
	[ "$(field '.codes["200"]')" = "$n" ] || die 1 "throughput round: $(cat "$tmp/last")"
	field .per_s >>"$tmp/api"
	s=$(now)
	"$forge" judge -q -j "$workers" --no-history "$tmp/ok.c" "$tmp/tests" >/dev/null
	e=$(now)
	echo "$n / ($e - $s)" | bc -l >>"$tmp/judge"
done
api=$(median <"$tmp/api")
judge=$(median <"$tmp/judge")

# latency at 1, 10, 100 clients
declare -A p50 p99
for c in 1 10 100; do
	: >"$tmp/p50"
	: >"$tmp/p99"
	total=$((c < 50 ? 50 : 2 * c))
	for ((r = 0; r < rounds; r++)); do
		$load "$url" "$tmp/run.json" "$c" "$total" >"$tmp/last"
		field .p50_ms >>"$tmp/p50"
		field .p99_ms >>"$tmp/p99"
	done
	p50[$c]=$(median <"$tmp/p50")
	p99[$c]=$(median <"$tmp/p99")
done

# 1000 connections at once, one request each
rss_before=$(rss)
$load "$url" "$tmp/run.json" 1000 1000 >"$tmp/many"
rss_after=$(rss)
many() { jq -r "$1" "$tmp/many"; }

# the overhead: one request at a time against a bare forge run
: >"$tmp/bare"
for i in $(seq 20); do
	s=$(now)
	"$forge" run -q --no-history "$tmp/ok.c" >/dev/null
	e=$(now)
	echo "($e - $s) * 1000" | bc -l >>"$tmp/bare"
done
bare=$(median <"$tmp/bare")
: >"$tmp/one"
for ((r = 0; r < rounds; r++)); do
	$load "$url" "$tmp/run.json" 1 20 >"$tmp/last"
	field .p50_ms >>"$tmp/one"
done
one=$(median <"$tmp/one")

printf 'forge serve (%d workers, %d cores, %d requests a round, median of %d rounds)\n' \
	"$workers" "$(nproc)" "$n" "$rounds"
printf '  API, %2d keep-alive clients   %7.0f runs/s\n' $((2 * workers)) "$api"
printf '  forge judge -j %-2d             %7.0f tests/s\n' "$workers" "$judge"
printf '  API / judge                   %7.2fx  (goal >= 0.9x)\n' "$(echo "$api / $judge" | bc -l)"
for c in 1 10 100; do
	printf '  latency, %3d clients          P50 %6.1f ms  P99 %6.1f ms\n' "$c" "${p50[$c]}" "${p99[$c]}"
done
printf '  1000 connections at once      %s answered, %s refused with Retry-After, %s lost\n' \
	"$(many '.codes["200"] // 0')" "$(many '((.codes["429"] // 0) + (.codes["503"] // 0)) - .no_retry_after')" \
	"$(many '.lost + .no_retry_after')"
printf '                                P50 %.0f ms, P99 %.0f ms, all in %.1f s\n' \
	"$(many .p50_ms)" "$(many .p99_ms)" "$(many .seconds)"
printf '  server RSS                    %d KiB before, %d KiB after\n' "$rss_before" "$rss_after"
printf '  forge run, bare               %7.1f ms\n' "$bare"
printf '  API, one at a time            %7.1f ms  (overhead %+.1f ms)\n' "$one" "$(echo "$one - $bare" | bc -l)"
