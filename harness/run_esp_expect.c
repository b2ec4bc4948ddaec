/* run_esp_expect: `esp expect' and `esp expect nothing': what comes
 * back is decapsulated and checked twice: against the script (the inner
 * packet it expects) and against the RFC rules a sender obeys, whatever
 * the script says:
 *
 *   - RFC 4303 3.3.3: the first packet of an SA has sequence number 1 and
 *     each next one the one before plus one (the lab loses no packet);
 *   - RFC 4303 2.4: the padding is 1, 2, 3 ...;
 *   - RFC 4303 3.4.4 / RFC 4302 3.4.3: the ICV verifies;
 *   - RFC 4301 5.2: the inner packet lies within the CHILD SA's traffic
 *     selectors (the IUT may only send what the SA covers). */
#include "run_esp_int.h"

#include <inttypes.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* esp expect                                                          */

/* Whether addr (family fam) lies in one of l's selectors. */
static bool ts_holds(const struct ike_ts_list *l, const struct addr *a,
    unsigned proto, uint16_t port)
{
	size_t i, n = a->family == 6 ? 16 : 4;

	for (i = 0; i < l->n; i++) {
		const struct ike_ts *t = &l->ts[i];

		if ((t->type == TS_IPV6_ADDR_RANGE) != (a->family == 6))
			continue;
		if (memcmp(a->ip, t->start, n) < 0 || memcmp(a->ip, t->end, n) > 0)
			continue;
		if (t->ip_proto != 0 && t->ip_proto != proto)
			continue;
		if ((proto == INET_PROTO_UDP) &&
		    (port < t->start_port || port > t->end_port))
			continue;
		return true;
	}
	return false;
}

/* The automatic RFC checks of a packet the IUT sent on a child. */
static void check_sender_rules(struct run_ctx *c, struct run_child_io *io,
    const struct ike_child *ch, uint64_t seq, bool pad_ok,
    const struct inet_pkt *in, bool have_inner, struct run_check *k)
{
	const struct ike_ts_list *peer_side, *our_side;

	(void)c;
	if (seq != io->last_seq_in + 1)
		run_check_fail(k, "RFC 4303 3.3.3: sequence number: expected %" PRIu64 " (%s) vs actual %" PRIu64,
		    io->last_seq_in + 1, io->last_seq_in == 0 ?
		    "the first packet of the SA" : "the previous plus one", seq);
	if (seq > io->last_seq_in)
		io->last_seq_in = seq;
	if (!pad_ok)
		run_check_fail(k, "RFC 4303 2.4: padding: expected 1, 2, 3 ... vs actual other bytes");
	if (!have_inner || ch == NULL)
		return;
	/* the IUT's side of the SA is TSr when we initiated it */
	peer_side = ch->initiator ? &ch->tsr : &ch->tsi;
	our_side = ch->initiator ? &ch->tsi : &ch->tsr;
	if (!ts_holds(peer_side, &in->src, in->proto, in->sport) ||
	    !ts_holds(our_side, &in->dst, in->proto, in->dport)) {
		char s[64], d[64];

		addr_format(&in->src, s, sizeof(s));
		addr_format(&in->dst, d, sizeof(d));
		run_check_fail(k, "RFC 4301 5.2: inner packet %s -> %s (protocol %u) lies outside the CHILD SA's traffic selectors",
		    s, d, in->proto);
	}
}

static const struct ike_child *child_of(struct run_ctx *c,
    const struct run_child_io *io)
{
	size_t i;

	for (i = 0; c->sa != NULL && i < c->sa->nchild; i++)
		if (memcmp(c->sa->child[i].spi_in, io->spi_in, IKE_CHILD_SPI_LEN) == 0)
			return &c->sa->child[i];
	return NULL;
}

/* The script's checks of an inner packet. */
static int check_inner(struct run_ctx *c, const struct script_esp *x,
    const struct inet_pkt *in, struct run_check *k)
{
	struct addr a;
	struct bytes data = BYTES_EMPTY;
	uint64_t v;
	char s1[64], s2[64];
	int rc;

	if (x->inner == SCRIPT_INNER_UDP && in->proto != INET_PROTO_UDP)
		run_check_fail(k, "inner protocol: expected UDP (17) vs actual %u", in->proto);
	if (x->inner == SCRIPT_INNER_ICMP &&
	    ((in->proto != INET_PROTO_ICMP && in->proto != INET_PROTO_ICMPV6) ||
	     in->icmp_type != inet_echo_reply_type(in->src.family)))
		run_check_fail(k, "inner: expected an ICMP echo reply vs actual protocol %u type %u",
		    in->proto, in->icmp_type);
	if (run_esp_arg_find(x, "from") != NULL) {
		if (run_esp_arg_addr(c, x, "from", "", in->src.family, &a) < 0)
			return -1;
		if (!addr_equal(&a, &in->src)) {
			addr_format(&a, s1, sizeof(s1));
			addr_format(&in->src, s2, sizeof(s2));
			run_check_fail(k, "inner source: expected %s vs actual %s", s1, s2);
		}
	}
	if (run_esp_arg_find(x, "to") != NULL) {
		if (run_esp_arg_addr(c, x, "to", "", in->dst.family, &a) < 0)
			return -1;
		if (!addr_equal(&a, &in->dst)) {
			addr_format(&a, s1, sizeof(s1));
			addr_format(&in->dst, s2, sizeof(s2));
			run_check_fail(k, "inner destination: expected %s vs actual %s", s1, s2);
		}
	}
	if ((rc = run_esp_arg_num(c, x, "sport", 65535, &v)) < 0)
		return -1;
	if (rc == 0 && v != in->sport)
		run_check_fail(k, "inner source port: expected %" PRIu64 " vs actual %u", v, in->sport);
	if ((rc = run_esp_arg_num(c, x, "dport", 65535, &v)) < 0)
		return -1;
	if (rc == 0 && v != in->dport)
		run_check_fail(k, "inner destination port: expected %" PRIu64 " vs actual %u", v, in->dport);
	if ((rc = run_esp_arg_num(c, x, "echo_id", 65535, &v)) < 0)
		return -1;
	if (rc == 0 && v != in->icmp_id)
		run_check_fail(k, "echo identifier: expected %" PRIu64 " vs actual %u", v, in->icmp_id);
	if ((rc = run_esp_arg_num(c, x, "echo_seq", 65535, &v)) < 0)
		return -1;
	if (rc == 0 && v != in->icmp_seq)
		run_check_fail(k, "echo sequence: expected %" PRIu64 " vs actual %u", v, in->icmp_seq);
	if ((rc = run_esp_arg_bytes(c, x, "data", &data)) < 0)
		return -1;
	if (rc == 0 && (data.len != in->data_len ||
	    (data.len > 0 && memcmp(data.data, in->data, data.len) != 0)))
		run_check_fail(k, "inner data: expected %zu bytes as sent vs actual %zu bytes%s",
		    data.len, in->data_len, data.len == in->data_len ? " that differ" : "");
	bytes_free(&data);
	if (!in->checksum_ok)
		run_check_fail(k, "inner checksums: expected valid (RFC 768, 792, 791) vs actual wrong");
	return 0;
}

/* What one received packet is, for expect and silence. */
enum rx_kind { RX_OTHER, RX_DUMMY, RX_INNER, RX_BAD };

struct rx_result {
	enum rx_kind kind;
	struct run_child_io *io;
	struct inet_pkt inner;
	bool have_inner;
	uint64_t seq;
	char why[RUN_TEXT_MAX];
};

/* When an esp/ah expect gives up: its window's end, with room after an
 * `after' time (every timing kind is a case, so a new one is a compiler
 * error until it is handled). */
static uint64_t esp_deadline(const struct script_esp *x,
    uint64_t start)
{
	switch (x->timing.kind) {
	case SCRIPT_T_WITHIN:
		return start + x->timing.at;
	case SCRIPT_T_RANGE:
		return start + x->timing.hi;
	case SCRIPT_T_AFTER: case SCRIPT_T_PERCENT: case SCRIPT_T_ABS:
		return start + x->timing.at + x->timing.at / 2 + 1000000;
	case SCRIPT_T_NONE:
		break;
	}
	return net_now_us() + RUN_DEFAULT_DEADLINE_US;
}

/* The SPI of an ESP or AH packet: false when it is neither, or too
 * short (r then says why for ESP). */
static bool rx_spi(const struct net_packet *pkt, uint32_t *spi,
    struct rx_result *r)
{
	uint32_t seq32;
	struct err e;

	if (pkt->esp) {
		if (esp_peek(pkt->data, pkt->len, spi, &seq32) < 0) {
			r->kind = RX_BAD;
			snprintf(r->why, sizeof(r->why), "ESP packet of %zu bytes: shorter than its header", pkt->len);
			return false;
		}
	} else if (pkt->ah) {
		struct inet_pkt ip;
		size_t hl;

		if (inet_parse_ip(pkt->data, pkt->len, &ip, &e) < 0)
			return false;
		hl = ip.src.family == 6 ? INET_IPV6_HDR : (size_t)(pkt->data[0] & 15) * 4;
		if (pkt->len < hl + AH_HDR_LEN)
			return false;
		*spi = (uint32_t)pkt->data[hl + 4] << 24 | (uint32_t)pkt->data[hl + 5] << 16 |
		    (uint32_t)pkt->data[hl + 6] << 8 | pkt->data[hl + 7];
	} else {
		return false;
	}
	return true;
}

/* Decapsulates a packet that arrived: ESP (UDP or raw) or AH. */
static void rx_packet(struct run_ctx *c, const struct net_packet *pkt,
    struct run_check *k, struct rx_result *r)
{
	uint32_t spi;
	enum esp_verdict v;
	struct esp_rx er;
	struct ah_rx ar;
	const uint8_t *payload;
	size_t plen;
	uint8_t nh;
	bool pad_ok = true;
	const struct ike_child *ch;
	struct err e;
	int rc;

	memset(r, 0, sizeof(*r));
	r->kind = RX_OTHER;
	if (!rx_spi(pkt, &spi, r))
		return;
	if ((r->io = run_esp_io_by_spi(c, spi)) == NULL) {
		r->kind = RX_BAD;
		snprintf(r->why, sizeof(r->why), "%s with SPI 0x%08x, which is none of our CHILD SAs' (RFC 4303 3.4.2)",
		    pkt->ah ? "AH" : "ESP", spi);
		return;
	}
	if (pkt->ah) {
		v = r->io->ah_in ? ah_verify(r->io->ah_in, pkt->data, pkt->len, &ar) :
		    ESP_WRONG_SPI;
		payload = ar.payload;
		plen = ar.payload_len;
		nh = ar.next_header;
		r->seq = ar.seq;
	} else {
		v = r->io->esp_in ? esp_decap(r->io->esp_in, pkt->data, pkt->len, &er) :
		    ESP_WRONG_SPI;
		payload = er.payload;
		plen = er.payload_len;
		nh = er.next_header;
		r->seq = er.seq;
		pad_ok = er.pad_monotonic;
	}
	if (v != ESP_OK && v != ESP_DUMMY) {
		r->kind = RX_BAD;
		snprintf(r->why, sizeof(r->why), "the IUT's %s packet (SPI 0x%08x) does not decapsulate: %s",
		    pkt->ah ? "AH" : "ESP", spi, esp_verdict_name(v));
		return;
	}
	ch = child_of(c, r->io);
	if (v == ESP_DUMMY) {
		r->kind = RX_DUMMY;
		check_sender_rules(c, r->io, ch, r->seq, pad_ok, NULL, false, k);
		return;
	}
	if (nh == INET_PROTO_IPIP || nh == INET_PROTO_IPV6)
		rc = inet_parse_ip(payload, plen, &r->inner, &e);
	else {
		struct addr src, dst;
		/* transport mode: the outer addresses */
		if (run_esp_profile_addr(c, "addresses", "iut", 0, &src) != 0 ||
		    run_esp_profile_addr(c, "addresses", "harness", src.family, &dst) != 0)
			memset(&src, 0, sizeof(src)), memset(&dst, 0, sizeof(dst));
		rc = inet_parse_l4(nh, &src, &dst, payload, plen, &r->inner, &e);
	}
	r->kind = RX_INNER;
	r->have_inner = rc == 0;
	check_sender_rules(c, r->io, ch, r->seq, pad_ok, &r->inner,
	    r->have_inner, k);
	if (rc < 0)
		run_check_fail(k, "inner packet (next header %u): %s", nh, e.text);
}

int run_esp_expect(struct run_ctx *c, const struct script_event *ev)
{
	const struct script_esp *x = &ev->u.esp;
	const struct ike_child *ch = NULL;
	struct run_child_io *io;
	struct run_check k;
	struct net_packet pkt;
	struct rx_result r;
	uint64_t deadline, start = c->last_event_us;
	unsigned dummies = 0, others = 0;
	struct err e;
	int rc;
	bool got = false;

	run_check_begin(c, &k, ev->pos.line, "%s expect %s", x->ah ? "ah" : "esp",
	    script_inner_name(x->inner));
	if ((rc = run_esp_pick_child(c, ev, &ch, &io, &k)) != 0) {
		run_check_end(c, &k);
		return rc < 0 ? -1 : 0;
	}
	deadline = esp_deadline(x, start);
	while (!got) {
		rc = net_recv(c->net, deadline, &pkt, &e);
		if (rc < 0) {
			run_check_fail(&k, "receive: %s", e.text);
			break;
		}
		if (rc == 0)
			break;
		rx_packet(c, &pkt, &k, &r);
		switch (r.kind) {
		case RX_OTHER:
			others++;
			continue;
		case RX_DUMMY:
			dummies++;
			continue;
		case RX_BAD:
			run_check_fail(&k, "%s", r.why);
			got = true;
			break;
		case RX_INNER:
			got = true;
			c->last_event_us = pkt.ts_us;
			if (r.have_inner && check_inner(c, x, &r.inner, &k) < 0) {
				bytes_free(&k.diag);
				return -1;
			}
			if (x->timing.kind == SCRIPT_T_RANGE &&
			    pkt.ts_us - start < x->timing.lo)
				run_check_fail(&k, "timing: expected after %" PRIu64 " us vs actual %" PRIu64 " us",
				    x->timing.lo, pkt.ts_us - start);
			{
				uint64_t sq = 0;
				if ((rc = run_esp_arg_num(c, x, "seq", UINT64_MAX, &sq)) < 0) {
					bytes_free(&k.diag);
					return -1;
				}
				if (rc == 0 && sq != r.seq)
					run_check_fail(&k, "sequence number: expected %" PRIu64 " vs actual %" PRIu64,
					    sq, r.seq);
			}
			break;
		}
	}
	if (!got && !x->or_silence)
		run_check_fail(&k, "expected an inner %s packet through the CHILD SA vs actual nothing%s",
		    script_inner_name(x->inner),
		    dummies ? " (only dummy packets)" : "");
	if (dummies)
		run_check_note(&k, "%u dummy packet(s) passed over (RFC 4303 2.6)", dummies);
	(void)others;
	run_check_end(c, &k);
	return 0;
}

/* esp expect nothing for D: no inner packet comes through any CHILD SA
 * (the IUT dropped what was sent). Dummy packets and IKE messages are
 * passed over. */
int run_esp_silence(struct run_ctx *c, const struct script_event *ev)
{
	struct run_check k;
	struct net_packet pkt;
	struct rx_result r;
	uint64_t deadline = net_now_us() + ev->u.esp.duration;
	char d[32];
	struct err e;
	int rc;

	script_format_duration(ev->u.esp.duration, d, sizeof(d));
	run_check_begin(c, &k, ev->pos.line, "%s expect nothing for %s",
	    ev->u.esp.ah ? "ah" : "esp", d);
	for (;;) {
		rc = net_recv(c->net, deadline, &pkt, &e);
		if (rc < 0) {
			run_check_fail(&k, "receive: %s", e.text);
			break;
		}
		if (rc == 0)
			break;
		rx_packet(c, &pkt, &k, &r);
		if (r.kind == RX_INNER) {
			char s[64] = "?", t[64] = "?";

			if (r.have_inner) {
				addr_format(&r.inner.src, s, sizeof(s));
				addr_format(&r.inner.dst, t, sizeof(t));
			}
			run_check_fail(&k, "expected nothing vs actual an inner packet %s -> %s (protocol %u), sequence number %" PRIu64,
			    s, t, r.inner.proto, r.seq);
			break;
		}
		if (r.kind == RX_BAD) {
			run_check_fail(&k, "expected nothing vs actual: %s", r.why);
			break;
		}
	}
	run_check_end(c, &k);
	return 0;
}
