/* Floods stdout and stderr for ever (64 KiB of 'A' to stdout, 4 KiB of
 * 'B' to stderr, in turn). */
#include <string.h>
#include <unistd.h>

int
main(void)
{
	static char a[65536], b[4096];

	memset(a, 'A', sizeof a);
	memset(b, 'B', sizeof b);
	for (;;) {
		(void)!write(1, a, sizeof a);
		(void)!write(2, b, sizeof b);
	}
}
