/* Who is asking (Authorization: Bearer TOKEN), and whether the token may
 * ask again now: a bucket per token that fills at its rate up to its
 * burst, kept in memory (a restart gives every token a full bucket). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve/serve.h"

struct bucket {
	char *name;
	double level;
	uint64_t at_ms;
	struct bucket *next;
};

/* Takes one request from the token's bucket; the seconds until the
 * next one may come when it is empty, else 0. */
static double
auth_take(struct serve *s, const struct token *t)
{
	uint64_t now = util_now_ms();
	struct bucket *b;
	double wait = 0;

	if (t->rate <= 0)
		return 0;
	pthread_mutex_lock(&s->lock);
	for (b = s->buckets; b != NULL && strcmp(b->name, t->name); b = b->next)
		;
	if (b == NULL) {
		b = xcalloc(1, sizeof *b);
		b->name = xstrdup(t->name);
		b->level = t->burst > 0 ? t->burst : 1;
		b->at_ms = now;
		b->next = s->buckets;
		s->buckets = b;
	}
	b->level += (double)(now - b->at_ms) / 1000.0 * t->rate;
	if (b->level > (t->burst > 0 ? t->burst : 1))
		b->level = t->burst > 0 ? t->burst : 1;
	b->at_ms = now;
	if (b->level >= 1)
		b->level -= 1;
	else
		wait = (1 - b->level) / t->rate;
	pthread_mutex_unlock(&s->lock);
	return wait;
}

enum auth_result
auth_check(struct serve *s, const char *header, struct token *t,
           double *retry_after)
{
	const char *p;

	*retry_after = 0;
	if (header == NULL || strncasecmp(header, "Bearer ", 7) != 0)
		return AUTH_MISSING;
	for (p = header + 7; *p == ' '; p++)
		;
	if (*p == '\0')
		return AUTH_MISSING;
	if (token_find(s->db, p, t) < 0)
		return AUTH_BAD;
	if ((*retry_after = auth_take(s, t)) > 0)
		return AUTH_RATE;
	return AUTH_OK;
}

void
auth_free(struct serve *s)
{
	while (s->buckets != NULL) {
		struct bucket *b = s->buckets;

		s->buckets = b->next;
		free(b->name);
		free(b);
	}
}
