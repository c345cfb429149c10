/* A container's cgroup, read on the host. Docker limits memory and
 * processes but has no CPU-time limit, and its stats API lacks peak
 * memory on cgroup v2: Forge reads the counters itself, as the ns
 * backend does, and kills the container when its CPU time passes the
 * limit, so that TLE means CPU time on both backends. The counters'
 * files are opened once, while the container runs; their last values
 * are kept, since the cgroup goes with the container. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/docker/docker.h"

#define CG_ROOT "/sys/fs/cgroup"

static int
docker_cgroup_openf(const char *dir, const char *file)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", dir, file);
	return open(path, O_RDONLY | O_CLOEXEC);
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
	char dir[4096];

	memset(c, 0, sizeof *c);
	c->cpu_fd = c->mem_fd = c->peak_fd = c->pids_fd = -1;
	c->v2 = access(CG_ROOT "/cgroup.controllers", F_OK) == 0;
	if (c->v2) {
		if (!docker_cgroup_find(CG_ROOT, NULL, id, pid, dir,
		                        sizeof dir))
			goto missing;
		c->cpu_fd = docker_cgroup_openf(dir, "cpu.stat");
		c->mem_fd = docker_cgroup_openf(dir, "memory.current");
		c->peak_fd = docker_cgroup_openf(dir, "memory.peak");
		c->pids_fd = docker_cgroup_openf(dir, "pids.current");
	} else {
		if (docker_cgroup_find(CG_ROOT "/cpuacct", "cpuacct", id, pid,
		                       dir, sizeof dir) ||
		    docker_cgroup_find(CG_ROOT "/cpu,cpuacct", "cpuacct", id,
		                       pid, dir, sizeof dir))
			c->cpu_fd = docker_cgroup_openf(dir, "cpuacct.usage");
		if (docker_cgroup_find(CG_ROOT "/memory", "memory", id, pid,
		                       dir, sizeof dir)) {
			c->mem_fd =
			    docker_cgroup_openf(dir, "memory.usage_in_bytes");
			c->peak_fd = docker_cgroup_openf(
			    dir, "memory.max_usage_in_bytes");
		}
		if (docker_cgroup_find(CG_ROOT "/pids", "pids", id, pid, dir,
		                       sizeof dir))
			c->pids_fd = docker_cgroup_openf(dir, "pids.current");
	}
	if (c->cpu_fd < 0)
		goto missing;
	docker_cgroup_read(c);
	return 0;
missing:
	snprintf(err, len,
	         "cannot find the container's cgroup under " CG_ROOT
	         " (forge must run on the Docker daemon's host, with "
	         "its cgroups mounted)");
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

	if (docker_cgroup_get(c->cpu_fd, c->v2 ? "usage_usec " : NULL, &v))
		c->cpu_us = c->v2 ? v : v / 1000;
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

void
docker_cgroup_close(struct docker_cgroup *c)
{
	int *fds[] = {&c->cpu_fd, &c->mem_fd, &c->peak_fd, &c->pids_fd};
	size_t i;

	for (i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}
