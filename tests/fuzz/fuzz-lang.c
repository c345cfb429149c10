/* Fuzz target: a language plugin file (engine/lang.c, through inih):
 * every section, the [syntax] tables the highlighter indexes, compile
 * limits. What it accepts must have its compile limits in range. */
#include "config.h"

#include "engine/engine.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), err[1024];
	struct language *l = NULL;

	if (lang_parse_string(text, "fuzz.lang", &l, err, sizeof err) == 0) {
		const struct limits *cl = &l->compile_limits;

		if (cl->cpu_ms > LIMITS_CPU_MAX_MS ||
		    cl->wall_ms > 2 * LIMITS_WALL_MAX_MS ||
		    cl->mem_bytes > LIMITS_SIZE_MAX ||
		    cl->fsize_bytes > LIMITS_SIZE_MAX)
			abort();
		lang_free(l);
	} else if (err[0] == '\0')
		abort(); /* a refusal always says why */
	free(text);
	return 0;
}
