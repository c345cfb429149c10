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
	OPT_COUNT,
	OPT_SAVE,
	OPT_COMPARE,
	OPT_CASE,
	OPT_SPACE,
	OPT_FLOAT,
};

static const struct cli_option stress_options[] = {
    {"gen", 0, OPT_GEN, "FILE",
     "the generator: prints a test for seed argv[1]"},
    {"ref", 0, OPT_REF, "FILE", "the reference solution, trusted"},
    {"count", 'n', OPT_COUNT, "N", "tests to try (default 100)"},
    {"save", 0, OPT_SAVE, "DIR",
     "save the failing input and the reference's answer here"},
    {"time", 't', CLI_OPT_TIME, "SECONDS",
     "CPU time limit per run (default 2)"},
    {"wall", 0, CLI_OPT_WALL, "SECONDS",
     "wall time limit per run (default: 2 x CPU + 1)"},
    {"mem", 'm', CLI_OPT_MEM, "SIZE", "memory limit per run (default 256M)"},
    CLI_ROW_PIDS,
    CLI_ROW_OUTPUT,
    CLI_ROW_FSIZE,
    CLI_ROW_COMPILE_TIME,
    CLI_ROW_COMPILE_MEM,
    {"compare", 0, OPT_COMPARE, "MODE", "tokens (default) or exact"},
    {"case-sensitive", 0, OPT_CASE, NULL, "tokens: letter case matters"},
    {"space-change-sensitive", 0, OPT_SPACE, NULL,
     "tokens: whitespace must match"},
    {"float-tolerance", 0, OPT_FLOAT, "EPS",
     "numbers within EPS, absolute or relative"},
    CLI_ROW_BACKEND,
    CLI_ROW_END,
};

#define STRESS_USAGE "[options] SOLUTION --gen GENERATOR --ref REFERENCE"

const struct cli_command cmd_stress_entry = {
    .name = "stress",
    .args = "SOL --gen G --ref R",
    .usage = STRESS_USAGE,
    .summary = "random tests until SOL and R disagree",
    .about = "Runs GENERATOR with seeds 1, 2, ... N; feeds each test to "
             "SOLUTION and\nREFERENCE and compares their outputs; stops at "
             "the first difference\n(or failure of SOLUTION) and saves "
             "that test with --save. All three run in\nthe sandbox, with "
             "the same limits.",
    .epilogue = "exit status: 0 no difference found, 1 a difference or a "
                "failing program,\n2 usage error, 3 internal error",
    .options = stress_options,
    .min_args = 1,
    .max_args = 1,
    .exec = cmd_stress,
};

/* forge stress's own options */
struct stress_args {
	const char *gen, *ref, *save;
	uint32_t count;
	struct compare_opts co;
};

static int
stress_option(void *arg, int key, const char *v, char *err, size_t len)
{
	struct stress_args *s = arg;

	switch (key) {
	case OPT_GEN:
		s->gen = v;
		break;
	case OPT_REF:
		s->ref = v;
		break;
	case OPT_COUNT:
		return limits_parse_count(v, &s->count, err, len);
	case OPT_SAVE:
		s->save = v;
		break;
	case OPT_COMPARE:
		return cli_parse_compare(v, &s->co, err, len);
	case OPT_CASE:
		s->co.case_sensitive = true;
		break;
	case OPT_SPACE:
		s->co.space_sensitive = true;
		break;
	case OPT_FLOAT:
		if (cli_parse_tolerance(v, &s->co.abs_tol, err, len) < 0)
			return -1;
		s->co.rel_tol = s->co.abs_tol;
		break;
	}
	return 0;
}

struct stress_prog {
	const char *path;
	struct build build;
	bool built;
};

static int
stress_build(struct stress_prog *p, const struct language_set *langs,
             const struct cli_args *a)
{
	const struct backend *be = a->backend;
	const struct language *l;
	struct limits cl;
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
	cli_compile_limits(a, l, &cl);
	if (pipeline_build(&p->build, l, be, buf_cstr(&src), src.len, NULL, 0,
	                   &cl, false) < 0) {
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

/* The outputs of one seed's three runs. */
struct stress_bufs {
	struct buf in, ans, out, e1, e2, e3, why;
};

static void
stress_bufs_init(struct stress_bufs *b, size_t cap)
{
	buf_init(&b->in, cap);
	buf_init(&b->ans, cap);
	buf_init(&b->out, cap);
	buf_init(&b->e1, 4096);
	buf_init(&b->e2, 4096);
	buf_init(&b->e3, 4096);
	buf_init(&b->why, 0);
}

static void
stress_bufs_free(struct stress_bufs *b)
{
	buf_free(&b->in);
	buf_free(&b->ans);
	buf_free(&b->out);
	buf_free(&b->e1);
	buf_free(&b->e2);
	buf_free(&b->e3);
	buf_free(&b->why);
}

/* One program's run on in (or with seed as its argument). */
static enum verdict
stress_exec(const struct stress_prog *p, const struct cli_args *a, char **args,
            const struct buf *in, struct buf *out, struct buf *err,
            char *detail, size_t len)
{
	struct box_result r;
	enum verdict v;

	v = pipeline_exec(&p->build, a->backend, &a->limits, args,
	                  in ? in->data : "", in ? in->len : 0, out, err, &r,
	                  detail, len);
	box_result_free(&r);
	return v;
}

/* Seed number seed: 0 when the solution agrees with the reference, else
 * the exit status with what happened said. */
static int
stress_seed(const struct stress_prog progs[3], const struct stress_args *s,
            const struct cli_args *a, unsigned seed, bool tty)
{
	const struct stress_prog *sol = &progs[0], *gen = &progs[1],
	                         *ref = &progs[2];
	struct stress_bufs b;
	char arg[16], *args[2] = {arg, NULL}, detail[512];
	const char *nl = tty ? "\n" : "";
	enum verdict v;
	int ret = 1;

	snprintf(arg, sizeof arg, "%u", seed);
	stress_bufs_init(&b, (size_t)a->limits.output_bytes);
	v = stress_exec(gen, a, args, NULL, &b.in, &b.e1, detail,
	                sizeof detail);
	if (v != VERDICT_OK) {
		printf("%sforge: the generator failed on seed %u: %s (%s)\n%s",
		       nl, seed, verdict_name(v), detail, buf_cstr(&b.e1));
		ret = v == VERDICT_IE ? EXIT_INTERNAL : 1;
		goto out;
	}
	v = stress_exec(ref, a, NULL, &b.in, &b.ans, &b.e2, detail,
	                sizeof detail);
	if (v != VERDICT_OK) {
		printf("%sforge: the reference failed on seed %u: %s (%s)\n",
		       nl, seed, verdict_name(v), detail);
		stress_show("input", &b.in);
		ret = v == VERDICT_IE ? EXIT_INTERNAL : 1;
		goto out;
	}
	v = stress_exec(sol, a, NULL, &b.in, &b.out, &b.e3, detail,
	                sizeof detail);
	if (v == VERDICT_IE) {
		printf("%sforge: internal error: %s\n", nl, detail);
		ret = EXIT_INTERNAL;
		goto out;
	}
	if (v == VERDICT_OK &&
	    compare_output(&s->co, b.out.data ? b.out.data : "", b.out.len,
	                   b.ans.data ? b.ans.data : "", b.ans.len, &b.why)) {
		ret = 0;
		goto out;
	}
	printf("%sforge: seed %u: %s%s%s\n", nl, seed,
	       v == VERDICT_OK ? "WA" : verdict_name(v),
	       v == VERDICT_OK ? "" : " ", v == VERDICT_OK ? "" : detail);
	if (b.why.len > 0)
		printf("  %s\n", buf_cstr(&b.why));
	stress_show("input", &b.in);
	stress_show("expected (reference)", &b.ans);
	stress_show("got (solution)", &b.out);
	if (b.e3.len > 0)
		stress_show("solution's stderr", &b.e3);
	if (s->save != NULL && stress_save(s->save, seed, &b.in, &b.ans) < 0) {
		printf("forge: cannot save to %s: %s\n", s->save,
		       strerror(errno));
		ret = EXIT_USAGE;
	}
out:
	stress_bufs_free(&b);
	return ret;
}

int
cmd_stress(int argc, char **argv)
{
	struct stress_prog progs[3];
	struct stress_args s = {.count = 100};
	struct language_set langs;
	struct cli_args a;
	bool tty = cli_color(1) || isatty(1);
	uint32_t seed;
	int ret, i;

	compare_opts_default(&s.co);
	if ((ret = cli_parse(&cmd_stress_entry, argc, argv, &a, stress_option,
	                     &s)) >= 0)
		return ret;
	if (s.gen == NULL || s.ref == NULL)
		return cli_usage_error("usage: forge stress " STRESS_USAGE);
	memset(progs, 0, sizeof progs);
	progs[0].path = a.argv[0];
	progs[1].path = s.gen;
	progs[2].path = s.ref;

	lang_load_all(&langs);
	a.backend->cleanup_stale();
	cache_cleanup_stale();
	for (i = 0; i < 3 && ret <= 0; i++)
		ret = stress_build(&progs[i], &langs, &a);
	for (seed = 1; seed <= s.count && ret == 0; seed++) {
		if (tty) {
			printf("\rtest %u/%u", seed, s.count);
			fflush(stdout);
		}
		ret = stress_seed(progs, &s, &a, seed, tty);
	}
	if (ret == 0)
		printf("%sforge: no difference in %u tests\n", tty ? "\n" : "",
		       s.count);
	for (i = 0; i < 3; i++)
		if (progs[i].built)
			pipeline_build_free(&progs[i].build);
	lang_set_free(&langs);
	return ret;
}
