/* load_flood: the half-open flood of RFC 7296 2.6 (IKE_SA_INIT requests
 * with no IKE_AUTH after them) from many source ports at an offered
 * rate, the answers classified as they come (SA KE Nr: one more half-open
 * SA at the IUT; N(COOKIE): the IUT defends itself), then one legitimate
 * initiator that must still get through, with the cookie round trip. */
#include "load_int.h"

#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "names.h"

struct flood {
	struct load_ctx *ld;
	struct net *nets[LOAD_PORTS_MAX];
	unsigned nnets;
	struct ike_sa *tmpl_sa;		/* keys of the one request (never used) */
	struct bytes tmpl;		/* the request, encoded once */
	uint64_t spi0, spi;		/* the first probe's SPIi less 1, the last */
	/* Answers come over many sockets, so not in the order sent: which
	 * probes made a half-open SA, and the first probe answered with a
	 * COOKIE, give the half-open count at the first COOKIE. */
	uint8_t *half_open;		/* a bit per probe */
	uint64_t first_cookie;		/* probe index; UINT64_MAX: none */
};

static int flood_open(struct flood *f, struct err *e)
{
	struct load_ctx *ld = f->ld;
	struct net_config nc;
	unsigned i;

	memset(&nc, 0, sizeof(nc));
	nc.iut_addr = ld->iut;
	nc.local_addr = ld->local;
	nc.iut_port = ld->iut_port;
	nc.iut_natt_port = ld->natt_port;	/* ephemeral local ports */
	for (i = 0; i < ld->o->ports; i++) {
		if (net_open(&f->nets[i], &nc, e) < 0)
			return err_prefix(e, "flood socket %u", i + 1);
		f->nnets++;
	}
	return 0;
}

/* The one request every probe is (precomputed): no NAT-D, whose hashes
 * would name one SPIi and one port (2.23). */
static int flood_template(struct flood *f, struct err *e)
{
	struct load_ctx *ld = f->ld;
	struct ike_msg m = { 0 };
	bool natd = ld->cfg.nat_detection;
	uint8_t r[8];
	int rc;

	if ((f->tmpl_sa = ike_sa_new(true, e)) == NULL)
		return -1;
	ld->cfg.nat_detection = false;
	rc = ike_build_init_request(f->tmpl_sa, &ld->cfg, &m, e);
	ld->cfg.nat_detection = natd;
	if (rc == 0)
		rc = ike_msg_encode(f->tmpl_sa, &m, NULL, &f->tmpl, e);
	ike_msg_free(&m);
	if (rc < 0 || crypto_random(r, sizeof(r), e) < 0)
		return -1;
	f->spi = (uint64_t)r[0] << 56 | (uint64_t)r[1] << 48 |
	    (uint64_t)r[2] << 40 | (uint64_t)r[3] << 32 | (uint64_t)r[4] << 24 |
	    (uint64_t)r[5] << 16 | (uint64_t)r[6] << 8 | r[7];
	f->spi >>= 1;	/* room for the probes: no wrap to 0 */
	f->spi0 = f->spi;
	f->first_cookie = UINT64_MAX;
	if ((f->half_open = calloc(ld->o->count / 8 + 1, 1)) == NULL)
		return err_set(e, "out of memory");
	snprintf(ld->r->precompute, sizeof(ld->r->precompute),
	    "one IKE_SA_INIT request (one key pair, one nonce, no NAT-D) built before the timed part; each probe is it with a new SPIi");
	return 0;
}

static void flood_send(struct flood *f, struct err *e)
{
	struct load_result *r = f->ld->r;
	unsigned i;

	f->spi++;
	for (i = 0; i < IKE_SPI_LEN; i++)
		f->tmpl.data[i] = (uint8_t)(f->spi >> (56 - 8 * i));
	if (net_send(f->nets[r->probes % f->nnets], NET_IKE, f->tmpl.data,
	    f->tmpl.len, e) == 0)
		r->probes++;
	else
		load_cause_add(r, e->text);
}

/* One answer: SA KE Nr, N(COOKIE) or something else (an error notify). */
static void flood_answer(struct flood *f, const struct net_packet *pkt)
{
	struct load_result *r = f->ld->r;
	struct ike_rx rx;
	struct err e;
	uint64_t idx;

	if (pkt->esp || pkt->ah || pkt->keepalive)
		return;
	memset(&rx, 0, sizeof(rx));
	if (ike_rx_decode(f->tmpl_sa, pkt->data, pkt->len, false, &rx, &e) < 0 ||
	    !rx.response || rx.exchange != EXCH_IKE_SA_INIT) {
		r->answers_other += rx.hdr != NULL && rx.response;
		ike_rx_free(&rx);
		return;
	}
	load_judge(f->ld, &rx);
	idx = ike_spi_u64(rx.spi_i) - f->spi0 - 1;
	if (ike_rx_notify(&rx, N_COOKIE) != NULL) {
		r->cookie_seen = true;
		r->answers_cookie++;
		if (idx < f->ld->o->count && idx < f->first_cookie)
			f->first_cookie = idx;
	} else if (ike_rx_find(&rx, PL_KE, 1) != NULL) {
		r->answers_sa++;
		if (idx < f->ld->o->count)
			f->half_open[idx / 8] |= (uint8_t)(1u << idx % 8);
	} else {
		char text[LOAD_CAUSE_LEN];
		unsigned n = ike_rx_error_notify(&rx);

		r->answers_other++;
		snprintf(text, sizeof(text), "IKE_SA_INIT answer: N(%s)",
		    n ? names_get(NAMES_T_NOTIFY, n) : "none");
		load_cause_add(r, text);
	}
	ike_rx_free(&rx);
}

/* Reads what is there on every socket, waiting on one of them at most
 * until deadline. */
static int flood_poll(struct flood *f, uint64_t deadline, unsigned *turn,
    struct err *e)
{
	struct net_packet pkt;
	unsigned i, k;
	int rc;

	for (i = 0; i < f->nnets; i++)
		for (k = 0; k < 256 && (rc = net_recv_ready(f->nets[i], &pkt, e)) != 0;
		    k++) {
			if (rc < 0)
				return -1;
			flood_answer(f, &pkt);
		}
	if (deadline <= load_now())
		return 0;
	rc = net_recv(f->nets[(*turn)++ % f->nnets], deadline, &pkt, e);
	if (rc == 1)
		flood_answer(f, &pkt);
	return rc < 0 ? -1 : 0;
}

static int flood_run(struct flood *f, struct err *e)
{
	struct load_ctx *ld = f->ld;
	const struct load_opts *o = ld->o;
	struct load_result *r = ld->r;
	uint64_t now, stop, hard, next, progress = 0, idx;
	unsigned turn = 0;

	ld->t0 = next = load_now();
	stop = ld->t0 + (uint64_t)(o->seconds * 1e6);
	for (;;) {
		now = load_now();
		while (r->probes < o->count && now < stop &&
		    (o->rate <= 0 || now >= next)) {
			flood_send(f, e);
			r->attempts++;
			next += o->rate > 0 ? (uint64_t)(1e6 / o->rate) : 0;
			if (o->rate <= 0 && r->attempts % 64 == 0)
				break;	/* read answers between bursts */
		}
		r->attempt_s = (double)(now - ld->t0) / 1e6;
		if (r->attempts >= o->count || now >= stop)
			break;
		if (o->progress != NULL && now >= progress) {
			progress = now + LOAD_PROGRESS_US;
			r->now_s = (double)(now - ld->t0) / 1e6;
			o->progress(o->progress_arg, r);
		}
		if (flood_poll(f, o->rate > 0 ? next : now, &turn, e) < 0)
			return -1;
	}
	/* the answers still on their way, within the drain bound */
	hard = load_now() + (uint64_t)(o->drain_s * 1e6);
	while ((now = load_now()) < hard &&
	    r->answers_sa + r->answers_cookie + r->answers_other < r->probes)
		if (flood_poll(f, now + 20000 < hard ? now + 20000 : hard, &turn,
		    e) < 0)
			return -1;
	r->elapsed_s = (double)(load_now() - ld->t0) / 1e6;
	for (idx = 0; r->cookie_seen && idx < f->first_cookie &&
	    idx < r->probes; idx++)
		r->cookie_at += (f->half_open[idx / 8] >> idx % 8) & 1;
	return 0;
}

/* ---------------------------------------------- the legitimate initiator */

static int legit_send(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	struct load_ctx *ld = ctx;
	enum net_port port = ld->natt_forced && n > 18 &&
	    p[18] != EXCH_IKE_SA_INIT ? NET_NATT : NET_IKE;

	return net_send(ld->net, port, p, n, e);
}

static int legit_recv(void *ctx, struct bytes *out, uint64_t timeout_us,
    struct err *e)
{
	struct load_ctx *ld = ctx;
	uint64_t deadline = load_now() + timeout_us;
	struct net_packet pkt;
	unsigned k;
	int rc;

	for (k = 0; k < 1000; k++) {
		rc = net_recv(ld->net, deadline, &pkt, e);
		if (rc <= 0)
			return rc;
		if (pkt.esp || pkt.ah || pkt.keepalive)
			continue;
		return bytes_set(out, pkt.data, pkt.len) < 0 ?
		    err_set(e, "out of memory") : 1;
	}
	return 0;
}

static void flood_legit(struct load_ctx *ld)
{
	struct load_result *r = ld->r;
	struct ike_transport tr = { ld, legit_send, legit_recv };
	struct ike_sa *sa = NULL;
	struct ike_msg m = { 0 };
	struct ike_rx rx;
	struct err e;
	uint64_t t = load_now();

	r->legit_tried = true;
	if (ike_establish(&ld->cfg, &tr, ld->child, &sa, &e) < 0) {
		snprintf(r->legit_error, sizeof(r->legit_error), "%s", e.text);
		return;
	}
	r->legit_us = load_now() - t;
	r->legit_ok = true;
	r->legit_cookie = sa->cookie.len > 0;
	memset(&rx, 0, sizeof(rx));
	if (ike_build_info_delete_ike(sa, &m, &e) == 0 &&
	    ike_exchange(sa, &m, &tr, &ld->cfg, &rx, &e) == 0)
		r->deletes++;
	ike_msg_free(&m);
	ike_rx_free(&rx);
	ike_sa_free(sa);
}

int load_flood(struct load_ctx *ld, struct err *e)
{
	struct flood f;
	unsigned i;
	int rc = -1;

	memset(&f, 0, sizeof(f));
	f.ld = ld;
	ld->r->ports = ld->o->ports;
	if (flood_open(&f, e) < 0 || flood_template(&f, e) < 0)
		goto out;
	if (flood_run(&f, e) < 0)
		goto out;
	if (!ld->o->no_legit)
		flood_legit(ld);
	rc = 0;
out:
	for (i = 0; i < f.nnets; i++)
		(void)net_close(f.nets[i], &(struct err){ 0 });
	bytes_free(&f.tmpl);
	ike_sa_free(f.tmpl_sa);
	free(f.half_open);
	return rc;
}
