/* Buffers, word splitting, natural order, the home directory. */
#include "config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "tests/unit/check.h"

int
main(void)
{
	struct buf b;
	char **w;
	size_t n;

	buf_init(&b, 5);
	buf_addstr(&b, "abc");
	CHECK(!b.truncated && b.len == 3);
	buf_addstr(&b, "defg");
	CHECK(b.truncated && b.len == 5);
	CHECK_STR(buf_cstr(&b), "abcde");
	buf_free(&b);

	w = util_split_words("  gcc -O2  \"a b\" -o main ", &n);
	CHECK(n == 5);
	CHECK_STR(w[0], "gcc");
	CHECK_STR(w[2], "a b");
	CHECK_STR(w[4], "main");
	CHECK(w[5] == NULL);
	util_free_words(w);
	w = util_split_words("", &n);
	CHECK(n == 0 && w[0] == NULL);
	util_free_words(w);

	CHECK(util_natural_cmp("2", "10") < 0);
	CHECK(util_natural_cmp("test2.in", "test10.in") < 0);
	CHECK(util_natural_cmp("a", "b") < 0);
	CHECK(util_natural_cmp("a10", "a10") == 0);
	CHECK(util_natural_cmp("a010", "a9") > 0);
	CHECK(util_natural_cmp("a", "a1") < 0);

	CHECK(cache_name_ok("main"));
	CHECK(cache_name_ok("Main$1.class"));
	CHECK(!cache_name_ok("../x"));
	CHECK(!cache_name_ok("a/b"));
	CHECK(!cache_name_ok(".forge-build"));
	CHECK(!cache_name_ok(""));
	CHECK(!cache_name_ok("a\nb"));

	/* $HOME when absolute; else what /etc/passwd says (as NSS would,
	 * for a user listed there) */
	setenv("HOME", "/some/where", 1);
	CHECK_STR(util_home(), "/some/where");
	setenv("HOME", "relative", 1);
	{
		struct passwd *pw = getpwuid(getuid());
		const char *want =
		    pw && pw->pw_dir[0] == '/' ? pw->pw_dir : "/";
		CHECK_STR(util_home(), want);
		unsetenv("HOME");
		CHECK_STR(util_home(), want);
	}
	return check_done();
}
