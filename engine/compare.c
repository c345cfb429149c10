/* Comparing a program's output with the expected answer.
 *
 * "tokens" follows the Kattis default output validator: whitespace-
 * separated tokens, case-insensitive unless case_sensitive, whitespace
 * ignored unless space_change_sensitive, and numbers compared within
 * float_absolute_tolerance / float_relative_tolerance when given (either
 * one suffices). "exact" compares bytes. Both say where the output first
 * differs, for people. */
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
	return o->case_sensitive ? memcmp(a, b, an) == 0
	                         : strncasecmp(a, b, an) == 0;
}

static void
compare_show(struct buf *out, const char *s, size_t n)
{
	size_t i;

	if (n == 0) {
		buf_addstr(out, "(nothing)");
		return;
	}
	buf_add(out, "'", 1);
	for (i = 0; i < n && i < COMPARE_SHOW; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			buf_addstr(out, "\\n");
		else if (c == '\t')
			buf_addstr(out, "\\t");
		else if (c == '\r')
			buf_addstr(out, "\\r");
		else if (c < 0x20 || c == 0x7f)
			buf_printf(out, "\\x%02x", c);
		else
			buf_add(out, s + i, 1);
	}
	buf_add(out, "'", 1);
	if (n > COMPARE_SHOW)
		buf_printf(out, "... (%zu more)", n - COMPARE_SHOW);
}

struct compare_cursor {
	const char *p, *end;
	size_t line, token; /* 1-based, of the last token taken */
	size_t line_token;
};

static bool
compare_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* Next token; with space_sensitive, runs of whitespace are tokens too. */
static bool
compare_next(struct compare_cursor *c, bool spaces, const char **tok,
             size_t *len)
{
	const char *s;

	if (!spaces)
		while (c->p < c->end && compare_is_space(*c->p)) {
			if (*c->p == '\n') {
				c->line++;
				c->line_token = 0;
			}
			c->p++;
		}
	if (c->p >= c->end)
		return false;
	s = c->p;
	if (spaces && compare_is_space(*s)) {
		while (c->p < c->end && compare_is_space(*c->p))
			c->p++;
	} else {
		while (c->p < c->end && !compare_is_space(*c->p))
			c->p++;
	}
	*tok = s;
	*len = (size_t)(c->p - s);
	c->token++;
	c->line_token++;
	if (spaces) {
		size_t i;
		for (i = 0; i < *len; i++)
			if (s[i] == '\n') {
				c->line++;
				c->line_token = 0;
			}
	}
	return true;
}

static bool
compare_tokens(const struct compare_opts *o, const char *out, size_t on,
               const char *ans, size_t an, struct buf *why)
{
	struct compare_cursor a = {out, out + on, 1, 0, 0};
	struct compare_cursor b = {ans, ans + an, 1, 0, 0};

	for (;;) {
		const char *at, *bt;
		size_t al, bl;
		bool ha, hb;

		ha = compare_next(&a, o->space_sensitive, &at, &al);
		hb = compare_next(&b, o->space_sensitive, &bt, &bl);
		if (!ha && !hb)
			return true;
		if (ha && hb && compare_tokens_equal(o, at, al, bt, bl))
			continue;
		if (why == NULL)
			return false;
		if (!ha) {
			buf_printf(why, "the output ends early: expected ");
			compare_show(why, bt, bl);
			buf_printf(why, " (token %zu of the answer, line %zu)",
			           b.token, b.line);
		} else if (!hb) {
			buf_printf(why, "extra output at line %zu: ", a.line);
			compare_show(why, at, al);
			buf_printf(why, " (the answer has %zu tokens)",
			           b.token);
		} else {
			buf_printf(why, "line %zu, token %zu: expected ",
			           a.line, a.line_token);
			compare_show(why, bt, bl);
			buf_addstr(why, ", got ");
			compare_show(why, at, al);
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
	if (i < an)
		compare_line_at(why, ans, an, i);
	else
		buf_addstr(why, "the end of the output");
	buf_addstr(why, ", got ");
	if (i < on)
		compare_line_at(why, out, on, i);
	else
		buf_addstr(why, "the end of the output");
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
