/* Who the program is inside: ids, capabilities, no_new_privs, seccomp,
 * the devices it has, the host name, and whether it can become root.
 * Then it takes the name on stdin and waits for one more line, so that
 * the test can see from the host which host uid it runs as. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static void
cat(const char *path, const char *const *keys)
{
	char line[512];
	FILE *f = fopen(path, "r");
	size_t i;

	if (f == NULL) {
		printf("%s: %s\n", path, strerrorname_np(errno));
		return;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		if (keys == NULL) {
			printf("%s: %s", path, line);
			continue;
		}
		for (i = 0; keys[i] != NULL; i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0 &&
			    line[strlen(keys[i])] == ':')
				fputs(line, stdout);
	}
	fclose(f);
}

int
main(void)
{
	static const char *const keys[] = {
	    "Uid",    "Gid",    "Groups",     "CapInh",  "CapPrm", "CapEff",
	    "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp", NULL};
	char name[16] = "", host[256] = "";
	DIR *d;
	struct dirent *e;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ids: uid=%d euid=%d gid=%d egid=%d\n", (int)getuid(),
	       (int)geteuid(), (int)getgid(), (int)getegid());
	cat("/proc/self/status", keys);
	cat("/proc/self/uid_map", NULL);
	gethostname(host, sizeof host);
	printf("hostname: %s\n", host);
	printf("dev:");
	if ((d = opendir("/dev")) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.')
				printf(" %s", e->d_name);
		closedir(d);
	}
	printf("\n");
	r = setuid(0);
	printf("setuid(0): %d %s\n", r, r < 0 ? strerrorname_np(errno) : "");
	r = setgid(0);
	printf("setgid(0): %d %s\n", r, r < 0 ? strerrorname_np(errno) : "");
	if (fgets(name, sizeof name, stdin) != NULL) {
		name[strcspn(name, "\n")] = '\0';
		prctl(PR_SET_NAME, name, 0, 0, 0);
	}
	printf("waiting\n");
	if (fgets(name, sizeof name, stdin) == NULL)
		name[0] = '\0';
	return 0;
}
