/* cgroups for one run: the memory, process and CPU limits bind all of the
 * run's processes together, and the counters measure them together.
 *
 * cgroup v2 (most hosts): a "forge" cgroup with the memory and pids
 * controllers delegated, one child per run. cgroup v1 (hybrid hosts): one
 * directory per controller (memory, pids, cpuacct) under forge's own
 * cgroup. Runs are named run-<keeper pid>-<n> so that the next forge can
 * remove those a killed forge left behind.
 *
 * Under v1 a finished run's set is not removed but parked, renamed to
 * pool-<n>, for the next forge process to claim by renaming it to its
 * own run's name: three mkdirs and three rmdirs per run cost more than
 * resetting a set's counters. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "engine/ns/ns.h"

#define CGROUP_MOUNT "/sys/fs/cgroup"

enum { V1_MEMORY, V1_PIDS, V1_CPUACCT, V1__COUNT };
static const char *const v1_names[V1__COUNT] = {"memory", "pids", "cpuacct"};

struct ns_cgroup {
	enum ns_cgroup_mode mode;
	int fd[V1__COUNT];     /* v2: fd[0] only */
	int tasks[V1__COUNT];  /* v1: each "tasks" file, for ns_cgroup_join */
	char *path[V1__COUNT]; /* for rmdir */
	uint64_t peak_seen;    /* v2 without memory.peak: sampled maximum */
	uint64_t mem_limit;    /* as written */
	uint32_t pids_limit;
	uint64_t oom_base;  /* OOM kills before this run (a reused one) */
	uint64_t mem_base;  /* page cache an earlier run left charged */
	uint64_t fail_base; /* v1: times the limit was hit before this run */
};

/* The base directories, found once per process. */
static struct {
	bool probed;
	enum ns_cgroup_mode mode;
	char *base[V1__COUNT]; /* v2: base[0] */
	char why[256];
	unsigned seq;
	int binds; /* v2: the controllers run cgroups get (NS_CG_*) */
} cg;

static int
cg_write(int dirfd, const char *file, const char *value)
{
	int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
	int r = 0, e;

	if (fd < 0)
		return -1;
	if (util_write_all(fd, value, strlen(value)) < 0)
		r = -1;
	e = errno;
	close(fd);
	errno = e;
	return r;
}

static int
cg_read(int dirfd, const char *file, char *out, size_t size)
{
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = util_read_all(fd, out, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	out[n] = '\0';
	return 0;
}

static uint64_t
cg_read_u64(int dirfd, const char *file)
{
	char s[64];

	if (cg_read(dirfd, file, s, sizeof s) < 0)
		return 0;
	return strtoull(s, NULL, 10);
}

/* "key value" lines (memory.events, cpu.stat, memory.oom_control) */
static uint64_t
cg_read_key(int dirfd, const char *file, const char *key)
{
	char s[4096], *p;
	size_t klen = strlen(key);

	if (cg_read(dirfd, file, s, sizeof s) < 0)
		return 0;
	for (p = s; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, key, klen) == 0 && p[klen] == ' ')
			return strtoull(p + klen + 1, NULL, 10);
	}
	return 0;
}

static bool
cg_is_fs(const char *path, unsigned long magic)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && (unsigned long)sf.f_type == magic;
}

/* /proc/self/cgroup, read once (and again after a move by systemd) */
static struct buf cg_self;

/* forge's own cgroup for a v1 controller, or the v2 path ("" key). */
static char *
cg_self_path(const char *controller)
{
	struct buf self = cg_self;
	char line[1024], *path = NULL, *next;

	if (self.data == NULL) {
		if (util_read_file("/proc/self/cgroup", &cg_self, 1 << 20) < 0)
			return NULL;
		self = cg_self;
	}
	for (next = buf_cstr(&self); path == NULL && *next != '\0';) {
		size_t n = strcspn(next, "\n");
		char *ctrls, *p, *tok, *save;

		snprintf(line, sizeof line, "%.*s", (int)n, next);
		next += n;
		if (*next == '\n')
			next++;
		ctrls = strchr(line, ':');

		if (ctrls == NULL || (p = strchr(++ctrls, ':')) == NULL)
			continue;
		*p++ = '\0';
		p[strcspn(p, "\n")] = '\0';
		if (*controller == '\0') {
			if (*ctrls == '\0')
				path = xstrdup(p);
			continue;
		}
		for (tok = strtok_r(ctrls, ",", &save); tok != NULL;
		     tok = strtok_r(NULL, ",", &save))
			if (strcmp(tok, controller) == 0)
				path = xstrdup(p);
	}
	return path;
}

static bool
cg_has_words(const char *have, const char *const *want, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *p = have;
		size_t l = strlen(want[i]);
		bool found = false;

		while ((p = strstr(p, want[i])) != NULL) {
			if ((p == have || p[-1] == ' ') &&
			    (p[l] == '\0' || p[l] == ' ' || p[l] == '\n'))
				found = true;
			p += l;
		}
		if (!found)
			return false;
	}
	return true;
}

/* Makes dir (a v2 cgroup) hand those of memory and pids that it has to
 * its children: returns which (NS_CG_MEMORY, NS_CG_PIDS), 0 for neither
 * (errno EINVAL), -1 on an error. A systemd user manager may delegate
 * pids and not memory (Delegate=pids): what is there binds, the rest
 * falls back to rlimits. */
static int
cg_v2_delegate(const char *dir)
{
	static const char *const names[] = {"memory", "pids"};
	static const int bits[] = {NS_CG_MEMORY, NS_CG_PIDS};
	char have[512], on[512], add[32] = "";
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;
	size_t i;

	if (fd < 0)
		return -1;
	if (cg_read(fd, "cgroup.controllers", have, sizeof have) < 0 ||
	    cg_read(fd, "cgroup.subtree_control", on, sizeof on) < 0) {
		close(fd);
		return -1;
	}
	for (i = 0; i < 2; i++) {
		if (!cg_has_words(have, &names[i], 1))
			continue;
		r |= bits[i];
		if (!cg_has_words(on, &names[i], 1))
			snprintf(add + strlen(add), sizeof add - strlen(add),
			         "%s+%s", add[0] != '\0' ? " " : "", names[i]);
	}
	if (add[0] != '\0' && cg_write(fd, "cgroup.subtree_control", add) < 0)
		r = -1;
	close(fd);
	if (r == 0)
		errno = EINVAL;
	return r;
}

/* How forge came by its cgroup, for forge doctor. */
static struct ns_cgroup_how cg_how;

/* Moves forge into a leaf of dir, its own cgroup, so that dir may have
 * children (cgroup v2 allows processes only in leaves), and hands dir's
 * memory and pids to them; false, with why, when dir is not ours. */
static bool
cg_v2_adopt(const char *dir)
{
	char *leaf, pid[32], ctrls[512];
	int dfd, lfd, e = 0;
	bool ok = false;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 ||
	    cg_read(dfd, "cgroup.controllers", ctrls, sizeof ctrls) < 0)
		ctrls[0] = '\0';
	ctrls[strcspn(ctrls, "\n")] = '\0';
	xasprintf(&leaf, "%s/forge-keeper-%d", dir, (int)getpid());
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	if ((mkdir(leaf, 0755) == 0 || errno == EEXIST) &&
	    (lfd = open(leaf, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		if (cg_write(lfd, "cgroup.procs", pid) == 0 &&
		    (cg.binds = cg_v2_delegate(dir)) > 0)
			ok = true;
		else {
			/* someone else lives here too, or a controller is
			 * missing: go back, tidy up */
			e = errno;
			if (dfd >= 0)
				(void)cg_write(dfd, "cgroup.procs", pid);
			rmdir(leaf);
		}
		close(lfd);
	} else
		e = errno;
	if (!ok && e != EBUSY && e != EINVAL && e != ENOENT && e != 0)
		snprintf(cg.why, sizeof cg.why, "cannot use cgroup %s: %s",
		         leaf, strerror(e));
	else if (!ok && e == EBUSY)
		snprintf(cg.why, sizeof cg.why,
		         "cgroup %s holds other processes than forge", dir);
	else if (!ok)
		snprintf(cg.why, sizeof cg.why,
		         "cgroup %s gives uid %d the controllers '%s', "
		         "neither memory nor pids",
		         dir, (int)getuid(), ctrls);
	if (dfd >= 0)
		close(dfd);
	free(leaf);
	return ok;
}

/* forge's own cgroup, when it is delegated to this user. */
static bool
cg_v2_own(void)
{
	char *self, *dir;

	self = cg_self_path("");
	if (self == NULL) {
		snprintf(cg.why, sizeof cg.why,
		         "no cgroup v2 path in /proc/self/cgroup");
		return false;
	}
	xasprintf(&dir, CGROUP_MOUNT "%s", self);
	free(self);
	if (access(dir, W_OK) == 0 && cg_v2_adopt(dir)) {
		cg.base[0] = dir;
		return true;
	}
	if (access(dir, W_OK) < 0)
		snprintf(cg.why, sizeof cg.why,
		         "cgroup %s is not delegated to uid %d", dir,
		         (int)getuid());
	free(dir);
	return false;
}

/* A transient scope from the systemd user manager (ns-scope.c), with
 * forge in it: then the same as a delegated cgroup of its own. */
static bool
cg_v2_scope(void)
{
	char own[sizeof cg.why], why[256], unit[64], *self, *dir, ctrls[128];
	enum ns_scope_result r;
	size_t n;
	int fd;

	strlcpy0(own, cg.why, sizeof own);
	if (ns_scope_start == NULL) {
#ifdef HAVE_SYSTEMD
		/* this is forge, the static PIE: forge-full has sd-bus,
		 * and is worth running where the user's bus is */
		char bus[64];

		snprintf(bus, sizeof bus, "/run/user/%d/bus", (int)getuid());
		cg_how.elsewhere = access(bus, F_OK) == 0;
		cg_how.no_bus = !cg_how.elsewhere;
		if (cg_how.no_bus)
			snprintf(cg.why, sizeof cg.why,
			         "%s, and there is no systemd user bus (%s) to "
			         "ask for a scope",
			         own, bus);
#endif
		return false;
	}
	r = ns_scope_start(unit, sizeof unit, why, sizeof why);
	if (r != NS_SCOPE_STARTED) {
		cg_how.no_bus = r == NS_SCOPE_NO_BUS;
		cg_how.refused = r == NS_SCOPE_REFUSED;
		snprintf(cg.why, sizeof cg.why, "%s; %s", own, why);
		return false;
	}
	/* systemd moved forge: where to now? */
	buf_free(&cg_self);
	memset(&cg_self, 0, sizeof cg_self);
	self = cg_self_path("");
	n = self != NULL ? strlen(self) : 0;
	if (n <= strlen(unit) || strcmp(self + n - strlen(unit), unit) != 0 ||
	    self[n - strlen(unit) - 1] != '/') {
		snprintf(cg.why, sizeof cg.why,
		         "the systemd user manager started %s, but forge is in "
		         "cgroup %s",
		         unit, self != NULL ? self : "(none)");
		free(self);
		return false;
	}
	strlcpy0(cg_how.scope, unit, sizeof cg_how.scope);
	/* what the manager delegated (cpu, too, on some systems: forge
	 * reads CPU time from cpu.stat, which every cgroup has) */
	xasprintf(&dir, CGROUP_MOUNT "%s", self);
	free(self);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 ||
	    cg_read(fd, "cgroup.controllers", ctrls, sizeof ctrls) < 0)
		ctrls[0] = '\0';
	if (fd >= 0)
		close(fd);
	free(dir);
	ctrls[strcspn(ctrls, "\n")] = '\0';
	strlcpy0(cg_how.delegated, ctrls, sizeof cg_how.delegated);
	if (cg_v2_own())
		return true;
	strlcpy0(own, cg.why, sizeof own);
	snprintf(cg.why, sizeof cg.why,
	         "the transient scope %s from the systemd user manager: %s",
	         unit, own);
	return false;
}

static bool
cg_probe_v2(void)
{
	static const char *const need[] = {"memory", "pids"};
	char ctrls[512];
	int fd;

	fd = open(CGROUP_MOUNT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (cg_read(fd, "cgroup.controllers", ctrls, sizeof ctrls) < 0 ||
	    !cg_has_words(ctrls, need, 2)) {
		close(fd);
		snprintf(cg.why, sizeof cg.why,
		         "cgroup v2 lacks the memory and pids controllers");
		return false;
	}
	close(fd);

	/* As root: a "forge" cgroup at the top of the hierarchy. */
	if (geteuid() == 0 && cg_v2_delegate(CGROUP_MOUNT) == NS_CG_ALL) {
		const char *top = CGROUP_MOUNT "/forge";
		if ((mkdir(top, 0755) == 0 || errno == EEXIST) &&
		    (cg.binds = cg_v2_delegate(top)) == NS_CG_ALL) {
			cg.base[0] = xstrdup(top);
			return true;
		}
	}
	/* Otherwise forge's own cgroup, when it is delegated to us (e.g.
	 * under systemd-run --user --scope -p Delegate=yes); else one the
	 * systemd user manager makes for us. */
	if (cg_v2_own())
		return true;
	if (geteuid() == 0 || engine_config()->no_scope)
		return false;
	return cg_v2_scope();
}

static bool
cg_probe_v1(void)
{
	int i;

	for (i = 0; i < V1__COUNT; i++) {
		char *self = cg_self_path(v1_names[i]), *dir;

		if (self == NULL) {
			snprintf(cg.why, sizeof cg.why,
			         "the cgroup v1 %s controller is not mounted",
			         v1_names[i]);
			return false;
		}
		xasprintf(&dir, CGROUP_MOUNT "/%s%s%sforge", v1_names[i], self,
		          self[strlen(self) - 1] == '/' ? "" : "/");
		free(self);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			snprintf(cg.why, sizeof cg.why, "cannot create %s: %s",
			         dir, strerror(errno));
			free(dir);
			return false;
		}
		if (access(dir, W_OK) < 0) {
			snprintf(cg.why, sizeof cg.why, "%s is not writable",
			         dir);
			free(dir);
			return false;
		}
		cg.base[i] = dir;
	}
	return true;
}

enum ns_cgroup_mode
ns_cgroup_probe(char *why, size_t size)
{
	int i;

	if (!cg.probed) {
		cg.probed = true;
		cg.mode = CGROUP_NONE;
		if (engine_config()->no_cgroup)
			snprintf(cg.why, sizeof cg.why,
			         "FORGE_NO_CGROUP is set");
		else if (cg_is_fs(CGROUP_MOUNT, CGROUP2_SUPER_MAGIC)) {
			if (cg_probe_v2())
				cg.mode = CGROUP_V2;
		} else if (cg_is_fs(CGROUP_MOUNT "/memory",
		                    CGROUP_SUPER_MAGIC)) {
			if (cg_probe_v1())
				cg.mode = CGROUP_V1;
		} else
			snprintf(cg.why, sizeof cg.why,
			         "no cgroup file system at " CGROUP_MOUNT);
		if (cg.mode == CGROUP_NONE)
			for (i = 0; i < V1__COUNT; i++) {
				free(cg.base[i]);
				cg.base[i] = NULL;
			}
	}
	if (why != NULL)
		strlcpy0(why, cg.why, size);
	return cg.mode;
}

/* The limits the runs' cgroups bind (NS_CG_*): both under v1 and
 * where the whole of v2's were delegated, none without cgroups. */
int
ns_cgroup_binds(void)
{
	switch (ns_cgroup_probe(NULL, 0)) {
	case CGROUP_V1:
		return NS_CG_ALL;
	case CGROUP_V2:
		return cg.binds;
	case CGROUP_NONE:
		break;
	}
	return 0;
}

const char *
ns_cgroup_base(enum ns_cgroup_mode mode)
{
	return cg.base[0];
}

const struct ns_cgroup_how *
ns_cgroup_how(void)
{
	(void)ns_cgroup_probe(NULL, 0);
	return &cg_how;
}

/* forge (the static PIE) would have no cgroup here, where forge-full
 * would ask the systemd user manager for one. */
bool
ns_cgroup_elsewhere(void)
{
	return ns_cgroup_probe(NULL, 0) == CGROUP_NONE && cg_how.elsewhere;
}

/* At most this many v1 sets wait in the pool; more are removed. */
#define CG_POOL 8

/* Renames controller i's cgroup from one name to another. The kernel
 * refuses to rename onto an existing name (EEXIST), which is what makes
 * taking a pool name, or a parked set, atomic between processes. */
static int
cg_rename(int i, const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];

	snprintf(a, sizeof a, "%s/%s", cg.base[i], from);
	snprintf(b, sizeof b, "%s/%s", cg.base[i], to);
	return rename(a, b);
}

/* Claims a parked v1 set for the run called name: true if its memory
 * cgroup is now the run's; have[i] says which controllers' cgroups
 * came with it (the others are made anew). The memory cgroup is the
 * set's key: it is renamed first here and last when a set is parked,
 * so holding it means the others are complete and nobody else's. */
static bool
cg_pool_claim(const char *name, bool *have)
{
	char pool[16];
	int n, i;

	for (n = 0; n < CG_POOL; n++) {
		snprintf(pool, sizeof pool, "pool-%d", n);
		if (cg_rename(V1_MEMORY, pool, name) < 0)
			continue;
		have[V1_MEMORY] = true;
		/* a part removed as an orphan by ns_cgroup_cleanup_stale
		 * (a forge killed mid-way) is made anew */
		for (i = V1_MEMORY + 1; i < V1__COUNT; i++)
			have[i] = cg_rename(i, pool, name) == 0;
		return true;
	}
	return false;
}

static void
cg_free(struct ns_cgroup *c)
{
	int i;

	for (i = 0; i < V1__COUNT; i++) {
		if (c->fd[i] >= 0)
			close(c->fd[i]);
		if (c->tasks[i] >= 0)
			close(c->tasks[i]);
		free(c->path[i]);
	}
	free(c);
}

static int cg_claimed_reset(struct ns_cgroup *, const struct limits *);
static void cg_rmdir(const char *);

struct ns_cgroup *
ns_cgroup_create(const struct limits *l, char *err, size_t errlen)
{
	struct ns_cgroup *c;
	char name[64], mem[32], pids[32];
	bool have[V1__COUNT] = {false, false, false}, claimed;
	int i, n;

	if (ns_cgroup_probe(err, errlen) == CGROUP_NONE)
		return NULL;
	c = xcalloc(1, sizeof *c);
	c->mode = cg.mode;
	for (i = 0; i < V1__COUNT; i++)
		c->fd[i] = c->tasks[i] = -1;
	snprintf(name, sizeof name, "run-%d-%u", (int)getpid(), cg.seq++);
	snprintf(mem, sizeof mem, "%" PRIu64, l->mem_bytes);
	/* the sandbox's init is in the cgroup too: the program gets N */
	snprintf(pids, sizeof pids, "%" PRIu32, l->pids + 1);
	n = c->mode == CGROUP_V2 ? 1 : V1__COUNT;
	claimed = c->mode == CGROUP_V1 && cg_pool_claim(name, have);
again:
	for (i = 0; i < n; i++) {
		c->path[i] = util_path_join(cg.base[i], name);
		if (!have[i] && mkdir(c->path[i], 0755) < 0) {
			snprintf(err, errlen, "mkdir %s: %s", c->path[i],
			         strerror(errno));
			free(c->path[i]);
			c->path[i] = NULL;
			goto fail;
		}
		c->fd[i] = open(c->path[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (c->fd[i] < 0) {
			snprintf(err, errlen, "open %s: %s", c->path[i],
			         strerror(errno));
			goto fail;
		}
	}
	if (c->mode == CGROUP_V2) {
		/* a controller not delegated is the rlimits' (ns.c) */
		if (((cg.binds & NS_CG_MEMORY) &&
		     cg_write(c->fd[0], "memory.max", mem) < 0) ||
		    ((cg.binds & NS_CG_PIDS) &&
		     cg_write(c->fd[0], "pids.max", pids) < 0)) {
			snprintf(err, errlen, "setting limits in %s: %s",
			         c->path[0], strerror(errno));
			goto fail;
		}
		/* no swap: memory over the limit is an OOM, not a slowdown */
		if (cg.binds & NS_CG_MEMORY)
			(void)cg_write(c->fd[0], "memory.swap.max", "0");
		/* an OOM ends the whole run, not one random process */
		if (cg.binds & NS_CG_MEMORY)
			(void)cg_write(c->fd[0], "memory.oom.group", "1");
	} else {
		int reset = claimed ? cg_claimed_reset(c, l) : 0;

		if (reset < 0 && errno == EBUSY) {
			/* a set still charged by an earlier run: removed,
			 * and this run gets one made anew */
			for (i = 0; i < n; i++) {
				if (c->fd[i] >= 0)
					close(c->fd[i]);
				c->fd[i] = -1;
				cg_rmdir(c->path[i]);
				free(c->path[i]);
				c->path[i] = NULL;
				have[i] = false;
			}
			claimed = false;
			goto again;
		}
		if (claimed
		        ? reset < 0
		        : cg_write(c->fd[V1_MEMORY], "memory.limit_in_bytes",
		                   mem) < 0 ||
		              cg_write(c->fd[V1_PIDS], "pids.max", pids) < 0) {
			snprintf(err, errlen, "setting cgroup v1 limits: %s",
			         strerror(errno));
			goto fail;
		}
		if (!claimed) {
			(void)cg_write(c->fd[V1_MEMORY],
			               "memory.memsw.limit_in_bytes", mem);
			(void)cg_write(c->fd[V1_MEMORY], "memory.swappiness",
			               "0");
		}
		/* opened here, with forge's identity, for the init to write:
		 * the kernel checks the opener's credentials */
		for (i = 0; i < V1__COUNT; i++) {
			c->tasks[i] =
			    openat(c->fd[i], "tasks", O_WRONLY | O_CLOEXEC);
			if (c->tasks[i] < 0) {
				snprintf(err, errlen, "open %s/tasks: %s",
				         c->path[i], strerror(errno));
				goto fail;
			}
		}
	}
	if (!claimed) {
		c->mem_limit = l->mem_bytes;
		c->pids_limit = l->pids;
	}
	return c;
fail:
	ns_cgroup_destroy(c);
	return NULL;
}

int
ns_cgroup_attach(struct ns_cgroup *c, pid_t pid)
{
	char s[32];
	int i, n = c->mode == CGROUP_V2 ? 1 : V1__COUNT;

	snprintf(s, sizeof s, "%d", (int)pid);
	for (i = 0; i < n; i++)
		if (cg_write(c->fd[i], "cgroup.procs", s) < 0)
			return -1;
	return 0;
}

/* cgroup v1: the calling process (single-threaded: the sandbox's init,
 * before it forks anything) moves itself into the run's cgroups through
 * the "tasks" files the keeper opened. Writing "0" there moves the
 * caller alone, which the kernel does without the system-wide lock (and
 * RCU grace period, several ms) that moving a process by its pid
 * through cgroup.procs takes. */
int
ns_cgroup_join(const int *tasks, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (util_write_all(tasks[i], "0", 1) < 0)
			return -1;
	}
	return 0;
}

/* The fds ns_cgroup_join needs, or 0 where the keeper must attach the
 * init itself (cgroup v2). */
int
ns_cgroup_join_fds(const struct ns_cgroup *c, int *tasks)
{
	int i;

	if (c->mode != CGROUP_V1)
		return 0;
	for (i = 0; i < V1__COUNT; i++)
		tasks[i] = c->tasks[i];
	return V1__COUNT;
}

/* cgroup v2: the directory to clone the init into (CLONE_INTO_CGROUP),
 * or -1 under v1. */
int
ns_cgroup_dirfd(const struct ns_cgroup *c)
{
	return c->mode == CGROUP_V2 ? c->fd[0] : -1;
}

enum ns_cgroup_mode
ns_cgroup_mode(const struct ns_cgroup *c)
{
	return c->mode;
}

/* A cgroup v1 set of one finished run, kept for the next run of this
 * process: creating and removing three directories per run costs more
 * than resetting their counters. (v2 cannot reset memory.peak for
 * others to read, so v2 runs always get a fresh cgroup.) */
static struct ns_cgroup *cg_parked;
static pid_t cg_parked_owner;

/* A forked child inherits the parked pointer but not the cgroup: two
 * processes must never run sandboxes in one cgroup. It forgets it. */
static void cg_free(struct ns_cgroup *);

static void
cg_forget_inherited(void)
{
	if (cg_parked == NULL || cg_parked_owner == getpid())
		return;
	cg_free(cg_parked); /* closes our copies; the directories stay */
	cg_parked = NULL;
}

static uint64_t
cg_oom_count(struct ns_cgroup *c)
{
	if (c->mode == CGROUP_V2)
		return cg_read_key(c->fd[0], "memory.events", "oom_kill");
	return cg_read_key(c->fd[V1_MEMORY], "memory.oom_control", "oom_kill");
}

/* Resets a v1 set of an earlier run for the next; with fresh, its
 * limits are unknown (another process's run) and all are written. */
static int
cg_reuse(struct ns_cgroup *c, const struct limits *l, bool fresh)
{
	char mem[32], pids[32];
	int m = c->fd[V1_MEMORY];

	snprintf(mem, sizeof mem, "%" PRIu64, l->mem_bytes);
	snprintf(pids, sizeof pids, "%" PRIu32, l->pids + 1);
	if (fresh || l->mem_bytes != c->mem_limit) {
		/* memsw may never be below the memory limit: order matters */
		if (fresh || l->mem_bytes > c->mem_limit)
			(void)cg_write(m, "memory.memsw.limit_in_bytes", mem);
		if (cg_write(m, "memory.limit_in_bytes", mem) < 0)
			return -1;
		(void)cg_write(m, "memory.memsw.limit_in_bytes", mem);
		c->mem_limit = l->mem_bytes;
	}
	if (fresh || l->pids != c->pids_limit) {
		if (cg_write(c->fd[V1_PIDS], "pids.max", pids) < 0)
			return -1;
		c->pids_limit = l->pids;
	}
	/* What the last runs left charged (files they read, in the page
	 * cache) is the base the next run is measured above. A run near
	 * its limit makes the kernel reclaim that base, and its peak then
	 * looks smaller by what was reclaimed: a base above a sixteenth of
	 * the limit is reclaimed now, while no task is in the cgroup (it
	 * costs most of a millisecond, so not every time). */
	/* what is still charged (cached files of the last run) is not this
	 * run's memory: measurements start above it */
	c->mem_base = cg_read_u64(m, "memory.usage_in_bytes");
	if (c->mem_base > l->mem_bytes / 16) {
		(void)cg_write(m, "memory.force_empty", "0");
		c->mem_base = cg_read_u64(m, "memory.usage_in_bytes");
	}
	/* What cannot be reclaimed is not cache: memory an earlier run
	 * still holds (a memfd left in flight, until the kernel collects
	 * it). It would count against this run's limit, and its freeing
	 * would spoil the measurement: the set is not reused. */
	if (c->mem_base > l->mem_bytes / 16) {
		errno = EBUSY;
		return -1;
	}
	if (cg_write(m, "memory.max_usage_in_bytes", "0") < 0)
		return -1;
	c->oom_base = cg_oom_count(c);
	c->fail_base = cg_read_u64(m, "memory.failcnt");
	return 0;
}

/* A set claimed from the pool: its limits and counters are another
 * run's, of any forge process. (The CPU counter needs no reset: a run's
 * CPU time is counted from its value when the program starts.) */
static int
cg_claimed_reset(struct ns_cgroup *c, const struct limits *l)
{
	if (cg_reuse(c, l, true) < 0)
		return -1;
	c->mem_limit = l->mem_bytes;
	c->pids_limit = l->pids;
	return 0;
}

/* Parks a finished run's v1 set in the pool for the next forge process
 * (and frees c): false if it has tasks left or the pool is full. Its
 * memory cgroup, the key, is renamed last (see cg_pool_claim); taking
 * the CPU one's pool name first makes the name this process's alone. */
static bool
cg_pool_park(struct ns_cgroup *c)
{
	char pool[16], s[64];
	const char *name;
	int n, i, j;

	if (c->mode != CGROUP_V1 || c->path[V1_MEMORY] == NULL)
		return false;
	for (i = 0; i < V1__COUNT; i++)
		if (c->fd[i] < 0 ||
		    cg_read(c->fd[i], "tasks", s, sizeof s) < 0 || s[0] != '\0')
			return false;
	name = strrchr(c->path[V1_MEMORY], '/') + 1;
	for (n = 0; n < CG_POOL; n++) {
		snprintf(pool, sizeof pool, "pool-%d", n);
		for (i = V1__COUNT - 1; i >= 0; i--)
			if (cg_rename(i, name, pool) < 0)
				break;
		if (i < 0) {
			cg_free(c);
			return true;
		}
		if (errno != EEXIST)
			return false;
		/* taken (parked, or being claimed or parked): put back */
		for (j = i + 1; j < V1__COUNT; j++)
			if (cg_rename(j, pool, name) < 0)
				return false;
	}
	return false;
}

/* A set this process is done with: parked for others, or removed. */
static void
cg_retire(struct ns_cgroup *c)
{
	if (c != NULL && !cg_pool_park(c))
		ns_cgroup_destroy(c);
}

/* Would ns_cgroup_get make or claim a set (cgroup v1, none parked in
 * this process)? Then a run may ask for its cgroup while its init
 * builds the root. */
bool
ns_cgroup_costly(void)
{
	cg_forget_inherited();
	return cg_parked == NULL && ns_cgroup_probe(NULL, 0) == CGROUP_V1;
}

/* A cgroup for one run: the parked one reset, or a new one. */
struct ns_cgroup *
ns_cgroup_get(const struct limits *l, char *err, size_t errlen)
{
	struct ns_cgroup *c;

	cg_forget_inherited();
	c = cg_parked;
	cg_parked = NULL;
	if (c != NULL && cg_reuse(c, l, false) == 0)
		return c;
	ns_cgroup_destroy(c);
	return ns_cgroup_create(l, err, errlen);
}

/* The run is over and its processes are gone. */
void
ns_cgroup_put(struct ns_cgroup *c)
{
	if (c == NULL)
		return;
	cg_forget_inherited();
	if (c->mode == CGROUP_V1 && cg_parked == NULL) {
		cg_parked = c;
		cg_parked_owner = getpid();
	} else
		cg_retire(c);
}

void
ns_cgroup_release(void)
{
	cg_forget_inherited();
	cg_retire(cg_parked);
	cg_parked = NULL;
}

uint64_t
ns_cgroup_cpu_us(struct ns_cgroup *c)
{
	if (c->mode == CGROUP_V2)
		return cg_read_key(c->fd[0], "cpu.stat", "usage_usec");
	return cg_read_u64(c->fd[V1_CPUACCT], "cpuacct.usage") / 1000;
}

uint64_t
ns_cgroup_mem_bytes(struct ns_cgroup *c)
{
	uint64_t v;

	if (c->mode == CGROUP_V2) {
		v = cg_read_u64(c->fd[0], "memory.current");
		if (v > c->peak_seen)
			c->peak_seen = v;
		return v;
	}
	v = cg_read_u64(c->fd[V1_MEMORY], "memory.usage_in_bytes");
	return v > c->mem_base ? v - c->mem_base : 0;
}

uint64_t
ns_cgroup_mem_peak(struct ns_cgroup *c)
{
	if (c->mode == CGROUP_V2) {
		uint64_t v = cg_read_u64(c->fd[0], "memory.peak");
		/* kernels before 5.19: the highest value sampled */
		return v != 0 ? v : c->peak_seen;
	}
	uint64_t v = cg_read_u64(c->fd[V1_MEMORY], "memory.max_usage_in_bytes");
	return v > c->mem_base ? v - c->mem_base : 0;
}

uint32_t
ns_cgroup_pids(struct ns_cgroup *c)
{
	return (uint32_t)cg_read_u64(c->fd[c->mode == CGROUP_V2 ? 0 : V1_PIDS],
	                             "pids.current");
}

bool
ns_cgroup_oom(struct ns_cgroup *c)
{
	if (c->mode == CGROUP_V2 &&
	    cg_read_key(c->fd[0], "memory.events", "oom_group_kill") > 0)
		return true;
	return cg_oom_count(c) > c->oom_base;
}

/* Did the run's memory reach its limit at all (an OOM kill, or an
 * allocation the kernel had to refuse or reclaim for)? */
bool
ns_cgroup_mem_hit(struct ns_cgroup *c)
{
	if (ns_cgroup_oom(c))
		return true;
	if (c->mode == CGROUP_V2)
		return cg_read_key(c->fd[0], "memory.events", "max") > 0;
	return cg_read_u64(c->fd[V1_MEMORY], "memory.failcnt") > c->fail_base;
}

/* Kills every process left in a cgroup directory. */
static void
cg_kill_dir(int dirfd, bool v2)
{
	char buf[8192], *p;
	int round;

	if (v2 && cg_write(dirfd, "cgroup.kill", "1") == 0)
		return;
	/* v1, or v2 before 5.14: kill what is listed until nothing is;
	 * a process forking meanwhile is caught in a later round. */
	for (round = 0; round < 50; round++) {
		bool any = false;

		if (cg_read(dirfd, "cgroup.procs", buf, sizeof buf) < 0)
			return;
		for (p = buf; *p != '\0';) {
			long pid = strtol(p, &p, 10);
			if (pid > 0) {
				kill((pid_t)pid, SIGKILL);
				any = true;
			}
			while (*p == '\n')
				p++;
		}
		if (!any)
			return;
		usleep(1000);
	}
}

void
ns_cgroup_kill(struct ns_cgroup *c)
{
	int i, n = c->mode == CGROUP_V2 ? 1 : V1__COUNT;

	for (i = 0; i < n; i++)
		if (c->fd[i] >= 0)
			cg_kill_dir(c->fd[i], c->mode == CGROUP_V2);
}

static void
cg_rmdir(const char *path)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return;
		if (errno != EBUSY)
			return;
		usleep(500);
	}
}

void
ns_cgroup_destroy(struct ns_cgroup *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < V1__COUNT; i++) {
		if (c->path[i] == NULL)
			continue;
		if (c->fd[i] >= 0)
			cg_kill_dir(c->fd[i], c->mode == CGROUP_V2);
		cg_rmdir(c->path[i]);
	}
	cg_free(c);
}

/* A v1 pool name no set can be claimed under: one beyond the pool's
 * size, or a part whose memory cgroup (the key) is missing, left by a
 * forge killed while it parked or claimed the set. (A part caught in
 * the middle of a live claim or parking may be removed too: the one
 * who claims the set makes that part anew.) */
static bool
cg_pool_orphan(int i, const char *name)
{
	char key[PATH_MAX], end;
	int n;

	if (cg.mode != CGROUP_V1 || sscanf(name, "pool-%d%c", &n, &end) != 1)
		return false;
	if (n < 0 || n >= CG_POOL)
		return true;
	snprintf(key, sizeof key, "%s/%s", cg.base[V1_MEMORY], name);
	return i != V1_MEMORY && access(key, F_OK) < 0 && errno == ENOENT;
}

/* Removes the cgroup name of a dead forge process in controller i, and
 * kills what is left in it. */
static void
cg_remove_dead(int i, const char *name)
{
	char *path;
	int fd;

	if (cg.base[i] == NULL)
		return;
	path = util_path_join(cg.base[i], name);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		cg_kill_dir(fd, cg.mode == CGROUP_V2);
		close(fd);
		cg_rmdir(path);
	}
	free(path);
}

/* Removes the run cgroups of forge processes that no longer exist, and
 * pool parts that cannot be claimed. */
void
ns_cgroup_cleanup_stale(void)
{
	nlink_t links[V1__COUNT] = {0};
	bool all = false;
	int i, j;

	if (ns_cgroup_probe(NULL, 0) == CGROUP_NONE)
		return;
	/* Every run's set has a cgroup in each controller, the memory one
	 * included: the memory directory alone tells of the dead runs.
	 * The others are read too only when they hold a different number
	 * of cgroups (parts of a set half parked or claimed). */
	for (i = 0; i < V1__COUNT; i++) {
		struct stat st;

		if (cg.base[i] != NULL && stat(cg.base[i], &st) == 0)
			links[i] = st.st_nlink;
		all = all || links[i] != links[0];
	}
	for (i = 0; i < V1__COUNT; i++) {
		DIR *d;
		struct dirent *e;

		/* no child cgroup at all (2 links: the usual case when no
		 * other forge runs): nothing to read */
		if (cg.base[i] == NULL || links[i] == 2 || (i > 0 && !all) ||
		    (d = opendir(cg.base[i])) == NULL)
			continue;
		while ((e = readdir(d)) != NULL) {
			int pid;
			char *path;

			if (cg_pool_orphan(i, e->d_name)) {
				path = util_path_join(cg.base[i], e->d_name);
				rmdir(path); /* busy: not an orphan after all */
				free(path);
				continue;
			}
			if (sscanf(e->d_name, "run-%d-", &pid) != 1 &&
			    sscanf(e->d_name, "forge-keeper-%d", &pid) != 1)
				continue;
			if (pid == getpid() || kill(pid, 0) == 0 ||
			    errno != ESRCH)
				continue;
			if (all)
				cg_remove_dead(i, e->d_name);
			else
				for (j = 0; j < V1__COUNT; j++)
					cg_remove_dead(j, e->d_name);
			/* a forge killed mid-way may have left parts
			 * anywhere: the others are read too */
			all = true;
		}
		closedir(d);
	}
}
