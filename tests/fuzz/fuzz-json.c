/* Fuzz target: engine/jsonparse.c, the strict JSON reader under every
 * document Forge reads (imports, companion files and posts, the server's
 * bodies). A parsed tree is walked whole, so every accessor runs. */
#include "config.h"

#include "engine/engine.h"
#include "tests/fuzz/fuzz.h"

static size_t
fuzz_json_walk(const struct jsonparse_value *v, int depth)
{
	size_t n = 0, i, len;

	if (depth > 10000)
		abort(); /* the parser promises a depth limit far below */
	if (jsonparse_is(v, JSONPARSE_STRING)) {
		char *s = jsonparse_strdup(v, &len);
		n += len;
		free(s);
	}
	n += (size_t)(jsonparse_number(v) != 0);
	for (i = 0; i < jsonparse_len(v); i++)
		n += fuzz_json_walk(jsonparse_at(v, i), depth + 1);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsonparse_error je;
	struct jsonparse_value *root;

	/* exactly size bytes: the reader takes a length, not a string */
	char *copy = malloc(size ? size : 1);
	if (copy == NULL)
		abort();
	if (size > 0)
		memcpy(copy, data, size);
	root = jsonparse_parse(copy, size, &je);
	if (root == NULL && je.text[0] == '\0')
		abort(); /* a refusal always says why */
	fuzz_json_walk(root, 0);
	jsonparse_free(root);
	free(copy);
	return 0;
}
