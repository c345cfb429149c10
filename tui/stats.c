/* The stats pane: CPU, memory and processes as the run goes, against
 * their limits, small graphs of CPU use and memory over time, and the
 * verdict in large letters in the end. */
#include "config.h"

#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <string.h>

#include "tui/tui.h"

void
stats_start(struct stats *s, const struct limits *l)
{
	memset(s, 0, sizeof *s);
	s->limits = *l;
	s->running = true;
}

static unsigned char
stats_percent(uint64_t v, uint64_t of)
{
	uint64_t p = of ? v * 100 / of : 0;

	return (unsigned char)(p > 100 ? 100 : p);
}

void
stats_sample(struct stats *s, const struct box_sample *b)
{
	uint64_t dt = b->t_ms > s->last.t_ms ? b->t_ms - s->last.t_ms : 0;
	uint64_t dc =
	    b->cpu_ms > s->last.cpu_ms ? b->cpu_ms - s->last.cpu_ms : 0;

	if (s->nhistory == STATS_HISTORY) {
		memmove(s->cpu, s->cpu + 1, STATS_HISTORY - 1);
		memmove(s->mem, s->mem + 1, STATS_HISTORY - 1);
		s->nhistory--;
	}
	/* of one core: a program using two shows 100, as the graph's top */
	s->cpu[s->nhistory] = dt ? stats_percent(dc, dt) : 0;
	s->mem[s->nhistory] = stats_percent(b->mem_bytes, s->limits.mem_bytes);
	s->nhistory++;
	s->last = *b;
	if (b->mem_bytes > s->peak_mem)
		s->peak_mem = b->mem_bytes;
	if (b->pids > s->peak_pids)
		s->peak_pids = b->pids;
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
	if (s->mem_kb * 1024 > s->peak_mem)
		s->peak_mem = s->mem_kb * 1024;
}

/* block characters need a UTF-8 terminal; ASCII otherwise */
bool
stats_unicode(void)
{
	static int unicode = -1;

	if (unicode < 0)
		unicode = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	return unicode;
}

static enum theme_element
stats_level(uint64_t v, uint64_t max)
{
	if (max == 0 || v * 4 < max * 2)
		return THEME_METER_LOW;
	return v * 10 < max * 9 ? THEME_METER_MID : THEME_METER_HIGH;
}

/* label [#####     ] text: the bar coloured by how near the limit */
static void
stats_bar(WINDOW *w, int y, const char *label, uint64_t v, uint64_t max,
          const char *text)
{
	/* the text column has the same width on every bar, so the bars
	 * line up; a longer text takes from the bar */
	int cols = getmaxx(w), reserve = cols / 2 < 24 ? cols / 2 : 24;
	int len = (int)strlen(text);
	int width = cols - 12 - (len > reserve ? len : reserve);
	int fill;

	if (width < 4) {
		/* too narrow for a bar beside the text: the text whole (a
		 * number cut short reads as another number), its level in
		 * the colour of the label */
		wattrset(w, theme_attr(stats_level(v, max)));
		mvwprintw(w, y, 1, "%-6s", label);
		wattrset(w, A_NORMAL);
		wprintw(w, " %.*s", cols - 9 > 0 ? cols - 9 : 0, text);
		return;
	}
	fill = max ? (int)(v * (uint64_t)width / max) : 0;
	if (fill > width)
		fill = width;
	mvwprintw(w, y, 1, "%-6s ", label);
	waddch(w, '[');
	wattrset(w, theme_attr(stats_level(v, max)));
	for (int i = 0; i < width; i++)
		if (i < fill)
			waddch(w, stats_unicode() ? ACS_CKBOARD : '#');
		else
			waddch(w, ' ');
	wattrset(w, A_NORMAL);
	wprintw(w, "] %.*s", len, text);
}

/* A graph of per cent values, newest on the right, rows tall: eight
 * steps per row with block characters, one with ASCII. */
static void
stats_graph(WINDOW *w, int y, int x, int rows, int width,
            const unsigned char *v, int n)
{
	static const char *const blocks[] = {" ", "▁", "▂", "▃", "▄",
	                                     "▅", "▆", "▇", "█"};
	int steps = stats_unicode() ? 8 : 1;

	wattrset(w, theme_attr(THEME_GRAPH));
	for (int c = 0; c < width; c++) {
		int i = n - width + c;
		int level = i >= 0 ? (v[i] * rows * steps + 50) / 100 : 0;

		if (i >= 0 && v[i] > 0 && level == 0)
			level = 1; /* a little is not nothing */
		for (int r = 0; r < rows; r++) {
			int here = level - (rows - 1 - r) * steps;

			here = here < 0 ? 0 : here > steps ? steps : here;
			if (stats_unicode())
				mvwaddstr(w, y + r, x + c, blocks[here]);
			else
				mvwaddch(w, y + r, x + c, here ? '#' : ' ');
		}
	}
	wattrset(w, A_NORMAL);
}

/* Letters 4 pixels wide (I and T 3, M V W 5) and 5 tall, as strings of
 * rows; two pixel rows make one text row with half blocks. */
static const struct {
	char c;
	const char *rows[5];
} stats_font[] = {
    {'A', {".##.", "#..#", "####", "#..#", "#..#"}},
    {'C', {".###", "#...", "#...", "#...", ".###"}},
    {'E', {"####", "#...", "###.", "#...", "####"}},
    {'I', {"###", ".#.", ".#.", ".#.", "###"}},
    {'K', {"#..#", "#.#.", "##..", "#.#.", "#..#"}},
    {'L', {"#...", "#...", "#...", "#...", "####"}},
    {'M', {"#...#", "##.##", "#.#.#", "#...#", "#...#"}},
    {'O', {".##.", "#..#", "#..#", "#..#", ".##."}},
    {'R', {"###.", "#..#", "###.", "#.#.", "#..#"}},
    {'S', {".###", "#...", ".##.", "...#", "###."}},
    {'T', {"###", ".#.", ".#.", ".#.", ".#."}},
    {'V', {"#...#", "#...#", "#...#", ".#.#.", "..#.."}},
    {'W', {"#...#", "#...#", "#.#.#", "##.##", "#...#"}},
};

static const char *const *
stats_glyph(char c)
{
	for (size_t i = 0; i < sizeof stats_font / sizeof stats_font[0]; i++)
		if (stats_font[i].c == c)
			return stats_font[i].rows;
	return NULL;
}

/* The width text takes in large letters, 0 if it has a letter the font
 * lacks. */
static int
stats_big_width(const char *text)
{
	int width = 0;

	for (const char *p = text; *p; p++) {
		const char *const *g = stats_glyph(*p);
		if (g == NULL)
			return 0;
		width += (int)strlen(g[0]) + 1;
	}
	return width + 1;
}

/* text in large letters, three rows tall, in attr (a badge: the
 * letters in the element's foreground on its background) */
void
stats_big_text(WINDOW *w, int y, int x, const char *text, attr_t attr)
{
	int width = stats_big_width(text);

	wattrset(w, attr);
	for (int r = 0; r < 3; r++) {
		int cx = x + 1;
		mvwhline(w, y + r, x, ' ', width);
		for (const char *p = text; *p; p++) {
			const char *const *g = stats_glyph(*p);
			int gw;

			if (g == NULL)
				continue;
			gw = (int)strlen(g[0]);

			for (int c = 0; c < gw; c++) {
				bool top = g[2 * r][c] == '#';
				bool bottom = r < 2 && g[2 * r + 1][c] == '#';

				if (stats_unicode())
					mvwaddstr(w, y + r, cx + c,
					          top && bottom ? "█"
					          : top         ? "▀"
					          : bottom      ? "▄"
					                        : " ");
				else
					mvwaddch(w, y + r, cx + c,
					         top && bottom ? '#'
					         : top         ? '"'
					         : bottom      ? ','
					                       : ' ');
			}
			cx += gw + 1;
		}
	}
	wattrset(w, A_NORMAL);
}

static const char *
stats_signame(int sig)
{
	const char *name = sigabbrev_np(sig);

	return name ? name : "?";
}

static void
stats_verdict(const struct stats *s, WINDOW *w, int y)
{
	const char *name = verdict_name((enum verdict)s->verdict);
	attr_t attr = theme_attr(theme_verdict(s->verdict));
	int rows = getmaxy(w), cols = getmaxx(w), x = 1;
	const char *what = s->detail[0]
	                       ? s->detail
	                       : verdict_describe((enum verdict)s->verdict);
	char code[32];

	/* an RE's detail is its exit code, which the next line shows */
	snprintf(code, sizeof code, "exit code %d", s->exit_code);
	if (s->exited && strcmp(what, code) == 0)
		what = verdict_describe((enum verdict)s->verdict);

	if (rows - y >= 4 && stats_big_width(name) > 0 &&
	    stats_big_width(name) + 2 < cols) {
		int room, cut = 0;

		stats_big_text(w, y, 1, name, attr);
		x = stats_big_width(name) + 2;
		room = cols - x - 1 > 0 ? cols - x - 1 : 0;
		/* the description beside the letters, on the next line too
		 * where no exit code or signal takes it, cut at a word */
		if ((int)strlen(what) > room && !s->exited && !s->signal) {
			cut = room;
			while (cut > 0 && what[cut] != ' ')
				cut--;
		}
		if (cut > 0) {
			mvwprintw(w, y, x, "%.*s", cut, what);
			mvwprintw(w, y + 1, x, "%.*s", room, what + cut + 1);
		} else
			mvwprintw(w, y, x, "%.*s", room, what);
		if (s->exited)
			mvwprintw(w, y + 1, x, "exit code %d", s->exit_code);
		else if (s->signal)
			mvwprintw(w, y + 1, x, "signal SIG%s",
			          stats_signame(s->signal));
		/* in plain letters too, for whoever reads the screen as text */
		mvwprintw(w, y + 2, x, "verdict %s", name);
		return;
	}
	wattrset(w, attr);
	mvwprintw(w, y, 1, " %s ", name);
	wattrset(w, A_NORMAL);
	wprintw(w, " %.*s", cols > 8 ? cols - 8 : 0, what);
	if (y + 1 < rows && s->exited)
		mvwprintw(w, y + 1, 1, "exit code %d", s->exit_code);
	else if (y + 1 < rows && s->signal)
		mvwprintw(w, y + 1, 1, "signal SIG%s",
		          stats_signame(s->signal));
}

/* text from row y on, wrapped at spaces to the window's width */
static void
stats_wrap(WINDOW *w, int y, const char *text)
{
	int rows = getmaxy(w), width = getmaxx(w) - 2;

	while (*text != '\0' && y < rows && width > 0) {
		int len = (int)strlen(text);

		if (len > width) {
			int cut = width;

			while (cut > 0 && text[cut] != ' ')
				cut--;
			len = cut > 0 ? cut : width;
		}
		mvwprintw(w, y++, 1, "%.*s", len, text);
		text += len;
		while (*text == ' ')
			text++;
	}
}

void
stats_draw(const struct stats *s, WINDOW *w)
{
	char a[32], b[32], c[32], text[96];
	int rows, cols, y = 0;
	uint64_t cpu = s->done ? s->cpu_ms : s->last.cpu_ms;
	uint64_t wall = s->done ? s->wall_ms : s->last.t_ms;
	uint64_t mem = s->done ? s->mem_kb * 1024 : s->last.mem_bytes;

	getmaxyx(w, rows, cols);
	werase(w);
	if (!s->running && !s->done) {
		stats_wrap(w, 1, "F5 runs the program in the sandbox");
		return;
	}
	if (s->done && s->verdict == VERDICT_CE) {
		/* it never ran: no measurements to show, nor zeros */
		stats_verdict(s, w, rows > 4 ? 1 : 0);
		return;
	}
	snprintf(text, sizeof text, "%.2f/%gs", (double)cpu / 1000.0,
	         (double)s->limits.cpu_ms / 1000.0);
	stats_bar(w, y++, "cpu", cpu, s->limits.cpu_ms, text);
	snprintf(text, sizeof text, "%.1f/%gs", (double)wall / 1000.0,
	         (double)s->limits.wall_ms / 1000.0);
	stats_bar(w, y++, "wall", wall, s->limits.wall_ms, text);
	limits_format_size(mem, a, sizeof a);
	limits_format_size(s->limits.mem_bytes, b, sizeof b);
	limits_format_size(s->peak_mem, c, sizeof c);
	snprintf(text, sizeof text, "%s/%s peak %s", a, b, c);
	stats_bar(w, y++, "memory", mem, s->limits.mem_bytes, text);
	snprintf(text, sizeof text, "%u/%u", s->last.pids, s->limits.pids);
	stats_bar(w, y++, "procs", s->last.pids, s->limits.pids, text);
	if (s->running) {
		/* the graphs take what is left, half each */
		int left = rows - y - 1, gw = cols - 12;
		int h = left >= 4 ? left / 2 : left >= 2 ? 1 : 0;

		if (h > 0 && gw > 4) {
			int pct = s->nhistory ? s->cpu[s->nhistory - 1] : 0;
			mvwprintw(w, y, 1, "cpu %3d%%", pct);
			stats_graph(w, y, 11, h, gw, s->cpu, s->nhistory);
			y += h;
			mvwprintw(w, y, 1, "mem %3d%%",
			          s->nhistory ? s->mem[s->nhistory - 1] : 0);
			stats_graph(w, y, 11, h, gw, s->mem, s->nhistory);
			y += h;
		}
		if (y < rows)
			mvwprintw(w, y, 1, "running...");
		return;
	}
	if (y < rows)
		stats_verdict(s, w, y + (rows - y > 4 ? 1 : 0));
}
