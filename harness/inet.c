/* inet: the inner packets of CHILD SAs (IPv4, IPv6, UDP, ICMP echo,
 * ICMPv6 echo) built and parsed without a socket, so that the packets an
 * SA carries can be made to order and checked field by field. */
#include "inet.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "buffer.h"
#include "err.h"

enum {
	V4_FLAG_DF = 0x4000,		/* RFC 791 3.1 */
	V4_FLAG_MF = 0x2000,
	V4_FRAG_OFFSET = 0x1fff,
	INET_MAX_LEN = 65535,		/* any 16-bit length field */
	PSEUDO_MAX = 40,		/* the IPv6 pseudo-header */
};

uint8_t inet_echo_request_type(int family)
{
	return family == 6 ? 128 : 8;	/* RFC 4443 4.1, RFC 792 */
}

uint8_t inet_echo_reply_type(int family)
{
	return family == 6 ? 129 : 0;
}

/* The 16-bit one's complement sum (RFC 1071 4.1), kept folded so that
 * any number of calls cannot overflow. An odd n is padded with a zero
 * byte, so only the last piece of a chained sum may be odd. */
uint32_t inet_sum(uint32_t sum, const uint8_t *p, size_t n)
{
	uint64_t s = sum;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n % 2)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

/* The value for a checksum field: the complement of the folded sum. A
 * region whose checksum field is right folds to 0. */
uint16_t inet_sum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The pseudo-header sum of UDP (RFC 768, RFC 8200 8.1) and ICMPv6
 * (RFC 4443 2.3) for the family of src. */
static uint32_t pseudo_sum(const struct addr *src,
    const struct addr *dst, unsigned proto, size_t len)
{
	uint8_t ph[PSEUDO_MAX] = { 0 };
	size_t al = addr_len(src);

	memcpy(ph, src->ip, al);
	memcpy(ph + al, dst->ip, al);
	if (src->family == 4) {
		ph[9] = (uint8_t)proto;
		buffer_write_n16(ph, sizeof(ph), 10, (uint16_t)len);
		return inet_sum(0, ph, 12);
	}
	ph[32] = (uint8_t)(len >> 24);
	ph[33] = (uint8_t)(len >> 16);
	ph[34] = (uint8_t)(len >> 8);
	ph[35] = (uint8_t)len;
	ph[39] = (uint8_t)proto;
	return inet_sum(0, ph, sizeof(ph));
}

static bool has_pseudo(unsigned proto)
{
	return proto == INET_PROTO_UDP || proto == INET_PROTO_ICMPV6;
}

static bool is_icmp(unsigned proto)
{
	return proto == INET_PROTO_ICMP || proto == INET_PROTO_ICMPV6;
}

static int check_addrs(const struct inet_pkt *p, const char *fn,
    struct err *e)
{
	if ((p->src.family != 4 && p->src.family != 6) ||
	    p->src.family != p->dst.family)
		return err_set(e, "%s: source is family %d, destination %d "
		    "(4 or 6, the same)", fn, p->src.family, p->dst.family);
	return 0;
}

static size_t l4_len(const struct inet_pkt *p)
{
	if (p->proto == INET_PROTO_UDP)
		return INET_UDP_HDR + p->data_len;
	if (is_icmp(p->proto))
		return INET_ICMP_ECHO_HDR + p->data_len;
	return p->data_len;
}

int inet_build_l4(const struct inet_pkt *p, struct bytes *out,
    struct err *e)
{
	uint8_t h[INET_UDP_HDR] = { 0 };
	size_t len = l4_len(p), start = out->len;
	uint32_t sum = 0;
	uint16_t ck;

	if (check_addrs(p, __func__, e) < 0)
		return -1;
	if (p->proto == INET_PROTO_UDP) {
		/* RFC 768: the length field holds header and data. */
		if (len > INET_MAX_LEN)
			return err_set(e, "%s: UDP length %zu > %d", __func__,
			    len, INET_MAX_LEN);
		buffer_write_n16(h, sizeof(h), 0, p->sport);
		buffer_write_n16(h, sizeof(h), 2, p->dport);
		buffer_write_n16(h, sizeof(h), 4, (uint16_t)len);
	} else if (is_icmp(p->proto)) {
		/* RFC 792 echo, RFC 4443 4.1-4.2. */
		h[0] = p->icmp_type;
		h[1] = p->icmp_code;
		buffer_write_n16(h, sizeof(h), 4, p->icmp_id);
		buffer_write_n16(h, sizeof(h), 6, p->icmp_seq);
	} else {
		if (bytes_append(out, p->data, p->data_len) < 0)
			return err_set(e, "%s: out of memory", __func__);
		return 0;
	}
	if (has_pseudo(p->proto))
		sum = pseudo_sum(&p->src, &p->dst, p->proto, len);
	sum = inet_sum(sum, h, sizeof(h));
	sum = inet_sum(sum, p->data, p->data_len);
	ck = inet_sum_fold(sum);
	if (p->proto == INET_PROTO_UDP && ck == 0)
		ck = 0xffff;	/* RFC 768: 0 means "no checksum" */
	buffer_write_n16(h, sizeof(h), p->proto == INET_PROTO_UDP ? 6 : 2, ck);
	if (bytes_append(out, h, sizeof(h)) < 0 ||
	    bytes_append(out, p->data, p->data_len) < 0) {
		out->len = start;
		return err_set(e, "%s: out of memory", __func__);
	}
	return 0;
}

int inet_build_ip(const struct inet_pkt *p, struct bytes *out,
    struct err *e)
{
	uint8_t h[INET_IPV6_HDR] = { 0 };
	size_t len = l4_len(p), start = out->len, hl;
	uint8_t ttl = p->ttl ? p->ttl : INET_DEFAULT_TTL;

	if (check_addrs(p, __func__, e) < 0)
		return -1;
	if (p->src.family == 4) {
		/* RFC 791 3.1. ID 0 with DF: an atomic datagram, whose ID
		 * no one reads (RFC 6864 4.1), and the same bytes on every
		 * run. */
		hl = INET_IPV4_HDR;
		if (hl + len > INET_MAX_LEN)
			return err_set(e, "%s: IPv4 total length %zu > %d",
			    __func__, hl + len, INET_MAX_LEN);
		h[0] = 0x45;
		buffer_write_n16(h, sizeof(h), 2, (uint16_t)(hl + len));
		buffer_write_n16(h, sizeof(h), 6, V4_FLAG_DF);
		h[8] = ttl;
		h[9] = (uint8_t)p->proto;
		memcpy(h + 12, p->src.ip, 4);
		memcpy(h + 16, p->dst.ip, 4);
		buffer_write_n16(h, sizeof(h), 10,
		    inet_sum_fold(inet_sum(0, h, hl)));
	} else {
		/* RFC 8200 3: traffic class and flow label 0. */
		hl = INET_IPV6_HDR;
		if (len > INET_MAX_LEN)
			return err_set(e, "%s: IPv6 payload length %zu > %d",
			    __func__, len, INET_MAX_LEN);
		h[0] = 0x60;
		buffer_write_n16(h, sizeof(h), 4, (uint16_t)len);
		h[6] = (uint8_t)p->proto;
		h[7] = ttl;
		memcpy(h + 8, p->src.ip, 16);
		memcpy(h + 24, p->dst.ip, 16);
	}
	if (bytes_append(out, h, hl) < 0)
		return err_set(e, "%s: out of memory", __func__);
	if (inet_build_l4(p, out, e) < 0) {
		out->len = start;
		return -1;
	}
	return 0;
}

/* UDP (RFC 768): the length field within what is there; bytes after
 * it (TFC padding in transport mode, RFC 4303 2.7) are not data. */
static int parse_udp(const uint8_t *p, size_t n, struct inet_pkt *out,
    struct err *e)
{
	uint16_t ulen = 0, ck = 0;
	uint32_t sum;

	if (n < INET_UDP_HDR)
		return err_set(e, "%s: UDP header cut short (%zu "
		    "< %d)", __func__, n, INET_UDP_HDR);
	/* The fields below lie inside the INET_UDP_HDR checked here. */
	buffer_read_n16(p, n, 4, &ulen);
	if (ulen < INET_UDP_HDR)
		return err_set(e, "%s: UDP length %u shorter than "
		    "its header (%d)", __func__, ulen, INET_UDP_HDR);
	if (ulen > n)
		return err_set(e, "%s: UDP length %u beyond the "
		    "%zu bytes there", __func__, ulen, n);
	buffer_read_n16(p, n, 0, &out->sport);
	buffer_read_n16(p, n, 2, &out->dport);
	out->data = p + INET_UDP_HDR;
	out->data_len = ulen - INET_UDP_HDR;
	buffer_read_n16(p, n, 6, &ck);
	if (ck == 0)	/* none: allowed over IPv4 only (RFC 8200 8.1) */
		out->checksum_ok = out->src.family == 4;
	else {
		sum = pseudo_sum(&out->src, &out->dst, INET_PROTO_UDP, ulen);
		out->checksum_ok = inet_sum_fold(inet_sum(sum, p, ulen)) == 0;
	}
	return 0;
}

/* ICMP (RFC 792) and ICMPv6 (RFC 4443 2.1): type, code, checksum, then
 * four bytes that echo messages use as identifier and sequence. The
 * message has no length of its own: it runs to the end. */
static int parse_icmp(unsigned proto, const uint8_t *p, size_t n,
    struct inet_pkt *out, struct err *e)
{
	uint32_t sum = 0;

	if (n < INET_ICMP_ECHO_HDR)
		return err_set(e, "%s: ICMP header cut short (%zu "
		    "< %d)", __func__, n, INET_ICMP_ECHO_HDR);
	out->icmp_type = p[0];
	out->icmp_code = p[1];
	buffer_read_n16(p, n, 4, &out->icmp_id);
	buffer_read_n16(p, n, 6, &out->icmp_seq);
	out->data = p + INET_ICMP_ECHO_HDR;
	out->data_len = n - INET_ICMP_ECHO_HDR;
	if (proto == INET_PROTO_ICMPV6)
		sum = pseudo_sum(&out->src, &out->dst, proto, n);
	out->checksum_ok = inet_sum_fold(inet_sum(sum, p, n)) == 0;
	return 0;
}

/* The transport part into out, whose addresses are already set. */
static int parse_l4(unsigned proto, const uint8_t *p, size_t n,
    struct inet_pkt *out, struct err *e)
{
	out->proto = proto;
	if (proto == INET_PROTO_UDP)
		return parse_udp(p, n, out, e);
	if (is_icmp(proto))
		return parse_icmp(proto, p, n, out, e);
	out->data = p;
	out->data_len = n;
	out->checksum_ok = true;	/* nothing iketest can check */
	return 0;
}

int inet_parse_l4(unsigned proto, const struct addr *src,
    const struct addr *dst, const uint8_t *p, size_t n,
    struct inet_pkt *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	out->src = *src;
	out->dst = *dst;
	if (check_addrs(out, __func__, e) < 0)
		return -1;
	return parse_l4(proto, p, n, out, e);
}

/* RFC 791 3.1: the three length checks, then no fragments (iketest
 * does not reassemble, and a later fragment has no transport header). */
static int parse_v4(const uint8_t *p, size_t n, struct inet_pkt *out,
    struct err *e)
{
	size_t ihl, total;
	uint16_t total16 = 0, frag = 0;
	bool hdr_ok;

	if (n < INET_IPV4_HDR)
		return err_set(e, "%s: IPv4 header cut short (%zu "
		    "< %d)", __func__, n, INET_IPV4_HDR);
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < INET_IPV4_HDR)
		return err_set(e, "%s: IPv4 header length %zu < "
		    "%d", __func__, ihl, INET_IPV4_HDR);
	if (ihl > n)
		return err_set(e, "%s: IPv4 header length %zu "
		    "beyond the %zu bytes there", __func__, ihl, n);
	buffer_read_n16(p, n, 2, &total16);
	total = total16;
	if (total < ihl)
		return err_set(e, "%s: IPv4 total length %zu "
		    "shorter than its header (%zu)", __func__, total, ihl);
	if (total > n)
		return err_set(e, "%s: IPv4 total length %zu "
		    "beyond the %zu bytes there", __func__, total, n);
	buffer_read_n16(p, n, 6, &frag);
	if (frag & (V4_FLAG_MF | V4_FRAG_OFFSET))
		return err_set(e, "%s: IPv4 fragment (offset %u, "
		    "more fragments %d) is not reassembled", __func__,
		    (unsigned)(frag & V4_FRAG_OFFSET) * 8,
		    (frag & V4_FLAG_MF) != 0);
	hdr_ok = inet_sum_fold(inet_sum(0, p, ihl)) == 0;
	out->src.family = out->dst.family = 4;
	memcpy(out->src.ip, p + 12, 4);
	memcpy(out->dst.ip, p + 16, 4);
	out->ttl = p[8];
	out->ip_len = total;
	if (parse_l4(p[9], p + ihl, total - ihl, out, e) < 0)
		return -1;
	out->checksum_ok = out->checksum_ok && hdr_ok;
	return 0;
}

/* RFC 8200 3. Extension headers are not walked: their number is the
 * protocol and they are part of the data. */
static int parse_v6(const uint8_t *p, size_t n, struct inet_pkt *out,
    struct err *e)
{
	size_t plen;
	uint16_t plen16 = 0;

	if (n < INET_IPV6_HDR)
		return err_set(e, "%s: IPv6 header cut short (%zu "
		    "< %d)", __func__, n, INET_IPV6_HDR);
	buffer_read_n16(p, n, 4, &plen16);
	plen = plen16;
	if (plen > n - INET_IPV6_HDR)
		return err_set(e, "%s: IPv6 payload length %zu "
		    "beyond the %zu bytes there", __func__, plen,
		    n - INET_IPV6_HDR);
	out->src.family = out->dst.family = 6;
	memcpy(out->src.ip, p + 8, 16);
	memcpy(out->dst.ip, p + 24, 16);
	out->ttl = p[7];
	out->ip_len = INET_IPV6_HDR + plen;
	return parse_l4(p[6], p + INET_IPV6_HDR, plen, out, e);
}

int inet_parse_ip(const uint8_t *p, size_t n, struct inet_pkt *out,
    struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (n == 0)
		return err_set(e, "%s: empty packet", __func__);
	switch (p[0] >> 4) {
	case 4:
		return parse_v4(p, n, out, e);
	case 6:
		return parse_v6(p, n, out, e);
	default:
		return err_set(e, "%s: IP version %u (not 4 or 6)", __func__,
		    p[0] >> 4);
	}
}

int inet_echo_answer(const struct inet_pkt *req, uint16_t echo_port,
    struct inet_pkt *reply)
{
	bool udp = req->proto == INET_PROTO_UDP && req->dport == echo_port;
	bool icmp = (req->proto == INET_PROTO_ICMP &&
	    req->icmp_type == inet_echo_request_type(4)) ||
	    (req->proto == INET_PROTO_ICMPV6 &&
	    req->icmp_type == inet_echo_request_type(6));

	if (!udp && !icmp)
		return 1;
	memset(reply, 0, sizeof(*reply));
	reply->src = req->dst;
	reply->dst = req->src;
	reply->proto = req->proto;
	reply->data = req->data;
	reply->data_len = req->data_len;
	if (udp) {	/* RFC 862 */
		reply->sport = req->dport;
		reply->dport = req->sport;
		return 0;
	}
	/* RFC 792 Echo Reply, RFC 4443 4.2: same identifier, sequence and
	 * data; code 0. */
	reply->icmp_type = req->proto == INET_PROTO_ICMP ?
	    inet_echo_reply_type(4) : inet_echo_reply_type(6);
	reply->icmp_id = req->icmp_id;
	reply->icmp_seq = req->icmp_seq;
	return 0;
}
