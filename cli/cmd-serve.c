/* forge serve and forge token: the server's two commands. Their options
 * are read here, in forge; the server itself is forge-serve (it links
 * the HTTP library, which forge does not), run with the same arguments
 * once they are known to be good. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "serve/serve.h"

/* Defined in forge-serve alone. */
extern int serve_main(const struct serve_options *) __attribute__((weak));
extern int token_main(const struct token_options *) __attribute__((weak));

enum {
	OPT_LISTEN = CLI_OPT_COMMAND,
	OPT_WORKERS,
	OPT_QUEUE,
	OPT_NO_AUTH,
	OPT_RATE,
	OPT_BURST,
	OPT_MAX_QUEUED,
	OPT_ROLE,
	OPT_RESULT_TTL,
};

static const struct cli_option serve_options_table[] = {
    {"listen", 0, OPT_LISTEN, "ADDR:PORT",
     "where to listen (default 127.0.0.1:8080; port 0: any free one)"},
    {"workers", 'j', OPT_WORKERS, "N",
     "jobs run at once, each in a worker process (default: the cores)"},
    {"queue", 0, OPT_QUEUE, "N|URL",
     "jobs waiting at most, refused past it (default 1000); or "
     "redis://HOST:PORT"},
    CLI_ROW_BACKEND,
    CLI_ROW_DB,
    {"no-auth", 0, OPT_NO_AUTH, NULL,
     "listen beyond loopback without any token (anyone may run code)"},
    {"result-ttl", 0, OPT_RESULT_TTL, "SECONDS",
     "with --queue redis://: results kept in Redis by content this long "
     "(default 3600; 0: none)"},
    CLI_ROW_END,
};

const struct cli_command cmd_serve_entry = {
    .name = "serve",
    .args = "[options]",
    .usage = "[options]",
    .summary = "run programs for others, over HTTP",
    .about = "Serves the engine over HTTP/1.1: POST /v1/runs runs a program "
             "(or judges it\nwith tests), GET /v1/runs/ID gives its result. "
             "Accepted jobs are kept in a\ndatabase beside the history and "
             "survive a crash; every run is recorded in\nthe history. With "
             "tokens (forge token add), runs need one. See\n"
             "forge-serve(1) and doc/openapi.yaml.",
    .epilogue = "SIGTERM or ^C drains: no new job starts, running ones "
                "finish, queued ones\nwait for the next start. SIGHUP "
                "reads the tokens again.\nexit status: 0 after a drain, 2 "
                "usage error or cannot listen, 3 internal\nerror, 4 the "
                "database cannot be used",
    .options = serve_options_table,
    .min_args = 0,
    .max_args = 0,
    .exec = cmd_serve,
};

static const struct cli_option token_options_table[] = {
    {"rate", 0, OPT_RATE, "R/s", "add: requests a second at most"},
    {"burst", 0, OPT_BURST, "B", "add: requests at once past the rate"},
    {"max-queued", 0, OPT_MAX_QUEUED, "N", "add: jobs waiting at most"},
    {"role", 0, OPT_ROLE, "ROLE",
     "add: teacher (default: the whole API) or student (submits to the "
     "lab, sees its own work)"},
    CLI_ROW_DB,
    CLI_ROW_END,
};

const struct cli_command cmd_token_entry = {
    .name = "token",
    .args = "add|list|revoke",
    .usage = "add NAME [options] | list | revoke NAME",
    .summary = "the server's API tokens",
    .about = "add prints a new token for NAME once (the database keeps its "
             "hash only);\nlist shows the tokens; revoke NAME removes one. "
             "A running server reads\nthem again on SIGHUP.",
    .epilogue = "exit status: 0 done, 2 usage error or no such token, 3 "
                "internal error, 4 the\ndatabase cannot be used",
    .options = token_options_table,
    .min_args = 1,
    .max_args = 2,
    .exec = cmd_token,
};

/* forge-serve, which has the server: the whole command line again.
 * Replaces this process. */
int
serve_exec(int argc, char **argv)
{
#ifdef HAVE_SERVE
	(void)argc;
	(void)argv;
	return cli_exec_sibling("forge-serve", cli_argv);
#else
	(void)argc;
	(void)argv;
	return cli_usage_error("this forge was built without the server "
	                       "(configure found no libmicrohttpd: install "
	                       "libmicrohttpd-dev and build again)");
#endif
}

struct serve_args {
	struct serve_options o;
	struct token_options t;
};

/* A count from 1 to max. */
static int
serve_count(const char *v, unsigned max, unsigned *out, char *err, size_t len)
{
	uint32_t n;

	if (limits_parse_count(v, &n, err, len) < 0)
		return -1;
	if (n == 0 || n > max) {
		snprintf(err, len, "'%s': from 1 to %u, please", v, max);
		return -1;
	}
	*out = n;
	return 0;
}

/* --result-ttl SECONDS: 0 (none cached) to 30 days. */
int
serve_result_ttl(const char *v, struct serve_options *o, char *err, size_t len)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 ||
	    n > 30ul * 86400) {
		snprintf(err, len, "'%s': from 0 to %lu seconds, please", v,
		         30ul * 86400);
		return -1;
	}
	o->result_ttl = (unsigned)n;
	o->result_ttl_given = true;
	return 0;
}

/* --queue redis://...: checked here, where forge can say so early. */
int
serve_queue_url(const char *v, struct serve_options *o, char *err, size_t len)
{
#ifdef HAVE_REDIS
	if (v[8] == '\0' || v[8] == '/' || strchr(v, ' ') != NULL) {
		snprintf(err, len,
		         "'%s': redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], "
		         "please",
		         v);
		return -1;
	}
	o->queue_url = v;
	return 0;
#else
	(void)o;
	snprintf(err, len,
	         "'%s': this forge was built without Redis (configure found "
	         "no hiredis: install libhiredis-dev and build again)",
	         v);
	return -1;
#endif
}

static int
serve_option(void *arg, int key, const char *v, char *err, size_t len)
{
	struct serve_args *s = arg;
	char *end;
	unsigned n;

	switch (key) {
	case OPT_LISTEN:
		s->o.listen = v;
		return 0;
	case OPT_WORKERS:
		return serve_count(v, 1024, &s->o.workers, err, len);
	case OPT_QUEUE:
		if (strncmp(v, "redis://", 8) == 0)
			return serve_queue_url(v, &s->o, err, len);
		return serve_count(v, 1000000, &s->o.queue_max, err, len);
	case OPT_NO_AUTH:
		s->o.no_auth = true;
		return 0;
	case OPT_RATE:
		errno = 0;
		s->t.rate = strtod(v, &end);
		if (strcmp(end, "/s") == 0)
			end += 2;
		if (errno || end == v || *end != '\0' || !(s->t.rate > 0) ||
		    s->t.rate > 1e6) {
			snprintf(err, len, "'%s': requests a second, e.g. 5/s",
			         v);
			return -1;
		}
		return 0;
	case OPT_BURST:
		if (serve_count(v, 1000000, &n, err, len) < 0)
			return -1;
		s->t.burst = n;
		return 0;
	case OPT_MAX_QUEUED:
		if (serve_count(v, 1000000, &n, err, len) < 0)
			return -1;
		s->t.max_queued = n;
		return 0;
	case OPT_RESULT_TTL:
		return serve_result_ttl(v, &s->o, err, len);
	case OPT_ROLE:
		if (strcmp(v, "student") != 0 && strcmp(v, "teacher") != 0) {
			snprintf(err, len, "'%s': student or teacher, please",
			         v);
			return -1;
		}
		s->t.role = v;
		return 0;
	}
	return 0;
}

int
cmd_serve(int argc, char **argv)
{
	struct cli_args a;
	struct serve_args s = {0};
	int ret;

	if ((ret = cli_parse(&cmd_serve_entry, argc, argv, &a, serve_option,
	                     &s)) >= 0)
		return ret;
	if (s.o.result_ttl_given && s.o.queue_url == NULL)
		return cli_usage_error("--result-ttl goes with --queue "
		                       "redis://... (the SQLite queue keeps no "
		                       "results)");
	if (serve_main == NULL)
		return serve_exec(argc, argv);
	s.o.backend = a.backend;
	s.o.db = a.db;
	return serve_main(&s.o);
}

int
cmd_token(int argc, char **argv)
{
	struct cli_args a;
	struct serve_args s = {0};
	const char *act;
	int ret;

	if ((ret = cli_parse(&cmd_token_entry, argc, argv, &a, serve_option,
	                     &s)) >= 0)
		return ret;
	act = a.argv[0];
	if (strcmp(act, "add") != 0 && strcmp(act, "list") != 0 &&
	    strcmp(act, "revoke") != 0)
		return cli_usage_error("token %s: use add, list or revoke",
		                       act);
	if (strcmp(act, "list") == 0 ? a.argc != 1 : a.argc != 2)
		return cli_usage_error("usage: forge token %s",
		                       act[0] == 'l' ? "list"
		                                     : "add|revoke "
		                                       "NAME");
	if (strcmp(act, "add") != 0 &&
	    (s.t.rate > 0 || s.t.burst > 0 || s.t.max_queued > 0 || s.t.role))
		return cli_usage_error("--rate, --burst, --max-queued and "
		                       "--role go with add");
	if (a.argc == 2 && (a.argv[1][0] == '\0' || strlen(a.argv[1]) > 64))
		return cli_usage_error("a token's NAME: 1 to 64 characters");
	if (token_main == NULL)
		return serve_exec(argc, argv);
	s.t.action = act;
	s.t.name = a.argc == 2 ? a.argv[1] : NULL;
	s.t.db = a.db;
	return token_main(&s.t);
}
