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
#include "tui/buffer.h"

/* runner.c: a run in a child process, on a pty */
struct runner_event {
	uint32_t kind; /* RUNNER_SAMPLE, RUNNER_COMPILE, RUNNER_DONE */
	struct box_sample sample;
	int32_t verdict;
	int32_t exit_code, exited, signal;
	uint64_t cpu_ms, wall_ms, mem_kb;
	char detail[256];
};
enum { RUNNER_SAMPLE = 1, RUNNER_COMPILE, RUNNER_DONE };
struct runner {
	pid_t pid;
	int pty;    /* master: the program's terminal */
	int events; /* runner_event records, then compile output */
	bool running;
};
int runner_start(struct runner *, const struct language *, const char *src,
                 size_t len, const struct limits *, int rows, int cols,
                 char *err, size_t);
void runner_stop(struct runner *);
void runner_reap(struct runner *);

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

/* editor.c */
struct editor {
	struct buffer *buf;
	struct buffer_pos cur;
	size_t top;  /* first line shown */
	size_t left; /* first display column shown */
	char *path;
	char message[256];
	bool recovered;      /* restored text not saved yet: modified */
	unsigned long edits; /* counts changes, for the recovery file */
};
void editor_init(struct editor *, const char *path);
void editor_free(struct editor *);
bool editor_key(struct editor *, int key, bool is_key, int page);
void editor_draw(struct editor *, WINDOW *, bool focused);
int editor_save(struct editor *);
bool editor_modified(const struct editor *);

/* recovery.c */
char *recovery_path(const char *file);
int recovery_write(const char *rpath, const char *file, const char *, size_t);
bool recovery_read(const char *rpath, struct buf *);
void recovery_remove(const char *rpath);

/* syntax.c: highlighting from a language's [syntax] (curses-free, so its
 * interface is in tui/syntax.h for the unit tests) */
#include "tui/syntax.h"

/* stats.c */
struct stats {
	struct limits limits;
	struct box_sample last;
	uint64_t peak_mem;
	bool running, done;
	int verdict;
	char detail[256];
	int exit_code, exited, signal;
	uint64_t cpu_ms, wall_ms, mem_kb;
	int history[64]; /* memory samples, percent of the limit */
	int nhistory;
};
void stats_start(struct stats *, const struct limits *);
void stats_sample(struct stats *, const struct box_sample *);
void stats_done(struct stats *, const struct runner_event *);
void stats_draw(const struct stats *, WINDOW *);

#endif
