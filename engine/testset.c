/* Test sets: a directory of input/answer pairs, a Kattis / ICPC problem
 * package (legacy, 2023-07 and 2025-09 formats), or a competitive-
 * companion JSON file. Test data is the user's own: symlinks in it are
 * followed. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sha2.h>
#include <yaml.h>

#include "engine.h"

#define TESTSET_FILE_MAX (1u << 30)
/* limits.time_resolution, in seconds: a limit is a multiple of it */
#define TESTSET_RESOLUTION_MAX 3600.0

static void
testset_add(struct testset *ts, const char *name, const char *in,
            const char *ans, const char *flags)
{
	struct test_case *t;

	ts->tests = xrealloc(ts->tests, (ts->ntests + 1) * sizeof *ts->tests);
	t = &ts->tests[ts->ntests++];
	memset(t, 0, sizeof *t);
	t->name = xstrdup(name);
	t->in_path = in ? xstrdup(in) : NULL;
	t->ans_path = ans ? xstrdup(ans) : NULL;
	t->has_answer = ans != NULL;
	t->flags = flags ? xstrdup(flags) : NULL;
}

static bool
testset_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool
testset_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
testset_cmp_natural(const void *a, const void *b)
{
	return util_natural_cmp(*(char *const *)a, *(char *const *)b);
}

static int
testset_cmp_plain(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir, sorted; entries starting with '.' are skipped. */
char **
testset_list(const char *dir, size_t *n, bool natural)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;

	*n = 0;
	if (d == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		v = xrealloc(v, (*n + 1) * sizeof *v);
		v[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n > 0)
		qsort(v, *n, sizeof *v,
		      natural ? testset_cmp_natural : testset_cmp_plain);
	return v;
}

void
testset_free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool
testset_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n > m && strcmp(s + n - m, suf) == 0;
}

/* The test whose input is dir/fname, if it is one: X.in with the first
 * of X.ans, X.out, X.a (a package: X.ans only, and required); inN.txt
 * with ansN.txt or outN.txt. An input without an answer is a run-only
 * test. -1 with err for a package input without its answer. */
static int
testset_pair_one(struct testset *ts, const char *dir, const char *fname,
                 const char *prefix, const char *flags, bool kattis, char *err,
                 size_t errlen)
{
	static const char *const answers[] = {".ans", ".out", ".a"};
	char *in = util_path_join(dir, fname), *ans = NULL;
	char base[512], name[1024];
	size_t k;
	int num;

	if (!testset_is_file(in)) {
		free(in);
		return 0;
	}
	if (testset_suffix(fname, ".in")) {
		snprintf(base, sizeof base, "%.*s", (int)(strlen(fname) - 3),
		         fname);
		for (k = 0; ans == NULL && k < (kattis ? 1 : 3); k++) {
			char *p, *f;
			xasprintf(&f, "%s%s", base, answers[k]);
			p = util_path_join(dir, f);
			free(f);
			if (testset_is_file(p))
				ans = p;
			else
				free(p);
		}
		if (kattis && ans == NULL) {
			snprintf(err, errlen, "%s has no answer file %s.ans",
			         in, base);
			free(in);
			return -1;
		}
	} else if (!kattis && sscanf(fname, "in%d.txt", &num) == 1 &&
	           testset_suffix(fname, ".txt")) {
		snprintf(base, sizeof base, "%d", num);
		for (k = 0; ans == NULL && k < 2; k++) {
			char *p, *f;
			xasprintf(&f, "%s%d.txt", k == 0 ? "ans" : "out", num);
			p = util_path_join(dir, f);
			free(f);
			if (testset_is_file(p))
				ans = p;
			else
				free(p);
		}
	} else {
		free(in);
		return 0;
	}
	snprintf(name, sizeof name, "%s%s", prefix, base);
	testset_add(ts, name, in, ans, flags);
	free(in);
	free(ans);
	return 0;
}

/* A plain directory of pairs, in natural order (2 before 10). */
static void
testset_pairs(struct testset *ts, const char *dir)
{
	size_t n, i;
	char **names = testset_list(dir, &n, true);
	char err[8];

	for (i = 0; i < n; i++)
		(void)testset_pair_one(ts, dir, names[i], "", NULL, false, err,
		                       sizeof err);
	testset_free_list(names, n);
}

/* ---- YAML, through libyaml's document API ---------------------------- */

static yaml_node_t *
yaml_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    strcmp((char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static const char *
yaml_str(yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE
	           ? (const char *)n->data.scalar.value
	           : NULL;
}

/* A scalar, or a sequence of scalars joined by spaces (validator args). */
static char *
yaml_words(yaml_document_t *doc, yaml_node_t *n)
{
	struct buf b;
	yaml_node_item_t *it;

	if (n == NULL)
		return NULL;
	if (n->type == YAML_SCALAR_NODE)
		return xstrdup((char *)n->data.scalar.value);
	if (n->type != YAML_SEQUENCE_NODE)
		return NULL;
	buf_init(&b, 0);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		const char *s = yaml_str(yaml_document_get_node(doc, *it));
		if (s != NULL)
			buf_printf(&b, "%s%s", b.len ? " " : "", s);
	}
	return buf_cstr(&b);
}

/* Loads a YAML file; an absent file gives an empty document (0). */
static int
yaml_load(const char *path, yaml_document_t *doc, bool *present, char *err,
          size_t errlen)
{
	yaml_parser_t parser;
	/* not blocking: a FIFO would hang the open */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), r = 0;
	struct stat st;
	FILE *f;

	*present = false;
	memset(doc, 0, sizeof *doc);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (f = fdopen(fd, "rb")) == NULL) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	*present = true;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, doc)) {
		snprintf(err, errlen, "%s:%zu: %s", path,
		         parser.problem_mark.line + 1,
		         parser.problem ? parser.problem : "not valid YAML");
		r = -1;
		*present = false;
	} else if (yaml_document_get_root_node(doc) != NULL &&
	           yaml_document_get_root_node(doc)->type !=
	               YAML_MAPPING_NODE) {
		snprintf(err, errlen, "%s: expected a mapping of keys", path);
		yaml_document_delete(doc);
		*present = false;
		r = -1;
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return r;
}

/* Output validator flags of a test group: the nearest testdata.yaml. */
static char *
testset_group_flags(const char *dir, const char *inherited, char *err,
                    size_t errlen, int *bad)
{
	char *path = util_path_join(dir, "testdata.yaml"), *flags = NULL;
	yaml_document_t doc;
	bool present;

	if (yaml_load(path, &doc, &present, err, errlen) < 0)
		*bad = 1;
	else if (present) {
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		yaml_node_t *n = yaml_get(&doc, root, "output_validator_flags");
		if (n == NULL)
			n = yaml_get(&doc, root, "output_validator_args");
		flags = yaml_words(&doc, n);
		yaml_document_delete(&doc);
	}
	free(path);
	/* a group's flags add to those it inherits, as problemtools does */
	if (inherited != NULL) {
		char *both;
		if (flags == NULL)
			return xstrdup(inherited);
		xasprintf(&both, "%s %s", inherited, flags);
		free(flags);
		flags = both;
	}
	return flags;
}

/* The group that holds a test or a group called name: the longest
 * prefix of it among the groups; NULL when there is none. */
const struct testset_group *
testset_group_of(const struct testset *ts, const char *name)
{
	const struct testset_group *best = NULL;

	for (size_t i = 0; i < ts->ngroups; i++) {
		size_t n = strlen(ts->groups[i].prefix);

		if (strncmp(name, ts->groups[i].prefix, n) == 0 &&
		    strlen(name) > n &&
		    (best == NULL || n > strlen(best->prefix)))
			best = &ts->groups[i];
	}
	return best;
}

static int testset_yaml_number(yaml_document_t *, yaml_node_t *, const char *,
                               const char *, const char *, double, bool, double,
                               double *, char *, size_t);

/* The group at dir (prefix), with its testdata.yaml's scoring keys, or
 * its parent's when it has none (the format's rule: the nearest
 * ancestor's file counts). */
static int
testset_group_push(struct testset *ts, const char *dir, const char *prefix,
                   char *err, size_t errlen)
{
	char *path = util_path_join(dir, "testdata.yaml");
	const struct testset_group *parent = testset_group_of(ts, prefix);
	struct testset_group g = {.accept_score = 1, .reject_score = 0};
	yaml_document_t doc;
	bool present;
	int r = 0;

	if (parent != NULL) {
		g.accept_score = parent->accept_score;
		g.reject_score = parent->reject_score;
		g.grader_flags =
		    parent->grader_flags ? xstrdup(parent->grader_flags) : NULL;
	}
	if (yaml_load(path, &doc, &present, err, errlen) < 0)
		r = -1;
	else if (present) {
		yaml_node_t *root = yaml_document_get_root_node(&doc);

		free(g.grader_flags);
		g.accept_score = 1;
		g.reject_score = 0;
		g.grader_flags =
		    yaml_words(&doc, yaml_get(&doc, root, "grader_flags"));
		if (testset_yaml_number(&doc, root, "accept_score", path,
		                        "accept_score", -1e12, true, 1e12,
		                        &g.accept_score, err, errlen) < 0 ||
		    testset_yaml_number(&doc, root, "reject_score", path,
		                        "reject_score", -1e12, true, 1e12,
		                        &g.reject_score, err, errlen) < 0)
			r = -1;
		yaml_document_delete(&doc);
	}
	free(path);
	if (r < 0) {
		free(g.grader_flags);
		return -1;
	}
	g.prefix = xstrdup(prefix);
	ts->groups =
	    xrealloc(ts->groups, (ts->ngroups + 1) * sizeof *ts->groups);
	ts->groups[ts->ngroups++] = g;
	return 0;
}

/* data/<group>: test cases and subgroups together, in lexicographic
 * order of their names (the Kattis rule). */
static int
testset_kattis_group(struct testset *ts, const char *dir, const char *prefix,
                     const char *inherited, char *err, size_t errlen)
{
	int bad = 0;
	char *flags = testset_group_flags(dir, inherited, err, errlen, &bad);
	size_t n, i;
	char **names;

	if (bad || testset_group_push(ts, dir, prefix, err, errlen) < 0) {
		free(flags);
		return -1;
	}
	names = testset_list(dir, &n, false);
	for (i = 0; i < n && !bad; i++) {
		char *sub = util_path_join(dir, names[i]), *p;

		if (testset_is_dir(sub)) {
			xasprintf(&p, "%s%s/", prefix, names[i]);
			if (testset_kattis_group(ts, sub, p, flags, err,
			                         errlen) < 0)
				bad = 1;
			free(p);
		} else if (testset_pair_one(ts, dir, names[i], prefix, flags,
		                            true, err, errlen) < 0)
			bad = 1;
		free(sub);
	}
	testset_free_list(names, n);
	free(flags);
	return bad ? -1 : 0;
}

static char *
testset_validator_dir(const char *pkg)
{
	char *d = util_path_join(pkg, "output_validator");
	size_t n, i;
	char **names;

	if (testset_is_dir(d))
		return d;
	free(d);
	d = util_path_join(pkg, "output_validators");
	if (!testset_is_dir(d)) {
		free(d);
		return NULL;
	}
	/* legacy: output_validators/<name>/..., or the sources directly */
	names = testset_list(d, &n, false);
	for (i = 0; i < n; i++) {
		char *sub = util_path_join(d, names[i]);
		if (n == 1 && testset_is_dir(sub)) {
			free(d);
			testset_free_list(names, n);
			return sub;
		}
		free(sub);
	}
	testset_free_list(names, n);
	return d;
}

/* ---- problem.yaml timing ---------------------------------------------- */

/* A number from problem.yaml: key under map, written as where says (e.g.
 * "limits.time_resolution"), strictly above min or (at_least) not below
 * it, and at most max. 0 when absent (*out untouched), 1 when read, -1
 * with err. */
static int
testset_yaml_number(yaml_document_t *doc, yaml_node_t *map, const char *key,
                    const char *path, const char *where, double min,
                    bool at_least, double max, double *out, char *err,
                    size_t errlen)
{
	yaml_node_t *n = yaml_get(doc, map, key);
	const char *s = yaml_str(n);
	char *end;
	double v;

	if (n == NULL)
		return 0;
	if (s != NULL) {
		errno = 0;
		v = strtod(s, &end);
		if (end != s && *end == '\0' && errno == 0 && isfinite(v) &&
		    (at_least ? v >= min : v > min) && v <= max) {
			*out = v;
			return 1;
		}
	}
	snprintf(err, errlen, "%s: %s: '%s' is not a number %s %g and <= %g",
	         path, where, s ? s : "(not a scalar)", at_least ? ">=" : ">",
	         min, max);
	return -1;
}

/* The limits that decide the time limit, in every format: legacy
 * (time_multiplier, default 5; time_safety_margin, default 2; the limit
 * rounded up to whole seconds) and 2023-07 / 2025-09 (time_multipliers:
 * ac_to_time_limit, default 2, and time_limit_to_tle, default 1.5;
 * time_resolution, default 1 s); time_limit, explicit, in both. */
static int
testset_kattis_timing(struct testset *ts, yaml_document_t *doc,
                      yaml_node_t *root, const char *path, char *err,
                      size_t errlen)
{
	yaml_node_t *limits = yaml_get(doc, root, "limits");
	yaml_node_t *version = yaml_get(doc, root, "problem_format_version");
	yaml_node_t *mult = yaml_get(doc, limits, "time_multipliers");
	yaml_node_t *old = yaml_get(doc, limits, "time_multiplier");
	const char *v = yaml_str(version), *s;
	int got_ac = 0, got_tle = 0;
	char e[256];

	if (limits != NULL && limits->type != YAML_MAPPING_NODE) {
		snprintf(err, errlen, "%s: limits: expected a mapping of keys",
		         path);
		return -1;
	}
	if (version != NULL && v == NULL) {
		snprintf(err, errlen,
		         "%s: problem_format_version: expected a string such "
		         "as legacy or 2023-07",
		         path);
		return -1;
	}
	/* a draft of 2023-07 spelled the map time_multiplier */
	if (mult == NULL && old != NULL && old->type == YAML_MAPPING_NODE) {
		mult = old;
		old = NULL;
	}
	if (mult != NULL && mult->type != YAML_MAPPING_NODE) {
		snprintf(err, errlen,
		         "%s: limits.time_multipliers: expected a mapping of "
		         "ac_to_time_limit and time_limit_to_tle",
		         path);
		return -1;
	}
	/* the version decides the defaults; a package that uses the new
	 * keys without saying its version means the new format */
	ts->time_legacy =
	    mult == NULL && (v == NULL || strcmp(v, "legacy") == 0 ||
	                     strcmp(v, "legacy-icpc") == 0);
	if (!ts->time_legacy) {
		ts->ac_to_time_limit = 2.0;
		ts->time_limit_to_tle = 1.5;
	}
	if ((got_ac = testset_yaml_number(
	         doc, mult, "ac_to_time_limit", path,
	         "limits.time_multipliers.ac_to_time_limit", 1.0, true,
	         LIMITS_FACTOR_MAX, &ts->ac_to_time_limit, err, errlen)) < 0 ||
	    (got_tle = testset_yaml_number(
	         doc, mult, "time_limit_to_tle", path,
	         "limits.time_multipliers.time_limit_to_tle", 1.0, true,
	         LIMITS_FACTOR_MAX, &ts->time_limit_to_tle, err, errlen)) < 0)
		return -1;
	if (old != NULL && got_ac) {
		snprintf(err, errlen,
		         "%s: limits.time_multiplier (legacy) and "
		         "limits.time_multipliers.ac_to_time_limit: give one",
		         path);
		return -1;
	}
	if (yaml_get(doc, limits, "time_safety_margin") != NULL && got_tle) {
		snprintf(err, errlen,
		         "%s: limits.time_safety_margin (legacy) and "
		         "limits.time_multipliers.time_limit_to_tle: give one",
		         path);
		return -1;
	}
	if ((old != NULL &&
	     testset_yaml_number(doc, limits, "time_multiplier", path,
	                         "limits.time_multiplier", 1.0, true,
	                         LIMITS_FACTOR_MAX, &ts->ac_to_time_limit, err,
	                         errlen) < 0) ||
	    testset_yaml_number(doc, limits, "time_safety_margin", path,
	                        "limits.time_safety_margin", 1.0, true,
	                        LIMITS_FACTOR_MAX, &ts->time_limit_to_tle, err,
	                        errlen) < 0 ||
	    testset_yaml_number(doc, limits, "time_resolution", path,
	                        "limits.time_resolution", 0.0, false,
	                        TESTSET_RESOLUTION_MAX, &ts->time_resolution,
	                        err, errlen) < 0)
		return -1;
	if (yaml_get(doc, limits, "time_limit") == NULL)
		return 0;
	s = yaml_str(yaml_get(doc, limits, "time_limit"));
	if (s == NULL ||
	    limits_parse(LIMITS_CPU, s, &ts->time_ms, e, sizeof e) < 0) {
		snprintf(err, errlen, "%s: limits.time_limit: %s", path,
		         s ? e : "expected a number of seconds");
		return -1;
	}
	return 0;
}

/* problemtools' .timelimit: the limit it computed, in seconds. */
static int
testset_timelimit_file(struct testset *ts, const char *pkg, char *err,
                       size_t errlen)
{
	char *tl = util_path_join(pkg, ".timelimit"), *txt, e[256];
	struct buf b;
	int r = 0;

	buf_init(&b, 0);
	if (util_read_file(tl, &b, 64) < 0) {
		if (errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", tl, strerror(errno));
			r = -1;
		}
	} else {
		txt = buf_cstr(&b);
		txt[strcspn(txt, " \t\r\n")] = '\0';
		if (limits_parse(LIMITS_CPU, txt, &ts->time_ms, e, sizeof e) <
		    0) {
			snprintf(err, errlen, "%s: %s", tl, e);
			r = -1;
		}
	}
	buf_free(&b);
	free(tl);
	return r;
}

static int
testset_kattis(struct testset *ts, const char *pkg, char *err, size_t errlen)
{
	char *path = util_path_join(pkg, "problem.yaml"), *data;
	yaml_document_t doc;
	bool present;
	int r = 0;

	ts->kind = TESTSET_KATTIS;
	/* no problem.yaml: the legacy format's defaults */
	ts->time_legacy = true;
	ts->ac_to_time_limit = 5.0;
	ts->time_limit_to_tle = 2.0;
	ts->time_resolution = 1.0;
	if (yaml_load(path, &doc, &present, err, errlen) < 0) {
		free(path);
		return -1;
	}
	if (present) {
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		yaml_node_t *limits = yaml_get(&doc, root, "limits");
		const char *validation =
		    yaml_str(yaml_get(&doc, root, "validation"));
		yaml_node_t *type = yaml_get(&doc, root, "type");
		const char *name = yaml_str(yaml_get(&doc, root, "name"));
		const char *s;
		char *words;

		if (name != NULL)
			ts->name = xstrdup(name);
		if (validation != NULL) {
			if (strstr(validation, "custom") != NULL)
				ts->custom_validator = true;
			if (strstr(validation, "interactive") != NULL)
				ts->interactive = true;
		}
		words = yaml_words(&doc, type);
		if (words != NULL && strstr(words, "interactive") != NULL) {
			ts->interactive = true;
			ts->custom_validator = true;
		}
		if (words != NULL && strstr(words, "scoring") != NULL)
			ts->scoring = true;
		free(words);
		ts->validator_flags =
		    yaml_words(&doc, yaml_get(&doc, root, "validator_flags"));
		if (testset_kattis_timing(ts, &doc, root, path, err, errlen) <
		    0)
			r = -1;
		if (r == 0 &&
		    (s = yaml_str(yaml_get(&doc, limits, "memory"))) != NULL) {
			char *end, e[200];
			double mb = strtod(s, &end);
			if (end == s || *end != '\0') {
				snprintf(err, errlen,
				         "%s: limits.memory '%s' is not a "
				         "number of megabytes",
				         path, s);
				r = -1;
			} else if (limits_from_number(LIMITS_MEMORY, mb,
			                              1048576.0, &ts->mem_bytes,
			                              e, sizeof e) < 0) {
				snprintf(
				    err, errlen,
				    "%s: limits.memory '%s' (megabytes): %s",
				    path, s, e);
				r = -1;
			}
		}
		yaml_document_delete(&doc);
	}
	free(path);
	if (r < 0)
		return -1;
	/* problemtools writes the limit it computed to .timelimit */
	if (ts->time_ms == 0 &&
	    testset_timelimit_file(ts, pkg, err, errlen) < 0)
		return -1;
	ts->validator_path = testset_validator_dir(pkg);
	if (ts->validator_path != NULL)
		ts->custom_validator = true;
	if (ts->custom_validator && ts->validator_path == NULL) {
		snprintf(err, errlen,
		         "%s: problem.yaml asks for a custom validator but "
		         "there is no output_validator(s)/ directory",
		         pkg);
		return -1;
	}

	data = util_path_join(pkg, "data");
	if (r == 0 && testset_group_push(ts, data, "", err, errlen) < 0)
		r = -1;
	{
		static const char *const parts[] = {"sample", "secret"};
		char *top_flags = ts->validator_flags;
		int bad = 0;
		size_t i;

		for (i = 0; i < 2 && r == 0; i++) {
			char *g = util_path_join(data, parts[i]), *p;
			char *flags = testset_group_flags(data, top_flags, err,
			                                  errlen, &bad);
			if (bad)
				r = -1;
			else if (testset_is_dir(g)) {
				xasprintf(&p, "%s/", parts[i]);
				r = testset_kattis_group(ts, g, p, flags, err,
				                         errlen);
				free(p);
			}
			free(flags);
			free(g);
		}
	}
	free(data);
	/* each test scores as its group says */
	for (size_t i = 0; r == 0 && i < ts->ntests; i++) {
		const struct testset_group *g =
		    testset_group_of(ts, ts->tests[i].name);

		ts->tests[i].accept_score = g ? g->accept_score : 1;
		ts->tests[i].reject_score = g ? g->reject_score : 0;
	}
	return r;
}

/* A limit from a competitive-companion file: key's number (in unit) when
 * it is one, untouched when the key is absent or not a number. */
static int
testset_companion_limit(const struct jsonparse_value *root, const char *key,
                        enum limits_field f, double unit, uint64_t *out,
                        const char *path, char *err, size_t errlen)
{
	const struct jsonparse_value *v = jsonparse_get(root, key);
	char e[200];

	if (!jsonparse_is(v, JSONPARSE_NUMBER))
		return 0;
	if (limits_from_number(f, jsonparse_number(v), unit, out, e, sizeof e) <
	    0) {
		snprintf(err, errlen, "%s: \"%s\": %s", path, key, e);
		return -1;
	}
	return 0;
}

/* Whether dir is a problem package. Given as a test set (loose), a
 * directory with problem.yaml or data/ is one. Found by looking (strict:
 * the workbench walking up from a source file), only as the format
 * defines it: problem.yaml, or the legacy layout's required parts, data/
 * and the problem statement's directory, so that any folder that merely
 * has a data/ subfolder is not taken for one. */
bool
testset_is_package(const char *dir, bool strict)
{
	static const char *const statement[] = {
	    "problem_statement", "problemstatement", "statement"};
	char *p = util_path_join(dir, "problem.yaml");
	bool yes = testset_is_file(p), data;

	free(p);
	if (yes)
		return true;
	p = util_path_join(dir, "data");
	data = testset_is_dir(p);
	free(p);
	if (!data || !strict)
		return data;
	for (size_t i = 0; !yes && i < sizeof statement / sizeof *statement;
	     i++) {
		p = util_path_join(dir, statement[i]);
		yes = testset_is_dir(p);
		free(p);
	}
	return yes;
}

/* competitive-companion: {"name", "tests": [{"input", "output"}],
 * "timeLimit" (ms), "memoryLimit" (MB), "interactive"} */
static int
testset_companion(struct testset *ts, const char *path, char *err,
                  size_t errlen)
{
	struct buf b;
	struct jsonparse_value *root;
	struct jsonparse_error je;
	const struct jsonparse_value *tests;
	size_t i;

	ts->kind = TESTSET_COMPANION;
	buf_init(&b, 0);
	if (util_read_file(path, &b, 256u << 20) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		buf_free(&b);
		return -1;
	}
	root = jsonparse_parse(buf_cstr(&b), b.len, &je);
	buf_free(&b);
	if (root == NULL) {
		snprintf(err, errlen,
		         "%s: not a competitive-companion JSON object: %s",
		         path, je.text);
		return -1;
	}
	if (!jsonparse_is(root, JSONPARSE_OBJECT)) {
		snprintf(err, errlen,
		         "%s: not a competitive-companion JSON object", path);
		jsonparse_free(root);
		return -1;
	}
	tests = jsonparse_get(root, "tests");
	if (!jsonparse_is(tests, JSONPARSE_ARRAY)) {
		snprintf(err, errlen, "%s: no \"tests\" array", path);
		jsonparse_free(root);
		return -1;
	}
	ts->name = jsonparse_strdup(jsonparse_get(root, "name"), NULL);
	if (testset_companion_limit(root, "timeLimit", LIMITS_CPU, 1.0,
	                            &ts->time_ms, path, err, errlen) < 0 ||
	    testset_companion_limit(root, "memoryLimit", LIMITS_MEMORY,
	                            1048576.0, &ts->mem_bytes, path, err,
	                            errlen) < 0) {
		jsonparse_free(root);
		return -1;
	}
	if (jsonparse_is(jsonparse_get(root, "interactive"), JSONPARSE_TRUE))
		ts->interactive = true;
	for (i = 0; i < jsonparse_len(tests); i++) {
		const struct jsonparse_value *t = jsonparse_at(tests, i);
		const struct jsonparse_value *in = jsonparse_get(t, "input");
		char name[32];
		struct test_case *c;

		if (!jsonparse_is(in, JSONPARSE_STRING)) {
			snprintf(err, errlen, "%s: test %zu has no \"input\"",
			         path, i + 1);
			jsonparse_free(root);
			return -1;
		}
		snprintf(name, sizeof name, "%zu", i + 1);
		testset_add(ts, name, NULL, NULL, NULL);
		c = &ts->tests[ts->ntests - 1];
		c->in_data = jsonparse_strdup(in, &c->in_len);
		c->ans_data =
		    jsonparse_strdup(jsonparse_get(t, "output"), &c->ans_len);
		c->has_answer = c->ans_data != NULL;
	}
	jsonparse_free(root);
	return 0;
}

int
testset_load(struct testset *ts, const char *path, char *err, size_t errlen)
{
	struct stat st;
	int r;

	memset(ts, 0, sizeof *ts);
	ts->path = xstrdup(path);
	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode))
		r = testset_companion(ts, path, err, errlen);
	else if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory or a JSON file",
		         path);
		return -1;
	} else {
		if (testset_is_package(path, false))
			r = testset_kattis(ts, path, err, errlen);
		else {
			ts->kind = TESTSET_DIR;
			testset_pairs(ts, path);
			r = 0;
		}
	}
	if (r == 0 && ts->ntests == 0) {
		snprintf(err, errlen,
		         "%s: no tests found (expected X.in with X.ans, "
		         "inN.txt with ansN.txt, a problem package with "
		         "data/, or a competitive-companion JSON file)",
		         path);
		r = -1;
	}
	return r;
}

void
testset_free(struct testset *ts)
{
	size_t i;

	for (i = 0; i < ts->ntests; i++) {
		free(ts->tests[i].name);
		free(ts->tests[i].in_path);
		free(ts->tests[i].ans_path);
		free(ts->tests[i].in_data);
		free(ts->tests[i].ans_data);
		free(ts->tests[i].flags);
	}
	free(ts->tests);
	for (i = 0; i < ts->ngroups; i++) {
		free(ts->groups[i].prefix);
		free(ts->groups[i].grader_flags);
	}
	free(ts->groups);
	free(ts->name);
	free(ts->path);
	free(ts->validator_path);
	free(ts->validator_flags);
	memset(ts, 0, sizeof *ts);
}

/* A test's input or answer, into b. */
int
testset_read(const struct test_case *t, bool answer, struct buf *b, char *err,
             size_t errlen)
{
	const char *path = answer ? t->ans_path : t->in_path;
	const char *data = answer ? t->ans_data : t->in_data;

	if (data != NULL) {
		buf_add(b, data, answer ? t->ans_len : t->in_len);
		return 0;
	}
	if (path == NULL)
		return 0;
	if (util_read_file(path, b, TESTSET_FILE_MAX) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* A digest of the tests' names, inputs, answers and flags, and of extra
 * (how they are judged): equal digests judge the same way. */
void
testset_digest(const struct testset *ts, const char *extra, char hex[65])
{
	SHA2_CTX c;
	size_t i;
	char err[256];

	SHA256Init(&c);
	SHA256Update(&c, (const uint8_t *)extra, strlen(extra) + 1);
	for (i = 0; i < ts->ntests; i++) {
		const struct test_case *t = &ts->tests[i];
		struct buf b;
		uint64_t n;
		int k;

		SHA256Update(&c, (const uint8_t *)t->name, strlen(t->name) + 1);
		if (t->flags != NULL)
			SHA256Update(&c, (const uint8_t *)t->flags,
			             strlen(t->flags) + 1);
		for (k = 0; k < 2; k++) {
			buf_init(&b, 0);
			if (k == 1 && !t->has_answer) {
				SHA256Update(&c, (const uint8_t *)"-", 1);
				continue;
			}
			(void)testset_read(t, k == 1, &b, err, sizeof err);
			n = b.len;
			SHA256Update(&c, (const uint8_t *)&n, sizeof n);
			SHA256Update(
			    &c, (const uint8_t *)(b.data ? b.data : ""), b.len);
			buf_free(&b);
		}
	}
	SHA256End(&c, hex);
}
