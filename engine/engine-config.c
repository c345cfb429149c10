/* What the engine is told when a process starts: where builds are cached
 * and how much of them to keep, where the installed language files are,
 * and where the user's own are. The faces (forge, forge-tui) read these
 * from the environment with engine_config_env() and hand them over with
 * engine_configure(); a program that embeds the engine may pass its own.
 * Nothing else in the engine reads the environment. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

static struct engine_config engine_cfg;
static bool engine_configured;

static char *
engine_config_dup(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

/* languages/ beside the binary (a build tree), else the package's. */
static char *
engine_config_data_dir(void)
{
	char exe[4096], *dir = NULL, *probe;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		xasprintf(&probe, "%s/languages/c.lang", exe);
		if (access(probe, R_OK) == 0)
			dir = xstrdup(exe);
		free(probe);
	}
	return dir != NULL ? dir : xstrdup(FORGE_DATADIR);
}

/* The environment's settings, as forge(1) documents them:
 * FORGE_CACHE_DIR (absolute) or $XDG_CACHE_HOME/forge, FORGE_CACHE_MAX,
 * FORGE_DATA_DIR, $XDG_CONFIG_HOME/forge, FORGE_NO_CGROUP, FORGE_NO_SCOPE,
 * DOCKER_HOST, FORGE_DOCKER_RUNTIME, FORGE_DOCKER_POOL,
 * FORGE_DOCKER_CGROUP_ROOT, FORGE_SERVER, FORGE_TOKEN, FORGE_SERVER_CA.
 * The caller frees with engine_config_free(). */
void
engine_config_env(struct engine_config *c)
{
	const char *v = getenv("FORGE_CACHE_DIR");
	char err[256];

	memset(c, 0, sizeof *c);
	c->cache_dir = v != NULL && *v == '/'
	                   ? xstrdup(v)
	                   : util_xdg_path("XDG_CACHE_HOME", ".cache", "forge");
	v = getenv("FORGE_CACHE_MAX");
	if (v == NULL ||
	    limits_parse_size(v, &c->cache_max, err, sizeof err) < 0)
		c->cache_max = 0;
	c->data_dir = engine_config_dup(getenv("FORGE_DATA_DIR"));
	if (c->data_dir == NULL)
		c->data_dir = engine_config_data_dir();
	c->user_dir = util_xdg_path("XDG_CONFIG_HOME", ".config", "forge");
	v = getenv("FORGE_NO_CGROUP");
	c->no_cgroup = v != NULL && *v != '\0';
	v = getenv("FORGE_NO_SCOPE");
	c->no_scope = v != NULL && *v != '\0';
	c->docker_host = engine_config_dup(getenv("DOCKER_HOST"));
	c->docker_runtime = engine_config_dup(getenv("FORGE_DOCKER_RUNTIME"));
	c->remote_server = engine_config_dup(getenv("FORGE_SERVER"));
	c->remote_token = engine_config_dup(getenv("FORGE_TOKEN"));
	c->remote_ca = engine_config_dup(getenv("FORGE_SERVER_CA"));
	c->docker_cgroup_root =
	    engine_config_dup(getenv("FORGE_DOCKER_CGROUP_ROOT"));
	v = getenv("FORGE_DOCKER_POOL");
	c->docker_pool = ENGINE_DOCKER_POOL_DEFAULT;
	if (v != NULL && *v != '\0') {
		char *end;
		unsigned long n = strtoul(v, &end, 10);

		/* a value that is not a number turns the pool off */
		c->docker_pool = *end == '\0' && n <= ENGINE_DOCKER_POOL_MAX
		                     ? (unsigned)n
		                 : *end == '\0' ? ENGINE_DOCKER_POOL_MAX
		                                : 0;
	}
}

void
engine_config_free(struct engine_config *c)
{
	free(c->cache_dir);
	free(c->data_dir);
	free(c->user_dir);
	free(c->docker_host);
	free(c->docker_runtime);
	free(c->remote_server);
	free(c->remote_token);
	free(c->remote_ca);
	free(c->docker_cgroup_root);
	memset(c, 0, sizeof *c);
}

/* From now on, in this process; the engine keeps a copy, made before it
 * lets go of the last one (c may be what engine_config() gave). */
void
engine_configure(const struct engine_config *c)
{
	struct engine_config n = {
	    .cache_dir = engine_config_dup(c->cache_dir),
	    .cache_max = c->cache_max,
	    .data_dir = engine_config_dup(c->data_dir),
	    .user_dir = engine_config_dup(c->user_dir),
	    .no_cgroup = c->no_cgroup,
	    .no_scope = c->no_scope,
	    .docker_host = engine_config_dup(c->docker_host),
	    .docker_runtime = engine_config_dup(c->docker_runtime),
	    .remote_server = engine_config_dup(c->remote_server),
	    .remote_token = engine_config_dup(c->remote_token),
	    .remote_ca = engine_config_dup(c->remote_ca),
	    .docker_pool = c->docker_pool,
	    .docker_cgroup_root = engine_config_dup(c->docker_cgroup_root),
	};

	engine_config_free(&engine_cfg);
	engine_cfg = n;
	engine_configured = true;
}

/* What the process was configured with; a process that never called
 * engine_configure() gets the environment's settings. */
const struct engine_config *
engine_config(void)
{
	if (!engine_configured) {
		struct engine_config env;

		engine_config_env(&env);
		engine_configure(&env);
		engine_config_free(&env);
	}
	return &engine_cfg;
}
