/* Hunts for secret files the test planted on the host. stdin: "walk" or
 * "nowalk" (the test's control run on the host skips the walk), then one
 * host path a line. Each path is tried as is and through every way around
 * the sandbox's root we know; then (walk) the whole visible file system
 * outside /usr and /proc is searched for "forge-secret" in names and
 * contents, and so are /proc's links to other processes' roots and files.
 * Only what could be read is printed, so the test can require that no
 * secret name or content appears at all. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* built at run time, so that the program's own binary does not hold it */
static char needle[32];
static int tried, opened;

/* Prints the file's content if it holds the needle. */
static void
try_read(const char *path, int always)
{
	char buf[1 << 16];
	ssize_t n;
	int fd;

	tried++;
	fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return;
	buf[n] = '\0';
	opened++;
	if (always || memmem(buf, (size_t)n, needle, strlen(needle)) != NULL)
		printf("READ %s: %s\n", path, buf);
}

static const char *const routes[] = {
    "%s",
    "/proc/self/root%s",
    "/proc/1/root%s",
    "/proc/1/cwd/../../../..%s",
    "/proc/self/cwd/../../../..%s",
    "../../../../../../..%s",
    "/prog/../../../../..%s",
    "/work/../../../..%s",
    "/tmp/../../../..%s",
    "/dev/fd/../../../..%s",
    "/proc/self/fd/3/../../..%s",
};

static void
walk(const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;

	if (depth > 12 || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s",
		         strcmp(dir, "/") ? dir : "", e->d_name);
		/* at the top of a root: the toolchains and kernel views */
		if (depth == 0 && (strcmp(e->d_name, "usr") == 0 ||
		                   strcmp(e->d_name, "proc") == 0 ||
		                   strcmp(e->d_name, "sys") == 0))
			continue;
		if (strstr(e->d_name, needle) != NULL)
			printf("NAME %s\n", path);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(path, depth + 1);
		else if (S_ISREG(st.st_mode))
			try_read(path, 0);
	}
	closedir(d);
}

/* Other processes' roots, working directories and open files. */
static void
walk_proc(void)
{
	DIR *d = opendir("/proc"), *fds;
	struct dirent *e, *f;
	char path[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof path, "/proc/%s/root", e->d_name);
		walk(path, 0);
		snprintf(path, sizeof path, "/proc/%s/cwd", e->d_name);
		walk(path, 0);
		snprintf(path, sizeof path, "/proc/%s/fd", e->d_name);
		if ((fds = opendir(path)) == NULL)
			continue;
		while ((f = readdir(fds)) != NULL) {
			char fd[1024];
			if (f->d_name[0] == '.')
				continue;
			snprintf(fd, sizeof fd, "%s/%s", path, f->d_name);
			if (strcmp(e->d_name, "self") != 0)
				try_read(fd, 0);
		}
		closedir(fds);
	}
	closedir(d);
}

int
main(void)
{
	char line[4096], path[8192];
	int do_walk;
	size_t i;

	snprintf(needle, sizeof needle, "%s-%s", "forge", "secret");
	if (fgets(line, sizeof line, stdin) == NULL)
		line[0] = '\0';
	do_walk = strncmp(line, "walk", 4) == 0;
	while (fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '/')
			continue;
		for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
			snprintf(path, sizeof path, routes[i], line);
			try_read(path, 1);
		}
	}
	if (do_walk) {
		walk("/", 0);
		walk_proc();
	}
	printf("tried %d paths, opened %d\n", tried, opened);
	return 0;
}
