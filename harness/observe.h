/* observe: a passive observer of the IKE traffic between two peers (an
 * interop cell's capture, ci/interop). Without keys it judges what a
 * bystander on the wire can judge, message by message:
 *   - the header and everything outside SK by the sender rules
 *     (rules_sender_message: RFC 7296 3.1, 3.2 and each payload's
 *     section), the I flag against who sent the IKE SA's first request;
 *   - the payload sets of each exchange outside SK (rules_check; the
 *     cleartext IKE_SA_INIT whole, RFC 7296 1.2);
 *   - message IDs (RFC 7296 2.2): each endpoint's requests count up by
 *     one from 0, independently; a response answers a request seen, with
 *     its exchange type;
 *   - retransmissions (RFC 7296 2.1): a request sent again with its
 *     message ID is the same bytes, a request answered twice is answered
 *     with the same bytes; recognised and counted, not findings. The
 *     IKE_SA_INIT retries of 2.6 (COOKIE) and 1.2 (INVALID_KE_PAYLOAD)
 *     are new requests under ID 0, with new answers, and allowed.
 * Given the ends' session keys (key sets), it opens SK and judges what is
 * inside too; without them, SK stays opaque.
 * An IKE SA is known by its initiator's SPI and the address that sent its
 * first IKE_SA_INIT request (its original initiator). A datagram captured
 * only as IP fragments (not reassembled, counted "not decoded") excuses one
 * skipped message ID of its sender, or one response to a request not seen.
 * The IKE fragments of one message (SKF, RFC 7383 2.5: one message ID) are
 * one message for the pairing; each is judged by the rules. */
#ifndef IKETEST_OBSERVE_H
#define IKETEST_OBSERVE_H

#include <stddef.h>
#include <stdint.h>

struct err;

enum { OBSERVE_TEXT_MAX = 320 };

struct observe_finding {
	uint64_t frame;			/* 1-based, as Wireshark counts */
	char sender[64];		/* ADDR:PORT of the message's sender */
	char text[OBSERVE_TEXT_MAX];	/* starts with the clause it enforces */
};

struct observe_result {
	size_t frames, messages, retransmits, undecoded, sas;
	size_t decrypted, undecrypted;	/* SK payloads opened, and not */
	size_t fragments;		/* IKE messages carrying SKF (RFC 7383) */
	struct observe_finding *findings;
	size_t nfindings;
};

struct evidence;
struct evidence_keysets;

/* Observes every frame of the pcap at path. With keys (key sets the ends
 * gave, evidence.h; NULL: none) each SK payload is opened with the set
 * whose ICV verifies and its payloads are judged too (the sender rules
 * and the exchange's payload set, RFC 7296 1.2-1.5, 3.x); each IKE SA a
 * set opened goes to ev (NULL: nowhere) with the SPIs and suite seen on
 * the wire, for the Wireshark key table. -1 only when the file cannot be
 * read or memory runs out (reason in e); what the traffic breaks goes to
 * out. */
int observe_pcap(const char *path, const struct evidence_keysets *keys,
    struct evidence *ev, struct observe_result *out, struct err *e);
void observe_result_free(struct observe_result *r);

#endif
