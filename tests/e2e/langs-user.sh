#!/bin/bash
# Languages added by the user run as they say: their environment, an
# override of a shipped language, broken files warned about only when
# they matter.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/e2e/fixtures/user-languages.sh"
need_sandbox
need_lang bash
need_lang python3

user_languages

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
finish
