/* companion.c without a terminal: the HTTP request, the problem's JSON,
 * the file name made from a problem's name, the files written, and the
 * listener on a real loopback socket. */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/check.h"
#include "tui/tui.h"

static const char problem[] =
    "{\"name\":\"A. Hello\",\"group\":\"Codeforces - Round 1\","
    "\"url\":\"https://codeforces.com/p/A\",\"interactive\":false,"
    "\"memoryLimit\":128,\"timeLimit\":1500,\"tests\":["
    "{\"input\":\"1 2\\n\",\"output\":\"3\\n\"},"
    "{\"input\":\"5 5\\n\",\"output\":\"10\\n\"}]}";

static int
http(const char *req, size_t *off, size_t *len)
{
	return companion_http(req, strlen(req), off, len);
}

static void
test_http(void)
{
	size_t off = 0, len = 0;

	CHECK(http("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"
	           "hello",
	           &off, &len) == 200);
	CHECK(off == 47 && len == 5);
	CHECK(http("POST / HTTP/1.1\r\ncontent-length:  3 \r\n\r\nabc", &off,
	           &len) == 200);
	/* not all there yet */
	CHECK(http("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhel", &off,
	           &len) == 0);
	CHECK(http("POST / HTTP/1.1\r\nContent-Length: 5\r\n", &off, &len) ==
	      0);
	/* refused */
	CHECK(http("GET / HTTP/1.1\r\n\r\n", &off, &len) == 405);
	CHECK(http("\x01\x02\x03 garbage\r\n\r\n", &off, &len) == 400);
	CHECK(http("POST / HTTP/1.1\r\n\r\n", &off, &len) == 411);
	CHECK(http("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
	           &off, &len) == 411);
	CHECK(http("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", &off,
	           &len) == 400);
	CHECK(http("POST / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", &off,
	           &len) == 400);
	CHECK(http("POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n",
	           &off, &len) == 413);
	{
		/* headers that never end */
		size_t n = 20000;
		char *big = malloc(n + 1);
		memset(big, 'a', n);
		memcpy(big, "POST / HTTP/1.1\r\nX: ", 20);
		big[n] = '\0';
		CHECK(http(big, &off, &len) == 413);
		free(big);
	}
}

static void
test_parse(void)
{
	struct companion_problem p;
	char err[256];

	CHECK(companion_parse(problem, strlen(problem), &p, err, sizeof err) ==
	      0);
	CHECK_STR(p.name, "A. Hello");
	CHECK_STR(p.group, "Codeforces - Round 1");
	CHECK_STR(p.url, "https://codeforces.com/p/A");
	CHECK(p.ntests == 2);
	CHECK_STR(p.tests[1].input, "5 5\n");
	CHECK_STR(p.tests[1].output, "10\n");
	CHECK(p.time_ms == 1500);
	CHECK(p.mem_bytes == 128ull << 20);
	CHECK(!p.interactive);
	companion_problem_free(&p);

	CHECK(companion_parse("{", 1, &p, err, sizeof err) < 0);
	CHECK_STR(err, "not a JSON object");
	CHECK(companion_parse("[1]", 3, &p, err, sizeof err) < 0);
	CHECK(companion_parse("{\"name\":\"x\"}", 12, &p, err, sizeof err) < 0);
	CHECK_STR(err, "no \"tests\" array");
	CHECK(companion_parse("{\"tests\":[]}", 12, &p, err, sizeof err) < 0);
	CHECK_STR(err, "no problem \"name\"");
	{
		const char *j = "{\"name\":\"x\",\"tests\":[{\"input\":\"1\"},"
		                "{\"input\":2,\"output\":\"\"}]}";
		CHECK(companion_parse(j, strlen(j), &p, err, sizeof err) < 0);
		CHECK_STR(err,
		          "test 1: \"input\" and \"output\" must be strings");
	}
	{
		/* a limit that is not a number is left out, not believed */
		const char *j = "{\"name\":\"x\",\"timeLimit\":\"long\","
		                "\"memoryLimit\":\"big\",\"tests\":[]}";
		CHECK(companion_parse(j, strlen(j), &p, err, sizeof err) == 0);
		CHECK(p.time_ms == 0 && p.mem_bytes == 0 && p.ntests == 0);
		companion_problem_free(&p);
	}
	{
		/* a number out of range is refused, never cast: a post must
		 * not switch a limit off */
		static const char *const bad[] = {
		    "{\"name\":\"x\",\"timeLimit\":-5,\"tests\":[]}",
		    "{\"name\":\"x\",\"timeLimit\":1e19,\"tests\":[]}",
		    "{\"name\":\"x\",\"timeLimit\":1e300,\"tests\":[]}",
		    "{\"name\":\"x\",\"timeLimit\":86400001,\"tests\":[]}",
		    "{\"name\":\"x\",\"memoryLimit\":1e300,\"tests\":[]}",
		    "{\"name\":\"x\",\"memoryLimit\":-1,\"tests\":[]}",
		    "{\"name\":\"x\",\"memoryLimit\":1048577,\"tests\":[]}",
		};
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			CHECK(companion_parse(bad[i], strlen(bad[i]), &p, err,
			                      sizeof err) < 0);
			CHECK(strstr(err, "Limit\": ") != NULL &&
			      strstr(err, " must be from ") != NULL);
		}
		const char *ok = "{\"name\":\"x\",\"timeLimit\":86400000,"
		                 "\"memoryLimit\":1048576,\"tests\":[]}";
		CHECK(companion_parse(ok, strlen(ok), &p, err, sizeof err) ==
		      0);
		CHECK(p.time_ms == 86400000 && p.mem_bytes == 1ull << 40);
		companion_problem_free(&p);
	}
}

static void
check_name(const char *in, const char *want)
{
	char *s = companion_file_name(in);

	CHECK_STR(s, want);
	free(s);
}

static void
test_file_name(void)
{
	check_name("A. Hello", "A_Hello");
	check_name("../../etc/passwd", "etc_passwd");
	check_name("/", "problem");
	check_name("", "problem");
	check_name("..", "problem");
	check_name("-rf", "problem_");
	check_name("C. Ünïcode — name!", "C_n_code_name");
	check_name("a\nb\tc", "a_b_c");
	{
		/* a long name is cut */
		char longname[200], *s;
		memset(longname, 'x', sizeof longname - 1);
		longname[sizeof longname - 1] = '\0';
		s = companion_file_name(longname);
		CHECK(strlen(s) == 64 && strspn(s, "x") == 64);
		free(s);
	}
}

static bool
file_is(const char *path, const char *want)
{
	struct buf b;
	bool ok;

	buf_init(&b, 0);
	ok =
	    util_read_file(path, &b, 0) == 0 && strcmp(buf_cstr(&b), want) == 0;
	buf_free(&b);
	return ok;
}

static void
test_save(void)
{
	char dir[] = "/tmp/forge-companion-XXXXXX", err[256], *src, *tests, *p;
	struct companion_problem pr;
	bool fresh;

	CHECK(mkdtemp(dir) != NULL);
	CHECK(companion_parse(problem, strlen(problem), &pr, err, sizeof err) ==
	      0);
	CHECK(companion_save(&pr, dir, ".cpp", "int main() {}\n", 14, &src,
	                     &tests, &fresh, err, sizeof err) == 0);
	CHECK(fresh);
	p = util_path_join(dir, "A_Hello.cpp");
	CHECK_STR(src, p);
	CHECK(file_is(p, "int main() {}\n"));
	free(p);
	p = util_path_join(dir, "A_Hello/data/sample/2.ans");
	CHECK(file_is(p, "10\n"));
	free(p);
	p = util_path_join(dir, "A_Hello/problem.yaml");
	CHECK(file_is(p, "# received from competitive-companion\n"
	                 "name: \"A. Hello\"\n"
	                 "source: \"Codeforces - Round 1\"\n"
	                 "source_url: \"https://codeforces.com/p/A\"\n"
	                 "limits:\n  time_limit: 1.500\n  memory: 128\n"));
	free(p);
	{
		/* the engine reads what was written, limits included */
		struct testset ts;
		CHECK(testset_load(&ts, tests, err, sizeof err) == 0);
		CHECK(ts.ntests == 2 && ts.time_ms == 1500 &&
		      ts.mem_bytes == 128ull << 20);
		testset_free(&ts);
	}
	free(src);
	free(tests);

	/* the same problem again: found where it is, nothing rewritten */
	CHECK(companion_save(&pr, dir, ".cpp", "other", 5, &src, &tests, &fresh,
	                     err, sizeof err) == 0);
	CHECK(!fresh);
	p = util_path_join(dir, "A_Hello.cpp");
	CHECK_STR(src, p);
	CHECK(file_is(p, "int main() {}\n"));
	free(src);
	free(tests);

	/* another problem of that name: a new name, the old file kept */
	pr.time_ms = 2000;
	CHECK(companion_save(&pr, dir, ".cpp", NULL, 0, &src, &tests, &fresh,
	                     err, sizeof err) == 0);
	CHECK(fresh);
	free(p);
	p = util_path_join(dir, "A_Hello-2.cpp");
	CHECK_STR(src, p);
	CHECK(file_is(p, ""));
	free(p);
	free(src);
	free(tests);
	companion_problem_free(&pr);

	/* a directory that is not there */
	CHECK(companion_parse(problem, strlen(problem), &pr, err, sizeof err) ==
	      0);
	CHECK(companion_save(&pr, "/nonexistent/dir", ".c", NULL, 0, &src,
	                     &tests, &fresh, err, sizeof err) < 0);
	CHECK(src == NULL && strstr(err, "/nonexistent/dir") != NULL);
	companion_problem_free(&pr);
	{
		char *cmd;
		xasprintf(&cmd, "rm -rf '%s'", dir);
		CHECK(system(cmd) == 0);
		free(cmd);
	}
}

/* Sends req to the listener and reads the answer's status line. */
static int
post(struct companion *c, int port, const char *req, size_t len,
     struct companion_problem *p, int *got)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), status = -1;
	char err[256], reply[512];
	ssize_t n = 0;

	*got = 0;
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		close(fd);
		return -1;
	}
	(void)!write(fd, req, len);
	shutdown(fd, SHUT_WR);
	for (int i = 0; i < 200 && n <= 0; i++) {
		struct pollfd pf = {companion_fd(c), POLLIN, 0};
		int r;
		poll(&pf, 1, 10);
		while ((r = companion_step(c, p, err, sizeof err)) != 0)
			*got = r;
		pf = (struct pollfd){fd, POLLIN, 0};
		if (poll(&pf, 1, 0) > 0)
			n = read(fd, reply, sizeof reply - 1);
	}
	if (n > 0) {
		reply[n] = '\0';
		sscanf(reply, "HTTP/1.1 %d", &status);
	}
	close(fd);
	return status;
}

static void
test_listen(void)
{
	char err[256], *req;
	const char *junk;
	struct companion *c = NULL;
	struct companion_problem p;
	int port, got;

	/* a free port near the default */
	for (port = 40000 + getpid() % 20000; c == NULL && port < 65000; port++)
		c = companion_listen(port, err, sizeof err);
	port--;
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK(companion_port(c) == port);
	xasprintf(&req,
	          "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
	          "application/json\r\nContent-Length: %zu\r\n\r\n%s",
	          strlen(problem), problem);
	CHECK(post(c, port, req, strlen(req), &p, &got) == 200);
	CHECK(got == 1);
	if (got == 1) {
		CHECK_STR(p.name, "A. Hello");
		companion_problem_free(&p);
	}
	free(req);
	CHECK(post(c, port, "GET / HTTP/1.1\r\n\r\n", 18, &p, &got) == 405);
	CHECK(got == -1);
	junk = "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n{oops";
	CHECK(post(c, port, junk, strlen(junk), &p, &got) == 400);
	CHECK(got == -1);
	/* the listener still answers after the junk */
	CHECK(!companion_busy(c));
	companion_close(c);
}

int
main(void)
{
	test_http();
	test_parse();
	test_file_name();
	test_save();
	test_listen();
	return check_done();
}
