/* A run request of the native API (POST /v1/runs), parsed and checked
 * once when it arrives (a bad one is a 400 that names the field) and
 * again by the worker that runs it. Limits go through the engine's one
 * door for numbers from outside (limits_from_number, limits_parse). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

/* The languages a request may name: "c, cpp, python3". */
void
job_known_languages(const struct language_set *langs, const struct backend *be,
                    struct buf *b)
{
	const struct language *l;
	char why[256];

	for (l = langs->head; l != NULL; l = l->next) {
		if (be != NULL && !lang_available(l, be, why, sizeof why))
			continue;
		buf_printf(b, "%s%s", b->len > 0 ? ", " : "", l->id);
	}
}

/* A file name a request may give: a plain name in /work. */
static bool
job_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > 255 || memchr(s, '\0', len) != NULL ||
	    memchr(s, '/', len) != NULL)
		return false;
	return !(strcmp(s, ".") == 0 || strcmp(s, "..") == 0);
}

/* limits.NAME: a number (seconds for times, MiB for sizes, a count for
 * pids) or a string as forge run takes it ("500ms", "256M"). */
static int
job_limit(const struct jsonparse_value *lim, const char *key,
          enum limits_field f, double unit, uint64_t *out, bool *given,
          char *err, size_t errlen)
{
	const struct jsonparse_value *v = jsonparse_get(lim, key);
	char why[256];
	const char *s;

	if (v == NULL)
		return 0;
	if (jsonparse_is(v, JSONPARSE_NUMBER)) {
		if (limits_from_number(f, jsonparse_number(v), unit, out, why,
		                       sizeof why) < 0)
			goto bad;
	} else if ((s = jsonparse_string(v, NULL)) != NULL) {
		if (limits_parse(f, s, out, why, sizeof why) < 0)
			goto bad;
	} else {
		snprintf(why, sizeof why, "a number or a string, please");
		goto bad;
	}
	if (given != NULL)
		*given = true;
	return 0;
bad:
	snprintf(err, errlen, "limits.%s: %s", key, why);
	return -1;
}

static int
job_limits(struct job *j, const struct jsonparse_value *lim, char *err,
           size_t errlen)
{
	uint64_t pids = j->limits.pids;
	const struct jsonparse_value *net;

	if (lim != NULL && !jsonparse_is(lim, JSONPARSE_OBJECT)) {
		snprintf(err, errlen, "limits: an object, please");
		return -1;
	}
	if (job_limit(lim, "time", LIMITS_CPU, 1000, &j->limits.cpu_ms,
	              &j->time_given, err, errlen) < 0 ||
	    job_limit(lim, "wall", LIMITS_WALL, 1000, &j->limits.wall_ms,
	              &j->wall_given, err, errlen) < 0 ||
	    job_limit(lim, "memory", LIMITS_MEMORY, 1048576,
	              &j->limits.mem_bytes, &j->mem_given, err, errlen) < 0 ||
	    job_limit(lim, "output", LIMITS_OUTPUT, 1048576,
	              &j->limits.output_bytes, NULL, err, errlen) < 0 ||
	    job_limit(lim, "pids", LIMITS_PIDS, 1, &pids, NULL, err, errlen) <
	        0)
		return -1;
	j->limits.pids = (uint32_t)pids;
	net = jsonparse_get(lim, "net");
	if (net != NULL && !jsonparse_is(net, JSONPARSE_TRUE) &&
	    !jsonparse_is(net, JSONPARSE_FALSE)) {
		snprintf(err, errlen, "limits.net: true or false, please");
		return -1;
	}
	if (jsonparse_is(net, JSONPARSE_TRUE))
		j->limits.net = true;
	limits_finish(&j->limits, j->wall_given);
	return 0;
}

/* A string member: 1 found, 0 absent, -1 (err said) of another type. */
static int
job_string(const struct jsonparse_value *o, const char *key, const char *where,
           char **out, size_t *len, char *err, size_t errlen)
{
	const struct jsonparse_value *v = jsonparse_get(o, key);

	if (v == NULL || jsonparse_is(v, JSONPARSE_NULL))
		return 0;
	if (!jsonparse_is(v, JSONPARSE_STRING)) {
		snprintf(err, errlen, "%s%s: a string, please", where, key);
		return -1;
	}
	*out = jsonparse_strdup(v, len);
	return 1;
}

/* The program: source, or files[] (the first is the main source). */
static int
job_files(struct job *j, const struct jsonparse_value *root, char *err,
          size_t errlen)
{
	const struct jsonparse_value *files = jsonparse_get(root, "files");
	size_t i, n;
	int r;

	if ((r = job_string(root, "source", "", &j->source, &j->source_len, err,
	                    errlen)) < 0)
		return -1;
	if (files == NULL) {
		if (r == 0) {
			snprintf(err, errlen,
			         "no program: give source, or "
			         "files[] with name and content");
			return -1;
		}
		return 0;
	}
	if (r > 0) {
		snprintf(err, errlen, "source and files[]: give one");
		return -1;
	}
	if (!jsonparse_is(files, JSONPARSE_ARRAY) ||
	    (n = jsonparse_len(files)) == 0) {
		snprintf(err, errlen, "files: an array of at least one file");
		return -1;
	}
	if (n > 64) {
		snprintf(err, errlen, "files: 64 files at most");
		return -1;
	}
	j->extra = xcalloc(n, sizeof *j->extra);
	for (i = 0; i < n; i++) {
		const struct jsonparse_value *f = jsonparse_at(files, i);
		char where[32], *name = NULL, *content = NULL, *enc = NULL;
		size_t nlen = 0, clen = 0;

		snprintf(where, sizeof where, "files[%zu].", i);
		if (job_string(f, "name", where, &name, &nlen, err, errlen) <
		        0 ||
		    job_string(f, "content", where, &content, &clen, err,
		               errlen) < 0 ||
		    job_string(f, "encoding", where, &enc, NULL, err, errlen) <
		        0)
			goto bad;
		if (name == NULL || !job_name_ok(name, nlen)) {
			snprintf(err, errlen,
			         "%sname: a plain file name, please (no '/', "
			         "'..' or NUL)",
			         where);
			goto bad;
		}
		if (enc != NULL && strcmp(enc, "utf8") != 0 &&
		    strcmp(enc, "base64") != 0) {
			snprintf(err, errlen,
			         "%sencoding: '%s' is not supported (utf8 or "
			         "base64)",
			         where, enc);
			goto bad;
		}
		if (content == NULL)
			content = xstrdup("");
		if (enc != NULL && strcmp(enc, "base64") == 0) {
			struct buf raw;

			buf_init(&raw, 0);
			if (json_unbase64(&raw, content, clen) < 0) {
				snprintf(err, errlen,
				         "%scontent: not valid base64", where);
				buf_free(&raw);
				goto bad;
			}
			free(content);
			clen = raw.len;
			content = xmalloc(raw.len + 1);
			memcpy(content, raw.data ? raw.data : "", raw.len);
			content[raw.len] = '\0';
			buf_free(&raw);
		}
		free(enc);
		enc = NULL;
		if (i == 0) {
			j->source = content;
			j->source_len = clen;
			j->source_name = name;
			continue;
		}
		j->extra[j->nextra].name = name;
		j->extra[j->nextra].data = content;
		j->extra[j->nextra++].len = clen;
		continue;
	bad:
		free(name);
		free(content);
		free(enc);
		return -1;
	}
	return 0;
}

/* tests[]: {name, input, answer}; compile once, judge each. */
static int
job_tests(struct job *j, const struct jsonparse_value *root, char *err,
          size_t errlen)
{
	const struct jsonparse_value *tests = jsonparse_get(root, "tests");
	size_t i, n;

	if (tests == NULL)
		return 0;
	if (!jsonparse_is(tests, JSONPARSE_ARRAY) ||
	    (n = jsonparse_len(tests)) == 0) {
		snprintf(err, errlen, "tests: an array of at least one test");
		return -1;
	}
	if (n > 1000) {
		snprintf(err, errlen, "tests: 1000 tests at most");
		return -1;
	}
	j->judge = true;
	j->ts.kind = TESTSET_COMPANION;
	j->ts.path = xstrdup("request");
	j->ts.name = xstrdup("request");
	j->ts.tests = xcalloc(n, sizeof *j->ts.tests);
	for (i = 0; i < n; i++) {
		const struct jsonparse_value *t = jsonparse_at(tests, i);
		struct test_case *c = &j->ts.tests[j->ts.ntests++];
		char where[32];
		int r;

		snprintf(where, sizeof where, "tests[%zu].", i);
		if (job_string(t, "name", where, &c->name, NULL, err, errlen) <
		        0 ||
		    job_string(t, "input", where, &c->in_data, &c->in_len, err,
		               errlen) < 0 ||
		    (r = job_string(t, "answer", where, &c->ans_data,
		                    &c->ans_len, err, errlen)) < 0)
			return -1;
		c->has_answer = r > 0;
		if (c->name == NULL)
			xasprintf(&c->name, "%zu", i + 1);
		if (c->in_data == NULL)
			c->in_data = xstrdup("");
	}
	return 0;
}

static int
job_bool(const struct jsonparse_value *o, const char *key, bool *out, char *err,
         size_t errlen)
{
	const struct jsonparse_value *v = jsonparse_get(o, key);

	if (v == NULL)
		return 0;
	if (!jsonparse_is(v, JSONPARSE_TRUE) &&
	    !jsonparse_is(v, JSONPARSE_FALSE)) {
		snprintf(err, errlen, "%s: true or false, please", key);
		return -1;
	}
	*out = jsonparse_is(v, JSONPARSE_TRUE);
	return 0;
}

static int
job_tolerance(const struct jsonparse_value *o, const char *key, double *out,
              char *err, size_t errlen)
{
	const struct jsonparse_value *v = jsonparse_get(o, key);
	double d;

	if (v == NULL)
		return 0;
	d = jsonparse_number(v);
	if (!jsonparse_is(v, JSONPARSE_NUMBER) || !(d >= 0) || d > 1e300) {
		snprintf(err, errlen, "%s: a number >= 0, please", key);
		return -1;
	}
	*out = d;
	return 0;
}

/* The comparator options of forge judge, by their long names. */
static int
job_compare(struct job *j, const struct jsonparse_value *root, char *err,
            size_t errlen)
{
	char *mode = NULL;
	double tol = -1;

	compare_opts_default(&j->compare);
	if (job_string(root, "compare", "", &mode, NULL, err, errlen) < 0)
		return -1;
	if (mode != NULL && strcmp(mode, "exact") == 0)
		j->compare.mode = COMPARE_EXACT;
	else if (mode != NULL && strcmp(mode, "tokens") != 0) {
		snprintf(err, errlen, "compare: '%s': use tokens or exact",
		         mode);
		free(mode);
		return -1;
	}
	free(mode);
	if (job_bool(root, "case_sensitive", &j->compare.case_sensitive, err,
	             errlen) < 0 ||
	    job_bool(root, "space_change_sensitive",
	             &j->compare.space_sensitive, err, errlen) < 0 ||
	    job_bool(root, "stop_on_fail", &j->stop_on_fail, err, errlen) < 0 ||
	    job_tolerance(root, "float_tolerance", &tol, err, errlen) < 0)
		return -1;
	if (tol >= 0)
		j->compare.abs_tol = j->compare.rel_tol = tol;
	if (job_tolerance(root, "float_absolute_tolerance", &j->compare.abs_tol,
	                  err, errlen) < 0 ||
	    job_tolerance(root, "float_relative_tolerance", &j->compare.rel_tol,
	                  err, errlen) < 0)
		return -1;
	return 0;
}

/* The language: by id, checked against those this server has. */
static int
job_language(struct job *j, const struct jsonparse_value *root,
             const struct language_set *langs, char *err, size_t errlen)
{
	const char *id =
	    jsonparse_string(jsonparse_get(root, "language"), NULL);
	struct buf known;

	if (id != NULL && (j->lang = lang_find_id(langs, id)) != NULL)
		return 0;
	buf_init(&known, 0);
	job_known_languages(langs, NULL, &known);
	snprintf(err, errlen, "%s%s%s: known languages: %s",
	         id ? "unknown language '" : "no language", id ? id : "",
	         id ? "'" : "", buf_cstr(&known));
	buf_free(&known);
	return -1;
}

/* "problem": a lab problem's directory on this server, written by
 * lab.c alone (native_queue refuses it from elsewhere): its test set,
 * loaded as forge judge loads one, is the job's tests. */
static int
job_problem(struct job *j, const struct jsonparse_value *root, char *err,
            size_t errlen)
{
	char why[1024];
	int r;

	if ((r = job_string(root, "problem", "", &j->problem, NULL, err,
	                    errlen)) <= 0)
		return r;
	if (j->judge) {
		snprintf(err, errlen, "problem and tests[]: give one");
		return -1;
	}
	if (testset_load(&j->ts, j->problem, why, sizeof why) < 0) {
		snprintf(err, errlen, "the problem's tests: %s", why);
		return -1;
	}
	j->judge = true;
	return 0;
}

/* A whole number from lo to hi: 1 given, 0 absent, -1 (err said). */
static int
job_count(const struct jsonparse_value *o, const char *key, int64_t lo,
          int64_t hi, int64_t *out, char *err, size_t errlen)
{
	const struct jsonparse_value *v = jsonparse_get(o, key);

	if (v == NULL)
		return 0;
	if (!jsonparse_int(v, out) || *out < lo || *out > hi) {
		snprintf(err, errlen,
		         "%s: a whole number from %lld to %lld, "
		         "please",
		         key, (long long)lo, (long long)hi);
		return -1;
	}
	return 1;
}

/* "interactive": stdin comes through GET /v1/runs/{id}/attach, typed
 * as the program runs ("tty": on a terminal of rows x cols); the run
 * waits attach_wait seconds for its client. */
static int
job_interactive(struct job *j, const struct jsonparse_value *root, char *err,
                size_t errlen)
{
	int64_t wait = ATTACH_WAIT_DEFAULT, rows = 24, cols = 80;

	if (job_bool(root, "interactive", &j->interactive, err, errlen) < 0 ||
	    job_bool(root, "tty", &j->tty, err, errlen) < 0 ||
	    job_count(root, "attach_wait", 1, SERVE_WAIT_MAX, &wait, err,
	              errlen) < 0 ||
	    job_count(root, "rows", 1, 1000, &rows, err, errlen) < 0 ||
	    job_count(root, "cols", 1, 1000, &cols, err, errlen) < 0)
		return -1;
	if (j->tty && !j->interactive) {
		snprintf(err, errlen, "tty: only with interactive: true");
		return -1;
	}
	if (j->interactive && (j->judge || j->stdin_data != NULL)) {
		snprintf(err, errlen,
		         "interactive: its stdin is typed through "
		         "/v1/runs/{id}/attach: no stdin or tests[] with it");
		return -1;
	}
	j->attach_wait = (unsigned)wait;
	j->rows = (unsigned short)rows;
	j->cols = (unsigned short)cols;
	/* typed input: the wall limit a person needs, unless given */
	if (j->interactive)
		limits_typed_input(&j->limits, j->wall_given);
	return 0;
}

/* 0, or -1 with err said (a 400's message). */
int
job_parse(struct job *j, const char *json, size_t len,
          const struct language_set *langs, char *err, size_t errlen)
{
	struct jsonparse_error pe;
	struct jsonparse_value *root;
	const struct jsonparse_value *net;
	int ret = -1;

	memset(j, 0, sizeof *j);
	limits_default_run(&j->limits);
	root = jsonparse_parse(json, len, &pe);
	if (root == NULL) {
		snprintf(err, errlen, "malformed JSON: %s", pe.text);
		return -1;
	}
	if (!jsonparse_is(root, JSONPARSE_OBJECT)) {
		snprintf(err, errlen, "the request: a JSON object, please");
		goto out;
	}
	if (job_language(j, root, langs, err, errlen) < 0 ||
	    job_files(j, root, err, errlen) < 0 ||
	    job_string(root, "stdin", "", &j->stdin_data, &j->stdin_len, err,
	               errlen) < 0 ||
	    job_limits(j, jsonparse_get(root, "limits"), err, errlen) < 0 ||
	    job_tests(j, root, err, errlen) < 0 ||
	    job_compare(j, root, err, errlen) < 0 ||
	    options_args(jsonparse_get(root, "args"), &j->args, err, errlen) <
	        0 ||
	    options_compiler(j->lang, jsonparse_get(root, "compiler_options"),
	                     &j->compiler_options, err, errlen) < 0 ||
	    job_interactive(j, root, err, errlen) < 0)
		goto out;
	if (job_problem(j, root, err, errlen) < 0)
		goto out;
	net = jsonparse_get(root, "net");
	if (net != NULL &&
	    job_bool(root, "net", &j->limits.net, err, errlen) < 0)
		goto out;
	if (j->source_name == NULL)
		j->source_name =
		    lang_source_name(j->lang, j->source, j->source_len);
	ret = 0;
out:
	jsonparse_free(root);
	if (ret < 0)
		job_free(j); /* what was read before the refusal */
	return ret;
}

void
job_free(struct job *j)
{
	free(j->source);
	free(j->source_name);
	for (size_t i = 0; i < j->nextra; i++) {
		free((char *)j->extra[i].name);
		free((char *)j->extra[i].data);
	}
	free(j->extra);
	free(j->stdin_data);
	if (j->problem != NULL) {
		testset_free(&j->ts);
		free(j->problem);
		memset(j, 0, sizeof *j);
		return;
	}
	for (size_t i = 0; i < j->ts.ntests; i++) {
		free(j->ts.tests[i].name);
		free(j->ts.tests[i].in_data);
		free(j->ts.tests[i].ans_data);
	}
	free(j->ts.tests);
	free(j->ts.path);
	free(j->ts.name);
	options_free(j->args);
	options_free(j->compiler_options);
	memset(j, 0, sizeof *j);
}
