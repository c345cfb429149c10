#!/bin/bash
# An accepted job is on disk before its 202 goes out: the server syncs
# its queue's write-ahead log (an fdatasync the server's HTTP side makes,
# seen through strace) before each answer of jobs posted one after the
# other. Jobs posted together, whose syncs the server may share, are all
# accepted with ids of their own and each done once.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang c
command -v strace >/dev/null || skip "strace is not installed"
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"

job=$(jq -n '{language: "c", source: "#include <stdio.h>\nint main(void) { puts(\"synced\"); return 0; }\n"}')
serve_start -j 1

# the server's own threads (its workers run apart, untraced)
strace -f -qq -y -e trace=fdatasync,fsync -o "$TEST_TMP/sync.log" \
	-p "$SERVE_PID" 2>"$TEST_TMP/strace.err" &
strace_pid=$!
for i in $(seq 1 100); do
	[ "$(awk '/^TracerPid/ { print $2 }' "/proc/$SERVE_PID/status")" != 0 ] &&
		break
	kill -0 "$strace_pid" 2>/dev/null || break
	sleep 0.1
done
if [ "$(awk '/^TracerPid/ { print $2 }' "/proc/$SERVE_PID/status")" = 0 ]; then
	kill "$strace_pid" 2>/dev/null
	wait "$strace_pid" 2>/dev/null
	skip "strace cannot attach here: $(head -c 200 "$TEST_TMP/strace.err")"
fi
# strace is attached to the threads there are; a moment for the rest
sleep 0.5

ids=""
for i in 1 2 3 4 5; do
	req POST /v1/runs --data-binary "$job"
	eq "job $i accepted" 202 "$code"
	ids="$ids $(j .id)"
done
kill "$strace_pid"
wait "$strace_pid" 2>/dev/null
syncs=$(grep -c -- '-serve\.db-wal>' "$TEST_TMP/sync.log" || true)
check "a sync of the queue's log for each of 5 jobs accepted one by one (saw $syncs)" \
	test "$syncs" -ge 5

# twenty at once, ten connections at a time
seq 1 20 | xargs -P 10 -I{} curl -s -m 60 -o "$TEST_TMP/post-{}.json" \
	-w '%{http_code}\n' --data-binary "$job" "$URL/v1/runs" >"$TEST_TMP/codes"
eq "twenty posted together: all accepted" 20 "$(grep -c '^202$' "$TEST_TMP/codes")"
for i in $(seq 1 20); do
	ids="$ids $(jq -r .id "$TEST_TMP/post-$i.json")"
done
eq "25 distinct ids" 25 "$(echo "$ids" | tr ' ' '\n' | sort -u | grep -c .)"
for id in $ids; do
	for i in $(seq 1 600); do
		req GET "/v1/runs/$id"
		[ "$(j .status)" = "done" ] && break
		sleep 0.1
	done
	eq "job $id done" "done OK synced" "$(j '.status + " " + .verdict + " " + .stdout')"
done
serve_stop
eq "the server ended well" 0 "$SERVE_RC"
eq "each job recorded once" 25 \
	"$(sqlite3 "$SERVE_DB" "SELECT count(DISTINCT job) || ' ' || count(*) FROM runs WHERE file LIKE 'api:%'" | awk '$1 == $2 { print $1 }')"
eq "no server process left" "" "$(serve_procs)"
check "no strace left" test ! -d "/proc/$strace_pid"
finish
