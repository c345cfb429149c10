#!/bin/bash
# A program that writes to stdout and stderr for ever: OLE under
# --output 1M, and what forge itself prints stays bounded by the limit,
# with --json and without.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c

forge_json "$PROGS/outflood.c" --output 1M -t 5
eq "verdict" OLE "$(j .verdict)"
eq "forge's exit status" 1 "$rc"
out=$(jq '.stdout | length' "$TEST_TMP/last.json")
err=$(jq '.stderr | length' "$TEST_TMP/last.json")
check "the program did write (stdout $out, stderr $err bytes kept)" \
	[ "$out" -gt 0 -a "$err" -gt 0 ]
check "stdout and stderr kept: $((out + err)) bytes, at most 1 MiB" \
	[ $((out + err)) -le 1048576 ]
size=$(stat -c %s "$TEST_TMP/last.json")
check "forge's JSON is $size bytes, about the limit" \
	[ "$size" -le $((1048576 + 65536)) ]

# Without --json the output passes through: forge's stdout and stderr
# together stay within the limit and a summary.
rc=0
"$FORGE" run --no-history --output 1M -t 5 "$PROGS/outflood.c" \
	>"$TEST_TMP/plain.out" 2>"$TEST_TMP/plain.err" || rc=$?
eq "plain: forge's exit status" 1 "$rc"
a=$(stat -c %s "$TEST_TMP/plain.out")
b=$(stat -c %s "$TEST_TMP/plain.err")
check "plain: forge printed $a + $b bytes, about the limit" \
	[ "$a" -gt 0 -a $((a + b)) -le $((1048576 + 65536)) ]

# A larger limit lets more through: the bound above is the limit's doing.
forge_json "$PROGS/outflood.c" --output 4M -t 5
eq "4M: verdict" OLE "$(j .verdict)"
out=$(jq '(.stdout | length) + (.stderr | length)' "$TEST_TMP/last.json")
check "4M: $out bytes kept, more than 1 MiB and at most 4 MiB" \
	[ "$out" -gt 1048576 -a "$out" -le 4194304 ]
finish
