/* The backends Forge can run a program in, behind one interface. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

static const struct backend *const backends[] = {
    &ns_backend,
};

const struct backend *
backend_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof backends / sizeof backends[0]; i++)
		if (strcmp(backends[i]->name, name) == 0)
			return backends[i];
	return NULL;
}

static const struct backend *backend_chosen;

/* ns, the embedded backend: it needs no daemon; or the one a program's
 * settings chose with backend_choose(). */
const struct backend *
backend_default(void)
{
	return backend_chosen ? backend_chosen : &ns_backend;
}

/* The default from now on (NULL: ns again). */
void
backend_choose(const struct backend *b)
{
	backend_chosen = b;
}

void
backend_list(const struct backend *const **list, size_t *n)
{
	*list = backends;
	*n = sizeof backends / sizeof backends[0];
}
