#!/bin/bash
# The double-record window: a worker records a job's run in the history,
# then stores its result in the job database. A server killed between
# the two (FORGE_SERVE_FAULT=crash-after-record kills it exactly there)
# runs the job again at its next start; the run is still in the history
# once, and the job's result points at that one row. Runs and judges.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang python3
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"

# wait_status ID STATUS: polls (bounded) until the job has it
wait_status() {
	local i
	for i in $(seq 1 600); do
		req GET "/v1/runs/$1"
		[ "$(j .status)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
rows() {
	sqlite3 "$SERVE_DB" "SELECT count(*) FROM runs WHERE file LIKE 'api:$1/%'"
}
server_gone() {
	local i
	for i in $(seq 1 100); do
		kill -0 "$SERVE_PID" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

for kind in run judge; do
	if [ $kind = run ]; then
		body='{"language":"python3","source":"print(\"once\")"}'
	else
		body='{"language":"python3","source":"print(input())","tests":[{"name":"a","input":"1\n","answer":"1\n"},{"name":"b","input":"2\n","answer":"2\n"}]}'
	fi
	FORGE_SERVE_FAULT=crash-after-record serve_start -j 1
	req POST /v1/runs --data-binary "$body"
	eq "$kind: accepted" 202 "$code"
	id=$(j .id)
	check "$kind: the fault kills the server after the record" server_gone
	wait "$SERVE_PID" 2>/dev/null
	SERVE_PID=""
	eq "$kind: the run is recorded" 1 "$(rows "$id")"
	eq "$kind: its job has no result yet" "running" \
		"$(sqlite3 "${SERVE_DB%.db}-serve.db" "SELECT state FROM jobs WHERE id = $id")"
	first=$(sqlite3 "$SERVE_DB" "SELECT id FROM runs WHERE file LIKE 'api:$id/%'")
	for i in $(seq 1 50); do
		[ -z "$(serve_procs)" ] && break
		sleep 0.1
	done
	eq "$kind: no worker outlives the killed server" "" "$(serve_procs)"

	serve_start -j 1
	check "$kind: the job runs again at the next start" wait_status "$id" done
	if [ $kind = run ]; then
		eq "run: its result" "OK once" "$(j .verdict) $(j .stdout)"
	else
		eq "judge: its result" "AC 2" "$(j .verdict) $(j .passed)"
	fi
	eq "$kind: still exactly one history row" 1 "$(rows "$id")"
	eq "$kind: the job's result points at that row" "$first" \
		"$(sqlite3 "${SERVE_DB%.db}-serve.db" "SELECT history_id FROM jobs WHERE id = $id")"
	serve_stop TERM
	eq "$kind: no forge-serve process is left" "" "$(serve_procs)"
done

# control: without the fault a job is recorded once and finishes at once
serve_start -j 1
req POST '/v1/runs?wait=60' --data-binary '{"language":"python3","source":"print(3)"}'
eq "control: done in one go" "200 done" "$code $(j .status)"
eq "control: one row" 1 "$(rows "$(j .id)")"
serve_stop TERM
finish
