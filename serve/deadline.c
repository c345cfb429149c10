/* Slow clients: libmicrohttpd closes a connection that sends nothing for
 * SERVE_CONN_TIMEOUT seconds, but one that sends a byte a second is
 * never quiet. Each connection here has a clock that runs while a
 * request is being read (from the connection's opening, or from the
 * previous response, until the request's last byte): one still reading
 * after SERVE_REQUEST_TIME seconds is shut down, and libmicrohttpd
 * closes it. A request being read holds no worker and no thread (the
 * thread pool polls every connection), so slow clients cost a socket
 * and a little memory each, both bounded by the connection limits. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "serve/serve.h"

struct deadline {
	int fd;
	uint64_t since_ms; /* when its clock started */
	bool reading;      /* a request is being read */
	bool cut;
	struct deadline *prev, *next;
};

struct deadlines {
	pthread_mutex_t lock;
	struct deadline *head;
	uint64_t limit_ms;
};

struct deadlines *
deadlines_new(unsigned seconds)
{
	struct deadlines *d = xcalloc(1, sizeof *d);

	pthread_mutex_init(&d->lock, NULL);
	d->limit_ms = (uint64_t)seconds * 1000;
	return d;
}

void
deadlines_free(struct deadlines *d)
{
	struct deadline *c, *next;

	if (d == NULL)
		return;
	for (c = d->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	pthread_mutex_destroy(&d->lock);
	free(d);
}

/* A connection opened: its clock starts. */
struct deadline *
deadlines_open(struct deadlines *d, int fd)
{
	struct deadline *c = xcalloc(1, sizeof *c);

	c->fd = fd;
	c->since_ms = util_now_ms();
	c->reading = true;
	pthread_mutex_lock(&d->lock);
	c->next = d->head;
	if (d->head != NULL)
		d->head->prev = c;
	d->head = c;
	pthread_mutex_unlock(&d->lock);
	return c;
}

/* The connection closes (before its socket does: the descriptor is not
 * shut down after it may be another's). */
void
deadlines_close(struct deadlines *d, struct deadline *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&d->lock);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		d->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&d->lock);
	free(c);
}

/* A request is in (reading false: its clock stops), or its response
 * is sent (true: the next request's clock starts). */
void
deadlines_reading(struct deadlines *d, struct deadline *c, bool reading)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&d->lock);
	c->reading = reading;
	if (reading)
		c->since_ms = util_now_ms();
	pthread_mutex_unlock(&d->lock);
}

/* Shuts down the connections still reading past the limit: how many. */
unsigned
deadlines_tick(struct deadlines *d)
{
	uint64_t now = util_now_ms();
	unsigned n = 0;

	pthread_mutex_lock(&d->lock);
	for (struct deadline *c = d->head; c != NULL; c = c->next)
		if (c->reading && !c->cut && now - c->since_ms > d->limit_ms) {
			(void)shutdown(c->fd, SHUT_RDWR);
			c->cut = true;
			n++;
		}
	pthread_mutex_unlock(&d->lock);
	return n;
}
