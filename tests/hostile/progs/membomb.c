/* Memory bombs. stdin "grow": one process touches memory 1 MiB at a time
 * for ever. "children N MB": N children each touch MB MiB, hold it for a
 * while and exit; together they exceed the run's limit although each
 * alone stays under it. The program prints what its children did and
 * exits 0 when it survives, so only the sandbox makes the verdict MLE.
 * An optional second line names the processes, for the host to find. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void
touch(size_t mb)
{
	size_t i;

	for (i = 0; i < mb; i++) {
		char *p = malloc(1 << 20);
		if (p == NULL) {
			printf("malloc failed after %zu MiB\n", i);
			fflush(stdout);
			exit(3);
		}
		memset(p, (int)i | 1, 1 << 20);
	}
}

int
main(void)
{
	char line[64], name[16];
	int n, mb, i, st;

	if (fgets(line, sizeof line, stdin) == NULL)
		return 2;
	if (fgets(name, sizeof name, stdin) != NULL) {
		name[strcspn(name, "\n")] = '\0';
		prctl(PR_SET_NAME, name, 0, 0, 0);
	}
	if (strncmp(line, "grow", 4) == 0) {
		touch((size_t)-1);
		return 0;
	}
	if (sscanf(line, "children %d %d", &n, &mb) != 2)
		return 2;
	for (i = 0; i < n; i++)
		if (fork() == 0) {
			touch((size_t)mb);
			sleep(2); /* all of them hold their memory at once */
			_exit(0);
		}
	for (i = 0; i < n; i++) {
		if (wait(&st) < 0)
			break;
		printf("child %s %d\n", WIFEXITED(st) ? "exited" : "killed by",
		       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	}
	return 0;
}
