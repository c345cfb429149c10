/* program_load: a problem package's program in every shape the problem
 * package format allows, read into what pipeline_build needs (the
 * language, the main file, the files along) without running anything:
 * a single file with its headers, sources in one language built
 * together, build/run scripts, a Python package, nesting one level down
 * or more, and the shapes that are no program, refused with the reason. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "tests/unit/check.h"

static char root[256];

static void
put(const char *name, const char *text)
{
	char path[512], *slash;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", root, name);
	slash = strrchr(path, '/');
	*slash = '\0';
	util_mkdir_p(path, 0755);
	*slash = '/';
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

/* program_load on root/rel; err set either way */
static int
load(struct program *g, const char *rel, const struct language_set *langs,
     char *err, size_t errlen)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", root, rel);
	err[0] = '\0';
	return program_load(g, path, langs, err, errlen);
}

/* whether the program carries a file of that name along */
static bool
has_extra(const struct program *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->nextra; i++)
		if (strcmp(g->extra[i].name, name) == 0)
			return true;
	return false;
}

static const char *
base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void
test_shapes(const struct language_set *langs)
{
	struct program g;
	char err[1024];

	/* a single file: its language, its headers beside it */
	put("single/checker.cpp", "int main() {}\n");
	put("single/testlib.h", "// testlib\n");
	put("single/notes.txt", "not along\n");
	CHECK(load(&g, "single/checker.cpp", langs, err, sizeof err) == 0);
	CHECK(g.lang != NULL && strcmp(g.lang->id, "cpp") == 0);
	CHECK(!g.has_own);
	CHECK_STR(g.src.data, "int main() {}\n");
	CHECK(g.nextra == 1 && has_extra(&g, "testlib.h"));
	program_free(&g);

	/* 2023-07, nested one level down: validate.cc with validate.h */
	put("nested/output_validator/guess/validate.cc", "int main() {}\n");
	put("nested/output_validator/guess/validate.h", "// shared\n");
	CHECK(load(&g, "nested/output_validator", langs, err, sizeof err) == 0);
	CHECK(g.lang != NULL && strcmp(g.lang->id, "cpp") == 0);
	CHECK_STR(base(g.main), "validate.cc");
	CHECK(strstr(g.main, "/guess/") != NULL);
	CHECK(g.nextra == 1 && has_extra(&g, "validate.h"));
	program_free(&g);

	/* sources in one compiled language: all of them built together */
	put("two/validator.c", "int main(void) { return 42; }\n");
	put("two/near.c", "int near(void) { return 1; }\n");
	put("two/near.h", "int near(void);\n");
	CHECK(load(&g, "two", langs, err, sizeof err) == 0);
	CHECK_STR(base(g.main), "validator.c");
	CHECK(g.has_own && g.lang == &g.own);
	CHECK(strcmp(g.lang->id, "c") == 0);
	CHECK(strstr(g.lang->compile, "main.c \"near.c\"") != NULL);
	CHECK(has_extra(&g, "near.c") && has_extra(&g, "near.h"));
	program_free(&g);

	/* build and run scripts: the program is run, built by build */
	put("scripts/build", "cc -o v v.c\n");
	put("scripts/run", "#!/bin/sh\nexec ./v\n");
	put("scripts/v.c", "int main(void) { return 42; }\n");
	CHECK(load(&g, "scripts", langs, err, sizeof err) == 0);
	CHECK(g.has_own);
	CHECK_STR(base(g.main), "build");
	CHECK_STR(g.lang->run, "/prog/run");
	CHECK(g.lang->compile != NULL && strstr(g.lang->compile, "./build"));
	CHECK(g.lang->artifacts != NULL &&
	      strcmp(g.lang->artifacts[0], "*") == 0);
	CHECK(has_extra(&g, "run") && has_extra(&g, "v.c"));
	program_free(&g);
	put("runonly/run", "#!/bin/sh\nexit 42\n");
	CHECK(load(&g, "runonly", langs, err, sizeof err) == 0);
	CHECK_STR(base(g.main), "run");
	CHECK(g.nextra == 0);
	program_free(&g);

	/* a Python package: __main__.py runs, the modules go along */
	put("py/__init__.py", "");
	put("py/__main__.py", "import rules\n");
	put("py/rules.py", "X = 1\n");
	CHECK(load(&g, "py", langs, err, sizeof err) == 0);
	CHECK(g.lang != NULL && strcmp(g.lang->id, "python3") == 0);
	CHECK(!g.has_own); /* interpreted: nothing to build together */
	CHECK_STR(base(g.main), "__main__.py");
	CHECK(has_extra(&g, "rules.py") && has_extra(&g, "__init__.py"));
	program_free(&g);

	/* no program: each refused, with the reason */
	put("empty/README", "nothing here\n");
	CHECK(load(&g, "empty", langs, err, sizeof err) < 0);
	CHECK(strstr(err, "no program found") != NULL);
	put("mixed/a.c", "int main(void) {}\n");
	put("mixed/b.py", "pass\n");
	CHECK(load(&g, "mixed", langs, err, sizeof err) < 0);
	CHECK(strstr(err, "several languages") != NULL);
	put("pys/one.py", "pass\n");
	put("pys/two.py", "pass\n");
	CHECK(load(&g, "pys", langs, err, sizeof err) < 0);
	CHECK(strstr(err, "__main__.py") != NULL);
	put("twodirs/a/v.c", "int main(void) {}\n");
	put("twodirs/b/v.c", "int main(void) {}\n");
	CHECK(load(&g, "twodirs", langs, err, sizeof err) < 0);
	CHECK(strstr(err, "no program found") != NULL);
	CHECK(load(&g, "nothing-there", langs, err, sizeof err) < 0);
	CHECK(strstr(err, "nothing-there") != NULL);
	/* a source's name goes into the compile command: the format's
	 * names only */
	put("quote/validator.c", "int main(void) {}\n");
	put("quote/x\" -o \"y.c", "int x;\n");
	CHECK(load(&g, "quote", langs, err, sizeof err) < 0);
	CHECK(strstr(err, "not a file name") != NULL);
	put("weird/v.weird", "?\n");
	CHECK(load(&g, "weird/v.weird", langs, err, sizeof err) < 0);
	CHECK(strstr(err, "unknown language") != NULL);
}

int
main(void)
{
	struct language_set langs;
	const char *src = getenv("FORGE_SRCDIR");
	char dir[512], cmd[600];
	const char *dirs[1] = {dir};

	snprintf(root, sizeof root, "%s/forge-program.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dir, sizeof dir, "%s/languages", src ? src : ".");
	lang_load_dirs(&langs, dirs, 1);
	CHECK(lang_find_id(&langs, "cpp") != NULL);
	test_shapes(&langs);
	lang_set_free(&langs);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
	return check_done();
}
