/* Recording a run: one transaction per run, so a forge killed at any
 * moment leaves either the whole run or none of it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history/history-private.h"

void
history_run_init(struct history_run *r)
{
	memset(r, 0, sizeof *r);
	limits_default_run(&r->limits);
}

void
history_run_free(struct history_run *r)
{
	size_t i;

	free(r->kind);
	free(r->file);
	free(r->language);
	free(r->toolchain);
	free(r->source);
	free(r->source_hash);
	free(r->stdin_data);
	free(r->backend);
	free(r->enforced_by);
	free(r->verdict);
	free(r->detail);
	free(r->signal);
	free(r->syscall);
	free(r->out);
	free(r->err);
	free(r->compile);
	free(r->testset);
	free(r->user);
	free(r->job);
	for (i = 0; i < r->ntests; i++) {
		free(r->tests[i].name);
		free(r->tests[i].verdict);
		free(r->tests[i].signal);
		free(r->tests[i].detail);
	}
	free(r->tests);
	free(r->samples);
	for (i = 0; i < r->nchunks; i++)
		free(r->chunks[i].data);
	free(r->chunks);
	history_run_init(r);
}

static void
history_cap_one(size_t *len, bool *truncated, size_t cap)
{
	if (*len > cap) {
		*len = cap;
		*truncated = true;
	}
}

/* Outputs and stdin beyond the cap are cut, and flagged (the output
 * timeline is bounded by its recorder). */
void
history_run_cap(struct history_run *r)
{
	size_t cap = history_cap();

	history_cap_one(&r->out_len, &r->out_truncated, cap);
	history_cap_one(&r->err_len, &r->err_truncated, cap);
	history_cap_one(&r->compile_len, &r->compile_truncated, cap);
	history_cap_one(&r->stdin_len, &r->stdin_truncated, cap);
}

void
history_limits_json(const struct limits *l, struct buf *b)
{
	struct json_writer w = {b, false};

	json_open(&w, NULL, '{');
	json_int(&w, "time_ms", (long long)l->cpu_ms);
	json_int(&w, "wall_ms", (long long)l->wall_ms);
	json_int(&w, "memory_kb", (long long)(l->mem_bytes / 1024));
	json_int(&w, "pids", l->pids);
	json_int(&w, "output_kb", (long long)(l->output_bytes / 1024));
	json_int(&w, "fsize_kb", (long long)(l->fsize_bytes / 1024));
	json_bool(&w, "net", l->net);
	json_close(&w, '}');
}

/* The limits object as history_limits_json() writes it (and an export
 * carries it): 0, or -1 when something is missing or wrong. */
int
history_limits_value(const struct jsonparse_value *o, struct limits *l)
{
	const struct jsonparse_value *v;
	int r = 0;

	limits_default_run(l);
	if (!jsonparse_is(o, JSONPARSE_OBJECT))
		return -1;
		/* a stored (or imported) number becomes an integer only where
		 * it fits one, times its unit: never a cast out of range */
#define HISTORY_NUM(key, field, mult)                                          \
	do {                                                                   \
		v = jsonparse_get(o, key);                                     \
		if (jsonparse_is(v, JSONPARSE_NUMBER) &&                       \
		    jsonparse_number(v) >= 0 &&                                \
		    jsonparse_number(v) < 1.8e19 / (mult))                     \
			l->field = (uint64_t)jsonparse_number(v) * (mult);     \
		else if (v != NULL)                                            \
			r = -1;                                                \
	} while (0)
	HISTORY_NUM("time_ms", cpu_ms, 1);
	HISTORY_NUM("wall_ms", wall_ms, 1);
	HISTORY_NUM("memory_kb", mem_bytes, 1024);
	HISTORY_NUM("output_kb", output_bytes, 1024);
	HISTORY_NUM("fsize_kb", fsize_bytes, 1024);
#undef HISTORY_NUM
	v = jsonparse_get(o, "pids");
	if (jsonparse_number(v) >= 1 && jsonparse_number(v) <= UINT32_MAX)
		l->pids = (uint32_t)jsonparse_number(v);
	else if (v != NULL)
		r = -1;
	l->net = jsonparse_is(jsonparse_get(o, "net"), JSONPARSE_TRUE);
	if (l->cpu_ms == 0 || l->wall_ms == 0 || l->mem_bytes == 0)
		r = -1;
	return r;
}

int
history_limits_parse(const char *s, struct limits *l)
{
	struct jsonparse_value *o = jsonparse_parse(s, strlen(s), NULL);
	int r = history_limits_value(o, l);

	jsonparse_free(o);
	return r;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void
bind_blob(sqlite3_stmt *st, int i, const char *p, size_t n)
{
	sqlite3_bind_blob64(st, i, p ? p : "", n, SQLITE_STATIC);
}

static int
history_fail(struct history *h, char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s: %s: %s", h->path, what,
	         sqlite3_errmsg(h->db));
	return -1;
}

/* The statement that inserts one row of a kind, prepared on the handle
 * the first time and kept for its later runs (a workbench or a judge
 * records many); NULL with the error on the handle. */
static sqlite3_stmt *
history_insert(struct history *h, enum history_insert which)
{
	static const char *const sql[HISTORY_INSERT__COUNT] = {
	    [HISTORY_INSERT_RUN] =
	        "INSERT INTO runs (created, kind, file, language, toolchain,"
	        " source, source_hash, stdin, stdin_truncated, limits,"
	        " backend, enforced_by, verdict, detail, exit_code, signal,"
	        " syscall, time_ms, wall_ms, memory_kb, stdout,"
	        " stdout_truncated, stderr, stderr_truncated, compile_output,"
	        " compile_truncated, testset, replay_of, imported, user, job)"
	        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
	        "?,?,?,?,?)",
	    [HISTORY_INSERT_TEST] =
	        "INSERT INTO tests (run_id, idx, name, verdict, time_ms,"
	        " wall_ms, memory_kb, exit_code, signal, detail)"
	        " VALUES (?,?,?,?,?,?,?,?,?,?)",
	    [HISTORY_INSERT_SAMPLE] = "INSERT INTO samples (run_id, seq, t_ms,"
	                              " cpu_ms, memory_kb, pids)"
	                              " VALUES (?,?,?,?,?,?)",
	    [HISTORY_INSERT_CHUNK] = "INSERT INTO output_chunks (run_id, seq,"
	                             " t_ms, stream, data) VALUES (?,?,?,?,?)",
	};
	sqlite3_stmt **st = &h->insert[which];

	if (*st == NULL &&
	    sqlite3_prepare_v3(h->db, sql[which], -1, SQLITE_PREPARE_PERSISTENT,
	                       st, NULL) != SQLITE_OK) {
		sqlite3_finalize(*st);
		*st = NULL;
	}
	return *st;
}

/* Prepares the statements a run's record uses (the first also reads
 * the schema), so that recording it later costs only its rows. */
void
history_prepare(struct history *h)
{
	(void)history_insert(h, HISTORY_INSERT_RUN);
	(void)history_insert(h, HISTORY_INSERT_SAMPLE);
	(void)history_insert(h, HISTORY_INSERT_CHUNK);
}

/* One row: the statement stepped, then reset for the next (its bound
 * values are the caller's, valid until then). */
static int
history_insert_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
history_insert_run(struct history *h, const struct history_run *r,
                   const char *limits)
{
	sqlite3_stmt *st = history_insert(h, HISTORY_INSERT_RUN);

	if (st == NULL)
		return -1;
	sqlite3_bind_double(st, 1, r->created);
	bind_text(st, 2, r->kind);
	bind_text(st, 3, r->file);
	bind_text(st, 4, r->language);
	bind_text(st, 5, r->toolchain);
	bind_blob(st, 6, r->source, r->source_len);
	bind_text(st, 7, r->source_hash);
	bind_blob(st, 8, r->stdin_data, r->stdin_len);
	sqlite3_bind_int(st, 9, r->stdin_truncated);
	bind_text(st, 10, limits);
	bind_text(st, 11, r->backend);
	bind_text(st, 12, r->enforced_by);
	bind_text(st, 13, r->verdict);
	bind_text(st, 14, r->detail);
	if (r->has_exit)
		sqlite3_bind_int64(st, 15, r->exit_code);
	else
		sqlite3_bind_null(st, 15);
	bind_text(st, 16, r->signal);
	bind_text(st, 17, r->syscall);
	sqlite3_bind_int64(st, 18, r->time_ms);
	sqlite3_bind_int64(st, 19, r->wall_ms);
	sqlite3_bind_int64(st, 20, r->memory_kb);
	bind_blob(st, 21, r->out, r->out_len);
	sqlite3_bind_int(st, 22, r->out_truncated);
	bind_blob(st, 23, r->err, r->err_len);
	sqlite3_bind_int(st, 24, r->err_truncated);
	bind_blob(st, 25, r->compile, r->compile_len);
	sqlite3_bind_int(st, 26, r->compile_truncated);
	bind_text(st, 27, r->testset);
	if (r->replay_of > 0)
		sqlite3_bind_int64(st, 28, r->replay_of);
	else
		sqlite3_bind_null(st, 28);
	sqlite3_bind_int(st, 29, r->imported);
	bind_text(st, 30, r->user);
	bind_text(st, 31, r->job);
	return history_insert_step(st);
}

static int
history_insert_tests(struct history *h, const struct history_run *r)
{
	sqlite3_stmt *st;
	size_t i;

	if (r->ntests == 0)
		return 0;
	if ((st = history_insert(h, HISTORY_INSERT_TEST)) == NULL)
		return -1;
	for (i = 0; i < r->ntests; i++) {
		const struct history_test *t = &r->tests[i];

		sqlite3_bind_int64(st, 1, r->id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		bind_text(st, 3, t->name);
		bind_text(st, 4, t->verdict);
		sqlite3_bind_int64(st, 5, t->time_ms);
		sqlite3_bind_int64(st, 6, t->wall_ms);
		sqlite3_bind_int64(st, 7, t->memory_kb);
		if (t->has_exit)
			sqlite3_bind_int64(st, 8, t->exit_code);
		else
			sqlite3_bind_null(st, 8);
		bind_text(st, 9, t->signal);
		bind_text(st, 10, t->detail);
		if (history_insert_step(st) < 0)
			return -1;
	}
	return 0;
}

static int
history_insert_samples(struct history *h, const struct history_run *r)
{
	sqlite3_stmt *st;
	size_t i;

	if (r->nsamples == 0)
		return 0;
	if ((st = history_insert(h, HISTORY_INSERT_SAMPLE)) == NULL)
		return -1;
	for (i = 0; i < r->nsamples; i++) {
		sqlite3_bind_int64(st, 1, r->id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_int64(st, 3, r->samples[i].t_ms);
		sqlite3_bind_int64(st, 4, r->samples[i].cpu_ms);
		sqlite3_bind_int64(st, 5, r->samples[i].memory_kb);
		sqlite3_bind_int64(st, 6, r->samples[i].pids);
		if (history_insert_step(st) < 0)
			return -1;
	}
	return 0;
}

static int
history_insert_chunks(struct history *h, const struct history_run *r)
{
	sqlite3_stmt *st;
	size_t i;

	if (r->nchunks == 0)
		return 0;
	if ((st = history_insert(h, HISTORY_INSERT_CHUNK)) == NULL)
		return -1;
	for (i = 0; i < r->nchunks; i++) {
		if (r->chunks[i].len == 0)
			continue;
		sqlite3_bind_int64(st, 1, r->id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_int64(st, 3, r->chunks[i].t_ms);
		sqlite3_bind_int(st, 4, r->chunks[i].stream);
		bind_blob(st, 5, r->chunks[i].data, r->chunks[i].len);
		if (history_insert_step(st) < 0)
			return -1;
	}
	return 0;
}

/* The run already recorded for a server's job: its id, 0 when none,
 * -1 on an error (inside the caller's transaction). */
static int64_t
history_job_recorded(struct history *h, const char *job)
{
	sqlite3_stmt *st = NULL;
	int64_t id = -1;
	int rc;

	if (sqlite3_prepare_v2(h->db, "SELECT id FROM runs WHERE job = ?1", -1,
	                       &st, NULL) != SQLITE_OK)
		return -1;
	bind_text(st, 1, job);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		id = 0;
	sqlite3_finalize(st);
	return id;
}

/* Stores r (its id is set); the run as a whole or nothing. A run of a
 * server's job (r->job) that is recorded already is not recorded again:
 * its id is the first one's. */
int
history_record(struct history *h, struct history_run *run, char *err,
               size_t errlen)
{
	/* capped as stored; the caller's run (and what it prints) is not */
	struct history_run capped = *run, *r = &capped;
	struct buf limits;
	int rc;

	history_run_cap(r);
	buf_init(&limits, 0);
	history_limits_json(&r->limits, &limits);
	if (history_exec_retry(h->db, "BEGIN IMMEDIATE", NULL) != SQLITE_OK) {
		buf_free(&limits);
		return history_fail(h, err, errlen, "starting a transaction");
	}
	if (r->job != NULL) {
		int64_t had = history_job_recorded(h, r->job);

		if (had < 0)
			goto fail;
		if (had > 0) {
			run->id = had;
			buf_free(&limits);
			sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
			return 0;
		}
	}
	if (history_insert_run(h, r, buf_cstr(&limits)) < 0)
		goto fail;
	r->id = run->id = sqlite3_last_insert_rowid(h->db);
	if (history_insert_tests(h, r) < 0 ||
	    history_insert_samples(h, r) < 0 || history_insert_chunks(h, r) < 0)
		goto fail;
	rc = history_exec_retry(h->db, "COMMIT", NULL);
	buf_free(&limits);
	if (rc != SQLITE_OK) {
		history_fail(h, err, errlen, "saving the run");
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
		run->id = 0;
		return -1;
	}
	return 0;
fail:
	history_fail(h, err, errlen, "saving the run");
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	buf_free(&limits);
	run->id = 0;
	return -1;
}
