#!/bin/bash
# forge-tui driven in tmux as a person would: type a program, run it,
# answer its question in the output pane, see the verdict and the stats,
# save, stop a runaway program, quit; the terminal comes back.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-main

# bad arguments: one line, exit 2; --help: the keys, exit 0
for args in "" "a b" "-x"; do
	"$TUI" $args >/dev/null 2>"$TEST_TMP/err" </dev/null
	eq "forge-tui $args: exit 2" 2 $?
	eq "forge-tui $args: one line" 1 "$(wc -l <"$TEST_TMP/err")"
done
"$TUI" --help >"$TEST_TMP/help"
eq "--help: exit 0" 0 $?
check "--help lists the keys" grep -q "F5 / Ctrl-R" "$TEST_TMP/help"
"$TUI" "$TEST_TMP/x.c" </dev/null >/dev/null 2>"$TEST_TMP/err"
eq "without a terminal: exit 2" 2 $?
check "saying so" grep -q "needs a terminal" "$TEST_TMP/err"

prog=$TEST_TMP/greet.c
: >"$prog" # empty, not new: a new file would start as the C template
tui_open 100x30 "$prog"
check "the workbench opens on the file" wait_for "greet.c"
check "it names the language" wait_for "C (GCC)"
check "the key bar shows the run key" wait_for "F5 / Ctrl-R run"
tm send-keys -t t F1
check "F1 lists every key" wait_for "in the output, while running: stop the program"
tm send-keys -t t Escape
check "Esc closes the help" wait_gone "Esc closes"
tm send-keys -t t F10
check "F10 opens the limits form" wait_for "Limits of the next run"
tm send-keys -t t Down Down Enter BSpace BSpace BSpace BSpace
tm send-keys -t t -l "12XB"
tm send-keys -t t Enter
check "a bad size is refused with the reason" wait_for "memory: " 5
tm send-keys -t t Enter BSpace BSpace BSpace BSpace BSpace BSpace
tm send-keys -t t -l "96M"
tm send-keys -t t Enter
check "a good one is taken" wait_for "memory: 96M" 5
tm send-keys -t t Escape
check "Esc goes back to the panes" wait_gone "Limits of the next run" 5
type_lines '#include <stdio.h>' 'int main(void) {' \
	'char n[32];' 'printf("na%s? ", "me");' 'fflush(stdout);' \
	'if (scanf("%31s", n) != 1)' 'return 1;' 'printf("hi %s\n", n);' \
	'return 0;' '}'
check "the typed program is in the editor" wait_for 'printf("hi %s\n", n);'
check "the buffer is marked modified" wait_for "greet.c *"
tm send-keys -t t F5
# (the source says "na%s? ": only the program's output says "name?")
check "the program runs on the output pane's terminal" wait_for "name?" 30
tm send-keys -t t -l "Ada"
tm send-keys -t t Enter
check "typed input reached the program" wait_for "hi Ada" 10
check "the verdict is shown" wait_for "verdict OK" 10
check "with the exit code" wait_for "exit code 0" 5
check "the stats pane shows the memory limit set in the form" wait_for "/96M" 5

tm send-keys -t t C-s
check "Ctrl-S saves" wait_for "saved $prog" 5
check "the file holds what was typed" grep -q 'printf("hi %s\\n", n)' "$prog"

# editing after the save, then undoing it, comes back to the saved text
tm send-keys -t t -l "xyz"
check "a change marks the buffer again" wait_for "greet.c *" 5
tm send-keys -t t C-z
check "undo brings the saved text back" wait_for "greet.c  [" 5

# quit: the terminal is given back and forge-tui exits 0
tm send-keys -t t C-q
sleep 0.3
if screen | grep -q "unsaved changes"; then
	tm send-keys -t t C-q
fi
check "Ctrl-Q quits, exit status 0" wait_for "TUI-EXITED 0" 10
# the run's keeper and init are forge-tui processes too
# (this test's ones: other workbenches may run on this machine)
ours() { tui_pids; }
no_tui_left() {
	local i
	for ((i = 0; i < 30; i++)); do
		[ -z "$(ours)" ] && return 0
		sleep 0.1
	done
	ours | xargs -r ps -o pid,args -p >&2
	return 1
}
check "no process of the workbench is left" no_tui_left

# a compile error is shown in the output pane
bad=$TEST_TMP/bad.c
printf 'int main(void) { return nope; }\n' >"$bad"
tui_open 100x30 "$bad"
check "a second file opens" wait_for "bad.c"
tm send-keys -t t F5
check "CE is the verdict" wait_for "verdict CE" 30
check "the compiler's message is in the output pane" wait_for "nope" 5
check "the error's line is found" wait_for "error on line 1: F4 goes there" 5
tm send-keys -t t Escape Tab
check "Alt-Tab moves the focus to the output" wait_for "[output]" 5
tm send-keys -t t F11
check "F11 zooms the output to the whole screen" wait_gone "   1  int main" 5
tm send-keys -t t F11
check "and back" wait_for "   1  int main" 5
tm send-keys -t t Enter
check "Enter on the output goes to the error's line" wait_for "line 1: main.c:1:25: error" 5

# colours reach the output pane (a shell script asking a question)
col=$TEST_TMP/col.sh
printf 'printf "\\033[31mred\\033[0m plain\\n"\nread -r -p "answer: " a\necho "got $a"\n' >"$col"
tm send-keys -t t C-q
check "the compile-error workbench quits" wait_for "TUI-EXITED 0" 10
tui_open 100x30 TERM=xterm-256color "$col"
check "the script opens" wait_for "col.sh"
tm send-keys -t t F5
check "it prints and asks (the source has no 'red plain')" wait_for "red plain" 30
has_red() { tm capture-pane -t t -e -p | grep -q $'\e\[31m' || { tm capture-pane -t t -e -p | cat -v | sed -n 1,4p >&2; return 1; }; }
check "red is drawn red" has_red
tm send-keys -t t -l "yes"
tm send-keys -t t Enter
check "the answer reached it" wait_for "got yes" 10

# a program that never ends is stopped by F5
spin=$TEST_TMP/spin.py
printf 'while True:\n    pass\n' >"$spin"
tm send-keys -t t C-q
check "the second workbench quits" wait_for "TUI-EXITED 0" 10
tui_open 100x30 "$spin"
check "the spinning program opens" wait_for "spin.py"
tm send-keys -t t F5
check "it is running" wait_for "running" 30
tm resize-window -t t -x 80 -y 24
check "the layout follows a resize while it runs" wait_for "F5 / Ctrl-R run" 5
check "the stats pane is still there" wait_for "running" 5
tm send-keys -t t F5
check "F5 stops it" wait_for "stopped" 10
tm send-keys -t t C-q
check "and the workbench quits" wait_for "TUI-EXITED 0" 10

# a flood on the terminal is stopped at the output limit: OLE
flood=$TEST_TMP/flood.sh
printf 'while :; do echo "flooding the terminal with a long line of text"; done\n' >"$flood"
tui_open 100x30 "$flood"
check "the flood opens" wait_for "flood.sh"
tm send-keys -t t F10
check "the limits form opens" wait_for "Limits of the next run"
tm send-keys -t t Down Down Down Down Enter BSpace BSpace BSpace
tm send-keys -t t -l "1M"
tm send-keys -t t Enter Escape
check "the output limit is set" wait_for "output: 1M" 5
tm send-keys -t t F5
check "the flood ends as OLE" wait_for "verdict OLE" 30
check "with the limit named" wait_for "output limit 1M exceeded" 5
tm send-keys -t t C-q
check "the flood's workbench quits" wait_for "TUI-EXITED 0" 10

# unsaved work survives a kill: the next start offers it back
# .txt: no language, so no template under the typing
keep=$TEST_TMP/keep.txt
tui_open 140x30 "$keep"
check "a new file opens" wait_for "keep.txt"
tm send-keys -t t -l 'print("precious work")'
check "typed, not saved" wait_for 'keep.txt *'
sleep 1.5 # the recovery file is at most a second old
ours | xargs -r kill -KILL
check "killed: the file was never saved" test ! -e "$keep"
sleep 0.3
tui_open 140x30 "$keep"
check "the next start offers the unsaved work" wait_for "r restores it" 10
check "showing how it begins" wait_for '│   print("precious work")' 5
tm send-keys -t t -l "xyz"
check "other keys do not answer it, nor type" wait_for "r restores it" 5
check "(nothing typed)" sh -c "! tmux -L $TUI_SOCK capture-pane -t t -p | grep -q xyz"
tm send-keys -t t r
check "r brings it back" wait_for 'print("precious work")' 5
check "still to be saved" wait_for 'keep.txt *' 5
tm send-keys -t t C-s
check "saved" wait_for "saved $keep" 5
eq "the file holds the work" 'print("precious work")' "$(cat "$keep" 2>/dev/null)"
# a closed terminal (SIGHUP) keeps the work at once
tm send-keys -t t -l '# more'
check "more typed" wait_for "# more" 5
ours | xargs -r kill -HUP
check "SIGHUP: forge-tui exits cleanly" wait_for "TUI-EXITED 0" 10
check "and the work is kept" grep -rq "# more" "$XDG_DATA_HOME/forge/recovery"

# d sets the offered work aside: nothing typed is lost
tui_open 140x30 "$keep"
check "the kept work is offered" wait_for "r restores it" 10
tm send-keys -t t d
check "d sets it aside" wait_for ".discarded" 5
check "where it is kept" sh -c "grep -lq '# more' '$XDG_DATA_HOME'/forge/recovery/*.discarded"
check "and no longer offered" test -z "$(find "$XDG_DATA_HOME/forge/recovery" -type f ! -name '*.discarded')"
tm send-keys -t t C-q

# the terminal comes back however forge-tui ends: its alternate screen
# and mouse reporting are turned off (bracketed paste: tui-editor.sh)
term_state() { tm display -p -t t '#{alternate_on} #{mouse_any_flag}'; }
for sig in TERM SEGV ABRT; do
	tui_open 100x30 "$keep"
	check "SIG$sig: a workbench" wait_for "keep.txt"
	eq "SIG$sig: it has the alternate screen and the mouse" "1 1" "$(term_state)"
	ours | head -1 | xargs -r kill -"$sig"
	check "SIG$sig: it ends" wait_for "TUI-EXITED" 10
	eq "SIG$sig: the terminal is given back" "0 0" "$(term_state)"
done
finish
