/* A run's events, for GET /v1/runs/{id}/events (Server-Sent Events).
 *
 * The worker that runs a job writes them through the queue (the server's
 * database, or Redis beside the job: queue_event_add) as they happen
 * (events_writer_*): status running, stdout and stderr in chunks (gathered for
 * up to EVENTS_FLUSH_MS, so a chatty program costs a few transactions a second,
 * not one per write), each test's verdict. The HTTP side reads them back in
 * order (events_stream): rows past the client's Last-Event-ID, then, once the
 * job has ended, its result. A client that reconnects resumes where it left
 * off, and a finished run's events replay from the database. A stream with
 * nothing new is suspended, without a thread, and looked at again on the
 * server's clock tick. */
#include "config.h"

#include <microhttpd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

#define EVENTS_FLUSH_MS 100
#define EVENTS_CHUNK    (32 * 1024)

int
events_init(struct db *d, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db_handle(d),
	                 "CREATE TABLE IF NOT EXISTS events ("
	                 " job INTEGER NOT NULL,"
	                 " seq INTEGER NOT NULL,"
	                 " kind TEXT NOT NULL,"
	                 " data TEXT NOT NULL,"
	                 " PRIMARY KEY (job, seq));",
	                 NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "the runs' events: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

struct events_writer {
	struct db *db;
	int64_t job;
	int64_t seq; /* the last written */
	struct buf out[2];
	uint64_t last_ms;
};

/* ------------------------------------------ stored in SQLite (the queue's) */

void
events_sqlite_add(struct db *d, int64_t job, int64_t seq, const char *kind,
                  const char *data, size_t len)
{
	sqlite3_stmt *st = NULL;

	db_lock(d);
	if (db_prepare(db_handle(d),
	               "INSERT INTO events (job, seq, kind, data)"
	               " VALUES (?1, ?2, ?3, ?4)",
	               &st) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, job);
		sqlite3_bind_int64(st, 2, seq);
		sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, data, (int)len, SQLITE_STATIC);
		(void)sqlite3_step(st);
	}
	db_finalize(st);
	db_unlock(d);
}

/* The last id of an earlier attempt's events, which go. */
int64_t
events_sqlite_begin(struct db *db, int64_t job)
{
	sqlite3_stmt *st = NULL;
	int64_t seq = 0;

	db_lock(db);
	if (db_prepare(db_handle(db),
	               "SELECT coalesce(max(seq), 0) FROM events"
	               " WHERE job = ?1",
	               &st) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, job);
		if (sqlite3_step(st) == SQLITE_ROW)
			seq = sqlite3_column_int64(st, 0);
	}
	db_finalize(st);
	st = NULL;
	if (db_prepare(db_handle(db), "DELETE FROM events WHERE job = ?1",
	               &st) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, job);
		(void)sqlite3_step(st);
	}
	db_finalize(st);
	db_unlock(db);
	return seq;
}

int
events_sqlite_since(struct db *d, int64_t job, int64_t last, int max,
                    queue_event_fn fn, void *arg)
{
	sqlite3_stmt *q = NULL;
	int n = 0;

	db_lock(d);
	if (db_prepare(db_handle(d),
	               "SELECT seq, kind, data FROM events"
	               " WHERE job = ?1 AND seq > ?2 ORDER BY seq"
	               " LIMIT ?3",
	               &q) == SQLITE_OK) {
		sqlite3_bind_int64(q, 1, job);
		sqlite3_bind_int64(q, 2, last);
		sqlite3_bind_int(q, 3, max);
		while (sqlite3_step(q) == SQLITE_ROW) {
			fn(sqlite3_column_int64(q, 0),
			   (const char *)sqlite3_column_text(q, 1),
			   (const char *)sqlite3_column_text(q, 2), arg);
			n++;
		}
	}
	db_finalize(q);
	db_unlock(d);
	return n;
}

/* ------------------------------------------------------ the worker's */

static void
events_insert(struct events_writer *e, const char *kind, const char *data,
              size_t len)
{
	queue_event_add(e->db, e->job, ++e->seq, kind, data, len);
}

/* A job starts: its events of an earlier attempt (a server killed while
 * it ran) go, and the ids go on from theirs, so that a client's
 * Last-Event-ID never names an event it has not seen. */
struct events_writer *
events_writer_start(struct db *db, int64_t job)
{
	struct events_writer *e = xcalloc(1, sizeof *e);

	e->db = db;
	e->job = job;
	buf_init(&e->out[0], 0);
	buf_init(&e->out[1], 0);
	e->seq = queue_events_begin(db, job);
	events_insert(e, "status", "{\"status\":\"running\"}", 20);
	e->last_ms = util_now_ms();
	return e;
}

/* The output gathered so far, as stdout and stderr events. */
void
events_writer_flush(struct events_writer *e)
{
	static const char *const kinds[] = {"stdout", "stderr"};

	if (e == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		struct buf b;
		struct json_writer w = {&b, false};

		if (e->out[i].len == 0)
			continue;
		buf_init(&b, 0);
		json_open(&w, NULL, '{');
		json_output(&w, "data", e->out[i].data, e->out[i].len);
		json_close(&w, '}');
		events_insert(e, kinds[i], b.data, b.len);
		buf_free(&b);
		buf_reset(&e->out[i]);
	}
	e->last_ms = util_now_ms();
}

/* Output from the program (stream 1 or 2); written out every
 * EVENTS_FLUSH_MS or EVENTS_CHUNK bytes. */
void
events_writer_output(struct events_writer *e, int stream, const char *p,
                     size_t n)
{
	if (e == NULL || (stream != 1 && stream != 2))
		return;
	buf_add(&e->out[stream - 1], p, n);
	if (e->out[stream - 1].len >= EVENTS_CHUNK)
		events_writer_flush(e);
	else
		events_writer_tick(e);
}

/* The clock (the run's samples): output waiting too long goes out. */
void
events_writer_tick(struct events_writer *e)
{
	if (e != NULL && util_now_ms() - e->last_ms >= EVENTS_FLUSH_MS)
		events_writer_flush(e);
}

void
events_writer_add(struct events_writer *e, const char *kind, const char *json)
{
	if (e == NULL)
		return;
	events_writer_flush(e);
	events_insert(e, kind, json, strlen(json));
}

void
events_writer_end(struct events_writer *e)
{
	if (e == NULL)
		return;
	events_writer_flush(e);
	buf_free(&e->out[0]);
	buf_free(&e->out[1]);
	free(e);
}

/* --------------------------------------------------------- the HTTP side */

/* One client's stream. */
struct events_stream {
	struct serve *s;
	struct MHD_Connection *conn;
	int64_t job;
	int64_t last;    /* the last id sent */
	struct buf pend; /* formatted, not yet sent */
	size_t off;
	bool ended;               /* the result is in pend */
	bool suspended;           /* on s->streams, waiting for the tick */
	events_filter_fn *filter; /* NULL: every event as written */
	void *filter_arg;
	void (*filter_free)(void *);
	struct events_stream *next;
};

static void
events_format(struct events_stream *st, int64_t id, const char *kind,
              const char *data)
{
	struct buf shown;

	if (st->filter == NULL) {
		buf_printf(&st->pend, "id: %lld\nevent: %s\ndata: %s\n\n",
		           (long long)id, kind, data);
		return;
	}
	buf_init(&shown, 0);
	st->filter(kind, data, &shown, st->filter_arg);
	while (shown.len > 0 && shown.data[shown.len - 1] == '\n')
		shown.len--;
	if (shown.len > 0)
		buf_printf(&st->pend, "id: %lld\nevent: %s\ndata: %s\n\n",
		           (long long)id, kind, buf_cstr(&shown));
	buf_free(&shown);
}

static void
events_row(int64_t seq, const char *kind, const char *data, void *arg)
{
	struct events_stream *st = arg;

	st->last = seq;
	events_format(st, seq, kind, data);
}

/* New rows past st->last into st->pend; how many. */
static int
events_fetch(struct events_stream *st)
{
	return queue_events_since(st->s->db, st->job, st->last, 64, events_row,
	                          st);
}

/* The job ended and every row is sent: its result, as the last event
 * (the id after the rows'). */
static void
events_result(struct events_stream *st)
{
	struct queue_job j;
	struct buf b;

	if (queue_get(st->s->db, st->job, &j) < 0 ||
	    (j.state != QUEUE_DONE && j.state != QUEUE_CANCELLED) ||
	    events_fetch(st) > 0) {
		/* running; or rows written before it ended come first */
		queue_job_free(&j);
		return;
	}
	buf_init(&b, 0);
	native_job_json(&j, &b);
	while (b.len > 0 && b.data[b.len - 1] == '\n')
		b.len--;
	events_format(st, st->last + 1, "result", buf_cstr(&b));
	buf_free(&b);
	queue_job_free(&j);
	st->ended = true;
}

static ssize_t
events_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct events_stream *st = cls;
	struct serve *s = st->s;
	size_t n;

	if (st->off == st->pend.len) {
		buf_reset(&st->pend);
		st->off = 0;
		if (st->ended)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (events_fetch(st) == 0)
			events_result(st);
	}
	if (st->pend.len == 0 && s->streams_closed)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (st->pend.len == 0) {
		/* nothing new: suspended until the next tick */
		pthread_mutex_lock(&s->lock);
		st->next = s->streams;
		s->streams = st;
		st->suspended = true;
		MHD_suspend_connection(st->conn);
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
	n = st->pend.len - st->off;
	if (n > max)
		n = max;
	memcpy(out, st->pend.data + st->off, n);
	st->off += n;
	return (ssize_t)n;
}

static void
events_unlink(struct serve *s, struct events_stream *st)
{
	struct events_stream **p;

	for (p = &s->streams; *p != NULL; p = &(*p)->next)
		if (*p == st) {
			*p = st->next;
			break;
		}
}

static void
events_free(void *cls)
{
	struct events_stream *st = cls;

	pthread_mutex_lock(&st->s->lock);
	events_unlink(st->s, st);
	pthread_mutex_unlock(&st->s->lock);
	buf_free(&st->pend);
	if (st->filter_free != NULL)
		st->filter_free(st->filter_arg);
	free(st);
}

/* The server's clock: every suspended stream looks again. */
void
events_tick(struct serve *s)
{
	pthread_mutex_lock(&s->lock);
	while (s->streams != NULL) {
		struct events_stream *st = s->streams;

		s->streams = st->next;
		st->next = NULL;
		st->suspended = false;
		MHD_resume_connection(st->conn);
	}
	pthread_mutex_unlock(&s->lock);
}

/* GET /v1/runs/{id}/events: the stream as r's response. */
void
events_stream(struct serve *s, struct http_request *q, int64_t id,
              struct http_response *r)
{
	if (native_owner(s, q, id, r))
		events_stream_open(s, q, id, NULL, NULL, NULL, r);
}

/* The stream of job id as r's response, each event through filter (when
 * not NULL; arg_free(arg) when the stream ends, or now on a refusal). */
void
events_stream_open(struct serve *s, struct http_request *q, int64_t id,
                   events_filter_fn *filter, void *arg,
                   void (*arg_free)(void *), struct http_response *r)
{
	const char *h = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND,
	                                            "Last-Event-ID");
	struct events_stream *st;
	char *end;

	st = xcalloc(1, sizeof *st);
	st->s = s;
	st->conn = q->conn;
	st->job = id;
	st->filter = filter;
	st->filter_arg = arg;
	st->filter_free = arg_free;
	buf_init(&st->pend, 0);
	if (h != NULL) {
		st->last = strtoll(h, &end, 10);
		if (*h == '\0' || *end != '\0' || st->last < 0) {
			if (arg_free != NULL)
				arg_free(arg);
			free(st);
			http_error(r, 400,
			           "Last-Event-ID: %s: an event's id, please",
			           h);
			return;
		}
	}
	r->stream = MHD_create_response_from_callback(
	    MHD_SIZE_UNKNOWN, 16 * 1024, events_read, st, events_free);
	if (r->stream == NULL) {
		if (arg_free != NULL)
			arg_free(arg);
		free(st);
		http_error(r, 500, "cannot make a stream");
		return;
	}
	r->content_type = "text/event-stream";
	MHD_add_response_header(r->stream, "Cache-Control", "no-cache");
}
