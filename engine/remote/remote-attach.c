/* An interactive run on a forge serve: what a terminal (q->tty_fd, the
 * workbench's pty) types goes to the program as it runs, and what the
 * program writes comes back to it. The run is queued with "interactive"
 * and "tty" and the terminal's size (remote_body), then joined through
 * GET /v1/runs/{id}/attach, a WebSocket (RFC 6455, base/ws.c) whose
 * frames go through a connection libcurl makes (CONNECT_ONLY: so an
 * https:// server's TLS, its certificate checked against the system's
 * CAs or FORGE_SERVER_CA, is libcurl's, as for the API's requests; the
 * frames and the upgrade are ours). The terminal here is made raw:
 * the server's terminal echoes and edits lines, as the program's own
 * would. Keys go up as binary messages; a new size of the terminal as a
 * resize message; stdout comes down and is written to the terminal;
 * the run's usage samples go to q->on_sample; the result ends it. */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <termios.h>
#include <unistd.h>

#include "base/ws.h"
#include "engine/remote/remote.h"

/* The server's messages, at most (a whole result with its outputs). */
#define REMOTE_ATTACH_MAX (256u << 20)
/* a write that cannot go on, an answer to the handshake that does not
 * come: given up after so long */
#define REMOTE_ATTACH_IO_MS 30000

struct remote_attach {
	CURL *curl; /* the connection, libcurl's (CONNECT_ONLY) */
	int sock;   /* its socket, to poll */
	struct ws_reader rd;
	struct jsonparse_value *result; /* the "result" message */
	unsigned short rows, cols;      /* the size the server knows */
	bool interrupted;               /* a held signal came: cancel */
};

static uint32_t
remote_attach_key(void)
{
	uint32_t k = 0;

	(void)!getrandom(&k, sizeof k, 0);
	return k;
}

/* ------------------------------------------------- the connection */

/* All of p, through libcurl's connection (TLS for https://): 0, or -1. */
static int
remote_attach_write(struct remote_attach *a, const void *p, size_t n)
{
	while (n > 0) {
		struct pollfd w = {.fd = a->sock, .events = POLLOUT};
		size_t sent = 0;
		CURLcode rc = curl_easy_send(a->curl, p, n, &sent);

		if (rc == CURLE_AGAIN) {
			if (poll(&w, 1, REMOTE_ATTACH_IO_MS) <= 0)
				return -1;
			continue;
		}
		if (rc != CURLE_OK)
			return -1;
		p = (const char *)p + sent;
		n -= sent;
	}
	return 0;
}

/* What the server sent, as far as it is here now (TLS records that
 * libcurl holds are read too): 1 with it fed to the frame reader, 0 when
 * nothing waits, -1 at the connection's end (once what came before it
 * has been fed). */
static int
remote_attach_drain(struct remote_attach *a)
{
	char chunk[16384];
	int got = 0;

	for (;;) {
		size_t n = 0;
		CURLcode rc = curl_easy_recv(a->curl, chunk, sizeof chunk, &n);

		if (rc == CURLE_AGAIN)
			return got;
		if (rc != CURLE_OK || n == 0)
			return got ? 1
			           : -1; /* what came before the end first */
		ws_reader_feed(&a->rd, chunk, n);
		got = 1;
	}
}

/* Some bytes, waited for up to REMOTE_ATTACH_IO_MS: how many; 0 at the
 * connection's end, -1 on an error or none in time. */
static ssize_t
remote_attach_recv(struct remote_attach *a, char *p, size_t max)
{
	for (;;) {
		struct pollfd r = {.fd = a->sock, .events = POLLIN};
		size_t n = 0;
		CURLcode rc = curl_easy_recv(a->curl, p, max, &n);

		if (rc == CURLE_OK)
			return (ssize_t)n;
		if (rc != CURLE_AGAIN || poll(&r, 1, REMOTE_ATTACH_IO_MS) <= 0)
			return -1;
	}
}

static int
remote_attach_send(struct remote_attach *a, int op, const void *p, size_t n)
{
	struct buf f;
	int r;

	buf_init(&f, 0);
	ws_frame(&f, op, p, n, true, remote_attach_key());
	r = remote_attach_write(a, f.data, f.len);
	buf_free(&f);
	return r;
}

/* A connection to the server (http:// or https://, whose TLS is
 * libcurl's, as for the API's requests): 0 with a->curl and a->sock,
 * and its HOST[:PORT] in hostport; or -1 with err said. */
static int
remote_attach_connect(struct remote_attach *a, const char *url, char *hostport,
                      size_t hlen, char *err, size_t errlen)
{
	const char *p = strstr(url, "://");
	curl_socket_t fd = CURL_SOCKET_BAD;
	CURLcode rc;

	if (p == NULL) {
		snprintf(err, errlen, "%s: not the URL of a forge serve", url);
		return -1;
	}
	p += 3;
	snprintf(hostport, hlen, "%.*s", (int)strcspn(p, "/"), p);
	if ((a->curl = remote_easy(url)) == NULL) {
		snprintf(err, errlen, "libcurl cannot start");
		return -1;
	}
	/* the connection only (and its TLS): the requests are ours */
	curl_easy_setopt(a->curl, CURLOPT_CONNECT_ONLY, 1L);
	if ((rc = curl_easy_perform(a->curl)) != CURLE_OK ||
	    curl_easy_getinfo(a->curl, CURLINFO_ACTIVESOCKET, &fd) !=
	        CURLE_OK ||
	    fd == CURL_SOCKET_BAD) {
		snprintf(err, errlen, "cannot reach forge serve at %s: %s", url,
		         curl_easy_strerror(rc));
		return -1;
	}
	a->sock = fd;
	return 0;
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
	if (remote_attach_write(a, req.data, req.len) < 0)
		snprintf(err, errlen, "attach: the request could not be sent");
	else {
		char chunk[4096];
		ssize_t n;

		while ((end = strstr(buf_cstr(&in), "\r\n\r\n")) == NULL &&
		       in.len < 16384 &&
		       (n = remote_attach_recv(a, chunk, sizeof chunk)) > 0)
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
		if (q->tty_signals && q->on_output != NULL && d.len > 0)
			q->on_output(strcmp(type, "stdout") == 0 ? 1 : 2,
			             d.data, d.len, q->arg);
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
		if (remote_interrupted()) {
			a->interrupted = true;
			goto out;
		}
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
		if (p[0].revents && remote_attach_drain(a) < 0) {
			snprintf(err, errlen,
			         "the connection to forge serve ended "
			         "before the run's result");
			goto out;
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
	struct termios raw, was;
	bool restore = false;
	sigset_t held;
	char err[1024] = "", hostport[300];
	struct buf body;
	int64_t id = 0;

	buf_init(&body, 0);
	ws_reader_init(&a.rd, false, REMOTE_ATTACH_MAX);
	/* the server's terminal does the echo and the line editing */
	if (tcgetattr(q->tty_fd, &raw) == 0) {
		was = raw;
		restore = true;
		cfmakeraw(&raw);
		if (q->tty_signals)
			raw.c_lflag |= ISIG;
		(void)tcsetattr(q->tty_fd, TCSANOW, &raw);
	}
	/* a terminal's run reads no stdin first: held from the start */
	remote_hold(&held);
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
	    remote_attach_connect(&a, remote_server(), hostport,
	                          sizeof hostport, err, sizeof err) == 0 &&
	    remote_attach_handshake(&a, hostport, id, err, sizeof err) == 0 &&
	    remote_attach_relay(&a, q, err, sizeof err) == 0) {
		remote_result(q, jsonparse_get(a.result, "result"), res);
		struct buf close;

		buf_init(&close, 0);
		ws_close(&close, WS_CLOSE_NORMAL, NULL, true,
		         remote_attach_key());
		(void)remote_attach_write(&a, close.data, close.len);
		buf_free(&close);
	} else if (id > 0 && (a.interrupted || remote_interrupted()) &&
	           (v = remote_cancel(id, err, sizeof err)) != NULL) {
		/* cancelled before the connection goes: the server ends
		 * the program as the API's cancel does (AB), not as a
		 * terminal hung up */
		remote_result(q, v, res);
		jsonparse_free(v);
	} else {
		char e2[256];

		res->verdict = VERDICT_IE;
		res->run.end = BOX_ERROR;
		strlcpy0(res->detail, err, sizeof res->detail);
		/* a job nobody will watch does not run on its own */
		if (id > 0)
			jsonparse_free(remote_cancel(id, e2, sizeof e2));
	}
	if (a.curl != NULL)
		curl_easy_cleanup(a.curl); /* and its connection */
	if (restore)
		(void)tcsetattr(q->tty_fd, TCSADRAIN, &was);
	remote_release(&held);
	jsonparse_free(a.result);
	ws_reader_free(&a.rd);
	buf_free(&body);
	return 0;
}
