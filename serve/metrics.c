/* Counters for /metrics, in Prometheus's text format, every name
 * prefixed forge_. Each counter is a name and its labels, kept in a list
 * under one lock: a server has few routes, verdicts and languages. */
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

struct metrics {
	pthread_mutex_t lock;
	struct counter *head;
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

static const struct {
	const char *name, *help;
} metrics_help[] = {
    {"forge_http_requests_total", "HTTP requests answered, by route and code"},
    {"forge_rejections_total",
     "requests refused, by reason (auth, rate, queue, size, invalid)"},
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
	pthread_mutex_unlock(&m->lock);
}
