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

/* ---- every number from outside becomes a limit here ------------------
 *
 * Options, settings, language files, Kattis packages, competitive-companion
 * files and imports all reach a struct limits through limits_from_number()
 * (numbers) or limits_parse() (text). A test file someone downloads must
 * not be able to switch a limit off, so NaN, infinities, negatives and
 * values past the documented maximum are refused, and a double becomes an
 * integer only once it is known to fit: the float-to-integer cast of an
 * out-of-range value is undefined behaviour, and in practice it wraps. */

static const struct limits_range {
	const char *what;  /* "a CPU time limit" */
	const char *range; /* the allowed range, as a user writes it */
	uint64_t max;      /* in the field's unit (ms, bytes, processes) */
	bool round_up;     /* a positive value below 1 becomes 1 (times) */
} limits_ranges[] = {
    [LIMITS_CPU] = {"a CPU time limit", "from 1 ms to 1 day", LIMITS_CPU_MAX_MS,
                    true},
    [LIMITS_WALL] = {"a wall time limit", "from 1 ms to 1 week",
                     LIMITS_WALL_MAX_MS, true},
    [LIMITS_MEMORY] = {"a memory limit", "from 1 byte to 1T", LIMITS_SIZE_MAX,
                       false},
    [LIMITS_OUTPUT] = {"an output limit", "from 1 byte to 1T", LIMITS_SIZE_MAX,
                       false},
    [LIMITS_FSIZE] = {"a file size limit", "from 1 byte to 1T", LIMITS_SIZE_MAX,
                      false},
    [LIMITS_PIDS] = {"a process limit", "from 1 to 1000000", LIMITS_PIDS_MAX,
                     false},
};

int
limits_from_number(enum limits_field f, double v, double unit, uint64_t *out,
                   char *err, size_t errlen)
{
	const struct limits_range *r = &limits_ranges[f];
	double x = v * unit;

	if (isnan(v) || isnan(x)) {
		snprintf(err, errlen, "not a number: %s must be a number %s",
		         r->what, r->range);
		return -1;
	}
	if (v < 0) {
		snprintf(err, errlen, "%g is negative: %s must be %s", v,
		         r->what, r->range);
		return -1;
	}
	/* also catches inf: no comparison of inf with a finite max holds */
	if (!(x <= (double)r->max)) {
		snprintf(err, errlen, "%g is too large: %s must be %s", v,
		         r->what, r->range);
		return -1;
	}
	x = floor(x + 0.5);
	if (x < 1 && r->round_up && v > 0)
		x = 1;
	if (x < 1) {
		snprintf(err, errlen, "%g is too small: %s must be %s", v,
		         r->what, r->range);
		return -1;
	}
	*out = (uint64_t)x; /* 1 <= x <= max < 2^53: exact and defined */
	return 0;
}

uint64_t
limits_scale_ms(uint64_t ms, double factor)
{
	double x;

	if (!(factor >= 1.0)) /* NaN, or a factor that would shrink it */
		return ms;
	x = ceil((double)ms * factor);
	if (!(x <= (double)LIMITS_CPU_MAX_MS))
		return ms > LIMITS_CPU_MAX_MS ? ms : LIMITS_CPU_MAX_MS;
	return (uint64_t)x;
}

/* "256M", "1.5G", "64KiB", "100MB", "4096B" into bytes, as a double.
 * Units are binary (K = 1024) and required: a bare "256" is ambiguous
 * and is refused. */
static int
limits_text_size(const char *s, double *bytes, char *err, size_t errlen)
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
		*bytes = v * (double)units[i].mult;
		if (*bytes < 1) {
			snprintf(err, errlen, "'%s' must be at least 1 byte",
			         s);
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen,
	         "'%s': unknown unit '%s' (use B, K, M, G or T, binary)", s,
	         end);
	return -1;
}

/* "2", "0.5", "1.5s", "500ms", "2m" into seconds, as a double. */
static int
limits_text_seconds(const char *s, double *secs, char *err, size_t errlen)
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
	*secs = v;
	return 0;
}

int
limits_parse(enum limits_field f, const char *s, uint64_t *out, char *err,
             size_t errlen)
{
	char e[200];
	double v;
	int r;

	switch (f) {
	case LIMITS_CPU:
	case LIMITS_WALL:
		r = limits_text_seconds(s, &v, err, errlen);
		if (r == 0 &&
		    limits_from_number(f, v, 1000.0, out, e, sizeof e) < 0) {
			snprintf(err, errlen, "'%s': %s", s, e);
			r = -1;
		}
		return r;
	case LIMITS_MEMORY:
	case LIMITS_OUTPUT:
	case LIMITS_FSIZE:
		r = limits_text_size(s, &v, err, errlen);
		if (r == 0 &&
		    limits_from_number(f, v, 1.0, out, e, sizeof e) < 0) {
			snprintf(err, errlen, "'%s': %s", s, e);
			r = -1;
		}
		return r;
	case LIMITS_PIDS: {
		uint32_t n;
		if (limits_parse_count(s, &n, err, errlen) < 0)
			return -1;
		*out = n;
		return 0;
	}
	}
	snprintf(err, errlen, "no such limit");
	return -1;
}

/* A size that is not a sandbox limit (a cache's or a history's cap):
 * the text rules of a memory limit, with no upper bound below 16E. */
int
limits_parse_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
	double v;

	if (limits_text_size(s, &v, err, errlen) < 0)
		return -1;
	if (!(v < 18e18)) {
		snprintf(err, errlen, "'%s' is too large", s);
		return -1;
	}
	*out = (uint64_t)v;
	return 0;
}

/* A time, as a wall limit: at most a week. */
int
limits_parse_seconds(const char *s, uint64_t *ms, char *err, size_t errlen)
{
	return limits_parse(LIMITS_WALL, s, ms, err, errlen);
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
	if (v < 1 || v > (long long)LIMITS_PIDS_MAX) {
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

/* A run whose input a person types on a terminal (forge run with a
 * terminal for stdin, every run in the workbench) gets a minute of wall
 * time by default instead of 10 s: typing takes longer than a program
 * waiting on a pipe. One that was given is kept as it is. */
void
limits_typed_input(struct limits *l, bool wall_given)
{
	if (!wall_given && l->wall_ms < LIMITS_WALL_TYPED_MS)
		l->wall_ms = LIMITS_WALL_TYPED_MS;
}

/* A wall limit not given explicitly rises to the default for the CPU
 * limit; one that was given is kept as it is. */
void
limits_finish(struct limits *l, bool wall_given)
{
	if (!wall_given && l->wall_ms < limits_default_wall(l->cpu_ms))
		l->wall_ms = limits_default_wall(l->cpu_ms);
}
