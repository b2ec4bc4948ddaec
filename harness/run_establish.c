/* run_establish: `establish': IKE_SA_INIT and IKE_AUTH run by the ike
 * module, with the script's payload overrides. */
#include "run_int.h"

#include "profile.h"

#include <string.h>

/* ---------------------------------------------------------- establish */

/* SA(ike: ...) and SA(esp: ...) in establish replace the policies. */
static int run_establish_overrides(struct run_ctx *c,
    const struct script_payload *sp, struct err *e)
{
	const struct script_proposal *pr;
	const struct script_transform *t;

	for (; sp != NULL; sp = sp->next) {
		/* N(USE_TRANSPORT_MODE): ask for a transport-mode CHILD SA
		 * (RFC 7296 1.3.1) */
		if (sp->type == PL_N && sp->args != NULL && sp->args->values != NULL &&
		    sp->args->values->kind == SCRIPT_V_WORD &&
		    strcmp(sp->args->values->text, "USE_TRANSPORT_MODE") == 0) {
			c->cfg.use_transport = true;
			/* RFC 4301 4.1: a transport-mode SA carries the two
			 * hosts' own traffic, so its selectors are the IKE
			 * endpoints' addresses (strongSwan grants transport
			 * mode on host-to-host selectors only). */
			c->cfg.ts_local.n = c->cfg.ts_peer.n = 0;
			if (ike_ts_add_host(&c->cfg.ts_local, &c->cfg.local, e) < 0 ||
			    ike_ts_add_host(&c->cfg.ts_peer, &c->cfg.peer, e) < 0)
				return -1;
			continue;
		}
		if (sp->type != PL_SA) {
			run_diag(c, "establish: %s ignored (only SA and N(USE_TRANSPORT_MODE) overrides)", sp->name);
			continue;
		}
		for (pr = sp->proposals; pr != NULL; pr = pr->next) {
			struct ike_policy *pol = pr->protocol == PROTO_ESP ||
			    pr->protocol == PROTO_AH ? &c->cfg.esp : &c->cfg.ike;

			if (pr == sp->proposals)
				pol->n = 0;
			pol->protocol = pr->protocol ? pr->protocol : PROTO_IKE;
			for (t = pr->transforms; t != NULL &&
			    pol->n < IKE_TRANSFORM_MAX; t = t->next) {
				pol->t[pol->n].type = t->type;
				pol->t[pol->n].id = t->id;
				pol->t[pol->n].key_bits = t->keylen;
				pol->n++;
			}
		}
	}
	return 0;
}

/* After establish, `capture ... = sent PATH` and `capture ... = PATH`
 * see the exchange's last request and response (the IKE_AUTH pair): the
 * CHILD SA's SPIs are there. */
static void run_establish_last(struct run_ctx *c)
{
	struct ike_rx rx;
	struct err e;

	memset(&rx, 0, sizeof(rx));
	if (c->sa->last_req.len > 0 &&
	    ike_rx_decode(c->sa, c->sa->last_req.data, c->sa->last_req.len,
	    true, &rx, &e) == 0 && rx.hdr != NULL) {
		ike_msg_free(&c->sent);
		c->sent.hdr = rx.hdr;
		c->sent.inner = rx.sk_ok ? rx.inner : NULL;
		if (!rx.sk_ok)
			codec_node_free(rx.inner);
		rx.hdr = rx.inner = NULL;
		c->have_sent = true;
		run_note_offers(c, &c->sent);
	}
	ike_rx_free(&rx);
	if (c->sa->last_resp_recv.len > 0 &&
	    ike_rx_decode(c->sa, c->sa->last_resp_recv.data,
	    c->sa->last_resp_recv.len, false, &rx, &e) == 0) {
		ike_rx_free(&c->rx);
		c->rx = rx;
		c->have_rx = true;
		c->rx_answered = true;
	} else {
		ike_rx_free(&rx);
	}
}

/* [timers] child-ready: an IUT may install its CHILD SA only after it has
 * sent the response that creates it (iked logs "send IKE_AUTH res" before
 * "childsa_enable: loaded SPIs") and drop what arrives meanwhile. RFC 7296
 * sets no time for that, so a profile can give the wait, measured, that
 * the harness leaves before its first packet on a new CHILD SA (at most
 * 10 s: a run stays bounded). */
void run_child_ready(struct run_ctx *c)
{
	uint64_t us;

	if (profile_get_numbers(c->prof, "timers", "child-ready", &us, 1) == 1 &&
	    us > 0)
		run_wait(c, (script_us)(us < 10000000 ? us : 10000000));
}

int run_establish(struct run_ctx *c, const struct script_event *ev)
{
	const struct script_establish *es = &ev->u.establish;
	struct run_check k;
	struct ike_sa *sa = NULL;
	struct err e;
	bool child = es->what == SCRIPT_SA_CHILD;
	/* RFC 7296 1.2 makes SAi2, TSi and TSr part of every IKE_AUTH
	 * request; only an IUT that supports RFC 6023 may get one without
	 * them (iked answered such a request with an SA payload of no
	 * proposal). So `establish ike` brings a CHILD SA up too, unless
	 * the profile says childless = yes. */
	bool offer = child ||
	    !profile_has(c->prof, "capabilities", "childless", "yes");

	run_check_begin(c, &k, ev->pos.line, "establish %s",
	    child ? "child" : "ike");
	c->init_tried = true;
	c->cfg.childless = !offer;
	if (run_establish_overrides(c, es->payloads, &e) < 0) {
		run_check_fail(&k, "establish: %s", e.text);
	} else if (ike_establish(&c->cfg, &c->tr, offer, &sa, &e) < 0) {
		run_check_fail(&k, "expected an IKE SA%s, actual: %s",
		    child ? " with a CHILD SA" : "", e.text);
	} else {
		run_evidence_collect(c);	/* the SA being replaced, before it goes */
		ike_sa_free(c->sa);
		c->sa = sa;
		c->init_sent = true;
		run_evidence_collect(c);
		memcpy(c->offered, sa->offered, sizeof(c->offered));
		c->noffered = sa->noffered;
		run_establish_last(c);
		run_sender_established(c);
		if (child && sa->nchild == 0)
			run_check_fail(&k, "expected a CHILD SA, actual none (%s)",
			    sa->refused ? names_get(NAMES_T_NOTIFY, sa->refused) :
			    "no reason given");
		else if (child && c->cfg.use_transport && !sa->child[0].transport)
			run_check_fail(&k, "RFC 7296 1.3.1: expected N(USE_TRANSPORT_MODE) in the answer (transport mode granted) vs actual a tunnel-mode CHILD SA");
		if (child && sa->nchild > 0)
			run_child_ready(c);
	}
	run_check_end(c, &k);
	return 0;
}
