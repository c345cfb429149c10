#!/bin/bash
# The docker backend against a private dockerd: every verdict, a judge,
# and the host side (no container or volume left after a run, nor after
# a forge killed mid-run once the next one starts; the host's secrets
# not visible; no network).
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/docker-lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v gcc >/dev/null || skip "gcc is not installed"
docker_start

dj() { forge_json "$@" --backend docker; }

write ok.c >/dev/null <<'C'
#include <stdio.h>
#include <unistd.h>
int main(void)
{
	char line[64] = "";
	if (fgets(line, sizeof line, stdin) == NULL)
		return 2;
	printf("uid %d read %s", (int)getuid(), line);
	return 0;
}
C
echo hello >"$TEST_TMP/in.txt"
dj "$TEST_TMP/ok.c" -i "$TEST_TMP/in.txt"
eq "OK" OK "$(j .verdict)"
eq "stdin in, stdout out, an unprivileged user" "uid 1000 read hello" \
	"$(j .stdout | tr -d '\n')"
eq "the backend is said" docker "$(j .backend)"
check "a cgroup held the limits" grep -q '"enforced_by":"cgroup-v' \
	"$TEST_TMP/last.json"
eq "nothing of Forge's left in the daemon" 0 "$(docker_left)"

write segv.c >/dev/null <<'C'
int main(void) { volatile int *p = 0; return *p; }
C
dj "$TEST_TMP/segv.c"
eq "RE with the signal" "RE SIGSEGV" "$(j .verdict) $(j .signal)"

write exit3.c >/dev/null <<'C'
int main(void) { return 3; }
C
dj "$TEST_TMP/exit3.c"
eq "RE with the exit code" "RE 3" "$(j .verdict) $(j .exit_code)"

write spin.c >/dev/null <<'C'
int main(void) { volatile unsigned long x = 0; for (;;) x++; }
C
dj "$TEST_TMP/spin.c" -t 0.5 --wall 20
eq "TLE by CPU time" TLE "$(j .verdict)"
check "the CPU time passed the limit" [ "$(j .time_ms)" -ge 500 ]
check "killed long before the wall limit" [ "$(j .wall_ms)" -lt 15000 ]

write sleep.c >/dev/null <<'C'
#include <unistd.h>
int main(void) { sleep(60); return 0; }
C
dj "$TEST_TMP/sleep.c" --wall 1
eq "TLE by wall time" TLE "$(j .verdict)"
check "the wall time was the one over" grep -q "wall" "$TEST_TMP/last.json"

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
check "peak memory measured near the limit" [ "$(j .memory_kb)" -ge 32768 ]

write flood.c >/dev/null <<'C'
#include <stdio.h>
int main(void) { for (;;) puts("0123456789012345678901234567890123456789"); }
C
dj "$TEST_TMP/flood.c" --output 1M
eq "OLE" OLE "$(j .verdict)"
eq "the output kept up to its limit" 1048576 "$(j '.stdout | length')"

write bad.c >/dev/null <<'C'
int main(void) { return undeclared; }
C
dj "$TEST_TMP/bad.c"
eq "CE" CE "$(j .verdict)"
check "the compiler's message kept" grep -q undeclared "$TEST_TMP/last.json"

# Forge's seccomp policy, the container's profile, kills at this call: SV
# as on ns, and the call never comes back
write sys.c >/dev/null <<'C'
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
	long r = syscall(SYS_kexec_load, 0, 0, 0, 0);
	printf("kexec_load %ld %d\n", r, errno);
	return r == 0;
}
C
dj "$TEST_TMP/sys.c"
eq "a forbidden system call ends the run" "SV" "$(j .verdict)"
eq "the call never came back" "" "$(j .stdout)"

# no network: not even a socket to the outside
write net.c >/dev/null <<'C'
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int main(void)
{
	struct sockaddr_in a;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(53);
	inet_pton(AF_INET, "10.0.0.1", &a.sin_addr);
	if (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0)
		puts("connected");
	else
		puts("no network");
	return 0;
}
C
dj "$TEST_TMP/net.c"
eq "no network" "no network" "$(j .stdout | tr -d '\n')"

# the host's secrets: planted where a program might look
tok=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
planted=("/root/forge-secret-$tok" "/tmp/forge-secret-$tok" \
	"/etc/forge-secret-$tok" "$TEST_TMP/forge-secret-$tok")
trap 'rm -f "${planted[@]}"; docker_stop' EXIT
for f in "${planted[@]}"; do echo "secret-content-$tok" >"$f"; done
write hunt.py >/dev/null <<'PY'
import os
found = []
for top in ["/root", "/tmp", "/etc", "/home", "/work", "/prog", "/run"]:
    for d, dirs, files in os.walk(top):
        for f in files:
            p = os.path.join(d, f)
            found.append(p)
            try:
                with open(p, "rb") as fh:
                    found.append(fh.read(256).decode("latin-1"))
            except OSError:
                pass
print("\n".join(found))
PY
dj "$TEST_TMP/hunt.py" --output 16M
eq "the hunter ran" OK "$(j .verdict)"
check "no secret's name or content seen" \
	bash -c "! grep -q '$tok' '$TEST_TMP/last.json'"
check "the host's shadow file is not there" \
	bash -c "! grep -q '/etc/shadow' '$TEST_TMP/last.json'"

# a judge: compiled once, each test in a container
mkdir -p "$TEST_TMP/tests"
printf '1 2\n' >"$TEST_TMP/tests/1.in"
printf '3\n' >"$TEST_TMP/tests/1.ans"
printf '5 7\n' >"$TEST_TMP/tests/2.in"
printf '12\n' >"$TEST_TMP/tests/2.ans"
printf '1 1\n' >"$TEST_TMP/tests/3.in"
printf '3\n' >"$TEST_TMP/tests/3.ans"
write sum.c >/dev/null <<'C'
#include <stdio.h>
int main(void) { long a, b; scanf("%ld %ld", &a, &b); printf("%ld\n", a + b); }
C
"$FORGE" judge --backend docker --json --no-history "$TEST_TMP/sum.c" \
	"$TEST_TMP/tests" >"$TEST_TMP/judge.json" 2>"$TEST_TMP/judge.err"
eq "judge: the tests' verdicts" "AC AC WA" \
	"$(jq -r '[.tests[].verdict] | join(" ")' "$TEST_TMP/judge.json")"
eq "judge: the overall verdict" WA "$(jq -r .verdict "$TEST_TMP/judge.json")"
eq "nothing left after the judge" 0 "$(docker_left)"

# the build cache knows the image by content: a language's image rebuilt
# under the same name is another toolchain, and the build is made anew
mkdir -p "$XDG_CONFIG_HOME/forge/languages"
sed -e 's/^id = c$/id = cimg/' -e 's/^extensions = .c$/extensions = .cimg/' \
	-e 's|^name = .*|name = C in an image of its own\nimage = forge/test:1|' \
	"$FORGE_SRCDIR/languages/c.lang" \
	>"$XDG_CONFIG_HOME/forge/languages/cimg.lang"
cp "$TEST_TMP/exit3.c" "$TEST_TMP/exit3.cimg"
img() { printf 'FROM forge/base:latest\nLABEL forge.test=%s\n' "$1" |
	docker build -q -t forge/test:1 - >/dev/null 2>&1; }
img 1
dj "$TEST_TMP/exit3.cimg"
eq "an image of its own: compiled" "RE false" \
	"$(j .verdict) $(j .build_cached)"
dj "$TEST_TMP/exit3.cimg"
eq "the same image: the build is reused" "RE true" \
	"$(j .verdict) $(j .build_cached)"
img 2
dj "$TEST_TMP/exit3.cimg"
eq "the image rebuilt under its name: compiled anew" "RE false" \
	"$(j .verdict) $(j .build_cached)"
docker rmi -f forge/test:1 >/dev/null 2>&1

# forge killed mid-run: its container stays until the next forge starts
"$FORGE" run --backend docker --no-history --wall 60 "$TEST_TMP/sleep.c" \
	>/dev/null 2>&1 &
victim=$!
# its own container, or the pool's it claimed (by id: the slot may be
# made anew)
running() { [ -n "$(docker_pool_busy)" ] || [ "$(docker_left)" -gt 0 ]; }
for _ in $(seq 100); do
	running && break
	sleep 0.1
done
check "the run's container was there" running
busy=$(for c in $(docker_pool_busy); do docker inspect -f '{{.Id}}' "$c"; done)
kill -9 $victim
wait $victim 2>/dev/null
dj "$TEST_TMP/exit3.c"
eq "the next run works" RE "$(j .verdict)"
eq "the killed forge's container and volumes are gone" 0 "$(docker_left)"
for c in $busy; do
	check "the killed forge's pool container is gone" \
		eval "! docker inspect $c >/dev/null 2>&1"
done
eq "forge with the pool off removes the pool" 0 "$(docker_drain)"

finish
