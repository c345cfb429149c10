/* A program that picks its own way to die, to forge a verdict: the word
 * on stdin says how. "xcpu", "sys", "xfsz", "kill": it sends itself that
 * signal at once, having used no CPU time, made no forbidden call and
 * written no file. "spin": it burns CPU until a limit stops it (the
 * control for TLE). "x32-mount": a forbidden call through the x32 ABI
 * (the control for SV). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main(void)
{
	char what[32] = "";
	volatile unsigned long n = 0;

	if (scanf("%31s", what) != 1)
		return 2;
	if (strcmp(what, "spin") == 0)
		for (;;)
			n++;
	if (strcmp(what, "x32-mount") == 0)
		syscall(0x40000000 | SYS_mount, "none", "/tmp", "tmpfs", 0, "");
	if (strcmp(what, "xcpu") == 0)
		kill(getpid(), SIGXCPU);
	if (strcmp(what, "sys") == 0)
		kill(getpid(), SIGSYS);
	if (strcmp(what, "xfsz") == 0)
		kill(getpid(), SIGXFSZ);
	if (strcmp(what, "kill") == 0)
		kill(getpid(), SIGKILL);
	printf("%s: still alive\n", what);
	return 0;
}
