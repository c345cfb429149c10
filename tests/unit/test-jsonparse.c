/* The JSON parser: what it builds, what it refuses and where it says the
 * problem is, and a run exported by history/export.c read back. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/base.h"
#include "history/history.h"
#include "tests/unit/check.h"

static struct jsonparse_value *
parse(const char *s)
{
	return jsonparse_parse(s, strlen(s), NULL);
}

/* The string value of the one-element array json, as bytes. */
static bool
string_is(const char *json, const char *want, size_t wantlen)
{
	struct jsonparse_value *v = parse(json);
	size_t n = 0;
	const char *s = jsonparse_string(jsonparse_at(v, 0), &n);
	bool ok = s != NULL && n == wantlen && memcmp(s, want, n) == 0 &&
	          s[n] == '\0';

	if (!ok)
		fprintf(stderr, "  %s: got %zu bytes\n", json, s ? n : 0);
	jsonparse_free(v);
	return ok;
}

/* The number alone in json: its double, and whether it is a whole
 * int64_t (then *i). */
static bool
number_is(const char *json, double want, bool whole, int64_t want_i)
{
	struct jsonparse_value *v = parse(json);
	int64_t i = 0;
	bool ok = jsonparse_is(v, JSONPARSE_NUMBER) &&
	          jsonparse_number(v) == want &&
	          signbit(jsonparse_number(v)) == signbit(want) &&
	          jsonparse_int(v, &i) == whole && (!whole || i == want_i);

	if (!ok)
		fprintf(stderr, "  %s: %.17g, int %d %lld\n", json,
		        jsonparse_number(v), jsonparse_int(v, &i),
		        (long long)i);
	jsonparse_free(v);
	return ok;
}

/* json (len bytes) is refused at offset, line:column, with msg. */
static bool
bad_n(const char *json, size_t len, size_t offset, size_t line, size_t column,
      const char *msg)
{
	struct jsonparse_error e;
	struct jsonparse_value *v = jsonparse_parse(json, len, &e);
	char text[200];
	bool ok;

	snprintf(text, sizeof text, "line %zu, column %zu: %s", line, column,
	         msg);
	ok = v == NULL && e.offset == offset && e.line == line &&
	     e.column == column && strcmp(e.msg, msg) == 0 &&
	     strcmp(e.text, text) == 0;
	if (!ok)
		fprintf(stderr, "  %.*s: %s, offset %zu (want %zu: %s)\n",
		        (int)len, json, v ? "accepted" : e.text, e.offset,
		        offset, text);
	jsonparse_free(v);
	return ok;
}

static bool
bad(const char *json, size_t offset, size_t line, size_t column,
    const char *msg)
{
	return bad_n(json, strlen(json), offset, line, column, msg);
}

/* n arrays inside each other */
static struct jsonparse_value *
nested(int n, struct jsonparse_error *e)
{
	char *s = xmalloc(2 * (size_t)n);
	struct jsonparse_value *v;

	memset(s, '[', (size_t)n);
	memset(s + n, ']', (size_t)n);
	v = jsonparse_parse(s, 2 * (size_t)n, e);
	free(s);
	return v;
}

static void
test_structure(void)
{
	const char *j = "{\"b\": [1, {\"x\": null}, [], {}], \"a\": true,"
	                " \"c\": \"s\", \"f\": false, \"B\": 2}";
	struct jsonparse_value *v = parse(j);
	const struct jsonparse_value *b;
	size_t n;

	CHECK(jsonparse_type(v) == JSONPARSE_OBJECT);
	CHECK(jsonparse_len(v) == 5);
	/* members keep the input's order */
	CHECK_STR(jsonparse_key(v, 0, &n), "b");
	CHECK(n == 1);
	CHECK_STR(jsonparse_key(v, 1, NULL), "a");
	CHECK_STR(jsonparse_key(v, 2, NULL), "c");
	CHECK_STR(jsonparse_key(v, 3, NULL), "f");
	CHECK_STR(jsonparse_key(v, 4, NULL), "B");
	CHECK(jsonparse_key(v, 5, NULL) == NULL);
	CHECK(jsonparse_at(v, 1) == jsonparse_get(v, "a"));
	/* lookups are case-sensitive */
	CHECK(jsonparse_int(jsonparse_get(v, "B"), &(int64_t){0}));
	CHECK(jsonparse_is(jsonparse_get(v, "b"), JSONPARSE_ARRAY));
	CHECK(jsonparse_get(v, "A") == NULL);
	CHECK(jsonparse_get(v, "") == NULL);
	CHECK(jsonparse_is(jsonparse_get(v, "a"), JSONPARSE_TRUE));
	CHECK(jsonparse_is(jsonparse_get(v, "f"), JSONPARSE_FALSE));
	CHECK_STR(jsonparse_string(jsonparse_get(v, "c"), NULL), "s");
	b = jsonparse_get(v, "b");
	CHECK(jsonparse_len(b) == 4);
	CHECK(jsonparse_number(jsonparse_at(b, 0)) == 1);
	CHECK(jsonparse_is(jsonparse_get(jsonparse_at(b, 1), "x"),
	                   JSONPARSE_NULL));
	CHECK(jsonparse_is(jsonparse_at(b, 2), JSONPARSE_ARRAY));
	CHECK(jsonparse_len(jsonparse_at(b, 2)) == 0);
	CHECK(jsonparse_is(jsonparse_at(b, 3), JSONPARSE_OBJECT));
	CHECK(jsonparse_len(jsonparse_at(b, 3)) == 0);
	CHECK(jsonparse_at(b, 4) == NULL);
	CHECK(jsonparse_at(b, SIZE_MAX) == NULL);
	/* a member of the wrong type, or none, answers "not that" */
	CHECK(jsonparse_get(b, "x") == NULL);
	CHECK(jsonparse_string(jsonparse_get(v, "a"), NULL) == NULL);
	CHECK(jsonparse_strdup(jsonparse_get(v, "b"), NULL) == NULL);
	CHECK(jsonparse_number(jsonparse_get(v, "c")) == 0);
	CHECK(!jsonparse_int(jsonparse_get(v, "c"), &(int64_t){0}));
	CHECK(jsonparse_type(jsonparse_get(v, "nope")) == JSONPARSE_MISSING);
	CHECK(jsonparse_len(NULL) == 0);
	CHECK(jsonparse_len(jsonparse_get(v, "c")) == 0);
	jsonparse_free(v);
	jsonparse_free(NULL);

	/* scalars alone are documents too */
	CHECK(jsonparse_is(v = parse("null"), JSONPARSE_NULL));
	jsonparse_free(v);
	CHECK(jsonparse_is(v = parse("\"x\""), JSONPARSE_STRING));
	jsonparse_free(v);
	CHECK(jsonparse_is(v = parse("7"), JSONPARSE_NUMBER));
	jsonparse_free(v);

	/* duplicate names: both kept in order, the first found */
	v = parse("{\"k\": 1, \"k\": 2}");
	CHECK(jsonparse_len(v) == 2);
	CHECK(jsonparse_number(jsonparse_get(v, "k")) == 1);
	CHECK_STR(jsonparse_key(v, 1, NULL), "k");
	CHECK(jsonparse_number(jsonparse_at(v, 1)) == 2);
	jsonparse_free(v);

	/* a name with a NUL in it is not the name before the NUL */
	v = parse("{\"a\\u0000b\": 1, \"a\": 2}");
	CHECK(jsonparse_number(jsonparse_get(v, "a")) == 2);
	CHECK(jsonparse_key(v, 0, &n) != NULL && n == 3);
	jsonparse_free(v);

	/* a big array: every element, in order */
	{
		struct buf b2;
		size_t i;
		bool all = true;

		buf_init(&b2, 0);
		buf_addstr(&b2, "[");
		for (i = 0; i < 10000; i++)
			buf_printf(&b2, "%s%zu", i ? "," : "", i);
		buf_addstr(&b2, "]");
		v = jsonparse_parse(b2.data, b2.len, NULL);
		CHECK(jsonparse_len(v) == 10000);
		for (i = 0; i < jsonparse_len(v); i++)
			all = all && jsonparse_number(jsonparse_at(v, i)) == i;
		CHECK(all);
		jsonparse_free(v);
		buf_free(&b2);
	}
}

static void
test_strings(void)
{
	char *d;
	size_t n;
	struct jsonparse_value *v;

	CHECK(string_is("[\"\"]", "", 0));
	CHECK(string_is("[\"plain\"]", "plain", 5));
	CHECK(string_is("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "\"\\/\b\f\n\r\t",
	                8));
	CHECK(string_is("[\"\\u0041\\u00e9\\u20AC\"]", "A\xc3\xa9\xe2\x82\xac",
	                6));
	CHECK(string_is("[\"a\\u0000b\"]", "a\0b", 3));
	CHECK(string_is("[\"\\u001f\\u007f\\uffff\"]", "\x1f\x7f\xef\xbf\xbf",
	                5));
	/* surrogate pairs: one character, four bytes of UTF-8 */
	CHECK(string_is("[\"\\ud83d\\ude00\"]", "\xf0\x9f\x98\x80", 4));
	CHECK(string_is("[\"\\uD834\\uDD1E!\"]", "\xf0\x9d\x84\x9e!", 5));
	CHECK(string_is("[\"\\udbff\\udfff\"]", "\xf4\x8f\xbf\xbf", 4));
	CHECK(string_is("[\"\\ud800\\udc00\"]", "\xf0\x90\x80\x80", 4));
	/* UTF-8 as it is, up to four bytes */
	CHECK(string_is("[\"h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"]",
	                "h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 12));
	/* a DEL and bytes above 0x7f need no escape */
	CHECK(string_is("[\"\x7f\"]", "\x7f", 1));

	v = parse("\"x\\u0000y\"");
	d = jsonparse_strdup(v, &n);
	jsonparse_free(v);
	CHECK(d != NULL && n == 3 && memcmp(d, "x\0y", 4) == 0);
	free(d);
}

static void
test_numbers(void)
{
	CHECK(number_is("0", 0, true, 0));
	CHECK(number_is("-0", -0.0, true, 0));
	CHECK(number_is("-0.0", -0.0, true, 0));
	CHECK(number_is("42", 42, true, 42));
	CHECK(number_is("-17", -17, true, -17));
	CHECK(number_is("1.5e-3", 1.5e-3, false, 0));
	CHECK(number_is("1.5", 1.5, false, 0));
	CHECK(number_is("1e308", 1e308, false, 0));
	CHECK(number_is("-1.7976931348623157e308", -1.7976931348623157e308,
	                false, 0));
	CHECK(number_is("1E2", 100, true, 100));
	CHECK(number_is("1e+2", 100, true, 100));
	CHECK(number_is("25e-1", 2.5, false, 0));
	CHECK(number_is("1.0", 1, true, 1));
	CHECK(number_is("4.9e-324", 4.9e-324, false, 0));
	CHECK(number_is("1e-400", 0, true, 0)); /* below a double: 0 */
	/* integers beyond a double's 53 bits stay exact */
	CHECK(number_is("9007199254740993", 9007199254740992.0, true,
	                9007199254740993LL));
	CHECK(number_is("9223372036854775807", 9223372036854775807.0, true,
	                INT64_MAX));
	CHECK(number_is("-9223372036854775808", -9223372036854775808.0, true,
	                INT64_MIN));
	/* one past int64_t: a double, and not a whole int64_t */
	CHECK(
	    number_is("9223372036854775808", 9223372036854775808.0, false, 0));
	CHECK(number_is("-9223372036854775809", -9223372036854775808.0, false,
	                0));
	CHECK(number_is("123456789012345678901234567890",
	                123456789012345678901234567890.0, false, 0));
	CHECK(number_is("1e20", 1e20, false, 0));
}

static void
test_refused(void)
{
	struct jsonparse_error e;

	/* json (len bytes, or 0: up to its NUL), refused at offset, line,
	 * column, with msg */
	static const struct {
		const char *json;
		size_t len, offset, line, column;
		const char *msg;
	} cases[] = {
	    /* nothing, or only space */
	    {"", 0, 0, 1, 1, "expected a value, found the end of the input"},
	    {" \t\r\n ", 0, 5, 2, 2,
	     "expected a value, found the end of the input"},
	    /* after the value: only space */
	    {"{} x", 0, 3, 1, 4, "unexpected 'x' after the value"},
	    {"1 2", 0, 2, 1, 3, "unexpected '2' after the value"},
	    {"[1]]", 0, 3, 1, 4, "unexpected ']' after the value"},
	    {"1\0", 2, 1, 1, 2, "unexpected byte 0x00 after the value"},
	    {"nullx", 0, 4, 1, 5, "unexpected 'x' after the value"},
	    /* punctuation */
	    {"[1,]", 0, 3, 1, 4, "expected a value, found ']'"},
	    {"[1 2]", 0, 3, 1, 4, "expected ',' or ']', found '2'"},
	    {"[1", 0, 2, 1, 3,
	     "expected ',' or ']', found the end of the input"},
	    {"{\"a\" 1}", 0, 5, 1, 6, "expected ':', found '1'"},
	    {"{\"a\":1,}", 0, 7, 1, 8,
	     "expected a member name (a string), found '}'"},
	    {"{a:1}", 0, 1, 1, 2,
	     "expected a member name (a string), found 'a'"},
	    {"{'a':1}", 0, 1, 1, 2,
	     "expected a member name (a string), found '''"},
	    {"{\"a\":1 \"b\":2}", 0, 7, 1, 8,
	     "expected ',' or '}', found '\"'"},
	    {"{\"a\":}", 0, 5, 1, 6, "expected a value, found '}'"},
	    {"[,1]", 0, 1, 1, 2, "expected a value, found ','"},
	    /* words */
	    {"tru", 0, 0, 1, 1, "expected a value, found 't'"},
	    {"[True]", 0, 1, 1, 2, "expected a value, found 'T'"},
	    {"NaN", 0, 0, 1, 1, "expected a value, found 'N'"},
	    {"[Infinity]", 0, 1, 1, 2, "expected a value, found 'I'"},
	    {"/* c */ 1", 0, 0, 1, 1, "expected a value, found '/'"},
	    /* numbers */
	    {"01", 0, 0, 1, 1,
	     "a number cannot start with 0 followed by a digit"},
	    {"[-012]", 0, 1, 1, 2,
	     "a number cannot start with 0 followed by a digit"},
	    {"[00]", 0, 1, 1, 2,
	     "a number cannot start with 0 followed by a digit"},
	    {"-", 0, 1, 1, 2,
	     "expected a digit after '-', found the end of the input"},
	    {"[-x]", 0, 2, 1, 3, "expected a digit after '-', found 'x'"},
	    {"1.", 0, 2, 1, 3,
	     "expected a digit after '.', found the end of the input"},
	    {"1.e5", 0, 2, 1, 3, "expected a digit after '.', found 'e'"},
	    {"1e", 0, 2, 1, 3,
	     "expected a digit in the exponent, found the end of the "
	     "input"},
	    {"1e+", 0, 3, 1, 4,
	     "expected a digit in the exponent, found the end of the "
	     "input"},
	    {"+1", 0, 0, 1, 1, "expected a value, found '+'"},
	    {".5", 0, 0, 1, 1, "expected a value, found '.'"},
	    {"0x10", 0, 1, 1, 2, "unexpected 'x' after the value"},
	    {"[1e400]", 0, 1, 1, 2, "number too large for a double"},
	    {"-1e309", 0, 0, 1, 1, "number too large for a double"},
	    /* strings */
	    {"\"abc", 0, 0, 1, 1, "unterminated string"},
	    {"[\"ab\\", 0, 1, 1, 2, "unterminated string"},
	    {"[\"a\nb\"]", 0, 3, 1, 4,
	     "control character 0x0a in a string (escape it)"},
	    {"\"\t\"", 0, 1, 1, 2,
	     "control character 0x09 in a string (escape it)"},
	    {"\"a\0\"", 4, 2, 1, 3,
	     "control character 0x00 in a string (escape it)"},
	    {"\"\\x\"", 0, 1, 1, 2, "invalid escape: '\\' before 'x'"},
	    {"\"\\'\"", 0, 1, 1, 2, "invalid escape: '\\' before '''"},
	    {"\"\\U0041\"", 0, 1, 1, 2, "invalid escape: '\\' before 'U'"},
	    {"\"ab\\u12\"", 0, 3, 1, 4,
	     "\\u must be followed by four hex digits"},
	    {"\"\\u12", 0, 1, 1, 2, "\\u must be followed by four hex digits"},
	    {"\"\\u00g0\"", 0, 1, 1, 2,
	     "\\u must be followed by four hex digits"},
	    /* surrogates that make no character */
	    {"\"\\ud83d\"", 0, 1, 1, 2, "lone UTF-16 surrogate \\ud83d"},
	    {"\"\\ude00\\ud83d\"", 0, 1, 1, 2, "lone UTF-16 surrogate \\ude00"},
	    {"\"x\\uD83Dy\"", 0, 2, 1, 3, "lone UTF-16 surrogate \\uD83D"},
	    {"\"\\ud83d\\u0041\"", 0, 1, 1, 2, "lone UTF-16 surrogate \\ud83d"},
	    {"\"\\ud83d\\ud83d\"", 0, 1, 1, 2, "lone UTF-16 surrogate \\ud83d"},
	    {"\"\\ud83d\\", 0, 1, 1, 2, "lone UTF-16 surrogate \\ud83d"},
	    /* invalid UTF-8: lone continuation, truncated, overlong, surrogate,
	     * beyond U+10FFFF, a byte never in UTF-8 */
	    {"\"a\x80\"", 0, 2, 1, 3, "invalid UTF-8 (byte 0x80)"},
	    {"\"\xc3\"", 0, 1, 1, 2, "invalid UTF-8 (byte 0xc3)"},
	    {"\"\xe2\x82\"", 0, 1, 1, 2, "invalid UTF-8 (byte 0xe2)"},
	    {"\"\xc0\xaf\"", 0, 1, 1, 2, "invalid UTF-8 (byte 0xc0)"},
	    {"\"\xe0\x80\xaf\"", 0, 1, 1, 2, "invalid UTF-8 (byte 0xe0)"},
	    {"\"\xed\xa0\x80\"", 0, 1, 1, 2, "invalid UTF-8 (byte 0xed)"},
	    {"\"\xf4\x90\x80\x80\"", 0, 1, 1, 2, "invalid UTF-8 (byte 0xf4)"},
	    {"\"\xff\"", 0, 1, 1, 2, "invalid UTF-8 (byte 0xff)"},
	    /* outside strings: a character is named as itself when it is one */
	    {"[\xc3\xa9]", 0, 1, 1, 2, "expected a value, found '\xc3\xa9'"},
	    {"\xff", 0, 0, 1, 1, "expected a value, found byte 0xff"},
	    /* space is space, tab, CR and LF; nothing else */
	    {"[1,\f2]", 0, 3, 1, 4, "expected a value, found byte 0x0c"},
	    {"[1,\v2]", 0, 3, 1, 4, "expected a value, found byte 0x0b"},
	    {"[1,\xc2\xa0"
	     "2]",
	     0, 3, 1, 4, "expected a value, found '\xc2\xa0'"},
	    /* lines and columns: LF ends a line; columns count characters */
	    {"{\n  \"a\": 1,\n  \"b\" 2\n}", 0, 18, 3, 7,
	     "expected ':', found '2'"},
	    {"{\r\n\"a\":\r\n 1 x}", 0, 12, 3, 4,
	     "expected ',' or '}', found 'x'"},
	    {"[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\", x]", 0, 14, 1, 9,
	     "expected a value, found 'x'"},
	    /* a byte order mark is skipped, and not counted as a column */
	    {"\xef\xbb\xbf[x]", 0, 4, 1, 2, "expected a value, found 'x'"},
	};
	size_t k;

	for (k = 0; k < sizeof cases / sizeof cases[0]; k++)
		CHECK(bad_n(cases[k].json,
		            cases[k].len ? cases[k].len : strlen(cases[k].json),
		            cases[k].offset, cases[k].line, cases[k].column,
		            cases[k].msg));

	/* no error to fill: refused all the same */
	CHECK(jsonparse_parse("[", 1, NULL) == NULL);
	/* a refusal after nested values frees them (ASan says so) */
	CHECK(parse("[[1,[2]],{\"a\":[3]},x]") == NULL);
	CHECK(jsonparse_parse("[[1,[2]],{\"a\":[3]},x]", 21, &e) == NULL);
	CHECK(e.offset == 19);
	/* refusals at every prefix of a valid document */
	{
		const char *j = "{\"a\": [1, -2.5e3, \"\\u00e9\\ud83d\\ude00\","
		                " true, false, null, {}], \"b\": {\"c\": []}}";
		size_t i, len = strlen(j), refused = 0;

		for (i = 0; i < len; i++)
			if (jsonparse_parse(j, i, &e) == NULL)
				refused++;
		/* each prefix but the complete "{...}" is refused */
		CHECK(refused == len);
	}
}

static void
test_space_and_bom(void)
{
	struct jsonparse_value *v;

	v = parse(" \t\r\n{ \"a\" \n:\t[ 1 ,\r\n2 ] } \n\t\r ");
	CHECK(jsonparse_len(jsonparse_get(v, "a")) == 2);
	jsonparse_free(v);
	v = parse("\xef\xbb\xbf {\"a\": 1}");
	CHECK(jsonparse_number(jsonparse_get(v, "a")) == 1);
	jsonparse_free(v);
	/* a mark anywhere else is not space */
	CHECK(bad("1\xef\xbb\xbf", 1, 1, 2,
	          "unexpected '\xef\xbb\xbf' after the value"));
}

static void
test_depth(void)
{
	struct jsonparse_error e;
	struct jsonparse_value *v;
	const struct jsonparse_value *w;
	int depth = 0;

	v = nested(256, &e);
	CHECK(v != NULL);
	for (w = v; jsonparse_is(w, JSONPARSE_ARRAY); w = jsonparse_at(w, 0))
		depth++;
	CHECK(depth == 256);
	jsonparse_free(v);
	CHECK(nested(257, &e) == NULL);
	CHECK(e.offset == 256);
	CHECK_STR(e.msg, "nested deeper than 256 arrays and objects");
	/* far deeper: refused as quickly, without recursing */
	CHECK(nested(1000000, &e) == NULL);
	CHECK(e.offset == 256);
	/* objects count too */
	{
		struct buf b;
		int i;

		buf_init(&b, 0);
		for (i = 0; i < 300; i++)
			buf_addstr(&b, i % 2 ? "[" : "{\"k\":");
		CHECK(jsonparse_parse(b.data, b.len, &e) == NULL);
		CHECK(e.offset == 128 * 5 + 128);
		CHECK_STR(e.msg, "nested deeper than 256 arrays and objects");
		buf_free(&b);
	}
}

/* A run as history/export.c writes it, read back member by member. */
static void
test_export_round_trip(void)
{
	static const char detail[] = "line 1: \"3\" \xe2\x89\xa0 \"4\"";
	static const char file[] = "a \"quoted\"\tname.py";
	static const char source[] = "print('\xc3\xa9')\n";
	static const char out_text[] = "3\n\xf0\x9f\x98\x80\n";
	struct history_run r, back;
	struct buf out;
	struct jsonparse_value *v;
	const struct jsonparse_value *x;
	char err[256];
	size_t n;

	history_run_init(&r);
	limits_default_run(&r.limits);
	r.id = 7;
	r.created = 1700000000.25;
	r.kind = xstrdup("judge");
	r.file = xstrdup(file);
	r.language = xstrdup("python3");
	r.source = xstrdup(source);
	r.source_len = strlen(source);
	r.source_hash = xmalloc(65);
	cache_sha256(r.source, r.source_len, r.source_hash);
	r.stdin_data = xmalloc(3); /* not text: base64 */
	memcpy(r.stdin_data, "\x00\xff\x01", 3);
	r.stdin_len = 3;
	r.verdict = xstrdup("WA");
	r.out = xstrdup(out_text);
	r.out_len = strlen(out_text);
	r.out_truncated = true;
	r.time_ms = 12;
	r.wall_ms = 15;
	r.memory_kb = 2048;
	r.tests = xcalloc(1, sizeof *r.tests);
	r.ntests = 1;
	r.tests[0].name = xstrdup("1");
	r.tests[0].verdict = xstrdup("WA");
	r.tests[0].time_ms = 12;
	r.tests[0].has_exit = true;
	r.tests[0].detail = xstrdup(detail);
	r.samples = xcalloc(2, sizeof *r.samples);
	r.nsamples = 2;
	r.samples[0] = (struct history_sample){5, 3, 900, 1};
	r.samples[1] = (struct history_sample){10, 8, 1200, 2};

	buf_init(&out, 0);
	history_export(&r, &out);
	v = jsonparse_parse(out.data, out.len, NULL);
	CHECK(jsonparse_is(v, JSONPARSE_OBJECT));
	CHECK_STR(jsonparse_key(v, 0, NULL), "format");
	CHECK_STR(jsonparse_key(v, 1, NULL), "version");
	CHECK_STR(jsonparse_string(jsonparse_get(v, "format"), NULL),
	          "forge-run");
	CHECK(jsonparse_number(jsonparse_get(v, "created")) == 1700000000.25);
	CHECK_STR(jsonparse_string(jsonparse_get(v, "file"), NULL), r.file);
	CHECK_STR(jsonparse_string(jsonparse_get(v, "source"), NULL), r.source);
	CHECK_STR(jsonparse_string(
	              jsonparse_get(jsonparse_get(v, "stdin"), "base64"), NULL),
	          "AP8B");
	CHECK(jsonparse_is(jsonparse_get(v, "toolchain"), JSONPARSE_NULL));
	CHECK(
	    jsonparse_is(jsonparse_get(v, "stdout_truncated"), JSONPARSE_TRUE));
	CHECK(jsonparse_string(jsonparse_get(v, "stdout"), &n) != NULL &&
	      n == r.out_len);
	x = jsonparse_get(v, "limits");
	CHECK(jsonparse_len(x) == 7);
	CHECK(jsonparse_number(jsonparse_get(x, "time_ms")) ==
	      (double)r.limits.cpu_ms);
	x = jsonparse_at(jsonparse_get(v, "tests"), 0);
	CHECK_STR(jsonparse_string(jsonparse_get(x, "detail"), NULL), detail);
	CHECK(jsonparse_is(jsonparse_get(x, "signal"), JSONPARSE_NULL));
	x = jsonparse_get(v, "samples");
	CHECK(jsonparse_len(x) == 2);
	CHECK(jsonparse_number(jsonparse_at(jsonparse_at(x, 1), 2)) == 1200);
	jsonparse_free(v);

	/* and import gives back the same run */
	CHECK(history_import(out.data, out.len, &back, err, sizeof err) == 0);
	CHECK_STR(back.kind, "judge");
	CHECK_STR(back.file, r.file);
	CHECK(back.created == r.created);
	CHECK(back.stdin_len == 3 &&
	      memcmp(back.stdin_data, r.stdin_data, 3) == 0);
	CHECK(back.out_len == r.out_len &&
	      memcmp(back.out, r.out, r.out_len) == 0);
	CHECK(back.out_truncated && !back.err_truncated);
	CHECK(back.limits.cpu_ms == r.limits.cpu_ms);
	CHECK(back.limits.mem_bytes == r.limits.mem_bytes);
	CHECK(back.limits.pids == r.limits.pids);
	CHECK(back.ntests == 1 && strcmp(back.tests[0].detail, detail) == 0);
	CHECK(back.tests[0].has_exit && back.tests[0].exit_code == 0);
	CHECK(back.nsamples == 2 && back.samples[1].memory_kb == 1200);
	CHECK(back.time_ms == 12 && back.has_exit == false);
	history_run_free(&back);

	/* broken JSON: import says where */
	{
		const char *j = "{\"format\": \"forge-run\",\n \"version\" 1}";
		CHECK(history_import(j, strlen(j), &back, err, sizeof err) < 0);
	}
	CHECK_STR(err, "not a JSON object: line 2, column 12: expected ':', "
	               "found '1'");
	CHECK(history_import("[1]", 3, &back, err, sizeof err) < 0);
	CHECK_STR(err, "not a JSON object");

	buf_free(&out);
	history_run_free(&r);
}

int
main(void)
{
	test_structure();
	test_strings();
	test_numbers();
	test_refused();
	test_space_and_bom();
	test_depth();
	test_export_round_trip();
	return check_done();
}
