/* respond_impair: deliberate deviations of the reference peer
 * (`iketest respond --impair NAME`), so that the suites' verdicts can be
 * tested both ways: each violation breaks one MUST of RFC 7296, RFC 4303
 * or RFC 4302 in what the peer sends or in how it reacts, and some script
 * must fail against it; each `legal-` variation is behaviour the RFCs
 * allow, and every script must still pass (harness/tests/impair.sh).
 *
 * RESPOND_IMPAIRS is the one table: symbol, name, kind, the clause
 * broken (or allowing it), the suites that judge it (scripts or folders
 * under suites/: for a violation, first the script expected to catch it;
 * for a legal variation, where it acts), and what the peer does.
 * respond.c and respond_esp.c ask respond_impair_has() at the point
 * where they build or accept a message; edits of a response's payloads
 * live in respond_impair.c (respond_impair_response). Only the
 * responder is impaired, never --initiate. */
#ifndef IKETEST_RESPOND_IMPAIR_H
#define IKETEST_RESPOND_IMPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "ike.h"

enum respond_impair_kind { RESPOND_IMPAIR_VIOLATION, RESPOND_IMPAIR_LEGAL };

#define RESPOND_IMPAIRS(X) \
	/* the IKE header of every response (RFC 7296 3.1) */ \
	X(HDR_VERSION_BIT, "hdr-version-bit", VIOLATION, "RFC 7296 3.1", \
	    "ike_sa_init/response_header.ike", \
	    "sets the Version (V) flag of every response") \
	X(HDR_RESERVED_FLAGS, "hdr-reserved-flags", VIOLATION, "RFC 7296 3.1", \
	    "ike_sa_init/response_header.ike", \
	    "sets a reserved flag bit (the lowest) of every response") \
	X(HDR_INITIATOR_BIT, "hdr-initiator-bit", VIOLATION, "RFC 7296 3.1", \
	    "ike_sa_init/response_header.ike", \
	    "sets the Initiator (I) flag, though it is the original responder") \
	X(HDR_RESPONSE_BIT_CLEAR, "hdr-response-bit-clear", VIOLATION, "RFC 7296 3.1", \
	    "ike_sa_init/response_header.ike", \
	    "clears the Response (R) flag of every response") \
	X(HDR_MAJOR_VERSION, "hdr-major-version", VIOLATION, "RFC 7296 3.1", \
	    "ike_sa_init/response_header.ike", \
	    "sends major version 3 in every response") \
	X(MINOR_VERSION, "minor-version-nonzero", VIOLATION, "RFC 7296 3.1", \
	    "ike_sa_init/version_minor_higher.ike ike_sa_init", \
	    "sends minor version 1 (receivers ignore it; senders MUST send 0)") \
	X(INIT_SPI_R_ZERO, "init-spi-r-zero", VIOLATION, "RFC 7296 3.1, 2.6", \
	    "ike_sa_init/response_header.ike", \
	    "answers IKE_SA_INIT with a zero responder SPI") \
	X(INIT_MESSAGE_ID, "init-message-id", VIOLATION, "RFC 7296 3.1, 2.2", \
	    "ike_sa_init/response_header.ike", \
	    "answers IKE_SA_INIT with message ID 1") \
	X(MESSAGE_ID_WRONG, "message-id-wrong", VIOLATION, "RFC 7296 2.2", \
	    "ike_auth/response_header.ike ike_auth", \
	    "answers protected requests with the request's message ID + 1") \
	/* fields that must be zero (RFC 7296 3.2 ...) */ \
	X(PAYLOAD_RESERVED, "payload-reserved", VIOLATION, "RFC 7296 3.2", \
	    "ike_sa_init/response_zero_fields.ike ike_sa_init", \
	    "sets the RESERVED bits of Nr's generic header (IKE_SA_INIT)") \
	X(AUTH_IDR_RESERVED, "auth-idr-reserved", VIOLATION, "RFC 7296 3.2", \
	    "ike_auth/psk_ok.ike ike_auth", \
	    "sets the RESERVED bits of IDr's generic header (IKE_AUTH, inside SK)") \
	X(CRITICAL_BIT, "critical-bit", VIOLATION, "RFC 7296 3.2", \
	    "ike_sa_init/response_zero_fields.ike ike_sa_init", \
	    "sets the critical bit of Nr, a payload of RFC 7296 (IKE_SA_INIT)") \
	X(KE_RESERVED, "ke-reserved", VIOLATION, "RFC 7296 3.4", \
	    "ike_sa_init/response_zero_fields.ike ike_sa_init", \
	    "sets the RESERVED field after KE's DH Group Num") \
	X(TRANSFORM_RESERVED, "transform-reserved", VIOLATION, "RFC 7296 3.3.2", \
	    "ike_sa_init/response_zero_fields.ike ike_sa_init", \
	    "sets the RESERVED byte after the first chosen transform's type") \
	X(PROPOSAL_LAST, "proposal-last-more", VIOLATION, "RFC 7296 3.3.1", \
	    "ike_sa_init/response_zero_fields.ike ike_sa_init", \
	    "marks the only proposal of the response `more' (Last Substruc 2)") \
	X(NOTIFY_PROTOCOL, "notify-protocol", VIOLATION, "RFC 7296 3.10", \
	    "ike_sa_init/response_zero_fields.ike ike_sa_init", \
	    "sends NAT_DETECTION_SOURCE_IP with Protocol ID 1 and no SPI") \
	/* payloads missing or extra */ \
	X(INIT_NO_SA, "init-no-sa", VIOLATION, "RFC 7296 1.2", \
	    "ike_sa_init/response_header.ike", \
	    "leaves SAr1 out of the IKE_SA_INIT response") \
	X(INIT_NO_KE, "init-no-ke", VIOLATION, "RFC 7296 1.2", \
	    "ike_sa_init/response_header.ike", \
	    "leaves KEr out of the IKE_SA_INIT response") \
	X(INIT_NO_NONCE, "init-no-nonce", VIOLATION, "RFC 7296 1.2", \
	    "ike_sa_init/response_header.ike", \
	    "leaves Nr out of the IKE_SA_INIT response") \
	X(INIT_EXTRA_TS, "init-extra-ts", VIOLATION, "RFC 7296 1.2, 3.13", \
	    "ike_sa_init/response_payloads.ike", \
	    "adds a TSi payload to the IKE_SA_INIT response") \
	X(AUTH_NO_IDR, "auth-no-idr", VIOLATION, "RFC 7296 1.2", \
	    "ike_auth/response_header.ike", \
	    "leaves IDr out of the IKE_AUTH response") \
	X(AUTH_NO_AUTH, "auth-no-auth", VIOLATION, "RFC 7296 1.2, 2.15", \
	    "ike_auth/response_header.ike", \
	    "leaves AUTH out of the IKE_AUTH response") \
	X(AUTH_CORRUPT, "auth-corrupt", VIOLATION, "RFC 7296 2.15", \
	    "informational/liveness.ike ike_auth informational", \
	    "flips one bit of its AUTH data in the IKE_AUTH response") \
	X(CHILD_NO_NONCE, "child-no-nonce", VIOLATION, "RFC 7296 1.3.1", \
	    "create_child_sa/new_child.ike create_child_sa", \
	    "leaves Nr out of CREATE_CHILD_SA responses") \
	/* the chosen proposal (RFC 7296 2.7, 3.3) */ \
	X(TRANSFORM_EXTRA, "transform-extra", VIOLATION, "RFC 7296 3.3.6, 2.7", \
	    "ike_sa_init/proposal_aead.ike ike_sa_init", \
	    "returns a second copy of the chosen ENCR transform (IKE_SA_INIT)") \
	X(TRANSFORM_MISSING, "transform-missing", VIOLATION, "RFC 7296 3.3.6, 2.7", \
	    "ike_sa_init/proposal_one_transform_per_type.ike ike_sa_init", \
	    "leaves the PRF out of the chosen IKE proposal") \
	X(TRANSFORM_NOT_OFFERED, "transform-not-offered", VIOLATION, "RFC 7296 2.7", \
	    "ike_sa_init/response_header.ike", \
	    "turns the first chosen transform's ID into 1 (DES_IV64), never offered") \
	X(PROPOSAL_NUMBER, "proposal-number", VIOLATION, "RFC 7296 3.3.1", \
	    "ike_sa_init/response_header.ike ike_sa_init", \
	    "numbers the chosen IKE proposal 9, not the number it had") \
	X(KEY_LENGTH, "key-length-wrong", VIOLATION, "RFC 7296 3.3.5, 2.7", \
	    "ike_sa_init/proposal_key_length_honoured.ike ike_sa_init", \
	    "returns KEY_LENGTH 64 on the chosen ENCR transform") \
	/* KE and nonces */ \
	X(KE_GROUP, "ke-group-mismatch", VIOLATION, "RFC 7296 3.4", \
	    "ike_sa_init/response_payloads.ike ike_sa_init", \
	    "says DH Group Num 1 in KEr, not the chosen group") \
	X(KE_SHORT, "ke-length-wrong", VIOLATION, "RFC 7296 3.4", \
	    "ike_sa_init/ke_responder_length.ike ike_sa_init", \
	    "sends KEr one byte shorter than its group's public value") \
	X(NONCE_SHORT, "nonce-short", VIOLATION, "RFC 7296 2.10, 3.9", \
	    "ike_sa_init/nonce_responder_size.ike ike_sa_init", \
	    "sends an 8-byte Nr") \
	X(NONCE_LONG, "nonce-long", VIOLATION, "RFC 7296 3.9", \
	    "ike_sa_init/nonce_responder_size.ike ike_sa_init", \
	    "sends a 257-byte Nr") \
	X(INVALID_KE_GROUP, "invalid-ke-group", VIOLATION, "RFC 7296 1.2, 3.10.1", \
	    "ike_sa_init/invalid_ke_retry.ike ike_sa_init", \
	    "names group 1 (not proposed) in INVALID_KE_PAYLOAD") \
	/* reactions to requests */ \
	X(NO_ANSWER_INFO, "no-answer-informational", VIOLATION, "RFC 7296 1.4", \
	    "informational/liveness.ike informational", \
	    "processes INFORMATIONAL requests but sends no response") \
	X(ANSWER_BAD_ICV, "answer-bad-icv", VIOLATION, "RFC 7296 3.14, 2.21.1", \
	    "ike_auth/bad_icv.ike ike_auth", \
	    "answers a request whose ICV does not verify (an empty response)") \
	X(RETRANSMIT_DIFFERENT, "retransmit-different", VIOLATION, "RFC 7296 2.1", \
	    "retransmission/responder_same_response_informational.ike " \
	    "retransmission", \
	    "answers a retransmitted protected request with its response " \
	    "encrypted again") \
	X(RETRANSMIT_IGNORED, "retransmit-ignored", VIOLATION, "RFC 7296 2.1", \
	    "retransmission/responder_same_response_informational.ike " \
	    "retransmission", \
	    "does not answer a retransmitted protected request") \
	X(WINDOW_IGNORED, "message-id-window", VIOLATION, "RFC 7296 2.3", \
	    "informational/message_id_out_of_window.ike retransmission " \
	    "informational", \
	    "processes a request whose message ID is outside the window") \
	X(CRITICAL_IGNORED, "critical-ignored", VIOLATION, "RFC 7296 2.5", \
	    "ike_sa_init/unknown_payload_critical.ike ike_sa_init", \
	    "processes a request with an unknown critical payload") \
	X(MAJOR_IGNORED, "major-version-ignored", VIOLATION, "RFC 7296 2.5", \
	    "ike_sa_init/version_major_higher.ike ike_sa_init", \
	    "answers a request of major version 3 as if it were 2") \
	X(TS_WIDER, "ts-wider", VIOLATION, "RFC 7296 2.9", \
	    "ike_auth/psk_ok.ike ike_auth create_child_sa", \
	    "answers TSi/TSr of everything (all addresses, protocols, ports)") \
	X(DELETE_SPI_SIZE, "delete-spi-size", VIOLATION, "RFC 7296 3.11", \
	    "informational/delete_child.ike " \
	    "informational/delete_child_spi_size.ike informational", \
	    "answers a CHILD SA Delete with 8-byte SPIs (SPI Size 8 for ESP)") \
	X(DELETE_WRONG_SPI, "delete-wrong-spi", VIOLATION, "RFC 7296 1.4.1", \
	    "informational/delete_child.ike informational", \
	    "answers a CHILD SA Delete with the peer's SPI, not its own") \
	/* the data plane */ \
	X(ESP_REPLAY, "esp-replay-accepted", VIOLATION, "RFC 4303 3.4.3", \
	    "esp/replay_dropped.ike esp", \
	    "accepts a duplicate ESP sequence number") \
	X(ESP_ICV, "esp-icv-unchecked", VIOLATION, "RFC 4303 3.4.4.1", \
	    "esp/bad_icv_dropped.ike esp", \
	    "accepts an ESP packet whose ICV is one bit off") \
	X(ESP_SEQ, "esp-seq-repeat", VIOLATION, "RFC 4303 3.3.3", \
	    "esp/sender_sequence.ike esp", \
	    "sends every ESP packet with sequence number 1") \
	X(ESP_PADDING, "esp-padding-zero", VIOLATION, "RFC 4303 2.4", \
	    "esp/udp_echo.ike esp", \
	    "pads its ESP packets with zero bytes, not 1, 2, 3 ...") \
	X(AH_ICV, "ah-icv-unchecked", VIOLATION, "RFC 4302 3.4.4", \
	    "esp/ah_bad_icv.ike esp", \
	    "accepts AH packets without checking their ICV") \
	X(AH_SEQ, "ah-seq-repeat", VIOLATION, "RFC 4302 3.3.2", \
	    "esp/ah_sender_sequence.ike esp", \
	    "sends every AH packet with sequence number 1") \
	/* legal variations: must pass every script */ \
	X(LEGAL_VENDOR_ID, "legal-vendor-id", LEGAL, "RFC 7296 3.12", \
	    "ike_sa_init ike_auth", \
	    "adds a Vendor ID payload to IKE_SA_INIT and IKE_AUTH responses") \
	X(LEGAL_NOTIFY_ORDER, "legal-notify-order", LEGAL, "RFC 7296 3.10", \
	    "ike_sa_init natt", \
	    "sends the notifies of each response in reverse order") \
	X(LEGAL_UNKNOWN_STATUS, "legal-unknown-status", LEGAL, "RFC 7296 3.10.1", \
	    "ike_sa_init", \
	    "adds a status notify of a private-use type (40960) to " \
	    "IKE_SA_INIT responses") \
	X(LEGAL_TS_NARROW, "legal-ts-narrow", LEGAL, "RFC 7296 2.9", \
	    "ike_auth create_child_sa esp/udp_echo.ike esp/icmp_echo.ike " \
	    "esp/second_child.ike esp/selector_source_outside.ike " \
	    "esp/selector_destination_outside.ike", \
	    "narrows each new CHILD SA's TSi to the lower half of every range") \
	X(LEGAL_MAJOR_ANY, "legal-major-answers-all", LEGAL, "RFC 7296 2.5", \
	    "informational/version_major_response.ike ike_sa_init", \
	    "answers every message of a higher major version, also one " \
	    "flagged as a response, with INVALID_MAJOR_VERSION")

#define X(sym, name, kind, clause, suites, what) RESPOND_IMPAIR_##sym,
enum respond_impair_id { RESPOND_IMPAIRS(X) RESPOND_IMPAIR_COUNT };
#undef X

_Static_assert(RESPOND_IMPAIR_COUNT <= 64, "the set is one 64-bit word");

struct respond_impair_def {
	const char *name;
	enum respond_impair_kind kind;
	const char *clause;		/* "RFC 7296 3.1" */
	const char *suites;		/* "DIR/SCRIPT.ike DIR ..." */
	const char *what;
};
const struct respond_impair_def *respond_impair_def(enum respond_impair_id id);

/* The impairments on: none by default. */
struct respond_impair {
	uint64_t on;
};

static inline bool respond_impair_has(const struct respond_impair *s,
    enum respond_impair_id id)
{
	return (s->on >> id) & 1u;
}
/* Turns NAME on: 0, or -1 with "unknown impairment `NAME'". */
int respond_impair_add(struct respond_impair *s, const char *name,
    struct err *e);

/* Edits the response m to rx, built for sa, before it is encoded: the
 * impairments that change what a response holds. nchild_before: sa's
 * CHILD SA count before the request (legal-ts-narrow changes the new
 * ones, so that the data plane follows the narrowed selectors). */
int respond_impair_response(const struct respond_impair *s,
    struct ike_sa *sa, const struct ike_config *cfg,
    const struct ike_rx *rx, size_t nchild_before, struct ike_msg *m,
    struct err *e);
/* retransmit-different: last, a protected response of sa, decrypted
 * and encrypted again (a new IV) into out. */
int respond_impair_reencrypt(const struct ike_sa *sa,
    const struct bytes *last, struct bytes *out, struct err *e);
/* answer-bad-icv: an empty protected response to rx into out. */
int respond_impair_empty_response(const struct ike_sa *sa,
    const struct ike_rx *rx, struct bytes *out, struct err *e);

#endif
