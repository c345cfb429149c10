/* forge judge: run a program against a test set, as a contest judge. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

enum {
	OPT_JOBS = CLI_OPT_COMMAND,
	OPT_ONLY,
	OPT_STOP,
	OPT_CACHED,
	OPT_COMPARE,
	OPT_CASE,
	OPT_SPACE,
	OPT_FLOAT,
	OPT_FLOAT_ABS,
	OPT_FLOAT_REL,
	OPT_CHECKER,
	OPT_VALIDATOR,
	OPT_INTERACTIVE,
	OPT_QUIET,
};

static const struct cli_option judge_options[] = {
    CLI_ROW_LANG,
    {"time", 't', CLI_OPT_TIME, "SECONDS",
     "CPU time limit per test (default: the test set's, else 2)"},
    {"wall", 0, CLI_OPT_WALL, "SECONDS",
     "wall time limit per test (default: 2 x CPU + 1)"},
    {"mem", 'm', CLI_OPT_MEM, "SIZE",
     "memory limit per test (default: the test set's, else 256M)"},
    CLI_ROW_PIDS,
    CLI_ROW_OUTPUT,
    CLI_ROW_FSIZE,
    {"jobs", 'j', OPT_JOBS, "N", "tests run in parallel (default: the cores)"},
    {"only", 0, OPT_ONLY, "NAME", "run only tests named so (a glob; repeat)"},
    {"stop", 'x', OPT_STOP, NULL, "stop at the first test that fails"},
    {"compare", 0, OPT_COMPARE, "MODE", "tokens (default) or exact"},
    {"case-sensitive", 0, OPT_CASE, NULL, "tokens: letter case matters"},
    {"space-change-sensitive", 0, OPT_SPACE, NULL,
     "tokens: whitespace must match"},
    {"float-tolerance", 0, OPT_FLOAT, "EPS",
     "numbers within EPS, absolute or relative"},
    {"float-absolute-tolerance", 0, OPT_FLOAT_ABS, "EPS",
     "numbers within EPS absolute"},
    {"float-relative-tolerance", 0, OPT_FLOAT_REL, "EPS",
     "numbers within EPS relative"},
    {"checker", 0, OPT_CHECKER, "FILE",
     "testlib checker: checker input output answer, exit 0 AC"},
    {"validator", 0, OPT_VALIDATOR, "PATH",
     "Kattis output validator (file or directory), exit 42 AC"},
    {"interactive", 0, OPT_INTERACTIVE, NULL,
     "run the program against the validator, connected by pipes"},
    CLI_ROW_BACKEND,
    CLI_ROW_RUNTIME,
    CLI_ROW_SERVER,
    {"json", 0, CLI_OPT_JSON, NULL, "print one JSON object with every test"},
    CLI_ROW_NO_HISTORY("judge"),
    CLI_ROW_DB,
    {"cached", 0, OPT_CACHED, NULL,
     "an earlier identical judge's result, if any (not TLE or IE)"},
    CLI_ROW_COMPILE_TIME,
    CLI_ROW_COMPILE_MEM,
    {"quiet", 'q', OPT_QUIET, NULL, "only the summary line"},
    CLI_ROW_END,
};

const struct cli_command cmd_judge_entry = {
    .name = "judge",
    .args = "[options] FILE TESTS",
    .usage = "[options] FILE TESTS",
    .summary = "run against a test set",
    .about = "Compiles FILE once and runs it on every test of TESTS, each in "
             "the sandbox:\n"
             "  a directory of X.in with X.ans (or X.out, X.a), or inN.txt "
             "with ansN.txt;\n"
             "  a Kattis/ICPC problem package (problem.yaml, data/sample, "
             "data/secret,\n"
             "  output_validator/); or a competitive-companion JSON file.\n"
             "Prints one line per test and the first failure's difference "
             "and stderr.\n"
             "A package that gives no time limit gets the one its format "
             "defines, computed\nfrom its accepted submissions (see "
             "forge(1)).",
    .epilogue = "exit status: 0 when every test passes, 1 otherwise, 2 "
                "usage error or bad\ntest set, 3 internal error",
    .options = judge_options,
    .min_args = 2,
    .max_args = 2,
    .exec = cmd_judge,
};

/* forge judge's own options */
struct judge_args {
	struct judge_opts o;
	const char *checker, *validator;
	bool interactive, cached, quiet;
	long jobs;
	char **only;
	size_t nonly;
};

static int
judge_option(void *arg, int key, const char *v, char *err, size_t len)
{
	struct judge_args *j = arg;
	struct compare_opts *co = &j->o.compare;
	uint32_t n;
	double tol;

	switch (key) {
	case OPT_JOBS:
		if (limits_parse_count(v, &n, err, len) < 0)
			return -1;
		j->jobs = n;
		break;
	case OPT_ONLY:
		j->only = xrealloc(j->only, (j->nonly + 2) * sizeof *j->only);
		j->only[j->nonly++] = (char *)v;
		j->only[j->nonly] = NULL;
		break;
	case OPT_STOP:
		j->o.stop_on_fail = true;
		break;
	case OPT_COMPARE:
		return cli_parse_compare(v, co, err, len);
	case OPT_CASE:
		co->case_sensitive = true;
		break;
	case OPT_SPACE:
		co->space_sensitive = true;
		break;
	case OPT_FLOAT:
	case OPT_FLOAT_ABS:
	case OPT_FLOAT_REL:
		if (cli_parse_tolerance(v, &tol, err, len) < 0)
			return -1;
		if (key != OPT_FLOAT_REL)
			co->abs_tol = tol;
		if (key != OPT_FLOAT_ABS)
			co->rel_tol = tol;
		break;
	case OPT_CHECKER:
		j->checker = v;
		break;
	case OPT_VALIDATOR:
		j->validator = v;
		break;
	case OPT_INTERACTIVE:
		j->interactive = true;
		break;
	case OPT_CACHED:
		j->cached = true;
		break;
	case OPT_QUIET:
		j->quiet = true;
		break;
	}
	return 0;
}

struct judge_print {
	bool json, quiet, color;
	const struct judge_opts *opts;
	size_t count, passed;
	struct judge_test first_fail;
	char *first_name;
	bool failed;
	uint64_t max_time, max_mem;
	enum box_enforcer enforced_by;
	bool any_run;
	struct buf json_tests;
	struct json_writer w;
	struct history_test *tests; /* for the history */
	size_t ntests;
};

static void
judge_print_init(struct judge_print *p, bool json, bool quiet,
                 const struct judge_opts *o)
{
	memset(p, 0, sizeof *p);
	p->json = json;
	p->quiet = quiet;
	p->color = !json && cli_color(1);
	p->opts = o;
	buf_init(&p->json_tests, 0);
	p->w.out = &p->json_tests;
	json_open(&p->w, "tests", '[');
}

static void
judge_print_free(struct judge_print *p)
{
	size_t i;

	buf_free(&p->json_tests);
	for (i = 0; i < p->ntests; i++) {
		free(p->tests[i].name);
		free(p->tests[i].verdict);
		free(p->tests[i].signal);
		free(p->tests[i].detail);
	}
	free(p->tests);
	free(p->first_name);
}

static void
judge_outcome_init(struct report_judge *x, const struct testset *ts,
                   const struct checker *chk, bool interactive,
                   const char *language)
{
	memset(x, 0, sizeof *x);
	x->language = language;
	x->testset_kind = ts->kind == TESTSET_KATTIS      ? "kattis"
	                  : ts->kind == TESTSET_COMPANION ? "companion"
	                                                  : "directory";
	x->checker = chk == NULL                    ? NULL
	             : chk->kind == CHECKER_TESTLIB ? "testlib"
	                                            : "kattis";
	x->interactive = interactive;
}

static const char *
judge_color(const struct judge_print *p, enum verdict v)
{
	if (!p->color)
		return "";
	if (verdict_good(v))
		return "\033[32m";
	if (v == VERDICT_IE)
		return "\033[35m";
	if (v == VERDICT_TLE || v == VERDICT_MLE || v == VERDICT_OLE)
		return "\033[33m";
	return "\033[31m";
}

static void
judge_print_header(const struct judge_print *p)
{
	if (!p->json && !p->quiet)
		printf("%4s  %-28s %-7s %8s %8s\n", "#", "TEST", "VERDICT",
		       "CPU", "MEM");
}

/* One test: its line of the table or its --json object, and the tallies.
 * The same for a judge and for one from the history, which keeps no
 * difference and no stderr of a test (NULL here). */
static void
judge_show_test(struct judge_print *p, const struct history_test *ht,
                enum verdict v, const char *diff, const char *stderr_head,
                size_t stderr_len)
{
	const char *detail = ht->detail ? ht->detail : "";
	char mem[32], *shown;

	p->count++;
	if (verdict_good(v))
		p->passed++;
	else if (!p->failed) {
		p->failed = true;
		p->first_name = xstrdup(ht->name);
		p->first_fail.verdict = v;
		strlcpy0(p->first_fail.detail, detail,
		         sizeof p->first_fail.detail);
		strlcpy0(p->first_fail.diff, diff ? diff : "",
		         sizeof p->first_fail.diff);
		strlcpy0(p->first_fail.stderr_head,
		         stderr_head ? stderr_head : "",
		         sizeof p->first_fail.stderr_head);
	}
	if (ht->time_ms > 0 && (uint64_t)ht->time_ms > p->max_time)
		p->max_time = (uint64_t)ht->time_ms;
	if (ht->memory_kb > 0 && (uint64_t)ht->memory_kb > p->max_mem)
		p->max_mem = (uint64_t)ht->memory_kb;
	if (p->json) {
		json_open(&p->w, NULL, '{');
		report_judge_test_json(&p->w, ht, diff, stderr_head,
		                       stderr_len);
		json_close(&p->w, '}');
		return;
	}
	if (p->quiet)
		return;
	limits_format_size((uint64_t)ht->memory_kb * 1024, mem, sizeof mem);
	/* a checker's detail may quote the program's output */
	shown = escape_cstr(verdict_good(v) ? "" : detail, false);
	printf("%4zu  %-28s %s%-7s%s %7.3fs %8s  %s\n", p->count, ht->name,
	       judge_color(p, v), verdict_name(v), p->color ? "\033[0m" : "",
	       (double)ht->time_ms / 1000.0, mem, shown);
	free(shown);
	fflush(stdout);
}

static void
judge_report(const struct judge_test *r, const struct test_case *t, void *arg)
{
	struct judge_print *p = arg;
	struct history_test *ht;

	p->tests = xrealloc(p->tests, (p->ntests + 1) * sizeof *ht);
	ht = &p->tests[p->ntests++];
	report_history_test(ht, r, t->name);
	if (r->verdict != VERDICT_IE || r->time_ms || r->mem_kb) {
		p->enforced_by = r->enforced_by;
		p->any_run = true;
	}
	judge_show_test(p, ht, r->verdict, r->diff, r->stderr_head,
	                r->stderr_len);
}

/* The program's text (its stderr) under a label, indented, escaped. */
static void
judge_print_indented(const char *label, const char *raw)
{
	char *text = escape_cstr(raw, true);
	const char *p = text;

	if (*text == '\0') {
		free(text);
		return;
	}
	printf("  %s\n", label);
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");
		printf("    %.*s\n", (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
	free(text);
}

static void
judge_print_json(const struct judge_print *p, const struct report_judge *x)
{
	struct report_judge r = *x;
	struct buf b;

	r.passed = p->passed;
	r.total = p->count;
	r.time_ms = p->max_time;
	r.memory_kb = p->max_mem;
	buf_init(&b, 0);
	report_judge_json(&r, p->json_tests.data, p->json_tests.len, &b);
	(void)util_write_all(1, b.data, b.len);
	buf_free(&b);
}

static void
judge_print_text(const struct judge_print *p, const struct report_judge *x)
{
	char mem[32], how[64];

	if (x->verdict == VERDICT_CE && x->compile_len > 0) {
		/* compiler messages quote the source, the program's text */
		struct buf c;

		buf_init(&c, 0);
		escape_text(&c, x->compile, x->compile_len, true);
		fwrite(c.data, 1, c.len, stdout);
		buf_free(&c);
	}
	if (p->failed && !p->quiet) {
		printf("\nfirst failure: %s (%s)\n", p->first_name,
		       verdict_name(p->first_fail.verdict));
		if (p->first_fail.detail[0] != '\0') {
			char *d = escape_cstr(p->first_fail.detail, false);
			printf("  %s\n", d);
			free(d);
		}
		if (p->first_fail.diff[0] != '\0')
			printf("  %s\n", p->first_fail.diff);
		judge_print_indented("stderr:", p->first_fail.stderr_head);
	}
	if (x->cached)
		snprintf(how, sizeof how, "cached: run %lld", (long long)x->id);
	else if (x->id > 0)
		snprintf(how, sizeof how, "%s, id %lld",
		         x->build_cached ? "build cached" : "compiled",
		         (long long)x->id);
	else
		snprintf(how, sizeof how, "%s",
		         x->build_cached ? "build cached" : "compiled");
	limits_format_size(p->max_mem * 1024, mem, sizeof mem);
	printf("%sforge: %s%s%s  %zu/%zu tests passed  max cpu %.3fs  max mem "
	       "%s  [%s, %s%s%s, %s]\n",
	       p->quiet ? "" : "\n", judge_color(p, x->verdict),
	       verdict_name(x->verdict), p->color ? "\033[0m" : "", p->passed,
	       p->count, (double)p->max_time / 1000.0, mem, x->language,
	       x->backend, x->enforced_by ? "/" : "",
	       x->enforced_by ? x->enforced_by : "", how);
	if (x->verdict == VERDICT_CE || x->verdict == VERDICT_IE)
		printf("  %s\n", x->detail);
	if (x->cached && !p->quiet)
		printf("  (from the history: nothing ran; run without --cached "
		       "to judge again%s)\n",
		       p->failed ? ", with the difference and stderr of the "
		                   "first failure"
		                 : "");
}

/* --cached: an earlier identical judge (same language, toolchain,
 * source, limits and test set), shown as a judge shows its result; -1
 * when there is none. x says what this judge would be (test set, checker). */
static int
judge_from_cache(const char *db, const char *toolchain, const char *hash,
                 const struct limits *l, const char *testset, bool json,
                 bool quiet, struct report_judge *x)
{
	char err[1024];
	struct history *store =
	    history_open(history_path(db), false, err, sizeof err);
	struct history_run h;
	struct judge_print p;
	int64_t id;
	size_t i;

	if (store == NULL)
		return -1;
	id = history_cached(store, x->language, toolchain, hash, "", 0, l,
	                    "judge", testset);
	if (id == 0 || history_get(store, id, &h, err, sizeof err) != 0) {
		history_close(store);
		return -1;
	}
	history_close(store);
	judge_print_init(&p, json, quiet, NULL);
	x->verdict = VERDICT_IE;
	(void)verdict_from_name(h.verdict, &x->verdict);
	x->detail = h.detail ? h.detail : "";
	x->compile = h.compile;
	x->compile_len = h.compile_len;
	x->limits = h.limits;
	x->backend = h.backend;
	x->enforced_by = h.enforced_by;
	x->id = id;
	x->cached = true;
	if (h.ntests > 0)
		judge_print_header(&p);
	for (i = 0; i < h.ntests; i++) {
		enum verdict v = VERDICT_IE;

		(void)verdict_from_name(h.tests[i].verdict, &v);
		judge_show_test(&p, &h.tests[i], v, NULL, NULL, 0);
	}
	json_close(&p.w, ']');
	if (json)
		judge_print_json(&p, x);
	else
		judge_print_text(&p, x);
	judge_print_free(&p);
	history_run_free(&h);
	return verdict_exit_status(x->verdict);
}

/* What a judge is asked, once its options are read. */
struct judge_cmd {
	const struct cli_args *args; /* the shared options */
	const char *file, *tests, *lang_id, *db;
	bool json, quiet, no_history, cached;
	struct judge_request req; /* its ts and langs set later */
};

/* What a judge has loaded. */
struct judge_input {
	struct language_set langs;
	const struct language *lang;
	struct testset ts;
	struct buf src;
	char hash[65];     /* the source's */
	char *testset_abs; /* the test set as judged: path#digest */
	char *toolchain;   /* NULL: not needed */
	struct judge_prepared prep;
	bool prepared;
};

/* The source, its language and the test set; -1 when judging goes on,
 * else the exit status. */
static int
judge_load(const struct judge_cmd *c, struct judge_input *in)
{
	char err[4096];
	int ret;

	for (size_t i = 0; i < in->langs.nerrors; i++)
		fprintf(stderr, "forge: warning: %s\n", in->langs.errors[i]);
	if ((ret = cli_read_source(c->file, &in->src)) != 0)
		return ret;
	in->lang = c->lang_id ? lang_find_id(&in->langs, c->lang_id)
	                      : lang_find_file(&in->langs, c->file);
	if (in->lang == NULL)
		return c->lang_id
		           ? cli_usage_error("unknown language '%s' (see "
		                             "'forge langs')",
		                             c->lang_id)
		           : cli_usage_error("%s: unknown file extension; "
		                             "name the language with -l",
		                             c->file);
	if (!lang_available(in->lang, c->req.backend, err, sizeof err))
		return cli_usage_error("%s is not available here: %s",
		                       in->lang->name, err);
	if (testset_load(&in->ts, c->tests, err, sizeof err) < 0)
		return cli_usage_error("%s", err);
	return -1;
}

/* The engine's rules applied to the test set; what they decided about
 * the time limit said on stderr when a package left it to them. -1 when
 * judging goes on, else the exit status. */
static int
judge_rules(struct judge_cmd *c, struct judge_input *in)
{
	enum judge_prepare_status st;
	char err[4096];
	const char *p, *nl;

	c->req.ts = &in->ts;
	c->req.langs = &in->langs;
	st = judge_prepare(&in->prep, &c->req, err, sizeof err);
	in->prepared = true;
	if (st == JUDGE_PREPARE_INTERNAL)
		return cli_internal_error("%s", err);
	if (st != JUDGE_PREPARED)
		return cli_usage_error("%s", err);
	for (p = buf_cstr(&in->prep.warnings); (nl = strchr(p, '\n')) != NULL;
	     p = nl + 1)
		fprintf(stderr, "forge: warning: %.*s\n", (int)(nl - p), p);
	if (c->req.backend->judge_program != NULL &&
	    (in->prep.have_checker || in->prep.opts.interactive))
		return cli_usage_error(
		    "the %s backend judges with the comparator: a checker, a "
		    "validator or an interactive problem is judged here "
		    "(without --server)",
		    c->req.backend->name);
	if (in->prep.time_source == JUDGE_TIME_COMPUTED ||
	    in->prep.time_source == JUDGE_TIME_UNCOMPUTED)
		fprintf(stderr, "forge: %s\n", in->prep.time_note);
	cache_sha256(in->src.data ? in->src.data : "", in->src.len, in->hash);
	in->testset_abs = history_recorder_testset(c->tests, in->prep.digest);
	if (!c->no_history || c->cached)
		in->toolchain = cache_toolchain(in->lang, c->req.backend);
	return -1;
}

/* The judge into the history; its id, or 0 with herr said. */
static int64_t
judge_record(const struct judge_cmd *c, struct judge_input *in,
             struct judge_print *pr, const struct build *build,
             const struct report_judge *x, char *herr, size_t herrlen)
{
	struct history_recorder_judge j = {
	    .file = c->file,
	    .lang = in->lang,
	    .toolchain = in->toolchain,
	    .src = in->src.data,
	    .src_len = in->src.len,
	    .build = build,
	    .x = x,
	    .testset = in->testset_abs,
	    .tests = pr->tests,
	    .ntests = pr->ntests,
	};
	int64_t id;

	pr->tests = NULL;
	pr->ntests = 0;
	id = history_recorder_judge(c->db, &j, herr, herrlen);
	if (id == 0)
		fprintf(stderr,
		        "forge: warning: the judge was not saved to the "
		        "history: %s\n",
		        herr);
	return id;
}

/* A backend that judges elsewhere (--server) does it all: the build's
 * outcome in build, each test through judge_report. */
static void
judge_elsewhere(struct judge_input *in, struct judge_print *pr,
                const struct limits *climits, struct build *build)
{
	struct judge_program jp = {
	    .lang = in->lang,
	    .source = buf_cstr(&in->src),
	    .source_len = in->src.len,
	    .compile_limits = *climits,
	    .ts = &in->ts,
	    .opts = &in->prep.opts,
	    .report = judge_report,
	    .arg = pr,
	};

	judge_print_header(pr);
	(void)in->prep.opts.backend->judge_program(&jp, build);
	if (jp.toolchain != NULL) {
		free(in->toolchain);
		in->toolchain = jp.toolchain;
	}
}

/* Compiles once, judges every test, records and prints; the exit
 * status. */
static int
judge_go(const struct judge_cmd *c, struct judge_input *in)
{
	const struct judge_prepared *prep = &in->prep;
	struct limits climits;
	struct report_judge x;
	struct judge_print pr;
	struct build build;
	char herr[512] = "";

	judge_outcome_init(&x, &in->ts,
	                   prep->have_checker ? &prep->checker : NULL,
	                   prep->opts.interactive, in->lang->id);
	if (c->cached) {
		int ret = judge_from_cache(c->db, in->toolchain, in->hash,
		                           &prep->limits, in->testset_abs,
		                           c->json, c->quiet, &x);
		if (ret >= 0)
			return ret;
	}
	cli_compile_limits(c->args, in->lang, &climits);
	judge_print_init(&pr, c->json, c->quiet, &prep->opts);
	if (prep->opts.backend->judge_program != NULL)
		judge_elsewhere(in, &pr, &climits, &build);
	else if (pipeline_build(&build, in->lang, prep->opts.backend,
	                        buf_cstr(&in->src), in->src.len, NULL, 0,
	                        &climits, false) == 0) {
		judge_print_header(&pr);
		judge_run(&prep->opts, &build, &in->ts, judge_report, &pr);
	}
	json_close(&pr.w, ']');
	x.verdict =
	    judge_prepare_overall(&build, &in->ts, pr.count, pr.passed,
	                          pr.failed ? &pr.first_fail : NULL, &x.detail);
	x.compile = build.compile_output.data;
	x.compile_len = build.compile_output.len;
	x.build_cached = build.cached;
	x.limits = prep->limits;
	x.backend = prep->opts.backend->name;
	x.enforced_by = pr.any_run ? box_enforcer_name(pr.enforced_by) : NULL;
	if (!c->no_history)
		x.id = judge_record(c, in, &pr, &build, &x, herr, sizeof herr);
	x.history_error = herr[0] != '\0' ? herr : NULL;
	if (c->json)
		judge_print_json(&pr, &x);
	else
		judge_print_text(&pr, &x);
	judge_print_free(&pr);
	pipeline_build_free(&build);
	return verdict_exit_status(x.verdict);
}

/* A judge, its options read: the exit status. */
static int
judge_command(struct judge_cmd *c)
{
	struct judge_input in;
	int ret;

	memset(&in, 0, sizeof in);
	buf_init(&in.src, 0);
	lang_load_all(&in.langs);
	if ((ret = judge_load(c, &in)) < 0) {
		c->req.backend->cleanup_stale();
		cache_cleanup_stale();
		if ((ret = judge_rules(c, &in)) < 0)
			ret = judge_go(c, &in);
	}
	if (in.prepared)
		judge_prepare_free(&in.prep);
	free(in.toolchain);
	free(in.testset_abs);
	testset_free(&in.ts);
	lang_set_free(&in.langs);
	buf_free(&in.src);
	return ret;
}

int
cmd_judge(int argc, char **argv)
{
	struct cli_args a;
	struct judge_args ja = {.jobs = sysconf(_SC_NPROCESSORS_ONLN)};
	int ret;

	compare_opts_default(&ja.o.compare);
	if ((ret = cli_parse(&cmd_judge_entry, argc, argv, &a, judge_option,
	                     &ja)) >= 0) {
		free(ja.only);
		return ret;
	}
	if (ja.checker != NULL && ja.validator != NULL) {
		free(ja.only);
		return cli_usage_error("--checker and --validator: give one");
	}
	{
		struct judge_cmd c = {
		    .args = &a,
		    .file = a.argv[0],
		    .tests = a.argv[1],
		    .lang_id = a.lang,
		    .db = a.db,
		    .json = a.json,
		    .quiet = ja.quiet,
		    .no_history = a.no_history,
		    .cached = ja.cached,
		};

		judge_prepare_request(&c.req, NULL, NULL, a.backend);
		c.req.limits = a.limits;
		c.req.time_given = a.set.time;
		c.req.wall_given = a.set.wall;
		c.req.mem_given = a.set.mem;
		c.req.compare = ja.o.compare;
		c.req.checker_path = ja.checker;
		c.req.validator_path = ja.validator;
		c.req.interactive = ja.interactive;
		c.req.only = ja.only;
		c.req.stop_on_fail = ja.o.stop_on_fail;
		c.req.jobs = ja.jobs > 0 ? (unsigned)ja.jobs : 1;
		ret = judge_command(&c);
	}
	free(ja.only);
	return ret;
}
