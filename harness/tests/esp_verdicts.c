/* esp_verdicts: every verdict of esp_decap from a packet crafted to earn
 * it (RFC 4303 3.4 and 2.4), including packets with a good ICV around a
 * bad trailer, which only a sender holding the keys can make: the test
 * computes those ICVs itself with crypto_integ. Then what esp_encap and
 * esp_sa_new refuse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "esp_cases.h"
#include "names.h"
#include "tap.h"

enum { V_MAX = 512 };

static enum esp_verdict encap_decap(struct esp_pair *pr, uint8_t nh,
    const uint8_t *payload, size_t len, const struct esp_send_opts *o,
    struct esp_rx *rx)
{
	uint8_t out[V_MAX];
	struct err e = { "" };
	size_t n = 0;

	if (esp_encap(pr->tx, nh, payload, len, o, out, sizeof(out), &n,
	    &e) < 0) {
		diag("esp_encap: %s", e.text);
		return ESP_TRUNCATED;
	}
	return esp_decap(pr->rx, out, n, rx);
}

/* SPI | seq | IV | clear (ENCR_NULL: the clear bytes are the ciphertext)
 * | ICV by crypto_integ over the packet and, with ESN and with_hi, the
 * unsent high half (RFC 4303 2.2.1): a packet with a good ICV and any
 * trailer. */
static size_t craft_hi(const struct esp_pair *pr, uint64_t seq,
    const uint8_t *body, size_t body_len, bool with_hi, uint8_t *out)
{
	struct bytes icv = BYTES_EMPTY;
	struct err e = { "" };
	size_t n, i;

	for (i = 0; i < 4; i++) {
		out[i] = (uint8_t)(pr->p.spi >> (24 - 8 * i));
		out[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
		/* The high half goes after the ICV's place, then is cut. */
		out[8 + body_len + i] = (uint8_t)(seq >> (56 - 8 * i));
	}
	memcpy(out + 8, body, body_len);
	n = 8 + body_len;
	if (crypto_integ(pr->p.integ, pr->p.integ_key, pr->p.integ_key_len,
	    out, n + (with_hi && pr->p.esn ? 4 : 0), &icv, &e) < 0) {
		diag("crypto_integ: %s", e.text);
		return 0;
	}
	memcpy(out + n, icv.data, icv.len);
	n += icv.len;
	bytes_free(&icv);
	return n;
}

static size_t craft(const struct esp_pair *pr, uint64_t seq,
    const uint8_t *body, size_t body_len, uint8_t *out)
{
	return craft_hi(pr, seq, body, body_len, true, out);
}

static void verdicts_cbc(void)
{
	static const uint8_t payload[30] = "a payload of thirty bytes ...";
	static const uint8_t bad_pad[4] = { 1, 2, 3, 5 };
	uint8_t pkt[V_MAX], body[64];
	struct esp_pair pr;
	struct esp_send_opts o;
	struct esp_rx rx;
	struct err e = { "" };
	size_t n = 0, i, min, trunc = 0, icv = 0, other = 0;
	enum esp_verdict v;

	if (!ok(esp_pair_new(&pr, ENCR_AES_CBC, 128, INTEG_HMAC_SHA2_256_128,
	    false, 0x1234, 3) == 0, "verdicts: CBC + SHA-256 SAs"))
		return;
	memset(&o, 0, sizeof(o));
	o.spi_given = true;
	o.spi = 0x1235;
	v = encap_decap(&pr, 4, payload, 10, &o, &rx);
	ok(v == ESP_WRONG_SPI && rx.spi == 0x1235, "verdict %s: SPI 0x1235 "
	    "on an SA of 0x1234", esp_verdict_name(v));
	memset(&o, 0, sizeof(o));
	o.corrupt_icv = true;
	is_int(encap_decap(&pr, 4, payload, 10, &o, &rx), ESP_BAD_ICV,
	    "verdict: a flipped ICV bit");
	memset(&o, 0, sizeof(o));
	o.corrupt_payload = true;
	is_int(encap_decap(&pr, 4, payload, 10, &o, &rx), ESP_BAD_ICV,
	    "verdict: a ciphertext bit flipped after the ICV");
	memset(&o, 0, sizeof(o));
	o.seq_given = true;
	o.seq = 0;
	is_int(encap_decap(&pr, 4, payload, 10, &o, &rx), ESP_ZERO_SEQ,
	    "verdict: sequence number 0");
	/* 10 + 4 + 2 = one block, padding 1, 2, 3, 5. */
	memset(&o, 0, sizeof(o));
	o.pad_given = true;
	o.pad = bad_pad;
	o.pad_len = sizeof(bad_pad);
	v = encap_decap(&pr, 4, payload, 10, &o, &rx);
	ok(v == ESP_BAD_PADDING && !rx.pad_monotonic && rx.pad_len == 4,
	    "verdict %s: padding 1, 2, 3, 5 (pad length %u)",
	    esp_verdict_name(v), rx.pad_len);
	/* 3.4.3: its ICV verified, so the window moved. */
	o.seq_given = true;
	o.seq = esp_sa_last_seq(pr.tx);
	is_int(encap_decap(&pr, 4, payload, 10, &o, &rx), ESP_REPLAY,
	    "verdict: the same sequence number again is a replay (the ICV "
	    "verified)");
	memset(&o, 0, sizeof(o));
	o.pad_len_given = true;
	o.pad_len_value = 200;
	v = encap_decap(&pr, 4, payload, 10, &o, &rx);
	ok(v == ESP_BAD_PAD_LEN && rx.pad_len == 200, "verdict %s: pad "
	    "length 200 in 16 bytes", esp_verdict_name(v));
	memset(&o, 0, sizeof(o));
	o.pad_len_given = true;
	o.pad_len_value = 15;
	is_int(encap_decap(&pr, 4, payload, 10, &o, &rx), ESP_BAD_PAD_LEN,
	    "verdict: pad length 15 in 16 bytes (one past)");
	o.pad_len_value = 14;
	v = encap_decap(&pr, 4, payload, 10, &o, &rx);
	ok(v == ESP_BAD_PADDING && rx.payload_len == 0, "verdict %s: pad "
	    "length 14 in 16 bytes takes the payload as padding",
	    esp_verdict_name(v));
	/* A good ICV over a ciphertext of 17 bytes. */
	memset(body, 0x3c, sizeof(body));
	n = craft(&pr, 500, body, 16 + 17, pkt);
	is_int(esp_decap(pr.rx, pkt, n, &rx), ESP_BAD_BLOCK, "verdict: 17 "
	    "bytes of CBC ciphertext under a good ICV");
	/* Its ICV verified: the window moved past the sender. */
	esp_sa_set_last_seq(pr.tx, 500);
	is_int(encap_decap(&pr, ESP_NEXT_HEADER_DUMMY, payload, 0, NULL, &rx),
	    ESP_DUMMY, "verdict: next header 59 is a dummy packet");
	is_int(encap_decap(&pr, 17, payload, 30, NULL, &rx), ESP_OK,
	    "verdict: a careful packet is accepted");
	/* Every truncation: too short for header + IV + trailer + ICV, or
	 * an ICV that no longer verifies. */
	if (esp_encap(pr.tx, 17, payload, 30, NULL, pkt, sizeof(pkt), &n,
	    &e) < 0)
		diag("esp_encap: %s", e.text);
	min = ESP_HDR_LEN + 16 + ESP_TRAILER_LEN + 16;
	for (i = 0; i < n; i++) {
		v = esp_decap(pr.rx, pkt, i, &rx);
		if (v == ESP_TRUNCATED && i < min)
			trunc++;
		else if (v == ESP_BAD_ICV && i >= min)
			icv++;
		else
			other++;
	}
	ok(other == 0 && trunc == min, "verdict: %zu truncations: %zu "
	    "truncated, %zu bad ICV, %zu other", n, trunc, icv, other);
	is_int(esp_decap(pr.rx, pkt, n, &rx), ESP_OK, "verdict: the whole "
	    "packet after its truncations");
	esp_pair_free(&pr);
}

/* ESN with a separate ICV: the high half is in the ICV (2.2.1) on both
 * sides, checked against crypto_integ. */
static void verdicts_esn_icv(const uint8_t *body, size_t body_len)
{
	uint8_t pkt[V_MAX], out[V_MAX], ref[V_MAX];
	struct esp_pair pr;
	struct esp_send_opts o;
	struct esp_rx rx;
	struct err e = { "" };
	size_t n, m = 0;
	enum esp_verdict v;

	if (!ok(esp_pair_new(&pr, ENCR_NULL, 0, INTEG_HMAC_SHA2_512_256, true,
	    0x98, 10) == 0, "verdicts: NULL + SHA-512 ESN SAs"))
		return;
	esp_sa_set_highest_seq(pr.rx, 0x500000000ull);
	n = craft_hi(&pr, 0x500000002ull, body, body_len, false, pkt);
	is_int(esp_decap(pr.rx, pkt, n, &rx), ESP_BAD_ICV, "verdict: ESN, "
	    "an ICV without the high half");
	n = craft_hi(&pr, 0x500000002ull, body, body_len, true, pkt);
	v = esp_decap(pr.rx, pkt, n, &rx);
	ok(v == ESP_OK && rx.seq == 0x500000002ull, "verdict %s: ESN, the "
	    "ICV with the high half 5 appended", esp_verdict_name(v));
	memset(&o, 0, sizeof(o));
	o.seq_given = true;
	o.seq = 0x700000009ull;
	if (esp_encap(pr.tx, 17, body, body_len - 4, &o, out, sizeof(out), &m,
	    &e) < 0)
		diag("esp_encap: %s", e.text);
	n = craft_hi(&pr, o.seq, out + 8, m - 8 - 32, true, ref);
	cmp_mem(out, m, ref, n, "encap: ESN, the ICV covers the high half 7");
	esp_pair_free(&pr);
}

/* ENCR_NULL + HMAC-SHA1-96: trailers under a good ICV, written by hand. */
static void verdicts_null(void)
{
	static const uint8_t good[] = { 'h', 'i', 1, 2, 2, 17 };
	static const uint8_t bad_pad[] = { 'h', 'i', 1, 3, 2, 17 };
	static const uint8_t bad_len[] = { 'h', 'i', 1, 2, 5, 17 };
	static const uint8_t all_pad[] = { 1, 2, 3, 4, 4, 59 };
	uint8_t pkt[V_MAX];
	struct esp_pair pr;
	struct esp_rx rx;
	size_t n;
	enum esp_verdict v;

	if (!ok(esp_pair_new(&pr, ENCR_NULL, 0, INTEG_HMAC_SHA1_96, false,
	    0x99, 4) == 0, "verdicts: NULL + SHA1 SAs"))
		return;
	n = craft(&pr, 1, good, sizeof(good), pkt);
	v = esp_decap(pr.rx, pkt, n, &rx);
	ok(v == ESP_OK && rx.payload_len == 2 && memcmp(rx.payload, "hi",
	    2) == 0 && rx.next_header == 17, "verdict %s: hand-made packet",
	    esp_verdict_name(v));
	n = craft(&pr, 2, bad_pad, sizeof(bad_pad), pkt);
	is_int(esp_decap(pr.rx, pkt, n, &rx), ESP_BAD_PADDING, "verdict: "
	    "padding 1, 3");
	n = craft(&pr, 3, bad_len, sizeof(bad_len), pkt);
	is_int(esp_decap(pr.rx, pkt, n, &rx), ESP_BAD_PAD_LEN, "verdict: pad "
	    "length 5 in 6 bytes");
	n = craft(&pr, 4, all_pad, sizeof(all_pad), pkt);
	v = esp_decap(pr.rx, pkt, n, &rx);
	ok(v == ESP_DUMMY && rx.payload_len == 0, "verdict %s: padding only, "
	    "next header 59", esp_verdict_name(v));
	n = craft(&pr, 5, good, 1, pkt);
	is_int(esp_decap(pr.rx, pkt, n, &rx), ESP_TRUNCATED, "verdict: one "
	    "byte where the trailer needs two");
	esp_pair_free(&pr);
	verdicts_esn_icv(good, sizeof(good));
}

/* AEAD, confidentiality only, and the length limits. */
static void verdicts_other(void)
{
	uint8_t pkt[V_MAX], *big;
	struct esp_pair pr;
	struct esp_rx rx;
	struct err e = { "" };
	size_t n = 0, i, bad = 0;

	if (esp_pair_new(&pr, ENCR_AES_GCM_16, 256, INTEG_NONE, true, 0x55,
	    5) == 0) {
		esp_encap(pr.tx, 41, (const uint8_t *)"v6", 2, NULL, pkt,
		    sizeof(pkt), &n, &e);
		for (i = 0; i < n; i++) {
			enum esp_verdict v = esp_decap(pr.rx, pkt, i, &rx);

			if (v != (i < 8 + 8 + 2 + 16 ? ESP_TRUNCATED :
			    ESP_BAD_ICV))
				bad++;
		}
		ok(bad == 0 && esp_decap(pr.rx, pkt, n, &rx) == ESP_OK,
		    "verdict: GCM ESN: every truncation refused, the packet "
		    "accepted (%zu wrong)", bad);
		esp_pair_free(&pr);
	}
	if (esp_pair_new(&pr, ENCR_AES_CBC, 128, INTEG_NONE, false, 0x56,
	    6) == 0) {
		memset(pkt, 0, sizeof(pkt));
		pkt[3] = 0x56;
		pkt[7] = 1;
		is_int(esp_decap(pr.rx, pkt, 8 + 16 + 17, &rx), ESP_BAD_BLOCK,
		    "verdict: CBC without integrity, 17 bytes of ciphertext");
		big = calloc(1, ESP_MAX_PACKET + 16);
		if (big != NULL) {
			big[3] = 0x56;
			big[7] = 2;
			is_int(esp_decap(pr.rx, big, ESP_MAX_PACKET + 16, &rx),
			    ESP_TRUNCATED, "verdict: longer than an IP datagram "
			    "can carry");
			free(big);
		}
		esp_pair_free(&pr);
	}
}

/* ---- what esp_encap and esp_sa_new refuse ------------------------------ */

static void refusals_encap(void)
{
	uint8_t out[V_MAX], zero[400] = { 0 };
	struct esp_pair pr;
	struct esp_send_opts o;
	struct esp_rx rx;
	struct err e = { "" };
	size_t n = 0;

	if (esp_pair_new(&pr, ENCR_AES_CBC, 256, INTEG_HMAC_SHA1_96, false,
	    0x66, 7) < 0)
		return;
	ok(esp_encap(pr.tx, 4, zero, 10, NULL, out, 10, &n, &e) < 0 &&
	    esp_sa_last_seq(pr.tx) == 0, "encap: no room refused, counter "
	    "kept (%s)", e.text);
	ok(esp_encap(pr.tx, 4, zero, 10, NULL, out, sizeof(out), &n, &e) == 0 &&
	    esp_sa_last_seq(pr.tx) == 1 && out[7] == 1, "encap: the first "
	    "sequence number is 1 (3.3.3)");
	memset(&o, 0, sizeof(o));
	o.pad_given = true;
	o.pad_len = 3;
	ok(esp_encap(pr.tx, 4, zero, 10, &o, out, sizeof(out), &n, &e) < 0,
	    "encap: CBC padding that misses the block refused (%s)", e.text);
	o.pad_len = 260;
	ok(esp_encap(pr.tx, 4, zero, 2, &o, out, sizeof(out), &n, &e) < 0,
	    "encap: 260 padding bytes refused (%s)", e.text);
	o.pad_len = SIZE_MAX - 40;	/* the sum of the lengths would wrap */
	o.pad_len_given = true;
	ok(esp_encap(pr.tx, 4, zero, 2, &o, out, sizeof(out), &n, &e) < 0 &&
	    strstr(e.text, "longer") != NULL, "encap: padding of SIZE_MAX - "
	    "40 bytes refused (%s)", e.text);
	memset(&o, 0, sizeof(o));
	o.seq_given = true;
	o.seq = 0x100000000ull;
	ok(esp_encap(pr.tx, 4, zero, 10, &o, out, sizeof(out), &n, &e) < 0,
	    "encap: a 33-bit sequence number without ESN refused (%s)",
	    e.text);
	o.seq = 77;
	ok(esp_encap(pr.tx, 4, zero, 10, &o, out, sizeof(out), &n, &e) == 0 &&
	    out[7] == 77 && esp_sa_last_seq(pr.tx) == 1, "encap: a given "
	    "sequence number leaves the counter alone");
	esp_sa_set_last_seq(pr.tx, 0xffffffffull);
	ok(esp_encap(pr.tx, 4, zero, 10, NULL, out, sizeof(out), &n, &e) < 0 &&
	    strstr(e.text, "cycle") != NULL, "encap: no wrap past 2^32 - 1 "
	    "without ESN (%s)", e.text);
	esp_pair_free(&pr);
	if (esp_pair_new(&pr, ENCR_AES_GCM_16, 128, INTEG_NONE, true, 0x67,
	    8) < 0)
		return;
	esp_sa_set_last_seq(pr.tx, 0xffffffffull);
	ok(esp_encap(pr.tx, 4, zero, 10, NULL, out, sizeof(out), &n, &e) == 0 &&
	    esp_sa_last_seq(pr.tx) == 0x100000000ull && out[7] == 0,
	    "encap: with ESN 2^32 follows (low half 0 on the wire)");
	esp_sa_set_last_seq(pr.tx, UINT64_MAX);
	ok(esp_encap(pr.tx, 4, zero, 10, NULL, out, sizeof(out), &n, &e) < 0,
	    "encap: no wrap past 2^64 - 1 with ESN (%s)", e.text);
	memset(&o, 0, sizeof(o));
	o.pad_given = true;
	o.pad_len = 255;
	esp_sa_set_last_seq(pr.tx, 5);
	ok(esp_encap(pr.tx, 4, zero, 1, &o, out, sizeof(out), &n, &e) == 0 &&
	    esp_decap(pr.rx, out, n, &rx) == ESP_OK && rx.pad_len == 255 &&
	    rx.pad_monotonic, "encap: 255 bytes of padding, accepted (2.4)");
	memset(&o, 0, sizeof(o));
	o.tfc_len = ESP_MAX_PACKET;
	ok(esp_encap(pr.tx, 4, zero, 1, &o, out, sizeof(out), &n, &e) < 0,
	    "encap: TFC padding past the packet limit refused (%s)", e.text);
	esp_pair_free(&pr);
}

static void refusals_sa(void)
{
	static const uint8_t key[64];
	struct esp_sa_params p;
	struct esp_sa *sa;
	struct err e = { "" };

	memset(&p, 0, sizeof(p));
	p.spi = 1;
	p.encr = ENCR_NULL;
	p.integ = INTEG_NONE;
	sa = esp_sa_new(&p, &e);
	ok(sa == NULL && strstr(e.text, "3.2") != NULL, "esp_sa_new: NULL "
	    "without integrity refused (%s)", e.text);
	esp_sa_free(sa);
	p.encr = ENCR_AES_GCM_16;
	p.encr_key_bits = 128;
	p.encr_key = key;
	p.encr_key_len = 20;
	p.integ = INTEG_HMAC_SHA1_96;
	p.integ_key = key;
	p.integ_key_len = 20;
	sa = esp_sa_new(&p, &e);
	ok(sa == NULL, "esp_sa_new: AEAD with integrity refused (%s)", e.text);
	esp_sa_free(sa);
	p.integ = INTEG_NONE;
	p.integ_key_len = 0;
	p.encr_key_len = 16;
	sa = esp_sa_new(&p, &e);
	ok(sa == NULL, "esp_sa_new: GCM key without its salt refused (%s)",
	    e.text);
	esp_sa_free(sa);
	p.encr_key_len = 20;
	p.window = ESP_WINDOW_MAX + 1;
	sa = esp_sa_new(&p, &e);
	ok(sa == NULL, "esp_sa_new: window too large refused (%s)", e.text);
	esp_sa_free(sa);
	p.window = 0;
	sa = esp_sa_new(&p, &e);
	ok(sa != NULL && esp_sa_spi(sa) == 1 && esp_sa_last_seq(sa) == 0 &&
	    esp_sa_highest_seq(sa) == 0, "esp_sa_new: GCM-128 (%s)",
	    sa ? "ok" : e.text);
	esp_sa_free(sa);
	esp_sa_free(NULL);
}

void esp_test_verdicts(void)
{
	verdicts_cbc();
	verdicts_null();
	verdicts_other();
	refusals_encap();
	refusals_sa();
}
