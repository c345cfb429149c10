/* HTTP: libmicrohttpd's thread pool does the protocol; this file bounds
 * what a request may cost (a body past SERVE_BODY_MAX is a 413 before it
 * is read, a quiet connection times out), routes it (native.c's table),
 * checks its token, and holds ?wait= requests suspended, without a
 * thread, until their job ends or their time is up. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve/serve.h"

/* A suspended request. */
struct wait {
	struct MHD_Connection *conn;
	struct conn *k;
	int64_t job;
	uint64_t until_ms;
	struct wait *next;
};

struct http_server {
	struct serve *s;
	struct MHD_Daemon *d;
	pthread_t waker;
	volatile bool stop;
	struct deadlines *deadlines; /* slow clients (deadline.c) */
};

/* One connection's request as it arrives. */
struct conn {
	struct buf body;
	bool too_big;
	bool suspended, resumed;
	struct http_request req;
};

void
http_error(struct http_response *r, unsigned code, const char *fmt, ...)
{
	struct json_writer w = {&r->body, false};
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	r->code = code;
	buf_reset(&r->body);
	json_open(&w, NULL, '{');
	json_cstr(&w, "error", msg);
	json_close(&w, '}');
	buf_add(&r->body, "\n", 1);
}

const char *
http_query(struct http_request *q, const char *key)
{
	return MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, key);
}

static enum MHD_Result
http_send(struct MHD_Connection *c, struct http_response *r)
{
	struct MHD_Response *m =
	    r->stream != NULL
	        ? r->stream
	        : MHD_create_response_from_buffer(
	              r->body.len, r->body.data ? r->body.data : (char *)"",
	              MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;
	char n[32];

	if (r->code != MHD_HTTP_SWITCHING_PROTOCOLS)
		MHD_add_response_header(m, "Content-Type",
		                        r->content_type ? r->content_type
		                                        : "application/json");
	if (r->retry_after > 0) {
		snprintf(n, sizeof n, "%u", r->retry_after);
		MHD_add_response_header(m, "Retry-After", n);
	}
	ret = MHD_queue_response(c, r->code, m);
	MHD_destroy_response(m);
	return ret;
}

/* "/submissions/{key}" against a path: whether it matches, and the
 * segment (a plain one: no '/', at most sizeof key - 1 bytes). */
static bool
http_match_key(const char *pattern, const char *path, char *key, size_t len)
{
	const char *p = strstr(pattern, "{key}");
	size_t pre = (size_t)(p - pattern), n;

	if (strncmp(pattern, path, pre) != 0)
		return false;
	n = strcspn(path + pre, "/");
	if (n == 0 || n >= len || strcmp(path + pre + n, p + 5) != 0)
		return false;
	memcpy(key, path + pre, n);
	key[n] = '\0';
	return true;
}

/* "/v1/runs/{id}" against a path: whether it matches, and the id. */
static bool
http_match(const char *pattern, const char *path, int64_t *id, char *key,
           size_t keylen)
{
	const char *p = strstr(pattern, "{id}");
	size_t pre;
	char *end;

	if (strstr(pattern, "{key}") != NULL)
		return http_match_key(pattern, path, key, keylen);
	if (p == NULL)
		return strcmp(pattern, path) == 0;
	pre = (size_t)(p - pattern);
	if (strncmp(pattern, path, pre) != 0 || path[pre] < '0' ||
	    path[pre] > '9')
		return false;
	errno = 0;
	*id = strtoll(path + pre, &end, 10);
	return errno == 0 && *id > 0 && strcmp(end, p + 4) == 0;
}

/* Every API's routes, tried in this order (a fixed path before a
 * "{key}" beside it in its table). */
static const struct native_route *const http_tables[] = {
    native_routes,
    lab_routes,
    judge0_routes,
    piston_routes,
};

static const struct native_route *
http_find(struct http_request *q, int64_t *id, bool *path_known)
{
	const struct native_route *rt;
	char path[256];
	size_t i, n = strlen(q->path);

	/* "/submissions/?wait=true", as Judge0's documentation writes it */
	snprintf(path, sizeof path, "%s", q->path);
	if (n > 1 && n < sizeof path && path[n - 1] == '/')
		path[n - 1] = '\0';
	for (i = 0; i < sizeof http_tables / sizeof *http_tables; i++)
		for (rt = http_tables[i]; rt->pattern != NULL; rt++) {
			if (!http_match(rt->pattern, path, id, q->key,
			                sizeof q->key))
				continue;
			*path_known = true;
			if (strcmp(rt->method, q->method) == 0)
				return rt;
		}
	return NULL;
}

/* The token: Authorization: Bearer TOKEN, or Judge0's X-Auth-Token. */
static enum auth_result
http_auth(struct serve *s, struct http_request *q, double *retry)
{
	const char *h = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND,
	                                            "Authorization");
	enum auth_result a;
	char *bearer;

	if (h != NULL ||
	    (h = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND,
	                                     "X-Auth-Token")) == NULL)
		return auth_check(s, h, &q->token, retry);
	xasprintf(&bearer, "Bearer %s", h);
	a = auth_check(s, bearer, &q->token, retry);
	free(bearer);
	return a;
}

/* The route, the token, the handler: the response in r. */
static void
http_route(struct serve *s, struct http_request *q, struct http_response *r)
{
	const struct native_route *found;
	bool path_known = false;
	int64_t id = 0;
	double retry = 0;

	found = http_find(q, &id, &path_known);
	if (found == NULL) {
		q->route = path_known ? "other" : "unknown";
		if (path_known)
			http_error(r, 405, "%s is not allowed on %s", q->method,
			           q->path);
		else
			http_error(r, 404, "no such route: %s", q->path);
		return;
	}
	q->route = found->name;
	if (found->auth && s->auth && !q->authed) {
		switch (http_auth(s, q, &retry)) {
		case AUTH_OK:
			q->authed = true;
			break;
		case AUTH_MISSING:
			metrics_reject(s->metrics, "auth");
			http_error(r, 401,
			           "a token is needed: Authorization: Bearer "
			           "TOKEN or X-Auth-Token: TOKEN (forge token "
			           "add)");
			return;
		case AUTH_BAD:
			metrics_reject(s->metrics, "auth");
			http_error(r, 401, "unknown or revoked token");
			return;
		case AUTH_RATE:
			metrics_reject(s->metrics, "rate");
			r->retry_after =
			    retry < 1 ? 1 : (unsigned)(retry + 0.999);
			http_error(r, 429,
			           "too many requests for token '%s': retry in "
			           "%u s",
			           q->token.name, r->retry_after);
			return;
		}
	}
	if (q->authed && q->token.student && !lab_route_student(found)) {
		metrics_reject(s->metrics, "auth");
		http_error(
		    r, 403,
		    "token '%s' is a student's: it may submit to the lab "
		    "and see its own work, no more",
		    q->token.name);
		return;
	}
	found->fn(s, q, id, r);
}

static void http_wake(struct serve *, int64_t job);

/* The job has ended (done or cancelled). */
static bool
http_wait_over(struct serve *s, int64_t id)
{
	struct queue_job j;
	bool over;

	if (queue_get(s->db, id, &j) < 0)
		return false;
	over = j.state == QUEUE_DONE || j.state == QUEUE_CANCELLED;
	queue_job_free(&j);
	return over;
}

static void
http_wait_add(struct serve *s, struct conn *k)
{
	struct wait *w = xcalloc(1, sizeof *w);
	int64_t job = k->req.wait_job;

	w->conn = k->req.conn;
	w->k = k;
	w->job = k->req.wait_job;
	w->until_ms = k->req.wait_until_ms;
	pthread_mutex_lock(&s->lock);
	w->next = s->waits;
	s->waits = w;
	k->suspended = true;
	MHD_suspend_connection(w->conn);
	pthread_mutex_unlock(&s->lock);
	/* a job that ended while its request was answered: its wake-up
	 * came before this wait was listed */
	if (http_wait_over(s, job))
		http_wake(s, job);
}

/* Resumes the waits that match (job id, or 0: those past their time;
 * -1: all). */
static void
http_wake(struct serve *s, int64_t job)
{
	uint64_t now = util_now_ms();
	struct wait **p, *w;

	pthread_mutex_lock(&s->lock);
	for (p = &s->waits; (w = *p) != NULL;) {
		if (job < 0 || (job > 0 && w->job == job) ||
		    (job == 0 && now >= w->until_ms)) {
			*p = w->next;
			w->k->resumed = true;
			MHD_resume_connection(w->conn);
			free(w);
		} else
			p = &w->next;
	}
	pthread_mutex_unlock(&s->lock);
}

void
http_job_done(struct serve *s, int64_t id)
{
	http_wake(s, id);
}

void
http_tick(struct serve *s)
{
	http_wake(s, 0);
	events_tick(s);
}

/* A finished job in the metrics, by its result's verdict, language and
 * backend. */
static void
http_count_run(struct serve *s, int64_t id, uint64_t duration_ms)
{
	struct jsonparse_error e;
	struct jsonparse_value *v;
	struct queue_job j;

	if (queue_get(s->db, id, &j) < 0)
		return;
	if (j.result != NULL &&
	    (v = jsonparse_parse(j.result, strlen(j.result), &e)) != NULL) {
		metrics_run(
		    s->metrics,
		    jsonparse_string(jsonparse_get(v, "verdict"), NULL),
		    jsonparse_string(jsonparse_get(v, "language"), NULL),
		    jsonparse_string(jsonparse_get(v, "backend"), NULL));
		if (duration_ms != WORKER_DURATION_UNKNOWN)
			metrics_duration(
			    s->metrics,
			    jsonparse_string(jsonparse_get(v, "language"),
			                     NULL),
			    (double)duration_ms / 1000.0);
		jsonparse_free(v);
	}
	queue_job_free(&j);
}

/* The jobs the workers finish, read from their pipe; and the clock. */
static void *
http_waker(void *arg)
{
	struct http_server *h = arg;

	while (!h->stop) {
		struct pollfd p = {.fd = h->s->done_r, .events = POLLIN};
		struct worker_done d;

		if (poll(&p, 1, 100) > 0 && (p.revents & POLLIN) &&
		    util_read_all(h->s->done_r, &d, sizeof d) ==
		        (ssize_t)sizeof d) {
			http_count_run(h->s, d.id, d.duration_ms);
			http_job_done(h->s, d.id);
		}
		for (unsigned n = deadlines_tick(h->deadlines); n > 0; n--)
			metrics_reject(h->s->metrics, "slow");
		http_tick(h->s);
	}
	return NULL;
}

/* The connection's clock (deadline.c). */
static struct deadline *
http_deadline(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *i =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return i != NULL ? i->socket_context : NULL;
}

static void
http_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                enum MHD_ConnectionNotificationCode what)
{
	struct http_server *h = cls;
	const union MHD_ConnectionInfo *i;

	if (what == MHD_CONNECTION_NOTIFY_STARTED) {
		i = MHD_get_connection_info(c,
		                            MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context =
		    i != NULL ? deadlines_open(h->deadlines, i->connect_fd)
		              : NULL;
	} else if (what == MHD_CONNECTION_NOTIFY_CLOSED) {
		deadlines_close(h->deadlines, *socket_context);
		*socket_context = NULL;
	}
}

static enum MHD_Result
http_handle(void *cls, struct MHD_Connection *c, const char *url,
            const char *method, const char *version, const char *upload,
            size_t *upload_size, void **con_cls)
{
	struct http_server *h = cls;
	struct serve *s = h->s;
	struct conn *k = *con_cls;
	struct http_response r = {0};
	enum MHD_Result ret;

	if (k == NULL) {
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                             "Content-Length");

		k = xcalloc(1, sizeof *k);
		buf_init(&k->body, 0);
		k->req.conn = c;
		k->req.method = method;
		k->req.path = url;
		*con_cls = k;
		/* refused before a byte of it is read */
		if (cl != NULL && strtoull(cl, NULL, 10) > SERVE_BODY_MAX)
			k->too_big = true;
		else
			return MHD_YES;
	} else if (*upload_size > 0) {
		if (k->body.len + *upload_size > SERVE_BODY_MAX)
			k->too_big = true;
		else if (!k->too_big)
			buf_add(&k->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	/* the request is in: a slow client's clock stops */
	deadlines_reading(h->deadlines, http_deadline(c), false);
	buf_init(&r.body, 0);
	r.code = 200;
	if (k->too_big) {
		metrics_reject(s->metrics, "size");
		http_error(&r, 413, "the body is over %u MiB",
		           SERVE_BODY_MAX >> 20);
		k->req.route = "other";
	} else {
		k->req.body = buf_cstr(&k->body);
		k->req.body_len = k->body.len;
		k->req.waited = k->resumed;
		db_defer_begin(&k->req.sync_seq);
		http_route(s, &k->req, &r);
		db_defer_end();
	}
	if (r.wait && !k->resumed) {
		buf_free(&r.body);
		http_wait_add(s, k);
		return MHD_YES;
	}
	/* what the request wrote (a job accepted, a cancel) is on disk
	 * before the answer goes out, unless the answer is its job's end */
	if (k->req.sync_seq > 0 &&
	    !(k->req.waited && http_wait_over(s, k->req.wait_job)) &&
	    db_sync_upto(s->db, k->req.sync_seq) < 0 && r.stream == NULL) {
		buf_reset(&r.body);
		http_error(&r, 500, "the job queue cannot be synced: %s",
		           strerror(errno));
	}
	metrics_http(s->metrics, k->req.route ? k->req.route : "other", r.code);
	ret = http_send(c, &r);
	buf_free(&r.body);
	return ret;
}

static void
http_done(void *cls, struct MHD_Connection *c, void **con_cls,
          enum MHD_RequestTerminationCode why)
{
	struct http_server *h = cls;
	struct conn *k = *con_cls;

	/* the response is out: the next request's clock starts */
	deadlines_reading(h->deadlines, http_deadline(c), true);
	if (k == NULL)
		return;
	token_free(&k->req.token);
	buf_free(&k->body);
	free(k);
	*con_cls = NULL;
}

/* ADDR:PORT or [ADDR]:PORT, numeric. */
static int
http_address(const char *listen, struct sockaddr_storage *sa, bool *v6,
             char *err, size_t errlen)
{
	struct addrinfo hints = {0}, *res = NULL;
	char host[256];
	const char *colon = strrchr(listen, ':'), *port;
	size_t n;
	int rc;

	if (colon == NULL || colon[1] == '\0') {
		snprintf(err, errlen, "--listen %s: ADDR:PORT, please", listen);
		return -1;
	}
	port = colon + 1;
	n = (size_t)(colon - listen);
	if (n > 1 && listen[0] == '[' && listen[n - 1] == ']') {
		listen++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof host) {
		snprintf(err, errlen, "--listen: no address");
		return -1;
	}
	memcpy(host, listen, n);
	host[n] = '\0';
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "--listen %s: %s", host,
		         gai_strerror(rc));
		return -1;
	}
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	*v6 = res->ai_family == AF_INET6;
	freeaddrinfo(res);
	return 0;
}

static bool
http_loopback(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)
		                  ->sin_addr.s_addr) >>
		        24) == 127;
	return IN6_IS_ADDR_LOOPBACK(
	    &((const struct sockaddr_in6 *)sa)->sin6_addr);
}

struct http_server *
http_start(struct serve *s, const char *listen, char *err, size_t errlen)
{
	struct http_server *h;
	struct sockaddr_storage sa = {0};
	const union MHD_DaemonInfo *info;
	bool v6 = false;
	unsigned threads = s->workers < 4 ? 4 : s->workers;

	if (http_address(listen, &sa, &v6, err, errlen) < 0)
		return NULL;
	if (!http_loopback(&sa) && !s->auth && !s->opts->no_auth) {
		snprintf(err, errlen,
		         "--listen %s is beyond loopback and there is no "
		         "token: add one (forge token add NAME), or say "
		         "--no-auth",
		         listen);
		return NULL;
	}
	h = xcalloc(1, sizeof *h);
	h->s = s;
	h->deadlines = deadlines_new(SERVE_REQUEST_TIME);
	h->d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_LINUX_ONLY |
	        MHD_ALLOW_SUSPEND_RESUME | MHD_ALLOW_UPGRADE |
	        (v6 ? MHD_USE_IPv6 : 0),
	    0, NULL, NULL, http_handle, h, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, 2000u,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, 1000u,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_NOTIFY_COMPLETED, http_done, h,
	    MHD_OPTION_NOTIFY_CONNECTION, http_connection, h, MHD_OPTION_END);
	if (h->d == NULL) {
		snprintf(err, errlen, "cannot listen on %s: %s", listen,
		         errno ? strerror(errno) : "libmicrohttpd refused");
		deadlines_free(h->deadlines);
		free(h);
		return NULL;
	}
	info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "forge serve: listening on http://%.*s:%u/\n",
	        (int)(strrchr(listen, ':') - listen), listen,
	        info ? info->port : 0);
	if (pthread_create(&h->waker, NULL, http_waker, h) != 0) {
		snprintf(err, errlen, "cannot start a thread");
		MHD_stop_daemon(h->d);
		deadlines_free(h->deadlines);
		free(h);
		return NULL;
	}
	return h;
}

/* No new connection from now on; those open go on. */
void
http_quiesce(struct http_server *h)
{
	(void)MHD_quiesce_daemon(h->d);
}

void
http_stop(struct http_server *h)
{
	h->stop = true;
	pthread_join(h->waker, NULL);
	http_wake(h->s, -1);
	h->s->streams_closed = true;
	events_tick(h->s);
	attach_stop_all(h->s);
	MHD_stop_daemon(h->d);
	deadlines_free(h->deadlines);
	free(h);
}
