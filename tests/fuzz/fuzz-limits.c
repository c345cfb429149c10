/* Fuzz target: engine/limits.c, where every number from outside becomes
 * a limit: typed text for each field, and raw doubles (as a file's JSON
 * or YAML number arrives) through limits_from_number() and the scaling
 * of a time limit. Whatever is accepted is within the field's range. */
#include "config.h"

#include <math.h>

#include "engine/engine.h"
#include "tests/fuzz/fuzz.h"

static const uint64_t fuzz_max[] = {
    [LIMITS_CPU] = LIMITS_CPU_MAX_MS,  [LIMITS_WALL] = LIMITS_WALL_MAX_MS,
    [LIMITS_MEMORY] = LIMITS_SIZE_MAX, [LIMITS_OUTPUT] = LIMITS_SIZE_MAX,
    [LIMITS_FSIZE] = LIMITS_SIZE_MAX,  [LIMITS_PIDS] = LIMITS_PIDS_MAX,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, err[512], out[64];
	double v, unit;
	uint64_t n;
	uint32_t c;
	int f;

	text = fuzz_cstr(data, size);
	for (f = LIMITS_CPU; f <= LIMITS_PIDS; f++) {
		if (limits_parse((enum limits_field)f, text, &n, err,
		                 sizeof err) == 0) {
			if (n < 1 || n > fuzz_max[f])
				abort();
			limits_format_size(n, out, sizeof out);
		} else if (err[0] == '\0')
			abort();
	}
	if (limits_parse_size(text, &n, err, sizeof err) == 0)
		limits_format_size(n, out, sizeof out);
	if (limits_parse_count(text, &c, err, sizeof err) == 0 && c < 1)
		abort();
	/* the bytes as two doubles: a value and a unit, any bit pattern */
	if (size >= 2 * sizeof(double)) {
		memcpy(&v, data, sizeof v);
		memcpy(&unit, data + sizeof v, sizeof unit);
		for (f = LIMITS_CPU; f <= LIMITS_PIDS; f++)
			if (limits_from_number((enum limits_field)f, v, unit,
			                       &n, err, sizeof err) == 0 &&
			    (n < 1 || n > fuzz_max[f]))
				abort();
		n = limits_scale_ms(1000, v);
		if (n < 1000 || n > LIMITS_CPU_MAX_MS)
			abort();
	}
	free(text);
	return 0;
}
