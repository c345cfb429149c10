/* judge_prepare: the rules every face judges by. The limits merge (given
 * over the test set's over the defaults), the wall rule, Kattis
 * time_limit_to_tle (the verdict's CPU limit and the sandbox's longer
 * one), the time-limit source, the digest of the test set as judged,
 * and validator flags refused before anything runs. Test sets are made
 * in a temporary directory; nothing here runs a program (a computed
 * limit is covered end to end by judge-timelimit.sh and
 * tui-judge-rules.sh). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static void
load(struct testset *ts, const char *dir)
{
	char path[512], err[1024];

	snprintf(path, sizeof path, "%s/%s", root, dir);
	if (testset_load(ts, path, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", path, err);
		exit(1);
	}
}

/* Prepares q; the status, the result in p (freed by the caller). */
static enum judge_prepare_status
prep(struct judge_prepared *p, const struct judge_request *q, char *err,
     size_t errlen)
{
	err[0] = '\0';
	return judge_prepare(p, q, err, errlen);
}

static void
test_directory(struct language_set *langs)
{
	struct judge_request q;
	struct judge_prepared p;
	struct testset ts;
	char err[1024];

	put("pairs/1.in", "1 2\n");
	put("pairs/1.ans", "3\n");
	put("pairs/2.in", "2 2\n");
	put("pairs/2.ans", "4\n");
	load(&ts, "pairs");
	judge_prepare_request(&q, &ts, langs, backend_default());

	/* nothing given, nothing in the test set: the defaults */
	CHECK(prep(&p, &q, err, sizeof err) == JUDGE_PREPARED);
	CHECK(p.time_source == JUDGE_TIME_DEFAULT);
	CHECK(p.limits.cpu_ms == 2000);
	CHECK(p.limits.wall_ms == 10000); /* above 2 x 2 s + 1 s already */
	CHECK(p.opts.limits.cpu_ms == 2000);
	CHECK(p.opts.verdict_cpu_ms == 0);
	CHECK(p.selected == 2);
	CHECK(strstr(p.time_note, "the default") != NULL);
	judge_prepare_free(&p);

	/* a given CPU limit raises the wall limit to 2 x CPU + 1 s */
	q.limits.cpu_ms = 7000;
	q.time_given = true;
	CHECK(prep(&p, &q, err, sizeof err) == JUDGE_PREPARED);
	CHECK(p.time_source == JUDGE_TIME_GIVEN);
	CHECK(p.limits.cpu_ms == 7000);
	CHECK(p.limits.wall_ms == 15000);
	CHECK(p.opts.limits.wall_ms == 15000);
	judge_prepare_free(&p);

	/* a given wall limit stands, even below the CPU limit */
	q.limits.wall_ms = 3000;
	q.wall_given = true;
	CHECK(prep(&p, &q, err, sizeof err) == JUDGE_PREPARED);
	CHECK(p.limits.wall_ms == 3000);
	CHECK(p.opts.limits.wall_ms == 3000);
	judge_prepare_free(&p);

	/* --only that picks nothing: refused, as bad input */
	{
		char *only[] = {(char *)"nope*", NULL};

		judge_prepare_request(&q, &ts, langs, backend_default());
		q.only = only;
		CHECK(prep(&p, &q, err, sizeof err) == JUDGE_PREPARE_BAD_INPUT);
		CHECK(strstr(err, "no test matched --only") != NULL);
		judge_prepare_free(&p);
	}
	/* --checker and --validator together */
	judge_prepare_request(&q, &ts, langs, backend_default());
	q.checker_path = "a.cpp";
	q.validator_path = "b.cpp";
	CHECK(prep(&p, &q, err, sizeof err) == JUDGE_PREPARE_BAD_INPUT);
	CHECK(strstr(err, "give one") != NULL);
	judge_prepare_free(&p);
	testset_free(&ts);
}

static void
test_kattis_limits(struct language_set *langs)
{
	struct judge_request q;
	struct judge_prepared p;
	struct testset ts;
	char err[1024];

	put("k/problem.yaml", "problem_format_version: 2023-07\n"
	                      "limits:\n"
	                      "  time_limit: 6\n"
	                      "  memory: 512\n");
	put("k/data/secret/1.in", "1\n");
	put("k/data/secret/1.ans", "1\n");
	load(&ts, "k");
	judge_prepare_request(&q, &ts, langs, backend_default());

	/* the package's limits; time_limit_to_tle (1.5 by default) lets a
	 * run go on to 9 s, TLE past 6 s; the wall fits the 9 s */
	CHECK(prep(&p, &q, err, sizeof err) == JUDGE_PREPARED);
	CHECK(p.time_source == JUDGE_TIME_TESTSET);
	CHECK(p.limits.cpu_ms == 6000);
	CHECK(p.limits.mem_bytes == 512ULL << 20);
	CHECK(p.opts.verdict_cpu_ms == 6000);
	CHECK(p.opts.limits.cpu_ms == 9000);
	CHECK(p.limits.wall_ms == 19000);
	CHECK(p.opts.limits.wall_ms == 19000);
	CHECK(strstr(p.time_note, "6 s, the test set's") != NULL);
	judge_prepare_free(&p);

	/* given limits win, and a given CPU limit is the sandbox's own */
	q.limits.cpu_ms = 1000;
	q.time_given = true;
	q.limits.mem_bytes = 64ULL << 20;
	q.mem_given = true;
	CHECK(prep(&p, &q, err, sizeof err) == JUDGE_PREPARED);
	CHECK(p.time_source == JUDGE_TIME_GIVEN);
	CHECK(p.limits.cpu_ms == 1000);
	CHECK(p.limits.mem_bytes == 64ULL << 20);
	CHECK(p.opts.verdict_cpu_ms == 0);
	CHECK(p.opts.limits.cpu_ms == 1000);
	CHECK(p.limits.wall_ms == 10000);
	judge_prepare_free(&p);
	testset_free(&ts);

	/* the legacy format: no time_limit_to_tle */
	put("legacy/problem.yaml", "name: Legacy\n");
	put("legacy/.timelimit", "3\n");
	put("legacy/data/secret/1.in", "1\n");
	put("legacy/data/secret/1.ans", "1\n");
	load(&ts, "legacy");
	judge_prepare_request(&q, &ts, langs, backend_default());
	CHECK(prep(&p, &q, err, sizeof err) == JUDGE_PREPARED);
	CHECK(p.limits.cpu_ms == 3000);
	CHECK(p.opts.limits.cpu_ms == 3000);
	CHECK(p.opts.verdict_cpu_ms == 0);
	judge_prepare_free(&p);
	testset_free(&ts);

	/* no limit and no accepted submission: the default, said */
	put("none/problem.yaml", "problem_format_version: 2023-07\n");
	put("none/data/secret/1.in", "1\n");
	put("none/data/secret/1.ans", "1\n");
	load(&ts, "none");
	judge_prepare_request(&q, &ts, langs, backend_default());
	CHECK(prep(&p, &q, err, sizeof err) == JUDGE_PREPARED);
	CHECK(p.time_source == JUDGE_TIME_UNCOMPUTED);
	CHECK(p.limits.cpu_ms == 2000);
	CHECK(strstr(p.time_note, "gives no time limit and has no accepted "
	                          "submission to compute it from; the "
	                          "default, 2 s") != NULL);
	/* still time_limit_to_tle: to 3 s */
	CHECK(p.opts.verdict_cpu_ms == 2000);
	CHECK(p.opts.limits.cpu_ms == 3000);
	judge_prepare_free(&p);
	testset_free(&ts);
}

static void
test_flags(struct language_set *langs)
{
	struct judge_request q;
	struct judge_prepared p;
	struct testset ts;
	char err[1024];

	/* the package's flags make the comparator */
	put("f/problem.yaml", "validator_flags: case_sensitive "
	                      "float_tolerance 1e-6\n");
	put("f/data/secret/1.in", "1\n");
	put("f/data/secret/1.ans", "1\n");
	load(&ts, "f");
	judge_prepare_request(&q, &ts, langs, backend_default());
	CHECK(prep(&p, &q, err, sizeof err) == JUDGE_PREPARED);
	CHECK(p.opts.compare.case_sensitive);
	CHECK(p.opts.compare.abs_tol == 1e-6 && p.opts.compare.rel_tol == 1e-6);
	judge_prepare_free(&p);
	testset_free(&ts);

	/* bad package flags: refused, the test set and the flag named */
	put("bad/problem.yaml", "validator_flags: case_sensitive wobbly\n");
	put("bad/data/secret/1.in", "1\n");
	put("bad/data/secret/1.ans", "1\n");
	load(&ts, "bad");
	judge_prepare_request(&q, &ts, langs, backend_default());
	CHECK(prep(&p, &q, err, sizeof err) == JUDGE_PREPARE_BAD_INPUT);
	CHECK(strstr(err, "validator_flags: unknown validator flag "
	                  "'wobbly'") != NULL);
	CHECK(strstr(err, "/bad") != NULL);
	judge_prepare_free(&p);
	testset_free(&ts);

	/* a group's bad flags: refused before anything runs, test named */
	put("group/problem.yaml", "name: Group\n");
	put("group/data/secret/testdata.yaml",
	    "output_validator_flags: float_tolerance x\n");
	put("group/data/secret/1.in", "1\n");
	put("group/data/secret/1.ans", "1\n");
	load(&ts, "group");
	judge_prepare_request(&q, &ts, langs, backend_default());
	CHECK(prep(&p, &q, err, sizeof err) == JUDGE_PREPARE_BAD_INPUT);
	CHECK(strstr(err, "test secret/1: validator flags:") != NULL);
	judge_prepare_free(&p);
	testset_free(&ts);
}

/* The digest of the pairs test set, prepared with q changed by how. */
static void
digest(struct language_set *langs, int how, char out[65])
{
	struct judge_request q;
	struct judge_prepared p;
	struct testset ts;
	char err[1024];
	char *only[] = {(char *)"1", NULL};

	load(&ts, "pairs");
	judge_prepare_request(&q, &ts, langs, backend_default());
	if (how == 1)
		q.compare.mode = COMPARE_EXACT;
	else if (how == 2)
		q.only = only;
	else if (how == 3) {
		/* what does not change a verdict */
		q.jobs = 4;
		q.keep_output = true;
	} else if (how == 4)
		q.compare.abs_tol = q.compare.rel_tol = 1e-3;
	CHECK(prep(&p, &q, err, sizeof err) == JUDGE_PREPARED);
	memcpy(out, p.digest, 65);
	judge_prepare_free(&p);
	testset_free(&ts);
}

static void
test_digest(struct language_set *langs)
{
	char base[65], again[65], d[65];

	put("pairs/1.ans", "3\n");
	digest(langs, 0, base);
	CHECK(strlen(base) == 64);
	/* the form cached judges in the history were keyed by: a change
	 * would make every earlier judge a stranger to --cached */
	{
		struct testset ts;

		load(&ts, "pairs");
		testset_digest(&ts,
		               "only= stop=0 mode=0 case=0 space=0 abs=-1 "
		               "rel=-1 checker=- interactive=0",
		               d);
		CHECK_STR(base, d);
		testset_free(&ts);
	}
	digest(langs, 0, again);
	CHECK_STR(base, again);
	digest(langs, 3, d);
	CHECK_STR(base, d);
	digest(langs, 1, d);
	CHECK(strcmp(base, d) != 0);
	digest(langs, 2, d);
	CHECK(strcmp(base, d) != 0);
	digest(langs, 4, d);
	CHECK(strcmp(base, d) != 0);
	/* a test's content */
	put("pairs/1.ans", "3 \n");
	digest(langs, 0, d);
	CHECK(strcmp(base, d) != 0);
	put("pairs/1.ans", "3\n");
	digest(langs, 0, d);
	CHECK_STR(base, d);
}

int
main(void)
{
	struct language_set langs;
	char cmd[300];

	snprintf(root, sizeof root, "%s/forge-prep.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	memset(&langs, 0, sizeof langs);
	test_directory(&langs);
	test_kattis_limits(&langs);
	test_flags(&langs);
	test_digest(&langs);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	return check_done();
}
