#!/bin/bash
# Memory the kernel holds on the program's behalf counts against the
# run's limit too: four processes fill unix socket pairs (about 230 MiB
# queued each, far past a 64M limit, while their own pages stay small).
# The run must end MLE, or at least the host must not lose more memory
# than the limit while it lasts, both where a cgroup enforces the limit
# and in the rlimit fallback (FORGE_NO_CGROUP=1, what an unprivileged
# user without a delegated cgroup gets: there, having nothing to charge
# socket buffers to, forge refuses sockets unless --net). The host's
# available memory is measured while the run holds its buffers.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c
memory_exclusive

avail_mb() {
	echo $(($(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 1024))
}

measure_run() {
	before=$(avail_mb)
	low=$before
	env "${envs[@]}" "$FORGE" run --json --no-history -m $limit \
		-t 10 --wall 20 -i "$TEST_TMP/unix.in" \
		"$PROGS/kmem-bomb.c" >"$TEST_TMP/k.json" \
		2>"$TEST_TMP/k.err" &
	bg=$!
	while kill -0 "$bg" 2>/dev/null; do
		a=$(avail_mb)
		[ "$a" -lt "$low" ] && low=$a
		sleep 0.1
	done
	forge_wait "$TEST_TMP/k.json"
	drop=$((before - low))
	queued=$(j .stdout | sed -n 's/.* \([0-9]*\) KiB queued.*/\1/p' |
		awk '{ s += $1 } END { print int(s / 1024) }')
	what="$mode ($(j .enforced_by)), -m $limit"
	echo "$what: $(j .verdict), the program queued ${queued} MiB," \
		"the host lost up to ${drop} MiB, memory_kb $(j .memory_kb)"
}

name=km$(token | cut -c1-12)
echo "unix 4 $name" >"$TEST_TMP/unix.in"
forge_json "$PROGS/kmem-bomb.c" -i /dev/null # compile first

# The control: with a limit above what the bomb queues, the run is OK and
# the host does lose that memory while it lasts (so the measure works).
for mode in default rlimit; do
	envs=()
	[ $mode = rlimit ] && envs=(FORGE_NO_CGROUP=1)
	for limit in 2G 64M; do
		# The host's free memory is shared with everything else on the
		# machine: a drop past the bound is measured again (up to three
		# times) before it counts, while a working attack drops it every
		# time.
		for attempt in 1 2 3; do
			measure_run
			[ "$drop" -le 264 ] && break
			[ $mode = default -a $limit = 2G ] && break
			[ "$(j .verdict)" = MLE ] && break
			echo "$what: the host lost ${drop} MiB, measuring again"
		done
		if [ $mode = rlimit ]; then
			# no socket to fill: the attack cannot start
			check "$what: sockets refused" \
				grep -q "Permission denied\|EACCES\|socketpair" <<<"$(j .stdout) $(j .stderr)"
			check "$what: the host lost at most the limit + 200 MiB" \
				[ "$drop" -le 264 ]
		elif [ $limit = 2G ]; then
			eq "$what: verdict" OK "$(j .verdict)"
			check "$what (control): the host did lose the queued memory" \
				[ "$drop" -ge $((queued / 2)) -a "$queued" -ge 400 ]
		else
			check "$what: MLE, or the host lost at most the limit + 200 MiB" \
				[ "$(j .verdict)" = MLE -o "$drop" -le 264 ]
		fi
		eq "$what: none of the bomb left" 0 "$(pgrep -xc "$name")"
	done
done
finish
