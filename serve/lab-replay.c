/* A submission's test run again: POST /v1/lab/submissions/{id}/replay
 * queues the submission's program on one test's input with the limits
 * it was judged with, as a plain run of the queue (recorded in the
 * server's history with its output and usage timeline, like any run);
 * GET /v1/lab/replays/{id} gives that run, its timeline, and the test's
 * verdict now against the one the judge gave. A judge keeps each test's
 * verdict and measurements, not its output: the replay is how its
 * output and timeline are seen.
 *
 * Who may: a teacher any submission and test; a student their own
 * submissions and only the tests they may see (lab_visible), asked
 * again when the replay is read; another's is a 404, a secret test a
 * 403, so that a student never gets a secret input, output or answer. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

int
lab_replay_init(struct db *d, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db_handle(d),
	                 "CREATE TABLE IF NOT EXISTS lab_replays ("
	                 " job INTEGER PRIMARY KEY,"
	                 " submission INTEGER NOT NULL,"
	                 " test TEXT NOT NULL,"
	                 " created REAL NOT NULL);",
	                 NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "the lab's replays: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* What a replay is about: the submission, its problem and tests, the
 * result it was judged with. */
struct lab_replay {
	struct lab_sub u;
	struct lab_problem p;
	struct testset ts;
	bool loaded;
	struct jsonparse_value *judged; /* the submission's job result */
	const struct jsonparse_value *tests;
};

static void
lab_replay_free(struct lab_replay *x)
{
	lab_sub_free(&x->u);
	lab_problem_free(&x->p);
	if (x->loaded)
		testset_free(&x->ts);
	jsonparse_free(x->judged);
}

/* The submission (a student's own), its problem's tests and its result:
 * true, or false with the refusal in r. */
static bool
lab_replay_load(struct serve *s, struct http_request *q, int64_t sub,
                struct lab_replay *x, struct http_response *r)
{
	struct jsonparse_error pe;
	struct queue_job j;
	char err[512];

	if (!lab_sub_mine(s, q, sub, &x->u, r))
		return false;
	if (!lab_problem_get(s, x->u.problem, &x->p)) {
		http_error(r, 404, "no problem '%s'", x->u.problem);
		return false;
	}
	if (testset_load(&x->ts, x->p.path, err, sizeof err) < 0) {
		http_error(r, 500, "problem '%s': %s", x->p.name, err);
		return false;
	}
	x->loaded = true;
	if (queue_get(s->db, x->u.job, &j) == 0) {
		if (j.state == QUEUE_DONE && j.result != NULL)
			x->judged =
			    jsonparse_parse(j.result, strlen(j.result), &pe);
		queue_job_free(&j);
	}
	x->tests = jsonparse_get(x->judged, "tests");
	return true;
}

/* The test's row in the judged result; NULL when it was not judged. */
static const struct jsonparse_value *
lab_replay_recorded(const struct lab_replay *x, const char *name)
{
	for (size_t i = 0; i < jsonparse_len(x->tests); i++) {
		const struct jsonparse_value *t = jsonparse_at(x->tests, i);
		const char *n =
		    jsonparse_string(jsonparse_get(t, "name"), NULL);

		if (n != NULL && strcmp(n, name) == 0)
			return t;
	}
	return NULL;
}

static bool
lab_replay_student(const struct http_request *q)
{
	return q->authed && q->token.student;
}

/* The test asked for (want), else the first the submission failed, else
 * the first: its index in the tests, or -1 with the refusal in r. A
 * student's choice is among the tests they may see. */
static ssize_t
lab_replay_pick(const struct lab_replay *x, struct http_request *q,
                const char *want, struct http_response *r)
{
	bool student = lab_replay_student(q);
	ssize_t first = -1;

	if (want != NULL) {
		for (size_t i = 0; i < x->ts.ntests; i++)
			if (strcmp(x->ts.tests[i].name, want) == 0) {
				if (student && !lab_visible(&x->p, want)) {
					http_error(r, 403,
					           "test '%s' of '%s' is not "
					           "one a student may see: "
					           "replay one of its samples",
					           want, x->p.name);
					return -1;
				}
				return (ssize_t)i;
			}
		http_error(r, 404, "problem '%s' has no test '%s'", x->p.name,
		           want);
		return -1;
	}
	for (size_t i = 0; i < x->ts.ntests; i++) {
		const char *name = x->ts.tests[i].name;
		const struct jsonparse_value *t = lab_replay_recorded(x, name);
		const char *v =
		    jsonparse_string(jsonparse_get(t, "verdict"), NULL);

		if (student && !lab_visible(&x->p, name))
			continue;
		if (first < 0)
			first = (ssize_t)i;
		if (v != NULL && strcmp(v, "AC") != 0)
			return (ssize_t)i;
	}
	if (first < 0)
		http_error(r, student ? 403 : 409,
		           student ? "no test of '%s' is one a student may see"
		                   : "problem '%s' has no tests",
		           x->p.name);
	return first;
}

/* The run request: the submission's program on the test's input, with
 * the limits the judge gave it (its result's "limits"). */
static int
lab_replay_request(const struct lab_replay *x, size_t idx, struct buf *b,
                   char *err, size_t errlen)
{
	const struct jsonparse_value *l = jsonparse_get(x->judged, "limits");
	struct json_writer w = {b, false};
	struct buf in;
	int64_t n;

	buf_init(&in, 0);
	if (testset_read(&x->ts.tests[idx], false, &in, err, errlen) < 0) {
		buf_free(&in);
		return -1;
	}
	json_open(&w, NULL, '{');
	json_cstr(&w, "language", x->u.language);
	json_cstr(&w, "source", x->u.source);
	json_str(&w, "stdin", in.data ? in.data : "", in.len);
	json_open(&w, "limits", '{');
	if (jsonparse_int(jsonparse_get(l, "time_ms"), &n) && n > 0)
		json_double(&w, "time", (double)n / 1000.0);
	if (jsonparse_int(jsonparse_get(l, "wall_ms"), &n) && n > 0)
		json_double(&w, "wall", (double)n / 1000.0);
	if (jsonparse_int(jsonparse_get(l, "memory_kb"), &n) && n > 0)
		json_double(&w, "memory", (double)n / 1024.0);
	if (jsonparse_int(jsonparse_get(l, "output_kb"), &n) && n > 0)
		json_double(&w, "output", (double)n / 1024.0);
	if (jsonparse_int(jsonparse_get(l, "pids"), &n) && n > 0)
		json_int(&w, "pids", (long long)n);
	json_close(&w, '}');
	json_close(&w, '}');
	buf_free(&in);
	return 0;
}

static bool
lab_replay_insert(struct serve *s, int64_t job, int64_t sub, const char *test)
{
	sqlite3_stmt *st =
	    lab_prepare(s->db, "INSERT INTO lab_replays (job, submission,"
	                       " test, created) VALUES (?1, ?2, ?3, ?4)");
	bool ok;

	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, job);
	sqlite3_bind_int64(st, 2, sub);
	sqlite3_bind_text(st, 3, test, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 4, history_recorder_now());
	ok = sqlite3_step(st) == SQLITE_DONE;
	lab_done(s->db, st);
	return ok;
}

/* POST /v1/lab/submissions/{id}/replay[?test=NAME]: 202 and the
 * replay's id (its run's job). */
void
lab_replay_post(struct serve *s, struct http_request *q, int64_t id,
                struct http_response *r)
{
	struct json_writer w = {&r->body, false};
	struct lab_replay x = {0};
	char err[512];
	struct buf req;
	ssize_t idx;
	int64_t job;

	buf_init(&req, 0);
	if (!lab_replay_load(s, q, id, &x, r))
		goto out;
	if (x.judged == NULL) {
		http_error(r, 409, "submission %lld is not judged yet",
		           (long long)id);
		goto out;
	}
	if (x.ts.interactive) {
		http_error(r, 400,
		           "'%s' is interactive: a test of it is not "
		           "replayed alone",
		           x.p.name);
		goto out;
	}
	if ((idx = lab_replay_pick(&x, q, http_query(q, "test"), r)) < 0)
		goto out;
	if (lab_replay_request(&x, (size_t)idx, &req, err, sizeof err) < 0) {
		http_error(r, 500, "test '%s': %s", x.ts.tests[idx].name, err);
		goto out;
	}
	if ((job = native_queue(s, q, req.data, req.len, false, r)) == 0)
		goto out;
	if (!lab_replay_insert(s, job, id, x.ts.tests[idx].name)) {
		http_error(r, 500, "the lab's database cannot be written");
		goto out;
	}
	r->code = 202;
	json_open(&w, NULL, '{');
	json_int(&w, "id", job);
	json_int(&w, "submission", id);
	json_cstr(&w, "test", x.ts.tests[idx].name);
	json_cstr(&w, "status", "queued");
	json_close(&w, '}');
	buf_add(&r->body, "\n", 1);
out:
	buf_free(&req);
	lab_replay_free(&x);
}

/* ------------------------------------------------------------ reading */

/* The replay's row: its submission and test; false when there is none. */
static bool
lab_replay_row(struct serve *s, int64_t job, int64_t *sub, char **test)
{
	sqlite3_stmt *st = lab_prepare(
	    s->db, "SELECT submission, test FROM lab_replays WHERE job = ?1");
	bool found = false;

	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, job);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*sub = sqlite3_column_int64(st, 0);
		*test = lab_column(st, 1);
		found = true;
	}
	lab_done(s->db, st);
	return found;
}

/* The run's usage and output timelines, from the server's history. */
static void
lab_replay_timeline(const struct history_run *h, struct json_writer *w)
{
	json_open(w, "samples", '[');
	for (size_t i = 0; h != NULL && i < h->nsamples; i++) {
		json_open(w, NULL, '{');
		json_int(w, "t_ms", h->samples[i].t_ms);
		json_int(w, "cpu_ms", h->samples[i].cpu_ms);
		json_int(w, "memory_kb", h->samples[i].memory_kb);
		json_int(w, "pids", h->samples[i].pids);
		json_close(w, '}');
	}
	json_close(w, ']');
	json_open(w, "chunks", '[');
	for (size_t i = 0; h != NULL && i < h->nchunks; i++) {
		json_open(w, NULL, '{');
		json_int(w, "t_ms", h->chunks[i].t_ms);
		json_cstr(w, "stream",
		          h->chunks[i].stream == 2 ? "stderr" : "stdout");
		json_output(w, "data", h->chunks[i].data, h->chunks[i].len);
		json_close(w, '}');
	}
	json_close(w, ']');
}

/* The test's verdict as judged: its row's, or CE for a program that
 * did not compile (no test ran); NULL when it was not judged. */
static const char *
lab_replay_was(const struct lab_replay *x, const struct jsonparse_value *row)
{
	const char *v =
	    jsonparse_string(jsonparse_get(x->judged, "verdict"), NULL);

	if (row != NULL)
		return jsonparse_string(jsonparse_get(row, "verdict"), NULL);
	return v != NULL && strcmp(v, "CE") == 0 ? "CE" : NULL;
}

/* The test's verdict on the run now, by the problem's rules: its run's
 * verdict unless it ran to its end, else its output against the answer
 * (the comparator with the package's flags). A package's own output
 * validator is a program: it is not run here, and the verdict is null. */
static void
lab_replay_verdict(const struct lab_replay *x, size_t idx,
                   const struct jsonparse_value *run,
                   const struct history_run *h, struct json_writer *w)
{
	const char *rv = jsonparse_string(jsonparse_get(run, "verdict"), NULL);
	const struct jsonparse_value *was =
	    lab_replay_recorded(x, x->ts.tests[idx].name);
	const char *wv = lab_replay_was(x, was);
	struct judge_test res = {0};
	struct judge_opts o = {0};
	struct buf out;
	char why[256];

	if (rv == NULL || verdict_from_name(rv, &res.verdict) < 0 ||
	    (res.verdict == VERDICT_OK && x->ts.validator_path != NULL)) {
		json_null(w, "verdict");
		json_null(w, "reproduced");
		if (rv != NULL && x->ts.validator_path != NULL)
			json_cstr(w, "note",
			          "judged by the package's output validator, "
			          "which a replay does not run: see the run's "
			          "output");
		return;
	}
	compare_opts_default(&o.compare);
	if (x->ts.validator_flags != NULL &&
	    compare_parse_flags(&o.compare, x->ts.validator_flags, why,
	                        sizeof why) < 0)
		compare_opts_default(&o.compare);
	buf_init(&out, 0);
	if (h != NULL)
		buf_add(&out, h->out, h->out_len);
	else
		jsonparse_output(run, "stdout", &out);
	if (res.verdict != VERDICT_CE && res.verdict != VERDICT_IE)
		judge_output(&o, &x->ts, idx, out.data ? out.data : "", out.len,
		             &res);
	buf_free(&out);
	json_cstr(w, "verdict", verdict_name(res.verdict));
	json_cstr(w, "diff", res.diff[0] ? res.diff : NULL);
	if (wv != NULL)
		json_bool(w, "reproduced",
		          strcmp(wv, verdict_name(res.verdict)) == 0);
	else
		json_null(w, "reproduced");
}

/* The recorded row of the test, and the run with its timeline. */
static void
lab_replay_body(struct serve *s, const struct lab_replay *x, size_t idx,
                const struct queue_job *j, struct json_writer *w)
{
	struct jsonparse_error pe;
	struct jsonparse_value *run = NULL;
	struct history_run h, *hp = NULL;
	struct history *db;
	struct buf res;
	char err[512];
	const struct jsonparse_value *was =
	    lab_replay_recorded(x, x->ts.tests[idx].name);

	json_open(w, "recorded", '{');
	for (size_t i = 0; was != NULL && i < jsonparse_len(was); i++) {
		const struct jsonparse_value *v = jsonparse_at(was, i);
		const char *str;
		char k[64];
		size_t n;
		int64_t num;

		str = jsonparse_key(was, i, &n);
		snprintf(k, sizeof k, "%.*s", (int)n, str);
		if ((str = jsonparse_string(v, &n)) != NULL)
			json_str(w, k, str, n);
		else if (jsonparse_int(v, &num))
			json_int(w, k, (long long)num);
		else if (jsonparse_is(v, JSONPARSE_NUMBER))
			json_double(w, k, jsonparse_number(v));
	}
	if (was == NULL && lab_replay_was(x, NULL) != NULL)
		json_cstr(w, "verdict", lab_replay_was(x, NULL));
	json_close(w, '}');
	if (j->state != QUEUE_DONE) {
		json_null(w, "verdict");
		json_null(w, "reproduced");
		return;
	}
	if (j->history_id > 0 && (db = history_open(s->history_db, false, err,
	                                            sizeof err)) != NULL) {
		if (history_get(db, j->history_id, &h, err, sizeof err) == 0)
			hp = &h;
		history_close(db);
	}
	buf_init(&res, 0);
	native_job_json(j, &res);
	run = jsonparse_parse(res.data, res.len, &pe);
	lab_replay_verdict(x, idx, run, hp, w);
	while (res.len > 0 && res.data[res.len - 1] == '\n')
		res.len--;
	buf_addstr(w->out, ",\"run\":");
	buf_add(w->out, res.data, res.len);
	lab_replay_timeline(hp, w);
	jsonparse_free(run);
	buf_free(&res);
	if (hp != NULL)
		history_run_free(hp);
}

/* GET /v1/lab/replays/{id}: the replay, its run once it is done */
void
lab_replay_get(struct serve *s, struct http_request *q, int64_t id,
               struct http_response *r)
{
	struct json_writer w = {&r->body, false};
	struct lab_replay x = {0};
	struct queue_job j;
	char *test = NULL;
	int64_t sub = 0;
	size_t idx;

	if (!lab_replay_row(s, id, &sub, &test)) {
		http_error(r, 404, "no replay %lld", (long long)id);
		return;
	}
	if (!lab_replay_load(s, q, sub, &x, r))
		goto out;
	for (idx = 0; idx < x.ts.ntests; idx++)
		if (strcmp(x.ts.tests[idx].name, test) == 0)
			break;
	if (idx == x.ts.ntests) {
		http_error(r, 410, "problem '%s' has no test '%s' any more",
		           x.p.name, test);
		goto out;
	}
	if (lab_replay_student(q) && !lab_visible(&x.p, test)) {
		http_error(r, 403,
		           "test '%s' of '%s' is not one a student "
		           "may see",
		           test, x.p.name);
		goto out;
	}
	if (queue_get(s->db, id, &j) < 0) {
		http_error(r, 404, "no replay %lld", (long long)id);
		goto out;
	}
	json_open(&w, NULL, '{');
	json_int(&w, "id", id);
	json_int(&w, "submission", sub);
	json_cstr(&w, "problem", x.p.name);
	json_cstr(&w, "student", x.u.student);
	json_cstr(&w, "test", test);
	json_cstr(&w, "status", queue_state_name(j.state));
	lab_replay_body(s, &x, idx, &j, &w);
	json_close(&w, '}');
	buf_add(&r->body, "\n", 1);
	queue_job_free(&j);
out:
	free(test);
	lab_replay_free(&x);
}
