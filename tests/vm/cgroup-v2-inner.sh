#!/bin/bash
# Runs inside the VM that tests/e2e/cgroup-v2.sh boots: a stock Debian
# kernel with a pure cgroup v2 hierarchy and every controller on it, as
# most users have (this development machine is a cgroup v1 hybrid).
# Checks that forge uses cgroup v2 and that its limits bind the run as a
# whole there, and that nothing of a run is left behind.
. "$FORGE_SRCDIR/tests/lib.sh"

cd "$TEST_TMP"
# full emulation is slow, and slower on a busy host: the compiler gets
# time enough, since its limit is not what is tested here
run() { "$FORGE" run --no-history --json --compile-time 120 "$@" 2>/dev/null; }
field() { jq -r "$1" <<<"$2"; }

eq "cgroup v2 with its controllers" yes \
	"$(grep -qw memory /sys/fs/cgroup/cgroup.controllers && echo yes)"

"$FORGE" doctor >doctor.txt 2>&1
check "doctor finds cgroup v2" grep -q "cgroup v2 under /sys/fs/cgroup/forge" doctor.txt
check "doctor: forge can sandbox here" grep -q "forge can sandbox programs here" doctor.txt
sed 's/^/  | /' doctor.txt

cat >hello.c <<'X'
#include <stdio.h>
int main(void)
{
	puts("hello from cgroup v2");
	return 0;
}
X
out=$(run hello.c)
eq "C hello: verdict" OK "$(field .verdict "$out")"
[ "$(field .verdict "$out")" = OK ] ||
	echo "  detail: $(field .detail "$out"); compiler: $(field .compile_output "$out")"
eq "C hello: enforced by" cgroup-v2 "$(field .enforced_by "$out")"
eq "C hello: output" "hello from cgroup v2" "$(field .stdout "$out" | head -n1)"

# four processes of 60 MB each break a 128 MB limit: it binds the run as
# a whole, not each process
cat >four.py <<'X'
import os, time
kids = []
for i in range(4):
    pid = os.fork()
    if pid == 0:
        block = b"x" * (60 << 20)
        time.sleep(2)
        os._exit(0)
    kids.append(pid)
for pid in kids:
    os.waitpid(pid, 0)
print("all done")
X
# (generous time: under emulation python is slow)
out=$(run --mem 128M -t 20 four.py)
eq "4 x 60 MB under 128 MB: MLE ($(field '.time_ms, .memory_kb, .detail' "$out" | tr '\n' ' '))" \
	MLE "$(field .verdict "$out")"

# the peak of one process, as the kernel counted it (memory.peak)
cat >peak.py <<'X'
import time
block = b"y" * (80 << 20)
time.sleep(0.3)
print(len(block))
X
out=$(run --mem 256M -t 20 peak.py)
eq "80 MB under 256 MB: OK" OK "$(field .verdict "$out")"
check "80 MB: the peak is at least 80 MB ($(field .memory_kb "$out") KB)" \
	test "$(field .memory_kb "$out")" -ge $((80 * 1024))

# processes: at most the limit, counted for the whole run
cat >forks.py <<'X'
import os, time
n = 0
for i in range(100):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(3)
        os._exit(0)
    n += 1
print(n)
X
out=$(run --pids 16 -t 20 forks.py)
n=$(field .stdout "$out")
check "--pids 16: at most 16 processes ($n children forked)" \
	test "${n:-99}" -ge 1 -a "${n:-99}" -lt 16

# CPU time of the run, a loop stopped at the limit
printf 'while True:\n    pass\n' >spin.py
out=$(run -t 1 spin.py)
eq "a CPU loop under -t 1: TLE" TLE "$(field .verdict "$out")"
check "the loop's CPU time is at least 1 s ($(field .time_ms "$out") ms)" \
	test "$(field .time_ms "$out")" -ge 1000

# a double-forked daemon does not outlive its run
cat >daemon.py <<'X'
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", "433"])
    os._exit(0)
print("parent leaves")
X
out=$(run -t 20 daemon.py)
eq "daemon: verdict" OK "$(field .verdict "$out")"
sleep 0.5
check "no daemon left after the run" test -z "$(pgrep -x sleep)"

# every run's cgroup is gone with it
left=$(find /sys/fs/cgroup/forge -mindepth 1 -type d 2>/dev/null)
eq "no cgroup left under /sys/fs/cgroup/forge" "" "$left"

# An ordinary user in a cgroup delegated to them, forge its only process
# (what `systemd-run --user --scope -p Delegate=yes forge ...` gives):
# forge moves itself into a leaf of it and makes each run's cgroup
# beside that leaf. A fresh scope for each command, as systemd makes.
user=65534
home=/run/user-home
mkdir -p "$home"
chown "$user:$user" "$home"
as_user() {
	local scope=/sys/fs/cgroup/user-scope-$BASHPID
	mkdir "$scope"
	chown "$user:$user" "$scope" "$scope/cgroup.procs" \
		"$scope/cgroup.subtree_control" "$scope/cgroup.threads"
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$scope" \
		setpriv --reuid=$user --regid=$user --clear-groups \
		env HOME="$home" XDG_CACHE_HOME="$home/cache" \
		XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
		FORGE_DATA_DIR="$FORGE_DATA_DIR" "$@"
}
cp peak.py four.py "$home/"
out=$(as_user "$FORGE" run --no-history --json -t 20 "$home/peak.py" 2>&1)
eq "user: 80 MB under 256 MB: OK" OK "$(field .verdict "$out")"
eq "user: enforced by" cgroup-v2 "$(field .enforced_by "$out")"
out=$(as_user "$FORGE" run --no-history --json --mem 128M -t 20 \
	"$home/four.py" 2>&1)
eq "user: 4 x 60 MB under 128 MB: MLE" MLE "$(field .verdict "$out")"
# no run's cgroup is left; only the leaf each forge moved itself into
left=$(find /sys/fs/cgroup/user-scope-* -mindepth 1 -type d \
	! -name 'forge-keeper-*')
eq "user: no run's cgroup left in the scopes" "" "$left"

# The peak memory of runs a limit ended (a CPU loop judged TLE, an
# output flood), under cgroup v2 and under rlimits: what the host's test
# checks under v1 (forge judge and forge run; the workbench reads the
# same measurements, and is checked on the host).
st=0
"$FORGE_SRCDIR/tests/e2e/memory-peak.sh" --cli >"$TEST_TMP/memory-peak.log" 2>&1 || st=$?
sed 's/^/  | memory-peak: /' "$TEST_TMP/memory-peak.log"
eq "e2e/memory-peak under cgroup v2" 0 "$st"
check "it measured under cgroup v2" \
	grep -q "(cgroup-v2): the TLE test's memory" "$TEST_TMP/memory-peak.log"

# The hostile tests whose attacks turn on how the run's cgroup is made
# and joined, as on the host but under cgroup v2: the cgroup namespace's
# view, a limit too small to start. (Memory and locks left in flight,
# tests/hostile/inflight-fds.sh, fill hundreds of MiB: too slow under
# full emulation. Under v2 every run has a cgroup of its own anyway.)
# What each found wrong is shown.
for t in cgroup-view tiny-memory; do
	st=0
	"$FORGE_SRCDIR/tests/hostile/$t.sh" >"$TEST_TMP/$t.log" 2>&1 || st=$?
	grep -v '^ok: ' "$TEST_TMP/$t.log" | sed "s/^/  | $t: /"
	eq "hostile/$t under cgroup v2" 0 "$st"
done
left=$(find /sys/fs/cgroup/forge -mindepth 1 -type d 2>/dev/null)
eq "after the hostile tests: no cgroup left" "" "$left"
finish
