/* The lab: problems and problem sets on the server, for a class.
 *
 * A teacher uploads a problem as a tar archive of what forge judge reads
 * (a Kattis/ICPC package, a directory of pairs, a competitive-companion
 * file). The archive is unpacked into a fresh directory beside the
 * server's database, entry by entry, as directories and regular files
 * only: a link, a device, an absolute name or a ".." is refused, so
 * nothing in it can point outside. The tree must load as a test set
 * before it replaces the problem of that name. Students see a problem's
 * samples (GET /v1/lab/problems/NAME); its secret tests never leave the
 * server: submissions are judged there (lab-submit.c), and what a
 * student is shown of a result is cut to what the tests' visibility
 * allows (lab_visible).
 *
 * A set groups problems with an opening and a closing time; a student
 * submits to a problem while one of its sets is open.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "serve/serve.h"

/* What an upload may hold. */
#define LAB_ENTRIES_MAX 20000
#define LAB_DEPTH_MAX   16

int
lab_init(struct db *d, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db_handle(d),
	                 "CREATE TABLE IF NOT EXISTS lab_problems ("
	                 " name TEXT PRIMARY KEY,"
	                 " path TEXT NOT NULL,"
	                 " kind TEXT NOT NULL,"
	                 " hidden INTEGER NOT NULL,"
	                 " title TEXT,"
	                 " tests INTEGER NOT NULL,"
	                 " samples INTEGER NOT NULL,"
	                 " created REAL NOT NULL);"
	                 "CREATE TABLE IF NOT EXISTS lab_sets ("
	                 " name TEXT PRIMARY KEY,"
	                 " open REAL NOT NULL,"
	                 " close REAL NOT NULL);"
	                 "CREATE TABLE IF NOT EXISTS lab_set_problems ("
	                 " set_name TEXT NOT NULL,"
	                 " problem TEXT NOT NULL,"
	                 " pos INTEGER NOT NULL,"
	                 " PRIMARY KEY (set_name, problem));"
	                 "CREATE TABLE IF NOT EXISTS lab_submissions ("
	                 " id INTEGER PRIMARY KEY AUTOINCREMENT,"
	                 " problem TEXT NOT NULL,"
	                 " student TEXT,"
	                 " language TEXT NOT NULL,"
	                 " source TEXT NOT NULL,"
	                 " created REAL NOT NULL,"
	                 " job INTEGER NOT NULL,"
	                 " before TEXT);"
	                 "CREATE INDEX IF NOT EXISTS lab_submissions_problem"
	                 " ON lab_submissions(problem, id);",
	                 NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "the lab: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return lab_replay_init(d, err, errlen);
}

/* ----------------------------------------------------------- helpers */

sqlite3_stmt *
lab_prepare(struct db *d, const char *sql)
{
	sqlite3_stmt *st = NULL;

	db_lock(d);
	if (sqlite3_prepare_v2(db_handle(d), sql, -1, &st, NULL) != SQLITE_OK) {
		db_unlock(d);
		return NULL;
	}
	return st;
}

void
lab_done(struct db *d, sqlite3_stmt *st)
{
	sqlite3_finalize(st);
	db_unlock(d);
}

char *
lab_column(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrndup((const char *)t,
	                    (size_t)sqlite3_column_bytes(st, i))
	         : NULL;
}

/* A problem's or a set's name: a plain word of the URL. */
bool
lab_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || s[0] == '.' || s[0] == '-')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                 "0123456789._-") == n;
}

/* An instant as the API writes it: RFC 3339 in UTC. */
void
lab_time(double t, char *out, size_t len)
{
	time_t s = (time_t)t;
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The lab's directory, beside the server's database. */
static char *
lab_dir(const struct serve *s)
{
	size_t n = strlen(s->queue_db);
	char *p;

	if (n > 3 && strcmp(s->queue_db + n - 3, ".db") == 0)
		n -= 3;
	xasprintf(&p, "%.*s-lab/problems", (int)n, s->queue_db);
	return p;
}

bool
lab_problem_get(struct serve *s, const char *name, struct lab_problem *p)
{
	sqlite3_stmt *st = lab_prepare(
	    s->db, "SELECT path, kind, hidden, title, tests, samples FROM"
	           " lab_problems WHERE name = ?1");
	bool found = false;

	memset(p, 0, sizeof *p);
	if (st == NULL)
		return false;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		p->name = xstrdup(name);
		p->path = lab_column(st, 0);
		p->kind = lab_column(st, 1);
		p->kattis = strcmp(p->kind, "kattis") == 0;
		p->hidden = sqlite3_column_int(st, 2) != 0;
		p->title = lab_column(st, 3);
		p->tests = sqlite3_column_int64(st, 4);
		p->samples = sqlite3_column_int64(st, 5);
		found = true;
	}
	lab_done(s->db, st);
	return found;
}

void
lab_problem_free(struct lab_problem *p)
{
	free(p->name);
	free(p->path);
	free(p->title);
	free(p->kind);
	memset(p, 0, sizeof *p);
}

/* Whether a student may see a test's data and its details: a package's
 * samples, every test of a set of pairs, none with --hidden-tests. */
bool
lab_visible(const struct lab_problem *p, const char *test)
{
	if (p->hidden)
		return false;
	return !p->kattis || strncmp(test, "sample/", 7) == 0;
}

/* Whether the problem is in a set that has opened (students see only
 * those); when open is given, whether one is open now, and else why not
 * (into why). */
bool
lab_problem_open(struct serve *s, const char *problem, bool *open, char *why,
                 size_t len)
{
	sqlite3_stmt *st = lab_prepare(
	    s->db, "SELECT s.name, s.open, s.close FROM lab_sets AS s JOIN"
	           " lab_set_problems AS p ON p.set_name = s.name WHERE"
	           " p.problem = ?1 ORDER BY s.open");
	double now = history_recorder_now();
	bool opened = false;
	char when[32];

	if (open != NULL)
		*open = false;
	snprintf(why, len, "problem '%s' is in no set", problem);
	if (st == NULL)
		return false;
	sqlite3_bind_text(st, 1, problem, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *set = (const char *)sqlite3_column_text(st, 0);
		double o = sqlite3_column_double(st, 1),
		       c = sqlite3_column_double(st, 2);

		if (o <= now)
			opened = true;
		if (o <= now && now < c) {
			if (open != NULL)
				*open = true;
			break;
		}
		lab_time(o > now ? o : c, when, sizeof when);
		snprintf(why, len, "the set '%s' %s at %s", set,
		         o > now ? "opens" : "closed", when);
	}
	lab_done(s->db, st);
	return opened;
}

/* ----------------------------------------------------------- uploads */

struct lab_unpack {
	const char *root;
	size_t entries;
};

/* A name from an archive as a relative path with no "." or ".."
 * component: NULL (err said) when it would leave the tree. */
static char *
lab_clean_name(const char *name, char *err, size_t errlen)
{
	struct buf b;
	char *copy = xstrdup(name), *save = NULL, *c;
	int depth = 0;

	buf_init(&b, 0);
	if (name[0] == '/') {
		snprintf(err, errlen, "'%s': an absolute name", name);
		goto bad;
	}
	for (c = strtok_r(copy, "/", &save); c != NULL;
	     c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			snprintf(err, errlen, "'%s': a '..' in a name", name);
			goto bad;
		}
		if (++depth > LAB_DEPTH_MAX) {
			snprintf(err, errlen, "'%s': deeper than %d", name,
			         LAB_DEPTH_MAX);
			goto bad;
		}
		buf_printf(&b, "%s%s", b.len ? "/" : "", c);
	}
	free(copy);
	return buf_cstr(&b);
bad:
	free(copy);
	buf_free(&b);
	return NULL;
}

/* Every directory of rel's path under root, made as needed (nothing in
 * the tree is a link: this function and lab_unpack_entry made it). */
static int
lab_mkdirs(const char *root, const char *rel, bool last, char *err,
           size_t errlen)
{
	char *p = util_path_join(root, rel), *slash;
	size_t off = strlen(root) + 1;
	int ret = 0;

	for (slash = strchr(p + off, '/');; slash = strchr(slash + 1, '/')) {
		if (slash == NULL && !last)
			break;
		if (slash != NULL)
			*slash = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", rel, strerror(errno));
			ret = -1;
		}
		if (slash == NULL || ret < 0)
			break;
		*slash = '/';
	}
	free(p);
	return ret;
}

static int
lab_unpack_entry(const char *name, char type, const char *data, size_t len,
                 void *arg, char *err, size_t errlen)
{
	struct lab_unpack *u = arg;
	char *rel, *path;
	int fd, ret = 0;

	if (++u->entries > LAB_ENTRIES_MAX) {
		snprintf(err, errlen, "more than %d entries", LAB_ENTRIES_MAX);
		return -1;
	}
	if (type != '0' && type != '5') {
		snprintf(err, errlen,
		         "'%s': %s; only directories and regular files, "
		         "please",
		         name,
		         type == '2'   ? "a symbolic link"
		         : type == '1' ? "a hard link"
		                       : "not a file nor a directory");
		return -1;
	}
	if ((rel = lab_clean_name(name, err, errlen)) == NULL)
		return -1;
	if (rel[0] == '\0') {
		free(rel);
		return 0; /* "./" */
	}
	if (lab_mkdirs(u->root, rel, type == '5', err, errlen) < 0) {
		free(rel);
		return -1;
	}
	if (type == '0') {
		path = util_path_join(u->root, rel);
		fd = open(path,
		          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		          0644);
		if (fd < 0 || util_write_all(fd, data, len) < 0) {
			snprintf(err, errlen, "'%s': %s", name,
			         errno == EEXIST ? "twice in the archive"
			                         : strerror(errno));
			ret = -1;
		}
		if (fd >= 0)
			close(fd);
		free(path);
	}
	free(rel);
	return ret;
}

static int
lab_rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

static void
lab_rmtree(const char *path)
{
	(void)nftw(path, lab_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* What in the unpacked tree is the test set: the tree, its one
 * directory when it has nothing else, or its one .json file. */
static char *
lab_testset_path(const char *root)
{
	DIR *d = opendir(root);
	struct dirent *e;
	char *only = NULL;
	int n = 0;

	if (d == NULL)
		return xstrdup(root);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n++ == 0)
			only = xstrdup(e->d_name);
	}
	closedir(d);
	if (n == 1) {
		char *p = util_path_join(root, only);
		struct stat st;
		size_t len = strlen(only);

		free(only);
		if (lstat(p, &st) == 0 &&
		    (S_ISDIR(st.st_mode) ||
		     (S_ISREG(st.st_mode) && len > 5 &&
		      strcmp(p + strlen(p) - 5, ".json") == 0)))
			return p;
		free(p);
		return xstrdup(root);
	}
	free(only);
	return xstrdup(root);
}

/* The tests of a loaded set that a student sees. */
static int64_t
lab_count_visible(const struct lab_problem *p, const struct testset *ts)
{
	int64_t n = 0;

	for (size_t i = 0; i < ts->ntests; i++)
		n += lab_visible(p, ts->tests[i].name);
	return n;
}

/* The problem's row names the new tree (a new directory each upload:
 * the jobs queued with the old one's path still find their tests; the
 * old trees stay until the server's lab directory is cleaned by hand).
 * 0, or -1 with err. */
static int
lab_store(struct serve *s, const struct lab_problem *p,
          const struct testset *ts, bool *replaced, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	*replaced = false;
	if ((st = lab_prepare(s->db, "SELECT 1 FROM lab_problems WHERE "
	                             "name = ?1")) != NULL) {
		sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
		*replaced = sqlite3_step(st) == SQLITE_ROW;
		lab_done(s->db, st);
	}
	if ((st = lab_prepare(s->db,
	                      "INSERT OR REPLACE INTO lab_problems (name, "
	                      "path, kind, hidden, title, tests, samples, "
	                      "created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	                      "?8)")) == NULL) {
		snprintf(err, errlen, "the lab's database cannot be written");
		return -1;
	}
	sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3,
	                  ts->kind == TESTSET_KATTIS      ? "kattis"
	                  : ts->kind == TESTSET_COMPANION ? "companion"
	                                                  : "pairs",
	                  -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, p->hidden);
	if (ts->name != NULL)
		sqlite3_bind_text(st, 5, ts->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (int64_t)ts->ntests);
	sqlite3_bind_int64(st, 7, p->samples);
	sqlite3_bind_double(st, 8, history_recorder_now());
	rc = sqlite3_step(st);
	lab_done(s->db, st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "the lab's database cannot be written");
		return -1;
	}
	return 0;
}

/* A query parameter that is true: "1", "true" or "yes". */
static bool
lab_query_true(struct http_request *q, const char *key)
{
	const char *v = http_query(q, key);

	return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ||
	                     strcmp(v, "yes") == 0);
}

/* POST /v1/lab/problems?name=NAME[&hidden_tests=true], a tar body. */
static void
lab_problems_post(struct serve *s, struct http_request *q, int64_t unused,
                  struct http_response *r)
{
	lab_problem_add(s, http_query(q, "name"),
	                lab_query_true(q, "hidden_tests"), q->body, q->body_len,
	                r);
}

/* A problem, as a tar archive of it, stored under name (what POST
 * /v1/lab/problems does; forge lab add --db too, lab-local.c). */
void
lab_problem_add(struct serve *s, const char *name, bool hidden,
                const char *body, size_t body_len, struct http_response *r)
{
	struct lab_problem p = {0};
	struct lab_unpack u = {0};
	struct testset ts = {0};
	char err[1024], *dir, *tree;
	bool replaced;

	if (name == NULL || !lab_name_ok(name)) {
		http_error(r, 400,
		           "name=%s: a problem's name, please (1 to 64 of "
		           "A-Z a-z 0-9 . _ -)",
		           name ? name : "");
		return;
	}
	if (body_len == 0) {
		http_error(r, 400, "the body: the problem as a tar archive");
		return;
	}
	dir = lab_dir(s);
	if (util_mkdir_p(dir, 0700) < 0) {
		http_error(r, 500, "%s: %s", dir, strerror(errno));
		free(dir);
		return;
	}
	xasprintf(&tree, "%s/%s.XXXXXX", dir, name);
	free(dir);
	if (mkdtemp(tree) == NULL) {
		http_error(r, 500, "%s: %s", tree, strerror(errno));
		free(tree);
		return;
	}
	u.root = tree;
	if (tar_each(body, body_len, lab_unpack_entry, &u, err, sizeof err) <
	    0) {
		http_error(r, 400, "the archive: %s", err);
		goto bad;
	}
	p.name = (char *)name;
	p.hidden = hidden;
	p.path = lab_testset_path(tree);
	if (testset_load(&ts, p.path, err, sizeof err) < 0) {
		http_error(r, 400, "not a problem forge judge reads: %s", err);
		goto bad;
	}
	if (ts.ntests == 0) {
		http_error(r, 400, "the problem has no test");
		goto bad;
	}
	p.kattis = ts.kind == TESTSET_KATTIS;
	p.samples = lab_count_visible(&p, &ts);
	if (lab_store(s, &p, &ts, &replaced, err, sizeof err) < 0) {
		http_error(r, 500, "%s", err);
		goto bad;
	}
	r->code = replaced ? 200 : 201;
	buf_printf(&r->body,
	           "{\"name\":\"%s\",\"kind\":\"%s\",\"tests\":%zu,"
	           "\"visible\":%lld,\"hidden_tests\":%s,\"replaced\":%s}\n",
	           name,
	           ts.kind == TESTSET_KATTIS      ? "kattis"
	           : ts.kind == TESTSET_COMPANION ? "companion"
	                                          : "pairs",
	           ts.ntests, (long long)p.samples, p.hidden ? "true" : "false",
	           replaced ? "true" : "false");
	testset_free(&ts);
	free(p.path);
	free(tree);
	return;
bad:
	testset_free(&ts);
	free(p.path);
	lab_rmtree(tree);
	free(tree);
}

/* The problem's statement, when the package has one. */
static void
lab_statement(const struct lab_problem *p, struct json_writer *w)
{
	static const char *const names[] = {
	    "problem_statement/problem.en.md",
	    "problem_statement/problem.md",
	    "statement/problem.en.md",
	    "problem_statement/problem.en.tex",
	    "problem_statement/problem.tex",
	    "statement.md",
	    "README.md",
	};
	struct buf b;

	buf_init(&b, 0);
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char *f = util_path_join(p->path, names[i]);
		int ok = util_read_file(f, &b, 256 * 1024);

		free(f);
		if (ok == 0) {
			json_str(w, "statement", b.data ? b.data : "", b.len);
			buf_free(&b);
			return;
		}
		buf_reset(&b);
	}
	buf_free(&b);
	json_null(w, "statement");
}

/* GET /v1/lab/problems/NAME: the statement and the tests a student may
 * see, with their data; never a hidden one. */
static void
lab_problem_show(struct serve *s, struct http_request *q, int64_t unused,
                 struct http_response *r)
{
	struct json_writer w = {&r->body, false};
	struct lab_problem p;
	struct testset ts;
	char why[512];

	if (!lab_problem_get(s, q->key, &p) ||
	    (q->authed && q->token.student &&
	     !lab_problem_open(s, q->key, NULL, why, sizeof why))) {
		http_error(r, 404, "no problem '%s'", q->key);
		if (p.name != NULL)
			lab_problem_free(&p);
		return;
	}
	if (testset_load(&ts, p.path, why, sizeof why) < 0) {
		http_error(r, 500, "problem '%s': %s", q->key, why);
		testset_free(&ts);
		lab_problem_free(&p);
		return;
	}
	json_open(&w, NULL, '{');
	json_cstr(&w, "name", p.name);
	json_cstr(&w, "title", p.title);
	json_cstr(&w, "kind", p.kind);
	json_int(&w, "tests", p.tests);
	if (ts.time_ms > 0)
		json_int(&w, "time_limit_ms", (long long)ts.time_ms);
	else
		json_null(&w, "time_limit_ms");
	lab_statement(&p, &w);
	json_open(&w, "samples", '[');
	for (size_t i = 0; i < ts.ntests; i++) {
		struct buf in, ans;
		char err[256];

		if (!lab_visible(&p, ts.tests[i].name))
			continue;
		buf_init(&in, 0);
		buf_init(&ans, 0);
		(void)testset_read(&ts.tests[i], false, &in, err, sizeof err);
		if (ts.tests[i].has_answer)
			(void)testset_read(&ts.tests[i], true, &ans, err,
			                   sizeof err);
		json_open(&w, NULL, '{');
		json_cstr(&w, "name", ts.tests[i].name);
		json_output(&w, "input", in.data ? in.data : "", in.len);
		json_output(&w, "answer", ans.data ? ans.data : "", ans.len);
		json_close(&w, '}');
		buf_free(&in);
		buf_free(&ans);
	}
	json_close(&w, ']');
	json_close(&w, '}');
	buf_add(&r->body, "\n", 1);
	testset_free(&ts);
	lab_problem_free(&p);
}

/* A problem's sets, as [{name, open, close}]. */
static void
lab_problem_sets(struct serve *s, const char *problem, struct json_writer *w)
{
	sqlite3_stmt *st = lab_prepare(
	    s->db, "SELECT s.name, s.open, s.close FROM lab_sets AS s JOIN"
	           " lab_set_problems AS p ON p.set_name = s.name WHERE"
	           " p.problem = ?1 ORDER BY s.open, s.name");
	char t[32];

	json_open(w, "sets", '[');
	if (st != NULL) {
		sqlite3_bind_text(st, 1, problem, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			json_open(w, NULL, '{');
			json_cstr(w, "name",
			          (const char *)sqlite3_column_text(st, 0));
			lab_time(sqlite3_column_double(st, 1), t, sizeof t);
			json_cstr(w, "open", t);
			lab_time(sqlite3_column_double(st, 2), t, sizeof t);
			json_cstr(w, "close", t);
			json_close(w, '}');
		}
		lab_done(s->db, st);
	}
	json_close(w, ']');
}

/* GET /v1/lab/problems: a student's list has the problems of the sets
 * that have opened. */
static void
lab_problems_get(struct serve *s, struct http_request *q, int64_t unused,
                 struct http_response *r)
{
	struct json_writer w = {&r->body, false};
	sqlite3_stmt *st = lab_prepare(s->db, "SELECT name FROM lab_problems"
	                                      " ORDER BY name");
	char **names = NULL, why[256];
	size_t n = 0;

	if (st == NULL) {
		http_error(r, 500, "the lab's database cannot be read");
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		names = xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = lab_column(st, 0);
	}
	lab_done(s->db, st);
	json_open(&w, NULL, '[');
	for (size_t i = 0; i < n; i++) {
		struct lab_problem p;
		bool open = false, opened;

		opened = lab_problem_open(s, names[i], &open, why, sizeof why);
		if ((q->authed && q->token.student && !opened) ||
		    !lab_problem_get(s, names[i], &p)) {
			free(names[i]);
			continue;
		}
		json_open(&w, NULL, '{');
		json_cstr(&w, "name", p.name);
		json_cstr(&w, "title", p.title);
		json_cstr(&w, "kind", p.kind);
		json_int(&w, "tests", p.tests);
		json_int(&w, "visible", p.samples);
		json_bool(&w, "hidden_tests", p.hidden);
		json_bool(&w, "open", open);
		lab_problem_sets(s, p.name, &w);
		json_close(&w, '}');
		lab_problem_free(&p);
		free(names[i]);
	}
	json_close(&w, ']');
	buf_add(&r->body, "\n", 1);
	free(names);
}

/* ---------------------------------------------------------------- sets */

/* PUT /v1/lab/sets/NAME {"open": T, "close": T, "problems": [...]}, T in
 * seconds since the epoch: made, or replaced. */
static void
lab_sets_put(struct serve *s, struct http_request *q, int64_t unused,
             struct http_response *r)
{
	struct jsonparse_error pe;
	struct jsonparse_value *root;
	const struct jsonparse_value *probs;
	double open, close;
	sqlite3 *h = db_handle(s->db);
	sqlite3_stmt *st = NULL;
	bool ok = true;
	size_t n;

	if (!lab_name_ok(q->key)) {
		http_error(r, 400, "'%s': a set's name, please", q->key);
		return;
	}
	if ((root = jsonparse_parse(q->body, q->body_len, &pe)) == NULL) {
		http_error(r, 400, "malformed JSON: %s", pe.text);
		return;
	}
	open = jsonparse_number(jsonparse_get(root, "open"));
	close = jsonparse_number(jsonparse_get(root, "close"));
	probs = jsonparse_get(root, "problems");
	if (!jsonparse_is(jsonparse_get(root, "open"), JSONPARSE_NUMBER) ||
	    !jsonparse_is(jsonparse_get(root, "close"), JSONPARSE_NUMBER) ||
	    !(open < close)) {
		http_error(r, 400,
		           "open and close: seconds since the epoch, open "
		           "before close");
		goto out;
	}
	if (!jsonparse_is(probs, JSONPARSE_ARRAY) ||
	    (n = jsonparse_len(probs)) == 0 || n > 100) {
		http_error(r, 400, "problems: an array of 1 to 100 names");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *pn = jsonparse_string(jsonparse_at(probs, i), NULL);
		struct lab_problem p;

		if (pn == NULL || !lab_problem_get(s, pn, &p)) {
			http_error(r, 400, "problems[%zu]: no problem '%s'", i,
			           pn ? pn : "");
			goto out;
		}
		lab_problem_free(&p);
	}
	db_lock(s->db);
	ok = sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
	if (ok && sqlite3_prepare_v2(h,
	                             "INSERT OR REPLACE INTO lab_sets (name, "
	                             "open, close) VALUES (?1, ?2, ?3)",
	                             -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, q->key, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 2, open);
		sqlite3_bind_double(st, 3, close);
		ok = sqlite3_step(st) == SQLITE_DONE;
	} else
		ok = false;
	sqlite3_finalize(st);
	st = NULL;
	if (ok && sqlite3_prepare_v2(h,
	                             "DELETE FROM lab_set_problems WHERE "
	                             "set_name = ?1",
	                             -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, q->key, -1, SQLITE_STATIC);
		ok = sqlite3_step(st) == SQLITE_DONE;
	}
	sqlite3_finalize(st);
	for (size_t i = 0; ok && i < n; i++) {
		st = NULL;
		ok =
		    sqlite3_prepare_v2(h,
		                       "INSERT OR IGNORE INTO lab_set_problems "
		                       "(set_name, problem, pos) VALUES (?1, "
		                       "?2, ?3)",
		                       -1, &st, NULL) == SQLITE_OK;
		if (ok) {
			sqlite3_bind_text(st, 1, q->key, -1, SQLITE_STATIC);
			sqlite3_bind_text(
			    st, 2,
			    jsonparse_string(jsonparse_at(probs, i), NULL), -1,
			    SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, (int64_t)i);
			ok = sqlite3_step(st) == SQLITE_DONE;
		}
		sqlite3_finalize(st);
	}
	(void)sqlite3_exec(h, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	db_unlock(s->db);
	if (!ok) {
		http_error(r, 500, "the lab's database cannot be written");
		goto out;
	}
	lab_sets_json(s, q->key, &r->body);
out:
	jsonparse_free(root);
}

/* The sets (or the one called only) as the API shows them. */
void
lab_sets_json(struct serve *s, const char *only, struct buf *b)
{
	struct json_writer w = {b, false};
	sqlite3_stmt *st = lab_prepare(
	    s->db, "SELECT s.name, s.open, s.close, (SELECT"
	           " group_concat(problem, ' ') FROM (SELECT problem FROM"
	           " lab_set_problems WHERE set_name = s.name ORDER BY pos))"
	           " FROM lab_sets AS s WHERE ?1 IS NULL OR s.name = ?1"
	           " ORDER BY s.open, s.name");
	double now = history_recorder_now();
	char t[32];

	if (only == NULL)
		json_open(&w, NULL, '[');
	if (st != NULL) {
		if (only != NULL)
			sqlite3_bind_text(st, 1, only, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			double o = sqlite3_column_double(st, 1),
			       c = sqlite3_column_double(st, 2);
			const char *list =
			    (const char *)sqlite3_column_text(st, 3);
			char **words =
			    util_split_words(list != NULL ? list : "", NULL);

			json_open(&w, NULL, '{');
			json_cstr(&w, "name",
			          (const char *)sqlite3_column_text(st, 0));
			lab_time(o, t, sizeof t);
			json_cstr(&w, "open", t);
			lab_time(c, t, sizeof t);
			json_cstr(&w, "close", t);
			json_cstr(&w, "state",
			          now < o   ? "upcoming"
			          : now < c ? "open"
			                    : "closed");
			json_open(&w, "problems", '[');
			for (char **p = words; p && *p; p++)
				json_cstr(&w, NULL, *p);
			json_close(&w, ']');
			json_close(&w, '}');
			util_free_words(words);
		}
		lab_done(s->db, st);
	}
	if (only == NULL)
		json_close(&w, ']');
	buf_add(b, "\n", 1);
}

static void
lab_sets_get(struct serve *s, struct http_request *q, int64_t unused,
             struct http_response *r)
{
	lab_sets_json(s, NULL, &r->body);
}

/* Every route of the lab. A student's token may use those whose
 * handler is not in lab_teacher_only; each shows a student their own
 * work only. */
const struct native_route lab_routes[] = {
    {"GET", "/v1/lab/problems", "/v1/lab/problems", true, lab_problems_get},
    {"POST", "/v1/lab/problems", "/v1/lab/problems", true, lab_problems_post},
    {"GET", "/v1/lab/problems/{key}", "/v1/lab/problems/{key}", true,
     lab_problem_show},
    {"POST", "/v1/lab/problems/{key}/submissions",
     "/v1/lab/problems/{key}/submissions", true, lab_submit_post},
    {"POST", "/v1/lab/problems/{key}/rejudge", "/v1/lab/problems/{key}/rejudge",
     true, lab_submit_rejudge},
    {"GET", "/v1/lab/submissions", "/v1/lab/submissions", true,
     lab_submit_list},
    {"GET", "/v1/lab/submissions/{id}", "/v1/lab/submissions/{id}", true,
     lab_submit_show},
    {"GET", "/v1/lab/submissions/{id}/events",
     "/v1/lab/submissions/{id}/events", true, lab_submit_events},
    {"POST", "/v1/lab/submissions/{id}/replay",
     "/v1/lab/submissions/{id}/replay", true, lab_replay_post},
    {"GET", "/v1/lab/replays/{id}", "/v1/lab/replays/{id}", true,
     lab_replay_get},
    {"GET", "/v1/lab/sets", "/v1/lab/sets", true, lab_sets_get},
    {"PUT", "/v1/lab/sets/{key}", "/v1/lab/sets/{key}", true, lab_sets_put},
    {"GET", "/v1/lab/board", "/v1/lab/board", true, lab_board_get},
    {NULL, NULL, NULL, false, NULL},
};

/* What a student's token may not do. */
static void (*const lab_teacher_only[])(struct serve *, struct http_request *,
                                        int64_t, struct http_response *) = {
    lab_problems_post,
    lab_submit_rejudge,
    lab_sets_put,
    lab_board_get,
};

/* Whether a student's token may use route rt (http.c asks): a route of
 * the lab's that is not a teacher's only. */
bool
lab_route_student(const struct native_route *rt)
{
	size_t n = sizeof lab_routes / sizeof *lab_routes;

	if (rt < lab_routes || rt >= lab_routes + n)
		return false;
	for (size_t i = 0;
	     i < sizeof lab_teacher_only / sizeof *lab_teacher_only; i++)
		if (rt->fn == lab_teacher_only[i])
			return false;
	return true;
}
