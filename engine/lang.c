/* Language plugins: one small INI file per language (see
 * forge-language(5)). The system's files come with Forge; a user adds or
 * replaces one in $XDG_CONFIG_HOME/forge/languages/. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

/* PATH inside the sandbox; toolchains are looked up on it. */
#define LANG_SANDBOX_PATH "/usr/local/bin:/usr/bin:/bin"

struct lang_parse {
	struct language *lang;
	char err[256];
};

static char **
lang_words_append(char **v, const char *value)
{
	char **add = util_split_words(value, NULL);
	size_t n = 0, m = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	while (add[m] != NULL)
		m++;
	v = xrealloc(v, (n + m + 1) * sizeof *v);
	memcpy(v + n, add, (m + 1) * sizeof *v);
	free(add);
	return v;
}

static int
lang_set_str(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
	return 1;
}

static int
lang_handler(void *user, const char *section, const char *key,
             const char *value)
{
	struct lang_parse *p = user;
	struct language *l = p->lang;
	char err[200];

	if (strcmp(section, "language") == 0) {
		if (strcmp(key, "id") == 0) {
			const char *c;
			for (c = value; *c != '\0'; c++)
				if (!((*c >= 'a' && *c <= 'z') ||
				      (*c >= '0' && *c <= '9') || *c == '-' ||
				      *c == '_' || *c == '+')) {
					snprintf(p->err, sizeof p->err,
					         "id '%s': use lowercase "
					         "letters, digits, '-', '_', "
					         "'+'",
					         value);
					return 0;
				}
			return lang_set_str(&l->id, value);
		}
		if (strcmp(key, "name") == 0)
			return lang_set_str(&l->name, value);
		if (strcmp(key, "extensions") == 0) {
			l->extensions = lang_words_append(l->extensions, value);
			return 1;
		}
		if (strcmp(key, "source") == 0) {
			if (strchr(value, '/') != NULL || *value == '.') {
				snprintf(p->err, sizeof p->err,
				         "source '%s' must be a plain file "
				         "name",
				         value);
				return 0;
			}
			return lang_set_str(&l->source, value);
		}
		if (strcmp(key, "name_regex") == 0) {
			/* compiled (and checked) when the language is
			 * used: loading stays cheap */
			return lang_set_str(&l->name_regex, value);
		}
		if (strcmp(key, "name_group") == 0) {
			l->name_group = atoi(value);
			return 1;
		}
		if (strcmp(key, "name_default") == 0)
			return lang_set_str(&l->name_default, value);
		if (strcmp(key, "compile") == 0)
			return lang_set_str(&l->compile, value);
		if (strcmp(key, "run") == 0)
			return lang_set_str(&l->run, value);
		if (strcmp(key, "version") == 0)
			return lang_set_str(&l->version, value);
		if (strcmp(key, "artifacts") == 0) {
			l->artifacts = lang_words_append(l->artifacts, value);
			return 1;
		}
		if (strcmp(key, "paths") == 0) {
			char **v = util_split_words(value, NULL), **w;
			for (w = v; *w != NULL; w++)
				if (**w != '/') {
					snprintf(p->err, sizeof p->err,
					         "path '%s' is not absolute",
					         *w);
					util_free_words(v);
					return 0;
				}
			util_free_words(v);
			l->paths = lang_words_append(l->paths, value);
			return 1;
		}
		if (strcmp(key, "env") == 0) {
			size_t n = 0;
			if (strchr(value, '=') == NULL || *value == '=') {
				snprintf(p->err, sizeof p->err,
				         "env '%s' is not KEY=VALUE", value);
				return 0;
			}
			while (l->env != NULL && l->env[n] != NULL)
				n++;
			l->env = xrealloc(l->env, (n + 2) * sizeof *l->env);
			l->env[n] = xstrdup(value);
			l->env[n + 1] = NULL;
			return 1;
		}
		if (strcmp(key, "image") == 0)
			return lang_set_str(&l->image, value);
		if (strcmp(key, "package") == 0)
			return lang_set_str(&l->package, value);
		snprintf(p->err, sizeof p->err,
		         "unknown key '%s' in [language]", key);
		return 0;
	}
	if (strcmp(section, "compile-limits") == 0) {
		struct limits *cl = &l->compile_limits;
		int r = 0;

		if (strcmp(key, "time") == 0)
			r = limits_parse_seconds(value, &cl->cpu_ms, err,
			                         sizeof err);
		else if (strcmp(key, "wall") == 0)
			r = limits_parse_seconds(value, &cl->wall_ms, err,
			                         sizeof err);
		else if (strcmp(key, "memory") == 0)
			r = limits_parse_size(value, &cl->mem_bytes, err,
			                      sizeof err);
		else if (strcmp(key, "processes") == 0)
			r = limits_parse_count(value, &cl->pids, err,
			                       sizeof err);
		else if (strcmp(key, "file-size") == 0)
			r = limits_parse_size(value, &cl->fsize_bytes, err,
			                      sizeof err);
		else {
			snprintf(p->err, sizeof p->err,
			         "unknown key '%s' in [compile-limits]", key);
			return 0;
		}
		if (r < 0) {
			snprintf(p->err, sizeof p->err, "%s: %s", key, err);
			return 0;
		}
		return 1;
	}
	/* [syntax], [editor], [template] ...: for the workbench */
	return 1;
}

void
lang_free(struct language *l)
{
	if (l == NULL)
		return;
	free(l->id);
	free(l->name);
	util_free_words(l->extensions);
	free(l->source);
	free(l->name_regex);
	free(l->name_default);
	free(l->compile);
	free(l->run);
	free(l->version);
	util_free_words(l->artifacts);
	util_free_words(l->paths);
	util_free_words(l->env);
	free(l->image);
	free(l->package);
	free(l->file);
	free(l);
}

static size_t
lang_line_length(const char *text, int line)
{
	while (--line > 0 && text != NULL) {
		text = strchr(text, '\n');
		if (text != NULL)
			text++;
	}
	return text != NULL ? strcspn(text, "\n") : 0;
}

int
lang_parse_string(const char *text, const char *file, struct language **out,
                  char *err, size_t errlen)
{
	struct lang_parse p = {0};
	int line;

	p.lang = xcalloc(1, sizeof *p.lang);
	limits_default_compile(&p.lang->compile_limits);
	p.lang->file = xstrdup(file);
	line = ini_parse_string(text, lang_handler, &p);
	if (line != 0) {
		if (p.err[0] == '\0' &&
		    lang_line_length(text, line) >= INI_MAX_LINE - 1)
			snprintf(p.err, sizeof p.err,
			         "line longer than %d characters (continue a "
			         "list on an indented line)",
			         INI_MAX_LINE - 2);
		snprintf(err, errlen, "%s:%d: %s", file, line,
		         p.err[0] ? p.err : "syntax error");
		lang_free(p.lang);
		return -1;
	}
	if (p.lang->id == NULL || p.lang->run == NULL ||
	    p.lang->extensions == NULL || p.lang->source == NULL) {
		snprintf(err, errlen, "%s: missing %s", file,
		         p.lang->id == NULL           ? "'id'"
		         : p.lang->run == NULL        ? "'run'"
		         : p.lang->extensions == NULL ? "'extensions'"
		                                      : "'source'");
		lang_free(p.lang);
		return -1;
	}
	if (p.lang->name == NULL)
		p.lang->name = xstrdup(p.lang->id);
	/* a compile's wall limit follows its CPU limit unless set higher */
	if (p.lang->compile_limits.wall_ms < p.lang->compile_limits.cpu_ms * 2)
		p.lang->compile_limits.wall_ms =
		    p.lang->compile_limits.cpu_ms * 2;
	if (p.lang->compile != NULL && p.lang->artifacts == NULL) {
		snprintf(err, errlen, "%s: 'compile' needs 'artifacts'", file);
		lang_free(p.lang);
		return -1;
	}
	*out = p.lang;
	return 0;
}

int
lang_parse_file(const char *path, struct language **out, char *err,
                size_t errlen)
{
	struct buf b;
	int r;

	buf_init(&b, 0);
	if (util_read_file(path, &b, 1 << 20) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		buf_free(&b);
		return -1;
	}
	r = lang_parse_string(buf_cstr(&b), path, out, err, errlen);
	buf_free(&b);
	return r;
}

static void
lang_add_error(struct language_set *set, const char *msg)
{
	set->errors =
	    xrealloc(set->errors, (set->nerrors + 1) * sizeof *set->errors);
	set->errors[set->nerrors++] = xstrdup(msg);
}

static int
lang_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
lang_load_dir(struct language_set *set, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len > 5 && strcmp(e->d_name + len - 5, ".lang") == 0) {
			names = xrealloc(names, (n + 1) * sizeof *names);
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, lang_name_cmp);
	for (i = 0; i < n; i++) {
		char *path = util_path_join(dir, names[i]), err[512];
		struct language *l, **pp;

		if (lang_parse_file(path, &l, err, sizeof err) < 0)
			lang_add_error(set, err);
		else {
			/* a later directory replaces a language by id */
			for (pp = &set->head; *pp != NULL; pp = &(*pp)->next)
				if (strcmp((*pp)->id, l->id) == 0)
					break;
			if (*pp != NULL) {
				l->next = (*pp)->next;
				lang_free(*pp);
			}
			*pp = l;
		}
		free(path);
		free(names[i]);
	}
	free(names);
}

void
lang_load_dirs(struct language_set *set, const char *const *dirs, size_t ndirs)
{
	size_t i;

	memset(set, 0, sizeof *set);
	for (i = 0; i < ndirs; i++)
		lang_load_dir(set, dirs[i]);
}

/* $FORGE_DATA_DIR, else languages/ beside the binary (a build tree),
 * else the installed package data. */
const char *
lang_system_dir(void)
{
	static char dir[8192];
	const char *env = getenv("FORGE_DATA_DIR");
	char exe[4096];
	ssize_t n;

	if (dir[0] != '\0')
		return dir;
	if (env != NULL && *env != '\0') {
		snprintf(dir, sizeof dir, "%s/languages", env);
		return dir;
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		struct stat st;
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(dir, sizeof dir, "%s/languages", exe);
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
			char lib[8300];
			/* libtool-free build: the binary sits at the top */
			snprintf(lib, sizeof lib, "%s/c.lang", dir);
			if (access(lib, R_OK) == 0)
				return dir;
		}
	}
	snprintf(dir, sizeof dir, "%s/languages", FORGE_DATADIR);
	return dir;
}

void
lang_load_all(struct language_set *set)
{
	char *cfg = util_xdg_dir("XDG_CONFIG_HOME", ".config");
	char *user = util_path_join(cfg, "forge/languages");
	const char *dirs[2] = {lang_system_dir(), user};

	lang_load_dirs(set, dirs, 2);
	free(user);
	free(cfg);
}

void
lang_set_free(struct language_set *set)
{
	struct language *l, *next;
	size_t i;

	for (l = set->head; l != NULL; l = next) {
		next = l->next;
		lang_free(l);
	}
	for (i = 0; i < set->nerrors; i++)
		free(set->errors[i]);
	free(set->errors);
	memset(set, 0, sizeof *set);
}

const struct language *
lang_find_id(const struct language_set *set, const char *id)
{
	const struct language *l;

	for (l = set->head; l != NULL; l = l->next)
		if (strcasecmp(l->id, id) == 0)
			return l;
	return NULL;
}

/* By extension: an exact match first (.C is C++ to GCC), then any case. */
const struct language *
lang_find_file(const struct language_set *set, const char *path)
{
	const char *base = strrchr(path, '/'), *dot;
	const struct language *l;
	int pass;
	char **e;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		return NULL;
	for (pass = 0; pass < 2; pass++)
		for (l = set->head; l != NULL; l = l->next)
			for (e = l->extensions; *e != NULL; e++)
				if (pass == 0 ? strcmp(*e, dot) == 0
				              : strcasecmp(*e, dot) == 0)
					return l;
	return NULL;
}

/* The first word of a command, looked up where the sandbox will. */
static bool
lang_tool_found(const char *cmd, char *tool, size_t size)
{
	char **w = util_split_words(cmd, NULL);
	char path[4096];
	bool ok = true;

	if (w[0] != NULL &&
	    strncmp(w[0], SANDBOX_PROG "/", strlen(SANDBOX_PROG) + 1) != 0) {
		strlcpy0(tool, w[0], size);
		ok = util_find_in_path(w[0], LANG_SANDBOX_PATH, path,
		                       sizeof path);
	}
	util_free_words(w);
	return ok;
}

bool
lang_available(const struct language *l, char *why, size_t size)
{
	char tool[256] = "";
	bool ok = true;

	if (l->name_regex != NULL) {
		regex_t re;
		if (regcomp(&re, l->name_regex, REG_EXTENDED) != 0) {
			if (why != NULL)
				snprintf(
				    why, size,
				    "%s: name_regex is not a valid extended "
				    "regular expression",
				    l->file);
			return false;
		}
		regfree(&re);
	}
	if (l->compile != NULL &&
	    !lang_tool_found(l->compile, tool, sizeof tool))
		ok = false;
	else if (!lang_tool_found(l->run, tool, sizeof tool))
		ok = false;
	if (!ok && why != NULL) {
		if (l->package != NULL)
			snprintf(why, size,
			         "'%s' not found on " LANG_SANDBOX_PATH
			         " (install: apt-get install %s)",
			         tool, l->package);
		else
			snprintf(why, size,
			         "'%s' not found on " LANG_SANDBOX_PATH, tool);
	}
	return ok;
}

static void
lang_version_output(int stream, const char *p, size_t n, void *arg)
{
	buf_add(arg, p, n);
}

/* Runs the version command in the sandbox, as the toolchain will run,
 * and returns the first non-empty line it printed, or NULL. */
char *
lang_toolchain_version(const struct language *l, const struct backend *be)
{
	static char path_env[] = "PATH=" LANG_SANDBOX_PATH,
	            home[] = "HOME=/tmp";
	struct box_spec s;
	struct box_result r;
	struct buf out;
	char *envp[3] = {path_env, home, NULL}, *line = NULL, *p, *save;

	if (l->version == NULL)
		return NULL;
	buf_init(&out, 64 * 1024);
	box_spec_init(&s);
	s.argv = util_split_words(l->version, NULL);
	s.envp = l->env != NULL ? l->env : envp;
	if (l->env != NULL) {
		/* the language's own environment, on the sandbox's PATH */
		size_t n = 0, i;
		while (l->env[n] != NULL)
			n++;
		s.envp = xcalloc(n + 3, sizeof *s.envp);
		s.envp[0] = path_env;
		s.envp[1] = home;
		for (i = 0; i < n; i++)
			s.envp[i + 2] = l->env[i];
	}
	s.ro_paths = l->paths;
	limits_default_compile(&s.limits);
	s.limits.cpu_ms = 10000;
	s.limits.wall_ms = 10000;
	s.on_output = lang_version_output;
	s.arg = &out;
	if (s.argv[0] != NULL)
		be->run(&s, &r);
	else
		r.end = BOX_ERROR;
	if (r.end == BOX_EXITED) {
		for (p = strtok_r(buf_cstr(&out), "\r\n", &save); p != NULL;
		     p = strtok_r(NULL, "\r\n", &save)) {
			while (*p == ' ')
				p++;
			if (*p != '\0') {
				line = xstrdup(p);
				break;
			}
		}
	}
	if (s.envp != envp)
		free(s.envp);
	box_result_free(&r);
	util_free_words(s.argv);
	buf_free(&out);
	return line;
}

/* {name} as found by name_regex (a Java public class), else the default */
char *
lang_program_name(const struct language *l, const char *src, size_t len)
{
	regex_t re;
	regmatch_t m[10];
	char *copy, *name = NULL;
	int g = l->name_group > 0 && l->name_group < 10 ? l->name_group : 1;

	if (l->name_regex != NULL &&
	    regcomp(&re, l->name_regex, REG_EXTENDED) == 0) {
		copy = xstrndup(src, len);
		if (regexec(&re, copy, 10, m, 0) == 0 && m[g].rm_so >= 0)
			name = xstrndup(copy + m[g].rm_so,
			                (size_t)(m[g].rm_eo - m[g].rm_so));
		free(copy);
		regfree(&re);
	}
	if (name == NULL || !cache_name_ok(name)) {
		free(name);
		name = xstrdup(l->name_default ? l->name_default : "main");
	}
	return name;
}

char *
lang_expand(const char *cmd, const char *source, const char *name)
{
	struct buf b;
	const char *p;

	buf_init(&b, 0);
	for (p = cmd; *p != '\0'; p++) {
		if (strncmp(p, "{source}", 8) == 0) {
			buf_addstr(&b, source);
			p += 7;
		} else if (strncmp(p, "{name}", 6) == 0) {
			buf_addstr(&b, name);
			p += 5;
		} else
			buf_add(&b, p, 1);
	}
	return buf_cstr(&b);
}

char *
lang_source_name(const struct language *l, const char *src, size_t len)
{
	char *name = lang_program_name(l, src, len);
	char *s = lang_expand(l->source, "", name);

	free(name);
	return s;
}
