/* The server's own SQLite database, beside the history: the job queue
 * and the API tokens. One connection per process (the HTTP threads share
 * theirs behind a lock; each worker opens its own); WAL, so that the
 * workers' writes do not stall the readers.
 *
 * What the HTTP threads write (an accepted job, a cancel) is on disk
 * before their answer goes out, as with synchronous=FULL, but by group
 * commit (db_group_commit): the connection commits without a sync, and
 * the writer, once it has let the connection go, waits for a sync of the
 * write-ahead log that covers its commit. One sync covers every commit
 * made before it started, so requests arriving together share it, and
 * none holds the connection (or the database's write lock) while the
 * disk works. A request's thread syncs once, as its answer is about to
 * go out (db_defer_begin): then a request that waits for its run and
 * answers with the result (?wait) needs no sync of its acceptance at
 * all, as nothing was promised before the run ended. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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
	/* group commit (db_group_commit): off, or the log's path */
	char *wal;
	sqlite3_int64 changes; /* the connection's, at the last unlock */
	uint64_t written;      /* commits to sync, counted under lock */
	pthread_mutex_t sync_lock;
	uint64_t synced; /* of them, on disk: under sync_lock */
	int sync_errno;  /* the last sync's failure, 0 */
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
	history_sqlite_setup();
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

/* ---- statements kept prepared ------------------------------------------
 *
 * A worker runs the same dozen statements for every job (the claim, its
 * events, its result); compiling their SQL each time was a measurable
 * share of a job's CPU. A statement prepared through db_prepare is kept
 * for its connection and its SQL text (by address: a literal's), and
 * db_finalize gives it back reset instead of finalizing it. One in use
 * is never handed out twice: a second user gets a statement of its own,
 * finalized at its end, as is any beyond the table's size. */
#define DB_STMTS 48

static struct db_stmt_slot {
	sqlite3 *h;
	const char *sql;
	sqlite3_stmt *st;
	bool busy;
} db_stmts[DB_STMTS];
static pthread_mutex_t db_stmts_lock = PTHREAD_MUTEX_INITIALIZER;

int
db_prepare(sqlite3 *h, const char *sql, sqlite3_stmt **st)
{
	struct db_stmt_slot *free_slot = NULL;
	int rc;

	pthread_mutex_lock(&db_stmts_lock);
	for (size_t i = 0; i < DB_STMTS; i++) {
		struct db_stmt_slot *s = &db_stmts[i];

		if (s->h == h && s->sql == sql && !s->busy) {
			s->busy = true;
			*st = s->st;
			pthread_mutex_unlock(&db_stmts_lock);
			return SQLITE_OK;
		}
		if (s->h == NULL && free_slot == NULL)
			free_slot = s;
	}
	pthread_mutex_unlock(&db_stmts_lock);
	rc =
	    sqlite3_prepare_v3(h, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
	if (rc != SQLITE_OK || free_slot == NULL)
		return rc;
	pthread_mutex_lock(&db_stmts_lock);
	if (free_slot->h == NULL)
		*free_slot = (struct db_stmt_slot){h, sql, *st, true};
	pthread_mutex_unlock(&db_stmts_lock);
	return rc;
}

void
db_finalize(sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	pthread_mutex_lock(&db_stmts_lock);
	for (size_t i = 0; i < DB_STMTS; i++) {
		struct db_stmt_slot *s = &db_stmts[i];

		if (s->st == st && s->busy) {
			(void)sqlite3_reset(st);
			(void)sqlite3_clear_bindings(st);
			s->busy = false;
			pthread_mutex_unlock(&db_stmts_lock);
			return;
		}
	}
	pthread_mutex_unlock(&db_stmts_lock);
	sqlite3_finalize(st);
}

/* A connection's kept statements, before it closes. */
static void
db_forget(sqlite3 *h)
{
	pthread_mutex_lock(&db_stmts_lock);
	for (size_t i = 0; i < DB_STMTS; i++) {
		struct db_stmt_slot *s = &db_stmts[i];

		if (s->h == h) {
			sqlite3_finalize(s->st);
			memset(s, 0, sizeof *s);
		}
	}
	pthread_mutex_unlock(&db_stmts_lock);
}

void
db_close(struct db *d)
{
	if (d == NULL)
		return;
	d->queue->detach(d);
	db_forget(d->h);
	sqlite3_close(d->h);
	pthread_mutex_destroy(&d->lock);
	if (d->wal != NULL)
		pthread_mutex_destroy(&d->sync_lock);
	free(d->wal);
	free(d);
}

/* The HTTP side's connection: its commits synced in groups (above). */
void
db_group_commit(struct db *d)
{
	const char *file;

	if (d->h == NULL || d->wal != NULL ||
	    (file = sqlite3_db_filename(d->h, "main")) == NULL || !*file)
		return;
	db_lock(d);
	if (sqlite3_exec(d->h, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) ==
	    SQLITE_OK) {
		xasprintf(&d->wal, "%s-wal", file);
		pthread_mutex_init(&d->sync_lock, NULL);
		d->changes = sqlite3_total_changes64(d->h);
	}
	db_unlock(d);
}

/* The log on disk up to commit number seq: the first writer to come
 * syncs everything committed so far, the writers behind it find their
 * commits synced already. 0, or -1 with errno. */
static int
db_sync(struct db *d, uint64_t seq)
{
	uint64_t upto;
	int fd, ret = 0;

	pthread_mutex_lock(&d->sync_lock);
	if (d->synced < seq) {
		pthread_mutex_lock(&d->lock);
		upto = d->written;
		pthread_mutex_unlock(&d->lock);
		/* the log is the file the commits are in until a
		 * checkpoint, which syncs the database itself first */
		fd = open(d->wal, O_RDONLY | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			d->synced = upto; /* checkpointed and gone */
		else if (fd < 0 || fdatasync(fd) < 0) {
			d->sync_errno = errno;
			ret = -1;
		} else
			d->synced = upto;
		if (fd >= 0)
			close(fd);
	}
	pthread_mutex_unlock(&d->sync_lock);
	return ret;
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

/* The thread answering a request: the commit its sync waits for. */
static __thread uint64_t *db_deferred;

/* From here until db_defer_end, this thread's commits are not synced
 * by db_unlock; *seq is what db_sync_upto must cover (0: none). */
void
db_defer_begin(uint64_t *seq)
{
	db_deferred = seq;
}

void
db_defer_end(void)
{
	db_deferred = NULL;
}

/* The commits up to seq (from db_defer_begin) on disk: 0, or -1 with
 * errno. */
int
db_sync_upto(struct db *d, uint64_t seq)
{
	if (d->wal == NULL || seq == 0 || db_sync(d, seq) == 0)
		return 0;
	errno = d->sync_errno;
	return -1;
}

/* With group commit, what the holder wrote is on disk once this
 * returns (or, deferred, once db_sync_upto does): 0, or -1 (errno) when
 * the sync failed. */
int
db_unlock(struct db *d)
{
	sqlite3_int64 now;
	uint64_t seq;

	if (d->wal == NULL ||
	    (now = sqlite3_total_changes64(d->h)) == d->changes) {
		pthread_mutex_unlock(&d->lock);
		return 0;
	}
	d->changes = now;
	seq = ++d->written;
	pthread_mutex_unlock(&d->lock);
	if (db_deferred != NULL) {
		*db_deferred = seq;
		return 0;
	}
	return db_sync_upto(d, seq);
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
