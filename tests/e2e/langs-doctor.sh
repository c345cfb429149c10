#!/bin/bash
# forge langs and forge doctor, and languages added by the user.
. "$FORGE_SRCDIR/tests/lib.sh"

"$FORGE" langs --json >"$TEST_TMP/langs.json"
check "langs --json is valid JSON" jq -e . "$TEST_TMP/langs.json"
for id in c cpp python3 javascript go rust java bash ruby php csharp swift; do
	eq "langs lists $id" "$id" "$(jq -r --arg id $id '.[] | select(.id == $id) | .id' "$TEST_TMP/langs.json")"
done
eq "C++ extensions" ".cpp .cc .cxx" "$(jq -r '.[] | select(.id == "cpp") | .extensions[0:3] | join(" ")' "$TEST_TMP/langs.json")"
eq "C is available with a version" true "$(jq -r '.[] | select(.id == "c") | .available and (.version | test("gcc"))' "$TEST_TMP/langs.json")"
# an unavailable language says why and what to install
for id in $(jq -r '.[] | select(.available | not) | .id' "$TEST_TMP/langs.json"); do
	check "$id unavailable: reason given" bash -c "jq -r '.[] | select(.id == \"$id\") | .reason' '$TEST_TMP/langs.json' | grep -q 'not found'"
done
"$FORGE" langs >"$TEST_TMP/langs.txt"
check "langs table has a header" grep -q '^ID ' "$TEST_TMP/langs.txt"
check "langs table shows swift's state" grep -q '^swift ' "$TEST_TMP/langs.txt"

# a user language, and a user override of a shipped one
mkdir -p "$XDG_CONFIG_HOME/forge/languages"
cat >"$XDG_CONFIG_HOME/forge/languages/shout.lang" <<'X'
[language]
id = shout
name = Shouting Bash
extensions = .shout
source = main.sh
run = bash /prog/main.sh
version = bash --version
env = HOME=/tmp/shout-home
X
cat >"$XDG_CONFIG_HOME/forge/languages/py.lang" <<'X'
[language]
id = python3
name = My Python
extensions = .py
source = main.py
run = python3 -c "print('overridden')"
X
cat >"$XDG_CONFIG_HOME/forge/languages/broken.lang" <<'X'
[language]
id = broken
colour = blue
X
"$FORGE" langs --json >"$TEST_TMP/langs2.json" 2>"$TEST_TMP/langs2.err"
eq "user language listed" "Shouting Bash" "$(jq -r '.[] | select(.id == "shout") | .name' "$TEST_TMP/langs2.json")"
eq "user override replaces the shipped one" "My Python" "$(jq -r '.[] | select(.id == "python3") | .name' "$TEST_TMP/langs2.json")"
check "broken file reported with its line" grep -q "broken.lang:3: unknown key 'colour'" "$TEST_TMP/langs2.err"

if "$FORGE" doctor >"$TEST_TMP/doctor.txt" 2>&1; then
	printf 'echo HELLO\nenv | grep -c ^HOME=\necho $HOME\n' >"$TEST_TMP/x.shout"
	forge_json "$TEST_TMP/x.shout"
	eq "a user language runs, its env replacing the default" "HELLO 1 /tmp/shout-home" "$(j .stdout | tr '\n' ' ' | sed 's/ *$//')"
	echo 'print("shipped")' >"$TEST_TMP/x.py"
	forge_json "$TEST_TMP/x.py"
	eq "the override is what runs" overridden "$(j .stdout)"
	# forge run FILE loads only the language the extension names: a
	# broken file it does not need is not its business
	eq "forge run: no warning about a file it does not need" "" \
		"$(grep broken.lang "$TEST_TMP/last.err")"
	# a broken file that names the extension may be the one meant
	cat >"$XDG_CONFIG_HOME/forge/languages/shout2.lang" <<'X'
[language]
id = shout2
extensions = .shout2
source = main.sh
run = bash /prog/main.sh
colour = red
X
	echo 'echo hi' >"$TEST_TMP/x.shout2"
	rc=0
	"$FORGE" run --no-history "$TEST_TMP/x.shout2" >/dev/null \
		2>"$TEST_TMP/shout2.err" || rc=$?
	eq "a broken language: its file is unknown" 2 "$rc"
	check "a broken language the extension names is warned about" \
		grep -q "shout2.lang:6: unknown key 'colour'" "$TEST_TMP/shout2.err"
	eq "... and only that one" "" "$(grep broken.lang "$TEST_TMP/shout2.err")"
	# a broken user override of a shipped language: the shipped one runs
	sed 's/^name = .*/colour = red/' "$XDG_CONFIG_HOME/forge/languages/py.lang" \
		>"$XDG_CONFIG_HOME/forge/languages/py2.lang"
	forge_json "$TEST_TMP/x.py"
	eq "a broken override of the language used: warned about" 1 \
		"$(grep -c "py2.lang:3: unknown key 'colour'" "$TEST_TMP/last.err")"
	eq "... and the override before it still runs" overridden "$(j .stdout)"
	rm "$XDG_CONFIG_HOME/forge/languages/shout2.lang" \
		"$XDG_CONFIG_HOME/forge/languages/py2.lang"
fi

# doctor: every check with a status; the sandbox works here
rc=0
"$FORGE" doctor --json >"$TEST_TMP/doctor.json" || rc=$?
check "doctor --json is valid JSON" jq -e . "$TEST_TMP/doctor.json"
eq "doctor agrees with its exit status" "$([ $rc = 0 ] && echo true || echo false)" "$(jq -r .sandbox_works "$TEST_TMP/doctor.json")"
for c in "user namespaces" cgroups seccomp sandbox; do
	check "doctor checks $c" jq -e --arg c "$c" '.backends[0].checks[] | select(.check == $c)' "$TEST_TMP/doctor.json"
done
check "doctor text output" grep -q 'backend ns' "$TEST_TMP/doctor.txt"
# without cgroups, doctor warns and says how to fix it
FORGE_NO_CGROUP=1 "$FORGE" doctor --json >"$TEST_TMP/doctor2.json" || true
eq "no cgroups: a warning" warn "$(jq -r '.backends[0].checks[] | select(.check == "cgroups") | .status' "$TEST_TMP/doctor2.json")"
check "no cgroups: a fix is given" jq -e '.backends[0].checks[] | select(.check == "cgroups") | .fix | length > 10' "$TEST_TMP/doctor2.json"
finish
