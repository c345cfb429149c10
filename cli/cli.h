/* forge, the command line: one file per subcommand. */
#ifndef FORGE_CLI_H
#define FORGE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "engine/engine.h"
#include "history/history.h"

/* Exit statuses (the CLI contract). */
#define EXIT_USAGE    2
#define EXIT_INTERNAL 3
/* The history database could not be used (history commands). */
#define EXIT_HISTORY 4

/* The largest source file forge reads. */
#define CLI_SOURCE_MAX (16u << 20)

/*
 * Options are data. Each command declares its options once, as a table of
 * struct cli_option; one parser (cli_parse) turns argv into values with
 * that table, and one printer writes its --help from the same table, as
 * tmux's command entries do. Options every command that runs programs
 * shares (limits, language, backend, --json, --no-history, --db) have a
 * CLI_OPT_* key: the parser handles them itself, with the same rules and
 * messages everywhere. A command's own options have keys from
 * CLI_OPT_COMMAND up and go to the command's callback.
 */
enum {
	CLI_OPT_LANG = 256,
	CLI_OPT_TIME,
	CLI_OPT_WALL,
	CLI_OPT_MEM,
	CLI_OPT_PIDS,
	CLI_OPT_OUTPUT,
	CLI_OPT_FSIZE,
	CLI_OPT_COMPILE_TIME,
	CLI_OPT_COMPILE_MEM,
	CLI_OPT_BACKEND,
	CLI_OPT_RUNTIME,
	CLI_OPT_JSON,
	CLI_OPT_NO_HISTORY,
	CLI_OPT_DB,
	CLI_OPT_SERVER,
	CLI_OPT_HELP,
	CLI_OPT_COMMAND = 300,
};

struct cli_option {
	const char *name; /* the long name, without "--" */
	char letter;      /* its one-letter form, or 0 */
	int key;          /* CLI_OPT_*, or the command's own */
	const char *arg;  /* what its value is called; NULL: it takes none */
	const char *help;
};

/* Rows whose wording is the same for every command that has them. */
#define CLI_ROW_LANG                                                           \
	{                                                                      \
		"lang", 'l', CLI_OPT_LANG, "NAME",                             \
		    "language id (default: by file extension)"                 \
	}
#define CLI_ROW_PIDS                                                           \
	{                                                                      \
		"pids", 0, CLI_OPT_PIDS, "N",                                  \
		    "processes and threads (default 64)"                       \
	}
#define CLI_ROW_OUTPUT                                                         \
	{                                                                      \
		"output", 0, CLI_OPT_OUTPUT, "SIZE",                           \
		    "stdout+stderr limit (default 64M)"                        \
	}
#define CLI_ROW_FSIZE                                                          \
	{                                                                      \
		"fsize", 0, CLI_OPT_FSIZE, "SIZE",                             \
		    "largest file, and size of /work and /tmp (default 64M)"   \
	}
#define CLI_ROW_COMPILE_TIME                                                   \
	{                                                                      \
		"compile-time", 0, CLI_OPT_COMPILE_TIME, "SECONDS",            \
		    "CPU time limit of the compiler (default: the language's)" \
	}
#define CLI_ROW_COMPILE_MEM                                                    \
	{                                                                      \
		"compile-mem", 0, CLI_OPT_COMPILE_MEM, "SIZE",                 \
		    "memory limit of the compiler (default: the language's)"   \
	}
#define CLI_ROW_BACKEND                                                        \
	{                                                                      \
		"backend", 0, CLI_OPT_BACKEND, "NAME",                         \
		    "sandbox backend (default ns; see 'forge doctor')"         \
	}
#define CLI_ROW_RUNTIME                                                        \
	{                                                                      \
		"runtime", 0, CLI_OPT_RUNTIME, "NAME",                         \
		    "docker: the containers' OCI runtime, e.g. runsc for "     \
		    "gVisor (default: the language's, else the daemon's)"      \
	}
#define CLI_ROW_NO_HISTORY(what)                                               \
	{                                                                      \
		"no-history", 0, CLI_OPT_NO_HISTORY, NULL,                     \
		    "do not record the " what                                  \
	}
#define CLI_ROW_DB                                                             \
	{                                                                      \
		"db", 0, CLI_OPT_DB, "PATH",                                   \
		    "the history database (default: $FORGE_HISTORY, else "     \
		    "$XDG_DATA_HOME/forge/history.db)"                         \
	}
#define CLI_ROW_SERVER                                                         \
	{                                                                      \
		"server", 0, CLI_OPT_SERVER, "URL",                            \
		    "run on a forge serve (default: $FORGE_SERVER; its "       \
		    "token: "                                                  \
		    "$FORGE_TOKEN)"                                            \
	}
#define CLI_ROW_END                                                            \
	{                                                                      \
		NULL, 0, 0, NULL, NULL                                         \
	}

/* A command: its name, its help, its options and how many arguments it
 * takes. -h/--help is every command's, without a row. */
struct cli_command {
	const char *name;
	const char *args;     /* short, for 'forge --help' */
	const char *usage;    /* in full: "forge NAME USAGE" */
	const char *summary;  /* one line, for 'forge --help' */
	const char *about;    /* --help: before the options */
	const char *epilogue; /* --help: after them (units, exit statuses) */
	void (*help_extra)(FILE *); /* --help: anything computed, or NULL */
	const struct cli_option *options;
	int min_args, max_args; /* positional arguments; max -1: any */
	const char *too_few;    /* NULL: the usage line */
	const char *too_many;   /* the extra argument is named after it */
	int (*exec)(int, char **);
	bool every_backend; /* reports on every backend built (doctor, langs,
	                       image): run by forge-full where forge lacks
	                       one (cli_backends_here) */
};

/* Which limits the command line gave (the rest may come from elsewhere). */
struct cli_limits_set {
	bool time, wall, mem, compile_time, compile_mem;
};

/* What the shared options said, and the positional arguments. */
struct cli_args {
	struct limits limits; /* run defaults, then the command line */
	struct cli_limits_set
	    set; /* the command line's, as opposed to defaults */
	uint64_t compile_cpu_ms, compile_mem_bytes; /* when set */
	const char *lang;                           /* -l, or NULL */
	const struct backend *backend; /* --backend's, else the default */
	bool backend_given;
	const char *runtime; /* --runtime, or NULL */
	bool json, no_history;
	const char *db;     /* --db, or NULL */
	const char *server; /* --server, or NULL */
	int argc;           /* the positional arguments */
	char **argv;
};

/* A command's own option: 0, or -1 with err said (the parser prefixes
 * the option's name and makes it a usage error). */
typedef int cli_option_fn(void *arg, int key, const char *value, char *err,
                          size_t errlen);

/* cli.c */
extern const struct cli_command *const cli_commands[];
const struct cli_command *cli_command_find(const char *);
int cli_parse(const struct cli_command *, int argc, char **argv,
              struct cli_args *, cli_option_fn *, void *arg);
void cli_command_help(FILE *, const struct cli_command *);
extern char **cli_argv;
int cli_exec_sibling(const char *name, char **argv);
int cli_backend(const char *name, const struct backend **, char *err, size_t);
bool cli_backends_here(void);

/* cli-scope.c */
void cli_scope_handoff(const struct cli_command *, const struct cli_args *);
void cli_options_help(FILE *, const struct cli_option *);
void cli_compile_limits(const struct cli_args *, const struct language *,
                        struct limits *);
int cli_parse_compare(const char *, struct compare_opts *, char *err, size_t);
int cli_parse_tolerance(const char *, double *, char *err, size_t);
FORGE_PRINTF(1, 2) int cli_usage_error(const char *, ...);
FORGE_PRINTF(1, 2) int cli_internal_error(const char *, ...);
bool cli_color(int fd);
int cli_read_source(const char *, struct buf *);

/* server.c */
int cli_server(struct cli_args *, const char *url, char *err, size_t);

/* report.c (the JSON results are history/report.c's) */
const char *report_color(enum verdict, bool color);
void report_run_summary(FILE *, const struct history_run *,
                        const struct report_extra *, bool color);
void report_time(double, char *, size_t);

/* cmd-run.c */
struct run_io {
	bool json;
	bool passthrough; /* the program's output goes to ours */
	struct history_recorder rec;
	/* the history to open while the program runs (at its first
	 * sample), for the record after it */
	bool preopen;
	const char *db;
};
void run_sample(const struct box_sample *, void *);
void run_output(int, const char *, size_t, void *);
void run_input(int, const char *, size_t, void *);
int run_report(const struct history_run *, const struct report_extra *,
               bool json, bool quiet);
extern const struct cli_command cmd_run_entry;
int cmd_run(int, char **);

/* cmd-judge.c */
extern const struct cli_command cmd_judge_entry;
int cmd_judge(int, char **);

/* cmd-stress.c */
extern const struct cli_command cmd_stress_entry;
int cmd_stress(int, char **);

/* cmd-history.c */
int cli_history_load(const char *db, const char *id, struct history_run *);
extern const struct cli_command cmd_history_entry, cmd_show_entry,
    cmd_export_entry, cmd_import_entry, cmd_gc_entry;
int cmd_history(int, char **);
int cmd_show(int, char **);
int cmd_export(int, char **);
int cmd_import(int, char **);
int cmd_gc(int, char **);

/* cmd-replay.c */
extern const struct cli_command cmd_replay_entry;
int cmd_replay(int, char **);
/* forge replay's own options */
struct replay_args {
	bool play;
	double speed;
	const char *test; /* of a judge: the test replayed */
};
/* What a replay runs on: its stdin and limits. */
struct replay_input {
	const char *data;
	size_t len;
	const struct limits *limits;
};
int replay_play(const struct history_run *, double speed);
int replay_backend(const struct cli_args *, const struct history_run *,
                   const struct backend **);
int replay_run(const struct cli_args *, const struct history_run *old,
               const struct replay_input *, const struct language *,
               const struct backend *, const char *toolchain,
               struct history_run *, struct report_extra *,
               struct pipeline_result *, char *err, size_t);
/* replay-test.c: one test of a recorded judge, run again */
int replay_test(const struct cli_args *, const struct replay_args *,
                const struct history_run *judge);

/* cmd-langs.c */
extern const struct cli_command cmd_langs_entry;
int cmd_langs(int, char **);

/* cmd-lab.c: forge lab and forge submit (run by forge-full, which has
 * lab-client.c) */
struct lab_args {
	const char *action; /* add, set, ..., or submit */
	int argc;           /* the arguments: the action's first */
	char **argv;
	const char *server, *token;
	const char *name, *problem, *lang;
	bool hidden, json, csv;
	double open, close; /* seconds since the epoch */
	bool open_given, close_given;
	const char *db; /* board --db: the server's database, on its machine */
	bool play;      /* replay: the output and usage as they happened */
	double speed;   /* replay --play: that many times as fast */
};
extern const struct cli_command cmd_lab_entry, cmd_submit_entry;
int cmd_lab(int, char **);
int cmd_submit(int, char **);
int lab_parse_time(const char *, double *, char *err, size_t);
/* lab-client.c, in forge-full and forge-serve (libcurl) */
int lab_client_main(const struct lab_args *);
int lab_client_board(const struct lab_args *, const char *json, size_t len);

/* cmd-serve.c: forge serve and forge token (run by forge-serve) */
extern const struct cli_command cmd_serve_entry, cmd_token_entry;
int cmd_serve(int, char **);
int cmd_token(int, char **);
extern const struct cli_command cmd_worker_entry;
int cmd_worker(int, char **);
struct serve_options;
int serve_exec(int, char **);
int serve_queue_url(const char *, struct serve_options *, char *err, size_t);
int serve_result_ttl(const char *, struct serve_options *, char *err, size_t);

/* cmd-doctor.c */
extern const struct cli_command cmd_doctor_entry;
int cmd_doctor(int, char **);

/* cmd-image.c */
extern const struct cli_command cmd_image_entry;
int cmd_image(int, char **);

#endif
