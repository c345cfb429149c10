/* The WebSocket frame codec (base/ws.c): RFC 6455's own examples, every
 * violation a strict reader must refuse with its close code, messages
 * split at every byte, and a round trip through both sides. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/ws.h"
#include "tests/unit/check.h"

/* One message out of bytes: the result of ws_reader_next. */
static int
one(bool from_client, size_t max, const void *p, size_t n, int *op,
    struct buf *out, uint16_t *code)
{
	struct ws_reader r;
	int rc;

	ws_reader_init(&r, from_client, max);
	ws_reader_feed(&r, p, n);
	rc = ws_reader_next(&r, op, out);
	*code = r.close_code;
	ws_reader_free(&r);
	return rc;
}

/* RFC 6455, 5.7: the examples, byte for byte. */
static void
test_rfc_examples(void)
{
	static const unsigned char unmasked[] = {0x81, 0x05, 0x48, 0x65,
	                                         0x6c, 0x6c, 0x6f};
	static const unsigned char masked[] = {
	    0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
	static const unsigned char frag[] = {0x01, 0x03, 0x48, 0x65, 0x6c,
	                                     0x80, 0x02, 0x6c, 0x6f};
	static const unsigned char ping[] = {0x89, 0x05, 0x48, 0x65,
	                                     0x6c, 0x6c, 0x6f};
	struct buf out, b;
	uint16_t code;
	int op = -1;

	buf_init(&out, 0);
	CHECK(one(false, 1024, unmasked, sizeof unmasked, &op, &out, &code) ==
	      1);
	CHECK(op == WS_TEXT && out.len == 5 &&
	      memcmp(out.data, "Hello", 5) == 0);
	CHECK(one(true, 1024, masked, sizeof masked, &op, &out, &code) == 1);
	CHECK(op == WS_TEXT && out.len == 5 &&
	      memcmp(out.data, "Hello", 5) == 0);
	CHECK(one(false, 1024, frag, sizeof frag, &op, &out, &code) == 1);
	CHECK(op == WS_TEXT && out.len == 5 &&
	      memcmp(out.data, "Hello", 5) == 0);
	CHECK(one(false, 1024, ping, sizeof ping, &op, &out, &code) == 1);
	CHECK(op == WS_PING && out.len == 5);

	/* and the writer makes them */
	buf_init(&b, 0);
	ws_frame(&b, WS_TEXT, "Hello", 5, false, 0);
	CHECK(b.len == sizeof unmasked && memcmp(b.data, unmasked, b.len) == 0);
	buf_reset(&b);
	ws_frame(&b, WS_TEXT, "Hello", 5, true, 0x37fa213d);
	CHECK(b.len == sizeof masked && memcmp(b.data, masked, b.len) == 0);
	buf_free(&b);
	buf_free(&out);
}

/* RFC 6455, 1.3: the handshake's example key. */
static void
test_accept(void)
{
	char acc[29];

	CHECK(ws_accept("dGhlIHNhbXBsZSBub25jZQ==", acc) == 0);
	CHECK_STR(acc, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	CHECK(ws_accept("not a key", acc) < 0);
	CHECK(ws_accept("dGhlIHNhbXBsZSBub25j", acc) < 0); /* 15 bytes */
	CHECK(ws_accept(NULL, acc) < 0);
}

/* Lengths of every encoding, masked, split at every byte. */
static void
test_sizes_and_splits(void)
{
	static const size_t sizes[] = {0,   1,     125,   126,
	                               127, 65535, 65536, 70000};
	struct buf out;

	buf_init(&out, 0);
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		char *p = xmalloc(sizes[i] + 1);
		struct ws_reader r;
		struct buf f;
		size_t step = sizes[i] > 200 ? 997 : 1;
		int op = -1, rc = 0;

		for (size_t k = 0; k < sizes[i]; k++)
			p[k] = (char)(k * 7);
		buf_init(&f, 0);
		ws_frame(&f, WS_BINARY, p, sizes[i], true, 0xa1b2c3d4);
		ws_reader_init(&r, true, 1 << 20);
		for (size_t off = 0; off < f.len && rc == 0; off += step) {
			size_t n = f.len - off < step ? f.len - off : step;

			ws_reader_feed(&r, f.data + off, n);
			rc = ws_reader_next(&r, &op, &out);
			if (off + n < f.len)
				CHECK(rc == 0);
		}
		CHECK(rc == 1 && op == WS_BINARY && out.len == sizes[i]);
		CHECK(sizes[i] == 0 || memcmp(out.data, p, sizes[i]) == 0);
		CHECK(r.in.len == 0);
		ws_reader_free(&r);
		buf_free(&f);
		free(p);
	}
	buf_free(&out);
}

/* A ping between the fragments of a message, as RFC 6455 allows. */
static void
test_interleaved_control(void)
{
	static const unsigned char in[] = {
	    0x02, 0x82, 0, 0, 0, 0, 'a', 'b', /* binary, not final */
	    0x89, 0x80, 0, 0, 0, 0,           /* ping */
	    0x80, 0x81, 0, 0, 0, 0, 'c',      /* continuation, final */
	};
	struct ws_reader r;
	struct buf out;
	int op = -1;

	buf_init(&out, 0);
	ws_reader_init(&r, true, 1024);
	ws_reader_feed(&r, in, sizeof in);
	CHECK(ws_reader_next(&r, &op, &out) == 1 && op == WS_PING);
	CHECK(ws_reader_next(&r, &op, &out) == 1 && op == WS_BINARY);
	CHECK(out.len == 3 && memcmp(out.data, "abc", 3) == 0);
	CHECK(ws_reader_next(&r, &op, &out) == 0);
	ws_reader_free(&r);
	buf_free(&out);
}

/* Each violation and its close code. */
static void
test_violations(void)
{
	static const struct {
		const char *name;
		bool from_client;
		unsigned char b[16];
		size_t n;
		uint16_t code;
	} cases[] = {
	    {"unmasked from a client",
	     true,
	     {0x81, 0x01, 'x'},
	     3,
	     WS_CLOSE_PROTOCOL},
	    {"masked from a server",
	     false,
	     {0x81, 0x81, 0, 0, 0, 0, 'x'},
	     7,
	     WS_CLOSE_PROTOCOL},
	    {"reserved bit",
	     true,
	     {0xc1, 0x81, 0, 0, 0, 0, 'x'},
	     7,
	     WS_CLOSE_PROTOCOL},
	    {"opcode 3", true, {0x83, 0x80, 0, 0, 0, 0}, 6, WS_CLOSE_PROTOCOL},
	    {"fragmented ping",
	     true,
	     {0x09, 0x80, 0, 0, 0, 0},
	     6,
	     WS_CLOSE_PROTOCOL},
	    {"long ping",
	     true,
	     {0x89, 0xfe, 0, 126, 0, 0, 0, 0},
	     8,
	     WS_CLOSE_PROTOCOL},
	    {"lone continuation",
	     true,
	     {0x80, 0x81, 0, 0, 0, 0, 'x'},
	     7,
	     WS_CLOSE_PROTOCOL},
	    {"message in a message",
	     true,
	     {0x01, 0x80, 0, 0, 0, 0, 0x81, 0x80, 0, 0, 0, 0},
	     12,
	     WS_CLOSE_PROTOCOL},
	    {"top length bit",
	     true,
	     {0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0},
	     14,
	     WS_CLOSE_PROTOCOL},
	    {"too big",
	     true,
	     {0x82, 0xfe, 0x10, 0x00, 0, 0, 0, 0},
	     8,
	     WS_CLOSE_TOO_BIG},
	    {"bad UTF-8",
	     true,
	     {0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28},
	     8,
	     WS_CLOSE_INVALID},
	    {"close of one byte",
	     true,
	     {0x88, 0x81, 0, 0, 0, 0, 3},
	     7,
	     WS_CLOSE_PROTOCOL},
	    {"close code 1005",
	     true,
	     {0x88, 0x82, 0, 0, 0, 0, 0x03, 0xed},
	     8,
	     WS_CLOSE_PROTOCOL},
	    {"close code 999",
	     true,
	     {0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe7},
	     8,
	     WS_CLOSE_PROTOCOL},
	};
	struct buf out;

	buf_init(&out, 0);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		uint16_t code = 0;
		int op = -1, rc;

		rc = one(cases[i].from_client, 1024, cases[i].b, cases[i].n,
		         &op, &out, &code);
		if (rc != -1 || code != cases[i].code)
			fprintf(stderr, "case '%s': rc %d code %u\n",
			        cases[i].name, rc, code);
		CHECK(rc == -1 && code == cases[i].code);
	}
	buf_free(&out);
}

/* A message made of fragments, each small, over the maximum: refused at
 * the header that crosses it, before its payload arrives. */
static void
test_fragments_over_max(void)
{
	struct ws_reader r;
	struct buf f, out;
	char part[100] = {0};
	int op = -1, rc = 0;

	buf_init(&f, 0);
	buf_init(&out, 0);
	ws_reader_init(&r, true, 250);
	ws_frame(&f, WS_BINARY, part, sizeof part, true, 1);
	f.data[0] &= 0x7f; /* not final */
	ws_reader_feed(&r, f.data, f.len);
	for (int i = 0; i < 2; i++) {
		buf_reset(&f);
		ws_frame(&f, WS_CONTINUATION, part, sizeof part, true, 1);
		f.data[0] &= 0x7f;
		ws_reader_feed(&r, f.data, f.len);
	}
	rc = ws_reader_next(&r, &op, &out);
	CHECK(rc == -1 && r.close_code == WS_CLOSE_TOO_BIG);
	/* and nothing after it */
	ws_reader_feed(&r, f.data, f.len);
	CHECK(ws_reader_next(&r, &op, &out) == -1 && r.in.len == 0);
	ws_reader_free(&r);
	buf_free(&f);
	buf_free(&out);
}

/* A close frame: its code and reason both ways; a reason cut on a
 * character's boundary. */
static void
test_close(void)
{
	struct buf f, out;
	char reason[200];
	uint16_t code;
	int op = -1;

	buf_init(&f, 0);
	buf_init(&out, 0);
	ws_close(&f, WS_CLOSE_TOO_BIG, "too big", false, 0);
	CHECK(one(false, 1024, f.data, f.len, &op, &out, &code) == 1);
	CHECK(op == WS_CLOSE && ws_close_code(out.data, out.len) == 1009);
	CHECK(out.len == 9 && memcmp(out.data + 2, "too big", 7) == 0);
	memset(reason, 0, sizeof reason);
	for (size_t i = 0; i + 2 < sizeof reason; i += 2)
		memcpy(reason + i, "\xc3\xa9", 2); /* é */
	buf_reset(&f);
	ws_close(&f, WS_CLOSE_NORMAL, reason, true, 7);
	CHECK(f.data[1] == (char)(0x80 | 124)); /* 2 + 122: not 123 */
	CHECK(one(true, 1024, f.data, f.len, &op, &out, &code) == 1);
	CHECK(op == WS_CLOSE && out.len == 124);
	buf_reset(&f);
	ws_close(&f, 0, NULL, false, 0);
	CHECK(f.len == 2 && ws_close_code(f.data + 2, 0) == WS_CLOSE_NO_STATUS);
	buf_free(&f);
	buf_free(&out);
}

int
main(void)
{
	test_rfc_examples();
	test_accept();
	test_sizes_and_splits();
	test_interleaved_control();
	test_violations();
	test_fragments_over_max();
	test_close();
	return check_done();
}
