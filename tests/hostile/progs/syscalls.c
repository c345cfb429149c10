/* Forbidden system calls, one per run: the attempt named on stdin is made
 * with the raw system call, so no libc wrapper can change it. A call the
 * sandbox fails to stop returns, and the program then says so and exits 0
 * (verdict OK): the test expects SV and the call's name instead. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

static void *
mount_thread(void *arg)
{
	(void)arg;
	return (void *)syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, "");
}

static long
attempt(const char *what)
{
	if (strcmp(what, "getpid") == 0) /* the control: allowed */
		return syscall(SYS_getpid);
	if (strcmp(what, "ptrace-traceme") == 0)
		return syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
	if (strcmp(what, "ptrace-attach-init") == 0)
		return syscall(SYS_ptrace, PTRACE_ATTACH, 1, 0, 0);
	if (strcmp(what, "mount") == 0)
		return syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, "");
	if (strcmp(what, "umount2") == 0)
		return syscall(SYS_umount2, "/proc", MNT_DETACH);
	if (strcmp(what, "unshare-user") == 0)
		return syscall(SYS_unshare, CLONE_NEWUSER);
	if (strcmp(what, "setns") == 0) {
		int fd = open("/proc/self/ns/net", O_RDONLY);
		return syscall(SYS_setns, fd, 0);
	}
	if (strcmp(what, "clone-newuser") == 0) {
		long r =
		    syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
		if (r == 0)
			_exit(0);
		return r;
	}
	if (strcmp(what, "keyctl") == 0) /* KEYCTL_GET_KEYRING_ID, session */
		return syscall(SYS_keyctl, 0, -3, 0, 0, 0);
	if (strcmp(what, "add_key") == 0)
		return syscall(SYS_add_key, "user", "forge", "x", 1, -3);
	if (strcmp(what, "request_key") == 0)
		return syscall(SYS_request_key, "user", "forge", NULL, 0);
	if (strcmp(what, "bpf") == 0) {
		union bpf_attr a;
		memset(&a, 0, sizeof a);
		a.map_type = BPF_MAP_TYPE_ARRAY;
		a.key_size = 4;
		a.value_size = 4;
		a.max_entries = 1;
		return syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof a);
	}
	if (strcmp(what, "perf_event_open") == 0) {
		struct perf_event_attr a;
		memset(&a, 0, sizeof a);
		a.size = sizeof a;
		a.type = PERF_TYPE_SOFTWARE;
		a.config = PERF_COUNT_SW_CPU_CLOCK;
		return syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	}
	if (strcmp(what, "process_vm_readv") == 0) {
		char buf[8];
		struct iovec l = {buf, sizeof buf}, r = {buf, sizeof buf};
		return syscall(SYS_process_vm_readv, 1, &l, 1, &r, 1, 0);
	}
	if (strcmp(what, "tiocsti") == 0) {
		char c = 'x';
		return syscall(SYS_ioctl, 0, TIOCSTI, &c);
	}
	/* the same request with high bits set (the kernel reads 32 bits) */
	if (strcmp(what, "tiocsti-high") == 0) {
		char c = 'x';
		return syscall(SYS_ioctl, 0, (1UL << 32) | TIOCSTI, &c);
	}
	if (strcmp(what, "open_by_handle_at") == 0) {
		char h[128] = {0};
		return syscall(SYS_open_by_handle_at, AT_FDCWD, h, O_RDONLY);
	}
	if (strcmp(what, "userfaultfd") == 0)
		return syscall(SYS_userfaultfd, 0);
	if (strcmp(what, "syslog") == 0) {
		char buf[64];
		return syscall(SYS_syslog, 3, buf, sizeof buf);
	}
	if (strcmp(what, "init_module") == 0)
		return syscall(SYS_init_module, "", 0, "");
	if (strcmp(what, "kexec_load") == 0)
		return syscall(SYS_kexec_load, 0, 0, NULL, 0);
	if (strcmp(what, "reboot") == 0) /* a harmless command: CAD off */
		return syscall(SYS_reboot, 0xfee1dead, 672274793, 0, NULL);
	if (strcmp(what, "swapon") == 0)
		return syscall(SYS_swapon, "/work/swap", 0);
	if (strcmp(what, "chroot") == 0)
		return syscall(SYS_chroot, "/tmp");
	if (strcmp(what, "pivot_root") == 0)
		return syscall(SYS_pivot_root, "/tmp", "/tmp");
	/* the same mount through the x32 ABI's numbering (bit 30 set) */
	if (strcmp(what, "x32-mount") == 0)
		return syscall(__X32_SYSCALL_BIT | SYS_mount, "none", "/tmp",
		               "tmpfs", 0, "");
	/* the i386 ABI through int 0x80 (mount is 21 there) */
	if (strcmp(what, "int80-mount") == 0) {
		long r;
		__asm__ volatile("int $0x80"
		                 : "=a"(r)
		                 : "a"(21), "b"(0), "c"(0), "d"(0), "S"(0),
		                   "D"(0)
		                 : "memory");
		return r;
	}
	/* from a second thread while the first one waits */
	if (strcmp(what, "thread-mount") == 0) {
		pthread_t t;
		pthread_attr_t a;
		void *ret;
		/* a small stack of its own: the default is sized from
		 * RLIMIT_STACK, which the sandbox sets to the memory limit */
		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 1 << 20);
		errno = pthread_create(&t, &a, mount_thread, NULL);
		if (errno != 0)
			return -1;
		pthread_join(t, &ret);
		return (long)ret;
	}
	/* these must look absent (ENOSYS), not end the run */
	if (strcmp(what, "clone3") == 0)
		return syscall(SYS_clone3, NULL, 0);
	if (strcmp(what, "io_uring_setup") == 0)
		return syscall(SYS_io_uring_setup, 1, NULL);
	fprintf(stderr, "unknown attempt '%s'\n", what);
	exit(2);
}

int
main(void)
{
	char what[64];
	long r;

	if (fgets(what, sizeof what, stdin) == NULL)
		return 2;
	what[strcspn(what, "\n")] = '\0';
	errno = 0;
	r = attempt(what);
	/* reaching this line means the call came back to the program */
	printf("%s returned %ld errno %s\n", what, r,
	       r < 0 ? strerrorname_np(errno) : "0");
	return 0;
}
