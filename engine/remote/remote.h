/* The remote backend's files (engine/remote/): what remote.c (the API's
 * requests and results) and remote-attach.c (an interactive run through
 * the WebSocket attach) share. Private to this directory. */
#ifndef FORGE_REMOTE_H
#define FORGE_REMOTE_H

#include <curl/curl.h>
#include <signal.h>

#include "engine/engine.h"

struct remote_reply {
	long status;
	struct buf body;
	unsigned retry_after;
};

/* remote.c */
const char *remote_server(void);
CURL *remote_easy(const char *url);
int remote_call(const char *method, const char *path, const char *body,
                struct remote_reply *, char *err, size_t);
void remote_size(struct json_writer *, const char *key, uint64_t bytes);
int remote_body(const struct pipeline_request *, struct buf *, char *err,
                size_t);
int remote_signal(const char *name);
void remote_result(const struct pipeline_request *,
                   const struct jsonparse_value *, struct pipeline_result *);
void remote_hold(sigset_t *old);
bool remote_interrupted(void);
void remote_release(const sigset_t *old);
struct jsonparse_value *remote_cancel(int64_t id, char *err, size_t);
struct jsonparse_value *remote_job(const char *body, struct buf *events,
                                   char *err, size_t);

/* remote-attach.c */
int remote_attach_run(const struct pipeline_request *,
                      struct pipeline_result *);

/* remote-events.c */
struct jsonparse_value *remote_events_parse(const char *text, size_t len,
                                            struct buf **outputs, size_t *n);
void remote_events_free(struct buf *outputs, size_t n);

#endif
