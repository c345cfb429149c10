#!/bin/bash
# The peak memory of runs that a limit ends: a CPU loop judged TLE and an
# output flood stopped at its output limit, each after touching 20 MB,
# report at least 15 MB (not 0) in forge's JSON, whatever enforces the
# limits: the host's cgroups (v1 here, v2 in the VM: tests/vm/
# cgroup-v2-inner.sh runs this script there) and the rlimit fallback
# (FORGE_NO_CGROUP=1). Read after the run's processes were killed, the
# counters must still be the run's. With --cli (as in the VM, where each
# start of the workbench costs much under emulation), forge judge and
# forge run only.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang c

cd "$TEST_TMP"
# the memory is used after the loop starts, so no compiler drops it
cat >spin.c <<'X'
#include <stdlib.h>
#include <string.h>
int main(void)
{
	size_t n = 20u << 20;
	volatile char *p = malloc(n);
	unsigned long i = 0, sum = 0;

	memset((char *)p, 1, n);
	for (;;)
		sum += p[i++ % n];
}
X
cat >flood.c <<'X'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void)
{
	size_t n = 20u << 20;
	char *p = malloc(n);

	memset(p, 'y', n);
	p[1023] = '\n';
	for (size_t i = 0;; i = (i + 1024) % n) {
		p[i + 1023] = '\n';
		fwrite(p + i, 1, 1024, stdout);
	}
}
X
mkdir tests
printf '1\n' >tests/1.in
printf '1\n' >tests/1.ans

# (a generous compile time: in the VM the compiler runs emulated)
for how in host rlimit; do
	env=()
	[ "$how" = rlimit ] && env=(FORGE_NO_CGROUP=1)
	env "${env[@]}" "$FORGE" judge --json --no-history --compile-time 120 \
		-t 1 spin.c tests >judge.json 2>judge.err
	by=$(jq -r .enforced_by judge.json)
	eq "$how: the CPU loop is TLE" TLE "$(jq -r '.tests[0].verdict' judge.json)"
	kb=$(jq -r '.tests[0].memory_kb' judge.json)
	check "$how ($by): the TLE test's memory is at least 15 MB ($kb KB)" \
		test "${kb:-0}" -ge 15000
	kb=$(jq -r '.memory_kb' judge.json)
	check "$how ($by): the judge's memory too ($kb KB)" \
		test "${kb:-0}" -ge 15000

	# (time enough that under emulation the output limit ends it first)
	env "${env[@]}" "$FORGE" run --json --no-history --compile-time 120 \
		-t 30 --wall 120 --output 8M flood.c >run.json 2>run.err
	by=$(jq -r .enforced_by run.json)
	eq "$how: the flood is OLE" OLE "$(jq -r .verdict run.json)"
	kb=$(jq -r .memory_kb run.json)
	check "$how ($by): the flood's memory is at least 15 MB ($kb KB)" \
		test "${kb:-0}" -ge 15000
done
eq "the rlimit runs say so" rlimit "$by"

# The workbench: the flood on its terminal, stopped at the output limit
# (the workbench counts the output there), and the CPU loop judged with
# F6, as the stats pane and the tests view show their memory.
if [ "${1:-}" = --cli ]; then
	finish
	exit
fi
if ! command -v tmux >/dev/null ||
	! [ -x "${FORGE_TUI:-$(dirname "$FORGE")/forge-tui}" ]; then
	echo "skipped the workbench's part: no tmux, or no forge-tui"
	finish
	exit
fi
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-memory
mkdir spin.tests
printf '1\n' >spin.tests/1.in
printf '1\n' >spin.tests/1.ans
# a peak of 15 MB or more, as the workbench writes sizes
big='(1[5-9]|[2-9][0-9])(\.[0-9]+)?M'
for how in host rlimit; do
	env=()
	[ "$how" = rlimit ] && env=(FORGE_NO_CGROUP=1)
	tui_open 120x40 "${env[@]}" "$TEST_TMP/flood.c"
	check "$how: the workbench opens on the flood" wait_for "flood.c" 20
	keys F5
	check "$how: the flood is stopped at the output limit" \
		wait_for "verdict OLE" 120
	check "$how: the stats pane shows its memory" \
		wait_re "memory .*peak $big" 5
	keys C-q
	check "$how: the workbench quits" wait_for "TUI-EXITED 0" 10

	tui_open 120x40 "${env[@]}" "$TEST_TMP/spin.c"
	check "$how: the workbench opens on the loop" wait_for "spin.c" 20
	keys F6
	check "$how: F6 judges the loop TLE, with its memory" \
		wait_re "^> 1 +TLE +[0-9.]+s +$big" 120
	keys Escape C-q
	check "$how: the workbench quits again" wait_for "TUI-EXITED 0" 10
done
finish
