#!/bin/bash
# forge serve's Piston-compatible API (v2), driven by a small client on
# Node's built-in fetch as Piston's documentation shows it (its JSON sent
# as text/plain): runtimes by Piston's names and aliases with the real
# versions, execute with stdin, compile and run stages, a compile
# error, a timeout, base64 files, and Piston's messages for bad requests.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang c
need_lang cpp
need_lang python3
command -v node >/dev/null || skip "node is not installed"
node -e 'typeof fetch === "function" || process.exit(1)' ||
	skip "this node has no built-in fetch"

serve_start -j 2

node "$FORGE_SRCDIR/tests/e2e/fixtures/piston-client.mjs" "$URL" \
	>"$TEST_TMP/last.json" 2>"$TEST_TMP/node.err"
eq "the client ran" 0 "$?"
cat "$TEST_TMP/node.err" >&2

pyver=$("$FORGE" langs --json | jq -r '.[] | select(.id == "python3") | .version' |
	grep -o '[0-9][0-9.]*[0-9]' | head -1)
eq "runtimes: python, its aliases, its real version" "py py3 python3 $pyver" \
	"$(j '.runtimes[] | select(.language == "python") | (.aliases | join(" ")) + " " + .version')"
eq "runtimes: c++ as cpp" true "$(j '.runtimes | any(.language == "c++" and (.aliases | index("cpp")))')"
eq "runtimes: javascript's runtime is node" node \
	"$(j '.runtimes[] | select(.language == "javascript") | .runtime')"

eq "execute by alias: 200" 200 "$(j .python.http)"
eq "execute: the language's Piston name and version" "python $pyver" "$(j '.python | .language + " " + .version')"
eq "execute: run.stdout" hello "$(j .python.run.stdout)"
eq "execute: run.stderr" warn "$(j .python.run.stderr)"
eq "execute: run.output has both" "hello warn" "$(j '.python.run.output | split("\n") | .[0:2] | join(" ")')"
eq "execute: run.code" 3 "$(j .python.run.code)"
eq "execute: run.signal null" null "$(j .python.run.signal)"
eq "execute: no compile stage for python" false "$(j '.python | has("compile")')"
eq "execute with the exact version" 42 "$(j .python_versioned.run.stdout)"

eq "c++: compiled then run" "0 hi" "$(j '.cpp | "\(.compile.code) \(.run.stdout)"')"
eq "a compile error: no run, compile.code non-zero" "false 1" \
	"$(j '.ce | "\(has("run")) \(.compile.code)"')"
check "a compile error: the compiler's words" grep -q nope <<<"$(j .ce.compile.stderr)"
eq "run_timeout: killed" "SIGKILL null" "$(j '.tle.run | "\(.signal) \(.code)"')"
eq "a base64 file" b64 "$(j .base64.run.stdout)"

eq "an unknown language: Piston's message" "400 cobol-* runtime is unknown" \
	"$(j '.unknown | "\(.http) \(.message)"')"
eq "an unknown version: Piston's message" "400 python-2.7.18 runtime is unknown" \
	"$(j '.badversion | "\(.http) \(.message)"')"
eq "no files: Piston's message" "400 files is required as an array" \
	"$(j '.nofiles | "\(.http) \(.message)"')"

# the runs are in the history
check "the history has the runs" \
	test "$("$FORGE" history --db "$SERVE_DB" --json 2>/dev/null | jq 'length')" -ge 6

serve_stop TERM
eq "no forge-serve process is left" "" "$(serve_procs)"
finish
