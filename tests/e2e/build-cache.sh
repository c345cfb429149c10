#!/bin/bash
# Builds are cached by content: an unchanged program is compiled once, a
# changed one again; concurrent first runs agree; the cache holds only
# what the compile was asked to keep.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox

src=$(write prog.c <<'X'
#include <stdio.h>
int main(void) { puts("v1"); return 0; }
X
)
forge_json "$src"
eq "first run: OK" OK "$(j .verdict)"
eq "first run: compiled" false "$(j .build_cached)"
check "first run: compile took time" test "$(j .compile_ms)" -gt 0
forge_json "$src"
eq "second run: OK" OK "$(j .verdict)"
eq "second run: build reused" true "$(j .build_cached)"
eq "second run: no compile time" 0 "$(j .compile_ms)"
eq "second run: same output" v1 "$(j .stdout)"

# the same source under another file name is the same build
cp "$src" "$TEST_TMP/copy.c"
forge_json "$TEST_TMP/copy.c"
eq "same content, other name: reused" true "$(j .build_cached)"

sed -i 's/v1/v2/' "$src"
forge_json "$src"
eq "changed source: compiled again" false "$(j .build_cached)"
eq "changed source: new output" v2 "$(j .stdout)"

# the build holds the program and the compiler's note, nothing else
builds=$(ls "$XDG_CACHE_HOME/forge/build" | wc -l)
eq "two distinct builds in the cache" 2 "$builds"
eq "only the artifact is kept" "" "$(find "$XDG_CACHE_HOME/forge/build" -mindepth 2 ! -name main ! -name .forge-build)"

# warnings are kept with the build and shown again with it
warn=$(write warn.c <<'X'
int main(void) { int unused; return 0; }
X
)
forge_json "$warn"
check "warning shown when compiled" grep -q unused <<<"$(j .compile_output)"
forge_json "$warn"
eq "warning build reused" true "$(j .build_cached)"
check "warning kept with the cached build" grep -q unused <<<"$(j .compile_output)"

# a failed compile is not cached
bad=$(write bad.c <<'X'
int main(void) { return nope; }
X
)
forge_json "$bad"
eq "CE" CE "$(j .verdict)"
forge_json "$bad"
eq "CE is compiled again, not cached" false "$(j .build_cached)"

# four first runs at once: all succeed, one build remains
con=$(write con.c <<'X'
#include <stdio.h>
int main(void) { puts("together"); return 0; }
X
)
for i in 1 2 3 4; do
	"$FORGE" run --json "$con" >"$TEST_TMP/con$i.json" 2>/dev/null &
done
wait
for i in 1 2 3 4; do
	eq "concurrent run $i" together "$(jq -r .stdout "$TEST_TMP/con$i.json")"
done
eq "no half-written builds left" "" "$(ls -A "$XDG_CACHE_HOME/forge/tmp")"
# one left by a forge that died mid-write is removed by the next run
mkdir -p "$XDG_CACHE_HOME/forge/tmp/99999999-0123456789abcdef"
touch "$XDG_CACHE_HOME/forge/tmp/99999999-0123456789abcdef/main"
"$FORGE" run -q "$con" >/dev/null 2>&1
eq "a dead forge's half-written build is removed" "" "$(ls -A "$XDG_CACHE_HOME/forge/tmp")"

# the cache is bounded: past FORGE_CACHE_MAX the builds used longest ago go
for i in 1 2 3; do
	printf '#include <stdio.h>\nint main(void) { puts("%d"); return 0; }\n' $i >"$TEST_TMP/b$i.c"
	FORGE_CACHE_MAX=1700K "$FORGE" run -q "$TEST_TMP/b$i.c" >/dev/null 2>&1
	sleep 0.05
done
kb=$(du -sk "$XDG_CACHE_HOME/forge/build" | cut -f1)
check "the cache stays near its bound ($kb KiB)" test "$kb" -le 1800
forge_json "$TEST_TMP/b3.c"
eq "the newest build was kept" true "$(j .build_cached)"
forge_json "$TEST_TMP/b1.c"
eq "an old build was removed" false "$(j .build_cached)"

finish
