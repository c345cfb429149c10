/* Colours by meaning: the drawing code asks for an element (a keyword, a
 * focused border, a verdict), the theme says how it looks. Theme files
 * (forge-theme(5)) are read and mapped to what the terminal can show by
 * pure functions the unit tests call; only theme_apply() and
 * theme_colours() talk to curses. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui/tui.h"

#define D THEME_COLOUR_DEFAULT

/* The names theme files use: the enum's, lower case, without THEME_. */
static const char *const theme_names[] = {
    [THEME_NORMAL] = "normal",
    [THEME_TITLE] = "title",
    [THEME_BAR] = "bar",
    [THEME_BAR_KEY] = "bar_key",
    [THEME_BORDER] = "border",
    [THEME_BORDER_FOCUS] = "border_focus",
    [THEME_MESSAGE] = "message",
    [THEME_ERROR] = "error",
    [THEME_LINENO] = "lineno",
    [THEME_LINENO_CURRENT] = "lineno_current",
    [THEME_CURRENT_LINE] = "current_line",
    [THEME_SELECTION] = "selection",
    [THEME_SEARCH_MATCH] = "search_match",
    [THEME_BRACKET_MATCH] = "bracket_match",
    [THEME_SYNTAX_KEYWORD] = "syntax_keyword",
    [THEME_SYNTAX_TYPE] = "syntax_type",
    [THEME_SYNTAX_STRING] = "syntax_string",
    [THEME_SYNTAX_COMMENT] = "syntax_comment",
    [THEME_SYNTAX_NUMBER] = "syntax_number",
    [THEME_SYNTAX_PREPROC] = "syntax_preproc",
    [THEME_METER_LOW] = "meter_low",
    [THEME_METER_MID] = "meter_mid",
    [THEME_METER_HIGH] = "meter_high",
    [THEME_GRAPH] = "graph",
    [THEME_VERDICT_OK] = "verdict_ok",
    [THEME_VERDICT_WRONG] = "verdict_wrong",
    [THEME_VERDICT_LIMIT] = "verdict_limit",
    [THEME_VERDICT_ERROR] = "verdict_error",
    [THEME_DIFF_EXPECTED] = "diff_expected",
    [THEME_DIFF_ACTUAL] = "diff_actual",
    [THEME_DIFF_MARK] = "diff_mark",
    [THEME_LIST_CURSOR] = "list_cursor",
    [THEME_DIALOG] = "dialog",
    [THEME_DIALOG_BORDER] = "dialog_border",
};
/* an element added to the enum needs its name here */
_Static_assert(sizeof theme_names / sizeof theme_names[0] == THEME_NELEMENTS,
               "every theme element has a name");

/* The built-in dark theme, themes/dark.theme without a file: what an
 * element a theme file leaves out looks like (unless its parent below
 * is set in that file). */
static const struct theme_style theme_dark[THEME_NELEMENTS] = {
    [THEME_NORMAL] = {D, D, A_NORMAL},
    [THEME_TITLE] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL},
    [THEME_BAR] = {COLOR_BLACK, COLOR_WHITE, A_NORMAL},
    [THEME_BAR_KEY] = {COLOR_BLUE, COLOR_WHITE, A_BOLD},
    [THEME_BORDER] = {D, D, A_NORMAL},
    [THEME_BORDER_FOCUS] = {COLOR_CYAN, D, A_BOLD},
    [THEME_MESSAGE] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL},
    [THEME_ERROR] = {COLOR_WHITE, COLOR_RED, A_BOLD},
    [THEME_LINENO] = {COLOR_YELLOW, D, A_DIM},
    [THEME_LINENO_CURRENT] = {COLOR_YELLOW, D, A_BOLD},
    [THEME_CURRENT_LINE] = {D, D, A_NORMAL},
    [THEME_SELECTION] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL},
    [THEME_SEARCH_MATCH] = {COLOR_BLACK, COLOR_YELLOW, A_NORMAL},
    [THEME_BRACKET_MATCH] = {COLOR_BLACK, COLOR_MAGENTA, A_NORMAL},
    [THEME_SYNTAX_KEYWORD] = {COLOR_BLUE, D, A_BOLD},
    [THEME_SYNTAX_TYPE] = {COLOR_GREEN, D, A_NORMAL},
    [THEME_SYNTAX_STRING] = {COLOR_RED, D, A_NORMAL},
    [THEME_SYNTAX_COMMENT] = {COLOR_CYAN, D, A_DIM},
    [THEME_SYNTAX_NUMBER] = {COLOR_MAGENTA, D, A_NORMAL},
    [THEME_SYNTAX_PREPROC] = {COLOR_YELLOW, D, A_NORMAL},
    [THEME_METER_LOW] = {COLOR_GREEN, D, A_NORMAL},
    [THEME_METER_MID] = {COLOR_YELLOW, D, A_NORMAL},
    [THEME_METER_HIGH] = {COLOR_RED, D, A_BOLD},
    [THEME_GRAPH] = {COLOR_CYAN, D, A_NORMAL},
    [THEME_VERDICT_OK] = {COLOR_BLACK, COLOR_GREEN, A_BOLD},
    [THEME_VERDICT_WRONG] = {COLOR_WHITE, COLOR_RED, A_BOLD},
    [THEME_VERDICT_LIMIT] = {COLOR_BLACK, COLOR_YELLOW, A_BOLD},
    [THEME_VERDICT_ERROR] = {COLOR_WHITE, COLOR_MAGENTA, A_BOLD},
    [THEME_DIFF_EXPECTED] = {COLOR_GREEN, D, A_NORMAL},
    [THEME_DIFF_ACTUAL] = {COLOR_RED, D, A_NORMAL},
    [THEME_DIFF_MARK] = {COLOR_WHITE, COLOR_RED, A_BOLD},
    [THEME_LIST_CURSOR] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL},
    [THEME_DIALOG] = {D, D, A_NORMAL},
    [THEME_DIALOG_BORDER] = {COLOR_CYAN, D, A_BOLD},
};

/* An element a theme file leaves out looks like its parent there, when
 * the file sets the parent: a light theme's selection colours its list
 * cursor too, not the dark theme's. */
static const struct {
	enum theme_element child, parent;
} theme_parents[] = {
    {THEME_BAR_KEY, THEME_BAR},
    {THEME_MESSAGE, THEME_TITLE},
    {THEME_LINENO_CURRENT, THEME_LINENO},
    {THEME_CURRENT_LINE, THEME_NORMAL},
    {THEME_SEARCH_MATCH, THEME_SELECTION},
    {THEME_GRAPH, THEME_METER_LOW},
    {THEME_DIFF_MARK, THEME_VERDICT_WRONG},
    {THEME_LIST_CURSOR, THEME_SELECTION},
    {THEME_DIALOG, THEME_NORMAL},
    {THEME_DIALOG_BORDER, THEME_BORDER_FOCUS},
};

/* Without colours, what keeps an element told apart from the text
 * around it, added when its style leans on colour. */
static const attr_t theme_mono[THEME_NELEMENTS] = {
    [THEME_TITLE] = A_REVERSE,
    [THEME_BAR] = A_REVERSE,
    [THEME_BAR_KEY] = A_REVERSE | A_BOLD,
    [THEME_BORDER_FOCUS] = A_BOLD,
    [THEME_MESSAGE] = A_REVERSE,
    [THEME_ERROR] = A_REVERSE | A_BOLD,
    [THEME_LINENO] = A_DIM,
    [THEME_LINENO_CURRENT] = A_BOLD,
    [THEME_SELECTION] = A_REVERSE,
    [THEME_SEARCH_MATCH] = A_REVERSE | A_UNDERLINE,
    [THEME_BRACKET_MATCH] = A_BOLD | A_UNDERLINE,
    [THEME_SYNTAX_KEYWORD] = A_BOLD,
    [THEME_SYNTAX_COMMENT] = A_DIM,
    [THEME_SYNTAX_PREPROC] = A_BOLD,
    [THEME_METER_HIGH] = A_BOLD,
    [THEME_VERDICT_OK] = A_REVERSE | A_BOLD,
    [THEME_VERDICT_WRONG] = A_REVERSE | A_BOLD,
    [THEME_VERDICT_LIMIT] = A_REVERSE | A_BOLD,
    [THEME_VERDICT_ERROR] = A_REVERSE | A_BOLD,
    [THEME_DIFF_ACTUAL] = A_UNDERLINE,
    [THEME_DIFF_MARK] = A_REVERSE | A_BOLD,
    [THEME_LIST_CURSOR] = A_REVERSE,
    [THEME_DIALOG_BORDER] = A_BOLD,
};

static const char *const theme_colour_names[8] = {
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"};

static const struct {
	const char *name;
	attr_t attr;
} theme_attr_names[] = {
    {"bold", A_BOLD},       {"dim", A_DIM},       {"underline", A_UNDERLINE},
    {"reverse", A_REVERSE}, {"italic", A_ITALIC}, {"normal", A_NORMAL},
};

const char *
theme_element_name(enum theme_element e)
{
	return e < THEME_NELEMENTS ? theme_names[e] : NULL;
}

int
theme_element_find(const char *name)
{
	for (int i = 0; i < THEME_NELEMENTS; i++)
		if (strcasecmp(theme_names[i], name) == 0)
			return i;
	return -1;
}

/* "red", "bright-red", "default", "196", "#ff8700" */
static int
theme_parse_colour(const char *w, int *colour)
{
	const char *name = w;
	int bright = 0;

	if (strcasecmp(w, "default") == 0)
		return *colour = D, 0;
	if (w[0] == '#') {
		unsigned rgb = 0;
		for (int i = 1; i <= 6; i++) {
			if (!isxdigit((unsigned char)w[i]))
				return -1;
			rgb = rgb << 4 |
			      (unsigned)(isdigit((unsigned char)w[i])
			                     ? w[i] - '0'
			                     : tolower((unsigned char)w[i]) -
			                           'a' + 10);
		}
		if (w[7] != '\0')
			return -1;
		return *colour = (int)(THEME_RGB_FLAG | rgb), 0;
	}
	if (isdigit((unsigned char)w[0])) {
		char *end;
		long n = strtol(w, &end, 10);
		if (*end != '\0' || n > 255)
			return -1;
		return *colour = (int)n, 0;
	}
	if (strncasecmp(w, "bright", 6) == 0) {
		name = w + 6 + (w[6] == '-');
		bright = 8;
	}
	for (int i = 0; i < 8; i++)
		if (strcasecmp(name, theme_colour_names[i]) == 0)
			return *colour = i + bright, 0;
	return -1;
}

/* "bold blue on default": attributes, a foreground colour, and "on" a
 * background one, in any order. */
int
theme_parse_style(const char *spec, struct theme_style *st, char *err,
                  size_t errlen)
{
	size_t n;
	char **w = util_split_words(spec, &n);
	bool fg = false, bg = false;
	int r = 0;

	*st = (struct theme_style){D, D, A_NORMAL};
	if (n == 0) {
		snprintf(err, errlen, "no colour or attribute");
		r = -1;
	}
	for (size_t i = 0; i < n && r == 0; i++) {
		size_t a;
		int c;

		for (a = 0;
		     a < sizeof theme_attr_names / sizeof *theme_attr_names;
		     a++)
			if (strcasecmp(w[i], theme_attr_names[a].name) == 0)
				break;
		if (a < sizeof theme_attr_names / sizeof *theme_attr_names)
			st->attrs |= theme_attr_names[a].attr;
		else if (strcasecmp(w[i], "on") == 0) {
			if (i + 1 == n ||
			    theme_parse_colour(w[i + 1], &st->bg) < 0) {
				snprintf(err, errlen,
				         "'on' needs a background colour%s%s%s",
				         i + 1 < n ? ", not '" : "",
				         i + 1 < n ? w[i + 1] : "",
				         i + 1 < n ? "'" : "");
				r = -1;
			} else if (bg) {
				snprintf(err, errlen, "two background colours");
				r = -1;
			}
			bg = true;
			i++;
		} else if (theme_parse_colour(w[i], &c) < 0) {
			snprintf(err, errlen,
			         "'%s' is no colour (a name, bright-name, "
			         "default, 0-255, #rrggbb) or attribute "
			         "(bold, dim, underline, reverse, italic)",
			         w[i]);
			r = -1;
		} else if (fg) {
			snprintf(err, errlen,
			         "two foreground colours ('on' goes before a "
			         "background)");
			r = -1;
		} else {
			st->fg = c;
			fg = true;
		}
	}
	util_free_words(w);
	return r;
}

void
theme_builtin(struct theme *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "dark");
	snprintf(t->title, sizeof t->title, "Dark");
	snprintf(t->description, sizeof t->description,
	         "light text on a dark terminal (built in)");
	memcpy(t->style, theme_dark, sizeof t->style);
}

struct theme_parse {
	struct theme *t;
	bool set[THEME_NELEMENTS];
};

static int
theme_handler(void *arg, const char *section, const char *key,
              const char *value, char *err, size_t errlen)
{
	struct theme_parse *p = arg;
	char why[200];
	int e;

	if (key == NULL) {
		if (strcmp(section, "theme") && strcmp(section, "colors")) {
			snprintf(err, errlen,
			         "unknown section [%s] (theme, colors)",
			         section);
			return -1;
		}
		return 0;
	}
	if (strcmp(section, "theme") == 0) {
		if (strcmp(key, "name") == 0)
			snprintf(p->t->title, sizeof p->t->title, "%s", value);
		else if (strcmp(key, "description") == 0)
			snprintf(p->t->description, sizeof p->t->description,
			         "%s", value);
		else {
			snprintf(err, errlen,
			         "unknown key '%s' in [theme] (name, "
			         "description)",
			         key);
			return -1;
		}
		return 0;
	}
	if ((e = theme_element_find(key)) < 0) {
		snprintf(err, errlen,
		         "unknown element '%s' (see forge-theme(5))", key);
		return -1;
	}
	if (theme_parse_style(value, &p->t->style[e], why, sizeof why) < 0) {
		snprintf(err, errlen, "%s: %s", key, why);
		p->t->style[e] = theme_dark[e];
		return -1;
	}
	p->set[e] = true;
	return 0;
}

/* An element not set in the file: its parent's look if the file set
 * that (or the parent's parent), else the built-in one. */
static bool
theme_inherit(struct theme *t, bool *set, enum theme_element e)
{
	if (set[e])
		return true;
	for (size_t i = 0; i < sizeof theme_parents / sizeof *theme_parents;
	     i++)
		if (theme_parents[i].child == e &&
		    theme_inherit(t, set, theme_parents[i].parent)) {
			t->style[e] = t->style[theme_parents[i].parent];
			return set[e] = true;
		}
	return false;
}

/* A theme from its file's text; a bad line is reported in errors (with
 * its number) and that element keeps its fallback. Returns the number
 * of bad lines. */
int
theme_parse(struct theme *t, const char *name, const char *text,
            const char *file, struct buf *errors)
{
	struct theme_parse p = {t, {false}};
	int n;

	theme_builtin(t);
	snprintf(t->name, sizeof t->name, "%s", name);
	snprintf(t->title, sizeof t->title, "%s", name);
	t->description[0] = '\0';
	n = settings_ini_parse(text, file, theme_handler, &p, errors);
	for (int e = 0; e < THEME_NELEMENTS; e++)
		theme_inherit(t, p.set, (enum theme_element)e);
	return n;
}

/* xterm's palette: the 16 system colours, a 6x6x6 cube, 24 greys */
static void
theme_rgb(int index, int *r, int *g, int *b)
{
	static const unsigned char sys[16][3] = {
	    {0, 0, 0},       {205, 0, 0},   {0, 205, 0},   {205, 205, 0},
	    {0, 0, 238},     {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
	    {127, 127, 127}, {255, 0, 0},   {0, 255, 0},   {255, 255, 0},
	    {92, 92, 255},   {255, 0, 255}, {0, 255, 255}, {255, 255, 255}};
	static const int level[6] = {0, 95, 135, 175, 215, 255};

	if (index & THEME_RGB_FLAG) {
		*r = index >> 16 & 0xff;
		*g = index >> 8 & 0xff;
		*b = index & 0xff;
	} else if (index < 16) {
		*r = sys[index][0];
		*g = sys[index][1];
		*b = sys[index][2];
	} else if (index < 232) {
		*r = level[(index - 16) / 36];
		*g = level[(index - 16) / 6 % 6];
		*b = level[(index - 16) % 6];
	} else
		*r = *g = *b = 8 + 10 * (index - 232);
}

static int
theme_nearest(int colour, int from, int to)
{
	int r, g, b, best = from;
	long best_d = -1;

	theme_rgb(colour, &r, &g, &b);
	for (int i = from; i < to; i++) {
		int r2, g2, b2;
		long d;

		theme_rgb(i, &r2, &g2, &b2);
		d = (long)(r - r2) * (r - r2) + (long)(g - g2) * (g - g2) +
		    (long)(b - b2) * (b - b2);
		if (best_d < 0 || d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return best;
}

/* A theme's colour as one the terminal has (ncolours of them: 8, 16 or
 * 256), by the nearest in RGB of the xterm palette, except a bright
 * system colour, which becomes its plain one. #rrggbb on a
 * 256-colour terminal comes from the cube and the greys, which look the
 * same everywhere, not from the 16 a person may have redefined. */
int
theme_map_colour(int colour, int ncolours)
{
	if (colour == D || ncolours <= 0)
		return D;
	if (!(colour & THEME_RGB_FLAG) && colour < ncolours)
		return colour;
	/* bright-red is red where there is no bright red */
	if (!(colour & THEME_RGB_FLAG) && colour < 16)
		return colour - 8;
	if (ncolours >= 256)
		return theme_nearest(colour, 16, 256);
	return theme_nearest(colour, 0, ncolours >= 16 ? 16 : 8);
}

/* What an element looks like on a terminal with ncolours colours (0:
 * none, or NO_COLOR): fg and bg as curses colours (-1 the default), and
 * the attributes. */
void
theme_resolve(const struct theme_style *st, enum theme_element e, int ncolours,
              int *fg, int *bg, attr_t *attrs)
{
	*attrs = st->attrs;
	if (ncolours <= 0) {
		*fg = *bg = D;
		if (st->fg != D || st->bg != D)
			*attrs |= theme_mono[e];
		return;
	}
	*fg = theme_map_colour(st->fg, ncolours);
	*bg = theme_map_colour(st->bg, ncolours);
	/* bright-red on 8 colours: red, and bold as terminals did */
	if (ncolours < 16 && st->fg >= 8 && st->fg < 16)
		*attrs |= A_BOLD;
	if (*fg == *bg && *fg != D && st->fg != st->bg) {
		/* two colours became one: text must not vanish */
		int r, g, b;
		theme_rgb(*bg, &r, &g, &b);
		*fg = r * 3 + g * 6 + b > 255 * 5 ? COLOR_BLACK : COLOR_WHITE;
	}
}

/* The installed themes (as lang_system_dir() finds the language files:
 * $FORGE_DATA_DIR, the build tree, the package data) and the person's. */
void
theme_dirs(char **system, char **user)
{
	const char *langs = lang_system_dir();
	const char *slash = strrchr(langs, '/');

	*system = xmalloc(strlen(langs) + 8);
	sprintf(*system, "%.*s/themes", slash ? (int)(slash - langs) : 0,
	        langs);
	*user = util_xdg_path("XDG_CONFIG_HOME", ".config", "forge/themes");
}

static int
theme_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
theme_listed(char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static void
theme_list_dir(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char *name;

		if (len <= 6 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 6, ".theme") != 0)
			continue;
		name = xstrndup(de->d_name, len - 6);
		if (theme_listed(*names, *n, name)) {
			free(name);
			continue;
		}
		*names = xrealloc(*names, (*n + 2) * sizeof **names);
		(*names)[(*n)++] = name;
		(*names)[*n] = NULL;
	}
	closedir(d);
}

/* The names of every theme there is, sorted, "dark" always among them;
 * free with util_free_words(). */
char **
theme_list(size_t *count)
{
	char *system, *user, **names = xcalloc(1, sizeof *names);
	size_t n = 0;

	theme_dirs(&system, &user);
	theme_list_dir(user, &names, &n);
	theme_list_dir(system, &names, &n);
	if (!theme_listed(names, n, "dark")) {
		names = xrealloc(names, (n + 2) * sizeof *names);
		names[n++] = xstrdup("dark");
		names[n] = NULL;
	}
	qsort(names, n, sizeof *names, theme_name_cmp);
	free(system);
	free(user);
	*count = n;
	return names;
}

/* The theme called name: the person's file before the installed one;
 * dark is built in when neither exists. -1 when there is no such theme;
 * otherwise the number of bad lines in its file. */
int
theme_load(struct theme *t, const char *name, struct buf *errors)
{
	char *dirs[2], file[4200];
	struct buf text;
	int r = -1;

	if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL)
		return -1; /* a name, not a path */
	theme_dirs(&dirs[1], &dirs[0]);
	buf_init(&text, 0);
	for (int i = 0; i < 2 && r < 0; i++) {
		snprintf(file, sizeof file, "%s/%s.theme", dirs[i], name);
		if (util_read_file(file, &text, 1 << 20) < 0) {
			if (errno != ENOENT && errors != NULL)
				buf_printf(errors, "%s: %s\n", file,
				           strerror(errno));
			buf_reset(&text);
			continue;
		}
		r = theme_parse(t, name, buf_cstr(&text), file, errors);
	}
	if (r < 0 && strcmp(name, "dark") == 0) {
		theme_builtin(t);
		r = 0;
	}
	buf_free(&text);
	free(dirs[0]);
	free(dirs[1]);
	return r;
}

/* ---- the curses part */

static attr_t theme_attrs[THEME_NELEMENTS];
static struct theme theme_now;

/* 0 when the terminal has no colours or the person asked for none
 * (NO_COLOR, whatever its value); a terminal of direct RGB colours
 * takes its first 8 by number like any other. */
int
theme_colours(void)
{
	if (getenv("NO_COLOR") != NULL || !has_colors())
		return 0;
	if (COLORS >= 256 && COLORS <= 256 * 256)
		return 256;
	return COLORS >= 16 && COLORS <= 256 ? 16 : 8;
}

/* Pairs come from alloc_pair(), shared with the output pane's: one of a
 * theme shown before is never freed, as a cell of the program's output
 * may use the same one. */
void
theme_apply(const struct theme *t)
{
	int ncolours = theme_colours();

	if (t != &theme_now)
		theme_now = *t;
	for (int i = 0; i < THEME_NELEMENTS; i++) {
		enum theme_element e = (enum theme_element)i;
		int fg, bg, pair;

		theme_resolve(&theme_now.style[i], e, ncolours, &fg, &bg,
		              &theme_attrs[i]);
		if (fg == D && bg == D)
			continue;
		pair = alloc_pair(fg, bg);
		/* an attr_t holds pair numbers up to 255 */
		if (pair > 0 && pair <= 255)
			theme_attrs[i] |= (attr_t)COLOR_PAIR(pair);
		else
			theme_resolve(&theme_now.style[i], e, 0, &fg, &bg,
			              &theme_attrs[i]);
	}
}

const struct theme *
theme_current(void)
{
	return &theme_now;
}

/* After initscr() and start_color(): the built-in theme, until the
 * settings name another. */
void
theme_init(void)
{
	struct theme t;

	theme_builtin(&t);
	theme_apply(&t);
}

/* Loads and shows the theme called name; -1 (and the one before stays)
 * when there is none of that name. */
int
theme_use(const char *name, struct buf *errors)
{
	struct theme t;
	int r = theme_load(&t, name, errors);

	if (r < 0) {
		if (errors != NULL)
			buf_printf(errors, "no theme called '%s'\n", name);
		return -1;
	}
	theme_apply(&t);
	return r;
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
	case VERDICT_AB: /* stopped: a limit of the person's patience */
		return THEME_VERDICT_LIMIT;
	default:
		return THEME_VERDICT_WRONG;
	}
}
