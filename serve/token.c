/* API tokens: forge token add|list|revoke. A token is shown once, when
 * made; the database keeps its SHA-256 only, so a copy of the database
 * lets nobody in. */
#include "config.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve/serve.h"

int
token_init(struct db *d, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db_handle(d),
	                 "CREATE TABLE IF NOT EXISTS tokens ("
	                 " name TEXT PRIMARY KEY,"
	                 " hash TEXT NOT NULL UNIQUE,"
	                 " rate REAL NOT NULL DEFAULT 0,"
	                 " burst REAL NOT NULL DEFAULT 0,"
	                 " max_queued INTEGER NOT NULL DEFAULT 0,"
	                 " created REAL NOT NULL)",
	                 NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "the tokens: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	/* roles came later: a database of before has teachers only (what
	 * its tokens could do); the column exists already after the first */
	(void)sqlite3_exec(db_handle(d),
	                   "ALTER TABLE tokens ADD COLUMN role TEXT NOT NULL"
	                   " DEFAULT 'teacher'",
	                   NULL, NULL, NULL);
	return 0;
}

int64_t
token_count(struct db *d)
{
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	db_lock(d);
	if (sqlite3_prepare_v2(db_handle(d), "SELECT count(*) FROM tokens", -1,
	                       &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	db_unlock(d);
	return n;
}

/* 0 and the token whose secret this is, or -1. */
int
token_find(struct db *d, const char *secret, struct token *t)
{
	sqlite3_stmt *st = NULL;
	char hash[65];
	int ret = -1;

	memset(t, 0, sizeof *t);
	cache_sha256(secret, strlen(secret), hash);
	db_lock(d);
	if (sqlite3_prepare_v2(db_handle(d),
	                       "SELECT name, rate, burst, max_queued, role "
	                       "FROM tokens WHERE hash = ?1",
	                       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		t->name = xstrdup((const char *)sqlite3_column_text(st, 0));
		t->rate = sqlite3_column_double(st, 1);
		t->burst = sqlite3_column_double(st, 2);
		t->max_queued = sqlite3_column_int64(st, 3);
		t->student = sqlite3_column_text(st, 4) != NULL &&
		             strcmp((const char *)sqlite3_column_text(st, 4),
		                    "student") == 0;
		ret = 0;
	}
	sqlite3_finalize(st);
	db_unlock(d);
	return ret;
}

void
token_free(struct token *t)
{
	free(t->name);
	t->name = NULL;
}

static int
token_add(struct db *d, const struct token_options *o)
{
	unsigned char raw[24];
	char secret[64], hash[65];
	sqlite3_stmt *st = NULL;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0 || util_read_all(fd, raw, sizeof raw) != sizeof raw) {
		fprintf(stderr, "forge: internal error: /dev/urandom\n");
		if (fd >= 0)
			close(fd);
		return 3;
	}
	close(fd);
	strcpy(secret, "forge_");
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(secret + 6 + 2 * i, 3, "%02x", raw[i]);
	cache_sha256(secret, strlen(secret), hash);
	if (sqlite3_prepare_v2(db_handle(d),
	                       "INSERT INTO tokens (name, hash, rate, burst, "
	                       "max_queued, created, role) VALUES (?1, ?2, ?3, "
	                       "?4, ?5, ?6, ?7)",
	                       -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "forge: internal error: %s\n",
		        sqlite3_errmsg(db_handle(d)));
		return 3;
	}
	sqlite3_bind_text(st, 1, o->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 3, o->rate);
	sqlite3_bind_double(st, 4, o->burst > 0 ? o->burst : o->rate);
	sqlite3_bind_int64(st, 5, o->max_queued);
	sqlite3_bind_double(st, 6, history_recorder_now());
	sqlite3_bind_text(st, 7, o->role ? o->role : "teacher", -1,
	                  SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT) {
		fprintf(stderr, "forge: a token named '%s' exists already\n",
		        o->name);
		return 2;
	}
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "forge: internal error: %s\n",
		        sqlite3_errmsg(db_handle(d)));
		return 3;
	}
	/* shown this once: only its hash is kept */
	printf("%s\n", secret);
	return 0;
}

static int
token_list(struct db *d)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db_handle(d),
	                       "SELECT name, rate, burst, max_queued, role "
	                       "FROM tokens ORDER BY name",
	                       -1, &st, NULL) != SQLITE_OK)
		return 3;
	printf("%-20s %-8s %10s %8s %10s\n", "NAME", "ROLE", "RATE/s", "BURST",
	       "MAX-QUEUED");
	while (sqlite3_step(st) == SQLITE_ROW) {
		double rate = sqlite3_column_double(st, 1);
		int64_t mq = sqlite3_column_int64(st, 3);
		char r[32], q[32];

		snprintf(r, sizeof r, rate > 0 ? "%g" : "-", rate);
		snprintf(q, sizeof q, mq > 0 ? "%lld" : "-", (long long)mq);
		printf("%-20s %-8s %10s %8g %10s\n", sqlite3_column_text(st, 0),
		       sqlite3_column_text(st, 4), r,
		       sqlite3_column_double(st, 2), q);
	}
	sqlite3_finalize(st);
	return 0;
}

static int
token_revoke(struct db *d, const char *name)
{
	sqlite3_stmt *st = NULL;
	int n = -1;

	if (sqlite3_prepare_v2(db_handle(d),
	                       "DELETE FROM tokens WHERE name = ?1", -1, &st,
	                       NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_DONE)
		n = sqlite3_changes(db_handle(d));
	sqlite3_finalize(st);
	if (n < 0)
		return 3;
	if (n == 0) {
		fprintf(stderr, "forge: no token named '%s'\n", name);
		return 2;
	}
	printf("revoked %s\n", name);
	return 0;
}

int
token_main(const struct token_options *o)
{
	char *path = db_path_for(history_path(o->db)), err[512];
	struct db *d = db_open(path, err, sizeof err);
	int ret;

	free(path);
	if (d == NULL) {
		fprintf(stderr, "forge: %s\n", err);
		return 4;
	}
	if (strcmp(o->action, "add") == 0)
		ret = token_add(d, o);
	else if (strcmp(o->action, "revoke") == 0)
		ret = token_revoke(d, o->name);
	else
		ret = token_list(d);
	db_close(d);
	return ret;
}
