#!/bin/bash
# Who the program is: uid and gid 1000 inside, no capability at all (not
# even in the bounding set), no_new_privs set, a seccomp filter (mode 2),
# setuid(0) refused, its own host name, and only harmless devices in /dev.
# From the host: the program runs as an unprivileged host uid (60000
# when forge runs as root, the caller's own uid otherwise), never root.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c

name=id$(token | cut -c1-12)
forge_json "$PROGS/identity.c" -i /dev/null # compile first
# the program waits for a second line while the host looks at it
forge_ctl "$TEST_TMP/id.json" "$PROGS/identity.c" --wall 30
ctl "$name"
check "the host sees the program" wait_until 15 pgrep -x "$name"
pid=$(pgrep -x "$name" | head -1)
host_uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status" 2>/dev/null)
host_gids=$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status" 2>/dev/null)
u=$(sandbox_host_uid)
eq "on the host it runs as uid $u" "$u $u $u $u" "$host_uids"
if [ "$TEST_BACKEND" = docker ]; then
	eq "on the host its gid is 1000" "1000 1000 1000 1000" "$host_gids"
elif [ "$(id -u)" = 0 ]; then
	eq "on the host its gid is 60000" "60000 60000 60000 60000" "$host_gids"
fi
ctl done
ctl_end
forge_wait "$TEST_TMP/id.json"
eq "verdict" OK "$(j .verdict)"
out=$(j .stdout)

field() {
	sed -n "s/^$1:[[:space:]]*//p" <<<"$out" | tr -s '\t ' ' ' | sed 's/ $//'
}
eq "ids inside" "uid=1000 euid=1000 gid=1000 egid=1000" "$(field ids)"
eq "Uid" "1000 1000 1000 1000" "$(field Uid)"
eq "Gid" "1000 1000 1000 1000" "$(field Gid)"
if [ "$TEST_BACKEND" = docker ]; then
	# Docker gives the user its own group as the supplementary one
	eq "no supplementary group but its own" 1000 "$(field Groups)"
elif [ "$(id -u)" = 0 ]; then
	eq "no supplementary groups" "" "$(field Groups)"
else
	# an unprivileged user namespace cannot drop the caller's groups;
	# they show as the sandbox's group or as unmapped (65534)
	eq "no host group is visible by its id" "" \
		"$(field Groups | tr ' ' '\n' | grep -vx -e 1000 -e 65534 -e '')"
fi
for cap in CapInh CapPrm CapEff CapBnd CapAmb; do
	eq "$cap" 0000000000000000 "$(field "$cap")"
done
eq "NoNewPrivs" 1 "$(field NoNewPrivs)"
eq "Seccomp (a filter)" 2 "$(field Seccomp)"
check "setuid(0) refused" grep -q "^setuid(0): -1 E" <<<"$out"
check "setgid(0) refused" grep -q "^setgid(0): -1 E" <<<"$out"
eq "hostname" forge "$(field hostname)"
devs=$(field dev | tr ' ' '\n' | sort | tr '\n' ' ')
if [ "$TEST_BACKEND" = docker ]; then
	# Docker's own /dev adds the container's private devpts and
	# mqueue instances, and /dev/tty (no terminal: ENXIO)
	eq "/dev has only harmless nodes" \
		"fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " "$devs"
else
	eq "/dev has only harmless nodes" \
		"fd full null random shm stderr stdin stdout urandom zero " "$devs"
fi
finish
