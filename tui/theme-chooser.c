/* The theme chooser: the installed themes in a list, each shown on the
 * whole screen as the cursor reaches it (a sample of every element is
 * drawn beside the list), kept in the settings file by Enter. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"

static struct {
	char **names;
	struct theme *themes;
	char **errors; /* the first bad line of each theme's file, or NULL */
	size_t n, cur;
	struct theme before; /* shown again when nothing is chosen */
	bool chosen;
} chooser;

static const struct tui_keyhelp theme_chooser_keys[] = {
    {"Up, Down", "try the theme above or below", "try"},
    {"Enter", "keep the theme (saved in the settings file)", "keep"},
    {"Esc, F9", "back to the theme before", "cancel"},
};

/* One row of the sample: text in elements, NULL-terminated pairs. */
static void
theme_chooser_row(WINDOW *w, int y, int x, ...)
{
	va_list ap;
	int e;

	va_start(ap, x);
	wmove(w, y, x);
	while ((e = va_arg(ap, int)) >= 0) {
		wattrset(w, theme_attr((enum theme_element)e));
		waddstr(w, va_arg(ap, const char *));
	}
	va_end(ap);
	wattrset(w, A_NORMAL);
}

static void
theme_chooser_sample(WINDOW *w, int y, int x)
{
	theme_chooser_row(w, y++, x, THEME_LINENO, " 1 ", THEME_SYNTAX_PREPROC,
	                  "#include <stdio.h>", -1);
	theme_chooser_row(w, y++, x, THEME_LINENO, " 2 ", THEME_SYNTAX_TYPE,
	                  "int", THEME_NORMAL, " main(", THEME_SYNTAX_TYPE,
	                  "void", THEME_NORMAL, ") {", -1);
	theme_chooser_row(w, y++, x, THEME_LINENO, " 3 ", THEME_SYNTAX_COMMENT,
	                  "    /* greet */", -1);
	theme_chooser_row(w, y++, x, THEME_LINENO_CURRENT, " 4 ",
	                  THEME_CURRENT_LINE, "    printf(",
	                  THEME_SYNTAX_STRING, "\"hi %d\\n\"",
	                  THEME_CURRENT_LINE, ", ", THEME_SYNTAX_NUMBER, "42",
	                  THEME_CURRENT_LINE, ");", -1);
	theme_chooser_row(w, y++, x, THEME_LINENO, " 5 ", THEME_NORMAL, "    ",
	                  THEME_SYNTAX_KEYWORD, "return", THEME_NORMAL, " ",
	                  THEME_SELECTION, "0", THEME_NORMAL, ";", -1);
	theme_chooser_row(w, y++, x, THEME_LINENO, " 6 ", THEME_BRACKET_MATCH,
	                  "}", THEME_NORMAL, "  ", THEME_SEARCH_MATCH, "match",
	                  -1);
	y++;
	theme_chooser_row(w, y++, x, THEME_NORMAL, "mem ", THEME_METER_LOW,
	                  "||||", THEME_METER_MID, "|||", THEME_METER_HIGH,
	                  "||", THEME_NORMAL, "  ", THEME_GRAPH, "graph", -1);
	theme_chooser_row(w, y++, x, THEME_VERDICT_OK, " OK ", THEME_NORMAL,
	                  " ", THEME_VERDICT_WRONG, " WA ", THEME_NORMAL, " ",
	                  THEME_VERDICT_LIMIT, " TLE ", THEME_NORMAL, " ",
	                  THEME_VERDICT_ERROR, " IE ", -1);
	theme_chooser_row(w, y++, x, THEME_DIFF_EXPECTED, "expected 42 ",
	                  THEME_DIFF_ACTUAL, "actual 4", THEME_DIFF_MARK, "3",
	                  -1);
	theme_chooser_row(w, y++, x, THEME_BORDER, "border ",
	                  THEME_BORDER_FOCUS, "[focus]", THEME_NORMAL, " ",
	                  THEME_BAR, " bar ", THEME_BAR_KEY, "F5", THEME_BAR,
	                  " run ", -1);
	theme_chooser_row(w, y++, x, THEME_MESSAGE, " a note ", THEME_NORMAL,
	                  " ", THEME_ERROR, " an error ", -1);
}

static void
theme_chooser_draw(struct tui *t, WINDOW *w)
{
	int rows, cols, x, top = 0;

	(void)t;
	getmaxyx(w, rows, cols);
	x = cols >= 80 ? 36 : 2;
	wattrset(w, theme_attr(THEME_DIALOG_BORDER));
	mvwprintw(w, 0, 1, " themes (%d colours) ", theme_colours());
	if ((int)chooser.cur >= rows - 2)
		top = (int)chooser.cur - (rows - 3);
	for (int i = top; i < (int)chooser.n && i - top < rows - 2; i++) {
		const struct theme *th = &chooser.themes[i];

		wattrset(w,
		         theme_attr((size_t)i == chooser.cur ? THEME_LIST_CURSOR
		                                             : THEME_NORMAL));
		mvwprintw(w, i - top + 1, 1, " %-*.*s", x - 4, x - 4,
		          chooser.names[i]);
		if (cols < 80)
			continue;
		wattrset(w, theme_attr(THEME_DIALOG));
		mvwprintw(w, i - top + 1, x, "%.*s", cols - x - 1,
		          th->description[0] ? th->description : th->title);
	}
	if (cols >= 80)
		theme_chooser_sample(w, (int)chooser.n + 3, x);
	else if ((int)chooser.n + 15 < rows)
		theme_chooser_sample(w, (int)chooser.n + 2, x);
	if (chooser.errors[chooser.cur] != NULL) {
		wattrset(w, theme_attr(THEME_ERROR));
		mvwprintw(w, rows - 1, 1, "%.*s", cols - 2,
		          chooser.errors[chooser.cur]);
	}
	wattrset(w, A_NORMAL);
}

static void
theme_chooser_close(struct tui *t)
{
	(void)t;
	if (!chooser.chosen)
		theme_apply(&chooser.before);
	util_free_words(chooser.names);
	for (size_t i = 0; i < chooser.n; i++)
		free(chooser.errors[i]);
	free(chooser.errors);
	free(chooser.themes);
	memset(&chooser, 0, sizeof chooser);
}

static void
theme_chooser_keep(struct tui *t)
{
	const char *name = chooser.names[chooser.cur];
	char *path = settings_path(), err[512];

	chooser.chosen = true;
	snprintf(t->settings.theme, sizeof t->settings.theme, "%s", name);
	if (settings_save_theme(path, name, err, sizeof err) < 0)
		tui_message(t, "theme %s, not saved: %s", name, err);
	else
		tui_message(t, "theme %s (kept in %s)", name, path);
	free(path);
}

static int
theme_chooser_key(struct tui *t, int key, bool is_key)
{
	size_t was = chooser.cur;

	if (is_key && (key == KEY_UP || key == KEY_PPAGE || key == KEY_HOME))
		chooser.cur =
		    key == KEY_UP && chooser.cur > 0 ? chooser.cur - 1 : 0;
	else if (is_key &&
	         (key == KEY_DOWN || key == KEY_NPAGE || key == KEY_END))
		chooser.cur = key == KEY_DOWN && chooser.cur + 1 < chooser.n
		                  ? chooser.cur + 1
		                  : chooser.n - 1;
	else if ((!is_key && (key == '\r' || key == '\n')) ||
	         (is_key && key == KEY_ENTER)) {
		theme_chooser_keep(t);
		return TUI_KEY_HANDLED | TUI_KEY_CLOSE;
	} else if ((!is_key && key == 27) || (is_key && key == KEY_F(9)))
		return TUI_KEY_HANDLED | TUI_KEY_CLOSE;
	else
		return TUI_KEY_IGNORED;
	if (chooser.cur != was)
		theme_apply(&chooser.themes[chooser.cur]);
	return TUI_KEY_HANDLED;
}

const struct tui_view theme_chooser_view = {
    .name = "themes",
    .draw = theme_chooser_draw,
    .key = theme_chooser_key,
    .close = theme_chooser_close,
    .keys = theme_chooser_keys,
    .nkeys = sizeof theme_chooser_keys / sizeof theme_chooser_keys[0],
};

void
theme_chooser_open(struct tui *t)
{
	if (t->view == &theme_chooser_view)
		return;
	chooser.names = theme_list(&chooser.n);
	chooser.themes = xcalloc(chooser.n, sizeof *chooser.themes);
	chooser.errors = xcalloc(chooser.n, sizeof *chooser.errors);
	chooser.before = *theme_current();
	chooser.chosen = false;
	for (size_t i = 0; i < chooser.n; i++) {
		struct buf errs;

		buf_init(&errs, 0);
		if (theme_load(&chooser.themes[i], chooser.names[i], &errs) < 0)
			theme_builtin(&chooser.themes[i]);
		if (errs.len > 0)
			chooser.errors[i] =
			    xstrndup(errs.data, strcspn(buf_cstr(&errs), "\n"));
		buf_free(&errs);
		if (strcmp(chooser.names[i], chooser.before.name) == 0)
			chooser.cur = i;
	}
	tui_open_view(t, &theme_chooser_view);
}
