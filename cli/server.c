/* --server URL, FORGE_SERVER: run and judge through a forge serve (the
 * remote backend, engine/remote/), which forge-full has; forge runs it
 * for them (cli_backend). */
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

/* After the options: FORGE_SERVER, for a command that has --server and
 * was given no backend. 0, or the exit status. */
int
cli_server_default(const struct cli_command *cmd, struct cli_args *a)
{
	const char *v = engine_config()->remote_server;
	char err[512];
	bool has = false;

	for (const struct cli_option *o = cmd->options; o && o->name; o++)
		has |= o->key == CLI_OPT_SERVER;
	if (!has || a->backend_given || v == NULL)
		return -1;
	if (!cli_server_url_ok(v))
		return cli_usage_error(
		    "FORGE_SERVER=%s: not the URL of a forge "
		    "serve (http://HOST:PORT)",
		    v);
	if (cli_backend("remote", &a->backend, err, sizeof err) < 0)
		return cli_usage_error("FORGE_SERVER: %s", err);
	return -1;
}
