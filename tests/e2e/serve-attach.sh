#!/bin/bash
# GET /v1/runs/{id}/attach: a WebSocket to an interactive run, driven by
# Node clients (the `ws` package when npm can install it, and a client
# of Node's net module that also sends frames no proper client sends).
# A program that prompts and sums two lines answers each prompt in turn;
# resize reaches a terminal program (stty size); a client that leaves
# ends the program's input; a run nobody attaches to starts with its
# stdin closed; bad frames get the close code RFC 6455 gives them; the
# route needs a token as the others do; and nothing is left after the
# server stops.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang python3
need_lang bash
command -v node >/dev/null || skip "node is not installed"

client="$FORGE_SRCDIR/tests/attach-client.js"
# the `ws` package, an implementation other than Forge's, when it can be
# had; else the net-module client alone
if timeout 120 npm install --prefix "$TEST_TMP/npm" --no-audit --no-fund \
	--loglevel=error ws@8 >"$TEST_TMP/npm.log" 2>&1; then
	export WS_MODULE="$TEST_TMP/npm/node_modules/ws"
	echo "clients: the ws package and Node's net module"
else
	echo "clients: Node's net module only (npm could not install ws)"
fi

token=$("$FORGE" token add lab --db "$SERVE_DB")
auth=(-H "Authorization: Bearer $token")
# the workers' sockets go under TEST_TMP: checked to be gone at the end
TMPDIR=$TEST_TMP serve_start -j 2

# submit JSON: an interactive run queued; its id in $id
submit() {
	req POST /v1/runs "${auth[@]}" --data-binary "$1"
	id=$(j .id)
}
# attach SCRIPT [TOKEN]: the client's lines into $TEST_TMP/attach.out
attach() {
	timeout 120 node "$client" "${URL/http/ws}/v1/runs/$id/attach" \
		"${2-$token}" "$1" >"$TEST_TMP/attach.out" 2>"$TEST_TMP/attach.err" ||
		cat "$TEST_TMP/attach.err" >&2
}
out() { jq -rs '[.[] | select(.type == "stdout") | .data] | join("")' "$TEST_TMP/attach.out"; }
closed() { jq -rs '.[-1] | "\(.close) \(.reason)"' "$TEST_TMP/attach.out"; }

# a prompt, a line, a prompt, a line, the sum: each prompt arrives before
# the line that answers it is sent
submit '{"language":"python3","interactive":true,"source":"a = input(\"a? \")\nb = input(\"b? \")\nprint(int(a) + int(b))\n"}'
attach '[{"wait":"a? "},{"binary":"3\n"},{"wait":"b? "},{"text":{"type":"stdin","data":"4\n"}}]'
eq "sum: the prompts, then the sum" "a? b? 7" "$(out)"
eq "sum: the first message says the program started" status \
	"$(head -1 "$TEST_TMP/attach.out" | jq -r .type)"
eq "sum: the result comes last, then a close 1000" "OK done|1000 the run ended" \
	"$(jq -rs '[.[] | select(.type == "result")][0].result | "\(.verdict) \(.status)"' "$TEST_TMP/attach.out")|$(closed)"
sum_id=$id
req GET "/v1/runs/$sum_id" "${auth[@]}"
eq "sum: GET /v1/runs/{id} has the same output" "a? b? 7" "$(j .stdout | tr -d '\n')"
check "sum: the history keeps what was typed" \
	test "$("$FORGE" export "$(j .history_id)" --db "$SERVE_DB" | jq -r .stdin)" = "$(printf '3\n4')"

# a terminal: its size at the start, and after a resize
submit '{"language":"bash","interactive":true,"tty":true,"rows":10,"cols":20,"source":"stty size\nread -r x\nstty size\necho \"got $x\"\n"}'
attach '[{"wait":"10 20"},{"text":{"type":"resize","rows":33,"cols":101}},{"binary":"hi\n"},{"wait":"got hi"}]'
check "tty: the first size reaches the program" grep -q '10 20' <(out)
check "tty: a resize reaches the program (stty size)" grep -q '33 101' <(out)
eq "tty: it ends OK" "OK" "$(jq -rs '[.[] | select(.type == "result")][0].result.verdict' "$TEST_TMP/attach.out")"

# a client that leaves: the program's input ends, it runs to its end
submit '{"language":"python3","interactive":true,"source":"import sys\nd = sys.stdin.read()\nprint(\"got\", len(d))\n"}'
attach '[{"wait_status":true},{"binary":"abc"},{"drop":true}]'
req GET "/v1/runs/$id?wait=1" "${auth[@]}"
for i in $(seq 1 100); do
	req GET "/v1/runs/$id" "${auth[@]}"
	[ "$(j .status)" = done ] && break
	sleep 0.2
done
eq "a client that leaves: the program sees the end of its input" "done OK got 3" \
	"$(j .status) $(j .verdict) $(j .stdout | tr -d '\n')"

# "eof": the end of input, the client still there
submit '{"language":"python3","interactive":true,"source":"import sys\nprint(len(sys.stdin.read()))\n"}'
attach '[{"wait_status":true},{"binary":"abcd"},{"text":{"type":"eof"}}]'
eq "eof: the program reads to the end, the client gets it all" "4|1000" \
	"$(out | tr -d '\n')|$(closed | cut -d' ' -f1)"

# nobody attaches within attach_wait: the run starts with stdin closed
req POST '/v1/runs?wait=60' "${auth[@]}" --data-binary \
	'{"language":"python3","interactive":true,"attach_wait":1,"source":"import sys\nprint(len(sys.stdin.read()))\n"}'
eq "no client within attach_wait: stdin is closed" "OK 0" "$(j .verdict) $(j .stdout | tr -d '\n')"
attach '[]'
check "attaching to an ended run is refused (409)" grep -q '"HTTP/1.1 409' "$TEST_TMP/attach.out"

# bad frames: each gets its close code (a run that waits for its input)
bad() {
	submit '{"language":"python3","interactive":true,"source":"input()\n"}'
	attach "[{\"raw\":\"$2\"}]"
	eq "$1" "$3" "$(closed | cut -d' ' -f1)"
	req DELETE "/v1/runs/$id" "${auth[@]}"
}
bad "an unmasked client frame: 1002" 810178 1002
# a binary frame that says 2 MiB, over the 1 MiB a message may have
bad "a message over the maximum: 1009" 82ff000000000020000000000000 1009
bad "a text message that is not UTF-8: 1007" 818200000000c328 1007
bad "a reserved bit: 1002" c18000000000 1002
# {"type":"dance"} masked with 0
bad "a message of no known type: 1008" \
	"8190000000007b2274797065223a2264616e6365227d" 1008
# a ping (payload "hi") is answered with a pong; a close is echoed
submit '{"language":"python3","interactive":true,"source":"input()\n"}'
attach '[{"wait_status":true},{"raw":"898200000000686988820000000003e8"}]'
eq "a ping gets its pong, a close its echo" "hi|1000" \
	"$(jq -rs '[.[] | select(.pong != null) | .pong][0]' "$TEST_TMP/attach.out")|$(closed | cut -d' ' -f1)"
req DELETE "/v1/runs/$id" "${auth[@]}"

# auth as for the other routes; the handshake checked
req GET "/v1/runs/$id/attach" -H 'Upgrade: websocket' -H 'Connection: Upgrade' \
	-H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='
eq "no token: 401" 401 "$code"
submit '{"language":"python3","interactive":true,"source":"input()\n"}'
attach '[]' ""
check "the node client without a token is refused (401)" grep -q '"HTTP/1.1 401' "$TEST_TMP/attach.out"
other=$("$FORGE" token add other --db "$SERVE_DB")
kill -HUP "$SERVE_PID"
sleep 0.5
attach '[]' "$other"
check "another token's run: 403" grep -q '"HTTP/1.1 403' "$TEST_TMP/attach.out"
req GET "/v1/runs/$id/attach" "${auth[@]}" -H 'Upgrade: websocket' \
	-H 'Connection: Upgrade' -H 'Sec-WebSocket-Version: 8' \
	-H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='
eq "another WebSocket version: 426, naming 13" "426 13" \
	"$code $(sed -n 's/^Sec-WebSocket-Version: \([0-9]*\).*/\1/ip' "$TEST_TMP/headers")"
req GET "/v1/runs/$id/attach" "${auth[@]}"
eq "no handshake: 400" 400 "$code"
req POST '/v1/runs?wait=60' "${auth[@]}" --data-binary '{"language":"python3","source":"print(1)"}'
id=$(j .id)
req GET "/v1/runs/$id/attach" "${auth[@]}" -H 'Upgrade: websocket' \
	-H 'Connection: Upgrade' -H 'Sec-WebSocket-Version: 13' \
	-H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='
eq "a run that is not interactive: 409" 409 "$code"
req POST /v1/runs "${auth[@]}" --data-binary '{"language":"python3","interactive":true,"stdin":"x","source":"print(1)"}'
eq "interactive with stdin: 400" 400 "$code"

serve_stop TERM
eq "SIGTERM: the server exits 0" 0 "$SERVE_RC"
eq "no forge-serve process is left" "" "$(serve_procs)"
eq "the workers' socket directory is gone" "" \
	"$(find "$TEST_TMP" -maxdepth 1 -name 'forge-serve.*')"
finish
