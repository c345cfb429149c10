/* A run for the workbench: the engine's pipeline in a child process, the
 * program on a pty whose master the output pane reads, and the engine's
 * samples and verdict sent back as fixed-size records. The parent records
 * it all as it comes (the output as it appeared on the pty, the keys the
 * person typed, the samples) and saves it to the history like forge run. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "tui/tui.h"

/* how long a run on a server has to cancel its job when stopped */
#define RUNNER_STOP_MS 5000

static int runner_events_fd = -1;

static void
runner_sample(const struct box_sample *s, void *arg)
{
	struct runner_event e = {.kind = RUNNER_SAMPLE, .sample = *s};

	(void)util_write_all(runner_events_fd, &e, sizeof e);
}

/* A backend that runs programs elsewhere (the remote backend, a forge
 * serve): the whole run there, on this terminal, its samples and its
 * end sent back as a local run's are. */
static void
runner_elsewhere(const struct backend *be, const struct language *lang,
                 const char *src, size_t len, const struct limits *l, int slave,
                 struct runner_event *e)
{
	struct pipeline_request q = {
	    .lang = lang,
	    .backend = be,
	    .source = src,
	    .source_len = len,
	    .limits = *l,
	    .compile_limits = lang->compile_limits,
	    .stdin_fd = -1,
	    .tty_fd = slave,
	    .on_sample = runner_sample,
	};
	struct pipeline_result res;

	pipeline_run(&q, &res);
	if (res.compile_output.len > 0) {
		struct runner_event c = {.kind = RUNNER_COMPILE};

		c.hidden = res.build_cached && res.verdict != VERDICT_CE;
		c.cpu_ms = res.compile_output.len;
		(void)util_write_all(runner_events_fd, &c, sizeof c);
		(void)util_write_all(runner_events_fd, res.compile_output.data,
		                     res.compile_output.len);
	}
	e->verdict = (int32_t)res.verdict;
	snprintf(e->detail, sizeof e->detail, "%s", res.detail);
	e->ran = res.ran;
	e->exited = res.ran && res.run.end == BOX_EXITED;
	e->exit_code = res.run.exit_code;
	e->signal = res.run.signal;
	e->cpu_ms = res.run.cpu_ms;
	e->wall_ms = res.run.wall_ms;
	e->mem_kb = res.run.mem_kb;
	e->end = (int32_t)res.run.end;
	e->enforced = (int32_t)res.run.enforced_by;
	snprintf(e->syscall, sizeof e->syscall, "%s", res.run.syscall);
	snprintf(e->toolchain, sizeof e->toolchain, "%s",
	         res.toolchain ? res.toolchain : "");
	pipeline_result_free(&res);
}

int
runner_start(struct runner *r, const char *file, const struct language *lang,
             const char *src, size_t len, const struct limits *l, int rows,
             int cols, char *err, size_t errlen)
{
	struct winsize ws = {(unsigned short)rows, (unsigned short)cols, 0, 0};
	int master, slave, ev[2];
	pid_t pid;

	memset(r, 0, sizeof *r);
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
	    (slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC)) <
	        0) {
		snprintf(err, errlen, "cannot make a terminal: %s",
		         strerror(errno));
		if (master >= 0)
			close(master);
		return -1;
	}
	/* a 0x0 terminal makes programs draw nothing: size it first */
	ioctl(slave, TIOCSWINSZ, &ws);
	/* the workbench echoes what is typed itself (runner_input), so
	 * that what the program wrote reaches the history without the
	 * echo, as a replay on pipes prints it */
	{
		struct termios tio;
		if (tcgetattr(slave, &tio) == 0) {
			tio.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
			tio.c_iflag |=
			    IUTF8; /* erase takes a whole character */
			(void)tcsetattr(slave, TCSANOW, &tio);
		}
	}
	if (pipe2(ev, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(master);
		close(slave);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(master);
		close(slave);
		close(ev[0]);
		close(ev[1]);
		return -1;
	}
	if (pid == 0) {
		const struct backend *be = backend_default();
		struct runner_event e = {.kind = RUNNER_DONE};
		struct build b;
		struct box_spec s;
		struct box_result res;

		sigset_t none;

		/* the workbench's signalfd holds these: not the run's */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		close(master);
		close(ev[0]);
		runner_events_fd = ev[1];
		if (be->run_program != NULL) {
			runner_elsewhere(be, lang, src, len, l, slave, &e);
			(void)util_write_all(ev[1], &e, sizeof e);
			be->release();
			_exit(0);
		}
		/* the build first: its messages appear before the program */
		if (pipeline_build(&b, lang, be, src, len, NULL, 0,
		                   &lang->compile_limits, true) < 0) {
			e.verdict = (int32_t)b.verdict;
			snprintf(e.detail, sizeof e.detail, "%s", b.detail);
		}
		/* a cached build's messages are for the history only */
		if (b.compile_output.len > 0) {
			struct runner_event c = {.kind = RUNNER_COMPILE};
			c.hidden = b.cached && e.detail[0] == '\0';
			c.cpu_ms = b.compile_output.len;
			(void)util_write_all(ev[1], &c, sizeof c);
			(void)util_write_all(ev[1], b.compile_output.data,
			                     b.compile_output.len);
		}
		if (e.detail[0] == '\0') {
			pipeline_spec(&b, &s);
			s.limits = *l;
			s.tty_fd = slave;
			s.on_sample = runner_sample;
			be->run(&s, &res);
			e.verdict = (int32_t)pipeline_classify(
			    &res, l, e.detail, sizeof e.detail);
			e.exited = res.end == BOX_EXITED;
			e.exit_code = res.exit_code;
			e.signal = res.signal;
			e.cpu_ms = res.cpu_ms;
			e.wall_ms = res.wall_ms;
			e.mem_kb = res.mem_kb;
			e.ran = 1;
			e.end = (int32_t)res.end;
			e.enforced = (int32_t)res.enforced_by;
			snprintf(e.syscall, sizeof e.syscall, "%s",
			         res.syscall);
			box_result_free(&res);
		}
		/* after the run, not to delay it (the first time, finding
		 * the toolchain's version runs the compiler) */
		{
			char *tc = cache_toolchain(lang, be);
			if (tc != NULL)
				snprintf(e.toolchain, sizeof e.toolchain, "%s",
				         tc);
			free(tc);
		}
		(void)util_write_all(ev[1], &e, sizeof e);
		pipeline_build_free(&b);
		be->release();
		_exit(0);
	}
	close(slave);
	close(ev[1]);
	util_set_nonblock(master, true);
	r->pid = pid;
	r->elsewhere = backend_default()->run_program != NULL;
	r->pty = master;
	r->events = ev[0];
	r->running = true;
	history_recorder_init(&r->rec, true, history_cap());
	r->file = xstrdup(file);
	r->src = xstrndup(src, len);
	r->src_len = len;
	r->lang = lang;
	r->limits = *l;
	buf_init(&r->compile, 0);
	buf_init(&r->line, 0);
	buf_init(&r->feed, 0);
	return 0;
}

/* Stops the run: the child's keeper dies, and with it the sandbox. A
 * run on a server (r->elsewhere) is asked first: on SIGTERM the remote
 * backend cancels the job there (AB), then the child ends; asked again,
 * or not gone within RUNNER_STOP_MS (runner_reap), it is killed. */
void
runner_stop(struct runner *r)
{
	if (!r->running || r->pid <= 0)
		return;
	if (r->elsewhere && !r->stopping) {
		r->stopping = true;
		kill(r->pid, SIGTERM);
	} else
		kill(r->pid, SIGKILL);
}

/* The child, reaped within ms: true; false: it is still there. */
static bool
runner_gone(pid_t pid, int ms)
{
	for (int i = 0; i <= ms / 20; i++) {
		pid_t w = waitpid(pid, NULL, WNOHANG);

		if (w == pid || (w < 0 && errno != EINTR))
			return true;
		usleep(20 * 1000);
	}
	return false;
}

void
runner_reap(struct runner *r)
{
	bool reaped = false;

	if (r->pid > 0 && r->stopping &&
	    !(reaped = runner_gone(r->pid, RUNNER_STOP_MS)))
		kill(r->pid, SIGKILL);
	if (r->pid > 0 && !reaped)
		while (waitpid(r->pid, NULL, 0) < 0 && errno == EINTR)
			;
	if (r->pty >= 0)
		close(r->pty);
	if (r->events >= 0)
		close(r->events);
	r->pid = 0;
	r->pty = r->events = -1;
	r->running = r->stopping = r->elsewhere = false;
	history_recorder_free(&r->rec);
	free(r->file);
	free(r->src);
	r->file = r->src = NULL;
	buf_free(&r->compile);
	buf_free(&r->line);
	buf_free(&r->feed);
	r->fed = 0;
	r->have_done = false;
}

/* What the program wrote, as the pty gave it. */
void
runner_output(struct runner *r, const char *p, size_t n)
{
	if (r->file != NULL)
		history_recorder_output(&r->rec, 1, p, n);
}

/* The echo of a typed byte, as a terminal's line discipline would
 * write it (ECHOCTL: a control character as ^X). */
static void
runner_echo_byte(struct buf *echo, unsigned char c)
{
	if (c == '\n')
		buf_addstr(echo, "\r\n");
	else if (c == '\t' || c >= 0x20)
		buf_add(echo, (const char *)&c, 1);
	else {
		char ctl[2] = {'^', (char)(c + '@')};
		buf_add(echo, ctl, 2);
	}
}

/* The last character of the line unread (a whole UTF-8 sequence), and
 * its echo erased. */
static void
runner_erase(struct buf *line, struct buf *echo)
{
	unsigned char c;

	if (line->len == 0)
		return;
	do
		c = (unsigned char)line->data[--line->len];
	while (line->len > 0 && (c & 0xC0) == 0x80);
	buf_addstr(echo, c < 0x20 && c != '\t' ? "\b\b  \b\b" : "\b \b");
}

/* Typed keys (and the terminal's answers) go to the program. The history
 * keeps them as the program read them: while the terminal is in canonical
 * mode, as the lines the line discipline made of them (erase, kill and
 * end-of-file applied, a line only once it was ended), else as they were
 * (Enter as a newline where the terminal maps it so). In canonical mode
 * the echo is added to echo, for the output pane only: the terminal's
 * own echo is off, so the program's output is recorded without it. */
void
runner_input(struct runner *r, const char *p, size_t n, struct buf *echo)
{
	struct termios tio;
	bool canon = true, icrnl = true, iexten = true, isig = true;

	(void)util_write_all(r->pty, p, n);
	if (r->file == NULL)
		return;
	/* a pty's master reports its terminal's settings */
	if (tcgetattr(r->pty, &tio) == 0) {
		canon = (tio.c_lflag & ICANON) != 0;
		icrnl = (tio.c_iflag & ICRNL) != 0;
		iexten = (tio.c_lflag & IEXTEN) != 0;
		isig = (tio.c_lflag & ISIG) != 0;
	} else
		memset(tio.c_cc, 0, sizeof tio.c_cc);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\r' && icrnl)
			c = '\n';
		if (!canon) {
			history_recorder_input(&r->rec, (const char *)&c, 1);
			continue;
		}
		if (isig && c != 0 &&
		    (c == tio.c_cc[VINTR] || c == tio.c_cc[VQUIT] ||
		     c == tio.c_cc[VSUSP])) {
			r->line.len = 0; /* a signal flushes the line */
			runner_echo_byte(echo, c);
			continue;
		}
		if (c != 0 && c == tio.c_cc[VERASE])
			runner_erase(&r->line, echo);
		else if (c != 0 && c == tio.c_cc[VKILL])
			while (r->line.len > 0)
				runner_erase(&r->line, echo);
		else if (iexten && c != 0 && c == tio.c_cc[VWERASE]) {
			while (r->line.len > 0 &&
			       r->line.data[r->line.len - 1] == ' ')
				runner_erase(&r->line, echo);
			while (r->line.len > 0 &&
			       r->line.data[r->line.len - 1] != ' ')
				runner_erase(&r->line, echo);
		} else if (c != 0 && c == tio.c_cc[VEOF]) {
			history_recorder_input(&r->rec, r->line.data,
			                       r->line.len);
			r->line.len = 0;
		} else {
			buf_add(&r->line, (const char *)&c, 1);
			runner_echo_byte(echo, c);
			if (c == '\n' || (c != 0 && c == tio.c_cc[VEOL])) {
				history_recorder_input(&r->rec, r->line.data,
				                       r->line.len);
				r->line.len = 0;
			}
		}
	}
}

/* Recorded input for the program (a past run's, run again): kept as its
 * stdin, and typed into its terminal by runner_pump as it reads, byte
 * for byte: a byte the line discipline would act on (erase, kill,
 * end-of-file, a signal) goes in quoted with the literal-next key, and
 * end-of-file follows the last line, as when stdin is a file. */
void
runner_feed(struct runner *r, const char *p, size_t n)
{
	static const int special[] = {VINTR, VQUIT,   VSUSP,   VERASE,
	                              VKILL, VWERASE, VEOF,    VEOL,
	                              VEOL2, VLNEXT,  VREPRINT};
	struct termios tio;
	bool quote;

	if (tcgetattr(r->pty, &tio) < 0)
		memset(&tio, 0, sizeof tio);
	quote = (tio.c_lflag & IEXTEN) && tio.c_cc[VLNEXT] != 0;
	history_recorder_input(&r->rec, p, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		bool lit = c == '\r';

		for (size_t k = 0;
		     c != 0 && k < sizeof special / sizeof *special; k++)
			lit = lit || c == tio.c_cc[special[k]];
		if (lit && quote)
			buf_add(&r->feed, &tio.c_cc[VLNEXT], 1);
		buf_add(&r->feed, &c, 1);
	}
	if (tio.c_cc[VEOF] != 0) {
		/* a last line without its newline needs its own end */
		if (n > 0 && p[n - 1] != '\n')
			buf_add(&r->feed, &tio.c_cc[VEOF], 1);
		buf_add(&r->feed, &tio.c_cc[VEOF], 1);
	}
	r->fed = 0;
}

/* As much of the fed input as the terminal takes now; true when it has
 * all gone in. */
bool
runner_pump(struct runner *r)
{
	while (r->pty >= 0 && r->fed < r->feed.len) {
		ssize_t n =
		    write(r->pty, r->feed.data + r->fed, r->feed.len - r->fed);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		r->fed += (size_t)n;
	}
	return true;
}

/* An event from the run, as the loop reads it: kept for the history. */
void
runner_record(struct runner *r, const struct runner_event *e, const char *data,
              size_t len)
{
	if (r->file == NULL)
		return;
	if (e->kind == RUNNER_SAMPLE)
		history_recorder_sample(&r->rec, &e->sample);
	else if (e->kind == RUNNER_COMPILE)
		buf_add(&r->compile, data, len);
	else if (e->kind == RUNNER_DONE && !r->have_done) {
		r->done = *e;
		r->have_done = true;
	}
}

/* The run has ended (its events are over): the rest of its output is
 * shown and recorded, the run saved to the history, the child reaped.
 * A history that cannot be written costs a message, never the run. */
void
runner_finish(struct tui *t)
{
	struct runner *r = &t->run;
	struct pipeline_result res;
	struct history_run h;
	char buf[65536], err[512];
	ssize_t n;
	int k = 0;

	while (r->pty >= 0 && k++ < 64 &&
	       (n = read(r->pty, buf, sizeof buf)) > 0) {
		output_feed(t->out, buf, (size_t)n);
		runner_output(r, buf, (size_t)n);
	}
	if (r->file == NULL) {
		runner_reap(r);
		return;
	}
	memset(&res, 0, sizeof res);
	if (!r->have_done) {
		/* stopped (F5, Ctrl-C): what the samples saw */
		const struct history_sample *s =
		    r->rec.nsamples ? &r->rec.samples[r->rec.nsamples - 1]
		                    : NULL;
		res.verdict = VERDICT_AB;
		snprintf(res.detail, sizeof res.detail, "stopped by the user");
		if (s != NULL) {
			res.run.cpu_ms = (uint64_t)s->cpu_ms;
			res.run.wall_ms = (uint64_t)s->t_ms;
			res.run.mem_kb = (uint64_t)s->memory_kb;
		}
	} else {
		res.verdict = (enum verdict)r->done.verdict;
		snprintf(res.detail, sizeof res.detail, "%s", r->done.detail);
		res.ran = r->done.ran != 0;
		res.run.end = (enum box_end)r->done.end;
		res.run.exit_code = r->done.exit_code;
		res.run.signal = r->done.signal;
		res.run.cpu_ms = r->done.cpu_ms;
		res.run.wall_ms = r->done.wall_ms;
		res.run.mem_kb = r->done.mem_kb;
		res.run.enforced_by = (enum box_enforcer)r->done.enforced;
		snprintf(res.run.syscall, sizeof res.run.syscall, "%s",
		         r->done.syscall);
	}
	res.compiled = r->lang->compile != NULL;
	res.compile_output = r->compile;
	history_recorder_finish(&r->rec, &h,
	                        &(struct history_recorder_run){
	                            &res, r->lang, backend_default(),
	                            &r->limits, r->file, r->src, r->src_len,
	                            r->have_done && r->done.toolchain[0]
	                                ? r->done.toolchain
	                                : NULL});
	history_run_unterminal(&h);
	if (res.verdict == VERDICT_OLE)
		h.out_truncated = true; /* stopped at the limit */
	if (history_recorder_save(NULL, &h, err, sizeof err) == 0)
		tui_message(t, "the run was not saved to the history: %s", err);
	/* kept: F2 saves it as a test */
	history_run_free(&t->last);
	t->last = h;
	t->have_last = true;
	runner_reap(r);
}
