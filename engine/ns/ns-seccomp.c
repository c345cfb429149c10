/* The system call filter, built from Forge's policy (engine/
 * seccomp-policy.c, which the docker backend reads too). A denied call
 * stops the run with verdict SV: the filter hands it to the sandbox's init
 * (SCMP_ACT_NOTIFY), which learns its name, so the program cannot catch or
 * hide it. Kernels without user notification kill the process instead. */
#include "config.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <fcntl.h>
#include <unistd.h>

#include "engine/ns/ns.h"
#include "engine/seccomp-policy.h"

struct ns_seccomp {
	scmp_filter_ctx ctx;
	bool notify;
	/* the program, generated once: each run only loads it */
	struct sock_fprog prog;
};

static int
ns_seccomp_add(struct ns_seccomp *f, uint32_t action, const char *name,
               unsigned int n, const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0; /* not on this architecture */
	return seccomp_rule_add_array(f->ctx, action, nr, n, cmp);
}

/* The BPF program libseccomp generates, kept for every later run. */
static int
ns_seccomp_export(struct ns_seccomp *f)
{
	int fd = memfd_create("forge-seccomp", MFD_CLOEXEC), r;
	struct buf b;
	off_t n;

	if (fd < 0)
		return -1;
	r = seccomp_export_bpf(f->ctx, fd);
	if (r != 0 || (n = lseek(fd, 0, SEEK_CUR)) <= 0 ||
	    lseek(fd, 0, SEEK_SET) < 0 ||
	    n % (off_t)sizeof(struct sock_filter) != 0) {
		close(fd);
		errno = r != 0 ? -r : EINVAL;
		return -1;
	}
	buf_init(&b, 0);
	if (util_read_fd(fd, &b, (size_t)n) < 0 || b.len != (size_t)n) {
		close(fd);
		buf_free(&b);
		errno = EIO;
		return -1;
	}
	close(fd);
	f->prog.len = (unsigned short)(b.len / sizeof(struct sock_filter));
	f->prog.filter = (struct sock_filter *)b.data;
	return 0;
}

/* The generated program is kept in forge's cache, keyed by everything
 * it depends on (this forge binary, libseccomp, the kernel, the variant):
 * generating it takes longer than a small program's whole run. */
static char *
ns_seccomp_cache_path(bool no_sockets)
{
	const struct scmp_version *v = seccomp_version();
	struct stat st;
	struct utsname u;
	char id[512], hex[65], *dir, *sub, *path;

	if (stat("/proc/self/exe", &st) < 0 || uname(&u) < 0 || v == NULL)
		return NULL;
	snprintf(id, sizeof id,
	         "forge-seccomp-1 %llu %llu %lld %lld.%ld "
	         "%u.%u.%u %s %s %d",
	         (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	         (long long)st.st_size, (long long)st.st_mtim.tv_sec,
	         st.st_mtim.tv_nsec, v->major, v->minor, v->micro, u.release,
	         u.machine, no_sockets);
	cache_sha256(id, strlen(id), hex);
	dir = cache_dir();
	sub = util_path_join(dir, "seccomp");
	free(dir);
	if (util_mkdir_p(sub, 0700) < 0) {
		free(sub);
		return NULL;
	}
	hex[16] = '\0';
	xasprintf(&path, "%s/%s.bpf", sub, hex);
	free(sub);
	return path;
}

static bool
ns_seccomp_cache_load(struct ns_seccomp *f, const char *path)
{
	struct buf b;
	size_t n;

	buf_init(&b, 0);
	if (path == NULL || util_read_file(path, &b, 1 << 20) < 0 ||
	    b.len < 5 || memcmp(b.data, "FSC1", 4) != 0 ||
	    (b.len - 5) % sizeof(struct sock_filter) != 0 ||
	    (n = (b.len - 5) / sizeof(struct sock_filter)) == 0 ||
	    n > BPF_MAXINSNS) {
		buf_free(&b);
		return false;
	}
	f->notify = b.data[4] != 0;
	f->prog.len = (unsigned short)n;
	f->prog.filter = xmalloc(n * sizeof(struct sock_filter));
	memcpy(f->prog.filter, b.data + 5, n * sizeof(struct sock_filter));
	buf_free(&b);
	return true;
}

static void
ns_seccomp_cache_store(const struct ns_seccomp *f, const char *path)
{
	char *tmp;
	char notify = f->notify;
	int fd;

	if (path == NULL)
		return;
	xasprintf(&tmp, "%s.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0 && util_write_all(fd, "FSC1", 4) == 0 &&
	    util_write_all(fd, &notify, 1) == 0 &&
	    util_write_all(fd, f->prog.filter,
	                   f->prog.len * sizeof(struct sock_filter)) == 0 &&
	    close(fd) == 0)
		(void)rename(tmp, path);
	else {
		if (fd >= 0)
			close(fd);
		unlink(tmp);
	}
	free(tmp);
}

struct ns_seccomp *
ns_seccomp_build(bool no_sockets, char *err, size_t errlen)
{
	struct ns_seccomp *f = xcalloc(1, sizeof *f);
	char *cached = ns_seccomp_cache_path(no_sockets);
	uint32_t deny;
	size_t i;
	int r = 0;

	if (ns_seccomp_cache_load(f, cached)) {
		free(cached);
		return f;
	}

	f->notify = ns_seccomp_user_notif_supported();
	deny = f->notify ? SCMP_ACT_NOTIFY : SCMP_ACT_KILL_PROCESS;
	f->ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (f->ctx == NULL) {
		snprintf(err, errlen, "seccomp_init failed");
		free(cached);
		free(f);
		return NULL;
	}
	/* Foreign ABIs (i386, x32) reach less-audited compat code: any
	 * call through them is denied, and named like the others (a
	 * bare SIGSYS could be the program's own doing). */
	seccomp_attr_set(f->ctx, SCMP_FLTATR_ACT_BADARCH, deny);
	/* Loading requires no_new_privs; the init sets it explicitly too. */
	seccomp_attr_set(f->ctx, SCMP_FLTATR_CTL_NNP, 1);

	for (i = 0; r == 0 && i < seccomp_policy_nrules; i++) {
		const struct seccomp_policy_rule *p = &seccomp_policy_rules[i];
		uint32_t act = p->action == SECCOMP_POLICY_DENY
		                   ? deny
		                   : SCMP_ACT_ERRNO((uint32_t)p->err);
		struct scmp_arg_cmp c;

		if (p->no_sockets && !no_sockets)
			continue;
		if (p->cmp == SECCOMP_POLICY_ANY) {
			r = ns_seccomp_add(f, act, p->name, 0, NULL);
			continue;
		}
		c = (struct scmp_arg_cmp){
		    .arg = p->arg,
		    .op = p->cmp == SECCOMP_POLICY_EQ ? SCMP_CMP_EQ
		                                      : SCMP_CMP_MASKED_EQ,
		    .datum_a = p->cmp == SECCOMP_POLICY_EQ ? p->value : p->mask,
		    .datum_b = p->value};
		r = ns_seccomp_add(f, act, p->name, 1, &c);
	}
	if (r != 0) {
		snprintf(err, errlen, "building the seccomp filter: %s",
		         strerror(-r));
		free(cached);
		ns_seccomp_free(f);
		return NULL;
	}
	if (ns_seccomp_export(f) < 0) {
		snprintf(err, errlen, "generating the seccomp filter: %s",
		         strerror(errno));
		free(cached);
		ns_seccomp_free(f);
		return NULL;
	}
	ns_seccomp_cache_store(f, cached);
	free(cached);
	return f;
}

/* In the sandbox's init, before the program is forked: the filter binds
 * init and everything after it. *notify_fd gets the listener, or -1. */
int
ns_seccomp_load(struct ns_seccomp *f, int *notify_fd)
{
	long r;

	/* no_new_privs is set by the caller: no privilege is needed */
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	            f->notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0, &f->prog);
	*notify_fd = -1;
	if (r < 0)
		return -1;
	if (f->notify)
		*notify_fd = (int)r;
	return 0;
}

void
ns_seccomp_free(struct ns_seccomp *f)
{
	if (f == NULL)
		return;
	if (f->ctx != NULL)
		seccomp_release(f->ctx);
	free(f->prog.filter);
	free(f);
}

/* Does the filter hand denied calls to the init (which names them)
 * rather than kill with SIGSYS? */
bool
ns_seccomp_notifies(const struct ns_seccomp *f)
{
	return f != NULL && f->notify;
}

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

const char *
ns_seccomp_syscall_name(int nr, uint32_t arch, char *out, size_t size)
{
	char *name;

	/* x32 calls come as x86-64 ones with the x32 bit set */
	if (arch == SCMP_ARCH_X86_64 && (nr & __X32_SYSCALL_BIT)) {
		arch = SCMP_ARCH_X32;
		nr &= ~__X32_SYSCALL_BIT;
	}
	name = seccomp_syscall_resolve_num_arch(arch, nr);

	if (name != NULL) {
		strlcpy0(out, name, size);
		free(name);
	} else
		snprintf(out, size, "syscall %d", nr);
	return out;
}

bool
ns_seccomp_user_notif_supported(void)
{
	/* API level 5: SCMP_ACT_NOTIFY works with this kernel and library */
	return seccomp_api_get() >= 5;
}
