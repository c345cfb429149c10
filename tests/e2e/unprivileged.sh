#!/bin/bash
# As an ordinary user (no root, no delegated cgroup), forge still
# sandboxes with user namespaces, and the limits fall back to rlimits
# plus sampling, which the result says.
. "$FORGE_SRCDIR/tests/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "needs root to switch to an unprivileged user"
fi
command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
user=65534
home="$TEST_TMP/home"
mkdir -p "$home"
chown "$user:$user" "$home"
as_user() {
	setpriv --reuid=$user --regid=$user --clear-groups \
		env HOME="$home" XDG_CACHE_HOME="$home/cache" \
		XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
		FORGE_DATA_DIR="$FORGE_DATA_DIR" \
		"$@"
}
if ! as_user test -x "$FORGE"; then
	skip "the forge binary is not reachable by uid $user"
fi
if ! as_user "$FORGE" doctor >"$TEST_TMP/doctor.txt" 2>&1; then
	cat "$TEST_TMP/doctor.txt" >&2
	skip "unprivileged user namespaces are not allowed here"
fi

cat >"$home/hello.c" <<'X'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
X
cat >"$home/loop.c" <<'X'
int main(void) { volatile unsigned long x = 0; for (;;) x++; }
X
cat >"$home/mem.c" <<'X'
#include <stdlib.h>
#include <string.h>
int main(void) { for (;;) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 1, 1 << 20); } }
X
cat >"$home/id.sh" <<'X'
id -u
grep -E '^(CapEff|NoNewPrivs)' /proc/self/status
X
chmod 644 "$home"/*.c "$home"/*.sh

run_user() { # run_user FILE OPTS...
	local f=$1
	shift
	rc=0
	as_user "$FORGE" run --json "$@" "$home/$f" >"$TEST_TMP/last.json" 2>"$TEST_TMP/last.err" </dev/null || rc=$?
}

run_user hello.c
eq "unprivileged: hello OK" OK "$(j .verdict)"
eq "unprivileged: limits by rlimit" rlimit "$(j .enforced_by)"
run_user loop.c -t 0.5
eq "unprivileged: TLE" TLE "$(j .verdict)"
run_user mem.c -m 64M
eq "unprivileged: MLE" MLE "$(j .verdict)"
run_user id.sh
eq "unprivileged: uid 1000 inside, no capabilities, no_new_privs" \
	"1000 CapEff: 0000000000000000 NoNewPrivs: 1" "$(j .stdout | tr -s '\t\n' '  ' | sed 's/ $//')"
finish
