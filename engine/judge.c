/* Judging a program against a test set, as contest judges do: each test
 * run in the sandbox on pipes (so the compared output is byte-exact),
 * then compared, checked by a custom checker, or, for an interactive
 * problem, run against a validator at the same time. Tests run in
 * parallel in worker processes; results come back in test order. */
#include "config.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"

#define JUDGE_STDERR_KEEP    2000
#define JUDGE_CHECKER_OUTPUT (64 * 1024)

/* A forked helper (a worker, a validator's keeper) dies with the judge
 * that forked it, and takes its sandboxes along (their inits die with
 * their keepers): a killed judge leaves no test running. */
static void
judge_die_with(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1); /* the judge died before the line above */
}

/* ---- checkers ---------------------------------------------------------- */

int
checker_prepare(struct checker *c, enum checker_kind kind, const char *path,
                const struct language_set *langs, const struct backend *be,
                char *err, size_t errlen)
{
	struct limits cl;
	char why[512];

	memset(c, 0, sizeof *c);
	c->kind = kind;
	if (program_load(&c->prog, path, langs, why, sizeof why) < 0) {
		snprintf(err, errlen, "%s %s",
		         kind == CHECKER_TESTLIB ? "checker"
		                                 : "output validator",
		         why);
		return -1;
	}
	cl = c->prog.lang->compile_limits;
	if (pipeline_build(&c->build, c->prog.lang, be, buf_cstr(&c->prog.src),
	                   c->prog.src.len, c->prog.extra, c->prog.nextra, &cl,
	                   false) < 0) {
		snprintf(err, errlen, "the %s %s does not compile (%s):\n%s",
		         kind == CHECKER_TESTLIB ? "checker"
		                                 : "output validator",
		         c->prog.main, c->build.detail,
		         buf_cstr(&c->build.compile_output));
		pipeline_build_free(&c->build);
		program_free(&c->prog);
		return -1;
	}
	c->built = true;
	return 0;
}

void
checker_free(struct checker *c)
{
	if (c->built) {
		pipeline_build_free(&c->build);
		program_free(&c->prog);
	}
	c->built = false;
}

static void
judge_capture(int stream, const char *p, size_t n, void *arg)
{
	struct buf *b = arg;

	buf_add(&b[stream == 1 ? 0 : 1], p, n);
}

static void
judge_limits_checker(struct limits *l)
{
	limits_default_run(l);
	l->cpu_ms = 10000;
	l->wall_ms = 20000;
	l->mem_bytes = 1ULL << 30;
	l->output_bytes = JUDGE_CHECKER_OUTPUT;
}

static void
judge_first_line(char *dst, size_t size, const char *prefix, const char *s)
{
	size_t n = strcspn(s, "\n");

	size_t p = strlen(prefix);

	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	/* no message: the prefix alone, without its ": " */
	if (n == 0 && p >= 2 && strcmp(prefix + p - 2, ": ") == 0)
		p -= 2;
	snprintf(dst, size, "%.*s%.*s", (int)p, prefix, (int)n, s);
}

/* Runs a custom checker on a finished test; fills the verdict. */
static void
judge_check(const struct judge_opts *o, const struct test_case *t,
            const struct buf *in, const struct buf *out, const struct buf *ans,
            struct judge_test *res)
{
	const struct checker *c = o->checker;
	struct box_spec s;
	struct box_result r;
	struct box_input files[3];
	struct buf cap[2];
	char *args[3 + 64], **flags = NULL, **argv, what[256];
	static const char *const dirs[] = {"feedback", NULL};
	char *collect[] = {(char *)"feedback/*", NULL};
	int stdin_fd = -1;
	size_t i, nargs = 0;

	buf_init(&cap[0], JUDGE_CHECKER_OUTPUT);
	buf_init(&cap[1], JUDGE_CHECKER_OUTPUT);
	pipeline_spec(&c->build, &s);
	judge_limits_checker(&s.limits);
	files[0] =
	    (struct box_input){"input", in->data ? in->data : "", in->len};
	files[1] =
	    (struct box_input){"answer", ans->data ? ans->data : "", ans->len};
	files[2] =
	    (struct box_input){"output", out->data ? out->data : "", out->len};
	s.inputs = files;
	if (c->kind == CHECKER_TESTLIB) {
		/* testlib: checker input output answer */
		args[nargs++] = (char *)"input";
		args[nargs++] = (char *)"output";
		args[nargs++] = (char *)"answer";
		s.ninputs = 3;
	} else {
		/* Kattis: validator input answer feedback_dir [flags] < out */
		const char *fl = t->flags ? t->flags : o->validator_flags;
		args[nargs++] = (char *)"input";
		args[nargs++] = (char *)"answer";
		args[nargs++] = (char *)"feedback/";
		if (fl != NULL) {
			flags = util_split_words(fl, NULL);
			for (i = 0; flags[i] != NULL && nargs < 3 + 63; i++)
				args[nargs++] = flags[i];
		}
		s.ninputs = 2;
		s.mkdirs = dirs;
		s.collect = collect;
		stdin_fd = util_memfd(out->data ? out->data : "", out->len);
		s.stdin_fd = stdin_fd;
	}
	args[nargs] = NULL;
	argv = util_argv_concat(c->build.argv, args);
	s.argv = argv;
	s.on_output = judge_capture;
	s.arg = cap;
	o->backend->run(&s, &r);
	(void)pipeline_classify(&r, &s.limits, what, sizeof what);
	if (c->kind == CHECKER_TESTLIB) {
		const char *msg =
		    cap[1].len ? buf_cstr(&cap[1]) : buf_cstr(&cap[0]);
		if (r.end == BOX_EXITED && r.exit_code == 0) {
			res->verdict = VERDICT_AC;
			judge_first_line(res->detail, sizeof res->detail, "",
			                 msg);
		} else if (r.end == BOX_EXITED &&
		           (r.exit_code == 1 || r.exit_code == 2)) {
			res->verdict = VERDICT_WA;
			judge_first_line(res->detail, sizeof res->detail,
			                 r.exit_code == 2 ? "presentation "
			                                    "error: "
			                                  : "",
			                 msg);
		} else {
			/* crashed, hung, or answered outside 0-2: never AC */
			char pre[128];
			res->verdict = VERDICT_IE;
			if (r.end == BOX_EXITED)
				snprintf(pre, sizeof pre,
				         "the checker failed (exit code %d): ",
				         r.exit_code);
			else
				snprintf(pre, sizeof pre,
				         "the checker: %s: ", what);
			judge_first_line(res->detail, sizeof res->detail, pre,
			                 msg);
		}
	} else {
		const struct box_file *jm =
		    box_result_file(&r, "feedback/judgemessage.txt");
		struct buf m;

		buf_init(&m, 0);
		if (jm != NULL)
			buf_add(&m, jm->data.data ? jm->data.data : "",
			        jm->data.len);
		else if (cap[1].len > 0)
			buf_add(&m, cap[1].data, cap[1].len);
		if (r.end == BOX_EXITED && r.exit_code == 42) {
			res->verdict = VERDICT_AC;
			judge_first_line(res->detail, sizeof res->detail, "",
			                 buf_cstr(&m));
		} else if (r.end == BOX_EXITED && r.exit_code == 43) {
			res->verdict = VERDICT_WA;
			judge_first_line(res->detail, sizeof res->detail, "",
			                 buf_cstr(&m));
		} else {
			char pre[128];
			res->verdict = VERDICT_IE;
			if (r.end == BOX_EXITED)
				snprintf(pre, sizeof pre,
				         "the output validator failed (exit "
				         "code %d, not 42 or 43): ",
				         r.exit_code);
			else
				snprintf(pre, sizeof pre,
				         "the output validator: %s: ", what);
			judge_first_line(res->detail, sizeof res->detail, pre,
			                 buf_cstr(&m));
		}
		buf_free(&m);
	}
	if (stdin_fd >= 0)
		close(stdin_fd);
	free(argv);
	util_free_words(flags);
	box_result_free(&r);
	buf_free(&cap[0]);
	buf_free(&cap[1]);
}

static void
judge_fill(struct judge_test *res, const struct box_result *r)
{
	res->time_ms = r->cpu_ms;
	res->wall_ms = r->wall_ms;
	res->mem_kb = r->mem_kb;
	res->enforced_by = r->enforced_by;
	res->exited = r->end == BOX_EXITED;
	res->exit_code = r->exit_code;
	res->signal = r->signal;
}

/* The start of the program's stderr, byte for byte (NULs too). */
static void
judge_stderr(struct judge_test *res, const struct buf *err)
{
	size_t n = err->len < sizeof res->stderr_head - 1
	               ? err->len
	               : sizeof res->stderr_head - 1;

	if (n > 0)
		memcpy(res->stderr_head, err->data, n);
	res->stderr_head[n] = '\0';
	res->stderr_len = (uint32_t)n;
}

/* An interactive test: the program and the validator at once, each in
 * its own sandbox, the one's stdout the other's stdin. The Kattis rule:
 * the validator's rejection stands only if it finished first; a program
 * that crashes or runs out of time before that gets RE or TLE. */
static void
judge_interactive(const struct judge_opts *o, const struct build *sol,
                  const struct test_case *t, const struct buf *in,
                  const struct buf *ans, struct judge_test *res)
{
	int to_val[2], to_sol[2], rp[2];
	struct box_spec s;
	struct box_result r, vr;
	struct buf cap[2];
	pid_t vpid, parent;
	struct {
		enum box_end end;
		int code;
		uint64_t end_us;
		char msg[512];
	} vres = {BOX_ERROR, 0, 0, "the validator did not report"};

	if (pipe2(to_val, O_CLOEXEC) < 0 || pipe2(to_sol, O_CLOEXEC) < 0 ||
	    pipe2(rp, O_CLOEXEC) < 0) {
		res->verdict = VERDICT_IE;
		snprintf(res->detail, sizeof res->detail, "pipe: %s",
		         strerror(errno));
		return;
	}
	parent = getpid();
	vpid = fork();
	if (vpid == 0) {
		/* the validator's keeper */
		const char *fl = t->flags ? t->flags : o->validator_flags;
		char *args[3 + 64], **flags = NULL, **argv;
		static const char *const dirs[] = {"feedback", NULL};
		char *collect[] = {(char *)"feedback/*", NULL};
		struct box_input files[2] = {
		    {"input", in->data ? in->data : "", in->len},
		    {"answer", ans->data ? ans->data : "", ans->len}};
		struct buf vcap[2];
		const struct box_file *jm;
		size_t n = 0, i;

		judge_die_with(parent);
		close(to_val[1]);
		close(to_sol[0]);
		close(rp[0]);
		args[n++] = (char *)"input";
		args[n++] = (char *)"answer";
		args[n++] = (char *)"feedback/";
		if (fl != NULL) {
			flags = util_split_words(fl, NULL);
			for (i = 0; flags[i] != NULL && n < 3 + 63; i++)
				args[n++] = flags[i];
		}
		args[n] = NULL;
		argv = util_argv_concat(o->checker->build.argv, args);
		pipeline_spec(&o->checker->build, &s);
		judge_limits_checker(&s.limits);
		if (s.limits.wall_ms < o->limits.wall_ms + 1000)
			s.limits.wall_ms = o->limits.wall_ms + 1000;
		s.argv = argv;
		s.inputs = files;
		s.ninputs = 2;
		s.mkdirs = dirs;
		s.collect = collect;
		s.pipe_in = to_val[0];
		s.pipe_out = to_sol[1];
		buf_init(&vcap[0], JUDGE_CHECKER_OUTPUT);
		buf_init(&vcap[1], JUDGE_CHECKER_OUTPUT);
		s.on_output = judge_capture;
		s.arg = vcap;
		o->backend->run(&s, &vr);
		vres.end = vr.end;
		vres.code = vr.exit_code;
		vres.end_us = vr.end_us;
		jm = box_result_file(&vr, "feedback/judgemessage.txt");
		if (vr.end == BOX_ERROR)
			strlcpy0(vres.msg, vr.message, sizeof vres.msg);
		else if (jm != NULL)
			snprintf(vres.msg, sizeof vres.msg, "%.*s",
			         (int)jm->data.len,
			         jm->data.data ? jm->data.data : "");
		else
			strlcpy0(vres.msg, buf_cstr(&vcap[1]), sizeof vres.msg);
		(void)!write(rp[1], &vres, sizeof vres);
		o->backend->release();
		_exit(0);
	}
	close(rp[1]);
	close(to_val[0]);
	close(to_sol[1]);
	if (vpid < 0) {
		close(to_val[1]);
		close(to_sol[0]);
		close(rp[0]);
		res->verdict = VERDICT_IE;
		snprintf(res->detail, sizeof res->detail, "fork: %s",
		         strerror(errno));
		return;
	}
	buf_init(&cap[0], 0);
	buf_init(&cap[1], JUDGE_STDERR_KEEP);
	pipeline_spec(sol, &s);
	s.limits = o->limits;
	s.pipe_in = to_sol[0];
	s.pipe_out = to_val[1];
	s.on_output = judge_capture;
	s.arg = cap;
	o->backend->run(&s, &r);
	(void)util_read_all(rp[0], &vres, sizeof vres);
	close(rp[0]);
	while (waitpid(vpid, NULL, 0) < 0 && errno == EINTR)
		;
	judge_fill(res, &r);
	judge_stderr(res, &cap[1]);
	res->verdict =
	    pipeline_classify(&r, &o->limits, res->detail, sizeof res->detail);
	if (res->verdict == VERDICT_IE)
		; /* the sandbox broke: say so */
	else if (vres.end == BOX_EXITED && vres.code == 43 &&
	         (res->verdict == VERDICT_OK || vres.end_us <= r.end_us)) {
		res->verdict = VERDICT_WA;
		judge_first_line(res->detail, sizeof res->detail, "", vres.msg);
	} else if (res->verdict != VERDICT_OK)
		; /* RE, TLE, ... before the validator decided */
	else if (vres.end == BOX_EXITED && vres.code == 42) {
		res->verdict = VERDICT_AC;
		judge_first_line(res->detail, sizeof res->detail, "", vres.msg);
	} else {
		char pre[128];
		res->verdict = VERDICT_IE;
		if (vres.end == BOX_EXITED)
			snprintf(
			    pre, sizeof pre,
			    "the validator failed (exit code %d, not 42 or "
			    "43): ",
			    vres.code);
		else
			snprintf(pre, sizeof pre,
			         "the validator did not "
			         "finish cleanly: ");
		judge_first_line(res->detail, sizeof res->detail, pre,
		                 vres.msg);
	}
	box_result_free(&r);
	buf_free(&cap[0]);
	buf_free(&cap[1]);
}

/* The output of a test that ran to its end (res->verdict OK) judged
 * against the test's answer: its checker, or the comparator with the
 * test group's flags. */
static void
judge_answer(const struct judge_opts *o, const struct test_case *t,
             const struct buf *in, const struct buf *out, const struct buf *ans,
             struct judge_test *res)
{
	struct compare_opts co = o->compare;
	struct buf why;
	char err[512];

	if (o->checker != NULL) {
		judge_check(o, t, in, out, ans, res);
		return;
	}
	if (t->flags != NULL &&
	    compare_parse_flags(&co, t->flags, err, sizeof err) < 0) {
		res->verdict = VERDICT_IE;
		snprintf(res->detail, sizeof res->detail,
		         "test group flags: %s", err);
		return;
	}
	buf_init(&why, 0);
	if (compare_output(&co, out->data ? out->data : "", out->len,
	                   ans->data ? ans->data : "", ans->len, &why))
		res->verdict = VERDICT_AC;
	else {
		res->verdict = VERDICT_WA;
		strlcpy0(res->diff, buf_cstr(&why), sizeof res->diff);
		snprintf(res->detail, sizeof res->detail, "wrong answer");
	}
	buf_free(&why);
}

/* it ran past the time limit only so that its time is known: TLE all
 * the same, whatever it printed (the Kattis rule) */
static void
judge_verdict_time(const struct judge_opts *o, struct judge_test *res)
{
	if (o->verdict_cpu_ms == 0 || res->time_ms <= o->verdict_cpu_ms ||
	    res->verdict == VERDICT_IE)
		return;
	/* its output was judged all the same: a slow_accepted submission
	 * sees that it is right, only slow */
	snprintf(res->detail, sizeof res->detail,
	         "CPU time limit %.3g s exceeded (%s %.3f s)%s",
	         (double)o->verdict_cpu_ms / 1000.0,
	         res->verdict == VERDICT_TLE ? "stopped at" : "ran",
	         (double)res->time_ms / 1000.0,
	         res->verdict == VERDICT_AC
	             ? "; the output is accepted: AC (slow), within "
	               "time_limit_to_tle x the limit"
	             : "");
	res->verdict = VERDICT_TLE;
	res->diff[0] = '\0';
}

/* A test's input and answer, into in and ans (both initialised): -1
 * with res an IE when either cannot be read. */
static int
judge_read_test(const struct test_case *t, struct buf *in, struct buf *ans,
                struct judge_test *res)
{
	char err[512];

	buf_init(in, 0);
	buf_init(ans, 0);
	if (testset_read(t, false, in, err, sizeof err) < 0 ||
	    (t->has_answer &&
	     testset_read(t, true, ans, err, sizeof err) < 0)) {
		res->verdict = VERDICT_IE;
		strlcpy0(res->detail, err, sizeof res->detail);
		return -1;
	}
	return 0;
}

void
judge_one(const struct judge_opts *o, const struct build *sol,
          const struct testset *ts, size_t idx, struct judge_test *res)
{
	const struct test_case *t = &ts->tests[idx];
	struct buf in, ans, cap[2];
	struct box_result r;

	memset(res, 0, sizeof *res);
	res->index = (uint32_t)idx;
	if (judge_read_test(t, &in, &ans, res) < 0)
		goto out;
	if (o->interactive) {
		judge_interactive(o, sol, t, &in, &ans, res);
		goto out;
	}
	buf_init(&cap[0], (size_t)o->limits.output_bytes);
	buf_init(&cap[1], JUDGE_STDERR_KEEP);
	res->verdict = pipeline_exec(
	    sol, o->backend, &o->limits, NULL, in.data ? in.data : "", in.len,
	    &cap[0], &cap[1], &r, res->detail, sizeof res->detail);
	judge_fill(res, &r);
	judge_stderr(res, &cap[1]);
	if (res->verdict == VERDICT_OK && t->has_answer)
		judge_answer(o, t, &in, &cap[0], &ans, res);
	box_result_free(&r);
	if (o->keep_output) {
		/* the output as judged, handed over */
		res->output_len = cap[0].len;
		res->output_truncated = cap[0].truncated;
		res->output = buf_cstr(&cap[0]); /* NUL-terminated */
		cap[0].data = NULL;
	}
	buf_free(&cap[0]);
	buf_free(&cap[1]);
out:
	judge_verdict_time(o, res);
	buf_free(&in);
	buf_free(&ans);
}

/* Test idx judged on output its caller ran and captured itself (a
 * replay of the test, recorded with its timeline): res holds the run's
 * verdict and measurements, as judge_fill would; an OK run's output is
 * judged as judge_one judges it. Not for an interactive problem. */
void
judge_output(const struct judge_opts *o, const struct testset *ts, size_t idx,
             const char *out, size_t len, struct judge_test *res)
{
	const struct test_case *t = &ts->tests[idx];
	struct buf in, ans, cap;

	res->index = (uint32_t)idx;
	if (judge_read_test(t, &in, &ans, res) == 0 &&
	    res->verdict == VERDICT_OK && t->has_answer) {
		buf_init(&cap, 0);
		buf_add(&cap, out, len);
		judge_answer(o, t, &in, &cap, &ans, res);
		buf_free(&cap);
	}
	judge_verdict_time(o, res);
	buf_free(&in);
	buf_free(&ans);
}

void
judge_test_free(struct judge_test *res)
{
	free(res->output);
	res->output = NULL;
	res->output_len = 0;
}

/* ---- running many ------------------------------------------------------ */

struct judge_worker {
	pid_t pid;
	int task, result; /* pipes */
	bool busy, dead;
	size_t slot; /* the test it holds, as an index into order[] */
};

bool
judge_selected(const struct judge_opts *o, const struct test_case *t)
{
	size_t i;

	if (o->only == NULL || o->only[0] == NULL)
		return true;
	for (i = 0; o->only[i] != NULL; i++)
		if (fnmatch(o->only[i], t->name, 0) == 0 ||
		    strcmp(o->only[i], t->name) == 0)
			return true;
	return false;
}

static FORGE_NORETURN void
judge_worker_main(const struct judge_opts *o, const struct build *sol,
                  const struct testset *ts, int task, int result)
{
	uint32_t idx;
	struct judge_test res;

	signal(SIGPIPE, SIG_IGN);
	while (util_read_all(task, &idx, sizeof idx) == sizeof idx) {
		judge_one(o, sol, ts, idx, &res);
		/* the result, then output_len bytes of output */
		if (util_write_all(result, &res, sizeof res) < 0 ||
		    (res.output_len > 0 &&
		     util_write_all(result, res.output, res.output_len) < 0))
			break;
		judge_test_free(&res);
	}
	o->backend->release();
	_exit(0);
}

/* A worker's result and the output after it; -1 when the worker died. */
static int
judge_run_read(int fd, struct judge_test *res)
{
	if (util_read_all(fd, res, sizeof *res) != sizeof *res)
		return -1;
	res->output = NULL;
	if (res->output_len == 0)
		return 0;
	res->output = xmalloc(res->output_len + 1);
	if (util_read_all(fd, res->output, res->output_len) !=
	    (ssize_t)res->output_len) {
		free(res->output);
		res->output = NULL;
		res->output_len = 0;
		return -1;
	}
	res->output[res->output_len] = '\0';
	return 0;
}

/* Runs the selected tests; report() sees each result in test order.
 * Returns how many tests were reported. */
size_t
judge_run(const struct judge_opts *o, const struct build *sol,
          const struct testset *ts, judge_report_fn report, void *arg)
{
	size_t *order = xcalloc(ts->ntests + 1, sizeof *order);
	struct judge_test *results;
	bool *done;
	size_t n = 0, next = 0, reported = 0, i, w;
	unsigned jobs = o->jobs ? o->jobs : 1;
	struct judge_worker *wk;
	bool stop = false;
	pid_t parent = getpid();

	for (i = 0; i < ts->ntests; i++)
		if (judge_selected(o, &ts->tests[i]))
			order[n++] = i;
	results = xcalloc(n + 1, sizeof *results);
	done = xcalloc(n + 1, sizeof *done);
	if (jobs > n)
		jobs = (unsigned)n;
	if (jobs <= 1) {
		for (i = 0; i < n && !stop; i++) {
			judge_one(o, sol, ts, order[i], &results[i]);
			report(&results[i], &ts->tests[order[i]], arg);
			judge_test_free(&results[i]);
			reported++;
			if (o->stop_on_fail &&
			    !verdict_good(results[i].verdict))
				stop = true;
		}
		goto out;
	}

	wk = xcalloc(jobs, sizeof *wk);
	for (w = 0; w < jobs; w++) {
		int tp[2], rp[2];

		if (pipe2(tp, O_CLOEXEC) < 0 || pipe2(rp, O_CLOEXEC) < 0)
			break;
		wk[w].pid = fork();
		if (wk[w].pid == 0) {
			size_t k;

			judge_die_with(parent);
			close(tp[1]);
			close(rp[0]);
			for (k = 0; k < w; k++) {
				close(wk[k].task);
				close(wk[k].result);
			}
			judge_worker_main(o, sol, ts, tp[0], rp[1]);
		}
		close(tp[0]);
		close(rp[1]);
		wk[w].task = tp[1];
		wk[w].result = rp[0];
		if (wk[w].pid < 0) {
			close(tp[1]);
			close(rp[0]);
			break;
		}
	}
	jobs = (unsigned)w;
	/* slot i of order[] is handed to a worker; its result lands in
	 * results[i] and is reported once all before it are */
	for (;;) {
		struct pollfd pfd[64];
		size_t np = 0, map[64];

		for (w = 0; w < jobs; w++) {
			if (!wk[w].busy && !wk[w].dead && next < n && !stop) {
				uint32_t idx = (uint32_t)order[next];
				if (util_write_all(wk[w].task, &idx,
				                   sizeof idx) == 0) {
					wk[w].busy = true;
					wk[w].slot = next++;
				} else
					wk[w].dead = true;
			}
			if (wk[w].busy && np < 64) {
				pfd[np] =
				    (struct pollfd){wk[w].result, POLLIN, 0};
				map[np++] = w;
			}
		}
		if (np == 0)
			break;
		if (poll(pfd, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < np; i++) {
			struct judge_test res;
			size_t slot;

			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			w = map[i];
			wk[w].busy = false;
			slot = wk[w].slot;
			if (judge_run_read(wk[w].result, &res) < 0) {
				/* a worker died: the test it held is IE, and
				 * it gets no more */
				memset(&res, 0, sizeof res);
				res.index = (uint32_t)order[slot];
				res.verdict = VERDICT_IE;
				snprintf(res.detail, sizeof res.detail,
				         "a judge worker died");
				wk[w].dead = true;
			}
			results[slot] = res;
			done[slot] = true;
		}
		while (reported < n && done[reported] && !stop) {
			report(&results[reported], &ts->tests[order[reported]],
			       arg);
			judge_test_free(&results[reported]);
			if (o->stop_on_fail &&
			    !verdict_good(results[reported].verdict))
				stop = true;
			reported++;
		}
	}
	for (w = 0; w < jobs; w++) {
		if (wk[w].task >= 0)
			close(wk[w].task);
		close(wk[w].result);
		while (waitpid(wk[w].pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	free(wk);
out:
	for (i = 0; i < n; i++)
		judge_test_free(&results[i]); /* done, not reported: stopped */
	free(order);
	free(results);
	free(done);
	return reported;
}
