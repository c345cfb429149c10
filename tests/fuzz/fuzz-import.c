/* Fuzz target: history/export.c's reader of `forge import` documents,
 * then the export of what it accepted: an imported run is written back
 * out and shown, so nothing it holds may be out of range. */
#include "config.h"

#include "engine/engine.h"
#include "history/history.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), err[512];
	struct history_run r;
	struct buf out;

	memset(&r, 0, sizeof r);
	if (history_import(text, size, &r, err, sizeof err) == 0) {
		if (!(r.created >= 0 && r.created <= HISTORY_TIME_MAX))
			abort(); /* the views cast it to time_t */
		buf_init(&out, 0);
		history_export(&r, &out);
		buf_free(&out);
	} else if (err[0] == '\0')
		abort(); /* a refusal always says why */
	history_run_free(&r);
	free(text);
	return 0;
}
