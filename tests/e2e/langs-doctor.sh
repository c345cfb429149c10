#!/bin/bash
# forge langs and forge doctor, and languages added by the user.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/e2e/fixtures/user-languages.sh"
# the backends this forge has: docker where it was built with libcurl
registered=ns
"$FORGE" doctor --backend docker --json >/dev/null 2>&1
[ $? -ne 2 ] && registered="ns, docker"

"$FORGE" langs --json >"$TEST_TMP/langs.json"
check "langs --json is valid JSON" jq -e . "$TEST_TMP/langs.json"
for id in c cpp python3 javascript go rust java bash ruby php csharp swift; do
	eq "langs lists $id" "$id" "$(jq -r --arg id $id '.[] | select(.id == $id) | .id' "$TEST_TMP/langs.json")"
done
eq "C++ extensions" ".cpp .cc .cxx" "$(jq -r '.[] | select(.id == "cpp") | .extensions[0:3] | join(" ")' "$TEST_TMP/langs.json")"
eq "C is available with a version" true "$(jq -r '.[] | select(.id == "c") | .available and (.version | test("gcc"))' "$TEST_TMP/langs.json")"
eq "every language says which backend its availability is for" ns \
	"$(jq -r '[.[].backend] | unique | join(",")' "$TEST_TMP/langs.json")"
"$FORGE" langs >"$TEST_TMP/langs.txt"
check "langs table has a header" grep -q '^ID ' "$TEST_TMP/langs.txt"
check "langs table shows swift's state" grep -q '^swift ' "$TEST_TMP/langs.txt"
check "langs table names the backend" grep -q '^(toolchains as backend ns sees them' "$TEST_TMP/langs.txt"
"$FORGE" langs --backend ns --json >"$TEST_TMP/langs-ns.json"
eq "langs --backend ns: the default's answer" \
	"$(jq -c '[.[] | [.id, .available]]' "$TEST_TMP/langs.json")" \
	"$(jq -c '[.[] | [.id, .available]]' "$TEST_TMP/langs-ns.json")"
rc=0
"$FORGE" langs --backend nosuch >/dev/null 2>"$TEST_TMP/langs-bad.err" || rc=$?
eq "langs --backend nosuch: usage error" 2 "$rc"
check "langs --backend nosuch: the registered ones listed" \
	grep -q "unknown backend 'nosuch' (registered: $registered)" "$TEST_TMP/langs-bad.err"

# a user language, and a user override of a shipped one
user_languages
# a language whose toolchain is not here, so that the unavailable path is
# checked on every host, even one with every shipped toolchain installed
cat >"$XDG_CONFIG_HOME/forge/languages/ghost.lang" <<'X'
[language]
id = ghost
name = Ghost
extensions = .ghost
source = main.g
run = forge-no-such-tool /prog/main.g
X
"$FORGE" langs --json >"$TEST_TMP/langs2.json" 2>"$TEST_TMP/langs2.err"
unavailable=$(jq -r '.[] | select(.available | not) | .id' "$TEST_TMP/langs2.json")
check "the missing toolchain is unavailable" grep -qx ghost <<<"$unavailable"
eq "... and says what is missing" "'forge-no-such-tool' not found" \
	"$(jq -r '.[] | select(.id == "ghost") | .reason' "$TEST_TMP/langs2.json" | grep -o "'forge-no-such-tool' not found")"
# every unavailable language (ghost at least) says why and what to install
for id in $unavailable; do
	check "$id unavailable: reason given" bash -c "jq -r '.[] | select(.id == \"$id\") | .reason' '$TEST_TMP/langs2.json' | grep -q 'not found'"
done
check "a language that is not available has no version" \
	jq -e '.[] | select(.id == "ghost") | .version == null' "$TEST_TMP/langs2.json"
eq "user language listed" "Shouting Bash" "$(jq -r '.[] | select(.id == "shout") | .name' "$TEST_TMP/langs2.json")"
eq "user override replaces the shipped one" "My Python" "$(jq -r '.[] | select(.id == "python3") | .name' "$TEST_TMP/langs2.json")"
check "broken file reported with its line" grep -q "broken.lang:3: unknown key 'colour'" "$TEST_TMP/langs2.err"

# doctor: every check with a status; the sandbox works here
rc=0
"$FORGE" doctor --json >"$TEST_TMP/doctor.json" || rc=$?
check "doctor --json is valid JSON" jq -e . "$TEST_TMP/doctor.json"
eq "doctor agrees with its exit status" "$([ $rc = 0 ] && echo true || echo false)" "$(jq -r .sandbox_works "$TEST_TMP/doctor.json")"
for c in "user namespaces" cgroups seccomp sandbox; do
	check "doctor checks $c" jq -e --arg c "$c" '.backends[0].checks[] | select(.check == $c)' "$TEST_TMP/doctor.json"
done
"$FORGE" doctor >"$TEST_TMP/doctor.txt" 2>&1 || true
check "doctor text output: the backend's section is labelled" \
	grep -q '^backend ns (' "$TEST_TMP/doctor.txt"
check "doctor text output: the backend's own conclusion" \
	grep -Eq '^  backend ns can(not)? sandbox programs here' "$TEST_TMP/doctor.txt"
eq "doctor --json: each backend says whether it works" \
	"$(jq -r .sandbox_works "$TEST_TMP/doctor.json")" \
	"$(jq -r '.backends[0].sandbox_works' "$TEST_TMP/doctor.json")"
rc2=0
"$FORGE" doctor --json --backend ns >"$TEST_TMP/doctor-ns.json" || rc2=$?
eq "doctor --backend ns: the same verdict" "$rc" "$rc2"
eq "doctor --backend ns: only that backend" ns \
	"$(jq -r '[.backends[].name] | join(",")' "$TEST_TMP/doctor-ns.json")"
rc=0
"$FORGE" doctor --backend nosuch >/dev/null 2>"$TEST_TMP/doctor-bad.err" || rc=$?
eq "doctor --backend nosuch: usage error" 2 "$rc"
check "doctor --backend nosuch: the registered ones listed" \
	grep -q "unknown backend 'nosuch' (registered: $registered)" "$TEST_TMP/doctor-bad.err"
# without cgroups, doctor warns and says how to fix it
FORGE_NO_CGROUP=1 "$FORGE" doctor --json >"$TEST_TMP/doctor2.json" || true
eq "no cgroups: a warning" warn "$(jq -r '.backends[0].checks[] | select(.check == "cgroups") | .status' "$TEST_TMP/doctor2.json")"
check "no cgroups: a fix is given" jq -e '.backends[0].checks[] | select(.check == "cgroups") | .fix | length > 10' "$TEST_TMP/doctor2.json"
finish
