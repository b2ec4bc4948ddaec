/* ike_init: IKE_SA_INIT (RFC 7296 1.2, 2.6, 2.14, 2.23) on both sides,
 * and the key helpers the other exchanges share. */
#include <stdio.h>
#include <string.h>

#include "buffer.h"
#include "ike_int.h"
#include "names.h"

void ike_suite_of(const struct ike_proposal *p, struct crypto_ike_suite *s)
{
	s->encr = ike_proposal_get(p, TT_ENCR, 0);
	s->encr_key_bits = ike_proposal_key_bits(p);
	s->prf = ike_proposal_get(p, TT_PRF, 0);
	s->integ = ike_proposal_get(p, TT_INTEG, INTEG_NONE);
	s->dh = ike_proposal_get(p, TT_DH, DH_NONE);
}

int ike_nonce_new(struct bytes *n, struct err *e)
{
	if (bytes_resize(n, IKE_NONCE_LEN) < 0)
		return err_set(e, "%s: out of memory", __func__);
	return crypto_random(n->data, IKE_NONCE_LEN, e);
}

int ike_derive_keys(struct ike_sa *sa, struct err *e)
{
	struct bytes g = BYTES_EMPTY;
	int rc;

	if (crypto_dh_shared(sa->dh, sa->peer_ke.data, sa->peer_ke.len, &g,
	    e) < 0)
		return -1;
	crypto_ike_keys_free(&sa->keys);
	rc = crypto_ike_keys(&sa->suite, g.data, g.len, sa->ni.data,
	    sa->ni.len, sa->nr.data, sa->nr.len, sa->spi_i, sa->spi_r,
	    &sa->keys, e);
	bytes_free(&g);
	sa->keys_ready = rc == 0;
	return rc;
}

int ike_child_keys(const struct ike_sa *sa, struct ike_child *c,
    const uint8_t *g_ir, size_t g_ir_len, const struct bytes *ni,
    const struct bytes *nr, struct err *e)
{
	unsigned encr = ike_proposal_get(&c->proposal, TT_ENCR, 0);
	unsigned integ = ike_proposal_get(&c->proposal, TT_INTEG, INTEG_NONE);

	/* RFC 7296 2.17: AH takes integrity keys only, SK_ai | SK_ar. */
	c->encr_key_len = c->proposal.protocol == PROTO_AH ? 0 :
	    crypto_encr_key_len(encr, ike_proposal_key_bits(&c->proposal));
	c->integ_key_len = integ == INTEG_NONE ? 0 :
	    crypto_integ_key_len(integ);
	bytes_free(&c->keymat);
	return crypto_child_keymat(sa->suite.prf, sa->keys.sk_d.data,
	    sa->keys.sk_d.len, g_ir, g_ir_len, ni->data, ni->len, nr->data,
	    nr->len, 2 * (c->encr_key_len + c->integ_key_len), &c->keymat, e);
}

struct codec_node *ike_payload_data_add(struct codec_node *parent,
    unsigned ptype, const void *p, size_t len)
{
	struct codec_node *n = codec_payload_new(ptype);

	if (n == NULL || ike_set_data(n, "data", p, len) < 0 ||
	    codec_append(parent, n) < 0) {
		codec_node_free(n);
		return NULL;
	}
	return n;
}

int ike_ke_payload_add(struct codec_node *parent, const struct crypto_dh *dh,
    struct err *e)
{
	struct bytes pub = BYTES_EMPTY;
	struct codec_node *ke;

	if (crypto_dh_public(dh, &pub, e) < 0)
		return -1;
	ke = ike_payload_data_add(parent, PL_KE, pub.data, pub.len);
	bytes_free(&pub);
	if (ke == NULL || ike_set(ke, "group", crypto_dh_group(dh)) < 0)
		return err_set(e, "%s: out of memory", __func__);
	return 0;
}

static int natd_add(struct codec_node *msg, const struct ike_sa *sa,
    const struct ike_config *cfg, struct err *e)
{
	struct bytes h = BYTES_EMPTY;
	int rc = -1;

	if (!cfg->nat_detection || cfg->local.family == 0 ||
	    cfg->peer.family == 0)
		return 0;
	if (ike_natd_hash(sa->spi_i, sa->spi_r, &cfg->local, &h, e) < 0)
		goto out;
	if (ike_notify_add(msg, 0, NULL, 0, N_NAT_DETECTION_SOURCE_IP,
	    h.data, h.len) == NULL)
		goto oom;
	if (ike_natd_hash(sa->spi_i, sa->spi_r, &cfg->peer, &h, e) < 0)
		goto out;
	if (ike_notify_add(msg, 0, NULL, 0, N_NAT_DETECTION_DESTINATION_IP,
	    h.data, h.len) == NULL)
		goto oom;
	rc = 0;
	goto out;
oom:
	err_set(e, "%s: out of memory", __func__);
out:
	bytes_free(&h);
	return rc;
}

/* ---- initiator ----------------------------------------------------------- */

int ike_build_init_request(struct ike_sa *sa, const struct ike_config *cfg,
    struct ike_msg *m, struct err *e)
{
	unsigned group = sa->dh_group;

	if (sa->noffered == 0 && ike_policy_proposals(&cfg->ike, sa->offered,
	    IKE_PROPOSAL_MAX, &sa->noffered, e) < 0)
		return -1;
	if (group == 0)
		group = ike_proposal_get(&sa->offered[0], TT_DH, 0);
	if (group == 0)
		return err_set(e, "%s: the first proposal has no DH group",
		    __func__);
	if (sa->dh == NULL || crypto_dh_group(sa->dh) != group) {
		crypto_dh_free(sa->dh);
		if ((sa->dh = crypto_dh_new(group, e)) == NULL)
			return -1;
	}
	sa->dh_group = group;
	/* The same Ni on a retry: a cookie may be bound to it (2.6). */
	if (sa->ni.len == 0 && ike_nonce_new(&sa->ni, e) < 0)
		return -1;
	memset(sa->spi_r, 0, IKE_SPI_LEN);
	if (ike_msg_new(sa, EXCH_IKE_SA_INIT, false, 0, false, m, e) < 0)
		return -1;
	if ((sa->cookie.len && ike_notify_add(m->hdr, 0, NULL, 0, N_COOKIE,
	    sa->cookie.data, sa->cookie.len) == NULL) ||
	    ike_sa_payload_add(m->hdr, sa->offered, sa->noffered, e) < 0 ||
	    ike_ke_payload_add(m->hdr, sa->dh, e) < 0 ||
	    ike_payload_data_add(m->hdr, PL_NONCE, sa->ni.data,
	    sa->ni.len) == NULL || natd_add(m->hdr, sa, cfg, e) < 0 ||
	    (cfg->childless && ike_notify_add(m->hdr, 0, NULL, 0,
	    N_CHILDLESS_IKEV2_SUPPORTED, NULL, 0) == NULL)) {
		ike_msg_free(m);
		return err_prefix(e, "ike_build_init_request");
	}
	sa->next_req_id = 0;
	sa->state = IKE_S_INIT_SENT;
	return 0;
}

static bool offered_group(const struct ike_sa *sa, unsigned group)
{
	size_t i, j;

	for (i = 0; i < sa->noffered; i++)
		for (j = 0; j < sa->offered[i].n; j++)
			if (sa->offered[i].t[j].type == TT_DH &&
			    sa->offered[i].t[j].id == group)
				return true;
	return false;
}

static enum ike_result init_retry(struct ike_sa *sa, const struct ike_rx *rx,
    struct err *e)
{
	struct codec_node *n;
	const struct bytes *d;
	uint16_t group = 0;

	if ((n = ike_rx_notify(rx, N_COOKIE)) != NULL) {
		d = ike_get_data(n, "data");
		if (d->len < 1 || d->len > 64) {
			err_set(e, "IKE_SA_INIT: COOKIE of %zu bytes (1..64)",
			    d->len);
			return IKE_R_FAIL;
		}
		bytes_set(&sa->cookie, d->data, d->len);
		sa->next_req_id = 0;
		return IKE_R_RETRY;
	}
	n = ike_rx_notify(rx, N_INVALID_KE_PAYLOAD);
	d = ike_get_data(n, "data");
	if (d->len != 2) {
		err_set(e, "IKE_SA_INIT: INVALID_KE_PAYLOAD data of %zu bytes, not 2",
		    d->len);
		return IKE_R_FAIL;
	}
	buffer_read_n16(d->data, d->len, 0, &group);
	if (!offered_group(sa, group)) {
		err_set(e, "IKE_SA_INIT: INVALID_KE_PAYLOAD asks for %s, which we did not offer",
		    names_get(NAMES_T_DH, group));
		return IKE_R_FAIL;
	}
	if (group == sa->dh_group) {
		err_set(e, "IKE_SA_INIT: INVALID_KE_PAYLOAD asks for %s, the group of our KE",
		    names_get(NAMES_T_DH, group));
		return IKE_R_FAIL;
	}
	sa->dh_group = group;
	sa->next_req_id = 0;
	return IKE_R_RETRY;
}

static enum ike_result init_accept(struct ike_sa *sa, const struct ike_rx *rx,
    struct err *e)
{
	struct ike_proposal got[2];
	struct codec_node *ke, *nr;
	size_t n;
	unsigned group, chosen_dh;

	if (ike_proposals_read(ike_rx_find(rx, PL_SA, 1), got, 2, &n, e) < 0)
		return err_prefix(e, "IKE_SA_INIT response"), IKE_R_FAIL;
	if (n != 1 || got[0].n == 0 ||
	    !ike_proposal_was_offered(&got[0], sa->offered, sa->noffered)) {
		err_set(e, "IKE_SA_INIT response: the SA payload is not one proposal we offered");
		return IKE_R_FAIL;
	}
	ke = ike_rx_find(rx, PL_KE, 1);
	nr = ike_rx_find(rx, PL_NONCE, 1);
	if (ke == NULL || nr == NULL) {
		err_set(e, "IKE_SA_INIT response without %s", ke ? "Nr" : "KE");
		return IKE_R_FAIL;
	}
	group = (unsigned)ike_get(ke, "group");
	chosen_dh = ike_proposal_get(&got[0], TT_DH, DH_NONE);
	if (chosen_dh == DH_NONE) {
		err_set(e, "IKE_SA_INIT response: the accepted proposal has no D-H transform (RFC 7296 2.7: one transform of each type offered; its KE is of %s)",
		    names_get(NAMES_T_DH, group));
		return IKE_R_FAIL;
	}
	if (group != sa->dh_group) {
		err_set(e, "IKE_SA_INIT response: KE group %s, ours %s (RFC 7296 1.2)",
		    names_get(NAMES_T_DH, group),
		    names_get(NAMES_T_DH, sa->dh_group));
		return IKE_R_FAIL;
	}
	if (chosen_dh != group) {
		err_set(e, "IKE_SA_INIT response: KE group %s, but the accepted proposal's D-H transform is %s (RFC 7296 3.4)",
		    names_get(NAMES_T_DH, group), names_get(NAMES_T_DH, chosen_dh));
		return IKE_R_FAIL;
	}
	if (ike_get_data(nr, "data")->len < 16 ||
	    ike_get_data(nr, "data")->len > 256) {
		err_set(e, "IKE_SA_INIT response: Nr of %zu bytes (16..256)",
		    ike_get_data(nr, "data")->len);
		return IKE_R_FAIL;
	}
	sa->proposal = got[0];
	ike_suite_of(&got[0], &sa->suite);
	memcpy(sa->spi_r, rx->spi_r, IKE_SPI_LEN);
	if (bytes_copy(&sa->peer_ke, ike_get_data(ke, "data")) < 0 ||
	    bytes_copy(&sa->nr, ike_get_data(nr, "data")) < 0 ||
	    bytes_copy(&sa->init_resp, &rx->raw) < 0) {
		err_set(e, "%s: out of memory", __func__);
		return IKE_R_FAIL;
	}
	if (ike_derive_keys(sa, e) < 0)
		return err_prefix(e, "IKE_SA_INIT response"), IKE_R_FAIL;
	sa->state = IKE_S_INIT_DONE;
	return IKE_R_OK;
}

enum ike_result ike_init_response(struct ike_sa *sa,
    const struct ike_config *cfg, const struct ike_rx *rx, struct err *e)
{
	unsigned err;

	(void)cfg;
	if (rx->exchange != EXCH_IKE_SA_INIT || !rx->response) {
		err_set(e, "IKE_SA_INIT: got %s %s instead of the response",
		    names_get(NAMES_T_EXCHANGE, rx->exchange),
		    rx->response ? "response" : "request");
		return IKE_R_FAIL;
	}
	if (ike_rx_notify(rx, N_COOKIE) ||
	    ike_rx_notify(rx, N_INVALID_KE_PAYLOAD))
		return init_retry(sa, rx, e);
	if ((err = ike_rx_error_notify(rx)) != 0) {
		sa->refused = err;
		err_set(e, "IKE_SA_INIT: responder answered %s",
		    names_get(NAMES_T_NOTIFY, err));
		return IKE_R_REFUSED;
	}
	if (codec_problems_errors(&rx->pr) > 0) {
		char t[256];
		codec_problem_format(&rx->pr.list[0], t, sizeof(t));
		err_set(e, "IKE_SA_INIT response malformed: %s", t);
		return IKE_R_FAIL;
	}
	return init_accept(sa, rx, e);
}

/* ---- responder -------------------------------------------------------------- */

int ike_response_msg(struct ike_sa *sa, const struct ike_rx *rx,
    bool protect, struct ike_msg *m, struct err *e)
{
	return ike_msg_new(sa, rx->exchange, true, rx->message_id, protect, m,
	    e);
}

int ike_refuse(struct ike_sa *sa, const struct ike_rx *rx, bool protect,
    unsigned type, const uint8_t *data, size_t len, struct ike_msg *m,
    struct err *e)
{
	sa->refused = type;
	if (ike_response_msg(sa, rx, protect, m, e) < 0)
		return -1;
	if (ike_notify_add(protect ? m->inner : m->hdr, 0, NULL, 0, type, data,
	    len) == NULL) {
		ike_msg_free(m);
		return err_set(e, "%s: out of memory", __func__);
	}
	return 0;
}

int ike_build_init_response(struct ike_sa *sa, const struct ike_config *cfg,
    struct ike_msg *m, struct err *e)
{
	if (ike_msg_new(sa, EXCH_IKE_SA_INIT, true, 0, false, m, e) < 0)
		return -1;
	if (ike_sa_payload_add(m->hdr, &sa->proposal, 1, e) < 0 ||
	    ike_ke_payload_add(m->hdr, sa->dh, e) < 0 ||
	    ike_payload_data_add(m->hdr, PL_NONCE, sa->nr.data,
	    sa->nr.len) == NULL || natd_add(m->hdr, sa, cfg, e) < 0) {
		ike_msg_free(m);
		return err_prefix(e, "ike_build_init_response");
	}
	return 0;
}

/* SPIr zero in an IKE_SA_INIT refusal: no SA was made (2.6). */
static int init_refuse(struct ike_sa *sa, const struct ike_rx *rx,
    unsigned type, const uint8_t *data, size_t len, struct ike_msg *m,
    struct err *e)
{
	uint8_t keep[IKE_SPI_LEN];
	int rc;

	memcpy(keep, sa->spi_r, IKE_SPI_LEN);
	memset(sa->spi_r, 0, IKE_SPI_LEN);
	rc = ike_refuse(sa, rx, false, type, data, len, m, e);
	memcpy(sa->spi_r, keep, IKE_SPI_LEN);
	return rc;
}

int ike_resp_init(struct ike_sa *sa, const struct ike_config *cfg,
    const struct ike_rx *rx, struct ike_msg *out, struct err *e)
{
	struct codec_node *ke = ike_rx_find(rx, PL_KE, 1);
	struct codec_node *ni = ike_rx_find(rx, PL_NONCE, 1);
	struct ike_proposal chosen;
	const struct bytes *pub;
	unsigned group, want;
	uint8_t g[2];
	struct err pe;
	int r;

	sa->initiator = false;
	sa->refused = 0;
	memcpy(sa->spi_i, rx->spi_i, IKE_SPI_LEN);
	if (ke == NULL || ni == NULL || ike_get_data(ni, "data")->len < 16 ||
	    ike_get_data(ni, "data")->len > 256)
		return init_refuse(sa, rx, N_INVALID_SYNTAX, NULL, 0, out, e);
	group = (unsigned)ike_get(ke, "group");
	r = ike_proposal_select(ike_rx_find(rx, PL_SA, 1), &cfg->ike, group,
	    &chosen, &pe);
	if (r < 0)
		return init_refuse(sa, rx, N_INVALID_SYNTAX, NULL, 0, out, e);
	if (r > 0)
		return init_refuse(sa, rx, N_NO_PROPOSAL_CHOSEN, NULL, 0, out, e);
	want = ike_proposal_get(&chosen, TT_DH, 0);
	if (want != group) {
		g[0] = (uint8_t)(want >> 8);
		g[1] = (uint8_t)want;
		return init_refuse(sa, rx, N_INVALID_KE_PAYLOAD, g, 2, out, e);
	}
	pub = ike_get_data(ke, "data");
	if (crypto_dh_check_peer(group, pub->data, pub->len, &pe) < 0)
		return init_refuse(sa, rx, N_INVALID_SYNTAX, NULL, 0, out, e);
	if (crypto_random(sa->spi_r, IKE_SPI_LEN, e) < 0)
		return -1;
	sa->proposal = chosen;
	ike_suite_of(&chosen, &sa->suite);
	crypto_dh_free(sa->dh);
	if ((sa->dh = crypto_dh_new(group, e)) == NULL)
		return -1;
	sa->dh_group = group;
	if (bytes_copy(&sa->peer_ke, pub) < 0 ||
	    bytes_copy(&sa->ni, ike_get_data(ni, "data")) < 0 ||
	    bytes_copy(&sa->init_req, &rx->raw) < 0 ||
	    ike_nonce_new(&sa->nr, e) < 0)
		return err_set(e, "%s: out of memory", __func__);
	if (ike_derive_keys(sa, e) < 0) {
		/* A peer value the checks let through but DH refuses. */
		return init_refuse(sa, rx, N_INVALID_SYNTAX, NULL, 0, out, e);
	}
	sa->state = IKE_S_INIT_DONE;
	sa->next_peer_id = 1;
	return ike_build_init_response(sa, cfg, out, e);
}
