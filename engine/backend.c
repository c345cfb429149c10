/* The backends Forge can run a program in, behind one interface. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* Each backend's table, defined in its own files. */
extern const struct backend ns_backend;
#ifdef WITH_DOCKER
extern const struct backend docker_backend;
#endif

static const struct backend *const backends[] = {
    &ns_backend,
#ifdef WITH_DOCKER
    &docker_backend,
#endif
};
#define NBACKENDS (sizeof backends / sizeof backends[0])

const struct backend *
backend_find(const char *name)
{
	size_t i;

	for (i = 0; i < NBACKENDS; i++)
		if (strcmp(backends[i]->name, name) == 0)
			return backends[i];
	return NULL;
}

/* The backend called name; else -1 and an error that lists the
 * registered ones. */
int
backend_lookup(const char *name, const struct backend **out, char *err,
               size_t size)
{
	struct buf names;
	size_t i;

	if ((*out = backend_find(name)) != NULL)
		return 0;
	buf_init(&names, 0);
	for (i = 0; i < NBACKENDS; i++)
		buf_printf(&names, "%s%s", i ? ", " : "", backends[i]->name);
	snprintf(err, size, "unknown backend '%s' (registered: %s)", name,
	         buf_cstr(&names));
	buf_free(&names);
	return -1;
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
	*n = NBACKENDS;
}

/* What every backend kept for later runs, dropped before the process
 * exits (an atexit handler of the faces). */
void
backend_release_all(void)
{
	size_t i;

	for (i = 0; i < NBACKENDS; i++)
		backends[i]->release();
}
