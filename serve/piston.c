/* Piston's API (v2), so that a Piston client pointed at forge serve works
 * unchanged: /api/v2/runtimes lists Forge's languages by Piston's names
 * and aliases, with the toolchains' real versions; /api/v2/execute is
 * synchronous, as Piston's is: the request is translated into a native
 * run request, queued through native_submit (the same checks, queue,
 * workers and history as POST /v1/runs) and held, without a thread,
 * until its job ends. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

/* Piston's names for Forge's languages. */
static const struct piston_lang {
	const char *forge, *language, *runtime;
	const char *aliases[7];
} piston_langs[] = {
    {"bash", "bash", NULL, {"sh"}},
    {"c", "c", "gcc", {"gcc"}},
    {"cpp", "c++", "gcc", {"cpp", "g++"}},
    {"csharp",
     "csharp",
     "mono",
     {"mono", "mono-csharp", "mono-c#", "mono-cs", "c#", "cs"}},
    {"go", "go", NULL, {"go", "golang"}},
    {"java", "java", NULL, {0}},
    {"javascript",
     "javascript",
     "node",
     {"node-javascript", "node-js", "javascript", "js"}},
    {"php", "php", NULL, {0}},
    {"python3", "python", NULL, {"py", "py3", "python3"}},
    {"ruby", "ruby", NULL, {"ruby3", "rb"}},
    {"rust", "rust", NULL, {"rs"}},
    {"swift", "swift", NULL, {0}},
};

/* A toolchain's version as Piston shows one ("3.11.2"), from what the
 * toolchain says of itself ("Python 3.11.2", "go version go1.19.8"). */
static char *
piston_version(const struct language *l, const struct backend *be)
{
	char *t = cache_toolchain(l, be), *v;
	const char *p;
	size_t n;

	for (p = t; p != NULL && *p != '\0'; p++)
		if (isdigit((unsigned char)p[0]) && p[1] == '.' &&
		    isdigit((unsigned char)p[2]))
			break;
	if (p == NULL || *p == '\0') {
		free(t);
		return xstrdup("0.0.0");
	}
	while (p > t && isdigit((unsigned char)p[-1]))
		p--;
	n = strspn(p, "0123456789.");
	while (n > 0 && p[n - 1] == '.')
		n--;
	v = xstrndup(p, n);
	free(t);
	return v;
}

/* The language a request names (a Piston name or alias), available
 * here; NULL when not. */
static const struct piston_lang *
piston_find(struct serve *s, const char *name, const struct language **l)
{
	char why[256];

	for (size_t i = 0; i < sizeof piston_langs / sizeof *piston_langs;
	     i++) {
		const struct piston_lang *p = &piston_langs[i];
		bool hit = strcmp(p->language, name) == 0;

		for (size_t a = 0; !hit && p->aliases[a] != NULL; a++)
			hit = strcmp(p->aliases[a], name) == 0;
		if (!hit)
			continue;
		*l = lang_find_id(&s->langs, p->forge);
		if (*l == NULL ||
		    !lang_available(*l, s->opts->backend, why, sizeof why))
			return NULL;
		return p;
	}
	return NULL;
}

/* A request's version against the toolchain's: "*", the same, or a
 * prefix of it up to a dot ("3", "3.11"). */
static bool
piston_version_ok(const char *want, const char *have)
{
	size_t n = strlen(want);

	if (strcmp(want, "*") == 0 || strcmp(want, have) == 0)
		return true;
	return strncmp(want, have, n) == 0 && have[n] == '.';
}

static void
piston_message(struct http_response *r, unsigned code, const char *msg)
{
	struct json_writer w = {&r->body, false};

	r->code = code;
	buf_reset(&r->body);
	json_open(&w, NULL, '{');
	json_cstr(&w, "message", msg);
	json_close(&w, '}');
	buf_add(&r->body, "\n", 1);
}

static void
piston_runtimes(struct serve *s, struct http_request *q, int64_t id,
                struct http_response *r)
{
	struct json_writer w = {&r->body, false};
	const struct language *l;

	json_open(&w, NULL, '[');
	for (size_t i = 0; i < sizeof piston_langs / sizeof *piston_langs;
	     i++) {
		const struct piston_lang *p = &piston_langs[i];
		char *v;

		if (piston_find(s, p->language, &l) == NULL)
			continue;
		v = piston_version(l, s->opts->backend);
		json_open(&w, NULL, '{');
		json_cstr(&w, "language", p->language);
		json_cstr(&w, "version", v);
		json_open(&w, "aliases", '[');
		for (size_t a = 0; p->aliases[a] != NULL; a++)
			json_cstr(&w, NULL, p->aliases[a]);
		json_close(&w, ']');
		if (p->runtime != NULL)
			json_cstr(&w, "runtime", p->runtime);
		json_close(&w, '}');
		free(v);
	}
	json_close(&w, ']');
	buf_add(&r->body, "\n", 1);
}

/* A timeout (ms) or memory limit (bytes; -1 none) of the request:
 * 1 given, 0 absent or -1, -1 refused (r said). */
static int
piston_number(const struct jsonparse_value *o, const char *key, double *out,
              struct http_response *r)
{
	const struct jsonparse_value *v = jsonparse_get(o, key);
	char msg[128];

	if (v == NULL || jsonparse_is(v, JSONPARSE_NULL))
		return 0;
	*out = jsonparse_number(v);
	if (!jsonparse_is(v, JSONPARSE_NUMBER) || !(*out > 0 || *out == -1)) {
		snprintf(msg, sizeof msg, "%s must be a number", key);
		piston_message(r, 400, msg);
		return -1;
	}
	return *out > 0;
}

/* files[]: {name?, content, encoding? utf8|base64}, into the native
 * request's files[]. 0, or -1 with r said. */
static int
piston_files(const struct jsonparse_value *o, const struct language *l,
             struct json_writer *w, struct http_response *r)
{
	const struct jsonparse_value *files = jsonparse_get(o, "files");
	size_t n, i;
	char msg[160];

	if (!jsonparse_is(files, JSONPARSE_ARRAY) ||
	    (n = jsonparse_len(files)) == 0) {
		piston_message(r, 400, "files is required as an array");
		return -1;
	}
	json_open(w, "files", '[');
	for (i = 0; i < n; i++) {
		const struct jsonparse_value *f = jsonparse_at(files, i);
		const char *name =
		    jsonparse_string(jsonparse_get(f, "name"), NULL);
		const char *enc =
		    jsonparse_string(jsonparse_get(f, "encoding"), NULL);
		const char *content;
		size_t clen;
		char gen[32];

		content = jsonparse_string(jsonparse_get(f, "content"), &clen);
		if (content == NULL) {
			snprintf(msg, sizeof msg,
			         "files[%zu].content is required as a string",
			         i);
			piston_message(r, 400, msg);
			return -1;
		}
		if (enc != NULL && strcmp(enc, "utf8") != 0 &&
		    strcmp(enc, "base64") != 0) {
			snprintf(msg, sizeof msg,
			         "files[%zu].encoding: utf8 or base64, please",
			         i);
			piston_message(r, 400, msg);
			return -1;
		}
		/* a file without a name: Piston calls it file<i>.code;
		 * the first is the program, named as its language wants */
		char *own = NULL;

		if (name == NULL && i > 0) {
			snprintf(gen, sizeof gen, "file%zu.code", i);
			name = gen;
		} else if (name == NULL) {
			struct buf raw;

			buf_init(&raw, 0);
			if (enc == NULL || strcmp(enc, "base64") != 0 ||
			    json_unbase64(&raw, content, clen) < 0) {
				buf_reset(&raw);
				buf_add(&raw, content, clen);
			}
			name = own = lang_source_name(
			    l, raw.data ? raw.data : "", raw.len);
			buf_free(&raw);
		}
		json_open(w, NULL, '{');
		json_cstr(w, "name", name);
		free(own);
		json_str(w, "content", content, clen);
		if (enc != NULL)
			json_cstr(w, "encoding", enc);
		json_close(w, '}');
	}
	json_close(w, ']');
	return 0;
}

/* The Piston request as a native one, into req: 0, or -1 with r said. */
static int
piston_translate(struct serve *s, const struct jsonparse_value *o,
                 struct buf *req, struct http_response *r)
{
	struct json_writer w = {req, false};
	const char *language, *version, *in;
	const struct jsonparse_value *args;
	const struct language *l = NULL;
	double t, mem;
	char msg[512], *have, **argv = NULL;
	size_t inlen;
	bool ok;
	int rc;

	if (!jsonparse_is(o, JSONPARSE_OBJECT)) {
		piston_message(r, 400, "the request: a JSON object, please");
		return -1;
	}
	if ((language = jsonparse_string(jsonparse_get(o, "language"), NULL)) ==
	    NULL) {
		piston_message(r, 400, "language is required as a string");
		return -1;
	}
	if ((version = jsonparse_string(jsonparse_get(o, "version"), NULL)) ==
	    NULL) {
		piston_message(r, 400, "version is required as a string");
		return -1;
	}
	if (piston_find(s, language, &l) == NULL) {
		snprintf(msg, sizeof msg, "%s-%s runtime is unknown", language,
		         version);
		piston_message(r, 400, msg);
		return -1;
	}
	have = piston_version(l, s->opts->backend);
	ok = piston_version_ok(version, have);
	free(have);
	if (!ok) {
		snprintf(msg, sizeof msg, "%s-%s runtime is unknown", language,
		         version);
		piston_message(r, 400, msg);
		return -1;
	}
	/* the program's arguments, as its argv after the run command */
	args = jsonparse_get(o, "args");
	if (options_args(args, &argv, msg, sizeof msg) < 0) {
		piston_message(r, 400, msg);
		return -1;
	}
	json_open(&w, NULL, '{');
	json_cstr(&w, "language", l->id);
	json_open(&w, "args", '[');
	for (size_t i = 0; argv != NULL && argv[i] != NULL; i++)
		json_cstr(&w, NULL, argv[i]);
	json_close(&w, ']');
	options_free(argv);
	if (piston_files(o, l, &w, r) < 0)
		return -1;
	if ((in = jsonparse_string(jsonparse_get(o, "stdin"), &inlen)) != NULL)
		json_str(&w, "stdin", in, inlen);
	json_open(&w, "limits", '{');
	if ((rc = piston_number(o, "run_timeout", &t, r)) < 0)
		return -1;
	if (rc > 0) {
		/* Piston's run_timeout is wall time; CPU time is kept
		 * within it */
		json_double(&w, "time", t / 1000);
		json_double(&w, "wall", t / 1000);
	}
	if ((rc = piston_number(o, "run_memory_limit", &mem, r)) < 0)
		return -1;
	if (rc > 0)
		json_double(&w, "memory", mem / 1048576);
	/* compiles keep the language's own limits: checked, not taken */
	if (piston_number(o, "compile_timeout", &t, r) < 0 ||
	    piston_number(o, "compile_memory_limit", &mem, r) < 0)
		return -1;
	json_close(&w, '}');
	json_close(&w, '}');
	return 0;
}

/* One stage's {stdout, stderr, output, code, signal}. */
static void
piston_stage(struct json_writer *w, const char *key, const char *out,
             size_t outlen, const char *err, size_t errlen,
             const struct jsonparse_value *code, const char *signal)
{
	struct buf both;
	int64_t c;

	buf_init(&both, 0);
	buf_add(&both, out, outlen);
	buf_add(&both, err, errlen);
	json_open(w, key, '{');
	json_str(w, "stdout", out, outlen);
	json_str(w, "stderr", err, errlen);
	/* stdout then stderr: Forge keeps the streams apart */
	json_str(w, "output", both.data ? both.data : "", both.len);
	if (jsonparse_int(code, &c))
		json_int(w, "code", c);
	else
		json_null(w, "code");
	json_cstr(w, "signal", signal);
	json_close(w, '}');
	buf_free(&both);
}

/* The finished job in Piston's shape. */
static void
piston_show(struct serve *s, int64_t job, struct http_response *r)
{
	struct json_writer w = {&r->body, false};
	const struct piston_lang *p = NULL;
	const struct language *l = NULL;
	const struct jsonparse_value *ok_code;
	struct jsonparse_value *res = NULL, *zero;
	struct jsonparse_error e;
	struct buf out, err, comp;
	struct queue_job j;
	const char *verdict, *lang, *sig;
	char *version;
	bool ce;

	if (queue_get(s->db, job, &j) < 0 || j.state != QUEUE_DONE ||
	    j.result == NULL ||
	    (res = jsonparse_parse(j.result, strlen(j.result), &e)) == NULL) {
		piston_message(r, 500,
		               j.state == QUEUE_CANCELLED
		                   ? "the job was cancelled"
		                   : "the job did not finish in time");
		queue_job_free(&j);
		return;
	}
	lang = jsonparse_string(jsonparse_get(res, "language"), NULL);
	for (size_t i = 0;
	     lang && i < sizeof piston_langs / sizeof *piston_langs; i++)
		if (strcmp(piston_langs[i].forge, lang) == 0)
			p = &piston_langs[i];
	if (p == NULL || piston_find(s, p->language, &l) == NULL) {
		piston_message(r, 500, "the job's language is gone");
		jsonparse_free(res);
		queue_job_free(&j);
		return;
	}
	verdict = jsonparse_string(jsonparse_get(res, "verdict"), NULL);
	ce = verdict != NULL && strcmp(verdict, "CE") == 0;
	buf_init(&out, 0);
	buf_init(&err, 0);
	buf_init(&comp, 0);
	jsonparse_output(res, "stdout", &out);
	jsonparse_output(res, "stderr", &err);
	jsonparse_output(res, "compile_output", &comp);
	zero = jsonparse_parse(ce ? "1" : "0", 1, &e);
	version = piston_version(l, s->opts->backend);
	json_open(&w, NULL, '{');
	json_cstr(&w, "language", p->language);
	json_cstr(&w, "version", version);
	if (!ce) {
		sig = jsonparse_string(jsonparse_get(res, "signal"), NULL);
		/* a limit Forge enforced: the program was killed */
		if (sig == NULL && verdict != NULL &&
		    (strcmp(verdict, "TLE") == 0 ||
		     strcmp(verdict, "MLE") == 0 ||
		     strcmp(verdict, "OLE") == 0))
			sig = "SIGKILL";
		ok_code = jsonparse_get(res, "exit_code");
		piston_stage(&w, "run", out.data ? out.data : "", out.len,
		             err.data ? err.data : "", err.len, ok_code, sig);
	}
	if (l->compile != NULL)
		piston_stage(&w, "compile", "", 0, comp.data ? comp.data : "",
		             comp.len, zero, NULL);
	json_close(&w, '}');
	buf_add(&r->body, "\n", 1);
	r->code = 200;
	free(version);
	jsonparse_free(zero);
	jsonparse_free(res);
	buf_free(&out);
	buf_free(&err);
	buf_free(&comp);
	queue_job_free(&j);
}

static void
piston_execute(struct serve *s, struct http_request *q, int64_t id,
               struct http_response *r)
{
	struct jsonparse_value *o;
	struct jsonparse_error e;
	struct buf req;
	int64_t job;
	char msg[600];

	if (q->waited) {
		piston_show(s, q->wait_job, r);
		return;
	}
	if ((o = jsonparse_parse(q->body ? q->body : "", q->body_len, &e)) ==
	    NULL) {
		snprintf(msg, sizeof msg, "malformed JSON: %s", e.text);
		piston_message(r, 400, msg);
		return;
	}
	buf_init(&req, 0);
	if (piston_translate(s, o, &req, r) == 0 &&
	    (job = native_submit(s, q, buf_cstr(&req), req.len, r)) > 0) {
		q->wait_job = job;
		q->wait_until_ms = util_now_ms() + SERVE_WAIT_MAX * 1000ull;
		r->wait = true;
	} else if (r->code >= 400 && r->body.len > 0 &&
	           strstr(buf_cstr(&r->body), "\"error\"") != NULL) {
		/* native_submit's refusal, in Piston's shape */
		struct jsonparse_value *x =
		    jsonparse_parse(r->body.data, r->body.len, &e);

		piston_message(
		    r, r->code,
		    x ? jsonparse_string(jsonparse_get(x, "error"), NULL)
		      : "refused");
		jsonparse_free(x);
	}
	buf_free(&req);
	jsonparse_free(o);
}

const struct native_route piston_routes[] = {
    {"GET", "/api/v2/runtimes", "/api/v2/runtimes", false, piston_runtimes},
    {"POST", "/api/v2/execute", "/api/v2/execute", true, piston_execute},
    {NULL, NULL, NULL, false, NULL},
};
