/* Memory the kernel holds for the program rather than in its own pages:
 * data queued in pipes ("pipes") or in unix socket pairs ("unix"). stdin:
 * the kind, how many processes, and the name they carry, e.g.
 * "unix 4 kmXYZ". Each process opens as many pairs as its descriptor
 * limit allows and fills them until they would block, prints how much it
 * queued, and holds it all for 3 s (the test measures the host
 * meanwhile). The run's memory limit must count this memory too. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char chunk[65536];

static long long
fill(int fd)
{
	long long total = 0;
	ssize_t n;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	while ((n = write(fd, chunk, sizeof chunk)) > 0)
		total += n;
	/* a unix stream socket also takes smaller writes */
	while ((n = write(fd, chunk, 4096)) > 0)
		total += n;
	return total;
}

static void
bomb(int unix_pairs)
{
	long long total = 0;
	int pairs = 0, fds[2], e = 0;

	for (;;) {
		int r = unix_pairs ? socketpair(AF_UNIX, SOCK_STREAM, 0, fds)
		                   : pipe(fds);
		if (r < 0) {
			e = errno;
			break;
		}
		pairs++;
		total += fill(fds[1]);
		if (unix_pairs)
			total += fill(fds[0]);
	}
	printf("%d: %d %s, %lld KiB queued, then %s\n", (int)getpid(), pairs,
	       unix_pairs ? "socket pairs" : "pipes", total / 1024,
	       strerrorname_np(e));
	fflush(stdout);
	sleep(3);
}

int
main(void)
{
	char kind[16], name[16];
	int n = 1, i;

	memset(chunk, 'k', sizeof chunk);
	if (scanf("%15s %d %15s", kind, &n, name) < 2)
		return 2;
	prctl(PR_SET_NAME, name, 0, 0, 0);
	for (i = 1; i < n; i++)
		if (fork() == 0) {
			bomb(strcmp(kind, "unix") == 0);
			_exit(0);
		}
	bomb(strcmp(kind, "unix") == 0);
	while (wait(NULL) > 0)
		;
	return 0;
}
