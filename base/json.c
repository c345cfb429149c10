/* JSON strings from arbitrary bytes. Programs print anything (NUL bytes,
 * broken UTF-8, escape sequences); the JSON must stay valid: control
 * characters are escaped and each byte that is not part of valid UTF-8
 * becomes U+FFFD. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0. */
size_t
json_utf8_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned c = p[0];
	size_t len, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

bool
json_valid_utf8(const char *s, size_t n)
{
	size_t i = 0, l;

	while (i < n) {
		l = json_utf8_len(s + i, n - i);
		if (l == 0)
			return false;
		i += l;
	}
	return true;
}

void
json_escape(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	char esc[8];

	buf_add(b, "\"", 1);
	while (i < n) {
		unsigned c = p[i];
		size_t l;

		switch (c) {
		case '"':
			buf_add(b, "\\\"", 2);
			i++;
			continue;
		case '\\':
			buf_add(b, "\\\\", 2);
			i++;
			continue;
		case '\n':
			buf_add(b, "\\n", 2);
			i++;
			continue;
		case '\r':
			buf_add(b, "\\r", 2);
			i++;
			continue;
		case '\t':
			buf_add(b, "\\t", 2);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof esc, "\\u%04x", c);
			buf_add(b, esc, 6);
			i++;
			continue;
		}
		l = json_utf8_len(s + i, n - i);
		if (l == 0) {
			buf_add(b, "\\ufffd", 6);
			i++;
			continue;
		}
		buf_add(b, p + i, l);
		i += l;
	}
	buf_add(b, "\"", 1);
}

/* A small streaming writer: one object on one line. */
static void
json_key(struct json_writer *w, const char *key)
{
	if (w->comma)
		buf_add(w->out, ",", 1);
	w->comma = true;
	if (key != NULL) {
		json_escape(w->out, key, strlen(key));
		buf_add(w->out, ":", 1);
	}
}

void
json_open(struct json_writer *w, const char *key, char bracket)
{
	json_key(w, key);
	buf_add(w->out, &bracket, 1);
	w->comma = false;
}

void
json_close(struct json_writer *w, char bracket)
{
	buf_add(w->out, &bracket, 1);
	w->comma = true;
}

void
json_str(struct json_writer *w, const char *key, const char *s, size_t n)
{
	json_key(w, key);
	json_escape(w->out, s, n);
}

void
json_cstr(struct json_writer *w, const char *key, const char *s)
{
	if (s == NULL)
		json_null(w, key);
	else
		json_str(w, key, s, strlen(s));
}

void
json_int(struct json_writer *w, const char *key, long long v)
{
	json_key(w, key);
	buf_printf(w->out, "%lld", v);
}

void
json_bool(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	buf_addstr(w->out, v ? "true" : "false");
}

void
json_null(struct json_writer *w, const char *key)
{
	json_key(w, key);
	buf_addstr(w->out, "null");
}

void
json_double(struct json_writer *w, const char *key, double v)
{
	json_key(w, key);
	if (isfinite(v))
		buf_printf(w->out, "%.6f", v);
	else
		buf_addstr(w->out, "null");
}

/* p in base64 (RFC 4648, with padding), appended to out. */
void
json_base64(struct buf *out, const char *p, size_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                          "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)(unsigned char)p[i] << 16;
		char q[4];

		if (i + 1 < n)
			v |= (unsigned)(unsigned char)p[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)p[i + 2];
		q[0] = b64[(v >> 18) & 63];
		q[1] = b64[(v >> 12) & 63];
		q[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		buf_add(out, q, 4);
	}
}

static int
json_base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* base64 (RFC 4648, either alphabet; padding optional; line breaks
 * skipped, as clients wrap it) decoded, appended to out: 0, or -1 when
 * it is not base64. */
int
json_unbase64(struct buf *out, const char *s, size_t n)
{
	unsigned v = 0, bits = 0;
	bool pad = false;

	for (size_t i = 0; i < n; i++) {
		int x;

		if (s[i] == '\n' || s[i] == '\r' || s[i] == ' ')
			continue;
		if (s[i] == '=') {
			pad = true;
			continue;
		}
		if (pad || (x = json_base64_value(s[i])) < 0)
			return -1;
		v = (v << 6) | (unsigned)x;
		bits += 6;
		if (bits >= 8) {
			char ch;

			bits -= 8;
			ch = (char)((v >> bits) & 0xff);
			buf_add(out, &ch, 1);
		}
	}
	return 0;
}

/* Bytes a program printed: the string (invalid UTF-8 shown as U+FFFD),
 * and where they are not valid UTF-8, key_base64 with the exact bytes. */
void
json_output(struct json_writer *w, const char *key, const char *s, size_t n)
{
	struct buf enc;
	char *k;

	json_str(w, key, s, n);
	if (json_valid_utf8(s, n))
		return;
	buf_init(&enc, 0);
	json_base64(&enc, s, n);
	xasprintf(&k, "%s_base64", key);
	json_str(w, k, buf_cstr(&enc), enc.len);
	free(k);
	buf_free(&enc);
}
