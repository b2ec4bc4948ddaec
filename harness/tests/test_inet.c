/* test_inet: the inner packets. Known checksums (RFC 1071's example, a
 * classic IPv4 header), UDP and ICMP checksums against a sum written
 * separately here, build/parse round trips for IPv4 and IPv6, UDP, ICMP
 * and ICMPv6, whole packets and transport parts; every truncation of a
 * valid packet refused with a text, TFC padding after the IP length
 * accepted, each length rule refused on its own, echo answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "inet.h"
#include "tap.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t payload[] = "odd-length echo data: 37 bytes long!";

static struct addr addr(const char *text)
{
	struct addr a;
	struct err e;

	if (addr_parse(text, &a, &e) < 0)
		diag("%s", e.text);
	return a;
}

/* ---- a checksum written independently of inet_sum ------------------ */

struct ref {
	uint8_t buf[70000];
	size_t len;
};

static void ref_put(struct ref *r, const void *p, size_t n)
{
	memcpy(r->buf + r->len, p, n);
	r->len += n;
}

/* RFC 1071 2(1): the 16-bit one's complement of the one's complement
 * sum, with an odd last byte padded by a zero. */
static uint16_t ref_checksum(const struct ref *r)
{
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i < r->len; i += 2) {
		unsigned hi = r->buf[i];
		unsigned lo = i + 1 < r->len ? r->buf[i + 1] : 0;

		sum += hi * 256 + lo;
	}
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)(0xffff - sum);
}

/* The pseudo-header (RFC 768; RFC 8200 8.1) spelled out. */
static void ref_pseudo(struct ref *r, const struct addr *s,
    const struct addr *d, unsigned proto, size_t len)
{
	uint8_t z = 0, p8 = (uint8_t)proto;
	uint8_t l16[2] = { (uint8_t)(len >> 8), (uint8_t)len };
	uint8_t l32[4] = { 0, 0, (uint8_t)(len >> 8), (uint8_t)len };

	if (s->family == 4) {
		ref_put(r, s->ip, 4);
		ref_put(r, d->ip, 4);
		ref_put(r, &z, 1);
		ref_put(r, &p8, 1);
		ref_put(r, l16, 2);
	} else {
		ref_put(r, s->ip, 16);
		ref_put(r, d->ip, 16);
		ref_put(r, l32, 4);
		ref_put(r, &z, 1);
		ref_put(r, &z, 1);
		ref_put(r, &z, 1);
		ref_put(r, &p8, 1);
	}
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* The checksum field of the transport part t[0..n) and the value the
 * reference computes for it (the field taken as zero). */
static void ref_l4(unsigned proto, const struct addr *s,
    const struct addr *d, const uint8_t *t, size_t n, unsigned *got,
    unsigned *want)
{
	static struct ref r;
	size_t at = proto == INET_PROTO_UDP ? 6 : 2;

	r.len = 0;
	if (proto != INET_PROTO_ICMP)
		ref_pseudo(&r, s, d, proto, n);
	ref_put(&r, t, n);
	r.buf[r.len - n + at] = 0;
	r.buf[r.len - n + at + 1] = 0;
	*got = get16(t + at);
	*want = ref_checksum(&r);
	if (proto == INET_PROTO_UDP && *want == 0)
		*want = 0xffff;
}

/* ---- known answers ---------------------------------------------------- */

static void test_known(void)
{
	/* RFC 1071 3: the sum of 00 01 f2 03 f4 f5 f6 f7 is ddf2. */
	static const uint8_t rfc1071[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
	    0xf6, 0xf7 };
	/* A classic IPv4 header (UDP, 192.168.0.1 -> 192.168.0.199, total
	 * length 115, ID 0, DF, TTL 64), checksum b861. Bytes only: never
	 * sent anywhere. */
	static const uint8_t v4hdr[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00,
	    0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0,
	    0xa8, 0x00, 0xc7 };
	uint8_t data[87];
	struct inet_pkt p = { 0 };
	struct bytes b = BYTES_EMPTY;
	struct err e = { "" };
	uint32_t s;

	s = inet_sum(0, rfc1071, sizeof(rfc1071));
	is_int(s, 0xddf2, "RFC 1071 example sums to ddf2");
	is_int(inet_sum_fold(s), 0x220d, "and its checksum is 220d");
	/* The same sum in pieces (even ones) and from a carried sum. */
	s = inet_sum(inet_sum(inet_sum(0, rfc1071, 2), rfc1071 + 2, 4),
	    rfc1071 + 6, 2);
	is_int(s, 0xddf2, "summed in three pieces");
	is_int(inet_sum_fold(inet_sum(0, v4hdr, 20)), 0,
	    "a header with the right checksum folds to 0");

	memset(data, 0x5a, sizeof(data));
	p.src = addr("192.168.0.1");
	p.dst = addr("192.168.0.199");
	p.proto = INET_PROTO_UDP;
	p.sport = 1234;
	p.dport = 7;
	p.data = data;
	p.data_len = sizeof(data);
	ok(inet_build_ip(&p, &b, &e) == 0, "build the classic packet (%s)",
	    e.text);
	if (b.len >= 20)
		cmp_mem(b.data, 20, v4hdr, 20,
		    "IPv4 header: ID 0, DF, TTL 64, checksum b861");
	is_int(b.len, 115, "total length 115");
	bytes_free(&b);
}

/* ---- round trips ---------------------------------------------------- */

struct rt_case {
	const char *src, *dst;
	unsigned proto;
	uint8_t type;
};

static const struct rt_case cases[] = {
	{ "192.0.2.1", "198.51.100.2", INET_PROTO_UDP, 0 },
	{ "2001:db8::1", "2001:db8:1::2", INET_PROTO_UDP, 0 },
	{ "192.0.2.1", "198.51.100.2", INET_PROTO_ICMP, 8 },
	{ "192.0.2.1", "198.51.100.2", INET_PROTO_ICMP, 0 },
	{ "2001:db8::1", "2001:db8:1::2", INET_PROTO_ICMPV6, 128 },
	{ "2001:db8::1", "2001:db8:1::2", INET_PROTO_ICMPV6, 129 },
	{ "203.0.113.9", "198.51.100.2", 6, 0 },	/* TCP: data only */
	{ "2001:db8::1", "2001:db8:1::2", 6, 0 },
};

static struct inet_pkt make(const struct rt_case *c, size_t data_len)
{
	struct inet_pkt p = { 0 };

	p.src = addr(c->src);
	p.dst = addr(c->dst);
	p.proto = c->proto;
	p.ttl = 17;
	p.sport = 40000;
	p.dport = 7;
	p.icmp_type = c->type;
	p.icmp_id = 0x1234;
	p.icmp_seq = 0xfedc;
	p.data = payload;
	p.data_len = data_len;
	return p;
}

static const char *name(const struct rt_case *c)
{
	static char buf[96];

	snprintf(buf, sizeof(buf), "%s>%s proto %u", c->src, c->dst,
	    c->proto);
	return buf;
}

static bool same(const struct inet_pkt *a, const struct inet_pkt *b)
{
	bool l4 = true;

	if (a->proto == INET_PROTO_UDP)
		l4 = a->sport == b->sport && a->dport == b->dport;
	else if (a->proto == INET_PROTO_ICMP || a->proto == INET_PROTO_ICMPV6)
		l4 = a->icmp_type == b->icmp_type &&
		    a->icmp_code == b->icmp_code &&
		    a->icmp_id == b->icmp_id && a->icmp_seq == b->icmp_seq;
	return l4 && addr_equal(&a->src, &b->src) &&
	    addr_equal(&a->dst, &b->dst) && a->proto == b->proto &&
	    a->data_len == b->data_len &&
	    memcmp(a->data, b->data, a->data_len) == 0;
}

static void round_trip(const struct rt_case *c, size_t data_len)
{
	struct inet_pkt p = make(c, data_len), q;
	struct bytes ip = BYTES_EMPTY, l4 = BYTES_EMPTY, pad = BYTES_EMPTY;
	struct err e = { "" };
	size_t hl = p.src.family == 4 ? INET_IPV4_HDR : INET_IPV6_HDR, k;
	unsigned got, want;
	bool all = true;

	if (!ok(inet_build_ip(&p, &ip, &e) == 0 &&
	    inet_build_l4(&p, &l4, &e) == 0, "%s, %zu bytes: built (%s)",
	    name(c), data_len, e.text))
		goto out;
	cmp_mem(ip.data + hl, ip.len - hl, l4.data, l4.len,
	    "%s: the transport part is the same in both builds", name(c));
	if (c->proto == INET_PROTO_UDP || c->proto == INET_PROTO_ICMP ||
	    c->proto == INET_PROTO_ICMPV6) {
		ref_l4(c->proto, &p.src, &p.dst, l4.data, l4.len, &got, &want);
		is_int(got, want, "%s, %zu bytes: checksum as the reference "
		    "computes it", name(c), data_len);
	}
	if (p.src.family == 4) {
		static struct ref r;

		r.len = 0;
		ref_put(&r, ip.data, 20);
		r.buf[10] = r.buf[11] = 0;
		is_int(get16(ip.data + 10), ref_checksum(&r),
		    "%s: IPv4 header checksum as the reference computes it",
		    name(c));
		is_int(ip.data[8], 17, "%s: TTL as asked", name(c));
	} else {
		is_int(ip.data[7], 17, "%s: hop limit as asked", name(c));
		is_int(get16(ip.data + 4), ip.len - hl,
		    "%s: IPv6 payload length", name(c));
	}

	ok(inet_parse_ip(ip.data, ip.len, &q, &e) == 0, "%s: parses (%s)",
	    name(c), e.text);
	ok(same(&p, &q) && q.ttl == 17 && q.checksum_ok &&
	    q.ip_len == ip.len, "%s: parsed fields are the built ones, "
	    "checksums good", name(c));
	ok(inet_parse_l4(c->proto, &p.src, &p.dst, l4.data, l4.len, &q,
	    &e) == 0 && same(&p, &q) && q.checksum_ok && q.ip_len == 0,
	    "%s: transport part parses back (%s)", name(c), e.text);

	/* The transport part against the wrong addresses: the pseudo-
	 * header is in the checksum (UDP, ICMPv6), not for ICMP. */
	if (c->proto == INET_PROTO_UDP || c->proto == INET_PROTO_ICMPV6) {
		struct addr other = p.dst;

		other.ip[3] ^= 1;
		ok(inet_parse_l4(c->proto, &p.src, &other, l4.data, l4.len,
		    &q, &e) == 0 && !q.checksum_ok,
		    "%s: checksum covers the destination address", name(c));
	}

	/* TFC padding (RFC 4303 2.7) after the declared length. */
	bytes_copy(&pad, &ip);
	bytes_append(&pad, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 17);
	ok(inet_parse_ip(pad.data, pad.len, &q, &e) == 0 && same(&p, &q) &&
	    q.ip_len == ip.len && q.checksum_ok,
	    "%s: 17 bytes of TFC padding after ip_len ignored (%s)", name(c),
	    e.text);

	/* Every truncation refused, with a text; each cut copied to a
	 * buffer of exactly its size so that ASan sees any read past it. */
	for (k = 0; k < ip.len; k++) {
		uint8_t *cut = malloc(k ? k : 1);
		int rc;

		if (cut == NULL)
			break;
		memcpy(cut, ip.data, k);
		e.text[0] = '\0';
		rc = inet_parse_ip(cut, k, &q, &e);
		free(cut);
		if (rc == 0 || e.text[0] == '\0') {
			all = false;
			diag("cut to %zu bytes: %s", k,
			    e.text[0] ? e.text : "accepted");
			break;
		}
	}
	ok(all, "%s: all %zu truncations refused with a text", name(c),
	    ip.len);

	/* A changed data byte: parsed, checksum reported bad. */
	if (data_len > 0 && c->proto != 6) {
		ip.data[ip.len - 1] ^= 0x40;
		ok(inet_parse_ip(ip.data, ip.len, &q, &e) == 0 &&
		    !q.checksum_ok, "%s: flipped data bit: checksum bad",
		    name(c));
	}
out:
	bytes_free(&ip);
	bytes_free(&l4);
	bytes_free(&pad);
}

static void test_round_trips(void)
{
	size_t i;

	for (i = 0; i < N(cases); i++) {
		round_trip(&cases[i], sizeof(payload));
		round_trip(&cases[i], 0);
	}
}

/* ---- each length rule on its own ------------------------------------ */

/* inet_parse_ip of p must fail with a text containing want. */
static void refused(const uint8_t *p, size_t n, const char *want,
    const char *what)
{
	struct inet_pkt q;
	struct err e = { "" };
	int rc = inet_parse_ip(p, n, &q, &e);

	ok(rc < 0 && strstr(e.text, want) != NULL,
	    "%s refused with \"%s\" (got: %s)", what, want,
	    rc < 0 ? e.text : "accepted");
}

static void fix_v4(uint8_t *p)
{
	static struct ref r;
	uint16_t ck;

	r.len = 0;
	ref_put(&r, p, (size_t)(p[0] & 15) * 4);
	r.buf[10] = r.buf[11] = 0;
	ck = ref_checksum(&r);
	p[10] = (uint8_t)(ck >> 8);
	p[11] = (uint8_t)ck;
}

static void test_lengths(void)
{
	struct inet_pkt p = make(&cases[0], 10), q;
	struct bytes b = BYTES_EMPTY, b6 = BYTES_EMPTY;
	struct err e = { "" };
	uint8_t buf[128], opt[128];

	inet_build_ip(&p, &b, &e);
	memcpy(buf, b.data, b.len);
	buf[0] = 0x44;
	refused(buf, b.len, "header length 16 < 20", "IPv4 IHL 4");
	buf[0] = 0x4f;
	refused(buf, b.len, "header length 60 beyond the 38 bytes",
	    "IPv4 IHL beyond the data");
	memcpy(buf, b.data, b.len);
	buf[2] = 0;
	buf[3] = 19;
	refused(buf, b.len, "total length 19 shorter than its header",
	    "IPv4 total length < IHL*4");
	buf[3] = 39;
	refused(buf, b.len, "total length 39 beyond the 38 bytes",
	    "IPv4 total length > n");
	memcpy(buf, b.data, b.len);
	buf[6] = 0x20;		/* MF */
	refused(buf, b.len, "fragment", "IPv4 first fragment");
	buf[6] = 0x00;
	buf[7] = 0x03;
	refused(buf, b.len, "fragment (offset 24", "IPv4 later fragment");
	memcpy(buf, b.data, b.len);
	buf[0] = 0x55;
	refused(buf, b.len, "IP version 5", "version 5");
	refused(buf, 0, "empty", "no bytes");
	/* UDP length below its header and beyond the IP payload. */
	memcpy(buf, b.data, b.len);
	buf[24] = 0;
	buf[25] = 7;
	refused(buf, b.len, "UDP length 7 shorter than its header",
	    "UDP length 7");
	buf[25] = 19;
	refused(buf, b.len, "UDP length 19 beyond the 18 bytes",
	    "UDP length > IP payload");
	/* A shorter UDP length: the rest is not data (transport-mode TFC
	 * padding), and the checksum still covers the declared part. */
	memcpy(buf, b.data, b.len);
	buf[25] = 12;
	buf[26] = buf[27] = 0;	/* no checksum (IPv4 only) */
	ok(inet_parse_ip(buf, b.len, &q, &e) == 0 && q.data_len == 4 &&
	    q.checksum_ok, "UDP length 12 in 18 bytes: 4 bytes of data, "
	    "zero checksum allowed over IPv4");
	/* Header checksum bad: reported. */
	memcpy(buf, b.data, b.len);
	buf[10] ^= 1;
	ok(inet_parse_ip(buf, b.len, &q, &e) == 0 && !q.checksum_ok,
	    "bad IPv4 header checksum reported, not enforced");
	/* IPv4 options (four NOPs): data starts after them. */
	memcpy(opt, b.data, 20);
	opt[0] = 0x46;
	opt[3] = (uint8_t)(b.len + 4);
	memset(opt + 20, 1, 4);
	memcpy(opt + 24, b.data + 20, b.len - 20);
	fix_v4(opt);
	ok(inet_parse_ip(opt, b.len + 4, &q, &e) == 0 && same(&p, &q) &&
	    q.checksum_ok && q.ip_len == b.len + 4,
	    "IPv4 with 4 bytes of options parses (%s)", e.text);

	p = make(&cases[1], 10);
	inet_build_ip(&p, &b6, &e);
	memcpy(buf, b6.data, b6.len);
	buf[5] = (uint8_t)(b6.len - 40 + 1);
	refused(buf, b6.len, "payload length 19 beyond the 18 bytes",
	    "IPv6 payload length > n - 40");
	refused(buf, 39, "IPv6 header cut short (39 < 40)",
	    "39 bytes of IPv6");
	memcpy(buf, b6.data, b6.len);
	buf[46] = buf[47] = 0;
	ok(inet_parse_ip(buf, b6.len, &q, &e) == 0 && !q.checksum_ok,
	    "UDP checksum 0 is bad over IPv6 (RFC 8200 8.1)");
	/* An extension header is data of its protocol. */
	memcpy(buf, b6.data, b6.len);
	buf[6] = 0;
	ok(inet_parse_ip(buf, b6.len, &q, &e) == 0 && q.proto == 0 &&
	    q.data_len == b6.len - 40, "IPv6 hop-by-hop: not walked, data");
	/* Transport parts cut short. */
	ok(inet_parse_l4(INET_PROTO_UDP, &p.src, &p.dst, b6.data + 40, 7, &q,
	    &e) < 0 && strstr(e.text, "UDP header cut short"),
	    "7 bytes of UDP refused (%s)", e.text);
	ok(inet_parse_l4(INET_PROTO_ICMPV6, &p.src, &p.dst, b6.data + 40, 7,
	    &q, &e) < 0 && strstr(e.text, "ICMP header cut short"),
	    "7 bytes of ICMPv6 refused (%s)", e.text);
	bytes_free(&b);
	bytes_free(&b6);
}

/* ---- builders: what they refuse -------------------------------------- */

static void test_build_limits(void)
{
	static uint8_t big[65535];
	struct inet_pkt p = make(&cases[0], 0);
	struct bytes b = BYTES_EMPTY;
	struct err e = { "" };

	p.data = big;
	p.data_len = 65535 - 28;
	ok(inet_build_ip(&p, &b, &e) == 0 && b.len == 65535,
	    "largest IPv4 UDP packet built (%s)", e.text);
	b.len = 0;
	p.data_len++;
	ok(inet_build_ip(&p, &b, &e) < 0 && strstr(e.text, "65536 > 65535") &&
	    b.len == 0, "one byte more refused, nothing written (%s)", e.text);
	p = make(&cases[1], 0);
	p.data = big;
	p.data_len = 65535 - 8;
	ok(inet_build_ip(&p, &b, &e) == 0 && b.len == 65535 + 40,
	    "largest IPv6 UDP packet built (%s)", e.text);
	b.len = 0;
	p.data_len++;
	ok(inet_build_ip(&p, &b, &e) < 0 && b.len == 0,
	    "one byte more refused (%s)", e.text);
	p = make(&cases[0], 4);
	p.dst = addr("2001:db8::2");
	ok(inet_build_ip(&p, &b, &e) < 0 && strstr(e.text, "family 4") &&
	    inet_build_l4(&p, &b, &e) < 0, "mixed families refused (%s)",
	    e.text);
	p = make(&cases[0], 4);
	p.ttl = 0;
	b.len = 0;
	ok(inet_build_ip(&p, &b, &e) == 0 && b.data[8] == INET_DEFAULT_TTL,
	    "TTL 0 means %d", INET_DEFAULT_TTL);
	bytes_free(&b);
}

/* ---- echo answers ---------------------------------------------------- */

static void echo_case(const struct rt_case *c, int want_rc,
    uint8_t want_type)
{
	struct inet_pkt req = make(c, sizeof(payload)), rep, q;
	struct bytes b = BYTES_EMPTY, r = BYTES_EMPTY;
	struct err e = { "" };
	int rc;

	inet_build_ip(&req, &b, &e);
	inet_parse_ip(b.data, b.len, &req, &e);
	rc = inet_echo_answer(&req, 7, &rep);
	if (!is_int(rc, want_rc, "%s type %u: echo answer", name(c),
	    c->type) || rc != 0)
		goto out;
	ok(addr_equal(&rep.src, &req.dst) &&
	    addr_equal(&rep.dst, &req.src) && rep.proto == req.proto &&
	    rep.data == req.data && rep.data_len == req.data_len,
	    "%s: reply swaps addresses, same data", name(c));
	if (c->proto == INET_PROTO_UDP)
		ok(rep.sport == req.dport && rep.dport == req.sport,
		    "%s: ports swapped", name(c));
	else
		ok(rep.icmp_type == want_type && rep.icmp_code == 0 &&
		    rep.icmp_id == req.icmp_id && rep.icmp_seq == req.icmp_seq,
		    "%s: type %u, same id and seq", name(c), want_type);
	ok(inet_build_ip(&rep, &r, &e) == 0 &&
	    inet_parse_ip(r.data, r.len, &q, &e) == 0 && same(&rep, &q) &&
	    q.checksum_ok, "%s: reply builds and parses back", name(c));
out:
	bytes_free(&b);
	bytes_free(&r);
}

static void test_echo(void)
{
	struct rt_case other = cases[0];
	struct inet_pkt req = make(&cases[0], 3), rep;

	echo_case(&cases[0], 0, 0);
	echo_case(&cases[1], 0, 0);
	echo_case(&cases[2], 0, 0);		/* ICMP request -> reply 0 */
	echo_case(&cases[3], 1, 0);		/* a reply is not answered */
	echo_case(&cases[4], 0, 129);
	echo_case(&cases[5], 1, 0);
	echo_case(&cases[6], 1, 0);		/* TCP */
	other.proto = INET_PROTO_ICMPV6;	/* type 0 */
	echo_case(&other, 1, 0);
	req.dport = 9;
	is_int(inet_echo_answer(&req, 7, &rep), 1, "UDP to port 9: none");
	is_int(inet_echo_request_type(4), 8, "ICMP echo request 8");
	is_int(inet_echo_reply_type(6), 129, "ICMPv6 echo reply 129");
}

/* ---- addresses ------------------------------------------------------- */

static void test_addrs(void)
{
	struct addr a, b;
	struct err e = { "" };
	char buf[64];

	ok(addr_parse("198.51.100.2", &a, &e) == 0 && a.family == 4 &&
	    a.ip[0] == 198 && a.ip[3] == 2, "IPv4 address parsed");
	addr_format(&a, buf, sizeof(buf));
	ok(strcmp(buf, "198.51.100.2") == 0, "formatted back: %s", buf);
	ok(addr_parse("2001:db8::2", &b, &e) == 0 && b.family == 6 &&
	    b.ip[0] == 0x20 && b.ip[15] == 2, "IPv6 address parsed");
	addr_format(&b, buf, sizeof(buf));
	ok(strcmp(buf, "2001:db8::2") == 0, "formatted back: %s", buf);
	ok(!addr_equal(&a, &b) && addr_equal(&a, &a),
	    "equal only to itself");
	ok(addr_parse("198.51.100.300", &a, &e) < 0 &&
	    strstr(e.text, "198.51.100.300") != NULL,
	    "bad address refused, quoted (%s)", e.text);
	a.family = 0;
	addr_format(&a, buf, 4);
	ok(strlen(buf) < 4, "a bad family formats within the buffer");
}

int main(void)
{
	test_known();
	test_round_trips();
	test_lengths();
	test_build_limits();
	test_echo();
	test_addrs();
	return tap_done();
}
