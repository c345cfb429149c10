/* forge worker: runs the jobs of a forge serve --queue redis://... from
 * any machine. Its options are read here; the worker itself is in
 * forge-serve (it links hiredis, which forge does not), run with the same
 * arguments once they are known to be good. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "serve/serve.h"

/* Defined in forge-serve alone. */
extern int standalone_main(const struct serve_options *) __attribute__((weak));

enum {
	OPT_QUEUE = CLI_OPT_COMMAND,
	OPT_WORKERS,
	OPT_CLAIM_TIMEOUT,
	OPT_RESULT_TTL,
};

static const struct cli_option worker_options_table[] = {
    {"queue", 0, OPT_QUEUE, "URL",
     "the server's queue: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]"},
    {"workers", 'j', OPT_WORKERS, "N",
     "jobs run at once, each in a worker process (default: the cores)"},
    {"claim-timeout", 0, OPT_CLAIM_TIMEOUT, "SECONDS",
     "a job silent this long is another worker's (default 60)"},
    {"result-ttl", 0, OPT_RESULT_TTL, "SECONDS",
     "results kept in Redis by content this long (default 3600; 0: none)"},
    CLI_ROW_BACKEND,
    CLI_ROW_DB,
    CLI_ROW_END,
};

const struct cli_command cmd_worker_entry = {
    .name = "worker",
    .args = "--queue redis://...",
    .usage = "--queue redis://HOST:PORT [options]",
    .summary = "run a server's jobs from another machine",
    .about =
        "Takes the jobs a forge serve --queue redis://HOST:PORT "
        "accepted, runs them\nwith the engine as that server's own "
        "workers would, records them in this\nmachine's history and "
        "stores each result in Redis, once. Any number of\nworkers "
        "on any number of machines share the jobs (a Redis consumer "
        "group);\na job whose worker died is taken by another after "
        "--claim-timeout. Compiled\nbuilds are shared through Redis "
        "by content hash, and so are results (an identical job's\nis reused "
        "for --result-ttl). See forge-worker(1).",
    .epilogue = "SIGTERM or ^C drains: no new job starts, running ones "
                "finish (30 s at most).\nexit status: 0 after a drain, 2 "
                "usage error, 3 internal error, 4 Redis cannot\nbe reached",
    .options = worker_options_table,
    .min_args = 0,
    .max_args = 0,
    .exec = cmd_worker,
};

static int
worker_option(void *arg, int key, const char *v, char *err, size_t len)
{
	struct serve_options *o = arg;
	uint32_t n;

	switch (key) {
	case OPT_RESULT_TTL:
		return serve_result_ttl(v, o, err, len);
	case OPT_QUEUE:
		if (strncmp(v, "redis://", 8) != 0) {
			snprintf(err, len, "'%s': redis://HOST:PORT, please",
			         v);
			return -1;
		}
		return serve_queue_url(v, o, err, len);
	case OPT_WORKERS:
	case OPT_CLAIM_TIMEOUT:
		if (limits_parse_count(v, &n, err, len) < 0)
			return -1;
		if (n == 0 || n > (key == OPT_WORKERS ? 1024u : 86400u)) {
			snprintf(err, len, "'%s': from 1 to %u, please", v,
			         key == OPT_WORKERS ? 1024u : 86400u);
			return -1;
		}
		if (key == OPT_WORKERS)
			o->workers = n;
		else
			o->claim_timeout = n;
		return 0;
	}
	return 0;
}

int
cmd_worker(int argc, char **argv)
{
	struct cli_args a;
	struct serve_options o = {0};
	int ret;

	if ((ret = cli_parse(&cmd_worker_entry, argc, argv, &a, worker_option,
	                     &o)) >= 0)
		return ret;
	if (o.queue_url == NULL)
		return cli_usage_error("forge worker needs --queue "
		                       "redis://HOST:PORT (the server's)");
	if (standalone_main == NULL)
		return serve_exec(argc, argv);
	o.backend = a.backend;
	o.db = a.db;
	return standalone_main(&o);
}
