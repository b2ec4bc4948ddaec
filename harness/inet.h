/* inet: the inner packets that travel through CHILD SAs: IPv4 (RFC 791)
 * and IPv6 (RFC 8200) headers, UDP (RFC 768), ICMP echo (RFC 792) and
 * ICMPv6 echo (RFC 4443), with their checksums. Builders obey (what the
 * caller asks is what is written); the parser validates every length
 * before it reads and says what is wrong.
 *
 * Tunnel mode carries a whole IP packet (ESP next header 4 or 41);
 * transport mode carries the transport header and data only (next header
 * 17, 1 or 58), its checksum computed over the outer addresses. */
#ifndef IKETEST_INET_H
#define IKETEST_INET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "bytes.h"

struct err;

enum {
	INET_PROTO_ICMP = 1,
	INET_PROTO_IPIP = 4,		/* IPv4 in IP: ESP next header, tunnel */
	INET_PROTO_UDP = 17,
	INET_PROTO_IPV6 = 41,		/* IPv6 in IP: ESP next header, tunnel */
	INET_PROTO_ESP = 50,
	INET_PROTO_AH = 51,
	INET_PROTO_ICMPV6 = 58,
	INET_PROTO_NONE = 59,		/* no next header: ESP dummy packets */
	INET_IPV4_HDR = 20,
	INET_IPV6_HDR = 40,
	INET_UDP_HDR = 8,
	INET_ICMP_ECHO_HDR = 8,
	INET_DEFAULT_TTL = 64,
};


/* What to build, or what was parsed. */
struct inet_pkt {
	struct addr src, dst;	/* of the IP header (tunnel) or the
					 * outer one (transport checksums) */
	unsigned proto;			/* INET_PROTO_UDP, _ICMP, _ICMPV6, or
					 * another number (data is then the
					 * whole transport payload) */
	uint8_t ttl;			/* hop limit; 0: INET_DEFAULT_TTL */
	uint16_t sport, dport;		/* UDP */
	uint8_t icmp_type, icmp_code;	/* ICMP: 8/0 request/reply (v4),
					 * 128/129 (v6) */
	uint16_t icmp_id, icmp_seq;
	const uint8_t *data;		/* UDP payload, ICMP echo data */
	size_t data_len;
	/* Parse only: */
	size_t ip_len;			/* total length the IP header declares
					 * (bytes after it are TFC padding) */
	bool checksum_ok;		/* IPv4 header, UDP and ICMP checksums */
};

/* The ICMP echo request type of a family (8 or 128) and its reply. */
uint8_t inet_echo_request_type(int family);
uint8_t inet_echo_reply_type(int family);

/* A whole IP packet (tunnel mode): IPv4 or IPv6 header, then UDP or ICMP
 * echo with checksums; appended to out. */
int inet_build_ip(const struct inet_pkt *p, struct bytes *out,
    struct err *e);
/* The transport part only (transport mode): UDP or ICMP echo header and
 * data, checksum over p->src and p->dst. */
int inet_build_l4(const struct inet_pkt *p, struct bytes *out,
    struct err *e);
/* Parses a whole IP packet; data points into p. Fails with a text on a
 * bad version, a header or total length beyond what is there, an IPv4
 * fragment (not reassembled), a UDP or ICMP header cut short. IPv6
 * extension headers are not walked: their number is the protocol and
 * they are data. Checksums are reported, not enforced. */
int inet_parse_ip(const uint8_t *p, size_t n, struct inet_pkt *out,
    struct err *e);
/* Parses a transport part with the given protocol and outer addresses
 * (ip_len is then 0; bytes after the UDP length are not data). */
int inet_parse_l4(unsigned proto, const struct addr *src,
    const struct addr *dst, const uint8_t *p, size_t n,
    struct inet_pkt *out, struct err *e);

/* The answer an echo service gives (UDP to port 7: the same data back,
 * ports swapped; ICMP echo request: reply with the same id, seq, data).
 * 0 with *reply filled (data pointing into req's data), 1 when req is
 * not something an echo service answers. */
int inet_echo_answer(const struct inet_pkt *req, uint16_t echo_port,
    struct inet_pkt *reply);

/* The Internet checksum (RFC 1071) of p[0..n), continuing from sum: the
 * folded one's complement sum. An odd n counts as padded with a zero
 * byte, so only the last piece of a chained sum may be odd. inet_sum_fold
 * gives the value for a checksum field (the complement of the folded
 * sum); a region whose checksum field is right folds to 0. */
uint32_t inet_sum(uint32_t sum, const uint8_t *p, size_t n);
uint16_t inet_sum_fold(uint32_t sum);

#endif
