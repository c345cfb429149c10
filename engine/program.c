/* A problem package's own program (an output validator, an interactive
 * problem's validator, a checker), in every shape the problem package
 * format allows:
 *   - a single file, built alone (with the headers beside it, such as
 *     testlib.h, when it was named directly);
 *   - a directory with a `build` or a `run` script: `build` (if any) runs
 *     in a copy of the directory, after which `run` is the program;
 *   - a directory of sources in one language: a compiled language builds
 *     them all together (validate.cc with helper.cc and validate.h), an
 *     interpreted one runs its main file with the others beside it
 *     (Python's __main__.py);
 *   - any of these nested one level down or more, as packages do
 *     (output_validator/<name>/validate.cc): a directory that holds no
 *     program file and exactly one directory stands for that directory.
 * The program's files are the package's: read here on the host, never
 * written; every build happens in the sandbox. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

#define PROGRAM_FILE_MAX (16u << 20)
#define PROGRAM_NEST_MAX 4

/* The build of a directory with build/run scripts, in the sandbox: the
 * scripts are POSIX shell (the format's rule), so sh runs them whatever
 * their mode; run must exist once build is done, and becomes executable. */
#define PROGRAM_BUILD_SCRIPT                                                   \
	"sh -c \"if [ -f build ]; then sh ./build || exit 1; fi; "             \
	"if [ ! -f run ]; then echo 'there is no run file after build' >&2; "  \
	"exit 1; fi; chmod 755 run\""

/* The usual names of a validator's main file, most likely first. */
static const char *const program_prefer[] = {
    "__main__", "output_validator", "validator", "validate", "checker",
    "check",    "interactor",       "main",
};

static bool
program_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool
program_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool
program_is_header(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot != NULL &&
	       (strcmp(dot, ".h") == 0 || strcmp(dot, ".hpp") == 0 ||
	        strcmp(dot, ".hh") == 0 || strcmp(dot, ".hxx") == 0);
}

/* A file of the directory in a known language (not a header). */
static const struct language *
program_lang_of(const struct language_set *langs, const char *dir,
                const char *name)
{
	char *p;
	const struct language *l;

	if (program_is_header(name))
		return NULL;
	p = util_path_join(dir, name);
	l = lang_find_file(langs, p);
	free(p);
	return l;
}

static int
program_add_file(struct program *g, const char *dir, const char *name,
                 char *err, size_t errlen)
{
	char *p = util_path_join(dir, name);
	struct buf *b;

	g->extra = xrealloc(g->extra, (g->nextra + 1) * sizeof *g->extra);
	g->extra_data =
	    xrealloc(g->extra_data, (g->nextra + 1) * sizeof *g->extra_data);
	b = &g->extra_data[g->nextra];
	buf_init(b, 0);
	if (util_read_file(p, b, PROGRAM_FILE_MAX) < 0) {
		snprintf(err, errlen, "%s: %s", p, strerror(errno));
		buf_free(b);
		free(p);
		return -1;
	}
	g->extra[g->nextra].name = xstrdup(name);
	g->extra[g->nextra].data = buf_cstr(b);
	g->extra[g->nextra].len = b->len;
	g->nextra++;
	free(p);
	return 0;
}

static int
program_read_main(struct program *g, char *err, size_t errlen)
{
	if (util_read_file(g->main, &g->src, PROGRAM_FILE_MAX) < 0) {
		snprintf(err, errlen, "%s: %s", g->main, strerror(errno));
		return -1;
	}
	return 0;
}

/* A language made for this program, kept with it. */
static struct language *
program_own(struct program *g, const struct language *like)
{
	memset(&g->own, 0, sizeof g->own);
	if (like != NULL)
		g->own = *like; /* shares like's strings: like outlives g */
	g->own.next = NULL;
	g->has_own = true;
	g->lang = &g->own;
	return &g->own;
}

static char *
program_keep(struct program *g, char *s)
{
	size_t n = sizeof g->owned / sizeof g->owned[0], i;

	for (i = 0; i < n; i++)
		if (g->owned[i] == NULL) {
			g->owned[i] = s;
			return s;
		}
	abort(); /* a program never needs more */
}

/* build/run scripts: the main file is build (or run), every other file
 * goes along; the program is /prog/run. */
static int
program_scripts(struct program *g, const char *dir, char **names, size_t n,
                char *err, size_t errlen)
{
	char *build = util_path_join(dir, "build");
	const char *main_name = program_is_file(build) ? "build" : "run";
	struct language *l;
	size_t i;

	free(build);
	g->main = util_path_join(dir, main_name);
	if (program_read_main(g, err, errlen) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		char *p = util_path_join(dir, names[i]);
		bool reg = program_is_file(p);

		free(p);
		if (!reg || strcmp(names[i], main_name) == 0)
			continue;
		if (program_add_file(g, dir, names[i], err, errlen) < 0)
			return -1;
	}
	l = program_own(g, NULL);
	l->id = program_keep(g, xstrdup("build-run"));
	l->name = program_keep(g, xstrdup("build and run scripts"));
	l->source = program_keep(g, xstrdup(main_name));
	l->compile = program_keep(g, xstrdup(PROGRAM_BUILD_SCRIPT));
	l->run = program_keep(g, xstrdup(SANDBOX_PROG "/run"));
	g->artifacts[0] = (char *)"*";
	g->artifacts[1] = NULL;
	l->artifacts = g->artifacts;
	limits_default_compile(&l->compile_limits);
	return 0;
}

/* The compile command of like with the other sources named after its
 * own: g++ ... -o main main.cpp helper.cc. */
static char *
program_compile_all(const struct language *like, char **sources, size_t n)
{
	const char *at = strstr(like->compile, like->source);
	size_t skip = strlen(like->source), i;
	struct buf b;

	buf_init(&b, 0);
	if (at == NULL) {
		buf_addstr(&b, like->compile);
		at = like->compile + strlen(like->compile);
		skip = 0;
	} else
		buf_add(&b, like->compile, (size_t)(at - like->compile) + skip);
	for (i = 0; i < n; i++)
		buf_printf(&b, " \"%s\"", sources[i]);
	buf_addstr(&b, at + skip);
	return buf_cstr(&b);
}

/* A file name as the format allows one: [A-Za-z0-9_][A-Za-z0-9_.-]*. A
 * source's name goes into a compile command, so nothing else does. */
static bool
program_name_ok(const char *name)
{
	const char *c;

	if (name[0] == '\0' || name[0] == '.' || name[0] == '-')
		return false;
	for (c = name; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '.' ||
		      *c == '-'))
			return false;
	return true;
}

/* Sources in known languages: one language, one main file. */
static int
program_sources(struct program *g, const char *dir, char **names, size_t n,
                const struct language_set *langs, char *err, size_t errlen)
{
	const struct language *l = NULL;
	const char *main_name = NULL;
	char **others = xcalloc(n + 1, sizeof *others);
	size_t i, k, nsrc = 0, nothers = 0;
	int r = -1;

	for (i = 0; i < n; i++) {
		const struct language *li =
		    program_lang_of(langs, dir, names[i]);

		if (li == NULL)
			continue;
		if (!program_name_ok(names[i])) {
			snprintf(err, errlen,
			         "%s: '%s' is not a file name the problem "
			         "package format allows ([A-Za-z0-9_.-])",
			         dir, names[i]);
			goto out;
		}
		if (l != NULL && li != l) {
			snprintf(err, errlen,
			         "%s: sources in several languages (%s and "
			         "%s): a program is in one",
			         dir, l->id, li->id);
			goto out;
		}
		l = li;
		nsrc++;
	}
	for (k = 0; main_name == NULL &&
	            k < sizeof program_prefer / sizeof program_prefer[0];
	     k++)
		for (i = 0; main_name == NULL && i < n; i++) {
			size_t len = strlen(program_prefer[k]);
			if (strncmp(names[i], program_prefer[k], len) == 0 &&
			    names[i][len] == '.' &&
			    program_lang_of(langs, dir, names[i]) != NULL)
				main_name = names[i];
		}
	for (i = 0; main_name == NULL && i < n; i++)
		if (program_lang_of(langs, dir, names[i]) != NULL &&
		    (nsrc == 1 || l->compile != NULL))
			main_name = names[i];
	if (main_name == NULL) {
		snprintf(err, errlen,
		         "%s: several %s files and none is the main one (name "
		         "it %s, or add a build or run script)",
		         dir, l->id,
		         strcmp(l->id, "python3") == 0 ? "__main__.py"
		                                       : "validator.EXT");
		goto out;
	}
	g->main = util_path_join(dir, main_name);
	if (program_read_main(g, err, errlen) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		char *p = util_path_join(dir, names[i]);
		bool reg = program_is_file(p);

		free(p);
		if (!reg || names[i] == main_name)
			continue;
		if (program_add_file(g, dir, names[i], err, errlen) < 0)
			goto out;
		if (program_lang_of(langs, dir, names[i]) == l)
			others[nothers++] = names[i];
	}
	g->lang = l;
	/* a compiled language builds every source of the program */
	if (nothers > 0 && l->compile != NULL) {
		struct language *own = program_own(g, l);
		own->compile =
		    program_keep(g, program_compile_all(l, others, nothers));
	}
	r = 0;
out:
	free(others);
	return r;
}

/* The directory's visible entries, sorted; whether one is a program file
 * (a known language, build, run) and how many are directories. */
static char **
program_list(const char *dir, const struct language_set *langs, size_t *n,
             bool *scripts, bool *sources, size_t *ndirs, char **only_dir)
{
	char **names = testset_list(dir, n, false);
	size_t i;

	*scripts = *sources = false;
	*ndirs = 0;
	*only_dir = NULL;
	for (i = 0; i < *n; i++) {
		char *p = util_path_join(dir, names[i]);

		if (program_is_dir(p)) {
			(*ndirs)++;
			free(*only_dir);
			*only_dir = p;
			continue;
		}
		if (program_is_file(p) && (strcmp(names[i], "build") == 0 ||
		                           strcmp(names[i], "run") == 0))
			*scripts = true;
		else if (program_lang_of(langs, dir, names[i]) != NULL)
			*sources = true;
		free(p);
	}
	return names;
}

int
program_load(struct program *g, const char *path,
             const struct language_set *langs, char *err, size_t errlen)
{
	char *dir = xstrdup(path);
	int depth, r = -1;

	memset(g, 0, sizeof *g);
	buf_init(&g->src, 0);
	if (!program_is_dir(path)) {
		if (!program_is_file(path)) {
			snprintf(err, errlen, "%s: %s", path,
			         access(path, F_OK) == 0 ? "not a file or a "
			                                   "directory"
			                                 : strerror(ENOENT));
			goto out;
		}
		g->main = xstrdup(path);
		g->lang = lang_find_file(langs, path);
		if (g->lang == NULL) {
			snprintf(err, errlen,
			         "%s: unknown language (see 'forge langs')",
			         path);
			goto out;
		}
		r = program_read_main(g, err, errlen);
		/* headers beside it: testlib.h, validate.h */
		if (r == 0) {
			const char *slash = strrchr(path, '/');
			char *d = slash ? xstrndup(path, (size_t)(slash - path))
			                : xstrdup(".");
			size_t n, i;
			char **names = testset_list(d, &n, false);

			for (i = 0; r == 0 && i < n; i++)
				if (program_is_header(names[i]))
					r = program_add_file(g, d, names[i],
					                     err, errlen);
			testset_free_list(names, n);
			free(d);
		}
		goto out;
	}
	for (depth = 0;; depth++) {
		bool scripts, sources;
		size_t n, ndirs;
		char *only_dir;
		char **names = program_list(dir, langs, &n, &scripts, &sources,
		                            &ndirs, &only_dir);

		if (scripts)
			r = program_scripts(g, dir, names, n, err, errlen);
		else if (sources)
			r = program_sources(g, dir, names, n, langs, err,
			                    errlen);
		else if (ndirs == 1 && depth < PROGRAM_NEST_MAX) {
			/* nested: output_validator/<name>/... */
			free(dir);
			dir = only_dir;
			testset_free_list(names, n);
			continue;
		} else
			snprintf(err, errlen,
			         "%s: no program found (a source file in a "
			         "known language, e.g. validator.cpp, or a "
			         "build or run script)",
			         dir);
		free(only_dir);
		testset_free_list(names, n);
		break;
	}
out:
	free(dir);
	if (r < 0)
		program_free(g);
	return r;
}

void
program_free(struct program *g)
{
	size_t i;

	for (i = 0; i < g->nextra; i++) {
		free((char *)g->extra[i].name);
		buf_free(&g->extra_data[i]);
	}
	free(g->extra);
	free(g->extra_data);
	for (i = 0; i < sizeof g->owned / sizeof g->owned[0]; i++)
		free(g->owned[i]);
	buf_free(&g->src);
	free(g->main);
	memset(g, 0, sizeof *g);
}
