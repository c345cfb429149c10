/* forge worker: worker processes without a server, on any machine, taking
 * the jobs of a forge serve --queue redis://... The same pool as the
 * server's (worker.c): the same job code, the history of this machine, a
 * dead worker forked again; the main process only waits for signals. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "serve/serve.h"

/* SIGTERM, SIGINT: the drain; SIGCHLD or a second: the dead replaced. */
static void
standalone_loop(struct worker_pool *wp)
{
	struct timespec t = {1, 0};
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	for (;;) {
		sig = sigtimedwait(&set, NULL, &t);
		if (sig == SIGTERM || sig == SIGINT)
			return;
		worker_pool_reap(wp);
	}
}

static int
standalone_run(struct serve *s, const struct serve_options *o)
{
	struct worker_pool *wp;
	char err[1024];
	sigset_t set;

	/* Redis is reachable, and the consumer group there, before any
	 * worker starts */
	if ((s->db = db_open_for(s, err, sizeof err)) == NULL) {
		fprintf(stderr, "forge worker: %s\n", err);
		return 4;
	}
	o->backend->cleanup_stale();
	cache_cleanup_stale();
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if ((wp = worker_pool_start(s, err, sizeof err)) == NULL) {
		fprintf(stderr, "forge worker: %s\n", err);
		return 3;
	}
	fprintf(stderr,
	        "forge worker: %u workers on %s, backend %s, history %s\n",
	        s->workers, o->queue_url, o->backend->name, s->history_db);
	standalone_loop(wp);
	fprintf(stderr, "forge worker: draining (running jobs have %d s)\n",
	        SERVE_GRACE);
	worker_pool_stop(wp, SERVE_GRACE);
	fprintf(stderr, "forge worker: stopped\n");
	return 0;
}

int
standalone_main(const struct serve_options *o)
{
	struct serve s;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int ret;

	memset(&s, 0, sizeof s);
	s.opts = o;
	s.notify_w = s.done_r = s.done_w = -1;
	s.workers =
	    o->workers > 0 ? o->workers : (unsigned)(cores > 0 ? cores : 1);
	s.history_db = xstrdup(history_path(o->db));
	s.queue_db = NULL; /* no server database: the queue is Redis */
	pthread_mutex_init(&s.lock, NULL);
	lang_load_all(&s.langs);
	for (size_t i = 0; i < s.langs.nerrors; i++)
		fprintf(stderr, "forge worker: warning: %s\n",
		        s.langs.errors[i]);
	ret = standalone_run(&s, o);
	db_close(s.db);
	lang_set_free(&s.langs);
	free(s.history_db);
	return ret;
}
