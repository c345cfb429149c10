/* What isolation this host allows the ns backend, checked for real, and
 * for each thing missing, how to enable it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/ns/ns.h"

static long
probe_sysctl(const char *path)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* What makes the cgroups bind when they do not: fix (v2: the unified
 * hierarchy is mounted; how: what the scope path found). */
static void
ns_probe_cgroup_fix(bool v2, const struct ns_cgroup_how *how, char *fix,
                    size_t len)
{
	if (engine_config()->no_cgroup)
		snprintf(fix, len, "unset FORGE_NO_CGROUP");
	else if (v2 && getuid() != 0 && engine_config()->no_scope)
		snprintf(fix, len,
		         "unset FORGE_NO_SCOPE, and forge asks the "
		         "systemd user manager for a scope");
	else if (v2 && how->scope[0] != '\0')
		snprintf(fix, len,
		         "have the systemd user manager delegate memory "
		         "and pids: sudo mkdir -p "
		         "/etc/systemd/system/user@.service.d && printf "
		         "'[Service]\\nDelegate=pids memory cpu\\n' | "
		         "sudo tee /etc/systemd/system/user@.service.d/"
		         "delegate.conf, then log in again");
	else if (v2 && getuid() != 0 && how->refused)
		snprintf(fix, len,
		         "let the systemd user manager start transient units "
		         "for you: a D-Bus policy of the user bus (a sandbox's "
		         "bus filter, or a <deny> in /etc/dbus-1/session.d) "
		         "must allow StartTransientUnit, and a manager that is "
		         "stopping comes back when you log in again");
	else if (v2 && getuid() != 0 && how->no_bus)
		snprintf(fix, len,
		         "give your user a systemd user manager that "
		         "outlives logins: loginctl enable-linger $USER "
		         "(no systemd in a container: run forge as root "
		         "there)");
	else if (v2 && getuid() != 0 && ns_scope_start == NULL)
		snprintf(fix, len,
		         "build forge with libsystemd (libsystemd-dev), "
		         "or run it in a delegated cgroup: systemd-run "
		         "--user --scope -p Delegate=yes forge ...");
	else if (v2)
		snprintf(fix, len,
		         "run forge in a delegated cgroup: "
		         "systemd-run --user --scope -p Delegate=yes "
		         "forge ...");
	else if (getuid() == 0)
		snprintf(fix, len,
		         "mount the cgroup v1 memory, pids and cpuacct "
		         "controllers under /sys/fs/cgroup");
	else
		snprintf(fix, len,
		         "let uid %d create cgroups: sudo mkdir -p "
		         "/sys/fs/cgroup/{memory,pids,cpuacct}<your "
		         "cgroup>/forge and chown them to you (see "
		         "/proc/self/cgroup), or run as root",
		         (int)getuid());
}

/* cgroup v2 with one of memory and pids: what binds, what does not. */
static void
ns_probe_partial(int binds, const struct ns_cgroup_how *how, char *detail,
                 size_t len)
{
	const char *has = binds & NS_CG_MEMORY ? "memory" : "pids";
	const char *miss = binds & NS_CG_MEMORY ? "pids" : "memory";

	if (how->scope[0] != '\0')
		snprintf(detail, len,
		         "cgroup v2, transient scope %s from the systemd user "
		         "manager without %s (delegated: %s): the %s limit "
		         "binds the whole run, the %s limit is per-process "
		         "rlimits plus sampling (enforced_by: %s)",
		         how->scope, miss, how->delegated, has, miss,
		         box_enforcer_name(binds & NS_CG_MEMORY
		                               ? ENFORCED_CGROUP_V2_MEMORY
		                               : ENFORCED_CGROUP_V2_PIDS));
	else
		snprintf(detail, len,
		         "cgroup v2 under %s without %s: the %s limit binds "
		         "the whole run, the %s limit is per-process rlimits "
		         "plus sampling (enforced_by: %s)",
		         ns_cgroup_base(CGROUP_V2), miss, has, miss,
		         box_enforcer_name(binds & NS_CG_MEMORY
		                               ? ENFORCED_CGROUP_V2_MEMORY
		                               : ENFORCED_CGROUP_V2_PIDS));
}

/* Said once by a command that runs programs, where the limits do not
 * all bind the whole run although forge asked the systemd user manager
 * for a cgroup: doctor says the rest. */
bool
ns_probe_limits_note(char *note, size_t len)
{
	char why[256];
	enum ns_cgroup_mode cg = ns_cgroup_probe(why, sizeof why);
	const struct ns_cgroup_how *how = ns_cgroup_how();
	int binds = ns_cgroup_binds();

	if (cg == CGROUP_V2 && binds != NS_CG_ALL) {
		ns_probe_partial(binds, how, note, len);
		return true;
	}
	if (cg == CGROUP_NONE && how->refused) {
		snprintf(note, len,
		         "%s: limits are per-process rlimits plus sampling "
		         "(enforced_by: rlimit)",
		         why);
		return true;
	}
	return false;
}

/* Can this user create a user namespace and act as root in it? */
bool
ns_probe_userns(char *why, size_t size)
{
	pid_t pid;
	int st;

	backend_quiesce();
	pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWNS | SIGCHLD,
	                     NULL, NULL, NULL, 0);
	if (pid < 0) {
		snprintf(why, size, "clone(CLONE_NEWUSER): %s",
		         strerror(errno));
		return false;
	}
	if (pid == 0) {
		/* mounting needs the namespace's capabilities: AppArmor's
		 * userns restriction lets the clone pass but strips them */
		_exit(mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0
		          ? 0
		          : 1);
	}
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(why, size,
		         "a user namespace was created but had no "
		         "capabilities in it (AppArmor or an LSM restricts "
		         "unprivileged user namespaces)");
		return false;
	}
	return true;
}

static void
probe_add(struct backend_check *c, size_t max, size_t *n, const char *name,
          int status, const char *detail, const char *fix)
{
	if (*n >= max)
		return;
	c[*n].name = name;
	c[*n].status = status;
	strlcpy0(c[*n].detail, detail, sizeof c[*n].detail);
	strlcpy0(c[*n].fix, fix ? fix : "", sizeof c[*n].fix);
	(*n)++;
}

size_t
ns_probe_doctor(struct backend_check *c, size_t max)
{
	struct utsname u;
	char why[512], detail[512], fix[512];
	size_t n = 0;
	long v;
	enum ns_cgroup_mode cg;
	const struct ns_cgroup_how *how;

	uname(&u);
	snprintf(detail, sizeof detail, "Linux %s, running as uid %d%s",
	         u.release, (int)getuid(), getuid() == 0 ? " (root)" : "");
	probe_add(c, max, &n, "host", 0, detail, NULL);

	if (ns_probe_userns(why, sizeof why))
		probe_add(c, max, &n, "user namespaces", 0,
		          "available: the sandbox runs without privileges",
		          NULL);
	else {
		fix[0] = '\0';
		if ((v = probe_sysctl(
		         "/proc/sys/kernel/"
		         "apparmor_restrict_unprivileged_userns")) == 1)
			snprintf(fix, sizeof fix,
			         "AppArmor restricts user namespaces: sudo "
			         "sysctl kernel.apparmor_restrict_unprivileged_"
			         "userns=0 (or install an AppArmor profile "
			         "allowing 'userns' for forge)");
		else if ((v = probe_sysctl("/proc/sys/kernel/"
		                           "unprivileged_userns_clone")) == 0)
			snprintf(
			    fix, sizeof fix,
			    "sudo sysctl kernel.unprivileged_userns_clone=1");
		else if ((v = probe_sysctl(
		              "/proc/sys/user/max_user_namespaces")) == 0)
			snprintf(fix, sizeof fix,
			         "sudo sysctl user.max_user_namespaces=15000");
		else
			snprintf(fix, sizeof fix,
			         "enable CONFIG_USER_NS in the kernel, or run "
			         "forge where user namespaces are allowed");
		probe_add(c, max, &n, "user namespaces", 2, why, fix);
	}

	cg = ns_cgroup_probe(why, sizeof why);
	how = ns_cgroup_how();
	if (cg == CGROUP_V2 && ns_cgroup_binds() != NS_CG_ALL) {
		ns_probe_partial(ns_cgroup_binds(), how, detail, sizeof detail);
		ns_probe_cgroup_fix(true, how, fix, sizeof fix);
		probe_add(c, max, &n, "cgroups", 1, detail, fix);
	} else if (cg == CGROUP_V2 && how->scope[0] != '\0') {
		snprintf(detail, sizeof detail,
		         "cgroup v2, transient scope %s from the systemd user "
		         "manager (delegated: %s; forge binds memory and pids "
		         "and reads CPU time from cpu.stat): memory, CPU and "
		         "process limits bind the whole run",
		         how->scope, how->delegated);
		probe_add(c, max, &n, "cgroups", 0, detail, NULL);
	} else if (cg == CGROUP_V2 || cg == CGROUP_V1) {
		snprintf(detail, sizeof detail,
		         "cgroup %s under %s: memory, CPU and process limits "
		         "bind the whole run",
		         cg == CGROUP_V2 ? "v2" : "v1", ns_cgroup_base(cg));
		probe_add(c, max, &n, "cgroups", 0, detail, NULL);
	} else {
		bool v2 =
		    access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;

		snprintf(detail, sizeof detail,
		         "%s; limits fall back to per-process rlimits plus "
		         "sampling (enforced_by: rlimit)",
		         why);
		ns_probe_cgroup_fix(v2, how, fix, sizeof fix);
		probe_add(c, max, &n, "cgroups", 1, detail, fix);
	}

	if (ns_seccomp_user_notif_supported())
		probe_add(c, max, &n, "seccomp", 0,
		          "filter with user notification: a forbidden call "
		          "is named in the verdict",
		          NULL);
	else
		probe_add(c, max, &n, "seccomp", 1,
		          "no user notification (kernel < 5.0 or libseccomp < "
		          "2.5): forbidden calls kill the program unnamed",
		          "upgrade the kernel to 5.0+ and libseccomp to 2.5+");

	/* The real thing: a whole sandbox around /bin/true. */
	{
		static char true_cmd[] = "true", path[] = "PATH=/usr/bin:/bin";
		char *argv[] = {true_cmd, NULL}, *envp[] = {path, NULL};
		struct box_spec s;
		struct box_result r;

		box_spec_init(&s);
		s.argv = argv;
		s.envp = envp;
		limits_default_run(&s.limits);
		ns_backend.run(&s, &r);
		if (r.end == BOX_EXITED && r.exit_code == 0) {
			snprintf(detail, sizeof detail,
			         "a test run of 'true' in the full sandbox "
			         "worked (%s)",
			         box_enforcer_name(r.enforced_by));
			probe_add(c, max, &n, "sandbox", 0, detail, NULL);
		} else {
			snprintf(detail, sizeof detail,
			         "a test run of 'true' failed: %s",
			         r.end == BOX_ERROR ? r.message
			                            : box_end_name(r.end));
			probe_add(c, max, &n, "sandbox", 2, detail,
			          "fix the problems above; forge never runs a "
			          "program outside the sandbox");
		}
		box_result_free(&r);
	}
	return n;
}
