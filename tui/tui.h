/*
 * forge-tui: the workbench. An editor pane, an output pane (a libvterm
 * terminal on the pty the sandboxed program runs on), a stats pane fed
 * by the engine's live samples, and the run's verdict. One poll() loop.
 */
#ifndef FORGE_TUI_H
#define FORGE_TUI_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/engine.h"
#include "history/history.h"
#include "tui/buffer.h"

/* runner.c: a run in a child process, on a pty, recorded in the history */
struct runner_event {
	uint32_t kind; /* RUNNER_SAMPLE, RUNNER_COMPILE, RUNNER_DONE */
	struct box_sample sample;
	int32_t verdict;
	int32_t exit_code, exited, signal;
	uint64_t cpu_ms, wall_ms, mem_kb;
	char detail[256];
	int32_t hidden;             /* RUNNER_COMPILE: for the history only */
	int32_t ran, end, enforced; /* RUNNER_DONE: for the history */
	char syscall[48];
	char toolchain[200];
};
enum { RUNNER_SAMPLE = 1, RUNNER_COMPILE, RUNNER_DONE };
struct runner {
	pid_t pid;
	int pty;    /* master: the program's terminal */
	int events; /* runner_event records, then compile output */
	bool running;
	bool elsewhere; /* on a server: stopped by a cancel there first */
	bool stopping;  /* asked to stop (SIGTERM), not killed yet */
	/* what the history gets: the run's request, and its recording */
	struct history_recorder rec;
	char *file, *src;
	size_t src_len;
	const struct language *lang;
	struct limits limits;
	struct buf compile, line; /* line: typed, not yet read as a line */
	struct runner_event done;
	bool have_done;
	struct buf feed; /* recorded input being given to it (a re-run) */
	size_t fed;
};
struct tui;
int runner_start(struct runner *, const char *file, const struct language *,
                 const char *src, size_t len, const struct limits *, int rows,
                 int cols, char *err, size_t);
void runner_stop(struct runner *);
void runner_reap(struct runner *);
void runner_output(struct runner *, const char *, size_t);
void runner_input(struct runner *, const char *, size_t, struct buf *echo);
void runner_feed(struct runner *, const char *, size_t);
bool runner_pump(struct runner *);
void runner_record(struct runner *, const struct runner_event *,
                   const char *data, size_t len);
void runner_finish(struct tui *);

/* tui-remote.c: runs on a forge serve (--server, FORGE_SERVER, server =) */
struct settings;
int tui_remote_args(int *argc, char **argv);
void tui_remote_choose(const struct settings *);

/* tui-backend.c: --backend NAME */
int tui_backend_args(int *argc, char **argv);
void tui_backend_choose(void);

/* output.c: the program's terminal */
struct output;
struct output *output_new(int rows, int cols);
void output_free(struct output *);
void output_resize(struct output *, int rows, int cols);
void output_feed(struct output *, const char *, size_t);
void output_reset(struct output *);
size_t output_take_reply(struct output *, char *, size_t);
void output_key(struct output *, int key, bool is_key);
void output_draw(struct output *, WINDOW *);
void output_cursor(struct output *, WINDOW *);
void output_scroll(struct output *, int delta);
const char *output_scroll_note(struct output *);

/* editor.c */
enum editor_prompt {
	EDITOR_PROMPT_NONE,
	EDITOR_PROMPT_GOTO,    /* go to line */
	EDITOR_PROMPT_FIND,    /* incremental search */
	EDITOR_PROMPT_REPLACE, /* replace: what */
	EDITOR_PROMPT_WITH,    /* replace: with what */
	EDITOR_PROMPT_ASK,     /* replace this one? y, n, a */
};
struct settings;
struct editor {
	struct buffer *buf;
	const struct settings *settings; /* the workbench's; NULL: defaults */
	struct buffer_pos cur;
	size_t top;  /* first line shown */
	size_t left; /* first display column shown */
	char *path;
	char message[256];
	bool recovered;              /* restored text not saved yet: modified */
	bool fresh;                  /* the file did not exist */
	unsigned long edits;         /* counts changes, for the recovery file */
	const struct language *lang; /* NULL: none known */
	char *recovery;              /* where its unsaved work is kept */
	struct buf *offered;      /* an earlier session's unsaved work, waiting
	                           * for r (restore) or d (set aside); NULL: none */
	unsigned long kept_edits; /* what the recovery file holds */
	uint64_t kept_ms;

	/* the selection runs from anchor to cur, when selecting */
	struct buffer_pos anchor;
	bool selecting, dragging;
	size_t goal;  /* the display column up and down keep to */
	bool goal_ok; /* goal holds: the last key moved up or down */
	bool center;  /* a jump: the next draw centres the cursor */
	int rows;     /* text rows at the last draw */
	bool pasting; /* inside a bracketed paste */
	struct buf paste;

	/* prompts: go to line, find, replace */
	enum editor_prompt prompt;
	char input[256];
	char find[256], with[256]; /* the last search and replacement */
	struct buffer_pos origin;  /* where the search started */
	struct buffer_pos match, match_end;
	bool matched, wrapped;
	size_t replaced;

	/* syntax: the highlighter's state at the start of each line, known
	 * for lines [0, hl_valid] */
	int *hl_state;
	size_t hl_cap, hl_valid;
	const struct language *hl_lang; /* what the states were made for */
	unsigned char *cls;
	size_t cls_cap;
};
void editor_keys_init(void);
size_t editor_encode(int key, char *mb);
void editor_init(struct editor *, const char *path);
void editor_free(struct editor *);
void editor_template(struct editor *);
bool editor_key(struct editor *, int key, bool is_key, int page);
bool editor_mouse(struct editor *, const MEVENT *, WINDOW *);
void editor_draw(struct editor *, WINDOW *, bool focused);
int editor_save(struct editor *);
bool editor_modified(const struct editor *);

/* recovery.c */
char *recovery_path(const char *file);
int recovery_write(const char *rpath, const char *file, const char *, size_t);
bool recovery_read(const char *rpath, struct buf *);
void recovery_remove(const char *rpath);
int recovery_discard(const char *rpath);

/* text.c: text from a program or a file, drawn (UTF-8 as characters,
 * invalid bytes as \xNN, control characters as ^X) */
size_t text_decode(const char *, size_t, long *cp);
size_t text_width(const char *, size_t);
size_t text_draw(WINDOW *, int y, int x, int width, const char *, size_t,
                 attr_t);

/* diag.c: the first error's line in a compiler's or a program's output */
struct diag_col {
	int col;      /* 1-based; 0: the output gives none */
	bool in_code; /* counted from the line's first non-blank character
	                 (Python quotes its code without the indentation) */
	bool tabs8;   /* a tab counts to the next multiple of 8 (GCC's
	                 display columns, for C and C++ sources) */
};
int diag_first_error(const char *text, size_t len, const char *source,
                     char *msg, size_t, struct diag_col *);

/* limits-form.c, lang-menu.c: views */
extern const struct tui_view limits_form_view;
extern const struct tui_view lang_menu_view;

/* theme.c: colours by meaning. Drawing code names an element, never a
 * colour; the theme maps elements to curses attributes. */
enum theme_element {
	THEME_NORMAL,
	THEME_TITLE,          /* the title bar */
	THEME_BAR,            /* the key bar */
	THEME_BAR_KEY,        /* a key's name in the key bar */
	THEME_BORDER,         /* pane borders and names */
	THEME_BORDER_FOCUS,   /* the focused pane's name */
	THEME_MESSAGE,        /* a note in the title bar */
	THEME_ERROR,          /* an error there */
	THEME_LINENO,         /* line numbers */
	THEME_LINENO_CURRENT, /* the cursor line's number */
	THEME_CURRENT_LINE,   /* the cursor line's text */
	THEME_SELECTION,
	THEME_SEARCH_MATCH,
	THEME_BRACKET_MATCH,
	THEME_SYNTAX_KEYWORD,
	THEME_SYNTAX_TYPE,
	THEME_SYNTAX_STRING,
	THEME_SYNTAX_COMMENT,
	THEME_SYNTAX_NUMBER,
	THEME_SYNTAX_PREPROC,
	THEME_METER_LOW,  /* a meter well under its limit */
	THEME_METER_MID,  /* past half */
	THEME_METER_HIGH, /* near the limit */
	THEME_GRAPH,
	THEME_VERDICT_OK,    /* OK, AC */
	THEME_VERDICT_WRONG, /* WA, RE, CE */
	THEME_VERDICT_LIMIT, /* TLE, MLE, OLE */
	THEME_VERDICT_ERROR, /* SV, IE */
	THEME_DIFF_EXPECTED,
	THEME_DIFF_ACTUAL,
	THEME_DIFF_MARK, /* the first difference */
	THEME_LIST_CURSOR,
	THEME_DIALOG,
	THEME_DIALOG_BORDER,
	THEME_NELEMENTS
};
void theme_init(void);
attr_t theme_attr(enum theme_element);
enum theme_element theme_verdict(int verdict);

/* syntax.c: highlighting from a language's [syntax] (curses-free, so its
 * interface is in tui/syntax.h for the unit tests) */
#include "tui/syntax.h"

/* How a theme file describes an element. A colour is THEME_COLOUR_DEFAULT
 * (the terminal's own), an xterm palette index 0-255, or THEME_RGB(). */
#define THEME_COLOUR_DEFAULT (-1)
#define THEME_RGB_FLAG       0x1000000
#define THEME_RGB(r, g, b)   (THEME_RGB_FLAG | (r) << 16 | (g) << 8 | (b))
struct theme_style {
	int fg, bg;
	attr_t attrs;
};
struct theme {
	char name[64];         /* the file's name without .theme */
	char title[64];        /* [theme] name, for the chooser */
	char description[128]; /* [theme] description */
	struct theme_style style[THEME_NELEMENTS];
};
/* The pure part (no curses calls): names, parsing, colour mapping. */
const char *theme_element_name(enum theme_element);
int theme_element_find(const char *name);
int theme_parse_style(const char *spec, struct theme_style *, char *err,
                      size_t);
void theme_builtin(struct theme *);
int theme_parse(struct theme *, const char *name, const char *text,
                const char *file, struct buf *errors);
int theme_map_colour(int colour, int ncolours);
void theme_resolve(const struct theme_style *, enum theme_element, int ncolours,
                   int *fg, int *bg, attr_t *attrs);
void theme_dirs(char **system, char **user);
char **theme_list(size_t *count);
int theme_load(struct theme *, const char *name, struct buf *errors);
/* The curses part: the terminal's colours, and a theme put on screen. */
int theme_colours(void);
void theme_apply(const struct theme *);
const struct theme *theme_current(void);
int theme_use(const char *name, struct buf *errors);

/* theme-chooser.c: the theme list with a live preview */
struct tui;
struct tui_view;
extern const struct tui_view theme_chooser_view;
void theme_chooser_open(struct tui *);

/* settings.c: $XDG_CONFIG_HOME/forge/forge-tui.conf */
struct settings_key {
	char action[24];
	int key;
	bool is_key;
};
struct settings {
	struct limits limits; /* a run's default limits */
	char backend[32];     /* "": the default one */
	char server[256];     /* a forge serve's URL: runs go there; "" */
	char theme[64];
	int tab_width;     /* 0: the language's */
	bool line_numbers; /* editor options */
	bool auto_indent;
	bool current_line; /* the cursor line highlighted */
	struct settings_key *keys;
	size_t nkeys;
};
/* fn gets each key = value (key NULL: a section starts); it returns -1
 * with a message in err to report the line. */
typedef int settings_ini_fn(void *, const char *section, const char *key,
                            const char *value, char *err, size_t);
int settings_ini_parse(const char *text, const char *file, settings_ini_fn *,
                       void *, struct buf *errors);
void settings_init(struct settings *);
void settings_free(struct settings *);
bool settings_server_ok(const char *url);
int settings_parse(struct settings *, const char *text, const char *file,
                   struct buf *errors);
char *settings_path(void);
int settings_load(struct settings *, const char *path, struct buf *errors);
int settings_key_parse(const char *spec, int *key, bool *is_key);
bool settings_key_translate(const struct settings *, int *key, bool *is_key);
char *settings_with_theme(const char *text, const char *theme);
int settings_save_theme(const char *path, const char *theme, char *err, size_t);

/* stats.c */
#define STATS_HISTORY 240 /* samples kept for the graphs: 24 s at 100 ms */
struct stats {
	struct limits limits;
	struct box_sample last;
	uint64_t peak_mem;
	uint32_t peak_pids;
	bool running, done;
	int verdict;
	char detail[256];
	int exit_code, exited, signal;
	uint64_t cpu_ms, wall_ms, mem_kb;
	/* per sample, for the graphs: CPU use in per cent of a core and
	 * memory in per cent of the limit */
	unsigned char cpu[STATS_HISTORY], mem[STATS_HISTORY];
	int nhistory;
};
void stats_start(struct stats *, const struct limits *);
void stats_sample(struct stats *, const struct box_sample *);
void stats_done(struct stats *, const struct runner_event *);
void stats_draw(const struct stats *, WINDOW *);
bool stats_unicode(void);
void stats_big_text(WINDOW *, int y, int x, const char *text, attr_t);

/* forge-tui.c: the workbench itself, shared by the panes and views */
enum focus { FOCUS_EDITOR, FOCUS_OUTPUT, FOCUS_STATS };

/* Alt-x arrives as Escape then x: the loop hands it on as one key */
#define TUI_ALT     0x1000000
#define TUI_CTRL(c) ((c)&0x1f)

/* Where the panes are: computed from the splits, the zoom and the
 * screen size, for drawing and for the mouse. */
struct tui_rect {
	int y, x, h, w;
};
struct tui_geometry {
	struct tui_rect pane[3]; /* by enum focus; h 0: hidden */
	int border_x;            /* the editor | right column border, or -1 */
	int border_y;            /* the output / stats border row, or -1 */
};

/* What a key handler did, for the loop to act on. */
#define TUI_KEY_IGNORED 0x0 /* not this handler's key */
#define TUI_KEY_HANDLED 0x1
#define TUI_KEY_CLOSE   0x2 /* the view is done: back to the panes */

/* A key as the help screen and the key bar show it. */
struct tui_keyhelp {
	const char *key;
	const char *what;
	const char *bar; /* its word in the key bar, or NULL */
};

struct tui;

/* A view takes the whole screen below the title bar (the tests view, the
 * history browser) until it closes; the panes come back as they were. */
struct tui_view {
	const char *name;
	void (*draw)(struct tui *, WINDOW *);
	int (*key)(struct tui *, int key, bool is_key);
	void (*close)(struct tui *);
	const struct tui_keyhelp *keys;
	size_t nkeys;
	/* the keys of the view's state when they are not keys (editing in
	 * it): NULL, or a table and *n */
	const struct tui_keyhelp *(*keys_now)(size_t *n);
};

/* Something the loop waits on for a module: a descriptor, or a time. */
typedef void tui_ready_fn(struct tui *, void *);
#define TUI_WATCH_MAX 8

#define TUI_BUFFERS 16

struct tui {
	struct editor *ed; /* the buffer shown, one of eds */
	struct editor *eds[TUI_BUFFERS];
	int neds;
	struct output *out;
	struct stats stats;
	struct runner run;
	struct language_set langs;
	struct limits limits;
	struct settings settings; /* as read at start-up */
	enum focus focus;
	int split_x, split_y;        /* per cent: editor width, output height */
	bool zoom;                   /* the focused pane fills the screen */
	int drag;                    /* a border being dragged: 'x', 'y' or 0 */
	const struct tui_view *view; /* NULL: the panes */
	WINDOW *wed, *wout, *wstats, *wview;
	bool help, quit_armed, close_armed, quit;
	/* the help screen: its first line shown, the text it is filtered
	 * by, and whether that is being typed */
	int help_top;
	char help_find[64];
	bool help_finding;
	/* a one-line question in the key bar's place */
	const char *prompt;
	struct buf answer;
	void (*answered)(struct tui *, const char *);
	char *source_name; /* the run's source file, as its compiler names it */
	struct buf compiled, tail; /* compiler messages; the output's end */
	uint64_t shown;            /* bytes the program wrote to its terminal */
	bool over_output; /* more than the output limit: stopped, OLE */
	int error_line;   /* of the first error in the output; 0: none */
	struct diag_col error_col; /* and its column, where given */
	char error_text[160];
	char compile_note[128];
	struct buf pending; /* events not yet whole */
	/* the next run's input, given to it as if typed (a past run's,
	 * run again from the history) */
	struct buf rerun_input;
	bool rerun_has_input;
	/* the last run as the history has it (id 0: not saved there), for
	 * saving it as a test; have_last: there is one */
	struct history_run last;
	bool have_last;
	struct {
		int fd;           /* -1: a timer only */
		uint64_t when_ms; /* 0: no timer */
		tui_ready_fn *fn;
		void *arg;
	} watch[TUI_WATCH_MAX];
};

struct editor *tui_open_buffer(struct tui *, const char *path, const char *text,
                               size_t len);
void tui_run(struct tui *);
void tui_limits_default(struct tui *, struct limits *);
int tui_key_resolve(const char *cap, const char *seq, int code);
void tui_prompt(struct tui *, const char *question,
                void (*)(struct tui *, const char *));
void tui_message(struct tui *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void tui_open_view(struct tui *, const struct tui_view *);
int tui_watch(struct tui *, int fd, tui_ready_fn *, void *);
int tui_after(struct tui *, uint64_t ms, tui_ready_fn *, void *);
void tui_unwatch(struct tui *, tui_ready_fn *, void *);

/* companion.c: problems from the competitive-companion browser
 * extension, POSTed as JSON to a port on 127.0.0.1 */
#define COMPANION_PORT 27121
struct companion_test {
	char *input, *output;
};
struct companion_problem {
	char *name, *group, *url;
	struct companion_test *tests;
	size_t ntests;
	uint64_t time_ms, mem_bytes; /* 0: not given */
	bool interactive;
};
struct companion;
int companion_http(const char *, size_t, size_t *body_off, size_t *body_len);
int companion_parse(const char *, size_t, struct companion_problem *, char *err,
                    size_t);
void companion_problem_free(struct companion_problem *);
char *companion_file_name(const char *problem_name);
int companion_save(const struct companion_problem *, const char *dir,
                   const char *ext, const char *tmpl, size_t tlen,
                   char **source, char **tests, bool *fresh, char *err, size_t);
struct companion *companion_listen(int port, char *err, size_t);
int companion_fd(const struct companion *);
int companion_port(const struct companion *);
bool companion_busy(const struct companion *);
int companion_step(struct companion *, struct companion_problem *, char *err,
                   size_t);
void companion_close(struct companion *);

/* labview.c: the lab view (Alt-u): submit the buffer to a lab's problem */
extern const struct tui_view labview_view;
void labview_open(struct tui *);

/* tests.c: the tests view (F6 judges, F7 shows) */
extern const struct tui_view tests_view;
void tests_open(struct tui *);
void tests_judge(struct tui *);
int tests_companion_port(const char *arg);
int tests_listen(struct tui *, int port);
void tests_companion_stop(struct tui *);
void tests_free(struct tui *);
int tests_save_run(struct tui *, const struct history_run *);
const char *tests_unsavable(const struct history_run *);

/* histview.c: the history browser, and playing a run back in the panes */
void histview_open(struct tui *);
void histview_stop(struct tui *);
bool histview_playing_key(struct tui *, int key, bool is_key);

#endif
