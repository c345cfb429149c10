/* Limits: their defaults and the parsing of what a user types for them. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define KIB ((uint64_t)1024)
#define MIB (1024 * KIB)
#define GIB (1024 * MIB)
#define TIB (1024 * GIB)

void
limits_default_run(struct limits *l)
{
	l->cpu_ms = 2000;
	l->wall_ms = 10000;
	l->mem_bytes = 256 * MIB;
	l->output_bytes = 64 * MIB;
	l->fsize_bytes = 64 * MIB;
	l->pids = 64;
	l->net = false;
}

/* Compilers are trusted more than programs but still sandboxed: a
 * template or #include bomb must end, and with a clear reason. */
void
limits_default_compile(struct limits *l)
{
	l->cpu_ms = 30000;
	l->wall_ms = 60000;
	l->mem_bytes = 2 * GIB;
	l->output_bytes = 1 * MIB;
	l->fsize_bytes = 512 * MIB;
	l->pids = 256;
	l->net = false;
}

/* "256M", "1.5G", "64KiB", "100MB", "4096B". Units are binary (K = 1024)
 * and required: a bare "256" is ambiguous and is refused. */
int
limits_parse_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
	static const struct {
		const char *suffix;
		uint64_t mult;
	} units[] = {
	    {"B", 1},    {"K", KIB},   {"KB", KIB},  {"KIB", KIB}, {"M", MIB},
	    {"MB", MIB}, {"MIB", MIB}, {"G", GIB},   {"GB", GIB},  {"GIB", GIB},
	    {"T", TIB},  {"TB", TIB},  {"TIB", TIB},
	};
	char *end, unit[8];
	double v;
	size_t i, n;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '-') {
		snprintf(err, errlen, "'%s' is negative", s);
		return -1;
	}
	if (!isdigit((unsigned char)*s) && *s != '.') {
		snprintf(err, errlen,
		         "'%s' is not a size (use a number and a unit: 256M, "
		         "1G, 64K)",
		         s);
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || !isfinite(v) || end == s) {
		snprintf(err, errlen, "'%s' is not a size", s);
		return -1;
	}
	n = strlen(end);
	if (n == 0) {
		snprintf(err, errlen,
		         "'%s' has no unit (write %sM for megabytes, %sK for "
		         "kilobytes)",
		         s, s, s);
		return -1;
	}
	if (n >= sizeof unit) {
		snprintf(err, errlen, "'%s': unknown unit '%s'", s, end);
		return -1;
	}
	for (i = 0; i <= n; i++)
		unit[i] = (char)toupper((unsigned char)end[i]);
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(unit, units[i].suffix) != 0)
			continue;
		v *= (double)units[i].mult;
		if (v >= 18e18) {
			snprintf(err, errlen, "'%s' is too large", s);
			return -1;
		}
		if (v < 1) {
			snprintf(err, errlen, "'%s' must be at least 1 byte",
			         s);
			return -1;
		}
		*out = (uint64_t)v;
		return 0;
	}
	snprintf(err, errlen,
	         "'%s': unknown unit '%s' (use B, K, M, G or T, binary)", s,
	         end);
	return -1;
}

/* "2", "0.5", "1.5s", "500ms", "2m". */
int
limits_parse_seconds(const char *s, uint64_t *ms, char *err, size_t errlen)
{
	char *end;
	double v;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '-') {
		snprintf(err, errlen,
		         "'%s' is negative: a time must be "
		         "positive",
		         s);
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || !isfinite(v)) {
		snprintf(err, errlen,
		         "'%s' is not a time (use seconds: 2, 0.5, 500ms)", s);
		return -1;
	}
	if (strcmp(end, "ms") == 0)
		v /= 1000.0;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		v *= 60.0;
	else if (strcmp(end, "") != 0 && strcmp(end, "s") != 0) {
		snprintf(err, errlen,
		         "'%s': unknown time unit '%s' (use s, "
		         "ms or m)",
		         s, end);
		return -1;
	}
	if (v <= 0) {
		snprintf(err, errlen, "'%s': a time must be positive", s);
		return -1;
	}
	if (v > 86400.0 * 7) {
		snprintf(err, errlen, "'%s' is longer than a week", s);
		return -1;
	}
	*ms = (uint64_t)llround(v * 1000.0);
	if (*ms == 0)
		*ms = 1;
	return 0;
}

int
limits_parse_count(const char *s, uint32_t *out, char *err, size_t errlen)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0') {
		snprintf(err, errlen, "'%s' is not a whole number", s);
		return -1;
	}
	if (v < 1 || v > 1000000) {
		snprintf(err, errlen, "'%s' must be between 1 and 1000000", s);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

void
limits_format_size(uint64_t n, char *out, size_t size)
{
	if (n >= GIB && n % GIB == 0)
		snprintf(out, size, "%" PRIu64 "G", n / GIB);
	else if (n >= MIB && n % MIB == 0)
		snprintf(out, size, "%" PRIu64 "M", n / MIB);
	else if (n >= MIB)
		snprintf(out, size, "%.1fM", (double)n / (double)MIB);
	else if (n >= KIB)
		snprintf(out, size, "%.1fK", (double)n / (double)KIB);
	else
		snprintf(out, size, "%" PRIu64 "B", n);
}

/* The wall-time limit that goes with a CPU limit when none is given: twice
 * the CPU time and a second more, so that a program slowed by a busy host
 * (or one waiting on I/O a little) still ends on its CPU limit, while one
 * that sleeps or blocks forever is stopped soon after. The CLI, the judge
 * and the workbench all use this one rule. */
uint64_t
limits_default_wall(uint64_t cpu_ms)
{
	return cpu_ms * 2 + 1000;
}

/* A wall limit not given explicitly rises to the default for the CPU
 * limit; one that was given is kept as it is. */
void
limits_finish(struct limits *l, bool wall_given)
{
	if (!wall_given && l->wall_ms < limits_default_wall(l->cpu_ms))
		l->wall_ms = limits_default_wall(l->cpu_ms);
}
