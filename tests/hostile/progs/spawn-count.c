/* Counts how many processes (stdin "fork") or threads ("thread") it can
 * start before the sandbox refuses one. Each waits, so all are alive at
 * once; each process carries the name on stdin's second line. Prints
 * "started N, then ERRNO" and exits 0: the test checks the refusal came
 * below the --pids limit. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define MAX 100000

static void *
idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int
main(void)
{
	char mode[16] = "", name[16] = "";
	pthread_attr_t small;
	int n, e = 0;

	/* small stacks of their own: the default is sized from RLIMIT_STACK,
	 * which the sandbox sets to the memory limit */
	pthread_attr_init(&small);
	pthread_attr_setstacksize(&small, 256 << 10);

	if (fgets(mode, sizeof mode, stdin) == NULL)
		return 2;
	if (fgets(name, sizeof name, stdin) != NULL) {
		name[strcspn(name, "\n")] = '\0';
		prctl(PR_SET_NAME, name, 0, 0, 0);
	}
	for (n = 0; n < MAX; n++) {
		if (strncmp(mode, "thread", 6) == 0) {
			pthread_t t;
			e = pthread_create(&t, &small, idle, NULL);
			if (e != 0)
				break;
		} else {
			pid_t p = fork();
			if (p == 0)
				idle(NULL);
			if (p < 0) {
				e = errno;
				break;
			}
		}
	}
	printf("started %d, then %s\n", n, e ? strerrorname_np(e) : "none");
	fflush(stdout);
	/* the sandbox kills the idle children when main exits */
	return 0;
}
