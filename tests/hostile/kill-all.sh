#!/bin/bash
# kill(-1, SIGKILL), kill(1, SIGKILL) and SIGKILL aimed at host pids from
# inside reach only the run's own processes: a host canary lives, the
# program itself survives, and forge still reports a result.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c

mark=forge-canary-$(token)
bash -c 'exec -a "$0" sleep 300' "$mark" &
canary=$!
trap 'kill $canary 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
wait_until 5 pgrep -f "$mark" >/dev/null
# the canary and the test's shell, by their host pids
printf '%s\n' "$canary" "$$" >"$TEST_TMP/pids.in"

start=$(date +%s)
forge_bg "$TEST_TMP/kill.json" "$PROGS/killall.c" -i "$TEST_TMP/pids.in" \
	--wall 10
forge_wait "$TEST_TMP/kill.json"
took=$(($(date +%s) - start))
check "forge returned in ${took} s" [ "$took" -le 20 ]
eq "verdict" OK "$(j .verdict)"
out=$(j .stdout)
check "kill(-1) reached the program's children" \
	grep -q "^children killed: 3\$" <<<"$out"
check "the program survived its own kill(-1)" \
	grep -q "^the program survived" <<<"$out"
check "the canary's host pid does not exist inside" \
	grep -q "^kill($canary, SIGKILL): -1 ESRCH" <<<"$out"
check "the host canary lives" kill -0 "$canary"
eq "the canary is the same process" "$canary" "$(pgrep -f "$mark")"
finish
