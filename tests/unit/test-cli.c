/* The command line's one parser and its tables: every command's --help
 * lists every option of its table; the shared options parse the same
 * way for every command; bad input is a usage error. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "tests/unit/check.h"

/* cmd's --help, as the user sees it (caller frees) */
static char *
help_of(const struct cli_command *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cli_command_help(f, c);
	fclose(f);
	return text;
}

static void
test_help_from_tables(void)
{
	const struct cli_command *const *c;
	size_t ncommands = 0;

	for (c = cli_commands; *c != NULL; c++) {
		const struct cli_option *o;
		char *help = help_of(*c), want[128], usage[256];

		ncommands++;
		snprintf(usage, sizeof usage, "usage: forge %s ", (*c)->name);
		CHECK(strncmp(help, usage, strlen(usage)) == 0);
		CHECK(strstr(help, "  -h, --help") != NULL);
		for (o = (*c)->options; o->name != NULL; o++) {
			snprintf(want, sizeof want, "--%s%s%s", o->name,
			         o->arg ? " " : "", o->arg ? o->arg : "");
			if (strstr(help, want) == NULL)
				fprintf(stderr, "forge %s --help lacks %s\n",
				        (*c)->name, want);
			CHECK(strstr(help, want) != NULL);
			CHECK(strstr(help, o->help) != NULL);
			if (o->letter != 0) {
				snprintf(want, sizeof want, "-%c, --%s",
				         o->letter, o->name);
				CHECK(strstr(help, want) != NULL);
			}
		}
		CHECK(cli_command_find((*c)->name) == *c);
		free(help);
	}
	CHECK(ncommands == 17);
	CHECK(cli_command_find("nosuch") == NULL);
}

/* No two rows of a table share a name, a letter or a key. */
static void
test_tables_unambiguous(void)
{
	const struct cli_command *const *c;

	for (c = cli_commands; *c != NULL; c++) {
		const struct cli_option *o, *p;

		for (o = (*c)->options; o->name != NULL; o++) {
			CHECK(strcmp(o->name, "help") != 0);
			CHECK(o->letter != 'h');
			for (p = o + 1; p->name != NULL; p++) {
				CHECK(strcmp(o->name, p->name) != 0);
				CHECK(o->key != p->key);
				CHECK(o->letter == 0 || o->letter != p->letter);
			}
		}
	}
}

/* parse ARGS... with cmd's table: the exit status, or -1 to go on */
static int
parse(const char *cmd, struct cli_args *a, const char *const *args)
{
	static char *argv[32];
	int argc = 0;

	argv[argc++] = (char *)cmd;
	while (args[argc - 1] != NULL && argc < 31) {
		argv[argc] = (char *)args[argc - 1];
		argc++;
	}
	argv[argc] = NULL;
	return cli_parse(cli_command_find(cmd), argc, argv, a, NULL, NULL);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void
test_shared_options(void)
{
	struct cli_args a;

	/* defaults: the run limits, the default backend */
	CHECK(parse("doctor", &a, ARGS(NULL)) == -1);
	CHECK(a.limits.cpu_ms == 2000 && a.limits.wall_ms == 10000);
	CHECK(a.backend == backend_default() && !a.backend_given);
	CHECK(!a.json && a.argc == 0);

	CHECK(parse("langs", &a, ARGS("--json", "--backend", "ns")) == -1);
	CHECK(a.json && a.backend_given && a.backend == backend_find("ns"));
	CHECK(parse("langs", &a, ARGS("-j")) == -1);
	CHECK(a.json);

	/* the wall limit follows the CPU limit unless given */
	CHECK(parse("run", &a, ARGS("-t", "7", "x.c")) == -1);
	CHECK(a.limits.cpu_ms == 7000 && a.set.time);
	CHECK(a.limits.wall_ms == limits_default_wall(7000));
	CHECK(a.limits.wall_ms == 15000);
	CHECK(parse("run", &a, ARGS("-t", "7", "--wall", "3", "x.c")) == -1);
	CHECK(a.limits.wall_ms == 3000 && a.set.wall);
	CHECK(parse("stress", &a, ARGS("--time=5", "s.c")) == -1);
	CHECK(a.limits.wall_ms == 11000);

	CHECK(parse("run", &a,
	            ARGS("-m", "64M", "--pids", "8", "--output", "1M",
	                 "--fsize", "2M", "--compile-time", "9",
	                 "--compile-mem", "1G", "-l", "c", "--no-history",
	                 "--db", "/tmp/x.db", "prog")) == -1);
	CHECK(a.limits.mem_bytes == 64u << 20 && a.set.mem);
	CHECK(a.limits.pids == 8);
	CHECK(a.limits.output_bytes == 1u << 20);
	CHECK(a.limits.fsize_bytes == 2u << 20);
	CHECK(a.set.compile_time && a.compile_cpu_ms == 9000);
	CHECK(a.set.compile_mem && a.compile_mem_bytes == 1u << 30);
	CHECK_STR(a.lang, "c");
	CHECK(a.no_history);
	CHECK_STR(a.db, "/tmp/x.db");
	CHECK(a.argc == 1);
	CHECK_STR(a.argv[0], "prog");
}

static void
test_compile_limits(void)
{
	struct cli_args a;
	struct language lang;
	struct limits l;

	memset(&lang, 0, sizeof lang);
	limits_default_compile(&lang.compile_limits);
	CHECK(parse("run", &a, ARGS("x.c")) == -1);
	cli_compile_limits(&a, &lang, &l);
	CHECK(memcmp(&l, &lang.compile_limits, sizeof l) == 0);
	CHECK(parse("run", &a,
	            ARGS("--compile-time", "100", "--compile-mem", "3G",
	                 "x.c")) == -1);
	cli_compile_limits(&a, &lang, &l);
	CHECK(l.cpu_ms == 100000 && l.wall_ms == 200000);
	CHECK(l.mem_bytes == (uint64_t)3 << 30);
}

static void
test_usage_errors(void)
{
	struct cli_args a;

	CHECK(parse("run", &a, ARGS("--frobnicate", "x.c")) == EXIT_USAGE);
	CHECK(parse("run", &a, ARGS("x.c", "--mem")) == EXIT_USAGE);
	CHECK(parse("run", &a, ARGS("--mem", "12XB", "x.c")) == EXIT_USAGE);
	CHECK(parse("run", &a, ARGS("--backend", "vm", "x.c")) == EXIT_USAGE);
	CHECK(parse("judge", &a, ARGS("--backend", "vm", "x.c", "t")) ==
	      EXIT_USAGE);
	/* positional counts */
	CHECK(parse("run", &a, ARGS(NULL)) == EXIT_USAGE);
	CHECK(parse("run", &a, ARGS("a.c", "b.c")) == EXIT_USAGE);
	CHECK(parse("judge", &a, ARGS("a.c")) == EXIT_USAGE);
	CHECK(parse("judge", &a, ARGS("a.c", "t")) == -1);
	CHECK(parse("langs", &a, ARGS("extra")) == EXIT_USAGE);
	CHECK(parse("show", &a, ARGS(NULL)) == EXIT_USAGE);
	/* a letter of another command is not this one's */
	CHECK(parse("langs", &a, ARGS("-t", "1")) == EXIT_USAGE);
	/* --help is every command's, and ends the parse with 0 */
	CHECK(parse("gc", &a, ARGS("--help")) == 0);
	CHECK(parse("doctor", &a, ARGS("-h")) == 0);
}

int
main(void)
{
	test_help_from_tables();
	test_tables_unambiguous();
	test_shared_options();
	test_compile_limits();
	test_usage_errors();
	return check_done();
}
