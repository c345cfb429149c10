/* The server's own SQLite database, beside the history: the job queue
 * and the API tokens. One connection per process (the HTTP threads share
 * theirs behind a lock; each worker opens its own); WAL, so that the
 * workers' writes do not stall the readers. */
#include "config.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve/serve.h"

struct db {
	sqlite3 *h; /* NULL: a worker's, with a queue elsewhere */
	pthread_mutex_t lock;
	const struct queue_ops *queue;
	void *remote; /* the queue's own state (queue-redis.c) */
};

/* history.db → history-serve.db, in the same directory. */
char *
db_path_for(const char *history)
{
	size_t n = strlen(history);
	char *p;

	if (n > 3 && strcmp(history + n - 3, ".db") == 0)
		n -= 3;
	xasprintf(&p, "%.*s-serve.db", (int)n, history);
	return p;
}

/* Waits for another connection's write: SQLite's own busy timeout
 * sleeps 1, 2, 5, 10 ... 100 ms, far longer than the queue's writes last
 * (a job claimed, a job finished), so every job paid for the HTTP
 * threads' and the other workers' writes in sleeps; this one sleeps
 * 50 us, doubling to 2 ms, and gives up after 10 s. */
static int
db_busy(void *arg, int count)
{
	unsigned us = 50u << (count < 6 ? count : 6);

	(void)arg;
	if (count > 5000 + 10 * 1000 * 1000 / 3200)
		return 0;
	usleep(us > 2000 ? 2000 : us);
	return 1;
}

struct db *
db_open(const char *path, char *err, size_t errlen)
{
	struct db *d = xcalloc(1, sizeof *d);
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		(void)util_mkdir_p(dir, 0700);
	}
	free(dir);
	if (sqlite3_open_v2(path, &d->h,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                        SQLITE_OPEN_FULLMUTEX,
	                    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
		         d->h ? sqlite3_errmsg(d->h) : "cannot open");
		sqlite3_close(d->h);
		free(d);
		return NULL;
	}
	d->queue = &queue_sqlite_ops;
	sqlite3_busy_handler(d->h, db_busy, NULL);
	(void)sqlite3_exec(d->h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
	/* a job accepted is on disk before its 202 goes out */
	(void)sqlite3_exec(d->h, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
	pthread_mutex_init(&d->lock, NULL);
	if (queue_init(d, err, errlen) < 0 || token_init(d, err, errlen) < 0 ||
	    judge0_init(d, err, errlen) < 0 ||
	    events_init(d, err, errlen) < 0 || lab_init(d, err, errlen) < 0) {
		db_close(d);
		return NULL;
	}
	return d;
}

void
db_close(struct db *d)
{
	if (d == NULL)
		return;
	d->queue->detach(d);
	sqlite3_close(d->h);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

sqlite3 *
db_handle(struct db *d)
{
	return d->h;
}

/* Around a statement's prepare, steps and finalize: one thread at a time
 * on the connection. */
void
db_lock(struct db *d)
{
	pthread_mutex_lock(&d->lock);
}

void
db_unlock(struct db *d)
{
	pthread_mutex_unlock(&d->lock);
}

/* The database of this server or worker, with the queue --queue names:
 * the server's SQLite file (s->queue_db; NULL for a worker of a queue
 * elsewhere, which then has no file at all) and the queue's table. */
struct db *
db_open_for(const struct serve *s, char *err, size_t errlen)
{
	const struct queue_ops *ops =
	    queue_ops_for(s->opts->queue_url, err, errlen);
	struct db *d;

	if (ops == NULL)
		return NULL;
	if (s->queue_db != NULL) {
		if ((d = db_open(s->queue_db, err, errlen)) == NULL)
			return NULL;
	} else {
		d = xcalloc(1, sizeof *d);
		pthread_mutex_init(&d->lock, NULL);
	}
	d->queue = ops;
	if (ops->attach(d, s->opts, err, errlen) < 0) {
		ops->detach(d);
		d->queue = &queue_sqlite_ops;
		db_close(d);
		return NULL;
	}
	return d;
}

const struct queue_ops *
db_queue(struct db *d)
{
	return d->queue;
}

void *
db_remote(struct db *d)
{
	return d->remote;
}

void
db_set_remote(struct db *d, void *remote)
{
	d->remote = remote;
}
