/* forge: run untrusted programs in a sandbox, from the command line. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void
forge_help(FILE *f)
{
	const struct cli_command *const *c;

	fprintf(f, "usage: forge COMMAND [options] [args]\n\n"
	           "Forge runs programs in a sandbox (namespaces, seccomp, "
	           "cgroups) and reports\ntheir verdict.\n\ncommands:\n");
	for (c = cli_commands; *c != NULL; c++)
		fprintf(f, "  %-7s %-21s %s\n", (*c)->name, (*c)->args,
		        (*c)->summary);
	fprintf(f, "\n'forge COMMAND --help' for a command's options; "
	           "forge(1) for everything.\n"
	           "exit status: 0 verdict OK/AC, 1 any other verdict, 2 "
	           "usage error, 3 internal error,\n4 the history database "
	           "cannot be used\n");
}

int
main(int argc, char **argv)
{
	const struct cli_command *c;
	struct engine_config cfg;

	/* a sandbox holder that forge-serve or forge-full started */
	if (argc == 2 && strcmp(argv[1], BACKEND_HELPER_ARG) == 0)
		backend_helper_main();
	/* the engine's settings come from the environment, read here */
	engine_config_env(&cfg);
	engine_configure(&cfg);
	engine_config_free(&cfg);
	backend_find_helper();
	/* cgroups kept for reuse are removed however forge ends normally */
	atexit(backend_release_all);
	if (argc < 2) {
		forge_help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2 && (c = cli_command_find(argv[2])) != NULL)
			cli_command_help(stdout, c);
		else
			forge_help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("forge %s\n", PACKAGE_VERSION);
		return 0;
	}
	cli_argv = argv;
	if ((c = cli_command_find(argv[1])) != NULL) {
		/* a report on every backend, by the program that has them */
		if (c->every_backend && !cli_backends_here())
			return cli_exec_sibling("forge-full", argv);
		return c->exec(argc - 1, argv + 1);
	}
	return cli_usage_error("unknown command '%s' (try 'forge --help')",
	                       argv[1]);
}
