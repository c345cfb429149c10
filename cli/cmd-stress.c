/* forge stress: random tests until a solution and a reference disagree.
 * The generator gets the iteration number as its seed; all three
 * programs run sandboxed. The first difference is saved as a test pair. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

enum {
	OPT_GEN = CLI_OPT_COMMAND,
	OPT_REF,
	OPT_SAVE,
	OPT_COMPARE,
	OPT_CASE,
	OPT_SPACE,
	OPT_FLOAT,
};

static const struct cli_option stress_options[] = {
    {"gen", OPT_GEN, "FILE", "the generator: prints a test for seed argv[1]"},
    {"ref", OPT_REF, "FILE", "the reference solution, trusted"},
    {"count", 'n', "N", "tests to try (default 100)"},
    {"save", OPT_SAVE, "DIR",
     "save the failing input and the reference's answer here"},
    {"time", 't', "SECONDS", "CPU time limit per run (default 2)"},
    {"wall", CLI_OPT_WALL, "SECONDS", "wall time limit per run"},
    {"mem", 'm', "SIZE", "memory limit per run (default 256M)"},
    {"compare", OPT_COMPARE, "MODE", "tokens (default) or exact"},
    {"case-sensitive", OPT_CASE, NULL, "tokens: letter case matters"},
    {"space-change-sensitive", OPT_SPACE, NULL,
     "tokens: whitespace must match"},
    {"float-tolerance", OPT_FLOAT, "EPS",
     "numbers within EPS, absolute or relative"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

void
cmd_stress_help(FILE *f)
{
	fprintf(f,
	        "usage: forge stress [options] SOLUTION --gen GENERATOR --ref "
	        "REFERENCE\n\n"
	        "Runs GENERATOR with seeds 1, 2, ... N; feeds each test to "
	        "SOLUTION and\nREFERENCE and compares their outputs; stops at "
	        "the first difference\n(or failure of SOLUTION) and saves "
	        "that test with --save.\n\noptions:\n");
	cli_options_help(f, stress_options);
	fprintf(f, "\nexit status: 0 no difference found, 1 a difference or a "
	           "failing program,\n2 usage error, 3 internal error\n");
}

struct stress_prog {
	const char *path;
	struct build build;
	bool built;
};

static int
stress_build(struct stress_prog *p, const struct language_set *langs,
             const struct backend *be)
{
	const struct language *l;
	struct buf src;
	char why[512];
	int r;

	buf_init(&src, 0);
	if ((r = cli_read_source(p->path, &src)) != 0) {
		buf_free(&src);
		return r;
	}
	l = lang_find_file(langs, p->path);
	if (l == NULL) {
		buf_free(&src);
		return cli_usage_error("%s: unknown file extension (see 'forge "
		                       "langs')",
		                       p->path);
	}
	if (!lang_available(l, be, why, sizeof why)) {
		buf_free(&src);
		return cli_usage_error("%s: %s is not available here: %s",
		                       p->path, l->name, why);
	}
	if (pipeline_build(&p->build, l, be, buf_cstr(&src), src.len, NULL, 0,
	                   &l->compile_limits, false) < 0) {
		fprintf(stderr, "forge: %s: %s: %s\n%s", p->path,
		        verdict_name(p->build.verdict), p->build.detail,
		        buf_cstr(&p->build.compile_output));
		r = p->build.verdict == VERDICT_CE ? 1 : EXIT_INTERNAL;
		pipeline_build_free(&p->build);
		buf_free(&src);
		return r;
	}
	p->built = true;
	buf_free(&src);
	return 0;
}

static int
stress_save(const char *dir, unsigned seed, const struct buf *in,
            const struct buf *ans)
{
	char path[4096];
	int i;

	if (util_mkdir_p(dir, 0755) < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		const struct buf *b = i == 0 ? in : ans;
		int fd;

		snprintf(path, sizeof path, "%s/stress-%u.%s", dir, seed,
		         i == 0 ? "in" : "ans");
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return -1;
		if (util_write_all(fd, b->data ? b->data : "", b->len) < 0) {
			close(fd);
			return -1;
		}
		close(fd);
	}
	printf("saved: %s/stress-%u.in and .ans\n", dir, seed);
	return 0;
}

/* A program's text, escaped: terminal controls in it stay inert. */
static void
stress_show(const char *label, const struct buf *b)
{
	size_t n = b->len < 600 ? b->len : 600;
	struct buf e;

	buf_init(&e, 0);
	escape_text(&e, b->data ? b->data : "", n, true);
	printf("%s (%zu bytes):\n%s%s%s", label, b->len, buf_cstr(&e),
	       n < b->len ? "\n..." : "",
	       n > 0 && b->data[n - 1] != '\n' ? "\n" : "");
	buf_free(&e);
}

int
cmd_stress(int argc, char **argv)
{
	struct stress_prog sol = {0}, gen = {0}, ref = {0};
	const char *save = NULL;
	struct limits limits;
	struct compare_opts co;
	struct language_set langs;
	const struct backend *be = backend_default();
	struct option *lo;
	char shortopts[64], err[512];
	uint32_t count = 100, seed;
	struct cli_limits_set lset = {0};
	bool tty = cli_color(1) || isatty(1);
	int opt, ret = -1;

	limits_default_run(&limits);
	compare_opts_default(&co);
	lo = cli_longopts(stress_options, shortopts, sizeof shortopts);
	opterr = 0;
	optind = 1;
	while (ret < 0 &&
	       (opt = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		int bad = 0;

		if (cli_limit_option(opt, optarg, &limits, &lset, &bad, err,
		                     sizeof err))
			;
		else
			switch (opt) {
			case OPT_GEN:
				gen.path = optarg;
				break;
			case OPT_REF:
				ref.path = optarg;
				break;
			case 'n':
				bad = limits_parse_count(optarg, &count, err,
				                         sizeof err);
				break;
			case OPT_SAVE:
				save = optarg;
				break;
			case OPT_COMPARE:
				if (strcmp(optarg, "exact") == 0)
					co.mode = COMPARE_EXACT;
				else if (strcmp(optarg, "tokens") != 0) {
					snprintf(err, sizeof err,
					         "'%s': use tokens or exact",
					         optarg);
					bad = -1;
				}
				break;
			case OPT_CASE:
				co.case_sensitive = true;
				break;
			case OPT_SPACE:
				co.space_sensitive = true;
				break;
			case OPT_FLOAT: {
				char *end;
				double v = strtod(optarg, &end);
				if (*end != '\0' || !(v >= 0)) {
					snprintf(err, sizeof err,
					         "'%s' is not a tolerance",
					         optarg);
					bad = -1;
				}
				co.abs_tol = co.rel_tol = v;
				break;
			}
			case 'h':
				cmd_stress_help(stdout);
				ret = 0;
				break;
			case ':':
				ret =
				    cli_usage_error("option '%s' needs a value",
				                    argv[optind - 1]);
				break;
			default:
				ret = cli_usage_error(
				    "unknown option '%s' (see 'forge "
				    "stress --help')",
				    argv[optind - 1]);
				break;
			}
		if (bad < 0)
			ret = cli_usage_error("%s: %s", argv[optind - 1], err);
	}
	free(lo);
	if (ret >= 0)
		return ret;
	if (argc - optind != 1 || gen.path == NULL || ref.path == NULL)
		return cli_usage_error("usage: forge stress [options] SOLUTION "
		                       "--gen GENERATOR --ref REFERENCE");
	sol.path = argv[optind];
	if (!lset.wall && limits.wall_ms < limits.cpu_ms * 2 + 1000)
		limits.wall_ms = limits.cpu_ms * 2 + 1000;

	lang_load_all(&langs);
	be->cleanup_stale();
	cache_cleanup_stale();
	if ((ret = stress_build(&sol, &langs, be)) != 0 ||
	    (ret = stress_build(&gen, &langs, be)) != 0 ||
	    (ret = stress_build(&ref, &langs, be)) != 0)
		goto out;

	ret = 0;
	for (seed = 1; seed <= count && ret == 0; seed++) {
		struct buf in, ans, out, e1, e2, e3, why;
		struct box_result r;
		char arg[16], *args[2] = {arg, NULL}, detail[512];
		enum verdict v;

		snprintf(arg, sizeof arg, "%u", seed);
		buf_init(&in, (size_t)limits.output_bytes);
		buf_init(&ans, (size_t)limits.output_bytes);
		buf_init(&out, (size_t)limits.output_bytes);
		buf_init(&e1, 4096);
		buf_init(&e2, 4096);
		buf_init(&e3, 4096);
		buf_init(&why, 0);
		if (tty) {
			printf("\rtest %u/%u", seed, count);
			fflush(stdout);
		}
		v = pipeline_exec(&gen.build, be, &limits, args, "", 0, &in,
		                  &e1, &r, detail, sizeof detail);
		box_result_free(&r);
		if (v != VERDICT_OK) {
			printf("%sforge: the generator failed on seed %u: %s "
			       "(%s)\n%s",
			       tty ? "\n" : "", seed, verdict_name(v), detail,
			       buf_cstr(&e1));
			ret = v == VERDICT_IE ? EXIT_INTERNAL : 1;
			goto next;
		}
		v = pipeline_exec(&ref.build, be, &limits, NULL, in.data,
		                  in.len, &ans, &e2, &r, detail, sizeof detail);
		box_result_free(&r);
		if (v != VERDICT_OK) {
			printf("%sforge: the reference failed on seed %u: %s "
			       "(%s)\n",
			       tty ? "\n" : "", seed, verdict_name(v), detail);
			stress_show("input", &in);
			ret = v == VERDICT_IE ? EXIT_INTERNAL : 1;
			goto next;
		}
		v = pipeline_exec(&sol.build, be, &limits, NULL, in.data,
		                  in.len, &out, &e3, &r, detail, sizeof detail);
		box_result_free(&r);
		if (v == VERDICT_IE) {
			printf("%sforge: internal error: %s\n", tty ? "\n" : "",
			       detail);
			ret = EXIT_INTERNAL;
			goto next;
		}
		if (v == VERDICT_OK &&
		    compare_output(&co, out.data ? out.data : "", out.len,
		                   ans.data ? ans.data : "", ans.len, &why))
			goto next;
		printf("%sforge: seed %u: %s%s%s\n", tty ? "\n" : "", seed,
		       v == VERDICT_OK ? "WA" : verdict_name(v),
		       v == VERDICT_OK ? "" : " ",
		       v == VERDICT_OK ? "" : detail);
		if (why.len > 0)
			printf("  %s\n", buf_cstr(&why));
		stress_show("input", &in);
		stress_show("expected (reference)", &ans);
		stress_show("got (solution)", &out);
		if (e3.len > 0)
			stress_show("solution's stderr", &e3);
		if (save != NULL && stress_save(save, seed, &in, &ans) < 0) {
			printf("forge: cannot save to %s: %s\n", save,
			       strerror(errno));
			ret = EXIT_USAGE;
		} else
			ret = 1;
	next:
		buf_free(&in);
		buf_free(&ans);
		buf_free(&out);
		buf_free(&e1);
		buf_free(&e2);
		buf_free(&e3);
		buf_free(&why);
	}
	if (ret == 0)
		printf("%sforge: no difference in %u tests\n", tty ? "\n" : "",
		       count);
out:
	if (sol.built)
		pipeline_build_free(&sol.build);
	if (gen.built)
		pipeline_build_free(&gen.build);
	if (ref.built)
		pipeline_build_free(&ref.build);
	lang_set_free(&langs);
	return ret;
}
