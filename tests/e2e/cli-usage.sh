#!/bin/bash
# Bad input gets one clear line on stderr and exit status 2; help works.
. "$FORGE_SRCDIR/tests/lib.sh"

hello=$(write hello.c <<'C'
#include <stdio.h>
int main(void) { puts("hi"); return 0; }
C
)
mkdir -p "$TEST_TMP/adir"

# usage_error DESC PATTERN ARGS...: exit 2, one line matching PATTERN
usage_error() {
	local what=$1 pattern=$2 out rc=0
	shift 2
	out=$("$FORGE" "$@" 2>&1 >/dev/null </dev/null) || rc=$?
	eq "$what: exit status" 2 "$rc"
	eq "$what: one line" 1 "$(printf '%s\n' "$out" | wc -l)"
	check "$what: says '$pattern' ($out)" grep -q -- "$pattern" <<<"$out"
}

usage_error "missing file" "nosuch.c: No such file" run "$TEST_TMP/nosuch.c"
usage_error "a directory" "not a regular file" run "$TEST_TMP/adir"
usage_error "unknown language" "unknown language 'cobol2'" run -l cobol2 "$hello"
touch "$TEST_TMP/prog.xyz"
usage_error "unknown extension" "unknown file extension; name the language with -l" run "$TEST_TMP/prog.xyz"
usage_error "bad size unit" "unknown unit 'XB'" run --mem 12XB "$hello"
usage_error "size without unit" "no unit" run -m 256 "$hello"
usage_error "negative time" "negative" run -t -1 "$hello"
usage_error "zero time" "positive" run --wall 0 "$hello"
usage_error "bad pids" "pids" run --pids many "$hello"
usage_error "missing stdin file" "--stdin .*No such file" run -i "$TEST_TMP/none.txt" "$hello"
usage_error "stdin is a directory" "is a directory" run -i "$TEST_TMP/adir" "$hello"
usage_error "no file" "no FILE" run
usage_error "two files" "one FILE at a time" run "$hello" "$hello"
usage_error "unknown option" "unknown option '--frobnicate'" run --frobnicate "$hello"
usage_error "option without value" "needs a value" run "$hello" --mem
usage_error "unknown backend" "unknown backend 'vm' (registered: ns)" run --backend vm "$hello"
usage_error "unknown command" "unknown command 'jduge'" jduge
usage_error "langs takes no args" "no arguments" langs extra
usage_error "doctor bad option" "unknown option" doctor --frob

rc=0
out=$("$FORGE" run --help) || rc=$?
eq "run --help exits 0" 0 "$rc"
for opt in --lang --stdin --time --wall --mem --pids --output --net --backend --json --no-history; do
	check "run --help lists $opt" grep -q -- "$opt" <<<"$out"
done
check "forge --help lists the commands" bash -c "'$FORGE' --help | grep -q 'doctor'"
check "forge --version" bash -c "'$FORGE' --version | grep -q '^forge [0-9]'"
rc=0
"$FORGE" >/dev/null 2>&1 || rc=$?
eq "no command: usage, exit 2" 2 "$rc"

# the bad input never ran anything: nothing was built
check "nothing was built for bad input" test -z "$(ls -A "$XDG_CACHE_HOME/forge/build" 2>/dev/null)"
finish
