#!/bin/bash
# GET /v1/runs/{id}/events, Server-Sent Events: output arrives while the
# program still runs, every event has an id, a client reconnecting with
# Last-Event-ID gets exactly the events after it, a finished run replays
# from the database, a judge's tests come one by one (each after what its
# program printed), and the stream
# ends with the result (also when the run is cancelled).
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang python3

serve_start -j 2

# a program that prints, then sleeps long: its output must come before
# its end
jq -n '{language: "python3", source: "import time\nprint(\"first\", flush=True)\ntime.sleep(100)\n",
	limits: {time: 200, wall: 200}}' >"$TEST_TMP/long.json"
req POST /v1/runs --data-binary @"$TEST_TMP/long.json"
id=$(j .id)
curl -sN -m 120 "$URL/v1/runs/$id/events" >"$TEST_TMP/live.sse" 2>/dev/null &
curl_pid=$!
for i in $(seq 1 300); do
	grep -q '"first' "$TEST_TMP/live.sse" 2>/dev/null && break
	sleep 0.1
done
check "stdout streams while the program runs" grep -q '^data: {"data":"first\\n"}' "$TEST_TMP/live.sse"
req GET "/v1/runs/$id"
eq "...and it is still running then" running "$(j .status)"
check "the first event: status running" \
	test "$(head -3 "$TEST_TMP/live.sse" | tr '\n' ' ')" = 'id: 1 event: status data: {"status":"running"} '
req DELETE "/v1/runs/$id"
for i in $(seq 1 300); do
	kill -0 "$curl_pid" 2>/dev/null || break
	sleep 0.1
done
alive=no
kill -0 "$curl_pid" 2>/dev/null && alive=yes
eq "a cancel ends the stream" no "$alive"
wait "$curl_pid" 2>/dev/null
eq "the last event is the result, cancelled" "result cancelled AB" \
	"$(grep '^event:' "$TEST_TMP/live.sse" | tail -1 | cut -d' ' -f2) $(grep '^data:' "$TEST_TMP/live.sse" | tail -1 | cut -c7- | jq -r '"\(.status) \(.verdict)"')"

# a run that has ended: its events replay; ids count up from 1
jq -n '{language: "python3", source: "import sys\nfor i in range(3):\n    print(i, flush=True)\nprint(\"oops\", file=sys.stderr)\n"}' >"$TEST_TMP/run.json"
req POST '/v1/runs?wait=60' --data-binary @"$TEST_TMP/run.json"
id=$(j .id)
curl -sN -m 60 -D "$TEST_TMP/h" "$URL/v1/runs/$id/events" >"$TEST_TMP/all.sse"
check "Content-Type: text/event-stream" grep -qi '^content-type: text/event-stream' "$TEST_TMP/h"
n=$(grep -c '^id:' "$TEST_TMP/all.sse")
eq "ids 1 to N, in order" "$(seq -s ' ' 1 "$n")" "$(sed -n 's/^id: //p' "$TEST_TMP/all.sse" | xargs)"
eq "stdout, then stderr, then the result" "012 oops done OK" \
	"$(sed -n 's/^data: //p' "$TEST_TMP/all.sse" | jq -rs '[.[] | .data // empty] | join("") | gsub("\n"; "")' | sed 's/oops/ oops/') $(sed -n 's/^data: //p' "$TEST_TMP/all.sse" | tail -1 | jq -r '"\(.status) \(.verdict)"')"
check "every event has an id, a kind and data" \
	test "$(grep -c '^event:' "$TEST_TMP/all.sse") $(grep -c '^data:' "$TEST_TMP/all.sse")" = "$n $n"

# Last-Event-ID: exactly what came after it
k=$((n - 2))
curl -sN -m 60 -H "Last-Event-ID: $k" "$URL/v1/runs/$id/events" >"$TEST_TMP/resume.sse"
eq "resume: the events after Last-Event-ID, the same" \
	"$(awk -v k="$k" '/^id: / { on = ($2 > k) } on' "$TEST_TMP/all.sse")" \
	"$(cat "$TEST_TMP/resume.sse")"
req GET "/v1/runs/$id/events" -H "Last-Event-ID: nonsense"
eq "a bad Last-Event-ID: 400" 400 "$code"
req GET /v1/runs/999999/events
eq "no such run: 404" 404 "$code"

# a judge: one test event per test, each after what its program printed
# (stdout events), then the result
jq -n '{language: "python3", source: "print(int(input()) + 1)\n",
	tests: [{name: "a", input: "1\n", answer: "2\n"}, {name: "b", input: "2\n", answer: "4\n"}]}' >"$TEST_TMP/judge.json"
req POST '/v1/runs?wait=60' --data-binary @"$TEST_TMP/judge.json"
id=$(j .id)
curl -sN -m 60 "$URL/v1/runs/$id/events" >"$TEST_TMP/judge.sse"
eq "judge: status, each test's stdout then its event, the result" \
	"status stdout test stdout test result" \
	"$(sed -n 's/^event: //p' "$TEST_TMP/judge.sse" | xargs)"
eq "judge: what each test's program printed" "2 3" \
	"$(grep -A1 '^event: stdout' "$TEST_TMP/judge.sse" | sed -n 's/^data: //p' | jq -r .data | xargs)"
eq "judge: each test's verdict" "a AC b WA" \
	"$(grep -A1 '^event: test' "$TEST_TMP/judge.sse" | sed -n 's/^data: //p' | jq -r '"\(.name) \(.verdict)"' | xargs)"

serve_stop TERM
eq "SIGTERM: the server exits 0" 0 "$SERVE_RC"
eq "no forge-serve process is left" "" "$(serve_procs)"
finish
