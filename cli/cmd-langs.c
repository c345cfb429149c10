/* forge langs: every language plugin, and whether its toolchain is here. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const struct cli_option langs_options[] = {
    {"json", 'j', NULL, "print a JSON array"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

void
cmd_langs_help(FILE *f)
{
	fprintf(f,
	        "usage: forge langs [--json]\n\n"
	        "Lists the language plugins (from %s and\n"
	        "$XDG_CONFIG_HOME/forge/languages), each with its toolchain "
	        "version or why\nit is unavailable.\n\noptions:\n",
	        lang_system_dir());
	cli_options_help(f, langs_options);
}

static void
langs_exts(struct buf *b, const struct language *l)
{
	char **e;

	for (e = l->extensions; *e != NULL; e++)
		buf_printf(b, "%s%s", e == l->extensions ? "" : " ", *e);
}

int
cmd_langs(int argc, char **argv)
{
	struct language_set set;
	const struct language *l;
	struct option *lo;
	char shortopts[16];
	bool json = false;
	const struct backend *be = backend_default();
	struct buf out;
	struct json_writer w = {&out, false};
	int opt;
	size_t i;

	lo = cli_longopts(langs_options, shortopts, sizeof shortopts);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		if (opt == 'j')
			json = true;
		else if (opt == 'h') {
			cmd_langs_help(stdout);
			free(lo);
			return 0;
		} else {
			free(lo);
			return cli_usage_error("unknown option '%s' (see "
			                       "'forge langs --help')",
			                       argv[optind - 1]);
		}
	}
	free(lo);
	if (optind < argc)
		return cli_usage_error("'forge langs' takes no arguments");

	lang_load_all(&set);
	be->cleanup_stale();
	buf_init(&out, 0);
	if (json)
		json_open(&w, NULL, '[');
	else
		buf_printf(&out, "%-11s %-22s %-24s %s\n", "ID", "NAME",
		           "EXTENSIONS", "TOOLCHAIN");
	for (l = set.head; l != NULL; l = l->next) {
		char why[512];
		bool ok = lang_available(l, be, why, sizeof why);
		char *version = ok ? lang_toolchain_version(l, be) : NULL;
		struct buf exts;

		buf_init(&exts, 0);
		langs_exts(&exts, l);
		if (json) {
			char **e;
			json_open(&w, NULL, '{');
			json_cstr(&w, "id", l->id);
			json_cstr(&w, "name", l->name);
			json_open(&w, "extensions", '[');
			for (e = l->extensions; *e != NULL; e++)
				json_cstr(&w, NULL, *e);
			json_close(&w, ']');
			json_bool(&w, "compiled", l->compile != NULL);
			json_bool(&w, "available", ok);
			json_cstr(&w, "version", version);
			json_cstr(&w, "reason", ok ? NULL : why);
			json_cstr(&w, "file", l->file);
			json_close(&w, '}');
		} else
			buf_printf(&out, "%-11s %-22s %-24s %s\n", l->id,
			           l->name, buf_cstr(&exts),
			           ok ? (version ? version : "available")
			              : why);
		buf_free(&exts);
		free(version);
	}
	if (json) {
		json_close(&w, ']');
		buf_add(&out, "\n", 1);
	}
	fwrite(out.data, 1, out.len, stdout);
	for (i = 0; i < set.nerrors; i++)
		fprintf(stderr, "forge: warning: %s\n", set.errors[i]);
	buf_free(&out);
	lang_set_free(&set);
	return 0;
}
