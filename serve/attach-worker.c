/* The worker's side of an interactive run (POST /v1/runs with
 * "interactive": true): the client of GET /v1/runs/{id}/attach types its
 * stdin and reads its output as the program runs.
 *
 * The worker that claims such a job listens on a Unix socket of its own,
 * ATTACH_DIR/ID, in a directory only the server's user can enter (a
 * local user cannot type into another's program), and waits up to the
 * job's attach_wait seconds for the server's attach thread (attach.c)
 * to connect; the program starts then, so that nothing it writes is
 * missed. Nobody came: it runs with its stdin closed. The two speak in
 * records (attach_record): stdin, end of input and resize one way,
 * stdout and stderr the other; the socket closes after the job is done,
 * which tells the attach thread to send the result.
 *
 * The program's stdin is a socket pair (a pipe whose end can be shut
 * for every holder of a copy), or with "tty": true a pseudo-terminal
 * (stdout and stderr are one stream then, and resize reaches it). A
 * pump, a process forked from the worker before the run, feeds the
 * socket's records into it, since the worker itself is in the engine
 * for the run. A process, not a thread: the engine clones the sandbox's
 * processes from the worker, and a clone of a process with a second
 * thread may inherit a lock that thread held, and never start. The
 * pump holds the writing end of the program's stdin alone, so that the
 * end of input is the pump's to give. The engine's callbacks bring the
 * output of a piped run (attach_worker_output); a terminal's output is
 * read by the pump from the master side. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "serve/serve.h"

struct attach_worker {
	int sock;           /* the attach thread's connection */
	int pipe_r, pipe_w; /* a piped run's stdin (a socket pair); -1 */
	int master, slave;  /* a terminal run's pty; -1 */
	int stop[2];        /* tells the pump the run has ended */
	pid_t pump;
	int tty_out;         /* a terminal's output, for the history: a
	                        memfd the pump writes */
	size_t tty_len, cap; /* its bytes, and the output limit */
	char *in;            /* the socket's bytes, not yet a record */
	size_t in_len;
};

/* A record on the socket: a type, a length (little-endian), the bytes. */
int
attach_record(int fd, char type, const void *p, size_t n)
{
	unsigned char h[5] = {(unsigned char)type, (unsigned char)n,
	                      (unsigned char)(n >> 8), (unsigned char)(n >> 16),
	                      (unsigned char)(n >> 24)};
	struct iovec v[2] = {{h, sizeof h}, {(void *)p, n}};
	struct msghdr m = {.msg_iov = v, .msg_iovlen = n > 0 ? 2 : 1};
	size_t left = sizeof h + n;

	while (left > 0) {
		ssize_t w = sendmsg(fd, &m, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			if (errno == EAGAIN) {
				struct pollfd pf = {.fd = fd,
				                    .events = POLLOUT};
				(void)poll(&pf, 1, 1000);
				continue;
			}
			return -1;
		}
		left -= (size_t)w;
		while (w > 0 && m.msg_iovlen > 0) {
			size_t k = (size_t)w < m.msg_iov->iov_len
			               ? (size_t)w
			               : m.msg_iov->iov_len;

			m.msg_iov->iov_base = (char *)m.msg_iov->iov_base + k;
			m.msg_iov->iov_len -= k;
			w -= (ssize_t)k;
			if (m.msg_iov->iov_len == 0) {
				m.msg_iov++;
				m.msg_iovlen--;
			}
		}
	}
	return 0;
}

/* The next whole record of b: 1 (type, payload at *p, n), or 0. */
int
attach_record_next(struct buf *b, size_t *used, char *type, const char **p,
                   size_t *n)
{
	const unsigned char *d = (const unsigned char *)b->data + *used;
	size_t have = b->len - *used, len;

	if (have < 5)
		return 0;
	len = (size_t)d[1] | (size_t)d[2] << 8 | (size_t)d[3] << 16 |
	      (size_t)d[4] << 24;
	if (have - 5 < len)
		return 0;
	*type = (char)d[0];
	*p = (const char *)d + 5;
	*n = len;
	*used += 5 + len;
	return 1;
}

static void
attach_worker_send(struct attach_worker *a, char type, const char *p, size_t n)
{
	/* the client gone, the program runs on, unheard */
	if (a->sock >= 0 && attach_record(a->sock, type, p, n) < 0)
		shutdown(a->sock, SHUT_RDWR);
}

/* The end of the program's input. */
static void
attach_worker_eof(struct attach_worker *a)
{
	if (a->pipe_w >= 0) {
		/* a shutdown, not just a close: the sandbox's processes
		 * forked from this one hold copies of the descriptor */
		(void)shutdown(a->pipe_w, SHUT_WR);
		close(a->pipe_w);
		a->pipe_w = -1;
	} else if (a->master >= 0)
		(void)!write(a->master, "\x04", 1); /* ^D, as typed */
}

/* Bytes into the program's stdin socket (no SIGPIPE when the program
 * has closed it). */
static int
attach_worker_feed(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One record from the attach thread. */
static void
attach_worker_record(struct attach_worker *a, char type, const char *p,
                     size_t n)
{
	int fd = a->pipe_w >= 0 ? a->pipe_w : a->master;

	switch (type) {
	case ATTACH_STDIN:
		if (fd >= 0 && fd == a->master)
			(void)util_write_all(fd, p, n);
		else if (fd >= 0 && attach_worker_feed(fd, p, n) < 0)
			attach_worker_eof(a); /* the program closed it */
		break;
	case ATTACH_EOF:
		attach_worker_eof(a);
		break;
	case ATTACH_RESIZE:
		if (a->master >= 0 && n == 4) {
			struct winsize ws = {0};

			ws.ws_row = (unsigned short)((unsigned char)p[0] << 8 |
			                             (unsigned char)p[1]);
			ws.ws_col = (unsigned short)((unsigned char)p[2] << 8 |
			                             (unsigned char)p[3]);
			(void)ioctl(a->master, TIOCSWINSZ, &ws);
		}
		break;
	}
}

/* What the terminal wrote: to the client and, within the output limit,
 * for the history. */
static bool
attach_worker_tty(struct attach_worker *a)
{
	char chunk[4096]; /* a record sent whole, beside the worker's */
	ssize_t n = read(a->master, chunk, sizeof chunk);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n <= 0)
		return false; /* EIO: no process has the terminal open */
	if (a->tty_len < a->cap) {
		size_t k = a->cap - a->tty_len < (size_t)n ? a->cap - a->tty_len
		                                           : (size_t)n;

		if (util_write_all(a->tty_out, chunk, k) == 0)
			a->tty_len += k;
	}
	attach_worker_send(a, ATTACH_STDOUT, chunk, (size_t)n);
	return true;
}

/* The socket's bytes: its whole records done; false when the attach
 * thread is gone (or sent a record larger than it may). */
static bool
attach_worker_read(struct attach_worker *a)
{
	struct buf view;
	const char *data;
	size_t used = 0, n;
	ssize_t r;
	char type;

	if (a->in_len == ATTACH_MESSAGE_MAX + 64)
		return false;
	r = read(a->sock, a->in + a->in_len,
	         ATTACH_MESSAGE_MAX + 64 - a->in_len);
	if (r < 0 && errno == EINTR)
		return true;
	if (r <= 0)
		return false;
	a->in_len += (size_t)r;
	/* a view of a->in: attach_record_next only reads */
	view = (struct buf){.data = a->in, .len = a->in_len};
	while (attach_record_next(&view, &used, &type, &data, &n))
		attach_worker_record(a, type, data, n);
	memmove(a->in, a->in + used, a->in_len - used);
	a->in_len -= used;
	return true;
}

static FORGE_NORETURN void
attach_worker_pump(struct attach_worker *a)
{
	bool sock_open = true, tty_open = a->master >= 0, stopping = false;

	while (!stopping || tty_open) {
		struct pollfd p[3] = {
		    {.fd = sock_open ? a->sock : -1, .events = POLLIN},
		    {.fd = tty_open ? a->master : -1, .events = POLLIN},
		    {.fd = stopping ? -1 : a->stop[0], .events = POLLIN},
		};

		if (poll(p, 3, stopping ? 0 : -1) < 0 && errno != EINTR)
			break;
		if (stopping && !(p[1].revents & (POLLIN | POLLHUP)))
			break; /* the terminal's last bytes are read */
		if (p[2].revents)
			stopping = true;
		if (p[1].revents)
			tty_open = attach_worker_tty(a);
		if (p[0].revents && !attach_worker_read(a)) {
			/* the client left: no more input; a terminal hangs
			 * up (SIGHUP), as a closed terminal window does */
			sock_open = false;
			if (a->master >= 0) {
				close(a->master);
				a->master = -1;
				tty_open = false;
			} else
				attach_worker_eof(a);
		}
	}
	_exit(0);
}

/* The pump, forked: it dies with the worker (a cancel kills that). */
static int
attach_worker_fork(struct attach_worker *a)
{
	pid_t parent = getpid();

	if (pipe2(a->stop, O_CLOEXEC) < 0)
		return -1;
	if ((a->pump = fork()) < 0) {
		close(a->stop[0]);
		close(a->stop[1]);
		return -1;
	}
	if (a->pump == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		close(a->stop[1]);
		if (a->slave >= 0)
			close(a->slave);
		if (a->pipe_r >= 0)
			close(a->pipe_r);
		attach_worker_pump(a);
	}
	/* the pump's alone: the sandbox, cloned from here, gets none */
	close(a->stop[0]);
	if (a->pipe_w >= 0)
		close(a->pipe_w);
	if (a->master >= 0)
		close(a->master);
	a->pipe_w = a->master = -1;
	return 0;
}

/* Waits for the attach thread: its connection, or -1 after wait_s. */
static int
attach_worker_accept(const char *path, unsigned wait_s)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct pollfd p;
	int l, c = -1;

	if (strlen(path) >= sizeof sa.sun_path)
		return -1;
	strcpy(sa.sun_path, path);
	(void)unlink(path);
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(l, 1) < 0) {
		if (l >= 0)
			close(l);
		return -1;
	}
	p = (struct pollfd){.fd = l, .events = POLLIN};
	if (poll(&p, 1, (int)wait_s * 1000) > 0)
		c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	/* one client a run: nobody else finds the socket now */
	(void)unlink(path);
	close(l);
	return c;
}

/* An interactive job starts: its client is waited for, and the
 * program's stdin made (q->stdin_fd or q->tty_fd). NULL: nobody came
 * (stdin is closed) or the socket could not be made. */
struct attach_worker *
attach_worker_start(const struct serve *s, int64_t id, const struct job *j,
                    struct pipeline_request *q)
{
	struct attach_worker *a;
	char *path;
	int c;

	xasprintf(&path, "%s/%lld", s->attach_dir, (long long)id);
	c = attach_worker_accept(path, j->attach_wait);
	free(path);
	if (c < 0)
		return NULL;
	a = xcalloc(1, sizeof *a);
	a->sock = c;
	a->pipe_r = a->pipe_w = a->master = a->slave = -1;
	a->cap = (size_t)j->limits.output_bytes;
	a->in = xmalloc(ATTACH_MESSAGE_MAX + 64);
	a->tty_out = -1;
	if (j->tty) {
		struct winsize ws = {.ws_row = j->rows, .ws_col = j->cols};

		if (openpty(&a->master, &a->slave, NULL, NULL, &ws) < 0 ||
		    (a->tty_out = util_memfd("", 0)) < 0)
			goto fail;
		util_set_cloexec(a->master, true);
		util_set_cloexec(a->slave, true);
		util_set_nonblock(a->master, true);
		q->tty_fd = a->slave;
	} else {
		int p[2];

		/* a socket pair, so that its end can be told to every
		 * holder (attach_worker_eof) */
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
			goto fail;
		a->pipe_r = p[0];
		a->pipe_w = p[1];
		q->stdin_fd = a->pipe_r;
	}
	attach_worker_send(a, ATTACH_STARTED, NULL, 0);
	if (attach_worker_fork(a) < 0)
		goto fail;
	return a;
fail:
	q->tty_fd = q->stdin_fd = -1;
	attach_worker_send(a, ATTACH_STDERR, "forge serve: no terminal\n", 25);
	close(a->sock);
	if (a->master >= 0)
		close(a->master);
	if (a->slave >= 0)
		close(a->slave);
	if (a->pipe_r >= 0)
		close(a->pipe_r);
	if (a->pipe_w >= 0)
		close(a->pipe_w);
	if (a->tty_out >= 0)
		close(a->tty_out);
	free(a->in);
	free(a);
	return NULL;
}

/* The engine's output of a piped run, to the client as it comes. */
void
attach_worker_output(struct attach_worker *a, int stream, const char *p,
                     size_t n)
{
	if (a != NULL && a->slave < 0 && (stream == 1 || stream == 2))
		attach_worker_send(
		    a, stream == 1 ? ATTACH_STDOUT : ATTACH_STDERR, p, n);
}

/* A usage sample, for the client's live statistics. */
void
attach_worker_sample(struct attach_worker *a, const struct box_sample *x)
{
	char j[160];
	int n;

	if (a == NULL)
		return;
	n = snprintf(j, sizeof j,
	             "{\"t_ms\":%llu,\"cpu_ms\":%llu,\"memory_kb\":%llu,"
	             "\"pids\":%u}",
	             (unsigned long long)x->t_ms, (unsigned long long)x->cpu_ms,
	             (unsigned long long)(x->mem_bytes / 1024), x->pids);
	attach_worker_send(a, ATTACH_SAMPLE, j, (size_t)n);
}

/* The program ended: the pump stops (after a terminal's last bytes);
 * what the terminal showed is given to out (its stdout). */
void
attach_worker_end(struct attach_worker *a, struct buf *out)
{
	if (a == NULL)
		return;
	/* the terminal closed first: the pump reads to its end */
	if (a->slave >= 0)
		close(a->slave);
	a->slave = -1;
	(void)!write(a->stop[1], "x", 1);
	close(a->stop[1]);
	while (waitpid(a->pump, NULL, 0) < 0 && errno == EINTR)
		;
	if (out != NULL && a->tty_out >= 0 &&
	    lseek(a->tty_out, 0, SEEK_SET) == 0)
		(void)util_read_fd(a->tty_out, out, a->cap);
	if (a->tty_out >= 0)
		close(a->tty_out);
	a->tty_out = -1;
	if (a->slave >= 0)
		close(a->slave);
	if (a->master >= 0)
		close(a->master);
	if (a->pipe_r >= 0)
		close(a->pipe_r);
	if (a->pipe_w >= 0)
		close(a->pipe_w);
	a->slave = a->master = a->pipe_r = a->pipe_w = -1;
}

/* The job is done (its result is in the queue): the attach thread is
 * told by the socket's end. */
void
attach_worker_close(struct attach_worker *a)
{
	if (a == NULL)
		return;
	close(a->sock);
	free(a->in);
	free(a);
}
