/* forge-tui: write a program, press F5, watch it run in the sandbox. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "tui/tui.h"

/* The keys, once: the help screen and the key bar are made from this. */
static const struct tui_keyhelp tui_keys[] = {
    {"F5 / Ctrl-R", "run the program (F5 again stops it)", "run"},
    {"F6 / Alt-j", "judge the program on its tests", "judge"},
    {"F7 / Alt-t", "the tests view", "tests"},
    {"Alt-Tab / Shift-Tab",
     "next / previous pane (editor, output, stats; Shift-Tab dedents in "
     "the editor)",
     "pane"},
    {"Ctrl-S", "save", "save"},
    {"Ctrl-Q", "quit (asks about unsaved changes)", "quit"},
    {"F1 / ? / Alt-?", "this help (? where it is not typed as text)", "help"},
    {"Ctrl-F", "find as you type: Enter or F3 next, Shift-F3 previous", "find"},
    {"F4 / Alt-e",
     "go to the line of the first error (also Enter in the "
     "output)",
     NULL},
    {"F11 / Alt-z", "zoom the focused pane to the whole screen and back",
     "zoom"},
    {"Alt-Left/Right, Alt-< >", "move the editor's border", NULL},
    {"Alt-Up/Down, Alt-- +", "move the output/stats border", NULL},
    {"mouse", "click focuses a pane; drag a border to move it", NULL},
    {"F10 / Alt-m", "the limits of the next run (a form)", "limits"},
    {"F12 / Alt-l", "the language the buffer runs as", NULL},
    {"F8 / Alt-h", "the history: past runs, their output, playback", "history"},
    {"Ctrl-L", "redraw the screen", NULL},
    {"Ctrl-O", "open a file in a new buffer", NULL},
    {"Ctrl-W", "close the buffer (asks about unsaved changes)", NULL},
    {"Ctrl-PgUp/PgDn, Alt-, .", "previous / next buffer", NULL},
    {"Alt-1 .. Alt-9", "go to buffer 1 .. 9", NULL},
    {"Ctrl-Z / Ctrl-Y", "undo / redo", "undo"},
    {"Ctrl-C", "in the output, while running: stop the program", "stop"},
    {"Ctrl-D",
     "in the output, while running: end the program's input (at the "
     "start of a line)",
     "end input"},
    {"F2", "after a run: its input and output as a new test (also Alt-s)",
     "as test"},
    {"Shift-PgUp/PgDn, wheel",
     "in the output: scroll back and forth "
     "(PgUp/PgDn, Home/End once it ended)",
     NULL},
    {"arrows, Home, End, PgUp, PgDn", "move", NULL},
    {"F9 / Alt-c", "choose the colour theme", NULL},
    {"Ctrl-Left / Ctrl-Right", "a word left / right (also Alt-B / Alt-F)",
     NULL},
    {"Ctrl-Home / Ctrl-End", "the start / the end of the file", NULL},
    {"Ctrl-G", "go to a line", "line"},
    {"Shift + a move", "select (or drag with the mouse); Ctrl-A all", NULL},
    {"Ctrl-C / Ctrl-X / Ctrl-V",
     "in the editor: copy / cut / paste (no selection: the line)", NULL},
    {"Tab / Shift-Tab",
     "in the editor: the line (or the selected lines) in / out", NULL},
    {"Backspace", "in indentation: back one level", NULL},
    {"F3 / Shift-F3", "find the next / previous match", NULL},
    {"Ctrl-\\ / Alt-R", "replace: then y, n or a (all), Esc stops", NULL},
    {"Esc", "close a prompt, drop the selection", NULL},
    {"Alt-u / Shift-F2",
     "the lab ($FORGE_SERVER): submit the buffer to a problem, see its "
     "verdicts come, the scoreboard",
     "lab"},
};

static struct tui *tui_active;
static int tui_buffer_index(const struct tui *);

/* Bracketed paste: the terminal marks pasted text, so the editor can
 * take it as text (one undo step, no auto-indent). Off on every exit. */
#define TUI_PASTE_ON  "\033[?2004h"
#define TUI_PASTE_OFF "\033[?2004l"

static void
tui_restore(void)
{
	if (!isendwin())
		endwin();
	(void)!write(1, TUI_PASTE_OFF, sizeof TUI_PASTE_OFF - 1);
}

/* the fatal path: the terminal comes back before the process dies */
static void
tui_crash(int sig)
{
	(void)!write(1, TUI_PASTE_OFF, sizeof TUI_PASTE_OFF - 1);
	endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The panes' places. The editor takes split_x per cent of the width,
 * the output split_y per cent of the right column; each keeps a usable
 * minimum however small the terminal, and a zoomed pane takes it all. */
static void
tui_geometry(const struct tui *t, struct tui_geometry *g)
{
	int rows, cols, left, top, body;

	getmaxyx(stdscr, rows, cols);
	if (rows < 8)
		rows = 8;
	if (cols < 40)
		cols = 40;
	body = rows - 2; /* the title and the key bar */
	memset(g, 0, sizeof *g);
	if (t->zoom) {
		g->pane[t->focus] = (struct tui_rect){1, 0, body, cols};
		if (t->focus != FOCUS_EDITOR) /* its name on the top line */
			g->pane[t->focus] =
			    (struct tui_rect){2, 0, body - 1, cols};
		g->border_x = g->border_y = -1;
		return;
	}
	left = cols * t->split_x / 100;
	if (left < 20)
		left = 20;
	if (left > cols - 21)
		left = cols - 21;
	top = body * t->split_y / 100;
	if (top < 3)
		top = 3;
	if (top > body - 3)
		top = body - 3;
	g->border_x = left;
	g->border_y = top + 1;
	g->pane[FOCUS_EDITOR] = (struct tui_rect){1, 0, body, left};
	g->pane[FOCUS_OUTPUT] =
	    (struct tui_rect){2, left + 1, top - 1, cols - left - 1};
	g->pane[FOCUS_STATS] = (struct tui_rect){
	    top + 2, left + 1, body - top - 1, cols - left - 1};
}

static WINDOW *
tui_window(WINDOW *old, const struct tui_rect *r)
{
	if (old)
		delwin(old);
	/* a hidden pane still gets a window: drawing code needs one */
	return newwin(r->h > 0 ? r->h : 1, r->w > 0 ? r->w : 1,
	              r->h > 0 ? r->y : 0, r->h > 0 ? r->x : 0);
}

static void
tui_layout(struct tui *t)
{
	struct tui_geometry g;
	struct tui_rect *o = &g.pane[FOCUS_OUTPUT];
	int rows, cols;

	getmaxyx(stdscr, rows, cols);
	tui_geometry(t, &g);
	t->wed = tui_window(t->wed, &g.pane[FOCUS_EDITOR]);
	t->wout = tui_window(t->wout, o);
	t->wstats = tui_window(t->wstats, &g.pane[FOCUS_STATS]);
	t->wview = tui_window(
	    t->wview, &(struct tui_rect){1, 0, rows > 3 ? rows - 2 : 1, cols});
	if (o->h <= 0) /* the program's terminal keeps its size */
		return;
	if (t->out == NULL)
		t->out = output_new(o->h, o->w);
	else
		output_resize(t->out, o->h, o->w);
	if (t->run.running) {
		/* the program learns its new size at once (SIGWINCH) */
		struct winsize ws = {(unsigned short)o->h, (unsigned short)o->w,
		                     0, 0};
		ioctl(t->run.pty, TIOCSWINSZ, &ws);
	}
}

/* Moves a split by delta per cent (keys) or to a screen position (the
 * mouse), within what the geometry allows. */
static void
tui_split(struct tui *t, int axis, int delta, int at)
{
	int rows, cols;

	getmaxyx(stdscr, rows, cols);
	if (axis == 'x') {
		t->split_x = at >= 0 ? at * 100 / (cols > 0 ? cols : 1)
		                     : t->split_x + delta;
		t->split_x = t->split_x < 15   ? 15
		             : t->split_x > 85 ? 85
		                               : t->split_x;
	} else {
		t->split_y = at >= 0
		                 ? (at - 1) * 100 / (rows > 2 ? rows - 2 : 1)
		                 : t->split_y + delta;
		t->split_y = t->split_y < 15   ? 15
		             : t->split_y > 85 ? 85
		                               : t->split_y;
	}
	tui_layout(t);
}

/* The keys first in the key bar where the pane in focus needs them:
 * in the editor running, judging, saving and quitting; while a program
 * runs in the output, stopping it and ending its input. */
static const char *const tui_bar_editor[] = {"F5 / Ctrl-R", "F6 / Alt-j",
                                             "Ctrl-S", "Ctrl-Q"};
static const char *const tui_bar_running[] = {"Ctrl-C", "Ctrl-D",
                                              "F5 / Ctrl-R"};
/* after a run that can become a test: saving it as one, too */
static const char *const tui_bar_after_run[] = {
    "F5 / Ctrl-R", "F2", "F6 / Alt-j", "Ctrl-S", "Ctrl-Q"};
/* keys in the bar only where their context puts them first */
static const char *const tui_bar_in_context[] = {"Ctrl-C", "Ctrl-D", "F2"};

/* The view's keys as they are now (its editor's while editing in it). */
static const struct tui_keyhelp *
tui_view_keys(const struct tui *t, size_t *n)
{
	const struct tui_keyhelp *k;

	if (t->view == NULL) {
		*n = 0;
		return NULL;
	}
	if (t->view->keys_now && (k = t->view->keys_now(n)) != NULL)
		return k;
	*n = t->view->nkeys;
	return t->view->keys;
}

/* One entry of the key bar at the cursor, if it fits before cols. */
static bool
tui_bar_entry(const struct tui_keyhelp *k, int cols)
{
	int y, x;

	getyx(stdscr, y, x);
	(void)y;
	if (x + (int)strlen(k->key) + (int)strlen(k->bar) + 3 >= cols)
		return false;
	attrset(theme_attr(THEME_BAR_KEY));
	printw("%s", k->key);
	attrset(theme_attr(THEME_BAR));
	printw(" %s  ", k->bar);
	return true;
}

/* The key bar: what the focused view or pane needs most first, then the
 * rest in the tables' order, as many as fit. */
static void
tui_draw_bar(struct tui *t, int row, int cols)
{
	const size_t nglobal = sizeof tui_keys / sizeof tui_keys[0];
	const struct tui_keyhelp *keys[2] = {tui_keys, NULL};
	size_t n[2] = {nglobal, 0};
	const char *const *first = NULL;
	size_t nfirst = 0;
	bool full = false;

	if (t->view) {
		keys[0] = tui_view_keys(t, &n[0]);
		keys[1] = tui_keys;
		n[1] = nglobal;
	} else if (t->focus == FOCUS_OUTPUT && t->run.running) {
		first = tui_bar_running;
		nfirst = sizeof tui_bar_running / sizeof tui_bar_running[0];
	} else if (t->have_last && !t->run.running &&
	           tests_unsavable(&t->last) == NULL) {
		first = tui_bar_after_run;
		nfirst = sizeof tui_bar_after_run / sizeof tui_bar_after_run[0];
	} else if (t->focus == FOCUS_EDITOR) {
		first = tui_bar_editor;
		nfirst = sizeof tui_bar_editor / sizeof tui_bar_editor[0];
	}
	attrset(theme_attr(THEME_BAR));
	mvhline(row, 0, ' ', cols);
	move(row, 1);
	for (size_t f = 0; f < nfirst && !full; f++)
		for (size_t i = 0; i < nglobal; i++)
			if (tui_keys[i].bar &&
			    strcmp(tui_keys[i].key, first[f]) == 0) {
				full = !tui_bar_entry(&tui_keys[i], cols);
				break;
			}
	for (int k = 0; k < 2 && !full; k++)
		for (size_t i = 0; i < n[k] && !full; i++) {
			bool drawn = false;

			if (keys[k][i].bar == NULL)
				continue;
			for (size_t f = 0; f < nfirst; f++)
				drawn |= strcmp(keys[k][i].key, first[f]) == 0;
			for (size_t f = 0; keys[k] == tui_keys &&
			                   f < sizeof tui_bar_in_context /
			                           sizeof tui_bar_in_context[0];
			     f++)
				drawn |= strcmp(keys[k][i].key,
				                tui_bar_in_context[f]) == 0;
			if (drawn)
				continue;
			full = !tui_bar_entry(&keys[k][i], cols);
		}
	attrset(A_NORMAL);
}

/* ---- the help screen --------------------------------------------------- */

/* One line of the help screen: a key and (a part of) what it does, or a
 * heading. */
struct tui_help_line {
	const char *key;  /* NULL: a continuation, or a heading */
	const char *text; /* len bytes of it */
	int len;
	bool heading;
};

static bool
tui_help_matches(const struct tui_keyhelp *k, const char *find)
{
	return find[0] == '\0' || strcasestr(k->key, find) != NULL ||
	       strcasestr(k->what, find) != NULL;
}

/* The help's lines at a width of width for what a key does, wrapped at
 * spaces; only the keys that match the text looked for. */
static size_t
tui_help_lines(const struct tui *t, int width, struct tui_help_line **out)
{
	const struct tui_keyhelp *keys[2] = {tui_keys, NULL};
	size_t n[2] = {sizeof tui_keys / sizeof tui_keys[0], 0}, count = 0,
	       cap = 0;
	struct tui_help_line *l = NULL;

	keys[1] = tui_view_keys(t, &n[1]);
	if (width < 8)
		width = 8;
	for (int k = 0; k < 2; k++) {
		bool headed = false;

		for (size_t i = 0; i < n[k]; i++) {
			const char *p = keys[k][i].what;
			bool firstline = true;

			if (!tui_help_matches(&keys[k][i], t->help_find))
				continue;
			if (k == 1 && !headed) {
				if (count == cap)
					l = xrealloc(l, (cap = cap * 2 + 16) *
					                    sizeof *l);
				l[count++] = (struct tui_help_line){
				    NULL, t->view->name,
				    (int)strlen(t->view->name), true};
				headed = true;
			}
			do {
				int len = (int)strlen(p);

				if (len > width) {
					int cut = width;
					while (cut > 0 && p[cut] != ' ')
						cut--;
					len = cut > 0 ? cut : width;
				}
				if (count == cap)
					l = xrealloc(l, (cap = cap * 2 + 16) *
					                    sizeof *l);
				l[count++] = (struct tui_help_line){
				    firstline ? keys[k][i].key : NULL, p, len,
				    false};
				firstline = false;
				p += len;
				while (*p == ' ')
					p++;
			} while (*p != '\0');
		}
	}
	*out = l;
	return count;
}

/* The help's size: its window and the lines of keys it has room for. */
static void
tui_help_size(int rows, int cols, int *hh, int *hw, int *body)
{
	*hw = cols - 4 < 100 ? cols - 4 : 100;
	*hh = rows - 2;
	*body = *hh - 4; /* the border, and the line of keys under them */
	if (*body < 1)
		*body = 1;
}

static void
tui_draw_help(struct tui *t, int rows, int cols)
{
	struct tui_help_line *l;
	int hh, hw, body, keyw, y;
	size_t n;
	WINDOW *h;

	tui_help_size(rows, cols, &hh, &hw, &body);
	keyw = hw < 70 ? 22 : 30;
	n = tui_help_lines(t, hw - keyw - 5, &l);
	if (t->help_top > (int)n - body)
		t->help_top = (int)n - body;
	if (t->help_top < 0)
		t->help_top = 0;
	h = newwin(hh, hw, 1, 2);
	wbkgd(h, theme_attr(THEME_DIALOG));
	wattrset(h, theme_attr(THEME_DIALOG_BORDER));
	box(h, 0, 0);
	mvwprintw(h, 0, 2, " keys ");
	wattrset(h, theme_attr(THEME_DIALOG));
	for (y = 0; y < body && t->help_top + y < (int)n; y++) {
		const struct tui_help_line *e = &l[t->help_top + y];

		if (e->heading)
			mvwprintw(h, 1 + y, 2, "-- %.*s --", e->len, e->text);
		else
			mvwprintw(h, 1 + y, 2, "%-*.*s %.*s", keyw, keyw,
			          e->key ? e->key : "", e->len, e->text);
	}
	if (n == 0)
		mvwprintw(h, 1, 2, "no key matches '%s'", t->help_find);
	wattrset(h, theme_attr(THEME_DIALOG_BORDER));
	if (t->help_finding)
		mvwprintw(h, hh - 2, 2,
		          "find: %.*s_  (Enter keeps it, Esc "
		          "clears it)",
		          hw - 40 > 0 ? hw - 40 : 0, t->help_find);
	else {
		char foot[256];

		snprintf(foot, sizeof foot,
		         "Esc closes  arrows PgUp PgDn: scroll  /: find  "
		         "%d-%d of %zu%s%s%s",
		         n ? t->help_top + 1 : 0, t->help_top + y, n,
		         t->help_find[0] ? " with '" : "", t->help_find,
		         t->help_find[0] ? "'" : "");
		mvwprintw(h, hh - 2, 2, "%.*s", hw - 4, foot);
	}
	wnoutrefresh(h);
	delwin(h);
	free(l);
}

static void
tui_help_open(struct tui *t)
{
	t->help = true;
	t->help_top = 0;
	t->help_find[0] = '\0';
	t->help_finding = false;
}

/* A key while the help is open: scrolling, finding, closing. */
static void
tui_help_key(struct tui *t, int key, bool is_key)
{
	int rows, cols, hh, hw, body;
	size_t len = strlen(t->help_find);

	getmaxyx(stdscr, rows, cols);
	tui_help_size(rows, cols, &hh, &hw, &body);
	if (t->help_finding) {
		if (!is_key && key == 27) {
			t->help_find[0] = '\0';
			t->help_finding = false;
		} else if (!is_key && (key == '\r' || key == '\n'))
			t->help_finding = false;
		else if ((is_key && key == KEY_BACKSPACE) ||
		         (!is_key && (key == 127 || key == 8))) {
			while (len > 0 &&
			       ((unsigned char)t->help_find[len - 1] & 0xC0) ==
			           0x80)
				len--;
			if (len > 0)
				t->help_find[len - 1] = '\0';
		} else if (!is_key && key >= ' ' && !(key & TUI_ALT) &&
		           len + 8 < sizeof t->help_find) {
			char u[8];
			size_t ul = editor_encode(key, u);

			memcpy(t->help_find + len, u, ul);
			t->help_find[len + ul] = '\0';
		}
		t->help_top = 0;
		return;
	}
	if (is_key) {
		switch (key) {
		case KEY_DOWN:
			t->help_top++;
			return;
		case KEY_UP:
			t->help_top--;
			return;
		case KEY_NPAGE:
			t->help_top += body - 1;
			return;
		case KEY_PPAGE:
			t->help_top -= body - 1;
			return;
		case KEY_HOME:
			t->help_top = 0;
			return;
		case KEY_END:
			t->help_top = INT_MAX / 2;
			return;
		case KEY_F(1):
			t->help = false;
			return;
		}
		return;
	}
	if (key == '/') {
		t->help_finding = true;
		t->help_find[0] = '\0';
		t->help_top = 0;
	} else if (key == 27 || key == 'q')
		t->help = false;
}

/* The offer of an earlier session's unsaved work: what it begins with,
 * and the only two keys that answer it. */
static void
tui_draw_offer(struct tui *t, int rows, int cols)
{
	const struct buf *b = t->ed->offered;
	int w = cols - 8 < 76 ? cols - 8 : 76,
	    h = rows - 6 < 14 ? rows - 6 : 14;
	const char *p = b->data ? b->data : "", *end = p + b->len;
	WINDOW *d;

	if (w < 30 || h < 6)
		return; /* the title bar says it */
	d = newwin(h, w, 3, (cols - w) / 2);
	wbkgd(d, theme_attr(THEME_DIALOG));
	wattrset(d, theme_attr(THEME_DIALOG_BORDER));
	box(d, 0, 0);
	mvwprintw(d, 0, 2, " unsaved work from an earlier session ");
	wattrset(d, theme_attr(THEME_DIALOG));
	mvwprintw(d, 1, 2, "%.*s", w - 4, t->ed->path);
	for (int y = 3; y < h - 3 && p < end; y++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		int n = (int)((nl ? nl : end) - p);

		mvwprintw(d, y, 4, "%.*s", n < w - 6 ? n : w - 6, p);
		p = nl ? nl + 1 : end;
	}
	if (p < end)
		mvwprintw(d, h - 3, 4, "...");
	wattrset(d, theme_attr(THEME_DIALOG_BORDER));
	mvwprintw(d, h - 2, 2, "%.*s", w - 4,
	          "r: restore it into the editor   d: set it aside");
	wnoutrefresh(d);
	delwin(d);
}

/* Columns a UTF-8 text takes (one a character). */
static int
tui_text_width(const char *s, size_t len)
{
	int w = 0;

	for (size_t i = 0; i < len; i++)
		w += ((unsigned char)s[i] & 0xC0) != 0x80;
	return w;
}

/* The title bar: the buffer, its language, the backend, then the latest
 * message. A message that does not fit takes the room of the path's
 * directories, then of the language and the backend; one that still
 * does not fit is cut at a word's end, with an ellipsis. */
static void
tui_draw_title(struct tui *t, int cols)
{
	const char *note = t->ed->message[0] ? t->ed->message : t->compile_note;
	const char *base = strrchr(t->ed->path, '/');
	char title[3][1024], count[32] = "";
	int room = 0, level, nw = tui_text_width(note, strlen(note));

	base = base && base[1] ? base + 1 : t->ed->path;
	if (t->neds > 1)
		snprintf(count, sizeof count, "%d/%d  ",
		         tui_buffer_index(t) + 1, t->neds);
	snprintf(title[0], sizeof title[0], "forge  %s%s  [%s]  %s  %s",
	         t->ed->path, editor_modified(t->ed) ? " *" : "",
	         t->ed->lang ? t->ed->lang->name : "no language",
	         backend_default()->name, count);
	snprintf(title[1], sizeof title[1], "%s%s  [%s]  %s", base,
	         editor_modified(t->ed) ? " *" : "",
	         t->ed->lang ? t->ed->lang->name : "no language", count);
	snprintf(title[2], sizeof title[2], "%s%s  %s", base,
	         editor_modified(t->ed) ? " *" : "", count);
	for (level = 0; level < 3; level++) {
		room = cols - 2 -
		       tui_text_width(title[level], strlen(title[level]));
		if (note[0] == '\0' || nw <= room)
			break;
	}
	if (level == 3)
		level = 2;
	attrset(theme_attr(THEME_TITLE));
	mvhline(0, 0, ' ', cols);
	mvprintw(0, 1, "%s", title[level]);
	if (room <= 0 || note[0] == '\0')
		return;
	attrset(theme_attr(THEME_MESSAGE));
	if (nw <= room) {
		printw("%s", note);
		return;
	}
	{
		/* the bytes of room - 1 characters, then back to a space */
		size_t len = 0, cut;
		int w = 0;

		while (note[len] && w < room - 1) {
			len++;
			while (((unsigned char)note[len] & 0xC0) == 0x80)
				len++;
			w++;
		}
		cut = len;
		while (cut > 0 && note[cut] != ' ')
			cut--;
		while (cut > 0 && note[cut - 1] == ' ')
			cut--;
		if (cut == 0)
			cut = len;
		printw("%.*s\u2026", (int)cut, note);
	}
}

static void
tui_draw(struct tui *t)
{
	struct tui_geometry g;
	int rows, cols;

	getmaxyx(stdscr, rows, cols);
	erase();
	tui_draw_title(t, cols);
	if (t->prompt) {
		attrset(theme_attr(THEME_DIALOG));
		mvhline(rows - 1, 0, ' ', cols);
		mvprintw(rows - 1, 1, "%s%s", t->prompt, buf_cstr(&t->answer));
		attrset(A_NORMAL);
	} else
		tui_draw_bar(t, rows - 1, cols);
	if (t->view) {
		wnoutrefresh(stdscr);
		werase(t->wview);
		t->view->draw(t, t->wview);
		wnoutrefresh(t->wview);
		if (t->help)
			tui_draw_help(t, rows, cols);
		doupdate();
		return;
	}
	tui_geometry(t, &g);
	attrset(theme_attr(THEME_BORDER));
	if (g.border_x >= 0)
		mvvline(1, g.border_x, ACS_VLINE, rows - 2);
	if (g.border_y >= 0)
		mvhline(g.border_y, g.border_x + 1, ACS_HLINE,
		        cols - g.border_x - 1);
	for (unsigned p = FOCUS_OUTPUT; p <= FOCUS_STATS; p++) {
		static const char *const names[] = {"", "output", "stats"};
		const struct tui_rect *r = &g.pane[p];

		if (r->h <= 0)
			continue;
		attrset(theme_attr(t->focus == p ? THEME_BORDER_FOCUS
		                                 : THEME_BORDER));
		mvprintw(r->y - 1, r->x + 1,
		         t->focus == p ? "[%s%s]" : " %s%s ", names[p],
		         p == FOCUS_OUTPUT ? output_scroll_note(t->out) : "");
	}
	attrset(A_NORMAL);
	wnoutrefresh(stdscr);
	if (g.pane[FOCUS_OUTPUT].h > 0) {
		output_draw(t->out, t->wout);
		wnoutrefresh(t->wout);
	}
	if (g.pane[FOCUS_STATS].h > 0) {
		stats_draw(&t->stats, t->wstats);
		wnoutrefresh(t->wstats);
	}
	if (g.pane[FOCUS_EDITOR].h > 0) {
		editor_draw(t->ed, t->wed, t->focus == FOCUS_EDITOR);
		wnoutrefresh(t->wed);
	}
	if (t->ed->offered)
		tui_draw_offer(t, rows, cols);
	if (t->help)
		tui_draw_help(t, rows, cols);
	if (t->focus == FOCUS_EDITOR && !t->help) {
		curs_set(1);
		wnoutrefresh(t->wed);
	} else if (t->focus == FOCUS_OUTPUT && t->run.running && !t->help) {
		/* where the program's terminal has its cursor */
		output_cursor(t->out, t->wout);
		curs_set(1);
		wnoutrefresh(t->wout);
	} else
		curs_set(0);
	doupdate();
}

void
tui_message(struct tui *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->ed->message, sizeof t->ed->message, fmt, ap);
	va_end(ap);
}

void
tui_open_view(struct tui *t, const struct tui_view *v)
{
	if (t->view && t->view != v && t->view->close)
		t->view->close(t);
	t->view = v;
	t->help = false;
}

static void
tui_close_view(struct tui *t)
{
	const struct tui_view *v = t->view;

	t->view = NULL;
	if (v && v->close)
		v->close(t);
}

static int
tui_watch_add(struct tui *t, int fd, uint64_t when, tui_ready_fn *fn, void *arg)
{
	for (int i = 0; i < TUI_WATCH_MAX; i++)
		if (t->watch[i].fn == NULL) {
			t->watch[i].fd = fd;
			t->watch[i].when_ms = when;
			t->watch[i].fn = fn;
			t->watch[i].arg = arg;
			return 0;
		}
	return -1;
}

/* fn(t, arg) runs whenever fd is readable (or hung up), until unwatched */
int
tui_watch(struct tui *t, int fd, tui_ready_fn *fn, void *arg)
{
	return tui_watch_add(t, fd, 0, fn, arg);
}

/* fn(t, arg) runs once, ms from now */
int
tui_after(struct tui *t, uint64_t ms, tui_ready_fn *fn, void *arg)
{
	return tui_watch_add(t, -1, util_now_ms() + ms, fn, arg);
}

void
tui_unwatch(struct tui *t, tui_ready_fn *fn, void *arg)
{
	for (int i = 0; i < TUI_WATCH_MAX; i++)
		if (t->watch[i].fn == fn && t->watch[i].arg == arg)
			t->watch[i].fn = NULL;
}

/* The poll set's share of the watches, and the time to the next timer. */
static int
tui_watch_poll(struct tui *t, struct pollfd *p, int *slot, int timeout)
{
	uint64_t now = util_now_ms();
	int n = 0;

	for (int i = 0; i < TUI_WATCH_MAX; i++) {
		if (t->watch[i].fn == NULL)
			continue;
		if (t->watch[i].fd >= 0) {
			p[n] = (struct pollfd){t->watch[i].fd, POLLIN, 0};
			slot[n++] = i;
		} else {
			int64_t left = (int64_t)(t->watch[i].when_ms - now);
			if (left < 0)
				left = 0;
			if (left < timeout)
				timeout = (int)left;
		}
	}
	for (; n < TUI_WATCH_MAX; n++)
		p[n] = (struct pollfd){-1, 0, 0};
	return timeout;
}

static void
tui_watch_fire(struct tui *t, const struct pollfd *p, const int *slot)
{
	uint64_t now = util_now_ms();

	for (int k = 0; k < TUI_WATCH_MAX; k++)
		if (p[k].fd >= 0 && (p[k].revents & (POLLIN | POLLHUP)) &&
		    t->watch[slot[k]].fn)
			t->watch[slot[k]].fn(t, t->watch[slot[k]].arg);
	for (int i = 0; i < TUI_WATCH_MAX; i++)
		if (t->watch[i].fn && t->watch[i].fd < 0 &&
		    t->watch[i].when_ms <= now) {
			tui_ready_fn *fn = t->watch[i].fn;
			t->watch[i].fn = NULL;
			fn(t, t->watch[i].arg);
		}
}

/* A re-run's recorded input, typed in as the program takes it. */
static void
tui_pump(struct tui *t, void *arg)
{
	(void)arg;
	if (t->run.running && !runner_pump(&t->run))
		(void)tui_after(t, 20, tui_pump, NULL);
}

void
tui_run(struct tui *t)
{
	char err[512];
	size_t len;
	char *src;
	int rows, cols;

	if (t->run.running) {
		runner_stop(&t->run);
		return;
	}
	if (t->ed->lang == NULL) {
		snprintf(t->ed->message, sizeof t->ed->message,
		         "no language for %s (see forge langs)", t->ed->path);
		return;
	}
	if (!lang_available(t->ed->lang, backend_default(), err, sizeof err)) {
		snprintf(t->ed->message, sizeof t->ed->message, "%s", err);
		return;
	}
	src = buffer_text(t->ed->buf, &len);
	getmaxyx(t->wout, rows, cols);
	output_reset(t->out);
	t->compile_note[0] = '\0';
	free(t->source_name);
	t->source_name = lang_source_name(t->ed->lang, src, len);
	buf_reset(&t->compiled);
	buf_reset(&t->tail);
	t->shown = 0;
	t->over_output = false;
	t->error_line = 0;
	t->error_col = (struct diag_col){0, false, false};
	if (runner_start(&t->run, t->ed->path, t->ed->lang, src, len,
	                 &t->limits, rows, cols, err, sizeof err) < 0)
		snprintf(t->ed->message, sizeof t->ed->message, "%s", err);
	else {
		stats_start(&t->stats, &t->limits);
		t->ed->message[0] = '\0';
		/* typed keys reach the program at once */
		t->focus = FOCUS_OUTPUT;
		if (t->rerun_has_input) {
			runner_feed(&t->run, t->rerun_input.data,
			            t->rerun_input.len);
			tui_pump(t, NULL);
		}
	}
	t->rerun_has_input = false;
	buf_reset(&t->rerun_input);
	free(src);
}

/* After a CE or an RE: the line of the first error, for F4 / Enter. */
static void
tui_find_error(struct tui *t, int verdict)
{
	struct buf *from = verdict == VERDICT_CE ? &t->compiled : &t->tail;

	if (verdict != VERDICT_CE && verdict != VERDICT_RE)
		return;
	t->error_line = diag_first_error(
	    from->data ? from->data : "", from->len, t->source_name,
	    t->error_text, sizeof t->error_text, &t->error_col);
	if (t->error_line > 0)
		snprintf(t->compile_note, sizeof t->compile_note,
		         "error on line %d: F4 goes there", t->error_line);
}

/* The output's last bytes, where a crash's traceback is. */
static void
tui_keep_tail(struct tui *t, const char *p, size_t n)
{
	enum { TAIL = 16384 };

	if (n >= TAIL) {
		p += n - TAIL;
		n = TAIL;
	}
	if (t->tail.len + n > TAIL) {
		size_t drop = t->tail.len + n - TAIL;
		memmove(t->tail.data, t->tail.data + drop, t->tail.len - drop);
		t->tail.len -= drop;
	}
	buf_add(&t->tail, p, n);
}

/* What the program wrote to its terminal, up to chunks reads of 64K
 * (a flood costs reads, not screens: one redraw after them). */
static void
tui_read_pty(struct tui *t, int chunks)
{
	char buf[65536];
	ssize_t n;

	while (chunks-- > 0 && (n = read(t->run.pty, buf, sizeof buf)) > 0) {
		output_feed(t->out, buf, (size_t)n);
		tui_keep_tail(t, buf, (size_t)n);
		runner_output(&t->run, buf, (size_t)n);
		/* on a terminal the engine cannot count the output: the
		 * workbench does */
		t->shown += (uint64_t)n;
		if (t->shown > t->limits.output_bytes && !t->over_output) {
			t->over_output = true;
			runner_stop(&t->run);
		}
	}
}

static void
tui_events(struct tui *t)
{
	char tmp[8192];
	ssize_t n = read(t->run.events, tmp, sizeof tmp);

	if (n <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		/* the program's last words, still in its terminal */
		if (t->run.pty >= 0) {
			util_set_nonblock(t->run.pty, true);
			tui_read_pty(t, 64);
		}
		if (t->run.running && !t->stats.done) {
			/* stopped by the person (F5, Ctrl-C): AB */
			struct runner_event e = {.kind = RUNNER_DONE,
			                         .verdict = VERDICT_AB};
			snprintf(e.detail, sizeof e.detail,
			         "stopped by the user");
			if (t->over_output) {
				char size[32];
				limits_format_size(t->limits.output_bytes, size,
				                   sizeof size);
				e.verdict = VERDICT_OLE;
				snprintf(e.detail, sizeof e.detail,
				         "output limit %s exceeded", size);
			}
			e.cpu_ms = t->stats.last.cpu_ms;
			e.wall_ms = t->stats.last.t_ms;
			e.mem_kb = t->stats.peak_mem / 1024;
			stats_done(&t->stats, &e);
			runner_record(&t->run, &e, NULL, 0);
		}
		runner_finish(t);
		t->focus = FOCUS_EDITOR;
		return;
	}
	buf_add(&t->pending, tmp, (size_t)n);
	for (;;) {
		struct runner_event e;
		size_t need = sizeof e;

		if (t->pending.len < need)
			return;
		memcpy(&e, t->pending.data, sizeof e);
		if (e.kind == RUNNER_COMPILE)
			need += e.cpu_ms;
		if (t->pending.len < need)
			return;
		runner_record(&t->run, &e, t->pending.data + sizeof e,
		              need - sizeof e);
		if (e.kind == RUNNER_COMPILE && !e.hidden) {
			/* compiler messages appear in the output pane */
			output_feed(t->out, "\033[1m-- compiler --\033[0m\r\n",
			            25);
			buf_add(&t->compiled, t->pending.data + sizeof e,
			        need - sizeof e);
			for (size_t i = sizeof e; i < need; i++) {
				if (t->pending.data[i] == '\n')
					output_feed(t->out, "\r", 1);
				output_feed(t->out, t->pending.data + i, 1);
			}
		} else if (e.kind == RUNNER_SAMPLE)
			stats_sample(&t->stats, &e.sample);
		else if (e.kind == RUNNER_DONE) {
			stats_done(&t->stats, &e);
			tui_find_error(t, e.verdict);
		}
		memmove(t->pending.data, t->pending.data + need,
		        t->pending.len - need);
		t->pending.len -= need;
	}
}

/* The limits a run starts with: the settings file's, else forge run's
 * with a minute of wall time, as a person types the program's input. */
void
tui_limits_default(struct tui *t, struct limits *l)
{
	*l = t->settings.limits;
}

/* Keys that ncurses knows only by their terminfo names (xterm's
 * modified arrows and page keys); 0 where the terminal has none. */
static int tui_key_alt_left, tui_key_alt_right, tui_key_alt_up,
    tui_key_alt_down, tui_key_ctrl_pgup, tui_key_ctrl_pgdn;

/* A key's curses code: the one terminfo's cap names, else the one the
 * sequence seq already has; else seq (when given) is taught to curses
 * as code. 0 when the key stays unknown. */
int
tui_key_resolve(const char *cap, const char *seq, int code)
{
	const char *s = cap ? tigetstr(cap) : NULL;
	int k = s != NULL && s != (char *)-1 ? key_defined(s) : 0;

	if (k <= 0 && seq != NULL)
		k = key_defined(seq);
	if (k <= 0 && seq != NULL) {
		define_key(seq, code);
		k = code;
	}
	return k > 0 ? k : 0;
}

static void
tui_keycodes(void)
{
	/* the arrows and Home/End in both of xterm's cursor modes: a
	 * terminal that ignores the keypad mode curses asks for still
	 * sends them as ESC [ x, which must not be taken for unknown */
	static const struct {
		const char *seq;
		int key;
	} both[] = {
	    {"\033[A", KEY_UP},   {"\033[B", KEY_DOWN}, {"\033[C", KEY_RIGHT},
	    {"\033[D", KEY_LEFT}, {"\033[H", KEY_HOME}, {"\033[F", KEY_END},
	    {"\033OA", KEY_UP},   {"\033OB", KEY_DOWN}, {"\033OC", KEY_RIGHT},
	    {"\033OD", KEY_LEFT}, {"\033OH", KEY_HOME}, {"\033OF", KEY_END},
	};

	for (size_t i = 0; i < sizeof both / sizeof both[0]; i++)
		tui_key_resolve(NULL, both[i].seq, both[i].key);
	tui_key_alt_left = tui_key_resolve("kLFT3", NULL, 0);
	tui_key_alt_right = tui_key_resolve("kRIT3", NULL, 0);
	tui_key_alt_up = tui_key_resolve("kUP3", NULL, 0);
	tui_key_alt_down = tui_key_resolve("kDN3", NULL, 0);
	tui_key_ctrl_pgup = tui_key_resolve("kPRV5", NULL, 0);
	tui_key_ctrl_pgdn = tui_key_resolve("kNXT5", NULL, 0);
	/* Shift-F2 (the lab view) as xterm sends it, where terminfo has
	 * no kf14 */
	tui_key_resolve("kf14", "\033[1;2Q", KEY_F(14));
}

/* Asks for a line of text in the key bar; fn gets it on Enter. */
void
tui_prompt(struct tui *t, const char *question,
           void (*fn)(struct tui *, const char *))
{
	t->prompt = question;
	t->answered = fn;
	buf_reset(&t->answer);
}

static void
tui_prompt_key(struct tui *t, int key, bool is_key)
{
	void (*fn)(struct tui *, const char *) = t->answered;

	if (!is_key && (key == '\r' || key == '\n')) {
		char *text = xstrdup(buf_cstr(&t->answer));
		t->prompt = NULL;
		fn(t, text);
		free(text);
	} else if (!is_key &&
	           (key == 27 || key == TUI_CTRL('G') || key == TUI_CTRL('C')))
		t->prompt = NULL;
	else if ((is_key && key == KEY_BACKSPACE) ||
	         (!is_key && (key == 127 || key == 8))) {
		/* one character back, not one byte */
		while (t->answer.len > 0 &&
		       (t->answer.data[--t->answer.len] & 0xc0) == 0x80)
			;
	} else if (!is_key && key >= 32 && !(key & TUI_ALT)) {
		char mb[8];

		buf_add(&t->answer, mb, editor_encode(key, mb));
	}
}

static void
tui_open_answer(struct tui *t, const char *path)
{
	struct editor *e;

	if (path[0] == '\0')
		return;
	e = tui_open_buffer(t, path, NULL, 0);
	if (e && e->message[0] == '\0')
		tui_message(t, "opened %s", path);
}

/* Ctrl-W: the buffer goes (asking first when it has unsaved changes);
 * the last one stays. */
static void
tui_close_buffer(struct tui *t)
{
	int i = 0;

	while (i < t->neds && t->eds[i] != t->ed)
		i++;
	if (t->neds == 1) {
		tui_message(t, "the last buffer stays open (Ctrl-Q quits)");
		return;
	}
	if (editor_modified(t->ed) && !t->close_armed) {
		t->close_armed = true;
		tui_message(t, "unsaved changes: Ctrl-W again closes without "
		               "saving, Ctrl-S saves");
		return;
	}
	recovery_remove(t->ed->recovery);
	editor_free(t->ed);
	free(t->ed);
	memmove(t->eds + i, t->eds + i + 1,
	        (size_t)(t->neds - i - 1) * sizeof t->eds[0]);
	t->neds--;
	t->ed = t->eds[i < t->neds ? i : t->neds - 1];
	tui_message(t, "closed; now %s", t->ed->path);
}

/* Tab and Shift-Tab: editor, output, stats; while a program runs Tab
 * switches between the editor and the program's terminal only. */
static void
tui_focus_next(struct tui *t, int dir)
{
	int n = t->run.running ? 2 : 3;

	t->focus = (enum focus)(((int)t->focus + dir + n) % n);
	if (t->zoom)
		tui_layout(t);
}

/* The byte column of the error on the cursor's line, from the column the
 * output gave (characters from 1, a tab up to the next multiple of 8 for
 * GCC; Python's from the code's first non-blank character), clamped to
 * the line. */
static size_t
tui_error_column(const struct tui *t)
{
	size_t len, i = 0, at = 1, want = (size_t)t->error_col.col;
	const char *s = buffer_line(t->ed->buf, t->ed->cur.line, &len);

	if (t->error_col.col <= 0)
		return 0;
	if (t->error_col.in_code)
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
	while (i < len && at < want) {
		if (s[i] == '\t' && t->error_col.tabs8)
			at = (at + 7) / 8 * 8 + 1;
		else
			at++;
		/* over one UTF-8 character */
		for (i++; i < len && ((unsigned char)s[i] & 0xc0) == 0x80; i++)
			;
	}
	return i;
}

/* F4 / Alt-e: the editor goes to the line and column of the first
 * compile (or runtime) error the output pane shows */
static void
tui_jump_error(struct tui *t)
{
	if (t->error_line <= 0) {
		tui_message(t, "no error line found in the output");
		return;
	}
	t->ed->cur.line = (size_t)t->error_line - 1;
	if (t->ed->cur.line >= buffer_lines(t->ed->buf))
		t->ed->cur.line = buffer_lines(t->ed->buf) - 1;
	t->ed->cur.col = tui_error_column(t);
	t->focus = FOCUS_EDITOR;
	tui_message(t, "line %d: %s", t->error_line, t->error_text);
}

/* F2 / Alt-s: the last run's input and output as a new test. */
static void
tui_save_test(struct tui *t)
{
	if (t->run.running)
		tui_message(t, "the program is running: save it as a test "
		               "once it has ended");
	else if (!t->have_last)
		tui_message(t, "no run to save yet: F5 runs the program (F8, "
		               "s saves an older one)");
	else
		(void)tests_save_run(t, &t->last);
}

static void
tui_switch_buffer(struct tui *t, int to)
{
	if (to < 0 || to >= t->neds)
		return;
	t->ed = t->eds[to];
	t->focus = FOCUS_EDITOR;
	tui_message(t, "buffer %d of %d: %s", to + 1, t->neds, t->ed->path);
}

static int
tui_buffer_index(const struct tui *t)
{
	for (int i = 0; i < t->neds; i++)
		if (t->eds[i] == t->ed)
			return i;
	return 0;
}

/* Keys of the whole screen: the layout, buffers, error jump. */
static bool
tui_layout_key(struct tui *t, int key, bool is_key)
{
	int alt = !is_key && (key & TUI_ALT) ? key & ~TUI_ALT : 0;
	int cur = tui_buffer_index(t);

	if ((is_key && key == KEY_F(11)) || alt == 'z') {
		t->zoom = !t->zoom;
		tui_layout(t);
		return true;
	}
	if (alt == '<' || (is_key && key == tui_key_alt_left)) {
		tui_split(t, 'x', -5, -1);
		return true;
	}
	if (alt == '>' || (is_key && key == tui_key_alt_right)) {
		tui_split(t, 'x', 5, -1);
		return true;
	}
	if (alt == '-' || (is_key && key == tui_key_alt_up)) {
		tui_split(t, 'y', -5, -1);
		return true;
	}
	if (alt == '+' || alt == '=' || (is_key && key == tui_key_alt_down)) {
		tui_split(t, 'y', 5, -1);
		return true;
	}
	if ((is_key && key == KEY_F(4)) || alt == 'e') {
		tui_jump_error(t);
		return true;
	}
	if (alt >= '1' && alt <= '9') {
		tui_switch_buffer(t, alt - '1');
		return true;
	}
	if ((is_key && key == tui_key_ctrl_pgup) || alt == ',') {
		tui_switch_buffer(t, (cur + t->neds - 1) % t->neds);
		return true;
	}
	if ((is_key && key == tui_key_ctrl_pgdn) || alt == '.') {
		tui_switch_buffer(t, (cur + 1) % t->neds);
		return true;
	}
	if (!is_key && key == TUI_CTRL('O')) {
		tui_prompt(t, "open file: ", tui_open_answer);
		return true;
	}
	if (!is_key && key == TUI_CTRL('W')) {
		tui_close_buffer(t);
		return true;
	}
	if ((is_key && key == KEY_F(6)) || alt == 'j') {
		tests_judge(t);
		return true;
	}
	if ((is_key && key == KEY_F(2)) || alt == 's') {
		tui_save_test(t);
		return true;
	}
	if ((is_key && key == KEY_F(7)) || alt == 't') {
		tests_open(t);
		return true;
	}
	if ((is_key && key == KEY_F(10)) || alt == 'm') {
		tui_open_view(t, &limits_form_view);
		return true;
	}
	if ((is_key && key == KEY_F(12)) || alt == 'l') {
		tui_open_view(t, &lang_menu_view);
		return true;
	}
	if ((is_key && key == KEY_F(14)) || alt == 'u') { /* Shift-F2 */
		labview_open(t);
		return true;
	}
	if (!is_key && key == TUI_CTRL('L')) {
		clearok(curscr, TRUE); /* the screen was disturbed: redraw */
		return true;
	}
	return false;
}

static bool
tui_in(const struct tui_rect *r, int y, int x)
{
	return r->h > 0 && y >= r->y && y < r->y + r->h && x >= r->x &&
	       x < r->x + r->w;
}

/* Clicks focus a pane, a press on a border and a release elsewhere move
 * it, the wheel scrolls the output back; the editor has its own. */
static void
tui_mouse(struct tui *t)
{
	struct tui_geometry g;
	MEVENT m;

	if (getmouse(&m) != OK || t->view || t->prompt || t->help)
		return;
	tui_geometry(t, &g);
	/* in the editor, the editor's: the cursor, a selection, scrolling */
	if (!t->drag &&
	    (t->ed->dragging || tui_in(&g.pane[FOCUS_EDITOR], m.y, m.x)) &&
	    editor_mouse(t->ed, &m, t->wed)) {
		t->focus = FOCUS_EDITOR;
		return;
	}
	if (m.bstate & BUTTON1_PRESSED) {
		if (m.x == g.border_x && g.border_x >= 0)
			t->drag = 'x';
		else if (m.y == g.border_y && m.x > g.border_x &&
		         g.border_y >= 0)
			t->drag = 'y';
		else
			for (unsigned p = FOCUS_EDITOR; p <= FOCUS_STATS; p++)
				if (tui_in(&g.pane[p], m.y, m.x))
					t->focus = (enum focus)p;
		return;
	}
	if (m.bstate & BUTTON1_RELEASED) {
		if (t->drag)
			tui_split(t, t->drag, 0, t->drag == 'x' ? m.x : m.y);
		t->drag = 0;
		return;
	}
	if ((m.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) &&
	    tui_in(&g.pane[FOCUS_OUTPUT], m.y, m.x))
		output_scroll(t->out, m.bstate & BUTTON4_PRESSED ? 3 : -3);
}

/* ---- keys --------------------------------------------------------------- */

/* The offer of an earlier session's unsaved work takes only r and d:
 * nothing typed goes astray. */
static void
tui_offer_key(struct tui *t, int key, bool is_key)
{
	struct editor *e = t->ed;

	if (!is_key && (key == 'r' || key == 'R')) {
		buffer_load_string(e->buf, e->offered->data, e->offered->len);
		e->recovered = true;
		e->cur = (struct buffer_pos){0, 0};
		tui_message(t, "restored the unsaved work (Ctrl-S saves it)");
	} else if (!is_key && (key == 'd' || key == 'D')) {
		if (recovery_discard(e->recovery) < 0) {
			tui_message(t,
			            "could not set the work aside: %s; it "
			            "stays offered",
			            strerror(errno));
			return;
		}
		tui_message(t,
		            "set aside as %s.discarded (in the recovery "
		            "directory)",
		            strrchr(e->recovery, '/')
		                ? strrchr(e->recovery, '/') + 1
		                : e->recovery);
	} else
		return;
	buf_free(e->offered);
	free(e->offered);
	e->offered = NULL;
}

/* Ctrl-Q: quits, or asks first when a buffer has unsaved changes. */
static void
tui_quit(struct tui *t)
{
	int unsaved = 0;

	for (int i = 0; i < t->neds; i++)
		unsaved += editor_modified(t->eds[i]);
	if (unsaved && !t->quit_armed) {
		t->quit_armed = true;
		tui_message(t,
		            "%s: Ctrl-Q again quits without saving, Ctrl-S "
		            "saves",
		            unsaved == 1 && editor_modified(t->ed)
		                ? "unsaved changes"
		                : "unsaved changes in other buffers");
		return;
	}
	/* saved, or the person chose to drop the changes */
	for (int i = 0; i < t->neds; i++)
		recovery_remove(t->eds[i]->recovery);
	t->quit = true;
}

/* ? opens the help where it is not text: in the stats pane, the output
 * of a finished run, a view that has no use for it (the view's own key
 * handler says so by ignoring it). */
static bool
tui_help_wanted(const struct tui *t, int key, bool is_key)
{
	return (is_key && key == KEY_F(1)) || key == (TUI_ALT | '?') ||
	       (!is_key && key == '?' && !t->view &&
	        (t->focus == FOCUS_STATS ||
	         (t->focus == FOCUS_OUTPUT && !t->run.running)));
}

/* A key for the open view; true when it is done with. */
static bool
tui_view_key(struct tui *t, int key, bool is_key)
{
	int r = t->view->key(t, key, is_key);

	if (r & TUI_KEY_CLOSE)
		tui_close_view(t);
	if (r != TUI_KEY_IGNORED)
		return true;
	if (!is_key && key == 27) {
		tui_close_view(t);
		return true;
	}
	if (!is_key && key == '?') {
		tui_help_open(t);
		return true;
	}
	return false;
}

/* Keys that do the same whichever pane has the focus: the views, the
 * run, the layout and buffers, the focus, saving and quitting. true:
 * the key was one of them. */
static bool
tui_global_key(struct tui *t, int key, bool is_key)
{
	if ((is_key && key == KEY_F(9)) || key == (TUI_ALT | 'c')) {
		theme_chooser_open(t);
		return true;
	}
	if (histview_playing_key(t, key, is_key))
		return true;
	if ((is_key && key == KEY_F(8)) ||
	    (!is_key && key == (TUI_ALT | 'h'))) {
		histview_open(t);
		return true;
	}
	if ((is_key && key == KEY_F(5)) || (!is_key && key == TUI_CTRL('R'))) {
		tui_run(t);
		return true;
	}
	if (tui_layout_key(t, key, is_key))
		return true;
	/* in the editor Tab and Shift-Tab indent: the editor's keys */
	if (t->focus == FOCUS_EDITOR && !t->run.running &&
	    ((!is_key && key == '\t') || (is_key && key == KEY_BTAB)))
		return false;
	if ((!is_key && (key == '\t' || key == (TUI_ALT | '\t'))) ||
	    (is_key && key == KEY_BTAB)) {
		tui_focus_next(t, key == KEY_BTAB ? -1 : 1);
		return true;
	}
	if (!is_key && key == TUI_CTRL('S')) {
		if (editor_save(t->ed) == 0)
			recovery_remove(t->ed->recovery);
		return true;
	}
	if (!is_key && key == TUI_CTRL('Q')) {
		tui_quit(t);
		return true;
	}
	return false;
}

static void
tui_editor_key(struct tui *t, int key, bool is_key)
{
	int rows, cols;

	t->focus = FOCUS_EDITOR;
	t->ed->message[0] = '\0';
	getmaxyx(t->wed, rows, cols);
	(void)cols;
	if (!editor_key(t->ed, key, is_key, rows > 2 ? rows - 1 : 1) &&
	    !is_key && (key & TUI_ALT))
		tui_message(t, "Alt-%lc does nothing here (F1 lists the keys)",
		            (wint_t)(key & ~TUI_ALT));
}

/* The stats pane has no keys of its own: typing goes to the editor. */
static void
tui_stats_key(struct tui *t, int key, bool is_key)
{
	tui_editor_key(t, key, is_key);
}

/* A key typed to the running program: to its terminal, and its echo
 * (the terminal's own is off) to the output pane. */
static void
tui_program_key(struct tui *t, int key, bool is_key)
{
	char reply[256];
	size_t n;

	output_scroll(t->out, INT_MIN); /* typing follows the program */
	if (!is_key && key == TUI_CTRL('C')) {
		runner_stop(&t->run);
		return;
	}
	output_key(t->out, key, is_key);
	/* what the program wrote so far comes before the echo */
	tui_read_pty(t, 64);
	while ((n = output_take_reply(t->out, reply, sizeof reply)) > 0) {
		struct buf echo;

		buf_init(&echo, 0);
		runner_input(&t->run, reply, n, &echo);
		if (echo.len > 0)
			output_feed(t->out, echo.data, echo.len);
		buf_free(&echo);
	}
}

/* The output pane: scrolling back; while the program runs, typing to
 * it; after, Enter on an error and the rest for the editor. */
static void
tui_output_key(struct tui *t, int key, bool is_key)
{
	/* shifted page keys scroll while it runs too, as in terminals;
	 * plain page keys once the program is done */
	if (is_key &&
	    (key == KEY_SPREVIOUS || key == KEY_SNEXT ||
	     (!t->run.running && (key == KEY_PPAGE || key == KEY_NPAGE)))) {
		int page = getmaxy(t->wout) - 1;
		output_scroll(t->out, key == KEY_SPREVIOUS || key == KEY_PPAGE
		                          ? page
		                          : -page);
		return;
	}
	if (t->run.running) {
		tui_program_key(t, key, is_key);
		return;
	}
	if (!is_key && (key == '\r' || key == '\n') && t->error_line > 0)
		tui_jump_error(t);
	else if (is_key && (key == KEY_HOME || key == KEY_END))
		output_scroll(t->out, key == KEY_HOME ? INT_MAX : INT_MIN);
	else
		tui_editor_key(t, key, is_key);
}

/* The rest of the keys go to the focused pane. */
static void (*const tui_pane_key[])(struct tui *, int, bool) = {
    [FOCUS_EDITOR] = tui_editor_key,
    [FOCUS_OUTPUT] = tui_output_key,
    [FOCUS_STATS] = tui_stats_key,
};

/* A key, to what has it first: the help, the offer of unsaved work, a
 * paste, a prompt, the open view, the keys of the whole screen, then
 * the focused pane. */
static void
tui_key(struct tui *t, int key, bool is_key)
{
	if (t->help) {
		tui_help_key(t, key, is_key);
		return;
	}
	settings_key_translate(&t->settings, &key, &is_key);
	if (t->ed->offered) {
		tui_offer_key(t, key, is_key);
		return;
	}
	/* a paste from the terminal is text for the editor, whatever keys
	 * it holds */
	if (t->ed->pasting && !t->view && t->focus == FOCUS_EDITOR) {
		editor_key(t->ed, key, is_key, 1);
		return;
	}
	if (t->prompt) {
		tui_prompt_key(t, key, is_key);
		return;
	}
	if (!is_key && key != TUI_CTRL('Q'))
		t->quit_armed = false;
	if (!is_key && key != TUI_CTRL('W'))
		t->close_armed = false;
	if (tui_help_wanted(t, key, is_key)) {
		tui_help_open(t);
		return;
	}
	if (t->view && tui_view_key(t, key, is_key))
		return;
	if (tui_global_key(t, key, is_key))
		return;
	tui_pane_key[t->focus](t, key, is_key);
}

/* Keeps unsaved work in the recovery file: at most a second old, so a
 * kill or a crash loses at most that (now: at once). */
static void
tui_keep_one(struct editor *e, uint64_t ms, bool now)
{
	size_t len;
	char *text;

	if (e->edits == e->kept_edits)
		return;
	if (!now && ms - e->kept_ms < 1000)
		return;
	if (!editor_modified(e)) {
		/* back to what is saved (undo): nothing to keep */
		recovery_remove(e->recovery);
		e->kept_edits = e->edits;
		return;
	}
	text = buffer_text(e->buf, &len);
	if (recovery_write(e->recovery, e->path, text, len) == 0) {
		e->kept_edits = e->edits;
		e->kept_ms = ms;
	}
	free(text);
}

static void
tui_keep(struct tui *t, bool now)
{
	uint64_t ms = util_now_ms();

	/* the first buffer's old work is not overwritten before the
	 * person has answered the offer */
	for (int i = 0; i < t->neds; i++)
		if (t->eds[i]->offered == NULL)
			tui_keep_one(t->eds[i], ms, now);
}

/* Work an earlier session left unsaved in the file's recovery file is
 * offered (r or d) before anything else happens to the buffer; the
 * same text as the file's is no work to offer. */
static void
tui_offer(struct editor *e)
{
	struct buf *b = xmalloc(sizeof *b);
	size_t len;
	char *now;

	buf_init(b, 0);
	if (!recovery_read(e->recovery, b)) {
		buf_free(b);
		free(b);
		return;
	}
	now = buffer_text(e->buf, &len);
	if (len == b->len && memcmp(now, buf_cstr(b), len) == 0) {
		recovery_remove(e->recovery);
		buf_free(b);
		free(b);
	} else {
		e->offered = b;
		snprintf(e->message, sizeof e->message,
		         "unsaved work found: r restores it, d sets it aside");
	}
	free(now);
}

/* A new buffer, shown at once: the file at path, or text (a buffer not
 * yet saved anywhere, such as a run's source from the history). */
struct editor *
tui_open_buffer(struct tui *t, const char *path, const char *text, size_t len)
{
	struct editor *e;

	/* a file already open, or the same text under the same name (a
	 * past run's source is named after the run): that buffer */
	for (int i = 0; i < t->neds; i++)
		if (strcmp(t->eds[i]->path, path) == 0) {
			t->focus = FOCUS_EDITOR;
			return t->ed = t->eds[i];
		}
	if (t->neds == TUI_BUFFERS) {
		tui_message(t, "%d buffers open: close one first", t->neds);
		return NULL;
	}
	e = xmalloc(sizeof *e);
	editor_init(e, path);
	if (text) {
		buffer_load_string(e->buf, text, len);
		e->recovered = true; /* not saved: modified */
		e->message[0] = '\0';
	}
	e->lang = lang_find_file(&t->langs, path);
	e->settings = &t->settings;
	if (text == NULL)
		editor_template(e);
	e->recovery = recovery_path(path);
	if (text == NULL)
		tui_offer(e);
	t->eds[t->neds++] = e;
	t->ed = e;
	t->focus = FOCUS_EDITOR;
	return e;
}

/* After initscr(): the settings file's limits and theme; a mistake in
 * it is shown in the title bar, with its line, and the rest applies. */
static void
tui_settings(struct tui *t)
{
	char *path = settings_path();
	struct buf errs;
	int n = 0;

	buf_init(&errs, 0);
	settings_init(&t->settings);
	settings_load(&t->settings, path, &errs);
	t->limits = t->settings.limits;
	/* checked when read: a name the engine does not know is an error
	 * there, and the default stays */
	if (t->settings.backend[0] != '\0')
		backend_choose(backend_find(t->settings.backend));
	tui_remote_choose(&t->settings);
	tui_backend_choose();
	theme_init();
	theme_use(t->settings.theme, &errs);
	for (size_t i = 0; i < errs.len; i++)
		n += errs.data[i] == '\n';
	if (n > 0 && !t->ed->offered) /* the offer's words come first */
		tui_message(t, "%.*s%s", (int)strcspn(buf_cstr(&errs), "\n"),
		            errs.data, n > 1 ? " (and more)" : "");
	buf_free(&errs);
	free(path);
}

/* Alt-x arrives as Escape then x, read at once: one key, TUI_ALT | x.
 * Escape [ and Escape O begin sequences of keys that curses does not
 * know: they are read to their end and dropped, never typed. Returns
 * whether there is a key to handle. */
static bool
tui_alt(int *key, bool *is_key)
{
	wint_t wc;
	int r;

	if (*is_key || *key != 27 || (r = get_wch(&wc)) == ERR)
		return true;
	if (r == KEY_CODE_YES || (wc < ' ' && wc != '\t') || wc == 127) {
		/* Escape, then a key curses knows or a control key: both */
		if (r == KEY_CODE_YES)
			ungetch((int)wc);
		else
			unget_wch((wchar_t)wc);
		return true;
	}
	if (wc == '[' || wc == 'O') {
		bool csi = wc == '[';

		/* parameters, then one final byte (@ to ~) */
		while ((r = get_wch(&wc)) != ERR && r != KEY_CODE_YES && csi &&
		       !(wc >= '@' && wc <= '~'))
			;
		return false;
	}
	*key = TUI_ALT | (int)wc;
	return true;
}

static void
tui_usage(FILE *f)
{
	size_t i;

	fprintf(f,
	        "usage: forge-tui [--companion[=PORT]] [--server URL] "
	        "[--backend NAME] FILE\n\n"
	        "The Forge "
	        "workbench: edit FILE, run it in the sandbox with F5, see "
	        "its\noutput, usage and verdict; judge it on its tests with "
	        "F6.\n\n  --companion[=PORT]  receive problems from "
	        "competitive-companion on\n                      127.0.0.1:"
	        "PORT (default %d)\n  --server URL        F5 and F6 run on "
	        "that forge serve (default: the settings'\n                 "
	        "     server =; its token: $FORGE_TOKEN; an https://\n"
	        "                      server's CA: $FORGE_SERVER_CA)\n"
	        "  --backend NAME      F5 and F6 run on that backend (ns, "
	        "docker, ...; default:\n                      the settings' "
	        "backend =)\n\n"
	        "keys:\n",
	        COMPANION_PORT);
	for (i = 0; i < sizeof tui_keys / sizeof tui_keys[0]; i++)
		fprintf(f, "  %-30s %s\n", tui_keys[i].key, tui_keys[i].what);
}

/* The command line: -1 to go on, with the file in *file (and the
 * companion's port in *port, 0: none), else the exit status now (help
 * printed, or a usage error said). */
static int
tui_args(int argc, char **argv, const char **file, int *port)
{
	*port = 0;
	if (tui_remote_args(&argc, argv) < 0 ||
	    tui_backend_args(&argc, argv) < 0)
		return 2;
	if (argc == 3 && strncmp(argv[1], "--companion", 11) == 0) {
		if ((*port = tests_companion_port(argv[1] + 11)) < 0) {
			fprintf(stderr,
			        "forge-tui: %s: give a port, e.g. "
			        "--companion=%d\n",
			        argv[1], COMPANION_PORT);
			return 2;
		}
		argv++;
		argc--;
	}
	if (argc == 2 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		tui_usage(stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		if (argc < 2)
			fprintf(stderr, "forge-tui: which file? ");
		else if (argc > 2)
			fprintf(stderr, "forge-tui: one file at a time "
			                "(Ctrl-O opens more inside); ");
		else
			fprintf(stderr, "forge-tui: unknown option '%s'; ",
			        argv[1]);
		fprintf(stderr, "usage: forge-tui [--companion[=PORT]] "
		                "[--server URL] [--backend NAME] FILE "
		                "(--help lists the keys)\n");
		return 2;
	}
	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, "forge-tui: needs a terminal\n");
		return 2;
	}
	*file = argv[1];
	return -1;
}

/* Signals arrive as events of the loop, on the descriptor returned;
 * nothing runs in handlers but the crash path, which gives the terminal
 * back first. */
static int
tui_signals_init(void)
{
	sigset_t sigs;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGWINCH);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGCHLD);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGSEGV, tui_crash);
	signal(SIGABRT, tui_crash);
	signal(SIGBUS, tui_crash);
	signal(SIGPIPE, SIG_IGN);
	atexit(tui_restore);
	return signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void
tui_curses_init(void)
{
	initscr();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	tui_keycodes();
	editor_keys_init();
	/* clicks, wheel and motion; press and release apart, for dragging
	 * borders and selecting text */
	mousemask(BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON4_PRESSED |
	              BUTTON5_PRESSED | REPORT_MOUSE_POSITION,
	          NULL);
	mouseinterval(0);
	fputs(TUI_PASTE_ON, stdout);
	fflush(stdout);
	if (theme_colours() > 0) {
		start_color();
		use_default_colors();
	}
}

/* The workbench on file, on screen; the signals' descriptor. */
static int
tui_start(struct tui *t, const char *file, int port)
{
	int sfd;

	setlocale(LC_ALL, "");
	memset(t, 0, sizeof *t);
	tui_active = t;
	lang_load_all(&t->langs);
	tui_open_buffer(t, file, NULL, 0);
	t->run.pty = t->run.events = -1;
	buf_init(&t->pending, 0);
	buf_init(&t->rerun_input, 0);
	buf_init(&t->answer, 4096);
	buf_init(&t->compiled, 1 << 20);
	buf_init(&t->tail, 0);
	t->split_x = 55;
	t->split_y = 60;
	backend_default()->cleanup_stale();
	cache_cleanup_stale();
	sfd = tui_signals_init();
	tui_curses_init();
	tui_settings(t);
	tui_layout(t);
	if (port > 0)
		tests_listen(t, port);
	return sfd;
}

/* The signals that came: a resize, or the terminal gone. */
static void
tui_signals(struct tui *t, int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGWINCH) {
			struct winsize ws;
			if (ioctl(1, TIOCGWINSZ, &ws) == 0)
				resizeterm(ws.ws_row, ws.ws_col);
			tui_layout(t);
		} else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGHUP) {
			/* a closed terminal: the work is kept */
			tui_keep(t, true);
			t->quit = true;
		}
	}
}

/* Every key waiting, each handled at once. */
static void
tui_keys_ready(struct tui *t)
{
	wint_t wc;
	int r;

	nodelay(stdscr, TRUE);
	while ((r = get_wch(&wc)) != ERR) {
		int key = (int)wc;
		bool is_key = r == KEY_CODE_YES;

		if (is_key && key == KEY_MOUSE) {
			tui_mouse(t);
			continue;
		}
		if (tui_alt(&key, &is_key))
			tui_key(t, key, is_key);
	}
	nodelay(stdscr, FALSE);
}

/* The one loop: keys, signals, the program's terminal and events, the
 * modules' watches, until the person quits. */
static void
tui_loop(struct tui *t, int sfd)
{
	while (!t->quit) {
		struct pollfd p[4 + TUI_WATCH_MAX] = {
		    {0, POLLIN, 0},
		    {sfd, POLLIN, 0},
		    {t->run.pty, POLLIN, 0},
		    {t->run.events, POLLIN, 0}};
		int slot[TUI_WATCH_MAX], timeout;
		bool keyed = false;

		tui_draw(t);
		timeout = tui_watch_poll(t, p + 4, slot, 100);
		if (poll(p, 4 + TUI_WATCH_MAX, timeout) < 0) {
			if (errno != EINTR)
				break;
			continue;
		}
		tui_watch_fire(t, p + 4, slot);
		if (p[1].revents & POLLIN)
			tui_signals(t, sfd);
		if (p[0].revents & POLLIN) {
			keyed = true;
			tui_keys_ready(t);
		}
		/* keys first, and their effect on screen before more of a
		 * flood: the pty stays readable and is read next time round */
		if (t->run.pty >= 0 && !keyed &&
		    (p[2].revents & (POLLIN | POLLHUP)))
			tui_read_pty(t, 16);
		if (t->run.events >= 0 && !keyed &&
		    (p[3].revents & (POLLIN | POLLHUP)))
			tui_events(t);
		tui_keep(t, false);
	}
}

/* The run stopped, the terminal given back, everything freed. */
static void
tui_end(struct tui *t)
{
	runner_stop(&t->run);
	if (t->run.pid > 0)
		runner_reap(&t->run);
	tests_free(t);
	endwin();
	output_free(t->out);
	for (int i = 0; i < t->neds; i++) {
		editor_free(t->eds[i]);
		free(t->eds[i]);
	}
	lang_set_free(&t->langs);
	settings_free(&t->settings);
	buf_free(&t->pending);
	buf_free(&t->rerun_input);
	buf_free(&t->answer);
	buf_free(&t->compiled);
	buf_free(&t->tail);
	history_run_free(&t->last);
	free(t->source_name);
	backend_release_all();
}

int
main(int argc, char **argv)
{
	struct tui t;
	struct engine_config cfg;
	const char *file = NULL;
	int sfd, port, st;

	/* the engine's settings come from the environment, read here */
	engine_config_env(&cfg);
	engine_configure(&cfg);
	engine_config_free(&cfg);
	backend_find_helper();
	if ((st = tui_args(argc, argv, &file, &port)) >= 0)
		return st;
	sfd = tui_start(&t, file, port);
	tui_loop(&t, sfd);
	tui_end(&t);
	return 0;
}
