#!/bin/bash
# The program learns no host path: the source sits in a host directory
# with a random name, and forge's cache in another; neither name may show
# up in anything the program can read about its surroundings (/proc/1's
# command line and status, the mount table, its cgroups), and the host
# name is the sandbox's own.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang bash

src_tok=forge-srcdir-$(token)
cache_tok=forge-cachedir-$(token)
mkdir -p "$TEST_TMP/$src_tok"
cp "$PROGS/host-info.sh" "$TEST_TMP/$src_tok/info.sh"
export XDG_CACHE_HOME=$TEST_TMP/$cache_tok

forge_json "$TEST_TMP/$src_tok/info.sh"
eq "verdict" OK "$(j .verdict)"
check "the program read its mount table" \
	grep -q ' /work ' <<<"$(j .stdout)"
check "the source's host directory is not seen" not_in_result "$src_tok"
check "forge's cache directory is not seen" not_in_result "$cache_tok"
eq "the host name inside" "forge forge" \
	"$(j .stdout | sed -n '/^== .*hostname$/{n;p}' | tr '\n' ' ' | sed 's/ *$//')"
finish
