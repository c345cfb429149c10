/* Tar archives in memory: what goes into a container (PUT archive) and
 * what comes back (GET archive). The daemon's archive API is the only way
 * files cross: no host path the program could see is ever bound, and the
 * host never follows a path the program could have planted (an archive
 * from the container is read as bytes; only its regular files are kept,
 * by name, and the caller decides where they go). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/docker/docker.h"

/* One entry: a regular file ('0'), a directory ('5') or a symbolic link
 * ('2'), with its owner and mode. Names longer than ustar allows are
 * refused. */
int
docker_tar_add(struct buf *b, const char *name, char type, mode_t mode,
               uid_t uid, gid_t gid, const char *data, size_t len,
               const char *link)
{
	struct tar_entry e = {name,          type,          (unsigned)mode,
	                      (unsigned)uid, (unsigned)gid, link};

	return tar_put(b, &e, data, len);
}

static unsigned long long
docker_tar_number(const char *f, size_t len)
{
	unsigned long long v = 0;
	size_t i = 0;

	while (i < len && f[i] == ' ')
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++)
		v = v * 8 + (unsigned long long)(f[i] - '0');
	return v;
}

/* A PAX header's value for key ("path=", "linkpath="), if it has one. */
static char *
docker_tar_pax(const char *p, size_t len, const char *key)
{
	size_t off = 0;

	while (off < len) {
		char *end;
		unsigned long n = strtoul(p + off, &end, 10);
		const char *kv = end + 1;

		if (n == 0 || off + n > len || end >= p + off + n)
			return NULL;
		if (strncmp(kv, key, strlen(key)) == 0)
			return xstrndup(
			    kv + strlen(key),
			    (size_t)(p + off + n - 1 - (kv + strlen(key))));
		off += n;
	}
	return NULL;
}

/* Calls fn for each entry of an archive; -1 when it is malformed. */
int
docker_tar_each(const char *p, size_t len, docker_tar_fn fn, void *arg)
{
	size_t off = 0;
	char *long_name = NULL, *long_link = NULL;

	while (off + TAR_BLOCK <= len) {
		const struct tar_header *h = (const void *)(p + off);
		unsigned long long size;
		char name[300], link[300];

		if (h->name[0] == '\0')
			break; /* the end's zero blocks */
		size = docker_tar_number(h->size, sizeof h->size);
		off += TAR_BLOCK;
		if (size > len - off) {
			free(long_name);
			free(long_link);
			return -1;
		}
		if (h->type == 'L' || h->type == 'K' || h->type == 'x') {
			char **to = h->type == 'K' ? &long_link : &long_name;

			free(*to);
			*to = h->type != 'x'
			          ? xstrndup(p + off, (size_t)size)
			          : docker_tar_pax(p + off, (size_t)size,
			                           "path=");
			if (h->type == 'x') {
				free(long_link);
				long_link = docker_tar_pax(
				    p + off, (size_t)size, "linkpath=");
			}
		} else if (h->type != 'g') {
			if (long_name != NULL)
				snprintf(name, sizeof name, "%s", long_name);
			else if (h->prefix[0] != '\0')
				snprintf(name, sizeof name, "%.155s/%.100s",
				         h->prefix, h->name);
			else
				snprintf(name, sizeof name, "%.100s", h->name);
			if (long_link != NULL)
				snprintf(link, sizeof link, "%s", long_link);
			else
				snprintf(link, sizeof link, "%.100s", h->link);
			free(long_name);
			free(long_link);
			long_name = long_link = NULL;
			fn(name, h->type == '\0' ? '0' : h->type,
			   (mode_t)docker_tar_number(h->mode, sizeof h->mode),
			   link, p + off, (size_t)size, arg);
		}
		off += (size_t)((size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK);
	}
	free(long_name);
	free(long_link);
	return 0;
}

/* The files of a tree put in an archive that have more names than one:
 * a later name of one goes in as a hard link to its first. */
struct docker_tar_links {
	struct docker_tar_link {
		dev_t dev;
		ino_t ino;
		char *name;
	} * v;
	size_t n;
};

/* A regular file of the tree, entry in dirfd, as name: its content, or
 * a hard link to the name its content went in under. */
static int
docker_tar_file(struct buf *b, int dirfd, const char *entry, const char *name,
                const struct stat *st, uid_t uid, gid_t gid,
                struct docker_tar_links *links, char *err, size_t len)
{
	struct buf data;
	int f, ret = 0;
	size_t i;

	if (st->st_nlink > 1) {
		for (i = 0; i < links->n; i++)
			if (links->v[i].dev == st->st_dev &&
			    links->v[i].ino == st->st_ino)
				break;
		/* (a first name too long for the link field: a copy) */
		if (i < links->n &&
		    docker_tar_add(b, name, '1', st->st_mode, uid, gid, NULL, 0,
		                   links->v[i].name) == 0)
			return 0;
		if (i == links->n) {
			links->v = xrealloc(links->v,
			                    (links->n + 1) * sizeof *links->v);
			links->v[links->n++] = (struct docker_tar_link){
			    st->st_dev, st->st_ino, xstrdup(name)};
		}
	}
	f = openat(dirfd, entry, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	buf_init(&data, 0);
	if (f < 0 || util_read_fd(f, &data, 0) < 0) {
		snprintf(err, len, "reading %s: %s", name, strerror(errno));
		ret = -1;
	} else if (docker_tar_add(b, name, '0', st->st_mode, uid, gid,
	                          data.data, data.len, NULL) < 0) {
		snprintf(err, len, "%s: a name too long", name);
		ret = -1;
	}
	if (f >= 0)
		close(f);
	buf_free(&data);
	return ret;
}

static int
docker_tar_dir(struct buf *b, int dirfd, const char *prefix, uid_t uid,
               gid_t gid, int depth, struct docker_tar_links *links, char *err,
               size_t len)
{
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	int ret = 0;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		snprintf(err, len, "reading %s: %s", prefix, strerror(errno));
		return -1;
	}
	while (ret == 0 && (e = readdir(d)) != NULL) {
		struct stat st;
		char *name;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		xasprintf(&name, "%s/%s", prefix, e->d_name);
		if (S_ISREG(st.st_mode)) {
			ret = docker_tar_file(b, dirfd, e->d_name, name, &st,
			                      uid, gid, links, err, len);
		} else if (S_ISLNK(st.st_mode)) {
			char target[101];
			ssize_t n = readlinkat(dirfd, e->d_name, target,
			                       sizeof target - 1);

			if (n > 0) {
				target[n] = '\0';
				docker_tar_add(b, name, '2', 0777, uid, gid,
				               NULL, 0, target);
			}
		} else if (S_ISDIR(st.st_mode) && depth > 0) {
			int sub = openat(dirfd, e->d_name,
			                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			                     O_CLOEXEC);

			if (sub < 0 ||
			    docker_tar_add(b, name, '5', st.st_mode, uid, gid,
			                   NULL, 0, NULL) < 0) {
				snprintf(err, len, "reading %s: %s", name,
				         strerror(errno));
				ret = -1;
			} else
				ret =
				    docker_tar_dir(b, sub, name, uid, gid,
				                   depth - 1, links, err, len);
			if (sub >= 0)
				close(sub);
		}
		free(name);
	}
	closedir(d);
	return ret;
}

/* A tree read through dirfd, nothing followed: the build directories
 * of Forge's cache, put at /prog. Files with two names in it keep them
 * as hard links. */
int
docker_tar_add_dir(struct buf *b, int dirfd, const char *prefix, uid_t uid,
                   gid_t gid, int depth, char *err, size_t len)
{
	struct docker_tar_links links = {NULL, 0};
	int ret =
	    docker_tar_dir(b, dirfd, prefix, uid, gid, depth, &links, err, len);

	for (size_t i = 0; i < links.n; i++)
		free(links.v[i].name);
	free(links.v);
	return ret;
}
