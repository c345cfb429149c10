/* The native API, /v1/...: what forge run --json and forge judge --json
 * answer, plus the job's status, through a durable queue. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

/* A job as the API shows it: the result's fields (when it has one) with
 * its status and history id first. */
void
native_job_json(const struct queue_job *j, struct buf *b)
{
	buf_printf(b, "{\"status\":\"%s\"", queue_state_name(j->state));
	if (j->history_id > 0)
		buf_printf(b, ",\"history_id\":%lld", (long long)j->history_id);
	if (j->result != NULL && j->result[0] == '{' && j->result[1] != '}')
		buf_printf(b, ",%s", j->result + 1);
	else
		buf_printf(b, ",\"id\":%lld}\n", (long long)j->id);
}

static void
native_show(struct serve *s, int64_t id, struct http_response *r,
            unsigned pending_code)
{
	struct queue_job j;

	if (queue_get(s->db, id, &j) < 0) {
		http_error(r, 404, "no run %lld", (long long)id);
		return;
	}
	r->code = j.state == QUEUE_DONE || j.state == QUEUE_CANCELLED
	              ? 200
	              : pending_code;
	native_job_json(&j, &r->body);
	queue_job_free(&j);
}

/* ?wait=S: seconds, 0 to SERVE_WAIT_MAX; -1 when absent. */
static int
native_wait(struct http_request *q, struct http_response *r, double *secs)
{
	const char *w = http_query(q, "wait");
	char *end;

	*secs = -1;
	if (w == NULL)
		return 0;
	*secs = strtod(w, &end);
	if (*w == '\0' || *end != '\0' || !(*secs >= 0) ||
	    *secs > SERVE_WAIT_MAX) {
		http_error(r, 400, "wait=%s: seconds from 0 to %d, please", w,
		           SERVE_WAIT_MAX);
		return -1;
	}
	return 0;
}

/* Queues a run request of the native API's shape, checked as
 * POST /v1/runs checks it: the job's id, or 0 with the refusal in r (400,
 * 429, 503). The other APIs translate their requests and come here. */
int64_t
native_submit(struct serve *s, struct http_request *q, const char *request,
              size_t len, struct http_response *r)
{
	return native_queue(s, q, request, len, false, r);
}

/* native_submit, and for the lab (lab true) a request that names a
 * problem's directory: from anyone else, a path on the server is
 * refused. */
int64_t
native_queue(struct serve *s, struct http_request *q, const char *request,
             size_t len, bool lab, struct http_response *r)
{
	struct job j;
	char err[2048], why[512];
	int64_t id, n;

	if (s->draining) {
		r->retry_after = 5;
		http_error(r, 503, "the server is shutting down");
		return 0;
	}
	if (job_parse(&j, request, len, &s->langs, err, sizeof err) < 0) {
		metrics_reject(s->metrics, "invalid");
		http_error(r, 400, "%s", err);
		return 0;
	}
	if (j.problem != NULL && !lab) {
		metrics_reject(s->metrics, "invalid");
		http_error(r, 400,
		           "problem: a lab submission's (POST "
		           "/v1/lab/problems/NAME/submissions)");
		job_free(&j);
		return 0;
	}
	if ((j.interactive || j.problem != NULL) && db_queue(s->db)->remote) {
		/* its attach socket or its problem's tests are on this
		 * machine, its worker elsewhere */
		metrics_reject(s->metrics, "invalid");
		http_error(r, 501,
		           "%s: not with workers on other machines (forge "
		           "serve --queue %s): this server runs it only with "
		           "its own workers",
		           j.interactive ? "an interactive run"
		                         : "a lab submission",
		           db_queue(s->db)->name);
		job_free(&j);
		return 0;
	}
	if (!lang_available(j.lang, s->opts->backend, why, sizeof why)) {
		metrics_reject(s->metrics, "invalid");
		http_error(r, 400, "%s is not available here: %s", j.lang->name,
		           why);
		job_free(&j);
		return 0;
	}
	job_free(&j);
	if ((n = queue_count(s->db, QUEUE_QUEUED, NULL)) < 0 ||
	    (uint64_t)n >= s->queue_max) {
		metrics_reject(s->metrics, "queue");
		r->retry_after = 5;
		http_error(r, 503, "the queue is full (%u jobs): retry later",
		           s->queue_max);
		return 0;
	}
	if (q->authed && q->token.max_queued > 0 &&
	    queue_count(s->db, QUEUE_QUEUED, q->token.name) >=
	        q->token.max_queued) {
		metrics_reject(s->metrics, "rate");
		r->retry_after = 5;
		http_error(r, 429, "token '%s' has %lld jobs queued already",
		           q->token.name, (long long)q->token.max_queued);
		return 0;
	}
	if ((id = queue_add(s->db, q->authed ? q->token.name : NULL, request,
	                    len, err, sizeof err)) == 0) {
		http_error(r, 500, "%s", err);
		return 0;
	}
	serve_notify(s);
	return id;
}

static void
native_runs_post(struct serve *s, struct http_request *q, int64_t unused,
                 struct http_response *r)
{
	double secs;
	int64_t id;

	if (q->waited) {
		native_show(s, q->wait_job, r, 202);
		return;
	}
	if (native_wait(q, r, &secs) < 0)
		return;
	if ((id = native_submit(s, q, q->body, q->body_len, r)) == 0)
		return;
	if (secs > 0) {
		q->wait_job = id;
		q->wait_until_ms = util_now_ms() + (uint64_t)(secs * 1000);
		r->wait = true;
		return;
	}
	r->code = 202;
	buf_printf(&r->body, "{\"status\":\"queued\",\"id\":%lld}\n",
	           (long long)id);
}

/* A job of another token's is not this one's to see or cancel. */
bool
native_owner(struct serve *s, struct http_request *q, int64_t id,
             struct http_response *r)
{
	struct queue_job j;
	bool ok = true;

	if (queue_get(s->db, id, &j) < 0) {
		http_error(r, 404, "no run %lld", (long long)id);
		return false;
	}
	if (q->authed && j.token != NULL && strcmp(j.token, q->token.name)) {
		http_error(r, 403, "run %lld belongs to another token",
		           (long long)id);
		ok = false;
	}
	queue_job_free(&j);
	return ok;
}

/* ?wait=S holds the answer until the run has ended (or S seconds): a
 * client that queued a run learns its end without asking again and
 * again, and keeps its id to cancel it meanwhile. */
static void
native_runs_get(struct serve *s, struct http_request *q, int64_t id,
                struct http_response *r)
{
	struct queue_job j;
	double secs;

	if (!native_owner(s, q, id, r) || native_wait(q, r, &secs) < 0)
		return;
	if (!q->waited && secs > 0 && queue_get(s->db, id, &j) == 0) {
		bool ended =
		    j.state == QUEUE_DONE || j.state == QUEUE_CANCELLED;

		queue_job_free(&j);
		if (!ended) {
			q->wait_job = id;
			q->wait_until_ms =
			    util_now_ms() + (uint64_t)(secs * 1000);
			r->wait = true;
			return;
		}
	}
	native_show(s, id, r, 200);
}

static void
native_runs_delete(struct serve *s, struct http_request *q, int64_t id,
                   struct http_response *r)
{
	struct buf res;
	int worker, c;

	if (!native_owner(s, q, id, r))
		return;
	buf_init(&res, 0);
	worker_cancelled_json(id, &res);
	c = queue_cancel(s->db, id, buf_cstr(&res), &worker);
	buf_free(&res);
	if (c < 0) {
		http_error(r, 500, "the queue cannot be written");
		return;
	}
	/* the worker's death ends the sandbox; the supervisor forks
	 * another */
	if (worker > 0)
		kill(worker, SIGKILL);
	if (c == 0) {
		native_show(s, id, r, 200);
		r->code = 409;
		return;
	}
	http_job_done(s, id);
	native_show(s, id, r, 200);
}

static void
native_languages(struct serve *s, struct http_request *q, int64_t id,
                 struct http_response *r)
{
	struct json_writer w = {&r->body, false};
	const struct language *l;
	char why[512];

	json_open(&w, NULL, '[');
	for (l = s->langs.head; l != NULL; l = l->next) {
		bool ok = lang_available(l, s->opts->backend, why, sizeof why);

		json_open(&w, NULL, '{');
		json_cstr(&w, "id", l->id);
		json_cstr(&w, "name", l->name);
		json_open(&w, "extensions", '[');
		for (char **e = l->extensions; e && *e; e++)
			json_cstr(&w, NULL, *e);
		json_close(&w, ']');
		json_bool(&w, "compiled", l->compile != NULL);
		json_bool(&w, "available", ok);
		json_cstr(&w, "why", ok ? NULL : why);
		json_close(&w, '}');
	}
	json_close(&w, ']');
	buf_add(&r->body, "\n", 1);
}

static void
native_health(struct serve *s, struct http_request *q, int64_t id,
              struct http_response *r)
{
	buf_addstr(&r->body, "{\"status\":\"ok\"}\n");
}

/* Ready: not draining, and room in the queue. */
static void
native_ready(struct serve *s, struct http_request *q, int64_t id,
             struct http_response *r)
{
	int64_t n = queue_count(s->db, QUEUE_QUEUED, NULL);
	bool ready = !s->draining && n >= 0 && (uint64_t)n < s->queue_max;

	r->code = ready ? 200 : 503;
	if (!ready)
		r->retry_after = 5;
	buf_printf(&r->body,
	           "{\"ready\":%s,\"queued\":%lld,\"queue_max\":%u,"
	           "\"workers\":%u}\n",
	           ready ? "true" : "false", (long long)n, s->queue_max,
	           s->workers);
}

static void
native_metrics(struct serve *s, struct http_request *q, int64_t id,
               struct http_response *r)
{
	r->content_type = "text/plain; version=0.0.4";
	metrics_write(s->metrics, s, &r->body);
}

const struct native_route native_routes[] = {
    {"POST", "/v1/runs", "/v1/runs", true, native_runs_post},
    {"GET", "/v1/runs/{id}", "/v1/runs/{id}", true, native_runs_get},
    {"DELETE", "/v1/runs/{id}", "/v1/runs/{id}", true, native_runs_delete},
    {"GET", "/v1/runs/{id}/events", "/v1/runs/{id}/events", true,
     events_stream},
    {"GET", "/v1/runs/{id}/attach", "/v1/runs/{id}/attach", true, attach_route},
    {"GET", "/v1/languages", "/v1/languages", false, native_languages},
    {"GET", "/v1/health", "/v1/health", false, native_health},
    {"GET", "/v1/ready", "/v1/ready", false, native_ready},
    {"GET", "/metrics", "/metrics", false, native_metrics},
    {NULL, NULL, NULL, false, NULL},
};
