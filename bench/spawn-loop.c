/* spawn-loop: run a command N times, print the wall time per run.
 *
 *   spawn-loop N PROG [ARG...]
 *
 * Each run is one posix_spawnp + waitpid, with stdin from /dev/null and
 * stdout/stderr to /dev/null, one after the other. The loop is timed as
 * a whole with CLOCK_MONOTONIC and the mean per run is printed in
 * milliseconds, so every command is measured the same way and the
 * driver's own start-up is not counted. Exits 1 at the first run that
 * does not exit 0 (saying which and how), 2 on a usage error. Used by
 * bench/run-overhead.sh, which compiles it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	char *end;
	long n, i;
	double t0, t1;
	int null, err, status;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: spawn-loop N PROG [ARG...]\n");
		return 2;
	}
	errno = 0;
	n = strtol(argv[1], &end, 10);
	if (errno != 0 || *end != '\0' || n < 1) {
		fprintf(stderr, "spawn-loop: bad count '%s'\n", argv[1]);
		return 2;
	}
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0) {
		perror("spawn-loop: /dev/null");
		return 2;
	}
	/* dup2 onto 0-2 clears close-on-exec there; the original fd stays
	 * close-on-exec, so the child gets exactly stdin, stdout, stderr */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, null, 0);
	posix_spawn_file_actions_adddup2(&fa, null, 1);
	posix_spawn_file_actions_adddup2(&fa, null, 2);

	t0 = now_ms();
	for (i = 0; i < n; i++) {
		err = posix_spawnp(&pid, argv[2], &fa, NULL, argv + 2, environ);
		if (err != 0) {
			fprintf(stderr, "spawn-loop: run %ld: %s: %s\n", i + 1,
			        argv[2], strerror(err));
			return 1;
		}
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR) {
				perror("spawn-loop: waitpid");
				return 1;
			}
		}
		if (WIFSIGNALED(status)) {
			fprintf(stderr,
			        "spawn-loop: run %ld: %s: killed by %s\n",
			        i + 1, argv[2], strsignal(WTERMSIG(status)));
			return 1;
		}
		if (WEXITSTATUS(status) != 0) {
			fprintf(stderr, "spawn-loop: run %ld: %s: exit %d\n",
			        i + 1, argv[2], WEXITSTATUS(status));
			return 1;
		}
	}
	t1 = now_ms();
	posix_spawn_file_actions_destroy(&fa);
	printf("%.4f\n", (t1 - t0) / (double)n);
	return 0;
}
