/* The classic fork bomb: every process forks for ever. Each one carries
 * the name read from stdin (prctl PR_SET_NAME, inherited by fork), so the
 * test can count the bomb's processes from the host, during the run and
 * after it. */
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int
main(void)
{
	char name[16] = "";

	if (fgets(name, sizeof name, stdin) == NULL)
		return 2;
	name[strcspn(name, "\n")] = '\0';
	prctl(PR_SET_NAME, name, 0, 0, 0);
	for (;;)
		fork();
}
