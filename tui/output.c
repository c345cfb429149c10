/* The output pane: the program's terminal, kept by libvterm and drawn
 * into a curses window cell by cell. */
#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vterm.h>
#include <wchar.h>

#include "tui/tui.h"

/* Lines that scrolled off the top, kept for scrolling back: at most
 * this many, so a flood of output costs a bounded amount of memory. */
#define OUTPUT_SCROLLBACK 2000

/* a scrolled-off cell, ready to draw */
struct output_cell {
	uint32_t ch; /* 0: blank */
	attr_t attrs;
	short pair;
};
struct output_line {
	int len; /* cells kept: trailing blanks are dropped */
	struct output_cell cell[];
};

struct output {
	VTerm *vt;
	VTermScreen *screen;
	int rows, cols;
	struct output_line *sb[OUTPUT_SCROLLBACK]; /* a ring */
	int sb_first, sb_count;
	int scroll;     /* lines scrolled back; 0: following the program */
	bool altscreen; /* a full-screen program: no scrollback */
	bool colour;    /* the terminal shows colours, and may (theme.c) */
	char note[32];
};

static short output_pair(const struct output *, const VTermScreenCell *,
                         bool *);

static attr_t
output_attrs(const VTermScreenCell *cell, bool bright)
{
	return (cell->attrs.bold || bright ? A_BOLD : 0) |
	       (cell->attrs.reverse ? A_REVERSE : 0) |
	       (cell->attrs.underline ? A_UNDERLINE : 0);
}

static int
output_damage(VTermRect rect, void *user)
{
	(void)rect;
	(void)user;
	return 1;
}

static int
output_pushline(int cols, const VTermScreenCell *cells, void *user)
{
	struct output *o = user;
	struct output_line *l;
	int len = cols, slot;

	while (len > 0 && cells[len - 1].chars[0] == 0 &&
	       !cells[len - 1].attrs.reverse &&
	       VTERM_COLOR_IS_DEFAULT_BG(&cells[len - 1].bg))
		len--;
	l = xmalloc(sizeof *l + (size_t)len * sizeof l->cell[0]);
	l->len = len;
	for (int i = 0; i < len; i++) {
		bool bright = false;

		l->cell[i].pair = output_pair(o, &cells[i], &bright);
		l->cell[i].attrs = output_attrs(&cells[i], bright);
		l->cell[i].ch = cells[i].chars[0];
	}
	if (o->sb_count == OUTPUT_SCROLLBACK) {
		/* the oldest line goes */
		free(o->sb[o->sb_first]);
		o->sb_first = (o->sb_first + 1) % OUTPUT_SCROLLBACK;
		o->sb_count--;
	}
	slot = (o->sb_first + o->sb_count) % OUTPUT_SCROLLBACK;
	o->sb[slot] = l;
	o->sb_count++;
	/* a view scrolled back stays on the same lines */
	if (o->scroll > 0 && o->scroll < o->sb_count)
		o->scroll++;
	return 1;
}

/* the screen grew taller: the newest scrolled-off line comes back */
static int
output_popline(int cols, VTermScreenCell *cells, void *user)
{
	struct output *o = user;
	struct output_line *l;
	int slot;

	if (o->sb_count == 0)
		return 0;
	slot = (o->sb_first + o->sb_count - 1) % OUTPUT_SCROLLBACK;
	l = o->sb[slot];
	o->sb_count--;
	for (int i = 0; i < cols; i++) {
		memset(&cells[i], 0, sizeof cells[i]);
		cells[i].width = 1;
		vterm_color_indexed(&cells[i].fg, 7);
		cells[i].fg.type |= VTERM_COLOR_DEFAULT_FG;
		vterm_color_indexed(&cells[i].bg, 0);
		cells[i].bg.type |= VTERM_COLOR_DEFAULT_BG;
		if (i < l->len) {
			cells[i].chars[0] = l->cell[i].ch;
			cells[i].attrs.bold = (l->cell[i].attrs & A_BOLD) != 0;
			cells[i].attrs.reverse =
			    (l->cell[i].attrs & A_REVERSE) != 0;
		}
	}
	free(l);
	if (o->scroll > o->sb_count)
		o->scroll = o->sb_count;
	return 1;
}

static int
output_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	struct output *o = user;

	if (prop == VTERM_PROP_ALTSCREEN) {
		o->altscreen = val->boolean;
		if (o->altscreen)
			o->scroll = 0;
	}
	return 1;
}

static const VTermScreenCallbacks output_callbacks = {
    .damage = output_damage,
    .settermprop = output_settermprop,
    .sb_pushline = output_pushline,
    .sb_popline = output_popline,
};

static void
output_forget(struct output *o)
{
	for (int i = 0; i < o->sb_count; i++)
		free(o->sb[(o->sb_first + i) % OUTPUT_SCROLLBACK]);
	o->sb_first = o->sb_count = o->scroll = 0;
}

/* Scrolls the view back (delta > 0) or forward; INT_MAX: to the top,
 * INT_MIN: back to following the program. */
void
output_scroll(struct output *o, int delta)
{
	long s = (long)o->scroll + delta;

	if (o->altscreen)
		s = 0;
	o->scroll = s < 0 ? 0 : s > o->sb_count ? o->sb_count : (int)s;
}

/* what the pane's name shows: how far back the view is */
const char *
output_scroll_note(struct output *o)
{
	if (o == NULL || o->scroll == 0)
		return "";
	snprintf(o->note, sizeof o->note, " -%d", o->scroll);
	return o->note;
}

struct output *
output_new(int rows, int cols)
{
	struct output *o = xcalloc(1, sizeof *o);

	o->rows = rows > 0 ? rows : 1;
	o->cols = cols > 0 ? cols : 1;
	/* decided once: the decision is per cell of every frame */
	o->colour = theme_colours() > 0;
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
	output_forget(o);
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
	output_forget(o);
	o->altscreen = false;
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
		VTermModifier mod = VTERM_MOD_NONE;

		if (key & TUI_ALT) {
			mod = VTERM_MOD_ALT;
			key &= ~TUI_ALT;
		}
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
			                       VTERM_MOD_CTRL | mod);
		else
			vterm_keyboard_unichar(o->vt, (uint32_t)key, mod);
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
output_pair(const struct output *o, const VTermScreenCell *cell, bool *bright)
{
	int fg, bg, pair;

	if (!o->colour)
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

static void
output_draw_saved(const struct output *o, WINDOW *w, int row, int idx)
{
	const struct output_line *l =
	    o->sb[(o->sb_first + idx) % OUTPUT_SCROLLBACK];

	wmove(w, row, 0);
	wclrtoeol(w);
	for (int i = 0; i < l->len && i < o->cols; i++) {
		wchar_t wc[2] = {l->cell[i].ch && l->cell[i].ch != (uint32_t)-1
		                     ? (wchar_t)l->cell[i].ch
		                     : L' ',
		                 0};
		cchar_t cc;

		if (l->cell[i].ch == (uint32_t)-1)
			continue;
		setcchar(&cc, wc, l->cell[i].attrs, l->cell[i].pair, NULL);
		mvwadd_wch(w, row, i, &cc);
	}
}

void
output_draw(struct output *o, WINDOW *w)
{
	VTermPos pos;
	VTermScreenCell cell;
	int saved = o->scroll < o->rows ? o->scroll : o->rows;

	/* scrolled back: saved lines first, the screen's top below them */
	for (int r = 0; r < saved; r++)
		output_draw_saved(o, w, r, o->sb_count - o->scroll + r);
	for (pos.row = 0; pos.row + saved < o->rows; pos.row++) {
		wmove(w, pos.row + saved, 0);
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
			short pair = output_pair(o, &cell, &bright);
			setcchar(&cc, wc, output_attrs(&cell, bright), pair,
			         NULL);
			mvwadd_wch(w, pos.row + saved, pos.col, &cc);
		}
	}
}
