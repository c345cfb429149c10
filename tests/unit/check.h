/* A minimal unit-test harness: CHECK records a failure and goes on, so
 * one run reports every broken expectation; check_done() gives the exit
 * status automake's test driver reads (0 pass, 1 fail). */
#ifndef FORGE_CHECK_H
#define FORGE_CHECK_H

#include <stdio.h>
#include <string.h>

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

static inline int
check_done(void)
{
	printf("%d checks, %d failed\n", check_count, check_failures);
	return check_failures == 0 ? 0 : 1;
}

#endif
