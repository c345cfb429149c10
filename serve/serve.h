/*
 * forge serve: the engine as an HTTP service. Private to serve/ (and the
 * two commands that start it, cli/cmd-serve.c and cli/cmd-token.c); the
 * engine and the history never see HTTP.
 *
 * The shape. One server process answers HTTP with libmicrohttpd's thread
 * pool (http.c, routes in native.c); it parses and checks every request
 * (job.c) before it accepts it. An accepted job is a row of a SQLite
 * database beside the history (db.c, queue.c), committed before the 202
 * goes out. N worker processes, forked before the first thread starts
 * (worker.c), claim rows, run them through the engine (pipeline_run, or
 * pipeline_build and judge_run with judge_prepare's rules), record them
 * in the history and write the result back. The engine is per process
 * (engine/engine.h): a worker runs one job at a time, and a worker
 * killed (a cancel, a crash) takes its sandbox along; the supervisor
 * puts its job back in the queue and forks another. A server killed at
 * any moment leaves rows queued or running: both are run at its next
 * start, and a row finishes once (its state changes in one transaction,
 * and only from running by the worker that holds it).
 *
 * Prototypes are grouped by file.
 */
#ifndef FORGE_SERVE_H
#define FORGE_SERVE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "history/history.h"

/* Bodies larger than this are answered 413. */
#define SERVE_BODY_MAX (16u << 20)
/* A connection that sends nothing for this long is closed (seconds). */
#define SERVE_CONN_TIMEOUT 10
/* The longest ?wait= (seconds). */
#define SERVE_WAIT_MAX 600
/* How long SIGTERM lets running jobs finish (seconds). */
#define SERVE_GRACE 30

/* What forge serve was told (cli/cmd-serve.c). */
struct serve_options {
	const char *listen; /* ADDR:PORT; NULL: 127.0.0.1:8080 */
	unsigned workers;   /* 0: the cores */
	unsigned queue_max; /* queued jobs at most; 0: 1000 */
	const struct backend *backend;
	const char *db; /* the history; NULL: the default */
	bool no_auth;
};

/* The entry points of forge-serve; forge runs that program for these
 * commands (cli/cmd-serve.c). Each returns the exit status. */
struct token_options {
	const char *action; /* add, list, revoke */
	const char *name;
	const char *db; /* the history; NULL: the default */
	double rate, burst;
	int64_t max_queued;
};
int serve_main(const struct serve_options *);
int token_main(const struct token_options *);

/* serve.c: the server's state, shared by the HTTP threads */
struct serve {
	const struct serve_options *opts;
	char *history_db; /* the history's path */
	char *queue_db;   /* the queue's and tokens' path */
	struct language_set langs;
	struct db *db; /* the HTTP threads' connection */
	unsigned workers;
	unsigned queue_max;
	int notify_w;         /* a byte per job queued: wakes a worker */
	int done_r;           /* job ids finished, from the workers */
	bool auth;            /* tokens exist: every run needs one */
	pthread_mutex_t lock; /* the waits and the rate buckets */
	struct wait *waits;
	struct bucket *buckets;
	struct metrics *metrics;
	volatile bool draining;
	struct events_stream *streams; /* suspended, under lock */
	char *attach_dir;              /* the workers' attach sockets */
	unsigned attaches;             /* attach threads, under lock */
	volatile bool streams_closed;  /* the server stops: streams end */
};
void serve_notify(struct serve *);

/* db.c: the server's SQLite database (jobs and tokens) */
struct db;
char *db_path_for(const char *history_path);
struct db *db_open(const char *path, char *err, size_t);
void db_close(struct db *);
struct sqlite3 *db_handle(struct db *);
void db_lock(struct db *);
void db_unlock(struct db *);

/* job.c: a run request, parsed and checked */
struct job {
	const struct language *lang;
	char *source;
	size_t source_len;
	char *source_name;
	struct box_input *extra; /* files[] after the first */
	size_t nextra;
	char *stdin_data;
	size_t stdin_len;
	struct limits limits;
	bool time_given, wall_given, mem_given;
	struct testset ts; /* tests[]; ntests 0: a plain run */
	bool judge;
	struct compare_opts compare;
	bool stop_on_fail;
	/* an interactive run: stdin through GET /v1/runs/{id}/attach */
	bool interactive;
	bool tty;                  /* on a pseudo-terminal */
	unsigned short rows, cols; /* its first size */
	unsigned attach_wait;      /* seconds the run waits for its client */
};
int job_parse(struct job *, const char *json, size_t len,
              const struct language_set *, char *err, size_t);
void job_free(struct job *);
void job_known_languages(const struct language_set *, const struct backend *,
                         struct buf *);

/* queue.c: jobs in the database */
enum queue_state { QUEUE_QUEUED, QUEUE_RUNNING, QUEUE_DONE, QUEUE_CANCELLED };
struct queue_job {
	int64_t id;
	enum queue_state state;
	char *token;  /* who asked; NULL: no auth */
	char *result; /* JSON, when done or cancelled */
	int64_t history_id;
	int worker; /* pid, when running */
};
const char *queue_state_name(enum queue_state);
int queue_init(struct db *, char *err, size_t);
int64_t queue_count(struct db *, enum queue_state, const char *token);
int64_t queue_add(struct db *, const char *token, const char *request,
                  size_t len, char *err, size_t);
int queue_get(struct db *, int64_t id, struct queue_job *);
void queue_job_free(struct queue_job *);
int64_t queue_claim(struct db *, int worker, char **request);
int queue_finish(struct db *, int64_t id, int worker, const char *result,
                 int64_t history_id);
int queue_cancel(struct db *, int64_t id, const char *result, int *worker);
int queue_requeue(struct db *, int worker);

/* worker.c: the processes that run jobs */
struct worker_pool;
struct worker_pool *worker_pool_start(struct serve *, char *err, size_t);
void worker_pool_reap(struct worker_pool *);
void worker_pool_stop(struct worker_pool *, unsigned grace_s);
void worker_cancelled_json(int64_t id, struct buf *);

/* token.c: API tokens, stored hashed */
struct token {
	char *name;
	double rate;        /* requests a second; 0: unlimited */
	double burst;       /* the bucket's size */
	int64_t max_queued; /* 0: no limit */
};
int token_init(struct db *, char *err, size_t);
int64_t token_count(struct db *);
int token_find(struct db *, const char *secret, struct token *);
void token_free(struct token *);

/* auth.c: who is asking, and how often */
enum auth_result { AUTH_OK, AUTH_MISSING, AUTH_BAD, AUTH_RATE };
enum auth_result auth_check(struct serve *, const char *header, struct token *,
                            double *retry_after);
void auth_free(struct serve *);

/* metrics.c: counters for /metrics */
struct metrics *metrics_new(void);
void metrics_free(struct metrics *);
void metrics_http(struct metrics *, const char *route, unsigned code);
void metrics_reject(struct metrics *, const char *reason);
void metrics_run(struct metrics *, const char *verdict, const char *language,
                 const char *backend);
void metrics_write(struct metrics *, struct serve *, struct buf *);

/* http.c: libmicrohttpd, the routes, bounded bodies */
struct http_request {
	const char *method;
	const char *path;
	const char *body;
	size_t body_len;
	struct MHD_Connection *conn;
	const char *route; /* for the metrics */
	struct token token;
	bool authed;
	char key[64]; /* the route's "{key}": a path segment */
	/* ?wait=: the handler may ask to be called again when the job ends
	 * or the deadline passes */
	int64_t wait_job;
	uint64_t wait_until_ms;
	bool waited;
};
struct http_response {
	unsigned code;
	struct buf body;
	const char *content_type;
	unsigned retry_after;        /* > 0: a Retry-After header */
	bool wait;                   /* suspend until wait_job ends */
	struct MHD_Response *stream; /* sent instead of body (events.c) */
};
struct http_server;
struct http_server *http_start(struct serve *, const char *listen, char *err,
                               size_t);
void http_quiesce(struct http_server *);
void http_stop(struct http_server *);
void http_job_done(struct serve *, int64_t id);
void http_tick(struct serve *);
void http_error(struct http_response *, unsigned code, const char *fmt, ...)
    FORGE_PRINTF(3, 4);
const char *http_query(struct http_request *, const char *key);

/* native.c: /v1/...; the routes of every API are tables of this shape
 * (judge0.c, piston.c), and every API queues its jobs through
 * native_submit */
struct native_route {
	const char *method;
	const char *pattern; /* "{id}" matches a number, "{key}" a segment */
	const char *name;    /* the route, for the metrics */
	bool auth;           /* a token is needed when tokens exist */
	void (*fn)(struct serve *, struct http_request *, int64_t id,
	           struct http_response *);
};
extern const struct native_route native_routes[];
void native_job_json(const struct queue_job *, struct buf *);
int64_t native_submit(struct serve *, struct http_request *,
                      const char *request, size_t len, struct http_response *);
bool native_owner(struct serve *, struct http_request *, int64_t id,
                  struct http_response *);

/* events.c: a run's Server-Sent Events, written by its worker */
struct events_writer;
int events_init(struct db *, char *err, size_t);
struct events_writer *events_writer_start(struct db *, int64_t job);
void events_writer_output(struct events_writer *, int stream, const char *,
                          size_t);
void events_writer_tick(struct events_writer *);
void events_writer_flush(struct events_writer *);
void events_writer_add(struct events_writer *, const char *kind,
                       const char *json);
void events_writer_end(struct events_writer *);
void events_stream(struct serve *, struct http_request *, int64_t id,
                   struct http_response *);
void events_tick(struct serve *);

/* attach.c, attach-worker.c: GET /v1/runs/{id}/attach, a WebSocket to
 * an interactive run's stdin and output; the HTTP side and the worker's
 * speak in records over a Unix socket */
#define ATTACH_WAIT_DEFAULT 30         /* seconds a run waits for its client */
#define ATTACH_MESSAGE_MAX  (1u << 20) /* a client's message, bytes */
enum attach_record_type {
	ATTACH_STDIN = 'i',   /* to the worker: bytes for the program */
	ATTACH_EOF = 'e',     /* the end of its input */
	ATTACH_RESIZE = 'r',  /* rows, cols: 16 bits each, big-endian */
	ATTACH_STARTED = 's', /* to the client: the program starts */
	ATTACH_STDOUT = 'o',
	ATTACH_STDERR = 'E',
	ATTACH_SAMPLE = 'S', /* a usage sample, as JSON */
};
int attach_record(int fd, char type, const void *, size_t);
int attach_record_next(struct buf *, size_t *used, char *type, const char **p,
                       size_t *n);
struct attach_worker;
struct attach_worker *attach_worker_start(const struct serve *, int64_t id,
                                          const struct job *,
                                          struct pipeline_request *);
void attach_worker_output(struct attach_worker *, int stream, const char *,
                          size_t);
void attach_worker_sample(struct attach_worker *, const struct box_sample *);
void attach_worker_end(struct attach_worker *, struct buf *tty_out);
void attach_worker_close(struct attach_worker *);
void attach_route(struct serve *, struct http_request *, int64_t id,
                  struct http_response *);
int attach_dir_make(struct serve *, char *err, size_t);
void attach_dir_remove(struct serve *);
void attach_stop_all(struct serve *);

/* judge0.c: Judge0's API (v1.13): /submissions, /languages, ... */
int judge0_init(struct db *, char *err, size_t);
extern const struct native_route judge0_routes[];

/* piston.c: Piston's API (v2): /api/v2/runtimes, /api/v2/execute */
extern const struct native_route piston_routes[];

#endif
