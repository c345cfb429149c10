/* Recording what a run did as it happened (the stdin given, the outputs
 * and their chunks with their times, the usage samples), then turning
 * it into a history_run and saving it. forge and forge-tui both record
 * through here, so a run looks the same in the history whichever made it. */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "history/history.h"

/* enabled: keep the timelines and the stdin (the outputs are always
 * captured, within output_limit each). */
void
history_recorder_init(struct history_recorder *r, bool enabled,
                      size_t output_limit)
{
	memset(r, 0, sizeof *r);
	r->enabled = enabled;
	r->cap = history_cap();
	buf_init(&r->in, r->cap);
	buf_init(&r->out, output_limit);
	buf_init(&r->err, output_limit);
}

void
history_recorder_free(struct history_recorder *r)
{
	size_t i;

	buf_free(&r->in);
	buf_free(&r->out);
	buf_free(&r->err);
	for (i = 0; i < r->nchunks; i++)
		free(r->chunks[i].data);
	free(r->chunks);
	free(r->samples);
	memset(r, 0, sizeof *r);
}

/* Times are from the program's start: the first sample says when that
 * was; output before it counts from its own arrival. */
static int64_t
history_recorder_t(struct history_recorder *r)
{
	int64_t now = (int64_t)util_now_ms();

	if (!r->t0_set) {
		r->t0 = now;
		r->t0_set = true;
	}
	return now - r->t0;
}

/* The output as captured, and (enabled) as a chunk of the timeline. */
void
history_recorder_output(struct history_recorder *r, int stream, const char *p,
                        size_t n)
{
	struct history_chunk *c;

	buf_add(stream == 2 ? &r->err : &r->out, p, n);
	if (!r->enabled || n == 0)
		return;
	if (r->chunk_bytes >= 2 * r->cap) {
		r->chunks_truncated = true;
		return;
	}
	if (n > 2 * r->cap - r->chunk_bytes) {
		n = 2 * r->cap - r->chunk_bytes;
		r->chunks_truncated = true;
	}
	r->chunks = xrealloc(r->chunks, (r->nchunks + 1) * sizeof *c);
	c = &r->chunks[r->nchunks++];
	c->t_ms = history_recorder_t(r);
	c->stream = stream;
	c->data = xstrndup(p, n);
	c->len = n;
	r->chunk_bytes += n;
}

void
history_recorder_input(struct history_recorder *r, const char *p, size_t n)
{
	if (r->enabled)
		buf_add(&r->in, p, n);
}

void
history_recorder_sample(struct history_recorder *r, const struct box_sample *s)
{
	struct history_sample *h;

	if (!r->enabled)
		return;
	if (!r->t0_set) {
		r->t0 = (int64_t)util_now_ms() - (int64_t)s->t_ms;
		r->t0_set = true;
	}
	if (r->nsamples >= 864000) /* a day's worth */
		return;
	r->samples = xrealloc(r->samples, (r->nsamples + 1) * sizeof *h);
	h = &r->samples[r->nsamples++];
	h->t_ms = (int64_t)s->t_ms;
	h->cpu_ms = (int64_t)s->cpu_ms;
	h->memory_kb = (int64_t)(s->mem_bytes / 1024);
	h->pids = s->pids;
}

static char *
history_recorder_dup(const struct buf *b, size_t *len)
{
	*len = b->len;
	return xstrndup(b->data ? b->data : "", b->len);
}

/* The run just made, as the history keeps it: h gets the recorded stdin,
 * outputs and timelines (the recorder keeps its buffers, not the
 * timelines). */
void
history_recorder_finish(struct history_recorder *rec, struct history_run *h,
                        const struct history_recorder_run *w)
{
	const struct pipeline_result *r = w->result;
	char hash[65];

	history_run_init(h);
	h->created = history_recorder_now();
	h->kind = xstrdup("run");
	h->file = history_recorder_abspath(w->file);
	h->language = xstrdup(w->lang->id);
	h->toolchain = w->toolchain ? xstrdup(w->toolchain) : NULL;
	h->source = xstrndup(w->src, w->src_len);
	h->source_len = w->src_len;
	cache_sha256(w->src, w->src_len, hash);
	h->source_hash = xstrdup(hash);
	h->stdin_data = history_recorder_dup(&rec->in, &h->stdin_len);
	h->stdin_truncated = rec->in.truncated || rec->in_unrecorded;
	h->limits = *w->limits;
	h->backend = xstrdup(w->backend->name);
	h->enforced_by =
	    r->ran ? xstrdup(box_enforcer_name(r->run.enforced_by)) : NULL;
	h->verdict = xstrdup(verdict_name(r->verdict));
	h->detail = xstrdup(r->detail);
	h->has_exit = r->ran && r->run.end == BOX_EXITED;
	h->exit_code = r->run.exit_code;
	if (r->ran && r->run.signal > 0) {
		const char *abbrev = sigabbrev_np(r->run.signal);
		if (abbrev != NULL)
			xasprintf(&h->signal, "SIG%s", abbrev);
		else
			xasprintf(&h->signal, "signal %d", r->run.signal);
	}
	if (r->ran && r->run.syscall[0] != '\0')
		h->syscall = xstrdup(r->run.syscall);
	h->time_ms = (int64_t)r->run.cpu_ms;
	h->wall_ms = (int64_t)r->run.wall_ms;
	h->memory_kb = (int64_t)r->run.mem_kb;
	h->out = history_recorder_dup(&rec->out, &h->out_len);
	/* complete unless cut by the output limit or the capture buffer */
	h->out_truncated =
	    rec->out.truncated || (r->ran && r->run.end == BOX_OUTPUT);
	h->err = history_recorder_dup(&rec->err, &h->err_len);
	h->err_truncated = rec->err.truncated;
	if (r->compiled) {
		h->compile =
		    history_recorder_dup(&r->compile_output, &h->compile_len);
		h->compile_truncated = r->compile_output.truncated;
	}
	h->chunks = rec->chunks;
	h->nchunks = rec->nchunks;
	h->samples = rec->samples;
	h->nsamples = rec->nsamples;
	rec->chunks = NULL;
	rec->nchunks = 0;
	rec->samples = NULL;
	rec->nsamples = 0;
}

double
history_recorder_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* The history a process records into, kept open from its first run to
 * its exit: a workbench or a judge opens the database once, not once a
 * run, and keeps its statements prepared. */
static struct {
	struct history *h;
	char *path;
	dev_t dev;
	ino_t ino;
	pid_t pid; /* the opener: a forked child never closes it */
} history_recorder_db;

/* A forked child's copy of its parent's handle: never closed, since
 * closing its descriptors would drop the parent's locks on the
 * database; kept here, not lost, for as long as the child lives. */
static struct history *history_recorder_inherited;

static void
history_recorder_release(void)
{
	if (history_recorder_db.h != NULL &&
	    history_recorder_db.pid == getpid())
		history_close(history_recorder_db.h);
	else if (history_recorder_db.h != NULL)
		history_recorder_inherited = history_recorder_db.h;
	free(history_recorder_db.path);
	memset(&history_recorder_db, 0, sizeof history_recorder_db);
}

/* The handle for path: the one kept, while it is still the file at
 * path (not removed or replaced since), else a new one. */
static struct history *
history_recorder_store(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (history_recorder_db.h != NULL &&
	    (strcmp(history_recorder_db.path, path) != 0 ||
	     history_recorder_db.pid != getpid() || stat(path, &st) < 0 ||
	     st.st_dev != history_recorder_db.dev ||
	     st.st_ino != history_recorder_db.ino))
		history_recorder_release();
	if (history_recorder_db.h != NULL)
		return history_recorder_db.h;
	history_recorder_db.h = history_open(path, true, err, errlen);
	if (history_recorder_db.h == NULL || stat(path, &st) < 0) {
		history_recorder_release();
		return NULL;
	}
	history_recorder_db.path = xstrdup(path);
	history_recorder_db.dev = st.st_dev;
	history_recorder_db.ino = st.st_ino;
	history_recorder_db.pid = getpid();
	/* not closed at exit: the commits are in the log already, and the
	 * process's end releases its locks and its map of the log's index
	 * as closing would (no checkpoint is made on close), 35 us sooner */
	return history_recorder_db.h;
}

/* Opening the database (SQLite's start, the write-ahead log's index,
 * the schema) and preparing the statements is most of what recording a
 * run costs a process that records one. history_recorder_preopen does
 * it in a thread while the program runs, so that only its rows remain
 * for after. The thread must not be running when a process is cloned
 * without fork's care for the C library's locks:
 * history_recorder_preopen_wait, which the caller gives the engine to
 * call before such a clone (backend_set_quiesce), waits for it. (Started
 * earlier, beside the sandbox's preparation, it cost more than it saved
 * on a 2-core VM: 1.30 against 1.00 ms of recording.) */
static struct {
	pthread_t thread;
	bool started;
	pid_t owner; /* a forked child has no such thread */
	char *path;
} history_recorder_opener;

static void *
history_recorder_open_main(void *arg)
{
	char err[512];
	struct history *h;

	(void)arg;
	h = history_recorder_store(history_recorder_opener.path, err,
	                           sizeof err);
	if (h != NULL)
		history_prepare(h);
	/* a failure is found again, and said, when the run is saved */
	return NULL;
}

void
history_recorder_preopen(const char *db)
{
	sigset_t all, old;

	if (history_recorder_opener.started)
		return;
	history_recorder_opener.path = xstrdup(history_path(db));
	/* every signal stays the main thread's */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	history_recorder_opener.owner = getpid();
	history_recorder_opener.started =
	    pthread_create(&history_recorder_opener.thread, NULL,
	                   history_recorder_open_main, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!history_recorder_opener.started) {
		free(history_recorder_opener.path);
		history_recorder_opener.path = NULL;
	}
}

/* The opener's work is done (or was never asked for). */
void
history_recorder_preopen_wait(void)
{
	if (!history_recorder_opener.started)
		return;
	if (history_recorder_opener.owner == getpid())
		pthread_join(history_recorder_opener.thread, NULL);
	history_recorder_opener.started = false;
	free(history_recorder_opener.path);
	history_recorder_opener.path = NULL;
}

/* Saves the run to the database at db (NULL: the default); its id, or 0
 * with err (the run is not lost for that: the caller still shows it). */
int64_t
history_recorder_save(const char *db, struct history_run *h, char *err,
                      size_t errlen)
{
	struct history *store;

	history_recorder_preopen_wait();
	store = history_recorder_store(history_path(db), err, errlen);

	if (store == NULL)
		return 0;
	if (history_record(store, h, err, errlen) < 0) {
		/* the next run opens it afresh */
		history_recorder_release();
		return 0;
	}
	return h->id;
}

char *
history_recorder_abspath(const char *path)
{
	char *abs = realpath(path, NULL);

	return abs != NULL ? abs : xstrdup(path);
}

/* The test set's identity in the history: where it is and what it holds
 * (the judging rules' digest of it), so that a judge of the same tests
 * from any face is found as the same. */
char *
history_recorder_testset(const char *path, const char *digest)
{
	char *abs = history_recorder_abspath(path), *id;

	xasprintf(&id, "%s#%.16s", abs, digest);
	free(abs);
	return id;
}

/* Saves a judge, its rows taken (j->tests is NULL after); its id, or 0
 * with err. The judge's time and memory are the largest of its tests'. */
int64_t
history_recorder_judge(const char *db, struct history_recorder_judge *j,
                       char *err, size_t errlen)
{
	const struct build *b = j->build;
	struct history_run h;
	char hash[65];
	int64_t id;

	history_run_init(&h);
	h.created = history_recorder_now();
	h.kind = xstrdup("judge");
	h.file = history_recorder_abspath(j->file);
	h.language = xstrdup(j->lang->id);
	h.toolchain = j->toolchain ? xstrdup(j->toolchain) : NULL;
	h.source = xstrndup(j->src ? j->src : "", j->src_len);
	h.source_len = j->src_len;
	cache_sha256(j->src ? j->src : "", j->src_len, hash);
	h.source_hash = xstrdup(hash);
	h.stdin_data = xstrdup("");
	h.limits = j->x->limits;
	h.backend = xstrdup(j->x->backend);
	h.enforced_by = j->x->enforced_by ? xstrdup(j->x->enforced_by) : NULL;
	h.verdict = xstrdup(verdict_name(j->x->verdict));
	h.detail = xstrdup(j->x->detail ? j->x->detail : "");
	h.compile =
	    xstrndup(b->compile_output.data ? b->compile_output.data : "",
	             b->compile_output.len);
	h.compile_len = b->compile_output.len;
	h.testset = xstrdup(j->testset);
	h.user = j->user ? xstrdup(j->user) : NULL;
	h.job = j->job ? xstrdup(j->job) : NULL;
	h.tests = j->tests;
	h.ntests = j->ntests;
	j->tests = NULL;
	j->ntests = 0;
	for (size_t i = 0; i < h.ntests; i++) {
		if (h.tests[i].time_ms > h.time_ms)
			h.time_ms = h.tests[i].time_ms;
		if (h.tests[i].memory_kb > h.memory_kb)
			h.memory_kb = h.tests[i].memory_kb;
	}
	id = history_recorder_save(db, &h, err, errlen);
	history_run_free(&h);
	return id;
}

void
history_run_unterminal(struct history_run *h)
{
	size_t k = 0;

	for (size_t i = 0; i < h->out_len; i++)
		if (!(h->out[i] == '\r' && i + 1 < h->out_len &&
		      h->out[i + 1] == '\n'))
			h->out[k++] = h->out[i];
	if (h->out != NULL)
		h->out[k] = '\0';
	h->out_len = k;
}
