/* bench/tui-latency.c: drives forge-tui on a pty as a terminal would and
 * times keystrokes to the screen output they cause (CLOCK_MONOTONIC).
 *
 *   tui-latency edit  N TUI FILE   N keys in the editor, from line 40,000:
 *                                  latency = the key written to the last
 *                                  byte of the screen update it caused
 *   tui-latency flood N TUI FILE   F5 runs FILE (a flood), then a marker
 *                                  key every 100 ms into the editor until
 *                                  the run ends: latency = the key written
 *                                  to its marker on the screen; the RSS of
 *                                  forge-tui sampled from /proc meanwhile
 *   tui-latency runs  N TUI FILE   F5 runs FILE N times, one after the
 *                                  other, once it has been built: latency
 *                                  = F5 written to the last byte of the
 *                                  screen update the run caused (FILE
 *                                  should print something new each run,
 *                                  so that the screen changes)
 *
 * Prints one line of figures per key kind, then the summary. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int pty_fd;
static pid_t child;
static char tail[256]; /* the last bytes read, to find text split by reads */
static size_t ntail;
static unsigned long long total_read;
static const char *end_text; /* when set, pump() watches for it */
static bool end_seen;
static char verdict[16]; /* the word after end_text */

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Reads what is there, waiting up to ms; returns the bytes read, -1 at
 * the end. The bytes are also kept in tail. */
static ssize_t
pump(int ms, const char *find, bool *found)
{
	struct pollfd p = {pty_fd, POLLIN, 0};
	char buf[65536];
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	n = read(pty_fd, buf, sizeof buf);
	if (n <= 0)
		return n < 0 && errno == EAGAIN ? 0 : -1;
	total_read += (unsigned long long)n;
	if (find != NULL || end_text != NULL) {
		/* what is sought may straddle two reads */
		size_t keep = ntail < 64 ? ntail : 64, len = keep + (size_t)n;
		char *joined = malloc(len);

		memcpy(joined, tail + ntail - keep, keep);
		memcpy(joined + keep, buf, (size_t)n);
		if (find != NULL && memmem(joined, len, find, strlen(find)))
			*found = true;
		if (end_text != NULL && !end_seen) {
			char *at =
			    memmem(joined, len, end_text, strlen(end_text));
			size_t k = 0;

			if (at != NULL) {
				end_seen = true;
				at += strlen(end_text);
				while (at + k < joined + len &&
				       k + 1 < sizeof verdict && at[k] >= 'A' &&
				       at[k] <= 'Z') {
					verdict[k] = at[k];
					k++;
				}
				verdict[k] = '\0';
			}
		}
		free(joined);
	}
	if ((size_t)n >= sizeof tail) {
		memcpy(tail, buf + n - sizeof tail, sizeof tail);
		ntail = sizeof tail;
	} else {
		size_t keep = sizeof tail - (size_t)n < ntail
		                  ? sizeof tail - (size_t)n
		                  : ntail;
		memmove(tail, tail + ntail - keep, keep);
		memcpy(tail + keep, buf, (size_t)n);
		ntail = keep + (size_t)n;
	}
	return n;
}

/* Reads until quiet_ms pass without output (or max_ms in all); returns
 * the time of the last byte, or start if none came. */
static double
settle(double start, int quiet_ms, int max_ms)
{
	double last = start;

	while (now_ms() - start < max_ms) {
		ssize_t n = pump(quiet_ms, NULL, NULL);

		if (n < 0)
			break;
		if (n == 0)
			break;
		last = now_ms();
	}
	return last;
}

static void
send_keys(const char *s)
{
	size_t len = strlen(s);

	if (write(pty_fd, s, len) != (ssize_t)len) {
		perror("tui-latency: write");
		exit(1);
	}
}

static long
rss_kb(void)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)child);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
report(const char *what, double *v, size_t n)
{
	if (n == 0) {
		printf("%-28s no samples\n", what);
		return;
	}
	qsort(v, n, sizeof *v, cmp_double);
	printf("%-28s n=%-4zu median %6.2f ms  p95 %6.2f ms  max %6.2f ms\n",
	       what, n, v[n / 2], v[(size_t)((double)(n - 1) * 0.95)],
	       v[n - 1]);
}

static void
start(const char *tui, const char *file)
{
	struct winsize ws = {40, 120, 0, 0};

	child = forkpty(&pty_fd, NULL, NULL, &ws);
	if (child < 0) {
		perror("tui-latency: forkpty");
		exit(2);
	}
	if (child == 0) {
		setenv("TERM", "xterm-256color", 1);
		execl(tui, tui, file, (char *)NULL);
		perror("tui-latency: exec");
		_exit(127);
	}
	fcntl(pty_fd, F_SETFL, O_NONBLOCK);
	settle(now_ms(), 500, 10000);
}

static void
stop(void)
{
	send_keys("\021");
	settle(now_ms(), 200, 2000);
	send_keys("\021");
	settle(now_ms(), 200, 2000);
	kill(child, SIGTERM);
	waitpid(child, NULL, 0);
}

/* Keystrokes deep in a large file: typing, moving, paging. */
static int
bench_edit(int n, const char *tui, const char *file)
{
	static const struct {
		const char *name, *seq;
	} keys[] = {
	    /* arrows as xterm sends them once the application asked for
	     * its keypad (smkx), which curses does */
	    {"type a character", "a"}, {"Right", "\033OC"}, {"Down", "\033OB"},
	    {"Backspace", "\177"},     {"PgDn", "\033[6~"}, {"PgUp", "\033[5~"},
	};
	enum { NKINDS = sizeof keys / sizeof keys[0] };
	double *all = calloc((size_t)n, sizeof *all), *kind[NKINDS];
	size_t nkind[NKINDS] = {0}, nall = 0;
	long rss0;

	for (int k = 0; k < NKINDS; k++)
		kind[k] = calloc((size_t)n, sizeof(double));
	start(tui, file);
	rss0 = rss_kb();
	send_keys("\a40000\r"); /* Ctrl-G: to line 40,000 */
	settle(now_ms(), 300, 5000);
	for (int i = 0; i < n; i++) {
		int k = i % NKINDS;
		double t0 = now_ms(), t1;
		bool any = false;

		send_keys(keys[k].seq);
		/* the first bytes of the update, then the rest of it */
		while (now_ms() - t0 < 2000 && !any) {
			ssize_t r = pump(2000, NULL, NULL);
			if (r < 0)
				break;
			any = r > 0;
		}
		t1 = settle(now_ms(), 15, 2000);
		if (!any) {
			fprintf(stderr,
			        "tui-latency: no screen output for "
			        "%s\n",
			        keys[k].name);
			continue;
		}
		kind[k][nkind[k]++] = t1 - t0;
		all[nall++] = t1 - t0;
	}
	printf("forge-tui, 50,000-line file, cursor near line 40,000, "
	       "120x40 terminal\n");
	for (int k = 0; k < NKINDS; k++)
		report(keys[k].name, kind[k], nkind[k]);
	report("all keys", all, nall);
	printf("RSS: %ld kB after loading, %ld kB after the keys\n", rss0,
	       rss_kb());
	stop();
	return nall == (size_t)n ? 0 : 1;
}

/* Keys while a program floods the output pane. */
static int
bench_flood(int n, const char *tui, const char *file)
{
	static const char markers[] = "~^&#";
	double *lat = calloc((size_t)n, sizeof *lat), t0, next_key, next_rss;
	double end = 0;
	size_t nlat = 0, nrss = 0;
	long rss, rss0, peak = 0;
	int i = 0;

	start(tui, file);
	rss0 = rss_kb();
	t0 = now_ms();
	send_keys("\033[15~"); /* F5 */
	settle(now_ms(), 300, 3000);
	send_keys("\t");          /* the editor, while the program runs */
	send_keys("\033[1;5F\r"); /* Ctrl-End, a new line for markers */
	next_key = now_ms() + 100;
	next_rss = now_ms();
	end_text = "verdict ";
	while (!end_seen && now_ms() - t0 < 180000) {
		bool seen = false;

		if (now_ms() >= next_rss) {
			if ((rss = rss_kb()) > peak)
				peak = rss;
			nrss++;
			next_rss += 100;
		}
		if (i < n && now_ms() >= next_key) {
			char m[2] = {markers[i % 4], 0};
			double k0 = now_ms();

			send_keys(m);
			while (!seen && now_ms() - k0 < 5000) {
				if (pump(50, m, &seen) < 0)
					break;
				if ((rss = rss_kb()) > peak)
					peak = rss;
			}
			if (seen)
				lat[nlat++] = now_ms() - k0;
			send_keys("\177");
			i++;
			next_key = now_ms() + 100;
		}
		if (pump(20, NULL, NULL) < 0)
			break;
	}
	end = now_ms();
	printf("forge-tui, a program printing 200 MB into the output pane, "
	       "120x40 terminal\n");
	if (end_seen)
		printf("the run took %.1f s (F5 to its verdict, %s, on the "
		       "screen); "
		       "%llu kB of screen updates read\n",
		       (end - t0) / 1e3, verdict, total_read / 1000);
	else
		printf("the run did not end within 180 s\n");
	report("key to screen, during it", lat, nlat);
	printf("RSS: %ld kB before, peak %ld kB (%zu samples), %ld kB "
	       "after\n",
	       rss0, peak, nrss, rss_kb());
	stop();
	return end_seen && nlat > 0 ? 0 : 1;
}

/* Runs started from the workbench: F5 to the screen showing the result. */
static int
bench_runs(int n, const char *tui, const char *file)
{
	double *lat = calloc((size_t)n, sizeof *lat);
	size_t nlat = 0;

	start(tui, file);
	send_keys("\033[15~"); /* the first run builds FILE */
	settle(now_ms(), 1000, 60000);
	for (int i = 0; i < n; i++) {
		double t0 = now_ms(), t1;
		bool any = false;

		send_keys("\033[15~");
		while (now_ms() - t0 < 5000 && !any) {
			ssize_t r = pump(5000, NULL, NULL);
			if (r < 0)
				break;
			any = r > 0;
		}
		/* the last byte of the update: a run in progress may keep
		 * the screen still for a while on a loaded host */
		t1 = settle(now_ms(), 250, 5000);
		if (!any) {
			fprintf(stderr, "tui-latency: no screen output for a "
			                "run\n");
			continue;
		}
		lat[nlat++] = t1 - t0;
	}
	printf("forge-tui, F5 on a built program, 120x40 terminal\n");
	report("run, F5 to its result", lat, nlat);
	stop();
	return nlat == (size_t)n ? 0 : 1;
}

int
main(int argc, char **argv)
{
	int n;

	if (argc != 5 || (n = atoi(argv[2])) <= 0 ||
	    (strcmp(argv[1], "edit") != 0 && strcmp(argv[1], "flood") != 0 &&
	     strcmp(argv[1], "runs") != 0)) {
		fprintf(stderr,
		        "usage: tui-latency edit|flood|runs KEYS TUI FILE\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(argv[1], "runs") == 0)
		return bench_runs(n, argv[3], argv[4]);
	return strcmp(argv[1], "edit") == 0 ? bench_edit(n, argv[3], argv[4])
	                                    : bench_flood(n, argv[3], argv[4]);
}
