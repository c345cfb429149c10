/* The editor pane: the text buffer on screen, with line numbers and a
 * highlighted current line, and the keys that edit it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/tui.h"

#define EDITOR_TAB    4
#define EDITOR_GUTTER 6

void
editor_init(struct editor *e, const char *path)
{
	char err[512];

	memset(e, 0, sizeof *e);
	e->buf = buffer_new();
	e->path = xstrdup(path);
	if (buffer_load(e->buf, path, err, sizeof err) < 0)
		snprintf(e->message, sizeof e->message, "new file %s", path);
}

void
editor_free(struct editor *e)
{
	buffer_free(e->buf);
	free(e->path);
	free(e->recovery);
}

bool
editor_modified(const struct editor *e)
{
	return e->recovered || buffer_modified(e->buf);
}

int
editor_save(struct editor *e)
{
	char err[512];

	if (buffer_save(e->buf, e->path, err, sizeof err) < 0) {
		snprintf(e->message, sizeof e->message, "not saved: %s", err);
		return -1;
	}
	snprintf(e->message, sizeof e->message, "saved %s", e->path);
	e->recovered = false;
	return 0;
}

static void
editor_vertical(struct editor *e, long delta)
{
	size_t col =
	    buffer_byte_to_display(e->buf, e->cur.line, e->cur.col, EDITOR_TAB);
	long line = (long)e->cur.line + delta;
	long last = (long)buffer_lines(e->buf) - 1;

	if (line < 0)
		line = 0;
	if (line > last)
		line = last;
	e->cur.line = (size_t)line;
	e->cur.col =
	    buffer_display_to_byte(e->buf, e->cur.line, col, EDITOR_TAB);
	buffer_undo_break(e->buf);
}

/* true when the key was the editor's */
static bool editor_key_inner(struct editor *, int, bool, int);

bool
editor_key(struct editor *e, int key, bool is_key, int page)
{
	/* any key may have changed the text; the recovery file compares */
	e->edits++;
	return editor_key_inner(e, key, is_key, page);
}

static bool
editor_key_inner(struct editor *e, int key, bool is_key, int page)
{
	uint64_t now = util_now_ms();
	struct buffer_pos p;

	if (is_key) {
		switch (key) {
		case KEY_UP:
			editor_vertical(e, -1);
			return true;
		case KEY_DOWN:
			editor_vertical(e, 1);
			return true;
		case KEY_PPAGE:
			editor_vertical(e, -page);
			return true;
		case KEY_NPAGE:
			editor_vertical(e, page);
			return true;
		case KEY_LEFT:
			e->cur = buffer_prev_char(e->buf, e->cur);
			buffer_undo_break(e->buf);
			return true;
		case KEY_RIGHT:
			e->cur = buffer_next_char(e->buf, e->cur);
			buffer_undo_break(e->buf);
			return true;
		case KEY_HOME:
			e->cur = buffer_home(e->buf, e->cur);
			return true;
		case KEY_END:
			e->cur = buffer_line_end(e->buf, e->cur);
			return true;
		case KEY_BACKSPACE:
			p = buffer_prev_char(e->buf, e->cur);
			e->cur = buffer_erase(e->buf, e->cur, p, now);
			return true;
		case KEY_DC:
			p = buffer_next_char(e->buf, e->cur);
			e->cur = buffer_erase(e->buf, e->cur, p, now);
			return true;
		case KEY_ENTER:
			key = '\n';
			break;
		default:
			return false;
		}
	}
	if (key == 127 || key == 8) {
		p = buffer_prev_char(e->buf, e->cur);
		e->cur = buffer_erase(e->buf, e->cur, p, now);
		return true;
	}
	if (key == 26) { /* Ctrl-Z */
		if (!buffer_undo(e->buf, &e->cur))
			snprintf(e->message, sizeof e->message,
			         "nothing to undo");
		return true;
	}
	if (key == 25) { /* Ctrl-Y */
		if (!buffer_redo(e->buf, &e->cur))
			snprintf(e->message, sizeof e->message,
			         "nothing to redo");
		return true;
	}
	if (key == '\r' || key == '\n') {
		/* auto-indent: the new line starts as indented as this one */
		size_t n = buffer_indent(e->buf, e->cur.line), len;
		const char *line = buffer_line(e->buf, e->cur.line, &len);
		char *text = xmalloc(n + 2);

		text[0] = '\n';
		memcpy(text + 1, line, n < e->cur.col ? n : e->cur.col);
		e->cur =
		    buffer_type(e->buf, e->cur, text,
		                1 + (n < e->cur.col ? n : e->cur.col), now);
		free(text);
		return true;
	}
	if (key == '\t' || key >= 32) {
		char mb[8];
		mbstate_t st;
		size_t n;

		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)key, &st);
		if (n != (size_t)-1)
			e->cur = buffer_type(e->buf, e->cur, mb, n, now);
		return true;
	}
	return false;
}

void
editor_draw(struct editor *e, WINDOW *w, bool focused)
{
	int rows, cols, y;
	size_t curx =
	    buffer_byte_to_display(e->buf, e->cur.line, e->cur.col, EDITOR_TAB);

	getmaxyx(w, rows, cols);
	if (rows < 1 || cols <= EDITOR_GUTTER)
		return;
	/* keep the cursor in view */
	if (e->cur.line < e->top)
		e->top = e->cur.line;
	if (e->cur.line >= e->top + (size_t)rows)
		e->top = e->cur.line - (size_t)rows + 1;
	if (curx < e->left)
		e->left = curx;
	if (curx >= e->left + (size_t)(cols - EDITOR_GUTTER))
		e->left = curx - (size_t)(cols - EDITOR_GUTTER) + 1;
	werase(w);
	for (y = 0; y < rows; y++) {
		size_t ln = e->top + (size_t)y, len, i = 0, x = 0;
		const char *s;

		if (ln >= buffer_lines(e->buf))
			break;
		s = buffer_line(e->buf, ln, &len);
		if (ln == e->cur.line)
			wattron(w, A_BOLD);
		mvwprintw(w, y, 0, "%4zu ", ln + 1);
		if (ln == e->cur.line)
			wattroff(w, A_BOLD);
		while (i < len) {
			uint32_t cp;
			size_t n = buffer_utf8_decode(s + i, len - i, &cp);
			int width = cp == '\t'
			                ? (int)(EDITOR_TAB - x % EDITOR_TAB)
			                : buffer_cp_width(cp);

			if (x >= e->left &&
			    x + (size_t)width <=
			        e->left + (size_t)(cols - EDITOR_GUTTER)) {
				int sx = EDITOR_GUTTER + (int)(x - e->left);
				if (cp == '\t')
					mvwhline(w, y, sx, ' ', width);
				else {
					wchar_t wc[2] = {(wchar_t)cp, 0};
					cchar_t cc;
					setcchar(&cc, wc, 0, 0, NULL);
					mvwadd_wch(w, y, sx, &cc);
				}
			}
			x += (size_t)width;
			i += n;
		}
	}
	if (focused)
		wmove(w, (int)(e->cur.line - e->top),
		      EDITOR_GUTTER + (int)(curx - e->left));
}
