#!/bin/bash
# forge serve's native API as its documentation shows it: a run, a judge
# with tests, the results' fields (those of forge run/judge --json), the
# history, cancel, the languages, health, readiness and metrics; bad
# input refused with the documented codes; every route of
# doc/openapi.yaml answers; nothing left running after shutdown.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang c
need_lang python3

serve_start -j 2

req GET /v1/health
eq "health answers 200" 200 "$code"
eq "health says ok" ok "$(j .status)"

# a C program with stdin, held until done
jq -n --arg src '#include <stdio.h>
int main(void) { int x; if (scanf("%d", &x) != 1) return 1; printf("%d\n", 2 * x); return 0; }' \
	'{language: "c", source: $src, stdin: "21\n"}' >"$TEST_TMP/run.json"
req POST '/v1/runs?wait=60' --data-binary @"$TEST_TMP/run.json"
eq "POST /v1/runs?wait: 200" 200 "$code"
eq "run: status done" done "$(j .status)"
eq "run: verdict OK" OK "$(j .verdict)"
eq "run: stdout" 42 "$(j .stdout)"
eq "run: language" c "$(j .language)"
run_id=$(j .id)
hist_id=$(j .history_id)
# the same fields as forge run --json, plus status and history_id
printf 'int main(void) { return 0; }\n' >"$TEST_TMP/t.c"
"$FORGE" run --json --no-history "$TEST_TMP/t.c" >"$TEST_TMP/cli.json" 2>/dev/null
eq "run: the fields of forge run --json, plus status and history_id" \
	"$(jq -c '[keys[], "history_id", "status"] | sort' "$TEST_TMP/cli.json")" \
	"$(jq -c 'keys | sort' "$TEST_TMP/last.json")"
req GET "/v1/runs/$run_id"
eq "GET /v1/runs/ID: 200" 200 "$code"
eq "GET /v1/runs/ID: the same result" 42 "$(j .stdout)"
"$FORGE" show --json --db "$SERVE_DB" "$hist_id" >"$TEST_TMP/show.json" 2>&1
eq "the run is in the history" 42 "$(jq -r .stdout "$TEST_TMP/show.json")"

# files[] with base64 content: the exact bytes
jq -n --arg c "$(printf 'import sys\nsys.stdout.buffer.write(bytes([0xff, 0x41]))\n' | base64 -w0)" \
	'{language: "python3", files: [{name: "main.py", content: $c, encoding: "base64"}]}' >"$TEST_TMP/b64.json"
req POST '/v1/runs?wait=60' --data-binary @"$TEST_TMP/b64.json"
eq "files[].encoding base64: run, its bytes back as stdout_base64" "OK /0E=" "$(j .verdict) $(j .stdout_base64)"
jq '.files[0].content = "!!"' "$TEST_TMP/b64.json" >"$TEST_TMP/bad64.json"
req POST /v1/runs --data-binary @"$TEST_TMP/bad64.json"
eq "files[].encoding base64 that is not: 400" 400 "$code"

# a judge: compiled once, every test judged
jq -n '{language: "python3", source: "print(int(input()) + 1)\n",
	tests: [{name: "one", input: "1\n", answer: "2\n"},
	        {name: "two", input: "5\n", answer: "7\n"},
	        {name: "three", input: "9\n", answer: "10\n"}]}' >"$TEST_TMP/judge.json"
req POST '/v1/runs?wait=60' --data-binary @"$TEST_TMP/judge.json"
eq "judge: 200" 200 "$code"
eq "judge: verdict WA (the first failure's)" WA "$(j .verdict)"
eq "judge: passed" 2 "$(j .passed)"
eq "judge: every test judged" "one AC two WA three AC" \
	"$(j '[.tests[] | .name, .verdict] | join(" ")')"
eq "judge: the difference shown" true \
	"$(j '.tests[1].diff | test("expected .7., got .6.")')"
jq '.stop_on_fail = true' "$TEST_TMP/judge.json" >"$TEST_TMP/stop.json"
req POST '/v1/runs?wait=60' --data-binary @"$TEST_TMP/stop.json"
eq "judge stop_on_fail: stops after the failure" 2 "$(j '.tests | length')"

# without wait: 202 and an id, then the result
req POST /v1/runs --data-binary @"$TEST_TMP/run.json"
eq "POST without wait: 202" 202 "$code"
id=$(j .id)
for i in $(seq 1 300); do
	req GET "/v1/runs/$id"
	[ "$(j .status)" = done ] && break
	sleep 0.1
done
eq "the queued run finishes" "done OK" "$(j .status) $(j .verdict)"

# cancel a running job: verdict AB, and its program is gone
# (the program names itself with a marker, for pgrep)
jq -n --arg m "forge-test-$$-cancel" '{language: "python3", source: ("import os, sys, time\nif len(sys.argv) == 1:\n    os.execv(sys.executable, [sys.executable, \"-B\", sys.argv[0], \"" + $m + "\"])\nprint(\"start\", flush=True)\ntime.sleep(300)\n"),
	limits: {time: 400, wall: 400}}' >"$TEST_TMP/long.json"
req POST /v1/runs --data-binary @"$TEST_TMP/long.json"
id=$(j .id)
for i in $(seq 1 300); do
	pgrep -f "forge-test-$$-cance[l]" >/dev/null && break
	sleep 0.1
done
req GET "/v1/runs/$id"
eq "the long run runs" running "$(j .status)"
check "its program is there" pgrep -f "forge-test-$$-cance[l]"
req DELETE "/v1/runs/$id"
eq "DELETE: 200" 200 "$code"
eq "DELETE: cancelled, verdict AB" "cancelled AB" "$(j .status) $(j .verdict)"
for i in $(seq 1 50); do
	pgrep -f "forge-test-$$-cance[l]" >/dev/null || break
	sleep 0.1
done
check "the cancelled program is gone" \
	bash -c "! pgrep -f 'forge-test-$$-cance[l]'"
req DELETE "/v1/runs/$id"
eq "DELETE again: 409" 409 "$code"
req GET /v1/runs/999999
eq "an unknown run: 404" 404 "$code"

# bad input
req POST /v1/runs --data-binary '{"language": "c",
  "source": }'
eq "malformed JSON: 400" 400 "$code"
eq "malformed JSON: line and column named" true "$(j '.error | test("line 2, column")')"
req POST /v1/runs --data-binary '{"language": "cobol", "source": "x"}'
eq "unknown language: 400" 400 "$code"
eq "unknown language: the known ones listed" true "$(j '.error | test("known languages: .*python3")')"
for name in '../x.c' 'a/b.c' '..'; do
	req POST /v1/runs --data-binary "$(jq -n --arg n "$name" \
		'{language: "c", files: [{name: $n, content: "int main(){}"}]}')"
	eq "file name '$name': 400" 400 "$code"
done
req POST /v1/runs --data-binary '{"language":"c","files":[{"name":"a\u0000b","content":""}]}'
eq "file name with NUL: 400" 400 "$code"
req POST /v1/runs --data-binary '{"language":"c","source":"int main(){}","limits":{"time":-1}}'
eq "a negative limit: 400" 400 "$code"
eq "a negative limit: named" true "$(j '.error | test("limits.time")')"
head -c $((17 * 1024 * 1024)) /dev/zero >"$TEST_TMP/big"
req POST /v1/runs --data-binary @"$TEST_TMP/big"
eq "a body over 16 MiB: 413" 413 "$code"
req GET /v1/nosuch
eq "an unknown route: 404" 404 "$code"
req PUT /v1/runs
eq "a wrong method: 405" 405 "$code"

# every route doc/openapi.yaml documents answers (not 404 or 405)
req POST /submissions -H 'Content-Type: application/json' \
	-d '{"source_code": "print(1)", "language_id": 71}'
j0_token=$(j .token)
# a lab problem for the lab's routes
mkdir -p "$TEST_TMP/sum"
printf '1 2\n' >"$TEST_TMP/sum/1.in"
printf '3\n' >"$TEST_TMP/sum/1.ans"
tar -C "$TEST_TMP/sum" -cf "$TEST_TMP/sum.tar" .
req POST '/v1/lab/problems?name=sum' --data-binary @"$TEST_TMP/sum.tar"
eq "a lab problem added" 201 "$code"
for route in $(sed -n 's|^  \(/[^:]*\):$|\1|p' "$FORGE_SRCDIR/doc/openapi.yaml"); do
	path=${route//\{id\}/1}
	path=${path//\{problem\}/sum}
	path=${path//\{set\}/week}
	path=${path//\{language_id\}/50}
	path=${path//\{token\}/$j0_token}
	if [ "$route" = "/v1/lab/replays/{id}" ]; then
		# a replay of the lab's submission 1, once it is judged
		for _ in $(seq 150); do
			req GET /v1/lab/submissions/1
			[ "$(j .status)" = done ] && break
			sleep 0.2
		done
		req POST /v1/lab/submissions/1/replay
		path=/v1/lab/replays/$(j .id)
	fi
	for method in $(awk -v r="  $route:" '
		$0 == r { on = 1; next }
		on && /^  [^ ]/ { on = 0 }
		on && /^    (get|post|put|delete):/ { sub(":", ""); print toupper($1) }' \
		"$FORGE_SRCDIR/doc/openapi.yaml"); do
		args=()
		[ "$method" = POST ] || [ "$method" = PUT ] &&
			args=(--data-binary @"$TEST_TMP/run.json")
		req "$method" "$path" "${args[@]}"
		check "documented $method $route answers ($code)" \
			test "$code" != 404 -a "$code" != 405 -a "$code" != 000
	done
done

req GET /v1/languages
eq "languages: c is there" true "$(j 'map(select(.id == "c" and .available)) | length == 1')"
req GET /v1/ready
eq "ready: 200" 200 "$code"
req GET /metrics
eq "metrics: 200" 200 "$code"
check "metrics: runs by verdict, language and backend" \
	grep -q '^forge_runs_total{verdict="OK",language="c",backend="ns"} [1-9]' "$TEST_TMP/last.json"
check "metrics: queue depth" grep -q '^forge_queue_depth ' "$TEST_TMP/last.json"
check "metrics: rejections by reason" \
	grep -q '^forge_rejections_total{reason="size"} 1' "$TEST_TMP/last.json"
check "metrics: requests by route and code" \
	grep -q '^forge_http_requests_total{route="/v1/runs",code="202"}' "$TEST_TMP/last.json"

serve_stop TERM
eq "SIGTERM: the server exits 0" 0 "$SERVE_RC"
eq "no forge-serve process is left" "" "$(serve_procs)"
check "nothing listens any more" bash -c "! curl -s -m 5 '$URL/v1/health'"
finish
