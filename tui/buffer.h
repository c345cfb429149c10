/*
 * The editor's text buffer: a document of lines, each a byte string of
 * UTF-8 without its line break, with undo/redo, search and the cursor
 * arithmetic an editor needs. Pure data: no terminal, no curses. The
 * cursor itself belongs to the editor pane; the buffer only computes
 * positions.
 *
 * A position is (line, byte column). Positions handed in are clamped to
 * the document; columns must lie on a character boundary (every position
 * this API returns does). Character and display columns are derived with
 * the helpers below; display widths come from wcwidth(), so the program
 * must have set a UTF-8 LC_CTYPE with setlocale().
 */
#ifndef FORGE_TUI_BUFFER_H
#define FORGE_TUI_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buffer;

struct buffer_pos {
	size_t line;
	size_t col; /* in bytes */
};

/* Typed text pausing longer than this starts a new undo step. */
#define BUFFER_UNDO_PAUSE_MS 1000
/* Undo steps kept by default; the oldest are forgotten. */
#define BUFFER_UNDO_LIMIT 10000

/* buffer_find() flags */
#define BUFFER_FIND_BACKWARD 0x1
#define BUFFER_FIND_NOCASE   0x2

/* The document, files and text. Loading and saving clear the modified
 * flag; errors are a message in err and -1. buffer_text and buffer_range
 * return a NUL-terminated copy (free it); buffer_line's text stays valid
 * until the next edit. */
struct buffer *buffer_new(void);
void buffer_free(struct buffer *);
int buffer_load(struct buffer *, const char *path, char *err, size_t errlen);
void buffer_load_string(struct buffer *, const char *, size_t);
int buffer_save(struct buffer *, const char *path, char *err, size_t errlen);
char *buffer_text(const struct buffer *, size_t *len);
char *buffer_range(const struct buffer *, struct buffer_pos, struct buffer_pos,
                   size_t *len);
size_t buffer_lines(const struct buffer *);
const char *buffer_line(const struct buffer *, size_t line, size_t *len);
bool buffer_crlf(const struct buffer *);
bool buffer_modified(const struct buffer *);
uint64_t buffer_version(const struct buffer *);
size_t buffer_take_changed(struct buffer *);

/* Editing; each returns the position after the edit. insert and delete
 * are undo steps of their own (paste, cut); type and erase are keys,
 * which join into steps by word, pause and cursor jump. */
struct buffer_pos buffer_insert(struct buffer *, struct buffer_pos,
                                const char *, size_t);
struct buffer_pos buffer_delete(struct buffer *, struct buffer_pos cursor,
                                struct buffer_pos other);
struct buffer_pos buffer_type(struct buffer *, struct buffer_pos, const char *,
                              size_t, uint64_t now_ms);
struct buffer_pos buffer_erase(struct buffer *, struct buffer_pos cursor,
                               struct buffer_pos other, uint64_t now_ms);

/* Undo and redo: *cursor gets where the cursor goes. */
bool buffer_undo(struct buffer *, struct buffer_pos *cursor);
bool buffer_redo(struct buffer *, struct buffer_pos *cursor);
void buffer_undo_break(struct buffer *);
void buffer_group_begin(struct buffer *, struct buffer_pos cursor);
void buffer_group_end(struct buffer *);
void buffer_set_undo_limit(struct buffer *, size_t);

/* Positions and cursor moves. */
int buffer_pos_cmp(struct buffer_pos, struct buffer_pos);
struct buffer_pos buffer_end_pos(const struct buffer *);
struct buffer_pos buffer_next_char(const struct buffer *, struct buffer_pos);
struct buffer_pos buffer_prev_char(const struct buffer *, struct buffer_pos);
struct buffer_pos buffer_word_right(const struct buffer *, struct buffer_pos);
struct buffer_pos buffer_word_left(const struct buffer *, struct buffer_pos);
struct buffer_pos buffer_home(const struct buffer *, struct buffer_pos);
struct buffer_pos buffer_line_end(const struct buffer *, struct buffer_pos);

/* Columns: bytes, characters and screen cells. */
size_t buffer_utf8_decode(const char *, size_t, uint32_t *cp);
int buffer_cp_width(uint32_t cp);
size_t buffer_byte_to_char(const struct buffer *, size_t line, size_t col);
size_t buffer_char_to_byte(const struct buffer *, size_t line, size_t chars);
size_t buffer_byte_to_display(const struct buffer *, size_t line, size_t col,
                              int tabwidth);
size_t buffer_display_to_byte(const struct buffer *, size_t line,
                              size_t display, int tabwidth);

/* Search, brackets, indentation. */
bool buffer_find(const struct buffer *, const char *needle,
                 struct buffer_pos from, int flags, struct buffer_pos *start,
                 struct buffer_pos *end);
size_t buffer_replace_all(struct buffer *, const char *needle, const char *with,
                          int flags);
bool buffer_find_in_line(const struct buffer *, const char *needle, size_t line,
                         size_t col, int flags, size_t *start, size_t *end);
bool buffer_match_bracket(const struct buffer *, struct buffer_pos,
                          struct buffer_pos *match);
bool buffer_match_bracket_within(const struct buffer *, struct buffer_pos,
                                 size_t max_lines, struct buffer_pos *match);
size_t buffer_indent(const struct buffer *, size_t line);

#endif
