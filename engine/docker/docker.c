/* The docker backend: each run is a container of a Docker Engine.
 *
 * A run creates a container with the limits Forge promises (memory with
 * no swap, processes, no network unless asked, a read-only root with
 * size-limited tmpfs /work and /tmp, no capabilities, no new privileges,
 * Forge's seccomp policy, an unprivileged user, no logs kept), puts the
 * files in through the archive API (never a bind of a host path the
 * program could see), attaches to its stdin/stdout/stderr, starts it,
 * and watches it from the host: the CPU counter of its cgroup (Docker has
 * no CPU-time limit; Forge kills the container at the limit), the wall
 * clock, the output size. The container and what was made for it are
 * removed after each run; every one carries the labels forge=1 and
 * forge.pid, so the leftovers of a forge that was killed are found and
 * removed by the next one (cleanup_stale).
 *
 * Files: a compile or a checker needs files in /work and brings some
 * back; a tmpfs loses them when the container stops, and the archive API
 * cannot reach into one, so such runs get /work on a volume of their own
 * (removed with the container), bounded per file by the file-size limit.
 * A build is put at /prog on a volume made once per build and process,
 * mounted read-only into each run of it. */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/docker/docker.h"
#include "engine/seccomp-policy.h"

#define DOCKER_SAMPLE_MS    100
#define DOCKER_STOP_WAIT_MS 10000
/* a pooled run's output after its program's end: read for this long */
#define DOCKER_DRAIN_MS 2000
/* the files /work and /tmp may hold, as on ns: empty files cost memory */
#define DOCKER_TMPFS_INODES 16384
/* the least memory Docker makes a container with */
#define DOCKER_MEMORY_MIN (6u << 20)

static struct docker_api docker_conn;
static bool docker_conn_ok;

/* The daemon, connected once per process. */
static struct docker_api *
docker_connect(char *err, size_t len)
{
	char *sock;

	if (docker_conn_ok)
		return &docker_conn;
	sock = docker_api_socket(engine_config()->docker_host, err, len);
	if (sock == NULL)
		return NULL;
	if (docker_api_open(&docker_conn, sock, err, len) == 0)
		docker_conn_ok = true;
	free(sock);
	return docker_conn_ok ? &docker_conn : NULL;
}

static void
docker_labels(struct json_writer *w)
{
	char pid[32];

	snprintf(pid, sizeof pid, "%d", (int)getpid());
	json_open(w, "Labels", '{');
	json_cstr(w, DOCKER_LABEL, "1");
	json_cstr(w, DOCKER_LABEL_PID, pid);
	json_close(w, '}');
}

/* A request whose answer must be 2xx; else -1 and the daemon's word. */
int
docker_call_ok(struct docker_api *api, const char *method, const char *path,
               const char *body, size_t blen, const char *type,
               struct buf *resp, char *err, size_t len)
{
	struct buf own;
	long status = 0;
	int r;

	if (resp == NULL) {
		buf_init(&own, 1 << 20);
		resp = &own;
	}
	r = docker_api_call(api, method, path, body, blen, type, resp, &status,
	                    err, len);
	if (r == 0 && (status < 200 || status > 299)) {
		char msg[400];

		docker_api_message(resp, status, msg, sizeof msg);
		snprintf(err, len, "%s %s: %s", method, path, msg);
		r = -1;
	}
	if (resp == &own)
		buf_free(&own);
	return r;
}

void
docker_remove_container(struct docker_api *api, const char *id)
{
	char path[128], err[256];

	snprintf(path, sizeof path, "/containers/%s?force=1&v=1", id);
	docker_call_ok(api, "DELETE", path, NULL, 0, NULL, NULL, err,
	               sizeof err);
}

static void
docker_remove_volume(struct docker_api *api, const char *name)
{
	char path[160], err[256];

	snprintf(path, sizeof path, "/volumes/%s?force=1", name);
	docker_call_ok(api, "DELETE", path, NULL, 0, NULL, NULL, err,
	               sizeof err);
}

static int
docker_create_volume(struct docker_api *api, char *name, size_t size,
                     const char *what, char *err, size_t len)
{
	static unsigned seq;
	struct buf body;
	struct json_writer w = {&body, false};
	int r;

	snprintf(name, size, "forge-%d-%u-%s", (int)getpid(), ++seq, what);
	buf_init(&body, 0);
	json_open(&w, NULL, '{');
	json_cstr(&w, "Name", name);
	docker_labels(&w);
	json_close(&w, '}');
	r = docker_call_ok(api, "POST", "/volumes/create", body.data, body.len,
	                   NULL, NULL, err, len);
	buf_free(&body);
	return r;
}

/* Creates a container from a JSON body (path: /containers/create and
 * its query); its id in id. */
int
docker_create_at(struct docker_api *api, const char *path,
                 const struct buf *body, char *id, size_t size, char *err,
                 size_t len)
{
	struct buf resp;
	struct jsonparse_value *v;
	const char *s;
	size_t n = 0;
	int r;

	buf_init(&resp, 1 << 20);
	r = docker_call_ok(api, "POST", path, body->data, body->len, NULL,
	                   &resp, err, len);
	if (r == 0) {
		v = jsonparse_parse(resp.data, resp.len, NULL);
		s = jsonparse_string(jsonparse_get(v, "Id"), &n);
		if (s == NULL || n == 0 || n >= size) {
			snprintf(err, len,
			         "the daemon made a container "
			         "without an id");
			r = -1;
		} else
			snprintf(id, size, "%.*s", (int)n, s);
		jsonparse_free(v);
	}
	buf_free(&resp);
	return r;
}

static int
docker_create(struct docker_api *api, const struct buf *body, char *id,
              size_t size, char *err, size_t len)
{
	return docker_create_at(api, "/containers/create", body, id, size, err,
	                        len);
}

static int
docker_put_archive(struct docker_api *api, const char *id, const char *dir,
                   const struct buf *tar, char *err, size_t len)
{
	char path[256];

	snprintf(path, sizeof path, "/containers/%s/archive?path=%s", id, dir);
	return docker_call_ok(api, "PUT", path, tar->data, tar->len,
	                      "application/x-tar", NULL, err, len);
}

/* ---- images ----------------------------------------------------------- */

struct docker_image_seen {
	char *name;
	char id[128];
	bool host;
};
static struct docker_image_seen docker_images[8];

/* The image's id and whether it takes the host's toolchains, asked once
 * per process; NULL when the daemon lacks it. */
static const struct docker_image_seen *
docker_image(struct docker_api *api, const char *name, char *err, size_t len)
{
	const size_t n = sizeof docker_images / sizeof docker_images[0];
	struct docker_image_seen *s = &docker_images[0];
	size_t i;

	for (i = 0; i < n; i++) {
		if (docker_images[i].name != NULL &&
		    strcmp(docker_images[i].name, name) == 0)
			return &docker_images[i];
		if (docker_images[i].name == NULL)
			s = &docker_images[i];
	}
	free(s->name);
	s->name = NULL;
	if (docker_image_id(api, name, s->id, sizeof s->id, &s->host)) {
		s->name = xstrdup(name);
		return s;
	}
	if (strcmp(name, DOCKER_IMAGE_DEFAULT) == 0)
		snprintf(err, len,
		         "the image %s is missing: build it with 'forge image "
		         "build' (no registry needed)",
		         name);
	else
		snprintf(err, len,
		         "the image %s is missing: pull it ('docker pull %s') "
		         "or build it",
		         name, name);
	return NULL;
}

/* ---- builds at /prog ---------------------------------------------------- */

struct docker_prog {
	char *dir;
	char volume[96];
	pid_t owner;
};
#define DOCKER_PROGS 8
static struct docker_prog docker_progs[DOCKER_PROGS];

static void
docker_prog_drop(struct docker_api *api, struct docker_prog *p)
{
	if (p->dir == NULL)
		return;
	if (p->owner == getpid() && api != NULL)
		docker_remove_volume(api, p->volume);
	free(p->dir);
	memset(p, 0, sizeof *p);
}

/* The volume holding the build at dir: made (and filled) the first
 * time, through a container that is created, given the files and
 * removed, never started. */
static const char *
docker_prog_volume(struct docker_api *api, const char *image, const char *dir,
                   char *err, size_t len)
{
	struct docker_prog *p = NULL;
	struct buf tar, body;
	struct json_writer w;
	char id[128];
	int fd, r;
	size_t i;

	for (i = 0; i < DOCKER_PROGS; i++) {
		if (docker_progs[i].dir != NULL &&
		    strcmp(docker_progs[i].dir, dir) == 0)
			return docker_progs[i].volume;
		if (p == NULL && docker_progs[i].dir == NULL)
			p = &docker_progs[i];
	}
	if (p == NULL) {
		p = &docker_progs[0];
		docker_prog_drop(api, p);
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, len, "the build %s: %s", dir, strerror(errno));
		return NULL;
	}
	buf_init(&tar, 0);
	r = docker_tar_add_dir(&tar, fd, ".", 0, 0, 8, err, len);
	close(fd);
	tar_end(&tar);
	if (r < 0 || docker_create_volume(api, p->volume, sizeof p->volume,
	                                  "prog", err, len) < 0) {
		buf_free(&tar);
		return NULL;
	}
	p->dir = xstrdup(dir);
	p->owner = getpid();
	buf_init(&body, 0);
	w = (struct json_writer){&body, false};
	json_open(&w, NULL, '{');
	json_cstr(&w, "Image", image);
	json_open(&w, "Cmd", '[');
	json_cstr(&w, NULL, "true");
	json_close(&w, ']');
	docker_labels(&w);
	json_open(&w, "HostConfig", '{');
	json_open(&w, "Mounts", '[');
	json_open(&w, NULL, '{');
	json_cstr(&w, "Type", "volume");
	json_cstr(&w, "Source", p->volume);
	json_cstr(&w, "Target", SANDBOX_PROG);
	json_close(&w, '}');
	json_close(&w, ']');
	json_close(&w, '}');
	json_close(&w, '}');
	r = docker_create(api, &body, id, sizeof id, err, len);
	if (r == 0) {
		r = docker_put_archive(api, id, SANDBOX_PROG, &tar, err, len);
		docker_remove_container(api, id);
	}
	buf_free(&body);
	buf_free(&tar);
	if (r < 0) {
		docker_prog_drop(api, p);
		return NULL;
	}
	return p->volume;
}

/* ---- one run ---------------------------------------------------------- */

struct docker_run {
	const struct box_spec *spec;
	struct box_result *res;
	struct docker_api *api;
	char id[128];
	struct docker_stream stream;
	struct docker_cgroup cg;
	bool have_cg;
	struct buf frames;
	int in_src;
	char in_buf[65536];
	size_t in_len, in_off;
	bool in_eof, in_closed, eof, killed;
	uint64_t t_start_us, next_sample_ms;
	/* a run in a container of the warm pool: an exec of it */
	bool pool;
	struct docker_slot slot;
	char exec_id[128];
	const struct buf *pre; /* sent before the stdin: the files */
	size_t pre_off;
	bool started, go_sent, main_done;
	uint64_t drain_until_ms; /* main_done: the end of its output by then */
	struct buf setup_err;
	uint32_t idle_pids; /* the container's own processes */
	/* a run on a terminal: the container has one (docker-tty.c), its
	 * output comes raw, not in frames; ws is the size it was given */
	bool tty;
	struct winsize ws;
};

static void
docker_kill(struct docker_run *r, enum box_end why)
{
	char path[160], err[256];

	if (r->killed)
		return;
	r->killed = true;
	r->res->end = why;
	/* Nothing more is read: the daemon, which does not answer a kill
	 * before the container's output is drained, must not wait on us. */
	docker_stream_close(&r->stream);
	r->eof = true;
	if (r->pool) {
		docker_pool_kill(r->api, &r->slot);
		return;
	}
	snprintf(path, sizeof path, "/containers/%s/kill?signal=KILL", r->id);
	docker_call_ok(r->api, "POST", path, NULL, 0, NULL, NULL, err,
	               sizeof err);
}

/* A pooled run's program has ended, maybe with processes of its own
 * left behind that hold its output open: they are killed, as the end of
 * a container would kill them. What it wrote may still be on its way
 * (the daemon forwards an exec's output after its end): the stream is
 * read to its end, which comes once nothing holds the output open, for
 * DOCKER_DRAIN_MS at most. */
static void
docker_pool_check_end(struct docker_run *r)
{
	int64_t code;

	if (!r->pool || r->eof || r->main_done ||
	    docker_pool_exec_code(r->api, r->exec_id, &code, 0) < 0)
		return;
	r->main_done = true;
	r->drain_until_ms = util_now_ms() + DOCKER_DRAIN_MS;
	docker_pool_kill(r->api, &r->slot);
}

static void
docker_sample(struct docker_run *r, bool deliver)
{
	const struct limits *l = &r->spec->limits;
	struct box_sample s = {0};

	if (!r->have_cg)
		return;
	docker_cgroup_read(&r->cg);
	s.t_ms = (util_now_us() - r->t_start_us) / 1000;
	s.cpu_ms = r->cg.cpu_us / 1000;
	s.mem_bytes = r->cg.mem;
	/* the container's own: the init's (and the pool's idle sleep) */
	s.pids = r->cg.pids > r->idle_pids ? r->cg.pids - r->idle_pids : 0;
	if (s.cpu_ms >= l->cpu_ms && !r->eof)
		docker_kill(r, BOX_CPU);
	if (deliver)
		docker_pool_check_end(r);
	if (deliver && r->spec->on_sample != NULL)
		r->spec->on_sample(&s, r->spec->arg);
}

/* n bytes the program wrote on stream (1 stdout, 2 stderr), up to the
 * output limit; false when the limit stopped it. */
static bool
docker_deliver(struct docker_run *r, int stream, const char *p, size_t n)
{
	const struct box_spec *s = r->spec;
	uint64_t room = s->limits.output_bytes > r->res->output_bytes
	                    ? s->limits.output_bytes - r->res->output_bytes
	                    : 0;

	r->res->output_bytes += n;
	if (n > room) {
		n = (size_t)room;
		if (n > 0 && s->on_output != NULL && s->pipe_out < 0 &&
		    s->tty_fd < 0)
			s->on_output(stream, p, n, s->arg);
		else if (n > 0 && s->tty_fd >= 0)
			util_write_all(s->tty_fd, p, n);
		docker_kill(r, BOX_OUTPUT);
		return false;
	}
	if (n == 0)
		return true;
	if (stream == 1 && s->pipe_out >= 0)
		util_write_all(s->pipe_out, p, n);
	else if (s->tty_fd >= 0)
		util_write_all(s->tty_fd, p, n);
	else if (s->on_output != NULL)
		s->on_output(stream, p, n, s->arg);
	return true;
}

/* Frames of the multiplexed stream: 1 byte stream, 3 zero, 4 size. A
 * container's terminal sends its bytes as they are. */
static void
docker_frames(struct docker_run *r)
{
	size_t off = 0;

	if (r->tty) {
		docker_deliver(r, 1, r->frames.data, r->frames.len);
		r->frames.len = 0;
		return;
	}
	while (r->frames.len - off >= 8) {
		const unsigned char *h =
		    (const unsigned char *)r->frames.data + off;
		size_t n = (size_t)h[4] << 24 | (size_t)h[5] << 16 |
		           (size_t)h[6] << 8 | h[7];
		int stream = h[0] == 2 ? 2 : 1;
		const char *p = r->frames.data + off + 8;

		if (r->frames.len - off - 8 < n)
			break;
		off += 8 + n;
		/* a pooled run: its files' setup speaks first, then one
		 * byte on stdout says the program is about to start */
		if (r->pool && !r->started) {
			/* the daemon's own words when the exec could not
			 * start come on stdout too, without the F */
			if (stream == 2 || (n > 0 && p[0] != 'F'))
				buf_add(&r->setup_err, p, n);
			else if (n > 0) {
				r->started = true;
				p++;
				n--;
			}
			if (!r->started || n == 0)
				continue;
		}
		if (!docker_deliver(r, stream, p, n))
			return;
	}
	memmove(r->frames.data, r->frames.data + off, r->frames.len - off);
	r->frames.len -= off;
}

static void
docker_stdin(struct docker_run *r, short src_ev, short dst_ev)
{
	/* a pooled run: its files first; then, once the program's counters
	 * are rebased, the newline its wrapper waits for */
	if (r->pre != NULL && r->pre_off < r->pre->len) {
		if (dst_ev & (POLLOUT | POLLERR)) {
			ssize_t w = docker_stream_write(
			    &r->stream, r->pre->data + r->pre_off,
			    r->pre->len - r->pre_off);
			if (w > 0)
				r->pre_off += (size_t)w;
			else if (w < 0 && errno != EAGAIN)
				r->pre_off = r->pre->len;
		}
		return;
	}
	if (r->pool && !r->go_sent) {
		if (!r->started)
			return;
		r->go_sent = true;
		docker_cgroup_rebase(&r->cg);
		r->t_start_us = util_now_us();
		if (docker_stream_write(&r->stream, "\n", 1) != 1)
			r->in_eof = true;
	}
	if (r->in_len == r->in_off && (src_ev & (POLLIN | POLLHUP))) {
		ssize_t n = read(r->in_src, r->in_buf, sizeof r->in_buf - 1);

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		if (r->tty && n >= 0 && !(src_ev & POLLHUP)) {
			/* the container's terminal ends what Ctrl-D ended;
			 * its stdin stays open for more */
			r->in_len =
			    docker_tty_input(r->in_src, r->in_buf, (size_t)n);
			r->in_off = 0;
		} else if (n <= 0)
			r->in_eof = true;
		else {
			r->in_len = (size_t)n;
			r->in_off = 0;
		}
	}
	if (r->in_off < r->in_len && (dst_ev & (POLLOUT | POLLERR))) {
		ssize_t w = docker_stream_write(
		    &r->stream, r->in_buf + r->in_off, r->in_len - r->in_off);
		if (w < 0 && errno != EAGAIN) {
			r->in_eof = true; /* the program closed its stdin */
			r->in_off = r->in_len = 0;
		} else if (w > 0) {
			if (r->spec->on_input != NULL)
				r->spec->on_input(0, r->in_buf + r->in_off,
				                  (size_t)w, r->spec->arg);
			r->in_off += (size_t)w;
		}
	}
	if (r->in_eof && r->in_off >= r->in_len && !r->in_closed) {
		docker_stream_close_write(&r->stream);
		r->in_closed = true;
	}
}

static void
docker_loop(struct docker_run *r)
{
	const struct limits *l = &r->spec->limits;
	uint64_t killed_at = 0;

	r->next_sample_ms = r->t_start_us / 1000;
	while (!r->eof) {
		struct pollfd p[2];
		int n = 0, i_src = -1, t;
		uint64_t now = util_now_ms(), deadline;
		short ev = POLLIN;

		if (!r->in_closed &&
		    (r->in_off < r->in_len ||
		     (r->pre != NULL && r->pre_off < r->pre->len)))
			ev |= POLLOUT;
		p[n++] = (struct pollfd){r->stream.fd, ev, 0};
		if (!r->in_closed && r->in_off >= r->in_len && !r->in_eof &&
		    (!r->pool || r->go_sent)) {
			p[n] = (struct pollfd){r->in_src, POLLIN, 0};
			i_src = n++;
		}
		deadline = r->t_start_us / 1000 + l->wall_ms;
		if (r->next_sample_ms < deadline)
			deadline = r->next_sample_ms;
		t = r->stream.pending.len > 0 ? 0
		    : deadline > now          ? (int)(deadline - now)
		                              : 0;
		if (r->killed || r->main_done)
			t = 100;
		if (poll(p, (nfds_t)n, t) < 0 && errno != EINTR)
			break;
		if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) ||
		    r->stream.pending.len > 0) {
			char buf[65536];
			ssize_t got = 1;

			/* a bounded helping: the clock and the CPU are
			 * looked at between two */
			int reads = 16;

			while (!r->eof && reads-- > 0 &&
			       (got = docker_stream_read(&r->stream, buf,
			                                 sizeof buf)) > 0) {
				buf_add(&r->frames, buf, (size_t)got);
				docker_frames(r);
			}
			if (!r->eof && reads >= 0 &&
			    (got == 0 || (got < 0 && errno != EAGAIN)))
				r->eof = true;
		}
		if (r->eof)
			break;
		if (!r->in_closed)
			docker_stdin(r, i_src >= 0 ? p[i_src].revents : 0,
			             p[0].revents);
		if (r->tty)
			docker_tty_resize(r->api, r->id, r->spec->tty_fd,
			                  &r->ws);
		now = util_now_ms();
		if (r->killed) {
			if (killed_at == 0)
				killed_at = now;
			else if (now - killed_at > DOCKER_STOP_WAIT_MS)
				break;
			continue;
		}
		/* ended in time: only its output is awaited */
		if (r->main_done) {
			if (now >= r->drain_until_ms)
				break;
			continue;
		}
		if (now >= r->t_start_us / 1000 + l->wall_ms) {
			docker_kill(r, BOX_WALL);
			continue;
		}
		if (now >= r->next_sample_ms) {
			uint64_t step = DOCKER_SAMPLE_MS, used, left;

			docker_sample(r, true);
			/* near the CPU limit, look more often */
			used = r->cg.cpu_us / 1000;
			left = l->cpu_ms > used ? l->cpu_ms - used : 0;
			if (left < step)
				step = left < 5 ? 5 : left;
			r->next_sample_ms = now + step;
		}
	}
}

/* The OCI runtime the run's container gets: the user's setting (its
 * option or FORGE_DOCKER_RUNTIME), else the language's, else NULL, the
 * daemon's default (runc). */
static const char *
docker_runtime(const struct box_spec *s)
{
	const char *rt = engine_config()->docker_runtime;

	return rt != NULL && rt[0] != '\0' ? rt : s->runtime;
}

/* Whether the runtime is gVisor's: it applies the profile itself (when
 * registered with --oci-seccomp) and knows no SCMP_ACT_KILL_PROCESS. */
static bool
docker_runtime_gvisor(const char *rt)
{
	return rt != NULL && strncmp(rt, "runsc", 5) == 0;
}

/* "seccomp=PROFILE": Forge's policy as Docker's profile, made once per
 * kind. A container always has a cgroup that charges its socket
 * buffers. */
static const char *
docker_seccomp_opt(bool gvisor)
{
	static struct buf opt[2];
	struct buf *b = &opt[gvisor];

	if (b->len == 0) {
		buf_init(b, 0);
		buf_printf(b, "seccomp=");
		seccomp_policy_docker_json(b, false, gvisor);
	}
	return buf_cstr(b);
}

/* /tmp, and /work unless a volume is there (and a pool's /prog): bounded
 * tmpfs mounts. */
static void
docker_body_tmpfs(struct json_writer *w, const struct limits *l,
                  const char *work_volume, bool pool)
{
	char opts[160];

	json_open(w, "Tmpfs", '{');
	snprintf(opts, sizeof opts,
	         "rw,nosuid,nodev,size=%" PRIu64 ",nr_inodes=%d,mode=1777",
	         l->fsize_bytes, DOCKER_TMPFS_INODES);
	json_cstr(w, "/tmp", opts);
	if (work_volume == NULL) {
		/* a pool's /work is where a compile leaves what runs, as
		 * a volume is for a container of its own; its /prog holds
		 * the build */
		snprintf(opts, sizeof opts,
		         "rw,nosuid,nodev,%ssize=%" PRIu64 ",nr_inodes=%d,"
		         "uid=%d,gid=%d,mode=0755",
		         pool ? "exec," : "", l->fsize_bytes,
		         DOCKER_TMPFS_INODES, SANDBOX_UID, SANDBOX_GID);
		json_cstr(w, SANDBOX_WORK, opts);
	}
	if (pool) {
		/* root's: the sandbox's user cannot change the build */
		snprintf(opts, sizeof opts,
		         "rw,nosuid,nodev,exec,size=%" PRIu64 ",mode=0755",
		         l->fsize_bytes);
		json_cstr(w, SANDBOX_PROG, opts);
	}
	json_close(w, '}');
}

/* The host's toolchains read-only (host: Forge's image), and the
 * build's and the run's volumes. */
static void
docker_body_mounts(struct json_writer *w, const struct box_spec *s, bool host,
                   const char *prog_volume, const char *work_volume)
{
	static const char *const tops[] = {"/bin", "/lib", "/lib32", "/lib64",
	                                   "/libx32"};
	static const char *const etc[] = {"/etc/ld.so.cache",
	                                  "/etc/alternatives"};
	size_t i;

	json_open(w, "Mounts", '[');
	if (host) {
		/* the host's toolchains, read-only: the ns backend's view */
		const char *binds[64];
		size_t nb = 0;
		struct stat st;

		binds[nb++] = "/usr";
		for (i = 0; i < sizeof tops / sizeof tops[0]; i++)
			if (lstat(tops[i], &st) == 0 && S_ISDIR(st.st_mode))
				binds[nb++] = tops[i];
		for (i = 0; i < sizeof etc / sizeof etc[0]; i++)
			if (access(etc[i], F_OK) == 0)
				binds[nb++] = etc[i];
		for (i = 0; s->ro_paths != NULL && s->ro_paths[i] != NULL &&
		            nb < sizeof binds / sizeof binds[0];
		     i++) {
			const char *rp = s->ro_paths[i];

			if (rp[0] == '/' && strncmp(rp, "/usr/", 5) != 0 &&
			    access(rp, F_OK) == 0)
				binds[nb++] = rp;
		}
		for (i = 0; i < nb; i++) {
			json_open(w, NULL, '{');
			json_cstr(w, "Type", "bind");
			json_cstr(w, "Source", binds[i]);
			json_cstr(w, "Target", binds[i]);
			json_bool(w, "ReadOnly", true);
			json_close(w, '}');
		}
	}
	if (prog_volume != NULL) {
		json_open(w, NULL, '{');
		json_cstr(w, "Type", "volume");
		json_cstr(w, "Source", prog_volume);
		json_cstr(w, "Target", SANDBOX_PROG);
		json_bool(w, "ReadOnly", true);
		json_close(w, '}');
	}
	if (work_volume != NULL) {
		json_open(w, NULL, '{');
		json_cstr(w, "Type", "volume");
		json_cstr(w, "Source", work_volume);
		json_cstr(w, "Target", SANDBOX_WORK);
		json_close(w, '}');
	}
	json_close(w, ']');
}

/* The container's JSON: the limits, the mounts, the user. A container
 * of the warm pool (pool) runs an idle sleep as root under Docker's
 * init, has /prog as a tmpfs too, and carries the pool's labels; its
 * runs are execs as the sandbox's user. */
static void
docker_body(const struct box_spec *s, const char *image, bool host,
            const char *prog_volume, const char *work_volume, bool stdin_open,
            struct docker_api *pool, struct buf *body)
{
	static const char *const idle[] = {"sleep", "infinity", NULL};
	const struct limits *l = &s->limits;
	struct json_writer w = {body, false};
	bool tty = s->tty_fd >= 0 && pool == NULL;
	char user[32];
	size_t i;

	json_open(&w, NULL, '{');
	json_cstr(&w, "Image", image);
	if (tty)
		docker_tty_cmd(&w, s->tty_fd, (const char *const *)s->argv);
	else {
		json_open(&w, "Cmd", '[');
		for (i = 0;
		     (pool ? idle : (const char *const *)s->argv)[i] != NULL;
		     i++)
			json_cstr(
			    &w, NULL,
			    (pool ? idle : (const char *const *)s->argv)[i]);
		json_close(&w, ']');
	}
	json_open(&w, "Env", '[');
	for (i = 0; !pool && s->envp != NULL && s->envp[i] != NULL; i++)
		json_cstr(&w, NULL, s->envp[i]);
	json_close(&w, ']');
	/* an unprivileged user: owns nothing of the image; a pool's idle
	 * init is root's, beyond the reach of the sandbox's user */
	snprintf(user, sizeof user, "%d:%d", pool ? 0 : SANDBOX_UID,
	         pool ? 0 : SANDBOX_GID);
	json_cstr(&w, "User", user);
	json_cstr(&w, "WorkingDir", SANDBOX_WORK);
	json_cstr(&w, "Hostname", "forge");
	json_bool(&w, "AttachStdin", stdin_open);
	json_bool(&w, "AttachStdout", true);
	json_bool(&w, "AttachStderr", true);
	json_bool(&w, "OpenStdin", stdin_open);
	json_bool(&w, "StdinOnce", stdin_open);
	/* the run's terminal: the container gets one of its own */
	json_bool(&w, "Tty", tty);
	/* no network device at all unless asked */
	json_bool(&w, "NetworkDisabled", !l->net);
	if (pool)
		docker_pool_labels(pool, &w);
	else
		docker_labels(&w);
	json_open(&w, "HostConfig", '{');
	if (docker_runtime(s) != NULL)
		json_cstr(&w, "Runtime", docker_runtime(s));
	/* memory with no swap beyond it: an OOM kill is MLE */
	json_int(&w, "Memory", (long long)l->mem_bytes);
	json_int(&w, "MemorySwap", (long long)l->mem_bytes);
	/* a fork bomb stops at the limit (+1: the init) */
	json_int(&w, "PidsLimit",
	         (long long)l->pids + (pool ? DOCKER_POOL_IDLE_PIDS : 1));
	if (!l->net)
		json_cstr(&w, "NetworkMode", "none");
	/* the program is never PID 1: Docker's init reaps and reports.
	 * Under gVisor, whose kernel ends the sandbox with its first
	 * process, the program is PID 1: Docker's init reports exit
	 * code 2 there for a program that read its stdin and exited 0 */
	json_bool(&w, "Init", !docker_runtime_gvisor(docker_runtime(s)));
	/* nothing of the image is writable; /work and /tmp are bounded */
	json_bool(&w, "ReadonlyRootfs", true);
	docker_body_tmpfs(&w, l, work_volume, pool != NULL);
	/* no capabilities, and none to be gained through setuid files */
	json_open(&w, "CapDrop", '[');
	json_cstr(&w, NULL, "ALL");
	json_close(&w, ']');
	json_open(&w, "SecurityOpt", '[');
	json_cstr(&w, NULL, "no-new-privileges");
	/* Forge's own policy, the ns backend's: a denied call kills */
	json_cstr(&w, NULL,
	          docker_seccomp_opt(docker_runtime_gvisor(docker_runtime(s))));
	json_close(&w, ']');
	/* the output is streamed to Forge, never logged to the daemon's
	 * disk */
	json_open(&w, "LogConfig", '{');
	json_cstr(&w, "Type", "none");
	json_close(&w, '}');
	json_open(&w, "Ulimits", '[');
	json_open(&w, NULL, '{');
	json_cstr(&w, "Name", "fsize");
	json_int(&w, "Soft", (long long)l->fsize_bytes);
	json_int(&w, "Hard", (long long)l->fsize_bytes);
	json_close(&w, '}');
	json_open(&w, NULL, '{');
	json_cstr(&w, "Name", "core");
	json_int(&w, "Soft", 0);
	json_int(&w, "Hard", 0);
	json_close(&w, '}');
	json_close(&w, ']');
	docker_body_mounts(&w, s, host, prog_volume, work_volume);
	json_close(&w, '}');
	json_close(&w, '}');
}

/* The files a run starts with in /work, owned by the sandbox's user,
 * named under top ("." for /work itself). */
static void
docker_work_entries(const struct box_spec *s, const char *top, struct buf *tar)
{
	char *name;
	size_t i;

	docker_tar_add(tar, top, '5', 0755, SANDBOX_UID, SANDBOX_GID, NULL, 0,
	               NULL);
	for (i = 0; s->mkdirs != NULL && s->mkdirs[i] != NULL; i++) {
		xasprintf(&name, "%s/%s", top, s->mkdirs[i]);
		docker_tar_add(tar, strcmp(top, ".") ? name : s->mkdirs[i], '5',
		               0755, SANDBOX_UID, SANDBOX_GID, NULL, 0, NULL);
		free(name);
	}
	for (i = 0; i < s->ninputs; i++) {
		const char *slash = strrchr(s->inputs[i].name, '/');

		if (slash != NULL) {
			xasprintf(&name, "%s/%.*s", top,
			          (int)(slash - s->inputs[i].name),
			          s->inputs[i].name);
			docker_tar_add(tar, strcmp(top, ".") ? name : name + 2,
			               '5', 0755, SANDBOX_UID, SANDBOX_GID,
			               NULL, 0, NULL);
			free(name);
		}
		xasprintf(&name, "%s/%s", top, s->inputs[i].name);
		docker_tar_add(tar, strcmp(top, ".") ? name : s->inputs[i].name,
		               '0', 0644, SANDBOX_UID, SANDBOX_GID,
		               s->inputs[i].data, s->inputs[i].len, NULL);
		free(name);
	}
}

static void
docker_work_tar(const struct box_spec *s, struct buf *tar)
{
	docker_work_entries(s, ".", tar);
	tar_end(tar);
}

struct docker_collect {
	const struct box_spec *spec;
	struct box_result *res;
	/* the archive's regular files so far: a hard link's content */
	struct docker_collect_seen {
		char *name;
		const char *data;
		size_t len;
	} * seen;
	size_t nseen;
};

/* Keeps the archive's regular files that a collect glob names; the
 * archive's top directory is "work". A hard link to a regular file of
 * the archive comes as a copy of it, as on ns; no other link is kept. */
static void
docker_collect_one(const char *name, char type, mode_t mode, const char *link,
                   const char *data, size_t len, void *arg)
{
	struct docker_collect *c = arg;
	struct box_result *r = c->res;
	struct box_file *f;
	size_t i;

	if (type == '0') {
		c->seen = xrealloc(c->seen, (c->nseen + 1) * sizeof *c->seen);
		c->seen[c->nseen++] =
		    (struct docker_collect_seen){xstrdup(name), data, len};
	} else if (type == '1') {
		for (i = c->nseen; i > 0; i--)
			if (strcmp(c->seen[i - 1].name, link) == 0)
				break;
		if (i == 0)
			return;
		data = c->seen[i - 1].data;
		len = c->seen[i - 1].len;
	} else
		return;
	if (strncmp(name, "work/", 5) != 0)
		return;
	name += 5;
	for (i = 0; c->spec->collect[i] != NULL; i++)
		if (fnmatch(c->spec->collect[i], name, FNM_PATHNAME) == 0)
			break;
	if (c->spec->collect[i] == NULL)
		return;
	r->files = xrealloc(r->files, (r->nfiles + 1) * sizeof *r->files);
	f = &r->files[r->nfiles++];
	f->name = xstrdup(name);
	f->mode = mode & 0755;
	buf_init(&f->data, 0);
	buf_add(&f->data, data, len);
}

/* The files of a run's /work archive its collect globs name. */
static void
docker_collect_tar(struct docker_run *r, const struct buf *tar)
{
	struct docker_collect c = {r->spec, r->res, NULL, 0};

	docker_tar_each(tar->data, tar->len, docker_collect_one, &c);
	for (size_t i = 0; i < c.nseen; i++)
		free(c.seen[i].name);
	free(c.seen);
}

static void
docker_collect(struct docker_run *r)
{
	struct buf tar;
	char path[256], err[256];

	buf_init(&tar, DOCKER_COLLECT_MAX);
	snprintf(path, sizeof path, "/containers/%s/archive?path=%s", r->id,
	         SANDBOX_WORK);
	if (docker_call_ok(r->api, "GET", path, NULL, 0, NULL, &tar, err,
	                   sizeof err) == 0 &&
	    !tar.truncated)
		docker_collect_tar(r, &tar);
	buf_free(&tar);
}

static int docker_end(struct docker_run *, int64_t, bool, char *, size_t);

/* How the container ended: its exit code (the init's: 128+N for a
 * program killed by signal N) and whether the kernel's OOM killer
 * struck. */
static int
docker_outcome(struct docker_run *r, char *err, size_t len)
{
	struct buf resp;
	struct jsonparse_value *v;
	char path[160];
	int64_t code = -1;
	bool oom;

	buf_init(&resp, 1 << 20);
	snprintf(path, sizeof path, "/containers/%s/wait", r->id);
	if (docker_call_ok(r->api, "POST", path, NULL, 0, NULL, &resp, err,
	                   len) < 0) {
		buf_free(&resp);
		return -1;
	}
	buf_reset(&resp);
	snprintf(path, sizeof path, "/containers/%s/json", r->id);
	if (docker_call_ok(r->api, "GET", path, NULL, 0, NULL, &resp, err,
	                   len) < 0) {
		buf_free(&resp);
		return -1;
	}
	v = jsonparse_parse(resp.data, resp.len, NULL);
	jsonparse_int(jsonparse_get(jsonparse_get(v, "State"), "ExitCode"),
	              &code);
	oom = jsonparse_type(jsonparse_get(jsonparse_get(v, "State"),
	                                   "OOMKilled")) == JSONPARSE_TRUE;
	jsonparse_free(v);
	buf_free(&resp);
	/* the daemon's OOMKilled comes from an event it may miss when
	 * several containers end at once (seen under runsc with a judge's
	 * -j 4); the cgroup's own count of OOM kills, which the program
	 * cannot raise but by its memory, says it too */
	if (r->have_cg) {
		docker_cgroup_read(&r->cg);
		oom = oom || r->cg.oom_kills > 0;
	}
	/* under gVisor the program is PID 1 of gVisor's kernel, which no
	 * process of its own can kill with SIGKILL: one that Forge did
	 * not send is gVisor's at the memory limit (seen with judge -j 4:
	 * the host's OOM killer had no part in it, so neither the daemon
	 * nor the cgroup counted it) */
	if (code == 128 + SIGKILL && !r->killed &&
	    docker_runtime_gvisor(docker_runtime(r->spec)))
		oom = true;
	return docker_end(r, code, oom, err, len);
}

/* The end of a run, from its exit code (128+N: killed by signal N) and
 * whether the kernel's OOM killer struck. */
static int
docker_end(struct docker_run *r, int64_t code, bool oom, char *err, size_t len)
{
	struct box_result *res = r->res;

	if (oom && !r->killed) {
		res->end = BOX_MEMORY;
		res->signal = SIGKILL;
	} else if (r->killed) {
		res->signal = SIGKILL;
	} else if (code == 128 + SIGSYS) {
		/* Forge's policy, as the container's seccomp profile,
		 * kills with SIGSYS; the daemon does not say which call
		 * it was */
		res->end = BOX_SYSCALL;
		res->signal = SIGSYS;
		snprintf(res->message, sizeof res->message,
		         "killed by SIGSYS: a system call Forge's seccomp "
		         "policy forbids (the docker backend cannot name it)");
	} else if (code > 128 && code < 128 + 65) {
		res->end = BOX_SIGNALED;
		res->signal = (int)(code - 128);
	} else if (code >= 0) {
		res->end = BOX_EXITED;
		res->exit_code = (int)code;
	} else {
		snprintf(err, len, "the daemon did not say how it ended");
		return -1;
	}
	return 0;
}

static bool
docker_needs_work_volume(const struct box_spec *s)
{
	return s->ninputs > 0 || s->collect != NULL ||
	       (s->mkdirs != NULL && s->mkdirs[0] != NULL);
}

static int
docker_run_fail(struct box_result *res, const char *err)
{
	res->end = BOX_ERROR;
	strlcpy0(res->message, err, sizeof res->message);
	return 0;
}

/* ---- a run in the warm pool ------------------------------------------- */

/* Runs the pool serves: Forge's image (whose sh, head, tar and find are
 * the host's), runc, no terminal, and a process limit with room beside
 * the program for the exec's and the wrapper's processes, whose count
 * varies as the exec starts: a tighter limit gets a container of its
 * own, whose count is the program's alone. */
static bool
docker_pool_fits(const struct docker_run *r,
                 const struct docker_image_seen *img)
{
	const struct box_spec *s = r->spec;

	return img->host && s->tty_fd < 0 && docker_runtime(s) == NULL &&
	       s->limits.pids >= DOCKER_POOL_MIN_PIDS &&
	       docker_pool_usable(r->api);
}

/* The build as an archive for /prog, made once per process (a judge's
 * tests share one); NULL and err when it cannot be read. */
static const struct buf *
docker_pool_prog_tar(const char *dir, char *err, size_t len)
{
	static char *prog_dir;
	static struct buf prog_tar;
	int fd, r;

	if (prog_dir != NULL && strcmp(prog_dir, dir) == 0)
		return &prog_tar;
	free(prog_dir);
	prog_dir = NULL;
	buf_free(&prog_tar);
	buf_init(&prog_tar, 0);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, len, "the build %s: %s", dir, strerror(errno));
		return NULL;
	}
	r = docker_tar_add_dir(&prog_tar, fd, ".", 0, 0, 8, err, len);
	close(fd);
	if (r < 0)
		return NULL;
	tar_end(&prog_tar);
	prog_dir = xstrdup(dir);
	return &prog_tar;
}

/* Claims a container of the pool and starts the run in it: 1, or 0 when
 * the pool has none free, or -1 and err. The build is put at /prog
 * unless the container holds it already; the run is an exec of a
 * wrapper that unpacks the run's files into /work from its stdin, says
 * so with one byte on stdout, waits for a newline (sent once the
 * counters are rebased) and becomes the program. */
static int
docker_pool_start(struct docker_run *r, const char *image,
                  const struct docker_image_seen *img, struct buf *files,
                  char *err, size_t len)
{
	const struct box_spec *s = r->spec;
	const struct buf *prog;
	const char **argv;
	char user[32], head[96] = "", *script;
	struct buf body;
	size_t i, n;
	int c;

	buf_init(&body, 0);
	docker_body(s, image, true, NULL, NULL, false, r->api, &body);
	c = docker_pool_claim(r->api, &body, img->id, &r->slot, err, len);
	buf_free(&body);
	if (c <= 0)
		return c;
	r->pool = true;
	/* (a container that holds the build already needs no archive of
	 * it) */
	if (s->prog_dir != NULL && strcmp(r->slot.build, s->prog_dir) != 0 &&
	    ((prog = docker_pool_prog_tar(s->prog_dir, err, len)) == NULL ||
	     docker_pool_prog(r->api, &r->slot, s->prog_dir, prog, err, len) <
	         0))
		return -1;
	if (docker_needs_work_volume(s)) {
		docker_work_entries(s, "work", files);
		tar_end(files);
		snprintf(head, sizeof head,
		         "/usr/bin/head -c %zu | /bin/tar -xf - -C / || "
		         "exit 125; ",
		         files->len);
	}
	xasprintf(&script, "%sprintf F; read _ || exit 125; exec \"$@\"", head);
	for (n = 0; s->argv[n] != NULL; n++)
		;
	argv = xmalloc((n + 5) * sizeof *argv);
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = script;
	argv[3] = "sh";
	for (i = 0; i <= n; i++)
		argv[4 + i] = s->argv[i];
	snprintf(user, sizeof user, "%d:%d", SANDBOX_UID, SANDBOX_GID);
	c = docker_pool_exec(r->api, r->slot.id, user, argv,
	                     (const char *const *)s->envp, true, &r->stream,
	                     r->exec_id, sizeof r->exec_id, err, len);
	free(argv);
	free(script);
	if (c < 0)
		return -1;
	r->pre = files;
	r->cg = r->slot.cg;
	r->have_cg = true;
	r->idle_pids = DOCKER_POOL_IDLE_PIDS;
	return 1;
}

/* The program died of SIGXFSZ: did a file it wrote reach the file size
 * limit, or did it send the signal itself? A file of /work or /tmp at
 * the limit says (the writable places; one removed does not count). */
static bool
docker_pool_fsize_reached(struct docker_run *r)
{
	char size[64], user[32], err[256];
	const char *const argv[] = {
	    "/usr/bin/find", SANDBOX_WORK, "/tmp",   "-xdev", "-type", "f",
	    "-size",         size,         "-print", "-quit", NULL};
	struct buf out;
	bool reached;

	if (r->spec->limits.fsize_bytes == 0)
		return false;
	snprintf(size, sizeof size, "+%" PRIu64 "c",
	         r->spec->limits.fsize_bytes - 1);
	snprintf(user, sizeof user, "%d:%d", SANDBOX_UID, SANDBOX_GID);
	buf_init(&out, 4096);
	reached = docker_pool_exec_run(r->api, r->slot.id, user, argv, NULL,
	                               &out, err, sizeof err) >= 0 &&
	          out.len > 0;
	buf_free(&out);
	return reached;
}

/* How the run's exec ended; its wrapper's failure before the program
 * started is the sandbox's. */
static int
docker_pool_outcome(struct docker_run *r, char *err, size_t len)
{
	int64_t code = 128 + SIGKILL;

	if (docker_pool_exec_code(r->api, r->exec_id, &code, 5000) < 0 &&
	    !r->killed) {
		snprintf(err, len, "the run's exec in %s did not end",
		         r->slot.name);
		return -1;
	}
	if (!r->started && !r->killed) {
		r->slot.reusable = false;
		snprintf(err, len,
		         "the pool's container %s could not start the run: "
		         "%.*s",
		         r->slot.name, (int)r->setup_err.len,
		         r->setup_err.data ? r->setup_err.data : "");
		return -1;
	}
	if (docker_end(r, code, r->cg.oom_kills > 0, err, len) < 0)
		return -1;
	if (r->res->end == BOX_SIGNALED && r->res->signal == SIGXFSZ)
		r->res->fsize_reached = docker_pool_fsize_reached(r);
	return 0;
}

/* The run is over only when its processes are: a daemon it left behind
 * (its stdio closed, so the run's stream ended without it) is killed
 * before forge returns, as the end of a container would kill it. The
 * container's count says whether any is left; a container where they
 * do not go is not handed on. */
static void
docker_pool_reap(struct docker_run *r)
{
	uint64_t until;

	docker_cgroup_read(&r->slot.cg);
	if (r->slot.cg.pids <= DOCKER_POOL_IDLE_PIDS)
		return;
	docker_pool_kill(r->api, &r->slot);
	until = util_now_ms() + 2000;
	for (;;) {
		docker_cgroup_read(&r->slot.cg);
		if (r->slot.cg.pids <= DOCKER_POOL_IDLE_PIDS)
			return;
		if (util_now_ms() >= until)
			break;
		usleep(2000);
	}
	r->slot.reusable = false;
}

static void
docker_pool_collect(struct docker_run *r)
{
	/* a hard link comes as a copy of its file, as on ns */
	static const char *const argv[] = {
	    "/bin/tar", "--hard-dereference", "-cf", "-", "-C", "/", "work",
	    NULL};
	struct buf tar;
	char user[32], err[256];

	snprintf(user, sizeof user, "%d:%d", SANDBOX_UID, SANDBOX_GID);
	buf_init(&tar, DOCKER_COLLECT_MAX);
	if (docker_pool_exec_run(r->api, r->slot.id, user, argv, NULL, &tar,
	                         err, sizeof err) >= 0 &&
	    !tar.truncated)
		docker_collect_tar(r, &tar);
	buf_free(&tar);
}

/* A container of its own for the run: its volumes (the build's at
 * /prog, prog; /work's, work, when the run needs one), the container,
 * its files, its stream attached, started, its cgroup found. 0, or -1
 * and err. */
static int
docker_own_start(struct docker_run *r, const char *image,
                 const struct docker_image_seen *img, bool stdin_open,
                 const char **prog, char *work, size_t worklen,
                 struct buf *body, char *err, size_t errlen)
{
	char path[160];

	if (r->spec->prog_dir != NULL &&
	    (*prog = docker_prog_volume(r->api, image, r->spec->prog_dir, err,
	                                errlen)) == NULL)
		return -1;
	if (docker_needs_work_volume(r->spec) &&
	    docker_create_volume(r->api, work, worklen, "work", err, errlen) <
	        0)
		return -1;
	docker_body(r->spec, image, img->host, *prog, work[0] ? work : NULL,
	            stdin_open, NULL, body);
	if (docker_create(r->api, body, r->id, sizeof r->id, err, errlen) < 0) {
		if (docker_runtime(r->spec) != NULL && strstr(err, "runtime"))
			snprintf(
			    err + strlen(err), errlen - strlen(err),
			    " (the daemon lacks the runtime '%s': 'forge "
			    "doctor --backend docker' says how to register "
			    "it)",
			    docker_runtime(r->spec));
		return -1;
	}
	if (work[0] != '\0') {
		struct buf tar;
		int rc;

		buf_init(&tar, 0);
		docker_work_tar(r->spec, &tar);
		rc = docker_put_archive(r->api, r->id, SANDBOX_WORK, &tar, err,
		                        errlen);
		buf_free(&tar);
		if (rc < 0)
			return -1;
	}
	if (docker_api_attach(r->api, r->id, &r->stream, err, errlen) < 0)
		return -1;
	snprintf(path, sizeof path, "/containers/%s/start", r->id);
	if (docker_call_ok(r->api, "POST", path, NULL, 0, NULL, NULL, err,
	                   errlen) < 0)
		return -1;
	/* no CPU limit holds without the cgroup: the run is the
	 * sandbox's failure, never an unlimited success */
	r->have_cg = docker_cgroup_open(&r->cg, r->id, 0, err, errlen) == 0;
	if (!r->have_cg)
		return -1;
	r->idle_pids = 1;
	return 0;
}

/* CPU time and peak memory from the container's cgroup, and what they
 * say of the end: an OOM kill reached the limit, a CPU-bound program
 * that ended between two looks is TLE. */
static void
docker_run_measure(struct docker_run *r)
{
	if (!r->have_cg)
		return;
	r->res->cpu_ms = r->cg.cpu_us / 1000;
	r->res->mem_kb = r->cg.peak / 1024;
	/* the cgroup goes with the container, maybe before its
	 * last look: an OOM kill says usage reached the limit */
	if (r->res->end == BOX_MEMORY &&
	    r->res->mem_kb < r->spec->limits.mem_bytes / 1024)
		r->res->mem_kb = r->spec->limits.mem_bytes / 1024;
	/* a CPU-bound program that ended between two looks */
	if (r->res->cpu_ms >= r->spec->limits.cpu_ms &&
	    r->res->end != BOX_MEMORY && r->res->end != BOX_SYSCALL) {
		r->res->end = BOX_CPU;
		if (r->res->signal == 0)
			r->res->signal = SIGKILL;
	}
}

static int
docker_run(const struct box_spec *spec, struct box_result *res)
{
	struct docker_run r = {0};
	const struct docker_image_seen *img;
	const char *image = spec->image ? spec->image : DOCKER_IMAGE_DEFAULT;
	const char *prog = NULL;
	char work[96] = "", err[512];
	struct buf body, files;
	bool stdin_open;
	int pooled = 0;

	memset(res, 0, sizeof *res);
	signal(SIGPIPE, SIG_IGN);
	/* Docker refuses to make a container with less memory: nothing
	 * could start in it, so the program is over its limit, as on ns */
	if (spec->limits.mem_bytes < DOCKER_MEMORY_MIN) {
		res->end = BOX_MEMORY;
		res->signal = SIGKILL;
		snprintf(res->message, sizeof res->message,
		         "a container needs at least 6M to start");
		return 0;
	}
	r.spec = spec;
	r.res = res;
	if ((r.api = docker_connect(err, sizeof err)) == NULL ||
	    (img = docker_image(r.api, image, err, sizeof err)) == NULL)
		return docker_run_fail(res, err);
	r.in_src = spec->pipe_in >= 0  ? spec->pipe_in
	           : spec->tty_fd >= 0 ? spec->tty_fd
	                               : spec->stdin_fd;
	stdin_open = r.in_src >= 0;
	/* (a pooled run never has a terminal: docker_pool_fits) */
	r.tty = spec->tty_fd >= 0;
	buf_init(&body, 0);
	buf_init(&files, 0);
	buf_init(&r.frames, 0);
	buf_init(&r.setup_err, 4096);
	if (docker_pool_fits(&r, img) &&
	    (pooled = docker_pool_start(&r, image, img, &files, err,
	                                sizeof err)) != 0) {
		if (pooled < 0) {
			docker_run_fail(res, err);
			goto out;
		}
		goto running;
	}
	if (docker_own_start(&r, image, img, stdin_open, &prog, work,
	                     sizeof work, &body, err, sizeof err) < 0) {
		docker_run_fail(res, err);
		goto out;
	}
running:
	if (r.tty && ioctl(spec->tty_fd, TIOCGWINSZ, &r.ws) < 0)
		memset(&r.ws, 0, sizeof r.ws);
	r.t_start_us = util_now_us();
	res->enforced_by = r.cg.v2 ? ENFORCED_CGROUP_V2 : ENFORCED_CGROUP_V1;
	util_set_nonblock(r.stream.fd, true);
	if (!stdin_open) {
		r.in_eof = true;
		if (!r.pool) {
			r.in_closed = true;
			docker_stream_close_write(&r.stream);
		}
	}
	docker_loop(&r);
	res->wall_ms = (util_now_us() - r.t_start_us) / 1000;
	res->end_us = util_now_us();
	docker_sample(&r, false);
	if ((r.pool ? docker_pool_outcome(&r, err, sizeof err)
	            : docker_outcome(&r, err, sizeof err)) < 0) {
		docker_run_fail(res, err);
		goto out;
	}
	docker_run_measure(&r);
	if (r.pool)
		docker_pool_reap(&r);
	if (spec->collect != NULL && r.pool)
		docker_pool_collect(&r);
	else if (spec->collect != NULL)
		docker_collect(&r);
out:
	if (r.have_cg && !r.pool)
		docker_cgroup_close(&r.cg);
	docker_stream_close(&r.stream);
	if (r.pool)
		docker_pool_release(r.api, &r.slot, true);
	if (r.id[0] != '\0')
		docker_remove_container(r.api, r.id);
	if (work[0] != '\0')
		docker_remove_volume(r.api, work);
	buf_free(&r.frames);
	buf_free(&r.setup_err);
	buf_free(&files);
	buf_free(&body);
	return 0;
}

/* ---- the rest of the table -------------------------------------------- */

static void
docker_release(void)
{
	size_t i;

	for (i = 0; i < DOCKER_PROGS; i++)
		docker_prog_drop(docker_conn_ok ? &docker_conn : NULL,
		                 &docker_progs[i]);
	for (i = 0; i < sizeof docker_images / sizeof docker_images[0]; i++) {
		free(docker_images[i].name);
		memset(&docker_images[i], 0, sizeof docker_images[i]);
	}
	if (docker_conn_ok)
		docker_api_close(&docker_conn);
	docker_conn_ok = false;
}

/* Whether the forge process that labelled something is gone. */
static bool
docker_owner_dead(const struct jsonparse_value *labels)
{
	const char *s =
	    jsonparse_string(jsonparse_get(labels, DOCKER_LABEL_PID), NULL);
	long pid = s != NULL ? strtol(s, NULL, 10) : 0;

	if (pid <= 0)
		return false;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

static void
docker_cleanup_stale(void)
{
	struct docker_api *api;
	struct jsonparse_value *v;
	struct buf resp;
	char err[512], *filter, *path;
	CURL *esc;
	size_t i;

	/* no daemon here: nothing of Forge's can be left in one */
	if (access(
	        engine_config()->docker_host &&
	                strncmp(engine_config()->docker_host, "unix://", 7) == 0
	            ? engine_config()->docker_host + 7
	            : "/var/run/docker.sock",
	        F_OK) < 0 ||
	    (api = docker_connect(err, sizeof err)) == NULL)
		return;
	esc = curl_easy_init();
	filter =
	    curl_easy_escape(esc, "{\"label\":[\"" DOCKER_LABEL "=1\"]}", 0);
	buf_init(&resp, 16 << 20);
	xasprintf(&path, "/containers/json?all=1&filters=%s", filter);
	if (docker_call_ok(api, "GET", path, NULL, 0, NULL, &resp, err,
	                   sizeof err) == 0) {
		v = jsonparse_parse(resp.data, resp.len, NULL);
		for (i = 0; i < jsonparse_len(v); i++) {
			const struct jsonparse_value *c = jsonparse_at(v, i);
			char *id =
			    jsonparse_strdup(jsonparse_get(c, "Id"), NULL);

			if (id != NULL &&
			    docker_owner_dead(jsonparse_get(c, "Labels")))
				docker_remove_container(api, id);
			free(id);
		}
		jsonparse_free(v);
	}
	free(path);
	buf_reset(&resp);
	xasprintf(&path, "/volumes?filters=%s", filter);
	if (docker_call_ok(api, "GET", path, NULL, 0, NULL, &resp, err,
	                   sizeof err) == 0) {
		const struct jsonparse_value *vols;

		v = jsonparse_parse(resp.data, resp.len, NULL);
		vols = jsonparse_get(v, "Volumes");
		for (i = 0; i < jsonparse_len(vols); i++) {
			const struct jsonparse_value *c = jsonparse_at(vols, i);
			char *name =
			    jsonparse_strdup(jsonparse_get(c, "Name"), NULL);

			if (name != NULL &&
			    docker_owner_dead(jsonparse_get(c, "Labels")))
				docker_remove_volume(api, name);
			free(name);
		}
		jsonparse_free(v);
	}
	free(path);
	buf_free(&resp);
	curl_free(filter);
	curl_easy_cleanup(esc);
	docker_pool_cleanup_stale(api);
}

static bool
docker_lang_available(const struct language *l, char *why, size_t len)
{
	struct docker_api *api;
	const struct docker_image_seen *img;
	char err[512];

	if ((api = docker_connect(err, sizeof err)) == NULL ||
	    (img = docker_image(api, l->image ? l->image : DOCKER_IMAGE_DEFAULT,
	                        err, sizeof err)) == NULL) {
		if (why != NULL)
			strlcpy0(why, err, len);
		return false;
	}
	/* Forge's image runs the host's toolchains; another image is
	 * taken to hold its language's */
	return img->host ? lang_host_available(l, why, len) : true;
}

static bool
docker_tool_id(const char *cmd, char *id, size_t len)
{
	struct docker_api *api;
	const struct docker_image_seen *img;
	char err[512], host[1024];

	if ((api = docker_connect(err, sizeof err)) == NULL ||
	    (img = docker_image(api, DOCKER_IMAGE_DEFAULT, err, sizeof err)) ==
	        NULL)
		return false;
	if (!img->host) {
		snprintf(id, len, "docker:%s:%s", img->id, cmd);
		return true;
	}
	if (!lang_host_tool_id(cmd, host, sizeof host))
		return false;
	snprintf(id, len, "docker:%s:%s", img->id, host);
	return true;
}

/* The language's image by content: its id, which a rebuild under the
 * same name changes. */
static bool
docker_image_key(const struct language *l, char *id, size_t len)
{
	struct docker_api *api;
	const struct docker_image_seen *img;
	const char *name = l->image ? l->image : DOCKER_IMAGE_DEFAULT;
	char err[512];

	if ((api = docker_connect(err, sizeof err)) == NULL ||
	    (img = docker_image(api, name, err, sizeof err)) == NULL)
		return false;
	snprintf(id, len, "image:%s@%s", name, img->id);
	return true;
}

static size_t
docker_doctor(struct backend_check *c, size_t max)
{
	struct docker_api *api;
	struct buf resp;
	struct jsonparse_value *v;
	char err[512];
	size_t n = 0;

	if (max < 3)
		return 0;
	memset(c, 0, 3 * sizeof *c);
	c[n].name = "docker daemon";
	if ((api = docker_connect(err, sizeof err)) == NULL) {
		c[n].status = 2;
		strlcpy0(c[n].detail, err, sizeof c[n].detail);
		snprintf(c[n].fix, sizeof c[n].fix,
		         "install and start Docker (apt-get install docker.io; "
		         "systemctl start docker), or set DOCKER_HOST=unix://"
		         "PATH");
		return 1;
	}
	snprintf(c[n].detail, sizeof c[n].detail,
	         "Docker %s on %s, API %s (the daemon's newest: %s)",
	         api->server, api->socket, api->version, api->api_max);
	n++;
	c[n].name = "docker runtimes";
	buf_init(&resp, 16 << 20);
	if (docker_call_ok(api, "GET", "/info", NULL, 0, NULL, &resp, err,
	                   sizeof err) == 0) {
		const struct jsonparse_value *rt;
		struct buf names;
		size_t i, kl;
		bool runsc = false;
		const char *cg;

		v = jsonparse_parse(resp.data, resp.len, NULL);
		rt = jsonparse_get(v, "Runtimes");
		buf_init(&names, 0);
		for (i = 0; i < jsonparse_len(rt); i++) {
			const char *k = jsonparse_key(rt, i, &kl);

			buf_printf(&names, "%s%.*s", i ? ", " : "", (int)kl, k);
			if (kl == 5 && memcmp(k, "runsc", 5) == 0)
				runsc = true;
		}
		cg = jsonparse_string(jsonparse_get(v, "CgroupVersion"), NULL);
		snprintf(
		    c[n].detail, sizeof c[n].detail,
		    "%s; cgroup v%s, driver %s", buf_cstr(&names),
		    cg ? cg : "1",
		    jsonparse_string(jsonparse_get(v, "CgroupDriver"), NULL)
		        ?: "?");
		if (!runsc) {
			c[n].status = 1;
			snprintf(
			    c[n].fix, sizeof c[n].fix,
			    "for gVisor (--runtime runsc): apt-get install "
			    "runsc, then register it with the daemon "
			    "(dockerd --add-runtime runsc=/usr/bin/runsc, or "
			    "in daemon.json \"runtimes\": {\"runsc\": "
			    "{\"path\": \"/usr/bin/runsc\", "
			    "\"runtimeArgs\": [\"--network=none\"]}}) and "
			    "restart it");
		}
		buf_free(&names);
		jsonparse_free(v);
	} else {
		c[n].status = 1;
		strlcpy0(c[n].detail, err, sizeof c[n].detail);
	}
	buf_free(&resp);
	n++;
	c[n].name = "docker image";
	if (docker_image(api, DOCKER_IMAGE_DEFAULT, err, sizeof err) == NULL) {
		c[n].status = 2;
		strlcpy0(c[n].detail, err, sizeof c[n].detail);
		snprintf(c[n].fix, sizeof c[n].fix, "forge image build");
	} else
		snprintf(c[n].detail, sizeof c[n].detail,
		         "%s present (the host's toolchains, read-only)",
		         DOCKER_IMAGE_DEFAULT);
	n++;
	return n;
}

/* forge image build: Forge's image, made here. */
static int
docker_prepare(struct buf *log, char *err, size_t len)
{
	struct docker_api *api = docker_connect(err, len);
	size_t i;

	if (api == NULL ||
	    docker_image_build(api, DOCKER_IMAGE_DEFAULT, log, err, len) < 0)
		return -1;
	/* the next look sees the new image */
	for (i = 0; i < sizeof docker_images / sizeof docker_images[0]; i++) {
		free(docker_images[i].name);
		memset(&docker_images[i], 0, sizeof docker_images[i]);
	}
	return 0;
}

const struct backend docker_backend = {
    .name = "docker",
    .description = "containers of a Docker Engine (runc), over its socket",
    .doctor = docker_doctor,
    .run = docker_run,
    .release = docker_release,
    .cleanup_stale = docker_cleanup_stale,
    .lang_available = docker_lang_available,
    .tool_id = docker_tool_id,
    .image_id = docker_image_key,
    .prepare = docker_prepare,
};
