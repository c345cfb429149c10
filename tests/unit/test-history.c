/* Recording runs as a long-lived process does (a workbench, a judge):
 * each run gets the next id in the database the path names, even after
 * that file was removed, in a forked child, or when the path changes;
 * and the write-ahead log stays short however many runs are recorded. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "history/history.h"
#include "tests/unit/check.h"

/* A run as forge run records it, with an output of out_len bytes. */
static void
make_run(struct history_run *r, size_t out_len)
{
	history_run_init(r);
	r->created = history_recorder_now();
	r->kind = xstrdup("run");
	r->language = xstrdup("c");
	r->source = xstrdup("int main(void) { return 0; }\n");
	r->source_len = strlen(r->source);
	r->source_hash = xstrdup("0123456789abcdef0123456789abcdef"
	                         "0123456789abcdef0123456789abcdef");
	limits_default_run(&r->limits);
	r->verdict = xstrdup("OK");
	r->out = xmalloc(out_len + 1);
	for (size_t i = 0; i < out_len; i++)
		r->out[i] = (char)('a' + i * 7919 % 26);
	r->out[out_len] = '\0';
	r->out_len = out_len;
}

static int64_t
save(const char *db, size_t out_len)
{
	struct history_run r;
	char err[512] = "";
	int64_t id;

	make_run(&r, out_len);
	id = history_recorder_save(db, &r, err, sizeof err);
	if (id == 0)
		fprintf(stderr, "save to %s: %s\n", db, err);
	history_run_free(&r);
	return id;
}

static int64_t
count_runs(const char *db)
{
	struct history *h;
	struct history_run *v = NULL;
	struct history_filter f = {0};
	char err[512];
	size_t n = 0;

	if ((h = history_open(db, false, err, sizeof err)) == NULL) {
		fprintf(stderr, "open %s: %s\n", db, err);
		return -1;
	}
	if (history_list(h, &f, &v, &n, err, sizeof err) < 0) {
		fprintf(stderr, "list %s: %s\n", db, err);
		history_close(h);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		history_run_free(&v[i]);
	free(v);
	history_close(h);
	return (int64_t)n;
}

static void
remove_db(const char *db)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	char path[4200];

	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s%s", db, suffix[i]);
		unlink(path);
	}
}

int
main(void)
{
	char dir[] = "/tmp/forge-test-history.XXXXXX";
	char db[4200], other[4200], wal[4300], cmd[4400];
	struct stat st;
	pid_t pid;
	int status, i;
	int64_t id = 0;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 99;
	}
	snprintf(db, sizeof db, "%s/history.db", dir);
	snprintf(other, sizeof other, "%s/other.db", dir);
	snprintf(wal, sizeof wal, "%s-wal", db);

	/* one process, several runs: one after the other */
	CHECK(save(db, 10) == 1);
	CHECK(save(db, 10) == 2);
	CHECK(count_runs(db) == 2);

	/* a forked child records its own run; the parent's handle
	 * goes on afterwards */
	pid = fork();
	if (pid == 0)
		exit(save(db, 10) == 3 ? 0 : 1);
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0);
	CHECK(save(db, 10) == 4);
	CHECK(count_runs(db) == 4);

	/* the file removed between two runs: the next makes a new one */
	remove_db(db);
	CHECK(save(db, 10) == 1);
	CHECK(stat(db, &st) == 0 && S_ISREG(st.st_mode));
	CHECK(count_runs(db) == 1);

	/* another path: recorded there, not in the first */
	CHECK(save(other, 10) == 1);
	CHECK(count_runs(db) == 1);
	CHECK(save(db, 10) == 2);

	/* 300 runs of 3 KB each: some 3 MB of pages written, and the log is
	 * checkpointed as it goes, so it never holds all of them */
	for (i = 0; i < 300; i++)
		id = save(db, 3000);
	CHECK(id == 302);
	CHECK(stat(wal, &st) < 0 || st.st_size < 2 * 1024 * 1024);
	CHECK(count_runs(db) == 302);

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}
