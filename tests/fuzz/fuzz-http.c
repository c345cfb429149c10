/* Fuzz target: the workbench's competitive-companion listener
 * (tui/companion.c): companion_http() on a request as it arrives, byte
 * by byte split where the input says, then companion_parse() on the body
 * it finds, as companion_read() does. The server (forge serve) gets a
 * harness of its own for its request parsing when it exists. */
#include "config.h"

#include "engine/engine.h"
#include "tests/fuzz/fuzz.h"
#include "tui/tui.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct companion_problem p;
	size_t off = 0, len = 0, split, n;
	char err[512];
	int status = 0;
	char *req;

	if (size < 1)
		return 0;
	/* the first byte: how many bytes each read() brings (1 to 256) */
	split = (size_t)data[0] + 1;
	data++;
	size--;
	req = fuzz_cstr(data, size);
	/* the request as the reads grow it: each prefix is NUL-ended, as
	 * the client's buffer is */
	for (n = split < size ? split : size; status == 0; n += split) {
		char keep;

		if (n > size)
			n = size;
		keep = req[n];
		req[n] = '\0';
		status = companion_http(req, n, &off, &len);
		req[n] = keep;
		if (status == 200 && (off > n || len > n - off))
			abort(); /* the body it names must be there */
		if (n == size)
			break;
	}
	if (status == 200 &&
	    companion_parse(req + off, len, &p, err, sizeof err) == 0)
		companion_problem_free(&p);
	free(req);
	return 0;
}
