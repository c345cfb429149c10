/* kill(-1, SIGKILL) and friends: signals everything the program may
 * signal. It first starts three children (which kill(-1) must reach),
 * then also aims SIGKILL at the sandbox's init and at the host pids the
 * test gives on stdin (a canary's). Prints what happened and exits 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* kill(0, ...) from a child reaches the whole process group, the
 * program included; run it in a child of its own group so the program
 * lives to report. */
static int
kill_group_from_child(void)
{
	pid_t p = fork();
	int st;

	if (p == 0) {
		setpgid(0, 0);
		kill(0, SIGKILL);
		_exit(0);
	}
	waitpid(p, &st, 0);
	return WIFSIGNALED(st) ? WTERMSIG(st) : -1;
}

int
main(void)
{
	char line[64];
	int i, st, killed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < 3; i++)
		if (fork() == 0)
			for (;;)
				pause();
	printf("kill(-1, SIGTERM): %d\n", kill(-1, SIGTERM));
	printf("kill(-1, SIGKILL): %d\n", kill(-1, SIGKILL));
	printf("kill(1, SIGKILL): %d\n", kill(1, SIGKILL));
	printf("kill(0, SIGKILL) from a child: %d\n", kill_group_from_child());
	while (fgets(line, sizeof line, stdin) != NULL) {
		int pid = atoi(line), r;
		if (pid <= 0)
			continue;
		r = kill(pid, SIGKILL);
		printf("kill(%d, SIGKILL): %d %s\n", pid, r,
		       r < 0 ? strerrorname_np(errno) : "");
	}
	while (wait(&st) > 0)
		if (WIFSIGNALED(st))
			killed++;
	printf("children killed: %d\n", killed);
	printf("the program survived its own kill(-1)\n");
	return 0;
}
