/* Themes: the file format and its errors (with line numbers), the
 * fallbacks, the shipped themes, and the colour mapping: 256 colours to
 * 8 and 16, #rrggbb, and attributes alone for NO_COLOR. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/check.h"
#include "tui/tui.h"

static bool
same_style(const struct theme_style *a, const struct theme_style *b)
{
	return a->fg == b->fg && a->bg == b->bg && a->attrs == b->attrs;
}

static void
test_names(void)
{
	for (int e = 0; e < THEME_NELEMENTS; e++) {
		const char *n = theme_element_name((enum theme_element)e);
		CHECK(n != NULL);
		if (n != NULL)
			CHECK(theme_element_find(n) == e);
	}
	CHECK_STR(theme_element_name(THEME_SYNTAX_KEYWORD), "syntax_keyword");
	CHECK_STR(theme_element_name(THEME_VERDICT_OK), "verdict_ok");
	CHECK_STR(theme_element_name(THEME_METER_HIGH), "meter_high");
	CHECK(theme_element_find("nonsense") == -1);
}

static void
test_style(void)
{
	struct theme_style s;
	char err[256];

	CHECK(theme_parse_style("bold blue on default", &s, err, sizeof err) ==
	      0);
	CHECK(s.fg == COLOR_BLUE && s.bg == THEME_COLOUR_DEFAULT &&
	      s.attrs == A_BOLD);
	CHECK(theme_parse_style("on 236 underline #FF8700 italic", &s, err,
	                        sizeof err) == 0);
	CHECK(s.fg == THEME_RGB(0xff, 0x87, 0x00) && s.bg == 236 &&
	      s.attrs == (A_UNDERLINE | A_ITALIC));
	CHECK(theme_parse_style("bright-red on brightblue", &s, err,
	                        sizeof err) == 0);
	CHECK(s.fg == 9 && s.bg == 12);
	CHECK(theme_parse_style("reverse", &s, err, sizeof err) == 0);
	CHECK(s.fg == THEME_COLOUR_DEFAULT && s.attrs == A_REVERSE);

	CHECK(theme_parse_style("purple", &s, err, sizeof err) < 0);
	CHECK(strstr(err, "'purple' is no colour") != NULL);
	CHECK(theme_parse_style("256", &s, err, sizeof err) < 0);
	CHECK(theme_parse_style("#ff87", &s, err, sizeof err) < 0);
	CHECK(theme_parse_style("#ff87001", &s, err, sizeof err) < 0);
	CHECK(theme_parse_style("#gg0000", &s, err, sizeof err) < 0);
	CHECK(theme_parse_style("red on", &s, err, sizeof err) < 0);
	CHECK(strstr(err, "'on' needs a background") != NULL);
	CHECK(theme_parse_style("red blue", &s, err, sizeof err) < 0);
	CHECK(strstr(err, "two foreground") != NULL);
	CHECK(theme_parse_style("on red on blue", &s, err, sizeof err) < 0);
	CHECK(theme_parse_style("  ", &s, err, sizeof err) < 0);
}

static void
test_parse_errors(void)
{
	struct theme t;
	struct buf errs;
	const char *text = "# a theme\n"                    /* 1 */
	                   "[theme]\n"                      /* 2 */
	                   "name = Broken\n"                /* 3 */
	                   "[colors]\n"                     /* 4 */
	                   "syntax_keyword = bold purple\n" /* 5 */
	                   "no_such_thing = red\n"          /* 6 */
	                   "selection = black on white\n"   /* 7 */
	                   "just words\n"                   /* 8 */
	                   "[colours]\n"                    /* 9 */
	                   "normal = red\n"                 /* 10: skipped */
	                   "[theme]\n"                      /* 11 */
	                   "author = me\n"                  /* 12 */
	                   "[colors]\n"                     /* 13 */
	                   "syntax_string = #00ff00\n";     /* 14 */

	buf_init(&errs, 0);
	CHECK(theme_parse(&t, "broken", text, "broken.theme", &errs) == 5);
	CHECK(strstr(buf_cstr(&errs), "broken.theme:5: syntax_keyword: "
	                              "'purple' is no colour") != NULL);
	CHECK(strstr(buf_cstr(&errs),
	             "broken.theme:6: unknown element 'no_such_thing'") !=
	      NULL);
	CHECK(strstr(buf_cstr(&errs), "broken.theme:8: expected key = value") !=
	      NULL);
	CHECK(strstr(buf_cstr(&errs), "broken.theme:9: unknown section "
	                              "[colours]") != NULL);
	CHECK(strstr(buf_cstr(&errs), "broken.theme:10:") == NULL);
	CHECK(strstr(buf_cstr(&errs),
	             "broken.theme:12: unknown key 'author'") != NULL);
	/* the good lines apply, the bad one keeps its fallback */
	CHECK_STR(t.title, "Broken");
	CHECK_STR(t.name, "broken");
	CHECK(t.style[THEME_SELECTION].fg == COLOR_BLACK &&
	      t.style[THEME_SELECTION].bg == COLOR_WHITE);
	CHECK(t.style[THEME_SYNTAX_STRING].fg == THEME_RGB(0, 0xff, 0));
	CHECK(t.style[THEME_SYNTAX_KEYWORD].fg == COLOR_BLUE);
	CHECK(t.style[THEME_NORMAL].fg == THEME_COLOUR_DEFAULT);
	buf_free(&errs);

	buf_init(&errs, 0);
	CHECK(theme_parse(&t, "x", "[colors\n", "x.theme", &errs) == 1);
	CHECK(strstr(buf_cstr(&errs), "x.theme:1: a section is [name]") !=
	      NULL);
	buf_free(&errs);
	buf_init(&errs, 0);
	CHECK(theme_parse(&t, "x", "normal = red\n", "x.theme", &errs) == 1);
	CHECK(strstr(buf_cstr(&errs), "x.theme:1: 'normal' comes before") !=
	      NULL);
	buf_free(&errs);
}

static void
test_fallbacks(void)
{
	struct theme t, dark;
	struct buf errs;

	theme_builtin(&dark);
	buf_init(&errs, 0);
	CHECK(theme_parse(&t, "empty", "", "empty.theme", &errs) == 0);
	for (int e = 0; e < THEME_NELEMENTS; e++)
		CHECK(same_style(&t.style[e], &dark.style[e]));
	/* an element left out looks like its parent where that is set */
	CHECK(theme_parse(&t, "some",
	                  "[colors]\nselection = black on white\n"
	                  "bar = red on blue\nlineno = green\n",
	                  "some.theme", &errs) == 0);
	CHECK(t.style[THEME_LIST_CURSOR].fg == COLOR_BLACK &&
	      t.style[THEME_LIST_CURSOR].bg == COLOR_WHITE);
	CHECK(t.style[THEME_SEARCH_MATCH].bg == COLOR_WHITE);
	CHECK(t.style[THEME_BAR_KEY].fg == COLOR_RED &&
	      t.style[THEME_BAR_KEY].bg == COLOR_BLUE);
	CHECK(t.style[THEME_LINENO_CURRENT].fg == COLOR_GREEN);
	/* ... or like the dark theme */
	CHECK(same_style(&t.style[THEME_SYNTAX_KEYWORD],
	                 &dark.style[THEME_SYNTAX_KEYWORD]));
	CHECK(same_style(&t.style[THEME_DIALOG_BORDER],
	                 &dark.style[THEME_DIALOG_BORDER]));
	/* a chain: dialog_border <- border_focus */
	CHECK(theme_parse(&t, "f", "[colors]\nborder_focus = bold magenta\n",
	                  "f.theme", &errs) == 0);
	CHECK(t.style[THEME_DIALOG_BORDER].fg == COLOR_MAGENTA);
	/* a child set itself keeps its own */
	CHECK(theme_parse(&t, "g",
	                  "[colors]\nselection = red\nlist_cursor = blue\n",
	                  "g.theme", &errs) == 0);
	CHECK(t.style[THEME_LIST_CURSOR].fg == COLOR_BLUE);
	CHECK(errs.len == 0);
	buf_free(&errs);
}

static void
test_mapping(void)
{
	/* 256 to 8: by RGB distance of the xterm palette */
	CHECK(theme_map_colour(196, 8) == COLOR_RED);     /* ff0000 */
	CHECK(theme_map_colour(46, 8) == COLOR_GREEN);    /* 00ff00 */
	CHECK(theme_map_colour(226, 8) == COLOR_YELLOW);  /* ffff00 */
	CHECK(theme_map_colour(21, 8) == COLOR_BLUE);     /* 0000ff */
	CHECK(theme_map_colour(201, 8) == COLOR_MAGENTA); /* ff00ff */
	CHECK(theme_map_colour(51, 8) == COLOR_CYAN);     /* 00ffff */
	CHECK(theme_map_colour(231, 8) == COLOR_WHITE);   /* ffffff */
	CHECK(theme_map_colour(16, 8) == COLOR_BLACK);    /* 000000 */
	CHECK(theme_map_colour(236, 8) == COLOR_BLACK);   /* 303030 */
	CHECK(theme_map_colour(250, 8) == COLOR_WHITE);   /* bcbcbc */
	CHECK(theme_map_colour(208, 8) == COLOR_YELLOW);  /* ff8700 */
	CHECK(theme_map_colour(5, 8) == 5);
	/* bright system colours: the plain one */
	CHECK(theme_map_colour(9, 8) == COLOR_RED);
	CHECK(theme_map_colour(8, 8) == COLOR_BLACK);
	CHECK(theme_map_colour(15, 8) == COLOR_WHITE);
	/* #rrggbb */
	CHECK(theme_map_colour(THEME_RGB(0xff, 0x87, 0), 8) == COLOR_YELLOW);
	CHECK(theme_map_colour(THEME_RGB(0x10, 0x10, 0xc0), 8) == COLOR_BLUE);
	CHECK(theme_map_colour(THEME_RGB(0xff, 0, 0), 256) == 196);
	CHECK(theme_map_colour(THEME_RGB(0, 0, 0), 256) == 16);
	CHECK(theme_map_colour(THEME_RGB(0xff, 0xff, 0xff), 256) == 231);
	CHECK(theme_map_colour(THEME_RGB(0x80, 0x80, 0x80), 256) == 244);
	CHECK(theme_map_colour(THEME_RGB(0xff, 0x88, 0x01), 256) == 208);
	/* 16 colours keep the bright ones */
	CHECK(theme_map_colour(196, 16) == 9);
	CHECK(theme_map_colour(9, 16) == 9);
	CHECK(theme_map_colour(244, 16) == 8);
	/* what the terminal has is kept */
	CHECK(theme_map_colour(100, 256) == 100);
	CHECK(theme_map_colour(THEME_COLOUR_DEFAULT, 8) ==
	      THEME_COLOUR_DEFAULT);
}

static void
test_resolve(void)
{
	struct theme dark;
	struct theme_style s;
	int fg, bg;
	attr_t a;
	char err[256];

	theme_builtin(&dark);
	/* colours: as given */
	theme_resolve(&dark.style[THEME_VERDICT_OK], THEME_VERDICT_OK, 256, &fg,
	              &bg, &a);
	CHECK(fg == COLOR_BLACK && bg == COLOR_GREEN && a == A_BOLD);
	/* NO_COLOR or no colours: attributes, and what colour told apart
	 * told apart by attributes */
	theme_resolve(&dark.style[THEME_VERDICT_OK], THEME_VERDICT_OK, 0, &fg,
	              &bg, &a);
	CHECK(fg == THEME_COLOUR_DEFAULT && bg == THEME_COLOUR_DEFAULT);
	CHECK((a & A_REVERSE) && (a & A_BOLD));
	theme_resolve(&dark.style[THEME_SELECTION], THEME_SELECTION, 0, &fg,
	              &bg, &a);
	CHECK(a == A_REVERSE);
	theme_resolve(&dark.style[THEME_TITLE], THEME_TITLE, 0, &fg, &bg, &a);
	CHECK(a == A_REVERSE);
	theme_resolve(&dark.style[THEME_SYNTAX_COMMENT], THEME_SYNTAX_COMMENT,
	              0, &fg, &bg, &a);
	CHECK(a == A_DIM);
	theme_resolve(&dark.style[THEME_SYNTAX_STRING], THEME_SYNTAX_STRING, 0,
	              &fg, &bg, &a);
	CHECK(a == A_NORMAL);
	/* an attributes-only style is as its author wrote it */
	CHECK(theme_parse_style("underline", &s, err, sizeof err) == 0);
	theme_resolve(&s, THEME_SELECTION, 0, &fg, &bg, &a);
	CHECK(a == A_UNDERLINE);
	/* bright on 8 colours: bold */
	CHECK(theme_parse_style("bright-green", &s, err, sizeof err) == 0);
	theme_resolve(&s, THEME_NORMAL, 8, &fg, &bg, &a);
	CHECK(fg == COLOR_GREEN && a == A_BOLD);
	theme_resolve(&s, THEME_NORMAL, 256, &fg, &bg, &a);
	CHECK(fg == 10 && a == A_NORMAL);
	/* two colours that become one: the text stays readable */
	CHECK(theme_parse_style("196 on 160", &s, err, sizeof err) == 0);
	theme_resolve(&s, THEME_ERROR, 8, &fg, &bg, &a);
	CHECK(bg == COLOR_RED && fg == COLOR_WHITE);
	CHECK(theme_parse_style("#eeeeee on 255", &s, err, sizeof err) == 0);
	theme_resolve(&s, THEME_NORMAL, 8, &fg, &bg, &a);
	CHECK(bg == COLOR_WHITE && fg == COLOR_BLACK);
	theme_resolve(&s, THEME_NORMAL, 256, &fg, &bg, &a);
	CHECK(bg == 255 && fg == COLOR_BLACK);
	/* the same colour written twice is what its author wanted */
	CHECK(theme_parse_style("255 on 255", &s, err, sizeof err) == 0);
	theme_resolve(&s, THEME_NORMAL, 256, &fg, &bg, &a);
	CHECK(bg == 255 && fg == 255);
}

static void
test_shipped(void)
{
	static const char *const shipped[] = {"dark", "light", "high-contrast",
	                                      "monochrome"};
	struct theme t, dark;
	char tmp[] = "/tmp/forge-theme-test.XXXXXX", path[256];
	size_t n;
	char **names;

	CHECK(mkdtemp(tmp) != NULL);
	setenv("XDG_CONFIG_HOME", tmp, 1);
	theme_builtin(&dark);
	for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
		struct buf errs;

		buf_init(&errs, 0);
		CHECK(theme_load(&t, shipped[i], &errs) == 0);
		if (errs.len)
			fprintf(stderr, "%s", buf_cstr(&errs));
		CHECK(t.description[0] != '\0');
		buf_free(&errs);
		if (strcmp(shipped[i], "dark") == 0)
			/* the file and the built-in table agree */
			for (int e = 0; e < THEME_NELEMENTS; e++)
				CHECK(same_style(&t.style[e], &dark.style[e]));
		if (strcmp(shipped[i], "monochrome") == 0)
			for (int e = 0; e < THEME_NELEMENTS; e++)
				CHECK(t.style[e].fg == THEME_COLOUR_DEFAULT &&
				      t.style[e].bg == THEME_COLOUR_DEFAULT);
		/* the verdicts stay apart from text without colours too */
		for (int e = THEME_VERDICT_OK; e <= THEME_VERDICT_ERROR; e++) {
			int fg, bg;
			attr_t a;
			theme_resolve(&t.style[e], (enum theme_element)e, 0,
			              &fg, &bg, &a);
			CHECK(a & A_REVERSE);
		}
	}
	/* light on 8 colours: no text goes white or yellow on the
	 * terminal's (light) background */
	CHECK(theme_load(&t, "light", NULL) == 0);
	for (int e = 0; e < THEME_NELEMENTS; e++) {
		int fg, bg;
		attr_t a;
		theme_resolve(&t.style[e], (enum theme_element)e, 8, &fg, &bg,
		              &a);
		if (bg == THEME_COLOUR_DEFAULT && fg != THEME_COLOUR_DEFAULT &&
		    (fg == COLOR_WHITE || fg == COLOR_YELLOW)) {
			fprintf(stderr, "light: %s is pale on 8 colours\n",
			        theme_element_name((enum theme_element)e));
			CHECK(!"a pale foreground");
		}
	}
	CHECK(theme_load(&t, "no-such-theme", NULL) < 0);
	CHECK(theme_load(&t, "../themes/dark", NULL) < 0);

	/* the person's themes: a new one, and one replacing light */
	snprintf(path, sizeof path, "%s/forge", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/forge/themes", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/forge/themes/mine.theme", tmp);
	check_write(path, "[colors]\nnormal = green\n");
	snprintf(path, sizeof path, "%s/forge/themes/light.theme", tmp);
	check_write(path, "[theme]\ndescription = my light\n");
	names = theme_list(&n);
	CHECK(n == 5);
	if (n == 5) {
		CHECK_STR(names[0], "dark");
		CHECK_STR(names[1], "high-contrast");
		CHECK_STR(names[2], "light");
		CHECK_STR(names[3], "mine");
		CHECK_STR(names[4], "monochrome");
	}
	util_free_words(names);
	CHECK(theme_load(&t, "mine", NULL) == 0);
	CHECK(t.style[THEME_NORMAL].fg == COLOR_GREEN);
	CHECK(theme_load(&t, "light", NULL) == 0);
	CHECK_STR(t.description, "my light");
	snprintf(path, sizeof path, "rm -rf '%s'", tmp);
	CHECK(system(path) == 0);
}

int
main(void)
{
	test_names();
	test_style();
	test_parse_errors();
	test_fallbacks();
	test_mapping();
	test_resolve();
	test_shipped();
	return check_done();
}
