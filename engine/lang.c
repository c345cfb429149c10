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
#include "lang-index.h"
#include "lang-syntax.h"

/* PATH inside the sandbox; toolchains are looked up on it. */
#define LANG_SANDBOX_PATH "/usr/local/bin:/usr/bin:/bin"

struct lang_parse {
	struct language *lang;
	char err[256];
	bool no_syntax; /* [syntax] is skipped (see lang_peek_full) */
};

static void
lang_list_append(char ***list, char **add)
{
	size_t n = 0, m = 0;

	while (*list != NULL && (*list)[n] != NULL)
		n++;
	while (add[m] != NULL)
		m++;
	*list = xrealloc(*list, (n + m + 1) * sizeof **list);
	memcpy(*list + n, add, (m + 1) * sizeof *add);
	free(add);
}

static char **
lang_words_append(char **v, const char *value)
{
	lang_list_append(&v, util_split_words(value, NULL));
	return v;
}

static int
lang_set_str(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
	return 1;
}

/* Splits at blanks only: in [syntax] a '"' is a delimiter, not a quote. */
static char **
lang_blank_words(const char *s, size_t *count)
{
	char **v = xcalloc(1, sizeof *v);
	size_t n = 0, len;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		len = strcspn(s, " \t");
		v = xrealloc(v, (n + 2) * sizeof *v);
		v[n++] = xstrndup(s, len);
		v[n] = NULL;
		s += len;
	}
	*count = n;
	return v;
}

/* The [syntax] keys that hold lists, and the longest word each takes. */
static const struct lang_syntax_list {
	const char *key;
	size_t offset;
	size_t max; /* bytes of one word */
} lang_syntax_lists[] = {
    {"keywords", offsetof(struct language_syntax, keywords), 64},
    {"types", offsetof(struct language_syntax, types), 64},
    {"comment", offsetof(struct language_syntax, comments), 16},
    {"block_comment", offsetof(struct language_syntax, block_comments), 16},
    {"strings", offsetof(struct language_syntax, strings), 16},
    {"multiline_strings", offsetof(struct language_syntax, multiline_strings),
     16},
    {"raw_strings", offsetof(struct language_syntax, raw_strings), 16},
    {"chars", offsetof(struct language_syntax, char_quotes), 16},
};

static int
lang_yes_no(struct lang_parse *p, const char *key, const char *value, bool *out)
{
	if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0) {
		*out = value[0] == 'y';
		return 1;
	}
	snprintf(p->err, sizeof p->err, "%s '%s': use yes or no", key, value);
	return 0;
}

/* Characters that are not blanks, digits or letters, for word_chars. */
static int
lang_punct(struct lang_parse *p, const char *key, const char *value, char **out)
{
	const char *c;

	for (c = value; *c != '\0'; c++)
		if (*c <= ' ' || *c > '~' || (*c >= '0' && *c <= '9') ||
		    (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    *c == '_') {
			snprintf(p->err, sizeof p->err,
			         "%s '%s': give punctuation characters, "
			         "without blanks",
			         key, value);
			return 0;
		}
	return lang_set_str(out, value);
}

static int
lang_syntax_key(struct lang_parse *p, const char *key, const char *value)
{
	struct language_syntax *sy = p->lang->syntax;
	size_t i, n;
	char **w;

	if (sy == NULL) {
		sy = p->lang->syntax = xcalloc(1, sizeof *sy);
		sy->escape = '\\';
		sy->defined = true;
	}
	for (i = 0; i < sizeof lang_syntax_lists / sizeof *lang_syntax_lists;
	     i++) {
		const struct lang_syntax_list *k = &lang_syntax_lists[i];

		if (strcmp(key, k->key) != 0)
			continue;
		w = lang_blank_words(value, &n);
		if (k->offset ==
		        offsetof(struct language_syntax, block_comments) &&
		    n != 2) {
			snprintf(p->err, sizeof p->err,
			         "block_comment '%s': give what opens and "
			         "what closes it, such as '/* */'",
			         value);
			util_free_words(w);
			return 0;
		}
		for (n = 0; w[n] != NULL; n++)
			if (strlen(w[n]) > k->max) {
				snprintf(p->err, sizeof p->err,
				         "%s: '%.40s' is longer than %zu bytes",
				         key, w[n], k->max);
				util_free_words(w);
				return 0;
			}
		lang_list_append((char ***)((char *)sy + k->offset), w);
		return 1;
	}
	if (strcmp(key, "preprocessor") == 0) {
		if (strlen(value) > 16 || strpbrk(value, " \t") != NULL) {
			snprintf(p->err, sizeof p->err,
			         "preprocessor '%s': give one word of at most "
			         "16 bytes",
			         value);
			return 0;
		}
		return lang_set_str(&sy->preprocessor, value);
	}
	if (strcmp(key, "escape") == 0) {
		if (strcmp(value, "none") == 0)
			sy->escape = '\0';
		else if (strlen(value) == 1 && value[0] > ' ' &&
		         value[0] <= '~')
			sy->escape = value[0];
		else {
			snprintf(p->err, sizeof p->err,
			         "escape '%s': give one character, or none",
			         value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "word_chars") == 0)
		return lang_punct(p, key, value, &sy->word_chars);
	if (strcmp(key, "digit_separators") == 0)
		return lang_punct(p, key, value, &sy->digit_separators);
	if (strcmp(key, "nested_comments") == 0)
		return lang_yes_no(p, key, value, &sy->nested_comments);
	if (strcmp(key, "comment_at_word_start") == 0)
		return lang_yes_no(p, key, value, &sy->comment_at_word_start);
	snprintf(p->err, sizeof p->err, "unknown key '%s' in [syntax]", key);
	return 0;
}

/* A plain file name: no directory, not hidden. */
static int
lang_file_name(struct lang_parse *p, const char *key, const char *value,
               char **out)
{
	if (*value == '\0' || strchr(value, '/') != NULL || *value == '.') {
		snprintf(p->err, sizeof p->err,
		         "%s '%s' must be a plain file name", key, value);
		return 0;
	}
	return lang_set_str(out, value);
}

static int
lang_width(struct lang_parse *p, const char *key, const char *value, int *out)
{
	char *end;
	long v = strtol(value, &end, 10);

	if (end == value || *end != '\0' || v < 1 || v > 16) {
		snprintf(p->err, sizeof p->err,
		         "%s '%s': give a number from 1 to 16", key, value);
		return 0;
	}
	*out = (int)v;
	return 1;
}

static int
lang_editor_key(struct lang_parse *p, const char *key, const char *value)
{
	struct language_editor *ed = &p->lang->editor;

	if (strcmp(key, "indent") == 0) {
		if (strcmp(value, "tabs") != 0 &&
		    strcmp(value, "spaces") != 0) {
			snprintf(p->err, sizeof p->err,
			         "indent '%s': use tabs or spaces", value);
			return 0;
		}
		ed->indent_tabs = value[0] == 't';
		return 1;
	}
	if (strcmp(key, "indent_width") == 0)
		return lang_width(p, key, value, &ed->indent_width);
	if (strcmp(key, "tab_width") == 0)
		return lang_width(p, key, value, &ed->tab_width);
	if (strcmp(key, "template") == 0)
		return lang_file_name(p, key, value, &ed->template_name);
	snprintf(p->err, sizeof p->err, "unknown key '%s' in [editor]", key);
	return 0;
}

static int
lang_handler(void *user, const char *section, const char *key,
             const char *value)
{
	struct lang_parse *p = user;
	struct language *l = p->lang;
	char err[200];

	if (p->no_syntax && strcmp(section, "syntax") == 0)
		return 1;

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
		if (strcmp(key, "source") == 0)
			return lang_file_name(p, key, value, &l->source);
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
		if (strcmp(key, "runtime") == 0)
			return lang_set_str(&l->runtime, value);
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
			r = limits_parse(LIMITS_CPU, value, &cl->cpu_ms, err,
			                 sizeof err);
		else if (strcmp(key, "wall") == 0)
			r = limits_parse(LIMITS_WALL, value, &cl->wall_ms, err,
			                 sizeof err);
		else if (strcmp(key, "memory") == 0)
			r = limits_parse(LIMITS_MEMORY, value, &cl->mem_bytes,
			                 err, sizeof err);
		else if (strcmp(key, "processes") == 0)
			r = limits_parse_count(value, &cl->pids, err,
			                       sizeof err);
		else if (strcmp(key, "file-size") == 0)
			r = limits_parse(LIMITS_FSIZE, value, &cl->fsize_bytes,
			                 err, sizeof err);
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
	if (strcmp(section, "syntax") == 0)
		return lang_syntax_key(p, key, value);
	if (strcmp(section, "editor") == 0)
		return lang_editor_key(p, key, value);
	return 1;
}

/* FNV-1a: the highlighter hashes every identifier it meets with it. */
uint32_t
lang_word_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void
lang_syntax_words(struct language_syntax *sy, char **list, bool type)
{
	char **w;

	for (w = list; w != NULL && *w != NULL; w++) {
		size_t len = strlen(*w);
		uint32_t i = lang_word_hash(*w, len) & sy->words_mask;

		while (sy->words[i].word != NULL &&
		       !(sy->words[i].len == len &&
		         memcmp(sy->words[i].word, *w, len) == 0))
			i = (i + 1) & sy->words_mask;
		if (sy->words[i].word != NULL)
			continue; /* listed twice: the first counts */
		sy->words[i].word = *w;
		sy->words[i].len = (uint8_t)len;
		sy->words[i].type = type;
		if (len > sy->word_max)
			sy->word_max = len;
	}
}

static int
lang_syntax_tokens(struct language_syntax *sy, char **list, int kind,
                   bool pairs)
{
	char **w;

	for (w = list; w != NULL && *w != NULL; w += pairs ? 2 : 1) {
		struct lang_token *t = &sy->tokens[sy->ntokens];
		size_t j;

		if (sy->ntokens == LANG_TOKENS_MAX)
			return -1;
		t->open = w[0];
		t->close = pairs ? w[1] : w[0];
		t->open_len = (uint8_t)strlen(t->open);
		t->close_len = (uint8_t)strlen(t->close);
		t->kind = (uint8_t)kind;
		sy->chars[(unsigned char)t->open[0]] |= LANG_CH_TOKEN;
		/* longest first, so that """ wins over " */
		for (j = sy->ntokens++; j > 0 && sy->tokens[j - 1].open_len <
		                                     sy->tokens[j].open_len;
		     j--) {
			struct lang_token tmp = sy->tokens[j - 1];
			sy->tokens[j - 1] = sy->tokens[j];
			sy->tokens[j] = tmp;
		}
	}
	return 0;
}

/* Builds the tables the highlighter reads: a character class table, the
 * tokens longest first, and a hash table of the words. */
static int
lang_syntax_index(struct language_syntax *sy)
{
	size_t n = 0, size = 16;
	const char *c;
	int i;

	for (i = 0; i < 256; i++)
		if ((i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z') ||
		    i == '_' || i >= 0x80)
			sy->chars[i] = LANG_CH_WORD;
		else if (i >= '0' && i <= '9')
			sy->chars[i] = LANG_CH_WORD | LANG_CH_DIGIT;
	for (c = sy->word_chars; c != NULL && *c != '\0'; c++)
		sy->chars[(unsigned char)*c] |= LANG_CH_WORD;
	for (c = sy->digit_separators; c != NULL && *c != '\0'; c++)
		sy->chars[(unsigned char)*c] |= LANG_CH_SEP;
	if (lang_syntax_tokens(sy, sy->comments, LANG_TOKEN_COMMENT, false) <
	        0 ||
	    lang_syntax_tokens(sy, sy->block_comments, LANG_TOKEN_BLOCK, true) <
	        0 ||
	    lang_syntax_tokens(sy, sy->multiline_strings, LANG_TOKEN_MULTILINE,
	                       false) < 0 ||
	    lang_syntax_tokens(sy, sy->raw_strings, LANG_TOKEN_RAW, false) <
	        0 ||
	    lang_syntax_tokens(sy, sy->strings, LANG_TOKEN_STRING, false) < 0 ||
	    lang_syntax_tokens(sy, sy->char_quotes, LANG_TOKEN_CHAR, false) < 0)
		return -1;
	for (i = 0; sy->keywords != NULL && sy->keywords[i] != NULL; i++)
		n++;
	for (i = 0; sy->types != NULL && sy->types[i] != NULL; i++)
		n++;
	while (size < 2 * n)
		size *= 2;
	sy->words = xcalloc(size, sizeof *sy->words);
	sy->words_mask = (uint32_t)size - 1;
	lang_syntax_words(sy, sy->keywords, false);
	lang_syntax_words(sy, sy->types, true);
	return 0;
}

static void
lang_syntax_free(struct language_syntax *sy)
{
	size_t i;

	for (i = 0; i < sizeof lang_syntax_lists / sizeof *lang_syntax_lists;
	     i++)
		util_free_words(
		    *(char ***)((char *)sy + lang_syntax_lists[i].offset));
	free(sy->preprocessor);
	free(sy->word_chars);
	free(sy->digit_separators);
	free(sy->words);
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
	free(l->runtime);
	free(l->package);
	free(l->file);
	if (l->syntax != NULL)
		lang_syntax_free(l->syntax);
	free(l->syntax);
	free(l->editor.template_name);
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

static int
lang_parse_text(const char *text, const char *file, bool no_syntax,
                struct language **out, char *err, size_t errlen)
{
	struct lang_parse p = {.no_syntax = no_syntax};
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
	if (p.lang->syntax != NULL && lang_syntax_index(p.lang->syntax) < 0) {
		snprintf(err, errlen,
		         "%s: more than %d comment and string delimiters in "
		         "[syntax]",
		         file, LANG_TOKENS_MAX);
		lang_free(p.lang);
		return -1;
	}
	if (p.lang->editor.indent_width == 0)
		p.lang->editor.indent_width = 4;
	if (p.lang->editor.tab_width == 0)
		p.lang->editor.tab_width = p.lang->editor.indent_tabs
		                               ? p.lang->editor.indent_width
		                               : 8;
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
lang_parse_string(const char *text, const char *file, struct language **out,
                  char *err, size_t errlen)
{
	return lang_parse_text(text, file, false, out, err, errlen);
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

/* The *.lang files of a directory, sorted: the order they load in. */
static char **
lang_dir_names(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	*count = 0;
	if (d == NULL)
		return NULL;
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
	*count = n;
	return names;
}

static void
lang_load_dir(struct language_set *set, const char *dir)
{
	size_t n, i;
	char **names = lang_dir_names(dir, &n);

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

/* The installed language files: languages/ under the configured data
 * directory ($FORGE_DATA_DIR, a build tree, or the package's). */
const char *
lang_system_dir(void)
{
	static char dir[8192];

	snprintf(dir, sizeof dir, "%s/languages", engine_config()->data_dir);
	return dir;
}

/* The user's language files (DIR/languages), followed by sub; the caller
 * frees. */
static char *
lang_user_dir(const char *sub)
{
	char *p;

	xasprintf(&p, "%s/languages%s", engine_config()->user_dir, sub);
	return p;
}

void
lang_load_all(struct language_set *set)
{
	char *user = lang_user_dir("");
	const char *dirs[2] = {lang_system_dir(), user};

	lang_load_dirs(set, dirs, 2);
	free(user);
}

/* One language file as lang_load_for_file first reads it: its text, and
 * of its settings only the id and the extensions. */
struct lang_peek {
	char *path;
	struct buf text;
	struct language *l;    /* id and extensions only; NULL: unreadable */
	struct language *full; /* parsed in full, when it was needed */
	char *err;             /* why it does not load, when it was needed */
	bool broken; /* does not load: skipped as lang_load_all does */
	bool unread; /* l from the index: text is read when needed */
	bool loads;  /* as the index says: parses in full without error */
};

/* Hands lang_handler the two settings that place a file; the rest of
 * the file is checked only when the file matters. */
static int
lang_peek_handler(void *user, const char *section, const char *key,
                  const char *value)
{
	if (strcmp(section, "language") != 0 ||
	    (strcmp(key, "id") != 0 && strcmp(key, "extensions") != 0))
		return 1;
	return lang_handler(user, section, key, value);
}

/* Does a line start section name (NULL: any)? */
static bool
lang_line_section(const char *line, const char *name)
{
	size_t n;

	if (*line != '[')
		return false;
	if (name == NULL)
		return true;
	n = strlen(name);
	return strncmp(line + 1, name, n) == 0 && line[1 + n] == ']';
}

/* The [language] section alone, when the file has it once (as every
 * file forge ships does): the peek need not parse the rest. NULL: the
 * whole text is needed, also where a '[' follows blanks (inih may take
 * that line for the continuation of a value). */
static char *
lang_peek_section(const char *text)
{
	const char *start = NULL, *end = NULL, *line;

	for (line = text; line != NULL && *line != '\0';) {
		const char *nl = strchr(line, '\n'), *p = line;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '[' && p != line)
			return NULL;
		if (start == NULL) {
			if (lang_line_section(line, "language"))
				start = line;
		} else if (end == NULL) {
			if (lang_line_section(line, NULL))
				end = line;
		} else if (lang_line_section(line, "language"))
			return NULL; /* a second [language] section */
		line = nl ? nl + 1 : NULL;
	}
	if (start == NULL)
		return NULL;
	if (end == NULL)
		end = start + strlen(start);
	return xstrndup(start, (size_t)(end - start));
}

static void
lang_peek_read(struct lang_peek *pk)
{
	struct lang_parse p = {0};
	char *section;

	buf_init(&pk->text, 0);
	if (util_read_file(pk->path, &pk->text, 1 << 20) < 0) {
		pk->broken = true;
		return;
	}
	p.lang = xcalloc(1, sizeof *p.lang);
	/* the same parser and handler: a file whose id or extensions
	 * would not load is broken here too (the rest of it is checked
	 * where the file matters, by lang_peek_full) */
	section = lang_peek_section(buf_cstr(&pk->text));
	if (ini_parse_string(section ? section : buf_cstr(&pk->text),
	                     lang_peek_handler, &p) != 0 ||
	    p.lang->id == NULL || p.lang->extensions == NULL)
		pk->broken = true;
	free(section);
	pk->l = p.lang;
}

/* Parses a file in full: does it load? */
static bool
lang_peek_full(struct lang_peek *pk)
{
	char err[512];

	if (pk->full != NULL)
		return true;
	if (pk->unread) {
		/* gone since the index was checked: as if never there */
		pk->unread = false;
		if (util_read_file(pk->path, &pk->text, 1 << 20) < 0) {
			lang_free(pk->l);
			pk->l = NULL;
			pk->broken = true;
		}
	}
	if (pk->broken || pk->l == NULL)
		return false;
	/* a file the index says loads: the highlighter's tables, which
	 * a run does not need, are not built */
	if (lang_parse_text(buf_cstr(&pk->text), pk->path, pk->loads, &pk->full,
	                    err, sizeof err) == 0)
		return true;
	pk->broken = true;
	pk->err = xstrdup(err);
	return false;
}

/* Does an extension list hold dot: exactly (pass 0) or in any case? */
static bool
lang_ext_match(char *const *exts, const char *dot, int pass)
{
	for (; exts != NULL && *exts != NULL; exts++)
		if (pass == 0 ? strcmp(*exts, dot) == 0
		              : strcasecmp(*exts, dot) == 0)
			return true;
	return false;
}

static bool
lang_peek_names(const struct lang_peek *pk, const char *dot)
{
	return pk->l != NULL && (lang_ext_match(pk->l->extensions, dot, 0) ||
	                         lang_ext_match(pk->l->extensions, dot, 1));
}

/* The file whose language lang_load_all would pick for an extension:
 * later files replace earlier ones by id, files that do not load are
 * skipped. Whether a file loads is found out (by parsing it in full)
 * only where it matters: for the pick, and for a file replacing one
 * that names the extension. */
static struct lang_peek *
lang_peek_pick(struct lang_peek *pk, size_t n, const char *dot)
{
	struct lang_peek **merged = xcalloc(n + 1, sizeof *merged), *pick;
	size_t m = 0, i, j;
	int pass;

	for (i = 0; i < n; i++) {
		if (pk[i].broken)
			continue;
		for (j = 0; j < m; j++)
			if (strcmp(merged[j]->l->id, pk[i].l->id) == 0)
				break;
		if (j < m && lang_peek_names(merged[j], dot) && !pk[i].loads &&
		    !lang_peek_full(&pk[i]))
			continue;
		merged[j] = &pk[i];
		if (j == m)
			m++;
	}
	pick = NULL;
	for (pass = 0; pass < 2 && pick == NULL; pass++)
		for (i = 0; i < m && pick == NULL; i++)
			if (lang_ext_match(merged[i]->l->extensions, dot, pass))
				pick = merged[i];
	free(merged);
	return pick;
}

/* The files of both directories, peeked at: from the index when it
 * still holds, else read (and the index written anew when they all
 * load: a broken file is read each time, and reported where it names
 * the extension). */
static struct lang_peek *
lang_peek_dirs(const char *const dirs[2], size_t *count)
{
	struct lang_index ix;
	struct lang_peek *pk = NULL;
	size_t n = 0, d, i, k;
	bool indexable = true;
	char err[512];

	if (lang_index_load(dirs, &ix)) {
		pk = xcalloc(ix.n + 1, sizeof *pk);
		for (i = 0; i < ix.n; i++, n++) {
			struct language *l = xcalloc(1, sizeof *l);

			l->id = ix.e[i].id;
			l->extensions = ix.e[i].exts;
			ix.e[i].id = NULL; /* taken */
			ix.e[i].exts = NULL;
			pk[n].path = xstrdup(ix.e[i].path);
			buf_init(&pk[n].text, 0);
			pk[n].l = l;
			pk[n].unread = true;
			pk[n].loads = true;
		}
		lang_index_free(&ix);
		*count = n;
		return pk;
	}
	/* each stat taken before the read: a change in between makes
	 * the index older than the file, never newer */
	for (d = 0; d < 2; d++) {
		char **names;

		if (lang_stamp_get(dirs[d], &ix.dirs[d]) < 0 ||
		    !lang_stamp_settled(&ix.dirs[d]))
			indexable = false;
		names = lang_dir_names(dirs[d], &k);
		pk = xrealloc(pk, (n + k + 1) * sizeof *pk);
		for (i = 0; i < k; i++, n++) {
			struct lang_stamp st;

			memset(&pk[n], 0, sizeof pk[n]);
			pk[n].path = util_path_join(dirs[d], names[i]);
			free(names[i]);
			if (lang_stamp_get(pk[n].path, &st) < 0 || st.ino < 0)
				indexable = false;
			lang_peek_read(&pk[n]);
			/* indexed only when it loads, which spares the runs
			 * the index serves the check of every file naming the
			 * extension; one that does not is left as the peek
			 * left it (reported only where it matters). No index
			 * coming, no file is parsed in full for it. */
			if (pk[n].broken)
				indexable = false;
			else if (indexable)
				indexable =
				    lang_parse_string(buf_cstr(&pk[n].text),
				                      pk[n].path, &pk[n].full,
				                      err, sizeof err) == 0 &&
				    lang_index_add(&ix, pk[n].path, &st,
				                   pk[n].l->id,
				                   pk[n].l->extensions);
		}
		free(names);
	}
	if (indexable)
		lang_index_save(dirs, &ix);
	lang_index_free(&ix);
	*count = n;
	return pk;
}

/* For `forge run FILE`: loads only the language FILE's extension names,
 * as lang_load_all followed by lang_find_file would find it, without
 * parsing the other files in full. Broken files are reported only when
 * they name the extension or replace a language that does; `forge
 * langs` reports them all. Found through the index, the language has
 * no [syntax] tables (syntax is NULL): only the editor reads them. */
const struct language *
lang_load_for_file(struct language_set *set, const char *path)
{
	char *user = lang_user_dir("");
	const char *dirs[2] = {lang_system_dir(), user};
	const char *base = strrchr(path, '/'), *dot;
	struct lang_peek *pk = NULL, *pick;
	size_t n = 0, i;

	memset(set, 0, sizeof *set);
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (dot != NULL && dot != base)
		pk = lang_peek_dirs(dirs, &n);
	while ((pick = lang_peek_pick(pk, n, dot)) != NULL)
		if (lang_peek_full(pick)) {
			set->head = pick->full;
			pick->full = NULL;
			break;
		}
	for (i = 0; i < n; i++) {
		/* a broken file that names the extension may be the one
		 * meant: why it does not load is told (the peek read only
		 * its [language] section: it is read in full here) */
		if (pk[i].err == NULL && !pk[i].broken && !pk[i].loads &&
		    lang_peek_names(&pk[i], dot))
			(void)lang_peek_full(&pk[i]);
		if (pk[i].err == NULL && pk[i].broken &&
		    lang_peek_names(&pk[i], dot)) {
			struct language *l;
			char err[512];

			if (lang_parse_string(buf_cstr(&pk[i].text), pk[i].path,
			                      &l, err, sizeof err) < 0)
				pk[i].err = xstrdup(err);
			else
				lang_free(l);
		}
		if (pk[i].err != NULL)
			lang_add_error(set, pk[i].err);
		free(pk[i].err);
		free(pk[i].path);
		buf_free(&pk[i].text);
		if (pk[i].l != NULL)
			lang_free(pk[i].l);
		if (pk[i].full != NULL)
			lang_free(pk[i].full);
	}
	free(pk);
	free(user);
	return set->head;
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

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		return NULL;
	for (pass = 0; pass < 2; pass++)
		for (l = set->head; l != NULL; l = l->next)
			if (lang_ext_match(l->extensions, dot, pass))
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

/* On a backend that binds the host's toolchains: the compile and run
 * commands' tools are found where the sandbox will look. */
bool
lang_host_available(const struct language *l, char *why, size_t size)
{
	char tool[256] = "";

	if ((l->compile == NULL ||
	     lang_tool_found(l->compile, tool, sizeof tool)) &&
	    lang_tool_found(l->run, tool, sizeof tool))
		return true;
	if (why != NULL && l->package != NULL)
		snprintf(why, size,
		         "'%s' not found on " LANG_SANDBOX_PATH
		         " (install: apt-get install %s)",
		         tool, l->package);
	else if (why != NULL)
		snprintf(why, size, "'%s' not found on " LANG_SANDBOX_PATH,
		         tool);
	return false;
}

/* The host tool a command starts, without running it: where it is, its
 * size, time stamp and inode (an upgrade changes them). */
bool
lang_host_tool_id(const char *cmd, char *id, size_t size)
{
	char **w = util_split_words(cmd, NULL), path[4096];
	struct stat st;
	bool ok = false;

	if (w[0] != NULL &&
	    util_find_in_path(w[0], LANG_SANDBOX_PATH, path, sizeof path) &&
	    stat(path, &st) == 0) {
		snprintf(id, size, "%s:%lld:%lld.%ld:%llu", path,
		         (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		         st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
		ok = true;
	}
	util_free_words(w);
	return ok;
}

/* Whether the language can run on the backend: its own file is sound,
 * and the backend has its toolchain. */
bool
lang_available(const struct language *l, const struct backend *be, char *why,
               size_t size)
{
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
	return be->lang_available(l, why, size);
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

/* The text a new file of the language starts with: templates/NAME in the
 * user's language directory, else beside the language's own file. */
char *
lang_template(const struct language *l, size_t *len)
{
	char *dirs[2], *text = NULL, *slash;
	size_t i;

	if (l == NULL || l->editor.template_name == NULL)
		return NULL;
	dirs[0] = lang_user_dir("/templates");
	slash = strrchr(l->file, '/');
	if (slash != NULL) {
		char *dir = xstrndup(l->file, (size_t)(slash - l->file));
		dirs[1] = util_path_join(dir, "templates");
		free(dir);
	} else
		dirs[1] = xstrdup("templates");
	for (i = 0; i < 2 && text == NULL; i++) {
		char *path = util_path_join(dirs[i], l->editor.template_name);
		struct buf b;

		buf_init(&b, 0);
		if (util_read_file(path, &b, 1 << 20) == 0) {
			if (len != NULL)
				*len = b.len;
			text = buf_cstr(&b);
		} else
			buf_free(&b);
		free(path);
	}
	free(dirs[0]);
	free(dirs[1]);
	return text;
}
