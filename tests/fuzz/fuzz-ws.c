/* Fuzz target: the WebSocket frame reader (base/ws.c), as forge serve's
 * attach runs it on a client's bytes, and as a client runs it on a
 * server's. The first byte picks the side (bit 0) and how many bytes
 * each read brings (the rest, 1 to 128); the reader's maximum is small
 * so that "too big" is reached. What the reader promises is checked:
 * no message over the maximum, no more held than the maximum and a
 * header, a text message in UTF-8, nothing after a failure but the
 * failure, and each message written again by ws_frame reads back the
 * same. */
#include "config.h"

#include "base/ws.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_WS_MAX 4096

/* ws_frame's output for the message, read back by the other side's
 * reader: the same opcode and bytes. */
static void
fuzz_ws_again(bool from_client, int op, const struct buf *m)
{
	struct ws_reader r;
	struct buf f, out;
	int op2 = -1;

	buf_init(&f, 0);
	buf_init(&out, 0);
	ws_frame(&f, op, m->data, m->len, from_client, 0x12345678);
	ws_reader_init(&r, from_client, FUZZ_WS_MAX);
	ws_reader_feed(&r, f.data, f.len);
	if (ws_reader_next(&r, &op2, &out) != 1 || op2 != op ||
	    out.len != m->len ||
	    (m->len > 0 && memcmp(out.data, m->data, m->len) != 0))
		abort();
	ws_reader_free(&r);
	buf_free(&f);
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_reader r;
	struct buf out;
	bool from_client;
	size_t split, off;
	int op = -1, rc = 0;

	if (size < 1)
		return 0;
	from_client = data[0] & 1;
	split = (size_t)(data[0] >> 1) + 1;
	data++;
	size--;
	buf_init(&out, 0);
	ws_reader_init(&r, from_client, FUZZ_WS_MAX);
	for (off = 0; off < size && rc >= 0; off += split) {
		size_t n = size - off < split ? size - off : split;

		ws_reader_feed(&r, data + off, n);
		while ((rc = ws_reader_next(&r, &op, &out)) == 1) {
			if (out.len > FUZZ_WS_MAX)
				abort();
			if (op == WS_TEXT &&
			    !json_valid_utf8(out.data ? out.data : "", out.len))
				abort();
			if (op == WS_CLOSE && (out.len == 1 || out.len > 125))
				abort();
			fuzz_ws_again(from_client, op, &out);
		}
		if (rc == 0 && r.in.len > FUZZ_WS_MAX + 14)
			abort();
	}
	if (rc < 0) {
		if (!r.failed || r.close_code < 1000 || r.error[0] == '\0')
			abort();
		ws_reader_feed(&r, data, size);
		if (ws_reader_next(&r, &op, &out) != -1 || r.in.len != 0)
			abort();
	}
	ws_reader_free(&r);
	buf_free(&out);
	return 0;
}
