#!/bin/bash
# Writing outside /work and /tmp: files, directories and symlinks aimed
# at /, /usr, /etc, /prog, /home, /root, /dev, /proc, the caller's home,
# a host directory the test names and forge's cache, directly and through
# /proc/*/root and "..". None of them may exist on the host afterwards,
# and forge's build cache (bound at /prog) is unchanged. The program's
# own /work and /tmp writes work, inside only.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c

mark=forge-written-$(token)
hostdir=$TEST_TMP/hostdir
mkdir -p "$hostdir"
chmod 777 "$hostdir"
forge_json "$PROGS/write-outside.c" -i /dev/null # compile: the cache exists
build=$XDG_CACHE_HOME/forge/build

targets=(/ /usr /usr/bin /usr/local /etc /prog /home /root /dev /proc /sys
	/var/tmp /run "$HOME" "$hostdir" "$build" "$PWD" /tmp /work)
printf '%s\n' "${targets[@]/%//$mark}" >"$TEST_TMP/targets.in"

# every path the program tried, as the host sees it (/tmp and /work
# included: the host must not see the sandbox's)
host_has() {
	local t p
	for t in "${targets[@]}"; do
		for p in "$t/$mark" "$t/$mark.d" "$t/$mark.lnk"; do
			if [ -e "$p" ] || [ -L "$p" ]; then echo "$p"; fi
		done
	done
	find / "$TEST_TMP" -maxdepth 3 -xdev -name "$mark*" 2>/dev/null
}

# The control: without a sandbox the program writes into the host
# directory, and the check sees it.
if prog=$(host_cc write-outside) && [ -n "$prog" ]; then
	echo "$hostdir/$mark" | (cd "$hostdir" && "$prog") >/dev/null
	check "control: the host check finds what the program wrote" \
		grep -q "^$hostdir/$mark.lnk\$" <<<"$(host_has)"
	rm -rf "${hostdir:?}"/*
fi

snapshot() {
	# files with their times; directories without (forge marks a
	# build's last use on its directory)
	find "$build" \( -type d -printf '%p %m\n' \) -o -printf '%p %s %m %T@\n' | sort
}
snapshot >"$TEST_TMP/cache.before"
forge_json "$PROGS/write-outside.c" -i "$TEST_TMP/targets.in"
eq "verdict" OK "$(j .verdict)"
out=$(j .stdout)
check "the program ran through its list" grep -q '^done$' <<<"$out"
check "inside, /work is writable" grep -q "^CREATED /work/$mark\$" <<<"$out"
check "inside, /tmp is writable" grep -q "^CREATED /tmp/$mark\$" <<<"$out"
created=$(grep '^CREATED' <<<"$out" |
	grep -Ev "^CREATED (/work/|/tmp/|/proc/self/root/(work|tmp)/|(\.\./)+(work|tmp)/|/prog/(\.\./)+(work|tmp)/)")
eq "inside, nothing was created outside /work and /tmp" "" "$created"
eq "on the host, none of the files exists" "" "$(host_has)"
snapshot >"$TEST_TMP/cache.after"
check "forge's build cache is unchanged" \
	cmp -s "$TEST_TMP/cache.before" "$TEST_TMP/cache.after"
finish
