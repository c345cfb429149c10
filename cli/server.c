/* --server URL (or --backend remote, with FORGE_SERVER): run and judge
 * through a forge serve (the remote backend, engine/remote/), which
 * forge-full has; forge runs it for them (cli_backend). FORGE_SERVER
 * alone sends nothing anywhere: it is set for forge lab and forge submit
 * too, and a program goes to a server only when the command says so. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static bool
cli_server_url_ok(const char *v)
{
	return (strncmp(v, "http://", 7) == 0 && v[7] != '\0') ||
	       (strncmp(v, "https://", 8) == 0 && v[8] != '\0');
}

/* --server URL: the engine is told, and the backend is remote. */
int
cli_server(struct cli_args *a, const char *v, char *err, size_t len)
{
	struct engine_config c = *engine_config();

	if (!cli_server_url_ok(v)) {
		snprintf(err, len,
		         "%s: not the URL of a forge serve "
		         "(http://HOST:PORT)",
		         v);
		return -1;
	}
	a->server = v;
	a->backend_given = true;
	/* the rest as it was: the engine copies before it lets go */
	c.remote_server = (char *)v;
	engine_configure(&c);
	return cli_backend("remote", &a->backend, err, len);
}
