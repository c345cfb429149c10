/* Fuzz target: tar archives as forge serve reads a lab problem's upload
 * (base/tar.c's tar_each): every entry handed over must lie inside the
 * archive, its name be a NUL-ended string, and a damaged archive be
 * refused with a message, never read past its end. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "tests/fuzz/fuzz.h"

struct fuzz_tar {
	const char *start, *end;
	unsigned sum;
};

static int
fuzz_tar_entry(const char *name, char type, const char *data, size_t len,
               void *arg, char *err, size_t errlen)
{
	struct fuzz_tar *f = arg;

	if (strlen(name) >= 300)
		abort();
	if (len > 0 && (data < f->start || data + len > f->end))
		abort();
	/* every byte read: ASan sees a read past the end */
	for (size_t i = 0; i < len; i++)
		f->sum += (unsigned char)data[i];
	f->sum += (unsigned char)type;
	/* an entry refused stops the walk, as an upload's first bad one does */
	if (type == '2') {
		snprintf(err, errlen, "a link");
		return -1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1), err[256] = "";
	struct fuzz_tar f = {copy, copy + size, 0};

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (tar_each(copy, size, fuzz_tar_entry, &f, err, sizeof err) < 0 &&
	    err[0] == '\0')
		abort(); /* a refusal says why */
	free(copy);
	return 0;
}
