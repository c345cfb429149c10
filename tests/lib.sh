# Shared helpers for Forge's end-to-end tests (sourced by tests/*/*.sh).
#
# Each test script runs under automake's test driver: exit 0 pass, 1 fail,
# 77 skip (loudly, with the reason on stderr). Inside a script, `check`
# records a failure without stopping, so one run reports every broken
# assertion; `finish` turns the tally into the exit status.

set -u
: "${FORGE:?FORGE must point at the forge binary}"
: "${FORGE_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export FORGE_DATA_DIR="${FORGE_DATA_DIR:-$FORGE_SRCDIR}"

# Every test gets private config, cache and data directories, so results
# never depend on the person's own setup or an earlier run.
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/forge-test.XXXXXX")
chmod 755 "$TEST_TMP"
export XDG_CONFIG_HOME="$TEST_TMP/config"
export XDG_CACHE_HOME="${FORGE_TEST_CACHE:-$TEST_TMP/cache}"
export XDG_DATA_HOME="$TEST_TMP/data"
unset FORGE_CACHE_DIR FORGE_BACKEND NO_COLOR
trap 'rm -rf "$TEST_TMP"' EXIT

# FORGE_TEST_BACKEND=docker (set by tests/e2e/docker-suites.sh, which
# starts the private dockerd): the commands that run programs (run, judge,
# stress, doctor) get --backend docker before the test's own options. A
# test, or a part of one, that cannot apply to that backend says why with
# ns_only.
TEST_BACKEND=${FORGE_TEST_BACKEND:-ns}
if [ "$TEST_BACKEND" != ns ]; then
	printf '#!/bin/bash\ncase "$1" in run | judge | stress | doctor)\n\tc=$1\n\tshift\n\texec %q "$c" --backend %q "$@" ;;\nesac\nexec %q "$@"\n' \
		"$FORGE" "$TEST_BACKEND" "$FORGE" >"$TEST_TMP/forge-$TEST_BACKEND"
	chmod 755 "$TEST_TMP/forge-$TEST_BACKEND"
	FORGE=$TEST_TMP/forge-$TEST_BACKEND
fi

# ns_only REASON: the rest of the test holds on the ns backend alone
ns_only() {
	[ "$TEST_BACKEND" = ns ] || skip "not on the $TEST_BACKEND backend: $*"
}

failures=0
checks=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# check DESCRIPTION COMMAND...: the command must succeed
check() {
	local what=$1
	shift
	checks=$((checks + 1))
	if "$@" >/dev/null; then
		echo "ok: $what"
	else
		fail "$what"
	fi
}

# eq DESCRIPTION EXPECTED ACTUAL
eq() {
	checks=$((checks + 1))
	if [ "$2" = "$3" ]; then
		echo "ok: $1"
	else
		fail "$1: expected '$2', got '$3'"
	fi
}

# memory_exclusive: this test measures the host's free memory, or takes
# much of it (a VM, a Docker daemon): it waits until no other such test
# runs, so that one does not read the other's memory as its own. The lock
# is fd 9 (a daemon the test starts is given its stdio without it).
memory_exclusive() {
	# a runner of other tests that holds it (docker-suites.sh) runs
	# them one at a time
	[ -n "${FORGE_TEST_MEMORY_HELD:-}" ] && return 0
	exec 9>"${TMPDIR:-/tmp}/forge-tests-memory.lock"
	flock 9
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

finish() {
	echo "$checks checks, $failures failed"
	[ "$failures" -eq 0 ]
}

# forge_json FILE [forge run options...]: runs FILE with --json; the JSON
# is left in $TEST_TMP/last.json and the exit status in $rc.
forge_json() {
	local file=$1
	shift
	rc=0
	"$FORGE" run --json --no-history "$@" "$file" >"$TEST_TMP/last.json" \
		2>"$TEST_TMP/last.err" || rc=$?
	if ! [ -s "$TEST_TMP/last.json" ] ||
		! jq -e . "$TEST_TMP/last.json" >/dev/null 2>&1; then
		echo "forge printed no valid JSON for $file (exit $rc):" >&2
		head -c 2000 "$TEST_TMP/last.json" >&2
		cat "$TEST_TMP/last.err" >&2
	fi
}

# j FIELD: a field of the last JSON result (jq syntax, raw output)
j() {
	jq -r "$1" "$TEST_TMP/last.json" 2>/dev/null
}

# write NAME: stdin into $TEST_TMP/NAME; prints the path
write() {
	mkdir -p "$(dirname "$TEST_TMP/$1")"
	cat >"$TEST_TMP/$1"
	echo "$TEST_TMP/$1"
}

# the sandbox must work here, else the test is skipped with the reason
need_sandbox() {
	if ! "$FORGE" doctor >"$TEST_TMP/doctor.txt" 2>&1; then
		cat "$TEST_TMP/doctor.txt" >&2
		skip "the sandbox cannot run on this host"
	fi
}

need_lang() {
	if ! "$FORGE" langs --json | jq -e --arg id "$1" \
		'.[] | select(.id == $id and .available)' >/dev/null; then
		skip "language $1 is not available here"
	fi
}
