#!/bin/bash
# forge serve's throughput against forge judge, in CPU as well as in
# runs per second, and optionally two builds side by side in one run.
#
# A round posts N trivial C runs (build cached) to POST /v1/runs?wait=60
# from 2 x WORKERS keep-alive clients (bench/serve-load.mjs), then judges
# the same program on N tests with forge judge -j WORKERS. Besides the
# rates it reads the CPU time each spent: the server's whole process
# tree (server, workers, their sandboxes) from /proc before and after
# the round, forge judge's from the shell's children times. On a loaded
# machine the rates swing with the other load; the CPU per job moves
# far less, and says where a job costs more than a judge's test. A
# second table splits a job's CPU between the server's own process (its
# HTTP threads), its workers' own, the sandboxes under them, and the
# load client, which shares the machine's cores with them.
#
# FORGE_BEFORE=/path/to/forge adds a second build: each round measures
# it and then this one, so both see the same load.
#
#   bench/serve-compare.sh [-j WORKERS] [-n REQUESTS] [-r ROUNDS]
#
# Exit status: 0 measured, 1 forge or the server failed, 2 the benchmark
# could not be set up.
set -euo pipefail
bench_name=serve-compare.sh
. "$(dirname "$0")/lib.sh"
workers=2
n=300
rounds=3
while getopts j:n:r: opt; do
	case $opt in
	j) workers=$OPTARG ;;
	n) n=$OPTARG ;;
	r) rounds=$OPTARG ;;
	*) die 2 "usage: $0 [-j WORKERS] [-n REQUESTS] [-r ROUNDS]" ;;
	esac
done
[[ $workers =~ ^[1-9][0-9]*$ && $n =~ ^[1-9][0-9]*$ && $rounds =~ ^[1-9][0-9]*$ ]] ||
	die 2 "usage: $0 [-j WORKERS] [-n REQUESTS] [-r ROUNDS]"
command -v node >/dev/null || die 2 "node is needed for the load client"
command -v jq >/dev/null || die 2 "jq is not installed"
builds=("$forge")
names=(this)
if [[ -n ${FORGE_BEFORE:-} ]]; then
	builds=("$FORGE_BEFORE" "$forge")
	names=(before this)
fi
for b in "${builds[@]}"; do
	[[ -x $(dirname "$b")/forge-serve ]] || die 2 "$b: forge-serve was not built"
done
wait_for_forge
tick=$(getconf CLK_TCK)
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

# the CPU ticks of a process and everything under it (the children it
# reaped included)
tree_ticks() {
	local c t
	t=$(awk '{ sub(/.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0)
	for c in $(pgrep -P "$1"); do
		t=$((t + $(tree_ticks "$c")))
	done
	echo "$t"
}

# a process's own CPU ticks, its children's apart
self_ticks() {
	awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
# the server's workers' own ticks (its children: one process each)
workers_ticks() {
	local c t=0
	for c in $(pgrep -P "$1"); do
		t=$((t + $(self_ticks "$c")))
	done
	echo "$t"
}

# one server per build, on ports of their own, histories apart
spids=()
urls=()
start_cpus=()
stop_all() {
	local p
	for p in "${spids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap stop_all EXIT
for i in "${!builds[@]}"; do
	b=${builds[$i]}
	"$b" run -q --no-history "$tmp/ok.c" >/dev/null || die 1 "$b run failed"
	: >"$tmp/serve-$i.log"
	"$b" serve --listen 127.0.0.1:0 -j "$workers" --queue 100000 \
		--db "$tmp/history-$i.db" >"$tmp/serve-$i.log" 2>&1 &
	spids+=($!)
	port=
	for ((t = 0; t < 100; t++)); do
		port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/serve-$i.log")
		[[ -n $port ]] && break
		sleep 0.1
	done
	[[ -n $port ]] || { cat "$tmp/serve-$i.log" >&2; die 1 "$b serve did not start"; }
	urls+=("http://127.0.0.1:$port/v1/runs?wait=60")
	# the load client's own start, taken off its CPU per request below
	start_cpus[$i]=$( (
		node "$here/serve-load.mjs" "${urls[$i]}" "$tmp/run.json" 1 1 >"$tmp/first"
		times
	) | awk 'END { split($1, u, /[ms]/); split($2, y, /[ms]/);
		print (u[1] * 60 + u[2] + y[1] * 60 + y[2]) }')
	jq -e '.codes["200"] == 1' "$tmp/first" >/dev/null ||
		die 1 "$b: the first run through the API failed"
	"$b" judge -q -j "$workers" --no-history "$tmp/ok.c" "$tmp/tests" >/dev/null ||
		die 1 "$b judge failed"
done

for i in "${!builds[@]}"; do
	for f in api apicpu judge judgecpu http worker sandbox client; do
		: >"$tmp/$f-$i"
	done
done
for ((r = 0; r < rounds; r++)); do
	for i in "${!builds[@]}"; do
		b=${builds[$i]}
		t0=$(tree_ticks "${spids[$i]}")
		h0=$(self_ticks "${spids[$i]}")
		w0=$(workers_ticks "${spids[$i]}")
		# the load client's CPU too: the shell's children times
		ccpu=$( (
			node "$here/serve-load.mjs" "${urls[$i]}" "$tmp/run.json" \
				$((2 * workers)) "$n" >"$tmp/last"
			times
		) | awk 'END { split($1, u, /[ms]/); split($2, y, /[ms]/);
			print (u[1] * 60 + u[2] + y[1] * 60 + y[2]) }')
		t1=$(tree_ticks "${spids[$i]}")
		h1=$(self_ticks "${spids[$i]}")
		w1=$(workers_ticks "${spids[$i]}")
		[[ $(jq -r '.codes["200"]' "$tmp/last") == "$n" ]] ||
			die 1 "${names[$i]}: a round failed: $(cat "$tmp/last")"
		jq -r .per_s "$tmp/last" >>"$tmp/api-$i"
		echo "($t1 - $t0) * 1000 / $tick / $n" | bc -l >>"$tmp/apicpu-$i"
		echo "($h1 - $h0) * 1000 / $tick / $n" | bc -l >>"$tmp/http-$i"
		echo "($w1 - $w0) * 1000 / $tick / $n" | bc -l >>"$tmp/worker-$i"
		echo "($t1 - $t0 - ($h1 - $h0) - ($w1 - $w0)) * 1000 / $tick / $n" |
			bc -l >>"$tmp/sandbox-$i"
		echo "($ccpu - ${start_cpus[$i]}) * 1000 / $((n > 1 ? n - 1 : 1))" |
			bc -l >>"$tmp/client-$i"
		# the subshell's children times: forge judge's CPU, all of it
		s=$(now)
		cpu=$( (
			"$b" judge -q -j "$workers" --no-history "$tmp/ok.c" "$tmp/tests" >/dev/null
			times
		) | awk 'END { split($1, u, /[ms]/); split($2, y, /[ms]/);
			print (u[1] * 60 + u[2] + y[1] * 60 + y[2]) }')
		e=$(now)
		echo "$n / ($e - $s)" | bc -l >>"$tmp/judge-$i"
		echo "$cpu * 1000 / $n" | bc -l >>"$tmp/judgecpu-$i"
	done
done

printf 'forge serve against forge judge (%d workers, %d cores, %d requests a round, median of %d rounds, load average %s)\n' \
	"$workers" "$(nproc)" "$n" "$rounds" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %12s %12s %8s %14s %14s %8s\n' build "API runs/s" "judge t/s" ratio \
	"API CPU/job" "judge CPU/test" ratio
for i in "${!builds[@]}"; do
	api=$(median <"$tmp/api-$i")
	judge=$(median <"$tmp/judge-$i")
	ac=$(median <"$tmp/apicpu-$i")
	jc=$(median <"$tmp/judgecpu-$i")
	printf '%-8s %12.0f %12.0f %7.2fx %11.2f ms %11.2f ms %7.2fx\n' "${names[$i]}" \
		"$api" "$judge" "$(echo "$api / $judge" | bc -l)" "$ac" "$jc" \
		"$(echo "$ac / $jc" | bc -l)"
done

# where a job's CPU goes: the server's own process (its HTTP threads),
# its workers' own (queue, events, history, the sandbox's keeper), the
# sandboxes under them (holders, inits, programs), and the load client,
# which shares the cores with them
printf '\nCPU per job through the API, ms (medians of %d rounds)\n' "$rounds"
printf '%-8s %10s %10s %10s %10s %10s\n' build "HTTP side" workers sandboxes \
	"server" "client"
# (the client's: less the CPU of its own start, one request's run)
for i in "${!builds[@]}"; do
	printf '%-8s %10.2f %10.2f %10.2f %10.2f %10.2f\n' "${names[$i]}" \
		"$(median <"$tmp/http-$i")" "$(median <"$tmp/worker-$i")" \
		"$(median <"$tmp/sandbox-$i")" "$(median <"$tmp/apicpu-$i")" \
		"$(median <"$tmp/client-$i")"
done
