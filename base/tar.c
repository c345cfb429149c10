/* Tar archives (ustar) in memory, for what crosses a boundary as a tree
 * of files: a lab problem's package, from forge lab add to the server
 * (tar_add, tar_each), and what the docker backend puts into a container
 * (tar_put, with owners, modes, symbolic and hard links). tar_each reads
 * strictly: anything but a plain entry (links, devices, long-name
 * extensions) is handed over as its type for the caller to refuse. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static unsigned
tar_sum(const struct tar_header *h)
{
	const unsigned char *p = (const unsigned char *)h;
	unsigned sum = 0;

	for (size_t i = 0; i < sizeof *h; i++)
		sum += i >= offsetof(struct tar_header, chksum) &&
		               i < offsetof(struct tar_header, chksum) + 8
		           ? ' '
		           : p[i];
	return sum;
}

/* One entry as e says. -1 when its name does not fit ustar's 100 + 155
 * bytes or its link the 100 of its field. */
int
tar_put(struct buf *b, const struct tar_entry *e, const char *data, size_t len)
{
	static const char zeros[TAR_BLOCK];
	struct tar_header h;
	size_t n = strlen(e->name);

	memset(&h, 0, sizeof h);
	if (n <= sizeof h.name)
		memcpy(h.name, e->name, n);
	else {
		const char *cut = strchr(e->name + n - sizeof h.name - 1, '/');

		if (cut == NULL || (size_t)(cut - e->name) > sizeof h.prefix ||
		    strlen(cut + 1) > sizeof h.name)
			return -1;
		memcpy(h.prefix, e->name, (size_t)(cut - e->name));
		memcpy(h.name, cut + 1, strlen(cut + 1));
	}
	if (e->link != NULL) {
		if (strlen(e->link) > sizeof h.link)
			return -1;
		memcpy(h.link, e->link, strlen(e->link));
	}
	if (e->type != '0')
		len = 0;
	snprintf(h.mode, sizeof h.mode, "%07o", e->mode & 07777);
	snprintf(h.uid, sizeof h.uid, "%07o", e->uid & 07777777);
	snprintf(h.gid, sizeof h.gid, "%07o", e->gid & 07777777);
	snprintf(h.size, sizeof h.size, "%011llo", (unsigned long long)len);
	snprintf(h.mtime, sizeof h.mtime, "%011o", 0);
	h.type = e->type;
	memcpy(h.magic, "ustar", 6);
	memcpy(h.version, "00", 2);
	snprintf(h.chksum, sizeof h.chksum, "%06o", tar_sum(&h));
	buf_add(b, &h, sizeof h);
	if (len > 0) {
		buf_add(b, data, len);
		buf_add(b, zeros, (TAR_BLOCK - len % TAR_BLOCK) % TAR_BLOCK);
	}
	return 0;
}

/* A regular file ('0') or a directory ('5'), mode 0644 or 0755, owned by
 * nobody in particular: a lab's package. -1 as for tar_put. */
int
tar_add(struct buf *b, const char *name, char type, const char *data,
        size_t len)
{
	struct tar_entry e = {name, type, type == '5' ? 0755 : 0644,
	                      0,    0,    NULL};

	return tar_put(b, &e, data, len);
}

void
tar_end(struct buf *b)
{
	static const char zeros[2 * TAR_BLOCK];

	buf_add(b, zeros, sizeof zeros);
}

/* An octal field; -1 when it holds anything else. */
static long long
tar_number(const char *f, size_t len)
{
	long long v = 0;
	size_t i = 0;

	while (i < len && f[i] == ' ')
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v > (1LL << 50))
			return -1;
		v = v * 8 + (f[i] - '0');
	}
	for (; i < len && (f[i] == ' ' || f[i] == '\0'); i++)
		;
	return i == len ? v : -1;
}

/* Calls fn for each entry (its name, its type as the header says, '0'
 * for an old '\0', its data); stops at the first fn that returns -1.
 * 0 at the end; -1 with err said when the archive is malformed or fn
 * refused. */
int
tar_each(const char *p, size_t len, tar_fn fn, void *arg, char *err,
         size_t errlen)
{
	size_t off = 0;

	while (off + TAR_BLOCK <= len) {
		const struct tar_header *h = (const void *)(p + off);
		long long size, sum;
		char name[300];

		if (h->name[0] == '\0')
			return 0; /* the end's zero blocks */
		size = tar_number(h->size, sizeof h->size);
		sum = tar_number(h->chksum, sizeof h->chksum);
		off += TAR_BLOCK;
		if (size < 0 || sum != (long long)tar_sum(h) ||
		    (unsigned long long)size > len - off) {
			snprintf(err, errlen,
			         "not a tar archive, or a damaged one (at "
			         "byte %zu)",
			         off - TAR_BLOCK);
			return -1;
		}
		if (h->prefix[0] != '\0' && memcmp(h->magic, "ustar", 6) == 0)
			snprintf(name, sizeof name, "%.155s/%.100s", h->prefix,
			         h->name);
		else
			snprintf(name, sizeof name, "%.100s", h->name);
		if (fn(name, h->type == '\0' ? '0' : h->type, p + off,
		       (size_t)size, arg, err, errlen) < 0)
			return -1;
		off += (size_t)(size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
	}
	snprintf(err, errlen, "the tar archive ends before its end blocks");
	return -1;
}
