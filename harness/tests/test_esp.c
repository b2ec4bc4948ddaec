/* test_esp: ESP (RFC 4303) and the per-packet crypto contexts behind it.
 * The parts are in harness/tests/esp_*.c: crypto_pkt against the one-shot
 * crypto functions, published packets (draft-mcgrew-gcm-test, RFC 3602,
 * RFC 7634), round trips for every cipher and integrity algorithm, the
 * replay window's numbered tables, one crafted packet per verdict, and a
 * mutation sweep. Here: what they share, esp_peek, esp_udp_kind and the
 * verdict names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "err.h"
#include "esp_cases.h"
#include "names.h"
#include "tap.h"

const struct esp_cipher esp_ciphers[] = {
	{ ENCR_NULL, 0 },
	{ ENCR_AES_CBC, 128 }, { ENCR_AES_CBC, 192 }, { ENCR_AES_CBC, 256 },
	{ ENCR_AES_CTR, 128 }, { ENCR_AES_CTR, 192 }, { ENCR_AES_CTR, 256 },
	{ ENCR_3DES, 0 },
	{ ENCR_AES_GCM_8, 128 }, { ENCR_AES_GCM_12, 192 },
	{ ENCR_AES_GCM_16, 256 }, { ENCR_AES_GCM_16, 128 },
	{ ENCR_AES_CCM_8, 128 }, { ENCR_AES_CCM_12, 192 },
	{ ENCR_AES_CCM_16, 256 },
	{ ENCR_CHACHA20_POLY1305, 0 },
};
const size_t esp_nciphers = N(esp_ciphers);

const unsigned esp_integs[] = {
	INTEG_HMAC_MD5_96, INTEG_HMAC_SHA1_96, INTEG_AES_XCBC_96,
	INTEG_AES_CMAC_96, INTEG_HMAC_SHA2_256_128, INTEG_HMAC_SHA2_384_192,
	INTEG_HMAC_SHA2_512_256,
};
const size_t esp_ninteg = N(esp_integs);

const char *esp_combo(const struct esp_sa_params *p)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s/%u + %s%s",
	    names_get(NAMES_T_ENCR, p->encr), p->encr_key_bits,
	    names_get(NAMES_T_INTEG, p->integ), p->esn ? " ESN" : "");
	return buf;
}

int esp_pair_new(struct esp_pair *pr, unsigned encr, unsigned bits,
    unsigned integ, bool esn, uint32_t spi, unsigned seed)
{
	struct err e = { "" };
	size_t i;

	memset(pr, 0, sizeof(*pr));
	for (i = 0; i < sizeof(pr->ek); i++) {
		pr->ek[i] = (uint8_t)(i * 7 + encr + seed);
		pr->ik[i] = (uint8_t)(i * 13 + integ + seed * 3);
	}
	pr->p.spi = spi;
	pr->p.encr = encr;
	pr->p.encr_key_bits = bits;
	pr->p.integ = integ;
	pr->p.encr_key = pr->ek;
	pr->p.encr_key_len = crypto_encr_key_len(encr, bits);
	pr->p.integ_key = pr->ik;
	pr->p.integ_key_len = crypto_integ_key_len(integ);
	pr->p.esn = esn;
	pr->tx = esp_sa_new(&pr->p, &e);
	if (pr->tx != NULL)
		pr->rx = esp_sa_new(&pr->p, &e);
	if (pr->rx == NULL) {
		diag("%s: %s", esp_combo(&pr->p), e.text);
		esp_pair_free(pr);
		return -1;
	}
	return 0;
}

void esp_pair_free(struct esp_pair *pr)
{
	esp_sa_free(pr->tx);
	esp_sa_free(pr->rx);
	pr->tx = pr->rx = NULL;
}

/* ---- esp_peek, esp_udp_kind, names ----------------------------------- */

static void test_peek(void)
{
	static const uint8_t pkt[] = { 0x12, 0x34, 0x56, 0x78, 0, 0, 1, 2, 9 };
	uint32_t spi = 0, seq = 0;
	size_t n;

	for (n = 0; n < 8; n++)
		ok(esp_peek(pkt, n, &spi, &seq) < 0, "esp_peek: %zu bytes are "
		    "too few", n);
	ok(esp_peek(pkt, 8, &spi, &seq) == 0 && spi == 0x12345678 &&
	    seq == 0x102, "esp_peek: SPI 0x%08x, sequence number %u", spi, seq);
	ok(esp_peek(pkt, sizeof(pkt), &spi, &seq) == 0 && spi == 0x12345678,
	    "esp_peek: longer packet");
}

struct udp_case {
	const char *what;
	uint8_t bytes[12];
	size_t len;
	enum esp_udp_kind want;
};

static void test_udp_kind(void)
{
	static const struct udp_case cases[] = {
		{ "empty datagram", { 0 }, 0, ESP_UDP_INVALID },
		{ "NAT-keepalive 0xff (RFC 3948 2.3)", { 0xff }, 1,
		    ESP_UDP_KEEPALIVE },
		{ "one byte other than 0xff", { 0x00 }, 1, ESP_UDP_INVALID },
		{ "two bytes 0xff 0xff", { 0xff, 0xff }, 2, ESP_UDP_INVALID },
		{ "three zero bytes", { 0 }, 3, ESP_UDP_INVALID },
		{ "non-ESP marker alone (2.2)", { 0 }, 4, ESP_UDP_IKE },
		{ "non-ESP marker + IKE SPI", { 0, 0, 0, 0, 0x11, 0x22 }, 12,
		    ESP_UDP_IKE },
		{ "SPI without sequence number", { 0, 0, 0, 1 }, 4,
		    ESP_UDP_INVALID },
		{ "SPI, 3 bytes of sequence number", { 0, 0, 0, 1, 0, 0, 0 },
		    7, ESP_UDP_INVALID },
		{ "ESP header (2.1)", { 0, 0, 0, 1, 0, 0, 0, 1 }, 8,
		    ESP_UDP_ESP },
		{ "ESP with SPI 0xffffffff", { 0xff, 0xff, 0xff, 0xff, 0, 0, 0,
		    1, 0xaa }, 9, ESP_UDP_ESP },
		{ "keepalive byte followed by more", { 0xff, 0, 0, 0, 0, 0, 0,
		    1 }, 8, ESP_UDP_ESP },
		{ "zero SPI in a long datagram", { 0 }, 12, ESP_UDP_IKE },
	};
	size_t i;

	for (i = 0; i < N(cases); i++)
		is_int(esp_udp_kind(cases[i].bytes, cases[i].len),
		    cases[i].want, "esp_udp_kind case %zu: %s", i + 1,
		    cases[i].what);
}

static void test_names(void)
{
	enum esp_verdict v, w;
	bool distinct = true, named = true;

	for (v = ESP_OK; v <= ESP_ZERO_SEQ; v++) {
		const char *n = esp_verdict_name(v);

		named = named && n != NULL && *n != 0 && *n != '<';
		for (w = ESP_OK; w < v; w++)
			distinct = distinct &&
			    strcmp(esp_verdict_name(w), n) != 0;
	}
	ok(named && distinct, "every verdict has its own name");
	ok(strchr(esp_verdict_name((enum esp_verdict)99), '<') != NULL,
	    "an unknown verdict prints as <UNKNOWN>");
}

int main(void)
{
	const char *top = getenv("IKETEST_TOP");

	if (top != NULL && chdir(top) < 0) {
		ok(false, "chdir %s", top);
		return tap_done();
	}
	test_peek();
	test_udp_kind();
	test_names();
	esp_test_pkt();
	esp_test_known();
	esp_test_roundtrip();
	esp_test_window();
	esp_test_verdicts();
	esp_test_sweep();
	return tap_done();
}
