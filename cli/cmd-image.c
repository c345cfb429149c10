/* forge image build [LANG...]: the docker backend's image, made on this
 * machine with no registry; then, for each language named, whether its
 * toolchain runs in it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const struct cli_option image_options[] = {
    CLI_ROW_END,
};

const struct cli_command cmd_image_entry = {
    .name = "image",
    .every_backend = true,
    .args = "build [LANG...]",
    .usage = "build [LANG...]",
    .summary = "the docker backend's images, built with no registry",
    .about = "'build' makes Forge's image for the docker backend on the "
             "daemon (DOCKER_HOST,\nelse /var/run/docker.sock) by importing "
             "a skeleton root written here: no\nregistry is needed. Its "
             "toolchains are the host's, bound read-only into each\n"
             "container, as the ns backend shows them. Each LANG named is "
             "then checked:\nits toolchain must run in the image.",
    .epilogue = "exit status: 0 when the image was built and every LANG "
                "runs in it, 1 when a\nLANG does not, 2 usage error, 3 "
                "when the image could not be built",
    .options = image_options,
    .min_args = 1,
    .max_args = -1,
    .too_few = "forge image: say what to do: 'forge image build [LANG...]'",
    .exec = cmd_image,
};

int
cmd_image(int argc, char **argv)
{
	struct language_set set;
	const struct backend *be;
	struct cli_args a;
	struct buf log;
	char err[512];
	int ret, i, status = 0;

	if ((ret = cli_parse(&cmd_image_entry, argc, argv, &a, NULL, NULL)) >=
	    0)
		return ret;
	if (strcmp(a.argv[0], "build") != 0)
		return cli_usage_error("image: unknown action '%s' (expected "
		                       "'build')",
		                       a.argv[0]);
	if (cli_backend("docker", &be, err, sizeof err) < 0)
		return cli_internal_error("this forge was built without the "
		                          "docker backend (configure found no "
		                          "libcurl): %s",
		                          err);
	lang_load_all(&set);
	for (i = 1; i < a.argc; i++)
		if (lang_find_id(&set, a.argv[i]) == NULL) {
			lang_set_free(&set);
			return cli_usage_error("unknown language '%s' (see "
			                       "'forge langs')",
			                       a.argv[i]);
		}
	be->cleanup_stale();
	buf_init(&log, 0);
	if (be->prepare(&log, err, sizeof err) < 0) {
		buf_free(&log);
		lang_set_free(&set);
		return cli_internal_error("image build: %s", err);
	}
	(void)buf_write(&log, stdout);
	buf_free(&log);
	for (i = 1; i < a.argc; i++) {
		const struct language *l = lang_find_id(&set, a.argv[i]);
		char why[512], *version = NULL;

		if (lang_available(l, be, why, sizeof why) &&
		    (version = lang_toolchain_version(l, be)) != NULL)
			printf("%s: %s\n", l->id, version);
		else {
			printf("%s: unavailable: %s\n", l->id,
			       version == NULL && why[0]
			           ? why
			           : "its version command "
			             "failed in the image");
			status = 1;
		}
		free(version);
	}
	lang_set_free(&set);
	return status;
}
