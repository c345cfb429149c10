#!/bin/bash
# The remote backend over https://: forge serve behind a TLS terminator
# (socat, with a self-signed certificate made here). forge run and forge
# judge --server https://... give what they give over http://, the
# workbench's interactive run (its WebSocket attach) works through TLS
# too, a certificate nobody vouches for is refused, and FORGE_SERVER_CA
# names the CA to trust.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang python3
. "$FORGE_SRCDIR/tests/serve-lib.sh"
. "$FORGE_SRCDIR/tests/tui-lib.sh"
command -v socat >/dev/null || skip "socat is not installed (the TLS front)"
command -v openssl >/dev/null || skip "openssl is not installed"
[ -x "$(dirname "$FORGE")/forge-full" ] ||
	skip "forge-full was not built (configure found no libcurl)"
tui_setup forge-tui-tls

token=$("$FORGE" token add lab --db "$SERVE_DB")
serve_start -j 1
export FORGE_TOKEN=$token
LOCAL_DB="$TEST_TMP/local.db"

# a certificate for 127.0.0.1, its own CA
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$TEST_TMP/key.pem" \
	-out "$TEST_TMP/cert.pem" 2>/dev/null
cat "$TEST_TMP/key.pem" "$TEST_TMP/cert.pem" >"$TEST_TMP/tls.pem"

# the front: TLS on a free port, plain HTTP to the server behind it
TLS_PID=""
tls_stop() {
	[ -n "$TLS_PID" ] || return 0
	pkill -P "$TLS_PID" 2>/dev/null
	kill "$TLS_PID" 2>/dev/null
	wait "$TLS_PID" 2>/dev/null
	TLS_PID=""
}
trap 'tls_stop; tm kill-server 2>/dev/null; serve_stop KILL; rm -rf "$TEST_TMP"' EXIT
for try in 1 2 3 4 5; do
	tport=$((20000 + RANDOM % 40000))
	socat "OPENSSL-LISTEN:$tport,bind=127.0.0.1,reuseaddr,fork,cert=$TEST_TMP/tls.pem,verify=0" \
		"TCP:127.0.0.1:${URL##*:}" 2>>"$TEST_TMP/socat.log" &
	TLS_PID=$!
	for i in $(seq 1 50); do
		curl -s --cacert "$TEST_TMP/cert.pem" "https://127.0.0.1:$tport/v1/health" |
			grep -q ok && break 2
		kill -0 "$TLS_PID" 2>/dev/null || break
		sleep 0.1
	done
	tls_stop
done
[ -n "$TLS_PID" ] || { fail "the TLS front did not start"; cat "$TEST_TMP/socat.log" >&2; finish; exit 1; }
TLS=https://127.0.0.1:$tport
check "the front speaks TLS only (plain HTTP gets no answer from it)" bash -c \
	"! curl -s -m 5 'http://127.0.0.1:$tport/v1/health' | grep -q ok"

sum=$(write sum.py <<'P'
a, b = map(int, input().split())
print(a + b)
P
)

# a certificate no CA here vouches for is refused, and said so
rc=0
printf '1 2\n' | "$FORGE" run --server "$TLS" --no-history "$sum" \
	>/dev/null 2>"$TEST_TMP/err" || rc=$?
check "an unknown certificate: refused (exit $rc)" test "$rc" -ne 0
check "saying it is the certificate" grep -qi 'certificate' "$TEST_TMP/err"

# FORGE_SERVER_CA: the run through TLS is the run through plain HTTP
export FORGE_SERVER_CA=$TEST_TMP/cert.pem
fields='{verdict, exit_code, signal, stdout, stderr, compile_output, language, limits}'
printf '3 4\n' | "$FORGE" run --json --db "$LOCAL_DB" --server "$URL" "$sum" >"$TEST_TMP/plain.json"
rc=0
printf '3 4\n' | "$FORGE" run --json --db "$LOCAL_DB" --server "$TLS" "$sum" >"$TEST_TMP/tls.json" || rc=$?
eq "https: exit 0" 0 "$rc"
eq "https: the sum" "OK 7" "$(jq -r '"\(.verdict) \(.stdout)"' "$TEST_TMP/tls.json" | tr -d '\n')"
eq "https: the same result as over http" "$(jq -S "$fields" "$TEST_TMP/plain.json")" \
	"$(jq -S "$fields" "$TEST_TMP/tls.json")"
check "https: the history names the https server" bash -c \
	"'$FORGE' export \"\$(jq -r .id '$TEST_TMP/tls.json')\" --db '$LOCAL_DB' | jq -e '.toolchain | contains(\"$TLS\")'"

mkdir -p "$TEST_TMP/tests"
printf '1 2\n' >"$TEST_TMP/tests/a.in"
printf '3\n' >"$TEST_TMP/tests/a.ans"
printf '2 2\n' >"$TEST_TMP/tests/b.in"
printf '5\n' >"$TEST_TMP/tests/b.ans"
rc=0
"$FORGE" judge --json --no-history --server "$TLS" "$sum" "$TEST_TMP/tests" \
	>"$TEST_TMP/judge.json" || rc=$?
eq "https judge: a AC, b WA, exit 1" "AC WA 1" \
	"$(jq -r '[.tests[].verdict] | join(" ")' "$TEST_TMP/judge.json") $rc"

# the workbench: an interactive run, its keys and output through the
# WebSocket attach over TLS
prog=$TEST_TMP/ask.py
cat >"$prog" <<'P'
a = int(input("%s? " % "one"))
b = int(input("%s? " % "two"))
print("sum", a + b)
P
tm new-session -d -s t -x 100 -y 30 \
	"FORGE_TOKEN=$token FORGE_SERVER_CA='$FORGE_SERVER_CA' '$TUI' --server '$TLS' '$prog'; echo TUI-EXITED \$?; sleep 60"
check "the workbench opens on the https server" wait_re "\\] +remote"
tm send-keys -t t F5
check "https attach: the server's program prompts" wait_for "one?" 30
tm send-keys -t t -l "5"
tm send-keys -t t Enter
check "https attach: the answer reached it, the next prompt" wait_for "two?" 10
tm send-keys -t t -l "6"
tm send-keys -t t Enter
check "https attach: the program's answer" wait_for "sum 11" 20
check "https attach: the verdict" wait_for "verdict OK" 20
tm send-keys -t t C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10
# without the CA, the attach says why it cannot go
tm kill-session -t t
tm new-session -d -s t -x 100 -y 30 \
	"FORGE_TOKEN=$token '$TUI' --server '$TLS' '$prog'; echo TUI-EXITED \$?; sleep 60"
check "no CA: the workbench opens" wait_for "ask.py"
tm send-keys -t t F5
check "no CA: F5 says the server's certificate is not trusted" \
	wait_re "cannot reach forge serve at https://127.0.0.1:$tport: SSL peer certificate" 30
tm send-keys -t t C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10

tls_stop
eq "no TLS front is left" "" "$(pgrep -f "OPENSSL-LISTEN:$tport" || true)"
serve_stop TERM
eq "the server exits 0" 0 "$SERVE_RC"
eq "no forge-serve process is left" "" "$(serve_procs)"
finish
