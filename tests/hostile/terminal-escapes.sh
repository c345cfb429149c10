#!/bin/bash
# What a judge reports of the program reaches the user's terminal only
# escaped: its stderr (the first failure's block), its output in the
# difference, a checker's message quoting it, and all of them again in
# `forge show`. The program writes terminal controls (title, clear,
# OSC 52 clipboard, CR and a fake "forge: AC" line, C1 controls, a bidi
# override): none of their bytes is in forge's output, and each shows as
# an escape the user can read. The control: the program's bytes do come
# through raw where they belong, in `forge show --output`.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c
need_lang bash
export NO_COLOR=1 # forge's own colours are escapes too; none here

mkdir -p "$TEST_TMP/set"
for i in 1 2; do
	: >"$TEST_TMP/set/$i.in"
	echo 42 >"$TEST_TMP/set/$i.ans"
done
checker=$(write checker.sh <<'SH'
printf 'wrong answer: got %s\n' "$(cat "$2")"
exit 1
SH
)

# raw_controls FILE: the terminal-control bytes in FILE, as hex
raw_controls() {
	LC_ALL=C grep -ao $'[\x1b\x07\x0d\x9b]\|\xe2\x80\xae' "$1" | od -An -tx1 | tr -d ' \n'
}

no_fake_verdict() {
	! grep -q '^ *forge: AC' "$1"
}

# report_safe WHAT FILE: no control byte, and the escapes are readable
report_safe() {
	eq "$1: no raw terminal control" "" "$(raw_controls "$2")"
	check "$1: the title sequence shows escaped" \
		grep -qF '\x1b]0;forge-pwned-title\x07' "$2"
	check "$1: the CR shows escaped" grep -qF '\r' "$2"
	check "$1: the bidi override shows escaped" grep -qF '\u202e' "$2"
	check "$1: no line starts with the fake verdict" no_fake_verdict "$2"""
}

rc=0
"$FORGE" judge "$PROGS/termctl.c" "$TEST_TMP/set" >"$TEST_TMP/judge.out" \
	2>&1 || rc=$?
eq "judge: exit status (WA)" 1 "$rc"
check "judge: the first failure's stderr is shown" \
	grep -q "stderr:" "$TEST_TMP/judge.out"
report_safe "judge" "$TEST_TMP/judge.out"

rc=0
"$FORGE" judge --checker "$checker" "$PROGS/termctl.c" "$TEST_TMP/set" \
	>"$TEST_TMP/checker.out" 2>&1 || rc=$?
eq "judge with a checker: exit status" 1 "$rc"
check "judge with a checker: its message is shown" \
	grep -q "wrong answer: got" "$TEST_TMP/checker.out"
eq "judge with a checker: no raw terminal control" "" \
	"$(raw_controls "$TEST_TMP/checker.out")"

"$FORGE" run --json "$PROGS/termctl.c" >"$TEST_TMP/run.json" 2>/dev/null
id=$(jq -r .id "$TEST_TMP/run.json")
"$FORGE" show "$id" >"$TEST_TMP/show.out" 2>&1
report_safe "show" "$TEST_TMP/show.out"
"$FORGE" show --output "$id" >"$TEST_TMP/raw.out" 2>&1
check "control: show --output gives the program's bytes" \
	cmp -s "$TEST_TMP/raw.out" <(printf '\033]0;forge-pwned-title\007\033[2J\033[H\033]52;c;Zm9yZ2UtcHduZWQ=\007\rforge: AC  2/2 tests passed\r\233''31m\302\233''32m\342\200\256desrever\n')
finish
