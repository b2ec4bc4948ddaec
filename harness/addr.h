/* addr: the one representation of an IP address (IPv4 or IPv6) and, where
 * a transport needs one, a UDP port. The IKE engine (NAT detection hashes
 * address and port, RFC 7296 2.23), the inner packets of CHILD SAs (inet),
 * pcap frames and the sockets of net all pass this same struct, so no
 * module converts one address struct into another by hand. */
#ifndef IKETEST_ADDR_H
#define IKETEST_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct err;

struct addr {
	int family;		/* 4 or 6; 0 when not set */
	uint8_t ip[16];		/* 4 bytes used for IPv4 */
	uint16_t port;		/* 0 where only the address counts */
};

enum {
	/* addr_format_port's longest: "[" IPv6 "]:" port, NUL. */
	ADDR_TEXT_MAX = 64,
};

/* "192.0.2.1", "2001:db8::1" into *a (port 0); 0, or -1 with a text. */
int addr_parse(const char *text, struct addr *a, struct err *e);
/* Bytes of ip used: 4 for IPv4, 16 otherwise. */
size_t addr_len(const struct addr *a);
/* The same family and address (ports are not compared); false when
 * either has no family. */
bool addr_equal(const struct addr *a, const struct addr *b);
/* "192.0.2.1", "2001:db8::1"; "<no address>" without a family. */
void addr_format(const struct addr *a, char *out, size_t outlen);
/* "192.0.2.1:500", "[2001:db8::1]:4500"; "?:500" without a family. */
void addr_format_port(const struct addr *a, char out[static ADDR_TEXT_MAX]);
/* The sockaddr_in or sockaddr_in6 of a (address and port), and its
 * length; IPv4 unless a->family is 6. */
socklen_t addr_to_sockaddr(const struct addr *a,
    struct sockaddr_storage *ss);
/* Address and port of an AF_INET or AF_INET6 sockaddr; all zero (no
 * family) for any other. */
void addr_from_sockaddr(const struct sockaddr_storage *ss, struct addr *a);

#endif
