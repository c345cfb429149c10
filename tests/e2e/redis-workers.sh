#!/bin/bash
# forge serve --queue redis:// with three forge worker processes, on one
# machine as a cluster would behave: a real redis-server on loopback
# (appendonly, its own directory), 1,000 jobs; one worker killed with
# SIGKILL in the middle of a job, another stopped with SIGTERM, Redis
# itself killed and started again. Every job must finish exactly once with
# the verdict and output its input calls for, no acknowledged result may
# be lost, and the one program is compiled once across the workers.
. "$(dirname "$0")/../lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"

command -v redis-server >/dev/null ||
	skip "redis-server is not installed (apt-get install redis-server)"
command -v redis-cli >/dev/null || skip "redis-cli is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"
if "$FORGE" worker --queue redis://127.0.0.1:1 --help 2>&1 |
	grep -q "without Redis"; then
	skip "this forge was built without Redis (no hiredis)"
fi
need_lang c

JOBS=${FORGE_REDIS_JOBS:-1000}
RDIR="$TEST_TMP/redis"
mkdir -p "$RDIR"
REDIS_PID=""
WPID=()

# Redis on a free loopback port, every write fsynced before its reply.
redis_start() {
	redis-server --port "$RPORT" --bind 127.0.0.1 --dir "$RDIR" \
		--appendonly yes --appendfsync always --save "" \
		--daemonize no --logfile "$RDIR/redis.log" 9>&- &
	REDIS_PID=$!
	for _ in $(seq 1 100); do
		[ "$(redis-cli -p "$RPORT" ping 2>/dev/null)" = PONG ] && return 0
		kill -0 "$REDIS_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
for _ in $(seq 1 20); do
	RPORT=$((20000 + RANDOM % 30000))
	redis_start && break
	REDIS_PID=""
done
[ -n "$REDIS_PID" ] || {
	fail "redis-server did not start"
	finish
	exit 1
}
rcli() { redis-cli -p "$RPORT" "$@"; }
QUEUE="redis://127.0.0.1:$RPORT"

cleanup() {
	local p
	for p in "${WPID[@]}"; do kill -KILL "$p" 2>/dev/null; done
	serve_stop KILL
	[ -n "$REDIS_PID" ] && kill -KILL "$REDIS_PID" 2>/dev/null
	rm -rf "$TEST_TMP"
}
trap cleanup EXIT

# Worker N: a machine of its own (its own build cache and history).
worker_start() {
	FORGE_CACHE_DIR="$TEST_TMP/cache$1" "$FORGE" worker --queue "$QUEUE" \
		-j 1 --claim-timeout 4 --db "$TEST_TMP/w$1.db" \
		>"$TEST_TMP/w$1.log" 2>&1 &
	WPID[$1]=$!
}

serve_start --queue "$QUEUE"
for w in 1 2 3; do worker_start $w; done

# The program: N on stdin; prints N*N, exits 3 when N ends in 7 (RE);
# N = 50 mod 100 sleeps two seconds first (a job long enough to kill a
# worker in the middle of).
cat >"$TEST_TMP/sq.c" <<'X'
#include <stdio.h>
#include <unistd.h>
int main(void)
{
	long n;
	if (scanf("%ld", &n) != 1)
		return 2;
	if (n % 100 == 50)
		sleep(2);
	printf("%ld\n", n * n);
	return n % 10 == 7 ? 3 : 0;
}
X

# Submits the jobs through one kept-alive connection, retrying 503s and
# 500s (the queue full, Redis away); writes "N ID" per accepted job.
cat >"$TEST_TMP/submit.py" <<'X'
import http.client, json, sys, time
port, src, n0, n1, out = sys.argv[1], open(sys.argv[2]).read(), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
with open(out, "a") as f:
    for n in range(n0, n1):
        body = json.dumps({"language": "c", "source": src, "stdin": "%d\n" % n})
        for attempt in range(600):
            try:
                c.request("POST", "/v1/runs", body)
                r = c.getresponse()
                data = r.read()
            except (OSError, http.client.HTTPException):
                c.close()
                c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
                time.sleep(0.1)
                continue
            if r.status == 202:
                f.write("%d %d\n" % (n, json.loads(data)["id"]))
                f.flush()
                break
            time.sleep(0.2)
        else:
            sys.exit("job %d was never accepted" % n)
X

done_count() { rcli HGET forge:count "done" 2>/dev/null || echo 0; }
# wait_done N: until N jobs are done (bounded: 3 minutes)
wait_done() {
	local d
	for _ in $(seq 1 1800); do
		d=$(done_count)
		[ "${d:-0}" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

python3 "$TEST_TMP/submit.py" "${URL##*:}" "$TEST_TMP/sq.c" 0 "$JOBS" \
	"$TEST_TMP/ids" &
SUBMIT=$!

# SIGKILL: a worker in the middle of a sleeping job (N = 50 mod 100,
# picked once running: its hash names the worker process).
wait_done $((JOBS / 5)) || fail "no progress: $(done_count) jobs done"
killed_job="" killed_worker="" child="" state=""
for _ in $(seq 1 600); do
	while read -r n id; do
		[ $((n % 100)) -eq 50 ] || continue
		[ "$(rcli HGET "forge:job:$id" state)" = running ] || continue
		pid=$(rcli HGET "forge:job:$id" worker | sed 's/.*://')
		[ -n "$pid" ] || continue
		ppid=$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')
		for w in 1 2 3; do
			if [ -z "${WPID[$w]:-}" ] || [ "$ppid" != "${WPID[$w]}" ]; then
				continue
			fi
			# at once: the job has up to two seconds left
			kill -KILL "${WPID[$w]}"
			state=$(rcli HGET "forge:job:$id" state)
			killed_job=$id killed_worker=$w child=$pid
			break
		done
		[ -n "$killed_job" ] && break
	done <"$TEST_TMP/ids"
	[ -n "$killed_job" ] && break
	sleep 0.05
done
if [ -n "$killed_job" ]; then
	wait "${WPID[$killed_worker]}" 2>/dev/null
	for _ in $(seq 1 50); do
		kill -0 "$child" 2>/dev/null || break
		sleep 0.1
	done
	check "the killed worker's process is gone with it" \
		test -z "$(ps -o pid= -p "$child")"
	eq "the job was running when its worker was killed" running "$state"
	unset "WPID[$killed_worker]"
else
	fail "no sleeping job was seen running on a worker"
fi

# Redis killed outright (no time to save) and started again: what it
# acknowledged is in its append-only file. JOBS_LUA: "KEY<tab>STATE<tab>
# RESULT" of the jobs done (no ARGV), or of ARGV's keys.
wait_done $((JOBS / 2)) || fail "no progress: $(done_count) jobs done"
JOBS_LUA='local out = {}
local keys = ARGV
if #keys == 0 then keys = redis.call("KEYS", "forge:job:*") end
for _, k in ipairs(keys) do
  local v = redis.call("HMGET", k, "state", "result")
  if #ARGV > 0 or v[1] == "done" then
    table.insert(out, k .. "\t" .. (v[1] or "") .. "\t" .. (v[2] or ""))
  end
end
table.sort(out)
return out'
rcli EVAL "$JOBS_LUA" 0 >"$TEST_TMP/acked"
kill -KILL "$REDIS_PID"
wait "$REDIS_PID" 2>/dev/null
sleep 1
redis_start || fail "redis-server did not start again"
# shellcheck disable=SC2046 # a key per word
rcli EVAL "$JOBS_LUA" 0 $(cut -f1 "$TEST_TMP/acked") >"$TEST_TMP/after"
eq "every result acknowledged before Redis was killed is still there" "" \
	"$(diff "$TEST_TMP/acked" "$TEST_TMP/after" | head -n 4)"
acked=$(grep -c "^forge:job:" "$TEST_TMP/acked")
check "some results had been acknowledged by then ($acked)" \
	test "$acked" -gt 0

# SIGTERM: another worker drains (its job finishes) and exits 0.
for w in 1 2 3; do
	[ -n "${WPID[$w]:-}" ] && break
done
kill -TERM "${WPID[$w]}"
rc=0
wait "${WPID[$w]}" || rc=$?
eq "a worker stopped with SIGTERM exits 0" 0 "$rc"
check "it drained" grep -q "forge worker: stopped" "$TEST_TMP/w$w.log"
unset "WPID[$w]"

wait "$SUBMIT" || fail "the jobs were not all accepted"
wait_done "$JOBS" || fail "only $(done_count) of $JOBS jobs are done"

# Every job: its verdict and output, read back through the server.
cat >"$TEST_TMP/verify.py" <<'X'
import http.client, json, sys
port, ids = sys.argv[1], sys.argv[2]
c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
bad, built = 0, 0
for line in open(ids):
    n, i = map(int, line.split())
    c.request("GET", "/v1/runs/%d" % i)
    j = json.loads(c.getresponse().read())
    want = "RE" if n % 10 == 7 else "OK"
    if j.get("status") != "done" or j.get("verdict") != want or \
       j.get("stdout") != "%d\n" % (n * n) or j.get("id") != i:
        bad += 1
        if bad < 5:
            print("job %d (N=%d): %s" % (i, n, json.dumps(j)[:300]), file=sys.stderr)
    if j.get("build_cached") is False:
        built += 1
print(bad, built)
X
read -r bad built < <(python3 "$TEST_TMP/verify.py" "${URL##*:}" \
	"$TEST_TMP/ids")
eq "jobs accepted" "$JOBS" "$(wc -l <"$TEST_TMP/ids")"
eq "jobs with a wrong status, verdict or output" 0 "$bad"
eq "the program was compiled once across the three workers" 1 "$built"

# Finished once (the result's counter in Redis), and recorded once in
# the workers' histories: no job ran to its end twice.
twice=$(while read -r _ id; do
	echo "HGET forge:job:$id finished"
done <"$TEST_TMP/ids" | rcli | sort | uniq -c | awk '{print $2 "x" $1}')
eq "every job finished exactly once" "1x$JOBS" "$twice"
runs=$(for w in 1 2 3; do
	sqlite3 "$TEST_TMP/w$w.db" "SELECT file FROM runs" 2>/dev/null
done | sort | uniq -c | awk '$1 != 1' | wc -l)
eq "no job is in the histories twice" 0 "$runs"
eq "the histories hold every job" "$JOBS" "$(for w in 1 2 3; do
	sqlite3 "$TEST_TMP/w$w.db" "SELECT count(*) FROM runs" 2>/dev/null
done | awk '{s += $1} END {print s}')"
if [ -n "$killed_job" ]; then
	eq "the killed worker's job was taken by another worker" 2 \
		"$(rcli HGET "forge:job:$killed_job" attempts)"
fi
eq "the queue is empty" "0 0" \
	"$(rcli HGET forge:count queued) $(rcli HGET forge:count running)"

# An interactive run needs the server's own workers (its attach socket
# is on this machine): refused, not left waiting for a client that
# cannot reach a worker elsewhere.
code=$(curl -s -o "$TEST_TMP/inter.json" -w '%{http_code}' \
	-H 'Content-Type: application/json' -X POST "$URL/v1/runs" \
	-d '{"language":"c","source":"int main(){return 0;}","interactive":true}')
eq "an interactive run through Redis is refused with 501" 501 "$code"
check "and the refusal says why" grep -q "workers on other machines" \
	"$TEST_TMP/inter.json"
eq "and nothing was queued for it" "0" "$(rcli HGET forge:count queued)"

# Everything stops; nothing is left.
for w in 1 2 3; do
	[ -n "${WPID[$w]:-}" ] || continue
	kill -TERM "${WPID[$w]}"
	wait "${WPID[$w]}"
	unset "WPID[$w]"
done
serve_stop
eq "forge serve exits 0 after a drain" 0 "$SERVE_RC"
rcli shutdown nosave >/dev/null 2>&1
wait "$REDIS_PID" 2>/dev/null
REDIS_PID=""
eq "no forge process is left" "" \
	"$(serve_procs; pgrep -f "forge-serve worker --queue $QUEUE")"
eq "no redis-server is left" "" "$(pgrep -f "redis-server 127.0.0.1:$RPORT")"
finish
