/* Messages from the sandbox's init to the keeper: [type u32][len u32]
 * then len bytes. The keeper parses them from an untrusted stream, so a
 * length is never trusted beyond the bytes actually received. */
#include "config.h"

#include <string.h>
#include <sys/uio.h>
#include <errno.h>

#include "engine/ns/ns.h"

#define NS_PROTO_HEADER 8

int
ns_proto_send2(int fd, enum ns_msg_type type, const void *a, size_t alen,
               const void *b, size_t blen)
{
	uint32_t hdr[2] = {(uint32_t)type, (uint32_t)(alen + blen)};
	struct iovec iov[3] = {
	    {hdr, sizeof hdr}, {(void *)a, alen}, {(void *)b, blen}};
	size_t total = sizeof hdr + alen + blen;
	int i = 0;

	while (total > 0) {
		ssize_t w = writev(fd, iov + i, 3 - i);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		total -= (size_t)w;
		while (i < 3 && (size_t)w >= iov[i].iov_len) {
			w -= (ssize_t)iov[i].iov_len;
			i++;
		}
		if (i < 3) {
			iov[i].iov_base = (char *)iov[i].iov_base + w;
			iov[i].iov_len -= (size_t)w;
		}
	}
	return 0;
}

int
ns_proto_send(int fd, enum ns_msg_type type, const void *p, size_t n)
{
	return ns_proto_send2(fd, type, p, n, NULL, 0);
}

size_t
ns_proto_peek(const char *buf, size_t len, enum ns_msg_type *type,
              const char **payload, size_t *plen)
{
	uint32_t hdr[2];

	if (len < NS_PROTO_HEADER)
		return 0;
	memcpy(hdr, buf, sizeof hdr);
	if (len - NS_PROTO_HEADER < hdr[1])
		return 0;
	*type = (enum ns_msg_type)hdr[0];
	*payload = buf + NS_PROTO_HEADER;
	*plen = hdr[1];
	return NS_PROTO_HEADER + hdr[1];
}
