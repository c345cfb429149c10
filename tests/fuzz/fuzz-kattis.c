/* Fuzz target: a Kattis / ICPC problem package's problem.yaml (through
 * libyaml: alias bombs, deep nesting, every limits key) and a test
 * group's testdata.yaml, read by testset_load() from a package on disk.
 * The input is problem.yaml, then optionally a line "#testdata" and the
 * secret group's testdata.yaml. Whatever it accepts must carry limits in
 * range, and multipliers that cannot make a limit wrap. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"
#include "tests/fuzz/fuzz.h"

static char fuzz_pkg[64];

static void
fuzz_write(const char *name, const uint8_t *data, size_t size)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", fuzz_pkg, name);
	f = fopen(path, "w");
	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
}

static void
fuzz_setup(void)
{
	char path[256];

	snprintf(fuzz_pkg, sizeof fuzz_pkg, "/tmp/forge-fuzz-kattis.XXXXXX");
	if (mkdtemp(fuzz_pkg) == NULL)
		abort();
	snprintf(path, sizeof path, "%s/data", fuzz_pkg);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/data/secret", fuzz_pkg);
	mkdir(path, 0755);
	fuzz_write("data/secret/1.in", (const uint8_t *)"1\n", 2);
	fuzz_write("data/secret/1.ans", (const uint8_t *)"1\n", 2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n#testdata\n";
	const uint8_t *td = NULL;
	size_t plen = size, i;
	struct testset ts;
	char err[1024], path[256];

	if (fuzz_pkg[0] == '\0')
		fuzz_setup();
	for (i = 0; i + sizeof sep - 1 <= size; i++)
		if (memcmp(data + i, sep, sizeof sep - 1) == 0) {
			plen = i;
			td = data + i + sizeof sep - 1;
			break;
		}
	fuzz_write("problem.yaml", data, plen);
	snprintf(path, sizeof path, "%s/data/secret/testdata.yaml", fuzz_pkg);
	if (td != NULL)
		fuzz_write("data/secret/testdata.yaml", td,
		           size - (size_t)(td - data));
	else
		unlink(path);
	memset(&ts, 0, sizeof ts);
	if (testset_load(&ts, fuzz_pkg, err, sizeof err) == 0) {
		if (ts.time_ms > LIMITS_CPU_MAX_MS ||
		    ts.mem_bytes > LIMITS_SIZE_MAX ||
		    !(ts.time_limit_to_tle >= 1 &&
		      ts.time_limit_to_tle <= LIMITS_FACTOR_MAX) ||
		    !(ts.ac_to_time_limit >= 1 &&
		      ts.ac_to_time_limit <= LIMITS_FACTOR_MAX) ||
		    !(ts.time_resolution > 0 && isfinite(ts.time_resolution)))
			abort(); /* a package must not switch a limit off */
		if (limits_scale_ms(ts.time_ms ? ts.time_ms : 1000,
		                    ts.time_limit_to_tle) > LIMITS_CPU_MAX_MS)
			abort();
	} else if (err[0] == '\0')
		abort(); /* a refusal always says why */
	testset_free(&ts);
	return 0;
}
