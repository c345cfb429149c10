#!/bin/bash
# The default wall limit, one rule: 10 s for a program reading a file or
# a pipe, a minute for one whose input a person types on a terminal
# (forge run with a terminal for stdin, as in the workbench); --wall, or
# a CPU limit that asks for more, wins. And the wall time reported is
# never below the CPU time for a single-threaded program, however short.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang bash
need_lang c
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

# short single-threaded runs: never less wall than CPU
short=$(write short.c <<'EOF'
int main(void) { volatile long i = 0; while (i < 300000) i++; return 0; }
EOF
)
below=""
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	forge_json "$short" </dev/null
	[ "$(j .time_ms)" -le "$(j .wall_ms)" ] || below="$below $(j .time_ms)>$(j .wall_ms)"
done
eq "wall_ms is never below time_ms" "" "$below"
finish
