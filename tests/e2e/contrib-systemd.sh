#!/bin/bash
# contrib/systemd/forge-serve.service: systemd-analyze verify finds
# nothing to say about it (with its ExecStart pointed at this build),
# and it is hardened without taking the sandbox's user namespaces away.
. "$FORGE_SRCDIR/tests/lib.sh"
UNIT="$FORGE_SRCDIR/contrib/systemd/forge-serve.service"
command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"

has() { grep -qx "$1" "$UNIT"; }
check "a user of its own (DynamicUser)" has 'DynamicUser=yes'
check "ProtectSystem=strict" has 'ProtectSystem=strict'
check "a state directory for the history and the queue" has 'StateDirectory=forge-serve'
check "the history in the state directory" grep -q -- '--db ${STATE_DIRECTORY}/history.db' "$UNIT"
check "no new privileges" has 'NoNewPrivileges=yes'
check "no capabilities" has 'CapabilityBoundingSet='
check "its own cgroup subtree for the limits" has 'Delegate=yes'
check "namespaces are not restricted (the sandbox makes them)" bash -c \
	"! grep -Eq '^(RestrictNamespaces|PrivateUsers|SystemCallFilter)=' '$UNIT'"
check "SIGHUP reloads" has 'ExecReload=/bin/kill -HUP $MAINPID'

mkdir -p "$TEST_TMP/man/man1"
cp "$FORGE_SRCDIR/doc/forge-serve.1" "$TEST_TMP/man/man1/"
sed "s|/usr/local/bin/forge|$FORGE|" "$UNIT" >"$TEST_TMP/forge-serve.service"
verify() {
	(cd "$TEST_TMP" && MANPATH="$TEST_TMP/man" SYSTEMD_LOG_COLOR=0 \
		systemd-analyze verify "$1") >"$TEST_TMP/verify.out" 2>&1
}
verify forge-serve.service
rc=$?
[ -s "$TEST_TMP/verify.out" ] && cat "$TEST_TMP/verify.out" >&2
eq "systemd-analyze verify: exit 0" 0 "$rc"
eq "systemd-analyze verify: nothing to say" "" "$(cat "$TEST_TMP/verify.out")"
# the control: a misspelt setting is reported
sed 's/^ProtectSystem=strict$/ProtectSystem=strictest/' "$TEST_TMP/forge-serve.service" \
	>"$TEST_TMP/bad.service"
verify bad.service
check "verify reports a bad value" grep -q "ProtectSystem\|protect system" "$TEST_TMP/verify.out"
finish
