#!/bin/bash
# forge-tui at 80x24, driven in tmux: the help scrolls (arrows, PgDn,
# PgUp, End) and finds ('/' then text), Esc closes it; the key bar puts
# first what the focused pane needs (the editor: run, judge, save, quit;
# a running program: stop it, end its input; a test being edited: the
# editor's keys, not the list's); a message longer than the title bar
# is cut at a word's end, never inside a word.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang bash
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-small

work=$TEST_TMP/work
mkdir -p "$work"
# reads to the end of its input, then says how many lines it got
cat >"$work/count.sh" <<'EOF'
n=0
while read -r l; do n=$((n + 1)); done
echo "lines read: $n"
EOF
bar() { screen | tail -1; }

tui_open 80x24 "$work/count.sh"
check "the workbench opens at 80x24" wait_for "count.sh"
check "the editor's key bar: run" wait_re 'F5 / Ctrl-R run'
for k in "F6 / Alt-j judge" "Ctrl-S save" "Ctrl-Q quit"; do
	check "the editor's key bar shows $k" sh -c "$(declare -f tm screen bar); TUI_SOCK=$TUI_SOCK; bar | grep -qF '$k'"
done

# ---- help: scrolls, finds, closes with Esc
tm send-keys -t t F1
check "F1 opens the help" wait_for "Esc closes  arrows PgUp PgDn: scroll"
check "its first key is shown" wait_for "run the program (F5 again stops it)"
last_key="close a prompt, drop the selection"
check "its last key is below the window" sh -c "! ( $(declare -f tm screen); TUI_SOCK=$TUI_SOCK; screen | grep -qF '$last_key' )"
tm send-keys -t t NPage
check "PgDn scrolls: the first key is gone" wait_gone "run the program (F5 again stops it)"
check "PgDn keeps the help open" wait_for "Esc closes"
tm send-keys -t t NPage NPage NPage
check "PgDn again reaches the last key" wait_for "$last_key"
tm send-keys -t t PPage PPage PPage PPage
check "PgUp scrolls back to the first" wait_for "run the program (F5 again stops it)"
tm send-keys -t t Down
check "Down scrolls a line" wait_gone "run the program (F5 again stops it)"
tm send-keys -t t Up
check "Up back" wait_for "run the program (F5 again stops it)"
tm send-keys -t t /
check "/ asks what to find" wait_for "find: _"
text "theme"
check "typed text filters the keys" wait_for "choose the colour theme"
check "the keys that do not match are gone" wait_gone "run the program (F5 again stops it)"
tm send-keys -t t Enter
check "Enter keeps the filter" wait_for "1-1 of 1 with 'theme'"
tm send-keys -t t Escape
check "Esc closes the help" wait_gone "Esc closes"
check "the editor is back" wait_for "n=0"
tm send-keys -t t F1
check "the help opens again, whole" wait_for "run the program (F5 again stops it)"
tm send-keys -t t Escape
check "and closes" wait_gone "Esc closes"

# ---- a running program: how to stop it and end its input come first
tm send-keys -t t F5
check "the program runs" wait_for "running" 30
check "the key bar shows Ctrl-C stop" wait_for "Ctrl-C stop"
check "and Ctrl-D end input" wait_for "Ctrl-D end input"
type_lines "one" "two"
tm send-keys -t t C-d
check "Ctrl-D ends its input" wait_for "lines read: 2" 10
check "the run over, the bar no longer offers to stop it" wait_gone "Ctrl-C stop"

# ---- a message too long for the title is cut at a word's end
tm send-keys -t t Escape
tm send-keys -t t F6
msg="no tests for $work/count.sh: n adds one, o opens a test set"
check "F6 without tests says so" wait_for "no tests for"
title_cut_at_word() {
	local line shown
	line=$(screen | head -1 | sed 's/ *$//')
	case $line in *…) ;; *) echo "not cut: $line" >&2; return 1 ;; esac
	shown=${line%…}
	shown=${shown#*count.sh  }
	# a prefix of the message, ending where a word ends
	[ -n "$shown" ] && [ "${msg#"$shown"}" != "$msg" ] &&
		[ "${msg:${#shown}:1}" = " " ] || { echo "cut inside a word: '$shown'" >&2; return 1; }
}
check "the long message is cut at a word's end" title_cut_at_word

# ---- editing a test: the editor's keys in the bar, not the list's
tm send-keys -t t F7
check "the tests view opens" wait_for "tests of"
tm send-keys -t t n
check "n opens the new test's input" wait_for "[input]"
check "the bar shows how to save and go back" wait_for "Esc / Ctrl-S save, back"
check "not the list's keys" sh -c "! ( $(declare -f tm screen bar); TUI_SOCK=$TUI_SOCK; bar | grep -qF 'Space on/off' )"
tm send-keys -t t Escape
check "back in the list, its keys again" wait_for "Space on/off"
tm send-keys -t t Escape C-q
sleep 0.3
screen | grep -q "unsaved changes" && tm send-keys -t t C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10
finish
