/* forge langs: every language plugin, and whether its toolchain is here. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const struct cli_option langs_options[] = {
    {"json", 'j', CLI_OPT_JSON, NULL, "print a JSON array"},
    {"backend", 0, CLI_OPT_BACKEND, "NAME",
     "toolchains as this backend sees them (default ns)"},
    CLI_ROW_END,
};

static void
langs_help_extra(FILE *f)
{
	fprintf(f,
	        "\nlanguage plugins are read from %s, then\n"
	        "$XDG_CONFIG_HOME/forge/languages (a file there overrides a "
	        "shipped one)\n",
	        lang_system_dir());
}

const struct cli_command cmd_langs_entry = {
    .name = "langs",
    .every_backend = true,
    .args = "[--json]",
    .usage = "[--json] [--backend NAME]",
    .summary = "languages and whether their toolchains are here",
    .about = "Lists the language plugins, each with its toolchain version on "
             "the backend\n(the default one unless --backend names another) "
             "or why it is unavailable\nthere.",
    .help_extra = langs_help_extra,
    .options = langs_options,
    .min_args = 0,
    .max_args = 0,
    .exec = cmd_langs,
};

static void
langs_exts(struct buf *b, const struct language *l)
{
	char **e;

	for (e = l->extensions; *e != NULL; e++)
		buf_printf(b, "%s%s", e == l->extensions ? "" : " ", *e);
}

/* One language's line of the table, or its object of the JSON. */
static void
langs_one(const struct language *l, const struct backend *be, bool json,
          struct json_writer *w, struct buf *out)
{
	char why[512], **e;
	bool ok = lang_available(l, be, why, sizeof why);
	char *version = ok ? lang_toolchain_version(l, be) : NULL;
	struct buf exts;

	if (json) {
		json_open(w, NULL, '{');
		json_cstr(w, "id", l->id);
		json_cstr(w, "name", l->name);
		json_open(w, "extensions", '[');
		for (e = l->extensions; *e != NULL; e++)
			json_cstr(w, NULL, *e);
		json_close(w, ']');
		json_bool(w, "compiled", l->compile != NULL);
		json_cstr(w, "backend", be->name);
		json_bool(w, "available", ok);
		json_cstr(w, "version", version);
		json_cstr(w, "reason", ok ? NULL : why);
		json_cstr(w, "file", l->file);
		json_close(w, '}');
	} else {
		buf_init(&exts, 0);
		langs_exts(&exts, l);
		buf_printf(out, "%-11s %-22s %-24s %s\n", l->id, l->name,
		           buf_cstr(&exts),
		           ok ? (version ? version : "available") : why);
		buf_free(&exts);
	}
	free(version);
}

int
cmd_langs(int argc, char **argv)
{
	struct language_set set;
	const struct language *l;
	struct cli_args a;
	struct buf out;
	struct json_writer w = {&out, false};
	int ret;
	size_t i;

	if ((ret = cli_parse(&cmd_langs_entry, argc, argv, &a, NULL, NULL)) >=
	    0)
		return ret;
	lang_load_all(&set);
	a.backend->cleanup_stale();
	buf_init(&out, 0);
	if (a.json)
		json_open(&w, NULL, '[');
	else
		buf_printf(&out, "%-11s %-22s %-24s %s\n", "ID", "NAME",
		           "EXTENSIONS", "TOOLCHAIN");
	for (l = set.head; l != NULL; l = l->next)
		langs_one(l, a.backend, a.json, &w, &out);
	if (a.json) {
		json_close(&w, ']');
		buf_add(&out, "\n", 1);
	} else
		buf_printf(&out, "(toolchains as backend %s sees them: %s)\n",
		           a.backend->name, a.backend->description);
	fwrite(out.data, 1, out.len, stdout);
	for (i = 0; i < set.nerrors; i++)
		fprintf(stderr, "forge: warning: %s\n", set.errors[i]);
	buf_free(&out);
	lang_set_free(&set);
	return 0;
}
