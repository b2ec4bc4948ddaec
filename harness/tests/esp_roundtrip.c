/* esp_roundtrip: every cipher with every integrity algorithm (AEAD
 * ciphers alone, AES-CBC also without integrity), with and without ESN:
 * packets with tunnel (4, 41), transport (17, 6) and dummy (59) next
 * headers, payloads from empty to 1400 bytes, with and without TFC
 * padding, encapsulated and decapsulated. Each packet is also held to
 * the layout rules (RFC 4303 2.4: block multiple, ICV on a 4-byte
 * boundary, minimal padding 1, 2, 3 ...; the IV is the sequence number
 * for AEAD and CTR). With ESN the sender then jumps near 2^32 and sends
 * across it: the receiver only verifies those packets if it infers the
 * unsent high half right (A2.2), since that half is in the ICV or AAD. */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "esp_cases.h"
#include "names.h"
#include "tap.h"

enum { RT_MAX = 1600 };

static const uint8_t next_headers[] = { 4, 41, 17, 6, ESP_NEXT_HEADER_DUMMY };
static const size_t payload_lens[] = { 0, 1, 3, 14, 15, 16, 63, 1400 };
static const size_t tfc_lens[] = { 0, 29 };

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* One packet there and back; NULL or what went wrong. */
static const char *rt_one(struct esp_pair *pr, uint8_t nh, size_t len,
    size_t tfc, uint8_t *last_iv)
{
	static char why[ERR_TEXT_MAX + 128];
	uint8_t payload[RT_MAX], out[RT_MAX + 128];
	struct esp_send_opts o;
	struct esp_rx rx;
	struct err e = { "" };
	size_t iv_len = crypto_encr_iv_len(pr->p.encr), block, icv_len, n = 0,
	    ct_len, i, align;
	enum esp_verdict v;

	block = crypto_encr_block_len(pr->p.encr);
	icv_len = crypto_encr_is_aead(pr->p.encr) ?
	    crypto_encr_icv_len(pr->p.encr) : crypto_integ_icv_len(pr->p.integ);
	align = block > 4 ? block : 4;
	for (i = 0; i < len; i++)
		payload[i] = (uint8_t)(i ^ nh ^ len);
	memset(&o, 0, sizeof(o));
	o.tfc_len = tfc;
	if (esp_encap(pr->tx, nh, payload, len, &o, out, sizeof(out), &n,
	    &e) < 0) {
		snprintf(why, sizeof(why), "esp_encap: %s", e.text);
		return why;
	}
	ct_len = n - ESP_HDR_LEN - iv_len - icv_len;
	if (n != esp_encap_len(pr->tx, len, &o))
		return "esp_encap_len differs from the packet";
	if (ct_len % align != 0 || (n - icv_len) % 4 != 0)
		return "ciphertext not aligned (2.4)";
	if (ct_len - len - tfc - ESP_TRAILER_LEN >= align)
		return "more padding than needed";
	if ((pr->p.encr == ENCR_AES_CTR || crypto_encr_is_aead(pr->p.encr)) &&
	    get64(out + ESP_HDR_LEN) != esp_sa_last_seq(pr->tx))
		return "the IV is not the sequence number";
	if (iv_len && memcmp(out + ESP_HDR_LEN, last_iv, iv_len) == 0)
		return "the IV repeats";
	memcpy(last_iv, out + ESP_HDR_LEN, iv_len);
	v = esp_decap(pr->rx, out, n, &rx);
	if (v != (nh == ESP_NEXT_HEADER_DUMMY ? ESP_DUMMY : ESP_OK)) {
		snprintf(why, sizeof(why), "esp_decap: %s (next header %u, "
		    "%zu + %zu bytes)", esp_verdict_name(v), nh, len, tfc);
		return why;
	}
	if (rx.next_header != nh || rx.payload_len != len + tfc ||
	    memcmp(rx.payload, payload, len) != 0)
		return "payload or next header differs";
	for (i = 0; i < tfc; i++)
		if (rx.payload[len + i] != 0)
			return "TFC padding differs";
	if (rx.seq != esp_sa_last_seq(pr->tx) ||
	    esp_sa_highest_seq(pr->rx) != rx.seq || !rx.pad_monotonic ||
	    rx.iv_len != iv_len || rx.icv_len != icv_len ||
	    rx.spi != pr->p.spi)
		return "esp_rx fields differ";
	return NULL;
}

/* Sequence numbers across 2^32 (ESN): jump, cross, and one late packet
 * from before the boundary after the top crossed it. */
static const char *rt_esn_cross(struct esp_pair *pr, uint8_t *last_iv)
{
	static const uint64_t jumps[] = { 0xfffffff0ull, 0x100000004ull };
	static char why[ERR_TEXT_MAX + 128];
	uint8_t out[256];
	struct esp_send_opts o;
	struct esp_rx rx;
	struct err e = { "" };
	const char *bad;
	size_t i, n = 0;
	enum esp_verdict v;

	for (i = 0; i < N(jumps); i++) {
		esp_sa_set_last_seq(pr->tx, jumps[i]);
		bad = rt_one(pr, 4, 20, 0, last_iv);
		if (bad == NULL && esp_sa_highest_seq(pr->rx) != jumps[i] + 1)
			bad = "highest sequence number";
		if (bad != NULL) {
			snprintf(why, sizeof(why), "after %#llx: %s",
			    (unsigned long long)jumps[i], bad);
			return why;
		}
	}
	/* 0xfffffffa is 11 left of the top 0x100000005: in the window. */
	memset(&o, 0, sizeof(o));
	o.seq_given = true;
	o.seq = 0xfffffffaull;
	if (esp_encap(pr->tx, 4, (const uint8_t *)"late", 4, &o, out,
	    sizeof(out), &n, &e) < 0) {
		snprintf(why, sizeof(why), "esp_encap: %s", e.text);
		return why;
	}
	v = esp_decap(pr->rx, out, n, &rx);
	if (v != ESP_OK || rx.seq != o.seq) {
		snprintf(why, sizeof(why), "late packet 0xfffffffa: %s, seq "
		    "%#llx", esp_verdict_name(v), (unsigned long long)rx.seq);
		return why;
	}
	return NULL;
}

static void rt_combo(unsigned encr, unsigned bits, unsigned integ, bool esn,
    size_t *packets)
{
	struct esp_pair pr;
	uint8_t last_iv[16] = { 0 };
	const char *bad = NULL;
	size_t a, b, c;

	if (!ok(esp_pair_new(&pr, encr, bits, integ, esn, 0x1000 + encr,
	    integ) == 0, "round trip: SAs for %s/%u + %s",
	    names_get(NAMES_T_ENCR, encr), bits,
	    names_get(NAMES_T_INTEG, integ)))
		return;
	for (a = 0; a < N(next_headers) && bad == NULL; a++)
		for (b = 0; b < N(payload_lens) && bad == NULL; b++)
			for (c = 0; c < N(tfc_lens) && bad == NULL; c++) {
				bad = rt_one(&pr, next_headers[a],
				    payload_lens[b], tfc_lens[c], last_iv);
				++*packets;
			}
	if (bad == NULL && esn)
		bad = rt_esn_cross(&pr, last_iv);
	ok(bad == NULL, "round trip %s: %s", esp_combo(&pr.p),
	    bad ? bad : "every packet back as sent");
	esp_pair_free(&pr);
}

void esp_test_roundtrip(void)
{
	size_t i, j, packets = 0;
	int esn;

	for (esn = 0; esn < 2; esn++)
		for (i = 0; i < esp_nciphers; i++) {
			const struct esp_cipher *c = &esp_ciphers[i];

			if (crypto_encr_is_aead(c->encr)) {
				rt_combo(c->encr, c->bits, INTEG_NONE, esn,
				    &packets);
				continue;
			}
			for (j = 0; j < esp_ninteg; j++)
				rt_combo(c->encr, c->bits, esp_integs[j], esn,
				    &packets);
			/* 3.2: confidentiality without integrity. */
			if (c->encr == ENCR_AES_CBC)
				rt_combo(c->encr, c->bits, INTEG_NONE, esn,
				    &packets);
		}
	diag("round trip: %zu packets", packets);
}
