/* The lab view: the problems of a lab's server ($FORGE_SERVER, with the
 * token in $FORGE_TOKEN, as forge submit takes them), the buffer
 * submitted to one of them with its verdict per test coming back live,
 * the scoreboard for a teacher, and the submissions: one opened (its
 * source, its verdict per test, who and when), two diffed, one's test
 * replayed (its output, usage timeline, verdict then and now). A teacher
 * sees everyone's, a student their own (the server decides). The
 * workbench speaks no HTTP of its own: each of these is forge's command
 * (forge lab list --json, forge submit, forge lab board, forge lab
 * submissions --json, forge lab show|diff|replay) in a child process
 * whose output the view reads through the loop's watch, so the screen
 * never waits on the network. What it shows is the view's, read-only:
 * no buffer is touched. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tui/tui.h"

enum labview_job {
	LABVIEW_NONE,
	LABVIEW_LIST,
	LABVIEW_SUBMIT,
	LABVIEW_BOARD,
	LABVIEW_SUBS,
	LABVIEW_SHOW,
	LABVIEW_DIFF,
	LABVIEW_REPLAY,
};

/* A submission of forge lab submissions --json's list. */
struct labview_sub {
	long long id;
	char line[128]; /* as the list shows it */
	char student[64];
};

static struct {
	char **problems; /* the open ones, from forge lab list --json */
	size_t nproblems;
	int row;
	bool subs_shown; /* the list is the submissions, not the problems */
	struct labview_sub *all; /* as the server listed them */
	size_t nall;
	struct labview_sub *subs; /* those shown: all, or one student's */
	size_t nsubs;
	char only[64]; /* the student shown, or "" */
	int subrow;
	long long mark;         /* the submission marked for a diff, or 0 */
	enum labview_job job;   /* the child running, if any */
	enum labview_job shown; /* whose output is below the list */
	pid_t pid;
	int fd;
	struct buf out;      /* what it printed */
	int top;             /* its first line shown; -1: its last lines */
	int page, lines;     /* how many of its lines fit, and are, when
	                        last drawn */
	char title[128];     /* what the output below the list is */
	char copy[PATH_MAX]; /* the submitted buffer's copy, while it is */
} labview = {.fd = -1, .top = -1};

/* The buffer's copy goes once forge submit has ended. */
static void
labview_uncopy(void)
{
	char *slash;

	if (labview.copy[0] == '\0')
		return;
	unlink(labview.copy);
	if ((slash = strrchr(labview.copy, '/')) != NULL) {
		*slash = '\0';
		rmdir(labview.copy);
	}
	labview.copy[0] = '\0';
}

/* forge beside forge-tui (a build tree, or installed so), else forge in
 * $PATH. */
static void
labview_forge(char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(out, len, "%s/forge", self);
			if (access(out, X_OK) == 0)
				return;
		}
	}
	snprintf(out, len, "forge");
}

static void
labview_reap(void)
{
	if (labview.fd >= 0)
		close(labview.fd);
	labview.fd = -1;
	if (labview.pid > 0)
		(void)waitpid(labview.pid, NULL, 0);
	labview.pid = 0;
}

static void labview_ready(struct tui *, void *);

/* The command still running, stopped. */
static void
labview_stop(struct tui *t)
{
	if (labview.pid > 0) {
		tui_unwatch(t, labview_ready, NULL);
		kill(labview.pid, SIGTERM);
		labview_reap();
	}
	labview.job = LABVIEW_NONE;
}

/* A command is still running (or ending): said, and nothing else
 * starts meanwhile. */
static bool
labview_busy(struct tui *t)
{
	if (labview.job == LABVIEW_NONE)
		return false;
	tui_message(t, "the lab: wait for the last command to end");
	return true;
}

/* argv's command in a child, its stdout and stderr to the view. */
static int
labview_spawn(struct tui *t, enum labview_job job, const char *const argv[])
{
	int p[2];
	pid_t pid;

	if (labview_busy(t))
		return -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		setenv("NO_COLOR", "1", 1);
		execvp(argv[0], (char *const *)argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	labview.pid = pid;
	labview.fd = p[0];
	labview.job = job;
	labview.shown = job;
	labview.top =
	    job == LABVIEW_SHOW || job == LABVIEW_DIFF || job == LABVIEW_REPLAY
	        ? 0
	        : -1;
	buf_reset(&labview.out);
	if (tui_watch(t, p[0], labview_ready, NULL) < 0) {
		kill(pid, SIGKILL);
		labview_reap();
		labview.job = LABVIEW_NONE;
		return -1;
	}
	return 0;
}

static void
labview_free_problems(void)
{
	for (size_t i = 0; i < labview.nproblems; i++)
		free(labview.problems[i]);
	free(labview.problems);
	labview.problems = NULL;
	labview.nproblems = 0;
}

/* forge lab list --json's answer: the open problems; the row on the one
 * named as the buffer's file is (mul.py: mul). */
static void
labview_take_list(struct tui *t)
{
	struct jsonparse_error pe;
	struct jsonparse_value *v = jsonparse_parse(
	    labview.out.data ? labview.out.data : "", labview.out.len, &pe);
	const struct jsonparse_value *ps = jsonparse_get(v, "problems");
	const char *base = strrchr(t->ed->path, '/');
	size_t stem;

	base = base ? base + 1 : t->ed->path;
	stem = strcspn(base, ".");
	labview_free_problems();
	labview.row = 0;
	for (size_t i = 0; i < jsonparse_len(ps); i++) {
		const struct jsonparse_value *p = jsonparse_at(ps, i);
		const char *name =
		    jsonparse_string(jsonparse_get(p, "name"), NULL);

		if (name == NULL ||
		    !jsonparse_is(jsonparse_get(p, "open"), JSONPARSE_TRUE))
			continue;
		if (strlen(name) == stem && strncmp(name, base, stem) == 0)
			labview.row = (int)labview.nproblems;
		labview.problems =
		    xrealloc(labview.problems, (labview.nproblems + 1) *
		                                   sizeof *labview.problems);
		labview.problems[labview.nproblems++] = xstrdup(name);
	}
	if (v != NULL) {
		buf_reset(&labview.out);
		snprintf(labview.title, sizeof labview.title,
		         "%zu open problem%s", labview.nproblems,
		         labview.nproblems == 1 ? "" : "s");
	} else
		snprintf(labview.title, sizeof labview.title,
		         "the lab's server did not answer");
	jsonparse_free(v);
}

static const char *
labview_str(const struct jsonparse_value *o, const char *key, const char *def)
{
	const char *v = jsonparse_string(jsonparse_get(o, key), NULL);

	return v != NULL ? v : def;
}

static void
labview_free_subs(void)
{
	free(labview.all);
	free(labview.subs);
	labview.all = labview.subs = NULL;
	labview.nall = labview.nsubs = 0;
	labview.subrow = 0;
}

/* The submissions shown: the listed ones, of one student if so chosen. */
static void
labview_filter(void)
{
	free(labview.subs);
	labview.subs = xcalloc(labview.nall + 1, sizeof *labview.subs);
	labview.nsubs = 0;
	labview.subrow = 0;
	for (size_t i = 0; i < labview.nall; i++)
		if (labview.only[0] == '\0' ||
		    strcmp(labview.all[i].student, labview.only) == 0)
			labview.subs[labview.nsubs++] = labview.all[i];
	snprintf(labview.title, sizeof labview.title,
	         "%zu submission%s%s%s: Enter opens one", labview.nsubs,
	         labview.nsubs == 1 ? "" : "s", labview.only[0] ? " by " : "",
	         labview.only);
}

/* forge lab submissions --json's answer: the list, newest first; what
 * else it said (a refusal, the server down) stays below it. */
static void
labview_take_subs(void)
{
	struct jsonparse_error pe;
	struct jsonparse_value *v = jsonparse_parse(
	    labview.out.data ? labview.out.data : "", labview.out.len, &pe);

	if (v == NULL || !jsonparse_is(v, JSONPARSE_ARRAY)) {
		snprintf(labview.title, sizeof labview.title,
		         "the submissions: the server did not list them");
		jsonparse_free(v);
		return;
	}
	labview_free_subs();
	labview.all = xcalloc(jsonparse_len(v) + 1, sizeof *labview.all);
	for (size_t i = 0; i < jsonparse_len(v); i++) {
		const struct jsonparse_value *o = jsonparse_at(v, i);
		struct labview_sub *s = &labview.all[labview.nall];
		const char *verdict =
		    labview_str(o, "verdict", labview_str(o, "status", "?"));

		if (!jsonparse_is(jsonparse_get(o, "id"), JSONPARSE_NUMBER))
			continue;
		s->id = (long long)jsonparse_number(jsonparse_get(o, "id"));
		snprintf(s->student, sizeof s->student, "%s",
		         labview_str(o, "student", "-"));
		snprintf(s->line, sizeof s->line,
		         "%-5lld %-12.12s %-12.12s %-7s %s", s->id, s->student,
		         labview_str(o, "problem", "?"), verdict,
		         labview_str(o, "created", ""));
		labview.nall++;
	}
	jsonparse_free(v);
	buf_reset(&labview.out);
	labview.subs_shown = true;
	labview_filter();
}

/* The child's output as it comes; at its end, what it means. */
static void
labview_ready(struct tui *t, void *arg)
{
	char chunk[4096];
	ssize_t n;

	(void)arg;
	n = read(labview.fd, chunk, sizeof chunk);
	if (n > 0) {
		buf_add(&labview.out, chunk, (size_t)n);
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	tui_unwatch(t, labview_ready, NULL);
	labview_reap();
	if (labview.job == LABVIEW_LIST)
		labview_take_list(t);
	else if (labview.job == LABVIEW_SUBS)
		labview_take_subs();
	labview_uncopy();
	labview.job = LABVIEW_NONE;
}

static void
labview_list(struct tui *t)
{
	char forge[PATH_MAX];
	const char *argv[] = {forge, "lab", "list", "--json", NULL};

	labview_forge(forge, sizeof forge);
	snprintf(labview.title, sizeof labview.title, "asking %s",
	         getenv("FORGE_SERVER") ? getenv("FORGE_SERVER")
	                                : "http://127.0.0.1:8080");
	if (labview_spawn(t, LABVIEW_LIST, argv) < 0)
		snprintf(labview.title, sizeof labview.title,
		         "cannot run forge: %s", strerror(errno));
}

/* The buffer as it is now, in a file of its name (in a directory of
 * its own) for forge submit. */
static int
labview_copy(struct tui *t, char *path, size_t len)
{
	const char *base = strrchr(t->ed->path, '/'), *tmp = getenv("TMPDIR");
	char dir[PATH_MAX];
	size_t n;
	char *text;
	int fd, r = 0;

	base = base ? base + 1 : t->ed->path;
	snprintf(dir, sizeof dir, "%s/forge-lab.XXXXXX",
	         tmp != NULL && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, len, "%s/%s", dir, base);
	text = buffer_text(t->ed->buf, &n);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || util_write_all(fd, text, n) < 0)
		r = -1;
	if (fd >= 0)
		close(fd);
	free(text);
	snprintf(labview.copy, sizeof labview.copy, "%s", path);
	if (r < 0)
		labview_uncopy();
	return r;
}

static void
labview_submit(struct tui *t)
{
	char forge[PATH_MAX], file[PATH_MAX];
	const char *problem;

	if (labview.row < 0 || (size_t)labview.row >= labview.nproblems)
		return;
	problem = labview.problems[labview.row];
	if (t->ed->lang == NULL) {
		tui_message(t, "the buffer has no language (F12)");
		return;
	}
	if (labview_copy(t, file, sizeof file) < 0) {
		tui_message(t, "the lab: cannot copy the buffer: %s",
		            strerror(errno));
		return;
	}
	labview_forge(forge, sizeof forge);
	{
		const char *argv[] = {forge, "submit",        problem, file,
		                      "-l",  t->ed->lang->id, NULL};

		if (labview_spawn(t, LABVIEW_SUBMIT, argv) == 0)
			snprintf(labview.title, sizeof labview.title,
			         "%s submitted to %s", t->ed->path, problem);
		else
			labview_uncopy();
	}
}

static void
labview_board(struct tui *t)
{
	char forge[PATH_MAX];
	const char *argv[] = {forge, "lab", "board", NULL};

	labview_forge(forge, sizeof forge);
	if (labview_spawn(t, LABVIEW_BOARD, argv) == 0)
		snprintf(labview.title, sizeof labview.title, "the scoreboard");
}

/* The submissions (of the chosen problem, when there is one): a
 * teacher's are everyone's, a student's their own. */
static void
labview_subs(struct tui *t)
{
	char forge[PATH_MAX];
	const char *argv[] = {forge, "lab", "submissions", "--json",
	                      NULL,  NULL,  NULL};

	labview_forge(forge, sizeof forge);
	if (labview.nproblems > 0 && labview.row >= 0 &&
	    (size_t)labview.row < labview.nproblems) {
		argv[4] = "--problem";
		argv[5] = labview.problems[labview.row];
	}
	if (labview_spawn(t, LABVIEW_SUBS, argv) == 0)
		snprintf(labview.title, sizeof labview.title,
		         "asking for the submissions%s%s",
		         argv[5] ? " to " : "", argv[5] ? argv[5] : "");
}

static const struct labview_sub *
labview_sub_chosen(void)
{
	if (!labview.subs_shown || labview.subrow < 0 ||
	    (size_t)labview.subrow >= labview.nsubs)
		return NULL;
	return &labview.subs[labview.subrow];
}

/* The chosen submission as forge lab show prints it: who, when, the
 * verdict, the source, each test's verdict. */
static void
labview_show(struct tui *t)
{
	const struct labview_sub *s = labview_sub_chosen();
	char forge[PATH_MAX], id[24];
	const char *argv[] = {forge, "lab", "show", id, NULL};

	if (s == NULL)
		return;
	labview_forge(forge, sizeof forge);
	snprintf(id, sizeof id, "%lld", s->id);
	if (labview_spawn(t, LABVIEW_SHOW, argv) == 0)
		snprintf(labview.title, sizeof labview.title,
		         "submission %lld, %s's: read-only, not your file",
		         s->id, s->student);
}

/* The marked submission against the chosen one, as forge lab diff
 * prints them: the lines, then the tests whose verdict changed. */
static void
labview_diff(struct tui *t)
{
	const struct labview_sub *s = labview_sub_chosen();
	char forge[PATH_MAX], a[24], b[24];
	const char *argv[] = {forge, "lab", "diff", a, b, NULL};

	if (s == NULL)
		return;
	if (labview.mark == 0 || labview.mark == s->id) {
		tui_message(t, "the lab: m marks a submission, then d diffs it "
		               "against another one");
		return;
	}
	labview_forge(forge, sizeof forge);
	snprintf(a, sizeof a, "%lld", labview.mark);
	snprintf(b, sizeof b, "%lld", s->id);
	if (labview_spawn(t, LABVIEW_DIFF, argv) == 0)
		snprintf(labview.title, sizeof labview.title,
		         "submission %s against %s: - the first, + the second",
		         a, b);
}

/* A test of submission id (NULL or "": its first failed test, else its
 * first) run again on the server, as forge lab replay prints it: the
 * output, the usage timeline, the verdict then and now. */
static void
labview_replay(struct tui *t, long long sub, const char *test)
{
	char forge[PATH_MAX], id[24];
	const char *argv[] = {forge, "lab", "replay", id, NULL, NULL};

	if (test != NULL && test[0] == '-') {
		tui_message(t, "the lab: '%s' is not a test's name", test);
		return;
	}
	if (test != NULL && test[0] != '\0')
		argv[4] = test;
	labview_forge(forge, sizeof forge);
	snprintf(id, sizeof id, "%lld", sub);
	if (labview_spawn(t, LABVIEW_REPLAY, argv) == 0)
		snprintf(labview.title, sizeof labview.title,
		         "submission %lld replayed%s%s: output, usage, verdict",
		         sub, argv[4] ? " on " : "", argv[4] ? argv[4] : "");
}

static long long labview_asked; /* the submission t asks a test of */

static void
labview_replay_answer(struct tui *t, const char *test)
{
	labview_replay(t, labview_asked, test);
}

/* t: which test to replay, asked in the key bar. */
static void
labview_replay_ask(struct tui *t)
{
	static char question[96];
	const struct labview_sub *s = labview_sub_chosen();

	if (s == NULL)
		return;
	/* not a question whose answer would then be refused */
	if (labview_busy(t))
		return;
	labview_asked = s->id;
	snprintf(question, sizeof question,
	         "replay submission %lld on the test (Enter: its first "
	         "failed): ",
	         s->id);
	tui_prompt(t, question, labview_replay_answer);
}

/* The submissions of every problem, not the chosen one's only. */
static void
labview_subs_all(struct tui *t)
{
	char forge[PATH_MAX];
	const char *argv[] = {forge, "lab", "submissions", "--json", NULL};

	labview_forge(forge, sizeof forge);
	if (labview_spawn(t, LABVIEW_SUBS, argv) == 0)
		snprintf(labview.title, sizeof labview.title,
		         "asking for the submissions to every problem");
}

/* The list's row k: a problem, or a submission (* the one marked). */
static const char *
labview_row_text(int k, char *tmp, size_t len)
{
	if (!labview.subs_shown)
		return labview.problems[k];
	snprintf(tmp, len, "%c %s",
	         labview.subs[k].id == labview.mark ? '*' : ' ',
	         labview.subs[k].line);
	return tmp;
}

static void
labview_draw_list(WINDOW *w, int *y, int rows, int cols)
{
	int n = (int)(labview.subs_shown ? labview.nsubs : labview.nproblems);
	int row = labview.subs_shown ? labview.subrow : labview.row;
	int listh = n < rows / 3 ? n : rows / 3;
	int width = cols - 4 > 0 ? cols - 4 : 0;
	char tmp[160];

	if (labview.subs_shown) {
		wattrset(w, theme_attr(THEME_BORDER));
		mvwprintw(
		    w, 2, 2, "%-.*s", width,
		    "  ID    STUDENT      PROBLEM      VERDICT SUBMITTED");
	}
	for (int i = 0; i < listh; i++) {
		int k = row >= listh ? row - listh + 1 + i : i;

		wattrset(
		    w, theme_attr(k == row ? THEME_LIST_CURSOR : THEME_NORMAL));
		mvwprintw(w, (*y)++, 2, "%-*.*s", width, width,
		          labview_row_text(k, tmp, sizeof tmp));
	}
	wattrset(w, A_NORMAL);
}

/* A line of the output: a diff's - and + lines in the diff's colours
 * (as diffs go: the removed line red as an actual output, the added one
 * green as an expected one). */
static attr_t
labview_line_attr(const char *p, int n)
{
	if (labview.shown != LABVIEW_DIFF || n == 0 ||
	    (n >= 3 &&
	     (strncmp(p, "---", 3) == 0 || strncmp(p, "+++", 3) == 0)))
		return A_NORMAL;
	return p[0] == '-'   ? theme_attr(THEME_DIFF_ACTUAL)
	       : p[0] == '+' ? theme_attr(THEME_DIFF_EXPECTED)
	                     : A_NORMAL;
}

static void
labview_draw(struct tui *t, WINDOW *w)
{
	int rows, cols, y = 3, lines = 0, skip;
	const char *p, *end;

	(void)t;
	getmaxyx(w, rows, cols);
	wattrset(w, theme_attr(THEME_DIALOG_BORDER));
	mvwprintw(w, 1, 2, "Lab  %.*s", cols - 8,
	          getenv("FORGE_SERVER") ? getenv("FORGE_SERVER")
	                                 : "http://127.0.0.1:8080");
	wattrset(w, A_NORMAL);
	labview_draw_list(w, &y, rows, cols);
	/* the child's output: its last lines when they do not fit, or from
	 * the line scrolled to */
	p = labview.out.data ? labview.out.data : "";
	end = p + labview.out.len;
	for (const char *q = p; q < end; q++)
		lines += *q == '\n';
	lines += end > p && end[-1] != '\n';
	labview.page = rows - 1 - (y + 3) > 1 ? rows - 1 - (y + 3) : 1;
	labview.lines = lines;
	skip = lines > labview.page ? lines - labview.page : 0;
	if (labview.top >= 0 && labview.top < skip)
		skip = labview.top;
	if (labview.top >= 0)
		labview.top = skip;
	{
		char head[224];
		int n = snprintf(head, sizeof head, "%s%s", labview.title,
		                 labview.job != LABVIEW_NONE ? " ..." : "");

		if (lines > labview.page && n >= 0 && (size_t)n < sizeof head)
			snprintf(head + n, sizeof head - (size_t)n,
			         "  [%d-%d of %d, PgUp/PgDn]", skip + 1,
			         skip + labview.page, lines);
		wattrset(w, theme_attr(THEME_BORDER));
		mvwprintw(w, ++y, 2, "%.*s", cols - 4 > 0 ? cols - 4 : 0, head);
	}
	wattrset(w, A_NORMAL);
	y += 2;
	for (; skip > 0 && p < end; skip--) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	while (p < end && y < rows - 1) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		int n = (int)((nl ? nl : end) - p);

		text_draw(w, y++, 2, cols - 4, p, (size_t)n,
		          labview_line_attr(p, n));
		p = nl ? nl + 1 : end;
	}
}

/* PgUp, PgDn, Home, End: the output scrolled; 0 if key is none. */
static int
labview_scroll(int key)
{
	int page = labview.page > 1 ? labview.page - 1 : 1;

	if (key == KEY_PPAGE) {
		int from = labview.top >= 0 ? labview.top
		           : labview.lines > labview.page
		               ? labview.lines - labview.page
		               : 0;

		labview.top = from > page ? from - page : 0;
	} else if (key == KEY_NPAGE && labview.top >= 0)
		labview.top += page;
	else if (key == KEY_HOME)
		labview.top = 0;
	else if (key == KEY_END)
		labview.top = -1;
	else
		return 0;
	return 1;
}

static int
labview_subs_key(struct tui *t, int key, bool is_key)
{
	const struct labview_sub *s = labview_sub_chosen();

	if (is_key && key == KEY_UP && labview.subrow > 0)
		labview.subrow--;
	else if (is_key && key == KEY_DOWN &&
	         (size_t)labview.subrow + 1 < labview.nsubs)
		labview.subrow++;
	else if ((!is_key && (key == '\r' || key == '\n')) ||
	         (is_key && key == KEY_ENTER))
		labview_show(t);
	else if (!is_key && key == 'm' && s != NULL) {
		labview.mark = labview.mark == s->id ? 0 : s->id;
		if (labview.mark != 0)
			tui_message(t,
			            "submission %lld marked: choose another, "
			            "d diffs them",
			            s->id);
	} else if (!is_key && key == 'd')
		labview_diff(t);
	else if (!is_key && key == 'p' && s != NULL)
		labview_replay(t, s->id, NULL);
	else if (!is_key && key == 't')
		labview_replay_ask(t);
	else if (!is_key && key == 'a')
		labview_subs_all(t);
	else if (!is_key && key == 'w' && (s != NULL || labview.only[0])) {
		/* one student's (the chosen one's), or everyone's again */
		if (labview.only[0] != '\0')
			labview.only[0] = '\0';
		else
			snprintf(labview.only, sizeof labview.only, "%s",
			         s->student);
		buf_reset(&labview.out);
		labview_filter();
	} else if (!is_key && key == 's')
		labview_subs(t);
	else if (!is_key && key == 'b')
		labview_board(t);
	else if (!is_key && (key == 27 || key == 'q')) {
		if (labview.job == LABVIEW_SUBS)
			labview_stop(t); /* its list would come back */
		labview.subs_shown = false;
		buf_reset(&labview.out);
		snprintf(labview.title, sizeof labview.title,
		         "%zu open problem%s", labview.nproblems,
		         labview.nproblems == 1 ? "" : "s");
	} else
		return TUI_KEY_IGNORED;
	return TUI_KEY_HANDLED;
}

static int
labview_key(struct tui *t, int key, bool is_key)
{
	if (is_key && labview_scroll(key))
		return TUI_KEY_HANDLED;
	if (labview.subs_shown)
		return labview_subs_key(t, key, is_key);
	if (is_key && key == KEY_UP && labview.row > 0)
		labview.row--;
	else if (is_key && key == KEY_DOWN &&
	         (size_t)labview.row + 1 < labview.nproblems)
		labview.row++;
	else if ((!is_key && (key == '\r' || key == '\n')) ||
	         (is_key && key == KEY_ENTER))
		labview_submit(t);
	else if (!is_key && key == 'b')
		labview_board(t);
	else if (!is_key && key == 's')
		labview_subs(t);
	else if (!is_key && key == 'r')
		labview_list(t);
	else if (!is_key && (key == 27 || key == 'q'))
		return TUI_KEY_CLOSE;
	else
		return TUI_KEY_IGNORED;
	return TUI_KEY_HANDLED;
}

/* Back to the panes: a command still running ends with the view. */
static void
labview_close(struct tui *t)
{
	labview_stop(t);
	labview_uncopy();
}

static const struct tui_keyhelp labview_keys[] = {
    {"Up / Down", "choose a problem", "choose"},
    {"Enter", "submit the buffer to it; each test's verdict as it comes",
     "submit"},
    {"s",
     "the submissions to it (a teacher's: everyone's; a student's: their "
     "own), to open, diff and replay",
     "subs"},
    {"b", "the scoreboard (a teacher's token)", "board"},
    {"r", "ask the server for its problems again", "reload"},
    {"Esc", "back to the panes", "back"},
    {"PgUp / PgDn, Home, End", "scroll what is shown below the list", NULL},
};

/* On the submissions' list. */
static const struct tui_keyhelp labview_subs_keys[] = {
    {"Enter",
     "open the submission, read-only: who and when, its verdict, its "
     "source, each test's verdict",
     "open"},
    {"m", "mark it (again: unmark) to diff another one against it", "mark"},
    {"d",
     "the line diff of the marked submission against this one, "
     "then the tests whose verdict changed",
     "diff"},
    {"p",
     "replay its first failed test (else its first) on the server: its "
     "output, usage timeline, the verdict then and now",
     "replay"},
    {"t",
     "replay it on a test named in the key bar (sample/1, secret/3, as "
     "the opened submission lists them)",
     "test"},
    {"Esc / q", "back to the problems", "back"},
    {"Up / Down", "choose a submission", "choose"},
    {"s", "ask for the submissions to the chosen problem again", "reload"},
    {"a", "the submissions to every problem", "all"},
    {"w", "only the chosen submission's student's (again: everyone's)", "who"},
    {"b", "the scoreboard (a teacher's token)", NULL},
    {"PgUp / PgDn, Home, End", "scroll what is shown below the list", NULL},
};

static const struct tui_keyhelp *
labview_keys_now(size_t *n)
{
	if (!labview.subs_shown)
		return NULL;
	*n = sizeof labview_subs_keys / sizeof *labview_subs_keys;
	return labview_subs_keys;
}

const struct tui_view labview_view = {
    .name = "lab",
    .draw = labview_draw,
    .key = labview_key,
    .close = labview_close,
    .keys = labview_keys,
    .nkeys = sizeof labview_keys / sizeof *labview_keys,
    .keys_now = labview_keys_now,
};

void
labview_open(struct tui *t)
{
	if (labview.out.data == NULL)
		buf_init(&labview.out, 1 << 20);
	labview.subs_shown = false;
	tui_open_view(t, &labview_view);
	if (labview.job == LABVIEW_NONE)
		labview_list(t);
}
