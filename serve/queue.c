/* The job queue: one row per accepted job, in the server's database.
 * States move queued → running → done, or to cancelled from either; a
 * row leaves running only by the worker that holds it (queue_finish) or
 * back to queued when that worker is gone (queue_requeue), each in one
 * statement, so a job finishes once however the processes die. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

static const char *const queue_states[] = {
    [QUEUE_QUEUED] = "queued",
    [QUEUE_RUNNING] = "running",
    [QUEUE_DONE] = "done",
    [QUEUE_CANCELLED] = "cancelled",
};

const char *
queue_state_name(enum queue_state s)
{
	return queue_states[s];
}

static enum queue_state
queue_state_from(const char *s)
{
	for (size_t i = 0; i < sizeof queue_states / sizeof *queue_states; i++)
		if (s != NULL && strcmp(s, queue_states[i]) == 0)
			return (enum queue_state)i;
	return QUEUE_QUEUED;
}

int
queue_init(struct db *d, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db_handle(d),
	                 "CREATE TABLE IF NOT EXISTS jobs ("
	                 " id INTEGER PRIMARY KEY AUTOINCREMENT,"
	                 " created REAL NOT NULL,"
	                 " token TEXT,"
	                 " state TEXT NOT NULL,"
	                 " request TEXT NOT NULL,"
	                 " worker INTEGER,"
	                 " result TEXT,"
	                 " history_id INTEGER);"
	                 "CREATE INDEX IF NOT EXISTS jobs_state"
	                 " ON jobs(state, id);",
	                 NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "the job queue: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	/* the fair-share tag came later: a queue of before gets it (its
	 * rows' 0 keeps their order); after the first time, it is there */
	(void)sqlite3_exec(db_handle(d),
	                   "ALTER TABLE jobs ADD COLUMN fair INTEGER NOT NULL"
	                   " DEFAULT 0",
	                   NULL, NULL, NULL);
	return 0;
}

/* Prepares sql under the lock; NULL (lock released) on failure. */
static sqlite3_stmt *
queue_prepare(struct db *d, const char *sql)
{
	sqlite3_stmt *st = NULL;

	db_lock(d);
	if (sqlite3_prepare_v2(db_handle(d), sql, -1, &st, NULL) != SQLITE_OK) {
		db_unlock(d);
		return NULL;
	}
	return st;
}

static void
queue_done_with(struct db *d, sqlite3_stmt *st)
{
	sqlite3_finalize(st);
	db_unlock(d);
}

int64_t
queue_count(struct db *d, enum queue_state s, const char *token)
{
	sqlite3_stmt *st =
	    queue_prepare(d, "SELECT count(*) FROM jobs WHERE state = ?1"
	                     " AND (?2 IS NULL OR token = ?2)");
	int64_t n = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, queue_states[s], -1, SQLITE_STATIC);
	if (token != NULL)
		sqlite3_bind_text(st, 2, token, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	queue_done_with(d, st);
	return n;
}

/* The job's id once it is on disk, or 0 with err said.
 *
 * Fair shares between tokens (a class's students): each job gets a tag,
 * one past its token's last job still queued or running, and never
 * below the lowest tag still queued or running; workers claim the
 * lowest tag first. A token with one job waiting goes before another's
 * tenth, whatever came first: one student's pile of infinite loops
 * takes turns with the others' submissions instead of going before
 * them all. */
int64_t
queue_add(struct db *d, const char *token, const char *request, size_t len,
          char *err, size_t errlen)
{
	sqlite3_stmt *st = queue_prepare(
	    d, "INSERT INTO jobs (created, token, state, request, fair)"
	       " VALUES (?1, ?2, 'queued', ?3, max(coalesce((SELECT"
	       " min(fair) FROM jobs WHERE state IN ('queued', 'running')),"
	       " 0), coalesce((SELECT max(fair) + 1 FROM jobs WHERE token IS"
	       " ?2 AND state IN ('queued', 'running')), 0)))");
	int64_t id = 0;

	if (st == NULL) {
		snprintf(err, errlen, "the job queue cannot be written");
		return 0;
	}
	sqlite3_bind_double(st, 1, history_recorder_now());
	if (token != NULL)
		sqlite3_bind_text(st, 2, token, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, request, (int)len, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(db_handle(d));
	else
		snprintf(err, errlen, "the job queue: %s",
		         sqlite3_errmsg(db_handle(d)));
	queue_done_with(d, st);
	return id;
}

static char *
queue_column(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrndup((const char *)t,
	                    (size_t)sqlite3_column_bytes(st, i))
	         : NULL;
}

/* 0 and the job, or -1 when there is no such job. */
int
queue_get(struct db *d, int64_t id, struct queue_job *j)
{
	sqlite3_stmt *st = queue_prepare(
	    d, "SELECT state, token, result, history_id, worker FROM jobs"
	       " WHERE id = ?1");
	int ret = -1;

	memset(j, 0, sizeof *j);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		char *s = queue_column(st, 0);

		j->id = id;
		j->state = queue_state_from(s);
		free(s);
		j->token = queue_column(st, 1);
		j->result = queue_column(st, 2);
		j->history_id = sqlite3_column_int64(st, 3);
		j->worker = sqlite3_column_int(st, 4);
		ret = 0;
	}
	queue_done_with(d, st);
	return ret;
}

void
queue_job_free(struct queue_job *j)
{
	free(j->token);
	free(j->result);
	memset(j, 0, sizeof *j);
}

/* The next queued job (the lowest fair-share tag: queue_add), now this
 * worker's: its id and request, or 0. */
int64_t
queue_claim(struct db *d, int worker, char **request)
{
	sqlite3 *h = db_handle(d);
	sqlite3_stmt *st = NULL;
	int64_t id = 0;

	*request = NULL;
	db_lock(d);
	if (sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		db_unlock(d);
		return 0;
	}
	/* fair shares: the lowest tag first (queue_add), the oldest
	 * among equals */
	if (sqlite3_prepare_v2(h,
	                       "SELECT id, request FROM jobs WHERE state = "
	                       "'queued' ORDER BY fair, id LIMIT 1",
	                       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		*request = queue_column(st, 1);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (id > 0 &&
	    (sqlite3_prepare_v2(h,
	                        "UPDATE jobs SET state = 'running', worker = "
	                        "?2 WHERE id = ?1",
	                        -1, &st, NULL) != SQLITE_OK ||
	     sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	     sqlite3_bind_int(st, 2, worker) != SQLITE_OK ||
	     sqlite3_step(st) != SQLITE_DONE)) {
		id = 0;
		free(*request);
		*request = NULL;
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(h, id > 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) !=
	        SQLITE_OK &&
	    id > 0) {
		(void)sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
		id = 0;
		free(*request);
		*request = NULL;
	}
	db_unlock(d);
	return id;
}

/* The job done, if this worker still holds it: 1 when so, 0 when it was
 * cancelled meanwhile, -1 on a database error. */
int
queue_finish(struct db *d, int64_t id, int worker, const char *result,
             int64_t history_id)
{
	sqlite3_stmt *st = queue_prepare(
	    d, "UPDATE jobs SET state = 'done', result = ?3, history_id = ?4,"
	       " worker = NULL WHERE id = ?1 AND state = 'running'"
	       " AND worker = ?2");
	int ret = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, worker);
	sqlite3_bind_text(st, 3, result, -1, SQLITE_STATIC);
	if (history_id > 0)
		sqlite3_bind_int64(st, 4, history_id);
	if (sqlite3_step(st) == SQLITE_DONE)
		ret = sqlite3_changes(db_handle(d)) > 0 ? 1 : 0;
	queue_done_with(d, st);
	return ret;
}

/* Cancels a queued or running job: 1 (and the worker that ran it, else
 * 0), 0 when it had ended already, -1 when there is no such job. */
int
queue_cancel(struct db *d, int64_t id, const char *result, int *worker)
{
	sqlite3 *h = db_handle(d);
	sqlite3_stmt *st = NULL;
	int ret = -1;

	*worker = 0;
	db_lock(d);
	if (sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		db_unlock(d);
		return -1;
	}
	if (sqlite3_prepare_v2(h,
	                       "SELECT state, worker FROM jobs WHERE id = ?1",
	                       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		enum queue_state q = queue_state_from(s);

		ret = q == QUEUE_QUEUED || q == QUEUE_RUNNING;
		if (q == QUEUE_RUNNING)
			*worker = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (ret == 1 &&
	    (sqlite3_prepare_v2(h,
	                        "UPDATE jobs SET state = 'cancelled', result "
	                        "= ?2, worker = NULL WHERE id = ?1",
	                        -1, &st, NULL) != SQLITE_OK ||
	     sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	     sqlite3_bind_text(st, 2, result, -1, SQLITE_STATIC) != SQLITE_OK ||
	     sqlite3_step(st) != SQLITE_DONE))
		ret = -1;
	sqlite3_finalize(st);
	if (sqlite3_exec(h, ret == 1 ? "COMMIT" : "ROLLBACK", NULL, NULL,
	                 NULL) != SQLITE_OK)
		ret = -1;
	db_unlock(d);
	return ret;
}

/* The jobs a gone worker held (worker 0: every running job, at start)
 * go back to the queue; how many. */
int
queue_requeue(struct db *d, int worker)
{
	sqlite3_stmt *st = queue_prepare(
	    d, "UPDATE jobs SET state = 'queued', worker = NULL"
	       " WHERE state = 'running' AND (?1 = 0 OR worker = ?1)");
	int n = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, worker);
	if (sqlite3_step(st) == SQLITE_DONE)
		n = sqlite3_changes(db_handle(d));
	queue_done_with(d, st);
	return n;
}
