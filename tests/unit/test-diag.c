/* diag_first_error: the line the editor jumps to after a CE or an RE. */
#include "config.h"

#include "tests/unit/check.h"
#include "tui/tui.h"

static int
first(const char *text, const char *source, char *msg)
{
	return diag_first_error(text, strlen(text), source, msg, 160);
}

int
main(void)
{
	char msg[160];

	/* gcc: the error wins over an earlier warning */
	CHECK(first("main.cpp: In function 'int main()':\n"
	            "main.cpp:3:7: warning: unused variable 'x'\n"
	            "main.cpp:5:5: error: 'foo' was not declared\n"
	            "main.cpp:9:1: error: expected ';'\n",
	            "main.cpp", msg) == 5);
	CHECK_STR(msg, "main.cpp:5:5: error: 'foo' was not declared");
	/* only warnings: the first one */
	CHECK(first("main.c:4:2: warning: implicit declaration\n", "main.c",
	            msg) == 4);
	/* Go prefixes ./ ; Java has no column */
	CHECK(first("# prog\n./main.go:7:2: undefined: fmtx\n", "main.go",
	            msg) == 7);
	CHECK(first("Solution.java:12: error: ';' expected\n", "Solution.java",
	            msg) == 12);
	/* Rust points with --> */
	CHECK(first("error[E0425]: cannot find value `y`\n --> main.rs:3:13\n",
	            "main.rs", msg) == 3);
	/* a Python traceback: the innermost frame, the exception as text */
	CHECK(first("Traceback (most recent call last):\n"
	            "  File \"/prog/main.py\", line 9, in <module>\n"
	            "    main()\n"
	            "  File \"/prog/main.py\", line 4, in main\n"
	            "    print(1 / 0)\n"
	            "ZeroDivisionError: division by zero\n",
	            "main.py", msg) == 4);
	CHECK_STR(msg, "ZeroDivisionError: division by zero");
	/* Bash */
	CHECK(first("/prog/main.sh: line 2: nope: command not found\n",
	            "main.sh", msg) == 2);
	/* a longer name that ends like the source is not the source */
	CHECK(first("notmain.c:3:1: error: x\n", "main.c", msg) == 0);
	/* a mention without a line number, then none at all */
	CHECK(first("main.c:(.text+0x1b): undefined reference to `foo'\n",
	            "main.c", msg) == 0);
	CHECK(first("", "main.c", msg) == 0);
	CHECK_STR(msg, "");
	CHECK(first("main.c:1:1: error: x\n", "", msg) == 0);
	return check_done();
}
