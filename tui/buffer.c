/*
 * The editor's text buffer. The document is an array of lines, each a
 * growable byte string without its line break, so an edit costs the
 * length of its line; only splitting or joining lines moves the array
 * of line records, never the text. Files whose every line break is CRLF are
 * held with bare lines and written back with CRLF; any other file keeps its
 * bytes as they are, so a load and a save give back the same file.
 *
 * Undo history is a stack of groups, each a list of primitive operations
 * (an insertion or a deletion of some text at a position) that undo
 * replays backwards. Typing and erasing by keys merge into the open group
 * under the rules of buffer_type() and buffer_erase(); every other edit
 * is a group of its own. Each group has a sequence number, and the number
 * of the group on top of the stack names the document's state: the file
 * is modified when that state is not the one last loaded or saved.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include "base/base.h"
#include "tui/buffer.h"

struct buffer_line {
	char *s; /* NUL-terminated, though lines may hold NULs */
	size_t len;
	size_t cap;
};

/* One primitive edit, as it was done: undo does the opposite. */
struct buffer_op {
	bool insert;
	struct buffer_pos at;
	struct buffer_pos end; /* insertions: where the text ends */
	char *text;
	size_t len;
	size_t cap;
};

enum buffer_kind {
	BUFFER_KIND_EDIT,  /* paste, cut, replace, an explicit group */
	BUFFER_KIND_TYPE,  /* buffer_type() */
	BUFFER_KIND_ERASE, /* buffer_erase() */
};

struct buffer_group {
	struct buffer_op *ops;
	size_t nops;
	size_t cap;
	enum buffer_kind kind;
	bool open; /* later edits may still merge into it */
	uint64_t seq;
	uint64_t last_ms;
	struct buffer_pos before; /* the cursor undo goes back to */
	struct buffer_pos after;  /* the cursor redo goes to */
};

struct buffer {
	struct buffer_line *lines;
	size_t nlines;
	size_t cap;
	bool crlf;

	struct buffer_group **undo; /* undo[undo_first], oldest, on */
	size_t undo_first;
	size_t nundo;
	size_t undo_cap;
	struct buffer_group **redo;
	size_t nredo;
	size_t redo_cap;
	size_t undo_limit;
	int depth; /* buffer_group_begin() nesting */

	uint64_t version; /* counts primitive edits, for the views' caches */
	size_t changed;   /* first line edited since buffer_take_changed() */

	uint64_t seq;   /* the last group number handed out */
	uint64_t base;  /* the state with an empty undo stack */
	uint64_t saved; /* the state last loaded or saved */
};

/* -------------------------------------------------------------------- */
/* UTF-8 and widths                                                      */

/* Decodes one character; an invalid or truncated sequence is one byte,
 * reported as U+FFFD. Returns the bytes used, 0 only when len is 0. */
size_t
buffer_utf8_decode(const char *p, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)p;
	uint32_t c;
	size_t n, i;

	*cp = 0xfffd;
	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return 1;
	if (len < n)
		return 1;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 1;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past Unicode are invalid. */
	if ((n == 3 && c < 0x800) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 1;
	*cp = c;
	return n;
}

/* The start of the character that ends at col (> 0), and its value. */
static size_t
buffer_utf8_prev(const char *s, size_t col, uint32_t *cp)
{
	size_t k;

	for (k = 1; k <= 4 && k <= col; k++) {
		if (((unsigned char)s[col - k] & 0xc0) == 0x80)
			continue;
		if (buffer_utf8_decode(s + col - k, k, cp) == k)
			return col - k;
		break;
	}
	buffer_utf8_decode(s + col - 1, 1, cp);
	return col - 1;
}

/* Screen cells of a character other than a tab: 0 for combining marks,
 * 2 for wide East Asian characters and emoji. Control characters and
 * what the locale cannot print take one cell (drawn as U+FFFD). */
int
buffer_cp_width(uint32_t cp)
{
	int w;

	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

/* The byte after the character at col, with the zero-width marks that
 * follow it and anything joined by U+200D (emoji sequences). */
static size_t
buffer_next_col(const char *s, size_t len, size_t col)
{
	uint32_t cp;
	size_t n;
	bool join = false;

	col += buffer_utf8_decode(s + col, len - col, &cp);
	join = cp == 0x200d;
	while (col < len) {
		n = buffer_utf8_decode(s + col, len - col, &cp);
		if (!join && buffer_cp_width(cp) != 0)
			break;
		join = cp == 0x200d;
		col += n;
	}
	return col;
}

/* The start of the character before col, the mirror of the above. */
static size_t
buffer_prev_col(const char *s, size_t col)
{
	uint32_t cp, before;
	size_t p;

	col = buffer_utf8_prev(s, col, &cp);
	while (col > 0) {
		if (buffer_cp_width(cp) == 0) {
			col = buffer_utf8_prev(s, col, &cp);
			continue;
		}
		p = buffer_utf8_prev(s, col, &before);
		if (before != 0x200d || p == 0)
			break;
		col = buffer_utf8_prev(s, p, &cp);
	}
	return col;
}

enum buffer_class { BUFFER_SPACE, BUFFER_WORD, BUFFER_PUNCT };

/* Words are letters, digits and underscores, in any script. */
static enum buffer_class
buffer_class(uint32_t cp)
{
	if (cp < 0x80) {
		if (cp == ' ' || cp == '\t' || cp == '\v' || cp == '\f' ||
		    cp == '\r')
			return BUFFER_SPACE;
		if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z') || cp == '_')
			return BUFFER_WORD;
		return BUFFER_PUNCT;
	}
	if (iswspace((wint_t)cp))
		return BUFFER_SPACE;
	if (cp == 0xfffd || iswpunct((wint_t)cp))
		return BUFFER_PUNCT;
	return BUFFER_WORD;
}

/* -------------------------------------------------------------------- */
/* Lines                                                                 */

static void
buffer_line_reserve(struct buffer_line *l, size_t len)
{
	size_t cap;

	if (l->s != NULL && len < l->cap)
		return;
	cap = l->cap != 0 ? l->cap : 16;
	while (cap <= len)
		cap *= 2;
	l->s = xrealloc(l->s, cap);
	l->cap = cap;
}

/* Replaces del bytes at at with n bytes of s (which is not in l). */
static void
buffer_line_splice(struct buffer_line *l, size_t at, size_t del, const char *s,
                   size_t n)
{
	size_t len = l->len - del + n;

	buffer_line_reserve(l, len);
	memmove(l->s + at + n, l->s + at + del, l->len - at - del);
	if (n != 0)
		memcpy(l->s + at, s, n);
	l->len = len;
	l->s[len] = '\0';
}

/* Opens n empty lines before line at. */
static void
buffer_lines_open(struct buffer *b, size_t at, size_t n)
{
	size_t i;

	if (b->nlines + n > b->cap) {
		b->cap = b->cap != 0 ? b->cap : 64;
		while (b->cap < b->nlines + n)
			b->cap *= 2;
		b->lines = xrealloc(b->lines, b->cap * sizeof *b->lines);
	}
	memmove(b->lines + at + n, b->lines + at,
	        (b->nlines - at) * sizeof *b->lines);
	memset(b->lines + at, 0, n * sizeof *b->lines);
	b->nlines += n;
	for (i = at; i < at + n; i++)
		buffer_line_reserve(&b->lines[i], 0);
}

static void
buffer_lines_remove(struct buffer *b, size_t at, size_t n)
{
	size_t i;

	for (i = at; i < at + n; i++)
		free(b->lines[i].s);
	memmove(b->lines + at, b->lines + at + n,
	        (b->nlines - at - n) * sizeof *b->lines);
	b->nlines -= n;
}

static struct buffer_pos
buffer_clamp(const struct buffer *b, struct buffer_pos p)
{
	if (p.line >= b->nlines) {
		p.line = b->nlines - 1;
		p.col = b->lines[p.line].len;
	} else if (p.col > b->lines[p.line].len)
		p.col = b->lines[p.line].len;
	return p;
}

static bool
buffer_pos_eq(struct buffer_pos a, struct buffer_pos b)
{
	return a.line == b.line && a.col == b.col;
}

int
buffer_pos_cmp(struct buffer_pos a, struct buffer_pos b)
{
	if (a.line != b.line)
		return a.line < b.line ? -1 : 1;
	if (a.col != b.col)
		return a.col < b.col ? -1 : 1;
	return 0;
}

/* Where text inserted at at ends. */
static struct buffer_pos
buffer_pos_after(struct buffer_pos at, const char *s, size_t n)
{
	const char *nl, *end = s + n;

	while ((nl = memchr(s, '\n', (size_t)(end - s))) != NULL) {
		at.line++;
		at.col = 0;
		s = nl + 1;
	}
	at.col += (size_t)(end - s);
	return at;
}

/* Every edit goes through here: what caches of line data need to know. */
static void
buffer_touch(struct buffer *b, size_t line)
{
	b->version++;
	if (line < b->changed)
		b->changed = line;
}

/* The primitive insertion, without undo; at is valid. */
static struct buffer_pos
buffer_raw_insert(struct buffer *b, struct buffer_pos at, const char *s,
                  size_t n)
{
	struct buffer_line *first, *last;
	const char *nl = memchr(s, '\n', n), *seg, *end = s + n;
	size_t k = 0, i, lastlen;

	buffer_touch(b, at.line);
	if (nl == NULL) {
		buffer_line_splice(&b->lines[at.line], at.col, 0, s, n);
		return (struct buffer_pos){at.line, at.col + n};
	}
	for (seg = nl; seg != NULL;
	     seg = memchr(seg + 1, '\n', (size_t)(end - seg - 1)))
		k++;
	buffer_lines_open(b, at.line + 1, k);
	first = &b->lines[at.line];
	last = &b->lines[at.line + k];

	/* The last new line: the text after the last break, then the tail
	 * of the split line. */
	seg = (const char *)memrchr(s, '\n', n) + 1;
	lastlen = (size_t)(end - seg);
	buffer_line_splice(last, 0, 0, seg, lastlen);
	buffer_line_splice(last, lastlen, 0, first->s + at.col,
	                   first->len - at.col);
	buffer_line_splice(first, at.col, first->len - at.col, s,
	                   (size_t)(nl - s));
	seg = nl + 1;
	for (i = 1; i < k; i++) {
		nl = memchr(seg, '\n', (size_t)(end - seg));
		buffer_line_splice(&b->lines[at.line + i], 0, 0, seg,
		                   (size_t)(nl - seg));
		seg = nl + 1;
	}
	return (struct buffer_pos){at.line + k, lastlen};
}

/* The primitive deletion, without undo; from <= to, both valid. */
static void
buffer_raw_delete(struct buffer *b, struct buffer_pos from,
                  struct buffer_pos to)
{
	struct buffer_line *f = &b->lines[from.line], *t = &b->lines[to.line];

	buffer_touch(b, from.line);
	if (from.line == to.line) {
		buffer_line_splice(f, from.col, to.col - from.col, NULL, 0);
		return;
	}
	buffer_line_splice(f, from.col, f->len - from.col, t->s + to.col,
	                   t->len - to.col);
	buffer_lines_remove(b, from.line + 1, to.line - from.line);
}

/* -------------------------------------------------------------------- */
/* The undo and redo stacks                                              */

static struct buffer_group *
buffer_top(const struct buffer *b)
{
	return b->nundo > 0 ? b->undo[b->undo_first + b->nundo - 1] : NULL;
}

static void
buffer_group_free(struct buffer_group *g)
{
	size_t i;

	for (i = 0; i < g->nops; i++)
		free(g->ops[i].text);
	free(g->ops);
	free(g);
}

static void
buffer_redo_clear(struct buffer *b)
{
	while (b->nredo > 0)
		buffer_group_free(b->redo[--b->nredo]);
}

/* The undo stack drops its oldest groups from the front, moving the
 * survivors down only when the front has become half of the array: so
 * trimming costs nothing per edit, however long the history. */
static void
buffer_undo_push(struct buffer *b, struct buffer_group *g)
{
	struct buffer_group *top = buffer_top(b);

	/* The group below can no longer take merges. */
	if (top != NULL)
		top->open = false;
	if (b->undo_first + b->nundo == b->undo_cap) {
		if (b->undo_first > 0 && b->undo_first >= b->undo_cap / 2) {
			memmove(b->undo, b->undo + b->undo_first,
			        b->nundo * sizeof *b->undo);
			b->undo_first = 0;
		} else {
			b->undo_cap = b->undo_cap != 0 ? b->undo_cap * 2 : 16;
			b->undo =
			    xrealloc(b->undo, b->undo_cap * sizeof *b->undo);
		}
	}
	b->undo[b->undo_first + b->nundo++] = g;
}

static struct buffer_group *
buffer_undo_pop(struct buffer *b)
{
	return b->undo[b->undo_first + --b->nundo];
}

static void
buffer_redo_push(struct buffer *b, struct buffer_group *g)
{
	if (b->nredo == b->redo_cap) {
		b->redo_cap = b->redo_cap != 0 ? b->redo_cap * 2 : 16;
		b->redo = xrealloc(b->redo, b->redo_cap * sizeof *b->redo);
	}
	b->redo[b->nredo++] = g;
}

static void
buffer_history_clear(struct buffer *b)
{
	buffer_redo_clear(b);
	while (b->nundo > 0)
		buffer_group_free(buffer_undo_pop(b));
	b->undo_first = 0;
	b->depth = 0;
}

static uint64_t
buffer_state(const struct buffer *b)
{
	const struct buffer_group *g = buffer_top(b);

	return g != NULL ? g->seq : b->base;
}

/* -------------------------------------------------------------------- */
/* The document                                                          */

struct buffer *
buffer_new(void)
{
	struct buffer *b = xcalloc(1, sizeof *b);

	buffer_lines_open(b, 0, 1);
	b->undo_limit = BUFFER_UNDO_LIMIT;
	return b;
}

void
buffer_free(struct buffer *b)
{
	if (b == NULL)
		return;
	buffer_history_clear(b);
	buffer_lines_remove(b, 0, b->nlines);
	free(b->lines);
	free(b->undo);
	free(b->redo);
	free(b);
}

/* Replaces the document with s, forgetting the undo history; the result
 * counts as saved. A CRLF document (every break is CRLF) is kept as bare
 * lines and remembered as CRLF. */
void
buffer_load_string(struct buffer *b, const char *s, size_t n)
{
	const char *p = s, *end = s + n, *nl;
	size_t i, len, breaks = 0, crlfs = 0;

	buffer_history_clear(b);
	buffer_touch(b, 0);
	buffer_lines_remove(b, 0, b->nlines);
	for (nl = memchr(s, '\n', n); nl != NULL;
	     nl = memchr(nl + 1, '\n', (size_t)(end - nl - 1))) {
		breaks++;
		if (nl > s && nl[-1] == '\r')
			crlfs++;
	}
	b->crlf = breaks > 0 && crlfs == breaks;
	buffer_lines_open(b, 0, breaks + 1);
	for (i = 0; i < breaks + 1; i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = (size_t)((nl != NULL ? nl : end) - p);
		if (nl != NULL && b->crlf)
			len--;
		buffer_line_splice(&b->lines[i], 0, 0, p, len);
		p = nl != NULL ? nl + 1 : end;
	}
	b->base = b->saved = ++b->seq;
}

/* Loads a file; on an error the document is left as it was. */
int
buffer_load(struct buffer *b, const char *path, char *err, size_t errlen)
{
	struct buf data;
	struct stat st;
	char chunk[65536];
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		         strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		         strerror(errno));
		close(fd);
		return -1;
	}
	/* A FIFO or a device could block or never end. */
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		         S_ISDIR(st.st_mode) ? "it is a directory"
		                             : "not a regular file");
		close(fd);
		return -1;
	}
	buf_init(&data, 0);
	for (;;) {
		r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		buf_add(&data, chunk, (size_t)r);
	}
	if (r < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		         strerror(errno));
		close(fd);
		buf_free(&data);
		return -1;
	}
	close(fd);
	buffer_load_string(b, data.data != NULL ? data.data : "", data.len);
	buf_free(&data);
	return 0;
}

static int
buffer_write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The document, in chunks, the way it goes to disk. */
static int
buffer_write_fd(const struct buffer *b, int fd)
{
	struct buf out;
	const char *eol = b->crlf ? "\r\n" : "\n";
	size_t i;
	int r = 0;

	buf_init(&out, 0);
	for (i = 0; i < b->nlines && r == 0; i++) {
		buf_add(&out, b->lines[i].s, b->lines[i].len);
		if (i + 1 < b->nlines)
			buf_addstr(&out, eol);
		if (out.len >= 65536 || i + 1 == b->nlines) {
			r = buffer_write_all(fd, out.data, out.len);
			buf_reset(&out);
		}
	}
	buf_free(&out);
	return r;
}

/* A new, empty, exclusive file next to path for the atomic save. */
static int
buffer_temp_open(const char *path, mode_t mode, char **tmp)
{
	static unsigned counter;
	const char *slash = strrchr(path, '/');
	int dirlen = slash != NULL ? (int)(slash - path + 1) : 0, fd, tries, e;

	for (tries = 0; tries < 100; tries++) {
		xasprintf(tmp, "%.*s.%.100s.forge-%ld-%u", dirlen, path,
		          path + dirlen, (long)getpid(), counter++);
		fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd >= 0)
			return fd;
		e = errno;
		free(*tmp);
		*tmp = NULL;
		errno = e;
		if (e != EEXIST)
			break;
	}
	return -1;
}

/* Syncs the directory holding path so that a rename survives a crash. */
static void
buffer_sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL   ? xstrdup(".")
	            : slash == path ? xstrdup("/")
	                            : xstrndup(path, (size_t)(slash - path));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Saves atomically: the text goes to a temporary file in the same
 * directory, which is synced and then renamed over the file, so a failure
 * at any point leaves the old file whole. The file keeps its mode (and
 * its owner where permitted); a symbolic link is followed, not replaced;
 * a file with other hard links is parted from them, as the rename must. */
int
buffer_save(struct buffer *b, const char *path, char *err, size_t errlen)
{
	char *target, *tmp = NULL;
	struct stat st;
	bool exists;
	int fd, e;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		target = realpath(path, NULL);
		if (target == NULL) {
			snprintf(err, errlen, "cannot save %s: %s", path,
			         strerror(errno));
			return -1;
		}
	} else
		target = xstrdup(path);
	exists = stat(target, &st) == 0;
	if (!exists && errno != ENOENT) {
		snprintf(err, errlen, "cannot save %s: %s", path,
		         strerror(errno));
		free(target);
		return -1;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot save %s: not a regular file",
		         path);
		free(target);
		return -1;
	}

	/* A new file gets 0666 less the umask, as any editor's would. */
	fd = buffer_temp_open(target, exists ? 0600 : 0666, &tmp);
	if (fd < 0) {
		snprintf(err, errlen, "cannot save %s: %s", path,
		         strerror(errno));
		free(target);
		return -1;
	}
	if (exists) {
		/* Best effort: only root may give a file away, but the
		 * group may be one of ours. */
		if (fchown(fd, st.st_uid, st.st_gid) < 0 &&
		    fchown(fd, (uid_t)-1, st.st_gid) < 0) {
		}
		if (fchmod(fd, st.st_mode & 07777) < 0)
			goto fail;
	}
	if (buffer_write_fd(b, fd) < 0 || fsync(fd) < 0)
		goto fail;
	e = close(fd);
	fd = -1;
	if (e < 0 || rename(tmp, target) < 0)
		goto fail;
	buffer_sync_dir(target);
	free(tmp);
	free(target);

	/* Later typing must not merge into the state now on disk. */
	buffer_undo_break(b);
	b->saved = buffer_state(b);
	return 0;

fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	snprintf(err, errlen, "cannot save %s: %s", path, strerror(e));
	free(tmp);
	free(target);
	return -1;
}

/* The text between two positions (either order), lines joined by \n. */
char *
buffer_range(const struct buffer *b, struct buffer_pos from,
             struct buffer_pos to, size_t *lenp)
{
	struct buffer_pos t;
	const struct buffer_line *l;
	size_t len = 0, i, a, z;
	char *s;

	from = buffer_clamp(b, from);
	to = buffer_clamp(b, to);
	if (buffer_pos_cmp(from, to) > 0) {
		t = from;
		from = to;
		to = t;
	}
	for (i = from.line; i <= to.line; i++) {
		a = i == from.line ? from.col : 0;
		z = i == to.line ? to.col : b->lines[i].len;
		len += z - a + (i < to.line);
	}
	s = xmalloc(len + 1);
	len = 0;
	for (i = from.line; i <= to.line; i++) {
		l = &b->lines[i];
		a = i == from.line ? from.col : 0;
		z = i == to.line ? to.col : l->len;
		memcpy(s + len, l->s + a, z - a);
		len += z - a;
		if (i < to.line)
			s[len++] = '\n';
	}
	s[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return s;
}

/* The whole document as its file holds it (CRLF where loaded so). */
char *
buffer_text(const struct buffer *b, size_t *lenp)
{
	size_t len = 0, i, eol = b->crlf ? 2 : 1;
	char *s;

	for (i = 0; i < b->nlines; i++)
		len += b->lines[i].len + (i + 1 < b->nlines ? eol : 0);
	s = xmalloc(len + 1);
	len = 0;
	for (i = 0; i < b->nlines; i++) {
		memcpy(s + len, b->lines[i].s, b->lines[i].len);
		len += b->lines[i].len;
		if (i + 1 < b->nlines) {
			if (b->crlf)
				s[len++] = '\r';
			s[len++] = '\n';
		}
	}
	s[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return s;
}

/* Never 0: an empty document is one empty line. */
size_t
buffer_lines(const struct buffer *b)
{
	return b->nlines;
}

/* A line's bytes without its break, NUL-terminated; "" past the end. */
const char *
buffer_line(const struct buffer *b, size_t line, size_t *len)
{
	if (line >= b->nlines) {
		if (len != NULL)
			*len = 0;
		return "";
	}
	if (len != NULL)
		*len = b->lines[line].len;
	return b->lines[line].s;
}

bool
buffer_crlf(const struct buffer *b)
{
	return b->crlf;
}

/* A number that changes with every edit, undo and load. */
uint64_t
buffer_version(const struct buffer *b)
{
	return b->version;
}

/* The first line changed since the last call (0 the first time), or
 * SIZE_MAX: what a cache of per-line data must drop from on. */
size_t
buffer_take_changed(struct buffer *b)
{
	size_t line = b->changed;

	b->changed = SIZE_MAX;
	return line;
}

bool
buffer_modified(const struct buffer *b)
{
	return buffer_state(b) != b->saved;
}

/* -------------------------------------------------------------------- */
/* Undo history                                                          */

static struct buffer_group *
buffer_group_push(struct buffer *b, enum buffer_kind kind,
                  struct buffer_pos before)
{
	struct buffer_group *g = xcalloc(1, sizeof *g);

	g->kind = kind;
	g->open = true;
	g->seq = ++b->seq;
	g->before = g->after = before;
	buffer_undo_push(b, g);
	return g;
}

/* Forgets the oldest groups past the limit; the top one always stays. */
static void
buffer_undo_trim(struct buffer *b)
{
	struct buffer_group *g;

	while (b->nundo > b->undo_limit) {
		g = b->undo[b->undo_first++];
		b->nundo--;
		b->base = g->seq;
		buffer_group_free(g);
	}
}

static void
buffer_op_grow(struct buffer_op *op, size_t len)
{
	if (len + 1 <= op->cap)
		return;
	op->cap = op->cap != 0 ? op->cap : 16;
	while (op->cap < len + 1)
		op->cap *= 2;
	op->text = xrealloc(op->text, op->cap);
}

/* Records an edit in g, extending the last operation where the two are
 * one: typing at the end of an insertion, erasing next to a deletion. */
static void
buffer_op_add(struct buffer *b, struct buffer_group *g, bool insert,
              struct buffer_pos at, const char *s, size_t n)
{
	struct buffer_op *op = g->nops > 0 ? &g->ops[g->nops - 1] : NULL;

	buffer_redo_clear(b);
	if (op != NULL && op->insert == insert) {
		if (insert && buffer_pos_eq(op->end, at)) {
			buffer_op_grow(op, op->len + n);
			memcpy(op->text + op->len, s, n);
			op->len += n;
			op->end = buffer_pos_after(op->end, s, n);
			return;
		}
		if (!insert && buffer_pos_eq(op->at, at)) {
			buffer_op_grow(op, op->len + n);
			memcpy(op->text + op->len, s, n);
			op->len += n;
			return;
		}
		if (!insert &&
		    buffer_pos_eq(buffer_pos_after(at, s, n), op->at)) {
			buffer_op_grow(op, op->len + n);
			memmove(op->text + n, op->text, op->len);
			memcpy(op->text, s, n);
			op->len += n;
			op->at = at;
			return;
		}
	}
	if (g->nops == g->cap) {
		g->cap = g->cap != 0 ? g->cap * 2 : 4;
		g->ops = xrealloc(g->ops, g->cap * sizeof *g->ops);
	}
	op = &g->ops[g->nops++];
	memset(op, 0, sizeof *op);
	op->insert = insert;
	op->at = at;
	buffer_op_grow(op, n);
	memcpy(op->text, s, n);
	op->len = n;
	if (insert)
		op->end = buffer_pos_after(at, s, n);
	if (g->nops == 1)
		buffer_undo_trim(b);
}

static struct buffer_pos
buffer_do_insert(struct buffer *b, struct buffer_group *g, struct buffer_pos at,
                 const char *s, size_t n)
{
	struct buffer_pos end = buffer_raw_insert(b, at, s, n);

	buffer_op_add(b, g, true, at, s, n);
	g->after = end;
	return end;
}

static void
buffer_do_delete(struct buffer *b, struct buffer_group *g,
                 struct buffer_pos from, struct buffer_pos to)
{
	size_t n;
	char *s = buffer_range(b, from, to, &n);

	buffer_raw_delete(b, from, to);
	buffer_op_add(b, g, false, from, s, n);
	free(s);
	g->after = from;
}

/* Whether an edit of this kind at cursor, now, continues the open group. */
static bool
buffer_may_merge(const struct buffer *b, enum buffer_kind kind,
                 struct buffer_pos cursor, uint64_t now_ms)
{
	const struct buffer_group *g = buffer_top(b);

	return g != NULL && g->open && g->kind == kind && g->nops > 0 &&
	       buffer_pos_eq(g->after, cursor) && now_ms >= g->last_ms &&
	       now_ms - g->last_ms <= BUFFER_UNDO_PAUSE_MS;
}

/* The text to insert, as the document takes it: NULL when s can be used
 * as is, else a copy to free. In a CRLF document, pasted CRLF breaks
 * become bare ones, since the document's breaks are written on save. Text
 * taken from the line it goes into (duplicating a line) is copied first,
 * as the line's storage moves while it grows. */
static char *
buffer_prepare(const struct buffer *b, struct buffer_pos at, const char *s,
               size_t *n)
{
	const struct buffer_line *l = &b->lines[buffer_clamp(b, at).line];
	uintptr_t p = (uintptr_t)s, lo = (uintptr_t)l->s;
	char *t;
	size_t i, j;

	if (!b->crlf || *n < 2 || memchr(s, '\r', *n) == NULL) {
		if (p >= lo && p < lo + l->cap)
			return xstrndup(s, *n);
		return NULL;
	}
	t = xmalloc(*n);
	for (i = j = 0; i < *n; i++)
		if (s[i] != '\r' || i + 1 == *n || s[i + 1] != '\n')
			t[j++] = s[i];
	*n = j;
	return t;
}

/* Inserts text (a paste, a command's output) as an undo step of its own,
 * unless inside buffer_group_begin(). Returns the end of the text. */
struct buffer_pos
buffer_insert(struct buffer *b, struct buffer_pos at, const char *s, size_t n)
{
	struct buffer_group *g;
	struct buffer_pos end;
	char *t = buffer_prepare(b, at, s, &n);

	at = buffer_clamp(b, at);
	if (n == 0) {
		free(t);
		return at;
	}
	g = b->depth > 0 ? buffer_top(b)
	                 : buffer_group_push(b, BUFFER_KIND_EDIT, at);
	end = buffer_do_insert(b, g, at, t != NULL ? t : s, n);
	if (b->depth == 0)
		g->open = false;
	free(t);
	return end;
}

/* Deletes the text between cursor and other (either order) as an undo
 * step of its own; undo puts the cursor back at cursor. Returns the
 * start of the range. */
struct buffer_pos
buffer_delete(struct buffer *b, struct buffer_pos cursor,
              struct buffer_pos other)
{
	struct buffer_group *g;
	struct buffer_pos from, to;

	cursor = buffer_clamp(b, cursor);
	other = buffer_clamp(b, other);
	from = buffer_pos_cmp(cursor, other) < 0 ? cursor : other;
	to = buffer_pos_cmp(cursor, other) < 0 ? other : cursor;
	if (buffer_pos_eq(from, to))
		return from;
	g = b->depth > 0 ? buffer_top(b)
	                 : buffer_group_push(b, BUFFER_KIND_EDIT, cursor);
	buffer_do_delete(b, g, from, to);
	if (b->depth == 0)
		g->open = false;
	return from;
}

/* Typed text. It joins the typing before it into one undo step unless:
 * it is not where that typing ended (the cursor moved), more than
 * BUFFER_UNDO_PAUSE_MS passed, it holds a line break, or it starts a
 * word after a non-word character. So "hello world" is two steps,
 * "hello " and "world", and a break begins a step of its own. */
struct buffer_pos
buffer_type(struct buffer *b, struct buffer_pos at, const char *s, size_t n,
            uint64_t now_ms)
{
	struct buffer_group *g = buffer_top(b);
	struct buffer_pos end;
	uint32_t first, last;
	char *t = buffer_prepare(b, at, s, &n);
	bool merge;

	at = buffer_clamp(b, at);
	if (t != NULL)
		s = t;
	if (n == 0) {
		free(t);
		return at;
	}
	merge = buffer_may_merge(b, BUFFER_KIND_TYPE, at, now_ms) &&
	        memchr(s, '\n', n) == NULL;
	if (merge) {
		const struct buffer_op *op = &g->ops[g->nops - 1];

		buffer_utf8_decode(s, n, &first);
		buffer_utf8_prev(op->text, op->len, &last);
		if (buffer_class(first) == BUFFER_WORD &&
		    buffer_class(last) != BUFFER_WORD)
			merge = false;
	}
	if (b->depth == 0 && !merge)
		g = buffer_group_push(b, BUFFER_KIND_TYPE, at);
	end = buffer_do_insert(b, g, at, s, n);
	g->last_ms = now_ms;
	free(t);
	return end;
}

/* Text erased by a key (backspace, delete, word erase): the range between
 * cursor and other. Erasing goes on in one undo step until the cursor
 * moves elsewhere, a pause of more than BUFFER_UNDO_PAUSE_MS, or a line
 * break is erased (which begins a step). Returns the start of the range. */
struct buffer_pos
buffer_erase(struct buffer *b, struct buffer_pos cursor,
             struct buffer_pos other, uint64_t now_ms)
{
	struct buffer_group *g = buffer_top(b);
	struct buffer_pos from, to;
	bool merge;

	cursor = buffer_clamp(b, cursor);
	other = buffer_clamp(b, other);
	from = buffer_pos_cmp(cursor, other) < 0 ? cursor : other;
	to = buffer_pos_cmp(cursor, other) < 0 ? other : cursor;
	if (buffer_pos_eq(from, to))
		return from;
	merge = buffer_may_merge(b, BUFFER_KIND_ERASE, cursor, now_ms) &&
	        from.line == to.line;
	if (b->depth == 0 && !merge)
		g = buffer_group_push(b, BUFFER_KIND_ERASE, cursor);
	buffer_do_delete(b, g, from, to);
	g->last_ms = now_ms;
	return from;
}

/* Ends an unfinished explicit group, dropping it if it did nothing. */
static void
buffer_group_close(struct buffer *b)
{
	struct buffer_group *g = buffer_top(b);

	b->depth = 0;
	if (g != NULL && g->nops == 0) {
		buffer_undo_pop(b);
		buffer_group_free(g);
	} else if (g != NULL)
		g->open = false;
}

/* Undoes the last step; *cursor gets where the cursor was before it. */
bool
buffer_undo(struct buffer *b, struct buffer_pos *cursor)
{
	struct buffer_group *g;
	struct buffer_op *op;
	size_t i;

	if (b->depth > 0)
		buffer_group_close(b);
	if (b->nundo == 0)
		return false;
	g = buffer_undo_pop(b);
	for (i = g->nops; i-- > 0;) {
		op = &g->ops[i];
		if (op->insert)
			buffer_raw_delete(b, op->at, op->end);
		else
			buffer_raw_insert(b, op->at, op->text, op->len);
	}
	g->open = false;
	buffer_redo_push(b, g);
	if (cursor != NULL)
		*cursor = g->before;
	return true;
}

/* Redoes the last undone step; *cursor gets where the step left it. */
bool
buffer_redo(struct buffer *b, struct buffer_pos *cursor)
{
	struct buffer_group *g;
	struct buffer_op *op;
	size_t i;

	if (b->depth > 0)
		buffer_group_close(b);
	if (b->nredo == 0)
		return false;
	g = b->redo[--b->nredo];
	for (i = 0; i < g->nops; i++) {
		op = &g->ops[i];
		if (op->insert)
			buffer_raw_insert(b, op->at, op->text, op->len);
		else
			buffer_raw_delete(
			    b, op->at,
			    buffer_pos_after(op->at, op->text, op->len));
	}
	buffer_undo_push(b, g);
	if (cursor != NULL)
		*cursor = g->after;
	return true;
}

/* The next edit starts a new undo step (call it when the cursor jumps). */
void
buffer_undo_break(struct buffer *b)
{
	struct buffer_group *g = buffer_top(b);

	if (g != NULL && b->depth == 0)
		g->open = false;
}

/* Every edit until the matching buffer_group_end() is one undo step;
 * undo puts the cursor back at cursor. Groups nest. */
void
buffer_group_begin(struct buffer *b, struct buffer_pos cursor)
{
	if (b->depth++ == 0)
		buffer_group_push(b, BUFFER_KIND_EDIT, buffer_clamp(b, cursor));
}

void
buffer_group_end(struct buffer *b)
{
	if (b->depth == 1)
		buffer_group_close(b);
	else if (b->depth > 1)
		b->depth--;
}

/* How many undo steps are kept (at least one). */
void
buffer_set_undo_limit(struct buffer *b, size_t n)
{
	b->undo_limit = n > 0 ? n : 1;
	buffer_undo_trim(b);
}

/* -------------------------------------------------------------------- */
/* Positions and cursor moves                                            */

struct buffer_pos
buffer_end_pos(const struct buffer *b)
{
	return (struct buffer_pos){b->nlines - 1, b->lines[b->nlines - 1].len};
}

/* One character right (a base with its combining marks is one); from the
 * end of a line to the start of the next. */
struct buffer_pos
buffer_next_char(const struct buffer *b, struct buffer_pos p)
{
	const struct buffer_line *l;

	p = buffer_clamp(b, p);
	l = &b->lines[p.line];
	if (p.col < l->len)
		p.col = buffer_next_col(l->s, l->len, p.col);
	else if (p.line + 1 < b->nlines)
		p = (struct buffer_pos){p.line + 1, 0};
	return p;
}

struct buffer_pos
buffer_prev_char(const struct buffer *b, struct buffer_pos p)
{
	p = buffer_clamp(b, p);
	if (p.col > 0)
		p.col = buffer_prev_col(b->lines[p.line].s, p.col);
	else if (p.line > 0)
		p = (struct buffer_pos){p.line - 1, b->lines[p.line - 1].len};
	return p;
}

static enum buffer_class
buffer_class_at(const struct buffer_line *l, size_t col)
{
	uint32_t cp;

	buffer_utf8_decode(l->s + col, l->len - col, &cp);
	return buffer_class(cp);
}

static enum buffer_class
buffer_class_before(const struct buffer_line *l, size_t col)
{
	uint32_t cp;

	buffer_utf8_prev(l->s, col, &cp);
	return buffer_class(cp);
}

/* To the end of the next word or run of punctuation, over the blanks
 * before it; from the end of a line to the start of the next. */
struct buffer_pos
buffer_word_right(const struct buffer *b, struct buffer_pos p)
{
	const struct buffer_line *l;
	enum buffer_class c;

	p = buffer_clamp(b, p);
	l = &b->lines[p.line];
	if (p.col == l->len)
		return buffer_next_char(b, p);
	while (p.col < l->len && buffer_class_at(l, p.col) == BUFFER_SPACE)
		p.col = buffer_next_col(l->s, l->len, p.col);
	if (p.col == l->len)
		return p;
	c = buffer_class_at(l, p.col);
	while (p.col < l->len && buffer_class_at(l, p.col) == c)
		p.col = buffer_next_col(l->s, l->len, p.col);
	return p;
}

/* To the start of the word or punctuation run before, over blanks; from
 * the start of a line to the end of the one before. */
struct buffer_pos
buffer_word_left(const struct buffer *b, struct buffer_pos p)
{
	const struct buffer_line *l;
	enum buffer_class c;

	p = buffer_clamp(b, p);
	l = &b->lines[p.line];
	if (p.col == 0)
		return buffer_prev_char(b, p);
	while (p.col > 0 && buffer_class_before(l, p.col) == BUFFER_SPACE)
		p.col = buffer_prev_col(l->s, p.col);
	if (p.col == 0)
		return p;
	c = buffer_class_before(l, p.col);
	while (p.col > 0 && buffer_class_before(l, p.col) == c)
		p.col = buffer_prev_col(l->s, p.col);
	return p;
}

/* Smart home: to the first non-blank; from there, to column 0. The start
 * of a line is simply {line, 0}. */
struct buffer_pos
buffer_home(const struct buffer *b, struct buffer_pos p)
{
	size_t indent;

	p = buffer_clamp(b, p);
	indent = buffer_indent(b, p.line);
	p.col = p.col == indent ? 0 : indent;
	return p;
}

struct buffer_pos
buffer_line_end(const struct buffer *b, struct buffer_pos p)
{
	p = buffer_clamp(b, p);
	p.col = b->lines[p.line].len;
	return p;
}

/* -------------------------------------------------------------------- */
/* Columns                                                               */

/* Characters (code points; an invalid byte is one) before col. */
size_t
buffer_byte_to_char(const struct buffer *b, size_t line, size_t col)
{
	const struct buffer_line *l;
	size_t i = 0, chars = 0;
	uint32_t cp;

	if (line >= b->nlines)
		return 0;
	l = &b->lines[line];
	if (col > l->len)
		col = l->len;
	while (i < col) {
		i += buffer_utf8_decode(l->s + i, l->len - i, &cp);
		chars++;
	}
	return chars;
}

/* The byte column of the character numbered chars (or the line's end). */
size_t
buffer_char_to_byte(const struct buffer *b, size_t line, size_t chars)
{
	const struct buffer_line *l;
	size_t i = 0;
	uint32_t cp;

	if (line >= b->nlines)
		return 0;
	l = &b->lines[line];
	while (i < l->len && chars-- > 0)
		i += buffer_utf8_decode(l->s + i, l->len - i, &cp);
	return i;
}

static size_t
buffer_advance(size_t display, uint32_t cp, int tabwidth)
{
	size_t tw = tabwidth > 0 ? (size_t)tabwidth : 8;

	if (cp == '\t')
		return (display / tw + 1) * tw;
	return display + (size_t)buffer_cp_width(cp);
}

/* The screen column where col starts, tabs expanded to tabwidth. */
size_t
buffer_byte_to_display(const struct buffer *b, size_t line, size_t col,
                       int tabwidth)
{
	const struct buffer_line *l;
	size_t i = 0, display = 0;
	uint32_t cp;

	if (line >= b->nlines)
		return 0;
	l = &b->lines[line];
	if (col > l->len)
		col = l->len;
	while (i < col) {
		i += buffer_utf8_decode(l->s + i, l->len - i, &cp);
		display = buffer_advance(display, cp, tabwidth);
	}
	return display;
}

/* The byte column of the character on screen column display, or of the
 * last one starting before it: where a cursor moving up or down lands. */
size_t
buffer_display_to_byte(const struct buffer *b, size_t line, size_t display,
                       int tabwidth)
{
	const struct buffer_line *l;
	size_t i = 0, d = 0, n, next;
	uint32_t cp;

	if (line >= b->nlines)
		return 0;
	l = &b->lines[line];
	while (i < l->len) {
		n = buffer_utf8_decode(l->s + i, l->len - i, &cp);
		next = buffer_advance(d, cp, tabwidth);
		if (next > display)
			break;
		d = next;
		i += n;
	}
	return i;
}

/* -------------------------------------------------------------------- */
/* Search, brackets, indentation                                         */

static uint32_t
buffer_fold(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 'a' - 'A' : cp;
	return (uint32_t)towlower((wint_t)cp);
}

/* Whether needle matches s at col; *end gets where the match ends. */
static bool
buffer_match_at(const char *s, size_t len, size_t col, const char *needle,
                size_t nlen, bool nocase, size_t *end)
{
	size_t i = col, j = 0, a, c;
	uint32_t x, y;

	if (!nocase) {
		if (len - col < nlen || memcmp(s + col, needle, nlen) != 0)
			return false;
		*end = col + nlen;
		return true;
	}
	while (j < nlen) {
		if (i == len)
			return false;
		a = buffer_utf8_decode(s + i, len - i, &x);
		c = buffer_utf8_decode(needle + j, nlen - j, &y);
		/* Invalid bytes match only themselves. */
		if (x == 0xfffd || y == 0xfffd) {
			if (a != c || memcmp(s + i, needle + j, a) != 0)
				return false;
		} else if (buffer_fold(x) != buffer_fold(y))
			return false;
		i += a;
		j += c;
	}
	*end = i;
	return true;
}

/* The first match in a line starting in [lo, hi], or the last one when
 * last is set; false if none. */
static bool
buffer_line_find(const struct buffer_line *l, size_t lo, size_t hi,
                 const char *needle, size_t nlen, bool nocase, bool last,
                 size_t *start, size_t *end)
{
	size_t col, e;
	bool found = false;

	for (col = lo; col <= hi && col < l->len;) {
		if (buffer_match_at(l->s, l->len, col, needle, nlen, nocase,
		                    &e)) {
			*start = col;
			*end = e;
			found = true;
			if (!last)
				return true;
		}
		col += nocase ? buffer_utf8_decode(l->s + col, l->len - col,
		                                   &(uint32_t){0})
		              : 1;
	}
	return found;
}

/* Finds needle (within a line: a needle with a line break never matches)
 * from a position, wrapping around the document. Forward, the first match
 * starting at or after from; backward, the last starting before it. */
bool
buffer_find(const struct buffer *b, const char *needle, struct buffer_pos from,
            int flags, struct buffer_pos *start, struct buffer_pos *end)
{
	bool back = (flags & BUFFER_FIND_BACKWARD) != 0;
	bool nocase = (flags & BUFFER_FIND_NOCASE) != 0;
	size_t nlen = strlen(needle), i, line, lo, hi, s, e;

	if (nlen == 0 || memchr(needle, '\n', nlen) != NULL)
		return false;
	from = buffer_clamp(b, from);
	for (i = 0; i <= b->nlines; i++) {
		if (back)
			line =
			    (from.line + b->nlines - i % b->nlines) % b->nlines;
		else
			line = (from.line + i) % b->nlines;
		lo = 0;
		hi = SIZE_MAX;
		if (i == 0 && !back)
			lo = from.col;
		else if (i == 0 && back) {
			if (from.col == 0)
				continue;
			hi = from.col - 1;
		} else if (i == b->nlines && !back) {
			if (from.col == 0)
				break;
			hi = from.col - 1;
		} else if (i == b->nlines && back)
			lo = from.col;
		if (buffer_line_find(&b->lines[line], lo, hi, needle, nlen,
		                     nocase, back, &s, &e)) {
			if (start != NULL)
				*start = (struct buffer_pos){line, s};
			if (end != NULL)
				*end = (struct buffer_pos){line, e};
			return true;
		}
	}
	return false;
}

/* The first match in one line starting at or after col: what a view
 * highlights without scanning past the lines it shows. */
bool
buffer_find_in_line(const struct buffer *b, const char *needle, size_t line,
                    size_t col, int flags, size_t *start, size_t *end)
{
	size_t nlen = strlen(needle);

	if (nlen == 0 || line >= b->nlines || memchr(needle, '\n', nlen))
		return false;
	return buffer_line_find(&b->lines[line], col, SIZE_MAX, needle, nlen,
	                        (flags & BUFFER_FIND_NOCASE) != 0, false, start,
	                        end);
}

/* Replaces every match, left to right without overlaps, in one undo step
 * that puts the cursor at the first. Returns how many were replaced. */
size_t
buffer_replace_all(struct buffer *b, const char *needle, const char *with,
                   int flags)
{
	bool nocase = (flags & BUFFER_FIND_NOCASE) != 0;
	size_t nlen = strlen(needle), wlen = strlen(with), count = 0, line;
	size_t col, s, e, first, last;
	struct buffer_pos at, pos;
	struct buffer_group *g;
	struct buf out;

	if (!buffer_find(b, needle, (struct buffer_pos){0, 0},
	                 flags & ~BUFFER_FIND_BACKWARD, &at, NULL))
		return 0;
	buffer_group_begin(b, at);
	g = buffer_top(b);
	buf_init(&out, 0);
	/* Bottom up, so that breaks in the replacement move no line still
	 * to be done. Each line is one deletion and one insertion, of the
	 * span from its first match to the end of its last. */
	for (line = b->nlines; line-- > 0;) {
		const struct buffer_line *l = &b->lines[line];

		buf_reset(&out);
		col = 0;
		first = last = SIZE_MAX;
		while (buffer_line_find(l, col, SIZE_MAX, needle, nlen, nocase,
		                        false, &s, &e)) {
			if (first == SIZE_MAX)
				first = s;
			else
				buf_add(&out, l->s + col, s - col);
			buf_add(&out, with, wlen);
			last = col = e;
			count++;
		}
		if (first == SIZE_MAX)
			continue;
		pos = (struct buffer_pos){line, first};
		buffer_do_delete(b, g, pos, (struct buffer_pos){line, last});
		if (out.len > 0) {
			size_t n = out.len;
			char *t = buffer_prepare(b, pos, out.data, &n);

			buffer_do_insert(b, g, pos, t != NULL ? t : out.data,
			                 n);
			free(t);
		}
	}
	buf_free(&out);
	g->after = at;
	buffer_group_end(b);
	return count;
}

/* Given a position on one of ()[]{}, finds its partner, counting nested
 * pairs of the same kind (strings and comments are not told apart).
 * Brackets are ASCII, never part of a multi-byte sequence, so the scan
 * goes byte by byte. */
bool
buffer_match_bracket(const struct buffer *b, struct buffer_pos p,
                     struct buffer_pos *match)
{
	return buffer_match_bracket_within(b, p, SIZE_MAX, match);
}

/* The same, looking no further than max_lines lines away: a view that
 * asks on every redraw must not scan a whole file for a lone bracket. */
bool
buffer_match_bracket_within(const struct buffer *b, struct buffer_pos p,
                            size_t max_lines, struct buffer_pos *match)
{
	static const char pairs[] = "()[]{}";
	const char *k;
	char self, partner, c;
	size_t line, col;
	long depth = 0;
	bool forward;

	p = buffer_clamp(b, p);
	if (p.col >= b->lines[p.line].len)
		return false;
	self = b->lines[p.line].s[p.col];
	if (self == '\0' || (k = strchr(pairs, self)) == NULL)
		return false;
	forward = (k - pairs) % 2 == 0;
	partner = forward ? k[1] : k[-1];
	line = p.line;
	col = p.col;
	for (;;) {
		c = b->lines[line].s[col];
		if (c == self)
			depth++;
		else if (c == partner && --depth == 0) {
			*match = (struct buffer_pos){line, col};
			return true;
		}
		if (forward) {
			col++;
			while (col >= b->lines[line].len) {
				if (++line == b->nlines ||
				    line - p.line > max_lines)
					return false;
				col = 0;
			}
		} else {
			while (col == 0) {
				if (line == 0 || p.line - line >= max_lines)
					return false;
				col = b->lines[--line].len;
			}
			col--;
		}
	}
}

/* The length of a line's leading blanks (spaces and tabs), which the
 * editor copies to a new line for auto-indent. */
size_t
buffer_indent(const struct buffer *b, size_t line)
{
	const struct buffer_line *l;
	size_t i = 0;

	if (line >= b->nlines)
		return 0;
	l = &b->lines[line];
	while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	return i;
}
