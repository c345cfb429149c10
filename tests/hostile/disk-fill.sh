#!/bin/bash
# Filling /work and /tmp: one file grows until the file size limit stops
# it (OLE by SIGXFSZ); then, with SIGXFSZ ignored, big files, 1 MiB files
# and empty files until each file system is full (EFBIG, ENOSPC). All of
# it stays in the run's own tmpfs: the host's disk does not fill, and no
# file of the run appears on the host.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c

mark=forge-fill-$(token)
# free space (KiB) of the host file systems the run could reach
free_kb() {
	df -Pk "$1" | awk 'NR == 2 { print $4 }'
}
# places a bind of the host could have put the run's files
host_files() {
	find /tmp /var/tmp "$HOME" "$TEST_TMP" / -maxdepth 3 -xdev \
		-name "*$mark*" 2>/dev/null | sort -u | head -5
}
# compile first, so the build cache does not count as the run's writes
printf '%s\nbig\n' "$mark" >"$TEST_TMP/big.in"
printf '%s\nfill\n' "$mark" >"$TEST_TMP/fill.in"
forge_json "$PROGS/diskfill.c" -i /dev/null -t 1
root0=$(free_kb /)
tmp0=$(free_kb /tmp)

forge_json "$PROGS/diskfill.c" --fsize 16M -t 5 -i "$TEST_TMP/big.in"
eq "big: verdict" OLE "$(j .verdict)"
eq "big: killed by" SIGXFSZ "$(j .signal)"

forge_json "$PROGS/diskfill.c" --fsize 256M -m 1G -t 10 \
	-i "$TEST_TMP/fill.in"
eq "fill: verdict" OK "$(j .verdict)"
out=$(j .stdout)
for d in /work /tmp; do
	check "fill: $d filled up to the 256M limit" \
		grep -q "^$d: big file 268435456 bytes" <<<"$out"
	check "fill: $d then refused more files (ENOSPC)" \
		grep -q "^$d: 0 more files, 0 bytes, then ENOSPC" <<<"$out"
	n=$(sed -n "s|^$d: \\([0-9]*\\) empty files, then ENOSPC|\\1|p" <<<"$out")
	check "fill: $d ran out of inodes after ${n:-?} empty files" \
		[ -n "$n" -a "${n:-0}" -le 16384 ]
done
root1=$(free_kb /)
tmp1=$(free_kb /tmp)
# the run wrote 512 MiB; tests running alongside may use some, so half
# of that is tolerated (a leak of the run would show all of it)
check "the host's / kept its free space ($root0 -> $root1 KiB)" \
	[ "$root1" -ge $((root0 - 262144)) ]
check "the host's /tmp kept its free space ($tmp0 -> $tmp1 KiB)" \
	[ "$tmp1" -ge $((tmp0 - 262144)) ]
eq "no file of the run on the host" "" "$(host_files)"

# the control: a file written with that name on the host is found
touch "$TEST_TMP/$mark-control"
eq "the host check does find such a file" "$TEST_TMP/$mark-control" \
	"$(host_files)"
finish
