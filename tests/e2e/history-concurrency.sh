#!/bin/bash
# The history under concurrency and sudden death: four forge processes
# recording 200 runs each into one database at once (and a reader
# listing meanwhile) lose none and never report "database is locked";
# then forge killed with SIGKILL at random moments of 50 runs leaves a
# sound database in which every run is whole or absent, and every run
# whose forge finished is there.
. "$FORGE_SRCDIR/tests/lib.sh"

# The binary may be missing for a moment while the tree is rebuilt.
for _ in $(seq 60); do [ -x "$FORGE" ] && break; sleep 0.5; done
need_sandbox
need_lang bash
need_lang python3
command -v sqlite3 >/dev/null || skip "the sqlite3 command-line tool is missing"

q() { sqlite3 -cmd ".timeout 10000" "$1" "$2" 2>&1; }
SECONDS=0

# ---------------------------------------------------------------------------
# 4 writers x 200 runs, at once

db="$TEST_TMP/shared.db"
tiny=$(write tiny.sh <<'X'
echo "run $RANDOM"
X
)
writers=4
per=200
# the database does not exist yet: they race to make it, too
for w in $(seq $writers); do
	(
		for i in $(seq $per); do
			"$FORGE" run -q --db "$db" "$tiny" </dev/null >>"$TEST_TMP/w$w.out" 2>>"$TEST_TMP/w$w.err" ||
				echo "forge run exited $? (writer $w, run $i)" >>"$TEST_TMP/w$w.err"
		done
	) &
	pids+=($!)
done
# a reader lists the history while they write
(
	n=0
	while [ ! -e "$TEST_TMP/writers-done" ]; do
		if [ -e "$db" ]; then
			"$FORGE" history --db "$db" -n 5 >/dev/null 2>>"$TEST_TMP/reader.err" ||
				echo "forge history exited $?" >>"$TEST_TMP/reader.err"
			n=$((n + 1))
		fi
		sleep 0.01
	done
	echo "$n" >"$TEST_TMP/reader.count"
) &
reader=$!
wait "${pids[@]}"
touch "$TEST_TMP/writers-done"
wait "$reader"
t_writers=$SECONDS
echo "note: $writers x $per runs took ${t_writers}s; the reader listed $(cat "$TEST_TMP/reader.count") times"

eq "concurrent writers: every run recorded" $((writers * per)) "$(q "$db" 'SELECT count(*) FROM runs')"
eq "concurrent writers: distinct ids 1..800" "800 1 800" "$(q "$db" "SELECT count(DISTINCT id) || ' ' || min(id) || ' ' || max(id) FROM runs")"
eq "concurrent writers: each run's output kept" 800 "$(q "$db" "SELECT count(*) FROM runs WHERE CAST(stdout AS TEXT) LIKE 'run %' AND verdict = 'OK'")"
for w in $(seq $writers); do
	eq "writer $w: 200 outputs printed" $per "$(grep -c '^run [0-9]*$' "$TEST_TMP/w$w.out")"
done
cat "$TEST_TMP"/w*.err >"$TEST_TMP/writers.err"
check "concurrent writers: no 'database is locked'" bash -c '! grep -qi "locked" "$1"' _ "$TEST_TMP/writers.err"
check "concurrent writers: no history warning" bash -c '! grep -q "warning" "$1"' _ "$TEST_TMP/writers.err"
check "concurrent writers: nothing at all on stderr" test ! -s "$TEST_TMP/writers.err"
sed 's/^/  writers: /' "$TEST_TMP/writers.err" | head -n 10
check "the reader: never failed, never locked out" test ! -s "$TEST_TMP/reader.err"
sed 's/^/  reader: /' "$TEST_TMP/reader.err" | head -n 5
eq "concurrent writers: the database is sound" ok "$(q "$db" 'PRAGMA integrity_check')"

# ---------------------------------------------------------------------------
# SIGKILL at random moments

kdb="$TEST_TMP/killed.db"
# ~30 ms of printing 400 KB in 40 lines, so a kill between 0 and 50 ms
# lands before, during or after the run, or while it is being saved
prog="$TEST_TMP/lots-$$.py"
cat >"$prog" <<'X'
import sys
for i in range(40):
    sys.stdout.write(str(i % 10) * 10000 + "\n")
    sys.stdout.flush()
X
expected_len=400040
finished=()
for i in $(seq 50); do
	"$FORGE" run -q --db "$kdb" "$prog" </dev/null >/dev/null 2>&1 &
	pid=$!
	sleep "0.0$(printf '%02d' $((RANDOM % 50)))"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# and one that is let finish
	id=$("$FORGE" run --json --db "$kdb" "$prog" </dev/null 2>"$TEST_TMP/fin.err" | jq -r .id)
	if [[ $id =~ ^[0-9]+$ ]]; then
		finished+=("$id")
	else
		echo "a finished run got no id: $(cat "$TEST_TMP/fin.err")"
	fi
done
check "killed forges: the database opens" test -s "$kdb"
eq "killed forges: integrity_check" ok "$(q "$kdb" 'PRAGMA integrity_check')"
eq "killed forges: foreign keys hold" "" "$(q "$kdb" 'PRAGMA foreign_key_check')"
eq "every finished run got an id" 50 "${#finished[@]}"
ids=$(IFS=,; echo "${finished[*]}")
eq "every finished run is there" 50 "$(q "$kdb" "SELECT count(*) FROM runs WHERE id IN (${ids:-0})")"
eq "every finished run is whole (stdout, its timeline)" 50 \
	"$(q "$kdb" "SELECT count(*) FROM runs WHERE id IN (${ids:-0}) AND length(stdout) = $expected_len AND (SELECT sum(length(data)) FROM output_chunks WHERE run_id = runs.id) = $expected_len")"
total=$(q "$kdb" 'SELECT count(*) FROM runs')
echo "note: $((total - 50)) of the 50 killed forges had saved their run before the kill, $((100 - total)) had not"
# whole or absent: no run is half saved, whatever the moment of the kill
eq "every run in the database is whole (whole or none)" "$total" \
	"$(q "$kdb" "SELECT count(*) FROM runs WHERE verdict = 'OK' AND length(stdout) = $expected_len AND stdout_truncated = 0 AND (SELECT sum(length(data)) FROM output_chunks WHERE run_id = runs.id) = $expected_len")"
eq "no output chunk without its run" 0 "$(q "$kdb" 'SELECT count(*) FROM output_chunks WHERE run_id NOT IN (SELECT id FROM runs)')"
sleep 1
check "killed forges: no program left running" bash -c '! pgrep -f "lots-$1\.py" >/dev/null' _ "$$"
out=$("$FORGE" history --json -n 1000 --db "$kdb" 2>&1)
eq "killed forges: forge history lists them all" "$total" "$(jq length <<<"$out" 2>/dev/null)"
id=$("$FORGE" run --json --db "$kdb" "$tiny" </dev/null 2>/dev/null | jq -r .id)
eq "killed forges: the next run is recorded" "$((total + 1))" "$(q "$kdb" "SELECT count(*) FROM runs WHERE id <= ${id:-0}")"

echo "note: ${SECONDS}s in all"
check "it all took under 90 s (${SECONDS}s)" test "$SECONDS" -lt 90
finish
