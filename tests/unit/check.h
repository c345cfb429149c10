/* A minimal unit-test harness: CHECK records a failure and goes on, so
 * one run reports every broken expectation; check_done() gives the exit
 * status automake's test driver reads (0 pass, 1 fail). */
#ifndef FORGE_CHECK_H
#define FORGE_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int check_failures, check_count;

#define CHECK(cond)                                                            \
	do {                                                                   \
		check_count++;                                                 \
		if (!(cond)) {                                                 \
			check_failures++;                                      \
			fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__,         \
			        __LINE__, #cond);                              \
		}                                                              \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *check_a_ = (a), *check_b_ = (b);                   \
		check_count++;                                                 \
		if (check_a_ == NULL || check_b_ == NULL ||                    \
		    strcmp(check_a_, check_b_) != 0) {                         \
			check_failures++;                                      \
			fprintf(stderr,                                        \
			        "%s:%d: FAIL: %s == %s ('%s' vs '%s')\n",      \
			        __FILE__, __LINE__, #a, #b,                    \
			        check_a_ ? check_a_ : "(null)",                \
			        check_b_ ? check_b_ : "(null)");               \
		}                                                              \
	} while (0)

/* A fixture file: text written to path, its directory made first; a
 * file that cannot be written stops the test (nothing after it means
 * anything). */
static inline void
check_write(const char *path, const char *text)
{
	char dir[1024], *slash;
	FILE *f;

	snprintf(dir, sizeof dir, "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		for (char *p = dir + 1; *p != '\0'; p++)
			if (*p == '/') {
				*p = '\0';
				mkdir(dir, 0755);
				*p = '/';
			}
		mkdir(dir, 0755);
	}
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static inline int
check_done(void)
{
	printf("%d checks, %d failed\n", check_count, check_failures);
	return check_failures == 0 ? 0 : 1;
}

#endif
