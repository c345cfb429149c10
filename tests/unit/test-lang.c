/* Language plugin files: parsing, errors with line numbers, lookup by
 * extension and id, overriding, Java's class name, placeholders. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine/lang-syntax.h"
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
                          "    while\n"
                          "types = int\n"
                          "comment = # //\n"
                          "block_comment = /* */\n"
                          "block_comment = {- -}\n"
                          "strings = \" '\n"
                          "multiline_strings = \"\"\"\n"
                          "raw_strings = `\n"
                          "chars = '\n"
                          "escape = ^\n"
                          "preprocessor = #!\n"
                          "word_chars = $?\n"
                          "digit_separators = '\n"
                          "nested_comments = yes\n"
                          "comment_at_word_start = no\n"
                          "\n[editor]\n"
                          "indent = tabs\n"
                          "indent_width = 2\n"
                          "template = toy.toy\n";

static bool
has_word(char **v, const char *w)
{
	for (; v != NULL && *v != NULL; v++)
		if (strcmp(*v, w) == 0)
			return true;
	return false;
}

/* The [syntax] and [editor] of the good file, and the tables built. */
static void
check_syntax(const struct language *l)
{
	const struct language_syntax *sy = l->syntax;
	const struct lang_token *t;
	size_t i, words = 0;

	CHECK(sy != NULL && sy->defined);
	if (sy == NULL)
		return;
	CHECK(has_word(sy->keywords, "while") && has_word(sy->types, "int"));
	CHECK_STR(sy->comments[0], "#");
	CHECK_STR(sy->comments[1], "//");
	CHECK(sy->block_comments != NULL && sy->block_comments[4] == NULL);
	CHECK_STR(sy->block_comments[2], "{-");
	CHECK_STR(sy->block_comments[3], "-}");
	CHECK_STR(sy->strings[0], "\"");
	CHECK_STR(sy->strings[1], "'");
	CHECK_STR(sy->multiline_strings[0], "\"\"\"");
	CHECK_STR(sy->raw_strings[0], "`");
	CHECK_STR(sy->char_quotes[0], "'");
	CHECK(sy->escape == '^');
	CHECK_STR(sy->preprocessor, "#!");
	CHECK_STR(sy->word_chars, "$?");
	CHECK_STR(sy->digit_separators, "'");
	CHECK(sy->nested_comments && !sy->comment_at_word_start);
	CHECK(l->editor.indent_tabs && l->editor.indent_width == 2 &&
	      l->editor.tab_width == 2);
	CHECK_STR(l->editor.template_name, "toy.toy");
	/* tokens longest first: the triple quote before the single ones */
	CHECK(sy->ntokens == 9);
	CHECK(sy->tokens[0].open_len == 3 &&
	      sy->tokens[0].kind == LANG_TOKEN_MULTILINE);
	for (i = 1; i < sy->ntokens; i++)
		CHECK(sy->tokens[i - 1].open_len >= sy->tokens[i].open_len);
	for (i = 0, t = NULL; i < sy->ntokens; i++)
		if (strcmp(sy->tokens[i].open, "{-") == 0)
			t = &sy->tokens[i];
	CHECK(t != NULL && t->kind == LANG_TOKEN_BLOCK &&
	      strcmp(t->close, "-}") == 0 && t->close_len == 2);
	CHECK((sy->chars['$'] & LANG_CH_WORD) &&
	      (sy->chars['?'] & LANG_CH_WORD));
	CHECK((sy->chars['7'] & LANG_CH_DIGIT) &&
	      !(sy->chars['-'] & LANG_CH_WORD));
	CHECK((sy->chars['{'] & LANG_CH_TOKEN) &&
	      (sy->chars['\''] & LANG_CH_SEP));
	for (i = 0; i <= sy->words_mask; i++)
		if (sy->words[i].word != NULL)
			words++;
	CHECK(words == 4 && sy->word_max == 5);
}

/* Every shipped language has [syntax], sane [editor] settings and a
 * template; the user's templates directory overrides a shipped one. */
static void
check_shipped(const char *src, const char *home)
{
	static const char *ids[] = {"bash",    "c",    "cpp",        "csharp",
	                            "go",      "java", "javascript", "php",
	                            "python3", "ruby", "rust",       "swift"};
	char path[4096], err[512];
	struct language *l;
	size_t i, len;
	char *text;

	for (i = 0; i < sizeof ids / sizeof *ids; i++) {
		snprintf(path, sizeof path, "%s/languages/%s.lang", src,
		         ids[i]);
		l = NULL;
		CHECK(lang_parse_file(path, &l, err, sizeof err) == 0);
		if (l == NULL) {
			fprintf(stderr, "%s\n", err);
			continue;
		}
		CHECK(l->syntax != NULL && l->syntax->keywords != NULL &&
		      l->syntax->comments != NULL && l->syntax->ntokens >= 2);
		CHECK(l->editor.indent_tabs == (strcmp(ids[i], "go") == 0));
		len = 0;
		text = lang_template(l, &len);
		CHECK(text != NULL && len > 20 && strlen(text) == len);
		free(text);
		lang_free(l);
	}

	snprintf(path, sizeof path, "%s/languages/c.lang", src);
	CHECK(lang_parse_file(path, &l, err, sizeof err) == 0);
	snprintf(path, sizeof path, "%s/forge/languages/templates", home);
	CHECK(util_mkdir_p(path, 0755) == 0);
	snprintf(path, sizeof path, "%s/forge/languages/templates/c.c", home);
	check_write(path, "int main(void) { return 0; }\n");
	text = lang_template(l, &len);
	CHECK_STR(text, "int main(void) { return 0; }\n");
	CHECK(len == 29);
	free(text);
	lang_free(l);
}

/* dir/top/languages, a link to dir/to */
static void
languages_link(const char *dir, const char *top, const char *to)
{
	char p[256], q[256];

	snprintf(p, sizeof p, "%s/%s", dir, top);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/%s/languages", dir, top);
	snprintf(q, sizeof q, "%s/%s", dir, to);
	CHECK(symlink(q, p) == 0);
}

/* lang_load_for_file picks what lang_load_all and lang_find_file pick,
 * and reports the broken files that name the extension only. Uses the
 * directories sys/ and user/ made in dir by main. */
static void
check_for_file(const char *dir)
{
	static const char *const files[] = {
	    "a.c",      "x/b.cc", "A.C",   "x.CPP", "h.H",  "x.zz", "x.rs",
	    "Makefile", ".c",     "a.b/c", "y.sp",  "y.lt", "y.in"};
	char p[256], q[256], nc[256], zz[256], sp[256], lt[256], in[256];
	struct language_set all, one;
	const struct language *f, *g;
	size_t i;

	/* $FORGE_DATA_DIR/languages is sys/, the user's directory user/ */
	languages_link(dir, "data", "sys");
	languages_link(dir, "forge", "user");
	snprintf(q, sizeof q, "%s/data", dir);
	setenv("FORGE_DATA_DIR", q, 1);
	/* an override of c that loads no more (after mine.lang, which
	 * then stays), and a broken file naming .zz */
	snprintf(nc, sizeof nc, "%s/user/nc.lang", dir);
	check_write(nc, "[language]\nid=c\nextensions=.c\nsource=main.c\n"
	                "run=/prog/main\ncompile=cc main.c\n");
	snprintf(zz, sizeof zz, "%s/user/zz.lang", dir);
	check_write(zz, "[language]\nid=zz\nextensions=.zz\nsource=m\n"
	                "run=m\n[syntax]\nnope=1\n");
	/* [language] in two parts, and after another section; one
	 * indented, which inih takes for the value's continuation */
	snprintf(sp, sizeof sp, "%s/user/sp.lang", dir);
	check_write(sp, "[language]\nid=sp\nsource=m\nrun=m\n[editor]\n"
	                "tab_width=4\n[language]\nextensions=.sp\n");
	snprintf(in, sizeof in, "%s/user/in.lang", dir);
	check_write(in, "[language]\nid=in\nsource=m\nrun=m\n[editor]\n"
	                "tab_width=4\n  [language]\nextensions=.in\n");
	snprintf(lt, sizeof lt, "%s/user/lt.lang", dir);
	check_write(lt, "[editor]\ntab_width=2\n[language]x\nid=lt\n"
	                "extensions=.lt\nsource=m\nrun=m\n");
	snprintf(p, sizeof p, "%s/data/languages", dir);
	CHECK_STR(lang_system_dir(), p);
	lang_load_all(&all);
	CHECK(all.nerrors == 4);
	for (i = 0; i < sizeof files / sizeof *files; i++) {
		f = lang_find_file(&all, files[i]);
		g = lang_load_for_file(&one, files[i]);
		CHECK((f == NULL) == (g == NULL));
		if (f != NULL && g != NULL) {
			CHECK_STR(g->id, f->id);
			CHECK_STR(g->name, f->name);
			CHECK(g->next == NULL);
		}
		/* nc.lang replaces a language naming .c, .h (and so .C
		 * and .H, in any case): it is checked, and reported */
		if (strcasecmp(files[i], "a.c") == 0 ||
		    strcmp(files[i], "h.H") == 0)
			CHECK(one.nerrors == 1 &&
			      strstr(one.errors[0], "nc.lang") != NULL);
		else if (strcmp(files[i], "x.zz") == 0)
			CHECK(one.nerrors == 1 &&
			      strstr(one.errors[0], "zz.lang:7") != NULL);
		else
			CHECK(one.nerrors == 0);
		lang_set_free(&one);
	}
	f = lang_find_file(&all, "y.sp");
	CHECK(f != NULL && strcmp(f->id, "sp") == 0);
	f = lang_find_file(&all, "y.lt");
	CHECK(f != NULL && strcmp(f->id, "lt") == 0);
	lang_set_free(&all);
	unlink(nc);
	unlink(zz);
	CHECK(lang_find_file(&all, "y.in") == NULL);
	unlink(sp);
	unlink(lt);
	unlink(in);
}

/* One language's id for FILE as lang_load_for_file finds it, or "-". */
static char *
index_pick(const char *file)
{
	struct language_set one;
	const struct language *g = lang_load_for_file(&one, file);
	char *id = xstrdup(g != NULL ? g->id : "-");

	lang_set_free(&one);
	return id;
}

static void
index_check(const char *file, const char *want)
{
	char *id = index_pick(file);

	if (strcmp(id, want) != 0)
		fprintf(stderr, "%s: got %s, wanted %s\n", file, id, want);
	CHECK_STR(id, want);
	free(id);
}

/* The index of the language files (kept in the cache for `forge run`):
 * written once the files have settled, read while they match it (an
 * index edited by hand shows that it is what is read), and passed over
 * once a file or a directory changed. */
static void
check_index(const char *dir)
{
	char data[256], conf[256], cache[256], p[512], ix[512];
	struct engine_config c;
	struct buf b;
	char *at;

	snprintf(data, sizeof data, "%s/ix-data", dir);
	snprintf(conf, sizeof conf, "%s/ix-conf", dir);
	snprintf(cache, sizeof cache, "%s/ix-cache", dir);
	snprintf(p, sizeof p, "%s/languages", data);
	CHECK(util_mkdir_p(p, 0755) == 0);
	CHECK(util_mkdir_p(cache, 0700) == 0);
	setenv("FORGE_DATA_DIR", data, 1);
	setenv("XDG_CONFIG_HOME", conf, 1);
	setenv("FORGE_CACHE_DIR", cache, 1);
	engine_config_env(&c);
	engine_configure(&c);
	engine_config_free(&c);
	snprintf(ix, sizeof ix, "%s/languages.index", cache);
	snprintf(p, sizeof p, "%s/languages/a.lang", data);
	check_write(p, "[language]\nid=a\nextensions=.aa\nsource=m\n"
	               "run=m\n[syntax]\nkeywords=if\n");
	snprintf(p, sizeof p, "%s/languages/b.lang", data);
	check_write(p, "[language]\nid=b\nextensions=.bb .BB2\nsource=m\n"
	               "run=m\n");

	/* files changed just now are read, not indexed */
	{
		struct language_set one;
		const struct language *g = lang_load_for_file(&one, "t.aa");

		CHECK(g != NULL && g->syntax != NULL);
		lang_set_free(&one);
	}
	CHECK(access(ix, F_OK) < 0);
	sleep(3);
	index_check("t.bb2", "b");
	CHECK(access(ix, F_OK) == 0);
	buf_init(&b, 0);
	CHECK(util_read_file(ix, &b, 1 << 20) == 0);
	CHECK(strstr(buf_cstr(&b), "\ta\t.aa\n") != NULL);
	CHECK(strstr(buf_cstr(&b), "\tb\t.bb .BB2\n") != NULL);
	/* found through it, a language comes without the editor's tables */
	{
		struct language_set one;
		const struct language *g = lang_load_for_file(&one, "t.aa");

		CHECK(g != NULL && g->syntax == NULL);
		lang_set_free(&one);
	}

	/* read: a's extension edited in the index is what counts */
	at = strstr(b.data, "\ta\t.aa\n");
	if (at != NULL)
		memcpy(at, "\ta\t.zz\n", 7);
	check_write(ix, buf_cstr(&b));
	index_check("t.zz", "a");
	index_check("t.aa", "-");
	index_check("t.bb", "b");

	/* the user's directory made since, with a file naming .zz: read;
	 * gone again, the index holds again */
	snprintf(p, sizeof p, "%s/forge/languages", conf);
	CHECK(util_mkdir_p(p, 0755) == 0);
	snprintf(p, sizeof p, "%s/forge/languages/u.lang", conf);
	check_write(p, "[language]\nid=u\nextensions=.zz\nsource=m\n"
	               "run=m\n");
	index_check("t.zz", "u");
	CHECK(unlink(p) == 0);
	snprintf(p, sizeof p, "%s/forge/languages", conf);
	CHECK(rmdir(p) == 0);
	index_check("t.zz", "a");

	/* a file written since: the files are read again */
	snprintf(p, sizeof p, "%s/languages/b.lang", data);
	check_write(p, "[language]\nid=b\nextensions=.bb\nsource=m\n"
	               "run=m\n# edited\n");
	index_check("t.zz", "-");
	index_check("t.aa", "a");
	index_check("t.bb", "b");
	buf_free(&b);
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
	check_syntax(l);
	lang_free(l);

	/* [syntax] and [editor]: bad values and unknown keys, by line */
	{
		static const struct {
			const char *text, *msg;
		} bad[] = {
		    {"[syntax]\nkeywords = a\nkeyword = b\n",
		     "x.lang:3: unknown key 'keyword' in [syntax]"},
		    {"[syntax]\n\nblock_comment = /*\n",
		     "x.lang:3: block_comment '/*': give what opens"},
		    {"[syntax]\nblock_comment = /* */ //\n", "x.lang:2:"},
		    {"[syntax]\nescape = \\\\\n",
		     "x.lang:2: escape '\\\\': give one character"},
		    {"[syntax]\nnested_comments = maybe\n",
		     "x.lang:2: nested_comments 'maybe': use yes or no"},
		    {"[syntax]\nword_chars = a$\n", "x.lang:2: word_chars"},
		    {"[syntax]\npreprocessor = # !\n",
		     "x.lang:2: preprocessor"},
		    {"[syntax]\ncomment = "
		     "abcdefghijklmnopq\n",
		     "x.lang:2: comment: 'abcdefghijklmnopq' is longer"},
		    {"[editor]\nindent = 4\n",
		     "x.lang:2: indent '4': use tabs or spaces"},
		    {"[editor]\nindent_width = 0\n",
		     "x.lang:2: indent_width '0': give a number from 1 to 16"},
		    {"[editor]\n\ntab_width = 8x\n",
		     "x.lang:3: tab_width '8x'"},
		    {"[editor]\nindent_width = 17\n", "x.lang:2: indent_width"},
		    {"[editor]\ntemplate = ../t.c\n",
		     "x.lang:2: template '../t.c' must be a plain file name"},
		    {"[editor]\ntabs = 4\n",
		     "x.lang:2: unknown key 'tabs' in [editor]"},
		};
		size_t i;

		for (i = 0; i < sizeof bad / sizeof *bad; i++) {
			l = NULL;
			CHECK(lang_parse_string(bad[i].text, "x.lang", &l, err,
			                        sizeof err) < 0);
			CHECK(l == NULL);
			if (strstr(err, bad[i].msg) == NULL)
				fprintf(stderr, "got '%s' for '%s'\n", err,
				        bad[i].msg);
			CHECK(strstr(err, bad[i].msg) != NULL);
		}
	}

	/* too many delimiters for the highlighter's state */
	{
		struct buf t;
		int i;

		buf_init(&t, 0);
		buf_addstr(&t, "[language]\nid=x\nextensions=.x\nsource=x\n"
		               "run=x\n[syntax]\n");
		for (i = 0; i <= LANG_TOKENS_MAX; i++)
			buf_printf(&t, "strings = q%d\n", i);
		CHECK(lang_parse_string(buf_cstr(&t), "x.lang", &l, err,
		                        sizeof err) < 0);
		CHECK(strstr(err, "more than 64") != NULL);
		buf_free(&t);
	}

	/* the defaults: four spaces, tabs of 8; no syntax, no template */
	CHECK(lang_parse_string("[language]\nid=x\nextensions=.x\nsource=x\n"
	                        "run=x\n",
	                        "x.lang", &l, err, sizeof err) == 0);
	CHECK(!l->editor.indent_tabs && l->editor.indent_width == 4 &&
	      l->editor.tab_width == 8);
	CHECK(l->syntax == NULL);
	CHECK(lang_template(l, NULL) == NULL);
	lang_free(l);
	CHECK(lang_template(NULL, NULL) == NULL);

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
	/* the user's directory, for templates: none here yet */
	setenv("XDG_CONFIG_HOME", dir, 1);
	{
		char a[128], b[128], p[256];
		const char *dirs[2] = {a, b};

		snprintf(a, sizeof a, "%s/sys", dir);
		snprintf(b, sizeof b, "%s/user", dir);
		mkdir(a, 0755);
		mkdir(b, 0755);
		snprintf(p, sizeof p, "%s/c.lang", a);
		check_write(p,
		            "[language]\nid=c\nname=System C\nextensions=.c\n"
		            "source=main.c\nrun=/prog/main\n"
		            "compile=gcc main.c\nartifacts=main\n");
		snprintf(p, sizeof p, "%s/cpp.lang", a);
		check_write(p, "[language]\nid=cpp\nextensions=.cpp .cc .C\n"
		               "source=main.cpp\nrun=/prog/main\n");
		snprintf(p, sizeof p, "%s/mine.lang", b);
		check_write(p, "[language]\nid=c\nname=My C\nextensions=.c .h\n"
		               "source=main.c\nrun=/prog/main\n"
		               "compile=clang main.c\nartifacts=main\n");
		snprintf(p, sizeof p, "%s/broken.lang", b);
		check_write(p, "[language]\nid=broken\nwhat\n");
		snprintf(p, sizeof p, "%s/notes.txt", b);
		check_write(p, "not a language\n");
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
		check_for_file(dir);
		/* a template beside the language's file, in templates/ */
		snprintf(p, sizeof p, "%s/tpl.lang", a);
		check_write(p, "[language]\nid=tpl\nextensions=.t\nsource=m\n"
		               "run=m\n[editor]\ntemplate=new.t\n");
		CHECK(lang_parse_file(p, &l, err, sizeof err) == 0);
		CHECK(lang_template(l, NULL) == NULL);
		snprintf(p, sizeof p, "%s/templates", a);
		mkdir(p, 0755);
		snprintf(p, sizeof p, "%s/templates/new.t", a);
		check_write(p, "begin\nend\n");
		s = lang_template(l, NULL);
		CHECK_STR(s, "begin\nend\n");
		free(s);
		lang_free(l);

		check_shipped(
		    getenv("FORGE_SRCDIR") ? getenv("FORGE_SRCDIR") : ".", dir);
		check_index(dir);
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
