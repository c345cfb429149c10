#!/bin/bash
# Secrets planted on the host (home, /tmp, /var/tmp, /etc, /dev/shm, the
# source's directory, forge's cache) cannot be read from the sandbox:
# not by their path, not through /proc/*/root, /proc/*/cwd, /proc/*/fd,
# /prog/.. or ../.. from /work, not by searching every visible file, and
# not at compile time (#include, .incbin). Neither a secret's content nor
# its file name may appear anywhere in forge's result. Each attack is
# first run on the host without a sandbox, where it must find them.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c

name_tok=$(token)
content_tok=$(token)
planted=()
trap 'rm -f "${planted[@]}"; rm -rf "$TEST_TMP"' EXIT

# compile once first: forge's cache directories then exist
cp "$PROGS/read-secrets.c" "$TEST_TMP/hunt.c"
forge_json "$TEST_TMP/hunt.c" -i /dev/null
eq "the hunter compiles and runs" OK "$(j .verdict)"
cache=$XDG_CACHE_HOME/forge

for dir in "$HOME" /root /tmp /var/tmp /etc /run /dev/shm "$TEST_TMP" \
	"$cache" "$cache/build"; do
	[ -d "$dir" ] && [ -w "$dir" ] || continue
	f=$dir/forge-secret-$name_tok
	case " ${planted[*]} " in *" $f "*) continue ;; esac
	printf 'forge-secret-content-%s in %s\n' "$content_tok" "$dir" >"$f" ||
		continue
	planted+=("$f")
done
echo "planted ${#planted[@]} secrets: ${planted[*]}"
check "secrets planted in at least 5 places" [ ${#planted[@]} -ge 5 ]
{
	echo walk
	printf '%s\n' "${planted[@]}" /etc/shadow /etc/gshadow /root/.bashrc
} >"$TEST_TMP/paths.in"

# The control: on the host the hunter finds every one of them.
if hunter=$(host_cc read-secrets) && [ -n "$hunter" ]; then
	sed 1s/walk/nowalk/ "$TEST_TMP/paths.in" | "$hunter" \
		>"$TEST_TMP/host.out"
	found=$(grep -o "forge-secret-content-$content_tok in [^ ]*" \
		"$TEST_TMP/host.out" | sort -u | wc -l)
	eq "control: on the host the hunter reads every secret" \
		${#planted[@]} "$found"
fi

forge_json "$TEST_TMP/hunt.c" -i "$TEST_TMP/paths.in" -t 5 --wall 15
eq "sandbox: verdict" OK "$(j .verdict)"
check "sandbox: the hunter did its search ($(j .stdout | grep "^tried"))" \
	grep -q "^tried [0-9]* paths" <<<"$(j .stdout)"
check "sandbox: no secret content in the result" not_in_result "$content_tok"
check "sandbox: no secret file name in the result" not_in_result "$name_tok"
if [ -r /etc/shadow ] && line=$(grep -m1 ':' /etc/shadow) && [ -n "$line" ]
then
	check "sandbox: the host's /etc/shadow is not seen" not_in_result "$line"
fi

# Compile time: the compiler runs in the sandbox too.
secret=${planted[0]}
cat >"$TEST_TMP/include.c" <<EOF2
#include "$secret"
int main(void) { return 0; }
EOF2
cat >"$TEST_TMP/incbin.c" <<EOF2
#include <stdio.h>
__asm__(".section .rodata\n.global blob\nblob:\n.incbin \"$secret\"\n"
	".byte 0\n.text\n");
extern const char blob[];
int main(void) { puts(blob); return 0; }
EOF2
if command -v gcc >/dev/null; then
	gcc -o "$TEST_TMP/inc" "$TEST_TMP/include.c" >"$TEST_TMP/inc.out" 2>&1
	check "control: on the host #include shows the secret" \
		grep -q "$content_tok" "$TEST_TMP/inc.out"
	gcc -o "$TEST_TMP/incbin" "$TEST_TMP/incbin.c" &&
		"$TEST_TMP/incbin" >"$TEST_TMP/incbin.out"
	check "control: on the host .incbin embeds the secret" \
		grep -q "$content_tok" "$TEST_TMP/incbin.out"
fi
for f in include incbin; do
	forge_json "$TEST_TMP/$f.c"
	eq "$f: verdict" CE "$(j .verdict)"
	check "$f: the compiler could not find the file" \
		grep -qiE "No such file|file not found" <<<"$(j .compile_output)"
	check "$f: no secret content in the result" not_in_result "$content_tok"
done
finish
