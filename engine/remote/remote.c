/* The remote backend: programs compiled and run by a forge serve, through
 * its native API (POST /v1/runs), over libcurl. forge run --server URL
 * (or FORGE_SERVER) gives the same output, verdict and exit status as a
 * local run, and records the run in the local history with backend
 * "remote" and a toolchain that names the server.
 *
 * It is a backend of whole programs (run_program): pipeline_run hands it
 * the request; the sandbox is the server's. Its box-level run is never
 * reached by forge's faces and says so. The server and the token come
 * from the engine's configuration (engine_config: FORGE_SERVER,
 * FORGE_TOKEN, --server); this file reads no environment.
 *
 * What can go wrong is said plainly: a server that cannot be reached, a
 * token missing or refused (401, 403: FORGE_TOKEN), a language the
 * server lacks (with the ones it has). A busy server (429, 503) is asked
 * again after its Retry-After, REMOTE_TRIES times at most. A run on a
 * terminal (q->tty_fd, the workbench's) is interactive: remote-attach.c. */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "engine/remote/remote.h"

#define REMOTE_CONNECT_S 10
#define REMOTE_TRIES     5   /* a 429 or 503, asked again at most so */
#define REMOTE_RETRY_MAX 30  /* seconds: a longer Retry-After is cut */
#define REMOTE_WAIT_S    600 /* ?wait= of POST /v1/runs (the server's max) */

static size_t
remote_collect(char *p, size_t size, size_t n, void *arg)
{
	buf_add(arg, p, size * n);
	return size * n;
}

static size_t
remote_header(char *p, size_t size, size_t n, void *arg)
{
	struct remote_reply *r = arg;

	if (size * n > 12 && strncasecmp(p, "Retry-After:", 12) == 0)
		r->retry_after = (unsigned)strtoul(p + 12, NULL, 10);
	return size * n;
}

/* -------------------------------------------------- an interruption */

/* A job on the server does not end with this process: interrupted (a
 * Ctrl-C's SIGINT, SIGTERM, SIGHUP) while one runs there, the job must
 * be cancelled first, or it would run on to its limits. So, from before
 * a job is posted until its result is in, these signals are held
 * (blocked, never handled: remote_hold); a wait for the result looks
 * for one pending (remote_interrupted) and stops; the job is cancelled
 * (DELETE /v1/runs/{id}: AB on the server); then remote_release gives
 * the mask back and the signal does to this process what it would have
 * done at once: by default it ends it, as it ends a local run. Signals
 * the caller blocked or ignores are left to it. */
static const int remote_stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
static sigset_t remote_held;  /* what remote_hold blocked */
static bool remote_abortable; /* a transfer may stop for one */

void
remote_hold(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof remote_stop_signals / sizeof(int); i++)
		sigaddset(&set, remote_stop_signals[i]);
	(void)sigprocmask(SIG_BLOCK, &set, old);
	sigemptyset(&remote_held);
	for (size_t i = 0; i < sizeof remote_stop_signals / sizeof(int); i++)
		if (!sigismember(old, remote_stop_signals[i]))
			sigaddset(&remote_held, remote_stop_signals[i]);
}

/* One of the held signals is pending. */
bool
remote_interrupted(void)
{
	sigset_t p;

	if (sigpending(&p) < 0)
		return false;
	for (size_t i = 0; i < sizeof remote_stop_signals / sizeof(int); i++)
		if (sigismember(&remote_held, remote_stop_signals[i]) &&
		    sigismember(&p, remote_stop_signals[i]))
			return true;
	return false;
}

void
remote_release(const sigset_t *old)
{
	sigemptyset(&remote_held);
	(void)sigprocmask(SIG_SETMASK, old, NULL);
}

/* libcurl's progress callback: a wait stops when interrupted. */
static int
remote_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
                curl_off_t un)
{
	return remote_abortable && remote_interrupted();
}

/* Seconds asleep, or less when interrupted. */
static void
remote_sleep(unsigned secs)
{
	for (unsigned i = 0; i < secs * 20 && !remote_interrupted(); i++)
		usleep(50 * 1000);
}

/* The server's URL; NULL: none configured. */
const char *
remote_server(void)
{
	return engine_config()->remote_server;
}

/* A libcurl handle on url with what every connection to the server has:
 * no signals, the connect timeout, and for an https:// server the CAs
 * its certificate is checked against (engine_config's remote_ca:
 * FORGE_SERVER_CA; else the system's). NULL: libcurl cannot start. */
CURL *
remote_easy(const char *url)
{
	static bool inited;
	const char *ca = engine_config()->remote_ca;
	CURL *c;

	if (!inited) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		inited = true;
	}
	if ((c = curl_easy_init()) == NULL)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)REMOTE_CONNECT_S);
	if (ca != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	return c;
}

/* One request: 0 with the reply (any status), or -1 with err said (the
 * server cannot be reached). */
static int
remote_request(const char *method, const char *path, const char *body,
               struct remote_reply *r, char *err, size_t errlen)
{
	const char *server = remote_server(), *token;
	struct curl_slist *h = NULL;
	char *url, *auth = NULL;
	CURLcode rc;
	CURL *c;

	memset(r, 0, sizeof *r);
	buf_init(&r->body, 0);
	xasprintf(&url, "%.*s%s",
	          (int)(strlen(server) - (server[strlen(server) - 1] == '/')),
	          server, path);
	if ((c = remote_easy(url)) == NULL) {
		snprintf(err, errlen, "libcurl cannot start");
		free(url);
		return -1;
	}
	h = curl_slist_append(h, "Content-Type: application/json");
	if ((token = engine_config()->remote_token) != NULL) {
		xasprintf(&auth, "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)REMOTE_WAIT_S + 60);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, remote_collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, remote_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, remote_progress);
	if (body != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	else
		snprintf(err, errlen, "cannot reach forge serve at %s: %s",
		         server, curl_easy_strerror(rc));
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(url);
	free(auth);
	return rc == CURLE_OK ? 0 : -1;
}

/* The server's "error" member, or the body's start. */
static void
remote_error_text(const struct remote_reply *r, char *out, size_t len)
{
	struct jsonparse_error e;
	struct jsonparse_value *v =
	    jsonparse_parse(r->body.data ? r->body.data : "", r->body.len, &e);
	const char *msg = jsonparse_string(jsonparse_get(v, "error"), NULL);

	snprintf(out, len, "%.*s", msg ? 400 : 200,
	         msg ? msg : (r->body.data ? r->body.data : ""));
	jsonparse_free(v);
}

/* A request, asked again while the server is busy (429, 503): 0 with a
 * reply that is neither, or -1 with err said. */
int
remote_call(const char *method, const char *path, const char *body,
            struct remote_reply *r, char *err, size_t errlen)
{
	char msg[512];

	for (int i = 0;; i++) {
		unsigned wait;

		if (remote_request(method, path, body, r, err, errlen) < 0)
			return -1;
		if (r->status != 429 && r->status != 503)
			break;
		if (i + 1 == REMOTE_TRIES) {
			remote_error_text(r, msg, sizeof msg);
			snprintf(err, errlen,
			         "forge serve at %s is busy (%ld) after %d "
			         "tries: %s",
			         remote_server(), r->status, REMOTE_TRIES, msg);
			buf_free(&r->body);
			return -1;
		}
		wait = r->retry_after > 0 ? r->retry_after : 1;
		if (wait > REMOTE_RETRY_MAX)
			wait = REMOTE_RETRY_MAX;
		buf_free(&r->body);
		remote_sleep(wait);
		if (remote_interrupted()) {
			snprintf(err, errlen, "interrupted");
			return -1;
		}
	}
	if (r->status == 401 || r->status == 403) {
		remote_error_text(r, msg, sizeof msg);
		snprintf(err, errlen,
		         r->status == 403
		             ? "forge serve at %s refused the token in "
		               "FORGE_TOKEN (403): %s"
		         : engine_config()->remote_token == NULL
		             ? "forge serve at %s needs a token (401): set "
		               "FORGE_TOKEN (the server's admin makes one with "
		               "forge token add): %s"
		             : "forge serve at %s does not know the token in "
		               "FORGE_TOKEN (401): %s",
		         remote_server(), msg);
		buf_free(&r->body);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ languages */

/* GET /v1/languages, once a process. */
static struct jsonparse_value *
remote_languages(char *err, size_t errlen)
{
	static struct jsonparse_value *langs;
	static char langs_err[512];
	struct remote_reply r;
	struct jsonparse_error e;

	if (langs != NULL || langs_err[0] != '\0') {
		snprintf(err, errlen, "%s", langs_err);
		return langs;
	}
	if (remote_call("GET", "/v1/languages", NULL, &r, langs_err,
	                sizeof langs_err) == 0) {
		if (r.status == 200)
			langs = jsonparse_parse(r.body.data ? r.body.data : "",
			                        r.body.len, &e);
		if (langs == NULL)
			snprintf(langs_err, sizeof langs_err,
			         "%s is not a forge serve: GET /v1/languages "
			         "answered %ld",
			         remote_server(), r.status);
		buf_free(&r.body);
	}
	snprintf(err, errlen, "%s", langs_err);
	return langs;
}

static bool
remote_lang_available(const struct language *l, char *why, size_t len)
{
	const struct jsonparse_value *all;
	struct buf known;
	bool ok = false;

	if (remote_server() == NULL) {
		snprintf(why, len,
		         "no server: forge run --server URL, or set "
		         "FORGE_SERVER");
		return false;
	}
	if ((all = remote_languages(why, len)) == NULL)
		return false;
	buf_init(&known, 0);
	for (size_t i = 0; i < jsonparse_len(all); i++) {
		const struct jsonparse_value *x = jsonparse_at(all, i);
		const char *id = jsonparse_string(jsonparse_get(x, "id"), NULL);
		bool avail =
		    jsonparse_is(jsonparse_get(x, "available"), JSONPARSE_TRUE);

		if (id == NULL || !avail)
			continue;
		if (strcmp(id, l->id) == 0)
			ok = true;
		buf_printf(&known, "%s%s", known.len ? ", " : "", id);
	}
	if (!ok)
		snprintf(why, len,
		         "forge serve at %s does not have it (it has: %s)",
		         remote_server(), buf_cstr(&known));
	buf_free(&known);
	return ok;
}

/* -------------------------------------------------------------- a run */

/* A size as forge run takes it: whole KiB when it is so, else bytes. */
void
remote_size(struct json_writer *w, const char *key, uint64_t bytes)
{
	char s[32];

	if (bytes % 1024 == 0)
		snprintf(s, sizeof s, "%lluK",
		         (unsigned long long)(bytes / 1024));
	else
		snprintf(s, sizeof s, "%llu", (unsigned long long)bytes);
	json_cstr(w, key, s);
}

/* "language" and "files" of a request: the program's source under its
 * language's name, then the files beside it, in base64. */
static void
remote_files(struct json_writer *w, const struct language *l,
             const char *source, size_t len, const struct box_input *extra,
             size_t nextra)
{
	char *name = lang_source_name(l, source, len);

	json_cstr(w, "language", l->id);
	json_open(w, "files", '[');
	for (size_t i = 0; i <= nextra; i++) {
		json_open(w, NULL, '{');
		json_cstr(w, "name", i == 0 ? name : extra[i - 1].name);
		json_cstr(w, "encoding", "base64");
		buf_addstr(w->out, ",\"content\":\"");
		json_base64(w->out, i == 0 ? source : extra[i - 1].data,
		            i == 0 ? len : extra[i - 1].len);
		buf_addstr(w->out, "\"");
		json_close(w, '}');
	}
	json_close(w, ']');
	free(name);
}

/* The request of POST /v1/runs. stdin: all of q->stdin_fd; a terminal
 * (q->tty_fd): an interactive run of its size, typed through attach. */
int
remote_body(const struct pipeline_request *q, struct buf *b, char *err,
            size_t errlen)
{
	struct json_writer w = {b, false};
	struct buf in;
	char t[32];

	buf_init(&in, 0);
	if (q->tty_fd < 0 && q->stdin_fd >= 0 &&
	    util_read_fd(q->stdin_fd, &in, 1u << 30) < 0) {
		snprintf(err, errlen, "reading stdin: %s", strerror(errno));
		buf_free(&in);
		return -1;
	}
	/* what the program was given, for the history */
	if (in.len > 0 && q->on_input != NULL)
		q->on_input(0, in.data, in.len, q->arg);
	json_open(&w, NULL, '{');
	remote_files(&w, q->lang, q->source, q->source_len, q->extra,
	             q->nextra);
	if (q->tty_fd >= 0) {
		struct winsize ws = {0};

		(void)ioctl(q->tty_fd, TIOCGWINSZ, &ws);
		json_bool(&w, "interactive", true);
		json_bool(&w, "tty", true);
		json_int(&w, "rows", ws.ws_row > 0 ? ws.ws_row : 24);
		json_int(&w, "cols", ws.ws_col > 0 ? ws.ws_col : 80);
	} else
		json_str(&w, "stdin", in.data ? in.data : "", in.len);
	json_open(&w, "limits", '{');
	snprintf(t, sizeof t, "%llums", (unsigned long long)q->limits.cpu_ms);
	json_cstr(&w, "time", t);
	snprintf(t, sizeof t, "%llums", (unsigned long long)q->limits.wall_ms);
	json_cstr(&w, "wall", t);
	remote_size(&w, "memory", q->limits.mem_bytes);
	remote_size(&w, "output", q->limits.output_bytes);
	json_int(&w, "pids", q->limits.pids);
	json_bool(&w, "net", q->limits.net);
	json_close(&w, '}');
	json_close(&w, '}');
	buf_free(&in);
	return 0;
}

/* A signal's number from its name ("SIGSEGV"); 0: none or unknown. */
int
remote_signal(const char *name)
{
	if (name == NULL || strncmp(name, "SIG", 3) != 0)
		return 0;
	for (int i = 1; i < 65; i++) {
		const char *a = sigabbrev_np(i);

		if (a != NULL && strcmp(a, name + 3) == 0)
			return i;
	}
	return 0;
}

/* How the run ended, from its verdict and what it reported. */
static enum box_end
remote_end(enum verdict v, const struct box_result *b, const char *detail)
{
	switch (v) {
	case VERDICT_TLE:
		return strstr(detail, "wall") != NULL ? BOX_WALL : BOX_CPU;
	case VERDICT_MLE:
		return BOX_MEMORY;
	case VERDICT_OLE:
		return BOX_OUTPUT;
	case VERDICT_SV:
		return BOX_SYSCALL;
	case VERDICT_IE:
		return BOX_ERROR;
	default:
		return b->signal > 0 ? BOX_SIGNALED : BOX_EXITED;
	}
}

/* The result as forge run --json has it, into res; its outputs to the
 * request's callbacks (not for a terminal's run: shown as it came). */
void
remote_result(const struct pipeline_request *q, const struct jsonparse_value *v,
              struct pipeline_result *res)
{
	const char *s, *enf;
	struct buf out;
	int64_t n;

	s = jsonparse_string(jsonparse_get(v, "verdict"), NULL);
	if (s == NULL || verdict_from_name(s, &res->verdict) < 0)
		res->verdict = VERDICT_IE;
	s = jsonparse_string(jsonparse_get(v, "detail"), NULL);
	strlcpy0(res->detail, s ? s : "", sizeof res->detail);
	enf = jsonparse_string(jsonparse_get(v, "enforced_by"), NULL);
	res->ran = enf != NULL;
	res->run.enforced_by = box_enforcer_from_name(enf);
	if (jsonparse_int(jsonparse_get(v, "exit_code"), &n))
		res->run.exit_code = (int)n;
	res->run.signal =
	    remote_signal(jsonparse_string(jsonparse_get(v, "signal"), NULL));
	s = jsonparse_string(jsonparse_get(v, "syscall"), NULL);
	strlcpy0(res->run.syscall, s ? s : "", sizeof res->run.syscall);
	if (jsonparse_int(jsonparse_get(v, "time_ms"), &n))
		res->run.cpu_ms = (uint64_t)n;
	if (jsonparse_int(jsonparse_get(v, "wall_ms"), &n))
		res->run.wall_ms = (uint64_t)n;
	if (jsonparse_int(jsonparse_get(v, "memory_kb"), &n))
		res->run.mem_kb = (uint64_t)n;
	res->run.end = remote_end(res->verdict, &res->run, res->detail);
	if (jsonparse_int(jsonparse_get(v, "compile_ms"), &n))
		res->compile_ms = (uint64_t)n;
	res->build_cached =
	    jsonparse_is(jsonparse_get(v, "build_cached"), JSONPARSE_TRUE);
	res->compiled = q->lang->compile != NULL;
	jsonparse_output(v, "compile_output", &res->compile_output);
	s = jsonparse_string(jsonparse_get(v, "toolchain"), NULL);
	xasprintf(&res->toolchain, "%s (forge serve %s)", s ? s : "unknown",
	          remote_server());
	for (int stream = 1; stream <= 2; stream++) {
		buf_init(&out, 0);
		jsonparse_output(v, stream == 1 ? "stdout" : "stderr", &out);
		if (out.len > 0 && q->on_output != NULL && q->tty_fd < 0)
			q->on_output(stream, out.data, out.len, q->arg);
		res->run.output_bytes += out.len;
		buf_free(&out);
	}
}

/* The job in the server's answer (200, 202; 409: a cancel that came
 * after its end), or NULL with err said. */
static struct jsonparse_value *
remote_job_json(const struct remote_reply *r, char *err, size_t errlen)
{
	struct jsonparse_error e;
	struct jsonparse_value *v = NULL;
	char msg[512];

	if (r->status == 200 || r->status == 202 || r->status == 409)
		v = jsonparse_parse(r->body.data ? r->body.data : "",
		                    r->body.len, &e);
	if (v != NULL && jsonparse_get(v, "status") != NULL)
		return v;
	jsonparse_free(v);
	remote_error_text(r, msg, sizeof msg);
	snprintf(err, errlen, "forge serve at %s: %ld: %s", remote_server(),
	         r->status, msg);
	return NULL;
}

/* The job has ended: done, or cancelled. */
static bool
remote_job_over(const struct jsonparse_value *v)
{
	const char *st = jsonparse_string(jsonparse_get(v, "status"), NULL);

	return st != NULL &&
	       (strcmp(st, "done") == 0 || strcmp(st, "cancelled") == 0);
}

/* Job id cancelled, this process being interrupted: the job as the
 * server has it then (cancelled; or done, when it ended first), or NULL
 * with err said. */
struct jsonparse_value *
remote_cancel(int64_t id, char *err, size_t errlen)
{
	struct jsonparse_value *v = NULL;
	struct remote_reply r;
	sigset_t held = remote_held;
	char path[64];

	sigemptyset(&remote_held); /* the signal waits for the answer */
	snprintf(path, sizeof path, "/v1/runs/%lld", (long long)id);
	if (remote_call("DELETE", path, NULL, &r, err, errlen) == 0) {
		v = remote_job_json(&r, err, errlen);
		buf_free(&r.body);
	}
	remote_held = held;
	return v;
}

/* Job id's end: GET /v1/runs/{id}?wait= until it is done or cancelled.
 * The job, or NULL: err said, or interrupted (remote_interrupted). */
static struct jsonparse_value *
remote_wait(int64_t id, char *err, size_t errlen)
{
	struct jsonparse_value *v = NULL;
	struct remote_reply r;
	char path[80];
	int rc;

	snprintf(path, sizeof path, "/v1/runs/%lld?wait=%d", (long long)id,
	         REMOTE_WAIT_S);
	while (!remote_interrupted()) {
		remote_abortable = true;
		rc = remote_call("GET", path, NULL, &r, err, errlen);
		remote_abortable = false;
		if (rc < 0)
			return NULL;
		v = remote_job_json(&r, err, errlen);
		buf_free(&r.body);
		if (v == NULL || remote_job_over(v))
			return v;
		jsonparse_free(v);
		v = NULL;
		/* a server that does not hold the answer: asked again */
		for (int i = 0; i < 4 && !remote_interrupted(); i++)
			usleep(50 * 1000);
	}
	return NULL;
}

/* Job id's end read from its events (GET /v1/runs/{id}/events), whose
 * text is left in events: the job, or NULL: err said, or interrupted,
 * or a stream cut short (then remote_wait asks for the end). */
static struct jsonparse_value *
remote_stream(int64_t id, struct buf *events, char *err, size_t errlen)
{
	struct jsonparse_value *v = NULL;
	struct remote_reply r;
	struct buf *outs;
	size_t n;
	char path[64];
	int rc;

	snprintf(path, sizeof path, "/v1/runs/%lld/events", (long long)id);
	remote_abortable = true;
	rc = remote_call("GET", path, NULL, &r, err, errlen);
	remote_abortable = false;
	if (rc < 0)
		return NULL;
	if (r.status == 200) {
		v = remote_events_parse(r.body.data ? r.body.data : "",
		                        r.body.len, &outs, &n);
		remote_events_free(outs, n);
		buf_free(events);
		*events = r.body;
	} else
		buf_free(&r.body);
	if (v != NULL && !remote_job_over(v)) {
		jsonparse_free(v);
		v = NULL;
	}
	return v;
}

/* A job posted (POST /v1/runs with body) and its end: the job, done, or
 * cancelled when this process was interrupted meanwhile (the signal then
 * acts, once the server has the cancel); NULL with err said. events: NULL,
 * or where the text of the job's events goes (its end is read from them).
 */
struct jsonparse_value *
remote_job(const char *body, struct buf *events, char *err, size_t errlen)
{
	struct jsonparse_value *v = NULL;
	struct remote_reply r;
	sigset_t old;
	int64_t id = 0;

	remote_hold(&old);
	if (remote_call("POST", "/v1/runs", body, &r, err, errlen) == 0) {
		v = remote_job_json(&r, err, errlen);
		buf_free(&r.body);
	}
	if (v != NULL && !remote_job_over(v)) {
		if (!jsonparse_int(jsonparse_get(v, "id"), &id))
			snprintf(err, errlen,
			         "forge serve at %s answered without an id",
			         remote_server());
		jsonparse_free(v);
		v = NULL;
		if (id > 0 && events != NULL)
			v = remote_stream(id, events, err, errlen);
		if (id > 0 && v == NULL && !remote_interrupted())
			v = remote_wait(id, err, errlen);
	}
	if (v == NULL && id > 0 && remote_interrupted())
		v = remote_cancel(id, err, errlen);
	remote_release(&old);
	return v;
}

static int
remote_run_program(const struct pipeline_request *q,
                   struct pipeline_result *res)
{
	struct jsonparse_value *v = NULL;
	struct buf body;
	char err[1024];

	if (remote_server() != NULL && q->tty_fd >= 0)
		return remote_attach_run(q, res);
	buf_init(&body, 0);
	res->verdict = VERDICT_IE;
	if (remote_server() == NULL)
		snprintf(
		    err, sizeof err,
		    "no server: forge run --server URL, or set FORGE_SERVER");
	else if (remote_body(q, &body, err, sizeof err) == 0)
		v = remote_job(buf_cstr(&body), NULL, err, sizeof err);
	if (v != NULL)
		remote_result(q, v, res);
	else {
		strlcpy0(res->detail, err, sizeof res->detail);
		res->run.end = BOX_ERROR;
	}
	jsonparse_free(v);
	buf_free(&body);
	return 0;
}

/* ------------------------------------------------------------ a judge */

/* The request of a judge: the program, each selected test's input and
 * answer, the limits and the comparator. 0, or -1 with err said. */
static int
remote_judge_body(const struct judge_program *jp, struct buf *b, size_t *sent,
                  char *err, size_t errlen)
{
	const struct judge_opts *o = jp->opts;
	struct json_writer w = {b, false};
	char t[32];
	struct buf data;
	int ret = 0;

	json_open(&w, NULL, '{');
	remote_files(&w, jp->lang, jp->source, jp->source_len, NULL, 0);
	json_open(&w, "tests", '[');
	buf_init(&data, 0);
	for (size_t i = 0; i < jp->ts->ntests && ret == 0; i++) {
		const struct test_case *tc = &jp->ts->tests[i];

		if (!judge_selected(o, tc))
			continue;
		sent[(*sent)++ + 1] = i; /* sent[0]: the count */
		json_open(&w, NULL, '{');
		json_cstr(&w, "name", tc->name);
		buf_reset(&data);
		if ((ret = testset_read(tc, false, &data, err, errlen)) == 0)
			json_str(&w, "input", data.data ? data.data : "",
			         data.len);
		buf_reset(&data);
		if (ret == 0 && tc->has_answer &&
		    (ret = testset_read(tc, true, &data, err, errlen)) == 0)
			json_str(&w, "answer", data.data ? data.data : "",
			         data.len);
		json_close(&w, '}');
	}
	buf_free(&data);
	json_close(&w, ']');
	json_open(&w, "limits", '{');
	snprintf(t, sizeof t, "%llums", (unsigned long long)o->limits.cpu_ms);
	json_cstr(&w, "time", t);
	snprintf(t, sizeof t, "%llums", (unsigned long long)o->limits.wall_ms);
	json_cstr(&w, "wall", t);
	remote_size(&w, "memory", o->limits.mem_bytes);
	remote_size(&w, "output", o->limits.output_bytes);
	json_int(&w, "pids", o->limits.pids);
	json_bool(&w, "net", o->limits.net);
	json_close(&w, '}');
	json_cstr(&w, "compare",
	          o->compare.mode == COMPARE_EXACT ? "exact" : "tokens");
	json_bool(&w, "case_sensitive", o->compare.case_sensitive);
	json_bool(&w, "space_change_sensitive", o->compare.space_sensitive);
	if (o->compare.abs_tol >= 0)
		json_double(&w, "float_absolute_tolerance", o->compare.abs_tol);
	if (o->compare.rel_tol >= 0)
		json_double(&w, "float_relative_tolerance", o->compare.rel_tol);
	json_bool(&w, "stop_on_fail", o->stop_on_fail);
	json_close(&w, '}');
	return ret;
}

/* One test of the answer, as the engine's judge reports it. */
static void
remote_judge_test(const struct jsonparse_value *v, uint32_t index,
                  enum box_enforcer enforced, struct judge_test *t)
{
	const char *s;
	struct buf e;
	int64_t n;

	memset(t, 0, sizeof *t);
	t->index = index;
	s = jsonparse_string(jsonparse_get(v, "verdict"), NULL);
	if (s == NULL || verdict_from_name(s, &t->verdict) < 0)
		t->verdict = VERDICT_IE;
	if ((t->exited = jsonparse_int(jsonparse_get(v, "exit_code"), &n)))
		t->exit_code = (int32_t)n;
	t->signal =
	    remote_signal(jsonparse_string(jsonparse_get(v, "signal"), NULL));
	if (jsonparse_int(jsonparse_get(v, "time_ms"), &n))
		t->time_ms = (uint64_t)n;
	if (jsonparse_int(jsonparse_get(v, "wall_ms"), &n))
		t->wall_ms = (uint64_t)n;
	if (jsonparse_int(jsonparse_get(v, "memory_kb"), &n))
		t->mem_kb = (uint64_t)n;
	t->enforced_by = enforced;
	s = jsonparse_string(jsonparse_get(v, "detail"), NULL);
	strlcpy0(t->detail, s ? s : "", sizeof t->detail);
	s = jsonparse_string(jsonparse_get(v, "diff"), NULL);
	strlcpy0(t->diff, s ? s : "", sizeof t->diff);
	buf_init(&e, 0);
	jsonparse_output(v, "stderr", &e);
	t->stderr_len = (uint32_t)e.len;
	memcpy(t->stderr_head, e.data ? e.data : "",
	       e.len < sizeof t->stderr_head - 1 ? e.len
	                                         : sizeof t->stderr_head - 1);
	buf_free(&e);
}

static int
remote_judge_program(struct judge_program *jp, struct build *b)
{
	struct jsonparse_value *v = NULL;
	const struct jsonparse_value *tests;
	struct buf body, events, *outs;
	size_t nouts, *sent = xcalloc(jp->ts->ntests + 1, sizeof *sent);
	char err[1024];
	const char *s, *enf;
	int64_t n;

	memset(b, 0, sizeof *b);
	b->lang = jp->lang;
	buf_init(&b->compile_output, 0);
	b->compiled = jp->lang->compile != NULL;
	buf_init(&body, 0);
	buf_init(&events, 0);
	if (remote_server() == NULL)
		snprintf(err, sizeof err,
		         "no server: forge judge --server URL, or set "
		         "FORGE_SERVER");
	else if (remote_judge_body(jp, &body, sent, err, sizeof err) == 0)
		v = remote_job(buf_cstr(&body),
		               jp->opts->keep_output ? &events : NULL, err,
		               sizeof err);
	buf_free(&body);
	/* each test's output, from the events (when kept) */
	jsonparse_free(remote_events_parse(events.data ? events.data : "",
	                                   events.len, &outs, &nouts));
	buf_free(&events);
	if (v == NULL) {
		b->verdict = VERDICT_IE;
		strlcpy0(b->detail, err, sizeof b->detail);
		remote_events_free(outs, nouts);
		free(sent);
		return -1;
	}
	jsonparse_output(v, "compile_output", &b->compile_output);
	b->cached =
	    jsonparse_is(jsonparse_get(v, "build_cached"), JSONPARSE_TRUE);
	if (jsonparse_int(jsonparse_get(v, "compile_ms"), &n))
		b->compile_ms = (uint64_t)n;
	s = jsonparse_string(jsonparse_get(v, "toolchain"), NULL);
	xasprintf(&jp->toolchain, "%s (forge serve %s)", s ? s : "unknown",
	          remote_server());
	s = jsonparse_string(jsonparse_get(v, "verdict"), NULL);
	tests = jsonparse_get(v, "tests");
	/* a build that failed: no test ran */
	if (s != NULL &&
	    (strcmp(s, "CE") == 0 ||
	     (strcmp(s, "IE") == 0 && jsonparse_len(tests) == 0))) {
		(void)verdict_from_name(s, &b->verdict);
		s = jsonparse_string(jsonparse_get(v, "detail"), NULL);
		strlcpy0(b->detail, s ? s : "", sizeof b->detail);
	}
	enf = jsonparse_string(jsonparse_get(v, "enforced_by"), NULL);
	for (size_t i = 0; i < jsonparse_len(tests) && i < sent[0]; i++) {
		struct judge_test t;

		remote_judge_test(jsonparse_at(tests, i), (uint32_t)sent[i + 1],
		                  box_enforcer_from_name(enf), &t);
		if (i < nouts) {
			/* the test's output, handed over (to the report) */
			t.output_len = outs[i].len;
			t.output = buf_cstr(&outs[i]);
			t.output_truncated = t.verdict == VERDICT_OLE;
			buf_init(&outs[i], 0);
		}
		jp->report(&t, &jp->ts->tests[sent[i + 1]], jp->arg);
		judge_test_free(&t);
	}
	remote_events_free(outs, nouts);
	jsonparse_free(v);
	free(sent);
	return 0;
}

/* ------------------------------------------------------ the backend */

static size_t
remote_doctor(struct backend_check *c, size_t max)
{
	struct jsonparse_value *langs;
	char err[512];

	if (max == 0)
		return 0;
	memset(c, 0, sizeof *c);
	c->name = "forge serve";
	if (remote_server() == NULL) {
		c->status = 2;
		snprintf(c->detail, sizeof c->detail, "no server configured");
		snprintf(c->fix, sizeof c->fix,
		         "forge run --server URL, or set FORGE_SERVER");
	} else if ((langs = remote_languages(err, sizeof err)) == NULL) {
		c->status = 2;
		snprintf(c->detail, sizeof c->detail, "%s", err);
		snprintf(c->fix, sizeof c->fix,
		         "start it (forge serve) or check the URL");
	} else
		snprintf(c->detail, sizeof c->detail,
		         "%s answers, %zu languages", remote_server(),
		         jsonparse_len(langs));
	return 1;
}

/* Never reached through pipeline_run; a caller that builds its own
 * sandboxes (a judge) gets a plain error. */
static int
remote_box_run(const struct box_spec *s, struct box_result *r)
{
	memset(r, 0, sizeof *r);
	r->end = BOX_ERROR;
	snprintf(r->message, sizeof r->message,
	         "the remote backend runs whole programs on the server, "
	         "not sandboxes here");
	return 0;
}

static void
remote_nothing(void)
{
}

static bool
remote_tool_id(const char *cmd, char *id, size_t len)
{
	return false; /* the server's toolchain comes with each result */
}

const struct backend remote_backend = {
    .name = "remote",
    .description = "programs compiled and run by a forge serve (--server)",
    .doctor = remote_doctor,
    .run = remote_box_run,
    .release = remote_nothing,
    .cleanup_stale = remote_nothing,
    .lang_available = remote_lang_available,
    .tool_id = remote_tool_id,
    .run_program = remote_run_program,
    .judge_program = remote_judge_program,
};
