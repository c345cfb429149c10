#!/bin/bash
# bench/scope.sh: what the transient scope costs one `forge run`, for an
# ordinary user on cgroup v2 in a session scope (a terminal on a systemd
# desktop), side by side, each the median of batches of runs of a cached
# C hello world:
#
#   rlimit      FORGE_NO_SCOPE=1 forge run: no scope, limits by rlimits
#               (what forge did there before)
#   full        FORGE_NO_SCOPE=1 forge-full run: the same, through the
#               dynamic forge-full (its start-up alone)
#   scope       forge run as users type it: forge finds no usable
#               cgroup, runs forge-full, which asks the systemd user
#               manager for forge-<pid>.scope over D-Bus and waits for it
#   scope-full  forge-full run: the scope without the hand-over
#   delegated   systemd-run --user --scope -p Delegate=yes forge run:
#               a scope made by systemd-run, forge already delegated
#
# with each one's difference to rlimit. Needs the user's systemd manager
# and bus (exit 77 otherwise, saying why): tests/vm/systemd-user.sh runs
# it in the test VM.
#
#   bench/scope.sh [-n RUNS] [-b BATCHES]
# Exit status: 0 measured, 1 a run failed, 2 usage or set-up, 77 no
# systemd user session here.
set -euo pipefail
export LC_ALL=C

runs=20
batches=3
while getopts n:b:h opt; do
	case $opt in
	n) runs=$OPTARG ;;
	b) batches=$OPTARG ;;
	*)
		echo "usage: $0 [-n RUNS] [-b BATCHES]" >&2
		exit 2
		;;
	esac
done
[[ $runs =~ ^[1-9][0-9]*$ && $batches =~ ^[1-9][0-9]*$ ]] || {
	echo "usage: $0 [-n RUNS] [-b BATCHES]" >&2
	exit 2
}

bench_name=scope
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
full=$(dirname "$forge")/forge-full
export XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config

[[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]] ||
	die 77 "not a cgroup v2 host"
(($(id -u) != 0)) || die 77 "as root forge needs no scope: run as an ordinary user"
[[ -S ${XDG_RUNTIME_DIR:-/nonexistent}/bus ]] ||
	die 77 "no systemd user bus (\$XDG_RUNTIME_DIR/bus)"
[[ -x $full ]] || die 77 "no forge-full beside $forge"
command -v systemd-run >/dev/null || die 77 "no systemd-run"

printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' \
	>"$tmp/hello.c"
wait_for_forge
# the build, cached for all the runs below; and the path each takes
check_run() {
	local want=$1 out
	shift
	out=$("$@" run --no-history --json --compile-time 120 "$tmp/hello.c" \
		2>"$tmp/err") ||
		die 1 "$* run failed: $(head -c 300 "$tmp/err")"
	[[ $(jq -r .enforced_by <<<"$out") == "$want" ]] ||
		die 1 "$*: enforced by $(jq -r .enforced_by <<<"$out"), not $want"
}
check_run rlimit env FORGE_NO_SCOPE=1 "$forge"
check_run cgroup-v2 "$forge"
check_run cgroup-v2 systemd-run --user --scope -p Delegate=yes -q "$forge"

# one batch of a mode: ms per run
batch() {
	local i t0 t1
	t0=$(date +%s%N)
	for ((i = 0; i < runs; i++)); do
		case $1 in
		rlimit) FORGE_NO_SCOPE=1 "$forge" run --no-history -q "$tmp/hello.c" ;;
		full) FORGE_NO_SCOPE=1 "$full" run --no-history -q "$tmp/hello.c" ;;
		scope) "$forge" run --no-history -q "$tmp/hello.c" ;;
		scope-full) "$full" run --no-history -q "$tmp/hello.c" ;;
		delegated) systemd-run --user --scope -p Delegate=yes -q \
			"$forge" run --no-history -q "$tmp/hello.c" ;;
		esac >/dev/null 2>&1 </dev/null || die 1 "$1: a run failed"
	done
	t1=$(date +%s%N)
	echo "scale=2; ($t1 - $t0) / 1000000 / $runs" | bc
}

modes=(rlimit full scope scope-full delegated)
declare -A samples
for ((b = 0; b < batches; b++)); do
	for m in "${modes[@]}"; do
		samples[$m]+="$(batch "$m") "
	done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(median "${samples[rlimit]}")
printf '%-11s %10s %10s\n' mode "ms/run" "+ms"
for m in "${modes[@]}"; do
	v=$(median "${samples[$m]}")
	printf '%-11s %10s %10s\n' "$m" "$v" "$(echo "$v - $base" | bc)"
done
echo "($runs runs per batch, median of $batches batches; $(uname -r))"
