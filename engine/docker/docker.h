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
/* A warm pool's container: forge.pool=OWNER (docker-pool.c) */
#define DOCKER_LABEL_POOL "forge.pool"
/* The most a run's files brought back from /work may weigh. */
#define DOCKER_COLLECT_MAX (256u << 20)

struct docker_api;

/* docker.c */
extern const struct backend docker_backend;
/* A request whose answer must be 2xx; else -1 and the daemon's word. */
int docker_call_ok(struct docker_api *, const char *method, const char *path,
                   const char *body, size_t blen, const char *type,
                   struct buf *resp, char *err, size_t len);
void docker_remove_container(struct docker_api *, const char *id);
int docker_create_at(struct docker_api *, const char *path,
                     const struct buf *body, char *id, size_t, char *err,
                     size_t);

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
int docker_api_exec_start(struct docker_api *, const char *exec_id,
                          struct docker_stream *, char *err, size_t);
ssize_t docker_stream_read(struct docker_stream *, char *, size_t);
ssize_t docker_stream_write(struct docker_stream *, const char *, size_t);
void docker_stream_close_write(struct docker_stream *);
void docker_stream_close(struct docker_stream *);
/* DOCKER_HOST (unix://PATH) or the usual socket; NULL and err for a
 * host Forge cannot use. */
char *docker_api_socket(const char *docker_host, char *err, size_t);

/* docker-tar.c: the container's trees as ustar archives (written by
 * base/tar.c's tar_put; read leniently, long names included) */
int docker_tar_add(struct buf *, const char *name, char type, mode_t, uid_t,
                   gid_t, const char *data, size_t len, const char *link);
/* link: what a hard ('1') or symbolic ('2') link names ("" for others) */
typedef void (*docker_tar_fn)(const char *name, char type, mode_t,
                              const char *link, const char *data, size_t len,
                              void *);
int docker_tar_each(const char *, size_t, docker_tar_fn, void *);
/* A directory tree read without following links (openat, O_NOFOLLOW),
 * added under prefix with the given owner; a file's second name is a
 * hard link entry. */
int docker_tar_add_dir(struct buf *, int dirfd, const char *prefix, uid_t,
                       gid_t, int depth, char *err, size_t);

/* docker-cgroup.c: a running container's counters, read on the host */
struct docker_cgroup {
	bool v2;
	int cpu_fd, mem_fd, peak_fd, pids_fd, oom_fd;
	uint64_t cpu_us, mem, peak; /* the last values read */
	uint64_t oom_kills;         /* the OOM killer's, since the base */
	uint64_t cpu_base_us, oom_base;
	uint32_t pids;
};
int docker_cgroup_open(struct docker_cgroup *, const char *id, pid_t pid,
                       char *err, size_t);
void docker_cgroup_read(struct docker_cgroup *);
bool docker_cgroup_rebase(struct docker_cgroup *);
void docker_cgroup_close(struct docker_cgroup *);

/* docker-pool.c: containers started ahead, one run at a time each */
#define DOCKER_POOL_IDLE_PIDS 2 /* Docker's init and the idle sleep */
#define DOCKER_POOL_MIN_PIDS  8 /* a run's limit for a pooled container */
struct docker_slot {
	char name[96];    /* forge-pool-KEY-N */
	char id[128];     /* the container's */
	int lock_fd;      /* flock(2) held while the run has it */
	bool fresh;       /* made for this run */
	bool reusable;    /* its counters could be reset: handed on after */
	char build[1024]; /* the build its /prog holds ("": none) */
	struct docker_cgroup cg;
};
bool docker_pool_usable(const struct docker_api *);
void docker_pool_labels(const struct docker_api *, struct json_writer *);
int docker_pool_claim(struct docker_api *, const struct buf *body,
                      const char *image_id, struct docker_slot *, char *err,
                      size_t);
int docker_pool_exec(struct docker_api *, const char *cid, const char *user,
                     const char *const *argv, const char *const *envp, bool in,
                     struct docker_stream *, char *exec_id, size_t, char *err,
                     size_t);
int docker_pool_exec_code(struct docker_api *, const char *exec_id,
                          int64_t *code, unsigned wait_ms);
int docker_pool_exec_run(struct docker_api *, const char *cid, const char *user,
                         const char *const *argv, const struct buf *in,
                         struct buf *out, char *err, size_t);
int docker_pool_prog(struct docker_api *, struct docker_slot *, const char *dir,
                     const struct buf *tar, char *err, size_t);
void docker_pool_kill(struct docker_api *, struct docker_slot *);
void docker_pool_release(struct docker_api *, struct docker_slot *, bool keep);
void docker_pool_cleanup_stale(struct docker_api *);

/* docker-tty.c: a run on a terminal, the container's terminal in series
 * with the run's */
struct winsize;
void docker_tty_cmd(struct json_writer *, int fd, const char *const *argv);
void docker_tty_resize(struct docker_api *, const char *id, int fd,
                       struct winsize *last);
size_t docker_tty_input(int fd, char *, size_t);

/* docker-image.c: Forge's skeleton image, built with no registry */
int docker_image_build(struct docker_api *, const char *name, struct buf *log,
                       char *err, size_t);
/* The image's id (sha256:...); false when the daemon lacks it. */
bool docker_image_id(struct docker_api *, const char *name, char *id, size_t,
                     bool *host_toolchains);

#endif
