# Helpers for the forge serve tests (sourced after tests/lib.sh). Every
# server listens on 127.0.0.1 on a port the kernel picks, and every wait
# is bounded in count.

[ -x "$(dirname "$FORGE")/forge-serve" ] ||
	skip "forge-serve was not built (configure found no libmicrohttpd)"
command -v curl >/dev/null || skip "curl is not installed"

SERVE_DB="$TEST_TMP/history.db"
SERVE_PID=""

# serve_start [forge serve options...]: starts a server in the background;
# sets SERVE_PID and URL. Fails the test when it does not listen.
serve_start() {
	local i port=""
	: >"$TEST_TMP/serve.log"
	"$FORGE" serve --listen 127.0.0.1:0 --db "$SERVE_DB" "$@" \
		>>"$TEST_TMP/serve.log" 2>&1 &
	SERVE_PID=$!
	for i in $(seq 1 200); do
		port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' \
			"$TEST_TMP/serve.log")
		[ -n "$port" ] && break
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$port" ]; then
		cat "$TEST_TMP/serve.log" >&2
		fail "forge serve did not start"
		finish
		exit 1
	fi
	URL="http://127.0.0.1:$port"
}

# serve_stop [SIGNAL]: stops the server and waits for it (bounded).
serve_stop() {
	local sig=${1:-TERM} i
	[ -n "$SERVE_PID" ] || return 0
	kill -"$sig" "$SERVE_PID" 2>/dev/null
	for i in $(seq 1 600); do
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.1
	done
	wait "$SERVE_PID" 2>/dev/null
	SERVE_RC=$?
	SERVE_PID=""
	# a server that did not end well says why
	if [ "$sig" = TERM ] && [ "$SERVE_RC" -ne 0 ]; then
		echo "--- forge serve's log (exit status $SERVE_RC):" >&2
		tail -n 40 "$TEST_TMP/serve.log" >&2
	fi
}

# The forge-serve processes of this test's database (the server and its
# workers), for checking that none is left.
serve_procs() {
	pgrep -f "forge-serve serve --listen 127.0.0.1:0 --db $SERVE_DB" || true
}

# The processes under the server, one command line a line: its workers
# and what they run (sandboxes, programs).
serve_tree() {
	local c
	for c in $(pgrep -P "${1:-$SERVE_PID}"); do
		tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null && echo
		serve_tree "$c"
	done
}

# req METHOD PATH [curl args...]: the body into $TEST_TMP/last.json, the
# status code into $code, the headers into $TEST_TMP/headers.
req() {
	local method=$1 path=$2
	shift 2
	code=$(curl -s -m 60 -X "$method" -o "$TEST_TMP/last.json" \
		-D "$TEST_TMP/headers" -w '%{http_code}' "$@" "$URL$path")
}

trap 'serve_stop KILL; rm -rf "$TEST_TMP"' EXIT
