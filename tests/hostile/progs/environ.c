/* Looks for forge's environment: the program's own, its /proc copy, and
 * the sandbox init's (a clone of forge, so it started with forge's
 * environment in memory). Everything readable is printed; the test looks
 * for a secret it exported before calling forge. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* Prints a NUL-separated /proc file, one entry a line. */
static void
dump(const char *path)
{
	char buf[65536];
	ssize_t n, i;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		printf("%s: %s\n", path, strerrorname_np(errno));
		return;
	}
	n = read(fd, buf, sizeof buf);
	if (n < 0) {
		printf("%s: read %s\n", path, strerrorname_np(errno));
		close(fd);
		return;
	}
	printf("%s: %zd bytes\n", path, n);
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = '\n';
	fwrite(buf, 1, (size_t)n, stdout);
	printf("\n--\n");
	close(fd);
}

int
main(void)
{
	char **e;

	printf("environ:\n");
	for (e = environ; *e != NULL; e++)
		printf("%s\n", *e);
	printf("--\n");
	dump("/proc/self/environ");
	dump("/proc/1/environ");
	dump("/proc/1/cmdline");
	dump("/proc/self/cmdline");
	/* the init's memory: its stack holds the environment strings */
	dump("/proc/1/mem");
	return 0;
}
