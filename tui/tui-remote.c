/* The workbench on a forge serve: with --server URL or server = URL in
 * the settings' [general] (in that order), F5 runs the
 * program on the server through the remote backend: its output and the
 * keys typed go through the run's WebSocket attach, its usage comes from
 * the server's samples, and its verdict is the server's. F6 judges there
 * (tests.c hands the judge to the backend whole). FORGE_SERVER alone,
 * which the lab view reads, sends no program anywhere. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui/tui.h"

/* --server or the settings' server was given */
static bool tui_remote_asked;

static void
tui_remote_server(const char *url)
{
	struct engine_config c = *engine_config();

	/* the rest as it was: the engine copies before it lets go */
	c.remote_server = (char *)url;
	engine_configure(&c);
	tui_remote_asked = true;
}

/* --server URL (or --server=URL), taken out of argv: 0, or -1 after a
 * message (a usage error). */
int
tui_remote_args(int *argc, char **argv)
{
	for (int i = 1; i < *argc; i++) {
		const char *url = NULL;
		int take = 0;

		if (strcmp(argv[i], "--server") == 0 && i + 1 < *argc) {
			url = argv[i + 1];
			take = 2;
		} else if (strncmp(argv[i], "--server=", 9) == 0) {
			url = argv[i] + 9;
			take = 1;
		} else if (strcmp(argv[i], "--server") == 0) {
			fprintf(stderr, "forge-tui: --server needs a URL "
			                "(http[s]://HOST:PORT)\n");
			return -1;
		}
		if (url == NULL)
			continue;
		if (!settings_server_ok(url)) {
			fprintf(stderr,
			        "forge-tui: --server %s: not the URL of a "
			        "forge serve (http[s]://HOST:PORT)\n",
			        url);
			return -1;
		}
		if (backend_find("remote") == NULL) {
			fprintf(stderr, "forge-tui: --server: this build has "
			                "no remote backend (libcurl)\n");
			return -1;
		}
		tui_remote_server(url);
		memmove(argv + i, argv + i + take,
		        (size_t)(*argc - i - take + 1) * sizeof *argv);
		*argc -= take;
		i--;
	}
	return 0;
}

/* After the settings: a server asked for is where runs go. */
void
tui_remote_choose(const struct settings *s)
{
	const struct backend *remote = backend_find("remote");

	if (!tui_remote_asked && s->server[0] != '\0')
		tui_remote_server(s->server);
	if (tui_remote_asked && remote != NULL)
		backend_choose(remote);
}
