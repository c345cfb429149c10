/* The teacher's scoreboard: per student and problem, whether it is
 * solved, the attempts, the time of the first AC; ranked as at ICPC (the
 * most problems solved, then the least penalty: the minutes from the
 * set's opening to each first AC, plus 20 for each judged attempt
 * before it that was neither AC nor CE: a program that does not compile
 * costs nothing). Submissions still being judged are counted as
 * pending, not as attempts.
 *
 * When a problem is a scoring package (problem.yaml's type: scoring),
 * the board is IOI's: each cell has points, the best of the student's
 * submissions, a submission's being what the package's data/secret
 * group scores with the format's default grader (a test scores its
 * group's accept_score when accepted, its reject_score when not or not
 * run; a group sums its tests and subgroups, or takes their min, max or
 * average when its grader_flags say so); a pass-fail problem is worth 1
 * point, solved. Students are ranked by points. The problems are those of the
 * sets, in the sets' order; a problem in two sets counts from the first to
 * open. The students are the student tokens, and whoever else (not a teacher)
 * has submitted, a revoked token's work included. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve/serve.h"

#define LAB_BOARD_PENALTY 20 /* minutes per rejected attempt */

struct lab_cell {
	bool solved;
	int64_t attempts, wrong, pending;
	double first_ac; /* the instant */
	int64_t minutes, penalty;
	double points; /* the best submission's */
};

struct lab_board {
	char **problems;
	double *opens;
	struct testset *scoring; /* per problem: loaded when it scores */
	double *max_points;
	bool ioi;
	size_t np;
	char **students;
	size_t ns;
	struct lab_cell *cells; /* ns × np */
	int64_t *solved, *penalty;
	double *points;
	size_t *order;
};

/* A test's score in a result's tests[]: accepted or not (absent: it did
 * not run). */
static double
lab_board_test(const struct test_case *t, const struct jsonparse_value *tests)
{
	for (size_t i = 0; i < jsonparse_len(tests); i++) {
		const struct jsonparse_value *r = jsonparse_at(tests, i);
		const char *n =
		    jsonparse_string(jsonparse_get(r, "name"), NULL);
		const char *v =
		    jsonparse_string(jsonparse_get(r, "verdict"), NULL);

		if (n != NULL && strcmp(n, t->name) == 0)
			return v != NULL && strcmp(v, "AC") == 0
			           ? t->accept_score
			           : t->reject_score;
	}
	return t->reject_score;
}

/* What the group at prefix scores (tests NULL: every test accepted, the
 * most it can): its tests and subgroups, aggregated as its grader_flags
 * say (min, max, avg; else the default grader's sum). */
static double
lab_board_group(const struct testset *ts, const char *prefix,
                const struct jsonparse_value *tests)
{
	const struct testset_group *g = NULL;
	size_t n = strlen(prefix), count = 0;
	const char *flags;
	double sum = 0, min = 0, max = 0, v;

	for (size_t i = 0; i < ts->ngroups; i++)
		if (strcmp(ts->groups[i].prefix, prefix) == 0)
			g = &ts->groups[i];
	flags = g && g->grader_flags ? g->grader_flags : "";
	for (size_t i = 0; i < ts->ntests + ts->ngroups; i++) {
		const char *name = i < ts->ntests
		                       ? ts->tests[i].name
		                       : ts->groups[i - ts->ntests].prefix;
		const char *rest, *slash;

		/* a name shorter than prefix ends before rest would start */
		if (strncmp(name, prefix, n) != 0 || name[n] == '\0')
			continue;
		rest = name + n;
		slash = strchr(rest, '/');
		if (i < ts->ntests && slash == NULL)
			v = tests ? lab_board_test(&ts->tests[i], tests)
			          : ts->tests[i].accept_score;
		else if (i >= ts->ntests && slash != NULL && slash[1] == '\0')
			v = lab_board_group(ts, name, tests);
		else
			continue;
		sum += v;
		min = count == 0 || v < min ? v : min;
		max = count == 0 || v > max ? v : max;
		count++;
	}
	if (strstr(flags, "min") != NULL)
		return min;
	if (strstr(flags, "max") != NULL)
		return max;
	if (strstr(flags, "avg") != NULL)
		return count ? sum / (double)count : 0;
	return sum;
}

/* A result's points on a scoring package (tests: its tests[]; NULL:
 * the most it can score). */
double
lab_board_points(const struct testset *ts, const struct jsonparse_value *tests)
{
	return lab_board_group(ts, "secret/", tests);
}

/* The problems that score: their test sets, and the most points. */
static void
lab_board_scoring(struct serve *s, struct lab_board *b)
{
	b->scoring = xcalloc(b->np + 1, sizeof *b->scoring);
	b->max_points = xcalloc(b->np + 1, sizeof *b->max_points);
	for (size_t j = 0; j < b->np; j++) {
		struct lab_problem p;
		char err[512];

		b->max_points[j] = 1;
		if (!lab_problem_get(s, b->problems[j], &p))
			continue;
		if (p.kattis &&
		    testset_load(&b->scoring[j], p.path, err, sizeof err) ==
		        0 &&
		    b->scoring[j].scoring) {
			b->ioi = true;
			b->max_points[j] =
			    lab_board_group(&b->scoring[j], "secret/", NULL);
		} else
			testset_free(&b->scoring[j]);
		lab_problem_free(&p);
	}
}

static void
lab_board_push(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
}

static void
lab_board_load(struct serve *s, struct lab_board *b)
{
	sqlite3_stmt *st;

	st = lab_prepare(s->db,
	                 "SELECT p.problem, min(t.open) FROM lab_set_problems"
	                 " AS p JOIN lab_sets AS t ON t.name = p.set_name"
	                 " GROUP BY p.problem ORDER BY min(t.open),"
	                 " min(t.name), min(p.pos)");
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		lab_board_push(&b->problems, &b->np, lab_column(st, 0));
		b->opens = xrealloc(b->opens, b->np * sizeof *b->opens);
		b->opens[b->np - 1] = sqlite3_column_double(st, 1);
	}
	if (st != NULL)
		lab_done(s->db, st);
	st = lab_prepare(s->db,
	                 "SELECT name FROM tokens WHERE role = 'student'"
	                 " UNION SELECT student FROM lab_submissions WHERE"
	                 " student IS NOT NULL AND student NOT IN (SELECT"
	                 " name FROM tokens WHERE role <> 'student')"
	                 " ORDER BY 1");
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		lab_board_push(&b->students, &b->ns, lab_column(st, 0));
	if (st != NULL)
		lab_done(s->db, st);
	b->cells = xcalloc(b->ns * b->np + 1, sizeof *b->cells);
	b->solved = xcalloc(b->ns + 1, sizeof *b->solved);
	b->penalty = xcalloc(b->ns + 1, sizeof *b->penalty);
	b->points = xcalloc(b->ns + 1, sizeof *b->points);
	b->order = xcalloc(b->ns + 1, sizeof *b->order);
	lab_board_scoring(s, b);
}

/* A job's verdict and tests[] when it is done: the parsed result, or
 * NULL (not done, or no result). */
static struct jsonparse_value *
lab_board_result(struct serve *s, int64_t job, bool *done)
{
	struct jsonparse_error pe;
	struct jsonparse_value *v = NULL;
	struct queue_job j;

	*done = false;
	if (queue_get(s->db, job, &j) < 0)
		return NULL;
	*done = j.state == QUEUE_DONE || j.state == QUEUE_CANCELLED;
	if (*done && j.result != NULL)
		v = jsonparse_parse(j.result, strlen(j.result), &pe);
	queue_job_free(&j);
	return v;
}

/* One submission, in the order they came. */
static void
lab_board_count(struct serve *s, struct lab_board *b, size_t si, size_t pi,
                int64_t job, double created)
{
	struct lab_cell *c = &b->cells[si * b->np + pi];
	struct jsonparse_value *res;
	const char *v;
	bool done;

	if (c->solved)
		return;
	res = lab_board_result(s, job, &done);
	v = jsonparse_string(jsonparse_get(res, "verdict"), NULL);
	if (v == NULL)
		v = "IE";
	if (done && b->scoring[pi].scoring) {
		double pts = lab_board_group(&b->scoring[pi], "secret/",
		                             jsonparse_get(res, "tests"));

		if (pts > c->points)
			c->points = pts;
	}
	if (!done)
		c->pending++;
	else {
		c->attempts++;
		if (strcmp(v, "AC") == 0) {
			c->solved = true;
			c->first_ac = created;
			c->minutes =
			    created > b->opens[pi]
			        ? (int64_t)((created - b->opens[pi]) / 60)
			        : 0;
			c->penalty = c->minutes + LAB_BOARD_PENALTY * c->wrong;
			if (!b->scoring[pi].scoring)
				c->points = 1;
		} else if (strcmp(v, "CE") != 0)
			c->wrong++;
	}
	jsonparse_free(res);
}

static size_t
lab_board_find(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return i;
	return n;
}

static struct lab_board *lab_board_sorting;

static int
lab_board_cmp(const void *x, const void *y)
{
	const struct lab_board *b = lab_board_sorting;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;

	if (b->ioi && b->points[i] != b->points[j])
		return b->points[i] > b->points[j] ? -1 : 1;
	if (b->ioi)
		return strcmp(b->students[i], b->students[j]);
	if (b->solved[i] != b->solved[j])
		return b->solved[i] > b->solved[j] ? -1 : 1;
	if (b->penalty[i] != b->penalty[j])
		return b->penalty[i] < b->penalty[j] ? -1 : 1;
	return strcmp(b->students[i], b->students[j]);
}

static void
lab_board_fill(struct serve *s, struct lab_board *b)
{
	static pthread_mutex_t sorting = PTHREAD_MUTEX_INITIALIZER;
	sqlite3_stmt *st = lab_prepare(
	    s->db, "SELECT student, problem, job, created FROM"
	           " lab_submissions WHERE student IS NOT NULL ORDER BY id");
	struct sub {
		size_t si, pi;
		int64_t job;
		double created;
	} *subs = NULL;
	size_t n = 0;

	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		size_t si = lab_board_find(
		           b->students, b->ns,
		           (const char *)sqlite3_column_text(st, 0)),
		       pi = lab_board_find(
		           b->problems, b->np,
		           (const char *)sqlite3_column_text(st, 1));

		if (si == b->ns || pi == b->np)
			continue;
		subs = xrealloc(subs, (n + 1) * sizeof *subs);
		subs[n++] = (struct sub){si, pi, sqlite3_column_int64(st, 2),
		                         sqlite3_column_double(st, 3)};
	}
	if (st != NULL)
		lab_done(s->db, st);
	/* the verdicts are read with the database free (queue_get locks) */
	for (size_t i = 0; i < n; i++)
		lab_board_count(s, b, subs[i].si, subs[i].pi, subs[i].job,
		                subs[i].created);
	free(subs);
	for (size_t i = 0; i < b->ns; i++) {
		b->order[i] = i;
		for (size_t j = 0; j < b->np; j++) {
			const struct lab_cell *c = &b->cells[i * b->np + j];

			b->solved[i] += c->solved;
			b->penalty[i] += c->solved ? c->penalty : 0;
			b->points[i] += c->points;
		}
	}
	pthread_mutex_lock(&sorting);
	lab_board_sorting = b;
	qsort(b->order, b->ns, sizeof *b->order, lab_board_cmp);
	pthread_mutex_unlock(&sorting);
}

static void
lab_board_json(const struct lab_board *b, struct buf *out)
{
	struct json_writer w = {out, false};
	char t[32];

	json_open(&w, NULL, '{');
	json_cstr(&w, "scoring", b->ioi ? "ioi" : "icpc");
	json_int(&w, "penalty_minutes", LAB_BOARD_PENALTY);
	json_open(&w, "problems", '[');
	for (size_t j = 0; j < b->np; j++)
		json_cstr(&w, NULL, b->problems[j]);
	json_close(&w, ']');
	json_open(&w, "max_points", '[');
	for (size_t j = 0; j < b->np; j++)
		json_double(&w, NULL, b->max_points[j]);
	json_close(&w, ']');
	json_open(&w, "students", '[');
	for (size_t k = 0, rank = 0; k < b->ns; k++) {
		size_t i = b->order[k];

		/* equal solved and penalty (points, IOI's): the same rank */
		if (k == 0 ||
		    (b->ioi ? b->points[i] != b->points[b->order[k - 1]]
		            : b->solved[i] != b->solved[b->order[k - 1]] ||
		                  b->penalty[i] != b->penalty[b->order[k - 1]]))
			rank = k + 1;
		json_open(&w, NULL, '{');
		json_cstr(&w, "name", b->students[i]);
		json_int(&w, "rank", (long long)rank);
		json_int(&w, "solved", b->solved[i]);
		json_int(&w, "penalty", b->penalty[i]);
		json_double(&w, "points", b->points[i]);
		json_open(&w, "problems", '[');
		for (size_t j = 0; j < b->np; j++) {
			const struct lab_cell *c = &b->cells[i * b->np + j];

			json_open(&w, NULL, '{');
			json_cstr(&w, "problem", b->problems[j]);
			json_bool(&w, "solved", c->solved);
			json_int(&w, "attempts", c->attempts);
			json_int(&w, "pending", c->pending);
			json_double(&w, "points", c->points);
			if (c->solved) {
				lab_time(c->first_ac, t, sizeof t);
				json_cstr(&w, "first_ac", t);
				json_int(&w, "first_ac_minutes", c->minutes);
				json_int(&w, "penalty", c->penalty);
			} else {
				json_null(&w, "first_ac");
				json_null(&w, "first_ac_minutes");
				json_int(&w, "penalty", 0);
			}
			json_close(&w, '}');
		}
		json_close(&w, ']');
		json_close(&w, '}');
	}
	json_close(&w, ']');
	json_close(&w, '}');
	buf_add(out, "\n", 1);
}

static void
lab_board_free(struct lab_board *b)
{
	for (size_t i = 0; i < b->np; i++)
		free(b->problems[i]);
	for (size_t i = 0; i < b->ns; i++)
		free(b->students[i]);
	for (size_t j = 0; j < b->np; j++)
		testset_free(&b->scoring[j]);
	free(b->scoring);
	free(b->max_points);
	free(b->points);
	free(b->problems);
	free(b->opens);
	free(b->students);
	free(b->cells);
	free(b->solved);
	free(b->penalty);
	free(b->order);
}

/* forge lab board --db PATH, on the server's machine: the board's JSON
 * from the database the server keeps beside its history (PATH as forge
 * serve --db takes it), with the server running or not; 0, or 4 said
 * when there is no such database or it cannot be used. */
int
lab_board_db(const char *db, struct buf *out)
{
	struct serve s = {0};
	struct lab_board b = {0};
	char err[1024];
	int ret = 4;

	s.history_db = xstrdup(history_path(db));
	s.queue_db = db_path_for(s.history_db);
	if (access(s.queue_db, F_OK) != 0)
		snprintf(err, sizeof err, "%s: no forge serve database there",
		         s.queue_db);
	else
		s.db = db_open(s.queue_db, err, sizeof err);
	if (s.db != NULL) {
		lab_board_load(&s, &b);
		lab_board_fill(&s, &b);
		lab_board_json(&b, out);
		lab_board_free(&b);
		db_close(s.db);
		ret = 0;
	} else
		fprintf(stderr, "forge: %s\n", err);
	free(s.history_db);
	free(s.queue_db);
	return ret;
}

/* GET /v1/lab/board */
void
lab_board_get(struct serve *s, struct http_request *q, int64_t unused,
              struct http_response *r)
{
	struct lab_board b = {0};

	lab_board_load(s, &b);
	lab_board_fill(s, &b);
	lab_board_json(&b, &r->body);
	lab_board_free(&b);
}
