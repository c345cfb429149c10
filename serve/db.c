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

#include "serve/serve.h"

struct db {
	sqlite3 *h;
	pthread_mutex_t lock;
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
	sqlite3_busy_timeout(d->h, 10000);
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
