/* forge serve: the start (database, workers, then HTTP threads, in that
 * order: workers fork before any thread exists), the signal loop of the
 * main thread (SIGCHLD: a worker died; SIGTERM/SIGINT: drain; SIGHUP:
 * the tokens again), and the drain. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "serve/serve.h"

/* A byte for a worker to wake on; a full pipe has woken them all. */
void
serve_notify(struct serve *s)
{
	if (s->notify_w >= 0)
		(void)!write(s->notify_w, "j", 1);
}

/* Tokens exist: every run needs one. */
static void
serve_tokens(struct serve *s)
{
	int64_t n = token_count(s->db);

	s->auth = n > 0;
	fprintf(stderr, "forge serve: %lld token%s%s\n", (long long)n,
	        n == 1 ? "" : "s",
	        n > 0 ? ": runs need one" : ", so no authentication");
}

/* SIGTERM, SIGINT: 0; the loop goes on for SIGCHLD and SIGHUP. */
static void
serve_loop(struct serve *s, struct worker_pool *wp)
{
	sigset_t set;
	struct timespec t = {1, 0};
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	for (;;) {
		sig = sigtimedwait(&set, NULL, &t);
		if (sig == SIGTERM || sig == SIGINT)
			return;
		if (sig == SIGHUP)
			serve_tokens(s);
		/* SIGCHLD, or a second passed: a lost signal costs no more */
		worker_pool_reap(wp);
	}
}

static int
serve_start(struct serve *s, const struct serve_options *o)
{
	char err[1024];
	struct worker_pool *wp;
	struct queue_watch *watch = NULL;
	struct http_server *h;
	sigset_t set;
	int n;

	if ((s->db = db_open_for(s, err, sizeof err)) == NULL) {
		fprintf(stderr, "forge serve: %s\n", err);
		return 4;
	}
	/* every answer waits for its writes' sync, shared by the requests
	 * that arrive together */
	db_group_commit(s->db);
	serve_tokens(s);
	/* jobs a killed server was running run again */
	if ((n = queue_requeue(s->db, 0)) > 0)
		fprintf(stderr,
		        "forge serve: %d interrupted job%s queued "
		        "again\n",
		        n, n == 1 ? "" : "s");
	o->backend->cleanup_stale();
	cache_cleanup_stale();
	/* signals are taken by the main thread alone (sigtimedwait); the
	 * workers unblock them */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (attach_dir_make(s, err, sizeof err) < 0) {
		fprintf(stderr, "forge serve: %s\n", err);
		return 3;
	}
	if ((wp = worker_pool_start(s, err, sizeof err)) == NULL) {
		fprintf(stderr, "forge serve: %s\n", err);
		return 3;
	}
	/* workers elsewhere: the jobs they finish, told to the HTTP side as
	 * the local workers tell theirs */
	if (db_queue(s->db)->remote &&
	    (watch = db_queue(s->db)->watch_start(s->db, s->done_w, err,
	                                          sizeof err)) == NULL) {
		fprintf(stderr, "forge serve: %s\n", err);
		worker_pool_stop(wp, 0);
		return 4;
	}
	for (unsigned i = 0; i < s->workers; i++)
		serve_notify(s);
	if ((h = http_start(s, o->listen ? o->listen : "127.0.0.1:8080", err,
	                    sizeof err)) == NULL) {
		fprintf(stderr, "forge serve: %s\n", err);
		if (watch != NULL)
			db_queue(s->db)->watch_stop(watch);
		worker_pool_stop(wp, 0);
		return 2;
	}
	fprintf(stderr,
	        "forge serve: %u workers, queue of %u, backend %s, "
	        "history %s\n",
	        s->workers, s->queue_max, o->backend->name, s->history_db);
	if (o->queue_url != NULL)
		fprintf(stderr, "forge serve: jobs go through %s (%s)\n",
		        o->queue_url, db_queue(s->db)->name);
	serve_loop(s, wp);
	fprintf(stderr, "forge serve: draining (running jobs have %d s)\n",
	        SERVE_GRACE);
	s->draining = true;
	http_quiesce(h);
	worker_pool_stop(wp, SERVE_GRACE);
	http_stop(h);
	if (watch != NULL)
		db_queue(s->db)->watch_stop(watch);
	fprintf(stderr, "forge serve: stopped; %lld job%s left queued\n",
	        (long long)queue_count(s->db, QUEUE_QUEUED, NULL),
	        queue_count(s->db, QUEUE_QUEUED, NULL) == 1 ? "" : "s");
	return 0;
}

int
serve_main(const struct serve_options *o)
{
	struct serve s;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int ret;

	memset(&s, 0, sizeof s);
	s.opts = o;
	s.notify_w = s.done_r = -1;
	/* with a queue elsewhere, forge worker runs the jobs; -j N runs some
	 * here as well */
	s.workers = o->workers > 0 ? o->workers
	            : o->queue_url ? 0
	                           : (unsigned)(cores > 0 ? cores : 1);
	s.queue_max = o->queue_max > 0 ? o->queue_max : 1000;
	s.history_db = xstrdup(history_path(o->db));
	/* a fault for the tests of the double-record window, read here and
	 * nowhere else */
	s.fault_crash_after_record =
	    getenv("FORGE_SERVE_FAULT") != NULL &&
	    strcmp(getenv("FORGE_SERVE_FAULT"), "crash-after-record") == 0;
	s.queue_db = db_path_for(s.history_db);
	pthread_mutex_init(&s.lock, NULL);
	s.metrics = metrics_new();
	lang_load_all(&s.langs);
	for (size_t i = 0; i < s.langs.nerrors; i++)
		fprintf(stderr, "forge serve: warning: %s\n",
		        s.langs.errors[i]);
	ret = serve_start(&s, o);
	attach_dir_remove(&s);
	auth_free(&s);
	db_close(s.db);
	metrics_free(s.metrics);
	lang_set_free(&s.langs);
	free(s.history_db);
	free(s.queue_db);
	return ret;
}
