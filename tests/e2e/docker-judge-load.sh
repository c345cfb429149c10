#!/bin/bash
# Judges side by side on the docker backend's warm pool, against a
# private dockerd: three forge judge -j 3 at once, ten times over, of a
# program that answers at once. Every test is AC with its output: a
# pooled run's program that ends before the daemon has forwarded what it
# wrote still has all of it read (its exec's end is not the end of its
# output), and no run meets another's. No container but the pool's is
# left.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/docker-lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
[ -z "${FORGE_TEST_SANITIZED:-}" ] ||
	skip "this load test runs in the default build; the sanitizer build runs tests/e2e/docker.sh"
command -v gcc >/dev/null || skip "gcc is not installed"
docker_start

prog=$(write sum.c <<'C'
#include <stdio.h>
int main(void)
{
	long a, b;
	if (scanf("%ld %ld", &a, &b) != 2)
		return 1;
	fprintf(stderr, "adding\n");
	printf("%ld\n", a + b);
	return 0;
}
C
)
mkdir -p "$TEST_TMP/t"
for i in 1 2 3 4 5 6; do
	echo "$i $((i * 10))" >"$TEST_TMP/t/$i.in"
	echo $((i * 11)) >"$TEST_TMP/t/$i.ans"
done
"$FORGE" judge --backend docker --no-history "$prog" "$TEST_TMP/t" \
	>/dev/null 2>&1 # the build, and the pool's first containers

# (their pids: a bare wait would wait for the daemon too)
workers=()
for w in 1 2 3; do
	(
		for k in $(seq 10); do
			"$FORGE" judge --backend docker -j 3 --json --no-history \
				"$prog" "$TEST_TMP/t" >"$TEST_TMP/j$w-$k.json" \
				2>/dev/null
		done
	) &
	workers+=($!)
done
wait "${workers[@]}"

bad=0
for f in "$TEST_TMP"/j*.json; do
	v=$(jq -r '[.tests[].verdict] | unique | join(" ")' "$f" 2>/dev/null)
	if [ "$v" != AC ]; then
		bad=$((bad + 1))
		jq -c '.tests[] | select(.verdict != "AC") | {name, verdict, detail, exit_code, stderr}' \
			"$f" >&2 2>/dev/null || head -c 500 "$f" >&2
	fi
done
eq "30 judges of 6 tests, 3 at once: every test AC" 0 "$bad"
eq "30 judges were made" 30 "$(ls "$TEST_TMP"/j*.json | wc -l)"
eq "nothing of Forge's is left in the daemon but the pool" 0 "$(docker_left)"
finish
