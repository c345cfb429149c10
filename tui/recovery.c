/* Unsaved work survives a crash, a kill or a closed terminal: while the
 * buffer differs from the file, its text is kept (at most a second old)
 * in $XDG_DATA_HOME/forge/recovery/, and the next start offers it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/tui.h"

#define RECOVERY_MAGIC "forge-recovery 1 "

/* The recovery file of a source file (by its absolute path). */
char *
recovery_path(const char *file)
{
	char *abs = realpath(file, NULL), hex[65], *dir, *p;

	if (abs == NULL) {
		/* a new file: its directory exists, the file does not yet */
		char *cwd = getcwd(NULL, 0);
		if (file[0] == '/' || cwd == NULL)
			abs = xstrdup(file);
		else
			abs = util_path_join(cwd, file);
		free(cwd);
	}
	cache_sha256(abs, strlen(abs), hex);
	free(abs);
	dir = util_xdg_path("XDG_DATA_HOME", ".local/share", "forge/recovery");
	hex[24] = '\0';
	xasprintf(&p, "%s/%s", dir, hex);
	free(dir);
	return p;
}

int
recovery_write(const char *rpath, const char *file, const char *text,
               size_t len)
{
	char *dir = xstrdup(rpath), *tmp;
	int fd, r = -1;

	*strrchr(dir, '/') = '\0';
	if (util_mkdir_p(dir, 0700) < 0) {
		free(dir);
		return -1;
	}
	free(dir);
	xasprintf(&tmp, "%s.%d", rpath, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0 &&
	    util_write_all(fd, RECOVERY_MAGIC, strlen(RECOVERY_MAGIC)) == 0 &&
	    util_write_all(fd, file, strlen(file)) == 0 &&
	    util_write_all(fd, "\n", 1) == 0 &&
	    util_write_all(fd, text, len) == 0 && fsync(fd) == 0) {
		close(fd);
		fd = -1;
		r = rename(tmp, rpath);
	}
	if (fd >= 0)
		close(fd);
	if (r < 0)
		unlink(tmp);
	free(tmp);
	return r;
}

/* The kept text, when there is one for this file. */
bool
recovery_read(const char *rpath, struct buf *text)
{
	struct buf b;
	char *nl;

	buf_init(&b, 0);
	if (util_read_file(rpath, &b, 256u << 20) < 0 ||
	    b.len < strlen(RECOVERY_MAGIC) ||
	    memcmp(b.data, RECOVERY_MAGIC, strlen(RECOVERY_MAGIC)) != 0 ||
	    (nl = memchr(b.data, '\n', b.len)) == NULL) {
		buf_free(&b);
		return false;
	}
	nl++;
	buf_add(text, nl, b.len - (size_t)(nl - b.data));
	buf_free(&b);
	return true;
}

void
recovery_remove(const char *rpath)
{
	if (unlink(rpath) < 0 && errno != ENOENT)
		return;
}

/* d at the offer: the work is set aside, not destroyed, as
 * PATH.discarded (one per file: the latest discarded). */
int
recovery_discard(const char *rpath)
{
	char *to;
	int r;

	xasprintf(&to, "%s.discarded", rpath);
	r = rename(rpath, to);
	free(to);
	return r < 0 && errno != ENOENT ? -1 : 0;
}
