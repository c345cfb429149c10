#!/bin/bash
# A compile step is the program's too: with a user language whose
# "compile" is the submitted shell script, the script leaves symlinks to
# host files (the test's secret, /etc/passwd), a hard link, a setuid copy
# of a binary, a FIFO, a directory and odd names among the artifacts, and
# writes to host paths. forge brings back regular files only (no link is
# followed, no setuid bit kept), the run sees no host content through
# them, and no host file is touched.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang bash

secret=forge-link-secret-$(token)
target=$TEST_TMP/target
echo "$secret" >"$target"
chmod 644 "$target"
sum0=$(sha256sum "$target" /etc/passwd)
stat0=$(stat -c '%i %s %Y' "$target" /etc/passwd)
passwd_line=$(grep -m1 -v '^root:' /etc/passwd) # the sandbox has none

mkdir -p "$XDG_CONFIG_HOME/forge/languages"
lang() {
	cat >"$XDG_CONFIG_HOME/forge/languages/$1.lang" <<EOF2
[language]
id = $1
name = Hostile $1
extensions = .$1
source = main.$1
compile = bash main.$1
run = bash -c "ls -la /prog; for f in /prog/*; do echo == \$f; tr -d '\000' <\$f; done"
version = bash --version
artifacts = $2
EOF2
}

# 1. The only artifact is a symlink to a host file: no program at all.
lang evila main
cat >"$TEST_TMP/prog.evila" <<EOF2
ln -s "$target" main
EOF2
forge_json "$TEST_TMP/prog.evila"
eq "link as the program: verdict" CE "$(j .verdict)"
check "link as the program: forge says no program came out" \
	grep -q "produced no program" <<<"$(j .detail)"
check "link as the program: the secret is nowhere in the result" \
	not_in_result "$secret"

# 2. Every kind of file at once.
lang evilb '*'
cat >"$TEST_TMP/prog.evilb" <<EOF2
echo ok >ok
ln -s "$target" target
ln -s /etc/passwd passwd
ln -s /proc/1/root/etc/passwd initpasswd
ln ok hard
cp /bin/true suid && chmod 4755 suid
mkfifo fifo
mkdir dir && echo inner >dir/inner
echo hidden >.hidden
echo odd >"\$(printf 'odd\nname')"
echo pwned >"$target"
echo pwned >"$TEST_TMP/planted"
exit 0
EOF2
forge_json "$TEST_TMP/prog.evilb"
eq "mixed: verdict" OK "$(j .verdict)"
out=$(j .stdout)
build=$(find "$XDG_CACHE_HOME/forge/build" -mindepth 2 -name ok \
	-printf '%h\n' | head -1)
check "mixed: the regular file came back" [ -n "$build" -a -f "$build/ok" ]
eq "mixed: no symlink in the cache" "" \
	"$(find "$XDG_CACHE_HOME" -type l)"
eq "mixed: no setuid or setgid file in the cache" "" \
	"$(find "$XDG_CACHE_HOME" -perm /6000)"
eq "mixed: no FIFO or device in the cache" "" \
	"$(find "$XDG_CACHE_HOME" -type p -o -type c -o -type b)"
eq "mixed: no directory from the compile in the cache" "" \
	"$(find "$build" -mindepth 1 -type d)"
eq "mixed: no hidden or oddly named file" "" \
	"$(find "$build" -mindepth 1 -name '.*' ! -name .forge-build -o \
		-name '*[[:cntrl:]]*')"
check "mixed: the hard link came back as a plain copy" \
	[ "$(cat "$build/hard" 2>/dev/null)" = ok ]
check "mixed: the setuid binary lost its bit (mode $(stat -c %a "$build/suid" 2>/dev/null))" \
	[ "$(stat -c %a "$build/suid" 2>/dev/null)" = 755 ]
check "mixed: the run listed /prog" grep -q "^== /prog/ok" <<<"$out"
check "mixed: the secret is nowhere in the result" not_in_result "$secret"
if [ -n "$passwd_line" ]; then
	check "mixed: the host's /etc/passwd is nowhere in the result" \
		not_in_result "$passwd_line"
fi

eq "the host target is unchanged" "$sum0" "$(sha256sum "$target" /etc/passwd)"
eq "the host target was not rewritten" "$stat0" \
	"$(stat -c '%i %s %Y' "$target" /etc/passwd)"
check "no file was planted on the host" [ ! -e "$TEST_TMP/planted" ]
finish
