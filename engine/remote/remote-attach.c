/* An interactive run on a forge serve: what a terminal (q->tty_fd, the
 * workbench's pty) types goes to the program as it runs, and what the
 * program writes comes back to it. The run is queued with "interactive"
 * and "tty" and the terminal's size (remote_body), then joined through
 * GET /v1/runs/{id}/attach, a WebSocket (RFC 6455, base/ws.c) on a
 * plain TCP connection (http:// only). The terminal here is made raw:
 * the server's terminal echoes and edits lines, as the program's own
 * would. Keys go up as binary messages; a new size of the terminal as a
 * resize message; stdout comes down and is written to the terminal;
 * the run's usage samples go to q->on_sample; the result ends it. */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "base/ws.h"
#include "engine/remote/remote.h"

/* The server's messages, at most (a whole result with its outputs). */
#define REMOTE_ATTACH_MAX (256u << 20)

struct remote_attach {
	int sock;
	struct ws_reader rd;
	struct jsonparse_value *result; /* the "result" message */
	unsigned short rows, cols;      /* the size the server knows */
};

static uint32_t
remote_attach_key(void)
{
	uint32_t k = 0;

	(void)!getrandom(&k, sizeof k, 0);
	return k;
}

static int
remote_attach_send(struct remote_attach *a, int op, const void *p, size_t n)
{
	struct buf f;
	int r;

	buf_init(&f, 0);
	ws_frame(&f, op, p, n, true, remote_attach_key());
	r = util_write_all(a->sock, f.data, f.len);
	buf_free(&f);
	return r;
}

/* http://HOST[:PORT][/]: a connected socket, or -1 with err said. */
static int
remote_attach_connect(const char *url, char *hostport, size_t hlen, char *err,
                      size_t errlen)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
	char host[256], port[16] = "80";
	const char *p, *end, *colon;
	int fd = -1, rc;

	if (strncmp(url, "http://", 7) != 0) {
		snprintf(err, errlen,
		         "an interactive run needs an http:// server (%s)",
		         url);
		return -1;
	}
	p = url + 7;
	end = p + strcspn(p, "/");
	colon =
	    p[0] == '[' ? strstr(p, "]:") : memchr(p, ':', (size_t)(end - p));
	if (colon != NULL && colon < end) {
		size_t hn = (size_t)(colon - p) + (p[0] == '[');

		snprintf(port, sizeof port, "%.*s",
		         (int)(end - colon - 1 - (p[0] == '[')),
		         colon + 1 + (p[0] == '['));
		snprintf(host, sizeof host, "%.*s", (int)hn, p);
	} else
		snprintf(host, sizeof host, "%.*s", (int)(end - p), p);
	snprintf(hostport, hlen, "%.*s", (int)(end - p), p);
	if (host[0] == '[') {
		memmove(host, host + 1, strlen(host));
		host[strcspn(host, "]")] = '\0';
	}
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(err, errlen, "cannot reach forge serve at %s: %s", url,
		         strerror(errno));
	return fd;
}

/* The handshake for run id: 0, or -1 with err said (the server's
 * refusal line when it refused). */
static int
remote_attach_handshake(struct remote_attach *a, const char *hostport,
                        int64_t id, char *err, size_t errlen)
{
	const char *token = engine_config()->remote_token;
	unsigned char raw[16];
	char accept[29], *want, *end;
	struct buf key, req, in;
	int ret = -1;

	(void)!getrandom(raw, sizeof raw, 0);
	buf_init(&key, 0);
	json_base64(&key, (const char *)raw, sizeof raw);
	buf_init(&req, 0);
	buf_printf(&req,
	           "GET /v1/runs/%lld/attach HTTP/1.1\r\nHost: %s\r\n"
	           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n",
	           (long long)id, hostport, buf_cstr(&key));
	if (token != NULL)
		buf_printf(&req, "Authorization: Bearer %s\r\n", token);
	buf_addstr(&req, "\r\n");
	buf_init(&in, 0);
	if (util_write_all(a->sock, req.data, req.len) < 0)
		snprintf(err, errlen, "attach: %s", strerror(errno));
	else {
		char chunk[4096];
		ssize_t n;

		while ((end = strstr(buf_cstr(&in), "\r\n\r\n")) == NULL &&
		       in.len < 16384 &&
		       (n = read(a->sock, chunk, sizeof chunk)) > 0)
			buf_add(&in, chunk, (size_t)n);
		(void)ws_accept(buf_cstr(&key), accept);
		xasprintf(&want, "Sec-WebSocket-Accept: %s\r\n", accept);
		if (end == NULL)
			snprintf(err, errlen,
			         "attach: no answer from the server");
		else if (strncmp(in.data, "HTTP/1.1 101", 12) != 0 ||
		         strcasestr(in.data, want) == NULL)
			snprintf(err, errlen, "attach refused: %.*s",
			         (int)strcspn(in.data, "\r\n"), in.data);
		else {
			/* frames that came with the answer */
			ws_reader_feed(&a->rd, end + 4,
			               in.len - (size_t)(end + 4 - in.data));
			ret = 0;
		}
		free(want);
	}
	buf_free(&in);
	buf_free(&req);
	buf_free(&key);
	return ret;
}

/* A message from the server: false when the run is over. */
static bool
remote_attach_message(struct remote_attach *a, const struct pipeline_request *q,
                      const struct buf *m)
{
	struct jsonparse_error e;
	struct jsonparse_value *v = jsonparse_parse(m->data, m->len, &e);
	const char *type = jsonparse_string(jsonparse_get(v, "type"), NULL);
	bool go_on = true;

	if (type == NULL)
		;
	else if (strcmp(type, "stdout") == 0 || strcmp(type, "stderr") == 0) {
		struct buf d;

		buf_init(&d, 0);
		jsonparse_output(v, "data", &d);
		(void)util_write_all(q->tty_fd, d.data ? d.data : "", d.len);
		buf_free(&d);
	} else if (strcmp(type, "sample") == 0 && q->on_sample != NULL) {
		struct box_sample x = {0};
		int64_t n;

		if (jsonparse_int(jsonparse_get(v, "t_ms"), &n))
			x.t_ms = (uint64_t)n;
		if (jsonparse_int(jsonparse_get(v, "cpu_ms"), &n))
			x.cpu_ms = (uint64_t)n;
		if (jsonparse_int(jsonparse_get(v, "memory_kb"), &n))
			x.mem_bytes = (uint64_t)n * 1024;
		if (jsonparse_int(jsonparse_get(v, "pids"), &n))
			x.pids = (uint32_t)n;
		q->on_sample(&x, q->arg);
	} else if (strcmp(type, "result") == 0) {
		a->result = v;
		v = NULL;
		go_on = false;
	}
	jsonparse_free(v);
	return go_on;
}

/* The terminal's size, when it changed: a resize message. */
static void
remote_attach_size(struct remote_attach *a, int tty)
{
	struct winsize ws = {0};
	char m[96];
	int n;

	if (ioctl(tty, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0 ||
	    (ws.ws_row == a->rows && ws.ws_col == a->cols))
		return;
	a->rows = ws.ws_row;
	a->cols = ws.ws_col;
	n = snprintf(m, sizeof m,
	             "{\"type\":\"resize\",\"rows\":%u,\"cols\":%u}", a->rows,
	             a->cols);
	(void)remote_attach_send(a, WS_TEXT, m, (size_t)n);
}

/* Until the result (or the connection's end): 0, or -1 with err. */
static int
remote_attach_relay(struct remote_attach *a, const struct pipeline_request *q,
                    char *err, size_t errlen)
{
	struct buf m;
	char chunk[4096];
	bool tty_open = true;
	int op, r;

	buf_init(&m, 0);
	for (;;) {
		struct pollfd p[2] = {
		    {.fd = a->sock, .events = POLLIN},
		    {.fd = tty_open ? q->tty_fd : -1, .events = POLLIN}};
		ssize_t n;

		while ((r = ws_reader_next(&a->rd, &op, &m)) == 1) {
			if (op == WS_TEXT && !remote_attach_message(a, q, &m))
				goto out;
			if (op == WS_PING)
				(void)remote_attach_send(a, WS_PONG, m.data,
				                         m.len);
			if (op == WS_CLOSE) {
				snprintf(
				    err, errlen,
				    "the server closed the run's connection "
				    "(%u): %.*s",
				    ws_close_code(m.data, m.len),
				    m.len > 2 ? (int)m.len - 2 : 0,
				    m.len > 2 ? m.data + 2 : "");
				goto out;
			}
		}
		if (r < 0) {
			snprintf(err, errlen, "the server's frames: %s",
			         a->rd.error);
			goto out;
		}
		remote_attach_size(a, q->tty_fd);
		if (poll(p, 2, 100) < 0 && errno != EINTR)
			break;
		if (p[1].revents) {
			n = read(q->tty_fd, chunk, sizeof chunk);
			if (n > 0)
				(void)remote_attach_send(a, WS_BINARY, chunk,
				                         (size_t)n);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN))
				tty_open = false;
		}
		if (p[0].revents) {
			n = read(a->sock, chunk, sizeof chunk);
			if (n <= 0 && !(n < 0 && errno == EINTR)) {
				snprintf(err, errlen,
				         "the connection to forge serve ended "
				         "before the run's result");
				goto out;
			}
			if (n > 0)
				ws_reader_feed(&a->rd, chunk, (size_t)n);
		}
	}
	snprintf(err, errlen, "poll: %s", strerror(errno));
out:
	buf_free(&m);
	return a->result != NULL ? 0 : -1;
}

int
remote_attach_run(const struct pipeline_request *q, struct pipeline_result *res)
{
	struct remote_attach a = {.sock = -1};
	struct remote_reply r;
	struct jsonparse_error e;
	struct jsonparse_value *v = NULL;
	struct termios raw;
	char err[1024] = "", hostport[300];
	struct buf body;
	int64_t id = 0;

	buf_init(&body, 0);
	ws_reader_init(&a.rd, false, REMOTE_ATTACH_MAX);
	/* the server's terminal does the echo and the line editing */
	if (tcgetattr(q->tty_fd, &raw) == 0) {
		cfmakeraw(&raw);
		(void)tcsetattr(q->tty_fd, TCSANOW, &raw);
	}
	if (remote_body(q, &body, err, sizeof err) == 0 &&
	    remote_call("POST", "/v1/runs", buf_cstr(&body), &r, err,
	                sizeof err) == 0) {
		v = jsonparse_parse(r.body.data ? r.body.data : "", r.body.len,
		                    &e);
		if (r.status != 202 ||
		    !jsonparse_int(jsonparse_get(v, "id"), &id))
			snprintf(err, sizeof err,
			         "forge serve at %s: %ld: %.*s",
			         remote_server(), r.status, 300,
			         r.body.data ? r.body.data : "");
		jsonparse_free(v);
		buf_free(&r.body);
	}
	if (id > 0 &&
	    (a.sock = remote_attach_connect(remote_server(), hostport,
	                                    sizeof hostport, err,
	                                    sizeof err)) >= 0 &&
	    remote_attach_handshake(&a, hostport, id, err, sizeof err) == 0 &&
	    remote_attach_relay(&a, q, err, sizeof err) == 0) {
		remote_result(q, jsonparse_get(a.result, "result"), res);
		struct buf close;

		buf_init(&close, 0);
		ws_close(&close, WS_CLOSE_NORMAL, NULL, true,
		         remote_attach_key());
		(void)util_write_all(a.sock, close.data, close.len);
		buf_free(&close);
	} else {
		res->verdict = VERDICT_IE;
		res->run.end = BOX_ERROR;
		strlcpy0(res->detail, err, sizeof res->detail);
	}
	if (a.sock >= 0)
		close(a.sock);
	jsonparse_free(a.result);
	ws_reader_free(&a.rd);
	buf_free(&body);
	return 0;
}
