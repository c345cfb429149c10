#!/bin/bash
# The sandbox holders of forge serve's workers run the static forge
# (ns-holder.c): the holder's clone raises its capabilities as ambient
# ones to keep them through the exec, so this checks none of them
# reaches a program, from inside (its /proc/self/status) and from the
# host (the holder's own sets); that the holder is forge, not a copy of
# forge-serve's address space; and that a helper that will not hold
# leaves the server running its jobs the way forge does.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang c
ns_only "the holders are the namespace backend's"
command -v jq >/dev/null || skip "jq is not installed"
bindir=$(cd "$(dirname "$FORGE")" && pwd)

cat >"$TEST_TMP/caps.c" <<'C'
#include <stdio.h>
#include <string.h>
int main(void)
{
	char l[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(l, sizeof l, f) != NULL)
		if (strncmp(l, "Cap", 3) == 0 || strncmp(l, "NoNewPrivs", 10) == 0 ||
		    strncmp(l, "Seccomp:", 8) == 0)
			fputs(l, stdout);
	return 0;
}
C
jq -n --rawfile s "$TEST_TMP/caps.c" '{language: "c", source: $s}' \
	>"$TEST_TMP/caps.json"

# the processes under the server whose executable is $1
holders_of() {
	local p
	for p in $(pgrep -f forge-init); do
		[ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$1" ] || continue
		# under this server only
		local q=$p
		while [ "$q" -gt 1 ] && [ "$q" != "$SERVE_PID" ]; do
			q=$(awk '{ print $4 }' "/proc/$q/stat" 2>/dev/null || echo 1)
		done
		[ "$q" = "$SERVE_PID" ] && echo "$p"
	done
}

# three runs of the program, each checked from inside
runs_clean() {
	local n label=$1
	for n in 1 2 3; do
		req POST '/v1/runs?wait=60' --data-binary @"$TEST_TMP/caps.json"
		eq "$label: run $n answered" 200 "$code"
		eq "$label: run $n verdict" OK "$(j .verdict)"
		out=$(j .stdout)
		for cap in CapInh CapPrm CapEff CapBnd CapAmb; do
			eq "$label: run $n $cap" 0000000000000000 \
				"$(sed -n "s/^$cap:[[:space:]]*//p" <<<"$out")"
		done
		eq "$label: run $n NoNewPrivs" 1 \
			"$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' <<<"$out")"
		eq "$label: run $n seccomp filter" 2 \
			"$(sed -n 's/^Seccomp:[[:space:]]*//p' <<<"$out")"
	done
}

serve_start -j 1
runs_clean helper
h=$(holders_of "$bindir/forge")
eq "one holder, the static forge, kept for the three runs" 1 \
	"$(wc -w <<<"$h")"
if [ -n "$h" ]; then
	h=$(head -1 <<<"$h")
	for cap in CapInh CapAmb; do
		eq "the holder's $cap (host side)" 0000000000000000 \
			"$(sed -n "s/^$cap:[[:space:]]*//p" "/proc/$h/status")"
	done
	maps=$(wc -l <"/proc/$h/maps")
	worker=$(awk '{ print $4 }' "/proc/$h/stat")
	wmaps=$(wc -l <"/proc/$worker/maps")
	check "the holder maps less than its worker ($maps < $wmaps mappings)" \
		test "$maps" -lt "$wmaps"
	eq "the holder is no copy of forge-serve" "" \
		"$(grep -o 'forge-serve\|libmicrohttpd\|libcurl' "/proc/$h/maps" | sort -u)"
fi
eq "no holder is a copy of forge-serve" "" \
	"$(holders_of "$(readlink -f "$bindir/forge-serve")")"
serve_stop
eq "the server ended well" 0 "$SERVE_RC"
if [ -n "$h" ]; then
	for i in $(seq 1 100); do
		kill -0 "$h" 2>/dev/null || break
		sleep 0.1
	done
	check "the holder ended with the server" sh -c "! kill -0 $h 2>/dev/null"
fi

# A helper that fails (another build's forge, a broken install): the
# server's own copy holds, as in forge itself, and the runs are the same.
mkdir "$TEST_TMP/bin"
cp "$bindir/forge-serve" "$TEST_TMP/bin/forge-serve"
cat >"$TEST_TMP/bin/forge" <<SH
#!/bin/sh
[ "\$1" = --ns-holder ] && exit 1
exec "$TEST_TMP/bin/forge-serve" "\$@"
SH
chmod 755 "$TEST_TMP/bin/forge"
FORGE=$TEST_TMP/bin/forge serve_start -j 1
runs_clean fallback
eq "the fallback holder is forge-serve's copy" 1 \
	"$(holders_of "$TEST_TMP/bin/forge-serve" | wc -l)"
serve_stop
eq "the fallback server ended well" 0 "$SERVE_RC"
finish
