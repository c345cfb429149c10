#!/bin/bash
# The warm pool's run, build against build, side by side in one run on a
# private dockerd (tests/docker-lib.sh): one `forge run --backend docker`
# of a small C program (the build cached, the pool's container started)
# for each forge binary given, and a cold `docker run --rm` of the same
# image and binary with the same read-only binds, taken in turns (one of
# each, N times over, so that the machine's load falls on all alike);
# the median of each and its ratio to the cold run; then what a start of
# forge and of forge-full (which loads libcurl and its libraries) costs
# alone. Each binary has its own cache, so its own pool. Needs root and dockerd (exit 77 otherwise, saying why).
#
# usage: bench/docker-pool.sh [-n RUNS] [FORGE...]   (default: ./forge)
set -u

n=15
while getopts n: opt; do
	case $opt in
	n) n=$OPTARG ;;
	*)
		echo "usage: $0 [-n RUNS] [FORGE...]" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
here=$(cd "$(dirname "$0")" && pwd)
forges=("$@")
[ ${#forges[@]} -gt 0 ] || forges=("$here/../forge")
for f in "${forges[@]}"; do
	[ -x "$f" ] || {
		echo "no forge binary at $f (build first)" >&2
		exit 2
	}
done
export FORGE=${forges[0]}
export FORGE_SRCDIR=${FORGE_SRCDIR:-$(cd "$here/.." && pwd)}
command -v docker >/dev/null || {
	echo "bench/docker-pool.sh: the docker client is not installed" >&2
	exit 77
}
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/docker-lib.sh"
docker_start

cat >"$TEST_TMP/sum.c" <<'C'
#include <stdio.h>
int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; printf("%ld\n", a + b); return 0; }
C
mkdir -p "$TEST_TMP/prog"
gcc -O2 -o "$TEST_TMP/prog/sum" "$TEST_TMP/sum.c" || exit 1
echo '1 2' >"$TEST_TMP/in.txt"

now_ms() { date +%s%3N; }

# forge_run K: a run by the K-th forge, on its own cache
forge_run() {
	XDG_CACHE_HOME=$TEST_TMP/cache$1 "${forges[$1]}" run --backend docker \
		--no-history -i "$TEST_TMP/in.txt" "$TEST_TMP/sum.c"
}

# the same image, binds and limits forge gives, from the docker client
cold_run() {
	local b=() d
	for d in /usr /bin /lib /lib64 /etc/ld.so.cache; do
		[ -e "$d" ] && ! [ -L "$d" ] && b+=(-v "$d:$d:ro")
	done
	docker run --rm -i --network none --read-only --cap-drop ALL \
		--security-opt no-new-privileges --user 1000:1000 \
		--memory 256m --memory-swap 256m --pids-limit 65 \
		--log-driver none "${b[@]}" -v "$TEST_TMP/prog:/prog:ro" \
		forge/base:latest /prog/sum <"$TEST_TMP/in.txt"
}

# timed NAME CMD...: one run of CMD, its wall time appended to NAME's list
timed() {
	local name=$1 s
	shift
	s=$(now_ms)
	"$@" >/dev/null 2>&1 </dev/null || echo "failed: $*" >&2
	echo $(($(now_ms) - s)) >>"$TEST_TMP/t.$name"
}

median() {
	sort -n "$TEST_TMP/t.$1" |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

for k in "${!forges[@]}"; do
	forge_run "$k" >/dev/null 2>&1 # the build, cached from here on
	forge_run "$k" >/dev/null 2>&1 # the pool's container, started
done
cold_run >/dev/null 2>&1
for _ in $(seq "$n"); do
	timed cold cold_run
	for k in "${!forges[@]}"; do
		timed "f$k" forge_run "$k"
	done
done

c=$(median cold)
printf '%-58s %6s %7s\n' "one run of a small C program, warm pool (median of $n)" ms ratio
printf '  %-56s %6s %7s\n' "docker run --rm (cold, same image and binds)" "$c" 1.00x
for k in "${!forges[@]}"; do
	f=$(median "f$k")
	printf '  %-56s %6s %7s\n' "${forges[$k]}" "$f" \
		"$(awk -v f="$f" -v c="$c" 'BEGIN { printf "%.2fx", f / c }')"
done
# what a start costs: forge (static) against forge-full (libcurl and its
# libraries loaded), which a docker run execs
full=$(dirname "${forges[0]}")/forge-full
for _ in $(seq "$n"); do
	timed start "${forges[0]}" --version
	[ -x "$full" ] && timed startfull "$full" --version
done
printf '\n%-58s %6s\n' "a start alone, --version (median of $n)" ms
printf '  %-56s %6s\n' "forge (static)" "$(median start)"
[ -x "$full" ] && printf '  %-56s %6s\n' "forge-full (libcurl)" "$(median startfull)"
exit 0
