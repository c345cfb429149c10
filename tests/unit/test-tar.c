/* base/tar.c: what tar_add writes, tar_each reads back (names, types,
 * bytes, a name long enough for ustar's prefix); GNU tar and Python's
 * tarfile read it too (tests/e2e/lab.sh's uploads); a name too long for
 * ustar is refused; a damaged or cut archive is refused with a message,
 * never read past its end; tar_put's owners, modes and links. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "tests/unit/check.h"

struct seen {
	char names[8][300];
	char types[8];
	size_t lens[8];
	char first_byte[8];
	int n;
	int refuse_at; /* -1: none */
};

static int
entry(const char *name, char type, const char *data, size_t len, void *arg,
      char *err, size_t errlen)
{
	struct seen *s = arg;

	if (s->n == s->refuse_at) {
		snprintf(err, errlen, "refused '%s'", name);
		return -1;
	}
	if (s->n < 8) {
		snprintf(s->names[s->n], sizeof s->names[0], "%s", name);
		s->types[s->n] = type;
		s->lens[s->n] = len;
		s->first_byte[s->n] = len ? data[0] : 0;
	}
	s->n++;
	return 0;
}

int
main(void)
{
	char longname[260], toolong[400], err[256];
	struct seen s = {.refuse_at = -1};
	struct buf b;

	memset(longname, 'a', 150);
	strcpy(longname + 150, "/");
	memset(longname + 151, 'b', 90);
	longname[241] = '\0';
	memset(toolong, 'c', 300);
	toolong[300] = '\0';

	buf_init(&b, 0);
	CHECK(tar_add(&b, "data", '5', NULL, 0) == 0);
	CHECK(tar_add(&b, "data/1.in", '0', "1 2\n", 4) == 0);
	CHECK(tar_add(&b, longname, '0', "x", 1) == 0);
	CHECK(tar_add(&b, "empty", '0', "", 0) == 0);
	CHECK(tar_add(&b, toolong, '0', "x", 1) < 0);
	tar_end(&b);
	CHECK(b.len % 512 == 0);

	CHECK(tar_each(b.data, b.len, entry, &s, err, sizeof err) == 0);
	CHECK(s.n == 4);
	CHECK_STR(s.names[0], "data");
	CHECK(s.types[0] == '5' && s.lens[0] == 0);
	CHECK_STR(s.names[1], "data/1.in");
	CHECK(s.types[1] == '0' && s.lens[1] == 4 && s.first_byte[1] == '1');
	CHECK_STR(s.names[2], longname);
	CHECK(s.lens[2] == 1 && s.first_byte[2] == 'x');
	CHECK_STR(s.names[3], "empty");
	CHECK(s.lens[3] == 0);

	/* the callback's refusal stops the walk with its message */
	memset(&s, 0, sizeof s);
	s.refuse_at = 1;
	err[0] = '\0';
	CHECK(tar_each(b.data, b.len, entry, &s, err, sizeof err) < 0);
	CHECK_STR(err, "refused 'data/1.in'");

	/* cut short: inside a file's data, then before the end blocks */
	memset(&s, 0, sizeof s);
	s.refuse_at = -1;
	err[0] = '\0';
	CHECK(tar_each(b.data, 512 + 512 + 100, entry, &s, err, sizeof err) <
	      0);
	CHECK(err[0] != '\0');
	memset(&s, 0, sizeof s);
	s.refuse_at = -1;
	CHECK(tar_each(b.data, 512, entry, &s, err, sizeof err) < 0);
	CHECK(strstr(err, "ends before") != NULL);

	/* a header whose checksum is wrong */
	b.data[512 + 10] ^= 1;
	memset(&s, 0, sizeof s);
	s.refuse_at = -1;
	CHECK(tar_each(b.data, b.len, entry, &s, err, sizeof err) < 0);
	CHECK(strstr(err, "not a tar archive") != NULL);
	CHECK(s.n == 1); /* the directory before it was read */

	/* not an archive at all */
	CHECK(tar_each("hello", 5, entry, &s, err, sizeof err) < 0);
	buf_free(&b);

	/* tar_put: an owner, a mode and a symbolic link, as the docker
	 * backend writes them; the header's fields as tar(1) reads them */
	{
		struct tar_entry dir = {"tmp", '5', 01777, 0, 0, NULL},
		                 lnk = {"lib64", '2', 0777, 0, 0, "usr/lib64"},
		                 own = {"work/a", '0', 0600, 1000, 1000, NULL},
		                 bad = {"x", '2', 0777, 0, 0, toolong};
		const struct tar_header *h;

		buf_init(&b, 0);
		CHECK(tar_put(&b, &dir, NULL, 0) == 0);
		CHECK(tar_put(&b, &lnk, NULL, 0) == 0);
		CHECK(tar_put(&b, &own, "hi", 2) == 0);
		CHECK(tar_put(&b, &bad, NULL, 0) < 0);
		tar_end(&b);
		h = (const void *)b.data;
		CHECK_STR(h->mode, "0001777");
		h = (const void *)(b.data + TAR_BLOCK);
		CHECK(h->type == '2');
		CHECK_STR(h->link, "usr/lib64");
		h = (const void *)(b.data + 2 * TAR_BLOCK);
		CHECK_STR(h->uid, "0001750");
		CHECK_STR(h->gid, "0001750");
		CHECK_STR(h->mode, "0000600");
		memset(&s, 0, sizeof s);
		s.refuse_at = -1;
		CHECK(tar_each(b.data, b.len, entry, &s, err, sizeof err) == 0);
		CHECK(s.n == 3 && s.types[1] == '2' && s.lens[2] == 2);
		buf_free(&b);
	}
	return check_done();
}
