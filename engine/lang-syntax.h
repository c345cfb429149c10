/*
 * A language's [syntax] section as the workbench's highlighter reads it
 * (see forge-language(5)): the lists the file gives, and the lookup
 * tables lang.c builds from them when it loads the file. The engine only
 * checks and keeps them; the editor (tui/syntax.c) is their reader, so
 * they stay out of the engine's public header.
 */
#ifndef FORGE_ENGINE_LANG_SYNTAX_H
#define FORGE_ENGINE_LANG_SYNTAX_H

#include "engine/engine.h"

/* The lists are NULL-terminated, or NULL when empty. */
enum lang_token_kind {
	LANG_TOKEN_COMMENT,   /* to the end of the line */
	LANG_TOKEN_BLOCK,     /* block comment, open and close */
	LANG_TOKEN_STRING,    /* ends at the line's end */
	LANG_TOKEN_MULTILINE, /* may run over lines */
	LANG_TOKEN_RAW,       /* may run over lines, no escapes */
	LANG_TOKEN_CHAR,      /* one character or escape, else not one */
};
struct lang_token {
	const char *open, *close; /* point into the lists below */
	uint8_t open_len, close_len;
	uint8_t kind; /* enum lang_token_kind */
};
struct lang_word {
	const char *word; /* NULL: an empty slot */
	uint8_t len;
	bool type; /* from types, else from keywords */
};
/* flags of language_syntax.chars[] */
#define LANG_CH_WORD    0x01 /* may be part of an identifier or a number */
#define LANG_CH_TOKEN   0x02 /* may start a token */
#define LANG_CH_DIGIT   0x04 /* 0-9 */
#define LANG_CH_SEP     0x08 /* a digit separator inside numbers */
#define LANG_TOKENS_MAX 64
struct language_syntax {
	bool defined; /* the file has a [syntax] key */
	char **keywords;
	char **types;
	char **comments;       /* line comment starts: "//" "#" */
	char **block_comments; /* open, close, open, close, ... */
	char **strings;        /* delimiters, open = close */
	char **multiline_strings;
	char **raw_strings;
	char **char_quotes;     /* chars = ' (Rust: 'a is a lifetime) */
	char *preprocessor;     /* prefix of a preprocessor line */
	char *word_chars;       /* identifier characters besides [A-Za-z0-9_] */
	char *digit_separators; /* inside numbers: 1'000 */
	char escape;            /* '\\' by default; '\0' for none */
	bool nested_comments;   /* block comments nest (Rust, Swift) */
	bool comment_at_word_start; /* Bash: a#b and $# are no comment */
	/* lookup tables lang.c builds from the above */
	struct lang_token tokens[LANG_TOKENS_MAX]; /* longest open first */
	size_t ntokens;
	struct lang_word *words; /* hash table, words_mask + 1 slots */
	uint32_t words_mask;
	size_t word_max;    /* length of the longest word */
	uint8_t chars[256]; /* LANG_CH_* */
};
/* lang.c */
uint32_t lang_word_hash(const char *, size_t);

#endif
