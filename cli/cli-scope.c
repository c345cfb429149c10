/* forge hands a command over to forge-full where that gets the run a
 * cgroup and forge cannot: on cgroup v2, as an ordinary user whose own
 * cgroup is not delegated, forge-full asks the systemd user manager for
 * a transient scope over sd-bus, which forge (a static PIE: libsystemd
 * has no static archive) is built without. The backend says when
 * (wants_full); the check costs forge nothing it would not do anyway,
 * since the cgroup probe it runs is the one its first run needs. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"

/* Does the command run programs in a backend (has --backend)? */
static bool
cli_scope_runs(const struct cli_command *c)
{
	const struct cli_option *o;

	for (o = c->options; o != NULL && o->name != NULL; o++)
		if (o->key == CLI_OPT_BACKEND)
			return true;
	return false;
}

void
cli_scope_handoff(const struct cli_command *c, const struct cli_args *a)
{
	if (cli_argv == NULL || a->backend == NULL ||
	    a->backend->wants_full == NULL || !cli_scope_runs(c) ||
	    !a->backend->wants_full())
		return;
	/* no return when forge-full starts */
	(void)cli_exec_sibling("forge-full", cli_argv);
	fprintf(stderr, "forge: without forge-full, no transient scope from "
	                "the systemd user manager: limits are per-process "
	                "rlimits (see 'forge doctor')\n");
}
