/* The stats pane: CPU, memory and processes as the run goes, against
 * their limits, and the verdict in the end. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui/tui.h"

void
stats_start(struct stats *s, const struct limits *l)
{
	memset(s, 0, sizeof *s);
	s->limits = *l;
	s->running = true;
}

void
stats_sample(struct stats *s, const struct box_sample *b)
{
	s->last = *b;
	if (b->mem_bytes > s->peak_mem)
		s->peak_mem = b->mem_bytes;
	if (s->nhistory == (int)(sizeof s->history / sizeof s->history[0])) {
		memmove(s->history, s->history + 1,
		        sizeof s->history - sizeof s->history[0]);
		s->nhistory--;
	}
	s->history[s->nhistory++] =
	    (int)(b->mem_bytes * 100 /
	          (s->limits.mem_bytes ? s->limits.mem_bytes : 1));
}

void
stats_done(struct stats *s, const struct runner_event *e)
{
	s->running = false;
	s->done = true;
	s->verdict = e->verdict;
	snprintf(s->detail, sizeof s->detail, "%s", e->detail);
	s->exit_code = e->exit_code;
	s->exited = e->exited;
	s->signal = e->signal;
	s->cpu_ms = e->cpu_ms;
	s->wall_ms = e->wall_ms;
	s->mem_kb = e->mem_kb;
}

static void
stats_bar(WINDOW *w, int y, const char *label, uint64_t v, uint64_t max,
          const char *text)
{
	int rows, cols, width, fill;

	getmaxyx(w, rows, cols);
	(void)rows;
	width = cols - 28;
	if (width < 5)
		width = 5;
	fill = max ? (int)(v * (uint64_t)width / max) : 0;
	if (fill > width)
		fill = width;
	mvwprintw(w, y, 1, "%-7s", label);
	waddch(w, '[');
	for (int i = 0; i < width; i++)
		waddch(w, i < fill ? '#' : ' ');
	wprintw(w, "] %s", text);
}

void
stats_draw(const struct stats *s, WINDOW *w)
{
	char a[32], b[32], text[80];
	int rows, cols;

	getmaxyx(w, rows, cols);
	(void)cols;
	werase(w);
	if (!s->running && !s->done) {
		mvwprintw(w, 1, 1, "F5 runs the program in the sandbox");
		return;
	}
	snprintf(text, sizeof text, "%.2f/%.2fs",
	         (double)(s->done ? s->cpu_ms : s->last.cpu_ms) / 1000.0,
	         (double)s->limits.cpu_ms / 1000.0);
	stats_bar(w, 1, "cpu", s->done ? s->cpu_ms : s->last.cpu_ms,
	          s->limits.cpu_ms, text);
	snprintf(text, sizeof text, "%.2f/%.2fs",
	         (double)(s->done ? s->wall_ms : s->last.t_ms) / 1000.0,
	         (double)s->limits.wall_ms / 1000.0);
	stats_bar(w, 2, "wall", s->done ? s->wall_ms : s->last.t_ms,
	          s->limits.wall_ms, text);
	limits_format_size(s->done ? s->mem_kb * 1024 : s->last.mem_bytes, a,
	                   sizeof a);
	limits_format_size(s->limits.mem_bytes, b, sizeof b);
	snprintf(text, sizeof text, "%s/%s", a, b);
	stats_bar(w, 3, "memory",
	          s->done ? s->mem_kb * 1024 : s->last.mem_bytes,
	          s->limits.mem_bytes, text);
	snprintf(text, sizeof text, "%u/%u", s->last.pids, s->limits.pids);
	stats_bar(w, 4, "procs", s->last.pids, s->limits.pids, text);
	if (s->running)
		mvwprintw(w, 6, 1, "running...");
	else if (rows > 6) {
		wattrset(w, theme_attr(theme_verdict(s->verdict)));
		mvwprintw(w, 6, 1, " %s ",
		          verdict_name((enum verdict)s->verdict));
		wattrset(w, A_NORMAL);
		wprintw(w, " %s",
		        s->detail[0]
		            ? s->detail
		            : verdict_describe((enum verdict)s->verdict));
		if (s->exited)
			mvwprintw(w, 7, 1, "exit code %d", s->exit_code);
	}
}
