#!/bin/bash
# Bad input gets one clear line on stderr and exit status 2; help works.
. "$FORGE_SRCDIR/tests/lib.sh"
# the backends this forge has: docker where it was built with libcurl
registered=ns
"$FORGE" doctor --backend docker --json >/dev/null 2>&1
[ $? -ne 2 ] && registered="ns, docker"

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
usage_error "unknown backend" "unknown backend 'vm' (registered: $registered)" run --backend vm "$hello"
usage_error "judge: unknown backend" "^forge: --backend: unknown backend 'vm' (registered: $registered)$" judge --backend vm "$hello" "$TEST_TMP/adir"
usage_error "stress: unknown backend" "^forge: --backend: unknown backend 'vm' (registered: $registered)$" stress --backend vm "$hello" --gen "$hello" --ref "$hello"
usage_error "replay: unknown backend" "^forge: --backend: unknown backend 'vm' (registered: $registered)$" replay --backend vm 1
usage_error "langs: unknown backend" "unknown backend 'vm' (registered: $registered)" langs --backend vm
usage_error "doctor: unknown backend" "unknown backend 'vm' (registered: $registered)" doctor --backend vm
usage_error "--backend without a name" "option '--backend' needs a value (see 'forge judge --help')" judge "$hello" "$TEST_TMP/adir" --backend
usage_error "judge: unknown option" "unknown option '--frob' (see 'forge judge --help')" judge --frob "$hello" "$TEST_TMP/adir"
usage_error "judge: one argument" "usage: forge judge \\[options\\] FILE TESTS" judge "$hello"
usage_error "stress: bad count" "^forge: --count: " stress -n many "$hello" --gen "$hello" --ref "$hello"
usage_error "stress: no --ref" "usage: forge stress" stress "$hello" --gen "$hello"
usage_error "replay: bad speed" "^forge: --speed: 'fast' is not a positive factor" replay --play --speed fast 1
usage_error "history: takes no arguments" "'forge history' takes no arguments" history extra
usage_error "history: bad verdict" "^forge: --verdict: 'XX' is not a verdict" history --verdict XX
usage_error "gc: bad duration" "^forge: --older-than: '3x' is not a duration" gc --older-than 3x
usage_error "show: no id" "usage: forge show \\[options\\] ID" show
usage_error "unknown command" "unknown command 'jduge'" jduge
usage_error "langs takes no args" "no arguments" langs extra
usage_error "doctor bad option" "unknown option" doctor --frob

rc=0
out=$("$FORGE" run --help) || rc=$?
eq "run --help exits 0" 0 "$rc"
for opt in --lang --stdin --time --wall --mem --pids --output --net --backend --json --no-history; do
	check "run --help lists $opt" grep -q -- "$opt" <<<"$out"
done
# every command's --help comes from its option table: each option it lists
# is one the parser takes (given after too many arguments, each is
# parsed, then refused for the arguments: nothing runs)
commands=$("$FORGE" --help | sed -n 's/^  \([a-z]\+\) .*/\1/p')
eq "forge --help lists the seventeen commands" \
	"run judge stress history show replay export import gc langs doctor image serve token worker lab submit" \
	"$(echo $commands)"
for cmd in $commands; do
	rc=0
	help=$("$FORGE" "$cmd" --help) || rc=$?
	eq "$cmd --help exits 0" 0 "$rc"
	eq "forge help $cmd is the same" "$help" "$("$FORGE" help "$cmd")"
	check "$cmd --help: its usage line" grep -q "^usage: forge $cmd " <<<"$help"
	check "$cmd --help lists -h, --help" grep -q -- "-h, --help" <<<"$help"
	opts=$(sed -n 's/^  \(-., \|    \)--\([a-z-]*\)\( [A-Z]*\)\?\( .*\)\?$/\2\3/p' <<<"$help")
	eq "$cmd --help: every option line read" \
		"$(grep -c '^  \(-., \|    \)--' <<<"$help")" "$(wc -l <<<"$opts")"
	check "$cmd --help lists options" test -n "$opts"
	while read -r name value; do
		[ "$name" = help ] && continue
		rc=0
		out=$("$FORGE" "$cmd" "--$name" ${value:+"1"} a b c d 2>&1 >/dev/null </dev/null) || rc=$?
		eq "$cmd --$name: parsed, then the arguments refused" 2 "$rc"
		check "$cmd --$name is an option of $cmd ($out)" \
			bash -c "! grep -q -e 'unknown option' -e 'needs a value' <<<'$out'"
	done <<<"$opts"
done
for cmd in run judge stress replay; do
	check "$cmd --help lists --backend" bash -c "'$FORGE' $cmd --help | grep -q -- '--backend NAME'"
done
for cmd in run judge stress; do
	for opt in --lang --time --wall --mem --pids --output --fsize --compile-time --compile-mem; do
		[ $cmd = stress ] && [ $opt = --lang ] && continue
		check "$cmd --help lists $opt" bash -c "'$FORGE' $cmd --help | grep -q -- '$opt '"
	done
done
check "forge --help lists the commands" bash -c "'$FORGE' --help | grep -q 'doctor'"
check "forge --version" bash -c "'$FORGE' --version | grep -q '^forge [0-9]'"
rc=0
"$FORGE" >/dev/null 2>&1 || rc=$?
eq "no command: usage, exit 2" 2 "$rc"

# the bad input never ran anything: nothing was built
check "nothing was built for bad input" test -z "$(ls -A "$XDG_CACHE_HOME/forge/build" 2>/dev/null)"
finish
