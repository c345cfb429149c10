/* Parsing of what users type for limits: sizes, times, counts. */
#include "config.h"

#include <math.h>

#include "engine/engine.h"
#include "tests/unit/check.h"

static uint64_t
size(const char *s)
{
	char err[256];
	uint64_t v = 0;

	if (limits_parse_size(s, &v, err, sizeof err) < 0)
		return 0;
	return v;
}

static uint64_t
secs(const char *s)
{
	char err[256];
	uint64_t v = 0;

	if (limits_parse_seconds(s, &v, err, sizeof err) < 0)
		return 0;
	return v;
}

int
main(void)
{
	char err[256], out[32];
	uint32_t n;
	struct limits l;

	CHECK(size("256M") == 256ULL << 20);
	CHECK(size("256m") == 256ULL << 20);
	CHECK(size("256MB") == 256ULL << 20);
	CHECK(size("256MiB") == 256ULL << 20);
	CHECK(size("1G") == 1ULL << 30);
	CHECK(size("1.5G") == 3ULL << 29);
	CHECK(size("64K") == 64ULL << 10);
	CHECK(size("4096B") == 4096);
	CHECK(size("2T") == 2ULL << 40);
	/* refused, each with a message */
	CHECK(size("12XB") == 0);
	CHECK(size("256") == 0);
	CHECK(size("-1M") == 0);
	CHECK(size("M") == 0);
	CHECK(size("") == 0);
	CHECK(size("0.1B") == 0);
	CHECK(size("99999999T") == 0);
	CHECK(limits_parse_size("12XB", &l.mem_bytes, err, sizeof err) < 0 &&
	      strstr(err, "unknown unit 'XB'") != NULL);
	CHECK(limits_parse_size("256", &l.mem_bytes, err, sizeof err) < 0 &&
	      strstr(err, "no unit") != NULL);

	CHECK(secs("2") == 2000);
	CHECK(secs("0.5") == 500);
	CHECK(secs("1.5s") == 1500);
	CHECK(secs("250ms") == 250);
	CHECK(secs("2m") == 120000);
	CHECK(secs("0.0001") == 1); /* rounds up to the smallest unit */
	CHECK(secs("-1") == 0);
	CHECK(secs("0") == 0);
	CHECK(secs("abc") == 0);
	CHECK(secs("2h") == 0);
	CHECK(secs("1e9") == 0);
	CHECK(limits_parse_seconds("-1", &l.cpu_ms, err, sizeof err) < 0 &&
	      strstr(err, "negative") != NULL);

	CHECK(limits_parse_count("64", &n, err, sizeof err) == 0 && n == 64);
	CHECK(limits_parse_count("0", &n, err, sizeof err) < 0);
	CHECK(limits_parse_count("12x", &n, err, sizeof err) < 0);
	CHECK(limits_parse_count("-3", &n, err, sizeof err) < 0);

	/* numbers from files: NaN, infinities, negatives and values past
	 * the maximum are refused, never cast */
	{
		uint64_t v = 42;

		CHECK(limits_from_number(LIMITS_MEMORY, NAN, 1048576.0, &v, err,
		                         sizeof err) < 0 &&
		      strstr(err, "not a number") != NULL && v == 42);
		CHECK(limits_from_number(LIMITS_MEMORY, INFINITY, 1048576.0, &v,
		                         err, sizeof err) < 0 &&
		      strstr(err, "from 1 byte to 1T") != NULL && v == 42);
		CHECK(limits_from_number(LIMITS_CPU, 1e19, 1.0, &v, err,
		                         sizeof err) < 0 &&
		      strstr(err, "from 1 ms to 1 day") != NULL && v == 42);
		CHECK(limits_from_number(LIMITS_CPU, 1e300, 1000.0, &v, err,
		                         sizeof err) < 0);
		CHECK(limits_from_number(LIMITS_CPU, -1, 1.0, &v, err,
		                         sizeof err) < 0 &&
		      strstr(err, "negative") != NULL);
		CHECK(limits_from_number(LIMITS_MEMORY, 0.0000001, 1048576.0,
		                         &v, err, sizeof err) < 0);
		CHECK(limits_from_number(LIMITS_CPU, 86400, 1000.0, &v, err,
		                         sizeof err) == 0 &&
		      v == LIMITS_CPU_MAX_MS);
		CHECK(limits_from_number(LIMITS_CPU, 0.0001, 1000.0, &v, err,
		                         sizeof err) == 0 &&
		      v == 1);
		CHECK(limits_from_number(LIMITS_MEMORY, 256, 1048576.0, &v, err,
		                         sizeof err) == 0 &&
		      v == 256ULL << 20);
		CHECK(limits_from_number(LIMITS_PIDS, 1000001, 1.0, &v, err,
		                         sizeof err) < 0);
		/* typed text: the field's own range */
		CHECK(limits_parse(LIMITS_CPU, "86401", &v, err, sizeof err) <
		          0 &&
		      strstr(err, "1 day") != NULL);
		CHECK(limits_parse(LIMITS_WALL, "86401", &v, err, sizeof err) ==
		          0 &&
		      v == 86401000);
		CHECK(limits_parse(LIMITS_MEMORY, "2T", &v, err, sizeof err) <
		      0);
		CHECK(limits_parse(LIMITS_MEMORY, "1T", &v, err, sizeof err) ==
		          0 &&
		      v == 1ULL << 40);
		CHECK(limits_parse(LIMITS_PIDS, "64", &v, err, sizeof err) ==
		          0 &&
		      v == 64);
		/* a cache's size is not a limit: past 1T is fine */
		CHECK(size("2T") == 2ULL << 40);
		/* derived limits saturate */
		CHECK(limits_scale_ms(1000, 1.5) == 1500);
		CHECK(limits_scale_ms(1000, 1e13) == LIMITS_CPU_MAX_MS);
		CHECK(limits_scale_ms(1000, INFINITY) == LIMITS_CPU_MAX_MS);
		CHECK(limits_scale_ms(1000, NAN) == 1000);
		CHECK(limits_scale_ms(LIMITS_CPU_MAX_MS, 100) ==
		      LIMITS_CPU_MAX_MS);
	}

	limits_format_size(256ULL << 20, out, sizeof out);
	CHECK_STR(out, "256M");
	limits_format_size(1ULL << 30, out, sizeof out);
	CHECK_STR(out, "1G");
	limits_format_size(1536, out, sizeof out);
	CHECK_STR(out, "1.5K");
	limits_format_size(12, out, sizeof out);
	CHECK_STR(out, "12B");

	limits_default_run(&l);
	CHECK(l.cpu_ms == 2000 && l.mem_bytes == 256ULL << 20 && !l.net);
	CHECK(l.wall_ms > l.cpu_ms);
	limits_default_compile(&l);
	CHECK(l.cpu_ms >= 10000 && l.pids >= 64);
	return check_done();
}
