/* The history browser: past runs, newest first, of this file or of all
 * files, filtered by verdict and language; a run's detail (source,
 * output, measurements, tests); its source as a new buffer; and its
 * playback in the output and stats panes at the speed it ran.
 *
 * The list is read a window at a time (HISTVIEW_PAGE rows around the
 * cursor), so a history of any size opens at once: no run's blobs are
 * read but the one shown or played. */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/tui.h"

#define HISTVIEW_PAGE 200

/* One line of the detail screen: text in histview.text, and its colour. */
struct histview_line {
	size_t off, len;
	enum theme_element attr;
};

static struct {
	struct history *db;          /* open while the view is */
	char error[600];             /* why there is no list */
	char *file;                  /* the buffer's file, absolute */
	bool all;                    /* every file's runs */
	int verdict;                 /* -1: any, else an enum verdict */
	const struct language *lang; /* NULL: any */
	struct history_run *rows;
	size_t nrows;
	int64_t offset; /* rows[0]'s place in the whole list */
	bool more;      /* rows after the window */
	int64_t cur;    /* the cursor's place in the whole list */
	int64_t top;    /* the first row shown */
	int height;     /* rows on screen, for PgUp/PgDn */

	bool detail; /* the run at the cursor, whole */
	struct history_run run;
	struct buf text;
	struct histview_line *lines;
	size_t nlines, scroll;

	bool playing; /* a run played back in the panes */
	struct history_run play;
	bool play_terminal; /* recorded on a terminal: \r\n already */
	uint64_t play_t0;
	size_t play_chunk, play_sample;
} hv = {.verdict = -1};

static void
histview_free_rows(void)
{
	for (size_t i = 0; i < hv.nrows; i++)
		history_run_free(&hv.rows[i]);
	free(hv.rows);
	hv.rows = NULL;
	hv.nrows = 0;
}

/* The window of the list from offset on. */
static void
histview_load(int64_t offset)
{
	struct history_filter f;
	char err[512];

	histview_free_rows();
	hv.more = false;
	if (hv.db == NULL)
		return;
	memset(&f, 0, sizeof f);
	if (!hv.all) {
		f.file = hv.file;
		f.file_exact = true;
	}
	f.verdict =
	    hv.verdict >= 0 ? verdict_name((enum verdict)hv.verdict) : NULL;
	f.lang = hv.lang ? hv.lang->id : NULL;
	f.limit = HISTVIEW_PAGE + 1; /* one more says whether there are */
	f.offset = offset < 0 ? 0 : offset;
	if (history_list(hv.db, &f, &hv.rows, &hv.nrows, err, sizeof err) < 0) {
		snprintf(hv.error, sizeof hv.error, "%s", err);
		return;
	}
	hv.error[0] = '\0';
	hv.offset = f.offset;
	if (hv.nrows > HISTVIEW_PAGE) {
		history_run_free(&hv.rows[--hv.nrows]);
		hv.more = true;
	}
}

/* The cursor to place target of the whole list, reading the window
 * around it when it is not in the one read. */
static void
histview_seek(int64_t target)
{
	int64_t end = hv.offset + (int64_t)hv.nrows;

	if (target < 0)
		target = 0;
	if (target < hv.offset || (target >= end && hv.more)) {
		histview_load(target - HISTVIEW_PAGE / 2);
		end = hv.offset + (int64_t)hv.nrows;
	}
	if (target >= end)
		target = end - 1;
	if (target < hv.offset)
		target = hv.offset;
	hv.cur = target;
}

static const struct history_run *
histview_current(void)
{
	int64_t i = hv.cur - hv.offset;

	return i >= 0 && i < (int64_t)hv.nrows ? &hv.rows[i] : NULL;
}

/* The list again from its start (a filter changed, the view opened). */
static void
histview_reload(void)
{
	histview_load(0);
	hv.cur = hv.top = 0;
}

/* ---------------------------------------------------------- the detail */

static void histview_add(enum theme_element attr, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
histview_push(enum theme_element attr, const char *p, size_t n)
{
	hv.lines = xrealloc(hv.lines, (hv.nlines + 1) * sizeof *hv.lines);
	hv.lines[hv.nlines++] = (struct histview_line){hv.text.len, n, attr};
	buf_add(&hv.text, p, n);
}

static void
histview_add(enum theme_element attr, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	histview_push(attr, line,
	              (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* Text as lines a curses window can show: terminal escapes and control
 * characters out, a backspace taking back the character before it,
 * tabs as spaces. */
static void
histview_add_text(const char *p, size_t n)
{
	struct buf line;
	size_t i = 0;

	buf_init(&line, 0);
	while (i < n) {
		unsigned char c = (unsigned char)p[i++];

		if (c == '\n') {
			histview_push(THEME_NORMAL, line.data ? line.data : "",
			              line.len);
			line.len = 0;
		} else if (c == 27 && i < n && p[i] == '[') {
			/* CSI: parameters up to a final byte */
			for (i++; i < n && !(p[i] >= 0x40 && p[i] <= 0x7e); i++)
				;
			i++;
		} else if (c == 27 && i < n && p[i] == ']') {
			/* OSC: up to BEL or ST */
			for (; i < n && p[i] != 7 && p[i] != '\\'; i++)
				;
			i++;
		} else if (c == 8) {
			if (line.len > 0)
				line.len--;
		} else if (c == '\t')
			buf_add(&line, "        ", 8 - line.len % 8);
		else if (c >= 32 && c != 127)
			buf_add(&line, (const char *)&c, 1);
	}
	if (line.len > 0)
		histview_push(THEME_NORMAL, line.data, line.len);
	buf_free(&line);
}

static void
histview_when(double t, char *s, size_t size)
{
	time_t sec;
	struct tm tm;

	/* as report_time: never cast or format a time out of range */
	if (!(t >= 0 && t <= HISTORY_TIME_MAX)) {
		snprintf(s, size, "(unknown time)");
		return;
	}
	sec = (time_t)t;
	if (localtime_r(&sec, &tm) == NULL) {
		snprintf(s, size, "(unknown time)");
		return;
	}
	strftime(s, size, "%Y-%m-%d %H:%M", &tm);
}

static void
histview_section(const char *name, const char *p, size_t n, bool truncated)
{
	if (n == 0 && !truncated)
		return;
	histview_push(THEME_BORDER, "", 0);
	histview_add(THEME_BORDER, "-- %s%s --", name,
	             truncated ? " (cut: only the start was kept)" : "");
	histview_add_text(p, n);
}

/* The run at the cursor, read whole, as the detail screen's lines. */
static int
histview_open_detail(struct tui *t)
{
	const struct history_run *row = histview_current();
	struct history_run *r = &hv.run;
	char err[512], when[32], mem[32], lim[32];
	enum verdict v = VERDICT_IE;

	if (row == NULL || hv.db == NULL)
		return -1;
	history_run_free(r);
	if (history_get(hv.db, row->id, r, err, sizeof err) != 0) {
		tui_message(t, "%s", err);
		return -1;
	}
	buf_free(&hv.text);
	buf_init(&hv.text, 0);
	free(hv.lines);
	hv.lines = NULL;
	hv.nlines = hv.scroll = 0;
	histview_when(r->created, when, sizeof when);
	histview_add(THEME_TITLE, "run %lld  %s  %s of %s", (long long)r->id,
	             when, r->kind, r->file ? r->file : "(no file)");
	histview_add(THEME_NORMAL, "language %s  toolchain %s", r->language,
	             r->toolchain ? r->toolchain : "unknown");
	(void)verdict_from_name(r->verdict, &v);
	histview_add(theme_verdict((int)v), " %s  %s", r->verdict,
	             r->detail && r->detail[0] ? r->detail
	                                       : verdict_describe(v));
	limits_format_size((uint64_t)r->memory_kb * 1024, mem, sizeof mem);
	histview_add(THEME_NORMAL, "cpu %.3fs  wall %.3fs  memory %s",
	             (double)r->time_ms / 1000.0, (double)r->wall_ms / 1000.0,
	             mem);
	if (r->has_exit)
		histview_add(THEME_NORMAL, "exit code %lld",
		             (long long)r->exit_code);
	if (r->signal)
		histview_add(THEME_NORMAL, "killed by %s", r->signal);
	if (r->syscall)
		histview_add(THEME_NORMAL, "forbidden system call %s",
		             r->syscall);
	limits_format_size(r->limits.mem_bytes, lim, sizeof lim);
	histview_add(THEME_NORMAL,
	             "limits: cpu %.2fs, wall %.2fs, memory %s, %u processes  "
	             "[%s%s%s]",
	             (double)r->limits.cpu_ms / 1000.0,
	             (double)r->limits.wall_ms / 1000.0, lim, r->limits.pids,
	             r->backend ? r->backend : "?", r->enforced_by ? "/" : "",
	             r->enforced_by ? r->enforced_by : "");
	if (r->replay_of > 0)
		histview_add(THEME_NORMAL, "a replay of run %lld",
		             (long long)r->replay_of);
	if (r->testset)
		histview_add(THEME_NORMAL, "tests: %s", r->testset);
	if (r->ntests > 0) {
		histview_push(THEME_BORDER, "", 0);
		histview_add(THEME_BORDER, "-- tests --");
		histview_add(THEME_NORMAL, "%-20s %-4s %9s %9s  %s", "test", "",
		             "cpu", "memory", "detail");
	}
	for (size_t i = 0; i < r->ntests; i++) {
		const struct history_test *k = &r->tests[i];
		enum verdict tv = VERDICT_IE;

		(void)verdict_from_name(k->verdict, &tv);
		limits_format_size((uint64_t)k->memory_kb * 1024, mem,
		                   sizeof mem);
		histview_add(theme_verdict((int)tv),
		             "%-20.20s %-4s %8.3fs %9s  %s", k->name,
		             k->verdict, (double)k->time_ms / 1000.0, mem,
		             k->detail ? k->detail : "");
	}
	histview_section("source", r->source, r->source_len, false);
	histview_section("compile output", r->compile, r->compile_len,
	                 r->compile_truncated);
	histview_section(r->stdin_truncated && r->stdin_len == 0
	                     ? "stdin (typed live: not kept)"
	                     : "stdin",
	                 r->stdin_data, r->stdin_len, r->stdin_truncated);
	histview_section("output", r->out, r->out_len, r->out_truncated);
	histview_section("stderr", r->err, r->err_len, r->err_truncated);
	hv.detail = true;
	return 0;
}

static void
histview_draw_detail(WINDOW *w)
{
	int rows, cols;

	getmaxyx(w, rows, cols);
	hv.height = rows;
	if (hv.nlines > 0 && hv.scroll >= hv.nlines)
		hv.scroll = hv.nlines - 1;
	for (int y = 0; y < rows && hv.scroll + (size_t)y < hv.nlines; y++) {
		const struct histview_line *l =
		    &hv.lines[hv.scroll + (size_t)y];
		text_draw(w, y, 0, cols, hv.text.data + l->off, l->len,
		          theme_attr(l->attr));
	}
	wattrset(w, A_NORMAL);
}

/* ------------------------------------------------------------ the list */

static const char *
histview_base(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path ? path : "-";
}

static void
histview_draw_list(WINDOW *w)
{
	int rows, cols, fw, list;
	char head[256];

	getmaxyx(w, rows, cols);
	snprintf(head, sizeof head, " history: %s   verdict: %s   language: %s",
	         hv.all ? "all files" : histview_base(hv.file),
	         hv.verdict >= 0 ? verdict_name((enum verdict)hv.verdict)
	                         : "any",
	         hv.lang ? hv.lang->id : "any");
	wattrset(w, theme_attr(THEME_BORDER_FOCUS));
	mvwaddnstr(w, 0, 0, head, cols);
	if (hv.error[0] || hv.nrows == 0) {
		wattrset(w,
		         theme_attr(hv.error[0] ? THEME_ERROR : THEME_NORMAL));
		mvwaddnstr(w, 2, 1,
		           hv.error[0] ? hv.error
		           : hv.all || hv.verdict >= 0 || hv.lang
		               ? "no runs match (v, l: other filters; a: all "
		                 "files)"
		               : "no runs of this file yet (a: all files)",
		           cols - 2);
		wattrset(w, A_NORMAL);
		return;
	}
	fw = cols - (7 + 17 + 11 + 8 + 9 + 9 + 6);
	if (fw < 8)
		fw = 8;
	wattrset(w, theme_attr(THEME_BORDER));
	mvwprintw(w, 1, 0, " %6s %-16s %-*.*s %-10s %-7s %8s %8s", "id", "when",
	          fw, fw, "file", "language", "verdict", "time", "memory");
	list = rows - 2;
	hv.height = list;
	if (hv.cur < hv.top)
		hv.top = hv.cur;
	if (hv.cur >= hv.top + list)
		hv.top = hv.cur - list + 1;
	/* the window read may start past top after a seek backwards */
	if (hv.top < hv.offset)
		hv.top = hv.offset;
	for (int y = 0; y < list; y++) {
		int64_t i = hv.top + y - hv.offset;
		const struct history_run *r;
		char when[32], mem[32];
		enum verdict v = VERDICT_IE;

		if (i < 0 || i >= (int64_t)hv.nrows)
			break;
		r = &hv.rows[i];
		histview_when(r->created, when, sizeof when);
		limits_format_size((uint64_t)r->memory_kb * 1024, mem,
		                   sizeof mem);
		wattrset(w, theme_attr(hv.top + y == hv.cur ? THEME_LIST_CURSOR
		                                            : THEME_NORMAL));
		mvwhline(w, 2 + y, 0, ' ', cols);
		mvwprintw(w, 2 + y, 0, " %6lld %-16s %-*.*s %-10.10s ",
		          (long long)r->id, when, fw, fw,
		          histview_base(r->file),
		          r->language ? r->language : "?");
		(void)verdict_from_name(r->verdict ? r->verdict : "IE", &v);
		if (hv.top + y != hv.cur)
			wattrset(w, theme_attr(theme_verdict((int)v)));
		wprintw(w, "%-7s", r->verdict ? r->verdict : "?");
		wattrset(w, theme_attr(hv.top + y == hv.cur ? THEME_LIST_CURSOR
		                                            : THEME_NORMAL));
		wprintw(w, " %7.3fs %8s", (double)r->time_ms / 1000.0, mem);
	}
	wattrset(w, A_NORMAL);
}

static void
histview_draw(struct tui *t, WINDOW *w)
{
	(void)t;
	if (hv.detail)
		histview_draw_detail(w);
	else
		histview_draw_list(w);
}

/* ------------------------------------------------------------ actions */

/* The run's source as a new buffer, named after its file and the run:
 * hello.c's run 12 is hello-run12.c, beside it. */
static int
histview_open_source(struct tui *t, const struct history_run *r)
{
	const struct language *lang = lang_find_id(&t->langs, r->language);
	char *name, *dir = NULL;
	const char *base = histview_base(r->file), *dot = strrchr(base, '.');
	struct editor *e;

	if (r->file && strchr(r->file, '/'))
		dir = xstrndup(r->file, (size_t)(base - r->file));
	if (r->file == NULL || dot == NULL || dot == base)
		xasprintf(&name, "%s%s-run%lld%s", dir ? dir : "",
		          r->file ? base : "run", (long long)r->id,
		          lang && lang->extensions ? lang->extensions[0] : "");
	else
		xasprintf(&name, "%s%.*s-run%lld%s", dir ? dir : "",
		          (int)(dot - base), base, (long long)r->id, dot);
	e = tui_open_buffer(t, name, r->source ? r->source : "", r->source_len);
	if (e != NULL) {
		if (lang != NULL)
			e->lang = lang; /* the run's, whatever the name says */
		snprintf(e->message, sizeof e->message,
		         "run %lld's source (Ctrl-S saves it as %s)",
		         (long long)r->id, histview_base(name));
	}
	free(name);
	free(dir);
	return e != NULL ? 0 : -1;
}

static int
histview_signal(const char *name)
{
	for (int s = 1; name != NULL && s < NSIG; s++) {
		const char *a = sigabbrev_np(s);
		if (a != NULL && strncmp(name, "SIG", 3) == 0 &&
		    strcmp(name + 3, a) == 0)
			return s;
	}
	return 0;
}

static void
histview_play_feed(struct tui *t, const struct history_chunk *c)
{
	size_t from = 0;

	if (hv.play_terminal) {
		output_feed(t->out, c->data, c->len);
		return;
	}
	/* a pipe's lines on a terminal: \n is \r\n there */
	for (size_t i = 0; i < c->len; i++)
		if (c->data[i] == '\n') {
			output_feed(t->out, c->data + from, i - from);
			output_feed(t->out, "\r\n", 2);
			from = i + 1;
		}
	output_feed(t->out, c->data + from, c->len - from);
}

static void
histview_play_end(struct tui *t)
{
	const struct history_run *r = &hv.play;
	struct runner_event e = {.kind = RUNNER_DONE};
	enum verdict v = VERDICT_IE;

	(void)verdict_from_name(r->verdict, &v);
	e.verdict = (int32_t)v;
	e.exited = r->has_exit;
	e.exit_code = (int32_t)r->exit_code;
	e.signal = histview_signal(r->signal);
	e.cpu_ms = (uint64_t)r->time_ms;
	e.wall_ms = (uint64_t)r->wall_ms;
	e.mem_kb = (uint64_t)r->memory_kb;
	snprintf(e.detail, sizeof e.detail, "%s", r->detail ? r->detail : "");
	stats_done(&t->stats, &e);
	tui_message(t, "played back run %lld", (long long)r->id);
	hv.playing = false;
	history_run_free(&hv.play);
}

/* Everything due by now, then a timer for the next. */
static void
histview_play_step(struct tui *t, void *arg)
{
	const struct history_run *r = &hv.play;
	uint64_t now = util_now_ms() - hv.play_t0;

	(void)arg;
	for (;;) {
		bool chunk = hv.play_chunk < r->nchunks;
		bool sample = hv.play_sample < r->nsamples;
		int64_t tc = chunk ? r->chunks[hv.play_chunk].t_ms : INT64_MAX;
		int64_t ts =
		    sample ? r->samples[hv.play_sample].t_ms : INT64_MAX;
		int64_t next = tc < ts ? tc : ts;

		if (!chunk && !sample) {
			histview_play_end(t);
			return;
		}
		if (next > (int64_t)now) {
			if (tui_after(t, (uint64_t)next - now,
			              histview_play_step, NULL) < 0) {
				tui_message(t, "the playback cannot wait: "
				               "too much is going on");
				histview_play_end(t);
			}
			return;
		}
		if (tc <= ts) {
			histview_play_feed(t, &r->chunks[hv.play_chunk++]);
		} else {
			const struct history_sample *s =
			    &r->samples[hv.play_sample++];
			struct box_sample b = {
			    (uint64_t)s->t_ms, (uint64_t)s->cpu_ms,
			    (uint64_t)s->memory_kb * 1024, (uint32_t)s->pids};
			stats_sample(&t->stats, &b);
		}
	}
}

/* The run at the cursor, played back in the output and stats panes. */
static int
histview_play(struct tui *t)
{
	const struct history_run *row = histview_current();
	struct history_run *r = &hv.play;
	char err[512];

	if (row == NULL || hv.db == NULL)
		return -1;
	if (t->run.running) {
		tui_message(t, "a run is going: F5 stops it, then play");
		return -1;
	}
	if (hv.playing)
		histview_stop(t);
	if (history_get(hv.db, row->id, r, err, sizeof err) != 0) {
		tui_message(t, "%s", err);
		return -1;
	}
	output_reset(t->out);
	stats_start(&t->stats, &r->limits);
	hv.play_terminal = false;
	for (size_t i = 0; i < r->nchunks && !hv.play_terminal; i++)
		hv.play_terminal = memmem(r->chunks[i].data, r->chunks[i].len,
		                          "\r\n", 2) != NULL;
	if (r->nchunks == 0) {
		/* an old run without a timeline: its output at once */
		struct history_chunk all = {0, 1, r->out, r->out_len};
		histview_play_feed(t, &all);
	}
	if (r->compile_len > 0 && strcmp(r->verdict, "CE") == 0) {
		struct history_chunk c = {0, 1, r->compile, r->compile_len};
		output_feed(t->out, "\033[1m-- compiler --\033[0m\r\n", 25);
		histview_play_feed(t, &c);
	}
	hv.playing = true;
	hv.play_chunk = hv.play_sample = 0;
	hv.play_t0 = util_now_ms();
	tui_message(t, "playing back run %lld (Esc stops)", (long long)r->id);
	histview_play_step(t, NULL);
	return 0;
}

void
histview_stop(struct tui *t)
{
	if (!hv.playing)
		return;
	tui_unwatch(t, histview_play_step, NULL);
	t->stats.running = false;
	hv.playing = false;
	tui_message(t, "stopped the playback of run %lld",
	            (long long)hv.play.id);
	history_run_free(&hv.play);
}

/* While a playback plays in the panes: Esc stops it, and so does a run
 * (the panes are the run's then). true: the key was for the playback. */
bool
histview_playing_key(struct tui *t, int key, bool is_key)
{
	if (!hv.playing)
		return false;
	if (!is_key && key == 27) {
		histview_stop(t);
		return true;
	}
	if ((is_key && key == KEY_F(5)) || (!is_key && key == ('R' & 0x1f)))
		histview_stop(t);
	return false;
}

static void
histview_cycle_verdict(void)
{
	hv.verdict = hv.verdict + 1 >= VERDICT__COUNT ? -1 : hv.verdict + 1;
}

static void
histview_cycle_lang(struct tui *t)
{
	hv.lang = hv.lang == NULL ? t->langs.head : hv.lang->next;
}

static int
histview_key(struct tui *t, int key, bool is_key)
{
	const struct history_run *r = histview_current();
	int page = hv.height > 1 ? hv.height - 1 : 1;

	if (is_key && key == KEY_F(8))
		return TUI_KEY_HANDLED | TUI_KEY_CLOSE;
	if (!is_key && (key == 'o' || key == 'O')) {
		if (r == NULL)
			return TUI_KEY_HANDLED;
		/* the detail has the source read already */
		if (hv.detail)
			return histview_open_source(t, &hv.run) == 0
			           ? TUI_KEY_HANDLED | TUI_KEY_CLOSE
			           : TUI_KEY_HANDLED;
		if (histview_open_detail(t) < 0)
			return TUI_KEY_HANDLED;
		hv.detail = false;
		return histview_open_source(t, &hv.run) == 0
		           ? TUI_KEY_HANDLED | TUI_KEY_CLOSE
		           : TUI_KEY_HANDLED;
	}
	if (!is_key && (key == 'r' || key == 'R')) {
		/* run it again: its source in a buffer, its limits */
		if (r == NULL || (!hv.detail && histview_open_detail(t) < 0))
			return TUI_KEY_HANDLED;
		hv.detail = false;
		if (histview_open_source(t, &hv.run) < 0)
			return TUI_KEY_HANDLED;
		t->limits = hv.run.limits;
		/* with the input it had: what was given or typed */
		buf_reset(&t->rerun_input);
		buf_add(&t->rerun_input, hv.run.stdin_data, hv.run.stdin_len);
		t->rerun_has_input = true;
		tui_run(t);
		if (t->run.running)
			tui_message(t, "run %lld again, given its input%s",
			            (long long)hv.run.id,
			            hv.run.stdin_truncated
			                ? " (as far as it was kept)"
			                : "");
		return TUI_KEY_HANDLED | TUI_KEY_CLOSE;
	}
	if (!is_key && (key == 'p' || key == 'P'))
		return histview_play(t) == 0 ? TUI_KEY_HANDLED | TUI_KEY_CLOSE
		                             : TUI_KEY_HANDLED;
	if (!is_key && (key == 's' || key == 'S')) {
		/* its input and output as a test: the run read whole */
		bool detail = hv.detail;

		if (r == NULL || (!detail && histview_open_detail(t) < 0))
			return TUI_KEY_HANDLED;
		hv.detail = detail;
		(void)tests_save_run(t, &hv.run);
		return TUI_KEY_HANDLED;
	}
	if (hv.detail) {
		size_t last = hv.nlines > 0 ? hv.nlines - 1 : 0;

		if ((!is_key &&
		     (key == 27 || key == 'q' || key == 127 || key == 8)) ||
		    (is_key && (key == KEY_LEFT || key == KEY_BACKSPACE))) {
			hv.detail = false;
			return TUI_KEY_HANDLED;
		}
		if (!is_key)
			return TUI_KEY_IGNORED;
		if (key == KEY_UP && hv.scroll > 0)
			hv.scroll--;
		else if (key == KEY_DOWN && hv.scroll < last)
			hv.scroll++;
		else if (key == KEY_PPAGE)
			hv.scroll = hv.scroll > (size_t)page
			                ? hv.scroll - (size_t)page
			                : 0;
		else if (key == KEY_NPAGE)
			hv.scroll = hv.scroll + (size_t)page < last
			                ? hv.scroll + (size_t)page
			                : last;
		else if (key == KEY_HOME)
			hv.scroll = 0;
		else if (key == KEY_END)
			hv.scroll = last;
		else
			return TUI_KEY_IGNORED;
		return TUI_KEY_HANDLED;
	}
	if (!is_key) {
		switch (key) {
		case '\r':
		case '\n':
			(void)histview_open_detail(t);
			return TUI_KEY_HANDLED;
		case 'a':
		case 'A':
			hv.all = !hv.all;
			break;
		case 'v':
		case 'V':
			histview_cycle_verdict();
			break;
		case 'l':
		case 'L':
			histview_cycle_lang(t);
			break;
		case 'c':
		case 'C':
			hv.verdict = -1;
			hv.lang = NULL;
			break;
		case 'q':
		case 27:
			return TUI_KEY_HANDLED | TUI_KEY_CLOSE;
		default:
			return TUI_KEY_IGNORED;
		}
		histview_reload();
		return TUI_KEY_HANDLED;
	}
	switch (key) {
	case KEY_UP:
		histview_seek(hv.cur - 1);
		break;
	case KEY_DOWN:
		histview_seek(hv.cur + 1);
		break;
	case KEY_PPAGE:
		histview_seek(hv.cur - page);
		break;
	case KEY_NPAGE:
		histview_seek(hv.cur + page);
		break;
	case KEY_HOME:
		histview_seek(0);
		break;
	case KEY_ENTER:
		(void)histview_open_detail(t);
		break;
	default:
		return TUI_KEY_IGNORED;
	}
	return TUI_KEY_HANDLED;
}

static void
histview_close(struct tui *t)
{
	(void)t;
	histview_free_rows();
	history_run_free(&hv.run);
	buf_free(&hv.text);
	free(hv.lines);
	hv.lines = NULL;
	hv.nlines = 0;
	hv.detail = false;
	free(hv.file);
	hv.file = NULL;
	if (hv.db != NULL)
		history_close(hv.db);
	hv.db = NULL;
}

static const struct tui_keyhelp histview_keys[] = {
    {"Enter", "the run: source, output, measurements, tests", "show"},
    {"s",
     "save the run's input and output as a new test of its file (as n "
     "in the tests view)",
     "as test"},
    {"r", "run it again: its source in a new buffer, with its limits", "rerun"},
    {"p", "play the run back in the output and stats panes", "play"},
    {"o", "the run's source in a new buffer", "open"},
    {"a", "this file's runs / every file's", "all"},
    {"v", "filter by verdict (each press: the next)", "verdict"},
    {"l", "filter by language (each press: the next)", "lang"},
    {"c", "clear the verdict and language filters", NULL},
    {"Esc", "while playing back: stop", NULL},
    {"Esc / q", "back: from the run to the list, then to the panes", "back"},
    {"arrows, PgUp, PgDn, Home", "move", NULL},
};

/* On a run's detail: what applies to that run (the list's filters and
 * Enter do not). */
static const struct tui_keyhelp histview_detail_keys[] = {
    {"s",
     "save the run's input and output as a new test of its file (as n "
     "in the tests view)",
     "as test"},
    {"r", "run it again: its source in a new buffer, with its limits", "rerun"},
    {"p", "play the run back in the output and stats panes", "play"},
    {"o", "the run's source in a new buffer", "open"},
    {"Esc / q", "back to the list", "back"},
    {"arrows, PgUp, PgDn, Home, End", "scroll", NULL},
};

static const struct tui_keyhelp *
histview_keys_now(size_t *n)
{
	if (!hv.detail)
		return NULL;
	*n = sizeof histview_detail_keys / sizeof histview_detail_keys[0];
	return histview_detail_keys;
}

static const struct tui_view histview_view = {
    .name = "history",
    .draw = histview_draw,
    .key = histview_key,
    .close = histview_close,
    .keys = histview_keys,
    .nkeys = sizeof histview_keys / sizeof histview_keys[0],
    .keys_now = histview_keys_now,
};

/* F8: the browser, on the shown buffer's runs. A history that cannot be
 * read says why in the view. */
void
histview_open(struct tui *t)
{
	const char *path = history_path(NULL);
	char err[512];

	if (t->view == &histview_view)
		return;
	tui_open_view(t, &histview_view);
	hv.file = history_recorder_abspath(t->ed->path);
	hv.error[0] = '\0';
	hv.db = history_open(path, false, err, sizeof err);
	if (hv.db == NULL)
		snprintf(hv.error, sizeof hv.error,
		         "the history cannot be read: %s", err);
	histview_reload();
}
