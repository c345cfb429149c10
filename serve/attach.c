/* GET /v1/runs/{id}/attach: a WebSocket (RFC 6455, frames by base/ws.c)
 * between a client and an interactive run (POST /v1/runs with
 * "interactive": true), carrying what a terminal carries.
 *
 * Client to server: binary frames are bytes for the program's stdin;
 * text frames are JSON messages: {"type":"stdin","data":"..."},
 * {"type":"eof"} (the end of input), {"type":"resize","rows":R,
 * "cols":C} (a "tty" run's terminal). Server to client: text frames,
 * {"type":"status","status":"running"} when the program starts,
 * {"type":"sample","t_ms":T,"cpu_ms":C,"memory_kb":M,"pids":P} as the
 * run's usage is sampled (every 100 ms),
 * {"type":"stdout"|"stderr","data":"..."} (or "data_base64" for output
 * that is not UTF-8, as the results have it), and at the end
 * {"type":"result","result":{...}} (what GET /v1/runs/{id} answers),
 * then a close with 1000. A frame that breaks RFC 6455 is answered with
 * the close code it deserves (1002, 1007, 1009), a message that is not
 * one of those with 1008.
 *
 * libmicrohttpd answers the handshake (101) and hands the socket over;
 * a thread of this file serves it from then on: it connects to the Unix
 * socket of the worker that runs the job (attach-worker.c) as soon as
 * the job is claimed, holding what the client types meanwhile, and
 * relays both ways. A client that leaves ends the program's input (a
 * tty run's terminal hangs up); the program runs on to its end or its
 * limits. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <microhttpd.h>
#include <poll.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/ws.h"
#include "serve/serve.h"

/* A client's message waits this long to be written (ms). */
#define ATTACH_SEND_MS 10000
/* A run that is running but has no socket this long (ms) took no
 * client: another is attached, or its wait ran out. */
#define ATTACH_MISSING_MS 3000

struct attach {
	struct serve *s;
	int64_t job;
	MHD_socket sock;
	struct MHD_UpgradeResponseHandle *urh;
	struct buf early; /* the client's bytes read with the handshake */
	int worker;       /* the worker's socket; -1: not yet, or gone */
	bool worker_gone;
	struct ws_reader rd;
	struct buf pend; /* records for the worker, before it is there */
	struct buf from; /* the worker's bytes, not yet a whole record */
};

/* -------------------------------------------------------- the directory */

/* A directory of the server's own (0700) for the workers' sockets. */
int
attach_dir_make(struct serve *s, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (tmp == NULL || tmp[0] != '/' || strlen(tmp) > 60)
		tmp = "/tmp";
	xasprintf(&dir, "%s/forge-serve.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	s->attach_dir = dir;
	return 0;
}

void
attach_dir_remove(struct serve *s)
{
	DIR *d;
	struct dirent *e;

	if (s->attach_dir == NULL)
		return;
	/* sockets of workers killed while they waited */
	if ((d = opendir(s->attach_dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.')
				(void)unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	(void)rmdir(s->attach_dir);
	free(s->attach_dir);
	s->attach_dir = NULL;
}

/* ------------------------------------------------------------ the wire */

/* All of b to the client, waiting for a slow one up to ATTACH_SEND_MS. */
static int
attach_send(struct attach *a, const struct buf *b)
{
	size_t off = 0;
	uint64_t until = util_now_ms() + ATTACH_SEND_MS;

	while (off < b->len) {
		ssize_t w =
		    send(a->sock, b->data + off, b->len - off, MSG_NOSIGNAL);

		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN && util_now_ms() < until) {
			struct pollfd p = {.fd = a->sock, .events = POLLOUT};
			(void)poll(&p, 1, 100);
			continue;
		}
		return -1;
	}
	return 0;
}

static int
attach_text(struct attach *a, const struct buf *json)
{
	struct buf f;
	int r;

	buf_init(&f, 0);
	ws_frame(&f, WS_TEXT, json->data, json->len, false, 0);
	r = attach_send(a, &f);
	buf_free(&f);
	return r;
}

static void
attach_close(struct attach *a, uint16_t code, const char *reason)
{
	struct buf f;

	buf_init(&f, 0);
	ws_close(&f, code, reason, false, 0);
	(void)attach_send(a, &f);
	buf_free(&f);
}

/* A record for the worker: now, or when it is there. */
static int
attach_to_worker(struct attach *a, char type, const void *p, size_t n)
{
	if (a->worker >= 0)
		return attach_record(a->worker, type, p, n);
	if (a->worker_gone)
		return 0; /* the program has ended: nobody reads it */
	if (a->pend.len + n + 5 > ATTACH_MESSAGE_MAX)
		return -1;
	{
		unsigned char h[5] = {(unsigned char)type, (unsigned char)n,
		                      (unsigned char)(n >> 8),
		                      (unsigned char)(n >> 16),
		                      (unsigned char)(n >> 24)};
		buf_add(&a->pend, h, 5);
		buf_add(&a->pend, n > 0 ? p : "", n);
	}
	return 0;
}

/* ------------------------------------------------- the client's messages */

/* A text message: stdin, eof or resize. 0, or -1 with why. */
static int
attach_control(struct attach *a, const struct buf *m, const char **why)
{
	struct jsonparse_error e;
	struct jsonparse_value *v = jsonparse_parse(m->data, m->len, &e);
	const char *type = jsonparse_string(jsonparse_get(v, "type"), NULL);
	int ret = -1;

	*why = "a message of type stdin, eof or resize, please";
	if (v == NULL || type == NULL)
		;
	else if (strcmp(type, "stdin") == 0) {
		size_t n;
		const char *d = jsonparse_string(jsonparse_get(v, "data"), &n);

		*why = "stdin: a \"data\" string, please";
		if (d != NULL)
			ret = attach_to_worker(a, ATTACH_STDIN, d, n);
	} else if (strcmp(type, "eof") == 0)
		ret = attach_to_worker(a, ATTACH_EOF, NULL, 0);
	else if (strcmp(type, "resize") == 0) {
		int64_t r, c;

		*why = "resize: rows and cols from 1 to 1000, please";
		if (jsonparse_int(jsonparse_get(v, "rows"), &r) &&
		    jsonparse_int(jsonparse_get(v, "cols"), &c) && r >= 1 &&
		    r <= 1000 && c >= 1 && c <= 1000) {
			unsigned char p[4] = {
			    (unsigned char)(r >> 8), (unsigned char)r,
			    (unsigned char)(c >> 8), (unsigned char)c};
			ret = attach_to_worker(a, ATTACH_RESIZE, p, 4);
		}
	}
	if (ret < 0 && v != NULL && type != NULL && a->pend.len > 0 &&
	    a->worker < 0)
		*why = "too much input before the run started";
	jsonparse_free(v);
	return ret;
}

/* The client's bytes: false when the connection is to end (the close
 * already sent). */
static bool
attach_from_client(struct attach *a, const char *p, size_t n)
{
	struct buf m;
	const char *why;
	bool go_on = true;
	int op, r;

	buf_init(&m, 0);
	ws_reader_feed(&a->rd, p, n);
	while (go_on && (r = ws_reader_next(&a->rd, &op, &m)) != 0) {
		if (r < 0) {
			attach_close(a, a->rd.close_code, a->rd.error);
			go_on = false;
		} else if (op == WS_BINARY) {
			if (attach_to_worker(a, ATTACH_STDIN, m.data, m.len) <
			    0) {
				attach_close(a, WS_CLOSE_POLICY,
				             "too much input before the run "
				             "started");
				go_on = false;
			}
		} else if (op == WS_TEXT) {
			if (attach_control(a, &m, &why) < 0) {
				attach_close(a, WS_CLOSE_POLICY, why);
				go_on = false;
			}
		} else if (op == WS_PING) {
			struct buf f;

			buf_init(&f, 0);
			ws_frame(&f, WS_PONG, m.data, m.len, false, 0);
			(void)attach_send(a, &f);
			buf_free(&f);
		} else if (op == WS_CLOSE) {
			uint16_t c = ws_close_code(m.data, m.len);

			attach_close(
			    a, c == WS_CLOSE_NO_STATUS ? WS_CLOSE_NORMAL : c,
			    NULL);
			go_on = false;
		}
	}
	buf_free(&m);
	return go_on;
}

/* ------------------------------------------------- the worker's records */

static void
attach_output_message(struct attach *a, const char *kind, const char *p,
                      size_t n)
{
	struct buf b;
	struct json_writer w = {&b, false};

	buf_init(&b, 0);
	json_open(&w, NULL, '{');
	json_cstr(&w, "type", kind);
	if (p != NULL)
		json_output(&w, "data", p, n);
	else
		json_cstr(&w, "status", "running");
	json_close(&w, '}');
	(void)attach_text(a, &b);
	buf_free(&b);
}

/* {"type":"sample","t_ms":...,"cpu_ms":...,"memory_kb":...,"pids":...} */
static void
attach_sample_message(struct attach *a, const char *json, size_t n)
{
	struct buf b;

	if (n < 2 || json[0] != '{')
		return;
	buf_init(&b, 0);
	buf_addstr(&b, "{\"type\":\"sample\",");
	buf_add(&b, json + 1, n - 1);
	(void)attach_text(a, &b);
	buf_free(&b);
}

/* The worker's bytes: its records as messages. */
static void
attach_from_worker(struct attach *a, const char *p, size_t n)
{
	const char *d;
	size_t used = 0, len;
	char type;

	buf_add(&a->from, p, n);
	while (attach_record_next(&a->from, &used, &type, &d, &len)) {
		if (type == ATTACH_STDOUT)
			attach_output_message(a, "stdout", d, len);
		else if (type == ATTACH_STDERR)
			attach_output_message(a, "stderr", d, len);
		else if (type == ATTACH_STARTED)
			attach_output_message(a, "status", NULL, 0);
		else if (type == ATTACH_SAMPLE)
			attach_sample_message(a, d, len);
	}
	memmove(a->from.data, a->from.data + used, a->from.len - used);
	a->from.len -= used;
}

/* The job's state: queued, running, done or cancelled; -1: no job. */
static int
attach_state(struct attach *a, struct buf *result)
{
	struct queue_job j;
	int st;

	if (queue_get(a->s->db, a->job, &j) < 0)
		return -1;
	st = (int)j.state;
	if (result != NULL &&
	    (j.state == QUEUE_DONE || j.state == QUEUE_CANCELLED)) {
		buf_addstr(result, "{\"type\":\"result\",\"result\":");
		native_job_json(&j, result);
		while (result->len > 0 && result->data[result->len - 1] == '\n')
			result->len--;
		buf_addstr(result, "}");
	}
	queue_job_free(&j);
	return st;
}

/* The run has ended (its worker closed, or it ended before one was
 * there): the result, then a close. Waits a little for the row. */
static void
attach_finish(struct attach *a)
{
	struct buf b;

	buf_init(&b, 0);
	for (int i = 0; i < 100; i++) {
		int st = attach_state(a, &b);

		if (st == QUEUE_DONE || st == QUEUE_CANCELLED) {
			(void)attach_text(a, &b);
			attach_close(a, WS_CLOSE_NORMAL, "the run ended");
			buf_free(&b);
			return;
		}
		if (st < 0)
			break;
		usleep(50 * 1000);
	}
	attach_close(a, WS_CLOSE_INTERNAL,
	             "the run was interrupted: it will run again");
	buf_free(&b);
}

/* The worker's socket, when it listens: 0 connected, -1 not (yet). */
static int
attach_connect(struct attach *a)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%lld", a->s->attach_dir,
	         (long long)a->job);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	a->worker = fd;
	if (a->pend.len > 0 &&
	    util_write_all(fd, a->pend.data, a->pend.len) < 0) {
		close(fd);
		a->worker = -1;
		return -1;
	}
	buf_reset(&a->pend);
	return 0;
}

/* Until the worker is there: false when the connection is to end. */
static bool
attach_find_worker(struct attach *a, uint64_t *missing_since)
{
	int st;

	if (attach_connect(a) == 0)
		return true;
	st = attach_state(a, NULL);
	if (st == QUEUE_DONE || st == QUEUE_CANCELLED || st < 0) {
		attach_finish(a);
		return false;
	}
	if (st != QUEUE_RUNNING) {
		*missing_since = 0;
		return true;
	}
	if (*missing_since == 0)
		*missing_since = util_now_ms();
	else if (util_now_ms() - *missing_since > ATTACH_MISSING_MS) {
		attach_close(a, WS_CLOSE_POLICY,
		             "the run is not waiting for a client: another is "
		             "attached, or it started without one");
		return false;
	}
	return true;
}

static void
attach_relay(struct attach *a)
{
	uint64_t missing_since = 0;
	char chunk[16384];

	if (a->early.len > 0 &&
	    !attach_from_client(a, a->early.data, a->early.len))
		return;
	for (;;) {
		struct pollfd p[2] = {{.fd = a->sock, .events = POLLIN},
		                      {.fd = a->worker, .events = POLLIN}};
		ssize_t n;

		if (a->s->streams_closed) {
			attach_close(a, WS_CLOSE_GOING_AWAY,
			             "the server stops");
			return;
		}
		if (a->worker < 0 && !attach_find_worker(a, &missing_since))
			return;
		p[1].fd = a->worker;
		if (poll(p, 2, 100) < 0 && errno != EINTR)
			return;
		if (p[0].revents) {
			n = recv(a->sock, chunk, sizeof chunk, 0);
			if (n == 0 ||
			    (n < 0 && errno != EAGAIN && errno != EINTR))
				return; /* the client is gone */
			if (n > 0 && !attach_from_client(a, chunk, (size_t)n))
				return;
		}
		if (a->worker >= 0 && p[1].revents) {
			n = read(a->worker, chunk, sizeof chunk);
			if (n > 0)
				attach_from_worker(a, chunk, (size_t)n);
			else if (n == 0 || errno != EINTR) {
				/* the job is done, or its worker died */
				close(a->worker);
				a->worker = -1;
				a->worker_gone = true;
				attach_finish(a);
				return;
			}
		}
	}
}

static void *
attach_thread(void *arg)
{
	struct attach *a = arg;
	struct serve *s = a->s;

	attach_relay(a);
	if (a->worker >= 0)
		close(a->worker);
	(void)MHD_upgrade_action(a->urh, MHD_UPGRADE_ACTION_CLOSE);
	ws_reader_free(&a->rd);
	buf_free(&a->early);
	buf_free(&a->pend);
	buf_free(&a->from);
	free(a);
	pthread_mutex_lock(&s->lock);
	s->attaches--;
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* libmicrohttpd sent the 101: the socket is ours. */
static void
attach_upgraded(void *cls, struct MHD_Connection *c, void *con_cls,
                const char *extra, size_t extra_len, MHD_socket sock,
                struct MHD_UpgradeResponseHandle *urh)
{
	struct attach *a = cls;
	pthread_attr_t at;
	pthread_t t;

	a->sock = sock;
	a->urh = urh;
	buf_add(&a->early, extra_len > 0 ? extra : "", extra_len);
	pthread_mutex_lock(&a->s->lock);
	a->s->attaches++;
	pthread_mutex_unlock(&a->s->lock);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &at, attach_thread, a) != 0)
		attach_thread(a);
	pthread_attr_destroy(&at);
}

/* Whether the job's request asked for an interactive run. */
static bool
attach_interactive(struct serve *s, int64_t id)
{
	sqlite3_stmt *st = NULL;
	bool yes = false;

	db_lock(s->db);
	if (sqlite3_prepare_v2(db_handle(s->db),
	                       "SELECT request FROM jobs WHERE id = ?1", -1,
	                       &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			const char *r =
			    (const char *)sqlite3_column_text(st, 0);
			struct jsonparse_error e;
			struct jsonparse_value *v =
			    r ? jsonparse_parse(r, strlen(r), &e) : NULL;

			yes = jsonparse_is(jsonparse_get(v, "interactive"),
			                   JSONPARSE_TRUE);
			jsonparse_free(v);
		}
	}
	sqlite3_finalize(st);
	db_unlock(s->db);
	return yes;
}

static const char *
attach_header(struct http_request *q, const char *name)
{
	return MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, name);
}

/* The handshake's request: 0, or -1 with the answer in r. */
static int
attach_handshake(struct http_request *q, struct http_response *r,
                 char accept[29])
{
	const char *up = attach_header(q, "Upgrade"),
	           *conn = attach_header(q, "Connection"),
	           *ver = attach_header(q, "Sec-WebSocket-Version");

	if (up == NULL || strcasecmp(up, "websocket") != 0 || conn == NULL ||
	    strcasestr(conn, "upgrade") == NULL) {
		http_error(r, 400,
		           "a WebSocket handshake, please (Upgrade: websocket, "
		           "Connection: Upgrade)");
		return -1;
	}
	if (ver == NULL || strcmp(ver, "13") != 0) {
		http_error(r, 426, "Sec-WebSocket-Version: 13, please");
		r->stream = MHD_create_response_from_buffer(
		    r->body.len, r->body.data, MHD_RESPMEM_MUST_COPY);
		if (r->stream != NULL)
			MHD_add_response_header(r->stream,
			                        "Sec-WebSocket-Version", "13");
		return -1;
	}
	if (ws_accept(attach_header(q, "Sec-WebSocket-Key"), accept) < 0) {
		http_error(r, 400,
		           "Sec-WebSocket-Key: the base64 of 16 bytes, please");
		return -1;
	}
	return 0;
}

void
attach_route(struct serve *s, struct http_request *q, int64_t id,
             struct http_response *r)
{
	struct queue_job j;
	struct attach *a;
	char accept[29];
	bool ended;

	if (!native_owner(s, q, id, r) || attach_handshake(q, r, accept) < 0)
		return;
	if (!attach_interactive(s, id)) {
		http_error(r, 409,
		           "run %lld is not interactive (POST /v1/runs with "
		           "\"interactive\": true)",
		           (long long)id);
		return;
	}
	if (queue_get(s->db, id, &j) < 0) {
		http_error(r, 404, "no run %lld", (long long)id);
		return;
	}
	ended = j.state == QUEUE_DONE || j.state == QUEUE_CANCELLED;
	queue_job_free(&j);
	if (ended) {
		http_error(r, 409,
		           "run %lld has ended: its output is at "
		           "/v1/runs/%lld/events",
		           (long long)id, (long long)id);
		return;
	}
	a = xcalloc(1, sizeof *a);
	a->s = s;
	a->job = id;
	a->worker = -1;
	buf_init(&a->early, 0);
	buf_init(&a->pend, 0);
	buf_init(&a->from, 0);
	ws_reader_init(&a->rd, true, ATTACH_MESSAGE_MAX);
	r->stream = MHD_create_response_for_upgrade(attach_upgraded, a);
	if (r->stream == NULL) {
		ws_reader_free(&a->rd);
		free(a);
		http_error(r, 500, "cannot upgrade the connection");
		return;
	}
	MHD_add_response_header(r->stream, "Upgrade", "websocket");
	MHD_add_response_header(r->stream, "Sec-WebSocket-Accept", accept);
	r->code = MHD_HTTP_SWITCHING_PROTOCOLS;
}

/* The server stops: every attach thread ends (they look at
 * streams_closed) before libmicrohttpd does; bounded. */
void
attach_stop_all(struct serve *s)
{
	for (int i = 0; i < 100; i++) {
		unsigned n;

		pthread_mutex_lock(&s->lock);
		n = s->attaches;
		pthread_mutex_unlock(&s->lock);
		if (n == 0)
			return;
		usleep(50 * 1000);
	}
}
