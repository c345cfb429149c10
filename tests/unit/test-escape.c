/* Program text made safe for a terminal: controls escaped, valid UTF-8
 * kept, C1 controls, bidi overrides and broken UTF-8 escaped. */
#include "config.h"

#include <stdlib.h>

#include "engine/engine.h"
#include "tests/unit/check.h"

static char *
esc(const char *s, size_t n, bool lines)
{
	struct buf b;

	buf_init(&b, 0);
	escape_text(&b, s, n, lines);
	return buf_cstr(&b);
}

#define CHECK_ESC(in, lines, want)                                             \
	do {                                                                   \
		char *got_ = esc(in, sizeof in - 1, lines);                    \
		CHECK_STR(got_, want);                                         \
		free(got_);                                                    \
	} while (0)

int
main(void)
{
	CHECK_ESC("plain text", false, "plain text");
	CHECK_ESC("", true, "");
	CHECK_ESC("a\nb\tc", true, "a\nb\tc");
	CHECK_ESC("a\nb\tc", false, "a\\nb\\tc");
	CHECK_ESC("x\ry", true, "x\\ry");
	CHECK_ESC("\033]0;title\007", true, "\\x1b]0;title\\x07");
	CHECK_ESC("\033[2J", false, "\\x1b[2J");
	CHECK_ESC("nul\0here", true, "nul\\x00here");
	CHECK_ESC("del\177", true, "del\\x7f");
	/* UTF-8 text is kept */
	CHECK_ESC("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", true,
	          "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* C1 controls, raw or as UTF-8 */
	CHECK_ESC("\x9b"
	          "31m",
	          true, "\\x9b31m");
	CHECK_ESC("\xc2\x9b"
	          "31m",
	          true, "\\u009b31m");
	/* bidi override and isolate */
	CHECK_ESC("a\xe2\x80\xae"
	          "b\xe2\x81\xa6",
	          true, "a\\u202eb\\u2066");
	/* broken UTF-8: overlong, surrogate, truncated, stray */
	CHECK_ESC("\xc0\xaf", true, "\\xc0\\xaf");
	CHECK_ESC("\xed\xa0\x80", true, "\\xed\\xa0\\x80");
	CHECK_ESC("\xe2\x82", true, "\\xe2\\x82");
	CHECK_ESC("\x80x", true, "\\x80x");
	{
		char *c = escape_cstr("t\033x", false);
		CHECK_STR(c, "t\\x1bx");
		free(c);
	}
	return check_done();
}
