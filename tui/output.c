/* The output pane: the program's terminal, kept by libvterm and drawn
 * into a curses window cell by cell. */
#include "config.h"

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
			setcchar(&cc, wc,
			         (cell.attrs.bold ? A_BOLD : 0) |
			             (cell.attrs.reverse ? A_REVERSE : 0) |
			             (cell.attrs.underline ? A_UNDERLINE : 0),
			         0, NULL);
			mvwadd_wch(w, pos.row, pos.col, &cc);
		}
	}
}
