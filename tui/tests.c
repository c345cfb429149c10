/* The tests view: the current file's tests with their last verdicts, a
 * side-by-side diff of a wrong answer, the program's stderr, and keys to
 * judge, add, edit, delete, disable tests. Judging runs in a child that
 * uses the engine as forge judge does (each test in the sandbox) and
 * reports each test on a pipe the workbench's loop watches; the view
 * stays live meanwhile. Also the glue of the competitive-companion
 * listener (companion.c): a received problem becomes a file and its
 * tests, opened at once.
 *
 * A file's tests, by convention, for dir/a.cpp: the first of
 *   dir/a.tests/   a directory of pairs (or a problem package)
 *   dir/a/         a problem package or a directory with tests in it
 *   dir/a.json     a competitive-companion file (read-only here)
 *   the problem package dir/ is in (up to three levels up: problem.yaml,
 *     or the legacy layout's data/ and problem_statement/)
 *   dir/tests/
 * or the path given with o. Tests added where there is none go into
 * dir/a.tests/. Disabled tests are listed in .forge-disabled in the
 * test set's directory. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tui/tui.h"

#define TESTS_SHOW_MAX (1u << 20) /* of a text shown or sent back */
#define TESTS_DISABLED ".forge-disabled"
#define TESTS_STDERR   4    /* rows of stderr under the diff */
#define TESTS_STOP_MS  5000 /* a server's judge, to cancel its job */

/* What the judging child sends: this, then len bytes (the compiler's
 * output, or the test's stdout). r.output is not sent in r: it is the
 * len bytes. */
struct tests_msg {
	uint32_t kind;
	uint32_t index;
	uint64_t len;
	bool truncated;
	struct judge_test r;
	/* TESTS_MSG_BUILD: the limits the tests are judged by */
	struct limits limits;
	enum judge_time_source time_source;
};
enum { TESTS_MSG_BUILD = 1, TESTS_MSG_START, TESTS_MSG_TEST };

struct tests_result {
	int verdict; /* -1: not judged */
	bool queued, running;
	bool judged; /* in the latest judge */
	struct judge_test r;
	struct buf actual;
	bool truncated;
};

/* A test's texts as shown: read when it is selected. */
struct tests_text {
	size_t index; /* SIZE_MAX: none */
	struct buf in, ans;
};

static struct {
	char *source;              /* the file the tests are of */
	char *path;                /* the test set; NULL: none yet */
	char *chosen_for, *chosen; /* a test set picked with o */
	struct testset ts;
	bool loaded;
	char problem[512]; /* why the test set did not load */
	struct tests_result *res;
	bool *disabled;
	size_t sel, top;
	size_t scroll;
	struct tests_text shown;
	/* the judge */
	pid_t pid;
	int fd;
	struct buf pending;
	bool stopped;
	int build_verdict; /* -1: built, or not yet */
	char build_detail[512];
	char time_note[256];  /* the limits and where the CPU one came from */
	char time_short[128]; /* the same in fewer words, for narrow screens */
	struct buf compile;
	/* editing a test: input and expected output */
	struct editor *edit[2];
	int edit_focus;
	bool
	    edit_new; /* a test just added: its files are written, even empty */
	/* asking for a path */
	bool prompting;
	char prompt[1024];
	int armed; /* 'c' or 'D' pressed once: the second confirms */
	/* competitive-companion */
	struct companion *comp;
	char *comp_dir;
} tests = {.pid = -1, .fd = -1, .build_verdict = -1, .shown.index = SIZE_MAX};

static const struct tui_keyhelp tests_keys[] = {
    {"Enter", "judge the selected test", "run"},
    {"a", "judge every enabled test", "all"},
    {"x", "stop judging", "stop"},
    {"Space", "enable or disable the test", "on/off"},
    {"n", "add a test: its input and expected output", "new"},
    {"e", "edit the test's input and expected output", "edit"},
    {"c, c", "copy the actual output into the expected one", "copy"},
    {"D, D", "delete the test's files", NULL},
    {"o", "open another test set (asks for a path)", NULL},
    {"L", "start or stop the competitive-companion listener", NULL},
    {"PgUp, PgDn", "scroll the expected and actual output", NULL},
    {"editing: Tab", "input or expected output; Esc saves, back", NULL},
    {"Esc, q", "back to the editor", "back"},
};

/* While a test's input and expected output are edited: the editor's. */
static const struct tui_keyhelp tests_edit_keys[] = {
    {"Esc / Ctrl-S", "save both and go back to the list", "save, back"},
    {"Tab", "the input or the expected output", "other side"},
    {"Ctrl-Z / Ctrl-Y", "undo / redo", "undo"},
    {"Ctrl-C / Ctrl-X / Ctrl-V", "copy / cut / paste", "copy/cut/paste"},
};

static void tests_draw(struct tui *, WINDOW *);
static int tests_key(struct tui *, int, bool);
static void tests_close(struct tui *);
static const struct tui_keyhelp *tests_keys_now(size_t *);

const struct tui_view tests_view = {
    .name = "tests",
    .draw = tests_draw,
    .key = tests_key,
    .close = tests_close,
    .keys = tests_keys,
    .nkeys = sizeof tests_keys / sizeof tests_keys[0],
    .keys_now = tests_keys_now,
};

static const struct tui_keyhelp *
tests_keys_now(size_t *n)
{
	if (tests.edit[0] == NULL)
		return NULL;
	*n = sizeof tests_edit_keys / sizeof tests_edit_keys[0];
	return tests_edit_keys;
}

/* ---- finding and loading ------------------------------------------- */

static bool
tests_is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool
tests_is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static char *
tests_dirname(const char *path)
{
	char *copy = xstrdup(path), *d = xstrdup(dirname(copy));

	free(copy);
	return d;
}

/* dir/a.cpp -> dir/a */
static char *
tests_stem(const char *path)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');

	if (dot == NULL || (slash && dot < slash) ||
	    dot == (slash ? slash + 1 : path))
		return xstrdup(path);
	return xstrndup(path, (size_t)(dot - path));
}

/* Whether dir holds a test set with tests in it. */
static bool
tests_has_tests(const char *dir)
{
	struct testset ts;
	char err[256];
	bool ok = testset_load(&ts, dir, err, sizeof err) == 0;

	testset_free(&ts);
	return ok;
}

/* The convention (see the top of the file); NULL: none found. */
static char *
tests_find(const char *source)
{
	cleanup_free char *stem = tests_stem(source);
	cleanup_free char *dir = tests_dirname(source);
	char *p;

	xasprintf(&p, "%s.tests", stem);
	if (tests_is_dir(p))
		return p;
	free(p);
	if (tests_is_dir(stem) &&
	    (testset_is_package(stem, false) || tests_has_tests(stem)))
		return xstrdup(stem);
	xasprintf(&p, "%s.json", stem);
	if (tests_is_file(p))
		return p;
	free(p);
	p = xstrdup(dir);
	for (int up = 0; up < 4; up++) {
		char *parent;

		/* as the format defines a package, not any data/ */
		if (testset_is_package(p, true))
			return p;
		parent = util_path_join(p, "..");
		free(p);
		p = parent;
	}
	free(p);
	p = util_path_join(dir, "tests");
	if (tests_is_dir(p))
		return p;
	free(p);
	return NULL;
}

/* Where the disabled tests of the test set are listed. */
static char *
tests_disabled_path(void)
{
	char *p, *dir, *base;

	if (tests_is_dir(tests.path))
		return util_path_join(tests.path, TESTS_DISABLED);
	/* a JSON file: .NAME.forge-disabled beside it */
	dir = tests_dirname(tests.path);
	base = strrchr(tests.path, '/') ? strrchr(tests.path, '/') + 1
	                                : tests.path;
	xasprintf(&p, "%s/.%s%s", dir, base, TESTS_DISABLED);
	free(dir);
	return p;
}

static void
tests_load_disabled(void)
{
	cleanup_free char *path = tests_disabled_path();
	struct buf b;
	char *line, *save = NULL;

	buf_init(&b, 0);
	if (util_read_file(path, &b, 1u << 20) == 0)
		for (line = strtok_r(buf_cstr(&b), "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			for (size_t i = 0; i < tests.ts.ntests; i++)
				if (strcmp(tests.ts.tests[i].name, line) == 0)
					tests.disabled[i] = true;
	buf_free(&b);
}

static void
tests_save_disabled(struct tui *t)
{
	cleanup_free char *path = tests_disabled_path();
	struct buf b;
	FILE *f;

	buf_init(&b, 0);
	for (size_t i = 0; i < tests.ts.ntests; i++)
		if (tests.disabled[i])
			buf_printf(&b, "%s\n", tests.ts.tests[i].name);
	if (b.len == 0) {
		if (unlink(path) < 0 && errno != ENOENT)
			tui_message(t, "%s: %s", path, strerror(errno));
	} else if ((f = fopen(path, "w")) == NULL ||
	           fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0)
		tui_message(t, "not remembered: %s: %s", path, strerror(errno));
	buf_free(&b);
}

static void
tests_forget_shown(void)
{
	buf_free(&tests.shown.in);
	buf_free(&tests.shown.ans);
	tests.shown.index = SIZE_MAX;
}

/* (Re)loads the test set; results of tests still there are kept. */
static void
tests_load(void)
{
	struct testset old = tests.ts;
	struct tests_result *oldres = tests.res;
	char err[512];
	int r;

	tests_forget_shown();
	memset(&tests.ts, 0, sizeof tests.ts);
	tests.loaded = false;
	tests.problem[0] = '\0';
	tests.res = NULL;
	free(tests.disabled);
	tests.disabled = NULL;
	if (tests.path != NULL) {
		r = testset_load(&tests.ts, tests.path, err, sizeof err);
		/* a directory with no tests yet is an empty set, not an
		 * error: tests get added to it */
		if (r == 0 ||
		    (tests.ts.ntests == 0 && tests_is_dir(tests.path) &&
		     (tests.ts.kind == TESTSET_DIR ||
		      strstr(err, "no tests found") != NULL)))
			tests.loaded = true;
		else
			snprintf(tests.problem, sizeof tests.problem, "%s",
			         err);
	}
	if (!tests.loaded) {
		testset_free(&tests.ts);
		memset(&tests.ts, 0, sizeof tests.ts);
	}
	tests.res = xcalloc(tests.ts.ntests + 1, sizeof *tests.res);
	tests.disabled = xcalloc(tests.ts.ntests + 1, sizeof *tests.disabled);
	for (size_t i = 0; i < tests.ts.ntests; i++) {
		tests.res[i].verdict = -1;
		for (size_t k = 0; k < old.ntests; k++)
			if (strcmp(old.tests[k].name, tests.ts.tests[i].name) ==
			    0) {
				tests.res[i] = oldres[k];
				memset(&oldres[k], 0, sizeof oldres[k]);
			}
	}
	for (size_t k = 0; k < old.ntests; k++)
		buf_free(&oldres[k].actual);
	free(oldres);
	testset_free(&old);
	if (tests.loaded)
		tests_load_disabled();
	if (tests.sel >= tests.ts.ntests)
		tests.sel = tests.ts.ntests ? tests.ts.ntests - 1 : 0;
}

/* The tests of the current buffer's file: found again unless a judge of
 * them is under way. */
static void
tests_attach_to(const char *source)
{
	if (tests.pid > 0)
		return;
	if (tests.source == NULL || strcmp(tests.source, source) != 0) {
		for (size_t i = 0; i < tests.ts.ntests; i++)
			buf_free(&tests.res[i].actual);
		free(tests.res);
		tests.res = NULL;
		testset_free(&tests.ts);
		buf_reset(&tests.compile);
		tests.build_verdict = -1;
		tests.sel = tests.top = tests.scroll = 0;
		free(tests.source);
		tests.source = xstrdup(source);
	}
	free(tests.path);
	if (tests.chosen_for && strcmp(tests.chosen_for, tests.source) == 0)
		tests.path = xstrdup(tests.chosen);
	else
		tests.path = tests_find(tests.source);
	tests_load();
}

static void
tests_attach(struct tui *t)
{
	tests_attach_to(t->ed->path);
}

/* ---- judging ---------------------------------------------------------- */

static void
tests_send(int fd, struct tests_msg *m, const char *data, size_t len)
{
	m->r.output = NULL;
	if (len > TESTS_SHOW_MAX) {
		len = TESTS_SHOW_MAX;
		m->truncated = true;
	}
	m->len = len;
	(void)util_write_all(fd, m, sizeof *m);
	if (len)
		(void)util_write_all(fd, data, len);
}

/* The build's outcome, or why the judge could not start (detail). */
static FORGE_NORETURN void
tests_child_fail(int fd, enum verdict v, const char *detail, const char *data,
                 size_t len)
{
	struct tests_msg m = {.kind = TESTS_MSG_BUILD};

	m.r.verdict = v;
	strlcpy0(m.r.detail, detail, sizeof m.r.detail);
	tests_send(fd, &m, data, len);
	_exit(0);
}

/* The judge into the history as forge judge records one: its verdict,
 * a row for each test judged, the test set's identity. A judge that
 * could not start (no test set by the rules) is not one. */
static void
tests_record(const struct judge_prepared *prep, const struct language *lang,
             const char *src, size_t len, const struct build *b,
             struct history_test *rows, size_t nrows, size_t passed,
             const struct judge_test *first_fail, const char *enforced_by)
{
	struct report_judge x;
	struct history_recorder_judge j;
	char err[512], *testset, *toolchain;

	memset(&x, 0, sizeof x);
	x.verdict = judge_prepare_overall(b, &tests.ts, nrows, passed,
	                                  first_fail, &x.detail);
	x.limits = prep->limits;
	x.backend = prep->opts.backend->name;
	x.enforced_by = enforced_by;
	testset = history_recorder_testset(tests.path, prep->digest);
	toolchain = cache_toolchain(lang, prep->opts.backend);
	j = (struct history_recorder_judge){
	    .file = tests.source,
	    .lang = lang,
	    .toolchain = toolchain,
	    .src = src,
	    .src_len = len,
	    .build = b,
	    .x = &x,
	    .testset = testset,
	    .tests = rows,
	    .ntests = nrows,
	};
	/* the workbench says nothing of it: its view shows the verdicts,
	 * and a history that cannot be written is said by the next run */
	(void)history_recorder_judge(NULL, &j, err, sizeof err);
	free(j.tests);
	free(testset);
	free(toolchain);
}

/* A judge on a backend that judges elsewhere (the remote backend: a
 * forge serve): the server compiles once and judges the tests asked for,
 * and its answer comes back as a judge here sends it. */
struct tests_far {
	int fd;
	const struct judge_prepared *prep;
	const struct build *b;
	bool build_sent, failed;
	struct history_test *rows;
	size_t n, cap, passed;
	struct judge_test first_fail;
	const char *enforced_by;
};

static void
tests_far_build(struct tests_far *f)
{
	struct tests_msg m;

	if (f->build_sent)
		return;
	f->build_sent = true;
	memset(&m, 0, sizeof m);
	m.kind = TESTS_MSG_BUILD;
	m.r.verdict = VERDICT_OK;
	m.limits = f->prep->limits;
	m.time_source = f->prep->time_source;
	tests_send(f->fd, &m, f->b->compile_output.data,
	           f->b->compile_output.len);
}

static void
tests_far_test(const struct judge_test *r, const struct test_case *tc,
               void *arg)
{
	struct tests_far *f = arg;
	struct tests_msg m;

	if (f->n == f->cap)
		return;
	tests_far_build(f);
	memset(&m, 0, sizeof m);
	m.kind = TESTS_MSG_START;
	m.index = (uint32_t)(tc - tests.ts.tests);
	tests_send(f->fd, &m, NULL, 0);
	m.kind = TESTS_MSG_TEST;
	m.r = *r;
	m.truncated = r->output_truncated;
	tests_send(f->fd, &m, r->output, r->output_len);
	report_history_test(&f->rows[f->n++], r, tc->name);
	f->enforced_by = box_enforcer_name(r->enforced_by);
	if (verdict_good(r->verdict))
		f->passed++;
	else if (!f->failed) {
		f->failed = true;
		f->first_fail = *r;
		f->first_fail.output = NULL;
	}
}

static FORGE_NORETURN void
tests_child_far(int fd, struct judge_prepared *prep,
                const struct language *lang, const char *src, size_t len,
                const size_t *order, size_t n)
{
	struct build b;
	struct tests_far f = {.fd = fd, .prep = prep, .b = &b, .cap = n};
	struct judge_program jp = {
	    .lang = lang,
	    .source = src,
	    .source_len = len,
	    .compile_limits = lang->compile_limits,
	    .ts = &tests.ts,
	    .opts = &prep->opts,
	    .report = tests_far_test,
	    .arg = &f,
	};
	char **only = xcalloc(n + 1, sizeof *only);

	if (prep->have_checker || prep->opts.interactive)
		tests_child_fail(fd, VERDICT_IE,
		                 "a checker, a validator or an interactive "
		                 "problem is judged here (without --server)",
		                 NULL, 0);
	for (size_t i = 0; i < n; i++)
		only[i] = tests.ts.tests[order[i]].name;
	prep->opts.only = only;
	f.rows = xcalloc(n, sizeof *f.rows);
	if (prep->opts.backend->judge_program(&jp, &b) < 0 ||
	    (!f.build_sent && b.verdict != VERDICT_OK)) {
		tests_record(prep, lang, src, len, &b, NULL, 0, 0, NULL, NULL);
		tests_child_fail(fd, b.verdict, b.detail, b.compile_output.data,
		                 b.compile_output.len);
	}
	tests_far_build(&f);
	tests_record(prep, lang, src, len, &b, f.rows, f.n, f.passed,
	             f.failed ? &f.first_fail : NULL, f.enforced_by);
	prep->opts.backend->release();
	_exit(0);
}

/* The judging child: prepares the judge by the engine's rules (those of
 * forge judge), builds, then judges the tests in order[] one by one,
 * each test's output sent back to be shown; the judge then goes into
 * the history. */
static FORGE_NORETURN void
tests_child(struct tui *t, int fd, const struct language *lang, const char *src,
            size_t len, const struct limits *l, const size_t *order, size_t n)
{
	const struct backend *be = backend_default();
	struct judge_request q;
	struct judge_prepared prep;
	struct judge_test first_fail;
	struct history_test *rows;
	const char *enforced_by = NULL;
	size_t passed = 0;
	bool failed = false;
	struct tests_msg m;
	struct build b;
	char err[1024];

	/* the workbench gone (quit, killed), the judge goes too */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	{
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	judge_prepare_request(&q, &tests.ts, &t->langs, be);
	q.limits = *l; /* defaults: the test set's win */
	q.keep_output = true;
	if (judge_prepare(&prep, &q, err, sizeof err) != JUDGE_PREPARED)
		tests_child_fail(fd, VERDICT_IE, err, NULL, 0);
	if (be->judge_program != NULL)
		tests_child_far(fd, &prep, lang, src, len, order, n);
	if (pipeline_build(&b, lang, be, src, len, NULL, 0,
	                   &lang->compile_limits, false) < 0) {
		tests_record(&prep, lang, src, len, &b, NULL, 0, 0, NULL, NULL);
		tests_child_fail(fd, b.verdict, b.detail, b.compile_output.data,
		                 b.compile_output.len);
	}
	memset(&m, 0, sizeof m);
	m.kind = TESTS_MSG_BUILD;
	m.r.verdict = VERDICT_OK;
	m.limits = prep.limits;
	m.time_source = prep.time_source;
	tests_send(fd, &m, b.compile_output.data, b.compile_output.len);
	rows = xcalloc(n, sizeof *rows);
	for (size_t i = 0; i < n; i++) {
		memset(&m, 0, sizeof m);
		m.kind = TESTS_MSG_START;
		m.index = (uint32_t)order[i];
		tests_send(fd, &m, NULL, 0);
		m.kind = TESTS_MSG_TEST;
		judge_one(&prep.opts, &b, &tests.ts, order[i], &m.r);
		m.truncated = m.r.output_truncated;
		tests_send(fd, &m, m.r.output, m.r.output_len);
		free(m.r.output);
		m.r.output = NULL;
		report_history_test(&rows[i], &m.r,
		                    tests.ts.tests[order[i]].name);
		if (m.r.verdict != VERDICT_IE || m.r.time_ms || m.r.mem_kb)
			enforced_by = box_enforcer_name(m.r.enforced_by);
		if (verdict_good(m.r.verdict))
			passed++;
		else if (!failed) {
			failed = true;
			first_fail = m.r;
		}
	}
	tests_record(&prep, lang, src, len, &b, rows, n, passed,
	             failed ? &first_fail : NULL, enforced_by);
	be->release();
	_exit(0);
}

static void
tests_summary(struct tui *t)
{
	size_t run = 0, good = 0, first_bad = SIZE_MAX;

	if (tests.build_verdict >= 0) {
		tui_message(t, "tests: %s: %s",
		            verdict_name(tests.build_verdict),
		            tests.build_detail);
		return;
	}
	for (size_t i = 0; i < tests.ts.ntests; i++)
		if (tests.res[i].judged && tests.res[i].verdict >= 0) {
			run++;
			if (verdict_good(tests.res[i].verdict))
				good++;
			else if (first_bad == SIZE_MAX)
				first_bad = i;
		}
	if (first_bad == SIZE_MAX)
		tui_message(t, "tests: %zu/%zu passed%s", good, run,
		            tests.stopped ? " (stopped)" : "");
	else
		tui_message(t, "tests: %zu/%zu passed, %s on %s%s", good, run,
		            verdict_name(tests.res[first_bad].verdict),
		            tests.ts.tests[first_bad].name,
		            tests.stopped ? " (stopped)" : "");
}

static void tests_ready(struct tui *, void *);

static void
tests_finish(struct tui *t)
{
	tui_unwatch(t, tests_ready, &tests);
	close(tests.fd);
	tests.fd = -1;
	while (tests.pid > 0 && waitpid(tests.pid, NULL, 0) < 0 &&
	       errno == EINTR)
		;
	tests.pid = -1;
	buf_reset(&tests.pending);
	for (size_t i = 0; i < tests.ts.ntests; i++)
		tests.res[i].queued = tests.res[i].running = false;
	/* the first failure is what one looks at next */
	if (tests.sel < tests.ts.ntests && tests.res[tests.sel].verdict >= 0 &&
	    verdict_good(tests.res[tests.sel].verdict))
		for (size_t i = 0; i < tests.ts.ntests; i++)
			if (tests.res[i].judged && tests.res[i].verdict >= 0 &&
			    !verdict_good(tests.res[i].verdict)) {
				tests.sel = i;
				tests.scroll = SIZE_MAX;
				break;
			}
	tests_summary(t);
}

/* The header's word on the limits the tests were judged by. */
static void
tests_limits_note(const struct limits *l, enum judge_time_source src)
{
	static const char *const from[] = {
	    [JUDGE_TIME_GIVEN] = "given",
	    [JUDGE_TIME_TESTSET] = "the test set's",
	    [JUDGE_TIME_COMPUTED] = "computed",
	    [JUDGE_TIME_DEFAULT] = "default",
	    [JUDGE_TIME_UNCOMPUTED] = "default: none computed",
	};
	char mem[32];

	limits_format_size(l->mem_bytes, mem, sizeof mem);
	snprintf(tests.time_note, sizeof tests.time_note,
	         "time limit %g s (%s), wall %g s, memory %s",
	         (double)l->cpu_ms / 1000.0,
	         (unsigned)src < sizeof from / sizeof from[0] ? from[src] : "?",
	         (double)l->wall_ms / 1000.0, mem);
	snprintf(tests.time_short, sizeof tests.time_short,
	         "limits %gs (%s), %gs wall, %s", (double)l->cpu_ms / 1000.0,
	         (unsigned)src < sizeof from / sizeof from[0] ? from[src] : "?",
	         (double)l->wall_ms / 1000.0, mem);
}

/* The limits at the end of the header, in as many words as fit in room
 * columns, cut at a word if even the short form does not fit. */
static void
tests_draw_limits(WINDOW *w, int room)
{
	const char *note = tests.time_note;
	int len = (int)strlen(note);

	if (len > room) {
		note = tests.time_short;
		len = (int)strlen(note);
	}
	while (len > room && len > 0) {
		len--;
		while (len > 0 && note[len] != ' ')
			len--;
		while (len > 0 && note[len - 1] == ',')
			len--;
	}
	if (len > 0)
		wprintw(w, "%.*s", len, note);
}

static void
tests_message(const struct tests_msg *m, const char *data)
{
	struct tests_result *r;

	if (m->kind == TESTS_MSG_BUILD) {
		buf_reset(&tests.compile);
		buf_add(&tests.compile, data, (size_t)m->len);
		if (m->r.verdict != VERDICT_OK) {
			tests.build_verdict = m->r.verdict;
			strlcpy0(tests.build_detail, m->r.detail,
			         sizeof tests.build_detail);
		} else
			tests_limits_note(&m->limits, m->time_source);
		return;
	}
	if (m->index >= tests.ts.ntests)
		return;
	r = &tests.res[m->index];
	if (m->kind == TESTS_MSG_START) {
		r->running = true;
		return;
	}
	r->running = r->queued = false;
	r->verdict = m->r.verdict;
	r->r = m->r;
	r->r.output = NULL; /* the child's: the text is in actual */
	buf_reset(&r->actual);
	buf_add(&r->actual, data, (size_t)m->len);
	r->truncated = m->truncated;
	if (m->index == tests.sel)
		tests.scroll = SIZE_MAX; /* to the first difference */
}

/* The judge's pipe: whole messages are taken, the rest waits. */
static void
tests_ready(struct tui *t, void *arg)
{
	char tmp[65536];
	ssize_t n;

	(void)arg;
	n = read(tests.fd, tmp, sizeof tmp);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		tests_finish(t);
		return;
	}
	buf_add(&tests.pending, tmp, (size_t)n);
	for (;;) {
		struct tests_msg m;
		size_t need;

		if (tests.pending.len < sizeof m)
			return;
		memcpy(&m, tests.pending.data, sizeof m);
		need = sizeof m + (size_t)m.len;
		if (tests.pending.len < need)
			return;
		tests_message(&m, tests.pending.data + sizeof m);
		memmove(tests.pending.data, tests.pending.data + need,
		        tests.pending.len - need);
		tests.pending.len -= need;
	}
}

/* Judges the buffer's text (saved or not) on one test, or on every
 * enabled one (which == SIZE_MAX), in the background. */
static void
tests_start(struct tui *t, size_t which)
{
	struct limits l = t->limits;
	size_t *order, n = 0, len;
	char err[512], *src;
	int p[2];

	if (tests.pid > 0) {
		tui_message(t, "already judging: x stops it");
		return;
	}
	/* another buffer shown since: its own tests */
	if (tests.source == NULL || strcmp(tests.source, t->ed->path) != 0)
		tests_attach(t);
	if (t->ed->lang == NULL) {
		tui_message(t, "no language for %s (see forge langs)",
		            t->ed->path);
		return;
	}
	if (!lang_available(t->ed->lang, backend_default(), err, sizeof err)) {
		tui_message(t, "%s", err);
		return;
	}
	if (tests.ts.ntests == 0) {
		tui_message(t,
		            "no tests for %s: n adds one, o opens a test set",
		            t->ed->path);
		return;
	}
	order = xcalloc(tests.ts.ntests, sizeof *order);
	for (size_t i = 0; i < tests.ts.ntests; i++)
		if (which == SIZE_MAX ? !tests.disabled[i] : i == which)
			order[n++] = i;
	if (n == 0) {
		free(order);
		tui_message(t, "every test is disabled (Space enables one)");
		return;
	}
	/* a judge's wall limit, not a person's typing time: forge judge's
	 * default, raised by the judging rules to fit the CPU limit */
	{
		struct limits def;
		limits_default_run(&def);
		l.wall_ms = def.wall_ms;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(order);
		tui_message(t, "pipe: %s", strerror(errno));
		return;
	}
	src = buffer_text(t->ed->buf, &len);
	tests.pid = fork();
	if (tests.pid == 0) {
		close(p[0]);
		/* the port is the workbench's, not the judge's */
		companion_close(tests.comp);
		tests_child(t, p[1], t->ed->lang, src, len, &l, order, n);
	}
	free(src);
	close(p[1]);
	if (tests.pid < 0) {
		close(p[0]);
		free(order);
		tui_message(t, "fork: %s", strerror(errno));
		return;
	}
	util_set_nonblock(p[0], true);
	tests.fd = p[0];
	tests.stopped = false;
	tests.build_verdict = -1;
	tests.time_note[0] = tests.time_short[0] = '\0';
	buf_reset(&tests.compile);
	for (size_t i = 0; i < tests.ts.ntests; i++)
		tests.res[i].judged = false;
	for (size_t i = 0; i < n; i++) {
		struct tests_result *r = &tests.res[order[i]];
		r->queued = r->judged = true;
		r->verdict = -1;
		buf_reset(&r->actual);
	}
	free(order);
	tui_watch(t, tests.fd, tests_ready, &tests);
	tui_message(t, "judging %s on %zu test%s", t->ed->path, n,
	            n == 1 ? "" : "s");
}

static void
tests_stop(struct tui *t)
{
	if (tests.pid <= 0) {
		tui_message(t, "not judging");
		return;
	}
	/* a judge on a server (the remote backend) is asked first: on
	 * SIGTERM its child cancels the job there (AB), then ends; asked
	 * again, it is killed. Here, the child's keeper dies, and with it
	 * the sandbox. */
	if (backend_default()->judge_program != NULL && !tests.stopped)
		kill(tests.pid, SIGTERM);
	else
		kill(tests.pid, SIGKILL);
	tests.stopped = true;
}

/* ---- editing the tests ------------------------------------------------ */

/* Where a test's expected output goes when it has none yet. */
static char *
tests_answer_path(const struct test_case *tc)
{
	size_t n = strlen(tc->in_path);
	const char *base = strrchr(tc->in_path, '/');
	int num;
	char *p;

	base = base ? base + 1 : tc->in_path;
	if (sscanf(base, "in%d.txt", &num) == 1) {
		xasprintf(&p, "%.*sans%d.txt", (int)(base - tc->in_path),
		          tc->in_path, num);
		return p;
	}
	xasprintf(&p, "%.*s.ans", (int)(n - 3), tc->in_path);
	return p;
}

static bool
tests_writable(struct tui *t)
{
	if (tests.loaded && tests.ts.kind == TESTSET_COMPANION) {
		tui_message(t,
		            "%s is a competitive-companion file: read-only "
		            "here",
		            tests.path);
		return false;
	}
	return true;
}

static void
tests_edit_open(const char *in, const char *ans)
{
	for (int k = 0; k < 2; k++) {
		tests.edit[k] = xmalloc(sizeof *tests.edit[k]);
		editor_init(tests.edit[k], k == 0 ? in : ans);
		tests.edit[k]->message[0] = '\0';
	}
	tests.edit_focus = 0;
}

/* Saves both texts and goes back to the list; 0 when both are saved. */
static int
tests_edit_close(struct tui *t)
{
	bool changed =
	    editor_modified(tests.edit[0]) || editor_modified(tests.edit[1]);

	for (int k = 0; k < 2; k++)
		if ((editor_modified(tests.edit[k]) || tests.edit_new) &&
		    editor_save(tests.edit[k]) < 0) {
			tui_message(t, "%s", tests.edit[k]->message);
			tests.edit_focus = k;
			return -1;
		}
	tests_load();
	/* the test just written stays selected (a new one, too) */
	for (size_t i = 0; i < tests.ts.ntests; i++)
		if (tests.ts.tests[i].in_path &&
		    strcmp(tests.ts.tests[i].in_path, tests.edit[0]->path) ==
		        0) {
			tests.sel = i;
			if (changed) /* its verdict was of other data */
				tests.res[i].verdict = -1;
		}
	for (int k = 0; k < 2; k++) {
		editor_free(tests.edit[k]);
		free(tests.edit[k]);
		tests.edit[k] = NULL;
	}
	tests.edit_new = false;
	return 0;
}

static void
tests_edit(struct tui *t)
{
	const struct test_case *tc;
	cleanup_free char *ans = NULL;

	if (!tests_writable(t) || tests.ts.ntests == 0)
		return;
	tc = &tests.ts.tests[tests.sel];
	if (tc->in_path == NULL)
		return;
	ans = tc->ans_path ? xstrdup(tc->ans_path) : tests_answer_path(tc);
	tests_edit_open(tc->in_path, ans);
}

/* A path to show: relative to the source's directory when it is under
 * it, else in full. */
static const char *
tests_shown_path(const char *path)
{
	cleanup_free char *src = tests_dirname(tests.source);
	size_t n = strlen(src);

	if (strncmp(path, src, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

/* A new test's files: N.in created empty (and kept open: *fd) and N.ans's
 * path, N one past the largest number there and neither file there yet,
 * so that no test is ever overwritten. -1 after a message. */
static int
tests_new_files(struct tui *t, char **inp, char **ansp, int *fdp)
{
	cleanup_free char *dir = NULL;
	char *in = NULL, *ans = NULL, name[32];
	int fd = -1, next = 1;

	if (!tests_writable(t))
		return -1;
	if (tests.path == NULL) {
		cleanup_free char *stem = tests_stem(tests.source);
		xasprintf(&tests.path, "%s.tests", stem);
	}
	dir = tests.ts.kind == TESTSET_KATTIS && tests.loaded
	          ? util_path_join(tests.path, "data/secret")
	          : xstrdup(tests.path);
	if (util_mkdir_p(dir, 0755) < 0) {
		tui_message(t, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < tests.ts.ntests; i++) {
		const char *b = strrchr(tests.ts.tests[i].name, '/');
		int v = atoi(b ? b + 1 : tests.ts.tests[i].name);
		if (v >= next)
			next = v + 1;
	}
	for (; next <= 100000; next++) {
		free(in);
		free(ans);
		snprintf(name, sizeof name, "%d.in", next);
		in = util_path_join(dir, name);
		snprintf(name, sizeof name, "%d.ans", next);
		ans = util_path_join(dir, name);
		/* an answer without its input is someone's too */
		if (access(ans, F_OK) == 0 || errno != ENOENT)
			continue;
		fd = open(in, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		tui_message(t, "%s: %s", in,
		            strerror(next > 100000 ? EEXIST : errno));
		free(in);
		free(ans);
		return -1;
	}
	*inp = in;
	*ansp = ans;
	*fdp = fd;
	return 0;
}

/* n: a new test, empty, opened in the test editors. */
static void
tests_add(struct tui *t)
{
	char *in, *ans;
	int fd;

	if (tests_new_files(t, &in, &ans, &fd) < 0)
		return;
	close(fd);
	tests_edit_open(in, ans);
	tests.edit_new = true;
	/* where it went, always */
	tui_message(t, "new test %s: type its input; Tab: its expected output",
	            tests_shown_path(in));
	free(in);
	free(ans);
}

/* Why a recorded run cannot become a test; NULL: it can. */
const char *
tests_unsavable(const struct history_run *r)
{
	if (r->kind && strcmp(r->kind, "judge") == 0)
		return "is a judge of tests, not one run";
	if (r->file == NULL)
		return "has no file, so no tests to add to";
	if (r->verdict && strcmp(r->verdict, "CE") == 0)
		return "did not compile: it has no output";
	if (r->verdict && strcmp(r->verdict, "IE") == 0)
		return "did not run (the sandbox failed): it has no output";
	if (r->stdin_truncated)
		return r->stdin_len == 0 ? "kept no record of what was typed"
		                         : "kept only the start of its input";
	if (r->out_truncated)
		return "kept only the start of its output";
	if (r->stdin_len == 0 && r->out_len == 0)
		return "recorded no input and no output";
	return NULL;
}

/* A recorded run's input and output (what the program read and wrote:
 * on a terminal, without the echo of what was typed) as a new test of
 * its file, written where n writes one; never over an existing test. 0:
 * saved, and the message says where. */
int
tests_save_run(struct tui *t, const struct history_run *r)
{
	const char *why = tests_unsavable(r);
	char *in = NULL, *ans = NULL;
	const char *bad;
	int fd, afd = -1, rc = -1;

	char name[32] = "the run";

	if (r->id > 0)
		snprintf(name, sizeof name, "run %lld", (long long)r->id);
	if (why != NULL) {
		tui_message(t, "not saved as a test: %s %s", name, why);
		return -1;
	}
	if (tests.pid > 0) {
		tui_message(t, "not saved as a test: a judge is under way "
		               "(F7 shows it)");
		return -1;
	}
	if (tests.edit[0] && tests_edit_close(t) < 0)
		return -1;
	/* the buffer's own name for its file, when it is the run's, so
	 * that its tests' verdicts stay */
	{
		cleanup_free char *shown =
		    history_recorder_abspath(t->ed->path);
		tests_attach_to(strcmp(shown, r->file) == 0 ? t->ed->path
		                                            : r->file);
	}
	if (!tests.loaded && tests.path != NULL) {
		tui_message(t, "not saved as a test: %s", tests.problem);
		return -1;
	}
	if (tests_new_files(t, &in, &ans, &fd) < 0)
		return -1;
	bad = in;
	if (util_write_all(fd, r->stdin_data, r->stdin_len) == 0 &&
	    close(fd) == 0) {
		bad = ans;
		afd = open(ans, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (afd >= 0 && util_write_all(afd, r->out, r->out_len) == 0 &&
		    close(afd) == 0)
			bad = NULL;
		else if (afd >= 0) {
			int e = errno;
			(void)unlink(ans); /* ours, half written */
			errno = e;
		}
	} else {
		int e = errno;
		close(fd);
		errno = e;
	}
	if (bad != NULL) {
		tui_message(t, "not saved as a test: %s: %s", bad,
		            strerror(errno));
		(void)unlink(in);
	} else {
		const char *base = strrchr(ans, '/');
		tui_message(t, "%s saved as a new test: %s and %s (F6 judges)",
		            name, tests_shown_path(in), base ? base + 1 : ans);
		rc = 0;
	}
	tests_load();
	free(in);
	free(ans);
	return rc;
}

static void
tests_delete(struct tui *t)
{
	const struct test_case *tc = &tests.ts.tests[tests.sel];

	if ((tc->in_path && unlink(tc->in_path) < 0) ||
	    (tc->ans_path && unlink(tc->ans_path) < 0))
		tui_message(t, "not deleted: %s", strerror(errno));
	else
		tui_message(t, "deleted test %s", tc->name);
	tests_load();
}

static void
tests_copy(struct tui *t)
{
	const struct test_case *tc = &tests.ts.tests[tests.sel];
	struct tests_result *r = &tests.res[tests.sel];
	cleanup_free char *ans = NULL;
	struct buffer *b;
	char err[512];

	if (r->verdict < 0 ||
	    (r->verdict != VERDICT_WA && r->verdict != VERDICT_AC &&
	     r->verdict != VERDICT_OK)) {
		tui_message(t, "test %s has no output to copy: judge it first",
		            tc->name);
		return;
	}
	if (r->truncated) {
		tui_message(t, "the output is longer than shown: not copied");
		return;
	}
	ans = tc->ans_path ? xstrdup(tc->ans_path) : tests_answer_path(tc);
	/* the buffer's save: atomic, so a crash leaves the old answer */
	b = buffer_new();
	buffer_load_string(b, r->actual.data ? r->actual.data : "",
	                   r->actual.len);
	if (buffer_save(b, ans, err, sizeof err) < 0)
		tui_message(t, "not copied: %s", err);
	else {
		tui_message(t,
		            "the output of test %s is its expected output now",
		            tc->name);
		r->verdict = -1;
	}
	buffer_free(b);
	tests_load();
}

/* ---- drawing ----------------------------------------------------------- */

/* The start of a test's input or answer: a gigabyte is not read to
 * show a screenful. */
static void
tests_read_head(const char *path, const char *data, size_t len, struct buf *b)
{
	char tmp[65536];
	ssize_t n;
	int fd;

	buf_init(b, 0);
	if (data) {
		buf_add(b, data, len < TESTS_SHOW_MAX ? len : TESTS_SHOW_MAX);
		return;
	}
	if (path == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	while (b->len < TESTS_SHOW_MAX && (n = read(fd, tmp, sizeof tmp)) > 0)
		buf_add(b, tmp, (size_t)n);
	close(fd);
}

static void
tests_read_shown(void)
{
	const struct test_case *tc;

	if (tests.shown.index == tests.sel || tests.sel >= tests.ts.ntests)
		return;
	tests_forget_shown();
	tests.shown.index = tests.sel;
	tc = &tests.ts.tests[tests.sel];
	tests_read_head(tc->in_path, tc->in_data, tc->in_len, &tests.shown.in);
	tests_read_head(tc->ans_path, tc->ans_data, tc->ans_len,
	                &tests.shown.ans);
}

/* The line and byte where a and b first differ, ignoring trailing
 * blanks; false when no line differs. */
static bool
tests_first_diff(const char *a, size_t alen, const char *b, size_t blen,
                 size_t *line, size_t *col)
{
	size_t ia = 0, ib = 0;

	for (*line = 0;; (*line)++) {
		size_t ea = ia, eb = ib, na, nb, k;

		if (ia >= alen && ib >= blen)
			return false;
		while (ea < alen && a[ea] != '\n')
			ea++;
		while (eb < blen && b[eb] != '\n')
			eb++;
		na = ea - ia;
		nb = eb - ib;
		while (na > 0 &&
		       (a[ia + na - 1] == ' ' || a[ia + na - 1] == '\r' ||
		        a[ia + na - 1] == '\t'))
			na--;
		while (nb > 0 &&
		       (b[ib + nb - 1] == ' ' || b[ib + nb - 1] == '\r' ||
		        b[ib + nb - 1] == '\t'))
			nb--;
		for (k = 0; k < na && k < nb && a[ia + k] == b[ib + k]; k++)
			;
		if (k < na || k < nb || (ia >= alen) != (ib >= blen)) {
			*col = k;
			return true;
		}
		ia = ea + 1;
		ib = eb + 1;
	}
}

/* Lines of text from line first, in a box; mark_line from mark_col on
 * drawn as the difference. Returns the number of lines of text. */
static size_t
tests_draw_text(WINDOW *w, int y, int x, int width, int height,
                const struct buf *text, size_t first, enum theme_element el,
                size_t mark_line, size_t mark_col)
{
	const char *s = text->data ? text->data : "";
	size_t len = text->len, line = 0, i = 0, left = 0;

	/* a difference far to the right: shown, with what leads to it */
	if (mark_line != SIZE_MAX && mark_col >= (size_t)width)
		left = mark_col - (size_t)width / 2;
	while (i < len || (i == len && line == 0)) {
		size_t e = i;

		while (e < len && s[e] != '\n')
			e++;
		if (line >= first && (int)(line - first) < height) {
			int row = y + (int)(line - first), cx = x;

			size_t k = i + left;

			/* (never from the middle of a character) */
			while (k < e && left > 0 &&
			       ((unsigned char)s[k] & 0xC0) == 0x80)
				k++;
			while (k < e && cx < x + width) {
				bool marked =
				    line == mark_line && k - i >= mark_col;
				attr_t a =
				    theme_attr(marked ? THEME_DIFF_MARK : el);
				long cp;
				size_t n = text_decode(s + k, e - k, &cp);

				if (cp == '\r') {
					/* a CR before the line's end */
					wattrset(w, a);
					mvwaddch(w, row, cx++, '~');
				} else if (text_draw(w, row, cx, x + width - cx,
				                     s + k, n, a) < n)
					break;
				else
					cx += (int)text_width(s + k, n);
				k += n;
			}
			if (line == mark_line && e - i <= mark_col + left &&
			    cx < x + width) {
				/* the line ends where the other goes on */
				wattrset(w, theme_attr(THEME_DIFF_MARK));
				mvwaddch(w, row, cx, ' ');
			}
		}
		line++;
		if (e >= len)
			break;
		i = e + 1;
	}
	wattrset(w, A_NORMAL);
	return line;
}

static void
tests_draw_edit(WINDOW *w)
{
	int rows, cols, half, cy = 0, cx = 0;

	getmaxyx(w, rows, cols);
	half = cols / 2;
	for (int k = 0; k < 2; k++) {
		int x = k ? half + 1 : 0, width = k ? cols - half - 1 : half;
		const char *label = k == 0 ? "input" : "expected output";
		bool focus = tests.edit_focus == k;
		WINDOW *sub = derwin(w, rows - 1, width, 1, x);

		wattrset(w,
		         theme_attr(focus ? THEME_BORDER_FOCUS : THEME_BORDER));
		mvwprintw(w, 0, x, "%s%s%s %.*s", focus ? "[" : " ", label,
		          focus ? "]" : " ", width - (int)strlen(label) - 4,
		          tests.edit[k]->path);
		wattrset(w, A_NORMAL);
		if (sub == NULL)
			continue;
		editor_draw(tests.edit[k], sub, focus);
		if (focus) {
			/* the cursor: where the focused editor put it */
			getyx(sub, cy, cx);
			cy += 1;
			cx += x;
		}
		delwin(sub);
	}
	wattrset(w, theme_attr(THEME_BORDER));
	mvwvline(w, 1, half, ACS_VLINE, rows - 1);
	wattrset(w, A_NORMAL);
	wmove(w, cy, cx);
	curs_set(1);
}

static const char *
tests_kind_name(void)
{
	if (!tests.loaded)
		return "";
	return tests.ts.kind == TESTSET_KATTIS      ? " (problem package)"
	       : tests.ts.kind == TESTSET_COMPANION ? " (companion file)"
	                                            : "";
}

static void
tests_draw_list(WINDOW *w, int y, int height, int cols)
{
	if (tests.sel < tests.top)
		tests.top = tests.sel;
	if (tests.sel >= tests.top + (size_t)height)
		tests.top = tests.sel - (size_t)height + 1;
	for (int k = 0; k < height; k++) {
		size_t i = tests.top + (size_t)k;
		const struct tests_result *r;
		char mem[32] = "", time[32] = "";
		const char *v;

		if (i >= tests.ts.ntests)
			break;
		r = &tests.res[i];
		v = r->running        ? "..."
		    : r->queued       ? "wait"
		    : r->verdict >= 0 ? verdict_name(r->verdict)
		                      : "-";
		if (r->verdict >= 0) {
			limits_format_size(r->r.mem_kb * 1024, mem, sizeof mem);
			snprintf(time, sizeof time, "%.3fs",
			         (double)r->r.time_ms / 1000.0);
		}
		wattrset(w, theme_attr(i == tests.sel ? THEME_LIST_CURSOR
		                                      : THEME_NORMAL));
		mvwhline(w, y + k, 0, ' ', cols);
		mvwprintw(w, y + k, 0, "%c %-24.24s ",
		          i == tests.sel ? '>' : ' ', tests.ts.tests[i].name);
		if (r->verdict >= 0 && !r->running && !r->queued)
			wattrset(w, theme_attr(theme_verdict(r->verdict)));
		wprintw(w, "%-4s", v);
		wattrset(w, theme_attr(i == tests.sel ? THEME_LIST_CURSOR
		                                      : THEME_NORMAL));
		wprintw(w, " %8s %8s  %s  %.*s", time, mem,
		        tests.disabled[i] ? "off" : "   ",
		        cols > 60 ? cols - 60 : 0,
		        r->verdict >= 0 && !verdict_good(r->verdict)
		            ? r->r.detail
		            : "");
	}
	wattrset(w, A_NORMAL);
}

/* The selected test: expected and actual side by side, then stderr. */
static void
tests_draw_detail(WINDOW *w, int y, int rows, int cols)
{
	const struct tests_result *r = &tests.res[tests.sel];
	int half = cols / 2, text_rows, err_rows = 0;
	size_t mark_line = SIZE_MAX, mark_col = 0;
	bool ran = r->verdict >= 0;
	const char *err = r->r.stderr_head;
	char *shown;

	tests_read_shown();
	if (ran && r->verdict == VERDICT_WA &&
	    !tests_first_diff(tests.shown.ans.data, tests.shown.ans.len,
	                      r->actual.data, r->actual.len, &mark_line,
	                      &mark_col))
		mark_line = SIZE_MAX;
	if (ran)
		err_rows = rows / 4 < TESTS_STDERR ? rows / 4 : TESTS_STDERR;
	text_rows = rows - 2 - err_rows - (ran ? 1 : 0);
	if (text_rows < 1)
		return;
	if (tests.scroll == SIZE_MAX)
		tests.scroll =
		    mark_line != SIZE_MAX && mark_line > 2 ? mark_line - 2 : 0;
	wattrset(w, theme_attr(THEME_BORDER));
	mvwhline(w, y, 0, ACS_HLINE, cols);
	if (ran) {
		mvwprintw(w, y, 1, " expected ");
		mvwprintw(w, y, half + 1, " actual%s ",
		          r->truncated ? " (the first 1M)" : "");
	} else
		mvwprintw(w, y, 1, " input ");
	if (!ran)
		mvwprintw(w, y, half + 1, " expected ");
	mvwvline(w, y + (ran ? 2 : 1), half, ACS_VLINE, text_rows);
	wattrset(w, A_NORMAL);
	if (ran) {
		wattrset(w, theme_attr(theme_verdict(r->verdict)));
		mvwprintw(w, y + 1, 0, "%s", verdict_name(r->verdict));
		wattrset(w, A_NORMAL);
		{
			/* a checker's detail may quote the program */
			char *d = escape_cstr(r->r.detail, false);
			wprintw(w, " %.*s", half - 8, d);
			free(d);
		}
		if (r->r.diff[0])
			mvwprintw(w, y + 1, half + 1, "%.*s", cols - half - 2,
			          r->r.diff);
		y++;
	}
	tests_draw_text(w, y + 1, 0, half, text_rows,
	                ran ? &tests.shown.ans : &tests.shown.in, tests.scroll,
	                THEME_DIFF_EXPECTED, mark_line, mark_col);
	if (ran)
		tests_draw_text(w, y + 1, half + 1, cols - half - 1, text_rows,
		                &r->actual, tests.scroll, THEME_DIFF_ACTUAL,
		                mark_line, mark_col);
	else
		tests_draw_text(w, y + 1, half + 1, cols - half - 1, text_rows,
		                &tests.shown.ans, tests.scroll,
		                THEME_DIFF_EXPECTED, SIZE_MAX, 0);
	if (!ran)
		return;
	y += 1 + text_rows;
	wattrset(w, theme_attr(THEME_BORDER));
	mvwhline(w, y, 0, ACS_HLINE, cols);
	mvwprintw(w, y, 1, " stderr%s ", err[0] ? "" : ": nothing");
	wattrset(w, A_NORMAL);
	/* the program's bytes, escaped as every report shows them */
	shown = escape_cstr(err, true);
	err = shown;
	for (int k = 0; k < err_rows && *err; k++) {
		size_t n = strcspn(err, "\n");
		text_draw(w, y + 1 + k, 1, cols - 2, err, n, A_NORMAL);
		err += n;
		if (*err == '\n')
			err++;
	}
	free(shown);
}

static void
tests_draw(struct tui *t, WINDOW *w)
{
	int rows, cols, list;
	size_t good = 0, run = 0;

	(void)t;
	getmaxyx(w, rows, cols);
	if (tests.edit[0]) {
		tests_draw_edit(w);
		return;
	}
	curs_set(0);
	for (size_t i = 0; i < tests.ts.ntests; i++)
		if (tests.res[i].verdict >= 0 && !tests.res[i].queued) {
			run++;
			good += verdict_good(tests.res[i].verdict);
		}
	wattrset(w, theme_attr(THEME_BORDER_FOCUS));
	mvwprintw(w, 0, 0, " tests of %s: ", tests.source);
	wattrset(w, A_NORMAL);
	wprintw(w, "%s%s  ", tests.path ? tests.path : "none yet",
	        tests_kind_name());
	if (run)
		wprintw(w, "%zu/%zu passed  ", good, run);
	if (tests.pid > 0)
		wprintw(w, "[judging: x stops]  ");
	if (tests.comp)
		wprintw(w, "companion: 127.0.0.1:%d  ",
		        companion_port(tests.comp));
	if (tests.time_note[0])
		tests_draw_limits(w, cols - getcurx(w));
	if (tests.prompting) {
		wattrset(w, theme_attr(THEME_DIALOG));
		mvwhline(w, 1, 0, ' ', cols);
		mvwprintw(w, 1, 0,
		          "test set (a directory, a package or a JSON "
		          "file): %s",
		          tests.prompt);
		wattrset(w, A_NORMAL);
		curs_set(1);
		return;
	}
	if (!tests.loaded || tests.ts.ntests == 0) {
		mvwprintw(w, 2, 2, "%s",
		          tests.problem[0] ? tests.problem
		                           : "No tests yet for this file.");
		mvwprintw(w, 4, 2,
		          "n adds a test; o opens a test set; by convention, "
		          "for dir/a.cpp:");
		mvwprintw(w, 5, 4,
		          "dir/a.tests/, dir/a/, dir/a.json, the "
		          "problem package it is in, dir/tests/");
		return;
	}
	if (tests.build_verdict >= 0) {
		struct buf msg;
		buf_init(&msg, 0);
		buf_printf(&msg, "%s: %s\n", verdict_name(tests.build_verdict),
		           tests.build_detail);
		buf_add(&msg, tests.compile.data, tests.compile.len);
		wattrset(w, theme_attr(theme_verdict(tests.build_verdict)));
		mvwprintw(w, 1, 0, "the build failed");
		tests_draw_text(w, 2, 0, cols, rows - 2, &msg, 0, THEME_NORMAL,
		                SIZE_MAX, 0);
		buf_free(&msg);
		return;
	}
	list =
	    (int)tests.ts.ntests < rows / 3 ? (int)tests.ts.ntests : rows / 3;
	if (list < 1)
		list = 1;
	tests_draw_list(w, 1, list, cols);
	tests_draw_detail(w, 1 + list, rows - 1 - list, cols);
}

/* ---- keys -------------------------------------------------------------- */

static int
tests_key_edit(struct tui *t, int key, bool is_key)
{
	int rows, cols;

	if (!is_key && (key == 27 || key == TUI_CTRL('S'))) {
		(void)tests_edit_close(t);
		return TUI_KEY_HANDLED;
	}
	if (!is_key && key == '\t') {
		tests.edit_focus = !tests.edit_focus;
		return TUI_KEY_HANDLED;
	}
	getmaxyx(stdscr, rows, cols);
	(void)cols;
	editor_key(tests.edit[tests.edit_focus], key, is_key,
	           rows > 6 ? rows - 5 : 1);
	return TUI_KEY_HANDLED;
}

static int
tests_key_prompt(struct tui *t, int key, bool is_key)
{
	size_t n = strlen(tests.prompt);

	if (!is_key && key == 27)
		tests.prompting = false;
	else if ((is_key && key == KEY_BACKSPACE) ||
	         (!is_key && (key == 127 || key == 8))) {
		if (n > 0)
			tests.prompt[n - 1] = '\0';
	} else if ((is_key && key == KEY_ENTER) ||
	           (!is_key && (key == '\r' || key == '\n'))) {
		tests.prompting = false;
		if (n == 0)
			return TUI_KEY_HANDLED;
		free(tests.chosen_for);
		free(tests.chosen);
		tests.chosen_for = xstrdup(tests.source);
		tests.chosen = xstrdup(tests.prompt);
		tests_attach(t);
		if (!tests.loaded)
			tui_message(t, "%s", tests.problem);
	} else if (!is_key && key >= 32 && key < 127 &&
	           n + 1 < sizeof tests.prompt)
		tests.prompt[n] = (char)key, tests.prompt[n + 1] = '\0';
	return TUI_KEY_HANDLED;
}

static int
tests_key(struct tui *t, int key, bool is_key)
{
	int armed = tests.armed;

	if (tests.edit[0])
		return tests_key_edit(t, key, is_key);
	if (tests.prompting)
		return tests_key_prompt(t, key, is_key);
	tests.armed = 0;
	if (is_key) {
		switch (key) {
		case KEY_UP:
			if (tests.sel > 0)
				tests.sel--, tests.scroll = SIZE_MAX;
			return TUI_KEY_HANDLED;
		case KEY_DOWN:
			if (tests.sel + 1 < tests.ts.ntests)
				tests.sel++, tests.scroll = SIZE_MAX;
			return TUI_KEY_HANDLED;
		case KEY_NPAGE:
			if (tests.scroll != SIZE_MAX)
				tests.scroll += 5;
			return TUI_KEY_HANDLED;
		case KEY_PPAGE:
			tests.scroll =
			    tests.scroll == SIZE_MAX || tests.scroll < 5
			        ? 0
			        : tests.scroll - 5;
			return TUI_KEY_HANDLED;
		case KEY_ENTER:
			key = '\r';
			break;
		default:
			return TUI_KEY_IGNORED;
		}
	}
	switch (key) {
	case 'q':
	case 27:
		return TUI_KEY_CLOSE;
	case '\r':
	case '\n':
		if (tests.ts.ntests)
			tests_start(t, tests.sel);
		return TUI_KEY_HANDLED;
	case 'a':
		tests_start(t, SIZE_MAX);
		return TUI_KEY_HANDLED;
	case 'x':
	case TUI_CTRL('C'):
		tests_stop(t);
		return TUI_KEY_HANDLED;
	case 'n':
		tests_add(t);
		return TUI_KEY_HANDLED;
	case 'o':
		tests.prompting = true;
		snprintf(tests.prompt, sizeof tests.prompt, "%s",
		         tests.path ? tests.path : "");
		return TUI_KEY_HANDLED;
	case 'L':
		if (tests.comp) {
			tests_companion_stop(t);
			tui_message(t, "the companion listener is stopped");
		} else
			tests_listen(t, COMPANION_PORT);
		return TUI_KEY_HANDLED;
	}
	if (tests.ts.ntests == 0 || tests.pid > 0) {
		bool mine =
		    key == ' ' || key == 'e' || key == 'c' || key == 'D';
		if (tests.pid > 0 && mine)
			tui_message(t, "judging: x stops it first");
		return mine ? TUI_KEY_HANDLED : TUI_KEY_IGNORED;
	}
	switch (key) {
	case ' ':
		if (!tests_writable(t))
			break;
		tests.disabled[tests.sel] = !tests.disabled[tests.sel];
		tests_save_disabled(t);
		break;
	case 'e':
		tests_edit(t);
		break;
	case 'c':
	case 'D':
		if (!tests_writable(t))
			break;
		if (armed != key) {
			tests.armed = key;
			tui_message(t,
			            key == 'c'
			                ? "c again: the actual output of "
			                  "%s replaces its expected one"
			                : "D again: test %s's files are "
			                  "deleted",
			            tests.ts.tests[tests.sel].name);
		} else if (key == 'c')
			tests_copy(t);
		else
			tests_delete(t);
		break;
	default:
		return TUI_KEY_IGNORED;
	}
	return TUI_KEY_HANDLED;
}

static void
tests_close(struct tui *t)
{
	(void)t;
	tests.prompting = false;
	if (tests.edit[0])
		(void)tests_edit_close(t);
	curs_set(1);
}

/* F7: the view, on the current buffer's tests. */
void
tests_open(struct tui *t)
{
	if (tests.edit[0] == NULL)
		tests_attach(t);
	tui_open_view(t, &tests_view);
}

/* F6: judge the current buffer on its tests, in the view. */
void
tests_judge(struct tui *t)
{
	if (tests.edit[0] && tests_edit_close(t) < 0)
		return;
	tests_attach(t);
	tui_open_view(t, &tests_view);
	if (tests.ts.ntests == 0 && !tests.loaded && tests.problem[0]) {
		tui_message(t, "%s", tests.problem);
		return;
	}
	tests_start(t, SIZE_MAX);
}

/* ---- competitive-companion -------------------------------------------- */

static void tests_companion_ready(struct tui *, void *);

/* A problem received: its file and tests written, the file opened with
 * the problem's limits. */
static void
tests_receive(struct tui *t, const struct companion_problem *p)
{
	const struct language *lang =
	    t->ed->lang ? t->ed->lang : lang_find_id(&t->langs, "cpp");
	char *source, *dir, err[512];
	size_t tlen = 0;
	cleanup_free char *tmpl = lang_template(lang, &tlen);
	bool fresh;

	if (companion_save(p, tests.comp_dir,
	                   lang && lang->extensions ? lang->extensions[0] : "",
	                   tmpl, tlen, &source, &dir, &fresh, err,
	                   sizeof err) < 0) {
		tui_message(t, "companion: %s not written: %s", p->name, err);
		return;
	}
	if (tui_open_buffer(t, source, NULL, 0) != NULL) {
		if (p->time_ms)
			t->limits.cpu_ms = p->time_ms;
		if (p->mem_bytes)
			t->limits.mem_bytes = p->mem_bytes;
		tests_attach(t);
		tui_message(t, "%s %s: %s, %zu tests in %s", p->name,
		            fresh ? "received" : "received again", source,
		            p->ntests, dir);
	}
	free(source);
	free(dir);
}

static void
tests_companion_tick(struct tui *t, void *arg)
{
	tests_companion_ready(t, arg);
}

static void
tests_companion_ready(struct tui *t, void *arg)
{
	struct companion_problem p;
	char err[512];
	int r;

	(void)arg;
	while (tests.comp &&
	       (r = companion_step(tests.comp, &p, err, sizeof err)) != 0) {
		if (r < 0)
			tui_message(t, "companion: %s", err);
		else {
			tests_receive(t, &p);
			companion_problem_free(&p);
		}
	}
	/* a client connected: its deadline is checked every second */
	tui_unwatch(t, tests_companion_tick, &tests);
	if (tests.comp && companion_busy(tests.comp))
		tui_after(t, 1000, tests_companion_tick, &tests);
}

/* The port of --companion[=PORT]: "" is the default; -1 when bad. */
int
tests_companion_port(const char *arg)
{
	char *end;
	long v;

	if (*arg == '\0')
		return COMPANION_PORT;
	if (*arg != '=')
		return -1;
	v = strtol(arg + 1, &end, 10);
	return *end == '\0' && end != arg + 1 && v > 0 && v < 65536 ? (int)v
	                                                            : -1;
}

/* Listens for competitive-companion on 127.0.0.1:port; problems are
 * written next to the first file opened. */
int
tests_listen(struct tui *t, int port)
{
	char err[512];

	if (tests.comp)
		return 0;
	tests.comp = companion_listen(port, err, sizeof err);
	if (tests.comp == NULL) {
		tui_message(t, "companion: %s", err);
		return -1;
	}
	if (tui_watch(t, companion_fd(tests.comp), tests_companion_ready,
	              &tests) < 0) {
		companion_close(tests.comp);
		tests.comp = NULL;
		tui_message(t, "companion: too many things to watch");
		return -1;
	}
	free(tests.comp_dir);
	tests.comp_dir = tests_dirname(t->eds[0]->path);
	tui_message(t, "companion: listening on 127.0.0.1:%d", port);
	return 0;
}

void
tests_companion_stop(struct tui *t)
{
	if (tests.comp == NULL)
		return;
	tui_unwatch(t, tests_companion_ready, &tests);
	tui_unwatch(t, tests_companion_tick, &tests);
	companion_close(tests.comp);
	tests.comp = NULL;
}

/* At exit: no judge left behind, the port closed. */
void
tests_free(struct tui *t)
{
	if (tests.pid > 0) {
		/* a server's judge: its job cancelled there, within
		 * TESTS_STOP_MS; then, or here, killed */
		bool gone = false;

		if (backend_default()->judge_program != NULL) {
			kill(tests.pid, SIGTERM);
			for (int i = 0; i < TESTS_STOP_MS / 20 && !gone; i++) {
				gone = waitpid(tests.pid, NULL, WNOHANG) != 0;
				if (!gone)
					usleep(20 * 1000);
			}
		}
		if (!gone)
			kill(tests.pid, SIGKILL);
		else
			tests.pid = -1; /* reaped: not to be waited for */
		tests_finish(t);
	}
	tests_companion_stop(t);
	if (tests.edit[0])
		(void)tests_edit_close(t);
	for (size_t i = 0; i < tests.ts.ntests; i++)
		buf_free(&tests.res[i].actual);
	free(tests.res);
	free(tests.disabled);
	testset_free(&tests.ts);
	tests_forget_shown();
	buf_free(&tests.pending);
	buf_free(&tests.compile);
	free(tests.source);
	free(tests.path);
	free(tests.chosen_for);
	free(tests.chosen);
	free(tests.comp_dir);
}
