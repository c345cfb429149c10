#!/bin/bash
# Indentation and error columns in the editor, driven in tmux: Backspace
# in a line's indentation goes back one level (a Python block after
# auto-indent), Shift-Tab without a selection takes the line one level
# out and leaves the focus in the editor, and F4 after a compile error
# puts the cursor on the error's column, not only its line. The saved
# bytes are checked exactly.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-indent
saved() { cat "$1" && printf '|'; }

py=$TEST_TMP/indent.py
: >"$py"
tui_open 100x30 "$py"
check "the editor opens on the file" wait_for "indent.py"

# def f(): / if x: -> two levels of auto-indent; one Backspace is one level
text 'def f(x):'
keys Enter
text 'if x:'
keys Enter
text 'y = 1'
keys Enter BSpace
text 'return y'
check "Backspace after auto-indent went back one level" \
	wait_for "   4      return y"

# Shift-Tab without a selection: the line one level out, focus kept
keys Enter
text 'z = 2'
keys BTab
text '#'
check "Shift-Tab took the line one level out" wait_for "   5  z = 2#"
keys C-s
check "saved" wait_for "saved"
eq "the saved bytes" "$(printf 'def f(x):\n    if x:\n        y = 1\n    return y\nz = 2#|')" \
	"$(saved "$py")"
keys C-q
check "Ctrl-Q quits" wait_for "TUI-EXITED 0" 10

# F4 after a compile error: the error's line and column
c=$TEST_TMP/err.c
printf 'int main(void)\n{\n\treturn 1 + missing;\n}\n' >"$c"
tui_open 100x30 "$c"
check "the editor opens on the C file" wait_for "err.c"
keys F5
check "the compile fails" wait_re "CE|error on line 3" 60
keys F4
check "F4 names the error" wait_re "line 3: .*missing" 10
text 'Q'
check "F4 put the cursor on the error's column" \
	wait_for "   3          return 1 + Qmissing;"
keys C-z C-q
check "Ctrl-Q quits again" wait_for "TUI-EXITED 0" 10
finish
