/* run_transport: where the interpreter talks to the IUT: the net
 * ports (IKE moves to 4500 when the IUT forces NAT-T), the ike_transport
 * the ike module sends and receives through, the IKE configuration from
 * the profile, profile words with $NAME expanded, and the adapter path. */
#include "run_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "profile.h"

/* ---------------------------------------------------------- transport */

/* IKE moves to 4500 after IKE_SA_INIT when the IUT forces NAT-T (RFC
 * 7296 2.23): every message but IKE_SA_INIT goes there. */
static enum net_port run_port_for(struct run_ctx *c, const uint8_t *p,
    size_t n)
{
	const char *v = profile_get(c->prof, "capabilities", "nat-t-forced");

	if (c->port == NET_IKE && ((v != NULL && strncmp(v, "yes", 3) == 0) ||
	    c->nat_pretend) && n > 18 && p[18] != EXCH_IKE_SA_INIT)
		return NET_NATT;
	return c->port;
}

/* ------------------------------------------------- requests and answers */

enum {
	IKE_HDR_LEN = 28, IKE_FLAGS = 19, IKE_MSGID = 20, IKE_NEXT = 16,
	IKE_F_RESPONSE = 0x20,
};

static bool run_is_response(const uint8_t *p, size_t n)
{
	return n >= IKE_HDR_LEN && (p[IKE_FLAGS] & IKE_F_RESPONSE) != 0;
}

static uint32_t run_msgid(const uint8_t *p)
{
	return (uint32_t)p[IKE_MSGID] << 24 | (uint32_t)p[IKE_MSGID + 1] << 16 |
	    (uint32_t)p[IKE_MSGID + 2] << 8 | p[IKE_MSGID + 3];
}

static bool run_same(const struct bytes *b, const uint8_t *p, size_t n)
{
	return b->len == n && memcmp(b->data, p, n) == 0;
}

/* The newest request sent under the SPIi and message ID of p, or NULL. */
static struct run_req *run_req_find(struct run_ctx *c, const uint8_t *p)
{
	size_t i;

	for (i = c->nreqs; i > 0; i--)
		if (memcmp(c->reqs[i - 1].spi_i, p, IKE_SPI_LEN) == 0 &&
		    c->reqs[i - 1].msgid == run_msgid(p))
			return &c->reqs[i - 1];
	return NULL;
}

static bool run_spi_known(const struct run_ctx *c, const uint8_t *p)
{
	size_t i;

	for (i = 0; i < c->nreqs; i++)
		if (memcmp(c->reqs[i].spi_i, p, IKE_SPI_LEN) == 0)
			return true;
	return false;
}

/* A request went out: one more copy of the one it repeats, or a new one. */
static void run_req_note(struct run_ctx *c, const uint8_t *p, size_t n,
    enum net_port port)
{
	struct run_req *r;

	if (n < IKE_HDR_LEN || run_is_response(p, n))
		return;
	r = run_req_find(c, p);
	if (r == NULL) {
		if (c->nreqs == RUN_REQS_MAX) {
			bytes_free(&c->reqs[0].raw);
			bytes_free(&c->reqs[0].answer);
			memmove(&c->reqs[0], &c->reqs[1],
			    (RUN_REQS_MAX - 1) * sizeof(c->reqs[0]));
			c->nreqs--;
		}
		r = &c->reqs[c->nreqs++];
		memset(r, 0, sizeof(*r));
		memcpy(r->spi_i, p, IKE_SPI_LEN);
		r->msgid = run_msgid(p);
	}
	if (!run_same(&r->raw, p, n))
		r->retx.armed = false;	/* a new request: its own schedule */
	(void)bytes_set(&r->raw, p, n);
	r->port = port;
	r->copies++;
}

/* What --drop-first tells copies apart by: one datagram per exchange and
 * direction (SPIi, exchange type, R flag, message ID), so that a peer
 * whose every answer differs (a COOKIE with a time in it) loses only one. */
enum { RUN_DROP_KEY = 14 };
static void run_drop_key(const uint8_t *p, uint8_t key[static RUN_DROP_KEY])
{
	memcpy(key, p, IKE_SPI_LEN);
	key[8] = p[18];
	key[9] = p[IKE_FLAGS] & IKE_F_RESPONSE;
	memcpy(key + 10, p + IKE_MSGID, 4);
}

/* --drop-first (a test aid): the first copy of each datagram iketest
 * sends and of each response it receives (one per exchange and
 * direction) is dropped, counted on a TAP comment line; a script with
 * `retransmit off' loses nothing. */
static bool run_drop(struct run_ctx *c, const uint8_t *p, size_t n,
    const char *what)
{
	uint8_t key[RUN_DROP_KEY];
	size_t i;

	if (!c->o->drop_first || c->s->no_retransmit || n < IKE_HDR_LEN)
		return false;
	run_drop_key(p, key);
	for (i = 0; i < c->ndropped; i++)
		if (run_same(&c->dropped[i], key, sizeof(key)))
			return false;
	if (c->ndropped == RUN_REQS_MAX) {
		bytes_free(&c->dropped[0]);
		memmove(&c->dropped[0], &c->dropped[1],
		    (RUN_REQS_MAX - 1) * sizeof(c->dropped[0]));
		c->ndropped--;
		c->dropped[c->ndropped] = BYTES_EMPTY;
	}
	(void)bytes_set(&c->dropped[c->ndropped++], key, sizeof(key));
	run_diag(c, "--drop-first: dropped the first copy of a %s %s (message ID %u, %zu bytes)",
	    run_is_response(p, n) ? "response" : "request", what,
	    (unsigned)run_msgid(p), n);
	return true;
}

static int run_net_send(struct run_ctx *c, enum net_port port,
    const uint8_t *p, size_t n, struct err *e)
{
	if (run_drop(c, p, n, "sent"))
		return 0;
	return net_send(c->net, port, p, n, e);
}

void run_retx_arm(struct run_ctx *c)
{
	struct run_req *r;

	if (c->s->no_retransmit || c->sent_raw.len < IKE_HDR_LEN ||
	    run_is_response(c->sent_raw.data, c->sent_raw.len) ||
	    (r = run_req_find(c, c->sent_raw.data)) == NULL)
		return;
	ike_retx_start(&r->retx, &c->cfg, net_now_us());
}

void run_retx_stop(struct run_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nreqs; i++)
		c->reqs[i].retx.armed = false;
}

void run_note_answered(struct run_ctx *c, const struct ike_rx *rx)
{
	(void)bytes_copy(&c->answered_req, &rx->raw);
}

/* The requests whose retransmission is due by now go again, byte for
 * byte; the earliest time one is due next, or UINT64_MAX. */
static uint64_t run_retx_due(struct run_ctx *c, struct err *e)
{
	uint64_t next = UINT64_MAX, now = net_now_us();
	struct run_req *r;
	size_t i;

	for (i = 0; i < c->nreqs; i++) {
		r = &c->reqs[i];
		while (ike_retx_step(&r->retx, now) == IKE_RETX_SEND) {
			c->nretx++;
			run_diag(c, "retransmitted the %s request (message ID %u), copy %u (RFC 7296 2.1)",
			    r->raw.len > 18 ? names_get(NAMES_T_EXCHANGE,
			    r->raw.data[18]) : "?", (unsigned)r->msgid,
			    r->retx.sent);
			r->copies++;
			if (run_net_send(c, r->port, r->raw.data, r->raw.len,
			    e) < 0)
				run_diag(c, "retransmission: %s", e->text);
		}
		if (r->retx.armed && r->retx.due_us < next)
			next = r->retx.due_us;
	}
	return next;
}

/* RFC 7296 2.5: a message with a higher major version "MUST [be
 * dropped] and SHOULD [be answered with] an unauthenticated Notify
 * message of type INVALID_MAJOR_VERSION", whatever its flags; 1.5 has
 * that answer copy the message's SPIs and message ID with the Response
 * flag set. So an unprotected N(INVALID_MAJOR_VERSION) answering the last
 * message sent, when that one had a major version above 2, is an answer
 * even if the message was flagged as a response (a mutation). */
static bool run_major_version_answer(const struct run_ctx *c,
    const uint8_t *p, size_t n)
{
	const struct bytes *m = &c->sent_raw;

	return n >= IKE_HDR_LEN + 8 && p[IKE_NEXT] == PL_N &&
	    (p[IKE_HDR_LEN + 6] << 8 | p[IKE_HDR_LEN + 7]) ==
	    N_INVALID_MAJOR_VERSION && m->len >= IKE_HDR_LEN &&
	    (m->data[17] >> 4) > 2 && memcmp(m->data, p, 2 * IKE_SPI_LEN) == 0 &&
	    memcmp(m->data + IKE_MSGID, p + IKE_MSGID, 4) == 0;
}

/* A response beyond one per copy of its request (a duplicate, or one to
 * no request the script sent on that SA) is a failed check of its own,
 * so that no expect takes it for the answer it waits for. true: passed
 * over. */
static bool run_unsolicited(struct run_ctx *c, const uint8_t *p, size_t n)
{
	struct run_req *r;
	struct run_check k;
	struct ike_rx rx;
	struct err e;

	if (!run_is_response(p, n) || !run_spi_known(c, p))
		return false;
	/* fragments (RFC 7383): several datagrams answer one copy */
	if (p[IKE_NEXT] == PL_SKF && n >= IKE_HDR_LEN + 6 &&
	    (p[IKE_HDR_LEN + 4] << 8 | p[IKE_HDR_LEN + 5]) != 1)
		return false;
	r = run_req_find(c, p);
	if (r == NULL && run_major_version_answer(c, p, n))
		return false;
	if (r != NULL && r->answers < r->copies) {
		r->answers++;
		r->retx.armed = false;
		(void)bytes_set(&r->answer, p, n);
		return false;
	}
	run_check_begin(c, &k, c->line,
	    "unsolicited duplicate response (RFC 7296 2.1)");
	if (r == NULL)
		run_check_fail(&k, "expected no response with message ID %u vs actual one: no request of that ID was sent on this IKE SA",
		    (unsigned)run_msgid(p));
	else
		run_check_fail(&k, "expected at most one response per copy of the request (%u sent) vs actual response %u%s",
		    r->copies, r->answers + 1, run_same(&r->answer, p, n) ?
		    ", the same bytes as the last" : ", other bytes");
	memset(&rx, 0, sizeof(rx));
	if (ike_rx_decode(c->sa, p, n, false, &rx, &e) == 0)
		run_check_message(&k, &rx);
	ike_rx_free(&rx);
	run_check_end(c, &k);
	return true;
}

/* RFC 7296 2.1: a retransmitted request of the IUT (the same bytes as the
 * one the script answered) gets the same response again. true: done. */
static bool run_answer_again(struct run_ctx *c, const struct net_packet *pkt)
{
	struct err e;

	if (run_is_response(pkt->data, pkt->len) || c->sa == NULL ||
	    !c->sa->have_resp_sent ||
	    !run_same(&c->answered_req, pkt->data, pkt->len))
		return false;
	run_diag(c, "the IUT sent its %s request (message ID %u) again: the same response again (RFC 7296 2.1)",
	    names_get(NAMES_T_EXCHANGE, pkt->data[18]),
	    (unsigned)run_msgid(pkt->data));
	if (run_net_send(c, pkt->port, c->sa->last_resp_sent.data,
	    c->sa->last_resp_sent.len, &e) < 0)
		run_diag(c, "the same response again: %s", e.text);
	return true;
}

int run_recv_ike(struct run_ctx *c, uint64_t deadline,
    struct net_packet *pkt, struct err *e)
{
	uint64_t due;
	int rc;

	for (;;) {
		due = run_retx_due(c, e);
		rc = net_recv(c->net, due < deadline ? due : deadline, pkt, e);
		if (rc == 0 && due < deadline)
			continue;	/* a retransmission is due */
		if (rc <= 0)
			return rc;
		if (pkt->esp || pkt->ah || pkt->keepalive)
			continue;
		if (pkt->len < IKE_HDR_LEN)
			return rc;	/* the caller names what is wrong */
		run_sender_check(c, pkt->data, pkt->len);
		if (run_is_response(pkt->data, pkt->len) &&
		    run_drop(c, pkt->data, pkt->len, "received"))
			continue;
		if (run_unsolicited(c, pkt->data, pkt->len) ||
		    run_answer_again(c, pkt))
			continue;
		return rc;
	}
}

void run_transport_free(struct run_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nreqs; i++) {
		bytes_free(&c->reqs[i].raw);
		bytes_free(&c->reqs[i].answer);
	}
	for (i = 0; i < c->ndropped; i++)
		bytes_free(&c->dropped[i]);
	bytes_free(&c->answered_req);
}

int run_send_bytes(struct run_ctx *c, const uint8_t *p, size_t n,
    struct err *e)
{
	enum net_port port = run_port_for(c, p, n);

	if (run_net_send(c, port, p, n, e) < 0)
		return -1;
	run_req_note(c, p, n, port);
	c->nsent++;
	if (n >= IKE_HDR_LEN && !run_is_response(p, n))
		c->req_dropped = false;
	(void)bytes_set(&c->sent_raw, p, n);
	c->last_event_us = net_now_us();
	return 0;
}

static int run_tr_send(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	return run_send_bytes(ctx, p, n, e);
}

static int run_tr_recv(void *ctx, struct bytes *out, uint64_t timeout_us,
    struct err *e)
{
	struct run_ctx *c = ctx;
	struct net_packet pkt;
	int rc = run_recv_ike(c, net_now_us() + timeout_us, &pkt, e);

	if (rc <= 0)
		return rc;
	c->last_event_us = pkt.ts_us;
	return bytes_set(out, pkt.data, pkt.len) < 0 ?
	    err_set(e, "out of memory") : 1;
}

/* A profile word with $NAME expanded into out[0..len): 1 when the key is
 * absent, 0 with the word, -1 on an unset variable (text in e). */
static int run_word_into(const struct profile *p, const char *section,
    const char *key, char *out, size_t len, struct err *e)
{
	size_t n;
	const char *const *l = profile_get_list(p, section, key, &n);
	struct err e2;

	if (l == NULL || n == 0)
		return 1;
	if (expand_vars(l[0], out, len, RUN_EXPAND_FLAGS, &e2) < 0)
		return err_set(e, "%s: [%s] %s = %s: %s (run inside the lab: set -a; eval \"$(ci/lab env SLOT)\")",
		    profile_path(p), section, key, l[0], e2.text);
	return 0;
}

/* The first word of a profile value, with $NAME expanded (the words live
 * as long as the run). NULL when the key is absent; *bad on an unset
 * variable. */
const char *run_profile_word(struct run_ctx *c, const char *section,
    const char *key, struct err *e, bool *bad)
{
	size_t n;
	const char *const *l = profile_get_list(c->prof, section, key, &n);
	char *out;

	if (l == NULL || n == 0)
		return NULL;
	if (strchr(l[0], '$') == NULL)
		return l[0];
	if (c->nwords == RUN_WORDS_MAX) {
		*bad = true;
		err_set(e, "too many profile words");
		return NULL;
	}
	out = c->words[c->nwords];
	if (run_word_into(c->prof, section, key, out, RUN_WORD_LEN, e) != 0) {
		*bad = true;
		return NULL;
	}
	c->nwords++;
	return out;
}

static int run_read_psk(struct ike_config *cfg, const char *path,
    struct err *e)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t n;

	if (f == NULL)
		return err_set(e, "psk-file %s: %s", path, strerror(errno));
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	n = strcspn(line, "\r\n");
	(void)bytes_set(&cfg->auth.psk, line, n);
	memset(line, 0, sizeof(line));
	return 0;
}

int run_ike_config(const struct profile *p, const char *local,
    uint16_t local_port, const char *iut, uint16_t iut_port,
    struct ike_config *cfg, struct err *e)
{
	char w[RUN_WORD_LEN];
	int rc, got;

	if (ike_policy_from_profile(p, "ike", &cfg->ike, e) < 0 ||
	    ike_policy_from_profile(p, "esp", &cfg->esp, e) < 0)
		return -1;
	cfg->auth.method = AUTH_SHARED_KEY_MIC;
	if ((rc = run_word_into(p, "auth", "psk-file", w, sizeof(w), e)) < 0 ||
	    (rc == 0 && run_read_psk(cfg, w, e) < 0))
		return -1;
	if ((rc = run_word_into(p, "auth", "psk-id-harness", w, sizeof(w), e)) < 0)
		return -1;
	if (rc == 1)
		snprintf(w, sizeof(w), "%s:%s",
		    strchr(local, ':') != NULL ? "ipv6" : "ipv4", local);
	if (ike_id_parse(w, &cfg->auth.id_type, &cfg->auth.id, e) < 0)
		return -1;
	if ((rc = run_word_into(p, "addresses", "harness-protected", w,
	    sizeof(w), e)) < 0 ||
	    ike_ts_add_prefix(&cfg->ts_local, rc == 0 ? w : local, e) < 0)
		return -1;
	if ((rc = run_word_into(p, "addresses", "protected", w, sizeof(w),
	    e)) < 0 ||
	    ike_ts_add_prefix(&cfg->ts_peer, rc == 0 ? w : iut, e) < 0)
		return -1;
	if (addr_parse(local, &cfg->local, e) < 0 ||
	    addr_parse(iut, &cfg->peer, e) < 0)
		return -1;
	cfg->local.port = local_port;
	/* iketest retransmits on the IUT's own schedule (RFC 7296 2.4) */
	got = profile_get_numbers(p, "timers", "retransmit", cfg->retx_us,
	    IKE_RETX_MAX);
	cfg->nretx = got > 0 ? (unsigned)got : 0;
	cfg->peer.port = iut_port;
	return 0;
}

static int run_cfg_init(struct run_ctx *c, const char *local,
    const char *iut, struct err *e)
{
	ike_config_init(&c->cfg);
	c->cfg_ready = true;
	return run_ike_config(c->prof, local, net_local_port(c->net, NET_IKE),
	    iut, (uint16_t)(c->o->port ? c->o->port : NET_PORT_IKE), &c->cfg, e);
}

static unsigned run_profile_port(struct run_ctx *c, const char *key,
    unsigned opt, unsigned def)
{
	const char *v = profile_get(c->prof, "addresses", key);

	if (opt != 0)
		return opt;
	return v != NULL && atoi(v) > 0 && atoi(v) < 65536 ? (unsigned)atoi(v) : def;
}

static void run_adapter_path(struct run_ctx *c)
{
	const char *a = c->o->adapter;

	if (a == NULL && c->o->iut_name != NULL) {
		snprintf(c->adapter, sizeof(c->adapter), "peers/%s/adapter",
		    c->o->iut_name);
		return;
	}
	if (a == NULL)
		a = profile_get(c->prof, "iut", "adapter");
	snprintf(c->adapter, sizeof(c->adapter), "%s", a != NULL ? a : "");
}

int run_transport_init(struct run_ctx *c, struct err *e)
{
	struct net_config nc;
	bool bad = false;
	const char *iut, *local, *cap;

	memset(&nc, 0, sizeof(nc));
	iut = c->o->iut_addr != NULL ? c->o->iut_addr :
	    run_profile_word(c, "addresses", "iut", e, &bad);
	local = c->o->local_addr != NULL ? c->o->local_addr :
	    run_profile_word(c, "addresses", "harness", e, &bad);
	cap = c->o->capture_if != NULL ? c->o->capture_if :
	    run_profile_word(c, "addresses", "harness-if", e, &bad);
	if (bad)
		return -1;
	if (iut == NULL)
		return err_set(e, "%s: no [addresses] iut (or --iut-addr)",
		    profile_path(c->prof));
	if (local == NULL)
		local = strchr(iut, ':') != NULL ? "::1" : "127.0.0.1";
	nc.iut_addr = iut;
	nc.local_addr = local;
	nc.iut_port = (uint16_t)run_profile_port(c, "ike-port", c->o->port,
	    NET_PORT_IKE);
	nc.iut_natt_port = (uint16_t)run_profile_port(c, "natt-port",
	    c->o->natt_port, NET_PORT_NATT);
	/* the IKE ports, unless harness and IUT share an address */
	nc.local_port = (uint16_t)(c->o->local_port ? c->o->local_port :
	    strcmp(local, iut) == 0 ? 0 : nc.iut_port);
	nc.local_natt_port = (uint16_t)(c->o->local_natt_port ?
	    c->o->local_natt_port : strcmp(local, iut) == 0 ? 0 : nc.iut_natt_port);
	nc.capture_if = cap;
	nc.pcap_path = c->pcap_path;
	if (net_open(&c->net, &nc, e) < 0)
		return -1;
	c->port = NET_IKE;
	c->tr.ctx = c;
	c->tr.send = run_tr_send;
	c->tr.recv = run_tr_recv;
	run_adapter_path(c);
	c->ad.path = c->adapter;
	c->ad.timeout_s = c->o->adapter_timeout_s;
	if (run_cfg_init(c, local, iut, e) < 0)
		return -1;
	c->sa = ike_sa_new(c->s->role == SCRIPT_ROLE_INITIATOR, e);
	return c->sa != NULL ? 0 : -1;
}
