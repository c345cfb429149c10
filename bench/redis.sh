#!/bin/bash
# The Redis queue against the single-process server, side by side in one
# run, on this machine:
#   throughput: N trivial jobs (one C program, its build cached) through
#     forge serve -j W (the SQLite queue, the workers its own processes) and
#     through forge serve --queue redis:// with forge worker -j W, for
#     W = 1, 2, 3; jobs a second, and the ratio redis / single process;
#   latency: M jobs one at a time with ?wait=, -j 1 each way; the median
#     time from POST to result, and what the Redis hop adds, with Redis
#     writing its append-only file before each answer (appendfsync always,
#     what survives a crash) and once a second (everysec).
# Each figure is the median of ROUNDS rounds.
#
# usage: bench/redis.sh [-n JOBS] [-m LATENCY_JOBS] [-r ROUNDS]
set -euo pipefail
bench_name=redis
. "$(dirname "$0")/lib.sh"

n=300
m=50
rounds=3
while getopts n:m:r: opt; do
	case $opt in
	n) n=$OPTARG ;;
	m) m=$OPTARG ;;
	r) rounds=$OPTARG ;;
	*) die 2 "usage: $0 [-n JOBS] [-m LATENCY_JOBS] [-r ROUNDS]" ;;
	esac
done
command -v redis-server >/dev/null || die 2 "redis-server is not installed"
command -v python3 >/dev/null || die 2 "python3 is not installed"
wait_for_forge

pids=()
stop_all() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
}
redis_pid=""
trap 'stop_all; [ -z "$redis_pid" ] || kill "$redis_pid" 2>/dev/null || true
rm -rf "$tmp"' EXIT

rport=$((20000 + RANDOM % 30000))
mkdir -p "$tmp/redis"
redis-server --port "$rport" --bind 127.0.0.1 --dir "$tmp/redis" \
	--appendonly yes --appendfsync always --save "" >/dev/null &
redis_pid=$!
for _ in $(seq 100); do
	[ "$(redis-cli -p "$rport" ping 2>/dev/null)" = PONG ] && break
	sleep 0.1
done
[ "$(redis-cli -p "$rport" ping 2>/dev/null)" = PONG ] ||
	die 1 "redis-server did not start on port $rport"
queue="redis://127.0.0.1:$rport"

cat >"$tmp/sq.c" <<'EOF'
#include <stdio.h>
int main(void)
{
	long n;
	if (scanf("%ld", &n) != 1)
		return 1;
	printf("%ld\n", n * n);
	return 0;
}
EOF

# client.py PORT throughput N | latency M: jobs a second, or the median
# milliseconds from POST ?wait= to its result
cat >"$tmp/client.py" <<'EOF'
import http.client, json, statistics, sys, time
port, mode, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
src = open(sys.argv[4]).read()
c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
def call(method, path, body=None):
    c.request(method, path, body)
    r = c.getresponse()
    return r.status, json.loads(r.read())
def job(n):
    return json.dumps({"language": "c", "source": src, "stdin": "%d\n" % n})
# the build, compiled once before anything is timed
status, j = call("POST", "/v1/runs?wait=60", job(0))
assert j.get("verdict") == "OK", j
if mode == "throughput":
    start = time.monotonic()
    ids = []
    for n in range(count):
        status, j = call("POST", "/v1/runs", job(n))
        assert status == 202, j
        ids.append(j["id"])
    for i in ids:
        while True:
            status, j = call("GET", "/v1/runs/%d" % i)
            if j["status"] == "done":
                break
            time.sleep(0.01)
    print("%.2f" % (count / (time.monotonic() - start)))
else:
    times = []
    for n in range(count):
        t = time.monotonic()
        status, j = call("POST", "/v1/runs?wait=60", job(n))
        assert j.get("status") == "done", j
        times.append((time.monotonic() - t) * 1000)
    print("%.1f" % statistics.median(times))
EOF

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# start_server [forge serve options]: sets $port
start_server() {
	: >"$tmp/serve.log"
	"$forge" serve --listen 127.0.0.1:0 --db "$tmp/h$RANDOM.db" "$@" \
		>"$tmp/serve.log" 2>&1 &
	pids+=($!)
	port=""
	for _ in $(seq 100); do
		port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' \
			"$tmp/serve.log")
		[ -n "$port" ] && return 0
		sleep 0.1
	done
	cat "$tmp/serve.log" >&2
	die 1 "forge serve did not start"
}

# one MODE COUNT WORKERS QUEUE: a figure of a fresh server (and workers)
one() {
	local mode=$1 count=$2 w=$3 q=$4
	if [ "$q" = sqlite ]; then
		start_server -j "$w"
	else
		redis-cli -p "$rport" flushall >/dev/null
		start_server --queue "$queue"
		"$forge" worker --queue "$queue" -j "$w" --db "$tmp/w$RANDOM.db" \
			>"$tmp/worker.log" 2>&1 &
		pids+=($!)
	fi
	python3 "$tmp/client.py" "$port" "$mode" "$count" "$tmp/sq.c"
	stop_all
}

printf "%-10s %8s %14s %14s %8s\n" "" workers "single (SQLite)" "through Redis" ratio
for w in 1 2 3; do
	: >"$tmp/s" && : >"$tmp/r"
	for ((i = 0; i < rounds; i++)); do
		one throughput "$n" "$w" sqlite >>"$tmp/s"
		one throughput "$n" "$w" redis >>"$tmp/r"
	done
	s=$(median <"$tmp/s") r=$(median <"$tmp/r")
	printf "%-10s %8d %10s j/s %10s j/s %8.2f\n" throughput "$w" "$s" "$r" \
		"$(echo "$r / $s" | bc -l)"
done
: >"$tmp/s" && : >"$tmp/r"
for ((i = 0; i < rounds; i++)); do
	one latency "$m" 1 sqlite >>"$tmp/s"
	one latency "$m" 1 redis >>"$tmp/r"
done
s=$(median <"$tmp/s") r=$(median <"$tmp/r")
printf "%-10s %8d %11s ms %11s ms %8.2f   (the Redis hop adds %.1f ms a job)\n" \
	latency 1 "$s" "$r" "$(echo "$r / $s" | bc -l)" "$(echo "$r - $s" | bc -l)"
# the same with Redis writing its file once a second rather than before
# each answer: what that durability costs
redis-cli -p "$rport" config set appendfsync everysec >/dev/null
: >"$tmp/r"
for ((i = 0; i < rounds; i++)); do
	one latency "$m" 1 redis >>"$tmp/r"
done
r=$(median <"$tmp/r")
printf "%-10s %8d %11s ms %11s ms %8.2f   (appendfsync everysec: adds %.1f ms)\n" \
	latency 1 "$s" "$r" "$(echo "$r / $s" | bc -l)" "$(echo "$r - $s" | bc -l)"
redis-cli -p "$rport" shutdown nosave >/dev/null 2>&1 || true
wait "$redis_pid" 2>/dev/null || true
redis_pid=""
