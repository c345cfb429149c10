#!/bin/bash
# Which problem package the workbench takes a file's tests from, driven
# in tmux: a folder that merely has a data/ subfolder above the file is
# not a package (and n, new test, writes beside the file, saying where,
# never into that data/); a package as the format defines it (with
# problem.yaml, or the legacy layout's data/ and problem_statement/) is
# found up to three levels up, and forge judge reads the same folders.
. "$FORGE_SRCDIR/tests/lib.sh"
need_lang python3
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-pkg
keys() { tm send-keys -t t "$@"; }
quit() {
	keys Escape
	sleep 0.3
	keys C-q
	sleep 0.3
	screen | grep -q "Ctrl-Q again" && keys C-q
	wait_for "TUI-EXITED 0" 10
}

# a folder with data/ (say, a user's data folder), a program under it
home=$TEST_TMP/home
mkdir -p "$home/data/forge" "$home/work/a"
printf 'print(input())\n' >"$home/work/a/echo.py"
tui_open 110x30 "$home/work/a/echo.py"
check "the workbench opens" wait_for "echo.py"
keys F7
check "no test set is found in a folder that only has data/" \
	wait_re "tests of .*/work/a/echo.py: none yet"
keys n
check "n says where the new test goes" \
	wait_for "new test echo.tests/1.in"
tm send-keys -t t -l "hi"
keys Tab
tm send-keys -t t -l "hi"
keys Escape
check "the new test is listed" wait_re '^> 1 +- *$'
check "it went beside the file" test -f "$home/work/a/echo.tests/1.in"
check "nothing was written into the data/ folder" \
	test ! -e "$home/data/secret"
check "the workbench quits" quit

# a package with problem.yaml, three levels up from the file
pkg=$TEST_TMP/pkg
mkdir -p "$pkg/data/secret" "$pkg/submissions/accepted/x"
printf 'name: Echo\n' >"$pkg/problem.yaml"
printf 'yo\n' >"$pkg/data/secret/s1.in"
printf 'yo\n' >"$pkg/data/secret/s1.ans"
cp "$home/work/a/echo.py" "$pkg/submissions/accepted/x/echo.py"
tui_open 110x30 "$pkg/submissions/accepted/x/echo.py"
check "the workbench opens in the package" wait_for "echo.py"
keys F7
check "the package with problem.yaml is found: its test is listed" \
	wait_re '^> secret/s1 '
check "the workbench quits again" quit

# the legacy layout: data/ and problem_statement/, no problem.yaml
leg=$TEST_TMP/legacy
mkdir -p "$leg/data/secret" "$leg/problem_statement" "$leg/sol"
printf 'yo\n' >"$leg/data/secret/l1.in"
printf 'yo\n' >"$leg/data/secret/l1.ans"
cp "$home/work/a/echo.py" "$leg/sol/echo.py"
tui_open 110x30 "$leg/sol/echo.py"
check "the workbench opens in the legacy package" wait_for "echo.py"
keys F7
check "the legacy package is found" wait_re '^> secret/l1 '
check "the workbench quits at last" quit

# forge judge, given the folders: the same test sets
rc=0
"$FORGE" judge --json --no-history "$leg/sol/echo.py" "$leg" >"$TEST_TMP/j.json" 2>/dev/null || rc=$?
eq "forge judge reads the legacy package" "secret/l1" "$(jq -r '.tests[0].name' "$TEST_TMP/j.json")"
finish
