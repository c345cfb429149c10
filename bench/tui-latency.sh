#!/bin/bash
# bench/tui-latency.sh: how quickly forge-tui answers keys.
#  1. keystroke to screen in the editor on a 50,000-line C file, near
#     line 40,000: typing, moving, paging (goal: under 10 ms);
#  2. the same while a program prints 200 MB into the output pane, with
#     forge-tui's resident memory sampled from /proc meanwhile (goal:
#     bounded);
#  3. a run started from the workbench (F5 on a built C program to the
#     last byte of the screen update its result causes) beside the same
#     program run as `forge run -q` processes, in alternating rounds.
# All drive the real forge-tui on a pty from bench/tui-latency.c, which
# writes a key and reads the terminal output it causes.
#
#   bench/tui-latency.sh [-n KEYS] [-r RUNS]
#
# -r RUNS: runs per round in part 3 (default 20; 3 rounds each way).
#
# FORGE_TUI=/path/to/forge-tui picks the binary (default: the tree's).
# Exit status: 0 measured, 1 a measurement failed, 2 no set-up (usage,
# no C compiler). The flood needs the sandbox; without it, only part 1.
set -euo pipefail
export LC_ALL=C.UTF-8

keys=600
runs=20
usage() {
	echo "usage: $0 [-n KEYS] [-r RUNS]" >&2
	exit "${1:-2}"
}
while getopts n:r:h opt; do
	case $opt in
	n) keys=$OPTARG ;;
	r) runs=$OPTARG ;;
	h) usage 0 ;;
	*) usage ;;
	esac
done
[[ $keys =~ ^[1-9][0-9]*$ ]] || usage
[[ $runs =~ ^[1-9][0-9]*$ ]] || usage

src=$(cd "$(dirname "$0")/.." && pwd)
tui=${FORGE_TUI:-$src/forge-tui}
[[ -x $tui ]] || { echo "no forge-tui at $tui (make first)" >&2; exit 2; }
cc=${CC:-cc}
command -v "$cc" >/dev/null || { echo "no C compiler ($cc)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cc" -O2 -o "$tmp/tui-latency" "$src/bench/tui-latency.c" -lutil || exit 2
"$cc" -O2 -o "$tmp/spawn-loop" "$src/bench/spawn-loop.c" || exit 2
export FORGE_DATA_DIR=${FORGE_DATA_DIR:-$src}
export XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data \
	XDG_CACHE_HOME=$tmp/cache

# 50,000 lines of C: functions of 10 lines, strings, comments, numbers
awk 'BEGIN {
	print "#include <stdio.h>"
	for (f = 0; f < 5000; f++) {
		printf "/* function %d: a comment to colour */\n", f
		printf "static int f%d(int x)\n{\n", f
		printf "\tint y = x * %d + 0x%x;\n", f, f
		printf "\tif (y %% 7 == 3)\n"
		printf "\t\tprintf(\"%%d: %s\\n\", y);\n", "tick"
		printf "\ty += x;\n"
		printf "\treturn y - x;\n}\n\n"
	}
}' | head -n 50000 >"$tmp/big.c"
echo "$(wc -l <"$tmp/big.c") lines, $(wc -c <"$tmp/big.c") bytes"
status=0
"$tmp/tui-latency" edit "$keys" "$tui" "$tmp/big.c" || status=1
echo

# the flood: 200 MB of 80-column lines, under limits that let it run to
# its end (the workbench's default output limit, 64M, would stop it)
mkdir -p "$XDG_CONFIG_HOME/forge"
printf '[limits]\ntime = 60\nwall = 300\noutput = 512M\n' \
	>"$XDG_CONFIG_HOME/forge/forge-tui.conf"
printf 'yes "%s" | head -c 200000000\n' \
	"$(printf '%.0s0123456789' 1 2 3 4 5 6 7 8)" >"$tmp/flood.sh"
sandbox=
if "$src/forge" doctor >/dev/null 2>&1 || [ "${FORGE_BENCH_FLOOD:-}" = 1 ]; then
	sandbox=1
	"$tmp/tui-latency" flood "$keys" "$tui" "$tmp/flood.sh" || status=1
else
	echo "flood: skipped, the sandbox is not available here (forge doctor)"
fi
echo

# runs from the workbench against forge run processes: a C program that
# prints the clock, so that each run changes the screen; the workbench's
# settings back to the defaults
[[ -n $sandbox ]] || {
	echo "runs: skipped, the sandbox is not available here (forge doctor)"
	exit $status
}
rm -f "$XDG_CONFIG_HOME/forge/forge-tui.conf"
cat >"$tmp/tick.c" <<'EOF'
#include <stdio.h>
#include <time.h>
int main(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	printf("tick %09ld\n", t.tv_nsec);
	return 0;
}
EOF
"$src/forge" run -q "$tmp/tick.c" </dev/null >/dev/null || {
	echo "runs: forge run failed on the program" >&2
	exit 1
}
tui_ms=() run_ms=()
for round in 1 2 3; do
	line=$("$tmp/tui-latency" runs "$runs" "$tui" "$tmp/tick.c") || status=1
	tui_ms+=("$(awk '/^run, F5/ { print $(NF - 7) }' <<<"$line")")
	ms=$("$tmp/spawn-loop" "$runs" "$src/forge" run -q "$tmp/tick.c") ||
		status=1
	run_ms+=("$(printf '%.2f' "$ms")")
done
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
echo "runs of a built C program, $runs per round, 3 rounds alternated (median round):"
printf '  forge-tui, F5 to its result on the screen  %s ms  (rounds %s)\n' \
	"$(median "${tui_ms[@]}")" "${tui_ms[*]}"
printf '  forge run -q, one process per run         %s ms  (rounds %s)\n' \
	"$(median "${run_ms[@]}")" "${run_ms[*]}"
exit $status
