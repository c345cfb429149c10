/* A run as one JSON document, to share with a teacher or a classmate,
 * and back. Text that is not valid UTF-8 travels as {"base64": "..."}. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history/history-private.h"

#define EXPORT_FORMAT  "forge-run"
#define EXPORT_VERSION 1

static void
export_bytes(struct json_writer *w, const char *key, const char *p, size_t n)
{
	struct buf enc;

	if (p == NULL) {
		json_null(w, key);
		return;
	}
	/* text travels as text; NUL bytes and broken UTF-8 as base64 */
	if (json_valid_utf8(p, n) && memchr(p, '\0', n) == NULL) {
		json_str(w, key, p, n);
		return;
	}
	buf_init(&enc, 0);
	json_base64(&enc, p, n);
	json_open(w, key, '{');
	json_str(w, "base64", buf_cstr(&enc), enc.len);
	json_close(w, '}');
	buf_free(&enc);
}

/* One test's result, into an object the caller opened: what export,
 * show and forge judge (live or --cached) all write for a test. */
void
history_test_json(struct json_writer *w, const struct history_test *t)
{
	json_cstr(w, "name", t->name);
	json_cstr(w, "verdict", t->verdict);
	json_int(w, "time_ms", t->time_ms);
	json_int(w, "wall_ms", t->wall_ms);
	json_int(w, "memory_kb", t->memory_kb);
	if (t->has_exit)
		json_int(w, "exit_code", t->exit_code);
	else
		json_null(w, "exit_code");
	json_cstr(w, "signal", t->signal);
	json_cstr(w, "detail", t->detail);
}

/* "tests": [...], the per-test results, as export and show write them */
void
history_tests_json(struct json_writer *w, const struct history_run *r)
{
	size_t i;

	json_open(w, "tests", '[');
	for (i = 0; i < r->ntests; i++) {
		json_open(w, NULL, '{');
		history_test_json(w, &r->tests[i]);
		json_close(w, '}');
	}
	json_close(w, ']');
}

void
history_export(const struct history_run *r, struct buf *out)
{
	struct json_writer w = {out, false};
	size_t i;

	json_open(&w, NULL, '{');
	json_cstr(&w, "format", EXPORT_FORMAT);
	json_int(&w, "version", EXPORT_VERSION);
	json_int(&w, "id", r->id);
	json_double(&w, "created", r->created);
	json_cstr(&w, "kind", r->kind);
	json_cstr(&w, "file", r->file);
	json_cstr(&w, "language", r->language);
	json_cstr(&w, "toolchain", r->toolchain);
	export_bytes(&w, "source", r->source, r->source_len);
	json_cstr(&w, "source_hash", r->source_hash);
	export_bytes(&w, "stdin", r->stdin_data, r->stdin_len);
	json_bool(&w, "stdin_truncated", r->stdin_truncated);
	json_open(&w, "limits", '{');
	json_int(&w, "time_ms", (long long)r->limits.cpu_ms);
	json_int(&w, "wall_ms", (long long)r->limits.wall_ms);
	json_int(&w, "memory_kb", (long long)(r->limits.mem_bytes / 1024));
	json_int(&w, "pids", r->limits.pids);
	json_int(&w, "output_kb", (long long)(r->limits.output_bytes / 1024));
	json_int(&w, "fsize_kb", (long long)(r->limits.fsize_bytes / 1024));
	json_bool(&w, "net", r->limits.net);
	json_close(&w, '}');
	json_cstr(&w, "backend", r->backend);
	json_cstr(&w, "enforced_by", r->enforced_by);
	json_cstr(&w, "verdict", r->verdict);
	json_cstr(&w, "detail", r->detail);
	if (r->has_exit)
		json_int(&w, "exit_code", r->exit_code);
	else
		json_null(&w, "exit_code");
	json_cstr(&w, "signal", r->signal);
	json_cstr(&w, "syscall", r->syscall);
	json_int(&w, "time_ms", r->time_ms);
	json_int(&w, "wall_ms", r->wall_ms);
	json_int(&w, "memory_kb", r->memory_kb);
	export_bytes(&w, "stdout", r->out, r->out_len);
	json_bool(&w, "stdout_truncated", r->out_truncated);
	export_bytes(&w, "stderr", r->err, r->err_len);
	json_bool(&w, "stderr_truncated", r->err_truncated);
	export_bytes(&w, "compile_output", r->compile, r->compile_len);
	json_bool(&w, "compile_truncated", r->compile_truncated);
	json_cstr(&w, "testset", r->testset);
	if (r->replay_of > 0)
		json_int(&w, "replay_of", r->replay_of);
	else
		json_null(&w, "replay_of");
	history_tests_json(&w, r);
	json_open(&w, "samples", '[');
	for (i = 0; i < r->nsamples; i++) {
		json_open(&w, NULL, '[');
		json_int(&w, NULL, r->samples[i].t_ms);
		json_int(&w, NULL, r->samples[i].cpu_ms);
		json_int(&w, NULL, r->samples[i].memory_kb);
		json_int(&w, NULL, r->samples[i].pids);
		json_close(&w, ']');
	}
	json_close(&w, ']');
	json_open(&w, "output", '[');
	for (i = 0; i < r->nchunks; i++) {
		json_open(&w, NULL, '{');
		json_int(&w, "t_ms", r->chunks[i].t_ms);
		json_int(&w, "stream", r->chunks[i].stream);
		export_bytes(&w, "data", r->chunks[i].data, r->chunks[i].len);
		json_close(&w, '}');
	}
	json_close(&w, ']');
	json_close(&w, '}');
	buf_add(out, "\n", 1);
}

/* ---- import ------------------------------------------------------------ */

/* True when v is absent or null, which only an optional key may be; err
 * says so for the others. */
static bool
import_missing(const struct jsonparse_value *v, const char *key, bool optional,
               char *err, size_t errlen)
{
	if (v != NULL && !jsonparse_is(v, JSONPARSE_NULL))
		return false;
	if (!optional)
		snprintf(err, errlen, "\"%s\" is missing", key);
	return true;
}

/* A string, or {"base64": ...}; NULL is allowed when optional. */
static int
import_bytes(const struct jsonparse_value *o, const char *key, bool optional,
             char **out, size_t *len, char *err, size_t errlen)
{
	const struct jsonparse_value *v = jsonparse_get(o, key), *b;
	struct buf d;
	const char *s;
	size_t n;

	*out = NULL;
	*len = 0;
	if (import_missing(v, key, optional, err, errlen))
		return optional ? 0 : -1;
	if (jsonparse_is(v, JSONPARSE_STRING)) {
		*out = jsonparse_strdup(v, len);
		return 0;
	}
	b = jsonparse_get(v, "base64");
	if (!jsonparse_is(b, JSONPARSE_STRING)) {
		snprintf(err, errlen,
		         "\"%s\" must be a string or {\"base64\": ...}", key);
		return -1;
	}
	buf_init(&d, 0);
	s = jsonparse_string(b, &n);
	if (json_unbase64(&d, s, n) < 0) {
		snprintf(err, errlen, "\"%s\": not base64", key);
		buf_free(&d);
		return -1;
	}
	*out = buf_cstr(&d);
	*len = d.len;
	return 0;
}

static int
import_str(const struct jsonparse_value *o, const char *key, bool optional,
           char **out, char *err, size_t errlen)
{
	const struct jsonparse_value *v = jsonparse_get(o, key);

	*out = NULL;
	if (import_missing(v, key, optional, err, errlen))
		return optional ? 0 : -1;
	if (!jsonparse_is(v, JSONPARSE_STRING)) {
		snprintf(err, errlen, "\"%s\" must be a string", key);
		return -1;
	}
	*out = jsonparse_strdup(v, NULL);
	return 0;
}

static int
import_int(const struct jsonparse_value *o, const char *key, bool optional,
           int64_t *out, bool *present, char *err, size_t errlen)
{
	const struct jsonparse_value *v = jsonparse_get(o, key);

	if (present != NULL)
		*present = false;
	if (import_missing(v, key, optional, err, errlen))
		return optional ? 0 : -1;
	if (!jsonparse_int(v, out)) {
		snprintf(err, errlen, "\"%s\" must be a whole number", key);
		return -1;
	}
	if (present != NULL)
		*present = true;
	return 0;
}

/* The export's "format", "version" and "created". */
static int
import_header(const struct jsonparse_value *o, struct history_run *r, char *err,
              size_t errlen)
{
	const struct jsonparse_value *v;
	char msg[256] = "";
	const char *s;
	int64_t n;

	s = jsonparse_string(jsonparse_get(o, "format"), NULL);
	if (s == NULL || strcmp(s, EXPORT_FORMAT) != 0) {
		snprintf(err, errlen,
		         "not a Forge run (\"format\" is not \"" EXPORT_FORMAT
		         "\")");
		return -1;
	}
	if (import_int(o, "version", false, &n, NULL, msg, sizeof msg) < 0 ||
	    n != EXPORT_VERSION) {
		snprintf(err, errlen, "unsupported export version%s%s",
		         msg[0] ? ": " : "", msg);
		return -1;
	}
	v = jsonparse_get(o, "created");
	/* a time every time_t and struct tm holds: the views format it */
	if (!jsonparse_is(v, JSONPARSE_NUMBER) ||
	    !(jsonparse_number(v) >= 0 &&
	      jsonparse_number(v) <= HISTORY_TIME_MAX)) {
		snprintf(err, errlen,
		         "\"created\" must be a time (seconds since 1970, "
		         "before the year 10000)");
		return -1;
	}
	r->created = jsonparse_number(v);
	return 0;
}

/* The run's own members, each of its type. */
static int
import_members(const struct jsonparse_value *o, struct history_run *r,
               char *err, size_t errlen)
{
	char msg[256] = "";

	if (import_str(o, "kind", false, &r->kind, msg, sizeof msg) < 0 ||
	    import_str(o, "file", true, &r->file, msg, sizeof msg) < 0 ||
	    import_str(o, "language", false, &r->language, msg, sizeof msg) <
	        0 ||
	    import_str(o, "toolchain", true, &r->toolchain, msg, sizeof msg) <
	        0 ||
	    import_bytes(o, "source", false, &r->source, &r->source_len, msg,
	                 sizeof msg) < 0 ||
	    import_str(o, "source_hash", false, &r->source_hash, msg,
	               sizeof msg) < 0 ||
	    import_bytes(o, "stdin", true, &r->stdin_data, &r->stdin_len, msg,
	                 sizeof msg) < 0 ||
	    import_str(o, "backend", true, &r->backend, msg, sizeof msg) < 0 ||
	    import_str(o, "enforced_by", true, &r->enforced_by, msg,
	               sizeof msg) < 0 ||
	    import_str(o, "verdict", false, &r->verdict, msg, sizeof msg) < 0 ||
	    import_str(o, "detail", true, &r->detail, msg, sizeof msg) < 0 ||
	    import_int(o, "exit_code", true, &r->exit_code, &r->has_exit, msg,
	               sizeof msg) < 0 ||
	    import_str(o, "signal", true, &r->signal, msg, sizeof msg) < 0 ||
	    import_str(o, "syscall", true, &r->syscall, msg, sizeof msg) < 0 ||
	    import_int(o, "time_ms", false, &r->time_ms, NULL, msg,
	               sizeof msg) < 0 ||
	    import_int(o, "wall_ms", false, &r->wall_ms, NULL, msg,
	               sizeof msg) < 0 ||
	    import_int(o, "memory_kb", false, &r->memory_kb, NULL, msg,
	               sizeof msg) < 0 ||
	    import_bytes(o, "stdout", true, &r->out, &r->out_len, msg,
	                 sizeof msg) < 0 ||
	    import_bytes(o, "stderr", true, &r->err, &r->err_len, msg,
	                 sizeof msg) < 0 ||
	    import_bytes(o, "compile_output", true, &r->compile,
	                 &r->compile_len, msg, sizeof msg) < 0 ||
	    import_str(o, "testset", true, &r->testset, msg, sizeof msg) < 0) {
		snprintf(err, errlen, "%s", msg);
		return -1;
	}
	return 0;
}

/* What the members must hold together: a kind, a verdict, the source's
 * hash; then the flags and the limits. */
static int
import_checks(const struct jsonparse_value *o, struct history_run *r, char *err,
              size_t errlen)
{
	enum verdict vd;
	char hash[65];

	if (strcmp(r->kind, "run") != 0 && strcmp(r->kind, "judge") != 0) {
		snprintf(err, errlen, "\"kind\" must be \"run\" or \"judge\"");
		return -1;
	}
	if (verdict_from_name(r->verdict, &vd) < 0) {
		snprintf(err, errlen, "\"verdict\" '%s' is not a verdict",
		         r->verdict);
		return -1;
	}
	if (strlen(r->source_hash) != 64 ||
	    strspn(r->source_hash, "0123456789abcdef") != 64) {
		snprintf(err, errlen, "\"source_hash\" is not a SHA-256");
		return -1;
	}
	cache_sha256(r->source, r->source_len, hash);
	if (strcmp(hash, r->source_hash) != 0) {
		snprintf(err, errlen,
		         "\"source_hash\" does not match "
		         "\"source\"");
		return -1;
	}
	r->imported = true;
	r->stdin_truncated =
	    jsonparse_is(jsonparse_get(o, "stdin_truncated"), JSONPARSE_TRUE);
	r->out_truncated =
	    jsonparse_is(jsonparse_get(o, "stdout_truncated"), JSONPARSE_TRUE);
	r->err_truncated =
	    jsonparse_is(jsonparse_get(o, "stderr_truncated"), JSONPARSE_TRUE);
	r->compile_truncated =
	    jsonparse_is(jsonparse_get(o, "compile_truncated"), JSONPARSE_TRUE);
	if (history_limits_value(jsonparse_get(o, "limits"), &r->limits) < 0) {
		snprintf(err, errlen,
		         "\"limits\" must be an object of positive "
		         "time_ms, wall_ms, memory_kb, ...");
		return -1;
	}
	return 0;
}

/* "tests": the judge's rows. */
static int
import_tests(const struct jsonparse_value *o, struct history_run *r, char *err,
             size_t errlen)
{
	const struct jsonparse_value *v = jsonparse_get(o, "tests"), *e;
	char msg[256] = "";
	enum verdict vd;

	if (v != NULL && !jsonparse_is(v, JSONPARSE_ARRAY)) {
		snprintf(err, errlen, "\"tests\" must be an array");
		return -1;
	}
	for (size_t i = 0; (e = jsonparse_at(v, i)) != NULL; i++) {
		struct history_test *t;

		if (!jsonparse_is(e, JSONPARSE_OBJECT)) {
			snprintf(err, errlen,
			         "each of \"tests\" must be an "
			         "object");
			return -1;
		}
		r->tests = xrealloc(r->tests, (r->ntests + 1) * sizeof *t);
		t = &r->tests[r->ntests++];
		memset(t, 0, sizeof *t);
		if (import_str(e, "name", false, &t->name, msg, sizeof msg) <
		        0 ||
		    import_str(e, "verdict", false, &t->verdict, msg,
		               sizeof msg) < 0 ||
		    import_int(e, "time_ms", true, &t->time_ms, NULL, msg,
		               sizeof msg) < 0 ||
		    import_int(e, "wall_ms", true, &t->wall_ms, NULL, msg,
		               sizeof msg) < 0 ||
		    import_int(e, "memory_kb", true, &t->memory_kb, NULL, msg,
		               sizeof msg) < 0 ||
		    import_int(e, "exit_code", true, &t->exit_code,
		               &t->has_exit, msg, sizeof msg) < 0 ||
		    import_str(e, "signal", true, &t->signal, msg, sizeof msg) <
		        0 ||
		    import_str(e, "detail", true, &t->detail, msg, sizeof msg) <
		        0) {
			snprintf(err, errlen, "test %zu: %s", r->ntests, msg);
			return -1;
		}
		if (verdict_from_name(t->verdict, &vd) < 0) {
			snprintf(err, errlen, "test %zu: '%s' is not a verdict",
			         r->ntests, t->verdict);
			return -1;
		}
	}
	return 0;
}

/* One sample, [t_ms, cpu_ms, memory_kb, pids]. */
static int
import_sample(const struct jsonparse_value *e, struct history_sample *sa,
              char *err, size_t errlen)
{
	int64_t *f[4] = {&sa->t_ms, &sa->cpu_ms, &sa->memory_kb, &sa->pids};

	for (int k = 0; k < 4; k++) {
		const struct jsonparse_value *x = jsonparse_at(e, (size_t)k);
		double d = jsonparse_number(x);

		if (jsonparse_int(x, f[k]))
			continue;
		if (!jsonparse_is(x, JSONPARSE_NUMBER)) {
			snprintf(err, errlen, "a sample holds a non-number");
			return -1;
		}
		/* a fraction is cut, as it always was; a number beyond
		 * int64_t cannot be */
		if (fabs(d) >= 9e18) {
			snprintf(err, errlen,
			         "a sample holds a number out of range");
			return -1;
		}
		*f[k] = (int64_t)d;
	}
	return 0;
}

/* "samples": the usage timeline. */
static int
import_samples(const struct jsonparse_value *o, struct history_run *r,
               char *err, size_t errlen)
{
	const struct jsonparse_value *v = jsonparse_get(o, "samples"), *e;

	for (size_t i = 0; (e = jsonparse_at(v, i)) != NULL; i++) {
		struct history_sample *sa;

		if (!jsonparse_is(e, JSONPARSE_ARRAY) ||
		    jsonparse_len(e) != 4) {
			snprintf(err, errlen,
			         "each of \"samples\" must be [t_ms, "
			         "cpu_ms, memory_kb, pids]");
			return -1;
		}
		r->samples =
		    xrealloc(r->samples, (r->nsamples + 1) * sizeof *sa);
		sa = &r->samples[r->nsamples++];
		if (import_sample(e, sa, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* "output": the output timeline, chunk by chunk. */
static int
import_chunks(const struct jsonparse_value *o, struct history_run *r, char *err,
              size_t errlen)
{
	const struct jsonparse_value *v = jsonparse_get(o, "output"), *e;
	char msg[256] = "";

	for (size_t i = 0; (e = jsonparse_at(v, i)) != NULL; i++) {
		struct history_chunk *c;
		int64_t t, stream;

		r->chunks = xrealloc(r->chunks, (r->nchunks + 1) * sizeof *c);
		c = &r->chunks[r->nchunks++];
		memset(c, 0, sizeof *c);
		if (!jsonparse_is(e, JSONPARSE_OBJECT) ||
		    import_int(e, "t_ms", false, &t, NULL, msg, sizeof msg) <
		        0 ||
		    import_int(e, "stream", false, &stream, NULL, msg,
		               sizeof msg) < 0 ||
		    (stream != 1 && stream != 2) ||
		    import_bytes(e, "data", false, &c->data, &c->len, msg,
		                 sizeof msg) < 0) {
			snprintf(err, errlen, "output chunk %zu: %s",
			         r->nchunks, msg[0] ? msg : "malformed");
			return -1;
		}
		c->t_ms = t;
		c->stream = (int)stream;
	}
	return 0;
}

int
history_import(const char *json, size_t len, struct history_run *r, char *err,
               size_t errlen)
{
	struct jsonparse_error je;
	struct jsonparse_value *o = jsonparse_parse(json, len, &je);
	int rc = -1;

	history_run_init(r);
	if (!jsonparse_is(o, JSONPARSE_OBJECT)) {
		snprintf(err, errlen, "not a JSON object%s%s", o ? "" : ": ",
		         o ? "" : je.text);
		jsonparse_free(o);
		return -1;
	}
	if (import_header(o, r, err, errlen) == 0 &&
	    import_members(o, r, err, errlen) == 0 &&
	    import_checks(o, r, err, errlen) == 0 &&
	    import_tests(o, r, err, errlen) == 0 &&
	    import_samples(o, r, err, errlen) == 0 &&
	    import_chunks(o, r, err, errlen) == 0)
		rc = 0;
	jsonparse_free(o);
	if (rc < 0)
		history_run_free(r);
	return rc;
}
