#!/bin/bash
# Program arguments and compiler options through every API: native
# "args" and "compiler_options", Judge0's command_line_arguments (split
# as its shell would, nothing expanded) and compiler_options (with its
# 422 messages), Piston's args (the request of Piston's README). The
# arguments reach the program as argv words, never a shell; compiler
# options are taken only in allowed shapes, and one that could reach
# files, paths or code is refused with a 400 (a 422 for Judge0) naming
# it. Options are part of the build cache's key.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang c
need_lang python3

serve_start -j 2
post() { req POST "$1" -H "Content-Type: application/json" --data-binary "$2"; }

# native: argv words, shell characters as they are
post '/v1/runs?wait=60' '{"language":"python3","source":"import sys\nprint(sys.argv[1:])","args":["a b","$HOME","*",";","`id`"]}'
eq "native args: argv words, nothing expanded" "OK ['a b', '\$HOME', '*', ';', '\`id\`']" \
	"$(j .verdict) $(j .stdout)"
post '/v1/runs?wait=60' '{"language":"python3","source":"import sys\nprint(len(sys.argv))"}'
eq "native, no args: argv is the program alone" "OK 1" "$(j .verdict) $(j .stdout)"
post /v1/runs '{"language":"python3","source":"1","args":"a b"}'
eq "native args as a string: 400" "400 args: an array of strings, please" "$code $(j .error)"
post /v1/runs '{"language":"python3","source":"1","args":["a\u0000b"]}'
eq "native args with NUL: 400" 400 "$code"

# native compiler options: the code changes, the cache key too
prog='#include <stdio.h>\nint main(int c, char **v) { printf(\"%d %ld %s\\n\", N, __STDC_VERSION__, c > 1 ? v[1] : \"-\"); return 0; }'
post '/v1/runs?wait=60' "{\"language\":\"c\",\"source\":\"$prog\",\"compiler_options\":[\"-DN=1\",\"-std=c11\",\"-O0\"],\"args\":[\"x y\"]}"
eq "compiler options as an array, with args" "OK 1 201112 x y" "$(j .verdict) $(j .stdout)"
post '/v1/runs?wait=60' "{\"language\":\"c\",\"source\":\"$prog\",\"compiler_options\":\"-DN=2 -std=c17 -Wall -Wextra\"}"
eq "compiler options as a string: another build" "OK 2 201710 - false" \
	"$(j .verdict) $(j .stdout | tr -d '\n') $(j .build_cached)"
post '/v1/runs?wait=60' "{\"language\":\"c\",\"source\":\"$prog\",\"compiler_options\":\"-DN=2 -std=c17 -Wall -Wextra\"}"
eq "the same options again: the cached build" "OK 2 201710 - true" \
	"$(j .verdict) $(j .stdout | tr -d '\n') $(j .build_cached)"
post '/v1/runs?wait=60' "{\"language\":\"c\",\"source\":\"$prog\",\"compiler_options\":\"-DN=3 -std=c17 -Wall -Wextra\"}"
eq "other options: not that cached build" "OK 3 false" "$(j .verdict) $(j .stdout | cut -d' ' -f1) $(j .build_cached)"
post '/v1/runs?wait=60' "{\"language\":\"c\",\"source\":\"$prog\",\"compiler_options\":\"-Werror -Wunused-variable -DN=x\"}"
eq "options that fail the compile: CE" CE "$(j .verdict)"
# a judge takes both, for each test
post '/v1/runs?wait=60' '{"language":"c","source":"#include <stdio.h>\nint main(int c, char **v) { char s[64]; scanf(\"%63s\", s); printf(\"%s %s %d\\n\", s, v[1], K); return 0; }","compiler_options":"-DK=5","args":["arg"],"tests":[{"name":"a","input":"x","answer":"x arg 5\n"},{"name":"b","input":"y","answer":"y arg 5\n"}]}'
eq "a judge: options and args in each test" "AC 2" "$(j .verdict) $(j .passed)"

refused() { # OPTION: a 400 that names it
	post /v1/runs "$(jq -n --arg o "$1" '{language: "c", source: "int main(void) { return 0; }", compiler_options: [$o]}')"
	eq "compiler option $1: 400 naming it" "400 yes" \
		"$code $(j .error | grep -qF "'$1'" && echo yes)"
}
for o in -o -o/tmp/x -B/tmp -specs=/tmp/s -fplugin=/tmp/p.so @/etc/passwd -wrapper \
	-I/etc -I/work/../etc -I../x -Wl,-T,/etc/passwd -Wa,-adhln=/tmp/x -Wp,-MD,/tmp/d \
	-Wl -L/tmp -lm -isystem -include -save-temps -fdump-tree-all -x -DX=\"a\"; do
	refused "$o"
done
post /v1/runs '{"language":"python3","source":"1","compiler_options":"-O2"}'
eq "options for an interpreted language: 400" "400 yes" \
	"$code $(j .error | grep -q 'python3 takes none' && echo yes)"
post /v1/runs '{"language":"c","source":"int main(void){return 0;}","compiler_options":"-O2 -o x"}'
eq "one bad option among good ones: refused" "400 yes" "$code $(j .error | grep -qF "'-o'" && echo yes)"

# Judge0, as its documentation sends a submission
j0() {
	code=$(curl -s -m 60 -X POST -o "$TEST_TMP/last.json" -w '%{http_code}' \
		"$URL$1" -H "Content-Type: application/json" -d "$2")
}
j0 "/submissions/?base64_encoded=false&wait=true" \
	'{"source_code": "import sys\nprint(sys.argv[1:])", "language_id": 71, "command_line_arguments": "hello \"big world\" it\\'"'"'s\\ x $HOME"}'
eq "Judge0 command_line_arguments: split as its shell would" "201 Accepted ['hello', 'big world', \"it's x\", '\$HOME']" \
	"$code $(j .status.description) $(j .stdout)"
j0 "/submissions/?base64_encoded=false&wait=true" \
	"{\"source_code\": \"$prog\", \"language_id\": 50, \"compiler_options\": \"-DN=7 -std=c11\", \"command_line_arguments\": \"arg1\"}"
eq "Judge0 compiler_options" "201 Accepted 7 201112 arg1" "$code $(j .status.description) $(j .stdout)"
tok=$(jq -r .token "$TEST_TMP/last.json" 2>/dev/null)
req GET "/submissions/$tok?base64_encoded=false&fields=compiler_options,command_line_arguments"
eq "Judge0 ?fields= gives them back as sent" "200 -DN=7 -std=c11|arg1" \
	"$code $(j '"\(.compiler_options)|\(.command_line_arguments)"')"
j0 /submissions '{"source_code": "print(1)", "language_id": 71, "compiler_options": "-O2"}'
eq "Judge0: options for an interpreted language, its 422" \
	"422 setting compiler options is only allowed for compiled languages" "$code $(j '.compiler_options[0]')"
j0 /submissions "{\"source_code\": \"int main(){}\", \"language_id\": 50, \"compiler_options\": \"$(printf -- '-O2 %.0s' $(seq 1 200))\"}"
eq "Judge0: options over 512 characters, its 422" "422 is too long (maximum is 512 characters)" \
	"$code $(j '.compiler_options[0]')"
j0 /submissions "{\"source_code\": \"int main(){}\", \"language_id\": 50, \"command_line_arguments\": \"$(printf 'a %.0s' $(seq 1 300))\"}"
eq "Judge0: arguments over 512 characters, its 422" "422 is too long (maximum is 512 characters)" \
	"$code $(j '.command_line_arguments[0]')"
j0 /submissions '{"source_code": "int main(){}", "language_id": 50, "compiler_options": "-fplugin=/tmp/x.so"}'
eq "Judge0: a refused option, a 422 naming it" "422 yes" \
	"$code $(j '.compiler_options[0]' | grep -qF "'-fplugin=/tmp/x.so'" && echo yes)"
j0 /submissions '{"source_code": "print(1)", "language_id": 71, "command_line_arguments": "a \"b"}'
eq "Judge0: an unclosed quote, a 422" "422 an unclosed \" quote" "$code $(j '.command_line_arguments[0]')"

# Piston: the execute request of Piston's README (its language, js)
if "$FORGE" langs --json | jq -e '.[] | select(.id == "javascript" and .available)' >/dev/null; then
	post /api/v2/execute '{
    "language": "js",
    "version": "*",
    "files": [
        {
            "name": "my_cool_code.js",
            "content": "console.log(process.argv)"
        }
    ],
    "stdin": "",
    "args": ["1", "2", "3"],
    "compile_timeout": 10000,
    "run_timeout": 3000,
    "compile_memory_limit": -1,
    "run_memory_limit": -1
}'
	eq "Piston args: the program's argv" "200 0 1 2 3" \
		"$code $(j .run.code) $(j .run.stdout | tr -d "[]',\n" | awk '{print $(NF-2), $(NF-1), $NF}')"
fi
post /api/v2/execute '{"language":"python","version":"*","files":[{"content":"import sys\nprint(sys.argv[1:])"}],"args":["x y","--z"]}'
eq "Piston args (python)" "200 ['x y', '--z']" "$code $(j .run.stdout)"
post /api/v2/execute '{"language":"python","version":"*","files":[{"content":"1"}],"args":"x"}'
eq "Piston args not an array: 400" 400 "$code"
serve_stop TERM
eq "no forge-serve process is left" "" "$(serve_procs)"
finish
