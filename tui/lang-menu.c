/* The language menu: every language Forge knows, whether its toolchain
 * is here, and the one the current buffer is run as. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui/tui.h"

static int lang_menu_row;

static const struct language *
lang_menu_nth(const struct tui *t, int n)
{
	const struct language *l = t->langs.head;

	while (l && n-- > 0)
		l = l->next;
	return l;
}

static int
lang_menu_count(const struct tui *t)
{
	int n = 0;

	for (const struct language *l = t->langs.head; l; l = l->next)
		n++;
	return n;
}

static void
lang_menu_draw(struct tui *t, WINDOW *w)
{
	int rows, cols, n = lang_menu_count(t), top, y = 3;

	getmaxyx(w, rows, cols);
	wattrset(w, theme_attr(THEME_DIALOG_BORDER));
	mvwprintw(w, 1, 2, "Language of %.*s", cols - 20, t->ed->path);
	wattrset(w, A_NORMAL);
	top = lang_menu_row - (rows - 5) + 1;
	if (top < 0)
		top = 0;
	for (int i = top; i < n && y < rows - 1; i++, y++) {
		const struct language *l = lang_menu_nth(t, i);
		char why[256];
		bool ok = lang_available(l, backend_default(), why, sizeof why);

		wattrset(w, theme_attr(i == lang_menu_row ? THEME_LIST_CURSOR
		                                          : THEME_NORMAL));
		mvwprintw(w, y, 2, "%c %-12s %-24s",
		          l == t->ed->lang ? '*' : ' ', l->id, l->name);
		wattrset(w, A_NORMAL);
		wprintw(w, " %.*s", cols > 44 ? cols - 44 : 0,
		        ok ? "available" : why);
	}
}

static int
lang_menu_key(struct tui *t, int key, bool is_key)
{
	int n = lang_menu_count(t);

	if (is_key && key == KEY_UP && lang_menu_row > 0)
		lang_menu_row--;
	else if (is_key && key == KEY_DOWN && lang_menu_row + 1 < n)
		lang_menu_row++;
	else if ((!is_key && (key == '\r' || key == '\n')) ||
	         (is_key && key == KEY_ENTER)) {
		const struct language *l = lang_menu_nth(t, lang_menu_row);
		char why[256];

		if (l == NULL)
			return TUI_KEY_HANDLED;
		t->ed->lang = l;
		if (lang_available(l, backend_default(), why, sizeof why))
			tui_message(t, "%s runs as %s", t->ed->path, l->name);
		else
			tui_message(t, "%s: %s", l->name, why);
		return TUI_KEY_CLOSE;
	} else if (!is_key && (key == 27 || key == 'q'))
		return TUI_KEY_CLOSE;
	else
		return TUI_KEY_IGNORED;
	return TUI_KEY_HANDLED;
}

const struct tui_view lang_menu_view = {
    .name = "language",
    .draw = lang_menu_draw,
    .key = lang_menu_key,
    .keys =
        (const struct tui_keyhelp[]){{"Up / Down", "choose", "choose"},
                                     {"Enter", "run the buffer as it", "use"},
                                     {"Esc", "back, unchanged", "back"}},
    .nkeys = 3,
};
