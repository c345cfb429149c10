/* forge, the command line: one file per subcommand. */
#ifndef FORGE_CLI_H
#define FORGE_CLI_H

#include <stdbool.h>
#include <getopt.h>
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

struct cli_command {
	const char *name;
	const char *args;
	const char *summary;
	int (*fn)(int, char **);
	void (*help)(FILE *);
};

/* Option keys shared by the commands that run programs; a command's own
 * long options start at CLI_OPT_COMMAND. */
enum {
	CLI_OPT_WALL = 256,
	CLI_OPT_PIDS,
	CLI_OPT_OUTPUT,
	CLI_OPT_FSIZE,
	CLI_OPT_COMMAND = 300,
};

/* Which limits the command line gave (the rest may come from elsewhere). */
struct cli_limits_set {
	bool time, wall, mem;
};

/* One table per command gives both getopt_long's options and --help. */
struct cli_option {
	const char *name;
	int key;         /* a short option letter, or >= 256 for long only */
	const char *arg; /* NULL: takes no argument */
	const char *help;
};

/* forge.c */
struct option *cli_longopts(const struct cli_option *, char *shortopts, size_t);
void cli_options_help(FILE *, const struct cli_option *);
extern const struct cli_command cli_commands[];
FORGE_PRINTF(1, 2) int cli_usage_error(const char *, ...);
FORGE_PRINTF(1, 2) int cli_internal_error(const char *, ...);
bool cli_color(int fd);
int cli_read_source(const char *, struct buf *);
bool cli_limit_option(int opt, const char *arg, struct limits *,
                      struct cli_limits_set *, int *bad, char *err, size_t);

/* report.c */
struct report_extra {
	const char *language_name;
	bool build_cached;
	uint64_t compile_ms;
	bool cached;  /* from the history, not run */
	bool ran;     /* measurements exist */
	bool samples; /* include the usage timeline */
	const char *history_error;
};
void report_limits_json(struct json_writer *, const char *key,
                        const struct limits *);
const char *report_signame(int, char *, size_t);
void report_run_json(const struct history_run *, const struct report_extra *,
                     struct buf *);
const char *report_color(enum verdict, bool color);
void report_run_summary(FILE *, const struct history_run *,
                        const struct report_extra *, bool color);
void report_time(double, char *, size_t);

/* cmd-run.c */
struct run_io {
	bool json;
	bool passthrough; /* the program's output goes to ours */
	struct history_recorder rec;
};
void run_sample(const struct box_sample *, void *);
void run_output(int, const char *, size_t, void *);
void run_input(int, const char *, size_t, void *);
int run_report(const struct history_run *, const struct report_extra *,
               bool json, bool quiet);
int cmd_run(int, char **);
void cmd_run_help(FILE *);

/* cmd-judge.c */
int cmd_judge(int, char **);
void cmd_judge_help(FILE *);

/* cmd-stress.c */
int cmd_stress(int, char **);
void cmd_stress_help(FILE *);

/* cmd-history.c */
int cli_history_load(const char *db, const char *id, struct history_run *);
int cmd_history(int, char **);
void cmd_history_help(FILE *);
int cmd_show(int, char **);
void cmd_show_help(FILE *);
int cmd_export(int, char **);
void cmd_export_help(FILE *);
int cmd_import(int, char **);
void cmd_import_help(FILE *);
int cmd_gc(int, char **);
void cmd_gc_help(FILE *);

/* cmd-replay.c */
int cmd_replay(int, char **);
void cmd_replay_help(FILE *);

/* cmd-langs.c */
int cmd_langs(int, char **);
void cmd_langs_help(FILE *);

/* cmd-doctor.c */
int cmd_doctor(int, char **);
void cmd_doctor_help(FILE *);

#endif
