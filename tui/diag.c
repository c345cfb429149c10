/* Finds the first error's line in what a compiler or a crashing program
 * printed, so the editor can go there. Curses-free, unit-tested. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui.h"

/* the line holding p, without its break, into msg */
static void
diag_copy_line(const char *text, size_t len, const char *p, char *msg,
               size_t size)
{
	const char *b = p, *e = p;

	while (b > text && b[-1] != '\n')
		b--;
	while (e < text + len && *e != '\n' && *e != '\r')
		e++;
	while (b < e && isspace((unsigned char)*b))
		b++;
	snprintf(msg, size, "%.*s", (int)(e - b), b);
}

/* a number at p, 0 if there is none */
static int
diag_number(const char *p, const char *end)
{
	long n = 0;

	if (p >= end || !isdigit((unsigned char)*p))
		return 0;
	while (p < end && isdigit((unsigned char)*p) && n < 10000000)
		n = n * 10 + (*p++ - '0');
	return (int)n;
}

/* Where source (a file name, as the compiler saw it) is named with a
 * line: "main.cpp:12:", "main.py\", line 3", "main.sh: line 3:". */
static int
diag_line_at(const char *p, const char *end)
{
	if (p < end && *p == ':')
		return diag_number(p + 1, end) ? diag_number(p + 1, end)
		       : (end - p > 7 && strncmp(p, ": line ", 7) == 0)
		           ? diag_number(p + 7, end)
		           : 0;
	if (end - p > 8 && strncmp(p, "\", line ", 8) == 0)
		return diag_number(p + 8, end);
	return 0;
}

/* The column after "LINE:" in "main.c:LINE:COL:" (gcc, clang, Go,
 * rustc), else 0. */
static int
diag_column_at(const char *p, const char *end)
{
	if (p >= end || *p != ':' || !isdigit((unsigned char)p[1]))
		return 0;
	for (p++; p < end && isdigit((unsigned char)*p); p++)
		;
	return p < end && *p == ':' ? diag_number(p + 1, end) : 0;
}

/* Python quotes the line of a frame stripped of its indentation, and may
 * mark the place with a line of carets under it: the caret's column
 * within the quoted code (1 = its first character), else 0. p is in the
 * frame's "File" line. */
static int
diag_caret(const char *text, const char *end, const char *p)
{
	const char *code, *caret, *c, *first;

	(void)text;
	if ((code = memchr(p, '\n', (size_t)(end - p))) == NULL)
		return 0;
	code++;
	if ((caret = memchr(code, '\n', (size_t)(end - code))) == NULL)
		return 0;
	caret++;
	for (first = code; first < caret && *first == ' '; first++)
		;
	for (c = caret; c < end && *c == ' '; c++)
		;
	if (c >= end || *c != '^' || c - caret < first - code)
		return 0;
	/* the rest of the caret line is markers alone */
	for (const char *m = c; m < end && *m != '\n'; m++)
		if (*m != '^' && *m != '~' && *m != ' ' && *m != '\r')
			return 0;
	return (int)((c - caret) - (first - code)) + 1;
}

static bool
diag_is_error_line(const char *text, size_t len, const char *p)
{
	char line[512];

	diag_copy_line(text, len, p, line, sizeof line);
	return strstr(line, "error") != NULL || strstr(line, "Error") != NULL;
}

/* The column of the place found at p (a name followed by its line). */
static void
diag_column(const char *text, const char *end, const char *p, size_t slen,
            struct diag_col *col)
{
	if (col == NULL)
		return;
	static const char *const gcc[] = {".c", ".cc", ".cpp", ".cxx", ".C"};
	const char *dot = memrchr(p, '.', slen);

	col->col = diag_column_at(p + slen, end);
	col->in_code = false;
	col->tabs8 = false;
	for (size_t i = 0; dot != NULL && i < sizeof gcc / sizeof *gcc; i++)
		if ((size_t)(p + slen - dot) == strlen(gcc[i]) &&
		    strncmp(dot, gcc[i], strlen(gcc[i])) == 0)
			col->tabs8 = true;
	if (col->col == 0 && p + slen < end && p[slen] == '"') {
		col->col = diag_caret(text, end, p);
		col->in_code = col->col > 0;
	}
}

/* The line number (1-based) of the first error in text, or 0; msg gets
 * a one-line description and col (if not NULL) its column, where the
 * output gives one. A compiler's error beats its warnings; in a
 * traceback the innermost frame (the last) is the one. */
int
diag_first_error(const char *text, size_t len, const char *source, char *msg,
                 size_t size, struct diag_col *col)
{
	const char *end = text + len, *p = text;
	const char *first = NULL, *error = NULL, *last = NULL;
	int first_line = 0, error_line = 0, last_line = 0;
	size_t slen = strlen(source);

	if (size)
		msg[0] = '\0';
	if (col != NULL)
		*col = (struct diag_col){0, false, false};
	if (slen == 0)
		return 0;
	while ((p = memmem(p, (size_t)(end - p), source, slen)) != NULL) {
		/* the name itself, not the tail of a longer one */
		bool whole = p == text || p[-1] == '/' || p[-1] == '"' ||
		             p[-1] == '(' || isspace((unsigned char)p[-1]);
		int line = whole ? diag_line_at(p + slen, end) : 0;

		if (line > 0) {
			if (first == NULL) {
				first = p;
				first_line = line;
			}
			if (error == NULL && diag_is_error_line(text, len, p)) {
				error = p;
				error_line = line;
			}
			last = p;
			last_line = line;
		}
		p += slen;
	}
	if (last && memmem(text, len, "Traceback", 9) != NULL) {
		/* the innermost frame; the exception is the last line */
		const char *e = end;
		while (e > text && (e[-1] == '\n' || e[-1] == '\r'))
			e--;
		diag_copy_line(text, (size_t)(e - text), e > text ? e - 1 : e,
		               msg, size);
		diag_column(text, end, last, slen, col);
		return last_line;
	}
	if (error == NULL) {
		error = first;
		error_line = first_line;
	}
	if (error) {
		diag_copy_line(text, len, error, msg, size);
		diag_column(text, end, error, slen, col);
	}
	return error_line;
}
