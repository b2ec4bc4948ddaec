/* addr: parsing, comparing and formatting the one address type, and
 * moving it in and out of the socket API's sockaddrs. */
#include "addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

int addr_parse(const char *text, struct addr *a, struct err *e)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, a->ip) == 1) {
		a->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, text, a->ip) == 1) {
		a->family = 6;
		return 0;
	}
	return err_set(e, "%s: `%s' is not an IPv4 or IPv6 address",
	    __func__, text);
}

size_t addr_len(const struct addr *a)
{
	return a->family == 4 ? 4 : 16;
}

bool addr_equal(const struct addr *a, const struct addr *b)
{
	return a->family == b->family && (a->family == 4 || a->family == 6) &&
	    memcmp(a->ip, b->ip, addr_len(a)) == 0;
}

void addr_format(const struct addr *a, char *out, size_t outlen)
{
	if (outlen == 0)
		return;
	if ((a->family != 4 && a->family != 6) ||
	    inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->ip, out,
	    (socklen_t)outlen) == NULL)
		snprintf(out, outlen, "<no address>");
}

void addr_format_port(const struct addr *a, char out[static ADDR_TEXT_MAX])
{
	char ip[INET6_ADDRSTRLEN];

	if (a->family == 4) {
		inet_ntop(AF_INET, a->ip, ip, sizeof(ip));
		snprintf(out, ADDR_TEXT_MAX, "%s:%u", ip, a->port);
	} else if (a->family == 6) {
		inet_ntop(AF_INET6, a->ip, ip, sizeof(ip));
		snprintf(out, ADDR_TEXT_MAX, "[%s]:%u", ip, a->port);
	} else {
		snprintf(out, ADDR_TEXT_MAX, "?:%u", a->port);
	}
}

/* sockaddr_storage is aligned for every sockaddr type (POSIX), so the
 * casts below are the socket API's own idiom. */
socklen_t addr_to_sockaddr(const struct addr *a, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->family != 6) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(a->port);
		memcpy(&s4->sin_addr, a->ip, 4);
		return sizeof(*s4);
	}
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(a->port);
	memcpy(&s6->sin6_addr, a->ip, 16);
	return sizeof(*s6);
}

void addr_from_sockaddr(const struct sockaddr_storage *ss, struct addr *a)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		a->family = 4;
		a->port = ntohs(s4->sin_port);
		memcpy(a->ip, &s4->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		a->family = 6;
		a->port = ntohs(s6->sin6_port);
		memcpy(a->ip, &s6->sin6_addr, 16);
	}
}
