/* floor: the least work that isolates one program the way forge does, in
 * one process, as the yardstick of bench/run-overhead.sh.
 *
 *   floor CGROUP PROG
 *
 * Per run, and nothing else: new user, PID, mount, network, IPC and UTS
 * namespaces; the uid and gid maps; a tmpfs root with /usr (and the
 * /bin, /lib... links or binds) bound read-only, PROG bound read-only at
 * /prog/main, /proc, /dev/null and /tmp; pivot_root onto it and the
 * host's tree detached; the cgroup's memory and process limits set and
 * its counters reset, the program joined to it; no_new_privs and a
 * seccomp filter denying the calls a sandbox must deny; exec. The parent
 * waits, then reads the CPU time and peak memory as a measurement
 * would. The program runs as PID 1 of its namespace, its output goes
 * straight to the floor's own (no capture): forge does more than this,
 * on purpose; the difference is what the benchmark shows.
 *
 * CGROUP names the run's cgroup: under cgroup v1 a directory of that
 * name in the memory, pids and cpuacct hierarchies, under v2 one in
 * /sys/fs/cgroup; it is made when missing and reused (emptied by each
 * run's end), as forge's pool of sets is. The caller removes it.
 *
 * Exit status: the program's (128 + signal when killed), 2 for a usage
 * error, 3 when the sandbox could not be built (with the reason). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/magic.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__)
#define FLOOR_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FLOOR_ARCH AUDIT_ARCH_AARCH64
#else
#error "floor: add this architecture's AUDIT_ARCH"
#endif

#define CG   "/sys/fs/cgroup"
#define ROOT "/tmp"

static void
die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	_exit(3);
}

static void
put(int dirfd, const char *file, const char *value)
{
	int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		die(file);
	close(fd);
}

/* The number a counter file starts with, after an optional key ("usage_usec
 * N" in cpu.stat). */
static long long
get(int dirfd, const char *file)
{
	char b[64], *p;
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || (n = read(fd, b, sizeof b - 1)) < 0)
		die(file);
	close(fd);
	b[n] = '\0';
	for (p = b; *p != '\0' && (*p < '0' || *p > '9'); p++)
		;
	return atoll(p);
}

/* The run's cgroup: limits written, counters reset; the "tasks" (v1) or
 * "cgroup.procs" (v2) files opened, for the child to join through. */
struct floor_cg {
	bool v2;
	int dir[3];  /* v1: memory, pids, cpuacct; v2: dir[0] */
	int join[3]; /* -1: none */
};

static int
cg_dir(const char *path)
{
	int fd;

	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die(path);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die(path);
	return fd;
}

/* This process's own cgroup in a hierarchy (v1: the line naming the
 * controller; v2: the "0::" line), into path. */
static void
cg_own(const char *controller, char *path, size_t size)
{
	char line[4096], *colon;
	FILE *f = fopen("/proc/self/cgroup", "re");

	if (f == NULL)
		die("/proc/self/cgroup");
	path[0] = '\0';
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		*colon = '\0';
		char *list = colon + 1, *rest = strchr(list, ':');
		if (rest == NULL)
			continue;
		*rest++ = '\0';
		bool match = controller == NULL ? *list == '\0' : false;
		for (char *t = strtok(list, ","); t && controller;
		     t = strtok(NULL, ","))
			match = match || strcmp(t, controller) == 0;
		if (match) {
			snprintf(path, size, "%s",
			         strcmp(rest, "/") ? rest : "");
			break;
		}
	}
	fclose(f);
}

static void
cg_setup(struct floor_cg *c, const char *name)
{
	static const char *const v1[3] = {"memory", "pids", "cpuacct"};
	struct statfs fs;
	char path[8300], own[4096];

	if (statfs(CG, &fs) < 0)
		die(CG);
	c->v2 = fs.f_type == CGROUP2_SUPER_MAGIC;
	for (int i = 0; i < 3; i++)
		c->dir[i] = c->join[i] = -1;
	if (c->v2) {
		cg_own(NULL, own, sizeof own);
		snprintf(path, sizeof path, CG "%s/%s", own, name);
		c->dir[0] = cg_dir(path);
		put(c->dir[0], "memory.max", "268435456");
		put(c->dir[0], "memory.swap.max", "0");
		put(c->dir[0], "pids.max", "64");
		c->join[0] =
		    openat(c->dir[0], "cgroup.procs", O_WRONLY | O_CLOEXEC);
		if (c->join[0] < 0)
			die("cgroup.procs");
		return;
	}
	for (int i = 0; i < 3; i++) {
		cg_own(v1[i], own, sizeof own);
		snprintf(path, sizeof path, CG "/%s%s/%s", v1[i], own, name);
		c->dir[i] = cg_dir(path);
		c->join[i] = openat(c->dir[i], "tasks", O_WRONLY | O_CLOEXEC);
		if (c->join[i] < 0)
			die("tasks");
	}
	put(c->dir[0], "memory.limit_in_bytes", "268435456");
	put(c->dir[0], "memory.max_usage_in_bytes", "0");
	put(c->dir[1], "pids.max", "64");
	put(c->dir[2], "cpuacct.usage", "0");
}

/* The measurement a sandbox reports: CPU time and peak memory. */
static void
cg_measure(const struct floor_cg *c, long long *cpu_us, long long *peak)
{
	if (c->v2) {
		/* usage_usec is cpu.stat's first line */
		*cpu_us = get(c->dir[0], "cpu.stat");
		*peak = get(c->dir[0], "memory.current");
		return;
	}
	*cpu_us = get(c->dir[2], "cpuacct.usage") / 1000;
	*peak = get(c->dir[0], "memory.max_usage_in_bytes");
}

/* Deny what a sandbox must deny (another architecture's calls, mounts,
 * namespaces, tracing, kernel modules and keys, BPF), allow the rest:
 * a filter of the usual length, checked by the kernel on every call. */
static void
seccomp_load(void)
{
#define DENY(nr)                                                               \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1),                       \
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	             offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FLOOR_ARCH, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	             offsetof(struct seccomp_data, nr)),
#ifdef __x86_64__
	    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	    DENY(__NR_iopl),
	    DENY(__NR_ioperm),
#endif
	    DENY(__NR_mount),
	    DENY(__NR_umount2),
	    DENY(__NR_pivot_root),
	    DENY(__NR_unshare),
	    DENY(__NR_setns),
	    DENY(__NR_ptrace),
	    DENY(__NR_process_vm_readv),
	    DENY(__NR_process_vm_writev),
	    DENY(__NR_kexec_load),
	    DENY(__NR_init_module),
	    DENY(__NR_finit_module),
	    DENY(__NR_delete_module),
	    DENY(__NR_bpf),
	    DENY(__NR_perf_event_open),
	    DENY(__NR_keyctl),
	    DENY(__NR_add_key),
	    DENY(__NR_request_key),
	    DENY(__NR_userfaultfd),
	    DENY(__NR_open_by_handle_at),
	    DENY(__NR_name_to_handle_at),
	    DENY(__NR_reboot),
	    DENY(__NR_swapon),
	    DENY(__NR_swapoff),
	    DENY(__NR_acct),
	    DENY(__NR_quotactl),
	    DENY(__NR_fsopen),
	    DENY(__NR_fsmount),
	    DENY(__NR_move_mount),
	    DENY(__NR_open_tree),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
#undef DENY
	struct sock_fprog prog = {sizeof f / sizeof f[0], f};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("no_new_privs");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		die("seccomp");
}

static void
bind_ro(const char *src, const char *dst)
{
	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		die(dst);
	if (mount(NULL, dst, NULL,
	          MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
	          NULL) < 0)
		die(dst);
}

/* The root: a tmpfs over /tmp (this mount namespace's own), with /usr,
 * the program, /proc, /dev/null and a /tmp of its own. */
static void
build_root(const char *prog)
{
	static const char *const top[] = {"bin",   "sbin",  "lib",
	                                  "lib32", "lib64", "libx32"};
	char src[64], dst[64], link[256];
	struct stat st;
	ssize_t n;
	int prog_fd;

	/* no mount event leaks back to the host */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("making / private");
	/* opened in this mount namespace, before the tmpfs hides it */
	if ((prog_fd = open(prog, O_PATH | O_CLOEXEC)) < 0)
		die(prog);
	if (mount("tmpfs", ROOT, "tmpfs", MS_NOSUID | MS_NODEV,
	          "size=16m,mode=0755") < 0)
		die("the root tmpfs");
	if (mkdir(ROOT "/usr", 0755) < 0 || mkdir(ROOT "/prog", 0755) < 0 ||
	    mkdir(ROOT "/proc", 0555) < 0 || mkdir(ROOT "/dev", 0755) < 0 ||
	    mkdir(ROOT "/tmp", 01777) < 0)
		die("the root's directories");
	bind_ro("/usr", ROOT "/usr");
	for (size_t i = 0; i < sizeof top / sizeof top[0]; i++) {
		snprintf(src, sizeof src, "/%s", top[i]);
		snprintf(dst, sizeof dst, ROOT "/%s", top[i]);
		if (lstat(src, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			if ((n = readlink(src, link, sizeof link - 1)) < 0)
				die(src);
			link[n] = '\0';
			if (symlink(link, dst) < 0)
				die(dst);
		} else if (S_ISDIR(st.st_mode)) {
			if (mkdir(dst, 0755) < 0)
				die(dst);
			bind_ro(src, dst);
		}
	}
	if (close(open(ROOT "/prog/main", O_WRONLY | O_CREAT | O_CLOEXEC,
	               0755)) < 0)
		die("/prog/main");
	snprintf(src, sizeof src, "/proc/self/fd/%d", prog_fd);
	bind_ro(src, ROOT "/prog/main");
	close(prog_fd);
	if (close(open(ROOT "/dev/null", O_WRONLY | O_CREAT | O_CLOEXEC,
	               0666)) < 0)
		die("/dev/null");
	if (mount("/dev/null", ROOT "/dev/null", NULL, MS_BIND, NULL) < 0)
		die("/dev/null");
	if (mount("tmpfs", ROOT "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
	          "size=16m,mode=1777") < 0)
		die("/tmp");
	if (mount("proc", ROOT "/proc", "proc",
	          MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("/proc");
	/* the host's tree goes: nothing of it is reachable any more */
	if (chdir(ROOT) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die("detaching the host's tree");
	if (mount(NULL, "/", NULL,
	          MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
		die("the root read-only");
}

struct child_arg {
	int go; /* read end: the maps are written */
	const char *prog;
	const struct floor_cg *cg;
};

static int
child(void *p)
{
	const struct child_arg *a = p;
	char c;

	if (read(a->go, &c, 1) != 1)
		_exit(3);
	close(a->go);
	for (int i = 0; i < 3; i++)
		if (a->cg->join[i] >= 0 && write(a->cg->join[i], "0", 1) < 0)
			die("joining the cgroup");
	build_root(a->prog);
	if (sethostname("floor", 5) < 0)
		die("sethostname");
	seccomp_load();
	execl("/prog/main", "main", (char *)NULL);
	die("exec /prog/main");
	return 3;
}

static void
write_map(pid_t pid, const char *file, const char *line)
{
	char path[64];
	int fd;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 ||
	    write(fd, line, strlen(line)) < 0)
		die(path);
	close(fd);
}

int
main(int argc, char **argv)
{
	static char stack[256 * 1024] __attribute__((aligned(16)));
	struct floor_cg cg;
	struct child_arg a;
	char map[64];
	int go[2], status;
	long long cpu_us, peak;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: floor CGROUP PROG\n");
		return 2;
	}
	if ((a.prog = realpath(argv[2], NULL)) == NULL)
		die(argv[2]);
	cg_setup(&cg, argv[1]);
	if (pipe2(go, O_CLOEXEC) < 0)
		die("pipe");
	a.go = go[0];
	a.cg = &cg;
	pid = clone(child, stack + sizeof stack,
	            CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET |
	                CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD,
	            &a);
	if (pid < 0)
		die("clone");
	close(go[0]);
	snprintf(map, sizeof map, "0 %d 1\n", (int)getuid());
	write_map(pid, "uid_map", map);
	write_map(pid, "setgroups", "deny");
	snprintf(map, sizeof map, "0 %d 1\n", (int)getgid());
	write_map(pid, "gid_map", map);
	if (write(go[1], "g", 1) != 1)
		die("starting the child");
	close(go[1]);
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	cg_measure(&cg, &cpu_us, &peak);
	(void)cpu_us;
	(void)peak;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
