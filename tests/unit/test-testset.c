/* Problem packages' timing keys in every format (legacy, 2023-07,
 * 2025-09), their defaults and bad values, and the rounding of a
 * computed time limit; a scoring package's groups and the scores their
 * testdata.yaml give the tests (the nearest ancestor's file counts). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"
#include "tests/unit/check.h"

static char pkg[256];

static void
put(const char *name, const char *text)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", pkg, name);
	check_write(path, text);
}

/* Loads the package with problem.yaml as yaml (NULL: none) and
 * .timelimit as tl (NULL: none); the error, if any, in err. */
static int
load(struct testset *ts, const char *yaml, const char *tl, char *err,
     size_t errlen)
{
	char path[512];

	snprintf(path, sizeof path, "%s/problem.yaml", pkg);
	unlink(path);
	if (yaml != NULL)
		put("problem.yaml", yaml);
	snprintf(path, sizeof path, "%s/.timelimit", pkg);
	unlink(path);
	if (tl != NULL)
		put(".timelimit", tl);
	err[0] = '\0';
	return testset_load(ts, pkg, err, errlen);
}

/* The load fails, and its message names what it should. */
static void
bad(const char *yaml, const char *tl, const char *names)
{
	struct testset ts;
	char err[1024];

	CHECK(load(&ts, yaml, tl, err, sizeof err) < 0);
	if (strstr(err, names) == NULL) {
		check_failures++;
		fprintf(stderr, "FAIL: '%s' does not name '%s'\n", err, names);
	}
	testset_free(&ts);
}

int
main(void)
{
	struct testset ts;
	char err[1024], path[512];
	const char *tmp = getenv("TMPDIR");

	snprintf(pkg, sizeof pkg, "%s/forge-testset.XXXXXX",
	         tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(pkg) == NULL) {
		perror(pkg);
		return 1;
	}
	snprintf(path, sizeof path, "%s/data", pkg);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/data/secret", pkg);
	mkdir(path, 0755);
	put("data/secret/1.in", "1 2\n");
	put("data/secret/1.ans", "3\n");

	/* no problem.yaml: legacy, its defaults, no explicit limit */
	CHECK(load(&ts, NULL, NULL, err, sizeof err) == 0);
	CHECK(ts.time_legacy);
	CHECK(ts.ac_to_time_limit == 5.0);
	CHECK(ts.time_limit_to_tle == 2.0);
	CHECK(ts.time_resolution == 1.0);
	CHECK(ts.time_ms == 0);
	testset_free(&ts);

	/* legacy keys */
	CHECK(load(&ts,
	           "name: x\nlimits:\n  time_multiplier: 3\n"
	           "  time_safety_margin: 1.5\n  memory: 512\n",
	           NULL, err, sizeof err) == 0);
	CHECK(ts.time_legacy);
	CHECK(ts.ac_to_time_limit == 3.0);
	CHECK(ts.time_limit_to_tle == 1.5);
	CHECK(ts.mem_bytes == 512ULL << 20);
	CHECK(ts.time_ms == 0);
	testset_free(&ts);
	CHECK(load(&ts, "problem_format_version: legacy-icpc\n", NULL, err,
	           sizeof err) == 0);
	CHECK(ts.time_legacy && ts.ac_to_time_limit == 5.0);
	testset_free(&ts);

	/* 2023-07: its defaults, then its keys */
	CHECK(load(&ts, "problem_format_version: 2023-07-draft\n", NULL, err,
	           sizeof err) == 0);
	CHECK(!ts.time_legacy);
	CHECK(ts.ac_to_time_limit == 2.0);
	CHECK(ts.time_limit_to_tle == 1.5);
	CHECK(ts.time_resolution == 1.0);
	testset_free(&ts);
	CHECK(load(&ts,
	           "problem_format_version: 2023-07\nlimits:\n"
	           "  time_multipliers:\n    ac_to_time_limit: 2.5\n"
	           "    time_limit_to_tle: 1.25\n  time_resolution: 0.1\n",
	           NULL, err, sizeof err) == 0);
	CHECK(ts.ac_to_time_limit == 2.5);
	CHECK(ts.time_limit_to_tle == 1.25);
	CHECK(ts.time_resolution == 0.1);
	CHECK(ts.time_ms == 0);
	testset_free(&ts);
	/* time_multipliers without a version is the new format; one key
	 * given, the other keeps the new default */
	CHECK(load(&ts,
	           "limits:\n  time_multipliers:\n    ac_to_time_limit: 4\n",
	           NULL, err, sizeof err) == 0);
	CHECK(!ts.time_legacy);
	CHECK(ts.ac_to_time_limit == 4.0 && ts.time_limit_to_tle == 1.5);
	testset_free(&ts);
	/* a 2023-07 draft's spelling: time_multiplier as the map */
	CHECK(load(&ts,
	           "problem_format_version: draft\nlimits:\n"
	           "  time_multiplier:\n    time_limit_to_tle: 3\n",
	           NULL, err, sizeof err) == 0);
	CHECK(!ts.time_legacy && ts.time_limit_to_tle == 3.0);
	testset_free(&ts);

	/* 2025-09: an explicit time limit */
	CHECK(load(&ts,
	           "problem_format_version: 2025-09\nlimits:\n"
	           "  time_limit: 1.5\n",
	           NULL, err, sizeof err) == 0);
	CHECK(ts.time_ms == 1500);
	CHECK(!ts.time_legacy);
	testset_free(&ts);
	/* problemtools' .timelimit, when problem.yaml gives none */
	CHECK(load(&ts, "name: x\n", "3\n", err, sizeof err) == 0);
	CHECK(ts.time_ms == 3000);
	testset_free(&ts);
	CHECK(load(&ts, "limits:\n  time_limit: 2\n", "3\n", err, sizeof err) ==
	      0);
	CHECK(ts.time_ms == 2000);
	testset_free(&ts);

	/* bad values: the file and the key are named */
	bad("limits:\n  time_multiplier: fast\n", NULL,
	    "problem.yaml: limits.time_multiplier: 'fast'");
	bad("limits:\n  time_multiplier: 0.5\n", NULL,
	    "limits.time_multiplier: '0.5' is not a number >= 1");
	bad("limits:\n  time_safety_margin: -2\n", NULL,
	    "limits.time_safety_margin");
	bad("limits:\n  time_multipliers:\n    ac_to_time_limit: 0\n", NULL,
	    "limits.time_multipliers.ac_to_time_limit: '0'");
	bad("limits:\n  time_multipliers:\n    time_limit_to_tle: [1, 2]\n",
	    NULL, "limits.time_multipliers.time_limit_to_tle");
	bad("limits:\n  time_multipliers: 2\n", NULL,
	    "limits.time_multipliers: expected a mapping");
	bad("limits:\n  time_resolution: 0\n", NULL,
	    "limits.time_resolution: '0' is not a number > 0");
	bad("limits:\n  time_resolution: 1e999\n", NULL,
	    "limits.time_resolution");
	bad("limits:\n  time_limit: soon\n", NULL, "limits.time_limit");
	bad("limits:\n  time_limit: 0\n", NULL, "limits.time_limit");
	bad("limits: 5\n", NULL, "limits: expected a mapping");
	bad("problem_format_version: [2023]\n", NULL, "problem_format_version");
	bad("limits:\n  time_multiplier: 3\n  time_multipliers:\n"
	    "    ac_to_time_limit: 2\n",
	    NULL, "give one");
	bad("limits:\n  time_safety_margin: 3\n  time_multipliers:\n"
	    "    time_limit_to_tle: 2\n",
	    NULL, "give one");
	bad("name: x\n", "never\n", ".timelimit: 'never'");
	bad("name: x\n", "-1\n", ".timelimit");

	/* the limit from T_ac: the smallest multiple of the resolution at
	 * or above T_ac times the multiplier, never 0 */
	CHECK(testset_time_round(430, 2.0, 1.0) == 1000);
	CHECK(testset_time_round(500, 2.0, 1.0) == 1000);
	CHECK(testset_time_round(501, 2.0, 1.0) == 2000);
	CHECK(testset_time_round(430, 5.0, 1.0) == 3000);
	CHECK(testset_time_round(0, 2.0, 1.0) == 1000);
	CHECK(testset_time_round(120, 2.0, 0.1) == 300);
	CHECK(testset_time_round(150, 2.0, 0.1) == 300);
	CHECK(testset_time_round(33, 3.0, 0.001) == 99);
	CHECK(testset_time_round(250, 1.5, 0.25) == 500);
	CHECK(testset_time_round(30000, 1e300, 1.0) == LIMITS_CPU_MAX_MS);

	/* groups: secret/ says 2 for its own tests; g1/ has its own file,
	 * g1/deep/ none (g1's counts), g2/ none (secret/'s counts) */
	snprintf(path, sizeof path, "%s/data/secret/g1", pkg);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/data/secret/g1/deep", pkg);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/data/secret/g2", pkg);
	mkdir(path, 0755);
	put("data/secret/testdata.yaml", "accept_score: 2\n");
	put("data/secret/g1/testdata.yaml",
	    "accept_score: 30\nreject_score: -1\ngrader_flags: min\n");
	put("data/secret/g1/1.in", "1\n");
	put("data/secret/g1/1.ans", "1\n");
	put("data/secret/g1/deep/1.in", "1\n");
	put("data/secret/g1/deep/1.ans", "1\n");
	put("data/secret/g2/1.in", "1\n");
	put("data/secret/g2/1.ans", "1\n");
	CHECK(load(&ts, "type: scoring\n", NULL, err, sizeof err) == 0);
	CHECK(ts.scoring);
	CHECK(ts.ntests == 4);
	for (size_t i = 0; i < ts.ntests; i++) {
		const struct test_case *t = &ts.tests[i];
		const struct testset_group *g = testset_group_of(&ts, t->name);

		if (strncmp(t->name, "secret/g1/", 10) == 0) {
			CHECK(t->accept_score == 30 && t->reject_score == -1);
			CHECK(g != NULL && g->grader_flags != NULL &&
			      strcmp(g->grader_flags, "min") == 0);
		} else
			CHECK(t->accept_score == 2 && t->reject_score == 0);
		if (strcmp(t->name, "secret/g1/deep/1") == 0)
			CHECK(g != NULL &&
			      strcmp(g->prefix, "secret/g1/deep/") == 0);
	}
	CHECK(ts.ngroups == 5); /* data, secret, g1, g1/deep, g2 */
	testset_free(&ts);
	CHECK(load(&ts, "name: pass-fail\n", NULL, err, sizeof err) == 0);
	CHECK(!ts.scoring);
	testset_free(&ts);
	put("data/secret/g2/testdata.yaml", "accept_score: many\n");
	bad("type: scoring\n", NULL, "accept_score");

	snprintf(path, sizeof path, "rm -rf '%s'", pkg);
	if (system(path) != 0)
		return 1;
	return check_done();
}
