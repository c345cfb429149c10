/* forge replay ID: run a recorded program again (same source, stdin,
 * language and limits) and say whether it reproduced; or, with --play,
 * play its recorded output back with its original timing. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

enum { OPT_DB = 256, OPT_PLAY, OPT_SPEED, OPT_JSON, OPT_NO_HISTORY };

static const struct cli_option replay_options[] = {
    {"play", OPT_PLAY, NULL,
     "play the recorded output back as it appeared, with its usage"},
    {"speed", OPT_SPEED, "X", "with --play: X times as fast (default 1)"},
    {"json", OPT_JSON, NULL, "print the new run and the comparison as JSON"},
    {"no-history", OPT_NO_HISTORY, NULL, "do not record the new run"},
    {"db", OPT_DB, "PATH",
     "the history database (default: $FORGE_HISTORY, else "
     "$XDG_DATA_HOME/forge/history.db)"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

void
cmd_replay_help(FILE *f)
{
	fprintf(f,
	        "usage: forge replay [options] ID\n\nRuns recorded run ID "
	        "again, with its source, stdin, language and limits,\nand "
	        "says whether it reproduced: the same verdict and the same "
	        "output (or\nwhere the output first differs). The new run is "
	        "recorded, linked to ID.\nWith --play, plays the recorded "
	        "output back in the terminal instead.\n\noptions:\n");
	cli_options_help(f, replay_options);
	fprintf(f, "\nexit status: 0 reproduced (or played), 1 not reproduced, "
	           "2 usage error or\nno such run, 3 internal error, 4 the "
	           "history database cannot be used\n");
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
static int
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

int
cmd_replay(int argc, char **argv)
{
	const char *db = NULL;
	bool play = false, json = false, no_history = false;
	double speed = 1;
	struct option *lo;
	char shortopts[32], err[1024], *toolchain = NULL, *end;
	struct history_run old, h;
	struct language_set langs;
	const struct language *lang;
	const struct backend *be = backend_default();
	struct pipeline_request q = {0};
	struct pipeline_result r;
	struct run_io io = {0};
	struct report_extra x = {0};
	struct buf why;
	long long id;
	int opt, ret = -1, fd;
	bool same_verdict, same_output;

	lo = cli_longopts(replay_options, shortopts, sizeof shortopts);
	opterr = 0;
	optind = 1;
	while (ret < 0 &&
	       (opt = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		switch (opt) {
		case OPT_DB:
			db = optarg;
			break;
		case OPT_PLAY:
			play = true;
			break;
		case OPT_SPEED:
			speed = strtod(optarg, &end);
			if (*end != '\0' || !(speed > 0) || isinf(speed))
				ret = cli_usage_error("--speed: '%s' is not a "
				                      "positive factor",
				                      optarg);
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_NO_HISTORY:
			no_history = true;
			break;
		case 'h':
			cmd_replay_help(stdout);
			ret = 0;
			break;
		case ':':
			ret = cli_usage_error("option '%s' needs a value",
			                      argv[optind - 1]);
			break;
		default:
			ret = cli_usage_error("unknown option '%s' (see 'forge "
			                      "replay --help')",
			                      argv[optind - 1]);
			break;
		}
	}
	free(lo);
	if (ret >= 0)
		return ret;
	if (argc - optind != 1)
		return cli_usage_error("usage: forge replay [options] ID");
	if ((ret = cli_history_load(db, argv[optind], &old)) != 0)
		return ret;
	id = old.id;
	if (play) {
		ret = replay_play(&old, speed);
		history_run_free(&old);
		return ret;
	}
	if (strcmp(old.kind, "run") != 0) {
		history_run_free(&old);
		return cli_usage_error("run %lld is a judge: re-judge it with "
		                       "'forge judge' (its tests: see 'forge "
		                       "show %lld')",
		                       id, id);
	}

	lang_load_all(&langs);
	lang = lang_find_id(&langs, old.language);
	if (lang == NULL || !lang_available(lang, be, err, sizeof err)) {
		ret = cli_usage_error(
		    "run %lld is in %s, which is %s here", id, old.language,
		    lang == NULL ? "not defined" : "not available");
		goto out_langs;
	}
	if (old.stdin_truncated)
		fprintf(stderr,
		        "forge: warning: run %lld's stdin was not "
		        "recorded whole; the replay gets what was\n",
		        id);
	be->cleanup_stale();
	cache_cleanup_stale();
	toolchain = cache_toolchain(lang, be);
	if (toolchain != NULL && old.toolchain != NULL &&
	    strcmp(toolchain, old.toolchain) != 0)
		fprintf(stderr,
		        "forge: note: the toolchain changed: %s, then "
		        "%s\n",
		        old.toolchain, toolchain);

	fd = util_memfd(old.stdin_data, old.stdin_len);
	if (fd < 0) {
		ret = cli_internal_error("stdin: %s", strerror(errno));
		goto out_langs;
	}
	history_recorder_init(&io.rec, !no_history,
	                      (size_t)old.limits.output_bytes);
	q.lang = lang;
	q.backend = be;
	q.source = old.source;
	q.source_len = old.source_len;
	q.limits = old.limits;
	q.compile_limits = lang->compile_limits;
	q.stdin_fd = fd;
	q.tty_fd = -1;
	q.on_output = run_output;
	q.on_input = run_input;
	q.on_sample = run_sample;
	q.arg = &io;
	pipeline_run(&q, &r);
	close(fd);
	history_recorder_finish(&io.rec, &h,
	                        &(struct history_recorder_run){
	                            &r, lang, be, &old.limits,
	                            old.file ? old.file : "replay", old.source,
	                            old.source_len, toolchain});
	free(h.file);
	h.file = old.file ? xstrdup(old.file) : NULL;
	h.replay_of = old.id;
	x.language_name = lang->name;
	x.build_cached = r.build_cached;
	x.compile_ms = r.compile_ms;
	x.ran = r.ran;
	if (!no_history &&
	    history_recorder_save(db, &h, err, sizeof err) == 0) {
		fprintf(stderr,
		        "forge: warning: the replay was not saved to "
		        "the history: %s\n",
		        err);
		x.history_error = err;
	}

	/* reproduced: the same verdict and the same output (as much of it
	 * as the history kept) */
	same_verdict = strcmp(h.verdict, old.verdict) == 0;
	buf_init(&why, 0);
	{
		struct compare_opts co;
		size_t n = h.out_len;

		compare_opts_default(&co);
		co.mode = COMPARE_EXACT;
		if (old.out_truncated && n > old.out_len)
			n = old.out_len;
		same_output =
		    compare_output(&co, h.out ? h.out : "", n,
		                   old.out ? old.out : "", old.out_len, &why);
	}
	if (json) {
		struct buf b, run;
		struct json_writer w = {&b, false};

		buf_init(&b, 0);
		buf_init(&run, 0);
		report_run_json(&h, &x, &run);
		json_open(&w, NULL, '{');
		json_bool(&w, "reproduced", same_verdict && same_output);
		json_bool(&w, "same_verdict", same_verdict);
		json_bool(&w, "same_output", same_output);
		json_cstr(&w, "difference",
		          same_output ? NULL : buf_cstr(&why));
		json_int(&w, "replay_of", old.id);
		json_cstr(&w, "original_verdict", old.verdict);
		buf_addstr(&b, ",\"run\":");
		buf_add(&b, run.data, run.len - 1); /* without its newline */
		json_close(&w, '}');
		buf_add(&b, "\n", 1);
		fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
		buf_free(&run);
	} else {
		fwrite(h.out, 1, h.out_len, stdout);
		fflush(stdout);
		if (same_verdict && same_output)
			fprintf(stderr,
			        "forge: reproduced run %lld: %s, the "
			        "same output%s\n",
			        id, h.verdict,
			        h.id > 0 ? "" : " (not recorded)");
		else {
			fprintf(stderr,
			        "forge: run %lld did not reproduce:", id);
			if (!same_verdict)
				fprintf(stderr, " verdict %s, now %s;",
				        old.verdict, h.verdict);
			if (!same_output)
				fprintf(stderr, " the output differs: %s",
				        buf_cstr(&why));
			fprintf(stderr, "\n");
		}
		if (h.id > 0)
			fprintf(stderr, "forge: the replay is run %lld\n",
			        (long long)h.id);
	}
	ret = r.verdict == VERDICT_IE       ? EXIT_INTERNAL
	      : same_verdict && same_output ? 0
	                                    : 1;
	buf_free(&why);
	pipeline_result_free(&r);
	history_run_free(&h);
	history_recorder_free(&io.rec);
out_langs:
	free(toolchain);
	lang_set_free(&langs);
	history_run_free(&old);
	return ret;
}
