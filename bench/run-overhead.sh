#!/bin/bash
# bench/run-overhead.sh: what one `forge run` of a cached program costs,
# next to a bare fork+exec of the same program and to bubblewrap giving
# it a similar sandbox. All three are timed by the same driver
# (bench/spawn-loop.c: posix_spawn + waitpid, CLOCK_MONOTONIC) in
# interleaved batches; the median batch is reported.
#
#   bench/run-overhead.sh [-n RUNS] [-b BATCHES]
#
# FORGE=/path/to/forge picks the binary (default: the one in the tree);
# FORGE_BEFORE=/path/to/another/forge adds that build, interleaved in the
# same batches, and its ratio (a change measured before and after).
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
[[ $("$tmp/hello") == hello ]] || die 2 "the static hello world does not say hello"

# --- forge: warm the build cache, check it runs the program ----------
wait_for_forge
forge_version=$("$forge" --version 2>&1 | head -n1)
forge_cmd=("$forge" run --no-history -q "$tmp/hello.c")

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
: >"$tmp/bwrap"
: >"$tmp/forge"
: >"$tmp/before"
[[ -z $before ]] || "$tmp/spawn-loop" "$warm" "${before_cmd[@]}" >/dev/null ||
	die 1 "the FORGE_BEFORE build failed during the warm-up round"
for ((b = 0; b < batches; b++)); do
	if [[ -n $before ]]; then
		batch before "${before_cmd[@]}" || die 1 "the FORGE_BEFORE build failed in batch $((b + 1))"
	fi
	batch bare "$tmp/hello" || die 2 "bare fork+exec of the hello world failed"
	if [[ -z $bwrap_skip ]] && ! batch bwrap "${bwrap_cmd[@]}"; then
		bwrap_skip="bwrap failed during batch $((b + 1))"
	fi
	# a batch that fails because the binary is being replaced is retried
	tries=0
	until wait_for_forge && batch forge "${forge_cmd[@]}"; do
		((++tries < 3)) || die 1 "forge run failed in batch $((b + 1))"
		sleep 1
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

read -r bare_ms bare_lo bare_hi < <(median "$tmp/bare")
read -r forge_ms forge_lo forge_hi < <(median "$tmp/forge")
row() {
	printf '%-19s %5.2f ms/run  (batches %.2f-%.2f)\n' "$1" "$2" "$3" "$4"
}
row "bare fork+exec" "$bare_ms" "$bare_lo" "$bare_hi"
if [[ -z $bwrap_skip ]]; then
	read -r bwrap_ms bwrap_lo bwrap_hi < <(median "$tmp/bwrap")
	row "bwrap --unshare-all" "$bwrap_ms" "$bwrap_lo" "$bwrap_hi"
else
	printf '%-19s skipped: %s\n' "bwrap --unshare-all" "$bwrap_skip"
fi
row "forge run (cached)" "$forge_ms" "$forge_lo" "$forge_hi"
if [[ -n $before ]]; then
	read -r before_ms before_lo before_hi < <(median "$tmp/before")
	row "forge run (before)" "$before_ms" "$before_lo" "$before_hi"
	printf '  (before: %s)\n' "$before"
fi

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b <= 0) { print "n/a"; exit }
		printf(a / b >= 1 ? "%.1fx\n" : "%.2fx\n", a / b) }'
}
printf '%-19s %s\n' "forge / bare" "$(ratio "$forge_ms" "$bare_ms")"
if [[ -z $bwrap_skip ]]; then
	printf '%-19s %s\n' "forge / bwrap" "$(ratio "$forge_ms" "$bwrap_ms")"
else
	printf '%-19s n/a (bwrap skipped)\n' "forge / bwrap"
fi
if [[ -n $before ]]; then
	printf '%-19s %s\n' "forge / before" "$(ratio "$forge_ms" "$before_ms")"
fi
