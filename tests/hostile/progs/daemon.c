/* Leaves daemons behind: a child setsid()s, ignores the usual signals and
 * forks twice more, once to exec "sleep 1000" under a marked argv[0] and
 * once to loop under a marked process name; then the child exits, so the
 * daemons are orphans with their own session and no stdio. The main
 * process then waits for one more line on stdin (the test looks at the
 * daemons from the host meanwhile) and exits 0. stdin: the argv[0]
 * marker, the name (< 16 bytes), then the line that ends the wait. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void
detach(void)
{
	int fd = open("/dev/null", O_RDWR);

	signal(SIGHUP, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

int
main(void)
{
	char argv0[128], name[16], line[16];
	pid_t child;

	if (fgets(argv0, sizeof argv0, stdin) == NULL ||
	    fgets(name, sizeof name, stdin) == NULL)
		return 2;
	argv0[strcspn(argv0, "\n")] = '\0';
	name[strcspn(name, "\n")] = '\0';
	child = fork();
	if (child == 0) {
		setsid();
		detach();
		if (fork() == 0) {
			execl("/bin/sleep", argv0, "1000", (char *)NULL);
			_exit(127);
		}
		if (fork() == 0) {
			setsid();
			prctl(PR_SET_NAME, name, 0, 0, 0);
			for (;;)
				sleep(1);
		}
		_exit(0);
	}
	waitpid(child, NULL, 0);
	printf("daemons started\n");
	fflush(stdout);
	if (fgets(line, sizeof line, stdin) == NULL)
		line[0] = '\0';
	printf("main exits\n");
	return 0;
}
