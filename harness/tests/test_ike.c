/* test_ike: an initiator (ike API) and the reference responder engine
 * (respond.c) talk through a memory transport: IKE_SA_INIT + IKE_AUTH
 * with PSK and signatures, every IKE suite, CREATE_CHILD_SA, INFORMATIONAL,
 * COOKIE and INVALID_KE_PAYLOAD retries, a broken ICV, a retransmission. */
#include <string.h>

#include "ike.h"
#include "names.h"
#include "respond.h"
#include "tap.h"

struct mem {
	struct respond *r;
	struct bytes reply;
	bool have;
	unsigned drop_next;	/* replies to lose (retransmission test) */
};

static int mem_send(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	struct mem *m = ctx;

	if (respond_handle(m->r, p, n, &m->reply, e) < 0)
		return -1;
	m->have = m->reply.len > 0;
	if (m->have && m->drop_next) {
		m->drop_next--;
		m->have = false;
	}
	return 0;
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

static void side(struct ike_config *c, const char *ike, const char *esp,
    const char *id, const char *ts_local, const char *ts_peer)
{
	struct err e;

	ike_config_init(c);
	if (ike_policy_parse(PROTO_IKE, ike, &c->ike, &e) < 0 ||
	    ike_policy_parse(PROTO_ESP, esp, &c->esp, &e) < 0 ||
	    ike_id_parse(id, &c->auth.id_type, &c->auth.id, &e) < 0 ||
	    ike_ts_add_prefix(&c->ts_local, ts_local, &e) < 0 ||
	    ike_ts_add_prefix(&c->ts_peer, ts_peer, &e) < 0)
		diag("config: %s", e.text);
	c->auth.method = AUTH_SHARED_KEY_MIC;
	bytes_set(&c->auth.psk, PSK, strlen(PSK));
	addr_parse("127.0.0.1", &c->local, &e);
	addr_parse("127.0.0.2", &c->peer, &e);
	c->local.port = c->peer.port = 500;
	c->timeout_ms = 10;
}

struct pair {
	struct ike_config ini;
	struct respond r;
	struct mem mem;
	struct ike_transport t;
};

static void pair_init(struct pair *p, const char *ike_i, const char *ike_r,
    const char *esp)
{
	struct ike_config rc;
	struct err e;

	memset(p, 0, sizeof(*p));
	side(&p->ini, ike_i, esp, "ipv4:192.0.2.1", "203.0.113.0/24",
	    "198.51.100.16/28");
	side(&rc, ike_r, esp, "ipv4:192.0.2.18", "198.51.100.16/28",
	    "203.0.113.0/24");
	if (respond_init(&p->r, &rc, &e) < 0)
		diag("respond_init: %s", e.text);
	p->mem.r = &p->r;
	p->t = (struct ike_transport){ &p->mem, mem_send, mem_recv };
}

static void pair_free(struct pair *p)
{
	ike_config_free(&p->ini);
	respond_free(&p->r);
	bytes_free(&p->mem.reply);
}

static struct ike_sa *peer_of(struct pair *p, const struct ike_sa *sa)
{
	size_t i;

	for (i = 0; i < p->r.nsa; i++)
		if (memcmp(p->r.sa[i]->spi_i, sa->spi_i, 8) == 0 &&
		    memcmp(p->r.sa[i]->spi_r, sa->spi_r, 8) == 0)
			return p->r.sa[i];
	return NULL;
}

static bool same(const struct bytes *a, const struct bytes *b)
{
	return a->len == b->len && a->len > 0 &&
	    memcmp(a->data, b->data, a->len) == 0;
}

static bool same_keys(const struct ike_sa *a, const struct ike_sa *b)
{
	return a && b && same(&a->keys.sk_d, &b->keys.sk_d) &&
	    same(&a->keys.sk_ei, &b->keys.sk_ei) &&
	    same(&a->keys.sk_er, &b->keys.sk_er) &&
	    same(&a->keys.sk_pi, &b->keys.sk_pi) &&
	    same(&a->keys.sk_pr, &b->keys.sk_pr) &&
	    (a->suite.integ == INTEG_NONE ||
	    (same(&a->keys.sk_ai, &b->keys.sk_ai) &&
	    same(&a->keys.sk_ar, &b->keys.sk_ar)));
}

/* The child of a keyed the same way on b (a's out SPI is b's in SPI). */
static bool same_child(struct ike_sa *a, struct ike_sa *b, size_t i)
{
	struct ike_child *c, *d;

	if (a == NULL || b == NULL || i >= a->nchild)
		return false;
	c = &a->child[i];
	d = ike_sa_find_child(b, c->spi_out, true);
	return d && memcmp(d->spi_out, c->spi_in, 4) == 0 &&
	    same(&c->keymat, &d->keymat);
}

static const char ESP[] = "AES_GCM_16/256 AES_CBC/128 HMAC_SHA2_256_128 "
    "NONE MODP_2048 ECP_256 ESN_NO";

static void test_suites(void)
{
	static const char *const suites[] = {
		"AES_CBC/256 HMAC_SHA2_256 HMAC_SHA2_256_128 ECP_256",
		"AES_CBC/128 HMAC_SHA1 HMAC_SHA1_96 MODP_2048",
		"AES_CBC/192 HMAC_SHA2_384 HMAC_SHA2_384_192 ECP_384",
		"AES_CTR/128 HMAC_SHA2_512 HMAC_SHA2_512_256 CURVE25519",
		"AES_CTR/256 AES128_XCBC AES_XCBC_96 MODP_3072",
		"AES_GCM_16/128 HMAC_SHA2_256 CURVE448",
		"AES_GCM_16/256 HMAC_SHA2_384 ECP_521",
		"AES_GCM_12/256 HMAC_SHA2_256 BRAINPOOL_P256R1",
		"AES_GCM_8/128 AES128_CMAC ECP_256",
		"AES_CCM_16/128 HMAC_SHA2_256 ECP_256",
		"AES_CCM_8/256 HMAC_SHA2_256 ECP_256",
		"CHACHA20_POLY1305 HMAC_SHA2_256 CURVE25519",
		"3DES HMAC_SHA1 AES_CMAC_96 MODP_2048",
	};
	size_t i;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		struct pair p;
		struct ike_sa *sa = NULL;
		struct err e = { "" };
		int rc;

		pair_init(&p, suites[i], suites[i], ESP);
		rc = ike_establish(&p.ini, &p.t, true, &sa, &e);
		ok(rc == 0, "PSK %s: established%s%s", suites[i],
		    rc ? ": " : "", rc ? e.text : "");
		ok(sa && same_keys(sa, peer_of(&p, sa)) && sa->nchild == 1 &&
		    same_child(sa, peer_of(&p, sa), 0),
		    "%s: identical IKE keys and CHILD keymat", suites[i]);
		ike_sa_free(sa);
		pair_free(&p);
	}
}

static void test_signatures(void)
{
	static const struct { const char *key; unsigned method, hash; } m[] = {
		{ "rsa2048", AUTH_RSA_SIG, 0 },
		{ "ecp256", AUTH_ECDSA_SHA256_P256, 0 },
		{ "ecp384", AUTH_ECDSA_SHA384_P384, 0 },
		{ "rsa2048", AUTH_DIGITAL_SIGNATURE, HASH_SHA2_256 },
		{ "rsa2048", AUTH_DIGITAL_SIGNATURE, HASH_SHA2_384 | CRYPTO_AUTH_PSS },
		{ "ecp256", AUTH_DIGITAL_SIGNATURE, HASH_SHA2_256 },
		{ "ed25519", AUTH_DIGITAL_SIGNATURE, HASH_IDENTITY },
	};
	const char *suite = "AES_GCM_16/256 HMAC_SHA2_256 ECP_256";
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		struct pair p;
		struct ike_sa *sa = NULL;
		struct crypto_key *ki, *kr;
		struct err e = { "" };
		int rc;

		pair_init(&p, suite, suite, ESP);
		ki = crypto_key_generate(m[i].key, &e);
		kr = crypto_key_generate(m[i].key, &e);
		if (ki == NULL || kr == NULL) {
			tap_skip(e.text, "signature with %s", m[i].key);
			crypto_key_free(ki);
			crypto_key_free(kr);
			pair_free(&p);
			continue;
		}
		p.ini.auth.method = p.r.cfg.auth.method = m[i].method;
		p.ini.auth.hash = p.r.cfg.auth.hash = m[i].hash;
		p.ini.auth.key = ki;
		p.ini.auth.peer_key = kr;	/* verifies with its public half */
		p.r.cfg.auth.key = kr;
		p.r.cfg.auth.peer_key = ki;
		rc = ike_establish(&p.ini, &p.t, true, &sa, &e);
		ok(rc == 0 && same_keys(sa, peer_of(&p, sa)),
		    "%s %s/%u: established%s%s", m[i].key,
		    names_get(NAMES_T_AUTH, m[i].method), m[i].hash,
		    rc ? ": " : "", rc ? e.text : "");
		/* Each key is shared by both configurations: free once. */
		p.ini.auth.peer_key = p.r.cfg.auth.peer_key = NULL;
		ike_sa_free(sa);
		pair_free(&p);
	}
}

static void test_refusals(void)
{
	const char *s = "AES_CBC/256 HMAC_SHA2_256 HMAC_SHA2_256_128";
	struct pair p;
	struct ike_sa *sa = NULL;
	struct err e = { "" };
	char a[200], b[200];

	snprintf(a, sizeof(a), "%s ECP_256 MODP_2048", s);
	snprintf(b, sizeof(b), "%s MODP_2048", s);
	pair_init(&p, a, b, ESP);
	ok(ike_establish(&p.ini, &p.t, true, &sa, &e) == 0 &&
	    sa->dh_group == DH_MODP_2048 && same_keys(sa, peer_of(&p, sa)),
	    "INVALID_KE_PAYLOAD followed: MODP_2048 used (%s)", e.text);
	ike_sa_free(sa);
	sa = NULL;
	pair_free(&p);

	pair_init(&p, a, a, ESP);
	p.r.cookies = true;
	p.r.cookie_threshold = 0;
	ok(ike_establish(&p.ini, &p.t, true, &sa, &e) == 0 &&
	    same_keys(sa, peer_of(&p, sa)), "COOKIE followed (%s)", e.text);
	ok(sa && sa->cookie.len == 32, "the initiator returned a 32-byte cookie");
	ike_sa_free(sa);
	sa = NULL;
	pair_free(&p);

	snprintf(b, sizeof(b), "3DES HMAC_SHA1 HMAC_SHA1_96 MODP_2048");
	pair_init(&p, a, b, ESP);
	ok(ike_establish(&p.ini, &p.t, true, &sa, &e) < 0 &&
	    strcmp(e.text, "IKE_SA_INIT: responder answered NO_PROPOSAL_CHOSEN") == 0,
	    "no common proposal: `%s'", e.text);
	pair_free(&p);

	pair_init(&p, a, a, ESP);
	bytes_set(&p.r.cfg.auth.psk, "other", 5);
	ok(ike_establish(&p.ini, &p.t, true, &sa, &e) < 0 &&
	    strstr(e.text, "AUTHENTICATION_FAILED") != NULL,
	    "wrong PSK: `%s'", e.text);
	pair_free(&p);

	pair_init(&p, a, a, ESP);
	p.r.cfg.ts_local.n = 0;
	ike_ts_add_prefix(&p.r.cfg.ts_local, "10.0.0.0/8", &e);
	ok(ike_establish(&p.ini, &p.t, true, &sa, &e) < 0 &&
	    strstr(e.text, "TS_UNACCEPTABLE") != NULL,
	    "disjoint selectors: `%s'", e.text);
	pair_free(&p);

	pair_init(&p, a, a, ESP);
	p.r.cfg.ts_local.n = 0;
	ike_ts_add_prefix(&p.r.cfg.ts_local, "198.51.100.16/30", &e);
	ok(ike_establish(&p.ini, &p.t, true, &sa, &e) == 0 && sa->nchild == 1 &&
	    sa->child[0].tsr.ts[0].end[3] == 19,
	    "responder narrowed TSr to /30 (%s)", e.text);
	ike_sa_free(sa);
	pair_free(&p);

	/* RFC 7296 1.2: IKE_AUTH has no KE, so a responder whose CHILD SAs
	 * need PFS (no NONE in its list) takes the first CHILD SA without DH;
	 * PFS is for CREATE_CHILD_SA. */
	sa = NULL;
	e.text[0] = 0;
	pair_init(&p, a, a, "AES_GCM_16/256 ECP_256 ESN_NO");
	ok(ike_establish(&p.ini, &p.t, true, &sa, &e) == 0 && sa->nchild == 1,
	    "PFS-only responder: IKE_AUTH's CHILD SA without DH taken (%s)",
	    e.text);
	ike_sa_free(sa);
	pair_free(&p);
}

/* One request/response through the pair; the result of process. */
static enum ike_result run(struct pair *p, struct ike_sa *sa,
    struct ike_msg *m, struct err *e)
{
	struct ike_rx rx;
	enum ike_result r = IKE_R_FAIL;

	memset(&rx, 0, sizeof(rx));
	if (ike_exchange(sa, m, &p->t, &p->ini, &rx, e) == 0) {
		if (rx.exchange == EXCH_CREATE_CHILD_SA)
			r = ike_create_child_response(sa, &p->ini, &rx, e);
		else
			r = ike_info_response(sa, &rx, e);
	}
	ike_msg_free(m);
	ike_rx_free(&rx);
	return r;
}

static void test_exchanges(void)
{
	const char *s = "AES_CBC/256 HMAC_SHA2_256 HMAC_SHA2_256_128 ECP_256";
	struct pair p;
	struct ike_sa *sa = NULL, *nsa;
	struct ike_msg m;
	struct err e = { "" };
	struct bytes first = BYTES_EMPTY, in = BYTES_EMPTY;
	struct ike_sk_opts bad = { .corrupt_icv = true };
	uint8_t spi[4];
	unsigned dropped;

	pair_init(&p, s, s, ESP);
	if (ike_establish(&p.ini, &p.t, true, &sa, &e) < 0) {
		ok(0, "establish: %s", e.text);
		pair_free(&p);
		return;
	}
	ok(ike_build_create_child(sa, &p.ini, IKE_CCSA_NEW_CHILD, NULL, false,
	    &m, &e) == 0 && run(&p, sa, &m, &e) == IKE_R_OK && sa->nchild == 2 &&
	    same_child(sa, peer_of(&p, sa), 1) && !sa->child[1].pfs,
	    "CREATE_CHILD_SA new child without PFS (%s)", e.text);
	memcpy(spi, sa->child[0].spi_in, 4);	/* REKEY_SA names our inbound SPI */
	ok(ike_build_create_child(sa, &p.ini, IKE_CCSA_REKEY_CHILD, spi, true,
	    &m, &e) == 0 && run(&p, sa, &m, &e) == IKE_R_OK && sa->nchild == 3 &&
	    sa->child[2].pfs && same_child(sa, peer_of(&p, sa), 2),
	    "CREATE_CHILD_SA child rekey with PFS (%s)", e.text);
	memcpy(spi, sa->child[0].spi_in, 4);
	ok(ike_build_info_delete_child(sa, spi, 1, &m, &e) == 0 &&
	    run(&p, sa, &m, &e) == IKE_R_OK && sa->nchild == 2 &&
	    peer_of(&p, sa)->nchild == 2,
	    "INFORMATIONAL Delete of the old child: both sides drop it (%s)",
	    e.text);
	memset(spi, 0xee, 4);
	ok(ike_build_create_child(sa, &p.ini, IKE_CCSA_REKEY_CHILD, spi, false,
	    &m, &e) == 0 && run(&p, sa, &m, &e) == IKE_R_REFUSED &&
	    sa->refused == N_CHILD_SA_NOT_FOUND,
	    "rekey of an unknown child: CHILD_SA_NOT_FOUND (%s)", e.text);

	/* A broken ICV is dropped silently; the retry then works. */
	dropped = p.r.dropped;
	ok(ike_build_info_empty(sa, &m, &e) == 0 &&
	    ike_send_request(sa, &m, &bad, &p.t, &e) == 0 && !p.mem.have &&
	    p.r.dropped == dropped + 1, "broken ICV: no answer, dropped");
	ike_msg_free(&m);
	sa->next_req_id--;	/* the request was never processed */
	ok(ike_build_info_empty(sa, &m, &e) == 0 &&
	    run(&p, sa, &m, &e) == IKE_R_OK, "liveness check answered (%s)",
	    e.text);
	/* A retransmission gets the same bytes and is not processed again. */
	bytes_copy(&first, &sa->last_resp_recv);
	p.t.send(p.t.ctx, sa->last_req.data, sa->last_req.len, &e);
	ok(p.t.recv(p.t.ctx, &in, 0, &e) == 1 && same(&in, &first) &&
	    peer_of(&p, sa)->next_peer_id == sa->next_req_id,
	    "retransmitted request: identical response bytes, window unchanged");
	/* Lost response: ike_await_response retransmits. */
	p.mem.drop_next = 1;
	ok(ike_build_info_empty(sa, &m, &e) == 0 &&
	    run(&p, sa, &m, &e) == IKE_R_OK,
	    "lost response recovered by retransmission (%s)", e.text);

	ok(ike_build_create_child(sa, &p.ini, IKE_CCSA_REKEY_IKE, NULL, true,
	    &m, &e) == 0 && run(&p, sa, &m, &e) == IKE_R_OK && sa->rekeyed,
	    "CREATE_CHILD_SA IKE rekey (%s)", e.text);
	nsa = sa->rekeyed;
	sa->rekeyed = NULL;
	ok(nsa && same_keys(nsa, peer_of(&p, nsa)) && nsa->nchild == 2,
	    "rekeyed IKE SA: identical keys, children moved");
	if (nsa) {
		ok(ike_build_info_delete_ike(sa, &m, &e) == 0 &&
		    run(&p, sa, &m, &e) == IKE_R_OK && sa->state == IKE_S_DELETED,
		    "old IKE SA deleted (%s)", e.text);
		ok(ike_build_info_empty(nsa, &m, &e) == 0 &&
		    run(&p, nsa, &m, &e) == IKE_R_OK,
		    "the new IKE SA carries INFORMATIONAL (%s)", e.text);
		ok(ike_build_info_delete_ike(nsa, &m, &e) == 0 &&
		    run(&p, nsa, &m, &e) == IKE_R_OK && p.r.nsa == 0,
		    "new IKE SA deleted: responder holds no SA (%s)", e.text);
	}
	ike_sa_free(nsa);
	ike_sa_free(sa);
	bytes_free(&first);
	bytes_free(&in);
	pair_free(&p);
}

/* RFC 7296 3.3.6: a proposal with a Transform Type the responder does not
 * understand is unacceptable, the next proposal is chosen; an unknown
 * transform ID only drops that transform. */
static void test_proposal_unknown_type(void)
{
	struct ike_policy pol;
	struct ike_proposal offer[2], chosen;
	struct codec_node *msg = codec_message_new();
	struct err e;
	size_t k;
	int rc;

	if (ike_policy_parse(PROTO_IKE,
	    "AES_CBC/256 HMAC_SHA2_256 HMAC_SHA2_256_128 ECP_256", &pol, &e) < 0)
		diag("policy: %s", e.text);
	for (k = 0; k < 2; k++) {
		memset(&offer[k], 0, sizeof(offer[k]));
		offer[k].protocol = PROTO_IKE;
		offer[k].number = (unsigned)k + 1;
		offer[k].t[0] = (struct ike_transform){ TT_ENCR, ENCR_AES_CBC, 256 };
		offer[k].t[1] = (struct ike_transform){ TT_PRF, PRF_HMAC_SHA2_256, 0 };
		offer[k].t[2] = (struct ike_transform){ TT_INTEG,
		    INTEG_HMAC_SHA2_256_128, 0 };
		offer[k].t[3] = (struct ike_transform){ TT_DH, DH_ECP_256, 0 };
		offer[k].n = 4;
	}
	/* Proposal 1: an extra transform of type 200; proposal 2: an extra
	 * ENCR of an unassigned ID (1000), which is only skipped. */
	offer[0].t[offer[0].n++] = (struct ike_transform){ 200, 6, 0 };
	offer[1].t[offer[1].n++] = (struct ike_transform){ TT_ENCR, 1000, 0 };
	if (msg == NULL || ike_sa_payload_add(msg, offer, 2, &e) < 0)
		diag("SA payload: %s", e.text);
	rc = msg ? ike_proposal_select(msg->kids[0], &pol, DH_ECP_256, &chosen,
	    &e) : -1;
	ok(rc == 0 && chosen.number == 2,
	    "unknown transform type: proposal 1 refused, proposal %u chosen",
	    rc == 0 ? chosen.number : 0);
	ok(rc == 0 && ike_proposal_get(&chosen, TT_ENCR, 0) == ENCR_AES_CBC,
	    "unknown transform ID skipped: AES_CBC chosen in proposal 2");
	codec_node_free(msg);

	/* The unknown type alone: nothing acceptable (NO_PROPOSAL_CHOSEN). */
	msg = codec_message_new();
	if (msg == NULL || ike_sa_payload_add(msg, offer, 1, &e) < 0)
		diag("SA payload: %s", e.text);
	rc = msg ? ike_proposal_select(msg->kids[0], &pol, DH_ECP_256, &chosen,
	    &e) : -1;
	is_int(rc, 1, "only a proposal with an unknown transform type: none chosen");
	codec_node_free(msg);
}

/* RFC 7296 2.1, 2.4: struct ike_retx follows the profile's schedule (a
 * copy after each wait, the last wait again before giving up), or
 * tries x timeout_ms without one. */
static void test_retx_schedule(void)
{
	struct ike_config cfg;
	struct ike_retx r;

	ike_config_init(&cfg);
	cfg.retx_us[0] = 100;
	cfg.retx_us[1] = 300;
	cfg.nretx = 2;
	ike_retx_start(&r, &cfg, 1000);
	ok(r.sent == 1 && r.due_us == 1100 &&
	    ike_retx_step(&r, 1099) == IKE_RETX_WAIT,
	    "retx: armed, nothing due before the first wait");
	ok(ike_retx_step(&r, 1100) == IKE_RETX_SEND && r.sent == 2 &&
	    r.due_us == 1400 && ike_retx_step(&r, 1399) == IKE_RETX_WAIT,
	    "retx: copy 2 after 100 us, copy 3 due 300 us later");
	ok(ike_retx_step(&r, 1400) == IKE_RETX_SEND && r.sent == 3 &&
	    r.due_us == 1700, "retx: copy 3, then the last wait again");
	ok(ike_retx_step(&r, 1700) == IKE_RETX_GIVE_UP && !r.armed &&
	    ike_retx_step(&r, 9999) == IKE_RETX_WAIT,
	    "retx: given up after the last wait, then quiet");
	cfg.nretx = 0;
	cfg.tries = 2;
	cfg.timeout_ms = 5;
	ike_retx_start(&r, &cfg, 0);
	ok(ike_retx_step(&r, 5000) == IKE_RETX_SEND &&
	    ike_retx_step(&r, 9999) == IKE_RETX_WAIT &&
	    ike_retx_step(&r, 10000) == IKE_RETX_GIVE_UP,
	    "retx: without a schedule, tries x timeout_ms");
	ike_config_free(&cfg);
}

int main(void)
{
	test_retx_schedule();
	test_suites();
	test_signatures();
	test_refusals();
	test_exchanges();
	test_proposal_unknown_type();
	return tap_done();
}
