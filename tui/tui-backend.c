/* forge-tui --backend NAME: the sandbox that F5 and F6 run in, as forge's
 * --backend names it (forge doctor lists them), over the settings'
 * backend = and server =. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui/tui.h"

/* the backend --backend named; NULL: none was */
static const struct backend *tui_backend_asked;

/* --backend NAME (or --backend=NAME), taken out of argv: 0, or -1 after
 * a message (a usage error). */
int
tui_backend_args(int *argc, char **argv)
{
	for (int i = 1; i < *argc; i++) {
		const char *name = NULL;
		char err[256];
		int take = 0;

		if (strcmp(argv[i], "--backend") == 0 && i + 1 < *argc) {
			name = argv[i + 1];
			take = 2;
		} else if (strncmp(argv[i], "--backend=", 10) == 0) {
			name = argv[i] + 10;
			take = 1;
		} else if (strcmp(argv[i], "--backend") == 0) {
			fprintf(stderr, "forge-tui: --backend needs a name "
			                "(forge doctor lists them)\n");
			return -1;
		}
		if (name == NULL)
			continue;
		if (backend_lookup(name, &tui_backend_asked, err, sizeof err) <
		    0) {
			fprintf(stderr, "forge-tui: --backend: %s\n", err);
			return -1;
		}
		memmove(argv + i, argv + i + take,
		        (size_t)(*argc - i - take + 1) * sizeof *argv);
		*argc -= take;
		i--;
	}
	return 0;
}

/* After the settings: the backend asked for is where runs go. */
void
tui_backend_choose(void)
{
	if (tui_backend_asked != NULL)
		backend_choose(tui_backend_asked);
}
