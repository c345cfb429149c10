#!/bin/bash
# forge-tui and the history, driven in tmux: a run made in the workbench
# is recorded like forge run's (output, typed input, samples, timeline);
# the browser (F8, Alt-h) lists it, shows it whole, opens its source as a
# buffer and plays it back in the output pane at its own pace; a history
# of 100,000 runs opens at once; a history that cannot be written costs a
# message, never the run.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang bash
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-hist

DB="$XDG_DATA_HOME/forge/history.db"
# start [ENV=VALUE...] FILE: a workbench on FILE in a new tmux session
start() {
	tui_open 110x32 "$@"
	wait_for "$(basename "${!#}")"
}
quit() {
	tm send-keys -t t C-q
	sleep 0.2
	screen | grep -q "unsaved changes" && tm send-keys -t t C-q
	wait_for "TUI-EXITED 0" 10
}

# a program with output, a pause, and a question
prog=$TEST_TMP/ask.sh
# (split in the source, so the screen shows "first line" and "word>"
# only when the program says them)
cat >"$prog" <<'EOF'
echo "first" "line"
sleep 1.5
read -r -p "wor""d> " w
echo "got $w"
EOF
check "the workbench opens" start "$prog"
tm send-keys -t t F5
check "the program runs" wait_for "word>" 30
# typed with a mistake mended: the history keeps what the program read
tm send-keys -t t -l "xyq"
tm send-keys -t t BSpace
tm send-keys -t t -l "z"
tm send-keys -t t Enter
check "it answers" wait_for "got xyz" 10
check "and ends OK" wait_for "verdict OK" 10
sleep 0.5

# the run is in the history, as forge sees it
"$FORGE" history --json >"$TEST_TMP/h.json" 2>"$TEST_TMP/h.err"
eq "forge history lists the run" 1 "$(jq length "$TEST_TMP/h.json")"
eq "as a run" run "$(jq -r '.[0].kind' "$TEST_TMP/h.json")"
eq "of the buffer's file" "$(realpath "$prog")" "$(jq -r '.[0].file' "$TEST_TMP/h.json")"
eq "with its verdict" OK "$(jq -r '.[0].verdict' "$TEST_TMP/h.json")"
eq "and language" bash "$(jq -r '.[0].language' "$TEST_TMP/h.json")"
id=$(jq -r '.[0].id' "$TEST_TMP/h.json")
"$FORGE" export "$id" >"$TEST_TMP/s.json"
eq "the source is kept" "$(cat "$prog")" "$(jq -r .source "$TEST_TMP/s.json")"
check "the output is kept" jq -e '.stdout | contains("first line") and contains("got xyz")' "$TEST_TMP/s.json"
check "with the program's line ends, not the terminal's" jq -e '.stdout | contains("\r") | not' "$TEST_TMP/s.json"
eq "the typed input is the stdin, as the program read it" "xyz" "$(jq -r .stdin "$TEST_TMP/s.json")"
check "the usage samples are kept" jq -e '.samples | length > 5' "$TEST_TMP/s.json"
eq "the limits are the workbench's" 60000 "$(jq -r .limits.wall_ms "$TEST_TMP/s.json")"
check "the toolchain is named" jq -e '.toolchain | length > 0' "$TEST_TMP/s.json"
# the output timeline: chunks as the pty gave them (a line and its
# \r\n may come in two: the terminal adds the \r as it writes), the
# answer a good while after the first line
check "the output timeline is kept, with its times" jq -e '
	(.output | length > 1) and
	([.output[] | select(.data | contains("got xyz"))][0].t_ms -
	 [.output[] | select(.data | contains("first line"))][0].t_ms >= 1000) and
	([.output[].data] | add | contains("first line\r\n"))' "$TEST_TMP/s.json"
# forge replay --play prints the recorded output
"$FORGE" replay --play "$id" >"$TEST_TMP/play.out" 2>/dev/null
check "forge replay --play plays it" grep -q "got xyz" "$TEST_TMP/play.out"

# a run of another file, so "all files" has more to show
other=$TEST_TMP/other.sh
echo 'echo other; exit 3' >"$other"
"$FORGE" run -q "$other" >/dev/null 2>&1 </dev/null

# the browser: this file's runs
tm send-keys -t t F8
check "F8 opens the browser on this file" wait_for "history: ask.sh"
check "with its columns" wait_for "language"
check "the run is listed" wait_for "ask.sh"
screen | grep -E "^ +$id .*ask\.sh +bash +OK" >/dev/null
check "with id, file, language and verdict" test $? -eq 0
check "but not the other file's" sh -c "! tmux -L $TUI_SOCK capture-pane -t t -p | grep -q other.sh"
tm send-keys -t t a
check "a: every file's runs" wait_for "other.sh"
check "newest first" sh -c "tmux -L $TUI_SOCK capture-pane -t t -p | sed -n '4,\$p' | grep -e other.sh -e ask.sh | head -1 | grep -q other.sh"
tm send-keys -t t v
check "v: by verdict, OK first" wait_for "verdict: OK"
check "the RE run is filtered out" sh -c "! tmux -L $TUI_SOCK capture-pane -t t -p | grep -q other.sh"
tm send-keys -t t c a
check "c clears the filters, a goes back to this file" wait_for "history: ask.sh   verdict: any"

tm send-keys -t t Enter
check "Enter shows the run" wait_for "-- source --"
check "its measurements" wait_for "limits: cpu 2.00s, wall 60.00s"
check "its output" wait_for "got xyz"
check "its stdin" wait_for "-- stdin --"
tm send-keys -t t Escape
check "Esc: back to the list" wait_for "history: ask.sh"

# playback: the output pane is cleared, then the output comes back at
# the pace it came
tm send-keys -t t p
check "p plays the run back" wait_for "playing back run $id"
check "the output pane starts over" sh -c "! (tmux -L $TUI_SOCK capture-pane -t t -p | sed -n 2,16p | cut -c62- | grep -q 'got xyz')"
check "its first line comes" wait_for "first line" 5
check "then, later, the rest" wait_for "got xyz" 10
check "and the verdict" wait_for "played back run $id" 10
check "in the stats pane" wait_for "verdict OK" 5
# Alt-h is F8's twin; Esc stops a playback
tm send-keys -t t M-h
check "Alt-h opens the browser" wait_for "history: ask.sh"
tm send-keys -t t p
check "a second playback" wait_for "playing back run $id"
tm send-keys -t t Escape
check "Esc stops it" wait_for "stopped the playback of run $id"
sleep 2
check "and nothing more is played" sh -c "! (tmux -L $TUI_SOCK capture-pane -t t -p | sed -n 2,16p | cut -c62- | grep -q 'got xyz')"

# o: the run's source as a new buffer
tm send-keys -t t F8
wait_for "history: ask.sh" >/dev/null
tm send-keys -t t o
check "o opens the source as a buffer named after the run" wait_for "ask-run$id.sh *"
check "holding the source" wait_for 'read -r -p "wor""d> " w'
check "not saved anywhere yet" test ! -e "$TEST_TMP/ask-run$id.sh"
# r: run it again, from its source, with its limits and input (from ask.sh's
# buffer, the first)
tm send-keys -t t M-1
check "Alt-1: back to the first buffer" wait_for "buffer 1 of 2"
tm send-keys -t t F8
wait_for "history: ask.sh" >/dev/null
tm send-keys -t t r
check "r runs the run again" wait_for "first line" 30
check "it asks again" wait_for "word>" 10
# given what was typed the first time, as the program read it
check "and answers the recorded input" wait_for "got xyz" 10
check "to the end" wait_for "verdict OK" 10
check "the workbench quits" quit

# 100,000 runs: the browser opens at once and pages through them
sqlite3 "$DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO runs (created, kind, file, language, source, source_hash, limits,
  verdict, time_ms, wall_ms, memory_kb, stdout)
SELECT 1e9 + i, 'run', '/elsewhere/p' || (i % 100) || '.c', 'c',
  randomblob(200), 'h', limits, CASE WHEN i % 7 = 0 THEN 'WA' ELSE 'OK' END,
  i % 1000, i % 1000, 1024, randomblob(400)
FROM n, (SELECT limits FROM runs WHERE id = $id)"
check "the big history is made" test "$(sqlite3 "$DB" 'SELECT count(*) FROM runs')" -gt 100000
check "a workbench on it" start "$prog"
t0=$(date +%s%N)
tm send-keys -t t F8
check "the browser shows this file's run" wait_for "history: ask.sh" 5
check "found among 100,000" wait_for " bash " 5
ms=$((($(date +%s%N) - t0) / 1000000))
echo "info: the browser showed a run among 100,000 in ${ms} ms"
tm send-keys -t t a
check "all files: the newest first" wait_for "p0.c" 5
for _ in $(seq 12); do tm send-keys -t t NPage; done
check "paging down reads further windows" wait_for "p" 5
sleep 0.5
deep=$(screen | sed -n '4,$p' | grep -oE '^ +[0-9]+ ' | head -1 | tr -d ' ')
check "a dozen pages down is past the first window ($deep)" test "${deep:-0}" -lt 99780
tm send-keys -t t Home
check "Home comes back to the newest" wait_for " ask.sh " 5
tm send-keys -t t v v v
check "a verdict filter on 100,000 runs" wait_for "verdict: WA" 5
check "lists the WA runs" wait_for " WA " 5
check "the workbench quits" quit

# a history that cannot be written: the run still happens, a message says
# why it was not kept
echo "not a database" >"$TEST_TMP/bad.db"
dd if=/dev/urandom bs=1k count=8 2>/dev/null >>"$TEST_TMP/bad.db"
check "a workbench on a corrupt history" start "FORGE_HISTORY=$TEST_TMP/bad.db" "$prog"
tm send-keys -t t F5
check "the run happens" wait_for "word>" 30
tm send-keys -t t -l "ok"
tm send-keys -t t Enter
check "to its end" wait_for "got ok" 10
check "a message says the run was not saved" wait_for "not saved to the history" 10
tm send-keys -t t F8
check "the browser says the history cannot be read" wait_for "the history cannot be read" 5
tm send-keys -t t Escape
sleep 0.3 # (Esc and a key at once would be Alt and that key)
check "that workbench quits" quit
touch "$TEST_TMP/file"
check "a workbench whose history cannot be made" start "FORGE_HISTORY=$TEST_TMP/file/history.db" "$prog"
tm send-keys -t t F5
check "the run happens" wait_for "word>" 30
tm send-keys -t t Enter
check "to its end" wait_for "got " 10
check "a message says the run was not saved" wait_for "not saved to the history" 10
check "that workbench quits" quit

finish
