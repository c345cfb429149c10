/* The editor's text buffer: files, UTF-8, columns, moves, undo grouping,
 * search, brackets, and a 50,000-line document under random edits checked
 * against a plain string. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "tests/unit/check.h"
#include "tui/buffer.h"

static char *last_text;

/* The document as one string, kept until the next call. */
static const char *
txt(struct buffer *b)
{
	free(last_text);
	last_text = b != NULL ? buffer_text(b, NULL) : NULL;
	return last_text;
}

static struct buffer_pos
pos(size_t line, size_t col)
{
	return (struct buffer_pos){line, col};
}

static bool
pos_is(struct buffer_pos p, size_t line, size_t col)
{
	if (p.line == line && p.col == col)
		return true;
	fprintf(stderr, "  position is (%zu, %zu), expected (%zu, %zu)\n",
	        p.line, p.col, line, col);
	return false;
}

static void
load(struct buffer *b, const char *s)
{
	buffer_load_string(b, s, strlen(s));
}

static void
write_file(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		perror(path);
		exit(1);
	}
	close(fd);
	chmod(path, mode);
}

/* The file's bytes, or NULL; *len gets their number. */
static char *
read_file(const char *path, size_t *len)
{
	struct buf b;
	char chunk[4096];
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	buf_init(&b, 0);
	while ((r = read(fd, chunk, sizeof chunk)) > 0)
		buf_add(&b, chunk, (size_t)r);
	close(fd);
	*len = b.len;
	return buf_cstr(&b);
}

static bool
file_is(const char *path, const char *data, size_t len)
{
	size_t n;
	char *s = read_file(path, &n);
	bool ok = s != NULL && n == len && memcmp(s, data, len) == 0;

	free(s);
	return ok;
}

/* Entries in a directory other than . and ..: a failed save must leave
 * no temporary file behind. */
static int
dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Types an ASCII string key by key, step ms apart from *now. */
static struct buffer_pos
type_keys(struct buffer *b, struct buffer_pos at, const char *s, uint64_t *now,
          uint64_t step)
{
	for (; *s != '\0'; s++) {
		at = buffer_type(b, at, s, 1, *now);
		*now += step;
	}
	return at;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ */

static void
test_files(const char *dir)
{
	static const struct {
		const char *data;
		size_t len;
		size_t lines;
		bool crlf;
	} cases[] = {
	    {"", 0, 1, false},
	    {"a", 1, 1, false},
	    {"a\n", 2, 2, false},
	    {"a\nb", 3, 2, false},
	    {"\n\n", 2, 3, false},
	    {"a\r\nb\r\n", 6, 3, true},
	    {"a\r\nb", 4, 2, true},
	    {"a\r\nb\n", 5, 3, false},
	    {"a\r\nb\r", 5, 2, true},
	    {"\r\n", 2, 2, true},
	    {"x\0y\n", 4, 2, false},
	    {"caf\xc3\xa9 \xe6\x97\xa5\n\xff\xfe\n", 13, 3, false},
	};
	char *in, *out, err[256];
	struct buffer *b = buffer_new();
	size_t i, len;

	xasprintf(&in, "%s/in.txt", dir);
	xasprintf(&out, "%s/out.txt", dir);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *t;

		write_file(in, cases[i].data, cases[i].len, 0644);
		CHECK(buffer_load(b, in, err, sizeof err) == 0);
		CHECK(!buffer_modified(b));
		CHECK(buffer_lines(b) == cases[i].lines);
		CHECK(buffer_crlf(b) == cases[i].crlf);
		t = buffer_text(b, &len);
		CHECK(len == cases[i].len &&
		      memcmp(t, cases[i].data, len) == 0);
		free(t);
		CHECK(buffer_save(b, out, err, sizeof err) == 0);
		if (!file_is(out, cases[i].data, cases[i].len))
			fprintf(stderr, "  round trip of case %zu differs\n",
			        i);
		CHECK(file_is(out, cases[i].data, cases[i].len));
		unlink(out);
	}

	/* An empty file is one empty line. */
	write_file(in, "", 0, 0644);
	CHECK(buffer_load(b, in, err, sizeof err) == 0);
	CHECK(buffer_lines(b) == 1);
	CHECK_STR(buffer_line(b, 0, &len), "");
	CHECK(len == 0);

	/* CRLF lines hold no \r; pasted CRLF breaks become the document's. */
	write_file(in, "a\r\nb\r\n", 6, 0644);
	CHECK(buffer_load(b, in, err, sizeof err) == 0);
	CHECK_STR(buffer_line(b, 0, &len), "a");
	CHECK(len == 1);
	CHECK(pos_is(buffer_insert(b, pos(1, 0), "x\r\ny", 4), 2, 1));
	CHECK(buffer_save(b, out, err, sizeof err) == 0);
	CHECK(file_is(out, "a\r\nx\r\nyb\r\n", 10));
	CHECK(!buffer_modified(b));

	/* A mixed file keeps its \r as text. */
	write_file(in, "a\r\nb\n", 5, 0644);
	CHECK(buffer_load(b, in, err, sizeof err) == 0);
	CHECK_STR(buffer_line(b, 0, NULL), "a\r");

	/* A failed load leaves the document alone. */
	buffer_load_string(b, "keep", 4);
	err[0] = '\0';
	CHECK(buffer_load(b, "/nonexistent/forge-buffer", err, sizeof err) ==
	      -1);
	CHECK(strstr(err, "/nonexistent/forge-buffer") != NULL);
	CHECK_STR(txt(b), "keep");
	err[0] = '\0';
	CHECK(buffer_load(b, dir, err, sizeof err) == -1);
	CHECK(strstr(err, "directory") != NULL);
	CHECK_STR(txt(b), "keep");

	unlink(in);
	unlink(out);
	free(in);
	free(out);
	buffer_free(b);
}

static void
test_save(const char *dir)
{
	char *path, *fresh, *link, *ro, *rofile, err[256];
	struct buffer *b = buffer_new();
	struct stat st, st2;
	struct rlimit old, small;
	mode_t mask;
	size_t i;

	xasprintf(&path, "%s/mode.txt", dir);
	xasprintf(&fresh, "%s/fresh.txt", dir);
	xasprintf(&link, "%s/link.txt", dir);

	/* The file's mode survives; the new text arrives by rename. */
	write_file(path, "old\n", 4, 0640);
	CHECK(stat(path, &st) == 0);
	CHECK(buffer_load(b, path, err, sizeof err) == 0);
	buffer_insert(b, pos(0, 0), "new ", 4);
	CHECK(buffer_modified(b));
	CHECK(buffer_save(b, path, err, sizeof err) == 0);
	CHECK(!buffer_modified(b));
	CHECK(file_is(path, "new old\n", 8));
	CHECK(stat(path, &st2) == 0);
	CHECK((st2.st_mode & 07777) == 0640);
	CHECK(st2.st_ino != st.st_ino);
	CHECK(dir_entries(dir) == 1);
	chmod(path, 0755);
	CHECK(buffer_save(b, path, err, sizeof err) == 0);
	CHECK(stat(path, &st2) == 0 && (st2.st_mode & 07777) == 0755);

	/* A new file gets 0666 less the umask. */
	mask = umask(027);
	CHECK(buffer_save(b, fresh, err, sizeof err) == 0);
	CHECK(stat(fresh, &st2) == 0 && (st2.st_mode & 07777) == 0640);
	umask(mask);
	CHECK(file_is(fresh, "new old\n", 8));

	/* A symbolic link is followed, and stays a link. */
	CHECK(symlink("mode.txt", link) == 0);
	buffer_load_string(b, "via link", 8);
	CHECK(buffer_save(b, link, err, sizeof err) == 0);
	CHECK(lstat(link, &st2) == 0 && S_ISLNK(st2.st_mode));
	CHECK(file_is(path, "via link", 8));
	CHECK(stat(path, &st2) == 0 && (st2.st_mode & 07777) == 0755);

	/* A save that fails while writing (the file size limit stands for a
	 * full disk, and holds even for root) leaves the old file whole and
	 * no temporary file behind. */
	write_file(path, "old\n", 4, 0644);
	CHECK(buffer_load(b, path, err, sizeof err) == 0);
	for (i = 0; i < 2000; i++)
		buffer_insert(b, pos(0, 0),
		              "0123456789abcdef0123456789abcdef\n", 33);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	small = old;
	small.rlim_cur = 4096;
	CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
	err[0] = '\0';
	CHECK(buffer_save(b, path, err, sizeof err) == -1);
	setrlimit(RLIMIT_FSIZE, &old);
	CHECK(strstr(err, "cannot save") != NULL &&
	      strstr(err, "too large") != NULL);
	CHECK(file_is(path, "old\n", 4));
	CHECK(dir_entries(dir) == 3);
	CHECK(buffer_modified(b));

	/* Nowhere to write. */
	err[0] = '\0';
	CHECK(buffer_save(b, "/nonexistent/dir/x.c", err, sizeof err) == -1);
	CHECK(strstr(err, "/nonexistent/dir/x.c") != NULL);
	CHECK(buffer_save(b, dir, err, sizeof err) == -1);
	CHECK(strstr(err, "not a regular file") != NULL);
	CHECK(buffer_modified(b));

	/* A read-only directory: root writes there anyway, so that part of
	 * the test is skipped for root. */
	xasprintf(&ro, "%s/ro", dir);
	xasprintf(&rofile, "%s/ro/f.txt", dir);
	CHECK(mkdir(ro, 0755) == 0);
	write_file(rofile, "ro\n", 3, 0644);
	chmod(ro, 0555);
	if (geteuid() == 0)
		printf("read-only directory save: SKIPPED (running as root)\n");
	else {
		CHECK(buffer_save(b, rofile, err, sizeof err) == -1);
		CHECK(strstr(err, "Permission denied") != NULL);
		CHECK(file_is(rofile, "ro\n", 3));
		CHECK(dir_entries(ro) == 1);
	}
	chmod(ro, 0755);
	unlink(rofile);
	rmdir(ro);

	unlink(link);
	unlink(fresh);
	unlink(path);
	free(ro);
	free(rofile);
	free(link);
	free(fresh);
	free(path);
	buffer_free(b);
}

static void
test_utf8(void)
{
	/* é is 2 bytes, 日 and 本 3, 😀 4. */
	struct buffer *b = buffer_new();
	struct buffer_pos p;
	size_t len;

	p = buffer_insert(b, pos(0, 0),
	                  "a\xc3\xa9\xe6\x97\xa5\xe6\x9c\xac"
	                  "\xf0\x9f\x98\x80z",
	                  14);
	CHECK(pos_is(p, 0, 14));
	p = pos(0, 0);
	CHECK(pos_is(p = buffer_next_char(b, p), 0, 1));
	CHECK(pos_is(p = buffer_next_char(b, p), 0, 3));
	CHECK(pos_is(p = buffer_next_char(b, p), 0, 6));
	CHECK(pos_is(p = buffer_next_char(b, p), 0, 9));
	CHECK(pos_is(p = buffer_next_char(b, p), 0, 13));
	CHECK(pos_is(p = buffer_next_char(b, p), 0, 14));
	CHECK(pos_is(p = buffer_next_char(b, p), 0, 14));
	CHECK(pos_is(p = buffer_prev_char(b, p), 0, 13));
	CHECK(pos_is(p = buffer_prev_char(b, p), 0, 9));
	CHECK(pos_is(p = buffer_prev_char(b, p), 0, 6));
	CHECK(pos_is(p = buffer_prev_char(b, p), 0, 3));
	CHECK(pos_is(p = buffer_prev_char(b, p), 0, 1));
	CHECK(pos_is(p = buffer_prev_char(b, p), 0, 0));
	CHECK(pos_is(p = buffer_prev_char(b, p), 0, 0));

	CHECK(buffer_byte_to_char(b, 0, 9) == 4);
	CHECK(buffer_byte_to_char(b, 0, 14) == 6);
	CHECK(buffer_char_to_byte(b, 0, 4) == 9);
	CHECK(buffer_char_to_byte(b, 0, 5) == 13);
	CHECK(buffer_char_to_byte(b, 0, 99) == 14);

	/* Deleting whole characters, as the moves find them. */
	p = buffer_delete(b, pos(0, 6), buffer_next_char(b, pos(0, 6)));
	CHECK(pos_is(p, 0, 6));
	CHECK_STR(txt(b), "a\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80z");
	p = buffer_erase(b, pos(0, 10), buffer_prev_char(b, pos(0, 10)), 0);
	CHECK(pos_is(p, 0, 6));
	CHECK_STR(txt(b), "a\xc3\xa9\xe6\x97\xa5z");
	p = buffer_insert(b, pos(0, 3), "\xf0\x9f\x98\x80\n\xc3\xa9", 7);
	CHECK(pos_is(p, 1, 2));
	CHECK(buffer_lines(b) == 2);
	CHECK_STR(buffer_line(b, 0, NULL), "a\xc3\xa9\xf0\x9f\x98\x80");
	CHECK_STR(buffer_line(b, 1, &len), "\xc3\xa9\xe6\x97\xa5z");
	CHECK(len == 6);

	/* Text taken from the line it goes into (duplicating a line). */
	{
		const char *l1 = buffer_line(b, 1, &len);

		p = buffer_insert(b, pos(1, 0), l1, len);
		CHECK(pos_is(p, 1, 6));
		p = buffer_type(b, p, buffer_line(b, 1, NULL) + 6, 6, 0);
		CHECK(pos_is(p, 1, 12));
		CHECK_STR(buffer_line(b, 1, NULL),
		          "\xc3\xa9\xe6\x97\xa5z\xc3\xa9\xe6\x97\xa5z"
		          "\xc3\xa9\xe6\x97\xa5z");
		CHECK(buffer_undo(b, NULL) && buffer_undo(b, NULL));
	}

	/* Across lines and at the ends of the document. */
	CHECK(pos_is(buffer_next_char(b, pos(0, 7)), 1, 0));
	CHECK(pos_is(buffer_prev_char(b, pos(1, 0)), 0, 7));
	CHECK(pos_is(buffer_next_char(b, buffer_end_pos(b)), 1, 6));
	CHECK(pos_is(buffer_end_pos(b), 1, 6));
	CHECK(pos_is(buffer_line_end(b, pos(0, 2)), 0, 7));

	/* A combining accent goes with its letter, a joined emoji sequence
	 * is one step, and an invalid byte is a character of its own. */
	buffer_load_string(b, "e\xcc\x81x", 4);
	CHECK(pos_is(buffer_next_char(b, pos(0, 0)), 0, 3));
	CHECK(pos_is(buffer_prev_char(b, pos(0, 3)), 0, 0));
	buffer_load_string(b, "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9!",
	                   12);
	CHECK(pos_is(buffer_next_char(b, pos(0, 0)), 0, 11));
	CHECK(pos_is(buffer_prev_char(b, pos(0, 11)), 0, 0));
	buffer_load_string(b, "\xe2\x80\x8d\xf0\x9f\x98\x80", 7);
	CHECK(pos_is(buffer_prev_char(b, pos(0, 7)), 0, 3));
	CHECK(pos_is(buffer_next_char(b, pos(0, 0)), 0, 7));
	buffer_load_string(b, "a\xff\xc3z", 4);
	CHECK(pos_is(buffer_next_char(b, pos(0, 1)), 0, 2));
	CHECK(pos_is(buffer_next_char(b, pos(0, 2)), 0, 3));
	CHECK(pos_is(buffer_prev_char(b, pos(0, 3)), 0, 2));
	CHECK(buffer_byte_to_char(b, 0, 4) == 4);
	CHECK(buffer_byte_to_display(b, 0, 4, 8) == 4);
	txt(NULL);
	buffer_free(b);
}

static void
test_columns(void)
{
	struct buffer *b = buffer_new();
	uint32_t cp;

	CHECK(buffer_utf8_decode("\xe6\x97\xa5", 3, &cp) == 3 && cp == 0x65e5);
	CHECK(buffer_utf8_decode("\xc0\xaf", 2, &cp) == 1 && cp == 0xfffd);
	CHECK(buffer_utf8_decode("\xed\xa0\x80", 3, &cp) == 1 && cp == 0xfffd);
	CHECK(buffer_utf8_decode("\xe6\x97", 2, &cp) == 1 && cp == 0xfffd);
	CHECK(buffer_cp_width(0x65e5) == 2);
	CHECK(buffer_cp_width(0x1f600) == 2);
	CHECK(buffer_cp_width(0xe9) == 1);
	CHECK(buffer_cp_width(0x301) == 0);

	load(b, "\tab\na\tb\n\xe6\x97\xa5\xe6\x9c\xac"
	        "a\n\xf0\x9f\x98\x80x\ne\xcc\x81x\n"
	        "ab\t\xe6\x97\xa5\t!");
	CHECK(buffer_lines(b) == 6);
	CHECK(buffer_byte_to_display(b, 0, 1, 8) == 8);
	CHECK(buffer_byte_to_display(b, 0, 2, 8) == 9);
	CHECK(buffer_byte_to_display(b, 0, 1, 4) == 4);
	CHECK(buffer_byte_to_display(b, 1, 2, 8) == 8);
	CHECK(buffer_byte_to_display(b, 1, 2, 4) == 4);
	CHECK(buffer_byte_to_display(b, 1, 3, 4) == 5);
	CHECK(buffer_byte_to_display(b, 2, 3, 8) == 2);
	CHECK(buffer_byte_to_display(b, 2, 6, 8) == 4);
	CHECK(buffer_byte_to_display(b, 2, 7, 8) == 5);
	CHECK(buffer_byte_to_display(b, 3, 4, 8) == 2);
	CHECK(buffer_byte_to_display(b, 3, 5, 8) == 3);
	CHECK(buffer_byte_to_display(b, 4, 3, 8) == 1);
	CHECK(buffer_byte_to_display(b, 4, 4, 8) == 2);
	/* "ab\t日\t!": the tab after a wide character still stops at 8. */
	CHECK(buffer_byte_to_display(b, 5, 3, 4) == 4);
	CHECK(buffer_byte_to_display(b, 5, 6, 4) == 6);
	CHECK(buffer_byte_to_display(b, 5, 7, 4) == 8);

	/* Back from the screen: a column inside a wide character or a tab
	 * lands on its start. */
	CHECK(buffer_display_to_byte(b, 2, 0, 8) == 0);
	CHECK(buffer_display_to_byte(b, 2, 1, 8) == 0);
	CHECK(buffer_display_to_byte(b, 2, 2, 8) == 3);
	CHECK(buffer_display_to_byte(b, 2, 3, 8) == 3);
	CHECK(buffer_display_to_byte(b, 2, 4, 8) == 6);
	CHECK(buffer_display_to_byte(b, 2, 99, 8) == 7);
	CHECK(buffer_display_to_byte(b, 0, 3, 8) == 0);
	CHECK(buffer_display_to_byte(b, 0, 8, 8) == 1);
	CHECK(buffer_display_to_byte(b, 0, 9, 8) == 2);
	CHECK(buffer_display_to_byte(b, 4, 1, 8) == 3);
	CHECK(buffer_char_to_byte(b, 4, 2) == 3);
	CHECK(buffer_byte_to_char(b, 4, 3) == 2);
	buffer_free(b);
}

static void
test_moves(void)
{
	struct buffer *b = buffer_new();
	struct buffer_pos p;

	load(b, "foo_bar  baz(qux, 1);\n"
	        "caf\303\251 \303\274ber.x\n"
	        "    int x;\n"
	        "\t \n");
	p = pos(0, 0);
	CHECK(pos_is(p = buffer_word_right(b, p), 0, 7));
	CHECK(pos_is(p = buffer_word_right(b, p), 0, 12));
	CHECK(pos_is(p = buffer_word_right(b, p), 0, 13));
	CHECK(pos_is(p = buffer_word_right(b, p), 0, 16));
	CHECK(pos_is(p = buffer_word_right(b, p), 0, 17));
	CHECK(pos_is(p = buffer_word_right(b, p), 0, 19));
	CHECK(pos_is(p = buffer_word_right(b, p), 0, 21));
	CHECK(pos_is(p = buffer_word_right(b, p), 1, 0));
	CHECK(pos_is(p = buffer_word_right(b, p), 1, 5));
	CHECK(pos_is(p = buffer_word_right(b, p), 1, 11));
	CHECK(pos_is(p = buffer_word_right(b, p), 1, 12));
	CHECK(pos_is(p = buffer_word_right(b, p), 1, 13));
	CHECK(pos_is(p = buffer_word_left(b, p), 1, 12));
	CHECK(pos_is(p = buffer_word_left(b, p), 1, 11));
	CHECK(pos_is(p = buffer_word_left(b, p), 1, 6));
	CHECK(pos_is(p = buffer_word_left(b, p), 1, 0));
	CHECK(pos_is(p = buffer_word_left(b, p), 0, 21));
	CHECK(pos_is(p = buffer_word_left(b, p), 0, 19));
	CHECK(pos_is(p = buffer_word_left(b, p), 0, 18));
	CHECK(pos_is(p = buffer_word_left(b, p), 0, 16));
	CHECK(pos_is(p = buffer_word_left(b, p), 0, 13));
	CHECK(pos_is(p = buffer_word_left(b, p), 0, 12));
	CHECK(pos_is(p = buffer_word_left(b, p), 0, 9));
	CHECK(pos_is(p = buffer_word_left(b, p), 0, 0));
	CHECK(pos_is(p = buffer_word_left(b, p), 0, 0));
	/* Blanks up to the end of a line stop there. */
	CHECK(pos_is(buffer_word_right(b, pos(3, 0)), 3, 2));

	/* Smart home: the first non-blank, then column 0, and back. */
	p = pos(2, 8);
	CHECK(pos_is(p = buffer_home(b, p), 2, 4));
	CHECK(pos_is(p = buffer_home(b, p), 2, 0));
	CHECK(pos_is(p = buffer_home(b, p), 2, 4));
	CHECK(pos_is(buffer_home(b, pos(2, 2)), 2, 4));
	CHECK(pos_is(buffer_home(b, pos(0, 5)), 0, 0));
	CHECK(pos_is(buffer_line_end(b, pos(2, 0)), 2, 10));
	CHECK(buffer_indent(b, 2) == 4);
	CHECK(buffer_indent(b, 3) == 2);
	CHECK(buffer_indent(b, 0) == 0);
	CHECK(buffer_indent(b, 4) == 0);

	/* Words in other scripts. */
	load(b, "\xe6\x97\xa5\xe6\x9c\xac \xe8\xaa\x9e!");
	CHECK(pos_is(buffer_word_right(b, pos(0, 0)), 0, 6));
	CHECK(pos_is(buffer_word_right(b, pos(0, 6)), 0, 10));
	CHECK(pos_is(buffer_word_left(b, pos(0, 10)), 0, 7));
	buffer_free(b);
}

static void
test_undo(void)
{
	struct buffer *b = buffer_new();
	struct buffer_pos p, c;
	uint64_t t = 1000;
	int i;

	/* Words: "hello world" typed is "hello " and "world". */
	p = type_keys(b, pos(0, 0), "hello world", &t, 100);
	CHECK(pos_is(p, 0, 11));
	CHECK(buffer_modified(b));
	CHECK(buffer_undo(b, &c));
	CHECK_STR(txt(b), "hello ");
	CHECK(pos_is(c, 0, 6));
	CHECK(buffer_undo(b, &c));
	CHECK_STR(txt(b), "");
	CHECK(pos_is(c, 0, 0));
	CHECK(!buffer_undo(b, &c));
	CHECK(!buffer_modified(b));
	CHECK(buffer_redo(b, &c));
	CHECK_STR(txt(b), "hello ");
	CHECK(pos_is(c, 0, 6));
	CHECK(buffer_redo(b, &c));
	CHECK_STR(txt(b), "hello world");
	CHECK(pos_is(c, 0, 11));
	CHECK(!buffer_redo(b, &c));

	/* A pause of exactly the limit still joins, one more ms does not. */
	buffer_load_string(b, "", 0);
	t = 5000;
	p = buffer_type(b, pos(0, 0), "a", 1, t);
	p = buffer_type(b, p, "b", 1, t + 400);
	p = buffer_type(b, p, "c", 1, t + 400 + BUFFER_UNDO_PAUSE_MS);
	p = buffer_type(b, p, "d", 1, t + 401 + 2 * BUFFER_UNDO_PAUSE_MS);
	CHECK_STR(txt(b), "abcd");
	CHECK(buffer_undo(b, &c));
	CHECK_STR(txt(b), "abc");
	CHECK(pos_is(c, 0, 3));
	CHECK(buffer_undo(b, NULL));
	CHECK_STR(txt(b), "");
	/* A clock going backwards starts a step too. */
	p = buffer_type(b, pos(0, 0), "a", 1, 900);
	buffer_type(b, p, "b", 1, 800);
	CHECK(buffer_undo(b, NULL));
	CHECK_STR(txt(b), "a");

	/* A line break starts a step; the indent typed after it joins it,
	 * the next word does not. */
	buffer_load_string(b, "", 0);
	t = 0;
	p = type_keys(b, pos(0, 0), "ab", &t, 10);
	p = buffer_type(b, p, "\n", 1, t);
	p = type_keys(b, p, "  cd", &t, 10);
	CHECK(pos_is(p, 1, 4));
	CHECK(buffer_undo(b, &c));
	CHECK_STR(txt(b), "ab\n  ");
	CHECK(pos_is(c, 1, 2));
	CHECK(buffer_undo(b, &c));
	CHECK_STR(txt(b), "ab");
	CHECK(pos_is(c, 0, 2));
	CHECK(buffer_undo(b, NULL));
	CHECK_STR(txt(b), "");

	/* A cursor jump starts a step, whether the buffer sees it (typing
	 * elsewhere) or is told (buffer_undo_break). */
	buffer_load_string(b, "", 0);
	t = 0;
	p = type_keys(b, pos(0, 0), "abc", &t, 10);
	buffer_type(b, pos(0, 1), "X", 1, t);
	CHECK_STR(txt(b), "aXbc");
	CHECK(buffer_undo(b, &c));
	CHECK_STR(txt(b), "abc");
	CHECK(pos_is(c, 0, 1));
	p = type_keys(b, pos(0, 3), "de", &t, 10);
	buffer_undo_break(b);
	buffer_type(b, p, "f", 1, t);
	CHECK(buffer_undo(b, NULL));
	CHECK_STR(txt(b), "abcde");
	CHECK(buffer_undo(b, NULL));
	CHECK_STR(txt(b), "abc");

	/* Erasing after typing is a step of its own; erasing on joins. */
	buffer_load_string(b, "", 0);
	t = 0;
	p = type_keys(b, pos(0, 0), "abcdef", &t, 10);
	for (i = 0; i < 3; i++) {
		p = buffer_erase(b, p, buffer_prev_char(b, p), t);
		t += 10;
	}
	CHECK_STR(txt(b), "abc");
	CHECK(pos_is(p, 0, 3));
	CHECK(buffer_undo(b, &c));
	CHECK_STR(txt(b), "abcdef");
	CHECK(pos_is(c, 0, 6));
	CHECK(buffer_redo(b, &c));
	CHECK_STR(txt(b), "abc");
	CHECK(pos_is(c, 0, 3));
	/* Delete key: the cursor stays, the text after it goes. */
	p = pos(0, 0);
	buffer_undo_break(b);
	p = buffer_erase(b, p, buffer_next_char(b, p), t);
	p = buffer_erase(b, p, buffer_next_char(b, p), t + 10);
	CHECK_STR(txt(b), "c");
	CHECK(buffer_undo(b, &c));
	CHECK_STR(txt(b), "abc");
	CHECK(pos_is(c, 0, 0));
	/* Erasing a line break starts a step. */
	buffer_load_string(b, "ab\ncd", 5);
	t = 0;
	p = pos(1, 2);
	for (i = 0; i < 3; i++) {
		p = buffer_erase(b, p, buffer_prev_char(b, p), t);
		t += 10;
	}
	CHECK_STR(txt(b), "ab");
	CHECK(buffer_undo(b, &c));
	CHECK_STR(txt(b), "ab\n");
	CHECK(pos_is(c, 1, 0));
	CHECK(buffer_undo(b, NULL));
	CHECK_STR(txt(b), "ab\ncd");

	/* A paste is one step, joined neither by typing before nor after. */
	buffer_load_string(b, "", 0);
	t = 0;
	p = type_keys(b, pos(0, 0), "ab", &t, 10);
	p = buffer_insert(b, p, "XY Z\nW", 6);
	CHECK(pos_is(p, 1, 1));
	p = type_keys(b, p, "c", &t, 10);
	CHECK_STR(txt(b), "abXY Z\nWc");
	CHECK(buffer_undo(b, NULL));
	CHECK_STR(txt(b), "abXY Z\nW");
	CHECK(buffer_undo(b, &c));
	CHECK_STR(txt(b), "ab");
	CHECK(pos_is(c, 0, 2));
	CHECK(buffer_undo(b, NULL));
	CHECK_STR(txt(b), "");

	/* A new edit clears redo. */
	CHECK(buffer_redo(b, NULL));
	CHECK_STR(txt(b), "ab");
	buffer_insert(b, pos(0, 0), "x", 1);
	CHECK(!buffer_redo(b, NULL));
	CHECK_STR(txt(b), "xab");

	/* Undo puts the cursor where it was before the step: for a cut,
	 * where the caller says the cursor was. */
	buffer_load_string(b, "hello world", 11);
	buffer_delete(b, pos(0, 11), pos(0, 5));
	CHECK_STR(txt(b), "hello");
	CHECK(buffer_undo(b, &c));
	CHECK(pos_is(c, 0, 11));
	buffer_delete(b, pos(0, 5), pos(0, 11));
	CHECK(buffer_undo(b, &c));
	CHECK(pos_is(c, 0, 5));

	/* Explicit groups, nested, are one step; an empty one is none. */
	buffer_load_string(b, "a\nb\nc", 5);
	buffer_group_begin(b, pos(2, 1));
	buffer_insert(b, pos(0, 0), "\t", 1);
	buffer_group_begin(b, pos(0, 0));
	buffer_insert(b, pos(1, 0), "\t", 1);
	buffer_group_end(b);
	buffer_type(b, pos(2, 0), "\t", 1, 0);
	buffer_group_end(b);
	CHECK_STR(txt(b), "\ta\n\tb\n\tc");
	CHECK(buffer_undo(b, &c));
	CHECK_STR(txt(b), "a\nb\nc");
	CHECK(pos_is(c, 2, 1));
	CHECK(!buffer_undo(b, NULL));
	buffer_group_begin(b, pos(0, 0));
	buffer_group_end(b);
	CHECK(!buffer_undo(b, NULL));
	CHECK(buffer_redo(b, NULL));
	CHECK_STR(txt(b), "\ta\n\tb\n\tc");

	/* The history is bounded: the oldest steps are forgotten. */
	buffer_load_string(b, "", 0);
	buffer_set_undo_limit(b, 3);
	for (i = 0; i < 5; i++)
		buffer_insert(b, buffer_end_pos(b), &"12345"[i], 1);
	for (i = 0; i < 3; i++)
		CHECK(buffer_undo(b, NULL));
	CHECK(!buffer_undo(b, NULL));
	CHECK_STR(txt(b), "12");
	CHECK(buffer_modified(b));
	buffer_set_undo_limit(b, BUFFER_UNDO_LIMIT);
	buffer_load_string(b, "", 0);
	for (i = 0; i < BUFFER_UNDO_LIMIT + 50; i++)
		buffer_insert(b, pos(0, 0), "x", 1);
	for (i = 0; buffer_undo(b, NULL); i++)
		;
	CHECK(i == BUFFER_UNDO_LIMIT);
	CHECK(buffer_lines(b) == 1 && strlen(txt(b)) == 50);
	txt(NULL);
	buffer_free(b);
}

static void
test_modified(const char *dir)
{
	struct buffer *b = buffer_new();
	struct buffer_pos p;
	char *path, err[256];

	xasprintf(&path, "%s/mod.txt", dir);
	CHECK(!buffer_modified(b));
	buffer_load_string(b, "abc", 3);
	CHECK(!buffer_modified(b));
	buffer_insert(b, pos(0, 0), "", 0);
	CHECK(!buffer_modified(b));
	buffer_delete(b, pos(0, 1), pos(0, 1));
	CHECK(!buffer_modified(b));
	CHECK(pos_is(buffer_type(b, pos(0, 1), "", 0, 0), 0, 1));
	CHECK(!buffer_modified(b));
	CHECK(pos_is(buffer_erase(b, pos(0, 2), pos(0, 2), 0), 0, 2));
	CHECK(!buffer_modified(b));
	CHECK(!buffer_undo(b, NULL));
	p = buffer_type(b, pos(0, 3), "d", 1, 0);
	CHECK(buffer_modified(b));
	CHECK(buffer_undo(b, NULL));
	CHECK(!buffer_modified(b));
	CHECK(buffer_redo(b, NULL));
	CHECK(buffer_modified(b));
	CHECK(buffer_save(b, path, err, sizeof err) == 0);
	CHECK(!buffer_modified(b));
	CHECK(buffer_undo(b, NULL));
	CHECK(buffer_modified(b));
	CHECK(buffer_redo(b, NULL));
	CHECK(!buffer_modified(b));

	/* Typing on after a save, which would otherwise join the step
	 * saved, is a new state: undo comes back to the saved one. */
	p = buffer_type(b, p, "e", 1, 10);
	CHECK(buffer_save(b, path, err, sizeof err) == 0);
	p = buffer_type(b, p, "f", 1, 20);
	CHECK(buffer_modified(b));
	CHECK(buffer_undo(b, NULL));
	CHECK_STR(txt(b), "abcde");
	CHECK(!buffer_modified(b));
	CHECK(buffer_undo(b, NULL));
	CHECK(buffer_modified(b));

	/* A new edit after undoing past the save: the saved state is gone
	 * from reach until the text comes back by undo. */
	buffer_insert(b, pos(0, 0), "x", 1);
	CHECK(buffer_modified(b));
	CHECK(buffer_undo(b, NULL));
	CHECK(buffer_modified(b));
	CHECK(buffer_load(b, path, err, sizeof err) == 0);
	CHECK(!buffer_modified(b));
	CHECK_STR(txt(b), "abcde");
	unlink(path);
	free(path);
	txt(NULL);
	buffer_free(b);
}

static void
test_search(void)
{
	struct buffer *b = buffer_new();
	struct buffer_pos s, e;
	const int NC = BUFFER_FIND_NOCASE, BK = BUFFER_FIND_BACKWARD;

	buffer_load_string(b, "Foo bar foo\nbaz FOO\nfoo", 23);
	CHECK(buffer_find(b, "foo", pos(0, 0), 0, &s, &e));
	CHECK(pos_is(s, 0, 8) && pos_is(e, 0, 11));
	CHECK(buffer_find(b, "foo", pos(0, 8), 0, &s, NULL));
	CHECK(pos_is(s, 0, 8));
	CHECK(buffer_find(b, "foo", pos(0, 9), 0, &s, NULL));
	CHECK(pos_is(s, 2, 0));
	CHECK(buffer_find(b, "foo", pos(2, 1), 0, &s, NULL));
	CHECK(pos_is(s, 0, 8));
	CHECK(buffer_find(b, "foo", pos(0, 0), NC, &s, NULL));
	CHECK(pos_is(s, 0, 0));
	CHECK(buffer_find(b, "foo", pos(0, 9), NC, &s, &e));
	CHECK(pos_is(s, 1, 4) && pos_is(e, 1, 7));
	CHECK(buffer_find(b, "FOO", pos(1, 5), NC, &s, NULL));
	CHECK(pos_is(s, 2, 0));
	CHECK(buffer_find(b, "FOO", pos(2, 1), NC, &s, NULL));
	CHECK(pos_is(s, 0, 0));

	/* Backward: the last match before the position, wrapping. */
	CHECK(buffer_find(b, "foo", pos(2, 0), BK, &s, NULL));
	CHECK(pos_is(s, 0, 8));
	CHECK(buffer_find(b, "foo", pos(0, 8), BK, &s, NULL));
	CHECK(pos_is(s, 2, 0));
	CHECK(buffer_find(b, "foo", pos(2, 3), BK, &s, NULL));
	CHECK(pos_is(s, 2, 0));
	CHECK(buffer_find(b, "foo", pos(2, 0), BK | NC, &s, NULL));
	CHECK(pos_is(s, 1, 4));
	CHECK(buffer_find(b, "foo", pos(0, 0), BK | NC, &s, NULL));
	CHECK(pos_is(s, 2, 0));
	CHECK(buffer_find(b, "Foo", pos(0, 0), BK, &s, NULL));
	CHECK(pos_is(s, 0, 0));
	CHECK(!buffer_find(b, "zzz", pos(1, 1), 0, &s, NULL));
	CHECK(!buffer_find(b, "zzz", pos(1, 1), BK | NC, &s, NULL));
	CHECK(!buffer_find(b, "", pos(0, 0), 0, &s, NULL));
	CHECK(!buffer_find(b, "foo\nbaz", pos(0, 0), 0, &s, NULL));

	/* Case folding beyond ASCII. */
	load(b, "\303\211COLE \303\251cole");
	CHECK(buffer_find(b, "\303\251cole", pos(0, 0), NC, &s, &e));
	CHECK(pos_is(s, 0, 0) && pos_is(e, 0, 6));
	CHECK(buffer_find(b, "\303\251cole", pos(0, 0), 0, &s, NULL));
	CHECK(pos_is(s, 0, 7));
	buffer_free(b);
}

static void
test_replace(void)
{
	struct buffer *b = buffer_new();
	struct buffer_pos c;

	buffer_load_string(b, "foo bar foo\nfoofoo\nnone", 23);
	CHECK(buffer_replace_all(b, "foo", "x", 0) == 4);
	CHECK_STR(txt(b), "x bar x\nxx\nnone");
	CHECK(buffer_modified(b));
	CHECK(buffer_undo(b, &c));
	CHECK_STR(txt(b), "foo bar foo\nfoofoo\nnone");
	CHECK(pos_is(c, 0, 0));
	CHECK(!buffer_modified(b));
	CHECK(!buffer_undo(b, NULL));
	CHECK(buffer_redo(b, NULL));
	CHECK_STR(txt(b), "x bar x\nxx\nnone");

	/* Breaks in the replacement, case folding, the needle inside the
	 * replacement, no match. */
	buffer_load_string(b, "a,b,c\nd,e", 9);
	CHECK(buffer_replace_all(b, ",", ";\n", 0) == 3);
	CHECK_STR(txt(b), "a;\nb;\nc\nd;\ne");
	CHECK(buffer_lines(b) == 5);
	CHECK(buffer_undo(b, NULL));
	CHECK_STR(txt(b), "a,b,c\nd,e");
	buffer_load_string(b, "Foo fOO foo", 11);
	CHECK(buffer_replace_all(b, "FOO", "bar", BUFFER_FIND_NOCASE) == 3);
	CHECK_STR(txt(b), "bar bar bar");
	buffer_load_string(b, "a-b-c", 5);
	CHECK(buffer_replace_all(b, "-", "", 0) == 2);
	CHECK_STR(txt(b), "abc");
	buffer_load_string(b, "aa", 2);
	CHECK(buffer_replace_all(b, "a", "aa", 0) == 2);
	CHECK_STR(txt(b), "aaaa");
	buffer_load_string(b, "abc", 3);
	CHECK(buffer_replace_all(b, "zz", "y", 0) == 0);
	CHECK(!buffer_undo(b, NULL));
	CHECK(!buffer_modified(b));
	txt(NULL);
	buffer_free(b);
}

static void
test_brackets(void)
{
	struct buffer *b = buffer_new();
	struct buffer_pos m;

	load(b, "int f() {\n"
	        "\tif (x) {\n"
	        "\t\ty[0] = (1);\n"
	        "\t}\n"
	        "\n"
	        "}");
	CHECK(buffer_match_bracket(b, pos(0, 8), &m));
	CHECK(pos_is(m, 5, 0));
	CHECK(buffer_match_bracket(b, pos(5, 0), &m));
	CHECK(pos_is(m, 0, 8));
	CHECK(buffer_match_bracket(b, pos(1, 8), &m));
	CHECK(pos_is(m, 3, 1));
	CHECK(buffer_match_bracket(b, pos(3, 1), &m));
	CHECK(pos_is(m, 1, 8));
	CHECK(buffer_match_bracket(b, pos(2, 3), &m));
	CHECK(pos_is(m, 2, 5));
	CHECK(buffer_match_bracket(b, pos(2, 9), &m));
	CHECK(pos_is(m, 2, 11));
	CHECK(buffer_match_bracket(b, pos(0, 5), &m));
	CHECK(pos_is(m, 0, 6));
	CHECK(!buffer_match_bracket(b, pos(0, 0), &m));
	CHECK(!buffer_match_bracket(b, pos(4, 0), &m));

	/* Only brackets of the same kind count. */
	load(b, "((a) [)] (b)");
	CHECK(buffer_match_bracket(b, pos(0, 0), &m));
	CHECK(pos_is(m, 0, 6));
	CHECK(buffer_match_bracket(b, pos(0, 6), &m));
	CHECK(pos_is(m, 0, 0));
	CHECK(buffer_match_bracket(b, pos(0, 1), &m));
	CHECK(pos_is(m, 0, 3));
	CHECK(buffer_match_bracket(b, pos(0, 5), &m));
	CHECK(pos_is(m, 0, 7));
	CHECK(buffer_match_bracket(b, pos(0, 11), &m));
	CHECK(pos_is(m, 0, 9));
	CHECK(!buffer_match_bracket(b, pos(0, 12), &m));
	load(b, "(()\n[");
	CHECK(!buffer_match_bracket(b, pos(0, 0), &m));
	CHECK(!buffer_match_bracket(b, pos(1, 0), &m));
	CHECK(buffer_match_bracket(b, pos(0, 2), &m));
	CHECK(pos_is(m, 0, 1));
	buffer_free(b);
}

/* What a view's per-line cache learns: the first line changed, and a
 * version that moves with every edit (and only then). */
static void
test_changes(void)
{
	struct buffer *b = buffer_new();
	struct buffer_pos c;
	uint64_t v;

	CHECK(buffer_take_changed(b) == 0);
	CHECK(buffer_take_changed(b) == SIZE_MAX);
	load(b, "a\nb\nc\nd\ne");
	CHECK(buffer_take_changed(b) == 0);
	v = buffer_version(b);
	c = buffer_insert(b, pos(3, 1), "x", 1);
	CHECK(buffer_version(b) != v);
	c = buffer_type(b, pos(1, 0), "y\nz", 3, 0);
	CHECK(buffer_take_changed(b) == 1);
	CHECK(buffer_take_changed(b) == SIZE_MAX);
	v = buffer_version(b);
	c = buffer_next_char(b, pos(0, 0));
	c = buffer_word_right(b, c);
	CHECK(buffer_version(b) == v);
	CHECK(buffer_take_changed(b) == SIZE_MAX);
	buffer_delete(b, pos(4, 1), pos(3, 0));
	CHECK_STR(txt(b), "a\ny\nzb\nx\ne");
	CHECK(buffer_take_changed(b) == 3);
	CHECK(buffer_undo(b, &c));
	CHECK(buffer_take_changed(b) == 3);
	CHECK(buffer_undo(b, &c));
	CHECK(buffer_take_changed(b) == 1);
	CHECK(buffer_version(b) != v);
	buffer_free(b);
}

/* Finding within one line, for highlights; a bounded bracket search. */
static void
test_line_find(void)
{
	struct buffer *b = buffer_new();
	struct buffer_pos m;
	size_t s, e;

	load(b, "abAB ab\nxx ab");
	CHECK(buffer_find_in_line(b, "ab", 0, 0, 0, &s, &e) && s == 0 &&
	      e == 2);
	CHECK(buffer_find_in_line(b, "ab", 0, 1, 0, &s, &e) && s == 5 &&
	      e == 7);
	CHECK(buffer_find_in_line(b, "ab", 0, 1, BUFFER_FIND_NOCASE, &s, &e) &&
	      s == 2 && e == 4);
	/* never into the next line */
	CHECK(!buffer_find_in_line(b, "ab", 0, 6, 0, &s, &e));
	CHECK(!buffer_find_in_line(b, "xx", 0, 0, 0, &s, &e));
	CHECK(buffer_find_in_line(b, "xx", 1, 0, 0, &s, &e) && s == 0);
	CHECK(!buffer_find_in_line(b, "xx", 2, 0, 0, &s, &e));
	CHECK(!buffer_find_in_line(b, "", 0, 0, 0, &s, &e));
	CHECK(!buffer_find_in_line(b, "a\nx", 0, 0, 0, &s, &e));

	load(b, "{\n\n\n}\n(");
	CHECK(buffer_match_bracket_within(b, pos(0, 0), 3, &m));
	CHECK(pos_is(m, 3, 0));
	CHECK(!buffer_match_bracket_within(b, pos(0, 0), 2, &m));
	CHECK(buffer_match_bracket_within(b, pos(3, 0), 3, &m));
	CHECK(pos_is(m, 0, 0));
	CHECK(!buffer_match_bracket_within(b, pos(3, 0), 2, &m));
	CHECK(buffer_match_bracket_within(b, pos(3, 0), 0 + 3, &m));
	CHECK(!buffer_match_bracket_within(b, pos(4, 0), SIZE_MAX, &m));
	buffer_free(b);
}

/* ------------------------------------------------------------------ */
/* The big document against a reference: the text as one string, with the
 * offsets where its lines start. */

struct model {
	char *s;
	size_t len, cap;
	size_t *ls; /* ls[i]: where line i starts */
	size_t nls, lscap;
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static void
model_reserve(struct model *m, size_t len, size_t lines)
{
	if (len + 1 > m->cap) {
		m->cap = (len + 1) * 2;
		m->s = xrealloc(m->s, m->cap);
	}
	if (lines > m->lscap) {
		m->lscap = lines * 2;
		m->ls = xrealloc(m->ls, m->lscap * sizeof *m->ls);
	}
}

static size_t
model_line_len(const struct model *m, size_t line)
{
	return (line + 1 < m->nls ? m->ls[line + 1] - 1 : m->len) - m->ls[line];
}

static struct buffer_pos
model_pos(const struct model *m, size_t off)
{
	size_t lo = 0, hi = m->nls, mid;

	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (m->ls[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return pos(lo, off - m->ls[lo]);
}

static void
model_insert(struct model *m, size_t line, size_t off, const char *t, size_t n)
{
	size_t k = 0, i, j;

	for (i = 0; i < n; i++)
		k += t[i] == '\n';
	model_reserve(m, m->len + n, m->nls + k);
	memmove(m->s + off + n, m->s + off, m->len - off);
	memcpy(m->s + off, t, n);
	m->len += n;
	memmove(m->ls + line + 1 + k, m->ls + line + 1,
	        (m->nls - line - 1) * sizeof *m->ls);
	m->nls += k;
	for (i = line + 1 + k; i < m->nls; i++)
		m->ls[i] += n;
	for (i = 0, j = line + 1; i < n; i++)
		if (t[i] == '\n')
			m->ls[j++] = off + i + 1;
}

static void
model_delete(struct model *m, size_t l1, size_t o1, size_t l2, size_t o2)
{
	size_t i;

	memmove(m->s + o1, m->s + o2, m->len - o2);
	m->len -= o2 - o1;
	memmove(m->ls + l1 + 1, m->ls + l2 + 1,
	        (m->nls - l2 - 1) * sizeof *m->ls);
	m->nls -= l2 - l1;
	for (i = l1 + 1; i < m->nls; i++)
		m->ls[i] -= o2 - o1;
}

static bool
same_text(struct buffer *b, const char *s, size_t len)
{
	size_t n;
	char *t = buffer_text(b, &n);
	bool ok = n == len && memcmp(t, s, n) == 0;

	free(t);
	return ok;
}

/* Random text: ASCII, tabs, brackets and multi-byte characters. */
static size_t
random_text(char *out, size_t pieces, bool breaks)
{
	/* Pieces separated by |; the line break comes last. */
	static const char alphabet[] = "a|b|e|x|_|1| | |\t|(|)|;|\303\251|"
	                               "\346\227\245|\360\237\230\200|\n|";
	static const char *starts[16];
	static size_t lens[16];
	size_t n = 0, i, k, choices = breaks ? 16 : 15;
	const char *p = alphabet;

	if (starts[0] == NULL) {
		for (k = 0; k < 16; k++) {
			starts[k] = p;
			lens[k] = (size_t)(strchr(p, '|') - p);
			p += lens[k] + 1;
		}
	}
	for (i = 0; i < pieces; i++) {
		k = rnd() % choices;
		memcpy(out + n, starts[k], lens[k]);
		n += lens[k];
	}
	return n;
}

#define BIG_LINES 50000
#define BIG_EDITS 10000
#define BIG_CHECK 500

static void
test_big(void)
{
	struct buffer *b = buffer_new(), *b2 = buffer_new();
	struct model m = {0};
	struct buffer_pos at, from, to, r = {0, 0}, expect;
	struct buf text;
	char piece[512], *orig, *snap = NULL;
	const char *p, *nl;
	size_t i, n, line, col, off, off1, off2, snaplen = 0;
	size_t bad_pos = 0, bad_text = 0, bad_undo = 0, checks = 0, undos = 0;
	double t0, t_build, t_load, t_edit = 0, t_undo, t_all, t;
	uint64_t now = 0;
	bool ok;

	/* The document, and the same built by 50,000 insertions. */
	buf_init(&text, 0);
	for (i = 0; i < BIG_LINES; i++) {
		n = random_text(piece, rnd() % 40, false);
		buf_add(&text, piece, n);
		if (i + 1 < BIG_LINES)
			buf_add(&text, "\n", 1);
	}
	t_all = now_s();
	t0 = now_s();
	at = pos(0, 0);
	for (p = text.data; p < text.data + text.len; p += n) {
		nl = memchr(p, '\n', (size_t)(text.data + text.len - p));
		n = (size_t)((nl != NULL ? nl + 1 : text.data + text.len) - p);
		at = buffer_insert(b2, at, p, n);
	}
	t_build = now_s() - t0;
	CHECK(buffer_lines(b2) == BIG_LINES);
	CHECK(same_text(b2, text.data, text.len));
	buffer_free(b2);

	t0 = now_s();
	buffer_load_string(b, text.data, text.len);
	t_load = now_s() - t0;
	CHECK(buffer_lines(b) == BIG_LINES);

	orig = xstrndup(text.data, text.len);
	m.s = xstrndup(text.data, text.len);
	m.len = text.len;
	m.cap = text.len + 1;
	model_reserve(&m, m.len, BIG_LINES);
	m.ls[0] = 0;
	m.nls = 1;
	for (i = 0; i < m.len; i++)
		if (m.s[i] == '\n')
			m.ls[m.nls++] = i + 1;
	buf_free(&text);

	/* Random edits through every editing call, at random places or, one
	 * time in three, where the last edit left the cursor (so that typing
	 * and erasing join their steps). The last edit of each block of 500
	 * is a step of its own, so that its undo and redo can be checked
	 * against the text before it. */
	for (i = 0; i < BIG_EDITS; i++) {
		bool last = i % BIG_CHECK == BIG_CHECK - 1;
		uint32_t how = rnd() % 4;

		if (i > 0 && rnd() % 3 == 0) {
			line = r.line;
			col = r.col;
		} else {
			line = rnd() % m.nls;
			col = rnd() % (model_line_len(&m, line) + 1);
		}
		off = m.ls[line] + col;
		if (last) {
			free(snap);
			snap = xstrndup(m.s, m.len);
			snaplen = m.len;
			how %= 2;
		}
		/* A deletion: before the cursor for backspace (how 2), else
		 * after it. */
		n = 1 + rnd() % 60;
		off1 = how == 2 ? (off > n ? off - n : 0) : off;
		off2 = how == 2 ? off : (off + n < m.len ? off + n : m.len);
		if (rnd() % 2 == 0 || off1 == off2) {
			n = random_text(piece, 1 + rnd() % 12, true);
			t = now_s();
			if (how % 2 == 0 || last)
				r = buffer_insert(b, pos(line, col), piece, n);
			else
				r = buffer_type(b, pos(line, col), piece, n,
				                now);
			t_edit += now_s() - t;
			model_insert(&m, line, off, piece, n);
			expect = model_pos(&m, off + n);
		} else {
			from = model_pos(&m, off1);
			to = model_pos(&m, off2);
			t = now_s();
			if (how == 0)
				r = buffer_delete(b, from, to);
			else if (how == 1)
				r = buffer_delete(b, to, from);
			else if (how == 2)
				r = buffer_erase(b, to, from, now);
			else
				r = buffer_erase(b, from, to, now);
			t_edit += now_s() - t;
			model_delete(&m, from.line, off1, to.line, off2);
			expect = from;
		}
		now += 1 + rnd() % 600;
		if (r.line != expect.line || r.col != expect.col)
			bad_pos++;
		if (last) {
			checks++;
			if (!same_text(b, m.s, m.len))
				bad_text++;
			t = now_s();
			ok = buffer_undo(b, NULL);
			t_edit += now_s() - t;
			if (!ok || !same_text(b, snap, snaplen))
				bad_undo++;
			t = now_s();
			ok = buffer_redo(b, NULL);
			t_edit += now_s() - t;
			if (!ok || !same_text(b, m.s, m.len))
				bad_undo++;
		}
	}
	CHECK(checks == BIG_EDITS / BIG_CHECK);
	CHECK(bad_pos == 0);
	CHECK(bad_text == 0);
	CHECK(bad_undo == 0);
	CHECK(buffer_lines(b) == m.nls);
	CHECK(buffer_modified(b));

	/* Every edit fits in the history: undoing them all gives back the
	 * document as loaded, unmodified. */
	t0 = now_s();
	while (buffer_undo(b, NULL))
		undos++;
	t_undo = now_s() - t0;
	CHECK(undos > 0 && undos <= BIG_EDITS);
	CHECK(same_text(b, orig, strlen(orig)) && !buffer_modified(b));
	t_all = now_s() - t_all;
	printf("50,000 lines (%zu bytes): built by insertions in %.3f s, "
	       "loaded in %.3f s; %d random edits (with %zu undo/redo "
	       "checks) in %.3f s of buffer time; %zu undos back to the start "
	       "in %.3f s; %.3f s in all with the reference model\n",
	       strlen(orig), t_build, t_load, BIG_EDITS, checks, t_edit, undos,
	       t_undo, t_all);
	free(snap);
	free(orig);
	free(m.s);
	free(m.ls);
	buffer_free(b);
}

int
main(void)
{
	char dir[] = "/tmp/forge-test-buffer-XXXXXX";

	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		fprintf(stderr, "no C.UTF-8 locale\n");
		return 1;
	}
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_files(dir);
	test_save(dir);
	test_utf8();
	test_columns();
	test_moves();
	test_undo();
	test_modified(dir);
	test_search();
	test_replace();
	test_brackets();
	test_changes();
	test_line_find();
	test_big();
	txt(NULL);
	CHECK(rmdir(dir) == 0);
	return check_done();
}
