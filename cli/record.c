/* Recording what a run did as it happened (stdin given, output chunks
 * with their times, usage samples), then saving it to the history. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "cli/cli.h"

void
recorder_init(struct recorder *r, bool enabled)
{
	memset(r, 0, sizeof *r);
	r->enabled = enabled;
	r->cap = history_cap();
	buf_init(&r->in, r->cap);
}

void
recorder_free(struct recorder *r)
{
	size_t i;

	buf_free(&r->in);
	for (i = 0; i < r->nchunks; i++)
		free(r->chunks[i].data);
	free(r->chunks);
	free(r->samples);
	memset(r, 0, sizeof *r);
}

/* Times are from the program's start: the first sample says when that
 * was; output before it counts from its own arrival. */
static int64_t
recorder_now(struct recorder *r)
{
	int64_t now = (int64_t)util_now_ms();

	if (!r->t0_set) {
		r->t0 = now;
		r->t0_set = true;
	}
	return now - r->t0;
}

void
recorder_output(struct recorder *r, int stream, const char *p, size_t n)
{
	struct history_chunk *c;

	if (!r->enabled || n == 0)
		return;
	if (r->chunk_bytes >= 2 * r->cap) {
		r->chunks_truncated = true;
		return;
	}
	if (n > 2 * r->cap - r->chunk_bytes) {
		n = 2 * r->cap - r->chunk_bytes;
		r->chunks_truncated = true;
	}
	r->chunks = xrealloc(r->chunks, (r->nchunks + 1) * sizeof *c);
	c = &r->chunks[r->nchunks++];
	c->t_ms = recorder_now(r);
	c->stream = stream;
	c->data = xstrndup(p, n);
	c->len = n;
	r->chunk_bytes += n;
}

void
recorder_input(struct recorder *r, const char *p, size_t n)
{
	if (r->enabled)
		buf_add(&r->in, p, n);
}

void
recorder_sample(struct recorder *r, const struct box_sample *s)
{
	struct history_sample *h;

	if (!r->enabled)
		return;
	if (!r->t0_set) {
		r->t0 = (int64_t)util_now_ms() - (int64_t)s->t_ms;
		r->t0_set = true;
	}
	if (r->nsamples >= 864000) /* a day's worth */
		return;
	r->samples = xrealloc(r->samples, (r->nsamples + 1) * sizeof *h);
	h = &r->samples[r->nsamples++];
	h->t_ms = (int64_t)s->t_ms;
	h->cpu_ms = (int64_t)s->cpu_ms;
	h->memory_kb = (int64_t)(s->mem_bytes / 1024);
	h->pids = s->pids;
}

/* Hands the recorded timelines to h (which then owns them). */
void
recorder_give(struct recorder *r, struct history_run *h)
{
	h->chunks = r->chunks;
	h->nchunks = r->nchunks;
	h->samples = r->samples;
	h->nsamples = r->nsamples;
	r->chunks = NULL;
	r->nchunks = 0;
	r->samples = NULL;
	r->nsamples = 0;
}

double
record_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Saves the run; its id, or 0 with err (the run is not lost for that:
 * the caller still prints its result). */
int64_t
record_save(const char *db, struct history_run *h, char *err, size_t errlen)
{
	struct history *store =
	    history_open(history_path(db), true, err, errlen);
	int64_t id = 0;

	if (store == NULL)
		return 0;
	if (history_record(store, h, err, errlen) == 0)
		id = h->id;
	history_close(store);
	return id;
}

char *
record_abspath(const char *path)
{
	char *abs = realpath(path, NULL);

	return abs != NULL ? abs : xstrdup(path);
}
