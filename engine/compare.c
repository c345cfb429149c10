/* Comparing a program's output with the expected answer.
 *
 * "tokens" follows the Kattis default output validator: whitespace-
 * separated tokens, case-insensitive unless case_sensitive, whitespace
 * ignored unless space_change_sensitive, and numbers compared within
 * float_absolute_tolerance / float_relative_tolerance when given (either
 * one suffices). "exact" compares bytes. Both compare bytes, whatever
 * they are (output and answers need not be text: a NUL or a byte that is
 * not UTF-8 is a character like any other), and say where the output
 * first differs, for people, as text. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine.h"

#define COMPARE_SHOW 40 /* characters of a token or line shown */

void
compare_opts_default(struct compare_opts *o)
{
	memset(o, 0, sizeof *o);
	o->mode = COMPARE_TOKENS;
	o->abs_tol = -1;
	o->rel_tol = -1;
}

/* Kattis validator flags: "case_sensitive space_change_sensitive
 * float_tolerance 1e-6 ...". Unknown words are an error. */
int
compare_parse_flags(struct compare_opts *o, const char *flags, char *err,
                    size_t errlen)
{
	char **w = util_split_words(flags, NULL);
	int r = 0;
	size_t i;

	for (i = 0; r == 0 && w[i] != NULL; i++) {
		double *set[2] = {NULL, NULL};
		char *end;
		double v;

		if (strcmp(w[i], "case_sensitive") == 0)
			o->case_sensitive = true;
		else if (strcmp(w[i], "space_change_sensitive") == 0)
			o->space_sensitive = true;
		else if (strcmp(w[i], "float_absolute_tolerance") == 0)
			set[0] = &o->abs_tol;
		else if (strcmp(w[i], "float_relative_tolerance") == 0)
			set[0] = &o->rel_tol;
		else if (strcmp(w[i], "float_tolerance") == 0) {
			set[0] = &o->abs_tol;
			set[1] = &o->rel_tol;
		} else {
			snprintf(err, errlen, "unknown validator flag '%s'",
			         w[i]);
			r = -1;
			break;
		}
		if (set[0] == NULL)
			continue;
		if (w[i + 1] == NULL) {
			snprintf(err, errlen, "'%s' needs a number", w[i]);
			r = -1;
			break;
		}
		errno = 0;
		v = strtod(w[i + 1], &end);
		if (errno != 0 || *end != '\0' || !(v >= 0) || isinf(v)) {
			snprintf(err, errlen, "'%s %s': not a tolerance", w[i],
			         w[i + 1]);
			r = -1;
			break;
		}
		*set[0] = v;
		if (set[1] != NULL)
			*set[1] = v;
		i++;
	}
	util_free_words(w);
	return r;
}

/* A token the tolerance applies to: decimal notation with an optional
 * exponent, or inf / nan. Hexadecimal floats are text. */
static bool
compare_number(const char *s, size_t n, double *out)
{
	char buf[512], *end;
	size_t i = 0;
	bool digits = false;

	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (buf[i] == '+' || buf[i] == '-')
		i++;
	if (strcasecmp(buf + i, "inf") == 0 ||
	    strcasecmp(buf + i, "infinity") == 0 ||
	    strcasecmp(buf + i, "nan") == 0) {
		*out = strtod(buf, NULL);
		return true;
	}
	for (; i < n; i++) {
		char c = buf[i];
		if (isdigit((unsigned char)c))
			digits = true;
		else if (c != '.' && c != 'e' && c != 'E' && c != '+' &&
		         c != '-')
			return false;
	}
	if (!digits)
		return false;
	errno = 0;
	*out = strtod(buf, &end);
	return *end == '\0';
}

static bool
compare_tokens_equal(const struct compare_opts *o, const char *a, size_t an,
                     const char *b, size_t bn)
{
	double x, y;

	if (o->abs_tol >= 0 || o->rel_tol >= 0) {
		/* the answer decides: a number there wants a number here */
		if (compare_number(b, bn, &y)) {
			if (!compare_number(a, an, &x))
				return false;
			if (isnan(y) || isnan(x))
				return isnan(y) && isnan(x);
			if (isinf(y) || isinf(x))
				return x == y;
			if (o->abs_tol >= 0 && fabs(x - y) <= o->abs_tol)
				return true;
			if (o->rel_tol >= 0 &&
			    fabs(x - y) <= o->rel_tol * fabs(y))
				return true;
			return false;
		}
	}
	if (an != bn)
		return false;
	if (o->case_sensitive)
		return memcmp(a, b, an) == 0;
	/* byte by byte: a NUL in a token is a character like any other */
	for (size_t i = 0; i < an; i++)
		if (tolower((unsigned char)a[i]) !=
		    tolower((unsigned char)b[i]))
			return false;
	return true;
}

/* A token or line for people: printable ASCII and valid UTF-8 as they
 * are, every other byte escaped, so the message is text whatever the
 * program printed. */
static void
compare_show(struct buf *out, const char *s, size_t n)
{
	size_t shown = n < COMPARE_SHOW ? n : COMPARE_SHOW;

	if (n == 0) {
		buf_addstr(out, "(nothing)");
		return;
	}
	/* not into the middle of a UTF-8 character */
	while (shown < n && shown > 0 &&
	       ((unsigned char)s[shown] & 0xc0) == 0x80)
		shown--;
	buf_add(out, "'", 1);
	/* the program's bytes, as every report shows them (escape.c) */
	escape_text(out, s, shown, false);
	buf_add(out, "'", 1);
	if (shown < n)
		buf_printf(out, "... (%zu more)", n - shown);
}

struct compare_cursor {
	const char *p, *end;
	size_t line;       /* 1-based line at p */
	size_t line_token; /* words taken on that line */
	size_t words;      /* words taken in all */
};

struct compare_token {
	const char *s;
	size_t n;
	bool space;        /* a run of whitespace (space_change_sensitive) */
	size_t line, word; /* where it starts; its number on its line */
};

static bool
compare_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static void
compare_advance(struct compare_cursor *c)
{
	if (*c->p == '\n') {
		c->line++;
		c->line_token = 0;
	}
	c->p++;
}

/* The next word; with space_sensitive, runs of whitespace too. */
static bool
compare_next(struct compare_cursor *c, bool spaces, struct compare_token *t)
{
	if (!spaces)
		while (c->p < c->end && compare_is_space(*c->p))
			compare_advance(c);
	if (c->p >= c->end)
		return false;
	t->s = c->p;
	t->line = c->line;
	t->space = compare_is_space(*c->p);
	if (t->space) {
		/* numbered as the place before the next word */
		t->word = c->line_token + 1;
		while (c->p < c->end && compare_is_space(*c->p))
			compare_advance(c);
	} else {
		while (c->p < c->end && !compare_is_space(*c->p))
			c->p++;
		t->word = ++c->line_token;
		c->words++;
	}
	t->n = (size_t)(c->p - t->s);
	return true;
}

static bool
compare_tokens(const struct compare_opts *o, const char *out, size_t on,
               const char *ans, size_t an, struct buf *why)
{
	struct compare_cursor a = {out, out + on, 1, 0, 0};
	struct compare_cursor b = {ans, ans + an, 1, 0, 0};

	for (;;) {
		struct compare_token at, bt;
		bool ha = compare_next(&a, o->space_sensitive, &at);
		bool hb = compare_next(&b, o->space_sensitive, &bt);

		if (!ha && !hb)
			return true;
		if (ha && hb && at.space == bt.space &&
		    (at.space
		         ? at.n == bt.n && memcmp(at.s, bt.s, at.n) == 0
		         : compare_tokens_equal(o, at.s, at.n, bt.s, bt.n)))
			continue;
		if (why == NULL)
			return false;
		if (!ha) {
			buf_addstr(why, "the output ends early: expected ");
			compare_show(why, bt.s, bt.n);
			buf_printf(why, " (token %zu of the answer, line %zu)",
			           bt.space ? b.words + 1 : b.words, bt.line);
		} else if (!hb) {
			buf_printf(why, "extra output at line %zu: ", at.line);
			compare_show(why, at.s, at.n);
			buf_printf(why, " (the answer has %zu tokens)",
			           b.words);
		} else {
			buf_printf(why, "line %zu, token %zu: expected ",
			           at.line, at.word);
			compare_show(why, bt.s, bt.n);
			buf_addstr(why, ", got ");
			compare_show(why, at.s, at.n);
		}
		return false;
	}
}

/* The line around offset off, elided to COMPARE_SHOW characters. */
static void
compare_line_at(struct buf *why, const char *s, size_t n, size_t off)
{
	size_t a = off, b = off;

	while (a > 0 && s[a - 1] != '\n')
		a--;
	while (b < n && s[b] != '\n')
		b++;
	if (off - a > COMPARE_SHOW / 2) {
		a = off - COMPARE_SHOW / 2;
		buf_addstr(why, "...");
	}
	compare_show(why, s + a, b - a);
}

static void
compare_exact_side(struct buf *why, const char *s, size_t n, size_t i)
{
	if (i >= n)
		buf_addstr(why, "the end of the output");
	else if (s[i] == '\n')
		buf_addstr(why, "'\\n'");
	else
		compare_line_at(why, s, n, i);
}

static bool
compare_exact(const char *out, size_t on, const char *ans, size_t an,
              struct buf *why)
{
	size_t i = 0, line = 1, col = 1;

	while (i < on && i < an && out[i] == ans[i]) {
		if (out[i] == '\n') {
			line++;
			col = 1;
		} else
			col++;
		i++;
	}
	if (i == on && i == an)
		return true;
	if (why == NULL)
		return false;
	buf_printf(why, "line %zu, column %zu: expected ", line, col);
	compare_exact_side(why, ans, an, i);
	buf_addstr(why, ", got ");
	compare_exact_side(why, out, on, i);
	return false;
}

/* true when out is accepted; otherwise, when why is given, where and how
 * it first differs, one line. */
bool
compare_output(const struct compare_opts *o, const char *out, size_t on,
               const char *ans, size_t an, struct buf *why)
{
	if (o->mode == COMPARE_EXACT)
		return compare_exact(out, on, ans, an, why);
	return compare_tokens(o, out, on, ans, an, why);
}
