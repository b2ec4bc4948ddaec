/* evidence_cases: the traffic of the evidence test. IKE messages whose SK
 * payload is encrypted with known keys (the golden plaintexts inside) and
 * ESP packets around known inner packets, over IPv4 and IPv6, on UDP 500,
 * UDP 4500 and IP protocol 50, one pcap; every SA is recorded twice: with
 * its keys in one evidence accumulator, with each key one bit off in the
 * other (the negative control). */
#ifndef IKETEST_TESTS_EVIDENCE_CASES_H
#define IKETEST_TESTS_EVIDENCE_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "evidence.h"
#include "inet.h"

struct err;

enum { EC_MAX_PAYLOADS = 32, EC_DATA_MAX = 64, EC_IP_MAX = 256 };

/* One payload of a plaintext chain, as sent. */
struct ec_payload {
	unsigned type;
	size_t offset, len;
};

struct ec_ike {
	/* The case */
	const char *name;
	unsigned encr, key_bits, integ;
	int family;
	uint16_t port;			/* 500, or 4500 with the marker */
	bool response;			/* from the responder: SK_er, SK_ar */
	unsigned exchange;
	const char *golden;		/* plaintext: harness/tests/golden/ */
	enum evidence_support expect;	/* what Wireshark 4.0 can do */
	/* What ec_build sent */
	uint64_t frame;			/* 1-based, as Wireshark counts */
	struct bytes plain;		/* the inner payloads */
	struct ec_payload pl[EC_MAX_PAYLOADS];
	size_t npl;
};

/* One packet of one direction of an ESP SA. */
struct ec_esp_dir {
	uint64_t frame;
	uint32_t spi;
	struct inet_pkt inner;		/* data points into data[] */
	uint8_t data[EC_DATA_MAX];
	uint8_t ip[EC_IP_MAX];		/* the inner packet as built */
	size_t ip_len;
};

struct ec_esp {
	const char *name;
	unsigned encr, key_bits, integ;
	bool esn;
	int outer_family;
	bool udp;			/* UDP 4500 (RFC 3948), else IP proto 50 */
	int inner_family;
	unsigned inner_proto;		/* INET_PROTO_UDP or ICMP / ICMPV6 */
	enum evidence_support expect;
	struct ec_esp_dir dir[2];	/* initiator to responder, and back */
};

struct ec_ike *ec_ike_cases(size_t *n);
struct ec_esp *ec_esp_cases(size_t *n);

/* Writes every case to pcap_path and records its SAs in good (right
 * keys) and bad (each key with one bit flipped). 0 or -1. */
int ec_build(const char *pcap_path, struct evidence *good,
    struct evidence *bad, struct err *e);
/* Releases what ec_build kept (the plaintexts). */
void ec_free(void);

#endif
