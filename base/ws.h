/*
 * WebSocket frames (RFC 6455), both ways: what forge serve's attach reads
 * from a client and writes back, and what a client (the remote backend,
 * the workbench) writes and reads. No sockets here: bytes in, messages
 * out, and frames into a buffer.
 *
 * The reader is strict, since its input comes from the network: a client
 * frame must be masked and a server frame must not be (1002); reserved
 * bits, unknown opcodes, a control frame that is fragmented or longer
 * than 125 bytes, a continuation with no message begun or a new message
 * inside one, a bad close code: 1002. A text message that is not UTF-8:
 * 1007. A message (all its fragments) over the reader's maximum: 1009,
 * refused when its header arrives, so that the reader never holds more
 * than the maximum and one header. After an error the reader gives
 * nothing more: the caller sends a close with ws_reader's code and
 * closes the connection.
 */
#ifndef FORGE_WS_H
#define FORGE_WS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

enum ws_opcode {
	WS_CONTINUATION = 0x0,
	WS_TEXT = 0x1,
	WS_BINARY = 0x2,
	WS_CLOSE = 0x8,
	WS_PING = 0x9,
	WS_PONG = 0xA,
};

/* Close codes (RFC 6455, 7.4.1). */
#define WS_CLOSE_NORMAL      1000
#define WS_CLOSE_GOING_AWAY  1001
#define WS_CLOSE_PROTOCOL    1002
#define WS_CLOSE_UNSUPPORTED 1003
#define WS_CLOSE_NO_STATUS   1005 /* reported, never sent */
#define WS_CLOSE_INVALID     1007
#define WS_CLOSE_POLICY      1008
#define WS_CLOSE_TOO_BIG     1009
#define WS_CLOSE_INTERNAL    1011

/* The GUID a handshake's key is hashed with (RFC 6455, 1.3). */
#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

struct ws_reader {
	bool from_client; /* frames must be masked; else must not be */
	size_t max;       /* a message's bytes at most */
	struct buf in;    /* received, not yet a whole frame */
	struct buf msg;   /* a fragmented message's parts so far */
	int msg_opcode;   /* the fragmented message's; 0: none begun */
	bool failed;
	uint16_t close_code; /* after a failure: what to close with */
	char error[128];     /* and why, one line */
};
void ws_reader_init(struct ws_reader *, bool from_client, size_t max);
void ws_reader_free(struct ws_reader *);
/* Bytes as they arrive; ws_reader_next takes messages out of them. */
void ws_reader_feed(struct ws_reader *, const void *, size_t);
/* The next whole message: 1 with its opcode (WS_TEXT, WS_BINARY, or a
 * control frame's) and its payload in out (replaced); 0 when more bytes
 * are needed; -1 on a violation (close_code and error say which). */
int ws_reader_next(struct ws_reader *, int *opcode, struct buf *out);

/* One whole frame (FIN set) appended to b. mask: a client's frame,
 * masked with key. */
void ws_frame(struct buf *b, int opcode, const void *p, size_t n, bool mask,
              uint32_t key);
/* A close frame: code (0: none) and a reason (cut at 123 bytes). */
void ws_close(struct buf *b, uint16_t code, const char *reason, bool mask,
              uint32_t key);
/* A close frame's payload: its code (WS_CLOSE_NO_STATUS when empty). */
uint16_t ws_close_code(const char *p, size_t n);
/* Sec-WebSocket-Accept for a Sec-WebSocket-Key: -1 when the key is not
 * the base64 of 16 bytes. */
int ws_accept(const char *key, char out[29]);

#endif
