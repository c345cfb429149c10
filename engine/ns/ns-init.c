/* PID 1 inside the sandbox.
 *
 * The keeper (forge, outside) clones this process into new user, PID,
 * mount, IPC and UTS namespaces, writes its uid/gid maps, puts it into
 * the run's cgroup and says "go". The init then builds the sandbox's file
 * system (a helper meanwhile makes its network namespace), loads the seccomp
 * filter, forks the program and waits. When the program ends the init kills
 * whatever the program left behind, sends the keeper the exit status (and, for
 * a compile, the files to keep) and exits: the kernel then kills anything left
 * in the PID namespace.
 *
 * Every failure before the program's exec is reported as an error message
 * (the keeper turns it into verdict IE): the sandbox broke, not the program.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/ns/ns.h"

/* The new root is built on a tmpfs mounted over the host's /tmp inside
 * our private mount namespace; the host never sees it. */
#define NEWROOT "/tmp"

extern char **environ;

static int init_status_fd = -1;
/* forge's controlling terminal is still this process's: the program
 * leaves it with a session of its own (see init_drop_terminal) */
static bool init_ctty = true;

static FORGE_NORETURN FORGE_PRINTF(1, 2) void init_fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int e = errno;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	n = strlen(msg);
	if (e != 0 && n + 3 < sizeof msg)
		snprintf(msg + n, sizeof msg - n, ": %s", strerror(e));
	ns_proto_send(init_status_fd, NS_MSG_ERROR, msg, strlen(msg));
	_exit(127);
}

static void
init_write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd < 0 || util_write_all(fd, text, strlen(text)) < 0)
		init_fail("creating %s in the sandbox", path);
	close(fd);
}

/* Remounts a bind read-only, keeping the flags the kernel locked on it
 * (nosuid, nodev, noexec of the host mount cannot be cleared in a user
 * namespace, and asking to would fail). */
static void
init_remount_ro(const char *target)
{
	struct statvfs sv;
	unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;

	if (statvfs(target, &sv) < 0)
		init_fail("statvfs %s", target);
	if (sv.f_flag & ST_NOSUID)
		flags |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		flags |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		flags |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		flags |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		flags |= MS_RELATIME;
	if (mount(NULL, target, NULL, flags, NULL) < 0)
		init_fail("remounting %s read-only", target);
}

/* Creates the mount point for src (a directory or a file) at dst, with
 * its parents, inside the new root (a fresh tmpfs with no symlinks but
 * the ones we made). */
static bool
init_mountpoint(const char *src, const char *dst)
{
	struct stat st;
	char *p;

	if (stat(src, &st) < 0)
		return false;
	p = xstrdup(dst);
	*strrchr(p, '/') = '\0';
	if (*p != '\0' && util_mkdir_p(p, 0755) < 0)
		init_fail("creating %s", p);
	free(p);
	if (S_ISDIR(st.st_mode)) {
		if (mkdir(dst, 0755) < 0 && errno != EEXIST)
			init_fail("creating %s", dst);
	} else {
		int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			init_fail("creating %s", dst);
		close(fd);
	}
	return true;
}

/* Binds a host path read-only at the same path in the new root. */
static void
init_bind_ro(const char *src, const char *inside)
{
	char dst[4096];

	snprintf(dst, sizeof dst, NEWROOT "%s", inside);
	if (!init_mountpoint(src, dst))
		return; /* absent on this host: nothing to show */
	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		init_fail("binding %s", src);
	init_remount_ro(dst);
}

/* Is path already visible through one of the top-level binds? */
static bool
init_covered(const char *path)
{
	static const char *const tops[] = {"/usr/", "/bin/", "/sbin/", "/lib/",
	                                   "/lib64/"};
	size_t i;

	for (i = 0; i < sizeof tops / sizeof tops[0]; i++)
		if (strncmp(path, tops[i], strlen(tops[i])) == 0)
			return true;
	return false;
}

static void
init_tmpfs(const char *dst, uint64_t size, const char *mode)
{
	char opts[128];

	snprintf(opts, sizeof opts, "size=%llu,nr_inodes=16384,mode=%s",
	         (unsigned long long)size, mode);
	if (mkdir(dst, 0755) < 0 && errno != EEXIST)
		init_fail("creating %s", dst);
	/* nosuid, nodev: nothing written by the program gains privilege */
	if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		init_fail("mounting a tmpfs on %s", dst);
}

static void
init_dev(void)
{
	/* Only harmless devices; no /dev/mem, disks or ttys of the host. */
	static const char *const nodes[] = {"null", "zero", "full", "random",
	                                    "urandom"};
	static const char *const links[][2] = {{"/proc/self/fd", "fd"},
	                                       {"/proc/self/fd/0", "stdin"},
	                                       {"/proc/self/fd/1", "stdout"},
	                                       {"/proc/self/fd/2", "stderr"},
	                                       {"/tmp", "shm"}};
	char src[64], dst[128];
	size_t i;

	/* a directory of the root tmpfs, read-only with it; the nodes are
	 * binds of the host's, writable as theirs are */
	if (mkdir(NEWROOT "/dev", 0755) < 0)
		init_fail("creating /dev");
	for (i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
		int fd;

		snprintf(src, sizeof src, "/dev/%s", nodes[i]);
		snprintf(dst, sizeof dst, NEWROOT "/dev/%s", nodes[i]);
		fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			init_fail("creating %s", dst);
		close(fd);
		if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
			init_fail("binding %s", src);
	}
	for (i = 0; i < sizeof links / sizeof links[0]; i++) {
		snprintf(dst, sizeof dst, NEWROOT "/dev/%s", links[i][1]);
		if (symlink(links[i][0], dst) < 0)
			init_fail("creating %s", dst);
	}
}

static void
init_etc(void)
{
	char text[512];

	if (mkdir(NEWROOT "/etc", 0755) < 0 && errno != EEXIST)
		init_fail("creating /etc");
	/* A user database with only the sandbox's user: programs that ask
	 * who they are get an answer, and learn nothing of the host. */
	snprintf(text, sizeof text,
	         "root:x:0:0:root:/:/bin/false\n"
	         "forge:x:%d:%d:forge sandbox:" SANDBOX_WORK ":/bin/sh\n"
	         "nobody:x:65534:65534:nobody:/:/bin/false\n",
	         SANDBOX_UID, SANDBOX_GID);
	init_write_file(NEWROOT "/etc/passwd", text, 0644);
	snprintf(text, sizeof text,
	         "root:x:0:\nforge:x:%d:\nnogroup:x:65534:\n", SANDBOX_GID);
	init_write_file(NEWROOT "/etc/group", text, 0644);
	init_write_file(NEWROOT "/etc/hosts",
	                "127.0.0.1 localhost forge\n::1 localhost\n", 0644);
	init_write_file(NEWROOT "/etc/hostname", "forge\n", 0644);
	/* the dynamic loader's cache and the toolchain alternatives; no
	 * other host configuration (no shadow, no ssh, no secrets) */
	init_bind_ro("/etc/ld.so.cache", "/etc/ld.so.cache");
	init_bind_ro("/etc/alternatives", "/etc/alternatives");
	/* no /etc/localtime: programs see UTC, the same on every host */
}

/* What the build takes: bytes rounded to pages, files, the largest. */
struct init_prog_stat {
	uint64_t total, largest;
	unsigned files;
};

static void
init_prog_size(int prog_fd, struct init_prog_stat *ps)
{
	int dfd = openat(prog_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;

	memset(ps, 0, sizeof *ps);
	if (d == NULL)
		init_fail("reading the build");
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		if (e->d_name[0] != '.' &&
		    fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode)) {
			ps->total +=
			    ((uint64_t)st.st_size + 4095) / 4096 * 4096;
			ps->files++;
			if ((uint64_t)st.st_size > ps->largest)
				ps->largest = (uint64_t)st.st_size;
		}
	}
	closedir(d);
}

/* The build, copied into the sandbox's root (read-only with it). A bind
 * mount would be cheaper, but its source path (the user's home, forge's
 * cache) would show in /proc/self/mountinfo. */
static void
init_prog(int prog_fd, const struct init_prog_stat *huge)
{
	int dfd = openat(prog_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;
	int out;

	if (d == NULL)
		init_fail("reading the build");
	if (mkdir(NEWROOT SANDBOX_PROG, 0755) < 0)
		init_fail("creating " SANDBOX_PROG);
	if (huge != NULL) {
		char opts[128];
		uint64_t size =
		    ((uint64_t)huge->files + 1) * (2 << 20) +
		    (huge->total + (2 << 20) - 1) / (2 << 20) * (2 << 20);

		snprintf(opts, sizeof opts,
		         "size=%llu,nr_inodes=64,mode=0755,huge=always",
		         (unsigned long long)size);
		/* kernels without transparent huge pages: small pages */
		if (mount("tmpfs", NEWROOT SANDBOX_PROG, "tmpfs",
		          MS_NOSUID | MS_NODEV, opts) < 0) {
			*strstr(opts, ",huge=always") = '\0';
			if (mount("tmpfs", NEWROOT SANDBOX_PROG, "tmpfs",
			          MS_NOSUID | MS_NODEV, opts) < 0)
				init_fail("mounting " SANDBOX_PROG);
		}
	}
	out = open(NEWROOT SANDBOX_PROG, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (out < 0)
		init_fail("opening " SANDBOX_PROG);
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		int in, to;
		off_t off = 0;

		if (e->d_name[0] == '.')
			continue;
		in = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (in < 0 || fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
			if (in >= 0)
				close(in);
			continue;
		}
		to = openat(out, e->d_name,
		            O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		            st.st_mode & 0755);
		if (to < 0)
			init_fail("copying %s", e->d_name);
		while (off < st.st_size)
			if (sendfile(to, in, &off,
			             (size_t)(st.st_size - off)) <= 0)
				init_fail("copying %s", e->d_name);
		close(to);
		close(in);
	}
	closedir(d);
	close(out);
	/* its own mount: read-only by itself, not with the root */
	if (huge != NULL &&
	    mount(NULL, NEWROOT SANDBOX_PROG, NULL,
	          MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
	          NULL) < 0)
		init_fail("remounting " SANDBOX_PROG " read-only");
}

/* What each run gets afresh under root ("" once pivoted): a writable
 * /work and /tmp, a /proc of its PID namespace, the program's files. */
static void
init_run_mounts(const struct ns_init_args *a, const char *root)
{
	const struct box_spec *s = a->spec;
	char path[64];
	size_t i;

	/* Writable places: size-limited, private, gone with the run. */
	snprintf(path, sizeof path, "%s" SANDBOX_WORK, root);
	init_tmpfs(path, s->limits.fsize_bytes, "0755");
	snprintf(path, sizeof path, "%s/tmp", root);
	init_tmpfs(path, s->limits.fsize_bytes, "1777");

	/* A /proc of this PID namespace only: no host process is seen.
	 * In a kept root it covers the holder's bind of the host's /proc,
	 * which the kernel requires to be there ("fully visible") before a
	 * user namespace may mount a proc; nothing can uncover it. */
	snprintf(path, sizeof path, "%s/proc", root);
	if (mkdir(path, 0555) < 0 && errno != EEXIST)
		init_fail("creating /proc");
	if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	          NULL) < 0)
		init_fail("mounting /proc");

	/* The program's files, on its own fresh tmpfs: nothing there yet
	 * that could redirect a path. */
	snprintf(path, sizeof path, "%s" SANDBOX_WORK, root);
	for (i = 0; s->mkdirs != NULL && s->mkdirs[i] != NULL; i++) {
		char *p = util_path_join(path, s->mkdirs[i]);
		if (util_mkdir_p(p, 0755) < 0)
			init_fail("creating %s", p);
		free(p);
	}
	for (i = 0; i < s->ninputs; i++) {
		char *p = util_path_join(path, s->inputs[i].name);
		char *slash = strrchr(p, '/');
		int fd;

		*slash = '\0';
		if (util_mkdir_p(p, 0755) < 0)
			init_fail("creating %s", p);
		*slash = '/';
		fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0 ||
		    util_write_all(fd, s->inputs[i].data, s->inputs[i].len) < 0)
			init_fail("writing %s", p);
		close(fd);
		free(p);
	}
}

/* A helper for the two slow steps of the set-up, which the kernel does
 * while the init goes on: making the network namespace (its loopback,
 * its sysctls: as long as the rest of the root), and detaching the
 * host's tree after the pivot (an RCU grace period). It shares the
 * init's memory, descriptors and directories and makes only system
 * calls. It leaves a descriptor of the new network namespace in the
 * table they share, for the init to join; it is gone before the program
 * starts. */
struct init_helper {
	pid_t pid;
	int done[2]; /* the helper writes a byte after each step */
	int go[2];   /* the init says when the host's tree can go */
	int net_fd;  /* its network namespace, or -1 */
	int net_err; /* or why it has none */
	int umount_err;
	bool umount_asked;
};

static int
init_helper_main(void *arg)
{
	struct init_helper *h = arg;
	char c = 0;
	long fd = -1;

	if (syscall(SYS_unshare, CLONE_NEWNET) < 0 ||
	    (fd = syscall(SYS_openat, AT_FDCWD, "/proc/self/ns/net",
	                  O_RDONLY | O_CLOEXEC)) < 0)
		h->net_err = errno ? errno : EPERM;
	h->net_fd = (int)fd;
	if (syscall(SYS_write, h->done[1], &c, 1) != 1 ||
	    syscall(SYS_read, h->go[0], &c, 1) != 1)
		syscall(SYS_exit, 0);
	/* the old root sits on the new one, at the directory they share */
	if (syscall(SYS_umount2, ".", MNT_DETACH) < 0)
		h->umount_err = errno ? errno : EPERM;
	(void)!syscall(SYS_write, h->done[1], &c, 1);
	syscall(SYS_exit, 0);
	return 0;
}

static void
init_helper_start(struct init_helper *h)
{
	static char stack[16 * 1024] __attribute__((aligned(16)));

	memset(h, 0, sizeof *h);
	h->pid = h->net_fd = -1;
	if (pipe2(h->done, O_CLOEXEC) < 0)
		return;
	if (pipe2(h->go, O_CLOEXEC) < 0) {
		close(h->done[0]);
		close(h->done[1]);
		return;
	}
	/* no exit signal: the init's SIGCHLD is the program's alone */
	h->pid = clone(init_helper_main, stack + sizeof stack,
	               CLONE_VM | CLONE_FILES | CLONE_FS, h);
	if (h->pid < 0) {
		close(h->done[0]);
		close(h->done[1]);
		close(h->go[0]);
		close(h->go[1]);
	}
}

static bool
init_helper_wait(struct init_helper *h)
{
	char c;
	ssize_t n;

	do
		n = read(h->done[0], &c, 1);
	while (n < 0 && errno == EINTR);
	return n == 1;
}

/* Into the helper's network namespace, or one of the init's own. */
static void
init_helper_net(struct init_helper *h)
{
	if (h == NULL || h->pid < 0) {
		if (unshare(CLONE_NEWNET) < 0)
			init_fail("creating the network namespace");
		return;
	}
	if (!init_helper_wait(h) || h->net_fd < 0) {
		errno = h->net_err ? h->net_err : EIO;
		init_fail("creating the network namespace");
	}
	if (setns(h->net_fd, CLONE_NEWNET) < 0)
		init_fail("joining the network namespace");
	close(h->net_fd);
}

/* The host's tree goes (the init sits at the new root, with the old one
 * on it): by the helper while the init goes on, or here. */
static void
init_helper_umount(struct init_helper *h)
{
	char c = 'u';

	if (h != NULL && h->pid >= 0 && write(h->go[1], &c, 1) == 1) {
		h->umount_asked = true;
		return;
	}
	if (umount2(".", MNT_DETACH) < 0)
		init_fail("detaching the host's root");
}

/* The helper's end, before the program starts: the host's tree is gone. */
static void
init_helper_end(struct init_helper *h)
{
	bool done;

	if (h == NULL || h->pid < 0)
		return;
	done = !h->umount_asked || init_helper_wait(h);
	close(h->go[1]); /* a helper still waiting is told to go */
	while (waitpid(h->pid, NULL, __WALL) < 0 && errno == EINTR)
		;
	close(h->done[0]);
	close(h->done[1]);
	close(h->go[0]);
	h->pid = -1;
	if (!done || h->umount_err != 0) {
		errno = h->umount_err ? h->umount_err : EIO;
		init_fail("detaching the host's root");
	}
}

/* The sandbox's root. For one run (kept == false) with all of the run's
 * own mounts; for a kept root (a holder's, reused by many runs of one
 * build) without them: each run adds its own in its own namespaces. */
static void
init_mounts(const struct ns_init_args *a, int prog_fd, bool kept,
            struct init_helper *h)
{
	static const char *const tops[] = {"bin",   "sbin",  "lib",
	                                   "lib32", "lib64", "libx32"};
	const struct box_spec *s = a->spec;
	char path[64], target[4096];
	struct init_prog_stat ps;
	bool huge;
	size_t i;

	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		init_fail("making mounts private");
	if (prog_fd >= 0)
		init_prog_size(prog_fd, &ps);
	/* A build of a few big files (a static binary) gets a tmpfs of its
	 * own, on huge pages: copying it there takes a quarter of the time
	 * it takes in small pages. Each file takes at least one 2 MB page,
	 * hence not for builds of many small files, nor where the program
	 * would be charged for them (an init in its cgroup from the start,
	 * rlimits that see the mapped binary as the program's memory). */
	huge = a->huge_prog && prog_fd >= 0 && ps.largest >= (256 << 10) &&
	       ps.files <= 4;
	/* the skeleton, /etc's few files, /dev's nodes, and the build */
	snprintf(target, sizeof target, "size=%llu,nr_inodes=4096,mode=0755",
	         (unsigned long long)((1 << 20) +
	                              (prog_fd >= 0 && !huge ? ps.total : 0)));
	if (mount("tmpfs", NEWROOT, "tmpfs", MS_NOSUID | MS_NODEV, target) < 0)
		init_fail("mounting the sandbox root");

	/* The toolchains: /usr read-only, and the merged-/usr links. */
	init_bind_ro("/usr", "/usr");
	for (i = 0; i < sizeof tops / sizeof tops[0]; i++) {
		struct stat st;
		ssize_t n;

		snprintf(path, sizeof path, "/%s", tops[i]);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			n = readlink(path, target, sizeof target - 1);
			if (n < 0)
				init_fail("readlink %s", path);
			target[n] = '\0';
			snprintf(path, sizeof path, NEWROOT "/%s", tops[i]);
			if (symlink(target, path) < 0)
				init_fail("symlink %s", path);
		} else if (S_ISDIR(st.st_mode))
			init_bind_ro(path, path);
	}
	init_etc();
	for (i = 0; s->ro_paths != NULL && s->ro_paths[i] != NULL; i++)
		if (s->ro_paths[i][0] == '/' && !init_covered(s->ro_paths[i]))
			init_bind_ro(s->ro_paths[i], s->ro_paths[i]);

	/* The build, read-only, through the descriptor opened before the
	 * identity change (forge's cache may sit in a private home). */
	if (prog_fd >= 0)
		init_prog(prog_fd, huge ? &ps : NULL);

	init_dev();
	if (!kept)
		init_run_mounts(a, NEWROOT);
	else {
		/* mount points for the runs' own, and the host's /proc
		 * that lets them mount theirs (see init_run_mounts) */
		if (mkdir(NEWROOT SANDBOX_WORK, 0755) < 0 ||
		    mkdir(NEWROOT "/tmp", 0755) < 0 ||
		    mkdir(NEWROOT "/proc", 0555) < 0)
			init_fail("creating the mount points");
		if (mount("/proc", NEWROOT "/proc", NULL, MS_BIND | MS_REC,
		          NULL) < 0)
			init_fail("binding /proc");
	}

	/* The skeleton itself read-only: only /work and /tmp are writable */
	if (mount(NULL, NEWROOT, NULL,
	          MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
	          NULL) < 0)
		init_fail("remounting / read-only");

	/* Switch roots and drop the host's tree from view entirely: the
	 * helper detaches it, and it is gone before the program starts. */
	if (chdir(NEWROOT) < 0)
		init_fail("chdir to the new root");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		init_fail("pivot_root");
	init_helper_umount(h);
}

/* In the network namespace: loopback up when --net, else nothing at all. */
static void
init_loopback(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		init_fail("socket for loopback");
	memset(&ifr, 0, sizeof ifr);
	strlcpy0(ifr.ifr_name, "lo", sizeof ifr.ifr_name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		init_fail("reading loopback flags");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		init_fail("bringing loopback up");
	close(fd);
}

static void
init_rlimit(int res, uint64_t soft, uint64_t hard)
{
	struct rlimit rl = {.rlim_cur = soft, .rlim_max = hard};

	setrlimit(res, &rl);
}

/* The program's side of the fork: limits, identity, no privileges. */
static FORGE_NORETURN void
init_exec_program(const struct ns_init_args *a, int exec_fd)
{
	const struct box_spec *s = a->spec;
	const struct limits *l = &s->limits;
	uint64_t cpu_s = (l->cpu_ms + 999) / 1000;
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2] = {{0}};
	int e, cap;
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* No signals to or from a terminal of the host: the init has
	 * left forge's (init_drop_terminal), and the program gets a
	 * process group of its own. A session of its own only where it
	 * is needed: to take the workbench's terminal, or to leave a
	 * host terminal the init could not drop. setsid() makes the
	 * kernel create a scheduler autogroup, 1.5 ms on a loaded host. */
	if (s->tty_fd >= 0 || init_ctty) {
		setsid();
		if (s->tty_fd >= 0)
			ioctl(a->stdout_fd, TIOCSCTTY, 0);
	} else
		setpgid(0, 0);
	if (dup2(a->stdin_fd, 0) < 0 || dup2(a->stdout_fd, 1) < 0 ||
	    dup2(a->stderr_fd, 2) < 0 || dup2(exec_fd, 3) < 0)
		goto fail;
	/* no descriptor of forge's reaches the program */
	if (syscall(SYS_close_range, 4, ~0U, 0) < 0) {
		int fd;
		for (fd = 4; fd < 1024; fd++)
			close(fd);
	}
	util_set_cloexec(3, true);

	/* Per-process backstops; the cgroup binds the run as a whole. */
	init_rlimit(RLIMIT_CORE, 0, 0);
	init_rlimit(RLIMIT_FSIZE, l->fsize_bytes, l->fsize_bytes);
	/* well above the limit: the keeper's count ends the run at the
	 * limit (TLE); the kernel's tick-based count RLIMIT_CPU acts on
	 * may run a tenth or more ahead of it, and its SIGXCPU would look
	 * like one the program sent itself */
	init_rlimit(RLIMIT_CPU, cpu_s + 1 + cpu_s / 2, cpu_s + 2 + cpu_s / 2);
	/* deep recursion may use all the memory there is; under rlimits an
	 * unlimited stack keeps threads at glibc's default stack size */
	if (a->rlimit_mem)
		init_rlimit(RLIMIT_STACK, RLIM_INFINITY, RLIM_INFINITY);
	else
		init_rlimit(RLIMIT_STACK, l->mem_bytes, l->mem_bytes);
	init_rlimit(RLIMIT_NOFILE, 1024, 1024);
	/* what no cgroup binds (none at all, or a controller the systemd
	 * user manager did not delegate) is held per process */
	if (a->rlimit_mem)
		init_rlimit(RLIMIT_DATA, l->mem_bytes, l->mem_bytes);
	if (a->rlimit_pids)
		init_rlimit(RLIMIT_NPROC, l->pids, l->pids);
	if (chdir(SANDBOX_WORK) < 0)
		goto fail;

	/* No capability survives: bounding set emptied, securebits locked
	 * so that uid 0 inside could never regain any, then all cleared. */
	for (cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno == EINVAL)
			break;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	prctl(PR_SET_SECUREBITS,
	      SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
	          SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED,
	      0, 0, 0);
	if (syscall(SYS_capset, &hdr, data) < 0)
		goto fail;
	/* setuid binaries and file capabilities grant nothing */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		goto fail;

	environ = s->envp;
	execvp(s->argv[0], s->argv);
fail:
	e = errno;
	(void)!write(3, &e, sizeof e);
	_exit(127);
}

static void
init_send_file(const struct ns_init_args *a, int dfd, const char *dir,
               const char *name)
{
	struct stat st;
	struct buf data, msg;
	uint32_t hdr[2];
	char full[600];
	int fd;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	snprintf(full, sizeof full, "%s%s%s", dir, *dir ? "/" : "", name);
	buf_init(&data, 0);
	if (util_read_fd(fd, &data, a->spec->limits.fsize_bytes) == 0) {
		hdr[0] = st.st_mode & 0777;
		hdr[1] = (uint32_t)strlen(full);
		buf_init(&msg, 0);
		buf_add(&msg, hdr, sizeof hdr);
		buf_add(&msg, full, hdr[1]);
		ns_proto_send2(a->status_fd, NS_MSG_FILE, msg.data, msg.len,
		               data.data, data.len);
		buf_free(&msg);
	}
	buf_free(&data);
	close(fd);
}

struct init_child {
	const struct ns_init_args *a;
	int exec_fd;
};

/* The program's child of init runs on init's static stack below (CLONE_VM
 * | CLONE_VFORK), which AddressSanitizer does not know as a stack: in an
 * ASan build, its handling of the noreturn call to init_exec_program
 * would warn, on the program's own stderr, on every run. Nothing here
 * touches memory that ASan could check, so this one function is left
 * uninstrumented (an ASan build only). */
#if defined(__SANITIZE_ADDRESS__)
#define INIT_CHILD_NO_ASAN __attribute__((no_sanitize_address))
#else
#define INIT_CHILD_NO_ASAN
#endif

INIT_CHILD_NO_ASAN static int
init_child_main(void *arg)
{
	struct init_child *c = arg;

	init_exec_program(c->a, c->exec_fd);
}

/* Sends the keeper the files asked for (a compile's program, a checker's
 * feedback), read inside the sandbox: a symlink planted here can only
 * point inside the sandbox, and only regular files are sent. */
static void
init_collect(const struct ns_init_args *a)
{
	char **pat;

	for (pat = a->spec->collect; *pat != NULL; pat++) {
		char dir[256] = "", path[300];
		const char *glob = strrchr(*pat, '/');
		struct dirent *e;
		DIR *d;

		if (glob != NULL) {
			snprintf(dir, sizeof dir, "%.*s", (int)(glob - *pat),
			         *pat);
			glob++;
		} else
			glob = *pat;
		snprintf(path, sizeof path, SANDBOX_WORK "/%s", dir);
		d = opendir(path);
		if (d == NULL)
			continue;
		while ((e = readdir(d)) != NULL)
			if (fnmatch(glob, e->d_name, FNM_PERIOD) == 0 &&
			    cache_name_ok(e->d_name))
				init_send_file(a, dirfd(d), dir, e->d_name);
		closedir(d);
	}
}

/* Is a regular file under dfd (depth levels down, at most *budget
 * entries looked at) at least limit bytes long? */
static bool
init_file_at_limit(int dfd, uint64_t limit, int depth, int *budget)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	bool found = false;

	if (d == NULL) {
		close(dfd);
		return false;
	}
	while (!found && --*budget > 0 && (e = readdir(d)) != NULL) {
		struct stat st;
		int sub;

		if (strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0 ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISREG(st.st_mode))
			found = (uint64_t)st.st_size >= limit;
		else if (S_ISDIR(st.st_mode) && depth > 0 &&
		         (sub = openat(dirfd(d), e->d_name,
		                       O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		                           O_CLOEXEC)) >= 0)
			found =
			    init_file_at_limit(sub, limit, depth - 1, budget);
	}
	closedir(d);
	return found;
}

/* The program died of SIGXFSZ: did a file it wrote reach the file size
 * limit (the kernel's doing), or did it send the signal itself? Only
 * /work and /tmp are writable; a file removed before the end does not
 * count. */
static bool
init_fsize_reached(uint64_t limit)
{
	static const char *const dirs[] = {SANDBOX_WORK, "/tmp"};
	int budget = 100000;
	size_t i;

	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		int fd = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd >= 0 && init_file_at_limit(fd, limit, 16, &budget))
			return true;
	}
	return false;
}

/* Does the network namespace hold a socket? Without --net, runs share
 * their holder's, with the loopback down: no connection can be made
 * there, and every socket closes with its process, except those sent
 * over a unix socket that is itself in flight, which stay until the
 * kernel collects them. Such a carrier is a unix socket, listed in
 * /proc/net/unix (a run's /proc/net shows its network namespace, and
 * the kernel keeps unix sockets per namespace: reading it is cheap,
 * unlike /proc/net/tcp, which walks the host's whole table). */
static bool
init_net_busy(void)
{
	char buf[4096], *nl;
	int fd = open("/proc/net/unix", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return true;
	n = util_read_all(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return true;
	buf[n] = '\0';
	/* a header line, then one line per socket */
	nl = strchr(buf, '\n');
	return nl == NULL || nl[1] != '\0';
}

/* How long the init waits, at most, for the kernel to collect what the
 * run left in flight. */
#define INIT_INFLIGHT_WAIT_US 3000000

/* Every process of the run is gone, but descriptors it sent over a unix
 * socket that holds itself ("in flight", never received) live on until
 * the kernel's unix garbage collector frees them: memory charged to the
 * run's cgroup (a memfd), locks (flock, OFD) on files the next run or
 * the host can open. The run is not over until they are gone. They sit
 * in unix sockets of this network namespace, listed in /proc/net/unix
 * until freed; closing a unix socket asks the kernel to collect. True
 * when all is collected, false if some is still there after the wait. */
static bool
init_collect_inflight(void)
{
	uint64_t t0 = util_now_us();
	useconds_t nap = 200;

	while (init_net_busy()) {
		int sv[2];

		if (util_now_us() - t0 > INIT_INFLIGHT_WAIT_US)
			return false;
		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) ==
		    0) {
			close(sv[0]);
			close(sv[1]);
		}
		usleep(nap);
		if (nap < 20000)
			nap *= 2;
	}
	return true;
}

/* Waits for the program; reaps everything else; answers forbidden
 * system calls by ending the run. */
static void
init_supervise(const struct ns_init_args *a, pid_t prog, int sfd, int notify_fd,
               uint64_t t0)
{
	struct ns_msg_exit ex = {0};
	struct rusage ru;
	char left;

	for (;;) {
		struct pollfd p[2] = {{sfd, POLLIN, 0}, {notify_fd, POLLIN, 0}};
		int n = poll(p, notify_fd >= 0 ? 2 : 1, -1);
		pid_t w;
		int st;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			init_fail("poll");
		if (notify_fd >= 0 && (p[1].revents & POLLIN)) {
			struct seccomp_notif *req;
			struct seccomp_notif_resp *resp;
			char name[48];

			if (seccomp_notify_alloc(&req, &resp) == 0 &&
			    seccomp_notify_receive(notify_fd, req) == 0) {
				ns_seccomp_syscall_name(req->data.nr,
				                        req->data.arch, name,
				                        sizeof name);
				ns_proto_send(a->status_fd, NS_MSG_SYSCALL,
				              name, strlen(name));
				kill(-1, SIGKILL);
			}
		}
		if (p[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			(void)!read(sfd, &si, sizeof si);
		}
		while ((w = waitpid(-1, &st, WNOHANG | __WALL)) > 0) {
			if (w == prog) {
				ex.status = st;
				goto done;
			}
		}
	}
done:
	ex.maxrss_kb = 0;
	/* whatever the program left behind (daemons, stray children) */
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
	if (WIFSIGNALED(ex.status) && WTERMSIG(ex.status) == SIGXFSZ)
		ex.fsize_reached =
		    init_fsize_reached(a->spec->limits.fsize_bytes);
	if (getrusage(RUSAGE_CHILDREN, &ru) == 0) {
		ex.cpu_us = (uint64_t)ru.ru_utime.tv_sec * 1000000 +
		            (uint64_t)ru.ru_utime.tv_usec +
		            (uint64_t)ru.ru_stime.tv_sec * 1000000 +
		            (uint64_t)ru.ru_stime.tv_usec;
		ex.maxrss_kb = (uint64_t)ru.ru_maxrss;
	}
	uint64_t wall = util_now_us() - t0;
	ns_proto_send2(a->status_fd, NS_MSG_EXIT, &ex, sizeof ex, &wall,
	               sizeof wall);
	/* whatever the exit status: a validator's feedback comes with its
	 * verdict (exit 42 or 43); a failed compile's files are ignored */
	if (a->spec->collect != NULL && WIFEXITED(ex.status))
		init_collect(a);
	/* the run has ended for its measurements (the keeper has the exit
	 * report): what it left in flight is collected before it is over */
	left = !init_collect_inflight();
	ns_proto_send(a->status_fd, NS_MSG_DONE, &left, 1);
}

/* This process is a copy of forge: its command line and environment in
 * /proc/1 would tell the program forge's paths and settings. */
static void
init_hide_cmdline(void)
{
	char stat[2048], *p;
	unsigned long v[4];
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC), i;
	ssize_t n;

	if (fd < 0)
		return;
	n = read(fd, stat, sizeof stat - 1);
	close(fd);
	if (n <= 0)
		return;
	stat[n] = '\0';
	/* fields 48-51: arg_start arg_end env_start env_end */
	p = strrchr(stat, ')');
	for (i = 2; p != NULL && i < 48; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL ||
	    sscanf(p, " %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3]) != 4 ||
	    v[1] <= v[0] || v[3] < v[2])
		return;
	memset((void *)v[0], 0, v[1] - v[0]);
	memcpy((void *)v[0], "forge-init", v[1] - v[0] > 11 ? 11 : v[1] - v[0]);
	memset((void *)v[2], 0, v[3] - v[2]);
}

/* forge's controlling terminal (the user's, when forge runs in one) is
 * inherited by the init: it is dropped here, while the host's /dev is
 * still there to name it, so that no process of the run has it. Without
 * one (scripts, judges, servers) there is nothing to drop. */
static void
init_drop_terminal(void)
{
	/* O_NONBLOCK: the open of a serial line would wait for carrier */
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		/* ENXIO: no controlling terminal */
		init_ctty = errno != ENXIO;
		return;
	}
	init_ctty = ioctl(fd, TIOCNOTTY) < 0;
	close(fd);
}

/* Waits for the keeper's go-ahead (maps and cgroup written). */
static void
init_wait_go(int fd)
{
	char go;
	ssize_t n;

	do
		n = read(fd, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(127); /* the keeper is gone */
}

/* A keeper that died before PR_SET_PDEATHSIG took hold closed fd. Only
 * a hang-up counts: the keeper may already have written more. */
static void
init_check_keeper(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};

	if (poll(&p, 1, 0) > 0 && (p.revents & POLLHUP))
		_exit(127);
}

/* The sandbox's identity, before anything is created on its file
 * systems: files in them belong to the sandbox user. */
static void
init_identity(const struct ns_init_args *a)
{
	if (a->map_root_groups && setgroups(0, NULL) < 0)
		init_fail("setgroups");
	if (setresgid(SANDBOX_GID, SANDBOX_GID, SANDBOX_GID) < 0)
		init_fail("setresgid");
	if (setresuid(SANDBOX_UID, SANDBOX_UID, SANDBOX_UID) < 0)
		init_fail("setresuid");
}

/* The build directory, opened with forge's own identity. Its path is
 * forge's cache, which no sandboxed program can write to. */
static int
init_open_prog(const struct box_spec *s)
{
	int fd;

	if (s->prog_dir == NULL)
		return -1;
	fd = open(s->prog_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		init_fail("opening the build %s", s->prog_dir);
	return fd;
}

/* Receives a message of exactly len bytes with its descriptors (at
 * most max). Returns how many came, or -1 (the keeper is gone, or sent
 * something else). */
static int
init_recv_fds(int sock, void *msg, size_t len, int *fds, int max)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * NS_HOLDER_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec iov = {msg, len};
	struct msghdr m = {0};
	struct cmsghdr *c;
	ssize_t n;
	int nfds = 0;

	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = u.buf;
	m.msg_controllen = sizeof u.buf;
	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (c = CMSG_FIRSTHDR(&m); n > 0 && c != NULL; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int i, got = (int)((c->cmsg_len - CMSG_LEN(0)) /
			                   sizeof(int));

			for (i = 0; i < got; i++)
				if (nfds < max)
					memcpy(&fds[nfds++],
					       CMSG_DATA(c) + i * sizeof(int),
					       sizeof(int));
				else {
					int extra;
					memcpy(&extra,
					       CMSG_DATA(c) + i * sizeof(int),
					       sizeof(int));
					close(extra);
				}
		}
	if (n != (ssize_t)len || (m.msg_flags & MSG_CTRUNC)) {
		while (nfds > 0)
			close(fds[--nfds]);
		return -1;
	}
	return nfds;
}

/* The root is ready: the namespaces' last touches, the filter, the
 * program, and its supervision to the end. */
static FORGE_NORETURN void
init_finish(const struct ns_init_args *a, struct init_helper *h)
{
	const struct box_spec *s = a->spec;
	int exec_pipe[2], notify_fd = -1, sfd, err = 0;
	sigset_t chld;
	pid_t prog;
	uint64_t t0;
	ssize_t n;

	if (sethostname("forge", 5) < 0)
		init_fail("sethostname");
	if (s->limits.net)
		init_loopback();

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		init_fail("signalfd");
	if (pipe2(exec_pipe, O_CLOEXEC) < 0)
		init_fail("pipe");
	/* Into the run's cgroups (v1) before the program is forked: it
	 * and all it starts are counted and limited together. The
	 * sandbox's own set-up (its file systems, the copy of the build)
	 * is not the program's and was charged to forge. */
	if (a->cg_later) {
		/* made by the keeper meanwhile; it sends its tasks files */
		int tasks[3], got, i;
		char c;

		got = init_recv_fds(a->sync_fd, &c, 1, tasks, 3);
		if (got < 0)
			_exit(127); /* the keeper is gone, or gave up */
		if (got != 3 || c != 'c' || ns_cgroup_join(tasks, got) < 0)
			init_fail("joining the run's cgroup");
		for (i = 0; i < got; i++)
			close(tasks[i]);
	} else if (ns_cgroup_join(a->cg_tasks, a->ncg_tasks) < 0)
		init_fail("joining the run's cgroup");
	/* cgroup namespace, made once the init sits in the run's cgroups
	 * (v1: joined just now): the program sees its cgroup as the root,
	 * and no host cgroup path (with forge's host pid in it) */
	if (unshare(CLONE_NEWCGROUP) < 0)
		init_fail("unshare(CLONE_NEWCGROUP)");
	/* From here every process of the run, init included, is filtered. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		init_fail("no_new_privs");
	if (ns_seccomp_load(a->filter, &notify_fd) < 0)
		init_fail("loading the seccomp filter");

	init_helper_end(h);
	if (chdir("/") < 0)
		init_fail("chdir /");
	t0 = util_now_us();
	/* vfork-like: the child borrows this memory until it execs, so no
	 * page table is copied; it only makes system calls before exec */
	{
		static char stack[128 * 1024] __attribute__((aligned(16)));
		struct init_child c = {a, exec_pipe[1]};

		prog = clone(init_child_main, stack + sizeof stack,
		             CLONE_VM | CLONE_VFORK | SIGCHLD, &c);
	}
	if (prog < 0)
		init_fail("starting the program");
	close(exec_pipe[1]);
	/* only the program holds its stdio: EOF means it and its children
	 * closed them */
	close(a->stdin_fd);
	close(a->stdout_fd);
	if (a->stderr_fd != a->stdout_fd)
		close(a->stderr_fd);
	do
		n = read(exec_pipe[0], &err, sizeof err);
	while (n < 0 && errno == EINTR);
	close(exec_pipe[0]);
	if (n == sizeof err) {
		errno = err;
		init_fail("cannot execute '%s'", s->argv[0]);
	}
	ns_proto_send(a->status_fd, NS_MSG_STARTED, NULL, 0);
	init_supervise(a, prog, sfd, notify_fd, t0);
	_exit(0);
}

void
ns_init_main(const struct ns_init_args *a)
{
	struct init_helper helper;
	int prog_fd;

	init_status_fd = a->status_fd;
	init_hide_cmdline();
	init_helper_start(&helper);
	init_wait_go(a->sync_fd);
	init_drop_terminal();
	prog_fd = init_open_prog(a->spec);
	init_identity(a);
	/* The run dies with forge (set after the uid change, which would
	 * clear it); a keeper that died meanwhile closed the sync pipe. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	init_check_keeper(a->sync_fd);

	init_mounts(a, prog_fd, false, &helper);
	if (prog_fd >= 0)
		close(prog_fd);
	init_helper_net(&helper);
	init_finish(a, &helper);
}

/* One run's init in a holder's root: the namespaces are new (the
 * holder cloned it into them), the root is the holder's; the run adds
 * its own /work, /tmp and /proc. */
static FORGE_NORETURN void
init_holder_run(const struct ns_init_args *a)
{
	init_status_fd = a->status_fd;
	/* dies with the holder, which dies with forge */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	init_wait_go(a->sync_fd);
	init_check_keeper(a->sync_fd);
	init_run_mounts(a, "");
	if (chdir("/") < 0)
		init_fail("chdir /");
	/* an earlier run's socket still there: this run gets a network
	 * namespace of its own */
	if (!a->spec->limits.net && init_net_busy() &&
	    unshare(CLONE_NEWNET) < 0)
		init_fail("unshare(CLONE_NEWNET)");
	init_finish(a, NULL);
}

/* A holder: the root of one build, made once and kept for many runs of
 * it (a judge's tests), so that each run skips the binds, the copy of
 * the build and the pivot. It lives in its own user and mount
 * namespaces but in no run's PID namespace: no program can see, signal
 * or trace it. For each run it clones an init into fresh PID, mount,
 * network, IPC and UTS namespaces: runs share no process, IPC object,
 * socket or file. */
void
ns_init_holder(const struct ns_init_args *a, int sock, bool went)
{
	int prog_fd, null;

	/* nothing of forge's but the line to the keeper: not even its
	 * stdio, which someone may be reading until it closes */
	if (dup2(sock, 3) < 0)
		_exit(127);
	sock = 3;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(null, 2) < 0)
		_exit(127);
	if (syscall(SYS_close_range, 4, ~0U, 0) < 0) {
		int fd;
		for (fd = 4; fd < 1024; fd++)
			close(fd);
	}
	init_status_fd = sock;
	init_hide_cmdline();
	if (!went)
		init_wait_go(sock);
	init_drop_terminal();
	prog_fd = init_open_prog(a->spec);
	init_identity(a);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	init_check_keeper(sock);
	init_mounts(a, prog_fd, true, NULL);
	if (chdir("/") < 0)
		init_fail("chdir /");
	if (prog_fd >= 0)
		close(prog_fd);
	if (write(sock, "r", 1) != 1)
		_exit(127);

	for (;;) {
		struct ns_holder_req req;
		struct ns_holder_reply rep = {0, 0};
		struct ns_init_args r = *a;
		int fds[NS_HOLDER_FDS], nfds, i, st;
		bool attached = false;
		pid_t pid = -1;

		nfds =
		    init_recv_fds(sock, &req, sizeof req, fds, NS_HOLDER_FDS);
		if (nfds < 0)
			_exit(0); /* the keeper is done with us */
		if (nfds < 5 || req.ncg < 0 || req.ncg > 3 ||
		    nfds != 5 + req.ncg) {
			rep.pid = -EINVAL;
		} else {
			r.sync_fd = fds[0];
			r.status_fd = fds[1];
			r.stdin_fd = fds[2];
			r.stdout_fd = fds[3];
			r.stderr_fd = fds[4];
			r.ncg_tasks = req.cg_v2 ? 0 : req.ncg;
			for (i = 0; i < r.ncg_tasks; i++)
				r.cg_tasks[i] = fds[5 + i];
			pid = ns_clone(
			    CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC |
			        CLONE_NEWUTS |
			        (a->spec->limits.net ? CLONE_NEWNET : 0),
			    req.cg_v2 && req.ncg == 1 ? fds[5] : -1, &attached);
			if (pid == 0) {
				close(sock);
				init_holder_run(&r);
			}
			rep.pid = pid < 0 ? -errno : pid;
			rep.attached = attached;
		}
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		if (send(sock, &rep, sizeof rep, MSG_NOSIGNAL) < 0)
			_exit(127);
		if (pid <= 0)
			continue;
		while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR)
			;
		rep.attached = st;
		if (send(sock, &rep, sizeof rep, MSG_NOSIGNAL) < 0)
			_exit(127);
	}
}
