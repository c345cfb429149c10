/* A container's cgroup, read on the host. Docker limits memory and
 * processes but has no CPU-time limit, and its stats API lacks peak
 * memory on cgroup v2: Forge reads the counters itself, as the ns
 * backend does, and kills the container when its CPU time passes the
 * limit, so that TLE means CPU time on both backends. The counters'
 * files are opened once, while the container runs; their last values
 * are kept, since the cgroup goes with the container.
 *
 * A container of the warm pool (docker-pool.c) serves one run after
 * another: its counters are rebased before each run (the CPU time and
 * the OOM kills counted from there, the peak reset where the kernel and
 * the permissions allow it), so that a run is charged for its own
 * processes alone. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/docker/docker.h"

/* Where the cgroups are mounted: the engine's setting, for a runtime
 * whose cgroups are elsewhere, else the usual place. */
static const char *
docker_cgroup_root(void)
{
	const char *r = engine_config()->docker_cgroup_root;

	return r != NULL && r[0] != '\0' ? r : "/sys/fs/cgroup";
}

static int
docker_cgroup_openf(const char *dir, const char *file)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", dir, file);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Writable where the permissions allow it (a peak to reset). */
static int
docker_cgroup_openrw(const char *dir, const char *file)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd >= 0 ? fd : open(path, O_RDONLY | O_CLOEXEC);
}

/* Where the container's cgroup is under a hierarchy (root): the path
 * /proc/PID/cgroup gives for it, else the places Docker's two cgroup
 * drivers use. */
static bool
docker_cgroup_find(const char *root, const char *controller, const char *id,
                   pid_t pid, char *out, size_t len)
{
	char path[4096];
	FILE *f;

	if (pid > 0) {
		char line[4096];

		snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
		f = fopen(path, "re");
		while (f != NULL && fgets(line, sizeof line, f) != NULL) {
			char *ctl = strchr(line, ':'), *rel;

			if (ctl == NULL || (rel = strchr(ctl + 1, ':')) == NULL)
				continue;
			*rel++ = '\0';
			rel[strcspn(rel, "\n")] = '\0';
			ctl++;
			if (controller == NULL
			        ? *ctl != '\0'
			        : strstr(ctl, controller) == NULL)
				continue;
			snprintf(out, len, "%s%s", root, rel);
			if (access(out, R_OK) == 0) {
				fclose(f);
				return true;
			}
		}
		if (f != NULL)
			fclose(f);
	}
	snprintf(out, len, "%s/docker/%s", root, id);
	if (access(out, R_OK) == 0)
		return true;
	snprintf(out, len, "%s/system.slice/docker-%s.scope", root, id);
	return access(out, R_OK) == 0;
}

int
docker_cgroup_open(struct docker_cgroup *c, const char *id, pid_t pid,
                   char *err, size_t len)
{
	const char *root = docker_cgroup_root();
	char dir[4096], sub[4096];

	memset(c, 0, sizeof *c);
	c->cpu_fd = c->mem_fd = c->peak_fd = c->pids_fd = c->oom_fd = -1;
	snprintf(sub, sizeof sub, "%s/cgroup.controllers", root);
	c->v2 = access(sub, F_OK) == 0;
	if (c->v2) {
		if (!docker_cgroup_find(root, NULL, id, pid, dir, sizeof dir))
			goto missing;
		c->cpu_fd = docker_cgroup_openf(dir, "cpu.stat");
		c->mem_fd = docker_cgroup_openf(dir, "memory.current");
		/* written to reset it (Linux 6.12), then read on this fd */
		c->peak_fd = docker_cgroup_openrw(dir, "memory.peak");
		c->pids_fd = docker_cgroup_openf(dir, "pids.current");
		c->oom_fd = docker_cgroup_openf(dir, "memory.events");
	} else {
		snprintf(sub, sizeof sub, "%s/cpuacct", root);
		if (docker_cgroup_find(sub, "cpuacct", id, pid, dir,
		                       sizeof dir) ||
		    (snprintf(sub, sizeof sub, "%s/cpu,cpuacct", root),
		     docker_cgroup_find(sub, "cpuacct", id, pid, dir,
		                        sizeof dir)))
			c->cpu_fd = docker_cgroup_openf(dir, "cpuacct.usage");
		snprintf(sub, sizeof sub, "%s/memory", root);
		if (docker_cgroup_find(sub, "memory", id, pid, dir,
		                       sizeof dir)) {
			c->mem_fd =
			    docker_cgroup_openf(dir, "memory.usage_in_bytes");
			c->peak_fd = docker_cgroup_openrw(
			    dir, "memory.max_usage_in_bytes");
			c->oom_fd =
			    docker_cgroup_openf(dir, "memory.oom_control");
		}
		snprintf(sub, sizeof sub, "%s/pids", root);
		if (docker_cgroup_find(sub, "pids", id, pid, dir, sizeof dir))
			c->pids_fd = docker_cgroup_openf(dir, "pids.current");
	}
	if (c->cpu_fd < 0)
		goto missing;
	docker_cgroup_read(c);
	return 0;
missing:
	snprintf(err, len,
	         "cannot find the container's cgroup under %s, so its CPU "
	         "time can be neither measured nor limited (forge must run "
	         "on the Docker daemon's host, with its cgroups mounted)",
	         root);
	docker_cgroup_close(c);
	return -1;
}

static bool
docker_cgroup_get(int fd, const char *key, uint64_t *v)
{
	char text[4096], *p;
	ssize_t n;

	if (fd < 0 || (n = pread(fd, text, sizeof text - 1, 0)) <= 0)
		return false;
	text[n] = '\0';
	if (key == NULL)
		p = text;
	else if ((p = strstr(text, key)) != NULL)
		p += strlen(key);
	else
		return false;
	*v = strtoull(p, NULL, 10);
	return true;
}

/* Reads what can still be read; the cgroup may be gone already, and
 * the values read last stay. */
void
docker_cgroup_read(struct docker_cgroup *c)
{
	uint64_t v;

	if (docker_cgroup_get(c->cpu_fd, c->v2 ? "usage_usec " : NULL, &v)) {
		v = c->v2 ? v : v / 1000;
		c->cpu_us = v > c->cpu_base_us ? v - c->cpu_base_us : 0;
	}
	if (docker_cgroup_get(c->oom_fd, "oom_kill ", &v))
		c->oom_kills = v > c->oom_base ? v - c->oom_base : 0;
	if (docker_cgroup_get(c->mem_fd, NULL, &v)) {
		c->mem = v;
		if (v > c->peak)
			c->peak = v;
	}
	if (docker_cgroup_get(c->peak_fd, NULL, &v) && v > c->peak)
		c->peak = v;
	if (docker_cgroup_get(c->pids_fd, NULL, &v))
		c->pids = (uint32_t)v;
}

/* Counts from now on: the CPU time and the OOM kills from here, and the
 * peak reset to the present use. False when the peak could not be
 * reset (a kernel before 6.12 on cgroup v2, or no permission): the
 * container then serves no further run, as its peak would be an older
 * run's. */
bool
docker_cgroup_rebase(struct docker_cgroup *c)
{
	uint64_t v;
	bool reset;

	c->cpu_base_us = c->oom_base = 0;
	if (docker_cgroup_get(c->cpu_fd, c->v2 ? "usage_usec " : NULL, &v))
		c->cpu_base_us = c->v2 ? v : v / 1000;
	if (docker_cgroup_get(c->oom_fd, "oom_kill ", &v))
		c->oom_base = v;
	reset = c->peak_fd >= 0 && pwrite(c->peak_fd, "0\n", 2, 0) == 2;
	c->cpu_us = c->mem = c->peak = c->oom_kills = 0;
	if (reset && docker_cgroup_get(c->mem_fd, NULL, &v))
		c->mem = v;
	return reset;
}

void
docker_cgroup_close(struct docker_cgroup *c)
{
	int *fds[] = {&c->cpu_fd, &c->mem_fd, &c->peak_fd, &c->pids_fd,
	              &c->oom_fd};
	size_t i;

	for (i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}
