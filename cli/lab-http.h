/* lab-http.c: the lab commands' HTTP client (libcurl), in forge-full
 * alone. Private to cli/lab-client.c. */
#ifndef FORGE_LAB_HTTP_H
#define FORGE_LAB_HTTP_H

#include "base/base.h"

struct lab_http {
	const char *server; /* http://HOST:PORT, no trailing path */
	const char *token;  /* NULL: none */
	char err[512];      /* why the last call returned -1 */
	/* --db: the server's database on this machine; the requests go to
	 * its routes in this process (serve/lab-local.c), not over HTTP */
	const char *db;
};

/* One request: 0 with the status and the body in out, or -1 (err)
 * when the server cannot be reached. */
int lab_http_request(struct lab_http *, const char *method, const char *path,
                     const char *content_type, const char *body, size_t len,
                     long *status, struct buf *out);

/* A Server-Sent Events stream: fn for each event as it comes, until fn
 * returns 1 (the last one) or -1; a dropped connection resumes from the
 * last event's id. 0 when fn said it was the last, else -1 (err, or the
 * status in *status when the server refused). */
typedef int lab_http_event_fn(const char *kind, const char *data, void *arg);
int lab_http_events(struct lab_http *, const char *path, lab_http_event_fn *,
                    void *arg, long *status);

/* lab-client.c's, shared with lab-replay.c */
struct jsonparse_value;
struct lab_args;
int lab_call(struct lab_http *, const char *method, const char *path,
             const char *ctype, const char *body, size_t len, struct buf *raw,
             struct jsonparse_value **out);
const char *lab_str(const struct jsonparse_value *, const char *key,
                    const char *dflt);
long long lab_int(const struct jsonparse_value *, const char *key);
long long lab_id(const char *);
/* lab-replay.c: forge lab replay ID [TEST] */
int lab_replay(struct lab_http *, const struct lab_args *);

#endif
