/* The build cache: compiled programs kept by the hash of everything that
 * decides the build (language, compiler, command, source), so an unchanged
 * program is compiled once. A build lands by an atomic rename, so two
 * forge processes building the same source at once both end up with one
 * complete build. Files coming out of a sandboxed compile are written with
 * openat/O_EXCL/O_NOFOLLOW into a directory forge just created. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sha2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

#define CACHE_NOTE ".forge-build"

char *
cache_dir(void)
{
	return xstrdup(engine_config()->cache_dir);
}

/* A name a compile may hand back: one plain, visible path component. */
bool
cache_name_ok(const char *name)
{
	const char *c;

	if (name[0] == '\0' || name[0] == '.' || strlen(name) > 255)
		return false;
	for (c = name; *c != '\0'; c++)
		if (*c == '/' || (unsigned char)*c < 0x20 || *c == 0x7f)
			return false;
	return true;
}

static void
cache_hash_str(SHA2_CTX *c, const char *s)
{
	SHA256Update(c, (const uint8_t *)(s ? s : ""), strlen(s ? s : "") + 1);
}

static char *cache_subdir(const char *name);

/* The identity of the tool a language's command starts on the backend,
 * without running it: the tool's, and the image's it runs in where the
 * backend has images. */
static bool
cache_tool_id(const struct language *l, const struct backend *be,
              const char *cmd, char *id, size_t len)
{
	size_t n;

	if (!be->tool_id(cmd, id, len))
		return false;
	n = strlen(id);
	if (be->image_id != NULL && n + 2 < len) {
		id[n] = ' ';
		if (!be->image_id(l, id + n + 1, len - n - 1))
			id[n] = '\0';
	}
	return true;
}

static void
cache_hash_tool(SHA2_CTX *c, const struct language *l, const struct backend *be,
                const char *cmd)
{
	char id[4300];

	if (cache_tool_id(l, be, cmd, id, sizeof id))
		cache_hash_str(c, id);
}

void
cache_sha256(const char *p, size_t n, char hex[65])
{
	SHA256Data((const uint8_t *)p, n, hex);
}

/* The toolchain's version line, asked of the toolchain (in the sandbox)
 * only when its binary changed: kept per backend and language in
 * <cache>/toolchains/<backend>-<language>. */
char *
cache_toolchain(const struct language *l, const struct backend *be)
{
	char id[4300], *dir, *path, *tmp, *version = NULL;
	struct buf b;

	if (!cache_tool_id(l, be, l->compile ? l->compile : l->run, id,
	                   sizeof id))
		return NULL;
	dir = cache_subdir("toolchains");
	if (dir == NULL)
		return lang_toolchain_version(l, be);
	xasprintf(&tmp, "%s-%s", be->name, l->id);
	path = util_path_join(dir, tmp);
	free(tmp);
	buf_init(&b, 0);
	if (util_read_file(path, &b, 64 * 1024) == 0) {
		char *nl = strchr(buf_cstr(&b), '\n');
		if (nl != NULL && (size_t)(nl - b.data) == strlen(id) &&
		    strncmp(b.data, id, strlen(id)) == 0) {
			char *end = strchr(nl + 1, '\n');
			version = xstrndup(nl + 1, end ? (size_t)(end - nl - 1)
			                               : strlen(nl + 1));
		}
	}
	buf_free(&b);
	if (version == NULL &&
	    (version = lang_toolchain_version(l, be)) != NULL) {
		int fd;

		xasprintf(&tmp, "%s.%d", path, (int)getpid());
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			struct buf line;
			buf_init(&line, 0);
			buf_printf(&line, "%s\n%s\n", id, version);
			if (util_write_all(fd, line.data, line.len) == 0 &&
			    close(fd) == 0)
				(void)rename(tmp, path);
			else
				unlink(tmp);
			buf_free(&line);
		}
		free(tmp);
	}
	free(path);
	free(dir);
	return version;
}

/* A build's key: the backend and its toolchain, the language's rules,
 * the source and the files compiled along. */
void
cache_key(const struct language *l, const struct backend *be,
          const char *source_name, const char *src, size_t len,
          const struct box_input *extra, size_t nextra, char hex[65])
{
	SHA2_CTX c;
	char **p;
	size_t i;

	SHA256Init(&c);
	cache_hash_str(&c, "forge-build-2");
	cache_hash_str(&c, be->name);
	cache_hash_str(&c, l->id);
	cache_hash_str(&c, l->compile);
	cache_hash_str(&c, source_name);
	for (p = l->artifacts; p != NULL && *p != NULL; p++)
		cache_hash_str(&c, *p);
	if (l->compile != NULL)
		cache_hash_tool(&c, l, be, l->compile);
	SHA256Update(&c, (const uint8_t *)src, len);
	/* files compiled along (a checker's headers) */
	for (i = 0; i < nextra; i++) {
		uint64_t n = extra[i].len;
		cache_hash_str(&c, extra[i].name);
		SHA256Update(&c, (const uint8_t *)&n, sizeof n);
		SHA256Update(&c, (const uint8_t *)extra[i].data, extra[i].len);
	}
	SHA256End(&c, hex);
}

/* <cache>/build/<key> holds finished builds; <cache>/tmp the ones being
 * written, so that finding stale ones never scans every build. */
static char *
cache_subdir(const char *name)
{
	char *dir = cache_dir(), *b = util_path_join(dir, name);

	/* there already (the usual case): no walk up the path */
	if (mkdir(b, 0755) == 0 || errno == EEXIST) {
		free(dir);
		return b;
	}
	if (util_mkdir_p(dir, 0700) < 0 || util_mkdir_p(b, 0755) < 0) {
		free(dir);
		free(b);
		return NULL;
	}
	free(dir);
	return b;
}

static char *
cache_builds(void)
{
	return cache_subdir("build");
}

char *
cache_build_path(const char *key)
{
	char *dir = cache_dir(), *b, *p;

	xasprintf(&b, "%s/build", dir);
	p = util_path_join(b, key);
	free(b);
	free(dir);
	return p;
}

static void cache_remove_tree(int parent, const char *name);

/* As configured (FORGE_CACHE_MAX), else 1G: beyond it the builds used
 * longest ago are removed, so hostile programs cannot fill the disk
 * through the cache. */
static uint64_t
cache_max(void)
{
	uint64_t n = engine_config()->cache_max;

	return n != 0 ? n : 1ULL << 30;
}

struct cache_entry {
	char name[80];
	uint64_t size;
	struct timespec used;
};

static int
cache_entry_cmp(const void *a, const void *b)
{
	const struct cache_entry *x = a, *y = b;

	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
	return x->used.tv_nsec < y->used.tv_nsec   ? -1
	       : x->used.tv_nsec > y->used.tv_nsec ? 1
	                                           : 0;
}

static void
cache_trim(int bfd, const char *keep)
{
	struct cache_entry *v = NULL;
	size_t n = 0, i;
	uint64_t total = 0, max = cache_max();
	DIR *d = fdopendir(dup(bfd));
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		struct dirent *f;
		DIR *sub;
		int fd;

		if (e->d_name[0] == '.' || strlen(e->d_name) >= 80 ||
		    fstatat(bfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		v = xrealloc(v, (n + 1) * sizeof *v);
		strlcpy0(v[n].name, e->d_name, sizeof v[n].name);
		v[n].used = st.st_mtim;
		v[n].size = 0;
		fd = openat(bfd, e->d_name,
		            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 && (sub = fdopendir(fd)) != NULL) {
			while ((f = readdir(sub)) != NULL)
				if (fstatat(fd, f->d_name, &st,
				            AT_SYMLINK_NOFOLLOW) == 0 &&
				    S_ISREG(st.st_mode))
					v[n].size +=
					    (uint64_t)st.st_blocks * 512;
			closedir(sub);
		} else if (fd >= 0)
			close(fd);
		total += v[n].size;
		n++;
	}
	closedir(d);
	if (total > max) {
		qsort(v, n, sizeof *v, cache_entry_cmp);
		for (i = 0; i < n && total > max; i++) {
			if (strcmp(v[i].name, keep) == 0)
				continue;
			cache_remove_tree(bfd, v[i].name);
			total -= v[i].size;
		}
	}
	free(v);
}

int
cache_open(const char *key, int *dirfd)
{
	char *b = cache_builds(), *p;
	int fd;

	if (b == NULL)
		return -1;
	p = util_path_join(b, key);
	fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	free(p);
	free(b);
	if (fd < 0)
		return -1;
	/* the time of last use, for trimming the cache */
	(void)futimens(fd, NULL);
	*dirfd = fd;
	return 0;
}

static void
cache_remove_tree(int parent, const char *name)
{
	int fd = openat(parent, name,
	                O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *e;

	if (fd >= 0 && (d = fdopendir(fd)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 &&
			    strcmp(e->d_name, "..") != 0)
				unlinkat(fd, e->d_name, 0);
		closedir(d);
	} else if (fd >= 0)
		close(fd);
	unlinkat(parent, name, AT_REMOVEDIR);
}

static int
cache_write_at(int dirfd, const char *name, mode_t mode, const char *data,
               size_t len)
{
	int fd =
	    openat(dirfd, name,
	           O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	int r = 0;

	if (fd < 0)
		return -1;
	if (util_write_all(fd, data, len) < 0 || fchmod(fd, mode) < 0)
		r = -1;
	if (close(fd) < 0)
		r = -1;
	return r;
}

static int
cache_open_dir(const char *path)
{
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Writes the files into a fresh directory, then renames it into place. */
static int
cache_commit(const char *key, const struct box_file *files, size_t n,
             const char *note, int *dirfd, char *err, size_t errlen)
{
	char *b = cache_builds(), *t = cache_subdir("tmp"), tmp[128];
	int bfd = -1, tmpfd = -1, tfd, r = -1;
	size_t i;

	if (b != NULL && t != NULL) {
		bfd = cache_open_dir(b);
		tmpfd = cache_open_dir(t);
	}
	free(b);
	free(t);
	if (bfd < 0 || tmpfd < 0) {
		char *dir = cache_dir();

		snprintf(err, errlen, "cannot create the build cache in %s: %s",
		         dir, strerror(errno));
		free(dir);
		if (bfd >= 0)
			close(bfd);
		if (tmpfd >= 0)
			close(tmpfd);
		return -1;
	}
	snprintf(tmp, sizeof tmp, "%d-%.16s", (int)getpid(), key);
	cache_remove_tree(tmpfd, tmp);
	if (mkdirat(tmpfd, tmp, 0755) < 0 ||
	    (tfd = openat(tmpfd, tmp,
	                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) <
	        0) {
		snprintf(err, errlen, "build cache: %s", strerror(errno));
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (!cache_name_ok(files[i].name))
			continue;
		if (cache_write_at(tfd, files[i].name,
		                   (files[i].mode & 0111) ? 0755 : 0644,
		                   files[i].data.data ? files[i].data.data : "",
		                   files[i].data.len) < 0) {
			snprintf(err, errlen,
			         "writing %s to the build cache: %s",
			         files[i].name, strerror(errno));
			goto out;
		}
	}
	if (cache_write_at(tfd, CACHE_NOTE, 0644, note, strlen(note)) < 0) {
		snprintf(err, errlen, "build cache: %s", strerror(errno));
		goto out;
	}
	if (renameat(tmpfd, tmp, bfd, key) < 0) {
		if (errno != EEXIST && errno != ENOTEMPTY) {
			snprintf(err, errlen, "build cache: %s",
			         strerror(errno));
			goto out;
		}
		/* another forge stored the same build first: use it */
		cache_remove_tree(tmpfd, tmp);
		close(tfd);
		tfd = openat(bfd, key,
		             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (tfd < 0) {
			snprintf(err, errlen, "build cache: %s",
			         strerror(errno));
			goto out;
		}
	}
	*dirfd = tfd;
	tfd = -1;
	r = 0;
	cache_trim(bfd, key);
out:
	if (tfd >= 0) {
		close(tfd);
		cache_remove_tree(tmpfd, tmp);
	}
done:
	close(bfd);
	close(tmpfd);
	return r;
}

int
cache_store(const char *key, const struct box_file *files, size_t n,
            const char *compile_output, int *dirfd, char *err, size_t errlen)
{
	return cache_commit(key, files, n, compile_output ? compile_output : "",
	                    dirfd, err, errlen);
}

int
cache_store_source(const char *key, const char *name, const char *src,
                   size_t len, int *dirfd, char *err, size_t errlen)
{
	struct box_file f = {.name = (char *)name, .mode = 0644};

	f.data.data = (char *)src;
	f.data.len = len;
	return cache_commit(key, &f, 1, "", dirfd, err, errlen);
}

/* The compiler's messages (warnings) stored with a build. */
char *
cache_read_note(int dirfd)
{
	int fd = openat(dirfd, CACHE_NOTE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct buf b;

	buf_init(&b, 0);
	if (fd >= 0) {
		(void)util_read_fd(fd, &b, 1 << 20);
		close(fd);
	}
	return buf_cstr(&b);
}

/* Half-written builds of forge processes that died. */
void
cache_cleanup_stale(void)
{
	char *t = cache_subdir("tmp");
	struct stat st;
	int tfd;
	DIR *d;
	struct dirent *e;

	if (t == NULL)
		return;
	tfd = cache_open_dir(t);
	free(t);
	/* each build in progress is a directory: a link count of 2 says
	 * there is none, dead or alive, without reading the directory
	 * (file systems that do not count subdirectories say 1) */
	if (tfd >= 0 && fstat(tfd, &st) == 0 && st.st_nlink == 2) {
		close(tfd);
		return;
	}
	if (tfd < 0 || (d = fdopendir(dup(tfd))) == NULL) {
		if (tfd >= 0)
			close(tfd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		int pid;

		if (sscanf(e->d_name, "%d-", &pid) == 1 && pid != getpid() &&
		    kill(pid, 0) < 0 && errno == ESRCH)
			cache_remove_tree(tfd, e->d_name);
	}
	closedir(d);
	close(tfd);
}
