/* A growable byte buffer. With a limit, bytes past it are counted as
 * dropped (truncated = true) instead of stored: output of untrusted
 * programs is kept bounded this way. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

void
buf_init(struct buf *b, size_t limit)
{
	memset(b, 0, sizeof *b);
	b->limit = limit;
}

static void
buf_grow(struct buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;

	while (cap < need + 1)
		cap *= 2;
	if (cap != b->cap) {
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->limit != 0 && b->len + n > b->limit) {
		b->truncated = true;
		n = b->len < b->limit ? b->limit - b->len : 0;
	}
	if (n == 0)
		return;
	buf_grow(b, b->len + n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_add(b, s, (size_t)n);
	free(s);
}

/* Always a valid string, even for an empty buffer. */
char *
buf_cstr(struct buf *b)
{
	buf_grow(b, b->len);
	b->data[b->len] = '\0';
	return b->data;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->truncated = false;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* The buffer's bytes to f (none: nothing written); 0, or -1 when they
 * could not all be written. */
int
buf_write(const struct buf *b, FILE *f)
{
	if (b->len == 0)
		return 0;
	return fwrite(b->data, 1, b->len, f) == b->len ? 0 : -1;
}
