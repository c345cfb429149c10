/* Reading the history back: one run whole, lists, the cache, clean-up. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history/history-private.h"

static char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

static char *
col_blob(sqlite3_stmt *st, int i, size_t *len)
{
	const void *p = sqlite3_column_blob(st, i);
	int n = sqlite3_column_bytes(st, i);
	char *s = xmalloc((size_t)n + 1);

	if (n > 0 && p != NULL)
		memcpy(s, p, (size_t)n);
	s[n] = '\0';
	*len = (size_t)n;
	return s;
}

#define RUN_COLUMNS                                                            \
	"id, created, kind, file, language, toolchain, verdict, detail,"       \
	" exit_code, signal, syscall, time_ms, wall_ms, memory_kb, limits,"    \
	" backend, enforced_by, source_hash, testset, replay_of, user"

/* The summary columns above, into r. */
static int
history_row(sqlite3_stmt *st, struct history_run *r)
{
	char *limits;
	int bad;

	r->id = sqlite3_column_int64(st, 0);
	r->created = sqlite3_column_double(st, 1);
	r->kind = col_text(st, 2);
	r->file = col_text(st, 3);
	r->language = col_text(st, 4);
	r->toolchain = col_text(st, 5);
	r->verdict = col_text(st, 6);
	r->detail = col_text(st, 7);
	r->has_exit = sqlite3_column_type(st, 8) != SQLITE_NULL;
	r->exit_code = sqlite3_column_int64(st, 8);
	r->signal = col_text(st, 9);
	r->syscall = col_text(st, 10);
	r->time_ms = sqlite3_column_int64(st, 11);
	r->wall_ms = sqlite3_column_int64(st, 12);
	r->memory_kb = sqlite3_column_int64(st, 13);
	limits = col_text(st, 14);
	bad = limits == NULL || history_limits_parse(limits, &r->limits) < 0;
	free(limits);
	r->backend = col_text(st, 15);
	r->enforced_by = col_text(st, 16);
	r->source_hash = col_text(st, 17);
	r->testset = col_text(st, 18);
	r->replay_of = sqlite3_column_int64(st, 19);
	r->user = col_text(st, 20);
	if (r->kind == NULL || r->language == NULL || r->verdict == NULL)
		bad = 1;
	return bad ? -1 : 0;
}

/* 0, or -1 with err: 1 when the id does not exist (err says so). */
int
history_get(struct history *h, int64_t id, struct history_run *r, char *err,
            size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int ret = -1;

	history_run_init(r);
	if (sqlite3_prepare_v2(h->db,
	                       "SELECT " RUN_COLUMNS ", source, stdin,"
	                       " stdin_truncated, stdout, stdout_truncated,"
	                       " stderr, stderr_truncated, compile_output,"
	                       " compile_truncated FROM runs WHERE id = ?",
	                       -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_bind_int64(st, 1, id);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		break;
	case SQLITE_DONE:
		snprintf(err, errlen, "no run %lld in %s", (long long)id,
		         h->path);
		sqlite3_finalize(st);
		return 1;
	default:
		goto sqlfail;
	}
	if (history_row(st, r) < 0) {
		snprintf(err, errlen,
		         "run %lld in %s is damaged (a required "
		         "field is missing or malformed)",
		         (long long)id, h->path);
		goto out;
	}
	r->source = col_blob(st, 21, &r->source_len);
	r->stdin_data = col_blob(st, 22, &r->stdin_len);
	r->stdin_truncated = sqlite3_column_int(st, 23);
	r->out = col_blob(st, 24, &r->out_len);
	r->out_truncated = sqlite3_column_int(st, 25);
	r->err = col_blob(st, 26, &r->err_len);
	r->err_truncated = sqlite3_column_int(st, 27);
	r->compile = col_blob(st, 28, &r->compile_len);
	r->compile_truncated = sqlite3_column_int(st, 29);
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(
	        h->db,
	        "SELECT name, verdict, time_ms, wall_ms,"
	        " memory_kb, exit_code, signal, detail FROM tests"
	        " WHERE run_id = ? ORDER BY idx",
	        -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct history_test *t;

		r->tests = xrealloc(r->tests, (r->ntests + 1) * sizeof *t);
		t = &r->tests[r->ntests++];
		t->name = col_text(st, 0);
		t->verdict = col_text(st, 1);
		t->time_ms = sqlite3_column_int64(st, 2);
		t->wall_ms = sqlite3_column_int64(st, 3);
		t->memory_kb = sqlite3_column_int64(st, 4);
		t->has_exit = sqlite3_column_type(st, 5) != SQLITE_NULL;
		t->exit_code = sqlite3_column_int64(st, 5);
		t->signal = col_text(st, 6);
		t->detail = col_text(st, 7);
	}
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(h->db,
	                       "SELECT t_ms, cpu_ms, memory_kb, pids FROM"
	                       " samples WHERE run_id = ? ORDER BY seq",
	                       -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct history_sample *s;

		r->samples =
		    xrealloc(r->samples, (r->nsamples + 1) * sizeof *s);
		s = &r->samples[r->nsamples++];
		s->t_ms = sqlite3_column_int64(st, 0);
		s->cpu_ms = sqlite3_column_int64(st, 1);
		s->memory_kb = sqlite3_column_int64(st, 2);
		s->pids = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(h->db,
	                       "SELECT t_ms, stream, data FROM output_chunks"
	                       " WHERE run_id = ? ORDER BY seq",
	                       -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct history_chunk *c;

		r->chunks = xrealloc(r->chunks, (r->nchunks + 1) * sizeof *c);
		c = &r->chunks[r->nchunks++];
		c->t_ms = sqlite3_column_int64(st, 0);
		c->stream = sqlite3_column_int(st, 1);
		c->data = col_blob(st, 2, &c->len);
	}
	sqlite3_finalize(st);
	return 0;
sqlfail:
	snprintf(err, errlen, "%s: %s", h->path, sqlite3_errmsg(h->db));
out:
	sqlite3_finalize(st);
	history_run_free(r);
	return ret;
}

int
history_list(struct history *h, const struct history_filter *f,
             struct history_run **out, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	struct history_run *v = NULL;
	size_t k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(h->db,
	                       "SELECT " RUN_COLUMNS " FROM runs"
	                       " WHERE (?1 IS NULL OR language = ?1)"
	                       " AND (?2 IS NULL OR verdict = ?2)"
	                       " AND (?3 IS NULL OR (CASE WHEN ?6"
	                       " THEN file = ?3 ELSE instr(file, ?3) > 0 END))"
	                       " AND created >= ?4"
	                       " AND (?8 IS NULL OR user = ?8)"
	                       " ORDER BY created DESC, id DESC"
	                       " LIMIT ?5 OFFSET ?7",
	                       -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", h->path, sqlite3_errmsg(h->db));
		return -1;
	}
	if (f->lang)
		sqlite3_bind_text(st, 1, f->lang, -1, SQLITE_STATIC);
	if (f->verdict)
		sqlite3_bind_text(st, 2, f->verdict, -1, SQLITE_STATIC);
	if (f->file)
		sqlite3_bind_text(st, 3, f->file, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 4, f->since);
	sqlite3_bind_int64(st, 5, f->limit > 0 ? f->limit : -1);
	sqlite3_bind_int(st, 6, f->file_exact);
	sqlite3_bind_int64(st, 7, f->offset > 0 ? f->offset : 0);
	if (f->user)
		sqlite3_bind_text(st, 8, f->user, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (k + 1) * sizeof *v);
		history_run_init(&v[k]);
		(void)history_row(st, &v[k]); /* a damaged row still lists */
		k++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", h->path, sqlite3_errmsg(h->db));
		while (k > 0)
			history_run_free(&v[--k]);
		free(v);
		return -1;
	}
	*out = v;
	*n = k;
	return 0;
}

/* A finished run with the same language, toolchain, source, stdin and
 * limits whose verdict is neither TLE nor IE: its id, or 0. */
int64_t
history_cached(struct history *h, const char *language, const char *toolchain,
               const char *source_hash, const char *stdin_data,
               size_t stdin_len, const struct limits *l, const char *kind,
               const char *testset)
{
	sqlite3_stmt *st;
	struct buf limits;
	int64_t id = 0;

	buf_init(&limits, 0);
	history_limits_json(l, &limits);
	if (sqlite3_prepare_v2(
	        h->db,
	        "SELECT id FROM runs WHERE language = ?1 AND source_hash = ?2"
	        " AND toolchain IS ?3 AND stdin = ?4 AND stdin_truncated = 0"
	        " AND stdout_truncated = 0 AND stderr_truncated = 0"
	        " AND imported = 0"
	        " AND limits = ?5 AND kind = ?6 AND testset IS ?7"
	        " AND verdict NOT IN ('TLE', 'IE')"
	        " ORDER BY id DESC LIMIT 1",
	        -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, language, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, source_hash, -1, SQLITE_STATIC);
		if (toolchain != NULL)
			sqlite3_bind_text(st, 3, toolchain, -1, SQLITE_STATIC);
		sqlite3_bind_blob64(st, 4, stdin_data ? stdin_data : "",
		                    stdin_len, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, buf_cstr(&limits), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, kind, -1, SQLITE_STATIC);
		if (testset != NULL)
			sqlite3_bind_text(st, 7, testset, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	buf_free(&limits);
	return id;
}

/* Keeps the newest keep runs (if keep >= 0) and removes those older than
 * older_than (Unix time, if > 0); then VACUUM. */
int
history_gc(struct history *h, int64_t keep, double older_than, int64_t *removed,
           char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = SQLITE_OK;

	*removed = 0;
	if (sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto fail;
	if (keep >= 0) {
		if (sqlite3_prepare_v2(
		        h->db,
		        "DELETE FROM runs WHERE id NOT IN (SELECT"
		        " id FROM runs ORDER BY created DESC, id"
		        " DESC LIMIT ?)",
		        -1, &st, NULL) != SQLITE_OK)
			goto rollback;
		sqlite3_bind_int64(st, 1, keep);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			goto rollback;
		*removed += sqlite3_changes(h->db);
	}
	if (older_than > 0) {
		if (sqlite3_prepare_v2(h->db,
		                       "DELETE FROM runs WHERE created < ?", -1,
		                       &st, NULL) != SQLITE_OK)
			goto rollback;
		sqlite3_bind_double(st, 1, older_than);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			goto rollback;
		*removed += sqlite3_changes(h->db);
	}
	if (sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto rollback;
	if (sqlite3_exec(h->db, "VACUUM", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return 0;
rollback:
	snprintf(err, errlen, "%s: %s", h->path, sqlite3_errmsg(h->db));
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
fail:
	snprintf(err, errlen, "%s: %s", h->path, sqlite3_errmsg(h->db));
	return -1;
}
