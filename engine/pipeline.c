/* One run of a program, start to verdict: resolve the build (from the
 * cache, or compiled in the sandbox), run it in the sandbox, classify. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

#define PIPELINE_COMPILE_OUTPUT_MAX (256 * 1024)

static const char *
pipeline_signame(int sig, char *buf, size_t size)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev != NULL)
		snprintf(buf, size, "SIG%s", abbrev);
	else
		snprintf(buf, size, "signal %d", sig);
	return buf;
}

/* Turns what the sandbox saw into a verdict and a one-line reason. The
 * order matters: what stopped the run first is what it is blamed for. */
enum verdict
pipeline_classify(const struct box_result *r, const struct limits *l,
                  char *detail, size_t size)
{
	char sig[32], lim[32];

	switch (r->end) {
	case BOX_ERROR:
		snprintf(detail, size, "%s", r->message);
		return VERDICT_IE;
	case BOX_SYSCALL:
		snprintf(detail, size, "forbidden system call: %s", r->syscall);
		return VERDICT_SV;
	case BOX_MEMORY:
		limits_format_size(l->mem_bytes, lim, sizeof lim);
		snprintf(detail, size, "memory limit %s exceeded", lim);
		return VERDICT_MLE;
	case BOX_CPU:
		snprintf(detail, size, "CPU time limit %.3g s exceeded",
		         (double)l->cpu_ms / 1000.0);
		return VERDICT_TLE;
	case BOX_WALL:
		snprintf(detail, size, "wall time limit %.3g s exceeded",
		         (double)l->wall_ms / 1000.0);
		return VERDICT_TLE;
	case BOX_OUTPUT:
		limits_format_size(l->output_bytes, lim, sizeof lim);
		snprintf(detail, size, "output limit %s exceeded", lim);
		return VERDICT_OLE;
	case BOX_SIGNALED:
		if (r->signal == SIGSYS) {
			/* the filter's kill for a foreign ABI, or a kernel
			 * without user notification */
			snprintf(detail, size,
			         "killed by the system call filter (SIGSYS)");
			return VERDICT_SV;
		}
		if (r->signal == SIGXCPU ||
		    (r->signal == SIGKILL && r->cpu_ms >= l->cpu_ms)) {
			snprintf(detail, size, "CPU time limit %.3g s exceeded",
			         (double)l->cpu_ms / 1000.0);
			return VERDICT_TLE;
		}
		if (r->signal == SIGXFSZ) {
			limits_format_size(l->fsize_bytes, lim, sizeof lim);
			snprintf(detail, size, "file size limit %s exceeded",
			         lim);
			return VERDICT_OLE;
		}
		if (r->enforced_by == ENFORCED_RLIMIT &&
		    r->mem_kb * 1024 >= l->mem_bytes / 10 * 9) {
			limits_format_size(l->mem_bytes, lim, sizeof lim);
			snprintf(detail, size,
			         "memory limit %s reached (killed by %s)", lim,
			         pipeline_signame(r->signal, sig, sizeof sig));
			return VERDICT_MLE;
		}
		snprintf(detail, size, "killed by %s",
		         pipeline_signame(r->signal, sig, sizeof sig));
		return VERDICT_RE;
	case BOX_EXITED:
		if (r->exit_code == 0) {
			detail[0] = '\0';
			return VERDICT_OK;
		}
		/* under rlimits an allocation fails instead of an OOM kill:
		 * a failure at the edge of the limit is the limit's doing */
		if (r->enforced_by == ENFORCED_RLIMIT &&
		    r->mem_kb * 1024 >= l->mem_bytes / 10 * 9) {
			limits_format_size(l->mem_bytes, lim, sizeof lim);
			snprintf(detail, size,
			         "memory limit %s reached (exit code %d)", lim,
			         r->exit_code);
			return VERDICT_MLE;
		}
		snprintf(detail, size, "exit code %d", r->exit_code);
		return VERDICT_RE;
	}
	snprintf(detail, size, "unknown outcome");
	return VERDICT_IE;
}

static char **
pipeline_env(const struct language *l, bool tty)
{
	static const char *const base[] = {
	    "PATH=/usr/local/bin:/usr/bin:/bin",
	    "HOME=" SANDBOX_WORK,
	    "TMPDIR=/tmp",
	    "LANG=C.UTF-8",
	    "USER=forge",
	    "LOGNAME=forge",
	};
	size_t n = 0, i, nb = sizeof base / sizeof base[0];
	char **env;

	size_t k = 0, j;

	while (l->env != NULL && l->env[n] != NULL)
		n++;
	env = xcalloc(nb + n + 2, sizeof *env);
	/* the language's settings replace the defaults of the same name */
	for (i = 0; i < nb; i++) {
		size_t klen = strcspn(base[i], "=") + 1;
		bool replaced = false;

		for (j = 0; j < n; j++)
			if (strncmp(l->env[j], base[i], klen) == 0)
				replaced = true;
		if (!replaced)
			env[k++] = xstrdup(base[i]);
	}
	for (j = 0; j < n; j++)
		env[k++] = xstrdup(l->env[j]);
	if (tty)
		env[k++] = xstrdup("TERM=xterm-256color");
	return env;
}

static void
pipeline_capture(int stream, const char *p, size_t n, void *arg)
{
	buf_add(arg, p, n);
}

static int
pipeline_compile(const struct pipeline_request *q, struct pipeline_result *res,
                 const char *key, const char *source_name, const char *name,
                 char **env, int *dirfd)
{
	const struct language *l = q->lang;
	struct box_spec s = {0};
	struct box_result r;
	char *cmd = lang_expand(l->compile, source_name, name), err[512];
	uint64_t t0 = util_now_ms();
	enum verdict v;
	int ret = -1;

	s.argv = util_split_words(cmd, NULL);
	s.envp = env;
	s.ro_paths = l->paths;
	s.work_name = source_name;
	s.work_data = q->source;
	s.work_len = q->source_len;
	s.collect = l->artifacts;
	s.limits = q->compile_limits;
	s.stdin_fd = -1;
	s.tty_fd = -1;
	s.on_output = pipeline_capture;
	s.arg = &res->compile_output;
	q->backend->run(&s, &r);
	res->compile_ms = util_now_ms() - t0;
	v = pipeline_classify(&r, &s.limits, res->detail, sizeof res->detail);
	if (v == VERDICT_IE) {
		res->verdict = VERDICT_IE;
		snprintf(err, sizeof err, "compiling: %s", res->detail);
		strlcpy0(res->detail, err, sizeof res->detail);
	} else if (v != VERDICT_OK) {
		res->verdict = VERDICT_CE;
		if (r.end == BOX_EXITED)
			snprintf(res->detail, sizeof res->detail,
			         "the compiler failed (exit code %d)",
			         r.exit_code);
		else {
			snprintf(err, sizeof err, "compilation stopped: %s",
			         res->detail);
			strlcpy0(res->detail, err, sizeof res->detail);
		}
	} else if (r.nfiles == 0) {
		res->verdict = VERDICT_CE;
		snprintf(res->detail, sizeof res->detail,
		         "the compiler exited 0 but produced no program");
	} else if (cache_store(key, r.files, r.nfiles,
	                       buf_cstr(&res->compile_output), dirfd, err,
	                       sizeof err) < 0) {
		res->verdict = VERDICT_IE;
		strlcpy0(res->detail, err, sizeof res->detail);
	} else
		ret = 0;
	box_result_free(&r);
	util_free_words(s.argv);
	free(cmd);
	return ret;
}

int
pipeline_run(const struct pipeline_request *q, struct pipeline_result *res)
{
	const struct language *l = q->lang;
	char key[65], *name, *source_name, *cmd, **env, err[512];
	char *prog_dir = NULL;
	struct box_spec s = {0};
	int dirfd = -1;

	memset(res, 0, sizeof *res);
	buf_init(&res->compile_output, PIPELINE_COMPILE_OUTPUT_MAX);
	res->compiled = l->compile != NULL;
	name = lang_program_name(l, q->source, q->source_len);
	source_name = lang_expand(l->source, "", name);
	env = pipeline_env(l, q->tty_fd >= 0);
	cache_key(l, source_name, q->source, q->source_len, key);

	if (cache_open(key, &dirfd) == 0) {
		res->build_cached = true;
		if (res->compiled) {
			char *note = cache_read_note(dirfd);
			buf_addstr(&res->compile_output, note);
			free(note);
		}
	} else if (res->compiled) {
		if (pipeline_compile(q, res, key, source_name, name, env,
		                     &dirfd) < 0)
			goto out;
	} else if (cache_store_source(key, source_name, q->source,
	                              q->source_len, &dirfd, err,
	                              sizeof err) < 0) {
		res->verdict = VERDICT_IE;
		strlcpy0(res->detail, err, sizeof res->detail);
		goto out;
	}

	cmd = lang_expand(l->run, source_name, name);
	s.argv = util_split_words(cmd, NULL);
	free(cmd);
	s.envp = env;
	s.ro_paths = l->paths;
	s.prog_dir = prog_dir = cache_build_path(key);
	s.limits = q->limits;
	s.stdin_fd = q->stdin_fd;
	s.tty_fd = q->tty_fd;
	s.on_output = q->on_output;
	s.on_sample = q->on_sample;
	s.arg = q->arg;
	q->backend->run(&s, &res->run);
	res->ran = true;
	res->verdict = pipeline_classify(&res->run, &q->limits, res->detail,
	                                 sizeof res->detail);
	util_free_words(s.argv);
out:
	if (dirfd >= 0)
		close(dirfd);
	free(prog_dir);
	util_free_words(env);
	free(source_name);
	free(name);
	return 0;
}

void
pipeline_result_free(struct pipeline_result *r)
{
	buf_free(&r->compile_output);
	box_result_free(&r->run);
}
