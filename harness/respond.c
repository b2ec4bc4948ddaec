/* respond: dispatch of requests to IKE SAs, the Message-ID window (RFC
 * 7296 2.1-2.3), cookies (2.6), version and critical-payload checks (2.5),
 * requests outside any SA (2.21.4), silent drops (2.21.1). */
#include <stdlib.h>	/* abort: the planted bug only */
#include <string.h>
#include <time.h>

#include "evidence.h"
#include "ike.h"
#include "names.h"
#include "respond.h"

_Static_assert(RESPOND_ESP_SA_MAX >= RESPOND_SA_MAX * IKE_CHILD_MAX,
    "the data plane holds every child of every IKE SA");

int respond_init(struct respond *r, struct ike_config *cfg, struct err *e)
{
	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	r->notify_rate = RESPOND_NOTIFY_RATE;
	if ((r->esp = respond_esp_new(e)) == NULL)
		return -1;
	/* the echo service answers for our side of the selectors */
	r->esp->protected = r->cfg.ts_local;
	return crypto_random(r->cookie_secret, sizeof(r->cookie_secret), e);
}

void respond_free(struct respond *r)
{
	size_t i;

	for (i = 0; i < r->nsa; i++)
		ike_sa_free(r->sa[i]);
	ike_config_free(&r->cfg);
	ike_auth_conf_free(&r->cert_auth);
	respond_esp_free(r->esp);
	memset(r, 0, sizeof(*r));
}

static uint64_t now_us(const struct respond *r)
{
	struct timespec ts;

	if (r->clock_us)
		return r->clock_us();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void log_line(struct respond *r, const char *dir, const char *text)
{
	if (r->log) {
		fprintf(r->log, "%s%s%s %s\n", dir, r->peer_text ? " " : "",
		    r->peer_text ? r->peer_text : "", text);
		fflush(r->log);
	}
}

static void spi_hex(const uint8_t *spi, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[spi[i] >> 4];
		out[2 * i + 1] = hex[spi[i] & 15];
	}
	out[2 * n] = '\0';
}

/* "= IKE SA i/r established: suite" and a line per CHILD SA (no keys). */
static void log_sa(struct respond *r, const struct ike_sa *sa,
    const char *what)
{
	char si[17], sr[17], ci[9], co[9], alg[256], line[512];
	size_t k;

	if (r->log == NULL)
		return;
	spi_hex(sa->spi_i, IKE_SPI_LEN, si);
	spi_hex(sa->spi_r, IKE_SPI_LEN, sr);
	ike_proposal_format(&sa->proposal, alg, sizeof(alg));
	snprintf(line, sizeof(line), "IKE SA %s/%s %s: %s, %zu CHILD SA%s",
	    si, sr, what, alg, sa->nchild, sa->nchild == 1 ? "" : "s");
	log_line(r, "=", line);
	for (k = 0; k < sa->nchild; k++) {
		spi_hex(sa->child[k].spi_in, IKE_CHILD_SPI_LEN, ci);
		spi_hex(sa->child[k].spi_out, IKE_CHILD_SPI_LEN, co);
		ike_proposal_format(&sa->child[k].proposal, alg, sizeof(alg));
		snprintf(line, sizeof(line), "CHILD SA %s in %s out %s: %s",
		    names_get(NAMES_T_PROTOCOL, sa->child[k].protocol), ci, co,
		    alg);
		log_line(r, "=", line);
	}
}

static struct ike_sa *find_sa(struct respond *r, const struct ike_rx *rx,
    size_t *idx)
{
	size_t i;

	for (i = 0; i < r->nsa; i++)
		if (memcmp(r->sa[i]->spi_i, rx->spi_i, IKE_SPI_LEN) == 0 &&
		    (rx->exchange == EXCH_IKE_SA_INIT ||
		    memcmp(r->sa[i]->spi_r, rx->spi_r, IKE_SPI_LEN) == 0)) {
			*idx = i;
			return r->sa[i];
		}
	return NULL;
}

static void remove_sa(struct respond *r, size_t i)
{
	ike_sa_free(r->sa[i]);
	r->nsa--;
	r->sa[i] = r->sa[r->nsa];
	r->seen_us[i] = r->seen_us[r->nsa];
}

static void add_sa(struct respond *r, struct ike_sa *sa, uint64_t now,
    const struct ike_sa *keep)
{
	size_t i, old = r->sa[0] == keep ? 1 : 0;

	if (r->nsa == RESPOND_SA_MAX) {
		/* Full: the least recently used SA (but keep) makes room. */
		for (i = old + 1; i < r->nsa; i++)
			if (r->sa[i] != keep && r->seen_us[i] < r->seen_us[old])
				old = i;
		log_sa(r, r->sa[old], "forgotten (table full)");
		remove_sa(r, old);
	}
	r->sa[r->nsa] = sa;
	r->seen_us[r->nsa++] = now;
}

/* Half-open SAs whose IKE_AUTH never came are forgotten (2.6: a
 * responder keeps as little half-open state as it can). */
static void expire(struct respond *r, uint64_t now)
{
	size_t i = 0;

	while (i < r->nsa) {
		if (r->sa[i]->state == IKE_S_INIT_DONE &&
		    now - r->seen_us[i] > RESPOND_HALF_OPEN_US)
			remove_sa(r, i);
		else
			i++;
	}
}

static size_t half_open(const struct respond *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nsa; i++)
		n += r->sa[i]->state == IKE_S_INIT_DONE;
	return n;
}

/* Whether another unprotected error notify may go out this second: they
 * answer unauthenticated messages, so an attacker must not be able to
 * turn the responder into a reflector (RFC 7296 2.21.4: "rate limit"). */
static bool notify_allowed(struct respond *r, uint64_t now)
{
	if (now - r->notify_window_us >= 1000000u || now < r->notify_window_us) {
		r->notify_window_us = now;
		r->notify_sent = 0;
	}
	if (r->notify_sent >= r->notify_rate)
		return false;
	r->notify_sent++;
	return true;
}

/* An unprotected response outside any IKE SA (RFC 7296 1.5, 2.21.4): the
 * request's SPIs, exchange type and Message ID, R set, I the opposite of
 * the request's, version 2.0, one Notify. */
static int clear_notify(struct respond *r, const struct ike_rx *rx,
    unsigned type, uint64_t now, struct bytes *out, struct err *e)
{
	struct codec_node *hdr;
	int rc;

	if (!notify_allowed(r, now)) {
		r->dropped++;
		return 0;
	}
	if ((hdr = codec_message_new()) == NULL)
		return err_set(e, "%s: out of memory", __func__);
	if (ike_set(hdr, "spi_i", ike_spi_u64(rx->spi_i)) < 0 ||
	    ike_set(hdr, "spi_r", ike_spi_u64(rx->spi_r)) < 0 ||
	    ike_set(hdr, "exchange_type", rx->exchange) < 0 ||
	    ike_set(hdr, "flags.initiator", !rx->initiator) < 0 ||
	    ike_set(hdr, "flags.response", 1) < 0 ||
	    ike_set(hdr, "message_id", rx->message_id) < 0 ||
	    ike_notify_add(hdr, 0, NULL, 0, type, NULL, 0) == NULL) {
		codec_node_free(hdr);
		return err_set(e, "%s: out of memory", __func__);
	}
	rc = codec_encode(hdr, out, e);
	codec_node_free(hdr);
	return rc;
}

/* The type of the first unrecognized payload with the critical bit set
 * (RFC 7296 2.5, 3.2), or -1. Only a type the codec has no table for is
 * "unrecognized": a known payload with the bit set is processed. */
static int critical_unknown(const struct respond *r,
    const struct codec_problems *pr)
{
	const struct codec_problem *p =
	    codec_problems_find(pr, CODEC_P_UNKNOWN_PAYLOAD_CRITICAL);

	if (respond_impair_has(&r->impair, RESPOND_IMPAIR_CRITICAL_IGNORED))
		return -1;
	return p && p->node ? (int)p->node->ptype : -1;
}

/* COOKIE = SHA-256(secret | Ni | IPi | SPIi): RFC 7296 2.6 suggests
 * Hash(Ni | IPi | SPIi | <secret>), so that a cookie fits one initiator's
 * address and request only (the retry repeats Ni and SPIi unchanged). */
static int cookie_of(const struct respond *r, const struct ike_rx *rx,
    struct bytes *c, struct err *e)
{
	struct codec_node *ni = ike_rx_find(rx, PL_NONCE, 1);
	struct bytes in = BYTES_EMPTY;
	int rc;

	if (bytes_append(&in, r->cookie_secret, sizeof(r->cookie_secret)) < 0 ||
	    (ni && bytes_append(&in, ike_get_data(ni, "data")->data,
	    ike_get_data(ni, "data")->len) < 0) ||
	    (r->cfg.peer.family && bytes_append(&in, r->cfg.peer.ip,
	    r->cfg.peer.family == 6 ? 16 : 4) < 0) ||
	    bytes_append(&in, rx->spi_i, IKE_SPI_LEN) < 0) {
		bytes_free(&in);
		return err_set(e, "%s: out of memory", __func__);
	}
	rc = crypto_hash(HASH_SHA2_256, in.data, in.len, c, e);
	bytes_free(&in);
	return rc;
}

/* 1: a cookie was demanded (reply in m). */
static int check_cookie(struct respond *r, struct ike_sa *tmp,
    const struct ike_rx *rx, struct ike_msg *m, struct err *e)
{
	struct bytes want = BYTES_EMPTY;
	struct codec_node *got = ike_rx_notify(rx, N_COOKIE);
	int rc = 0;

	if (!r->cookies || half_open(r) < r->cookie_threshold)
		return 0;
	if (cookie_of(r, rx, &want, e) < 0)
		return -1;
	if (got == NULL || ike_get_data(got, "data")->len != want.len ||
	    !crypto_equal(ike_get_data(got, "data")->data, want.data,
	    want.len)) {
		rc = ike_refuse(tmp, rx, false, N_COOKIE, want.data, want.len,
		    m, e) < 0 ? -1 : 1;
	}
	bytes_free(&want);
	return rc;
}

/* RFC 7427 4: a responder that supports the Digital Signature method
 * answers the initiator's SIGNATURE_HASH_ALGORITHMS with its own list in
 * the IKE_SA_INIT response: SHA2-256, -384, -512 and Identity (RFC 8420,
 * for Ed25519/Ed448), all of which it verifies. */
static int add_hash_algorithms(const struct respond *r,
    const struct ike_rx *rx, struct ike_msg *m, struct err *e)
{
	static const uint8_t list[] = { 0, HASH_SHA2_256, 0, HASH_SHA2_384,
		0, HASH_SHA2_512, 0, HASH_IDENTITY };

	if (r->cert_auth.method == 0 ||
	    ike_rx_notify(rx, N_SIGNATURE_HASH_ALGORITHMS) == NULL)
		return 0;
	if (ike_notify_add(m->hdr, 0, NULL, 0, N_SIGNATURE_HASH_ALGORITHMS,
	    list, sizeof(list)) == NULL)
		return err_set(e, "%s: out of memory", __func__);
	return 0;
}

/* The session keys of a new IKE SA to r->keys (--keys), for an observer
 * of the wire (evidence.h: key sets). A write that fails is said in the
 * log, once; it stops nothing. */
static void keys_out(struct respond *r, const struct ike_sa *sa)
{
	struct err e;

	if (r->keys == NULL || !sa->keys_ready)
		return;
	if (evidence_keyset_write(r->keys, &sa->keys, &e) < 0) {
		if (r->log)
			fprintf(r->log, "! --keys: %s\n", e.text);
		r->keys = NULL;
	}
}

/* RFC 7296 1.2, 3.7: a responder that authenticates with certificates
 * names its CA in a CERTREQ of its IKE_SA_INIT response, so that the
 * initiator sends its CERT (strongSwan sends none unless asked). */
static int add_certreq(const struct respond *r, struct ike_msg *m,
    struct err *e)
{
	if (r->cert_auth.method == 0)
		return 0;
	return ike_certreq_add(m->hdr, &r->cert_auth, e);
}

static int handle_init(struct respond *r, const struct ike_rx *rx,
    uint64_t now, struct bytes *out, struct err *e)
{
	struct ike_sa *sa;
	struct ike_msg m = { 0 };
	size_t idx;
	uint8_t crit;
	int rc, t;

	if ((sa = find_sa(r, rx, &idx)) != NULL) {
		/* A retransmitted IKE_SA_INIT: the same response bytes. */
		r->seen_us[idx] = now;
		if (sa->have_resp_sent && sa->last_resp_id == 0)
			return bytes_copy(out, &sa->last_resp_sent);
		return 0;
	}
	if ((sa = ike_sa_new(false, e)) == NULL)
		return -1;
	memcpy(sa->spi_i, rx->spi_i, IKE_SPI_LEN);
	if ((t = critical_unknown(r, &rx->pr)) >= 0) {
		/* RFC 7296 2.5: rejected, the type as data (3.10.1); SPIr
		 * stays zero: no SA was made. */
		crit = (uint8_t)t;
		rc = ike_refuse(sa, rx, false, N_UNSUPPORTED_CRITICAL_PAYLOAD,
		    &crit, 1, &m, e);
	} else {
		rc = check_cookie(r, sa, rx, &m, e);
		if (rc == 0)
			rc = ike_resp_init(sa, &r->cfg, rx, &m, e);
		if (rc == 0 && !sa->refused)
			rc = add_hash_algorithms(r, rx, &m, e);
		if (rc == 0 && !sa->refused)
			rc = add_certreq(r, &m, e);
	}
	if (rc >= 0)
		rc = respond_impair_response(&r->impair, sa, &r->cfg, rx, 0, &m,
		    e);
	if (rc >= 0)
		rc = ike_encode_response(sa, &m, NULL, out, e);
	ike_msg_free(&m);
	if (rc < 0 || sa->refused) {
		ike_sa_free(sa);
		return rc < 0 ? -1 : 0;
	}
	keys_out(r, sa);
	add_sa(r, sa, now, NULL);
	return 0;
}

/* Whether IKE_AUTH is checked with the certificate credentials: the
 * initiator's AUTH method says so (a signature); without AUTH, its ID
 * (FQDN: certificates, the lab's convention). RFC 7296 2.15 leaves the
 * method to each side: a PSK AUTH with an FQDN ID is verified with the
 * PSK, not refused for want of one. */
static bool auth_by_cert(const struct respond *r, const struct ike_rx *rx)
{
	struct codec_node *idi = ike_rx_find(rx, PL_IDi, 1);
	struct codec_node *au = ike_rx_find(rx, PL_AUTH, 1);

	if (r->cert_auth.method == 0)
		return false;
	if (au != NULL)
		return ike_get(au, "method") != AUTH_SHARED_KEY_MIC;
	return idi != NULL && ike_get(idi, "id_type") == ID_FQDN;
}

/* IKE_AUTH with the credentials the initiator's AUTH calls for. */
static int dispatch_auth(struct respond *r, struct ike_sa *sa,
    const struct ike_rx *rx, struct ike_msg *m, struct err *e)
{
	struct ike_config c;

	if (sa->state != IKE_S_INIT_DONE)
		return ike_refuse(sa, rx, true, N_INVALID_SYNTAX, NULL, 0, m, e);
#ifdef IKETEST_PLANTED_BUG
	/* A planted bug, built only into build/planted/iketest for
	 * harness/tests/fuzz_planted.sh: an IDi whose ID Type is 0 or above
	 * 127 (unassigned, RFC 7296 3.5) crashes the responder. */
	{
		const struct codec_node *idi = ike_rx_find(rx, PL_IDi, 1);

		if (rx->sk_ok && idi != NULL && (ike_get(idi, "id_type") == 0 ||
		    ike_get(idi, "id_type") > 127))
			abort();
	}
#endif
	if (!auth_by_cert(r, rx))
		return ike_resp_auth(sa, &r->cfg, rx, m, e);
	c = r->cfg;		/* a shallow copy: nothing in it is freed */
	c.auth = r->cert_auth;
	return ike_resp_auth(sa, &c, rx, m, e);
}

static int dispatch(struct respond *r, struct ike_sa *sa,
    const struct ike_rx *rx, struct ike_msg *m, struct err *e)
{
	int t = critical_unknown(r, &rx->inner_pr);
	uint8_t crit;

	if (t < 0)
		t = critical_unknown(r, &rx->pr);
	if (t >= 0) {
		/* RFC 7296 2.5: the message is rejected, its response holds
		 * UNSUPPORTED_CRITICAL_PAYLOAD with the type (3.10.1). An
		 * IKE_AUTH refused so leaves no usable IKE SA (2.21.2). */
		crit = (uint8_t)t;
		if (rx->exchange == EXCH_IKE_AUTH)
			sa->state = IKE_S_DELETED;
		return ike_refuse(sa, rx, true, N_UNSUPPORTED_CRITICAL_PAYLOAD,
		    &crit, 1, m, e);
	}
	switch (rx->exchange) {
	case EXCH_IKE_AUTH:
		return dispatch_auth(r, sa, rx, m, e);
	case EXCH_CREATE_CHILD_SA:
		return ike_resp_create_child(sa, &r->cfg, rx, m, e);
	case EXCH_INFORMATIONAL:
		return ike_resp_informational(sa, &r->cfg, rx, m, e);
	default:
		return ike_refuse(sa, rx, true, N_INVALID_SYNTAX, NULL, 0, m, e);
	}
}

/* After a request was answered: counters, log, SA table. */
static void settle(struct respond *r, struct ike_sa *sa, enum ike_state was,
    uint64_t now)
{
	struct ike_sa *nsa;
	size_t i;

	if (was != IKE_S_ESTABLISHED && sa->state == IKE_S_ESTABLISHED) {
		r->established++;
		log_sa(r, sa, "established");
	}
	if (sa->rekeyed) {
		nsa = sa->rekeyed;
		sa->rekeyed = NULL;
		r->established++;
		log_sa(r, nsa, "established by rekey");
		keys_out(r, nsa);
		add_sa(r, nsa, now, sa);
	}
	if (sa->state != IKE_S_DELETED)
		return;
	r->deleted++;
	log_sa(r, sa, "deleted");
	for (i = 0; i < r->nsa; i++)
		if (r->sa[i] == sa) {
			remove_sa(r, i);
			break;
		}
}

/* RFC 7296 2.1: a retransmitted request gets the same response bytes
 * (unless impaired: none, or the response encrypted again). */
static int retransmit(const struct respond *r, const struct ike_sa *sa,
    struct bytes *out, struct err *e)
{
	if (respond_impair_has(&r->impair, RESPOND_IMPAIR_RETRANSMIT_IGNORED))
		return 0;
	if (respond_impair_has(&r->impair, RESPOND_IMPAIR_RETRANSMIT_DIFFERENT))
		return respond_impair_reencrypt(sa, &sa->last_resp_sent, out, e);
	return bytes_copy(out, &sa->last_resp_sent);
}

static int handle_protected(struct respond *r, const uint8_t *p, size_t n,
    struct ike_rx *rx, uint64_t now, struct bytes *out, struct err *e)
{
	struct ike_msg m = { 0 };
	struct ike_sa *sa;
	enum ike_state was;
	size_t idx, nchild;
	int rc;

	if ((sa = find_sa(r, rx, &idx)) == NULL) {
		/* RFC 7296 2.21.4: a request for an unknown IKE SA "MAY"
		 * get an unprotected INVALID_IKE_SPI, rate limited. */
		return clear_notify(r, rx, N_INVALID_IKE_SPI, now, out, e);
	}
	if (rx->message_id + 1 == sa->next_peer_id && sa->have_resp_sent &&
	    sa->last_resp_id == rx->message_id)
		return retransmit(r, sa, out, e);	/* 2.1 */
	if (rx->message_id != sa->next_peer_id) {
		if (!respond_impair_has(&r->impair,
		    RESPOND_IMPAIR_WINDOW_IGNORED)) {
			r->dropped++;
			return 0;
		}
		sa->next_peer_id = rx->message_id;
	}
	ike_rx_free(rx);
	if (ike_rx_decode(sa, p, n, false, rx, e) < 0)
		return -1;
	if (!rx->sk_ok) {
		if (respond_impair_has(&r->impair, RESPOND_IMPAIR_ANSWER_BAD_ICV))
			return respond_impair_empty_response(sa, rx, out, e);
		r->dropped++;	/* broken ICV: silently (2.21.1, 3.14) */
		return 0;
	}
	r->seen_us[idx] = now;
	was = sa->state;
	nchild = sa->nchild;
	rc = dispatch(r, sa, rx, &m, e);
	if (rc == 0)
		rc = respond_impair_response(&r->impair, sa, &r->cfg, rx, nchild,
		    &m, e);
	if (rc == 0)
		rc = ike_encode_response(sa, &m, NULL, out, e);
	ike_msg_free(&m);
	if (rc < 0)
		return -1;
	if (rx->exchange == EXCH_INFORMATIONAL &&
	    respond_impair_has(&r->impair, RESPOND_IMPAIR_NO_ANSWER_INFO))
		out->len = 0;
	sa->next_peer_id++;
	settle(r, sa, was, now);
	return 0;
}

int respond_handle(struct respond *r, const uint8_t *p, size_t n,
    struct bytes *out, struct err *e)
{
	uint64_t now = now_us(r);
	struct ike_rx rx;
	struct err se;
	char line[512];
	int rc = 0;
	bool answer_response;

	out->len = 0;
	expire(r, now);
	if (ike_rx_decode(NULL, p, n, false, &rx, e) < 0)
		return -1;
	ike_rx_summary(&rx, line, sizeof(line));
	log_line(r, "<", line);
	/* 2.5 lets a higher major version be answered even in a response,
	 * which legal-major-answers-all does */
	answer_response = rx.major > 2 &&
	    respond_impair_has(&r->impair, RESPOND_IMPAIR_LEGAL_MAJOR_ANY);
	if (n < 28 || rx.major < 2 || (rx.response && !answer_response)) {
		/* Too short, a response (never answered: 1.5), or IKEv1. */
		r->dropped++;
	} else if (rx.major > 2 &&
	    !respond_impair_has(&r->impair, RESPOND_IMPAIR_MAJOR_IGNORED)) {
		/* RFC 7296 2.5: dropped, and INVALID_MAJOR_VERSION with the
		 * closest version we support (2.0) in the clear. A higher
		 * minor version is ignored ("MUST ignore"). */
		rc = clear_notify(r, &rx, N_INVALID_MAJOR_VERSION, now, out, e);
	} else if (rx.exchange == EXCH_IKE_SA_INIT && rx.message_id == 0) {
		/* RFC 7296 3.1: SPIr "MUST be zero in the first message";
		 * one that is not belongs to no IKE SA we could have made,
		 * and answering it would only help a reflector: dropped.
		 * SPIi "MUST NOT be zero": an IKE SA it named could not
		 * be told from none, so that is dropped too. */
		static const uint8_t zero[IKE_SPI_LEN];
		if (memcmp(rx.spi_r, zero, IKE_SPI_LEN) != 0 ||
		    memcmp(rx.spi_i, zero, IKE_SPI_LEN) == 0)
			r->dropped++;
		else
			rc = handle_init(r, &rx, now, out, e);
	} else {
		rc = handle_protected(r, p, n, &rx, now, out, e);
	}
	ike_rx_free(&rx);
	if (rc == 0 && out->len) {
		if (ike_rx_decode(NULL, out->data, out->len, false, &rx, e) < 0)
			return -1;
		ike_rx_summary(&rx, line, sizeof(line));
		log_line(r, ">", line);
		ike_rx_free(&rx);
	}
	/* the data plane follows the children this request made or deleted */
	r->esp->log = r->log;
	r->esp->impair = r->impair;
	if (respond_esp_sync(r->esp, r->sa, r->nsa, rc == 0 ? e : &se) < 0)
		rc = -1;
	return rc;
}
