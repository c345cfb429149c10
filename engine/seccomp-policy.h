/*
 * Forge's system call policy as data: the calls a sandboxed program may
 * not make and what it gets when it tries. Both backends read this one
 * table: the ns backend turns it into its libseccomp filter
 * (engine/ns/ns-seccomp.c), the docker backend into the seccomp profile
 * of each container (seccomp_policy_docker_json), so a forbidden call
 * gets the same answer on either.
 */
#ifndef FORGE_ENGINE_SECCOMP_POLICY_H
#define FORGE_ENGINE_SECCOMP_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

enum seccomp_policy_action {
	/* the run ends with verdict SV (the ns backend names the call) */
	SECCOMP_POLICY_DENY,
	/* the call fails with an errno, as if the kernel lacked it */
	SECCOMP_POLICY_ERRNO,
};

enum seccomp_policy_cmp {
	SECCOMP_POLICY_ANY,       /* whatever the arguments */
	SECCOMP_POLICY_EQ,        /* args[arg] == value */
	SECCOMP_POLICY_MASKED_EQ, /* (args[arg] & mask) == value */
};

struct seccomp_policy_rule {
	const char *name; /* the call, by its name */
	enum seccomp_policy_action action;
	int err; /* SECCOMP_POLICY_ERRNO: the errno */
	enum seccomp_policy_cmp cmp;
	unsigned arg;
	uint64_t mask, value;
	/* only where no cgroup charges socket buffers (ns, unprivileged) */
	bool no_sockets;
};

extern const struct seccomp_policy_rule seccomp_policy_rules[];
extern const size_t seccomp_policy_nrules;

/* Docker's seccomp profile (its JSON format) for this policy: default
 * allow, each rule as an entry, denials killing the process; with
 * kill_thread, SCMP_ACT_KILL, for runtimes that lack KILL_PROCESS (gVisor
 * before 2023). */
void seccomp_policy_docker_json(struct buf *, bool no_sockets,
                                bool kill_thread);

#endif
