/* The Redis queue: forge serve --queue redis://HOST:PORT accepts jobs onto
 * a Redis stream, and forge worker processes on any number of machines
 * run them (hiredis speaks the protocol).
 *
 * The keys. forge:next numbers the jobs; forge:job:ID is a job's hash
 * (state, token, request, result, history_id, worker, and the counters
 * attempts and finished); forge:jobs is the stream, read by the consumer
 * group forge:workers with XREADGROUP; forge:count holds the jobs per
 * state and forge:queued:tokens the queued ones per token (the server's
 * limits); forge:done is a stream of finished job ids, which the server
 * follows to answer ?wait= and count its metrics; forge:events:ID holds a
 * run's events; forge:build:KEY a compiled build by engine/cache.c's key,
 * and forge:building:KEY who is compiling it.
 *
 * Exactly once. Every change of a job's state is one Lua script, so it is
 * atomic in Redis: a claim moves queued to running; the result is stored
 * and its stream entry acknowledged (XACK) in one script, and only if the
 * job is still running, so a second worker that ran it too (its first
 * worker was taken for dead) stores nothing. A worker that dies leaves its
 * entry pending; after the claim timeout, with no heartbeat meanwhile
 * (XCLAIM of its own entry, once a second while the job runs), another
 * worker takes it with XAUTOCLAIM (Redis 6.2 or later). What is
 * acknowledged survives a restart of Redis as far as Redis's own
 * persistence keeps it (appendonly yes, appendfsync always: every write).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "serve/serve.h"

#define RQ_STREAM "forge:jobs"
#define RQ_GROUP  "forge:workers"
#define RQ_DONE   "forge:done"
/* how long an empty XREADGROUP waits (ms) */
#define RQ_BLOCK_MS 1000
/* a build being compiled elsewhere is waited for this long (ms) */
#define RQ_BUILD_LOCK_MS 30000
/* builds larger than this stay on the machine that compiled them */
#define RQ_BUILD_MAX (64u << 20)

struct rq {
	char *host, *user, *password;
	int port, dbnum;
	redisContext *c;
	pthread_mutex_t lock; /* the HTTP threads share one connection */
	unsigned claim_ms;    /* a silent job is another worker's after it */
	char node[128];       /* this machine: consumers are NODE:PID */
	char entry[64];       /* the stream entry of the job running here */
	bool own_lock;        /* forge:building:KEY is this worker's */
	bool worker;          /* this process has claimed jobs */
	bool down;            /* the last command failed: said once */
};

/* ------------------------------------------------------------ commands */

#define RQ_ARGS_MAX 16

/* A command's words, binary-safe. */
struct rq_args {
	int n;
	const char *v[RQ_ARGS_MAX];
	size_t len[RQ_ARGS_MAX];
	char num[RQ_ARGS_MAX][24];
};

static void
rq_b(struct rq_args *a, const char *p, size_t n)
{
	a->v[a->n] = p;
	a->len[a->n++] = n;
}

static void
rq_s(struct rq_args *a, const char *s)
{
	rq_b(a, s, strlen(s));
}

static void
rq_i(struct rq_args *a, long long i)
{
	snprintf(a->num[a->n], sizeof a->num[a->n], "%lld", i);
	rq_s(a, a->num[a->n]);
}

/* redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] */
static int
rq_parse(struct rq *q, const char *url, char *err, size_t errlen)
{
	const char *p = url + 8, *at = strchr(p, '@'), *slash, *colon;
	char *end;
	long v;

	q->port = 6379;
	if (at != NULL) {
		const char *c = memchr(p, ':', (size_t)(at - p));

		if (c == NULL)
			goto bad;
		if (c > p)
			q->user = xstrndup(p, (size_t)(c - p));
		q->password = xstrndup(c + 1, (size_t)(at - c - 1));
		p = at + 1;
	}
	slash = strchr(p, '/');
	colon = memchr(p, ':', slash ? (size_t)(slash - p) : strlen(p));
	if (colon == NULL)
		colon = slash ? slash : p + strlen(p);
	if (colon == p)
		goto bad;
	q->host = xstrndup(p, (size_t)(colon - p));
	if (*colon == ':') {
		v = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || v < 1 || v > 65535 ||
		    (*end != '\0' && *end != '/'))
			goto bad;
		q->port = (int)v;
	}
	if (slash != NULL && slash[1] != '\0') {
		v = strtol(slash + 1, &end, 10);
		if (*end != '\0' || v < 0 || v > 1000000)
			goto bad;
		q->dbnum = (int)v;
	}
	return 0;
bad:
	snprintf(err, errlen,
	         "--queue %s: use redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]",
	         url);
	return -1;
}

static int
rq_reply_error(redisReply *r, const char *what, char *err, size_t errlen)
{
	if (r != NULL && r->type != REDIS_REPLY_ERROR)
		return 0;
	snprintf(err, errlen, "%s: %s", what, r ? r->str : "no reply");
	return -1;
}

/* The consumer group exists (it survives in Redis's own files). */
static int
rq_group(struct rq *q, char *err, size_t errlen)
{
	redisReply *r = redisCommand(q->c, "XGROUP CREATE %s %s 0 MKSTREAM",
	                             RQ_STREAM, RQ_GROUP);
	int ret = 0;

	if (r == NULL ||
	    (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "BUSYGROUP", 9)))
		ret = rq_reply_error(r, "XGROUP CREATE", err, errlen);
	if (r != NULL)
		freeReplyObject(r);
	return ret;
}

static int
rq_connect(struct rq *q, char *err, size_t errlen)
{
	struct timeval t = {2, 0}, rw = {5, 0};
	redisReply *r = NULL;

	q->c = redisConnectWithTimeout(q->host, q->port, t);
	if (q->c == NULL || q->c->err) {
		snprintf(err, errlen, "Redis at %s:%d: %s", q->host, q->port,
		         q->c ? q->c->errstr : "cannot connect");
		goto fail;
	}
	/* longer than the XREADGROUP and XREAD blocks */
	redisSetTimeout(q->c, rw);
	if (q->password != NULL) {
		r = q->user
		        ? redisCommand(q->c, "AUTH %s %s", q->user, q->password)
		        : redisCommand(q->c, "AUTH %s", q->password);
		if (rq_reply_error(r, "Redis AUTH", err, errlen) < 0)
			goto fail;
		freeReplyObject(r);
	}
	if (q->dbnum > 0) {
		r = redisCommand(q->c, "SELECT %d", q->dbnum);
		if (rq_reply_error(r, "Redis SELECT", err, errlen) < 0)
			goto fail;
		freeReplyObject(r);
	}
	r = NULL;
	if (rq_group(q, err, errlen) < 0)
		goto fail;
	if (q->down)
		fprintf(stderr, "forge: Redis at %s:%d is back\n", q->host,
		        q->port);
	q->down = false;
	return 0;
fail:
	if (r != NULL)
		freeReplyObject(r);
	if (q->c != NULL)
		redisFree(q->c);
	q->c = NULL;
	return -1;
}

/* A command, connecting again once when the connection broke (a Redis
 * restarted): its reply (maybe an error reply), or NULL with err said. */
static redisReply *
rq_cmd(struct rq *q, struct rq_args *a, char *err, size_t errlen)
{
	redisReply *r;

	for (int attempt = 0; attempt < 2; attempt++) {
		if (q->c == NULL && rq_connect(q, err, errlen) < 0)
			break;
		r = redisCommandArgv(q->c, a->n, a->v, a->len);
		if (r != NULL)
			return r;
		snprintf(err, errlen, "Redis at %s:%d: %s", q->host, q->port,
		         q->c->errstr);
		redisFree(q->c);
		q->c = NULL;
	}
	if (!q->down)
		fprintf(stderr, "forge: %s\n", err);
	q->down = true;
	return NULL;
}

/* A script of the queue (EVAL, no keys named: one Redis, not a cluster). */
static void
rq_eval(struct rq_args *a, const char *script)
{
	a->n = 0;
	rq_s(a, "EVAL");
	rq_s(a, script);
	rq_s(a, "0");
}

static void
rq_sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------- scripts */

static const char rq_submit_lua[] =
    "local id = redis.call('INCR', 'forge:next')\n"
    "redis.call('HSET', 'forge:job:' .. id, 'state', 'queued',"
    " 'request', ARGV[1], 'token', ARGV[2], 'created', ARGV[3])\n"
    "redis.call('HINCRBY', 'forge:count', 'queued', 1)\n"
    "if ARGV[2] ~= '' then\n"
    "  redis.call('HINCRBY', 'forge:queued:tokens', ARGV[2], 1)\n"
    "end\n"
    "redis.call('XADD', 'forge:jobs', '*', 'id', id)\n"
    "return id\n";

/* ARGV: job, entry, consumer. The request, or nil (and the entry gone)
 * when the job has ended already. */
static const char rq_claim_lua[] =
    "local k = 'forge:job:' .. ARGV[1]\n"
    "local st = redis.call('HGET', k, 'state')\n"
    "if st == 'queued' then\n"
    "  redis.call('HINCRBY', 'forge:count', 'queued', -1)\n"
    "  redis.call('HINCRBY', 'forge:count', 'running', 1)\n"
    "  local t = redis.call('HGET', k, 'token')\n"
    "  if t and t ~= '' then\n"
    "    redis.call('HINCRBY', 'forge:queued:tokens', t, -1)\n"
    "  end\n"
    "elseif st ~= 'running' then\n"
    "  redis.call('XACK', 'forge:jobs', 'forge:workers', ARGV[2])\n"
    "  redis.call('XDEL', 'forge:jobs', ARGV[2])\n"
    "  return false\n"
    "end\n"
    "redis.call('HSET', k, 'state', 'running', 'worker', ARGV[3])\n"
    "redis.call('HINCRBY', k, 'attempts', 1)\n"
    "return redis.call('HGET', k, 'request')\n";

/* ARGV: job, entry, result, history id. 1 stored, 0 ended already; the
 * entry is acknowledged either way, in the same step. */
static const char rq_complete_lua[] =
    "local k = 'forge:job:' .. ARGV[1]\n"
    "local stored = 0\n"
    "if redis.call('HGET', k, 'state') == 'running' then\n"
    "  redis.call('HINCRBY', 'forge:count', 'running', -1)\n"
    "  redis.call('HINCRBY', 'forge:count', 'done', 1)\n"
    "  redis.call('HSET', k, 'state', 'done', 'result', ARGV[3],"
    " 'history_id', ARGV[4], 'worker', '')\n"
    "  redis.call('HINCRBY', k, 'finished', 1)\n"
    "  redis.call('XADD', 'forge:done', 'MAXLEN', '~', '100000', '*',"
    " 'id', ARGV[1])\n"
    "  stored = 1\n"
    "end\n"
    "redis.call('XACK', 'forge:jobs', 'forge:workers', ARGV[2])\n"
    "redis.call('XDEL', 'forge:jobs', ARGV[2])\n"
    "return stored\n";

/* ARGV: job, result. 1 cancelled, 0 ended already, -1 no such job. */
static const char rq_cancel_lua[] =
    "local k = 'forge:job:' .. ARGV[1]\n"
    "local st = redis.call('HGET', k, 'state')\n"
    "if not st then return -1 end\n"
    "if st ~= 'queued' and st ~= 'running' then return 0 end\n"
    "redis.call('HINCRBY', 'forge:count', st, -1)\n"
    "redis.call('HINCRBY', 'forge:count', 'cancelled', 1)\n"
    "local t = redis.call('HGET', k, 'token')\n"
    "if st == 'queued' and t and t ~= '' then\n"
    "  redis.call('HINCRBY', 'forge:queued:tokens', t, -1)\n"
    "end\n"
    "redis.call('HSET', k, 'state', 'cancelled', 'result', ARGV[2],"
    " 'worker', '')\n"
    "return 1\n";

/* ---------------------------------------------------------- the table */

static int
redis_attach(struct db *d, const struct serve_options *o, char *err,
             size_t errlen)
{
	struct rq *q = xcalloc(1, sizeof *q);

	pthread_mutex_init(&q->lock, NULL);
	q->claim_ms = (o->claim_timeout > 0 ? o->claim_timeout : 60) * 1000;
	if (gethostname(q->node, sizeof q->node - 1) < 0)
		strlcpy0(q->node, "forge", sizeof q->node);
	db_set_remote(d, q);
	if (rq_parse(q, o->queue_url, err, errlen) < 0 ||
	    rq_connect(q, err, errlen) < 0)
		return -1;
	return 0;
}

static void
redis_detach(struct db *d)
{
	struct rq *q = db_remote(d);

	if (q == NULL)
		return;
	/* a worker that ends with no job leaves no consumer behind */
	if (q->c != NULL && q->worker && q->entry[0] == '\0') {
		redisReply *r =
		    redisCommand(q->c, "XGROUP DELCONSUMER %s %s %s:%d",
		                 RQ_STREAM, RQ_GROUP, q->node, (int)getpid());

		if (r != NULL)
			freeReplyObject(r);
	}
	if (q->c != NULL)
		redisFree(q->c);
	pthread_mutex_destroy(&q->lock);
	free(q->host);
	free(q->user);
	free(q->password);
	free(q);
	db_set_remote(d, NULL);
}

static int64_t
redis_submit(struct db *d, const char *token, const char *request, size_t len,
             char *err, size_t errlen)
{
	struct rq *q = db_remote(d);
	struct rq_args a;
	redisReply *r;
	int64_t id = 0;

	rq_eval(&a, rq_submit_lua);
	rq_b(&a, request, len);
	rq_s(&a, token ? token : "");
	rq_i(&a, (long long)history_recorder_now());
	pthread_mutex_lock(&q->lock);
	r = rq_cmd(q, &a, err, errlen);
	if (r != NULL && r->type == REDIS_REPLY_INTEGER)
		id = r->integer;
	else if (r != NULL)
		(void)rq_reply_error(r, "the Redis queue", err, errlen);
	pthread_mutex_unlock(&q->lock);
	if (r != NULL)
		freeReplyObject(r);
	return id;
}

static char *
rq_str(const redisReply *r)
{
	return r != NULL && r->type == REDIS_REPLY_STRING
	           ? xstrndup(r->str, r->len)
	           : NULL;
}

static int
redis_get(struct db *d, int64_t id, struct queue_job *j)
{
	struct rq *q = db_remote(d);
	struct rq_args a = {0};
	char key[48], err[256];
	redisReply *r;
	int ret = -1;

	memset(j, 0, sizeof *j);
	snprintf(key, sizeof key, "forge:job:%lld", (long long)id);
	rq_s(&a, "HMGET");
	rq_s(&a, key);
	rq_s(&a, "state");
	rq_s(&a, "token");
	rq_s(&a, "result");
	rq_s(&a, "history_id");
	pthread_mutex_lock(&q->lock);
	r = rq_cmd(q, &a, err, sizeof err);
	pthread_mutex_unlock(&q->lock);
	if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 4 &&
	    r->element[0]->type == REDIS_REPLY_STRING) {
		char *s = rq_str(r->element[0]), *h = rq_str(r->element[3]);

		j->id = id;
		j->state = queue_state_from(s);
		j->token = rq_str(r->element[1]);
		if (j->token != NULL && j->token[0] == '\0') {
			free(j->token);
			j->token = NULL;
		}
		j->result = rq_str(r->element[2]);
		j->history_id = h ? strtoll(h, NULL, 10) : 0;
		free(s);
		free(h);
		ret = 0;
	}
	if (r != NULL)
		freeReplyObject(r);
	return ret;
}

static int64_t
redis_depth(struct db *d, enum queue_state s, const char *token)
{
	struct rq *q = db_remote(d);
	struct rq_args a = {0};
	char err[256];
	redisReply *r;
	int64_t n = -1;

	rq_s(&a, "HGET");
	rq_s(&a, token ? "forge:queued:tokens" : "forge:count");
	rq_s(&a, token ? token : queue_state_name(s));
	pthread_mutex_lock(&q->lock);
	r = rq_cmd(q, &a, err, sizeof err);
	pthread_mutex_unlock(&q->lock);
	if (r != NULL && r->type == REDIS_REPLY_NIL)
		n = 0;
	else if (r != NULL && r->type == REDIS_REPLY_STRING)
		n = strtoll(r->str, NULL, 10);
	if (r != NULL)
		freeReplyObject(r);
	return n;
}

/* The first entry of an XAUTOCLAIM or XREADGROUP reply's entries: its
 * id, and the job id in its fields; false when there is none. */
static bool
rq_entry(const redisReply *entries, char *entry, size_t len, int64_t *job)
{
	const redisReply *e, *f;

	if (entries == NULL || entries->type != REDIS_REPLY_ARRAY ||
	    entries->elements == 0)
		return false;
	e = entries->element[0];
	if (e->type != REDIS_REPLY_ARRAY || e->elements < 2 ||
	    e->element[0]->type != REDIS_REPLY_STRING)
		return false;
	strlcpy0(entry, e->element[0]->str, len);
	*job = 0;
	f = e->element[1];
	if (f->type == REDIS_REPLY_ARRAY)
		for (size_t i = 0; i + 1 < f->elements; i += 2)
			if (f->element[i]->type == REDIS_REPLY_STRING &&
			    strcmp(f->element[i]->str, "id") == 0 &&
			    f->element[i + 1]->type == REDIS_REPLY_STRING)
				*job =
				    strtoll(f->element[i + 1]->str, NULL, 10);
	return true;
}

/* An entry for this consumer: one of a worker gone silent for the claim
 * timeout first, else a new one (waiting up to RQ_BLOCK_MS). */
static bool
rq_next_entry(struct rq *q, const char *consumer, char *entry, size_t len,
              int64_t *job)
{
	struct rq_args a = {0};
	char err[256];
	redisReply *r;
	bool got = false;

	rq_s(&a, "XAUTOCLAIM");
	rq_s(&a, RQ_STREAM);
	rq_s(&a, RQ_GROUP);
	rq_s(&a, consumer);
	rq_i(&a, q->claim_ms);
	rq_s(&a, "0-0");
	rq_s(&a, "COUNT");
	rq_s(&a, "1");
	if ((r = rq_cmd(q, &a, err, sizeof err)) == NULL)
		return false;
	if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2)
		got = rq_entry(r->element[1], entry, len, job);
	freeReplyObject(r);
	if (got)
		return true;
	a.n = 0;
	rq_s(&a, "XREADGROUP");
	rq_s(&a, "GROUP");
	rq_s(&a, RQ_GROUP);
	rq_s(&a, consumer);
	rq_s(&a, "COUNT");
	rq_s(&a, "1");
	rq_s(&a, "BLOCK");
	rq_i(&a, RQ_BLOCK_MS);
	rq_s(&a, "STREAMS");
	rq_s(&a, RQ_STREAM);
	rq_s(&a, ">");
	if ((r = rq_cmd(q, &a, err, sizeof err)) == NULL)
		return false;
	if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOGROUP", 7) == 0)
		(void)rq_group(q, err, sizeof err); /* Redis lost it */
	else if (r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	         r->element[0]->type == REDIS_REPLY_ARRAY &&
	         r->element[0]->elements == 2)
		got = rq_entry(r->element[0]->element[1], entry, len, job);
	freeReplyObject(r);
	return got;
}

static int64_t
redis_claim(struct db *d, int worker, char **request)
{
	struct rq *q = db_remote(d);
	struct rq_args a;
	char consumer[160], entry[64], err[256];
	redisReply *r;
	int64_t id = 0;

	*request = NULL;
	snprintf(consumer, sizeof consumer, "%s:%d", q->node, worker);
	q->worker = true;
	pthread_mutex_lock(&q->lock);
	if (!rq_next_entry(q, consumer, entry, sizeof entry, &id)) {
		bool down = q->c == NULL;

		pthread_mutex_unlock(&q->lock);
		if (down)
			rq_sleep_ms(250); /* Redis is away: not a busy loop */
		return 0;
	}
	rq_eval(&a, rq_claim_lua);
	rq_i(&a, id);
	rq_s(&a, entry);
	rq_s(&a, consumer);
	r = rq_cmd(q, &a, err, sizeof err);
	if (r != NULL && r->type == REDIS_REPLY_STRING && id > 0) {
		*request = xstrndup(r->str, r->len);
		strlcpy0(q->entry, entry, sizeof q->entry);
	} else
		id = 0; /* ended already, or Redis went: the entry stays */
	pthread_mutex_unlock(&q->lock);
	if (r != NULL)
		freeReplyObject(r);
	return id;
}

/* The result stored and the entry acknowledged, in one script; tried
 * again while Redis is away (the result is only here meanwhile). */
static int
redis_complete(struct db *d, int64_t id, int worker, const char *result,
               int64_t history_id)
{
	struct rq *q = db_remote(d);
	struct rq_args a;
	char err[256];
	redisReply *r;
	int ret = -1;

	rq_eval(&a, rq_complete_lua);
	rq_i(&a, id);
	rq_s(&a, q->entry);
	rq_s(&a, result);
	rq_i(&a, history_id);
	for (;;) {
		pthread_mutex_lock(&q->lock);
		r = rq_cmd(q, &a, err, sizeof err);
		pthread_mutex_unlock(&q->lock);
		if (r != NULL)
			break;
		rq_sleep_ms(250);
	}
	if (r->type == REDIS_REPLY_INTEGER)
		ret = r->integer > 0;
	else
		fprintf(stderr, "forge: worker: run %lld: %s\n", (long long)id,
		        r->str);
	freeReplyObject(r);
	q->entry[0] = '\0';
	return ret;
}

static int
redis_cancel(struct db *d, int64_t id, const char *result, int *worker)
{
	struct rq *q = db_remote(d);
	struct rq_args a;
	char err[256];
	redisReply *r;
	int ret = -1;

	/* a worker elsewhere is not ours to kill: its result is dropped */
	*worker = 0;
	rq_eval(&a, rq_cancel_lua);
	rq_i(&a, id);
	rq_s(&a, result);
	pthread_mutex_lock(&q->lock);
	r = rq_cmd(q, &a, err, sizeof err);
	pthread_mutex_unlock(&q->lock);
	if (r != NULL && r->type == REDIS_REPLY_INTEGER)
		ret = (int)r->integer;
	if (r != NULL)
		freeReplyObject(r);
	return ret;
}

/* A local worker gone: its entries wait for the claim timeout, as those
 * of a worker on a machine that went. */
static int
redis_requeue(struct db *d, int worker)
{
	return 0;
}

static void
redis_touch(struct db *d, int64_t id)
{
	struct rq *q = db_remote(d);
	struct rq_args a = {0};
	char consumer[160], err[256];
	redisReply *r;

	if (q->entry[0] == '\0')
		return;
	snprintf(consumer, sizeof consumer, "%s:%d", q->node, (int)getpid());
	rq_s(&a, "XCLAIM");
	rq_s(&a, RQ_STREAM);
	rq_s(&a, RQ_GROUP);
	rq_s(&a, consumer);
	rq_s(&a, "0");
	rq_s(&a, q->entry);
	rq_s(&a, "JUSTID");
	pthread_mutex_lock(&q->lock);
	r = rq_cmd(q, &a, err, sizeof err);
	pthread_mutex_unlock(&q->lock);
	if (r != NULL)
		freeReplyObject(r);
}

/* ---------------------------------------------------------- the builds */

/* A build directory as one value: "forge-build 1\n", then per file
 * "F MODE LEN NAME\n" and its bytes, then "N LEN\n" and the compiler's
 * note. false when it cannot be read or is too large to share. */
static bool
rq_build_pack(const char *key, struct buf *out)
{
	char *path = cache_build_path(key), *note;
	DIR *dir = opendir(path);
	struct dirent *e;
	int dfd;
	bool ok = dir != NULL;

	buf_addstr(out, "forge-build 1\n");
	while (ok && (e = readdir(dir)) != NULL) {
		struct stat st;
		struct buf f;
		int fd;

		if (!cache_name_ok(e->d_name))
			continue; /* ".", "..", the note */
		fd = openat(dirfd(dir), e->d_name,
		            O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		buf_init(&f, 0);
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
		    util_read_fd(fd, &f, RQ_BUILD_MAX) < 0 ||
		    out->len + f.len > RQ_BUILD_MAX)
			ok = false;
		else {
			buf_printf(out, "F %o %zu %s\n",
			           (unsigned)(st.st_mode & 0777), f.len,
			           e->d_name);
			buf_add(out, f.data ? f.data : "", f.len);
		}
		if (fd >= 0)
			close(fd);
		buf_free(&f);
	}
	if (ok && (dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		note = cache_read_note(dfd);
		close(dfd);
		buf_printf(out, "N %zu\n", strlen(note));
		buf_addstr(out, note);
		free(note);
	} else
		ok = false;
	if (dir != NULL)
		closedir(dir);
	free(path);
	return ok;
}

/* rq_build_pack's value into the local build cache. */
static bool
rq_build_unpack(const char *key, const char *p, size_t len)
{
	const char *end = p + len, *nl;
	struct box_file files[64];
	size_t n = 0;
	char *note = NULL, err[512];
	int dirfd = -1;
	bool ok = false;

	if (len < 14 || memcmp(p, "forge-build 1\n", 14) != 0)
		return false;
	for (p += 14; p < end && (nl = memchr(p, '\n', (size_t)(end - p)));) {
		char name[300];
		unsigned mode;
		size_t sz;

		if (p[0] == 'N' && sscanf(p, "N %zu", &sz) == 1 &&
		    sz <= (size_t)(end - nl - 1)) {
			note = xstrndup(nl + 1, sz);
			break;
		}
		if (n == sizeof files / sizeof *files ||
		    sscanf(p, "F %o %zu %255[^\n]", &mode, &sz, name) != 3 ||
		    sz > (size_t)(end - nl - 1) || !cache_name_ok(name))
			break;
		files[n].name = xstrdup(name);
		files[n].mode = mode & 0777;
		buf_init(&files[n].data, 0);
		buf_add(&files[n].data, nl + 1, sz);
		n++;
		p = nl + 1 + sz;
	}
	if (note != NULL &&
	    cache_store(key, files, n, note, &dirfd, err, sizeof err) == 0) {
		close(dirfd);
		ok = true;
	}
	for (size_t i = 0; i < n; i++) {
		free(files[i].name);
		buf_free(&files[i].data);
	}
	free(note);
	return ok;
}

static bool
rq_build_local(const char *key)
{
	int dirfd;

	if (cache_open(key, &dirfd) < 0)
		return false;
	close(dirfd);
	return true;
}

/* The build is here, or fetched from Redis (true); false: this worker
 * compiles it, holding forge:building:KEY meanwhile when Redis lacks it,
 * so that identical jobs across the cluster compile once. */
static bool
redis_build_fetch(struct db *d, const char *key)
{
	struct rq *q = db_remote(d);
	uint64_t until = util_now_ms() + RQ_BUILD_LOCK_MS + 5000;
	char bkey[96], lkey[96], err[256];
	struct rq_args a;
	redisReply *r;
	bool got = false;

	q->own_lock = false;
	snprintf(bkey, sizeof bkey, "forge:build:%s", key);
	snprintf(lkey, sizeof lkey, "forge:building:%s", key);
	while (!rq_build_local(key) && util_now_ms() < until) {
		a.n = 0;
		rq_s(&a, "GET");
		rq_s(&a, bkey);
		pthread_mutex_lock(&q->lock);
		r = rq_cmd(q, &a, err, sizeof err);
		pthread_mutex_unlock(&q->lock);
		if (r == NULL)
			break;
		if (r->type == REDIS_REPLY_STRING)
			got = rq_build_unpack(key, r->str, r->len);
		freeReplyObject(r);
		if (got)
			return true;
		a.n = 0;
		rq_s(&a, "SET");
		rq_s(&a, lkey);
		rq_s(&a, q->node);
		rq_s(&a, "NX");
		rq_s(&a, "PX");
		rq_i(&a, RQ_BUILD_LOCK_MS);
		pthread_mutex_lock(&q->lock);
		r = rq_cmd(q, &a, err, sizeof err);
		pthread_mutex_unlock(&q->lock);
		if (r == NULL)
			break;
		q->own_lock = r->type == REDIS_REPLY_STATUS;
		freeReplyObject(r);
		if (q->own_lock)
			break;
		rq_sleep_ms(100); /* another worker compiles it */
	}
	return false;
}

/* After the job: a build made here goes to Redis (unless there already),
 * and the compile's claim is released. */
static void
redis_build_store(struct db *d, const char *key)
{
	struct rq *q = db_remote(d);
	char bkey[96], lkey[96], err[256];
	struct rq_args a = {0};
	struct buf b;
	redisReply *r;
	bool there;

	snprintf(bkey, sizeof bkey, "forge:build:%s", key);
	snprintf(lkey, sizeof lkey, "forge:building:%s", key);
	buf_init(&b, 0);
	rq_s(&a, "EXISTS");
	rq_s(&a, bkey);
	pthread_mutex_lock(&q->lock);
	r = rq_cmd(q, &a, err, sizeof err);
	pthread_mutex_unlock(&q->lock);
	there = r == NULL || (r->type == REDIS_REPLY_INTEGER && r->integer > 0);
	if (r != NULL)
		freeReplyObject(r);
	a.n = 0;
	if (!there && rq_build_local(key) && rq_build_pack(key, &b)) {
		rq_s(&a, "SET");
		rq_s(&a, bkey);
		rq_b(&a, b.data, b.len);
		rq_s(&a, "NX");
		pthread_mutex_lock(&q->lock);
		if ((r = rq_cmd(q, &a, err, sizeof err)) != NULL)
			freeReplyObject(r);
		pthread_mutex_unlock(&q->lock);
	}
	buf_free(&b);
	if (q->own_lock) {
		a.n = 0;
		rq_s(&a, "DEL");
		rq_s(&a, lkey);
		pthread_mutex_lock(&q->lock);
		if ((r = rq_cmd(q, &a, err, sizeof err)) != NULL)
			freeReplyObject(r);
		pthread_mutex_unlock(&q->lock);
		q->own_lock = false;
	}
}

/* ---------------------------------------------------------- the events */

/* forge:events:ID: a list of "SEQ KIND\nDATA", in order. */
static int64_t
redis_events_begin(struct db *d, int64_t job)
{
	struct rq *q = db_remote(d);
	struct rq_args a = {0};
	char key[48], err[256];
	redisReply *r;
	int64_t seq = 0;

	snprintf(key, sizeof key, "forge:events:%lld", (long long)job);
	rq_s(&a, "LINDEX");
	rq_s(&a, key);
	rq_s(&a, "-1");
	pthread_mutex_lock(&q->lock);
	if ((r = rq_cmd(q, &a, err, sizeof err)) != NULL) {
		if (r->type == REDIS_REPLY_STRING)
			seq = strtoll(r->str, NULL, 10);
		freeReplyObject(r);
	}
	a.n = 0;
	rq_s(&a, "DEL");
	rq_s(&a, key);
	if ((r = rq_cmd(q, &a, err, sizeof err)) != NULL)
		freeReplyObject(r);
	pthread_mutex_unlock(&q->lock);
	return seq;
}

static void
redis_event_add(struct db *d, int64_t job, int64_t seq, const char *kind,
                const char *data, size_t len)
{
	struct rq *q = db_remote(d);
	struct rq_args a = {0};
	char key[48], err[256];
	struct buf b;
	redisReply *r;

	snprintf(key, sizeof key, "forge:events:%lld", (long long)job);
	buf_init(&b, len + 32);
	buf_printf(&b, "%lld %s\n", (long long)seq, kind);
	buf_add(&b, data, len);
	rq_s(&a, "RPUSH");
	rq_s(&a, key);
	rq_b(&a, b.data, b.len);
	pthread_mutex_lock(&q->lock);
	if ((r = rq_cmd(q, &a, err, sizeof err)) != NULL)
		freeReplyObject(r);
	pthread_mutex_unlock(&q->lock);
	buf_free(&b);
}

static int
redis_events_since(struct db *d, int64_t job, int64_t last, int max,
                   queue_event_fn fn, void *arg)
{
	struct rq *q = db_remote(d);
	struct rq_args a = {0};
	char key[48], err[256];
	redisReply *r;
	int64_t first = 0, from;
	int n = 0;

	snprintf(key, sizeof key, "forge:events:%lld", (long long)job);
	rq_s(&a, "LINDEX");
	rq_s(&a, key);
	rq_s(&a, "0");
	pthread_mutex_lock(&q->lock);
	if ((r = rq_cmd(q, &a, err, sizeof err)) != NULL) {
		if (r->type == REDIS_REPLY_STRING)
			first = strtoll(r->str, NULL, 10);
		freeReplyObject(r);
	}
	from = last >= first ? last - first + 1 : 0;
	a.n = 0;
	rq_s(&a, "LRANGE");
	rq_s(&a, key);
	rq_i(&a, from);
	rq_i(&a, from + max - 1);
	r = first > 0 ? rq_cmd(q, &a, err, sizeof err) : NULL;
	pthread_mutex_unlock(&q->lock);
	if (r == NULL)
		return 0;
	for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements;
	     i++) {
		const redisReply *e = r->element[i];
		char *s, *nl, *sp;
		int64_t seq;

		if (e->type != REDIS_REPLY_STRING)
			continue;
		s = xstrndup(e->str, e->len);
		seq = strtoll(s, &sp, 10);
		if (*sp == ' ' && (nl = strchr(sp, '\n')) != NULL &&
		    seq > last) {
			*nl = '\0';
			fn(seq, sp + 1, nl + 1, arg);
			n++;
		}
		free(s);
	}
	freeReplyObject(r);
	return n;
}

/* ------------------------------------------------- the finished jobs */

/* A thread of the server following forge:done on its own connection:
 * each finished job's id onto the pipe the local workers write. */
struct queue_watch {
	struct rq q;
	int done_w;
	volatile bool stop;
	pthread_t thread;
	char last[64]; /* the last entry read */
};

static void
rq_watch_read(struct queue_watch *w)
{
	struct rq_args a = {0};
	char err[256];
	redisReply *r, *entries;

	rq_s(&a, "XREAD");
	rq_s(&a, "COUNT");
	rq_s(&a, "256");
	rq_s(&a, "BLOCK");
	rq_i(&a, RQ_BLOCK_MS);
	rq_s(&a, "STREAMS");
	rq_s(&a, RQ_DONE);
	rq_s(&a, w->last);
	if ((r = rq_cmd(&w->q, &a, err, sizeof err)) == NULL) {
		rq_sleep_ms(250);
		return;
	}
	if (r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_ARRAY &&
	    r->element[0]->elements == 2) {
		entries = r->element[0]->element[1];
		for (size_t i = 0; i < entries->elements; i++) {
			redisReply one = {.type = REDIS_REPLY_ARRAY,
			                  .elements = 1,
			                  .element = &entries->element[i]};
			int64_t id;

			if (rq_entry(&one, w->last, sizeof w->last, &id) &&
			    id > 0) {
				/* its duration was the worker's, elsewhere */
				struct worker_done d = {
				    id, WORKER_DURATION_UNKNOWN};

				(void)util_write_all(w->done_w, &d, sizeof d);
			}
		}
	}
	freeReplyObject(r);
}

static void *
rq_watch_main(void *arg)
{
	struct queue_watch *w = arg;

	while (!w->stop)
		rq_watch_read(w);
	return NULL;
}

static struct queue_watch *
redis_watch_start(struct db *d, int done_w, char *err, size_t errlen)
{
	struct rq *q = db_remote(d);
	struct queue_watch *w = xcalloc(1, sizeof *w);
	struct rq_args a = {0};
	redisReply *r;

	w->q.host = xstrdup(q->host);
	w->q.user = q->user ? xstrdup(q->user) : NULL;
	w->q.password = q->password ? xstrdup(q->password) : NULL;
	w->q.port = q->port;
	w->q.dbnum = q->dbnum;
	pthread_mutex_init(&w->q.lock, NULL);
	w->done_w = done_w;
	/* from the newest entry on: jobs finished before are not waited on */
	strlcpy0(w->last, "0-0", sizeof w->last);
	rq_s(&a, "XREVRANGE");
	rq_s(&a, RQ_DONE);
	rq_s(&a, "+");
	rq_s(&a, "-");
	rq_s(&a, "COUNT");
	rq_s(&a, "1");
	if ((r = rq_cmd(&w->q, &a, err, errlen)) != NULL) {
		int64_t id;

		(void)rq_entry(r, w->last, sizeof w->last, &id);
		freeReplyObject(r);
	}
	if (r == NULL ||
	    pthread_create(&w->thread, NULL, rq_watch_main, w) != 0) {
		if (r != NULL)
			snprintf(err, errlen, "cannot start a thread");
		if (w->q.c != NULL)
			redisFree(w->q.c);
		free(w->q.host);
		free(w->q.user);
		free(w->q.password);
		free(w);
		return NULL;
	}
	return w;
}

static void
redis_watch_stop(struct queue_watch *w)
{
	w->stop = true;
	pthread_join(w->thread, NULL);
	if (w->q.c != NULL)
		redisFree(w->q.c);
	pthread_mutex_destroy(&w->q.lock);
	free(w->q.host);
	free(w->q.user);
	free(w->q.password);
	free(w);
}

/* A job's result kept by content (result-cache.c):
 * forge:result:KEY, the result's JSON, gone after its TTL. */
static bool
redis_result_fetch(struct db *d, const char *key, struct buf *out)
{
	struct rq *q = db_remote(d);
	char rkey[96], err[256];
	struct rq_args a = {0};
	redisReply *r;
	bool got = false;

	snprintf(rkey, sizeof rkey, "forge:result:%s", key);
	rq_s(&a, "GET");
	rq_s(&a, rkey);
	pthread_mutex_lock(&q->lock);
	r = rq_cmd(q, &a, err, sizeof err);
	pthread_mutex_unlock(&q->lock);
	if (r != NULL && r->type == REDIS_REPLY_STRING) {
		buf_add(out, r->str, r->len);
		got = true;
	}
	if (r != NULL)
		freeReplyObject(r);
	return got;
}

static void
redis_result_store(struct db *d, const char *key, const char *result,
                   unsigned ttl)
{
	struct rq *q = db_remote(d);
	char rkey[96], err[256];
	struct rq_args a = {0};
	redisReply *r;

	snprintf(rkey, sizeof rkey, "forge:result:%s", key);
	rq_s(&a, "SET");
	rq_s(&a, rkey);
	rq_s(&a, result);
	rq_s(&a, "EX");
	rq_i(&a, ttl);
	pthread_mutex_lock(&q->lock);
	if ((r = rq_cmd(q, &a, err, sizeof err)) != NULL)
		freeReplyObject(r);
	pthread_mutex_unlock(&q->lock);
}

const struct queue_ops queue_redis_ops = {
    .name = "redis",
    .idle_ms = 0,
    .remote = true,
    .attach = redis_attach,
    .detach = redis_detach,
    .submit = redis_submit,
    .get = redis_get,
    .depth = redis_depth,
    .claim = redis_claim,
    .complete = redis_complete,
    .cancel = redis_cancel,
    .requeue = redis_requeue,
    .touch = redis_touch,
    .build_fetch = redis_build_fetch,
    .build_store = redis_build_store,
    .result_fetch = redis_result_fetch,
    .result_store = redis_result_store,
    .events_begin = redis_events_begin,
    .event_add = redis_event_add,
    .events_since = redis_events_since,
    .watch_start = redis_watch_start,
    .watch_stop = redis_watch_stop,
};
