#!/bin/bash
# The host's network is out of reach: a listener on every host address
# (TCP and UDP on one port), an abstract unix socket and a unix socket on
# a path record any contact; the program tries them all, without and with
# --net, and the listener hears nothing. With --net the program has its
# own loopback: it serves and connects to itself, even on the port the
# host listener holds. The control: a host client and the same program
# run on the host do reach the listener.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c
[ -x /usr/bin/python3 ] || skip "the listener needs /usr/bin/python3"

log=$TEST_TMP/listener.log
abstract=forge-test-$(token)
sock=$TEST_TMP/listener.sock
: >"$log"
/usr/bin/python3 "$PROGS/listener.py" "$log" "$TEST_TMP/port" "$abstract" \
	"$sock" 2>"$TEST_TMP/listener.err" &
listener=$!
trap 'kill $listener 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
wait_until 10 test -s "$TEST_TMP/port" || {
	cat "$TEST_TMP/listener.err" >&2
	skip "the listener did not start"
}
port=$(cat "$TEST_TMP/port")

addrs="127.0.0.1 ::1"
for a in $(hostname -I 2>/dev/null); do
	case $a in fe80:*) ;; *) addrs="$addrs $a" ;; esac
done
{
	for a in $addrs; do
		echo "tcp $a $port"
		echo "udp $a $port"
	done
	echo "abstract $abstract"
	echo "unix $sock"
	echo "self $port"
} >"$TEST_TMP/attempts.in"
echo "port $port, addresses: $addrs"

# what the listener logged, after giving it a moment
heard() {
	sleep 1
	cat "$log"
}
# heard_soon PATTERN: the listener logs a matching line within 10 s
heard_soon() {
	wait_until 10 grep -q "$1" "$log"
}

# The controls.
/usr/bin/python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2)
s.sendall(b"control\n")' "$port"
check "control: a host client is logged" heard_soon "^tcp .*control"
if prog=$(host_cc net) && [ -n "$prog" ]; then
	"$prog" <"$TEST_TMP/attempts.in" >"$TEST_TMP/host.out"
	for kind in tcp udp abstract unix; do
		check "control: the program on the host reaches the listener ($kind)" \
			heard_soon "^$kind .*hello from the sandbox"
	done
fi
sleep 0.5
: >"$log"

for net in "" --net; do
	forge_json "$PROGS/net.c" $net -i "$TEST_TMP/attempts.in" --wall 20
	what="sandbox${net:+ $net}"
	eq "$what: verdict" OK "$(j .verdict)"
	out=$(j .stdout)
	check "$what: every attempt was made" \
		[ "$(grep -c . <<<"$out")" -eq "$(grep -c . "$TEST_TMP/attempts.in")" ]
	eq "$what: no connection succeeded" "" "$(grep '^CONNECTED' <<<"$out")"
	eq "$what: the listener heard nothing" "" "$(heard)"
done
# (the last run was the --net one)
check "--net: the program serves itself on its own loopback" \
	grep -q "^SELF OK $port\$" <<<"$out"
check "the listener is still there" kill -0 "$listener"
finish
