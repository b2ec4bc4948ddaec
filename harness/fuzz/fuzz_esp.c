/* libFuzzer target: arbitrary bytes through esp_decap. The first byte
 * picks how the rest is used:
 *
 *   0: raw packet against AES-GCM-128 (SPI 0x100)
 *   1: raw packet against AES-CBC-128 + HMAC-SHA2-256-128 with ESN (0x101)
 *   2: ENCR_NULL + HMAC-SHA1-96 (0x102): the rest is SPI | seq | payload |
 *      trailer; the target writes the SA's SPI over the first 4 bytes and
 *      appends the right ICV (crypto_integ), so the fuzzer gets past the
 *      ICV to the trailer checks (ENCR_NULL + INTEG_NONE is not allowed,
 *      RFC 4303 3.2)
 *   3: AES-CBC-128 + HMAC-SHA1-96 (0x103), MAC'd by the target the same
 *      way: random ciphertext decrypts to random trailers
 *
 * SAs are made per input (a window that remembered earlier inputs would
 * make runs depend on their order). Oracles in modes 2 and 3: an ICV the
 * target computed never fails, CBC ciphertext that is not whole blocks is
 * ESP_BAD_BLOCK, and an accepted packet's payload, padding and trailer add
 * up to what was sent (for ENCR_NULL: the very bytes). */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "esp.h"
#include "names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FUZZ_MAX = 4096 };

struct fuzz_sa {
	uint32_t spi;
	unsigned encr, bits, integ;
	bool esn, target_macs;
};

static const struct fuzz_sa fuzz_sas[] = {
	{ 0x100, ENCR_AES_GCM_16, 128, INTEG_NONE, false, false },
	{ 0x101, ENCR_AES_CBC, 128, INTEG_HMAC_SHA2_256_128, true, false },
	{ 0x102, ENCR_NULL, 0, INTEG_HMAC_SHA1_96, false, true },
	{ 0x103, ENCR_AES_CBC, 128, INTEG_HMAC_SHA1_96, false, true },
};

static const uint8_t keys[64] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa,
	0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
	0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
};

/* Appends the ICV of pkt[0..n) with the SA's key; the new length or 0. */
static size_t fuzz_mac(const struct esp_sa_params *p, uint8_t *pkt, size_t n)
{
	struct bytes icv = BYTES_EMPTY;
	size_t out = 0;

	if (crypto_integ(p->integ, p->integ_key, p->integ_key_len, pkt, n,
	    &icv, NULL) == 0) {
		memcpy(pkt + n, icv.data, icv.len);
		out = n + icv.len;
	}
	bytes_free(&icv);
	return out;
}

static void fuzz_check(const struct fuzz_sa *f, const uint8_t *pkt, size_t n,
    enum esp_verdict v, const struct esp_rx *rx)
{
	size_t iv = crypto_encr_iv_len(f->encr);
	size_t icv = crypto_integ_icv_len(f->integ), ct;

	if (!f->target_macs || v == ESP_TRUNCATED || v == ESP_ZERO_SEQ)
		return;
	if (v == ESP_BAD_ICV || v == ESP_WRONG_SPI)
		abort();	/* the ICV and SPI are the target's own */
	ct = n - ESP_HDR_LEN - iv - icv;
	if ((f->encr == ENCR_AES_CBC && ct % 16 != 0) != (v == ESP_BAD_BLOCK))
		abort();
	if (v != ESP_OK && v != ESP_DUMMY)
		return;
	if (rx->payload_len + rx->pad_len + ESP_TRAILER_LEN != ct ||
	    !rx->pad_monotonic)
		abort();
	if (f->encr == ENCR_NULL && (memcmp(rx->payload, pkt + ESP_HDR_LEN,
	    rx->payload_len) != 0 ||
	    rx->next_header != pkt[ESP_HDR_LEN + ct - 1]))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[FUZZ_MAX + 64];
	const struct fuzz_sa *f;
	struct esp_sa_params p;
	struct esp_sa *sa;
	struct esp_rx rx;
	enum esp_verdict v;
	size_t n;

	if (size < 1 || size - 1 > FUZZ_MAX)
		return 0;
	f = &fuzz_sas[data[0] % (sizeof(fuzz_sas) / sizeof(fuzz_sas[0]))];
	memset(&p, 0, sizeof(p));
	p.spi = f->spi;
	p.encr = f->encr;
	p.encr_key_bits = f->bits;
	p.integ = f->integ;
	p.encr_key = keys;
	p.encr_key_len = crypto_encr_key_len(f->encr, f->bits);
	p.integ_key = keys + 16;
	p.integ_key_len = crypto_integ_key_len(f->integ);
	p.esn = f->esn;
	sa = esp_sa_new(&p, NULL);
	if (sa == NULL)
		abort();
	n = size - 1;
	memcpy(pkt, data + 1, n);
	if (f->target_macs && n >= 4) {
		pkt[0] = (uint8_t)(f->spi >> 24);
		pkt[1] = (uint8_t)(f->spi >> 16);
		pkt[2] = (uint8_t)(f->spi >> 8);
		pkt[3] = (uint8_t)f->spi;
		n = fuzz_mac(&p, pkt, n);
		if (n == 0)
			abort();
	}
	v = esp_decap(sa, pkt, n, &rx);
	fuzz_check(f, pkt, n, v, &rx);
	esp_sa_free(sa);
	return 0;
}
