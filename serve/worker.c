/* The workers: processes forked before the server's first thread, each
 * running one job at a time through the engine, as forge run and forge
 * judge would, and recording it in the history. A worker dies with the
 * server (PR_SET_PDEATHSIG) and its sandbox with it; the server puts a
 * dead worker's job back in the queue and forks another. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "serve/serve.h"

struct worker_pool {
	struct serve *s;
	pid_t *pids;
	unsigned n;
	int notify_r, done_w;
};

/* The job this worker runs: its events, for GET /v1/runs/{id}/events
 * (a worker runs one job at a time), and where to say it still runs it
 * (queue_touch: a queue elsewhere gives a silent job to another worker). */
static struct events_writer *worker_events;
static struct db *worker_db;
static int64_t worker_job_id;
static uint64_t worker_touched_ms;

/* At most once a second: the job is still this worker's. */
static void
worker_heartbeat(void)
{
	uint64_t now = util_now_ms();

	if (worker_db == NULL || now - worker_touched_ms < 1000)
		return;
	worker_touched_ms = now;
	queue_touch(worker_db, worker_job_id);
}
/* Its client, when it is interactive and one came (attach-worker.c). */
static struct attach_worker *worker_attach;

/* What one job's run collects, for the history. */
struct worker_io {
	struct history_recorder rec;
};

static void
worker_output(int stream, const char *p, size_t n, void *arg)
{
	history_recorder_output(&((struct worker_io *)arg)->rec, stream, p, n);
	events_writer_output(worker_events, stream, p, n);
	attach_worker_output(worker_attach, stream, p, n);
}

static void
worker_input(int stream, const char *p, size_t n, void *arg)
{
	history_recorder_input(&((struct worker_io *)arg)->rec, p, n);
}

static void
worker_sample(const struct box_sample *x, void *arg)
{
	history_recorder_sample(&((struct worker_io *)arg)->rec, x);
	events_writer_tick(worker_events);
	worker_heartbeat();
	attach_worker_sample(worker_attach, x);
}

/* The run of an interactive job ended: what its terminal showed, if it
 * had one, is its stdout. */
static void
worker_tty_output(struct worker_io *io)
{
	struct buf tty;

	buf_init(&tty, 0);
	attach_worker_end(worker_attach, &tty);
	if (tty.len > 0) {
		history_recorder_output(&io->rec, 1, tty.data, tty.len);
		events_writer_output(worker_events, 1, tty.data, tty.len);
	}
	buf_free(&tty);
}

/* The result of a job cancelled before or while it ran. */
void
worker_cancelled_json(int64_t id, struct buf *b)
{
	struct json_writer w = {b, false};

	json_open(&w, NULL, '{');
	json_cstr(&w, "verdict", verdict_name(VERDICT_AB));
	json_cstr(&w, "detail", "cancelled through the API");
	json_int(&w, "id", id);
	json_close(&w, '}');
}

/* Who asked for a job, and its key in the history. */
struct worker_owner {
	const char *user; /* the token's name; NULL: no auth */
	const char *key;  /* queue_job_key's */
};

/* One program, once: forge run's steps. */
static void
worker_run(const struct serve *s, int64_t id, const struct job *j,
           const struct worker_owner *who, struct buf *out, int64_t *history_id)
{
	const struct backend *be = s->opts->backend;
	struct pipeline_request q = {0};
	struct pipeline_result r;
	struct report_extra x = {0};
	struct worker_io io;
	struct history_run h;
	char herr[512], *toolchain, *file;
	struct language *opts =
	    j->compiler_options ? options_language(j->lang, j->compiler_options)
	                        : NULL;

	history_recorder_init(&io.rec, true, (size_t)j->limits.output_bytes);
	q.lang = opts ? opts : j->lang;
	q.args = j->args;
	/* the next job of the same build takes this one's sandbox root */
	q.reuse = true;
	q.backend = be;
	q.source = j->source;
	q.source_len = j->source_len;
	q.extra = j->extra;
	q.nextra = j->nextra;
	q.limits = j->limits;
	q.compile_limits = j->lang->compile_limits;
	q.stdin_fd =
	    j->stdin_len > 0 ? util_memfd(j->stdin_data, j->stdin_len) : -1;
	q.tty_fd = -1;
	q.on_output = worker_output;
	q.on_input = worker_input;
	q.on_sample = worker_sample;
	q.arg = &io;
	if (j->interactive) {
		worker_attach = attach_worker_start(s, id, j, &q);
		io.rec.in_unrecorded = j->tty;
	}
	pipeline_run(&q, &r);
	if (worker_attach != NULL)
		worker_tty_output(&io);
	else if (q.stdin_fd >= 0)
		close(q.stdin_fd);
	toolchain = cache_toolchain(j->lang, be);
	xasprintf(&file, "api:%lld/%s", (long long)id, j->source_name);
	history_recorder_finish(&io.rec, &h,
	                        &(struct history_recorder_run){
	                            &r, j->lang, be, &j->limits, file,
	                            j->source, j->source_len, toolchain});
	h.user = who->user ? xstrdup(who->user) : NULL;
	h.job = xstrdup(who->key);
	*history_id =
	    history_recorder_save(s->history_db, &h, herr, sizeof herr);
	x.language_name = j->lang->name;
	x.build_cached = r.build_cached;
	x.compile_ms = r.compile_ms;
	x.ran = r.ran;
	x.history_error = *history_id == 0 ? herr : NULL;
	/* the API's id is the job's; the history's is history_id */
	h.id = id;
	report_run_json(&h, &x, out);
	history_run_free(&h);
	history_recorder_free(&io.rec);
	pipeline_result_free(&r);
	free(file);
	free(toolchain);
	options_language_free(opts);
}

/* A judge's tallies as its tests come in. */
struct worker_judge {
	struct history_test *tests;
	size_t ntests, passed;
	struct judge_test first_fail;
	bool failed, any_run;
	enum box_enforcer enforced_by;
	uint64_t max_time, max_mem;
	struct buf json;
	struct json_writer w;
	bool outputs; /* each test's stdout in the events, before it */
};

static void
worker_test(const struct judge_test *r, const struct test_case *t, void *arg)
{
	struct worker_judge *wj = arg;
	struct history_test *ht;

	worker_heartbeat();
	wj->tests = xrealloc(wj->tests, (wj->ntests + 1) * sizeof *wj->tests);
	ht = &wj->tests[wj->ntests++];
	report_history_test(ht, r, t->name);
	if (verdict_good(r->verdict))
		wj->passed++;
	else if (!wj->failed) {
		wj->failed = true;
		wj->first_fail.verdict = r->verdict;
		strlcpy0(wj->first_fail.detail, r->detail,
		         sizeof wj->first_fail.detail);
	}
	if (r->time_ms > wj->max_time)
		wj->max_time = r->time_ms;
	if (r->mem_kb > wj->max_mem)
		wj->max_mem = r->mem_kb;
	if (r->verdict != VERDICT_IE || r->time_ms || r->mem_kb) {
		wj->enforced_by = r->enforced_by;
		wj->any_run = true;
	}
	json_open(&wj->w, NULL, '{');
	report_judge_test_json(&wj->w, ht, r->diff, r->stderr_head,
	                       r->stderr_len);
	json_close(&wj->w, '}');
	if (worker_events != NULL) {
		struct buf ev;
		struct json_writer w = {&ev, false};

		/* what it printed (up to the output limit), as stdout
		 * events that the test's event follows (and flushes) */
		if (wj->outputs && r->output != NULL)
			events_writer_output(worker_events, 1, r->output,
			                     r->output_len);
		buf_init(&ev, 0);
		json_open(&w, NULL, '{');
		report_judge_test_json(&w, ht, r->diff, r->stderr_head,
		                       r->stderr_len);
		json_close(&w, '}');
		events_writer_add(worker_events, "test", buf_cstr(&ev));
		buf_free(&ev);
	}
}

/* The judge into the history, as every face records one: its id, or 0.
 * The file and the test set are named by the job ("api:ID"). */
static int64_t
worker_judge_record(const struct serve *s, int64_t id, const struct job *j,
                    const struct worker_owner *who, struct worker_judge *wj,
                    const struct build *b, const struct report_judge *x,
                    char *herr, size_t len)
{
	char *file, *testset,
	    *toolchain = cache_toolchain(j->lang, s->opts->backend);
	struct history_recorder_judge r;
	int64_t hid;

	xasprintf(&file, "api:%lld/%s", (long long)id, j->source_name);
	xasprintf(&testset, "api:%lld", (long long)id);
	r = (struct history_recorder_judge){
	    .file = file,
	    .lang = j->lang,
	    .toolchain = toolchain,
	    .src = j->source,
	    .src_len = j->source_len,
	    .build = b,
	    .x = x,
	    .testset = testset,
	    .tests = wj->tests,
	    .ntests = wj->ntests,
	    .user = who->user,
	    .job = who->key,
	};
	wj->tests = NULL;
	wj->ntests = 0;
	hid = history_recorder_judge(s->history_db, &r, herr, len);
	free(file);
	free(testset);
	free(toolchain);
	return hid;
}

/* Compile once, judge every test: forge judge's steps, with the
 * engine's rules (judge_prepare, judge_prepare_overall). */
static void
worker_judge(const struct serve *s, int64_t id, struct job *j,
             const struct worker_owner *who, struct buf *out,
             int64_t *history_id)
{
	const struct backend *be = s->opts->backend;
	struct judge_request req;
	struct judge_prepared prep;
	struct worker_judge wj;
	struct report_judge x = {0};
	struct build build;
	char err[1024], herr[512] = "";
	bool built = false;
	struct language *opts =
	    j->compiler_options ? options_language(j->lang, j->compiler_options)
	                        : NULL;

	memset(&wj, 0, sizeof wj);
	buf_init(&wj.json, 0);
	wj.w.out = &wj.json;
	json_open(&wj.w, "tests", '[');
	judge_prepare_request(&req, &j->ts, &s->langs, be);
	req.limits = j->limits;
	req.time_given = j->time_given;
	req.wall_given = j->wall_given;
	req.mem_given = j->mem_given;
	req.compare = j->compare;
	req.stop_on_fail = j->stop_on_fail;
	req.jobs = 1;
	/* a lab's tests are secret: what a program printed for them
	 * could show their inputs */
	req.keep_output = wj.outputs = j->problem == NULL;
	x.language = j->lang->id;
	x.testset_kind = "request";
	x.backend = be->name;
	x.limits = j->limits;
	if (judge_prepare(&prep, &req, err, sizeof err) != JUDGE_PREPARED) {
		x.verdict = VERDICT_IE;
		x.detail = err;
	} else {
		x.limits = prep.limits;
		if (pipeline_build(&build, opts ? opts : j->lang, be, j->source,
		                   j->source_len, j->extra, j->nextra,
		                   &j->lang->compile_limits, false) == 0) {
			/* the arguments after the run command, for each test */
			char **run = build.argv;

			if (j->args != NULL && j->args[0] != NULL)
				build.argv = util_argv_concat(run, j->args);
			judge_run(&prep.opts, &build, &j->ts, worker_test, &wj);
			if (build.argv != run)
				free(build.argv);
			build.argv = run;
		}
		built = true;
		x.verdict = judge_prepare_overall(
		    &build, &j->ts, wj.ntests, wj.passed,
		    wj.failed ? &wj.first_fail : NULL, &x.detail);
		x.compile = build.compile_output.data;
		x.compile_len = build.compile_output.len;
		x.build_cached = build.cached;
	}
	json_close(&wj.w, ']');
	x.passed = wj.passed;
	x.total = wj.ntests;
	x.time_ms = wj.max_time;
	x.memory_kb = wj.max_mem;
	x.enforced_by = wj.any_run ? box_enforcer_name(wj.enforced_by) : NULL;
	if (built) {
		size_t total = wj.ntests;

		*history_id = worker_judge_record(s, id, j, who, &wj, &build,
		                                  &x, herr, sizeof herr);
		x.total = total;
		x.history_error = *history_id == 0 ? herr : NULL;
	}
	x.id = id;
	report_judge_json(&x, wj.json.data, wj.json.len, out);
	if (built)
		pipeline_build_free(&build);
	judge_prepare_free(&prep);
	for (size_t i = 0; i < wj.ntests; i++) {
		free(wj.tests[i].name);
		free(wj.tests[i].verdict);
		free(wj.tests[i].signal);
		free(wj.tests[i].detail);
	}
	free(wj.tests);
	buf_free(&wj.json);
	options_language_free(opts);
}

/* The build cache's key of a compiled job's program, as pipeline_build
 * computes it (with the job's compiler options); false for a language
 * that does not compile. */
static bool
worker_build_key(const struct serve *s, const struct job *j, char key[65])
{
	struct language *opts;
	const struct language *l;
	char *name, *source_name;

	if (j->lang->compile == NULL)
		return false;
	opts = j->compiler_options
	           ? options_language(j->lang, j->compiler_options)
	           : NULL;
	l = opts ? opts : j->lang;
	name = lang_program_name(l, j->source, j->source_len);
	source_name = lang_expand(l->source, "", name);
	cache_key(l, s->opts->backend, source_name, j->source, j->source_len,
	          j->extra, j->nextra, key);
	free(source_name);
	free(name);
	options_language_free(opts);
	return true;
}

static void
worker_job_run(struct serve *s, struct db *db, int64_t id, struct job *j,
               const char *request, const struct worker_owner *who,
               struct buf *out, int64_t *hid)
{
	char key[65], rkey[65];
	bool shared = result_cache_key(s, db, j, request, rkey), keyed, fetched;

	/* an identical job's result, kept by a worker of the cluster */
	if (shared && result_cache_use(db, rkey, id, out))
		return;
	keyed = worker_build_key(s, j, key);
	fetched = keyed && queue_build_fetch(db, key);

	if (j->judge)
		worker_judge(s, id, j, who, out, hid);
	else
		worker_run(s, id, j, who, out, hid);
	/* built here: shared with the other workers of the queue */
	if (keyed && !fetched)
		queue_build_store(db, key);
	if (shared)
		result_cache_keep(s, db, rkey, out);
}

/* A transaction of the worker's around writes of the SQLite queue that
 * belong together (a job's first events; its last ones and its result),
 * so that they cost the database one commit, not one each: whether it
 * began. A queue elsewhere writes its own way. */
static bool
worker_begin(struct db *db)
{
	int rc;

	if (db_queue(db) != &queue_sqlite_ops || db_handle(db) == NULL)
		return false;
	db_lock(db);
	rc = sqlite3_exec(db_handle(db), "BEGIN IMMEDIATE", NULL, NULL, NULL);
	db_unlock(db);
	return rc == SQLITE_OK;
}

/* Its end: true when committed, false when it was rolled back. */
static bool
worker_commit(struct db *db)
{
	bool ok;

	db_lock(db);
	ok = sqlite3_exec(db_handle(db), "COMMIT", NULL, NULL, NULL) ==
	     SQLITE_OK;
	if (!ok)
		(void)sqlite3_exec(db_handle(db), "ROLLBACK", NULL, NULL, NULL);
	db_unlock(db);
	return ok;
}

/* One job from its request to its row done. */
static void
worker_job(struct serve *s, struct db *db, int done_w, int64_t id,
           const char *request)
{
	struct job j;
	struct buf out;
	struct queue_job qj;
	struct worker_owner who = {0};
	char err[1024], *key;
	int64_t hid = 0;
	uint64_t t0 = util_now_ms();
	bool txn;
	int finished;

	buf_init(&out, 0);
	if (queue_get(db, id, &qj) < 0)
		memset(&qj, 0, sizeof qj);
	qj.id = id;
	key = queue_job_key(&qj);
	who.user = qj.token;
	who.key = key;
	worker_db = db;
	worker_job_id = id;
	worker_touched_ms = util_now_ms();
	txn = worker_begin(db);
	worker_events = events_writer_start(db, id);
	if (txn)
		(void)worker_commit(db);
	if (job_parse(&j, request, strlen(request), &s->langs, err,
	              sizeof err) < 0) {
		/* checked when it came: only a changed server gets here */
		struct json_writer w = {&out, false};

		json_open(&w, NULL, '{');
		json_cstr(&w, "verdict", verdict_name(VERDICT_IE));
		json_cstr(&w, "detail", err);
		json_int(&w, "id", id);
		json_close(&w, '}');
	} else
		worker_job_run(s, db, id, &j, request, &who, &out, &hid);
	/* every event is written before the job is done, in one commit
	 * with its result */
	txn = worker_begin(db);
	events_writer_end(worker_events);
	worker_events = NULL;
	worker_db = NULL;
	if (s->fault_crash_after_record && hid > 0) {
		/* the window a crash may hit: recorded, result not stored */
		kill(getppid(), SIGKILL);
		raise(SIGKILL);
	}
	finished = queue_finish(db, id, (int)getpid(), buf_cstr(&out), hid);
	/* rolled back (the database busy for too long): the result alone,
	 * as its own write */
	if (txn && !worker_commit(db))
		finished =
		    queue_finish(db, id, (int)getpid(), buf_cstr(&out), hid);
	/* a queue elsewhere tells the server itself (watch_start) */
	if (finished > 0 && !db_queue(db)->remote) {
		struct worker_done d = {id, util_now_ms() - t0};

		/* one write under PIPE_BUF: never torn between workers */
		(void)util_write_all(done_w, &d, sizeof d);
	}
	/* its client gets the result now */
	attach_worker_close(worker_attach);
	worker_attach = NULL;
	job_free(&j);
	buf_free(&out);
	free(key);
	queue_job_free(&qj);
}

/* Whether the server closed the queue's bell: it is draining or gone. */
static bool
worker_hung_up(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR)) != 0;
}

static FORGE_NORETURN void
worker_main(struct serve *s, pid_t parent, int notify_r, int done_w)
{
	sigset_t none;
	struct db *db;
	char err[512], *request, c;
	int64_t id;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	/* every job allocates and frees about the same: the heap keeps
	 * what it grew to (up to 8 MB spare) rather than giving it back
	 * to the kernel and asking again at the next job */
	mallopt(M_TRIM_THRESHOLD, 8 << 20);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_IGN); /* a ^C reaches the server, which drains */
	if ((db = db_open_for(s, err, sizeof err)) == NULL) {
		fprintf(stderr, "forge: worker: %s\n", err);
		_exit(3);
	}
	/* a worker's writes (a claim, events, a result) need no sync of
	 * their own: WAL keeps them through the process's death, and one
	 * lost with the machine leaves its job queued or running, run
	 * again at the next start and recorded once (its key) */
	(void)sqlite3_exec(db_handle(db), "PRAGMA synchronous=NORMAL", NULL,
	                   NULL, NULL);
	for (;;) {
		struct pollfd p = {.fd = notify_r, .events = POLLIN};

		if (worker_hung_up(notify_r))
			break;
		if ((id = queue_claim(db, (int)getpid(), &request)) > 0) {
			worker_job(s, db, done_w, id, request);
			free(request);
			continue;
		}
		/* an empty claim of a queue elsewhere waited already */
		if (db_queue(db)->idle_ms > 0 &&
		    poll(&p, 1, (int)db_queue(db)->idle_ms) > 0 &&
		    (p.revents & POLLIN))
			(void)read(notify_r, &c, 1);
	}
	db_close(db);
	backend_release_all();
	_exit(0);
}

static pid_t
worker_fork(struct worker_pool *wp)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		close(wp->s->notify_w);
		close(wp->s->done_r);
		worker_main(wp->s, parent, wp->notify_r, wp->done_w);
	}
	return pid;
}

struct worker_pool *
worker_pool_start(struct serve *s, char *err, size_t errlen)
{
	struct worker_pool *wp = xcalloc(1, sizeof *wp);
	int nfd[2], dfd[2];

	if (pipe2(nfd, O_CLOEXEC) < 0 || pipe2(dfd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		free(wp);
		return NULL;
	}
	util_set_nonblock(nfd[0], true);
	util_set_nonblock(nfd[1], true);
	wp->s = s;
	wp->notify_r = nfd[0];
	s->notify_w = nfd[1];
	s->done_r = dfd[0];
	s->done_w = wp->done_w = dfd[1];
	wp->n = s->workers;
	wp->pids = xcalloc(wp->n, sizeof *wp->pids);
	for (unsigned i = 0; i < wp->n; i++)
		if ((wp->pids[i] = worker_fork(wp)) < 0) {
			snprintf(err, errlen, "fork: %s", strerror(errno));
			return NULL;
		}
	return wp;
}

/* Dead workers: their jobs back in the queue, and others in their place
 * unless the server is draining. */
void
worker_pool_reap(struct worker_pool *wp)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (unsigned i = 0; i < wp->n; i++) {
			if (wp->pids[i] != pid)
				continue;
			wp->pids[i] = 0;
			if (queue_requeue(wp->s->db, (int)pid) > 0)
				serve_notify(wp->s);
			if (!wp->s->draining)
				wp->pids[i] = worker_fork(wp);
		}
	}
}

/* Drains: no worker takes another job; each finishes its own within
 * grace_s seconds, or is killed (its job stays for the next start). */
void
worker_pool_stop(struct worker_pool *wp, unsigned grace_s)
{
	uint64_t until = util_now_ms() + (uint64_t)grace_s * 1000;
	bool left;

	wp->s->draining = true;
	if (wp->s->notify_w >= 0) {
		close(wp->s->notify_w);
		wp->s->notify_w = -1;
	}
	do {
		struct timespec ts = {0, 50 * 1000 * 1000};

		left = false;
		worker_pool_reap(wp);
		for (unsigned i = 0; i < wp->n; i++)
			left |= wp->pids[i] > 0;
		if (left && util_now_ms() >= until)
			for (unsigned i = 0; i < wp->n; i++)
				if (wp->pids[i] > 0)
					kill(wp->pids[i], SIGKILL);
		if (left)
			nanosleep(&ts, NULL);
	} while (left);
	(void)queue_requeue(wp->s->db, 0);
	close(wp->notify_r);
	close(wp->done_w);
	free(wp->pids);
	free(wp);
}
