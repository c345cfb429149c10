/* forge run: compile if needed, run once in the sandbox, report. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

enum {
	OPT_STDIN = CLI_OPT_COMMAND,
	OPT_NET,
	OPT_CACHED,
	OPT_SAMPLES,
	OPT_QUIET,
};

static const struct cli_option run_options[] = {
    CLI_ROW_LANG,
    {"stdin", 'i', OPT_STDIN, "FILE", "feed FILE to the program's stdin"},
    {"time", 't', CLI_OPT_TIME, "SECONDS",
     "CPU time limit, all processes (default 2)"},
    {"wall", 0, CLI_OPT_WALL, "SECONDS",
     "wall time limit (default 10, 60 when stdin is a terminal; at "
     "least 2 x CPU + 1)"},
    {"mem", 'm', CLI_OPT_MEM, "SIZE",
     "memory limit, all processes (default 256M)"},
    CLI_ROW_PIDS,
    CLI_ROW_OUTPUT,
    CLI_ROW_FSIZE,
    {"net", 0, OPT_NET, NULL, "a private loopback network (never the host's)"},
    CLI_ROW_BACKEND,
    CLI_ROW_RUNTIME,
    CLI_ROW_SERVER,
    {"json", 0, CLI_OPT_JSON, NULL, "print one JSON object with the result"},
    CLI_ROW_NO_HISTORY("run"),
    CLI_ROW_DB,
    {"cached", 0, OPT_CACHED, NULL,
     "an earlier identical run's result, if any (not TLE or IE)"},
    CLI_ROW_COMPILE_TIME,
    CLI_ROW_COMPILE_MEM,
    {"samples", 0, OPT_SAMPLES, NULL,
     "with --json: the live usage samples (every 100 ms)"},
    {"quiet", 'q', OPT_QUIET, NULL, "no summary line"},
    CLI_ROW_END,
};

const struct cli_command cmd_run_entry = {
    .name = "run",
    .args = "[options] FILE",
    .usage = "[options] FILE",
    .summary = "compile if needed, run once in the sandbox",
    .about = "Compiles FILE if its language compiles (in the sandbox; builds "
             "are cached),\nruns it once in the sandbox and reports the "
             "verdict. The program's stdout and\nstderr pass through; a "
             "one-line summary goes to stderr.",
    .epilogue = "sizes take a unit: 512K, 256M, 1G. times are seconds: 2, "
                "0.5, 500ms.\nexit status: 0 OK, 1 another verdict, 2 usage "
                "error, 3 internal error (IE)",
    .options = run_options,
    .min_args = 1,
    .max_args = 1,
    .too_few = "no FILE to run (usage: forge run [options] FILE)",
    .too_many = "one FILE at a time",
    .exec = cmd_run,
};

/* forge run's own options */
struct run_opts {
	const char *stdin_path;
	bool net, cached, samples, quiet;
};

static int
run_option(void *arg, int key, const char *v, char *err, size_t len)
{
	struct run_opts *o = arg;

	(void)err;
	(void)len;
	switch (key) {
	case OPT_STDIN:
		o->stdin_path = v;
		break;
	case OPT_NET:
		o->net = true;
		break;
	case OPT_CACHED:
		o->cached = true;
		break;
	case OPT_SAMPLES:
		o->samples = true;
		break;
	case OPT_QUIET:
		o->quiet = true;
		break;
	}
	return 0;
}

void
run_sample(const struct box_sample *s, void *arg)
{
	struct run_io *io = arg;

	history_recorder_sample(&io->rec, s);
	if (io->preopen) {
		io->preopen = false;
		history_recorder_preopen(io->db);
	}
}

void
run_output(int stream, const char *p, size_t n, void *arg)
{
	struct run_io *io = arg;

	history_recorder_output(&io->rec, stream, p, n);
	if (io->passthrough)
		(void)util_write_all(stream == 1 ? 1 : 2, p, n);
}

void
run_input(int stream, const char *p, size_t n, void *arg)
{
	struct run_io *io = arg;

	history_recorder_input(&io->rec, p, n);
}

/* All of stdin, for the cache's look-up, then given from memory. */
static int
run_slurp(int fd, struct buf *b)
{
	if (util_read_fd(fd, b, 1u << 30) < 0)
		return -1;
	return util_memfd(b->data, b->len);
}

int
run_report(const struct history_run *h, const struct report_extra *x, bool json,
           bool quiet)
{
	enum verdict v = VERDICT_IE;

	if (json) {
		struct buf b;
		buf_init(&b, 0);
		report_run_json(h, x, &b);
		(void)util_write_all(1, b.data, b.len);
		buf_free(&b);
	} else if (!quiet)
		report_run_summary(stderr, h, x, cli_color(2));
	(void)verdict_from_name(h->verdict, &v);
	return verdict_exit_status(v);
}

/* One forge run, from its arguments to its report. */
struct run_ctx {
	struct cli_args a;
	struct run_opts o;
	const char *file;
	const struct language *lang;
	struct language_set langs;
	struct buf src, in; /* in: stdin, when read whole first */
	int stdin_fd;
	char *toolchain;
	struct run_io io;
	struct history_run h;
	struct report_extra x;
};

/* The language: -l's, else the one FILE's extension names (and only
 * that one is loaded). 0, or the exit status. */
static int
run_language(struct run_ctx *c)
{
	char err[512];

	if (c->a.lang != NULL) {
		lang_load_all(&c->langs);
		c->lang = lang_find_id(&c->langs, c->a.lang);
	} else
		c->lang = lang_load_for_file(&c->langs, c->file);
	for (size_t i = 0; i < c->langs.nerrors; i++)
		fprintf(stderr, "forge: warning: %s\n", c->langs.errors[i]);
	if (c->lang == NULL)
		return c->a.lang
		           ? cli_usage_error("unknown language '%s' (see "
		                             "'forge langs')",
		                             c->a.lang)
		           : cli_usage_error("%s: unknown file extension; "
		                             "name the language with -l "
		                             "(see 'forge langs')",
		                             c->file);
	if (!lang_available(c->lang, c->a.backend, err, sizeof err))
		return cli_usage_error("%s is not available here: %s",
		                       c->lang->name, err);
	return 0;
}

/* --stdin FILE, else our stdin. 0, or the exit status. */
static int
run_open_stdin(struct run_ctx *c)
{
	struct stat st;

	if (c->o.stdin_path == NULL) {
		c->stdin_fd = 0;
		return 0;
	}
	/* a FIFO with no writer would block this open for ever, before
	 * any limit applies: opened without waiting, it is fed to the
	 * program as it comes, under the wall limit */
	c->stdin_fd = open(c->o.stdin_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (c->stdin_fd < 0 || fstat(c->stdin_fd, &st) < 0)
		return cli_usage_error("--stdin %s: %s", c->o.stdin_path,
		                       strerror(errno));
	if (S_ISDIR(st.st_mode))
		return cli_usage_error("--stdin %s: is a directory",
		                       c->o.stdin_path);
	util_set_nonblock(c->stdin_fd, false);
	/* nor is it read whole first to look the run up */
	if (!S_ISREG(st.st_mode))
		c->o.cached = false;
	return 0;
}

/* --cached: an earlier identical run's result, shown as this run's; -1
 * when there is none (then the program runs). */
static int
run_from_cache(struct run_ctx *c)
{
	char hash[65], e[512];
	struct history *store;
	int64_t id;

	cache_sha256(c->src.data ? c->src.data : "", c->src.len, hash);
	store = history_open(history_path(c->a.db), false, e, sizeof e);
	if (store == NULL)
		return -1;
	id = history_cached(store, c->lang->id, c->toolchain, hash, c->in.data,
	                    c->in.len, &c->a.limits, "run", NULL);
	if (id <= 0 || history_get(store, id, &c->h, e, sizeof e) != 0) {
		history_close(store);
		return -1;
	}
	history_close(store);
	c->x.language_name = c->lang->name;
	c->x.cached = true;
	c->x.ran = true;
	if (!c->io.json) {
		(void)util_write_all(1, c->h.out ? c->h.out : "", c->h.out_len);
		(void)util_write_all(2, c->h.err ? c->h.err : "", c->h.err_len);
	}
	return run_report(&c->h, &c->x, c->io.json, c->o.quiet);
}

/* Compile, run, record, report: the exit status. */
static int
run_execute(struct run_ctx *c)
{
	struct pipeline_request q = {0};
	struct pipeline_result r;
	char herr[512];
	int ret, tty = -1;

	q.lang = c->lang;
	q.backend = c->a.backend;
	q.source = buf_cstr(&c->src);
	q.source_len = c->src.len;
	q.limits = c->a.limits;
	cli_compile_limits(&c->a, c->lang, &q.compile_limits);
	q.stdin_fd = c->stdin_fd;
	q.tty_fd = -1;
	q.on_output = run_output;
	q.on_input = run_input;
	q.on_sample = run_sample;
	q.arg = &c->io;
	/* typed at a terminal, on a server: the program gets a terminal
	 * there and runs as the keys come (the output comes back to this
	 * one), where a pipe would take all of stdin first */
	if (c->a.backend->run_program != NULL && isatty(c->stdin_fd) &&
	    isatty(STDOUT_FILENO) && !c->io.json &&
	    (tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) >= 0) {
		q.tty_fd = tty;
		q.tty_signals = true;
		c->io.passthrough = false;
	}
	pipeline_run(&q, &r);
	if (tty >= 0)
		close(tty);

	if (!c->io.json && r.compile_output.len > 0 &&
	    (!r.build_cached || r.verdict == VERDICT_CE))
		(void)util_write_all(2, r.compile_output.data,
		                     r.compile_output.len);
	/* in.len > 0: stdin was read whole before the run */
	if (c->in.len > 0 && c->io.rec.in.len == 0)
		buf_add(&c->io.rec.in, c->in.data, c->in.len);
	history_recorder_finish(&c->io.rec, &c->h,
	                        &(struct history_recorder_run){
	                            &r, c->lang, c->a.backend, &c->a.limits,
	                            c->file, c->src.data ? c->src.data : "",
	                            c->src.len,
	                            r.toolchain ? r.toolchain : c->toolchain});
	if (tty >= 0)
		history_run_unterminal(&c->h);
	c->x.language_name = c->lang->name;
	c->x.build_cached = r.build_cached;
	c->x.compile_ms = r.compile_ms;
	c->x.ran = r.ran;
	c->x.samples = c->o.samples;
	if (!c->a.no_history &&
	    history_recorder_save(c->a.db, &c->h, herr, sizeof herr) == 0) {
		/* the run is not lost for that: its result is still shown */
		fprintf(stderr,
		        "forge: warning: the run was not saved to the "
		        "history: %s\n",
		        herr);
		c->x.history_error = herr;
	}
	ret = run_report(&c->h, &c->x, c->io.json, c->o.quiet);
	pipeline_result_free(&r);
	return ret;
}

/* Everything up to the program's start that needs no sandbox; 0, or the
 * exit status. */
static int
run_prepare(struct run_ctx *c)
{
	int ret;

	if ((ret = cli_read_source(c->file, &c->src)) != 0 ||
	    (ret = run_language(c)) != 0 || (ret = run_open_stdin(c)) != 0)
		return ret;
	c->a.backend->cleanup_stale();
	cache_cleanup_stale();
	if (!c->a.no_history || c->o.cached)
		c->toolchain = cache_toolchain(c->lang, c->a.backend);
	/* a terminal's input is typed live: it is neither kept nor looked
	 * up; any other stdin is read first when the cache may answer */
	if (isatty(c->stdin_fd)) {
		c->io.rec.in_unrecorded = true;
		limits_typed_input(&c->a.limits, c->a.set.wall);
	} else if (c->o.cached) {
		int mfd = run_slurp(c->stdin_fd, &c->in);
		if (mfd < 0)
			return cli_usage_error("reading stdin: %s",
			                       strerror(errno));
		if (c->stdin_fd > 0)
			close(c->stdin_fd);
		c->stdin_fd = mfd;
	}
	return 0;
}

int
cmd_run(int argc, char **argv)
{
	struct run_ctx c;
	int ret;

	memset(&c, 0, sizeof c);
	if ((ret = cli_parse(&cmd_run_entry, argc, argv, &c.a, run_option,
	                     &c.o)) >= 0)
		return ret;
	if (c.o.samples && !c.a.json)
		return cli_usage_error("--samples goes with --json");
	c.a.limits.net = c.o.net;
	c.file = c.a.argv[0];
	c.io.json = c.a.json;
	c.io.passthrough = !c.a.json;
	c.stdin_fd = -1;
	buf_init(&c.src, 0);
	buf_init(&c.in, 0);
	history_run_init(&c.h);
	/* the timelines are kept for the history, and for --samples */
	history_recorder_init(&c.io.rec, !c.a.no_history || c.o.samples,
	                      (size_t)c.a.limits.output_bytes);
	/* the history is opened while the program runs (at its first
	 * sample, after the sandbox's clones); should the backend clone
	 * this process again meanwhile, it waits for the opener first */
	c.io.preopen = !c.a.no_history;
	c.io.db = c.a.db;
	backend_set_quiesce(history_recorder_preopen_wait);
	if ((ret = run_prepare(&c)) == 0 &&
	    (!c.o.cached || c.io.rec.in_unrecorded ||
	     (ret = run_from_cache(&c)) < 0))
		ret = run_execute(&c);
	history_recorder_preopen_wait();
	if (c.stdin_fd > 0)
		close(c.stdin_fd);
	buf_free(&c.in);
	history_recorder_free(&c.io.rec);
	history_run_free(&c.h);
	free(c.toolchain);
	buf_free(&c.src);
	lang_set_free(&c.langs);
	return ret;
}
