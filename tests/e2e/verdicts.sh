#!/bin/bash
# Every verdict, produced by a real program, with its detail and the
# measurements that go with it.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox

c() { write "$1" </dev/stdin; }

# OK, with measurements
ok=$(c ok.c <<'X'
#include <stdio.h>
int main(void) { printf("fine\n"); fprintf(stderr, "note\n"); return 0; }
X
)
forge_json "$ok"
eq "OK: verdict" OK "$(j .verdict)"
eq "OK: exit_code" 0 "$(j .exit_code)"
eq "OK: signal null" null "$(j .signal)"
eq "OK: stdout" fine "$(j .stdout)"
eq "OK: stderr" note "$(j .stderr)"
eq "OK: id null without history" null "$(j .id)"
check "OK: memory measured" test "$(j .memory_kb)" -gt 0
check "OK: enforced_by named" grep -qE '^(cgroup-v1|cgroup-v2|rlimit)$' <<<"$(j .enforced_by)"
eq "OK: limits in the result" 2000 "$(j .limits.time_ms)"
eq "OK: backend" "$TEST_BACKEND" "$(j .backend)"

# --pids N is N for the program (the sandbox's init is not counted)
forge_json "$ok" --pids 1
eq "--pids 1: a single process runs" OK "$(j .verdict)"
forker=$(c forker.c <<'X'
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
	int made = 0;
	for (int i = 0; i < 5; i++) {
		pid_t p = fork();
		if (p == 0) { sleep(1); _exit(0); }
		if (p > 0) made++;
	}
	printf("%d\n", made);
	while (wait(NULL) > 0);
	return 0;
}
X
)
forge_json "$forker" --pids 3
eq "--pids 3: the program and two children" 2 "$(j .stdout)"

# TLE by a CPU loop: the CPU time is the program's, near the limit
loop=$(c loop.c <<'X'
int main(void) { volatile unsigned long x = 0; for (;;) x++; }
X
)
forge_json "$loop" -t 0.5
eq "TLE cpu: verdict" TLE "$(j .verdict)"
eq "TLE cpu: exit status" 1 "$rc"
check "TLE cpu: detail names CPU time" grep -q "CPU time" <<<"$(j .detail)"
check "TLE cpu: time_ms >= 500" test "$(j .time_ms)" -ge 500

# TLE by sleeping: wall time, little CPU
sleeper=$(c sleep.py <<'X'
import time
time.sleep(60)
X
)
forge_json "$sleeper" --wall 1
eq "TLE wall: verdict" TLE "$(j .verdict)"
check "TLE wall: detail names wall time" grep -q "wall time" <<<"$(j .detail)"
check "TLE wall: wall_ms >= 1000" test "$(j .wall_ms)" -ge 1000
check "TLE wall: little CPU" test "$(j .time_ms)" -lt 500

# MLE
mem=$(c mem.c <<'X'
#include <stdlib.h>
#include <string.h>
int main(void) { for (;;) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 1, 1 << 20); } }
X
)
forge_json "$mem" -m 64M
eq "MLE: verdict" MLE "$(j .verdict)"
check "MLE: peak near the limit" test "$(j .memory_kb)" -ge 50000

# OLE
flood=$(c flood.py <<'X'
import sys
while True:
    sys.stdout.write("y" * 65536)
X
)
forge_json "$flood" --output 1M
eq "OLE: verdict" OLE "$(j .verdict)"
check "OLE: captured output bounded" test "$(j '.stdout | length')" -le 1048576

# OLE by the file size limit (SIGXFSZ)
big=$(c bigfile.c <<'X'
#include <stdio.h>
int main(void) { FILE *f = fopen("big", "w"); char b[4096] = {0}; for (;;) fwrite(b, 1, sizeof b, f); }
X
)
forge_json "$big" --fsize 1M
eq "OLE by file size: verdict" OLE "$(j .verdict)"

# RE with the signal's name
segv=$(c segv.c <<'X'
#include <stdio.h>
int main(void) { volatile int *p = 0; printf("%d\n", *p); return 0; }
X
)
forge_json "$segv"
eq "RE signal: verdict" RE "$(j .verdict)"
eq "RE signal: signal" SIGSEGV "$(j .signal)"
eq "RE signal: exit_code null" null "$(j .exit_code)"
abrt=$(c abrt.cpp <<'X'
#include <vector>
int main() { std::vector<int> v; return v.at(3); }
X
)
forge_json "$abrt"
eq "RE abort: signal" SIGABRT "$(j .signal)"

# RE by exit code
exit3=$(c exit3.py <<'X'
import sys
sys.exit(3)
X
)
forge_json "$exit3"
eq "RE exit: verdict" RE "$(j .verdict)"
eq "RE exit: exit_code" 3 "$(j .exit_code)"
eq "RE exit: detail" "exit code 3" "$(j .detail)"

# CE with the compiler's message
bad=$(c bad.c <<'X'
int main(void) { return undefined_thing; }
X
)
forge_json "$bad"
eq "CE: verdict" CE "$(j .verdict)"
eq "CE: exit status" 1 "$rc"
check "CE: compiler output kept" grep -q "undefined_thing" <<<"$(j .compile_output)"
eq "CE: nothing ran" null "$(j .exit_code)"

# CE: a compile-time bomb is stopped by the compiler's own limits
bomb=$(c bomb.c <<'X'
#include "/dev/zero"
int main(void) { return 0; }
X
)
forge_json "$bomb" --compile-mem 128M --compile-time 10
eq "compile bomb: verdict" CE "$(j .verdict)"
check "compile bomb: reason given ($(j .detail))" grep -qE "limit|compilation stopped" <<<"$(j .detail)"

# SV naming the system call
sv=$(c sv.c <<'X'
#include <unistd.h>
#include <sys/syscall.h>
int main(void) { syscall(SYS_keyctl, 0, 0, 0, 0, 0); return 0; }
X
)
forge_json "$sv"
eq "SV: verdict" SV "$(j .verdict)"
if [ "$TEST_BACKEND" = docker ]; then
	# the container's filter kills; Docker does not report the call
	eq "SV: syscall (docker: unknown)" null "$(j .syscall)"
	check "SV: detail says the call cannot be named" \
		grep -q "cannot name it" <<<"$(j .detail)"
else
	eq "SV: syscall" keyctl "$(j .syscall)"
	check "SV: detail names it" grep -q keyctl <<<"$(j .detail)"
fi

# without --json: output passes through, the summary goes to stderr
out=$("$FORGE" run "$ok" 2>"$TEST_TMP/summary")
eq "plain: stdout passes through" fine "$out"
check "plain: stderr passes through" grep -q '^note$' "$TEST_TMP/summary"
check "plain: summary line" grep -q '^forge: OK ' "$TEST_TMP/summary"
out=$("$FORGE" run -q "$ok" 2>&1 >/dev/null)
eq "quiet: no summary" note "$out"

# JSON stays valid whatever bytes the program prints
bytes=$(c bytes.c <<'X'
#include <stdio.h>
int main(void) { fwrite("a\0b\xff\xc3\x28\x1b[31m\"\\\n", 1, 13, stdout); return 0; }
X
)
forge_json "$bytes"
eq "raw bytes: verdict" OK "$(j .verdict)"
eq "raw bytes: NUL kept as \\u0000" true "$(j '.stdout | startswith("a\u0000b")')"
eq "raw bytes: invalid UTF-8 became U+FFFD" true "$(j '[.stdout | explode[] | select(. == 65533)] | length > 0')"
finish
