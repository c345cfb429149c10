/* diag_first_error: the line the editor jumps to after a CE or an RE. */
#include "config.h"

#include "tests/unit/check.h"
#include "tui/tui.h"

static int
first(const char *text, const char *source, char *msg)
{
	return diag_first_error(text, strlen(text), source, msg, 160, NULL);
}

/* the column found with the first error */
static int
column(const char *text, const char *source, bool *in_code)
{
	char msg[160];
	struct diag_col c;

	diag_first_error(text, strlen(text), source, msg, sizeof msg, &c);
	*in_code = c.in_code;
	return c.col;
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

	/* columns: gcc's and rustc's are the line's; Java gives none */
	bool in_code;
	CHECK(column("main.cpp:3:7: warning: w\nmain.cpp:5:12: error: e\n",
	             "main.cpp", &in_code) == 12 &&
	      !in_code);
	CHECK(column("error[E0425]: x\n --> main.rs:3:13\n", "main.rs",
	             &in_code) == 13);
	CHECK(column("Solution.java:12: error: ';' expected\n", "Solution.java",
	             &in_code) == 0);
	CHECK(column("/prog/main.sh: line 2: nope: command not found\n",
	             "main.sh", &in_code) == 0);
	/* Python marks the place under its quote of the code, which has
	 * lost its indentation: the column counts from the code */
	CHECK(column("  File \"/prog/main.py\", line 3\n"
	             "    print(1 +)\n"
	             "             ^\n"
	             "SyntaxError: invalid syntax\n",
	             "main.py", &in_code) == 10 &&
	      in_code);
	CHECK(column("Traceback (most recent call last):\n"
	             "  File \"/prog/main.py\", line 4, in main\n"
	             "    x = 1 + foo(2)\n"
	             "            ^^^^^^\n"
	             "NameError: name 'foo' is not defined\n",
	             "main.py", &in_code) == 9 &&
	      in_code);
	/* no caret line: no column */
	CHECK(column("Traceback (most recent call last):\n"
	             "  File \"/prog/main.py\", line 4, in main\n"
	             "    print(1 / 0)\n"
	             "ZeroDivisionError: division by zero\n",
	             "main.py", &in_code) == 0);
	return check_done();
}
