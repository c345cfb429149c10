#!/bin/bash
# The run's life: live samples while it runs, and nothing of it left once
# forge returns, even when forge itself is killed mid-run.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox

# live samples: at least every 100 ms, memory and threads seen growing
grow=$(write grow.c <<'X'
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static void *idle(void *p) { pause(); return p; }
int main(void) {
	pthread_t t;
	for (int i = 0; i < 3; i++) pthread_create(&t, NULL, idle, NULL);
	for (int i = 0; i < 24; i++) {
		memset(malloc(4 << 20), 1, 4 << 20);
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return 0;
}
X
)
forge_json "$grow" --samples
eq "samples: run OK" OK "$(j .verdict)"
n=$(j '.samples | length')
# (counts, not timings: a loaded machine may delay a sample, not drop it)
check "samples: about one per 100 ms ($n over $(j .wall_ms) ms)" test "$n" -ge "$(( $(j .wall_ms) / 200 ))"
check "samples: they are spaced about 100 ms apart" \
	test "$(j '[.samples | range(1; length) as $i | .[$i].t_ms - .[$i-1].t_ms] | min')" -ge 90
# (the largest sample, not the last: the last may catch the program
# while its exit is freeing its memory)
check "samples: memory grows ($(j '[.samples[].memory_kb] | first, max' | tr '\n' ' '))" \
	test "$(j '[.samples[].memory_kb] | max')" -gt "$(( $(j '.samples[0].memory_kb') + 40000 ))"
check "samples: the threads are counted" test "$(j '[.samples[].pids] | max')" -ge 4
check "samples: CPU time never decreases" test "$(j '[.samples | range(1; length) as $i | .[$i].cpu_ms >= .[$i-1].cpu_ms] | all')" = true
rc=0
"$FORGE" run --samples "$grow" >/dev/null 2>&1 || rc=$?
eq "--samples without --json is a usage error" 2 "$rc"

# forge killed in the middle of a run: the whole run dies with it,
# daemon included, and the next forge removes what was left
marker="forge-lifecycle-$$-$RANDOM"
daemon=$(write daemon.c <<X
#include <unistd.h>
int main(void) {
	if (fork() == 0) {
		setsid();
		if (fork() == 0) {
			execl("/usr/bin/sleep", "$marker", "1000", (char *)0);
			_exit(1);
		}
		_exit(0);
	}
	execl("/usr/bin/sleep", "$marker", "1000", (char *)0);
	return 1;
}
X
)
"$FORGE" run -q "$daemon" --wall 60 >/dev/null 2>&1 &
forge_pid=$!
for _ in $(seq 100); do
	[ "$(pgrep -f -c "$marker")" -ge 2 ] && break
	sleep 0.05
done
eq "the program and its daemon are running" 2 "$(pgrep -f -c "$marker")"
kill -9 "$forge_pid"
{ wait "$forge_pid"; } 2>/dev/null
for _ in $(seq 40); do
	pgrep -f "$marker" >/dev/null || break
	sleep 0.05
done
eq "forge killed: no process of the run is left" 0 "$(pgrep -f -c "$marker")"
# (its cgroup is left until the next forge starts; with tests running in
# parallel, that next forge may be another test's, so only the end state
# is asserted)
"$FORGE" run -q "$TEST_TMP/grow.c" >/dev/null 2>&1
eq "the next forge removed the dead run's cgroups" "" \
	"$(find /sys/fs/cgroup -maxdepth 8 -type d -name "run-$forge_pid-*" 2>/dev/null)"

# a normal run leaves no cgroup behind either
"$FORGE" run -q "$TEST_TMP/grow.c" >/dev/null 2>&1 &
p=$!
wait $p
eq "a finished run leaves no cgroup" "" \
	"$(find /sys/fs/cgroup -maxdepth 8 -type d -name "run-$p-*" 2>/dev/null)"

# under cgroup v1 a finished run's set waits, renamed pool-N, for the
# next forge: at most 8 of them, none with a process in it, and the run
# that claims one measures only itself (the last set parked was the
# big run's, unless a test running alongside took it first)
pools=$(find /sys/fs/cgroup -maxdepth 8 -type d -path '*/forge/pool-*' 2>/dev/null)
most=$(sed 's,/pool-[^/]*$,,' <<<"$pools" | grep . | sort | uniq -c |
	sort -n | awk 'END { print $1 + 0 }')
check "the pool of cgroup sets is bounded ($most in a controller)" test "$most" -le 8
eq "the pool's sets are named pool-0 to pool-7" "" \
	"$(grep -v '/forge/pool-[0-7]$' <<<"$pools")"
busy=
for d in $pools; do
	[ -n "$(cat "$d/tasks" 2>/dev/null)" ] && busy="$busy $d"
done
eq "no process in a pooled cgroup set" "" "$busy"
tiny=$(write tiny.c <<'X'
int main(void) { return 0; }
X
)
forge_json "$grow" >/dev/null
forge_json "$tiny"
eq "after a big run: the next run is OK" OK "$(j .verdict)"
check "after a big run: the next run's memory is its own ($(j .memory_kb) KiB)" \
	test "$(j .memory_kb)" -lt 16384
check "after a big run: the next run's CPU time is its own ($(j .time_ms) ms)" \
	test "$(j .time_ms)" -lt 200
finish
