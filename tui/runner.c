/* A run for the workbench: the engine's pipeline in a child process, the
 * program on a pty whose master the output pane reads, and the engine's
 * samples and verdict sent back as fixed-size records. */
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

static int runner_events_fd = -1;

static void
runner_sample(const struct box_sample *s, void *arg)
{
	struct runner_event e = {.kind = RUNNER_SAMPLE, .sample = *s};

	(void)util_write_all(runner_events_fd, &e, sizeof e);
}

int
runner_start(struct runner *r, const struct language *lang, const char *src,
             size_t len, const struct limits *l, int rows, int cols, char *err,
             size_t errlen)
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

		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		close(master);
		close(ev[0]);
		runner_events_fd = ev[1];
		/* the build first: its messages appear before the program */
		if (pipeline_build(&b, lang, be, src, len, NULL, 0,
		                   &lang->compile_limits, true) < 0) {
			e.verdict = (int32_t)b.verdict;
			snprintf(e.detail, sizeof e.detail, "%s", b.detail);
		}
		if (b.compile_output.len > 0 &&
		    (!b.cached || e.detail[0] != '\0')) {
			struct runner_event c = {.kind = RUNNER_COMPILE};
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
			box_result_free(&res);
		}
		(void)util_write_all(ev[1], &e, sizeof e);
		pipeline_build_free(&b);
		ns_release();
		_exit(0);
	}
	close(slave);
	close(ev[1]);
	util_set_nonblock(master, true);
	r->pid = pid;
	r->pty = master;
	r->events = ev[0];
	r->running = true;
	return 0;
}

/* Stops the run: the child's keeper dies, and with it the sandbox. */
void
runner_stop(struct runner *r)
{
	if (r->running && r->pid > 0)
		kill(r->pid, SIGKILL);
}

void
runner_reap(struct runner *r)
{
	if (r->pid > 0)
		while (waitpid(r->pid, NULL, 0) < 0 && errno == EINTR)
			;
	if (r->pty >= 0)
		close(r->pty);
	if (r->events >= 0)
		close(r->events);
	r->pid = 0;
	r->pty = r->events = -1;
	r->running = false;
}
