/* forge doctor: what isolation this host allows, and how to fix what is
 * missing. Every check is done for real, ending with a whole test run. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const struct cli_option doctor_options[] = {
    {"json", 'j', NULL, "print a JSON object"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

void
cmd_doctor_help(FILE *f)
{
	fprintf(f, "usage: forge doctor [--json]\n\n"
	           "Checks what this host allows the sandbox (user namespaces, "
	           "cgroups, seccomp),\nruns a test program in it, and says "
	           "how to enable anything missing.\nexit status: 0 when the "
	           "sandbox works, 1 when it cannot run programs.\n\n"
	           "options:\n");
	cli_options_help(f, doctor_options);
}

int
cmd_doctor(int argc, char **argv)
{
	static const char *const marks[] = {"ok", "warn", "FAIL"};
	const struct backend *const *list;
	struct backend_check checks[32];
	struct option *lo;
	char shortopts[16];
	bool json = false, broken = false;
	size_t nb, b, n, i;
	struct buf out;
	struct json_writer w = {&out, false};
	int opt;

	lo = cli_longopts(doctor_options, shortopts, sizeof shortopts);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		if (opt == 'j')
			json = true;
		else if (opt == 'h') {
			cmd_doctor_help(stdout);
			free(lo);
			return 0;
		} else {
			free(lo);
			return cli_usage_error("unknown option '%s' (see "
			                       "'forge doctor --help')",
			                       argv[optind - 1]);
		}
	}
	free(lo);
	if (optind < argc)
		return cli_usage_error("'forge doctor' takes no arguments");

	buf_init(&out, 0);
	if (json) {
		json_open(&w, NULL, '{');
		json_open(&w, "backends", '[');
	}
	backend_list(&list, &nb);
	for (b = 0; b < nb; b++) {
		list[b]->cleanup_stale();
		n = list[b]->doctor(checks, sizeof checks / sizeof checks[0]);
		if (json) {
			json_open(&w, NULL, '{');
			json_cstr(&w, "name", list[b]->name);
			json_cstr(&w, "description", list[b]->description);
			json_open(&w, "checks", '[');
		} else
			buf_printf(&out, "backend %s (%s)\n", list[b]->name,
			           list[b]->description);
		for (i = 0; i < n; i++) {
			if (checks[i].status == 2)
				broken = true;
			if (json) {
				json_open(&w, NULL, '{');
				json_cstr(&w, "check", checks[i].name);
				json_cstr(&w, "status",
				          checks[i].status == 0   ? "ok"
				          : checks[i].status == 1 ? "warn"
				                                  : "fail");
				json_cstr(&w, "detail", checks[i].detail);
				json_cstr(&w, "fix",
				          checks[i].fix[0] ? checks[i].fix
				                           : NULL);
				json_close(&w, '}');
				continue;
			}
			buf_printf(&out, "  [%-4s] %-16s %s\n",
			           marks[checks[i].status], checks[i].name,
			           checks[i].detail);
			if (checks[i].fix[0] != '\0')
				buf_printf(&out, "         %-16s fix: %s\n", "",
				           checks[i].fix);
		}
		if (json) {
			json_close(&w, ']');
			json_close(&w, '}');
		}
	}
	if (json) {
		json_close(&w, ']');
		json_bool(&w, "sandbox_works", !broken);
		json_close(&w, '}');
		buf_add(&out, "\n", 1);
	} else
		buf_printf(&out, "%s\n",
		           broken ? "forge cannot sandbox programs here: fix "
		                    "the FAIL lines above"
		                  : "forge can sandbox programs here");
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	return broken ? 1 : 0;
}
