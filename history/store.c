/* The history database: where it is, opening it safely for several
 * concurrent forge processes, and its schema with forward migrations. */
#include "config.h"

#include <errno.h>
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
};

char *
history_default_path(void)
{
	char *data = util_xdg_dir("XDG_DATA_HOME", ".local/share");
	char *p = util_path_join(data, "forge/history.db");

	free(data);
	return p;
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

static int
history_exec(struct history *h, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(h->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
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
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(h->db, pragma, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int
history_schema_version(struct history *h)
{
	return (int)history_pragma(h, "PRAGMA user_version");
}

/* Upgrades an older schema in place, in one transaction. */
static int
history_migrate(struct history *h, char *err, size_t errlen)
{
	int64_t version, app, tables;
	char sql[64];

	if (history_exec(h, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	version = history_pragma(h, "PRAGMA user_version");
	app = history_pragma(h, "PRAGMA application_id");
	tables = history_pragma(h, "SELECT count(*) FROM sqlite_master");
	if (version < 0 || app < 0 || tables < 0) {
		snprintf(err, errlen, "%s is not a Forge history database (%s)",
		         h->path, sqlite3_errmsg(h->db));
		goto fail;
	}
	if (app != HISTORY_APPLICATION_ID && (tables > 0 || version > 0)) {
		snprintf(err, errlen,
		         "%s is an SQLite database but not Forge's history; "
		         "it was left untouched",
		         h->path);
		goto fail;
	}
	if (version > HISTORY_SCHEMA) {
		snprintf(err, errlen,
		         "%s has history schema version %lld, newer than this "
		         "forge understands (%d): upgrade forge; the database "
		         "was left untouched",
		         h->path, (long long)version, HISTORY_SCHEMA);
		goto fail;
	}
	for (; version < HISTORY_SCHEMA; version++) {
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

/* Opens (with create, also creates) the database. Several forge
 * processes may write at once: WAL, and a generous busy timeout so none
 * gives up with "database is locked". */
struct history *
history_open(const char *path, bool create, char *err, size_t errlen)
{
	struct history *h = xcalloc(1, sizeof *h);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	struct stat st;

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
	}
	if (sqlite3_open_v2(path, &h->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		         h->db ? sqlite3_errmsg(h->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(h->db, 60000);
	sqlite3_extended_result_codes(h->db, 1);
	if (history_pragma(h, "PRAGMA application_id") < 0) {
		snprintf(err, errlen,
		         "%s is not a Forge history database (%s); it was left "
		         "untouched",
		         path, sqlite3_errmsg(h->db));
		goto fail;
	}
	if (history_exec(h, "PRAGMA journal_mode = WAL", err, errlen) < 0 ||
	    history_exec(h, "PRAGMA synchronous = NORMAL", err, errlen) < 0 ||
	    history_exec(h, "PRAGMA foreign_keys = ON", err, errlen) < 0)
		goto fail;
	if (history_schema_version(h) != HISTORY_SCHEMA &&
	    history_migrate(h, err, errlen) < 0)
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
	if (h->db != NULL)
		sqlite3_close_v2(h->db);
	free(h->path);
	free(h);
}
