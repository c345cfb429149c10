/* Language plugin files: parsing, errors with line numbers, lookup by
 * extension and id, overriding, Java's class name, placeholders. */
#include "config.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"
#include "tests/unit/check.h"

static const char *good = "# a comment\n"
                          "[language]\n"
                          "id = toy\n"
                          "name = Toy\n"
                          "extensions = .toy .ty\n"
                          "source = {name}.toy\n"
                          "name_regex = program[[:space:]]+([a-z]+)\n"
                          "name_default = prog\n"
                          "compile = toyc -o main {source}\n"
                          "run = /prog/main {name}\n"
                          "artifacts = main *.dat\n"
                          "paths = /etc/toy\n"
                          "env = TOY=1\n"
                          "env = MORE=a b\n"
                          "\n[compile-limits]\n"
                          "time = 5\n"
                          "memory = 512M\n"
                          "\n[syntax]\n"
                          "keywords = if else\n"
                          "    while\n";

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

int
main(void)
{
	struct language *l;
	struct language_set set;
	char err[512], dir[] = "/tmp/forge-test-lang.XXXXXX", *s;
	const struct language *f;

	CHECK(lang_parse_string(good, "toy.lang", &l, err, sizeof err) == 0);
	CHECK_STR(l->id, "toy");
	CHECK_STR(l->extensions[1], ".ty");
	CHECK_STR(l->artifacts[1], "*.dat");
	CHECK_STR(l->env[1], "MORE=a b");
	CHECK(l->compile_limits.cpu_ms == 5000);
	CHECK(l->compile_limits.mem_bytes == 512ULL << 20);
	s = lang_program_name(l, "program hello;", 14);
	CHECK_STR(s, "hello");
	free(s);
	s = lang_program_name(l, "nothing here", 12);
	CHECK_STR(s, "prog");
	free(s);
	s = lang_source_name(l, "program abc", 11);
	CHECK_STR(s, "abc.toy");
	free(s);
	s = lang_expand(l->run, "x.toy", "x");
	CHECK_STR(s, "/prog/main x");
	free(s);
	lang_free(l);

	/* errors name the file and the line */
	CHECK(lang_parse_string("[language]\nid = x\nbogus = 1\n", "b.lang", &l,
	                        err, sizeof err) < 0);
	CHECK(strstr(err, "b.lang:3") != NULL &&
	      strstr(err, "unknown key 'bogus'") != NULL);
	CHECK(lang_parse_string("[language]\nid = x\nextensions = .x\n"
	                        "source = x\n",
	                        "m.lang", &l, err, sizeof err) < 0);
	CHECK(strstr(err, "missing 'run'") != NULL);
	CHECK(lang_parse_string("[language]\nid = Bad Id\n", "i.lang", &l, err,
	                        sizeof err) < 0);
	CHECK(lang_parse_string("[language]\nid = x\nsource = ../x\n", "s.lang",
	                        &l, err, sizeof err) < 0);
	CHECK(lang_parse_string("[language]\nid=x\nextensions=.x\nsource=x\n"
	                        "run=x\ncompile=cc x\n",
	                        "a.lang", &l, err, sizeof err) < 0);
	CHECK(strstr(err, "artifacts") != NULL);
	CHECK(lang_parse_string("[language]\nid=x\npaths=relative\n", "p.lang",
	                        &l, err, sizeof err) < 0);
	CHECK(lang_parse_string("[compile-limits]\nmemory = 12XB\n", "c.lang",
	                        &l, err, sizeof err) < 0);
	CHECK(strstr(err, "c.lang:2") != NULL);

	/* directories: a later one overrides by id, broken files reported */
	CHECK(mkdtemp(dir) != NULL);
	{
		char a[128], b[128], p[256];
		const char *dirs[2] = {a, b};

		snprintf(a, sizeof a, "%s/sys", dir);
		snprintf(b, sizeof b, "%s/user", dir);
		mkdir(a, 0755);
		mkdir(b, 0755);
		snprintf(p, sizeof p, "%s/c.lang", a);
		write_file(p, "[language]\nid=c\nname=System C\nextensions=.c\n"
		              "source=main.c\nrun=/prog/main\n"
		              "compile=gcc main.c\nartifacts=main\n");
		snprintf(p, sizeof p, "%s/cpp.lang", a);
		write_file(p, "[language]\nid=cpp\nextensions=.cpp .cc .C\n"
		              "source=main.cpp\nrun=/prog/main\n");
		snprintf(p, sizeof p, "%s/mine.lang", b);
		write_file(p, "[language]\nid=c\nname=My C\nextensions=.c .h\n"
		              "source=main.c\nrun=/prog/main\n"
		              "compile=clang main.c\nartifacts=main\n");
		snprintf(p, sizeof p, "%s/broken.lang", b);
		write_file(p, "[language]\nid=broken\nwhat\n");
		snprintf(p, sizeof p, "%s/notes.txt", b);
		write_file(p, "not a language\n");
		lang_load_dirs(&set, dirs, 2);
		f = lang_find_id(&set, "c");
		CHECK(f != NULL && strcmp(f->name, "My C") == 0);
		CHECK(lang_find_id(&set, "CPP") != NULL);
		CHECK(lang_find_id(&set, "broken") == NULL);
		CHECK(set.nerrors == 1 &&
		      strstr(set.errors[0], "broken.lang:3") != NULL);
		f = lang_find_file(&set, "dir.x/prog.cc");
		CHECK(f != NULL && strcmp(f->id, "cpp") == 0);
		f = lang_find_file(&set, "A.C");
		CHECK(f != NULL && strcmp(f->id, "cpp") == 0);
		f = lang_find_file(&set, "a.c");
		CHECK(f != NULL && strcmp(f->id, "c") == 0);
		f = lang_find_file(&set, "x.CPP");
		CHECK(f != NULL && strcmp(f->id, "cpp") == 0);
		CHECK(lang_find_file(&set, "Makefile") == NULL);
		CHECK(lang_find_file(&set, ".c") == NULL);
		CHECK(lang_find_file(&set, "x.rs") == NULL);
		lang_set_free(&set);
		snprintf(p, sizeof p, "rm -rf '%s'", dir);
		CHECK(system(p) == 0);
	}

	/* the shipped Java file: the public class names the source */
	{
		char path[4096];
		const char *src = getenv("FORGE_SRCDIR");

		snprintf(path, sizeof path, "%s/languages/java.lang",
		         src ? src : ".");
		CHECK(lang_parse_file(path, &l, err, sizeof err) == 0);
		if (l != NULL) {
			const char *j1 = "import java.util.*;\n"
			                 "public final class Solution {\n}";
			const char *j2 = "class A {}\nclass B {}\n";
			s = lang_source_name(l, j1, strlen(j1));
			CHECK_STR(s, "Solution.java");
			free(s);
			s = lang_source_name(l, j2, strlen(j2));
			CHECK_STR(s, "Main.java");
			free(s);
			lang_free(l);
		}
	}
	return check_done();
}
