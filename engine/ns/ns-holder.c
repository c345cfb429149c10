/* A holder that is not a copy of the process that made it.
 *
 * A holder (ns-init.c) clones every run's init, and each init forks the
 * program: two copies of the holder's address space per run. Cloned
 * from forge, that address space is small; cloned from a long-lived
 * program linked with many libraries (forge-serve: libcurl,
 * libmicrohttpd and 40 more), copying and tearing it down was a third
 * of a trivial run's cost. Such a program names the static forge as its
 * helper (backend_set_helper): the holder's clone then runs it, keeping
 * its namespaces, and is sent over its socket what it would otherwise
 * have inherited: the spec's command, environment, binds and limits,
 * and how the run is bound.
 *
 * The clone is uid 1000 inside its user namespace once mapped, so an
 * exec would drop the capabilities it needs to build the root. It
 * raises them as ambient capabilities for the exec, and the helper
 * clears the ambient and inheritable sets before anything else, so no
 * run's init or program inherits them. */
#include "config.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine/ns/ns.h"

/* what a helper and its maker agree on before anything else: the same
 * build reads the same struct limits */
#define NS_HOLDER_MAGIC "forge-holder-1 " PACKAGE_VERSION
#define NS_HOLDER_MAX   (192 * 1024) /* under a socket's send buffer */

struct ns_holder_wire {
	char magic[48];
	uint32_t limits_size;
	struct limits limits;
	uint8_t map_root_groups, rlimit_mem, rlimit_pids, huge_prog;
	uint8_t no_sockets, has_prog_dir;
	uint32_t nargv, nenvp, nro;
	/* then NUL-terminated strings: prog_dir (if any), argv, envp,
	 * ro_paths */
};

static size_t
ns_holder_count(char *const *v)
{
	size_t n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

static void
ns_holder_add_list(struct buf *b, char *const *v)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		buf_add(b, v[i], strlen(v[i]) + 1);
}

int
ns_holder_send_args(int sock, const struct ns_init_args *a, bool no_sockets)
{
	const struct box_spec *s = a->spec;
	struct ns_holder_wire w;
	struct buf b;
	ssize_t n;
	size_t len;

	memset(&w, 0, sizeof w);
	strlcpy0(w.magic, NS_HOLDER_MAGIC, sizeof w.magic);
	w.limits_size = sizeof w.limits;
	w.limits = s->limits;
	w.map_root_groups = a->map_root_groups;
	w.rlimit_mem = a->rlimit_mem;
	w.rlimit_pids = a->rlimit_pids;
	w.huge_prog = a->huge_prog;
	w.no_sockets = no_sockets;
	w.has_prog_dir = s->prog_dir != NULL;
	w.nargv = (uint32_t)ns_holder_count(s->argv);
	w.nenvp = (uint32_t)ns_holder_count(s->envp);
	w.nro = (uint32_t)ns_holder_count(s->ro_paths);
	buf_init(&b, sizeof w + 4096);
	buf_add(&b, &w, sizeof w);
	if (s->prog_dir != NULL)
		buf_add(&b, s->prog_dir, strlen(s->prog_dir) + 1);
	ns_holder_add_list(&b, s->argv);
	ns_holder_add_list(&b, s->envp);
	ns_holder_add_list(&b, s->ro_paths);
	len = b.len;
	n = len > NS_HOLDER_MAX ? -1 : send(sock, b.data, len, MSG_NOSIGNAL);
	buf_free(&b);
	return n == (ssize_t)len ? 0 : -1;
}

/* The next n strings of p..end into a NULL-terminated vector, or NULL
 * when they are not all there. */
static char **
ns_holder_take_list(char **p, const char *end, uint32_t n)
{
	char **v;

	if (n > NS_HOLDER_MAX)
		return NULL;
	v = xcalloc((size_t)n + 1, sizeof *v);
	for (uint32_t i = 0; i < n; i++) {
		char *nul = memchr(*p, '\0', (size_t)(end - *p));

		if (nul == NULL) {
			free(v);
			return NULL;
		}
		v[i] = *p;
		*p = nul + 1;
	}
	return v;
}

/* Raises every permitted capability as ambient, so that the exec keeps
 * them although the clone's uid is not 0 in its namespace. */
static int
ns_holder_raise_ambient(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[0].inheritable = d[0].permitted;
	d[1].inheritable = d[1].permitted;
	if (syscall(SYS_capset, &h, d) < 0)
		return -1;
	for (int c = 0; c < 64; c++) {
		if (!(d[c / 32].permitted & (1U << (c % 32))))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0 &&
		    errno != EINVAL)
			return -1;
	}
	return 0;
}

static int
ns_holder_drop_ambient(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 ||
	    syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[0].inheritable = d[1].inheritable = 0;
	return (int)syscall(SYS_capset, &h, d);
}

void
ns_holder_exec(const char *helper, int sock)
{
	static char name[] = "forge", arg[] = NS_HOLDER_ARG;
	char go, *argv[] = {name, arg, NULL}, *envp[] = {NULL};
	ssize_t n;

	/* the go-ahead: the user is mapped, so the capabilities are real */
	do
		n = read(sock, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1 || dup2(sock, 3) < 0 || ns_holder_raise_ambient() < 0)
		_exit(127);
	/* forge's other descriptors: ns_init_holder closes them */
	execve(helper, argv, envp);
	_exit(127);
}

void
ns_holder_main(void)
{
	static struct box_spec spec;
	struct ns_init_args a;
	struct ns_holder_wire w;
	char *msg, *p, *end, err[256];
	ssize_t len;
	int sock = 3;

	if (ns_holder_drop_ambient() < 0)
		_exit(127);
	/* the message's size, then the message */
	len = recv(sock, NULL, 0, MSG_PEEK | MSG_TRUNC);
	if (len < (ssize_t)sizeof w || len > NS_HOLDER_MAX) {
		fprintf(stderr, "forge: %s is forge's own: not for use\n",
		        NS_HOLDER_ARG);
		_exit(2);
	}
	msg = xmalloc((size_t)len + 1);
	if (recv(sock, msg, (size_t)len, 0) != len)
		_exit(127);
	msg[len] = '\0';
	memcpy(&w, msg, sizeof w);
	if (memchr(w.magic, '\0', sizeof w.magic) == NULL ||
	    strcmp(w.magic, NS_HOLDER_MAGIC) != 0 ||
	    w.limits_size != sizeof w.limits)
		_exit(127); /* another build's: its maker makes its own */
	p = msg + sizeof w;
	end = msg + len;
	box_spec_init(&spec);
	spec.limits = w.limits;
	spec.reuse = true;
	if (w.has_prog_dir) {
		char **d = ns_holder_take_list(&p, end, 1);

		if (d == NULL)
			_exit(127);
		spec.prog_dir = d[0];
		free(d);
	}
	if ((spec.argv = ns_holder_take_list(&p, end, w.nargv)) == NULL ||
	    (spec.envp = ns_holder_take_list(&p, end, w.nenvp)) == NULL ||
	    (spec.ro_paths = ns_holder_take_list(&p, end, w.nro)) == NULL)
		_exit(127);
	memset(&a, 0, sizeof a);
	a.spec = &spec;
	a.sync_fd = a.status_fd = -1;
	a.stdin_fd = a.stdout_fd = a.stderr_fd = -1;
	a.outer_uid = getuid();
	a.map_root_groups = w.map_root_groups;
	a.rlimit_mem = w.rlimit_mem;
	a.rlimit_pids = w.rlimit_pids;
	a.huge_prog = w.huge_prog;
	if ((a.filter = ns_seccomp_build(w.no_sockets, err, sizeof err)) ==
	    NULL)
		_exit(127);
	ns_init_holder(&a, sock, true);
}
