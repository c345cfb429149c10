/* The history database: where it is, opening it safely for several
 * concurrent forge processes, and its schema with forward migrations. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "history/history-private.h"

/* "FRGE": marks a database as Forge's, so another program's SQLite file
 * is refused instead of written to. */
#define HISTORY_APPLICATION_ID 0x46524745

/* Runs are committed into the write-ahead log and stay there until it
 * holds this many pages (4 KiB each; a run without tests writes about
 * 5): then the committer copies them into the database and empties the
 * log, with three syncs. A forge process that opens the database when
 * no other has it open rebuilds the log's shared index, reading the
 * whole log (about 7,800 instructions and one read a page, by
 * callgrind). With P pages, a run pays on average P/2 pages read and
 * 15/P syncs: 64 pages cost the most on a busy disk (a sync there takes
 * 10 ms and more); 128 sync as seldom as 256 did when a run wrote 9
 * pages (schema version 4), and read half. */
#define HISTORY_WAL_PAGES 128

/* Each step takes the schema from version i to i + 1. */
static const char *const history_migrations[] = {
    /* 1: runs and their tests */
    "CREATE TABLE runs ("
    " id INTEGER PRIMARY KEY,"
    " created REAL NOT NULL,"
    " kind TEXT NOT NULL,"
    " file TEXT, language TEXT NOT NULL,"
    " source BLOB NOT NULL, source_hash TEXT NOT NULL,"
    " stdin BLOB, stdin_truncated INTEGER NOT NULL DEFAULT 0,"
    " limits TEXT NOT NULL,"
    " backend TEXT, enforced_by TEXT,"
    " verdict TEXT NOT NULL, detail TEXT,"
    " exit_code INTEGER, signal TEXT, syscall TEXT,"
    " time_ms INTEGER, wall_ms INTEGER, memory_kb INTEGER,"
    " stdout BLOB, stdout_truncated INTEGER NOT NULL DEFAULT 0,"
    " stderr BLOB, stderr_truncated INTEGER NOT NULL DEFAULT 0,"
    " compile_output BLOB, compile_truncated INTEGER NOT NULL DEFAULT 0,"
    " testset TEXT);"
    "CREATE TABLE tests ("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " idx INTEGER NOT NULL, name TEXT NOT NULL, verdict TEXT NOT NULL,"
    " time_ms INTEGER, wall_ms INTEGER, memory_kb INTEGER,"
    " exit_code INTEGER, signal TEXT, detail TEXT,"
    " PRIMARY KEY (run_id, idx));"
    "CREATE INDEX runs_created ON runs(created);",
    /* 2: the toolchain, replays, the usage and output timelines, and an
     * index for the cache */
    "ALTER TABLE runs ADD COLUMN toolchain TEXT;"
    "ALTER TABLE runs ADD COLUMN replay_of INTEGER;"
    "CREATE TABLE samples ("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " t_ms INTEGER NOT NULL, cpu_ms INTEGER, memory_kb INTEGER,"
    " pids INTEGER);"
    "CREATE INDEX samples_run ON samples(run_id);"
    "CREATE TABLE output_chunks ("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL, t_ms INTEGER NOT NULL,"
    " stream INTEGER NOT NULL, data BLOB NOT NULL,"
    " PRIMARY KEY (run_id, seq));"
    "CREATE INDEX runs_cache ON runs(language, source_hash);",
    /* 3: runs imported from elsewhere (never served by the cache) */
    "ALTER TABLE runs ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;",
    /* 4: who asked for a run (a server's token name), and the server's
     * job it came from: a job is recorded once however often it runs
     * (a server killed between recording it and storing its result
     * runs it again at its next start) */
    "ALTER TABLE runs ADD COLUMN user TEXT;"
    "ALTER TABLE runs ADD COLUMN job TEXT;"
    "CREATE UNIQUE INDEX runs_job ON runs(job);"
    "CREATE INDEX runs_user ON runs(user, created);",
    /* 5: fewer pages written per run. A run wrote nine: one per table
     * and index it has a row in. The tests, samples and output
     * timeline are kept in their keys' order (WITHOUT ROWID: one
     * b-tree each, not a table and an index), and only runs that have
     * a job or a user are in those indexes. A run now writes five. */
    "CREATE TABLE tests5 ("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " idx INTEGER NOT NULL, name TEXT NOT NULL, verdict TEXT NOT NULL,"
    " time_ms INTEGER, wall_ms INTEGER, memory_kb INTEGER,"
    " exit_code INTEGER, signal TEXT, detail TEXT,"
    " PRIMARY KEY (run_id, idx)) WITHOUT ROWID;"
    "INSERT INTO tests5 SELECT run_id, idx, name, verdict, time_ms,"
    " wall_ms, memory_kb, exit_code, signal, detail FROM tests;"
    "DROP TABLE tests;"
    "ALTER TABLE tests5 RENAME TO tests;"
    "CREATE TABLE samples5 ("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL, t_ms INTEGER NOT NULL, cpu_ms INTEGER,"
    " memory_kb INTEGER, pids INTEGER,"
    " PRIMARY KEY (run_id, seq)) WITHOUT ROWID;"
    "INSERT INTO samples5 SELECT run_id, row_number() OVER (PARTITION BY"
    " run_id ORDER BY rowid) - 1, t_ms, cpu_ms, memory_kb, pids"
    " FROM samples;"
    "DROP TABLE samples;"
    "ALTER TABLE samples5 RENAME TO samples;"
    "CREATE TABLE output_chunks5 ("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL, t_ms INTEGER NOT NULL,"
    " stream INTEGER NOT NULL, data BLOB NOT NULL,"
    " PRIMARY KEY (run_id, seq)) WITHOUT ROWID;"
    "INSERT INTO output_chunks5 SELECT run_id, seq, t_ms, stream, data"
    " FROM output_chunks;"
    "DROP TABLE output_chunks;"
    "ALTER TABLE output_chunks5 RENAME TO output_chunks;"
    "DROP INDEX runs_job;"
    "CREATE UNIQUE INDEX runs_job ON runs(job) WHERE job IS NOT NULL;"
    "DROP INDEX runs_user;"
    "CREATE INDEX runs_user ON runs(user, created) WHERE user IS NOT NULL;",
};

char *
history_default_path(void)
{
	return util_xdg_path("XDG_DATA_HOME", ".local/share",
	                     "forge/history.db");
}

/* --db, else $FORGE_HISTORY, else the default; the caller frees. */
const char *
history_path(const char *option)
{
	static char *path;
	const char *env = getenv("FORGE_HISTORY");

	if (option != NULL)
		return option;
	if (env != NULL && *env != '\0')
		return env;
	if (path == NULL)
		path = history_default_path();
	return path;
}

/* Bytes of each output kept with a run: FORGE_HISTORY_CAP, else 1M. */
size_t
history_cap(void)
{
	const char *v = getenv("FORGE_HISTORY_CAP");
	uint64_t n;
	char err[256];

	if (v != NULL && limits_parse_size(v, &n, err, sizeof err) == 0)
		return (size_t)n;
	return 1u << 20;
}

/* sqlite3_exec, retried while another forge holds the database: a few
 * moments (opening a WAL, another's checkpoint) return SQLITE_BUSY
 * without waiting in the busy handler. */
int
history_exec_retry(sqlite3 *db, const char *sql, char **msg)
{
	uint64_t deadline = util_now_ms() + 60000;
	unsigned wait_us = 500;
	int rc;

	for (;;) {
		rc = sqlite3_exec(db, sql, NULL, NULL, msg);
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			return rc;
		if (util_now_ms() >= deadline)
			return rc;
		if (msg != NULL && *msg != NULL) {
			sqlite3_free(*msg);
			*msg = NULL;
		}
		usleep(wait_us);
		if (wait_us < 20000)
			wait_us *= 2;
	}
}

static int
history_exec(struct history *h, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (history_exec_retry(h->db, sql, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", h->path,
		         msg ? msg : sqlite3_errmsg(h->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int64_t
history_pragma(struct history *h, const char *pragma)
{
	sqlite3_stmt *st = NULL;
	uint64_t deadline = util_now_ms() + 60000;
	int64_t v = -1;
	int rc;

	for (;;) {
		rc = sqlite3_prepare_v2(h->db, pragma, -1, &st, NULL);
		if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		st = NULL;
		/* busy: another forge is opening or checkpointing it */
		if ((rc & 0xff) != SQLITE_BUSY || util_now_ms() >= deadline)
			break;
		usleep(2000);
	}
	return v;
}

int
history_schema_version(struct history *h)
{
	return (int)history_pragma(h, "PRAGMA user_version");
}

/* Is this database Forge's, and one this forge understands? Checked
 * before anything is written to it. */
static int
history_check(struct history *h, char *err, size_t errlen)
{
	/* Forge's id is written in the same transaction as the schema, so
	 * a database that has it is Forge's (and its version is read
	 * after it); one without it is asked in one statement, one
	 * snapshot: read separately, another forge's first migration
	 * could be seen half (tables, not yet the id). 1179797317 is
	 * HISTORY_APPLICATION_ID. */
	int64_t id = history_pragma(h, "PRAGMA application_id");
	int64_t foreign =
	    id == HISTORY_APPLICATION_ID
	        ? 0
	        : history_pragma(
	              h, "SELECT (SELECT application_id FROM "
	                 "pragma_application_id) != 1179797317 AND ((SELECT "
	                 "count(*) FROM sqlite_master) > 0 OR (SELECT "
	                 "user_version FROM pragma_user_version) > 0)");
	int64_t version = history_pragma(h, "PRAGMA user_version");

	if (id < 0 || version < 0 || foreign < 0) {
		int code = sqlite3_errcode(h->db);
		if (code == SQLITE_NOTADB)
			snprintf(err, errlen,
			         "%s is not a Forge history database (not "
			         "SQLite); it was left untouched",
			         h->path);
		else
			snprintf(err, errlen, "cannot read %s: %s", h->path,
			         sqlite3_errmsg(h->db));
		return -1;
	}
	if (foreign) {
		snprintf(err, errlen,
		         "%s is an SQLite database but not Forge's history; it "
		         "was left untouched",
		         h->path);
		return -1;
	}
	if (version > HISTORY_SCHEMA) {
		snprintf(err, errlen,
		         "%s has history schema version %lld, newer than this "
		         "forge understands (%d): upgrade forge; the database "
		         "was left untouched",
		         h->path, (long long)version, HISTORY_SCHEMA);
		return -1;
	}
	h->version = (int)version;
	return 0;
}

/* Upgrades an older schema in place, in one transaction. */
static int
history_migrate(struct history *h, char *err, size_t errlen)
{
	int64_t version;
	char sql[64];

	if (history_exec(h, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	/* again, inside the transaction: another forge may have been first */
	if (history_check(h, err, errlen) < 0)
		goto fail;
	for (version = history_pragma(h, "PRAGMA user_version");
	     version < HISTORY_SCHEMA; version++) {
		if (history_exec(h, history_migrations[version], err, errlen) <
		    0)
			goto fail;
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", HISTORY_SCHEMA);
	if (history_exec(h, sql, err, errlen) < 0)
		goto fail;
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d",
	         HISTORY_APPLICATION_ID);
	if (history_exec(h, sql, err, errlen) < 0)
		goto fail;
	return history_exec(h, "COMMIT", err, errlen);
fail:
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* After each commit: once the log holds HISTORY_WAL_PAGES, copy it into
 * the database and truncate it, so that the next forge has little to
 * read at its start. Another forge reading or writing at that moment
 * is waited for briefly, not for long: the run is already committed,
 * and a later commit tries again. */
static int
history_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct history *h = arg;

	if (pages < HISTORY_WAL_PAGES)
		return SQLITE_OK;
	h->busy_limit_ms = 200;
	(void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_TRUNCATE,
	                                NULL, NULL);
	h->busy_limit_ms = 60000;
	return SQLITE_OK;
}

/* Waits for another forge's write, up to busy_limit_ms: SQLite's own
 * busy timeout sleeps 1, 2, 5, 10 ... 100 ms, far longer than a run's
 * commit lasts, so concurrent writers (a server's workers, a judge's)
 * paid in sleeps; this one sleeps 50 us, doubling to 2 ms. */
static int
history_busy(void *arg, int count)
{
	struct history *h = arg;
	uint64_t now = util_now_ms();
	unsigned us = 50u << (count < 6 ? count : 6);

	if (count == 0)
		h->busy_since_ms = now;
	if (now - h->busy_since_ms >= h->busy_limit_ms)
		return 0;
	usleep(us > 2000 ? 2000 : us);
	return 1;
}

/* A file that is there must look like SQLite before SQLite may open it:
 * SQLite would take a short file for an empty database and overwrite
 * it. */
static int
history_sniff(const char *path, const struct stat *st, char *err, size_t errlen)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	int fd;

	if (st->st_size == 0)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		         strerror(errno));
		return -1;
	}
	if (util_read_all(fd, head, sizeof head) != (ssize_t)sizeof head ||
	    memcmp(head, magic, sizeof head) != 0) {
		close(fd);
		snprintf(err, errlen,
		         "%s is not a Forge history database (not SQLite); it "
		         "was left untouched",
		         path);
		return -1;
	}
	close(fd);
	return 0;
}

static void
history_sqlite_configure(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* SQLite's settings for the whole process, made before its first use
 * (any later call is refused by SQLite, harmlessly): no count of the
 * memory it holds, which Forge never asks for and which took a global
 * mutex around every allocation, a tenth of what opening the history
 * costs. forge-serve's queue calls it too, before opening its own. */
void
history_sqlite_setup(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, history_sqlite_configure);
}

/* Opens (with create, also creates) the database. Several forge
 * processes may write at once: WAL, and a generous busy timeout so none
 * gives up with "database is locked". */
struct history *
history_open(const char *path, bool create, char *err, size_t errlen)
{
	struct history *h = xcalloc(1, sizeof *h);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	bool readonly = false;
	struct stat st;

	history_sqlite_setup();

	h->path = xstrdup(path);
	if (stat(path, &st) < 0) {
		char *dir, *slash;

		if (!create) {
			snprintf(err, errlen, "%s: no history yet (%s)", path,
			         strerror(errno));
			goto fail;
		}
		dir = xstrdup(path);
		slash = strrchr(dir, '/');
		if (slash != NULL && slash != dir) {
			*slash = '\0';
			if (util_mkdir_p(dir, 0700) < 0) {
				snprintf(err, errlen, "cannot create %s: %s",
				         dir, strerror(errno));
				free(dir);
				goto fail;
			}
		}
		free(dir);
		flags |= SQLITE_OPEN_CREATE;
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a file", path);
		goto fail;
	} else if (history_sniff(path, &st, err, errlen) < 0)
		goto fail;
	else if (!create) {
		/* reading a history in a directory we may not write to (or
		 * a read-only file): read-only, as it is */
		char *dir = xstrdup(path), *slash = strrchr(dir, '/');
		if (slash != NULL)
			*(slash == dir ? slash + 1 : slash) = '\0';
		if (access(slash != NULL ? dir : ".", W_OK) < 0 ||
		    access(path, W_OK) < 0) {
			readonly = true;
			flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
		}
		free(dir);
	}
	if (readonly) {
		/* no -shm can be made next to it: read it as an unchanging
		 * snapshot (a URI, with the path's special characters
		 * escaped); runs still in the write-ahead log are read
		 * through the -wal and -shm files left next to it */
		struct buf uri;
		const char *c;
		char *wal;
		bool logged;
		int rc;

		xasprintf(&wal, "%s-wal", path);
		logged = stat(wal, &st) == 0 && st.st_size > 0;
		free(wal);

		buf_init(&uri, 0);
		buf_addstr(&uri, "file:");
		for (c = path; *c != '\0'; c++) {
			if (*c == '%' || *c == '?' || *c == '#')
				buf_printf(&uri, "%%%02X", (unsigned char)*c);
			else
				buf_add(&uri, c, 1);
		}
		buf_addstr(&uri, logged ? "?mode=ro" : "?immutable=1");
		rc = sqlite3_open_v2(buf_cstr(&uri), &h->db,
		                     flags | SQLITE_OPEN_URI, NULL);
		buf_free(&uri);
		if (rc != SQLITE_OK) {
			snprintf(err, errlen, "cannot open %s: %s", path,
			         h->db ? sqlite3_errmsg(h->db)
			               : "out of memory");
			goto fail;
		}
	} else if (sqlite3_open_v2(path, &h->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		         h->db ? sqlite3_errmsg(h->db) : "out of memory");
		goto fail;
	}
	h->busy_limit_ms = 60000;
	sqlite3_busy_handler(h->db, history_busy, h);
	sqlite3_extended_result_codes(h->db, 1);
	if (history_check(h, err, errlen) < 0)
		goto fail;
	if (readonly) {
		if (h->version != HISTORY_SCHEMA) {
			snprintf(err, errlen,
			         "%s has an older history schema and is "
			         "read-only here, so it cannot be upgraded",
			         path);
			goto fail;
		}
		return h;
	}
	/* WAL with synchronous = NORMAL: a commit is written to the log
	 * and not synced, so it survives the process being killed at any
	 * moment; only a power loss or a kernel crash can lose the runs
	 * committed since the last checkpoint (history_wal_hook), never
	 * the database's consistency */
	if (history_exec(h,
	                 "PRAGMA journal_mode = WAL;"
	                 "PRAGMA synchronous = NORMAL;"
	                 "PRAGMA foreign_keys = ON",
	                 err, errlen) < 0)
		goto fail;
	/* no checkpoint when the connection closes (each forge process
	 * would sync and empty the log for one run): the log is
	 * checkpointed when it is big enough */
	sqlite3_db_config(h->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
	                  (int *)NULL);
	sqlite3_wal_hook(h->db, history_wal_hook, h);
	if (h->version != HISTORY_SCHEMA && history_migrate(h, err, errlen) < 0)
		goto fail;
	return h;
fail:
	history_close(h);
	return NULL;
}

void
history_close(struct history *h)
{
	if (h == NULL)
		return;
	for (int i = 0; i < HISTORY_INSERT__COUNT; i++)
		sqlite3_finalize(h->insert[i]);
	if (h->db != NULL)
		sqlite3_close_v2(h->db);
	free(h->path);
	free(h);
}
