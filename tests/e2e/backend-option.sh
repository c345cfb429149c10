#!/bin/bash
# --backend on run, judge and replay: the named backend runs the program
# and is recorded; an unknown name is a usage error that lists the
# registered backends; replay runs on the backend the run was recorded on,
# and says so clearly when that backend is not registered here.
# (stress --backend: tests/e2e/stress.sh; langs and doctor:
# tests/e2e/langs-doctor.sh.)
. "$FORGE_SRCDIR/tests/lib.sh"
# the backends this forge has: docker where it was built with libcurl
registered=ns
"$FORGE" doctor --backend docker --json >/dev/null 2>&1
[ $? -ne 2 ] && registered="ns, docker"
need_sandbox
need_lang c

db=$TEST_TMP/history.db
hello=$(write hello.c <<'C'
#include <stdio.h>
int main(void) { puts("hi"); return 0; }
C
)
mkdir -p "$TEST_TMP/tests"
: >"$TEST_TMP/tests/1.in"
echo hi >"$TEST_TMP/tests/1.ans"

# unknown_backend DESC ARGS...: exit 2, the one line that lists the
# registered backends, and nothing built
unknown_backend() {
	local what=$1 out rc=0
	shift
	out=$("$FORGE" "$@" 2>&1 >/dev/null </dev/null) || rc=$?
	eq "$what: exit status" 2 "$rc"
	eq "$what: one line listing the registered backends" \
		"forge: --backend: unknown backend 'nosuch' (registered: $registered)" "$out"
}
unknown_backend "run --backend nosuch" run --backend nosuch "$hello"
unknown_backend "judge --backend nosuch" judge --backend nosuch "$hello" "$TEST_TMP/tests"
check "nothing was built for an unknown backend" \
	test -z "$(ls -A "$XDG_CACHE_HOME/forge/build" 2>/dev/null)"

# run and judge on the backend named
forge_json "$hello" --backend ns
eq "run --backend ns: OK" OK "$(j .verdict)"
eq "run --backend ns: the result names it" ns "$(j .backend)"
rc=0
"$FORGE" judge --json --no-history --backend ns "$hello" "$TEST_TMP/tests" \
	>"$TEST_TMP/judge.json" 2>"$TEST_TMP/judge.err" || rc=$?
eq "judge --backend ns: exit 0" 0 "$rc"
eq "judge --backend ns: AC, on ns" "AC ns" \
	"$(jq -r '"\(.verdict) \(.backend)"' "$TEST_TMP/judge.json")"

# replay: on the recorded backend
id=$("$FORGE" run --json --db "$db" "$hello" 2>/dev/null | jq -r .id)
check "the run was recorded ($id)" test "$id" -gt 0
eq "the run's recorded backend" ns "$("$FORGE" show --json --db "$db" "$id" | jq -r .backend)"
rc=0
"$FORGE" replay --json --db "$db" "$id" >"$TEST_TMP/replay.json" 2>"$TEST_TMP/replay.err" || rc=$?
eq "replay: reproduced, exit 0" 0 "$rc"
eq "replay: on the recorded backend" "true ns" \
	"$(jq -r '"\(.reproduced) \(.run.backend)"' "$TEST_TMP/replay.json")"
unknown_backend "replay --backend nosuch" replay --db "$db" --backend nosuch "$id"

# a run recorded on a backend this forge does not have (say, exported
# from a newer forge): refused with the reason, unless told where
"$FORGE" export --db "$db" "$id" | jq '.backend = "vm"' >"$TEST_TMP/foreign.json"
other=$("$FORGE" import --db "$db" "$TEST_TMP/foreign.json")
check "the foreign run was imported ($other)" test "$other" -gt 0
rc=0
out=$("$FORGE" replay --db "$db" "$other" 2>&1 >/dev/null) || rc=$?
eq "replay of a run on an unknown backend: usage error" 2 "$rc"
eq "... one line" 1 "$(printf '%s\n' "$out" | wc -l)"
check "... naming the recorded backend ($out)" grep -q "recorded on backend 'vm'" <<<"$out"
check "... listing the registered ones" grep -q "(registered: $registered)" <<<"$out"
check "... and saying how to replay it anyway" grep -q -- "--backend NAME" <<<"$out"
rc=0
"$FORGE" replay --json --db "$db" --backend ns "$other" >"$TEST_TMP/replay2.json" 2>/dev/null || rc=$?
eq "replay --backend ns of it: reproduced" "0 true ns" \
	"$rc $(jq -r '"\(.reproduced) \(.run.backend)"' "$TEST_TMP/replay2.json")"
finish
