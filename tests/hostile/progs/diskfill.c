/* Fills the sandbox's writable file systems. stdin: a marker (put in
 * every file name, so the test can look for the files on the host), then
 * "big" or "fill".
 *   big   one file in /work grows until the file size limit stops it
 *         (SIGXFSZ, which this mode does not catch)
 *   fill  for /work and /tmp: one file as big as it will go, then 1 MiB
 *         files, then empty files, each until an error, which is printed
 *         (SIGXFSZ ignored, so writes fail with EFBIG instead) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char chunk[1 << 20];

/* Writes to path until an error; returns the bytes written, *err the
 * error. At most max bytes when max is not 0. */
static long long
grow(const char *path, long long max, int *err)
{
	long long total = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	*err = 0;
	if (fd < 0) {
		*err = errno;
		return 0;
	}
	while (max == 0 || total < max) {
		ssize_t n = write(fd, chunk, sizeof chunk);
		if (n <= 0) {
			*err = n < 0 ? errno : ENOSPC;
			break;
		}
		total += n;
	}
	close(fd);
	return total;
}

static void
fill(const char *dir, const char *mark)
{
	char path[512];
	long long big, files = 0;
	int err, i, inodes;

	snprintf(path, sizeof path, "%s/%s-big", dir, mark);
	big = grow(path, 0, &err);
	printf("%s: big file %lld bytes, then %s\n", dir, big,
	       strerrorname_np(err));
	for (i = 0;; i++) {
		long long n;
		snprintf(path, sizeof path, "%s/%s-%d", dir, mark, i);
		n = grow(path, sizeof chunk, &err);
		files += n;
		if (err != 0)
			break;
	}
	printf("%s: %d more files, %lld bytes, then %s\n", dir, i, files,
	       strerrorname_np(err));
	for (inodes = 0;; inodes++) {
		int fd;
		snprintf(path, sizeof path, "%s/%s-empty-%d", dir, mark,
		         inodes);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0) {
			err = errno;
			break;
		}
		close(fd);
	}
	printf("%s: %d empty files, then %s\n", dir, inodes,
	       strerrorname_np(err));
	printf("%s: total %lld bytes\n", dir, big + files);
}

int
main(void)
{
	char mark[128], mode[16], path[256];
	long long n;
	int err = 0;

	if (fgets(mark, sizeof mark, stdin) == NULL ||
	    fgets(mode, sizeof mode, stdin) == NULL)
		return 2;
	mark[strcspn(mark, "\n")] = '\0';
	memset(chunk, 'x', sizeof chunk);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strncmp(mode, "big", 3) == 0) {
		snprintf(path, sizeof path, "/work/%s-big", mark);
		n = grow(path, 0, &err);
		printf("stopped after %lld bytes by %s\n", n,
		       strerrorname_np(err));
		return 0;
	}
	signal(SIGXFSZ, SIG_IGN);
	fill("/work", mark);
	fill("/tmp", mark);
	return 0;
}
