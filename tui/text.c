/* Text from a program or a file, as a curses window shows it: UTF-8 as
 * its characters (wide ones two columns), a byte that is not part of
 * valid UTF-8 as a visible \xNN, a control character as ^X. Columns are
 * counted as drawn, so a line cut at a width never splits a character. */
#include "config.h"

#include <string.h>
#include <wchar.h>

#include "tui/tui.h"

/* One character of s (n > 0 bytes): its length in bytes; *cp the code
 * point, or -1 for a byte that does not start valid UTF-8 (overlong
 * forms, surrogates and code points past U+10FFFF included). */
size_t
text_decode(const char *s, size_t n, long *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len;
	long c, min;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xE0) == 0xC0)
		len = 2, c = u[0] & 0x1F, min = 0x80;
	else if ((u[0] & 0xF0) == 0xE0)
		len = 3, c = u[0] & 0x0F, min = 0x800;
	else if ((u[0] & 0xF8) == 0xF0)
		len = 4, c = u[0] & 0x07, min = 0x10000;
	else {
		*cp = -1;
		return 1;
	}
	if (len > n) {
		*cp = -1;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80) {
			*cp = -1;
			return 1;
		}
		c = c << 6 | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
		*cp = -1;
		return 1;
	}
	*cp = c;
	return len;
}

/* How the character at s is drawn: its columns; into shown (at least 5
 * bytes) the ASCII to draw instead of it, or "" for the character
 * itself. */
static int
text_form(const char *s, long cp, char *shown)
{
	int w;

	shown[0] = '\0';
	if (cp < 0) {
		static const char hex[] = "0123456789ABCDEF";
		unsigned char b = (unsigned char)s[0];
		shown[0] = '\\';
		shown[1] = 'x';
		shown[2] = hex[b >> 4];
		shown[3] = hex[b & 15];
		shown[4] = '\0';
		return 4;
	}
	if (cp < 0x20 || cp == 0x7F) {
		shown[0] = '^';
		shown[1] = (char)(cp == 0x7F ? '?' : cp + '@');
		shown[2] = '\0';
		return 2;
	}
	if (cp < 0x80)
		return 1;
	w = wcwidth((wchar_t)cp);
	if (w < 0 || (cp >= 0x80 && cp < 0xA0)) {
		/* unprintable (a C1 control): its code, visibly */
		snprintf(shown, 8, "<%02lX>", cp & 0xFF);
		return (int)strlen(shown);
	}
	return w;
}

/* The columns s[0..n) takes when drawn. */
size_t
text_width(const char *s, size_t n)
{
	size_t cols = 0;
	char shown[8];

	for (size_t i = 0; i < n;) {
		long cp;
		size_t len = text_decode(s + i, n - i, &cp);
		cols += (size_t)text_form(s + i, cp, shown);
		i += len;
	}
	return cols;
}

/* Draws s[0..n) at y, x within width columns in attribute a; a tab moves
 * to the next multiple of 8 from x. Returns the bytes drawn (the rest
 * did not fit). */
size_t
text_draw(WINDOW *w, int y, int x, int width, const char *s, size_t n, attr_t a)
{
	int col = 0;
	size_t i = 0;
	char shown[8];

	wattrset(w, a);
	while (i < n) {
		long cp;
		size_t len = text_decode(s + i, n - i, &cp);
		int cw;

		if (cp == '\t') {
			int to = (col / 8 + 1) * 8;
			if (to > width)
				to = width;
			while (col < to)
				mvwaddch(w, y, x + col++, ' ');
			i += len;
			if (col >= width)
				break;
			continue;
		}
		cw = text_form(s + i, cp, shown);
		if (col + cw > width)
			break;
		if (shown[0] != '\0')
			mvwaddstr(w, y, x + col, shown);
		else if (cp < 0x80)
			mvwaddch(w, y, x + col, (chtype)cp);
		else if (cw > 0) {
			cchar_t cc;
			wchar_t wc[2] = {(wchar_t)cp, 0};
			setcchar(&cc, wc, a, 0, NULL);
			mvwadd_wch(w, y, x + col, &cc);
		}
		col += cw;
		i += len;
	}
	return i;
}
