/* esp: ESP (RFC 4303) for one CHILD SA direction at a time, without I/O.
 *
 * An esp_sa holds one direction of a CHILD SA: SPI, keys (keyed once in a
 * crypto_pkt context, so a packet costs one cipher pass and no
 * allocation), the sender's sequence counter or the receiver's
 * anti-replay window, and whether extended sequence numbers (RFC 4304,
 * RFC 4303 2.2.1) are on. ESP does not know the mode: the caller gives
 * the payload and its next header (4 or 41 for tunnel mode, 17, 1, 58 ...
 * for transport mode, 59 for a dummy packet, RFC 4303 2.6) and builds the
 * inner packet with the inet module.
 *
 * Wire layout (RFC 4303 2): SPI (4) | Sequence Number (4) | IV | payload |
 * TFC padding | padding | Pad Length (1) | Next Header (1) | ICV. The IV is
 * the cipher's explicit IV: for AEAD ciphers and AES-CTR the 64-bit
 * sequence number (unique per key, RFC 4106 3.1, 3686 3), random for CBC.
 *
 * Receiving (esp_decap) follows RFC 4303 3.4 in its order: sequence
 * number checked against the window first (3.4.3: a duplicate or a
 * number left of the window is dropped before the ICV is computed), then
 * the ICV (3.4.4), then decryption, then the window is updated (only for
 * packets whose ICV verified). The verdict says why a packet was dropped;
 * the payload is returned only for ESP_OK and ESP_DUMMY.
 *
 * Details: the window moves as soon as the ICV or tag verified, so a
 * packet that is authentic but badly padded (ESP_BAD_PADDING,
 * ESP_BAD_PAD_LEN, ESP_BAD_BLOCK after a good ICV) still counts as
 * received (3.4.3: "updated only if the integrity verification
 * succeeds"); without integrity (confidentiality only, 3.2) it moves for
 * accepted packets only. A packet longer than ESP_MAX_PACKET, which no IP
 * datagram carries, is ESP_TRUNCATED too. With ESN the high half is
 * inferred from the window (A2.2); the resynchronisation of A3 is not
 * done.
 *
 * UDP encapsulation (RFC 3948) is the transport's business (net), but the
 * classification of a datagram on port 4500 lives here: esp_udp_kind. */
#ifndef IKETEST_ESP_H
#define IKETEST_ESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

struct err;

enum {
	ESP_HDR_LEN = 8,		/* SPI and sequence number */
	ESP_TRAILER_LEN = 2,		/* pad length and next header */
	ESP_WINDOW_DEFAULT = 64,	/* RFC 4303 3.4.3: 32 minimum, 64 default */
	ESP_WINDOW_MAX = 4096,		/* bits kept by a receiver */
	ESP_NEXT_HEADER_DUMMY = 59,	/* RFC 4303 2.6 */
	ESP_MAX_PACKET = 65535,
};

/* Why a received packet was dropped, or that it was accepted. */
enum esp_verdict {
	ESP_OK,			/* ICV verified, decrypted, window updated */
	ESP_DUMMY,		/* as ESP_OK, next header 59: to be discarded */
	ESP_TRUNCATED,		/* shorter than header + IV + trailer + ICV */
	ESP_WRONG_SPI,		/* not this SA's SPI */
	ESP_REPLAY,		/* sequence number already received (3.4.3) */
	ESP_TOO_OLD,		/* left of the window (3.4.3) */
	ESP_BAD_ICV,		/* ICV (or AEAD tag) mismatch (3.4.4) */
	ESP_BAD_BLOCK,		/* ciphertext not a block multiple (2.4) */
	ESP_BAD_PAD_LEN,	/* pad length beyond the plaintext (2.4) */
	ESP_BAD_PADDING,	/* padding bytes not 1, 2, 3 ... (2.4) */
	ESP_ZERO_SEQ,		/* sequence number 0 (never sent, 3.3.3) */
};
const char *esp_verdict_name(enum esp_verdict v);

struct esp_sa_params {
	uint32_t spi;
	unsigned encr;			/* ENCR_* (ENCR_NULL allowed) */
	unsigned encr_key_bits;		/* KEY_LENGTH attribute, 0 if none */
	unsigned integ;			/* INTEG_* or INTEG_NONE (AEAD) */
	/* As the KEYMAT gives them (RFC 7296 2.17): the encryption key
	 * includes the salt for AEAD ciphers and AES-CTR. */
	const uint8_t *encr_key;
	size_t encr_key_len;
	const uint8_t *integ_key;
	size_t integ_key_len;
	bool esn;			/* extended sequence numbers */
	unsigned window;		/* receiver: bits, 0: ESP_WINDOW_DEFAULT */
};

struct esp_sa;

struct esp_sa *esp_sa_new(const struct esp_sa_params *p, struct err *e);
void esp_sa_free(struct esp_sa *sa);	/* wipes the keys; NULL is fine */
uint32_t esp_sa_spi(const struct esp_sa *sa);
/* Sender: the last sequence number sent (0: none yet). */
uint64_t esp_sa_last_seq(const struct esp_sa *sa);
/* Sender: continue counting after seq, as if it had been sent (tests near
 * 2^32 and 2^64, and of the refusal to cycle, 3.3.3). */
void esp_sa_set_last_seq(struct esp_sa *sa, uint64_t seq);
/* Receiver: the highest sequence number accepted (0: none yet). */
uint64_t esp_sa_highest_seq(const struct esp_sa *sa);
/* Receiver: an empty window with its top at seq, as if the numbers up to
 * seq had gone by unseen (known-answer packets whose ESN high half is not
 * 0, tests near 2^32). */
void esp_sa_set_highest_seq(struct esp_sa *sa, uint64_t seq);

/* How esp_encap deviates from a careful sender (all zero: it does not). */
struct esp_send_opts {
	bool seq_given;			/* send this sequence number ... */
	uint64_t seq;			/* ... (64-bit with ESN: the high half
					 * goes into the ICV or AAD only) and
					 * do not advance the counter */
	bool spi_given;			/* another SPI on the wire */
	uint32_t spi;
	size_t tfc_len;			/* TFC padding after the payload (2.7) */
	bool pad_given;			/* these padding bytes ... */
	const uint8_t *pad;
	size_t pad_len;
	bool pad_len_given;		/* ... and/or this Pad Length octet */
	uint8_t pad_len_value;
	bool corrupt_icv;		/* flip one bit of the ICV or tag */
	bool corrupt_payload;		/* flip one bit of the ciphertext after
					 * the ICV is computed */
	bool iv_given;			/* this explicit IV (iv_len bytes of
					 * the cipher) instead of the sequence
					 * number or a random one: known-answer
					 * packets, a reused IV */
	const uint8_t *iv;
};

/* Bytes esp_encap will write for len bytes of payload with o (NULL: no
 * deviation). */
size_t esp_encap_len(const struct esp_sa *sa, size_t len,
    const struct esp_send_opts *o);
/* Builds one ESP packet (from the SPI on) into out[0..cap), *out_len set.
 * Without seq_given, takes the next sequence number; without ESN,
 * refuses to wrap past 2^32-1 (RFC 4303 3.3.3: a new SA is needed), with
 * ESN past 2^64-1. Fails when cap is too small. */
int esp_encap(struct esp_sa *sa, uint8_t next_header,
    const uint8_t *payload, size_t len, const struct esp_send_opts *o,
    uint8_t *out, size_t cap, size_t *out_len, struct err *e);

/* What esp_decap found. payload points into the SA's own buffer: valid
 * until the next esp_decap on that SA. */
struct esp_rx {
	uint32_t spi;
	uint64_t seq;			/* with the inferred high half (ESN) */
	uint8_t next_header;
	const uint8_t *payload;		/* payload and any TFC padding */
	size_t payload_len;
	uint8_t pad_len;
	bool pad_monotonic;		/* padding is 1, 2, 3 ... (2.4) */
	size_t iv_len, icv_len;
};

/* Checks and decrypts one ESP packet (from the SPI on) as RFC 4303 3.4
 * says; returns the verdict (never fails otherwise). */
enum esp_verdict esp_decap(struct esp_sa *sa, const uint8_t *pkt,
    size_t len, struct esp_rx *rx);

/* The SPI and 32-bit sequence number of a packet, without keys: 0, or -1
 * when it is shorter than 8 bytes. */
int esp_peek(const uint8_t *pkt, size_t len, uint32_t *spi, uint32_t *seq);

/* ---- the anti-replay window on its own (RFC 4303 3.4.3, A2) ---------- */

struct esp_window {
	bool esn;
	unsigned size;			/* bits, <= ESP_WINDOW_MAX */
	uint64_t top;			/* highest accepted, 0: none */
	uint64_t bits[ESP_WINDOW_MAX / 64];	/* bit i: top - i received */
};
void esp_window_init(struct esp_window *w, unsigned size, bool esn);
/* The full sequence number a received 32-bit low half stands for (with
 * ESN, RFC 4303 A2.2 inference; else the low half itself). */
uint64_t esp_window_infer(const struct esp_window *w, uint32_t seq_low);
/* 0 when seq may be accepted (ICV still to check), else the verdict. */
enum esp_verdict esp_window_check(const struct esp_window *w, uint64_t seq);
/* Marks seq as received (after its ICV verified). */
void esp_window_update(struct esp_window *w, uint64_t seq);

/* ---- UDP encapsulation (RFC 3948) ----------------------------------- */

enum esp_udp_kind {
	ESP_UDP_KEEPALIVE,	/* one byte 0xFF (RFC 3948 2.3) */
	ESP_UDP_IKE,		/* the non-ESP marker: four zero bytes (2.2) */
	ESP_UDP_ESP,		/* a non-zero SPI (2.1) */
	ESP_UDP_INVALID,	/* anything else: too short for ESP */
};
enum esp_udp_kind esp_udp_kind(const uint8_t *p, size_t len);

#endif
