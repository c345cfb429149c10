/* A run's result, for people (one summary line) and for programs (one
 * JSON object): the same for a run just made, one from the cache, and
 * one shown again from the history. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

const char *
report_color(enum verdict v, bool color)
{
	if (!color)
		return "";
	if (verdict_good(v))
		return "\033[1;32m";
	if (v == VERDICT_IE)
		return "\033[1;35m";
	if (v == VERDICT_TLE || v == VERDICT_MLE || v == VERDICT_OLE)
		return "\033[1;33m";
	return "\033[1;31m";
}

/* The summary line, written in one piece: forges sharing a terminal
 * never interleave their lines. */
void
report_run_summary(FILE *f, const struct history_run *h,
                   const struct report_extra *x, bool color)
{
	enum verdict v = VERDICT_IE;
	struct buf b;
	char mem[32];

	(void)verdict_from_name(h->verdict, &v);
	limits_format_size((uint64_t)h->memory_kb * 1024, mem, sizeof mem);
	buf_init(&b, 0);
	buf_printf(&b, "forge: %s%s%s", report_color(v, color), h->verdict,
	           color ? "\033[0m" : "");
	if (h->detail != NULL && h->detail[0] != '\0')
		buf_printf(&b, " (%s)", h->detail);
	if (x->ran)
		buf_printf(&b, "  cpu %.3fs  wall %.3fs  mem %s",
		           (double)h->time_ms / 1000.0,
		           (double)h->wall_ms / 1000.0, mem);
	buf_printf(&b, "  [%s, %s", h->language,
	           h->backend ? h->backend : "ns");
	if (x->ran && h->enforced_by != NULL)
		buf_printf(&b, "/%s", h->enforced_by);
	if (x->cached)
		buf_printf(&b, ", cached: run %lld", (long long)h->id);
	else if (h->compile != NULL)
		buf_printf(&b, ", %s",
		           x->build_cached ? "build cached" : "compiled");
	if (!x->cached && h->id > 0)
		buf_printf(&b, ", id %lld", (long long)h->id);
	buf_addstr(&b, "]\n");
	(void)fwrite(b.data, 1, b.len, f);
	fflush(f);
	buf_free(&b);
}

void
report_time(double t, char *out, size_t size)
{
	time_t s;
	struct tm tm;

	/* a stored time is checked when imported; a database may still hold
	 * one from elsewhere, and a cast of it would be undefined */
	if (!(t >= 0 && t <= HISTORY_TIME_MAX)) {
		snprintf(out, size, "(unknown time)");
		return;
	}
	s = (time_t)t;
	if (localtime_r(&s, &tm) == NULL) {
		snprintf(out, size, "(unknown time)");
		return;
	}
	strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm);
}
