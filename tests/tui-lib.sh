# Helpers for the tests that drive forge-tui in tmux, after tests/lib.sh:
#   tui_setup NAME   the workbench under a process name of this test's own
#                    (so tests side by side never count or signal each
#                    other's), a tmux server of its own, and a session that
#                    outlives the test's ones (killing the last session
#                    would stop the server while the next one starts)
#   tm ARGS          tmux on that server
#   screen           the session t's screen as text
#   wait_for TEXT [S] / wait_re REGEX [S] / wait_gone TEXT [S]
#                    until the screen shows it (or no longer does),
#                    10 seconds unless told; the screen when it fails
#   keys K...        tmux key names, sent one by one
#   text STRING      typed literally (a trailing ';' escaped from tmux)
#   type_lines L...  each line typed literally, then Enter
#   tui_open COLSxROWS [VAR=VALUE...] FILE
#                    a workbench on FILE in session t (replacing the one
#                    there), its exit status shown as TUI-EXITED N

tui_setup() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	TUI=${FORGE_TUI:-$(dirname "$FORGE")/forge-tui}
	[ -x "$TUI" ] || skip "no forge-tui next to $FORGE"
	cp "$TUI" "$TEST_TMP/$1"
	TUI=$TEST_TMP/$1
	TUI_NAME=$1
	export TMUX_TMPDIR=$TEST_TMP
	TUI_SOCK=$1
	trap 'tm kill-server 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
	tm new-session -d -s keep "sleep 3600"
}

tm() { tmux -L "$TUI_SOCK" "$@"; }
screen() { tm capture-pane -t t -p; }

wait_re() {
	local i
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	echo "--- the screen, without '$1':" >&2
	screen >&2
	return 1
}
wait_for() {
	wait_re "$(printf '%s' "$1" | sed 's/[][\.*^$()+?{}|]/\\&/g')" \
		"${2:-10}"
}
wait_gone() {
	local i
	for ((i = 0; i < ${2:-5} * 10; i++)); do
		screen | grep -qF -- "$1" || return 0
		sleep 0.1
	done
	echo "--- the screen, still with '$1':" >&2
	screen >&2
	return 1
}

keys() { tm send-keys -t t "$@"; }
# key_until KEY TEXT: KEY, again each second until TEXT shows (20 s at
# most): for a key a view refuses while its last command is still
# ending (its output may all be on the screen a moment before the
# command exits, longer in a sanitized build)
key_until() {
	local i
	for ((i = 0; i < 20; i++)); do
		keys "$1"
		wait_for "$2" 1 2>/dev/null && return 0
	done
	echo "--- the screen, without '$2':" >&2
	screen >&2
	return 1
}
# (tmux would take a trailing ';' for a command separator: escaped)
text() {
	local l=$1
	[[ $l == *\; ]] && l="${l%;}\\;"
	tm send-keys -t t -l "$l"
}
type_lines() {
	local l
	for l in "$@"; do
		text "$l"
		tm send-keys -t t Enter
	done
}

tui_open() {
	local size=$1 file=${!#} env=("${@:2:$#-2}")
	tm kill-session -t t 2>/dev/null
	tm new-session -d -s t -x "${size%x*}" -y "${size#*x}" \
		"${env[*]} '$TUI' '$file'; echo TUI-EXITED \$?; sleep 60"
}

# this test's workbench processes (the sandbox's keeper and init are
# copies of it too): those of its own copy, so that the same test run
# from another checkout at the same time is not counted
tui_pids() {
	local p found=1
	for p in $(pgrep -x "$TUI_NAME"); do
		if [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$TUI" ]; then
			echo "$p"
			found=0
		fi
	done
	return $found
}
