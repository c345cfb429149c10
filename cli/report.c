/* A run's result, for people (one summary line) and for programs (one
 * JSON object): the same for a run just made, one from the cache, and
 * one shown again from the history. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

void
report_limits_json(struct json_writer *w, const char *key,
                   const struct limits *l)
{
	json_open(w, key, '{');
	json_int(w, "time_ms", (long long)l->cpu_ms);
	json_int(w, "wall_ms", (long long)l->wall_ms);
	json_int(w, "memory_kb", (long long)(l->mem_bytes / 1024));
	json_int(w, "pids", l->pids);
	json_int(w, "output_kb", (long long)(l->output_bytes / 1024));
	json_int(w, "fsize_kb", (long long)(l->fsize_bytes / 1024));
	json_bool(w, "net", l->net);
	json_close(w, '}');
}

const char *
report_signame(int sig, char *buf, size_t size)
{
	const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;

	if (sig == 0)
		return NULL;
	if (abbrev != NULL)
		snprintf(buf, size, "SIG%s", abbrev);
	else
		snprintf(buf, size, "signal %d", sig);
	return buf;
}

void
report_run_json(const struct history_run *h, const struct report_extra *x,
                struct buf *b)
{
	struct json_writer w = {b, false};
	size_t i;

	json_open(&w, NULL, '{');
	json_cstr(&w, "verdict", h->verdict);
	json_cstr(&w, "detail", h->detail ? h->detail : "");
	if (h->has_exit)
		json_int(&w, "exit_code", h->exit_code);
	else
		json_null(&w, "exit_code");
	json_cstr(&w, "signal", h->signal);
	json_cstr(&w, "syscall", h->syscall);
	json_int(&w, "time_ms", h->time_ms);
	json_int(&w, "wall_ms", h->wall_ms);
	json_int(&w, "memory_kb", h->memory_kb);
	json_output(&w, "stdout", h->out ? h->out : "", h->out_len);
	json_output(&w, "stderr", h->err ? h->err : "", h->err_len);
	json_bool(&w, "output_truncated", h->out_truncated || h->err_truncated);
	if (h->compile != NULL)
		json_str(&w, "compile_output", h->compile, h->compile_len);
	else
		json_null(&w, "compile_output");
	json_cstr(&w, "language", h->language);
	json_cstr(&w, "language_name", x->language_name);
	json_cstr(&w, "toolchain", h->toolchain);
	report_limits_json(&w, "limits", &h->limits);
	json_cstr(&w, "enforced_by", h->enforced_by);
	json_cstr(&w, "backend", h->backend);
	json_bool(&w, "build_cached", x->build_cached);
	json_int(&w, "compile_ms", (long long)x->compile_ms);
	json_bool(&w, "cached", x->cached);
	if (h->id > 0)
		json_int(&w, "id", h->id);
	else
		json_null(&w, "id");
	if (h->replay_of > 0)
		json_int(&w, "replay_of", h->replay_of);
	if (x->history_error != NULL)
		json_cstr(&w, "history_error", x->history_error);
	if (h->ntests > 0 || (h->kind && strcmp(h->kind, "judge") == 0)) {
		size_t passed = 0;

		for (i = 0; i < h->ntests; i++)
			if (strcmp(h->tests[i].verdict, "AC") == 0 ||
			    strcmp(h->tests[i].verdict, "OK") == 0)
				passed++;
		json_int(&w, "passed", (long long)passed);
		json_int(&w, "total", (long long)h->ntests);
		json_cstr(&w, "testset", h->testset);
		history_tests_json(&w, h);
	}
	if (x->samples) {
		json_open(&w, "samples", '[');
		for (i = 0; i < h->nsamples; i++) {
			json_open(&w, NULL, '{');
			json_int(&w, "t_ms", h->samples[i].t_ms);
			json_int(&w, "cpu_ms", h->samples[i].cpu_ms);
			json_int(&w, "memory_kb", h->samples[i].memory_kb);
			json_int(&w, "pids", h->samples[i].pids);
			json_close(&w, '}');
		}
		json_close(&w, ']');
	}
	json_close(&w, '}');
	buf_add(b, "\n", 1);
}

const char *
report_color(enum verdict v, bool color)
{
	if (!color)
		return "";
	if (verdict_good(v))
		return "\033[1;32m";
	if (v == VERDICT_IE)
		return "\033[1;35m";
	if (v == VERDICT_TLE || v == VERDICT_MLE || v == VERDICT_OLE)
		return "\033[1;33m";
	return "\033[1;31m";
}

void
report_run_summary(FILE *f, const struct history_run *h,
                   const struct report_extra *x, bool color)
{
	enum verdict v = VERDICT_IE;
	char mem[32];

	(void)verdict_from_name(h->verdict, &v);
	limits_format_size((uint64_t)h->memory_kb * 1024, mem, sizeof mem);
	fprintf(f, "forge: %s%s%s", report_color(v, color), h->verdict,
	        color ? "\033[0m" : "");
	if (h->detail != NULL && h->detail[0] != '\0')
		fprintf(f, " (%s)", h->detail);
	if (x->ran)
		fprintf(f, "  cpu %.3fs  wall %.3fs  mem %s",
		        (double)h->time_ms / 1000.0,
		        (double)h->wall_ms / 1000.0, mem);
	fprintf(f, "  [%s, %s", h->language, h->backend ? h->backend : "ns");
	if (x->ran && h->enforced_by != NULL)
		fprintf(f, "/%s", h->enforced_by);
	if (x->cached)
		fprintf(f, ", cached: run %lld", (long long)h->id);
	else if (h->compile != NULL)
		fprintf(f, ", %s",
		        x->build_cached ? "build cached" : "compiled");
	if (!x->cached && h->id > 0)
		fprintf(f, ", id %lld", (long long)h->id);
	fprintf(f, "]\n");
}

void
report_time(double t, char *out, size_t size)
{
	time_t s;
	struct tm tm;

	/* a stored time is checked when imported; a database may still hold
	 * one from elsewhere, and a cast of it would be undefined */
	if (!(t >= 0 && t <= HISTORY_TIME_MAX)) {
		snprintf(out, size, "(unknown time)");
		return;
	}
	s = (time_t)t;
	if (localtime_r(&s, &tm) == NULL) {
		snprintf(out, size, "(unknown time)");
		return;
	}
	strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm);
}
