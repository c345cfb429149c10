/* A run on a terminal (the workbench's output pane): the container gets
 * a terminal of its own (Tty), whose output comes raw on the attach
 * stream and whose input is what the run's terminal gives.
 *
 * Two terminals are in series: the run's (the pty the workbench reads,
 * tty_fd) and the container's. The run's does what a terminal does for
 * the person typing (the line editing, the echo as the workbench wants
 * it, end-of-file), and turns the program's line ends into the
 * terminal's (ONLCR), as it does for a program on the ns backend. The
 * container's must then add nothing: it is started without echo (the
 * typed line would show twice) and without output processing (the line
 * ends would be turned twice, "\r\r\n"), sized as the run's terminal, by
 * a wrapper that becomes the program. Its line discipline stays on, so
 * that what the run's terminal gives is read as it was ended: a line, a
 * part of a line ended by Ctrl-D (passed on with the container's own
 * end-of-file character), or end-of-file. A change of the run's
 * terminal's size is passed on with POST /containers/{id}/resize. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "engine/docker/docker.h"

/* The container's terminal's end-of-file character (stty's default). */
#define DOCKER_TTY_EOF '\004'

/* The size of the run's terminal; 0x0 when it says none. */
static struct winsize
docker_tty_winsize(int fd)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) < 0)
		memset(&ws, 0, sizeof ws);
	return ws;
}

/* "Cmd": the wrapper that sets the container's terminal up and becomes
 * the program. */
void
docker_tty_cmd(struct json_writer *w, int fd, const char *const *argv)
{
	struct winsize ws = docker_tty_winsize(fd);
	char size[48] = "", script[160];
	size_t i;

	if (ws.ws_row != 0 && ws.ws_col != 0)
		snprintf(size, sizeof size, " rows %u cols %u",
		         (unsigned)ws.ws_row, (unsigned)ws.ws_col);
	/* a program that has no stty still runs, on a terminal that echoes */
	snprintf(script, sizeof script,
	         "stty -echo -opost%s 2>/dev/null; exec \"$@\"", size);
	json_open(w, "Cmd", '[');
	json_cstr(w, NULL, "/bin/sh");
	json_cstr(w, NULL, "-c");
	json_cstr(w, NULL, script);
	json_cstr(w, NULL, "sh");
	for (i = 0; argv[i] != NULL; i++)
		json_cstr(w, NULL, argv[i]);
	json_close(w, ']');
}

/* Passes a change of the run's terminal's size on to the container's;
 * *last is the size it has. */
void
docker_tty_resize(struct docker_api *api, const char *id, int fd,
                  struct winsize *last)
{
	struct winsize ws = docker_tty_winsize(fd);
	char path[192], err[256];

	if (ws.ws_row == 0 || ws.ws_col == 0 ||
	    (ws.ws_row == last->ws_row && ws.ws_col == last->ws_col))
		return;
	*last = ws;
	snprintf(path, sizeof path, "/containers/%s/resize?h=%u&w=%u", id,
	         (unsigned)ws.ws_row, (unsigned)ws.ws_col);
	/* a container that has just ended cannot be resized: no matter */
	(void)docker_call_ok(api, "POST", path, NULL, 0, NULL, NULL, err,
	                     sizeof err);
}

/* What a read of the run's terminal gave (n bytes; 0: end-of-file),
 * as the container's terminal must get it to hand the program the
 * same: where the run's terminal reads by lines, a part of a line that
 * Ctrl-D ended, or end-of-file itself, is followed by the container's
 * end-of-file character. Returns the new length (p has room for one
 * more byte). */
size_t
docker_tty_input(int fd, char *p, size_t n)
{
	struct termios tio;

	if (n == 0 || (p[n - 1] != '\n' && tcgetattr(fd, &tio) == 0 &&
	               (tio.c_lflag & ICANON)))
		p[n++] = DOCKER_TTY_EOF;
	return n;
}
