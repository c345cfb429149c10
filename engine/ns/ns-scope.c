/* A cgroup of forge's own from the systemd user manager.
 *
 * On cgroup v2 an ordinary user's shell lives in a session or terminal
 * scope (…/session-2.scope, …/app.slice/<terminal>.scope) that also holds
 * the shell and the terminal, and that the user may not give children
 * with controllers: run cgroups cannot be made there. The user's own
 * systemd manager can make one that may: a transient scope with
 * Delegate=yes, as `systemd-run --user --scope -p Delegate=yes` asks for.
 * forge asks for it over D-Bus (sd-bus), once per process, with its own
 * pid in it; ns-cgroup.c then uses the scope as it uses any cgroup
 * delegated to it.
 *
 * This file is a library of its own (libforge-systemd.a): libsystemd has
 * no static archive, and forge is a static PIE. ns-cgroup.c names
 * ns_scope_start by a weak reference, NULL in a program built without
 * it. Nothing here runs the sandboxed program or reads what it wrote: the
 * only peer is the user's own bus. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-bus.h>

#include "engine/ns/ns.h"

#define SD_DEST  "org.freedesktop.systemd1"
#define SD_PATH  "/org/freedesktop/systemd1"
#define SD_IFACE "org.freedesktop.systemd1.Manager"

/* How long the user manager gets to answer and to start the scope: it
 * is a local call that takes milliseconds; a manager that hangs must not
 * hang forge, which then runs with rlimits. */
#define SCOPE_TIMEOUT_US (10 * 1000000ULL)

/* The job StartTransientUnit queued, and how it ended. */
struct scope_job {
	char job[256];   /* its object path; empty until the call returns */
	char result[32]; /* "done", "failed", ...; empty while it runs */
};

/* JobRemoved(u id, o job, s unit, s result), for every job of the
 * manager: the one that started our scope ends the wait. */
static int
scope_job_removed(sd_bus_message *m, void *arg, sd_bus_error *e)
{
	struct scope_job *w = arg;
	const char *path, *unit, *result;
	uint32_t id;

	if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->job[0] != '\0' && strcmp(path, w->job) == 0)
		snprintf(w->result, sizeof w->result, "%s", result);
	return 0;
}

/* The StartTransientUnit call: name, mode "fail" (never replace a unit
 * of that name), the properties, no auxiliary units. */
static int
scope_message(sd_bus *bus, const char *unit, sd_bus_message **out)
{
	sd_bus_message *m = NULL;
	int r;

	r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_IFACE,
	                                   "StartTransientUnit");
	if (r >= 0)
		r = sd_bus_message_append(m, "ss", unit, "fail");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd_bus_message_append(
		    m, "(sv)(sv)(sv)(sv)", "Description", "s",
		    "forge: sandboxed runs, each in a cgroup of its own",
		    /* this process: systemd moves it into the scope */
		    "PIDs", "au", 1, (uint32_t)getpid(),
		    /* the scope's subtree is ours: run cgroups with the
		     * memory and pids controllers may be made in it */
		    "Delegate", "b", 1,
		    /* gone once forge is, even when it ended badly */
		    "CollectMode", "s", "inactive-or-failed");
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r < 0) {
		sd_bus_message_unref(m);
		return r;
	}
	*out = m;
	return 0;
}

static uint64_t
scope_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Waits for the job's JobRemoved, as systemd-run does: the scope holds
 * this process only once the job is done. */
static int
scope_wait(sd_bus *bus, struct scope_job *w, char *why, size_t wlen)
{
	uint64_t end = scope_now_us() + SCOPE_TIMEOUT_US;

	while (w->result[0] == '\0') {
		uint64_t now;
		int r = sd_bus_process(bus, NULL);

		if (r < 0) {
			snprintf(why, wlen,
			         "the user bus failed while the scope started: "
			         "%s",
			         strerror(-r));
			return -1;
		}
		if (r > 0)
			continue;
		now = scope_now_us();
		if (now >= end) {
			snprintf(why, wlen,
			         "the systemd user manager did not start the "
			         "scope within %llu s",
			         SCOPE_TIMEOUT_US / 1000000ULL);
			return -1;
		}
		r = sd_bus_wait(bus, end - now);
		if (r < 0 && r != -EINTR) {
			snprintf(why, wlen, "waiting on the user bus: %s",
			         strerror(-r));
			return -1;
		}
	}
	if (strcmp(w->result, "done") != 0) {
		snprintf(why, wlen,
		         "the systemd user manager's job for the scope ended "
		         "'%s'",
		         w->result);
		return -1;
	}
	return 0;
}

enum ns_scope_result
ns_scope_start(char *unit, size_t ulen, char *why, size_t wlen)
{
	sd_bus *bus = NULL;
	sd_bus_slot *slot = NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	struct scope_job w = {{0}, {0}};
	enum ns_scope_result res = NS_SCOPE_REFUSED;
	const char *job;
	int r;

	/* the user bus: $DBUS_SESSION_BUS_ADDRESS, else
	 * $XDG_RUNTIME_DIR/bus (libsystemd's rules) */
	r = sd_bus_open_user(&bus);
	if (r < 0) {
		snprintf(why, wlen,
		         "no systemd user bus to ask for a scope (%s)",
		         strerror(-r));
		return NS_SCOPE_NO_BUS;
	}
	snprintf(unit, ulen, "forge-%d.scope", (int)getpid());
	/* the match first: the job may end before the call's reply */
	r = sd_bus_match_signal(bus, &slot, SD_DEST, SD_PATH, SD_IFACE,
	                        "JobRemoved", scope_job_removed, &w);
	if (r >= 0)
		r = scope_message(bus, unit, &m);
	if (r < 0) {
		snprintf(why, wlen, "building the D-Bus call: %s",
		         strerror(-r));
		goto out;
	}
	r = sd_bus_call(bus, m, SCOPE_TIMEOUT_US, &e, &reply);
	if (r < 0) {
		/* no manager on the bus is the same as no bus to the user */
		if (sd_bus_error_has_name(&e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
		    sd_bus_error_has_name(&e, SD_BUS_ERROR_NAME_HAS_NO_OWNER))
			res = NS_SCOPE_NO_BUS;
		/* the error's name first: a bus policy's message is long */
		snprintf(why, wlen,
		         "the systemd user manager refused a transient scope "
		         "(%s): %s",
		         e.name != NULL ? e.name : "no reply",
		         e.message != NULL ? e.message : strerror(-r));
		goto out;
	}
	r = sd_bus_message_read(reply, "o", &job);
	if (r < 0) {
		snprintf(why, wlen, "StartTransientUnit's reply: %s",
		         strerror(-r));
		goto out;
	}
	snprintf(w.job, sizeof w.job, "%s", job);
	if (scope_wait(bus, &w, why, wlen) == 0)
		res = NS_SCOPE_STARTED;
out:
	sd_bus_error_free(&e);
	sd_bus_message_unref(reply);
	sd_bus_message_unref(m);
	sd_bus_slot_unref(slot);
	sd_bus_flush_close_unref(bus);
	return res;
}
