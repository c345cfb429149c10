/* The lab view: the problems of a lab's server ($FORGE_SERVER, with the
 * token in $FORGE_TOKEN, as forge submit takes them), the buffer
 * submitted to one of them with its verdict per test coming back live,
 * and the scoreboard for a teacher. The workbench speaks no HTTP of its
 * own: each of these is forge's command (forge lab list --json, forge
 * submit, forge lab board) in a child process whose output the view
 * reads through the loop's watch, so the screen never waits on the
 * network. */
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

enum labview_job { LABVIEW_NONE, LABVIEW_LIST, LABVIEW_SUBMIT, LABVIEW_BOARD };

static struct {
	char **problems; /* the open ones, from forge lab list --json */
	size_t nproblems;
	int row;
	enum labview_job job; /* the child running, if any */
	pid_t pid;
	int fd;
	struct buf out;      /* what it printed */
	char title[128];     /* what the output below the list is */
	char copy[PATH_MAX]; /* the submitted buffer's copy, while it is */
} labview = {.fd = -1};

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

/* argv's command in a child, its stdout and stderr to the view. */
static int
labview_spawn(struct tui *t, enum labview_job job, const char *const argv[])
{
	int p[2];
	pid_t pid;

	if (labview.job != LABVIEW_NONE) {
		tui_message(t, "the lab: wait for the last command to end");
		return -1;
	}
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

static void
labview_draw(struct tui *t, WINDOW *w)
{
	int rows, cols, y = 3, listh;
	const char *p, *end;

	getmaxyx(w, rows, cols);
	wattrset(w, theme_attr(THEME_DIALOG_BORDER));
	mvwprintw(w, 1, 2, "Lab  %.*s", cols - 8,
	          getenv("FORGE_SERVER") ? getenv("FORGE_SERVER")
	                                 : "http://127.0.0.1:8080");
	wattrset(w, A_NORMAL);
	listh = (int)labview.nproblems < rows / 3 ? (int)labview.nproblems
	                                          : rows / 3;
	for (int i = 0; i < listh; i++) {
		int k = labview.row >= listh ? labview.row - listh + 1 + i : i;

		wattrset(w, theme_attr(k == labview.row ? THEME_LIST_CURSOR
		                                        : THEME_NORMAL));
		mvwprintw(w, y++, 2, "%-*.*s", cols - 4 > 0 ? cols - 4 : 0,
		          cols - 4 > 0 ? cols - 4 : 0, labview.problems[k]);
	}
	wattrset(w, theme_attr(THEME_BORDER));
	mvwprintw(w, ++y, 2, "%.*s%s", cols - 6, labview.title,
	          labview.job != LABVIEW_NONE ? " ..." : "");
	wattrset(w, A_NORMAL);
	y += 2;
	/* the child's output, its last lines when they do not fit */
	p = labview.out.data ? labview.out.data : "";
	end = p + labview.out.len;
	{
		int lines = 0, skip;

		for (const char *q = p; q < end; q++)
			lines += *q == '\n';
		skip = lines - (rows - 1 - y);
		for (; skip > 0 && p < end; skip--) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			p = nl ? nl + 1 : end;
		}
	}
	while (p < end && y < rows - 1) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		int n = (int)((nl ? nl : end) - p);

		text_draw(w, y++, 2, cols - 4, p, (size_t)n, 0);
		p = nl ? nl + 1 : end;
	}
}

static int
labview_key(struct tui *t, int key, bool is_key)
{
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
	if (labview.pid > 0) {
		tui_unwatch(t, labview_ready, NULL);
		kill(labview.pid, SIGTERM);
		labview_reap();
	}
	labview_uncopy();
	labview.job = LABVIEW_NONE;
}

static const struct tui_keyhelp labview_keys[] = {
    {"Up / Down", "choose a problem", "choose"},
    {"Enter", "submit the buffer to it; each test's verdict as it comes",
     "submit"},
    {"b", "the scoreboard (a teacher's token)", "board"},
    {"r", "ask the server for its problems again", "reload"},
    {"Esc", "back to the panes", "back"},
};

const struct tui_view labview_view = {
    .name = "lab",
    .draw = labview_draw,
    .key = labview_key,
    .close = labview_close,
    .keys = labview_keys,
    .nkeys = sizeof labview_keys / sizeof *labview_keys,
};

void
labview_open(struct tui *t)
{
	if (labview.out.data == NULL)
		buf_init(&labview.out, 1 << 20);
	tui_open_view(t, &labview_view);
	if (labview.job == LABVIEW_NONE)
		labview_list(t);
}
