/* Fuzz target: the workbench's settings file (tui/settings.c, through
 * inih): limits, key bindings, editor options. What it accepts must have
 * its limits in range. */
#include "config.h"

#include "tests/fuzz/fuzz.h"
#include "tui/tui.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), *with;
	struct settings s;
	struct buf errors;

	buf_init(&errors, 0);
	settings_init(&s);
	settings_parse(&s, text, "forge-tui.conf", &errors);
	if (s.limits.cpu_ms > LIMITS_CPU_MAX_MS ||
	    s.limits.wall_ms > LIMITS_WALL_MAX_MS ||
	    s.limits.mem_bytes > LIMITS_SIZE_MAX ||
	    s.limits.output_bytes > LIMITS_SIZE_MAX)
		abort();
	/* the rewrite the theme chooser does keeps every other line */
	with = settings_with_theme(text, "dark");
	free(with);
	settings_free(&s);
	buf_free(&errors);
	free(text);
	return 0;
}
