#!/bin/bash
# The remote backend: forge run --server URL (or --backend remote with
# FORGE_SERVER; FORGE_TOKEN) runs through a forge serve's native API and prints what a
# local run prints: the same --json fields (but the backend, the timings
# and the toolchain, which names the server), the same exit status, and
# a record in the local history with backend "remote". A busy server's
# 429 is waited out; a server that cannot be reached, a missing or wrong
# token and an unknown language are said plainly.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang c
need_lang python3
[ -x "$(dirname "$FORGE")/forge-full" ] ||
	skip "forge-full was not built (configure found no libcurl)"

token=$("$FORGE" token add lab --db "$SERVE_DB")
serve_start -j 2
export FORGE_TOKEN=$token
LOCAL_DB="$TEST_TMP/local.db"
QUEUE_DB="${SERVE_DB%.db}-serve.db" # the server's jobs, beside its history

# the fields a user compares; the rest differ by nature (timings, the
# backend, the toolchain's server, ids)
fields='{verdict, detail, exit_code, signal, syscall, stdout, stderr,
	output_truncated, compile_output, language, limits, cached}'

# same NAME FILE [options...]: local and remote --json agree, and so do
# their exit statuses
same() {
	local name=$1 file=$2 lrc=0 rrc=0
	shift 2
	"$FORGE" run --json --db "$LOCAL_DB" "$@" "$file" \
		<"$TEST_TMP/in" >"$TEST_TMP/local.json" 2>/dev/null || lrc=$?
	"$FORGE" run --json --db "$LOCAL_DB" --server "$URL" "$@" "$file" \
		<"$TEST_TMP/in" >"$TEST_TMP/remote.json" 2>"$TEST_TMP/remote.err" || rrc=$?
	eq "$name: the same result" "$(jq -S "$fields" "$TEST_TMP/local.json")" \
		"$(jq -S "$fields" "$TEST_TMP/remote.json")"
	eq "$name: the same exit status" "$lrc" "$rrc"
	eq "$name: the remote run says where it ran" "remote" \
		"$(jq -r '.backend + (if (.toolchain // "") | test("forge serve") then "" else " (toolchain?)" end)' "$TEST_TMP/remote.json")"
}

: >"$TEST_TMP/in"
ok=$(write ok.c <<'C'
#include <stdio.h>
int main(void) { printf("hello\n"); fprintf(stderr, "note\n"); return 0; }
C
)
same "OK" "$ok"
re=$(write re.c <<'C'
#include <stdio.h>
int main(void) { printf("before\n"); fflush(stdout); return 3; }
C
)
same "RE (exit 3)" "$re"
seg=$(write seg.c <<'C'
int main(void) { volatile int *p = 0; return *p; }
C
)
same "RE (SIGSEGV)" "$seg"
ce=$(write ce.c <<'C'
int main(void) { return x; }
C
)
same "CE" "$ce"
tle=$(write tle.py <<'P'
while True:
    pass
P
)
same "TLE" "$tle" -t 1
printf '3 4\n' >"$TEST_TMP/in"
sum=$(write sum.py <<'P'
a, b = map(int, input().split())
print(a + b)
P
)
same "stdin" "$sum"
eq "stdin: the sum" "7" "$(jq -r .stdout "$TEST_TMP/remote.json" | tr -d '\n')"

# forge judge --server: the same tests, verdicts and exit status
mkdir -p "$TEST_TMP/tests"
printf '1 2\n' >"$TEST_TMP/tests/a.in"
printf '3\n' >"$TEST_TMP/tests/a.ans"
printf '2 2\n' >"$TEST_TMP/tests/b.in"
printf '5\n' >"$TEST_TMP/tests/b.ans"
jfields='del(.time_ms, .memory_kb, .backend, .id, .enforced_by,
	.tests[].time_ms, .tests[].wall_ms, .tests[].memory_kb)'
judge_same() {
	local name=$1 lrc=0 rrc=0
	shift
	"$FORGE" judge --json --db "$LOCAL_DB" "$@" "$TEST_TMP/tests" \
		>"$TEST_TMP/local.json" 2>/dev/null || lrc=$?
	"$FORGE" judge --json --db "$LOCAL_DB" --server "$URL" "$@" \
		"$TEST_TMP/tests" >"$TEST_TMP/remote.json" 2>/dev/null || rrc=$?
	eq "$name: the same verdicts" "$(jq -S "$jfields" "$TEST_TMP/local.json")" \
		"$(jq -S "$jfields" "$TEST_TMP/remote.json")"
	eq "$name: the same exit status" "$lrc" "$rrc"
}
judge_same "judge WA" "$sum"
eq "judge WA: a AC, b WA, through the server" "AC WA remote" \
	"$(jq -r '[.tests[].verdict] + [.backend] | join(" ")' "$TEST_TMP/remote.json")"
printf '4\n' >"$TEST_TMP/tests/b.ans"
judge_same "judge AC" "$sum"
eq "judge AC: AC" "AC" "$(jq -r .verdict "$TEST_TMP/remote.json")"
judge_same "judge CE" "$ce"
judge_same "judge --stop" "$re" -x
eq "judge --stop: one test run" "1" "$(jq -r '.tests | length' "$TEST_TMP/remote.json")"

# without --json: the program's output passes through, the summary says
# remote
out=$(printf '5 6\n' | "$FORGE" run --db "$LOCAL_DB" --server "$URL" "$sum" 2>"$TEST_TMP/summary")
eq "plain: the program's output" "11" "$out"
check "plain: the summary names the remote backend" grep -q 'remote' "$TEST_TMP/summary"

# --backend remote takes its server from FORGE_SERVER
printf '1 1\n' | FORGE_SERVER=$URL "$FORGE" run --backend remote --json --db "$LOCAL_DB" "$sum" >"$TEST_TMP/env.json"
eq "FORGE_SERVER with --backend remote: the run is remote" "remote 2" "$(jq -r '"\(.backend) \(.stdout)"' "$TEST_TMP/env.json" | tr -d '\n')"
# FORGE_SERVER alone (set for forge submit, say) sends nothing anywhere
served=$(sqlite3 "$QUEUE_DB" "SELECT count(*) FROM jobs")
check "the server's jobs are counted" test "$served" -gt 0
printf '2 2\n' | FORGE_SERVER=$URL "$FORGE" run --json --no-history "$sum" >"$TEST_TMP/alone.json"
eq "FORGE_SERVER alone: the run stays here" "ns 4" "$(jq -r '"\(.backend) \(.stdout)"' "$TEST_TMP/alone.json" | tr -d '\n')"
eq "FORGE_SERVER alone: the server got no job" "$served" "$(sqlite3 "$QUEUE_DB" "SELECT count(*) FROM jobs")"

# the local history has the remote runs, their backend and stdin
"$FORGE" history --json --db "$LOCAL_DB" >"$TEST_TMP/hist.json"
rid=$(jq -r .id "$TEST_TMP/env.json")
eq "history: the remote run is listed" "$rid" \
	"$(jq -r --argjson id "$rid" '.[] | select(.id == $id) | .id' "$TEST_TMP/hist.json")"
"$FORGE" export "$rid" --db "$LOCAL_DB" >"$TEST_TMP/export.json"
eq "history: backend remote, the server named, stdin kept" "remote yes 1 1" \
	"$(jq -r '"\(.backend) \(if (.toolchain | contains("'"$URL"'")) then "yes" else "no" end) \(.stdin)"' "$TEST_TMP/export.json" | tr -d '\n')"
check "the server's history has them too (history --db on the server)" \
	test "$("$FORGE" history --json --db "$SERVE_DB" | jq length)" -ge 8
eq "history: the four remote judges are listed, backend remote" "4" \
	"$(for id in $(jq -r '.[] | select(.kind == "judge") | .id' "$TEST_TMP/hist.json"); do
		"$FORGE" export "$id" --db "$LOCAL_DB" | jq -r .backend; done | grep -c '^remote$')"

# errors, said plainly
rc=0
"$FORGE" run --server http://127.0.0.1:1 "$ok" >/dev/null 2>"$TEST_TMP/err" || rc=$?
eq "unreachable: exit 2" 2 "$rc"
check "unreachable: said so, with the URL" grep -q 'cannot reach forge serve at http://127.0.0.1:1' "$TEST_TMP/err"
rc=0
FORGE_TOKEN= "$FORGE" run --server "$URL" "$ok" >/dev/null 2>"$TEST_TMP/err" </dev/null || rc=$?
eq "no token: exit 3 (IE)" 3 "$rc"
check "no token: FORGE_TOKEN is named" grep -q 'needs a token (401): set FORGE_TOKEN' "$TEST_TMP/err"
rc=0
FORGE_TOKEN=forge_wrong "$FORGE" run --server "$URL" "$ok" >/dev/null 2>"$TEST_TMP/err" </dev/null || rc=$?
check "a wrong token: FORGE_TOKEN is named" grep -q 'does not know the token in FORGE_TOKEN (401)' "$TEST_TMP/err"
rc=0
"$FORGE" run --server "$URL" -l nosuch "$ok" >/dev/null 2>"$TEST_TMP/err" || rc=$?
eq "an unknown language: exit 2" 2 "$rc"
rc=0
"$FORGE" run --server nonsense "$ok" >/dev/null 2>"$TEST_TMP/err" || rc=$?
eq "--server that is no URL: exit 2" 2 "$rc"

# a token allowed one run a second: the second is answered 429 with
# Retry-After, waited out, and runs
slow=$("$FORGE" token add slow --rate 1/s --burst 1 --db "$SERVE_DB")
kill -HUP "$SERVE_PID"
sleep 0.5
for i in 1 2; do
	FORGE_TOKEN=$slow "$FORGE" run --json --no-history --server "$URL" "$ok" \
		</dev/null >"$TEST_TMP/rate$i.json" 2>/dev/null
done
eq "429: both runs done, the second after Retry-After" "OK OK" \
	"$(jq -r .verdict "$TEST_TMP/rate1.json") $(jq -r .verdict "$TEST_TMP/rate2.json")"
check "429: the server did refuse one" bash -c \
	"curl -s '$URL/metrics' | grep -q 'reason=\"rate\"'"

# Interrupted (SIGINT, as Ctrl-C sends it; SIGTERM), a remote run ends as
# a local one does: forge dies of the signal, nothing in the history
# here; on the server the job is cancelled at once (AB), its program
# gone, rather than left to run to its wall limit
loop=$(write loop.py <<'P'
import time
print("looping", flush=True)
while True:
    time.sleep(0.05)
P
)
# interrupt SIGNAL [forge options...]: forge run on the looping program,
# sent SIGNAL once the program runs (on the server: a busy worker); its
# exit status in $irc
interrupt() {
	local sig=$1 pid i
	shift
	set -m # a job of its own, that takes SIGINT as a terminal's would
	"$FORGE" run --db "$LOCAL_DB" "$@" "$loop" </dev/null \
		>"$TEST_TMP/int.out" 2>&1 &
	pid=$!
	set +m
	for i in $(seq 1 300); do
		if [ $# -gt 0 ]; then
			curl -s "$URL/metrics" | grep -q '^forge_workers_busy [1-9]' &&
				break
		elif grep -q looping "$TEST_TMP/int.out"; then
			break
		fi
		sleep 0.1
	done
	sleep 0.5
	[ $# -gt 0 ] && serve_tree >"$TEST_TMP/tree.txt"
	kill -"$sig" "$pid"
	irc=0
	wait "$pid" || irc=$?
}
rows() { "$FORGE" history --json --db "$LOCAL_DB" | jq length; }
last_job() {
	req GET "/v1/runs/$(sqlite3 "$QUEUE_DB" "SELECT max(id) FROM jobs")" \
		-H "Authorization: Bearer $token"
}
for sig in INT TERM; do
	before=$(rows)
	interrupt "$sig"
	lrc=$irc
	eq "SIG$sig, local: forge ends by the signal" "$(( 128 + $(kill -l "$sig") ))" "$lrc"
	interrupt "$sig" --server "$URL"
	eq "SIG$sig, remote: the same exit status as the local run" "$lrc" "$irc"
	eq "SIG$sig: no history row here, local or remote" "$before" "$(rows)"
	check "SIG$sig: the program was running on the server" grep -q 'main.py' "$TEST_TMP/tree.txt"
	last_job
	eq "SIG$sig: the server's job is cancelled, AB" "cancelled AB" \
		"$(jq -r '"\(.status) \(.verdict)"' "$TEST_TMP/last.json")"
	for i in $(seq 1 50); do
		serve_tree | grep -q 'main.py' || break
		sleep 0.1
	done
	eq "SIG$sig: no process of the program is left on the server" "" \
		"$(serve_tree | grep 'main.py')"
done
# forge judge --server too
mkdir -p "$TEST_TMP/looptests"
printf '1\n' >"$TEST_TMP/looptests/a.in"
printf '1\n' >"$TEST_TMP/looptests/a.ans"
set -m
"$FORGE" judge --db "$LOCAL_DB" --server "$URL" -t 30 --wall 60 "$loop" \
	"$TEST_TMP/looptests" >/dev/null 2>&1 &
jpid=$!
set +m
for i in $(seq 1 300); do
	curl -s "$URL/metrics" | grep -q '^forge_workers_busy [1-9]' && break
	sleep 0.1
done
sleep 0.5
kill -INT "$jpid"
irc=0
wait "$jpid" || irc=$?
eq "judge, SIGINT: forge ends by it" 130 "$irc"
last_job
eq "judge, SIGINT: the server's job is cancelled, AB" "cancelled AB" \
	"$(jq -r '"\(.status) \(.verdict)"' "$TEST_TMP/last.json")"

serve_stop TERM
eq "the server exits 0" 0 "$SERVE_RC"
eq "no forge-serve process is left" "" "$(serve_procs)"
finish
