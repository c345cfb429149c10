/* Inside the history module: the handle. */
#ifndef FORGE_HISTORY_PRIVATE_H
#define FORGE_HISTORY_PRIVATE_H

#include <sqlite3.h>

#include "history/history.h"

/* The statements history_record keeps prepared on its handle. */
enum history_insert {
	HISTORY_INSERT_RUN,
	HISTORY_INSERT_TEST,
	HISTORY_INSERT_SAMPLE,
	HISTORY_INSERT_CHUNK,
	HISTORY_INSERT__COUNT
};

struct history {
	sqlite3 *db;
	char *path;
	int version; /* the schema's, as found at the open */
	/* the statements that record a run, prepared at the first */
	sqlite3_stmt *insert[HISTORY_INSERT__COUNT];
	/* the busy handler's budget (ms) and when its wait began */
	uint64_t busy_limit_ms, busy_since_ms;
};

/* store.c */
int history_exec_retry(sqlite3 *, const char *sql, char **msg);

/* record.c */
void history_limits_json(const struct limits *, struct buf *);
int history_limits_parse(const char *, struct limits *);
int history_limits_value(const struct jsonparse_value *, struct limits *);

#endif
