/* forge as a static program (configure: "forge links as a static PIE").
 *
 * SQLite can load extensions with dlopen. forge never enables that, and
 * in a static program a dlopen'ed object would need the very glibc forge
 * was built with (the linker warns of it). The link wraps SQLite's calls
 * to this function: no extension can be loaded into forge, whatever a
 * database asks. */
#include "config.h"

#include <stddef.h>

void *__wrap_dlopen(const char *file, int mode);

void *
__wrap_dlopen(const char *file, int mode)
{
	(void)file;
	(void)mode;
	return NULL;
}
