/* The settings file: every section, errors with their line numbers (all
 * of them, the good lines still applying), key specs, and the theme
 * line rewritten without touching anything else. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/check.h"
#include "tui/tui.h"

static char *
slurp(const char *path)
{
	struct buf b;
	char *s;

	buf_init(&b, 0);
	if (util_read_file(path, &b, 0) < 0) {
		buf_free(&b);
		return NULL;
	}
	s = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

static void
test_good(void)
{
	struct settings s;
	struct buf errs;
	const char *text = "# my settings\n"
	                   "[general]\n"
	                   "theme = light\n"
	                   "backend = ns\n"
	                   "\n"
	                   "[limits]\n"
	                   "time = 1.5\n"
	                   "wall = 30s\n"
	                   "memory = 512M\n"
	                   "pids = 10\n"
	                   "output = 1M\n"
	                   "[editor]\n"
	                   "tab_width = 4\n"
	                   "line_numbers = no\n"
	                   "auto_indent = off\n"
	                   "current_line = yes\n"
	                   "[keys]\n"
	                   "run = Ctrl-T\n"
	                   "theme = F12\n";

	settings_init(&s);
	CHECK(s.limits.wall_ms == 60000);
	CHECK_STR(s.theme, "dark");
	CHECK(s.line_numbers && s.auto_indent && s.tab_width == 0);
	buf_init(&errs, 0);
	CHECK(settings_parse(&s, text, "f.conf", &errs) == 0);
	CHECK(errs.len == 0);
	CHECK_STR(s.theme, "light");
	CHECK_STR(s.backend, "ns");
	CHECK(s.limits.cpu_ms == 1500);
	CHECK(s.limits.wall_ms == 30000);
	CHECK(s.limits.mem_bytes == 512ull << 20);
	CHECK(s.limits.pids == 10);
	CHECK(s.limits.output_bytes == 1ull << 20);
	CHECK(s.tab_width == 4 && !s.line_numbers && !s.auto_indent &&
	      s.current_line);
	CHECK(s.nkeys == 2);
	if (s.nkeys == 2) {
		CHECK_STR(s.keys[0].action, "run");
		CHECK(s.keys[0].key == 0x14 && !s.keys[0].is_key);
		CHECK_STR(s.keys[1].action, "theme");
		CHECK(s.keys[1].key == KEY_F(12) && s.keys[1].is_key);
	}
	{
		int key = 0x14;
		bool is_key = false;
		CHECK(settings_key_translate(&s, &key, &is_key));
		CHECK(key == KEY_F(5) && is_key);
		key = 'a', is_key = false;
		CHECK(!settings_key_translate(&s, &key, &is_key));
		CHECK(key == 'a' && !is_key);
	}
	settings_free(&s);
	buf_free(&errs);
}

static void
test_errors(void)
{
	struct settings s;
	struct buf errs;
	const char *text = "theme = early\n"          /* 1 */
	                   "[general]\n"              /* 2 */
	                   "theme = ../../etc\n"      /* 3 */
	                   "backend = docker-ish\n"   /* 4 */
	                   "colour = red\n"           /* 5 */
	                   "[limits]\n"               /* 6 */
	                   "memory = lots\n"          /* 7 */
	                   "time = 3\n"               /* 8: still applies */
	                   "cpu = 1\n"                /* 9 */
	                   "[editor]\n"               /* 10 */
	                   "tab_width = 99\n"         /* 11 */
	                   "line_numbers = perhaps\n" /* 12 */
	                   "[keys]\n"                 /* 13 */
	                   "fly = F3\n"               /* 14 */
	                   "run = q\n"                /* 15 */
	                   "[display]\n"              /* 16 */
	                   "zoom = 2\n"               /* 17: skipped */
	                   "[editor\n"                /* 18 */
	                   "what\n";                  /* 19 */
	const char *want[] = {
	    "f.conf:1: 'theme' comes before any [section]",
	    "f.conf:3: theme: '../../etc' is not a theme's name",
	    "f.conf:4: unknown backend 'docker-ish' (known: ns", /* , docker */
	    "f.conf:5: unknown key 'colour' in [general]",
	    "f.conf:7: memory: ",
	    "f.conf:9: unknown key 'cpu' in [limits]",
	    "f.conf:11: tab_width: '99' is not",
	    "f.conf:12: 'perhaps' is not yes or no",
	    "f.conf:14: unknown action 'fly'",
	    "f.conf:15: run: 'q' is not a key",
	    "f.conf:16: unknown section [display]",
	    "f.conf:18: a section is [name]",
	    "f.conf:19: expected key = value",
	};

	settings_init(&s);
	buf_init(&errs, 0);
	CHECK(settings_parse(&s, text, "f.conf", &errs) == 13);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (strstr(buf_cstr(&errs), want[i]) == NULL) {
			fprintf(stderr, "missing: %s\n", want[i]);
			CHECK(!"an error is reported");
		}
	CHECK(strstr(buf_cstr(&errs), "f.conf:17") == NULL);
	CHECK(s.limits.cpu_ms == 3000);
	CHECK_STR(s.theme, "dark");
	CHECK(s.tab_width == 0 && s.line_numbers);
	CHECK(s.nkeys == 0);
	settings_free(&s);
	buf_free(&errs);
}

static void
test_keys(void)
{
	int key;
	bool is_key;

	CHECK(settings_key_parse("F6", &key, &is_key) == 0);
	CHECK(key == KEY_F(6) && is_key);
	CHECK(settings_key_parse("f12", &key, &is_key) == 0);
	CHECK(key == KEY_F(12) && is_key);
	CHECK(settings_key_parse("Ctrl-R", &key, &is_key) == 0);
	CHECK(key == 0x12 && !is_key);
	CHECK(settings_key_parse("ctrl-r", &key, &is_key) == 0);
	CHECK(key == 0x12 && !is_key);
	CHECK(settings_key_parse("Alt-t", &key, &is_key) == 0);
	CHECK(key == (TUI_ALT | 't') && !is_key);
	CHECK(settings_key_parse("Alt-T", &key, &is_key) == 0);
	CHECK(key == (TUI_ALT | 'T') && !is_key);
	CHECK(settings_key_parse("Tab", &key, &is_key) == 0);
	CHECK(key == '\t' && !is_key);
	CHECK(settings_key_parse("shift-tab", &key, &is_key) == 0);
	CHECK(key == KEY_BTAB && is_key);
	CHECK(settings_key_parse("PgDn", &key, &is_key) == 0);
	CHECK(key == KEY_NPAGE && is_key);
	CHECK(settings_key_parse("x", &key, &is_key) < 0);
	CHECK(settings_key_parse("F0", &key, &is_key) < 0);
	CHECK(settings_key_parse("F25", &key, &is_key) < 0);
	CHECK(settings_key_parse("F5x", &key, &is_key) < 0);
	CHECK(settings_key_parse("Ctrl-", &key, &is_key) < 0);
	CHECK(settings_key_parse("Ctrl-1", &key, &is_key) < 0);
	CHECK(settings_key_parse("Ctrl-ab", &key, &is_key) < 0);
	CHECK(settings_key_parse("Alt- ", &key, &is_key) < 0);
	CHECK(settings_key_parse("Alt-[", &key, &is_key) < 0);
	CHECK(settings_key_parse("Alt-O", &key, &is_key) < 0);
	CHECK(settings_key_parse("", &key, &is_key) < 0);
}

static void
test_rewrite(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"", "[general]\ntheme = light\n"},
	    {"# mine\n[general]\n# which\ntheme = dark   \nbackend = ns\n",
	     "# mine\n[general]\n# which\ntheme = light\nbackend = ns\n"},
	    {"[general]\n  theme=dark\n", "[general]\ntheme = light\n"},
	    {"[general]\nbackend = ns\n\n# limits\n[limits]\ntime = 1\n",
	     "[general]\nbackend = ns\ntheme = light\n\n# limits\n[limits]\n"
	     "time = 1\n"},
	    {"[general]\n[limits]\n", "[general]\ntheme = light\n[limits]\n"},
	    {"[editor]\ntab_width = 4", "[editor]\ntab_width = 4\n\n[general]\n"
	                                "theme = light\n"},
	    {"[general]\nbackend = ns",
	     "[general]\nbackend = ns\ntheme = light\n"},
	    {"[keys]\ntheme = F9\n", "[keys]\ntheme = F9\n\n[general]\n"
	                             "theme = light\n"},
	    {"[general]\ntheme = a\n[general]\ntheme = b\n",
	     "[general]\ntheme = light\n[general]\ntheme = light\n"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out = settings_with_theme(cases[i].in, "light");
		CHECK_STR(out, cases[i].out);
		free(out);
	}
}

static void
test_save(void)
{
	char tmp[] = "/tmp/forge-settings-test.XXXXXX", path[256], link[256],
	     err[256], cmd[300], *text;
	struct settings s;
	struct stat st;

	CHECK(mkdtemp(tmp) != NULL);
	/* no file, no directory: both made */
	snprintf(path, sizeof path, "%s/forge/forge-tui.conf", tmp);
	CHECK(settings_save_theme(path, "light", err, sizeof err) == 0);
	text = slurp(path);
	CHECK_STR(text, "[general]\ntheme = light\n");
	free(text);
	settings_init(&s);
	CHECK(settings_load(&s, path, NULL) == 0);
	CHECK_STR(s.theme, "light");
	settings_free(&s);

	/* comments, other settings and the mode are kept */
	check_write(path, "# mine\n[limits]\ntime = 2\n");
	chmod(path, 0600);
	CHECK(settings_save_theme(path, "monochrome", err, sizeof err) == 0);
	text = slurp(path);
	CHECK_STR(text, "# mine\n[limits]\ntime = 2\n\n[general]\ntheme = "
	                "monochrome\n");
	free(text);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);

	/* a symbolic link stays one: its target is rewritten */
	snprintf(link, sizeof link, "%s/link.conf", tmp);
	CHECK(symlink(path, link) == 0);
	CHECK(settings_save_theme(link, "dark", err, sizeof err) == 0);
	CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
	text = slurp(path);
	CHECK(text != NULL && strstr(text, "theme = dark\n") != NULL);
	free(text);

	/* a missing file is no error */
	settings_init(&s);
	snprintf(path, sizeof path, "%s/none.conf", tmp);
	CHECK(settings_load(&s, path, NULL) == 0);
	settings_free(&s);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	CHECK(system(cmd) == 0);

	setenv("XDG_CONFIG_HOME", "/x/y", 1);
	text = settings_path();
	CHECK_STR(text, "/x/y/forge/forge-tui.conf");
	free(text);
}

int
main(void)
{
	test_good();
	test_errors();
	test_keys();
	test_rewrite();
	test_save();
	return check_done();
}
