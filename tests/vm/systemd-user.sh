#!/bin/bash
# tests/vm/systemd-user.sh FORGE SRCDIR: run by tests/vm/systemd-inner.sh
# as the ordinary user forge-student, logged in through PAM: a session
# scope of systemd-logind's that other processes share, which the user
# may not give children with controllers, as a terminal on a laptop has.
# Without a prefix and without root, forge must ask the user's systemd
# manager for a transient scope and get whole-run cgroup v2 limits: for
# forge run, forge judge and forge-tui.
export FORGE=$1 FORGE_SRCDIR=$2
. "$FORGE_SRCDIR/tests/lib.sh"
cd "$TEST_TMP"
# generous limits unless a check sets its own: python starts slowly under
# full emulation on a loaded host
run() {
	"$FORGE" run --no-history --json --compile-time 120 -t 10 --wall 60 \
		"$@" 2>run.err
}
field() { jq -r "$1" <<<"$2"; }

self=$(sed -n 's/^0:://p' /proc/self/cgroup)
check "a session scope of logind's ($self)" grep -q '^/user.slice/user-[0-9]*.slice/session-[0-9a-z]*.scope$' <<<"$self"
# another process in the session, as a terminal has its shell
sleep 600 &
other=$!
check "the session scope holds other processes" \
	test "$(wc -l <"/sys/fs/cgroup$self/cgroup.procs")" -ge 3
check "the user may not make cgroups there" test ! -w "/sys/fs/cgroup$self"

# the user manager's bus, which pam_systemd asked logind to start
for _ in $(seq 300); do
	[ -S "$XDG_RUNTIME_DIR/bus" ] && break
	sleep 0.2
done
check "the user's bus is up ($XDG_RUNTIME_DIR/bus)" test -S "$XDG_RUNTIME_DIR/bus"

"$FORGE" doctor >doctor.txt 2>&1
check "doctor: a transient scope from the user manager" \
	grep -q "cgroup v2, transient scope forge-[0-9]*.scope from the systemd user manager" doctor.txt
check "doctor: forge can sandbox here" grep -q "forge can sandbox programs here" doctor.txt
sed 's/^/  | /' doctor.txt | grep -E 'cgroups|sandbox'

printf 'print("hello from a scope")\n' >hello.py
out=$(run hello.py)
eq "hello: verdict ($(field .detail "$out"))" OK "$(field .verdict "$out")"
eq "hello: enforced by" cgroup-v2 "$(field .enforced_by "$out")"
eq "hello: output" "hello from a scope" "$(field .stdout "$out")"

# four processes of 60 MB each break a 128 MB limit: it binds the run as
# a whole
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
out=$(run --mem 128M -t 20 four.py)
eq "4 x 60 MB under 128 MB: MLE ($(field '.enforced_by, .detail' "$out" | tr '\n' ' '))" \
	MLE "$(field .verdict "$out")"

# processes: at most the limit, for the whole run
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
eq "--pids 16: enforced by" cgroup-v2 "$(field .enforced_by "$out")"

# a fork bomb: held by the pids limit, and nothing of it outlives the run
cat >bomb.py <<'X'
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
X
out=$(run --pids 32 -t 2 --wall 10 bomb.py)
v=$(field .verdict "$out")
check "fork bomb: stopped with a verdict, not IE ($v)" test "$v" = TLE -o "$v" = RE
eq "fork bomb: enforced by" cgroup-v2 "$(field .enforced_by "$out")"
sleep 0.5
check "no process of the bomb is left" test -z "$(pgrep -u "$(id -u)" -f bomb.py)"

# forge judge: one scope for the whole test set
mkdir tests
for i in 1 2 3; do
	echo "$i" >"tests/$i.in"
	echo "$i" >"tests/$i.ans"
done
printf 'print(input())\n' >echo.py
# (generous limits: python starts slowly under full emulation)
out=$("$FORGE" judge --no-history --json -j 2 -t 10 echo.py tests 2>judge.err)
each=$(jq -r '[.tests[]? | "\(.verdict) \(.time_ms)/\(.wall_ms) ms"] | join(", ")' <<<"$out")
eq "judge: verdict ($each)" AC "$(field .verdict "$out")"
eq "judge: enforced by" cgroup-v2 "$(field .enforced_by "$out")"

# the fallbacks, and what doctor says of each
out=$(FORGE_NO_SCOPE=1 run hello.py)
eq "FORGE_NO_SCOPE=1: enforced by rlimit" rlimit "$(field .enforced_by "$out")"
FORGE_NO_SCOPE=1 "$FORGE" doctor >doctor.txt 2>&1
check "doctor, FORGE_NO_SCOPE=1: says how to undo it" grep -q "unset FORGE_NO_SCOPE" doctor.txt
out=$(env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR=/nonexistent \
	"$FORGE" run --no-history --json -t 10 --wall 60 hello.py 2>run.err)
eq "no user bus: still OK ($(head -c 200 run.err))" OK "$(field .verdict "$out")"
eq "no user bus: enforced by rlimit" rlimit "$(field .enforced_by "$out")"
env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR=/nonexistent "$FORGE" doctor >doctor.txt 2>&1
check "doctor, no user bus: says why" grep -q "no systemd user bus" doctor.txt
check "doctor, no user bus: the one command that fixes it" grep -q "loginctl enable-linger" doctor.txt
grep -E 'cgroups|fix:' doctor.txt | sed 's/^/  | /'

# forge-tui: a run from the workbench (F5), as recorded in the history
if command -v tmux >/dev/null && [ -x "$(dirname "$FORGE")/forge-tui" ]; then
	printf 'echo "from the workbench"\n' >tui.sh
	export TMUX_TMPDIR=$TEST_TMP
	tmux -L vm new-session -d -s t -x 100 -y 30 \
		"$(dirname "$FORGE")/forge-tui $TEST_TMP/tui.sh; sleep 60"
	for _ in $(seq 600); do
		tmux -L vm capture-pane -t t -p | grep -q tui.sh && break
		sleep 0.2
	done
	tmux -L vm send-keys -t t F5
	for _ in $(seq 600); do
		tmux -L vm capture-pane -t t -p | grep -q "verdict OK" && break
		sleep 0.2
	done
	check "forge-tui: the run ends OK" \
		grep -q "verdict OK" <<<"$(tmux -L vm capture-pane -t t -p)"
	tmux -L vm send-keys -t t C-q
	sleep 1
	tmux -L vm kill-server
	id=$("$FORGE" history --json | jq -r '.[0].id')
	eq "forge-tui: enforced by" cgroup-v2 \
		"$("$FORGE" show --json "$id" | jq -r .enforced_by)"
else
	echo "SKIP: forge-tui in tmux (no tmux or no forge-tui)"
fi

# what the scope costs a run, for the README (figures only, no check:
# under full emulation they are slow, but side by side)
if "$FORGE_SRCDIR/bench/scope.sh" -n 3 -b 1 >bench.txt 2>&1; then
	sed 's/^/  | /' bench.txt
else
	echo "  | bench/scope.sh did not measure: $(tail -n1 bench.txt)"
fi

kill "$other"
finish
