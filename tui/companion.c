/* The competitive-companion browser extension's problems: it POSTs one
 * JSON object per problem to a port on 127.0.0.1. Here: the listener
 * (non-blocking, on one epoll descriptor the workbench's loop watches),
 * the HTTP request, the JSON, and the files a problem becomes. Nothing
 * here draws: the unit tests link it without a terminal.
 *
 * A problem "A. Hello" arriving with the current buffer in C++ becomes,
 * in the chosen directory, A_Hello.cpp (the language's template) and
 * A_Hello/, a problem package forge judge reads too: problem.yaml with
 * the limits, data/sample/1.in, 1.ans, ... */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/tui.h"

#define COMPANION_HEAD_MAX   16384       /* request line and headers */
#define COMPANION_BODY_MAX   (64u << 20) /* the JSON, tests included */
#define COMPANION_CLIENTS    8
#define COMPANION_TIMEOUT_MS 10000 /* a slow client is dropped after */
#define COMPANION_NAME_MAX   64
#define COMPANION_READ       65536 /* per client per turn of the loop */

struct companion_client {
	int fd; /* -1: a free slot */
	struct buf in;
	uint64_t deadline_ms;
};

struct companion {
	int listen_fd, ep;
	int port;
	struct companion_client c[COMPANION_CLIENTS];
};

/* ---- the HTTP request ---------------------------------------------- */

static const char *
companion_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 411:
		return "Length Required";
	case 413:
		return "Payload Too Large";
	default:
		return "Service Unavailable";
	}
}

/* The start of the line after the one at p, within end; NULL: none. */
static const char *
companion_next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : NULL;
}

/* What the request in data[0, len) is so far: 0 when more is needed,
 * 200 when whole (its body at *body_off, *body_len bytes), else the HTTP
 * status that refuses it. */
int
companion_http(const char *data, size_t len, size_t *body_off, size_t *body_len)
{
	const char *end = data + len, *p, *head_end = NULL;
	unsigned long long cl = 0;
	bool have_cl = false;

	/* the blank line that ends the headers: CRLF CRLF, or LF LF */
	for (p = data; p < end; p++)
		if (*p == '\n' &&
		    ((p + 1 < end && p[1] == '\n') ||
		     (p + 2 < end && p[1] == '\r' && p[2] == '\n'))) {
			head_end = p + (p[1] == '\n' ? 2 : 3);
			break;
		}
	if (head_end == NULL)
		return len > COMPANION_HEAD_MAX ? 413 : 0;
	if (head_end - data > COMPANION_HEAD_MAX)
		return 413;
	if (len < 5 || memcmp(data, "POST ", 5) != 0) {
		/* another method, or no request line at all */
		size_t m = 0;

		while (m < len && data[m] >= 'A' && data[m] <= 'Z')
			m++;
		return m > 0 && m < len && data[m] == ' ' ? 405 : 400;
	}
	for (p = companion_next_line(data, head_end); p && p < head_end;
	     p = companion_next_line(p, head_end)) {
		if (strncasecmp(p, "Content-Length:", 15) == 0) {
			const char *v = p + 15;
			char *stop;

			while (*v == ' ' || *v == '\t')
				v++;
			if (*v < '0' || *v > '9')
				return 400;
			errno = 0;
			cl = strtoull(v, &stop, 10);
			while (*stop == ' ' || *stop == '\t' || *stop == '\r')
				stop++;
			if (errno != 0 || *stop != '\n')
				return 400;
			have_cl = true;
		} else if (strncasecmp(p, "Transfer-Encoding:", 18) == 0)
			return 411; /* the extension sends a length */
	}
	if (!have_cl)
		return 411;
	if (cl > COMPANION_BODY_MAX)
		return 413;
	*body_off = (size_t)(head_end - data);
	*body_len = (size_t)cl;
	return len - *body_off >= cl ? 200 : 0;
}

/* ---- the problem ---------------------------------------------------- */

void
companion_problem_free(struct companion_problem *p)
{
	for (size_t i = 0; i < p->ntests; i++) {
		free(p->tests[i].input);
		free(p->tests[i].output);
	}
	free(p->tests);
	free(p->name);
	free(p->group);
	free(p->url);
	memset(p, 0, sizeof *p);
}

/* The extension's JSON: name, group, url, tests [{input, output}],
 * timeLimit (ms), memoryLimit (MB), interactive. 0, or -1 with err. */
int
companion_parse(const char *json, size_t len, struct companion_problem *p,
                char *err, size_t errlen)
{
	struct jsonparse_value *root = jsonparse_parse(json, len, NULL);
	const struct jsonparse_value *tests, *v;
	char why[200];
	size_t i;

	memset(p, 0, sizeof *p);
	if (!jsonparse_is(root, JSONPARSE_OBJECT)) {
		snprintf(err, errlen, "not a JSON object");
		jsonparse_free(root);
		return -1;
	}
	tests = jsonparse_get(root, "tests");
	if (!jsonparse_is(tests, JSONPARSE_ARRAY)) {
		snprintf(err, errlen, "no \"tests\" array");
		jsonparse_free(root);
		return -1;
	}
	p->name = jsonparse_strdup(jsonparse_get(root, "name"), NULL);
	p->group = jsonparse_strdup(jsonparse_get(root, "group"), NULL);
	p->url = jsonparse_strdup(jsonparse_get(root, "url"), NULL);
	if (p->name == NULL || p->name[0] == '\0') {
		snprintf(err, errlen, "no problem \"name\"");
		goto bad;
	}
	/* the engine's ranges, as for a companion file given to forge judge */
	v = jsonparse_get(root, "timeLimit");
	if (jsonparse_is(v, JSONPARSE_NUMBER) &&
	    limits_from_number(LIMITS_CPU, jsonparse_number(v), 1.0,
	                       &p->time_ms, why, sizeof why) < 0) {
		snprintf(err, errlen, "\"timeLimit\": %s", why);
		goto bad;
	}
	v = jsonparse_get(root, "memoryLimit");
	if (jsonparse_is(v, JSONPARSE_NUMBER) &&
	    limits_from_number(LIMITS_MEMORY, jsonparse_number(v), 1048576.0,
	                       &p->mem_bytes, why, sizeof why) < 0) {
		snprintf(err, errlen, "\"memoryLimit\": %s", why);
		goto bad;
	}
	p->interactive =
	    jsonparse_is(jsonparse_get(root, "interactive"), JSONPARSE_TRUE);
	for (i = 0; i < jsonparse_len(tests); i++) {
		const struct jsonparse_value *t = jsonparse_at(tests, i);
		const struct jsonparse_value *in = jsonparse_get(t, "input");
		const struct jsonparse_value *out = jsonparse_get(t, "output");

		if (!jsonparse_is(in, JSONPARSE_STRING) ||
		    !jsonparse_is(out, JSONPARSE_STRING)) {
			snprintf(err, errlen,
			         "test %zu: \"input\" and \"output\" must be "
			         "strings",
			         i + 1);
			goto bad;
		}
		p->tests = xrealloc(p->tests, (i + 1) * sizeof *p->tests);
		p->tests[i].input = jsonparse_strdup(in, NULL);
		p->tests[i].output = jsonparse_strdup(out, NULL);
		p->ntests = i + 1;
	}
	jsonparse_free(root);
	return 0;
bad:
	jsonparse_free(root);
	companion_problem_free(p);
	return -1;
}

/* A file name from a problem's name: letters, digits, '-' and '_' kept,
 * every run of anything else one '_'; never empty, never a path. */
char *
companion_file_name(const char *name)
{
	char out[COMPANION_NAME_MAX + 1];
	size_t n = 0;

	for (const char *s = name; *s && n < COMPANION_NAME_MAX; s++) {
		unsigned char c = (unsigned char)*s;
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		            (c >= '0' && c <= '9') || c == '-' || c == '_';

		if (keep)
			out[n++] = (char)c;
		else if (n > 0 && out[n - 1] != '_')
			out[n++] = '_';
	}
	while (n > 0 && (out[n - 1] == '_' || out[n - 1] == '-'))
		n--;
	out[n] = '\0';
	/* a leading '-' would read as an option to every tool */
	if (n == 0 || out[0] == '-')
		return xstrdup(n == 0 ? "problem" : "problem_");
	return xstrdup(out);
}

/* A YAML double-quoted scalar of s: printable ASCII as is, '"' and '\'
 * escaped, anything else (control bytes, non-ASCII) as \xNN or \uNNNN
 * would need decoding: it is replaced by '?', the name is only a label. */
static void
companion_yaml_string(struct buf *b, const char *s)
{
	buf_addstr(b, "\"");
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c >= 32 && c < 127)
			buf_add(b, s, 1);
		else
			buf_addstr(b, "?");
	}
	buf_addstr(b, "\"\n");
}

static void
companion_yaml(const struct companion_problem *p, struct buf *b)
{
	buf_addstr(b, "# received from competitive-companion\nname: ");
	companion_yaml_string(b, p->name);
	if (p->group) {
		buf_addstr(b, "source: ");
		companion_yaml_string(b, p->group);
	}
	if (p->url) {
		buf_addstr(b, "source_url: ");
		companion_yaml_string(b, p->url);
	}
	if (p->time_ms || p->mem_bytes)
		buf_addstr(b, "limits:\n");
	if (p->time_ms)
		buf_printf(b, "  time_limit: %llu.%03llu\n",
		           (unsigned long long)(p->time_ms / 1000),
		           (unsigned long long)(p->time_ms % 1000));
	if (p->mem_bytes)
		buf_printf(b, "  memory: %llu\n",
		           (unsigned long long)(p->mem_bytes >> 20));
}

/* Writes a new file under dirfd; never follows a link, never replaces. */
static int
companion_create(int dirfd, const char *name, const char *data, size_t len,
                 char *err, size_t errlen)
{
	int fd =
	    openat(dirfd, name,
	           O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0 || util_write_all(fd, data, len) < 0) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlinkat(dirfd, name, 0);
		}
		return -1;
	}
	if (close(fd) < 0) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

/* A new directory under dirfd, opened; -1 with err. */
static int
companion_mkdir(int dirfd, const char *name, char *err, size_t errlen)
{
	int fd;

	if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return -1;
	}
	fd = openat(dirfd, name,
	            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
	return fd;
}

/* The package: problem.yaml, data/sample/N.in and N.ans, under pkg. */
static int
companion_package(int pkg, const struct companion_problem *p,
                  const struct buf *yaml, char *err, size_t errlen)
{
	int data, sample, r = 0;

	if (companion_create(pkg, "problem.yaml", yaml->data, yaml->len, err,
	                     errlen) < 0 ||
	    (data = companion_mkdir(pkg, "data", err, errlen)) < 0)
		return -1;
	sample = companion_mkdir(data, "sample", err, errlen);
	close(data);
	if (sample < 0)
		return -1;
	for (size_t i = 0; i < p->ntests && r == 0; i++) {
		char in[32], ans[32];

		snprintf(in, sizeof in, "%zu.in", i + 1);
		snprintf(ans, sizeof ans, "%zu.ans", i + 1);
		r = companion_create(sample, in, p->tests[i].input,
		                     strlen(p->tests[i].input), err, errlen);
		if (r == 0)
			r = companion_create(sample, ans, p->tests[i].output,
			                     strlen(p->tests[i].output), err,
			                     errlen);
	}
	close(sample);
	return r;
}

static bool
companion_exists(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
	       errno != ENOENT;
}

/* Whether name/problem.yaml under dirfd says exactly yaml: the same
 * problem received again. */
static bool
companion_same(int dirfd, const char *name, const struct buf *yaml)
{
	char *path = util_path_join(name, "problem.yaml");
	int fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct buf b;
	bool same;

	free(path);
	if (fd < 0)
		return false;
	buf_init(&b, 0);
	same = util_read_fd(fd, &b, yaml->len + 1) == 0 && b.len == yaml->len &&
	       memcmp(b.data, yaml->data, b.len) == 0;
	buf_free(&b);
	close(fd);
	return same;
}

/* Writes the problem into dir: a new source file NAME.ext holding the
 * template and the package NAME/; a name already taken gets -2, -3, ...
 * (nothing there is replaced), the same problem received again is found
 * where it was. *source and *tests: the paths; *fresh: newly written. */
int
companion_save(const struct companion_problem *p, const char *dir,
               const char *ext, const char *tmpl, size_t tlen, char **source,
               char **tests, bool *fresh, char *err, size_t errlen)
{
	cleanup_free char *base = companion_file_name(p->name);
	char name[COMPANION_NAME_MAX + 16], src[COMPANION_NAME_MAX + 48];
	struct buf yaml;
	int dirfd, pkg, r = -1;

	*source = *tests = NULL;
	*fresh = false;
	err[0] = '\0';
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	buf_init(&yaml, 0);
	companion_yaml(p, &yaml);
	for (int k = 1; k <= 100 && r < 0; k++) {
		if (k == 1)
			snprintf(name, sizeof name, "%s", base);
		else
			snprintf(name, sizeof name, "%s-%d", base, k);
		snprintf(src, sizeof src, "%s%s", name, ext);
		if (companion_exists(dirfd, src) &&
		    companion_same(dirfd, name, &yaml))
			r = 0;
		else if (companion_exists(dirfd, src) ||
		         companion_exists(dirfd, name))
			continue;
		else {
			if ((pkg = companion_mkdir(dirfd, name, err, errlen)) <
			    0)
				break;
			r = companion_package(pkg, p, &yaml, err, errlen);
			close(pkg);
			if (r == 0)
				r = companion_create(
				    dirfd, src, tmpl ? tmpl : "",
				    tmpl ? tlen : 0, err, errlen);
			if (r < 0)
				break;
			*fresh = true;
		}
	}
	if (r == 0) {
		/* "./x" reads worse than "x" in a title bar */
		bool here = strcmp(dir, ".") == 0;
		*source = here ? xstrdup(src) : util_path_join(dir, src);
		*tests = here ? xstrdup(name) : util_path_join(dir, name);
	} else if (err[0] == '\0')
		snprintf(err, errlen, "%s: every name %s, %s-2, ... is taken",
		         dir, base, base);
	buf_free(&yaml);
	close(dirfd);
	return r;
}

/* ---- the listener --------------------------------------------------- */

struct companion *
companion_listen(int port, char *err, size_t errlen)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port),
	                        /* the loopback only: nobody else sends */
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
	struct companion *c;
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return NULL;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(fd, 16) < 0) {
		snprintf(err, errlen, "127.0.0.1:%d: %s", port,
		         strerror(errno));
		close(fd);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->listen_fd = fd;
	c->port = port;
	for (int i = 0; i < COMPANION_CLIENTS; i++)
		c->c[i].fd = -1;
	c->ep = epoll_create1(EPOLL_CLOEXEC);
	if (c->ep < 0 || epoll_ctl(c->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		companion_close(c);
		return NULL;
	}
	return c;
}

/* The descriptor to wait on: readable when a client or a connection is. */
int
companion_fd(const struct companion *c)
{
	return c->ep;
}

int
companion_port(const struct companion *c)
{
	return c->port;
}

/* Whether a client is connected (its deadline needs a timer). */
bool
companion_busy(const struct companion *c)
{
	for (int i = 0; i < COMPANION_CLIENTS; i++)
		if (c->c[i].fd >= 0)
			return true;
	return false;
}

static void
companion_drop(struct companion *c, int i, int status)
{
	struct companion_client *k = &c->c[i];

	if (status) {
		char r[256];
		const char *why = companion_reason(status);
		int n =
		    snprintf(r, sizeof r,
		             "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
		             "Content-Length: %zu\r\nConnection: close\r\n"
		             "\r\n%s\n",
		             status, why, strlen(why) + 1, why);
		/* a few bytes into an empty socket buffer: a client that
		 * does not read them loses them, it never blocks us */
		(void)!write(k->fd, r, (size_t)n);
	}
	epoll_ctl(c->ep, EPOLL_CTL_DEL, k->fd, NULL);
	close(k->fd);
	k->fd = -1;
	buf_free(&k->in);
}

static void
companion_accept(struct companion *c, uint64_t now)
{
	int fd;

	while ((fd = accept4(c->listen_fd, NULL, NULL,
	                     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct epoll_event ev = {.events = EPOLLIN};
		int i;

		for (i = 0; i < COMPANION_CLIENTS && c->c[i].fd >= 0; i++)
			;
		if (i == COMPANION_CLIENTS) {
			/* full: busy, the extension retries */
			static const char busy[] =
			    "HTTP/1.1 503 Service Unavailable\r\n"
			    "Content-Length: 0\r\nConnection: close\r\n\r\n";
			(void)!write(fd, busy, sizeof busy - 1);
			close(fd);
			continue;
		}
		ev.data.u32 = (uint32_t)i;
		if (epoll_ctl(c->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			continue;
		}
		c->c[i].fd = fd;
		c->c[i].deadline_ms = now + COMPANION_TIMEOUT_MS;
		buf_init(&c->c[i].in, COMPANION_HEAD_MAX + COMPANION_BODY_MAX);
	}
}

/* One client's turn: 1 with *p when its problem is whole, -1 with err
 * when it sent junk (answered and dropped), 0 otherwise. */
static int
companion_read(struct companion *c, int i, struct companion_problem *p,
               char *err, size_t errlen)
{
	struct companion_client *k = &c->c[i];
	char tmp[COMPANION_READ];
	ssize_t n = read(k->fd, tmp, sizeof tmp);
	size_t off, len;
	int status;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		/* gone before a whole request */
		companion_drop(c, i, 0);
		return 0;
	}
	buf_add(&k->in, tmp, (size_t)n);
	status = companion_http(k->in.data, k->in.len, &off, &len);
	if (status == 0)
		return 0;
	if (status != 200) {
		snprintf(err, errlen, "a request refused: %d %s", status,
		         companion_reason(status));
		companion_drop(c, i, status);
		return -1;
	}
	if (companion_parse(k->in.data + off, len, p, err, errlen) < 0) {
		companion_drop(c, i, 400);
		return -1;
	}
	companion_drop(c, i, 200);
	return 1;
}

/* Does what is ready without waiting: accepts, reads, answers, drops
 * clients past their time. 1 with *p when a problem arrived (call again:
 * more may be ready), -1 with err for junk received, 0 otherwise. */
int
companion_step(struct companion *c, struct companion_problem *p, char *err,
               size_t errlen)
{
	struct epoll_event ev[COMPANION_CLIENTS + 1];
	uint64_t now = util_now_ms();
	int n = epoll_wait(c->ep, ev, COMPANION_CLIENTS + 1, 0);

	for (int i = 0; i < COMPANION_CLIENTS; i++)
		if (c->c[i].fd >= 0 && c->c[i].deadline_ms <= now) {
			snprintf(err, errlen, "a client too slow: dropped");
			companion_drop(c, i, 408);
			return -1;
		}
	for (int j = 0; j < n; j++) {
		uint32_t i = ev[j].data.u32;
		int r;

		if (i == UINT32_MAX)
			companion_accept(c, now);
		else if (i < COMPANION_CLIENTS && c->c[i].fd >= 0 &&
		         (r = companion_read(c, (int)i, p, err, errlen)) != 0)
			return r;
	}
	return 0;
}

void
companion_close(struct companion *c)
{
	if (c == NULL)
		return;
	for (int i = 0; i < COMPANION_CLIENTS; i++)
		if (c->c[i].fd >= 0)
			companion_drop(c, i, 0);
	if (c->ep >= 0)
		close(c->ep);
	close(c->listen_fd);
	free(c);
}
