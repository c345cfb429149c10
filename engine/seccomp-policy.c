/* Forge's system call policy: default allow, and a deny list of kernel
 * attack surface that contest and teaching programs never need. Each
 * entry is a call and the threat it blocks; both backends build their
 * filter from this table alone. */
#include "config.h"

#include <errno.h>
#include <linux/sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "engine/seccomp-policy.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif

#define DENY(n)                                                                \
	{                                                                      \
		(n), SECCOMP_POLICY_DENY, 0, SECCOMP_POLICY_ANY, 0, 0, 0,      \
		    false                                                      \
	}
#define DENY_BIT(n, a, b)                                                      \
	{                                                                      \
		(n), SECCOMP_POLICY_DENY, 0, SECCOMP_POLICY_MASKED_EQ, (a),    \
		    (b), (b), false                                            \
	}
#define DENY_LOW32(n, a, v)                                                    \
	{                                                                      \
		(n), SECCOMP_POLICY_DENY, 0, SECCOMP_POLICY_MASKED_EQ, (a),    \
		    0xffffffffu, (v), false                                    \
	}
#define ABSENT(n)                                                              \
	{                                                                      \
		(n), SECCOMP_POLICY_ERRNO, ENOSYS, SECCOMP_POLICY_ANY, 0, 0,   \
		    0, false                                                   \
	}
#define FAIL_EQ(n, e, a, v)                                                    \
	{                                                                      \
		(n), SECCOMP_POLICY_ERRNO, (e), SECCOMP_POLICY_EQ, (a), 0,     \
		    (v), false                                                 \
	}
#define NO_SOCKETS(n)                                                          \
	{                                                                      \
		(n), SECCOMP_POLICY_ERRNO, EACCES, SECCOMP_POLICY_ANY, 0, 0,   \
		    0, true                                                    \
	}

const struct seccomp_policy_rule seccomp_policy_rules[] = {
    /* reshaping the file system view; mount code is attack surface */
    DENY("mount"),
    DENY("umount2"),
    DENY("pivot_root"),
    DENY("chroot"),
    DENY("move_mount"),
    DENY("open_tree"),
    DENY("fsopen"),
    DENY("fsconfig"),
    DENY("fsmount"),
    DENY("fspick"),
    DENY("mount_setattr"),
    /* new namespaces expose root-only kernel code to the program */
    DENY("unshare"),
    DENY("setns"),
    DENY_BIT("clone", 0, CLONE_NEWNS),
    DENY_BIT("clone", 0, CLONE_NEWUSER),
    DENY_BIT("clone", 0, CLONE_NEWPID),
    DENY_BIT("clone", 0, CLONE_NEWNET),
    DENY_BIT("clone", 0, CLONE_NEWIPC),
    DENY_BIT("clone", 0, CLONE_NEWUTS),
    DENY_BIT("clone", 0, CLONE_NEWCGROUP),
    /* clone3 passes its flags in memory a filter cannot read: it looks
     * absent, so libc falls back to clone(), which is checked */
    ABSENT("clone3"),
    /* keyrings are not namespaced: they reach the host's keys */
    DENY("keyctl"),
    DENY("add_key"),
    DENY("request_key"),
    /* the BPF verifier and perf are among the most exploited paths */
    DENY("bpf"),
    DENY("perf_event_open"),
    /* tampering with other processes (the init, each other) */
    DENY("ptrace"),
    DENY("process_vm_readv"),
    DENY("process_vm_writev"),
    /* loading kernels and modules, rebooting, swap, accounting */
    DENY("kexec_load"),
    DENY("kexec_file_load"),
    DENY("init_module"),
    DENY("finit_module"),
    DENY("delete_module"),
    DENY("reboot"),
    DENY("swapon"),
    DENY("swapoff"),
    DENY("acct"),
    DENY("quotactl"),
    /* the kernel log, raw port I/O, the host's clocks */
    DENY("syslog"),
    DENY("iopl"),
    DENY("ioperm"),
    DENY("settimeofday"),
    DENY("clock_settime"),
    DENY("clock_adjtime"),
    DENY("adjtimex"),
    /* file handles bypass the mount tree (the "shocker" escape) */
    DENY("open_by_handle_at"),
    DENY("name_to_handle_at"),
    /* userfaultfd makes kernel races easy to win */
    DENY("userfaultfd"),
    /* io_uring: a large, often-exploited surface; absent, libraries
     * fall back to ordinary calls */
    ABSENT("io_uring_setup"),
    ABSENT("io_uring_enter"),
    ABSENT("io_uring_register"),
    /* TIOCSTI/TIOCLINUX push keystrokes into a terminal; TIOCSETD loads
     * line disciplines (a known escalation path); the kernel reads the
     * request's low 32 bits */
    DENY_LOW32("ioctl", 1, TIOCSTI),
    DENY_LOW32("ioctl", 1, TIOCLINUX),
    DENY_LOW32("ioctl", 1, TIOCSETD),
    /* vsock is not network-namespaced: it would reach the hypervisor;
     * AF_ALG is kernel crypto code with a history of holes */
    FAIL_EQ("socket", EAFNOSUPPORT, 0, AF_VSOCK),
    FAIL_EQ("socket", EAFNOSUPPORT, 0, AF_ALG),
    /* no cgroup to charge socket buffers to: no sockets at all */
    NO_SOCKETS("socket"),
    NO_SOCKETS("socketpair"),
    /* old or host-wide interfaces */
    DENY("lookup_dcookie"),
    DENY("vhangup"),
    DENY("nfsservctl"),
    DENY("uselib"),
    DENY("fanotify_init"),
    DENY("sethostname"),
    DENY("setdomainname"),
};
const size_t seccomp_policy_nrules =
    sizeof seccomp_policy_rules / sizeof seccomp_policy_rules[0];

/* The architectures a container's filter knows: calls through any other
 * ABI (i386 through int 0x80, x32) meet the filter's bad-architecture
 * action, which kills, as the ns filter does. */
static const char *
seccomp_policy_docker_arch(void)
{
#if defined(__x86_64__)
	return "SCMP_ARCH_X86_64";
#elif defined(__aarch64__)
	return "SCMP_ARCH_AARCH64";
#elif defined(__i386__)
	return "SCMP_ARCH_X86";
#elif defined(__riscv) && __riscv_xlen == 64
	return "SCMP_ARCH_RISCV64";
#elif defined(__s390x__)
	return "SCMP_ARCH_S390X";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "SCMP_ARCH_PPC64LE";
#else
	return NULL;
#endif
}

void
seccomp_policy_docker_json(struct buf *out, bool no_sockets, bool kill_thread)
{
	struct json_writer w = {out, false};
	const char *arch = seccomp_policy_docker_arch();
	size_t i;

	json_open(&w, NULL, '{');
	json_cstr(&w, "defaultAction", "SCMP_ACT_ALLOW");
	json_open(&w, "architectures", '[');
	if (arch != NULL)
		json_cstr(&w, NULL, arch);
	json_close(&w, ']');
	json_open(&w, "syscalls", '[');
	for (i = 0; i < seccomp_policy_nrules; i++) {
		const struct seccomp_policy_rule *r = &seccomp_policy_rules[i];

		if (r->no_sockets && !no_sockets)
			continue;
		json_open(&w, NULL, '{');
		json_open(&w, "names", '[');
		json_cstr(&w, NULL, r->name);
		json_close(&w, ']');
		if (r->action == SECCOMP_POLICY_DENY)
			json_cstr(&w, "action",
			          kill_thread ? "SCMP_ACT_KILL"
			                      : "SCMP_ACT_KILL_PROCESS");
		else {
			json_cstr(&w, "action", "SCMP_ACT_ERRNO");
			json_int(&w, "errnoRet", r->err);
		}
		if (r->cmp != SECCOMP_POLICY_ANY) {
			json_open(&w, "args", '[');
			json_open(&w, NULL, '{');
			json_int(&w, "index", r->arg);
			/* Docker's masked form: value is the mask,
			 * valueTwo what the masked argument must equal */
			if (r->cmp == SECCOMP_POLICY_MASKED_EQ) {
				json_int(&w, "value", (long long)r->mask);
				json_int(&w, "valueTwo", (long long)r->value);
				json_cstr(&w, "op", "SCMP_CMP_MASKED_EQ");
			} else {
				json_int(&w, "value", (long long)r->value);
				json_int(&w, "valueTwo", 0);
				json_cstr(&w, "op", "SCMP_CMP_EQ");
			}
			json_close(&w, '}');
			json_close(&w, ']');
		}
		json_close(&w, '}');
	}
	json_close(&w, ']');
	json_close(&w, '}');
}
