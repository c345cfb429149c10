# Helpers shared by the hostile tests (sourced after tests/lib.sh).

PROGS="$FORGE_SRCDIR/tests/hostile/progs"

# token: a fresh random word, for markers and secrets
token() {
	od -An -N8 -tx1 /dev/urandom | tr -d ' \n'
}

# host_mounts: the host's mount table, but for the mounts of a private
# dockerd that a docker test running alongside starts (its layers and its
# runtime's state, under /tmp/fdk.*): what a program must never change
host_mounts() {
	cut -d' ' -f4- /proc/self/mountinfo |
		grep -vE '^[^ ]+ (/tmp/fdk\.|/run/docker|/run/containerd|/var/lib/docker)' |
		sort
}

# host_cc PROG: compiles progs/PROG.c on the host for a control run (the
# same attack with no sandbox, to show the test's check does catch it);
# prints the binary's path, or nothing when there is no compiler.
host_cc() {
	local out="$TEST_TMP/host-$1"
	command -v gcc >/dev/null 2>&1 || return 0
	gcc -O2 -pthread -o "$out" "$PROGS/$1.c" 2>"$TEST_TMP/host-cc.err" &&
		echo "$out"
}

# forge_bg OUT FILE [options]: starts a run in the background, JSON to OUT;
# the run's pid in $bg
forge_bg() {
	local out=$1 file=$2
	shift 2
	"$FORGE" run --json --no-history "$@" "$file" >"$out" \
		2>"$out.err" &
	bg=$!
}

# forge_wait OUT: waits for the background run; fails the test if it took
# longer than 60 s (forge must not hang); leaves the JSON as the last
# result for `j`
forge_wait() {
	local out=$1 i
	for i in $(seq 600); do
		kill -0 "$bg" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$bg" 2>/dev/null; then
		fail "forge still running after 60 s"
		kill -9 "$bg"
	fi
	rc=0
	wait "$bg" || rc=$?
	cp "$out" "$TEST_TMP/last.json"
}

# in_result STRING: is STRING anywhere in the last JSON result?
in_result() {
	grep -qF -- "$1" "$TEST_TMP/last.json"
}

not_in_result() {
	! in_result "$1"
}

# wait_until SECONDS CMD...: polls CMD every 50 ms until it succeeds
wait_until() {
	local end=$(($(date +%s%N) / 1000000 + $1 * 1000))
	shift
	while [ "$(($(date +%s%N) / 1000000))" -lt "$end" ]; do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# the host uid the sandbox's user 1000 maps to
sandbox_host_uid() {
	# (a container's user is the host's uid 1000: no user namespace)
	if [ "$TEST_BACKEND" = docker ]; then
		echo 1000
	elif [ "$(id -u)" = 0 ]; then echo 60000; else id -u; fi
}

# forge_ctl OUT FILE [options]: starts a run in the background (pid in
# $bg, JSON to OUT) whose stdin is a pipe from the test: `ctl LINE...`
# writes lines to it, `ctl_end` closes it. A program can so wait, inside,
# until the test has looked at it from the host.
forge_ctl() {
	local out=$1 file=$2
	shift 2
	trap '' PIPE # a run that ended early must not kill the test
	rm -f "$TEST_TMP/ctl"
	mkfifo "$TEST_TMP/ctl"
	"$FORGE" run --json --no-history "$@" "$file" <"$TEST_TMP/ctl" \
		>"$out" 2>"$out.err" &
	bg=$!
	exec 3>"$TEST_TMP/ctl"
}

ctl() {
	printf '%s\n' "$@" >&3
}

ctl_end() {
	exec 3>&-
}
