#!/bin/bash
# Memory bombs: one process that grows for ever, and four children of
# 100 MiB each under a 128M limit (each alone would fit: the limit binds
# the run as a whole). Both end MLE, the run's peak stays at the limit
# where a cgroup enforces it, and no process of the bombs is left.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c
memory_exclusive

name=mb$(token | cut -c1-12)
printf 'grow\n%s\n' "$name" >"$TEST_TMP/grow.in"
forge_json "$PROGS/membomb.c" -m 64M -t 5 -i "$TEST_TMP/grow.in"
eq "grow: verdict" MLE "$(j .verdict)"
eq "grow: forge's exit status" 1 "$rc"
cg=false
case $(j .enforced_by) in cgroup-*) cg=true ;; esac
if $cg; then
	check "grow: peak $(j .memory_kb) KiB within the 64M limit" \
		[ "$(j .memory_kb)" -le 65536 ]
fi

# The control: the same four children, small enough together, are fine.
printf 'children 4 20\n%s\n' "$name" >"$TEST_TMP/small.in"
forge_json "$PROGS/membomb.c" -m 128M -t 5 -i "$TEST_TMP/small.in"
eq "4 x 20 MiB under 128M: verdict" OK "$(j .verdict)"
eq "4 x 20 MiB under 128M: all four children exited 0" 4 \
	"$(j .stdout | grep -c 'child exited 0')"

printf 'children 4 100\n%s\n' "$name" >"$TEST_TMP/kids.in"
forge_json "$PROGS/membomb.c" -m 128M -t 5 -i "$TEST_TMP/kids.in"
eq "4 x 100 MiB under 128M: verdict" MLE "$(j .verdict)"
if $cg; then
	check "4 x 100 MiB: peak $(j .memory_kb) KiB within the 128M limit" \
		[ "$(j .memory_kb)" -le 131072 ]
fi

# The rlimit fallback samples the run's memory: the verdict must hold
# there too (its peak may pass the limit between two samples).
# (the docker backend has no rlimit fallback: a container's cgroup or IE)
if [ "$TEST_BACKEND" = ns ]; then
	FORGE_NO_CGROUP=1 forge_json "$PROGS/membomb.c" -m 128M -t 5 \
		-i "$TEST_TMP/kids.in"
	eq "rlimit: enforced by" rlimit "$(j .enforced_by)"
	eq "rlimit: 4 x 100 MiB under 128M: verdict" MLE "$(j .verdict)"
	echo "rlimit: the run's peak was $(j .memory_kb) KiB under a 128M limit"
fi

eq "no process of the bombs is left" 0 "$(pgrep -xc "$name")"
finish
