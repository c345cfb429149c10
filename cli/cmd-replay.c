/* forge replay ID: run a recorded program again (same source, stdin,
 * language and limits) and say whether it reproduced; or, with --play,
 * play its recorded output back with its original timing. One test of a
 * recorded judge is replayed the same way (--test NAME: replay-test.c). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

enum { OPT_PLAY = CLI_OPT_COMMAND, OPT_SPEED, OPT_TEST };

static const struct cli_option replay_options[] = {
    {"play", 0, OPT_PLAY, NULL,
     "play the recorded output back as it appeared, with its usage"},
    {"speed", 0, OPT_SPEED, "X", "with --play: X times as fast (default 1)"},
    {"test", 0, OPT_TEST, "NAME",
     "of a judge: run its test NAME again, recorded with its timeline"},
    {"backend", 0, CLI_OPT_BACKEND, "NAME",
     "run it on this backend (default: the one it was recorded on)"},
    {"json", 0, CLI_OPT_JSON, NULL,
     "print the new run and the comparison as JSON"},
    CLI_ROW_NO_HISTORY("new run"),
    CLI_ROW_DB,
    CLI_ROW_END,
};

const struct cli_command cmd_replay_entry = {
    .name = "replay",
    .args = "ID [--play] [--test NAME]",
    .usage = "[options] ID",
    .summary = "run it again: did it reproduce?",
    .about =
        "Runs recorded run ID again, with its source, stdin, language, "
        "limits and\nbackend, and says whether it reproduced: the same "
        "verdict and the same output\n(or where the output first "
        "differs). The new run is recorded, linked to ID.\nWith --play, "
        "plays the recorded output back in the terminal instead.\nOf a judge, "
        "--test NAME runs that test again (its input, the judge's "
        "limits and\ncomparator), records the run with its output "
        "and usage timeline, and says\nwhether the test's verdict "
        "reproduced; with --play, that recording plays back.",
    .epilogue = "exit status: 0 reproduced (or played), 1 not reproduced, 2 "
                "usage error or\nno such run, 3 internal error, 4 the "
                "history database cannot be used",
    .options = replay_options,
    .min_args = 1,
    .max_args = 1,
    .exec = cmd_replay,
};

static int
replay_option(void *arg, int key, const char *v, char *err, size_t len)
{
	struct replay_args *r = arg;
	char *end;

	if (key == OPT_PLAY) {
		r->play = true;
		return 0;
	}
	if (key == OPT_TEST) {
		r->test = v;
		return 0;
	}
	r->speed = strtod(v, &end);
	if (end == v || *end != '\0' || !(r->speed > 0) || isinf(r->speed)) {
		snprintf(err, len, "'%s' is not a positive factor", v);
		return -1;
	}
	return 0;
}

static void
replay_sleep_ms(double ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(fmod(ms, 1000) * 1e6);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void
replay_usage_line(const struct history_sample *s, bool tty)
{
	char mem[32];

	if (!tty)
		return;
	limits_format_size((uint64_t)s->memory_kb * 1024, mem, sizeof mem);
	fprintf(stderr, "\r\033[K[%6.2fs  cpu %6.2fs  mem %8s  pids %2lld]",
	        (double)s->t_ms / 1000.0, (double)s->cpu_ms / 1000.0, mem,
	        (long long)s->pids);
	fflush(stderr);
}

/* The output as it appeared: chunks at their times, the usage line as
 * it was at each moment (on a terminal). */
int
replay_play(const struct history_run *r, double speed)
{
	bool tty = isatty(2);
	size_t c = 0, s = 0;
	double now = 0;

	if (r->nchunks == 0 && r->nsamples == 0)
		fprintf(stderr,
		        "forge: run %lld has no recorded timeline; its "
		        "output:\n",
		        (long long)r->id);
	if (r->nchunks == 0)
		fwrite(r->out, 1, r->out_len, stdout);
	while (c < r->nchunks || s < r->nsamples) {
		bool chunk =
		    c < r->nchunks && (s >= r->nsamples ||
		                       r->chunks[c].t_ms <= r->samples[s].t_ms);
		double t =
		    (double)(chunk ? r->chunks[c].t_ms : r->samples[s].t_ms);

		replay_sleep_ms((t - now) / speed);
		now = t > now ? t : now;
		if (chunk) {
			const struct history_chunk *k = &r->chunks[c++];
			if (tty)
				fprintf(stderr, "\r\033[K");
			fflush(stderr);
			(void)util_write_all(k->stream == 2 ? 2 : 1, k->data,
			                     k->len);
			if (s > 0)
				replay_usage_line(&r->samples[s - 1], tty);
		} else
			replay_usage_line(&r->samples[s++], tty);
	}
	if (tty)
		fprintf(stderr, "\n");
	fprintf(stderr, "forge: played run %lld: %s%s%s%s\n", (long long)r->id,
	        r->verdict, r->detail && *r->detail ? " (" : "",
	        r->detail ? r->detail : "", r->detail && *r->detail ? ")" : "");
	return 0;
}

/* The backend to replay on: --backend's, else the one the run was
 * recorded on (the default for a run recorded before backends were). 0,
 * or the exit status with the reason said. */
int
replay_backend(const struct cli_args *a, const struct history_run *old,
               const struct backend **be)
{
	char err[512];

	*be = a->backend;
	if (a->backend_given || old->backend == NULL || *old->backend == '\0')
		return 0;
	if (cli_backend(old->backend, be, err, sizeof err) < 0)
		return cli_usage_error("run %lld was recorded on backend '%s', "
		                       "which is not here: %s; replay it on "
		                       "another with --backend NAME",
		                       (long long)old->id, old->backend, err);
	return 0;
}

/* The replay itself: the old run's program, on stdin in with limits
 * lim (the old run's own, or its test's), run again and recorded as h. */
int
replay_run(const struct cli_args *a, const struct history_run *old,
           const struct replay_input *in, const struct language *lang,
           const struct backend *be, const char *toolchain,
           struct history_run *h, struct report_extra *x,
           struct pipeline_result *r, char *err, size_t errlen)
{
	struct pipeline_request q = {0};
	struct run_io io = {0};
	int fd = util_memfd(in->data, in->len);

	if (fd < 0)
		return cli_internal_error("stdin: %s", strerror(errno));
	history_recorder_init(&io.rec, !a->no_history,
	                      (size_t)in->limits->output_bytes);
	q.lang = lang;
	q.backend = be;
	q.source = old->source;
	q.source_len = old->source_len;
	q.limits = *in->limits;
	q.compile_limits = lang->compile_limits;
	q.stdin_fd = fd;
	q.tty_fd = -1;
	q.on_output = run_output;
	q.on_input = run_input;
	q.on_sample = run_sample;
	q.arg = &io;
	pipeline_run(&q, r);
	close(fd);
	history_recorder_finish(&io.rec, h,
	                        &(struct history_recorder_run){
	                            r, lang, be, in->limits,
	                            old->file ? old->file : "replay",
	                            old->source, old->source_len, toolchain});
	history_recorder_free(&io.rec);
	free(h->file);
	h->file = old->file ? xstrdup(old->file) : NULL;
	h->replay_of = old->id;
	x->language_name = lang->name;
	x->build_cached = r->build_cached;
	x->compile_ms = r->compile_ms;
	x->ran = r->ran;
	if (!a->no_history &&
	    history_recorder_save(a->db, h, err, errlen) == 0) {
		fprintf(stderr,
		        "forge: warning: the replay was not saved to "
		        "the history: %s\n",
		        err);
		x->history_error = err;
	}
	return 0;
}

/* Whether it reproduced, as JSON or as lines on stderr. */
static void
replay_say(const struct history_run *old, const struct history_run *h,
           const struct report_extra *x, bool json, bool same_verdict,
           bool same_output, const struct buf *why)
{
	long long id = (long long)old->id;

	if (json) {
		struct buf b, run;
		struct json_writer w = {&b, false};

		buf_init(&b, 0);
		buf_init(&run, 0);
		report_run_json(h, x, &run);
		json_open(&w, NULL, '{');
		json_bool(&w, "reproduced", same_verdict && same_output);
		json_bool(&w, "same_verdict", same_verdict);
		json_bool(&w, "same_output", same_output);
		json_cstr(&w, "difference",
		          same_output ? NULL : buf_cstr((struct buf *)why));
		json_int(&w, "replay_of", old->id);
		json_cstr(&w, "original_verdict", old->verdict);
		buf_addstr(&b, ",\"run\":");
		buf_add(&b, run.data, run.len - 1); /* without its newline */
		json_close(&w, '}');
		buf_add(&b, "\n", 1);
		fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
		buf_free(&run);
		return;
	}
	fwrite(h->out, 1, h->out_len, stdout);
	fflush(stdout);
	if (same_verdict && same_output)
		fprintf(stderr,
		        "forge: reproduced run %lld: %s, the same "
		        "output%s\n",
		        id, h->verdict, h->id > 0 ? "" : " (not recorded)");
	else {
		fprintf(stderr, "forge: run %lld did not reproduce:", id);
		if (!same_verdict)
			fprintf(stderr, " verdict %s, now %s;", old->verdict,
			        h->verdict);
		if (!same_output)
			fprintf(stderr, " the output differs: %s",
			        buf_cstr((struct buf *)why));
		fprintf(stderr, "\n");
	}
	if (h->id > 0)
		fprintf(stderr, "forge: the replay is run %lld\n",
		        (long long)h->id);
}

/* Reproduced: the same verdict and the same output (as much of it as the
 * history kept). Says so; the exit status. */
static int
replay_compare(const struct history_run *old, const struct history_run *h,
               const struct report_extra *x, bool json, enum verdict v)
{
	struct compare_opts co;
	bool same_verdict = strcmp(h->verdict, old->verdict) == 0, same_output;
	size_t n = h->out_len;
	struct buf why;

	buf_init(&why, 0);
	compare_opts_default(&co);
	co.mode = COMPARE_EXACT;
	if (old->out_truncated && n > old->out_len)
		n = old->out_len;
	same_output =
	    compare_output(&co, h->out ? h->out : "", n,
	                   old->out ? old->out : "", old->out_len, &why);
	replay_say(old, h, x, json, same_verdict, same_output, &why);
	buf_free(&why);
	return v == VERDICT_IE               ? EXIT_INTERNAL
	       : same_verdict && same_output ? 0
	                                     : 1;
}

/* The run replayed: its language and backend here, then the replay. */
static int
replay_again(const struct cli_args *a, const struct history_run *old)
{
	char err[1024], *toolchain;
	struct language_set langs;
	const struct language *lang;
	const struct backend *be;
	struct pipeline_result r;
	struct report_extra x = {0};
	struct history_run h;
	long long id = (long long)old->id;
	int ret;

	if ((ret = replay_backend(a, old, &be)) != 0)
		return ret;
	lang_load_all(&langs);
	lang = lang_find_id(&langs, old->language);
	if (lang == NULL || !lang_available(lang, be, err, sizeof err)) {
		ret = cli_usage_error(
		    "run %lld is in %s, which is %s here", id, old->language,
		    lang == NULL ? "not defined" : "not available");
		lang_set_free(&langs);
		return ret;
	}
	if (old->stdin_truncated)
		fprintf(stderr,
		        "forge: warning: run %lld's stdin was not "
		        "recorded whole; the replay gets what was\n",
		        id);
	be->cleanup_stale();
	cache_cleanup_stale();
	toolchain = cache_toolchain(lang, be);
	if (toolchain != NULL && old->toolchain != NULL &&
	    strcmp(toolchain, old->toolchain) != 0)
		fprintf(stderr,
		        "forge: note: the toolchain changed: %s, then %s\n",
		        old->toolchain, toolchain);
	if ((ret = replay_run(
	         a, old,
	         &(struct replay_input){old->stdin_data, old->stdin_len,
	                                &old->limits},
	         lang, be, toolchain, &h, &x, &r, err, sizeof err)) == 0) {
		ret = replay_compare(old, &h, &x, a->json, r.verdict);
		pipeline_result_free(&r);
		history_run_free(&h);
	}
	free(toolchain);
	lang_set_free(&langs);
	return ret;
}

int
cmd_replay(int argc, char **argv)
{
	struct replay_args ra = {false, 1, NULL};
	struct cli_args a;
	struct history_run old;
	long long id;
	int ret;

	if ((ret = cli_parse(&cmd_replay_entry, argc, argv, &a, replay_option,
	                     &ra)) >= 0)
		return ret;
	if ((ret = cli_history_load(a.db, a.argv[0], &old)) != 0)
		return ret;
	id = old.id;
	if (ra.test != NULL && strcmp(old.kind, "judge") != 0)
		ret = cli_usage_error("run %lld is not a judge: --test is for "
		                      "a judge's tests",
		                      id);
	else if (ra.test != NULL)
		ret = replay_test(&a, &ra, &old);
	else if (ra.play)
		ret = replay_play(&old, ra.speed);
	else if (strcmp(old.kind, "run") != 0)
		ret = cli_usage_error("run %lld is a judge: replay one of its "
		                      "tests with --test NAME (its tests: see "
		                      "'forge show %lld')",
		                      id, id);
	else
		ret = replay_again(&a, &old);
	history_run_free(&old);
	return ret;
}
