#!/bin/bash
# Accepted jobs are durable: a server killed with SIGKILL while one job
# runs and others wait runs them all at its next start, each exactly once
# (one result, one history record); its workers and their programs die
# with it. SIGTERM drains: the running job finishes, the queued one waits
# for the next start.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang python3

# req_job PROGRAM: posts a python3 program; its id in $id
req_job() {
	req POST /v1/runs --data-binary "$(jq -n --arg s "$1" \
		'{language: "python3", source: $s, limits: {time: 60, wall: 120}}')"
	eq "accepted: 202" 202 "$code"
	id=$(j .id)
}

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

# history_count ID: history records of job ID
history_count() {
	sqlite3 "$SERVE_DB" "SELECT count(*) FROM runs WHERE file LIKE 'api:$1/%'"
}

command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"

serve_start -j 1
# the program names itself with a marker, for pgrep
req_job "import os, sys, time
if len(sys.argv) == 1:
    os.execv(sys.executable, [sys.executable, '-B', sys.argv[0], 'forge-test-$$-slow'])
print('slow start', flush=True)
time.sleep(4)
print('slow end')"
slow=$id
check "the slow job runs" wait_status "$slow" running
for i in $(seq 1 100); do
	pgrep -f "forge-test-$$-slo[w]" >/dev/null && break
	sleep 0.1
done
check "its program is there" pgrep -f "forge-test-$$-slo[w]"
req_job 'print("second")'
second=$id
req_job 'print("third")'
third=$id
req GET "/v1/runs/$third"
eq "the third job waits" queued "$(j .status)"

serve_stop KILL
for i in $(seq 1 50); do
	[ -z "$(serve_procs)" ] && break
	sleep 0.1
done
eq "SIGKILL: no worker outlives the server" "" "$(serve_procs)"
check "SIGKILL: the running program died with its worker" \
	bash -c "! pgrep -f 'forge-test-$$-slo[w]'"

serve_start -j 2
check "restart: the interrupted job runs again to its end" wait_status "$slow" done
eq "restart: the interrupted job's output" "slow start
slow end" "$(j .stdout)"
check "restart: the queued job runs" wait_status "$second" done
eq "restart: its output" second "$(j .stdout)"
check "restart: the other queued job runs" wait_status "$third" done
for job in "$slow" "$second" "$third"; do
	eq "job $job recorded once in the history" 1 "$(history_count "$job")"
done
check "restart: says it queued the interrupted job again" \
	grep -q "1 interrupted job queued again" "$TEST_TMP/serve.log"
serve_stop TERM

# SIGTERM drains
serve_start -j 1
req_job 'import time
time.sleep(2)
print("drained")'
running=$id
check "drain: a job runs" wait_status "$running" running
req_job 'print("after")'
waiting=$id
serve_stop TERM
eq "drain: the server exits 0" 0 "$SERVE_RC"
eq "drain: no process left" "" "$(serve_procs)"
check "drain: said a job is left queued" \
	grep -q "stopped; 1 job left queued" "$TEST_TMP/serve.log"
serve_start -j 1
req GET "/v1/runs/$running"
eq "drain: the running job finished before the exit" "done drained" \
	"$(j .status) $(j .stdout)"
check "drain: the queued job runs at the next start" wait_status "$waiting" done
eq "drain: its output" after "$(j .stdout)"
eq "drain: each recorded once" "1 1" \
	"$(history_count "$running") $(history_count "$waiting")"
serve_stop TERM
eq "no forge-serve process is left" "" "$(serve_procs)"
finish
