#!/bin/bash
# forge-tui on the docker backend (forge-tui --backend docker, or
# backend = docker in the settings file), against a private dockerd: F5
# runs the program in a container whose
# terminal is the output pane. The program sees a terminal on its stdin
# and stdout (its prompt, written without a flush, shows before it
# reads, as a terminal's line-buffered stdout does), what is typed in the
# pane reaches it once, without a second echo, the terminal's size is
# the pane's and follows a resize while it runs, the verdict is shown,
# the history has the run (backend docker, the typed line as its stdin,
# the output as the program wrote it), and no container of the run is
# left in the daemon.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/docker-lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v gcc >/dev/null || skip "gcc is not installed"
docker_start
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-dock
# both: the workbench's tmux server and the private daemon stop
trap 'tm kill-server 2>/dev/null; docker_stop' EXIT

"$TUI" --backend nope x.c >/dev/null 2>"$TEST_TMP/err" </dev/null
eq "--backend with an unknown name: exit 2" 2 $?
check "saying which there are" grep -q "unknown backend 'nope' (registered: ns, docker" "$TEST_TMP/err"
check "--help tells of --backend" bash -c "'$TUI' --help | grep -q -- '--backend NAME'"

prog=$TEST_TMP/ask.c
# what the program prints is made at run time: the editor shows the
# source, where a literal would be found on the screen before it ran
cat >"$prog" <<'C'
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
static void size(const char *what)
{
	struct winsize w = {0};
	ioctl(1, TIOCGWINSZ, &w);
	printf("%s %dx%d\n", what, w.ws_col, w.ws_row);
}
int main(void)
{
	char n[64];
	printf("t%s %d %d\n", "ty", isatty(0), isatty(1));
	printf("%s? ", "name"); /* no flush: a terminal's stdout has lines */
	if (scanf("%63s", n) != 1)
		return 1;
	printf("hi %s\n", n);
	size("first");
	printf("%s? ", "again");
	if (scanf("%63s", n) != 1)
		return 1;
	size("then");
	return 0;
}
C
tm kill-session -t t 2>/dev/null
tm new-session -d -s t -x 100 -y 30 \
	"'$TUI' --backend docker '$prog'; echo TUI-EXITED \$?; sleep 60"
check "the workbench opens on the file" wait_for "ask.c"
check "the title names the docker backend" wait_re "\\] +docker"
tm send-keys -t t F5
check "the program's prompt shows before it reads" wait_for "name?" 60
check "its stdin and stdout are a terminal" wait_for "tty 1 1" 5
tm send-keys -t t -l "Ada"
tm send-keys -t t Enter
check "typed input reached the program" wait_for "hi Ada" 10
check "the typed line is echoed once" \
	bash -c "[ \"\$(tmux -L $TUI_SOCK capture-pane -t t -p | grep -c Ada)\" = 2 ]"
check "the program's terminal has a size" wait_re "first [1-9][0-9]*x[1-9][0-9]*" 5
first=$(screen | grep -o "first [0-9]*x[0-9]*" | head -1)
first=${first#first }
tm resize-window -t t -x 80 -y 24
check "the layout follows a resize while it runs" wait_for "F5 / Ctrl-R run" 5
sleep 1 # the run looks at its terminal's size between two reads
tm send-keys -t t -l "Bob"
tm send-keys -t t Enter
check "the second answer reached it" wait_re "then [0-9]+x[0-9]+" 10
then=$(screen | grep -o "then [0-9]*x[0-9]*" | head -1)
then=${then#then }
check "the program's terminal was resized with the pane ($first, then $then)" \
	test -n "$then" -a "$then" != "$first" -a "$then" != 0x0
check "the verdict is shown" wait_for "verdict OK" 20
check "with the exit code" wait_for "exit code 0" 5

tm send-keys -t t C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10

# the history: the docker backend's run, as the program read and wrote it
id=$("$FORGE" history --json | jq -r '.[0].id')
"$FORGE" export "$id" >"$TEST_TMP/run.json"
check "the history has the run, backend docker, verdict OK" \
	jq -e '.backend == "docker" and .verdict == "OK"' "$TEST_TMP/run.json"
check "its stdin is the typed lines" \
	jq -e '.stdin == "Ada\nBob\n"' "$TEST_TMP/run.json"
check "its output is the program's, without the echo" \
	jq -e '(.stdout | startswith("tty 1 1\nname? hi Ada\nfirst ")) and (.stdout | contains("Ada\nAda") | not)' \
	"$TEST_TMP/run.json"

# backend = docker in the settings does the same
mkdir -p "$XDG_CONFIG_HOME/forge"
printf '[general]\nbackend = docker\n' >"$XDG_CONFIG_HOME/forge/forge-tui.conf"
tui_open 100x30 "$prog"
check "backend = docker in the settings: the title names it" \
	wait_re "\\] +docker"
tm send-keys -t t C-q
check "that workbench quits" wait_for "TUI-EXITED 0" 10

no_left() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(docker_left)" = 0 ] && return 0
		sleep 0.1
	done
	docker ps -a --filter label=forge=1 >&2
	return 1
}
check "no container or volume of the run is left in the daemon" no_left
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
finish
