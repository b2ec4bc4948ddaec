/* test_ike_ah: AH CHILD SAs (RFC 7296 3.3, 3.3.3, 2.17), transport mode
 * (1.3.1, USE_TRANSPORT_MODE) and NAT detection (2.23) in the ike module.
 * An initiator (ike_establish and the builders) talks through a memory
 * transport to a responder made of the ike_resp_* functions alone, so
 * that what is tested here is the ike module, not the reference peer. */
#include <string.h>

#include "ike.h"
#include "names.h"
#include "tap.h"

/* ---- a responder of ike_resp_* calls -------------------------------- */

struct mem {
	struct ike_config cfg;		/* the responder's */
	struct ike_sa *sa;		/* its one IKE SA */
	struct bytes req;		/* last request received */
	struct bytes reply;
	bool have;
};

static int mem_send(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	struct mem *m = ctx;
	struct ike_msg out = { 0 };
	struct ike_rx rx;
	int rc = -1;

	memset(&rx, 0, sizeof(rx));
	m->have = false;
	if (bytes_set(&m->req, p, n) < 0)
		return err_set(e, "out of memory");
	if (m->sa == NULL && (m->sa = ike_sa_new(false, e)) == NULL)
		return -1;
	if (ike_rx_decode(m->sa, p, n, false, &rx, e) < 0)
		return -1;
	switch (rx.exchange) {
	case EXCH_IKE_SA_INIT:
		rc = ike_resp_init(m->sa, &m->cfg, &rx, &out, e);
		break;
	case EXCH_IKE_AUTH:
		rc = ike_resp_auth(m->sa, &m->cfg, &rx, &out, e);
		break;
	case EXCH_CREATE_CHILD_SA:
		rc = ike_resp_create_child(m->sa, &m->cfg, &rx, &out, e);
		break;
	case EXCH_INFORMATIONAL:
		rc = ike_resp_informational(m->sa, &m->cfg, &rx, &out, e);
		break;
	default:
		err_set(e, "unexpected exchange %u", rx.exchange);
	}
	if (rc == 0)
		rc = ike_encode_response(m->sa, &out, NULL, &m->reply, e);
	m->have = rc == 0;
	ike_msg_free(&out);
	ike_rx_free(&rx);
	return rc;
}

static int mem_recv(void *ctx, struct bytes *out, uint64_t timeout_us,
    struct err *e)
{
	struct mem *m = ctx;

	(void)timeout_us;
	(void)e;
	if (!m->have)
		return 0;
	m->have = false;
	return bytes_copy(out, &m->reply) < 0 ? -1 : 1;
}

static const char PSK[] = "a test PSK, not secret at all";
static const char IKE[] = "AES_CBC/128 HMAC_SHA2_256 HMAC_SHA2_256_128 ECP_256";
static const char ESP[] = "AES_CBC/128 HMAC_SHA2_256_128 ESN_NO";
static const char AH[] = "HMAC_SHA2_256_128 HMAC_SHA1_96 ESN_NO";

static void side(struct ike_config *c, unsigned child_proto,
    const char *child, const char *id, const char *ts_local,
    const char *ts_peer)
{
	struct err e;

	ike_config_init(c);
	if (ike_policy_parse(PROTO_IKE, IKE, &c->ike, &e) < 0 ||
	    ike_policy_parse(child_proto, child, &c->esp, &e) < 0 ||
	    ike_id_parse(id, &c->auth.id_type, &c->auth.id, &e) < 0 ||
	    ike_ts_add_prefix(&c->ts_local, ts_local, &e) < 0 ||
	    ike_ts_add_prefix(&c->ts_peer, ts_peer, &e) < 0)
		diag("config: %s", e.text);
	c->auth.method = AUTH_SHARED_KEY_MIC;
	bytes_set(&c->auth.psk, PSK, strlen(PSK));
	c->timeout_ms = 10;
}

struct pair {
	struct ike_config ini;
	struct mem mem;
	struct ike_transport t;
};

/* Initiator offering child_proto; the responder takes ESP, and AH when
 * resp_ah is not NULL. */
static void pair_init(struct pair *p, unsigned child_proto,
    const char *resp_ah)
{
	struct err e;

	memset(p, 0, sizeof(*p));
	side(&p->ini, child_proto, child_proto == PROTO_AH ? AH : ESP,
	    "ipv4:192.0.2.1", "203.0.113.0/24", "198.51.100.16/28");
	side(&p->mem.cfg, PROTO_ESP, ESP, "ipv4:192.0.2.18",
	    "198.51.100.16/28", "203.0.113.0/24");
	if (resp_ah && ike_policy_parse(PROTO_AH, resp_ah, &p->mem.cfg.ah,
	    &e) < 0)
		diag("AH policy: %s", e.text);
	p->t = (struct ike_transport){ &p->mem, mem_send, mem_recv };
}

static void pair_free(struct pair *p)
{
	ike_config_free(&p->ini);
	ike_config_free(&p->mem.cfg);
	ike_sa_free(p->mem.sa);
	bytes_free(&p->mem.req);
	bytes_free(&p->mem.reply);
}

/* The first proposal of the SA payload of a message we sent or got. */
static bool first_proposal(struct ike_sa *sa, const struct bytes *raw,
    bool own_keys, struct ike_proposal *out, size_t *nprops)
{
	struct ike_proposal props[IKE_PROPOSAL_MAX];
	struct ike_rx rx;
	struct err e;
	bool got = false;

	memset(&rx, 0, sizeof(rx));
	if (ike_rx_decode(sa, raw->data, raw->len, own_keys, &rx, &e) == 0 &&
	    ike_proposals_read(ike_rx_find(&rx, PL_SA, 1), props,
	    IKE_PROPOSAL_MAX, nprops, &e) == 0) {
		*out = props[0];
		got = true;
	}
	ike_rx_free(&rx);
	return got;
}

/* The notify of a type in a message (0: absent), and its protocol. */
static bool has_notify(struct ike_sa *sa, const struct bytes *raw,
    bool own_keys, unsigned type, unsigned *proto)
{
	struct codec_node *n;
	struct ike_rx rx;
	struct err e;
	bool got = false;

	memset(&rx, 0, sizeof(rx));
	if (ike_rx_decode(sa, raw->data, raw->len, own_keys, &rx, &e) == 0 &&
	    (n = ike_rx_notify(&rx, type)) != NULL) {
		got = true;
		if (proto)
			*proto = (unsigned)ike_get(n, "protocol");
	}
	ike_rx_free(&rx);
	return got;
}

/* The Delete payloads' protocols of a message, in order, and SPI count. */
static size_t delete_protocols(struct ike_sa *sa, const struct bytes *raw,
    bool own_keys, unsigned *protos, size_t max, size_t *nspi)
{
	struct codec_node *d;
	struct ike_rx rx;
	struct err e;
	size_t n = 0;
	unsigned i;

	memset(&rx, 0, sizeof(rx));
	*nspi = 0;
	if (ike_rx_decode(sa, raw->data, raw->len, own_keys, &rx, &e) == 0)
		for (i = 1; (d = ike_rx_find(&rx, PL_D, i)) != NULL && n < max;
		    i++) {
			protos[n++] = (unsigned)ike_get(d, "protocol");
			*nspi += d->nkids;
		}
	ike_rx_free(&rx);
	return n;
}

static bool has_type(const struct ike_proposal *p, unsigned type)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->t[i].type == type)
			return true;
	return false;
}

/* ---- policies and selection -------------------------------------------- */

static void test_ah_policy(void)
{
	struct ike_proposal props[IKE_PROPOSAL_MAX];
	struct ike_policy pol;
	struct err e = { "" };
	size_t n = 0;
	int rc;

	rc = ike_policy_parse(PROTO_AH, AH, &pol, &e);
	ok(rc == 0 && ike_policy_proposals(&pol, props, IKE_PROPOSAL_MAX, &n,
	    &e) == 0, "AH policy gives proposals%s%s", rc ? ": " : "",
	    rc ? e.text : "");
	is_int(n, 1, "AH: one proposal (no AEAD split)");
	ok(n == 1 && props[0].protocol == PROTO_AH, "AH: protocol 2");
	ok(n == 1 && !has_type(&props[0], TT_ENCR) &&
	    !has_type(&props[0], TT_PRF),
	    "AH proposal has no ENCR and no PRF (RFC 7296 3.3.3)");
	ok(n == 1 && ike_proposal_get(&props[0], TT_INTEG, 0) ==
	    INTEG_HMAC_SHA2_256_128 && has_type(&props[0], TT_ESN),
	    "AH proposal has INTEG (preferred first) and ESN");
	ike_policy_parse(PROTO_AH, "ESN_NO", &pol, &e);
	ok(ike_policy_proposals(&pol, props, IKE_PROPOSAL_MAX, &n, &e) < 0 &&
	    strstr(e.text, "integrity") != NULL,
	    "AH policy without INTEG: no proposal (%s)", e.text);
}

/* An SA payload holding the proposals, for the selection tests. */
static struct codec_node *sa_of(const struct ike_proposal *p, size_t n)
{
	struct codec_node *chain = codec_chain_new();
	struct err e;

	if (chain && ike_sa_payload_add(chain, p, n, &e) < 0)
		diag("sa_of: %s", e.text);
	return chain;
}

static struct ike_proposal prop(unsigned number, unsigned protocol,
    const char *words)
{
	struct ike_proposal p;
	struct ike_policy pol;
	struct err e;
	size_t i;

	memset(&p, 0, sizeof(p));
	if (ike_policy_parse(protocol, words, &pol, &e) < 0)
		diag("prop: %s", e.text);
	p.protocol = protocol;
	p.number = number;
	p.spi_len = IKE_CHILD_SPI_LEN;
	p.spi[0] = (uint8_t)number;
	for (i = 0; i < pol.n; i++)
		p.t[p.n++] = pol.t[i];
	return p;
}

static void test_ah_select(void)
{
	struct ike_policy esp, ah;
	const struct ike_policy *both[2] = { &esp, &ah };
	struct ike_proposal c, p[2];
	struct codec_node *sa;
	struct err e;
	int r;

	ike_policy_parse(PROTO_ESP, ESP, &esp, &e);
	ike_policy_parse(PROTO_AH, AH, &ah, &e);

	p[0] = prop(1, PROTO_AH, "HMAC_SHA1_96 HMAC_SHA2_256_128 ESN_NO");
	sa = sa_of(p, 1);
	r = ike_proposal_select(codec_find_payload(sa, PL_SA, 1), &ah, 0, &c,
	    &e);
	ok(r == 0 && c.protocol == PROTO_AH && c.spi_len == 4 &&
	    c.spi[0] == 1, "AH proposal chosen, SPI of 4 bytes kept");
	ok(r == 0 && ike_proposal_get(&c, TT_INTEG, 0) == INTEG_HMAC_SHA1_96 &&
	    !has_type(&c, TT_ENCR) && c.n == 2,
	    "chosen AH: the peer's first INTEG, ESN, nothing else");
	r = ike_proposal_select(codec_find_payload(sa, PL_SA, 1), &esp, 0, &c,
	    &e);
	is_int(r, 1, "an ESP-only policy refuses an AH proposal");
	codec_node_free(sa);

	p[0] = prop(1, PROTO_AH, "AES_CBC/128 HMAC_SHA2_256_128 ESN_NO");
	sa = sa_of(p, 1);
	is_int(ike_proposal_select(codec_find_payload(sa, PL_SA, 1), &ah, 0,
	    &c, &e), 1, "AH proposal with ENCR refused (RFC 7296 3.3.3)");
	codec_node_free(sa);

	p[0] = prop(1, PROTO_AH, "HMAC_SHA2_256 HMAC_SHA2_256_128 ESN_NO");
	sa = sa_of(p, 1);
	is_int(ike_proposal_select(codec_find_payload(sa, PL_SA, 1), &ah, 0,
	    &c, &e), 1, "AH proposal with a PRF refused");
	codec_node_free(sa);

	p[0] = prop(1, PROTO_AH, "ESN_NO");
	sa = sa_of(p, 1);
	is_int(ike_proposal_select(codec_find_payload(sa, PL_SA, 1), &ah, 0,
	    &c, &e), 1, "AH proposal without INTEG refused");
	codec_node_free(sa);

	p[0] = prop(1, PROTO_ESP, ESP);
	p[1] = prop(2, PROTO_AH, AH);
	sa = sa_of(p, 2);
	r = ike_proposal_select_any(codec_find_payload(sa, PL_SA, 1), both, 2,
	    0, &c, &e);
	ok(r == 0 && c.protocol == PROTO_ESP && c.number == 1,
	    "ESP first, AH second: the peer's first (ESP) wins");
	codec_node_free(sa);
	p[0] = prop(1, PROTO_AH, AH);
	p[1] = prop(2, PROTO_ESP, ESP);
	sa = sa_of(p, 2);
	r = ike_proposal_select_any(codec_find_payload(sa, PL_SA, 1), both, 2,
	    0, &c, &e);
	ok(r == 0 && c.protocol == PROTO_AH && c.number == 1,
	    "AH first, ESP second: AH wins (RFC 7296 2.7, peer's order)");
	ah.n = 0;
	r = ike_proposal_select_any(codec_find_payload(sa, PL_SA, 1), both, 2,
	    0, &c, &e);
	ok(r == 0 && c.protocol == PROTO_ESP && c.number == 2,
	    "an empty AH policy accepts no AH: ESP proposal 2 chosen");
	codec_node_free(sa);
}

/* ---- establishing AH children ------------------------------------------ */

/* The responder's child that pairs with the initiator's child i. */
static struct ike_child *peer_child(struct pair *p, struct ike_sa *sa,
    size_t i)
{
	if (p->mem.sa == NULL || i >= sa->nchild)
		return NULL;
	return ike_sa_find_child(p->mem.sa, sa->child[i].spi_out, true);
}

static bool same_bytes(const struct bytes *a, const struct bytes *b)
{
	return a->len == b->len && a->len > 0 &&
	    memcmp(a->data, b->data, a->len) == 0;
}

static void test_ah_establish(void)
{
	struct pair p;
	struct ike_sa *sa = NULL;
	struct ike_child *c, *d;
	struct ike_proposal off, got;
	struct bytes want = BYTES_EMPTY;
	struct err e = { "" };
	size_t n = 0, klen = crypto_integ_key_len(INTEG_HMAC_SHA2_256_128);
	int rc;

	pair_init(&p, PROTO_AH, AH);
	rc = ike_establish(&p.ini, &p.t, true, &sa, &e);
	ok(rc == 0, "IKE_AUTH with an AH child: established%s%s",
	    rc ? ": " : "", rc ? e.text : "");
	if (rc != 0) {
		pair_free(&p);
		return;
	}
	ok(first_proposal(sa, &p.mem.req, true, &off, &n) && n == 1 &&
	    off.protocol == PROTO_AH && off.spi_len == 4 &&
	    !has_type(&off, TT_ENCR) && has_type(&off, TT_INTEG),
	    "request: SA(AH, SPI size 4, INTEG, no ENCR)");
	ok(first_proposal(sa, &sa->last_resp_recv, false, &got, &n) &&
	    n == 1 && got.protocol == PROTO_AH && got.spi_len == 4 &&
	    !has_type(&got, TT_ENCR) &&
	    ike_proposal_get(&got, TT_INTEG, 0) == INTEG_HMAC_SHA2_256_128,
	    "response: SA(AH, SPI size 4, HMAC_SHA2_256_128, no ENCR)");
	c = sa->nchild == 1 ? &sa->child[0] : NULL;
	d = peer_child(&p, sa, 0);
	ok(c && c->protocol == PROTO_AH && c->proposal.protocol == PROTO_AH &&
	    d && d->protocol == PROTO_AH, "both sides hold an AH child");
	ok(c && d && memcmp(c->spi_in, d->spi_out, 4) == 0 &&
	    memcmp(c->spi_out, d->spi_in, 4) == 0, "SPIs pair up");
	ok(c && c->encr_key_len == 0 && c->integ_key_len == klen,
	    "AH keys: no encryption key, %zu-byte integrity key", klen);
	is_int(c ? c->keymat.len : 0, 2 * klen,
	    "AH KEYMAT is SK_ai | SK_ar only (RFC 7296 2.17)");
	ok(c && d && same_bytes(&c->keymat, &d->keymat),
	    "initiator and responder KEYMAT identical");
	ok(crypto_child_keymat(sa->suite.prf, sa->keys.sk_d.data,
	    sa->keys.sk_d.len, NULL, 0, sa->ni.data, sa->ni.len, sa->nr.data,
	    sa->nr.len, 2 * klen, &want, &e) == 0 && c &&
	    same_bytes(&c->keymat, &want),
	    "KEYMAT = the first octets of prf+(SK_d, Ni | Nr)");
	ok(c && !c->transport && d && !d->transport,
	    "no transport mode asked: tunnel on both sides");
	bytes_free(&want);
	ike_sa_free(sa);
	pair_free(&p);

	/* The same responder refuses AH when it has no AH policy. */
	pair_init(&p, PROTO_AH, NULL);
	rc = ike_establish(&p.ini, &p.t, true, &sa, &e);
	ok(rc < 0 && strstr(e.text, "NO_PROPOSAL_CHOSEN") != NULL,
	    "responder without [ah]: CHILD SA refused (%s)", e.text);
	ike_sa_free(sa);
	pair_free(&p);

	/* An ESP child for contrast: ENCR key first (2.17). */
	pair_init(&p, PROTO_ESP, AH);
	sa = NULL;
	rc = ike_establish(&p.ini, &p.t, true, &sa, &e);
	c = rc == 0 && sa->nchild == 1 ? &sa->child[0] : NULL;
	ok(c && c->protocol == PROTO_ESP && c->encr_key_len == 16 &&
	    c->keymat.len == 2 * (16 + klen),
	    "ESP child beside an AH-capable responder: ESP, SK_ei | SK_ai | SK_er | SK_ar");
	ike_sa_free(sa);
	pair_free(&p);
}

/* One request/response of the initiator through the pair. */
static int exchange(struct pair *p, struct ike_sa *sa, struct ike_msg *m,
    struct ike_rx *rx, struct err *e)
{
	int rc = ike_exchange(sa, m, &p->t, &p->ini, rx, e);

	ike_msg_free(m);
	return rc;
}

static void test_ah_create_rekey_delete(void)
{
	struct pair p;
	struct ike_sa *sa = NULL;
	struct ike_msg m = { 0 };
	struct ike_rx rx;
	struct err e = { "" };
	unsigned proto = 0, protos[4];
	uint8_t spi[IKE_CHILD_SPI_LEN];
	size_t nd, nspi;
	enum ike_result r = IKE_R_FAIL;

	memset(&rx, 0, sizeof(rx));
	pair_init(&p, PROTO_AH, AH);
	if (ike_establish(&p.ini, &p.t, false, &sa, &e) < 0) {
		ok(0, "childless IKE SA: %s", e.text);
		pair_free(&p);
		return;
	}
	if (ike_build_create_child(sa, &p.ini, IKE_CCSA_NEW_CHILD, NULL, false,
	    &m, &e) == 0 && exchange(&p, sa, &m, &rx, &e) == 0)
		r = ike_create_child_response(sa, &p.ini, &rx, &e);
	ok(r == IKE_R_OK && sa->nchild == 1 &&
	    sa->child[0].protocol == PROTO_AH && sa->child[0].encr_key_len == 0,
	    "CREATE_CHILD_SA: a new AH child%s%s", r ? ": " : "",
	    r ? e.text : "");
	ok(sa->nchild == 1 && peer_child(&p, sa, 0) &&
	    same_bytes(&sa->child[0].keymat, &peer_child(&p, sa, 0)->keymat),
	    "new AH child keyed alike on both sides");

	r = IKE_R_FAIL;
	if (sa->nchild == 1) {
		memcpy(spi, sa->child[0].spi_in, sizeof(spi));
		if (ike_build_create_child(sa, &p.ini, IKE_CCSA_REKEY_CHILD,
		    spi, false, &m, &e) == 0 &&
		    exchange(&p, sa, &m, &rx, &e) == 0)
			r = ike_create_child_response(sa, &p.ini, &rx, &e);
	}
	ok(has_notify(sa, &p.mem.req, true, N_REKEY_SA, &proto) &&
	    proto == PROTO_AH, "rekey: N(REKEY_SA) with protocol AH (RFC 7296 1.3.3)");
	ok(r == IKE_R_OK && sa->nchild == 2 && sa->child[1].protocol == PROTO_AH,
	    "rekey of the AH child answered with an AH child%s%s",
	    r ? ": " : "", r ? e.text : "");

	/* Delete the old one: the Delete names AH, and so does the answer. */
	r = IKE_R_FAIL;
	if (ike_build_info_delete_child(sa, spi, 1, &m, &e) == 0 &&
	    exchange(&p, sa, &m, &rx, &e) == 0)
		r = ike_info_response(sa, &rx, &e);
	nd = delete_protocols(sa, &p.mem.req, true, protos, 4, &nspi);
	ok(nd == 1 && protos[0] == PROTO_AH && nspi == 1,
	    "INFORMATIONAL request: D(AH, 1 SPI) (RFC 7296 3.11)");
	nd = delete_protocols(sa, &sa->last_resp_recv, false, protos, 4, &nspi);
	ok(r == IKE_R_OK && nd == 1 && protos[0] == PROTO_AH && nspi == 1,
	    "response: D(AH) with the responder's SPI");
	ok(sa->nchild == 1 && p.mem.sa && p.mem.sa->nchild == 1 &&
	    memcmp(sa->child[0].spi_in, spi, 4) != 0,
	    "the old AH child is gone on both sides, the new one stays");

	/* A Delete of the AH child's SPI under ESP removes nothing. */
	if (sa->nchild == 1) {
		memcpy(spi, sa->child[0].spi_in, sizeof(spi));
		r = IKE_R_FAIL;
		sa->child[0].protocol = PROTO_ESP;	/* so the Delete says ESP */
		if (ike_build_info_delete_child(sa, spi, 1, &m, &e) == 0 &&
		    exchange(&p, sa, &m, &rx, &e) == 0) {
			sa->child[0].protocol = PROTO_AH;
			r = ike_info_response(sa, &rx, &e);
		}
		nd = delete_protocols(sa, &sa->last_resp_recv, false, protos, 4,
		    &nspi);
		ok(r == IKE_R_OK && nd == 0 && p.mem.sa->nchild == 1,
		    "D(ESP) with an AH SPI: nothing deleted, empty answer");
	}
	ike_rx_free(&rx);
	ike_sa_free(sa);
	pair_free(&p);
}

/* ---- transport mode ----------------------------------------------------- */

static void transport_case(bool ask, bool allow, unsigned proto)
{
	struct pair p;
	struct ike_sa *sa = NULL;
	struct ike_child *c, *d;
	struct ike_msg m = { 0 };
	struct ike_rx rx;
	struct err e = { "" };
	bool in_req, in_resp;
	enum ike_result r = IKE_R_FAIL;
	const char *pn = proto == PROTO_AH ? "AH" : "ESP";
	int rc;

	memset(&rx, 0, sizeof(rx));
	pair_init(&p, proto, AH);
	p.ini.use_transport = ask;
	p.mem.cfg.transport_ok = allow;
	rc = ike_establish(&p.ini, &p.t, true, &sa, &e);
	if (rc < 0) {
		ok(0, "%s ask=%d allow=%d: %s", pn, ask, allow, e.text);
		pair_free(&p);
		return;
	}
	in_req = has_notify(sa, &p.mem.req, true, N_USE_TRANSPORT_MODE, NULL);
	in_resp = has_notify(sa, &sa->last_resp_recv, false,
	    N_USE_TRANSPORT_MODE, NULL);
	c = &sa->child[0];
	d = peer_child(&p, sa, 0);
	ok(in_req == ask, "%s IKE_AUTH, ask=%d allow=%d: request %s N(USE_TRANSPORT_MODE)",
	    pn, ask, allow, ask ? "has" : "has no");
	ok(in_resp == (ask && allow),
	    "%s IKE_AUTH, ask=%d allow=%d: response %s N(USE_TRANSPORT_MODE) (RFC 7296 1.3.1)",
	    pn, ask, allow, ask && allow ? "has" : "has no");
	ok(c->transport == (ask && allow) && d && d->transport == c->transport,
	    "%s IKE_AUTH, ask=%d allow=%d: both children %s", pn, ask, allow,
	    ask && allow ? "transport" : "tunnel");

	/* The same through CREATE_CHILD_SA. */
	if (ike_build_create_child(sa, &p.ini, IKE_CCSA_NEW_CHILD, NULL, false,
	    &m, &e) == 0 && exchange(&p, sa, &m, &rx, &e) == 0)
		r = ike_create_child_response(sa, &p.ini, &rx, &e);
	in_resp = has_notify(sa, &sa->last_resp_recv, false,
	    N_USE_TRANSPORT_MODE, NULL);
	d = peer_child(&p, sa, 1);
	ok(r == IKE_R_OK && sa->nchild == 2 &&
	    in_resp == (ask && allow) && sa->child[1].transport == in_resp &&
	    d && d->transport == in_resp,
	    "%s CREATE_CHILD_SA, ask=%d allow=%d: %s", pn, ask, allow,
	    ask && allow ? "transport agreed" : "tunnel");
	ike_rx_free(&rx);
	ike_sa_free(sa);
	pair_free(&p);
}

static void test_transport(void)
{
	transport_case(true, true, PROTO_ESP);
	transport_case(true, false, PROTO_ESP);
	transport_case(false, true, PROTO_ESP);
	transport_case(true, true, PROTO_AH);
}

/* ---- NAT detection ------------------------------------------------------ */

/* SHA-1(SPIi | SPIr | IP | port), computed here on its own (2.23). */
static void natd_expect(const uint8_t *spi_i, const uint8_t *spi_r,
    const uint8_t *ip, size_t iplen, uint16_t port, struct bytes *out)
{
	uint8_t buf[8 + 8 + 16 + 2];
	struct err e;

	memcpy(buf, spi_i, 8);
	memcpy(buf + 8, spi_r, 8);
	memcpy(buf + 16, ip, iplen);
	buf[16 + iplen] = (uint8_t)(port >> 8);
	buf[17 + iplen] = (uint8_t)port;
	if (crypto_hash(HASH_SHA1, buf, 18 + iplen, out, &e) < 0)
		diag("crypto_hash: %s", e.text);
}

static struct addr addr(const char *text, uint16_t port)
{
	struct addr a;
	struct err e;

	memset(&a, 0, sizeof(a));
	if (addr_parse(text, &a, &e) < 0)
		diag("addr: %s", e.text);
	a.port = port;
	return a;
}

static void test_natd_known(void)
{
	static const uint8_t spi_i[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
		0x07, 0x08 };
	static const uint8_t spi_r[8] = { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
		0x17, 0x18 };
	static const uint8_t ip_src[4] = { 192, 0, 2, 34 };
	static const uint8_t ip_dst[4] = { 192, 0, 2, 33 };
	static const uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 2,
		0, 0, 0, 0, 0, 0, 0, 2 };
	struct addr src = addr("192.0.2.34", 500),
	    dst = addr("192.0.2.33", 500);
	struct bytes hs = BYTES_EMPTY, hd = BYTES_EMPTY, h = BYTES_EMPTY;
	struct codec_node *msg = codec_message_new();
	struct ike_natd nd;
	struct err e = { "" };
	int rc;

	natd_expect(spi_i, spi_r, ip_src, 4, 500, &hs);
	natd_expect(spi_i, spi_r, ip_dst, 4, 500, &hd);
	ok(ike_natd_hash(spi_i, spi_r, &src, &h, &e) == 0 &&
	    same_bytes(&h, &hs) && h.len == IKE_NATD_LEN,
	    "ike_natd_hash = SHA-1(SPIi | SPIr | IP | port), 20 bytes");
	ike_notify_add(msg, 0, NULL, 0, N_NAT_DETECTION_SOURCE_IP, hs.data,
	    hs.len);
	ike_notify_add(msg, 0, NULL, 0, N_NAT_DETECTION_DESTINATION_IP,
	    hd.data, hd.len);
	rc = ike_natd_check(msg, spi_i, spi_r, &src, &dst, &nd, &e);
	ok(rc == 0 && nd.nsrc == 1 && nd.ndst == 1 && nd.src_match &&
	    nd.dst_match && nd.bad_len == 0,
	    "right hashes: source and destination match");

	src.port = 4500;
	rc = ike_natd_check(msg, spi_i, spi_r, &src, &dst, &nd, &e);
	ok(rc == 0 && !nd.src_match && nd.dst_match,
	    "source port changed (a NAT in front of the sender): no source match");
	src = addr("198.51.100.34", 500);
	rc = ike_natd_check(msg, spi_i, spi_r, &src, &dst, &nd, &e);
	ok(rc == 0 && !nd.src_match && nd.dst_match,
	    "source address changed: no source match");
	src = addr("192.0.2.34", 500);
	dst = addr("203.0.113.1", 500);
	rc = ike_natd_check(msg, spi_i, spi_r, &src, &dst, &nd, &e);
	ok(rc == 0 && nd.src_match && !nd.dst_match,
	    "we are elsewhere than the sender addressed: no destination match");
	dst = addr("192.0.2.33", 500);
	rc = ike_natd_check(msg, spi_r, spi_i, &src, &dst, &nd, &e);
	ok(rc == 0 && !nd.src_match && !nd.dst_match,
	    "SPIs swapped: nothing matches (the order is SPIi | SPIr)");

	/* RFC 7296 2.23: several SOURCE_IP (multihomed), one is enough. */
	codec_node_free(msg);
	msg = codec_message_new();
	ike_notify_add(msg, 0, NULL, 0, N_NAT_DETECTION_SOURCE_IP, hd.data,
	    hd.len);
	ike_notify_add(msg, 0, NULL, 0, N_NAT_DETECTION_SOURCE_IP, hs.data,
	    hs.len);
	ike_notify_add(msg, 0, NULL, 0, N_NAT_DETECTION_DESTINATION_IP,
	    hs.data, 19);
	rc = ike_natd_check(msg, spi_i, spi_r, &src, &dst, &nd, &e);
	ok(rc == 0 && nd.nsrc == 2 && nd.src_match && nd.ndst == 1 &&
	    !nd.dst_match && nd.bad_len == 1,
	    "two SOURCE_IP, the second right: match; a 19-byte DESTINATION_IP counted bad");
	codec_node_free(msg);

	/* IPv6. */
	msg = codec_message_new();
	natd_expect(spi_i, spi_r, ip6, 16, 4500, &h);
	ike_notify_add(msg, 0, NULL, 0, N_NAT_DETECTION_SOURCE_IP, h.data,
	    h.len);
	src = addr("2001:db8:2:2::2", 4500);
	rc = ike_natd_check(msg, spi_i, spi_r, &src, &dst, &nd, &e);
	ok(rc == 0 && nd.nsrc == 1 && nd.src_match && nd.ndst == 0 &&
	    !nd.dst_match, "IPv6 source hash matches; no DESTINATION_IP");
	codec_node_free(msg);

	/* No NAT-D at all. */
	msg = codec_message_new();
	rc = ike_natd_check(msg, spi_i, spi_r, &src, &dst, &nd, &e);
	ok(rc == 0 && nd.nsrc == 0 && nd.ndst == 0 && !nd.src_match &&
	    !nd.dst_match, "no NAT-D notifies: none counted, nothing matches");
	codec_node_free(msg);
	bytes_free(&hs);
	bytes_free(&hd);
	bytes_free(&h);
}

/* The notifies the ike module builds in IKE_SA_INIT check out. */
static void test_natd_init(void)
{
	struct pair p;
	struct ike_sa *sa = ike_sa_new(true, NULL), *rsa = NULL;
	struct ike_msg m = { 0 }, out = { 0 };
	struct ike_rx rx;
	struct ike_natd nd;
	struct bytes raw = BYTES_EMPTY;
	struct err e = { "" };
	static const uint8_t zero[8];
	int rc;

	memset(&rx, 0, sizeof(rx));
	pair_init(&p, PROTO_ESP, NULL);
	p.ini.local = addr("192.0.2.33", 500);
	p.ini.peer = addr("192.0.2.34", 500);
	p.mem.cfg.local = p.ini.peer;
	p.mem.cfg.peer = p.ini.local;
	rc = sa ? ike_build_init_request(sa, &p.ini, &m, &e) : -1;
	ok(rc == 0 && ike_natd_check(m.hdr, sa->spi_i, zero, &p.ini.local,
	    &p.ini.peer, &nd, &e) == 0 && nd.nsrc == 1 && nd.ndst == 1 &&
	    nd.src_match && nd.dst_match,
	    "our IKE_SA_INIT request: NAT-D over SPIi | 0, both match");
	if (rc == 0 && ike_msg_encode(sa, &m, NULL, &raw, &e) == 0 &&
	    ike_rx_decode(NULL, raw.data, raw.len, false, &rx, &e) == 0 &&
	    (rsa = ike_sa_new(false, &e)) != NULL &&
	    ike_resp_init(rsa, &p.mem.cfg, &rx, &out, &e) == 0) {
		ok(ike_natd_check(out.hdr, rsa->spi_i, rsa->spi_r,
		    &p.mem.cfg.local, &p.mem.cfg.peer, &nd, &e) == 0 &&
		    nd.src_match && nd.dst_match,
		    "the response: NAT-D over SPIi | SPIr, both match");
		ok(ike_natd_check(out.hdr, rsa->spi_i, zero, &p.mem.cfg.local,
		    &p.mem.cfg.peer, &nd, &e) == 0 && !nd.src_match &&
		    !nd.dst_match, "... and not over SPIi | 0");
	} else {
		ok(0, "IKE_SA_INIT response: %s", e.text);
	}
	ike_msg_free(&m);
	ike_msg_free(&out);
	ike_rx_free(&rx);
	bytes_free(&raw);
	ike_sa_free(sa);
	ike_sa_free(rsa);
	pair_free(&p);
}

int main(void)
{
	test_ah_policy();
	test_ah_select();
	test_ah_establish();
	test_ah_create_rekey_delete();
	test_transport();
	test_natd_known();
	test_natd_init();
	return tap_done();
}
