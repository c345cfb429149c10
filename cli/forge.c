/* forge: run untrusted programs in a sandbox, from the command line. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

const struct cli_command cli_commands[] = {
    {"run", "[options] FILE", "compile if needed, run once in the sandbox",
     cmd_run, cmd_run_help},
    {"judge", "[options] FILE TESTS", "run against a test set", cmd_judge,
     cmd_judge_help},
    {"stress", "SOL --gen G --ref R", "random tests until SOL and R disagree",
     cmd_stress, cmd_stress_help},
    {"history", "[options]", "recorded runs, newest first", cmd_history,
     cmd_history_help},
    {"show", "ID", "everything about one recorded run", cmd_show,
     cmd_show_help},
    {"replay", "ID [--play]", "run it again: did it reproduce?", cmd_replay,
     cmd_replay_help},
    {"export", "ID", "a recorded run as a JSON document", cmd_export,
     cmd_export_help},
    {"import", "FILE", "record an exported run", cmd_import, cmd_import_help},
    {"gc", "[--keep N]", "remove old runs from the history", cmd_gc,
     cmd_gc_help},
    {"langs", "[--json]", "languages and whether their toolchains are here",
     cmd_langs, cmd_langs_help},
    {"doctor", "[--json]",
     "what isolation this host allows, and how to fix what is missing",
     cmd_doctor, cmd_doctor_help},
    {NULL, NULL, NULL, NULL, NULL},
};

static void
forge_help(FILE *f)
{
	const struct cli_command *c;

	fprintf(f, "usage: forge COMMAND [options] [args]\n\n"
	           "Forge runs programs in a sandbox (namespaces, seccomp, "
	           "cgroups) and reports\ntheir verdict.\n\ncommands:\n");
	for (c = cli_commands; c->name != NULL; c++)
		fprintf(f, "  %-7s %-21s %s\n", c->name, c->args, c->summary);
	fprintf(f, "\n'forge COMMAND --help' for a command's options; "
	           "forge(1) for everything.\n"
	           "exit status: 0 verdict OK/AC, 1 any other verdict, 2 "
	           "usage error, 3 internal error,\n4 the history database "
	           "cannot be used\n");
}

int
cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("forge: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int
cli_internal_error(const char *fmt, ...)
{
	va_list ap;

	fputs("forge: internal error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_INTERNAL;
}

struct option *
cli_longopts(const struct cli_option *o, char *shortopts, size_t size)
{
	size_t n = 0, i, len = 0;
	struct option *lo;

	while (o[n].name != NULL)
		n++;
	lo = xcalloc(n + 1, sizeof *lo);
	if (len + 1 < size)
		shortopts[len++] = ':'; /* report missing arguments as ':' */
	for (i = 0; i < n; i++) {
		lo[i].name = o[i].name;
		lo[i].has_arg = o[i].arg ? required_argument : no_argument;
		lo[i].val = o[i].key;
		if (o[i].key < 256 && len + 3 < size) {
			shortopts[len++] = (char)o[i].key;
			if (o[i].arg)
				shortopts[len++] = ':';
		}
	}
	shortopts[len] = '\0';
	return lo;
}

void
cli_options_help(FILE *f, const struct cli_option *o)
{
	for (; o->name != NULL; o++) {
		char left[64];

		if (o->key < 256)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->key,
			         o->name, o->arg ? " " : "",
			         o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name,
			         o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "  %-26s %s\n", left, o->help);
	}
}

/* A source file: regular, readable, at most 16M. 0, or an exit status. */
int
cli_read_source(const char *path, struct buf *src)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return cli_usage_error("%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cli_usage_error("%s: not a regular file", path);
	}
	if (st.st_size > CLI_SOURCE_MAX) {
		close(fd);
		return cli_usage_error("%s: larger than 16M, not a source file",
		                       path);
	}
	if (util_read_fd(fd, src, CLI_SOURCE_MAX) < 0) {
		int e = errno;
		close(fd);
		return cli_usage_error("%s: %s", path, strerror(e));
	}
	close(fd);
	return 0;
}

/* -t, --wall, -m, --pids, --output, --fsize: true when opt is one of
 * them (then *bad < 0 with err when its value is wrong). */
bool
cli_limit_option(int opt, const char *arg, struct limits *l,
                 struct cli_limits_set *set, int *bad, char *err, size_t errlen)
{
	switch (opt) {
	case 't':
		set->time = true;
		*bad = limits_parse(LIMITS_CPU, arg, &l->cpu_ms, err, errlen);
		return true;
	case CLI_OPT_WALL:
		set->wall = true;
		*bad = limits_parse(LIMITS_WALL, arg, &l->wall_ms, err, errlen);
		return true;
	case 'm':
		set->mem = true;
		*bad = limits_parse(LIMITS_MEMORY, arg, &l->mem_bytes, err,
		                    errlen);
		return true;
	case CLI_OPT_PIDS:
		*bad = limits_parse_count(arg, &l->pids, err, errlen);
		return true;
	case CLI_OPT_OUTPUT:
		*bad = limits_parse(LIMITS_OUTPUT, arg, &l->output_bytes, err,
		                    errlen);
		return true;
	case CLI_OPT_FSIZE:
		*bad = limits_parse(LIMITS_FSIZE, arg, &l->fsize_bytes, err,
		                    errlen);
		return true;
	}
	return false;
}

/* Colour only for a terminal, and never when NO_COLOR is set. */
bool
cli_color(int fd)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (nc != NULL && *nc != '\0')
		return false;
	if (term != NULL && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fd);
}

int
main(int argc, char **argv)
{
	const struct cli_command *c;

	/* cgroups kept for reuse are removed however forge ends normally */
	atexit(backend_release_all);
	if (argc < 2) {
		forge_help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2)
			for (c = cli_commands; c->name != NULL; c++)
				if (strcmp(c->name, argv[2]) == 0) {
					c->help(stdout);
					return 0;
				}
		forge_help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("forge %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (c = cli_commands; c->name != NULL; c++)
		if (strcmp(c->name, argv[1]) == 0)
			return c->fn(argc - 1, argv + 1);
	return cli_usage_error("unknown command '%s' (try 'forge --help')",
	                       argv[1]);
}
