/* Submissions to the lab's problems. A submission is a job of the
 * server's queue whose request names the problem's directory (job.c's
 * "problem"): the worker loads the test set as forge judge does and
 * judges it with the engine's rules (judge_prepare), so the lab has no
 * judging of its own. A row of lab_submissions ties the job to the
 * problem, the student (their token's name) and the source.
 *
 * What a student sees of a result is cut here (lab_view_*): for a test
 * they may not see (lab_visible), its name, verdict, time and memory
 * and nothing else: no detail, diff or stderr that could carry a secret
 * input or answer; the events of the run are cut the same way. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

/* ------------------------------------------------------------ the views */

/* o's member key when it is a scalar, as it is. */
static void
lab_copy(struct json_writer *w, const struct jsonparse_value *o,
         const char *key)
{
	const struct jsonparse_value *v = jsonparse_get(o, key);
	const char *str;
	size_t n;
	int64_t i;

	switch (jsonparse_type(v)) {
	case JSONPARSE_STRING:
		str = jsonparse_string(v, &n);
		json_str(w, key, str, n);
		break;
	case JSONPARSE_NUMBER:
		if (jsonparse_int(v, &i))
			json_int(w, key, (long long)i);
		else
			json_double(w, key, jsonparse_number(v));
		break;
	case JSONPARSE_TRUE:
	case JSONPARSE_FALSE:
		json_bool(w, key, jsonparse_is(v, JSONPARSE_TRUE));
		break;
	case JSONPARSE_NULL:
		json_null(w, key);
		break;
	default:
		break;
	}
}

/* An object of scalars (the limits), member by member. */
static void
lab_copy_object(struct json_writer *w, const struct jsonparse_value *o,
                const char *key)
{
	const struct jsonparse_value *v = jsonparse_get(o, key);

	if (!jsonparse_is(v, JSONPARSE_OBJECT))
		return;
	json_open(w, key, '{');
	for (size_t i = 0; i < jsonparse_len(v); i++) {
		char k[64];
		size_t n;
		const char *name = jsonparse_key(v, i, &n);

		snprintf(k, sizeof k, "%.*s", (int)n, name);
		lab_copy(w, v, k);
	}
	json_close(w, '}');
}

/* One test's result, as a student may see it. */
static void
lab_view_test(struct json_writer *w, const struct lab_problem *p,
              const struct jsonparse_value *t)
{
	const char *name = jsonparse_string(jsonparse_get(t, "name"), NULL);
	static const char *const always[] = {"name", "verdict", "time_ms",
	                                     "memory_kb"};
	static const char *const visible[] = {
	    "wall_ms", "exit_code", "signal",        "detail",
	    "diff",    "stderr",    "stderr_base64",
	};

	for (size_t i = 0; i < sizeof always / sizeof *always; i++)
		lab_copy(w, t, always[i]);
	if (name == NULL || !lab_visible(p, name))
		return;
	for (size_t i = 0; i < sizeof visible / sizeof *visible; i++)
		lab_copy(w, t, visible[i]);
}

/* A job's result (native_job_json's shape), as a student may see it. */
static void
lab_view_result(struct json_writer *w, const struct lab_problem *p,
                const struct jsonparse_value *res)
{
	static const char *const keep[] = {
	    "status",         "verdict",     "passed",
	    "total",          "time_ms",     "memory_kb",
	    "compile_output", "language",    "compile_output_base64",
	    "build_cached",   "interactive",
	};
	const struct jsonparse_value *tests = jsonparse_get(res, "tests");
	const char *verdict =
	    jsonparse_string(jsonparse_get(res, "verdict"), NULL);

	for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
		lab_copy(w, res, keep[i]);
	/* the first failure's detail may quote a hidden answer */
	if ((!p->hidden && !p->kattis) ||
	    (verdict != NULL && strcmp(verdict, "CE") == 0))
		lab_copy(w, res, "detail");
	lab_copy_object(w, res, "limits");
	if (!jsonparse_is(tests, JSONPARSE_ARRAY))
		return;
	json_open(w, "tests", '[');
	for (size_t i = 0; i < jsonparse_len(tests); i++) {
		json_open(w, NULL, '{');
		lab_view_test(w, p, jsonparse_at(tests, i));
		json_close(w, '}');
	}
	json_close(w, ']');
}

/* The SSE filter of a student's stream: arg is the problem. */
static void
lab_view_event(const char *kind, const char *data, struct buf *out, void *arg)
{
	const struct lab_problem *p = arg;
	struct json_writer w = {out, false};
	struct jsonparse_error pe;
	struct jsonparse_value *v;

	if (strcmp(kind, "status") == 0) {
		buf_addstr(out, data);
		return;
	}
	if (strcmp(kind, "test") != 0 && strcmp(kind, "result") != 0)
		return; /* the program's output: judged runs write none */
	if ((v = jsonparse_parse(data, strlen(data), &pe)) == NULL)
		return;
	json_open(&w, NULL, '{');
	if (strcmp(kind, "test") == 0)
		lab_view_test(&w, p, v);
	else
		lab_view_result(&w, p, v);
	json_close(&w, '}');
	jsonparse_free(v);
}

static void
lab_problem_release(void *p)
{
	lab_problem_free(p);
	free(p);
}

/* ------------------------------------------------------- submissions */

void
lab_sub_free(struct lab_sub *u)
{
	free(u->problem);
	free(u->student);
	free(u->language);
	free(u->source);
	free(u->before);
	memset(u, 0, sizeof *u);
}

bool
lab_sub_get(struct serve *s, int64_t id, struct lab_sub *u)
{
	sqlite3_stmt *st = lab_prepare(
	    s->db, "SELECT problem, student, language, source, created, job,"
	           " before FROM lab_submissions WHERE id = ?1");
	bool found = false;

	memset(u, 0, sizeof *u);
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		u->id = id;
		u->problem = lab_column(st, 0);
		u->student = lab_column(st, 1);
		u->language = lab_column(st, 2);
		u->source = lab_column(st, 3);
		u->created = sqlite3_column_double(st, 4);
		u->job = sqlite3_column_int64(st, 5);
		u->before = lab_column(st, 6);
		found = true;
	}
	lab_done(s->db, st);
	return found;
}

/* The job's verdict when it is done (done true), else its state. */
char *
lab_submit_verdict(struct serve *s, int64_t job, bool *done)
{
	struct jsonparse_error pe;
	struct jsonparse_value *v;
	struct queue_job j;
	char *out = NULL;

	*done = false;
	if (queue_get(s->db, job, &j) < 0)
		return xstrdup("IE");
	if (j.state != QUEUE_DONE && j.state != QUEUE_CANCELLED) {
		out = xstrdup(queue_state_name(j.state));
		queue_job_free(&j);
		return out;
	}
	*done = true;
	if (j.result != NULL &&
	    (v = jsonparse_parse(j.result, strlen(j.result), &pe)) != NULL) {
		const char *vd =
		    jsonparse_string(jsonparse_get(v, "verdict"), NULL);

		out = xstrdup(vd ? vd : "IE");
		jsonparse_free(v);
	}
	queue_job_free(&j);
	return out ? out : xstrdup("IE");
}

/* The job request of a submission: the program and the problem. */
static void
lab_request(struct buf *b, const char *lang, const char *src, size_t len,
            const char *path)
{
	struct json_writer w = {b, false};

	json_open(&w, NULL, '{');
	json_cstr(&w, "language", lang);
	json_str(&w, "source", src, len);
	json_cstr(&w, "problem", path);
	json_close(&w, '}');
}

static int64_t
lab_sub_insert(struct serve *s, const char *problem, const char *student,
               const char *lang, const char *src, size_t len, int64_t job)
{
	sqlite3_stmt *st = lab_prepare(
	    s->db, "INSERT INTO lab_submissions (problem, student, language,"
	           " source, created, job) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	int64_t id = 0;

	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, problem, -1, SQLITE_STATIC);
	if (student != NULL)
		sqlite3_bind_text(st, 2, student, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, src, (int)len, SQLITE_STATIC);
	sqlite3_bind_double(st, 5, history_recorder_now());
	sqlite3_bind_int64(st, 6, job);
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(db_handle(s->db));
	lab_done(s->db, st);
	return id;
}

/* POST /v1/lab/problems/NAME/submissions {"language", "source"}: 202
 * and the submission's id; a student's only while a set of the problem
 * is open (403 else, saying when it closed or opens). */
void
lab_submit_post(struct serve *s, struct http_request *q, int64_t unused,
                struct http_response *r)
{
	struct jsonparse_error pe;
	struct jsonparse_value *root = NULL;
	struct lab_problem p;
	const char *lang, *src;
	char why[512];
	struct buf req;
	size_t len;
	int64_t job, id;
	bool open = false;

	if (!lab_problem_get(s, q->key, &p)) {
		http_error(r, 404, "no problem '%s'", q->key);
		return;
	}
	buf_init(&req, 0);
	if (q->authed && q->token.student &&
	    (!lab_problem_open(s, q->key, &open, why, sizeof why) || !open)) {
		http_error(r, 403, "%s: submissions are closed", why);
		goto out;
	}
	if ((root = jsonparse_parse(q->body, q->body_len, &pe)) == NULL) {
		http_error(r, 400, "malformed JSON: %s", pe.text);
		goto out;
	}
	lang = jsonparse_string(jsonparse_get(root, "language"), NULL);
	src = jsonparse_string(jsonparse_get(root, "source"), &len);
	if (lang == NULL || src == NULL) {
		http_error(r, 400,
		           "a submission: {\"language\": ID, \"source\": "
		           "TEXT}");
		goto out;
	}
	lab_request(&req, lang, src, len, p.path);
	if ((job = native_queue(s, q, req.data, req.len, true, r)) == 0)
		goto out;
	id = lab_sub_insert(s, p.name, q->authed ? q->token.name : NULL, lang,
	                    src, len, job);
	if (id == 0) {
		http_error(r, 500, "the lab's database cannot be written");
		goto out;
	}
	r->code = 202;
	buf_printf(&r->body,
	           "{\"id\":%lld,\"job\":%lld,\"problem\":\"%s\","
	           "\"status\":\"queued\"}\n",
	           (long long)id, (long long)job, p.name);
out:
	jsonparse_free(root);
	buf_free(&req);
	lab_problem_free(&p);
}

/* A student's own, or any for a teacher (or a server without tokens):
 * the submission, else false with the 404 said (a student is not told
 * that another's exists). */
bool
lab_sub_mine(struct serve *s, struct http_request *q, int64_t id,
             struct lab_sub *u, struct http_response *r)
{
	if (!lab_sub_get(s, id, u) ||
	    (q->authed && q->token.student &&
	     (u->student == NULL || strcmp(u->student, q->token.name) != 0))) {
		lab_sub_free(u);
		http_error(r, 404, "no submission %lld", (long long)id);
		return false;
	}
	return true;
}

static void
lab_sub_json(struct serve *s, struct json_writer *w, const struct lab_sub *u)
{
	char t[32], *v;
	bool done;

	json_int(w, "id", u->id);
	json_cstr(w, "problem", u->problem);
	json_cstr(w, "student", u->student);
	json_cstr(w, "language", u->language);
	lab_time(u->created, t, sizeof t);
	json_cstr(w, "created", t);
	v = lab_submit_verdict(s, u->job, &done);
	json_cstr(w, "status", done ? "done" : v);
	json_cstr(w, "verdict", done ? v : NULL);
	json_cstr(w, "before", u->before);
	free(v);
}

/* A scoring package's: the submission's points and the most it could
 * have (lab-board.c's count), once it is judged. */
static void
lab_sub_points(struct serve *s, const struct lab_sub *u, const struct buf *res,
               struct json_writer *w)
{
	struct jsonparse_error pe;
	struct jsonparse_value *v;
	struct lab_problem p;
	struct testset ts;
	char err[512];

	if (!lab_problem_get(s, u->problem, &p))
		return;
	if (p.kattis && testset_load(&ts, p.path, err, sizeof err) == 0 &&
	    ts.scoring &&
	    (v = jsonparse_parse(res->data ? res->data : "", res->len, &pe)) !=
	        NULL) {
		const char *st =
		    jsonparse_string(jsonparse_get(v, "status"), NULL);

		if (st != NULL && strcmp(st, "done") == 0)
			json_double(
			    w, "points",
			    lab_board_points(&ts, jsonparse_get(v, "tests")));
		else
			json_null(w, "points");
		json_double(w, "max_points", lab_board_points(&ts, NULL));
		jsonparse_free(v);
	}
	if (p.kattis)
		testset_free(&ts);
	lab_problem_free(&p);
}

/* GET /v1/lab/submissions/ID: the source and the result; a student's
 * cut to what they may see. */
void
lab_submit_show(struct serve *s, struct http_request *q, int64_t id,
                struct http_response *r)
{
	struct json_writer w = {&r->body, false};
	struct jsonparse_error pe;
	struct jsonparse_value *v = NULL;
	struct lab_problem p;
	struct queue_job j;
	struct lab_sub u;
	struct buf res;

	if (!lab_sub_mine(s, q, id, &u, r))
		return;
	buf_init(&res, 0);
	if (queue_get(s->db, u.job, &j) == 0) {
		native_job_json(&j, &res);
		queue_job_free(&j);
	}
	json_open(&w, NULL, '{');
	lab_sub_json(s, &w, &u);
	json_int(&w, "job", u.job);
	json_cstr(&w, "source", u.source);
	lab_sub_points(s, &u, &res, &w);
	if (q->authed && q->token.student) {
		if (lab_problem_get(s, u.problem, &p) &&
		    (v = jsonparse_parse(res.data, res.len, &pe)) != NULL) {
			json_open(&w, "result", '{');
			lab_view_result(&w, &p, v);
			json_close(&w, '}');
		} else
			json_null(&w, "result");
		jsonparse_free(v);
		lab_problem_free(&p);
	} else {
		while (res.len > 0 && res.data[res.len - 1] == '\n')
			res.len--;
		buf_addstr(&r->body, ",\"result\":");
		buf_add(&r->body, res.len ? res.data : "null",
		        res.len ? res.len : 4);
	}
	json_close(&w, '}');
	buf_add(&r->body, "\n", 1);
	buf_free(&res);
	lab_sub_free(&u);
}

/* GET /v1/lab/submissions/ID/events: the run's events; a student's cut
 * as their result is. */
void
lab_submit_events(struct serve *s, struct http_request *q, int64_t id,
                  struct http_response *r)
{
	struct lab_problem *p;
	struct lab_sub u;

	if (!lab_sub_mine(s, q, id, &u, r))
		return;
	if (!(q->authed && q->token.student)) {
		events_stream_open(s, q, u.job, NULL, NULL, NULL, r);
		lab_sub_free(&u);
		return;
	}
	p = xcalloc(1, sizeof *p);
	if (!lab_problem_get(s, u.problem, p)) {
		free(p);
		http_error(r, 404, "no problem '%s'", u.problem);
	} else
		events_stream_open(s, q, u.job, lab_view_event, p,
		                   lab_problem_release, r);
	lab_sub_free(&u);
}

/* GET /v1/lab/submissions[?problem=NAME][&mine]: newest first; a
 * student's own only, a teacher's own only with mine. */
void
lab_submit_list(struct serve *s, struct http_request *q, int64_t unused,
                struct http_response *r)
{
	struct json_writer w = {&r->body, false};
	const char *problem = http_query(q, "problem");
	bool mine = (q->authed && q->token.student) ||
	            (q->authed && http_query(q, "mine") != NULL);
	sqlite3_stmt *st = lab_prepare(
	    s->db, "SELECT id FROM lab_submissions WHERE (?1 IS NULL OR"
	           " problem = ?1) AND (?2 IS NULL OR student = ?2)"
	           " ORDER BY id DESC LIMIT 1000");
	int64_t *ids = NULL;
	size_t n = 0;

	if (st == NULL) {
		http_error(r, 500, "the lab's database cannot be read");
		return;
	}
	if (problem != NULL)
		sqlite3_bind_text(st, 1, problem, -1, SQLITE_STATIC);
	if (mine)
		sqlite3_bind_text(st, 2, q->token.name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ids = xrealloc(ids, (n + 1) * sizeof *ids);
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	lab_done(s->db, st);
	json_open(&w, NULL, '[');
	for (size_t i = 0; i < n; i++) {
		struct lab_sub u;

		if (!lab_sub_get(s, ids[i], &u))
			continue;
		json_open(&w, NULL, '{');
		lab_sub_json(s, &w, &u);
		json_close(&w, '}');
		lab_sub_free(&u);
	}
	json_close(&w, ']');
	buf_add(&r->body, "\n", 1);
	free(ids);
}

/* POST /v1/lab/problems/NAME/rejudge: every submission of the problem
 * judged again with its tests as they are now; each row keeps the
 * verdict it had (before) and names its new job. */
void
lab_submit_rejudge(struct serve *s, struct http_request *q, int64_t unused,
                   struct http_response *r)
{
	struct json_writer w = {&r->body, false};
	sqlite3_stmt *st;
	struct lab_problem p;
	int64_t *ids = NULL;
	size_t n = 0, i;

	if (!lab_problem_get(s, q->key, &p)) {
		http_error(r, 404, "no problem '%s'", q->key);
		return;
	}
	if ((st = lab_prepare(s->db, "SELECT id FROM lab_submissions WHERE"
	                             " problem = ?1 ORDER BY id")) != NULL) {
		sqlite3_bind_text(st, 1, p.name, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			ids = xrealloc(ids, (n + 1) * sizeof *ids);
			ids[n++] = sqlite3_column_int64(st, 0);
		}
		lab_done(s->db, st);
	}
	json_open(&w, NULL, '{');
	json_cstr(&w, "problem", p.name);
	json_open(&w, "rejudged", '[');
	for (i = 0; i < n; i++) {
		struct http_response refused = {0};
		struct lab_sub u;
		struct buf req;
		char *before;
		int64_t job;
		bool done;

		if (!lab_sub_get(s, ids[i], &u))
			continue;
		before = lab_submit_verdict(s, u.job, &done);
		buf_init(&req, 0);
		buf_init(&refused.body, 0);
		lab_request(&req, u.language, u.source, strlen(u.source),
		            p.path);
		job = native_queue(s, q, req.data, req.len, true, &refused);
		buf_free(&req);
		if (job == 0) {
			/* the queue is full: what is queued stays so, and
			 * "left" says how many were not */
			buf_free(&refused.body);
			free(before);
			lab_sub_free(&u);
			break;
		}
		buf_free(&refused.body);
		if ((st = lab_prepare(
		         s->db, "UPDATE lab_submissions SET job ="
		                " ?2, before = ?3 WHERE id = ?1")) != NULL) {
			sqlite3_bind_int64(st, 1, u.id);
			sqlite3_bind_int64(st, 2, job);
			sqlite3_bind_text(st, 3, before, -1, SQLITE_STATIC);
			(void)sqlite3_step(st);
			lab_done(s->db, st);
		}
		json_open(&w, NULL, '{');
		json_int(&w, "id", u.id);
		json_cstr(&w, "student", u.student);
		json_cstr(&w, "before", before);
		json_int(&w, "job", job);
		json_close(&w, '}');
		free(before);
		lab_sub_free(&u);
	}
	json_close(&w, ']');
	json_int(&w, "left", (long long)(n - i));
	json_close(&w, '}');
	buf_add(&r->body, "\n", 1);
	free(ids);
	lab_problem_free(&p);
}
