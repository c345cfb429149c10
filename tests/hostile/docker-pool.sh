#!/bin/bash
# The docker backend's warm pool, across runs: one container serves run
# after run, and each run finds it as a container of its own would be.
# A run leaves files in /work, /tmp and /dev/shm, a System V segment, a
# POSIX message queue and a daemon: the control (the same program looks
# in the same run) sees them all; the next run in the same container
# (the same id, seen from the host) sees none, and the host sees no
# daemon once forge returns. Counters start afresh: after a run of 96M
# and one of 400 ms of CPU, a tiny run is charged neither. TLE and MLE
# leave the pool usable. A judge makes far fewer containers than it has
# tests. A forge killed mid-run leaves its daemon and its container for
# the next forge start to remove. With the pool off, forge removes it.
# A container whose cgroup cannot be found is IE, on either path.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
. "$FORGE_SRCDIR/tests/docker-lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v gcc >/dev/null || skip "gcc is not installed"
[ "$(id -u)" = 0 ] || skip "the pool resets cgroup counters: root only"
docker_start

prog="$PROGS/pool-leak.c"
dj() { forge_json "$prog" --backend docker "$@"; }
run_with() { # run_with STDIN [options]
	printf '%s\n' "$1" >"$TEST_TMP/in"
	shift
	dj -i "$TEST_TMP/in" "$@"
}
pool_ids() { docker ps -q --no-trunc --filter label=forge.pool | sort; }
mark=fp$(token | cut -c1-12)
daemon_gone() { ! pgrep -f "^$mark 1000" >/dev/null; }

run_with "look none" # the build, and the pool's first container
eq "a run in the pool" OK "$(j .verdict)"
eq "pool containers: one for the compile, one for the runs" 2 \
	"$(docker_pool_left)"
ids=$(pool_ids)

run_with "both $mark-c"
eq "control: the run sees what it left in /work" 1 \
	"$(j .stdout | grep -c "found file /work/$mark-c")"
eq "control: ... in /tmp and /dev/shm" 2 \
	"$(j .stdout | grep -Ec "found file /(tmp|dev/shm)/$mark-c")"
check "control: ... its shm segment, queue and daemon" \
	eval '[ "$(j .stdout | grep -Ec "found (shm|mq|daemon)")" = 3 ]'
check "control: the daemon is gone from the host once forge returns" \
	wait_until 10 eval "! pgrep -f '^$mark-c 1000' >/dev/null"

run_with "leave $mark"
eq "the leaving run" OK "$(j .verdict)"
check "the daemon is gone from the host once forge returns" \
	wait_until 10 daemon_gone
run_with "look $mark"
eq "the next run" OK "$(j .verdict)"
eq "... ran in the same container" "$ids" "$(pool_ids)"
eq "... finds nothing of the run before" "" \
	"$(j .stdout | grep found)"

run_with "mem 96"
eq "a run of 96M" "OK touched 96" "$(j .verdict) $(j .stdout | head -1)"
check "its peak is its own" [ "$(j .memory_kb)" -ge $((96 * 1024)) ]
run_with "spin 400"
eq "a run of 400 ms of CPU" OK "$(j .verdict)"
# (the program's own clock counts its wrapper's start too, before the
# run's count begins)
check "its CPU time is its own ($(j .time_ms) ms)" \
	[ "$(j .time_ms)" -ge 350 ]
run_with "look none"
eq "a tiny run after them, in the same container" "$ids" "$(pool_ids)"
check "is charged none of their memory ($(j .memory_kb)K)" \
	[ "$(j .memory_kb)" -lt $((32 * 1024)) ]
check "nor their CPU time ($(j .time_ms) ms)" [ "$(j .time_ms)" -lt 200 ]

run_with "spin 100000" -t 0.5 --wall 30
eq "TLE in the pool" TLE "$(j .verdict)"
run_with "mem 400" -m 128M
eq "MLE in the pool" MLE "$(j .verdict)"
run_with "look none"
eq "the pool serves the next run" "OK" "$(j .verdict)"
eq "... in the same container (128M runs have one of their own)" "" \
	"$(comm -23 <(echo "$ids") <(pool_ids))"

# the pool's containers removed behind forge's back, their lock files
# still saying idle, with their ids: the next run finds its container
# gone and makes another
docker rm -f $ids >/dev/null 2>&1
run_with "look none"
eq "the pool's container removed behind forge's back: the next run" OK \
	"$(j .verdict)"
check "... in a container made anew" \
	eval '[ -n "$(pool_ids)" ] && [ -z "$(comm -12 <(echo "$ids") <(pool_ids))" ]'
ids=$(pool_ids)

# a judge: twelve tests, far fewer containers
mkdir -p "$TEST_TMP/tests"
for i in $(seq 12); do
	echo "look t$i" >"$TEST_TMP/tests/$i.in"
	echo done >"$TEST_TMP/tests/$i.ans"
done
since=$(date +%s)
"$FORGE" judge --backend docker -j 2 --json --no-history "$prog" \
	"$TEST_TMP/tests" >"$TEST_TMP/judge.json" 2>"$TEST_TMP/judge.err"
eq "judge -j 2: every test AC" AC \
	"$(jq -r '[.tests[].verdict] | unique | join(" ")' "$TEST_TMP/judge.json")"
made=$(docker events --since "$since" --until "$(date +%s)" \
	--filter type=container --filter event=create --format '{{.ID}}' | wc -l)
check "judge -j 2: $made containers made for 12 tests" [ "$made" -le 2 ]

# forge killed mid-run: its daemon and its container go at the next start
mkfifo "$TEST_TMP/k.fifo"
"$FORGE" run --backend docker --no-history --wall 60 "$prog" \
	<"$TEST_TMP/k.fifo" >/dev/null 2>&1 &
victim=$!
exec 4>"$TEST_TMP/k.fifo"
echo "hold $mark-k" >&4
check "killed forge: its daemon started" \
	wait_until 15 eval "pgrep -f '^$mark-k 1000' >/dev/null"
busy=$(for c in $(docker_pool_busy); do docker inspect -f '{{.Id}}' "$c"; done)
check "killed forge: it held a pool container" [ -n "$busy" ]
kill -9 "$victim"
wait "$victim" 2>/dev/null
exec 4>&-
run_with "look $mark-k"
eq "killed forge: the next run" OK "$(j .verdict)"
eq "killed forge: ... finds nothing of it" "" "$(j .stdout | grep found)"
for c in $busy; do
	check "killed forge: its container is gone" \
		eval "! docker inspect $c >/dev/null 2>&1"
done
check "killed forge: its daemon is gone from the host" \
	wait_until 10 eval "! pgrep -f '^$mark-k 1000' >/dev/null"

# no cgroup found: IE, never a run without a CPU limit
for pool in 0 2; do
	FORGE_DOCKER_POOL=$pool FORGE_DOCKER_CGROUP_ROOT=$TEST_TMP/nocg \
		run_with "look none"
	eq "no cgroup (pool $pool): IE" IE "$(j .verdict)"
	check "no cgroup (pool $pool): the detail says why" \
		grep -q "cannot find the container's cgroup" "$TEST_TMP/last.json"
done
eq "no cgroup: nothing left but the pool" 0 "$(docker_left)"

eq "forge with the pool off removes the pool" 0 "$(docker_drain)"
finish
