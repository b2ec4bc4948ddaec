/* ike_establish: sending requests, waiting for their responses with
 * retransmission (RFC 7296 2.1, 2.4), and IKE_SA_INIT + IKE_AUTH in one
 * call. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ike_int.h"
#include "names.h"

int ike_send_request(struct ike_sa *sa, struct ike_msg *m,
    const struct ike_sk_opts *o, const struct ike_transport *t,
    struct err *e)
{
	struct bytes out = BYTES_EMPTY;
	int rc = -1;

	if (ike_msg_encode(sa, m, o, &out, e) < 0)
		goto done;
	if (ike_get(m->hdr, "exchange_type") == EXCH_IKE_SA_INIT &&
	    bytes_copy(&sa->init_req, &out) < 0) {
		err_set(e, "%s: out of memory", __func__);
		goto done;
	}
	if (bytes_copy(&sa->last_req, &out) < 0) {
		err_set(e, "%s: out of memory", __func__);
		goto done;
	}
	if (t->send(t->ctx, out.data, out.len, e) < 0)
		goto done;
	sa->next_req_id = (uint32_t)ike_get(m->hdr, "message_id") + 1;
	rc = 0;
done:
	bytes_free(&out);
	return rc;
}

int ike_encode_response(struct ike_sa *sa, struct ike_msg *m,
    const struct ike_sk_opts *o, struct bytes *out, struct err *e)
{
	if (ike_msg_encode(sa, m, o, out, e) < 0)
		return -1;
	if (ike_get(m->hdr, "exchange_type") == EXCH_IKE_SA_INIT &&
	    sa->refused == 0 && bytes_copy(&sa->init_resp, out) < 0)
		return err_set(e, "%s: out of memory", __func__);
	if (bytes_copy(&sa->last_resp_sent, out) < 0)
		return err_set(e, "%s: out of memory", __func__);
	sa->last_resp_id = (uint32_t)ike_get(m->hdr, "message_id");
	sa->have_resp_sent = true;
	return 0;
}

/* Whether rx answers our outstanding request. */
static bool answers(const struct ike_sa *sa, const struct ike_rx *rx)
{
	if (!rx->response || rx->message_id + 1 != sa->next_req_id ||
	    memcmp(rx->spi_i, sa->spi_i, IKE_SPI_LEN) != 0)
		return false;
	/* A protected response that does not decrypt is dropped (2.21.1). */
	return !rx->has_sk || rx->sk_ok;
}

uint64_t ike_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void ike_retx_start(struct ike_retx *r, const struct ike_config *cfg,
    uint64_t now_us)
{
	unsigned i, tries = cfg->tries ? cfg->tries : 3;
	uint64_t each = (uint64_t)(cfg->timeout_ms ? cfg->timeout_ms : 1000) * 1000;

	memset(r, 0, sizeof(*r));
	if (cfg->nretx > 0) {
		r->ncopies = (cfg->nretx < IKE_RETX_MAX ? cfg->nretx :
		    IKE_RETX_MAX) + 1;
		for (i = 0; i + 1 < r->ncopies; i++)
			r->wait_us[i] = cfg->retx_us[i];
		r->wait_us[i] = r->wait_us[i - 1];	/* then give up */
	} else {
		r->ncopies = tries < IKE_RETX_MAX + 1 ? tries : IKE_RETX_MAX + 1;
		for (i = 0; i < r->ncopies; i++)
			r->wait_us[i] = each;
	}
	r->sent = 1;
	r->due_us = now_us + r->wait_us[0];
	r->armed = true;
}

enum ike_retx_step ike_retx_step(struct ike_retx *r, uint64_t now_us)
{
	if (!r->armed || now_us < r->due_us)
		return IKE_RETX_WAIT;
	if (r->sent >= r->ncopies) {
		r->armed = false;
		return IKE_RETX_GIVE_UP;
	}
	r->due_us += r->wait_us[r->sent];
	r->sent++;
	return IKE_RETX_SEND;
}

int ike_await_response(struct ike_sa *sa, const struct ike_transport *t,
    const struct ike_config *cfg, struct ike_rx *rx, struct err *e)
{
	struct bytes in = BYTES_EMPTY;
	struct ike_retx r;
	unsigned skipped = 0;
	uint64_t now;
	int n, rc = -1;

	ike_rx_free(rx);
	ike_retx_start(&r, cfg, ike_now_us());
	for (;;) {
		now = ike_now_us();
		switch (ike_retx_step(&r, now)) {
		case IKE_RETX_GIVE_UP:
			err_set(e, "no response after %u tr%s", r.sent,
			    r.sent == 1 ? "y" : "ies");
			goto out;
		case IKE_RETX_SEND:
			if (t->send(t->ctx, sa->last_req.data, sa->last_req.len,
			    e) < 0)
				goto out;
			continue;
		case IKE_RETX_WAIT:
			break;
		}
		n = t->recv(t->ctx, &in, r.due_us > now ? r.due_us - now : 0, e);
		if (n < 0)
			goto out;
		if (n == 0) {
			/* the wait is over, whatever the clock says (a
			 * transport in memory does not sleep) */
			if (ike_now_us() < r.due_us)
				r.due_us = ike_now_us();
			continue;
		}
		if (ike_rx_decode(sa, in.data, in.len, false, rx, e) < 0)
			goto out;
		if (answers(sa, rx))
			break;
		ike_rx_free(rx);
		if (++skipped > 1000) {
			err_set(e, "too many unrelated datagrams");
			goto out;
		}
	}
	if (bytes_copy(&sa->last_resp_recv, &in) < 0) {
		err_set(e, "%s: out of memory", __func__);
		goto out;
	}
	rc = 0;
out:
	bytes_free(&in);
	return rc;
}

int ike_exchange(struct ike_sa *sa, struct ike_msg *m,
    const struct ike_transport *t, const struct ike_config *cfg,
    struct ike_rx *rx, struct err *e)
{
	if (ike_send_request(sa, m, NULL, t, e) < 0)
		return -1;
	return ike_await_response(sa, t, cfg, rx, e);
}

static int run_init(struct ike_sa *sa, const struct ike_config *cfg,
    const struct ike_transport *t, struct err *e)
{
	bool cookie_seen = false, ke_seen = false;
	struct ike_msg m = { 0 };
	struct ike_rx rx;
	enum ike_result r;
	int i;

	memset(&rx, 0, sizeof(rx));
	for (i = 0; i < 3; i++) {
		if (ike_build_init_request(sa, cfg, &m, e) < 0)
			return err_prefix(e, "IKE_SA_INIT");
		if (ike_exchange(sa, &m, t, cfg, &rx, e) < 0) {
			ike_msg_free(&m);
			return err_prefix(e, "IKE_SA_INIT");
		}
		ike_msg_free(&m);
		r = ike_init_response(sa, cfg, &rx, e);
		if (r == IKE_R_RETRY) {
			bool cookie = ike_rx_notify(&rx, N_COOKIE) != NULL;
			ike_rx_free(&rx);
			if ((cookie && cookie_seen) || (!cookie && ke_seen))
				return err_set(e, "IKE_SA_INIT: responder asked for %s twice",
				    cookie ? "a COOKIE" : "another KE group");
			cookie_seen |= cookie;
			ke_seen |= !cookie;
			continue;
		}
		ike_rx_free(&rx);
		return r == IKE_R_OK ? 0 : -1;
	}
	return err_set(e, "IKE_SA_INIT: no agreement after 3 requests");
}

int ike_establish(const struct ike_config *cfg, const struct ike_transport *t,
    bool with_child, struct ike_sa **out, struct err *e)
{
	struct ike_sa *sa = ike_sa_new(true, e);
	struct ike_msg m = { 0 };
	struct ike_rx rx;
	enum ike_result r;

	*out = NULL;
	memset(&rx, 0, sizeof(rx));
	if (sa == NULL)
		return -1;
	if (run_init(sa, cfg, t, e) < 0)
		goto fail;
	if (ike_build_auth_request(sa, cfg, with_child, &m, e) < 0) {
		err_prefix(e, "IKE_AUTH");
		goto fail;
	}
	if (ike_exchange(sa, &m, t, cfg, &rx, e) < 0) {
		err_prefix(e, "IKE_AUTH");
		goto fail;
	}
	r = ike_auth_response(sa, cfg, &rx, e);
	if (r != IKE_R_OK)
		goto fail;
	if (with_child && sa->refused) {
		err_set(e, "IKE_AUTH: IKE SA up, CHILD SA refused with %s",
		    names_get(NAMES_T_NOTIFY, sa->refused));
		goto fail;
	}
	ike_msg_free(&m);
	ike_rx_free(&rx);
	*out = sa;
	return 0;
fail:
	ike_msg_free(&m);
	ike_rx_free(&rx);
	ike_sa_free(sa);
	return -1;
}

int ike_note_ike_rekey(struct ike_sa *sa, const struct codec_node *sa_pl,
    const struct bytes *nonce, struct err *e)
{
	struct ike_pending *pd = &sa->pend;

	if (sa->dh == NULL)
		return err_set(e, "%s: no KE key of ours", __func__);
	ike_pending_free(pd);
	if (ike_proposals_read(sa_pl, pd->offered, IKE_PROPOSAL_MAX,
	    &pd->noffered, e) < 0 || pd->noffered == 0 ||
	    pd->offered[0].protocol != PROTO_IKE ||
	    pd->offered[0].spi_len != IKE_SPI_LEN ||
	    bytes_copy(&pd->nonce, nonce) < 0) {
		ike_pending_free(pd);
		return err_set(e, "%s: not an IKE SA rekey", __func__);
	}
	pd->active = true;
	pd->exchange = EXCH_CREATE_CHILD_SA;
	pd->kind = IKE_CCSA_REKEY_IKE;
	memcpy(pd->new_spi, pd->offered[0].spi, IKE_SPI_LEN);
	pd->dh = sa->dh;		/* the KE sent was made with it */
	sa->dh = NULL;
	return 0;
}
