#!/bin/bash
# A judge keeps one sandbox root for all the tests of a build and gives
# each test fresh namespaces under it: nothing a test leaves behind
# (files, processes, IPC objects, sockets) reaches the next one, each
# limit still ends only its own test, and each test's CPU time and
# memory are its own.
. "$FORGE_SRCDIR/tests/lib.sh"
need_sandbox
need_lang c

marker="forge-reuse-$$-$RANDOM"
prog=$(write leave.c <<X
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* what earlier tests could have left: every finding is printed */
static int dirty(void)
{
	int n = 0, procs = 0;
	struct sockaddr_un a = {AF_UNIX, "\\0$marker"};
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (access("/tmp/left", F_OK) == 0 && ++n) puts("a file in /tmp");
	if (access("/work/left", F_OK) == 0 && ++n) puts("a file in /work");
	if (shmget(4242, 0, 0) >= 0 && ++n) puts("a shared memory segment");
	if (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0 && ++n)
		puts("a listening socket");
	while (d != NULL && (e = readdir(d)) != NULL)
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
			procs++;
	/* the init and this program */
	if (procs != 2 && ++n) printf("%d processes\n", procs);
	if (getpid() != 2 && ++n) printf("pid %d\n", (int)getpid());
	return n;
}

int main(void)
{
	char what[32] = "";
	struct sockaddr_un a = {AF_UNIX, "\\0$marker"};
	int s;

	if (scanf("%31s", what) != 1)
		return 1;
	if (dirty())
		return 0;
	puts("clean");
	fflush(stdout);
	/* leave everything behind */
	close(open("/tmp/left", O_WRONLY | O_CREAT, 0600));
	close(open("/work/left", O_WRONLY | O_CREAT, 0600));
	shmget(4242, 4096, IPC_CREAT | 0666);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(s, (struct sockaddr *)&a, sizeof a);
	listen(s, 1);
	/* the listener and one end of a pair sent into that pair: a cycle
	 * no process holds, which outlives the test until the kernel
	 * collects it */
	if (strcmp(what, "plain") == 0) {
		int sv[2], fds[2];
		char c = 0;
		union { char buf[CMSG_SPACE(sizeof fds)]; struct cmsghdr h; } u;
		struct iovec iov = {&c, 1};
		struct msghdr m = {0};
		struct cmsghdr *h;

		socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
		fds[0] = s;
		fds[1] = sv[1];
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = u.buf;
		m.msg_controllen = sizeof u.buf;
		h = CMSG_FIRSTHDR(&m);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof fds);
		memcpy(CMSG_DATA(h), fds, sizeof fds);
		sendmsg(sv[0], &m, 0);
		close(sv[0]);
		close(sv[1]);
		close(s);
	}
	/* a process in a session of its own, outliving this one */
	if (fork() == 0) {
		setsid();
		execl("/usr/bin/sleep", "$marker", "1000", (char *)0);
		_exit(1);
	}
	if (strcmp(what, "cpu") == 0) {
		volatile unsigned long x = 0;
		clock_t end = clock() + CLOCKS_PER_SEC / 2;
		while (clock() < end)
			x++;
	} else if (strcmp(what, "mem") == 0) {
		volatile char *p = malloc(40 << 20);
		for (size_t i = 0; i < (40 << 20); i += 4096)
			p[i] = 1;
	} else if (strcmp(what, "loop") == 0) {
		for (;;)
			;
	} else if (strcmp(what, "bomb") == 0) {
		for (;;) {
			volatile char *p = malloc(1 << 20);
			for (size_t i = 0; i < (1 << 20); i += 4096)
				p[i] = 1;
		}
	} else if (strcmp(what, "flood") == 0) {
		for (;;)
			fputs("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n", stdout);
	} else if (strcmp(what, "hang") == 0) {
		pause();
	} else if (strcmp(what, "crash") == 0) {
		*(volatile int *)0 = 1;
	}
	return 0;
}
X
)
# the test programs' daemons still alive, and waits for them
left() { pgrep -f -c "^$marker 1000\$"; }
running() { [ "$(left)" -ge 2 ]; }
gone() { [ "$(left)" -eq 0 ]; }
# within N COMMAND...: COMMAND succeeds within N times 50 ms
within() {
	local n=$1
	shift
	for _ in $(seq "$n"); do
		"$@" && return 0
		sleep 0.05
	done
	"$@"
}

tests=$TEST_TMP/tests
mkdir -p "$tests"
i=0
for what in plain cpu plain mem plain loop plain bomb plain flood plain \
	crash plain; do
	i=$((i + 1))
	echo "$what" >"$tests/$i.in"
	echo clean >"$tests/$i.ans"
done

rc=0
"$FORGE" judge --json --no-history -j 1 --time 2 --mem 64M --output 1M \
	"$prog" "$tests" >"$TEST_TMP/last.json" 2>"$TEST_TMP/last.err" || rc=$?
jq -e . "$TEST_TMP/last.json" >/dev/null || cat "$TEST_TMP/last.err" >&2
t() { j ".tests[] | select(.name == \"$1\") | $2"; }

eq "each test's verdict" \
	"AC AC AC AC AC TLE AC MLE AC OLE AC RE AC" \
	"$(j '[.tests[].verdict] | join(" ")')"
# a test that fails for its own reason says so: never what an earlier
# test left behind (each AC above printed "clean" after looking)
check "the CPU-heavy test is charged its CPU ($(t 2 .time_ms) ms)" \
	test "$(t 2 .time_ms)" -ge 350
check "the test after it starts from zero ($(t 3 .time_ms) ms)" \
	test "$(t 3 .time_ms)" -le 100
check "the 40 MB test is charged its memory ($(t 4 .memory_kb) KB)" \
	test "$(t 4 .memory_kb)" -ge 40000
check "the test after it is not ($(t 5 .memory_kb) KB)" \
	test "$(t 5 .memory_kb)" -le 20000
check "the tests after a TLE, an MLE and an OLE are clean" \
	test "$(t 7 .verdict)$(t 9 .verdict)$(t 11 .verdict)" = ACACAC
eq "no process of any test outlives the judge" 0 "$(left)"

# two workers, each with its kept root
rc=0
"$FORGE" judge --json --no-history -j 2 --mem 64M "$prog" "$tests" \
	--only 1 --only 3 --only 5 --only 7 --only 9 --only 11 --only 13 \
	>"$TEST_TMP/last.json" 2>"$TEST_TMP/last.err" || rc=$?
eq "-j 2: every test clean" "AC AC AC AC AC AC AC" \
	"$(j '[.tests[].verdict] | join(" ")')"
eq "-j 2: exit 0" 0 "$rc"
eq "-j 2: no process left" 0 "$(left)"

# the judge killed in the middle of its tests: every test dies with it
for i in 1 2 3 4; do echo hang >"$tests/$i.in"; done
"$FORGE" judge --no-history -j 2 --wall 60 --time 60 "$prog" "$tests" \
	--only 1 --only 2 --only 3 --only 4 >/dev/null 2>&1 &
judge_pid=$!
check "a judge's tests are running" within 100 running
kill -9 "$judge_pid"
{ wait "$judge_pid"; } 2>/dev/null
check "judge killed: no process of its tests is left" within 40 gone
finish
