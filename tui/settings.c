/* The settings file, $XDG_CONFIG_HOME/forge/forge-tui.conf: a run's
 * default limits, the backend, the theme, editor options and extra keys.
 * A mistake in it is reported with its line and the rest still applies:
 * a typo must never keep the workbench from starting. Pure: no curses
 * calls, so the unit tests read and rewrite files through it. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/tui.h"

/* The actions a [keys] line can bind, each with the key it stands for:
 * a bound key is handed on as that one. */
static const struct {
	const char *action;
	int key;
	bool is_key;
} settings_actions[] = {
    {"run", KEY_F(5), true},         {"judge", KEY_F(6), true},
    {"tests", KEY_F(7), true},       {"history", KEY_F(8), true},
    {"theme", KEY_F(9), true},       {"limits", KEY_F(10), true},
    {"zoom", KEY_F(11), true},       {"language", KEY_F(12), true},
    {"error", KEY_F(4), true},       {"switch", TUI_ALT | '\t', false},
    {"save", TUI_CTRL('S'), false},  {"open", TUI_CTRL('O'), false},
    {"close", TUI_CTRL('W'), false}, {"quit", TUI_CTRL('Q'), false},
    {"help", KEY_F(1), true},        {"undo", TUI_CTRL('Z'), false},
    {"redo", TUI_CTRL('Y'), false},  {"find", TUI_CTRL('F'), false},
    {"goto", TUI_CTRL('G'), false},  {"replace", TUI_CTRL('\\'), false},
};

static char *
settings_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static void
settings_error(struct buf *errors, const char *file, int line, const char *msg)
{
	if (errors != NULL)
		buf_printf(errors, "%s:%d: %s\n", file, line, msg);
}

/* The line format of the settings and the theme files: [section] and
 * key = value lines, # or ; comments on lines of their own (a value may
 * hold a #: colours are #rrggbb). Every bad line is reported, not just
 * the first; returns how many there were. */
int
settings_ini_parse(const char *text, const char *file, settings_ini_fn *fn,
                   void *arg, struct buf *errors)
{
	char section[64] = "", err[256];
	bool skip = false; /* in a section the handler refused */
	int line = 0, nerr = 0;

	while (*text != '\0') {
		size_t len = strcspn(text, "\n");
		char *l = xstrndup(text, len), *s = settings_trim(l), *eq;

		line++;
		text += len + (text[len] == '\n');
		err[0] = '\0';
		if (*s == '\0' || *s == '#' || *s == ';') {
			/* a comment or a blank line */
		} else if (*s == '[') {
			char *close = strchr(s, ']');
			if (close == NULL ||
			    *settings_trim(close + 1) != '\0' ||
			    close - s - 1 >= (long)sizeof section ||
			    close == s + 1)
				snprintf(err, sizeof err,
				         "a section is [name] alone on its "
				         "line");
			else {
				*close = '\0';
				snprintf(section, sizeof section, "%s",
				         settings_trim(s + 1));
				skip = fn(arg, section, NULL, NULL, err,
				          sizeof err) < 0;
			}
		} else if ((eq = strchr(s, '=')) == NULL || eq == s)
			snprintf(err, sizeof err,
			         "expected key = value, not '%s'", s);
		else if (section[0] == '\0') {
			*eq = '\0';
			snprintf(err, sizeof err,
			         "'%s' comes before any [section]",
			         settings_trim(s));
		} else if (!skip) {
			*eq = '\0';
			fn(arg, section, settings_trim(s),
			   settings_trim(eq + 1), err, sizeof err);
		}
		if (err[0] != '\0') {
			settings_error(errors, file, line, err);
			nerr++;
		}
		free(l);
	}
	return nerr;
}

void
settings_init(struct settings *s)
{
	memset(s, 0, sizeof *s);
	limits_default_run(&s->limits);
	/* a person types the program's input */
	limits_typed_input(&s->limits, false);
	snprintf(s->theme, sizeof s->theme, "dark");
	s->line_numbers = true;
	s->auto_indent = true;
	s->current_line = true;
}

void
settings_free(struct settings *s)
{
	free(s->keys);
	s->keys = NULL;
	s->nkeys = 0;
}

static int
settings_bool(const char *v, bool *out, char *err, size_t errlen)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, 0;
	}
	snprintf(err, errlen, "'%s' is not yes or no", v);
	return -1;
}

/* a theme's name is a file name under a themes directory */
static bool
settings_theme_name_ok(const char *v)
{
	if (*v == '\0' || *v == '.' || strlen(v) >= 64)
		return false;
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && !strchr("._-", *v))
			return false;
	return true;
}

static int
settings_limit(struct limits *l, const char *key, const char *v, char *err,
               size_t errlen)
{
	char why[200];
	int r;

	if (strcmp(key, "time") == 0)
		r = limits_parse(LIMITS_CPU, v, &l->cpu_ms, why, sizeof why);
	else if (strcmp(key, "wall") == 0)
		r = limits_parse(LIMITS_WALL, v, &l->wall_ms, why, sizeof why);
	else if (strcmp(key, "memory") == 0)
		r = limits_parse(LIMITS_MEMORY, v, &l->mem_bytes, why,
		                 sizeof why);
	else if (strcmp(key, "pids") == 0)
		r = limits_parse_count(v, &l->pids, why, sizeof why);
	else if (strcmp(key, "output") == 0)
		r = limits_parse(LIMITS_OUTPUT, v, &l->output_bytes, why,
		                 sizeof why);
	else {
		snprintf(err, errlen,
		         "unknown key '%s' in [limits] (time, wall, memory, "
		         "pids, output)",
		         key);
		return -1;
	}
	if (r < 0)
		snprintf(err, errlen, "%s: %s", key, why);
	return r;
}

static int
settings_editor(struct settings *s, const char *key, const char *v, char *err,
                size_t errlen)
{
	if (strcmp(key, "tab_width") == 0) {
		char *end;
		long n;

		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < 0 || n > 16) {
			snprintf(err, errlen,
			         "tab_width: '%s' is not 0 (the language's) to "
			         "16",
			         v);
			return -1;
		}
		s->tab_width = (int)n;
		return 0;
	}
	if (strcmp(key, "line_numbers") == 0)
		return settings_bool(v, &s->line_numbers, err, errlen);
	if (strcmp(key, "auto_indent") == 0)
		return settings_bool(v, &s->auto_indent, err, errlen);
	if (strcmp(key, "current_line") == 0)
		return settings_bool(v, &s->current_line, err, errlen);
	snprintf(err, errlen,
	         "unknown key '%s' in [editor] (tab_width, line_numbers, "
	         "auto_indent, current_line)",
	         key);
	return -1;
}

/* http://HOST[:PORT] or https://...: what the remote backend speaks */
bool
settings_server_ok(const char *url)
{
	return (strncmp(url, "http://", 7) == 0 && url[7] != '\0') ||
	       (strncmp(url, "https://", 8) == 0 && url[8] != '\0');
}

static int
settings_general(struct settings *s, const char *key, const char *v, char *err,
                 size_t errlen)
{
	if (strcmp(key, "theme") == 0) {
		if (!settings_theme_name_ok(v)) {
			snprintf(err, errlen,
			         "theme: '%s' is not a theme's name (letters, "
			         "digits, '.', '_', '-')",
			         v);
			return -1;
		}
		snprintf(s->theme, sizeof s->theme, "%s", v);
		return 0;
	}
	if (strcmp(key, "backend") == 0) {
		const struct backend *const *all;
		size_t n;
		struct buf known;

		if (backend_find(v) != NULL) {
			snprintf(s->backend, sizeof s->backend, "%s", v);
			return 0;
		}
		buf_init(&known, 0);
		backend_list(&all, &n);
		for (size_t i = 0; i < n; i++)
			buf_printf(&known, "%s%s", i ? ", " : "", all[i]->name);
		snprintf(err, errlen, "unknown backend '%s' (known: %s)", v,
		         buf_cstr(&known));
		buf_free(&known);
		return -1;
	}
	if (strcmp(key, "server") == 0) {
		if (!settings_server_ok(v) || strlen(v) >= sizeof s->server) {
			snprintf(err, errlen,
			         "server: '%s' is not a forge serve's URL "
			         "(http[s]://HOST:PORT)",
			         v);
			return -1;
		}
		snprintf(s->server, sizeof s->server, "%s", v);
		return 0;
	}
	snprintf(err, errlen,
	         "unknown key '%s' in [general] (theme, backend, server)", key);
	return -1;
}

static int
settings_keys(struct settings *s, const char *action, const char *v, char *err,
              size_t errlen)
{
	struct settings_key k = {{0}, 0, false};
	size_t i, n = sizeof settings_actions / sizeof settings_actions[0];

	for (i = 0; i < n; i++)
		if (strcmp(settings_actions[i].action, action) == 0)
			break;
	if (i == n) {
		struct buf known;

		buf_init(&known, 0);
		for (i = 0; i < n; i++)
			buf_printf(&known, "%s%s", i ? ", " : "",
			           settings_actions[i].action);
		snprintf(err, errlen, "unknown action '%s' (%s)", action,
		         buf_cstr(&known));
		buf_free(&known);
		return -1;
	}
	if (settings_key_parse(v, &k.key, &k.is_key) < 0) {
		snprintf(err, errlen,
		         "%s: '%s' is not a key (F1-F12, Ctrl-X, Alt-x, Tab, "
		         "Enter, Home, ...)",
		         action, v);
		return -1;
	}
	snprintf(k.action, sizeof k.action, "%s", action);
	s->keys = xrealloc(s->keys, (s->nkeys + 1) * sizeof *s->keys);
	s->keys[s->nkeys++] = k;
	return 0;
}

static int
settings_handler(void *arg, const char *section, const char *key,
                 const char *value, char *err, size_t errlen)
{
	struct settings *s = arg;

	if (key == NULL) {
		if (strcmp(section, "general") && strcmp(section, "limits") &&
		    strcmp(section, "editor") && strcmp(section, "keys")) {
			snprintf(err, errlen,
			         "unknown section [%s] (general, limits, "
			         "editor, keys)",
			         section);
			return -1;
		}
		return 0;
	}
	if (strcmp(section, "general") == 0)
		return settings_general(s, key, value, err, errlen);
	if (strcmp(section, "limits") == 0)
		return settings_limit(&s->limits, key, value, err, errlen);
	if (strcmp(section, "editor") == 0)
		return settings_editor(s, key, value, err, errlen);
	return settings_keys(s, key, value, err, errlen);
}

/* Reads text over what s holds (settings_init first); returns how many
 * lines were wrong, each reported in errors. */
int
settings_parse(struct settings *s, const char *text, const char *file,
               struct buf *errors)
{
	return settings_ini_parse(text, file, settings_handler, s, errors);
}

char *
settings_path(void)
{
	return util_xdg_path("XDG_CONFIG_HOME", ".config",
	                     "forge/forge-tui.conf");
}

/* A missing file is no error: everything has its default. */
int
settings_load(struct settings *s, const char *path, struct buf *errors)
{
	struct buf text;
	int n;

	buf_init(&text, 0);
	if (util_read_file(path, &text, 1 << 20) < 0) {
		buf_free(&text);
		if (errno == ENOENT)
			return 0;
		if (errors != NULL)
			buf_printf(errors, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	n = settings_parse(s, buf_cstr(&text), path, errors);
	buf_free(&text);
	return n;
}

/* "F6", "Ctrl-R", "Alt-t", "Tab", "PgDn": a key as a person writes it,
 * as the curses code the loop sees. Alt and a character is ESC then it,
 * which the loop turns into TUI_ALT | c. A plain character is no key
 * to bind: it would stop being typed. */
int
settings_key_parse(const char *spec, int *key, bool *is_key)
{
	static const struct {
		const char *name;
		int key;
		bool is_key;
	} named[] = {
	    {"Tab", '\t', false},
	    {"Enter", '\r', false},
	    {"Esc", 27, false},
	    {"Escape", 27, false},
	    {"Shift-Tab", KEY_BTAB, true},
	    {"Backspace", KEY_BACKSPACE, true},
	    {"Insert", KEY_IC, true},
	    {"Delete", KEY_DC, true},
	    {"Home", KEY_HOME, true},
	    {"End", KEY_END, true},
	    {"PgUp", KEY_PPAGE, true},
	    {"PgDn", KEY_NPAGE, true},
	    {"Up", KEY_UP, true},
	    {"Down", KEY_DOWN, true},
	    {"Left", KEY_LEFT, true},
	    {"Right", KEY_RIGHT, true},
	};
	char *end;

	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (strcasecmp(spec, named[i].name) == 0) {
			*key = named[i].key;
			*is_key = named[i].is_key;
			return 0;
		}
	if ((spec[0] == 'F' || spec[0] == 'f') &&
	    isdigit((unsigned char)spec[1])) {
		long n = strtol(spec + 1, &end, 10);
		if (*end != '\0' || n < 1 || n > 24)
			return -1;
		*key = KEY_F((int)n);
		*is_key = true;
		return 0;
	}
	if (strncasecmp(spec, "Ctrl-", 5) == 0 && spec[5] != '\0' &&
	    spec[6] == '\0') {
		int c = toupper((unsigned char)spec[5]);
		/* Ctrl-@ .. Ctrl-_: what a terminal can send */
		if (c < '@' || c > '_')
			return -1;
		*key = TUI_CTRL(c);
		*is_key = false;
		return 0;
	}
	/* ESC [ and ESC O start the terminal's own sequences */
	if (strncasecmp(spec, "Alt-", 4) == 0 && spec[4] != '\0' &&
	    spec[5] == '\0' && isgraph((unsigned char)spec[4]) &&
	    spec[4] != '[' && spec[4] != 'O') {
		*key = TUI_ALT | spec[4];
		*is_key = false;
		return 0;
	}
	return -1;
}

/* A key bound in [keys] becomes the key of its action; others pass. */
bool
settings_key_translate(const struct settings *s, int *key, bool *is_key)
{
	for (size_t i = 0; i < s->nkeys; i++) {
		if (s->keys[i].key != *key || s->keys[i].is_key != *is_key)
			continue;
		for (size_t a = 0;
		     a < sizeof settings_actions / sizeof settings_actions[0];
		     a++)
			if (strcmp(settings_actions[a].action,
			           s->keys[i].action) == 0) {
				*key = settings_actions[a].key;
				*is_key = settings_actions[a].is_key;
				return true;
			}
	}
	return false;
}

/* The section a line opens ("" for none), or NULL when it opens none. */
static char *
settings_line_section(const char *line, size_t len)
{
	char *l = xstrndup(line, len), *s = settings_trim(l), *close, *name;

	if (*s != '[' || (close = strchr(s, ']')) == NULL) {
		free(l);
		return NULL;
	}
	*close = '\0';
	name = xstrdup(settings_trim(s + 1));
	free(l);
	return name;
}

static bool
settings_line_is_key(const char *line, size_t len, const char *key)
{
	size_t klen = strlen(key);

	while (len > 0 && (*line == ' ' || *line == '\t'))
		line++, len--;
	if (len < klen || strncmp(line, key, klen) != 0)
		return false;
	line += klen, len -= klen;
	while (len > 0 && (*line == ' ' || *line == '\t'))
		line++, len--;
	return len > 0 && *line == '=';
}

/* text with its [general] theme = line saying theme: that line alone
 * changes (or one is added after the section's last setting, or a
 * [general] section at the end), every other byte stays as it was. */
char *
settings_with_theme(const char *text, const char *theme)
{
	struct buf out;
	const char *p = text;
	size_t insert = SIZE_MAX; /* where in out a new line would go */
	bool in_general = false, first = true, replaced = false;
	char *r;

	buf_init(&out, 0);
	while (*p != '\0') {
		size_t len = strcspn(p, "\n");
		bool nl = p[len] == '\n';
		char *sec = settings_line_section(p, len);
		const char *q = p;

		if (sec != NULL) {
			if (in_general)
				first = false;
			in_general = strcmp(sec, "general") == 0;
			free(sec);
		}
		while (*q == ' ' || *q == '\t')
			q++;
		if (in_general && settings_line_is_key(p, len, "theme")) {
			buf_printf(&out, "theme = %s\n", theme);
			replaced = true;
		} else {
			buf_add(&out, p, len + nl);
			if (in_general && first &&
			    (sec != NULL || (*q != '\n' && *q != '\0' &&
			                     *q != '#' && *q != ';'))) {
				if (!nl)
					buf_add(&out, "\n", 1);
				insert = out.len;
			}
		}
		p += len + nl;
	}
	if (!replaced && insert != SIZE_MAX) {
		struct buf with;

		buf_init(&with, 0);
		buf_add(&with, out.data, insert);
		buf_printf(&with, "theme = %s\n", theme);
		buf_add(&with, out.data + insert, out.len - insert);
		buf_free(&out);
		out = with;
	} else if (!replaced) {
		if (out.len > 0 && out.data[out.len - 1] != '\n')
			buf_add(&out, "\n", 1);
		buf_printf(&out, "%s[general]\ntheme = %s\n",
		           out.len > 0 ? "\n" : "", theme);
	}
	r = xstrdup(buf_cstr(&out));
	buf_free(&out);
	return r;
}

/* Only the theme = line changes; written beside the file (the target of
 * a symbolic link: dotfiles are often links) and renamed over it, so a
 * crash leaves the old file or the new one, never half of one. */
int
settings_save_theme(const char *path, const char *theme, char *err,
                    size_t errlen)
{
	char real[PATH_MAX], *tmp, *text, *dir;
	struct buf old;
	mode_t mode = 0644;
	struct stat st;
	int fd, r = -1;

	if (realpath(path, real) == NULL)
		snprintf(real, sizeof real, "%s", path);
	buf_init(&old, 0);
	if (util_read_file(real, &old, 1 << 20) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", real, strerror(errno));
		buf_free(&old);
		return -1;
	}
	if (stat(real, &st) == 0)
		mode = st.st_mode & 07777;
	dir = xstrdup(real);
	if (strrchr(dir, '/') != NULL)
		*strrchr(dir, '/') = '\0';
	if (util_mkdir_p(dir, 0755) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		free(dir);
		buf_free(&old);
		return -1;
	}
	free(dir);
	text = settings_with_theme(buf_cstr(&old), theme);
	buf_free(&old);
	tmp = xmalloc(strlen(real) + 16);
	sprintf(tmp, "%s.XXXXXX", real);
	fd = mkstemp(tmp);
	if (fd < 0)
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
	else if (util_write_all(fd, text, strlen(text)) < 0 ||
	         fchmod(fd, mode) < 0 || fsync(fd) < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
	} else if (close(fd) < 0 || rename(tmp, real) < 0) {
		snprintf(err, errlen, "%s: %s", real, strerror(errno));
		unlink(tmp);
	} else
		r = 0;
	free(tmp);
	free(text);
	return r;
}
