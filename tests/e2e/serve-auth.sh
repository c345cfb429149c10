#!/bin/bash
# Tokens: forge token add prints a token once and keeps its hash only;
# with tokens, runs need Authorization: Bearer (401 without, 401 for a
# wrong or revoked one, 403 for another token's run), a token's rate
# gives 429 with Retry-After, a full queue 503 with Retry-After. Without
# any token the server will not listen beyond loopback.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang python3
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"

# no token: loopback only, unless --no-auth
rc=0
"$FORGE" serve --listen 0.0.0.0:0 --db "$SERVE_DB" >"$TEST_TMP/refused.log" 2>&1 || rc=$?
eq "no token, beyond loopback: refused (exit 2)" 2 "$rc"
check "the refusal says how to fix it" grep -q "forge token add" "$TEST_TMP/refused.log"

alice=$("$FORGE" token add alice --db "$SERVE_DB")
bob=$("$FORGE" token add bob --rate 1/s --burst 2 --db "$SERVE_DB")
check "a token is printed" test -n "$alice"
rc=0
"$FORGE" token add alice --db "$SERVE_DB" 2>/dev/null || rc=$?
eq "a second token of one name: exit 2" 2 "$rc"
check "only the token's hash is stored" bash -c \
	"! sqlite3 '${SERVE_DB%.db}-serve.db' .dump | grep -q '$alice'"
check "forge token list shows them" bash -c \
	"'$FORGE' token list --db '$SERVE_DB' | grep -q '^bob '"

serve_start -j 1 --queue 2
run='{"language":"python3","source":"print(1)"}'
req POST /v1/runs --data-binary "$run"
eq "no token: 401" 401 "$code"
req POST /v1/runs --data-binary "$run" -H "Authorization: Bearer forge_nosuch"
eq "a wrong token: 401" 401 "$code"
req POST '/v1/runs?wait=60' --data-binary "$run" -H "Authorization: Bearer $alice"
eq "alice's token: 200" 200 "$code"
a_id=$(j .id)
req GET "/v1/runs/$a_id" -H "Authorization: Bearer $bob"
eq "bob reading alice's run: 403" 403 "$code"
req GET "/v1/runs/$a_id" -H "Authorization: Bearer $alice"
eq "alice reading hers: 200" 200 "$code"
req GET /v1/health
eq "health needs no token" 200 "$code"

# bob: 1/s with a burst of 2; a burst of requests meets a 429
got429=""
for i in $(seq 1 6); do
	req GET "/v1/runs/$a_id" -H "Authorization: Bearer $bob"
	if [ "$code" = 429 ]; then
		got429=yes
		break
	fi
done
eq "bob's rate: 429" yes "$got429"
check "429 has Retry-After" grep -qi '^Retry-After: [1-9]' "$TEST_TMP/headers"

# a full queue: 503 with Retry-After (one worker busy, two waiting)
long='{"language":"python3","source":"import time\ntime.sleep(20)","limits":{"time":30,"wall":60}}'
codes=""
for i in 1 2 3 4; do
	req POST /v1/runs --data-binary "$long" -H "Authorization: Bearer $alice"
	codes="$codes $code"
	[ "$code" = 503 ] && break
done
check "a full queue: 503 ($codes)" test "$code" = 503
check "503 has Retry-After" grep -qi '^Retry-After: [1-9]' "$TEST_TMP/headers"
req GET /v1/ready
eq "ready: 503 while the queue is full" 503 "$code"

"$FORGE" token revoke alice --db "$SERVE_DB" >/dev/null
kill -HUP "$SERVE_PID"
sleep 0.5
req GET "/v1/runs/$a_id" -H "Authorization: Bearer $alice"
eq "a revoked token: 401" 401 "$code"
rc=0
"$FORGE" token revoke alice --db "$SERVE_DB" 2>/dev/null || rc=$?
eq "revoking it again: exit 2" 2 "$rc"

req GET /metrics
check "metrics: rejections by reason (rate)" \
	grep -q '^forge_rejections_total{reason="rate"} [1-9]' "$TEST_TMP/last.json"
check "metrics: rejections by reason (queue)" \
	grep -q '^forge_rejections_total{reason="queue"} [1-9]' "$TEST_TMP/last.json"
serve_stop KILL
eq "no forge-serve process is left" "" "$(serve_procs)"
finish
