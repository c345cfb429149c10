/*
 * The docker backend's own declarations: the Docker Engine API client
 * over a unix socket (docker-api.c), tar archives written and read in
 * memory (docker-tar.c), the container's cgroup as seen from the host
 * (docker-cgroup.c), Forge's skeleton image (docker-image.c) and the
 * backend itself (docker.c). Private: nothing outside engine/docker/
 * includes it; the rest of Forge reaches this backend through
 * docker_backend's table.
 */
#ifndef FORGE_ENGINE_DOCKER_H
#define FORGE_ENGINE_DOCKER_H

#include "engine/engine.h"

/* The image Forge builds (forge image build) and runs by default. */
#define DOCKER_IMAGE_DEFAULT "forge/base:latest"
/* The label an image built by Forge carries: its toolchains are the
 * host's, bound read-only at run time (the ns backend's view). */
#define DOCKER_LABEL_HOST_TOOLCHAINS "forge.toolchains"
/* Every container and volume Forge makes: forge=1 and its owner. */
#define DOCKER_LABEL     "forge"
#define DOCKER_LABEL_PID "forge.pid"

/* docker.c */
extern const struct backend docker_backend;

/* docker-api.c: one connection's worth of state, per process */
struct docker_api {
	char *socket;     /* the daemon's unix socket */
	char version[16]; /* the API version both sides speak: "1.41" */
	char server[64];  /* the daemon's own version: "20.10.24" */
	char api_max[16]; /* the daemon's highest API version */
	pid_t owner;      /* the process that opened it (forks reopen) */
	void *curl;       /* CURL *, reused between requests */
};
/* The API versions this client speaks: 1.25 brought Mounts, the
 * newest it knows is what current daemons offer. */
#define DOCKER_API_MIN "1.25"
#define DOCKER_API_MAX "1.47"
int docker_api_open(struct docker_api *, const char *socket, char *err, size_t);
void docker_api_close(struct docker_api *);
/* One request on the negotiated version (path starts with '/'); the
 * HTTP status in *status, the body in resp (may be NULL). -1 and err
 * only when the daemon could not be reached. */
int docker_api_call(struct docker_api *, const char *method, const char *path,
                    const char *body, size_t len, const char *type,
                    struct buf *resp, long *status, char *err, size_t);
/* The daemon's message for an error answer ({"message": ...}). */
void docker_api_message(const struct buf *resp, long status, char *out, size_t);
int docker_api_version_cmp(const char *, const char *);
/* A raw stream to a container's stdin/stdout/stderr (POST attach,
 * hijacked). */
struct docker_stream {
	void *curl;
	int fd;             /* the socket, for poll() */
	struct buf pending; /* received after the response's head */
};
int docker_api_attach(struct docker_api *, const char *id,
                      struct docker_stream *, char *err, size_t);
ssize_t docker_stream_read(struct docker_stream *, char *, size_t);
ssize_t docker_stream_write(struct docker_stream *, const char *, size_t);
void docker_stream_close_write(struct docker_stream *);
void docker_stream_close(struct docker_stream *);
/* DOCKER_HOST (unix://PATH) or the usual socket; NULL and err for a
 * host Forge cannot use. */
char *docker_api_socket(const char *docker_host, char *err, size_t);

/* docker-tar.c: ustar archives in memory */
int docker_tar_add(struct buf *, const char *name, char type, mode_t, uid_t,
                   gid_t, const char *data, size_t len, const char *link);
void docker_tar_end(struct buf *);
typedef void (*docker_tar_fn)(const char *name, char type, mode_t,
                              const char *data, size_t len, void *);
int docker_tar_each(const char *, size_t, docker_tar_fn, void *);
/* A directory tree read without following links (openat, O_NOFOLLOW),
 * added under prefix with the given owner. */
int docker_tar_add_dir(struct buf *, int dirfd, const char *prefix, uid_t,
                       gid_t, int depth, char *err, size_t);

/* docker-cgroup.c: a running container's counters, read on the host */
struct docker_cgroup {
	bool v2;
	int cpu_fd, mem_fd, peak_fd, pids_fd;
	uint64_t cpu_us, mem, peak; /* the last values read */
	uint32_t pids;
};
int docker_cgroup_open(struct docker_cgroup *, const char *id, pid_t pid,
                       char *err, size_t);
void docker_cgroup_read(struct docker_cgroup *);
void docker_cgroup_close(struct docker_cgroup *);

/* docker-image.c: Forge's skeleton image, built with no registry */
int docker_image_build(struct docker_api *, const char *name, struct buf *log,
                       char *err, size_t);
/* The image's id (sha256:...); false when the daemon lacks it. */
bool docker_image_id(struct docker_api *, const char *name, char *id, size_t,
                     bool *host_toolchains);

#endif
