/* forge lab replay ID [TEST]: a submission's test run again on the
 * lab's server (POST /v1/lab/submissions/{id}/replay), waited for
 * (GET /v1/lab/replays/{id}), and shown: the program's output, its usage
 * timeline, and the test's verdict now against the judge's. With
 * --play, the output and usage come as they happened, as forge replay
 * --play shows a run of the history. In forge-full alone (libcurl). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/lab-http.h"

/* How long a replay is waited for (seconds). */
#define LAB_REPLAY_WAIT 600
/* The usage timeline's rows at most, when it is printed. */
#define LAB_REPLAY_ROWS 12

/* s for a URL's query, byte by byte. */
static void
lab_replay_escape(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL)
			buf_add(b, s, 1);
		else
			buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
}

/* The replay once its run is done: 0 and its JSON, or an exit status. */
static int
lab_replay_wait(struct lab_http *h, long long id, struct buf *raw,
                struct jsonparse_value **out)
{
	uint64_t until = util_now_ms() + (uint64_t)LAB_REPLAY_WAIT * 1000;
	char path[64];
	int ret;

	snprintf(path, sizeof path, "/v1/lab/replays/%lld", id);
	for (;;) {
		const char *st;

		if ((ret = lab_call(h, "GET", path, NULL, NULL, 0, raw, out)) !=
		    0)
			return ret;
		st = lab_str(*out, "status", "");
		if (strcmp(st, "done") == 0 || strcmp(st, "cancelled") == 0)
			return 0;
		if (util_now_ms() >= until) {
			fprintf(stderr,
			        "forge: replay %lld is still %s after %d s\n",
			        id, st, LAB_REPLAY_WAIT);
			return EXIT_INTERNAL;
		}
		jsonparse_free(*out);
		*out = NULL;
		usleep(200 * 1000);
	}
}

/* The replay's run as a run of the history: its output chunks and usage
 * samples, for replay_play. */
static void
lab_replay_run(const struct jsonparse_value *v, struct history_run *r)
{
	const struct jsonparse_value *run = jsonparse_get(v, "run");
	const struct jsonparse_value *s = jsonparse_get(v, "samples");
	const struct jsonparse_value *c = jsonparse_get(v, "chunks");
	struct buf b;

	history_run_init(r);
	r->id = lab_int(run, "history_id");
	r->verdict = xstrdup(lab_str(run, "verdict", "?"));
	r->detail = xstrdup(lab_str(run, "detail", ""));
	buf_init(&b, 0);
	jsonparse_output(run, "stdout", &b);
	r->out_len = b.len;
	r->out = buf_cstr(&b);
	r->samples = xcalloc(jsonparse_len(s) + 1, sizeof *r->samples);
	for (size_t i = 0; i < jsonparse_len(s); i++) {
		const struct jsonparse_value *e = jsonparse_at(s, i);
		struct history_sample *x = &r->samples[r->nsamples++];

		x->t_ms = lab_int(e, "t_ms");
		x->cpu_ms = lab_int(e, "cpu_ms");
		x->memory_kb = lab_int(e, "memory_kb");
		x->pids = lab_int(e, "pids");
	}
	r->chunks = xcalloc(jsonparse_len(c) + 1, sizeof *r->chunks);
	for (size_t i = 0; i < jsonparse_len(c); i++) {
		const struct jsonparse_value *e = jsonparse_at(c, i);
		struct history_chunk *x = &r->chunks[r->nchunks++];

		buf_init(&b, 0);
		jsonparse_output(e, "data", &b);
		x->t_ms = lab_int(e, "t_ms");
		x->stream =
		    strcmp(lab_str(e, "stream", ""), "stderr") == 0 ? 2 : 1;
		x->len = b.len;
		x->data = buf_cstr(&b);
	}
}

/* The usage timeline as a few rows on stderr: at most LAB_REPLAY_ROWS,
 * evenly spread, the last always. */
static void
lab_replay_timeline(const struct history_run *r)
{
	size_t n = r->nsamples,
	       step = (n + LAB_REPLAY_ROWS - 1) / LAB_REPLAY_ROWS;
	char mem[32];

	if (n == 0) {
		fprintf(stderr, "forge: no usage was sampled (the run was too "
		                "short)\n");
		return;
	}
	fprintf(stderr, "%8s %9s %10s %5s\n", "TIME", "CPU", "MEMORY", "PIDS");
	for (size_t i = 0; i < n; i += step ? step : 1) {
		const struct history_sample *x =
		    &r->samples[i + step >= n ? n - 1 : i];

		limits_format_size((uint64_t)x->memory_kb * 1024, mem,
		                   sizeof mem);
		fprintf(stderr, "%7.2fs %8.3fs %10s %5lld\n",
		        (double)x->t_ms / 1000.0, (double)x->cpu_ms / 1000.0,
		        mem, (long long)x->pids);
		if (i + step >= n)
			break;
	}
}

/* What the replay found, on stderr; the exit status: 0 reproduced (or
 * not judged here), 1 not. */
static int
lab_replay_say(const struct jsonparse_value *v, const struct history_run *r)
{
	const struct jsonparse_value *was = jsonparse_get(v, "recorded");
	const struct jsonparse_value *run = jsonparse_get(v, "run");
	const struct jsonparse_value *rep = jsonparse_get(v, "reproduced");
	const char *now = lab_str(v, "verdict", NULL), *diff;

	fprintf(stderr, "forge: submission %lld, test %s: judged %s, now %s\n",
	        lab_int(v, "submission"), lab_str(v, "test", "?"),
	        lab_str(was, "verdict", "(not judged)"),
	        now ? now : lab_str(run, "verdict", "?"));
	if ((diff = lab_str(v, "diff", NULL)) != NULL)
		fprintf(stderr, "forge: %s\n", diff);
	if (lab_str(v, "note", NULL) != NULL)
		fprintf(stderr, "forge: %s\n", lab_str(v, "note", ""));
	fprintf(stderr,
	        "forge: %s; %.3f s CPU, %.3f s wall, %lld KiB, %zu usage "
	        "samples\n",
	        jsonparse_is(rep, JSONPARSE_TRUE)    ? "reproduced"
	        : jsonparse_is(rep, JSONPARSE_FALSE) ? "did not reproduce"
	                                             : "not judged here",
	        (double)lab_int(run, "time_ms") / 1000.0,
	        (double)lab_int(run, "wall_ms") / 1000.0,
	        lab_int(run, "memory_kb"), r->nsamples);
	return jsonparse_is(rep, JSONPARSE_FALSE) ? 1 : 0;
}

int
lab_replay(struct lab_http *h, const struct lab_args *l)
{
	long long id = lab_id(l->argv[1]), rid;
	struct jsonparse_value *v = NULL;
	struct history_run r;
	struct buf path, raw;
	int ret;

	if (id == 0)
		return cli_usage_error("'%s' is not a submission's id",
		                       l->argv[1]);
	buf_init(&path, 0);
	buf_init(&raw, 0);
	buf_printf(&path, "/v1/lab/submissions/%lld/replay", id);
	if (l->argc > 2) {
		buf_addstr(&path, "?test=");
		lab_replay_escape(&path, l->argv[2]);
	}
	ret = lab_call(h, "POST", buf_cstr(&path), "application/json", "", 0,
	               &raw, &v);
	rid = ret == 0 ? lab_int(v, "id") : 0;
	jsonparse_free(v);
	v = NULL;
	if (ret == 0 && (ret = lab_replay_wait(h, rid, &raw, &v)) == 0) {
		lab_replay_run(v, &r);
		if (l->json)
			buf_write(&raw, stdout);
		else if (l->play)
			replay_play(&r, l->speed > 0 ? l->speed : 1);
		else {
			fwrite(r.out, 1, r.out_len, stdout);
			fflush(stdout);
			lab_replay_timeline(&r);
		}
		if (!l->json)
			ret = lab_replay_say(v, &r);
		else
			ret = jsonparse_is(jsonparse_get(v, "reproduced"),
			                   JSONPARSE_FALSE)
			          ? 1
			          : 0;
		history_run_free(&r);
	}
	jsonparse_free(v);
	buf_free(&path);
	buf_free(&raw);
	return ret;
}
