/* pcapfile: IKE messages to and from pcap files, through libpcap.
 *
 * Writing: each message becomes a complete IPv4 or IPv6 UDP packet
 * (LINKTYPE_RAW: no link header, so no invented MAC addresses), with
 * correct lengths and checksums, on port 500, or on 4500 behind the
 * 4-byte non-ESP marker of RFC 3948 2.2.
 *
 * Reading: Ethernet (with 802.1Q/802.1ad tags), Linux cooked SLL and SLL2,
 * raw IP, BSD null and loopback. Each frame yields either an IKE message
 * or a reason it was not one; reasons are split into frames that are
 * simply other traffic (ignored) and frames that are broken (malformed). */
#ifndef IKETEST_PCAPFILE_H
#define IKETEST_PCAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"

struct bytes;
struct err;

enum { PCAPFILE_PORT_IKE = 500, PCAPFILE_PORT_NATT = 4500 };

/* Endpoints are struct addr (addr.h) with their port;
 * addr_format_port prints them. */

/* ---- writing ---- */

struct pcapfile_writer;

int pcapfile_create(struct pcapfile_writer **w, const char *path,
    struct err *e);
/* Wraps msg in UDP and IP from src to dst (same family). On port 4500 at
 * either end the non-ESP marker goes in front. ts_usec: microseconds since
 * the epoch. */
int pcapfile_write_ike(struct pcapfile_writer *w, uint64_t ts_usec,
    const struct addr *src, const struct addr *dst,
    const uint8_t *msg, size_t len, struct err *e);
/* Writes an IP packet as it is (tests use it for broken frames). */
int pcapfile_write_frame(struct pcapfile_writer *w, uint64_t ts_usec,
    const uint8_t *pkt, size_t len, struct err *e);
/* Flushes and closes; 0, or -1 if the data did not reach the file. */
int pcapfile_close(struct pcapfile_writer *w, struct err *e);

/* Builds the IP+UDP packet that pcapfile_write_ike writes, into out.
 * marker: put the non-ESP marker in front of the payload. */
int pcapfile_build_udp(struct bytes *out, const struct addr *src,
    const struct addr *dst, bool marker, const uint8_t *payload,
    size_t len, struct err *e);

/* ---- reading ---- */

/* What a frame turned out to be. */
#define PCAPFILE_KINDS(X) \
	/* an IKE message */ \
	X(IKE, "IKE message") \
	/* ignored: not IKE */ \
	X(NOT_IP, "not an IP packet") \
	X(NOT_UDP, "not UDP") \
	X(OTHER_PORT, "UDP on neither port 500 nor 4500") \
	X(KEEPALIVE, "NAT-keepalive (RFC 3948 2.3)") \
	X(ESP_IN_UDP, "ESP in UDP (non-zero SPI where the non-ESP marker goes)") \
	/* reported: not decoded */ \
	X(FRAGMENT, "IP fragment, not reassembled") \
	X(TRUNCATED, "frame truncated by the capture (caplen < len)") \
	X(BAD_LINK, "link-layer header too short") \
	X(BAD_IP_VERSION, "IP version does not match the link type") \
	X(BAD_IP_HLEN, "bad IP header length") \
	X(BAD_IP_LEN, "bad IP total/payload length") \
	X(BAD_IP_CHECKSUM, "IPv4 header checksum does not match the header") \
	X(BAD_IP_EXT, "bad IPv6 extension header") \
	X(BAD_UDP_LEN, "bad UDP length") \
	X(SHORT_NATT, "UDP payload on 4500 too short for a non-ESP marker")

#define X(sym, text) PCAPFILE_##sym,
enum pcapfile_kind { PCAPFILE_KINDS(X) PCAPFILE_KIND_COUNT };
#undef X

/* "KEEPALIVE" and its description. */
const char *pcapfile_kind_name(enum pcapfile_kind k);
const char *pcapfile_kind_text(enum pcapfile_kind k);
/* True for the kinds that are other traffic rather than a problem. */
bool pcapfile_kind_ignored(enum pcapfile_kind k);

struct pcapfile_frame {
	uint64_t number;		/* 1-based, as Wireshark counts */
	uint64_t ts_usec;
	enum pcapfile_kind kind;
	char why[160];			/* details for anything but IKE */
	/* From here on valid as far as the frame was understood. */
	struct addr src, dst;
	bool marker;			/* came behind a non-ESP marker */
	const uint8_t *msg;		/* the IKE message, into the reader's */
	size_t len;			/* buffer: valid until the next call */
};

struct pcapfile_reader;

/* Opens for reading; errors are "PATH: libpcap's reason" or name an
 * unsupported link type. */
int pcapfile_open(struct pcapfile_reader **r, const char *path,
    struct err *e);
/* Same over an open stream (libFuzzer's fmemopen); takes the stream. */
int pcapfile_open_stream(struct pcapfile_reader **r, FILE *f,
    const char *name, struct err *e);
/* 1 with the next frame in *f, 0 at the end, -1 when the file is broken
 * (a truncated record, say) with the reason. */
int pcapfile_next(struct pcapfile_reader *r, struct pcapfile_frame *f,
    struct err *e);
void pcapfile_free(struct pcapfile_reader *r);

/* The frame-level parser on its own: one captured frame of the given
 * DLT link type (caplen bytes of an original wirelen). */
void pcapfile_parse_frame(int dlt, const uint8_t *data, size_t caplen,
    size_t wirelen, struct pcapfile_frame *f);

#endif
