/* Counters for /metrics, in Prometheus's text format, every name
 * prefixed forge_. Each counter is a name and its labels, kept in a list
 * under one lock: a server has few routes, verdicts and languages. The
 * run-duration histogram keeps one row of bucket counts a language. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

struct counter {
	char *key; /* name{labels} */
	uint64_t n;
	struct counter *next;
};

/* The buckets' upper bounds (seconds) of forge_run_duration_seconds:
 * from a cached trivial run to a long judge; +Inf follows them. */
static const double metrics_bounds[] = {0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                        2.5,   5,    10,  30,   60,  300};
#define METRICS_NBOUNDS (sizeof metrics_bounds / sizeof *metrics_bounds)

struct histogram {
	char *language;
	uint64_t buckets[METRICS_NBOUNDS]; /* each, not cumulative */
	uint64_t count;
	double sum;
	struct histogram *next;
};

struct metrics {
	pthread_mutex_t lock;
	struct counter *head;
	struct histogram *durations; /* sorted by language */
};

struct metrics *
metrics_new(void)
{
	struct metrics *m = xcalloc(1, sizeof *m);

	pthread_mutex_init(&m->lock, NULL);
	return m;
}

void
metrics_free(struct metrics *m)
{
	struct counter *c, *next;

	if (m == NULL)
		return;
	for (c = m->head; c != NULL; c = next) {
		next = c->next;
		free(c->key);
		free(c);
	}
	for (struct histogram *h = m->durations, *hn; h != NULL; h = hn) {
		hn = h->next;
		free(h->language);
		free(h);
	}
	pthread_mutex_destroy(&m->lock);
	free(m);
}

/* A label's value, as the text format quotes it. */
static void
metrics_label(struct buf *b, const char *v)
{
	for (; v && *v; v++) {
		if (*v == '"' || *v == '\\')
			buf_add(b, "\\", 1);
		if (*v == '\n')
			buf_addstr(b, "\\n");
		else
			buf_add(b, v, 1);
	}
}

static void
metrics_add(struct metrics *m, const char *key)
{
	struct counter *c;

	pthread_mutex_lock(&m->lock);
	for (c = m->head; c != NULL && strcmp(c->key, key); c = c->next)
		;
	if (c == NULL) {
		c = xcalloc(1, sizeof *c);
		c->key = xstrdup(key);
		/* kept sorted, so that a name's series are together */
		struct counter **p = &m->head;
		while (*p != NULL && strcmp((*p)->key, key) < 0)
			p = &(*p)->next;
		c->next = *p;
		*p = c;
	}
	c->n++;
	pthread_mutex_unlock(&m->lock);
}

void
metrics_http(struct metrics *m, const char *route, unsigned code)
{
	struct buf b;

	buf_init(&b, 0);
	buf_addstr(&b, "forge_http_requests_total{route=\"");
	metrics_label(&b, route);
	buf_printf(&b, "\",code=\"%u\"}", code);
	metrics_add(m, buf_cstr(&b));
	buf_free(&b);
}

void
metrics_reject(struct metrics *m, const char *reason)
{
	struct buf b;

	buf_init(&b, 0);
	buf_addstr(&b, "forge_rejections_total{reason=\"");
	metrics_label(&b, reason);
	buf_addstr(&b, "\"}");
	metrics_add(m, buf_cstr(&b));
	buf_free(&b);
}

void
metrics_run(struct metrics *m, const char *verdict, const char *language,
            const char *backend)
{
	struct buf b;

	buf_init(&b, 0);
	buf_addstr(&b, "forge_runs_total{verdict=\"");
	metrics_label(&b, verdict);
	buf_addstr(&b, "\",language=\"");
	metrics_label(&b, language);
	buf_addstr(&b, "\",backend=\"");
	metrics_label(&b, backend);
	buf_addstr(&b, "\"}");
	metrics_add(m, buf_cstr(&b));
	buf_free(&b);
}

/* A job's time in a worker, from its claim to its result, by language. */
void
metrics_duration(struct metrics *m, const char *language, double seconds)
{
	struct histogram *h, **p;
	size_t i;

	if (language == NULL)
		language = "unknown";
	pthread_mutex_lock(&m->lock);
	for (p = &m->durations;
	     *p != NULL && strcmp((*p)->language, language) < 0;
	     p = &(*p)->next)
		;
	if ((h = *p) == NULL || strcmp(h->language, language) != 0) {
		h = xcalloc(1, sizeof *h);
		h->language = xstrdup(language);
		h->next = *p;
		*p = h;
	}
	for (i = 0; i < METRICS_NBOUNDS && seconds > metrics_bounds[i]; i++)
		;
	if (i < METRICS_NBOUNDS)
		h->buckets[i]++;
	h->count++;
	h->sum += seconds;
	pthread_mutex_unlock(&m->lock);
}

/* The histogram as the text format has it: cumulative buckets, the last
 * le="+Inf" equal to _count, then _sum and _count. */
static void
metrics_write_durations(struct metrics *m, struct buf *b)
{
	const char *name = "forge_run_duration_seconds";

	buf_printf(b,
	           "# HELP %s time of a job in a worker, from its claim to "
	           "its result, by language\n# TYPE %s histogram\n",
	           name, name);
	for (struct histogram *h = m->durations; h != NULL; h = h->next) {
		struct buf lang;
		uint64_t cum = 0;

		buf_init(&lang, 0);
		metrics_label(&lang, h->language);
		for (size_t i = 0; i < METRICS_NBOUNDS; i++) {
			cum += h->buckets[i];
			buf_printf(
			    b, "%s_bucket{language=\"%s\",le=\"%g\"} %llu\n",
			    name, buf_cstr(&lang), metrics_bounds[i],
			    (unsigned long long)cum);
		}
		buf_printf(b, "%s_bucket{language=\"%s\",le=\"+Inf\"} %llu\n",
		           name, buf_cstr(&lang), (unsigned long long)h->count);
		buf_printf(b, "%s_sum{language=\"%s\"} %.6f\n", name,
		           buf_cstr(&lang), h->sum);
		buf_printf(b, "%s_count{language=\"%s\"} %llu\n", name,
		           buf_cstr(&lang), (unsigned long long)h->count);
		buf_free(&lang);
	}
}

static const struct {
	const char *name, *help;
} metrics_help[] = {
    {"forge_http_requests_total", "HTTP requests answered, by route and code"},
    {"forge_rejections_total",
     "requests refused, by reason (auth, rate, queue, size, invalid, "
     "slow)"},
    {"forge_runs_total", "jobs finished, by verdict, language and backend"},
};

void
metrics_write(struct metrics *m, struct serve *s, struct buf *b)
{
	struct counter *c;

	buf_printf(b,
	           "# HELP forge_queue_depth jobs waiting for a worker\n"
	           "# TYPE forge_queue_depth gauge\n"
	           "forge_queue_depth %lld\n"
	           "# HELP forge_workers_busy workers running a job\n"
	           "# TYPE forge_workers_busy gauge\n"
	           "forge_workers_busy %lld\n"
	           "# HELP forge_workers workers started\n"
	           "# TYPE forge_workers gauge\n"
	           "forge_workers %u\n",
	           (long long)queue_count(s->db, QUEUE_QUEUED, NULL),
	           (long long)queue_count(s->db, QUEUE_RUNNING, NULL),
	           s->workers);
	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < sizeof metrics_help / sizeof *metrics_help;
	     i++) {
		size_t n = strlen(metrics_help[i].name);

		buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n",
		           metrics_help[i].name, metrics_help[i].help,
		           metrics_help[i].name);
		for (c = m->head; c != NULL; c = c->next)
			if (strncmp(c->key, metrics_help[i].name, n) == 0 &&
			    c->key[n] == '{')
				buf_printf(b, "%s %llu\n", c->key,
				           (unsigned long long)c->n);
	}
	metrics_write_durations(m, b);
	pthread_mutex_unlock(&m->lock);
}
