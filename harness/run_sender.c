/* run_sender: every IKE message the IUT sends is held to the rules RFC
 * 7296 puts on a sender (rules_sender.c), whatever the script asked:
 * run_recv_ike hands each one here. A violation is a failed check of its
 * own ("sender rules: ..."), each line citing its clause; a conforming
 * message writes nothing, and a message is judged once however often it
 * comes again.
 *
 * A message is judged in steps, each when it can be: its header and clear
 * payloads at once; the payloads inside SK once keys are there (`establish'
 * receives its IKE_AUTH response before its SA is the script's); a
 * response against the request it answers (accepted proposal, KE group,
 * selectors); and, for what `establish' received, the payload sets of
 * rules.c, which an expect's rules line gives everything else. */
#include "run_int.h"

#include <string.h>

#include "buffer.h"
#include "crypto.h"
#include "rules.h"

enum {
	RS_OUTER = 1,	/* header, decoder findings, clear payloads */
	RS_INNER = 2,	/* what SK carried */
	RS_PAIR = 4,	/* a response against its request */
	RS_SHAPE = 8,	/* the payload sets (rules_check) */
};

/* The judging state of a message (FNV-1a of its bytes as its name). */
static unsigned *run_sender_slot(struct run_ctx *c, const uint8_t *p,
    size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	for (i = 0; i < c->nsender; i++)
		if (c->sender_hash[i] == h)
			return &c->sender_done[i];
	if (c->nsender == RUN_SENDER_SEEN) {
		memmove(&c->sender_hash[0], &c->sender_hash[1],
		    (RUN_SENDER_SEEN - 1) * sizeof(c->sender_hash[0]));
		memmove(&c->sender_done[0], &c->sender_done[1],
		    (RUN_SENDER_SEEN - 1) * sizeof(c->sender_done[0]));
		c->nsender--;
	}
	c->sender_hash[c->nsender] = h;
	c->sender_done[c->nsender] = 0;
	return &c->sender_done[c->nsender++];
}

static void run_sender_report(struct run_check *k, const struct rules_report *r,
    const char *prefix)
{
	size_t i;

	for (i = 0; i < r->count; i++)
		run_check_fail(k, "%s%s", prefix, r->text[i]);
	if (r->count == RULES_MAX_VIOLATIONS)
		run_check_note(k, "(more violations may follow; %d shown)",
		    RULES_MAX_VIOLATIONS);
}

static bool run_sender_same_sa(const struct ike_sa *sa, const struct ike_rx *rx)
{
	return memcmp(rx->spi_i, sa->spi_i, IKE_SPI_LEN) == 0 &&
	    memcmp(rx->spi_r, sa->spi_r, IKE_SPI_LEN) == 0;
}

/* Whether the IUT is the original initiator of the message's IKE SA
 * (3.1, the I flag), -1 unknown: known for the script's SA only, and for
 * protected messages (an unprotected INVALID_IKE_SPI answers an SA the
 * IUT does not know, 2.21.4). */
static int run_sender_orig(const struct run_ctx *c, const struct ike_rx *rx)
{
	if (!rx->has_sk || !run_sender_same_sa(c->sa, rx))
		return -1;
	return !c->sa->initiator;
}

/* KE data right for its group (3.4: the prime's length for MODP; RFC
 * 6989: a value in range, a point on the curve). Unknown groups and
 * empty or all-zero data (rules_sender) are left out here. */
static void run_sender_ke(const struct codec_node *ke, struct run_check *k)
{
	const struct bytes *d;
	unsigned group;
	struct err e;
	size_t i;

	if (ke == NULL)
		return;
	d = ike_get_data(ke, "data");
	group = (unsigned)ike_get(ke, "group");
	for (i = 0; i < d->len && d->data[i] == 0; i++)
		;
	if (i == d->len || crypto_dh_public_len(group) == 0)
		return;
	if (crypto_dh_check_peer(group, d->data, d->len, &e) < 0)
		run_check_fail(k, "RFC 7296 3.4, RFC 6989: KE of %s is no public value of its group: %s",
		    names_get(NAMES_T_DH, group), e.text);
}

/* A response on the script's SA must answer a request iketest sent:
 * iketest's message IDs go up by one (2.2), so none above the last one
 * was ever asked. The last is next_req_id - 1 in 32 bits: a script (or a
 * fuzz case) that sent 0xffffffff has wrapped next_req_id to 0, and the
 * answer to that request still answers a request. */
static void run_sender_msgid(const struct run_ctx *c, const struct ike_rx *rx,
    struct run_check *k)
{
	uint32_t last = c->sa->next_req_id - 1u;

	if (!rx->response || rx->exchange == EXCH_IKE_SA_INIT ||
	    !run_sender_same_sa(c->sa, rx) || c->sa->state == IKE_S_NEW)
		return;
	if (rx->message_id != last && rx->message_id >= c->sa->next_req_id)
		run_check_fail(k, "RFC 7296 2.2: a response with message ID %u, which answers no request: iketest's requests on this IKE SA went up to %u",
		    (unsigned)rx->message_id, (unsigned)last);
}

/* The selectors of a response within those its request proposed (2.9:
 * the responder may narrow, never widen). */
static void run_sender_ts(const struct ike_rx *rx, const struct ike_rx *rq,
    unsigned type, struct run_check *k)
{
	struct codec_node *got = ike_rx_find(rx, type, 1);
	struct codec_node *asked = ike_rx_find(rq, type, 1);
	struct ike_ts_list g, a;
	struct err e;

	if (got == NULL || asked == NULL)
		return;
	memset(&g, 0, sizeof(g));
	memset(&a, 0, sizeof(a));
	if (ike_ts_read(got, &g, &e) < 0 || ike_ts_read(asked, &a, &e) < 0)
		return;		/* malformed: the decoder's findings say it */
	if (!ike_ts_within(&g, &a))
		run_check_fail(k, "RFC 7296 2.9: %s of the response holds a selector outside those the request proposed (a responder may narrow, never widen)",
		    names_get(NAMES_T_PAYLOAD, type));
}

/* A response against the request it answers. */
static void run_sender_pair(const struct ike_rx *rx, const struct ike_rx *rq,
    struct run_check *k)
{
	struct codec_node *sa = ike_rx_find(rx, PL_SA, 1);
	struct codec_node *ke = ike_rx_find(rx, PL_KE, 1);
	struct codec_node *keq = ike_rx_find(rq, PL_KE, 1);
	struct rules_report r;

	memset(&r, 0, sizeof(r));
	if (sa != NULL && ike_rx_find(rq, PL_SA, 1) != NULL)
		rules_sender_chosen(sa, ike_rx_find(rq, PL_SA, 1),
		    rx->exchange == EXCH_IKE_AUTH, &r);
	run_sender_report(k, &r, "");
	if (ke != NULL && keq != NULL && sa != NULL &&
	    ike_get(ke, "group") != ike_get(keq, "group"))
		run_check_fail(k, "RFC 7296 1.2, 1.3: KE of %s, the request's was %s: a responder that wants another group answers INVALID_KE_PAYLOAD",
		    names_get(NAMES_T_DH, (unsigned)ike_get(ke, "group")),
		    names_get(NAMES_T_DH, (unsigned)ike_get(keq, "group")));
	run_sender_ts(rx, rq, PL_TSi, k);
	run_sender_ts(rx, rq, PL_TSr, k);
}

/* The request (our bytes) that rx answers, decoded into *rq: 1, or 0 when
 * req is not it (another exchange, message ID or SA). */
static int run_sender_request(const struct run_ctx *c, const struct ike_rx *rx,
    const struct bytes *req, struct ike_rx *rq)
{
	struct err e;
	uint32_t hdr_len;

	memset(rq, 0, sizeof(*rq));
	/* A request whose header lies about its length (a mutation) has no
	 * one reading: the IUT may have parsed the datagram, the header's
	 * length or neither, so its answer is not paired against ours
	 * (strongSwan chose proposal 1 of a datagram whose header said 70
	 * bytes, fuzz seed 7 case 72). */
	if (req != NULL && buffer_read_n32(req->data, req->len, 24, &hdr_len) == 0 &&
	    hdr_len != req->len)
		return 0;
	if (req == NULL || req->len == 0 ||
	    ike_rx_decode(c->sa, req->data, req->len, true, rq, &e) < 0 ||
	    rq->hdr == NULL)
		return 0;
	if (rq->response || rq->exchange != rx->exchange ||
	    rq->message_id != rx->message_id ||
	    memcmp(rq->spi_i, rx->spi_i, IKE_SPI_LEN) != 0 ||
	    (rq->has_sk && !rq->sk_ok))
		return 0;
	return 1;
}

static void run_sender_shape(const struct ike_rx *rx, struct run_check *k)
{
	struct rules_report r;
	char prefix[64];

	if (rules_check(rx->exchange, rx->response, rx->hdr,
	    rx->sk_ok ? rx->inner : NULL, &r) != RULES_VIOLATES)
		return;
	snprintf(prefix, sizeof(prefix), "%s (%s): ", r.clause,
	    r.shape != NULL ? r.shape : "payloads");
	run_sender_report(k, &r, prefix);
}

/* Judges p[0..n) as far as it can now; req is the request it may answer
 * (NULL: c->sa's last), shape adds the payload sets. */
static void run_sender_judge(struct run_ctx *c, const uint8_t *p, size_t n,
    const struct bytes *req, bool shape)
{
	unsigned *done, all = RS_OUTER | RS_INNER | RS_PAIR |
	    (shape ? RS_SHAPE : 0);
	struct ike_rx rx, rq;
	struct rules_report r;
	struct run_check k;
	struct err e;

	memset(&rq, 0, sizeof(rq));
	if (c->o->no_rules || c->sa == NULL || n == 0)
		return;
	done = run_sender_slot(c, p, n);
	if ((*done & all) == all)
		return;
	memset(&rx, 0, sizeof(rx));
	if (ike_rx_decode(c->sa, p, n, false, &rx, &e) < 0 || rx.hdr == NULL) {
		ike_rx_free(&rx);
		return;
	}
	run_check_begin(c, &k, c->line, "sender rules: %s %s of the IUT (message ID %u)",
	    names_get(NAMES_T_EXCHANGE, rx.exchange),
	    rx.response ? "response" : "request", (unsigned)rx.message_id);
	if (!(*done & RS_OUTER)) {
		*done |= RS_OUTER;
		memset(&r, 0, sizeof(r));
		rules_sender_message(rx.hdr, &rx.pr, run_sender_orig(c, &rx), &r);
		run_sender_report(&k, &r, "");
		run_sender_ke(codec_find_payload(rx.hdr, PL_KE, 1), &k);
		run_sender_msgid(c, &rx, &k);
	}
	if (!rx.has_sk) {
		*done |= RS_INNER;
	} else if (rx.sk_ok && !(*done & RS_INNER)) {
		*done |= RS_INNER;
		memset(&r, 0, sizeof(r));
		rules_sender_chain(rx.exchange, rx.response, rx.inner,
		    &rx.inner_pr, &r);
		run_sender_report(&k, &r, "");
		run_sender_ke(codec_find_payload(rx.inner, PL_KE, 1), &k);
	}
	if (!rx.response) {
		*done |= RS_PAIR;
	} else if (!(*done & RS_PAIR) && (!rx.has_sk || rx.sk_ok) &&
	    run_sender_request(c, &rx, req != NULL ? req : &c->sa->last_req,
	    &rq) == 1) {
		*done |= RS_PAIR;
		run_sender_pair(&rx, &rq, &k);
	}
	ike_rx_free(&rq);
	if (shape && !(*done & RS_SHAPE) && (!rx.has_sk || rx.sk_ok)) {
		*done |= RS_SHAPE;
		run_sender_shape(&rx, &k);
	}
	if (k.ok) {
		bytes_free(&k.diag);
		bytes_free(&k.message);
	} else {
		run_check_message(&k, &rx);
		run_check_end(c, &k);
	}
	ike_rx_free(&rx);
}

void run_sender_check(struct run_ctx *c, const uint8_t *p, size_t n)
{
	run_sender_judge(c, p, n, NULL, false);
}

void run_sender_established(struct run_ctx *c)
{
	const struct ike_sa *sa = c->sa;

	if (sa == NULL)
		return;
	if (sa->init_resp.len > 0)
		run_sender_judge(c, sa->init_resp.data, sa->init_resp.len,
		    &sa->init_req, true);
	if (sa->last_resp_recv.len > 0)
		run_sender_judge(c, sa->last_resp_recv.data,
		    sa->last_resp_recv.len, &sa->last_req, true);
}
