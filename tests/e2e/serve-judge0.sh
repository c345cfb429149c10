#!/bin/bash
# forge serve's Judge0-compatible API, driven with curl command lines as
# Judge0's documentation writes them: languages and statuses by Judge0's
# ids, a submission then its result by token, wait=true, base64,
# expected_output, each status a verdict maps to, Judge0's 422 messages,
# batches, X-Auth-Token; and the submissions in Forge's history.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang c
need_lang python3

serve_start -j 2

# j0 METHOD PATH JSON: a request the way Judge0's examples send one
j0() {
	local method=$1 path=$2 body=$3
	code=$(curl -s -m 60 -X "$method" -o "$TEST_TMP/last.json" \
		-D "$TEST_TMP/headers" -w '%{http_code}' \
		"$URL$path" -H "Content-Type: application/json" -d "$body")
}

req GET /languages
eq "languages: 200" 200 "$code"
eq "languages: C is Judge0's 50" 1 "$(j 'map(select(.id == 50)) | length')"
eq "languages: Python 3 is Judge0's 71" 1 "$(j 'map(select(.id == 71)) | length')"
req GET /languages/50
eq "a language: its source file" main.c "$(j .source_file)"
req GET /statuses
eq "statuses: ids 1 to 14" "$(seq -s ' ' 1 14)" "$(j '[.[].id] | map(tostring) | join(" ")')"
eq "statuses: Judge0's descriptions" \
	"Accepted|Wrong Answer|Time Limit Exceeded|Compilation Error|Runtime Error (NZEC)" \
	"$(j '[.[2,3,4,5,10].description] | join("|")')"
req GET /about
check "about: a version" test -n "$(j .version)"
req GET /system_info
eq "system_info: the architecture" "$(uname -m)" "$(j .Architecture)"

# Judge0's first example: create, then get by token
j0 POST "/submissions/?base64_encoded=false&wait=false" \
	'{"source_code": "#include <stdio.h>\n\nint main(void) {\n  char name[10];\n  scanf(\"%s\", name);\n  printf(\"hello, %s\\n\", name);\n  return 0;\n}", "language_id": 50, "stdin": "world"}'
eq "create: 201" 201 "$code"
token=$(j .token)
check "create: a UUID token" grep -Eq '"token":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"' "$TEST_TMP/last.json"
for i in $(seq 1 300); do
	req GET "/submissions/$token?base64_encoded=false&fields=stdout,stderr,status_id,language_id"
	[ "$(j .status_id)" -gt 2 ] 2>/dev/null && break
	sleep 0.1
done
eq "get: 200" 200 "$code"
eq "get: stdout" "hello, world" "$(j .stdout)"
eq "get: status_id 3" 3 "$(j .status_id)"
eq "get: only the fields asked for" "language_id status_id stderr stdout" "$(j 'keys | join(" ")')"
eq "get: stderr null when empty" null "$(j .stderr)"
req GET "/submissions/$token"
eq "get: the default fields" "compile_output memory message status stderr stdout time token" \
	"$(j 'keys | join(" ")')"
eq "get: status as {id, description}" "3 Accepted" "$(j '"\(.status.id) \(.status.description)"')"
check "get: time in seconds, as a string" grep -Eq '"time":"[0-9]+\.[0-9]{3}"' "$TEST_TMP/last.json"
check "get: memory in KB, a number" test "$(j '.memory | type')" = number
req GET "/submissions/$token?fields=*"
eq "fields=*: the submission as given" "50 world 5.0 128000" \
	"$(j '"\(.language_id) \(.stdin) \(.cpu_time_limit) \(.memory_limit)"')"
eq "fields=*: the language" "50 C (GCC)" "$(j '"\(.language.id) \(.language.name)"')"
req GET "/submissions/$token?fields=stdout,nonsense"
eq "an unknown field: 400" 400 "$code"
req GET /submissions/00000000-0000-4000-8000-000000000000
eq "an unknown token: 404" 404 "$code"

# wait=true, expected_output compared
j0 POST "/submissions?base64_encoded=false&wait=true" \
	'{"source_code": "print(int(input()) * 2)", "language_id": 71, "stdin": "21", "expected_output": "42"}'
eq "wait=true: 201 with the result" "201 3 42" "$code $(j .status.id) $(j .stdout)"
j0 POST "/submissions?wait=true" \
	'{"source_code": "print(int(input()) * 2)", "language_id": 71, "stdin": "20", "expected_output": "42"}'
eq "expected_output differs: Wrong Answer" "4 Wrong Answer" "$(j '"\(.status.id) \(.status.description)"')"
# compared as Judge0 compares (isolate_job.rb): each line's trailing
# whitespace and the text's trailing whitespace do not count, the rest
# does (inner and leading spaces); an empty stdout matches nothing
status_of() { # SOURCE EXPECTED: the status id of a python3 run
	j0 POST "/submissions?base64_encoded=false&wait=true" \
		"$(jq -n --arg s "$1" --arg e "$2" '{source_code: $s, language_id: 71, expected_output: $e}')"
	j .status.id
}
eq "trailing spaces and newlines: Accepted" 3 "$(status_of 'print("1 2  \n3\n\n")' $'1 2\n3')"
eq "a line's trailing spaces in expected_output: Accepted" 3 "$(status_of 'print("1 2\n3")' $'1 2   \n3  \n')"
eq "inner spaces count: Wrong Answer" 4 "$(status_of 'print("1  2")' '1 2')"
eq "leading spaces count: Wrong Answer" 4 "$(status_of 'print(" 42")' '42')"
eq "lines count: Wrong Answer" 4 "$(status_of 'print("1 2")' $'1\n2')"
eq "an empty stdout matches no expected_output" 4 "$(status_of 'pass' '')"

# base64_encoded=true both ways; bytes that are not UTF-8 need it
src=$(printf 'import sys\nsys.stdout.buffer.write(b"\\xff\\xfe" + sys.stdin.buffer.read())\n' | base64 -w0)
in=$(printf 'ok' | base64 -w0)
j0 POST "/submissions?base64_encoded=true&wait=true" \
	"{\"source_code\": \"$src\", \"language_id\": 71, \"stdin\": \"$in\"}"
eq "base64: stdout's exact bytes" "ff fe 6f 6b" \
	"$(j .stdout | base64 -d | od -An -tx1 | xargs)"
eq "base64 as Judge0 writes it (encode64: a newline at the end)" '"//5vaw==\n"' "$(jq -c .stdout "$TEST_TMP/last.json")"
token=$(j .token)
# a long output: encode64's lines of 60 characters
j0 POST "/submissions?base64_encoded=false&wait=true" '{"source_code": "print(\"x\" * 99)", "language_id": 71}'
req GET "/submissions/$(j .token)?base64_encoded=true&fields=stdout"
eq "base64 in lines of 60, each ending in a newline" "60 60 16" \
	"$(j .stdout | awk 'NF { printf "%s%d", (NR > 1 ? " " : ""), length($0) }')"
eq "the lines decode to the output" "$(printf 'x%.0s' $(seq 99))" "$(j .stdout | base64 -d)"
req GET "/submissions/$token?base64_encoded=false"
eq "not UTF-8 without base64: 400" 400 "$code"
eq "not UTF-8 without base64: Judge0's message" \
	"some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true query parameter" \
	"$(j .error)"

# each verdict as Judge0's status
status() {
	jq -n --arg s "$2" --argjson l "$1" '{source_code: $s, language_id: $l, cpu_time_limit: 1}' >"$TEST_TMP/sub.json"
	code=$(curl -s -m 60 -X POST -o "$TEST_TMP/last.json" -w '%{http_code}' \
		"$URL/submissions?wait=true&fields=status_id,exit_code,exit_signal,compile_output,message" \
		-H "Content-Type: application/json" -d @"$TEST_TMP/sub.json")
}
status 50 'int main(void) { return 3; }'
eq "exit 3: NZEC (11), exit_code 3" "11 3" "$(j '"\(.status_id) \(.exit_code)"')"
status 50 'int main(void) { volatile int *p = 0; return *p; }'
eq "SIGSEGV: 7, exit_signal 11" "7 11" "$(j '"\(.status_id) \(.exit_signal)"')"
status 50 '#include <signal.h>
int main(void) { raise(SIGFPE); return 0; }'
eq "SIGFPE: 9" 9 "$(j .status_id)"
status 50 '#include <stdlib.h>
int main(void) { abort(); }'
eq "SIGABRT: 10" 10 "$(j .status_id)"
status 50 'int main(void) { for (;;); }'
eq "a loop: Time Limit Exceeded (5)" 5 "$(j .status_id)"
status 50 'int main(void) { x }'
eq "a syntax error: Compilation Error (6)" 6 "$(j .status_id)"
check "compile_output says why" grep -q "undeclared" <<<"$(j .compile_output)"
jq -n '{source_code: "import sys\nprint(\"a\")\nprint(\"b\", file=sys.stderr)\n", language_id: 71, redirect_stderr_to_stdout: true}' >"$TEST_TMP/sub.json"
curl -s -o "$TEST_TMP/last.json" -X POST "$URL/submissions?wait=true" -H "Content-Type: application/json" -d @"$TEST_TMP/sub.json"
eq "redirect_stderr_to_stdout: stderr in stdout" "a b null" "$(j '.stdout | split("\n") | .[0:2] | join(" ")') $(j .stderr)"

# Judge0's 422s, word for word
j0 POST /submissions '{"source_code": "", "language_id": 9999}'
eq "422" 422 "$code"
eq "source_code can't be blank" "can't be blank" "$(j '.source_code[0]')"
eq "unknown language_id" "language with id 9999 doesn't exist" "$(j '.language_id[0]')"
j0 POST /submissions '{"source_code": "print(1)"}'
eq "language_id can't be blank" "can't be blank" "$(j '.language_id[0]')"
j0 POST /submissions '{"source_code": "print(1)", "language_id": 71, "cpu_time_limit": 100, "memory_limit": 1}'
eq "cpu_time_limit over the maximum" "must be less than or equal to 15.0" "$(j '.cpu_time_limit[0]')"
eq "memory_limit under the minimum" "must be greater than or equal to 2048" "$(j '.memory_limit[0]')"
j0 POST /submissions '{"source_code": "print(1)", "language_id": 71, "wall_time_limit": 0.5, "max_processes_and_or_threads": 0, "number_of_runs": 0}'
eq "wall_time_limit under Judge0's minimum" "must be greater than or equal to 1" "$(j '.wall_time_limit[0]')"
eq "max_processes_and_or_threads 0" "must be greater than 0" "$(j '.max_processes_and_or_threads[0]')"
eq "number_of_runs 0" "must be greater than 0" "$(j '.number_of_runs[0]')"
j0 POST /submissions '{"source_code": "print(1)", "language_id": 71, "callback_url": "http://localhost:9/cb"}'
eq "what Forge does not do is refused, not ignored" "422 is not supported by this server" \
	"$code $(j '.callback_url[0]')"
j0 POST /submissions '{"source_code": '
eq "malformed JSON: 400" 400 "$code"

# batches
j0 POST "/submissions/batch?base64_encoded=false" \
	'{"submissions": [{"language_id": 71, "source_code": "print(\"one\")"}, {"language_id": 9999, "source_code": "x"}, {"language_id": 50, "source_code": "#include <stdio.h>\nint main(void) { puts(\"two\"); return 0; }"}]}'
eq "batch: 201" 201 "$code"
eq "batch: a token, the refusal, a token" "true false true" \
	"$(j '[.[] | has("token")] | map(tostring) | join(" ")')"
eq "batch: the refusal in its place" "language with id 9999 doesn't exist" "$(j '.[1].language_id[0]')"
tokens="$(j '.[0].token'),$(j '.[2].token')"
for i in $(seq 1 300); do
	req GET "/submissions/batch?tokens=$tokens&base64_encoded=false&fields=token,stdout,status_id"
	[ "$(j '[.submissions[].status_id] | map(select(. > 2)) | length')" = 2 ] && break
	sleep 0.1
done
eq "batch get: both, in order" "one two" "$(j '[.submissions[].stdout | rtrimstr("\n")] | join(" ")')"

# the submissions are Forge runs: in the history
check "the history has the Judge0 submissions" \
	test "$("$FORGE" history --db "$SERVE_DB" --json 2>/dev/null | jq 'length')" -ge 10

serve_stop TERM
eq "no forge-serve process is left" "" "$(serve_procs)"

# with tokens: X-Auth-Token, as Judge0's clients send it
secret=$("$FORGE" token add judge0-client --db "$SERVE_DB")
serve_start -j 1
j0 POST "/submissions?wait=true" '{"source_code": "print(7)", "language_id": 71}'
eq "no token: 401" 401 "$code"
code=$(curl -s -m 60 -o "$TEST_TMP/last.json" -w '%{http_code}' -X POST \
	"$URL/submissions?wait=true" -H "X-Auth-Token: $secret" \
	-H "Content-Type: application/json" -d '{"source_code": "print(7)", "language_id": 71}')
eq "X-Auth-Token: 201 and the result" "201 7" "$code $(j .stdout)"
token=$(j .token)
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/submissions/$token" -H "X-Auth-Token: wrong")
eq "a wrong X-Auth-Token: 401" 401 "$code"
req GET /statuses
eq "statuses need no token" 200 "$code"
serve_stop TERM
eq "no forge-serve process is left at the end" "" "$(serve_procs)"
finish
