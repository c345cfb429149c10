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
	       "and stderr.\n\noptions:\n");
	cli_options_help(f, judge_options);
	fprintf(f, "\nexit status: 0 when every test passes, 1 otherwise, 2 "
	           "usage error or bad\ntest set, 3 internal error\n");
}

struct judge_print {
	bool json, quiet, color;
	const struct judge_opts *opts;
	size_t count, passed;
	struct judge_test first_fail;
	const struct test_case *first_case;
	bool failed;
	uint64_t max_time, max_mem;
	enum box_enforcer enforced_by;
	bool any_run;
	struct buf json_tests;
	struct json_writer w;
	struct history_test *tests; /* for the history */
	size_t ntests;
};

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
judge_report(const struct judge_test *r, const struct test_case *t, void *arg)
{
	struct judge_print *p = arg;
	char mem[32];

	p->count++;
	if (verdict_good(r->verdict))
		p->passed++;
	else if (!p->failed) {
		p->failed = true;
		p->first_fail = *r;
		p->first_case = t;
	}
	if (r->time_ms > p->max_time)
		p->max_time = r->time_ms;
	if (r->mem_kb > p->max_mem)
		p->max_mem = r->mem_kb;
	{
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
	}
	if (r->verdict != VERDICT_IE || r->time_ms || r->mem_kb) {
		p->enforced_by = r->enforced_by;
		p->any_run = true;
	}
	if (p->json) {
		json_open(&p->w, NULL, '{');
		json_cstr(&p->w, "name", t->name);
		json_cstr(&p->w, "verdict", verdict_name(r->verdict));
		json_int(&p->w, "time_ms", (long long)r->time_ms);
		json_int(&p->w, "wall_ms", (long long)r->wall_ms);
		json_int(&p->w, "memory_kb", (long long)r->mem_kb);
		if (r->exited)
			json_int(&p->w, "exit_code", r->exit_code);
		else
			json_null(&p->w, "exit_code");
		if (r->signal != 0) {
			char sig[32];
			snprintf(sig, sizeof sig, "SIG%s",
			         sigabbrev_np(r->signal)
			             ? sigabbrev_np(r->signal)
			             : "?");
			json_cstr(&p->w, "signal", sig);
		} else
			json_null(&p->w, "signal");
		json_cstr(&p->w, "detail", r->detail);
		json_cstr(&p->w, "diff", r->diff[0] ? r->diff : NULL);
		json_cstr(&p->w, "stderr", r->stderr_head);
		json_close(&p->w, '}');
		return;
	}
	if (p->quiet)
		return;
	limits_format_size(r->mem_kb * 1024, mem, sizeof mem);
	printf("%4zu  %-28s %s%-4s%s %7.3fs %8s  %s\n", p->count, t->name,
	       judge_color(p, r->verdict), verdict_name(r->verdict),
	       p->color ? "\033[0m" : "", (double)r->time_ms / 1000.0, mem,
	       verdict_good(r->verdict) ? "" : r->detail);
	fflush(stdout);
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

/* --cached: an earlier identical judge (same language, toolchain,
 * source, limits and test set), shown again; -1 when there is none. */
static int
judge_from_cache(const char *db, const struct language *lang,
                 const char *toolchain, const char *hash,
                 const struct limits *l, const char *testset, bool json,
                 bool quiet)
{
	char err[1024];
	struct history *store =
	    history_open(history_path(db), false, err, sizeof err);
	struct history_run h;
	struct report_extra x = {0};
	int64_t id;
	int ret;
	size_t i;

	if (store == NULL)
		return -1;
	id = history_cached(store, lang->id, toolchain, hash, "", 0, l, "judge",
	                    testset);
	if (id == 0 || history_get(store, id, &h, err, sizeof err) != 0) {
		history_close(store);
		return -1;
	}
	history_close(store);
	x.language_name = lang->name;
	x.cached = true;
	x.ran = true;
	if (!json && !quiet)
		for (i = 0; i < h.ntests; i++)
			printf("%4zu  %-28s %-4s %7.3fs %7lldK  %s\n", i + 1,
			       h.tests[i].name, h.tests[i].verdict,
			       (double)h.tests[i].time_ms / 1000.0,
			       (long long)h.tests[i].memory_kb,
			       strcmp(h.tests[i].verdict, "AC") == 0 ||
			               strcmp(h.tests[i].verdict, "OK") == 0
			           ? ""
			       : h.tests[i].detail ? h.tests[i].detail
			                           : "");
	if (json)
		ret = run_report(&h, &x, true, false);
	else {
		size_t passed = 0;
		enum verdict v = VERDICT_IE;

		for (i = 0; i < h.ntests; i++)
			if (strcmp(h.tests[i].verdict, "AC") == 0 ||
			    strcmp(h.tests[i].verdict, "OK") == 0)
				passed++;
		(void)verdict_from_name(h.verdict, &v);
		printf("%sforge: %s  %zu/%zu tests passed  max cpu %.3fs  [%s, "
		       "cached: run %lld]\n",
		       quiet ? "" : "\n", h.verdict, passed, h.ntests,
		       (double)h.time_ms / 1000.0, h.language, (long long)id);
		ret = verdict_exit_status(v);
	}
	history_run_free(&h);
	return ret;
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
	if (!lang_available(lang, err, sizeof err)) {
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

	ns_cleanup_stale();
	cache_cleanup_stale();
	o.backend = backend_default();
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
	if (cached &&
	    (ret = judge_from_cache(db, lang, toolchain, hash, &limits,
	                            testset_abs, json, quiet)) >= 0)
		goto out_early;
	o.interactive = force_interactive || ts.interactive;
	if (o.interactive && (!have_checker || chk.kind != CHECKER_KATTIS)) {
		ret = cli_usage_error("an interactive problem needs a Kattis "
		                      "output validator (--validator)");
		goto out_early;
	}
	o.validator_flags = ts.validator_flags;
	o.limits = limits;
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

	climits = lang->compile_limits;
	if (cset[0]) {
		climits.cpu_ms = ctime;
		if (climits.wall_ms < ctime * 2)
			climits.wall_ms = ctime * 2;
	}
	if (cset[1])
		climits.mem_bytes = cmem;

	memset(&pr, 0, sizeof pr);
	pr.json = json;
	pr.quiet = quiet;
	pr.color = !json && cli_color(1);
	pr.opts = &o;
	buf_init(&pr.json_tests, 0);
	pr.w.out = &pr.json_tests;
	json_open(&pr.w, "tests", '[');
	if (pipeline_build(&build, lang, o.backend, buf_cstr(&src), src.len,
	                   NULL, 0, &climits, false) == 0) {
		if (!json && !quiet)
			printf("%4s  %-28s %-4s %8s %8s\n", "#", "TEST", "",
			       "CPU", "MEM");
		judge_run(&o, &build, &ts, judge_report, &pr);
	}
	json_close(&pr.w, ']');

	{
		enum verdict v;
		const char *detail = "";
		char mem[32];

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
		if (json) {
			struct buf b;
			struct json_writer w;

			buf_init(&b, 0);
			w.out = &b;
			w.comma = false;
			json_open(&w, NULL, '{');
			json_cstr(&w, "verdict", verdict_name(v));
			json_cstr(&w, "detail", detail);
			json_int(&w, "passed", (long long)pr.passed);
			json_int(&w, "total", (long long)pr.count);
			json_int(&w, "time_ms", (long long)pr.max_time);
			json_int(&w, "memory_kb", (long long)pr.max_mem);
			json_str(&w, "compile_output",
			         build.compile_output.data
			             ? build.compile_output.data
			             : "",
			         build.compile_output.len);
			json_bool(&w, "build_cached", build.cached);
			json_cstr(&w, "language", lang->id);
			json_cstr(&w, "testset",
			          ts.kind == TESTSET_KATTIS      ? "kattis"
			          : ts.kind == TESTSET_COMPANION ? "companion"
			                                         : "directory");
			json_bool(&w, "interactive", o.interactive);
			json_cstr(&w, "checker",
			          !have_checker                 ? NULL
			          : chk.kind == CHECKER_TESTLIB ? "testlib"
			                                        : "kattis");
			json_open(&w, "limits", '{');
			json_int(&w, "time_ms", (long long)limits.cpu_ms);
			json_int(&w, "wall_ms", (long long)limits.wall_ms);
			json_int(&w, "memory_kb",
			         (long long)(limits.mem_bytes / 1024));
			json_int(&w, "pids", limits.pids);
			json_int(&w, "output_kb",
			         (long long)(limits.output_bytes / 1024));
			json_close(&w, '}');
			if (pr.any_run)
				json_cstr(&w, "enforced_by",
				          box_enforcer_name(pr.enforced_by));
			else
				json_null(&w, "enforced_by");
			json_cstr(&w, "backend", o.backend->name);
			if (id > 0)
				json_int(&w, "id", id);
			else
				json_null(&w, "id");
			json_bool(&w, "cached", false);
			if (herr[0] != '\0')
				json_cstr(&w, "history_error", herr);
			buf_add(&b, ",", 1);
			buf_add(&b,
			        pr.json_tests.data ? pr.json_tests.data : "",
			        pr.json_tests.len);
			json_close(&w, '}');
			buf_add(&b, "\n", 1);
			(void)util_write_all(1, b.data, b.len);
			buf_free(&b);
		} else {
			if (build.verdict == VERDICT_CE &&
			    build.compile_output.len > 0)
				fputs(buf_cstr(&build.compile_output), stdout);
			if (pr.failed && !quiet) {
				printf("\nfirst failure: %s (%s)\n",
				       pr.first_case->name,
				       verdict_name(pr.first_fail.verdict));
				if (pr.first_fail.detail[0] != '\0')
					printf("  %s\n", pr.first_fail.detail);
				if (pr.first_fail.diff[0] != '\0')
					printf("  %s\n", pr.first_fail.diff);
				judge_print_indented("stderr:",
				                     pr.first_fail.stderr_head);
			}
			char id_text[32] = "";
			if (id > 0)
				snprintf(id_text, sizeof id_text, ", id %lld",
				         (long long)id);
			limits_format_size(pr.max_mem * 1024, mem, sizeof mem);
			printf("%sforge: %s%s%s  %zu/%zu tests passed  max cpu "
			       "%.3fs  max mem %s  [%s, %s%s%s, %s%s]\n",
			       quiet ? "" : "\n", judge_color(&pr, v),
			       verdict_name(v), pr.color ? "\033[0m" : "",
			       pr.passed, pr.count,
			       (double)pr.max_time / 1000.0, mem, lang->id,
			       o.backend->name, pr.any_run ? "/" : "",
			       pr.any_run ? box_enforcer_name(pr.enforced_by)
			                  : "",
			       build.cached ? "build cached" : "compiled",
			       id_text);
			if (v == VERDICT_CE || v == VERDICT_IE)
				printf("  %s\n", detail);
		}
		ret = verdict_exit_status(v);
	}
	buf_free(&pr.json_tests);
	for (size_t i = 0; i < pr.ntests; i++) {
		free(pr.tests[i].name);
		free(pr.tests[i].verdict);
		free(pr.tests[i].signal);
		free(pr.tests[i].detail);
	}
	free(pr.tests);
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
