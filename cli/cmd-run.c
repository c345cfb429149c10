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
	OPT_NET = CLI_OPT_COMMAND,
	OPT_BACKEND,
	OPT_JSON,
	OPT_NO_HISTORY,
	OPT_COMPILE_TIME,
	OPT_COMPILE_MEM,
	OPT_SAMPLES,
	OPT_DB,
	OPT_CACHED,
};

static const struct cli_option run_options[] = {
    {"lang", 'l', "NAME", "language id (default: by file extension)"},
    {"stdin", 'i', "FILE", "feed FILE to the program's stdin"},
    {"time", 't', "SECONDS", "CPU time limit, all processes (default 2)"},
    {"wall", CLI_OPT_WALL, "SECONDS", "wall time limit (default 10)"},
    {"mem", 'm', "SIZE", "memory limit, all processes (default 256M)"},
    {"pids", CLI_OPT_PIDS, "N", "processes and threads (default 64)"},
    {"output", CLI_OPT_OUTPUT, "SIZE", "stdout+stderr limit (default 64M)"},
    {"fsize", CLI_OPT_FSIZE, "SIZE",
     "largest file, and size of /work and /tmp (default 64M)"},
    {"net", OPT_NET, NULL, "a private loopback network (never the host's)"},
    {"backend", OPT_BACKEND, "NAME", "sandbox backend (default ns)"},
    {"json", OPT_JSON, NULL, "print one JSON object with the result"},
    {"no-history", OPT_NO_HISTORY, NULL, "do not record the run"},
    {"db", OPT_DB, "PATH",
     "the history database (default: $FORGE_HISTORY, else "
     "$XDG_DATA_HOME/forge/history.db)"},
    {"cached", OPT_CACHED, NULL,
     "an earlier identical run's result, if any (not TLE or IE)"},
    {"compile-time", OPT_COMPILE_TIME, "SECONDS",
     "CPU time limit of the compiler (default: the language's)"},
    {"compile-mem", OPT_COMPILE_MEM, "SIZE",
     "memory limit of the compiler (default: the language's)"},
    {"samples", OPT_SAMPLES, NULL,
     "with --json: the live usage samples (every 100 ms)"},
    {"quiet", 'q', NULL, "no summary line"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

void
cmd_run_help(FILE *f)
{
	fprintf(f, "usage: forge run [options] FILE\n\n"
	           "Compiles FILE if its language compiles (in the sandbox; "
	           "builds are cached),\nruns it once in the sandbox and "
	           "reports the verdict. The program's stdout and\nstderr "
	           "pass through; a one-line summary goes to stderr.\n\n"
	           "options:\n");
	cli_options_help(f, run_options);
	fprintf(f, "\nsizes take a unit: 512K, 256M, 1G. times are seconds: 2, "
	           "0.5, 500ms.\nexit status: 0 OK, 1 another verdict, 2 usage "
	           "error, 3 internal error (IE)\n");
}

void
run_sample(const struct box_sample *s, void *arg)
{
	struct run_io *io = arg;

	history_recorder_sample(&io->rec, s);
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

static int
run_opt_error(const char *opt, const char *err)
{
	return cli_usage_error("--%s: %s", opt, err);
}

int
cmd_run(int argc, char **argv)
{
	struct limits limits, climits;
	const char *lang_id = NULL, *stdin_path = NULL, *backend_name = NULL;
	struct language_set langs;
	const struct language *lang;
	const struct backend *be;
	struct pipeline_request q = {0};
	struct pipeline_result r;
	struct run_io io = {0};
	struct option *lo;
	char shortopts[64], err[256];
	bool quiet = false, climits_set[2] = {false, false};
	struct cli_limits_set lset = {0};
	bool no_history = false, cached = false, want_samples = false;
	const char *db = NULL;
	uint64_t ctime = 0, cmem = 0;
	struct buf src, in;
	struct history_run h;
	struct report_extra x = {0};
	char *toolchain = NULL, herr[512];
	int opt, ret, stdin_fd = -1;

	limits_default_run(&limits);
	io.passthrough = true;
	lo = cli_longopts(run_options, shortopts, sizeof shortopts);
	opterr = 0;
	optind = 1;
	ret = -1;
	while (ret < 0 &&
	       (opt = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		const char *name = NULL;
		int bad = 0;
		size_t i;

		for (i = 0; run_options[i].name != NULL; i++)
			if (run_options[i].key == opt)
				name = run_options[i].name;
		if (cli_limit_option(opt, optarg, &limits, &lset, &bad, err,
		                     sizeof err))
			;
		else
			switch (opt) {
			case 'l':
				lang_id = optarg;
				break;
			case 'i':
				stdin_path = optarg;
				break;
			case OPT_NET:
				limits.net = true;
				break;
			case OPT_BACKEND:
				backend_name = optarg;
				break;
			case OPT_JSON:
				io.json = true;
				io.passthrough = false;
				break;
			case OPT_NO_HISTORY:
				no_history = true;
				break;
			case OPT_DB:
				db = optarg;
				break;
			case OPT_CACHED:
				cached = true;
				break;
			case OPT_COMPILE_TIME:
				bad = limits_parse_seconds(optarg, &ctime, err,
				                           sizeof err);
				climits_set[0] = true;
				break;
			case OPT_COMPILE_MEM:
				bad = limits_parse_size(optarg, &cmem, err,
				                        sizeof err);
				climits_set[1] = true;
				break;
			case OPT_SAMPLES:
				want_samples = true;
				break;
			case 'q':
				quiet = true;
				break;
			case 'h':
				cmd_run_help(stdout);
				ret = 0;
				break;
			case ':':
				ret =
				    cli_usage_error("option '%s' needs a value "
				                    "(see 'forge run --help')",
				                    argv[optind - 1]);
				break;
			default:
				ret = cli_usage_error(
				    "unknown option '%s' (see 'forge "
				    "run --help')",
				    argv[optind - 1]);
				break;
			}
		if (bad < 0)
			ret = run_opt_error(name, err);
	}
	free(lo);
	if (ret >= 0)
		return ret;
	/* the wall limit follows the CPU limit unless given */
	if (!lset.wall && limits.wall_ms < limits.cpu_ms * 2 + 1000)
		limits.wall_ms = limits.cpu_ms * 2 + 1000;
	if (optind != argc - 1)
		return cli_usage_error(optind >= argc
		                           ? "no FILE to run (usage: forge "
		                             "run [options] FILE)"
		                           : "one FILE at a time ('%s' is "
		                             "extra)",
		                       argv[argc - 1]);

	if (want_samples && !io.json)
		return cli_usage_error("--samples goes with --json");
	be = backend_default();
	if (backend_name != NULL &&
	    backend_lookup(backend_name, &be, err, sizeof err) < 0)
		return cli_usage_error("--backend: %s", err);

	buf_init(&src, 0);
	buf_init(&in, 0);
	history_run_init(&h);
	/* the timelines are kept for the history, and for --samples */
	history_recorder_init(&io.rec, !no_history || want_samples,
	                      (size_t)limits.output_bytes);
	if ((ret = cli_read_source(argv[optind], &src)) != 0) {
		buf_free(&src);
		history_recorder_free(&io.rec);
		return ret;
	}
	/* without -l only the language the extension names is loaded */
	if (lang_id != NULL) {
		lang_load_all(&langs);
		lang = lang_find_id(&langs, lang_id);
	} else
		lang = lang_load_for_file(&langs, argv[optind]);
	for (size_t i = 0; i < langs.nerrors; i++)
		fprintf(stderr, "forge: warning: %s\n", langs.errors[i]);
	if (lang == NULL) {
		ret = lang_id ? cli_usage_error("unknown language '%s' (see "
		                                "'forge langs')",
		                                lang_id)
		              : cli_usage_error("%s: unknown file extension; "
		                                "name the language with -l "
		                                "(see 'forge langs')",
		                                argv[optind]);
		goto out;
	}
	if (!lang_available(lang, be, err, sizeof err)) {
		ret = cli_usage_error("%s is not available here: %s",
		                      lang->name, err);
		goto out;
	}
	if (stdin_path != NULL) {
		struct stat st;
		/* a FIFO with no writer would block this open for ever,
		 * before any limit applies: opened without waiting, it is
		 * fed to the program as it comes, under the wall limit */
		stdin_fd = open(stdin_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (stdin_fd < 0 || fstat(stdin_fd, &st) < 0) {
			ret = cli_usage_error("--stdin %s: %s", stdin_path,
			                      strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			ret = cli_usage_error("--stdin %s: is a directory",
			                      stdin_path);
			goto out;
		}
		util_set_nonblock(stdin_fd, false);
		/* nor is it read whole first to look the run up */
		if (!S_ISREG(st.st_mode))
			cached = false;
	} else
		stdin_fd = 0;

	be->cleanup_stale();
	cache_cleanup_stale();
	if (!no_history || cached)
		toolchain = cache_toolchain(lang, be);
	/* a terminal's input is typed live: it is neither kept nor looked
	 * up; any other stdin is read first when the cache may answer */
	if (isatty(stdin_fd))
		io.rec.in_unrecorded = true;
	else if (cached) {
		int mfd = run_slurp(stdin_fd, &in);
		if (mfd < 0) {
			ret = cli_usage_error("reading stdin: %s",
			                      strerror(errno));
			goto out;
		}
		if (stdin_fd > 0)
			close(stdin_fd);
		stdin_fd = mfd;
	}
	if (cached && !io.rec.in_unrecorded) {
		char hash[65], e[512];
		struct history *store;

		cache_sha256(src.data ? src.data : "", src.len, hash);
		store = history_open(history_path(db), false, e, sizeof e);
		if (store != NULL) {
			int64_t id = history_cached(store, lang->id, toolchain,
			                            hash, in.data, in.len,
			                            &limits, "run", NULL);
			if (id > 0 &&
			    history_get(store, id, &h, e, sizeof e) == 0) {
				history_close(store);
				x.language_name = lang->name;
				x.cached = true;
				x.ran = true;
				if (!io.json) {
					(void)util_write_all(
					    1, h.out ? h.out : "", h.out_len);
					(void)util_write_all(
					    2, h.err ? h.err : "", h.err_len);
				}
				ret = run_report(&h, &x, io.json, quiet);
				goto out;
			}
			history_close(store);
		}
	}

	climits = lang->compile_limits;
	if (climits_set[0]) {
		climits.cpu_ms = ctime;
		if (climits.wall_ms < ctime * 2)
			climits.wall_ms = ctime * 2;
	}
	if (climits_set[1])
		climits.mem_bytes = cmem;
	q.lang = lang;
	q.backend = be;
	q.source = buf_cstr(&src);
	q.source_len = src.len;
	q.limits = limits;
	q.compile_limits = climits;
	q.stdin_fd = stdin_fd;
	q.tty_fd = -1;
	q.on_output = run_output;
	q.on_input = run_input;
	q.on_sample = run_sample;
	q.arg = &io;
	pipeline_run(&q, &r);

	if (!io.json && r.compile_output.len > 0 &&
	    (!r.build_cached || r.verdict == VERDICT_CE))
		(void)util_write_all(2, r.compile_output.data,
		                     r.compile_output.len);
	/* in.len > 0: stdin was read whole before the run */
	if (in.len > 0 && io.rec.in.len == 0) {
		buf_add(&io.rec.in, in.data, in.len);
	}
	history_recorder_finish(
	    &io.rec, &h,
	    &(struct history_recorder_run){&r, lang, be, &limits, argv[optind],
	                                   src.data ? src.data : "", src.len,
	                                   toolchain});
	x.language_name = lang->name;
	x.build_cached = r.build_cached;
	x.compile_ms = r.compile_ms;
	x.ran = r.ran;
	x.samples = want_samples;
	if (!no_history &&
	    history_recorder_save(db, &h, herr, sizeof herr) == 0) {
		/* the run is not lost for that: its result is still shown */
		fprintf(stderr,
		        "forge: warning: the run was not saved to the "
		        "history: %s\n",
		        herr);
		x.history_error = herr;
	}
	ret = run_report(&h, &x, io.json, quiet);
	pipeline_result_free(&r);
out:
	if (stdin_fd > 0)
		close(stdin_fd);
	buf_free(&in);
	history_recorder_free(&io.rec);
	history_run_free(&h);
	free(toolchain);
	buf_free(&src);
	lang_set_free(&langs);
	return ret;
}
