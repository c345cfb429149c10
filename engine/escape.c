/* Text a sandboxed program controls (its stderr, its output in a
 * difference, a checker's words about it, compiler messages quoting its
 * source), made safe to show in a report on a terminal. Raw, it could
 * retitle or clear the terminal, write the clipboard (OSC 52), move the
 * cursor back (CR) to print a fake verdict over the real one, or flip
 * the order of what follows (bidi overrides).
 *
 * Every control character is written as an escape (\r, \t, \xNN), the
 * C1 controls and the bidi overrides as \uNNNN, and each byte that is not
 * part of valid UTF-8 as \xNN; a newline stays a line break when the
 * text is shown as lines. Printable text, UTF-8 included, is kept. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "engine.h"

/* The length of the valid UTF-8 sequence at s (at most n bytes) and its
 * code point, or 0 if the bytes there are not one. */
static size_t
escape_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

/* Code points a terminal acts on rather than shows. */
static bool
escape_unsafe(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) ||     /* C1: CSI, OSC, ... */
	       (c >= 0x202a && c <= 0x202e) || /* bidi embeddings */
	       (c >= 0x2066 && c <= 0x2069) || /* bidi isolates */
	       c == 0x200e || c == 0x200f;     /* direction marks */
}

void
escape_text(struct buf *out, const char *text, size_t n, bool lines)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t len;

		if (c == '\n' && lines) {
			buf_add(out, "\n", 1);
			i++;
		} else if (c == '\t' && lines) {
			buf_add(out, "\t", 1);
			i++;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			buf_addstr(out, c == '\n'   ? "\\n"
			                : c == '\t' ? "\\t"
			                            : "\\r");
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			buf_printf(out, "\\x%02x", c);
			i++;
		} else if (c < 0x80) {
			buf_add(out, text + i, 1);
			i++;
		} else if ((len = escape_utf8(s + i, n - i, &cp)) == 0) {
			buf_printf(out, "\\x%02x", c);
			i++;
		} else {
			if (escape_unsafe(cp))
				buf_printf(out, "\\u%04x", (unsigned)cp);
			else
				buf_add(out, text + i, len);
			i += len;
		}
	}
}

/* A NUL-terminated copy of escape_text's result, for printf("%s"). */
char *
escape_cstr(const char *text, bool lines)
{
	struct buf b;

	buf_init(&b, 0);
	escape_text(&b, text, strlen(text), lines);
	return buf_cstr(&b);
}
