/* The job queue, behind one table (struct queue_ops): the SQLite
 * implementation, the default, is here; the Redis one is queue-redis.c.
 *
 * The SQLite queue: one row per accepted job, in the server's database.
 * States move queued → running → done, or to cancelled from either; a
 * row leaves running only by the worker that holds it (queue_finish) or
 * back to queued when that worker is gone (queue_requeue), each in one
 * statement, so a job finishes once however the processes die.
 *
 * Workers take turns between users: a free worker takes the oldest
 * queued job of the token served longest ago (one never served first),
 * so one user's 500 jobs do not keep another's one waiting behind them.
 * The turns are rows of queue_turns (a token's name, '' without auth;
 * the number of the claim that last served it). */
#include "config.h"

#include <errno.h>
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

enum queue_state
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
	                 " ON jobs(state, id);"
	                 "CREATE INDEX IF NOT EXISTS jobs_fair"
	                 " ON jobs(state, token, id);"
	                 "CREATE TABLE IF NOT EXISTS queue_turns ("
	                 " token TEXT PRIMARY KEY,"
	                 " turn INTEGER NOT NULL);",
	                 NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "the job queue: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Prepares sql under the lock; NULL (lock released) on failure. */
static sqlite3_stmt *
queue_prepare(struct db *d, const char *sql)
{
	sqlite3_stmt *st = NULL;

	db_lock(d);
	if (db_prepare(db_handle(d), sql, &st) != SQLITE_OK) {
		db_unlock(d);
		return NULL;
	}
	return st;
}

static void
queue_done_with(struct db *d, sqlite3_stmt *st)
{
	db_finalize(st);
	db_unlock(d);
}

static int64_t
sqlite_count(struct db *d, enum queue_state s, const char *token)
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

/* The job's id once it is on disk, or 0 with err said. */
static int64_t
sqlite_add(struct db *d, const char *token, const char *request, size_t len,
           char *err, size_t errlen)
{
	sqlite3_stmt *st =
	    queue_prepare(d, "INSERT INTO jobs (created, token, state, request)"
	                     " VALUES (?1, ?2, 'queued', ?3)");
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
	db_finalize(st);
	/* on disk when the server's connection syncs in groups (for a
	 * request, as it answers: db_defer_begin) */
	if (db_unlock(d) < 0 && id > 0) {
		snprintf(err, errlen, "the job queue cannot be synced: %s",
		         strerror(errno));
		id = 0;
	}
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
static int
sqlite_get(struct db *d, int64_t id, struct queue_job *j)
{
	sqlite3_stmt *st = queue_prepare(
	    d, "SELECT state, token, result, history_id, worker, created"
	       " FROM jobs WHERE id = ?1");
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
		j->created = sqlite3_column_double(st, 5);
		ret = 0;
	}
	queue_done_with(d, st);
	return ret;
}

/* The job's key in the history: its id and when it was accepted, so
 * that the run is recorded once however often it runs, and a queue
 * started afresh (its ids from 1 again) does not meet its old keys. */
char *
queue_job_key(const struct queue_job *j)
{
	char *key;

	xasprintf(&key, "serve:%lld@%.6f", (long long)j->id, j->created);
	return key;
}

void
queue_job_free(struct queue_job *j)
{
	free(j->token);
	free(j->result);
	memset(j, 0, sizeof *j);
}

/* The next job in turn (see above): its id, request and token (the
 * token's name, or NULL), or 0. */
static int64_t
queue_next(sqlite3 *h, char **request, char **token)
{
	sqlite3_stmt *st = NULL;
	int64_t id = 0;

	/* each token's oldest queued job, the token served longest ago
	 * first. The tokens with queued jobs are found one index seek each
	 * (the next name after the last), not by reading every queued row:
	 * a claim costs the same with ten jobs waiting or fifty thousand */
	if (db_prepare(
	        h,
	        "WITH RECURSIVE t(tok) AS ("
	        " SELECT (SELECT token FROM jobs WHERE state = 'queued'"
	        "  AND token IS NOT NULL ORDER BY token LIMIT 1)"
	        " UNION ALL"
	        " SELECT (SELECT token FROM jobs WHERE state = 'queued'"
	        "  AND token > t.tok ORDER BY token LIMIT 1)"
	        " FROM t WHERE t.tok IS NOT NULL),"
	        "heads(id, turn) AS ("
	        " SELECT (SELECT min(id) FROM jobs WHERE state = 'queued'"
	        "  AND token = t.tok),"
	        "  (SELECT turn FROM queue_turns WHERE token = t.tok)"
	        " FROM t WHERE t.tok IS NOT NULL"
	        " UNION ALL"
	        " SELECT (SELECT min(id) FROM jobs WHERE state = 'queued'"
	        "  AND token IS NULL),"
	        "  (SELECT turn FROM queue_turns WHERE token = ''))"
	        "SELECT j.id, j.request, j.token FROM heads h"
	        " JOIN jobs j ON j.id = h.id"
	        " ORDER BY coalesce(h.turn, 0), h.id LIMIT 1",
	        &st) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		*request = queue_column(st, 1);
		*token = queue_column(st, 2);
	}
	db_finalize(st);
	return id;
}

/* The job running in this worker, its token's turn taken: 0, or -1. */
static int
queue_take(sqlite3 *h, int64_t id, int worker, const char *token)
{
	sqlite3_stmt *st = NULL;
	int ret = -1;

	if (db_prepare(h,
	               "UPDATE jobs SET state = 'running', worker = "
	               "?2 WHERE id = ?1",
	               &st) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
	    sqlite3_bind_int(st, 2, worker) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_DONE)
		ret = 0;
	db_finalize(st);
	st = NULL;
	if (ret == 0 &&
	    (db_prepare(
	         h,
	         "INSERT INTO queue_turns (token, turn) VALUES (coalesce(?1,"
	         " ''), (SELECT coalesce(max(turn), 0) + 1 FROM queue_turns))"
	         " ON CONFLICT (token) DO UPDATE SET turn = excluded.turn",
	         &st) != SQLITE_OK ||
	     (token != NULL && sqlite3_bind_text(st, 1, token, -1,
	                                         SQLITE_STATIC) != SQLITE_OK) ||
	     sqlite3_step(st) != SQLITE_DONE))
		ret = -1;
	db_finalize(st);
	return ret;
}

/* Whether any job waits: a read, without the write lock a claim takes. */
static bool
queue_any(sqlite3 *h)
{
	sqlite3_stmt *st = NULL;
	bool any = true; /* on doubt, the claim looks */

	if (db_prepare(h,
	               "SELECT 1 FROM jobs WHERE state = 'queued'"
	               " LIMIT 1",
	               &st) == SQLITE_OK)
		any = sqlite3_step(st) != SQLITE_DONE;
	db_finalize(st);
	return any;
}

/* The next job in turn, now this worker's: its id and request, or 0. */
static int64_t
sqlite_claim(struct db *d, int worker, char **request)
{
	sqlite3 *h = db_handle(d);
	char *token = NULL;
	int64_t id = 0;

	*request = NULL;
	db_lock(d);
	/* the workers woken by one job but the first, and each worker
	 * done with the last one, find nothing: they take no write lock
	 * from the submissions for that */
	if (!queue_any(h)) {
		db_unlock(d);
		return 0;
	}
	if (sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		db_unlock(d);
		return 0;
	}
	id = queue_next(h, request, &token);
	if (id > 0 && queue_take(h, id, worker, token) < 0) {
		id = 0;
		free(*request);
		*request = NULL;
	}
	free(token);
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
static int
sqlite_finish(struct db *d, int64_t id, int worker, const char *result,
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
static int
sqlite_cancel(struct db *d, int64_t id, const char *result, int *worker)
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
	if (db_prepare(h, "SELECT state, worker FROM jobs WHERE id = ?1",
	               &st) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		enum queue_state q = queue_state_from(s);

		ret = q == QUEUE_QUEUED || q == QUEUE_RUNNING;
		if (q == QUEUE_RUNNING)
			*worker = sqlite3_column_int(st, 1);
	}
	db_finalize(st);
	st = NULL;
	if (ret == 1 &&
	    (db_prepare(h,
	                "UPDATE jobs SET state = 'cancelled', result "
	                "= ?2, worker = NULL WHERE id = ?1",
	                &st) != SQLITE_OK ||
	     sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	     sqlite3_bind_text(st, 2, result, -1, SQLITE_STATIC) != SQLITE_OK ||
	     sqlite3_step(st) != SQLITE_DONE))
		ret = -1;
	db_finalize(st);
	if (sqlite3_exec(h, ret == 1 ? "COMMIT" : "ROLLBACK", NULL, NULL,
	                 NULL) != SQLITE_OK)
		ret = -1;
	db_unlock(d);
	return ret;
}

/* The jobs a gone worker held (worker 0: every running job, at start)
 * go back to the queue; how many. */
static int
sqlite_requeue(struct db *d, int worker)
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

static int
sqlite_attach(struct db *d, const struct serve_options *o, char *err,
              size_t errlen)
{
	return 0;
}

static void
sqlite_detach(struct db *d)
{
}

const struct queue_ops queue_sqlite_ops = {
    .name = "sqlite",
    .idle_ms = 1000,
    .remote = false,
    .attach = sqlite_attach,
    .detach = sqlite_detach,
    .submit = sqlite_add,
    .get = sqlite_get,
    .depth = sqlite_count,
    .claim = sqlite_claim,
    .complete = sqlite_finish,
    .cancel = sqlite_cancel,
    .requeue = sqlite_requeue,
    .events_begin = events_sqlite_begin,
    .event_add = events_sqlite_add,
    .events_since = events_sqlite_since,
};

/* The table for --queue's value: NULL (the default) is SQLite. */
const struct queue_ops *
queue_ops_for(const char *url, char *err, size_t errlen)
{
	if (url == NULL)
		return &queue_sqlite_ops;
	if (strncmp(url, "redis://", 8) != 0) {
		snprintf(err, errlen,
		         "--queue %s: a count or redis://HOST:PORT", url);
		return NULL;
	}
#ifdef HAVE_REDIS
	return &queue_redis_ops;
#else
	snprintf(err, errlen,
	         "--queue %s: this forge was built without Redis (configure "
	         "found no hiredis: install libhiredis-dev and build again)",
	         url);
	return NULL;
#endif
}

/* ---------------------------------------- through the database's table */

int64_t
queue_count(struct db *d, enum queue_state s, const char *token)
{
	return db_queue(d)->depth(d, s, token);
}

/* The job's id once it is stored, or 0 with err said. */
int64_t
queue_add(struct db *d, const char *token, const char *request, size_t len,
          char *err, size_t errlen)
{
	return db_queue(d)->submit(d, token, request, len, err, errlen);
}

/* 0 and the job, or -1 when there is no such job. */
int
queue_get(struct db *d, int64_t id, struct queue_job *j)
{
	return db_queue(d)->get(d, id, j);
}

/* The next job, now this worker's: its id and request, or 0. */
int64_t
queue_claim(struct db *d, int worker, char **request)
{
	return db_queue(d)->claim(d, worker, request);
}

/* The job done, once: 1 when this call stored its result, 0 when it had
 * ended already (cancelled, or finished by another worker), -1 when the
 * queue cannot be written. */
int
queue_finish(struct db *d, int64_t id, int worker, const char *result,
             int64_t history_id)
{
	return db_queue(d)->complete(d, id, worker, result, history_id);
}

/* Cancels a queued or running job: 1 (and the local worker that ran it,
 * else 0), 0 when it had ended already, -1 when there is no such job. */
int
queue_cancel(struct db *d, int64_t id, const char *result, int *worker)
{
	return db_queue(d)->cancel(d, id, result, worker);
}

/* The jobs a gone local worker held (0: every one, at start) go back to
 * the queue; how many. */
int
queue_requeue(struct db *d, int worker)
{
	return db_queue(d)->requeue(d, worker);
}

void
queue_touch(struct db *d, int64_t id)
{
	if (db_queue(d)->touch != NULL)
		db_queue(d)->touch(d, id);
}

bool
queue_build_fetch(struct db *d, const char *key)
{
	return db_queue(d)->build_fetch != NULL &&
	       db_queue(d)->build_fetch(d, key);
}

void
queue_build_store(struct db *d, const char *key)
{
	if (db_queue(d)->build_store != NULL)
		db_queue(d)->build_store(d, key);
}

/* A run's events start again (an earlier attempt's go): the last id
 * used, from which the new ones go on. */
int64_t
queue_events_begin(struct db *d, int64_t job)
{
	return db_queue(d)->events_begin(d, job);
}

void
queue_event_add(struct db *d, int64_t job, int64_t seq, const char *kind,
                const char *data, size_t len)
{
	db_queue(d)->event_add(d, job, seq, kind, data, len);
}

/* The events after last, in order, max at most: how many. */
int
queue_events_since(struct db *d, int64_t job, int64_t last, int max,
                   queue_event_fn fn, void *arg)
{
	return db_queue(d)->events_since(d, job, last, max, fn, arg);
}
