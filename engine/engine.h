/*
 * Forge's sandbox engine: limits, verdicts, language plugins, the build
 * cache, the backends and the compile-then-run pipeline.
 *
 * The engine knows nothing of terminals or curses: the CLI and the TUI are
 * two faces over it. Prototypes are grouped by the file that defines them.
 */
#ifndef FORGE_ENGINE_H
#define FORGE_ENGINE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define FORGE_NORETURN     __attribute__((noreturn))
#define FORGE_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* The uid and gid a program runs as inside the sandbox. */
#define SANDBOX_UID 1000
#define SANDBOX_GID 1000
/* Where the build (or the interpreted source) is bound, read-only. */
#define SANDBOX_PROG "/prog"
/* The program's writable working directory (a size-limited tmpfs). */
#define SANDBOX_WORK "/work"

/* xmalloc.c */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
int xasprintf(char **, const char *, ...) FORGE_PRINTF(2, 3);
void strlcpy0(char *, const char *, size_t);

static inline void
cleanup_freep(void *p)
{
	extern void free(void *);
	free(*(void **)p);
}
#define cleanup_free __attribute__((cleanup(cleanup_freep)))

/* buf.c: a growable byte buffer, optionally capped */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t limit; /* 0: unlimited; else bytes beyond are dropped */
	bool truncated;
};
void buf_init(struct buf *, size_t limit);
void buf_add(struct buf *, const void *, size_t);
void buf_addstr(struct buf *, const char *);
void buf_printf(struct buf *, const char *, ...) FORGE_PRINTF(2, 3);
char *buf_cstr(struct buf *);
void buf_reset(struct buf *);
void buf_free(struct buf *);

/* util.c */
ssize_t util_read_all(int, void *, size_t);
int util_write_all(int, const void *, size_t);
int util_read_file(const char *, struct buf *, size_t max);
int util_read_fd(int, struct buf *, size_t max);
uint64_t util_now_ms(void);
uint64_t util_now_us(void);
int util_mkdir_p(const char *, mode_t);
char *util_path_join(const char *, const char *);
const char *util_home(void);
char *util_xdg_path(const char *env, const char *fallback, const char *rel);
char **util_split_words(const char *, size_t *);
void util_free_words(char **);
bool util_find_in_path(const char *, const char *path, char *out, size_t);
int util_set_cloexec(int, bool);
int util_set_nonblock(int, bool);
int util_natural_cmp(const char *, const char *);
int util_memfd(const char *, size_t);
char **util_argv_concat(char **base, char **more);

/* json.c */
struct json_writer {
	struct buf *out;
	bool comma;
};
void json_escape(struct buf *, const char *, size_t);
bool json_valid_utf8(const char *, size_t);
size_t json_utf8_len(const char *, size_t);
void json_open(struct json_writer *, const char *key, char bracket);
void json_close(struct json_writer *, char bracket);
void json_str(struct json_writer *, const char *key, const char *, size_t);
void json_cstr(struct json_writer *, const char *key, const char *);
void json_int(struct json_writer *, const char *key, long long);
void json_double(struct json_writer *, const char *key, double);
void json_bool(struct json_writer *, const char *key, bool);
void json_null(struct json_writer *, const char *key);

/* jsonparse.c: strict JSON into a tree. Every accessor takes NULL (a
 * missing member) and answers as for a value of another type. */
enum jsonparse_type {
	JSONPARSE_MISSING, /* jsonparse_type(NULL) */
	JSONPARSE_NULL,
	JSONPARSE_FALSE,
	JSONPARSE_TRUE,
	JSONPARSE_NUMBER,
	JSONPARSE_STRING,
	JSONPARSE_ARRAY,
	JSONPARSE_OBJECT,
};
struct jsonparse_value;
struct jsonparse_error {
	size_t offset;       /* bytes before the problem */
	size_t line, column; /* from 1; columns in characters */
	char msg[96];        /* "expected ',' or '}', found 'x'" */
	char text[160];      /* "line 3, column 7: " and msg */
};
struct jsonparse_value *jsonparse_parse(const char *, size_t,
                                        struct jsonparse_error *);
void jsonparse_free(struct jsonparse_value *root);
enum jsonparse_type jsonparse_type(const struct jsonparse_value *);
bool jsonparse_is(const struct jsonparse_value *, enum jsonparse_type);
const struct jsonparse_value *jsonparse_get(const struct jsonparse_value *,
                                            const char *key);
size_t jsonparse_len(const struct jsonparse_value *);
const struct jsonparse_value *jsonparse_at(const struct jsonparse_value *,
                                           size_t);
const char *jsonparse_key(const struct jsonparse_value *, size_t, size_t *len);
const char *jsonparse_string(const struct jsonparse_value *, size_t *len);
char *jsonparse_strdup(const struct jsonparse_value *, size_t *len);
double jsonparse_number(const struct jsonparse_value *);
bool jsonparse_int(const struct jsonparse_value *, int64_t *);

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
int limits_parse_size(const char *, uint64_t *, char *err, size_t);
int limits_parse_seconds(const char *, uint64_t *ms, char *err, size_t);
int limits_parse_count(const char *, uint32_t *, char *err, size_t);
void limits_format_size(uint64_t, char *, size_t);

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
enum box_enforcer { ENFORCED_CGROUP_V2, ENFORCED_CGROUP_V1, ENFORCED_RLIMIT };

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
	bool reuse; /* the sandbox's root may be kept for the next run of
	               the same command (only stdin differs), and taken
	               from the last */
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
};
const struct backend *backend_find(const char *);
int backend_lookup(const char *name, const struct backend **, char *err,
                   size_t);
const struct backend *backend_default(void);
void backend_choose(const struct backend *);
void backend_list(const struct backend *const **, size_t *);
void backend_release_all(void);

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
	bool use_rlimits;
	int cg_tasks[3]; /* cgroup v1: the init joins its cgroups itself */
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
FORGE_NORETURN void ns_init_holder(const struct ns_init_args *, int sock);

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

/* ns-probe.c: what isolation the host allows */
size_t ns_probe_doctor(struct backend_check *, size_t max);
bool ns_probe_userns(char *why, size_t);

/* lang.c: language plugins */
/* What the workbench's highlighter needs from [syntax]; see
 * forge-language(5). The lists are NULL-terminated, or NULL when empty. */
enum lang_token_kind {
	LANG_TOKEN_COMMENT,   /* to the end of the line */
	LANG_TOKEN_BLOCK,     /* block comment, open and close */
	LANG_TOKEN_STRING,    /* ends at the line's end */
	LANG_TOKEN_MULTILINE, /* may run over lines */
	LANG_TOKEN_RAW,       /* may run over lines, no escapes */
	LANG_TOKEN_CHAR,      /* one character or escape, else not one */
};
struct lang_token {
	const char *open, *close; /* point into the lists below */
	uint8_t open_len, close_len;
	uint8_t kind; /* enum lang_token_kind */
};
struct lang_word {
	const char *word; /* NULL: an empty slot */
	uint8_t len;
	bool type; /* from types, else from keywords */
};
/* flags of language_syntax.chars[] */
#define LANG_CH_WORD    0x01 /* may be part of an identifier or a number */
#define LANG_CH_TOKEN   0x02 /* may start a token */
#define LANG_CH_DIGIT   0x04 /* 0-9 */
#define LANG_CH_SEP     0x08 /* a digit separator inside numbers */
#define LANG_TOKENS_MAX 64
struct language_syntax {
	bool defined; /* the file has a [syntax] key */
	char **keywords;
	char **types;
	char **comments;       /* line comment starts: "//" "#" */
	char **block_comments; /* open, close, open, close, ... */
	char **strings;        /* delimiters, open = close */
	char **multiline_strings;
	char **raw_strings;
	char **char_quotes;     /* chars = ' (Rust: 'a is a lifetime) */
	char *preprocessor;     /* prefix of a preprocessor line */
	char *word_chars;       /* identifier characters besides [A-Za-z0-9_] */
	char *digit_separators; /* inside numbers: 1'000 */
	char escape;            /* '\\' by default; '\0' for none */
	bool nested_comments;   /* block comments nest (Rust, Swift) */
	bool comment_at_word_start; /* Bash: a#b and $# are no comment */
	/* lookup tables lang.c builds from the above */
	struct lang_token tokens[LANG_TOKENS_MAX]; /* longest open first */
	size_t ntokens;
	struct lang_word *words; /* hash table, words_mask + 1 slots */
	uint32_t words_mask;
	size_t word_max;    /* length of the longest word */
	uint8_t chars[256]; /* LANG_CH_* */
};
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
	char *package; /* the Debian package with the toolchain */
	char *file;    /* where it was defined */
	struct language_syntax syntax;
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
uint32_t lang_word_hash(const char *, size_t);
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
};
int testset_load(struct testset *, const char *path, char *err, size_t);
void testset_free(struct testset *);
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
	struct limits limits;
	struct limits compile_limits;
	int stdin_fd;
	int tty_fd;
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

/* judge.c */
enum checker_kind { CHECKER_TESTLIB, CHECKER_KATTIS };
struct checker {
	enum checker_kind kind;
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
	char stderr_head[2048]; /* the start of the program's stderr */
};
typedef void (*judge_report_fn)(const struct judge_test *,
                                const struct test_case *, void *);
int checker_prepare(struct checker *, enum checker_kind, const char *path,
                    const struct language_set *, const struct backend *,
                    char *err, size_t);
void checker_free(struct checker *);
void judge_one(const struct judge_opts *, const struct build *,
               const struct testset *, size_t, struct judge_test *);
bool judge_selected(const struct judge_opts *, const struct test_case *);
size_t judge_run(const struct judge_opts *, const struct build *,
                 const struct testset *, judge_report_fn, void *);

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
