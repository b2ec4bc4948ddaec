/* ike_child: CHILD SA negotiation (RFC 7296 1.3, 2.9, 2.17, 2.18) and
 * INFORMATIONAL (1.4) on both sides. */
#include <stdio.h>
#include <string.h>

#include "ah.h"
#include "esp.h"
#include "ike_int.h"
#include "names.h"

int ike_child_install(struct ike_sa *sa, struct ike_child *c, struct err *e)
{
	if (sa->nchild == IKE_CHILD_MAX)
		return err_set(e, "%s: more than %d CHILD SAs", __func__,
		    IKE_CHILD_MAX);
	sa->child[sa->nchild++] = *c;	/* moves the keys */
	memset(c, 0, sizeof(*c));
	return 0;
}

int ike_child_sa_add(struct codec_node *chain, const struct ike_child *c,
    struct err *e)
{
	/* RFC 7296 1.3.1: a responder that accepts transport mode says so
	 * with the same notify in its response. */
	if (c->transport && ike_notify_add(chain, 0, NULL, 0,
	    N_USE_TRANSPORT_MODE, NULL, 0) == NULL)
		return err_set(e, "%s: out of memory", __func__);
	return ike_sa_payload_add(chain, &c->proposal, 1, e);
}

int ike_child_ts_add(struct codec_node *chain, const struct ike_child *c,
    struct err *e)
{
	if (ike_ts_payload_add(chain, PL_TSi, &c->tsi, e) < 0 ||
	    ike_ts_payload_add(chain, PL_TSr, &c->tsr, e) < 0)
		return -1;
	return 0;
}

/* Drops DH transforms (no PFS) or keeps the groups with `group` first. */
static void shape_dh(struct ike_proposal *p, unsigned group)
{
	struct ike_proposal q = *p;
	size_t i;

	p->n = 0;
	if (group) {
		for (i = 0; i < q.n; i++)
			if (q.t[i].type == TT_DH && q.t[i].id == group)
				p->t[p->n++] = q.t[i];
	}
	for (i = 0; i < q.n; i++) {
		if (q.t[i].type == TT_DH &&
		    (!group || q.t[i].id == group || q.t[i].id == DH_NONE))
			continue;
		p->t[p->n++] = q.t[i];
	}
}

int ike_child_offer_sa(struct ike_sa *sa, const struct ike_config *cfg,
    unsigned pfs_group, struct codec_node *chain, struct err *e)
{
	struct ike_pending *pd = &sa->pend;
	size_t i;

	if (ike_policy_proposals(&cfg->esp, pd->offered, IKE_PROPOSAL_MAX,
	    &pd->noffered, e) < 0)
		return -1;
	pd->child.protocol = cfg->esp.protocol;
	pd->child.initiator = true;
	pd->child.tsi = cfg->ts_local;
	pd->child.tsr = cfg->ts_peer;
	if (crypto_random(pd->child.spi_in, IKE_CHILD_SPI_LEN, e) < 0)
		return -1;
	for (i = 0; i < pd->noffered; i++) {
		shape_dh(&pd->offered[i], pfs_group);
		memcpy(pd->offered[i].spi, pd->child.spi_in, IKE_CHILD_SPI_LEN);
		pd->offered[i].spi_len = IKE_CHILD_SPI_LEN;
	}
	/* RFC 7296 1.3.1: transport mode is asked for with a notify in the
	 * request that creates the CHILD SA (here just before its SA). */
	if (cfg->use_transport && ike_notify_add(chain, 0, NULL, 0,
	    N_USE_TRANSPORT_MODE, NULL, 0) == NULL)
		return err_set(e, "%s: out of memory", __func__);
	return ike_sa_payload_add(chain, pd->offered, pd->noffered, e);
}

/* The policy a CHILD SA of IKE_AUTH is judged by (RFC 7296 1.2): that
 * exchange has no KE, so its SA payload "cannot contain" a DH group other
 * than NONE, and a policy that asks for PFS asks it of the rekeys only.
 * The groups are replaced by NONE: an offer without DH, or with NONE, is
 * acceptable; one with a real group is not. */
static void auth_policy(const struct ike_policy *in, struct ike_policy *out)
{
	size_t i;

	out->protocol = in->protocol;
	out->n = 0;
	if (in->n == 0)
		return;		/* empty: accepts nothing, stays so */
	for (i = 0; i < in->n; i++)
		if (in->t[i].type != TT_DH)
			out->t[out->n++] = in->t[i];
	if (out->n == IKE_TRANSFORM_MAX)
		return;		/* full: no DH type left, none offered fits */
	out->t[out->n].type = TT_DH;
	out->t[out->n].id = DH_NONE;
	out->t[out->n++].key_bits = 0;
}

int ike_child_select(struct ike_sa *sa, const struct ike_config *cfg,
    const struct ike_rx *rx, unsigned prefer_dh, struct ike_child *c,
    unsigned *refuse, struct err *e)
{
	struct ike_policy esp_auth, ah_auth;
	const struct ike_policy *pols[] = { &cfg->esp, &cfg->ah };
	struct ike_ts_list tsi, tsr;
	struct ike_ts_list peer_ok = cfg->ts_peer, local_ok = cfg->ts_local;
	bool transport = cfg->transport_ok &&
	    ike_rx_notify(rx, N_USE_TRANSPORT_MODE) != NULL;
	struct err se;
	int r;

	(void)sa;
	*refuse = 0;
	memset(c, 0, sizeof(*c));
	if (rx->exchange == EXCH_IKE_AUTH) {
		auth_policy(&cfg->esp, &esp_auth);
		auth_policy(&cfg->ah, &ah_auth);
		pols[0] = &esp_auth;
		pols[1] = &ah_auth;
	}
	/* ESP and, when configured, AH (RFC 7296 3.3.3), in the peer's order;
	 * both carry a 4-byte SPI (3.3.1). */
	r = ike_proposal_select_any(ike_rx_find(rx, PL_SA, 1), pols,
	    sizeof(pols) / sizeof(pols[0]), prefer_dh, &c->proposal, &se);
	if (r != 0 || c->proposal.spi_len != IKE_CHILD_SPI_LEN) {
		*refuse = N_NO_PROPOSAL_CHOSEN;
		return 0;
	}
	/* RFC 4301 4.1: a transport-mode SA carries the two hosts' own
	 * traffic: with transport mode asked for and allowed, the IKE
	 * endpoints' addresses are acceptable selectors too. */
	if (transport && cfg->peer.family != 0 && cfg->local.family != 0) {
		/* a full list keeps to the configured selectors */
		(void)ike_ts_add_host(&peer_ok, &cfg->peer, &se);
		(void)ike_ts_add_host(&local_ok, &cfg->local, &se);
	}
	if (ike_ts_read(ike_rx_find(rx, PL_TSi, 1), &tsi, &se) < 0 ||
	    ike_ts_read(ike_rx_find(rx, PL_TSr, 1), &tsr, &se) < 0 ||
	    ike_ts_narrow(&tsi, &peer_ok, &c->tsi) == 0 ||
	    ike_ts_narrow(&tsr, &local_ok, &c->tsr) == 0) {
		*refuse = N_TS_UNACCEPTABLE;
		return 0;
	}
	c->protocol = c->proposal.protocol;
	/* RFC 7296 1.3.1: transport mode when asked and allowed; otherwise
	 * tunnel, with no notify in the response. */
	c->transport = transport;
	memcpy(c->spi_out, c->proposal.spi, IKE_CHILD_SPI_LEN);
	if (crypto_random(c->spi_in, IKE_CHILD_SPI_LEN, e) < 0)
		return -1;
	memcpy(c->proposal.spi, c->spi_in, IKE_CHILD_SPI_LEN);
	return 0;
}

int ike_child_check(struct ike_sa *sa, const struct ike_rx *rx,
    struct err *e)
{
	struct ike_child *c = &sa->pend.child;
	struct ike_proposal got[2], want;
	struct ike_ts_list tsi, tsr;
	size_t n, i;

	if (ike_proposals_read(ike_rx_find(rx, PL_SA, 1), got, 2, &n, e) < 0)
		return -1;
	if (n != 1 || got[0].spi_len != IKE_CHILD_SPI_LEN)
		return err_set(e, "SA: %zu proposals, SPI of %zu bytes", n,
		    got[0].spi_len);
	/* Offered proposals carry our SPI; the answer carries the peer's. */
	want = got[0];
	memcpy(want.spi, c->spi_in, IKE_CHILD_SPI_LEN);
	for (i = 0; i < sa->pend.noffered; i++)
		if (sa->pend.offered[i].number == want.number)
			break;
	if (!ike_proposal_was_offered(&want, sa->pend.offered,
	    sa->pend.noffered))
		return err_set(e, "SA: the chosen proposal was not offered");
	if (ike_ts_read(ike_rx_find(rx, PL_TSi, 1), &tsi, e) < 0 ||
	    ike_ts_read(ike_rx_find(rx, PL_TSr, 1), &tsr, e) < 0)
		return -1;
	if (tsi.n == 0 || tsr.n == 0 || !ike_ts_within(&tsi, &c->tsi) ||
	    !ike_ts_within(&tsr, &c->tsr))
		return err_set(e, "TSi/TSr not a narrowing of what we proposed");
	c->proposal = got[0];
	c->protocol = got[0].protocol;
	memcpy(c->spi_out, got[0].spi, IKE_CHILD_SPI_LEN);
	c->tsi = tsi;
	c->tsr = tsr;
	/* RFC 7296 1.3.1: transport mode only when the response says so
	 * (recorded as received, asked for or not). */
	c->transport = ike_rx_notify(rx, N_USE_TRANSPORT_MODE) != NULL;
	return 0;
}

/* ---- CREATE_CHILD_SA, initiator ------------------------------------------ */

static unsigned first_group(const struct ike_policy *pol)
{
	size_t i;

	for (i = 0; i < pol->n; i++)
		if (pol->t[i].type == TT_DH && pol->t[i].id != DH_NONE)
			return pol->t[i].id;
	return 0;
}

static int ccsa_ike(struct ike_sa *sa, const struct ike_config *cfg,
    struct ike_msg *m, struct err *e)
{
	struct ike_pending *pd = &sa->pend;
	unsigned group;
	size_t i;

	if (ike_policy_proposals(&cfg->ike, pd->offered, IKE_PROPOSAL_MAX,
	    &pd->noffered, e) < 0 ||
	    crypto_random(pd->new_spi, IKE_SPI_LEN, e) < 0)
		return -1;
	for (i = 0; i < pd->noffered; i++) {
		memcpy(pd->offered[i].spi, pd->new_spi, IKE_SPI_LEN);
		pd->offered[i].spi_len = IKE_SPI_LEN;
	}
	group = ike_proposal_get(&pd->offered[0], TT_DH, 0);
	if (group == 0 || (pd->dh = crypto_dh_new(group, e)) == NULL)
		return err_set(e, "%s: no DH group for the new IKE SA", __func__);
	if (ike_sa_payload_add(m->inner, pd->offered, pd->noffered, e) < 0 ||
	    ike_payload_data_add(m->inner, PL_NONCE, pd->nonce.data,
	    pd->nonce.len) == NULL ||
	    ike_ke_payload_add(m->inner, pd->dh, e) < 0)
		return -1;
	return 0;
}

static int ccsa_child(struct ike_sa *sa, const struct ike_config *cfg,
    const uint8_t *rekey_spi, bool pfs, struct ike_msg *m, struct err *e)
{
	struct ike_pending *pd = &sa->pend;
	const struct ike_child *old;
	unsigned group = 0;

	if (rekey_spi) {
		/* RFC 7296 1.3.3: REKEY_SA's protocol is the old SA's. */
		old = ike_sa_find_child(sa, rekey_spi, true);
		memcpy(pd->rekey_spi, rekey_spi, IKE_CHILD_SPI_LEN);
		if (ike_notify_add(m->inner, old ? old->protocol :
		    cfg->esp.protocol, rekey_spi, IKE_CHILD_SPI_LEN, N_REKEY_SA,
		    NULL, 0) == NULL)
			return err_set(e, "%s: out of memory", __func__);
	}
	if (pfs && (group = first_group(&cfg->esp)) == 0)
		return err_set(e, "%s: PFS asked, but [esp] dh has no group",
		    __func__);
	if (group && (pd->dh = crypto_dh_new(group, e)) == NULL)
		return -1;
	if (ike_child_offer_sa(sa, cfg, group, m->inner, e) < 0 ||
	    ike_payload_data_add(m->inner, PL_NONCE, pd->nonce.data,
	    pd->nonce.len) == NULL ||
	    (group && ike_ke_payload_add(m->inner, pd->dh, e) < 0) ||
	    ike_child_ts_add(m->inner, &pd->child, e) < 0)
		return -1;
	pd->child.pfs = group != 0;
	return 0;
}

int ike_build_create_child(struct ike_sa *sa, const struct ike_config *cfg,
    enum ike_ccsa_kind kind, const uint8_t *rekey_spi, bool pfs,
    struct ike_msg *m, struct err *e)
{
	int rc;

	if (sa->state != IKE_S_ESTABLISHED)
		return err_set(e, "%s: IKE SA not established", __func__);
	if (ike_msg_new(sa, EXCH_CREATE_CHILD_SA, false, sa->next_req_id,
	    true, m, e) < 0)
		return -1;
	ike_pending_free(&sa->pend);
	sa->pend.exchange = EXCH_CREATE_CHILD_SA;
	sa->pend.kind = kind;
	if (ike_nonce_new(&sa->pend.nonce, e) < 0)
		rc = -1;
	else if (kind == IKE_CCSA_REKEY_IKE)
		rc = ccsa_ike(sa, cfg, m, e);
	else
		rc = ccsa_child(sa, cfg, kind == IKE_CCSA_REKEY_CHILD ?
		    rekey_spi : NULL, pfs, m, e);
	if (rc < 0) {
		ike_msg_free(m);
		ike_pending_free(&sa->pend);
		return -1;
	}
	sa->pend.active = true;
	return 0;
}

/* The shared secret of a CREATE_CHILD_SA KE exchange. */
static int ccsa_shared(struct crypto_dh *dh, const struct ike_rx *rx,
    struct bytes *g, struct err *e)
{
	struct codec_node *ke = ike_rx_find(rx, PL_KE, 1);
	const struct bytes *pub;

	if (ke == NULL)
		return err_set(e, "no KE payload");
	if (ike_get(ke, "group") != crypto_dh_group(dh))
		return err_set(e, "KE group %s, expected %s",
		    names_get(NAMES_T_DH, (unsigned)ike_get(ke, "group")),
		    names_get(NAMES_T_DH, crypto_dh_group(dh)));
	pub = ike_get_data(ke, "data");
	return crypto_dh_shared(dh, pub->data, pub->len, g, e);
}

/* Moves the children of old to the new SA (2.18). */
static void move_children(struct ike_sa *old, struct ike_sa *sa)
{
	memcpy(sa->child, old->child, sizeof(old->child));
	sa->nchild = old->nchild;
	memset(old->child, 0, sizeof(old->child));
	old->nchild = 0;
}

static struct ike_sa *new_ike_sa(struct ike_sa *old, bool initiator,
    const struct ike_proposal *chosen, const uint8_t *spi_i,
    const uint8_t *spi_r, struct crypto_dh *dh, const struct bytes *peer_pub,
    const struct bytes *ni, const struct bytes *nr, struct err *e)
{
	struct ike_sa *sa = ike_sa_new(initiator, e);
	struct bytes g = BYTES_EMPTY;

	if (sa == NULL)
		return NULL;
	memcpy(sa->spi_i, spi_i, IKE_SPI_LEN);
	memcpy(sa->spi_r, spi_r, IKE_SPI_LEN);
	sa->proposal = *chosen;
	ike_suite_of(chosen, &sa->suite);
	if (bytes_copy(&sa->ni, ni) < 0 || bytes_copy(&sa->nr, nr) < 0 ||
	    bytes_copy(&sa->peer_ke, peer_pub) < 0 ||
	    crypto_dh_shared(dh, peer_pub->data, peer_pub->len, &g, e) < 0 ||
	    crypto_ike_rekey_keys(old->suite.prf, old->keys.sk_d.data,
	    old->keys.sk_d.len, &sa->suite, g.data, g.len, ni->data, ni->len,
	    nr->data, nr->len, spi_i, spi_r, &sa->keys, e) < 0) {
		bytes_free(&g);
		ike_sa_free(sa);
		return NULL;
	}
	bytes_free(&g);
	sa->keys_ready = true;
	sa->state = IKE_S_ESTABLISHED;
	move_children(old, sa);
	return sa;
}

static enum ike_result ccsa_ike_done(struct ike_sa *sa,
    const struct ike_rx *rx, const struct bytes *nr, struct err *e)
{
	struct ike_pending *pd = &sa->pend;
	struct ike_proposal got[2], want;
	struct codec_node *ke = ike_rx_find(rx, PL_KE, 1);
	size_t n;

	if (ike_proposals_read(ike_rx_find(rx, PL_SA, 1), got, 2, &n, e) < 0)
		return IKE_R_FAIL;
	want = got[0];
	memcpy(want.spi, pd->new_spi, IKE_SPI_LEN);
	if (n != 1 || got[0].spi_len != IKE_SPI_LEN || ke == NULL ||
	    !ike_proposal_was_offered(&want, pd->offered, pd->noffered) ||
	    ike_get(ke, "group") != crypto_dh_group(pd->dh)) {
		err_set(e, "CREATE_CHILD_SA (IKE rekey): response SA/KE does not match the offer");
		return IKE_R_FAIL;
	}
	ike_sa_free(sa->rekeyed);
	sa->rekeyed = new_ike_sa(sa, true, &got[0], pd->new_spi, got[0].spi,
	    pd->dh, ike_get_data(ke, "data"), &pd->nonce, nr, e);
	return sa->rekeyed ? IKE_R_OK : IKE_R_FAIL;
}

enum ike_result ike_create_child_response(struct ike_sa *sa,
    const struct ike_config *cfg, const struct ike_rx *rx, struct err *e)
{
	struct ike_pending *pd = &sa->pend;
	struct codec_node *nn = ike_rx_find(rx, PL_NONCE, 1);
	struct bytes g = BYTES_EMPTY, nr = BYTES_EMPTY;
	enum ike_result r = IKE_R_FAIL;
	unsigned err;

	(void)cfg;
	if (!rx->sk_ok || rx->exchange != EXCH_CREATE_CHILD_SA ||
	    !pd->active) {
		err_set(e, "CREATE_CHILD_SA: no valid response (%s)",
		    rx->sk_ok ? "unexpected" : rx->sk_error);
		return IKE_R_FAIL;
	}
	if ((err = ike_rx_error_notify(rx)) != 0) {
		sa->refused = err;
		err_set(e, "CREATE_CHILD_SA: responder answered %s",
		    names_get(NAMES_T_NOTIFY, err));
		r = IKE_R_REFUSED;
		goto out;
	}
	if (nn == NULL || bytes_copy(&nr, ike_get_data(nn, "data")) < 0) {
		err_set(e, "CREATE_CHILD_SA: response without Nr");
		goto out;
	}
	if (pd->kind == IKE_CCSA_REKEY_IKE) {
		r = ccsa_ike_done(sa, rx, &nr, e);
		goto out;
	}
	if (ike_child_check(sa, rx, e) < 0 ||
	    (pd->dh && ccsa_shared(pd->dh, rx, &g, e) < 0) ||
	    ike_child_keys(sa, &pd->child, g.data, g.len, &pd->nonce, &nr,
	    e) < 0 || ike_child_install(sa, &pd->child, e) < 0) {
		err_prefix(e, "CREATE_CHILD_SA");
		goto out;
	}
	r = IKE_R_OK;
out:
	bytes_free(&g);
	bytes_free(&nr);
	ike_pending_free(pd);
	return r;
}

/* ---- CREATE_CHILD_SA, responder --------------------------------------------- */

static int resp_ike_rekey(struct ike_sa *sa, const struct ike_config *cfg,
    const struct ike_rx *rx, struct ike_msg *out, struct err *e)
{
	struct codec_node *ke = ike_rx_find(rx, PL_KE, 1);
	struct codec_node *ni = ike_rx_find(rx, PL_NONCE, 1);
	struct ike_proposal chosen;
	struct crypto_dh *dh = NULL;
	struct bytes nr = BYTES_EMPTY;
	uint8_t spi_r[IKE_SPI_LEN], g[2];
	unsigned group, want;
	struct err se;
	int rc = -1;

	if (ke == NULL || ni == NULL)
		return ike_refuse(sa, rx, true, N_INVALID_SYNTAX, NULL, 0, out, e);
	group = (unsigned)ike_get(ke, "group");
	if (ike_proposal_select(ike_rx_find(rx, PL_SA, 1), &cfg->ike, group,
	    &chosen, &se) != 0 || chosen.spi_len != IKE_SPI_LEN)
		return ike_refuse(sa, rx, true, N_NO_PROPOSAL_CHOSEN, NULL, 0,
		    out, e);
	if ((want = ike_proposal_get(&chosen, TT_DH, 0)) != group) {
		g[0] = (uint8_t)(want >> 8);
		g[1] = (uint8_t)want;
		return ike_refuse(sa, rx, true, N_INVALID_KE_PAYLOAD, g, 2, out,
		    e);
	}
	if ((dh = crypto_dh_new(group, e)) == NULL ||
	    crypto_random(spi_r, IKE_SPI_LEN, e) < 0 ||
	    ike_nonce_new(&nr, e) < 0)
		goto out;
	ike_sa_free(sa->rekeyed);
	sa->rekeyed = new_ike_sa(sa, false, &chosen, chosen.spi, spi_r, dh,
	    ike_get_data(ke, "data"), ike_get_data(ni, "data"), &nr, e);
	if (sa->rekeyed == NULL) {
		rc = ike_refuse(sa, rx, true, N_INVALID_SYNTAX, NULL, 0, out, e);
		goto out;
	}
	memcpy(chosen.spi, spi_r, IKE_SPI_LEN);
	if (ike_response_msg(sa, rx, true, out, e) < 0)
		goto out;
	if (ike_sa_payload_add(out->inner, &chosen, 1, e) < 0 ||
	    ike_payload_data_add(out->inner, PL_NONCE, nr.data, nr.len) == NULL ||
	    ike_ke_payload_add(out->inner, dh, e) < 0) {
		ike_msg_free(out);
		goto out;
	}
	rc = 0;
out:
	crypto_dh_free(dh);
	bytes_free(&nr);
	return rc;
}

static int resp_child(struct ike_sa *sa, const struct ike_config *cfg,
    const struct ike_rx *rx, struct ike_msg *out, struct err *e)
{
	struct codec_node *ke = ike_rx_find(rx, PL_KE, 1);
	struct codec_node *ni = ike_rx_find(rx, PL_NONCE, 1);
	struct codec_node *rk = ike_rx_notify(rx, N_REKEY_SA);
	const struct ike_child *old;
	struct crypto_dh *dh = NULL;
	struct bytes nr = BYTES_EMPTY, g = BYTES_EMPTY;
	const struct bytes *pub;
	struct ike_child c;
	unsigned refuse, group = ke ? (unsigned)ike_get(ke, "group") : 0, want;
	uint8_t gw[2];
	int rc = -1;

	memset(&c, 0, sizeof(c));
	if (ni == NULL)
		return ike_refuse(sa, rx, true, N_INVALID_SYNTAX, NULL, 0, out, e);
	/* RFC 7296 3.10.1: a rekey of a CHILD SA we do not have is answered
	 * CHILD_SA_NOT_FOUND, and nothing is created (2.25); 1.3.3: the
	 * notify's protocol is the old SA's (an ESP SPI is no AH SA). */
	if (rk && (ike_get_data(rk, "spi")->len != IKE_CHILD_SPI_LEN ||
	    (old = ike_sa_find_child(sa, ike_get_data(rk, "spi")->data,
	    false)) == NULL || old->protocol != ike_get(rk, "protocol")))
		return ike_refuse(sa, rx, true, N_CHILD_SA_NOT_FOUND, NULL, 0,
		    out, e);
	if (ike_child_select(sa, cfg, rx, group, &c, &refuse, e) < 0)
		return -1;
	if (refuse)
		return ike_refuse(sa, rx, true, refuse, NULL, 0, out, e);
	want = ike_proposal_get(&c.proposal, TT_DH, 0);
	if (want && want != group) {
		gw[0] = (uint8_t)(want >> 8);
		gw[1] = (uint8_t)want;
		return ike_refuse(sa, rx, true, N_INVALID_KE_PAYLOAD, gw, 2, out,
		    e);
	}
	if (ike_nonce_new(&nr, e) < 0)
		goto out;
	if (want) {
		pub = ike_get_data(ke, "data");
		if ((dh = crypto_dh_new(want, e)) == NULL)
			goto out;
		if (crypto_dh_shared(dh, pub->data, pub->len, &g, e) < 0) {
			rc = ike_refuse(sa, rx, true, N_INVALID_SYNTAX, NULL, 0,
			    out, e);
			goto out;
		}
		c.pfs = true;
	}
	if (ike_child_keys(sa, &c, g.data, g.len, ike_get_data(ni, "data"),
	    &nr, e) < 0 || ike_response_msg(sa, rx, true, out, e) < 0)
		goto out;
	if (ike_child_sa_add(out->inner, &c, e) < 0 ||
	    ike_payload_data_add(out->inner, PL_NONCE, nr.data, nr.len) == NULL ||
	    (dh && ike_ke_payload_add(out->inner, dh, e) < 0) ||
	    ike_child_ts_add(out->inner, &c, e) < 0 ||
	    ike_child_install(sa, &c, e) < 0) {
		ike_msg_free(out);
		goto out;
	}
	rc = 0;
out:
	ike_child_free(&c);
	crypto_dh_free(dh);
	bytes_free(&nr);
	bytes_free(&g);
	return rc;
}

int ike_resp_create_child(struct ike_sa *sa, const struct ike_config *cfg,
    const struct ike_rx *rx, struct ike_msg *out, struct err *e)
{
	struct codec_node *sap = ike_rx_find(rx, PL_SA, 1);

	sa->refused = 0;
	if (sap == NULL || sap->nkids == 0)
		return ike_refuse(sa, rx, true, N_INVALID_SYNTAX, NULL, 0, out, e);
	if (ike_get(sap->kids[0], "protocol") == PROTO_IKE)
		return resp_ike_rekey(sa, cfg, rx, out, e);
	return resp_child(sa, cfg, rx, out, e);
}

/* ---- INFORMATIONAL ---------------------------------------------------------- */

static int info_new(struct ike_sa *sa, struct ike_msg *m, struct err *e)
{
	if (!sa->keys_ready)
		return err_set(e, "INFORMATIONAL: no keys yet");
	ike_pending_free(&sa->pend);
	sa->pend.active = true;
	sa->pend.exchange = EXCH_INFORMATIONAL;
	return ike_msg_new(sa, EXCH_INFORMATIONAL, false, sa->next_req_id,
	    true, m, e);
}

int ike_build_info_empty(struct ike_sa *sa, struct ike_msg *m, struct err *e)
{
	return info_new(sa, m, e);
}

static int delete_add(struct codec_node *chain, unsigned protocol,
    const uint8_t *spis, size_t n, struct err *e)
{
	struct codec_node *d = codec_payload_new(PL_D), *s;
	size_t i;

	if (d == NULL || codec_append(chain, d) < 0) {
		codec_node_free(d);
		return err_set(e, "%s: out of memory", __func__);
	}
	if (ike_set(d, "protocol", protocol) < 0 ||
	    ike_set(d, "spi_size", protocol == PROTO_IKE ? 0 :
	    IKE_CHILD_SPI_LEN) < 0)
		return err_set(e, "%s: bad Delete", __func__);
	for (i = 0; i < n; i++) {
		if ((s = codec_child_new(d)) == NULL || codec_append(d, s) < 0) {
			codec_node_free(s);
			return err_set(e, "%s: out of memory", __func__);
		}
		if (ike_set_data(s, "value", spis + i * IKE_CHILD_SPI_LEN,
		    IKE_CHILD_SPI_LEN) < 0)
			return err_set(e, "%s: out of memory", __func__);
	}
	return 0;
}

/* RFC 7296 3.11: one Delete names SAs of one protocol, so our AH
 * children go in a Delete of their own; SPIs of no child of ours go with
 * ESP (a script may name any). */
int ike_build_info_delete_child(struct ike_sa *sa, const uint8_t *spis,
    size_t nspis, struct ike_msg *m, struct err *e)
{
	struct bytes esp = BYTES_EMPTY, ah = BYTES_EMPTY;
	const struct ike_child *c;
	size_t i;
	int rc = -1;

	if (info_new(sa, m, e) < 0)
		return -1;
	for (i = 0; i < nspis; i++) {
		c = ike_sa_find_child(sa, spis + i * IKE_CHILD_SPI_LEN, true);
		if (bytes_append(c && c->protocol == PROTO_AH ? &ah : &esp,
		    spis + i * IKE_CHILD_SPI_LEN, IKE_CHILD_SPI_LEN) < 0) {
			err_set(e, "%s: out of memory", __func__);
			goto out;
		}
	}
	if ((esp.len > 0 || ah.len == 0) && delete_add(m->inner, PROTO_ESP,
	    esp.data, esp.len / IKE_CHILD_SPI_LEN, e) < 0)
		goto out;
	if (ah.len > 0 && delete_add(m->inner, PROTO_AH, ah.data,
	    ah.len / IKE_CHILD_SPI_LEN, e) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		ike_msg_free(m);
	bytes_free(&esp);
	bytes_free(&ah);
	return rc;
}

int ike_build_info_delete_ike(struct ike_sa *sa, struct ike_msg *m,
    struct err *e)
{
	if (info_new(sa, m, e) < 0)
		return -1;
	sa->pend.delete_ike = true;
	if (delete_add(m->inner, PROTO_IKE, NULL, 0, e) < 0) {
		ike_msg_free(m);
		return -1;
	}
	return 0;
}

int ike_build_info_notify(struct ike_sa *sa, unsigned type,
    const uint8_t *data, size_t len, struct ike_msg *m, struct err *e)
{
	if (info_new(sa, m, e) < 0)
		return -1;
	if (ike_notify_add(m->inner, 0, NULL, 0, type, data, len) == NULL) {
		ike_msg_free(m);
		return err_set(e, "%s: out of memory", __func__);
	}
	return 0;
}

/* Removes the children of the Delete's protocol whose SPI (ours when
 * inbound) it names; their other SPIs are appended to gone. */
static void delete_children(struct ike_sa *sa, const struct codec_node *d,
    bool inbound, struct bytes *gone)
{
	unsigned proto = (unsigned)ike_get(d, "protocol");
	size_t i, k;

	for (i = 0; i < d->nkids; i++) {
		const struct bytes *v = ike_get_data(d->kids[i], "value");
		if (v->len != IKE_CHILD_SPI_LEN)
			continue;
		for (k = 0; k < sa->nchild; k++) {
			struct ike_child *c = &sa->child[k];
			/* RFC 7296 3.11: the SPI is one of this protocol. */
			if (c->protocol != proto)
				continue;
			if (memcmp(inbound ? c->spi_in : c->spi_out, v->data,
			    IKE_CHILD_SPI_LEN) != 0)
				continue;
			if (gone)
				bytes_append(gone, inbound ? c->spi_out :
				    c->spi_in, IKE_CHILD_SPI_LEN);
			ike_sa_remove_child(sa, k);
			break;
		}
	}
}

enum ike_result ike_info_response(struct ike_sa *sa, const struct ike_rx *rx,
    struct err *e)
{
	struct codec_node *d;
	unsigned i;

	if (!rx->sk_ok || rx->exchange != EXCH_INFORMATIONAL) {
		err_set(e, "INFORMATIONAL: no valid response (%s)",
		    rx->sk_ok ? "unexpected" : rx->sk_error);
		return IKE_R_FAIL;
	}
	for (i = 1; (d = ike_rx_find(rx, PL_D, i)) != NULL; i++)
		if (ike_get(d, "protocol") != PROTO_IKE)
			delete_children(sa, d, false, NULL);
	if (sa->pend.delete_ike)
		sa->state = IKE_S_DELETED;
	ike_pending_free(&sa->pend);
	return IKE_R_OK;
}

int ike_resp_informational(struct ike_sa *sa, const struct ike_config *cfg,
    const struct ike_rx *rx, struct ike_msg *out, struct err *e)
{
	struct bytes gone = BYTES_EMPTY, gone_ah = BYTES_EMPTY;
	struct codec_node *d;
	bool del_ike = false;
	unsigned i, proto;
	int rc = -1;

	(void)cfg;
	/* RFC 7296 1.4.1: SPIs we do not know are ignored; with none left the
	 * response is an empty INFORMATIONAL. The answer pairs each deleted
	 * SA with a Delete of the same protocol. */
	for (i = 1; (d = ike_rx_find(rx, PL_D, i)) != NULL; i++) {
		proto = (unsigned)ike_get(d, "protocol");
		if (proto == PROTO_IKE)
			del_ike = true;
		else
			delete_children(sa, d, false, proto == PROTO_AH ?
			    &gone_ah : &gone);
	}
	if (ike_response_msg(sa, rx, true, out, e) < 0)
		goto out;
	if (del_ike) {
		sa->state = IKE_S_DELETED;
	} else if ((gone.len && delete_add(out->inner, PROTO_ESP, gone.data,
	    gone.len / IKE_CHILD_SPI_LEN, e) < 0) ||
	    (gone_ah.len && delete_add(out->inner, PROTO_AH, gone_ah.data,
	    gone_ah.len / IKE_CHILD_SPI_LEN, e) < 0)) {
		ike_msg_free(out);
		goto out;
	}
	rc = 0;
out:
	bytes_free(&gone);
	bytes_free(&gone_ah);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Data-plane SAs from a child's KEYMAT (RFC 7296 2.17)                */

static uint32_t ike_child_spi32(const uint8_t spi[static IKE_CHILD_SPI_LEN])
{
	return (uint32_t)spi[0] << 24 | (uint32_t)spi[1] << 16 |
	    (uint32_t)spi[2] << 8 | spi[3];
}

static int ike_child_ah_sas(const struct ike_child *ch, const uint8_t *in,
    const uint8_t *out, struct ike_child_sas *s, struct err *e)
{
	size_t el = ch->encr_key_len;
	struct ah_sa_params p = {
		.integ = ike_proposal_get(&ch->proposal, TT_INTEG, INTEG_NONE),
		.esn = ike_proposal_get(&ch->proposal, TT_ESN, ESN_NO) == ESN_YES,
		.key_len = ch->integ_key_len,
	};

	p.spi = ike_child_spi32(ch->spi_in);
	p.key = in + el;
	if ((s->ah_in = ah_sa_new(&p, e)) == NULL)
		return -1;
	p.spi = ike_child_spi32(ch->spi_out);
	p.key = out + el;
	return (s->ah_out = ah_sa_new(&p, e)) == NULL ? -1 : 0;
}

static int ike_child_esp_sas(const struct ike_child *ch, const uint8_t *in,
    const uint8_t *out, struct ike_child_sas *s, struct err *e)
{
	size_t el = ch->encr_key_len;
	struct esp_sa_params p = {
		.encr = ike_proposal_get(&ch->proposal, TT_ENCR, ENCR_NULL),
		.encr_key_bits = ike_proposal_key_bits(&ch->proposal),
		.integ = ike_proposal_get(&ch->proposal, TT_INTEG, INTEG_NONE),
		.encr_key_len = el, .integ_key_len = ch->integ_key_len,
		.esn = ike_proposal_get(&ch->proposal, TT_ESN, ESN_NO) == ESN_YES,
	};

	p.spi = ike_child_spi32(ch->spi_in);
	p.encr_key = in;
	p.integ_key = in + el;
	if ((s->esp_in = esp_sa_new(&p, e)) == NULL)
		return -1;
	p.spi = ike_child_spi32(ch->spi_out);
	p.encr_key = out;
	p.integ_key = out + el;
	return (s->esp_out = esp_sa_new(&p, e)) == NULL ? -1 : 0;
}

int ike_child_sas_new(const struct ike_child *ch, struct ike_child_sas *out,
    struct err *e)
{
	size_t el = ch->encr_key_len, il = ch->integ_key_len;
	const uint8_t *init = ch->keymat.data, *resp = init + el + il;
	const uint8_t *sent = ch->initiator ? init : resp;
	const uint8_t *recv = ch->initiator ? resp : init;
	int rc;

	memset(out, 0, sizeof(*out));
	if (ch->keymat.len < 2 * (el + il))
		return err_set(e, "%s: KEYMAT of %zu bytes, the algorithms need %zu",
		    __func__, ch->keymat.len, 2 * (el + il));
	rc = ch->protocol == PROTO_AH ?
	    ike_child_ah_sas(ch, recv, sent, out, e) :
	    ike_child_esp_sas(ch, recv, sent, out, e);
	if (rc < 0)
		ike_child_sas_free(out);
	return rc;
}

void ike_child_sas_free(struct ike_child_sas *s)
{
	esp_sa_free(s->esp_in);
	esp_sa_free(s->esp_out);
	ah_sa_free(s->ah_in);
	ah_sa_free(s->ah_out);
	memset(s, 0, sizeof(*s));
}
