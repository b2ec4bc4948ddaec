/* test_ah: the Authentication Header (RFC 4302). Round trips for every
 * AH integrity algorithm, IPv4 and IPv6, transport and tunnel mode, with
 * and without ESN; the wire layout and the ICV checked by hand against
 * crypto_integ over an image built here; mutable fields changed in
 * flight accepted, immutable ones refused; IPv4 options; replay and the
 * window; a sweep of every bit flip and truncation of valid packets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ah.h"
#include "crypto.h"
#include "err.h"
#include "inet.h"
#include "names.h"
#include "tap.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

enum { SPI = 0x0a0b0c0d };

static const unsigned integs[] = {
	INTEG_HMAC_SHA1_96, INTEG_HMAC_SHA2_256_128, INTEG_HMAC_SHA2_384_192,
	INTEG_HMAC_SHA2_512_256, INTEG_AES_XCBC_96, INTEG_AES_CMAC_96,
};

static const uint8_t data[] = "AH protects all of this, and the header";

static uint8_t key[64];

static struct ah_sa *sa_make(unsigned integ, bool esn, unsigned window)
{
	struct ah_sa_params p = { SPI, integ, key, crypto_integ_key_len(integ),
	    esn, window };
	struct err e = { "" };
	struct ah_sa *sa = ah_sa_new(&p, &e);

	if (sa == NULL)
		diag("ah_sa_new: %s", e.text);
	return sa;
}

static struct addr addr(const char *text)
{
	struct addr a;

	addr_parse(text, &a, NULL);
	return a;
}

/* Re-does the IPv4 header checksum as a router would. */
static void v4_recheck(uint8_t *p)
{
	uint16_t ck;

	p[10] = p[11] = 0;
	ck = inet_sum_fold(inet_sum(0, p, (size_t)(p[0] & 15) * 4));
	p[10] = (uint8_t)(ck >> 8);
	p[11] = (uint8_t)ck;
}

/* An inner UDP packet of family 4 or 6, with non-zero TOS / traffic
 * class and flow label so that zeroing them matters. */
static void inner(int family, struct bytes *b)
{
	struct inet_pkt p = { 0 };

	p.src = addr(family == 4 ? "192.0.2.1" : "2001:db8::1");
	p.dst = addr(family == 4 ? "198.51.100.2" : "2001:db8:1::2");
	p.proto = INET_PROTO_UDP;
	p.sport = 40000;
	p.dport = 7;
	p.data = data;
	p.data_len = sizeof(data);
	b->len = 0;
	inet_build_ip(&p, b, NULL);
	if (family == 4) {
		b->data[1] = 0x28;		/* TOS */
		v4_recheck(b->data);
	} else {
		b->data[0] = 0x6b;		/* traffic class 0xb4 ... */
		b->data[1] = 0x41;		/* ... flow label 0x12345 */
		b->data[2] = 0x23;
		b->data[3] = 0x45;
	}
}

static const struct inet_pkt *outer_of(int family)
{
	static struct inet_pkt o4, o6;

	o4.src = addr("203.0.113.1");
	o4.dst = addr("203.0.113.2");
	o6.src = addr("2001:db8:ff::1");
	o6.dst = addr("2001:db8:ff::2");
	return family == 4 ? &o4 : &o6;
}

static size_t expect_ah_len(unsigned integ, int family)
{
	size_t align = family == 6 ? 8 : 4;
	size_t n = 12 + crypto_integ_icv_len(integ);

	return (n + align - 1) / align * align;
}

/* ok() with both verdicts named on failure (got evaluated once). */
static enum esp_verdict got_v_;
#define verdict_is(got, want, ...) \
	verdict_diag(ok((got_v_ = (got)) == (want), __VA_ARGS__), (want))

static bool verdict_diag(bool passed, enum esp_verdict want)
{
	if (!passed)
		diag("verdict %s, expected %s", esp_verdict_name(got_v_),
		    esp_verdict_name(want));
	return passed;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* ---- round trips ---------------------------------------------------- */

static void round_trip(unsigned integ, int family, bool tunnel, bool esn)
{
	struct ah_sa *tx = sa_make(integ, esn, 0);
	struct ah_sa *rx = sa_make(integ, esn, 0);
	struct bytes in = BYTES_EMPTY, out = BYTES_EMPTY;
	struct ah_send_opts o = { 0 };
	struct ah_rx r;
	struct err e = { "" };
	char what[128];
	int ofam = family == 4 ? 6 : 4;	/* tunnel: the other family */
	size_t hl, alen, i;
	const uint8_t *want;
	size_t want_len;
	uint8_t want_nh;
	enum esp_verdict v;

	snprintf(what, sizeof(what), "%s IPv%d %s%s",
	    names_get(NAMES_T_INTEG, integ), family,
	    tunnel ? (ofam == 4 ? "tunnel in IPv4" : "tunnel in IPv6") :
	    "transport", esn ? " ESN" : "");
	if (!ok(tx != NULL && rx != NULL, "%s: SAs", what))
		goto out;
	inner(family, &in);
	hl = tunnel ? (ofam == 4 ? 20 : 40) : (family == 4 ? 20 : 40);
	alen = expect_ah_len(integ, tunnel ? ofam : family);
	want = tunnel ? in.data : in.data + (family == 4 ? 20 : 40);
	want_len = tunnel ? in.len : in.len - (family == 4 ? 20 : 40);
	want_nh = tunnel ? (family == 4 ? 4 : 41) : 17;
	for (i = 1; i <= 3; i++) {
		out.len = 0;
		if (!ok(ah_protect(tx, in.data, in.len,
		    tunnel ? outer_of(ofam) : NULL, NULL, &out, &e) == 0,
		    "%s #%zu: protect (%s)", what, i, e.text))
			goto out;
		if (i == 1) {
			is_int(out.len, hl + alen + want_len,
			    "%s: length is header + AH %zu + payload", what,
			    alen);
			is_int((out.data[hl + 1] + 2) * 4, alen,
			    "%s: Payload Len in 32-bit words minus 2", what);
			is_int(out.data[hl], want_nh, "%s: next header", what);
			is_int(out.data[(out.data[0] >> 4) == 4 ? 9 : 6], 51,
			    "%s: IP protocol 51", what);
			is_int(get32(out.data + hl + 4), SPI, "%s: SPI", what);
		}
		is_int(get32(out.data + hl + 8), i, "%s #%zu: sequence", what,
		    i);
		v = ah_verify(rx, out.data, out.len, &r);
		verdict_is(v, ESP_OK, "%s #%zu: verifies", what, i);
		ok(r.seq == i && r.spi == SPI && r.next_header == want_nh,
		    "%s #%zu: seq, SPI, next header reported", what, i);
		cmp_mem(r.payload, r.payload_len, want, want_len,
		    "%s #%zu: payload is the %s", what, i,
		    tunnel ? "inner packet" : "transport part");
	}
	/* The same packet again: a replay (3.4.3). */
	verdict_is(ah_verify(rx, out.data, out.len, &r), ESP_REPLAY,
	    "%s: replay dropped", what);
	/* A flipped ICV bit and a flipped payload bit after the ICV. */
	o.corrupt_icv = true;
	out.len = 0;
	ah_protect(tx, in.data, in.len, tunnel ? outer_of(ofam) : NULL, &o,
	    &out, &e);
	verdict_is(ah_verify(rx, out.data, out.len, &r), ESP_BAD_ICV,
	    "%s: corrupt ICV dropped", what);
	o.corrupt_icv = false;
	o.corrupt_payload = true;
	out.len = 0;
	ah_protect(tx, in.data, in.len, tunnel ? outer_of(ofam) : NULL, &o,
	    &out, &e);
	verdict_is(ah_verify(rx, out.data, out.len, &r), ESP_BAD_ICV,
	    "%s: corrupt payload dropped", what);
out:
	ah_sa_free(tx);
	ah_sa_free(rx);
	bytes_free(&in);
	bytes_free(&out);
}

static void test_round_trips(void)
{
	size_t i;
	int f, t, esn;

	for (i = 0; i < N(integs); i++)
		for (f = 4; f <= 6; f += 2)
			for (t = 0; t < 2; t++)
				for (esn = 0; esn < 2; esn++)
					round_trip(integs[i], f, t, esn);
	/* The brief's examples, spelled out. */
	is_int(expect_ah_len(INTEG_HMAC_SHA1_96, 4), 24, "SHA1-96: 24 (v4)");
	is_int(expect_ah_len(INTEG_HMAC_SHA1_96, 6), 24, "SHA1-96: 24 (v6)");
	is_int(expect_ah_len(INTEG_HMAC_SHA2_384_192, 4), 36,
	    "SHA2-384-192: 36 (v4)");
	is_int(expect_ah_len(INTEG_HMAC_SHA2_384_192, 6), 40,
	    "SHA2-384-192: 40 (v6, 4 bytes of padding)");
}

/* ---- the ICV by hand ---------------------------------------------- */

/* out is a transport-mode packet made with HMAC-SHA1-96; the image the
 * ICV covers is built here from the RFC's list and the ICV recomputed
 * with crypto_integ (not crypto_pkt). */
static void icv_by_hand(int family, bool esn, uint64_t seq)
{
	struct ah_sa *tx = sa_make(INTEG_HMAC_SHA1_96, esn, 0);
	struct bytes in = BYTES_EMPTY, out = BYTES_EMPTY, img = BYTES_EMPTY,
	    icv = BYTES_EMPTY;
	struct ah_send_opts o = { 0 };
	struct err e = { "" };
	size_t hl = family == 4 ? 20 : 40;
	uint8_t hi[4] = { (uint8_t)(seq >> 56), (uint8_t)(seq >> 48),
	    (uint8_t)(seq >> 40), (uint8_t)(seq >> 32) };

	inner(family, &in);
	o.seq_given = true;
	o.seq = seq;
	if (!ok(tx && ah_protect(tx, in.data, in.len, NULL, &o, &out,
	    &e) == 0, "by hand, IPv%d%s: protect (%s)", family,
	    esn ? " ESN" : "", e.text))
		goto out;
	/* Layout: header (lengths and protocol rewritten), AH, payload. */
	cmp_mem(out.data + hl + 24, out.len - hl - 24, in.data + hl,
	    in.len - hl, "IPv%d: payload follows the 24-byte AH", family);
	if (family == 4) {
		is_int(get16(out.data + 2), in.len + 24, "IPv4 total length");
		is_int(inet_sum_fold(inet_sum(0, out.data, 20)), 0,
		    "IPv4 header checksum recomputed");
		cmp_mem(out.data + 12, 8, in.data + 12, 8, "addresses kept");
		is_int(out.data[1], 0x28, "TOS kept on the wire");
	} else {
		is_int(get16(out.data + 4), in.len - 40 + 24,
		    "IPv6 payload length");
		cmp_mem(out.data, 4, in.data, 4, "traffic class, flow label "
		    "kept on the wire");
	}
	is_int(out.data[hl], 17, "AH next header UDP");
	is_int(out.data[hl + 1], 4, "AH Payload Len 4 (24 bytes)");
	is_int(get16(out.data + hl + 2), 0, "AH reserved 0");
	is_int(get32(out.data + hl + 8), (uint32_t)seq, "low 32 bits of seq");
	/* RFC 4302 3.3.3.1: mutable fields and the ICV as zero. */
	bytes_copy(&img, &out);
	if (family == 4) {
		img.data[1] = 0;
		img.data[6] = img.data[7] = 0;
		img.data[8] = 0;
		img.data[10] = img.data[11] = 0;
	} else {
		img.data[0] = 0x60;
		img.data[1] = img.data[2] = img.data[3] = 0;
		img.data[7] = 0;
	}
	memset(img.data + hl + 12, 0, 12);
	if (esn)	/* 3.3.3.2.2: the high half after the packet */
		bytes_append(&img, hi, 4);
	ok(crypto_integ(INTEG_HMAC_SHA1_96, key, 20, img.data, img.len, &icv,
	    &e) == 0 && icv.len == 12, "crypto_integ (%s)", e.text);
	cmp_mem(out.data + hl + 12, 12, icv.data, icv.len,
	    "IPv%d%s seq %llx: ICV is HMAC-SHA1-96 of the zeroed image",
	    family, esn ? " ESN" : "", (unsigned long long)seq);
out:
	ah_sa_free(tx);
	bytes_free(&in);
	bytes_free(&out);
	bytes_free(&img);
	bytes_free(&icv);
}

/* ---- in flight -------------------------------------------------------- */

struct change {
	const char *what;
	size_t off;			/* from the packet's start */
	uint8_t xor;
	enum esp_verdict want;
};

static void in_flight(int family, const struct change *c, size_t nc)
{
	struct ah_sa *tx = sa_make(INTEG_HMAC_SHA2_256_128, false, 0),
	    *rx = sa_make(INTEG_HMAC_SHA2_256_128, false, 0);
	struct bytes in = BYTES_EMPTY, out = BYTES_EMPTY;
	struct ah_rx r;
	struct err e = { "" };
	size_t i;

	inner(family, &in);
	for (i = 0; tx && rx && i < nc; i++) {
		out.len = 0;
		if (!ok(ah_protect(tx, in.data, in.len, NULL, NULL, &out,
		    &e) == 0, "IPv%d: protect (%s)", family, e.text))
			break;
		out.data[c[i].off] ^= c[i].xor;
		if (family == 4)
			v4_recheck(out.data);
		verdict_is(ah_verify(rx, out.data, out.len, &r), c[i].want,
		    "IPv%d: %s: %s", family, c[i].what,
		    esp_verdict_name(c[i].want));
	}
	ah_sa_free(tx);
	ah_sa_free(rx);
	bytes_free(&in);
	bytes_free(&out);
}

static void test_in_flight(void)
{
	/* 20 + AH 28 (SHA-256-128 over IPv4) / 40 + 32 (IPv6). */
	static const struct change v4[] = {
		{ "TTL decremented", 8, 0x01, ESP_OK },
		{ "TOS changed", 1, 0xfc, ESP_OK },
		{ "DF set by a router", 6, 0x40, ESP_OK },
		{ "source address", 15, 0x01, ESP_BAD_ICV },
		{ "destination address", 19, 0x80, ESP_BAD_ICV },
		{ "identification", 5, 0x01, ESP_BAD_ICV },
		{ "AH next header", 20, 0x01, ESP_BAD_ICV },
		{ "AH reserved", 23, 0x01, ESP_BAD_ICV },
		{ "AH sequence number", 31, 0x40, ESP_BAD_ICV },
		{ "AH SPI", 27, 0x01, ESP_WRONG_SPI },
		{ "payload byte", 20 + 28 + 9, 0x01, ESP_BAD_ICV },
		{ "protocol", 9, 0x01, ESP_TRUNCATED },
		{ "MF (a fragment)", 6, 0x20, ESP_TRUNCATED },
	};
	static const struct change v6[] = {
		{ "hop limit", 7, 0x3f, ESP_OK },
		{ "traffic class", 0, 0x0f, ESP_OK },
		{ "flow label", 3, 0xff, ESP_OK },
		{ "flow label top bits", 1, 0x0f, ESP_OK },
		{ "version", 0, 0x10, ESP_TRUNCATED },
		{ "source address", 23, 0x01, ESP_BAD_ICV },
		{ "destination address", 24, 0x01, ESP_BAD_ICV },
		{ "payload length (shorter)", 5, 0x10, ESP_BAD_ICV },
		{ "AH padding", 40 + 28, 0x01, ESP_BAD_ICV },
		{ "AH ICV", 40 + 12, 0x01, ESP_BAD_ICV },
		{ "AH sequence number", 40 + 8, 0x01, ESP_BAD_ICV },
		{ "AH SPI", 40 + 4, 0x80, ESP_WRONG_SPI },
		{ "AH Payload Len", 41, 0x01, ESP_TRUNCATED },
		{ "payload byte", 40 + 32 + 3, 0x01, ESP_BAD_ICV },
	};

	in_flight(4, v4, N(v4));
	in_flight(6, v6, N(v6));
}

/* ---- IPv4 options, extension headers, fragments ----------------------- */

/* in with an option of len bytes (a multiple of 4) after the header. */
static void with_option(const struct bytes *in, const uint8_t *opt,
    size_t len, struct bytes *out)
{
	out->len = 0;
	bytes_append(out, in->data, 20);
	bytes_append(out, opt, len);
	bytes_append(out, in->data + 20, in->len - 20);
	out->data[0] = (uint8_t)(0x45 + len / 4);
	out->data[2] = (uint8_t)(out->len >> 8);
	out->data[3] = (uint8_t)out->len;
	v4_recheck(out->data);
}

static void test_options(void)
{
	/* Record Route (7), pointer 4, one slot; Router Alert (148). */
	static const uint8_t rr[8] = { 7, 7, 4, 0, 0, 0, 0, 1 };
	static const uint8_t ra[4] = { 148, 4, 0, 0 };
	static const uint8_t lsrr[8] = { 131, 7, 4, 198, 51, 100, 9, 0 };
	static const uint8_t bad[4] = { 68, 9, 0, 0 };	/* length 9 > 4 */
	struct ah_sa *tx = sa_make(INTEG_HMAC_SHA1_96, false, 0),
	    *rx = sa_make(INTEG_HMAC_SHA1_96, false, 0);
	struct bytes in = BYTES_EMPTY, opt = BYTES_EMPTY, out = BYTES_EMPTY;
	struct ah_rx r;
	struct err e = { "" };

	inner(4, &in);
	with_option(&in, rr, sizeof(rr), &opt);
	ok(ah_protect(tx, opt.data, opt.len, NULL, NULL, &out, &e) == 0,
	    "Record Route: protected (%s)", e.text);
	out.data[23] = 4 + 4;		/* a router recorded itself */
	out.data[24] = 203;
	out.data[26] = 113;
	v4_recheck(out.data);
	verdict_is(ah_verify(rx, out.data, out.len, &r), ESP_OK,
	    "Record Route filled in flight: mutable, accepted");
	ok(r.payload_len == in.len - 20 &&
	    memcmp(r.payload, in.data + 20, r.payload_len) == 0,
	    "the payload after AH");

	with_option(&in, ra, sizeof(ra), &opt);
	out.len = 0;
	ok(ah_protect(tx, opt.data, opt.len, NULL, NULL, &out, &e) == 0,
	    "Router Alert: protected (%s)", e.text);
	verdict_is(ah_verify(rx, out.data, out.len, &r), ESP_OK,
	    "Router Alert unchanged: accepted");
	out.len = 0;
	ah_protect(tx, opt.data, opt.len, NULL, NULL, &out, &e);
	out.data[23] = 1;
	v4_recheck(out.data);
	verdict_is(ah_verify(rx, out.data, out.len, &r), ESP_BAD_ICV,
	    "Router Alert changed: immutable, dropped");

	with_option(&in, lsrr, sizeof(lsrr), &opt);
	ok(ah_protect(tx, opt.data, opt.len, NULL, NULL, &out, &e) < 0 &&
	    strstr(e.text, "source route"), "LSRR refused (%s)", e.text);
	with_option(&in, bad, sizeof(bad), &opt);
	ok(ah_protect(tx, opt.data, opt.len, NULL, NULL, &out, &e) < 0 &&
	    strstr(e.text, "length 9"), "bad option length refused (%s)",
	    e.text);

	/* A fragment, a packet with bytes after its length, IPv6 with a
	 * hop-by-hop header: refused by protect. */
	bytes_copy(&opt, &in);
	opt.data[6] |= 0x20;
	ok(ah_protect(tx, opt.data, opt.len, NULL, NULL, &out, &e) < 0 &&
	    strstr(e.text, "fragment"), "fragment refused (%s)", e.text);
	bytes_copy(&opt, &in);
	bytes_append(&opt, "xx", 2);
	ok(ah_protect(tx, opt.data, opt.len, NULL, NULL, &out, &e) < 0 &&
	    strstr(e.text, "header says"), "trailing bytes refused (%s)",
	    e.text);
	inner(6, &opt);
	opt.data[6] = 0;
	ok(ah_protect(tx, opt.data, opt.len, NULL, NULL, &out, &e) < 0 &&
	    strstr(e.text, "extension header 0"),
	    "IPv6 hop-by-hop before AH refused (%s)", e.text);
	ok(ah_protect(tx, (const uint8_t *)"\x50", 1, outer_of(4), NULL, &out,
	    &e) < 0, "tunnel: inner not IPv4/IPv6 refused (%s)", e.text);
	ah_sa_free(tx);
	ah_sa_free(rx);
	bytes_free(&in);
	bytes_free(&opt);
	bytes_free(&out);
}

/* ---- replay, window, ESN ------------------------------------------- */

static enum esp_verdict send_seq(struct ah_sa *tx, struct ah_sa *rx,
    uint64_t seq, struct ah_rx *r)
{
	struct bytes in = BYTES_EMPTY, out = BYTES_EMPTY;
	struct ah_send_opts o = { 0 };
	enum esp_verdict v = ESP_TRUNCATED;

	inner(4, &in);
	o.seq_given = true;
	o.seq = seq;
	if (ah_protect(tx, in.data, in.len, NULL, &o, &out, NULL) == 0)
		v = ah_verify(rx, out.data, out.len, r);
	bytes_free(&in);
	bytes_free(&out);
	return v;
}

static void test_window(void)
{
	struct ah_sa *tx = sa_make(INTEG_AES_CMAC_96, false, 0),
	    *rx = sa_make(INTEG_AES_CMAC_96, false, 0);
	struct ah_sa *etx = sa_make(INTEG_HMAC_SHA1_96, true, 0),
	    *erx = sa_make(INTEG_HMAC_SHA1_96, true, 0);
	struct ah_rx r;
	struct bytes in = BYTES_EMPTY, out = BYTES_EMPTY;
	struct ah_send_opts o = { 0 };
	struct err e = { "" };
	struct ah_sa_params p = { SPI, INTEG_HMAC_SHA1_96, key, 20, false,
	    0 };

	if (!ok(tx && rx && etx && erx, "window SAs"))
		goto out;
	verdict_is(send_seq(tx, rx, 0, &r), ESP_ZERO_SEQ, "seq 0 dropped");
	verdict_is(send_seq(tx, rx, 100, &r), ESP_OK, "seq 100");
	verdict_is(send_seq(tx, rx, 36, &r), ESP_TOO_OLD,
	    "seq 36: left of a 64-bit window at 100");
	verdict_is(send_seq(tx, rx, 37, &r), ESP_OK, "seq 37: its left edge");
	verdict_is(send_seq(tx, rx, 37, &r), ESP_REPLAY, "seq 37 again");
	verdict_is(send_seq(tx, rx, 99, &r), ESP_OK, "seq 99: late, fine");
	/* A bad ICV does not mark its number: the good one still passes. */
	inner(4, &in);
	o.seq_given = true;
	o.seq = 98;
	o.corrupt_icv = true;
	ah_protect(tx, in.data, in.len, NULL, &o, &out, &e);
	verdict_is(ah_verify(rx, out.data, out.len, &r), ESP_BAD_ICV,
	    "seq 98, bad ICV");
	verdict_is(send_seq(tx, rx, 98, &r), ESP_OK,
	    "seq 98 with a good ICV after it (window not updated)");
	/* Another SPI on the wire. */
	o = (struct ah_send_opts){ .spi_given = true, .spi = SPI + 1 };
	out.len = 0;
	ah_protect(tx, in.data, in.len, NULL, &o, &out, &e);
	verdict_is(ah_verify(rx, out.data, out.len, &r), ESP_WRONG_SPI,
	    "another SPI");
	ok(r.spi == SPI + 1, "its SPI reported");

	/* ESN: the high half is in the ICV, not on the wire (2.5.1). */
	verdict_is(send_seq(etx, erx, 0xfffffff0ULL, &r), ESP_OK,
	    "ESN: seq 2^32 - 16");
	verdict_is(send_seq(etx, erx, 0x100000002ULL, &r), ESP_OK,
	    "ESN: seq 2^32 + 2 (low half 2, high half inferred 1)");
	is_int(r.seq, 0x100000002ULL, "ESN: 64-bit sequence reported");
	verdict_is(send_seq(etx, erx, 0x200000003ULL, &r), ESP_BAD_ICV,
	    "ESN: high half 2 where 1 is inferred: ICV mismatch");
	verdict_is(send_seq(etx, erx, 0x100000003ULL, &r), ESP_OK,
	    "ESN: seq 2^32 + 3 (window not moved by the bad one)");

	/* The sender's counter does not cycle (RFC 4302 3.3.2). */
	o = (struct ah_send_opts){ .seq_given = true, .seq = UINT32_MAX };
	out.len = 0;
	ok(ah_protect(tx, in.data, in.len, NULL, &o, &out, &e) == 0,
	    "seq 2^32 - 1 given");
	/* seq_given does not advance the counter: only the other-SPI
	 * packet above took a number from it (1). */
	out.len = 0;
	ok(ah_protect(tx, in.data, in.len, NULL, NULL, &out, &e) == 0 &&
	    get32(out.data + 28) == 2, "counter untouched by given numbers");

	/* Parameters refused. */
	p.key_len = 19;
	ok(ah_sa_new(&p, &e) == NULL && strstr(e.text, "19 bytes"),
	    "short key refused (%s)", e.text);
	p.key_len = 20;
	p.integ = INTEG_NONE;
	ok(ah_sa_new(&p, &e) == NULL, "INTEG_NONE refused (%s)", e.text);
	p.integ = INTEG_HMAC_SHA1_96;
	p.window = ESP_WINDOW_MAX + 1;
	ok(ah_sa_new(&p, &e) == NULL, "window too large refused (%s)",
	    e.text);
out:
	ah_sa_free(tx);
	ah_sa_free(rx);
	ah_sa_free(etx);
	ah_sa_free(erx);
	bytes_free(&in);
	bytes_free(&out);
}

/* ---- mutation sweep -------------------------------------------------- */

/* Bits of an IP header that AH zeroes and that do not make a fragment. */
static bool mutable_bit(int family, size_t byte, unsigned bit)
{
	if (family == 6)
		return (byte == 0 && bit < 4) || byte == 1 || byte == 2 ||
		    byte == 3 || byte == 7;
	return byte == 1 || (byte == 6 && (bit == 7 || bit == 6)) ||
	    byte == 8 || byte == 10 || byte == 11;
}

/* ah_verify of exactly p[0..n) (a copy of that size, so that ASan sees
 * any read past it) with a fresh receiver. */
static enum esp_verdict verify_exact(unsigned integ, const uint8_t *p,
    size_t n)
{
	struct ah_sa *rx = sa_make(integ, true, 0);
	uint8_t *copy = malloc(n ? n : 1);
	enum esp_verdict v = ESP_TRUNCATED;
	struct ah_rx r;

	if (rx != NULL && copy != NULL) {
		memcpy(copy, p, n);
		v = ah_verify(rx, copy, n, &r);
		if (v == ESP_OK && (r.payload < copy ||
		    r.payload + r.payload_len > copy + n))
			v = ESP_TRUNCATED;	/* shows as a wrong verdict */
	}
	free(copy);
	ah_sa_free(rx);
	return v;
}

static void sweep(unsigned integ, int family, bool tunnel)
{
	struct ah_sa *tx = sa_make(integ, true, 0);
	struct bytes in = BYTES_EMPTY, out = BYTES_EMPTY, m = BYTES_EMPTY;
	struct err e = { "" };
	size_t i, k, bad = 0, flips = 0, accepted = 0, want_acc = 0;
	unsigned b;
	enum esp_verdict v;
	char what[96];

	snprintf(what, sizeof(what), "sweep %s IPv%d %s",
	    names_get(NAMES_T_INTEG, integ), family,
	    tunnel ? "tunnel" : "transport");
	inner(family, &in);
	if (!ok(tx && ah_protect(tx, in.data, in.len,
	    tunnel ? outer_of(family) : NULL, NULL, &out, &e) == 0,
	    "%s: protect (%s)", what, e.text))
		goto out;
	verdict_is(verify_exact(integ, out.data, out.len), ESP_OK,
	    "%s: the unchanged packet verifies", what);
	for (i = 0; i < out.len; i++)
		for (b = 0; b < 8; b++) {
			bool mut = mutable_bit(family, i, b);

			bytes_copy(&m, &out);
			m.data[i] ^= (uint8_t)(1u << b);
			v = verify_exact(integ, m.data, m.len);
			flips++;
			want_acc += mut;
			accepted += v == ESP_OK;
			if ((v == ESP_OK) != mut && bad++ < 5)
				diag("%s: byte %zu bit %u: %s", what, i, b,
				    esp_verdict_name(v));
		}
	ok(bad == 0 && accepted == want_acc,
	    "%s: of %zu bit flips exactly the %zu in mutable fields "
	    "accepted (%zu wrong)", what, flips, want_acc, bad);
	bad = 0;
	for (k = 0; k < out.len; k++)
		if (verify_exact(integ, out.data, k) == ESP_OK && bad++ < 5)
			diag("%s: cut to %zu accepted", what, k);
	ok(bad == 0, "%s: all %zu truncations dropped", what, out.len);
	/* Link-layer padding after the IP length is not part of it. */
	bytes_copy(&m, &out);
	bytes_append(&m, "\0\0\0\0\0\0", 6);
	verdict_is(verify_exact(integ, m.data, m.len), ESP_OK,
	    "%s: 6 bytes after the IP length ignored", what);
out:
	ah_sa_free(tx);
	bytes_free(&in);
	bytes_free(&out);
	bytes_free(&m);
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x40 + i * 3);
	test_round_trips();
	icv_by_hand(4, false, 1);
	icv_by_hand(6, false, 7);
	icv_by_hand(4, true, 0x0000000500000009ULL);
	icv_by_hand(6, true, 0x00000001fffffffeULL);
	test_in_flight();
	test_options();
	test_window();
	sweep(INTEG_HMAC_SHA1_96, 4, false);
	sweep(INTEG_HMAC_SHA2_384_192, 6, false);
	sweep(INTEG_AES_XCBC_96, 4, true);
	sweep(INTEG_HMAC_SHA2_512_256, 6, true);
	return tap_done();
}
