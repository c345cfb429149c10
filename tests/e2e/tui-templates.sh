#!/bin/bash
# Each language's template, driven in tmux as a new file starts: it runs,
# waits for its input, and answers one typed line at once, without the
# end of its input (Ctrl-D): a template that read to the end would seem
# to hang. A language whose toolchain is missing here is skipped, saying
# why.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-templates

work=$TEST_TMP/work
mkdir -p "$work"
"$FORGE" langs --json >"$TEST_TMP/langs.json"
tried=0
for spec in python3:py javascript:js ruby:rb php:php rust:rs csharp:cs \
	swift:swift; do
	id=${spec%%:*}
	if ! jq -e --arg id "$id" '.[] | select(.id == $id and .available)' \
		"$TEST_TMP/langs.json" >/dev/null; then
		echo "skipped $id: $(jq -r --arg id "$id" \
			'.[] | select(.id == $id) | .reason // "not available"' \
			"$TEST_TMP/langs.json")"
		continue
	fi
	tried=$((tried + 1))
	file=$work/first-$id.${spec#*:}
	tui_open 100x30 "$file"
	check "$id: the workbench opens on a new file" wait_for "first-$id"
	keys F5
	check "$id: the template runs and waits for its input" \
		wait_re "wall .*/" 90
	check "$id: it has not ended by itself" wait_for "running..." 5
	text "42"
	keys Enter
	check "$id: a typed line is answered at once, OK" \
		wait_for "verdict OK" 30
	# the echo of what was typed, then the program's answer
	eq "$id: the number read is printed" 2 \
		"$(screen | grep -cE '│42 *$')"
	keys C-q
	sleep 0.3
	screen | grep -q "Ctrl-Q again" && keys C-q
	check "$id: the workbench quits" wait_for "TUI-EXITED 0" 10
done
[ "$tried" -gt 0 ] || skip "no language with a template is available here"
finish
