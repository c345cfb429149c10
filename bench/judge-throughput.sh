#!/bin/bash
# Judging throughput, measured side by side in one run:
#   (a) forge judge -j 2 of a trivial accepted program on N small tests,
#   (b) the same N runs one by one with forge run (one process each),
#   (c) forge judge -j 1, for the parallel speed-up,
# each the median of several rounds; then the ratio, and the saving of
# the build cache (the first judge compiles, the second does not).
#
# usage: bench/judge-throughput.sh [-n TESTS] [-r ROUNDS]
# FORGE picks the forge measured; FORGE_BEFORE=/path/to/another/forge
# adds that build's judges to the same rounds, and the ratios.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
forge=${FORGE:-$here/../forge}
n=200
rounds=5
while getopts n:r: opt; do
	case $opt in
	n) n=$OPTARG ;;
	r) rounds=$OPTARG ;;
	*)
		echo "usage: $0 [-n TESTS] [-r ROUNDS]" >&2
		exit 2
		;;
	esac
done
before=${FORGE_BEFORE:-}
[ -z "$before" ] || [ -x "$before" ] || {
	echo "FORGE_BEFORE: no forge binary at $before" >&2
	exit 2
}
[ -x "$forge" ] || {
	echo "no forge binary at $forge (build first, or set FORGE)" >&2
	exit 2
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache XDG_CONFIG_HOME=$tmp/config
mkdir -p "$tmp/tests"
for i in $(seq "$n"); do
	echo "$i 1" >"$tmp/tests/$i.in"
	echo $((i + 1)) >"$tmp/tests/$i.ans"
done
cat >"$tmp/sum.c" <<'EOF'
#include <stdio.h>

int main(void)
{
	long a, b;

	if (scanf("%ld %ld", &a, &b) != 2)
		return 1;
	printf("%ld\n", a + b);
	return 0;
}
EOF

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# the first judge compiles; the second finds the build in the cache
t0=$(now)
"$forge" judge -q -j 2 "$tmp/sum.c" "$tmp/tests" >"$tmp/first.out" ||
	{ cat "$tmp/first.out" >&2; echo "forge judge failed" >&2; exit 1; }
t1=$(now)
"$forge" judge -q -j 2 "$tmp/sum.c" "$tmp/tests" >/dev/null
t2=$(now)
grep -q "build cached" "$tmp/first.out" && {
	echo "the first judge did not compile: the cache was not empty" >&2
	exit 1
}

: >"$tmp/j2"
: >"$tmp/j1"
: >"$tmp/runs"
: >"$tmp/b2"
: >"$tmp/b1"
# rate FILE COMMAND...: tests per second of one judge, appended to FILE
rate() {
	local file=$1 s e
	shift
	s=$(now)
	"$@" >/dev/null
	e=$(now)
	echo "$n / ($e - $s)" | bc -l >>"$file"
}
[ -z "$before" ] || "$before" judge -q -j 2 "$tmp/sum.c" "$tmp/tests" >/dev/null ||
	{ echo "the FORGE_BEFORE build's judge failed" >&2; exit 1; }
for ((r = 0; r < rounds; r++)); do
	if [ -n "$before" ]; then
		rate "$tmp/b2" "$before" judge -q -j 2 "$tmp/sum.c" "$tmp/tests"
		rate "$tmp/b1" "$before" judge -q -j 1 "$tmp/sum.c" "$tmp/tests"
	fi
	s=$(now)
	"$forge" judge -q -j 2 "$tmp/sum.c" "$tmp/tests" >/dev/null
	e=$(now)
	echo "$n / ($e - $s)" | bc -l >>"$tmp/j2"
	s=$(now)
	"$forge" judge -q -j 1 "$tmp/sum.c" "$tmp/tests" >/dev/null
	e=$(now)
	echo "$n / ($e - $s)" | bc -l >>"$tmp/j1"
	s=$(now)
	for i in $(seq "$n"); do
		"$forge" run -q --no-history -i "$tmp/tests/$i.in" "$tmp/sum.c" >/dev/null
	done
	e=$(now)
	echo "$n / ($e - $s)" | bc -l >>"$tmp/runs"
done

j2=$(median <"$tmp/j2")
j1=$(median <"$tmp/j1")
runs=$(median <"$tmp/runs")
printf 'forge judge throughput (%d trivial tests, median of %d rounds, %d cores, %s)\n' \
	"$n" "$rounds" "$(nproc)" "$(stat -fc %T /sys/fs/cgroup)"
printf '  forge judge -j 2            %7.0f tests/s\n' "$j2"
printf '  forge judge -j 1            %7.0f tests/s\n' "$j1"
printf '  forge run, one by one       %7.0f runs/s\n' "$runs"
printf '  judge -j 2 / run one by one %7.2fx\n' "$(echo "$j2 / $runs" | bc -l)"
printf '  judge -j 2 / judge -j 1     %7.2fx\n' "$(echo "$j2 / $j1" | bc -l)"
printf '  first judge (compiles)      %7.3f s\n' "$(echo "$t1 - $t0" | bc -l)"
printf '  second judge (cached build) %7.3f s\n' "$(echo "$t2 - $t1" | bc -l)"
if [ -n "$before" ]; then
	b2=$(median <"$tmp/b2")
	b1=$(median <"$tmp/b1")
	printf '  before: %s\n' "$before"
	printf '  before: forge judge -j 2    %7.0f tests/s  (now / before %.2fx)\n' "$b2" "$(echo "$j2 / $b2" | bc -l)"
	printf '  before: forge judge -j 1    %7.0f tests/s  (now / before %.2fx)\n' "$b1" "$(echo "$j1 / $b1" | bc -l)"
fi
