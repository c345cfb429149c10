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
	OPT_JSON = CLI_OPT_COMMAND,
	OPT_NO_HISTORY,
	OPT_DB,
	OPT_CACHED,
	OPT_COMPILE_TIME,
	OPT_COMPILE_MEM,
	OPT_COMPARE,
	OPT_CASE,
	OPT_SPACE,
	OPT_FLOAT,
	OPT_FLOAT_ABS,
	OPT_FLOAT_REL,
	OPT_CHECKER,
	OPT_VALIDATOR,
	OPT_INTERACTIVE,
	OPT_ONLY,
};

static const struct cli_option judge_options[] = {
    {"lang", 'l', "NAME", "language id (default: by file extension)"},
    {"time", 't', "SECONDS",
     "CPU time limit per test (default: the test set's, else 2)"},
    {"wall", CLI_OPT_WALL, "SECONDS", "wall time limit per test"},
    {"mem", 'm', "SIZE",
     "memory limit per test (default: the test set's, else 256M)"},
    {"pids", CLI_OPT_PIDS, "N", "processes and threads (default 64)"},
    {"output", CLI_OPT_OUTPUT, "SIZE", "stdout+stderr limit (default 64M)"},
    {"fsize", CLI_OPT_FSIZE, "SIZE", "largest file, size of /work and /tmp"},
    {"jobs", 'j', "N", "tests run in parallel (default: the cores)"},
    {"only", OPT_ONLY, "NAME", "run only tests named so (a glob; repeat)"},
    {"stop", 'x', NULL, "stop at the first test that fails"},
    {"compare", OPT_COMPARE, "MODE", "tokens (default) or exact"},
    {"case-sensitive", OPT_CASE, NULL, "tokens: letter case matters"},
    {"space-change-sensitive", OPT_SPACE, NULL,
     "tokens: whitespace must match"},
    {"float-tolerance", OPT_FLOAT, "EPS",
     "numbers within EPS, absolute or relative"},
    {"float-absolute-tolerance", OPT_FLOAT_ABS, "EPS",
     "numbers within EPS absolute"},
    {"float-relative-tolerance", OPT_FLOAT_REL, "EPS",
     "numbers within EPS relative"},
    {"checker", OPT_CHECKER, "FILE",
     "testlib checker: checker input output answer, exit 0 AC"},
    {"validator", OPT_VALIDATOR, "PATH",
     "Kattis output validator (file or directory), exit 42 AC"},
    {"interactive", OPT_INTERACTIVE, NULL,
     "run the program against the validator, connected by pipes"},
    {"json", OPT_JSON, NULL, "print one JSON object with every test"},
    {"no-history", OPT_NO_HISTORY, NULL, "do not record the judge"},
    {"db", OPT_DB, "PATH",
     "the history database (default: $FORGE_HISTORY, else "
     "$XDG_DATA_HOME/forge/history.db)"},
    {"cached", OPT_CACHED, NULL,
     "an earlier identical judge's result, if any (not TLE or IE)"},
    {"compile-time", OPT_COMPILE_TIME, "SECONDS",
     "CPU time limit of the compiler (default: the language's)"},
    {"compile-mem", OPT_COMPILE_MEM, "SIZE",
     "memory limit of the compiler (default: the language's)"},
    {"quiet", 'q', NULL, "only the summary line"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

void
cmd_judge_help(FILE *f)
{
	fprintf(
	    f, "usage: forge judge [options] FILE TESTS\n\n"
	       "Compiles FILE once and runs it on every test of TESTS, each in "
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
	       "forge(1)).\n\noptions:\n");
	cli_options_help(f, judge_options);
	fprintf(f, "\nexit status: 0 when every test passes, 1 otherwise, 2 "
	           "usage error or bad\ntest set, 3 internal error\n");
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
		history_test_json(&p->w, ht);
		json_cstr(&p->w, "diff", diff && diff[0] ? diff : NULL);
		json_cstr(&p->w, "stderr", stderr_head);
		json_close(&p->w, '}');
		return;
	}
	if (p->quiet)
		return;
	limits_format_size((uint64_t)ht->memory_kb * 1024, mem, sizeof mem);
	/* a checker's detail may quote the program's output */
	shown = escape_cstr(verdict_good(v) ? "" : detail, false);
	printf("%4zu  %-28s %s%-4s%s %7.3fs %8s  %s\n", p->count, ht->name,
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

static int
judge_parse_tol(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno != 0 || *end != '\0' || !(*out >= 0) || isinf(*out) ? -1
	                                                                 : 0;
}

int
cmd_judge(int argc, char **argv)
{
	struct limits limits, climits;
	const char *lang_id = NULL, *checker_path = NULL,
	           *validator_path = NULL, *file, *tests;
	struct cli_limits_set lset = {0};
	bool json = false, quiet = false, force_interactive = false,
	     cset[2] = {0, 0};
	uint64_t ctime = 0, cmem = 0;
	struct judge_opts o;
	struct judge_print pr;
	struct language_set langs;
	const struct language *lang;
	struct testset ts;
	struct checker chk;
	bool have_checker = false, no_history = false, cached = false;
	const char *db = NULL;
	char *toolchain = NULL, *testset_abs = NULL, hash[65], herr[512];
	int64_t id = 0;
	struct history_run h;
	struct build build;
	struct buf src;
	char **only = NULL;
	size_t nonly = 0;
	struct option *lo;
	char shortopts[64], err[4096];
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int opt, ret = -1;

	memset(&o, 0, sizeof o);
	limits_default_run(&limits);
	compare_opts_default(&o.compare);
	lo = cli_longopts(judge_options, shortopts, sizeof shortopts);
	opterr = 0;
	optind = 1;
	while (ret < 0 &&
	       (opt = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		const char *name = "";
		int bad = 0;
		size_t i;

		for (i = 0; judge_options[i].name != NULL; i++)
			if (judge_options[i].key == opt)
				name = judge_options[i].name;
		if (cli_limit_option(opt, optarg, &limits, &lset, &bad, err,
		                     sizeof err))
			;
		else
			switch (opt) {
			case 'l':
				lang_id = optarg;
				break;
			case 'j': {
				uint32_t j;
				bad = limits_parse_count(optarg, &j, err,
				                         sizeof err);
				jobs = j;
				break;
			}
			case OPT_ONLY:
				only =
				    xrealloc(only, (nonly + 2) * sizeof *only);
				only[nonly++] = optarg;
				only[nonly] = NULL;
				break;
			case 'x':
				o.stop_on_fail = true;
				break;
			case OPT_COMPARE:
				if (strcmp(optarg, "exact") == 0)
					o.compare.mode = COMPARE_EXACT;
				else if (strcmp(optarg, "tokens") == 0)
					o.compare.mode = COMPARE_TOKENS;
				else {
					snprintf(err, sizeof err,
					         "'%s': use tokens or exact",
					         optarg);
					bad = -1;
				}
				break;
			case OPT_CASE:
				o.compare.case_sensitive = true;
				break;
			case OPT_SPACE:
				o.compare.space_sensitive = true;
				break;
			case OPT_FLOAT:
			case OPT_FLOAT_ABS:
			case OPT_FLOAT_REL: {
				double v;
				if (judge_parse_tol(optarg, &v) < 0) {
					snprintf(err, sizeof err,
					         "'%s' is not a tolerance",
					         optarg);
					bad = -1;
					break;
				}
				if (opt != OPT_FLOAT_REL)
					o.compare.abs_tol = v;
				if (opt != OPT_FLOAT_ABS)
					o.compare.rel_tol = v;
				break;
			}
			case OPT_CHECKER:
				checker_path = optarg;
				break;
			case OPT_VALIDATOR:
				validator_path = optarg;
				break;
			case OPT_INTERACTIVE:
				force_interactive = true;
				break;
			case OPT_JSON:
				json = true;
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
				cset[0] = true;
				bad = limits_parse_seconds(optarg, &ctime, err,
				                           sizeof err);
				break;
			case OPT_COMPILE_MEM:
				cset[1] = true;
				bad = limits_parse_size(optarg, &cmem, err,
				                        sizeof err);
				break;
			case 'q':
				quiet = true;
				break;
			case 'h':
				cmd_judge_help(stdout);
				ret = 0;
				break;
			case ':':
				ret = cli_usage_error(
				    "option '%s' needs a value (see "
				    "'forge judge --help')",
				    argv[optind - 1]);
				break;
			default:
				ret = cli_usage_error(
				    "unknown option '%s' (see 'forge "
				    "judge --help')",
				    argv[optind - 1]);
				break;
			}
		if (bad < 0)
			ret = cli_usage_error("--%s: %s", name, err);
	}
	free(lo);
	if (ret >= 0) {
		free(only);
		return ret;
	}
	if (argc - optind != 2) {
		free(only);
		return cli_usage_error(
		    "usage: forge judge [options] FILE TESTS");
	}
	if (checker_path != NULL && validator_path != NULL) {
		free(only);
		return cli_usage_error("--checker and --validator: give one");
	}
	file = argv[optind];
	tests = argv[optind + 1];

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
	if (!lang_available(lang, backend_default(), err, sizeof err)) {
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

	o.backend = backend_default();
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
	climits = lang->compile_limits;
	if (cset[0]) {
		climits.cpu_ms = ctime;
		if (climits.wall_ms < ctime * 2)
			climits.wall_ms = ctime * 2;
	}
	if (cset[1])
		climits.mem_bytes = cmem;

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
