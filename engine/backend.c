/* The backends Forge can run a program in, behind one interface. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

/* Each backend's table, defined in its own files. The docker backend is
 * a library of its own (it brings libcurl and its dependencies, whose
 * start-up would cost every run several milliseconds): a program that
 * does not link it has no such backend, and the reference below is
 * then NULL. */
extern const struct backend ns_backend;
extern const struct backend docker_backend __attribute__((weak));
/* The remote backend (engine/remote/: a forge serve, through libcurl)
 * is found by name but not listed: it is no sandbox of this host, so
 * forge doctor and forge langs do not report on it. */
extern const struct backend remote_backend __attribute__((weak));

static const struct backend *backends[2];
static size_t nbackends;

/* The backends linked into this program, in order of preference. */
static void
backend_init(void)
{
	if (nbackends > 0)
		return;
	backends[nbackends++] = &ns_backend;
	if (&docker_backend != NULL)
		backends[nbackends++] = &docker_backend;
}
#define NBACKENDS (backend_init(), nbackends)

const struct backend *
backend_find(const char *name)
{
	size_t i;

	for (i = 0; i < NBACKENDS; i++)
		if (strcmp(backends[i]->name, name) == 0)
			return backends[i];
	if (&remote_backend != NULL && strcmp(name, remote_backend.name) == 0)
		return &remote_backend;
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
	*list = (const struct backend *const *)backends;
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

static void (*backend_quiesce_fn)(void);

void
backend_set_quiesce(void (*fn)(void))
{
	backend_quiesce_fn = fn;
}

void
backend_quiesce(void)
{
	if (backend_quiesce_fn != NULL)
		backend_quiesce_fn();
}

static char *backend_helper_path;

void
backend_set_helper(const char *path)
{
	free(backend_helper_path);
	backend_helper_path = path ? xstrdup(path) : NULL;
}

/* forge beside this program, as in a build tree, or the installed one;
 * none for the static forge itself */
void
backend_find_helper(void)
{
	char *path;

	if (strcmp(program_invocation_short_name, "forge") == 0)
		return;
	path = util_sibling_path("forge", FORGE_BINDIR);
	if (access(path, X_OK) == 0)
		backend_set_helper(path);
	free(path);
}

const char *
backend_helper(void)
{
	return backend_helper_path;
}

void
backend_helper_main(void)
{
	/* the namespace backend's holders are its only helpers */
	ns_backend.helper_main();
	_exit(127);
}
