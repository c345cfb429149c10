/*
 * Forge's base layer: allocation that never fails, growable buffers, files
 * and paths, JSON written and parsed. It knows nothing of sandboxes: the
 * engine, the history, the CLI and the TUI all build on it, and the TUI's
 * editor uses it without the engine. Prototypes are grouped by the file
 * that defines them.
 */
#ifndef FORGE_BASE_H
#define FORGE_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define FORGE_NORETURN     __attribute__((noreturn))
#define FORGE_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* xmalloc.c */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
int xasprintf(char **, const char *, ...) FORGE_PRINTF(2, 3);
void strlcpy0(char *, const char *, size_t);

static inline void
cleanup_freep(void *p)
{
	extern void free(void *);
	free(*(void **)p);
}
#define cleanup_free __attribute__((cleanup(cleanup_freep)))

/* buf.c: a growable byte buffer, optionally capped */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t limit; /* 0: unlimited; else bytes beyond are dropped */
	bool truncated;
};
void buf_init(struct buf *, size_t limit);
void buf_add(struct buf *, const void *, size_t);
void buf_addstr(struct buf *, const char *);
void buf_printf(struct buf *, const char *, ...) FORGE_PRINTF(2, 3);
char *buf_cstr(struct buf *);
void buf_reset(struct buf *);
void buf_free(struct buf *);
int buf_write(const struct buf *, FILE *);

/* util.c */
ssize_t util_read_all(int, void *, size_t);
int util_write_all(int, const void *, size_t);
int util_read_file(const char *, struct buf *, size_t max);
int util_read_fd(int, struct buf *, size_t max);
uint64_t util_now_ms(void);
uint64_t util_now_us(void);
int util_mkdir_p(const char *, mode_t);
char *util_path_join(const char *, const char *);
char *util_sibling_path(const char *name, const char *dir);
const char *util_home(void);
char *util_xdg_path(const char *env, const char *fallback, const char *rel);
char **util_split_words(const char *, size_t *);
void util_free_words(char **);
bool util_find_in_path(const char *, const char *path, char *out, size_t);
int util_set_cloexec(int, bool);
int util_set_nonblock(int, bool);
int util_natural_cmp(const char *, const char *);
int util_memfd(const char *, size_t);
char **util_argv_concat(char **base, char **more);

/* json.c */
struct json_writer {
	struct buf *out;
	bool comma;
};
void json_escape(struct buf *, const char *, size_t);
bool json_valid_utf8(const char *, size_t);
size_t json_utf8_len(const char *, size_t);
void json_open(struct json_writer *, const char *key, char bracket);
void json_close(struct json_writer *, char bracket);
void json_str(struct json_writer *, const char *key, const char *, size_t);
void json_cstr(struct json_writer *, const char *key, const char *);
void json_int(struct json_writer *, const char *key, long long);
void json_double(struct json_writer *, const char *key, double);
void json_bool(struct json_writer *, const char *key, bool);
void json_null(struct json_writer *, const char *key);
void json_base64(struct buf *, const char *, size_t);
int json_unbase64(struct buf *, const char *, size_t);
void json_output(struct json_writer *, const char *key, const char *, size_t);

/* tar.c: ustar archives in memory. tar_add writes directories and
 * regular files as a lab's package has them; tar_put any entry, with its
 * owner, mode and link (the docker backend's trees). */
#define TAR_BLOCK 512
struct tar_header {
	char name[100], mode[8], uid[8], gid[8], size[12], mtime[12];
	char chksum[8], type, link[100], magic[6], version[2];
	char uname[32], gname[32], devmajor[8], devminor[8], prefix[155];
	char pad[12];
};
struct tar_entry {
	const char *name;
	char type; /* '0' a file, '5' a directory, '2' a symbolic
	              link, '1' a hard link */
	unsigned mode, uid, gid;
	const char *link; /* a link's target ('2') or first name ('1') */
};
int tar_put(struct buf *, const struct tar_entry *, const char *data,
            size_t len);
typedef int tar_fn(const char *name, char type, const char *data, size_t len,
                   void *arg, char *err, size_t errlen);
int tar_add(struct buf *, const char *name, char type, const char *data,
            size_t len);
void tar_end(struct buf *);
int tar_each(const char *, size_t, tar_fn *, void *arg, char *err, size_t);

/* jsonparse.c: strict JSON into a tree. Every accessor takes NULL (a
 * missing member) and answers as for a value of another type. */
enum jsonparse_type {
	JSONPARSE_MISSING, /* jsonparse_type(NULL) */
	JSONPARSE_NULL,
	JSONPARSE_FALSE,
	JSONPARSE_TRUE,
	JSONPARSE_NUMBER,
	JSONPARSE_STRING,
	JSONPARSE_ARRAY,
	JSONPARSE_OBJECT,
};
struct jsonparse_value;
struct jsonparse_error {
	size_t offset;       /* bytes before the problem */
	size_t line, column; /* from 1; columns in characters */
	char msg[96];        /* "expected ',' or '}', found 'x'" */
	char text[160];      /* "line 3, column 7: " and msg */
};
struct jsonparse_value *jsonparse_parse(const char *, size_t,
                                        struct jsonparse_error *);
void jsonparse_free(struct jsonparse_value *root);
enum jsonparse_type jsonparse_type(const struct jsonparse_value *);
bool jsonparse_is(const struct jsonparse_value *, enum jsonparse_type);
const struct jsonparse_value *jsonparse_get(const struct jsonparse_value *,
                                            const char *key);
size_t jsonparse_len(const struct jsonparse_value *);
const struct jsonparse_value *jsonparse_at(const struct jsonparse_value *,
                                           size_t);
const char *jsonparse_key(const struct jsonparse_value *, size_t, size_t *len);
const char *jsonparse_string(const struct jsonparse_value *, size_t *len);
char *jsonparse_strdup(const struct jsonparse_value *, size_t *len);
double jsonparse_number(const struct jsonparse_value *);
bool jsonparse_int(const struct jsonparse_value *, int64_t *);
void jsonparse_output(const struct jsonparse_value *, const char *key,
                      struct buf *);

#endif
