/* The docker backend's warm pool: containers started ahead, each serving
 * one run after another, so that a run costs an exec instead of a
 * container's creation and start.
 *
 * A pool container is made with the limits of a kind of run (the image,
 * the runtime, memory, processes, file sizes, network, the binds): the
 * kind's key is a hash of that container's description and the image's
 * id, so a rebuilt image or another limit never meets an older
 * container. Its PID 1 is Docker's init with an idle `sleep infinity`,
 * both as root, which the sandbox's user can neither signal nor trace
 * (no capabilities); /work, /tmp and /prog are size-limited tmpfs.
 *
 * The pool outlives the forge process: a `forge run` finds the container
 * the previous one left. Slots are claimed with flock(2) on a file per
 * container in the cache directory (DIR/docker-pool/NAME), so that two
 * processes never share one, and a killed forge's lock goes with it. The
 * file's first byte says the container's state: 'I' idle and clean,
 * 'B' claimed (a claimer that finds 'B' with the lock free knows its
 * owner died mid-run and makes the container anew), 'R' removed. Its
 * mtime is the last use: the next forge start removes pool containers
 * idle longer than DOCKER_POOL_IDLE_S, and every idle one when the pool
 * is off (FORGE_DOCKER_POOL=0).
 *
 * Between two runs (docker_pool_release), exactly what the ns backend's
 * holders guarantee: every process of the sandbox's user is killed
 * (kill(-1, SIGKILL) from an exec of that user: all of them but the
 * caller, and none of root's idle init), the process count is back to
 * the idle two, /work, /tmp, /prog, /dev/shm and /dev/mqueue are emptied
 * and System V IPC objects removed; the counters are rebased when the
 * next run starts (docker-cgroup.c). A container where any of this fails
 * is removed, never handed on. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "engine/docker/docker.h"

#define DOCKER_POOL_IDLE_S 600
/* an exec of Forge's own that says nothing for this long is hung */
#define DOCKER_POOL_EXEC_MS 10000
/* the longest a claimer waits for a container being cleaned */
#define DOCKER_POOL_WAIT_MS 2000

/* What empties a container between two runs, as the sandbox's user: its
 * processes, its IPC objects, and what it wrote where it could write
 * (a directory it made unreadable is given back to it first). /prog is
 * root's: its build stays for the next run of it. */
static const char docker_pool_clean_sh[] =
    "kill -9 -1 2>/dev/null; kill -9 -1 2>/dev/null; "
    "/usr/bin/ipcrm --all 2>/dev/null; d=; "
    "for x in /work /tmp /dev/shm /dev/mqueue; do "
    "[ -d $x ] && d=\"$d $x\"; done; "
    "/usr/bin/find $d -mindepth 1 -delete 2>/dev/null || "
    "{ /bin/chmod -R u+rwX $d; /usr/bin/find $d -mindepth 1 -delete; }";

static uint64_t
docker_pool_fnv(uint64_t h, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* This cache directory's and daemon's mark: the label of its pool's
 * containers (another user's cache has its own locks, so its own
 * containers). */
static uint64_t
docker_pool_owner(const struct docker_api *api)
{
	const char *dir = engine_config()->cache_dir;
	uint64_t h = 0xcbf29ce484222325ULL;

	h = docker_pool_fnv(h, dir ? dir : "", dir ? strlen(dir) + 1 : 1);
	return docker_pool_fnv(h, api->socket, strlen(api->socket));
}

static char *
docker_pool_dir(void)
{
	const char *cache = engine_config()->cache_dir;
	char *dir;

	if (cache == NULL || cache[0] != '/')
		return NULL;
	xasprintf(&dir, "%s/docker-pool", cache);
	if (util_mkdir_p(dir, 0700) < 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* Whether runs may use the pool in this process: it must be on, and the
 * counters of a container that served another run must be resettable,
 * which takes write access to the container's cgroup (root). */
bool
docker_pool_usable(const struct docker_api *api)
{
	return engine_config()->docker_pool > 0 && geteuid() == 0 &&
	       docker_api_version_cmp(api->version, "1.35") >= 0;
}

void
docker_pool_labels(const struct docker_api *api, struct json_writer *w)
{
	char owner[32];

	snprintf(owner, sizeof owner, "%016" PRIx64, docker_pool_owner(api));
	json_open(w, "Labels", '{');
	json_cstr(w, DOCKER_LABEL, "1");
	json_cstr(w, DOCKER_LABEL_POOL, owner);
	json_close(w, '}');
}

static void
docker_pool_state(int fd, char state)
{
	if (pwrite(fd, &state, 1, 0) != 1)
		return; /* the state is a hint: a free lock is the truth */
}

/* The lock file after its state byte: the build the container's /prog
 * holds (its directory in the cache, which names its content), then a
 * NUL and the container's id, so that the next claim need not ask the
 * daemon for it (a file without the id: asked). */
static void
docker_pool_read_build(struct docker_slot *slot, char *id, size_t size)
{
	char b[sizeof slot->build + 160];
	ssize_t n = pread(slot->lock_fd, b, sizeof b - 1, 1);
	size_t blen;

	b[n > 0 ? n : 0] = '\0';
	blen = strlen(b);
	id[0] = '\0';
	if (blen >= sizeof slot->build)
		blen = 0; /* not a build's name */
	memcpy(slot->build, b, blen);
	slot->build[blen] = '\0';
	if (n > 0 && (size_t)n > blen + 1 && strlen(b + blen + 1) < size &&
	    strspn(b + blen + 1, "0123456789abcdef") == strlen(b + blen + 1))
		snprintf(id, size, "%s", b + blen + 1);
}

static void
docker_pool_write_build(struct docker_slot *slot)
{
	size_t n = strlen(slot->build), m = strlen(slot->id);
	char b[sizeof slot->build + sizeof slot->id + 1];

	memcpy(b, slot->build, n);
	b[n] = '\0';
	memcpy(b + n + 1, slot->id, m);
	if (pwrite(slot->lock_fd, b, n + 1 + m, 1) != (ssize_t)(n + 1 + m) ||
	    ftruncate(slot->lock_fd, (off_t)(n + 2 + m)) < 0)
		slot->build[0] = '\0';
}

/* The container's id and whether it runs, by name; false when it is
 * gone or stopped. */
static bool
docker_pool_inspect(struct docker_api *api, const char *name, char *id,
                    size_t size)
{
	struct jsonparse_value *v;
	struct buf resp;
	char path[160], err[256];
	const char *s;
	size_t n = 0;
	bool ok = false;

	buf_init(&resp, 1 << 20);
	snprintf(path, sizeof path, "/containers/%s/json", name);
	if (docker_call_ok(api, "GET", path, NULL, 0, NULL, &resp, err,
	                   sizeof err) == 0) {
		v = jsonparse_parse(resp.data, resp.len, NULL);
		s = jsonparse_string(jsonparse_get(v, "Id"), &n);
		ok = s != NULL && n > 0 && n < size &&
		     jsonparse_type(jsonparse_get(jsonparse_get(v, "State"),
		                                  "Running")) == JSONPARSE_TRUE;
		if (ok)
			snprintf(id, size, "%.*s", (int)n, s);
		jsonparse_free(v);
	}
	buf_free(&resp);
	return ok;
}

/* A new container in the slot: whatever had its name goes first. */
static int
docker_pool_make(struct docker_api *api, struct docker_slot *slot,
                 const struct buf *body, char *err, size_t len)
{
	char path[160];

	docker_remove_container(api, slot->name);
	snprintf(path, sizeof path, "/containers/create?name=%s", slot->name);
	if (docker_create_at(api, path, body, slot->id, sizeof slot->id, err,
	                     len) < 0)
		return -1;
	snprintf(path, sizeof path, "/containers/%s/start", slot->id);
	if (docker_call_ok(api, "POST", path, NULL, 0, NULL, NULL, err, len) <
	    0) {
		docker_remove_container(api, slot->id);
		return -1;
	}
	return 0;
}

static void
docker_pool_unlock(struct docker_slot *slot, char state)
{
	if (slot->lock_fd < 0)
		return;
	docker_pool_state(slot->lock_fd, state);
	flock(slot->lock_fd, LOCK_UN);
	close(slot->lock_fd);
	slot->lock_fd = -1;
}

/* Takes the lock of one of the kind's slots: its fd, or -1 when all are
 * held. An idle container is taken first; then one being cleaned (a
 * few milliseconds) is waited for; then any free slot (a container's
 * start). */
static int
docker_pool_lock(const char *dir, uint64_t key, unsigned slots,
                 struct docker_slot *slot)
{
	uint64_t until = util_now_ms() + DOCKER_POOL_WAIT_MS;
	int pass = 0;
	unsigned i;

	while (pass < 3) {
		bool cleaning = false;

		for (i = 0; i < slots; i++) {
			char path[4096], state = 0;
			int fd;

			snprintf(slot->name, sizeof slot->name,
			         "forge-pool-%016" PRIx64 "-%u", key, i);
			snprintf(path, sizeof path, "%s/%s", dir, slot->name);
			fd = open(path,
			          O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
			          0600);
			if (fd < 0)
				continue;
			if (pread(fd, &state, 1, 0) != 1)
				state = 0;
			/* the states are hints; the lock decides */
			if ((pass == 0 && state != 'I') ||
			    (pass == 1 && state != 'C')) {
				close(fd);
				continue;
			}
			if (flock(fd, LOCK_EX | LOCK_NB) == 0)
				return fd;
			cleaning = cleaning || state == 'C';
			close(fd);
		}
		if (pass == 1 && cleaning && util_now_ms() < until) {
			usleep(1000);
			continue;
		}
		pass++;
	}
	return -1;
}

/* A clean container of the run's kind (body: its description), claimed
 * for this run: 1, or 0 when every slot is taken (the run makes a
 * container of its own), or -1 and err when the daemon or the cgroup
 * failed. */
int
docker_pool_claim(struct docker_api *api, const struct buf *body,
                  const char *image_id, struct docker_slot *slot, char *err,
                  size_t len)
{
	uint64_t key = docker_pool_owner(api);
	char *dir = docker_pool_dir(), state = 0, known[sizeof slot->id] = "";
	bool found = false;

	memset(slot, 0, sizeof *slot);
	slot->lock_fd = -1;
	if (dir == NULL)
		return 0;
	key = docker_pool_fnv(key, image_id, strlen(image_id) + 1);
	key = docker_pool_fnv(key, body->data, body->len);
	slot->lock_fd =
	    docker_pool_lock(dir, key, engine_config()->docker_pool, slot);
	free(dir);
	if (slot->lock_fd < 0)
		return 0;
	if (pread(slot->lock_fd, &state, 1, 0) != 1)
		state = 0;
	if (state == 'I')
		docker_pool_read_build(slot, known, sizeof known);
	docker_pool_state(slot->lock_fd, 'B');
	/* an idle container whose id the file keeps is running while its
	 * cgroup is there: the daemon need not be asked */
	if (state == 'I' && known[0] != '\0') {
		snprintf(slot->id, sizeof slot->id, "%s", known);
		found =
		    docker_cgroup_open(&slot->cg, slot->id, 0, err, len) == 0;
		/* (a cgroup whose processes are gone is a stopped one's) */
		if (found && slot->cg.pids == 0) {
			docker_cgroup_close(&slot->cg);
			found = false;
		}
	}
	/* a clean container stays; a dead claimer's is made anew */
	if (!found &&
	    (state != 'I' || !docker_pool_inspect(api, slot->name, slot->id,
	                                          sizeof slot->id))) {
		if (docker_pool_make(api, slot, body, err, len) < 0) {
			docker_pool_unlock(slot, 'R');
			return -1;
		}
		slot->fresh = true;
		slot->build[0] = '\0';
	}
	if (!found &&
	    docker_cgroup_open(&slot->cg, slot->id, 0, err, len) < 0) {
		docker_remove_container(api, slot->id);
		docker_pool_unlock(slot, 'R');
		return -1;
	}
	/* a peak that cannot be reset would be another run's */
	slot->reusable = docker_cgroup_rebase(&slot->cg);
	return 1;
}

/* Starts an exec in the container, attached to its stdin (when asked),
 * stdout and stderr; its id in exec_id. */
int
docker_pool_exec(struct docker_api *api, const char *cid, const char *user,
                 const char *const *argv, const char *const *envp, bool in,
                 struct docker_stream *s, char *exec_id, size_t size, char *err,
                 size_t len)
{
	struct buf body, resp;
	struct json_writer w = {&body, false};
	struct jsonparse_value *v;
	char path[160];
	const char *id;
	size_t i, n = 0;
	int r;

	buf_init(&body, 0);
	json_open(&w, NULL, '{');
	json_bool(&w, "AttachStdin", in);
	json_bool(&w, "AttachStdout", true);
	json_bool(&w, "AttachStderr", true);
	json_bool(&w, "Tty", false);
	json_cstr(&w, "User", user);
	json_cstr(&w, "WorkingDir", SANDBOX_WORK);
	json_open(&w, "Env", '[');
	for (i = 0; envp != NULL && envp[i] != NULL; i++)
		json_cstr(&w, NULL, envp[i]);
	json_close(&w, ']');
	json_open(&w, "Cmd", '[');
	for (i = 0; argv[i] != NULL; i++)
		json_cstr(&w, NULL, argv[i]);
	json_close(&w, ']');
	json_close(&w, '}');
	buf_init(&resp, 1 << 20);
	snprintf(path, sizeof path, "/containers/%s/exec", cid);
	r = docker_call_ok(api, "POST", path, body.data, body.len, NULL, &resp,
	                   err, len);
	if (r == 0) {
		v = jsonparse_parse(resp.data, resp.len, NULL);
		id = jsonparse_string(jsonparse_get(v, "Id"), &n);
		if (id == NULL || n == 0 || n >= size) {
			snprintf(err, len,
			         "the daemon made an exec without an id");
			r = -1;
		} else
			snprintf(exec_id, size, "%.*s", (int)n, id);
		jsonparse_free(v);
	}
	buf_free(&resp);
	buf_free(&body);
	if (r == 0)
		r = docker_api_exec_start(api, exec_id, s, err, len);
	return r;
}

/* An exec's exit code, once it has ended (waited for up to wait_ms);
 * -1 when it still runs or the daemon does not say. */
int
docker_pool_exec_code(struct docker_api *api, const char *exec_id,
                      int64_t *code, unsigned wait_ms)
{
	uint64_t until = util_now_ms() + wait_ms;
	char path[160], err[256];
	struct buf resp;
	int r = -1;

	snprintf(path, sizeof path, "/exec/%s/json", exec_id);
	buf_init(&resp, 1 << 20);
	for (;;) {
		struct jsonparse_value *v;
		bool running = true;

		buf_reset(&resp);
		if (docker_call_ok(api, "GET", path, NULL, 0, NULL, &resp, err,
		                   sizeof err) < 0)
			break;
		v = jsonparse_parse(resp.data, resp.len, NULL);
		running = jsonparse_type(jsonparse_get(v, "Running")) ==
		          JSONPARSE_TRUE;
		if (!running &&
		    jsonparse_int(jsonparse_get(v, "ExitCode"), code))
			r = 0;
		jsonparse_free(v);
		if (!running || util_now_ms() >= until)
			break;
		usleep(2000);
	}
	buf_free(&resp);
	return r;
}

/* The stdout frames of a multiplexed stream (1 byte stream, 3 zero, 4
 * size), in order. */
static void
docker_pool_stdout(const struct buf *frames, struct buf *out)
{
	size_t off = 0;

	while (frames->len - off >= 8) {
		const unsigned char *h =
		    (const unsigned char *)frames->data + off;
		size_t n = (size_t)h[4] << 24 | (size_t)h[5] << 16 |
		           (size_t)h[6] << 8 | h[7];

		if (frames->len - off - 8 < n)
			break;
		if (h[0] == 1)
			buf_add(out, frames->data + off + 8, n);
		off += 8 + n;
	}
}

/* Writes all of in to the exec's stdin, then closes it. */
static int
docker_pool_send(struct docker_stream *s, const struct buf *in)
{
	size_t off = 0;

	while (in != NULL && off < in->len) {
		ssize_t w =
		    docker_stream_write(s, in->data + off, in->len - off);
		struct pollfd p = {s->fd, POLLOUT, 0};

		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN)
			return -1;
		if (poll(&p, 1, DOCKER_POOL_EXEC_MS) <= 0)
			return -1;
	}
	docker_stream_close_write(s);
	return 0;
}

/* Runs a command to its end in the container, given in on its stdin;
 * its stdout (demultiplexed) into out when not NULL. Its exit code, or
 * -1 and err. */
int
docker_pool_exec_run(struct docker_api *api, const char *cid, const char *user,
                     const char *const *argv, const struct buf *in,
                     struct buf *out, char *err, size_t len)
{
	struct docker_stream s;
	struct buf frames;
	char exec_id[128], chunk[65536];
	int64_t code = -1;
	ssize_t got;

	if (docker_pool_exec(api, cid, user, argv, NULL, in != NULL, &s,
	                     exec_id, sizeof exec_id, err, len) < 0)
		return -1;
	buf_init(&frames, out != NULL ? DOCKER_COLLECT_MAX : 0);
	util_set_nonblock(s.fd, true);
	if (docker_pool_send(&s, in) < 0) {
		docker_stream_close(&s);
		buf_free(&frames);
		snprintf(err, len, "an exec in %.12s did not take its input",
		         cid);
		return -1;
	}
	for (;;) {
		got = docker_stream_read(&s, chunk, sizeof chunk);
		if (got > 0) {
			if (out != NULL)
				buf_add(&frames, chunk, (size_t)got);
			continue;
		}
		if (got == 0 || errno != EAGAIN)
			break;
		struct pollfd p = {s.fd, POLLIN, 0};
		if (poll(&p, 1, DOCKER_POOL_EXEC_MS) == 0)
			break; /* hung: the exec's code says so */
	}
	docker_stream_close(&s);
	if (out != NULL)
		docker_pool_stdout(&frames, out);
	buf_free(&frames);
	if (docker_pool_exec_code(api, exec_id, &code, 5000) < 0) {
		snprintf(err, len,
		         "an exec in the pool's container %.12s "
		         "did not end",
		         cid);
		return -1;
	}
	return (int)code;
}

/* The build at /prog, unless the container holds it already: unpacked
 * by root, so that it is read-only to the sandbox's user, and kept
 * there for the container's next runs of it. */
int
docker_pool_prog(struct docker_api *api, struct docker_slot *slot,
                 const char *dir, const struct buf *tar, char *err, size_t len)
{
	static const char *const argv[] = {
	    "/bin/sh", "-c",
	    "/usr/bin/find /prog -mindepth 1 -delete && "
	    "/bin/tar -xf - -C /prog --no-same-owner",
	    NULL};
	int code;

	if (strcmp(slot->build, dir) == 0)
		return 0;
	slot->build[0] = '\0';
	code = docker_pool_exec_run(api, slot->id, "0:0", argv, tar, NULL, err,
	                            len);
	if (code < 0)
		return -1;
	if (code != 0) {
		snprintf(err, len, "the build could not be put at /prog in %s",
		         slot->name);
		return -1;
	}
	snprintf(slot->build, sizeof slot->build, "%s", dir);
	return 0;
}

/* Every process of the sandbox's user in the container, killed. */
void
docker_pool_kill(struct docker_api *api, struct docker_slot *slot)
{
	static const char *const argv[] = {"/bin/sh", "-c",
	                                   "kill -9 -1; kill -9 -1", NULL};
	char user[32], err[256];

	snprintf(user, sizeof user, "%d:%d", SANDBOX_UID, SANDBOX_GID);
	if (docker_pool_exec_run(api, slot->id, user, argv, NULL, NULL, err,
	                         sizeof err) < 0)
		slot->reusable = false;
}

/* Whether the container is back to its idle state: the sandbox's user's
 * processes killed, files and IPC objects removed. */
static bool
docker_pool_clean(struct docker_api *api, struct docker_slot *slot)
{
	static const char *const argv[] = {"/bin/sh", "-c",
	                                   docker_pool_clean_sh, NULL};
	uint64_t until;
	char user[32], err[256];

	snprintf(user, sizeof user, "%d:%d", SANDBOX_UID, SANDBOX_GID);
	if (docker_pool_exec_run(api, slot->id, user, argv, NULL, NULL, err,
	                         sizeof err) != 0)
		return false;
	/* the killed are gone once their count is the idle one's */
	until = util_now_ms() + 2000;
	for (;;) {
		docker_cgroup_read(&slot->cg);
		if (slot->cg.pids <= DOCKER_POOL_IDLE_PIDS)
			return true;
		if (util_now_ms() >= until)
			return false;
		usleep(2000);
	}
}

/* Cleans the container (or removes it when it cannot be, or must not
 * be: keep false) and lets go of its lock. */
static void
docker_pool_finish(struct docker_api *api, struct docker_slot *slot, bool keep)
{
	if (keep && slot->reusable && docker_pool_clean(api, slot)) {
		docker_pool_write_build(slot);
		docker_cgroup_close(&slot->cg);
		docker_pool_unlock(slot, 'I');
		return;
	}
	docker_cgroup_close(&slot->cg);
	docker_remove_container(api, slot->id);
	docker_pool_unlock(slot, 'R');
}

/* The run is over; its result is the caller's already. The container is
 * cleaned by a detached process that inherits the lock ('C' meanwhile:
 * a claimer waits for it rather than start a container cold), so that
 * forge need not wait; where that process cannot be made, here. */
void
docker_pool_release(struct docker_api *api, struct docker_slot *slot, bool keep)
{
	pid_t pid, mid;

	if (slot->lock_fd < 0)
		return;
	if (!keep || !slot->reusable || (mid = fork()) < 0) {
		docker_pool_finish(api, slot, keep);
		return;
	}
	if (mid == 0) {
		int fd, keepfds[6] = {slot->lock_fd,    slot->cg.cpu_fd,
		                      slot->cg.mem_fd,  slot->cg.peak_fd,
		                      slot->cg.pids_fd, slot->cg.oom_fd};

		if ((pid = fork()) != 0)
			_exit(pid < 0);
		/* nothing of forge's own: a caller reading its output must
		 * not wait for this process */
		for (fd = 0; fd < 1024; fd++) {
			size_t i;

			for (i = 0; i < 6 && keepfds[i] != fd; i++)
				;
			if (i == 6)
				close(fd);
		}
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0 && fd != 0)
			dup2(fd, 0);
		dup2(0, 1);
		dup2(0, 2);
		docker_pool_finish(api, slot, true);
		_exit(0);
	}
	docker_pool_state(slot->lock_fd, 'C');
	while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
		;
	/* the lock is the cleaner's now: closed here, not unlocked */
	close(slot->lock_fd);
	slot->lock_fd = -1;
	docker_cgroup_close(&slot->cg);
}

/* One of this cache's pool containers, seen by a starting forge: kept
 * when in use or idle for less than DOCKER_POOL_IDLE_S (and the pool
 * on), else removed. */
static void
docker_pool_stale_one(struct docker_api *api, const char *dir, const char *name)
{
	char path[4096], state = 0;
	struct stat st;
	int fd;

	if (strncmp(name, "forge-pool-", 11) != 0 || strchr(name, '/'))
		return;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd); /* a run has it */
		return;
	}
	if (pread(fd, &state, 1, 0) != 1)
		state = 0;
	if (state != 'I' || engine_config()->docker_pool == 0 ||
	    fstat(fd, &st) < 0 ||
	    time(NULL) - st.st_mtime > DOCKER_POOL_IDLE_S) {
		docker_remove_container(api, name);
		docker_pool_state(fd, 'R');
	}
	flock(fd, LOCK_UN);
	close(fd);
}

void
docker_pool_cleanup_stale(struct docker_api *api)
{
	struct jsonparse_value *v;
	struct buf resp;
	char label[96], err[256], *filter, *path, *dir;
	CURL *esc;
	size_t i;

	if ((dir = docker_pool_dir()) == NULL)
		return;
	esc = curl_easy_init();
	snprintf(label, sizeof label,
	         "{\"label\":[\"" DOCKER_LABEL_POOL "=%016" PRIx64 "\"]}",
	         docker_pool_owner(api));
	filter = curl_easy_escape(esc, label, 0);
	xasprintf(&path, "/containers/json?all=1&filters=%s", filter);
	buf_init(&resp, 16 << 20);
	if (docker_call_ok(api, "GET", path, NULL, 0, NULL, &resp, err,
	                   sizeof err) == 0) {
		v = jsonparse_parse(resp.data, resp.len, NULL);
		for (i = 0; i < jsonparse_len(v); i++) {
			const struct jsonparse_value *names =
			    jsonparse_get(jsonparse_at(v, i), "Names");
			const char *n =
			    jsonparse_string(jsonparse_at(names, 0), NULL);

			if (n != NULL)
				docker_pool_stale_one(api, dir,
				                      n[0] == '/' ? n + 1 : n);
		}
		jsonparse_free(v);
	}
	buf_free(&resp);
	free(path);
	curl_free(filter);
	curl_easy_cleanup(esc);
	free(dir);
}
