/* Kernel objects that outlive the program through descriptors "in
 * flight": sent over a unix socket whose only reference is a message in
 * its own queue, and never received. When every process of the run is
 * gone, only the kernel's unix garbage collector frees them.
 *
 * Words on stdin:
 *   hog MiB   a memfd of MiB, filled (charged to the run's memory),
 *             left in flight
 *   lock PATH an exclusive flock and an OFD read lock on PATH, whose
 *             descriptor is left in flight
 *   probe PATH  prints "flock PATH free" or "flock PATH held" (a
 *             non-blocking flock attempt), and the same for an OFD
 *             lock
 *   use MiB   allocates and touches MiB, prints "used MiB"
 *   spin x    burns CPU until a limit ends the run
 * The program then exits at once. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

/* sends fd and the receiving socket itself through the pair: the
 * socket then holds itself, and fd, until the collector runs */
static void
in_flight(int fd)
{
	int sv[2], fds[2];
	char c = 'x';
	union {
		char buf[CMSG_SPACE(sizeof fds)];
		struct cmsghdr align;
	} u;
	struct iovec iov = {&c, 1};
	struct msghdr m = {0};
	struct cmsghdr *h;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0) {
		perror("socketpair");
		exit(1);
	}
	fds[0] = fd;
	fds[1] = sv[1];
	memset(&u, 0, sizeof u);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = u.buf;
	m.msg_controllen = sizeof u.buf;
	h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof fds);
	memcpy(CMSG_DATA(h), fds, sizeof fds);
	if (sendmsg(sv[0], &m, 0) != 1) {
		perror("sendmsg");
		exit(1);
	}
	close(sv[0]);
	close(sv[1]);
	close(fd);
}

static void
hog(long mib)
{
	size_t n = (size_t)mib << 20;
	int fd = memfd_create("hog", 0);
	char *p;

	if (fd < 0 || ftruncate(fd, (off_t)n) < 0) {
		perror("memfd");
		exit(1);
	}
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	memset(p, 1, n);
	munmap(p, n);
	in_flight(fd);
	printf("hog %ld in flight\n", mib);
}

static void
lock(const char *path)
{
	int fd = open(path, O_RDONLY);
	struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET};

	if (fd < 0) {
		perror(path);
		exit(1);
	}
	printf("flock %s %s\n", path,
	       flock(fd, LOCK_EX | LOCK_NB) == 0 ? "taken" : "refused");
	printf("ofd %s %s\n", path,
	       fcntl(fd, F_OFD_SETLK, &fl) == 0 ? "taken" : "refused");
	in_flight(fd);
}

static void
probe(const char *path)
{
	int fd = open(path, O_RDONLY);
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

	if (fd < 0) {
		perror(path);
		exit(1);
	}
	printf("flock %s %s\n", path,
	       flock(fd, LOCK_EX | LOCK_NB) == 0 ? "free" : "held");
	/* a write lock is what a read lock blocks; F_OFD_GETLK needs no
	 * write access to ask */
	printf("ofd %s %s\n", path,
	       fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type == F_UNLCK
	           ? "free"
	           : "held");
	close(fd);
}

static void
use(long mib)
{
	size_t n = (size_t)mib << 20;
	char *p = malloc(n);

	if (p == NULL) {
		puts("malloc failed");
		exit(1);
	}
	memset(p, 1, n);
	/* read back, so the compiler cannot drop the allocation */
	printf("used %ld%s\n", mib, p[n / 2] == 1 ? "" : " (?)");
}

int
main(void)
{
	char what[16], arg[256];

	while (scanf("%15s %255s", what, arg) == 2) {
		if (strcmp(what, "hog") == 0)
			hog(atol(arg));
		else if (strcmp(what, "lock") == 0)
			lock(arg);
		else if (strcmp(what, "probe") == 0)
			probe(arg);
		else if (strcmp(what, "use") == 0)
			use(atol(arg));
		else if (strcmp(what, "spin") == 0) {
			volatile unsigned long n = 0;

			fflush(stdout);
			for (;;)
				n++;
		}
	}
	fflush(stdout);
	return 0;
}
