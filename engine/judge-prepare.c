/* The rules of a judge, in one place for every face: forge judge, forge
 * stress, the workbench's tests view and a server all prepare a judge
 * here and then run judge_run or judge_one with the result, so a test
 * gets the same verdict and the same limits whoever asks.
 *
 * The order matters and is the format's: the test set's limits under
 * the caller's given ones; the comparator from the test set's validator
 * flags, every test group's flags checked before anything runs; the
 * checker built; a package that gives no time limit gets the one its
 * format defines (from its accepted submissions, which are judged with
 * the comparator and checker just made); then the wall limit (2 x CPU +
 * 1 s unless given), and time_limit_to_tle, which lets a run go on past
 * the limit so that its time is known, TLE all the same. Last, the
 * digest of the test set as judged, which keys cached verdicts. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

void
judge_prepare_request(struct judge_request *q, const struct testset *ts,
                      const struct language_set *langs,
                      const struct backend *be)
{
	memset(q, 0, sizeof *q);
	q->ts = ts;
	q->langs = langs;
	q->backend = be;
	limits_default_run(&q->limits);
	compare_opts_default(&q->compare);
	q->jobs = 1;
}

const char *
judge_prepare_source_name(enum judge_time_source s)
{
	switch (s) {
	case JUDGE_TIME_GIVEN:
		return "given";
	case JUDGE_TIME_TESTSET:
		return "testset";
	case JUDGE_TIME_COMPUTED:
		return "computed";
	case JUDGE_TIME_DEFAULT:
		return "default";
	case JUDGE_TIME_UNCOMPUTED:
		return "uncomputed";
	}
	return "default";
}

/* The comparator: the request's, with the test set's validator flags
 * when the default validator judges. */
static enum judge_prepare_status
judge_prepare_compare(struct judge_prepared *p, const struct judge_request *q,
                      char *err, size_t errlen)
{
	const struct testset *ts = q->ts;
	char why[512];

	p->opts.compare = q->compare;
	p->opts.validator_flags = ts->validator_flags;
	if (ts->validator_flags != NULL && ts->validator_path == NULL &&
	    q->validator_path == NULL && q->checker_path == NULL &&
	    compare_parse_flags(&p->opts.compare, ts->validator_flags, why,
	                        sizeof why) < 0) {
		snprintf(err, errlen, "%s: validator_flags: %s", ts->path, why);
		return JUDGE_PREPARE_BAD_INPUT;
	}
	return JUDGE_PREPARED;
}

/* The checker: --checker (testlib), --validator, or the package's own
 * output validator (Kattis), built once for every test. */
static enum judge_prepare_status
judge_prepare_checker(struct judge_prepared *p, const struct judge_request *q,
                      char *err, size_t errlen)
{
	const char *path = q->checker_path     ? q->checker_path
	                   : q->validator_path ? q->validator_path
	                                       : q->ts->validator_path;

	if (q->checker_path != NULL && q->validator_path != NULL) {
		snprintf(err, errlen, "--checker and --validator: give one");
		return JUDGE_PREPARE_BAD_INPUT;
	}
	if (path != NULL) {
		if (checker_prepare(
		        &p->checker,
		        q->checker_path ? CHECKER_TESTLIB : CHECKER_KATTIS,
		        path, q->langs, q->backend, err, errlen) < 0)
			/* a checker that does not compile is the user's; one
			 * the sandbox failed to build is not */
			return p->checker.build.verdict == VERDICT_IE
			           ? JUDGE_PREPARE_INTERNAL
			           : JUDGE_PREPARE_BAD_INPUT;
		p->have_checker = true;
		p->opts.checker = &p->checker;
	}
	p->opts.interactive = q->interactive || q->ts->interactive;
	if (p->opts.interactive &&
	    (!p->have_checker || p->checker.kind != CHECKER_KATTIS)) {
		snprintf(err, errlen,
		         "an interactive problem needs a Kattis output "
		         "validator (--validator)");
		return JUDGE_PREPARE_BAD_INPUT;
	}
	return JUDGE_PREPARED;
}

/* Each test group's flags, checked before anything runs, and the tests
 * --only picks. */
static enum judge_prepare_status
judge_prepare_tests(struct judge_prepared *p, const struct judge_request *q,
                    char *err, size_t errlen)
{
	const struct testset *ts = q->ts;
	char why[512];
	size_t i;

	p->selected = 0;
	for (i = 0; i < ts->ntests; i++) {
		struct compare_opts co = p->opts.compare;

		if (judge_selected(&p->opts, &ts->tests[i]))
			p->selected++;
		if (!p->have_checker && ts->tests[i].flags != NULL &&
		    compare_parse_flags(&co, ts->tests[i].flags, why,
		                        sizeof why) < 0) {
			snprintf(err, errlen,
			         "%s: test %s: validator flags: %s", ts->path,
			         ts->tests[i].name, why);
			return JUDGE_PREPARE_BAD_INPUT;
		}
	}
	if (p->selected == 0) {
		snprintf(err, errlen, "no test matched --only in %s", ts->path);
		return JUDGE_PREPARE_BAD_INPUT;
	}
	return JUDGE_PREPARED;
}

/* A package that gives no time limit (no limits.time_limit, no
 * .timelimit): the one its format defines, from its accepted
 * submissions that can run here (the others are left out, said); the
 * default when it has none; an error when none of them can run here. */
static enum judge_prepare_status
judge_prepare_time(struct judge_prepared *p, const struct judge_request *q,
                   char *err, size_t errlen)
{
	const struct testset *ts = q->ts;
	struct judge_opts to = p->opts;
	struct testset_time tt;
	char round[64] = "";

	to.limits = p->limits;
	to.keep_output = false;
	if (testset_time_compute(ts, &to, q->langs, &tt, err, errlen) < 0) {
		testset_time_free(&tt);
		return JUDGE_PREPARE_BAD_INPUT;
	}
	buf_add(&p->warnings, tt.notes.data, tt.notes.len);
	if (tt.time_ms == 0) {
		p->time_source = JUDGE_TIME_UNCOMPUTED;
		snprintf(p->time_note, sizeof p->time_note,
		         "%s gives no time limit and has no accepted "
		         "submission to compute it from; the default, %g s",
		         ts->path, (double)p->limits.cpu_ms / 1000.0);
		testset_time_free(&tt);
		return JUDGE_PREPARED;
	}
	if ((double)tt.time_ms >
	    (double)tt.slowest_ms * ts->ac_to_time_limit + 0.5)
		snprintf(round, sizeof round,
		         ", rounded up to a multiple of %g s",
		         ts->time_resolution);
	p->time_source = JUDGE_TIME_COMPUTED;
	strlcpy0(p->time_submission, tt.submission, sizeof p->time_submission);
	strlcpy0(p->time_test, tt.test, sizeof p->time_test);
	p->time_slowest_ms = tt.slowest_ms;
	p->time_cached = tt.cached;
	snprintf(p->time_note, sizeof p->time_note,
	         "time limit %g s = %g x %.3f s, the slowest accepted "
	         "submission (%s, on %s)%s%s",
	         (double)tt.time_ms / 1000.0, ts->ac_to_time_limit,
	         (double)tt.slowest_ms / 1000.0, tt.submission, tt.test, round,
	         tt.cached ? "; computed by an earlier judge" : "");
	p->limits.cpu_ms = tt.time_ms;
	testset_time_free(&tt);
	return JUDGE_PREPARED;
}

/* The limits: the test set's under the given ones; the wall rule. */
static void
judge_prepare_limits(struct judge_prepared *p, const struct judge_request *q)
{
	const struct testset *ts = q->ts;

	p->limits = q->limits;
	if (q->time_given)
		p->time_source = JUDGE_TIME_GIVEN;
	else if (ts->time_ms != 0) {
		p->limits.cpu_ms = ts->time_ms;
		p->time_source = JUDGE_TIME_TESTSET;
	} else
		p->time_source = JUDGE_TIME_DEFAULT;
	if (!q->mem_given && ts->mem_bytes != 0)
		p->limits.mem_bytes = ts->mem_bytes;
	limits_finish(&p->limits, q->wall_given);
	if (p->time_source != JUDGE_TIME_DEFAULT || ts->kind != TESTSET_KATTIS)
		snprintf(
		    p->time_note, sizeof p->time_note, "time limit %g s, %s",
		    (double)p->limits.cpu_ms / 1000.0,
		    p->time_source == JUDGE_TIME_GIVEN     ? "given"
		    : p->time_source == JUDGE_TIME_TESTSET ? "the test set's"
		                                           : "the default");
}

/* The sandbox's limits from the reported ones: 2023-07 and later, a run
 * may go on past the package's limit, up to time_limit_to_tle times it,
 * so that its time is known; still TLE. */
static void
judge_prepare_extend(struct judge_prepared *p, const struct judge_request *q)
{
	const struct testset *ts = q->ts;

	limits_finish(&p->limits, q->wall_given);
	p->opts.limits = p->limits;
	p->opts.verdict_cpu_ms = 0;
	if (q->time_given || ts->kind != TESTSET_KATTIS || ts->time_legacy ||
	    !(ts->time_limit_to_tle > 1.0))
		return;
	p->opts.verdict_cpu_ms = p->limits.cpu_ms;
	p->opts.limits.cpu_ms =
	    limits_scale_ms(p->limits.cpu_ms, ts->time_limit_to_tle);
	if (!q->wall_given &&
	    p->limits.wall_ms < limits_default_wall(p->opts.limits.cpu_ms))
		p->limits.wall_ms = limits_default_wall(p->opts.limits.cpu_ms);
	p->opts.limits.wall_ms = p->limits.wall_ms;
}

/* The test set as judged: its contents and how they are compared, so a
 * cached verdict is never stale. */
static void
judge_prepare_digest(struct judge_prepared *p, const struct judge_request *q)
{
	const struct judge_opts *o = &p->opts;
	struct buf how, pick;
	size_t i;

	buf_init(&pick, 0);
	for (i = 0; q->only != NULL && q->only[i] != NULL; i++)
		buf_printf(&pick, "%s\n", q->only[i]);
	buf_init(&how, 0);
	buf_printf(&how,
	           "only=%s stop=%d mode=%d case=%d space=%d abs=%.17g "
	           "rel=%.17g checker=%s interactive=%d",
	           buf_cstr(&pick), o->stop_on_fail, (int)o->compare.mode,
	           o->compare.case_sensitive, o->compare.space_sensitive,
	           o->compare.abs_tol, o->compare.rel_tol,
	           /* the checker's build key covers its sources */
	           p->have_checker ? p->checker.build.key : "-",
	           o->interactive);
	testset_digest(q->ts, buf_cstr(&how), p->digest);
	buf_free(&how);
	buf_free(&pick);
}

enum judge_prepare_status
judge_prepare(struct judge_prepared *p, const struct judge_request *q,
              char *err, size_t errlen)
{
	enum judge_prepare_status s;

	memset(p, 0, sizeof *p);
	buf_init(&p->warnings, 0);
	p->opts.backend = q->backend;
	p->opts.jobs = q->jobs > 0 ? q->jobs : 1;
	p->opts.only = q->only;
	p->opts.stop_on_fail = q->stop_on_fail;
	p->opts.keep_output = q->keep_output;
	judge_prepare_limits(p, q);
	if ((s = judge_prepare_compare(p, q, err, errlen)) != JUDGE_PREPARED ||
	    (s = judge_prepare_checker(p, q, err, errlen)) != JUDGE_PREPARED ||
	    (s = judge_prepare_tests(p, q, err, errlen)) != JUDGE_PREPARED)
		return s;
	p->opts.limits = p->limits;
	if (!q->time_given && q->ts->kind == TESTSET_KATTIS &&
	    q->ts->time_ms == 0 &&
	    (s = judge_prepare_time(p, q, err, errlen)) != JUDGE_PREPARED)
		return s;
	judge_prepare_extend(p, q);
	judge_prepare_digest(p, q);
	return JUDGE_PREPARED;
}

/* After judge_prepare, whatever it returned. */
void
judge_prepare_free(struct judge_prepared *p)
{
	if (p->have_checker)
		checker_free(&p->checker);
	p->have_checker = false;
	p->opts.checker = NULL;
	buf_free(&p->warnings);
}

/* A judge's verdict: the build's when it failed, else the first failing
 * test's, else AC (OK when no test has an answer to compare). ran and
 * passed count the tests judged; first_fail is NULL when none failed. */
enum verdict
judge_prepare_overall(const struct build *build, const struct testset *ts,
                      size_t ran, size_t passed,
                      const struct judge_test *first_fail, const char **detail)
{
	bool any_answer = false;

	*detail = "";
	if (build->verdict == VERDICT_CE || build->verdict == VERDICT_IE) {
		*detail = build->detail;
		return build->verdict;
	}
	if (first_fail != NULL) {
		*detail = first_fail->detail;
		return first_fail->verdict;
	}
	if (ran == 0) {
		*detail = "no test matched --only";
		return VERDICT_IE;
	}
	if (passed == 0 || ts->ntests == 0)
		return VERDICT_OK;
	for (size_t i = 0; i < ts->ntests; i++)
		any_answer |= ts->tests[i].has_answer;
	return any_answer ? VERDICT_AC : VERDICT_OK;
}
