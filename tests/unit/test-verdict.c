/* Verdict names, exit statuses and the classification of what the
 * sandbox saw into a verdict. */
#include "config.h"

#include <signal.h>

#include "engine/engine.h"
#include "tests/unit/check.h"

static bool fsize_reached; /* a file at the file size limit */

static enum verdict
classify(enum box_end end, int code, int sig, uint64_t cpu_ms, uint64_t mem_kb,
         enum box_enforcer by, char *detail)
{
	struct box_result r = {0};
	struct limits l;

	limits_default_run(&l);
	r.end = end;
	r.exit_code = code;
	r.signal = sig;
	r.cpu_ms = cpu_ms;
	r.mem_kb = mem_kb;
	r.enforced_by = by;
	/* as the ns backend reports a run held by rlimits */
	r.mem_per_process = by == ENFORCED_RLIMIT;
	r.fsize_reached = fsize_reached;
	snprintf(r.syscall, sizeof r.syscall, "keyctl");
	if (end == BOX_ERROR)
		snprintf(r.message, sizeof r.message, "pivot_root failed");
	return pipeline_classify(&r, &l, detail, 256);
}

int
main(void)
{
	char d[256];
	enum verdict v;
	int i;

	for (i = 0; i < VERDICT__COUNT; i++) {
		enum verdict back;
		CHECK(verdict_from_name(verdict_name((enum verdict)i), &back) ==
		          0 &&
		      back == (enum verdict)i);
	}
	/* what enforced the limits, as a result read back names it */
	for (i = ENFORCED_CGROUP_V2; i <= ENFORCED_CGROUP_V2_MEMORY; i++)
		CHECK(box_enforcer_from_name(box_enforcer_name(
		          (enum box_enforcer)i)) == (enum box_enforcer)i);
	CHECK(strcmp(box_enforcer_name(ENFORCED_CGROUP_V2_PIDS),
	             "cgroup-v2:pids+rlimit:memory") == 0);
	CHECK(box_enforcer_from_name("cgroup-v3") == ENFORCED_RLIMIT);
	CHECK(box_enforcer_from_name(NULL) == ENFORCED_RLIMIT);
	CHECK(verdict_from_name("tle", &v) == 0 && v == VERDICT_TLE);
	CHECK(verdict_from_name("XYZ", &v) < 0);
	CHECK(verdict_exit_status(VERDICT_OK) == 0);
	CHECK(verdict_exit_status(VERDICT_AC) == 0);
	CHECK(verdict_exit_status(VERDICT_WA) == 1);
	CHECK(verdict_exit_status(VERDICT_CE) == 1);
	CHECK(verdict_exit_status(VERDICT_SV) == 1);
	CHECK(verdict_exit_status(VERDICT_IE) == 3);

	CHECK(classify(BOX_EXITED, 0, 0, 1, 100, ENFORCED_CGROUP_V1, d) ==
	      VERDICT_OK);
	CHECK(classify(BOX_EXITED, 3, 0, 1, 100, ENFORCED_CGROUP_V1, d) ==
	      VERDICT_RE);
	CHECK_STR(d, "exit code 3");
	CHECK(classify(BOX_SIGNALED, 0, SIGSEGV, 1, 100, ENFORCED_CGROUP_V1,
	               d) == VERDICT_RE);
	CHECK_STR(d, "killed by SIGSEGV");
	CHECK(classify(BOX_SIGNALED, 0, SIGABRT, 1, 100, ENFORCED_CGROUP_V2,
	               d) == VERDICT_RE);
	CHECK_STR(d, "killed by SIGABRT");
	CHECK(classify(BOX_CPU, 0, SIGKILL, 2001, 100, ENFORCED_CGROUP_V1, d) ==
	      VERDICT_TLE);
	CHECK(strstr(d, "CPU time") != NULL);
	CHECK(classify(BOX_WALL, 0, SIGKILL, 0, 100, ENFORCED_CGROUP_V1, d) ==
	      VERDICT_TLE);
	CHECK(strstr(d, "wall time") != NULL);
	/* the per-process CPU rlimit backstop */
	CHECK(classify(BOX_SIGNALED, 0, SIGXCPU, 2500, 100, ENFORCED_RLIMIT,
	               d) == VERDICT_TLE);
	CHECK(classify(BOX_SIGNALED, 0, SIGKILL, 2500, 100, ENFORCED_RLIMIT,
	               d) == VERDICT_TLE);
	/* a signal the program sent itself, with its CPU time unspent */
	CHECK(classify(BOX_SIGNALED, 0, SIGXCPU, 3, 100, ENFORCED_CGROUP_V1,
	               d) == VERDICT_RE);
	CHECK_STR(d, "killed by SIGXCPU");
	CHECK(classify(BOX_MEMORY, 0, SIGKILL, 1, 262144, ENFORCED_CGROUP_V1,
	               d) == VERDICT_MLE);
	CHECK_STR(d, "memory limit 256M exceeded");
	{
		/* a limit too small for the program to start */
		struct box_result r = {.end = BOX_MEMORY};
		struct limits l;

		limits_default_run(&l);
		l.mem_bytes = 64 << 10;
		snprintf(r.message, sizeof r.message,
		         "too small for the program to start");
		CHECK(pipeline_classify(&r, &l, d, sizeof d) == VERDICT_MLE);
		CHECK_STR(d, "memory limit 64.0K exceeded: too small for the "
		             "program to start");
	}
	/* under rlimits, dying near the memory limit is MLE */
	CHECK(classify(BOX_SIGNALED, 0, SIGSEGV, 1, 250000, ENFORCED_RLIMIT,
	               d) == VERDICT_MLE);
	CHECK(classify(BOX_SIGNALED, 0, SIGSEGV, 1, 2000, ENFORCED_RLIMIT, d) ==
	      VERDICT_RE);
	CHECK(classify(BOX_EXITED, 3, 0, 1, 250000, ENFORCED_RLIMIT, d) ==
	      VERDICT_MLE);
	CHECK(classify(BOX_EXITED, 3, 0, 1, 250000, ENFORCED_CGROUP_V2, d) ==
	      VERDICT_RE);
	CHECK(classify(BOX_OUTPUT, 0, SIGKILL, 1, 100, ENFORCED_CGROUP_V1, d) ==
	      VERDICT_OLE);
	CHECK(classify(BOX_SIGNALED, 0, SIGXFSZ, 1, 100, ENFORCED_CGROUP_V1,
	               d) == VERDICT_RE);
	CHECK_STR(d, "killed by SIGXFSZ");
	fsize_reached = true; /* the init found a file at the limit */
	CHECK(classify(BOX_SIGNALED, 0, SIGXFSZ, 1, 100, ENFORCED_CGROUP_V1,
	               d) == VERDICT_OLE);
	CHECK(strstr(d, "file size") != NULL);
	fsize_reached = false;
	CHECK(classify(BOX_SYSCALL, 0, SIGKILL, 1, 100, ENFORCED_CGROUP_V1,
	               d) == VERDICT_SV);
	CHECK_STR(d, "forbidden system call: keyctl");
	/* SIGSYS alone is a signal like any other: the filter's kills are
	 * BOX_SYSCALL, named or (old kernels) not */
	CHECK(classify(BOX_SIGNALED, 0, SIGSYS, 1, 100, ENFORCED_CGROUP_V1,
	               d) == VERDICT_RE);
	CHECK_STR(d, "killed by SIGSYS");
	CHECK(classify(BOX_ERROR, 0, 0, 0, 0, ENFORCED_CGROUP_V1, d) ==
	      VERDICT_IE);
	CHECK_STR(d, "pivot_root failed");
	return check_done();
}
