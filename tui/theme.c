/* Colours by meaning: the drawing code asks for an element (a keyword, a
 * focused border, a verdict), the theme says how it looks. */
#include "config.h"

#include <stdlib.h>

#include "tui/tui.h"

struct theme_style {
	short fg, bg; /* curses colours; -1: the terminal's default */
	attr_t attrs;
};

/* the built-in dark theme: also what any terminal without colours gets,
 * through the attributes alone */
static const struct theme_style theme_builtin[THEME_NELEMENTS] = {
    [THEME_NORMAL] = {-1, -1, A_NORMAL},
    [THEME_TITLE] = {COLOR_BLACK, COLOR_CYAN, A_REVERSE},
    [THEME_BAR] = {COLOR_BLACK, COLOR_WHITE, A_REVERSE},
    [THEME_BAR_KEY] = {COLOR_BLACK, COLOR_WHITE, A_REVERSE | A_BOLD},
    [THEME_BORDER] = {-1, -1, A_NORMAL},
    [THEME_BORDER_FOCUS] = {COLOR_CYAN, -1, A_BOLD},
    [THEME_MESSAGE] = {COLOR_BLACK, COLOR_CYAN, A_REVERSE},
    [THEME_ERROR] = {COLOR_WHITE, COLOR_RED, A_REVERSE | A_BOLD},
    [THEME_LINENO] = {COLOR_YELLOW, -1, A_DIM},
    [THEME_LINENO_CURRENT] = {COLOR_YELLOW, -1, A_BOLD},
    [THEME_CURRENT_LINE] = {-1, -1, A_NORMAL},
    [THEME_SELECTION] = {COLOR_BLACK, COLOR_CYAN, A_REVERSE},
    [THEME_SEARCH_MATCH] = {COLOR_BLACK, COLOR_YELLOW, A_REVERSE},
    [THEME_BRACKET_MATCH] = {COLOR_BLACK, COLOR_MAGENTA, A_REVERSE},
    [THEME_SYNTAX_KEYWORD] = {COLOR_BLUE, -1, A_BOLD},
    [THEME_SYNTAX_TYPE] = {COLOR_GREEN, -1, A_NORMAL},
    [THEME_SYNTAX_STRING] = {COLOR_RED, -1, A_NORMAL},
    [THEME_SYNTAX_COMMENT] = {COLOR_CYAN, -1, A_DIM},
    [THEME_SYNTAX_NUMBER] = {COLOR_MAGENTA, -1, A_NORMAL},
    [THEME_SYNTAX_PREPROC] = {COLOR_YELLOW, -1, A_NORMAL},
    [THEME_METER_LOW] = {COLOR_GREEN, -1, A_NORMAL},
    [THEME_METER_MID] = {COLOR_YELLOW, -1, A_NORMAL},
    [THEME_METER_HIGH] = {COLOR_RED, -1, A_BOLD},
    [THEME_GRAPH] = {COLOR_CYAN, -1, A_NORMAL},
    [THEME_VERDICT_OK] = {COLOR_BLACK, COLOR_GREEN, A_REVERSE | A_BOLD},
    [THEME_VERDICT_WRONG] = {COLOR_WHITE, COLOR_RED, A_REVERSE | A_BOLD},
    [THEME_VERDICT_LIMIT] = {COLOR_BLACK, COLOR_YELLOW, A_REVERSE | A_BOLD},
    [THEME_VERDICT_ERROR] = {COLOR_WHITE, COLOR_MAGENTA, A_REVERSE | A_BOLD},
    [THEME_DIFF_EXPECTED] = {COLOR_GREEN, -1, A_NORMAL},
    [THEME_DIFF_ACTUAL] = {COLOR_RED, -1, A_NORMAL},
    [THEME_DIFF_MARK] = {COLOR_WHITE, COLOR_RED, A_REVERSE | A_BOLD},
    [THEME_LIST_CURSOR] = {COLOR_BLACK, COLOR_CYAN, A_REVERSE},
    [THEME_DIALOG] = {-1, -1, A_NORMAL},
    [THEME_DIALOG_BORDER] = {COLOR_CYAN, -1, A_BOLD},
};

static attr_t theme_attrs[THEME_NELEMENTS];

/* After initscr(): colour pairs where the terminal has colours and the
 * person has not asked for none (NO_COLOR), attributes alone otherwise. */
void
theme_init(void)
{
	bool colour = has_colors() && getenv("NO_COLOR") == NULL;

	for (int i = 0; i < THEME_NELEMENTS; i++) {
		const struct theme_style *s = &theme_builtin[i];
		int pair;

		theme_attrs[i] = s->attrs;
		if (!colour || (s->fg < 0 && s->bg < 0))
			continue;
		pair = alloc_pair(s->fg, s->bg);
		if (pair > 0)
			/* the colour says it; reverse was for mono */
			theme_attrs[i] =
			    (s->attrs & ~A_REVERSE) | (attr_t)COLOR_PAIR(pair);
	}
}

attr_t
theme_attr(enum theme_element e)
{
	return e < THEME_NELEMENTS ? theme_attrs[e] : A_NORMAL;
}

enum theme_element
theme_verdict(int verdict)
{
	switch ((enum verdict)verdict) {
	case VERDICT_OK:
	case VERDICT_AC:
		return THEME_VERDICT_OK;
	case VERDICT_TLE:
	case VERDICT_MLE:
	case VERDICT_OLE:
		return THEME_VERDICT_LIMIT;
	case VERDICT_SV:
	case VERDICT_IE:
		return THEME_VERDICT_ERROR;
	default:
		return THEME_VERDICT_WRONG;
	}
}
