#!/bin/bash
# /metrics in Prometheus's text format, as its documentation describes
# it (tests/e2e/fixtures/prom-check.mjs checks every line, the HELP and
# TYPE lines, and the histogram's cumulative buckets ending with +Inf =
# _count): runs by verdict, language and backend, the run-duration
# histogram by language, queue depth, workers, HTTP requests by route
# and code, rejections by reason. The checker fails on broken input.
# The Grafana dashboard in contrib/ names only metrics the server has.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang python3
command -v node >/dev/null || skip "node is not installed"
CHECK="$FORGE_SRCDIR/tests/e2e/fixtures/prom-check.mjs"
DASH="$FORGE_SRCDIR/contrib/grafana/forge-serve.json"

# the checker can fail: a well-formed control, then broken expositions
good='# HELP x_seconds a histogram
# TYPE x_seconds histogram
x_seconds_bucket{language="c",le="0.5"} 1
x_seconds_bucket{language="c",le="1"} 2
x_seconds_bucket{language="c",le="+Inf"} 3
x_seconds_sum{language="c"} 2.5
x_seconds_count{language="c"} 3
# HELP y_total a counter
# TYPE y_total counter
y_total{route="/v1/runs",code="200"} 7'
printf '%s\n' "$good" >"$TEST_TMP/good.prom"
check "checker: a well-formed exposition passes" node "$CHECK" "$TEST_TMP/good.prom"
broken() { # NAME SED-EXPRESSION: the good one changed must fail
	printf '%s\n' "$good" | sed "$2" >"$TEST_TMP/bad.prom"
	check "checker: $1 fails" bash -c "! node '$CHECK' '$TEST_TMP/bad.prom' 2>/dev/null"
}
broken "buckets not cumulative" 's/le="1"} 2/le="1"} 0/'
broken "no +Inf bucket" '/le="+Inf"/d'
broken "+Inf != _count" 's/_count{language="c"} 3/_count{language="c"} 4/'
broken "no _sum" '/_sum/d'
broken "le not ascending" 's/le="0.5"/le="2"/'
broken "a sample without TYPE" '/TYPE y_total/d'
broken "an unquoted label" 's/route="\/v1\/runs"/route=runs/'
broken "a bad value" 's/} 7$/} seven/'
broken "a second TYPE line" 's/^# HELP y_total a counter$/# TYPE y_total counter/'
broken "a series twice" '$a y_total{route="/v1/runs",code="200"} 8'

serve_start -j 2
req GET /metrics
eq "/metrics before any run: 200" 200 "$code"
check "/metrics before any run: well-formed" node "$CHECK" "$TEST_TMP/last.json"
check "/metrics says its format" grep -qi '^Content-Type: text/plain; version=0.0.4' "$TEST_TMP/headers"
check "the histogram's HELP and TYPE come before any run" \
	grep -qx '# TYPE forge_run_duration_seconds histogram' "$TEST_TMP/last.json"

req POST '/v1/runs?wait=60' --data-binary '{"language":"python3","source":"print(1)"}'
eq "a python3 run" "200 OK" "$code $(j .verdict)"
req POST '/v1/runs?wait=60' --data-binary '{"language":"python3","source":"import time\ntime.sleep(0.3)\nprint(2)"}'
eq "a slower python3 run" "200 OK" "$code $(j .verdict)"
req POST '/v1/runs?wait=60' --data-binary '{"language":"python3","source":"raise SystemExit(3)"}'
eq "a python3 run that fails" "200 RE" "$code $(j .verdict)"
req POST '/v1/runs?wait=60' --data-binary '{"language":"python3","source":"print(input())","tests":[{"name":"a","input":"1\n","answer":"1\n"}]}'
eq "a python3 judge" "200 AC" "$code $(j .verdict)"
req POST /v1/runs --data-binary '{"language":'
eq "a malformed body: 400" 400 "$code"

req GET /metrics
cp "$TEST_TMP/last.json" "$TEST_TMP/metrics.prom"
out=$(node "$CHECK" "$TEST_TMP/metrics.prom" 2>&1)
check "/metrics after runs: well-formed ($out)" node "$CHECK" "$TEST_TMP/metrics.prom"
m() { grep -F "$1" "$TEST_TMP/metrics.prom" | awk '{print $NF}'; }
g() { awk -v n="$1" '$1 == n { print $2 }' "$TEST_TMP/metrics.prom"; }
eq "the histogram counts four python3 jobs" 4 \
	"$(m 'forge_run_duration_seconds_count{language="python3"}')"
eq "its +Inf bucket is its count" 4 \
	"$(m 'forge_run_duration_seconds_bucket{language="python3",le="+Inf"}')"
check "its sum is at least the 0.3 s one slept" \
	awk -v s="$(m 'forge_run_duration_seconds_sum{language="python3"}')" 'BEGIN { exit !(s >= 0.3) }'
eq "the 25 ms bucket holds fewer than all (one slept 0.3 s)" yes \
	"$(awk -v b="$(m 'forge_run_duration_seconds_bucket{language="python3",le="0.025"}')" 'BEGIN { print (b < 4) ? "yes" : "no" }')"
eq "runs by verdict, language and backend: two OK" 2 \
	"$(m 'forge_runs_total{verdict="OK",language="python3",backend="ns"}')"
eq "runs by verdict: one RE" 1 "$(m 'forge_runs_total{verdict="RE",language="python3",backend="ns"}')"
eq "runs by verdict: one AC" 1 "$(m 'forge_runs_total{verdict="AC",language="python3",backend="ns"}')"
eq "HTTP requests by route and code: the 400" 1 \
	"$(m 'forge_http_requests_total{route="/v1/runs",code="400"}')"
eq "rejections by reason: the malformed body" 1 "$(m 'forge_rejections_total{reason="invalid"}')"
eq "queue depth: 0" 0 "$(g forge_queue_depth)"
eq "workers busy: 0" 0 "$(g forge_workers_busy)"
eq "workers: 2" 2 "$(g forge_workers)"

# the dashboard: every metric its queries name is in /metrics
out=$(node "$FORGE_SRCDIR/tests/e2e/fixtures/grafana-check.mjs" "$DASH" "$TEST_TMP/metrics.prom" 2>&1)
check "contrib/grafana/forge-serve.json names only exposed metrics ($out)" \
	node "$FORGE_SRCDIR/tests/e2e/fixtures/grafana-check.mjs" "$DASH" "$TEST_TMP/metrics.prom"
check "the dashboard shows the duration histogram" grep -q forge_run_duration_seconds_bucket "$DASH"
# the dashboard check can fail: a metric the server does not have
jq '.panels[0].targets[0].expr = "forge_no_such_metric"' "$DASH" >"$TEST_TMP/bad-dash.json"
check "the dashboard check fails on an unknown metric" bash -c \
	"! node '$FORGE_SRCDIR/tests/e2e/fixtures/grafana-check.mjs' '$TEST_TMP/bad-dash.json' '$TEST_TMP/metrics.prom' 2>/dev/null"
serve_stop TERM
eq "no forge-serve process is left" "" "$(serve_procs)"
finish
