#!/bin/bash
# The docker backend against a cold `docker run` and against ns, side by
# side in one run, on a private dockerd (tests/docker-lib.sh: its own data
# root and socket, Forge's image built with no registry):
#   (a) one run of a small C program: `forge run --backend docker` (the
#       build cached) with the warm pool and without it
#       (FORGE_DOCKER_POOL=0), and a cold `docker run --rm` of the same
#       image and the same binary, with the same read-only binds; the
#       median of N each, and the ratios to the cold run;
#   (b) the same under gVisor (--runtime runsc), where installed (runs
#       under runsc make a container each: the pool serves runc);
#   (c) forge judge -j 2 of that program on T tests: tests/s on ns, on
#       docker with and without the pool, and on docker under runsc,
#       with the containers each docker judge made.
# Needs root and dockerd (exit 77 otherwise, saying why).
#
# usage: bench/docker.sh [-n RUNS] [-t TESTS]
set -u

n=10
t=40
while getopts n:t: opt; do
	case $opt in
	n) n=$OPTARG ;;
	t) t=$OPTARG ;;
	*)
		echo "usage: $0 [-n RUNS] [-t TESTS]" >&2
		exit 2
		;;
	esac
done
here=$(cd "$(dirname "$0")" && pwd)
export FORGE=${FORGE:-$here/../forge}
export FORGE_SRCDIR=${FORGE_SRCDIR:-$(cd "$here/.." && pwd)}
[ -x "$FORGE" ] || {
	echo "no forge binary at $FORGE (build first, or set FORGE)" >&2
	exit 2
}
command -v docker >/dev/null || {
	echo "bench/docker.sh: the docker client is not installed" >&2
	exit 77
}
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/docker-lib.sh"
docker_start

cat >"$TEST_TMP/sum.c" <<'C'
#include <stdio.h>
int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; printf("%ld\n", a + b); return 0; }
C
mkdir -p "$TEST_TMP/prog" "$TEST_TMP/tests"
gcc -O2 -o "$TEST_TMP/prog/sum" "$TEST_TMP/sum.c" || exit 1
echo '1 2' >"$TEST_TMP/in.txt"
for i in $(seq "$t"); do
	echo "$i $i" >"$TEST_TMP/tests/$i.in"
	echo $((i + i)) >"$TEST_TMP/tests/$i.ans"
done

now_ms() { date +%s%3N; }

# median_ms CMD...: the median wall time of n runs of CMD, in ms
median_ms() {
	local i s
	for i in $(seq "$n"); do
		s=$(now_ms)
		"$@" >/dev/null 2>&1 </dev/null || echo "failed: $*" >&2
		echo $(($(now_ms) - s))
	done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

forge_run() {
	"$FORGE" run --backend docker --no-history "$@" -i "$TEST_TMP/in.txt" \
		"$TEST_TMP/sum.c"
}

# the same image, binds and limits forge gives, from the docker client
cold_run() {
	local b=() d
	for d in /usr /bin /lib /lib64 /etc/ld.so.cache; do
		[ -e "$d" ] && ! [ -L "$d" ] && b+=(-v "$d:$d:ro")
	done
	docker run --rm -i "$@" --network none --read-only --cap-drop ALL \
		--security-opt no-new-privileges --user 1000:1000 \
		--memory 256m --memory-swap 256m --pids-limit 65 \
		--log-driver none "${b[@]}" -v "$TEST_TMP/prog:/prog:ro" \
		forge/base:latest /prog/sum <"$TEST_TMP/in.txt"
}

# judge_rate [OPTIONS]: tests/s; the containers the daemon made for it
# in $TEST_TMP/made
judge_rate() {
	local s e since
	since=$(date +%s)
	s=$(now_ms)
	"$FORGE" judge -j 2 --no-history "$@" "$TEST_TMP/sum.c" \
		"$TEST_TMP/tests" >"$TEST_TMP/judge.out" 2>&1 ||
		{ echo "judge failed: $*" >&2; cat "$TEST_TMP/judge.out" >&2; }
	e=$(now_ms)
	docker events --since "$since" --until "$(date +%s)" \
		--filter type=container --filter event=create --format x |
		wc -l >"$TEST_TMP/made"
	awk -v t="$t" -v ms=$((e - s)) 'BEGIN { printf "%.1f", t * 1000 / ms }'
}

forge_run >/dev/null 2>&1 # the build, cached from here on
forge_run >/dev/null 2>&1 # the pool's container, started
printf '%-44s %8s\n' "one run of a small C program (median of $n)" "ms"
c=$(median_ms cold_run)
f0=$(FORGE_DOCKER_POOL=0 median_ms forge_run)
f=$(median_ms forge_run)
printf '  %-42s %8s\n' "docker run --rm (cold, same image/binds)" "$c" \
	"forge run --backend docker, no pool" "$f0" \
	"forge run --backend docker, warm pool" "$f"
awk -v f="$f0" -v c="$c" 'BEGIN { printf "  %-42s %8.2fx\n", "ratio forge/cold, no pool", f / c }'
awk -v f="$f" -v c="$c" 'BEGIN { printf "  %-42s %8.2fx\n", "ratio forge/cold, warm pool", f / c }'
rt=()
if [ -n "$DOCKER_RUNSC" ]; then
	fs=$(median_ms forge_run --runtime runsc)
	cs=$(median_ms cold_run --runtime runsc)
	printf '  %-42s %8s\n' "forge run --backend docker --runtime runsc" \
		"$fs" "docker run --rm --runtime runsc (cold)" "$cs"
	awk -v f="$fs" -v c="$cs" 'BEGIN { printf "  %-42s %8.2fx\n", "ratio forge/cold (runsc)", f / c }'
	rt=(--runtime runsc)
else
	echo "  (runsc is not installed: no gVisor rows)"
fi

printf '\n%-44s %8s\n' "forge judge -j 2, $t tests" "tests/s"
"$FORGE" judge -j 2 --no-history "$TEST_TMP/sum.c" "$TEST_TMP/tests" \
	>/dev/null 2>&1 # ns's build
printf '  %-42s %8s\n' "ns" "$(judge_rate)"
r=$(FORGE_DOCKER_POOL=0 judge_rate --backend docker)
printf '  %-42s %8s\n' "docker (runc), no pool: $(cat "$TEST_TMP/made") containers" "$r"
r=$(judge_rate --backend docker)
printf '  %-42s %8s\n' "docker (runc), warm pool: $(cat "$TEST_TMP/made") containers" "$r"
if [ ${#rt[@]} -gt 0 ]; then
	r=$(judge_rate --backend docker "${rt[@]}")
	printf '  %-42s %8s\n' "docker (runsc): $(cat "$TEST_TMP/made") containers" "$r"
fi
