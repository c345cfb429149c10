/* The language files' index: what `forge run FILE` needs of each file
 * (its id and extensions) kept in the cache with each file's and each
 * directory's stat, so that a run whose files have not changed reads
 * one small file instead of all of them. Private to lang.c. */
#ifndef FORGE_LANG_INDEX_H
#define FORGE_LANG_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What says a file or directory changed; all -1: it does not exist. */
struct lang_stamp {
	int64_t dev, ino, size, mtime_ns, ctime_ns;
};

struct lang_index_entry {
	char *path;
	struct lang_stamp st;
	char *id;
	char **exts;
};

struct lang_index {
	struct lang_stamp dirs[2]; /* the system's, the user's */
	struct lang_index_entry *e;
	size_t n;
};

/* 0, or -1 when path cannot be stat'ed for another reason than not
 * being there (st is then unusable). */
int lang_stamp_get(const char *path, struct lang_stamp *st);
/* Unchanged for the last seconds (or not there): fit for the index. A
 * change in the same tick of the clock would not show in its stat. */
bool lang_stamp_settled(const struct lang_stamp *st);
/* ix from the cache, when every directory and file still has the stat
 * it was indexed with (then true; lang_index_free after). */
bool lang_index_load(const char *const dirs[2], struct lang_index *ix);
/* Replaces the cache's index with ix (best effort); ix->dirs must be
 * settled (lang_stamp_settled). */
void lang_index_save(const char *const dirs[2], const struct lang_index *ix);
/* A file's entry: false (none added) when st is not settled or the
 * strings cannot stand in the index as they are. */
bool lang_index_add(struct lang_index *ix, const char *path,
                    const struct lang_stamp *st, const char *id,
                    char *const *exts);
void lang_index_free(struct lang_index *ix);

#endif
