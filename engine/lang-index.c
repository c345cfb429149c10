/* The language files' index (see lang-index.h). It is a cache: when
 * anything in it does not match the files as they are, it is not used,
 * and the next run that reads the files writes it anew. Its text:
 *
 *   forge-lang-index 1
 *   D <TAB> directory <TAB> stamp            (the system's, the user's)
 *   F <TAB> file <TAB> stamp <TAB> id <TAB> extension extension ...
 *
 * where a stamp is "dev ino size mtime_ns ctime_ns". A directory's
 * stamp changes when a file is added to it, removed or renamed; a
 * file's when it is written. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "lang-index.h"

#define LANG_INDEX_MAGIC "forge-lang-index 1"
#define LANG_INDEX_NAME  "languages.index"
/* a change this recent may share its clock tick with the next one */
#define LANG_INDEX_SETTLE_S 2

int
lang_stamp_get(const char *path, struct lang_stamp *st)
{
	struct stat s;

	if (stat(path, &s) < 0) {
		*st = (struct lang_stamp){-1, -1, -1, -1, -1};
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	}
	st->dev = (int64_t)s.st_dev;
	st->ino = (int64_t)s.st_ino;
	st->size = (int64_t)s.st_size;
	st->mtime_ns =
	    (int64_t)s.st_mtim.tv_sec * 1000000000 + s.st_mtim.tv_nsec;
	st->ctime_ns =
	    (int64_t)s.st_ctim.tv_sec * 1000000000 + s.st_ctim.tv_nsec;
	return 0;
}

static bool
lang_stamp_same(const struct lang_stamp *a, const struct lang_stamp *b)
{
	return memcmp(a, b, sizeof *a) == 0;
}

static char *
lang_index_path(void)
{
	return util_path_join(engine_config()->cache_dir, LANG_INDEX_NAME);
}

/* Can s stand in a field of the index as it is, and read back the
 * same? A word (an id, an extension) as util_split_words reads it. */
static bool
lang_index_plain(const char *s, bool word)
{
	if (word && *s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s == '\t' || *s == '\n' || *s == '\r' ||
		    (word && (isspace((unsigned char)*s) || *s == '"')))
			return false;
	return true;
}

bool
lang_stamp_settled(const struct lang_stamp *st)
{
	int64_t settle = (int64_t)LANG_INDEX_SETTLE_S * 1000000000, now;
	struct timespec ts;

	if (st->ino < 0)
		return true;
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	return st->mtime_ns + settle < now && st->ctime_ns + settle < now;
}

bool
lang_index_add(struct lang_index *ix, const char *path,
               const struct lang_stamp *st, const char *id, char *const *exts)
{
	struct lang_index_entry *e;
	size_t n = 0;

	if (!lang_stamp_settled(st) || !lang_index_plain(path, false) ||
	    !lang_index_plain(id, true))
		return false;
	for (n = 0; exts[n] != NULL; n++)
		if (!lang_index_plain(exts[n], true))
			return false;
	ix->e = xrealloc(ix->e, (ix->n + 1) * sizeof *ix->e);
	e = &ix->e[ix->n++];
	e->path = xstrdup(path);
	e->st = *st;
	e->id = xstrdup(id);
	e->exts = xcalloc(n + 1, sizeof *e->exts);
	for (n = 0; exts[n] != NULL; n++)
		e->exts[n] = xstrdup(exts[n]);
	return true;
}

void
lang_index_free(struct lang_index *ix)
{
	for (size_t i = 0; i < ix->n; i++) {
		free(ix->e[i].path);
		free(ix->e[i].id);
		util_free_words(ix->e[i].exts);
	}
	free(ix->e);
	memset(ix, 0, sizeof *ix);
}

static bool
lang_stamp_parse(const char *s, struct lang_stamp *st)
{
	int64_t *v[] = {&st->dev, &st->ino, &st->size, &st->mtime_ns,
	                &st->ctime_ns};

	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		char *end;

		if (i > 0 && *s++ != ' ')
			return false;
		if (*s != '-' && (*s < '0' || *s > '9'))
			return false;
		errno = 0;
		*v[i] = strtoll(s, &end, 10);
		if (errno != 0 || end == s)
			return false;
		s = end;
	}
	return *s == '\0';
}

/* The fields of one line, split at tabs in place; how many. */
static size_t
lang_index_fields(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (line == NULL)
			break;
		*line++ = '\0';
	}
	return line == NULL ? n : max + 1;
}

bool
lang_index_load(const char *const dirs[2], struct lang_index *ix)
{
	char *path = lang_index_path(), *line, *next;
	struct buf text;
	size_t ndirs = 0;
	bool ok = false;

	memset(ix, 0, sizeof *ix);
	buf_init(&text, 0);
	if (util_read_file(path, &text, 1 << 20) < 0)
		goto out;
	line = (char *)buf_cstr(&text);
	next = strchr(line, '\n');
	if (next == NULL)
		goto out;
	*next++ = '\0';
	if (strcmp(line, LANG_INDEX_MAGIC) != 0)
		goto out;
	for (line = next; *line != '\0'; line = next) {
		char *f[5];
		size_t nf;
		struct lang_stamp now, then;

		next = strchr(line, '\n');
		if (next == NULL)
			goto out; /* cut short */
		*next++ = '\0';
		nf = lang_index_fields(line, f, 5);
		if (nf < 3 || !lang_stamp_parse(f[2], &then) ||
		    lang_stamp_get(f[1], &now) < 0 ||
		    !lang_stamp_same(&now, &then))
			goto out;
		if (strcmp(f[0], "D") == 0 && nf == 3 && ndirs < 2 &&
		    strcmp(f[1], dirs[ndirs]) == 0) {
			ix->dirs[ndirs++] = then;
		} else if (strcmp(f[0], "F") == 0 && nf == 5 && ndirs == 2 &&
		           now.ino >= 0 && *f[3] != '\0') {
			size_t k;
			char **exts = util_split_words(f[4], &k);

			bool added = k > 0 && lang_index_add(ix, f[1], &then,
			                                     f[3], exts);

			util_free_words(exts);
			if (!added)
				goto out;
		} else
			goto out;
	}
	ok = ndirs == 2;
out:
	if (!ok)
		lang_index_free(ix);
	buf_free(&text);
	free(path);
	return ok;
}

void
lang_index_save(const char *const dirs[2], const struct lang_index *ix)
{
	struct buf b;
	char *path, *tmp;
	int fd;

	for (int d = 0; d < 2; d++)
		if (!lang_index_plain(dirs[d], false))
			return;
	buf_init(&b, 0);
	buf_printf(&b, "%s\n", LANG_INDEX_MAGIC);
	for (int d = 0; d < 2; d++) {
		const struct lang_stamp *s = &ix->dirs[d];

		buf_printf(&b,
		           "D\t%s\t%" PRId64 " %" PRId64 " %" PRId64 " %" PRId64
		           " %" PRId64 "\n",
		           dirs[d], s->dev, s->ino, s->size, s->mtime_ns,
		           s->ctime_ns);
	}
	for (size_t i = 0; i < ix->n; i++) {
		const struct lang_index_entry *e = &ix->e[i];
		const struct lang_stamp *s = &e->st;

		buf_printf(&b,
		           "F\t%s\t%" PRId64 " %" PRId64 " %" PRId64 " %" PRId64
		           " %" PRId64 "\t%s\t",
		           e->path, s->dev, s->ino, s->size, s->mtime_ns,
		           s->ctime_ns, e->id);
		for (char **x = e->exts; *x != NULL; x++)
			buf_printf(&b, "%s%s", x == e->exts ? "" : " ", *x);
		buf_add(&b, "\n", 1);
	}
	/* whole or not at all: written aside, then renamed over */
	path = lang_index_path();
	xasprintf(&tmp, "%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd >= 0) {
		bool ok = util_write_all(fd, b.data, b.len) == 0;

		if (close(fd) < 0)
			ok = false;
		if (!ok || rename(tmp, path) < 0)
			(void)unlink(tmp);
	}
	free(tmp);
	free(path);
	buf_free(&b);
}
