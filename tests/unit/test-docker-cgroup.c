/* The docker backend's cgroup counters (engine/docker/docker-cgroup.c)
 * read from a cgroup tree laid out as Docker's are, on cgroup v2 (one
 * directory: cpu.stat, memory.current, memory.peak, pids.current,
 * memory.events) and on cgroup v1 (a directory per controller), through
 * FORGE_DOCKER_CGROUP_ROOT's setting: the CPU time, the memory and its
 * peak, the processes and the OOM kills, then counted again from a
 * rebase as a pooled container's next run is. This host's cgroups are
 * v1 and its VM has no Docker, so the v2 layout is checked here. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/docker/docker.h"
#include "tests/unit/check.h"

#define ID "0123456789abcdef"

static void
use_root(const char *root)
{
	struct engine_config c = {0};

	c.docker_cgroup_root = (char *)root;
	engine_configure(&c);
}

static void
put(const char *dir, const char *file, const char *text)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", dir, file);
	check_write(path, text);
}

static void
check_v2(const char *tmp)
{
	char root[4096], dir[4096], err[512];
	struct docker_cgroup c;

	snprintf(root, sizeof root, "%s/v2", tmp);
	snprintf(dir, sizeof dir, "%s/system.slice/docker-" ID ".scope", root);
	put(root, "cgroup.controllers", "cpu memory pids\n");
	put(dir, "cpu.stat",
	    "usage_usec 250000\nuser_usec 200000\nsystem_usec 50000\n");
	put(dir, "memory.current", "1048576\n");
	put(dir, "memory.peak", "8388608\n");
	put(dir, "pids.current", "3\n");
	put(dir, "memory.events",
	    "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\noom_group_kill 0\n");
	use_root(root);

	CHECK(docker_cgroup_open(&c, ID, 0, err, sizeof err) == 0);
	CHECK(c.v2);
	CHECK(c.cpu_us == 250000);
	CHECK(c.mem == 1048576);
	CHECK(c.peak == 8388608);
	CHECK(c.pids == 3);
	CHECK(c.oom_kills == 1);

	/* a pooled container's next run counts from here */
	CHECK(docker_cgroup_rebase(&c));
	CHECK(c.cpu_us == 0 && c.oom_kills == 0 && c.peak == 0);
	put(dir, "cpu.stat", "usage_usec 1250000\nuser_usec 1000000\n");
	put(dir, "memory.current", "2097152\n");
	put(dir, "memory.events", "oom 1\noom_kill 3\noom_group_kill 0\n");
	docker_cgroup_read(&c);
	CHECK(c.cpu_us == 1000000);
	CHECK(c.mem == 2097152);
	/* the peak file was reset by the rebase (written 0): the peak is
	 * the largest use read since */
	CHECK(c.peak == 2097152);
	CHECK(c.oom_kills == 2);
	docker_cgroup_close(&c);

	/* a container whose cgroup is not there is said, not guessed */
	CHECK(docker_cgroup_open(&c, "feedfacefeedface", 0, err, sizeof err) <
	      0);
	CHECK(strstr(err, "cannot find the container's cgroup") != NULL);
}

static void
check_v1(const char *tmp)
{
	char root[4096], dir[4096], err[512];
	struct docker_cgroup c;

	snprintf(root, sizeof root, "%s/v1", tmp);
	snprintf(dir, sizeof dir, "%s/cpuacct/docker/" ID, root);
	put(dir, "cpuacct.usage", "750000000\n"); /* ns */
	snprintf(dir, sizeof dir, "%s/memory/docker/" ID, root);
	put(dir, "memory.usage_in_bytes", "4096\n");
	put(dir, "memory.max_usage_in_bytes", "65536\n");
	put(dir, "memory.oom_control",
	    "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	snprintf(dir, sizeof dir, "%s/pids/docker/" ID, root);
	put(dir, "pids.current", "5\n");
	use_root(root);

	CHECK(docker_cgroup_open(&c, ID, 0, err, sizeof err) == 0);
	CHECK(!c.v2);
	CHECK(c.cpu_us == 750000);
	CHECK(c.mem == 4096);
	CHECK(c.peak == 65536);
	CHECK(c.pids == 5);
	CHECK(c.oom_kills == 2);
	docker_cgroup_close(&c);
}

int
main(void)
{
	char tmp[] = "/tmp/forge-test-dcg-XXXXXX";
	char cmd[64];

	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 99;
	}
	check_v2(tmp);
	check_v1(tmp);
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	return check_done();
}
