/* judge_output: a test's verdict on output its caller ran and captured
 * itself (a replay), by the rules judge_one judges with: an OK run's
 * output against the answer with the comparator and the test group's
 * flags (AC, or WA with where it differs), any other run's verdict kept
 * as it is, a test with no answer left OK, and Kattis time_limit_to_tle
 * (a run over the verdict's CPU limit is TLE, its output judged all the
 * same). Test sets are pairs in a temporary directory; nothing runs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "tests/unit/check.h"

static char root[256];

static void
put(const char *name, const char *text)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", root, name);
	check_write(path, text);
}

/* Test name's verdict for output out of a run that ended with verdict v
 * after time_ms of CPU. */
static enum verdict
judged(const struct judge_opts *o, const struct testset *ts, const char *name,
       enum verdict v, uint64_t time_ms, const char *out,
       struct judge_test *res)
{
	size_t i;

	for (i = 0; i < ts->ntests; i++)
		if (strcmp(ts->tests[i].name, name) == 0)
			break;
	CHECK(i < ts->ntests);
	memset(res, 0, sizeof *res);
	res->verdict = v;
	res->time_ms = time_ms;
	judge_output(o, ts, i, out, strlen(out), res);
	return res->verdict;
}

int
main(void)
{
	struct judge_opts o = {0};
	struct judge_test res;
	struct testset ts;
	char err[1024], path[300], cmd[320];

	snprintf(root, sizeof root, "%s/forge-output.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	put("t/a.in", "1 2\n");
	put("t/a.ans", "3\n");
	put("t/b.in", "0.5\n");
	put("t/b.ans", "0.3333\n");
	put("t/c.in", "x\n");
	snprintf(path, sizeof path, "%s/t", root);
	if (testset_load(&ts, path, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", path, err);
		return 1;
	}
	compare_opts_default(&o.compare);

	/* the comparator: tokens, so spaces do not matter; a wrong token is
	 * WA with where it is */
	CHECK(judged(&o, &ts, "a", VERDICT_OK, 5, "3\n", &res) == VERDICT_AC);
	CHECK(judged(&o, &ts, "a", VERDICT_OK, 5, "  3  \n\n", &res) ==
	      VERDICT_AC);
	CHECK(judged(&o, &ts, "a", VERDICT_OK, 5, "4\n", &res) == VERDICT_WA);
	CHECK(strstr(res.diff, "expected '3', got '4'") != NULL);
	CHECK_STR(res.detail, "wrong answer");
	/* a float within the tolerance the options give */
	CHECK(judged(&o, &ts, "b", VERDICT_OK, 5, "0.3334\n", &res) ==
	      VERDICT_WA);
	o.compare.abs_tol = 1e-3;
	CHECK(judged(&o, &ts, "b", VERDICT_OK, 5, "0.3334\n", &res) ==
	      VERDICT_AC);
	compare_opts_default(&o.compare);
	/* a run that did not end well keeps its verdict, whatever it
	 * printed */
	CHECK(judged(&o, &ts, "a", VERDICT_RE, 5, "3\n", &res) == VERDICT_RE);
	CHECK(judged(&o, &ts, "a", VERDICT_TLE, 2000, "3\n", &res) ==
	      VERDICT_TLE);
	/* no answer: the run's OK stands */
	CHECK(judged(&o, &ts, "c", VERDICT_OK, 5, "anything\n", &res) ==
	      VERDICT_OK);
	/* time_limit_to_tle: over the verdict's limit is TLE, the output
	 * right all the same */
	o.verdict_cpu_ms = 1000;
	CHECK(judged(&o, &ts, "a", VERDICT_OK, 1500, "3\n", &res) ==
	      VERDICT_TLE);
	CHECK(strstr(res.detail, "the output is accepted") != NULL);
	CHECK(judged(&o, &ts, "a", VERDICT_OK, 900, "3\n", &res) == VERDICT_AC);
	/* the test set gone meanwhile: IE, with why */
	snprintf(cmd, sizeof cmd, "rm -f '%s/t/a.ans'", root);
	CHECK(system(cmd) == 0);
	CHECK(judged(&o, &ts, "a", VERDICT_OK, 5, "3\n", &res) == VERDICT_IE);
	CHECK(res.detail[0] != '\0');

	testset_free(&ts);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	return check_done();
}
