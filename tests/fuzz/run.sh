#!/bin/bash
# Forge's parsers under libFuzzer, ASan and UBSan (tests/fuzz/fuzz-*.c).
#
# In make check: each harness runs over its seed corpus in
# tests/fuzz/corpus/NAME (real files, and every input that ever found a
# bug, so each stays fixed), then fuzzes for FORGE_FUZZ_SECONDS (5) more.
# By hand, for as long as asked (see README, "Fuzzing"):
#   make fuzz FUZZ_SECONDS=1800 [FUZZ_TARGETS="kattis json"]
# keeps what it learns in tests/fuzz/build/corpus-NAME between sessions.
# A crash leaves its input in tests/fuzz/crash-NAME-*; copy it into the
# harness's corpus with the fix.
set -u
: "${FORGE_SRCDIR:?FORGE_SRCDIR must point at the source tree}"
if [ -z "${FORGE_FUZZ_CC:-}" ]; then
	echo "SKIP: no fuzz build: configure found no clang that links" \
		"-fsanitize=fuzzer (apt-get install clang, then" \
		"./configure --enable-fuzz)" >&2
	exit 77
fi
dir=${FORGE_FUZZ_DIR:?FORGE_FUZZ_DIR must point at the harnesses}
secs=${FORGE_FUZZ_SECONDS:-5}
keep=${FORGE_FUZZ_KEEP:-no}
targets=${FORGE_FUZZ_TARGETS:-json import companion http kattis lang theme settings limits tar ws}
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/forge-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
failures=0

for t in $targets; do
	bin=$dir/fuzz-$t
	seeds=$FORGE_SRCDIR/tests/fuzz/corpus/$t
	if ! [ -x "$bin" ] || ! [ -d "$seeds" ]; then
		echo "FAIL: $t: no harness $bin or no corpus $seeds" >&2
		failures=$((failures + 1))
		continue
	fi
	# new inputs go to the first directory: never the source tree
	if [ "$keep" = yes ]; then
		work=$dir/build/corpus-$t
	else
		work=$scratch/$t
	fi
	mkdir -p "$work"
	# the seeds and the regressions, each once
	if ! "$bin" -runs=0 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$dir/crash-$t-" "$seeds" \
		>"$scratch/$t.log" 2>&1; then
		tail -n 60 "$scratch/$t.log" >&2
		echo "FAIL: $t: an input of its corpus fails" >&2
		failures=$((failures + 1))
		continue
	fi
	echo "ok: $t: $(find "$seeds" -type f | wc -l) corpus files"
	if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$dir/crash-$t-" "$work" "$seeds" \
		>"$scratch/$t.log" 2>&1; then
		tail -n 60 "$scratch/$t.log" >&2
		echo "FAIL: $t: fuzzing for $secs s found an input that fails" \
			"(kept as $dir/crash-$t-*)" >&2
		failures=$((failures + 1))
		continue
	fi
	echo "ok: $t: fuzzed $secs s, $(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$t.log") runs"
done
echo "$failures failed"
[ "$failures" -eq 0 ]
