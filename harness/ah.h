/* ah: the Authentication Header (RFC 4302) for one direction of a CHILD
 * SA, without I/O. AH authenticates the whole IP packet except its
 * mutable fields (RFC 4302 3.3.3.1: IPv4 TOS, flags, fragment offset,
 * TTL, header checksum; IPv6 traffic class, flow label, hop limit), so
 * it works on whole IP packets: ah_protect takes an IP packet and gives
 * the packet with AH in it (transport mode: AH inserted after the IP
 * header; tunnel mode: a new outer IP header, then AH, then the packet),
 * and ah_verify takes a received packet (starting at its IP header).
 *
 * Header (RFC 4302 2): Next Header (1) | Payload Len (1, in 32-bit words
 * minus 2) | Reserved (2) | SPI (4) | Sequence Number (4) | ICV (a
 * multiple of 32 bits for IPv4, of 64 bits for IPv6, 2.6). With ESN the
 * high half of the sequence number is appended to the ICV input
 * (2.5.1). The anti-replay window is esp.h's (the same rules, 3.4.3). */
#ifndef IKETEST_AH_H
#define IKETEST_AH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "esp.h"
#include "inet.h"

struct err;

enum { AH_HDR_LEN = 12 };	/* before the ICV */

struct ah_sa_params {
	uint32_t spi;
	unsigned integ;			/* INTEG_* */
	const uint8_t *key;
	size_t key_len;
	bool esn;
	unsigned window;		/* 0: ESP_WINDOW_DEFAULT */
};

struct ah_sa;

struct ah_sa *ah_sa_new(const struct ah_sa_params *p, struct err *e);
void ah_sa_free(struct ah_sa *sa);

/* Deviations from a careful sender (all zero: none). */
struct ah_send_opts {
	bool seq_given;
	uint64_t seq;
	bool spi_given;
	uint32_t spi;
	bool corrupt_icv;
	bool corrupt_payload;		/* flip a bit of the protected data
					 * after the ICV is computed */
};

/* Transport mode: inserts AH after the IP header of ip_pkt (IPv4: total
 * length, protocol and header checksum rewritten; IPv6: payload length
 * and next header). ip_pkt must be exactly its declared length, not a
 * fragment, and IPv6 without hop-by-hop, routing or fragment headers;
 * IPv4 options are kept (mutable ones zeroed for the ICV, source routes
 * refused). Tunnel mode (outer != NULL): outer src, dst and ttl make a
 * new IP header (inet_build_ip), next header 4 or 41; ip_pkt is taken
 * as it is. Result appended to out. Without seq_given the SA's counter
 * advances, and refuses to cycle (3.3.2). o may be NULL. */
int ah_protect(struct ah_sa *sa, const uint8_t *ip_pkt, size_t n,
    const struct inet_pkt *outer, const struct ah_send_opts *o,
    struct bytes *out, struct err *e);

struct ah_rx {
	uint32_t spi;
	uint64_t seq;
	uint8_t next_header;
	const uint8_t *payload;		/* after AH: the inner packet (tunnel)
					 * or the transport part; points into
					 * the packet given */
	size_t payload_len;
};

/* Verifies a received IP packet carrying AH: ESP_OK or why it was
 * dropped (ESP_TRUNCATED, ESP_WRONG_SPI, ESP_REPLAY, ESP_TOO_OLD,
 * ESP_BAD_ICV, ESP_ZERO_SEQ). The window is updated on success. Bytes
 * after the declared IP length are ignored. ESP_TRUNCATED also stands
 * for a packet AH cannot take apart: IP lengths wrong, not AH right after
 * the IP header (IPv6 extension headers before AH are not supported), an
 * AH length that is not header + ICV padded to 32 bits (IPv4; 64 bits
 * accepted too, Linux's default) or 64 bits (IPv6), an IPv4 fragment
 * (3.4.1), IPv4 options malformed or with a source route. The IPv4
 * header checksum is not checked (the IP layer's business). */
enum esp_verdict ah_verify(struct ah_sa *sa, const uint8_t *ip_pkt,
    size_t n, struct ah_rx *rx);

#endif
