#!/bin/bash
# Hard links in a build on the docker backend, against a private dockerd.
# A compile that leaves a file and a hard link to it: both names come
# back into the build, each with the file's content, as on ns (a copy
# each), whether the compile ran in a container of its own (the archive
# API's GET, where the second name is a link entry) or in the warm pool.
# A build whose files are hard links of each other reaches /prog with
# its links (the archive forge puts there carries them as link entries),
# through the archive API (PUT) and through the pool alike.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/docker-lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v bash >/dev/null || skip "bash is not installed"
docker_start

mkdir -p "$XDG_CONFIG_HOME/forge/languages"
cat >"$XDG_CONFIG_HOME/forge/languages/lnk.lang" <<'L'
[language]
id = lnk
name = Linked
extensions = .lnk
source = main.lnk
compile = bash main.lnk
run = bash -c "cat /prog/first /prog/second && stat -c %h /prog/first"
version = bash --version
artifacts = *
L

dj() { forge_json "$@" --backend docker; }

# $1: what the compile script says first (a comment makes a new build)
build_with_link() {
	printf '# %s\nprintf "%%s\\n" "linked content" >first\nln first second\n' \
		"$1" >"$TEST_TMP/prog.lnk"
}

for pool in 0 2; do
	build_with_link "pool $pool"
	FORGE_DOCKER_POOL=$pool dj "$TEST_TMP/prog.lnk"
	eq "pool $pool: the compile's hard link comes back: verdict" OK "$(j .verdict)"
	eq "pool $pool: both names hold the content (a copy each, as on ns)" \
		"linked content
linked content
1" "$(j .stdout)"
done

# the builds in the cache, their second name made a hard link of the first
n=0
for b in "$XDG_CACHE_HOME"/forge/build/*/; do
	[ -f "$b/first" ] && [ -f "$b/second" ] || continue
	ln -f "$b/first" "$b/second" && n=$((n + 1))
	eq "a build in the cache has a hard link" 2 "$(stat -c %h "$b/first")"
done
eq "both builds are in the cache" 2 "$n"
build_with_link "pool 0"
for pool in 0 2; do
	FORGE_DOCKER_POOL=$pool dj "$TEST_TMP/prog.lnk"
	eq "pool $pool: a build with a hard link: verdict" OK "$(j .verdict)"
	eq "pool $pool: /prog has the link (two names, one file)" \
		"linked content
linked content
2" "$(j .stdout)"
done

check "nothing of Forge's is left in the daemon but the pool" \
	test "$(docker_left)" = 0
finish
