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
	OPT_WALL = 256,
	OPT_PIDS,
	OPT_OUTPUT,
	OPT_FSIZE,
	OPT_NET,
	OPT_BACKEND,
	OPT_JSON,
	OPT_NO_HISTORY,
	OPT_COMPILE_TIME,
	OPT_COMPILE_MEM,
	OPT_SAMPLES,
};

static const struct cli_option run_options[] = {
    {"lang", 'l', "NAME", "language id (default: by file extension)"},
    {"stdin", 'i', "FILE", "feed FILE to the program's stdin"},
    {"time", 't', "SECONDS", "CPU time limit, all processes (default 2)"},
    {"wall", OPT_WALL, "SECONDS", "wall time limit (default 10)"},
    {"mem", 'm', "SIZE", "memory limit, all processes (default 256M)"},
    {"pids", OPT_PIDS, "N", "processes and threads (default 64)"},
    {"output", OPT_OUTPUT, "SIZE", "stdout+stderr limit (default 64M)"},
    {"fsize", OPT_FSIZE, "SIZE",
     "largest file, and size of /work and /tmp (default 64M)"},
    {"net", OPT_NET, NULL, "a private loopback network (never the host's)"},
    {"backend", OPT_BACKEND, "NAME", "sandbox backend (default ns)"},
    {"json", OPT_JSON, NULL, "print one JSON object with the result"},
    {"no-history", OPT_NO_HISTORY, NULL, "do not record the run"},
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

struct run_io {
	bool json;
	struct buf out, err;
	bool want_samples;
	struct box_sample *samples;
	size_t nsamples;
};

static void
run_sample(const struct box_sample *s, void *arg)
{
	struct run_io *io = arg;

	/* a day of samples at most: the array stays bounded */
	if (io->nsamples >= 864000)
		return;
	io->samples =
	    xrealloc(io->samples, (io->nsamples + 1) * sizeof *io->samples);
	io->samples[io->nsamples++] = *s;
}

static void
run_output(int stream, const char *p, size_t n, void *arg)
{
	struct run_io *io = arg;

	if (io->json)
		buf_add(stream == 1 ? &io->out : &io->err, p, n);
	else
		(void)util_write_all(stream == 1 ? 1 : 2, p, n);
}

static void
run_json_limits(struct json_writer *w, const char *key, const struct limits *l)
{
	json_open(w, key, '{');
	json_int(w, "time_ms", (long long)l->cpu_ms);
	json_int(w, "wall_ms", (long long)l->wall_ms);
	json_int(w, "memory_kb", (long long)(l->mem_bytes / 1024));
	json_int(w, "pids", l->pids);
	json_int(w, "output_kb", (long long)(l->output_bytes / 1024));
	json_int(w, "fsize_kb", (long long)(l->fsize_bytes / 1024));
	json_bool(w, "net", l->net);
	json_close(w, '}');
}

static void
run_print_json(const struct pipeline_result *r, const struct language *lang,
               const struct backend *be, const struct limits *l,
               struct run_io *io)
{
	struct buf b;
	struct json_writer w;
	char sig[32];

	buf_init(&b, 0);
	w.out = &b;
	w.comma = false;
	json_open(&w, NULL, '{');
	json_cstr(&w, "verdict", verdict_name(r->verdict));
	json_cstr(&w, "detail", r->detail);
	if (r->ran && r->run.end == BOX_EXITED)
		json_int(&w, "exit_code", r->run.exit_code);
	else
		json_null(&w, "exit_code");
	if (r->ran && r->run.signal != 0) {
		snprintf(sig, sizeof sig, "SIG%s",
		         sigabbrev_np(r->run.signal)
		             ? sigabbrev_np(r->run.signal)
		             : "?");
		json_cstr(&w, "signal", sig);
	} else
		json_null(&w, "signal");
	if (r->ran && r->run.syscall[0] != '\0')
		json_cstr(&w, "syscall", r->run.syscall);
	else
		json_null(&w, "syscall");
	json_int(&w, "time_ms", (long long)r->run.cpu_ms);
	json_int(&w, "wall_ms", (long long)r->run.wall_ms);
	json_int(&w, "memory_kb", (long long)r->run.mem_kb);
	json_str(&w, "stdout", io->out.data ? io->out.data : "", io->out.len);
	json_str(&w, "stderr", io->err.data ? io->err.data : "", io->err.len);
	/* complete unless cut by the output limit or the capture buffer */
	json_bool(&w, "output_truncated",
	          io->out.truncated || io->err.truncated ||
	              (r->ran && r->run.end == BOX_OUTPUT));
	if (r->compiled)
		json_str(&w, "compile_output",
		         r->compile_output.data ? r->compile_output.data : "",
		         r->compile_output.len);
	else
		json_null(&w, "compile_output");
	json_cstr(&w, "language", lang->id);
	json_cstr(&w, "language_name", lang->name);
	run_json_limits(&w, "limits", l);
	if (r->ran)
		json_cstr(&w, "enforced_by",
		          box_enforcer_name(r->run.enforced_by));
	else
		json_null(&w, "enforced_by");
	json_cstr(&w, "backend", be->name);
	json_bool(&w, "build_cached", r->build_cached);
	json_int(&w, "compile_ms", (long long)r->compile_ms);
	json_bool(&w, "cached", false);
	json_null(&w, "id");
	if (io->want_samples) {
		size_t i;

		json_open(&w, "samples", '[');
		for (i = 0; i < io->nsamples; i++) {
			json_open(&w, NULL, '{');
			json_int(&w, "t_ms", (long long)io->samples[i].t_ms);
			json_int(&w, "cpu_ms",
			         (long long)io->samples[i].cpu_ms);
			json_int(&w, "memory_kb",
			         (long long)(io->samples[i].mem_bytes / 1024));
			json_int(&w, "pids", io->samples[i].pids);
			json_close(&w, '}');
		}
		json_close(&w, ']');
	}
	json_close(&w, '}');
	buf_add(&b, "\n", 1);
	(void)util_write_all(1, b.data, b.len);
	buf_free(&b);
}

static void
run_print_summary(const struct pipeline_result *r, const struct language *lang,
                  const struct backend *be)
{
	bool color = cli_color(2);
	const char *c = "", *reset = "";
	char mem[32];

	if (color) {
		reset = "\033[0m";
		c = verdict_good(r->verdict)   ? "\033[1;32m"
		    : r->verdict == VERDICT_IE ? "\033[1;35m"
		                               : "\033[1;31m";
	}
	limits_format_size(r->run.mem_kb * 1024, mem, sizeof mem);
	fprintf(stderr, "forge: %s%s%s", c, verdict_name(r->verdict), reset);
	if (r->detail[0] != '\0')
		fprintf(stderr, " (%s)", r->detail);
	if (r->ran)
		fprintf(stderr, "  cpu %.3fs  wall %.3fs  mem %s",
		        (double)r->run.cpu_ms / 1000.0,
		        (double)r->run.wall_ms / 1000.0, mem);
	fprintf(stderr, "  [%s, %s", lang->id, be->name);
	if (r->ran)
		fprintf(stderr, "/%s", box_enforcer_name(r->run.enforced_by));
	if (r->compiled)
		fprintf(stderr, ", %s",
		        r->build_cached ? "build cached" : "compiled");
	fprintf(stderr, "]\n");
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
	bool quiet = false, climits_set[2] = {false, false}, wall_set = false;
	uint64_t ctime = 0, cmem = 0;
	struct buf src;
	int opt, ret, stdin_fd = -1;

	limits_default_run(&limits);
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
		switch (opt) {
		case 'l':
			lang_id = optarg;
			break;
		case 'i':
			stdin_path = optarg;
			break;
		case 't':
			bad = limits_parse_seconds(optarg, &limits.cpu_ms, err,
			                           sizeof err);
			break;
		case OPT_WALL:
			wall_set = true;
			bad = limits_parse_seconds(optarg, &limits.wall_ms, err,
			                           sizeof err);
			break;
		case 'm':
			bad = limits_parse_size(optarg, &limits.mem_bytes, err,
			                        sizeof err);
			break;
		case OPT_PIDS:
			bad = limits_parse_count(optarg, &limits.pids, err,
			                         sizeof err);
			break;
		case OPT_OUTPUT:
			bad = limits_parse_size(optarg, &limits.output_bytes,
			                        err, sizeof err);
			break;
		case OPT_FSIZE:
			bad = limits_parse_size(optarg, &limits.fsize_bytes,
			                        err, sizeof err);
			break;
		case OPT_NET:
			limits.net = true;
			break;
		case OPT_BACKEND:
			backend_name = optarg;
			break;
		case OPT_JSON:
			io.json = true;
			break;
		case OPT_NO_HISTORY:
			break;
		case OPT_COMPILE_TIME:
			bad = limits_parse_seconds(optarg, &ctime, err,
			                           sizeof err);
			climits_set[0] = true;
			break;
		case OPT_COMPILE_MEM:
			bad = limits_parse_size(optarg, &cmem, err, sizeof err);
			climits_set[1] = true;
			break;
		case OPT_SAMPLES:
			io.want_samples = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			cmd_run_help(stdout);
			ret = 0;
			break;
		case ':':
			ret = cli_usage_error("option '%s' needs a value "
			                      "(see 'forge run --help')",
			                      argv[optind - 1]);
			break;
		default:
			ret = cli_usage_error("unknown option '%s' (see 'forge "
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
	if (!wall_set && limits.wall_ms < limits.cpu_ms * 2 + 1000)
		limits.wall_ms = limits.cpu_ms * 2 + 1000;
	if (optind != argc - 1)
		return cli_usage_error(optind >= argc
		                           ? "no FILE to run (usage: forge "
		                             "run [options] FILE)"
		                           : "one FILE at a time ('%s' is "
		                             "extra)",
		                       argv[argc - 1]);

	if (io.want_samples && !io.json)
		return cli_usage_error("--samples goes with --json");
	be = backend_name ? backend_find(backend_name) : backend_default();
	if (be == NULL)
		return cli_usage_error("unknown backend '%s' (available: ns)",
		                       backend_name);

	buf_init(&src, 0);
	if ((ret = cli_read_source(argv[optind], &src)) != 0) {
		buf_free(&src);
		return ret;
	}
	lang_load_all(&langs);
	for (size_t i = 0; i < langs.nerrors; i++)
		fprintf(stderr, "forge: warning: %s\n", langs.errors[i]);
	lang = lang_id ? lang_find_id(&langs, lang_id)
	               : lang_find_file(&langs, argv[optind]);
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
	if (!lang_available(lang, err, sizeof err)) {
		ret = cli_usage_error("%s is not available here: %s",
		                      lang->name, err);
		goto out;
	}
	if (stdin_path != NULL) {
		struct stat st;
		stdin_fd = open(stdin_path, O_RDONLY | O_CLOEXEC);
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
	} else
		stdin_fd = 0;

	ns_cleanup_stale();
	cache_cleanup_stale();

	climits = lang->compile_limits;
	if (climits_set[0]) {
		climits.cpu_ms = ctime;
		if (climits.wall_ms < ctime * 2)
			climits.wall_ms = ctime * 2;
	}
	if (climits_set[1])
		climits.mem_bytes = cmem;
	buf_init(&io.out, (size_t)limits.output_bytes);
	buf_init(&io.err, (size_t)limits.output_bytes);
	q.lang = lang;
	q.backend = be;
	q.source = buf_cstr(&src);
	q.source_len = src.len;
	q.limits = limits;
	q.compile_limits = climits;
	q.stdin_fd = stdin_fd;
	q.tty_fd = -1;
	q.on_output = run_output;
	q.on_sample = io.want_samples ? run_sample : NULL;
	q.arg = &io;
	pipeline_run(&q, &r);

	if (io.json)
		run_print_json(&r, lang, be, &limits, &io);
	else {
		if (r.compile_output.len > 0 &&
		    (!r.build_cached || r.verdict == VERDICT_CE))
			(void)util_write_all(2, r.compile_output.data,
			                     r.compile_output.len);
		if (!quiet)
			run_print_summary(&r, lang, be);
	}
	ret = verdict_exit_status(r.verdict);
	pipeline_result_free(&r);
out:
	if (stdin_fd > 0)
		close(stdin_fd);
	buf_free(&io.out);
	buf_free(&io.err);
	free(io.samples);
	buf_free(&src);
	lang_set_free(&langs);
	return ret;
}
