#!/bin/bash
# Files forge reads on the user's behalf may be FIFOs no one writes to
# (a trap in a shared test set, or a slip): forge must not hang before
# any limit applies. --stdin on a FIFO is fed to the program under the
# wall limit, like any other stdin: a program that reads it and waits
# is TLE, one that does not read it runs as usual. Test sets, checkers,
# problem packages, language files and history imports that are FIFOs
# are refused (exit 2), naming the file. The control: a FIFO with a
# writer does reach the program.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c
command -v timeout >/dev/null || skip "needs timeout(1)"

hello=$(write hello.c <<'C'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
C
)
cat=$(write cat.c <<'C'
#include <stdio.h>
int main(void) { int c; while ((c = getchar()) != EOF) putchar(c); return 0; }
C
)
mkfifo "$TEST_TMP/fifo"

# run_bounded OUT CMD...: runs forge, killed if it is still there after
# 30 s; the exit status in $rc (124: it hung)
run_bounded() {
	local out=$1
	shift
	rc=0
	timeout -s KILL 30 "$@" >"$out" 2>"$out.err" || rc=$?
	[ "$rc" -ne 137 ] || rc=124
}

# control: a writer comes, its line reaches the program
(echo "through the fifo" >"$TEST_TMP/fifo") &
run_bounded "$TEST_TMP/ctl.json" "$FORGE" run --json --no-history --wall 10 \
	-i "$TEST_TMP/fifo" "$cat"
eq "control: a fed FIFO: verdict" OK "$(jq -r .verdict "$TEST_TMP/ctl.json")"
eq "control: the program read it" "through the fifo" \
	"$(jq -r .stdout "$TEST_TMP/ctl.json")"
wait

run_bounded "$TEST_TMP/a.json" "$FORGE" run --json --no-history --wall 2 \
	-i "$TEST_TMP/fifo" "$hello"
check "--stdin FIFO, program does not read: forge did not hang" \
	[ "$rc" -ne 124 ]
eq "--stdin FIFO, program does not read: verdict" OK \
	"$(jq -r .verdict "$TEST_TMP/a.json")"

run_bounded "$TEST_TMP/b.json" "$FORGE" run --json --no-history --wall 2 \
	-i "$TEST_TMP/fifo" "$cat"
check "--stdin FIFO, program reads: forge did not hang" [ "$rc" -ne 124 ]
eq "--stdin FIFO, program reads: the wall limit ends it" TLE \
	"$(jq -r .verdict "$TEST_TMP/b.json")"

# refused_file WHAT NAME CMD...: forge exits 2 and names the file
refused_file() {
	local what=$1 name=$2
	shift 2
	run_bounded "$TEST_TMP/r.out" "$@"
	eq "$what: exit status" 2 "$rc"
	check "$what: the message names $name" grep -qF "$name" "$TEST_TMP/r.out.err"
}

mkdir -p "$TEST_TMP/set" "$TEST_TMP/pkg/data/secret"
echo >"$TEST_TMP/set/1.in"
echo hello >"$TEST_TMP/set/1.ans"
mkfifo "$TEST_TMP/checker.cpp"
refused_file "checker FIFO" checker.cpp \
	"$FORGE" judge --no-history --checker "$TEST_TMP/checker.cpp" "$hello" \
	"$TEST_TMP/set"
echo >"$TEST_TMP/pkg/data/secret/1.in"
echo hello >"$TEST_TMP/pkg/data/secret/1.ans"
mkfifo "$TEST_TMP/pkg/problem.yaml"
refused_file "problem.yaml FIFO" problem.yaml \
	"$FORGE" judge --no-history "$hello" "$TEST_TMP/pkg"
refused_file "history import FIFO" fifo "$FORGE" import "$TEST_TMP/fifo"
mkdir -p "$XDG_CONFIG_HOME/forge/languages"
mkfifo "$XDG_CONFIG_HOME/forge/languages/trap.lang"
run_bounded "$TEST_TMP/l.out" "$FORGE" langs
check "a language file FIFO: forge langs did not hang" [ "$rc" -ne 124 ]
check "a language file FIFO: named" grep -qF trap.lang "$TEST_TMP/l.out.err"
rm "$XDG_CONFIG_HOME/forge/languages/trap.lang"
# a history database that is a FIFO: the run goes on, unrecorded
run_bounded "$TEST_TMP/d.out" "$FORGE" run --db "$TEST_TMP/fifo" "$hello"
check "--db FIFO: forge did not hang" [ "$rc" -ne 124 ]
check "--db FIFO: the warning names it" grep -qF fifo "$TEST_TMP/d.out.err"
finish
