/* What a backend reports about one sandboxed run. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* Every descriptor unset (0 would be forge's own stdin). */
void
box_spec_init(struct box_spec *s)
{
	memset(s, 0, sizeof *s);
	s->stdin_fd = s->tty_fd = s->pipe_in = s->pipe_out = -1;
}

const struct box_file *
box_result_file(const struct box_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i].name, name) == 0)
			return &r->files[i];
	return NULL;
}

void
box_result_free(struct box_result *r)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++) {
		free(r->files[i].name);
		buf_free(&r->files[i].data);
	}
	free(r->files);
	r->files = NULL;
	r->nfiles = 0;
}

const char *
box_enforcer_name(enum box_enforcer e)
{
	switch (e) {
	case ENFORCED_CGROUP_V2:
		return "cgroup-v2";
	case ENFORCED_CGROUP_V1:
		return "cgroup-v1";
	case ENFORCED_RLIMIT:
		return "rlimit";
	case ENFORCED_CGROUP_V2_PIDS:
		return "cgroup-v2:pids+rlimit:memory";
	case ENFORCED_CGROUP_V2_MEMORY:
		return "cgroup-v2:memory+rlimit:pids";
	}
	return "?";
}

/* The other way, for results read back (a remote forge serve's):
 * anything unknown is the weakest, rlimits. */
enum box_enforcer
box_enforcer_from_name(const char *name)
{
	enum box_enforcer e;

	for (e = ENFORCED_CGROUP_V2; e <= ENFORCED_CGROUP_V2_MEMORY; e++)
		if (name != NULL && strcmp(name, box_enforcer_name(e)) == 0)
			return e;
	return ENFORCED_RLIMIT;
}

const char *
box_end_name(enum box_end e)
{
	static const char *const names[] = {
	    [BOX_EXITED] = "exited",       [BOX_SIGNALED] = "signaled",
	    [BOX_CPU] = "cpu-limit",       [BOX_WALL] = "wall-limit",
	    [BOX_MEMORY] = "memory-limit", [BOX_OUTPUT] = "output-limit",
	    [BOX_SYSCALL] = "syscall",     [BOX_ERROR] = "error",
	};
	return (size_t)e < sizeof names / sizeof names[0] ? names[e] : "?";
}
