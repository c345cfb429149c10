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
		if (r->syscall[0] == '\0' && r->message[0] != '\0')
			/* the backend says why it cannot name the call */
			snprintf(detail, size, "%s", r->message);
		else if (r->syscall[0] == '\0')
			/* a kernel without filter notifications: the filter
			 * kills, and cannot say for which call */
			snprintf(detail, size,
			         "killed by the system call filter (SIGSYS)");
		else
			snprintf(detail, size, "forbidden system call: %s",
			         r->syscall);
		return VERDICT_SV;
	case BOX_MEMORY:
		limits_format_size(l->mem_bytes, lim, sizeof lim);
		if (r->message[0] != '\0')
			snprintf(detail, size, "memory limit %s exceeded: %s",
			         lim, r->message);
		else
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
		/* The signal alone proves nothing: a program can send itself
		 * SIGXCPU, SIGXFSZ or SIGSYS. Each limit counts only when
		 * what Forge measured shows it was reached; a forbidden call
		 * is BOX_SYSCALL, named by the filter's notification. */
		if ((r->signal == SIGXCPU || r->signal == SIGKILL) &&
		    r->cpu_ms >= l->cpu_ms) {
			snprintf(detail, size, "CPU time limit %.3g s exceeded",
			         (double)l->cpu_ms / 1000.0);
			return VERDICT_TLE;
		}
		if (r->signal == SIGXFSZ && r->fsize_reached) {
			limits_format_size(l->fsize_bytes, lim, sizeof lim);
			snprintf(detail, size, "file size limit %s exceeded",
			         lim);
			return VERDICT_OLE;
		}
		if (r->mem_per_process &&
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
		if (r->mem_per_process &&
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
pipeline_compile(struct build *b, const struct backend *be, const char *src,
                 size_t len, const struct box_input *extra, size_t nextra,
                 const struct limits *climits)
{
	const struct language *l = b->lang;
	struct box_spec s;
	struct box_result r;
	struct box_input *in = xcalloc(nextra + 1, sizeof *in);
	char *cmd = lang_expand(l->compile, b->source_name, b->name), err[512];
	uint64_t t0 = util_now_ms();
	enum verdict v;
	int ret = -1, dirfd = -1;

	in[0].name = b->source_name;
	in[0].data = src;
	in[0].len = len;
	if (nextra > 0) /* extra may be NULL then: memcpy's args never are */
		memcpy(in + 1, extra, nextra * sizeof *extra);
	box_spec_init(&s);
	s.argv = util_split_words(cmd, NULL);
	s.envp = b->env;
	s.ro_paths = l->paths;
	s.image = l->image;
	s.runtime = l->runtime;
	s.inputs = in;
	s.ninputs = nextra + 1;
	s.collect = l->artifacts;
	s.limits = *climits;
	s.on_output = pipeline_capture;
	s.arg = &b->compile_output;
	be->run(&s, &r);
	b->compile_ms = util_now_ms() - t0;
	v = pipeline_classify(&r, &s.limits, b->detail, sizeof b->detail);
	if (v == VERDICT_IE) {
		b->verdict = VERDICT_IE;
		snprintf(err, sizeof err, "compiling: %s", b->detail);
		strlcpy0(b->detail, err, sizeof b->detail);
	} else if (v != VERDICT_OK) {
		b->verdict = VERDICT_CE;
		if (r.end == BOX_EXITED)
			snprintf(b->detail, sizeof b->detail,
			         "the compiler failed (exit code %d)",
			         r.exit_code);
		else {
			snprintf(err, sizeof err, "compilation stopped: %s",
			         b->detail);
			strlcpy0(b->detail, err, sizeof b->detail);
		}
	} else if (r.nfiles == 0) {
		b->verdict = VERDICT_CE;
		snprintf(b->detail, sizeof b->detail,
		         "the compiler exited 0 but produced no program");
	} else if (cache_store(b->key, r.files, r.nfiles,
	                       buf_cstr(&b->compile_output), &dirfd, err,
	                       sizeof err) < 0) {
		b->verdict = VERDICT_IE;
		strlcpy0(b->detail, err, sizeof b->detail);
	} else {
		close(dirfd);
		ret = 0;
	}
	box_result_free(&r);
	util_free_words(s.argv);
	free(cmd);
	free(in);
	return ret;
}

/* An interpreted program's build: its source, and the files it reads
 * beside it (the modules of a program in several files). */
static int
pipeline_store_source(const struct build *b, const char *src, size_t len,
                      const struct box_input *extra, size_t nextra, int *dirfd,
                      char *err, size_t errlen)
{
	struct box_file *f;
	size_t i, n = 0;
	int r;

	if (nextra == 0)
		return cache_store_source(b->key, b->source_name, src, len,
		                          dirfd, err, errlen);
	f = xcalloc(nextra + 1, sizeof *f);
	f[n].name = b->source_name;
	f[n].mode = 0644;
	f[n].data.data = (char *)src;
	f[n++].data.len = len;
	for (i = 0; i < nextra; i++) {
		if (strcmp(extra[i].name, b->source_name) == 0)
			continue; /* the source is the program's own */
		f[n].name = (char *)extra[i].name;
		f[n].mode = 0644;
		f[n].data.data = (char *)extra[i].data;
		f[n++].data.len = extra[i].len;
	}
	r = cache_store(b->key, f, n, "", dirfd, err, errlen);
	free(f);
	return r;
}

/* The build of a program: from the cache, or compiled in the sandbox.
 * 0 when it is ready to run; -1 with b->verdict CE or IE otherwise. */
int
pipeline_build(struct build *b, const struct language *l,
               const struct backend *be, const char *src, size_t len,
               const struct box_input *extra, size_t nextra,
               const struct limits *climits, bool tty)
{
	char err[512], *cmd;
	int dirfd = -1, r = 0;

	memset(b, 0, sizeof *b);
	b->lang = l;
	buf_init(&b->compile_output, PIPELINE_COMPILE_OUTPUT_MAX);
	b->compiled = l->compile != NULL;
	b->name = lang_program_name(l, src, len);
	b->source_name = lang_expand(l->source, "", b->name);
	b->env = pipeline_env(l, tty);
	cache_key(l, be, b->source_name, src, len, extra, nextra, b->key);
	b->dir = cache_build_path(b->key);

	if (cache_open(b->key, &dirfd) == 0) {
		b->cached = true;
		if (b->compiled) {
			char *note = cache_read_note(dirfd);
			buf_addstr(&b->compile_output, note);
			free(note);
		}
		close(dirfd);
	} else if (b->compiled) {
		r = pipeline_compile(b, be, src, len, extra, nextra, climits);
	} else if (pipeline_store_source(b, src, len, extra, nextra, &dirfd,
	                                 err, sizeof err) < 0) {
		b->verdict = VERDICT_IE;
		strlcpy0(b->detail, err, sizeof b->detail);
		r = -1;
	} else
		close(dirfd);
	cmd = lang_expand(l->run, b->source_name, b->name);
	b->argv = util_split_words(cmd, NULL);
	free(cmd);
	return r;
}

/* A sandbox spec that runs the build; the caller adds limits and I/O. */
void
pipeline_spec(const struct build *b, struct box_spec *s)
{
	box_spec_init(s);
	s->argv = b->argv;
	s->envp = b->env;
	s->ro_paths = b->lang->paths;
	s->image = b->lang->image;
	s->runtime = b->lang->runtime;
	s->prog_dir = b->dir;
}

static void
pipeline_capture2(int stream, const char *p, size_t n, void *arg)
{
	struct buf *b = arg;

	buf_add(&b[stream == 1 ? 0 : 1], p, n);
}

/* Runs a build once on pipes: stdin from memory, stdout and stderr
 * captured (each buffer keeps what its limit allows), extra arguments
 * after the run command. Returns the verdict of the run. */
enum verdict
pipeline_exec(const struct build *b, const struct backend *be,
              const struct limits *l, char **args, const char *in,
              size_t in_len, struct buf *out, struct buf *err,
              struct box_result *r, char *detail, size_t size)
{
	struct box_spec s;
	struct buf cap[2];
	char **argv = NULL;
	int fd;

	pipeline_spec(b, &s);
	if (args != NULL && args[0] != NULL)
		s.argv = argv = util_argv_concat(b->argv, args);
	fd = util_memfd(in, in_len);
	if (fd < 0) {
		memset(r, 0, sizeof *r);
		r->end = BOX_ERROR;
		snprintf(r->message, sizeof r->message, "stdin: %s",
		         strerror(errno));
	} else {
		cap[0] = *out;
		cap[1] = *err;
		s.limits = *l;
		s.stdin_fd = fd;
		/* the same command again and again (a judge's tests, a
		 * stress test's two programs): the sandbox may be kept */
		s.reuse = argv == NULL;
		s.on_output = pipeline_capture2;
		s.arg = cap;
		be->run(&s, r);
		*out = cap[0];
		*err = cap[1];
	}
	if (fd >= 0)
		close(fd);
	free(argv);
	return pipeline_classify(r, l, detail, size);
}

void
pipeline_build_free(struct build *b)
{
	buf_free(&b->compile_output);
	util_free_words(b->env);
	util_free_words(b->argv);
	free(b->dir);
	free(b->source_name);
	free(b->name);
}

int
pipeline_run(const struct pipeline_request *q, struct pipeline_result *res)
{
	struct build b;
	struct box_spec s;
	char **argv = NULL;

	memset(res, 0, sizeof *res);
	buf_init(&res->compile_output, PIPELINE_COMPILE_OUTPUT_MAX);
	/* a backend that compiles and runs elsewhere does it all */
	if (q->backend->run_program != NULL)
		return q->backend->run_program(q, res);
	if (pipeline_build(&b, q->lang, q->backend, q->source, q->source_len,
	                   q->extra, q->nextra, &q->compile_limits,
	                   q->tty_fd >= 0) < 0) {
		res->verdict = b.verdict;
		strlcpy0(res->detail, b.detail, sizeof res->detail);
	} else {
		pipeline_spec(&b, &s);
		/* arguments are argv words, never a shell's */
		if (q->args != NULL && q->args[0] != NULL)
			s.argv = argv = util_argv_concat(b.argv, q->args);
		s.reuse = q->reuse && argv == NULL;
		s.limits = q->limits;
		s.stdin_fd = q->stdin_fd;
		s.tty_fd = q->tty_fd;
		s.on_output = q->on_output;
		s.on_input = q->on_input;
		s.on_sample = q->on_sample;
		s.arg = q->arg;
		q->backend->run(&s, &res->run);
		res->ran = true;
		res->verdict = pipeline_classify(
		    &res->run, &q->limits, res->detail, sizeof res->detail);
	}
	res->compiled = b.compiled;
	res->build_cached = b.cached;
	res->compile_ms = b.compile_ms;
	buf_add(&res->compile_output,
	        b.compile_output.data ? b.compile_output.data : "",
	        b.compile_output.len);
	free(argv);
	pipeline_build_free(&b);
	return 0;
}

void
pipeline_result_free(struct pipeline_result *r)
{
	buf_free(&r->compile_output);
	box_result_free(&r->run);
	free(r->toolchain);
	r->toolchain = NULL;
}
