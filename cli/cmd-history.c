/* forge history, show, export, import, gc: the recorded runs. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

enum {
	OPT_LANG = CLI_OPT_COMMAND,
	OPT_VERDICT,
	OPT_FILE,
	OPT_SINCE,
	OPT_LIMIT,
	OPT_SOURCE,
	OPT_OUTPUT,
	OPT_KEEP,
	OPT_OLDER,
	OPT_USER,
};

static const struct cli_option history_options[] = {
    {"lang", 0, OPT_LANG, "ID", "only runs in this language"},
    {"verdict", 0, OPT_VERDICT, "V",
     "only runs with this verdict (OK, WA, ...)"},
    {"file", 0, OPT_FILE, "TEXT",
     "only runs of files whose path contains TEXT"},
    {"since", 0, OPT_SINCE, "DURATION",
     "only runs of the last DURATION (30m, 2h, 7d)"},
    {"user", 0, OPT_USER, "NAME",
     "only runs a server ran for token NAME (forge serve)"},
    {"limit", 'n', OPT_LIMIT, "N", "at most N runs (default 50)"},
    {"json", 0, CLI_OPT_JSON, NULL, "print a JSON array"},
    CLI_ROW_DB,
    CLI_ROW_END,
};

static const struct cli_option show_options[] = {
    {"json", 0, CLI_OPT_JSON, NULL, "print the run as one JSON object"},
    {"source", 0, OPT_SOURCE, NULL, "print only the source"},
    {"output", 0, OPT_OUTPUT, NULL, "print only the program's output"},
    CLI_ROW_DB,
    CLI_ROW_END,
};

static const struct cli_option db_options[] = {
    CLI_ROW_DB,
    CLI_ROW_END,
};

static const struct cli_option gc_options[] = {
    {"keep", 0, OPT_KEEP, "N", "keep only the newest N runs"},
    {"older-than", 0, OPT_OLDER, "DURATION",
     "remove runs older than DURATION (30m, 2h, 7d)"},
    CLI_ROW_DB,
    CLI_ROW_END,
};

#define HISTORY_EXIT                                                           \
	"exit status: 0, 2 usage error, 4 the history database cannot be "     \
	"used"

const struct cli_command cmd_history_entry = {
    .name = "history",
    .args = "[options]",
    .usage = "[options]",
    .summary = "recorded runs, newest first",
    .about = "Lists recorded runs, newest first: id, when, file, language, "
             "verdict,\nCPU time and memory.",
    .epilogue = HISTORY_EXIT,
    .options = history_options,
    .min_args = 0,
    .max_args = 0,
    .exec = cmd_history,
};

const struct cli_command cmd_show_entry = {
    .name = "show",
    .args = "ID",
    .usage = "[options] ID",
    .summary = "everything about one recorded run",
    .about = "Everything about one recorded run: source, input, output, "
             "measurements,\nper-test results.",
    .epilogue = "exit status: 0, 2 usage error or no such run, 4 the history "
                "database\ncannot be used",
    .options = show_options,
    .min_args = 1,
    .max_args = 1,
    .exec = cmd_show,
};

const struct cli_command cmd_export_entry = {
    .name = "export",
    .args = "ID",
    .usage = "[--db PATH] ID",
    .summary = "a recorded run as a JSON document",
    .about = "Prints a recorded run as one JSON document, for sharing; 'forge "
             "import'\nreads it back.",
    .epilogue = HISTORY_EXIT,
    .options = db_options,
    .min_args = 1,
    .max_args = 1,
    .exec = cmd_export,
};

const struct cli_command cmd_import_entry = {
    .name = "import",
    .args = "FILE",
    .usage = "[--db PATH] FILE",
    .summary = "record an exported run",
    .about = "Records a run exported with 'forge export' (FILE - reads "
             "stdin) and\nprints its new id.",
    .epilogue = HISTORY_EXIT,
    .options = db_options,
    .min_args = 1,
    .max_args = 1,
    .exec = cmd_import,
};

const struct cli_command cmd_gc_entry = {
    .name = "gc",
    .args = "[--keep N]",
    .usage = "[--keep N] [--older-than DURATION] [--db PATH]",
    .summary = "remove old runs from the history",
    .about = "Removes old runs, then compacts the database (VACUUM).",
    .epilogue = HISTORY_EXIT,
    .options = gc_options,
    .min_args = 0,
    .max_args = 0,
    .exec = cmd_gc,
};

/* "30", "30s", "15m", "2h", "7d", "1w": seconds. */
static int
history_parse_duration(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || !isfinite(v) || v < 0)
		return -1;
	if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
		;
	else if (strcmp(end, "m") == 0)
		v *= 60;
	else if (strcmp(end, "h") == 0)
		v *= 3600;
	else if (strcmp(end, "d") == 0)
		v *= 86400;
	else if (strcmp(end, "w") == 0)
		v *= 7 * 86400;
	else
		return -1;
	*out = v;
	return 0;
}

static int
history_parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0)
		return cli_usage_error("'%s' is not a run id (see 'forge "
		                       "history')",
		                       s);
	*id = v;
	return 0;
}

/* What the history commands' own options say. */
struct hopts {
	bool source, output;
	struct history_filter f;
	int64_t keep;
	double older;
};

static int
history_option(void *arg, int key, const char *v, char *err, size_t len)
{
	struct hopts *o = arg;
	enum verdict vd;
	uint32_t n;
	double d;
	char *end;
	long long k;

	switch (key) {
	case OPT_SOURCE:
		o->source = true;
		break;
	case OPT_OUTPUT:
		o->output = true;
		break;
	case OPT_LANG:
		o->f.lang = v;
		break;
	case OPT_VERDICT:
		if (verdict_from_name(v, &vd) < 0) {
			snprintf(err, len,
			         "'%s' is not a verdict (OK, AC, WA, TLE, MLE, "
			         "OLE, RE, CE, SV, IE)",
			         v);
			return -1;
		}
		o->f.verdict = verdict_name(vd);
		break;
	case OPT_FILE:
		o->f.file = v;
		break;
	case OPT_USER:
		o->f.user = v;
		break;
	case OPT_SINCE:
	case OPT_OLDER:
		if (history_parse_duration(v, &d) < 0) {
			snprintf(err, len,
			         "'%s' is not a duration (30m, 2h, 7d)", v);
			return -1;
		}
		if (key == OPT_SINCE)
			o->f.since = history_recorder_now() - d;
		else
			o->older = history_recorder_now() - d;
		break;
	case OPT_LIMIT:
		if (limits_parse_count(v, &n, err, len) < 0)
			return -1;
		o->f.limit = n;
		break;
	case OPT_KEEP:
		k = strtoll(v, &end, 10);
		if (*v == '\0' || *end != '\0' || k < 0) {
			snprintf(err, len, "'%s' is not a number of runs", v);
			return -1;
		}
		o->keep = k;
		break;
	}
	return 0;
}

/* The history commands' parse: -1 to go on, else the exit status. */
static int
history_parse(const struct cli_command *c, int argc, char **argv,
              struct cli_args *a, struct hopts *o)
{
	memset(o, 0, sizeof *o);
	o->f.limit = 50;
	o->keep = -1;
	return cli_parse(c, argc, argv, a, history_option, o);
}

static struct history *
history_open_or_say(const char *db, bool create, int *ret)
{
	char err[1024];
	struct history *h =
	    history_open(history_path(db), create, err, sizeof err);

	if (h == NULL) {
		fprintf(stderr, "forge: %s\n", err);
		*ret = EXIT_HISTORY;
	}
	return h;
}

int
cmd_history(int argc, char **argv)
{
	struct hopts o;
	struct cli_args a;
	struct history *h;
	struct history_run *v;
	size_t n, i;
	char err[1024];
	int ret;

	if ((ret = history_parse(&cmd_history_entry, argc, argv, &a, &o)) >= 0)
		return ret;
	if (access(history_path(a.db), F_OK) < 0) {
		/* nothing recorded yet is not an error */
		printf(a.json ? "[]\n" : "no runs recorded yet (%s)\n",
		       history_path(a.db));
		return 0;
	}
	if ((h = history_open_or_say(a.db, false, &ret)) == NULL)
		return ret;
	if (history_list(h, &o.f, &v, &n, err, sizeof err) < 0) {
		fprintf(stderr, "forge: %s\n", err);
		history_close(h);
		return EXIT_HISTORY;
	}
	if (a.json) {
		struct buf b;
		struct json_writer w = {&b, false};

		buf_init(&b, 0);
		json_open(&w, NULL, '[');
		for (i = 0; i < n; i++) {
			json_open(&w, NULL, '{');
			json_int(&w, "id", v[i].id);
			json_double(&w, "created", v[i].created);
			json_cstr(&w, "kind", v[i].kind);
			json_cstr(&w, "file", v[i].file);
			json_cstr(&w, "language", v[i].language);
			json_cstr(&w, "verdict", v[i].verdict);
			json_int(&w, "time_ms", v[i].time_ms);
			json_int(&w, "wall_ms", v[i].wall_ms);
			json_int(&w, "memory_kb", v[i].memory_kb);
			if (v[i].replay_of > 0)
				json_int(&w, "replay_of", v[i].replay_of);
			else
				json_null(&w, "replay_of");
			if (v[i].user != NULL)
				json_cstr(&w, "user", v[i].user);
			else
				json_null(&w, "user");
			json_close(&w, '}');
		}
		json_close(&w, ']');
		buf_add(&b, "\n", 1);
		fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
	} else {
		bool color = cli_color(1);

		printf("%6s  %-19s  %-5s  %-26s %-10s %-7s %8s %8s\n", "ID",
		       "WHEN", "KIND", "FILE", "LANG", "VERDICT", "CPU", "MEM");
		for (i = 0; i < n; i++) {
			char when[32], mem[32];
			const char *file = v[i].file ? v[i].file : "-";
			const char *base = strrchr(file, '/');
			enum verdict vd = VERDICT_IE;

			(void)verdict_from_name(v[i].verdict, &vd);
			report_time(v[i].created, when, sizeof when);
			limits_format_size((uint64_t)v[i].memory_kb * 1024, mem,
			                   sizeof mem);
			printf("%6lld  %-19s  %-5s  %-26.26s %-10s %s%-7s%s "
			       "%7.3fs %8s\n",
			       (long long)v[i].id, when, v[i].kind,
			       base ? base + 1 : file, v[i].language,
			       report_color(vd, color), v[i].verdict,
			       color ? "\033[0m" : "",
			       (double)v[i].time_ms / 1000.0, mem);
		}
		if (n == 0)
			printf("(no run matches)\n");
	}
	for (i = 0; i < n; i++)
		history_run_free(&v[i]);
	free(v);
	history_close(h);
	return 0;
}

/* Loads run ID; 0, or the exit status with the message printed. */
int
cli_history_load(const char *db, const char *ids, struct history_run *r)
{
	struct history *h;
	int64_t id = 0;
	char err[1024];
	int ret, g;

	if ((ret = history_parse_id(ids, &id)) != 0)
		return ret;
	if ((h = history_open_or_say(db, false, &ret)) == NULL)
		return ret;
	g = history_get(h, id, r, err, sizeof err);
	history_close(h);
	if (g != 0) {
		fprintf(stderr, "forge: %s\n", err);
		return g == 1 ? EXIT_USAGE : EXIT_HISTORY;
	}
	return 0;
}

/* A recorded text, escaped: it is the program's (or its source's),
 * and terminal controls in it must not reach the terminal (--output
 * and --source give the bytes as they are). */
static void
show_block(const char *title, const char *p, size_t n, bool truncated)
{
	struct buf b;

	if (p == NULL)
		return;
	printf("-- %s%s --\n", title, truncated ? " (truncated)" : "");
	buf_init(&b, 0);
	escape_text(&b, p, n, true);
	(void)buf_write(&b, stdout);
	if (b.len > 0 && b.data[b.len - 1] != '\n')
		putchar('\n');
	buf_free(&b);
}

int
cmd_show(int argc, char **argv)
{
	struct hopts o;
	struct cli_args a;
	struct history_run r;
	int ret;
	size_t i;

	if ((ret = history_parse(&cmd_show_entry, argc, argv, &a, &o)) >= 0)
		return ret;
	if ((ret = cli_history_load(a.db, a.argv[0], &r)) != 0)
		return ret;
	if (o.source) {
		fwrite(r.source, 1, r.source_len, stdout);
	} else if (o.output) {
		fwrite(r.out, 1, r.out_len, stdout);
	} else if (a.json) {
		struct report_extra x = {0};
		struct buf b;

		x.ran = true;
		x.samples = true;
		buf_init(&b, 0);
		report_run_json(&r, &x, &b);
		fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
	} else {
		char when[32], mem[32], *detail;

		report_time(r.created, when, sizeof when);
		limits_format_size((uint64_t)r.memory_kb * 1024, mem,
		                   sizeof mem);
		printf("run %lld  %s  %s of %s (%s%s%s)\n", (long long)r.id,
		       when, r.kind, r.file ? r.file : "-", r.language,
		       r.toolchain ? ", " : "", r.toolchain ? r.toolchain : "");
		if (r.replay_of > 0)
			printf("a replay of run %lld\n",
			       (long long)r.replay_of);
		if (r.user != NULL) {
			char *user = escape_cstr(r.user, false);

			printf("run by the server for token %s\n", user);
			free(user);
		}
		detail = escape_cstr(r.detail ? r.detail : "", false);
		printf("verdict %s%s%s%s\n", r.verdict, *detail ? " (" : "",
		       detail, *detail ? ")" : "");
		free(detail);
		printf("cpu %.3fs  wall %.3fs  memory %s",
		       (double)r.time_ms / 1000.0, (double)r.wall_ms / 1000.0,
		       mem);
		if (r.has_exit)
			printf("  exit code %lld", (long long)r.exit_code);
		if (r.signal)
			printf("  signal %s", r.signal);
		if (r.syscall)
			printf("  system call %s", r.syscall);
		printf("\nlimits: cpu %.3gs, wall %.3gs, memory %lluM, %u "
		       "processes%s  [%s/%s]\n",
		       (double)r.limits.cpu_ms / 1000.0,
		       (double)r.limits.wall_ms / 1000.0,
		       (unsigned long long)(r.limits.mem_bytes >> 20),
		       r.limits.pids, r.limits.net ? ", net" : "",
		       r.backend ? r.backend : "?",
		       r.enforced_by ? r.enforced_by : "?");
		if (r.testset)
			printf("tests: %s\n", r.testset);
		for (i = 0; i < r.ntests; i++) {
			detail = escape_cstr(
			    r.tests[i].detail ? r.tests[i].detail : "", false);
			printf("  %-28s %-4s %7.3fs %7lldK  %s\n",
			       r.tests[i].name, r.tests[i].verdict,
			       (double)r.tests[i].time_ms / 1000.0,
			       (long long)r.tests[i].memory_kb, detail);
			free(detail);
		}
		show_block("source", r.source, r.source_len, false);
		if (r.stdin_len > 0 || r.stdin_truncated)
			show_block("stdin", r.stdin_data, r.stdin_len,
			           r.stdin_truncated);
		show_block("compile output", r.compile, r.compile_len,
		           r.compile_truncated);
		show_block("stdout", r.out, r.out_len, r.out_truncated);
		show_block("stderr", r.err, r.err_len, r.err_truncated);
	}
	history_run_free(&r);
	return 0;
}

int
cmd_export(int argc, char **argv)
{
	struct hopts o;
	struct cli_args a;
	struct history_run r;
	struct buf b;
	int ret;

	if ((ret = history_parse(&cmd_export_entry, argc, argv, &a, &o)) >= 0)
		return ret;
	if ((ret = cli_history_load(a.db, a.argv[0], &r)) != 0)
		return ret;
	buf_init(&b, 0);
	history_export(&r, &b);
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	history_run_free(&r);
	return 0;
}

int
cmd_import(int argc, char **argv)
{
	struct hopts o;
	struct cli_args a;
	struct history_run r;
	struct history *h;
	struct buf b;
	char err[1024];
	int ret, rc;

	if ((ret = history_parse(&cmd_import_entry, argc, argv, &a, &o)) >= 0)
		return ret;
	buf_init(&b, 0);
	rc = strcmp(a.argv[0], "-") == 0
	         ? util_read_fd(0, &b, 1u << 30)
	         : util_read_file(a.argv[0], &b, 1u << 30);
	if (rc < 0) {
		ret = cli_usage_error("%s: %s", a.argv[0], strerror(errno));
		buf_free(&b);
		return ret;
	}
	if (history_import(buf_cstr(&b), b.len, &r, err, sizeof err) < 0) {
		buf_free(&b);
		return cli_usage_error("%s: not an exported Forge run: %s",
		                       a.argv[0], err);
	}
	buf_free(&b);
	if ((h = history_open_or_say(a.db, true, &ret)) == NULL) {
		history_run_free(&r);
		return ret;
	}
	if (history_record(h, &r, err, sizeof err) < 0) {
		fprintf(stderr, "forge: %s\n", err);
		ret = EXIT_HISTORY;
	} else {
		printf("%lld\n", (long long)r.id);
		ret = 0;
	}
	history_close(h);
	history_run_free(&r);
	return ret;
}

int
cmd_gc(int argc, char **argv)
{
	struct hopts o;
	struct cli_args a;
	struct history *h;
	int64_t removed;
	char err[1024];
	int ret;

	if ((ret = history_parse(&cmd_gc_entry, argc, argv, &a, &o)) >= 0)
		return ret;
	if (o.keep < 0 && o.older <= 0)
		return cli_usage_error("say what to remove: --keep N and/or "
		                       "--older-than DURATION");
	if ((h = history_open_or_say(a.db, false, &ret)) == NULL)
		return ret;
	if (history_gc(h, o.keep, o.older, &removed, err, sizeof err) < 0) {
		fprintf(stderr, "forge: %s\n", err);
		history_close(h);
		return EXIT_HISTORY;
	}
	printf("removed %lld run%s\n", (long long)removed,
	       removed == 1 ? "" : "s");
	history_close(h);
	return 0;
}
