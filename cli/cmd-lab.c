/* forge lab and forge submit: a class's lab on a forge serve. Their
 * options are read here, in forge; the commands talk HTTP through
 * libcurl, which forge leaves out (as it leaves out the docker backend):
 * forge-full runs them (cli/lab-client.c), with the same arguments once
 * they are known to be good. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

/* Defined in forge-full and forge-serve. */
extern int lab_client_main(const struct lab_args *) __attribute__((weak));
extern int lab_client_board(const struct lab_args *, const char *, size_t)
    __attribute__((weak));
/* Defined in forge-serve alone (serve/lab-board.c, serve/lab-local.c). */
extern int lab_board_db(const char *, struct buf *) __attribute__((weak));
extern int lab_local_open(const char *) __attribute__((weak));

enum {
	OPT_SERVER = CLI_OPT_COMMAND,
	OPT_NAME,
	OPT_HIDDEN,
	OPT_OPEN,
	OPT_CLOSE,
	OPT_CSV,
	OPT_PROBLEM,
	OPT_PLAY,
	OPT_SPEED,
};

#define LAB_ROW_SERVER                                                         \
	{                                                                      \
		"server", 0, OPT_SERVER, "URL",                                \
		    "the lab's server (default: $FORGE_SERVER, else "          \
		    "http://127.0.0.1:8080)"                                   \
	}

static const struct cli_option lab_options_table[] = {
    LAB_ROW_SERVER,
    {"name", 0, OPT_NAME, "NAME",
     "add: the problem's name (default: the directory's)"},
    {"hidden-tests", 0, OPT_HIDDEN, NULL,
     "add: students see no test's data, not even the samples"},
    {"open", 0, OPT_OPEN, "TIME",
     "set: when submissions open (UTC: 2026-03-02T14:00, now, now+10m)"},
    {"close", 0, OPT_CLOSE, "TIME", "set: when they close"},
    {"problem", 0, OPT_PROBLEM, "NAME", "submissions: this problem's only"},
    {"play", 0, OPT_PLAY, NULL,
     "replay: the output and usage shown as they happened"},
    {"speed", 0, OPT_SPEED, "X", "replay --play: X times as fast (default 1)"},
    {"json", 0, CLI_OPT_JSON, NULL,
     "list, board, show, submissions: the server's JSON"},
    {"csv", 0, OPT_CSV, NULL, "board: CSV, a row per student"},
    {"db", 0, CLI_OPT_DB, "PATH",
     "board, add, rejudge: on the server's database (its forge serve "
     "--db), on its machine, instead of over HTTP"},
    CLI_ROW_END,
};

const struct cli_command cmd_lab_entry = {
    .name = "lab",
    .args = "add|set|board|...",
    .usage = "add DIR [--name N] [--hidden-tests] | set NAME --open TIME "
             "--close TIME\n       PROBLEM... | list | board [--json|--csv] "
             "| rejudge PROBLEM | show ID |\n       diff ID1 ID2 | "
             "submissions [--problem NAME] | samples PROBLEM [DIR] |\n"
             "       replay ID [TEST] [--play]",
    .summary = "a class's problems, sets and scoreboard on a server",
    .about = "The teacher's side of a lab on a forge serve (a teacher's token "
             "in\nFORGE_TOKEN):\n"
             "  add DIR      uploads a problem: a Kattis/ICPC package, a "
             "directory of\n"
             "               pairs or a competitive-companion file (what forge "
             "judge\n"
             "               reads); again with the same name replaces it\n"
             "  set NAME     makes (or changes) a set of problems, open from "
             "--open to\n"
             "               --close\n"
             "  list         the problems and the sets\n"
             "  board        per student and problem: solved, attempts, the "
             "first AC's\n"
             "               minute; ranked as at ICPC (20 minutes a rejected "
             "attempt)\n"
             "  rejudge P    judges every submission of P again; lists the "
             "changed verdicts\n"
             "  show ID      a submission: its source, verdicts and output\n"
             "  diff A B     two submissions' sources and verdicts side by "
             "side\n"
             "  submissions  the submissions, newest first (a student sees "
             "their own)\n"
             "  samples P    the tests of P a student may see, as pairs "
             "(NAME.in,\n"
             "               NAME.ans) in DIR (default: ./P) for forge "
             "judge, and its\n"
             "               statement; a file already there is not "
             "overwritten\n"
             "  replay ID [TEST]\n"
             "               runs submission ID again on one test (default: "
             "the first it\n"
             "               failed) with the limits it was judged with; "
             "shows its output,\n"
             "               its usage timeline and whether the test's "
             "verdict reproduced\n"
             "               (a student: their own submissions, the tests "
             "they may see)",
    .epilogue = "Students see a problem's samples; its other tests never "
                "leave the server.\nexit status: 0 done, 2 usage error or "
                "the server refused (an unknown\nproblem, a student's "
                "token), 3 internal error or the server cannot be\nreached, 4 "
                "--db: the server's database cannot be used",
    .options = lab_options_table,
    .min_args = 1,
    .max_args = -1,
    .too_few = "forge lab: add, set, list, board, rejudge, show, diff, "
               "submissions, samples or replay? (see 'forge lab --help')",
    .exec = cmd_lab,
};

static const struct cli_option submit_options_table[] = {
    LAB_ROW_SERVER,
    CLI_ROW_LANG,
    {"json", 0, CLI_OPT_JSON, NULL,
     "the submission and its result as one JSON object"},
    CLI_ROW_END,
};

const struct cli_command cmd_submit_entry = {
    .name = "submit",
    .args = "PROBLEM FILE",
    .usage = "PROBLEM FILE [--server URL] [-l LANG] [--json]",
    .summary = "submit a solution to a lab's problem",
    .about = "Sends FILE to the lab's server (a student's token in "
             "FORGE_TOKEN), where it is\njudged with PROBLEM's tests and "
             "limits; prints each test's verdict as it\ncomes. The tests "
             "a student may not see show their verdict, time and\nmemory "
             "only.",
    .epilogue = "exit status: 0 AC, 1 any other verdict, 2 usage error or "
                "the server refused\n(an unknown problem, a closed set), 3 "
                "internal error or the server cannot\nbe reached",
    .options = submit_options_table,
    .min_args = 2,
    .max_args = 2,
    .too_few = "usage: forge submit PROBLEM FILE (see 'forge submit "
               "--help')",
    .too_many = "forge submit takes one PROBLEM and one FILE",
    .exec = cmd_submit,
};

/* An instant: YYYY-MM-DDTHH:MM[:SS][Z] in UTC, or now, now+N[smhd],
 * now-N[smhd]; -1 with err. */
int
lab_parse_time(const char *s, double *out, char *err, size_t len)
{
	struct tm tm = {0};
	const char *end;

	if (strncmp(s, "now", 3) == 0) {
		double n = 0, unit = 1;
		char *e;

		*out = (double)time(NULL);
		if (s[3] == '\0')
			return 0;
		if ((s[3] == '+' || s[3] == '-') &&
		    isdigit((unsigned char)s[4])) {
			errno = 0;
			n = strtod(s + 4, &e);
			unit = *e == 's'   ? 1
			       : *e == 'm' ? 60
			       : *e == 'h' ? 3600
			       : *e == 'd' ? 86400
			                   : 0;
			if (errno == 0 && unit > 0 && e[1] == '\0' && n < 1e7) {
				*out += (s[3] == '-' ? -n : n) * unit;
				return 0;
			}
		}
	} else if ((end = strptime(s, "%Y-%m-%dT%H:%M", &tm)) != NULL) {
		if (*end == ':')
			end = strptime(end, ":%S", &tm);
		if (end != NULL && *end == 'Z')
			end++;
		if (end != NULL && *end == '\0') {
			*out = (double)timegm(&tm);
			return 0;
		}
	}
	snprintf(err, len,
	         "'%s': a time in UTC (2026-03-02T14:00), now, or now+N / "
	         "now-N with s, m, h or d",
	         s);
	return -1;
}

static int
lab_option(void *arg, int key, const char *v, char *err, size_t len)
{
	struct lab_args *l = arg;

	switch (key) {
	case OPT_SERVER:
		if (strncmp(v, "http://", 7) != 0 &&
		    strncmp(v, "https://", 8) != 0) {
			snprintf(err, len, "'%s': an http:// or https:// URL",
			         v);
			return -1;
		}
		l->server = v;
		return 0;
	case OPT_NAME:
		l->name = v;
		return 0;
	case OPT_HIDDEN:
		l->hidden = true;
		return 0;
	case OPT_OPEN:
		l->open_given = true;
		return lab_parse_time(v, &l->open, err, len);
	case OPT_CLOSE:
		l->close_given = true;
		return lab_parse_time(v, &l->close, err, len);
	case OPT_CSV:
		l->csv = true;
		return 0;
	case OPT_PROBLEM:
		l->problem = v;
		return 0;
	case OPT_PLAY:
		l->play = true;
		return 0;
	case OPT_SPEED: {
		char *end;

		l->speed = strtod(v, &end);
		if (end == v || *end != '\0' || !(l->speed > 0) ||
		    l->speed > 1e6) {
			snprintf(err, len, "'%s' is not a positive factor", v);
			return -1;
		}
		return 0;
	}
	}
	return 0;
}

/* forge-full, which has libcurl: the whole command line again. */
static int
lab_exec(void)
{
#ifdef WITH_DOCKER
	return cli_exec_sibling("forge-full", cli_argv);
#else
	return cli_usage_error("this forge was built without libcurl, which "
	                       "the lab's commands need (install "
	                       "libcurl4-openssl-dev and build again)");
#endif
}

/* forge lab board --db: forge-serve reads the server's database. */
static int
lab_board_local(const struct lab_args *l)
{
	struct buf json;
	int ret;

	if (lab_board_db == NULL) {
#ifdef HAVE_SERVE
		return cli_exec_sibling("forge-serve", cli_argv);
#else
		return cli_usage_error("this forge was built without the "
		                       "server, whose database --db reads "
		                       "(install libmicrohttpd-dev and build "
		                       "again)");
#endif
	}
	if (lab_client_board == NULL)
		return cli_usage_error("this forge was built without libcurl, "
		                       "which the lab's commands need (install "
		                       "libcurl4-openssl-dev and build again)");
	buf_init(&json, 0);
	if ((ret = lab_board_db(l->db, &json)) == 0)
		ret = lab_client_board(l, json.data ? json.data : "", json.len);
	buf_free(&json);
	return ret;
}

/* forge lab add|rejudge --db: forge-serve does what the route does, on
 * the server's database, in its own process (serve/lab-local.c). */
static int
lab_db_local(struct lab_args *l)
{
	int ret;

	if (lab_local_open == NULL) {
#ifdef HAVE_SERVE
		return cli_exec_sibling("forge-serve", cli_argv);
#else
		return cli_usage_error("this forge was built without the "
		                       "server, whose database --db writes "
		                       "(install libmicrohttpd-dev and build "
		                       "again)");
#endif
	}
	if (lab_client_main == NULL)
		return cli_usage_error("this forge was built without libcurl, "
		                       "which the lab's commands need (install "
		                       "libcurl4-openssl-dev and build again)");
	if ((ret = lab_local_open(l->db)) != 0)
		return ret;
	l->server = l->db; /* what the messages name */
	return lab_client_main(l);
}

/* The server and the token, from the options or the environment. */
static void
lab_where(struct lab_args *l)
{
	const char *e;

	if (l->server == NULL)
		l->server = (e = getenv("FORGE_SERVER")) != NULL && *e
		                ? e
		                : "http://127.0.0.1:8080";
	if ((e = getenv("FORGE_TOKEN")) != NULL && *e)
		l->token = e;
}

/* Which options each action takes, and how many arguments. */
struct lab_action {
	const char *name;
	int min, max; /* arguments after the action */
	const char *usage;
};

static const struct lab_action lab_actions[] = {
    {"add", 1, 1, "add DIR [--name N] [--hidden-tests]"},
    {"set", 2, 100, "set NAME --open TIME --close TIME PROBLEM..."},
    {"list", 0, 0, "list [--json]"},
    {"board", 0, 0, "board [--json|--csv]"},
    {"rejudge", 1, 1, "rejudge PROBLEM"},
    {"show", 1, 1, "show ID [--json]"},
    {"diff", 2, 2, "diff ID1 ID2"},
    {"submissions", 0, 0, "submissions [--problem NAME] [--json]"},
    {"samples", 1, 2, "samples PROBLEM [DIR]"},
    {"replay", 1, 2, "replay ID [TEST] [--play [--speed X]] [--json]"},
};

static int
lab_check(const struct lab_args *l, const struct lab_action *a)
{
	const char *act = a->name;

	if (l->argc - 1 < a->min || l->argc - 1 > a->max)
		return cli_usage_error("usage: forge lab %s", a->usage);
	if ((l->name || l->hidden) && strcmp(act, "add") != 0)
		return cli_usage_error("--name and --hidden-tests go with add");
	if ((l->open_given || l->close_given) && strcmp(act, "set") != 0)
		return cli_usage_error("--open and --close go with set");
	if (strcmp(act, "set") == 0 && (!l->open_given || !l->close_given))
		return cli_usage_error("forge lab set: --open TIME and --close "
		                       "TIME, please");
	if (strcmp(act, "set") == 0 && !(l->open < l->close))
		return cli_usage_error("forge lab set: --open comes before "
		                       "--close");
	if (l->csv && strcmp(act, "board") != 0)
		return cli_usage_error("--csv goes with board");
	if (l->csv && l->json)
		return cli_usage_error("--csv or --json: one of them");
	if (l->problem && strcmp(act, "submissions") != 0)
		return cli_usage_error("--problem goes with submissions");
	if ((l->play || l->speed > 0) && strcmp(act, "replay") != 0)
		return cli_usage_error("--play and --speed go with replay");
	if (l->speed > 0 && !l->play)
		return cli_usage_error("--speed goes with --play");
	if (l->play && l->json)
		return cli_usage_error("--play or --json: one of them");
	if (l->db && strcmp(act, "board") != 0 && strcmp(act, "add") != 0 &&
	    strcmp(act, "rejudge") != 0)
		return cli_usage_error("--db goes with board, add and rejudge "
		                       "(the other actions ask the server over "
		                       "HTTP)");
	if (l->db && l->server)
		return cli_usage_error("--db or --server: one of them");
	return -1;
}

int
cmd_lab(int argc, char **argv)
{
	struct cli_args a;
	struct lab_args l = {0};
	const struct lab_action *act = NULL;
	int ret;

	if ((ret = cli_parse(&cmd_lab_entry, argc, argv, &a, lab_option, &l)) >=
	    0)
		return ret;
	for (size_t i = 0; i < sizeof lab_actions / sizeof *lab_actions; i++)
		if (strcmp(a.argv[0], lab_actions[i].name) == 0)
			act = &lab_actions[i];
	if (act == NULL)
		return cli_usage_error("lab %s: use add, set, list, board, "
		                       "rejudge, show, diff, submissions, "
		                       "samples or replay",
		                       a.argv[0]);
	l.action = act->name;
	l.argc = a.argc;
	l.argv = a.argv;
	l.json = a.json;
	l.db = a.db;
	if ((ret = lab_check(&l, act)) >= 0)
		return ret;
	if (l.db != NULL && strcmp(l.action, "board") == 0)
		return lab_board_local(&l);
	if (l.db != NULL)
		return lab_db_local(&l);
	if (lab_client_main == NULL)
		return lab_exec();
	lab_where(&l);
	return lab_client_main(&l);
}

int
cmd_submit(int argc, char **argv)
{
	struct cli_args a;
	struct lab_args l = {0};
	int ret;

	if ((ret = cli_parse(&cmd_submit_entry, argc, argv, &a, lab_option,
	                     &l)) >= 0)
		return ret;
	if (lab_client_main == NULL)
		return lab_exec();
	l.action = "submit";
	l.argc = a.argc;
	l.argv = a.argv;
	l.json = a.json;
	l.lang = a.lang;
	lab_where(&l);
	return lab_client_main(&l);
}
