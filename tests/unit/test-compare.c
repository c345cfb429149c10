/* The output comparator: the Kattis default validator's rules (tokens,
 * letter case, whitespace, float tolerances), the byte-exact mode, the
 * validator flags, and the one-line explanation people read. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "tests/unit/check.h"

/* opts from Kattis validator flags (NULL: the defaults); 0 when accepted */
static int
opts(struct compare_opts *o, enum compare_mode mode, const char *flags)
{
	char err[256];

	compare_opts_default(o);
	o->mode = mode;
	if (flags == NULL)
		return 0;
	err[0] = '\0';
	return compare_parse_flags(o, flags, err, sizeof err);
}

/* out and ans may hold NUL bytes: lengths given */
static bool
same_n(enum compare_mode mode, const char *flags, const char *out, size_t on,
       const char *ans, size_t an)
{
	struct compare_opts o;

	if (opts(&o, mode, flags) < 0) {
		fprintf(stderr, "bad flags in the test: %s\n", flags);
		return false;
	}
	return compare_output(&o, out, on, ans, an, NULL);
}

/* tokens mode with flags: is out accepted for ans? */
static bool
tok(const char *flags, const char *out, const char *ans)
{
	return same_n(COMPARE_TOKENS, flags, out, strlen(out), ans,
	              strlen(ans));
}

static bool
exact(const char *out, const char *ans)
{
	return same_n(COMPARE_EXACT, NULL, out, strlen(out), ans, strlen(ans));
}

/* the explanation of a rejection (freed by the caller); "ACCEPTED" when
 * the output was accepted, so a CHECK_STR on it fails visibly */
static char *
why(enum compare_mode mode, const char *flags, const char *out, const char *ans)
{
	struct compare_opts o;
	struct buf b;

	if (opts(&o, mode, flags) < 0)
		return strdup("BAD FLAGS");
	buf_init(&b, 0);
	if (compare_output(&o, out, strlen(out), ans, strlen(ans), &b)) {
		buf_free(&b);
		return strdup("ACCEPTED");
	}
	return buf_cstr(&b);
}

/* compare_parse_flags: 0 or -1, and its message */
static int
parse(struct compare_opts *o, const char *flags, char *err, size_t n)
{
	compare_opts_default(o);
	err[0] = '\0';
	return compare_parse_flags(o, flags, err, n);
}

static void
test_tokens_default(void)
{
	struct compare_opts o;

	compare_opts_default(&o);
	CHECK(o.mode == COMPARE_TOKENS);
	CHECK(!o.case_sensitive);
	CHECK(!o.space_sensitive);
	CHECK(o.abs_tol < 0);
	CHECK(o.rel_tol < 0);

	CHECK(tok(NULL, "1 2 3\n", "1 2 3\n"));
	/* whitespace of any kind and amount separates tokens */
	CHECK(tok(NULL, "1   2\t3", "1 2 3\n"));
	CHECK(tok(NULL, "  1\n2\n\n3\n\n\n", "1 2 3"));
	CHECK(tok(NULL, "1 2 3", "1 2 3\n"));
	CHECK(tok(NULL, "1\r\n2\r\n", "1\n2\n"));
	CHECK(tok(NULL, "1\n2\n", "1\r\n2\r\n"));
	CHECK(tok(NULL, "a\fb\vc", "a b c"));
	/* but it does separate them */
	CHECK(!tok(NULL, "12 3", "1 2 3"));
	CHECK(!tok(NULL, "1 23", "1 2 3"));
	/* letter case does not matter by default */
	CHECK(tok(NULL, "YES\n", "yes\n"));
	CHECK(tok(NULL, "Possible", "POSSIBLE"));
	CHECK(!tok(NULL, "yes", "no"));
	CHECK(!tok(NULL, "yes", "yess"));
	CHECK(!tok(NULL, "yess", "yes"));
	/* without a tolerance numbers are text */
	CHECK(!tok(NULL, "1.0", "1"));
	CHECK(!tok(NULL, "1e-3", "0.001"));
	CHECK(!tok(NULL, "01", "1"));
	/* order matters */
	CHECK(!tok(NULL, "2 1", "1 2"));
	/* a NUL byte is part of a token, not its end */
	CHECK(!same_n(COMPARE_TOKENS, NULL, "x\0z", 3, "x\0y", 3));
	CHECK(!same_n(COMPARE_TOKENS, NULL, "x\0z", 3, "x", 1));
}

static void
test_case_sensitive(void)
{
	CHECK(!tok("case_sensitive", "YES", "yes"));
	CHECK(!tok("case_sensitive", "Yes", "yes"));
	CHECK(tok("case_sensitive", "yes", "yes"));
	/* whitespace is still free */
	CHECK(tok("case_sensitive", "a   b\n\n", "a b"));
	/* hex digits are text: case_sensitive applies to them too */
	CHECK(!tok("case_sensitive float_tolerance 1", "0X10", "0x10"));
	CHECK(!same_n(COMPARE_TOKENS, "case_sensitive", "x\0z", 3, "x\0y", 3));
}

static void
test_space_change_sensitive(void)
{
	const char *f = "space_change_sensitive";

	CHECK(tok(f, "1 2\n3 4\n", "1 2\n3 4\n"));
	CHECK(!tok(f, "1  2\n", "1 2\n"));
	CHECK(!tok(f, "1\t2\n", "1 2\n"));
	CHECK(!tok(f, "1\n2\n", "1 2\n"));
	CHECK(!tok(f, " 1 2\n", "1 2\n"));
	CHECK(!tok(f, "1 2 \n", "1 2\n"));
	CHECK(!tok(f, "1 2\r\n", "1 2\n"));
	/* a missing or an extra trailing newline matters */
	CHECK(!tok(f, "1 2", "1 2\n"));
	CHECK(!tok(f, "1 2\n", "1 2"));
	CHECK(!tok(f, "1 2\n\n", "1 2\n"));
	CHECK(!tok(f, "", "\n"));
	CHECK(tok(f, "", ""));
	/* letter case still does not matter unless asked */
	CHECK(tok(f, "YES\n", "yes\n"));
	CHECK(!tok("space_change_sensitive case_sensitive", "YES\n", "yes\n"));
	/* numbers within tolerance, whitespace exact */
	CHECK(tok("space_change_sensitive float_tolerance 0.5", "1.25 2\n",
	          "1 2\n"));
	CHECK(!tok("space_change_sensitive float_tolerance 0.5", "1.25  2\n",
	           "1 2\n"));
}

static void
test_float_tolerances(void)
{
	/* absolute: |out - ans| <= eps; the values are exact in binary */
	CHECK(tok("float_absolute_tolerance 0.5", "1.5", "1"));
	CHECK(tok("float_absolute_tolerance 0.5", "0.5", "1"));
	CHECK(!tok("float_absolute_tolerance 0.5", "1.5000001", "1"));
	CHECK(!tok("float_absolute_tolerance 0.5", "0.4999999", "1"));
	CHECK(tok("float_absolute_tolerance 0.25", "-1.25", "-1"));
	CHECK(!tok("float_absolute_tolerance 0.25", "1", "-1"));
	/* absolute only: a big number's small relative error is not enough */
	CHECK(!tok("float_absolute_tolerance 0.5", "1000.75", "1000"));
	/* the usual contest tolerance */
	CHECK(tok("float_absolute_tolerance 1e-6", "3.1415926", "3.14159265"));
	CHECK(!tok("float_absolute_tolerance 1e-6", "3.1415", "3.14159265"));
	CHECK(tok("float_absolute_tolerance 1e-6", "0.000001", "0"));
	/* zero tolerance: numerically equal */
	CHECK(tok("float_absolute_tolerance 0", "1.000", "1"));
	CHECK(!tok("float_absolute_tolerance 0", "1.001", "1"));

	/* relative: |out - ans| <= eps * |ans|, relative to the answer */
	CHECK(tok("float_relative_tolerance 0.5", "6", "4"));
	CHECK(tok("float_relative_tolerance 0.5", "2", "4"));
	CHECK(!tok("float_relative_tolerance 0.5", "6.001", "4"));
	CHECK(!tok("float_relative_tolerance 0.5", "4", "2"));
	CHECK(tok("float_relative_tolerance 0.5", "-6", "-4"));
	CHECK(tok("float_relative_tolerance 0.001", "1000.75", "1000"));
	CHECK(!tok("float_relative_tolerance 0.001", "1001.5", "1000"));
	/* relative only: an answer of 0 takes nothing but 0 */
	CHECK(!tok("float_relative_tolerance 0.5", "0.001", "0"));
	CHECK(tok("float_relative_tolerance 0.5", "0", "0"));

	/* both given: either one suffices */
	CHECK(tok("float_absolute_tolerance 0.5 float_relative_tolerance "
	          "0.001",
	          "1000.75", "1000"));
	CHECK(tok("float_absolute_tolerance 0.5 float_relative_tolerance "
	          "0.001",
	          "0.25", "0.001"));
	CHECK(!tok("float_absolute_tolerance 0.5 float_relative_tolerance "
	           "0.001",
	           "1002", "1000"));

	/* float_tolerance is both */
	CHECK(tok("float_tolerance 0.5", "1000.75", "1000"));
	CHECK(tok("float_tolerance 0.001", "1000.75", "1000"));
	CHECK(tok("float_tolerance 0.5", "0.5", "0"));
	CHECK(!tok("float_tolerance 0.5", "0.75", "0"));
	CHECK(!tok("float_tolerance 0.001", "1002", "1000"));

	/* every number of the output is compared so */
	CHECK(tok("float_tolerance 0.01", "1.001 2.002\n3.003\n", "1 2\n3\n"));
	CHECK(!tok("float_tolerance 0.01", "1.001 2.5\n3.003\n", "1 2\n3\n"));
}

static void
test_float_edges(void)
{
	const char *f = "float_tolerance 1e-9";

	/* exponents are numbers */
	CHECK(tok(f, "1e-3", "0.001"));
	CHECK(tok(f, "0.001", "1e-3"));
	CHECK(tok(f, "1E3", "1000"));
	CHECK(tok(f, "1.5e+2", "150"));
	CHECK(tok(f, "+5", "5"));
	CHECK(tok(f, ".5", "0.5"));
	CHECK(tok(f, "5.", "5"));
	CHECK(tok(f, "-0", "0"));
	CHECK(!tok(f, "1e-2", "0.001"));

	/* infinities and NaN in the answer */
	CHECK(tok(f, "inf", "inf"));
	CHECK(tok(f, "Infinity", "inf"));
	CHECK(tok(f, "INF", "infinity"));
	CHECK(tok(f, "-inf", "-inf"));
	CHECK(!tok(f, "-inf", "inf"));
	CHECK(!tok(f, "inf", "-inf"));
	CHECK(!tok(f, "1e308", "inf"));
	CHECK(!tok("float_tolerance 1e300", "1e308", "inf"));
	CHECK(!tok(f, "nan", "inf"));
	CHECK(tok(f, "nan", "nan"));
	CHECK(tok(f, "NaN", "nan"));
	CHECK(!tok(f, "0", "nan"));
	CHECK(!tok(f, "inf", "nan"));
	/* ... and in the output only */
	CHECK(!tok(f, "nan", "5"));
	CHECK(!tok("float_tolerance 1e300", "nan", "5"));
	CHECK(!tok(f, "inf", "5"));
	CHECK(!tok("float_tolerance 1e300", "inf", "1e300"));

	/* a number in the answer wants a number in the output */
	CHECK(!tok("float_tolerance 1e9", "three", "3.5"));
	CHECK(!tok("float_tolerance 1e9", "3.5x", "3.5"));
	CHECK(!tok("float_tolerance 1e9", "3,5", "3.5"));
	CHECK(!tok("float_tolerance 1e9", "-", "3.5"));
	CHECK(!tok("float_tolerance 1e9", ".", "3.5"));
	CHECK(!tok("float_tolerance 1e9", "e5", "3.5"));
	/* text in the answer is still text, case-insensitive */
	CHECK(tok(f, "Yes", "YES"));
	CHECK(!tok(f, "1", "one"));

	/* hexadecimal is text, never a number */
	CHECK(tok("float_tolerance 1", "0x10", "0x10"));
	CHECK(tok("float_tolerance 1", "0X10", "0x10"));
	CHECK(!tok("float_tolerance 1", "16", "0x10"));
	CHECK(!tok("float_tolerance 100", "0x10", "16"));
	CHECK(!tok("float_tolerance 100", "0x1p4", "16"));
}

static void
test_extra_missing_empty(void)
{
	CHECK(!tok(NULL, "1 2 3\n", "1 2\n"));
	CHECK(!tok(NULL, "1\n", "1 2\n"));
	CHECK(!tok(NULL, "1 2\nextra\n", "1 2\n"));
	CHECK(!tok("float_tolerance 1", "1 2 3", "1 2"));
	CHECK(!tok("float_tolerance 1", "1", "1 2"));
	/* empty output against empty (or blank) answer: accepted */
	CHECK(tok(NULL, "", ""));
	CHECK(tok(NULL, "", "\n"));
	CHECK(tok(NULL, "\n\n  ", ""));
	/* empty output against an answer: rejected, and the other way */
	CHECK(!tok(NULL, "", "5\n"));
	CHECK(!tok(NULL, "5\n", ""));
	CHECK(!tok(NULL, "\n", "0"));
}

static void
test_exact(void)
{
	CHECK(exact("", ""));
	CHECK(exact("1 2\n", "1 2\n"));
	CHECK(!exact("1 2", "1 2\n"));
	CHECK(!exact("1 2\n", "1 2"));
	CHECK(!exact("1 2\n\n", "1 2\n"));
	CHECK(!exact("1  2\n", "1 2\n"));
	CHECK(!exact("1 2\r\n", "1 2\n"));
	CHECK(!exact("YES\n", "yes\n"));
	CHECK(!exact("", "\n"));
	CHECK(!exact("\n", ""));
	/* a NUL byte is compared too */
	CHECK(!same_n(COMPARE_EXACT, NULL, "a\0b", 3, "a\0c", 3));
	CHECK(same_n(COMPARE_EXACT, NULL, "a\0b", 3, "a\0b", 3));
	CHECK(!same_n(COMPARE_EXACT, NULL, "a\0", 2, "a", 1));
	/* tolerances and flags have no say in exact mode */
	{
		struct compare_opts o;
		compare_opts_default(&o);
		o.mode = COMPARE_EXACT;
		o.abs_tol = 1;
		CHECK(!compare_output(&o, "1.5\n", 4, "1\n", 2, NULL));
		CHECK(!compare_output(&o, "1.0\n", 4, "1\n", 2, NULL));
	}
}

static void
test_parse_flags(void)
{
	struct compare_opts o;
	char err[256];

	CHECK(parse(&o, "", err, sizeof err) == 0);
	CHECK(!o.case_sensitive && !o.space_sensitive);
	CHECK(o.abs_tol < 0 && o.rel_tol < 0);

	CHECK(parse(&o, "case_sensitive", err, sizeof err) == 0);
	CHECK(o.case_sensitive && !o.space_sensitive);
	CHECK(parse(&o, "space_change_sensitive", err, sizeof err) == 0);
	CHECK(o.space_sensitive && !o.case_sensitive);

	CHECK(parse(&o, "float_tolerance 1e-6", err, sizeof err) == 0);
	CHECK(o.abs_tol == 1e-6 && o.rel_tol == 1e-6);
	CHECK(parse(&o, "float_absolute_tolerance 0.25", err, sizeof err) == 0);
	CHECK(o.abs_tol == 0.25 && o.rel_tol < 0);
	CHECK(parse(&o, "float_relative_tolerance 0.125", err, sizeof err) ==
	      0);
	CHECK(o.rel_tol == 0.125 && o.abs_tol < 0);
	CHECK(parse(&o, "float_absolute_tolerance 0", err, sizeof err) == 0);
	CHECK(o.abs_tol == 0);

	/* several, with any spaces or tabs between */
	CHECK(parse(&o,
	            "  case_sensitive\tspace_change_sensitive  "
	            "float_absolute_tolerance 1e-3  float_relative_tolerance "
	            "1e-4 ",
	            err, sizeof err) == 0);
	CHECK(o.case_sensitive && o.space_sensitive);
	CHECK(o.abs_tol == 1e-3 && o.rel_tol == 1e-4);
	/* newlines separate words too: a YAML block scalar (validator_flags: |)
	 * gives "float_tolerance 1e-6\n"; problemtools splits on any space */
	CHECK(parse(&o, "float_tolerance 1e-6\n", err, sizeof err) == 0);
	CHECK(o.abs_tol == 1e-6);
	CHECK(parse(&o, "case_sensitive\nfloat_tolerance 0.5", err,
	            sizeof err) == 0);
	CHECK(o.case_sensitive && o.abs_tol == 0.5);
	/* a later one wins */
	CHECK(parse(&o, "float_tolerance 0.5 float_relative_tolerance 0.25",
	            err, sizeof err) == 0);
	CHECK(o.abs_tol == 0.5 && o.rel_tol == 0.25);

	/* flags add to what is set already (command line, then package) */
	compare_opts_default(&o);
	o.case_sensitive = true;
	CHECK(compare_parse_flags(&o, "float_tolerance 0.5", err, sizeof err) ==
	      0);
	CHECK(o.case_sensitive && o.abs_tol == 0.5);

	/* unknown words are rejected, named */
	CHECK(parse(&o, "case_sensitive bogus_flag", err, sizeof err) < 0);
	CHECK(strstr(err, "bogus_flag") != NULL);
	CHECK(strstr(err, "unknown") != NULL);
	CHECK(parse(&o, "Case_Sensitive", err, sizeof err) < 0);
	CHECK(strstr(err, "Case_Sensitive") != NULL);
	/* a number where a flag belongs */
	CHECK(parse(&o, "1e-6", err, sizeof err) < 0);
	CHECK(strstr(err, "1e-6") != NULL);
	CHECK(parse(&o, "case_sensitive 5", err, sizeof err) < 0);

	/* a tolerance needs a non-negative, finite number */
	CHECK(parse(&o, "float_tolerance", err, sizeof err) < 0);
	CHECK(strstr(err, "float_tolerance") != NULL);
	CHECK(strstr(err, "number") != NULL);
	CHECK(parse(&o, "float_absolute_tolerance", err, sizeof err) < 0);
	CHECK(strstr(err, "float_absolute_tolerance") != NULL);
	CHECK(parse(&o, "float_relative_tolerance", err, sizeof err) < 0);
	CHECK(strstr(err, "float_relative_tolerance") != NULL);
	CHECK(parse(&o, "float_tolerance -1e-6", err, sizeof err) < 0);
	CHECK(strstr(err, "-1e-6") != NULL);
	CHECK(parse(&o, "float_absolute_tolerance -0.5", err, sizeof err) < 0);
	CHECK(strstr(err, "-0.5") != NULL);
	CHECK(parse(&o, "float_tolerance abc", err, sizeof err) < 0);
	CHECK(strstr(err, "abc") != NULL);
	CHECK(parse(&o, "float_tolerance 1e-6x", err, sizeof err) < 0);
	CHECK(parse(&o, "float_tolerance nan", err, sizeof err) < 0);
	CHECK(parse(&o, "float_tolerance inf", err, sizeof err) < 0);
	/* the next flag is not a number */
	CHECK(parse(&o, "float_tolerance case_sensitive", err, sizeof err) < 0);
}

static void
test_why(void)
{
	char *s;
	char long_tok[61];

	/* tokens: the line and the token of the output, both shown */
	CHECK_STR(s = why(COMPARE_TOKENS, NULL, "1 2\n3 X\n", "1 2\n3 4\n"),
	          "line 2, token 2: expected '4', got 'X'");
	free(s);
	CHECK_STR(s = why(COMPARE_TOKENS, NULL, "7\n", "8\n"),
	          "line 1, token 1: expected '8', got '7'");
	free(s);
	CHECK_STR(
	    s = why(COMPARE_TOKENS, "float_tolerance 1e-6", "1.5 2", "1.5 2.1"),
	    "line 1, token 2: expected '2.1', got '2'");
	free(s);
	/* extra and missing tokens */
	CHECK_STR(s = why(COMPARE_TOKENS, NULL, "1 2 3\n", "1 2\n"),
	          "extra output at line 1: '3' (the answer has 2 tokens)");
	free(s);
	CHECK_STR(s = why(COMPARE_TOKENS, NULL, "1 2\n\nmore\n", "1 2\n"),
	          "extra output at line 3: 'more' (the answer has 2 tokens)");
	free(s);
	CHECK_STR(s = why(COMPARE_TOKENS, NULL, "1\n", "1 2\n"),
	          "the output ends early: expected '2' (token 2 of the "
	          "answer, line 1)");
	free(s);
	CHECK_STR(s = why(COMPARE_TOKENS, NULL, "", "5\n"),
	          "the output ends early: expected '5' (token 1 of the "
	          "answer, line 1)");
	free(s);
	/* control characters are shown escaped */
	CHECK_STR(s = why(COMPARE_TOKENS, NULL, "a\x01z", "abz"),
	          "line 1, token 1: expected 'abz', got 'a\\x01z'");
	free(s);
	/* whitespace, when it matters, is shown escaped */
	CHECK_STR(s = why(COMPARE_TOKENS, "space_change_sensitive", "1  2\n",
	                  "1 2\n"),
	          "line 1, token 2: expected ' ', got '  '");
	free(s);
	CHECK_STR(s = why(COMPARE_TOKENS, "space_change_sensitive", "1\t2\n",
	                  "1 2\n"),
	          "line 1, token 2: expected ' ', got '\\t'");
	free(s);
	/* a CRLF where the answer has LF: on line 1, a real token number */
	s = why(COMPARE_TOKENS, "space_change_sensitive", "1 2\r\n", "1 2\n");
	CHECK(strstr(s, "expected '\\n', got '\\r\\n'") != NULL);
	CHECK(strstr(s, "line 1,") != NULL);
	CHECK(strstr(s, "token 0") == NULL);
	free(s);
	/* a missing trailing newline is named, at the line it ends */
	s = why(COMPARE_TOKENS, "space_change_sensitive", "1 2", "1 2\n");
	CHECK(strstr(s, "'\\n'") != NULL);
	CHECK(strstr(s, "ends early") != NULL);
	CHECK(strstr(s, "line 1") != NULL);
	free(s);
	s = why(COMPARE_TOKENS, "space_change_sensitive", "1 2\n", "1 2");
	CHECK(strstr(s, "'\\n'") != NULL);
	CHECK(strstr(s, "extra output") != NULL);
	CHECK(strstr(s, "line 1") != NULL);
	free(s);
	/* the same wrong word is the same token with or without
	 * space_change_sensitive */
	CHECK_STR(s = why(COMPARE_TOKENS, "space_change_sensitive",
	                  "1 2\n3 5\n", "1 2\n3 4\n"),
	          "line 2, token 2: expected '4', got '5'");
	free(s);

	/* long tokens are elided after 40 characters */
	memset(long_tok, 'a', 60);
	long_tok[60] = '\0';
	CHECK_STR(s = why(COMPARE_TOKENS, NULL, long_tok, "b"),
	          "line 1, token 1: expected 'b', got "
	          "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'... (20 more)");
	free(s);
	CHECK_STR(s = why(COMPARE_TOKENS, NULL, "b", long_tok),
	          "line 1, token 1: expected "
	          "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'... (20 more), "
	          "got 'b'");
	free(s);
	/* exactly 40 is shown whole */
	long_tok[40] = '\0';
	CHECK_STR(s = why(COMPARE_TOKENS, NULL, long_tok, "b"),
	          "line 1, token 1: expected 'b', got "
	          "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'");
	free(s);

	/* exact: line and column, and the lines around */
	CHECK_STR(s = why(COMPARE_EXACT, NULL, "hello world\nfoo\n",
	                  "hello world\nfob\n"),
	          "line 2, column 3: expected 'fob', got 'foo'");
	free(s);
	CHECK_STR(s = why(COMPARE_EXACT, NULL, "1  2\n", "1 2\n"),
	          "line 1, column 3: expected '1 2', got '1  2'");
	free(s);
	s = why(COMPARE_EXACT, NULL, "abc", "abc\n");
	CHECK(strstr(s, "line 1, column 4") != NULL);
	CHECK(strstr(s, "end of the output") != NULL);
	free(s);
	/* a long line is shown from a little before the difference */
	s = why(COMPARE_EXACT, NULL,
	        "0123456789012345678901234567890123456789X",
	        "0123456789012345678901234567890123456789Y");
	CHECK(strstr(s, "line 1, column 41") != NULL);
	CHECK(strstr(s, "Y'") != NULL);
	CHECK(strstr(s, "X'") != NULL);
	free(s);
	/* a missing newline: the message must show it is the newline */
	s = why(COMPARE_EXACT, NULL, "", "\n");
	CHECK(strstr(s, "\\n") != NULL);
	free(s);
	s = why(COMPARE_EXACT, NULL, "abc\n", "abc");
	CHECK(strstr(s, "\\n") != NULL);
	free(s);

	/* accepted output: nothing written */
	{
		struct compare_opts o;
		struct buf b;

		compare_opts_default(&o);
		buf_init(&b, 0);
		CHECK(compare_output(&o, "1\n", 2, "1", 1, &b));
		CHECK(b.len == 0);
		buf_free(&b);
	}
}

/* Output is bytes (the Kattis default validator's rule): bytes >= 0x80
 * and NULs are parts of tokens like any other, compared one by one, and
 * shown escaped where they are not UTF-8. */
static void
test_binary_tokens(void)
{
	struct compare_opts o;
	struct buf b;

	/* equal bytes: accepted, whatever they are */
	CHECK(same_n(COMPARE_TOKENS, NULL, "caf\xe9 \xff\0\xfe\n", 9,
	             "caf\xe9 \xff\0\xfe\n", 9));
	/* whitespace around them is still whitespace */
	CHECK(same_n(COMPARE_TOKENS, NULL, "  \xff\0\xfe\n\n", 7, "\xff\0\xfe",
	             3));
	/* one byte differs: rejected; a NUL is not the end of a token */
	CHECK(!same_n(COMPARE_TOKENS, NULL, "\xff\0\xfd", 3, "\xff\0\xfe", 3));
	CHECK(!same_n(COMPARE_TOKENS, NULL, "a\0b", 3, "a\0c", 3));
	CHECK(!same_n(COMPARE_TOKENS, NULL, "a", 1, "a\0", 2));
	/* letter case folds ASCII only: \xc9 is not \xe9 */
	CHECK(!same_n(COMPARE_TOKENS, NULL, "caf\xc9", 4, "caf\xe9", 4));
	CHECK(same_n(COMPARE_TOKENS, NULL, "CAF\xe9", 4, "caf\xe9", 4));
	/* a byte that is not a number is text under a tolerance too */
	CHECK(!same_n(COMPARE_TOKENS, "float_tolerance 1e-6", "1.0\xff", 4,
	              "1.0", 3));
	/* exact: byte for byte */
	CHECK(same_n(COMPARE_EXACT, NULL, "\0\x80\n", 3, "\0\x80\n", 3));
	CHECK(!same_n(COMPARE_EXACT, NULL, "\0\x80\n", 3, "\0\x81\n", 3));

	/* the explanation is text: invalid bytes and NULs escaped, valid
	 * UTF-8 as it is */
	compare_opts_default(&o);
	buf_init(&b, 0);
	CHECK(!compare_output(&o, "caf\xc3\xa9 \xff\0\xfd", 9,
	                      "caf\xc3\xa9 \xff\0\xfe", 9, &b));
	CHECK_STR(buf_cstr(&b),
	          "line 1, token 2: expected '\\xff\\x00\\xfe', got "
	          "'\\xff\\x00\\xfd'");
	CHECK(json_valid_utf8(b.data, b.len));
	buf_reset(&b);
	CHECK(!compare_output(&o, "caf\xe9", 4, "caf\xc3\xa9", 5, &b));
	CHECK_STR(buf_cstr(&b),
	          "line 1, token 1: expected 'caf\xc3\xa9', got 'caf\\xe9'");
	buf_reset(&b);
	o.mode = COMPARE_EXACT;
	CHECK(!compare_output(&o, "x\x80y\n", 4, "x\x81y\n", 4, &b));
	CHECK_STR(buf_cstr(&b), "line 1, column 2: expected 'x\\x81y', got "
	                        "'x\\x80y'");
	buf_free(&b);
}

int
main(void)
{
	test_binary_tokens();
	test_tokens_default();
	test_case_sensitive();
	test_space_change_sensitive();
	test_float_tolerances();
	test_float_edges();
	test_extra_missing_empty();
	test_exact();
	test_parse_flags();
	test_why();
	return check_done();
}
