#!/bin/bash
# A fork bomb, and processes or threads started until refused: the run is
# stopped, the process limit holds as seen from the host, nothing of the
# bomb outlives the run, and an unrelated host process is untouched. Also
# with FORGE_NO_CGROUP=1 (the rlimit fallback most unprivileged users get).
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c

sleep 300 &
canary=$!
trap 'kill $canary 2>/dev/null; rm -rf "$TEST_TMP"' EXIT

# bomb LABEL [env...]: the fork bomb, watched from the host while it runs
bomb() {
	local label=$1 name max=0 n before after
	shift
	name=fb$(token | cut -c1-12) # a process name has 15 bytes at most
	echo "$name" >"$TEST_TMP/bomb.in"
	env "$@" "$FORGE" run --json --no-history -t 1 --wall 5 --pids 32 \
		-i "$TEST_TMP/bomb.in" "$PROGS/forkbomb.c" \
		>"$TEST_TMP/bomb.json" 2>"$TEST_TMP/bomb.err" &
	bg=$!
	while kill -0 "$bg" 2>/dev/null; do
		n=$(pgrep -xc "$name")
		[ "$n" -gt "$max" ] && max=$n
		sleep 0.02
	done
	forge_wait "$TEST_TMP/bomb.json"
	label="$label ($(j .enforced_by))"
	# the host saw the bomb (so the count below means something) ...
	check "$label: the bomb's processes were seen from the host ($max)" \
		[ "$max" -gt 1 ]
	# ... and never more of it than the limit allows
	check "$label: at most 32 of them at once on the host ($max)" \
		[ "$max" -le 32 ]
	eq "$label: verdict" TLE "$(j .verdict)"
	eq "$label: forge's exit status" 1 "$rc"
	eq "$label: none of the bomb left after the run" 0 \
		"$(pgrep -xc "$name")"
	# (the host's total process count is not compared: tests run in
	# parallel; the bomb's own processes, by name, are)
	check "$label: the host canary lives" kill -0 "$canary"
}

bomb default
# (the docker backend has no rlimit fallback: a container's cgroup or IE)
if [ "$TEST_BACKEND" = ns ]; then
	bomb rlimit FORGE_NO_CGROUP=1
	eq "rlimit: enforced by" rlimit "$(j .enforced_by)"
fi

# Started one by one until refused: the refusal comes below the limit.
for mode in fork thread; do
	name=sc$(token | cut -c1-12)
	printf '%s\n%s\n' "$mode" "$name" >"$TEST_TMP/spawn.in"
	forge_json "$PROGS/spawn-count.c" --pids 20 -i "$TEST_TMP/spawn.in"
	eq "$mode: verdict" OK "$(j .verdict)"
	out=$(j .stdout)
	n=$(echo "$out" | sed -n 's/^started \([0-9]*\), then .*/\1/p')
	check "$mode: refused with EAGAIN ($out)" \
		grep -q "then EAGAIN" <<<"$out"
	# the program itself is one of the 20
	check "$mode: $n started besides the program, of the 20 allowed" \
		[ -n "$n" -a "${n:-99}" -ge 15 -a "${n:-99}" -le 19 ]
	eq "$mode: none left after the run" 0 "$(pgrep -xc "$name")"
done
check "the host canary lives at the end" kill -0 "$canary"
finish
