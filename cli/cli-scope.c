/* forge hands a command over to forge-full where that gets the run a
 * cgroup and forge cannot: on cgroup v2, as an ordinary user whose own
 * cgroup is not delegated, forge-full asks the systemd user manager for
 * a transient scope over sd-bus, which forge (a static PIE: libsystemd
 * has no static archive) is built without. The backend says when
 * (wants_full); the check costs forge nothing it would not do anyway,
 * since the cgroup probe it runs is the one its first run needs.
 *
 * Where forge asked and got less than whole-run limits (a manager that
 * refused, a controller it does not delegate), it says so once, on
 * stderr. And forge, in its scope, is stopped with it: when the session
 * ends, or `systemctl --user stop forge-<pid>.scope`, systemd sends
 * SIGTERM to forge and its run alike. forge says what was lost and
 * dies of the signal, as a killed program does; the sandbox's init dies
 * with it (PR_SET_PDEATHSIG), the run's processes with the init, and
 * nothing is recorded. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* forge itself: a sandbox's init, cloned from forge, has the handler
 * too until it execs, and must stay silent */
static pid_t scope_forge_pid;

static void
cli_scope_stopped(int sig)
{
	static const char term[] =
	    "forge: stopped by SIGTERM (the session or forge's scope "
	    "ended): the run in progress is killed, and not recorded\n";
	static const char hup[] =
	    "forge: stopped by SIGHUP (the terminal or session ended): the "
	    "run in progress is killed, and not recorded\n";
	int e = errno;

	if (getpid() == scope_forge_pid) {
		if (sig == SIGTERM)
			(void)!write(2, term, sizeof term - 1);
		else
			(void)!write(2, hup, sizeof hup - 1);
	}
	/* SA_RESETHAND: the default action, once this handler returns */
	raise(sig);
	errno = e;
}

/* SIGTERM and SIGHUP end forge as they would without a handler, after
 * one line that says so (commands with handlers of their own, forge
 * serve's drain, install them later; one ignored, under nohup, stays
 * ignored). */
static void
cli_scope_signals(void)
{
	static const int sigs[] = {SIGTERM, SIGHUP};
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cli_scope_stopped;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	scope_forge_pid = getpid();
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_DFL)
			(void)sigaction(sigs[i], &sa, NULL);
}

void
cli_scope_handoff(const struct cli_command *c, const struct cli_args *a)
{
	char note[512];

	if (cli_argv == NULL || a->backend == NULL || !cli_scope_runs(c))
		return;
	cli_scope_signals();
	if (a->backend->wants_full == NULL || !a->backend->wants_full()) {
		/* (doctor's report says it in full) */
		if (a->backend->limits_note != NULL &&
		    strcmp(c->name, "doctor") != 0 &&
		    a->backend->limits_note(note, sizeof note))
			fprintf(stderr, "forge: %s (see 'forge doctor')\n",
			        note);
		return;
	}
	/* no return when forge-full starts */
	(void)cli_exec_sibling("forge-full", cli_argv);
	fprintf(stderr, "forge: without forge-full, no transient scope from "
	                "the systemd user manager: limits are per-process "
	                "rlimits (see 'forge doctor')\n");
}
