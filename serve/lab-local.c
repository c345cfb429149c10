/* forge lab add and forge lab rejudge with --db PATH, on the server's
 * machine: the lab's routes called in this process on the server's
 * database (PATH as forge serve --db takes it), with no token and no
 * HTTP. The client side is the same as over HTTP (cli/lab-client.c):
 * its requests come here instead of to libcurl (lab-http.c), so that an
 * add or a rejudge does exactly what the route does. A rejudge's jobs go
 * into the server's queue, where the running server's workers take them
 * (they look at the queue every second); with no server running they
 * wait there for its next start, and the wait for their verdicts stops,
 * saying so. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve/serve.h"

/* How long a rejudge waits for a server to take its first job (ms). */
#define LAB_LOCAL_IDLE_MS 15000

static struct {
	struct serve s;
	struct serve_options o;
	bool open;
	uint64_t idle_since; /* a job queued and none running, since */
} lab_local;

static void
lab_local_close(void)
{
	if (!lab_local.open)
		return;
	db_close(lab_local.s.db);
	lang_set_free(&lab_local.s.langs);
	free(lab_local.s.history_db);
	free(lab_local.s.queue_db);
	lab_local.open = false;
}

/* The server's database at db: 0, or 4 with the reason said. */
int
lab_local_open(const char *db)
{
	struct serve *s = &lab_local.s;
	char err[1024];

	if (lab_local.open)
		return 0;
	memset(s, 0, sizeof *s);
	s->history_db = xstrdup(history_path(db));
	s->queue_db = db_path_for(s->history_db);
	if (access(s->queue_db, F_OK) != 0) {
		fprintf(stderr, "forge: %s: no forge serve database there\n",
		        s->queue_db);
		return 4;
	}
	if ((s->db = db_open(s->queue_db, err, sizeof err)) == NULL) {
		fprintf(stderr, "forge: %s\n", err);
		return 4;
	}
	lab_local.o.backend = backend_default();
	s->opts = &lab_local.o;
	s->queue_max = 1000;
	s->notify_w = -1;
	s->metrics = metrics_new();
	lang_load_all(&s->langs);
	lab_local.open = true;
	atexit(lab_local_close);
	return 0;
}

/* GET /v1/lab/submissions/ID, and while the job waits with nothing
 * running for LAB_LOCAL_IDLE_MS, a 503: no server takes the queue. */
static void
lab_local_show(struct serve *s, struct http_request *q, int64_t id,
               struct http_response *r)
{
	struct lab_sub u;
	struct queue_job j;
	bool waits = false;

	if (lab_sub_get(s, id, &u)) {
		if (queue_get(s->db, u.job, &j) == 0) {
			waits = j.state == QUEUE_QUEUED &&
			        queue_count(s->db, QUEUE_RUNNING, NULL) == 0;
			queue_job_free(&j);
		}
		lab_sub_free(&u);
	}
	if (!waits)
		lab_local.idle_since = 0;
	else if (lab_local.idle_since == 0)
		lab_local.idle_since = util_now_ms();
	else if (util_now_ms() - lab_local.idle_since > LAB_LOCAL_IDLE_MS) {
		http_error(r, 503,
		           "no forge serve takes the jobs of %s: they wait in "
		           "its queue for its next start",
		           s->queue_db);
		return;
	}
	lab_submit_show(s, q, id, r);
}

/* The value of query parameter key in path ("" when it has none), or
 * NULL; into buf. */
static const char *
lab_local_query(const char *path, const char *key, char *buf, size_t len)
{
	const char *p = strchr(path, '?');
	size_t n = strlen(key);

	while (p != NULL) {
		p++;
		if (strncmp(p, key, n) == 0 &&
		    (p[n] == '=' || p[n] == '&' || p[n] == '\0')) {
			const char *v = p[n] == '=' ? p + n + 1 : p + n;

			snprintf(buf, len, "%.*s", (int)strcspn(v, "&"), v);
			return buf;
		}
		p = strchr(p, '&');
	}
	return NULL;
}

/* One of the lab's requests that --db serves: the status and the body
 * in out, as over HTTP; -1 with err for a request it does not serve. */
int
lab_local_request(const char *db, const char *method, const char *path,
                  const char *body, size_t len, long *status, struct buf *out,
                  char *err, size_t errlen)
{
	struct http_response r = {0};
	struct http_request q = {0};
	struct serve *s = &lab_local.s;
	char name[128], hidden[16], rest[128];
	long long id;

	if (lab_local_open(db) != 0) {
		snprintf(err, errlen, "the server's database cannot be used");
		return -1;
	}
	buf_init(&r.body, 0);
	q.method = method;
	q.path = path;
	if (strcmp(method, "POST") == 0 &&
	    strncmp(path, "/v1/lab/problems?", 17) == 0 &&
	    lab_local_query(path, "name", name, sizeof name) != NULL)
		lab_problem_add(s, name,
		                lab_local_query(path, "hidden_tests", hidden,
		                                sizeof hidden) != NULL &&
		                    strcmp(hidden, "true") == 0,
		                body, len, &r);
	else if (strcmp(method, "POST") == 0 &&
	         sscanf(path, "/v1/lab/problems/%63[^/]/%127s", q.key, rest) ==
	             2 &&
	         strcmp(rest, "rejudge") == 0)
		lab_submit_rejudge(s, &q, 0, &r);
	else if (strcmp(method, "GET") == 0 &&
	         sscanf(path, "/v1/lab/submissions/%lld%127s", &id, rest) == 1)
		lab_local_show(s, &q, (int64_t)id, &r);
	else {
		snprintf(err, errlen,
		         "%s %s: not with --db (add and rejudge are)", method,
		         path);
		buf_free(&r.body);
		return -1;
	}
	*status = r.code != 0 ? (long)r.code : 200;
	buf_add(out, r.body.data ? r.body.data : "", r.body.len);
	buf_free(&r.body);
	return 0;
}
