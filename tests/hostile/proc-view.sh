#!/bin/bash
# The program's /proc shows its own processes only: a handful of pids,
# not the canary the test started on the host (whose marker is in its
# command line), and the canary's host pid, asked for by number, is not
# there. The control: the same program on the host does list the canary.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c

mark=forge-canary-$(token)
bash -c 'exec -a "$0" sleep 300' "$mark" &
canary=$!
trap 'kill $canary 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
wait_until 5 pgrep -f "$mark" >/dev/null
eq "control: the host sees its canary" "$canary" "$(pgrep -f "$mark")"
printf '%s\n' "$canary" "$$" >"$TEST_TMP/pids.in"

if prog=$(host_cc proc-list) && [ -n "$prog" ]; then
	"$prog" <"$TEST_TMP/pids.in" >"$TEST_TMP/host.out"
	check "control: on the host the program lists the canary" \
		grep -q "^pid $canary: $mark 300" "$TEST_TMP/host.out"
fi

forge_json "$PROGS/proc-list.c" -i "$TEST_TMP/pids.in"
eq "verdict" OK "$(j .verdict)"
out=$(j .stdout)
n=$(sed -n 's/^processes: //p' <<<"$out")
# the sandbox's init and the program, nothing else: not even the helper
# that made the run's network namespace (gone before the program starts)
eq "only the run's two processes, its init and itself, are listed" 2 "${n:-?}"
check "the canary's marker is not seen" not_in_result "$mark"
check "the canary's host pid is not there" \
	grep -q "^pid $canary: ENOENT" <<<"$out"
check "the test shell's host pid is not there" \
	grep -q "^pid $$: ENOENT" <<<"$out"
check "the canary lives" kill -0 "$canary"
finish
