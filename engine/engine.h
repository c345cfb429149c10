/*
 * Forge's sandbox engine: limits, verdicts, language plugins, the build
 * cache, the backends behind one table, the compile-then-run pipeline and
 * the judging rules.
 *
 * The engine knows nothing of terminals, curses or HTTP: the CLI and the
 * TUI are faces over it. It builds on the base layer (base/base.h); each
 * backend keeps its own declarations private (engine/ns/ns.h), and the
 * editor's syntax tables are in engine/lang-syntax.h. Prototypes are
 * grouped by the file that defines them.
 *
 * State per process. The engine reads no environment variable: a face
 * reads them (engine_config_env) and passes them in (engine_configure).
 * What it keeps between calls belongs to the process and is meant for one
 * thread at a time:
 *   - the configuration (engine-config.c) and the default backend
 *     (backend_choose, backend.c), both set at start;
 *   - the ns backend's caches: what the host allows (probed once), the
 *     prepared roots that the next run of the same build reuses and the
 *     cgroup parked for the next run (ns/ns.c, ns/ns-cgroup.c), all
 *     dropped by backend_release_all() before the process exits;
 *   - lang_system_dir()'s answer, rewritten by each call.
 * Runs from one process are safe one after another, and at the same time
 * from forked processes, each with its own copy of that state (as forge
 * judge's workers and the workbench's runner are). Two threads of one
 * process must not run or judge at once: a long-lived face (the
 * workbench, a server) runs concurrent jobs in worker processes.
 */
#ifndef FORGE_ENGINE_H
#define FORGE_ENGINE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/base.h"

/* The uid and gid a program runs as inside the sandbox. */
#define SANDBOX_UID 1000
#define SANDBOX_GID 1000
/* Where the build (or the interpreted source) is bound, read-only. */
#define SANDBOX_PROG "/prog"
/* The program's writable working directory (a size-limited tmpfs). */
#define SANDBOX_WORK "/work"

/* engine-config.c: what the engine is told when a process starts. These are
 * per process: a process configures the engine once, before its first
 * run; the faces read the environment, the engine itself never does. */
struct engine_config {
	char *cache_dir;    /* builds, toolchain versions, computed limits */
	uint64_t cache_max; /* bytes of builds kept; 0: 1G */
	char *data_dir;     /* the installed data: DIR/languages/ */
	char *user_dir;     /* the user's own: DIR/languages/ (overrides),
	                       DIR/languages/templates/ */
	bool no_cgroup;     /* limits by rlimits alone (FORGE_NO_CGROUP) */
	bool no_scope;      /* never ask the systemd user manager for a
	                       transient scope (FORGE_NO_SCOPE) */
	char *docker_host;  /* the docker backend's daemon: DOCKER_HOST
	                       (unix://PATH); NULL: /var/run/docker.sock */
	/* the docker backend's OCI runtime (runsc for gVisor):
	 * FORGE_DOCKER_RUNTIME or --runtime, before a language's; NULL:
	 * the daemon's default */
	char *docker_runtime;
	/* the remote backend's forge serve (FORGE_SERVER or --server) and
	 * its API token (FORGE_TOKEN); NULL: none */
	char *remote_server;
	char *remote_token;
	/* the CAs an https:// server's certificate is checked against
	 * (FORGE_SERVER_CA, a PEM file); NULL: the system's */
	char *remote_ca;
	/* the docker backend's warm pool: containers kept ready for each
	 * kind of run (FORGE_DOCKER_POOL, default 2); 0: none */
	unsigned docker_pool;
	/* where the docker backend finds the containers' cgroups
	 * (FORGE_DOCKER_CGROUP_ROOT); NULL: /sys/fs/cgroup */
	char *docker_cgroup_root;
};
#define ENGINE_DOCKER_POOL_DEFAULT 2
#define ENGINE_DOCKER_POOL_MAX     16
void engine_config_env(struct engine_config *);
void engine_config_free(struct engine_config *);
void engine_configure(const struct engine_config *);
const struct engine_config *engine_config(void);

/* escape.c: program-controlled text made safe for a terminal */
void escape_text(struct buf *, const char *, size_t, bool lines);
char *escape_cstr(const char *, bool lines);

/* compare.c */
enum compare_mode { COMPARE_TOKENS, COMPARE_EXACT };
struct compare_opts {
	enum compare_mode mode;
	bool case_sensitive;
	bool space_sensitive;
	double abs_tol; /* < 0: not given */
	double rel_tol;
};
void compare_opts_default(struct compare_opts *);
int compare_parse_flags(struct compare_opts *, const char *flags, char *err,
                        size_t);
bool compare_output(const struct compare_opts *, const char *out, size_t,
                    const char *ans, size_t, struct buf *why);

/* limits.c */
struct limits {
	uint64_t cpu_ms;       /* CPU time of all processes together */
	uint64_t wall_ms;      /* wall-clock time */
	uint64_t mem_bytes;    /* memory of all processes together */
	uint64_t output_bytes; /* stdout and stderr together */
	uint64_t fsize_bytes;  /* each file, and each writable fs */
	uint32_t pids;         /* processes and threads together */
	bool net;              /* a private loopback; never the host's */
};
void limits_default_run(struct limits *);
void limits_default_compile(struct limits *);
/* The one way a number from outside (an option, a settings, language,
 * Kattis, companion or import file) becomes a limit: NaN, infinities,
 * negatives and values past these maximums are refused with a message
 * that names the allowed range; the caller adds the file and the key. */
#define LIMITS_CPU_MAX_MS  (86400ULL * 1000)     /* a day */
#define LIMITS_WALL_MAX_MS (7 * 86400ULL * 1000) /* a week */
#define LIMITS_SIZE_MAX    (1ULL << 40)          /* 1T */
#define LIMITS_PIDS_MAX    1000000u
/* Multipliers of a time limit (Kattis time_limit_to_tle and the like) */
#define LIMITS_FACTOR_MAX 100.0
enum limits_field {
	LIMITS_CPU,    /* ms */
	LIMITS_WALL,   /* ms */
	LIMITS_MEMORY, /* bytes */
	LIMITS_OUTPUT, /* bytes */
	LIMITS_FSIZE,  /* bytes */
	LIMITS_PIDS,   /* processes */
};
/* v in units of unit (1000 for seconds into ms, 1048576 for MiB). */
int limits_from_number(enum limits_field, double v, double unit, uint64_t *out,
                       char *err, size_t);
/* What a user types: "2", "500ms", "256M", "64". */
int limits_parse(enum limits_field, const char *, uint64_t *out, char *err,
                 size_t);
/* ceil(ms * factor), saturated at LIMITS_CPU_MAX_MS: never wraps. */
uint64_t limits_scale_ms(uint64_t ms, double factor);
/* A size that is not a sandbox limit (caches, history): no 1T bound. */
int limits_parse_size(const char *, uint64_t *, char *err, size_t);
/* A time as a wall limit (at most a week). */
int limits_parse_seconds(const char *, uint64_t *ms, char *err, size_t);
int limits_parse_count(const char *, uint32_t *, char *err, size_t);
void limits_format_size(uint64_t, char *, size_t);
uint64_t limits_default_wall(uint64_t cpu_ms);
void limits_finish(struct limits *, bool wall_given);
#define LIMITS_WALL_TYPED_MS 60000 /* the default when a person types */
void limits_typed_input(struct limits *, bool wall_given);

/* verdict.c */
enum verdict {
	VERDICT_OK,
	VERDICT_AC,
	VERDICT_WA,
	VERDICT_TLE,
	VERDICT_MLE,
	VERDICT_OLE,
	VERDICT_RE,
	VERDICT_CE,
	VERDICT_SV,
	VERDICT_IE,
	VERDICT_AB, /* aborted by the user: stopped in the workbench,
	              cancelled through the API */
	VERDICT__COUNT
};
const char *verdict_name(enum verdict);
const char *verdict_describe(enum verdict);
int verdict_from_name(const char *, enum verdict *);
int verdict_exit_status(enum verdict);
bool verdict_good(enum verdict);

/* sandbox.c: what a backend is asked to run and what it reports */
enum box_end {
	BOX_EXITED,   /* the program exited by itself */
	BOX_SIGNALED, /* the program died of a signal */
	BOX_CPU,      /* killed: CPU time over its limit */
	BOX_WALL,     /* killed: wall time over its limit */
	BOX_MEMORY,   /* the memory limit was hit (OOM kill) */
	BOX_OUTPUT,   /* killed: output over its limit */
	BOX_SYSCALL,  /* killed: a forbidden system call */
	BOX_ERROR     /* the sandbox itself failed */
};
enum box_enforcer {
	ENFORCED_CGROUP_V2,
	ENFORCED_CGROUP_V1,
	ENFORCED_RLIMIT,
	/* cgroup v2 with one of memory and pids not delegated (a systemd
	 * user manager's Delegate=pids): the cgroup binds the other, and
	 * the missing one is per-process rlimits plus sampling */
	ENFORCED_CGROUP_V2_PIDS,  /* memory by rlimit */
	ENFORCED_CGROUP_V2_MEMORY /* processes by rlimit */
};

struct box_sample {
	uint64_t t_ms;      /* since the program started */
	uint64_t cpu_ms;    /* CPU time so far, all processes */
	uint64_t mem_bytes; /* memory now */
	uint32_t pids;      /* processes and threads now */
};
typedef void (*box_sample_fn)(const struct box_sample *, void *);
/* stream: 1 for stdout, 2 for stderr */
typedef void (*box_output_fn)(int stream, const char *, size_t, void *);

struct box_file {
	char *name;
	mode_t mode;
	struct buf data;
};

/* A file put into /work before the program starts. */
struct box_input {
	const char *name; /* "x" or "dir/x" under /work */
	const char *data;
	size_t len;
};

struct box_spec {
	char **argv;          /* resolved on the sandbox's PATH */
	char **envp;          /* the whole environment inside */
	char **ro_paths;      /* extra host paths bound read-only */
	const char *prog_dir; /* bound read-only at /prog; NULL: none */
	const struct box_input *inputs;
	size_t ninputs;
	const char *const *mkdirs; /* empty directories made in /work */
	char **collect;            /* globs ("x*", "dir/x*") of /work files
	                              brought back when the program exits */
	struct limits limits;
	int stdin_fd;          /* pumped in by the keeper; -1: /dev/null */
	int tty_fd;            /* >= 0: stdin, stdout, stderr are this pty */
	int pipe_in, pipe_out; /* >= 0: the program's stdin/stdout as they
	                          are (pipes between two sandboxes) */
	box_output_fn on_output;
	box_output_fn on_input; /* stream 0: bytes given to the program */
	box_sample_fn on_sample;
	void *arg;
	bool reuse;        /* the sandbox's root may be kept for the next run of
	                      the same command (only stdin differs), and taken
	                      from the last */
	const char *image; /* docker: the language's image; NULL: Forge's */
	/* docker: the language's OCI runtime, or NULL */
	const char *runtime;
};

struct box_result {
	enum box_end end;
	int exit_code; /* BOX_EXITED */
	int signal;    /* the fatal signal, or 0 */
	uint64_t cpu_ms;
	uint64_t wall_ms;
	uint64_t mem_kb; /* peak, whole run */
	uint64_t output_bytes;
	enum box_enforcer enforced_by;
	bool fsize_reached;     /* a file the program wrote is at the file
	                           size limit (what makes SIGXFSZ the
	                           limit's doing, not the program's) */
	bool mem_per_process;   /* the memory limit holds each process, and an
	                           allocation over it fails (rlimits): a
	                           failure near it is the limit's doing */
	uint64_t end_us;        /* when the program ended (monotonic) */
	char syscall[48];       /* BOX_SYSCALL */
	char message[512];      /* BOX_ERROR and other detail */
	struct box_file *files; /* collected from /work */
	size_t nfiles;
};
void box_spec_init(struct box_spec *);
void box_result_free(struct box_result *);
const struct box_file *box_result_file(const struct box_result *,
                                       const char *name);
const char *box_enforcer_name(enum box_enforcer);
enum box_enforcer box_enforcer_from_name(const char *);
const char *box_end_name(enum box_end);

/* backend.c: one interface, several sandboxes. Nothing outside a
 * backend's own files names its functions: callers go through this
 * table. */
struct backend_check {
	const char *name;
	int status; /* 0 ok, 1 warning, 2 missing */
	char detail[256];
	char fix[512];
};
struct language;
struct pipeline_request;
struct pipeline_result;
struct judge_program;
struct build;
struct backend {
	const char *name;
	const char *description;
	/* Fills up to max checks; returns how many. */
	size_t (*doctor)(struct backend_check *, size_t max);
	/* 0 when the run happened (its outcome is in the result, even
	 * BOX_ERROR); never runs anything outside the sandbox. */
	int (*run)(const struct box_spec *, struct box_result *);
	/* Before the process exits: drop what was kept for later runs
	 * (prepared sandboxes, pooled cgroups). Safe to call twice. */
	void (*release)(void);
	/* Remove what runs of crashed or killed forge processes left. */
	void (*cleanup_stale)(void);
	/* Whether the language's toolchain can run on this backend; why not
	 * (with how to get it) in why. */
	bool (*lang_available)(const struct language *, char *why, size_t);
	/* An identity of the tool a command starts, cheap to get (without
	 * running it) and changed by an upgrade; false when not found. */
	bool (*tool_id)(const char *cmd, char *id, size_t);
	/* Optional (NULL: the host's tools): the identity of the image a
	 * language's tools run in, by content (a rebuilt image under the
	 * same name is another toolchain); false when it is not there. */
	bool (*image_id)(const struct language *, char *id, size_t);
	/* Optional (NULL: nothing to prepare): make what the backend needs
	 * before its first run, e.g. the docker backend's image (forge
	 * image build); what it did in log. */
	int (*prepare)(struct buf *log, char *err, size_t);
	/* Optional: the backend compiles and runs whole programs itself,
	 * elsewhere (the remote backend: a forge serve), and pipeline_run
	 * hands it the request; run is then never given a box_spec. */
	int (*run_program)(const struct pipeline_request *,
	                   struct pipeline_result *);
	/* Optional, with run_program: a judge done there whole (compile
	 * once, every selected test, the comparator): the build's outcome
	 * in build (as pipeline_build leaves it: compile output, cached, CE
	 * or IE with its detail), each test through the callback. */
	int (*judge_program)(struct judge_program *, struct build *);
	/* Optional: whether forge-full, which has what this program was
	 * built without (sd-bus, for the ns backend's transient scope),
	 * would enforce limits better here; forge then runs it. */
	bool (*wants_full)(void);
	/* Optional: what a process of this backend's own (run as forge
	 * BACKEND_HELPER_ARG, see backend_set_helper) does; no return. */
	void (*helper_main)(void);
	/* Optional: true, with why in note, where the backend tried to
	 * bind the limits to the whole run and could only in part or not
	 * at all (a systemd user manager that refused a scope, or did not
	 * delegate every controller); forge says so once. */
	bool (*limits_note)(char *note, size_t);
};
const struct backend *backend_find(const char *);
int backend_lookup(const char *name, const struct backend **, char *err,
                   size_t);
const struct backend *backend_default(void);
void backend_choose(const struct backend *);
void backend_list(const struct backend *const **, size_t *);
void backend_release_all(void);
/* A face's threads must not run while a backend clones this process
 * without fork's care for the C library's locks (the namespace
 * backend's raw clones): fn, set once, is called before each such
 * clone and returns when none runs. */
void backend_set_quiesce(void (*fn)(void));
void backend_quiesce(void);
/* A long-lived face linked with many libraries (forge-serve) names the
 * static forge here: the namespace backend's holders then run it rather
 * than staying copies of the face, whose address space every run would
 * copy twice (ns-holder.c). forge runs backend_helper_main when its only
 * argument is BACKEND_HELPER_ARG. */
#define BACKEND_HELPER_ARG "--ns-holder"
void backend_set_helper(const char *path);
void backend_find_helper(void); /* beside this program, or installed */
const char *backend_helper(void);
FORGE_NORETURN void backend_helper_main(void);

/* lang.c: language plugins */
/* [editor] */
struct language_editor {
	bool indent_tabs;    /* indent = tabs */
	int indent_width;    /* columns of one level, 1..16; default 4 */
	int tab_width;       /* columns of a tab, 1..16 */
	char *template_name; /* template = FILE, in templates/ */
};
struct language {
	char *id;
	char *name;
	char **extensions;
	char *source;     /* file name, may use {name} */
	char *name_regex; /* finds {name} in the source (e.g. Java) */
	int name_group;
	char *name_default;
	char *compile; /* optional */
	char *run;
	char *version;
	char **artifacts; /* globs kept from a compile */
	char **paths;     /* extra read-only host paths */
	char **env;       /* KEY=VALUE inside the sandbox */
	struct limits compile_limits;
	char *image;   /* for the docker backend */
	char *runtime; /* the docker backend's OCI runtime (runsc) */
	char *package; /* the Debian package with the toolchain */
	char *file;    /* where it was defined */
	struct language_syntax *syntax; /* [syntax], for the editor: see
	                                   engine/lang-syntax.h; NULL: none */
	struct language_editor editor;
	struct language *next;
};
struct language_set {
	struct language *head;
	char **errors; /* problems found while loading, one line each */
	size_t nerrors;
};
int lang_parse_file(const char *, struct language **, char *err, size_t);
int lang_parse_string(const char *text, const char *file, struct language **,
                      char *err, size_t);
void lang_load_all(struct language_set *);
const struct language *lang_load_for_file(struct language_set *,
                                          const char *path);
void lang_load_dirs(struct language_set *, const char *const *dirs,
                    size_t ndirs);
void lang_set_free(struct language_set *);
void lang_free(struct language *);
const struct language *lang_find_id(const struct language_set *, const char *);
const struct language *lang_find_file(const struct language_set *,
                                      const char *path);
bool lang_available(const struct language *, const struct backend *, char *why,
                    size_t);
bool lang_host_available(const struct language *, char *why, size_t);
bool lang_host_tool_id(const char *cmd, char *id, size_t);
char *lang_toolchain_version(const struct language *, const struct backend *);
char *lang_source_name(const struct language *, const char *src, size_t len);
char *lang_program_name(const struct language *, const char *src, size_t len);
char *lang_expand(const char *cmd, const char *source, const char *name);
char *lang_template(const struct language *, size_t *len);
const char *lang_system_dir(void);

/* cache.c: builds kept by content hash */
char *cache_dir(void);
void cache_key(const struct language *, const struct backend *,
               const char *source_name, const char *src, size_t len,
               const struct box_input *extra, size_t nextra, char hex[65]);
int cache_open(const char *key, int *dirfd);
char *cache_build_path(const char *key);
int cache_store(const char *key, const struct box_file *, size_t,
                const char *compile_output, int *dirfd, char *err, size_t);
int cache_store_source(const char *key, const char *name, const char *src,
                       size_t len, int *dirfd, char *err, size_t);
char *cache_read_note(int dirfd);
void cache_cleanup_stale(void);
bool cache_name_ok(const char *);
void cache_sha256(const char *, size_t, char hex[65]);
char *cache_toolchain(const struct language *, const struct backend *);

/* testset.c */
struct test_case {
	char *name;
	char *in_path, *ans_path; /* files, or ... */
	char *in_data, *ans_data; /* ... data (competitive-companion) */
	size_t in_len, ans_len;
	bool has_answer; /* false: a run-only test */
	char *flags;     /* output validator flags of its group */
	/* a scoring package's: what the test scores accepted or not (its
	 * group's testdata.yaml accept_score and reject_score) */
	double accept_score, reject_score;
};
/* A package's test data group (data/, data/secret/, data/secret/g1/...):
 * its testdata.yaml's scoring keys, or the nearest ancestor's. */
struct testset_group {
	char *prefix;        /* "" for data/, "secret/", "secret/g1/" */
	double accept_score; /* default 1 */
	double reject_score; /* default 0 */
	char *grader_flags;  /* NULL: none (the default grader sums) */
};
enum testset_kind { TESTSET_DIR, TESTSET_KATTIS, TESTSET_COMPANION };
struct testset {
	enum testset_kind kind;
	char *path;
	char *name;
	struct test_case *tests;
	size_t ntests;
	uint64_t time_ms;   /* 0: not given by the test set */
	uint64_t mem_bytes; /* 0: not given */
	bool interactive;
	bool custom_validator;
	char *validator_path; /* a Kattis output validator: file or dir */
	char *validator_flags;
	/* Kattis timing (problem.yaml limits), with the format's defaults */
	bool time_legacy;         /* the legacy format's keys and defaults */
	double ac_to_time_limit;  /* legacy: time_multiplier */
	double time_limit_to_tle; /* legacy: time_safety_margin */
	double time_resolution;   /* seconds; legacy: whole seconds */
	bool scoring;             /* problem.yaml type: scoring */
	struct testset_group *groups; /* a package's, parents first */
	size_t ngroups;
};
bool testset_is_package(const char *dir, bool strict);
int testset_load(struct testset *, const char *path, char *err, size_t);
void testset_free(struct testset *);
const struct testset_group *testset_group_of(const struct testset *,
                                             const char *name);
int testset_read(const struct test_case *, bool answer, struct buf *, char *err,
                 size_t);
void testset_digest(const struct testset *, const char *extra, char hex[65]);
char **testset_list(const char *dir, size_t *n, bool natural);
void testset_free_list(char **, size_t);

/* pipeline.c: resolve → compile (cached) → run → verdict */
struct pipeline_request {
	const struct language *lang;
	const struct backend *backend;
	const char *source;
	size_t source_len;
	const struct box_input *extra; /* more files of the program */
	size_t nextra;
	struct limits limits;
	struct limits compile_limits;
	char **args; /* the program's, after its run command; NULL: none */
	/* the sandbox's root may be kept for the next run of the same
	 * build, and taken from the last (a long-lived process: a server's
	 * worker); each run still has its own /work and /tmp */
	bool reuse;
	int stdin_fd;
	int tty_fd;
	/* with tty_fd, on a backend that runs programs elsewhere (remote):
	 * the terminal's Ctrl-C, Ctrl-\ and Ctrl-Z stay signals here (forge
	 * run at a terminal: they cancel the job), not keys for the
	 * program; the program's output also goes to on_output */
	bool tty_signals;
	box_output_fn on_output;
	box_output_fn on_input;
	box_sample_fn on_sample;
	void *arg;
};
struct pipeline_result {
	enum verdict verdict;
	char detail[512];    /* the reason, one line */
	bool compiled;       /* the language compiles */
	bool build_cached;   /* an earlier identical build was reused */
	uint64_t compile_ms; /* wall time of the compile, 0 when cached */
	struct buf compile_output;
	struct box_result run;
	bool ran;
	/* from a backend that runs whole programs: the toolchain it used,
	 * as the history keeps it; else NULL */
	char *toolchain;
};
struct build {
	const struct language *lang;
	char key[65];
	char *dir;  /* the cached build, bound at /prog */
	char *name; /* {name}: e.g. a Java program's class */
	char *source_name;
	char **env;
	char **argv;         /* the run command */
	bool compiled;       /* the language compiles */
	bool cached;         /* an earlier identical build was reused */
	uint64_t compile_ms; /* wall time of the compile, 0 when cached */
	struct buf compile_output;
	enum verdict verdict; /* CE or IE when the build failed */
	char detail[512];
};
int pipeline_build(struct build *, const struct language *,
                   const struct backend *, const char *src, size_t len,
                   const struct box_input *extra, size_t nextra,
                   const struct limits *compile_limits, bool tty);
void pipeline_spec(const struct build *, struct box_spec *);
void pipeline_build_free(struct build *);
enum verdict pipeline_exec(const struct build *, const struct backend *,
                           const struct limits *, char **args, const char *in,
                           size_t in_len, struct buf *out, struct buf *err,
                           struct box_result *, char *detail, size_t);
int pipeline_run(const struct pipeline_request *, struct pipeline_result *);
void pipeline_result_free(struct pipeline_result *);
enum verdict pipeline_classify(const struct box_result *, const struct limits *,
                               char *detail, size_t);

/* program.c: a problem package's own program (a validator, a checker):
 * a file, or a directory as the problem package format defines one
 * (build/run scripts, sources in one language built together, nested
 * one level down); ready for pipeline_build */
struct program {
	char *main;                  /* its main file (build, run, a source) */
	const struct language *lang; /* what builds it: found, or own */
	struct language own;         /* made for it: scripts, sources built
	                                together */
	bool has_own;
	char *owned[6]; /* strings of own, freed with it */
	char *artifacts[2];
	struct buf src;          /* the main file */
	struct box_input *extra; /* the files beside it */
	struct buf *extra_data;
	size_t nextra;
};
int program_load(struct program *, const char *path,
                 const struct language_set *, char *err, size_t);
void program_free(struct program *);

/* judge.c */
enum checker_kind { CHECKER_TESTLIB, CHECKER_KATTIS };
struct checker {
	enum checker_kind kind;
	struct program prog; /* its build's language lives here */
	struct build build;
	bool built;
};
struct judge_opts {
	const struct backend *backend;
	struct limits limits;
	struct compare_opts compare;
	const struct checker *checker; /* NULL: compare */
	const char *validator_flags;   /* a Kattis validator's, by default */
	bool interactive;
	unsigned jobs;
	bool stop_on_fail;
	char **only; /* names or globs of the tests to run */
	/* > 0: runs over this CPU time are TLE, though the sandbox lets them
	 * go on to limits.cpu_ms so that their time is known (Kattis
	 * time_limit_to_tle) */
	uint64_t verdict_cpu_ms;
	/* each test's stdout comes back in its judge_test (output) */
	bool keep_output;
};
/* One test's result: fixed size, so a worker sends it in one write. */
struct judge_test {
	uint32_t index;
	enum verdict verdict;
	bool exited;
	int32_t exit_code;
	int32_t signal;
	uint64_t time_ms, wall_ms, mem_kb;
	enum box_enforcer enforced_by;
	char detail[512];       /* the reason, or the checker's message */
	char diff[1024];        /* where the output first differs */
	char stderr_head[2048]; /* the start of the program's stderr, */
	uint32_t stderr_len;    /* bytes of it (it may hold NULs) */
	/* With judge_opts.keep_output: the program's stdout as judged, up to
	 * its output limit (output_truncated when it printed more); owned
	 * by whoever filled this, freed by judge_test_free. Else NULL. */
	char *output;
	size_t output_len;
	bool output_truncated;
};
typedef void (*judge_report_fn)(const struct judge_test *,
                                const struct test_case *, void *);
/* A judge handed whole to a backend that runs programs elsewhere
 * (backend.judge_program): the program, the rules as judge_prepare made
 * them, and where each test's result goes. */
struct judge_program {
	const struct language *lang;
	const char *source;
	size_t source_len;
	struct limits compile_limits;
	const struct testset *ts;
	const struct judge_opts *opts; /* limits, compare, only, stop */
	judge_report_fn report;
	void *arg;
	char *toolchain; /* set by the backend: what it used; NULL */
};
int checker_prepare(struct checker *, enum checker_kind, const char *path,
                    const struct language_set *, const struct backend *,
                    char *err, size_t);
void checker_free(struct checker *);
void judge_one(const struct judge_opts *, const struct build *,
               const struct testset *, size_t, struct judge_test *);
void judge_output(const struct judge_opts *, const struct testset *, size_t,
                  const char *out, size_t len, struct judge_test *);
void judge_test_free(struct judge_test *);
bool judge_selected(const struct judge_opts *, const struct test_case *);
size_t judge_run(const struct judge_opts *, const struct build *,
                 const struct testset *, judge_report_fn, void *);

/* judge-prepare.c: the rules of a judge, one place for every face (the
 * CLI, the workbench, a server): the test set's limits merged with the
 * caller's, the wall-time rule, a package's computed time limit and
 * time_limit_to_tle, the comparator and checker, and the digest of the
 * test set as judged. */
struct judge_request {
	const struct testset *ts; /* loaded */
	const struct language_set *langs;
	const struct backend *backend;
	/* the caller's limits: what it was given (time_given, ...) wins over
	 * the test set's; the rest are defaults */
	struct limits limits;
	bool time_given, wall_given, mem_given;
	struct compare_opts compare; /* the test set's flags come on top */
	const char *checker_path;    /* a testlib checker; NULL: none */
	const char *validator_path;  /* NULL: the package's, if any */
	bool interactive;            /* forced; a package may say so too */
	char **only;                 /* NULL-terminated names or globs */
	bool stop_on_fail;
	unsigned jobs; /* 0: 1 */
	bool keep_output;
};
/* Where the CPU time limit came from. */
enum judge_time_source {
	JUDGE_TIME_GIVEN,    /* the caller's, given */
	JUDGE_TIME_TESTSET,  /* the test set's */
	JUDGE_TIME_COMPUTED, /* from a package's accepted submissions */
	JUDGE_TIME_DEFAULT,  /* the caller's default */
	/* a package that gives none and has no accepted submission to
	 * compute it from: the default */
	JUDGE_TIME_UNCOMPUTED,
};
enum judge_prepare_status {
	JUDGE_PREPARED = 0,
	JUDGE_PREPARE_BAD_INPUT, /* the test set or the request: usage */
	JUDGE_PREPARE_INTERNAL,  /* the sandbox failed meanwhile */
};
struct judge_prepared {
	struct judge_opts opts; /* for judge_run / judge_one */
	/* the limits as reported and recorded: the CPU limit is the
	 * verdict's (opts.limits.cpu_ms may be longer: time_limit_to_tle) */
	struct limits limits;
	struct checker checker; /* opts.checker points here when used */
	bool have_checker;
	size_t selected; /* tests --only picks */
	enum judge_time_source time_source;
	/* JUDGE_TIME_COMPUTED: the slowest accepted submission and test */
	char time_submission[256], time_test[256];
	uint64_t time_slowest_ms;
	bool time_cached;    /* computed by an earlier judge */
	char time_note[512]; /* one line: the limit and where it came from */
	struct buf warnings; /* submissions left out and why, a line each */
	char digest[65];     /* the test set as judged (contents and rules) */
};
void judge_prepare_request(struct judge_request *, const struct testset *,
                           const struct language_set *, const struct backend *);
enum judge_prepare_status judge_prepare(struct judge_prepared *,
                                        const struct judge_request *, char *err,
                                        size_t);
void judge_prepare_free(struct judge_prepared *);
const char *judge_prepare_source_name(enum judge_time_source);
enum verdict judge_prepare_overall(const struct build *, const struct testset *,
                                   size_t ran, size_t passed,
                                   const struct judge_test *first_fail,
                                   const char **detail);

/* testset-time.c: a package's time limit from its accepted submissions */
struct testset_time {
	uint64_t time_ms;     /* the limit; 0: no accepted submission ran */
	uint64_t slowest_ms;  /* the slowest test of the slowest of them */
	char submission[256]; /* that one: submissions/accepted/NAME */
	char test[256];       /* and that test */
	size_t nrun;          /* accepted submissions judged */
	bool cached;          /* computed by an earlier judge: nothing ran */
	struct buf notes;     /* submissions left out and why, a line each */
};
uint64_t testset_time_round(uint64_t slowest_ms, double multiplier,
                            double resolution_s);
int testset_time_compute(const struct testset *, const struct judge_opts *,
                         const struct language_set *, struct testset_time *,
                         char *err, size_t);
void testset_time_free(struct testset_time *);

#endif
