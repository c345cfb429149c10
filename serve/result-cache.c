/* Results shared by content through a Redis queue: a worker that gets a
 * job identical to one a worker of the cluster finished gives that job's
 * result (marked "cached": true) instead of running the program again, so
 * that a rejudge of 300 identical submissions runs them once.
 *
 * Identical means the same bytes of request (the program, its language
 * and files, its stdin, limits, arguments and compiler options, and for a
 * judge every test's input and answer and the comparator), judged by the
 * same toolchain on the same backend: the key is the SHA-256 of all of
 * them, so a test or an answer changed since is another key and runs
 * again. Interactive runs and results that say the sandbox failed (IE)
 * are never kept; a result is kept for the queue's TTL (forge serve and
 * forge worker --result-ttl SECONDS, 0 for none; default
 * SERVE_RESULT_TTL). The SQLite queue keeps none: every job runs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

static unsigned
result_cache_ttl(const struct serve *s)
{
	return s->opts->result_ttl_given ? s->opts->result_ttl
	                                 : SERVE_RESULT_TTL;
}

/* The key of job j (request as it came), or false when its result is
 * not to be shared: no cache in the queue, none wanted, a run with a
 * person at its other end, or a lab problem's job (its request names
 * the tests' directory, not their content, which a fix changes). */
bool
result_cache_key(const struct serve *s, struct db *d, const struct job *j,
                 const char *request, char key[65])
{
	const struct backend *be = s->opts->backend;
	char *toolchain;
	struct buf b;

	if (db_queue(d)->result_fetch == NULL || result_cache_ttl(s) == 0 ||
	    j->interactive || j->problem != NULL)
		return false;
	toolchain = cache_toolchain(j->lang, be);
	buf_init(&b, 0);
	buf_printf(&b, "forge-result-1\n%s\n%s\n%s\n", be->name, j->lang->id,
	           toolchain ? toolchain : "-");
	buf_addstr(&b, request);
	cache_sha256(b.data, b.len, key);
	buf_free(&b);
	free(toolchain);
	return true;
}

/* v (a parsed result) written again, its "id" this job's and "cached"
 * true at the top. */
static void
result_cache_copy(struct json_writer *w, const char *key,
                  const struct jsonparse_value *v, int depth)
{
	const char *str;
	size_t n;
	int64_t i;

	switch (jsonparse_type(v)) {
	case JSONPARSE_OBJECT:
	case JSONPARSE_ARRAY: {
		char bracket = jsonparse_is(v, JSONPARSE_OBJECT) ? '{' : '[';

		json_open(w, key, bracket);
		for (size_t k = 0; k < jsonparse_len(v); k++) {
			char name[128] = "";

			if (bracket == '{') {
				str = jsonparse_key(v, k, &n);
				snprintf(name, sizeof name, "%.*s", (int)n,
				         str);
				if (depth == 0 && (strcmp(name, "id") == 0 ||
				                   strcmp(name, "cached") == 0))
					continue;
			}
			result_cache_copy(w, bracket == '{' ? name : NULL,
			                  jsonparse_at(v, k), depth + 1);
		}
		if (bracket == '[' || depth > 0) /* the top's: the caller's */
			json_close(w, bracket == '{' ? '}' : ']');
		return;
	}
	case JSONPARSE_STRING:
		str = jsonparse_string(v, &n);
		json_str(w, key, str, n);
		return;
	case JSONPARSE_NUMBER:
		if (jsonparse_int(v, &i))
			json_int(w, key, (long long)i);
		else
			json_double(w, key, jsonparse_number(v));
		return;
	case JSONPARSE_TRUE:
	case JSONPARSE_FALSE:
		json_bool(w, key, jsonparse_is(v, JSONPARSE_TRUE));
		return;
	default:
		json_null(w, key);
		return;
	}
}

/* A result kept under key, as job id's into out: true; false when there
 * is none (the job runs). */
bool
result_cache_use(struct db *d, const char *key, int64_t id, struct buf *out)
{
	struct jsonparse_error pe;
	struct jsonparse_value *v;
	struct json_writer w = {out, false};
	struct buf kept;

	buf_init(&kept, 0);
	if (!db_queue(d)->result_fetch(d, key, &kept) ||
	    (v = jsonparse_parse(kept.data ? kept.data : "", kept.len, &pe)) ==
	        NULL ||
	    !jsonparse_is(v, JSONPARSE_OBJECT)) {
		buf_free(&kept);
		return false;
	}
	buf_reset(out);
	result_cache_copy(&w, NULL, v, 0);
	json_int(&w, "id", id);
	json_bool(&w, "cached", true);
	json_close(&w, '}');
	buf_add(out, "\n", 1);
	jsonparse_free(v);
	buf_free(&kept);
	return true;
}

/* A result that ran (not IE) kept under key for the queue's TTL. */
void
result_cache_keep(const struct serve *s, struct db *d, const char *key,
                  const struct buf *result)
{
	struct jsonparse_error pe;
	struct jsonparse_value *v =
	    jsonparse_parse(result->data ? result->data : "", result->len, &pe);
	const char *verdict =
	    jsonparse_string(jsonparse_get(v, "verdict"), NULL);

	if (verdict != NULL && strcmp(verdict, "IE") != 0)
		db_queue(d)->result_store(d, key,
		                          buf_cstr((struct buf *)result),
		                          result_cache_ttl(s));
	jsonparse_free(v);
}
