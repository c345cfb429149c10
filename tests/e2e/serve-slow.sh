#!/bin/bash
# Slow clients: twenty connections that send their headers, or their
# body, a byte a second hold no worker and do not block a normal
# request, which is answered while they are open; the server closes
# each of them within its documented time for a request to arrive
# (SERVE_REQUEST_TIME, 30 s; forge-serve(1)) and counts them as
# rejections (reason "slow"). Then a thousand connections at once: each
# is answered, or refused cleanly (429/503 with Retry-After, or closed),
# none left hanging, and the server answers afterwards.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang python3
command -v node >/dev/null || skip "node is not installed"
CLIENT="$FORGE_SRCDIR/tests/e2e/fixtures/slow-clients.mjs"
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge 2200 ] || skip "only $(ulimit -n) open files allowed here"

serve_start -j 1
port=${URL##*:}
node "$CLIENT" slow "$port" 20 '{"language":"python3","source":"print(7)"}' \
	>"$TEST_TMP/slow.json" 2>"$TEST_TMP/slow.err"
cat "$TEST_TMP/slow.err" >&2
s() { jq -r "$1" "$TEST_TMP/slow.json"; }
eq "a normal run while 20 slow clients are open: answered" "200 OK 7" \
	"$(s '"\(.normal.status) \(.normal.verdict) \(.normal.stdout)"' | tr -d '\n')"
eq "the slow clients hold no worker" "0 0" "$(s '"\(.busy_before) \(.queued_before)"')"
eq "every slow connection is closed by the server" 20 \
	"$(s '[.slow[] | select(.how == "closed")] | length')"
eq "none of them got an answer" 0 "$(s '[.slow[] | select(.answered)] | length')"
latest=$(s '[.slow[].closed_s] | max')
check "each closed within 30 s and the poll's slack (the latest: ${latest}s)" \
	awk -v t="$latest" 'BEGIN { exit !(t >= 29 && t <= 45) }'
req GET /metrics
eq "they count as rejections, reason slow" 20 \
	"$(grep -F 'forge_rejections_total{reason="slow"}' "$TEST_TMP/last.json" | awk '{print $2}')"

# a thousand at once
node "$CLIENT" many "$port" 1000 >"$TEST_TMP/many.json" 2>"$TEST_TMP/many.err"
cat "$TEST_TMP/many.err" >&2
echo "1000 connections: $(cat "$TEST_TMP/many.json")"
eq "1000 connections: each answered or refused cleanly" 1000 \
	"$(jq '(.answered // 0) + (.refused // 0) + (.closed // 0)' "$TEST_TMP/many.json")"
eq "1000 connections: none timed out" 0 "$(jq '.timeout // 0' "$TEST_TMP/many.json")"
check "1000 connections: most are answered" \
	test "$(jq '.answered // 0' "$TEST_TMP/many.json")" -ge 500
req GET /v1/health
eq "the server answers afterwards" 200 "$code"
serve_stop TERM
eq "no forge-serve process is left" "" "$(serve_procs)"
finish
