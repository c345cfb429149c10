/* The Docker Engine API over its unix socket, through libcurl.
 *
 * The client speaks a range of API versions (DOCKER_API_MIN to
 * DOCKER_API_MAX) and uses the highest the daemon speaks too: Debian 12's
 * docker.io offers 1.41, current Docker Engine refuses clients older than
 * 1.44, so no one version would do. Requests are plain libcurl; only the
 * attach stream, which the daemon hijacks into a raw two-way stream, is
 * read and written on the connection libcurl opened. A daemon that cannot
 * be reached gets a message that says why (no socket, no permission, no
 * daemon) and how to fix it. */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/docker/docker.h"

#define DOCKER_SOCKET_DEFAULT "/var/run/docker.sock"
#define DOCKER_CONNECT_S      10

/* The socket a DOCKER_HOST names; Forge talks to a local daemon only
 * (its CPU counters are read from the host's cgroups). */
char *
docker_api_socket(const char *host, char *err, size_t len)
{
	if (host == NULL || *host == '\0')
		return xstrdup(DOCKER_SOCKET_DEFAULT);
	if (strncmp(host, "unix://", 7) == 0 && host[7] == '/')
		return xstrdup(host + 7);
	snprintf(err, len,
	         "DOCKER_HOST=%s: Forge's docker backend needs a local "
	         "daemon's unix socket (DOCKER_HOST=unix:///PATH)",
	         host);
	return NULL;
}

/* "1.41" against "1.9": by number, part by part. */
int
docker_api_version_cmp(const char *a, const char *b)
{
	for (;;) {
		char *ea, *eb;
		unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (*ea != '.' || *eb != '.') /* "1.41.1" after "1.41" */
			return (*ea == '.') - (*eb == '.');
		a = ea + 1;
		b = eb + 1;
	}
}

/* Why the daemon could not be reached, and what to do about it. */
static void
docker_api_unreachable(const struct docker_api *api, CURLcode rc, char *err,
                       size_t len)
{
	struct stat st;

	if (stat(api->socket, &st) < 0)
		snprintf(err, len,
		         "no Docker daemon: %s does not exist (start it: "
		         "'systemctl start docker', or point "
		         "DOCKER_HOST=unix://PATH at its socket)",
		         api->socket);
	else if (!S_ISSOCK(st.st_mode))
		snprintf(err, len, "%s is not a socket (DOCKER_HOST?)",
		         api->socket);
	else if (access(api->socket, R_OK | W_OK) < 0 && errno == EACCES)
		snprintf(err, len,
		         "permission denied on %s: add your user to the "
		         "docker group ('sudo usermod -aG docker $USER', then "
		         "log in again) or run forge as root",
		         api->socket);
	else
		snprintf(err, len,
		         "no Docker daemon answers on %s: %s (start it: "
		         "'systemctl start docker')",
		         api->socket, curl_easy_strerror(rc));
}

static size_t
docker_api_collect(char *p, size_t size, size_t n, void *arg)
{
	if (arg != NULL)
		buf_add(arg, p, size * n);
	return size * n;
}

static size_t
docker_api_head(char *p, size_t size, size_t n, void *arg)
{
	buf_add(arg, p, size * n);
	return size * n;
}

/* A header's value in an answer's head ("Api-Version"), case ignored;
 * NULL and 0 when it has none. */
static const char *
docker_api_header(const struct buf *head, const char *name, size_t *len)
{
	size_t nl = strlen(name), off = 0;

	while (off < head->len) {
		const char *line = head->data + off;
		const char *eol = memchr(line, '\n', head->len - off);
		size_t ll = eol ? (size_t)(eol - line) : head->len - off;

		off += ll + 1;
		if (ll > nl && line[nl] == ':' &&
		    strncasecmp(line, name, nl) == 0) {
			const char *v = line + nl + 1;
			size_t vl = ll - nl - 1;

			while (vl > 0 && (*v == ' ' || *v == '\t'))
				v++, vl--;
			while (vl > 0 &&
			       (v[vl - 1] == '\r' || v[vl - 1] == ' '))
				vl--;
			*len = vl;
			return v;
		}
	}
	*len = 0;
	return NULL;
}

static CURL *
docker_api_handle(struct docker_api *api)
{
	static bool global;

	if (!global) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		global = true;
	}
	/* a forked child must not share its parent's connection */
	if (api->curl != NULL && api->owner != getpid())
		api->curl = NULL; /* the parent's: left to it */
	if (api->curl == NULL) {
		api->curl = curl_easy_init();
		api->owner = getpid();
	}
	return api->curl;
}

/* One request; its head into head when not NULL. */
static int
docker_api_raw(struct docker_api *api, const char *method, const char *url,
               const char *body, size_t blen, const char *type,
               struct buf *resp, struct buf *head, long *status, char *err,
               size_t len)
{
	CURL *c = docker_api_handle(api);
	struct curl_slist *hdr = NULL;
	char line[128];
	CURLcode rc;

	if (c == NULL) {
		snprintf(err, len, "libcurl could not start");
		return -1;
	}
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, api->socket);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)DOCKER_CONNECT_S);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, docker_api_collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
	if (head != NULL) {
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, docker_api_head);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, head);
	}
	if (strcmp(method, "GET") == 0)
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	else {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)(body ? blen : 0));
		snprintf(line, sizeof line, "Content-Type: %s",
		         type ? type : "application/json");
		hdr = curl_slist_append(hdr, line);
		hdr = curl_slist_append(hdr, "Expect:");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	}
	rc = curl_easy_perform(c);
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK) {
		docker_api_unreachable(api, rc, err, len);
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	return 0;
}

int
docker_api_call(struct docker_api *api, const char *method, const char *path,
                const char *body, size_t blen, const char *type,
                struct buf *resp, long *status, char *err, size_t len)
{
	char *url;
	int r;

	xasprintf(&url, "http://docker/v%s%s", api->version, path);
	r = docker_api_raw(api, method, url, body, blen, type, resp, NULL,
	                   status, err, len);
	free(url);
	return r;
}

void
docker_api_message(const struct buf *resp, long status, char *out, size_t len)
{
	struct jsonparse_value *v =
	    resp->len ? jsonparse_parse(resp->data, resp->len, NULL) : NULL;
	size_t n = 0;
	const char *m = jsonparse_string(jsonparse_get(v, "message"), &n);

	if (m != NULL)
		snprintf(out, len, "%.*s", (int)n, m);
	else
		snprintf(out, len, "HTTP status %ld", status);
	jsonparse_free(v);
}

/* GET /version: the daemon's newest API version and its own version,
 * and the oldest API version it still accepts, which must not be newer
 * than this client's newest. */
static int
docker_api_version(struct docker_api *api, char *err, size_t len)
{
	struct buf resp;
	struct jsonparse_value *v;
	const char *s;
	size_t n;
	long status = 0;
	int r = -1;

	buf_init(&resp, 1 << 20);
	if (docker_api_raw(api, "GET", "http://docker/version", NULL, 0, NULL,
	                   &resp, NULL, &status, err, len) < 0) {
		buf_free(&resp);
		return -1;
	}
	v = jsonparse_parse(resp.data, resp.len, NULL);
	s = jsonparse_string(jsonparse_get(v, "ApiVersion"), &n);
	if (status != 200 || s == NULL || n == 0 || n >= sizeof api->api_max) {
		snprintf(err, len,
		         "the Docker daemon on %s did not say its API version "
		         "(GET /version: HTTP %ld)",
		         api->socket, status);
		goto out;
	}
	memcpy(api->api_max, s, n);
	api->api_max[n] = '\0';
	s = jsonparse_string(jsonparse_get(v, "Version"), &n);
	snprintf(api->server, sizeof api->server, "%.*s", s ? (int)n : 1,
	         s ? s : "?");
	s = jsonparse_string(jsonparse_get(v, "MinAPIVersion"), &n);
	if (s != NULL && n < 16) {
		char min[16];

		memcpy(min, s, n);
		min[n] = '\0';
		if (docker_api_version_cmp(min, DOCKER_API_MAX) > 0) {
			snprintf(err, len,
			         "the Docker daemon on %s (%s) accepts API "
			         "%s and newer; this Forge speaks %s to %s",
			         api->socket, api->server, min, DOCKER_API_MIN,
			         DOCKER_API_MAX);
			goto out;
		}
	}
	r = 0;
out:
	jsonparse_free(v);
	buf_free(&resp);
	return r;
}

/* Connects and agrees on an API version. The answer to GET /_ping says
 * the daemon's newest API version (its Api-Version header) and the
 * daemon's own version (Server: Docker/VERSION), which is all a daemon
 * no newer than this client needs: one request. A daemon that says no
 * version there, or is newer than this client (and may refuse its
 * versions), is asked GET /version too. */
int
docker_api_open(struct docker_api *api, const char *socket, char *err,
                size_t len)
{
	struct buf resp, head;
	const char *s;
	size_t n;
	long status = 0;

	memset(api, 0, sizeof *api);
	api->socket = xstrdup(socket);
	buf_init(&resp, 1 << 20);
	buf_init(&head, 1 << 16);
	if (docker_api_raw(api, "GET", "http://docker/_ping", NULL, 0, NULL,
	                   &resp, &head, &status, err, len) < 0)
		goto fail;
	if (status != 200) {
		snprintf(err, len,
		         "%s does not answer as a Docker daemon (GET /_ping: "
		         "HTTP %ld)",
		         socket, status);
		goto fail;
	}
	s = docker_api_header(&head, "Api-Version", &n);
	if (s != NULL && n > 0 && n < sizeof api->api_max) {
		memcpy(api->api_max, s, n);
		api->api_max[n] = '\0';
		s = docker_api_header(&head, "Server", &n);
		if (s != NULL && n > 7 && strncmp(s, "Docker/", 7) == 0) {
			s += 7;
			n -= 7;
			n = strcspn(s, " ") < n ? strcspn(s, " ") : n;
		} else {
			s = "?";
			n = 1;
		}
		snprintf(api->server, sizeof api->server, "%.*s", (int)n, s);
	}
	if ((api->api_max[0] == '\0' ||
	     docker_api_version_cmp(api->api_max, DOCKER_API_MAX) > 0) &&
	    docker_api_version(api, err, len) < 0)
		goto fail;
	if (docker_api_version_cmp(api->api_max, DOCKER_API_MIN) < 0) {
		snprintf(err, len,
		         "the Docker daemon on %s is too old: Docker %s speaks "
		         "API %s, Forge needs %s or newer (Docker 1.13 or "
		         "later)",
		         socket, api->server, api->api_max, DOCKER_API_MIN);
		goto fail;
	}
	strlcpy0(api->version,
	         docker_api_version_cmp(api->api_max, DOCKER_API_MAX) < 0
	             ? api->api_max
	             : DOCKER_API_MAX,
	         sizeof api->version);
	buf_free(&resp);
	buf_free(&head);
	return 0;
fail:
	buf_free(&resp);
	buf_free(&head);
	docker_api_close(api);
	return -1;
}

void
docker_api_close(struct docker_api *api)
{
	if (api->curl != NULL && api->owner == getpid())
		curl_easy_cleanup(api->curl);
	free(api->socket);
	memset(api, 0, sizeof *api);
}

/* ---- the attach stream ------------------------------------------------
 * POST /containers/{id}/attach answers 101 and then carries the
 * container's stdin one way and its multiplexed stdout/stderr the other,
 * on the same connection: libcurl opens it (CURLOPT_CONNECT_ONLY), the
 * request and the frames go through curl_easy_send/recv. */

static int
docker_stream_wait(int fd, short ev, int ms)
{
	struct pollfd p = {fd, ev, 0};
	int r;

	while ((r = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return r;
}

/* A request whose answer the daemon turns into a raw two-way stream
 * (attach, exec start): written and read on the connection libcurl
 * opened. */
static int
docker_api_hijack(struct docker_api *api, const char *path, const char *body,
                  struct docker_stream *s, char *err, size_t len)
{
	char req[1024], head[4096];
	size_t got = 0, off = 0;
	curl_socket_t fd;
	CURLcode rc;
	char *end;

	memset(s, 0, sizeof *s);
	s->fd = -1;
	buf_init(&s->pending, 0);
	docker_api_handle(api);
	s->curl = curl_easy_init();
	if (s->curl == NULL) {
		snprintf(err, len, "libcurl could not start");
		return -1;
	}
	curl_easy_setopt(s->curl, CURLOPT_UNIX_SOCKET_PATH, api->socket);
	curl_easy_setopt(s->curl, CURLOPT_URL, "http://docker/");
	curl_easy_setopt(s->curl, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT,
	                 (long)DOCKER_CONNECT_S);
	if ((rc = curl_easy_perform(s->curl)) != CURLE_OK) {
		docker_api_unreachable(api, rc, err, len);
		goto fail;
	}
	curl_easy_getinfo(s->curl, CURLINFO_ACTIVESOCKET, &fd);
	s->fd = (int)fd;
	snprintf(req, sizeof req,
	         "POST /v%s%s HTTP/1.1\r\nHost: docker\r\nConnection: "
	         "Upgrade\r\nUpgrade: tcp\r\nContent-Type: "
	         "application/json\r\nContent-Length: %zu\r\n\r\n%s",
	         api->version, path, strlen(body), body);
	while (off < strlen(req)) {
		size_t n = 0;

		rc = curl_easy_send(s->curl, req + off, strlen(req) - off, &n);
		if (rc == CURLE_AGAIN) {
			docker_stream_wait(s->fd, POLLOUT, 1000);
			continue;
		}
		if (rc != CURLE_OK) {
			snprintf(err, len, "attaching: %s",
			         curl_easy_strerror(rc));
			goto fail;
		}
		off += n;
	}
	/* the answer's head, up to its blank line */
	for (;;) {
		size_t n = 0;

		head[got] = '\0';
		if ((end = strstr(head, "\r\n\r\n")) != NULL)
			break;
		if (got + 1 >= sizeof head) {
			snprintf(err, len, "attaching: an answer too long");
			goto fail;
		}
		rc = curl_easy_recv(s->curl, head + got, sizeof head - 1 - got,
		                    &n);
		if (rc == CURLE_AGAIN) {
			if (docker_stream_wait(s->fd, POLLIN,
			                       DOCKER_CONNECT_S * 1000) == 0) {
				snprintf(
				    err, len,
				    "attaching: the daemon did not answer");
				goto fail;
			}
			continue;
		}
		if (rc != CURLE_OK || n == 0) {
			snprintf(err, len, "attaching: the daemon hung up");
			goto fail;
		}
		got += n;
	}
	if (strncmp(head, "HTTP/1.1 101", 12) != 0 &&
	    strncmp(head, "HTTP/1.1 200", 12) != 0) {
		char *eol = strstr(head, "\r\n");

		snprintf(err, len, "attaching: the daemon answered '%.*s'",
		         (int)(eol - head), head);
		goto fail;
	}
	end += 4;
	buf_add(&s->pending, end, got - (size_t)(end - head));
	return 0;
fail:
	docker_stream_close(s);
	return -1;
}

int
docker_api_attach(struct docker_api *api, const char *id,
                  struct docker_stream *s, char *err, size_t len)
{
	char path[256];

	snprintf(path, sizeof path,
	         "/containers/%s/attach?stream=1&stdin=1&stdout=1&stderr=1",
	         id);
	return docker_api_hijack(api, path, "", s, err, len);
}

/* An exec made with POST /containers/{id}/exec, started attached. */
int
docker_api_exec_start(struct docker_api *api, const char *exec_id,
                      struct docker_stream *s, char *err, size_t len)
{
	char path[256];

	snprintf(path, sizeof path, "/exec/%s/start", exec_id);
	return docker_api_hijack(api, path, "{\"Detach\":false,\"Tty\":false}",
	                         s, err, len);
}

/* Like read(2) on a non-blocking socket: -1 with EAGAIN when nothing is
 * there yet, 0 at the end. */
ssize_t
docker_stream_read(struct docker_stream *s, char *p, size_t len)
{
	size_t n = 0;
	CURLcode rc;

	if (s->pending.len > 0) {
		n = s->pending.len < len ? s->pending.len : len;
		memcpy(p, s->pending.data, n);
		memmove(s->pending.data, s->pending.data + n,
		        s->pending.len - n);
		s->pending.len -= n;
		return (ssize_t)n;
	}
	rc = curl_easy_recv(s->curl, p, len, &n);
	if (rc == CURLE_AGAIN) {
		errno = EAGAIN;
		return -1;
	}
	if (rc != CURLE_OK) {
		errno = EIO;
		return -1;
	}
	return (ssize_t)n;
}

ssize_t
docker_stream_write(struct docker_stream *s, const char *p, size_t len)
{
	size_t n = 0;
	CURLcode rc = curl_easy_send(s->curl, p, len, &n);

	if (rc == CURLE_AGAIN) {
		errno = EAGAIN;
		return -1;
	}
	if (rc != CURLE_OK) {
		errno = EPIPE;
		return -1;
	}
	return (ssize_t)n;
}

/* The program's stdin ends (the container was made StdinOnce). */
void
docker_stream_close_write(struct docker_stream *s)
{
	if (s->fd >= 0)
		shutdown(s->fd, SHUT_WR);
}

void
docker_stream_close(struct docker_stream *s)
{
	if (s->curl != NULL)
		curl_easy_cleanup(s->curl);
	s->curl = NULL;
	s->fd = -1;
	buf_free(&s->pending);
}
