#!/bin/bash
# A program cannot pick its own verdict by the signal it dies of. Sent
# to itself, SIGXCPU is not a CPU limit (no TLE), SIGSYS is not a
# forbidden call (no SV), SIGXFSZ is no file over its limit (no OLE):
# each is RE with that signal, as the host's own view of the run (CPU
# used, calls made) says. The controls: a program that does burn its
# CPU time is TLE, and a forbidden call through a foreign ABI is SV
# with the call named.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c

attempt() {
	echo "$1" >"$TEST_TMP/what.in"
	shift
	forge_json "$PROGS/selfsig.c" -i "$TEST_TMP/what.in" "$@"
}

attempt spin -t 1
eq "control: a CPU burner is TLE" TLE "$(j .verdict)"
check "control: it used its second of CPU" [ "$(j .time_ms)" -ge 1000 ]

if [ "$(uname -m)" = x86_64 ]; then
	attempt x32-mount
	eq "control: x32 mount is SV" SV "$(j .verdict)"
	# (docker: Docker does not report the call)
	eq "control: x32 mount names the call" \
		"$([ "$TEST_BACKEND" = docker ] && echo null || echo mount)" \
		"$(j .syscall)"
fi

while read -r what sig; do
	if [ "$what" = sys ] && [ "$TEST_BACKEND" = docker ]; then
		# Docker's init reports a seccomp kill and a SIGSYS the
		# program sends itself alike (exit 159): SV on docker
		echo "skip: sys: docker cannot tell it from a seccomp kill"
		continue
	fi
	attempt "$what" -t 2
	eq "$what: verdict" RE "$(j .verdict)"
	eq "$what: signal" "$sig" "$(j .signal)"
	eq "$what: no syscall named" null "$(j .syscall)"
	check "$what: the detail names the signal" \
		grep -q "killed by $sig" <<<"$(j .detail)"
	check "$what: well under its CPU limit" [ "$(j .time_ms)" -lt 1000 ]
	eq "$what: forge's exit status" 1 "$rc"
done <<'LIST'
xcpu SIGXCPU
sys SIGSYS
xfsz SIGXFSZ
LIST
finish
