/* Small helpers: whole reads and writes retried on EINTR, clocks, paths. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"

ssize_t
util_read_all(int fd, void *p, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, (char *)p + done, n - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

int
util_write_all(int fd, const void *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p = (const char *)p + w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads a whole fd into b; -1 with errno = EFBIG past max bytes. */
int
util_read_fd(int fd, struct buf *b, size_t max)
{
	char tmp[65536];

	for (;;) {
		ssize_t r = read(fd, tmp, sizeof tmp);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		if (max != 0 && b->len + (size_t)r > max) {
			errno = EFBIG;
			return -1;
		}
		buf_add(b, tmp, (size_t)r);
	}
}

/* A regular file only: a FIFO would block the open or the read for
 * ever (no writer), a device may never end; errno EINVAL for those. */
int
util_read_file(const char *path, struct buf *b, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	int r, e;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		st.st_mode = 0;
	if (!S_ISREG(st.st_mode)) {
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		close(fd);
		errno = e;
		return -1;
	}
	r = util_read_fd(fd, b, max);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

uint64_t
util_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t
util_now_ms(void)
{
	return util_now_us() / 1000;
}

int
util_mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	char *s;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

char *
util_path_join(const char *a, const char *b)
{
	char *p;
	size_t n = strlen(a);

	xasprintf(&p, "%s%s%s", a, n > 0 && a[n - 1] == '/' ? "" : "/", b);
	return p;
}

/* Where another of Forge's programs is: beside this one's executable
 * (a build tree, or installed so) when it is there and executable,
 * else in dir (where the package puts it; not checked). */
char *
util_sibling_path(const char *name, const char *dir)
{
	char self[PATH_MAX], *slash, *p;
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			p = util_path_join(*self ? self : "/", name);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	return util_path_join(dir, name);
}

/* $HOME, else the home /etc/passwd gives this user. The file is read
 * rather than asked of glibc's NSS, which would load shared objects into
 * forge, a static program where it can be (and homes from a directory
 * service always come with $HOME set by the login). */
const char *
util_home(void)
{
	static char home[PATH_MAX];
	const char *h = getenv("HOME");
	char line[1024];
	unsigned long uid = (unsigned long)getuid();
	FILE *f;

	if (h != NULL && *h == '/')
		return h;
	if (home[0] == '/')
		return home;
	f = fopen("/etc/passwd", "re");
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		/* name:password:uid:gid:gecos:home:shell */
		char *field[7], *p = line, *end;
		int n;

		line[strcspn(line, "\n")] = '\0';
		for (n = 0; n < 7 && p != NULL; n++) {
			field[n] = p;
			p = strchr(p, ':');
			if (p != NULL)
				*p++ = '\0';
		}
		if (n < 6 || strtoul(field[2], &end, 10) != uid ||
		    end == field[2] || *end != '\0' || field[5][0] != '/')
			continue;
		strlcpy0(home, field[5], sizeof home);
		break;
	}
	if (f != NULL)
		fclose(f);
	return home[0] == '/' ? home : "/";
}

/* rel under $ENV if that is set and absolute, else under ~/fallback (XDG
 * base directory rules). The caller frees. */
char *
util_xdg_path(const char *env, const char *fallback, const char *rel)
{
	const char *v = getenv(env);
	char *base = v != NULL && *v == '/'
	                 ? xstrdup(v)
	                 : util_path_join(util_home(), fallback);
	char *p = util_path_join(base, rel);

	free(base);
	return p;
}

/* Splits on blanks; "double quotes" group words. The caller frees with
 * util_free_words. */
char **
util_split_words(const char *s, size_t *count)
{
	char **v = NULL;
	size_t n = 0;
	struct buf w;

	buf_init(&w, 0);
	for (;;) {
		bool quoted = false, any = false;

		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			break;
		buf_reset(&w);
		while (*s != '\0' && (quoted || !isspace((unsigned char)*s))) {
			if (*s == '"') {
				quoted = !quoted;
				any = true;
			} else
				buf_add(&w, s, 1);
			s++;
		}
		if (w.len > 0 || any) {
			v = xrealloc(v, (n + 2) * sizeof *v);
			v[n++] = xstrdup(buf_cstr(&w));
		}
	}
	buf_free(&w);
	v = xrealloc(v, (n + 1) * sizeof *v);
	v[n] = NULL;
	if (count != NULL)
		*count = n;
	return v;
}

void
util_free_words(char **v)
{
	char **p;

	if (v == NULL)
		return;
	for (p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

/* Looks cmd up in a PATH-like list; an absolute cmd is checked as is. */
bool
util_find_in_path(const char *cmd, const char *path, char *out, size_t size)
{
	const char *p = path;

	if (strchr(cmd, '/') != NULL) {
		strlcpy0(out, cmd, size);
		return access(cmd, X_OK) == 0;
	}
	while (*p != '\0') {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		snprintf(out, size, "%.*s/%s", (int)n, p, cmd);
		if (n > 0 && access(out, X_OK) == 0)
			return true;
		p += n;
		if (*p == ':')
			p++;
	}
	return false;
}

int
util_set_cloexec(int fd, bool on)
{
	int f = fcntl(fd, F_GETFD);

	if (f < 0)
		return -1;
	return fcntl(fd, F_SETFD, on ? f | FD_CLOEXEC : f & ~FD_CLOEXEC);
}

int
util_set_nonblock(int fd, bool on)
{
	int f = fcntl(fd, F_GETFL);

	if (f < 0)
		return -1;
	return fcntl(fd, F_SETFL, on ? f | O_NONBLOCK : f & ~O_NONBLOCK);
}

/* Natural order: runs of digits compare as numbers ("2" < "10"). */
int
util_natural_cmp(const char *a, const char *b)
{
	while (*a != '\0' && *b != '\0') {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			const char *sa, *sb;
			size_t la, lb;

			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			for (sa = a; isdigit((unsigned char)*a); a++)
				;
			for (sb = b; isdigit((unsigned char)*b); b++)
				;
			la = (size_t)(a - sa);
			lb = (size_t)(b - sb);
			if (la != lb)
				return la < lb ? -1 : 1;
			int c = memcmp(sa, sb, la);
			if (c != 0)
				return c;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

/* A copy of data to read from: a memfd at offset 0
 * (the sandbox's stdin given from memory), or -1. */
int
util_memfd(const char *data, size_t len)
{
	int fd = memfd_create("forge-stdin", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (util_write_all(fd, data ? data : "", len) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* base's words then more's, in a new array of borrowed pointers. */
char **
util_argv_concat(char **base, char **more)
{
	size_t n = 0, m = 0;
	char **v;

	while (base[n] != NULL)
		n++;
	while (more != NULL && more[m] != NULL)
		m++;
	v = xcalloc(n + m + 1, sizeof *v);
	memcpy(v, base, n * sizeof *v);
	if (m > 0)
		memcpy(v + n, more, m * sizeof *v);
	return v;
}
