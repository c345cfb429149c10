/* What one run could leave for the next in a reused container, and what
 * the next one finds. Its stdin: a mode and a mark.
 *   leave MARK  writes MARK files into /work, /tmp and /dev/shm, makes a
 *               System V shared memory segment and a POSIX message
 *               queue, and leaves a daemon (double fork, setsid, stdio
 *               closed) that execs `sleep 1000` as MARK
 *   look MARK   prints "found WHAT" for each of those it still sees
 *   both MARK   leave, then look (the control: the look sees them)
 *   hold MARK   leave, then wait for the end of stdin
 *   mem N       touches N MiB, then exits
 *   spin MS     burns MS milliseconds of CPU time */
#include <dirent.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#define SHM_KEY 0x0f09e1

static void
leave(const char *mark)
{
	static const char *const dirs[] = {"/work", "/tmp", "/dev/shm"};
	char path[256];
	size_t i;

	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		FILE *f;

		snprintf(path, sizeof path, "%s/%s", dirs[i], mark);
		if ((f = fopen(path, "w")) != NULL) {
			fputs(mark, f);
			fclose(f);
		}
	}
	if (shmget(SHM_KEY, 1 << 20, IPC_CREAT | 0600) < 0)
		puts("no shm");
	snprintf(path, sizeof path, "/%s", mark);
	if (mq_open(path, O_CREAT | O_RDWR, 0600, NULL) == (mqd_t)-1)
		puts("no mq");
	fflush(stdout);
	if (fork() == 0) {
		setsid();
		if (fork() == 0) {
			close(0);
			close(1);
			close(2);
			execl("/bin/sleep", mark, "1000", (char *)NULL);
		}
		_exit(0);
	}
	usleep(100000); /* the daemon is up */
}

static void
look(const char *mark)
{
	static const char *const dirs[] = {"/work", "/tmp", "/dev/shm"};
	char path[256], cmd[256];
	struct dirent *e;
	size_t i;
	DIR *d;

	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dirs[i], mark);
		if (access(path, F_OK) == 0)
			printf("found file %s\n", path);
	}
	if (shmget(SHM_KEY, 0, 0) >= 0)
		puts("found shm");
	snprintf(path, sizeof path, "/%s", mark);
	if (mq_open(path, O_RDONLY) != (mqd_t)-1)
		puts("found mq");
	if ((d = opendir("/proc")) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		ssize_t n;
		int fd;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%.200s/cmdline", e->d_name);
		if ((fd = open(path, O_RDONLY)) < 0)
			continue;
		n = read(fd, cmd, sizeof cmd - 1);
		close(fd);
		cmd[n > 0 ? n : 0] = '\0';
		if (strcmp(cmd, mark) == 0)
			puts("found daemon");
	}
	closedir(d);
}

int
main(void)
{
	char mode[16], mark[128];
	long n;

	if (scanf("%15s %127s", mode, mark) != 2)
		return 2;
	n = atol(mark);
	if (strcmp(mode, "leave") == 0 || strcmp(mode, "both") == 0 ||
	    strcmp(mode, "hold") == 0)
		leave(mark);
	if (strcmp(mode, "hold") == 0) {
		puts("holding");
		fflush(stdout);
		while (getchar() != EOF)
			;
	}
	if (strcmp(mode, "look") == 0 || strcmp(mode, "both") == 0)
		look(mark);
	if (strcmp(mode, "mem") == 0) {
		char *p = malloc((size_t)n << 20);

		if (p == NULL)
			return 3;
		memset(p, 1, (size_t)n << 20);
		printf("touched %ld\n", n);
	}
	if (strcmp(mode, "spin") == 0) {
		volatile unsigned long x = 0;

		while ((long)(clock() * 1000 / CLOCKS_PER_SEC) < n)
			x++;
		printf("spun %ld\n", n);
	}
	puts("done");
	return 0;
}
