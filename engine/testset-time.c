/* A problem package's time limit when it gives none, as the problem
 * package format defines it: the package's accepted submissions
 * (submissions/accepted/, each a file or a directory) are judged with a
 * generous limit; the slowest test of the slowest one, times
 * ac_to_time_limit (legacy: time_multiplier), rounded up to a multiple of
 * time_resolution (legacy: whole seconds), is the limit. A computed limit
 * is kept in <cache>/timelimits/, named by the hash of everything that
 * decides it, so the next judge of the same package runs nothing. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

/* CPU time each test of an accepted submission may take while the limit
 * is computed: generous, since the submission is the package's own. */
#define TESTSET_TIME_GENEROUS_MS 30000
#define TESTSET_TIME_SOURCE_MAX  (16u << 20)
#define TESTSET_TIME_FORMAT      "forge-timelimit 1"

/* One accepted submission: its main source, and the files beside it. */
struct testset_time_sub {
	char *name; /* submissions/accepted/NAME, as the user sees it */
	const struct language *lang;
	struct buf src;
	struct box_input *extra;
	struct buf *extra_data;
	size_t nextra;
	char why[512];    /* not judged: the reason */
	bool unavailable; /* why: its language cannot run here */
};

/* What the judge of one submission found. */
struct testset_time_run {
	uint64_t slowest_ms;
	char slowest_test[256];
	bool failed;
	enum verdict verdict;
	char test[256];
	char detail[512];
};

uint64_t
testset_time_round(uint64_t slowest_ms, double multiplier, double resolution_s)
{
	double res_ms = resolution_s * 1000.0;
	/* the smallest multiple of the resolution at or above T_ac times the
	 * multiplier, and at least one (a limit of 0 s is none); the slack
	 * keeps 0.5 s x 2 at 1 s despite binary fractions */
	double k = ceil((double)slowest_ms * multiplier / res_ms - 1e-9);
	double ms;

	if (!(k >= 1.0))
		k = 1.0;
	ms = ceil(k * res_ms - 1e-9);
	if (!(ms <= (double)LIMITS_CPU_MAX_MS))
		return LIMITS_CPU_MAX_MS;
	return ms < 1.0 ? 1 : (uint64_t)ms;
}

static void
testset_time_sub_free(struct testset_time_sub *s)
{
	size_t i;

	for (i = 0; i < s->nextra; i++) {
		free((char *)s->extra[i].name);
		buf_free(&s->extra_data[i]);
	}
	free(s->extra);
	free(s->extra_data);
	buf_free(&s->src);
	free(s->name);
	memset(s, 0, sizeof *s);
}

/* The regular files of dir, sorted. */
static char **
testset_time_files(const char *dir, size_t *n)
{
	char **v = testset_list(dir, n, false);
	size_t i, k = 0;

	for (i = 0; i < *n; i++) {
		char *p = util_path_join(dir, v[i]);
		struct stat st;

		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			v[k++] = v[i];
		else
			free(v[i]);
		free(p);
	}
	*n = k;
	return v;
}

/* Whether name, a file of a directory submission, is its main source:
 * the only one in a known language, else the one named main, solution
 * or as the directory. */
static bool
testset_time_is_main(const char *name, const char *dir_name, size_t nknown)
{
	size_t stem = strcspn(name, ".");

	if (nknown == 1)
		return true;
	return (stem == 4 && strncmp(name, "main", 4) == 0) ||
	       (stem == 8 && strncmp(name, "solution", 8) == 0) ||
	       (stem == strlen(dir_name) && strncmp(name, dir_name, stem) == 0);
}

/* Whether a .py file is Python 2, as packages say it: a name ending in
 * _py2.py, or a first line #!...python2. */
static bool
testset_time_is_py2(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n = strlen(path);
	char line[256];
	bool py2 = false;
	FILE *f;

	base = base ? base + 1 : path;
	if (n < 3 || strcmp(path + n - 3, ".py") != 0)
		return false;
	if (strlen(base) > 7 && strcmp(base + strlen(base) - 7, "_py2.py") == 0)
		return true;
	if ((f = fopen(path, "re")) == NULL)
		return false;
	if (fgets(line, sizeof line, f) != NULL && strncmp(line, "#!", 2) == 0)
		py2 = strstr(line, "python2") != NULL;
	fclose(f);
	return py2;
}

/* Reads one submission: a file, or a directory whose main source is
 * compiled with every other file of it beside (headers, classes); s->why
 * says why when it cannot be judged here. */
static void
testset_time_sub_load(struct testset_time_sub *s, const char *dir,
                      const char *entry, const struct language_set *langs,
                      const struct backend *be)
{
	char *path = util_path_join(dir, entry), *main_src = NULL;
	char **names = NULL;
	size_t n = 0, i, nknown = 0;
	struct stat st;

	xasprintf(&s->name, "submissions/accepted/%s", entry);
	buf_init(&s->src, 0);
	if (stat(path, &st) < 0) {
		snprintf(s->why, sizeof s->why, "%s", strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		names = testset_time_files(path, &n);
		for (i = 0; i < n; i++) {
			char *p = util_path_join(path, names[i]);
			if (lang_find_file(langs, p) != NULL)
				nknown++;
			free(p);
		}
		for (i = 0; main_src == NULL && i < n; i++) {
			char *p = util_path_join(path, names[i]);
			if (lang_find_file(langs, p) != NULL &&
			    testset_time_is_main(names[i], entry, nknown))
				main_src = p;
			else
				free(p);
		}
		if (main_src == NULL) {
			snprintf(s->why, sizeof s->why,
			         nknown == 0
			             ? "no file in a known language"
			             : "cannot tell its main file (name "
			               "it main.EXT)");
			goto out;
		}
		for (i = 0; i < n; i++) {
			char *p = util_path_join(path, names[i]);
			struct buf *b;

			if (strcmp(p, main_src) == 0) {
				free(p);
				continue;
			}
			s->extra = xrealloc(s->extra,
			                    (s->nextra + 1) * sizeof *s->extra);
			s->extra_data =
			    xrealloc(s->extra_data,
			             (s->nextra + 1) * sizeof *s->extra_data);
			b = &s->extra_data[s->nextra];
			buf_init(b, 0);
			if (util_read_file(p, b, TESTSET_TIME_SOURCE_MAX) < 0) {
				snprintf(s->why, sizeof s->why, "%s: %s", p,
				         strerror(errno));
				buf_free(b);
				free(p);
				goto out;
			}
			s->extra[s->nextra].name = xstrdup(names[i]);
			s->nextra++;
			free(p);
		}
		for (i = 0; i < s->nextra; i++) {
			s->extra[i].data = buf_cstr(&s->extra_data[i]);
			s->extra[i].len = s->extra_data[i].len;
		}
	} else
		main_src = xstrdup(path);
	s->lang = lang_find_file(langs, main_src);
	s->unavailable = true;
	if (s->lang == NULL) {
		snprintf(s->why, sizeof s->why,
		         "unknown language (see 'forge langs')");
		goto out;
	}
	if (testset_time_is_py2(main_src)) {
		/* Python 2 is not Python 3: its own language, if any */
		s->lang = lang_find_id(langs, "python2");
		if (s->lang == NULL) {
			snprintf(s->why, sizeof s->why,
			         "Python 2, and there is no python2 language "
			         "file");
			goto out;
		}
	}
	if (!lang_available(s->lang, be, s->why, sizeof s->why))
		goto out;
	s->unavailable = false;
	s->why[0] = '\0';
	if (util_read_file(main_src, &s->src, TESTSET_TIME_SOURCE_MAX) < 0)
		snprintf(s->why, sizeof s->why, "%s: %s", main_src,
		         strerror(errno));
out:
	testset_free_list(names, n);
	free(main_src);
	free(path);
}

static void
testset_time_report(const struct judge_test *r, const struct test_case *t,
                    void *arg)
{
	struct testset_time_run *run = arg;

	if (!verdict_good(r->verdict) && !run->failed) {
		run->failed = true;
		run->verdict = r->verdict;
		strlcpy0(run->test, t->name, sizeof run->test);
		strlcpy0(run->detail, r->detail, sizeof run->detail);
	}
	if (r->time_ms >= run->slowest_ms) {
		run->slowest_ms = r->time_ms;
		strlcpy0(run->slowest_test, t->name, sizeof run->slowest_test);
	}
}

static void
testset_time_hash_str(SHA2_CTX *c, const char *s)
{
	SHA256Update(c, (const uint8_t *)(s ? s : ""), strlen(s ? s : "") + 1);
}

static void
testset_time_hash_data(SHA2_CTX *c, const char *p, size_t n)
{
	uint64_t len = n;

	SHA256Update(c, (const uint8_t *)&len, sizeof len);
	SHA256Update(c, (const uint8_t *)(p ? p : ""), n);
}

/* Everything that decides the limit: the tests and how they are judged,
 * the multiplier and resolution, the memory limit, the backend, and each
 * submission's language and files. */
static void
testset_time_key(const struct testset *ts, const struct judge_opts *o,
                 const struct testset_time_sub *subs, size_t nsubs,
                 char hex[65])
{
	char how[1024], digest[65];
	SHA2_CTX c;
	size_t i, k;

	snprintf(how, sizeof how,
	         "timelimit ac=%.17g res=%.17g legacy=%d mem=%llu pids=%u "
	         "mode=%d case=%d space=%d abs=%.17g rel=%.17g checker=%s "
	         "interactive=%d flags=%s",
	         ts->ac_to_time_limit, ts->time_resolution, ts->time_legacy,
	         (unsigned long long)o->limits.mem_bytes, o->limits.pids,
	         (int)o->compare.mode, o->compare.case_sensitive,
	         o->compare.space_sensitive, o->compare.abs_tol,
	         o->compare.rel_tol, o->checker ? o->checker->build.key : "-",
	         o->interactive, o->validator_flags ? o->validator_flags : "-");
	testset_digest(ts, how, digest);
	SHA256Init(&c);
	testset_time_hash_str(&c, TESTSET_TIME_FORMAT);
	testset_time_hash_str(&c, digest);
	testset_time_hash_str(&c, o->backend->name);
	for (i = 0; i < nsubs; i++) {
		const struct testset_time_sub *s = &subs[i];

		testset_time_hash_str(&c, s->name);
		testset_time_hash_str(&c, s->why);
		if (s->lang != NULL) {
			testset_time_hash_str(&c, s->lang->id);
			testset_time_hash_str(&c, s->lang->compile);
			testset_time_hash_str(&c, s->lang->run);
		}
		testset_time_hash_data(&c, s->src.data, s->src.len);
		for (k = 0; k < s->nextra; k++) {
			testset_time_hash_str(&c, s->extra[k].name);
			testset_time_hash_data(&c, s->extra[k].data,
			                       s->extra[k].len);
		}
	}
	SHA256End(&c, hex);
}

static char *
testset_time_cache_path(const char *key)
{
	char *dir = cache_dir(), *sub = util_path_join(dir, "timelimits");
	char *p = util_path_join(sub, key);

	free(dir);
	free(sub);
	return p;
}

/* A limit computed before: 0, or -1 when there is none (or it is
 * damaged, which is the same: it is computed again). */
static int
testset_time_cache_read(const char *key, struct testset_time *tt)
{
	char *path = testset_time_cache_path(key), *line[4], *p;
	unsigned long long lim, slow;
	unsigned long nrun;
	struct buf b;
	int r = -1, i;

	buf_init(&b, 0);
	if (util_read_file(path, &b, 4096) < 0)
		goto out;
	p = buf_cstr(&b);
	for (i = 0; i < 4; i++) {
		line[i] = p;
		p = strchr(p, '\n');
		if (p == NULL)
			goto out;
		*p++ = '\0';
	}
	if (strcmp(line[0], TESTSET_TIME_FORMAT) != 0 ||
	    sscanf(line[1], "%llu %llu %lu", &lim, &slow, &nrun) != 3 ||
	    lim == 0 || lim > LIMITS_CPU_MAX_MS || nrun == 0)
		goto out;
	tt->time_ms = lim;
	tt->slowest_ms = slow;
	tt->nrun = nrun;
	strlcpy0(tt->submission, line[2], sizeof tt->submission);
	strlcpy0(tt->test, line[3], sizeof tt->test);
	tt->cached = true;
	r = 0;
out:
	buf_free(&b);
	free(path);
	return r;
}

/* Kept by a rename, so a reader never sees half a file; a cache that
 * cannot be written only costs the next judge the computation. */
static void
testset_time_cache_write(const char *key, const struct testset_time *tt)
{
	char *path = testset_time_cache_path(key), *dir, *tmp;
	struct buf b;
	int fd;

	dir = xstrndup(path, (size_t)(strrchr(path, '/') - path));
	xasprintf(&tmp, "%s.%d", path, (int)getpid());
	buf_init(&b, 0);
	buf_printf(&b, "%s\n%llu %llu %zu\n%s\n%s\n", TESTSET_TIME_FORMAT,
	           (unsigned long long)tt->time_ms,
	           (unsigned long long)tt->slowest_ms, tt->nrun, tt->submission,
	           tt->test);
	if (util_mkdir_p(dir, 0755) == 0 &&
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) >=
	        0) {
		if (util_write_all(fd, b.data, b.len) == 0 && close(fd) == 0)
			(void)rename(tmp, path);
		else
			unlink(tmp);
	}
	buf_free(&b);
	free(tmp);
	free(dir);
	free(path);
}

/* Judges one submission; -1 with err when it fails a test (the package
 * says it is accepted: the limit cannot come from a wrong program). */
static int
testset_time_judge(const struct testset *ts, const struct judge_opts *o,
                   struct testset_time_sub *s, struct testset_time *tt,
                   char *err, size_t errlen)
{
	struct judge_opts ro = *o;
	struct testset_time_run run;
	struct build b;
	struct limits cl = s->lang->compile_limits;

	if (pipeline_build(&b, s->lang, o->backend, buf_cstr(&s->src),
	                   s->src.len, s->extra, s->nextra, &cl, false) < 0) {
		buf_printf(&tt->notes,
		           "%s does not compile here (%s); left out\n", s->name,
		           b.detail);
		pipeline_build_free(&b);
		return 0;
	}
	ro.limits.cpu_ms = TESTSET_TIME_GENEROUS_MS;
	ro.limits.wall_ms = limits_default_wall(TESTSET_TIME_GENEROUS_MS);
	ro.verdict_cpu_ms = 0;
	ro.only = NULL;
	ro.stop_on_fail = true;
	memset(&run, 0, sizeof run);
	judge_run(&ro, &b, ts, testset_time_report, &run);
	pipeline_build_free(&b);
	if (run.failed) {
		snprintf(err, errlen,
		         "%s: the accepted submission %s gets %s on test %s "
		         "(%s), so the time limit cannot be computed from it; "
		         "give one with -t",
		         ts->path, s->name, verdict_name(run.verdict), run.test,
		         run.detail);
		return -1;
	}
	tt->nrun++;
	if (tt->nrun == 1 || run.slowest_ms > tt->slowest_ms) {
		tt->slowest_ms = run.slowest_ms;
		strlcpy0(tt->submission, s->name, sizeof tt->submission);
		strlcpy0(tt->test, run.slowest_test, sizeof tt->test);
	}
	return 0;
}

/* The submissions left out, in the notes: those whose language cannot
 * run here in one line, each other one in a line of its own. */
static void
testset_time_left_out(struct testset_time *tt,
                      const struct testset_time_sub *subs, size_t n)
{
	size_t i, nun = 0;

	for (i = 0; i < n; i++)
		if (subs[i].why[0] != '\0' && !subs[i].unavailable)
			buf_printf(&tt->notes, "%s: %s; left out\n",
			           subs[i].name, subs[i].why);
	for (i = 0; i < n; i++)
		if (subs[i].why[0] != '\0' && subs[i].unavailable)
			buf_printf(&tt->notes, "%s%s (%s)",
			           nun++ == 0 ? "left out, their language not "
			                        "available here: "
			                      : ", ",
			           subs[i].name, subs[i].why);
	if (nun > 0)
		buf_add(&tt->notes, "\n", 1);
}

int
testset_time_compute(const struct testset *ts, const struct judge_opts *o,
                     const struct language_set *langs, struct testset_time *tt,
                     char *err, size_t errlen)
{
	char *dir = util_path_join(ts->path, "submissions/accepted");
	struct testset_time_sub *subs = NULL;
	size_t n, i;
	char **names = testset_list(dir, &n, false), key[65];
	int r = 0;

	memset(tt, 0, sizeof *tt);
	buf_init(&tt->notes, 0);
	if (n > 0)
		subs = xcalloc(n, sizeof *subs);
	for (i = 0; i < n; i++)
		testset_time_sub_load(&subs[i], dir, names[i], langs,
		                      o->backend);
	testset_time_key(ts, o, subs, n, key);
	if (n > 0 && testset_time_cache_read(key, tt) == 0)
		goto out;
	testset_time_left_out(tt, subs, n);
	for (i = 0; i < n && r == 0; i++)
		if (subs[i].why[0] == '\0')
			r = testset_time_judge(ts, o, &subs[i], tt, err,
			                       errlen);
	if (r == 0 && tt->nrun == 0 && n > 0) {
		/* every one was left out: a limit from none of them would
		 * be a guess */
		size_t k = tt->notes.len;

		while (k > 0 && tt->notes.data[k - 1] == '\n')
			k--;
		snprintf(err, errlen,
		         "%s: no accepted submission can run here to compute "
		         "the time limit (%.*s); give one with -t",
		         ts->path, (int)k,
		         tt->notes.data ? tt->notes.data : "");
		for (i = 0; i < k && err[i] != '\0'; i++)
			if (err[i] == '\n')
				err[i] = ' ';
		r = -1;
	}
	if (r == 0 && tt->nrun > 0) {
		tt->time_ms = testset_time_round(
		    tt->slowest_ms, ts->ac_to_time_limit, ts->time_resolution);
		testset_time_cache_write(key, tt);
	}
out:
	for (i = 0; i < n; i++)
		testset_time_sub_free(&subs[i]);
	free(subs);
	testset_free_list(names, n);
	free(dir);
	return r;
}

void
testset_time_free(struct testset_time *tt)
{
	buf_free(&tt->notes);
}
