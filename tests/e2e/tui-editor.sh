#!/bin/bash
# The editor pane driven in tmux: type a program (auto-indent), go to a
# line, select, copy and paste, search as you type, replace (yes, no, and
# round the end of the file), undo, a bracketed paste from the terminal
# as one undo step without auto-indent, a block indented with Tab, a mouse
# drag that selects; the saved file's bytes are checked exactly.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-editor
# the file as saved, with a visible end
saved() { cat "$prog" && printf '|'; }

prog=$TEST_TMP/edit.c
: >"$prog"
tui_open 100x30 "$prog"
check "the editor opens on the file" wait_for "edit.c"

# auto-indent: a level in after '{', '}' back to its partner's column
text 'int main(void) {'
keys Enter
text 'int x = 1;'
keys Enter
text 'return x;'
keys Enter
text '}'
check "typed with auto-indent" wait_for "   3      return x;"
check "the closing brace went back" wait_for "   4  }"

# go to line 2, select to its end, copy; paste it on a new last line
keys C-g
check "Ctrl-G asks for a line" wait_for "go to line:"
text 2
keys Enter
keys S-End C-c
check "the selection is copied" wait_for "copied 10 bytes"
keys C-End Enter C-v
check "and pasted" wait_for "   5  int x = 1;"

# incremental search: the cursor goes to the match as it is typed
keys C-f
text 'retu'
check "Ctrl-F asks what to find" wait_for "find: retu"
text 'rn'
keys Enter Escape
check "Esc closes the search" wait_gone "find: return"
text 'Q'
check "the cursor was on the match" wait_for "   3      Qreturn x;"
keys C-z
check "undo takes the typing back" wait_for "   3      return x;"

# replace from the cursor, round the end: yes, no, yes
keys 'C-\'
check "Ctrl-\\ asks what to replace" wait_for "replace:"
text x
keys Enter
check "then with what" wait_for "replace with:"
text y
keys Enter
check "then asks for each match" wait_for "replace? y yes"
keys y n y
check "replaced two of three" wait_for "replaced 2"
check "the first after the cursor" wait_for "   3      return y;"
check "one before it, after going round" wait_for "   2      int y = 1;"
check "the skipped one is kept" wait_for "   5  int x = 1;"

# a terminal paste: bracketed, no auto-indent, one undo step
printf 'while (0) {\nbeta();\n}\n' >"$TEST_TMP/paste.txt"
tm load-buffer -b p "$TEST_TMP/paste.txt"
keys C-End Enter
tm paste-buffer -p -b p -t t
check "the paste arrives as typed text" wait_for "   7  beta();"
check "without auto-indent" wait_for "   8  }"
keys C-z
check "one undo takes the whole paste back" wait_gone "beta();"
check "and only the paste" wait_for "   5  int x = 1;"
keys C-y
check "redo puts it back" wait_for "   7  beta();"

# Tab on a selected block indents its lines
keys C-g
text 7
keys Enter S-Down Tab
check "Tab indents the selected line" wait_for "   7      beta();"

# a mouse drag from line 1 column 4 to column 8 selects "main"; typing
# replaces it (xterm's X10 encoding: button, column and row plus 32)
mouse() { printf '\033[M%b%b%b' "\\x$(printf %x $((32 + $1)))" \
	"\\x$(printf %x $((33 + $2)))" "\\x$(printf %x $((33 + $3)))"; }
if [ "$(tm display -p -t t '#{mouse_any_flag}')" = 1 ]; then
	tm send-keys -t t -l "$(mouse 0 10 1)"
	tm send-keys -t t -l "$(mouse 32 14 1)"
	tm send-keys -t t -l "$(mouse 3 14 1)"
	text 'start'
	check "a mouse drag selected the word" wait_for "   1  int start(void) {"
else
	echo "forge-tui did not turn on mouse tracking" >&2
	check "mouse tracking" false
fi

keys C-s
check "Ctrl-S saves" wait_for "saved"
eq "the saved bytes" "$(printf 'int start(void) {\n    int y = 1;\n    return y;\n}\nint x = 1;\nwhile (0) {\n    beta();\n}\n|')" "$(saved)"

keys C-q
check "Ctrl-Q quits" wait_for "TUI-EXITED 0" 10
# the shell's terminal echoes a paste: with the mode left on, the
# markers would show
printf 'after-exit' >"$TEST_TMP/paste2.txt"
tm load-buffer -b q "$TEST_TMP/paste2.txt"
tm paste-buffer -p -b q -t t
check "a paste after the exit arrives" wait_for "after-exit"
check "bracketed paste is off again" wait_gone "200~" 1
finish
