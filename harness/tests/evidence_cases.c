/* evidence_cases: builds the traffic of the evidence test (see the header).
 * Keys are a fixed pattern per SA and direction, so that a failing run
 * can be reproduced byte for byte. */
#include "evidence_cases.h"

#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "err.h"
#include "esp.h"
#include "golden.h"
#include "names.h"
#include "pcapfile.h"

enum {
	EC_IKE_HDR = 28,		/* RFC 7296 3.1 */
	EC_GEN_HDR = 4,			/* generic payload header, 3.2 */
	EC_FLAG_I = 0x08,
	EC_FLAG_R = 0x20,
	EC_PKT_MAX = 2048,
	EC_KEY_MAX = 64,
};

/* Designated, so that the result fields start zero without a warning. */
#define IKE(n, en, kb, in, fam, po, resp, ex, gold, exp) { .name = n, \
	.encr = en, .key_bits = kb, .integ = in, .family = fam, .port = po, \
	.response = resp, .exchange = ex, .golden = gold, .expect = exp }
#define ESP(n, en, kb, in, esn_, ofam, udp_, ifam, iproto, exp) { .name = n, \
	.encr = en, .key_bits = kb, .integ = in, .esn = esn_, \
	.outer_family = ofam, .udp = udp_, .inner_family = ifam, \
	.inner_proto = iproto, .expect = exp }

static struct ec_ike ike_cases[] = {
	IKE("IKE_AUTH request AES-CBC-256/HMAC-SHA2-256-128, IPv4/500",
	  ENCR_AES_CBC, 256, INTEG_HMAC_SHA2_256_128, 4, 500, false,
	  EXCH_IKE_AUTH, "ike_auth_req_inner.hex", EVIDENCE_FULL),
	IKE("IKE_AUTH response AES-GCM-16-256, IPv6/4500",
	  ENCR_AES_GCM_16, 256, INTEG_NONE, 6, 4500, true,
	  EXCH_IKE_AUTH, "ike_auth_resp_inner.hex", EVIDENCE_FULL),
	IKE("CREATE_CHILD_SA request AES-CTR-128/HMAC-SHA2-512-256, IPv4/4500",
	  ENCR_AES_CTR, 128, INTEG_HMAC_SHA2_512_256, 4, 4500, false,
	  EXCH_CREATE_CHILD_SA, "ccsa_new_child_inner.hex", EVIDENCE_FULL),
	IKE("INFORMATIONAL request AES-CCM-8-128, IPv6/500",
	  ENCR_AES_CCM_8, 128, INTEG_NONE, 6, 500, false,
	  EXCH_INFORMATIONAL, "info_delete_esp_inner.hex", EVIDENCE_FULL),
	IKE("IKE_AUTH response AES-CBC-128/AES-XCBC-96 (ICV unchecked), IPv4/500",
	  ENCR_AES_CBC, 128, INTEG_AES_XCBC_96, 4, 500, true,
	  EXCH_IKE_AUTH, "eap_resp_inner.hex", EVIDENCE_NO_ICV),
	IKE("IKE_AUTH request ChaCha20-Poly1305 (not in Wireshark 4.0), IPv4/500",
	  ENCR_CHACHA20_POLY1305, 256, INTEG_NONE, 4, 500, false,
	  EXCH_IKE_AUTH, "ike_auth_req_inner.hex", EVIDENCE_NONE),
};

static struct ec_esp esp_cases[] = {
	ESP("AES-GCM-16-128, IPv4 UDP 4500, inner IPv4 UDP",
	  ENCR_AES_GCM_16, 128, INTEG_NONE, false, 4, true, 4, INET_PROTO_UDP,
	  EVIDENCE_FULL),
	ESP("AES-GCM-16-256, IPv6 proto 50, inner IPv6 UDP",
	  ENCR_AES_GCM_16, 256, INTEG_NONE, false, 6, false, 6, INET_PROTO_UDP,
	  EVIDENCE_FULL),
	ESP("AES-GCM-12-192, IPv4 proto 50, inner IPv4 UDP",
	  ENCR_AES_GCM_12, 192, INTEG_NONE, false, 4, false, 4, INET_PROTO_UDP,
	  EVIDENCE_FULL),
	ESP("AES-CBC-128/HMAC-SHA2-256-128, IPv4 proto 50, inner ICMP echo",
	  ENCR_AES_CBC, 128, INTEG_HMAC_SHA2_256_128, false, 4, false, 4,
	  INET_PROTO_ICMP, EVIDENCE_FULL),
	ESP("AES-CTR-256/HMAC-SHA1-96, IPv6 UDP 4500, inner IPv4 UDP",
	  ENCR_AES_CTR, 256, INTEG_HMAC_SHA1_96, false, 6, true, 4,
	  INET_PROTO_UDP, EVIDENCE_FULL),
	ESP("NULL/HMAC-SHA2-512-256, IPv4 proto 50, inner ICMPv6 echo",
	  ENCR_NULL, 0, INTEG_HMAC_SHA2_512_256, false, 4, false, 6,
	  INET_PROTO_ICMPV6, EVIDENCE_FULL),
	ESP("3DES/HMAC-SHA2-384-192, IPv4 UDP 4500, inner IPv4 UDP",
	  ENCR_3DES, 0, INTEG_HMAC_SHA2_384_192, false, 4, true, 4,
	  INET_PROTO_UDP, EVIDENCE_FULL),
	ESP("AES-CBC-256/AES-XCBC-96 (ICV unchecked), IPv6 proto 50, inner IPv6 UDP",
	  ENCR_AES_CBC, 256, INTEG_AES_XCBC_96, false, 6, false, 6,
	  INET_PROTO_UDP, EVIDENCE_NO_ICV),
	ESP("AES-CBC-128/HMAC-SHA2-256-128 with ESN (ICV unchecked), IPv4 proto 50",
	  ENCR_AES_CBC, 128, INTEG_HMAC_SHA2_256_128, true, 4, false, 4,
	  INET_PROTO_UDP, EVIDENCE_NO_ICV),
	ESP("AES-GCM-16-128 with ESN (ICV shown bad), IPv4 UDP 4500",
	  ENCR_AES_GCM_16, 128, INTEG_NONE, true, 4, true, 4, INET_PROTO_UDP,
	  EVIDENCE_NO_ICV),
	ESP("ChaCha20-Poly1305 (not in Wireshark 4.0), IPv4 UDP 4500",
	  ENCR_CHACHA20_POLY1305, 256, INTEG_NONE, false, 4, true, 4,
	  INET_PROTO_UDP, EVIDENCE_NONE),
	ESP("AES-CCM-16-128 (not in Wireshark 4.0's ESP), IPv6 proto 50",
	  ENCR_AES_CCM_16, 128, INTEG_NONE, false, 6, false, 6, INET_PROTO_UDP,
	  EVIDENCE_NONE),
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct ec_ike *ec_ike_cases(size_t *n)
{
	*n = NELEM(ike_cases);
	return ike_cases;
}

struct ec_esp *ec_esp_cases(size_t *n)
{
	*n = NELEM(esp_cases);
	return esp_cases;
}

void ec_free(void)
{
	for (size_t i = 0; i < NELEM(ike_cases); i++)
		bytes_free(&ike_cases[i].plain);
}

/* ---- keys and addresses -------------------------------------------- */

/* A fixed pattern per (sa, which) so that no two keys are equal. */
static void ec_key(uint8_t *k, size_t len, unsigned sa, unsigned which)
{
	for (size_t i = 0; i < len; i++)
		k[i] = (uint8_t)(sa * 53 + which * 17 + i * 7 + 1);
}

static int ec_key_bytes(struct bytes *b, size_t len, unsigned sa,
    unsigned which)
{
	if (bytes_resize(b, len) < 0)
		return -1;
	ec_key(b->data, len, sa, which);
	return 0;
}

/* The negative control's key: one bit off. */
static void ec_flip(uint8_t *k, size_t len)
{
	if (len > 0)
		k[0] ^= 0x01;
}

static void ec_addr(int family, int host, struct addr *a)
{
	static const uint8_t v4[][4] = {
		{ 192, 0, 2, 1 }, { 198, 51, 100, 2 },		/* outer */
		{ 203, 0, 113, 10 }, { 203, 0, 113, 20 },	/* inner */
	};
	static const uint8_t v6[][16] = {
		{ 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 },
		{ 0x20, 0x01, 0x0d, 0xb8, 0, 0x01, [15] = 0x02 },
		{ 0x20, 0x01, 0x0d, 0xb8, 0, 0x0a, [15] = 0x10 },
		{ 0x20, 0x01, 0x0d, 0xb8, 0, 0x0b, [15] = 0x20 },
	};

	memset(a, 0, sizeof(*a));
	a->family = family;
	if (family == 4)
		memcpy(a->ip, v4[host], 4);
	else
		memcpy(a->ip, v6[host], 16);
}

static void ec_endpoint(const struct addr *a, uint16_t port,
    struct addr *ep)
{
	*ep = *a;
	ep->port = port;
}

/* ---- IKE ------------------------------------------------------------ */

/* The payload chain of a plaintext, validated as RFC 7296 3.2 says. */
static int ec_walk(struct ec_ike *c, unsigned first, struct err *e)
{
	const uint8_t *p = c->plain.data;
	size_t off = 0, left = c->plain.len;
	unsigned type = first;

	c->npl = 0;
	while (type != 0) {
		size_t len;

		if (left < EC_GEN_HDR || c->npl == EC_MAX_PAYLOADS)
			return err_set(e, "%s: chain cut short at %zu (%zu left)",
			    c->golden, off, left);
		len = (size_t)p[off + 2] << 8 | p[off + 3];
		if (len < EC_GEN_HDR || len > left)
			return err_set(e, "%s: payload length %zu at %zu (%zu left)",
			    c->golden, len, off, left);
		c->pl[c->npl++] = (struct ec_payload){ type, off, len };
		type = p[off];
		off += len;
		left -= len;
	}
	return 0;
}

static const struct golden *ec_golden(const struct golden *g, size_t n,
    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(g[i].name, name) == 0)
			return &g[i];
	return NULL;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One IKE message: header | SK header | IV | ciphertext | ICV. */
static int ec_ike_message(const struct ec_ike *c, unsigned idx,
    const struct crypto_ike_keys *k, unsigned first, struct bytes *msg,
    struct err *e)
{
	struct crypto_sk sk = { c->encr, c->key_bits, c->integ, NULL, 0,
	    NULL, 0 };
	const struct bytes *ek = c->response ? &k->sk_er : &k->sk_ei;
	const struct bytes *ak = c->response ? &k->sk_ar : &k->sk_ai;
	uint8_t head[EC_IKE_HDR + EC_GEN_HDR] = { 0 };
	uint8_t iv[16];
	struct bytes body = BYTES_EMPTY;
	size_t pad, body_len;
	int rc;

	sk.encr_key = ek->data;
	sk.encr_key_len = ek->len;
	sk.integ_key = ak->data;
	sk.integ_key_len = ak->len;
	pad = crypto_sk_min_pad(&sk, c->plain.len);
	body_len = crypto_sk_body_len(&sk, c->plain.len, pad);
	/* A fixed IV, not a random one: the negative control decrypts with a
	 * wrong key, and what tshark makes of that garbage (whether it still
	 * gets to the ICV) must be the same every run. */
	ec_key(iv, sizeof(iv), idx, 102);
	ec_key(head, 8, idx, 100);			/* SPIi */
	ec_key(head + 8, 8, idx, 101);			/* SPIr */
	head[16] = PL_SK;
	head[17] = 0x20;				/* version 2.0 */
	head[18] = (uint8_t)c->exchange;
	head[19] = c->response ? EC_FLAG_R : EC_FLAG_I;
	put32(head + 20, c->exchange == EXCH_IKE_AUTH ? 1 : 2);
	put32(head + 24, (uint32_t)(sizeof(head) + body_len));
	head[28] = (uint8_t)first;
	head[30] = (uint8_t)((EC_GEN_HDR + body_len) >> 8);
	head[31] = (uint8_t)(EC_GEN_HDR + body_len);
	rc = crypto_sk_encrypt(&sk, head, sizeof(head), iv, c->plain.data,
	    c->plain.len, NULL, pad, &body, e);
	if (rc == 0 && (bytes_set(msg, head, sizeof(head)) < 0 ||
	    bytes_append(msg, body.data, body.len) < 0))
		rc = err_set(e, "out of memory");
	bytes_free(&body);
	return rc;
}

/* The seven keys of case idx (SK_d, SK_p empty: not evidence). */
static int ec_ike_keys(const struct ec_ike *c, unsigned idx,
    struct crypto_ike_keys *k)
{
	size_t el = crypto_encr_key_len(c->encr, c->key_bits);
	size_t al = crypto_encr_is_aead(c->encr) ? 0 :
	    crypto_integ_key_len(c->integ);

	memset(k, 0, sizeof(*k));
	return ec_key_bytes(&k->sk_ei, el, idx, 1) < 0 ||
	    ec_key_bytes(&k->sk_er, el, idx, 2) < 0 ||
	    ec_key_bytes(&k->sk_ai, al, idx, 3) < 0 ||
	    ec_key_bytes(&k->sk_ar, al, idx, 4) < 0 ? -1 : 0;
}

static int ec_record_ike(const struct ec_ike *c, unsigned idx,
    struct crypto_ike_keys *k, struct evidence *good, struct evidence *bad,
    struct err *e)
{
	struct crypto_ike_suite suite = { c->encr, c->key_bits,
	    PRF_HMAC_SHA2_256, c->integ, DH_ECP_256 };
	uint8_t spi_i[8], spi_r[8];

	ec_key(spi_i, 8, idx, 100);
	ec_key(spi_r, 8, idx, 101);
	if (evidence_add_ike(good, spi_i, spi_r, &suite, k, e) < 0)
		return -1;
	ec_flip(k->sk_ei.data, k->sk_ei.len);
	ec_flip(k->sk_er.data, k->sk_er.len);
	ec_flip(k->sk_ai.data, k->sk_ai.len);
	ec_flip(k->sk_ar.data, k->sk_ar.len);
	return evidence_add_ike(bad, spi_i, spi_r, &suite, k, e);
}

static int ec_build_ike(struct pcapfile_writer *w, uint64_t *frame,
    struct evidence *good, struct evidence *bad, struct err *e)
{
	struct golden g[GOLDEN_MAX];
	size_t ng = golden_load_all(g, GOLDEN_MAX, e);
	int rc = 0;

	if (ng == 0)
		return -1;
	for (unsigned i = 0; i < NELEM(ike_cases) && rc == 0; i++) {
		struct ec_ike *c = &ike_cases[i];
		const struct golden *gd = ec_golden(g, ng, c->golden);
		struct crypto_ike_keys k;
		struct bytes msg = BYTES_EMPTY;
		struct addr a, b;
		struct addr src, dst;

		memset(&k, 0, sizeof(k));
		if (gd == NULL || gd->first < 0) {
			rc = err_set(e, "golden %s: missing or not a chain",
			    c->golden);
			break;
		}
		if (bytes_copy(&c->plain, &gd->bin) < 0 ||
		    ec_ike_keys(c, i, &k) < 0) {
			crypto_ike_keys_free(&k);
			rc = err_set(e, "out of memory");
			break;
		}
		ec_addr(c->family, c->response ? 1 : 0, &a);
		ec_addr(c->family, c->response ? 0 : 1, &b);
		ec_endpoint(&a, c->port, &src);
		ec_endpoint(&b, c->port, &dst);
		rc = ec_walk(c, (unsigned)gd->first, e);
		if (rc == 0)
			rc = ec_ike_message(c, i, &k, (unsigned)gd->first, &msg, e);
		if (rc == 0)
			rc = pcapfile_write_ike(w, 1700000000000000ull + *frame * 1000,
			    &src, &dst, msg.data, msg.len, e);
		if (rc == 0) {
			c->frame = ++*frame;
			rc = ec_record_ike(c, i, &k, good, bad, e);
		}
		bytes_free(&msg);
		crypto_ike_keys_free(&k);
	}
	golden_free_all(g, ng);
	return rc;
}

/* ---- ESP ------------------------------------------------------------ */

/* The inner packet of direction d of case idx. */
static void ec_inner(struct ec_esp *c, unsigned idx, unsigned d)
{
	struct ec_esp_dir *dir = &c->dir[d];
	struct inet_pkt *p = &dir->inner;
	int n;

	memset(p, 0, sizeof(*p));
	ec_addr(c->inner_family, 2 + (int)d, &p->src);
	ec_addr(c->inner_family, 3 - (int)d, &p->dst);
	p->proto = c->inner_proto;
	if (c->inner_proto == INET_PROTO_UDP) {
		p->sport = (uint16_t)(d ? 7 : 40000 + idx);
		p->dport = (uint16_t)(d ? 40000 + idx : 7);
	} else {
		p->icmp_type = d ? inet_echo_reply_type(c->inner_family) :
		    inet_echo_request_type(c->inner_family);
		p->icmp_id = (uint16_t)(0x1e00 + idx);
		p->icmp_seq = 1;
	}
	n = snprintf((char *)dir->data, sizeof(dir->data),
	    "iketest evidence: ESP case %u, %s", idx,
	    d ? "responder to initiator" : "initiator to responder");
	p->data = dir->data;
	p->data_len = (size_t)n < sizeof(dir->data) ? (size_t)n :
	    sizeof(dir->data) - 1;
}

static int ec_record_esp(const struct addr *src,
    const struct addr *dst, struct esp_sa_params *sp,
    struct evidence *good, struct evidence *bad, struct err *e)
{
	uint8_t ek[EC_KEY_MAX], ik[EC_KEY_MAX];

	if (evidence_add_esp(good, src, dst, sp, e) < 0)
		return -1;
	memcpy(ek, sp->encr_key, sp->encr_key_len);
	memcpy(ik, sp->integ_key, sp->integ_key_len);
	ec_flip(ek, sp->encr_key_len);
	ec_flip(ik, sp->integ_key_len);
	sp->encr_key = ek;
	sp->integ_key = ik;
	return evidence_add_esp(bad, src, dst, sp, e);
}

/* One ESP packet of direction d, from its SA to the pcap. */
static int ec_esp_packet(struct pcapfile_writer *w, struct ec_esp *c,
    unsigned idx, unsigned d, uint64_t *frame, struct evidence *good,
    struct evidence *bad, struct err *e)
{
	uint8_t ek[EC_KEY_MAX], ik[EC_KEY_MAX], esp[EC_PKT_MAX];
	uint8_t iv[16];
	struct esp_sa_params sp;
	struct esp_send_opts o;
	struct esp_sa *sa;
	struct bytes inner = BYTES_EMPTY, frm = BYTES_EMPTY;
	struct addr osrc, odst;
	size_t esp_len = 0;
	int rc;

	memset(&sp, 0, sizeof(sp));
	memset(&o, 0, sizeof(o));
	sp.spi = 0xe0000000u | idx << 8 | d;
	sp.encr = c->encr;
	sp.encr_key_bits = c->key_bits;
	sp.integ = c->integ;
	sp.encr_key_len = crypto_encr_key_len(c->encr, c->key_bits);
	sp.integ_key_len = crypto_encr_is_aead(c->encr) ? 0 :
	    crypto_integ_key_len(c->integ);
	ec_key(ek, sp.encr_key_len, 200 + idx, d);
	ec_key(ik, sp.integ_key_len, 200 + idx, 10 + d);
	sp.encr_key = ek;
	sp.integ_key = ik;
	sp.esn = c->esn;
	/* With ESN, a sequence number past 2^32 puts a non-zero high half
	 * into the ICV (RFC 4303 2.2.1): the case Wireshark 4.0 misses. */
	o.seq_given = c->esn;
	o.seq = (uint64_t)1 << 32 | 5;
	/* A fixed IV for the reason ec_ike_message gives (each SA sends one
	 * packet, so the IV stays unique per key, as RFC 4106 3.1 asks). */
	ec_key(iv, sizeof(iv), 200 + idx, 20 + d);
	o.iv_given = true;
	o.iv = iv;
	c->dir[d].spi = sp.spi;
	ec_inner(c, idx, d);
	ec_addr(c->outer_family, (int)d, &osrc);
	ec_addr(c->outer_family, 1 - (int)d, &odst);
	sa = esp_sa_new(&sp, e);
	if (sa == NULL)
		return -1;
	rc = inet_build_ip(&c->dir[d].inner, &inner, e);
	if (rc == 0 && inner.len > sizeof(c->dir[d].ip))
		rc = err_set(e, "inner packet of %zu bytes > %zu", inner.len,
		    sizeof(c->dir[d].ip));
	if (rc == 0) {
		memcpy(c->dir[d].ip, inner.data, inner.len);
		c->dir[d].ip_len = inner.len;
	}
	if (rc == 0)
		rc = esp_encap(sa, c->inner_family == 4 ? INET_PROTO_IPIP :
		    INET_PROTO_IPV6, inner.data, inner.len, &o, esp,
		    sizeof(esp), &esp_len, e);
	if (rc == 0 && c->udp) {
		struct addr s, t;

		ec_endpoint(&osrc, PCAPFILE_PORT_NATT, &s);
		ec_endpoint(&odst, PCAPFILE_PORT_NATT, &t);
		rc = pcapfile_build_udp(&frm, &s, &t, false, esp, esp_len, e);
	} else if (rc == 0) {
		struct inet_pkt outer;

		memset(&outer, 0, sizeof(outer));
		outer.src = osrc;
		outer.dst = odst;
		outer.proto = INET_PROTO_ESP;
		outer.data = esp;
		outer.data_len = esp_len;
		rc = inet_build_ip(&outer, &frm, e);
	}
	if (rc == 0)
		rc = pcapfile_write_frame(w, 1700000000000000ull + *frame * 1000,
		    frm.data, frm.len, e);
	if (rc == 0) {
		c->dir[d].frame = ++*frame;
		rc = ec_record_esp(&osrc, &odst, &sp, good, bad, e);
	}
	esp_sa_free(sa);
	bytes_free(&inner);
	bytes_free(&frm);
	return rc;
}

int ec_build(const char *pcap_path, struct evidence *good,
    struct evidence *bad, struct err *e)
{
	struct pcapfile_writer *w;
	uint64_t frame = 0;
	int rc;

	if (pcapfile_create(&w, pcap_path, e) < 0)
		return -1;
	rc = ec_build_ike(w, &frame, good, bad, e);
	for (unsigned i = 0; i < NELEM(esp_cases) && rc == 0; i++)
		for (unsigned d = 0; d < 2 && rc == 0; d++)
			rc = ec_esp_packet(w, &esp_cases[i], i, d, &frame, good,
			    bad, e);
	if (pcapfile_close(w, rc < 0 ? NULL : e) < 0)
		rc = -1;
	return rc;
}
