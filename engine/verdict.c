/* Verdicts: names, meanings and the exit status each one gives forge. */
#include "config.h"

#include <string.h>

#include "engine.h"

static const struct {
	const char *name;
	const char *describe;
} verdicts[VERDICT__COUNT] = {
    [VERDICT_OK] = {"OK", "ran and exited 0"},
    [VERDICT_AC] = {"AC", "accepted"},
    [VERDICT_WA] = {"WA", "wrong answer"},
    [VERDICT_TLE] = {"TLE", "time limit exceeded"},
    [VERDICT_MLE] = {"MLE", "memory limit exceeded"},
    [VERDICT_OLE] = {"OLE", "output limit exceeded"},
    [VERDICT_RE] = {"RE", "runtime error"},
    [VERDICT_CE] = {"CE", "compilation error"},
    [VERDICT_SV] = {"SV", "security violation (forbidden system call)"},
    [VERDICT_IE] = {"IE", "internal error (the sandbox failed)"},
    [VERDICT_AB] = {"AB", "aborted by the user (stopped, or cancelled)"},
};

const char *
verdict_name(enum verdict v)
{
	return v < VERDICT__COUNT ? verdicts[v].name : "??";
}

const char *
verdict_describe(enum verdict v)
{
	return v < VERDICT__COUNT ? verdicts[v].describe : "unknown";
}

int
verdict_from_name(const char *s, enum verdict *v)
{
	int i;

	for (i = 0; i < VERDICT__COUNT; i++) {
		if (strcasecmp(s, verdicts[i].name) == 0) {
			*v = (enum verdict)i;
			return 0;
		}
	}
	return -1;
}

bool
verdict_good(enum verdict v)
{
	return v == VERDICT_OK || v == VERDICT_AC;
}

/* The CLI contract: 0 for OK/AC, 1 for any other verdict of the program,
 * 3 when the sandbox itself failed (2 is kept for usage errors). */
int
verdict_exit_status(enum verdict v)
{
	if (verdict_good(v))
		return 0;
	if (v == VERDICT_IE)
		return 3;
	return 1;
}
