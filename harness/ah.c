/* ah: the Authentication Header (RFC 4302) on whole IP packets.
 *
 * The ICV covers an image of the packet in which the mutable fields are
 * zero (3.3.3.1), the ICV bytes are zero and, with ESN, the high half of
 * the sequence number follows the packet (3.3.3.2.2; the integrity
 * algorithms here need no implicit padding). The image is made in a
 * buffer the SA owns, so receiving allocates nothing.
 *
 * What this module does not do, and how it says so:
 * - IPv4 options are walked (Appendix A1): the immutable ones are
 *   covered, the others zeroed as a whole; loose and strict source
 *   routes are refused, since their destination address is "mutable but
 *   predictable" and iketest does not predict it.
 * - IPv6 extension headers before AH are not supported: ah_protect
 *   refuses a packet whose next header is hop-by-hop, routing or
 *   fragment (destination options may follow AH, 3.1.1, and do); AH
 *   must follow the IPv6 header directly on receipt.
 * - Fragments are refused (3.4.1: AH applies to whole packets).
 * esp.h has no verdict for "malformed", so ah_verify drops every packet
 * it cannot take apart (IP lengths, not AH, an AH length that does not
 * fit the ICV, the options above, a fragment) as ESP_TRUNCATED. The IPv4
 * header checksum is the IP layer's business and is not checked. */
#include "ah.h"

#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "crypto.h"
#include "err.h"
#include "names.h"

enum {
	AH_V4_ALIGN = 4,		/* RFC 4302 2.6 */
	AH_V6_ALIGN = 8,
	AH_ICV_MAX = 64,
	AH_ESN_HI_LEN = 4,
	/* An IPv6 header and the largest payload length. */
	AH_MAX_PACKET = INET_IPV6_HDR + 65535,
	V4_FLAGS_MF = 0x2000,
	V4_FRAG_OFFSET = 0x1fff,
	/* IPv4 options (RFC 4302 Appendix A1). */
	V4_OPT_EOL = 0,
	V4_OPT_NOP = 1,
	V4_OPT_SECURITY = 130,
	V4_OPT_LSRR = 131,
	V4_OPT_EXT_SECURITY = 133,
	V4_OPT_COMMERCIAL_SECURITY = 134,
	V4_OPT_SSRR = 137,
	V4_OPT_ROUTER_ALERT = 148,
	V4_OPT_SDMDD = 149,
	/* IPv6 extension headers that go before AH (RFC 4302 3.1.1). */
	V6_HOP_BY_HOP = 0,
	V6_ROUTING = 43,
	V6_FRAGMENT = 44,
};

struct ah_sa {
	uint32_t spi;
	bool esn;
	struct crypto_pkt *c;
	size_t icv_len;
	uint64_t last_seq;		/* sender: last sent, 0: none */
	struct esp_window w;		/* receiver */
	uint8_t *img;			/* AH_MAX_PACKET bytes: ICV image */
};

/* Where the parts of an IP packet are. */
struct ah_ip {
	int family;
	size_t hdr_len;			/* IPv4 IHL * 4, IPv6 40 */
	size_t total;			/* declared length */
	uint8_t proto;			/* protocol / next header */
};

struct ah_sa *ah_sa_new(const struct ah_sa_params *p, struct err *e)
{
	const char *integ = names_get(NAMES_T_INTEG, p->integ);
	size_t want = crypto_integ_key_len(p->integ);
	unsigned window = p->window ? p->window : ESP_WINDOW_DEFAULT;
	struct ah_sa *sa;

	if (p->integ == INTEG_NONE || want == 0 ||
	    crypto_integ_icv_len(p->integ) == 0)
		return err_set(e, "%s: AH needs an integrity algorithm "
		    "iketest supports, not %s", __func__, integ), NULL;
	if (p->key_len != want)
		return err_set(e, "%s: %s key is %zu bytes, expected %zu",
		    __func__, integ, p->key_len, want), NULL;
	if (window > ESP_WINDOW_MAX)
		return err_set(e, "%s: window of %u bits > %d", __func__,
		    window, ESP_WINDOW_MAX), NULL;
	sa = calloc(1, sizeof(*sa));
	if (sa == NULL || (sa->img = malloc(AH_MAX_PACKET)) == NULL) {
		free(sa);
		return err_set(e, "%s: out of memory", __func__), NULL;
	}
	sa->spi = p->spi;
	sa->esn = p->esn;
	sa->c = crypto_pkt_new(ENCR_NULL, 0, p->integ, NULL, 0, p->key,
	    p->key_len, e);
	if (sa->c == NULL) {
		ah_sa_free(sa);
		return NULL;
	}
	sa->icv_len = crypto_pkt_icv_len(sa->c);
	if (sa->icv_len == 0 || sa->icv_len > AH_ICV_MAX) {
		err_set(e, "%s: %s ICV of %zu bytes", __func__, integ,
		    sa->icv_len);
		ah_sa_free(sa);
		return NULL;
	}
	esp_window_init(&sa->w, window, p->esn);
	return sa;
}

void ah_sa_free(struct ah_sa *sa)
{
	if (sa == NULL)
		return;
	crypto_pkt_free(sa->c);
	free(sa->img);
	free(sa);
}

/* The AH length a sender uses: header and ICV padded to 32 bits (IPv4)
 * or 64 bits (IPv6), and no more (2.6). */
static size_t ah_len(const struct ah_sa *sa, int family)
{
	size_t align = family == 6 ? AH_V6_ALIGN : AH_V4_ALIGN;

	return (AH_HDR_LEN + sa->icv_len + align - 1) / align * align;
}

/* What a receiver takes: the sender's length, and for IPv4 also the
 * 64-bit padding that Linux uses by default (its XFRM_STATE_ALIGN4 flag
 * off), so that a Linux peer's AH is not dropped as malformed. */
static bool ah_len_ok(const struct ah_sa *sa, int family, size_t len)
{
	size_t v6 = (AH_HDR_LEN + sa->icv_len + AH_V6_ALIGN - 1) /
	    AH_V6_ALIGN * AH_V6_ALIGN;

	return len == ah_len(sa, family) || (family == 4 && len == v6);
}

/* IPv4 options (RFC 791 3.1, RFC 4302 Appendix A1): checks the list
 * and, when img is given, zeroes the mutable options in it. */
static int v4_options(const uint8_t *opt, size_t len, uint8_t *img,
    struct err *e)
{
	size_t i = 0, olen;

	while (i < len) {
		switch (opt[i]) {
		case V4_OPT_EOL:
			return 0;	/* the rest is padding, covered */
		case V4_OPT_NOP:
			i++;
			continue;
		case V4_OPT_LSRR:
		case V4_OPT_SSRR:
			return err_set(e, "%s: source route option %u: its "
			    "destination is mutable but predictable (4302 "
			    "3.3.3.1.1.1), not supported", __func__, opt[i]);
		}
		if (len - i < 2)
			return err_set(e, "%s: option %u at offset %zu has no "
			    "length", __func__, opt[i], i);
		olen = opt[i + 1];
		if (olen < 2 || olen > len - i)
			return err_set(e, "%s: option %u length %zu outside "
			    "2..%zu", __func__, opt[i], olen, len - i);
		switch (opt[i]) {
		case V4_OPT_SECURITY:
		case V4_OPT_EXT_SECURITY:
		case V4_OPT_COMMERCIAL_SECURITY:
		case V4_OPT_ROUTER_ALERT:
		case V4_OPT_SDMDD:
			break;		/* immutable: covered */
		default:		/* mutable, experimental: zeroed */
			if (img != NULL)
				memset(img + i, 0, olen);
		}
		i += olen;
	}
	return 0;
}

/* Validates the IP header of p[0..n): the three length checks, no
 * fragment, IPv4 options that AH can process. */
static int ip_view(const uint8_t *p, size_t n, struct ah_ip *v,
    struct err *e)
{
	uint16_t len16 = 0, frag = 0;

	memset(v, 0, sizeof(*v));
	if (n == 0)
		return err_set(e, "%s: empty packet", __func__);
	v->family = p[0] >> 4;
	if (v->family == 6) {
		if (n < INET_IPV6_HDR)
			return err_set(e, "%s: IPv6 header cut short (%zu < "
			    "%d)", __func__, n, INET_IPV6_HDR);
		v->hdr_len = INET_IPV6_HDR;
		buffer_read_n16(p, n, 4, &len16);
		v->total = INET_IPV6_HDR + (size_t)len16;
		if (v->total > n)
			return err_set(e, "%s: IPv6 payload length %zu beyond "
			    "the %zu bytes there", __func__,
			    v->total - INET_IPV6_HDR, n - INET_IPV6_HDR);
		v->proto = p[6];
		return 0;
	}
	if (v->family != 4)
		return err_set(e, "%s: IP version %d (not 4 or 6)", __func__,
		    v->family);
	if (n < INET_IPV4_HDR)
		return err_set(e, "%s: IPv4 header cut short (%zu < %d)",
		    __func__, n, INET_IPV4_HDR);
	v->hdr_len = (size_t)(p[0] & 0x0f) * 4;
	buffer_read_n16(p, n, 2, &len16);
	v->total = len16;
	if (v->hdr_len < INET_IPV4_HDR || v->hdr_len > n)
		return err_set(e, "%s: IPv4 header length %zu outside %d..%zu",
		    __func__, v->hdr_len, INET_IPV4_HDR, n);
	if (v->total < v->hdr_len || v->total > n)
		return err_set(e, "%s: IPv4 total length %zu outside %zu..%zu",
		    __func__, v->total, v->hdr_len, n);
	buffer_read_n16(p, n, 6, &frag);
	if (frag & (V4_FLAGS_MF | V4_FRAG_OFFSET))
		return err_set(e, "%s: an IPv4 fragment: AH takes whole "
		    "packets (RFC 4302 3.4.1)", __func__);
	v->proto = p[9];
	return v4_options(p + INET_IPV4_HDR, v->hdr_len - INET_IPV4_HDR,
	    NULL, e);
}

/* Zeroes the mutable fields of an IP header (RFC 4302 3.3.3.1.1.1 and
 * 3.3.3.1.2.1) in img, which ip_view accepted. */
static void zero_mutable(uint8_t *img, const struct ah_ip *v)
{
	if (v->family == 6) {
		img[0] &= 0xf0;		/* traffic class ... */
		img[1] = 0;		/* ... and flow label */
		img[2] = 0;
		img[3] = 0;
		img[7] = 0;		/* hop limit */
		return;
	}
	img[1] = 0;			/* TOS */
	img[6] = 0;			/* flags, fragment offset */
	img[7] = 0;
	img[8] = 0;			/* TTL */
	img[10] = 0;			/* header checksum */
	img[11] = 0;
	v4_options(img + INET_IPV4_HDR, v->hdr_len - INET_IPV4_HDR,
	    img + INET_IPV4_HDR, NULL);
}

/* The ICV of pkt[0..len), whose ICV bytes are zero, into icv. */
static int ah_icv(struct ah_sa *sa, const uint8_t *pkt, size_t len,
    const struct ah_ip *v, uint64_t seq, uint8_t *icv, struct err *e)
{
	uint8_t hi[AH_ESN_HI_LEN];

	memcpy(sa->img, pkt, len);
	zero_mutable(sa->img, v);
	buffer_write_n32(hi, sizeof(hi), 0, (uint32_t)(seq >> 32));
	return crypto_pkt_icv(sa->c, sa->img, len, sa->esn ? hi : NULL,
	    sa->esn ? sizeof(hi) : 0, icv, e);
}

/* The sequence number to send (RFC 4302 3.3.2: never cycles). */
static int next_seq(const struct ah_sa *sa, const struct ah_send_opts *o,
    uint64_t *seq, struct err *e)
{
	uint64_t limit = sa->esn ? UINT64_MAX : UINT32_MAX;

	if (o->seq_given) {
		*seq = o->seq;
		return 0;
	}
	if (sa->last_seq >= limit)
		return err_set(e, "%s: sequence number %llu is the last: a "
		    "new SA is needed (RFC 4302 3.3.2)", __func__,
		    (unsigned long long)sa->last_seq);
	*seq = sa->last_seq + 1;
	return 0;
}

/* Transport mode (3.1.1): the IP header of ip_pkt, AH, its payload. */
static int transport(const struct ah_sa *sa, const uint8_t *ip_pkt,
    size_t n, struct bytes *pkt, struct ah_ip *v, uint8_t *nh,
    struct err *e)
{
	size_t ahlen, total;

	if (ip_view(ip_pkt, n, v, e) < 0)
		return -1;
	if (v->total != n)
		return err_set(e, "%s: packet is %zu bytes, its header says "
		    "%zu", __func__, n, v->total);
	if (v->family == 6 && (v->proto == V6_HOP_BY_HOP ||
	    v->proto == V6_ROUTING || v->proto == V6_FRAGMENT))
		return err_set(e, "%s: IPv6 extension header %u would go "
		    "before AH (RFC 4302 3.1.1): not supported", __func__,
		    v->proto);
	ahlen = ah_len(sa, v->family);
	total = n + ahlen;
	if (total - (v->family == 6 ? INET_IPV6_HDR : 0) > 65535)
		return err_set(e, "%s: %zu bytes with AH do not fit the IP "
		    "length field", __func__, total);
	*nh = v->proto;
	if (bytes_reserve(pkt, total) < 0)
		return err_set(e, "%s: out of memory", __func__);
	bytes_append(pkt, ip_pkt, v->hdr_len);	/* reserved above */
	bytes_resize(pkt, v->hdr_len + ahlen);
	bytes_append(pkt, ip_pkt + v->hdr_len, n - v->hdr_len);
	if (v->family == 6) {
		buffer_write_n16(pkt->data, pkt->len, 4,
		    (uint16_t)(total - INET_IPV6_HDR));
		pkt->data[6] = INET_PROTO_AH;
	} else {
		buffer_write_n16(pkt->data, pkt->len, 2, (uint16_t)total);
		pkt->data[9] = INET_PROTO_AH;
		buffer_write_n16(pkt->data, pkt->len, 10, 0);
		buffer_write_n16(pkt->data, pkt->len, 10,
		    inet_sum_fold(inet_sum(0, pkt->data, v->hdr_len)));
	}
	v->total = total;
	v->proto = INET_PROTO_AH;
	return 0;
}

/* Tunnel mode (3.1.2): a new IP header from outer, AH, the whole
 * packet, which is taken as it is (only its version is read). */
static int tunnel(const struct ah_sa *sa, const uint8_t *ip_pkt,
    size_t n, const struct inet_pkt *outer, struct bytes *pkt,
    struct ah_ip *v, uint8_t *nh, struct err *e)
{
	struct bytes body = BYTES_EMPTY;
	struct inet_pkt o = *outer;
	size_t ahlen = ah_len(sa, outer->src.family);
	int rc;

	if (n == 0 || (ip_pkt[0] >> 4 != 4 && ip_pkt[0] >> 4 != 6))
		return err_set(e, "%s: inner packet is not IPv4 or IPv6",
		    __func__);
	*nh = ip_pkt[0] >> 4 == 4 ? INET_PROTO_IPIP : INET_PROTO_IPV6;
	if (bytes_resize(&body, ahlen) < 0 ||
	    bytes_append(&body, ip_pkt, n) < 0) {
		bytes_free(&body);
		return err_set(e, "%s: out of memory", __func__);
	}
	o.proto = INET_PROTO_AH;
	o.data = body.data;
	o.data_len = body.len;
	rc = inet_build_ip(&o, pkt, e);
	bytes_free(&body);
	if (rc < 0)
		return -1;
	return ip_view(pkt->data, pkt->len, v, e);
}

int ah_protect(struct ah_sa *sa, const uint8_t *ip_pkt, size_t n,
    const struct inet_pkt *outer, const struct ah_send_opts *o,
    struct bytes *out, struct err *e)
{
	static const struct ah_send_opts none;
	struct bytes pkt = BYTES_EMPTY;
	struct ah_ip v;
	uint64_t seq = 0;
	uint8_t nh = 0, *ah;
	size_t ahlen, payload;
	int rc = -1;

	if (o == NULL)
		o = &none;
	if (next_seq(sa, o, &seq, e) < 0)
		return -1;
	if ((outer == NULL ? transport(sa, ip_pkt, n, &pkt, &v, &nh, e) :
	    tunnel(sa, ip_pkt, n, outer, &pkt, &v, &nh, e)) < 0)
		goto out;
	/* RFC 4302 2: the ICV and its padding are zero until computed. */
	ahlen = ah_len(sa, v.family);
	ah = pkt.data + v.hdr_len;
	ah[0] = nh;
	ah[1] = (uint8_t)(ahlen / 4 - 2);
	buffer_write_n16(pkt.data, pkt.len, v.hdr_len + 2, 0);
	buffer_write_n32(pkt.data, pkt.len, v.hdr_len + 4,
	    o->spi_given ? o->spi : sa->spi);
	buffer_write_n32(pkt.data, pkt.len, v.hdr_len + 8, (uint32_t)seq);
	if (ah_icv(sa, pkt.data, pkt.len, &v, seq, ah + AH_HDR_LEN, e) < 0)
		goto out;
	if (o->corrupt_icv)
		ah[AH_HDR_LEN] ^= 0x01;
	payload = pkt.len - v.hdr_len - ahlen;
	if (o->corrupt_payload)	/* the last payload byte, or the source */
		pkt.data[payload ? pkt.len - 1 : (v.family == 6 ? 8 : 12)] ^=
		    0x01;
	if (bytes_append(out, pkt.data, pkt.len) < 0) {
		err_set(e, "%s: out of memory", __func__);
		goto out;
	}
	if (!o->seq_given)
		sa->last_seq = seq;
	rc = 0;
out:
	bytes_free(&pkt);
	return rc;
}

enum esp_verdict ah_verify(struct ah_sa *sa, const uint8_t *ip_pkt,
    size_t n, struct ah_rx *rx)
{
	struct ah_ip v;
	const uint8_t *ah;
	size_t left, ahlen;
	uint32_t seq32;
	uint8_t hi[AH_ESN_HI_LEN];
	enum esp_verdict verdict;

	memset(rx, 0, sizeof(*rx));
	/* Bytes after the declared IP length (link padding) are ignored,
	 * as the IP layer does. */
	if (ip_view(ip_pkt, n, &v, NULL) < 0 || v.proto != INET_PROTO_AH)
		return ESP_TRUNCATED;
	left = v.total - v.hdr_len;
	if (left < AH_HDR_LEN)
		return ESP_TRUNCATED;
	ah = ip_pkt + v.hdr_len;
	rx->next_header = ah[0];
	if (buffer_read_n32(ip_pkt, v.total, v.hdr_len + 4, &rx->spi) < 0 ||
	    buffer_read_n32(ip_pkt, v.total, v.hdr_len + 8, &seq32) < 0)
		return ESP_TRUNCATED;
	if (rx->spi != sa->spi)		/* 3.4.2: no such SA */
		return ESP_WRONG_SPI;
	ahlen = ((size_t)ah[1] + 2) * 4;
	if (!ah_len_ok(sa, v.family, ahlen) || ahlen > left)
		return ESP_TRUNCATED;
	/* 3.4.3: the window before the ICV, updated only after it. */
	rx->seq = esp_window_infer(&sa->w, seq32);
	verdict = esp_window_check(&sa->w, rx->seq);
	if (verdict != ESP_OK)
		return verdict;
	/* 3.4.4: the ICV over the image, the ICV field zero. */
	memcpy(sa->img, ip_pkt, v.total);
	zero_mutable(sa->img, &v);
	memset(sa->img + v.hdr_len + AH_HDR_LEN, 0, sa->icv_len);
	buffer_write_n32(hi, sizeof(hi), 0, (uint32_t)(rx->seq >> 32));
	if (crypto_pkt_icv_verify(sa->c, sa->img, v.total, sa->esn ? hi : NULL,
	    sa->esn ? sizeof(hi) : 0, ah + AH_HDR_LEN, NULL) < 0)
		return ESP_BAD_ICV;
	esp_window_update(&sa->w, rx->seq);
	rx->payload = ah + ahlen;
	rx->payload_len = left - ahlen;
	return ESP_OK;
}
