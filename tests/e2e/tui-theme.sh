#!/bin/bash
# Themes and the settings file, in forge-tui driven through tmux: F9
# opens the chooser, moving in it shows each theme at once, Enter keeps
# one in the settings file (only its theme line changes) and the next
# start shows it; Esc goes back; NO_COLOR and an 8-colour terminal; a
# broken settings file is reported with its line and the workbench
# still works.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-thm

# the screen with its colours and attributes as escape sequences
colours() { tm capture-pane -t t -e -p; }
# title_has SGR: the title bar (row 1) is drawn with that escape
title_has() {
	local i
	for ((i = 0; i < 30; i++)); do
		colours | head -1 | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	echo "--- the title bar, without '$1':" >&2
	colours | head -1 | cat -v >&2
	return 1
}
title_lacks() { ! colours | head -1 | grep -qF -- "$1"; }
# start [ENV=VALUE...]: a new workbench on $prog
start() {
	sleep 0.2
	tui_open 150x30 TERM=xterm-256color "$@" "$prog"
	wait_for "prog.c" 10
}
quit() {
	tm send-keys -t t C-q
	wait_for "TUI-EXITED 0" 10
}

prog=$TEST_TMP/prog.c
conf=$XDG_CONFIG_HOME/forge/forge-tui.conf
printf 'int main(void) { return 0; }\n' >"$prog"
mkdir -p "$(dirname "$conf")"
cat >"$conf" <<'CONF'
# my settings: keep this comment
[limits]
time = 3
CONF

# dark is the default: the title bar is black on cyan
check "the workbench opens" start
check "dark by default: black on cyan" title_has $'\e[30m\e[46m'
tm send-keys -t t F9
check "F9 opens the chooser" wait_for "themes (256 colours)"
check "it lists the installed themes" wait_for "high-contrast"
check "with their descriptions" wait_for "dark text on a light terminal"
check "and a sample of every element" wait_for "expected 42 actual 43"
tm send-keys -t t Down Down
# light's title is black on #afd7ff: 153 of the 256
check "moving to light shows it at once" title_has $'\e[48;5;153m'
tm send-keys -t t Enter
check "Enter keeps it" wait_for "theme light (kept in"
check "the settings file says so" grep -qx "theme = light" "$conf"
check "its comment is kept" grep -qx "# my settings: keep this comment" "$conf"
check "and its limits" grep -qx "time = 3" "$conf"
eq "nothing else changed" "# my settings: keep this comment
[limits]
time = 3

[general]
theme = light" "$(cat "$conf")"
check "the workbench quits" quit

check "the next start" start
check "shows light from the start" title_has $'\e[48;5;153m'
# Esc goes back to the theme before, and the file is not touched
tm send-keys -t t M-c
check "Alt-c opens the chooser too" wait_for "themes (256 colours)"
tm send-keys -t t Down
check "moving to monochrome shows it: reversed title" title_has $'\e[7m'
tm send-keys -t t Escape
check "Esc closes the chooser" title_has $'\e[48;5;153m'
check "the file still says light" grep -qx "theme = light" "$conf"
check "it quits" quit

# an 8-colour terminal: #afd7ff becomes the nearest of the eight, white
check "on an 8-colour terminal" start TERM=xterm
check "light's title is black on white" title_has $'\e[30m\e[47m'
check "it quits" quit

# NO_COLOR: attributes only, whatever the theme
check "with NO_COLOR" start NO_COLOR=1
check "the title is reversed" title_has $'\e[7m'
check "and has no colour" title_lacks $'\e[4'
check "it quits" quit

# a broken settings file: its line in the title bar, the rest applies
cat >"$conf" <<'CONF'
[general]
theme = light
[editor]
tab_width = lots
CONF
check "a broken settings file" start
check "is reported with its line" wait_for "forge-tui.conf:4: tab_width: 'lots'"
check "the good lines apply" title_has $'\e[48;5;153m'
tm send-keys -t t -l "/* still works */"
check "and the editor works" wait_for "/* still works */"
tm send-keys -t t C-q
tm send-keys -t t C-q
check "and quits" wait_for "TUI-EXITED 0" 10

# a theme that is not there: reported, the built-in one is shown
printf '[general]\ntheme = nowhere\n' >"$conf"
check "an unknown theme" start
check "is reported" wait_for "no theme called 'nowhere'"
check "and dark is shown" title_has $'\e[30m\e[46m'
check "it quits" quit

# a key bound in [keys] does its action
printf '[keys]\ntheme = F12\n' >"$conf"
check "a bound key" start
tm send-keys -t t F12
check "opens the chooser" wait_for "themes (256 colours)"
tm send-keys -t t Escape
check "it quits" quit

# editor options: no line numbers, no auto-indent
printf '[editor]\nline_numbers = no\nauto_indent = off\n' >"$conf"
: >"$prog"
check "editor options" start
tm send-keys -t t -l "int main(void) {"
tm send-keys -t t Enter
tm send-keys -t t -l "x"
check "are applied" wait_for "int main(void) {"
check "no line numbers" sh -c "tmux -L $TUI_SOCK capture-pane -t t -p | grep -q '^int main(void) {'"
tm send-keys -t t C-s
check "saved" wait_for "saved $prog"
eq "no indentation was added" "$(printf 'int main(void) {\nx')" "$(cat "$prog")"
check "it quits" quit
finish
