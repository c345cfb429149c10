#!/bin/bash
# forge-tui's lab view for a teacher, at 80x24 in tmux against a lab
# server: s lists the submissions to the chosen problem (everyone's);
# Enter opens one, read-only (who, its verdict, its source, each test's
# verdict); m marks one and d diffs it against another (the changed
# line, - and +); p replays one (its output, the usage timeline's rows,
# the verdict then and now; t on a test named in the key bar); a lists
# every problem's, w one student's. PgDn scrolls what is shown. The keys
# are in the key bar and the help.
# A student's lab view lists their own submissions only: another
# student's never reaches their screen. No buffer is touched, nothing is
# left running.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang python3
command -v jq >/dev/null || skip "jq is not installed"
[ -x "$(dirname "$FORGE")/forge-full" ] ||
	skip "forge-full was not built (configure found no libcurl)"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
. "$FORGE_SRCDIR/tests/tui-lib.sh"
tui_setup forge-tui-labt
trap 'tm kill-server 2>/dev/null; serve_stop KILL; rm -rf "$TEST_TMP"' EXIT

P=$TEST_TMP/mul
mkdir -p "$P/data/sample" "$P/data/secret"
printf 'name: Multiply\n' >"$P/problem.yaml"
printf '2 3\n' >"$P/data/sample/1.in"
printf '6\n' >"$P/data/sample/1.ans"
printf '7 8\n' >"$P/data/secret/1.in"
printf '56\n' >"$P/data/secret/1.ans"
H=$TEST_TMP/hello
mkdir -p "$H/data/sample"
printf 'name: Hello\n' >"$H/problem.yaml"
: >"$H/data/sample/1.in"
printf 'hello\n' >"$H/data/sample/1.ans"
teacher=$("$FORGE" token add teacher --db "$SERVE_DB")
ann=$("$FORGE" token add ann --role student --db "$SERVE_DB")
bob=$("$FORGE" token add bob --role student --db "$SERVE_DB")
serve_start -j 1
export FORGE_SERVER=$URL
FORGE_TOKEN=$teacher "$FORGE" lab add "$P" >/dev/null
FORGE_TOKEN=$teacher "$FORGE" lab add "$H" >/dev/null
FORGE_TOKEN=$teacher "$FORGE" lab set week --open now --close now+1h \
	mul hello >/dev/null

S=$TEST_TMP/src
mkdir -p "$S"
# ann's first try is right on small numbers only (the sample AC, the
# secret WA), and takes a while so that its usage is
# sampled; her second multiplies (AC); bob's has a line of his own
cat >"$S/add.py" <<'PY'
import time
a, b = map(int, input().split())
x = [0] * 2000000
t = time.time()
while time.time() - t < 0.4:
    pass
print(a * b if a < 5 else a + b)
PY
cat >"$S/mul.py" <<'PY'
import time
a, b = map(int, input().split())
x = [0] * 2000000
t = time.time()
while time.time() - t < 0.4:
    pass
print(a * b)
PY
printf '# bob-was-here\nimport math\na, b = map(int, input().split())\nprint(math.prod([a, b]))\n' >"$S/bob.py"
FORGE_TOKEN=$ann "$FORGE" submit mul "$S/add.py" --json >"$TEST_TMP/s1.json" || true
FORGE_TOKEN=$ann "$FORGE" submit mul "$S/mul.py" --json >"$TEST_TMP/s2.json" || true
FORGE_TOKEN=$bob "$FORGE" submit mul "$S/bob.py" --json >"$TEST_TMP/s3.json" || true
eq "the submissions are judged: WA, AC, AC" "WA AC AC" \
	"$(jq -r .verdict "$TEST_TMP/s1.json" "$TEST_TMP/s2.json" \
		"$TEST_TMP/s3.json" | xargs)"
s1=$(jq -r .id "$TEST_TMP/s1.json")
s2=$(jq -r .id "$TEST_TMP/s2.json")
s3=$(jq -r .id "$TEST_TMP/s3.json")
printf 'print("hello")\n' >"$S/hello.py"
FORGE_TOKEN=$ann "$FORGE" submit hello "$S/hello.py" --json >"$TEST_TMP/s4.json" || true
eq "and one to hello, AC" AC "$(jq -r .verdict "$TEST_TMP/s4.json")"
s4=$(jq -r .id "$TEST_TMP/s4.json")

work=$TEST_TMP/work
mkdir -p "$work"
printf 'print(0)\n' >"$work/mul.py"
path="PATH=$(dirname "$FORGE"):$PATH"
unscreen() { ! screen | grep -qF -- "$1"; }

# ---- the teacher ----------------------------------------------------------
tui_open 80x24 "FORGE_SERVER=$URL" "FORGE_TOKEN=$teacher" "$path" \
	"$work/mul.py"
wait_for "print(0)"
keys M-u
wait_for "2 open problems"
check "the key bar offers the submissions" wait_re "s subs"
check "s: the submissions to mul, three" key_until s "3 submissions"
check "bob's is listed" wait_re "^ +$s3 +bob +mul +AC "
check "ann's first, WA" wait_re "^ +$s1 +ann +mul +WA "
check "the key bar: open, mark, diff, replay" \
	wait_re "Enter open +m mark +d diff +p replay"
# newest first: bob's, ann's second, ann's first
keys Down Down
check "Enter: ann's first submission opened" \
	key_until Enter "submission $s1: mul by ann, python3"
check "marked read-only, not the user's file" wait_for "read-only, not your file"
check "its source on screen" wait_re "^ +print\(a \* b if a < 5 else a \+ b\) *$"
check "the sample's verdict" wait_re "^ +sample/1 +AC "
keys NPage
check "PgDn: the rest, the secret test's verdict" wait_re "^ +secret/1 +WA "
check "the editor's buffer is not it" grep -qx 'print(0)' "$work/mul.py"
# mark it, choose ann's second, diff
keys m
check "m: marked" wait_re "^ +\* +$s1 +ann"
keys Up
check "d: the diff's head" key_until d "--- $s1 (mul by ann: WA)"
check "the line removed" wait_re "^ +-print\(a \* b if a < 5 else a \+ b\) *$"
check "the line added" wait_re "^ +\+print\(a \* b\) *$"
check "a line both have" wait_re "^ +  a, b = map"
check "the test whose verdict changed" wait_for "test secret/1: WA -> AC"
# replay ann's first: its first failed test
keys Down
check "p: the replay begun" key_until p "submission $s1 replayed:"
check "p: the verdict then and now" \
	wait_for "submission $s1, test secret/1: judged WA, now WA" 60
check "the replay's output (7 + 8)" wait_re "^ +15 *$"
check "the usage timeline's head" wait_re "^ +TIME +CPU +MEMORY +PIDS *$"
check "a row of it" wait_re "^ +[0-9.]+s +[0-9.]+s +[0-9.]+[KMG] +[0-9]+ *$"
check "it reproduced" wait_for "forge: reproduced;"
check "t: the test asked in the key bar" \
	key_until t "replay submission $s1 on the test"
text "sample/1"
keys Enter
check "replayed on the test named" \
	wait_for "submission $s1, test sample/1: judged AC, now AC" 60
check "its output (2 * 3)" wait_re "^ +6 *$"
check "a: the submissions to every problem" key_until a "4 submissions"
check "ann's to hello among them" wait_re "^ +$s4 +ann +hello +AC "
check "s: the chosen problem's again" key_until s "3 submissions"
check "hello's is not among them" unscreen " hello "
# newest first: bob's is chosen; w shows his only, then everyone's
keys w
check "w: the chosen student's only" wait_for "1 submission by bob"
check "ann's are not shown then" unscreen " ann "
keys w
check "w again: everyone's" wait_for "3 submissions:"
keys F1
wait_for "Esc closes"
keys /
text "replay"
check "the help names the submissions' keys" wait_re " p +replay its first failed"
keys Enter Escape
check "the help closes" wait_gone "Esc closes"
keys Escape
check "Esc: back to the problems" wait_for "2 open problems"
keys Escape
check "Esc again: back to the panes" wait_gone "2 open problems"
keys C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10
check "the file is untouched" grep -qx 'print(0)' "$work/mul.py"

# ---- a student --------------------------------------------------------------
# the view's forge is the one in PATH (none is beside this test's copy of
# forge-tui): a forge there that keeps what the view receives
mkdir -p "$TEST_TMP/spy"
cat >"$TEST_TMP/spy/forge" <<EOF
#!/bin/bash
"$FORGE" "\$@" 2>&1 | tee -a "$TEST_TMP/received"
exit "\${PIPESTATUS[0]}"
EOF
chmod +x "$TEST_TMP/spy/forge"
: >"$TEST_TMP/received"
tui_open 80x24 "FORGE_SERVER=$URL" "FORGE_TOKEN=$ann" \
	"PATH=$TEST_TMP/spy:$PATH" "$work/mul.py"
wait_for "print(0)"
keys M-u
wait_for "2 open problems"
check "a student: her own two submissions" key_until s "2 submissions"
check "hers are there" wait_re "^ +$s1 +ann "
check "bob's is not listed" unscreen " bob "
check "she opens her own" key_until Enter "submission $s2: mul by ann"
check "bob's source never reached her screen" unscreen "bob-was-here"
keys Down Down
check "the list ends at her own: her first opened" \
	key_until Enter "submission $s1: mul by ann"
check "still nothing of bob's" unscreen "bob-was-here"
check "a: her own to every problem, three" key_until a "3 submissions"
check "the view received her submissions (the control)" \
	grep -q '"student": *"ann"' "$TEST_TMP/received"
check "and her source" grep -qx 'print(a \* b)' "$TEST_TMP/received"
check "it received nothing of bob's: not his submission" \
	sh -c "! grep -q '\"student\": *\"bob\"' '$TEST_TMP/received'"
check "nor his source" sh -c "! grep -q 'bob-was-here' '$TEST_TMP/received'"
keys Escape Escape C-q
check "the workbench quits" wait_for "TUI-EXITED 0" 10
tm kill-session -t t 2>/dev/null
eq "no workbench left" "" "$(tui_pids)"
serve_stop
eq "no forge-serve process is left" "" "$(serve_procs)"
finish
