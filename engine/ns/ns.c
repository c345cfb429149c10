/* The ns backend's keeper: the part of a run that stays outside.
 *
 * It clones the sandbox's init into fresh namespaces, maps its user,
 * attaches its cgroup, then pumps stdin in and stdout/stderr out,
 * watches the clock, the CPU and the memory, samples usage for the live
 * view, and kills the whole run the moment a limit is crossed. It never
 * runs anything itself: a sandbox that cannot be built is an error
 * (verdict IE), not a reason to run the program some other way. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/ns/ns.h"

/* The host uid the sandbox user maps to when forge runs as root: an
 * unused, unprivileged id, so the program owns no host file. */
#define NS_ROOT_OUTER_ID 60000

#define NS_SAMPLE_MS        100
#define NS_IN_BUF           65536
#define NS_SETUP_TIMEOUT_MS 10000

struct keeper {
	const struct box_spec *spec;
	struct box_result *res;
	struct ns_cgroup *cg;
	pid_t init;
	int status_fd, out_fd, err_fd;
	int in_src, in_dst; /* stdin pump: forge's stdin -> the program */
	char *in_buf;       /* NS_IN_BUF bytes, with a stdin to pump */
	size_t in_len, in_off;
	bool in_eof;
	struct buf status;
	size_t status_off;
	bool started, exited, done, killed;
	bool inflight_left; /* the init gave up waiting for the collector */
	uint64_t t_clone_ms, t_start_us, cpu_base_us;
	uint64_t init_wall_us;
	uint64_t next_sample_ms;
	uint64_t peak_bytes, sampled_cpu_us;
	struct ns_msg_exit exit_msg;
	int binds;   /* what the run's cgroup binds (NS_CG_*), 0 for none:
	                the rest is held by rlimits and sampled in /proc */
	ino_t pidns; /* to find the run's processes in /proc (what no
	                cgroup counts) */
	struct ns_holder *holder; /* the init is a holder's child */
	const struct ns_seccomp *filter;
	long ncpu, clk_tck, page;
};

static void ns_proc_sample(struct keeper *, struct box_sample *);

static void
ns_kill(struct keeper *k, enum box_end why)
{
	if (!k->killed) {
		k->killed = true;
		if (k->res->end != BOX_SYSCALL)
			k->res->end = why;
		/* under rlimits the peak is the largest sample: a run ended
		 * between two (at its output limit just after it used its
		 * memory) is measured once more, as it dies */
		if (!(k->binds & NS_CG_MEMORY) && k->started) {
			struct box_sample s = {0};

			ns_proc_sample(k, &s);
			if (s.mem_bytes > k->peak_bytes)
				k->peak_bytes = s.mem_bytes;
		}
	}
	/* a holder's init is reaped by the holder once it has exited
	 * (its status pipe closed): its pid is not ours to reuse */
	if (k->holder == NULL || k->status_fd >= 0)
		kill(k->init, SIGKILL);
	if (k->cg != NULL)
		ns_cgroup_kill(k->cg);
}

static void
ns_error(struct keeper *k, const char *msg)
{
	if (k->res->end != BOX_ERROR) {
		k->res->end = BOX_ERROR;
		strlcpy0(k->res->message, msg, sizeof k->res->message);
	}
	ns_kill(k, BOX_ERROR);
}

/* The program is running: from here the wall clock and CPU count. */
static void
ns_started(struct keeper *k)
{
	if (k->started)
		return;
	k->started = true;
	k->t_start_us = util_now_us();
	k->next_sample_ms = k->t_start_us / 1000;
	if (k->cg != NULL)
		k->cpu_base_us = ns_cgroup_cpu_us(k->cg);
}

/* Parses what the init sent so far; an init that lies can only spoil
 * its own run's result. */
static void
ns_parse_status(struct keeper *k)
{
	for (;;) {
		enum ns_msg_type type;
		const char *p;
		size_t plen, used;
		char text[512];

		used = ns_proto_peek(k->status.data + k->status_off,
		                     k->status.len - k->status_off, &type, &p,
		                     &plen);
		if (used == 0)
			return;
		k->status_off += used;
		switch (type) {
		case NS_MSG_ERROR:
			snprintf(text, sizeof text, "%.*s", (int)plen, p);
			ns_error(k, text);
			break;
		case NS_MSG_STARTED:
			ns_started(k);
			break;
		case NS_MSG_SYSCALL:
			snprintf(k->res->syscall, sizeof k->res->syscall,
			         "%.*s", (int)plen, p);
			k->res->end = BOX_SYSCALL;
			break;
		case NS_MSG_EXIT:
			if (plen == sizeof k->exit_msg + sizeof(uint64_t)) {
				memcpy(&k->exit_msg, p, sizeof k->exit_msg);
				memcpy(&k->init_wall_us, p + sizeof k->exit_msg,
				       sizeof(uint64_t));
				k->exited = true;
			}
			break;
		case NS_MSG_FILE: {
			uint32_t hdr[2];
			struct box_file *f;

			if (plen < sizeof hdr)
				break;
			memcpy(hdr, p, sizeof hdr);
			if (hdr[1] == 0 || hdr[1] > 600 ||
			    plen - sizeof hdr < hdr[1])
				break;
			k->res->files =
			    xrealloc(k->res->files, (k->res->nfiles + 1) *
			                                sizeof *k->res->files);
			f = &k->res->files[k->res->nfiles++];
			f->name = xstrndup(p + sizeof hdr, hdr[1]);
			f->mode = hdr[0] & 0755;
			buf_init(&f->data, 0);
			buf_add(&f->data, p + sizeof hdr + hdr[1],
			        plen - sizeof hdr - hdr[1]);
			break;
		}
		case NS_MSG_DONE:
			k->done = true;
			k->inflight_left = plen == 1 && p[0] != 0;
			break;
		}
	}
}

/* rlimit mode: CPU, memory and threads of the run's processes, found
 * by their PID namespace. */
static void
ns_proc_sample(struct keeper *k, struct box_sample *s)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	uint64_t ticks = 0, pages = 0;
	uint32_t threads = 0;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[300], line[1024], *p;
		struct stat st;
		unsigned long ut, stm;
		long cut, cst, nth, rss;
		int fd;
		ssize_t n;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/ns/pid", e->d_name);
		if (stat(path, &st) < 0 || st.st_ino != k->pidns)
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, line, sizeof line - 1);
		close(fd);
		if (n <= 0)
			continue;
		line[n] = '\0';
		p = strrchr(line, ')');
		if (p == NULL ||
		    sscanf(
		        p + 2,
		        "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu "
		        "%ld %ld %*d %*d %ld %*d %*u %*u %ld",
		        &ut, &stm, &cut, &cst, &nth, &rss) != 6)
			continue;
		ticks += ut + stm;
		if (atoi(e->d_name) == k->init)
			ticks += (uint64_t)(cut + cst); /* reaped children */
		else
			threads += (uint32_t)nth;
		pages += (uint64_t)rss;
	}
	closedir(d);
	s->cpu_ms = ticks * 1000 / (uint64_t)k->clk_tck;
	s->mem_bytes = pages * (uint64_t)k->page;
	s->pids = threads;
}

static void
ns_sample(struct keeper *k, bool deliver)
{
	struct box_sample s = {0};
	const struct limits *l = &k->spec->limits;

	s.t_ms = (util_now_us() - k->t_start_us) / 1000;
	if (k->cg != NULL) {
		s.cpu_ms = (ns_cgroup_cpu_us(k->cg) - k->cpu_base_us) / 1000;
		s.mem_bytes = ns_cgroup_mem_bytes(k->cg);
		s.pids = ns_cgroup_pids(k->cg);
		if (s.pids > 0)
			s.pids--; /* the init is ours, not the program's */
	} else {
		ns_proc_sample(k, &s);
		k->sampled_cpu_us = s.cpu_ms * 1000;
	}
	if (k->cg != NULL && k->binds != NS_CG_ALL) {
		/* a controller the cgroup was not given: what it would
		 * count is counted in /proc, as without a cgroup */
		struct box_sample p = {0};

		ns_proc_sample(k, &p);
		if (!(k->binds & NS_CG_MEMORY))
			s.mem_bytes = p.mem_bytes;
		if (!(k->binds & NS_CG_PIDS))
			s.pids = p.pids;
	}
	/* whole-run memory under rlimits is enforced by sampling */
	if (!(k->binds & NS_CG_MEMORY) && s.mem_bytes > l->mem_bytes)
		ns_kill(k, BOX_MEMORY);
	if (s.mem_bytes > k->peak_bytes)
		k->peak_bytes = s.mem_bytes;
	if (s.cpu_ms >= l->cpu_ms)
		ns_kill(k, BOX_CPU);
	if (deliver && k->spec->on_sample != NULL)
		k->spec->on_sample(&s, k->spec->arg);
}

static void
ns_output(struct keeper *k, int *fd, int stream)
{
	char buf[65536];
	ssize_t n = read(*fd, buf, sizeof buf);
	uint64_t room;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return;
	}
	/* only the program writes here: output means it has started,
	 * even if the init's word of it is still on its way */
	ns_started(k);
	room = k->spec->limits.output_bytes > k->res->output_bytes
	           ? k->spec->limits.output_bytes - k->res->output_bytes
	           : 0;
	k->res->output_bytes += (uint64_t)n;
	if ((uint64_t)n > room) {
		n = (ssize_t)room;
		ns_kill(k, BOX_OUTPUT);
	}
	if (n > 0 && k->spec->on_output != NULL)
		k->spec->on_output(stream, buf, (size_t)n, k->spec->arg);
}

static void
ns_stdin_pump(struct keeper *k, short src_ev, short dst_ev)
{
	if (k->in_len == k->in_off && (src_ev & (POLLIN | POLLHUP))) {
		ssize_t n = read(k->in_src, k->in_buf, NS_IN_BUF);

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		if (n <= 0) {
			k->in_eof = true;
		} else {
			k->in_len = (size_t)n;
			k->in_off = 0;
		}
	}
	if (k->in_off < k->in_len && (dst_ev & (POLLOUT | POLLERR))) {
		ssize_t w = write(k->in_dst, k->in_buf + k->in_off,
		                  k->in_len - k->in_off);
		if (w < 0 && errno != EAGAIN && errno != EINTR) {
			/* the program closed its stdin: stop feeding it */
			k->in_eof = true;
			k->in_off = k->in_len = 0;
		} else if (w > 0) {
			/* what the program was given, for the history */
			if (k->spec->on_input != NULL)
				k->spec->on_input(0, k->in_buf + k->in_off,
				                  (size_t)w, k->spec->arg);
			k->in_off += (size_t)w;
		}
	}
	if (k->in_eof && k->in_off >= k->in_len && k->in_dst >= 0) {
		close(k->in_dst);
		k->in_dst = -1;
	}
}

static int
ns_poll_timeout(struct keeper *k, uint64_t now_ms)
{
	const struct limits *l = &k->spec->limits;
	uint64_t t, next;

	if (!k->started)
		return (int)(k->t_clone_ms + NS_SETUP_TIMEOUT_MS > now_ms
		                 ? k->t_clone_ms + NS_SETUP_TIMEOUT_MS - now_ms
		                 : 0);
	if (k->exited || k->killed)
		return 1000;
	t = k->t_start_us / 1000;
	next = t + l->wall_ms;
	if (k->next_sample_ms < next)
		next = k->next_sample_ms;
	return next > now_ms ? (int)(next - now_ms) : 0;
}

/* The limits the keeper itself enforces, checked at each wake-up. */
static void
ns_check(struct keeper *k)
{
	const struct limits *l = &k->spec->limits;
	uint64_t now = util_now_ms();

	if (!k->started) {
		if (now >= k->t_clone_ms + NS_SETUP_TIMEOUT_MS && !k->killed)
			ns_error(k, "the sandbox did not start within 10 s");
		return;
	}
	if (k->exited || k->killed)
		return;
	if (now >= k->t_start_us / 1000 + l->wall_ms) {
		ns_kill(k, BOX_WALL);
		return;
	}
	if (now >= k->next_sample_ms) {
		uint64_t step = NS_SAMPLE_MS;

		ns_sample(k, true);
		/* near the CPU limit, look more often than every 100 ms */
		if (k->cg != NULL) {
			uint64_t used =
			    (ns_cgroup_cpu_us(k->cg) - k->cpu_base_us) / 1000;
			uint64_t left = l->cpu_ms > used ? l->cpu_ms - used : 0;
			if (left / (uint64_t)k->ncpu < step)
				step = left / (uint64_t)k->ncpu;
			if (step < 5)
				step = 5;
		}
		k->next_sample_ms = now + step;
	}
}

static int
ns_write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];
	int fd, r;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = util_write_all(fd, text, strlen(text));
	close(fd);
	return r;
}

/* The sandbox user (uid 1000 inside) is forge's own user when forge is
 * not root; as root it is an unused, unprivileged id. */
static int
ns_map_user(pid_t pid, char *err, size_t errlen)
{
	char map[64];
	uid_t outer = getuid() == 0 ? NS_ROOT_OUTER_ID : getuid();
	gid_t gouter = getuid() == 0 ? NS_ROOT_OUTER_ID : getgid();

	snprintf(map, sizeof map, "%d %d 1\n", SANDBOX_UID, (int)outer);
	if (ns_write_proc(pid, "uid_map", map) < 0) {
		snprintf(err, errlen, "writing uid_map: %s", strerror(errno));
		return -1;
	}
	/* an unprivileged user may map its gid only with setgroups off */
	if (getuid() != 0 && ns_write_proc(pid, "setgroups", "deny") < 0) {
		snprintf(err, errlen, "writing setgroups: %s", strerror(errno));
		return -1;
	}
	snprintf(map, sizeof map, "%d %d 1\n", SANDBOX_GID, (int)gouter);
	if (ns_write_proc(pid, "gid_map", map) < 0) {
		snprintf(err, errlen, "writing gid_map: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static struct ns_seccomp *ns_filter[2]; /* [no_sockets] */

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* clone3's arguments (linux/sched.h), up to the cgroup field of 5.7 */
struct ns_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
	    stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* fork-like: returns twice. With cgroup_fd (cgroup v2), the child starts
 * in that cgroup (*attached): no moving it there afterwards, which would
 * take the kernel's system-wide lock for cgroup migrations. Kernels
 * before 5.7 (or seccomp profiles that hide clone3), and callers not
 * allowed to, get a plain clone. */
pid_t
ns_clone(unsigned long flags, int cgroup_fd, bool *attached)
{
	backend_quiesce();
#ifdef SYS_clone3
	if (cgroup_fd >= 0) {
		struct ns_clone_args ca = {0};
		long pid;

		ca.flags = flags | CLONE_INTO_CGROUP;
		ca.exit_signal = SIGCHLD;
		ca.cgroup = (uint64_t)cgroup_fd;
		pid = syscall(SYS_clone3, &ca, sizeof ca);
		if (pid >= 0) {
			*attached = pid > 0;
			return (pid_t)pid;
		}
		/* EACCES: a holder's identity (an unused uid when forge
		 * is root) may not move a process into a cgroup the
		 * keeper made; the keeper attaches the init instead */
		if (errno != ENOSYS && errno != E2BIG && errno != EINVAL &&
		    errno != EACCES && errno != EPERM)
			return -1;
	}
#endif
	*attached = false;
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
}

/* Sends msg with descriptors (at most NS_HOLDER_FDS) over a socket. */
static int
ns_send_fds(int sock, const void *msg, size_t len, const int *fds, int n)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * NS_HOLDER_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec iov = {(void *)msg, len};
	struct msghdr m = {0};
	struct cmsghdr *c;

	if (n < 1 || n > NS_HOLDER_FDS)
		return -1;
	memset(&u, 0, sizeof u);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = u.buf;
	m.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
	return sendmsg(sock, &m, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* ---- holders: a build's root kept for many runs ----------------------
 *
 * A judge runs one build on many tests; building its root (binds, the
 * copy of the build, the pivot) for each test costs about as much as
 * the test itself. A holder (ns-init.c) builds it once and clones each
 * run's init into fresh namespaces under it. The holder is cloned from
 * this process, so it knows the run's spec as it was the first time:
 * it serves only runs whose spec matches that one in all but stdin. */
#define NS_HOLDERS 4 /* a stress test alternates between builds */

struct ns_holder {
	struct buf key; /* empty: a free slot */
	pid_t pid, owner;
	int sock;
	uint64_t used;
};
static struct ns_holder ns_holders[NS_HOLDERS];
static uint64_t ns_holder_clock;
static bool ns_holder_failed; /* one could not be made: no more tries */

static void
ns_holder_drop(struct ns_holder *h)
{
	if (h->key.len == 0)
		return;
	close(h->sock);
	/* a forked child's copy: the holder is its parent's to end */
	if (h->owner == getpid()) {
		kill(h->pid, SIGKILL);
		while (waitpid(h->pid, NULL, __WALL) < 0 && errno == EINTR)
			;
	}
	buf_free(&h->key);
	memset(h, 0, sizeof *h);
}

/* Everything a holder's init takes from the spec it was made with. */
static void
ns_holder_key(struct buf *key, const struct box_spec *s,
              const struct ns_init_args *a)
{
	const struct limits *l = &s->limits;
	char *const *lists[] = {s->argv, s->envp, s->ro_paths};
	size_t i, j;

	buf_init(key, 0);
	buf_printf(key,
	           "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
	           " %" PRIu32 " %d %d %d %p %d\n%s\n",
	           l->cpu_ms, l->wall_ms, l->mem_bytes, l->output_bytes,
	           l->fsize_bytes, l->pids, (int)l->net, (int)a->rlimit_mem,
	           (int)a->rlimit_pids, (void *)a->filter,
	           (int)a->map_root_groups, s->prog_dir ? s->prog_dir : "");
	for (i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		for (j = 0; lists[i] != NULL && lists[i][j] != NULL; j++)
			buf_add(key, lists[i][j], strlen(lists[i][j]) + 1);
		buf_add(key, "\n", 1);
	}
}

static bool
ns_holder_fits(const struct box_spec *s)
{
	return s->reuse && s->tty_fd < 0 && s->pipe_in < 0 && s->pipe_out < 0 &&
	       s->ninputs == 0 && s->collect == NULL &&
	       (s->mkdirs == NULL || s->mkdirs[0] == NULL);
}

static bool ns_holder_exec_failed; /* the helper would not hold */

/* A new holder for a's spec, ready for its first run: its pid, with
 * *sock its end of the line, or -1. With helper, it runs that program
 * (ns-holder.c), and a failure means no more tries with it. */
static pid_t
ns_holder_start(const struct ns_init_args *a, const char *helper, int *sock)
{
	int sv[2];
	bool attached;
	char err[256], reply[600];
	struct pollfd p;
	ssize_t n;
	pid_t pid;

	if (helper != NULL && ns_holder_exec_failed)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	/* its own user namespace (where it may mount) and mount namespace
	 * (the root it keeps); each run adds the rest. Without --net the
	 * runs share the holder's network namespace, whose loopback stays
	 * down: making and tearing down one per run was a third of a
	 * trivial run's cost (ns-init.c checks each run finds it empty). */
	pid = ns_clone(CLONE_NEWUSER | CLONE_NEWNS |
	                   (a->spec->limits.net ? 0 : CLONE_NEWNET),
	               -1, &attached);
	if (pid == 0) {
		close(sv[0]);
		if (helper != NULL)
			ns_holder_exec(helper, sv[1]);
		ns_init_holder(a, sv[1], false);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return -1;
	}
	p = (struct pollfd){sv[0], POLLIN, 0};
	if (ns_map_user(pid, err, sizeof err) < 0 ||
	    write(sv[0], "g", 1) != 1 ||
	    (helper != NULL &&
	     ns_holder_send_args(sv[0], a, a->filter == ns_filter[1]) < 0) ||
	    poll(&p, 1, NS_SETUP_TIMEOUT_MS) != 1 ||
	    (n = recv(sv[0], reply, sizeof reply, 0)) != 1 || reply[0] != 'r') {
		close(sv[0]);
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
			;
		if (helper != NULL)
			ns_holder_exec_failed = true;
		return -1;
	}
	*sock = sv[0];
	return pid;
}

/* The holder for this spec: a kept one, or a new one; NULL when none
 * can be made (the run then builds its own root, as any run does). */
static struct ns_holder *
ns_holder_get(const struct ns_init_args *a, struct buf *key)
{
	struct ns_holder *h = NULL;
	int sock, i;
	pid_t pid = -1;

	for (i = 0; i < NS_HOLDERS; i++) {
		struct ns_holder *o = &ns_holders[i];

		if (o->key.len > 0 && o->owner != getpid())
			ns_holder_drop(o);
		if (o->key.len == key->len && key->len > 0 &&
		    memcmp(o->key.data, key->data, key->len) == 0) {
			o->used = ++ns_holder_clock;
			return o;
		}
		if (h == NULL || o->used < h->used)
			h = o; /* the least recently used, or a free one */
	}
	if (ns_holder_failed)
		return NULL;
	ns_holder_drop(h);
	/* the static forge as the holder, unless that failed before: then
	 * a copy of this process, as in forge itself */
	if (backend_helper() != NULL)
		pid = ns_holder_start(a, backend_helper(), &sock);
	if (pid < 0 && (pid = ns_holder_start(a, NULL, &sock)) < 0) {
		ns_holder_failed = true;
		return NULL;
	}
	h->key = *key;
	buf_init(key, 0);
	h->pid = pid;
	h->owner = getpid();
	h->sock = sock;
	h->used = ++ns_holder_clock;
	return h;
}

/* Asks the holder for a run's init. Returns its pid, or -1 with errno
 * (ECONNRESET: the holder is gone; the caller drops it). */
static pid_t
ns_holder_spawn(struct ns_holder *h, const struct ns_init_args *a, int sync_fd,
                int status_fd, struct ns_cgroup *cg, bool *attached)
{
	struct ns_holder_req req = {0, 0};
	struct ns_holder_reply rep;
	int fds[NS_HOLDER_FDS], nfds = 0, i;

	fds[nfds++] = sync_fd;
	fds[nfds++] = status_fd;
	fds[nfds++] = a->stdin_fd;
	fds[nfds++] = a->stdout_fd;
	fds[nfds++] = a->stderr_fd;
	if (cg != NULL && ns_cgroup_dirfd(cg) >= 0) {
		fds[nfds++] = ns_cgroup_dirfd(cg);
		req.ncg = 1;
		req.cg_v2 = 1;
	}
	for (i = 0; i < a->ncg_tasks; i++)
		fds[nfds++] = a->cg_tasks[i];
	req.ncg += a->ncg_tasks;
	if (ns_send_fds(h->sock, &req, sizeof req, fds, nfds) < 0 ||
	    recv(h->sock, &rep, sizeof rep, 0) != (ssize_t)sizeof rep) {
		errno = ECONNRESET;
		return -1;
	}
	if (rep.pid <= 0) {
		errno = rep.pid < 0 ? -rep.pid : EPROTO;
		return -1;
	}
	*attached = rep.attached != 0;
	return rep.pid;
}

/* The init's wait status, as its parent the holder saw it. */
static int
ns_holder_wait(struct ns_holder *h, pid_t pid)
{
	struct ns_holder_reply rep;

	if (recv(h->sock, &rep, sizeof rep, 0) != (ssize_t)sizeof rep ||
	    rep.pid != pid) {
		ns_holder_drop(h);
		return -1;
	}
	return rep.attached;
}

static bool ns_cgroup_failed; /* making one later did not work */

/* The run's cgroup, made while the init builds the root: its tasks
 * files go to the init over the sync socket. */
static int
ns_cgroup_later(struct keeper *k, int sock, char *err, size_t errlen)
{
	char why[400];
	int tasks[3], n;

	k->cg = ns_cgroup_get(&k->spec->limits, why, sizeof why);
	if (k->cg == NULL) {
		snprintf(err, errlen, "creating the run's cgroup: %s", why);
		return -1;
	}
	n = ns_cgroup_join_fds(k->cg, tasks);
	if (n != 3 || ns_send_fds(sock, "c", 1, tasks, n) < 0) {
		snprintf(err, errlen,
		         "cannot hand the cgroup to the sandbox's init: %s",
		         strerror(errno));
		return -1;
	}
	return 0;
}

static void
ns_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void
ns_finish(struct keeper *k)
{
	struct box_result *r = k->res;
	int st;

	if (k->holder != NULL)
		st = ns_holder_wait(k->holder, k->init);
	else
		while (waitpid(k->init, &st, __WALL) < 0 && errno == EINTR)
			;
	/* A limit too small for the program to start (the init's fork
	 * or exec, or under v2 its set-up, ran out of it) is the user's
	 * input, not a broken sandbox. */
	if (!k->started && k->cg != NULL && ns_cgroup_mem_hit(k->cg)) {
		r->end = BOX_MEMORY;
		snprintf(r->message, sizeof r->message,
		         "too small for the program to start");
		return;
	}
	if (r->end == BOX_ERROR)
		return;
	if (!k->started) {
		r->end = BOX_ERROR;
		snprintf(r->message, sizeof r->message,
		         "the sandbox's init died before the program started "
		         "(status %d)",
		         st);
		return;
	}
	r->wall_ms = k->exited ? k->init_wall_us / 1000
	                       : (util_now_us() - k->t_start_us) / 1000;
	r->end_us = k->exited ? k->t_start_us + k->init_wall_us : util_now_us();
	if (k->cg != NULL) {
		uint64_t cpu = ns_cgroup_cpu_us(k->cg);
		uint64_t peak = ns_cgroup_mem_peak(k->cg);

		r->cpu_ms =
		    (cpu > k->cpu_base_us ? cpu - k->cpu_base_us : 0) / 1000;
		if (peak < k->peak_bytes)
			peak = k->peak_bytes;
		r->mem_kb = peak / 1024;
		/* v2 before 5.19 has no memory.peak, and a short run may
		 * end before any sample: the largest process's own peak */
		if (r->mem_kb == 0 || (!(k->binds & NS_CG_MEMORY) &&
		                       k->exit_msg.maxrss_kb > r->mem_kb))
			r->mem_kb = k->exit_msg.maxrss_kb;
		if (ns_cgroup_oom(k->cg) && r->end != BOX_SYSCALL)
			r->end = BOX_MEMORY;
		/* The cgroup's CPU time spans from the program's start to
		 * the init's end, its namespaces' teardown included, which
		 * the init's clock cannot see; and the init's own work,
		 * which a second core runs beside the program, is in it
		 * too. Where that makes more CPU than the init's wall time,
		 * the wall time shown is the CPU time charged, so that a
		 * single-threaded run never shows less wall than CPU (the
		 * difference is the init's, a few milliseconds at most). */
		if (r->cpu_ms > r->wall_ms)
			r->wall_ms = r->cpu_ms;
	} else {
		uint64_t cpu = k->exit_msg.cpu_us;

		if (k->sampled_cpu_us > cpu)
			cpu = k->sampled_cpu_us;
		r->cpu_ms = cpu / 1000;
		r->mem_kb = k->peak_bytes / 1024;
		if (k->exit_msg.maxrss_kb > r->mem_kb)
			r->mem_kb = k->exit_msg.maxrss_kb;
	}
	if (k->killed || r->end == BOX_SYSCALL || r->end == BOX_MEMORY) {
		if (k->exited && WIFSIGNALED(k->exit_msg.status))
			r->signal = WTERMSIG(k->exit_msg.status);
		else if (k->killed)
			r->signal = SIGKILL;
		return;
	}
	if (!k->exited) {
		r->end = BOX_ERROR;
		snprintf(r->message, sizeof r->message,
		         "the sandbox's init died without a report");
		return;
	}
	st = k->exit_msg.status;
	r->fsize_reached = k->exit_msg.fsize_reached != 0;
	if (WIFEXITED(st)) {
		r->end = BOX_EXITED;
		r->exit_code = WEXITSTATUS(st);
	} else {
		r->end = BOX_SIGNALED;
		r->signal = WTERMSIG(st);
		/* a filter that cannot notify kills with SIGSYS, which the
		 * program could also send itself: the best this kernel
		 * allows (with notifications SIGSYS is only a signal) */
		if (r->signal == SIGSYS && !ns_seccomp_notifies(k->filter))
			r->end = BOX_SYSCALL;
	}
}

static void
ns_loop(struct keeper *k)
{
	while (k->status_fd >= 0 || k->out_fd >= 0 || k->err_fd >= 0) {
		struct pollfd p[5];
		int n = 0, i_status = -1, i_out = -1, i_err = -1, i_src = -1,
		    i_dst = -1;
		int r;

		if (k->status_fd >= 0) {
			p[n] = (struct pollfd){k->status_fd, POLLIN, 0};
			i_status = n++;
		}
		if (k->out_fd >= 0) {
			p[n] = (struct pollfd){k->out_fd, POLLIN, 0};
			i_out = n++;
		}
		if (k->err_fd >= 0) {
			p[n] = (struct pollfd){k->err_fd, POLLIN, 0};
			i_err = n++;
		}
		if (k->in_dst >= 0 && k->started) {
			if (k->in_off < k->in_len) {
				p[n] = (struct pollfd){k->in_dst, POLLOUT, 0};
				i_dst = n++;
			} else if (!k->in_eof) {
				p[n] = (struct pollfd){k->in_src, POLLIN, 0};
				i_src = n++;
			}
		}
		r = poll(p, (nfds_t)n, ns_poll_timeout(k, util_now_ms()));
		if (r < 0 && errno != EINTR) {
			ns_error(k, "poll failed in the keeper");
			break;
		}
		if (r > 0) {
			if (i_status >= 0 && p[i_status].revents) {
				char buf[65536];
				ssize_t got =
				    read(k->status_fd, buf, sizeof buf);
				if (got > 0) {
					buf_add(&k->status, buf, (size_t)got);
					ns_parse_status(k);
				} else if (got == 0 ||
				           (errno != EINTR && errno != EAGAIN))
					ns_close(&k->status_fd);
			}
			if (i_out >= 0 && p[i_out].revents)
				ns_output(k, &k->out_fd, 1);
			if (i_err >= 0 && p[i_err].revents)
				ns_output(k, &k->err_fd, 2);
			if ((i_src >= 0 && p[i_src].revents) ||
			    (i_dst >= 0 && p[i_dst].revents))
				ns_stdin_pump(
				    k, i_src >= 0 ? p[i_src].revents : 0,
				    i_dst >= 0 ? p[i_dst].revents : 0);
		}
		ns_check(k);
	}
}

/* The pipes between the keeper and the init: [0] the read end, [1] the
 * write end; -1 where the run has none. */
struct ns_pipes {
	int sync[2];   /* the keeper's go-ahead (v1 made later: a socket) */
	int status[2]; /* the init's messages */
	int out[2], err[2], in[2];
};

/* Every pipe end the keeper still holds, the keeper's own included. */
static void
ns_run_close(struct keeper *k, struct ns_pipes *p)
{
	int *ends[] = {&p->sync[0], &p->sync[1], &p->status[0], &p->status[1],
	               &p->out[0],  &p->out[1],  &p->err[0],    &p->err[1],
	               &p->in[0],   &p->in[1],   &k->in_dst,    &k->status_fd,
	               &k->out_fd,  &k->err_fd};
	size_t i;

	for (i = 0; i < sizeof ends / sizeof ends[0]; i++)
		ns_close(ends[i]);
}

static void
ns_run_fail(struct box_result *res, const char *what, const char *why)
{
	res->end = BOX_ERROR;
	snprintf(res->message, sizeof res->message, "%s: %s", what, why);
}

/* The run's cgroup, or (*cg_later) the decision to make it while the
 * init builds the root, and the system call filter for it. Returns 0,
 * or -1 with res an error. */
static int
ns_run_limits(struct keeper *k, bool *cg_later, bool *no_sockets)
{
	const struct box_spec *spec = k->spec;
	struct box_result *res = k->res;
	char err[512];

	/* Making a cgroup v1 set (three directories and their limits)
	 * takes about as long as the init's building of the root, so a run
	 * that would make one makes it meanwhile; the init joins it only
	 * before forking the program. */
	*cg_later =
	    !ns_holder_fits(spec) && !ns_cgroup_failed && ns_cgroup_costly();
	if (!*cg_later)
		k->cg = ns_cgroup_get(&spec->limits, err, sizeof err);
	k->binds = *cg_later ? NS_CG_ALL
	           : k->cg == NULL
	               ? 0
	               : (ns_cgroup_mode(k->cg) == CGROUP_V2 ? ns_cgroup_binds()
	                                                     : NS_CG_ALL);
	/* Without a memory cgroup, socket buffers (kernel memory) would be
	 * charged nowhere: such runs get no sockets unless --net asked. */
	*no_sockets = !(k->binds & NS_CG_MEMORY) && !spec->limits.net;
	if (ns_filter[*no_sockets] == NULL &&
	    (ns_filter[*no_sockets] =
	         ns_seccomp_build(*no_sockets, err, sizeof err)) == NULL) {
		res->end = BOX_ERROR;
		strlcpy0(res->message, err, sizeof res->message);
		return -1;
	}
	k->filter = ns_filter[*no_sockets];
	if (*cg_later)
		res->enforced_by = ENFORCED_CGROUP_V1;
	else if (k->cg == NULL)
		res->enforced_by = ENFORCED_RLIMIT;
	else if (ns_cgroup_mode(k->cg) == CGROUP_V1)
		res->enforced_by = ENFORCED_CGROUP_V1;
	else
		res->enforced_by =
		    k->binds == NS_CG_PIDS     ? ENFORCED_CGROUP_V2_PIDS
		    : k->binds == NS_CG_MEMORY ? ENFORCED_CGROUP_V2_MEMORY
		                               : ENFORCED_CGROUP_V2;
	res->mem_per_process = !(k->binds & NS_CG_MEMORY);
	return 0;
}

/* The pipes, and what the init is told: its ends, its filter, its
 * cgroup. Returns 0, or -1 with res an error. */
static int
ns_run_pipes(struct keeper *k, struct ns_pipes *p, struct ns_init_args *a,
             bool cg_later, bool no_sockets)
{
	const struct box_spec *spec = k->spec;

	if ((cg_later
	         ? socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p->sync)
	         : pipe2(p->sync, O_CLOEXEC)) < 0 ||
	    pipe2(p->status, O_CLOEXEC) < 0 ||
	    (spec->tty_fd < 0 && spec->pipe_out < 0 &&
	     pipe2(p->out, O_CLOEXEC) < 0) ||
	    (spec->tty_fd < 0 && pipe2(p->err, O_CLOEXEC) < 0) ||
	    (spec->tty_fd < 0 && spec->pipe_in < 0 && spec->stdin_fd >= 0 &&
	     pipe2(p->in, O_CLOEXEC) < 0)) {
		ns_run_fail(k->res, "pipe", strerror(errno));
		return -1;
	}
	a->spec = spec;
	a->sync_fd = p->sync[0];
	a->status_fd = p->status[1];
	a->filter = ns_filter[no_sockets];
	a->rlimit_mem = !(k->binds & NS_CG_MEMORY);
	a->rlimit_pids = !(k->binds & NS_CG_PIDS);
	if (k->cg != NULL)
		a->ncg_tasks = ns_cgroup_join_fds(k->cg, a->cg_tasks);
	a->cg_later = cg_later;
	a->huge_prog = a->ncg_tasks > 0 || cg_later;
	a->map_root_groups = getuid() == 0;
	if (spec->tty_fd >= 0) {
		a->stdin_fd = a->stdout_fd = a->stderr_fd = spec->tty_fd;
		return 0;
	}
	a->stdout_fd = spec->pipe_out >= 0 ? spec->pipe_out : p->out[1];
	a->stderr_fd = p->err[1];
	if (spec->pipe_in >= 0)
		a->stdin_fd = spec->pipe_in;
	else if (p->in[0] >= 0)
		a->stdin_fd = p->in[0];
	else {
		/* no stdin: /dev/null, as a pipe end of ours (closed with
		 * them once the init has its copy) */
		p->in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		a->stdin_fd = p->in[0];
	}
	return 0;
}

/* The init's side of the clone: it keeps only its ends. */
static FORGE_NORETURN void
ns_run_child(struct ns_pipes *p, const struct ns_init_args *a)
{
	close(p->sync[1]);
	close(p->status[0]);
	if (p->out[0] >= 0)
		close(p->out[0]);
	if (p->err[0] >= 0)
		close(p->err[0]);
	if (p->in[1] >= 0)
		close(p->in[1]);
	/* the init must not keep forge's descriptors: the program's fds
	 * are dup'ed, the rest closed in the child */
	util_set_cloexec(a->stdin_fd, false);
	ns_init_main(a);
}

/* The run's init: a kept holder's child, or a clone of this process.
 * Returns its pid (in the keeper only), or -1 with res set. */
static pid_t
ns_run_spawn(struct keeper *k, struct ns_pipes *p, struct ns_init_args *a,
             bool *attached)
{
	pid_t pid = -1;

	k->t_clone_ms = util_now_ms();
	if (ns_holder_fits(k->spec)) {
		struct buf key;

		ns_holder_key(&key, k->spec, a);
		k->holder = ns_holder_get(a, &key);
		buf_free(&key);
	}
	if (k->holder != NULL) {
		pid = ns_holder_spawn(k->holder, a, p->sync[0], p->status[1],
		                      k->cg, attached);
		if (pid < 0 && errno == ECONNRESET) {
			/* the holder is gone: this run builds its own */
			ns_holder_drop(k->holder);
			k->holder = NULL;
		}
	}
	/* fork-like clone into new namespaces; each one named for what it
	 * hides: user (no host privilege), PID (no host process), mount
	 * (no host file), IPC (no host shared memory or semaphores), UTS
	 * (no host name). The network namespace (no host network) is made
	 * inside, alongside the root; the cgroup namespace follows once the
	 * init sits in its cgroup. */
	if (k->holder == NULL) {
		pid = ns_clone(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS |
		                   CLONE_NEWIPC | CLONE_NEWUTS,
		               k->cg != NULL ? ns_cgroup_dirfd(k->cg) : -1,
		               attached);
		if (pid == 0)
			ns_run_child(p, a);
	}
	if (pid < 0 && errno == ENOMEM && k->cg != NULL &&
	    ns_cgroup_mem_hit(k->cg)) {
		/* cloned into its cgroup (v2), the init did not fit */
		k->res->end = BOX_MEMORY;
		snprintf(k->res->message, sizeof k->res->message,
		         "too small for the program to start");
	} else if (pid < 0) {
		k->res->end = BOX_ERROR;
		snprintf(k->res->message, sizeof k->res->message,
		         "cannot create the sandbox's namespaces: %s (see "
		         "'forge doctor')",
		         strerror(errno));
	}
	return pid;
}

/* The keeper's ends of the pipes, once the init holds its own. */
static void
ns_run_adopt(struct keeper *k, struct ns_pipes *p)
{
	ns_close(&p->sync[0]);
	ns_close(&p->status[1]);
	ns_close(&p->out[1]);
	ns_close(&p->err[1]);
	ns_close(&p->in[0]);
	k->status_fd = p->status[0];
	k->out_fd = p->out[0];
	k->err_fd = p->err[0];
	p->status[0] = p->out[0] = p->err[0] = -1;
	if (p->in[1] >= 0) {
		k->in_src = k->spec->stdin_fd;
		k->in_dst = p->in[1];
		k->in_buf = xmalloc(NS_IN_BUF);
		p->in[1] = -1;
		util_set_nonblock(k->in_dst, true);
	}
}

/* Maps the init's user, puts it in its cgroup, and tells it to go on;
 * a failure is the run's error, and the init is killed. */
static void
ns_run_go(struct keeper *k, struct ns_pipes *p, const struct ns_init_args *a,
          bool attached)
{
	char err[512];

	if (k->holder == NULL && ns_map_user(k->init, err, sizeof err) < 0) {
		ns_error(k, err);
		ns_close(&p->sync[1]);
		return;
	}
	if (k->cg != NULL && a->ncg_tasks == 0 && !attached &&
	    ns_cgroup_attach(k->cg, k->init) < 0) {
		snprintf(err, sizeof err, "attaching to the cgroup: %s",
		         strerror(errno));
		ns_error(k, err);
		ns_close(&p->sync[1]);
		return;
	}
	if (k->binds != NS_CG_ALL) {
		char path[64];
		struct stat st;

		snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)k->init);
		if (stat(path, &st) == 0)
			k->pidns = st.st_ino;
	}
	if (write(p->sync[1], "g", 1) != 1)
		ns_error(k, "cannot start the sandbox's init");
	else if (a->cg_later &&
	         ns_cgroup_later(k, p->sync[1], err, sizeof err) < 0) {
		/* no cgroup after all: the run starts again and goes
		 * without, as any run whose cgroup fails */
		ns_cgroup_failed = true;
		ns_error(k, err);
	}
}

/* From the go-ahead to the result: the loop, the init's end, and what
 * the run leaves for the next one. */
static void
ns_run_wait(struct keeper *k, struct ns_pipes *p)
{
	ns_loop(k);
	ns_close(&p->sync[1]);
	ns_finish(k);
	/* A run whose init did not see the kernel collect what it left in
	 * flight (it gave up waiting, or was killed first) may still hold
	 * memory charged to its cgroup and locks on the files of its root:
	 * neither is handed to another run. */
	if (!k->done || k->inflight_left) {
		if (k->holder != NULL)
			ns_holder_drop(k->holder);
		ns_cgroup_destroy(k->cg);
		k->cg = NULL;
	}
}

static int
ns_run(const struct box_spec *spec, struct box_result *res)
{
	struct keeper k = {0};
	struct ns_pipes p = {{-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}};
	struct ns_init_args a = {0};
	bool no_sockets, attached = false, cg_later;

	memset(res, 0, sizeof *res);
	k.spec = spec;
	k.res = res;
	k.in_src = k.in_dst = k.status_fd = k.out_fd = k.err_fd = -1;
	k.ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (k.ncpu < 1)
		k.ncpu = 1;
	k.clk_tck = sysconf(_SC_CLK_TCK);
	k.page = sysconf(_SC_PAGESIZE);
	buf_init(&k.status, 0);
	signal(SIGPIPE, SIG_IGN);

	if (ns_run_limits(&k, &cg_later, &no_sockets) == 0 &&
	    ns_run_pipes(&k, &p, &a, cg_later, no_sockets) == 0 &&
	    (k.init = ns_run_spawn(&k, &p, &a, &attached)) > 0) {
		ns_run_adopt(&k, &p);
		ns_run_go(&k, &p, &a, attached);
		ns_run_wait(&k, &p);
	}
	ns_run_close(&k, &p);
	free(k.in_buf);
	buf_free(&k.status);
	ns_cgroup_put(k.cg);
	if (cg_later && ns_cgroup_failed) {
		box_result_free(res);
		return ns_run(spec, res);
	}
	return 0;
}

/* Before this process exits: what it kept for later runs. */
static void
ns_release(void)
{
	size_t i;

	for (i = 0; i < NS_HOLDERS; i++)
		ns_holder_drop(&ns_holders[i]);
	ns_cgroup_release();
}

static void
ns_cleanup_stale(void)
{
	ns_cgroup_cleanup_stale();
}

const struct backend ns_backend = {
    .name = "ns",
    .description = "namespaces + seccomp + cgroups, no daemon",
    .doctor = ns_probe_doctor,
    .run = ns_run,
    .release = ns_release,
    .cleanup_stale = ns_cleanup_stale,
    /* the sandbox binds the host's toolchains read-only */
    .lang_available = lang_host_available,
    .tool_id = lang_host_tool_id,
    /* forge, built without sd-bus, where forge-full would get a
     * transient scope from the systemd user manager */
    .wants_full = ns_cgroup_elsewhere,
    /* a sandbox holder run as the static forge (ns-holder.c) */
    .helper_main = ns_holder_main,
    .limits_note = ns_probe_limits_note,
};
