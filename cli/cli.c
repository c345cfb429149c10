/* The command line's one parser: options as data (struct cli_option),
 * getopt_long and --help built from the same table, the options the
 * commands share handled here, once, with the same rules and messages
 * for every command. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

/* In 'forge --help' order. */
const struct cli_command *const cli_commands[] = {
    &cmd_run_entry,     &cmd_judge_entry,  &cmd_stress_entry,
    &cmd_history_entry, &cmd_show_entry,   &cmd_replay_entry,
    &cmd_export_entry,  &cmd_import_entry, &cmd_gc_entry,
    &cmd_langs_entry,   &cmd_doctor_entry, &cmd_image_entry,
    &cmd_serve_entry,   &cmd_token_entry,  &cmd_worker_entry,
    &cmd_lab_entry,     &cmd_submit_entry, NULL,
};

/* Every command's own: no table lists it. */
static const struct cli_option cli_help_row = {"help", 'h', CLI_OPT_HELP, NULL,
                                               "show this help"};

const struct cli_command *
cli_command_find(const char *name)
{
	const struct cli_command *const *c;

	for (c = cli_commands; *c != NULL; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

int
cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("forge: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int
cli_internal_error(const char *fmt, ...)
{
	va_list ap;

	fputs("forge: internal error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_INTERNAL;
}

static void
cli_option_line(FILE *f, const struct cli_option *o)
{
	char left[64];

	if (o->letter != 0)
		snprintf(left, sizeof left, "-%c, --%s%s%s", o->letter, o->name,
		         o->arg ? " " : "", o->arg ? o->arg : "");
	else
		snprintf(left, sizeof left, "    --%s%s%s", o->name,
		         o->arg ? " " : "", o->arg ? o->arg : "");
	/* a long name gets its help on the next line, in the column */
	if (strlen(left) > 26)
		fprintf(f, "  %s\n  %-26s %s\n", left, "", o->help);
	else
		fprintf(f, "  %-26s %s\n", left, o->help);
}

void
cli_options_help(FILE *f, const struct cli_option *o)
{
	for (; o->name != NULL; o++)
		cli_option_line(f, o);
	cli_option_line(f, &cli_help_row);
}

void
cli_command_help(FILE *f, const struct cli_command *c)
{
	fprintf(f, "usage: forge %s %s\n\n%s\n\noptions:\n", c->name, c->usage,
	        c->about);
	cli_options_help(f, c->options);
	if (c->help_extra != NULL)
		c->help_extra(f);
	if (c->epilogue != NULL)
		fprintf(f, "\n%s\n", c->epilogue);
}

/* getopt_long's view of a table: the long options (their val is the
 * row's key) and the short ones, with ':' first so that a missing value
 * is told apart from an unknown option. */
static struct option *
cli_longopts(const struct cli_option *o, char *shortopts, size_t size)
{
	size_t n = 0, i, len = 0;
	struct option *lo;

	while (o[n].name != NULL)
		n++;
	lo = xcalloc(n + 2, sizeof *lo);
	shortopts[len++] = ':';
	for (i = 0; i <= n; i++) {
		const struct cli_option *r = i < n ? &o[i] : &cli_help_row;

		lo[i].name = r->name;
		lo[i].has_arg = r->arg ? required_argument : no_argument;
		lo[i].val = r->key;
		if (r->letter != 0 && len + 3 < size) {
			shortopts[len++] = r->letter;
			if (r->arg)
				shortopts[len++] = ':';
		}
	}
	shortopts[len] = '\0';
	return lo;
}

/* The row getopt_long's answer stands for: a letter, or a row's key. */
static const struct cli_option *
cli_row(const struct cli_option *o, int opt)
{
	if (opt == 'h' || opt == CLI_OPT_HELP)
		return &cli_help_row;
	for (; o->name != NULL; o++)
		if (opt < 256 ? o->letter == opt : o->key == opt)
			return o;
	return NULL;
}

/* --runtime NAME: a name as the daemon registers runtimes, given to the
 * engine for this process's containers. */
static int
cli_runtime(struct cli_args *a, const char *v, char *err, size_t len)
{
	struct engine_config c = *engine_config();
	size_t i;

	for (i = 0; v[i] != '\0'; i++)
		if (!isalnum((unsigned char)v[i]) &&
		    strchr("._-", v[i]) == NULL)
			break;
	if (i == 0 || v[i] != '\0' || i > 64) {
		snprintf(err, len,
		         "'%s' is not a runtime's name (e.g. runc, runsc)", v);
		return -1;
	}
	a->runtime = v;
	/* the rest as it was: the engine copies before it lets go */
	c.docker_runtime = (char *)v;
	engine_configure(&c);
	return 0;
}

/* A shared option: 0, or -1 with err. */
static int
cli_shared(struct cli_args *a, int key, const char *v, char *err, size_t len)
{
	struct limits *l = &a->limits;

	switch (key) {
	case CLI_OPT_LANG:
		a->lang = v;
		return 0;
	case CLI_OPT_TIME:
		a->set.time = true;
		return limits_parse(LIMITS_CPU, v, &l->cpu_ms, err, len);
	case CLI_OPT_WALL:
		a->set.wall = true;
		return limits_parse(LIMITS_WALL, v, &l->wall_ms, err, len);
	case CLI_OPT_MEM:
		a->set.mem = true;
		return limits_parse(LIMITS_MEMORY, v, &l->mem_bytes, err, len);
	case CLI_OPT_PIDS:
		return limits_parse_count(v, &l->pids, err, len);
	case CLI_OPT_OUTPUT:
		return limits_parse(LIMITS_OUTPUT, v, &l->output_bytes, err,
		                    len);
	case CLI_OPT_FSIZE:
		return limits_parse(LIMITS_FSIZE, v, &l->fsize_bytes, err, len);
	case CLI_OPT_COMPILE_TIME:
		a->set.compile_time = true;
		return limits_parse(LIMITS_CPU, v, &a->compile_cpu_ms, err,
		                    len);
	case CLI_OPT_COMPILE_MEM:
		a->set.compile_mem = true;
		return limits_parse(LIMITS_MEMORY, v, &a->compile_mem_bytes,
		                    err, len);
	case CLI_OPT_BACKEND:
		a->backend_given = true;
		return cli_backend(v, &a->backend, err, len);
	case CLI_OPT_RUNTIME:
		return cli_runtime(a, v, err, len);
	case CLI_OPT_JSON:
		a->json = true;
		return 0;
	case CLI_OPT_NO_HISTORY:
		a->no_history = true;
		return 0;
	case CLI_OPT_DB:
		a->db = v;
		return 0;
	case CLI_OPT_SERVER:
		return cli_server(a, v, err, len);
	}
	snprintf(err, len, "not handled (a bug in forge)");
	return -1;
}

/* The positional arguments' count, as the command wants it. */
static int
cli_count(const struct cli_command *c, const struct cli_args *a)
{
	if (a->argc < c->min_args)
		return c->too_few != NULL
		           ? cli_usage_error("%s", c->too_few)
		           : cli_usage_error("usage: forge %s %s", c->name,
		                             c->usage);
	if (c->max_args >= 0 && a->argc > c->max_args) {
		if (c->too_many != NULL)
			return cli_usage_error("%s ('%s' is extra)",
			                       c->too_many,
			                       a->argv[a->argc - 1]);
		if (c->max_args == 0)
			return cli_usage_error("'forge %s' takes no arguments "
			                       "(see 'forge %s --help')",
			                       c->name, c->name);
		return cli_usage_error("usage: forge %s %s", c->name, c->usage);
	}
	return -1;
}

/*
 * Parses argv (argv[0] is the command's name) with c's table into a:
 * the shared options here, the command's own through fn(arg, ...)
 * (NULL when the table has none).
 * Returns -1 when the command goes on, else its exit status: 0 after
 * --help, EXIT_USAGE after the message for a bad option, a bad value or
 * a wrong count of arguments. The wall-time limit follows the CPU limit
 * unless given (limits_finish).
 */
int
cli_parse(const struct cli_command *c, int argc, char **argv,
          struct cli_args *a, cli_option_fn *fn, void *arg)
{
	struct option *lo;
	char shortopts[64], err[1024];
	int opt, ret = -1;

	memset(a, 0, sizeof *a);
	limits_default_run(&a->limits);
	a->backend = backend_default();
	lo = cli_longopts(c->options, shortopts, sizeof shortopts);
	opterr = 0;
	optind = 1;
	while (ret < 0 &&
	       (opt = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		const struct cli_option *r = cli_row(c->options, opt);

		if (opt == ':')
			ret = cli_usage_error("option '%s' needs a value (see "
			                      "'forge %s --help')",
			                      argv[optind - 1], c->name);
		else if (r == NULL)
			ret = cli_usage_error("unknown option '%s' (see 'forge "
			                      "%s --help')",
			                      argv[optind - 1], c->name);
		else if (r->key == CLI_OPT_HELP) {
			cli_command_help(stdout, c);
			ret = 0;
		} else if ((r->key < CLI_OPT_COMMAND || fn == NULL
		                ? cli_shared(a, r->key, optarg, err, sizeof err)
		                : fn(arg, r->key, optarg, err, sizeof err)) < 0)
			ret = cli_usage_error("--%s: %s", r->name, err);
	}
	free(lo);
	if (ret >= 0)
		return ret;
	if (a->runtime != NULL && strcmp(a->backend->name, "docker") != 0)
		return cli_usage_error("--runtime is for --backend docker (the "
		                       "backend here is %s)",
		                       a->backend->name);
	a->argc = argc - optind;
	a->argv = argv + optind;
	cli_scope_handoff(c, a);
	limits_finish(&a->limits, a->set.wall);
	return cli_count(c, a);
}

/* The compiler's limits: the language's, and what the command line said. */
void
cli_compile_limits(const struct cli_args *a, const struct language *lang,
                   struct limits *l)
{
	*l = lang->compile_limits;
	if (a->set.compile_time) {
		l->cpu_ms = a->compile_cpu_ms;
		/* a compiler waits on the disk more than a program */
		if (l->wall_ms < a->compile_cpu_ms * 2)
			l->wall_ms = a->compile_cpu_ms * 2;
	}
	if (a->set.compile_mem)
		l->mem_bytes = a->compile_mem_bytes;
}

/* --compare MODE */
int
cli_parse_compare(const char *s, struct compare_opts *co, char *err, size_t len)
{
	if (strcmp(s, "exact") == 0)
		co->mode = COMPARE_EXACT;
	else if (strcmp(s, "tokens") == 0)
		co->mode = COMPARE_TOKENS;
	else {
		snprintf(err, len, "'%s': use tokens or exact", s);
		return -1;
	}
	return 0;
}

/* --float-tolerance EPS and the like: a finite number >= 0. */
int
cli_parse_tolerance(const char *s, double *out, char *err, size_t len)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(*out >= 0) ||
	    isinf(*out)) {
		snprintf(err, len, "'%s' is not a tolerance", s);
		return -1;
	}
	return 0;
}

/* A source file: regular, readable, at most 16M. 0, or an exit status. */
int
cli_read_source(const char *path, struct buf *src)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return cli_usage_error("%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cli_usage_error("%s: not a regular file", path);
	}
	if (st.st_size > CLI_SOURCE_MAX) {
		close(fd);
		return cli_usage_error("%s: larger than 16M, not a source file",
		                       path);
	}
	if (util_read_fd(fd, src, CLI_SOURCE_MAX) < 0) {
		int e = errno;
		close(fd);
		return cli_usage_error("%s: %s", path, strerror(e));
	}
	close(fd);
	return 0;
}

/* Colour only for a terminal, and never when NO_COLOR is set. */
bool
cli_color(int fd)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (nc != NULL && *nc != '\0')
		return false;
	if (term != NULL && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fd);
}

/* forge's own arguments, for a re-run as forge-full (forge.c's main) */
char **cli_argv;

/* Replaces this process with the program name that was built with
 * forge: beside it (a build tree, or installed so), else in the
 * package's libexec directory; argv as it is (argv[0] becomes name).
 * Returns only on failure, with the exit status said. */
int
cli_exec_sibling(const char *name, char **argv)
{
	size_t argc = 0;
	char **av, *path;
	int ret;

	/* a program never runs itself again: that would never end */
	if (strcmp(program_invocation_short_name, name) == 0)
		return cli_internal_error("%s lacks what it was run for", name);
	while (argv[argc] != NULL)
		argc++;
	av = xcalloc(argc + 1, sizeof *av);
	av[0] = (char *)name;
	for (size_t i = 1; i < argc; i++)
		av[i] = argv[i];
	path = util_sibling_path(name, FORGE_LIBEXECDIR);
	execv(path, av);
	ret = cli_internal_error("cannot run %s: %s", path, strerror(errno));
	free(path);
	free(av);
	return ret;
}

/* Whether this program has every backend Forge was built with. forge
 * itself leaves out the docker backend, whose libraries (libcurl and
 * what it brings) would make each run start several milliseconds
 * later; forge-full has it. */
bool
cli_backends_here(void)
{
#ifdef WITH_DOCKER
	return backend_find("docker") != NULL;
#else
	return true;
#endif
}

/* The backend called name. One that was built but is not in this
 * program runs the whole command again in forge-full (no return);
 * else -1 with the registered ones in err. */
int
cli_backend(const char *name, const struct backend **be, char *err, size_t len)
{
	if (backend_lookup(name, be, err, len) == 0)
		return 0;
#ifdef WITH_DOCKER
	if (!cli_backends_here()) {
		size_t n = strlen(err);

		if ((strcmp(name, "docker") == 0 ||
		     strcmp(name, "remote") == 0) &&
		    cli_argv != NULL) {
			cli_exec_sibling("forge-full", cli_argv);
			snprintf(err, len,
			         "the %s backend is in forge-full, which "
			         "did not start (see above)",
			         name);
		} else if (n > 0 && err[n - 1] == ')')
			/* forge-full has it: it is registered all the same */
			snprintf(err + n - 1, len - (n - 1), ", docker)");
	}
#endif
	return -1;
}
