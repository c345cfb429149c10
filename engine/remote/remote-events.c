/* A judge's events, for a caller that keeps each test's output (the
 * workbench's tests view shows what the program printed beside what was
 * expected). GET /v1/runs/{id}/events (Server-Sent Events) streams a
 * judge's tests as they end: what a test's program printed comes as
 * stdout events ({"data": ...}, or data_base64), up to the output limit,
 * just before that test's own event; the stream ends with the result
 * event, which is what GET /v1/runs/{id} answers. The stream is read
 * whole (it ends with the job) and taken apart here, test by test. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/remote/remote.h"

/* One event of the stream text (p, n): its kind and data, by their
 * lines ("event: K", "data: D"; the server writes one data line). */
static void
remote_events_one(const char *p, size_t n, char *kind, size_t klen,
                  const char **data, size_t *dlen)
{
	const char *end = p + n;

	kind[0] = '\0';
	*data = NULL;
	*dlen = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (len > 7 && strncmp(p, "event: ", 7) == 0)
			snprintf(kind, klen, "%.*s", (int)(len - 7), p + 7);
		else if (len >= 6 && strncmp(p, "data: ", 6) == 0) {
			*data = p + 6;
			*dlen = len - 6;
		}
		p += len + 1;
	}
}

/* The stream's result (parsed; NULL when it has none: cut short), and
 * each test's output in the order of the tests' events: outputs[i] for
 * the i-th test (outputs, n: the caller's, freed by
 * remote_events_free). */
struct jsonparse_value *
remote_events_parse(const char *text, size_t len, struct buf **outputs,
                    size_t *n)
{
	struct jsonparse_value *result = NULL;
	struct jsonparse_error e;
	const char *p = text, *end = text + len;
	struct buf out;

	*outputs = NULL;
	*n = 0;
	buf_init(&out, 0);
	while (p < end) {
		const char *sep = memmem(p, (size_t)(end - p), "\n\n", 2);
		size_t elen = sep ? (size_t)(sep - p) : (size_t)(end - p);
		char kind[32];
		const char *data;
		size_t dlen;
		struct jsonparse_value *v;

		remote_events_one(p, elen, kind, sizeof kind, &data, &dlen);
		p += elen + (sep ? 2 : 0);
		if (data == NULL ||
		    (v = jsonparse_parse(data, dlen, &e)) == NULL)
			continue;
		if (strcmp(kind, "stdout") == 0)
			jsonparse_output(v, "data", &out);
		else if (strcmp(kind, "test") == 0) {
			*outputs =
			    xrealloc(*outputs, (*n + 1) * sizeof **outputs);
			(*outputs)[(*n)++] = out;
			buf_init(&out, 0);
		} else if (strcmp(kind, "result") == 0) {
			jsonparse_free(result);
			result = v;
			v = NULL;
		}
		jsonparse_free(v);
	}
	buf_free(&out);
	return result;
}

void
remote_events_free(struct buf *outputs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_free(&outputs[i]);
	free(outputs);
}
