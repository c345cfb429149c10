#!/bin/bash
# forge run --server at a terminal: what is typed reaches the program as
# it runs (the prompt shows before any key, each answer is taken when
# its line ends, Ctrl-D ends its input), typed text is echoed once, the
# terminal is as it was afterwards, and the local history keeps the
# output with plain line ends. Ctrl-C cancels the job on the server (AB)
# and forge exits 130 with no history row. With stdin piped, stdin is
# sent whole, as before.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang c
. "$FORGE_SRCDIR/tests/serve-lib.sh"
. "$FORGE_SRCDIR/tests/tui-lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"
tui_setup forge-remote-terminal
serve_start -j 1
JOBS=${SERVE_DB%.db}-serve.db
LOCAL=$TEST_TMP/local.db

cat >"$TEST_TMP/ask.c" <<'C'
#include <stdio.h>
int main(void)
{
	char a[64], b[64];

	printf("first? ");
	fflush(stdout);
	if (scanf("%63s", a) != 1)
		return 2;
	printf("second? ");
	fflush(stdout);
	if (scanf("%63s", b) != 1)
		return 2;
	printf("got %s and %s\n", a, b);
	return 0;
}
C
cat >"$TEST_TMP/lines.c" <<'C'
#include <stdio.h>
int main(void)
{
	char l[256];
	int n = 0;

	while (fgets(l, sizeof l, stdin) != NULL)
		n++;
	printf("%d lines\n", n);
	return 0;
}
C
# compiled once beforehand, so that the prompt comes quickly
"$FORGE" run -q --server "$URL" --no-history "$TEST_TMP/ask.c" \
	</dev/null >/dev/null 2>&1
"$FORGE" run -q --server "$URL" --no-history "$TEST_TMP/lines.c" \
	</dev/null >/dev/null 2>&1

# a shell that outlives the program's Ctrl-C (a handler, not an ignore:
# forge gets SIGINT's default), then shows the terminal's modes
run_at_terminal() {
	tm kill-session -t t 2>/dev/null
	tm new-session -d -s t -x 100 -y 20 \
		"trap : INT; '$FORGE' run --server '$URL' --db '$LOCAL' '$1'; echo EXIT=\$?; stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo|isig)' | tr '\n' ' '; echo; sleep 60"
}

run_at_terminal "$TEST_TMP/ask.c"
check "the prompt shows before any key" wait_for "first?" 30
tm send-keys -t t -l "alpha"
check "a typed word is echoed" wait_for "first? alpha" 5
tm send-keys -t t Enter
check "the second prompt comes after the first line" wait_for "second?" 10
tm send-keys -t t -l "beta"
tm send-keys -t t Enter
check "the program's answer" wait_for "got alpha and beta" 20
check "forge's exit status 0" wait_for "EXIT=0" 20
check "the verdict line" bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'forge: OK'"
screen >"$TEST_TMP/screen.txt"
eq "typed text is echoed once" "first? alpha" \
	"$(grep "^first?" "$TEST_TMP/screen.txt" | sed 's/ *$//')"
modes() { tr ' ' '\n' <"$1" | grep -xE -- '-?(icanon|echo|isig)' | sort | tr '\n' ' '; }
eq "the terminal's modes are back" "echo icanon isig " \
	"$(modes "$TEST_TMP/screen.txt")"
"$FORGE" history --db "$LOCAL" --json >"$TEST_TMP/h.json"
eq "one run in the local history" 1 "$(jq length "$TEST_TMP/h.json")"
id=$(jq -r '.[0].id' "$TEST_TMP/h.json")
"$FORGE" show "$id" --db "$LOCAL" --json >"$TEST_TMP/show.json"
eq "its verdict" OK "$(jq -r .verdict "$TEST_TMP/show.json")"
eq "its backend" remote "$(jq -r .backend "$TEST_TMP/show.json")"
eq "its output, as the terminal showed it, with plain line ends" \
	"first? alpha
second? beta
got alpha and beta" "$(jq -r .stdout "$TEST_TMP/show.json")"

# Ctrl-D ends the program's input
run_at_terminal "$TEST_TMP/lines.c"
sleep 2
tm send-keys -t t -l "one"
tm send-keys -t t Enter
tm send-keys -t t -l "two"
tm send-keys -t t Enter
tm send-keys -t t C-d
check "Ctrl-D ends the input" wait_for "2 lines" 20
check "exit status 0" wait_for "EXIT=0" 20

# Ctrl-C: the job is cancelled there, forge ends as a local run does
run_at_terminal "$TEST_TMP/ask.c"
check "the prompt again" wait_for "first?" 30
runs_before=$("$FORGE" history --db "$LOCAL" --json | jq length)
jobs_before=$(sqlite3 "$JOBS" "SELECT count(*) FROM jobs WHERE state = 'cancelled'")
tm send-keys -t t C-c
check "Ctrl-C: exit status 130" wait_for "EXIT=130" 20
eq "the server's job is cancelled" $((jobs_before + 1)) \
	"$(sqlite3 "$JOBS" "SELECT count(*) FROM jobs WHERE state = 'cancelled'")"
eq "its verdict there is AB" AB "$(sqlite3 "$JOBS" \
	"SELECT json_extract(result, '$.verdict') FROM jobs WHERE state = 'cancelled' ORDER BY id DESC LIMIT 1")"
eq "no run is added to the local history" "$runs_before" \
	"$("$FORGE" history --db "$LOCAL" --json | jq length)"
sleep 0.5
screen >"$TEST_TMP/screen.txt"
eq "the terminal's modes are back after Ctrl-C" "echo icanon isig " \
	"$(modes "$TEST_TMP/screen.txt")"
for i in $(seq 1 50); do
	serve_tree | grep -q forge-init || break
	sleep 0.1
done
eq "no sandbox is left on the server" "" "$(serve_tree | grep forge-init)"

# stdin from a pipe: sent whole, no terminal for the program
printf 'x\ny\n' | "$FORGE" run -q --server "$URL" --db "$LOCAL" \
	"$TEST_TMP/ask.c" >"$TEST_TMP/piped.out" 2>&1
eq "piped stdin: exit status 0" 0 $?
eq "piped stdin: the output" "first? second? got x and y" \
	"$(cat "$TEST_TMP/piped.out")"
serve_stop
finish
