/* JSON strings stay valid whatever bytes a program printed. */
#include "config.h"

#include <stdlib.h>

#include "base/base.h"
#include "tests/unit/check.h"

static char *
esc(const char *s, size_t n)
{
	struct buf b;

	buf_init(&b, 0);
	json_escape(&b, s, n);
	return buf_cstr(&b);
}

int
main(void)
{
	char *s;
	struct buf b;
	struct json_writer w;

	CHECK_STR(s = esc("plain", 5), "\"plain\"");
	free(s);
	CHECK_STR(s = esc("a\"b\\c\n\t\r", 8), "\"a\\\"b\\\\c\\n\\t\\r\"");
	free(s);
	CHECK_STR(s = esc("a\0b", 3), "\"a\\u0000b\"");
	free(s);
	CHECK_STR(s = esc("\x1b[31m", 5), "\"\\u001b[31m\"");
	free(s);
	CHECK_STR(s = esc("h\xc3\xa9!", 4), "\"h\xc3\xa9!\"");
	free(s);
	CHECK_STR(s = esc("\xf0\x9f\x98\x80", 4), "\"\xf0\x9f\x98\x80\"");
	free(s);
	/* invalid UTF-8: lone continuation, truncated, overlong, surrogate */
	CHECK_STR(s = esc("\x80", 1), "\"\\ufffd\"");
	free(s);
	CHECK_STR(s = esc("a\xc3", 2), "\"a\\ufffd\"");
	free(s);
	CHECK_STR(s = esc("\xc0\xaf", 2), "\"\\ufffd\\ufffd\"");
	free(s);
	CHECK_STR(s = esc("\xed\xa0\x80", 3), "\"\\ufffd\\ufffd\\ufffd\"");
	free(s);
	CHECK_STR(s = esc("\xff", 1), "\"\\ufffd\"");
	free(s);
	CHECK(json_valid_utf8("h\xc3\xa9", 3));
	CHECK(!json_valid_utf8("\xc3", 1));
	CHECK(!json_valid_utf8("\xf5\x80\x80\x80", 4));

	buf_init(&b, 0);
	w.out = &b;
	w.comma = false;
	json_open(&w, NULL, '{');
	json_cstr(&w, "verdict", "OK");
	json_int(&w, "n", -3);
	json_bool(&w, "t", true);
	json_null(&w, "x");
	json_open(&w, "a", '[');
	json_int(&w, NULL, 1);
	json_cstr(&w, NULL, "two");
	json_close(&w, ']');
	json_close(&w, '}');
	CHECK_STR(buf_cstr(&b), "{\"verdict\":\"OK\",\"n\":-3,\"t\":true,"
	                        "\"x\":null,\"a\":[1,\"two\"]}");
	buf_free(&b);
	return check_done();
}
