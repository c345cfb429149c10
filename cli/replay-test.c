/* forge replay ID --test NAME: one test of a recorded judge run again.
 *
 * A judge keeps each test's verdict and measurements in the history,
 * not its output: the replay runs the judge's program on the test's
 * input again, with the judge's limits, under the recorder (so the new
 * run has its output and usage timeline, linked to the judge), judges
 * that output with the test set's rules (judge_output, as judge_one
 * judges) and says whether the test's verdict reproduced. The test set
 * is read where the judge read it; a digest that differs from the
 * judge's says the tests (or the rules) changed since. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* Everything a test's replay holds, freed by replay_test_free. */
struct replay_test {
	const struct history_run *judge;
	char *path;        /* the test set, as the judge recorded it */
	char digest[17];   /* the judge's digest of it (its first 16) */
	struct testset ts; /* loaded from path */
	bool loaded, prepared;
	struct language_set langs;
	struct judge_prepared prep;
	size_t idx;                          /* the test's in ts */
	const struct history_test *recorded; /* its row in the judge; NULL */
	/* its verdict as judged: its row's, or CE when no test ran as the
	 * program did not compile; NULL: not judged */
	const char *was;
	struct buf in; /* its input */
};

static void
replay_test_free(struct replay_test *t)
{
	if (t->prepared)
		judge_prepare_free(&t->prep);
	if (t->loaded)
		testset_free(&t->ts);
	lang_set_free(&t->langs);
	buf_free(&t->in);
	free(t->path);
}

/* The test set at the judge's path, and test name in it. */
static int
replay_test_find(struct replay_test *t, const char *name)
{
	const struct history_run *j = t->judge;
	const char *hash = j->testset ? strrchr(j->testset, '#') : NULL;
	char err[1024];
	size_t i;

	if (hash == NULL)
		return cli_usage_error("run %lld does not say where its tests "
		                       "were: its tests cannot be replayed",
		                       (long long)j->id);
	t->path = xstrndup(j->testset, (size_t)(hash - j->testset));
	snprintf(t->digest, sizeof t->digest, "%s", hash + 1);
	/* freed whole, or what a failed load left */
	t->loaded = true;
	if (testset_load(&t->ts, t->path, err, sizeof err) < 0)
		return cli_usage_error("run %lld's tests were at %s: %s",
		                       (long long)j->id, t->path, err);
	for (i = 0; i < t->ts.ntests; i++)
		if (strcmp(t->ts.tests[i].name, name) == 0)
			break;
	if (i == t->ts.ntests)
		return cli_usage_error("the tests of run %lld (%s) have no "
		                       "test '%s' (see 'forge show %lld')",
		                       (long long)j->id, t->path, name,
		                       (long long)j->id);
	t->idx = i;
	for (i = 0; i < j->ntests; i++)
		if (strcmp(j->tests[i].name, name) == 0)
			t->recorded = &j->tests[i];
	t->was = t->recorded                     ? t->recorded->verdict
	         : strcmp(j->verdict, "CE") == 0 ? "CE"
	                                         : NULL;
	if (testset_read(&t->ts.tests[t->idx], false, &t->in, err, sizeof err) <
	    0)
		return cli_usage_error("test '%s': %s", name, err);
	return 0;
}

/* The judging rules as the judge had them: its recorded limits, the
 * test set's comparator, checker or validator. */
static int
replay_test_prepare(struct replay_test *t, const struct backend *be)
{
	struct judge_request req;
	char err[1024];
	enum judge_prepare_status st;

	lang_load_all(&t->langs);
	judge_prepare_request(&req, &t->ts, &t->langs, be);
	req.limits = t->judge->limits;
	req.time_given = req.wall_given = req.mem_given = true;
	/* every test, as a judge has them: the digest is the judge's */
	st = judge_prepare(&t->prep, &req, err, sizeof err);
	t->prepared = true;
	if (st == JUDGE_PREPARE_INTERNAL)
		return cli_internal_error("%s", err);
	if (st != JUDGE_PREPARED)
		return cli_usage_error("%s", err);
	if (t->prep.opts.interactive)
		return cli_usage_error("run %lld's problem is interactive: a "
		                       "test of it cannot be replayed alone",
		                       (long long)t->judge->id);
	if (strncmp(t->prep.digest, t->digest, strlen(t->digest)) != 0)
		fprintf(stderr,
		        "forge: warning: the tests at %s changed since run "
		        "%lld judged them (or it was judged with other "
		        "rules: --only, --checker, comparator options); the "
		        "verdict "
		        "may differ for that\n",
		        t->path, (long long)t->judge->id);
	return 0;
}

/* "WA (wrong answer)" on stderr. */
static void
replay_test_verdict(const char *verdict, const char *detail)
{
	if (detail != NULL && *detail != '\0')
		fprintf(stderr, "%s (%s)", verdict, detail);
	else
		fprintf(stderr, "%s", verdict);
}

/* Says what the replay found: as JSON, or the output and lines on
 * stderr. */
static void
replay_test_say(const struct replay_test *t, const struct history_run *h,
                const struct report_extra *x, const struct judge_test *res,
                bool json, bool same)
{
	const char *was = t->was;
	const char *now = verdict_name(res->verdict);

	if (json) {
		struct buf b, run;
		struct json_writer w = {&b, false};
		struct report_extra xs = *x;

		buf_init(&b, 0);
		buf_init(&run, 0);
		xs.samples = true;
		report_run_json(h, &xs, &run);
		json_open(&w, NULL, '{');
		json_bool(&w, "reproduced", same);
		json_int(&w, "replay_of", t->judge->id);
		json_cstr(&w, "test", t->ts.tests[t->idx].name);
		json_cstr(&w, "original_verdict", was);
		json_cstr(&w, "verdict", now);
		json_cstr(&w, "detail", res->detail);
		json_cstr(&w, "diff", res->diff[0] ? res->diff : NULL);
		json_bool(
		    &w, "tests_changed",
		    strncmp(t->prep.digest, t->digest, strlen(t->digest)) != 0);
		buf_addstr(&b, ",\"run\":");
		buf_add(&b, run.data, run.len - 1);
		json_close(&w, '}');
		buf_add(&b, "\n", 1);
		fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
		buf_free(&run);
		return;
	}
	fprintf(stderr,
	        "forge: test %s of run %lld: ", t->ts.tests[t->idx].name,
	        (long long)t->judge->id);
	if (was != NULL)
		replay_test_verdict(was,
		                    t->recorded ? t->recorded->detail : NULL);
	else
		fprintf(stderr, "not in the judge");
	fprintf(stderr, ", now ");
	replay_test_verdict(now, res->detail);
	fprintf(stderr, "\n");
	if (res->diff[0])
		fprintf(stderr, "forge: %s\n", res->diff);
	fprintf(stderr,
	        "forge: %s; %.3f s CPU, %.3f s wall, %lld KiB, %zu "
	        "usage samples\n",
	        same ? "reproduced" : "did not reproduce",
	        (double)h->time_ms / 1000.0, (double)h->wall_ms / 1000.0,
	        (long long)h->memory_kb, h->nsamples);
	if (h->id > 0)
		fprintf(stderr,
		        "forge: the replay is run %lld ('forge replay %lld "
		        "--play' plays it back)\n",
		        (long long)h->id, (long long)h->id);
}

/* The test run again, recorded, judged; the exit status: 0 reproduced,
 * 1 not, 3 internal. */
static int
replay_test_run(const struct cli_args *a, const struct replay_args *ra,
                struct replay_test *t, const struct language *lang,
                const struct backend *be)
{
	struct judge_prepared *p = &t->prep;
	struct report_extra x = {0};
	struct pipeline_result r;
	struct judge_test res;
	struct history_run h;
	char err[1024], *toolchain;
	bool same;
	int ret;

	be->cleanup_stale();
	cache_cleanup_stale();
	toolchain = cache_toolchain(lang, be);
	ret = replay_run(a, t->judge,
	                 &(struct replay_input){t->in.data ? t->in.data : "",
	                                        t->in.len, &p->opts.limits},
	                 lang, be, toolchain, &h, &x, &r, err, sizeof err);
	free(toolchain);
	if (ret != 0)
		return ret;
	memset(&res, 0, sizeof res);
	res.verdict = r.verdict;
	res.time_ms = (uint64_t)h.time_ms;
	if (r.verdict != VERDICT_OK)
		snprintf(res.detail, sizeof res.detail, "%s", r.detail);
	if (r.verdict != VERDICT_CE && r.verdict != VERDICT_IE)
		judge_output(&p->opts, &t->ts, t->idx, h.out ? h.out : "",
		             h.out_len, &res);
	same = t->was != NULL && strcmp(t->was, verdict_name(res.verdict)) == 0;
	if (ra->play && !a->json)
		replay_play(&h, ra->speed);
	else if (!a->json) {
		fwrite(h.out, 1, h.out_len, stdout);
		fflush(stdout);
	}
	replay_test_say(t, &h, &x, &res, a->json, same);
	ret = res.verdict == VERDICT_IE ? EXIT_INTERNAL : same ? 0 : 1;
	pipeline_result_free(&r);
	history_run_free(&h);
	return ret;
}

/* forge replay JUDGE --test NAME */
int
replay_test(const struct cli_args *a, const struct replay_args *ra,
            const struct history_run *judge)
{
	struct replay_test t = {.judge = judge};
	const struct language *lang;
	const struct backend *be;
	char err[512];
	int ret;

	buf_init(&t.in, 0);
	if ((ret = replay_backend(a, judge, &be)) != 0 ||
	    (ret = replay_test_find(&t, ra->test)) != 0 ||
	    (ret = replay_test_prepare(&t, be)) != 0) {
		replay_test_free(&t);
		return ret;
	}
	lang = lang_find_id(&t.langs, judge->language);
	if (lang == NULL || !lang_available(lang, be, err, sizeof err))
		ret = cli_usage_error("run %lld is in %s, which is %s here",
		                      (long long)judge->id, judge->language,
		                      lang == NULL ? "not defined"
		                                   : "not available");
	else
		ret = replay_test_run(a, ra, &t, lang, be);
	replay_test_free(&t);
	return ret;
}
