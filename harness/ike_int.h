/* ike internals shared by ike*.c (not for other modules: use ike.h). */
#ifndef IKETEST_IKE_INT_H
#define IKETEST_IKE_INT_H

#include "ike.h"

void ike_pending_free(struct ike_pending *p);
void ike_child_free(struct ike_child *c);

/* Keys of one direction for SK: the initiator's when from_initiator. */
void ike_sk_keys(const struct ike_sa *sa, bool from_initiator,
    struct crypto_sk *sk);
/* SKEYSEED and the seven keys from sa's DH, nonces and SPIs. */
int ike_derive_keys(struct ike_sa *sa, struct err *e);
/* Keys a child from SK_d, the nonces (and g^ir with PFS). */
int ike_child_keys(const struct ike_sa *sa, struct ike_child *c,
    const uint8_t *g_ir, size_t g_ir_len, const struct bytes *ni,
    const struct bytes *nr, struct err *e);
/* Appends an ID payload (PL_IDi or PL_IDr). */
int ike_id_payload_add(struct codec_node *parent, unsigned ptype,
    unsigned id_type, const struct bytes *id, struct err *e);
/* Computes our AUTH data (method of cfg) for the IKE_AUTH message. */
int ike_auth_make(const struct ike_sa *sa, const struct ike_auth_conf *a,
    bool as_initiator, const struct codec_node *id_payload,
    struct bytes *auth, struct err *e);
/* Verifies the peer's AUTH payload of an IKE_AUTH message (rx). */
int ike_auth_check(struct ike_sa *sa, const struct ike_auth_conf *a,
    const struct ike_rx *rx, bool peer_is_initiator, struct err *e);
/* Random nonce of IKE_NONCE_LEN. */
int ike_nonce_new(struct bytes *n, struct err *e);
/* Appends a payload with one DATA field ("data") set. */
struct codec_node *ike_payload_data_add(struct codec_node *parent,
    unsigned ptype, const void *p, size_t len);
/* KE payload with group and our public value. */
int ike_ke_payload_add(struct codec_node *parent, const struct crypto_dh *dh,
    struct err *e);
/* The message ID of a response to a request with message_id. */
int ike_response_msg(struct ike_sa *sa, const struct ike_rx *rx,
    bool protect, struct ike_msg *m, struct err *e);

/* CHILD SA negotiation shared by IKE_AUTH and CREATE_CHILD_SA. */
/* Initiator: our CHILD SA proposals of cfg->esp, ESP or AH (new inbound
 * SPI; DH groups only with pfs, then with the group of our KE first) into
 * sa->pend, appended as SA, after N(USE_TRANSPORT_MODE) when
 * cfg->use_transport. */
int ike_child_offer_sa(struct ike_sa *sa, const struct ike_config *cfg,
    unsigned pfs_group, struct codec_node *chain, struct err *e);
/* Responder: selects from cfg->esp and cfg->ah, narrows TSi/TSr of rx
 * into c (proposal SPI = our new inbound SPI) and grants transport mode
 * when asked and cfg->transport_ok; *refuse = N_* when refused. */
int ike_child_select(struct ike_sa *sa, const struct ike_config *cfg,
    const struct ike_rx *rx, unsigned prefer_dh, struct ike_child *c,
    unsigned *refuse, struct err *e);
/* Initiator: checks the responder's SA/TSi/TSr against sa->pend and
 * fills sa->pend.child (spi_out, proposal, selectors, transport). */
int ike_child_check(struct ike_sa *sa, const struct ike_rx *rx,
    struct err *e);
/* Appends [N(USE_TRANSPORT_MODE) when c->transport] SA(c->proposal), or
 * TSi+TSr of c. */
int ike_child_sa_add(struct codec_node *chain, const struct ike_child *c,
    struct err *e);
int ike_child_ts_add(struct codec_node *chain, const struct ike_child *c,
    struct err *e);
/* Adds a keyed copy of c to sa. */
int ike_child_install(struct ike_sa *sa, struct ike_child *c, struct err *e);

#endif
