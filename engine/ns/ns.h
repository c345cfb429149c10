/*
 * The ns backend's own declarations: the keeper (ns.c), the init that is
 * PID 1 inside (ns-init.c) and its wire formats (ns-proto.c), the system
 * call filter (ns-seccomp.c), cgroups (ns-cgroup.c) and the host's probe
 * (ns-probe.c). Private: nothing outside engine/ns/ includes it; the rest
 * of Forge reaches this backend through ns_backend's table.
 */
#ifndef FORGE_ENGINE_NS_H
#define FORGE_ENGINE_NS_H

#include "engine/engine.h"

/* ns.c: the namespaces + seccomp + cgroups backend */
extern const struct backend ns_backend;
pid_t ns_clone(unsigned long flags, int cgroup_fd, bool *attached);

/* ns-init.c: PID 1 inside the sandbox */
struct ns_init_args {
	const struct box_spec *spec;
	int sync_fd;   /* read: the keeper's go-ahead */
	int status_fd; /* write: messages to the keeper */
	int stdin_fd, stdout_fd, stderr_fd;
	uid_t outer_uid;
	bool map_root_groups;
	struct ns_seccomp *filter;
	bool rlimit_mem;  /* no cgroup binds the memory: RLIMIT_DATA */
	bool rlimit_pids; /* no cgroup binds the processes: RLIMIT_NPROC */
	int cg_tasks[3];  /* cgroup v1: the init joins its cgroups itself */
	int ncg_tasks;
	bool cg_later;  /* cgroup v1 made while the init builds the root:
	                   the tasks files come on sync_fd (a socket) */
	bool huge_prog; /* the build's copy may use huge pages: the init
	                   joins its cgroups only after the copy, which is
	                   then not charged to the program */
};
FORGE_NORETURN void ns_init_main(const struct ns_init_args *);
/* A holder keeps one build's root for many runs (see ns-init.c). Per
 * run the keeper sends a request with the run's descriptors: sync (read
 * end), status (write end), stdin, stdout, stderr, then ncg cgroup
 * descriptors (v1: the tasks files; v2: the cgroup's directory). The
 * holder answers twice: the init's pid (or -errno) and whether it was
 * cloned into the cgroup; then the pid and its wait status. */
#define NS_HOLDER_FDS 8
struct ns_holder_req {
	int32_t ncg;
	int32_t cg_v2;
};
struct ns_holder_reply {
	int32_t pid;
	int32_t attached; /* the second reply: the wait status */
};
FORGE_NORETURN void ns_init_holder(const struct ns_init_args *, int sock,
                                   bool went);

/* ns-holder.c: a holder that runs the static forge (backend_helper);
 * went: the keeper's go-ahead was read before the exec */
#define NS_HOLDER_ARG BACKEND_HELPER_ARG
int ns_holder_send_args(int sock, const struct ns_init_args *, bool no_sockets);
FORGE_NORETURN void ns_holder_exec(const char *helper, int sock);
FORGE_NORETURN void ns_holder_main(void);

/* ns-proto.c: init-to-keeper messages */
enum ns_msg_type {
	NS_MSG_ERROR = 1, /* setup failed: text */
	NS_MSG_STARTED,   /* the program was exec'd */
	NS_MSG_SYSCALL,   /* a forbidden system call: its name */
	NS_MSG_EXIT,      /* wait status + rusage */
	NS_MSG_FILE,      /* mode, name, data: a collected file */
	NS_MSG_DONE       /* all sent; 1 byte: 1 if something the run
	                     left in flight outlived the init's wait */
};
struct ns_msg_exit {
	int32_t status;
	uint64_t cpu_us;
	uint64_t maxrss_kb;
	uint32_t fsize_reached; /* a file in /work or /tmp is at the limit */
};
int ns_proto_send(int, enum ns_msg_type, const void *, size_t);
int ns_proto_send2(int, enum ns_msg_type, const void *, size_t, const void *,
                   size_t);
/* Returns the length of the next whole message in buf, 0 if incomplete. */
size_t ns_proto_peek(const char *, size_t, enum ns_msg_type *,
                     const char **payload, size_t *plen);

/* ns-seccomp.c */
struct ns_seccomp;
struct ns_seccomp *ns_seccomp_build(bool no_sockets, char *err, size_t);
int ns_seccomp_load(struct ns_seccomp *, int *notify_fd);
void ns_seccomp_free(struct ns_seccomp *);
const char *ns_seccomp_syscall_name(int nr, uint32_t arch, char *, size_t);
bool ns_seccomp_user_notif_supported(void);
bool ns_seccomp_notifies(const struct ns_seccomp *);

/* ns-cgroup.c */
struct ns_cgroup;
enum ns_cgroup_mode { CGROUP_NONE, CGROUP_V1, CGROUP_V2 };
enum ns_cgroup_mode ns_cgroup_probe(char *why, size_t);
struct ns_cgroup *ns_cgroup_create(const struct limits *, char *err, size_t);
struct ns_cgroup *ns_cgroup_get(const struct limits *, char *err, size_t);
void ns_cgroup_put(struct ns_cgroup *);
void ns_cgroup_release(void);
int ns_cgroup_attach(struct ns_cgroup *, pid_t);
int ns_cgroup_join(const int *tasks, int n);
bool ns_cgroup_costly(void);
int ns_cgroup_join_fds(const struct ns_cgroup *, int *tasks);
int ns_cgroup_dirfd(const struct ns_cgroup *);
enum ns_cgroup_mode ns_cgroup_mode(const struct ns_cgroup *);
uint64_t ns_cgroup_cpu_us(struct ns_cgroup *);
uint64_t ns_cgroup_mem_bytes(struct ns_cgroup *);
uint64_t ns_cgroup_mem_peak(struct ns_cgroup *);
uint32_t ns_cgroup_pids(struct ns_cgroup *);
bool ns_cgroup_oom(struct ns_cgroup *);
bool ns_cgroup_mem_hit(struct ns_cgroup *);
void ns_cgroup_kill(struct ns_cgroup *);
void ns_cgroup_destroy(struct ns_cgroup *);
void ns_cgroup_cleanup_stale(void);
const char *ns_cgroup_base(enum ns_cgroup_mode);
/* the limits run cgroups bind; the others are rlimits' (see ns.c) */
enum { NS_CG_MEMORY = 1, NS_CG_PIDS = 2, NS_CG_ALL = 3 };
int ns_cgroup_binds(void);

/* ns-cgroup.c: how forge got its cgroup v2, for forge doctor */
struct ns_cgroup_how {
	char scope[64];     /* the transient scope forge runs in, or "" */
	char delegated[96]; /* the controllers the scope was given */
	bool elsewhere;     /* forge-full could ask for a scope; this
	                       program was built without sd-bus */
	bool no_bus;        /* no systemd user bus (manager) to ask */
	bool refused;       /* the manager was asked and refused */
};
const struct ns_cgroup_how *ns_cgroup_how(void);
bool ns_cgroup_elsewhere(void);

/* ns-scope.c (libforge-systemd.a): a transient scope with Delegate=yes
 * from the systemd user manager, holding this process; its name in
 * unit. A weak reference: NULL in a program built without it. */
enum ns_scope_result { NS_SCOPE_STARTED, NS_SCOPE_NO_BUS, NS_SCOPE_REFUSED };
enum ns_scope_result ns_scope_start(char *unit, size_t, char *why, size_t)
    __attribute__((weak));

/* ns-probe.c: what isolation the host allows */
size_t ns_probe_doctor(struct backend_check *, size_t max);
bool ns_probe_limits_note(char *note, size_t);
bool ns_probe_userns(char *why, size_t);

#endif
