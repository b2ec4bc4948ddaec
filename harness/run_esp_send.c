/* run_esp_send: `esp send' and `esp replay': an inner packet (inet)
 * built from the script, protected by ESP (RFC 4303) or AH (RFC 4302)
 * with the CHILD SA's keys, sent over UDP 4500 (RFC 3948) or raw IP. */
#include "run_esp_int.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* esp send                                                            */

static bool child_transport(const struct ike_child *ch)
{
	return ch != NULL && ch->transport;
}

/* The UDP ports or ICMP echo fields of an inner packet: the script's,
 * else a new source port per send and the echo service's port. */
static int inner_ports(struct run_ctx *c, const struct script_esp *x,
    struct inet_pkt *p)
{
	uint64_t v;

	if (x->inner == SCRIPT_INNER_UDP) {
		p->proto = INET_PROTO_UDP;
		v = 40000u + (c->esp->sends++ % 20000u);
		if (run_esp_arg_num(c, x, "sport", 65535, &v) < 0)
			return -1;
		p->sport = (uint16_t)v;
		v = 7;
		{
			char w[32];
			if (run_esp_profile_nth(c, "addresses", "echo-port", 0, w, sizeof(w)) == 0)
				v = strtoul(w, NULL, 10);
		}
		if (run_esp_arg_num(c, x, "dport", 65535, &v) < 0)
			return -1;
		p->dport = (uint16_t)v;
	} else {
		p->proto = p->dst.family == 6 ? INET_PROTO_ICMPV6 : INET_PROTO_ICMP;
		p->icmp_type = inet_echo_request_type(p->dst.family);
		v = 0x1c3e;
		if (run_esp_arg_num(c, x, "echo_id", 65535, &v) < 0)
			return -1;
		p->icmp_id = (uint16_t)v;
		v = ++c->esp->echo_seq;
		if (run_esp_arg_num(c, x, "echo_seq", 65535, &v) < 0)
			return -1;
		p->icmp_seq = (uint16_t)v;
	}
	return 0;
}

/* The inner packet of a send into *inner, its next header into *nh. */
static int build_inner(struct run_ctx *c, const struct script_esp *x,
    const struct ike_child *ch, struct bytes *inner, uint8_t *nh)
{
	struct inet_pkt p;
	struct bytes data = BYTES_EMPTY;
	uint64_t v;
	int fam = 4, rc;
	bool transport = child_transport(ch);
	struct err e;

	memset(&p, 0, sizeof(p));
	if ((rc = run_esp_arg_bytes(c, x, "data", &data)) < 0)
		return -1;
	if (rc == 1) {
		v = x->inner == SCRIPT_INNER_DUMMY ? 32 : 16;
		if ((rc = run_esp_arg_num(c, x, "len", 60000, &v)) < 0 ||
		    bytes_resize(&data, (size_t)v) < 0)
			goto fail;
		for (size_t i = 0; i < data.len; i++)
			data.data[i] = (uint8_t)("iketest "[i % 8]);
	}
	if (x->inner == SCRIPT_INNER_DUMMY || x->inner == SCRIPT_INNER_RAW) {
		/* RFC 4303 2.6: next header 59, the payload is anything; a
		 * raw packet is what the script wrote (its IP version says
		 * the next header, unless next= does: run_esp_send) */
		*nh = x->inner == SCRIPT_INNER_DUMMY ? ESP_NEXT_HEADER_DUMMY :
		    data.len > 0 && data.data[0] >> 4 == 6 ? INET_PROTO_IPV6 :
		    INET_PROTO_IPIP;
		rc = bytes_set(inner, data.data, data.len);
		bytes_free(&data);
		return rc < 0 ? run_script_error(c, 0, "out of memory") : 0;
	}
	/* the destination decides the family */
	{
		const struct script_arg *to = run_esp_arg_find(x, "to");
		if (to != NULL && (to->values->kind == SCRIPT_V_STRING) &&
		    memchr(to->values->text, ':', to->values->len) != NULL)
			fam = 6;
	}
	if (transport) {
		if (run_esp_arg_addr(c, x, "from", "harness", fam, &p.src) < 0 ||
		    run_esp_arg_addr(c, x, "to", "iut", fam, &p.dst) < 0)
			goto fail;
	} else if (run_esp_arg_addr(c, x, "from", "local", fam, &p.src) < 0 ||
	    run_esp_arg_addr(c, x, "to", "echo", fam, &p.dst) < 0) {
		goto fail;
	}
	p.data = data.data;
	p.data_len = data.len;
	if (inner_ports(c, x, &p) < 0)
		goto fail;
	v = 0;
	if (run_esp_arg_num(c, x, "ttl", 255, &v) < 0)
		goto fail;
	p.ttl = (uint8_t)v;
	if (transport) {
		*nh = (uint8_t)p.proto;
		rc = inet_build_l4(&p, inner, &e);
	} else {
		*nh = p.src.family == 6 ? INET_PROTO_IPV6 : INET_PROTO_IPIP;
		rc = inet_build_ip(&p, inner, &e);
	}
	bytes_free(&data);
	if (rc < 0)
		return run_script_error(c, 0, "inner packet: %s", e.text);
	return 0;
fail:
	bytes_free(&data);
	return -1;
}

/* The inner header lies of a send (suites/README.md "Traffic"): fields
 * of the built packet overwritten, so that the IUT's inner parser, not
 * the harness, meets them. The IPv4 header checksum is made right again
 * unless ipcsum= gives it, so that a lie gets past that check. */
enum inner_lie_field {
	LIE_IPVER, LIE_IHL, LIE_IPLEN, LIE_FRAG, LIE_PROTO, LIE_IPCSUM,
	LIE_L4LEN, LIE_L4CSUM, LIE_COUNT
};

struct inner_lie {
	const char *key;
	uint64_t max;
	bool ip;		/* a field of the IP header */
	bool v4_only;		/* a field IPv6 has not */
};

/* ipver, ihl: the version and header length nibbles; iplen: the IPv4
 * total or IPv6 payload length; frag: IPv4 flags and fragment offset;
 * proto: the IPv4 protocol or IPv6 next header; ipcsum: the IPv4 header
 * checksum; l4len: the UDP length; l4csum: the UDP or ICMP checksum. */
static const struct inner_lie inner_lies[LIE_COUNT] = {
	[LIE_IPVER] = { "ipver", 15, true, false },
	[LIE_IHL] = { "ihl", 15, true, true },
	[LIE_IPLEN] = { "iplen", 65535, true, false },
	[LIE_FRAG] = { "frag", 65535, true, true },
	[LIE_PROTO] = { "proto", 255, true, false },
	[LIE_IPCSUM] = { "ipcsum", 65535, true, true },
	[LIE_L4LEN] = { "l4len", 65535, false, false },
	[LIE_L4CSUM] = { "l4csum", 65535, false, false },
};

static void put16(uint8_t *p, uint64_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static int apply_lies(struct run_ctx *c, const struct script_esp *x,
    bool transport, struct bytes *in)
{
	uint64_t v[LIE_COUNT];
	bool set[LIE_COUNT], any = false;
	bool v6 = !transport && in->len > 0 && in->data[0] >> 4 == 6;
	size_t i, l4 = transport ? 0 : v6 ? 40 : 20;
	uint8_t *p = in->data;
	int rc;

	for (i = 0; i < LIE_COUNT; i++) {
		if ((rc = run_esp_arg_num(c, x, inner_lies[i].key,
		    inner_lies[i].max, &v[i])) < 0)
			return -1;
		set[i] = rc == 0;
		any |= set[i];
		if (set[i] && transport && inner_lies[i].ip)
			return run_script_error(c, 0, "%s=: a transport-mode CHILD SA carries no inner IP header",
			    inner_lies[i].key);
		if (set[i] && v6 && inner_lies[i].v4_only)
			return run_script_error(c, 0, "%s=: an IPv4 header field, and this inner packet is IPv6",
			    inner_lies[i].key);
	}
	if (!any)
		return 0;
	if (x->inner != SCRIPT_INNER_UDP && x->inner != SCRIPT_INNER_ICMP)
		return run_script_error(c, 0, "header lies (ipver= ... l4csum=) need `esp send udp' or `icmp'");
	if (set[LIE_L4LEN] && x->inner != SCRIPT_INNER_UDP)
		return run_script_error(c, 0, "l4len=: only UDP has a length field");
	if (in->len < l4 + 8)
		return run_script_error(c, 0, "the inner packet is too short for its header lies");
	if (set[LIE_IPVER])
		p[0] = (uint8_t)((p[0] & 0x0f) | v[LIE_IPVER] << 4);
	if (set[LIE_IHL])
		p[0] = (uint8_t)((p[0] & 0xf0) | v[LIE_IHL]);
	if (set[LIE_IPLEN])
		put16(p + (v6 ? 4 : 2), v[LIE_IPLEN]);
	if (set[LIE_FRAG])
		put16(p + 6, v[LIE_FRAG]);
	if (set[LIE_PROTO])
		p[v6 ? 6 : 9] = (uint8_t)v[LIE_PROTO];
	if (set[LIE_L4LEN])
		put16(p + l4 + 4, v[LIE_L4LEN]);
	if (set[LIE_L4CSUM])
		put16(p + l4 + (x->inner == SCRIPT_INNER_UDP ? 6 : 2), v[LIE_L4CSUM]);
	if (!transport && !v6) {
		put16(p + 10, 0);
		put16(p + 10, set[LIE_IPCSUM] ? v[LIE_IPCSUM] : inet_sum_fold(inet_sum(0, p, 20)));
	}
	return 0;
}

static int esp_opts(struct run_ctx *c, const struct script_esp *x,
    struct esp_send_opts *o, struct bytes *pad)
{
	uint64_t v;
	int rc;

	memset(o, 0, sizeof(*o));
	if ((rc = run_esp_arg_num(c, x, "seq", UINT64_MAX, &v)) < 0)
		return -1;
	if (rc == 0) {
		o->seq_given = true;
		o->seq = v;
	}
	if ((rc = run_esp_arg_num(c, x, "spi", UINT32_MAX, &v)) < 0)
		return -1;
	if (rc == 0) {
		o->spi_given = true;
		o->spi = (uint32_t)v;
	}
	v = 0;
	if (run_esp_arg_num(c, x, "tfc", 9000, &v) < 0)
		return -1;
	o->tfc_len = (size_t)v;
	if ((rc = run_esp_arg_bytes(c, x, "pad", pad)) < 0)
		return -1;
	if (rc == 0) {
		o->pad_given = true;
		o->pad = pad->data;
		o->pad_len = pad->len;
	}
	if ((rc = run_esp_arg_num(c, x, "padlen", 255, &v)) < 0)
		return -1;
	if (rc == 0) {
		o->pad_len_given = true;
		o->pad_len_value = (uint8_t)v;
	}
	o->corrupt_icv = run_esp_arg_is(x, "corrupt", "icv");
	o->corrupt_payload = run_esp_arg_is(x, "corrupt", "payload");
	return 0;
}

static int send_ah(struct run_ctx *c, const struct script_esp *x,
    struct run_child_io *io, const struct bytes *inner, uint8_t nh,
    struct bytes *pkt, struct err *e)
{
	struct ah_send_opts o;
	struct inet_pkt outer;
	uint64_t v;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&outer, 0, sizeof(outer));
	if ((rc = run_esp_arg_num(c, x, "seq", UINT64_MAX, &v)) < 0)
		return -1;
	o.seq_given = rc == 0;
	o.seq = v;
	if ((rc = run_esp_arg_num(c, x, "spi", UINT32_MAX, &v)) < 0)
		return -1;
	o.spi_given = rc == 0;
	o.spi = (uint32_t)v;
	o.corrupt_icv = run_esp_arg_is(x, "corrupt", "icv");
	o.corrupt_payload = run_esp_arg_is(x, "corrupt", "payload");
	if (nh == ESP_NEXT_HEADER_DUMMY)
		return err_set(e, "AH has no dummy packets (RFC 4303 2.6 is ESP's)");
	/* tunnel mode: a new outer header from the harness to the IUT */
	if (run_esp_profile_addr(c, "addresses", "harness", 0, &outer.src) != 0 ||
	    run_esp_profile_addr(c, "addresses", "iut", outer.src.family, &outer.dst) != 0)
		return err_set(e, "the profile's [addresses] harness and iut are needed for AH");
	return ah_protect(io->ah_out, inner->data, inner->len, &outer, &o, pkt, e);
}

int run_esp_send(struct run_ctx *c, const struct script_event *ev)
{
	const struct script_esp *x = &ev->u.esp;
	const struct ike_child *ch = NULL;
	struct run_child_io *io;
	struct run_check k;
	struct bytes inner = BYTES_EMPTY, pad = BYTES_EMPTY, pkt = BYTES_EMPTY;
	struct esp_send_opts o;
	enum net_port via = run_esp_via(c, x);
	uint8_t nh = 0;
	size_t len = 0;
	int rc;
	struct err e;

	run_check_begin(c, &k, ev->pos.line, "%s send %s", x->ah ? "ah" : "esp",
	    script_inner_name(x->inner));
	if ((rc = run_esp_pick_child(c, ev, &ch, &io, &k)) != 0) {
		run_check_end(c, &k);
		return rc < 0 ? -1 : 0;
	}
	if (!run_esp_via_usable(c, ev->pos.line, k.desc, via)) {
		bytes_free(&k.diag);
		return 0;
	}
	if (build_inner(c, x, ch, &inner, &nh) < 0 ||
	    apply_lies(c, x, child_transport(ch), &inner) < 0)
		goto script_err;
	{
		uint64_t v = nh;	/* next=: the Next Header octet says v */

		if (run_esp_arg_num(c, x, "next", 255, &v) < 0)
			goto script_err;
		nh = (uint8_t)v;
	}
	if (x->ah) {
		if ((rc = send_ah(c, x, io, &inner, nh, &pkt, &e)) < 0 &&
		    c->bad_script)
			goto script_err;
		if (rc == 0)
			rc = net_send_ip(c->net, pkt.data, pkt.len, &e);
	} else {
		if (esp_opts(c, x, &o, &pad) < 0)
			goto script_err;
		rc = esp_encap(io->esp_out, nh, inner.data, inner.len, &o,
		    c->esp->buf, sizeof(c->esp->buf), &len, &e);
		if (rc == 0)
			rc = bytes_set(&pkt, c->esp->buf, len);
		if (rc == 0)
			rc = net_send_esp(c->net, via, pkt.data, pkt.len, &e);
	}
	if (rc < 0) {
		run_check_fail(&k, "%s", e.text);
		run_check_end(c, &k);
	} else {
		bytes_free(&k.diag);
		(void)bytes_copy(&io->last_sent, &pkt);
		io->last_via = via;
		c->last_event_us = net_now_us();
	}
	bytes_free(&inner);
	bytes_free(&pad);
	bytes_free(&pkt);
	return 0;
script_err:
	bytes_free(&k.diag);
	bytes_free(&inner);
	bytes_free(&pad);
	bytes_free(&pkt);
	return -1;
}

/* esp replay: the last packet sent on the child, the same bytes (RFC
 * 4303 3.4.3: a receiver with anti-replay drops it). */
int run_esp_replay(struct run_ctx *c, const struct script_event *ev)
{
	const struct ike_child *ch = NULL;
	struct run_child_io *io;
	struct run_check k;
	struct err e;
	int rc;

	run_check_begin(c, &k, ev->pos.line, "%s replay",
	    ev->u.esp.ah ? "ah" : "esp");
	if ((rc = run_esp_pick_child(c, ev, &ch, &io, &k)) != 0) {
		run_check_end(c, &k);
		return rc < 0 ? -1 : 0;
	}
	if (io->last_sent.len == 0) {
		run_check_fail(&k, "nothing sent on this CHILD SA to replay");
		run_check_end(c, &k);
		return 0;
	}
	if (ev->u.esp.ah)
		rc = net_send_ip(c->net, io->last_sent.data, io->last_sent.len, &e);
	else
		rc = net_send_esp(c->net, io->last_via, io->last_sent.data,
		    io->last_sent.len, &e);
	if (rc < 0) {
		run_check_fail(&k, "%s", e.text);
		run_check_end(c, &k);
		return 0;
	}
	bytes_free(&k.diag);
	c->last_event_us = net_now_us();
	return 0;
}
