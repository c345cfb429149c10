/* A program's arguments and its compiler's options, from a request.
 *
 * Arguments go to the program as its argv after the language's run
 * command, through the backend, never through a shell: any bytes but
 * NUL, within a count and a size. Compiler options are a hole in the
 * sandbox's walls if taken as they come: the compiler runs in the
 * sandbox, but an option can make it read or write files (-o, @file,
 * -specs, -B, -I/ elsewhere), load code (-fplugin, -wrapper) or hand
 * options to the linker or the assembler (-Wl, -Wa). So they are taken
 * only in shapes known to change nothing but the code made: each
 * compiler family has an allow-list, a language whose compiler has none
 * takes no options, and a refusal names the option. The options become
 * part of the compile command, so of the build cache's key. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

/* Arguments: at most this many, each and all within these sizes. */
#define OPTIONS_ARGS_MAX     128
#define OPTIONS_ARG_BYTES    4096
#define OPTIONS_ARGS_BYTES   65536
#define OPTIONS_COMPILER_MAX 32

/* All of s[0..n) in the set of characters. */
static bool
options_only(const char *s, const char *set)
{
	return *s != '\0' && strspn(s, set) == strlen(s);
}

#define OPTIONS_IDENT                                                          \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"

/* NAME or NAME=VALUE for -D, NAME for -U: a C identifier, and a value
 * of plain characters (no quote, space, slash or shell character). */
static bool
options_macro(const char *s, bool value)
{
	const char *eq = strchr(s, '=');
	size_t n = eq ? (size_t)(eq - s) : strlen(s);

	if (n == 0 || isdigit((unsigned char)s[0]) ||
	    strspn(s, OPTIONS_IDENT) != n)
		return false;
	if (eq == NULL)
		return true;
	return value &&
	       (eq[1] == '\0' || options_only(eq + 1, OPTIONS_IDENT ".+-"));
}

/* -I DIR: a directory of the program's own files, under /work. */
static bool
options_include(const char *d)
{
	const char *p;

	if (strncmp(d, "/work/", 6) == 0)
		d += 6;
	else if (*d == '/' || *d == '\0')
		return false;
	if (!options_only(d, OPTIONS_IDENT ".-/"))
		return false;
	for (p = d; p != NULL; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return false;
	}
	return true;
}

/* The -f flags that change code generation and nothing else. */
static const char *const options_gcc_f[] = {
    "-ffast-math",
    "-funroll-loops",
    "-fwrapv",
    "-ftrapv",
    "-fno-strict-aliasing",
    "-fsigned-char",
    "-funsigned-char",
    "-fno-exceptions",
    "-fno-rtti",
    "-fpermissive",
    "-fomit-frame-pointer",
    "-fno-omit-frame-pointer",
    "-fno-stack-protector",
    "-fstack-protector",
    "-fstack-protector-strong",
    "-fno-inline",
    "-fno-builtin",
    "-fopenmp",
};

/* GCC's and Clang's options of the allowed shapes. */
static bool
options_gcc(const char *o)
{
	static const char *const plain[] = {
	    "-O",       "-O0",       "-O1",
	    "-O2",      "-O3",       "-Os",
	    "-Og",      "-Oz",       "-Ofast",
	    "-g",       "-g0",       "-g1",
	    "-g2",      "-g3",       "-w",
	    "-ansi",    "-pedantic", "-pedantic-errors",
	    "-pthread",
	};
	size_t i;

	for (i = 0; i < sizeof plain / sizeof *plain; i++)
		if (strcmp(o, plain[i]) == 0)
			return true;
	for (i = 0; i < sizeof options_gcc_f / sizeof *options_gcc_f; i++)
		if (strcmp(o, options_gcc_f[i]) == 0)
			return true;
	if (strncmp(o, "-std=", 5) == 0)
		return options_only(o + 5,
		                    "abcdefghijklmnopqrstuvwxyz0123456789+");
	if (strncmp(o, "-march=", 7) == 0 || strncmp(o, "-mtune=", 7) == 0)
		return options_only(o + 7,
		                    "abcdefghijklmnopqrstuvwxyz0123456789-");
	if (strncmp(o, "-D", 2) == 0)
		return options_macro(o + 2, true);
	if (strncmp(o, "-U", 2) == 0)
		return options_macro(o + 2, false);
	if (strncmp(o, "-I", 2) == 0)
		return options_include(o + 2);
	/* warnings: -Wname, -Wno-name, -Wname=N; -Wl, -Wa and -Wp, which
	 * pass options on, have a comma and are not of this shape */
	if (strncmp(o, "-W", 2) == 0 && islower((unsigned char)o[2])) {
		const char *eq = strchr(o, '=');
		size_t n = eq ? (size_t)(eq - o) : strlen(o);

		if (n <= 3) /* -Wl, -Wa, -Wp alone */
			return false;
		return strspn(o + 2,
		              "abcdefghijklmnopqrstuvwxyz0123456789-+") ==
		           n - 2 &&
		       (eq == NULL || options_only(eq + 1, OPTIONS_IDENT));
	}
	return false;
}

/* The compilers whose options are known, by the compile command's first
 * word. */
static const struct {
	const char *compiler;
	bool (*ok)(const char *);
} options_families[] = {
    {"gcc", options_gcc}, {"g++", options_gcc},   {"cc", options_gcc},
    {"c++", options_gcc}, {"clang", options_gcc}, {"clang++", options_gcc},
};

#define OPTIONS_GCC_SHAPES                                                     \
	"-O0..3/-Os/-Og/-Ofast, -std=..., -DNAME[=VALUE], -UNAME, -W..., "     \
	"-I under /work, -g, -w, -pedantic, -pthread, -march=/-mtune=, a few " \
	"-f flags"

/* The compile command's family: its checker, or NULL. */
static bool (*options_family(const struct language *l))(const char *)
{
	size_t n;

	if (l->compile == NULL)
		return NULL;
	n = strcspn(l->compile, " \t");
	for (size_t i = 0;
	     i < sizeof options_families / sizeof *options_families; i++)
		if (strlen(options_families[i].compiler) == n &&
		    strncmp(l->compile, options_families[i].compiler, n) == 0)
			return options_families[i].ok;
	return NULL;
}

static void
options_add(char ***v, size_t *n, const char *s, size_t len)
{
	*v = xrealloc(*v, (*n + 2) * sizeof **v);
	(*v)[(*n)++] = xstrndup(s, len);
	(*v)[*n] = NULL;
}

void
options_free(char **v)
{
	util_free_words(v);
}

/* "args": an array of strings; NULL when none. 0, or -1 with err. */
int
options_args(const struct jsonparse_value *v, char ***out, char *err,
             size_t errlen)
{
	size_t n = 0, total = 0, len;
	const char *s;

	*out = NULL;
	if (v == NULL || jsonparse_is(v, JSONPARSE_NULL))
		return 0;
	if (!jsonparse_is(v, JSONPARSE_ARRAY)) {
		snprintf(err, errlen, "args: an array of strings, please");
		return -1;
	}
	if (jsonparse_len(v) > OPTIONS_ARGS_MAX) {
		snprintf(err, errlen, "args: at most %d arguments",
		         OPTIONS_ARGS_MAX);
		return -1;
	}
	for (size_t i = 0; i < jsonparse_len(v); i++) {
		s = jsonparse_string(jsonparse_at(v, i), &len);
		if (s == NULL || memchr(s, '\0', len) != NULL ||
		    len > OPTIONS_ARG_BYTES ||
		    (total += len + 1) > OPTIONS_ARGS_BYTES) {
			snprintf(err, errlen,
			         "args[%zu]: a string without NUL, at most %d "
			         "bytes (%d in all), please",
			         i, OPTIONS_ARG_BYTES, OPTIONS_ARGS_BYTES);
			options_free(*out);
			*out = NULL;
			return -1;
		}
		options_add(out, &n, s, len);
	}
	return 0;
}

/* A command line's words as a POSIX shell splits them: blanks between
 * words, '...' and "..." quote, a backslash escapes; nothing expands
 * ($, `, * and ~ are themselves). -1 with err for an open quote. */
int
options_shell_words(const char *s, char ***out, char *err, size_t errlen)
{
	struct buf w;
	size_t n = 0;
	int ret = 0;

	*out = NULL;
	buf_init(&w, 0);
	while (ret == 0) {
		bool any = false;
		char q = 0;

		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (*s == '\0')
			break;
		buf_reset(&w);
		for (; *s != '\0' &&
		       (q || !(*s == ' ' || *s == '\t' || *s == '\n'));
		     s++) {
			any = true;
			if (q == 0 && (*s == '\'' || *s == '"'))
				q = *s;
			else if (q != 0 && *s == q)
				q = 0;
			else if (*s == '\\' && q != '\'' && s[1] != '\0' &&
			         (q == 0 || strchr("\"\\$`\n", s[1]) != NULL))
				buf_add(&w, ++s, 1);
			else
				buf_add(&w, s, 1);
		}
		if (q != 0) {
			snprintf(err, errlen, "an unclosed %c quote", q);
			ret = -1;
		} else if (any)
			options_add(out, &n, w.data ? w.data : "", w.len);
	}
	buf_free(&w);
	if (ret < 0) {
		options_free(*out);
		*out = NULL;
	} else if (*out == NULL)
		*out = xcalloc(1, sizeof **out);
	return ret;
}

/* "compiler_options": a string (split at blanks) or an array of
 * strings, each of a shape the language's compiler allows; NULL when
 * none. 0, or -1 with err naming the option refused. */
int
options_compiler(const struct language *l, const struct jsonparse_value *v,
                 char ***out, char *err, size_t errlen)
{
	bool (*ok)(const char *) = options_family(l);
	const char *s;
	size_t n = 0;

	*out = NULL;
	if (v == NULL || jsonparse_is(v, JSONPARSE_NULL))
		return 0;
	if ((s = jsonparse_string(v, NULL)) != NULL)
		*out = util_split_words(s, &n);
	else if (jsonparse_is(v, JSONPARSE_ARRAY)) {
		for (size_t i = 0; i < jsonparse_len(v); i++) {
			size_t len;
			const char *o =
			    jsonparse_string(jsonparse_at(v, i), &len);

			if (o == NULL || memchr(o, '\0', len) != NULL) {
				snprintf(err, errlen,
				         "compiler_options[%zu]: a string, "
				         "please",
				         i);
				goto fail;
			}
			options_add(out, &n, o, len);
		}
	} else {
		snprintf(err, errlen,
		         "compiler_options: a string or an array of strings, "
		         "please");
		return -1;
	}
	if (n == 0) {
		options_free(*out);
		*out = NULL;
		return 0;
	}
	if (ok == NULL) {
		snprintf(err, errlen,
		         "compiler_options: %s takes none here (%s): options "
		         "are taken only for compilers with an allow-list "
		         "(gcc, g++, clang)",
		         l->id,
		         l->compile ? "its compiler's options are not known"
		                    : "it is not compiled");
		goto fail;
	}
	if (n > OPTIONS_COMPILER_MAX) {
		snprintf(err, errlen, "compiler_options: at most %d options",
		         OPTIONS_COMPILER_MAX);
		goto fail;
	}
	for (size_t i = 0; i < n; i++)
		if (!ok((*out)[i])) {
			char *shown = escape_cstr((*out)[i], false);

			snprintf(err, errlen,
			         "compiler option '%.200s' is not allowed: it "
			         "could reach files, paths or code outside the "
			         "program (allowed: " OPTIONS_GCC_SHAPES ")",
			         shown);
			free(shown);
			goto fail;
		}
	return 0;
fail:
	options_free(*out);
	*out = NULL;
	return -1;
}

/* The language with the options at the end of its compile command (the
 * compiler's last word wins: -O0 after -O2, -std=c11 after -std=gnu17):
 * a copy that shares the rest of l; options_language_free frees it. */
struct language *
options_language(const struct language *l, char **opts)
{
	struct language *c = xmalloc(sizeof *c);
	struct buf b;

	*c = *l;
	buf_init(&b, 0);
	buf_addstr(&b, l->compile);
	for (size_t i = 0; opts != NULL && opts[i] != NULL; i++) {
		buf_addstr(&b, " ");
		buf_addstr(&b, opts[i]);
	}
	c->compile = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return c;
}

void
options_language_free(struct language *c)
{
	if (c == NULL)
		return;
	free(c->compile);
	free(c);
}
