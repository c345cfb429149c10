/* forge doctor: what isolation this host allows, and how to fix what is
 * missing. Every check is done for real, ending with a whole test run. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const struct cli_option doctor_options[] = {
    {"json", 'j', CLI_OPT_JSON, NULL, "print a JSON object"},
    {"backend", 0, CLI_OPT_BACKEND, "NAME",
     "check only this backend (default: every registered one)"},
    CLI_ROW_END,
};

const struct cli_command cmd_doctor_entry = {
    .name = "doctor",
    .every_backend = true,
    .args = "[--json]",
    .usage = "[--json] [--backend NAME]",
    .summary = "what isolation this host allows, and how to fix what is "
               "missing",
    .about = "Checks, for each sandbox backend, what this host allows it "
             "(user namespaces,\ncgroups, seccomp), runs a test program in "
             "it, and says how to enable\nanything missing. Each backend's "
             "checks come under its name.",
    .epilogue = "exit status: 0 when the sandbox works, 1 when it cannot run "
                "programs, 2 usage\nerror",
    .options = doctor_options,
    .min_args = 0,
    .max_args = 0,
    .exec = cmd_doctor,
};

/* One backend's checks, under its name; true when it cannot run programs. */
static bool
doctor_backend(const struct backend *be, bool json, struct json_writer *w,
               struct buf *out)
{
	static const char *const marks[] = {"ok", "warn", "FAIL"};
	static const char *const names[] = {"ok", "warn", "fail"};
	struct backend_check checks[32];
	bool broken = false;
	size_t n, i;

	be->cleanup_stale();
	n = be->doctor(checks, sizeof checks / sizeof checks[0]);
	if (json) {
		json_open(w, NULL, '{');
		json_cstr(w, "name", be->name);
		json_cstr(w, "description", be->description);
		json_open(w, "checks", '[');
	} else
		buf_printf(out, "backend %s (%s)\n", be->name, be->description);
	for (i = 0; i < n; i++) {
		if (checks[i].status == 2)
			broken = true;
		if (json) {
			json_open(w, NULL, '{');
			json_cstr(w, "check", checks[i].name);
			json_cstr(w, "status", names[checks[i].status]);
			json_cstr(w, "detail", checks[i].detail);
			json_cstr(w, "fix",
			          checks[i].fix[0] ? checks[i].fix : NULL);
			json_close(w, '}');
			continue;
		}
		buf_printf(out, "  [%-4s] %-16s %s\n", marks[checks[i].status],
		           checks[i].name, checks[i].detail);
		if (checks[i].fix[0] != '\0')
			buf_printf(out, "         %-16s fix: %s\n", "",
			           checks[i].fix);
	}
	if (json) {
		json_close(w, ']');
		json_bool(w, "sandbox_works", !broken);
		json_close(w, '}');
	} else
		buf_printf(out, "  backend %s %s\n", be->name,
		           broken ? "cannot sandbox programs here"
		                  : "can sandbox programs here");
	return broken;
}

int
cmd_doctor(int argc, char **argv)
{
	const struct backend *const *list;
	struct cli_args a;
	bool broken = false;
	size_t nb, b;
	struct buf out;
	struct json_writer w = {&out, false};
	int ret;

	if ((ret = cli_parse(&cmd_doctor_entry, argc, argv, &a, NULL, NULL)) >=
	    0)
		return ret;
	buf_init(&out, 0);
	if (a.json) {
		json_open(&w, NULL, '{');
		json_open(&w, "backends", '[');
	}
	backend_list(&list, &nb);
	/* a backend that cannot run here breaks forge only when it is the
	 * one forge uses, or the one asked about */
	for (b = 0; b < nb; b++)
		if ((!a.backend_given || list[b] == a.backend) &&
		    doctor_backend(list[b], a.json, &w, &out) &&
		    (a.backend_given || list[b] == backend_default()))
			broken = true;
	if (a.json) {
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
