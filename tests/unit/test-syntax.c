/* The highlighter, with the shipped language files: each line is checked
 * against a picture of its classes, one letter per byte. */
#include "config.h"

#include <stdlib.h>

#include "engine/engine.h"
#include "tests/unit/check.h"
#include "tui/syntax.h"

/* t text, k keyword, y type, s string, c comment, n number, p preproc */
static const char syntax_letters[SYNTAX_NCLASSES + 1] = "tkyscnp";

static struct language *
load(const char *id)
{
	char path[4096], err[512];
	const char *src = getenv("FORGE_SRCDIR");
	struct language *l = NULL;

	snprintf(path, sizeof path, "%s/languages/%s.lang", src ? src : ".",
	         id);
	if (lang_parse_file(path, &l, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	return l;
}

/* Classifies line from state and compares with picture; returns the state
 * at its end. */
static int
expect_line(const struct language *l, int state, const char *line,
            const char *picture, int line_no)
{
	size_t len = strlen(line), i;
	unsigned char cls[512];
	char got[512];
	int out;

	memset(cls, 0xee, sizeof cls);
	out = syntax_line(l, state, line, len, cls);
	for (i = 0; i < len; i++)
		got[i] =
		    cls[i] < SYNTAX_NCLASSES ? syntax_letters[cls[i]] : '?';
	got[len] = '\0';
	check_count++;
	if (strlen(picture) != len || strcmp(got, picture) != 0) {
		check_failures++;
		fprintf(stderr,
		        "%s:%d: FAIL:\n  line     %s\n  expected %s\n"
		        "  got      %s\n",
		        __FILE__, line_no, line, picture, got);
	}
	CHECK(cls[len] == 0xee); /* nothing written past the line */
	return out;
}

#define EXPECT(l, state, line, picture)                                        \
	expect_line(l, state, line, picture, __LINE__)

static void
test_c(void)
{
	struct language *c = load("c"), *cpp = load("cpp");
	int s;

	EXPECT(c, 0, "int main(void) {", "yyyttttttyyyyttt");
	EXPECT(c, 0, "intx = returned + ifx;", "tttttttttttttttttttttt");
	EXPECT(c, 0, "return 0;", "kkkkkktnt");
	EXPECT(c, 0, "static unsigned long x;", "kkkkkktyyyyyyyytyyyyttt");
	/* strings with escaped quotes, and char literals */
	EXPECT(c, 0, "s = \"a\\\"b\" + 'x' + '\\'';",
	       "ttttsssssstttssstttsssst");
	EXPECT(c, 0, "puts(\"// not a comment\");",
	       "tttttsssssssssssssssssstt");
	/* comments */
	EXPECT(c, 0, "x = 1; // if int \"q\"", "ttttnttccccccccccccc");
	s = EXPECT(c, 0, "a /* if", "ttccccc");
	CHECK(s != 0);
	s = EXPECT(c, s, "   int */ int", "ccccccccctyyy");
	CHECK(s == 0);
	s = EXPECT(c, 0, "/**/ x", "cccctt");
	CHECK(s == 0);
	s = EXPECT(c, 0, "/* a", "cccc");
	s = EXPECT(c, s, "", "");
	s = EXPECT(c, s, "still */", "cccccccc");
	CHECK(s == 0);
	/* preprocessor lines, continued with a backslash */
	EXPECT(c, 0, "#include <stdio.h>", "pppppppppppppppppp");
	EXPECT(c, 0, "  # define N 10 // max", "ppppppppppppppppcccccc");
	EXPECT(c, 0, "#include \"x.h\"", "pppppppppsssss");
	s = EXPECT(c, 0, "#define F(x) \\", "pppppppppppppp");
	CHECK(s != 0);
	s = EXPECT(c, s, "    ((x) + 1)", "ppppppppppppp");
	CHECK(s == 0);
	EXPECT(c, s, "x = y # z;", "tttttttttt");
	/* numbers */
	EXPECT(c, 0, "0x1F 1e-9 1.5f 10ULL .5 1'000'000",
	       "nnnntnnnntnnnntnnnnntnntnnnnnnnnn");
	EXPECT(c, 0, "a-1 x1 0x1e-5 1e+3", "ttnttttnnnntntnnnn");
	EXPECT(c, 0, "f(1.)", "ttnnt");
	EXPECT(c, 0, "a[0x1p-3]", "ttnnnnnnt");
	/* a string left open ends with its line, unless escaped */
	s = EXPECT(c, 0, "\"open", "sssss");
	CHECK(s == 0);
	s = EXPECT(c, 0, "\"open \\", "sssssss");
	CHECK(s != 0);
	s = EXPECT(c, s, "go\" int", "ssstyyy");
	CHECK(s == 0);
	EXPECT(cpp, 0, "vector<int> v; auto x = nullptr;",
	       "yyyyyytyyytttttkkkktttttkkkkkkkt");
	EXPECT(cpp, 0, "class A : public B {};", "kkkkktttttkkkkkktttttt");
	lang_free(c);
	lang_free(cpp);
}

static void
test_python(void)
{
	struct language *py = load("python3");
	int s;

	EXPECT(py, 0, "def f(x): # if int", "kkktttttttcccccccc");
	EXPECT(py, 0, "s = 'it''s' + \"#\"", "ttttssssssstttsss");
	s = EXPECT(py, 0, "x = \"\"\"doc 'if'", "ttttsssssssssss");
	CHECK(s != 0);
	s = EXPECT(py, s, "more \" and ''' and \\\"\"\" still",
	           "sssssssssssssssssssssssssssss");
	CHECK(s != 0);
	s = EXPECT(py, s, "end\"\"\" if", "sssssstkk");
	CHECK(s == 0);
	s = EXPECT(py, 0, "y = '''a''' + \"\" + 1", "ttttssssssstttsstttn");
	CHECK(s == 0);
	s = EXPECT(py, 0, "z = '''", "ttttsss");
	CHECK(s != 0);
	s = EXPECT(py, s, "'''", "sss");
	CHECK(s == 0);
	EXPECT(py, 0, "return None", "kkkkkktkkkk");
	lang_free(py);
}

static void
test_rust(void)
{
	struct language *rs = load("rust");
	int s;

	EXPECT(rs, 0, "fn f<'a>(x: &'a str) -> char {",
	       "kkttttttttttttttyyytttttyyyytt");
	EXPECT(rs, 0, "let c = 'x'; let d = '\\n';",
	       "kkktttttsssttkkktttttsssst");
	EXPECT(rs, 0, "let e = '\\u{1F600}';", "kkktttttssssssssssst");
	EXPECT(rs, 0, "let s: &'static str = \"a\";",
	       "kkktttttttttttttyyytttssst");
	EXPECT(rs, 0, "'outer: loop {", "ttttttttkkkktt");
	EXPECT(rs, 0, "let h = 'é';", "kkktttttsssst");
	EXPECT(rs, 0, "x = 1_000u64 + 0..10;", "ttttnnnnnnnntttnttnnt");
	EXPECT(rs, 0, "#[derive(Debug)]", "pppppppppppppppp");
	/* strings and nested block comments run over lines */
	s = EXPECT(rs, 0, "let t = \"one", "kkktttttssss");
	CHECK(s != 0);
	s = EXPECT(rs, s, "two\"; let", "ssssttkkk");
	CHECK(s == 0);
	s = EXPECT(rs, 0, "/* a /* b */", "cccccccccccc");
	CHECK(s != 0);
	s = EXPECT(rs, s, "c */ fn", "cccctkk");
	CHECK(s == 0);
	lang_free(rs);
}

static void
test_bash(void)
{
	struct language *sh = load("bash");
	int s;

	EXPECT(sh, 0, "if [ $# -gt 0 ]; then # args",
	       "kkttttttttttnttttkkkktcccccc");
	EXPECT(sh, 0, "echo ${#a[@]} a#b", "ttttttttttttttttt");
	EXPECT(sh, 0, "x='a\\' y", "ttsssstt");
	EXPECT(sh, 0, "echo \\\"not a string", "ttttttttttttttttttt");
	EXPECT(sh, 0, "echo $done done", "tttttttttttkkkk");
	s = EXPECT(sh, 0, "msg=\"two", "ttttssss");
	CHECK(s != 0);
	s = EXPECT(sh, s, "lines\" fi", "sssssstkk");
	CHECK(s == 0);
	lang_free(sh);
}

static void
test_javascript(void)
{
	struct language *js = load("javascript");
	int s;

	s = EXPECT(js, 0, "const t = `a ${x}", "kkkkktttttsssssss");
	CHECK(s != 0);
	s = EXPECT(js, s, "b \\` c` + 'q';", "ssssssstttssst");
	CHECK(s == 0);
	EXPECT(js, 0, "let $if = 1; // x", "kkktttttttnttcccc");
	lang_free(js);
}

static void
test_misc(void)
{
	struct language *go = load("go"), *l;
	char err[512];
	unsigned char cls[16];
	int s;

	/* Go's raw strings: no escapes, over lines */
	s = EXPECT(go, 0, "s := `a\\", "tttttsss");
	CHECK(s != 0);
	s = EXPECT(go, s, "\\` + \"\\\"\"", "sstttssss");
	CHECK(s == 0);
	lang_free(go);

	/* no language, or none without [syntax]: plain text */
	CHECK(syntax_line(NULL, 5, "int x", 5, cls) == 0);
	CHECK(cls[0] == SYNTAX_TEXT && cls[4] == SYNTAX_TEXT);
	CHECK(lang_parse_string("[language]\nid=x\nextensions=.x\nsource=x\n"
	                        "run=x\n",
	                        "x.lang", &l, err, sizeof err) == 0);
	memset(cls, 0xee, sizeof cls);
	CHECK(syntax_line(l, 0, "if \"a\" 1", 8, cls) == 0);
	CHECK(cls[0] == SYNTAX_TEXT && cls[4] == SYNTAX_TEXT &&
	      cls[7] == SYNTAX_TEXT && cls[8] == 0xee);
	lang_free(l);

	/* a state from another language, or garbage, does no harm */
	CHECK(lang_parse_string("[language]\nid=x\nextensions=.x\nsource=x\n"
	                        "run=x\n[syntax]\nkeywords = if\n"
	                        "escape = none\n",
	                        "x.lang", &l, err, sizeof err) == 0);
	EXPECT(l, 0x7fff, "if \\ if", "kktttkk");
	lang_free(l);
}

int
main(void)
{
	test_c();
	test_python();
	test_rust();
	test_bash();
	test_javascript();
	test_misc();
	return check_done();
}
