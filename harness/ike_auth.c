/* ike_auth: AUTH payloads (RFC 7296 2.15, RFC 7427) and the IKE_AUTH
 * exchange on both sides. */
#include <stdio.h>
#include <string.h>

#include "ike_int.h"
#include "names.h"

int ike_id_payload_add(struct codec_node *parent, unsigned ptype,
    unsigned id_type, const struct bytes *id, struct err *e)
{
	struct codec_node *n = ike_payload_data_add(parent, ptype, id->data,
	    id->len);

	if (n == NULL || ike_set(n, "id_type", id_type) < 0)
		return err_set(e, "%s: out of memory", __func__);
	return 0;
}

/* The octets signed by one side (2.15). */
static int auth_octets(const struct ike_sa *sa, bool of_initiator,
    const struct codec_node *id_payload, struct bytes *oct, struct err *e)
{
	struct bytes id = BYTES_EMPTY;
	const struct bytes *msg = of_initiator ? &sa->init_req : &sa->init_resp;
	const struct bytes *nonce = of_initiator ? &sa->nr : &sa->ni;
	const struct bytes *skp = of_initiator ? &sa->keys.sk_pi :
	    &sa->keys.sk_pr;
	int rc;

	if (codec_encode(id_payload, &id, e) < 0)
		return -1;
	if (id.len < 4) {
		bytes_free(&id);
		return err_set(e, "%s: ID payload too short", __func__);
	}
	rc = crypto_auth_octets(sa->suite.prf, msg->data, msg->len,
	    nonce->data, nonce->len, skp->data, skp->len, id.data + 4,
	    id.len - 4, oct, e);
	bytes_free(&id);
	return rc;
}

int ike_auth_make(const struct ike_sa *sa, const struct ike_auth_conf *a,
    bool as_initiator, const struct codec_node *id_payload,
    struct bytes *auth, struct err *e)
{
	struct bytes oct = BYTES_EMPTY;
	int rc;

	if (auth_octets(sa, as_initiator, id_payload, &oct, e) < 0)
		return -1;
	if (a->method == AUTH_SHARED_KEY_MIC)
		rc = crypto_auth_psk(sa->suite.prf, a->psk.data, a->psk.len,
		    oct.data, oct.len, auth, e);
	else if (a->key == NULL)
		rc = err_set(e, "%s: %s needs a private key", __func__,
		    names_get(NAMES_T_AUTH, a->method));
	else
		rc = crypto_auth_sign(a->method, a->hash, a->key, oct.data,
		    oct.len, auth, e);
	bytes_free(&oct);
	return rc;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* A DER certificate back into PEM, which crypto_key_from_pem reads. */
static int der_to_pem(const struct bytes *der, struct bytes *pem)
{
	static const char head[] = "-----BEGIN CERTIFICATE-----\n";
	static const char tail[] = "\n-----END CERTIFICATE-----\n";
	size_t i, col = 0;
	char q[4];

	if (bytes_append(pem, head, sizeof(head) - 1) < 0)
		return -1;
	for (i = 0; i < der->len; i += 3) {
		uint32_t v = (uint32_t)der->data[i] << 16;
		size_t left = der->len - i;
		if (left > 1)
			v |= (uint32_t)der->data[i + 1] << 8;
		if (left > 2)
			v |= der->data[i + 2];
		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = left > 1 ? b64[v >> 6 & 63] : '=';
		q[3] = left > 2 ? b64[v & 63] : '=';
		if (bytes_append(pem, q, 4) < 0)
			return -1;
		if ((col += 4) == 64 && i + 3 < der->len) {
			col = 0;
			if (bytes_append(pem, "\n", 1) < 0)
				return -1;
		}
	}
	return bytes_append(pem, tail, sizeof(tail) - 1);
}

/* The peer's key: configured, else from its first X509_SIG CERT. */
static struct crypto_key *peer_key(const struct ike_auth_conf *a,
    const struct ike_rx *rx, bool *owned, struct err *e)
{
	struct codec_node *cert = ike_rx_find(rx, PL_CERT, 1);
	struct bytes pem = BYTES_EMPTY;
	struct crypto_key *k;

	*owned = false;
	if (a->peer_key)
		return a->peer_key;
	if (cert == NULL || ike_get(cert, "encoding") != CERT_X509_SIG) {
		err_set(e, "no public key for the peer (no X509 CERT payload)");
		return NULL;
	}
	if (der_to_pem(ike_get_data(cert, "data"), &pem) < 0) {
		err_set(e, "%s: out of memory", __func__);
		return NULL;
	}
	k = crypto_key_from_pem((const char *)pem.data, pem.len, e);
	bytes_free(&pem);
	*owned = k != NULL;
	return k;
}

int ike_auth_check(struct ike_sa *sa, const struct ike_auth_conf *a,
    const struct ike_rx *rx, bool peer_is_initiator, struct err *e)
{
	struct codec_node *id = ike_rx_find(rx, peer_is_initiator ? PL_IDi :
	    PL_IDr, 1);
	struct codec_node *au = ike_rx_find(rx, PL_AUTH, 1);
	struct bytes oct = BYTES_EMPTY, mine = BYTES_EMPTY;
	const struct bytes *got;
	struct crypto_key *k;
	unsigned method;
	bool owned = false;
	int rc = -1;

	if (id == NULL || au == NULL)
		return err_set(e, "no %s payload", id ? "AUTH" : "ID");
	method = (unsigned)ike_get(au, "method");
	got = ike_get_data(au, "data");
	sa->peer_id_type = (unsigned)ike_get(id, "id_type");
	if (bytes_copy(&sa->peer_id, ike_get_data(id, "data")) < 0)
		return err_set(e, "%s: out of memory", __func__);
	if (auth_octets(sa, peer_is_initiator, id, &oct, e) < 0)
		return -1;
	if (method == AUTH_SHARED_KEY_MIC) {
		if (a->psk.len == 0) {
			err_set(e, "AUTH method SHARED_KEY_MIC, but no PSK here");
			goto out;
		}
		if (crypto_auth_psk(sa->suite.prf, a->psk.data, a->psk.len,
		    oct.data, oct.len, &mine, e) < 0)
			goto out;
		if (mine.len != got->len ||
		    !crypto_equal(mine.data, got->data, mine.len)) {
			err_set(e, "AUTH (SHARED_KEY_MIC) of the %s does not verify",
			    peer_is_initiator ? "initiator" : "responder");
			goto out;
		}
		rc = 0;
		goto out;
	}
	if ((k = peer_key(a, rx, &owned, e)) == NULL)
		goto out;
	if (crypto_auth_verify(method, k, oct.data, oct.len, got->data,
	    got->len, e) < 0)
		err_prefix(e, "AUTH (%s) of the %s does not verify",
		    names_get(NAMES_T_AUTH, method),
		    peer_is_initiator ? "initiator" : "responder");
	else
		rc = 0;
	if (owned)
		crypto_key_free(k);
out:
	bytes_free(&oct);
	bytes_free(&mine);
	return rc;
}

int ike_certreq_add(struct codec_node *chain, const struct ike_auth_conf *a,
    struct err *e)
{
	struct codec_node *cr;

	if (a->certreq.len == 0)
		return 0;
	if ((cr = ike_payload_data_add(chain, PL_CERTREQ, a->certreq.data,
	    a->certreq.len)) == NULL || ike_set(cr, "encoding", CERT_X509_SIG) < 0)
		return err_set(e, "%s: out of memory", __func__);
	return 0;
}

/* IDx [CERT] then (initiator) [CERTREQ] [N(INITIAL_CONTACT)] [IDr], then AUTH. */
static int auth_payloads(struct ike_sa *sa, const struct ike_config *cfg,
    bool as_initiator, struct codec_node *chain, struct err *e)
{
	const struct ike_auth_conf *a = &cfg->auth;
	struct codec_node *id, *au, *cert;
	struct bytes data = BYTES_EMPTY;
	int rc;

	if (ike_id_payload_add(chain, as_initiator ? PL_IDi : PL_IDr,
	    a->id_type, &a->id, e) < 0)
		return -1;
	id = chain->kids[chain->nkids - 1];
	if (a->cert.len && a->method != AUTH_SHARED_KEY_MIC) {
		if ((cert = ike_payload_data_add(chain, PL_CERT, a->cert.data,
		    a->cert.len)) == NULL ||
		    ike_set(cert, "encoding", CERT_X509_SIG) < 0)
			return err_set(e, "%s: out of memory", __func__);
	}
	/* RFC 7296 3.7: an initiator asks for the responder's certificate
	 * (a responder that is not asked may send none: strongSwan's default). */
	if (as_initiator && a->method != AUTH_SHARED_KEY_MIC &&
	    ike_certreq_add(chain, a, e) < 0)
		return -1;
	if (as_initiator && cfg->initial_contact &&
	    ike_notify_add(chain, 0, NULL, 0, N_INITIAL_CONTACT, NULL,
	    0) == NULL)
		return err_set(e, "%s: out of memory", __func__);
	if (as_initiator && cfg->send_idr &&
	    ike_id_payload_add(chain, PL_IDr, cfg->idr_type, &cfg->idr, e) < 0)
		return -1;
	if (ike_auth_make(sa, a, as_initiator, id, &data, e) < 0)
		return -1;
	au = ike_payload_data_add(chain, PL_AUTH, data.data, data.len);
	rc = au == NULL || ike_set(au, "method", a->method) < 0 ? -1 : 0;
	bytes_free(&data);
	return rc < 0 ? err_set(e, "%s: out of memory", __func__) : 0;
}

/* ---- initiator -------------------------------------------------------- */

int ike_build_auth_request(struct ike_sa *sa, const struct ike_config *cfg,
    bool with_child, struct ike_msg *m, struct err *e)
{
	if (!sa->keys_ready)
		return err_set(e, "%s: IKE_SA_INIT not done", __func__);
	if (ike_msg_new(sa, EXCH_IKE_AUTH, false, sa->next_req_id, true, m,
	    e) < 0)
		return -1;
	ike_pending_free(&sa->pend);
	sa->pend.exchange = EXCH_IKE_AUTH;
	if (auth_payloads(sa, cfg, true, m->inner, e) < 0)
		goto fail;
	if (with_child) {
		sa->pend.kind = IKE_CCSA_NEW_CHILD;
		if (ike_child_offer_sa(sa, cfg, 0, m->inner, e) < 0 ||
		    ike_child_ts_add(m->inner, &sa->pend.child, e) < 0)
			goto fail;
	}
	sa->pend.active = true;
	sa->pend.child.initiator = true;
	sa->state = IKE_S_AUTH_SENT;
	return 0;
fail:
	ike_msg_free(m);
	return -1;
}

enum ike_result ike_auth_response(struct ike_sa *sa,
    const struct ike_config *cfg, const struct ike_rx *rx, struct err *e)
{
	unsigned err;

	if (rx->exchange != EXCH_IKE_AUTH || !rx->response || !rx->sk_ok) {
		err_set(e, "IKE_AUTH: no valid response (%s)",
		    rx->sk_ok ? "wrong exchange" : rx->sk_error);
		return IKE_R_FAIL;
	}
	sa->refused = 0;
	if (ike_rx_notify(rx, N_AUTHENTICATION_FAILED) ||
	    ike_rx_find(rx, PL_AUTH, 1) == NULL) {
		err = ike_rx_error_notify(rx);
		sa->refused = err;
		sa->state = IKE_S_DELETED;
		err_set(e, "IKE_AUTH: responder answered %s",
		    err ? names_get(NAMES_T_NOTIFY, err) : "without AUTH");
		return IKE_R_REFUSED;
	}
	if (ike_auth_check(sa, &cfg->auth, rx, false, e) < 0) {
		err_prefix(e, "IKE_AUTH");
		return IKE_R_FAIL;
	}
	sa->state = IKE_S_ESTABLISHED;
	if (sa->pend.active && sa->pend.noffered > 0) {
		if ((err = ike_rx_error_notify(rx)) != 0)
			sa->refused = err;	/* IKE SA up, child refused */
		else if (ike_child_check(sa, rx, e) < 0 ||
		    ike_child_keys(sa, &sa->pend.child, NULL, 0, &sa->ni,
		    &sa->nr, e) < 0 ||
		    ike_child_install(sa, &sa->pend.child, e) < 0) {
			err_prefix(e, "IKE_AUTH child");
			return IKE_R_FAIL;
		}
	}
	ike_pending_free(&sa->pend);
	return IKE_R_OK;
}

/* ---- responder ------------------------------------------------------------ */

int ike_resp_auth(struct ike_sa *sa, const struct ike_config *cfg,
    const struct ike_rx *rx, struct ike_msg *out, struct err *e)
{
	struct ike_child c;
	unsigned refuse = 0;
	struct err ae;
	int rc = -1;

	sa->refused = 0;
	if (ike_auth_check(sa, &cfg->auth, rx, true, &ae) < 0) {
		sa->state = IKE_S_DELETED;
		return ike_refuse(sa, rx, true, N_AUTHENTICATION_FAILED, NULL,
		    0, out, e);
	}
	memset(&c, 0, sizeof(c));
	if (ike_response_msg(sa, rx, true, out, e) < 0)
		return -1;
	if (auth_payloads(sa, cfg, false, out->inner, e) < 0)
		goto out;
	if (ike_rx_find(rx, PL_SA, 1) != NULL) {
		if (ike_child_select(sa, cfg, rx, 0, &c, &refuse, e) < 0)
			goto out;
		if (refuse) {
			sa->refused = refuse;
			if (ike_notify_add(out->inner, 0, NULL, 0, refuse, NULL,
			    0) == NULL)
				goto oom;
		} else if (ike_child_sa_add(out->inner, &c, e) < 0 ||
		    ike_child_ts_add(out->inner, &c, e) < 0 ||
		    ike_child_keys(sa, &c, NULL, 0, &sa->ni, &sa->nr, e) < 0 ||
		    ike_child_install(sa, &c, e) < 0)
			goto out;
	}
	sa->state = IKE_S_ESTABLISHED;
	rc = 0;
	goto out;
oom:
	err_set(e, "%s: out of memory", __func__);
out:
	ike_child_free(&c);
	if (rc < 0)
		ike_msg_free(out);
	return rc;
}
