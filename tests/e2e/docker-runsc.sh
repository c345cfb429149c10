#!/bin/bash
# The docker backend under gVisor (--runtime runsc) against a private
# dockerd that registers runsc with --network=none and --oci-seccomp: the
# program sees gVisor's kernel, not the host's; a subset of the verdicts
# (OK with stdin, RE by exit code and by signal, TLE by CPU time, MLE,
# MLE in a judge -j 4),
# the runtime asked by a language file (runtime = runsc) and --runtime
# before it,
# Forge's seccomp policy (SV), a judge, the runtime named in forge
# doctor, and nothing of Forge's left in the daemon. Skipped, saying why,
# where runsc is not installed or gVisor cannot start a sandbox here.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/docker-lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v gcc >/dev/null || skip "gcc is not installed"
command -v runsc >/dev/null || skip "runsc is not installed (apt-get install runsc)"
docker_start

dj() { forge_json "$@" --backend docker --runtime runsc; }

write uname.c >/dev/null <<'C'
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>
int main(void)
{
	struct utsname u;
	char line[64] = "";
	if (uname(&u) != 0 || fgets(line, sizeof line, stdin) == NULL)
		return 2;
	printf("%s uid %d read %s", u.release, (int)getuid(), line);
	return 0;
}
C
echo hello >"$TEST_TMP/in.txt"
dj "$TEST_TMP/uname.c" -i "$TEST_TMP/in.txt"
if [ "$(j .verdict)" = IE ] && grep -qi "sandbox\|runsc\|gvisor" \
	<<<"$(j .detail)"; then
	skip "gVisor cannot start a sandbox here: $(j .detail)"
fi
eq "OK" OK "$(j .verdict)"
out=$(j .stdout)
eq "stdin in, stdout out, an unprivileged user" "uid 1000 read hello" \
	"${out#* }"
check "the kernel is gVisor's, not the host's ($(uname -r))" \
	[ "${out%% *}" != "$(uname -r)" ]
eq "the backend is said" docker "$(j .backend)"

# a language may ask for the runtime itself: runtime = runsc
mkdir -p "$XDG_CONFIG_HOME/forge/languages"
sed -e 's/^id = c$/id = cgv/' -e 's/^extensions = .c$/extensions = .cgv/' \
	-e 's/^name = .*/name = C under gVisor\nruntime = runsc/' \
	"$FORGE_SRCDIR/languages/c.lang" \
	>"$XDG_CONFIG_HOME/forge/languages/cgv.lang"
cp "$TEST_TMP/uname.c" "$TEST_TMP/uname.cgv"
forge_json "$TEST_TMP/uname.cgv" -i "$TEST_TMP/in.txt" --backend docker
eq "runtime = runsc in a language file: OK" OK "$(j .verdict)"
check "runtime = runsc in a language file: gVisor's kernel" \
	[ "$(j .stdout | cut -d' ' -f1)" != "$(uname -r)" ]
forge_json "$TEST_TMP/uname.cgv" -i "$TEST_TMP/in.txt" --backend docker \
	--runtime runc
eq "--runtime comes before the language's runtime" "$(uname -r)" \
	"$(j .stdout | cut -d' ' -f1)"

write exit3.c >/dev/null <<'C'
int main(void) { return 3; }
C
dj "$TEST_TMP/exit3.c"
eq "RE with the exit code" "RE 3" "$(j .verdict) $(j .exit_code)"

write segv.c >/dev/null <<'C'
int main(void) { volatile int *p = 0; return *p; }
C
dj "$TEST_TMP/segv.c"
eq "RE with the signal" "RE SIGSEGV" "$(j .verdict) $(j .signal)"

write spin.c >/dev/null <<'C'
int main(void) { volatile unsigned long x = 0; for (;;) x++; }
C
dj "$TEST_TMP/spin.c" -t 0.5 --wall 20
eq "TLE by CPU time" TLE "$(j .verdict)"
check "killed long before the wall limit" [ "$(j .wall_ms)" -lt 15000 ]

write mem.c >/dev/null <<'C'
#include <stdlib.h>
#include <string.h>
int main(void)
{
	for (;;) {
		char *p = malloc(1 << 20);
		if (p == NULL)
			return 3;
		memset(p, 1, 1 << 20);
	}
}
C
dj "$TEST_TMP/mem.c" -m 64M
eq "MLE" MLE "$(j .verdict)"

# Forge's policy, applied by gVisor's kernel (--oci-seccomp)
for what in mount ptrace-traceme bpf keyctl unshare-user; do
	echo "$what" >"$TEST_TMP/what.in"
	dj "$FORGE_SRCDIR/tests/hostile/progs/syscalls.c" -i "$TEST_TMP/what.in"
	eq "$what: SV" SV "$(j .verdict)"
	eq "$what: the call never came back" "" "$(j .stdout)"
done

mkdir -p "$TEST_TMP/tests"
printf '1 2\n' >"$TEST_TMP/tests/1.in"
printf '3\n' >"$TEST_TMP/tests/1.ans"
printf '5 7\n' >"$TEST_TMP/tests/2.in"
printf '13\n' >"$TEST_TMP/tests/2.ans"
write sum.c >/dev/null <<'C'
#include <stdio.h>
int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; printf("%ld\n", a + b); return 0; }
C
"$FORGE" judge --backend docker --runtime runsc --json --no-history \
	"$TEST_TMP/sum.c" "$TEST_TMP/tests" >"$TEST_TMP/judge.json" \
	2>"$TEST_TMP/judge.err"
eq "judge: the tests' verdicts" "AC WA" \
	"$(jq -r '[.tests[].verdict] | join(" ")' "$TEST_TMP/judge.json")"

# MLE in a judge of several containers at once: gVisor kills a program
# at the memory limit itself, now and then without the host's OOM
# killer (so neither the daemon nor the cgroup says OOM); its SIGKILL,
# which Forge did not send, is MLE all the same
mkdir -p "$TEST_TMP/mtests"
for i in $(seq 12); do
	echo x >"$TEST_TMP/mtests/$i.in"
	echo x >"$TEST_TMP/mtests/$i.ans"
done
"$FORGE" judge --backend docker --runtime runsc -j 4 -m 64M --json \
	--no-history "$TEST_TMP/mem.c" "$TEST_TMP/mtests" \
	>"$TEST_TMP/mjudge.json" 2>"$TEST_TMP/mjudge.err"
eq "judge -j 4 of a memory hog: every test MLE" "MLE" \
	"$(jq -r '[.tests[].verdict] | unique | join(" ")' "$TEST_TMP/mjudge.json")"

"$FORGE" doctor --backend docker --json >"$TEST_TMP/doctor.json" 2>&1
check "doctor lists runsc among the daemon's runtimes" \
	grep -q 'runsc' "$TEST_TMP/doctor.json"
eq "nothing of Forge's left in the daemon" 0 "$(docker_left)"
finish
