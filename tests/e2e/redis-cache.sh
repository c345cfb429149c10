#!/bin/bash
# Results cached in Redis by content: forge serve --queue redis:// with
# its own worker and two forge worker processes, a real redis-server on
# loopback. 300 identical judges (a class's rejudge) run the program a
# few times at most (once per worker process, those that started before
# the first result was kept) and compile it once; every other job gets
# the kept result, marked cached, with the right verdict. A changed
# answer is another key: it runs again, and its new verdict is kept in
# turn. Results are kept for --result-ttl; --result-ttl 0 keeps none.
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

RDIR="$TEST_TMP/redis"
mkdir -p "$RDIR"
REDIS_PID=""
WPID=()
redis_start() {
	redis-server --port "$RPORT" --bind 127.0.0.1 --dir "$RDIR" \
		--save "" --daemonize no --logfile "$RDIR/redis.log" 9>&- &
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
worker_start() {
	FORGE_CACHE_DIR="$TEST_TMP/cache$1" "$FORGE" worker --queue "$QUEUE" \
		-j 1 --db "$TEST_TMP/w$1.db" "${@:2}" >"$TEST_TMP/w$1.log" 2>&1 &
	WPID[$1]=$!
}
# judges recorded in the histories: the times the program was judged
judged() {
	for db in "$SERVE_DB" "$TEST_TMP/w1.db" "$TEST_TMP/w2.db"; do
		sqlite3 "$db" "SELECT count(*) FROM runs WHERE kind = 'judge'" 2>/dev/null
	done | awk '{s += $1} END {print s + 0}'
}

rc=0
"$FORGE" serve --result-ttl 60 --db "$TEST_TMP/x.db" >/dev/null 2>"$TEST_TMP/err" || rc=$?
eq "--result-ttl without a Redis queue: usage error" 2 "$rc"
check "it says why" grep -q "goes with --queue redis://" "$TEST_TMP/err"
rc=0
"$FORGE" worker --queue "$QUEUE" --result-ttl soon 2>"$TEST_TMP/err" || rc=$?
eq "--result-ttl soon: usage error" 2 "$rc"

serve_start --queue "$QUEUE" -j 1
worker_start 1
worker_start 2

cat >"$TEST_TMP/sum.c" <<'X'
#include <stdio.h>
int main(void)
{
	long a, b;
	if (scanf("%ld %ld", &a, &b) != 2)
		return 2;
	printf("%ld\n", a + b);
	return 0;
}
X
# submit.py N ANSWER OUT: N identical judges of sum.c (the second test's
# answer ANSWER); writes a job id a line
cat >"$TEST_TMP/submit.py" <<'X'
import http.client, json, sys, time
port, src, n, ans, out = sys.argv[1], open(sys.argv[2]).read(), int(sys.argv[3]), sys.argv[4], sys.argv[5]
body = json.dumps({"language": "c", "source": src, "tests": [
    {"name": "a", "input": "1 2\n", "answer": "3\n"},
    {"name": "b", "input": "20 22\n", "answer": ans + "\n"}]})
c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
with open(out, "w") as f:
    for _ in range(n):
        for attempt in range(600):
            c.request("POST", "/v1/runs", body)
            r = c.getresponse()
            data = r.read()
            if r.status == 202:
                f.write("%d\n" % json.loads(data)["id"])
                break
            time.sleep(0.2)
        else:
            sys.exit("a job was never accepted")
X
# results.py IDS: waits for the jobs, prints "VERDICT cached=C built=B"
# counts, one line each kind
cat >"$TEST_TMP/results.py" <<'X'
import collections, http.client, json, sys, time
port, ids = sys.argv[1], [int(l) for l in open(sys.argv[2])]
c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
seen = collections.Counter()
for i in ids:
    for _ in range(1800):
        c.request("GET", "/v1/runs/%d" % i)
        j = json.loads(c.getresponse().read())
        if j.get("status") == "done":
            break
        time.sleep(0.1)
    ok = j.get("id") == i and j.get("total") == 2
    seen["%s cached=%s compiled=%s%s" % (j.get("verdict"), j.get("cached"),
         j.get("build_cached") is False and not j.get("cached"),
         "" if ok else " BAD")] += 1
for k in sorted(seen):
    print(seen[k], k)
X
port=${URL##*:}

python3 "$TEST_TMP/submit.py" "$port" "$TEST_TMP/sum.c" 300 42 "$TEST_TMP/ids1" ||
	fail "the 300 judges were not all accepted"
python3 "$TEST_TMP/results.py" "$port" "$TEST_TMP/ids1" >"$TEST_TMP/res1"
cat "$TEST_TMP/res1"
ran=$(judged)
check "300 identical judges: judged 1 to 3 times (once per worker process at most), not 300 ($ran)" \
	test "$ran" -ge 1 -a "$ran" -le 3
eq "the rest are the kept result, marked cached" "$((300 - ran))" \
	"$(awk '$2 == "AC" && $3 == "cached=True" {print $1}' "$TEST_TMP/res1")"
eq "those that ran: AC, and compiled once across the workers" \
	"1 AC cached=False compiled=True" \
	"$(grep 'compiled=True' "$TEST_TMP/res1")"
eq "every result AC, none wrong" "" "$(grep -v ' AC ' "$TEST_TMP/res1" | grep -v '^$'; grep BAD "$TEST_TMP/res1")"
keys=$(rcli --scan --pattern 'forge:result:*' | wc -l)
eq "one result kept in Redis" 1 "$keys"
ttl=$(rcli TTL "$(rcli --scan --pattern 'forge:result:*' | head -n 1)")
check "kept for the default TTL, an hour ($ttl s left)" test "$ttl" -gt 3000 -a "$ttl" -le 3600

# the test's answer fixed: another key, judged again, the new verdict kept
python3 "$TEST_TMP/submit.py" "$port" "$TEST_TMP/sum.c" 1 43 "$TEST_TMP/ids2"
python3 "$TEST_TMP/results.py" "$port" "$TEST_TMP/ids2" >"$TEST_TMP/res2"
eq "a changed answer: judged again, WA, not from the cache" "1 WA cached=False compiled=False" \
	"$(cat "$TEST_TMP/res2")"
eq "it ran once more" "$((ran + 1))" "$(judged)"
python3 "$TEST_TMP/submit.py" "$port" "$TEST_TMP/sum.c" 1 43 "$TEST_TMP/ids3"
python3 "$TEST_TMP/results.py" "$port" "$TEST_TMP/ids3" >"$TEST_TMP/res3"
eq "the same again: its kept WA" "1 WA cached=True compiled=False" "$(cat "$TEST_TMP/res3")"
eq "nothing ran for it" "$((ran + 1))" "$(judged)"

# --result-ttl 0 everywhere: nothing kept, every job runs
for w in 1 2; do
	kill -TERM "${WPID[$w]}"
	wait "${WPID[$w]}"
	unset "WPID[$w]"
done
serve_stop
serve_start --queue "$QUEUE" -j 1 --result-ttl 0
worker_start 1 --result-ttl 0
# the results kept so far go (the jobs' ids and keys stay)
rcli --scan --pattern 'forge:result:*' | while read -r k; do rcli DEL "$k" >/dev/null; done
before=$(judged)
port=${URL##*:}
python3 "$TEST_TMP/submit.py" "$port" "$TEST_TMP/sum.c" 4 42 "$TEST_TMP/ids4"
python3 "$TEST_TMP/results.py" "$port" "$TEST_TMP/ids4" >"$TEST_TMP/res4"
eq "--result-ttl 0: none from the cache" 0 "$(grep -c 'cached=True' "$TEST_TMP/res4")"
eq "--result-ttl 0: every job judged" "$((before + 4))" "$(judged)"
eq "--result-ttl 0: nothing kept in Redis" 0 "$(rcli --scan --pattern 'forge:result:*' | wc -l)"

kill -TERM "${WPID[1]}"
wait "${WPID[1]}"
unset "WPID[1]"
serve_stop
eq "forge serve exits 0 after a drain" 0 "$SERVE_RC"
rcli shutdown nosave >/dev/null 2>&1
wait "$REDIS_PID" 2>/dev/null
REDIS_PID=""
eq "no forge process is left" "" \
	"$(serve_procs; pgrep -f "forge-serve worker --queue $QUEUE")"
finish
