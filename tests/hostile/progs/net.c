/* Network attempts, one a line on stdin:
 *   tcp ADDR PORT      connect (IPv4 or IPv6 address) and send a line
 *   udp ADDR PORT      send a datagram
 *   abstract NAME      connect to an abstract unix socket
 *   unix PATH          connect to a unix socket on a path
 *   self PORT          listen on 127.0.0.1:PORT and talk to itself
 * It prints "CONNECTED ...", "SENT ..." or "SELF OK" for what worked and
 * "FAILED ... errno" for what did not. Connects time out after 2 s. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define HELLO "hello from the sandbox\n"

static socklen_t
inet_addr_of(const char *addr, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((unsigned short)port);
		return sizeof *a4;
	}
	if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((unsigned short)port);
		return sizeof *a6;
	}
	return 0;
}

/* connect with a time limit; 0 or an errno */
static int
connect_wait(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct pollfd p = {fd, POLLOUT, 0};
	int err = 0;
	socklen_t el = sizeof err;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (connect(fd, sa, len) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return errno;
	if (poll(&p, 1, 2000) != 1)
		return ETIMEDOUT;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
	return err;
}

static void
try_inet(const char *kind, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = inet_addr_of(addr, port, &ss);
	int udp = strcmp(kind, "udp") == 0, fd, e;

	if (len == 0) {
		printf("FAILED %s %s %d: bad address\n", kind, addr, port);
		return;
	}
	fd = socket(ss.ss_family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0) {
		printf("FAILED %s %s %d: socket %s\n", kind, addr, port,
		       strerrorname_np(errno));
		return;
	}
	if (udp) {
		if (sendto(fd, HELLO, strlen(HELLO), 0, (struct sockaddr *)&ss,
		           len) > 0)
			printf("SENT udp %s %d\n", addr, port);
		else
			printf("FAILED udp %s %d: %s\n", addr, port,
			       strerrorname_np(errno));
	} else if ((e = connect_wait(fd, (struct sockaddr *)&ss, len)) == 0) {
		fcntl(fd, F_SETFL, 0);
		(void)!write(fd, HELLO, strlen(HELLO));
		printf("CONNECTED tcp %s %d\n", addr, port);
	} else
		printf("FAILED tcp %s %d: %s\n", addr, port,
		       strerrorname_np(e));
	close(fd);
}

static void
try_unix(const char *name, int abstract)
{
	struct sockaddr_un a;
	socklen_t len;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), e;

	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	if (abstract) {
		strncpy(a.sun_path + 1, name, sizeof a.sun_path - 2);
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
		                  strlen(name));
	} else {
		strncpy(a.sun_path, name, sizeof a.sun_path - 1);
		len = sizeof a;
	}
	if ((e = connect_wait(fd, (struct sockaddr *)&a, len)) == 0) {
		fcntl(fd, F_SETFL, 0);
		(void)!write(fd, HELLO, strlen(HELLO));
		printf("CONNECTED %s %s\n", abstract ? "abstract" : "unix",
		       name);
	} else
		printf("FAILED %s %s: %s\n", abstract ? "abstract" : "unix",
		       name, strerrorname_np(e));
	close(fd);
}

/* A server and a client on the sandbox's own loopback. */
static void
try_self(int port)
{
	struct sockaddr_in a = {0};
	int one = 1, srv, cli, conn, e;
	char buf[64] = {0};

	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(srv, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(srv, 1) < 0) {
		printf("FAILED self %d: bind/listen %s\n", port,
		       strerrorname_np(errno));
		close(srv);
		return;
	}
	cli = socket(AF_INET, SOCK_STREAM, 0);
	if ((e = connect_wait(cli, (struct sockaddr *)&a, sizeof a)) != 0) {
		printf("FAILED self %d: connect %s\n", port,
		       strerrorname_np(e));
	} else if ((conn = accept(srv, NULL, NULL)) < 0) {
		printf("FAILED self %d: accept %s\n", port,
		       strerrorname_np(errno));
	} else {
		fcntl(cli, F_SETFL, 0);
		(void)!write(cli, "ping", 4);
		if (read(conn, buf, sizeof buf - 1) == 4 &&
		    strcmp(buf, "ping") == 0)
			printf("SELF OK %d\n", port);
		else
			printf("FAILED self %d: no echo\n", port);
		close(conn);
	}
	close(cli);
	close(srv);
}

int
main(void)
{
	char line[512], kind[16], addr[256];
	int port;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof line, stdin) != NULL) {
		if (sscanf(line, "%15s %255s %d", kind, addr, &port) == 3 &&
		    (strcmp(kind, "tcp") == 0 || strcmp(kind, "udp") == 0))
			try_inet(kind, addr, port);
		else if (sscanf(line, "%15s %255s", kind, addr) == 2 &&
		         strcmp(kind, "abstract") == 0)
			try_unix(addr, 1);
		else if (sscanf(line, "%15s %255s", kind, addr) == 2 &&
		         strcmp(kind, "unix") == 0)
			try_unix(addr, 0);
		else if (sscanf(line, "%15s %d", kind, &port) == 2 &&
		         strcmp(kind, "self") == 0)
			try_self(port);
	}
	return 0;
}
