/* The limits form: the run's limits, one per line, edited in place and
 * checked the way forge run checks its options. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui/tui.h"

enum limits_form_field {
	LIMITS_FORM_CPU,
	LIMITS_FORM_WALL,
	LIMITS_FORM_MEMORY,
	LIMITS_FORM_PIDS,
	LIMITS_FORM_OUTPUT,
	LIMITS_FORM_FSIZE,
	LIMITS_FORM_NET,
	LIMITS_FORM_NFIELDS
};

static const char *const limits_form_names[] = {
    [LIMITS_FORM_CPU] = "CPU time",         [LIMITS_FORM_WALL] = "wall time",
    [LIMITS_FORM_MEMORY] = "memory",        [LIMITS_FORM_PIDS] = "processes",
    [LIMITS_FORM_OUTPUT] = "output",        [LIMITS_FORM_FSIZE] = "file size",
    [LIMITS_FORM_NET] = "loopback network",
};

static const char *const limits_form_hints[] = {
    [LIMITS_FORM_CPU] = "seconds of CPU, all processes together (e.g. 2, 0.5)",
    [LIMITS_FORM_WALL] = "seconds on the clock (typing input counts)",
    [LIMITS_FORM_MEMORY] = "all processes together (e.g. 256M, 1G)",
    [LIMITS_FORM_PIDS] = "processes and threads at once",
    [LIMITS_FORM_OUTPUT] = "stdout and stderr together (e.g. 64M)",
    [LIMITS_FORM_FSIZE] = "each file the program writes",
    [LIMITS_FORM_NET] = "a private loopback, never the host's network",
};

static int limits_form_row;

static void
limits_form_value(const struct limits *l, int field, char *buf, size_t size)
{
	switch (field) {
	case LIMITS_FORM_CPU:
		snprintf(buf, size, "%g", (double)l->cpu_ms / 1000.0);
		break;
	case LIMITS_FORM_WALL:
		snprintf(buf, size, "%g", (double)l->wall_ms / 1000.0);
		break;
	case LIMITS_FORM_MEMORY:
		limits_format_size(l->mem_bytes, buf, size);
		break;
	case LIMITS_FORM_PIDS:
		snprintf(buf, size, "%u", l->pids);
		break;
	case LIMITS_FORM_OUTPUT:
		limits_format_size(l->output_bytes, buf, size);
		break;
	case LIMITS_FORM_FSIZE:
		limits_format_size(l->fsize_bytes, buf, size);
		break;
	default:
		snprintf(buf, size, "%s", l->net ? "on" : "off");
	}
}

static void
limits_form_draw(struct tui *t, WINDOW *w)
{
	int cols = getmaxx(w);

	wattrset(w, theme_attr(THEME_DIALOG_BORDER));
	mvwprintw(w, 1, 2, "Limits of the next run");
	wattrset(w, A_NORMAL);
	for (int i = 0; i < LIMITS_FORM_NFIELDS; i++) {
		char v[32];

		limits_form_value(&t->limits, i, v, sizeof v);
		wattrset(w, theme_attr(i == limits_form_row ? THEME_LIST_CURSOR
		                                            : THEME_NORMAL));
		mvwprintw(w, 3 + i, 2, " %-18s %-10s ", limits_form_names[i],
		          v);
		wattrset(w, A_NORMAL);
		wprintw(w, " %.*s", cols > 40 ? cols - 40 : 0,
		        limits_form_hints[i]);
	}
	mvwprintw(w, 4 + LIMITS_FORM_NFIELDS, 2, "%.*s", cols - 4,
	          "Up/Down choose, Enter changes, d restores the defaults, "
	          "Esc closes");
}

static void
limits_form_answer(struct tui *t, const char *text)
{
	struct limits l = t->limits;
	char err[256] = "";
	int r = 0;

	switch (limits_form_row) {
	case LIMITS_FORM_CPU:
		r = limits_parse(LIMITS_CPU, text, &l.cpu_ms, err, sizeof err);
		break;
	case LIMITS_FORM_WALL:
		r = limits_parse(LIMITS_WALL, text, &l.wall_ms, err,
		                 sizeof err);
		break;
	case LIMITS_FORM_MEMORY:
		r = limits_parse(LIMITS_MEMORY, text, &l.mem_bytes, err,
		                 sizeof err);
		break;
	case LIMITS_FORM_PIDS:
		r = limits_parse_count(text, &l.pids, err, sizeof err);
		break;
	case LIMITS_FORM_OUTPUT:
		r = limits_parse(LIMITS_OUTPUT, text, &l.output_bytes, err,
		                 sizeof err);
		break;
	case LIMITS_FORM_FSIZE:
		r = limits_parse(LIMITS_FSIZE, text, &l.fsize_bytes, err,
		                 sizeof err);
		break;
	}
	if (r < 0) {
		tui_message(t, "%s: %s", limits_form_names[limits_form_row],
		            err);
		return;
	}
	t->limits = l;
	tui_message(t, "%s: %s", limits_form_names[limits_form_row], text);
}

static int
limits_form_key(struct tui *t, int key, bool is_key)
{
	if (is_key && key == KEY_UP)
		limits_form_row = (limits_form_row + LIMITS_FORM_NFIELDS - 1) %
		                  LIMITS_FORM_NFIELDS;
	else if (is_key && key == KEY_DOWN)
		limits_form_row = (limits_form_row + 1) % LIMITS_FORM_NFIELDS;
	else if ((!is_key && (key == '\r' || key == '\n' || key == ' ')) ||
	         (is_key && key == KEY_ENTER)) {
		static char question[48];
		char v[32];

		if (limits_form_row == LIMITS_FORM_NET) {
			t->limits.net = !t->limits.net;
			return TUI_KEY_HANDLED;
		}
		limits_form_value(&t->limits, limits_form_row, v, sizeof v);
		snprintf(question, sizeof question,
		         "%s: ", limits_form_names[limits_form_row]);
		tui_prompt(t, question, limits_form_answer);
		buf_addstr(&t->answer, v);
	} else if (!is_key && key == 'd') {
		tui_limits_default(t, &t->limits);
		tui_message(t, "the default limits");
	} else if (!is_key && (key == 27 || key == 'q'))
		return TUI_KEY_CLOSE;
	else
		return TUI_KEY_IGNORED;
	return TUI_KEY_HANDLED;
}

static const struct tui_keyhelp limits_form_keys[] = {
    {"Up / Down", "choose a limit", "choose"},
    {"Enter", "change it (the network: on or off)", "change"},
    {"d", "the default limits", "defaults"},
    {"Esc", "back to the panes", "back"},
};

const struct tui_view limits_form_view = {
    .name = "limits",
    .draw = limits_form_draw,
    .key = limits_form_key,
    .keys = limits_form_keys,
    .nkeys = sizeof limits_form_keys / sizeof limits_form_keys[0],
};
