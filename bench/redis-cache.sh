#!/bin/bash
# The Redis queue's result cache, side by side in one run: N identical
# judges (one C program, two tests: a class's rejudge of one solution)
# through forge serve --queue redis:// -j 1 and one forge worker -j 1,
# with results kept (--result-ttl 3600, the default) and with none kept
# (--result-ttl 0); the seconds from the first POST to the last result,
# how many came from the cache, and the ratio. Each figure is the median
# of ROUNDS rounds, each on a fresh Redis, server and worker.
#
# usage: bench/redis-cache.sh [-n JOBS] [-r ROUNDS]
set -euo pipefail
bench_name=redis-cache
. "$(dirname "$0")/lib.sh"

n=300
rounds=3
while getopts n:r: opt; do
	case $opt in
	n) n=$OPTARG ;;
	r) rounds=$OPTARG ;;
	*) die 2 "usage: $0 [-n JOBS] [-r ROUNDS]" ;;
	esac
done
command -v redis-server >/dev/null || die 2 "redis-server is not installed"
command -v redis-cli >/dev/null || die 2 "redis-cli is not installed"
command -v python3 >/dev/null || die 2 "python3 is not installed"
wait_for_forge

pids=()
stop_all() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
}
trap 'stop_all; rm -rf "$tmp"' EXIT

cat >"$tmp/jobs.py" <<'EOF'
import http.client, json, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
src = ('#include <stdio.h>\nint main(void)\n{\n\tlong a, b;\n'
       '\tif (scanf("%ld %ld", &a, &b) != 2)\n\t\treturn 2;\n'
       '\tprintf("%ld\\n", a + b);\n\treturn 0;\n}\n')
body = json.dumps({"language": "c", "source": src, "tests": [
    {"input": "1 2\n", "answer": "3\n"},
    {"input": "20 22\n", "answer": "42\n"}]})
c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
t0, ids = time.time(), []
for _ in range(n):
    for _ in range(600):
        c.request("POST", "/v1/runs", body)
        r = c.getresponse()
        d = r.read()
        if r.status == 202:
            ids.append(json.loads(d)["id"])
            break
        time.sleep(0.1)
    else:
        sys.exit("a job was never accepted")
cached = 0
for i in ids:
    for _ in range(6000):
        c.request("GET", "/v1/runs/%d" % i)
        j = json.loads(c.getresponse().read())
        if j["status"] == "done":
            break
        time.sleep(0.02)
    if j.get("verdict") != "AC":
        sys.exit("job %d: %s" % (i, j.get("verdict")))
    cached += bool(j.get("cached"))
print("%.3f %d" % (time.time() - t0, cached))
EOF

# one TTL: "SECONDS CACHED" of a round on fresh processes
one() {
	local ttl=$1 rport port i dir
	dir=$(mktemp -d "$tmp/round.XXXXXX")
	rport=$((20000 + RANDOM % 30000))
	redis-server --port "$rport" --bind 127.0.0.1 --dir "$dir" --save "" \
		>/dev/null &
	pids+=($!)
	for i in $(seq 100); do
		[ "$(redis-cli -p "$rport" ping 2>/dev/null)" = PONG ] && break
		sleep 0.1
	done
	"$forge" serve --listen 127.0.0.1:0 --db "$dir/h.db" -j 1 \
		--queue "redis://127.0.0.1:$rport" --result-ttl "$ttl" \
		>"$dir/serve.log" 2>&1 &
	pids+=($!)
	FORGE_CACHE_DIR=$dir/cache "$forge" worker -j 1 --db "$dir/w.db" \
		--queue "redis://127.0.0.1:$rport" --result-ttl "$ttl" \
		>"$dir/worker.log" 2>&1 &
	pids+=($!)
	port=""
	for i in $(seq 100); do
		port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' \
			"$dir/serve.log")
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || die 1 "forge serve did not start"
	python3 "$tmp/jobs.py" "$port" "$n"
	stop_all
}

# median ROUNDS of one TTL: "SECONDS CACHED"
median() {
	local r
	for ((r = 0; r < rounds; r++)); do one "$1"; done |
		sort -n | sed -n "$(((rounds + 1) / 2))p"
}

read -r kept_s kept_n < <(median 3600)
read -r none_s none_n < <(median 0)
printf "%d identical judges, server -j 1 + worker -j 1 (median of %d)\n" \
	"$n" "$rounds"
printf "%-22s %10s %14s\n" "" seconds "from the cache"
printf "%-22s %10.2f %14d\n" "--result-ttl 0" "$none_s" "$none_n"
printf "%-22s %10.2f %14d\n" "--result-ttl 3600" "$kept_s" "$kept_n"
printf "%-22s %10.2f\n" "ratio kept / none" \
	"$(awk -v a="$kept_s" -v b="$none_s" 'BEGIN {print a / b}')"
