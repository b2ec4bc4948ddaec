/* respond_esp: the reference peer's data plane (ESP, RFC 4303; AH, RFC
 * 4302) for the CHILD SAs its IKE engine holds, without sockets: one
 * protected packet in, at most one out. cmd_respond.c puts it behind UDP
 * 4500 and raw sockets; tests drive it in memory.
 *
 * - respond_esp_sync keeps one inbound and one outbound SA per CHILD SA
 *   (keys from its KEYMAT, RFC 7296 2.17) and drops them when the child
 *   is deleted or its IKE SA goes; counters live as long as the child.
 * - An accepted packet's inner packet is checked against the child's
 *   traffic selectors (RFC 4301 5.2: outside them it MUST be dropped).
 *   Tunnel mode (next header 4 or 41) carries an IP packet, transport
 *   mode (17, 1, 58, ...) a transport part between the outer addresses.
 * - The peer itself is the echo service behind it: a UDP datagram to the
 *   echo port or an ICMP/ICMPv6 echo request to an address of its
 *   protected network or of its echo list (tunnel), or to itself
 *   (transport), is answered (RFC 862, 792, 4443) through the outbound
 *   SA of the same child; the caller sends the answer back the way the
 *   request came (UDP 4500 to its source address and port, or raw IP).
 * - Dummy packets (next header 59) are discarded (RFC 4303 2.6) and
 *   counted; whatever else is accepted is counted and not answered.
 *
 * Counters per child: packets and bytes in and out (bytes: the payload
 * ESP or AH carried, the inner IP packet or transport part, TFC padding
 * included), one drop counter per reason, dummies; and one count of
 * packets whose SPI names no child. generation changes with each of
 * them, so that a caller knows when to write them out again. */
#ifndef IKETEST_RESPOND_ESP_H
#define IKETEST_RESPOND_ESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ah.h"
#include "esp.h"
#include "ike.h"
#include "inet.h"
#include "respond_impair.h"

enum {
	/* data-plane SAs at once: RESPOND_SA_MAX IKE SAs x IKE_CHILD_MAX */
	RESPOND_ESP_SA_MAX = 256 * IKE_CHILD_MAX,
	RESPOND_ECHO_MAX = 8,		/* [addresses] echo */
	RESPOND_ECHO_PORT = 7,		/* RFC 862 */
};

/* Why a packet of a known child was dropped: the stats file's
 * drop_NAME keys, in this order. */
#define RESPOND_DROPS(X) \
	X(REPLAY, "replay")		/* RFC 4303 3.4.3 */ \
	X(TOO_OLD, "too_old")		/* 3.4.3: left of the window */ \
	X(BAD_ICV, "bad_icv")		/* 3.4.4 */ \
	X(BAD_PADDING, "bad_padding")	/* 2.4: not 1, 2, 3 ... */ \
	X(BAD_PAD_LEN, "bad_pad_len")	/* 2.4: beyond the plaintext */ \
	X(SELECTORS, "selectors")	/* RFC 4301 5.2 */ \
	X(TRUNCATED, "truncated")	/* too short for its SA */ \
	X(BAD_BLOCK, "bad_block")	/* 2.4: not whole cipher blocks */ \
	X(ZERO_SEQ, "zero_seq")		/* 3.3.3: never sent */ \
	X(INNER, "inner")		/* inner packet unreadable, or a bad
					 * checksum in tunnel mode */

#define X(sym, name) RESPOND_DROP_##sym,
enum respond_drop { RESPOND_DROPS(X) RESPOND_DROP_COUNT };
#undef X
const char *respond_drop_name(enum respond_drop d);

struct respond_esp_counters {
	uint64_t in_packets, in_bytes, out_packets, out_bytes, dummy;
	uint64_t drop[RESPOND_DROP_COUNT];
};

/* The data-plane state of one CHILD SA. */
struct respond_esp_sa {
	unsigned protocol;		/* PROTO_ESP or PROTO_AH */
	uint8_t spi_in[IKE_CHILD_SPI_LEN], spi_out[IKE_CHILD_SPI_LEN];
	struct esp_sa *esp_in, *esp_out;
	struct ah_sa *ah_in, *ah_out;
	struct ike_ts_list ts_peer, ts_local;	/* the peer's, ours */
	struct respond_esp_counters n;
	bool seen;			/* respond_esp_sync's mark */
};

struct respond_esp {
	/* creation order: the newest child last */
	struct respond_esp_sa *sa[RESPOND_ESP_SA_MAX];
	size_t nsa;
	uint64_t unknown_spi;		/* no child has this SPI */
	uint64_t generation;		/* changes with every counter */
	/* the echo service: port, and where it answers in tunnel mode */
	uint16_t echo_port;
	struct ike_ts_list protected;	/* [addresses] protected */
	struct addr echo[RESPOND_ECHO_MAX];	/* [addresses] echo */
	size_t necho;
	FILE *log;			/* SA events; NULL: none */
	struct respond_impair impair;	/* respond's, copied by respond_handle */
};

/* An empty data plane answering on port 7 for every address. */
struct respond_esp *respond_esp_new(struct err *e);
void respond_esp_free(struct respond_esp *d);	/* NULL is fine */

/* Follows the children of sa[0..nsa): SAs made for new ones, dropped
 * for those gone. A child whose algorithms have no packet
 * implementation is logged and treated as unknown. */
int respond_esp_sync(struct respond_esp *d, struct ike_sa *const *sa,
    size_t nsa, struct err *e);

/* One ESP packet (from the SPI on) from outer address src to dst (the
 * transport-mode pseudo-header). *reply: the ESP packet to send back
 * (len 0: none). -1 only when memory runs out. */
int respond_esp_input(struct respond_esp *d, const uint8_t *pkt, size_t n,
    const struct addr *src, const struct addr *dst,
    struct bytes *reply, struct err *e);
/* One IP packet carrying AH (from its IP header on). *reply: the whole
 * IP packet to send back (len 0: none). */
int respond_ah_input(struct respond_esp *d, const uint8_t *ip, size_t n,
    struct bytes *reply, struct err *e);

/* The data-plane SA whose inbound SPI is spi, or NULL. */
const struct respond_esp_sa *respond_esp_find(const struct respond_esp *d,
    uint32_t spi);
/* The counters as the stats file holds them, a line per child (newest
 * last), then one for the SPIs nobody has:
 *   child SPI_IN SPI_OUT in_packets=N in_bytes=N out_packets=N
 *     out_bytes=N drop_replay=N drop_too_old=N drop_bad_icv=N
 *     drop_bad_padding=N drop_bad_pad_len=N drop_selectors=N dummy=N
 *     drop_truncated=N drop_bad_block=N drop_zero_seq=N drop_inner=N
 *     protocol=ESP
 *   unknown_spi=N
 * (one line each; SPIs as 8 hex digits). */
int respond_esp_stats(const struct respond_esp *d, FILE *f);

#endif
