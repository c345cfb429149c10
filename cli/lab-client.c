/* forge lab and forge submit, the client side: each action is one or two
 * requests to the lab's routes (doc/openapi.yaml, /v1/lab/...) and what
 * their JSON says, printed for people (or as it came, with --json). In
 * forge-full alone (libcurl). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/lab-http.h"

/* The largest upload the server takes (serve.h's SERVE_BODY_MAX). */
#define LAB_UPLOAD_MAX (16u << 20)
/* How long rejudge waits for the new verdicts (seconds). */
#define LAB_REJUDGE_WAIT 600

/* A request whose answer is JSON: 0 and the parsed body, or an exit
 * status with the message said (2: the server refused, 3: it failed or
 * cannot be reached). With limited not NULL, a 429 (the token's rate)
 * is not said: *limited is set and 2 returned. */
static int
lab_call_limited(struct lab_http *h, const char *method, const char *path,
                 const char *ctype, const char *body, size_t len,
                 struct buf *raw, struct jsonparse_value **out, bool *limited)
{
	struct jsonparse_error pe;
	long status = 0;
	const char *msg;

	*out = NULL;
	buf_reset(raw);
	if (lab_http_request(h, method, path, ctype, body, len, &status, raw) <
	    0) {
		fprintf(stderr, "forge: %s\n", h->err);
		return EXIT_INTERNAL;
	}
	*out = jsonparse_parse(raw->data ? raw->data : "", raw->len, &pe);
	if (status >= 200 && status < 300 && *out != NULL)
		return 0;
	if (limited != NULL && status == 429) {
		*limited = true;
		jsonparse_free(*out);
		*out = NULL;
		return EXIT_USAGE;
	}
	msg = jsonparse_string(jsonparse_get(*out, "error"), NULL);
	fprintf(stderr, "forge: %s: %s (HTTP %ld)\n", h->server,
	        msg ? msg : "not the answer of a forge serve", status);
	jsonparse_free(*out);
	*out = NULL;
	return status >= 400 && status < 500 ? EXIT_USAGE : EXIT_INTERNAL;
}

int
lab_call(struct lab_http *h, const char *method, const char *path,
         const char *ctype, const char *body, size_t len, struct buf *raw,
         struct jsonparse_value **out)
{
	return lab_call_limited(h, method, path, ctype, body, len, raw, out,
	                        NULL);
}

const char *
lab_str(const struct jsonparse_value *o, const char *key, const char *dflt)
{
	const char *s = jsonparse_string(jsonparse_get(o, key), NULL);

	return s ? s : dflt;
}

long long
lab_int(const struct jsonparse_value *o, const char *key)
{
	int64_t v = 0;

	return jsonparse_int(jsonparse_get(o, key), &v) ? (long long)v : 0;
}

/* -------------------------------------------------------------- add */

struct lab_pack {
	struct buf tar;
	size_t bytes;
	char err[1024];
};

/* dir's entries into the archive under prefix; -1 with p->err. Names
 * that start with a dot are left out (forge judge skips them too); a
 * link is packed as the file it names, a link to a directory refused. */
static int
lab_pack_dir(struct lab_pack *p, const char *dir, const char *prefix, int depth)
{
	char **names;
	size_t n;
	int ret = 0;

	if (depth > 16) {
		snprintf(p->err, sizeof p->err, "%s: too deep", dir);
		return -1;
	}
	names = testset_list(dir, &n, false);
	for (size_t i = 0; i < n && ret == 0; i++) {
		char *path = util_path_join(dir, names[i]), *name;
		struct stat st, lst;
		struct buf data;

		xasprintf(&name, "%s%s", prefix, names[i]);
		if (lstat(path, &lst) < 0 || stat(path, &st) < 0) {
			snprintf(p->err, sizeof p->err, "%s: %s", path,
			         strerror(errno));
			ret = -1;
		} else if (S_ISDIR(st.st_mode) && S_ISLNK(lst.st_mode)) {
			snprintf(p->err, sizeof p->err,
			         "%s: a link to a directory; copy it in, "
			         "please",
			         path);
			ret = -1;
		} else if (S_ISDIR(st.st_mode)) {
			char *sub;

			xasprintf(&sub, "%s/", name);
			if (tar_add(&p->tar, name, '5', NULL, 0) < 0)
				goto long_name;
			ret = lab_pack_dir(p, path, sub, depth + 1);
			free(sub);
		} else if (S_ISREG(st.st_mode)) {
			buf_init(&data, 0);
			if ((p->bytes += (size_t)st.st_size) > LAB_UPLOAD_MAX) {
				snprintf(p->err, sizeof p->err,
				         "the problem is larger than the "
				         "server takes (16 MiB)");
				ret = -1;
			} else if (util_read_file(path, &data, LAB_UPLOAD_MAX) <
			           0) {
				snprintf(p->err, sizeof p->err, "%s: %s", path,
				         strerror(errno));
				ret = -1;
			} else if (tar_add(&p->tar, name, '0', data.data,
			                   data.len) < 0) {
				buf_free(&data);
				goto long_name;
			}
			buf_free(&data);
		}
		/* anything else (a fifo, a socket) is no test's */
		free(name);
		free(path);
		continue;
	long_name:
		snprintf(p->err, sizeof p->err, "%s: a name too long for tar",
		         name);
		free(name);
		free(path);
		ret = -1;
	}
	testset_free_list(names, n);
	return ret;
}

/* The problem's default name: the directory's (a file's without .json). */
static char *
lab_default_name(const char *path)
{
	char *copy = xstrdup(path), *base, *dot;
	size_t n = strlen(copy);

	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	base = strrchr(copy, '/') ? strrchr(copy, '/') + 1 : copy;
	base = xstrdup(base);
	free(copy);
	if ((dot = strrchr(base, '.')) != NULL && strcmp(dot, ".json") == 0)
		*dot = '\0';
	return base;
}

static bool
lab_name_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 && s[0] != '.' && s[0] != '-' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                 "0123456789._-") == n;
}

static int
lab_add(struct lab_http *h, const struct lab_args *l)
{
	const char *src = l->argv[1];
	char *name = l->name ? xstrdup(l->name) : lab_default_name(src), *path;
	struct lab_pack p = {0};
	struct jsonparse_value *v;
	struct buf raw;
	struct stat st;
	int ret;

	if (!lab_name_valid(name)) {
		ret = cli_usage_error("'%s' is not a problem's name (1 to 64 "
		                      "of A-Z a-z 0-9 . _ -): say --name",
		                      name);
		free(name);
		return ret;
	}
	if (stat(src, &st) < 0) {
		free(name);
		return cli_usage_error("%s: %s", src, strerror(errno));
	}
	buf_init(&p.tar, 0);
	if (S_ISDIR(st.st_mode))
		ret = lab_pack_dir(&p, src, "", 0);
	else {
		struct buf data;
		char *base =
		    strrchr(src, '/') ? strrchr(src, '/') + 1 : (char *)src;

		buf_init(&data, 0);
		ret = util_read_file(src, &data, LAB_UPLOAD_MAX);
		if (ret < 0)
			snprintf(p.err, sizeof p.err, "%s: %s", src,
			         strerror(errno));
		else if (tar_add(&p.tar, base, '0', data.data, data.len) < 0) {
			snprintf(p.err, sizeof p.err, "%s: a name too long",
			         src);
			ret = -1;
		}
		buf_free(&data);
	}
	if (ret < 0) {
		buf_free(&p.tar);
		free(name);
		return cli_usage_error("%s", p.err);
	}
	tar_end(&p.tar);
	xasprintf(&path, "/v1/lab/problems?name=%s%s", name,
	          l->hidden ? "&hidden_tests=true" : "");
	buf_init(&raw, 0);
	ret = lab_call(h, "POST", path, "application/x-tar", p.tar.data,
	               p.tar.len, &raw, &v);
	if (ret == 0)
		printf(
		    "%s %s: %lld test%s (%s), %lld a student sees\n",
		    jsonparse_is(jsonparse_get(v, "replaced"), JSONPARSE_TRUE)
		        ? "replaced"
		        : "added",
		    name, lab_int(v, "tests"),
		    lab_int(v, "tests") == 1 ? "" : "s",
		    lab_str(v, "kind", "?"), lab_int(v, "visible"));
	jsonparse_free(v);
	buf_free(&raw);
	buf_free(&p.tar);
	free(path);
	free(name);
	return ret;
}

/* -------------------------------------------------------- set, list */

static int
lab_set(struct lab_http *h, const struct lab_args *l)
{
	struct jsonparse_value *v;
	struct buf body, raw;
	struct json_writer w = {&body, false};
	char *path;
	int ret;

	if (!lab_name_valid(l->argv[1]))
		return cli_usage_error("'%s' is not a set's name", l->argv[1]);
	buf_init(&body, 0);
	buf_init(&raw, 0);
	json_open(&w, NULL, '{');
	json_double(&w, "open", l->open);
	json_double(&w, "close", l->close);
	json_open(&w, "problems", '[');
	for (int i = 2; i < l->argc; i++)
		json_cstr(&w, NULL, l->argv[i]);
	json_close(&w, ']');
	json_close(&w, '}');
	xasprintf(&path, "/v1/lab/sets/%s", l->argv[1]);
	ret = lab_call(h, "PUT", path, NULL, body.data, body.len, &raw, &v);
	if (ret == 0)
		printf("set %s: %s, from %s to %s\n", lab_str(v, "name", "?"),
		       lab_str(v, "state", "?"), lab_str(v, "open", "?"),
		       lab_str(v, "close", "?"));
	jsonparse_free(v);
	buf_free(&body);
	buf_free(&raw);
	free(path);
	return ret;
}

static int
lab_list(struct lab_http *h, const struct lab_args *l)
{
	struct jsonparse_value *p = NULL, *s = NULL;
	struct buf raw, raw2;
	int ret;

	buf_init(&raw, 0);
	buf_init(&raw2, 0);
	if ((ret = lab_call(h, "GET", "/v1/lab/problems", NULL, NULL, 0, &raw,
	                    &p)) != 0 ||
	    (ret = lab_call(h, "GET", "/v1/lab/sets", NULL, NULL, 0, &raw2,
	                    &s)) != 0)
		goto out;
	if (l->json) {
		printf("{\"problems\":%.*s,\"sets\":%.*s}\n", (int)raw.len - 1,
		       raw.data, (int)raw2.len - 1, raw2.data);
		goto out;
	}
	printf("%-20s %-7s %5s %7s  %s\n", "PROBLEM", "KIND", "TESTS",
	       "VISIBLE", "OPEN");
	for (size_t i = 0; i < jsonparse_len(p); i++) {
		const struct jsonparse_value *o = jsonparse_at(p, i);

		printf("%-20s %-7s %5lld %7lld  %s\n", lab_str(o, "name", "?"),
		       lab_str(o, "kind", "?"), lab_int(o, "tests"),
		       lab_int(o, "visible"),
		       jsonparse_is(jsonparse_get(o, "open"), JSONPARSE_TRUE)
		           ? "yes"
		           : "no");
	}
	printf("\n%-20s %-8s %-20s %-20s  %s\n", "SET", "STATE", "OPEN",
	       "CLOSE", "PROBLEMS");
	for (size_t i = 0; i < jsonparse_len(s); i++) {
		const struct jsonparse_value *o = jsonparse_at(s, i),
		                             *ps = jsonparse_get(o, "problems");

		printf("%-20s %-8s %-20s %-20s ", lab_str(o, "name", "?"),
		       lab_str(o, "state", "?"), lab_str(o, "open", "?"),
		       lab_str(o, "close", "?"));
		for (size_t j = 0; j < jsonparse_len(ps); j++)
			printf(" %s",
			       jsonparse_string(jsonparse_at(ps, j), NULL));
		printf("\n");
	}
out:
	jsonparse_free(p);
	jsonparse_free(s);
	buf_free(&raw);
	buf_free(&raw2);
	return ret;
}

/* ------------------------------------------------------------ board */

/* A cell for people: "+A @M" solved (A attempts, the first AC's minute),
 * "-A" attempted, "." never; on an IOI board "P (A)", the best points
 * in A attempts; "?" when some are being judged. */
static void
lab_cell(const struct jsonparse_value *c, bool ioi, char *out, size_t len)
{
	long long a = lab_int(c, "attempts"), pend = lab_int(c, "pending");

	if (ioi && (a > 0 || pend > 0))
		snprintf(out, len, "%g (%lld)%s",
		         jsonparse_number(jsonparse_get(c, "points")), a,
		         pend ? "?" : "");
	else if (ioi)
		snprintf(out, len, ".");
	else if (jsonparse_is(jsonparse_get(c, "solved"), JSONPARSE_TRUE))
		snprintf(out, len, "+%lld @%lld", a,
		         lab_int(c, "first_ac_minutes"));
	else if (a > 0 || pend > 0)
		snprintf(out, len, "-%lld%s", a, pend ? "?" : "");
	else
		snprintf(out, len, ".");
}

/* A CSV field: quoted when it must be. */
static void
lab_csv(const char *s, bool last)
{
	if (strpbrk(s, ",\"\n") == NULL)
		fputs(s, stdout);
	else {
		putchar('"');
		for (; *s; s++) {
			if (*s == '"')
				putchar('"');
			putchar(*s);
		}
		putchar('"');
	}
	putchar(last ? '\n' : ',');
}

static void
lab_board_csv(const struct jsonparse_value *b)
{
	const struct jsonparse_value *ps = jsonparse_get(b, "problems"),
	                             *ss = jsonparse_get(b, "students");
	bool ioi = strcmp(lab_str(b, "scoring", ""), "ioi") == 0;
	char n[64];

	lab_csv("student", false);
	lab_csv("rank", false);
	lab_csv("solved", false);
	lab_csv("penalty", jsonparse_len(ps) == 0 && !ioi);
	if (ioi)
		lab_csv("points", jsonparse_len(ps) == 0);
	for (size_t j = 0; j < jsonparse_len(ps); j++) {
		const char *p = jsonparse_string(jsonparse_at(ps, j), NULL);
		char col[128];

		snprintf(col, sizeof col, "%s solved", p);
		lab_csv(col, false);
		snprintf(col, sizeof col, "%s attempts", p);
		lab_csv(col, false);
		snprintf(col, sizeof col, "%s first AC minute", p);
		lab_csv(col, !ioi && j + 1 == jsonparse_len(ps));
		if (ioi) {
			snprintf(col, sizeof col, "%s points", p);
			lab_csv(col, j + 1 == jsonparse_len(ps));
		}
	}
	for (size_t i = 0; i < jsonparse_len(ss); i++) {
		const struct jsonparse_value *s = jsonparse_at(ss, i),
		                             *cs = jsonparse_get(s, "problems");

		lab_csv(lab_str(s, "name", "?"), false);
		snprintf(n, sizeof n, "%lld", lab_int(s, "rank"));
		lab_csv(n, false);
		snprintf(n, sizeof n, "%lld", lab_int(s, "solved"));
		lab_csv(n, false);
		snprintf(n, sizeof n, "%lld", lab_int(s, "penalty"));
		lab_csv(n, jsonparse_len(cs) == 0 && !ioi);
		if (ioi) {
			snprintf(n, sizeof n, "%g",
			         jsonparse_number(jsonparse_get(s, "points")));
			lab_csv(n, jsonparse_len(cs) == 0);
		}
		for (size_t j = 0; j < jsonparse_len(cs); j++) {
			const struct jsonparse_value *c = jsonparse_at(cs, j);
			bool ok = jsonparse_is(jsonparse_get(c, "solved"),
			                       JSONPARSE_TRUE);

			lab_csv(ok ? "1" : "0", false);
			snprintf(n, sizeof n, "%lld", lab_int(c, "attempts"));
			lab_csv(n, false);
			snprintf(n, sizeof n, "%lld",
			         lab_int(c, "first_ac_minutes"));
			lab_csv(ok ? n : "",
			        !ioi && j + 1 == jsonparse_len(cs));
			if (ioi) {
				snprintf(n, sizeof n, "%g",
				         jsonparse_number(
				             jsonparse_get(c, "points")));
				lab_csv(n, j + 1 == jsonparse_len(cs));
			}
		}
	}
}

static void
lab_board_text(const struct jsonparse_value *b)
{
	const struct jsonparse_value *ps = jsonparse_get(b, "problems"),
	                             *ss = jsonparse_get(b, "students");
	bool ioi = strcmp(lab_str(b, "scoring", ""), "ioi") == 0;
	char cell[64];

	printf("%-4s %-20s", "RANK", "STUDENT");
	for (size_t j = 0; j < jsonparse_len(ps); j++)
		printf(" %-12.12s",
		       jsonparse_string(jsonparse_at(ps, j), NULL));
	if (ioi)
		printf(" %6s\n", "POINTS");
	else
		printf(" %6s %7s\n", "SOLVED", "PENALTY");
	for (size_t i = 0; i < jsonparse_len(ss); i++) {
		const struct jsonparse_value *s = jsonparse_at(ss, i),
		                             *cs = jsonparse_get(s, "problems");

		printf("%-4lld %-20s", lab_int(s, "rank"),
		       lab_str(s, "name", "?"));
		for (size_t j = 0; j < jsonparse_len(cs); j++) {
			lab_cell(jsonparse_at(cs, j), ioi, cell, sizeof cell);
			printf(" %-12s", cell);
		}
		if (ioi)
			printf(" %6g\n",
			       jsonparse_number(jsonparse_get(s, "points")));
		else
			printf(" %6lld %7lld\n", lab_int(s, "solved"),
			       lab_int(s, "penalty"));
	}
	if (ioi) {
		printf("\nP (A): the best points in A attempts; ?: being "
		       "judged. A problem that does\nnot score is worth 1 "
		       "point, solved.\n");
		return;
	}
	printf("\n+A @M: solved in A attempts, first AC M minutes after the "
	       "set opened; -A: A\nattempts, none AC; ?: being judged. "
	       "Penalty: M + %lld per rejected attempt\nbefore the AC (a "
	       "compile error costs nothing).\n",
	       lab_int(b, "penalty_minutes"));
}

/* The board's JSON as --json, --csv or text say: 0, or 3 said. Also
 * forge lab board --db's, whose JSON forge-serve makes itself. */
int
lab_client_board(const struct lab_args *l, const char *json, size_t len)
{
	struct jsonparse_error pe;
	struct jsonparse_value *b = jsonparse_parse(json, len, &pe);

	if (b == NULL) {
		fprintf(stderr, "forge: the board is not JSON: %s\n", pe.msg);
		return EXIT_INTERNAL;
	}
	if (l->json)
		fwrite(json, 1, len, stdout);
	else if (l->csv)
		lab_board_csv(b);
	else
		lab_board_text(b);
	jsonparse_free(b);
	return 0;
}

static int
lab_board(struct lab_http *h, const struct lab_args *l)
{
	struct jsonparse_value *b;
	struct buf raw;
	int ret;

	buf_init(&raw, 0);
	if ((ret = lab_call(h, "GET", "/v1/lab/board", NULL, NULL, 0, &raw,
	                    &b)) == 0)
		ret = lab_client_board(l, raw.data, raw.len);
	jsonparse_free(b);
	buf_free(&raw);
	return ret;
}

/* ----------------------------------------------- submissions, waits */

/* The submission once it is judged (or the wait is over): 0 and its
 * JSON, or an exit status. A token's rate limit (429) slows the polling
 * down rather than failing it. */
static int
lab_wait(struct lab_http *h, long long id, unsigned wait_s, struct buf *raw,
         struct jsonparse_value **out)
{
	uint64_t until = util_now_ms() + (uint64_t)wait_s * 1000;
	char path[64];
	int ret;

	snprintf(path, sizeof path, "/v1/lab/submissions/%lld", id);
	for (;;) {
		bool limited = false;

		ret = lab_call_limited(h, "GET", path, NULL, NULL, 0, raw, out,
		                       &limited);
		if (limited && util_now_ms() < until) {
			sleep(1);
			continue;
		}
		if (limited)
			fprintf(stderr,
			        "forge: %s: the token's rate limit kept the "
			        "verdict back for %u s\n",
			        h->server, wait_s);
		if (ret != 0)
			return ret;
		if (strcmp(lab_str(*out, "status", ""), "done") == 0 ||
		    util_now_ms() >= until)
			return 0;
		jsonparse_free(*out);
		*out = NULL;
		usleep(250 * 1000);
	}
}

static int
lab_rejudge(struct lab_http *h, const struct lab_args *l)
{
	struct jsonparse_value *v, *s = NULL;
	const struct jsonparse_value *list;
	struct buf raw, raw2;
	char *path;
	size_t changed = 0, n;
	int ret;

	buf_init(&raw, 0);
	buf_init(&raw2, 0);
	xasprintf(&path, "/v1/lab/problems/%s/rejudge", l->argv[1]);
	if ((ret = lab_call(h, "POST", path, NULL, "", 0, &raw, &v)) != 0)
		goto out;
	list = jsonparse_get(v, "rejudged");
	n = jsonparse_len(list);
	for (size_t i = 0; i < n && ret == 0; i++) {
		const struct jsonparse_value *o = jsonparse_at(list, i);
		const char *before = lab_str(o, "before", "?"), *after;

		if ((ret = lab_wait(h, lab_int(o, "id"), LAB_REJUDGE_WAIT,
		                    &raw2, &s)) != 0)
			break;
		after = lab_str(s, "verdict", lab_str(s, "status", "?"));
		if (strcmp(before, after) != 0) {
			if (changed++ == 0)
				printf("%-6s %-20s %-8s    %s\n", "ID",
				       "STUDENT", "BEFORE", "NOW");
			printf("%-6lld %-20s %-8s -> %s\n", lab_int(o, "id"),
			       lab_str(o, "student", "-"), before, after);
		}
		jsonparse_free(s);
		s = NULL;
	}
	if (ret == 0)
		printf("%s: %zu submission%s judged again, %zu verdict%s "
		       "changed\n",
		       l->argv[1], n, n == 1 ? "" : "s", changed,
		       changed == 1 ? "" : "s");
	if (ret == 0 && lab_int(v, "left") > 0) {
		fprintf(stderr,
		        "forge: %lld submissions were not queued (the queue "
		        "is full): rejudge again later\n",
		        lab_int(v, "left"));
		ret = EXIT_INTERNAL;
	}
	jsonparse_free(v);
out:
	buf_free(&raw);
	buf_free(&raw2);
	free(path);
	return ret;
}

long long
lab_id(const char *s)
{
	char *end;
	long long id = strtoll(s, &end, 10);

	return *s != '\0' && *end == '\0' && id > 0 ? id : 0;
}

static void
lab_show_tests(const struct jsonparse_value *res)
{
	const struct jsonparse_value *ts = jsonparse_get(res, "tests");
	struct buf out;

	buf_init(&out, 0);
	jsonparse_output(res, "compile_output", &out);
	if (out.len > 0)
		printf("--- compiler output\n%s%s", buf_cstr(&out),
		       out.data[out.len - 1] == '\n' ? "" : "\n");
	buf_free(&out);
	if (jsonparse_len(ts) == 0)
		return;
	printf("--- tests\n");
	for (size_t i = 0; i < jsonparse_len(ts); i++) {
		const struct jsonparse_value *t = jsonparse_at(ts, i);
		const char *diff = lab_str(t, "diff", NULL);

		printf("%-20s %-4s %7.3fs %8lldK%s%s\n",
		       lab_str(t, "name", "?"), lab_str(t, "verdict", "?"),
		       (double)lab_int(t, "time_ms") / 1000.0,
		       lab_int(t, "memory_kb"), diff ? "  " : "",
		       diff ? diff : "");
		buf_init(&out, 0);
		jsonparse_output(t, "stderr", &out);
		if (out.len > 0)
			printf("  stderr: %.*s%s", (int)out.len, out.data,
			       out.data[out.len - 1] == '\n' ? "" : "\n");
		buf_free(&out);
	}
}

static void
lab_show_head(const struct jsonparse_value *s)
{
	const char *before = lab_str(s, "before", NULL);

	printf("submission %lld: %s by %s, %s, %s\nverdict: %s",
	       lab_int(s, "id"), lab_str(s, "problem", "?"),
	       lab_str(s, "student", "-"), lab_str(s, "language", "?"),
	       lab_str(s, "created", "?"),
	       lab_str(s, "verdict", lab_str(s, "status", "?")));
	if (before != NULL)
		printf(" (%s before the last rejudge)", before);
	if (jsonparse_is(jsonparse_get(s, "points"), JSONPARSE_NUMBER))
		printf(", %g/%g points",
		       jsonparse_number(jsonparse_get(s, "points")),
		       jsonparse_number(jsonparse_get(s, "max_points")));
	printf("\n");
}

static int
lab_show(struct lab_http *h, const struct lab_args *l)
{
	long long id = lab_id(l->argv[1]);
	struct jsonparse_value *s;
	struct buf raw;
	char path[64];
	int ret;
	const char *src;

	if (id == 0)
		return cli_usage_error("'%s' is not a submission's id",
		                       l->argv[1]);
	buf_init(&raw, 0);
	snprintf(path, sizeof path, "/v1/lab/submissions/%lld", id);
	if ((ret = lab_call(h, "GET", path, NULL, NULL, 0, &raw, &s)) == 0) {
		if (l->json)
			buf_write(&raw, stdout);
		else {
			lab_show_head(s);
			src = lab_str(s, "source", "");
			printf("--- source\n%s%s", src,
			       src[0] && src[strlen(src) - 1] != '\n' ? "\n"
			                                              : "");
			lab_show_tests(jsonparse_get(s, "result"));
		}
	}
	jsonparse_free(s);
	buf_free(&raw);
	return ret;
}

/* The lines of a text (pointers into a copy that *owner holds). */
static char **
lab_lines(const char *text, size_t *n, char **owner)
{
	char **v = NULL, *p;

	*owner = xstrdup(text);
	*n = 0;
	for (p = *owner; *p != '\0';) {
		char *nl = strchr(p, '\n');

		v = xrealloc(v, (*n + 1) * sizeof *v);
		v[(*n)++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	return v;
}

/* A line diff (the longest common subsequence): ' ' both, '-' the first
 * only, '+' the second only. */
static void
lab_line_diff(const char *x, const char *y)
{
	char *ox, *oy, **a, **b;
	size_t n, m;
	unsigned *d;

	a = lab_lines(x, &n, &ox);
	b = lab_lines(y, &m, &oy);
	if ((double)(n + 1) * (double)(m + 1) > 16e6) {
		printf("(the sources are too long to compare line by line: "
		       "%zu and %zu lines)\n",
		       n, m);
		goto out;
	}
	d = xcalloc((n + 1) * (m + 1), sizeof *d);
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			d[i * (m + 1) + j] =
			    strcmp(a[i], b[j]) == 0
			        ? d[(i + 1) * (m + 1) + j + 1] + 1
			    : d[(i + 1) * (m + 1) + j] >= d[i * (m + 1) + j + 1]
			        ? d[(i + 1) * (m + 1) + j]
			        : d[i * (m + 1) + j + 1];
	for (size_t i = 0, j = 0; i < n || j < m;) {
		if (i < n && j < m && strcmp(a[i], b[j]) == 0) {
			printf(" %s\n", a[i++]);
			j++;
		} else if (j == m || (i < n && d[(i + 1) * (m + 1) + j] >=
		                                   d[i * (m + 1) + j + 1]))
			printf("-%s\n", a[i++]);
		else
			printf("+%s\n", b[j++]);
	}
	free(d);
out:
	free(a);
	free(b);
	free(ox);
	free(oy);
}

static int
lab_diff(struct lab_http *h, const struct lab_args *l)
{
	struct jsonparse_value *s[2] = {NULL, NULL};
	const struct jsonparse_value *ta, *tb;
	struct buf raw;
	int ret = 0;

	buf_init(&raw, 0);
	for (int k = 0; k < 2 && ret == 0; k++) {
		long long id = lab_id(l->argv[1 + k]);
		char path[64];

		if (id == 0) {
			ret = cli_usage_error("'%s' is not a submission's id",
			                      l->argv[1 + k]);
			break;
		}
		snprintf(path, sizeof path, "/v1/lab/submissions/%lld", id);
		ret = lab_call(h, "GET", path, NULL, NULL, 0, &raw, &s[k]);
	}
	if (ret != 0)
		goto out;
	printf("--- %lld (%s by %s: %s)\n+++ %lld (%s by %s: %s)\n",
	       lab_int(s[0], "id"), lab_str(s[0], "problem", "?"),
	       lab_str(s[0], "student", "-"), lab_str(s[0], "verdict", "?"),
	       lab_int(s[1], "id"), lab_str(s[1], "problem", "?"),
	       lab_str(s[1], "student", "-"), lab_str(s[1], "verdict", "?"));
	lab_line_diff(lab_str(s[0], "source", ""), lab_str(s[1], "source", ""));
	ta = jsonparse_get(jsonparse_get(s[0], "result"), "tests");
	tb = jsonparse_get(jsonparse_get(s[1], "result"), "tests");
	for (size_t i = 0; i < jsonparse_len(ta); i++) {
		const char *name = lab_str(jsonparse_at(ta, i), "name", "?"),
		           *va = lab_str(jsonparse_at(ta, i), "verdict", "?");

		for (size_t j = 0; j < jsonparse_len(tb); j++) {
			const char *vb =
			    lab_str(jsonparse_at(tb, j), "verdict", "?");

			if (strcmp(name, lab_str(jsonparse_at(tb, j), "name",
			                         "")) == 0 &&
			    strcmp(va, vb) != 0)
				printf("test %s: %s -> %s\n", name, va, vb);
		}
	}
out:
	jsonparse_free(s[0]);
	jsonparse_free(s[1]);
	buf_free(&raw);
	return ret;
}

static int
lab_submissions(struct lab_http *h, const struct lab_args *l)
{
	struct jsonparse_value *v;
	struct buf raw;
	char *path;
	int ret;

	if (l->problem != NULL && !lab_name_valid(l->problem))
		return cli_usage_error("'%s' is not a problem's name",
		                       l->problem);
	buf_init(&raw, 0);
	xasprintf(&path, "/v1/lab/submissions%s%s",
	          l->problem ? "?problem=" : "", l->problem ? l->problem : "");
	if ((ret = lab_call(h, "GET", path, NULL, NULL, 0, &raw, &v)) == 0) {
		if (l->json)
			buf_write(&raw, stdout);
		else {
			printf("%-6s %-16s %-16s %-10s %-8s %s\n", "ID",
			       "PROBLEM", "STUDENT", "LANGUAGE", "VERDICT",
			       "SUBMITTED");
			for (size_t i = 0; i < jsonparse_len(v); i++) {
				const struct jsonparse_value *o =
				    jsonparse_at(v, i);

				printf("%-6lld %-16s %-16s %-10s %-8s %s\n",
				       lab_int(o, "id"),
				       lab_str(o, "problem", "?"),
				       lab_str(o, "student", "-"),
				       lab_str(o, "language", "?"),
				       lab_str(o, "verdict",
				               lab_str(o, "status", "?")),
				       lab_str(o, "created", "?"));
			}
		}
	}
	jsonparse_free(v);
	buf_free(&raw);
	free(path);
	return ret;
}

/* ----------------------------------------------------------- submit */

struct lab_live {
	bool quiet; /* --json: the result only, at the end */
	bool color;
	char verdict[16];
	struct buf result;
};

static int
lab_live_event(const char *kind, const char *data, void *arg)
{
	struct lab_live *lv = arg;
	struct jsonparse_error pe;
	struct jsonparse_value *v;
	enum verdict vd = VERDICT_IE;
	const char *name;

	if (strcmp(kind, "test") != 0 && strcmp(kind, "result") != 0)
		return 0;
	if ((v = jsonparse_parse(data, strlen(data), &pe)) == NULL)
		return 0;
	name = lab_str(v, "verdict", "IE");
	(void)verdict_from_name(name, &vd);
	if (strcmp(kind, "test") == 0 && !lv->quiet)
		printf("%-20s %s%-4s%s %7.3fs %8lldK\n",
		       lab_str(v, "name", "?"), report_color(vd, lv->color),
		       name, lv->color ? "\033[0m" : "",
		       lab_int(v, "time_ms") / 1e3, lab_int(v, "memory_kb"));
	fflush(stdout);
	if (strcmp(kind, "result") == 0) {
		snprintf(lv->verdict, sizeof lv->verdict, "%s", name);
		buf_addstr(&lv->result, data);
	}
	jsonparse_free(v);
	return strcmp(kind, "result") == 0 ? 1 : 0;
}

static int
lab_submit(struct lab_http *h, const struct lab_args *l)
{
	const char *problem = l->argv[0], *file = l->argv[1];
	struct lab_live lv = {.quiet = l->json, .color = cli_color(1)};
	struct language_set langs;
	const struct language *lang;
	struct jsonparse_value *v = NULL, *r = NULL;
	struct buf src, body, raw;
	struct json_writer w = {&body, false};
	char *path;
	long long id;
	long status;
	int ret;

	if (!lab_name_valid(problem))
		return cli_usage_error("'%s' is not a problem's name", problem);
	buf_init(&src, 0);
	if ((ret = cli_read_source(file, &src)) != 0)
		return ret;
	lang_load_all(&langs);
	lang = l->lang ? lang_find_id(&langs, l->lang)
	               : lang_find_file(&langs, file);
	if (lang == NULL) {
		lang_set_free(&langs);
		buf_free(&src);
		return l->lang ? cli_usage_error("unknown language '%s' (see "
		                                 "'forge langs')",
		                                 l->lang)
		               : cli_usage_error("%s: which language? name it "
		                                 "with -l",
		                                 file);
	}
	buf_init(&body, 0);
	buf_init(&raw, 0);
	buf_init(&lv.result, 0);
	json_open(&w, NULL, '{');
	json_cstr(&w, "language", lang->id);
	json_str(&w, "source", src.data ? src.data : "", src.len);
	json_close(&w, '}');
	lang_set_free(&langs);
	xasprintf(&path, "/v1/lab/problems/%s/submissions", problem);
	if ((ret = lab_call(h, "POST", path, NULL, body.data, body.len, &raw,
	                    &v)) != 0)
		goto out;
	id = lab_int(v, "id");
	if (!l->json)
		fprintf(stderr, "forge: submission %lld to %s, judged on %s\n",
		        id, problem, h->server);
	free(path);
	xasprintf(&path, "/v1/lab/submissions/%lld/events", id);
	if (lab_http_events(h, path, lab_live_event, &lv, &status) < 0 &&
	    !l->json)
		fprintf(stderr, "forge: %s; waiting for the verdict\n", h->err);
	/* the submission as stored: the verdict, whatever the stream did */
	if ((ret = lab_wait(h, id, LAB_REJUDGE_WAIT, &raw, &r)) != 0)
		goto out;
	if (l->json)
		buf_write(&raw, stdout);
	else {
		const struct jsonparse_value *res = jsonparse_get(r, "result");
		enum verdict vd = VERDICT_IE;
		const char *name = lab_str(r, "verdict", "IE");

		(void)verdict_from_name(name, &vd);
		printf("%s: %s%s%s (%lld/%lld tests", problem,
		       report_color(vd, lv.color), name,
		       lv.color ? "\033[0m" : "", lab_int(res, "passed"),
		       lab_int(res, "total"));
		if (jsonparse_is(jsonparse_get(r, "points"), JSONPARSE_NUMBER))
			printf(
			    ", %g/%g points",
			    jsonparse_number(jsonparse_get(r, "points")),
			    jsonparse_number(jsonparse_get(r, "max_points")));
		printf(")  [submission %lld]\n", id);
		buf_reset(&src);
		jsonparse_output(res, "compile_output", &src);
		if (strcmp(name, "CE") == 0 && src.len > 0)
			fprintf(stderr, "%s", buf_cstr(&src));
	}
	ret = strcmp(lab_str(r, "verdict", ""), "AC") == 0 ? 0 : 1;
out:
	jsonparse_free(v);
	jsonparse_free(r);
	buf_free(&src);
	buf_free(&body);
	buf_free(&raw);
	buf_free(&lv.result);
	free(path);
	return ret;
}

/* ---------------------------------------------------------- samples */

/* One file of the samples' directory, made new (an existing one is left
 * as it is: the student's own tests may be there); -1 said. */
static int
lab_samples_file(const char *dir, const char *name, const char *data,
                 size_t len)
{
	char *path = util_path_join(dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int ret = 0;

	if (fd < 0 || util_write_all(fd, data, len) < 0) {
		fprintf(stderr, "forge: %s: %s%s\n", path, strerror(errno),
		        errno == EEXIST ? " (not overwritten)" : "");
		ret = -1;
	}
	if (fd >= 0 && close(fd) < 0 && ret == 0) {
		fprintf(stderr, "forge: %s: %s\n", path, strerror(errno));
		ret = -1;
	}
	free(path);
	return ret;
}

/* A sample's file name: its name with '/' as '-' (sample/1: sample-1),
 * or its number where the server's name would not be a plain one. */
static void
lab_samples_name(const char *name, size_t i, char *out, size_t len)
{
	char *c;

	snprintf(out, len, "%s", name ? name : "");
	for (c = out; *c; c++)
		if (*c == '/')
			*c = '-';
	if (!lab_name_valid(out))
		snprintf(out, len, "%zu", i + 1);
}

/* The tests a student may see, as pairs in a directory (NAME.in,
 * NAME.ans) that forge judge reads, and the statement if there is one. */
static int
lab_samples(struct lab_http *h, const struct lab_args *l)
{
	const char *dir = l->argc > 2 ? l->argv[2] : l->argv[1];
	const struct jsonparse_value *list;
	struct jsonparse_value *v;
	struct buf raw;
	char *path;
	size_t n = 0;
	int ret;

	if (!lab_name_valid(l->argv[1]))
		return cli_usage_error("'%s' is not a problem's name",
		                       l->argv[1]);
	buf_init(&raw, 0);
	xasprintf(&path, "/v1/lab/problems/%s", l->argv[1]);
	if ((ret = lab_call(h, "GET", path, NULL, NULL, 0, &raw, &v)) != 0)
		goto out;
	if (util_mkdir_p(dir, 0755) < 0) {
		fprintf(stderr, "forge: %s: %s\n", dir, strerror(errno));
		ret = EXIT_USAGE;
		goto done;
	}
	list = jsonparse_get(v, "samples");
	for (size_t i = 0; i < jsonparse_len(list) && ret == 0; i++) {
		const struct jsonparse_value *t = jsonparse_at(list, i);
		const char *in, *ans;
		size_t inlen = 0, anslen = 0;
		char name[96], file[128];

		in = jsonparse_string(jsonparse_get(t, "input"), &inlen);
		ans = jsonparse_string(jsonparse_get(t, "answer"), &anslen);
		if (in == NULL || ans == NULL)
			continue;
		lab_samples_name(lab_str(t, "name", NULL), i, name,
		                 sizeof name);
		snprintf(file, sizeof file, "%s.in", name);
		if (lab_samples_file(dir, file, in, inlen) < 0)
			ret = EXIT_USAGE;
		snprintf(file, sizeof file, "%s.ans", name);
		if (ret == 0 && lab_samples_file(dir, file, ans, anslen) < 0)
			ret = EXIT_USAGE;
		n += ret == 0;
	}
	if (ret == 0 &&
	    jsonparse_is(jsonparse_get(v, "statement"), JSONPARSE_STRING)) {
		size_t len = 0;
		const char *st =
		    jsonparse_string(jsonparse_get(v, "statement"), &len);

		if (lab_samples_file(dir, "statement", st, len) < 0)
			ret = EXIT_USAGE;
	}
	if (ret == 0)
		printf("%s: %zu sample%s in %s/%s%s%s\n", l->argv[1], n,
		       n == 1 ? "" : "s", dir,
		       n > 0 ? " (forge judge FILE " : "", n > 0 ? dir : "",
		       n > 0 ? ")" : "");
done:
	jsonparse_free(v);
out:
	buf_free(&raw);
	free(path);
	return ret;
}

/* ------------------------------------------------------------- main */

static const struct {
	const char *name;
	int (*fn)(struct lab_http *, const struct lab_args *);
} lab_client_actions[] = {
    {"add", lab_add},         {"set", lab_set},
    {"list", lab_list},       {"board", lab_board},
    {"rejudge", lab_rejudge}, {"show", lab_show},
    {"diff", lab_diff},       {"submissions", lab_submissions},
    {"submit", lab_submit},   {"samples", lab_samples},
    {"replay", lab_replay},
};

int
lab_client_main(const struct lab_args *l)
{
	struct lab_http h = {.token = l->token, .db = l->db};
	char *server = xstrdup(l->server);
	size_t n = strlen(server);
	int ret = EXIT_INTERNAL;

	while (n > 0 && server[n - 1] == '/')
		server[--n] = '\0';
	h.server = server;
	for (size_t i = 0;
	     i < sizeof lab_client_actions / sizeof *lab_client_actions; i++)
		if (strcmp(l->action, lab_client_actions[i].name) == 0)
			ret = lab_client_actions[i].fn(&h, l);
	free(server);
	return ret;
}
