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

/* A judge's result as its summary and --json give it, whether it ran
 * now or comes from the history. */
struct judge_outcome {
	enum verdict verdict;
	const char *detail;
	const char *language;
	const char *compile;
	size_t compile_len;
	bool build_cached;
	const char *testset_kind;
	const char *checker; /* NULL: a comparator */
	bool interactive;
	struct limits limits;
	const char *backend;
	const char *enforced_by; /* NULL: nothing ran */
	int64_t id;              /* 0: not in the history */
	bool cached;             /* from the history: nothing ran now */
	const char *history_error;
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
judge_outcome_init(struct judge_outcome *x, const struct testset *ts,
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
		printf("%4s  %-28s %-4s %8s %8s\n", "#", "TEST", "", "CPU",
		       "MEM");
}

/* One test: its line of the table or its --json object, and the tallies.
 * The same for a judge and for one from the history, which keeps no
 * difference and no stderr of a test (NULL here). */
static void
judge_show_test(struct judge_print *p, const struct history_test *ht,
                enum verdict v, const char *diff, const char *stderr_head)
{
	const char *detail = ht->detail ? ht->detail : "";
	char mem[32];

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
		history_test_json(&p->w, ht);
		json_cstr(&p->w, "diff", diff && diff[0] ? diff : NULL);
		json_cstr(&p->w, "stderr", stderr_head);
		json_close(&p->w, '}');
		return;
	}
	if (p->quiet)
		return;
	limits_format_size((uint64_t)ht->memory_kb * 1024, mem, sizeof mem);
	printf("%4zu  %-28s %s%-4s%s %7.3fs %8s  %s\n", p->count, ht->name,
	       judge_color(p, v), verdict_name(v), p->color ? "\033[0m" : "",
	       (double)ht->time_ms / 1000.0, mem,
	       verdict_good(v) ? "" : detail);
	fflush(stdout);
}

static void
judge_report(const struct judge_test *r, const struct test_case *t, void *arg)
{
	struct judge_print *p = arg;
	struct history_test *ht;
	char sig[32];

	p->tests = xrealloc(p->tests, (p->ntests + 1) * sizeof *ht);
	ht = &p->tests[p->ntests++];
	memset(ht, 0, sizeof *ht);
	ht->name = xstrdup(t->name);
	ht->verdict = xstrdup(verdict_name(r->verdict));
	ht->time_ms = (int64_t)r->time_ms;
	ht->wall_ms = (int64_t)r->wall_ms;
	ht->memory_kb = (int64_t)r->mem_kb;
	ht->has_exit = r->exited;
	ht->exit_code = r->exit_code;
	if (report_signame(r->signal, sig, sizeof sig))
		ht->signal = xstrdup(sig);
	ht->detail = xstrdup(r->detail);
	if (r->verdict != VERDICT_IE || r->time_ms || r->mem_kb) {
		p->enforced_by = r->enforced_by;
		p->any_run = true;
	}
	judge_show_test(p, ht, r->verdict, r->diff, r->stderr_head);
}

static void
judge_print_indented(const char *label, const char *text)
{
	const char *p = text;

	if (*text == '\0')
		return;
	printf("  %s\n", label);
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");
		printf("    %.*s\n", (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
}

static void
judge_print_json(const struct judge_print *p, const struct judge_outcome *x)
{
	struct buf b;
	struct json_writer w = {&b, false};

	buf_init(&b, 0);
	json_open(&w, NULL, '{');
	json_cstr(&w, "verdict", verdict_name(x->verdict));
	json_cstr(&w, "detail", x->detail);
	json_int(&w, "passed", (long long)p->passed);
	json_int(&w, "total", (long long)p->count);
	json_int(&w, "time_ms", (long long)p->max_time);
	json_int(&w, "memory_kb", (long long)p->max_mem);
	json_str(&w, "compile_output", x->compile ? x->compile : "",
	         x->compile ? x->compile_len : 0);
	json_bool(&w, "build_cached", x->build_cached);
	json_cstr(&w, "language", x->language);
	json_cstr(&w, "testset", x->testset_kind);
	json_bool(&w, "interactive", x->interactive);
	json_cstr(&w, "checker", x->checker);
	report_limits_json(&w, "limits", &x->limits);
	json_cstr(&w, "enforced_by", x->enforced_by);
	json_cstr(&w, "backend", x->backend);
	if (x->id > 0)
		json_int(&w, "id", x->id);
	else
		json_null(&w, "id");
	json_bool(&w, "cached", x->cached);
	if (x->history_error != NULL)
		json_cstr(&w, "history_error", x->history_error);
	buf_add(&b, ",", 1);
	buf_add(&b, p->json_tests.data ? p->json_tests.data : "",
	        p->json_tests.len);
	json_close(&w, '}');
	buf_add(&b, "\n", 1);
	(void)util_write_all(1, b.data, b.len);
	buf_free(&b);
}

static void
judge_print_text(const struct judge_print *p, const struct judge_outcome *x)
{
	char mem[32], how[64];

	if (x->verdict == VERDICT_CE && x->compile_len > 0)
		printf("%.*s", (int)x->compile_len, x->compile);
	if (p->failed && !p->quiet) {
		printf("\nfirst failure: %s (%s)\n", p->first_name,
		       verdict_name(p->first_fail.verdict));
		if (p->first_fail.detail[0] != '\0')
			printf("  %s\n", p->first_fail.detail);
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
                 bool quiet, struct judge_outcome *x)
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
		judge_show_test(&p, &h.tests[i], v, NULL, NULL);
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

/* A package that gives no time limit (no limits.time_limit, no
 * .timelimit): the one its format defines, from its accepted submissions,
 * said on stderr in one line. -1 when judging goes on (with that limit,
 * or with the default when there is nothing to compute it from), else
 * the exit status. */
static int
judge_package_time(const struct testset *ts, const struct judge_opts *o,
                   const struct language_set *langs, struct limits *limits)
{
	struct judge_opts to = *o;
	struct testset_time tt;
	char err[2048], round[64] = "";
	const char *p, *nl;

	to.limits = *limits;
	if (testset_time_compute(ts, &to, langs, &tt, err, sizeof err) < 0) {
		testset_time_free(&tt);
		return cli_usage_error("%s", err);
	}
	for (p = buf_cstr(&tt.notes); (nl = strchr(p, '\n')) != NULL;
	     p = nl + 1)
		fprintf(stderr, "forge: warning: %.*s\n", (int)(nl - p), p);
	if (tt.time_ms == 0) {
		fprintf(stderr,
		        "forge: %s gives no time limit and has no accepted "
		        "submission %sto compute it from; the default, %g s\n",
		        ts->path, tt.notes.len > 0 ? "that runs here " : "",
		        (double)limits->cpu_ms / 1000.0);
		testset_time_free(&tt);
		return -1;
	}
	if ((double)tt.time_ms >
	    (double)tt.slowest_ms * ts->ac_to_time_limit + 0.5)
		snprintf(round, sizeof round,
		         ", rounded up to a multiple of %g s",
		         ts->time_resolution);
	fprintf(stderr,
	        "forge: time limit %g s = %g x %.3f s, the slowest accepted "
	        "submission (%s, on %s)%s%s\n",
	        (double)tt.time_ms / 1000.0, ts->ac_to_time_limit,
	        (double)tt.slowest_ms / 1000.0, tt.submission, tt.test, round,
	        tt.cached ? "; computed by an earlier judge" : "");
	limits->cpu_ms = tt.time_ms;
	testset_time_free(&tt);
	return -1;
}

int
cmd_judge(int argc, char **argv)
{
	struct limits limits, climits;
	const char *lang_id, *checker_path, *validator_path, *file, *tests;
	struct cli_limits_set lset;
	bool json, quiet, force_interactive;
	struct judge_opts o;
	struct judge_print pr;
	struct language_set langs;
	const struct language *lang;
	struct testset ts;
	struct checker chk;
	bool have_checker = false, no_history, cached;
	const char *db;
	char *toolchain = NULL, *testset_abs = NULL, hash[65], herr[512];
	int64_t id = 0;
	struct history_run h;
	struct build build;
	struct buf src;
	char **only;
	char err[4096];
	long jobs;
	int ret = -1;
	struct cli_args a;
	struct judge_args ja = {.jobs = sysconf(_SC_NPROCESSORS_ONLN)};

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
	o = ja.o;
	limits = a.limits;
	lset = a.set;
	lang_id = a.lang;
	json = a.json;
	no_history = a.no_history;
	db = a.db;
	quiet = ja.quiet;
	cached = ja.cached;
	checker_path = ja.checker;
	validator_path = ja.validator;
	force_interactive = ja.interactive;
	jobs = ja.jobs;
	only = ja.only;
	file = a.argv[0];
	tests = a.argv[1];

	buf_init(&src, 0);
	memset(&ts, 0, sizeof ts);
	lang_load_all(&langs);
	for (size_t i = 0; i < langs.nerrors; i++)
		fprintf(stderr, "forge: warning: %s\n", langs.errors[i]);
	if ((ret = cli_read_source(file, &src)) != 0)
		goto out_early;
	lang = lang_id ? lang_find_id(&langs, lang_id)
	               : lang_find_file(&langs, file);
	if (lang == NULL) {
		ret = lang_id ? cli_usage_error("unknown language '%s' (see "
		                                "'forge langs')",
		                                lang_id)
		              : cli_usage_error("%s: unknown file extension; "
		                                "name the language with -l",
		                                file);
		goto out_early;
	}
	if (!lang_available(lang, a.backend, err, sizeof err)) {
		ret = cli_usage_error("%s is not available here: %s",
		                      lang->name, err);
		goto out_early;
	}
	if (testset_load(&ts, tests, err, sizeof err) < 0) {
		ret = cli_usage_error("%s", err);
		goto out_early;
	}
	/* the test set's limits, unless given here */
	if (!lset.time && ts.time_ms != 0)
		limits.cpu_ms = ts.time_ms;
	if (!lset.mem && ts.mem_bytes != 0)
		limits.mem_bytes = ts.mem_bytes;
	if (!lset.wall && limits.wall_ms < limits.cpu_ms * 2 + 1000)
		limits.wall_ms = limits.cpu_ms * 2 + 1000;
	if (ts.validator_flags != NULL && ts.validator_path == NULL &&
	    validator_path == NULL && checker_path == NULL &&
	    compare_parse_flags(&o.compare, ts.validator_flags, err,
	                        sizeof err) < 0) {
		ret = cli_usage_error("%s: validator_flags: %s", tests, err);
		goto out_early;
	}

	o.backend = a.backend;
	o.backend->cleanup_stale();
	cache_cleanup_stale();
	ret = -1;
	if (checker_path != NULL || validator_path != NULL ||
	    ts.validator_path != NULL) {
		const char *p = checker_path     ? checker_path
		                : validator_path ? validator_path
		                                 : ts.validator_path;
		if (checker_prepare(
		        &chk, checker_path ? CHECKER_TESTLIB : CHECKER_KATTIS,
		        p, &langs, o.backend, err, sizeof err) < 0) {
			ret = cli_usage_error("%s", err);
			goto out_early;
		}
		have_checker = true;
		o.checker = &chk;
	}
	o.interactive = force_interactive || ts.interactive;
	if (o.interactive && (!have_checker || chk.kind != CHECKER_KATTIS)) {
		ret = cli_usage_error("an interactive problem needs a Kattis "
		                      "output validator (--validator)");
		goto out_checker;
	}
	o.validator_flags = ts.validator_flags;
	o.jobs = jobs > 0 ? (unsigned)jobs : 1;
	o.only = only;
	{
		size_t i, selected = 0;

		for (i = 0; i < ts.ntests; i++) {
			struct compare_opts co = o.compare;

			if (judge_selected(&o, &ts.tests[i]))
				selected++;
			/* a test group's flags, checked before anything runs */
			if (!have_checker && ts.tests[i].flags != NULL &&
			    compare_parse_flags(&co, ts.tests[i].flags, err,
			                        sizeof err) < 0) {
				ret = cli_usage_error(
				    "%s: test %s: validator flags: %s", tests,
				    ts.tests[i].name, err);
				goto out_checker;
			}
		}
		if (selected == 0) {
			ret = cli_usage_error("no test matched --only in %s",
			                      tests);
			goto out_checker;
		}
	}

	/* a package that gives no time limit: the one its format defines */
	if (!lset.time && ts.kind == TESTSET_KATTIS && ts.time_ms == 0 &&
	    (ret = judge_package_time(&ts, &o, &langs, &limits)) >= 0)
		goto out_checker;
	if (!lset.wall && limits.wall_ms < limits.cpu_ms * 2 + 1000)
		limits.wall_ms = limits.cpu_ms * 2 + 1000;
	o.limits = limits;
	/* 2023-07 and later: a run may go on past the package's limit, up to
	 * time_limit_to_tle times it, so that its time is known; still TLE */
	if (!lset.time && ts.kind == TESTSET_KATTIS && !ts.time_legacy &&
	    ts.time_limit_to_tle > 1.0) {
		o.verdict_cpu_ms = limits.cpu_ms;
		o.limits.cpu_ms = (uint64_t)ceil((double)limits.cpu_ms *
		                                 ts.time_limit_to_tle);
		if (!lset.wall && limits.wall_ms < o.limits.cpu_ms * 2 + 1000)
			limits.wall_ms = o.limits.cpu_ms * 2 + 1000;
		o.limits.wall_ms = limits.wall_ms;
	}
	cache_sha256(src.data ? src.data : "", src.len, hash);
	{
		/* the test set as judged: its contents and how they are
		 * compared, so a cached verdict is never stale */
		char *abs = history_recorder_abspath(tests), digest[65],
		     how[512];

		struct buf pick;

		buf_init(&pick, 0);
		for (size_t i = 0; only != NULL && only[i] != NULL; i++)
			buf_printf(&pick, "%s\n", only[i]);
		snprintf(how, sizeof how,
		         "only=%s stop=%d mode=%d case=%d space=%d abs=%.17g "
		         "rel=%.17g checker=%s interactive=%d",
		         buf_cstr(&pick), o.stop_on_fail, (int)o.compare.mode,
		         o.compare.case_sensitive, o.compare.space_sensitive,
		         o.compare.abs_tol, o.compare.rel_tol,
		         /* the checker's build key covers its sources */
		         have_checker ? chk.build.key : "-",
		         force_interactive || ts.interactive);
		buf_free(&pick);
		testset_digest(&ts, how, digest);
		xasprintf(&testset_abs, "%s#%.16s", abs, digest);
		free(abs);
	}
	if (!no_history || cached)
		toolchain = cache_toolchain(lang, o.backend);
	if (cached) {
		struct judge_outcome x;

		judge_outcome_init(&x, &ts, have_checker ? &chk : NULL,
		                   o.interactive, lang->id);
		if ((ret = judge_from_cache(db, toolchain, hash, &limits,
		                            testset_abs, json, quiet, &x)) >= 0)
			goto out_checker;
	}
	cli_compile_limits(&a, lang, &climits);

	judge_print_init(&pr, json, quiet, &o);
	if (pipeline_build(&build, lang, o.backend, buf_cstr(&src), src.len,
	                   NULL, 0, &climits, false) == 0) {
		judge_print_header(&pr);
		judge_run(&o, &build, &ts, judge_report, &pr);
	}
	json_close(&pr.w, ']');

	{
		struct judge_outcome x;
		enum verdict v;
		const char *detail = "";

		if (build.verdict == VERDICT_CE ||
		    build.verdict == VERDICT_IE) {
			v = build.verdict;
			detail = build.detail;
		} else if (pr.failed) {
			v = pr.first_fail.verdict;
			detail = pr.first_fail.detail;
		} else if (pr.count == 0) {
			v = VERDICT_IE;
			detail = "no test matched --only";
		} else
			v = pr.passed > 0 && ts.ntests > 0 ? VERDICT_AC
			                                   : VERDICT_OK;
		/* run-only tests only: OK (below); then the record */
		if (v == VERDICT_AC) {
			bool any_answer = false;
			for (size_t i = 0; i < ts.ntests; i++)
				any_answer |= ts.tests[i].has_answer;
			if (!any_answer)
				v = VERDICT_OK;
		}
		herr[0] = '\0';
		if (!no_history) {
			history_run_init(&h);
			h.created = history_recorder_now();
			h.kind = xstrdup("judge");
			h.file = history_recorder_abspath(file);
			h.language = xstrdup(lang->id);
			h.toolchain = toolchain ? xstrdup(toolchain) : NULL;
			h.source = xstrndup(src.data ? src.data : "", src.len);
			h.source_len = src.len;
			h.source_hash = xstrdup(hash);
			h.stdin_data = xstrdup("");
			h.limits = limits;
			h.backend = xstrdup(o.backend->name);
			h.enforced_by =
			    pr.any_run
			        ? xstrdup(box_enforcer_name(pr.enforced_by))
			        : NULL;
			h.verdict = xstrdup(verdict_name(v));
			h.detail = xstrdup(detail);
			h.time_ms = (int64_t)pr.max_time;
			h.memory_kb = (int64_t)pr.max_mem;
			h.compile = xstrndup(build.compile_output.data
			                         ? build.compile_output.data
			                         : "",
			                     build.compile_output.len);
			h.compile_len = build.compile_output.len;
			h.testset = xstrdup(testset_abs);
			h.tests = pr.tests;
			h.ntests = pr.ntests;
			pr.tests = NULL;
			pr.ntests = 0;
			id = history_recorder_save(db, &h, herr, sizeof herr);
			if (id == 0)
				fprintf(stderr,
				        "forge: warning: the judge was "
				        "not saved to the history: %s\n",
				        herr);
			history_run_free(&h);
		}
		judge_outcome_init(&x, &ts, have_checker ? &chk : NULL,
		                   o.interactive, lang->id);
		x.verdict = v;
		x.detail = detail;
		x.compile = build.compile_output.data;
		x.compile_len = build.compile_output.len;
		x.build_cached = build.cached;
		x.limits = limits;
		x.backend = o.backend->name;
		x.enforced_by =
		    pr.any_run ? box_enforcer_name(pr.enforced_by) : NULL;
		x.id = id;
		x.history_error = herr[0] != '\0' ? herr : NULL;
		if (json)
			judge_print_json(&pr, &x);
		else
			judge_print_text(&pr, &x);
		ret = verdict_exit_status(v);
	}
	judge_print_free(&pr);
	pipeline_build_free(&build);
out_checker:
	if (have_checker)
		checker_free(&chk);
out_early:
	free(toolchain);
	free(testset_abs);
	testset_free(&ts);
	lang_set_free(&langs);
	buf_free(&src);
	free(only);
	return ret;
}
