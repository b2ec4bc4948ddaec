/* run_send: `send': a message built from the script's payloads (run_build.c)
 * and defaults, with set overrides, AUTH and certificates filled, kept
 * for COOKIE retries, protected and sent. */
#include "run_int.h"

#include <string.h>

/* ------------------------------------------------------------ messages */

static bool run_has_sk(const struct script_send *snd)
{
	const struct script_payload *sp;

	for (sp = snd->payloads; sp != NULL; sp = sp->next)
		if (sp->type == PL_SK && strcmp(sp->name, "PAYLOAD") != 0)
			return true;
	return false;
}

/* Where a payload of the list goes: inside SK when the message is
 * protected and the script wrote no SK of its own; else in the clear,
 * before SK when it comes before SK in the list. */
static int run_place(struct ike_msg *m, struct codec_node *n, bool explicit_sk,
    bool after_sk)
{
	if (m->inner != NULL && !explicit_sk)
		return codec_append(m->inner, n);
	if (m->inner != NULL && !after_sk)
		return codec_insert(m->hdr, m->hdr->nkids - 1, n);
	return codec_append(m->hdr, n);
}

/* SK(...) without keys after an IKE_SA_INIT exchange or an establish:
 * the IUT's answer gave none (a bad KE, a refusal, nothing): a failed
 * check of this send, not a bad script. 1: nothing sent. */
static int run_no_keys(struct run_ctx *c, const struct script_send *snd,
    int line)
{
	struct run_check k;

	run_check_begin(c, &k, line, "send %s request",
	    names_get(NAMES_T_EXCHANGE, snd->exchange));
	run_check_fail(&k, "SK(...): expected the keys of an IKE SA vs actual none: the IKE_SA_INIT exchange (or establish) before gave none (see above)");
	run_check_end(c, &k);
	return 1;
}

static int run_add_payloads(struct run_ctx *c, const struct script_send *snd,
    bool response, struct ike_msg *m, int line)
{
	const struct script_payload *sp, *in;
	struct codec_node *n;
	bool explicit_sk = run_has_sk(snd), after_sk = false;

	for (sp = snd->payloads; sp != NULL; sp = sp->next) {
		if (sp->type == PL_SK && strcmp(sp->name, "PAYLOAD") != 0) {
			if (m->inner == NULL && (snd->clear ||
			    !c->init_tried))
				return run_script_error(c, line,
				    "SK(...) but no keys: no IKE SA yet, or the send is `clear'");
			if (m->inner == NULL)
				return run_no_keys(c, snd, line);
			for (in = sp->inner; in != NULL; in = in->next) {
				if (run_payload_build(c, in, snd->exchange,
				    response, &n) < 0)
					return -1;
				if (codec_append(m->inner, n) < 0) {
					codec_node_free(n);
					return run_script_error(c, line, "out of memory");
				}
			}
			after_sk = true;
			continue;
		}
		if (run_payload_build(c, sp, snd->exchange, response, &n) < 0)
			return -1;
		if (run_place(m, n, explicit_sk, after_sk) < 0) {
			codec_node_free(n);
			return run_script_error(c, line, "out of memory");
		}
	}
	return 0;
}

/* A payload list that names no SK, sent while keys exist and not clear,
 * goes inside SK (suites/README.md, "send"). */
static bool run_protect(struct run_ctx *c, const struct script_send *snd)
{
	return snd->exchange != EXCH_IKE_SA_INIT && !snd->clear &&
	    c->sa->keys_ready;
}

static int run_build_defaults(struct run_ctx *c, const struct script_send *snd,
    bool response, struct ike_msg *m, struct err *e)
{
	if (response) {
		if (!c->have_rx)
			return err_set(e, "a default response needs a received request");
		switch (snd->exchange) {
		case EXCH_IKE_SA_INIT:
			return ike_resp_init(c->sa, &c->cfg, &c->rx, m, e);
		case EXCH_IKE_AUTH:
			return ike_resp_auth(c->sa, &c->cfg, &c->rx, m, e);
		case EXCH_CREATE_CHILD_SA:
			return ike_resp_create_child(c->sa, &c->cfg, &c->rx, m, e);
		case EXCH_INFORMATIONAL:
			return ike_resp_informational(c->sa, &c->cfg, &c->rx, m, e);
		}
		return err_set(e, "no default response for exchange %u",
		    snd->exchange);
	}
	switch (snd->exchange) {
	case EXCH_IKE_SA_INIT:
		return ike_build_init_request(c->sa, &c->cfg, m, e);
	case EXCH_IKE_AUTH:
		return ike_build_auth_request(c->sa, &c->cfg, true, m, e);
	case EXCH_CREATE_CHILD_SA:
		return ike_build_create_child(c->sa, &c->cfg, IKE_CCSA_NEW_CHILD,
		    NULL, false, m, e);
	case EXCH_INFORMATIONAL:
		return ike_build_info_empty(c->sa, m, e);
	}
	return err_set(e, "no default request for exchange %u", snd->exchange);
}

/* `set PATH = VALUE`: the header and clear payloads first, then SK's
 * inner payloads. */
static int run_apply_set(struct run_ctx *c, struct ike_msg *m,
    const struct script_set *st)
{
	char text[RUN_TEXT_MAX * 2 + 8], path[CODEC_PATH_MAX * 2];
	struct err e, e2;

	if (run_value_text(c, st->value, text, sizeof(text)) < 0)
		return -1;
	if (run_path_rewrite(c, m->hdr, st->path, path, sizeof(path)) == 0 &&
	    codec_path_set(m->hdr, path, text, &e) == 0)
		return 0;
	if (m->inner != NULL &&
	    run_path_rewrite(c, m->inner, st->path, path, sizeof(path)) == 0 &&
	    codec_path_set(m->inner, path, text, &e2) == 0)
		return 0;
	return run_script_error(c, st->pos.line, "set %s: %s", st->path,
	    e.text);
}

static struct codec_node *run_msg_find(const struct ike_msg *m, unsigned pt)
{
	struct codec_node *n = NULL;

	if (m->inner != NULL)
		n = codec_find_payload(m->inner, pt, 1);
	return n != NULL ? n : codec_find_payload(m->hdr, pt, 1);
}

/* The profile file of the harness's credentials for an AUTH method:
 * RSA_SIG an RSA key, ECDSA_* and DIGITAL_SIGNATURE the ECDSA one (P-256,
 * RFC 7427 with SHA2-256). what: "cert" or "key". NULL when absent. */
static const char *run_cred_path(struct run_ctx *c, unsigned method,
    const char *what, struct err *e)
{
	char key[64];
	bool bad = false;
	const char *w;

	snprintf(key, sizeof(key), "harness-%s-%s", what,
	    method == AUTH_RSA_SIG ? "rsa" : "ecdsa");
	w = run_profile_word(c, "auth", key, e, &bad);
	if (w == NULL && !bad)
		err_set(e, "the profile has no [auth] %s", key);
	return w;
}

/* AUTH by signature: the harness's private key of the profile. */
static int run_auth_sign(struct run_ctx *c, unsigned method,
    const struct bytes *oct, struct bytes *val, struct err *e)
{
	const char *path = run_cred_path(c, method, "key", e);
	struct crypto_key *k;
	int rc;

	if (path == NULL)
		return -1;
	k = crypto_key_from_file(path, e);
	if (k == NULL)
		return -1;
	rc = crypto_auth_sign(method, method == AUTH_DIGITAL_SIGNATURE ?
	    HASH_SHA2_256 : 0, k, oct->data, oct->len, val, e);
	crypto_key_free(k);
	return rc;
}

/* CERT(X509_SIG) without data: the harness's certificate that goes with
 * the message's AUTH method (RFC 7296 3.6). */
static int run_cert_fill(struct run_ctx *c, struct ike_msg *m, struct err *e)
{
	struct codec_node *cert = run_msg_find(m, PL_CERT);
	struct codec_node *auth = run_msg_find(m, PL_AUTH);
	struct bytes der = BYTES_EMPTY;
	const char *path;
	int rc;

	if (cert == NULL ||
	    codec_is_set(cert, codec_field_index(cert->st, "data", 4)) ||
	    ike_get(cert, "encoding") != CERT_X509_SIG)
		return 0;
	path = run_cred_path(c, auth != NULL ? (unsigned)ike_get(auth,
	    "method") : AUTH_RSA_SIG, "cert", e);
	if (path == NULL || ike_pem_cert_der(path, &der, e) < 0)
		return -1;
	rc = ike_set_data(cert, "data", der.data, der.len);
	bytes_free(&der);
	return rc;
}

/* AUTH without data: computed (RFC 7296 2.15) from the message's own ID
 * payload, with the PSK or, for a signature method, the harness's key. */
static int run_auth_fill(struct run_ctx *c, struct ike_msg *m, struct err *e)
{
	struct codec_node *auth = run_msg_find(m, PL_AUTH), *id;
	struct bytes idb = BYTES_EMPTY, oct = BYTES_EMPTY, val = BYTES_EMPTY;
	const struct bytes *msg, *nonce, *skp;
	bool init = c->sa->initiator;
	int rc = -1;

	if (auth == NULL ||
	    codec_is_set(auth, codec_field_index(auth->st, "data", 4)))
		return 0;
	id = run_msg_find(m, init ? PL_IDi : PL_IDr);
	if (id == NULL || !c->sa->keys_ready)
		return err_set(e, "AUTH without data needs %s and IKE keys",
		    init ? "IDi" : "IDr");
	msg = init ? &c->sa->init_req : &c->sa->init_resp;
	nonce = init ? &c->sa->nr : &c->sa->ni;
	skp = init ? &c->sa->keys.sk_pi : &c->sa->keys.sk_pr;
	if (codec_encode(id, &idb, e) < 0 || idb.len < 4)
		goto out;
	if (crypto_auth_octets(c->sa->suite.prf, msg->data, msg->len,
	    nonce->data, nonce->len, skp->data, skp->len, idb.data + 4,
	    idb.len - 4, &oct, e) < 0 ||
	    (ike_get(auth, "method") == AUTH_SHARED_KEY_MIC ?
	    crypto_auth_psk(c->sa->suite.prf, c->cfg.auth.psk.data,
	    c->cfg.auth.psk.len, oct.data, oct.len, &val, e) :
	    run_auth_sign(c, (unsigned)ike_get(auth, "method"), &oct, &val, e)) < 0)
		goto out;
	rc = ike_set_data(auth, "data", val.data, val.len);
out:
	bytes_free(&idb);
	bytes_free(&oct);
	bytes_free(&val);
	return rc;
}

/* What a list-built IKE_SA_INIT leaves in the SA for the keys to come
 * (the default builders keep it themselves). */
static void run_note_init(struct run_ctx *c, const struct ike_msg *m,
    bool response)
{
	struct codec_node *sa = codec_find_payload(m->hdr, PL_SA, 1);
	struct codec_node *no = codec_find_payload(m->hdr, PL_NONCE, 1);
	const struct bytes *d;
	struct err e;

	if (no != NULL) {
		d = ike_get_data(no, "data");
		(void)bytes_copy(response ? &c->sa->nr : &c->sa->ni, d);
	}
	if (sa != NULL && !response)
		(void)ike_proposals_read(sa, c->sa->offered, IKE_PROPOSAL_MAX,
		    &c->sa->noffered, &e);
}

/* The offers "one of offered" and "subset of offered" compare with. */
void run_note_offers(struct run_ctx *c, const struct ike_msg *m)
{
	struct codec_node *sa = run_msg_find(m, PL_SA), *ts;
	struct err e;
	int i;

	if (sa != NULL && ike_proposals_read(sa, c->offered, IKE_PROPOSAL_MAX,
	    &c->noffered, &e) < 0)
		c->noffered = 0;
	for (i = 0; i < 2; i++) {
		ts = run_msg_find(m, i == 0 ? PL_TSi : PL_TSr);
		if (ts == NULL)
			continue;
		memset(&c->offered_ts[i], 0, sizeof(c->offered_ts[i]));
		c->have_offered_ts[i] = ike_ts_read(ts, &c->offered_ts[i], &e) == 0;
	}
}

/* A CREATE_CHILD_SA request the script wrote that rekeys the IKE SA
 * (RFC 7296 1.3.2: SA(ike: ...), Ni, KE): its answer then makes the new
 * IKE SA, which clean-up deletes with the old one. */
static void run_note_ike_rekey(struct run_ctx *c, const struct ike_msg *m)
{
	struct codec_node *sa = run_msg_find(m, PL_SA);
	struct codec_node *no = run_msg_find(m, PL_NONCE);
	struct err e;

	if (sa == NULL || no == NULL || run_msg_find(m, PL_KE) == NULL ||
	    c->sa->dh == NULL)
		return;
	(void)ike_note_ike_rekey(c->sa, sa, ike_get_data(no, "data"), &e);
}

static int run_send_msg(struct run_ctx *c, const struct script_send *snd,
    bool response, struct ike_msg *m, struct err *e)
{
	struct ike_sk_opts o;
	struct bytes out = BYTES_EMPTY;
	enum net_port saved = c->port;
	int rc;

	memset(&o, 0, sizeof(o));
	o.corrupt_icv = snd->bad_icv;
	if (snd->port != 0)
		c->port = snd->port == c->o->natt_port || snd->port == NET_PORT_NATT ?
		    NET_NATT : NET_IKE;
	if (!response) {
		rc = ike_send_request(c->sa, m, &o, &c->tr, e);
		if (rc == 0)
			run_retx_arm(c);	/* RFC 7296 2.1 */
		if (rc == 0 && snd->exchange == EXCH_IKE_SA_INIT &&
		    c->sa->initiator) {
			(void)bytes_copy(&c->sa->init_req, &c->sa->last_req);
			c->init_sent = true;
		}
	} else {
		rc = ike_msg_encode(c->sa, m, &o, &out, e);
		if (rc == 0)
			rc = run_send_bytes(c, out.data, out.len, e);
		if (rc == 0) {
			(void)bytes_copy(&c->sa->last_resp_sent, &out);
			c->sa->last_resp_id = c->rx.message_id;
			c->sa->have_resp_sent = true;
			run_note_answered(c, &c->rx);
			if (snd->exchange == EXCH_IKE_SA_INIT)
				(void)bytes_copy(&c->sa->init_resp, &out);
		}
		bytes_free(&out);
	}
	c->port = saved;
	return rc;
}

static int run_set_trailing(struct run_ctx *c, struct ike_msg *m,
    const struct script_value *v)
{
	struct err e;
	int f = codec_field_index(m->hdr->st, "trailing", 8);

	if (f < 0 || codec_field_parse(m->hdr, f, v->text, &e) < 0)
		return run_script_error(c, v->pos.line, "trailing: %s",
		    f < 0 ? "no such field" : e.text);
	return 0;
}

static int run_resend(struct run_ctx *c, const struct script_event *ev)
{
	struct run_var *v = run_var_find(c, ev->u.send.resend);
	struct err e;

	if (v == NULL || !v->is_msg)
		return run_script_error(c, ev->pos.line,
		    "send $%s: not a captured message", ev->u.send.resend);
	if (run_send_bytes(c, v->data.data, v->data.len, &e) == 0) {
		run_retx_arm(c);
	} else {
		struct run_check k;

		run_check_begin(c, &k, ev->pos.line, "send $%s", v->name);
		run_check_fail(&k, "send: %s", e.text);
		run_check_end(c, &k);
	}
	return 0;
}

/* Keeps a copy of an IKE_SA_INIT request for a COOKIE retry (run_expect.c). */
static void run_keep_init(struct run_ctx *c, const struct codec_node *hdr)
{
	struct codec_node *k = codec_node_clone(hdr);

	if (k == NULL)
		return;
	if (c->ninit == RUN_INIT_REQS) {
		codec_node_free(c->init_reqs[0]);
		memmove(&c->init_reqs[0], &c->init_reqs[1],
		    (RUN_INIT_REQS - 1) * sizeof(c->init_reqs[0]));
		c->ninit--;
	}
	c->init_reqs[c->ninit++] = k;
}

/* Whether a payload list holds N(COOKIE): the retry of RFC 7296 2.6. */
static bool run_list_has_cookie(const struct script_payload *sp)
{
	for (; sp != NULL; sp = sp->next)
		if (sp->type == PL_N && sp->args != NULL &&
		    sp->args->key == NULL && sp->args->values != NULL &&
		    sp->args->values->text != NULL &&
		    (strcasecmp(sp->args->values->text, "COOKIE") == 0 ||
		    strcasecmp(sp->args->values->text, "N_COOKIE") == 0))
			return true;
	return false;
}

/* An IKE_SA_INIT request that is not a COOKIE retry opens a new IKE SA
 * (fresh SPIi, DH key and nonce) once the current one has sent its own:
 * a second request under the SPIi of a half-open SA the IUT holds is a
 * retransmission to it, or is dropped (RFC 7296 2.1, 2.6), so that a
 * flood (`repeat 12 { send IKE_SA_INIT ... }`) makes 12 SAs. A COOKIE
 * retry keeps the SPIi: a cookie may be bound to it (2.6). */
static int run_fresh_sa(struct run_ctx *c, const struct script_send *snd,
    bool response, struct err *e)
{
	struct ike_sa *sa;

	if (response || snd->exchange != EXCH_IKE_SA_INIT ||
	    !c->sa->initiator || !c->init_sent ||
	    run_list_has_cookie(snd->payloads))
		return 0;
	sa = ike_sa_new(true, e);
	if (sa == NULL)
		return -1;
	run_evidence_collect(c);	/* its keys stay in the tables */
	ike_sa_free(c->sa);
	c->sa = sa;
	c->init_sent = false;
	return 0;
}

int run_send(struct run_ctx *c, const struct script_event *ev)
{
	const struct script_send *snd = &ev->u.send;
	const struct script_set *st;
	struct ike_msg m = { NULL, NULL };
	struct run_check k;
	struct err e;
	bool response;
	uint32_t msgid;

	if (snd->resend != NULL)
		return run_resend(c, ev);
	response = snd->dir == SCRIPT_DIR_RESPONSE ||
	    (snd->dir == SCRIPT_DIR_ANY && c->have_rx && !c->rx.response &&
	    !c->rx_answered && c->rx.exchange == snd->exchange);
	if (run_fresh_sa(c, snd, response, &e) < 0)
		goto fail;
	if (snd->exchange == EXCH_IKE_SA_INIT)
		c->init_tried = true;
	c->cookie_retry = !response && snd->exchange == EXCH_IKE_SA_INIT &&
	    c->init_sent && run_list_has_cookie(snd->payloads);
	msgid = response ? c->rx.message_id : c->sa->next_req_id;
	if (snd->defaults) {
		if (run_build_defaults(c, snd, response, &m, &e) < 0)
			goto fail;
	} else {
		if (ike_msg_new(c->sa, snd->exchange, response, msgid,
		    run_protect(c, snd), &m, &e) < 0)
			goto fail;
		if (run_add_payloads(c, snd, response, &m, ev->pos.line) != 0)
			goto out;
		if (snd->exchange == EXCH_IKE_SA_INIT)
			run_note_init(c, &m, response);
	}
	for (st = snd->sets; st != NULL; st = st->next)
		if (run_apply_set(c, &m, st) < 0)
			goto out;
	if (snd->trailing != NULL && run_set_trailing(c, &m, snd->trailing) < 0)
		goto out;
	if (run_cert_fill(c, &m, &e) < 0 || run_auth_fill(c, &m, &e) < 0 ||
	    run_send_msg(c, snd, response, &m, &e) < 0)
		goto fail;
	if (!response && snd->exchange == EXCH_IKE_SA_INIT)
		run_keep_init(c, m.hdr);
	if (!response && !snd->defaults &&
	    snd->exchange == EXCH_CREATE_CHILD_SA)
		run_note_ike_rekey(c, &m);
	if (response)
		c->rx_answered = true;
	run_note_offers(c, &m);
	ike_msg_free(&c->sent);
	c->sent = m;
	c->have_sent = true;
	return 0;
fail:
	run_check_begin(c, &k, ev->pos.line, "send %s %s",
	    names_get(NAMES_T_EXCHANGE, snd->exchange),
	    response ? "response" : "request");
	run_check_fail(&k, "could not build or send: %s", e.text);
	run_check_end(c, &k);
out:
	ike_msg_free(&m);
	return c->bad_script ? -1 : 0;
}
