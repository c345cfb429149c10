/* The editor pane: the text buffer on screen, with line numbers, the
 * current line, the selection, search matches, the bracket partner, and
 * the keys and mouse events that edit it.
 *
 * Nothing done per key or per redraw costs the size of the file: drawing
 * looks at the lines shown, the bracket partner is sought a bounded
 * distance away, search highlights are found line by line. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>
#include <wchar.h>

#include "tui/tui.h"

#define EDITOR_MATCHES       64     /* search matches highlighted per line */
#define EDITOR_BRACKET_LINES 2000   /* how far a bracket's partner is sought */
#define EDITOR_WHEEL         3      /* lines one wheel step scrolls */
#define EDITOR_KEY_BASE      0x1000 /* codes of keys we teach curses */

/* Keys curses has no fixed code for, found in the terminfo entry by their
 * extended names, or taught to curses as xterm's sequences where the
 * entry lacks them (TERM=screen has no modified arrows at all). */
enum editor_xkey {
	EDITOR_XK_CLEFT,
	EDITOR_XK_CRIGHT,
	EDITOR_XK_CHOME,
	EDITOR_XK_CEND,
	EDITOR_XK_CSLEFT,
	EDITOR_XK_CSRIGHT,
	EDITOR_XK_CSHOME,
	EDITOR_XK_CSEND,
	EDITOR_XK_PASTE_BEGIN,
	EDITOR_XK_PASTE_END,
	EDITOR_XK_SLEFT,
	EDITOR_XK_SRIGHT,
	EDITOR_XK_SUP,
	EDITOR_XK_SDOWN,
	EDITOR_XK_SHOME,
	EDITOR_XK_SEND,
	EDITOR_XK_SPGUP,
	EDITOR_XK_SPGDN,
	EDITOR_XK_SF3,
	EDITOR_XK_BTAB,
	EDITOR_XKEYS
};
static const struct {
	const char *cap; /* terminfo name, or NULL */
	const char *seq; /* xterm's sequence */
	int code;        /* curses' code, or 0: one of ours */
} editor_xkey_defs[EDITOR_XKEYS] = {
    [EDITOR_XK_CLEFT] = {"kLFT5", "\033[1;5D", 0},
    [EDITOR_XK_CRIGHT] = {"kRIT5", "\033[1;5C", 0},
    [EDITOR_XK_CHOME] = {"kHOM5", "\033[1;5H", 0},
    [EDITOR_XK_CEND] = {"kEND5", "\033[1;5F", 0},
    [EDITOR_XK_CSLEFT] = {"kLFT6", "\033[1;6D", 0},
    [EDITOR_XK_CSRIGHT] = {"kRIT6", "\033[1;6C", 0},
    [EDITOR_XK_CSHOME] = {"kHOM6", "\033[1;6H", 0},
    [EDITOR_XK_CSEND] = {"kEND6", "\033[1;6F", 0},
    [EDITOR_XK_PASTE_BEGIN] = {NULL, "\033[200~", 0},
    [EDITOR_XK_PASTE_END] = {NULL, "\033[201~", 0},
    [EDITOR_XK_SLEFT] = {"kLFT", "\033[1;2D", KEY_SLEFT},
    [EDITOR_XK_SRIGHT] = {"kRIT", "\033[1;2C", KEY_SRIGHT},
    [EDITOR_XK_SUP] = {"kri", "\033[1;2A", KEY_SR},
    [EDITOR_XK_SDOWN] = {"kind", "\033[1;2B", KEY_SF},
    [EDITOR_XK_SHOME] = {"kHOM", "\033[1;2H", KEY_SHOME},
    [EDITOR_XK_SEND] = {"kEND", "\033[1;2F", KEY_SEND},
    [EDITOR_XK_SPGUP] = {"kPRV", "\033[5;2~", KEY_SPREVIOUS},
    [EDITOR_XK_SPGDN] = {"kNXT", "\033[6;2~", KEY_SNEXT},
    [EDITOR_XK_SF3] = {"kf15", "\033[1;2R", KEY_F(15)},
    [EDITOR_XK_BTAB] = {"kcbt", "\033[Z", KEY_BTAB},
};
static int editor_xkeys[EDITOR_XKEYS];

/* The clipboard, shared by all buffers. A whole line (copied with no
 * selection) is pasted above the cursor's line, as editors do. */
static char *editor_clip;
static size_t editor_clip_len;
static bool editor_clip_line;

enum editor_move {
	EDITOR_MOVE_NONE,
	EDITOR_MOVE_LEFT,
	EDITOR_MOVE_RIGHT,
	EDITOR_MOVE_UP,
	EDITOR_MOVE_DOWN,
	EDITOR_MOVE_PGUP,
	EDITOR_MOVE_PGDN,
	EDITOR_MOVE_HOME,
	EDITOR_MOVE_END,
	EDITOR_MOVE_WORD_LEFT,
	EDITOR_MOVE_WORD_RIGHT,
	EDITOR_MOVE_TOP,
	EDITOR_MOVE_BOTTOM,
};

/* Indentation as the language wants it. */
struct editor_indent {
	bool tabs; /* a level is a tab, else width spaces */
	int width; /* columns of a level */
	int tab;   /* columns of a tab */
};

/* After initscr() and keypad(): learn the codes of the keys above. */
void
editor_keys_init(void)
{
	for (int i = 0; i < EDITOR_XKEYS; i++)
		editor_xkeys[i] = tui_key_resolve(
		    editor_xkey_defs[i].cap, editor_xkey_defs[i].seq,
		    editor_xkey_defs[i].code != 0 ? editor_xkey_defs[i].code
		                                  : EDITOR_KEY_BASE + i);
}

/* A typed character as UTF-8 (in the locale's encoding); 0 if none. */
size_t
editor_encode(int key, char *mb)
{
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, (wchar_t)key, &st);
	return n == (size_t)-1 ? 0 : n;
}

static bool
editor_is(int key, bool is_key, enum editor_xkey k)
{
	return is_key && editor_xkeys[k] > 0 && key == editor_xkeys[k];
}

void
editor_init(struct editor *e, const char *path)
{
	char err[512];

	memset(e, 0, sizeof *e);
	e->buf = buffer_new();
	e->path = xstrdup(path);
	buf_init(&e->paste, 0);
	if (buffer_load(e->buf, path, err, sizeof err) < 0) {
		e->fresh = access(path, F_OK) != 0 && errno == ENOENT;
		snprintf(e->message, sizeof e->message, "%s %s",
		         e->fresh ? "new file" : "cannot read", path);
	}
}

void
editor_free(struct editor *e)
{
	buffer_free(e->buf);
	buf_free(&e->paste);
	free(e->path);
	free(e->recovery);
	free(e->hl_state);
	free(e->cls);
	if (e->offered) {
		buf_free(e->offered);
		free(e->offered);
	}
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
	e->fresh = false;
	return 0;
}

/* The language file's [editor] settings; 4 spaces without a language. */
static struct editor_indent
editor_indent_of(const struct editor *e)
{
	struct editor_indent in = {false, 4, 4};

	if (e->lang != NULL)
		in = (struct editor_indent){e->lang->editor.indent_tabs,
		                            e->lang->editor.indent_width,
		                            e->lang->editor.tab_width};
	/* the settings file's tab width wins over the language's */
	if (e->settings && e->settings->tab_width > 0)
		in.tab = e->settings->tab_width;
	return in;
}

/* A file that does not exist yet starts as the language's template. It
 * counts as unmodified: quitting without an edit leaves no file behind,
 * and Ctrl-S writes it. */
void
editor_template(struct editor *e)
{
	size_t len;
	char *text;

	if (!e->fresh || (text = lang_template(e->lang, &len)) == NULL)
		return;
	buffer_load_string(e->buf, text, len);
	free(text);
	snprintf(e->message, sizeof e->message,
	         "new file, from the %s template", e->lang->name);
}

/* One level of indentation as text: a tab or width spaces. */
static size_t
editor_unit(const struct editor *e, char *out, size_t max)
{
	struct editor_indent in = editor_indent_of(e);
	size_t n = in.tabs ? 1 : (size_t)in.width;

	if (n > max)
		n = max;
	memset(out, in.tabs ? '\t' : ' ', n);
	return n;
}

/* -------------------------------------------------------------------- */
/* Selection and clipboard                                               */

/* The selected range, ordered; false when nothing is selected. */
static bool
editor_selection(const struct editor *e, struct buffer_pos *from,
                 struct buffer_pos *to)
{
	int c = buffer_pos_cmp(e->anchor, e->cur);

	if (!e->selecting || c == 0)
		return false;
	*from = c < 0 ? e->anchor : e->cur;
	*to = c < 0 ? e->cur : e->anchor;
	return true;
}

static void
editor_clip_set(char *text, size_t len, bool line)
{
	free(editor_clip);
	editor_clip = text;
	editor_clip_len = len;
	editor_clip_line = line;
}

/* Copies (and cuts) the selection, or the cursor's whole line. */
static void
editor_copy(struct editor *e, bool cut)
{
	struct buffer_pos a, b;
	size_t len;
	char *text;

	if (editor_selection(e, &a, &b)) {
		text = buffer_range(e->buf, a, b, &len);
		editor_clip_set(text, len, false);
		if (cut) {
			e->cur = buffer_delete(e->buf, e->cur, e->anchor);
			e->selecting = false;
		}
		snprintf(e->message, sizeof e->message, "%s %zu bytes",
		         cut ? "cut" : "copied", len);
		return;
	}
	a = (struct buffer_pos){e->cur.line, 0};
	b = (struct buffer_pos){e->cur.line + 1, 0};
	if (b.line >= buffer_lines(e->buf))
		b = buffer_line_end(e->buf, a);
	text = buffer_range(e->buf, a, b, &len);
	if (len == 0 || text[len - 1] != '\n') {
		text = xrealloc(text, len + 2);
		text[len++] = '\n';
		text[len] = '\0';
	}
	editor_clip_set(text, len, true);
	if (cut) {
		/* the line and a break: its own, or for the last line the
		 * one before it */
		if (b.col == 0)
			e->cur = buffer_delete(e->buf, a, b);
		else if (a.line > 0)
			e->cur = buffer_home(
			    e->buf,
			    buffer_delete(
			        e->buf, b,
			        buffer_line_end(e->buf, (struct buffer_pos){
			                                    a.line - 1, 0})));
		else
			e->cur = buffer_delete(e->buf, a, b);
		e->cur.col = 0;
	}
	snprintf(e->message, sizeof e->message, "%s the line",
	         cut ? "cut" : "copied");
}

/* Text put in as one undo step, replacing the selection, with no
 * auto-indent: a paste. */
static void
editor_put(struct editor *e, const char *s, size_t n)
{
	struct buffer_pos a, b;

	buffer_group_begin(e->buf, e->cur);
	if (editor_selection(e, &a, &b))
		e->cur = buffer_delete(e->buf, e->cur, e->anchor);
	e->cur = buffer_insert(e->buf, e->cur, s, n);
	buffer_group_end(e->buf);
	e->selecting = false;
}

static void
editor_paste(struct editor *e)
{
	if (editor_clip == NULL) {
		snprintf(e->message, sizeof e->message, "nothing to paste");
		return;
	}
	if (editor_clip_line && !e->selecting) {
		struct buffer_pos at = {e->cur.line, 0}, end;

		end = buffer_insert(e->buf, at, editor_clip, editor_clip_len);
		e->cur.line += end.line - at.line;
		return;
	}
	editor_put(e, editor_clip, editor_clip_len);
}

/* A bracketed paste ends: the terminal's CR or CRLF breaks become LF. */
static void
editor_paste_end(struct editor *e)
{
	char *s = e->paste.data;
	size_t n = 0;

	e->pasting = false;
	for (size_t i = 0; i < e->paste.len; i++) {
		if (s[i] == '\r' && i + 1 < e->paste.len && s[i + 1] == '\n')
			continue;
		s[n++] = s[i] == '\r' ? '\n' : s[i];
	}
	if (n > 0)
		editor_put(e, s, n);
	buf_reset(&e->paste);
}

/* -------------------------------------------------------------------- */
/* Moves                                                                 */

static size_t
editor_display(const struct editor *e, struct buffer_pos p)
{
	return buffer_byte_to_display(e->buf, p.line, p.col,
	                              editor_indent_of(e).tab);
}

static struct buffer_pos
editor_vertical(struct editor *e, long delta, bool keep_goal)
{
	long line = (long)e->cur.line + delta;
	long last = (long)buffer_lines(e->buf) - 1;
	struct buffer_pos p;

	if (!keep_goal)
		e->goal = editor_display(e, e->cur);
	e->goal_ok = true;
	if (line < 0)
		line = 0;
	if (line > last)
		line = last;
	p.line = (size_t)line;
	p.col = buffer_display_to_byte(e->buf, p.line, e->goal,
	                               editor_indent_of(e).tab);
	return p;
}

static enum editor_move
editor_move_of(int key, bool is_key, bool alt, bool *select)
{
	static const struct {
		int key;
		enum editor_move move;
		bool select;
	} keys[] = {
	    {KEY_LEFT, EDITOR_MOVE_LEFT, false},
	    {KEY_RIGHT, EDITOR_MOVE_RIGHT, false},
	    {KEY_UP, EDITOR_MOVE_UP, false},
	    {KEY_DOWN, EDITOR_MOVE_DOWN, false},
	    {KEY_PPAGE, EDITOR_MOVE_PGUP, false},
	    {KEY_NPAGE, EDITOR_MOVE_PGDN, false},
	    {KEY_HOME, EDITOR_MOVE_HOME, false},
	    {KEY_END, EDITOR_MOVE_END, false},
	    {KEY_SLEFT, EDITOR_MOVE_LEFT, true},
	    {KEY_SRIGHT, EDITOR_MOVE_RIGHT, true},
	    {KEY_SR, EDITOR_MOVE_UP, true},
	    {KEY_SF, EDITOR_MOVE_DOWN, true},
	    {KEY_SPREVIOUS, EDITOR_MOVE_PGUP, true},
	    {KEY_SNEXT, EDITOR_MOVE_PGDN, true},
	    {KEY_SHOME, EDITOR_MOVE_HOME, true},
	    {KEY_SEND, EDITOR_MOVE_END, true},
	};
	static const struct {
		enum editor_xkey xk;
		enum editor_move move;
		bool select;
	} xkeys[] = {
	    {EDITOR_XK_CLEFT, EDITOR_MOVE_WORD_LEFT, false},
	    {EDITOR_XK_CRIGHT, EDITOR_MOVE_WORD_RIGHT, false},
	    {EDITOR_XK_CHOME, EDITOR_MOVE_TOP, false},
	    {EDITOR_XK_CEND, EDITOR_MOVE_BOTTOM, false},
	    {EDITOR_XK_CSLEFT, EDITOR_MOVE_WORD_LEFT, true},
	    {EDITOR_XK_CSRIGHT, EDITOR_MOVE_WORD_RIGHT, true},
	    {EDITOR_XK_CSHOME, EDITOR_MOVE_TOP, true},
	    {EDITOR_XK_CSEND, EDITOR_MOVE_BOTTOM, true},
	};

	*select = false;
	if (!is_key) {
		if (alt && (key == 'b' || key == 'f'))
			return key == 'b' ? EDITOR_MOVE_WORD_LEFT
			                  : EDITOR_MOVE_WORD_RIGHT;
		return EDITOR_MOVE_NONE;
	}
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (key == keys[i].key) {
			*select = keys[i].select;
			return keys[i].move;
		}
	for (size_t i = 0; i < sizeof xkeys / sizeof xkeys[0]; i++)
		if (editor_is(key, is_key, xkeys[i].xk)) {
			*select = xkeys[i].select;
			return xkeys[i].move;
		}
	return EDITOR_MOVE_NONE;
}

static void
editor_move(struct editor *e, enum editor_move m, bool select, int page,
            bool keep_goal)
{
	struct buffer_pos p = e->cur;
	long lines = (long)buffer_lines(e->buf);

	if (select && !e->selecting) {
		e->anchor = e->cur;
		e->selecting = true;
	} else if (!select)
		e->selecting = false;
	switch (m) {
	case EDITOR_MOVE_NONE:
		break;
	case EDITOR_MOVE_LEFT:
		p = buffer_prev_char(e->buf, p);
		break;
	case EDITOR_MOVE_RIGHT:
		p = buffer_next_char(e->buf, p);
		break;
	case EDITOR_MOVE_UP:
	case EDITOR_MOVE_DOWN:
		p = editor_vertical(e, m == EDITOR_MOVE_UP ? -1 : 1, keep_goal);
		break;
	case EDITOR_MOVE_PGUP:
	case EDITOR_MOVE_PGDN: {
		long d = m == EDITOR_MOVE_PGUP ? -page : page;
		long top = (long)e->top + d;

		/* the view turns a page with the cursor */
		if (top > lines - page)
			top = lines - page;
		e->top = top < 0 ? 0 : (size_t)top;
		p = editor_vertical(e, d, keep_goal);
		break;
	}
	case EDITOR_MOVE_HOME:
		p = buffer_home(e->buf, p);
		break;
	case EDITOR_MOVE_END:
		p = buffer_line_end(e->buf, p);
		break;
	case EDITOR_MOVE_WORD_LEFT:
		p = buffer_word_left(e->buf, p);
		break;
	case EDITOR_MOVE_WORD_RIGHT:
		p = buffer_word_right(e->buf, p);
		break;
	case EDITOR_MOVE_TOP:
		p = (struct buffer_pos){0, 0};
		break;
	case EDITOR_MOVE_BOTTOM:
		p = buffer_end_pos(e->buf);
		break;
	}
	e->cur = p;
	buffer_undo_break(e->buf);
}

/* -------------------------------------------------------------------- */
/* Typing                                                                */

/* Typed text: it joins the typing before it into one undo step, unless
 * it replaces a selection. */
static void
editor_type(struct editor *e, const char *s, size_t n, uint64_t now)
{
	struct buffer_pos a, b;

	if (editor_selection(e, &a, &b))
		editor_put(e, s, n);
	else
		e->cur = buffer_type(e->buf, e->cur, s, n, now);
	e->selecting = false;
}

static bool
editor_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* Enter: the new line starts as indented as this one, a level deeper
 * after an opening bracket (or Python's ':'); between a bracket pair the
 * closing one goes to a line of its own. */
static void
editor_newline(struct editor *e, uint64_t now)
{
	struct buffer_pos a, b;
	size_t len, ind, k, n = 0, unit = 0;
	const char *s;
	char before = 0, after, *text;
	bool colon = e->lang && strncmp(e->lang->id, "python", 6) == 0;

	if (editor_selection(e, &a, &b)) {
		e->cur = buffer_delete(e->buf, e->cur, e->anchor);
		e->selecting = false;
	}
	s = buffer_line(e->buf, e->cur.line, &len);
	ind = buffer_indent(e->buf, e->cur.line);
	if (ind > e->cur.col)
		ind = e->cur.col;
	if (e->settings && !e->settings->auto_indent)
		ind = 0;
	for (k = e->cur.col; k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t');)
		k--;
	if (k > 0)
		before = s[k - 1];
	after = e->cur.col < len ? s[e->cur.col] : 0;
	text = xmalloc(2 * ind + 32);
	text[n++] = '\n';
	memcpy(text + n, s, ind);
	n += ind;
	if ((e->settings == NULL || e->settings->auto_indent) &&
	    (before == '{' || before == '[' || before == '(' ||
	     (colon && before == ':')))
		unit = editor_unit(e, text + n, 16);
	n += unit;
	if (unit > 0 && ((before == '{' && after == '}') ||
	                 (before == '[' && after == ']') ||
	                 (before == '(' && after == ')'))) {
		text[n++] = '\n';
		memcpy(text + n, s, ind);
		n += ind;
	}
	a = (struct buffer_pos){e->cur.line + 1, ind + unit};
	buffer_type(e->buf, e->cur, text, n, now);
	e->cur = a;
	free(text);
}

/* '}' typed on a blank line goes to the indentation of its partner. */
static bool
editor_close_brace(struct editor *e)
{
	size_t len, ind;
	const char *s = buffer_line(e->buf, e->cur.line, &len);
	struct buffer_pos m, at = e->cur;
	char *lead;

	if (e->selecting || at.col == 0 || !editor_blank(s, at.col))
		return false;
	buffer_group_begin(e->buf, at);
	buffer_insert(e->buf, at, "}", 1);
	e->cur = (struct buffer_pos){at.line, at.col + 1};
	if (buffer_match_bracket_within(e->buf, at, EDITOR_BRACKET_LINES, &m)) {
		ind = buffer_indent(e->buf, m.line);
		lead = xstrndup(buffer_line(e->buf, m.line, &len), ind);
		buffer_delete(e->buf, (struct buffer_pos){at.line, 0}, at);
		buffer_insert(e->buf, (struct buffer_pos){at.line, 0}, lead,
		              ind);
		e->cur = (struct buffer_pos){at.line, ind + 1};
		free(lead);
	}
	buffer_group_end(e->buf);
	return true;
}

/* Backspace in the spaces that indent a line goes back a whole level, to
 * the previous indentation stop, as Tab went forward: one press undoes
 * one auto-indent level (a Python block's). Elsewhere, and where the
 * indentation is tabs, the cursor itself (one character is erased). */
static struct buffer_pos
editor_dedent_stop(const struct editor *e)
{
	struct editor_indent in = editor_indent_of(e);
	size_t len, k, col = e->cur.col;
	const char *s = buffer_line(e->buf, e->cur.line, &len);

	if (in.tabs || col == 0 || col > len)
		return e->cur;
	for (k = 0; k < col; k++)
		if (s[k] != ' ')
			return e->cur;
	/* all spaces: a byte is a column */
	k = (col - 1) / (size_t)in.width * (size_t)in.width;
	return (struct buffer_pos){e->cur.line, k};
}

/* Tab: to the next indentation stop (spaces) or a tab; with a selection,
 * every selected line one level in (or out, Shift-Tab). */
static void
editor_tab(struct editor *e, bool out, uint64_t now)
{
	struct buffer_pos a, b;
	struct editor_indent in = editor_indent_of(e);
	char unit[16];
	size_t n, first, last;
	bool sel = editor_selection(e, &a, &b);

	if (!sel && !out) {
		if (in.tabs)
			editor_type(e, "\t", 1, now);
		else {
			n = (size_t)in.width -
			    editor_display(e, e->cur) % (size_t)in.width;
			memset(unit, ' ', n);
			editor_type(e, unit, n, now);
		}
		return;
	}
	if (!sel)
		a = b = e->cur;
	first = a.line;
	last = b.line > a.line && b.col == 0 ? b.line - 1 : b.line;
	n = editor_unit(e, unit, sizeof unit);
	buffer_group_begin(e->buf, e->cur);
	for (size_t ln = first; ln <= last; ln++) {
		size_t len, k = 0;
		const char *s = buffer_line(e->buf, ln, &len);

		if (!out) {
			if (len > 0)
				buffer_insert(e->buf,
				              (struct buffer_pos){ln, 0}, unit,
				              n);
			continue;
		}
		if (len > 0 && s[0] == '\t')
			k = 1;
		else
			while (k < len && k < (size_t)in.width && s[k] == ' ')
				k++;
		buffer_delete(e->buf, (struct buffer_pos){ln, 0},
		              (struct buffer_pos){ln, k});
		if (!sel && ln == e->cur.line)
			e->cur.col = e->cur.col > k ? e->cur.col - k : 0;
	}
	buffer_group_end(e->buf);
	if (!sel)
		return;
	/* the lines stay selected, whole */
	e->anchor = (struct buffer_pos){first, 0};
	e->cur = last + 1 < buffer_lines(e->buf) && b.col == 0
	             ? (struct buffer_pos){last + 1, 0}
	             : buffer_line_end(e->buf, (struct buffer_pos){last, 0});
	e->selecting = true;
}

/* -------------------------------------------------------------------- */
/* Prompts: go to line, find, replace                                    */

/* Smart case: a needle with a capital letter matches case exactly. */
static int
editor_find_flags(const char *needle)
{
	for (const char *p = needle; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			return 0;
	return BUFFER_FIND_NOCASE;
}

/* The cursor on a match, which is highlighted, mid-screen if it was off. */
static void
editor_show_match(struct editor *e, struct buffer_pos s, struct buffer_pos end)
{
	e->match = s;
	e->match_end = end;
	e->matched = true;
	e->cur = s;
	e->center = true;
}

static bool
editor_search(struct editor *e, struct buffer_pos from, bool back)
{
	struct buffer_pos s, end;
	int flags = editor_find_flags(e->find);

	if (back)
		flags |= BUFFER_FIND_BACKWARD;
	if (e->find[0] == '\0' ||
	    !buffer_find(e->buf, e->find, from, flags, &s, &end)) {
		e->matched = false;
		snprintf(e->message, sizeof e->message, "not found: %s",
		         e->find);
		return false;
	}
	editor_show_match(e, s, end);
	return true;
}

static void
editor_prompt(struct editor *e, enum editor_prompt p)
{
	e->prompt = p;
	e->input[0] = '\0';
	e->origin = e->cur;
	e->matched = false;
	e->selecting = false;
}

static void
editor_replace_done(struct editor *e)
{
	snprintf(e->message, sizeof e->message, "replaced %zu", e->replaced);
	e->prompt = EDITOR_PROMPT_NONE;
	e->matched = false;
}

/* The next match to ask about, from 'from' on, going round the end of
 * the file once: it stops where the replacing started. */
static bool
editor_replace_next(struct editor *e, struct buffer_pos from)
{
	struct buffer_pos s, end;

	if (!buffer_find(e->buf, e->find, from, editor_find_flags(e->find), &s,
	                 &end))
		return false;
	if (buffer_pos_cmp(s, from) < 0)
		e->wrapped = true;
	if (e->wrapped && buffer_pos_cmp(s, e->origin) >= 0)
		return false;
	editor_show_match(e, s, end);
	return true;
}

static void
editor_replace_one(struct editor *e)
{
	size_t wlen = strlen(e->with);

	buffer_group_begin(e->buf, e->match);
	buffer_delete(e->buf, e->match, e->match_end);
	e->cur = buffer_insert(e->buf, e->match, e->with, wlen);
	buffer_group_end(e->buf);
	/* past the end and round: the start point moves with the text */
	if (e->wrapped && e->match.line == e->origin.line &&
	    e->match.col < e->origin.col)
		e->origin.col =
		    e->origin.col + wlen - (e->match_end.col - e->match.col);
	e->replaced++;
}

/* y, n, a or Esc, for the match shown. */
static void
editor_replace_answer(struct editor *e, int key, bool is_key)
{
	if (is_key || key == 27 || key == 'q' || key == TUI_CTRL('G')) {
		editor_replace_done(e);
		return;
	}
	if (key == 'y' || key == 'Y' || key == ' ') {
		editor_replace_one(e);
		if (!editor_replace_next(e, e->cur))
			editor_replace_done(e);
	} else if (key == 'n' || key == 'N') {
		if (!editor_replace_next(e, e->match_end))
			editor_replace_done(e);
	} else if (key == 'a' || key == 'A') {
		buffer_group_begin(e->buf, e->match);
		do
			editor_replace_one(e);
		while (editor_replace_next(e, e->cur));
		buffer_group_end(e->buf);
		editor_replace_done(e);
	}
}

/* Enter in a prompt. */
static void
editor_prompt_enter(struct editor *e)
{
	switch (e->prompt) {
	case EDITOR_PROMPT_GOTO: {
		char *end;
		long n = strtol(e->input, &end, 10);
		size_t last = buffer_lines(e->buf);

		e->prompt = EDITOR_PROMPT_NONE;
		if (end == e->input || *end != '\0' || n < 1) {
			snprintf(e->message, sizeof e->message,
			         "not a line number: %s", e->input);
			return;
		}
		e->cur = (struct buffer_pos){
		    (size_t)n > last ? last - 1 : (size_t)n - 1, 0};
		e->cur = buffer_home(e->buf, e->cur);
		e->center = true;
		buffer_undo_break(e->buf);
		return;
	}
	case EDITOR_PROMPT_FIND:
		if (e->input[0] == '\0' && e->find[0] != '\0')
			snprintf(e->input, sizeof e->input, "%s", e->find);
		snprintf(e->find, sizeof e->find, "%s", e->input);
		editor_search(
		    e, e->matched ? buffer_next_char(e->buf, e->match) : e->cur,
		    false);
		return;
	case EDITOR_PROMPT_REPLACE:
		if (e->input[0] != '\0')
			snprintf(e->find, sizeof e->find, "%s", e->input);
		if (e->find[0] == '\0') {
			e->prompt = EDITOR_PROMPT_NONE;
			return;
		}
		editor_prompt(e, EDITOR_PROMPT_WITH);
		return;
	case EDITOR_PROMPT_WITH:
		snprintf(e->with, sizeof e->with, "%s", e->input);
		e->origin = e->cur;
		e->wrapped = false;
		e->replaced = 0;
		e->prompt = EDITOR_PROMPT_ASK;
		if (!editor_replace_next(e, e->cur)) {
			editor_replace_done(e);
			snprintf(e->message, sizeof e->message, "not found: %s",
			         e->find);
		}
		return;
	case EDITOR_PROMPT_ASK:
	case EDITOR_PROMPT_NONE:
		return;
	}
}

/* A key while a prompt is open; false: the prompt closed and the key is
 * for the editor itself (an arrow ends a search where it got to). */
static bool
editor_prompt_key(struct editor *e, int key, bool is_key)
{
	size_t n = strlen(e->input);

	if (e->prompt == EDITOR_PROMPT_ASK) {
		editor_replace_answer(e, key, is_key);
		return true;
	}
	if (!is_key && (key == 27 || key == TUI_CTRL('G'))) {
		e->prompt = EDITOR_PROMPT_NONE;
		e->matched = false;
		return true;
	}
	if (e->prompt == EDITOR_PROMPT_FIND &&
	    ((is_key && key == KEY_F(3)) ||
	     (!is_key && key == TUI_CTRL('F')))) {
		editor_prompt_enter(e);
		return true;
	}
	if (e->prompt == EDITOR_PROMPT_FIND &&
	    editor_is(key, is_key, EDITOR_XK_SF3)) {
		if (e->find[0] != '\0')
			editor_search(e, e->matched ? e->match : e->cur, true);
		return true;
	}
	if ((is_key && key == KEY_ENTER) ||
	    (!is_key && (key == '\r' || key == '\n'))) {
		editor_prompt_enter(e);
		return true;
	}
	if ((is_key && key == KEY_BACKSPACE) ||
	    (!is_key && (key == 127 || key == 8))) {
		/* back one character, not one byte */
		while (n > 0 && ((unsigned char)e->input[n - 1] & 0xc0) == 0x80)
			n--;
		if (n > 0)
			n--;
		e->input[n] = '\0';
	} else if (!is_key && key >= 32) {
		char mb[MB_LEN_MAX];
		size_t k = editor_encode(key, mb);

		if (k == 0 || n + k >= sizeof e->input)
			return true;
		memcpy(e->input + n, mb, k);
		e->input[n + k] = '\0';
	} else if (is_key) {
		e->prompt = EDITOR_PROMPT_NONE;
		e->matched = false;
		return false;
	} else
		return true;
	if (e->prompt == EDITOR_PROMPT_FIND) {
		/* incremental: the match follows the typing */
		snprintf(e->find, sizeof e->find, "%s", e->input);
		if (e->input[0] == '\0' ||
		    !editor_search(e, e->origin, false)) {
			e->cur = e->origin;
			e->matched = false;
		}
	}
	return true;
}

/* -------------------------------------------------------------------- */
/* Keys                                                                  */

static bool editor_key_inner(struct editor *, int, bool, int);

bool
editor_key(struct editor *e, int key, bool is_key, int page)
{
	uint64_t v = buffer_version(e->buf);
	bool r = editor_key_inner(e, key, is_key, page);

	/* the recovery file is rewritten when this moves */
	if (buffer_version(e->buf) != v)
		e->edits++;
	return r;
}

static bool
editor_key_inner(struct editor *e, int key, bool is_key, int page)
{
	uint64_t now = util_now_ms();
	bool alt = false, select, keep_goal = e->goal_ok;
	enum editor_move m;
	struct buffer_pos p, a, b;

	e->goal_ok = false;
	if (e->pasting) {
		if (editor_is(key, is_key, EDITOR_XK_PASTE_END))
			editor_paste_end(e);
		else if (!is_key) {
			char mb[MB_LEN_MAX];

			buf_add(&e->paste, mb, editor_encode(key, mb));
		}
		return true;
	}
	if (editor_is(key, is_key, EDITOR_XK_PASTE_BEGIN)) {
		e->pasting = true;
		buf_reset(&e->paste);
		return true;
	}
	if (!is_key && (key & TUI_ALT)) {
		alt = true;
		key &= ~TUI_ALT;
	}
	if (e->prompt != EDITOR_PROMPT_NONE && !alt &&
	    editor_prompt_key(e, key, is_key))
		return true;
	if (!is_key && key == 27) {
		e->selecting = false;
		return true;
	}
	m = editor_move_of(key, is_key, alt, &select);
	if (m != EDITOR_MOVE_NONE) {
		editor_move(e, m, select, page, keep_goal);
		return true;
	}
	if (alt) {
		if (key == 'r' || key == 'R') {
			editor_prompt(e, EDITOR_PROMPT_REPLACE);
			return true;
		}
		return false;
	}
	if (is_key) {
		switch (key) {
		case KEY_BACKSPACE:
			key = 127;
			break;
		case KEY_DC:
			if (editor_selection(e, &a, &b)) {
				e->cur =
				    buffer_delete(e->buf, e->cur, e->anchor);
				e->selecting = false;
				return true;
			}
			p = buffer_next_char(e->buf, e->cur);
			e->cur = buffer_erase(e->buf, e->cur, p, now);
			return true;
		case KEY_ENTER:
			key = '\r';
			break;
		case KEY_F(3):
			if (e->find[0] != '\0')
				editor_search(
				    e, buffer_next_char(e->buf, e->cur), false);
			return true;
		default:
			if (editor_is(key, is_key, EDITOR_XK_SF3)) {
				if (e->find[0] != '\0')
					editor_search(e, e->cur, true);
				return true;
			}
			if (editor_is(key, is_key, EDITOR_XK_BTAB)) {
				editor_tab(e, true, now);
				return true;
			}
			return false;
		}
	}
	switch (key) {
	case 127:
	case 8:
		if (editor_selection(e, &a, &b)) {
			e->cur = buffer_delete(e->buf, e->cur, e->anchor);
			e->selecting = false;
			return true;
		}
		p = editor_dedent_stop(e);
		if (p.col == e->cur.col)
			p = buffer_prev_char(e->buf, e->cur);
		e->cur = buffer_erase(e->buf, e->cur, p, now);
		return true;
	case TUI_CTRL('Z'):
	case TUI_CTRL('Y'):
		e->selecting = false;
		if (!(key == TUI_CTRL('Z') ? buffer_undo(e->buf, &e->cur)
		                           : buffer_redo(e->buf, &e->cur)))
			snprintf(e->message, sizeof e->message, "nothing to %s",
			         key == TUI_CTRL('Z') ? "undo" : "redo");
		return true;
	case TUI_CTRL('A'):
		e->anchor = (struct buffer_pos){0, 0};
		e->cur = buffer_end_pos(e->buf);
		e->selecting = true;
		return true;
	case TUI_CTRL('C'):
	case TUI_CTRL('X'):
		editor_copy(e, key == TUI_CTRL('X'));
		return true;
	case TUI_CTRL('V'):
		editor_paste(e);
		return true;
	case TUI_CTRL('G'):
		editor_prompt(e, EDITOR_PROMPT_GOTO);
		return true;
	case TUI_CTRL('F'):
		editor_prompt(e, EDITOR_PROMPT_FIND);
		return true;
	case TUI_CTRL('\\'):
		editor_prompt(e, EDITOR_PROMPT_REPLACE);
		return true;
	case '\r':
	case '\n':
		editor_newline(e, now);
		return true;
	case '\t':
		editor_tab(e, false, now);
		return true;
	case '}':
		if (editor_close_brace(e))
			return true;
		break;
	default:
		break;
	}
	if (key >= 32) {
		char mb[MB_LEN_MAX];
		size_t n = editor_encode(key, mb);

		if (n > 0)
			editor_type(e, mb, n, now);
		return true;
	}
	return false;
}

/* -------------------------------------------------------------------- */
/* The mouse                                                             */

static int
editor_gutter(const struct editor *e)
{
	int digits = 1;

	if (e->settings && !e->settings->line_numbers)
		return 0;
	for (size_t n = buffer_lines(e->buf); n >= 10; n /= 10)
		digits++;
	return (digits < 4 ? 4 : digits) + 2;
}

/* The position under the window's cell (y, x), rows above or below the
 * text clamped to the first and last line shown. */
static struct buffer_pos
editor_pos_at(const struct editor *e, int y, int x)
{
	size_t line, last = buffer_lines(e->buf) - 1;

	if (y < 0)
		line = e->top > 0 ? e->top - 1 : 0;
	else
		line = e->top + (size_t)y;
	if (line > last)
		line = last;
	x -= editor_gutter(e);
	return (struct buffer_pos){
	    line, buffer_display_to_byte(e->buf, line,
	                                 e->left + (size_t)(x < 0 ? 0 : x),
	                                 editor_indent_of(e).tab)};
}

static void
editor_scroll(struct editor *e, long delta)
{
	long top = (long)e->top + delta, last = (long)buffer_lines(e->buf) - 1;

	if (top > last)
		top = last;
	e->top = top < 0 ? 0 : (size_t)top;
	/* the cursor stays in the view, at its column */
	if (e->cur.line < e->top)
		e->cur =
		    editor_vertical(e, (long)e->top - (long)e->cur.line, false);
	else if (e->rows > 0 && e->cur.line >= e->top + (size_t)e->rows)
		e->cur = editor_vertical(
		    e, (long)(e->top + (size_t)e->rows - 1) - (long)e->cur.line,
		    false);
}

/* A mouse event in (or, while dragging, outside) the editor's window w:
 * a click places the cursor, a drag selects, the wheel scrolls. */
bool
editor_mouse(struct editor *e, const MEVENT *ev, WINDOW *w)
{
	int y = ev->y - getbegy(w), x = ev->x - getbegx(w);
	struct buffer_pos p = editor_pos_at(e, y, x);

	if (ev->bstate & BUTTON4_PRESSED) {
		editor_scroll(e, -EDITOR_WHEEL);
		return true;
	}
#ifdef BUTTON5_PRESSED
	if (ev->bstate & BUTTON5_PRESSED) {
		editor_scroll(e, EDITOR_WHEEL);
		return true;
	}
#endif
	if (e->prompt != EDITOR_PROMPT_NONE && y >= e->rows)
		return true;
	buffer_undo_break(e->buf);
	if (ev->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) {
		e->cur = e->anchor = p;
		e->selecting = true; /* empty until a drag */
		e->dragging = (ev->bstate & BUTTON1_PRESSED) != 0;
		return true;
	}
	if (e->dragging &&
	    (ev->bstate & (REPORT_MOUSE_POSITION | BUTTON1_RELEASED))) {
		e->cur = p;
		e->dragging = (ev->bstate & BUTTON1_RELEASED) == 0;
		return true;
	}
	if (ev->bstate & BUTTON1_DOUBLE_CLICKED) {
		e->anchor =
		    buffer_word_left(e->buf, buffer_next_char(e->buf, p));
		e->cur = buffer_word_right(e->buf, e->anchor);
		e->selecting = true;
		return true;
	}
	return false;
}

/* -------------------------------------------------------------------- */
/* Drawing                                                               */

/* Room for the classes of a line of len bytes. */
static unsigned char *
editor_cls(struct editor *e, size_t len)
{
	if (len + 1 > e->cls_cap) {
		e->cls_cap = (len + 1) * 2;
		e->cls = xrealloc(e->cls, e->cls_cap);
	}
	return e->cls;
}

/* The highlighter's state at the start of line ln. States are cached per
 * line; an edit drops them from its first changed line on, so typing on
 * line 40,000 rescans nothing above it, and only a first jump far down
 * scans the lines on the way, once. */
static int
editor_syntax_state(struct editor *e, size_t ln)
{
	size_t changed = buffer_take_changed(e->buf);
	size_t lines = buffer_lines(e->buf), len;

	if (e->hl_lang != e->lang)
		e->hl_valid = 0;
	e->hl_lang = e->lang;
	if (changed < e->hl_valid)
		e->hl_valid = changed;
	if (e->hl_cap < lines + 1) {
		e->hl_cap = (lines + 1) * 2;
		e->hl_state =
		    xrealloc(e->hl_state, e->hl_cap * sizeof *e->hl_state);
	}
	e->hl_state[0] = 0;
	while (e->hl_valid < ln) {
		const char *text = buffer_line(e->buf, e->hl_valid, &len);

		e->hl_state[e->hl_valid + 1] =
		    syntax_line(e->lang, e->hl_state[e->hl_valid], text, len,
		                editor_cls(e, len));
		e->hl_valid++;
	}
	return e->hl_state[ln];
}

/* What a line is drawn with. */
struct editor_view {
	WINDOW *w;
	int cols, gutter, tab;
	bool sel;
	struct buffer_pos sa, sb;
	bool bracket;
	struct buffer_pos b1, b2;
	const char *needle;
	int flags;
};

/* A text colour on the current line's background, where the theme gives
 * that line one: the pair is made from the two the theme has. */
static attr_t
editor_on_line(attr_t text, attr_t line)
{
	static attr_t last_text, last_line, last;
	int tp = PAIR_NUMBER(text), lp = PAIR_NUMBER(line), tf, tb, lf, lb,
	    pair;

	if (lp == 0 || tp == 0)
		return text | line;
	if (text == last_text && line == last_line)
		return last;
	extended_pair_content(tp, &tf, &tb);
	extended_pair_content(lp, &lf, &lb);
	pair = alloc_pair(tf, lb);
	last_text = text;
	last_line = line;
	last = (text & ~A_COLOR) | (line & ~A_COLOR) |
	       (pair > 0 ? (attr_t)COLOR_PAIR(pair) : (line & A_COLOR));
	return last;
}

static bool
editor_in(size_t line, size_t col, struct buffer_pos a, struct buffer_pos b)
{
	struct buffer_pos p = {line, col};

	return buffer_pos_cmp(p, a) >= 0 && buffer_pos_cmp(p, b) < 0;
}

static void
editor_draw_line(struct editor *e, const struct editor_view *v, int y,
                 size_t ln, const unsigned char *cls)
{
	static const enum theme_element classes[SYNTAX_NCLASSES] = {
	    [SYNTAX_TEXT] = THEME_NORMAL,
	    [SYNTAX_KEYWORD] = THEME_SYNTAX_KEYWORD,
	    [SYNTAX_TYPE] = THEME_SYNTAX_TYPE,
	    [SYNTAX_STRING] = THEME_SYNTAX_STRING,
	    [SYNTAX_COMMENT] = THEME_SYNTAX_COMMENT,
	    [SYNTAX_NUMBER] = THEME_SYNTAX_NUMBER,
	    [SYNTAX_PREPROC] = THEME_SYNTAX_PREPROC,
	};
	size_t len, i = 0, x = 0, width = (size_t)(v->cols - v->gutter);
	size_t match[2 * EDITOR_MATCHES], nmatch = 0, s, end, mi = 0;
	const char *text = buffer_line(e->buf, ln, &len);
	bool current = ln == e->cur.line;
	attr_t line =
	    current && (e->settings == NULL || e->settings->current_line)
	        ? theme_attr(THEME_CURRENT_LINE)
	        : A_NORMAL;

	for (size_t from = 0; v->needle && nmatch < 2 * EDITOR_MATCHES &&
	                      buffer_find_in_line(e->buf, v->needle, ln, from,
	                                          v->flags, &s, &end);
	     from = end) {
		match[nmatch++] = s;
		match[nmatch++] = end;
	}
	wattrset(v->w, current ? theme_attr(THEME_LINENO_CURRENT)
	                       : theme_attr(THEME_LINENO));
	if (v->gutter > 0)
		mvwprintw(v->w, y, 0, "%*zu ", v->gutter - 2, ln + 1);
	if (current && line != A_NORMAL) {
		wattrset(v->w, line);
		mvwhline(v->w, y, v->gutter, ' ', (int)width);
	}
	while (i < len && x < e->left + width) {
		uint32_t cp;
		size_t n = buffer_utf8_decode(text + i, len - i, &cp);
		int cw = cp == '\t' ? (int)(v->tab - x % (size_t)v->tab)
		                    : buffer_cp_width(cp);
		attr_t a =
		    cls != NULL && cls[i] < sizeof classes / sizeof classes[0]
		        ? theme_attr(classes[cls[i]])
		        : A_NORMAL;

		if (current)
			a = editor_on_line(a, line);
		while (mi < nmatch && match[mi + 1] <= i)
			mi += 2;
		if (v->bracket && ((v->b1.line == ln && v->b1.col == i) ||
		                   (v->b2.line == ln && v->b2.col == i)))
			a = theme_attr(THEME_BRACKET_MATCH);
		if (mi < nmatch && match[mi] <= i)
			a = theme_attr(THEME_SEARCH_MATCH);
		if (e->matched && editor_in(ln, i, e->match, e->match_end))
			a = theme_attr(THEME_SELECTION);
		if (v->sel && editor_in(ln, i, v->sa, v->sb))
			a = theme_attr(THEME_SELECTION);
		if (x >= e->left && x + (size_t)cw <= e->left + width) {
			int sx = v->gutter + (int)(x - e->left);

			wattrset(v->w, a);
			if (cp == '\t' || cw == 0)
				mvwhline(v->w, y, sx, ' ', cw);
			else {
				/* control characters would take two cells */
				wchar_t wc[2] = {
				    cp < 32 || cp == 127 ? L'?' : (wchar_t)cp,
				    0};
				cchar_t cc;

				setcchar(&cc, wc, a, 0, NULL);
				mvwadd_wch(v->w, y, sx, &cc);
			}
		}
		x += (size_t)cw;
		i += n;
	}
	/* a selected line break shows as one selected cell */
	if (v->sel && editor_in(ln, len, v->sa, v->sb) && x >= e->left &&
	    x < e->left + width) {
		wattrset(v->w, theme_attr(THEME_SELECTION));
		mvwaddch(v->w, y, v->gutter + (int)(x - e->left), ' ');
	}
}

static void
editor_draw_prompt(struct editor *e, WINDOW *w, int y, int cols)
{
	static const char *const labels[] = {
	    [EDITOR_PROMPT_GOTO] = "go to line: ",
	    [EDITOR_PROMPT_FIND] = "find: ",
	    [EDITOR_PROMPT_REPLACE] = "replace: ",
	    [EDITOR_PROMPT_WITH] = "replace with: ",
	    [EDITOR_PROMPT_ASK] = "replace? y yes, n no, a all, Esc stop",
	};

	wattrset(w, theme_attr(THEME_BAR));
	mvwhline(w, y, 0, ' ', cols);
	mvwprintw(w, y, 0, "%s", labels[e->prompt]);
	wattrset(w, A_NORMAL);
	if (e->prompt != EDITOR_PROMPT_ASK)
		wprintw(w, "%s", e->input);
}

void
editor_draw(struct editor *e, WINDOW *w, bool focused)
{
	int rows, cols, y, state = 0;
	struct editor_view v = {.w = w};
	size_t curx, lines = buffer_lines(e->buf), width;

	getmaxyx(w, rows, cols);
	v.gutter = editor_gutter(e);
	v.tab = editor_indent_of(e).tab;
	v.cols = cols;
	e->rows = rows - (e->prompt != EDITOR_PROMPT_NONE ? 1 : 0);
	if (e->rows < 1 || cols <= v.gutter + 1)
		return;
	width = (size_t)(cols - v.gutter);
	curx = editor_display(e, e->cur);
	/* keep the cursor in view; a jump puts it mid-screen */
	if (e->center &&
	    (e->cur.line < e->top || e->cur.line >= e->top + (size_t)e->rows))
		e->top = e->cur.line > (size_t)e->rows / 2
		             ? e->cur.line - (size_t)e->rows / 2
		             : 0;
	e->center = false;
	if (e->cur.line < e->top)
		e->top = e->cur.line;
	if (e->cur.line >= e->top + (size_t)e->rows)
		e->top = e->cur.line - (size_t)e->rows + 1;
	if (curx < e->left)
		e->left = curx;
	if (curx >= e->left + width)
		e->left = curx - width + 1;

	v.sel = editor_selection(e, &v.sa, &v.sb);
	v.b1 = e->cur;
	v.bracket = buffer_match_bracket_within(e->buf, v.b1,
	                                        EDITOR_BRACKET_LINES, &v.b2);
	if (!v.bracket && e->cur.col > 0) {
		/* just after a bracket counts too */
		v.b1 = buffer_prev_char(e->buf, e->cur);
		v.bracket = buffer_match_bracket_within(
		    e->buf, v.b1, EDITOR_BRACKET_LINES, &v.b2);
	}
	if (e->prompt != EDITOR_PROMPT_NONE &&
	    e->prompt != EDITOR_PROMPT_GOTO && e->find[0] != '\0') {
		v.needle = e->find;
		v.flags = editor_find_flags(e->find);
	}
	if (e->lang != NULL && e->lang->syntax != NULL)
		state = editor_syntax_state(e, e->top);
	werase(w);
	for (y = 0; y < e->rows && e->top + (size_t)y < lines; y++) {
		size_t ln = e->top + (size_t)y, len;
		const char *text = buffer_line(e->buf, ln, &len);
		unsigned char *cls = NULL;

		if (e->lang != NULL && e->lang->syntax != NULL) {
			cls = editor_cls(e, len);
			state = syntax_line(e->lang, state, text, len, cls);
			if (ln == e->hl_valid) /* the cache grows as it goes */
				e->hl_state[++e->hl_valid] = state;
		}
		editor_draw_line(e, &v, y, ln, cls);
	}
	wattrset(w, A_NORMAL);
	if (e->prompt != EDITOR_PROMPT_NONE)
		editor_draw_prompt(e, w, rows - 1, cols);
	if (!focused)
		return;
	if (e->prompt != EDITOR_PROMPT_NONE && e->prompt != EDITOR_PROMPT_ASK) {
		int py, px;

		getyx(w, py, px);
		wmove(w, py, px);
	} else
		wmove(w, (int)(e->cur.line - e->top),
		      v.gutter + (int)(curx - e->left));
}
