/* ike: the IKE SA and CHILD SA state of the harness peer (RFC 7296), the
 * default messages it builds, SK protection, proposal selection and the
 * processing that moves an SA forward, as initiator or as responder.
 *
 * Messages are codec trees (codec.h) until the last moment, so a script
 * can edit any field of a default message before it is encoded. A message
 * that travels inside SK is two trees: `hdr` (the IKE header, any clear
 * payloads, and an SK payload last) and `inner` (the payload chain that
 * SK carries). ike_msg_encode() encodes the inner chain, writes the final
 * lengths, encrypts (crypto_sk_encrypt) and fills SK's data.
 *
 * Functions return 0 or -1 with a text in *e, unless said otherwise. The
 * state never holds secrets anywhere but in struct bytes and crypto
 * objects, which wipe on free. Nothing here does I/O except through the
 * caller's struct ike_transport.
 */
#ifndef IKETEST_IKE_H
#define IKETEST_IKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "bytes.h"
#include "codec.h"
#include "crypto.h"
#include "err.h"

struct profile;

enum {
	IKE_SPI_LEN = 8,		/* IKE SA SPI */
	IKE_CHILD_SPI_LEN = 4,		/* ESP/AH SPI */
	IKE_NONCE_LEN = 32,		/* our nonces */
	IKE_TRANSFORM_MAX = 64,		/* transforms in a proposal or policy */
	IKE_PROPOSAL_MAX = 16,		/* proposals in an SA payload */
	IKE_TS_MAX = 8,			/* selectors in a TS payload */
	IKE_CHILD_MAX = 32,		/* CHILD SAs per IKE SA */
	IKE_NATD_LEN = 20,		/* NAT-D data: a SHA-1 digest (2.23) */
	IKE_RETX_MAX = 16,		/* retransmissions of one request */
};

/* ------------------------------------------------------------------ */
/* Algorithms, proposals, policies                                     */

/* One transform: TT_ENCR/PRF/INTEG/DH/ESN, its IANA id and the
 * KEY_LENGTH attribute in bits (0: none). */
struct ike_transform {
	unsigned type;
	unsigned id;
	unsigned key_bits;
};

/* A proposal as offered or chosen: protocol (PROTO_IKE, PROTO_ESP,
 * PROTO_AH), its number (1-based, as on the wire), SPI (empty for an
 * initial IKE proposal, 8 bytes for an IKE rekey, 4 for ESP/AH) and its
 * transforms. A chosen proposal has one transform per type. */
struct ike_proposal {
	unsigned protocol;
	unsigned number;
	uint8_t spi[IKE_SPI_LEN];
	size_t spi_len;
	struct ike_transform t[IKE_TRANSFORM_MAX];
	size_t n;
};

/* A local policy: the acceptable transforms of each type, preferred
 * first. For ESP, a DH entry with id DH_NONE means "PFS optional"; with
 * no DH entry at all, no PFS is accepted. An ENCR entry with key_bits 0
 * for a variable-length cipher accepts any key length. */
struct ike_policy {
	unsigned protocol;
	struct ike_transform t[IKE_TRANSFORM_MAX];
	size_t n;
};

/* Reads a profile's [ike], [esp] or [ah] lists (section "ike", "esp" or
 * "ah") into a policy. [esp] without integ accepts AEAD only; esn
 * defaults to NO. [ah] takes integ, dh and esn (RFC 7296 3.3.3: no encr,
 * which is an error there); without integ (or without [ah]) the policy is
 * empty: no AH proposal is acceptable. */
int ike_policy_from_profile(const struct profile *p, const char *section,
    struct ike_policy *pol, struct err *e);
/* Parses "AES_CBC/256 HMAC_SHA2_256 HMAC_SHA2_256_128 ECP_256" style words
 * (each a known ENCR, PRF, INTEG, DH or ESN name, tried in that order;
 * "ESN_NO"/"ESN_YES" for ESN) into a policy: handy in tests. */
int ike_policy_parse(unsigned protocol, const char *words,
    struct ike_policy *pol, struct err *e);
/* The proposals a sender offers from a policy: one proposal with the
 * non-AEAD ciphers and every integrity algorithm, one with the AEAD
 * ciphers (no INTEG), each with every PRF (IKE) and DH group, preferred
 * order kept. *n proposals written to out[0..max). */
int ike_policy_proposals(const struct ike_policy *pol,
    struct ike_proposal *out, size_t max, size_t *n, struct err *e);

/* Responder proposal selection (RFC 7296 2.7, 3.3.6): the first of the
 * peer's proposals (in its order) for which every transform type present
 * has a transform acceptable to pol, every type pol requires is present
 * (IKE: ENCR, PRF, DH, and INTEG unless the cipher is AEAD; ESP: ENCR,
 * INTEG unless AEAD, DH when the policy has no DH_NONE) and an AEAD cipher
 * comes with no INTEG other than NONE. Within a proposal the peer's order
 * wins, except that for DH the group `prefer_dh` (the KE payload's group,
 * 0 for none) is taken when acceptable, so that INVALID_KE_PAYLOAD is
 * only needed when it is not. Writes the chosen proposal (one transform
 * per type, the peer's number and SPI). Returns 0, or 1 when nothing is
 * acceptable (NO_PROPOSAL_CHOSEN), -1 on a malformed SA (text in *e). */
int ike_proposal_select(const struct codec_node *sa_payload,
    const struct ike_policy *pol, unsigned prefer_dh,
    struct ike_proposal *chosen, struct err *e);
/* The same with one policy per protocol (a responder that takes ESP and
 * AH): each of the peer's proposals, in its order, is judged by the
 * policies of its protocol; empty policies (n == 0) accept nothing. An AH
 * proposal (RFC 7296 3.3.3) needs INTEG (not NONE) and has no ENCR/PRF. */
int ike_proposal_select_any(const struct codec_node *sa_payload,
    const struct ike_policy *const *pols, size_t npols, unsigned prefer_dh,
    struct ike_proposal *chosen, struct err *e);
/* Reads the proposals of an SA payload into out[0..max), *n of them. */
int ike_proposals_read(const struct codec_node *sa_payload,
    struct ike_proposal *out, size_t max, size_t *n, struct err *e);
/* Whether a chosen proposal (one transform per type) is a subset of what
 * one of offered[0..n) held, under the same number (initiator's check of
 * a response: RFC 7296 2.7, "the responder MUST NOT" invent one). */
bool ike_proposal_was_offered(const struct ike_proposal *chosen,
    const struct ike_proposal *offered, size_t n);
/* The transform id of a type in a proposal, or `none` when absent. */
unsigned ike_proposal_get(const struct ike_proposal *p, unsigned type,
    unsigned none);
unsigned ike_proposal_key_bits(const struct ike_proposal *p);
/* The suite of a chosen IKE proposal (one transform per type). */
void ike_suite_of(const struct ike_proposal *p, struct crypto_ike_suite *s);
/* Appends an SA payload with these proposals to a message or chain. */
int ike_sa_payload_add(struct codec_node *parent,
    const struct ike_proposal *props, size_t n, struct err *e);
/* "AES_CBC/256 HMAC_SHA2_256 HMAC_SHA2_256_128 ECP_256" into out. */
void ike_proposal_format(const struct ike_proposal *p, char *out,
    size_t outlen);

/* ------------------------------------------------------------------ */
/* Addresses and traffic selectors                                     */

/* Addresses are struct addr (addr.h): NAT detection hashes address and
 * port (2.23). */

/* One traffic selector (RFC 7296 3.13.1). */
struct ike_ts {
	unsigned type;		/* TS_IPV4_ADDR_RANGE or TS_IPV6_ADDR_RANGE */
	unsigned ip_proto;	/* 0: any */
	uint16_t start_port, end_port;
	uint8_t start[16], end[16];	/* 4 bytes used for IPv4 */
};
struct ike_ts_list {
	struct ike_ts ts[IKE_TS_MAX];
	size_t n;
};
/* "198.51.100.16/28", "2001:db8::/64", "0.0.0.0/0", a bare address
 * (/32 or /128): appended to l, all protocols and ports. */
int ike_ts_add_prefix(struct ike_ts_list *l, const char *text,
    struct err *e);
/* One address (its port aside): appended to l as a selector of that host
 * alone, all protocols and ports. */
int ike_ts_add_host(struct ike_ts_list *l, const struct addr *a,
    struct err *e);
/* Reads the selectors of a TSi/TSr payload. */
int ike_ts_read(const struct codec_node *ts_payload, struct ike_ts_list *l,
    struct err *e);
/* Appends a TSi (PL_TSi) or TSr (PL_TSr) payload. */
int ike_ts_payload_add(struct codec_node *parent, unsigned ptype,
    const struct ike_ts_list *l, struct err *e);
/* Narrowing (RFC 7296 2.9): the intersection of each offered selector
 * with each allowed one, non-empty ones kept (at most IKE_TS_MAX).
 * Returns the number kept (0: TS_UNACCEPTABLE). */
size_t ike_ts_narrow(const struct ike_ts_list *offered,
    const struct ike_ts_list *allowed, struct ike_ts_list *out);
/* Whether every selector of inner lies within some selector of outer
 * (the initiator's check that the responder only narrowed). */
bool ike_ts_within(const struct ike_ts_list *inner,
    const struct ike_ts_list *outer);

/* ------------------------------------------------------------------ */
/* Identities and authentication                                       */

/* How one side proves itself, and how it checks the other side. */
struct ike_auth_conf {
	unsigned id_type;		/* ID_IPV4_ADDR, ID_FQDN, ... */
	struct bytes id;		/* identification data */
	unsigned method;		/* AUTH_SHARED_KEY_MIC, AUTH_RSA_SIG,
					 * AUTH_ECDSA_SHA*, AUTH_DIGITAL_SIGNATURE */
	unsigned hash;			/* AUTH_DIGITAL_SIGNATURE: HASH_*,
					 * | CRYPTO_AUTH_PSS for RSASSA-PSS */
	struct bytes psk;		/* shared secret (both directions) */
	struct crypto_key *key;		/* own private key (signatures) */
	struct bytes cert;		/* own certificate, DER: sent as CERT
					 * (X509_SIG) when not empty */
	struct crypto_key *peer_key;	/* the peer's public key; NULL: take it
					 * from the peer's CERT payload */
	struct bytes certreq;		/* CERTREQ data an initiator sends
					 * (X509_SIG): SHA-1 hashes of its trust
					 * anchors' public keys; empty: none */
};
/* "ipv4:192.0.2.1", "fqdn:ref.iketest.example", "rfc822:a@b", "ipv6:..."
 * (the profile's psk-id-* / cert-id-* format). */
int ike_id_parse(const char *text, unsigned *type, struct bytes *data,
    struct err *e);
/* The first certificate of a PEM file as DER (for CERT payloads). */
int ike_pem_cert_der(const char *path, struct bytes *der, struct err *e);
/* Appends to out the SHA-1 hash of the public key (DER SubjectPublicKeyInfo)
 * of the CA certificate in the PEM file path: a Certification Authority
 * entry of CERTREQ with encoding X509_SIG (RFC 7296 3.7). */
int ike_ca_hash_add(const char *path, struct bytes *out, struct err *e);
/* Appends CERTREQ (X509_SIG, a->certreq as its CA list) to chain; nothing
 * when a has no CA hashes. */
int ike_certreq_add(struct codec_node *chain, const struct ike_auth_conf *a,
    struct err *e);
void ike_auth_conf_free(struct ike_auth_conf *a);

/* ------------------------------------------------------------------ */
/* Configuration of one side                                           */

struct ike_config {
	struct ike_policy ike;		/* IKE SA algorithms */
	/* CHILD SA algorithms. Its protocol (PROTO_ESP by default, or
	 * PROTO_AH) is what an initiator offers; a responder accepts it. */
	struct ike_policy esp;
	/* Responder: AH proposals accepted besides esp (RFC 7296 3.3.3);
	 * n == 0 (the default): none. ike_policy_from_profile(p, "ah"). */
	struct ike_policy ah;
	struct ike_auth_conf auth;	/* our identity and credentials */
	/* Initiator: what TSi/TSr propose. Responder: what TSi/TSr may hold
	 * (narrowed to these). ts_local is our side. */
	struct ike_ts_list ts_local, ts_peer;
	struct addr local, peer;	/* for NAT-D notifies */
	bool nat_detection;		/* send NAT-D in IKE_SA_INIT (default) */
	bool initial_contact;		/* N(INITIAL_CONTACT) in IKE_AUTH */
	/* RFC 6023: N(CHILDLESS_IKEV2_SUPPORTED) in IKE_SA_INIT, before an
	 * IKE_AUTH request without SA, TSi and TSr */
	bool childless;
	/* Transport mode (RFC 7296 1.3.1, N(USE_TRANSPORT_MODE)): the
	 * initiator asks for it with every CHILD SA; a responder grants it
	 * (echoes the notify) only with transport_ok, else the CHILD SA is a
	 * tunnel and the response carries no notify. */
	bool use_transport;
	bool transport_ok;
	bool send_idr;			/* IDr in the IKE_AUTH request */
	unsigned idr_type;		/* ... with this type and data */
	struct bytes idr;
	unsigned timeout_ms;		/* wait per try (establish), default 1000 */
	unsigned tries;			/* sends per request, default 3 */
	/* The retransmission schedule (RFC 7296 2.1, 2.4): the wait before
	 * each retransmission of a request, microseconds; after the last one
	 * the last wait again, then give up. nretx 0: tries - 1 waits of
	 * timeout_ms. Set from the profile's [timers] retransmit. */
	uint64_t retx_us[IKE_RETX_MAX];
	unsigned nretx;
};
void ike_config_init(struct ike_config *c);	/* defaults, empty lists */
void ike_config_free(struct ike_config *c);

/* ------------------------------------------------------------------ */
/* State                                                               */

/* One CHILD SA. "in" is what we receive on (our SPI), "out" the peer's. */
struct ike_child {
	unsigned protocol;		/* PROTO_ESP or PROTO_AH */
	uint8_t spi_in[IKE_CHILD_SPI_LEN], spi_out[IKE_CHILD_SPI_LEN];
	struct ike_proposal proposal;	/* chosen: ENCR, INTEG, DH, ESN */
	struct ike_ts_list tsi, tsr;	/* as agreed */
	bool initiator;			/* we initiated the exchange that made it:
					 * KEYMAT order (2.17) */
	bool pfs;			/* made with a KE exchange */
	/* Transport mode: the response carried N(USE_TRANSPORT_MODE)
	 * (initiator), or we granted the request (responder). */
	bool transport;
	/* KEYMAT: SK_ei | SK_ai | SK_er | SK_ar of this child (2.17). */
	struct bytes keymat;
	size_t encr_key_len, integ_key_len;
};

enum ike_state {
	IKE_S_NEW,		/* nothing sent or received */
	IKE_S_INIT_SENT,	/* initiator: IKE_SA_INIT request out */
	IKE_S_INIT_DONE,	/* keys derived, IKE_AUTH to come */
	IKE_S_AUTH_SENT,	/* initiator: IKE_AUTH request out */
	IKE_S_ESTABLISHED,
	IKE_S_DELETED,
};
const char *ike_state_name(enum ike_state s);

/* What the initiator is waiting for in a CREATE_CHILD_SA exchange. */
enum ike_ccsa_kind { IKE_CCSA_NEW_CHILD, IKE_CCSA_REKEY_CHILD,
	IKE_CCSA_REKEY_IKE };

struct ike_pending {
	bool active;
	unsigned exchange;		/* EXCH_* of the request */
	enum ike_ccsa_kind kind;
	struct ike_proposal offered[IKE_PROPOSAL_MAX];
	size_t noffered;
	struct ike_child child;		/* spi_in, tsi/tsr offered */
	uint8_t rekey_spi[IKE_CHILD_SPI_LEN];	/* child being rekeyed */
	uint8_t new_spi[IKE_SPI_LEN];	/* our SPI of the new IKE SA */
	struct crypto_dh *dh;
	struct bytes nonce;
	bool delete_ike;		/* INFORMATIONAL: we asked to delete it */
};

struct ike_sa {
	bool initiator;			/* we are the original initiator */
	enum ike_state state;
	uint8_t spi_i[IKE_SPI_LEN], spi_r[IKE_SPI_LEN];
	/* Message IDs (window size 1, RFC 7296 2.3). */
	uint32_t next_req_id;		/* of our next request */
	uint32_t next_peer_id;		/* expected of the peer's next request */
	/* IKE_SA_INIT */
	struct ike_proposal offered[IKE_PROPOSAL_MAX];	/* initiator */
	size_t noffered;
	unsigned dh_group;		/* group of our KE (0: first proposal's) */
	struct ike_proposal proposal;	/* chosen */
	struct crypto_ike_suite suite;
	struct crypto_dh *dh;		/* our private key */
	struct bytes peer_ke;		/* peer's public value */
	struct bytes ni, nr;
	struct bytes cookie;		/* to return in N(COOKIE), initiator */
	struct crypto_ike_keys keys;
	bool keys_ready;
	struct bytes init_req, init_resp;	/* for the AUTH octets */
	/* Retransmission and "same bytes" checks. */
	struct bytes last_req;		/* last request we sent */
	struct bytes last_resp_sent;	/* our last response ... */
	uint32_t last_resp_id;		/* ... and its message ID */
	bool have_resp_sent;
	struct bytes last_resp_recv;	/* last response we received */
	/* Peer identity as received. */
	unsigned peer_id_type;
	struct bytes peer_id;
	/* CHILD SAs */
	struct ike_child child[IKE_CHILD_MAX];
	size_t nchild;
	struct ike_pending pend;
	/* An IKE SA rekey hands the new SA here (caller takes it). */
	struct ike_sa *rekeyed;
	/* What a responder answered with, when it refused (N_* or 0). */
	unsigned refused;
};

/* A fresh SA: initiator with a random SPIi, or responder (SPIs set by
 * the first request). NULL on allocation failure. */
struct ike_sa *ike_sa_new(bool initiator, struct err *e);
void ike_sa_free(struct ike_sa *sa);
/* The child whose inbound or outbound SPI is spi, or NULL. */
struct ike_child *ike_sa_find_child(struct ike_sa *sa,
    const uint8_t spi[static IKE_CHILD_SPI_LEN], bool inbound);
/* Removes child i (wiping its keys). */
void ike_sa_remove_child(struct ike_sa *sa, size_t i);
/* The data-plane SAs of a child, both directions (esp.h, ah.h): ESP or
 * AH by its protocol, the other pair NULL. */
struct ike_child_sas {
	struct esp_sa *esp_in, *esp_out;
	struct ah_sa *ah_in, *ah_out;
};
/* Splits the child's KEYMAT into the SAs (RFC 7296 2.17: SK_ei | SK_ai |
 * SK_er | SK_ar, the first half for what the initiator of the exchange
 * that made it sends): 0, or -1 with e and nothing left allocated. */
int ike_child_sas_new(const struct ike_child *ch, struct ike_child_sas *out,
    struct err *e);
void ike_child_sas_free(struct ike_child_sas *s);

/* ------------------------------------------------------------------ */
/* Messages                                                            */

struct ike_msg {
	struct codec_node *hdr;		/* CODEC_S_MESSAGE */
	struct codec_node *inner;	/* CODEC_S_CHAIN inside SK; NULL: clear */
};
void ike_msg_free(struct ike_msg *m);

/* A message header for sa: SPIs, exchange, flags (I when we are the
 * original initiator, R for a response), message ID. With protect, an
 * empty SK payload is appended and m->inner is an empty chain. */
int ike_msg_new(const struct ike_sa *sa, unsigned exchange, bool response,
    uint32_t message_id, bool protect, struct ike_msg *m, struct err *e);
/* An SPI as the 64-bit number the header fields spi_i and spi_r hold. */
uint64_t ike_spi_u64(const uint8_t spi[static IKE_SPI_LEN]);

/* How ike_msg_encode protects SK (all zero: the careful sender). */
struct ike_sk_opts {
	const uint8_t *iv;		/* NULL: random */
	size_t iv_len;			/* must equal the cipher's */
	bool pad_given;			/* use pad[0..pad_len) as padding */
	const uint8_t *pad;
	size_t pad_len;
	bool corrupt_icv;		/* flip a bit of the ICV (the tag) */
	bool peer_keys;			/* encrypt with the peer's direction
					 * keys (a message "from the peer") */
};

/* Encodes a message. Clear: codec_encode of m->hdr. Protected: encodes
 * m->inner, sets SK's next payload to the chain's first type (unless a
 * script set it), writes the header and SK lengths as they will be, and
 * encrypts with our direction's keys (SK_ei/SK_ai if we are the original
 * initiator); SK's data in m->hdr is updated to IV | ciphertext | ICV.
 * SK must be the last payload of m->hdr. */
int ike_msg_encode(const struct ike_sa *sa, struct ike_msg *m,
    const struct ike_sk_opts *o, struct bytes *out, struct err *e);

/* A received message, decoded. */
struct ike_rx {
	struct codec_node *hdr;		/* the message, SK opaque */
	struct codec_problems pr;	/* of the outer decode */
	struct codec_node *inner;	/* decrypted chain, NULL if none */
	struct codec_problems inner_pr;	/* of the inner decode */
	bool has_sk;			/* an SK payload was there */
	bool sk_ok;			/* ... and decrypted (ICV good) */
	bool icv_mismatch;		/* ... the ICV did not verify */
	char sk_error[ERR_TEXT_MAX];	/* why it did not decrypt */
	/* Header values, for convenience. */
	uint8_t spi_i[IKE_SPI_LEN], spi_r[IKE_SPI_LEN];
	unsigned exchange, major;
	bool response, initiator;
	uint32_t message_id;
	struct bytes raw;		/* the bytes received */
};
/* Decodes p[0..n) and, when sa has keys and SK is present, decrypts it
 * with the peer's direction keys (or ours with own_keys, to read back
 * what we sent). Problems and decryption failures ("ICV mismatch") are
 * reported in *rx, not as failures: -1 only when memory runs out. */
int ike_rx_decode(const struct ike_sa *sa, const uint8_t *p, size_t n,
    bool own_keys, struct ike_rx *rx, struct err *e);
void ike_rx_free(struct ike_rx *rx);
/* An error response to rx: N(type, data) alone (protected or not); sets
 * sa->refused. */
int ike_refuse(struct ike_sa *sa, const struct ike_rx *rx, bool protect,
    unsigned type, const uint8_t *data, size_t len, struct ike_msg *m,
    struct err *e);
/* The nth (1-based) payload of type ptype: in the inner chain when
 * there is one, else in the clear part. */
struct codec_node *ike_rx_find(const struct ike_rx *rx, unsigned ptype,
    unsigned nth);
/* The first N payload of a notify type (inner first, then clear). */
struct codec_node *ike_rx_notify(const struct ike_rx *rx, unsigned type);
/* Notifies with type < 16384 (errors), the first one's type, or 0. */
unsigned ike_rx_error_notify(const struct ike_rx *rx);
/* "IKE_AUTH #1 response: IDr AUTH SA TSi TSr" (for logs; no secrets). */
void ike_rx_summary(const struct ike_rx *rx, char *out, size_t outlen);
/* Same for a message we built (before or after encoding). */
void ike_msg_summary(const struct ike_msg *m, char *out, size_t outlen);

/* Field helpers by name (codec_field_index), for builders and tests. */
int ike_set(struct codec_node *n, const char *field, uint64_t v);
uint64_t ike_get(const struct codec_node *n, const char *field);
int ike_set_data(struct codec_node *n, const char *field, const void *p,
    size_t len);
const struct bytes *ike_get_data(const struct codec_node *n,
    const char *field);
/* Appends N(type) with optional SPI and data to a message or chain. */
struct codec_node *ike_notify_add(struct codec_node *parent,
    unsigned protocol, const uint8_t *spi, size_t spi_len, unsigned type,
    const uint8_t *data, size_t data_len);

/* NAT_DETECTION_*_IP data: SHA-1(SPIi | SPIr | IP | port) (2.23). */
int ike_natd_hash(const uint8_t spi_i[static IKE_SPI_LEN],
    const uint8_t spi_r[static IKE_SPI_LEN], const struct addr *a,
    struct bytes *out, struct err *e);
/* What the NAT detection notifies of one received message say (2.23). */
struct ike_natd {
	size_t nsrc, ndst;	/* N(NAT_DETECTION_SOURCE_IP) / _DESTINATION_IP */
	size_t bad_len;		/* of them, data not a SHA-1 digest (20 bytes) */
	/* Some SOURCE_IP equals hash(src): no NAT between the sender and
	 * us. Its absence (with nsrc > 0) means the sender is behind a NAT,
	 * or hashed wrongly. */
	bool src_match;
	/* Some DESTINATION_IP equals hash(dst): the sender addressed what
	 * we received on, no NAT in front of us. */
	bool dst_match;
};
/* Checks the NAT detection notifies among the payloads of msg (a message,
 * an SK chain or a view: its direct children) against the packet's real
 * addresses: src is the source IP and UDP port of the packet as received,
 * dst its destination (our address and port). spi_i/spi_r are the SPIs
 * as in the message's header: SPIr is zero in an IKE_SA_INIT request.
 * With no NAT on the path (the lab), a sender that hashes right gives
 * src_match and dst_match: an IUT's response hashes its own address as
 * SOURCE_IP and the address the request came from as DESTINATION_IP,
 * whatever the request's own notifies claimed. Returns -1 only when
 * hashing fails. */
int ike_natd_check(const struct codec_node *msg,
    const uint8_t spi_i[static IKE_SPI_LEN],
    const uint8_t spi_r[static IKE_SPI_LEN], const struct addr *src,
    const struct addr *dst, struct ike_natd *out, struct err *e);

/* ------------------------------------------------------------------ */
/* Default messages (each a tree the caller may still edit)           */

/* IKE_SA_INIT request: [N(COOKIE)] SA KE Ni [N(NAT_D_SRC) N(NAT_D_DST)].
 * SA from cfg->ike (ike_policy_proposals), KE for sa->dh_group or the
 * first proposal's first group; generates Ni and the DH key, keeps them. */
int ike_build_init_request(struct ike_sa *sa, const struct ike_config *cfg,
    struct ike_msg *m, struct err *e);
/* IKE_SA_INIT response to a request processed by ike_resp_init:
 * SA(chosen) KE Nr [N(NAT_D_SRC) N(NAT_D_DST)]. */
int ike_build_init_response(struct ike_sa *sa, const struct ike_config *cfg,
    struct ike_msg *m, struct err *e);
/* IKE_AUTH request: IDi [CERT] [CERTREQ] [N(INITIAL_CONTACT)] [IDr] AUTH, and with
 * a child SA(ESP, new SPI) TSi TSr. */
int ike_build_auth_request(struct ike_sa *sa, const struct ike_config *cfg,
    bool with_child, struct ike_msg *m, struct err *e);
/* CREATE_CHILD_SA request (RFC 7296 1.3): a new child (rekey_spi NULL),
 * a child rekey (N(REKEY_SA) with the old child's SPI), with KE when pfs;
 * or an IKE rekey (SA with an 8-byte SPI, Ni, KE). */
int ike_build_create_child(struct ike_sa *sa, const struct ike_config *cfg,
    enum ike_ccsa_kind kind, const uint8_t *rekey_spi, bool pfs,
    struct ike_msg *m, struct err *e);
/* INFORMATIONAL requests: empty (liveness), Delete of CHILD SAs (our
 * inbound SPIs), Delete of the IKE SA, one notify. */
int ike_build_info_empty(struct ike_sa *sa, struct ike_msg *m,
    struct err *e);
int ike_build_info_delete_child(struct ike_sa *sa, const uint8_t *spis,
    size_t nspis, struct ike_msg *m, struct err *e);
int ike_build_info_delete_ike(struct ike_sa *sa, struct ike_msg *m,
    struct err *e);
int ike_build_info_notify(struct ike_sa *sa, unsigned type,
    const uint8_t *data, size_t len, struct ike_msg *m, struct err *e);

/* ------------------------------------------------------------------ */
/* Initiator side: processing responses                               */

/* Outcome of processing a response. */
enum ike_result {
	IKE_R_OK = 0,		/* state advanced */
	IKE_R_RETRY = 1,	/* IKE_SA_INIT: COOKIE or INVALID_KE_PAYLOAD
				 * taken into sa; build the request again */
	IKE_R_REFUSED = 2,	/* the peer answered with an error notify
				 * (sa->refused); text in *e */
	IKE_R_FAIL = -1,	/* malformed, unexpected, bad AUTH: text */
};
/* IKE_SA_INIT response: the chosen proposal was offered, KE group matches,
 * DH, SKEYSEED and the seven keys; or COOKIE / INVALID_KE_PAYLOAD (group
 * we offered) for a retry. */
enum ike_result ike_init_response(struct ike_sa *sa,
    const struct ike_config *cfg, const struct ike_rx *rx, struct err *e);
/* IKE_AUTH response: AUTH of the responder verified, the child (if any)
 * checked (offered proposal, selectors within ours) and keyed. A refused
 * child with the IKE SA up is IKE_R_OK with sa->refused set. */
enum ike_result ike_auth_response(struct ike_sa *sa,
    const struct ike_config *cfg, const struct ike_rx *rx, struct err *e);
/* CREATE_CHILD_SA response for sa->pend: a new or rekeyed child (the old
 * one stays until an INFORMATIONAL Delete removes it), or a new IKE SA in
 * sa->rekeyed (the children move to it). */
enum ike_result ike_create_child_response(struct ike_sa *sa,
    const struct ike_config *cfg, const struct ike_rx *rx, struct err *e);
/* INFORMATIONAL response: Delete payloads in it remove children; a
 * Delete of the IKE SA (or our own) marks it IKE_S_DELETED. */
enum ike_result ike_info_response(struct ike_sa *sa, const struct ike_rx *rx,
    struct err *e);

/* ------------------------------------------------------------------ */
/* Responder side: processing requests                                 */

/* IKE_SA_INIT request: selects a proposal from cfg->ike, checks KE (RFC
 * 6989 via crypto_dh_check_peer), derives keys, builds the response.
 * A refusal (NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD with the group wanted,
 * INVALID_SYNTAX) is a response too, with sa->refused set. Cookies are
 * the caller's (respond) business. */
int ike_resp_init(struct ike_sa *sa, const struct ike_config *cfg,
    const struct ike_rx *rx, struct ike_msg *out, struct err *e);
/* IKE_AUTH request: verifies the initiator's AUTH (PSK or signature),
 * answers with IDr AUTH and the child (narrowed selectors), or
 * AUTHENTICATION_FAILED (sa->refused), or the IKE SA with the child
 * refused by N(NO_PROPOSAL_CHOSEN) / N(TS_UNACCEPTABLE). */
int ike_resp_auth(struct ike_sa *sa, const struct ike_config *cfg,
    const struct ike_rx *rx, struct ike_msg *out, struct err *e);
/* CREATE_CHILD_SA request: new child, child rekey (the old child stays
 * until the initiator deletes it), IKE rekey (new SA in sa->rekeyed). */
int ike_resp_create_child(struct ike_sa *sa, const struct ike_config *cfg,
    const struct ike_rx *rx, struct ike_msg *out, struct err *e);
/* INFORMATIONAL request: Delete of children answered with our SPIs of
 * them, Delete of the IKE SA answered empty (state DELETED), anything
 * else answered empty. */
int ike_resp_informational(struct ike_sa *sa, const struct ike_config *cfg,
    const struct ike_rx *rx, struct ike_msg *out, struct err *e);

/* ------------------------------------------------------------------ */
/* Sending, waiting, establishing                                      */

/* How bytes travel: the net module (UDP sockets) and in-process tests
 * (memory) both provide one. */
struct ike_transport {
	void *ctx;
	/* Sends one datagram. */
	int (*send)(void *ctx, const uint8_t *p, size_t n, struct err *e);
	/* Waits at most timeout_us for one datagram: 1 got it (into out,
	 * replaced), 0 timed out, -1 error. */
	int (*recv)(void *ctx, struct bytes *out, uint64_t timeout_us,
	    struct err *e);
};

/* One request's place in its retransmission schedule (RFC 7296 2.1,
 * 2.4), the one mechanism of every request iketest sends: establish and
 * the other exchanges of the ike module (ike_await_response), and the
 * interpreter's `send' (run_transport.c). The caller owns the clock. */
struct ike_retx {
	uint64_t wait_us[IKE_RETX_MAX + 1];	/* after each copy sent */
	unsigned ncopies;		/* copies in all, the first included */
	unsigned sent;			/* copies sent so far */
	uint64_t due_us;		/* when the schedule acts next */
	bool armed;
};
enum ike_retx_step {
	IKE_RETX_WAIT,			/* nothing due yet: wait until due_us */
	IKE_RETX_SEND,			/* send the request again now */
	IKE_RETX_GIVE_UP,		/* the last wait is over: no answer */
};
/* Arms r for a request sent (its first copy) at now_us, on cfg's
 * schedule. */
void ike_retx_start(struct ike_retx *r, const struct ike_config *cfg,
    uint64_t now_us);
/* What is due at now_us; a SEND is counted as sent. A disarmed r
 * (answered) only waits. */
enum ike_retx_step ike_retx_step(struct ike_retx *r, uint64_t now_us);
/* The monotonic clock the ike module waits by, microseconds. */
uint64_t ike_now_us(void);

/* Encodes and sends a request, keeps its bytes in sa->last_req, and
 * advances sa->next_req_id. */
int ike_send_request(struct ike_sa *sa, struct ike_msg *m,
    const struct ike_sk_opts *o, const struct ike_transport *t,
    struct err *e);
/* Waits for the response to the last request (its message ID, R set,
 * our SPIs), retransmitting sa->last_req on cfg's schedule (struct
 * ike_retx); unrelated datagrams are skipped. Decoded into *rx (freed
 * first). */
int ike_await_response(struct ike_sa *sa, const struct ike_transport *t,
    const struct ike_config *cfg, struct ike_rx *rx, struct err *e);
/* Encodes a response to the peer request rx answers, and keeps its bytes
 * (sa->last_resp_sent, sa->last_resp_id; sa->init_resp for IKE_SA_INIT)
 * so that a retransmitted request gets the same bytes (RFC 7296 2.1). */
int ike_encode_response(struct ike_sa *sa, struct ike_msg *m,
    const struct ike_sk_opts *o, struct bytes *out, struct err *e);
/* Request/response in one call: ike_send_request + ike_await_response. */
int ike_exchange(struct ike_sa *sa, struct ike_msg *m,
    const struct ike_transport *t, const struct ike_config *cfg,
    struct ike_rx *rx, struct err *e);

/* A CREATE_CHILD_SA request built by hand that rekeys the IKE SA (its
 * SA payload sa_pl with IKE proposals and an 8-octet SPI, its Ni, a KE
 * made with sa->dh, which moves): kept as ike_build_create_child keeps
 * its own, so that ike_create_child_response makes sa->rekeyed. */
int ike_note_ike_rekey(struct ike_sa *sa, const struct codec_node *sa_pl,
    const struct bytes *nonce, struct err *e);

/* IKE_SA_INIT (following COOKIE and INVALID_KE_PAYLOAD once each) and
 * IKE_AUTH as initiator, with or without a CHILD SA. On success *out is
 * the established SA (caller frees). Errors are precise: "IKE_SA_INIT:
 * responder answered NO_PROPOSAL_CHOSEN", "IKE_AUTH: AUTH of the
 * responder does not verify", "IKE_SA_INIT: no response after 3 tries". */
int ike_establish(const struct ike_config *cfg, const struct ike_transport *t,
    bool with_child, struct ike_sa **out, struct err *e);

#endif
