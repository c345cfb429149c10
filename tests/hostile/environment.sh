#!/bin/bash
# forge's environment does not reach the program: a secret the test
# exports before calling forge is not in the program's environ, nor in
# /proc/self/environ, nor readable from the sandbox's init (a clone of
# forge) through /proc/1/environ or /proc/1/mem. Inside, PATH, HOME and
# TMPDIR are the sandbox's. The control: the same program run on the
# host prints the secret.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c

export FORGE_TEST_SECRET=forge-env-secret-$(token)
export PATH="/forge-test-path-$(token):$PATH"

if prog=$(host_cc environ) && [ -n "$prog" ]; then
	check "control: on the host the program prints the secret" \
		grep -q "$FORGE_TEST_SECRET" <<<"$("$prog")"
fi

forge_json "$PROGS/environ.c"
eq "verdict" OK "$(j .verdict)"
out=$(j .stdout)
check "the secret is nowhere in the result" not_in_result "$FORGE_TEST_SECRET"
check "the secret's name is nowhere in the result" \
	not_in_result FORGE_TEST_SECRET
check "forge's PATH is nowhere in the result" not_in_result "$PATH"
env=$(sed -n '/^environ:$/,/^--$/p' <<<"$out")
check "PATH inside is the sandbox's" \
	grep -qx 'PATH=/usr/local/bin:/usr/bin:/bin' <<<"$env"
check "HOME inside is /work" grep -qx 'HOME=/work' <<<"$env"
check "TMPDIR inside is /tmp" grep -qx 'TMPDIR=/tmp' <<<"$env"
check "/proc/self/environ was read" \
	grep -q '^/proc/self/environ: [0-9]* bytes' <<<"$out"
check "/proc/1/environ is refused" \
	grep -q '^/proc/1/environ: EACCES' <<<"$out"
check "/proc/1/mem is refused" grep -q '^/proc/1/mem: EACCES' <<<"$out"
finish
