/* The remote backend's files (engine/remote/): what remote.c (the API's
 * requests and results) and remote-attach.c (an interactive run through
 * the WebSocket attach) share. Private to this directory. */
#ifndef FORGE_REMOTE_H
#define FORGE_REMOTE_H

#include "engine/engine.h"

struct remote_reply {
	long status;
	struct buf body;
	unsigned retry_after;
};

/* remote.c */
const char *remote_server(void);
int remote_call(const char *method, const char *path, const char *body,
                struct remote_reply *, char *err, size_t);
void remote_size(struct json_writer *, const char *key, uint64_t bytes);
int remote_body(const struct pipeline_request *, struct buf *, char *err,
                size_t);
int remote_signal(const char *name);
void remote_result(const struct pipeline_request *,
                   const struct jsonparse_value *, struct pipeline_result *);
struct jsonparse_value *remote_wait(struct remote_reply *, char *err, size_t);

/* remote-attach.c */
int remote_attach_run(const struct pipeline_request *,
                      struct pipeline_result *);

#endif
