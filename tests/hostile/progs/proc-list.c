/* Lists every process it can see in /proc with its command line, then
 * tries the host pids the test gives on stdin (one a line) directly. The
 * test started a canary on the host and looks for its marker. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
show(const char *pid)
{
	char path[64], buf[4096];
	ssize_t n, i;
	int fd;

	snprintf(path, sizeof path, "/proc/%s/cmdline", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("pid %s: %s\n", pid, strerrorname_np(errno));
		return;
	}
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		n = 0;
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	printf("pid %s: %s\n", pid, buf);
}

int
main(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char line[64];
	int count = 0;

	if (d == NULL) {
		perror("/proc");
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		count++;
		show(e->d_name);
	}
	closedir(d);
	printf("processes: %d\n", count);
	/* host pids, asked for by number */
	while (fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '\0')
			show(line);
	}
	return 0;
}
