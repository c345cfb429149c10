/* Inside the history module: the handle. */
#ifndef FORGE_HISTORY_PRIVATE_H
#define FORGE_HISTORY_PRIVATE_H

#include <sqlite3.h>

#include "history/history.h"

struct history {
	sqlite3 *db;
	char *path;
};

/* store.c */
int history_exec_retry(sqlite3 *, const char *sql, char **msg);

/* record.c */
void history_limits_json(const struct limits *, struct buf *);
int history_limits_parse(const char *, struct limits *);
int history_limits_value(const struct jsonparse_value *, struct limits *);

#endif
