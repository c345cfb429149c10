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
/* A request must arrive whole (headers and body) within this many
 * seconds of the connection's opening or of its previous response. */
#define SERVE_REQUEST_TIME 30
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
	const char *queue_url;  /* redis://...; NULL: the SQLite queue */
	unsigned claim_timeout; /* seconds before a silent job is taken */
	/* seconds a result stays in a Redis queue's result cache
	 * (result-cache.c); 0: none cached. Not given: SERVE_RESULT_TTL */
	unsigned result_ttl;
	bool result_ttl_given;
};
#define SERVE_RESULT_TTL 3600

/* The entry points of forge-serve; forge runs that program for these
 * commands (cli/cmd-serve.c). Each returns the exit status. */
struct token_options {
	const char *action; /* add, list, revoke */
	const char *name;
	const char *db; /* the history; NULL: the default */
	double rate, burst;
	int64_t max_queued;
	const char *role; /* add: "student" or "teacher" (NULL: teacher) */
};
int serve_main(const struct serve_options *);
int token_main(const struct token_options *);
int standalone_main(const struct serve_options *);

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
	int done_w;           /* its other end */
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
	/* FORGE_SERVE_FAULT=crash-after-record (tests only): the server
	 * and its worker are killed between a job's history row and its
	 * result (tests/e2e/serve-record-once.sh) */
	bool fault_crash_after_record;
};
void serve_notify(struct serve *);

/* db.c: the server's SQLite database (jobs and tokens) */
struct db;
char *db_path_for(const char *history_path);
struct db *db_open(const char *path, char *err, size_t);
void db_close(struct db *);
struct sqlite3;
struct sqlite3_stmt;
/* sqlite3_prepare_v2 and sqlite3_finalize for statements run again and
 * again: kept prepared per connection (sql: a literal) */
int db_prepare(struct sqlite3 *, const char *sql, struct sqlite3_stmt **);
void db_finalize(struct sqlite3_stmt *);
struct sqlite3 *db_handle(struct db *);
void db_lock(struct db *);
int db_unlock(struct db *);
void db_defer_begin(uint64_t *seq);
void db_defer_end(void);
int db_sync_upto(struct db *, uint64_t seq);
void db_group_commit(struct db *);
struct db *db_open_for(const struct serve *, char *err, size_t);
const struct queue_ops *db_queue(struct db *);
void *db_remote(struct db *);
void db_set_remote(struct db *, void *);

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
	char **args;             /* the program's, after its run command */
	char **compiler_options; /* allowed ones (options.c); NULL: none */
	char *problem; /* a lab problem's directory (lab.c): its test set */
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

/* options.c: a program's arguments, its compiler's options */
int options_args(const struct jsonparse_value *, char ***, char *err, size_t);
int options_shell_words(const char *, char ***, char *err, size_t);
int options_compiler(const struct language *, const struct jsonparse_value *,
                     char ***, char *err, size_t);
void options_free(char **);
struct language *options_language(const struct language *, char **opts);
void options_language_free(struct language *);

/* queue.c: jobs, wherever they wait. Two implementations of one table:
 * the server's SQLite database (queue_sqlite_ops, the default: one
 * machine) and a Redis stream (queue_redis_ops in queue-redis.c: workers
 * on many machines). The queue_* functions below go through the table
 * the database was opened with (db_open_for). */
enum queue_state { QUEUE_QUEUED, QUEUE_RUNNING, QUEUE_DONE, QUEUE_CANCELLED };
struct queue_job {
	int64_t id;
	enum queue_state state;
	char *token;  /* who asked; NULL: no auth */
	char *result; /* JSON, when done or cancelled */
	int64_t history_id;
	int worker; /* pid, when running */
	double created;
};
const char *queue_state_name(enum queue_state);
enum queue_state queue_state_from(const char *);
int queue_init(struct db *, char *err, size_t);
int64_t queue_count(struct db *, enum queue_state, const char *token);
int64_t queue_add(struct db *, const char *token, const char *request,
                  size_t len, char *err, size_t);
int queue_get(struct db *, int64_t id, struct queue_job *);
void queue_job_free(struct queue_job *);
char *queue_job_key(const struct queue_job *);
int64_t queue_claim(struct db *, int worker, char **request);
int queue_finish(struct db *, int64_t id, int worker, const char *result,
                 int64_t history_id);
int queue_cancel(struct db *, int64_t id, const char *result, int *worker);
int queue_requeue(struct db *, int worker);
void queue_touch(struct db *, int64_t id);
bool queue_build_fetch(struct db *, const char *key);
void queue_build_store(struct db *, const char *key);
int64_t queue_events_begin(struct db *, int64_t job);
void queue_event_add(struct db *, int64_t job, int64_t seq, const char *kind,
                     const char *data, size_t len);
typedef void (*queue_event_fn)(int64_t seq, const char *kind, const char *data,
                               void *arg);
int queue_events_since(struct db *, int64_t job, int64_t last, int max,
                       queue_event_fn, void *arg);

struct queue_watch;
struct queue_ops {
	const char *name;
	/* a worker's wait on its bell after an empty claim (ms); 0: the
	 * claim itself waits */
	unsigned idle_ms;
	/* workers elsewhere finish jobs: the server learns of them through
	 * watch_start, not from its own workers */
	bool remote;
	int (*attach)(struct db *, const struct serve_options *, char *err,
	              size_t);
	void (*detach)(struct db *);
	int64_t (*submit)(struct db *, const char *token, const char *request,
	                  size_t len, char *err, size_t);
	int (*get)(struct db *, int64_t id, struct queue_job *);
	int64_t (*depth)(struct db *, enum queue_state, const char *token);
	int64_t (*claim)(struct db *, int worker, char **request);
	int (*complete)(struct db *, int64_t id, int worker, const char *result,
	                int64_t history_id);
	int (*cancel)(struct db *, int64_t id, const char *result, int *worker);
	int (*requeue)(struct db *, int worker);
	/* the worker still runs the job (a heartbeat) */
	void (*touch)(struct db *, int64_t id);
	/* a build by content hash (engine/cache.c's key): fetch it into the
	 * local cache, true when it is there now (false: build it, then
	 * build_store); NULL: the local cache is the only one */
	bool (*build_fetch)(struct db *, const char *key);
	void (*build_store)(struct db *, const char *key);
	/* a job's result by content hash (result-cache.c's key): the one
	 * kept, true; store keeps it ttl seconds. NULL: none kept */
	bool (*result_fetch)(struct db *, const char *key, struct buf *);
	void (*result_store)(struct db *, const char *key, const char *result,
	                     unsigned ttl);
	int64_t (*events_begin)(struct db *, int64_t job);
	void (*event_add)(struct db *, int64_t job, int64_t seq,
	                  const char *kind, const char *data, size_t len);
	int (*events_since)(struct db *, int64_t job, int64_t last, int max,
	                    queue_event_fn, void *arg);
	struct queue_watch *(*watch_start)(struct db *, int done_w, char *err,
	                                   size_t);
	void (*watch_stop)(struct queue_watch *);
};
extern const struct queue_ops queue_sqlite_ops;
#ifdef HAVE_REDIS
extern const struct queue_ops queue_redis_ops;
#endif
const struct queue_ops *queue_ops_for(const char *url, char *err, size_t);

/* worker.c: the processes that run jobs */
/* What a worker tells the server of a job it finished (done_r). */
struct worker_done {
	int64_t id;
	uint64_t duration_ms; /* from its claim to its result */
};
/* a job a worker on another machine finished (a Redis queue) */
#define WORKER_DURATION_UNKNOWN UINT64_MAX
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
	bool student;       /* submits to the lab and sees its own work */
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
void metrics_duration(struct metrics *, const char *language, double seconds);
void metrics_write(struct metrics *, struct serve *, struct buf *);

/* deadline.c: slow clients' connections cut at SERVE_REQUEST_TIME */
struct deadlines;
struct deadline;
struct deadlines *deadlines_new(unsigned seconds);
void deadlines_free(struct deadlines *);
struct deadline *deadlines_open(struct deadlines *, int fd);
void deadlines_close(struct deadlines *, struct deadline *);
void deadlines_reading(struct deadlines *, struct deadline *, bool reading);
unsigned deadlines_tick(struct deadlines *);

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
	/* the group commit its writes wait for (db_defer_begin), or 0 */
	uint64_t sync_seq;
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
int64_t native_queue(struct serve *, struct http_request *, const char *request,
                     size_t len, bool lab, struct http_response *);
bool native_owner(struct serve *, struct http_request *, int64_t id,
                  struct http_response *);

/* events.c: a run's Server-Sent Events, written by its worker */
struct events_writer;
int events_init(struct db *, char *err, size_t);
int64_t events_sqlite_begin(struct db *, int64_t job);
void events_sqlite_add(struct db *, int64_t job, int64_t seq, const char *kind,
                       const char *data, size_t len);
int events_sqlite_since(struct db *, int64_t job, int64_t last, int max,
                        queue_event_fn, void *arg);
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

/* events.c: a stream whose events pass through a filter first (what a
 * student may see of their own submission): fn writes the event's data
 * as shown into out, or nothing to leave the event out */
typedef void events_filter_fn(const char *kind, const char *data,
                              struct buf *out, void *arg);
void events_stream_open(struct serve *, struct http_request *, int64_t id,
                        events_filter_fn *, void *arg, void (*arg_free)(void *),
                        struct http_response *);

/* result-cache.c: results shared through a Redis queue by content */
bool result_cache_key(const struct serve *, struct db *, const struct job *,
                      const char *request, char key[65]);
bool result_cache_use(struct db *, const char *key, int64_t id,
                      struct buf *out);
void result_cache_keep(const struct serve *, struct db *, const char *key,
                       const struct buf *result);

/* lab.c: problems and problem sets for a class */
struct sqlite3_stmt;
struct lab_problem {
	char *name, *path, *title;
	char *kind;  /* kattis, pairs or companion */
	bool kattis; /* a package: its sample/ tests are the visible ones */
	bool hidden; /* --hidden-tests: no test is visible */
	int64_t tests, samples;
};
int lab_init(struct db *, char *err, size_t);
extern const struct native_route lab_routes[];
bool lab_route_student(const struct native_route *);
struct sqlite3_stmt *lab_prepare(struct db *, const char *sql);
void lab_done(struct db *, struct sqlite3_stmt *);
char *lab_column(struct sqlite3_stmt *, int);
bool lab_name_ok(const char *);
void lab_time(double, char *, size_t);
bool lab_problem_get(struct serve *, const char *name, struct lab_problem *);
void lab_problem_free(struct lab_problem *);
bool lab_visible(const struct lab_problem *, const char *test);
bool lab_problem_open(struct serve *, const char *problem, bool *open,
                      char *why, size_t);
void lab_sets_json(struct serve *, const char *only, struct buf *);
void lab_problem_add(struct serve *, const char *name, bool hidden,
                     const char *tar, size_t len, struct http_response *);

/* lab-submit.c: submissions, judged as jobs of the queue */
void lab_submit_post(struct serve *, struct http_request *, int64_t,
                     struct http_response *);
void lab_submit_rejudge(struct serve *, struct http_request *, int64_t,
                        struct http_response *);
void lab_submit_list(struct serve *, struct http_request *, int64_t,
                     struct http_response *);
void lab_submit_show(struct serve *, struct http_request *, int64_t,
                     struct http_response *);
void lab_submit_events(struct serve *, struct http_request *, int64_t,
                       struct http_response *);
char *lab_submit_verdict(struct serve *, int64_t job, bool *done);
/* A submission's row. */
struct lab_sub {
	int64_t id, job;
	char *problem, *student, *language, *source, *before;
	double created;
};
bool lab_sub_get(struct serve *, int64_t id, struct lab_sub *);
bool lab_sub_mine(struct serve *, struct http_request *, int64_t id,
                  struct lab_sub *, struct http_response *);
void lab_sub_free(struct lab_sub *);

/* lab-replay.c: one test of a submission run again, with its timeline */
int lab_replay_init(struct db *, char *err, size_t);
void lab_replay_post(struct serve *, struct http_request *, int64_t,
                     struct http_response *);
void lab_replay_get(struct serve *, struct http_request *, int64_t,
                    struct http_response *);

/* lab-board.c: the teacher's scoreboard */
struct jsonparse_value;
double lab_board_points(const struct testset *,
                        const struct jsonparse_value *tests);
int lab_board_db(const char *db, struct buf *json);
/* lab-local.c: forge lab add and rejudge --db, on the server's machine */
int lab_local_open(const char *db);
int lab_local_request(const char *db, const char *method, const char *path,
                      const char *body, size_t len, long *status,
                      struct buf *out, char *err, size_t errlen);
void lab_board_get(struct serve *, struct http_request *, int64_t,
                   struct http_response *);
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
