/* Judge0's API (the v1.13 contract), so that a client written against
 * Judge0's documentation works unchanged. A submission is translated
 * into a native run request and queued through native_submit (the same
 * checks, queue, workers and history as POST /v1/runs); the Judge0 side
 * keeps only what the native job does not: the submission's token (a
 * random UUID, as Judge0's), the submission as given (for ?fields=), and
 * its expected_output. A job's Judge0 status is computed when it is
 * shown, from the run's verdict, and expected_output compared as
 * Judge0 compares it. */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "serve/serve.h"

/* Judge0's language ids for the languages Forge has. */
static const struct {
	const char *forge;
	int id;
} judge0_langs[] = {
    {"bash", 46},    {"c", 50},    {"csharp", 51},     {"cpp", 54},
    {"go", 60},      {"java", 62}, {"javascript", 63}, {"php", 68},
    {"python3", 71}, {"ruby", 72}, {"rust", 73},       {"swift", 83},
};

/* Judge0's statuses, by id. */
enum {
	J0_QUEUE = 1,
	J0_PROCESSING,
	J0_ACCEPTED,
	J0_WRONG,
	J0_TLE,
	J0_CE,
	J0_SIGSEGV,
	J0_SIGXFSZ,
	J0_SIGFPE,
	J0_SIGABRT,
	J0_NZEC,
	J0_OTHER,
	J0_INTERNAL,
	J0_EXEC_FORMAT,
};
static const char *const judge0_statuses[] = {
    [J0_QUEUE] = "In Queue",
    [J0_PROCESSING] = "Processing",
    [J0_ACCEPTED] = "Accepted",
    [J0_WRONG] = "Wrong Answer",
    [J0_TLE] = "Time Limit Exceeded",
    [J0_CE] = "Compilation Error",
    [J0_SIGSEGV] = "Runtime Error (SIGSEGV)",
    [J0_SIGXFSZ] = "Runtime Error (SIGXFSZ)",
    [J0_SIGFPE] = "Runtime Error (SIGFPE)",
    [J0_SIGABRT] = "Runtime Error (SIGABRT)",
    [J0_NZEC] = "Runtime Error (NZEC)",
    [J0_OTHER] = "Runtime Error (Other)",
    [J0_INTERNAL] = "Internal Error",
    [J0_EXEC_FORMAT] = "Exec Format Error",
};

/* Judge0's defaults and maxima for a submission's limits. */
#define J0_CPU_DEFAULT   5.0
#define J0_CPU_MAX       15.0
#define J0_WALL_DEFAULT  10.0
#define J0_WALL_MAX      20.0
#define J0_MEM_DEFAULT   128000
#define J0_MEM_MIN       2048
#define J0_MEM_MAX       512000
#define J0_PROCS_DEFAULT 60
#define J0_PROCS_MAX     120
#define J0_RUNS_MAX      20
#define J0_BATCH_MAX     20

/* The default ?fields=. */
static const char judge0_default_fields[] =
    "stdout,time,memory,stderr,token,compile_output,message,status";

int
judge0_init(struct db *d, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db_handle(d),
	                 "CREATE TABLE IF NOT EXISTS judge0 ("
	                 " token TEXT PRIMARY KEY,"
	                 " job INTEGER NOT NULL,"
	                 " submission TEXT NOT NULL);"
	                 "CREATE INDEX IF NOT EXISTS judge0_job"
	                 " ON judge0(job);",
	                 NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "the Judge0 submissions: %s",
		         msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------- submissions */

/* A submission being checked: Judge0's 422 body collects every field's
 * complaint, {"field": ["message"], ...}. */
struct judge0_check {
	const struct jsonparse_value *o;
	bool b64;
	struct buf errors;
	struct json_writer ew;
	unsigned nerrors;
};

static void judge0_complain(struct judge0_check *c, const char *field,
                            const char *fmt, ...) FORGE_PRINTF(3, 4);

static void
judge0_complain(struct judge0_check *c, const char *field, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->nerrors++ == 0)
		json_open(&c->ew, NULL, '{');
	json_open(&c->ew, field, '[');
	json_cstr(&c->ew, NULL, msg);
	json_close(&c->ew, ']');
}

/* A text field (base64 when the request says so): 1 and its bytes in
 * out, 0 when absent or null, -1 when complained about. */
static int
judge0_text(struct judge0_check *c, const char *key, struct buf *out)
{
	const struct jsonparse_value *v = jsonparse_get(c->o, key);
	const char *s;
	size_t n;

	if (v == NULL || jsonparse_is(v, JSONPARSE_NULL))
		return 0;
	if ((s = jsonparse_string(v, &n)) == NULL) {
		judge0_complain(c, key, "is not a string");
		return -1;
	}
	if (!c->b64) {
		buf_add(out, s, n);
		return 1;
	}
	if (json_unbase64(out, s, n) < 0) {
		judge0_complain(c, key, "is not valid base64");
		return -1;
	}
	return 1;
}

/* A number field (a JSON number or a numeric string, as Judge0 takes
 * them) within [min, max]; def when absent or null. */
static double
judge0_number(struct judge0_check *c, const char *key, double def, double min,
              double max, bool integer, const char *max_text)
{
	const struct jsonparse_value *v = jsonparse_get(c->o, key);
	const char *s;
	char *end;
	double d;

	if (v == NULL || jsonparse_is(v, JSONPARSE_NULL))
		return def;
	if (jsonparse_is(v, JSONPARSE_NUMBER))
		d = jsonparse_number(v);
	else if ((s = jsonparse_string(v, NULL)) != NULL && *s != '\0') {
		d = strtod(s, &end);
		if (*end != '\0') {
			judge0_complain(c, key, "is not a number");
			return def;
		}
	} else {
		judge0_complain(c, key, "is not a number");
		return def;
	}
	if (integer && d != (double)(long long)d)
		judge0_complain(c, key, "must be an integer");
	else if (!(d >= min))
		judge0_complain(c, key, "must be greater than or equal to %g",
		                min);
	else if (d > max)
		judge0_complain(c, key, "must be less than or equal to %s",
		                max_text);
	return d;
}

/* A count Judge0 validates as greater than 0 (its message says so). */
static double
judge0_count(struct judge0_check *c, const char *key, double def, double max,
             const char *max_text)
{
	unsigned before = c->nerrors;
	double d = judge0_number(c, key, def, -1e300, max, true, max_text);

	if (c->nerrors == before && !(d > 0))
		judge0_complain(c, key, "must be greater than 0");
	return d;
}

static bool
judge0_bool(struct judge0_check *c, const char *key)
{
	const struct jsonparse_value *v = jsonparse_get(c->o, key);
	const char *s = jsonparse_string(v, NULL);

	if (v == NULL || jsonparse_is(v, JSONPARSE_NULL))
		return false;
	if (jsonparse_is(v, JSONPARSE_TRUE) ||
	    (s != NULL && strcmp(s, "true") == 0))
		return true;
	if (!jsonparse_is(v, JSONPARSE_FALSE) &&
	    !(s != NULL && strcmp(s, "false") == 0))
		judge0_complain(c, key, "is not included in the list");
	return false;
}

/* The Forge language of a Judge0 id, or NULL. */
static const struct language *
judge0_language(const struct serve *s, long long id)
{
	for (size_t i = 0; i < sizeof judge0_langs / sizeof *judge0_langs; i++)
		if (judge0_langs[i].id == id)
			return lang_find_id(&s->langs, judge0_langs[i].forge);
	return NULL;
}

static int
judge0_language_id(const struct language *l)
{
	for (size_t i = 0; i < sizeof judge0_langs / sizeof *judge0_langs; i++)
		if (strcmp(judge0_langs[i].forge, l->id) == 0)
			return judge0_langs[i].id;
	return 0;
}

/* A submission, checked: the native request to queue in req and what
 * the Judge0 side keeps in kept; 0, or -1 with c->errors said. */
/* compiler_options and command_line_arguments: strings of at most 512
 * characters, as Judge0 has them; the arguments split into words as
 * Judge0's shell would (quotes, backslashes; nothing expanded), the
 * options checked against the compiler's allow-list (options.c). */
static void
judge0_options(struct judge0_check *c, const struct language *lang,
               char ***args, char ***copts)
{
	const struct jsonparse_value *v;
	const char *t;
	size_t len;
	char why[1024];

	*args = *copts = NULL;
	v = jsonparse_get(c->o, "command_line_arguments");
	if (v != NULL && !jsonparse_is(v, JSONPARSE_NULL)) {
		if ((t = jsonparse_string(v, &len)) == NULL)
			judge0_complain(c, "command_line_arguments",
			                "is not a string");
		else if (len > 512)
			judge0_complain(
			    c, "command_line_arguments",
			    "is too long (maximum is 512 characters)");
		else if (options_shell_words(t, args, why, sizeof why) < 0)
			judge0_complain(c, "command_line_arguments", "%s", why);
	}
	v = jsonparse_get(c->o, "compiler_options");
	t = jsonparse_string(v, &len);
	if (v == NULL || jsonparse_is(v, JSONPARSE_NULL) ||
	    (t != NULL && strspn(t, " \t\n") == len) || lang == NULL)
		return;
	if (t == NULL)
		judge0_complain(c, "compiler_options", "is not a string");
	else if (len > 512)
		judge0_complain(c, "compiler_options",
		                "is too long (maximum is 512 characters)");
	else if (lang->compile == NULL)
		judge0_complain(c, "compiler_options",
		                "setting compiler options is only allowed for "
		                "compiled languages");
	else if (options_compiler(lang, v, copts, why, sizeof why) < 0)
		judge0_complain(c, "compiler_options", "%s", why);
}

/* A list of words as a JSON array. */
static void
judge0_words(struct json_writer *w, const char *key, char **v)
{
	json_open(w, key, '[');
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		json_cstr(w, NULL, v[i]);
	json_close(w, ']');
}

/* A kept string member as it was given, or null. */
static void
judge0_keep_string(struct judge0_check *c, struct json_writer *k,
                   const char *key)
{
	size_t len;
	const char *t = jsonparse_string(jsonparse_get(c->o, key), &len);

	if (t != NULL)
		json_str(k, key, t, len);
	else
		json_null(k, key);
}

static int
judge0_translate(struct serve *s, struct judge0_check *c, struct buf *req,
                 struct buf *kept)
{
	char **args = NULL, **copts = NULL;
	struct buf src, in, out;
	struct json_writer w = {req, false}, k = {kept, false};
	const struct language *lang = NULL;
	double cpu, wall, mem, procs, runs, lid = 0;
	bool net, redirect;
	int has_src, has_in, has_out;
	char why[512];

	buf_init(&src, 0);
	buf_init(&in, 0);
	buf_init(&out, 0);
	if (!jsonparse_is(c->o, JSONPARSE_OBJECT)) {
		judge0_complain(c, "submission", "is not a JSON object");
		goto out;
	}
	if ((has_src = judge0_text(c, "source_code", &src)) == 0 ||
	    (has_src > 0 && src.len == 0))
		judge0_complain(c, "source_code", "can't be blank");
	if (jsonparse_get(c->o, "language_id") == NULL ||
	    jsonparse_is(jsonparse_get(c->o, "language_id"), JSONPARSE_NULL))
		judge0_complain(c, "language_id", "can't be blank");
	else if ((lid = judge0_number(c, "language_id", 0, 1, 1e9, true,
	                              "1000000000")) > 0 &&
	         (lang = judge0_language(s, (long long)lid)) == NULL)
		judge0_complain(c, "language_id",
		                "language with id %lld doesn't exist",
		                (long long)lid);
	else if (lang != NULL &&
	         !lang_available(lang, s->opts->backend, why, sizeof why))
		judge0_complain(c, "language_id",
		                "language with id %lld is not available on "
		                "this server: %s",
		                (long long)lid, why);
	has_in = judge0_text(c, "stdin", &in);
	has_out = judge0_text(c, "expected_output", &out);
	cpu = judge0_number(c, "cpu_time_limit", J0_CPU_DEFAULT, 0, J0_CPU_MAX,
	                    false, "15.0");
	wall = judge0_number(c, "wall_time_limit", J0_WALL_DEFAULT, 1,
	                     J0_WALL_MAX, false, "20.0");
	mem = judge0_number(c, "memory_limit", J0_MEM_DEFAULT, J0_MEM_MIN,
	                    J0_MEM_MAX, false, "512000");
	/* Judge0's own minima and messages (app/models/submission.rb) */
	procs = judge0_count(c, "max_processes_and_or_threads",
	                     J0_PROCS_DEFAULT, J0_PROCS_MAX, "120");
	runs = judge0_count(c, "number_of_runs", 1, J0_RUNS_MAX, "20");
	net = judge0_bool(c, "enable_network");
	redirect = judge0_bool(c, "redirect_stderr_to_stdout");
	judge0_options(c, lang, &args, &copts);
	/* Forge takes neither: refused rather than ignored, so a program
	 * never runs other than it was asked to (a callback would make the
	 * server a client of any address a submitter names) */
	static const char *const unsupported[] = {"callback_url",
	                                          "additional_files"};
	for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++) {
		const struct jsonparse_value *v =
		    jsonparse_get(c->o, unsupported[i]);
		const char *t = jsonparse_string(v, NULL);

		if (v != NULL && !jsonparse_is(v, JSONPARSE_NULL) &&
		    !(t != NULL && *t == '\0'))
			judge0_complain(c, unsupported[i],
			                "is not supported by this server");
	}
	if (c->nerrors > 0)
		goto out;

	json_open(&w, NULL, '{');
	json_cstr(&w, "language", lang->id);
	json_str(&w, "source", src.data ? src.data : "", src.len);
	json_str(&w, "stdin", in.data ? in.data : "", in.len);
	json_open(&w, "limits", '{');
	json_double(&w, "time", cpu);
	json_double(&w, "wall", wall);
	json_double(&w, "memory", mem / 1024);
	json_int(&w, "pids", (long long)procs);
	json_close(&w, '}');
	json_bool(&w, "net", net);
	if (args != NULL)
		judge0_words(&w, "args", args);
	if (copts != NULL)
		judge0_words(&w, "compiler_options", copts);
	json_close(&w, '}');

	json_open(&k, NULL, '{');
	json_int(&k, "language_id", (long long)lid);
	json_str(&k, "source_code", src.data ? src.data : "", src.len);
	if (has_in > 0)
		json_str(&k, "stdin", in.data ? in.data : "", in.len);
	else
		json_null(&k, "stdin");
	if (has_out > 0)
		json_str(&k, "expected_output", out.data ? out.data : "",
		         out.len);
	else
		json_null(&k, "expected_output");
	json_double(&k, "cpu_time_limit", cpu);
	json_double(&k, "wall_time_limit", wall);
	json_int(&k, "memory_limit", (long long)mem);
	json_int(&k, "max_processes_and_or_threads", (long long)procs);
	json_int(&k, "number_of_runs", (long long)runs);
	json_bool(&k, "enable_network", net);
	json_bool(&k, "redirect_stderr_to_stdout", redirect);
	judge0_keep_string(c, &k, "compiler_options");
	judge0_keep_string(c, &k, "command_line_arguments");
	json_close(&k, '}');
out:
	options_free(args);
	options_free(copts);
	buf_free(&src);
	buf_free(&in);
	buf_free(&out);
	if (c->nerrors > 0) {
		json_close(&c->ew, '}');
		return -1;
	}
	return 0;
}

static void
judge0_uuid(char out[37])
{
	unsigned char r[16];
	size_t n = 0;

	while (n < sizeof r) {
		ssize_t k = getrandom(r + n, sizeof r - n, 0);

		if (k > 0)
			n += (size_t)k;
	}
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, 37,
	         "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x"
	         "%02x%02x",
	         r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
	         r[10], r[11], r[12], r[13], r[14], r[15]);
}

static int
judge0_store(struct serve *s, const char *token, int64_t job, const char *kept)
{
	sqlite3_stmt *st = NULL;
	int ret = -1;

	db_lock(s->db);
	if (sqlite3_prepare_v2(db_handle(s->db),
	                       "INSERT INTO judge0 (token, job, submission)"
	                       " VALUES (?1, ?2, ?3)",
	                       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, job);
		sqlite3_bind_text(st, 3, kept, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_DONE)
			ret = 0;
	}
	sqlite3_finalize(st);
	db_unlock(s->db);
	return ret;
}

/* Looks a submission up by token (job 0) or by job: its job id, token
 * and kept submission; -1 when there is none. */
static int
judge0_lookup(struct serve *s, const char *token, int64_t *job, char tok[64],
              char **kept)
{
	sqlite3_stmt *st = NULL;
	int ret = -1;

	db_lock(s->db);
	if (sqlite3_prepare_v2(db_handle(s->db),
	                       token != NULL
	                           ? "SELECT job, token, submission FROM judge0"
	                             " WHERE token = ?1"
	                           : "SELECT job, token, submission FROM judge0"
	                             " WHERE job = ?2",
	                       -1, &st, NULL) == SQLITE_OK) {
		if (token != NULL)
			sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, 2, *job);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*job = sqlite3_column_int64(st, 0);
			snprintf(tok, 64, "%s",
			         (const char *)sqlite3_column_text(st, 1));
			*kept =
			    xstrdup((const char *)sqlite3_column_text(st, 2));
			ret = 0;
		}
	}
	sqlite3_finalize(st);
	db_unlock(s->db);
	return ret;
}

/* One submission accepted: its token in tok; 0, or -1 with r said (422
 * with the fields' complaints, or native_submit's refusal). */
static int
judge0_accept(struct serve *s, struct http_request *q,
              const struct jsonparse_value *o, bool b64, char tok[37],
              int64_t *job, struct http_response *r)
{
	struct judge0_check c = {.o = o, .b64 = b64};
	struct buf req, kept;
	int ret = -1;

	buf_init(&c.errors, 0);
	c.ew = (struct json_writer){&c.errors, false};
	buf_init(&req, 0);
	buf_init(&kept, 0);
	if (judge0_translate(s, &c, &req, &kept) < 0) {
		metrics_reject(s->metrics, "invalid");
		r->code = 422;
		buf_reset(&r->body);
		buf_add(&r->body, c.errors.data, c.errors.len);
		goto out;
	}
	if ((*job = native_submit(s, q, buf_cstr(&req), req.len, r)) == 0) {
		if (r->code == 400)
			r->code = 422;
		goto out;
	}
	judge0_uuid(tok);
	if (judge0_store(s, tok, *job, buf_cstr(&kept)) < 0) {
		http_error(r, 500, "the Judge0 submission cannot be written");
		goto out;
	}
	ret = 0;
out:
	buf_free(&c.errors);
	buf_free(&req);
	buf_free(&kept);
	return ret;
}

/* ------------------------------------------------------------- views */

/* A submission as Judge0 shows it: the kept request, the job and its
 * result. */
struct judge0_view {
	const char *token;
	struct jsonparse_value *kept;
	struct jsonparse_value *res; /* NULL until the job ends */
	struct queue_job job;
	const struct language *lang;
	bool b64;
	int status;
	struct buf stdout_, stderr_, compile, message;
	bool utf8_bad; /* a text is not UTF-8 and b64 is off */
};

/* The result's signal ("SIGSEGV", "signal 40") as a number; 0: none. */
static int
judge0_signal(const struct jsonparse_value *res)
{
	const char *s = jsonparse_string(jsonparse_get(res, "signal"), NULL);
	const char *abbrev;

	if (s == NULL)
		return 0;
	if (strncmp(s, "signal ", 7) == 0)
		return atoi(s + 7);
	for (int i = 1; i < 65; i++)
		if ((abbrev = sigabbrev_np(i)) != NULL &&
		    strncmp(s, "SIG", 3) == 0 && strcmp(s + 3, abbrev) == 0)
			return i;
	return 0;
}

/* A text as Judge0 compares it (app/jobs/isolate_job.rb, strip): each
 * line without its trailing whitespace, the lines joined with "\n",
 * then the whole without its trailing whitespace. */
static void
judge0_strip(const char *p, size_t n, struct buf *out)
{
	static const char ws[] = " \t\n\v\f\r";
	size_t i = 0;

	while (i <= n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - p) : n, e = end;

		while (e > i && (memchr(ws, p[e - 1], sizeof ws - 1) != NULL ||
		                 p[e - 1] == '\0'))
			e--;
		if (i > 0)
			buf_add(out, "\n", 1);
		buf_add(out, p + i, e - i);
		i = end + 1;
	}
	while (out->len > 0 &&
	       (memchr(ws, out->data[out->len - 1], sizeof ws - 1) != NULL ||
	        out->data[out->len - 1] == '\0'))
		out->len--;
}

/* Judge0's rule: an empty stdout is none (nil), which matches no
 * expected_output; otherwise both stripped, then equal. */
static bool
judge0_output_matches(const char *out, size_t outlen, const char *exp,
                      size_t explen)
{
	struct buf a, b;
	bool same;

	if (outlen == 0)
		return false;
	buf_init(&a, 0);
	buf_init(&b, 0);
	judge0_strip(out, outlen, &a);
	judge0_strip(exp, explen, &b);
	same = a.len == b.len &&
	       (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
	buf_free(&a);
	buf_free(&b);
	return same;
}

/* Judge0's status of a finished run: by verdict, signal and, for a run
 * that ended well, expected_output as Judge0 compares it. */
static int
judge0_status(struct judge0_view *v)
{
	const char *vname =
	    jsonparse_string(jsonparse_get(v->res, "verdict"), NULL);
	const struct jsonparse_value *ans =
	    jsonparse_get(v->kept, "expected_output");
	enum verdict vd = VERDICT_IE;
	int sig;
	const char *a;
	size_t alen;

	if (vname == NULL || verdict_from_name(vname, &vd) < 0)
		return J0_INTERNAL;
	sig = judge0_signal(v->res);
	switch (vd) {
	case VERDICT_OK:
	case VERDICT_AC:
		if ((a = jsonparse_string(ans, &alen)) == NULL)
			return J0_ACCEPTED;
		return judge0_output_matches(v->stdout_.data, v->stdout_.len, a,
		                             alen)
		           ? J0_ACCEPTED
		           : J0_WRONG;
	case VERDICT_WA:
		return J0_WRONG;
	case VERDICT_TLE:
		return J0_TLE;
	case VERDICT_CE:
		return J0_CE;
	case VERDICT_OLE:
		return J0_SIGXFSZ;
	case VERDICT_RE:
		switch (sig) {
		case 0:
			return J0_NZEC;
		case SIGSEGV:
			return J0_SIGSEGV;
		case SIGXFSZ:
			return J0_SIGXFSZ;
		case SIGFPE:
			return J0_SIGFPE;
		case SIGABRT:
			return J0_SIGABRT;
		default:
			return J0_OTHER;
		}
	case VERDICT_MLE:
	case VERDICT_SV:
		return J0_OTHER;
	default:
		return J0_INTERNAL;
	}
}

/* 0, or -1 when there is no such submission. */
static int
judge0_view_load(struct serve *s, const char *token, int64_t job, bool b64,
                 struct judge0_view *v)
{
	struct jsonparse_error e;
	char tok[64], *kept = NULL;
	const char *detail;

	memset(v, 0, sizeof *v);
	buf_init(&v->stdout_, 0);
	buf_init(&v->stderr_, 0);
	buf_init(&v->compile, 0);
	buf_init(&v->message, 0);
	v->b64 = b64;
	if (judge0_lookup(s, token, &job, tok, &kept) < 0 ||
	    queue_get(s->db, job, &v->job) < 0) {
		free(kept);
		return -1;
	}
	v->token = xstrdup(tok);
	v->kept = jsonparse_parse(kept, strlen(kept), &e);
	free(kept);
	if (v->job.result != NULL)
		v->res =
		    jsonparse_parse(v->job.result, strlen(v->job.result), &e);
	v->status = v->job.state == QUEUE_QUEUED    ? J0_QUEUE
	            : v->job.state == QUEUE_RUNNING ? J0_PROCESSING
	                                            : J0_INTERNAL;
	if (v->res != NULL && v->job.state == QUEUE_DONE) {
		jsonparse_output(v->res, "stdout", &v->stdout_);
		jsonparse_output(v->res, "stderr", &v->stderr_);
		jsonparse_output(v->res, "compile_output", &v->compile);
		if (jsonparse_is(
		        jsonparse_get(v->kept, "redirect_stderr_to_stdout"),
		        JSONPARSE_TRUE)) {
			buf_add(&v->stdout_, v->stderr_.data, v->stderr_.len);
			buf_reset(&v->stderr_);
		}
		v->status = judge0_status(v);
	}
	if (v->status != J0_ACCEPTED && v->res != NULL &&
	    (detail = jsonparse_string(jsonparse_get(v->res, "detail"), NULL)))
		buf_addstr(&v->message, detail);
	v->lang = judge0_language(s, (long long)jsonparse_number(jsonparse_get(
	                                 v->kept, "language_id")));
	return 0;
}

static void
judge0_view_free(struct judge0_view *v)
{
	free((char *)v->token);
	jsonparse_free(v->kept);
	jsonparse_free(v->res);
	queue_job_free(&v->job);
	buf_free(&v->stdout_);
	buf_free(&v->stderr_);
	buf_free(&v->compile);
	buf_free(&v->message);
}

/* Base64 as Judge0 writes it (Ruby's Base64.encode64, RFC 2045): lines
 * of 60 characters, each ending in a newline. */
static void
judge0_base64(struct buf *out, const char *p, size_t n)
{
	struct buf raw;

	buf_init(&raw, 0);
	json_base64(&raw, p, n);
	for (size_t i = 0; i < raw.len; i += 60) {
		buf_add(out, raw.data + i, raw.len - i < 60 ? raw.len - i : 60);
		buf_add(out, "\n", 1);
	}
	buf_free(&raw);
}

/* A text as Judge0 shows it: null when empty, base64 when asked. */
static void
judge0_put_text(struct judge0_view *v, struct json_writer *w, const char *key,
                const char *p, size_t n)
{
	struct buf enc;

	if (p == NULL || n == 0) {
		json_null(w, key);
		return;
	}
	if (!v->b64) {
		if (!json_valid_utf8(p, n))
			v->utf8_bad = true;
		json_str(w, key, p, n);
		return;
	}
	buf_init(&enc, 0);
	judge0_base64(&enc, p, n);
	json_str(w, key, buf_cstr(&enc), enc.len);
	buf_free(&enc);
}

static void
judge0_put_kept_text(struct judge0_view *v, struct json_writer *w,
                     const char *key)
{
	size_t n;
	const char *s = jsonparse_string(jsonparse_get(v->kept, key), &n);

	judge0_put_text(v, w, key, s, s ? n : 0);
}

/* A result's milliseconds as Judge0's seconds, "0.012". */
static void
judge0_put_seconds(struct judge0_view *v, struct json_writer *w,
                   const char *key, const char *res_key)
{
	const struct jsonparse_value *x = jsonparse_get(v->res, res_key);
	char t[32];

	if (v->job.state != QUEUE_DONE || !jsonparse_is(x, JSONPARSE_NUMBER) ||
	    v->status == J0_CE) {
		json_null(w, key);
		return;
	}
	snprintf(t, sizeof t, "%.3f", jsonparse_number(x) / 1000);
	json_cstr(w, key, t);
}

static void
judge0_put_kept(struct judge0_view *v, struct json_writer *w, const char *key)
{
	const struct jsonparse_value *x = jsonparse_get(v->kept, key);

	double d = jsonparse_number(x);
	char t[32];

	/* Judge0 shows its decimal limits as strings ("5.0"), its integer
	 * ones as numbers */
	if (jsonparse_is(x, JSONPARSE_NUMBER) && strstr(key, "time") != NULL) {
		snprintf(t, sizeof t, d == (double)(long long)d ? "%.1f" : "%g",
		         d);
		json_cstr(w, key, t);
	} else if (jsonparse_is(x, JSONPARSE_NUMBER))
		json_int(w, key, (long long)d);
	else if (jsonparse_is(x, JSONPARSE_TRUE) ||
	         jsonparse_is(x, JSONPARSE_FALSE))
		json_bool(w, key, jsonparse_is(x, JSONPARSE_TRUE));
	else if (jsonparse_is(x, JSONPARSE_STRING)) {
		size_t len;
		const char *s = jsonparse_string(x, &len);

		json_str(w, key, s, len);
	} else
		json_null(w, key);
}

typedef void judge0_field_fn(struct judge0_view *, struct json_writer *,
                             const char *);

static void
judge0_f_text(struct judge0_view *v, struct json_writer *w, const char *k)
{
	judge0_put_kept_text(v, w, k);
}

static void
judge0_f_kept(struct judge0_view *v, struct json_writer *w, const char *k)
{
	judge0_put_kept(v, w, k);
}

static void
judge0_f_stdout(struct judge0_view *v, struct json_writer *w, const char *k)
{
	judge0_put_text(v, w, k, v->stdout_.data, v->stdout_.len);
}

static void
judge0_f_stderr(struct judge0_view *v, struct json_writer *w, const char *k)
{
	judge0_put_text(v, w, k, v->stderr_.data, v->stderr_.len);
}

static void
judge0_f_compile(struct judge0_view *v, struct json_writer *w, const char *k)
{
	judge0_put_text(v, w, k, v->compile.data, v->compile.len);
}

static void
judge0_f_message(struct judge0_view *v, struct json_writer *w, const char *k)
{
	judge0_put_text(v, w, k, v->message.data, v->message.len);
}

static void
judge0_f_time(struct judge0_view *v, struct json_writer *w, const char *k)
{
	judge0_put_seconds(v, w, k, "time_ms");
}

static void
judge0_f_wall(struct judge0_view *v, struct json_writer *w, const char *k)
{
	judge0_put_seconds(v, w, k, "wall_ms");
}

static void
judge0_f_result_int(struct judge0_view *v, struct json_writer *w, const char *k)
{
	static const struct {
		const char *field, *res;
	} map[] = {
	    {"memory", "memory_kb"},
	    {"exit_code", "exit_code"},
	};
	int64_t x;

	if (strcmp(k, "exit_signal") == 0) {
		if ((x = judge0_signal(v->res)) > 0)
			json_int(w, k, x);
		else
			json_null(w, k);
		return;
	}
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcmp(map[i].field, k) == 0 &&
		    v->job.state == QUEUE_DONE && v->status != J0_CE &&
		    jsonparse_int(jsonparse_get(v->res, map[i].res), &x)) {
			json_int(w, k, x);
			return;
		}
	json_null(w, k);
}

static void
judge0_f_token(struct judge0_view *v, struct json_writer *w, const char *k)
{
	json_cstr(w, k, v->token);
}

static void
judge0_f_status_id(struct judge0_view *v, struct json_writer *w, const char *k)
{
	json_int(w, k, v->status);
}

static void
judge0_f_status(struct judge0_view *v, struct json_writer *w, const char *k)
{
	json_open(w, k, '{');
	json_int(w, "id", v->status);
	json_cstr(w, "description", judge0_statuses[v->status]);
	json_close(w, '}');
}

static void
judge0_f_language(struct judge0_view *v, struct json_writer *w, const char *k)
{
	if (v->lang == NULL) {
		json_null(w, k);
		return;
	}
	json_open(w, k, '{');
	json_int(w, "id", judge0_language_id(v->lang));
	json_cstr(w, "name", v->lang->name);
	json_close(w, '}');
}

/* Judge0's submission fields, in its order. */
static const struct {
	const char *name;
	judge0_field_fn *fn;
} judge0_fields[] = {
    {"source_code", judge0_f_text},
    {"language_id", judge0_f_kept},
    {"stdin", judge0_f_text},
    {"expected_output", judge0_f_text},
    {"stdout", judge0_f_stdout},
    {"status_id", judge0_f_status_id},
    {"time", judge0_f_time},
    {"memory", judge0_f_result_int},
    {"stderr", judge0_f_stderr},
    {"token", judge0_f_token},
    {"number_of_runs", judge0_f_kept},
    {"cpu_time_limit", judge0_f_kept},
    {"wall_time_limit", judge0_f_kept},
    {"memory_limit", judge0_f_kept},
    {"max_processes_and_or_threads", judge0_f_kept},
    {"compile_output", judge0_f_compile},
    {"exit_code", judge0_f_result_int},
    {"exit_signal", judge0_f_result_int},
    {"message", judge0_f_message},
    {"wall_time", judge0_f_wall},
    {"compiler_options", judge0_f_kept},
    {"command_line_arguments", judge0_f_kept},
    {"redirect_stderr_to_stdout", judge0_f_kept},
    {"enable_network", judge0_f_kept},
    {"status", judge0_f_status},
    {"language", judge0_f_language},
};

static judge0_field_fn *
judge0_field(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof judge0_fields / sizeof *judge0_fields;
	     i++)
		if (strlen(judge0_fields[i].name) == n &&
		    strncmp(judge0_fields[i].name, name, n) == 0)
			return judge0_fields[i].fn;
	return NULL;
}

/* ?fields=: 0, or -1 with r said (Judge0 names the unknown ones). */
static int
judge0_fields_check(const char *fields, struct http_response *r)
{
	struct buf bad;
	const char *p;

	if (strcmp(fields, "*") == 0)
		return 0;
	buf_init(&bad, 0);
	for (p = fields; *p != '\0';) {
		size_t n = strcspn(p, ",");

		if (n > 0 && judge0_field(p, n) == NULL)
			buf_printf(&bad, "%s%.*s", bad.len ? ", " : "", (int)n,
			           p);
		p += n + (p[n] == ',');
	}
	if (bad.len > 0) {
		http_error(r, 400, "invalid fields: [%s]", buf_cstr(&bad));
		buf_free(&bad);
		return -1;
	}
	buf_free(&bad);
	return 0;
}

static void
judge0_write(struct judge0_view *v, const char *fields, struct json_writer *w)
{
	json_open(w, NULL, '{');
	if (strcmp(fields, "*") == 0) {
		for (size_t i = 0;
		     i < sizeof judge0_fields / sizeof *judge0_fields; i++)
			judge0_fields[i].fn(v, w, judge0_fields[i].name);
	} else {
		for (const char *p = fields; *p != '\0';) {
			size_t n = strcspn(p, ",");
			judge0_field_fn *fn = judge0_field(p, n);
			char name[64];

			if (fn != NULL && n < sizeof name) {
				memcpy(name, p, n);
				name[n] = '\0';
				fn(v, w, name);
			}
			p += n + (p[n] == ',');
		}
	}
	json_close(w, '}');
}

/* ?base64_encoded=true|false: 0, or -1 with r said. */
static int
judge0_b64_param(struct http_request *q, bool *b64, struct http_response *r)
{
	const char *p = http_query(q, "base64_encoded");

	*b64 = false;
	if (p == NULL || strcmp(p, "false") == 0)
		return 0;
	if (strcmp(p, "true") == 0) {
		*b64 = true;
		return 0;
	}
	http_error(r, 400, "base64_encoded=%s: true or false, please", p);
	return -1;
}

static const char *
judge0_fields_param(struct http_request *q)
{
	const char *f = http_query(q, "fields");

	return f != NULL && *f != '\0' ? f : judge0_default_fields;
}

static const char judge0_utf8_error[] =
    "some attributes for this submission cannot be converted to UTF-8, "
    "use base64_encoded=true query parameter";

/* One submission, shown in r (a 404 when there is none). */
static void
judge0_show(struct serve *s, struct http_request *q, const char *token,
            int64_t job, unsigned code, struct http_response *r)
{
	struct json_writer w = {&r->body, false};
	const char *fields = judge0_fields_param(q);
	struct judge0_view v;
	bool b64;

	if (judge0_b64_param(q, &b64, r) < 0 ||
	    judge0_fields_check(fields, r) < 0)
		return;
	if (judge0_view_load(s, token, job, b64, &v) < 0) {
		judge0_view_free(&v);
		r->code = 404;
		buf_reset(&r->body);
		buf_addstr(&r->body, "{\"error\":\"Not Found\"}\n");
		return;
	}
	if (q->authed && v.job.token != NULL &&
	    strcmp(v.job.token, q->token.name) != 0) {
		judge0_view_free(&v);
		http_error(r, 403, "this submission belongs to another token");
		return;
	}
	r->code = code;
	judge0_write(&v, fields, &w);
	buf_add(&r->body, "\n", 1);
	if (v.utf8_bad)
		http_error(r, 400, "%s", judge0_utf8_error);
	judge0_view_free(&v);
}

static struct jsonparse_value *
judge0_body(struct http_request *q, struct http_response *r)
{
	struct jsonparse_error e;
	struct jsonparse_value *v =
	    jsonparse_parse(q->body ? q->body : "", q->body_len, &e);

	if (v == NULL)
		http_error(r, 400, "malformed JSON: %s", e.text);
	return v;
}

/* ------------------------------------------------------------ routes */

static void
judge0_submissions_post(struct serve *s, struct http_request *q, int64_t id,
                        struct http_response *r)
{
	struct jsonparse_value *o;
	const char *wait = http_query(q, "wait");
	bool b64;
	char tok[37];
	int64_t job;

	if (q->waited) {
		judge0_show(s, q, NULL, q->wait_job, 201, r);
		return;
	}
	if (judge0_b64_param(q, &b64, r) < 0 ||
	    judge0_fields_check(judge0_fields_param(q), r) < 0)
		return;
	if (wait != NULL && strcmp(wait, "true") != 0 &&
	    strcmp(wait, "false") != 0) {
		http_error(r, 400, "wait=%s: true or false, please", wait);
		return;
	}
	if ((o = judge0_body(q, r)) == NULL)
		return;
	if (judge0_accept(s, q, o, b64, tok, &job, r) < 0) {
		jsonparse_free(o);
		return;
	}
	jsonparse_free(o);
	if (wait != NULL && strcmp(wait, "true") == 0) {
		q->wait_job = job;
		q->wait_until_ms = util_now_ms() + SERVE_WAIT_MAX * 1000ull;
		r->wait = true;
		return;
	}
	r->code = 201;
	buf_printf(&r->body, "{\"token\":\"%s\"}\n", tok);
}

static void
judge0_submissions_get(struct serve *s, struct http_request *q, int64_t id,
                       struct http_response *r)
{
	judge0_show(s, q, q->key, 0, 200, r);
}

static void
judge0_batch_post(struct serve *s, struct http_request *q, int64_t id,
                  struct http_response *r)
{
	const struct jsonparse_value *subs;
	struct jsonparse_value *o;
	struct http_response one = {0};
	struct json_writer w;
	struct buf out;
	size_t i, n;
	bool b64;

	if (judge0_b64_param(q, &b64, r) < 0 || (o = judge0_body(q, r)) == NULL)
		return;
	subs = jsonparse_get(o, "submissions");
	if (!jsonparse_is(subs, JSONPARSE_ARRAY) ||
	    (n = jsonparse_len(subs)) == 0 || n > J0_BATCH_MAX) {
		r->code = 422;
		buf_printf(&r->body,
		           "{\"error\":\"number of submissions in a batch "
		           "should be between 1 and %d\"}\n",
		           J0_BATCH_MAX);
		jsonparse_free(o);
		return;
	}
	buf_init(&out, 0);
	w = (struct json_writer){&out, false};
	json_open(&w, NULL, '[');
	for (i = 0; i < n; i++) {
		char tok[37];
		int64_t job;

		buf_init(&one.body, 0);
		one.code = 200;
		if (judge0_accept(s, q, jsonparse_at(subs, i), b64, tok, &job,
		                  &one) == 0) {
			json_open(&w, NULL, '{');
			json_cstr(&w, "token", tok);
			json_close(&w, '}');
		} else {
			/* each refusal in its place, as Judge0 answers */
			if (w.comma)
				buf_add(&out, ",", 1);
			while (one.body.len > 0 &&
			       one.body.data[one.body.len - 1] == '\n')
				one.body.len--;
			buf_add(&out, one.body.data, one.body.len);
			w.comma = true;
			if (one.code == 503 || one.code == 429)
				r->retry_after = one.retry_after;
		}
		buf_free(&one.body);
	}
	json_close(&w, ']');
	jsonparse_free(o);
	r->code = 201;
	buf_add(&r->body, out.data, out.len);
	buf_add(&r->body, "\n", 1);
	buf_free(&out);
}

static void
judge0_batch_get(struct serve *s, struct http_request *q, int64_t id,
                 struct http_response *r)
{
	const char *tokens = http_query(q, "tokens");
	const char *fields = judge0_fields_param(q);
	struct json_writer w = {&r->body, false};
	bool b64, bad = false;

	if (judge0_b64_param(q, &b64, r) < 0 ||
	    judge0_fields_check(fields, r) < 0)
		return;
	if (tokens == NULL || *tokens == '\0') {
		http_error(r, 400, "tokens: a comma-separated list, please");
		return;
	}
	json_open(&w, NULL, '{');
	json_open(&w, "submissions", '[');
	for (const char *p = tokens; *p != '\0';) {
		size_t n = strcspn(p, ",");
		struct judge0_view v;
		char tok[64];

		snprintf(tok, sizeof tok, "%.*s", (int)(n < 63 ? n : 63), p);
		p += n + (p[n] == ',');
		if (n == 0)
			continue;
		if (judge0_view_load(s, tok, 0, b64, &v) < 0 ||
		    (q->authed && v.job.token != NULL &&
		     strcmp(v.job.token, q->token.name) != 0))
			json_null(&w, NULL);
		else
			judge0_write(&v, fields, &w);
		bad |= v.utf8_bad;
		judge0_view_free(&v);
	}
	json_close(&w, ']');
	json_close(&w, '}');
	buf_add(&r->body, "\n", 1);
	if (bad)
		http_error(r, 400, "%s", judge0_utf8_error);
}

static void
judge0_languages(struct serve *s, struct http_request *q, int64_t id,
                 struct http_response *r)
{
	struct json_writer w = {&r->body, false};
	char why[256];

	json_open(&w, NULL, '[');
	for (size_t i = 0; i < sizeof judge0_langs / sizeof *judge0_langs;
	     i++) {
		const struct language *l =
		    lang_find_id(&s->langs, judge0_langs[i].forge);

		if (l == NULL ||
		    !lang_available(l, s->opts->backend, why, sizeof why))
			continue;
		json_open(&w, NULL, '{');
		json_int(&w, "id", judge0_langs[i].id);
		json_cstr(&w, "name", l->name);
		json_close(&w, '}');
	}
	json_close(&w, ']');
	buf_add(&r->body, "\n", 1);
}

static void
judge0_language_get(struct serve *s, struct http_request *q, int64_t id,
                    struct http_response *r)
{
	struct json_writer w = {&r->body, false};
	const struct language *l = NULL;
	char *end, *name;
	long long lid = strtoll(q->key, &end, 10);

	if (*end == '\0')
		l = judge0_language(s, lid);
	if (l == NULL) {
		r->code = 404;
		buf_addstr(&r->body, "{\"error\":\"Not Found\"}\n");
		return;
	}
	name = lang_source_name(l, "", 0);
	json_open(&w, NULL, '{');
	json_int(&w, "id", lid);
	json_cstr(&w, "name", l->name);
	json_bool(&w, "is_archived", false);
	json_cstr(&w, "source_file", name);
	json_close(&w, '}');
	buf_add(&r->body, "\n", 1);
	free(name);
}

static void
judge0_statuses_get(struct serve *s, struct http_request *q, int64_t id,
                    struct http_response *r)
{
	struct json_writer w = {&r->body, false};

	json_open(&w, NULL, '[');
	for (int i = J0_QUEUE; i <= J0_EXEC_FORMAT; i++) {
		json_open(&w, NULL, '{');
		json_int(&w, "id", i);
		json_cstr(&w, "description", judge0_statuses[i]);
		json_close(&w, '}');
	}
	json_close(&w, ']');
	buf_add(&r->body, "\n", 1);
}

static void
judge0_about(struct serve *s, struct http_request *q, int64_t id,
             struct http_response *r)
{
	struct json_writer w = {&r->body, false};

	json_open(&w, NULL, '{');
	json_cstr(&w, "version", PACKAGE_VERSION);
	json_cstr(&w, "homepage", PACKAGE_URL[0] ? PACKAGE_URL : NULL);
	json_cstr(&w, "source_code", PACKAGE_URL[0] ? PACKAGE_URL : NULL);
	json_cstr(&w, "maintainer",
	          PACKAGE_BUGREPORT[0] ? PACKAGE_BUGREPORT : NULL);
	json_close(&w, '}');
	buf_add(&r->body, "\n", 1);
}

/* The machine, in the names lscpu gives (Judge0 shows lscpu's). */
static void
judge0_system_info(struct serve *s, struct http_request *q, int64_t id,
                   struct http_response *r)
{
	struct json_writer w = {&r->body, false};
	struct utsname u;
	char n[64];
	long mem = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);

	json_open(&w, NULL, '{');
	if (uname(&u) == 0) {
		json_cstr(&w, "Architecture", u.machine);
		json_cstr(&w, "Kernel", u.release);
	}
	snprintf(n, sizeof n, "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	json_cstr(&w, "CPU(s)", n);
	if (mem > 0 && page > 0) {
		snprintf(n, sizeof n, "%lld kB", (long long)mem * page / 1024);
		json_cstr(&w, "Mem", n);
	}
	json_close(&w, '}');
	buf_add(&r->body, "\n", 1);
}

const struct native_route judge0_routes[] = {
    {"POST", "/submissions", "/submissions", true, judge0_submissions_post},
    {"POST", "/submissions/batch", "/submissions/batch", true,
     judge0_batch_post},
    {"GET", "/submissions/batch", "/submissions/batch", true, judge0_batch_get},
    {"GET", "/submissions/{key}", "/submissions/{token}", true,
     judge0_submissions_get},
    {"GET", "/languages", "/languages", false, judge0_languages},
    {"GET", "/languages/{key}", "/languages/{id}", false, judge0_language_get},
    {"GET", "/statuses", "/statuses", false, judge0_statuses_get},
    {"GET", "/about", "/about", false, judge0_about},
    {"GET", "/system_info", "/system_info", false, judge0_system_info},
    {NULL, NULL, NULL, false, NULL},
};
