/* Terminal control sequences in everything a judge reports of the
 * program: its stderr, its output (wrong, so that a difference is
 * shown) and what a checker quotes of it. They would set the terminal's
 * title, clear it, write the clipboard (OSC 52), return the cursor to
 * print a fake verdict over the line, act through C1 controls (raw
 * and as UTF-8) and turn the text around (U+202E). */
#include <stdio.h>

static const char attack[] = "\033]0;forge-pwned-title\007"
                             "\033[2J\033[H"
                             "\033]52;c;Zm9yZ2UtcHduZWQ=\007"
                             "\rforge: AC  2/2 tests passed\r"
                             "\x9b"
                             "31m"
                             "\xc2\x9b"
                             "32m"
                             "\xe2\x80\xae"
                             "desrever"
                             "\n";

int
main(void)
{
	fputs(attack, stderr);
	fputs(attack, stdout);
	return 0;
}
