/*
 * Syntax highlighting, one line at a time, from the tables lang.c builds
 * out of a language's [syntax] section.
 *
 * The state handed from line to line packs what is still open at a line's
 * end: the token (block comment or string) by its index + 1 in the low 8
 * bits, the nesting depth of a nested block comment above that, and a flag
 * for a preprocessor line continued with a backslash. 0 is "nothing open",
 * as at the top of a file.
 *
 * The editor classifies every visible line on every redraw, so the loop
 * looks at each byte once, through the language's character table: only a
 * byte that can start a comment or string is compared with the tokens,
 * and only a word no longer than the longest keyword is hashed.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/lang-syntax.h"
#include "tui/syntax.h"

#define SYNTAX_TOKEN_BITS   0xff
#define SYNTAX_DEPTH_SHIFT  8
#define SYNTAX_DEPTH_MAX    0xff
#define SYNTAX_PREPROC_OPEN (1 << 16)

static unsigned char
syntax_token_class(const struct lang_token *t)
{
	return t->kind == LANG_TOKEN_COMMENT || t->kind == LANG_TOKEN_BLOCK
	           ? SYNTAX_COMMENT
	           : SYNTAX_STRING;
}

static bool
syntax_at(const char *line, size_t i, size_t len, const char *s, size_t n)
{
	return i + n <= len && line[i] == s[0] && memcmp(line + i, s, n) == 0;
}

/* Looks for the end of token t from byte i. Found: *end is just past the
 * closer. Not found: *end is len, and *escaped tells whether the line
 * ended in an escape (a C string continued on the next line). */
static bool
syntax_close(const struct language_syntax *sy, const struct lang_token *t,
             const char *line, size_t i, size_t len, int *depth, size_t *end,
             bool *escaped)
{
	int esc = -1;

	if (sy->escape != '\0' && t->kind != LANG_TOKEN_RAW &&
	    t->kind != LANG_TOKEN_BLOCK)
		esc = (unsigned char)sy->escape;
	*escaped = false;
	while (i < len) {
		unsigned char c = (unsigned char)line[i];

		if (c == esc) {
			if (i + 1 == len)
				*escaped = true;
			i += 2;
		} else if (c == (unsigned char)t->close[0] &&
		           syntax_at(line, i, len, t->close, t->close_len)) {
			i += t->close_len;
			if (*depth == 0) {
				*end = i;
				return true;
			}
			(*depth)--;
		} else if (t->kind == LANG_TOKEN_BLOCK && sy->nested_comments &&
		           syntax_at(line, i, len, t->open, t->open_len)) {
			i += t->open_len;
			if (*depth < SYNTAX_DEPTH_MAX)
				(*depth)++;
		} else
			i++;
	}
	*end = len;
	return false;
}

/* A character literal from its opening quote at i: one character (of
 * UTF-8) or one escape sequence, then the closing quote. Returns its
 * end, or 0 when there is none there (Rust's lifetime 'a). */
static size_t
syntax_char(const struct language_syntax *sy, const struct lang_token *t,
            const char *line, size_t i, size_t len)
{
	size_t j = i + t->open_len, limit;
	unsigned char c;

	if (j >= len)
		return 0;
	c = (unsigned char)line[j];
	if (sy->escape != '\0' && c == (unsigned char)sy->escape) {
		/* \n, \x41, \u{1F600}: the closer within a few bytes */
		for (j += 2, limit = j + 10; j < len && j < limit; j++)
			if (syntax_at(line, j, len, t->close, t->close_len))
				return j + t->close_len;
		return 0;
	}
	if (syntax_at(line, j, len, t->close, t->close_len))
		return 0; /* '' is no literal */
	j += c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	return syntax_at(line, j, len, t->close, t->close_len)
	           ? j + t->close_len
	           : 0;
}

static bool
syntax_alpha(unsigned char c)
{
	c |= 0x20;
	return c >= 'a' && c <= 'z';
}

static bool
syntax_xdigit(const struct language_syntax *sy, unsigned char c)
{
	return (sy->chars[c] & LANG_CH_DIGIT) ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* A number from i (a digit, or a dot before one): 0x1F, 1e-9, 1.5f,
 * 1_000, 10ULL, 1'000 with a digit separator, 0x1p-3. The letters of a
 * suffix are part of it; a dot is when a digit follows or nothing that
 * could be a method or a range (1.max, 1..n) does. */
static size_t
syntax_number(const struct language_syntax *sy, const char *s, size_t i,
              size_t len)
{
	bool hex = s[i] == '0' && i + 1 < len && (s[i + 1] | 0x20) == 'x';
	bool dot = false;
	int letters = 0;
	size_t j = i;

	while (j < len) {
		unsigned char c = (unsigned char)s[j], p;

		if (syntax_alpha(c)) {
			letters++;
			j++;
		} else if ((sy->chars[c] & LANG_CH_DIGIT) || c == '_')
			j++;
		else if ((c == '+' || c == '-') && j > i) {
			p = (unsigned char)s[j - 1] | 0x20;
			if (hex ? p != 'p' : p != 'e' || letters != 1)
				break;
			j++;
		} else if (c == '.' && !dot && (hex || letters == 0)) {
			unsigned char n =
			    j + 1 < len ? (unsigned char)s[j + 1] : ' ';
			if (!(sy->chars[n] & LANG_CH_DIGIT) &&
			    (syntax_alpha(n) || n == '_' || n == '.'))
				break;
			dot = true;
			j++;
		} else if ((sy->chars[c] & LANG_CH_SEP) && j > i &&
		           j + 1 < len &&
		           syntax_xdigit(sy, (unsigned char)s[j - 1]) &&
		           syntax_xdigit(sy, (unsigned char)s[j + 1]))
			j++;
		else
			break;
	}
	return j;
}

static unsigned char
syntax_word(const struct language_syntax *sy, const char *w, size_t n)
{
	uint32_t h;

	if (n > sy->word_max)
		return SYNTAX_TEXT;
	for (h = lang_word_hash(w, n) & sy->words_mask;
	     sy->words[h].word != NULL; h = (h + 1) & sy->words_mask)
		if (sy->words[h].len == n &&
		    memcmp(sy->words[h].word, w, n) == 0)
			return sy->words[h].type ? SYNTAX_TYPE : SYNTAX_KEYWORD;
	return SYNTAX_TEXT;
}

static const struct lang_token *
syntax_token_at(const struct language_syntax *sy, const char *line, size_t i,
                size_t len)
{
	size_t k;

	for (k = 0; k < sy->ntokens; k++) {
		const struct lang_token *t = &sy->tokens[k];

		if (!syntax_at(line, i, len, t->open, t->open_len))
			continue;
		/* Bash: a#b, $# and ${#a} hold no comment */
		if (t->kind == LANG_TOKEN_COMMENT &&
		    sy->comment_at_word_start && i > 0 &&
		    strchr(" \t;&|(", line[i - 1]) == NULL)
			continue;
		return t;
	}
	return NULL;
}

static int
syntax_open_state(const struct language_syntax *sy, const struct lang_token *t,
                  int depth, bool preproc, bool escaped)
{
	if (t->kind == LANG_TOKEN_STRING && !escaped)
		return preproc ? SYNTAX_PREPROC_OPEN : 0;
	return (int)(t - sy->tokens + 1) | depth << SYNTAX_DEPTH_SHIFT |
	       (preproc ? SYNTAX_PREPROC_OPEN : 0);
}

int
syntax_line(const struct language *lang, int state, const char *line,
            size_t len, unsigned char *cls)
{
	const struct language_syntax *sy;
	const struct lang_token *t;
	unsigned char base = SYNTAX_TEXT, c, f, k;
	bool preproc, escaped;
	int depth, esc;
	size_t i = 0, j;

	if (lang == NULL || lang->syntax == NULL) {
		memset(cls, SYNTAX_TEXT, len);
		return 0;
	}
	sy = lang->syntax;
	esc = sy->escape != '\0' ? (unsigned char)sy->escape : -1;
	preproc = (state & SYNTAX_PREPROC_OPEN) != 0;
	depth = (state >> SYNTAX_DEPTH_SHIFT) & SYNTAX_DEPTH_MAX;
	j = (size_t)(state & SYNTAX_TOKEN_BITS);
	if (j > 0 && j <= sy->ntokens) {
		/* inside a comment or string left open by the line above */
		t = &sy->tokens[j - 1];
		if (!syntax_close(sy, t, line, 0, len, &depth, &i, &escaped)) {
			memset(cls, syntax_token_class(t), len);
			return syntax_open_state(sy, t, depth, preproc,
			                         escaped);
		}
		memset(cls, syntax_token_class(t), i);
	} else if (!preproc && sy->preprocessor != NULL) {
		for (j = 0; j < len && (line[j] == ' ' || line[j] == '\t');)
			j++;
		preproc = j < len && line[j] == sy->preprocessor[0] &&
		          syntax_at(line, j, len, sy->preprocessor,
		                    strlen(sy->preprocessor));
	}
	if (preproc)
		base = SYNTAX_PREPROC;
	while (i < len) {
		c = (unsigned char)line[i];
		f = sy->chars[c];
		if ((f & LANG_CH_TOKEN) &&
		    (t = syntax_token_at(sy, line, i, len)) != NULL) {
			k = syntax_token_class(t);
			if (t->kind == LANG_TOKEN_COMMENT) {
				memset(cls + i, k, len - i);
				i = len;
				break;
			}
			if (t->kind == LANG_TOKEN_CHAR) {
				j = syntax_char(sy, t, line, i, len);
				if (j == 0) {
					/* a lifetime or label: plain text */
					for (j = i + t->open_len;
					     j < len &&
					     (sy->chars[(
					          unsigned char)line[j]] &
					      LANG_CH_WORD);)
						j++;
					k = base;
				}
				memset(cls + i, k, j - i);
				i = j;
				continue;
			}
			depth = 0;
			if (!syntax_close(sy, t, line, i + t->open_len, len,
			                  &depth, &j, &escaped)) {
				memset(cls + i, k, len - i);
				return syntax_open_state(sy, t, depth, preproc,
				                         escaped);
			}
			memset(cls + i, k, j - i);
			i = j;
		} else if ((f & LANG_CH_DIGIT) ||
		           (c == '.' && i + 1 < len &&
		            (sy->chars[(unsigned char)line[i + 1]] &
		             LANG_CH_DIGIT) &&
		            (i == 0 ||
		             (line[i - 1] != '.' &&
		              !(sy->chars[(unsigned char)line[i - 1]] &
		                LANG_CH_WORD))))) {
			j = syntax_number(sy, line, i, len);
			memset(cls + i, preproc ? base : SYNTAX_NUMBER, j - i);
			i = j;
		} else if (f & LANG_CH_WORD) {
			for (j = i + 1;
			     j < len && (sy->chars[(unsigned char)line[j]] &
			                 LANG_CH_WORD);)
				j++;
			k = preproc ? base : syntax_word(sy, line + i, j - i);
			memset(cls + i, k, j - i);
			i = j;
		} else if (c == esc && i + 1 < len) {
			/* an escaped quote outside strings (Bash's \") */
			cls[i] = cls[i + 1] = base;
			i += 2;
		} else
			cls[i++] = base;
	}
	if (preproc && len > 0 && (unsigned char)line[len - 1] == esc)
		return SYNTAX_PREPROC_OPEN;
	return 0;
}
