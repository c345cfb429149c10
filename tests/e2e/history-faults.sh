#!/bin/bash
# The history when it cannot be used: a --db that is not SQLite, another
# program's SQLite database, a read-only directory, an id that does not
# exist, a damaged row, a full disk. The history commands say so (exit 2
# or 4, a message naming the file or the run) and leave the file alone;
# forge run still prints its result, with a warning, and exits with the
# verdict's status.
. "$FORGE_SRCDIR/tests/lib.sh"

# The binary may be missing for a moment while the tree is rebuilt.
for _ in $(seq 60); do [ -x "$FORGE" ] && break; sleep 0.5; done
need_sandbox
need_lang python3
command -v sqlite3 >/dev/null || skip "the sqlite3 command-line tool is missing"

# out CMD...: stdout to $TEST_TMP/out, stderr to $TEST_TMP/err, the exit
# status in $rc
out() {
	rc=0
	"$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null || rc=$?
}
q() { sqlite3 -cmd ".timeout 10000" "$1" "$2" 2>&1; }
# fingerprint FILE: the file and anything SQLite would put next to it
fingerprint() { (cd "$(dirname "$1")" && ls -a | grep -F "$(basename "$1")" && cat "$1"* | sha256sum); }

hello=$(write hello.py <<'X'
print("hello")
X
)
fails=$(write fails.py <<'X'
print("partial")
raise SystemExit(3)
X
)

# an exported run, to import
"$FORGE" run -q --db "$TEST_TMP/src.db" "$hello" >/dev/null 2>&1 </dev/null
"$FORGE" export --db "$TEST_TMP/src.db" 1 >"$TEST_TMP/run.json"
check "an exported run to import" jq -e '.format == "forge-run"' "$TEST_TMP/run.json"
# a test set for forge judge
mkdir -p "$TEST_TMP/tests"
printf '\n' >"$TEST_TMP/tests/one.in"
printf 'hello\n' >"$TEST_TMP/tests/one.ans"

# ---------------------------------------------------------------------------
# A --db that is a text file

notes="$TEST_TMP/notes.txt"
for i in $(seq 40); do echo "line $i of someone's notes, not a database"; done >"$notes"
before=$(fingerprint "$notes")
out "$FORGE" history --db "$notes"
eq "text file: forge history exits 4" 4 "$rc"
check "text file: the message names the file" grep -qF "$notes" "$TEST_TMP/err"
check "text file: the message says it is not a history database" grep -q "not a Forge history database" "$TEST_TMP/err"
out "$FORGE" show --db "$notes" 1
eq "text file: forge show exits 4" 4 "$rc"
out "$FORGE" gc --db "$notes" --keep 0
eq "text file: forge gc exits 4" 4 "$rc"
out "$FORGE" replay --db "$notes" 1
eq "text file: forge replay exits 4" 4 "$rc"
out "$FORGE" run --db "$notes" "$hello"
eq "text file: forge run exits with the verdict's status (OK)" 0 "$rc"
eq "text file: forge run prints the program's output" hello "$(cat "$TEST_TMP/out")"
check "text file: forge run warns the run was not saved" grep -q "^forge: warning: the run was not saved to the history: .*$notes" "$TEST_TMP/err"
check "text file: forge run prints its summary" grep -q "^forge: OK " "$TEST_TMP/err"
out "$FORGE" run --db "$notes" "$fails"
eq "text file: forge run of a failing program exits 1 (RE)" 1 "$rc"
eq "text file: its output" partial "$(cat "$TEST_TMP/out")"
check "text file: its summary says RE" grep -q "^forge: RE " "$TEST_TMP/err"
out "$FORGE" run --json --db "$notes" "$hello"
eq "text file: run --json: the verdict and output" "OK hello" "$(jq -r '"\(.verdict) \(.stdout | rtrimstr("\n"))"' "$TEST_TMP/out")"
eq "text file: run --json: id null" null "$(jq -r .id "$TEST_TMP/out")"
check "text file: run --json: history_error says why" grep -q "not a Forge history database" <<<"$(jq -r .history_error "$TEST_TMP/out")"
out "$FORGE" run --cached --db "$notes" "$hello"
eq "text file: run --cached runs (no cache to ask)" "0 hello" "$rc $(cat "$TEST_TMP/out")"
out "$FORGE" judge --db "$notes" "$hello" "$TEST_TMP/tests"
eq "text file: judge exits with the verdict's status (AC)" 0 "$rc"
check "text file: judge warns the judge was not saved" grep -q "warning: the judge was not saved" "$TEST_TMP/err"
check "text file: judge prints its verdict" grep -q "^forge: AC " "$TEST_TMP/out"
out "$FORGE" import --db "$notes" "$TEST_TMP/run.json"
eq "text file: import exits 4" 4 "$rc"
eq "text file: the file is unchanged, nothing put next to it" "$before" "$(fingerprint "$notes")"

# a one-byte text file (a lone newline) is a text file too
printf '\n' >"$TEST_TMP/nl.txt"
before=$(fingerprint "$TEST_TMP/nl.txt")
out "$FORGE" run --db "$TEST_TMP/nl.txt" "$hello"
eq "one-byte text file: forge run still prints its output" "0 hello" "$rc $(cat "$TEST_TMP/out")"
eq "one-byte text file: left unchanged (not made a database)" "$before" "$(fingerprint "$TEST_TMP/nl.txt")"

# a directory
mkdir "$TEST_TMP/adir"
out "$FORGE" history --db "$TEST_TMP/adir"
eq "a directory: forge history exits 4" 4 "$rc"
check "a directory: says it is not a file" grep -q "is not a file" "$TEST_TMP/err"

# ---------------------------------------------------------------------------
# Another program's SQLite database

foreign="$TEST_TMP/foreign.db"
sqlite3 "$foreign" "CREATE TABLE contacts (name TEXT, phone TEXT);
INSERT INTO contacts VALUES ('Ada', '555-0100'), ('Grace', '555-0199');"
before=$(fingerprint "$foreign")
out "$FORGE" history --db "$foreign"
eq "foreign SQLite: forge history exits 4" 4 "$rc"
check "foreign SQLite: says it is not Forge's history" grep -q "is an SQLite database but not Forge's history" "$TEST_TMP/err"
out "$FORGE" show --db "$foreign" 1
eq "foreign SQLite: forge show exits 4" 4 "$rc"
out "$FORGE" gc --db "$foreign" --keep 0
eq "foreign SQLite: forge gc exits 4" 4 "$rc"
out "$FORGE" import --db "$foreign" "$TEST_TMP/run.json"
eq "foreign SQLite: forge import exits 4" 4 "$rc"
out "$FORGE" run --db "$foreign" "$fails"
eq "foreign SQLite: forge run exits with the verdict's status (RE)" 1 "$rc"
eq "foreign SQLite: forge run prints the output" partial "$(cat "$TEST_TMP/out")"
check "foreign SQLite: forge run warns" grep -q "warning: the run was not saved to the history: .*not Forge's history" "$TEST_TMP/err"
eq "foreign SQLite: its data intact" "Ada|555-0100 Grace|555-0199" "$(q "$foreign" 'SELECT * FROM contacts' | paste -sd' ')"
eq "foreign SQLite: no table added" contacts "$(q "$foreign" "SELECT group_concat(name) FROM sqlite_master")"
eq "foreign SQLite: its application_id and user_version untouched" "0 0" \
	"$(q "$foreign" 'PRAGMA application_id') $(q "$foreign" 'PRAGMA user_version')"
# "it was left untouched", says forge: byte for byte
eq "foreign SQLite: the file is byte-for-byte unchanged (journal mode included)" "$before" "$(fingerprint "$foreign")"
eq "foreign SQLite: still in its own journal mode" delete "$(q "$foreign" 'PRAGMA journal_mode')"

# another program's database that happens to use user_version 2
foreign2="$TEST_TMP/foreign2.db"
sqlite3 "$foreign2" "CREATE TABLE settings (k TEXT, v TEXT);
INSERT INTO settings VALUES ('theme', 'dark'); PRAGMA user_version = 2;"
out "$FORGE" history --db "$foreign2"
eq "foreign SQLite at user_version 2: forge history exits 4" 4 "$rc"
check "foreign SQLite at user_version 2: says it is not Forge's history (application_id)" \
	grep -q "not Forge's history" "$TEST_TMP/err"
out "$FORGE" run --db "$foreign2" "$hello"
eq "foreign SQLite at user_version 2: forge run still prints" "0 hello" "$rc $(cat "$TEST_TMP/out")"
eq "foreign SQLite at user_version 2: its data intact" "theme|dark" "$(q "$foreign2" 'SELECT * FROM settings')"

# ---------------------------------------------------------------------------
# An id that does not exist, and ids that are not ids

db="$TEST_TMP/h.db"
"$FORGE" run -q --db "$db" "$hello" >/dev/null 2>&1 </dev/null
"$FORGE" run -q --db "$db" "$fails" >/dev/null 2>&1 </dev/null
eq "two runs recorded" 2 "$(q "$db" 'SELECT count(*) FROM runs')"
for cmd in show export replay; do
	out "$FORGE" "$cmd" --db "$db" 424242
	eq "$cmd of a missing id: exit 2" 2 "$rc"
	check "$cmd of a missing id: the message names the id" grep -q "no run 424242 in $db" "$TEST_TMP/err"
	eq "$cmd of a missing id: nothing on stdout" "" "$(cat "$TEST_TMP/out")"
done
out "$FORGE" replay --play --db "$db" 424242
eq "replay --play of a missing id: exit 2" 2 "$rc"
for bad in abc 0 -3 1x 99999999999999999999; do
	out "$FORGE" show --db "$db" -- "$bad"
	eq "show '$bad': a usage error" 2 "$rc"
	check "show '$bad': says it is not a run id" grep -qF "'$bad' is not a run id" "$TEST_TMP/err"
done
out "$FORGE" show --db "$TEST_TMP/nothing-here.db" 1
eq "show with no database at all: exit 4" 4 "$rc"
check "show with no database at all: says there is no history yet" grep -q "no history yet" "$TEST_TMP/err"
check "show with no database at all: does not make one" test ! -e "$TEST_TMP/nothing-here.db"

# ---------------------------------------------------------------------------
# A damaged row

sqlite3 "$db" "UPDATE runs SET limits = 'garbage' WHERE id = 1"
out "$FORGE" show --db "$db" 1
eq "damaged row: show exits 4" 4 "$rc"
check "damaged row: the message names the run" grep -q "run 1 in $db is damaged" "$TEST_TMP/err"
eq "damaged row: show prints nothing on stdout" "" "$(cat "$TEST_TMP/out")"
out "$FORGE" show --db "$db" --json 1
eq "damaged row: show --json exits 4" 4 "$rc"
out "$FORGE" export --db "$db" 1
eq "damaged row: export exits 4" 4 "$rc"
out "$FORGE" replay --db "$db" 1
eq "damaged row: replay exits 4" 4 "$rc"
check "damaged row: replay names the run" grep -q "run 1 in $db is damaged" "$TEST_TMP/err"
out "$FORGE" history --db "$db" --json
eq "damaged row: history still lists every run" "2 1" "$(jq -r '[.[].id] | join(" ")' "$TEST_TMP/out")"
out "$FORGE" history --db "$db"
eq "damaged row: history (text) exits 0" 0 "$rc"
check "damaged row: history (text) lists it" grep -qE '^ +1  ' "$TEST_TMP/out"
out "$FORGE" show --db "$db" 2
eq "damaged row: the other run still shows" 0 "$rc"
out "$FORGE" run --cached --db "$db" "$hello"
eq "damaged row: run --cached is not served the damaged run" "0 hello" "$rc $(cat "$TEST_TMP/out")"
sqlite3 "$db" "UPDATE runs SET limits = '{\"time_ms\": 0, \"wall_ms\": 0}' WHERE id = 2"
out "$FORGE" show --db "$db" 2
eq "limits of zero: show exits 4" 4 "$rc"
check "limits of zero: names run 2" grep -q "run 2 in $db is damaged" "$TEST_TMP/err"
sqlite3 "$db" "UPDATE runs SET verdict = CAST(x'ff' AS BLOB), language = 'c' WHERE id = 2"
out "$FORGE" history --db "$db"
eq "a verdict that is a byte: history still lists" 0 "$rc"

# ---------------------------------------------------------------------------
# A read-only directory (as an ordinary user: root's writes ignore modes)

user=65534
if [ "$(id -u)" -ne 0 ]; then
	echo "NOTE: read-only directory checks skipped: they need root to switch to uid $user"
elif ! command -v setpriv >/dev/null; then
	echo "NOTE: read-only directory checks skipped: setpriv (util-linux) is missing"
else
	home="$TEST_TMP/home"
	mkdir -p "$home/data/forge"
	cp "$hello" "$home/hello.py"
	chown -R "$user:$user" "$home"
	as_user() {
		setpriv --reuid=$user --regid=$user --clear-groups \
			env HOME="$home" XDG_CACHE_HOME="$home/cache" \
			XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
			FORGE_DATA_DIR="$FORGE_DATA_DIR" "$@"
	}
	if ! as_user "$FORGE" doctor >"$TEST_TMP/doctor.txt" 2>&1; then
		echo "NOTE: read-only directory checks skipped: forge does not sandbox as uid $user here:"
		sed 's/^/  /' "$TEST_TMP/doctor.txt"
	else
		udb="$home/data/forge/history.db"
		as_user "$FORGE" run -q "$home/hello.py" >/dev/null 2>&1 </dev/null
		eq "as uid $user: the first run recorded" 1 "$(q "$udb" 'SELECT count(*) FROM runs')"
		chmod 555 "$home/data/forge"
		before=$(fingerprint "$udb")
		rc=0
		as_user "$FORGE" run "$home/hello.py" >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null || rc=$?
		eq "read-only directory: forge run exits with the verdict's status" 0 "$rc"
		eq "read-only directory: forge run prints the output" hello "$(cat "$TEST_TMP/out")"
		check "read-only directory: forge run warns" grep -q "warning: the run was not saved" "$TEST_TMP/err"
		check "read-only directory: the warning does not call it 'not a Forge history database'" \
			bash -c '! grep -q "not a Forge history database" "$1"' _ "$TEST_TMP/err"
		check "read-only directory: the warning says it cannot be written" \
			grep -qiE "read-?only|permission|cannot (write|open)|unable to open" "$TEST_TMP/err"
		rc=0
		as_user "$FORGE" history --json >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null || rc=$?
		eq "read-only directory: the history can still be listed" "0 1" "$rc $(jq length "$TEST_TMP/out" 2>/dev/null)"
		rc=0
		as_user "$FORGE" show 1 >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null || rc=$?
		eq "read-only directory: a run can still be shown" 0 "$rc"
		eq "read-only directory: the database is unchanged" "$before" "$(fingerprint "$udb")"
		# a read-only directory where no database is yet
		chmod 755 "$home/data/forge"
		rm -f "$udb"*
		chmod 555 "$home/data/forge"
		rc=0
		as_user "$FORGE" run "$home/hello.py" >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null || rc=$?
		eq "read-only directory, no database: forge run still prints" "0 hello" "$rc $(cat "$TEST_TMP/out")"
		check "read-only directory, no database: warns it cannot open it" grep -q "warning: the run was not saved.*cannot open" "$TEST_TMP/err"
		check "read-only directory, no database: none made" test ! -e "$udb"
		chmod 755 "$home/data/forge"
	fi
fi

# ---------------------------------------------------------------------------
# A full disk: a small tmpfs of our own

mnt="$TEST_TMP/mnt"
mkdir -p "$mnt"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=400k,mode=0755 forge-test "$mnt" 2>"$TEST_TMP/mount.err"; then
	echo "NOTE: full-disk checks skipped: cannot mount a tmpfs here ($(cat "$TEST_TMP/mount.err" 2>/dev/null))"
else
	trap 'umount "$mnt" 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
	fdb="$mnt/history.db"
	"$FORGE" run -q --db "$fdb" "$hello" >/dev/null 2>&1 </dev/null
	eq "full disk: a first run recorded" 1 "$(q "$fdb" 'SELECT count(*) FROM runs')"
	# leave about 64K free: the database opens, a run of 600K cannot be saved
	dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
	free_kb=$(df -k --output=avail "$mnt" | tail -n1 | tr -d ' ')
	eq "full disk: the disk is full" 0 "$free_kb"
	rm -f "$mnt/filler"
	avail=$(df -k --output=avail "$mnt" | tail -n1 | tr -d ' ')
	dd if=/dev/zero of="$mnt/filler" bs=4k count=$(((avail - 64) / 4)) 2>/dev/null
	big=$(write big.py <<'X'
import sys
sys.stdout.write("x" * 600000)
X
)
	rc=0
	"$FORGE" run --db "$fdb" "$big" >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null || rc=$?
	eq "nearly full disk: forge run exits with the verdict's status" 0 "$rc"
	eq "nearly full disk: the whole output is printed" 600000 "$(wc -c <"$TEST_TMP/out")"
	check "nearly full disk: warns the run was not saved" grep -q "warning: the run was not saved" "$TEST_TMP/err"
	check "nearly full disk: says the disk is full" grep -q "disk is full" "$TEST_TMP/err"
	check "nearly full disk: the summary" grep -q "^forge: OK " "$TEST_TMP/err"
	rc=0
	"$FORGE" run --json --db "$fdb" "$big" >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null || rc=$?
	eq "nearly full disk: run --json: OK, whole output, id null" "0 OK 600000 null" \
		"$rc $(jq -r '"\(.verdict) \(.stdout | length) \(.id)"' "$TEST_TMP/out")"
	check "nearly full disk: run --json: history_error" grep -q "full" <<<"$(jq -r .history_error "$TEST_TMP/out")"
	eq "nearly full disk: the database is sound" ok "$(q "$fdb" 'PRAGMA integrity_check')"
	eq "nearly full disk: the first run is still there, alone" 1 "$(q "$fdb" 'SELECT count(*) FROM runs')"
	out "$FORGE" history --db "$fdb" --json
	eq "nearly full disk: history lists it" "0 1" "$rc $(jq length "$TEST_TMP/out" 2>/dev/null)"
	# completely full
	dd if=/dev/zero of="$mnt/filler2" bs=1k 2>/dev/null
	rc=0
	"$FORGE" run --db "$fdb" "$hello" >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null || rc=$?
	eq "full disk: forge run still prints its result" "0 hello" "$rc $(cat "$TEST_TMP/out")"
	check "full disk: warns the run was not saved" grep -q "warning: the run was not saved" "$TEST_TMP/err"
	check "full disk: the warning does not call it 'not a Forge history database'" \
		bash -c '! grep -q "not a Forge history database" "$1"' _ "$TEST_TMP/err"
	rm -f "$mnt/filler" "$mnt/filler2"
	eq "full disk, then space again: the database is sound" ok "$(q "$fdb" 'PRAGMA integrity_check')"
	"$FORGE" run -q --db "$fdb" "$hello" >/dev/null 2>&1 </dev/null
	eq "full disk, then space again: recording goes on" 2 "$(q "$fdb" 'SELECT count(*) FROM runs')"
	umount "$mnt"
	trap 'rm -rf "$TEST_TMP"' EXIT
fi

finish
