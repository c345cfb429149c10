/*
 * Syntax highlighting driven by a language file's [syntax] section (see
 * forge-language(5)): one line at a time, with a small integer carrying
 * what is still open at the end of a line to the next. Pure: no terminal,
 * no curses, so the unit tests drive it as the editor does.
 */
#ifndef FORGE_TUI_SYNTAX_H
#define FORGE_TUI_SYNTAX_H

#include <stddef.h>

struct language;

enum syntax_class {
	SYNTAX_TEXT,
	SYNTAX_KEYWORD,
	SYNTAX_TYPE,
	SYNTAX_STRING,
	SYNTAX_COMMENT,
	SYNTAX_NUMBER,
	SYNTAX_PREPROC,
	SYNTAX_NCLASSES
};

/* Classifies one line: cls[i] gets the class of byte i of line (len bytes,
 * no line break). state is what the previous line returned (0 for the
 * first line of the file); returns the state at the end of this line (open
 * block comment, open multi-line string, ...). lang NULL or without
 * [syntax]: all SYNTAX_TEXT, state 0. Must be fast: the editor calls it
 * for every visible line on every redraw and caches the states per line. */
int syntax_line(const struct language *lang, int state, const char *line,
                size_t len, unsigned char *cls);

#endif
