/* Fuzz target: competitive-companion JSON, both ways Forge reads it: the
 * workbench's companion_parse() and a file given to forge judge
 * (testset_load). Whatever either accepts must carry limits in range. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "engine/engine.h"
#include "tests/fuzz/fuzz.h"
#include "tui/tui.h"

static char fuzz_path[64];

static void
fuzz_check_limits(uint64_t time_ms, uint64_t mem_bytes)
{
	if (time_ms > LIMITS_CPU_MAX_MS || mem_bytes > LIMITS_SIZE_MAX)
		abort(); /* a file must not switch a limit off */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), err[512];
	struct companion_problem p;
	struct testset ts;
	FILE *f;

	if (companion_parse(text, size, &p, err, sizeof err) == 0) {
		fuzz_check_limits(p.time_ms, p.mem_bytes);
		companion_problem_free(&p);
	}
	if (fuzz_path[0] == '\0') {
		int fd;

		snprintf(fuzz_path, sizeof fuzz_path,
		         "/tmp/forge-fuzz-companion.XXXXXX.json");
		fd = mkstemps(fuzz_path, 5);
		if (fd < 0)
			abort();
		close(fd);
	}
	f = fopen(fuzz_path, "w");
	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	memset(&ts, 0, sizeof ts);
	if (testset_load(&ts, fuzz_path, err, sizeof err) == 0)
		fuzz_check_limits(ts.time_ms, ts.mem_bytes);
	testset_free(&ts);
	free(text);
	return 0;
}
