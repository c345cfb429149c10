#!/bin/bash
# bench/run-overhead.sh: what one `forge run` of a cached program costs,
# side by side with what the same isolation costs at the least:
#
#   bare        fork+exec of the program, no sandbox
#   floor       bench/floor.c: one process doing only the isolation
#               forge gives (user, PID, mount, net, IPC and UTS
#               namespaces, the id maps, a pivot_root onto a tmpfs with
#               read-only binds, cgroup limits and counters, a seccomp
#               filter), built static
#   bwrap       bubblewrap with --unshare-all and a similar root
#   forge --no-history, and forge run as users run it (recording into
#               the default history database, $XDG_DATA_HOME/forge)
#
# All are timed by the same driver (bench/spawn-loop.c: posix_spawn +
# waitpid, CLOCK_MONOTONIC) in interleaved batches; the median batch is
# reported, with each forge's ratio to bare, floor and bwrap. Then all
# of them again one run at a time in turn (bare, floor, bwrap, forge
# --no-history, forge), RUNS rounds, each run timed alone: load that
# comes and goes falls on all alike, which batches of one command after
# another cannot promise; the medians and ratios of these runs are
# printed too, and the cost of recording from them. Then two
# of each forge at once (two drivers in parallel), in runs per second,
# and the scaling over one.
#
#   bench/run-overhead.sh [-n RUNS] [-b BATCHES]
#
# FORGE=/path/to/forge picks the binary (default: the one in the tree);
# FORGE_BEFORE=/path/to/another/forge adds that build (both ways),
# interleaved in the same batches, and its ratios (a change measured
# before and after; it records into a database of its own).
# Exit status: 0 measured, 1 forge failed to run the program, 2 the
# benchmark itself could not be set up (usage, no C compiler).
set -euo pipefail
export LC_ALL=C

default_runs=300
default_batches=5
runs=$default_runs
batches=$default_batches

usage() {
	echo "usage: $0 [-n RUNS] [-b BATCHES]" >&2
	echo "  -n RUNS     runs per batch (default $default_runs)" >&2
	echo "  -b BATCHES  batches per command; the median is shown (default $default_batches)" >&2
	exit "${1:-2}"
}

while getopts n:b:h opt; do
	case $opt in
	n) runs=$OPTARG ;;
	b) batches=$OPTARG ;;
	h) usage 0 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -eq 0 ]] || usage
[[ $runs =~ ^[1-9][0-9]*$ ]] || usage
[[ $batches =~ ^[1-9][0-9]*$ ]] || usage

bench_name=run-overhead
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cc=${CC:-gcc}
# the default history database, in the run's own directory
export XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config
unset FORGE_HISTORY FORGE_HISTORY_CAP

# --- the program, and the driver -------------------------------------
cat >"$tmp/hello.c" <<'EOF'
#include <stdio.h>

int main(void)
{
	puts("hello");
	return 0;
}
EOF
command -v "$cc" >/dev/null || die 2 "no C compiler ($cc)"
"$cc" -static -O2 -o "$tmp/hello" "$tmp/hello.c" ||
	die 2 "cannot build a static hello world (is the static libc installed?)"
"$cc" -O2 -o "$tmp/spawn-loop" "$here/spawn-loop.c" ||
	die 2 "cannot build $here/spawn-loop.c"
"$cc" -O2 -static -o "$tmp/floor" "$here/floor.c" ||
	die 2 "cannot build $here/floor.c"
[[ $("$tmp/hello") == hello ]] || die 2 "the static hello world does not say hello"

# --- forge: warm the build cache, check it runs the program ----------
wait_for_forge
forge_version=$("$forge" --version 2>&1 | head -n1)
forge_cmd=("$forge" run --no-history -q "$tmp/hello.c")
forge_hist_cmd=("$forge" run -q "$tmp/hello.c")

status=0
"$forge" run --no-history "$tmp/hello.c" </dev/null \
	>"$tmp/warm.out" 2>"$tmp/warm.err" || status=$?
if ((status != 0)); then
	sed 's/^/  /' "$tmp/warm.err" >&2
	die 1 "forge run failed on the warm-up run (exit status $status)"
fi
# the summary line names the backend, e.g. [c, ns/cgroup-v1, compiled]
backend=$(sed -n 's/^forge: .*\[[^,]*, *\([^],]*\).*/\1/p' "$tmp/warm.err" |
	tail -n1)

wait_for_forge
status=0
out=$("${forge_cmd[@]}" </dev/null 2>"$tmp/check.err") || status=$?
if ((status != 0)); then
	sed 's/^/  /' "$tmp/check.err" >&2
	die 1 "forge run failed on the cached program (exit status $status)"
fi
[[ $out == hello ]] || die 1 "forge ran the program but it printed '$out', not 'hello'"

before=${FORGE_BEFORE:-}
before_cmd=()
if [[ -n $before ]]; then
	[[ -x $before ]] || die 2 "FORGE_BEFORE: no forge binary at $before"
	before_cmd=("$before" run --no-history -q "$tmp/hello.c")
	before_hist_cmd=("$before" run -q --db "$tmp/before.db" "$tmp/hello.c")
	"${before_cmd[@]}" </dev/null >"$tmp/before.out" 2>"$tmp/before.err" ||
		die 1 "the FORGE_BEFORE build failed to run the program"
	out=$("${before_cmd[@]}" </dev/null 2>/dev/null) || die 1 "the FORGE_BEFORE build failed on the cached program"
	[[ $out == hello ]] || die 1 "the FORGE_BEFORE build printed '$out', not 'hello'"
fi

# bare and bwrap run the very binary forge built and cached, so all three
# start the same program and only the sandboxing differs
built=$(find "$XDG_CACHE_HOME/forge/build" -mindepth 2 -maxdepth 2 -name main -type f | head -n1)
[[ -n $built ]] || die 1 "forge's cached build of the hello world is not in $XDG_CACHE_HOME"
cp "$built" "$tmp/hello"

# --- bwrap: same binary, comparable isolation --------------------------
bwrap_cmd=()
bwrap_skip=
if ! command -v bwrap >/dev/null; then
	bwrap_skip="bwrap not installed"
else
	bwrap_cmd=(bwrap --unshare-all --die-with-parent --ro-bind /usr /usr)
	# merged-usr hosts: /bin -> usr/bin and so on; older ones: real dirs
	for d in /bin /sbin /lib /lib32 /lib64 /libx32; do
		if [[ -L $d ]]; then
			bwrap_cmd+=(--symlink "$(readlink "$d")" "$d")
		elif [[ -d $d ]]; then
			bwrap_cmd+=(--ro-bind "$d" "$d")
		fi
	done
	bwrap_cmd+=(--proc /proc --dev /dev --tmpfs /tmp
		--ro-bind "$tmp/hello" /hello /hello)
	if ! out=$("${bwrap_cmd[@]}" </dev/null 2>"$tmp/bwrap.err"); then
		bwrap_skip="bwrap failed: $(head -n1 "$tmp/bwrap.err")"
	elif [[ $out != hello ]]; then
		bwrap_skip="bwrap ran the program but it printed '$out'"
	fi
fi

# --- floor: the least isolation, in one process ----------------------------
floor_cg=forge-bench-floor-$$
floor_cmd=("$tmp/floor" "$floor_cg" "$tmp/hello")
floor_skip=
# its cgroup (made by the first run, in each hierarchy) goes at exit
floor_cleanup() {
	local d
	for d in /sys/fs/cgroup/$floor_cg /sys/fs/cgroup/*/$floor_cg \
		/sys/fs/cgroup/*/*/$floor_cg /sys/fs/cgroup/*/*/*/$floor_cg; do
		[[ -d $d ]] && rmdir "$d" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap floor_cleanup EXIT
if ! out=$("${floor_cmd[@]}" </dev/null 2>"$tmp/floor.err"); then
	floor_skip="floor failed: $(head -n1 "$tmp/floor.err")"
elif [[ $out != hello ]]; then
	floor_skip="floor ran the program but it printed '$out'"
fi

# --- forge with its history: it records into the default database --------
wait_for_forge
out=$("${forge_hist_cmd[@]}" </dev/null 2>"$tmp/hist.err") ||
	die 1 "forge run (recording) failed: $(head -n1 "$tmp/hist.err")"
[[ $out == hello ]] || die 1 "forge run (recording) printed '$out', not 'hello'"
[[ -s $XDG_DATA_HOME/forge/history.db ]] ||
	die 1 "forge run did not record into $XDG_DATA_HOME/forge/history.db"
if [[ -n $before ]]; then
	"${before_hist_cmd[@]}" </dev/null >/dev/null 2>&1 ||
		die 1 "the FORGE_BEFORE build failed to record the run"
fi

# --- measure -------------------------------------------------------------
# one batch: the mean ms/run of $runs runs, appended to $tmp/NAME
batch() {
	local name=$1
	shift
	"$tmp/spawn-loop" "$runs" "$@" >>"$tmp/$name"
}

# a short untimed round of each first, so none pays for a cold start
warm=$(((runs + 9) / 10))
"$tmp/spawn-loop" "$warm" "$tmp/hello" >/dev/null
[[ -n $bwrap_skip ]] || "$tmp/spawn-loop" "$warm" "${bwrap_cmd[@]}" >/dev/null ||
	bwrap_skip="bwrap failed during the warm-up round"
wait_for_forge
"$tmp/spawn-loop" "$warm" "${forge_cmd[@]}" >/dev/null ||
	die 1 "forge run failed during the warm-up round"

: >"$tmp/bare"
: >"$tmp/floor.ms"
: >"$tmp/bwrap"
: >"$tmp/forge"
: >"$tmp/forge-hist"
: >"$tmp/before"
: >"$tmp/before-hist"
[[ -n $floor_skip ]] || "$tmp/spawn-loop" "$warm" "${floor_cmd[@]}" >/dev/null ||
	floor_skip="floor failed during the warm-up round"
"$tmp/spawn-loop" "$warm" "${forge_hist_cmd[@]}" >/dev/null ||
	die 1 "forge run (recording) failed during the warm-up round"
if [[ -n $before ]]; then
	"$tmp/spawn-loop" "$warm" "${before_cmd[@]}" >/dev/null &&
		"$tmp/spawn-loop" "$warm" "${before_hist_cmd[@]}" >/dev/null ||
		die 1 "the FORGE_BEFORE build failed during the warm-up round"
fi
for ((b = 0; b < batches; b++)); do
	if [[ -n $before ]]; then
		batch before "${before_cmd[@]}" &&
			batch before-hist "${before_hist_cmd[@]}" ||
			die 1 "the FORGE_BEFORE build failed in batch $((b + 1))"
	fi
	batch bare "$tmp/hello" || die 2 "bare fork+exec of the hello world failed"
	if [[ -z $floor_skip ]] && ! batch floor.ms "${floor_cmd[@]}"; then
		floor_skip="floor failed during batch $((b + 1))"
	fi
	if [[ -z $bwrap_skip ]] && ! batch bwrap "${bwrap_cmd[@]}"; then
		bwrap_skip="bwrap failed during batch $((b + 1))"
	fi
	# a batch that fails because the binary is being replaced is retried
	tries=0
	until wait_for_forge && batch forge "${forge_cmd[@]}" &&
		batch forge-hist "${forge_hist_cmd[@]}"; do
		((++tries < 3)) || die 1 "forge run failed in batch $((b + 1))"
		sleep 1
	done
done

# --- two at once -----------------------------------------------------------
# two drivers in parallel, $runs each; runs per second of the pair (each
# driver's mean is its own wall time per run), the median of the batches
pair() {
	local name=$1 a b
	shift
	"$tmp/spawn-loop" "$runs" "$@" >"$tmp/pair-a" &
	local pid=$!
	"$tmp/spawn-loop" "$runs" "$@" >"$tmp/pair-b" || return 1
	wait "$pid" || return 1
	a=$(cat "$tmp/pair-a")
	b=$(cat "$tmp/pair-b")
	awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f\n", 1000 / a + 1000 / b }' >>"$tmp/$name"
}
pair_batches=$(((batches + 1) / 2))
: >"$tmp/pair-forge"
: >"$tmp/pair-forge-hist"
: >"$tmp/pair-before"
: >"$tmp/pair-before-hist"
for ((b = 0; b < pair_batches; b++)); do
	if [[ -n $before ]]; then
		pair pair-before "${before_cmd[@]}" &&
			pair pair-before-hist "${before_hist_cmd[@]}" ||
			die 1 "the FORGE_BEFORE build failed two at once"
	fi
	wait_for_forge
	pair pair-forge "${forge_cmd[@]}" || die 1 "forge run failed two at once"
	pair pair-forge-hist "${forge_hist_cmd[@]}" ||
		die 1 "forge run (recording) failed two at once"
done

# --- one at a time, in turn ----------------------------------------------
turn_names=(bare)
turn_cmds=("$tmp/hello")
[[ -n $floor_skip ]] || { turn_names+=(floor); turn_cmds+=("${floor_cmd[*]@Q}"); }
[[ -n $bwrap_skip ]] || { turn_names+=(bwrap); turn_cmds+=("${bwrap_cmd[*]@Q}"); }
turn_names+=(forge forge-hist)
turn_cmds+=("${forge_cmd[*]@Q}" "${forge_hist_cmd[*]@Q}")
for n in "${turn_names[@]}"; do : >"$tmp/turn-$n"; done
wait_for_forge
for ((i = 0; i < runs; i++)); do
	for k in "${!turn_names[@]}"; do
		eval "\"\$tmp/spawn-loop\" 1 ${turn_cmds[k]}" >>"$tmp/turn-${turn_names[k]}" ||
			die 1 "${turn_names[k]} failed in the runs in turn"
	done
done

median() {
	sort -g "$1" | awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%.4f %.4f %.4f\n", m, v[1], v[NR] }'
}

# --- report --------------------------------------------------------------
fs=$(stat -fc %T /sys/fs/cgroup 2>/dev/null || echo unknown)
case $fs in
cgroup2fs) cgmode="cgroup v2 ($fs)" ;;
tmpfs)
	cgmode="cgroup v1 ($fs)"
	if [[ $(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null) == cgroup2fs ]]; then
		cgmode="cgroup v1 ($fs, hybrid with v2 at unified/)"
	fi
	;;
*) cgmode="cgroup ? ($fs)" ;;
esac

printf 'forge run overhead (median of %d batches x %d runs, %s cores, %s %s, %s)\n' \
	"$batches" "$runs" "$(nproc)" "$(uname -s)" "$(uname -r)" "$cgmode"
printf '%s at %s%s\n' "$forge_version" "$forge" "${backend:+, backend $backend}"

row() {
	printf '%-24s %6.2f ms/run  (batches %.2f-%.2f)\n' "$1" "$2" "$3" "$4"
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b <= 0) { print "n/a"; exit }
		printf("%.2fx\n", a / b) }'
}
read -r bare_ms bare_lo bare_hi < <(median "$tmp/bare")
row "bare fork+exec" "$bare_ms" "$bare_lo" "$bare_hi"
floor_ms=
if [[ -z $floor_skip ]]; then
	read -r floor_ms floor_lo floor_hi < <(median "$tmp/floor.ms")
	row "floor (bench/floor.c)" "$floor_ms" "$floor_lo" "$floor_hi"
else
	printf '%-24s skipped: %s\n' "floor (bench/floor.c)" "$floor_skip"
fi
bwrap_ms=
if [[ -z $bwrap_skip ]]; then
	read -r bwrap_ms bwrap_lo bwrap_hi < <(median "$tmp/bwrap")
	row "bwrap --unshare-all" "$bwrap_ms" "$bwrap_lo" "$bwrap_hi"
else
	printf '%-24s skipped: %s\n' "bwrap --unshare-all" "$bwrap_skip"
fi
names=(forge forge-hist)
labels=("forge run --no-history" "forge run (default)")
if [[ -n $before ]]; then
	names+=(before before-hist)
	labels+=("before --no-history" "before (default)")
fi
declare -A ms
for i in "${!names[@]}"; do
	read -r m lo hi < <(median "$tmp/${names[i]}")
	ms[${names[i]}]=$m
	row "${labels[i]}" "$m" "$lo" "$hi"
done
[[ -z $before ]] || printf '  (before: %s)\n' "$before"

printf '\n%-24s %8s %8s %8s\n' "ratio to" bare floor bwrap
for i in "${!names[@]}"; do
	m=${ms[${names[i]}]}
	printf '%-24s %8s %8s %8s\n' "${labels[i]}" "$(ratio "$m" "$bare_ms")" \
		"$([[ -n $floor_ms ]] && ratio "$m" "$floor_ms" || echo n/a)" \
		"$([[ -n $bwrap_ms ]] && ratio "$m" "$bwrap_ms" || echo n/a)"
done
printf '%-24s %s\n' "default / --no-history" "$(ratio "${ms[forge-hist]}" "${ms[forge]}")"
printf '%-24s %.2f ms\n' "recording a run" \
	"$(awk -v a="${ms[forge-hist]}" -v b="${ms[forge]}" 'BEGIN { print a - b }')"
if [[ -n $before ]]; then
	printf '%-24s %s (--no-history), %s (default)\n' "forge / before" \
		"$(ratio "${ms[forge]}" "${ms[before]}")" \
		"$(ratio "${ms[forge-hist]}" "${ms[before-hist]}")"
fi

declare -A turn
for n in "${turn_names[@]}"; do
	read -r m _ _ < <(median "$tmp/turn-$n")
	turn[$n]=$m
done
printf '\n%d runs of each in turn, one at a time (median ms/run)\n' "$runs"
printf '%-24s %8s %8s %8s %8s\n' "" ms/run "/ bare" "/ floor" "/ bwrap"
declare -A turn_labels=([bare]="bare fork+exec" [floor]="floor (bench/floor.c)"
	[bwrap]="bwrap --unshare-all" [forge]="forge run --no-history"
	[forge-hist]="forge run (default)")
for n in "${turn_names[@]}"; do
	printf '%-24s %8.2f %8s %8s %8s\n' "${turn_labels[$n]}" "${turn[$n]}" \
		"$(ratio "${turn[$n]}" "${turn[bare]}")" \
		"$([[ -n ${turn[floor]:-} ]] && ratio "${turn[$n]}" "${turn[floor]}" || echo n/a)" \
		"$([[ -n ${turn[bwrap]:-} ]] && ratio "${turn[$n]}" "${turn[bwrap]}" || echo n/a)"
done
printf '%-24s %.2f ms\n' "recording a run" \
	"$(awk -v a="${turn[forge-hist]}" -v b="${turn[forge]}" 'BEGIN { print a - b }')"

printf '\n%-24s %8s %8s %8s\n' "two at once" "runs/s" "one" "scaling"
for i in "${!names[@]}"; do
	read -r p _ _ < <(median "$tmp/pair-${names[i]}")
	one=$(awk -v m="${ms[${names[i]}]}" 'BEGIN { printf "%.1f", 1000 / m }')
	printf '%-24s %8.1f %8s %7.2fx\n' "${labels[i]}" "$p" "$one" \
		"$(awk -v p="$p" -v o="$one" 'BEGIN { print p / o }')"
done
