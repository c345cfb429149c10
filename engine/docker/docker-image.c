/* Forge's skeleton image, built with no registry (forge image build).
 *
 * Many labs and CI machines reach no registry, so the default image is
 * made here: `docker import` (POST /images/create?fromSrc=-) of a tiny
 * root written in memory: the directories the sandbox mounts over, the
 * merged-/usr links as the host has them, and an /etc with only the
 * sandbox's user. It carries the label forge.toolchains=host: at run time
 * the backend binds the host's toolchains into it read-only (/usr, the
 * top-level library directories, the loader's cache, the alternatives
 * and each language's own paths), the very view the ns backend gives, and
 * nothing else of the host. A language may name any other image instead
 * (its file's `image`), which is then used as it is. */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/docker/docker.h"

/* The host's top-level directories that toolchains reach through
 * (links into /usr on a merged-/usr system). */
static const char *const docker_image_tops[] = {"bin", "lib", "lib32", "lib64",
                                                "libx32"};

static void
docker_image_root(struct buf *t)
{
	/* sbin is a directory of its own: Docker puts its init there, and
	 * toolchains do not live in it */
	static const char *const dirs[] = {"usr", "etc",  "proc", "dev",
	                                   "sys", "prog", "sbin"};
	char text[512], target[256];
	size_t i;

	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		docker_tar_add(t, dirs[i], '5', 0755, 0, 0, NULL, 0, NULL);
	docker_tar_add(t, "tmp", '5', 01777, 0, 0, NULL, 0, NULL);
	/* the sandbox's user owns /work: a fresh volume mounted there takes
	 * the owner of the image's directory */
	docker_tar_add(t, "work", '5', 0755, SANDBOX_UID, SANDBOX_GID, NULL, 0,
	               NULL);
	for (i = 0; i < sizeof docker_image_tops / sizeof docker_image_tops[0];
	     i++) {
		char path[64];
		struct stat st;
		ssize_t n;

		snprintf(path, sizeof path, "/%s", docker_image_tops[i]);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode) &&
		    (n = readlink(path, target, sizeof target - 1)) > 0) {
			target[n] = '\0';
			docker_tar_add(t, docker_image_tops[i], '2', 0777, 0, 0,
			               NULL, 0, target);
		} else if (S_ISDIR(st.st_mode))
			docker_tar_add(t, docker_image_tops[i], '5', 0755, 0, 0,
			               NULL, 0, NULL);
	}
	/* A user database with only the sandbox's user: nothing of the
	 * host's accounts. */
	snprintf(text, sizeof text,
	         "root:x:0:0:root:/:/bin/false\n"
	         "forge:x:%d:%d:forge sandbox:" SANDBOX_WORK ":/bin/sh\n"
	         "nobody:x:65534:65534:nobody:/:/bin/false\n",
	         SANDBOX_UID, SANDBOX_GID);
	docker_tar_add(t, "etc/passwd", '0', 0644, 0, 0, text, strlen(text),
	               NULL);
	snprintf(text, sizeof text,
	         "root:x:0:\nforge:x:%d:\nnogroup:x:65534:\n", SANDBOX_GID);
	docker_tar_add(t, "etc/group", '0', 0644, 0, 0, text, strlen(text),
	               NULL);
	tar_end(t);
}

/* Builds (or rebuilds) the skeleton image called name. */
int
docker_image_build(struct docker_api *api, const char *name, struct buf *log,
                   char *err, size_t len)
{
	struct buf tar, resp;
	char *repo = xstrdup(name), *tag = strrchr(repo, ':'), *path, *changes;
	CURL *esc = curl_easy_init();
	long status = 0;
	int ret = -1;

	if (tag != NULL && strchr(tag, '/') == NULL)
		*tag++ = '\0';
	else
		tag = (char *)"latest";
	buf_init(&tar, 0);
	buf_init(&resp, 1 << 20);
	docker_image_root(&tar);
	changes = curl_easy_escape(
	    esc, "LABEL " DOCKER_LABEL_HOST_TOOLCHAINS "=host", 0);
	xasprintf(&path, "/images/create?fromSrc=-&repo=%s&tag=%s&changes=%s",
	          repo, tag, changes);
	if (docker_api_call(api, "POST", path, tar.data, tar.len,
	                    "application/x-tar", &resp, &status, err,
	                    len) == 0) {
		if (status != 200)
			docker_api_message(&resp, status, err, len);
		else if (memmem(resp.data, resp.len, "\"error", 6) != NULL)
			snprintf(err, len, "the daemon refused the image: %.*s",
			         (int)(resp.len < 300 ? resp.len : 300),
			         resp.data);
		else {
			if (log != NULL)
				buf_printf(log, "%s: %zu bytes imported\n",
				           name, tar.len);
			ret = 0;
		}
	}
	curl_free(changes);
	curl_easy_cleanup(esc);
	free(path);
	free(repo);
	buf_free(&tar);
	buf_free(&resp);
	return ret;
}

bool
docker_image_id(struct docker_api *api, const char *name, char *id, size_t len,
                bool *host_toolchains)
{
	struct buf resp;
	struct jsonparse_value *v;
	char *path, err[256];
	const char *s;
	size_t n = 0;
	long status = 0;
	bool ok = false;

	buf_init(&resp, 4 << 20);
	xasprintf(&path, "/images/%s/json", name);
	if (docker_api_call(api, "GET", path, NULL, 0, NULL, &resp, &status,
	                    err, sizeof err) == 0 &&
	    status == 200) {
		v = jsonparse_parse(resp.data, resp.len, NULL);
		s = jsonparse_string(jsonparse_get(v, "Id"), &n);
		if (s != NULL) {
			snprintf(id, len, "%.*s", (int)n, s);
			ok = true;
		}
		if (host_toolchains != NULL)
			*host_toolchains =
			    jsonparse_get(
			        jsonparse_get(jsonparse_get(v, "Config"),
			                      "Labels"),
			        DOCKER_LABEL_HOST_TOOLCHAINS) != NULL;
		jsonparse_free(v);
	}
	free(path);
	buf_free(&resp);
	return ok;
}
