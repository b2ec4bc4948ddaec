/* test_respond: the reference responder's answers to requests outside the
 * happy path (RFC 7296 2.5, 2.6, 2.21.4, 3.1, 1.4.1, 3.10.1), its
 * counters and its log, driven in memory. */
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "names.h"
#include "respond.h"
#include "tap.h"

static const char PSK[] = "test-psk-do-not-log-7f3a";
static const char SUITE[] = "AES_CBC/256 HMAC_SHA2_256 HMAC_SHA2_256_128 ECP_256";
static const char ESP[] = "AES_GCM_16/256 ESN_NO";	/* no DH: no PFS */

static uint64_t fake_now;
static uint64_t fake_clock(void)
{
	return fake_now;
}

struct fx {
	struct ike_config ini;
	struct respond r;
	struct bytes reply;
	bool have;
	char *logbuf;
	size_t loglen;
};

static int mem_send(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	struct fx *f = ctx;

	if (respond_handle(&f->r, p, n, &f->reply, e) < 0)
		return -1;
	f->have = f->reply.len > 0;
	return 0;
}

static int mem_recv(void *ctx, struct bytes *out, uint64_t timeout_us,
    struct err *e)
{
	struct fx *f = ctx;

	(void)timeout_us;
	(void)e;
	if (!f->have)
		return 0;
	f->have = false;
	return bytes_copy(out, &f->reply) < 0 ? -1 : 1;
}

static void side(struct ike_config *c, const char *id, const char *tl,
    const char *tp)
{
	struct err e;

	ike_config_init(c);
	if (ike_policy_parse(PROTO_IKE, SUITE, &c->ike, &e) < 0 ||
	    ike_policy_parse(PROTO_ESP, ESP, &c->esp, &e) < 0 ||
	    ike_id_parse(id, &c->auth.id_type, &c->auth.id, &e) < 0 ||
	    ike_ts_add_prefix(&c->ts_local, tl, &e) < 0 ||
	    ike_ts_add_prefix(&c->ts_peer, tp, &e) < 0)
		diag("config: %s", e.text);
	c->auth.method = AUTH_SHARED_KEY_MIC;
	bytes_set(&c->auth.psk, PSK, strlen(PSK));
	c->timeout_ms = 10;
	c->tries = 1;
}

static void fx_init(struct fx *f)
{
	struct ike_config rc;
	struct err e;

	memset(f, 0, sizeof(*f));
	side(&f->ini, "ipv4:192.0.2.17", "203.0.113.0/24", "198.51.100.16/28");
	side(&rc, "ipv4:192.0.2.18", "198.51.100.16/28", "203.0.113.0/24");
	if (respond_init(&f->r, &rc, &e) < 0)
		diag("respond_init: %s", e.text);
	f->r.clock_us = fake_clock;
	f->r.log = open_memstream(&f->logbuf, &f->loglen);
}

static void fx_free(struct fx *f)
{
	FILE *log = f->r.log;

	ike_config_free(&f->ini);
	respond_free(&f->r);
	if (log)
		fclose(log);
	free(f->logbuf);
	bytes_free(&f->reply);
}

/* Sends bytes to the responder; the reply decoded (with sa's keys). */
static int feed(struct fx *f, const struct ike_sa *sa, const struct bytes *b,
    struct ike_rx *rx)
{
	struct err e;

	memset(rx, 0, sizeof(*rx));
	if (respond_handle(&f->r, b->data, b->len, &f->reply, &e) < 0) {
		diag("respond_handle: %s", e.text);
		return -1;
	}
	if (f->reply.len == 0)
		return 0;
	if (ike_rx_decode(sa, f->reply.data, f->reply.len, false, rx, &e) < 0)
		return -1;
	return 1;
}

/* An IKE_SA_INIT request of a fresh initiator, as a tree. */
static struct ike_sa *init_request(struct fx *f, struct ike_msg *m)
{
	struct ike_sa *sa = ike_sa_new(true, NULL);
	struct err e;

	if (sa && ike_build_init_request(sa, &f->ini, m, &e) < 0)
		diag("init request: %s", e.text);
	return sa;
}

static int encode(const struct ike_sa *sa, struct ike_msg *m, struct bytes *b)
{
	struct err e;
	int rc = ike_msg_encode(sa, m, NULL, b, &e);

	if (rc < 0)
		diag("encode: %s", e.text);
	ike_msg_free(m);
	return rc;
}

static struct codec_node *unknown_payload(unsigned type, bool critical)
{
	static const uint8_t body[] = { 1, 2, 3, 4, 5 };
	struct codec_node *n = codec_payload_new(type);

	if (n) {
		ike_set(n, "critical", critical);
		ike_set_data(n, "data", body, sizeof(body));
	}
	return n;
}

static bool notify_is(const struct ike_rx *rx, unsigned type,
    const uint8_t *data, size_t len)
{
	struct codec_node *n = ike_rx_notify(rx, type);
	const struct bytes *d = n ? ike_get_data(n, "data") : NULL;

	return d && d->len == len && (len == 0 || memcmp(d->data, data, len) == 0);
}

static bool zero_spi(const uint8_t *s)
{
	static const uint8_t z[IKE_SPI_LEN];

	return memcmp(s, z, IKE_SPI_LEN) == 0;
}

static void test_init_checks(void)
{
	static const uint8_t c8 = 0xc8;
	struct fx f;
	struct ike_sa *sa;
	struct ike_msg m;
	struct ike_rx rx;
	struct bytes b = BYTES_EMPTY;
	unsigned dropped;

	fx_init(&f);
	/* RFC 7296 2.5: unrecognized payload with the critical bit. */
	sa = init_request(&f, &m);
	codec_append(m.hdr, unknown_payload(200, true));
	encode(sa, &m, &b);
	ok(feed(&f, NULL, &b, &rx) == 1 &&
	    notify_is(&rx, N_UNSUPPORTED_CRITICAL_PAYLOAD, &c8, 1) &&
	    ike_rx_find(&rx, PL_SA, 1) == NULL && zero_spi(rx.spi_r) &&
	    rx.response && f.r.nsa == 0,
	    "2.5: critical unknown payload 200: UNSUPPORTED_CRITICAL_PAYLOAD(0xc8), SPIr 0, no SA kept");
	ike_rx_free(&rx);
	ike_sa_free(sa);

	sa = init_request(&f, &m);
	codec_append(m.hdr, unknown_payload(200, false));
	encode(sa, &m, &b);
	ok(feed(&f, NULL, &b, &rx) == 1 && ike_rx_find(&rx, PL_SA, 1) &&
	    ike_rx_find(&rx, PL_KE, 1) && ike_rx_error_notify(&rx) == 0 &&
	    f.r.nsa == 1, "2.5: non-critical unknown payload ignored: SA KE Nr");
	ike_rx_free(&rx);
	ike_sa_free(sa);

	/* RFC 7296 2.5: major version 3. */
	sa = init_request(&f, &m);
	ike_set(m.hdr, "major_version", 3);
	encode(sa, &m, &b);
	ok(feed(&f, NULL, &b, &rx) == 1 &&
	    notify_is(&rx, N_INVALID_MAJOR_VERSION, NULL, 0) &&
	    rx.major == 2 && ike_get(rx.hdr, "minor_version") == 0 &&
	    rx.response && rx.exchange == EXCH_IKE_SA_INIT &&
	    rx.message_id == 0 && memcmp(rx.spi_i, sa->spi_i, 8) == 0 &&
	    ike_rx_find(&rx, PL_SA, 1) == NULL && f.r.nsa == 1,
	    "2.5: major version 3: INVALID_MAJOR_VERSION in a 2.0 response, SPIi copied, no SA");
	ike_rx_free(&rx);
	ike_sa_free(sa);

	sa = init_request(&f, &m);
	ike_set(m.hdr, "minor_version", 1);
	encode(sa, &m, &b);
	ok(feed(&f, NULL, &b, &rx) == 1 && ike_rx_find(&rx, PL_SA, 1) &&
	    ike_rx_error_notify(&rx) == 0 && f.r.nsa == 2,
	    "2.5: version 2.1 accepted (minor version ignored)");
	ike_rx_free(&rx);
	ike_sa_free(sa);

	/* RFC 7296 3.1: SPIr must be zero; we drop such a request. */
	sa = init_request(&f, &m);
	ike_set(m.hdr, "spi_r", 0x0102030405060708ull);
	encode(sa, &m, &b);
	dropped = f.r.dropped;
	ok(feed(&f, NULL, &b, &rx) == 0 && f.r.dropped == dropped + 1 &&
	    f.r.nsa == 2, "3.1: IKE_SA_INIT with SPIr != 0: dropped, no SA");
	ike_sa_free(sa);

	/* A request with the R flag: never answered (1.5). */
	sa = init_request(&f, &m);
	ike_set(m.hdr, "flags.response", 1);
	encode(sa, &m, &b);
	ok(feed(&f, NULL, &b, &rx) == 0 && f.r.nsa == 2,
	    "a message with the Response flag is not answered");
	ike_sa_free(sa);
	bytes_free(&b);
	fx_free(&f);
}

static void test_cookie_threshold(void)
{
	struct fx f;
	struct ike_sa *sa;
	struct ike_msg m;
	struct ike_rx rx;
	struct bytes b = BYTES_EMPTY;

	fx_init(&f);
	f.r.cookies = true;
	f.r.cookie_threshold = 1;
	sa = init_request(&f, &m);
	encode(sa, &m, &b);
	ok(feed(&f, NULL, &b, &rx) == 1 && ike_rx_find(&rx, PL_SA, 1) &&
	    !ike_rx_notify(&rx, N_COOKIE) && f.r.nsa == 1,
	    "2.6: threshold 1, no half-open SA: no COOKIE");
	ike_rx_free(&rx);
	ike_sa_free(sa);
	sa = init_request(&f, &m);
	encode(sa, &m, &b);
	ok(feed(&f, NULL, &b, &rx) == 1 && ike_rx_notify(&rx, N_COOKIE) &&
	    ike_rx_find(&rx, PL_SA, 1) == NULL && zero_spi(rx.spi_r) &&
	    f.r.nsa == 1, "2.6: threshold 1, one half-open SA: COOKIE, no state");
	ike_rx_free(&rx);
	ike_sa_free(sa);
	/* Half-open SAs expire: the next request gets no COOKIE again. */
	fake_now += RESPOND_HALF_OPEN_US + 1;
	sa = init_request(&f, &m);
	encode(sa, &m, &b);
	ok(feed(&f, NULL, &b, &rx) == 1 && !ike_rx_notify(&rx, N_COOKIE) &&
	    f.r.nsa == 1, "half-open SA forgotten after %llu s: no COOKIE",
	    (unsigned long long)(RESPOND_HALF_OPEN_US / 1000000));
	ike_rx_free(&rx);
	ike_sa_free(sa);
	bytes_free(&b);
	fx_free(&f);
}

/* RFC 7296 2.6: the cookie binds Ni, SPIi and the initiator's address: the
 * same retry from another address is asked for a cookie again. */
static void test_cookie_address(void)
{
	struct fx f;
	struct ike_sa *sa;
	struct ike_msg m;
	struct ike_rx rx;
	struct bytes b = BYTES_EMPTY;
	struct err e = { "" };
	enum ike_result res = IKE_R_FAIL;

	fx_init(&f);
	f.r.cookies = true;
	f.r.cookie_threshold = 0;
	addr_parse("192.0.2.17", &f.r.cfg.peer, &e);
	sa = init_request(&f, &m);
	encode(sa, &m, &b);
	if (feed(&f, NULL, &b, &rx) == 1)
		res = ike_init_response(sa, &f.ini, &rx, &e);
	ike_rx_free(&rx);
	ok(res == IKE_R_RETRY, "threshold 0: COOKIE demanded (%s)", e.text);
	if (ike_build_init_request(sa, &f.ini, &m, &e) < 0)
		diag("retry: %s", e.text);
	encode(sa, &m, &b);
	addr_parse("192.0.2.99", &f.r.cfg.peer, &e);
	ok(feed(&f, NULL, &b, &rx) == 1 && ike_rx_notify(&rx, N_COOKIE) &&
	    ike_rx_find(&rx, PL_SA, 1) == NULL,
	    "2.6: the retry from another address: COOKIE again, no SA");
	ike_rx_free(&rx);
	addr_parse("192.0.2.17", &f.r.cfg.peer, &e);
	ok(feed(&f, NULL, &b, &rx) == 1 && !ike_rx_notify(&rx, N_COOKIE) &&
	    ike_rx_find(&rx, PL_SA, 1) && f.r.nsa == 1,
	    "2.6: the retry from the cookie's address: SA, KE, Nr");
	ike_rx_free(&rx);
	ike_sa_free(sa);
	bytes_free(&b);
	fx_free(&f);
}

/* RFC 7427 4: SIGNATURE_HASH_ALGORITHMS in the request is answered with
 * the responder's list when it does signatures, and only then. */
static void test_hash_algorithms(void)
{
	static const uint8_t offer[] = { 0, HASH_SHA2_256, 0, HASH_SHA2_384 };
	static const uint8_t want[] = { 0, HASH_SHA2_256, 0, HASH_SHA2_384,
		0, HASH_SHA2_512, 0, HASH_IDENTITY };
	static const uint8_t ca_hash[20] = { 0xca };
	struct fx f;
	struct ike_sa *sa;
	struct ike_msg m;
	struct ike_rx rx;
	struct bytes b = BYTES_EMPTY;
	int k;

	for (k = 0; k < 2; k++) {
		fx_init(&f);
		if (k == 1) {
			f.r.cert_auth.method = AUTH_DIGITAL_SIGNATURE;
			bytes_set(&f.r.cert_auth.certreq, ca_hash, sizeof(ca_hash));
		}
		sa = init_request(&f, &m);
		ike_notify_add(m.hdr, 0, NULL, 0, N_SIGNATURE_HASH_ALGORITHMS,
		    offer, sizeof(offer));
		encode(sa, &m, &b);
		if (k == 0)
			ok(feed(&f, NULL, &b, &rx) == 1 && ike_rx_find(&rx, PL_SA, 1) &&
			    !ike_rx_notify(&rx, N_SIGNATURE_HASH_ALGORITHMS),
			    "RFC 7427 4: PSK only: no SIGNATURE_HASH_ALGORITHMS back");
		else
			ok(feed(&f, NULL, &b, &rx) == 1 && ike_rx_find(&rx, PL_SA, 1) &&
			    notify_is(&rx, N_SIGNATURE_HASH_ALGORITHMS, want,
			    sizeof(want)),
			    "RFC 7427 4: with signatures: SIGNATURE_HASH_ALGORITHMS SHA2_256 SHA2_384 SHA2_512 IDENTITY");
		ok(k == 0 ? ike_rx_find(&rx, PL_CERTREQ, 1) == NULL :
		    ike_rx_find(&rx, PL_CERTREQ, 1) != NULL &&
		    ike_get(ike_rx_find(&rx, PL_CERTREQ, 1), "encoding") ==
		    CERT_X509_SIG &&
		    ike_get_data(ike_rx_find(&rx, PL_CERTREQ, 1), "data")->len == 20,
		    "RFC 7296 3.7: CERTREQ (X509_SIG, one CA hash) %s",
		    k == 0 ? "not sent by a PSK-only responder" :
		    "sent with certificates");
		ike_rx_free(&rx);
		ike_sa_free(sa);
		fx_free(&f);
	}
	bytes_free(&b);
}

/* An INFORMATIONAL request for IKE SA spi_i/spi_r, SK opaque. */
static void stray_info(uint64_t spi_i, uint64_t spi_r, uint32_t mid,
    struct bytes *b)
{
	struct ike_msg m = { 0 };
	struct codec_node *sk = codec_payload_new(PL_SK);
	static const uint8_t junk[48];

	m.hdr = codec_message_new();
	ike_set(m.hdr, "spi_i", spi_i);
	ike_set(m.hdr, "spi_r", spi_r);
	ike_set(m.hdr, "exchange_type", EXCH_INFORMATIONAL);
	ike_set(m.hdr, "flags.initiator", 1);
	ike_set(m.hdr, "message_id", mid);
	ike_set_data(sk, "data", junk, sizeof(junk));
	codec_append(m.hdr, sk);
	encode(NULL, &m, b);
}

static void test_unknown_sa(void)
{
	struct fx f;
	struct ike_rx rx;
	struct bytes b = BYTES_EMPTY;
	unsigned i, answered = 0;
	bool all_right = true;

	fx_init(&f);
	f.r.notify_rate = 3;
	fake_now = 5000000;
	stray_info(0x4c4c4c4c4c4c4c4cull, 0x5d5d5d5d5d5d5d5dull, 7, &b);
	for (i = 0; i < 5; i++) {
		int got = feed(&f, NULL, &b, &rx);
		if (got == 1) {
			answered++;
			all_right &= notify_is(&rx, N_INVALID_IKE_SPI, NULL, 0) &&
			    !rx.has_sk && rx.response && rx.message_id == 7 &&
			    rx.exchange == EXCH_INFORMATIONAL && !rx.initiator &&
			    memcmp(rx.spi_i, "\x4c\x4c\x4c\x4c\x4c\x4c\x4c\x4c", 8) == 0 &&
			    memcmp(rx.spi_r, "\x5d\x5d\x5d\x5d\x5d\x5d\x5d\x5d", 8) == 0;
		}
		ike_rx_free(&rx);
	}
	ok(all_right && answered == 3,
	    "2.21.4: unknown IKE SA: INVALID_IKE_SPI in the clear, SPIs and Message ID copied; 3 of 5 answered at 3/s (%u)",
	    answered);
	fake_now += 1000000;
	ok(feed(&f, NULL, &b, &rx) == 1 &&
	    notify_is(&rx, N_INVALID_IKE_SPI, NULL, 0),
	    "one second later: answered again");
	ike_rx_free(&rx);
	bytes_free(&b);
	fx_free(&f);
}

/* Sends a protected request built by the initiator API, with an
 * optional extra payload inside SK; the reply decoded with sa's keys. */
static int protected_req(struct fx *f, struct ike_sa *sa, struct ike_msg *m,
    struct codec_node *extra, struct ike_rx *rx)
{
	struct ike_transport t = { f, mem_send, mem_recv };
	struct err e;

	if (extra)
		codec_append(m->inner, extra);
	if (ike_exchange(sa, m, &t, &f->ini, rx, &e) < 0) {
		diag("exchange: %s", e.text);
		ike_msg_free(m);
		return -1;
	}
	ike_msg_free(m);
	return 0;
}

static void test_in_sa(void)
{
	static const uint8_t c201 = 201;
	struct ike_transport t;
	struct fx f;
	struct ike_sa *sa = NULL;
	struct ike_msg m;
	struct ike_rx rx;
	struct err e = { "" };
	uint8_t spi[4] = { 0xee, 0xee, 0xee, 0xee };
	size_t nchild;

	fx_init(&f);
	t = (struct ike_transport){ &f, mem_send, mem_recv };
	memset(&rx, 0, sizeof(rx));
	if (ike_establish(&f.ini, &t, true, &sa, &e) < 0) {
		ok(0, "establish: %s", e.text);
		fx_free(&f);
		return;
	}
	ok(f.r.established == 1 && f.r.nsa == 1 && f.r.sa[0]->nchild == 1,
	    "established: counted once, one CHILD SA");
	nchild = f.r.sa[0]->nchild;

	/* RFC 7296 1.4.1: a Delete naming no SA we have: empty response. */
	ok(ike_build_info_delete_child(sa, spi, 1, &m, &e) == 0 &&
	    protected_req(&f, sa, &m, NULL, &rx) == 0 && rx.sk_ok &&
	    rx.inner && rx.inner->nkids == 0 && f.r.sa[0]->nchild == nchild,
	    "1.4.1: Delete of an unknown CHILD SPI: empty INFORMATIONAL response");
	ike_rx_free(&rx);

	/* RFC 7296 3.10.1: rekey of an unknown CHILD SA. */
	ok(ike_build_create_child(sa, &f.ini, IKE_CCSA_REKEY_CHILD, spi, false,
	    &m, &e) == 0 && protected_req(&f, sa, &m, NULL, &rx) == 0 &&
	    notify_is(&rx, N_CHILD_SA_NOT_FOUND, NULL, 0) &&
	    ike_rx_find(&rx, PL_SA, 1) == NULL && f.r.sa[0]->nchild == nchild,
	    "3.10.1: rekey of an unknown CHILD SA: CHILD_SA_NOT_FOUND, nothing made");
	ike_rx_free(&rx);

	/* RFC 7296 2.5 inside SK: rejected with the type, SA unharmed. */
	ok(ike_build_info_empty(sa, &m, &e) == 0 &&
	    protected_req(&f, sa, &m, unknown_payload(201, true), &rx) == 0 &&
	    rx.sk_ok && notify_is(&rx, N_UNSUPPORTED_CRITICAL_PAYLOAD, &c201, 1),
	    "2.5: critical unknown payload in SK: protected UNSUPPORTED_CRITICAL_PAYLOAD(201)");
	ike_rx_free(&rx);
	ok(ike_build_info_empty(sa, &m, &e) == 0 &&
	    protected_req(&f, sa, &m, unknown_payload(202, false), &rx) == 0 &&
	    rx.sk_ok && rx.inner && rx.inner->nkids == 0,
	    "2.5: non-critical unknown payload in SK ignored: empty response");
	ike_rx_free(&rx);

	ok(ike_build_info_delete_ike(sa, &m, &e) == 0 &&
	    protected_req(&f, sa, &m, NULL, &rx) == 0 && f.r.deleted == 1 &&
	    f.r.nsa == 0, "Delete of the IKE SA: counted, table empty");
	ike_rx_free(&rx);
	fflush(f.r.log);
	ok(f.logbuf && strstr(f.logbuf, "< IKE_SA_INIT #0 request") &&
	    strstr(f.logbuf, "> IKE_AUTH #1 response") &&
	    strstr(f.logbuf, " established: AES_CBC/256") &&
	    strstr(f.logbuf, "CHILD SA ESP in ") &&
	    strstr(f.logbuf, " deleted: "),
	    "log: messages both ways, establishment, CHILD SA, deletion");
	ok(f.logbuf && strstr(f.logbuf, PSK) == NULL,
	    "log: the PSK never appears");
	ike_sa_free(sa);
	fx_free(&f);
}

/* IKE_AUTH credentials follow the initiator's AUTH method (RFC 7296
 * 2.15): with certificate credentials configured too, an FQDN IDi with a
 * PSK AUTH is verified with the PSK, a signature with the certificates. */
static void test_auth_choice(void)
{
	struct fx f;
	struct ike_transport t;
	struct ike_sa *sa = NULL;
	struct crypto_key *ki, *kr;
	struct err e = { "" };
	int rc;

	fx_init(&f);
	t = (struct ike_transport){ &f, mem_send, mem_recv };
	ki = crypto_key_generate("ecp256", &e);
	kr = crypto_key_generate("ecp256", &e);
	if (ki == NULL || kr == NULL) {
		tap_skip(e.text, "FQDN IDi with PSK, then with a signature");
		tap_skip(e.text, "FQDN IDi with a signature");
		crypto_key_free(ki);
		crypto_key_free(kr);
		fx_free(&f);
		return;
	}
	f.r.cert_auth.method = AUTH_ECDSA_SHA256_P256;
	f.r.cert_auth.key = kr;
	f.r.cert_auth.peer_key = ki;
	if (ike_id_parse("fqdn:ref.example", &f.r.cert_auth.id_type,
	    &f.r.cert_auth.id, &e) < 0 ||
	    ike_id_parse("fqdn:harness.example", &f.ini.auth.id_type,
	    &f.ini.auth.id, &e) < 0)
		diag("id: %s", e.text);
	rc = ike_establish(&f.ini, &t, true, &sa, &e);
	ok(rc == 0 && sa->peer_id_type == ID_IPV4_ADDR,
	    "FQDN IDi, PSK AUTH: verified with the PSK, PSK identity answers%s%s",
	    rc ? ": " : "", rc ? e.text : "");
	ike_sa_free(sa);
	sa = NULL;

	f.ini.auth.method = AUTH_ECDSA_SHA256_P256;
	f.ini.auth.key = ki;
	f.ini.auth.peer_key = kr;
	rc = ike_establish(&f.ini, &t, true, &sa, &e);
	ok(rc == 0 && sa->peer_id_type == ID_FQDN,
	    "FQDN IDi, ECDSA AUTH: verified with the certificate credentials%s%s",
	    rc ? ": " : "", rc ? e.text : "");
	ike_sa_free(sa);
	/* The keys belong to the responder's cert_auth: freed once. */
	f.ini.auth.key = f.ini.auth.peer_key = NULL;
	fx_free(&f);
}

int main(void)
{
	test_init_checks();
	test_cookie_threshold();
	test_cookie_address();
	test_hash_algorithms();
	test_unknown_sa();
	test_in_sa();
	test_auth_choice();
	return tap_done();
}
