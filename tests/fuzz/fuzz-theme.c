/* Fuzz target: a theme file (tui/theme.c, through inih): the pure
 * parsing and the colour mapping, no curses calls. */
#include "config.h"

#include "tests/fuzz/fuzz.h"
#include "tui/tui.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct theme t;
	struct buf errors;
	int e, fg, bg;
	attr_t attrs;

	buf_init(&errors, 0);
	theme_builtin(&t);
	theme_parse(&t, "fuzz", text, "fuzz.theme", &errors);
	for (e = 0; e < THEME_NELEMENTS; e++) {
		theme_resolve(&t.style[e], (enum theme_element)e, 8, &fg, &bg,
		              &attrs);
		theme_resolve(&t.style[e], (enum theme_element)e, 256, &fg, &bg,
		              &attrs);
	}
	buf_free(&errors);
	free(text);
	return 0;
}
