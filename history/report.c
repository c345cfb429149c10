/* A run's and a judge's result as one JSON object: what forge run
 * --json, forge judge --json, forge show --json and the server's API all
 * answer, written here once so that every face gives the same fields. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history/history.h"

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

/* A test's result as the history keeps it (every string owned). */
void
report_history_test(struct history_test *ht, const struct judge_test *r,
                    const char *name)
{
	char sig[32];

	memset(ht, 0, sizeof *ht);
	ht->name = xstrdup(name);
	ht->verdict = xstrdup(verdict_name(r->verdict));
	ht->time_ms = (int64_t)r->time_ms;
	ht->wall_ms = (int64_t)r->wall_ms;
	ht->memory_kb = (int64_t)r->mem_kb;
	ht->has_exit = r->exited;
	ht->exit_code = r->exit_code;
	if (report_signame(r->signal, sig, sizeof sig))
		ht->signal = xstrdup(sig);
	ht->detail = xstrdup(r->detail);
}

/* One test of a judge, into an object the caller opened: the history's
 * fields, and where its output first differed and its stderr's start,
 * stderr_len bytes of it (NULL when not known, as for a judge from the
 * history); bytes that are not UTF-8 also come as stderr_base64. */
void
report_judge_test_json(struct json_writer *w, const struct history_test *ht,
                       const char *diff, const char *stderr_head,
                       size_t stderr_len)
{
	history_test_json(w, ht);
	json_cstr(w, "diff", diff && diff[0] ? diff : NULL);
	if (stderr_head != NULL)
		json_output(w, "stderr", stderr_head, stderr_len);
	else
		json_null(w, "stderr");
}

/* A judge's result; tests is the "tests": [...] member, already written
 * (report_judge_test_json for each). */
void
report_judge_json(const struct report_judge *x, const char *tests, size_t len,
                  struct buf *b)
{
	struct json_writer w = {b, false};

	json_open(&w, NULL, '{');
	json_cstr(&w, "verdict", verdict_name(x->verdict));
	json_cstr(&w, "detail", x->detail);
	json_int(&w, "passed", (long long)x->passed);
	json_int(&w, "total", (long long)x->total);
	json_int(&w, "time_ms", (long long)x->time_ms);
	json_int(&w, "memory_kb", (long long)x->memory_kb);
	json_str(&w, "compile_output", x->compile ? x->compile : "",
	         x->compile ? x->compile_len : 0);
	json_bool(&w, "build_cached", x->build_cached);
	json_cstr(&w, "language", x->language);
	json_cstr(&w, "testset", x->testset_kind);
	json_bool(&w, "interactive", x->interactive);
	json_cstr(&w, "checker", x->checker);
	report_limits_json(&w, "limits", &x->limits);
	json_cstr(&w, "enforced_by", x->enforced_by);
	json_cstr(&w, "backend", x->backend);
	if (x->id > 0)
		json_int(&w, "id", x->id);
	else
		json_null(&w, "id");
	json_bool(&w, "cached", x->cached);
	if (x->history_error != NULL)
		json_cstr(&w, "history_error", x->history_error);
	buf_add(b, ",", 1);
	buf_add(b, tests ? tests : "", len);
	json_close(&w, '}');
	buf_add(b, "\n", 1);
}
