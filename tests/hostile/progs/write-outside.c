/* Tries to leave files behind: stdin has one path a line; for each the
 * program creates a file there (and, beside it, a directory and a
 * symlink), also through /proc/self/root, /proc/1/root and "..". It
 * prints "CREATED path" for every attempt that worked, so the test can
 * tell a sandbox that allowed it (inside) from a host that shows it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const routes[] = {
    "%s",
    "/proc/self/root%s",
    "/proc/1/root%s",
    "/proc/1/cwd/../../../..%s",
    "../../../../../..%s",
    "/prog/../../../..%s",
};

static void
attempt(const char *path)
{
	char other[8300];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);

	if (fd >= 0) {
		if (write(fd, "forge-was-here\n", 15) == 15)
			printf("CREATED %s\n", path);
		close(fd);
	}
	snprintf(other, sizeof other, "%s.d", path);
	if (mkdir(other, 0777) == 0)
		printf("CREATED %s\n", other);
	snprintf(other, sizeof other, "%s.lnk", path);
	if (symlink("/etc/passwd", other) == 0)
		printf("CREATED %s\n", other);
}

int
main(void)
{
	char line[4096], path[8192];
	size_t i;

	while (fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '/')
			continue;
		for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
			snprintf(path, sizeof path, routes[i], line);
			attempt(path);
		}
	}
	printf("done\n");
	return 0;
}
