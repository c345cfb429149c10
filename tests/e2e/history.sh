#!/bin/bash
# The SQLite history: the schema made on first use and upgraded in place
# from the first version, a newer schema refused untouched; every run and
# judge recorded and listed with its filters; show, replay (reproduced
# or not, and --play), the cache of forge run/judge --cached, export and
# import (bytes that are not UTF-8 included), and gc.
. "$FORGE_SRCDIR/tests/lib.sh"

# The binary may be missing for a moment while the tree is rebuilt.
for _ in $(seq 60); do [ -x "$FORGE" ] && break; sleep 0.5; done
need_sandbox
need_lang python3
need_lang c
need_lang bash
command -v sqlite3 >/dev/null || skip "the sqlite3 command-line tool is missing"

DB="$XDG_DATA_HOME/forge/history.db"
FIXTURE="$FORGE_SRCDIR/tests/e2e/fixtures/history-v1.sql"

# hrun [forge run options...] FILE: forge run --json WITH the history
# (forge_json passes --no-history); stdin is /dev/null unless -i FILE.
# The JSON is in $TEST_TMP/last.json (read with j), stderr in last.err,
# the exit status in $rc.
hrun() {
	rc=0
	"$FORGE" run --json "$@" >"$TEST_TMP/last.json" \
		2>"$TEST_TMP/last.err" </dev/null || rc=$?
	if ! jq -e . "$TEST_TMP/last.json" >/dev/null 2>&1; then
		echo "forge run printed no valid JSON (exit $rc) for: $*" >&2
		head -c 2000 "$TEST_TMP/last.json" >&2
		cat "$TEST_TMP/last.err" >&2
	fi
}
# hjudge [options...] FILE TESTS: forge judge --json, with the history
hjudge() {
	rc=0
	"$FORGE" judge --json "$@" >"$TEST_TMP/last.json" \
		2>"$TEST_TMP/last.err" </dev/null || rc=$?
	if ! jq -e . "$TEST_TMP/last.json" >/dev/null 2>&1; then
		echo "forge judge printed no valid JSON (exit $rc) for: $*" >&2
		head -c 2000 "$TEST_TMP/last.json" >&2
		cat "$TEST_TMP/last.err" >&2
	fi
}
# q DB SQL: one value from sqlite3
q() { sqlite3 -cmd ".timeout 10000" "$1" "$2" 2>&1; }
# runs [history options...]: the ids forge history --json lists, in order
# (or "exit N: the message" when it fails)
runs() {
	local o r=0
	o=$("$FORGE" history --json "$@" 2>&1) || r=$?
	if [ "$r" -ne 0 ]; then
		echo "exit $r: $o"
	else
		jq -r '[.[].id] | join(" ")' <<<"$o"
	fi
}
# out CMD...: runs CMD, stdout to $TEST_TMP/out, stderr to $TEST_TMP/err,
# the exit status in $rc
out() {
	rc=0
	"$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null || rc=$?
}
# pair DIR NAME INPUT ANSWER: a test of a directory test set
pair() {
	mkdir -p "$TEST_TMP/$1"
	printf '%b' "$3" >"$TEST_TMP/$1/$2.in"
	printf '%b' "$4" >"$TEST_TMP/$1/$2.ans"
}

# ---------------------------------------------------------------------------
# The schema, made on first use

hello=$(write hello.py <<'X'
print("hello from python")
X
)
out "$FORGE" history
eq "no history yet: forge history says so" 0 "$rc"
check "no history yet: the message names the database" grep -qF "$DB" "$TEST_TMP/out"
check "forge history does not create the database" test ! -e "$DB"
out "$FORGE" history --json
eq "no history yet: --json is an empty array" "[]" "$(cat "$TEST_TMP/out")"

out "$FORGE" run "$hello"
eq "first run: OK" 0 "$rc"
eq "first run: its output" "hello from python" "$(cat "$TEST_TMP/out")"
check "first run: the summary ends with its id" grep -qE '^forge: OK .*, id 1\]$' "$TEST_TMP/err"
# the summary goes out in one write: forges sharing a terminal never
# interleave their lines
if command -v strace >/dev/null; then
	strace -qq -s 300 -e trace=write -e signal=none -o "$TEST_TMP/writes" \
		"$FORGE" run --db "$TEST_TMP/strace.db" "$hello" >/dev/null 2>&1 </dev/null
	eq "the summary line is one write to stderr" 1 \
		"$(grep -cE '^write\(2, "forge: OK .*, id 1\]\\n", [0-9]+\) = [0-9]+$' "$TEST_TMP/writes")"
else
	echo "note: strace is not installed: the summary's single write is not checked" >&2
fi
check "the database is made at \$XDG_DATA_HOME/forge/history.db" test -s "$DB"
eq "schema: user_version 5" 5 "$(q "$DB" 'PRAGMA user_version')"
eq "schema: application_id FRGE" 1179797317 "$(q "$DB" 'PRAGMA application_id')"
eq "schema: the tables" "output_chunks runs samples tests" \
	"$(q "$DB" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)")"
eq "schema: the indexes" "runs_cache runs_created runs_job runs_user" \
	"$(q "$DB" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name)")"
eq "the first run is row 1" "1|run|python3|OK" "$(q "$DB" 'SELECT id, kind, language, verdict FROM runs')"
eq "the first run's stdout is kept" "hello from python" "$(q "$DB" 'SELECT CAST(stdout AS TEXT) FROM runs WHERE id = 1')"
check "the first run's source is kept" test "$(q "$DB" 'SELECT CAST(source AS TEXT) FROM runs WHERE id = 1')" = 'print("hello from python")'
eq "the first run's source hash is its SHA-256" "$(sha256sum <"$hello" | cut -c1-64)" \
	"$(q "$DB" 'SELECT source_hash FROM runs WHERE id = 1')"

# FORGE_HISTORY and --db choose another database
FORGE_HISTORY="$TEST_TMP/env.db" "$FORGE" run -q "$hello" >/dev/null 2>&1 </dev/null
FORGE_HISTORY="$TEST_TMP/env.db" "$FORGE" run -q "$hello" >/dev/null 2>&1 </dev/null
eq "FORGE_HISTORY: the runs go there" 2 "$(q "$TEST_TMP/env.db" 'SELECT count(*) FROM runs')"
"$FORGE" run -q --db "$TEST_TMP/opt.db" "$hello" >/dev/null 2>&1 </dev/null
eq "--db: the run goes there" 1 "$(q "$TEST_TMP/opt.db" 'SELECT count(*) FROM runs')"
eq "--db and FORGE_HISTORY: not to the default" 1 "$(q "$DB" 'SELECT count(*) FROM runs')"
out env FORGE_HISTORY="$TEST_TMP/env.db" "$FORGE" history --json --db "$TEST_TMP/opt.db"
eq "--db wins over FORGE_HISTORY" 1 "$(jq length "$TEST_TMP/out")"
out env FORGE_HISTORY="$TEST_TMP/env.db" "$FORGE" history --json
eq "FORGE_HISTORY wins over the default" 2 "$(jq length "$TEST_TMP/out")"

# ---------------------------------------------------------------------------
# Migration from the first version of the schema

check "the version-1 fixture is there" test -r "$FIXTURE"
v1="$TEST_TMP/v1.db"
sqlite3 "$v1" <"$FIXTURE"
eq "fixture: user_version 1" 1 "$(q "$v1" 'PRAGMA user_version')"
eq "fixture: application_id FRGE" 1179797317 "$(q "$v1" 'PRAGMA application_id')"
eq "fixture: three runs, three tests" "3 3" "$(q "$v1" "SELECT (SELECT count(*) FROM runs) || ' ' || (SELECT count(*) FROM tests)")"
cols="SELECT group_concat(name || ':' || type || ':' || \"notnull\" || ':' || pk, ' ') FROM pragma_table_info"
eq "fixture: the runs table as forge's version 1 made it" \
	"$(q "$DB" "$cols('runs') WHERE name NOT IN ('toolchain', 'replay_of', 'imported', 'user', 'job')")" "$(q "$v1" "$cols('runs')")"
eq "fixture: the tests table as forge makes it" "$(q "$DB" "$cols('tests')")" "$(q "$v1" "$cols('tests')")"
eq "fixture: no toolchain column yet" 0 "$(q "$v1" "SELECT count(*) FROM pragma_table_info('runs') WHERE name IN ('toolchain', 'replay_of')")"

out "$FORGE" history --json --db "$v1"
eq "v1: forge history works" 0 "$rc"
eq "v1: the old runs are listed, newest first" "3 2 1" "$(jq -r '[.[].id] | join(" ")' "$TEST_TMP/out")"
eq "v1: their kinds, languages and verdicts" "judge/cpp/WA run/c/RE run/python3/OK" \
	"$(jq -r '[.[] | "\(.kind)/\(.language)/\(.verdict)"] | join(" ")' "$TEST_TMP/out")"
eq "v1: replay_of is null for the old runs" "null null null" "$(jq -r '[.[].replay_of | tostring] | join(" ")' "$TEST_TMP/out")"
eq "v1 upgraded in place: user_version 5" 5 "$(q "$v1" 'PRAGMA user_version')"
eq "v1 upgraded: application_id kept" 1179797317 "$(q "$v1" 'PRAGMA application_id')"
eq "v1 upgraded: toolchain and replay_of columns" 2 \
	"$(q "$v1" "SELECT count(*) FROM pragma_table_info('runs') WHERE name IN ('toolchain', 'replay_of')")"
eq "v1 upgraded: samples and output_chunks tables, the cache index" 3 \
	"$(q "$v1" "SELECT count(*) FROM sqlite_master WHERE name IN ('samples', 'output_chunks', 'runs_cache')")"
eq "v1 upgraded: the database is sound" ok "$(q "$v1" 'PRAGMA integrity_check')"
out "$FORGE" show --db "$v1" --source 1
printf 'print(6 * 7)\n' >"$TEST_TMP/v1-src"
check "v1: show --source of an old run, exactly" cmp -s "$TEST_TMP/v1-src" "$TEST_TMP/out"
out "$FORGE" show --db "$v1" --output 1
eq "v1: show --output of an old run" 42 "$(cat "$TEST_TMP/out")"
out "$FORGE" show --db "$v1" --json 3
eq "v1: the old judge's tests" "small:AC big:WA huge:AC" "$(jq -r '[.tests[] | "\(.name):\(.verdict)"] | join(" ")' "$TEST_TMP/out")"
eq "v1: the old judge's test detail" "wrong answer" "$(jq -r '.tests[1].detail' "$TEST_TMP/out")"
eq "v1: the old judge's limits" "1000 262144" "$(jq -r '"\(.limits.time_ms) \(.limits.memory_kb)"' "$TEST_TMP/out")"
out "$FORGE" show --db "$v1" 2
eq "v1: show of the old crash" 0 "$rc"
check "v1: show names its signal" grep -q "signal SIGSEGV" "$TEST_TMP/out"
check "v1: show prints its stdin" grep -qx "1 2" "$TEST_TMP/out"
# new runs go on after the old ones, in the upgraded database
out "$FORGE" run --db "$v1" "$hello"
check "v1 upgraded: a new run is recorded as id 4" grep -qE ', id 4\]$' "$TEST_TMP/err"
eq "v1 upgraded: four runs" 4 "$(q "$v1" 'SELECT count(*) FROM runs')"
# the old run replays in the upgraded database
out "$FORGE" replay --db "$v1" 1
eq "v1: the old python run replays and reproduces" 0 "$rc"
eq "v1: the replay is recorded with replay_of 1" 1 "$(q "$v1" 'SELECT replay_of FROM runs WHERE id = 5')"
# another command upgrades too (show; gc)
sqlite3 "$TEST_TMP/v1b.db" <"$FIXTURE"
out "$FORGE" show --db "$TEST_TMP/v1b.db" 1
eq "v1: forge show upgrades too" "0 5" "$rc $(q "$TEST_TMP/v1b.db" 'PRAGMA user_version')"
sqlite3 "$TEST_TMP/v1c.db" <"$FIXTURE"
out "$FORGE" run -q --db "$TEST_TMP/v1c.db" "$hello"
eq "v1: forge run upgrades and records" "5 4" \
	"$(q "$TEST_TMP/v1c.db" "SELECT (SELECT user_version FROM pragma_user_version) || ' ' || count(*) FROM runs")"

# Migration from version 4: the tests, samples and output timeline move
# to tables kept in their keys' order, every row kept in its order
v4="$TEST_TMP/v4.db"
sqlite3 "$v4" <"$FORGE_SRCDIR/tests/e2e/fixtures/history-v4.sql"
eq "v4 fixture: user_version 4, and the samples' index" "4 1" \
	"$(q "$v4" "SELECT (SELECT user_version FROM pragma_user_version) || ' ' || (SELECT count(*) FROM sqlite_master WHERE name = 'samples_run')")"
rows_v4() {
	q "$v4" "SELECT group_concat(r, ';') FROM (SELECT run_id || ',' || t_ms || ',' || cpu_ms || ',' || memory_kb || ',' || pids AS r FROM samples ORDER BY $1)"
	q "$v4" "SELECT group_concat(r, ';') FROM (SELECT run_id || ',' || seq || ',' || t_ms || ',' || stream || ',' || hex(data) AS r FROM output_chunks ORDER BY run_id, seq)"
	q "$v4" "SELECT group_concat(r, ';') FROM (SELECT run_id || ',' || idx || ',' || name || ',' || verdict || ',' || time_ms || ',' || ifnull(detail, '') AS r FROM tests ORDER BY run_id, idx)"
}
samples_before=$(rows_v4 rowid)
eq "v4 fixture: four samples of run 1, one of run 3" "1 1 1 1 3" \
	"$(q "$v4" "SELECT group_concat(run_id, ' ') FROM (SELECT run_id FROM samples ORDER BY rowid)")"
out "$FORGE" show --db "$v4" --json 1
eq "v4: forge show upgrades it" "0 5" "$rc $(q "$v4" 'PRAGMA user_version')"
eq "v4 upgraded: the samples, chunks and tests as they were, in their order" "$samples_before" "$(rows_v4 'run_id, seq')"
eq "v4 upgraded: the samples are numbered from 0 in each run" "0 1 2 3 0" \
	"$(q "$v4" "SELECT group_concat(seq, ' ') FROM (SELECT seq FROM samples ORDER BY run_id, seq)")"
eq "v4 upgraded: tests, samples and output_chunks without rowid, no samples_run" "3 0" \
	"$(q "$v4" "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('tests', 'samples', 'output_chunks') AND sql LIKE '%WITHOUT ROWID') || ' ' || (SELECT count(*) FROM sqlite_master WHERE name = 'samples_run')")"
eq "v4 upgraded: the job and user indexes hold only runs that have one" "2" \
	"$(q "$v4" "SELECT count(*) FROM sqlite_master WHERE name IN ('runs_job', 'runs_user') AND sql LIKE '%WHERE % IS NOT NULL'")"
eq "v4 upgraded: the database is sound, its keys too" "ok" \
	"$(q "$v4" 'PRAGMA integrity_check' && q "$v4" 'PRAGMA foreign_key_check')"
eq "v4 upgraded: show --json gives run 1's samples in time order" "4 true" \
	"$(jq -r '"\(.samples | length) \([.samples[].t_ms] | . == sort)"' "$TEST_TMP/out")"
eq "v4 upgraded: and its output as it was" true \
	"$(jq '.stdout == "first\nsecond\n"' "$TEST_TMP/out")"
out "$FORGE" show --db "$v4" --json 2
eq "v4 upgraded: the judge's tests" "AC WA" "$(jq -r '[.tests[].verdict] | join(" ")' "$TEST_TMP/out")"
out "$FORGE" run -q --db "$v4" "$hello"
eq "v4 upgraded: a new run is recorded after the old ones" "0 4" "$rc $(q "$v4" 'SELECT max(id) FROM runs')"
out "$FORGE" show --db "$v4" --json 4
check "v4 upgraded: the new run's samples are kept" test "$(jq '.samples | length' "$TEST_TMP/out")" -ge 1

# A schema newer than this forge understands: refused, left byte for byte
v99="$TEST_TMP/v99.db"
sqlite3 "$v99" <"$FIXTURE"
sqlite3 "$v99" 'ALTER TABLE runs ADD COLUMN from_the_future TEXT; PRAGMA user_version = 99;'
sum_before=$(cat "$v99"* | sha256sum)
ls_before=$(cd "$TEST_TMP" && ls v99.db*)
out "$FORGE" history --db "$v99"
eq "user_version 99: forge history exits 4" 4 "$rc"
check "user_version 99: the message says the schema is newer" grep -q "version 99, newer than this forge" "$TEST_TMP/err"
out "$FORGE" show --db "$v99" 1
eq "user_version 99: forge show exits 4" 4 "$rc"
out "$FORGE" run --db "$v99" "$hello"
eq "user_version 99: forge run still runs (exit of OK)" 0 "$rc"
eq "user_version 99: forge run prints the output" "hello from python" "$(cat "$TEST_TMP/out")"
check "user_version 99: forge run warns the run was not saved" grep -q "warning: the run was not saved" "$TEST_TMP/err"
out "$FORGE" gc --db "$v99" --keep 0
eq "user_version 99: forge gc exits 4" 4 "$rc"
eq "user_version 99: no file added next to it" "$ls_before" "$(cd "$TEST_TMP" && ls v99.db*)"
# the database says it "was left untouched": the bytes must say so too
eq "user_version 99: the database is byte-for-byte unchanged" "$sum_before" "$(cat "$v99"* | sha256sum)"
eq "user_version 99: still in its own journal mode" delete "$(q "$v99" 'PRAGMA journal_mode')"
eq "user_version 99: still version 99, its runs all there" "99 3" \
	"$(q "$v99" "SELECT (SELECT user_version FROM pragma_user_version) || ' ' || count(*) FROM runs")"

# ---------------------------------------------------------------------------
# Recording, and the filters of forge history

hello_c=$(write hello.c <<'X'
#include <stdio.h>
int main(void) { puts("hello from c"); return 0; }
X
)
greet=$(write greet.sh <<'X'
echo "hello from bash"
X
)
crash=$(write crash.c <<'X'
#include <stdio.h>
int main(void) { printf("about to crash\n"); fflush(stdout); return *(volatile int *)0; }
X
)
broken=$(write broken.c <<'X'
int main(void) { this is not C; }
X
)
spin=$(write spin.c <<'X'
int main(void) { volatile unsigned long x = 0; for (;;) x++; }
X
)
sum=$(write sum.py <<'X'
a, b = map(int, input().split())
print(a + b)
X
)
sumbad=$(write sum_wrong.py <<'X'
a, b = map(int, input().split())
print(a * b)
X
)
pair tests one '1 2\n' '3\n'
pair tests two '2 2\n' '4\n'
pair tests three '5 5\n' '10\n'

start=$(q "$DB" 'SELECT max(id) FROM runs')
hrun "$hello"
id_py=$(j .id)
hrun "$hello_c"
id_c=$(j .id)
eq "C hello: OK" OK "$(j .verdict)"
hrun "$greet"
id_sh=$(j .id)
eq "bash greet: OK" OK "$(j .verdict)"
hrun "$crash"
id_re=$(j .id)
eq "crash: RE" "RE 1" "$(j .verdict) $rc"
hrun "$broken"
id_ce=$(j .id)
eq "broken: CE" CE "$(j .verdict)"
hrun -t 0.3 "$spin"
id_tle=$(j .id)
eq "spin: TLE" TLE "$(j .verdict)"
hjudge "$sum" "$TEST_TMP/tests"
id_ac=$(j .id)
eq "judge sum: AC" "AC 0" "$(j .verdict) $rc"
hjudge "$sumbad" "$TEST_TMP/tests"
id_wa=$(j .id)
eq "judge sum_wrong: WA" "WA 1" "$(j .verdict) $rc"
eq "every run got a new id, in order" \
	"$((start + 1)) $((start + 2)) $((start + 3)) $((start + 4)) $((start + 5)) $((start + 6)) $((start + 7)) $((start + 8))" \
	"$id_py $id_c $id_sh $id_re $id_ce $id_tle $id_ac $id_wa"
eq "the judge is recorded as kind judge with its tests" "judge 3" \
	"$(q "$DB" "SELECT kind || ' ' || (SELECT count(*) FROM tests WHERE run_id = $id_wa) FROM runs WHERE id = $id_wa")"
eq "the judge's test set is recorded (its path, # its digest)" "$TEST_TMP/tests#" \
	"$(q "$DB" "SELECT substr(testset, 1, length('$TEST_TMP/tests#')) FROM runs WHERE id = $id_wa")"
# --no-history records nothing
n_before=$(q "$DB" 'SELECT count(*) FROM runs')
hrun --no-history "$hello"
eq "--no-history: id null" null "$(j .id)"
"$FORGE" judge -q --no-history "$sum" "$TEST_TMP/tests" >/dev/null 2>&1
eq "--no-history: nothing recorded" "$n_before" "$(q "$DB" 'SELECT count(*) FROM runs')"

all="$id_wa $id_ac $id_tle $id_ce $id_re $id_sh $id_c $id_py 1"
eq "history: every run, newest first" "$all" "$(runs)"
eq "history --lang c" "$id_tle $id_ce $id_re $id_c" "$(runs --lang c)"
eq "history --lang python3" "$id_wa $id_ac $id_py 1" "$(runs --lang python3)"
eq "history --lang bash" "$id_sh" "$(runs --lang bash)"
eq "history --lang cobol: none" "" "$(runs --lang cobol)"
eq "history --verdict OK" "$id_sh $id_c $id_py 1" "$(runs --verdict OK)"
eq "history --verdict RE" "$id_re" "$(runs --verdict RE)"
eq "history --verdict wa (any case)" "$id_wa" "$(runs --verdict wa)"
eq "history --verdict AC" "$id_ac" "$(runs --verdict AC)"
eq "history --verdict TLE" "$id_tle" "$(runs --verdict TLE)"
eq "history --lang c --verdict CE" "$id_ce" "$(runs --lang c --verdict CE)"
eq "history --lang python3 --verdict OK" "$id_py 1" "$(runs --lang python3 --verdict OK)"
eq "history --file greet" "$id_sh" "$(runs --file greet)"
eq "history --file sum (both judges)" "$id_wa $id_ac" "$(runs --file sum)"
eq "history --file hello (py and c)" "$id_c $id_py 1" "$(runs --file hello)"
eq "history --file crash.c" "$id_re" "$(runs --file crash.c)"
eq "history -n 2" "$id_wa $id_ac" "$(runs -n 2)"
eq "history -n 1 --lang c" "$id_tle" "$(runs -n 1 --lang c)"
out "$FORGE" history --verdict MAYBE
eq "history --verdict MAYBE: usage error" 2 "$rc"
out "$FORGE" history --since yesterday
eq "history --since yesterday: usage error" 2 "$rc"
out "$FORGE" history -n 0
eq "history -n 0: usage error" 2 "$rc"

# -n: the default is 50
for i in $(seq 45); do "$FORGE" run -q --db "$TEST_TMP/many.db" "$greet" >/dev/null 2>&1 </dev/null; done
out "$FORGE" history --json --db "$TEST_TMP/many.db"
eq "history: 45 runs listed" 45 "$(jq length "$TEST_TMP/out")"
for i in $(seq 10); do "$FORGE" run -q --db "$TEST_TMP/many.db" "$greet" >/dev/null 2>&1 </dev/null; done
out "$FORGE" history --json --db "$TEST_TMP/many.db"
eq "history: at most 50 by default" "50 55" "$(jq -r 'length, .[0].id' "$TEST_TMP/out" | paste -sd' ')"
out "$FORGE" history --json -n 1000 --db "$TEST_TMP/many.db"
eq "history -n 1000: all 55" 55 "$(jq length "$TEST_TMP/out")"
out "$FORGE" history --db "$TEST_TMP/many.db"
eq "history (text): a header and 50 lines" 51 "$(wc -l <"$TEST_TMP/out")"

# --since: a run made three days ago (imported with that time)
"$FORGE" export "$id_sh" | jq --argjson t "$(($(date +%s) - 3 * 86400))" '.created = $t | .file = "/old/days-ago.sh"' \
	>"$TEST_TMP/old.json"
id_old=$("$FORGE" import "$TEST_TMP/old.json" 2>/dev/null)
check "an old run imported" test -n "$id_old"
eq "history: the old run comes last though its id is the newest" "$all $id_old" "$(runs -n 100)"
eq "history --since 1d: not the old run" "$all" "$(runs --since 1d)"
eq "history --since 2h: not the old run" "$all" "$(runs --since 2h)"
eq "history --since 4d: the old run too" "$all $id_old" "$(runs --since 4d)"
eq "history --since 1w --file days-ago" "$id_old" "$(runs --since 1w --file days-ago)"
eq "history --since 0: nothing" "" "$(runs --since 0)"

# --json: the fields of each run
out "$FORGE" history --json -n 100
eq "history --json: the fields" "created file id kind language memory_kb replay_of time_ms user verdict wall_ms" \
	"$(jq -r '[.[0] | keys[]] | join(" ")' "$TEST_TMP/out")"
eq "history --json: the RE run" "run $crash c RE" \
	"$(jq -r --argjson id "$id_re" '.[] | select(.id == $id) | "\(.kind) \(.file) \(.language) \(.verdict)"' "$TEST_TMP/out")"
eq "history --json: the TLE run's CPU time" 1 \
	"$(jq -r --argjson id "$id_tle" '.[] | select(.id == $id) | if .time_ms >= 300 then 1 else .time_ms end' "$TEST_TMP/out")"
eq "history --json: memory measured" 1 \
	"$(jq -r --argjson id "$id_c" '.[] | select(.id == $id) | if .memory_kb > 0 then 1 else 0 end' "$TEST_TMP/out")"
eq "history --json: created is the time of the run" 1 \
	"$(jq -r --argjson id "$id_py" --argjson now "$(date +%s)" '.[] | select(.id == $id) | if ($now - .created) < 600 and ($now - .created) > -5 then 1 else .created end' "$TEST_TMP/out")"
eq "history --json: judges are kind judge" "judge judge" \
	"$(jq -r --argjson a "$id_ac" --argjson w "$id_wa" '[.[] | select(.id == $a or .id == $w) | .kind] | join(" ")' "$TEST_TMP/out")"
out "$FORGE" history
check "history (text): the RE run's line" grep -qE "^ +$id_re  .* run +crash\.c +c +RE " "$TEST_TMP/out"
check "history (text): the judge's line" grep -qE "^ +$id_wa  .* judge +sum_wrong\.py +python3 +WA " "$TEST_TMP/out"

# show --source: exactly the source (no newline at its end, tabs, UTF-8)
printf 'print("h\\u00e9llo")\t# caf\xc3\xa9, a tab before\n\n# and no newline at the end' >"$TEST_TMP/exact.py"
hrun "$TEST_TMP/exact.py"
id_exact=$(j .id)
out "$FORGE" show --source "$id_exact"
check "show --source: exactly the source, byte for byte" cmp -s "$TEST_TMP/exact.py" "$TEST_TMP/out"
# show --output: exactly the stdout (no final newline, blank lines, UTF-8)
printexact=$(write printexact.py <<'X'
import sys
sys.stdout.write("first\n\n\tthird \u00fcn\u00efc\u00f6d\u00e9\n  last, no newline")
sys.stderr.write("not in --output\n")
X
)
hrun "$printexact"
id_pe=$(j .id)
printf 'first\n\n\tthird \xc3\xbcn\xc3\xafc\xc3\xb6d\xc3\xa9\n  last, no newline' >"$TEST_TMP/pe.expected"
out "$FORGE" show --output "$id_pe"
check "show --output: exactly the stdout, byte for byte" cmp -s "$TEST_TMP/pe.expected" "$TEST_TMP/out"
out "$FORGE" show "$id_pe"
check "show: the stderr under its heading" grep -qx -- "-- stderr --" "$TEST_TMP/out"
check "show: the stderr" grep -qx "not in --output" "$TEST_TMP/out"
out "$FORGE" show "$id_re"
check "show: the verdict line" grep -qE "^verdict RE" "$TEST_TMP/out"
check "show: the file and language" grep -qF "run of $crash (c" "$TEST_TMP/out"
check "show: the source block" grep -qF "return *(volatile int *)0;" "$TEST_TMP/out"
out "$FORGE" show "$id_ce"
check "show of a CE: the compiler's message" grep -q "error" "$TEST_TMP/out"
eq "show of a CE: the compile output is kept" 1 "$(q "$DB" "SELECT length(compile_output) > 0 FROM runs WHERE id = $id_ce")"
out "$FORGE" show --json "$id_wa"
eq "show --json of a judge: its tests in order" "one:WA three:WA two:AC" "$(jq -r '[.tests[] | "\(.name):\(.verdict)"] | join(" ")' "$TEST_TMP/out")"
eq "show --json of a judge: the failing tests' detail" 1 "$(jq -r '[.tests[] | select(.verdict == "WA") | .detail | test("wrong")] | if . == [true, true] then 1 else tostring end' "$TEST_TMP/out")"
eq "show --json of a judge: verdict and id" "WA $id_wa" "$(jq -r '"\(.verdict) \(.id)"' "$TEST_TMP/out")"
eq "show --json of a judge: not cached" false "$(jq -r .cached "$TEST_TMP/out")"
# samples: one every 100 ms of a run
slow=$(write slow.py <<'X'
import time
t = time.time()
while time.time() - t < 0.45:
    pass
print("done")
X
)
hrun "$slow"
id_slow=$(j .id)
out "$FORGE" show --json "$id_slow"
check "show --json: the usage samples of a 0.45 s run (>= 3)" test "$(jq '.samples | length' "$TEST_TMP/out")" -ge 3
eq "show --json: the samples' fields" "cpu_ms memory_kb pids t_ms" "$(jq -r '.samples[0] | keys | join(" ")' "$TEST_TMP/out")"
eq "show --json: the samples' times grow" true "$(jq '[.samples[].t_ms] | . == sort' "$TEST_TMP/out")"
# (how much CPU a busy loop gets depends on the machine's load: only
# that it is counted, grows, and stays within the run's total)
eq "show --json: the samples' CPU grows" true "$(jq '[.samples[].cpu_ms] | . == sort' "$TEST_TMP/out")"
eq "show --json: the last sample's CPU is counted, within the run's" true "$(jq '.samples[-1].cpu_ms > 0 and .samples[-1].cpu_ms <= .time_ms' "$TEST_TMP/out")"
eq "show --json: its stdout" "done" "$(jq -r .stdout "$TEST_TMP/out")"
out "$FORGE" show "$((id_slow + 1000))"
eq "show of an id that does not exist: exit 2" 2 "$rc"

# ---------------------------------------------------------------------------
# Replay

printf '20 22\n' >"$TEST_TMP/sum.in"
hrun -i "$TEST_TMP/sum.in" "$sum"
id_sum=$(j .id)
eq "sum with stdin: 42" 42 "$(j .stdout)"
out "$FORGE" show "$id_sum"
check "show: the stdin the run was given" grep -qx "20 22" "$TEST_TMP/out"
out "$FORGE" replay "$id_sum"
eq "replay of a deterministic run: exit 0" 0 "$rc"
eq "replay: the output again" 42 "$(cat "$TEST_TMP/out")"
check "replay: says it reproduced" grep -q "reproduced run $id_sum: OK, the same output" "$TEST_TMP/err"
id_rep=$(sed -n 's/^forge: the replay is run \([0-9]*\)$/\1/p' "$TEST_TMP/err")
check "replay: names the new run" test -n "$id_rep"
eq "replay: recorded with replay_of" "$id_sum" "$("$FORGE" history --json -n 1 | jq -r '.[0].replay_of')"
eq "replay: the new run is the one named" "$id_rep" "$("$FORGE" history --json -n 1 | jq -r '.[0].id')"
eq "replay: the new run has the same stdin" "20 22" "$(q "$DB" "SELECT CAST(stdin AS TEXT) FROM runs WHERE id = ${id_rep:-0}")"
out "$FORGE" show "${id_rep:-0}"
check "show of the replay: a replay of the run" grep -qx "a replay of run $id_sum" "$TEST_TMP/out"
out "$FORGE" replay --json "$id_sum"
eq "replay --json: reproduced" "true true true null $id_sum OK" \
	"$(jq -r '"\(.reproduced) \(.same_verdict) \(.same_output) \(.difference) \(.replay_of) \(.original_verdict)"' "$TEST_TMP/out")"
eq "replay --json: the new run" "42 $id_sum" "$(jq -r '"\(.run.stdout | rtrimstr("\n")) \(.run.replay_of)"' "$TEST_TMP/out")"
# a program that prints the time does not reproduce
clock=$(write clock.py <<'X'
import time
print(time.time())
X
)
hrun "$clock"
id_clock=$(j .id)
clock_out=$(j .stdout)
sleep 0.05
out "$FORGE" replay "$id_clock"
eq "replay of a program printing the time: exit 1" 1 "$rc"
check "replay: did not reproduce" grep -q "run $id_clock did not reproduce: the output differs: line 1, column [0-9]*: expected '" "$TEST_TMP/err"
check "replay: the difference quotes the recorded output" grep -qF "expected '${clock_out%$'\n'}'" "$TEST_TMP/err"
check "replay: the verdict is the same, so not named" bash -c '! grep -q "verdict OK, now" "$1"' _ "$TEST_TMP/err"
id_rep2=$(sed -n 's/^forge: the replay is run \([0-9]*\)$/\1/p' "$TEST_TMP/err")
eq "replay that differs: recorded with replay_of" "$id_clock" "$(q "$DB" "SELECT replay_of FROM runs WHERE id = ${id_rep2:-0}")"
out "$FORGE" replay --json "$id_clock"
eq "replay --json of the clock: not reproduced, same verdict" "false true false" \
	"$(jq -r '"\(.reproduced) \(.same_verdict) \(.same_output)"' "$TEST_TMP/out")"
check "replay --json: the difference" grep -q "expected" <<<"$(jq -r .difference "$TEST_TMP/out")"
eq "replay --json: the new run's id is recorded" "$id_clock" "$(q "$DB" "SELECT replay_of FROM runs WHERE id = $(jq -r '.run.id' "$TEST_TMP/out")")"
# a verdict that changes: the crash replayed with more time is still RE,
# the TLE is TLE again (reproduced)
out "$FORGE" replay "$id_tle"
eq "replay of the TLE: TLE again, reproduced" 0 "$rc"
# --no-history: not recorded
n_before=$(q "$DB" 'SELECT count(*) FROM runs')
out "$FORGE" replay --no-history "$id_sum"
eq "replay --no-history: reproduced, not recorded" "0 $n_before" "$rc $(q "$DB" 'SELECT count(*) FROM runs')"
# --play: the recorded output, not a new run
out "$FORGE" replay --play --speed 100 "$id_clock"
eq "replay --play: exit 0" 0 "$rc"
eq "replay --play: the recorded output" "$clock_out" "$(cat "$TEST_TMP/out")"
check "replay --play: says what it played" grep -q "played run $id_clock: OK" "$TEST_TMP/err"
eq "replay --play: nothing recorded" "$n_before" "$(q "$DB" 'SELECT count(*) FROM runs')"
out "$FORGE" replay --play --speed 100 "$id_pe"
check "replay --play: the output, byte for byte" cmp -s "$TEST_TMP/pe.expected" "$TEST_TMP/out"
check "replay --play: stderr goes to stderr" grep -q "not in --output" "$TEST_TMP/err"
out "$FORGE" replay --play --speed 0 "$id_clock"
eq "replay --play --speed 0: usage error" 2 "$rc"
out "$FORGE" replay "$id_wa"
eq "replay of a judge: usage error" 2 "$rc"
check "replay of a judge: says to re-judge" grep -q "is a judge" "$TEST_TMP/err"
out "$FORGE" replay 999999
eq "replay of an id that does not exist: exit 2" 2 "$rc"
check "replay of an id that does not exist: names it" grep -q "no run 999999" "$TEST_TMP/err"

# ---------------------------------------------------------------------------
# The cache: forge run --cached, forge judge --cached

rnd=$(write rnd.py <<'X'
import random
print(random.random())
X
)
hrun --cached "$rnd"
id_rnd=$(j .id)
rnd_out=$(j .stdout)
eq "--cached, first time: not cached" false "$(j .cached)"
n_before=$(q "$DB" 'SELECT count(*) FROM runs')
hrun --cached "$rnd"
eq "--cached, again: cached" true "$(j .cached)"
eq "--cached, again: the first run's id" "$id_rnd" "$(j .id)"
# the program prints a random number: the same one means it did not run
eq "--cached, again: the first run's output (nothing ran)" "$rnd_out" "$(j .stdout)"
eq "--cached, again: nothing recorded" "$n_before" "$(q "$DB" 'SELECT count(*) FROM runs')"
out "$FORGE" run --cached "$rnd"
eq "--cached (text): the output" "$rnd_out" "$(cat "$TEST_TMP/out")"
check "--cached (text): the summary names the run" grep -qE "cached: run $id_rnd\]$" "$TEST_TMP/err"
# a copy elsewhere of the same source is the same program
cp "$rnd" "$TEST_TMP/copy-of-rnd.py"
hrun --cached "$TEST_TMP/copy-of-rnd.py"
eq "--cached: the same source in another file is a hit" "true $id_rnd" "$(j .cached) $(j .id)"
# without --cached it runs
hrun "$rnd"
eq "without --cached: a new run" false "$(j .cached)"
check "without --cached: another random number" test "$(j .stdout)" != "$rnd_out"
# a different stdin, a different -t: misses
printf 'something\n' >"$TEST_TMP/other.in"
hrun --cached -i "$TEST_TMP/other.in" "$rnd"
eq "--cached with another stdin: a miss" false "$(j .cached)"
id_rnd_in=$(j .id)
check "--cached with another stdin: it ran" test "$(j .stdout)" != "$rnd_out"
hrun --cached -i "$TEST_TMP/other.in" "$rnd"
eq "--cached with that stdin again: a hit on its run" "true $id_rnd_in" "$(j .cached) $(j .id)"
hrun --cached -t 1.5 "$rnd"
eq "--cached with another -t: a miss" false "$(j .cached)"
check "--cached with another -t: it ran" test "$(j .stdout)" != "$rnd_out"
hrun --cached -m 128M "$rnd"
eq "--cached with another -m: a miss" false "$(j .cached)"
# a TLE is never served from the cache
hrun --cached -t 0.3 "$spin"
id_t1=$(j .id)
eq "--cached TLE: TLE" "TLE false" "$(j .verdict) $(j .cached)"
hrun --cached -t 0.3 "$spin"
eq "--cached TLE again: ran again" "TLE false" "$(j .verdict) $(j .cached)"
check "--cached TLE again: a new id" test "$(j .id)" != "$id_t1"
# a CE is the compiler's answer: cached
hrun --cached "$broken"
hrun --cached "$broken"
eq "--cached CE again: cached" "CE true" "$(j .verdict) $(j .cached)"
# the recorded output was cut to the history's cap: the cache must not
# serve the cut output as if the program had printed it
cat >"$TEST_TMP/bigout.py" <<'X'
import random
print(str(random.random()) + "y" * 5000)
X
FORGE_HISTORY_CAP=1K hrun --cached "$TEST_TMP/bigout.py"
big1=$(j .stdout | wc -c)
check "over the history's cap: --json shows the whole stdout, as --no-history does (got $big1 bytes)" test "$big1" -gt 5010
FORGE_HISTORY_CAP=1K hrun --cached "$TEST_TMP/bigout.py"
big2=$(j .stdout | wc -c)
check "over the history's cap: --cached does not serve a cut output (got $big2 bytes, cached $(j .cached))" test "$big2" -gt 5010
# judge --cached
hjudge --cached "$sum" "$TEST_TMP/tests"
id_j=$(j .id)
eq "judge --cached, first: the verdict" AC "$(j .verdict)"
hjudge --cached "$sum" "$TEST_TMP/tests"
eq "judge --cached, again: cached, the first judge's id" "true $id_j" "$(j .cached) $(j .id)"
eq "judge --cached, again: the verdict" AC "$(j .verdict)"
eq "judge --cached, again: the tests" "one:AC three:AC two:AC" "$(jq -r '[.tests[] | "\(.name):\(.verdict)"] | join(" ")' "$TEST_TMP/last.json")"
eq "judge --cached, again: passed/total as a judge reports them" "3/3" "$(j '"\(.passed)/\(.total)"')"
out "$FORGE" judge --cached "$sum" "$TEST_TMP/tests"
eq "judge --cached (text): exit 0" 0 "$rc"
check "judge --cached (text): names the cached run" grep -q "cached: run $id_j" "$TEST_TMP/out" "$TEST_TMP/err"
hjudge --cached -t 1.5 "$sum" "$TEST_TMP/tests"
eq "judge --cached with another -t: a miss" false "$(j .cached)"
sumdiff=$(write sum_diff.py <<'X'
a, b = map(int, input().split())
print(a - b)
X
)
hjudge --cached "$sumdiff" "$TEST_TMP/tests"
eq "judge --cached, another program: a miss" "false WA" "$(j .cached) $(j .verdict)"
hjudge --cached "$sumbad" "$TEST_TMP/tests"
eq "judge --cached of the WA judged before: a hit (a WA is cached)" "true WA $id_wa" "$(j .cached) $(j .verdict) $(j .id)"
# a test set that changed is another judge: its answers matter
cp -r "$TEST_TMP/tests" "$TEST_TMP/tests2"
hjudge --cached "$sum" "$TEST_TMP/tests2"
eq "judge --cached of the copied tests: AC" AC "$(j .verdict)"
printf '11\n' >"$TEST_TMP/tests2/three.ans"
hjudge --cached "$sum" "$TEST_TMP/tests2"
eq "judge --cached after an answer changed: WA, not the old AC" "WA false" "$(j .verdict) $(j .cached)"
# --only judges some tests: not the result of the whole set
pair tests3 one '1 2\n' '3\n'
pair tests3 bad '1 1\n' '3\n'
hjudge --only one "$sum" "$TEST_TMP/tests3"
eq "judge --only one: AC on one test" "AC 1" "$(j .verdict) $(j .total)"
hjudge --cached "$sum" "$TEST_TMP/tests3"
eq "judge --cached of all the tests after --only: WA, not the --only AC" "WA false" "$(j .verdict) $(j .cached)"
# a judge's TLE is not cached
pair tests4 one '1\n' '1\n'
hjudge --cached -t 0.3 "$spin" "$TEST_TMP/tests4"
id_jt=$(j .id)
eq "judge --cached TLE" TLE "$(j .verdict)"
hjudge --cached -t 0.3 "$spin" "$TEST_TMP/tests4"
eq "judge --cached TLE again: judged again" "TLE false" "$(j .verdict) $(j .cached)"
check "judge --cached TLE again: a new id" test "$(j .id)" != "$id_jt"

# ---------------------------------------------------------------------------
# Export and import

other="$TEST_TMP/other.db"
out "$FORGE" export "$id_wa"
eq "export: exit 0" 0 "$rc"
cp "$TEST_TMP/out" "$TEST_TMP/judge.json"
eq "export: the format" "forge-run 1 $id_wa judge" "$(jq -r '"\(.format) \(.version) \(.id) \(.kind)"' "$TEST_TMP/judge.json")"
out "$FORGE" import --db "$other" "$TEST_TMP/judge.json"
eq "import: exit 0" 0 "$rc"
eq "import: prints the new id" 1 "$(cat "$TEST_TMP/out")"
"$FORGE" show --json "$id_wa" | jq -S 'del(.id, .cached, .language_name, .build_cached, .compile_ms)' >"$TEST_TMP/a.json"
"$FORGE" show --json --db "$other" 1 | jq -S 'del(.id, .cached, .language_name, .build_cached, .compile_ms)' >"$TEST_TMP/b.json"
check "import: the judge shows the same in the other database (verdict, tests, limits, samples...)" cmp -s "$TEST_TMP/a.json" "$TEST_TMP/b.json"
eq "import: the tests" "one:WA three:WA two:AC" "$(jq -r '[.tests[] | "\(.name):\(.verdict)"] | join(" ")' "$TEST_TMP/b.json")"
"$FORGE" show --source --db "$other" 1 >"$TEST_TMP/b.src"
check "import: the source, byte for byte" cmp -s "$sumbad" "$TEST_TMP/b.src"
eq "import: the test set and kind" "judge $(q "$DB" "SELECT testset FROM runs WHERE id = $id_wa")" "$(q "$other" 'SELECT kind || " " || testset FROM runs WHERE id = 1')"
# a run, with stdin, stdout, stderr, samples and the output timeline
"$FORGE" export "$id_pe" >"$TEST_TMP/pe.json"
"$FORGE" import --db "$other" - <"$TEST_TMP/pe.json" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
eq "import from stdin: the new id" 2 "$(cat "$TEST_TMP/out")"
"$FORGE" show --output --db "$other" 2 >"$TEST_TMP/out"
check "import: the stdout, byte for byte" cmp -s "$TEST_TMP/pe.expected" "$TEST_TMP/out"
"$FORGE" export --db "$other" 2 | jq -S 'del(.id)' >"$TEST_TMP/b.json"
jq -S 'del(.id)' "$TEST_TMP/pe.json" >"$TEST_TMP/a.json"
check "import then export: the same document" cmp -s "$TEST_TMP/a.json" "$TEST_TMP/b.json"
out "$FORGE" replay --play --speed 100 --db "$other" 2
check "import: the output timeline plays back" cmp -s "$TEST_TMP/pe.expected" "$TEST_TMP/out"
"$FORGE" export "$id_sum" | "$FORGE" import --db "$other" - >/dev/null 2>&1
eq "import: the stdin" "20 22" "$(q "$other" 'SELECT CAST(stdin AS TEXT) FROM runs WHERE id = 3')"
out "$FORGE" replay --db "$other" 3
eq "import: the imported run replays and reproduces" 0 "$rc"
# output that is not UTF-8 travels as base64 and comes back byte for byte
binout=$(write binout.py <<'X'
import sys
sys.stdout.buffer.write(bytes(range(256)) + b"\xff\xfe\xc3(\n")
sys.stderr.buffer.write(b"err \x80\x81\n")
X
)
hrun "$binout"
id_bin=$(j .id)
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) + b"\xff\xfe\xc3(\n")' >"$TEST_TMP/bin.expected"
"$FORGE" show --output "$id_bin" >"$TEST_TMP/out"
check "binary output recorded byte for byte" cmp -s "$TEST_TMP/bin.expected" "$TEST_TMP/out"
"$FORGE" export "$id_bin" >"$TEST_TMP/bin.json"
eq "export: stdout that is not UTF-8 is base64" "$(base64 -w0 <"$TEST_TMP/bin.expected")" "$(jq -r .stdout.base64 "$TEST_TMP/bin.json")"
eq "export: stderr that is not UTF-8 is base64" "$(printf 'err \x80\x81\n' | base64 -w0)" "$(jq -r .stderr.base64 "$TEST_TMP/bin.json")"
id_bin2=$("$FORGE" import --db "$other" "$TEST_TMP/bin.json" 2>/dev/null)
"$FORGE" show --output --db "$other" "${id_bin2:-0}" >"$TEST_TMP/out"
check "import: binary stdout byte for byte" cmp -s "$TEST_TMP/bin.expected" "$TEST_TMP/out"
eq "import: binary stderr byte for byte" "$(printf 'err \x80\x81\n' | sha256sum)" \
	"$(sqlite3 "$other" "SELECT hex(stderr) FROM runs WHERE id = ${id_bin2:-0}" | xxd -r -p | sha256sum)"
out "$FORGE" replay --play --speed 100 --db "$other" "${id_bin2:-0}"
check "import: the binary output timeline plays back" cmp -s "$TEST_TMP/bin.expected" "$TEST_TMP/out"
# output that is valid UTF-8 but holds a NUL byte ("\u0000" in JSON)
nulout=$(write nulout.py <<'X'
import sys
sys.stdout.write("a\0b\n")
X
)
hrun "$nulout"
id_nul=$(j .id)
"$FORGE" export "$id_nul" >"$TEST_TMP/nul.json"
id_nul2=$("$FORGE" import --db "$other" "$TEST_TMP/nul.json" 2>/dev/null)
eq "import: stdout with a NUL byte survives the round trip" "$(printf 'a\0b\n' | xxd -p)" \
	"$("$FORGE" show --output --db "$other" "${id_nul2:-0}" | xxd -p)"
# the same source twice, no confusion: the imported run's source is its own
"$FORGE" export "$id_py" | jq '.source = "print(\"not the real source\")\n" | .stdout = "forged\n"' \
	>"$TEST_TMP/forged.json"
"$FORGE" import "$TEST_TMP/forged.json" >/dev/null 2>&1
hrun --cached "$hello"
eq "--cached never serves a run whose source is another (imported with a stale source_hash)" \
	"hello from python" "$(j .stdout | tr -d '\n')"

# import refuses what is not an exported run: exit 2, and records nothing
refused=$TEST_TMP/refused.db
refuse() { # refuse WHAT MESSAGE-PATTERN: the document is $TEST_TMP/doc.json
	local what=$1 pattern=$2
	rc=0
	"$FORGE" import --db "$refused" - <"$TEST_TMP/doc.json" >"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
	eq "import refuses $what: exit 2" 2 "$rc"
	check "import refuses $what: says why" grep -q "not an exported Forge run: .*$pattern" "$TEST_TMP/err"
	eq "import refuses $what: prints no id" "" "$(cat "$TEST_TMP/out")"
}
echo 'this is not JSON {' >"$TEST_TMP/doc.json"
refuse "text that is not JSON" "not a JSON object"
echo '[1, 2, 3]' >"$TEST_TMP/doc.json"
refuse "a JSON array" "not a JSON object"
jq '.format = "something-else"' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "another format" '"format" is not "forge-run"'
jq 'del(.format)' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "no format" '"format"'
jq '.version = 2' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "a newer version" "unsupported export version"
jq 'del(.verdict)' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "a missing verdict" '"verdict" is missing'
jq '.verdict = "GREAT"' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "an unknown verdict" "'GREAT' is not a verdict"
jq '.verdict = 3' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "a verdict that is a number" '"verdict" must be a string'
jq '.limits = "fast"' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "limits that are a string" '"limits" must be an object'
jq 'del(.limits)' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "no limits" '"limits"'
jq '.limits.time_ms = 0' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "a zero time limit" '"limits"'
jq '.limits.memory_kb = -1' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "a negative memory limit" '"limits"'
jq '.limits.wall_ms = "10s"' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "a wall limit that is a string" '"limits"'
jq '.kind = "batch"' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "an unknown kind" '"kind"'
jq '.source_hash = "abc"' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "a source hash that is not SHA-256" "SHA-256"
jq '.created = "yesterday"' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "a time that is not a number" '"created"'
jq '.time_ms = 1.5' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "a fractional time" '"time_ms" must be a whole number'
jq '.stdout = {"base64": "!!!"}' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "bad base64" "not base64"
jq '.tests = [{"name": "x"}]' "$TEST_TMP/judge.json" >"$TEST_TMP/doc.json"
refuse "a test without a verdict" 'test 1: "verdict" is missing'
jq '.samples = [[1, 2]]' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "a short sample" '"samples"'
jq '.output = [{"t_ms": 0, "stream": 3, "data": "x"}]' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "an output chunk of stream 3" "output chunk 1"
check "import refused everything: the database was not even made" test ! -e "$refused"
# a process limit below 1 is as bad as the others (not silently 64)
jq '.limits.pids = -1' "$TEST_TMP/pe.json" >"$TEST_TMP/doc.json"
refuse "a negative process limit" '"limits"'
out "$FORGE" import --db "$refused" "$TEST_TMP/no-such-file.json"
eq "import of a file that does not exist: exit 2" 2 "$rc"

# ---------------------------------------------------------------------------
# gc

gcdb="$TEST_TMP/gc.db"
bigp=$(write bigprint.py <<'X'
import sys
sys.stdout.write("z" * 300000)
X
)
for i in 1 2 3 4; do "$FORGE" run -q --db "$gcdb" "$bigp" >/dev/null 2>&1 </dev/null; done
"$FORGE" export "$id_sh" | jq --argjson t "$(($(date +%s) - 2 * 86400))" '.created = $t' |
	"$FORGE" import --db "$gcdb" - >/dev/null 2>&1
eq "gc: five runs to begin with" 5 "$(q "$gcdb" 'SELECT count(*) FROM runs')"
pages0=$(q "$gcdb" 'PRAGMA page_count')
size0=$(stat -c %s "$gcdb")
out "$FORGE" gc --db "$gcdb"
eq "gc without --keep or --older-than: usage error" 2 "$rc"
out "$FORGE" gc --db "$gcdb" --older-than soon
eq "gc --older-than soon: usage error" 2 "$rc"
out "$FORGE" gc --db "$gcdb" --keep -1
eq "gc --keep -1: usage error" 2 "$rc"
eq "gc: usage errors removed nothing" 5 "$(q "$gcdb" 'SELECT count(*) FROM runs')"
out "$FORGE" gc --db "$gcdb" --older-than 1d
eq "gc --older-than 1d: exit 0" 0 "$rc"
eq "gc --older-than 1d: removed the run of two days ago" "removed 1 run" "$(cat "$TEST_TMP/out")"
eq "gc --older-than 1d: the four new runs stay, not the old one" "4 0" \
	"$(q "$gcdb" "SELECT count(*) || ' ' || sum(file LIKE '%greet.sh') FROM runs")"
out "$FORGE" gc --db "$gcdb" --older-than 1d
eq "gc --older-than 1d again: nothing" "removed 0 runs" "$(cat "$TEST_TMP/out")"
newest=$(q "$gcdb" 'SELECT max(id) FROM runs')
out "$FORGE" gc --db "$gcdb" --keep 1
eq "gc --keep 1: removed three" "removed 3 runs" "$(cat "$TEST_TMP/out")"
eq "gc --keep 1: the newest stays" "$newest" "$(q "$gcdb" 'SELECT group_concat(id) FROM runs')"
eq "gc: the removed runs' samples, tests and output went with them" 0 \
	"$(q "$gcdb" 'SELECT (SELECT count(*) FROM samples WHERE run_id NOT IN (SELECT id FROM runs)) + (SELECT count(*) FROM output_chunks WHERE run_id NOT IN (SELECT id FROM runs)) + (SELECT count(*) FROM tests WHERE run_id NOT IN (SELECT id FROM runs))')"
pages1=$(q "$gcdb" 'PRAGMA page_count')
check "gc: the database shrank (VACUUM: $pages0 pages, then $pages1)" test "$pages1" -lt $((pages0 / 2))
check "gc: the file shrank ($size0 bytes, then $(stat -c %s "$gcdb"))" test "$(stat -c %s "$gcdb")" -lt $((size0 / 2))
eq "gc: no free pages left (VACUUM ran)" 0 "$(q "$gcdb" 'PRAGMA freelist_count')"
eq "gc: the database is sound" ok "$(q "$gcdb" 'PRAGMA integrity_check')"
"$FORGE" show --output --db "$gcdb" "$newest" | wc -c >"$TEST_TMP/out"
eq "gc: the run kept is whole" 300000 "$(cat "$TEST_TMP/out")"
out "$FORGE" gc --db "$gcdb" --older-than 0s
eq "gc --older-than 0s: everything" "removed 1 run" "$(cat "$TEST_TMP/out")"
eq "gc --older-than 0s: no run left" 0 "$(q "$gcdb" 'SELECT count(*) FROM runs')"
"$FORGE" run -q --db "$gcdb" "$greet" >/dev/null 2>&1 </dev/null
eq "after gc: recording goes on" 1 "$(q "$gcdb" 'SELECT count(*) FROM runs')"
out "$FORGE" gc --db "$TEST_TMP/no-such.db" --keep 1
eq "gc of a database that does not exist: exit 4" 4 "$rc"
check "gc of a database that does not exist: not made" test ! -e "$TEST_TMP/no-such.db"

eq "the default database is sound at the end" ok "$(q "$DB" 'PRAGMA integrity_check')"
finish
