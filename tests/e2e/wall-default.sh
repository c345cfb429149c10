#!/bin/bash
# The default wall limit, one rule: 10 s for a program reading a file or
# a pipe, a minute for one whose input a person types on a terminal
# (forge run with a terminal for stdin, as in the workbench); --wall, or
# a CPU limit that asks for more, wins.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang bash
command -v script >/dev/null || skip "script (util-linux) is not installed"

prog=$(write quick.sh <<'EOF'
echo quick
EOF
)
# the wall limit forge run reports, stdin a terminal (script's pty)
typed_wall() {
	script -qec "'$FORGE' run --json --no-history $* '$prog'" /dev/null |
		tr -d '\r' | grep -o '"limits":{[^}]*}' | grep -o '"wall_ms":[0-9]*' | cut -d: -f2
}

forge_json "$prog" </dev/null
eq "stdin not a terminal: 10 s" "10000" "$(j .limits.wall_ms)"
forge_json "$prog" <<<"piped"
eq "stdin a pipe: 10 s" "10000" "$(j .limits.wall_ms)"
eq "stdin a terminal: a minute" "60000" "$(typed_wall)"
eq "--wall given is kept" "5000" "$(typed_wall --wall 5)"
eq "a CPU limit that asks for more wins" "81000" "$(typed_wall -t 40)"
"$FORGE" run --help >"$TEST_TMP/help" 2>&1
check "forge run --help says so" grep -q "60 when stdin is a terminal" "$TEST_TMP/help"
finish
