#!/bin/bash
# The docker backend's API version, agreed with daemons of every age
# without a real one: a small HTTP server on a unix socket answers as
# Docker's Engine API documents it (GET /_ping with the Api-Version and
# Server headers, GET /version with ApiVersion, Version and
# MinAPIVersion) and logs what it was asked. A daemon no newer than
# Forge is asked /_ping alone, and its versions are the ones forge doctor
# shows; one that says no version in its ping, or a newer one, is asked
# /version too; a daemon too old, or one that refuses Forge's versions,
# gets its message.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
DOCKER_HOST=unix:///nonexistent "$FORGE" doctor --backend docker --json 2>/dev/null |
	grep -q '"docker daemon"' ||
	skip "this forge was built without the docker backend (no libcurl)"

sock=$TEST_TMP/d.sock
cat >"$TEST_TMP/daemon.py" <<'P'
import http.server, json, os, socketserver, sys

sock, log, ping_api, api, min_api = sys.argv[1:6]

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def address_string(self):
        return "unix"
    def version_string(self):
        return "Docker/%s.0 (linux)" % api
    def log_message(self, *a):
        pass
    def send(self, code, body, ctype, extra=()):
        data = body.encode()
        self.send_response(code)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        with open(log, "a") as f:
            f.write(self.path + "\n")
        if self.path == "/_ping":
            extra = []
            if ping_api != "-":
                extra.append(("Api-Version", ping_api))
            self.send(200, "OK", "text/plain; charset=utf-8", extra)
        elif self.path == "/version":
            self.send(200, json.dumps({"Version": api + ".0",
                                       "ApiVersion": api,
                                       "MinAPIVersion": min_api}),
                      "application/json")
        else:
            self.send(404, json.dumps({"message": "page not found"}),
                      "application/json")

class S(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

if os.path.exists(sock):
    os.unlink(sock)
S(sock, H).serve_forever()
P

pid=
stop() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	pid=
}
trap 'stop; rm -rf "$TEST_TMP"' EXIT

# daemon PING_API API MIN_API: a fake daemon on $sock ('-': no
# Api-Version header in its ping), its log emptied
daemon() {
	stop
	rm -f "$sock" "$TEST_TMP/log"
	: >"$TEST_TMP/log"
	python3 "$TEST_TMP/daemon.py" "$sock" "$TEST_TMP/log" "$@" &
	pid=$!
	for _ in $(seq 100); do
		[ -S "$sock" ] && return 0
		sleep 0.05
	done
	fail "the fake daemon did not start"
}

not() { ! "$@"; }

# the doctor's line about the daemon, from its JSON
daemon_check() {
	DOCKER_HOST=unix://$sock "$FORGE" doctor --backend docker --json \
		2>/dev/null | jq -r '.backends[0].checks[] | select(.check == "docker daemon") | "\(.status) \(.detail)"' | head -1
}

daemon 1.41 1.41 1.12
out=$(daemon_check)
check "Debian 12's daemon (API 1.41): the doctor names it ($out)" \
	grep -q "Docker 1.41.0 on .*, API 1.41 (the daemon's newest: 1.41)" <<<"$out"
check "a daemon no newer than Forge is pinged" grep -qx /_ping "$TEST_TMP/log"
check "and not asked /version" not grep -qx /version "$TEST_TMP/log"

daemon 1.47 1.47 1.24
out=$(daemon_check)
check "a daemon at Forge's newest (1.47): API 1.47 ($out)" \
	grep -q "API 1.47 (the daemon's newest: 1.47)" <<<"$out"
check "nor is one at Forge's newest" not grep -qx /version "$TEST_TMP/log"

daemon - 1.41 1.12
out=$(daemon_check)
check "a ping without Api-Version: the version from /version ($out)" \
	grep -q "Docker 1.41.0 on .*, API 1.41" <<<"$out"
check "which it asked" grep -qx /version "$TEST_TMP/log"

daemon 1.52 1.52 1.44
out=$(daemon_check)
check "a newer daemon that still takes Forge's newest: API 1.47 ($out)" \
	grep -q "API 1.47 (the daemon's newest: 1.52)" <<<"$out"
check "its oldest version asked with /version" grep -qx /version "$TEST_TMP/log"

daemon 1.60 1.60 1.50
out=$(daemon_check)
check "a daemon that refuses Forge's versions says so ($out)" \
	grep -q "^fail .*accepts API 1.50 and newer; this Forge speaks 1.25 to 1.47" <<<"$out"

daemon 1.24 1.24 1.12
out=$(daemon_check)
check "a daemon too old says so ($out)" \
	grep -q "^fail .*is too old: Docker 1.24.0 speaks API 1.24, Forge needs 1.25 or newer" <<<"$out"
stop
finish
