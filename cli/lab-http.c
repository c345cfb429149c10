/* The lab commands' HTTP client: libcurl for the protocol, this file
 * for the token, the bounded waits and the event stream's framing
 * (Server-Sent Events: "id:", "event:", "data:" lines, a blank line
 * after each event). */
#include "config.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/lab-http.h"

/* How long a request may take; a stream has no end but its job's. */
#define LAB_HTTP_TIMEOUT_S 120
#define LAB_HTTP_RESUMES   20

static size_t
lab_http_collect(char *p, size_t size, size_t n, void *arg)
{
	buf_add(arg, p, size * n);
	return size * n;
}

static CURL *
lab_http_handle(struct lab_http *h, const char *path, struct curl_slist **hdr,
                const char *extra_header)
{
	CURL *c = curl_easy_init();
	char *url, *auth;

	if (c == NULL) {
		snprintf(h->err, sizeof h->err, "libcurl did not start");
		return NULL;
	}
	xasprintf(&url, "%s%s", h->server, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	free(url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	if (h->token != NULL) {
		xasprintf(&auth, "Authorization: Bearer %s", h->token);
		*hdr = curl_slist_append(*hdr, auth);
		free(auth);
	}
	if (extra_header != NULL)
		*hdr = curl_slist_append(*hdr, extra_header);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hdr);
	return c;
}

/* Defined in forge-serve alone (serve/lab-local.c): --db's requests. */
extern int lab_local_request(const char *db, const char *method,
                             const char *path, const char *body, size_t len,
                             long *status, struct buf *out, char *err,
                             size_t errlen) __attribute__((weak));

int
lab_http_request(struct lab_http *h, const char *method, const char *path,
                 const char *content_type, const char *body, size_t len,
                 long *status, struct buf *out)
{
	struct curl_slist *hdr = NULL;
	char ct[128];
	CURL *c;
	CURLcode rc;

	if (h->db != NULL) {
		if (lab_local_request != NULL)
			return lab_local_request(h->db, method, path, body, len,
			                         status, out, h->err,
			                         sizeof h->err);
		snprintf(h->err, sizeof h->err,
		         "--db: this program has no server's database code");
		return -1;
	}

	snprintf(ct, sizeof ct, "Content-Type: %s",
	         content_type ? content_type : "application/json");
	if ((c = lab_http_handle(h, path, &hdr, body ? ct : NULL)) == NULL)
		return -1;
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)LAB_HTTP_TIMEOUT_S);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)len);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, lab_http_collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	else
		snprintf(h->err, sizeof h->err, "%s: %s", h->server,
		         curl_easy_strerror(rc));
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

/* One stream's state: the bytes not yet framed, the event being read. */
struct lab_sse {
	struct buf in;
	char kind[64];
	struct buf data;
	long long last_id;
	lab_http_event_fn *fn;
	void *arg;
	int said; /* fn's 1 or -1 */
};

/* One line of the stream. */
static void
lab_sse_line(struct lab_sse *e, const char *line)
{
	if (line[0] == '\0') {
		if (e->data.len > 0 || e->kind[0] != '\0')
			e->said = e->fn(e->kind[0] ? e->kind : "message",
			                buf_cstr(&e->data), e->arg);
		e->kind[0] = '\0';
		buf_reset(&e->data);
	} else if (strncmp(line, "event:", 6) == 0)
		snprintf(e->kind, sizeof e->kind, "%s",
		         line + 6 + (line[6] == ' '));
	else if (strncmp(line, "data:", 5) == 0) {
		if (e->data.len > 0)
			buf_add(&e->data, "\n", 1);
		buf_addstr(&e->data, line + 5 + (line[5] == ' '));
	} else if (strncmp(line, "id:", 3) == 0)
		e->last_id = strtoll(line + 3, NULL, 10);
}

static size_t
lab_sse_write(char *p, size_t size, size_t n, void *arg)
{
	struct lab_sse *e = arg;
	char *nl;

	buf_add(&e->in, p, size * n);
	while (e->said == 0 &&
	       (nl = memchr(e->in.data, '\n', e->in.len)) != NULL) {
		size_t len = (size_t)(nl - e->in.data) + 1;

		*nl = '\0';
		if (nl > e->in.data && nl[-1] == '\r')
			nl[-1] = '\0';
		lab_sse_line(e, e->in.data);
		memmove(e->in.data, e->in.data + len, e->in.len - len);
		e->in.len -= len;
	}
	/* fn is done: the transfer stops here (curl calls it an error) */
	return e->said == 0 ? size * n : 0;
}

int
lab_http_events(struct lab_http *h, const char *path, lab_http_event_fn *fn,
                void *arg, long *status)
{
	struct lab_sse e = {.fn = fn, .arg = arg};
	int tries;

	*status = 0;
	buf_init(&e.in, 0);
	buf_init(&e.data, 0);
	for (tries = 0; tries < LAB_HTTP_RESUMES && e.said == 0; tries++) {
		struct curl_slist *hdr = NULL;
		char resume[64];
		CURL *c;
		CURLcode rc;

		snprintf(resume, sizeof resume, "Last-Event-ID: %lld",
		         e.last_id);
		if ((c = lab_http_handle(
		         h, path, &hdr, e.last_id > 0 ? resume : NULL)) == NULL)
			break;
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, lab_sse_write);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &e);
		buf_reset(&e.in);
		rc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		curl_slist_free_all(hdr);
		curl_easy_cleanup(c);
		if (*status == 429) {
			/* the token's rate: the stream waits its turn */
			snprintf(h->err, sizeof h->err,
			         "%s: HTTP 429, the token's rate limit",
			         h->server);
			sleep(1);
			continue;
		}
		if (*status != 200 && *status != 0) {
			snprintf(h->err, sizeof h->err, "%s: HTTP %ld",
			         h->server, *status);
			break;
		}
		if (rc != CURLE_OK && e.said == 0)
			snprintf(h->err, sizeof h->err, "%s: %s", h->server,
			         curl_easy_strerror(rc));
		else if (e.said == 0)
			snprintf(h->err, sizeof h->err,
			         "%s: the stream ended before the result",
			         h->server);
	}
	buf_free(&e.in);
	buf_free(&e.data);
	return e.said == 1 ? 0 : -1;
}
