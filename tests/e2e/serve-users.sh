#!/bin/bash
# Every job a server runs is recorded in its history with its token's
# name: forge history --user NAME lists one user's runs (runs and judges),
# forge history --json carries "user" (null for local runs), and forge
# show names the token. A history made before the column existed
# (schema version 3) still opens and lists, and is upgraded in place.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang python3
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"

alice=$("$FORGE" token add alice --db "$SERVE_DB")
bob=$("$FORGE" token add bob --db "$SERVE_DB")
serve_start -j 2

run_as() { # TOKEN PROGRAM
	req POST '/v1/runs?wait=60' -H "Authorization: Bearer $1" \
		--data-binary "$(jq -n --arg s "$2" '{language: "python3", source: $s}')"
}
run_as "$alice" 'print("alice 1")'
eq "alice's first run: 200" 200 "$code"
run_as "$alice" 'print("alice 2")'
a2=$(j .id)
run_as "$bob" 'print("bob 1")'
eq "bob's run: 200" 200 "$code"
req POST '/v1/runs?wait=60' -H "Authorization: Bearer $bob" --data-binary \
	'{"language":"python3","source":"print(input())","tests":[{"name":"t1","input":"x\n","answer":"x\n"}]}'
eq "bob's judge: 200 AC" "200 AC" "$code $(j .verdict)"
serve_stop TERM

# a local run has no user
"$FORGE" run -q --db "$SERVE_DB" "$(printf 'print("local")\n' | write local.py)" \
	>/dev/null 2>&1 </dev/null

out() { rc=0; "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?; }
out "$FORGE" history --db "$SERVE_DB" --user alice --json
eq "--user alice: exit 0" 0 "$rc"
eq "--user alice: her two runs, newest first" "alice alice" \
	"$(jq -r '[.[].user] | join(" ")' "$TEST_TMP/out")"
eq "--user alice: her programs' files" 2 \
	"$(jq '[.[] | select(.file | startswith("api:"))] | length' "$TEST_TMP/out")"
out "$FORGE" history --db "$SERVE_DB" --user bob --json
eq "--user bob: his run and his judge" "judge:bob run:bob" \
	"$(jq -r '[.[] | "\(.kind):\(.user)"] | join(" ")' "$TEST_TMP/out")"
out "$FORGE" history --db "$SERVE_DB" --user carol --json
eq "--user carol (no runs): an empty list" "[]" "$(cat "$TEST_TMP/out")"
out "$FORGE" history --db "$SERVE_DB" --json
eq "every run listed, the local one with user null" "null bob bob alice alice" \
	"$(jq -r '[.[].user | tostring] | join(" ")' "$TEST_TMP/out")"
out "$FORGE" history --db "$SERVE_DB" --user alice
check "--user in the table: alice's runs only" bash -c \
	"[ \$(grep -c ' python3 ' '$TEST_TMP/out') = 2 ]"
hid=$(sqlite3 "$SERVE_DB" "SELECT id FROM runs WHERE file LIKE 'api:$a2/%'")
out "$FORGE" show --db "$SERVE_DB" "$hid"
check "forge show names the token" grep -q "for token alice" "$TEST_TMP/out"
out "$FORGE" history --help
check "--help lists --user" grep -q -- "--user NAME" "$TEST_TMP/out"

# a version-3 history (before the user column): the version-4 fixture
# taken back to what version 3 made
old="$TEST_TMP/old.db"
sqlite3 "$old" <"$FORGE_SRCDIR/tests/e2e/fixtures/history-v4.sql"
sqlite3 "$old" 'DROP INDEX runs_job; DROP INDEX runs_user;
ALTER TABLE runs DROP COLUMN user; ALTER TABLE runs DROP COLUMN job;
PRAGMA user_version = 3;'
eq "old database: version 3, no user column" "3 0" \
	"$(sqlite3 "$old" "SELECT (SELECT user_version FROM pragma_user_version) || ' ' || (SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'user')")"
out "$FORGE" history --db "$old" --json
eq "old database: forge history lists its runs" "3 python3 null,2 python3 null,1 python3 null" \
	"$(jq -r '[.[] | "\(.id) \(.language) \(.user)"] | join(",")' "$TEST_TMP/out")"
eq "old database: upgraded in place to version 5 with user and job" "5 2" \
	"$(sqlite3 "$old" "SELECT (SELECT user_version FROM pragma_user_version) || ' ' || (SELECT count(*) FROM pragma_table_info('runs') WHERE name IN ('user', 'job'))")"
out "$FORGE" history --db "$old" --user alice --json
eq "old database: --user alice lists nothing" "[]" "$(cat "$TEST_TMP/out")"
eq "old database: still sound" ok "$(sqlite3 "$old" 'PRAGMA integrity_check')"
eq "no forge-serve process is left" "" "$(serve_procs)"
finish
