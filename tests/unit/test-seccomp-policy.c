/* Forge's system call policy as Docker's seccomp profile: valid JSON in
 * Docker's format, default allow, every denied call killing the process,
 * the errno answers kept, argument conditions in Docker's masked form,
 * and the socket ban only in its variant. */
#include "config.h"

#include <errno.h>
#include <linux/sched.h>

#include "engine/seccomp-policy.h"
#include "tests/unit/check.h"

/* The call's nth entry in the profile, or NULL. */
static const struct jsonparse_value *
entry(const struct jsonparse_value *calls, const char *name, size_t nth)
{
	size_t i, seen = 0;

	for (i = 0; i < jsonparse_len(calls); i++) {
		const struct jsonparse_value *c = jsonparse_at(calls, i);
		const char *s = jsonparse_string(
		    jsonparse_at(jsonparse_get(c, "names"), 0), NULL);

		if (s != NULL && strcmp(s, name) == 0 && seen++ == nth)
			return c;
	}
	return NULL;
}

static const char *
action(const struct jsonparse_value *e)
{
	return jsonparse_string(jsonparse_get(e, "action"), NULL);
}

int
main(void)
{
	struct buf b;
	struct jsonparse_value *v;
	const struct jsonparse_value *calls, *e, *a;
	int64_t n = 0;
	size_t i, denied = 0;

	buf_init(&b, 0);
	seccomp_policy_docker_json(&b, false, false);
	v = jsonparse_parse(b.data, b.len, NULL);
	CHECK(v != NULL);
	CHECK_STR(jsonparse_string(jsonparse_get(v, "defaultAction"), NULL),
	          "SCMP_ACT_ALLOW");
#if defined(__x86_64__)
	/* only the native ABI: i386 and x32 calls meet the bad-arch kill */
	CHECK(jsonparse_len(jsonparse_get(v, "architectures")) == 1);
	CHECK_STR(jsonparse_string(
	              jsonparse_at(jsonparse_get(v, "architectures"), 0), NULL),
	          "SCMP_ARCH_X86_64");
#endif
	calls = jsonparse_get(v, "syscalls");
	for (i = 0; i < seccomp_policy_nrules; i++)
		if (seccomp_policy_rules[i].action == SECCOMP_POLICY_DENY)
			denied++;
	CHECK(denied >= 40);
	/* every rule but the socket ban's two is an entry */
	CHECK(jsonparse_len(calls) == seccomp_policy_nrules - 2);

	CHECK_STR(action(entry(calls, "mount", 0)), "SCMP_ACT_KILL_PROCESS");
	CHECK_STR(action(entry(calls, "ptrace", 0)), "SCMP_ACT_KILL_PROCESS");
	CHECK_STR(action(entry(calls, "bpf", 0)), "SCMP_ACT_KILL_PROCESS");
	CHECK(jsonparse_get(entry(calls, "mount", 0), "args") == NULL);

	e = entry(calls, "clone3", 0);
	CHECK_STR(action(e), "SCMP_ACT_ERRNO");
	CHECK(jsonparse_int(jsonparse_get(e, "errnoRet"), &n) && n == ENOSYS);

	/* clone: one entry per namespace bit, (arg0 & bit) == bit */
	e = entry(calls, "clone", 1);
	CHECK_STR(action(e), "SCMP_ACT_KILL_PROCESS");
	a = jsonparse_at(jsonparse_get(e, "args"), 0);
	CHECK_STR(jsonparse_string(jsonparse_get(a, "op"), NULL),
	          "SCMP_CMP_MASKED_EQ");
	CHECK(jsonparse_int(jsonparse_get(a, "index"), &n) && n == 0);
	CHECK(jsonparse_int(jsonparse_get(a, "value"), &n) &&
	      n == CLONE_NEWUSER);
	CHECK(jsonparse_int(jsonparse_get(a, "valueTwo"), &n) &&
	      n == CLONE_NEWUSER);
	CHECK(entry(calls, "clone", 7) == NULL);

	/* socket: only vsock and AF_ALG refused in the ordinary variant */
	CHECK(entry(calls, "socket", 2) == NULL);
	CHECK(entry(calls, "socketpair", 0) == NULL);
	a = jsonparse_at(jsonparse_get(entry(calls, "socket", 0), "args"), 0);
	CHECK_STR(jsonparse_string(jsonparse_get(a, "op"), NULL),
	          "SCMP_CMP_EQ");
	CHECK(jsonparse_int(
	          jsonparse_get(entry(calls, "socket", 0), "errnoRet"), &n) &&
	      n == EAFNOSUPPORT);
	jsonparse_free(v);

	buf_reset(&b);
	seccomp_policy_docker_json(&b, true, true);
	v = jsonparse_parse(b.data, b.len, NULL);
	calls = jsonparse_get(v, "syscalls");
	CHECK(jsonparse_len(calls) == seccomp_policy_nrules);
	CHECK_STR(action(entry(calls, "mount", 0)), "SCMP_ACT_KILL");
	e = entry(calls, "socketpair", 0);
	CHECK(jsonparse_int(jsonparse_get(e, "errnoRet"), &n) && n == EACCES);
	jsonparse_free(v);
	buf_free(&b);
	return check_done();
}
