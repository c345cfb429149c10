/* What every fuzz harness shares. Each harness is one libFuzzer target
 * (LLVMFuzzerTestOneInput) over one of Forge's parsers, built with clang,
 * ASan and UBSan by tests/fuzz/fuzz.mk; see tests/fuzz/run.sh. */
#ifndef FORGE_FUZZ_H
#define FORGE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The input as Forge's readers hand it on: exactly size bytes, then a
 * NUL (buf_cstr), in a block of its own so that ASan sees a read past
 * it. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
