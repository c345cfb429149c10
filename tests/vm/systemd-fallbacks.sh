#!/bin/bash
# tests/vm/systemd-fallbacks.sh FORGE SRCDIR MODE: run by
# tests/vm/systemd-inner.sh as the ordinary user forge-student, logged in
# through PAM, after root has made the user's systemd manager fall short
# of what forge asks it, as some desktops do:
#   refused  a user-bus policy denies StartTransientUnit (as a sandbox's
#            bus filter does): rlimits, and forge and doctor say why;
#   partial  the manager delegates pids and not memory (Delegate=pids):
#            the pids cgroup binds, memory falls back, and forge and
#            doctor say exactly that.
export FORGE=$1 FORGE_SRCDIR=$2
mode=$3
. "$FORGE_SRCDIR/tests/lib.sh"
cd "$TEST_TMP"
run() {
	"$FORGE" run --no-history --json --compile-time 120 -t 10 --wall 60 \
		"$@" 2>run.err
}
field() { jq -r "$1" <<<"$2"; }
for _ in $(seq 300); do
	[ -S "$XDG_RUNTIME_DIR/bus" ] && break
	sleep 0.2
done
printf 'print("hello")\n' >hello.py

case $mode in
refused)
	"$FORGE" doctor >doctor.txt 2>&1
	sed 's/^/  | /' doctor.txt | grep -E 'cgroups|fix:'
	check "doctor, refused: says the manager refused, and why" \
		grep -q "refused a transient scope (org.freedesktop.DBus.Error.AccessDenied)" doctor.txt
	check "doctor, refused: says what lets it work" \
		grep -q "must allow StartTransientUnit" doctor.txt
	out=$(run hello.py)
	eq "refused: forge exits normally" 0 "$?"
	eq "refused: verdict" OK "$(field .verdict "$out")"
	eq "refused: enforced by" rlimit "$(field .enforced_by "$out")"
	check "refused: forge says why on stderr ($(head -c 300 run.err))" \
		grep -q "forge: .*refused a transient scope.*enforced_by: rlimit" run.err
	;;
partial)
	"$FORGE" doctor >doctor.txt 2>&1
	sed 's/^/  | /' doctor.txt | grep -E 'cgroups|fix:'
	check "doctor, partial: the scope has pids, not memory" \
		grep -q "forge-[0-9]*.scope from the systemd user manager without memory (delegated: [a-z ]*): the pids limit binds the whole run" doctor.txt
	check "doctor, partial: what enforces the limits" \
		grep -q "(enforced_by: cgroup-v2:pids+rlimit:memory)" doctor.txt
	check "doctor, partial: the drop-in that delegates memory" \
		grep -q "Delegate=pids memory cpu" doctor.txt
	# a fork bomb (of a thousand children, not endless: it counts):
	# the cgroup's pids limit holds the whole run, no RLIMIT_NPROC
	cat >bomb.py <<'X'
import os, time
n = 0
for i in range(1000):
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
	out=$(run --pids 16 -t 20 bomb.py)
	n=$(field .stdout "$out")
	eq "partial, fork bomb: verdict" OK "$(field .verdict "$out")"
	check "partial, fork bomb, --pids 16: at most 16 processes ($n forked)" \
		test "${n:-99}" -ge 1 -a "${n:-99}" -lt 16
	eq "partial, fork bomb: enforced by" "cgroup-v2:pids+rlimit:memory" \
		"$(field .enforced_by "$out")"
	check "partial: forge says memory is not bound ($(head -c 300 run.err))" \
		grep -q "^forge: .* without memory .*the memory limit is per-process rlimits" run.err
	sleep 0.5
	check "partial: no process of the bomb is left" \
		test -z "$(pgrep -u "$(id -u)" -f bomb.py)"

	# memory: four children of 60 MB under 128 MB, each below the
	# limit: the sampled sum ends the run
	cat >four.py <<'X'
import os, time
kids = []
for i in range(4):
    pid = os.fork()
    if pid == 0:
        block = b"x" * (60 << 20)
        time.sleep(3)
        os._exit(0)
    kids.append(pid)
for pid in kids:
    os.waitpid(pid, 0)
print("all done")
X
	out=$(run --mem 128M -t 20 four.py)
	eq "partial, 4 x 60 MB under 128 MB: MLE ($(field .detail "$out"))" \
		MLE "$(field .verdict "$out")"
	eq "partial, MLE: enforced by" "cgroup-v2:pids+rlimit:memory" \
		"$(field .enforced_by "$out")"
	;;
*)
	echo "systemd-fallbacks.sh: unknown mode $mode" >&2
	exit 2
	;;
esac
finish
