/*
 * Forge's history: every run and judge in one SQLite database, with its
 * source, input, limits, outputs, per-test results and the timelines of
 * its usage and output, for browsing, replay and the cache.
 */
#ifndef FORGE_HISTORY_H
#define FORGE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"

/* The schema version this build writes; older databases are upgraded. */
#define HISTORY_SCHEMA 5

struct history_test {
	char *name;
	char *verdict;
	int64_t time_ms, wall_ms, memory_kb;
	bool has_exit;
	int64_t exit_code;
	char *signal;
	char *detail;
};

struct history_chunk {
	int64_t t_ms;
	int stream; /* 1 stdout, 2 stderr */
	char *data;
	size_t len;
};

struct history_sample {
	int64_t t_ms, cpu_ms, memory_kb, pids;
};

/* The latest time a run may carry: 9999-12-31 23:59:59 UTC, which every
 * time_t and struct tm holds (an import refuses a later one). */
#define HISTORY_TIME_MAX 253402300799.0

/* One recorded run; every string is owned (history_run_free). */
struct history_run {
	int64_t id;
	double created; /* Unix time, 0 to HISTORY_TIME_MAX */
	char *kind;     /* "run" or "judge" */
	char *file;
	char *language;
	char *toolchain;
	char *source;
	size_t source_len;
	char *source_hash;
	char *stdin_data;
	size_t stdin_len;
	bool stdin_truncated;
	struct limits limits;
	char *backend;
	char *enforced_by;
	char *verdict;
	char *detail;
	bool has_exit;
	int64_t exit_code;
	char *signal;
	char *syscall;
	int64_t time_ms, wall_ms, memory_kb;
	char *out, *err, *compile;
	size_t out_len, err_len, compile_len;
	bool out_truncated, err_truncated, compile_truncated;
	char *testset;
	int64_t replay_of; /* 0: none */
	bool imported;     /* from forge import: not trusted by the cache */
	char *user;        /* the server token's name; NULL: local */
	char *job;         /* the server's job key: recorded once; NULL */
	struct history_test *tests;
	size_t ntests;
	struct history_sample *samples;
	size_t nsamples;
	struct history_chunk *chunks;
	size_t nchunks;
};

struct history_filter {
	const char *lang;
	const char *verdict;
	const char *file; /* a substring of the file name */
	bool file_exact;  /* file is the whole name */
	const char *user; /* only this server user's runs */
	double since;     /* Unix time; 0: any */
	int64_t limit;    /* 0: no limit */
	int64_t offset;   /* rows skipped first: a page further */
};

struct history;

/* store.c */
char *history_default_path(void);
const char *history_path(const char *option);
void history_sqlite_setup(void);
struct history *history_open(const char *path, bool create, char *err, size_t);
void history_close(struct history *);
int history_schema_version(struct history *);
size_t history_cap(void);

/* record.c */
void history_run_init(struct history_run *);
void history_run_free(struct history_run *);
/* A run at a terminal: its line ends, \r\n, back to the program's \n
 * (the output as the program wrote it, as forge run keeps it). */
void history_run_unterminal(struct history_run *);
void history_run_cap(struct history_run *);
int history_record(struct history *, struct history_run *, char *err, size_t);
void history_prepare(struct history *);

/* query.c */
int history_get(struct history *, int64_t id, struct history_run *, char *err,
                size_t);
int history_list(struct history *, const struct history_filter *,
                 struct history_run **, size_t *, char *err, size_t);
int64_t history_cached(struct history *, const char *language,
                       const char *toolchain, const char *source_hash,
                       const char *stdin_data, size_t stdin_len,
                       const struct limits *, const char *kind,
                       const char *testset);
int history_gc(struct history *, int64_t keep, double older_than,
               int64_t *removed, char *err, size_t);

/* recorder.c: a run as it happens, for the history */
struct history_recorder {
	bool enabled; /* keep the stdin and the timelines */
	size_t cap;
	struct buf in;       /* stdin as given to the program */
	bool in_unrecorded;  /* typed on a terminal and not kept */
	struct buf out, err; /* the outputs, within the output limit */
	struct history_chunk *chunks;
	size_t nchunks, chunk_bytes;
	bool chunks_truncated;
	struct history_sample *samples;
	size_t nsamples;
	int64_t t0;
	bool t0_set;
};
/* What history_recorder_finish needs besides the recording. */
struct history_recorder_run {
	const struct pipeline_result *result;
	const struct language *lang;
	const struct backend *backend;
	const struct limits *limits;
	const char *file; /* made absolute */
	const char *src;
	size_t src_len;
	const char *toolchain; /* NULL: unknown */
};
void history_recorder_init(struct history_recorder *, bool enabled,
                           size_t output_limit);
void history_recorder_free(struct history_recorder *);
void history_recorder_output(struct history_recorder *, int stream,
                             const char *, size_t);
void history_recorder_input(struct history_recorder *, const char *, size_t);
void history_recorder_sample(struct history_recorder *,
                             const struct box_sample *);
void history_recorder_finish(struct history_recorder *, struct history_run *,
                             const struct history_recorder_run *);
double history_recorder_now(void);
int64_t history_recorder_save(const char *db, struct history_run *, char *err,
                              size_t);
void history_recorder_preopen(const char *db);
void history_recorder_preopen_wait(void);
char *history_recorder_abspath(const char *);

/* export.c */
void history_test_json(struct json_writer *, const struct history_test *);
void history_tests_json(struct json_writer *, const struct history_run *);
void history_export(const struct history_run *, struct buf *);
int history_import(const char *json, size_t len, struct history_run *,
                   char *err, size_t);

/* report.c: results as JSON, the same for every face (forge run and
 * judge --json, forge show, the server's API) */
struct report_extra {
	const char *language_name;
	bool build_cached;
	uint64_t compile_ms;
	bool cached;  /* from the history, not run */
	bool ran;     /* measurements exist */
	bool samples; /* include the usage timeline */
	const char *history_error;
};
/* A judge's result as --json gives it, whether it ran now or comes from
 * the history. */
struct report_judge {
	enum verdict verdict;
	const char *detail;
	size_t passed, total;
	uint64_t time_ms, memory_kb; /* the largest of the tests' */
	const char *language;
	const char *compile;
	size_t compile_len;
	bool build_cached;
	const char *testset_kind; /* "directory", "kattis", ... */
	const char *checker;      /* NULL: a comparator */
	bool interactive;
	struct limits limits;
	const char *backend;
	const char *enforced_by; /* NULL: nothing ran */
	int64_t id;              /* 0: not in the history */
	bool cached;             /* from the history: nothing ran now */
	const char *history_error;
};
void report_limits_json(struct json_writer *, const char *key,
                        const struct limits *);
const char *report_signame(int, char *, size_t);
void report_run_json(const struct history_run *, const struct report_extra *,
                     struct buf *);
void report_history_test(struct history_test *, const struct judge_test *,
                         const char *name);
void report_judge_test_json(struct json_writer *, const struct history_test *,
                            const char *diff, const char *stderr_head,
                            size_t stderr_len);
void report_judge_json(const struct report_judge *, const char *tests,
                       size_t len, struct buf *);

/* recorder.c: a judge into the history, the same from forge judge and
 * from the workbench's tests view */
struct history_recorder_judge {
	const char *file; /* the source's path (made absolute) */
	const struct language *lang;
	const char *toolchain; /* NULL: unknown */
	const char *src;
	size_t src_len;
	const struct build *build;    /* its compiler output */
	const struct report_judge *x; /* verdict, detail, limits, backend */
	const char *testset;          /* history_recorder_testset's */
	struct history_test *tests;   /* one row a test judged: taken */
	size_t ntests;
	const char *user; /* the server token's name; NULL */
	const char *job;  /* the server's job key; NULL */
};
char *history_recorder_testset(const char *path, const char *digest);
int64_t history_recorder_judge(const char *db, struct history_recorder_judge *,
                               char *err, size_t);

#endif
