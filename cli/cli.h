/* forge, the command line: one file per subcommand. */
#ifndef FORGE_CLI_H
#define FORGE_CLI_H

#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>

#include "engine/engine.h"

/* Exit statuses (the CLI contract). */
#define EXIT_USAGE    2
#define EXIT_INTERNAL 3

/* The largest source file forge reads. */
#define CLI_SOURCE_MAX (16u << 20)

struct cli_command {
	const char *name;
	const char *args;
	const char *summary;
	int (*fn)(int, char **);
	void (*help)(FILE *);
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

/* cmd-run.c */
int cmd_run(int, char **);
void cmd_run_help(FILE *);

/* cmd-judge.c */
int cmd_judge(int, char **);
void cmd_judge_help(FILE *);

/* cmd-stress.c */
int cmd_stress(int, char **);
void cmd_stress_help(FILE *);

/* cmd-langs.c */
int cmd_langs(int, char **);
void cmd_langs_help(FILE *);

/* cmd-doctor.c */
int cmd_doctor(int, char **);
void cmd_doctor_help(FILE *);

#endif
