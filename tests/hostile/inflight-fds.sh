#!/bin/bash
# Descriptors left "in flight" (sent over a unix socket that holds
# itself, never received) outlive every process of the run until the
# kernel's unix garbage collector frees them. A run is over only when
# they are gone:
# - a 200 MiB memfd left so is not charged to the next run: after it,
#   a program that uses 100 MiB under --mem 256M is OK and measured at
#   about 100 MiB, in the next test of a judge (same forge process, the
#   cgroup kept for it) and in the next forge process (the pool);
# - an flock and an OFD lock left so on a file the program could open
#   (/usr/bin/env, the program's own executable) are free again for the
#   next test of a judge and, on the host, as soon as forge returns.
# - the same when the run that left them is killed for a limit (its
#   init has no time to wait for the collector).
# The control: the first program does take its locks and fill its
# memory (its run is measured at 200 MiB).
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c
memory_exclusive
[ -x /usr/bin/python3 ] || skip "the host's lock probe needs /usr/bin/python3"

src=$PROGS/inflight.c
mib=1024 # KiB

# host_lock_free PATH: an exclusive flock, not waiting, is granted now
host_lock_free() {
	/usr/bin/python3 -c 'import fcntl, sys
f = open(sys.argv[1], "rb")
fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)' "$1" 2>/dev/null
}

# measured_near KIB WANT_MIB: KIB within [WANT - 10, WANT + 40] MiB
measured_near() {
	[ "$1" -ge $((($2 - 10) * mib)) ] && [ "$1" -le $((($2 + 40) * mib)) ]
}

check "control: /usr/bin/env is free on the host" host_lock_free /usr/bin/env

# Locks across forge processes, on the host, right after forge returns.
for i in 1 2 3; do
	echo "lock /usr/bin/env" >"$TEST_TMP/lock.in"
	forge_json "$src" -i "$TEST_TMP/lock.in"
	free=yes
	host_lock_free /usr/bin/env || free=no
	eq "run $i: the program took the flock" "flock /usr/bin/env taken" \
		"$(j .stdout | grep ^flock)"
	eq "run $i: the host's flock is free when forge returns" yes "$free"
done

# Memory across forge processes (the pool of kept cgroups).
for i in 1 2 3; do
	echo "hog 200" >"$TEST_TMP/hog.in"
	forge_json "$src" -i "$TEST_TMP/hog.in" --mem 256M --fsize 256M
	eq "hog $i: verdict" OK "$(j .verdict)"
	check "control: hog $i is measured at its 200 MiB" \
		measured_near "$(j .memory_kb)" 200
	echo "use 100" >"$TEST_TMP/use.in"
	forge_json "$src" -i "$TEST_TMP/use.in" --mem 256M
	eq "use after hog $i: verdict" OK "$(j .verdict)"
	check "use after hog $i: measured at its own 100 MiB ($(j .memory_kb)K)" \
		measured_near "$(j .memory_kb)" 100
done

# Across the tests of one judge: 1 leaves its locks and its memory in
# flight, 2 probes the locks, 3 uses 100 MiB.
mkdir -p "$TEST_TMP/set"
printf 'lock /usr/bin/env\nlock /proc/self/exe\nhog 200\n' >"$TEST_TMP/set/1.in"
printf 'flock /usr/bin/env taken\nofd /usr/bin/env taken\nflock /proc/self/exe taken\nofd /proc/self/exe taken\nhog 200 in flight\n' \
	>"$TEST_TMP/set/1.ans"
printf 'probe /usr/bin/env\nprobe /proc/self/exe\n' >"$TEST_TMP/set/2.in"
printf 'flock /usr/bin/env free\nofd /usr/bin/env free\nflock /proc/self/exe free\nofd /proc/self/exe free\n' \
	>"$TEST_TMP/set/2.ans"
echo "use 100" >"$TEST_TMP/set/3.in"
echo "used 100" >"$TEST_TMP/set/3.ans"
for i in 1 2; do
	rc=0
	"$FORGE" judge --json --no-history -j 1 --mem 256M --fsize 256M \
		"$src" "$TEST_TMP/set" >"$TEST_TMP/judge.json" \
		2>"$TEST_TMP/judge.err" || rc=$?
	eq "judge $i: every test AC" "AC AC AC" \
		"$(jq -r '[.tests[].verdict] | join(" ")' "$TEST_TMP/judge.json")"
	check "judge $i: test 3 measured at its own 100 MiB ($(jq ".tests[2].memory_kb" "$TEST_TMP/judge.json")K)" \
		measured_near "$(jq '.tests[2].memory_kb' "$TEST_TMP/judge.json")" 100
	check "judge $i: the host's flock is free when forge returns" \
		host_lock_free /usr/bin/env
done

# A run killed for its CPU limit with its memory in flight: the next
# test is still measured right.
printf 'hog 200\nspin x\n' >"$TEST_TMP/set/1.in"
: >"$TEST_TMP/set/1.ans"
rm "$TEST_TMP/set/2.in" "$TEST_TMP/set/2.ans"
rc=0
"$FORGE" judge --json --no-history -j 1 -t 1 --mem 256M --fsize 256M \
	"$src" "$TEST_TMP/set" >"$TEST_TMP/judge.json" 2>"$TEST_TMP/judge.err" ||
	rc=$?
eq "killed hog: verdicts" "TLE AC" \
	"$(jq -r '[.tests[].verdict] | join(" ")' "$TEST_TMP/judge.json")"
check "after a killed hog: measured at its own 100 MiB ($(jq ".tests[1].memory_kb" "$TEST_TMP/judge.json")K)" \
	measured_near "$(jq '.tests[1].memory_kb' "$TEST_TMP/judge.json")" 100
finish
