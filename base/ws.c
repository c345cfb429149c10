/* WebSocket frames (RFC 6455): see base/ws.h for the contract. */
#include "config.h"

#include <sha1.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ws.h"

void
ws_reader_init(struct ws_reader *r, bool from_client, size_t max)
{
	memset(r, 0, sizeof *r);
	r->from_client = from_client;
	r->max = max;
	buf_init(&r->in, 0);
	buf_init(&r->msg, 0);
}

void
ws_reader_free(struct ws_reader *r)
{
	buf_free(&r->in);
	buf_free(&r->msg);
}

void
ws_reader_feed(struct ws_reader *r, const void *p, size_t n)
{
	if (!r->failed)
		buf_add(&r->in, p, n);
}

static int
ws_fail(struct ws_reader *r, uint16_t code, const char *why)
{
	r->failed = true;
	r->close_code = code;
	snprintf(r->error, sizeof r->error, "%s", why);
	buf_reset(&r->in);
	buf_reset(&r->msg);
	return -1;
}

/* A close code a peer may send (RFC 6455, 7.4). */
static bool
ws_close_code_ok(unsigned c)
{
	if (c >= 3000 && c <= 4999)
		return true;
	return c >= 1000 && c <= 1014 && c != 1004 && c != 1005 && c != 1006;
}

/* A frame's header: 0 when more bytes are needed, -1 on a violation,
 * else the header's size with the payload's length and the mask. */
static int
ws_header(struct ws_reader *r, const unsigned char *p, size_t have,
          uint64_t *len, bool *masked, unsigned char key[4])
{
	size_t need = 2;
	uint64_t n;

	if (have < 2)
		return 0;
	*masked = (p[1] & 0x80) != 0;
	n = p[1] & 0x7f;
	if (n == 126)
		need += 2;
	else if (n == 127)
		need += 8;
	if (*masked)
		need += 4;
	if (have < need)
		return 0;
	if (n == 126)
		n = (uint64_t)p[2] << 8 | p[3];
	else if (n == 127) {
		n = 0;
		for (int i = 0; i < 8; i++)
			n = n << 8 | p[2 + i];
		if (n >> 63)
			return ws_fail(r, WS_CLOSE_PROTOCOL,
			               "a frame's length has its top bit set");
	}
	if (*masked)
		memcpy(key, p + need - 4, 4);
	*len = n;
	return (int)need;
}

/* The checks of a frame's first byte, mask and length, before its
 * payload is waited for. */
static int
ws_check(struct ws_reader *r, unsigned b0, bool masked, uint64_t len)
{
	unsigned op = b0 & 0x0f;
	bool fin = (b0 & 0x80) != 0;

	if (b0 & 0x70)
		return ws_fail(r, WS_CLOSE_PROTOCOL, "reserved bits are set");
	if (masked != r->from_client)
		return ws_fail(r, WS_CLOSE_PROTOCOL,
		               r->from_client ? "a client's frame is not masked"
		                              : "a server's frame is masked");
	switch (op) {
	case WS_CLOSE:
	case WS_PING:
	case WS_PONG:
		if (!fin || len > 125)
			return ws_fail(r, WS_CLOSE_PROTOCOL,
			               "a control frame is fragmented or over "
			               "125 bytes");
		return 0;
	case WS_CONTINUATION:
		if (r->msg_opcode == 0)
			return ws_fail(r, WS_CLOSE_PROTOCOL,
			               "a continuation frame with no message "
			               "begun");
		break;
	case WS_TEXT:
	case WS_BINARY:
		if (r->msg_opcode != 0)
			return ws_fail(r, WS_CLOSE_PROTOCOL,
			               "a new message inside a fragmented one");
		break;
	default:
		return ws_fail(r, WS_CLOSE_PROTOCOL, "an unknown opcode");
	}
	if (len > r->max || r->msg.len + len > r->max)
		return ws_fail(r, WS_CLOSE_TOO_BIG, "a message is too big");
	return 0;
}

/* A whole data message or control frame, checked: 1, or -1. */
static int
ws_deliver(struct ws_reader *r, int op, struct buf *out)
{
	if (op == WS_TEXT &&
	    !json_valid_utf8(out->data ? out->data : "", out->len))
		return ws_fail(r, WS_CLOSE_INVALID,
		               "a text message is not UTF-8");
	if (op == WS_CLOSE && out->len > 0) {
		if (out->len == 1 ||
		    !ws_close_code_ok(ws_close_code(out->data, out->len)))
			return ws_fail(r, WS_CLOSE_PROTOCOL,
			               "a close frame's code is not valid");
		if (!json_valid_utf8(out->data + 2, out->len - 2))
			return ws_fail(r, WS_CLOSE_INVALID,
			               "a close frame's reason is not UTF-8");
	}
	return 1;
}

int
ws_reader_next(struct ws_reader *r, int *opcode, struct buf *out)
{
	for (;;) {
		const unsigned char *p = (const unsigned char *)r->in.data;
		unsigned char key[4] = {0};
		uint64_t len;
		bool masked;
		int hl, op;
		bool fin;

		if (r->failed)
			return -1;
		if ((hl = ws_header(r, p, r->in.len, &len, &masked, key)) <= 0)
			return hl;
		if (ws_check(r, p[0], masked, len) < 0)
			return -1;
		if (r->in.len - (size_t)hl < len)
			return 0;
		op = p[0] & 0x0f;
		fin = (p[0] & 0x80) != 0;
		/* the payload, unmasked, where it goes */
		{
			struct buf *dst = op >= WS_CLOSE ? out : &r->msg;
			size_t start;

			if (op >= WS_CLOSE)
				buf_reset(out);
			start = dst->len;
			buf_add(dst, p + hl, (size_t)len);
			if (masked)
				for (size_t i = 0; i < (size_t)len; i++)
					dst->data[start + i] ^= key[i & 3];
		}
		memmove(r->in.data, r->in.data + hl + len,
		        r->in.len - (size_t)hl - (size_t)len);
		r->in.len -= (size_t)hl + (size_t)len;
		if (op >= WS_CLOSE) {
			*opcode = op;
			return ws_deliver(r, op, out);
		}
		if (op != WS_CONTINUATION)
			r->msg_opcode = op;
		if (!fin)
			continue; /* more fragments to come */
		*opcode = r->msg_opcode;
		r->msg_opcode = 0;
		buf_reset(out);
		buf_add(out, r->msg.data ? r->msg.data : "", r->msg.len);
		buf_reset(&r->msg);
		return ws_deliver(r, *opcode, out);
	}
}

void
ws_frame(struct buf *b, int opcode, const void *p, size_t n, bool mask,
         uint32_t key)
{
	unsigned char h[14], k[4] = {key >> 24, key >> 16, key >> 8, key};
	size_t hl = 2, start;

	h[0] = 0x80 | (opcode & 0x0f);
	if (n < 126)
		h[1] = (unsigned char)n;
	else if (n <= 0xffff) {
		h[1] = 126;
		h[2] = (unsigned char)(n >> 8);
		h[3] = (unsigned char)n;
		hl = 4;
	} else {
		h[1] = 127;
		for (int i = 0; i < 8; i++)
			h[2 + i] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
		hl = 10;
	}
	if (mask) {
		h[1] |= 0x80;
		memcpy(h + hl, k, 4);
		hl += 4;
	}
	buf_add(b, h, hl);
	start = b->len;
	buf_add(b, n > 0 ? p : "", n);
	if (mask)
		for (size_t i = 0; i < n; i++)
			b->data[start + i] ^= k[i & 3];
}

void
ws_close(struct buf *b, uint16_t code, const char *reason, bool mask,
         uint32_t key)
{
	char p[125];
	size_t n = 0;

	if (code != 0) {
		p[0] = (char)(code >> 8);
		p[1] = (char)(code & 0xff);
		n = 2;
		if (reason != NULL) {
			size_t r = strlen(reason);

			if (r > sizeof p - 2)
				r = sizeof p - 2;
			/* not through the middle of a character */
			while (r > 0 &&
			       ((unsigned char)reason[r] & 0xc0) == 0x80)
				r--;
			memcpy(p + 2, reason, r);
			n += r;
		}
	}
	ws_frame(b, WS_CLOSE, p, n, mask, key);
}

uint16_t
ws_close_code(const char *p, size_t n)
{
	if (n < 2)
		return WS_CLOSE_NO_STATUS;
	return (uint16_t)((unsigned char)p[0] << 8 | (unsigned char)p[1]);
}

int
ws_accept(const char *key, char out[29])
{
	uint8_t digest[SHA1_DIGEST_LENGTH];
	struct buf raw, enc;
	SHA1_CTX c;
	size_t n = key != NULL ? strlen(key) : 0;

	buf_init(&raw, 0);
	if (n != 24 || json_unbase64(&raw, key, n) < 0 || raw.len != 16) {
		buf_free(&raw);
		return -1;
	}
	buf_free(&raw);
	SHA1Init(&c);
	SHA1Update(&c, (const uint8_t *)key, n);
	SHA1Update(&c, (const uint8_t *)WS_GUID, strlen(WS_GUID));
	SHA1Final(digest, &c);
	buf_init(&enc, 0);
	json_base64(&enc, (const char *)digest, sizeof digest);
	snprintf(out, 29, "%s", buf_cstr(&enc));
	buf_free(&enc);
	return 0;
}
