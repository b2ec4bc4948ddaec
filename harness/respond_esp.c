/* respond_esp: the reference peer's ESP and AH data plane (see
 * respond_esp.h): SAs that follow the IKE engine's children, RFC 4303
 * 3.4 receive processing through esp_decap, the selector check of RFC
 * 4301 5.2, the echo service, per-child counters. */
#include "respond_esp.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "names.h"

enum {
	PROTO_TCP = 6,
	PROTO_SCTP = 132,
	PORT_ANY_END = 65535,
};

static const char *const drop_names[RESPOND_DROP_COUNT] = {
#define X(sym, name) [RESPOND_DROP_##sym] = name,
	RESPOND_DROPS(X)
#undef X
};

const char *respond_drop_name(enum respond_drop d)
{
	return (unsigned)d < RESPOND_DROP_COUNT ? drop_names[d] : "?";
}

static uint32_t spi_num(const uint8_t spi[static IKE_CHILD_SPI_LEN])
{
	return (uint32_t)spi[0] << 24 | (uint32_t)spi[1] << 16 |
	    (uint32_t)spi[2] << 8 | spi[3];
}

struct respond_esp *respond_esp_new(struct err *e)
{
	struct respond_esp *d = calloc(1, sizeof(*d));

	if (d == NULL) {
		err_set(e, "%s: out of memory", __func__);
		return NULL;
	}
	d->echo_port = RESPOND_ECHO_PORT;
	return d;
}

static void sa_free(struct respond_esp_sa *s)
{
	if (s == NULL)
		return;
	esp_sa_free(s->esp_in);
	esp_sa_free(s->esp_out);
	ah_sa_free(s->ah_in);
	ah_sa_free(s->ah_out);
	free(s);
}

void respond_esp_free(struct respond_esp *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nsa; i++)
		sa_free(d->sa[i]);
	free(d);
}

/* ---- SAs from children (RFC 7296 2.17) ------------------------------- */

/* The child's keys split by ike_child_sas_new (RFC 7296 2.17). */
static int sa_keys(struct respond_esp_sa *s, const struct ike_child *c,
    struct err *e)
{
	struct ike_child_sas sas;

	if (ike_child_sas_new(c, &sas, e) < 0)
		return -1;
	s->esp_in = sas.esp_in;
	s->esp_out = sas.esp_out;
	s->ah_in = sas.ah_in;
	s->ah_out = sas.ah_out;
	return 0;
}

static void log_sa(const struct respond_esp *d, const struct ike_child *c,
    const char *what, const char *why)
{
	char alg[256];

	if (d->log == NULL)
		return;
	ike_proposal_format(&c->proposal, alg, sizeof(alg));
	fprintf(d->log, "= %s SA in %08x out %08x %s: %s%s%s\n",
	    names_get(NAMES_T_PROTOCOL, c->protocol), spi_num(c->spi_in),
	    spi_num(c->spi_out), what, alg, why ? ": " : "", why ? why : "");
	fflush(d->log);
}

static struct respond_esp_sa *sa_of_child(struct respond_esp *d,
    const struct ike_child *c)
{
	size_t i;

	for (i = 0; i < d->nsa; i++)
		if (d->sa[i]->protocol == c->protocol &&
		    memcmp(d->sa[i]->spi_in, c->spi_in, IKE_CHILD_SPI_LEN) == 0 &&
		    memcmp(d->sa[i]->spi_out, c->spi_out, IKE_CHILD_SPI_LEN) == 0)
			return d->sa[i];
	return NULL;
}

/* A new data-plane SA for child c, appended (newest last). One whose
 * keys cannot be set up stays without SAs: its packets count as of an
 * unknown SPI, and it is not tried again. */
static int sa_add(struct respond_esp *d, const struct ike_child *c,
    struct err *e)
{
	struct respond_esp_sa *s;
	struct err ke;

	if (d->nsa == RESPOND_ESP_SA_MAX)
		return err_set(e, "%s: more than %d CHILD SAs", __func__,
		    RESPOND_ESP_SA_MAX);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return err_set(e, "%s: out of memory", __func__);
	s->protocol = c->protocol;
	memcpy(s->spi_in, c->spi_in, IKE_CHILD_SPI_LEN);
	memcpy(s->spi_out, c->spi_out, IKE_CHILD_SPI_LEN);
	/* RFC 7296 2.9: TSi is the initiator's side of the exchange. */
	s->ts_peer = c->initiator ? c->tsr : c->tsi;
	s->ts_local = c->initiator ? c->tsi : c->tsr;
	s->seen = true;
	if (sa_keys(s, c, &ke) < 0) {
		/* ike_child_sas_new made nothing */
		log_sa(d, c, "without a data plane", ke.text);
	} else {
		log_sa(d, c, "installed", NULL);
	}
	d->sa[d->nsa++] = s;
	d->generation++;
	return 0;
}

int respond_esp_sync(struct respond_esp *d, struct ike_sa *const *sa,
    size_t nsa, struct err *e)
{
	struct respond_esp_sa *s;
	size_t i, k, kept;

	for (i = 0; i < d->nsa; i++)
		d->sa[i]->seen = false;
	for (i = 0; i < nsa; i++) {
		if (sa[i]->state != IKE_S_ESTABLISHED)
			continue;
		for (k = 0; k < sa[i]->nchild; k++) {
			const struct ike_child *c = &sa[i]->child[k];
			if (c->protocol != PROTO_ESP && c->protocol != PROTO_AH)
				continue;
			if ((s = sa_of_child(d, c)) != NULL)
				s->seen = true;
			else if (sa_add(d, c, e) < 0)
				return -1;
		}
	}
	/* Children deleted (RFC 7296 1.4.1), or of an IKE SA gone: their
	 * SAs go too; the order of the rest is kept. */
	for (i = kept = 0; i < d->nsa; i++) {
		s = d->sa[i];
		if (s->seen) {
			d->sa[kept++] = s;
			continue;
		}
		if (d->log) {
			fprintf(d->log, "= %s SA in %08x out %08x removed: %llu packets in, %llu out\n",
			    names_get(NAMES_T_PROTOCOL, s->protocol),
			    spi_num(s->spi_in), spi_num(s->spi_out),
			    (unsigned long long)s->n.in_packets,
			    (unsigned long long)s->n.out_packets);
			fflush(d->log);
		}
		sa_free(s);
		d->generation++;
	}
	d->nsa = kept;
	return 0;
}

const struct respond_esp_sa *respond_esp_find(const struct respond_esp *d,
    uint32_t spi)
{
	size_t i;

	for (i = 0; i < d->nsa; i++)
		if (spi_num(d->sa[i]->spi_in) == spi)
			return d->sa[i];
	return NULL;
}

static struct respond_esp_sa *find_in(struct respond_esp *d, uint32_t spi,
    unsigned protocol)
{
	size_t i;

	/* newest first: after a rekey the new child is the likely one */
	for (i = d->nsa; i-- > 0;)
		if (d->sa[i]->protocol == protocol &&
		    spi_num(d->sa[i]->spi_in) == spi)
			return d->sa[i];
	return NULL;
}

/* ---- traffic selectors (RFC 4301 4.4.1.1, 5.2; RFC 7296 3.13.1) ------ */

/* The packet's "ports": UDP, TCP and SCTP ports; for ICMP and ICMPv6
 * type and code in one 16-bit value (4301 4.4.1.1), the same on both
 * sides; none for other protocols. */
struct ts_point {
	bool has_ports;
	uint16_t sport, dport;
};

static struct ts_point ts_point_of(const struct inet_pkt *p)
{
	struct ts_point t = { false, 0, 0 };

	if (p->proto == INET_PROTO_UDP) {
		t = (struct ts_point){ true, p->sport, p->dport };
	} else if (p->proto == INET_PROTO_ICMP ||
	    p->proto == INET_PROTO_ICMPV6) {
		t.has_ports = true;
		t.sport = t.dport = (uint16_t)(p->icmp_type << 8 | p->icmp_code);
	} else if ((p->proto == PROTO_TCP || p->proto == PROTO_SCTP) &&
	    p->data_len >= 4) {
		t.has_ports = true;
		t.sport = (uint16_t)(p->data[0] << 8 | p->data[1]);
		t.dport = (uint16_t)(p->data[2] << 8 | p->data[3]);
	}
	return t;
}

static bool ts_holds(const struct ike_ts *t, const struct addr *a,
    unsigned proto, bool has_port, uint16_t port)
{
	size_t len = a->family == 4 ? 4 : 16;

	if (t->type != (a->family == 4 ? TS_IPV4_ADDR_RANGE :
	    TS_IPV6_ADDR_RANGE))
		return false;
	if (memcmp(t->start, a->ip, len) > 0 || memcmp(a->ip, t->end, len) > 0)
		return false;
	if (t->ip_proto != 0 && t->ip_proto != proto)
		return false;
	/* a packet without ports matches only "any port" */
	if (!has_port)
		return t->start_port == 0 && t->end_port == PORT_ANY_END;
	return t->start_port <= port && port <= t->end_port;
}

static bool ts_list_holds(const struct ike_ts_list *l,
    const struct addr *a, unsigned proto, bool has_port, uint16_t port)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (ts_holds(&l->ts[i], a, proto, has_port, port))
			return true;
	return false;
}

/* RFC 7296 2.9: the SA covers every pair of a TSi and a TSr selector.
 * Inbound: the source on the peer's side, the destination on ours. */
static bool ts_match(const struct respond_esp_sa *s, const struct inet_pkt *p,
    bool inbound)
{
	struct ts_point t = ts_point_of(p);
	const struct ike_ts_list *from = inbound ? &s->ts_peer : &s->ts_local;
	const struct ike_ts_list *to = inbound ? &s->ts_local : &s->ts_peer;

	return ts_list_holds(from, &p->src, p->proto, t.has_ports, t.sport) &&
	    ts_list_holds(to, &p->dst, p->proto, t.has_ports, t.dport);
}

/* ---- the inner packet and the echo service --------------------------- */

static bool answers_for(const struct respond_esp *d, const struct addr *a)
{
	size_t i;

	for (i = 0; i < d->necho; i++)
		if (addr_equal(&d->echo[i], a))
			return true;
	return ts_list_holds(&d->protected, a, 0, false, 0);
}

static void count(struct respond_esp *d, uint64_t *c)
{
	(*c)++;
	d->generation++;
}

static void drop(struct respond_esp *d, struct respond_esp_sa *s,
    enum esp_verdict v)
{
	enum respond_drop r = RESPOND_DROP_TRUNCATED;

	switch (v) {
	case ESP_REPLAY: r = RESPOND_DROP_REPLAY; break;
	case ESP_TOO_OLD: r = RESPOND_DROP_TOO_OLD; break;
	case ESP_BAD_ICV: r = RESPOND_DROP_BAD_ICV; break;
	case ESP_BAD_PADDING: r = RESPOND_DROP_BAD_PADDING; break;
	case ESP_BAD_PAD_LEN: r = RESPOND_DROP_BAD_PAD_LEN; break;
	case ESP_BAD_BLOCK: r = RESPOND_DROP_BAD_BLOCK; break;
	case ESP_ZERO_SEQ: r = RESPOND_DROP_ZERO_SEQ; break;
	case ESP_WRONG_SPI:	/* found by this SPI: cannot happen */
		count(d, &d->unknown_spi);
		return;
	case ESP_TRUNCATED:
	case ESP_OK:		/* not a drop: not called for these */
	case ESP_DUMMY:
		r = RESPOND_DROP_TRUNCATED;
		break;
	}
	count(d, &s->n.drop[r]);
}

/* What an accepted packet carried, checked (selectors, and in tunnel
 * mode the inner IP packet itself) and counted: 1 with the echo answer
 * in *rep, 0 with none (dropped, or nothing to answer). */
static int inner_packet(struct respond_esp *d, struct respond_esp_sa *s,
    uint8_t nh, const uint8_t *p, size_t n, const struct addr *src,
    const struct addr *dst, struct inet_pkt *rep)
{
	bool tunnel = nh == INET_PROTO_IPIP || nh == INET_PROTO_IPV6;
	struct inet_pkt in;
	struct err pe;
	int bad;

	if (tunnel)
		/* RFC 4303 2.3: the IP version matches the next header; a
		 * host drops a packet whose header checksum is wrong */
		bad = inet_parse_ip(p, n, &in, &pe) < 0 ||
		    in.src.family != (nh == INET_PROTO_IPIP ? 4 : 6) ||
		    !in.checksum_ok;
	else
		/* RFC 3948 3.1.2: behind a NAT the transport checksum was
		 * made over other addresses: not checked */
		bad = inet_parse_l4(nh, src, dst, p, n, &in, &pe) < 0;
	if (bad) {
		count(d, &s->n.drop[RESPOND_DROP_INNER]);
		return 0;
	}
	/* RFC 4301 5.2: "If the packet does not match ... MUST discard". */
	if (!ts_match(s, &in, true)) {
		count(d, &s->n.drop[RESPOND_DROP_SELECTORS]);
		return 0;
	}
	s->n.in_packets++;
	s->n.in_bytes += n;
	d->generation++;
	if (tunnel && !answers_for(d, &in.dst))
		return 0;
	if (inet_echo_answer(&in, d->echo_port, rep) != 0)
		return 0;
	/* RFC 4301 5.1: what leaves through the SA is within its selectors
	 * too (an ICMP selector may name the request's type only). */
	return ts_match(s, rep, false) ? 1 : 0;
}

/* ---- ESP ---------------------------------------------------------------- */

/* esp-replay-accepted and esp-icv-unchecked (respond_impair.h): a second
 * try at a packet esp_decap dropped. A replay gets a window emptied up
 * to its number; a bad ICV is "repaired" by trying each single-bit flip
 * of the packet's last 32 bytes (where the ICV is), which is what not
 * checking the ICV looks like from outside. */
static enum esp_verdict impaired_decap(const struct respond_esp *d,
    struct respond_esp_sa *s, const uint8_t *pkt, size_t n, uint32_t seq,
    enum esp_verdict v, struct esp_rx *rx)
{
	uint8_t *copy;
	size_t i;
	unsigned bit;

	if (v == ESP_REPLAY &&
	    respond_impair_has(&d->impair, RESPOND_IMPAIR_ESP_REPLAY)) {
		esp_sa_set_highest_seq(s->esp_in, seq - 1u);
		return esp_decap(s->esp_in, pkt, n, rx);
	}
	if (v != ESP_BAD_ICV ||
	    !respond_impair_has(&d->impair, RESPOND_IMPAIR_ESP_ICV) ||
	    (copy = malloc(n)) == NULL)
		return v;
	memcpy(copy, pkt, n);
	for (i = n > 32 ? n - 32 : ESP_HDR_LEN; i < n; i++)
		for (bit = 0; bit < 8; bit++) {
			copy[i] ^= (uint8_t)(1u << bit);
			v = esp_decap(s->esp_in, copy, n, rx);
			if (v == ESP_OK || v == ESP_DUMMY) {
				free(copy);	/* rx points into the SA */
				return v;
			}
			copy[i] ^= (uint8_t)(1u << bit);
		}
	free(copy);
	return ESP_BAD_ICV;
}

/* esp-seq-repeat and esp-padding-zero: how the answer deviates. pad
 * holds at least 16 zero bytes. */
static void impaired_send(const struct respond_esp *d, struct esp_sa *out,
    size_t len, const uint8_t *pad, struct esp_send_opts *o)
{
	size_t def;

	memset(o, 0, sizeof(*o));
	if (respond_impair_has(&d->impair, RESPOND_IMPAIR_ESP_SEQ)) {
		o->seq_given = true;
		o->seq = 1;
	}
	if (respond_impair_has(&d->impair, RESPOND_IMPAIR_ESP_PADDING)) {
		def = esp_encap_len(out, len, NULL);
		o->pad_given = true;
		o->pad = pad;
		o->pad_len = 0;
		o->pad_len = def - esp_encap_len(out, len, o);
		if (o->pad_len == 0)	/* 16 keeps every cipher's alignment */
			o->pad_len = 16;
	}
}

int respond_esp_input(struct respond_esp *d, const uint8_t *pkt, size_t n,
    const struct addr *src, const struct addr *dst,
    struct bytes *reply, struct err *e)
{
	static const uint8_t zeros[16];
	struct respond_esp_sa *s;
	struct inet_pkt rep;
	struct bytes inner = BYTES_EMPTY;
	struct esp_send_opts o;
	struct esp_rx rx;
	enum esp_verdict v;
	uint32_t spi, seq;
	uint8_t nh;
	size_t len;
	int rc = 0;

	reply->len = 0;
	/* RFC 4303 3.4.2: the SPI names the SA; none, no processing. */
	if (esp_peek(pkt, n, &spi, &seq) < 0 ||
	    (s = find_in(d, spi, PROTO_ESP)) == NULL || s->esp_in == NULL) {
		count(d, &d->unknown_spi);
		return 0;
	}
	v = esp_decap(s->esp_in, pkt, n, &rx);
	if (v != ESP_OK && v != ESP_DUMMY)
		v = impaired_decap(d, s, pkt, n, seq, v, &rx);
	if (v == ESP_DUMMY) {		/* RFC 4303 2.6: discarded */
		count(d, &s->n.dummy);
		return 0;
	}
	if (v != ESP_OK) {
		drop(d, s, v);
		return 0;
	}
	if (inner_packet(d, s, rx.next_header, rx.payload, rx.payload_len,
	    src, dst, &rep) != 1)
		return 0;
	if (rx.next_header == INET_PROTO_IPIP || rx.next_header == INET_PROTO_IPV6) {
		nh = rep.src.family == 4 ? INET_PROTO_IPIP : INET_PROTO_IPV6;
		rc = inet_build_ip(&rep, &inner, e);
	} else {
		nh = (uint8_t)rep.proto;
		rc = inet_build_l4(&rep, &inner, e);
	}
	/* RFC 4303 3.3: the answer through the same child's outbound SA
	 * (sequence numbers from 1, padding 1, 2, 3 ...: esp_encap's) */
	impaired_send(d, s->esp_out, inner.len, zeros, &o);
	if (rc == 0 && bytes_resize(reply, esp_encap_len(s->esp_out,
	    inner.len, &o)) < 0)
		rc = err_set(e, "%s: out of memory", __func__);
	if (rc == 0)
		rc = esp_encap(s->esp_out, nh, inner.data, inner.len, &o,
		    reply->data, reply->len, &len, e);
	if (rc == 0) {
		reply->len = len;
		s->n.out_packets++;
		s->n.out_bytes += inner.len;
		d->generation++;
	} else {
		reply->len = 0;
	}
	bytes_free(&inner);
	return rc;
}

/* ---- AH ------------------------------------------------------------------ */

/* The outer addresses and AH's SPI of an IP packet whose header is
 * followed by AH at once (RFC 4302 3.1); -1 when it is not one. */
static int ah_peek(const uint8_t *ip, size_t n, struct addr *src,
    struct addr *dst, uint32_t *spi)
{
	size_t hl;

	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	if (n < INET_IPV4_HDR)
		return -1;
	if (ip[0] >> 4 == 4) {
		hl = (size_t)(ip[0] & 0x0f) * 4;
		if (hl < INET_IPV4_HDR || ip[9] != INET_PROTO_AH)
			return -1;
		src->family = dst->family = 4;
		memcpy(src->ip, ip + 12, 4);
		memcpy(dst->ip, ip + 16, 4);
	} else if (ip[0] >> 4 == 6 && n >= INET_IPV6_HDR) {
		hl = INET_IPV6_HDR;
		if (ip[6] != INET_PROTO_AH)
			return -1;
		src->family = dst->family = 6;
		memcpy(src->ip, ip + 8, 16);
		memcpy(dst->ip, ip + 24, 16);
	} else {
		return -1;
	}
	/* header, then AH's fixed part up to and with the SPI */
	if (hl > n || n - hl < 8)
		return -1;
	*spi = (uint32_t)ip[hl + 4] << 24 | (uint32_t)ip[hl + 5] << 16 |
	    (uint32_t)ip[hl + 6] << 8 | ip[hl + 7];
	return 0;
}

/* ah-icv-unchecked: the packet taken apart without its ICV checked
 * (ah_peek found IP, then AH). ESP_OK, or ESP_TRUNCATED when the
 * lengths do not hold. */
static enum esp_verdict ah_unchecked(const uint8_t *ip, size_t n,
    uint32_t spi, struct ah_rx *rx)
{
	size_t hl, len, ahl;

	if (ip[0] >> 4 == 4) {
		hl = (size_t)(ip[0] & 0x0f) * 4;
		len = (size_t)ip[2] << 8 | ip[3];
	} else {
		hl = INET_IPV6_HDR;
		len = INET_IPV6_HDR + ((size_t)ip[4] << 8 | ip[5]);
	}
	if (len > n || len < hl + 12)
		return ESP_TRUNCATED;
	ahl = ((size_t)ip[hl + 1] + 2) * 4;
	if (ahl > len - hl)
		return ESP_TRUNCATED;
	memset(rx, 0, sizeof(*rx));
	rx->spi = spi;
	rx->seq = (uint64_t)ip[hl + 8] << 24 | (uint64_t)ip[hl + 9] << 16 |
	    (uint64_t)ip[hl + 10] << 8 | ip[hl + 11];
	rx->next_header = ip[hl];
	rx->payload = ip + hl + ahl;
	rx->payload_len = len - hl - ahl;
	return ESP_OK;
}

int respond_ah_input(struct respond_esp *d, const uint8_t *ip, size_t n,
    struct bytes *reply, struct err *e)
{
	struct respond_esp_sa *s;
	struct addr src, dst;
	struct inet_pkt rep, outer;
	struct bytes inner = BYTES_EMPTY;
	static const struct ah_send_opts seq_one = { .seq_given = true,
		.seq = 1 };
	struct ah_rx rx;
	enum esp_verdict v;
	uint32_t spi;
	bool tunnel;
	int rc;

	reply->len = 0;
	if (ah_peek(ip, n, &src, &dst, &spi) < 0 ||
	    (s = find_in(d, spi, PROTO_AH)) == NULL || s->ah_in == NULL) {
		count(d, &d->unknown_spi);
		return 0;
	}
	v = ah_verify(s->ah_in, ip, n, &rx);
	if (v == ESP_BAD_ICV &&
	    respond_impair_has(&d->impair, RESPOND_IMPAIR_AH_ICV))
		v = ah_unchecked(ip, n, spi, &rx);
	if (v != ESP_OK) {
		drop(d, s, v);
		return 0;
	}
	if (rx.next_header == INET_PROTO_NONE) {	/* nothing inside */
		count(d, &s->n.dummy);
		return 0;
	}
	if (inner_packet(d, s, rx.next_header, rx.payload, rx.payload_len,
	    &src, &dst, &rep) != 1)
		return 0;
	tunnel = rx.next_header == INET_PROTO_IPIP ||
	    rx.next_header == INET_PROTO_IPV6;
	/* Transport mode: the answer is an IP packet between the outer
	 * addresses (rep has them swapped), AH goes in after its header;
	 * tunnel mode: the inner packet, behind a new header from us. */
	rc = inet_build_ip(&rep, &inner, e);
	memset(&outer, 0, sizeof(outer));
	outer.src = dst;
	outer.dst = src;
	if (rc == 0)
		rc = ah_protect(s->ah_out, inner.data, inner.len,
		    tunnel ? &outer : NULL,
		    respond_impair_has(&d->impair, RESPOND_IMPAIR_AH_SEQ) ?
		    &seq_one : NULL, reply, e);
	if (rc == 0) {
		s->n.out_packets++;
		s->n.out_bytes += inner.len;
		d->generation++;
	} else {
		reply->len = 0;
	}
	bytes_free(&inner);
	return rc;
}

/* ---- counters out ---------------------------------------------------------- */

int respond_esp_stats(const struct respond_esp *d, FILE *f)
{
	static const enum respond_drop first[] = { RESPOND_DROP_REPLAY,
		RESPOND_DROP_TOO_OLD, RESPOND_DROP_BAD_ICV,
		RESPOND_DROP_BAD_PADDING, RESPOND_DROP_BAD_PAD_LEN,
		RESPOND_DROP_SELECTORS };
	static const enum respond_drop rest[] = { RESPOND_DROP_TRUNCATED,
		RESPOND_DROP_BAD_BLOCK, RESPOND_DROP_ZERO_SEQ,
		RESPOND_DROP_INNER };
	_Static_assert(sizeof(first) / sizeof(first[0]) +
	    sizeof(rest) / sizeof(rest[0]) == RESPOND_DROP_COUNT,
	    "every drop counter is written");
	size_t i, k;

	for (i = 0; i < d->nsa; i++) {
		const struct respond_esp_sa *s = d->sa[i];
		fprintf(f, "child %08x %08x in_packets=%llu in_bytes=%llu out_packets=%llu out_bytes=%llu",
		    spi_num(s->spi_in), spi_num(s->spi_out),
		    (unsigned long long)s->n.in_packets,
		    (unsigned long long)s->n.in_bytes,
		    (unsigned long long)s->n.out_packets,
		    (unsigned long long)s->n.out_bytes);
		for (k = 0; k < sizeof(first) / sizeof(first[0]); k++)
			fprintf(f, " drop_%s=%llu", drop_names[first[k]],
			    (unsigned long long)s->n.drop[first[k]]);
		fprintf(f, " dummy=%llu", (unsigned long long)s->n.dummy);
		for (k = 0; k < sizeof(rest) / sizeof(rest[0]); k++)
			fprintf(f, " drop_%s=%llu", drop_names[rest[k]],
			    (unsigned long long)s->n.drop[rest[k]]);
		fprintf(f, " protocol=%s\n", s->protocol == PROTO_AH ? "AH" :
		    "ESP");
	}
	fprintf(f, "unknown_spi=%llu\n", (unsigned long long)d->unknown_spi);
	return ferror(f) ? -1 : 0;
}
