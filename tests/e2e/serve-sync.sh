#!/bin/bash
# An accepted job is on disk before its 202 goes out: the server syncs
# its queue's write-ahead log (an fdatasync the server's HTTP side makes,
# seen through strace) before each answer of jobs posted one after the
# other, and before a 202 that ends a ?wait; a ?wait answered with the
# run's end syncs nothing. Jobs posted together, whose syncs the server
# may share, are all accepted with ids of their own and each done once.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang c
command -v strace >/dev/null || skip "strace is not installed"
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"

job=$(jq -n '{language: "c", source: "#include <stdio.h>\nint main(void) { puts(\"synced\"); return 0; }\n"}')
serve_start -j 1

# strace on the server's own threads (its workers run apart, untraced),
# into $TEST_TMP/$1.log
trace_start() {
	strace -f -qq -y -e trace=fdatasync,fsync -o "$TEST_TMP/$1.log" \
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
}

# how many syncs of the queue's log the trace saw
trace_stop() {
	kill "$strace_pid"
	wait "$strace_pid" 2>/dev/null
	grep -c -- '-serve\.db-wal>' "$TEST_TMP/$1.log" || true
}

trace_start sync
ids=""
for i in 1 2 3 4 5; do
	req POST /v1/runs --data-binary "$job"
	eq "job $i accepted" 202 "$code"
	ids="$ids $(j .id)"
done
syncs=$(trace_stop sync)
check "a sync of the queue's log for each of 5 jobs accepted one by one (saw $syncs)" \
	test "$syncs" -ge 5

# ?wait: a run that outlasts the wait is answered 202 once its job is on
# disk; one that ends within it is answered with its result, and its
# acceptance, never promised, needs no sync of its own
slow=$(jq -n '{language: "c", source: "#include <unistd.h>\nint main(void) { sleep(2); return 0; }\n"}')
trace_start slow
req POST "/v1/runs?wait=0.2" --data-binary "$slow"
eq "a run longer than its wait: 202, not ended" "202 false" \
	"$code $(j '.status == "done" or .status == "cancelled"')"
ids="$ids $(j .id)"
syncs=$(trace_stop slow)
check "its job synced before the 202 (saw $syncs)" test "$syncs" -ge 1
trace_start waited
req POST "/v1/runs?wait=60" --data-binary "$job"
eq "a run within its wait: its result" "200 done synced" \
	"$code $(j '.status + " " + .stdout')"
ids="$ids $(j .id)"
syncs=$(trace_stop waited)
eq "no sync for a job answered with its end" 0 "$syncs"

# twenty at once, ten connections at a time
seq 1 20 | xargs -P 10 -I{} curl -s -m 60 -o "$TEST_TMP/post-{}.json" \
	-w '%{http_code}\n' --data-binary "$job" "$URL/v1/runs" >"$TEST_TMP/codes"
eq "twenty posted together: all accepted" 20 "$(grep -c '^202$' "$TEST_TMP/codes")"
for i in $(seq 1 20); do
	ids="$ids $(jq -r .id "$TEST_TMP/post-$i.json")"
done
eq "27 distinct ids" 27 "$(echo "$ids" | tr ' ' '\n' | sort -u | grep -c .)"
for id in $ids; do
	for i in $(seq 1 600); do
		req GET "/v1/runs/$id"
		[ "$(j .status)" = "done" ] && break
		sleep 0.1
	done
	eq "job $id done" "done OK" "$(j '.status + " " + .verdict')"
done
serve_stop
eq "the server ended well" 0 "$SERVE_RC"
eq "each job recorded once" 27 \
	"$(sqlite3 "$SERVE_DB" "SELECT count(DISTINCT job) || ' ' || count(*) FROM runs WHERE file LIKE 'api:%'" | awk '$1 == $2 { print $1 }')"
eq "no server process left" "" "$(serve_procs)"
check "no strace left" test ! -d "/proc/$strace_pid"
finish
