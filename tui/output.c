/* The output pane: the program's terminal, kept by libvterm and drawn
 * into a curses window cell by cell. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <vterm.h>
#include <wchar.h>

#include "tui/tui.h"

struct output {
	VTerm *vt;
	VTermScreen *screen;
	int rows, cols;
};

static int
output_damage(VTermRect rect, void *user)
{
	return 1;
}

static const VTermScreenCallbacks output_callbacks = {
    .damage = output_damage,
};

struct output *
output_new(int rows, int cols)
{
	struct output *o = xcalloc(1, sizeof *o);

	o->rows = rows > 0 ? rows : 1;
	o->cols = cols > 0 ? cols : 1;
	o->vt = vterm_new(o->rows, o->cols);
	vterm_set_utf8(o->vt, 1);
	o->screen = vterm_obtain_screen(o->vt);
	vterm_screen_enable_altscreen(o->screen, 1);
	vterm_screen_set_callbacks(o->screen, &output_callbacks, o);
	vterm_screen_reset(o->screen, 1);
	return o;
}

void
output_free(struct output *o)
{
	if (o == NULL)
		return;
	vterm_free(o->vt);
	free(o);
}

void
output_resize(struct output *o, int rows, int cols)
{
	o->rows = rows > 0 ? rows : 1;
	o->cols = cols > 0 ? cols : 1;
	vterm_set_size(o->vt, o->rows, o->cols);
}

void
output_reset(struct output *o)
{
	vterm_screen_reset(o->screen, 1);
}

void
output_feed(struct output *o, const char *p, size_t n)
{
	vterm_input_write(o->vt, p, n);
}

/* Answers to the program's terminal queries, and typed keys, to be
 * written to the pty. */
size_t
output_take_reply(struct output *o, char *buf, size_t size)
{
	return vterm_output_read(o->vt, buf, size);
}

void
output_key(struct output *o, int key, bool is_key)
{
	if (!is_key) {
		if (key == '\r' || key == '\n')
			vterm_keyboard_key(o->vt, VTERM_KEY_ENTER,
			                   VTERM_MOD_NONE);
		else if (key == 127 || key == 8)
			vterm_keyboard_key(o->vt, VTERM_KEY_BACKSPACE,
			                   VTERM_MOD_NONE);
		else if (key == '\t')
			vterm_keyboard_key(o->vt, VTERM_KEY_TAB,
			                   VTERM_MOD_NONE);
		else if (key == 27)
			vterm_keyboard_key(o->vt, VTERM_KEY_ESCAPE,
			                   VTERM_MOD_NONE);
		else if (key < 32)
			vterm_keyboard_unichar(o->vt, (uint32_t)(key + 96),
			                       VTERM_MOD_CTRL);
		else
			vterm_keyboard_unichar(o->vt, (uint32_t)key,
			                       VTERM_MOD_NONE);
		return;
	}
	switch (key) {
	case KEY_UP:
		vterm_keyboard_key(o->vt, VTERM_KEY_UP, VTERM_MOD_NONE);
		break;
	case KEY_DOWN:
		vterm_keyboard_key(o->vt, VTERM_KEY_DOWN, VTERM_MOD_NONE);
		break;
	case KEY_LEFT:
		vterm_keyboard_key(o->vt, VTERM_KEY_LEFT, VTERM_MOD_NONE);
		break;
	case KEY_RIGHT:
		vterm_keyboard_key(o->vt, VTERM_KEY_RIGHT, VTERM_MOD_NONE);
		break;
	case KEY_BACKSPACE:
		vterm_keyboard_key(o->vt, VTERM_KEY_BACKSPACE, VTERM_MOD_NONE);
		break;
	case KEY_ENTER:
		vterm_keyboard_key(o->vt, VTERM_KEY_ENTER, VTERM_MOD_NONE);
		break;
	case KEY_HOME:
		vterm_keyboard_key(o->vt, VTERM_KEY_HOME, VTERM_MOD_NONE);
		break;
	case KEY_END:
		vterm_keyboard_key(o->vt, VTERM_KEY_END, VTERM_MOD_NONE);
		break;
	case KEY_DC:
		vterm_keyboard_key(o->vt, VTERM_KEY_DEL, VTERM_MOD_NONE);
		break;
	}
}

/* A libvterm colour as a curses colour: -1 is the default, indexed
 * colours as they are where the terminal has them, RGB to the nearest of
 * the 256 (or the 8). */
static int
output_color(const VTermColor *c, bool *bright)
{
	int idx;

	if ((c->type & VTERM_COLOR_DEFAULT_MASK) != 0)
		return -1;
	if (VTERM_COLOR_IS_INDEXED(c))
		idx = c->indexed.idx;
	else {
		int r = (c->rgb.red * 5 + 127) / 255;
		int g = (c->rgb.green * 5 + 127) / 255;
		int b = (c->rgb.blue * 5 + 127) / 255;
		idx = 16 + 36 * r + 6 * g + b;
		if (COLORS < 256) {
			idx = (c->rgb.red > 127 ? 1 : 0) |
			      (c->rgb.green > 127 ? 2 : 0) |
			      (c->rgb.blue > 127 ? 4 : 0);
		}
	}
	if (idx < COLORS)
		return idx;
	if (idx >= 8 && idx < 16) {
		*bright = true;
		return idx - 8;
	}
	return -1;
}

static short
output_pair(const VTermScreenCell *cell, bool *bright)
{
	int fg, bg, pair;

	if (!has_colors() || getenv("NO_COLOR") != NULL)
		return 0;
	fg = output_color(&cell->fg, bright);
	bg = output_color(&cell->bg, bright);
	if (fg == -1 && bg == -1)
		return 0;
	pair = alloc_pair(fg, bg);
	return pair > 0 && pair < 32768 ? (short)pair : 0;
}

void
output_cursor(struct output *o, WINDOW *w)
{
	VTermPos pos;

	vterm_state_get_cursorpos(vterm_obtain_state(o->vt), &pos);
	if (pos.row >= 0 && pos.row < o->rows && pos.col >= 0 &&
	    pos.col < o->cols)
		wmove(w, pos.row, pos.col);
}

void
output_draw(struct output *o, WINDOW *w)
{
	VTermPos pos;
	VTermScreenCell cell;

	for (pos.row = 0; pos.row < o->rows; pos.row++) {
		wmove(w, pos.row, 0);
		for (pos.col = 0; pos.col < o->cols; pos.col++) {
			cchar_t cc;
			wchar_t wc[VTERM_MAX_CHARS_PER_CELL + 1] = {0};
			int i;

			if (!vterm_screen_get_cell(o->screen, pos, &cell))
				continue;
			/* the right half of a wide character */
			if (cell.chars[0] == (uint32_t)-1)
				continue;
			for (i = 0;
			     i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i] != 0;
			     i++)
				wc[i] = (wchar_t)cell.chars[i];
			if (i == 0)
				wc[0] = L' ';
			bool bright = false;
			short pair = output_pair(&cell, &bright);
			setcchar(&cc, wc,
			         (cell.attrs.bold || bright ? A_BOLD : 0) |
			             (cell.attrs.reverse ? A_REVERSE : 0) |
			             (cell.attrs.underline ? A_UNDERLINE : 0),
			         pair, NULL);
			mvwadd_wch(w, pos.row, pos.col, &cc);
		}
	}
}
