/* esp_pkt: the per-packet contexts (crypto_pkt) give what the one-shot
 * functions give (crypto_cipher, crypto_aead_seal, crypto_integ, which
 * test_vectors holds to the published answers), packet after packet on
 * one context: a context that kept state from the previous packet (a CTR
 * counter, a GCM hash, a half-fed MAC) would differ from the second
 * packet on. Also: tags and ICVs are checked, and a failed check leaves
 * the context usable. */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "esp_cases.h"
#include "names.h"
#include "tap.h"

enum { MAX_MSG = 600 };

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 31 + seed * 17 + 5);
}

/* One packet of len bytes through c (both ways) and the one-shot; a
 * text for the first difference, or NULL. */
static const char *pkt_one(struct crypto_pkt *c, unsigned encr,
    const uint8_t *key, size_t key_len, size_t len, unsigned seed)
{
	static char why[ERR_TEXT_MAX + 128];
	uint8_t buf[MAX_MSG], iv[16], aad[12], tag[16];
	struct bytes want = BYTES_EMPTY;
	struct err e = { "" };
	size_t iv_len = crypto_pkt_iv_len(c), tag_len = crypto_pkt_icv_len(c);
	bool aead = crypto_pkt_is_aead(c);
	const char *bad = NULL;
	int rc;

	fill(buf, len, seed);
	fill(iv, sizeof(iv), seed + 100);
	fill(aad, sizeof(aad), seed + 200);
	if (aead)
		rc = crypto_aead_seal(encr, key, key_len, iv, iv_len, aad,
		    8 + seed % 2 * 4, buf, len, &want, &e);
	else
		rc = crypto_cipher(encr, true, key, key_len, iv, iv_len, buf,
		    len, &want, &e);
	if (rc < 0) {
		snprintf(why, sizeof(why), "one-shot: %s", e.text);
		return why;
	}
	if (crypto_pkt_encrypt(c, iv, aad, 8 + seed % 2 * 4, buf, len, tag,
	    &e) < 0) {
		snprintf(why, sizeof(why), "encrypt: %s", e.text);
		bad = why;
	} else if (memcmp(buf, want.data, len) != 0) {
		bad = "ciphertext differs";
	} else if (aead && (want.len != len + tag_len ||
	    memcmp(tag, want.data + len, tag_len) != 0)) {
		bad = "tag differs";
	} else if (crypto_pkt_decrypt(c, iv, aad, 8 + seed % 2 * 4, buf, len,
	    tag, &e) < 0) {
		snprintf(why, sizeof(why), "decrypt: %s", e.text);
		bad = why;
	} else {
		uint8_t orig[MAX_MSG];

		fill(orig, len, seed);
		if (memcmp(buf, orig, len) != 0)
			bad = "decryption differs";
	}
	bytes_free(&want);
	return bad;
}

static void pkt_cipher(const struct esp_cipher *ci)
{
	static const size_t lens[] = { 16, 48, 0, 304, 32, 592 };
	static const size_t stream_lens[] = { 1, 17, 0, 301, 4, 599 };
	uint8_t key[64], tag[16], buf[64];
	struct err e = { "" };
	size_t key_len = crypto_encr_key_len(ci->encr, ci->bits), i;
	struct crypto_pkt *c;
	const char *bad = NULL;
	char what[96];

	snprintf(what, sizeof(what), "crypto_pkt %s/%u",
	    names_get(NAMES_T_ENCR, ci->encr), ci->bits);
	fill(key, sizeof(key), ci->encr);
	c = crypto_pkt_new(ci->encr, ci->bits, INTEG_NONE, key, key_len, NULL,
	    0, &e);
	if (!ok(c != NULL, "%s: new (%s)", what, c ? "ok" : e.text))
		return;
	is_int(crypto_pkt_iv_len(c), crypto_encr_iv_len(ci->encr), "%s: IV "
	    "length", what);
	is_int(crypto_pkt_block_len(c), crypto_encr_block_len(ci->encr),
	    "%s: block length", what);
	is_int(crypto_pkt_icv_len(c), crypto_encr_icv_len(ci->encr),
	    "%s: ICV length", what);
	if (ci->encr == ENCR_NULL) {
		fill(buf, sizeof(buf), 1);
		ok(crypto_pkt_encrypt(c, NULL, NULL, 0, buf, sizeof(buf), NULL,
		    &e) == 0 && buf[3] == (uint8_t)(3 * 31 + 17 + 5),
		    "%s: leaves the bytes as they are", what);
		crypto_pkt_free(c);
		return;
	}
	for (i = 0; i < N(lens) && bad == NULL; i++)
		bad = pkt_one(c, ci->encr, key, key_len,
		    crypto_pkt_block_len(c) > 1 ? lens[i] : stream_lens[i],
		    (unsigned)i);
	ok(bad == NULL, "%s: %zu packets in a row as the one-shot gives "
	    "(%s)", what, N(lens), bad ? bad : "same");
	if (crypto_pkt_block_len(c) > 1)
		ok(crypto_pkt_encrypt(c, key, NULL, 0, buf, 15, NULL, &e) < 0 &&
		    strstr(e.text, "multiple") != NULL,
		    "%s: 15 bytes refused (%s)", what, e.text);
	if (crypto_pkt_is_aead(c)) {
		fill(buf, 40, 9);
		crypto_pkt_encrypt(c, key, key, 8, buf, 40, tag, &e);
		tag[0] ^= 0x80;
		ok(crypto_pkt_decrypt(c, key, key, 8, buf, 40, tag, &e) < 0 &&
		    strcmp(e.text, "ICV mismatch") == 0,
		    "%s: flipped tag bit refused (%s)", what, e.text);
		tag[0] ^= 0x80;
		ok(crypto_pkt_decrypt(c, key, key + 1, 8, buf, 40, tag, &e) < 0,
		    "%s: other AAD refused", what);
		/* The context must not stay broken after a refusal. */
		bad = pkt_one(c, ci->encr, key, key_len, 33, 7);
		ok(bad == NULL, "%s: next packet after refusals (%s)", what,
		    bad ? bad : "same");
	}
	crypto_pkt_free(c);
}

/* crypto_pkt_icv over a | b equals crypto_integ over the concatenation,
 * for lengths around the AES and hash block sizes. */
static void pkt_integ(unsigned integ)
{
	static const size_t lens[] = { 0, 1, 4, 12, 15, 16, 17, 31, 32, 33,
	    63, 64, 65, 127, 128, 129, 255, 256, 257, 300, 513, 600 };
	static const size_t b_lens[] = { 0, 4 };
	uint8_t key[64], data[MAX_MSG], icv[32];
	struct bytes want = BYTES_EMPTY;
	struct err e = { "" };
	size_t key_len = crypto_integ_key_len(integ), icv_len, i, j;
	struct crypto_pkt *c;
	const char *name = names_get(NAMES_T_INTEG, integ);
	const char *bad = NULL;
	char why[ERR_TEXT_MAX + 128];

	fill(key, sizeof(key), integ + 50);
	fill(data, sizeof(data), integ);
	c = crypto_pkt_new(ENCR_NULL, 0, integ, NULL, 0, key, key_len, &e);
	if (!ok(c != NULL, "crypto_pkt %s: new (%s)", name, c ? "ok" : e.text))
		return;
	icv_len = crypto_pkt_icv_len(c);
	is_int(icv_len, crypto_integ_icv_len(integ), "crypto_pkt %s: ICV "
	    "length", name);
	for (i = 0; i < N(lens) && bad == NULL; i++)
		for (j = 0; j < N(b_lens) && bad == NULL; j++) {
			size_t a_len = lens[i] >= b_lens[j] ? lens[i] -
			    b_lens[j] : 0, b_len = lens[i] - a_len;

			if (crypto_integ(integ, key, key_len, data, lens[i],
			    &want, &e) < 0 ||
			    crypto_pkt_icv(c, data, a_len, data + a_len, b_len,
			    icv, &e) < 0) {
				snprintf(why, sizeof(why), "%s", e.text);
				bad = why;
			} else if (want.len != icv_len ||
			    memcmp(icv, want.data, icv_len) != 0) {
				snprintf(why, sizeof(why), "%zu + %zu bytes: "
				    "ICV differs", a_len, b_len);
				bad = why;
			} else if (crypto_pkt_icv_verify(c, data, a_len,
			    data + a_len, b_len, icv, &e) < 0) {
				snprintf(why, sizeof(why), "%zu + %zu bytes: "
				    "verify: %s", a_len, b_len, e.text);
				bad = why;
			}
		}
	ok(bad == NULL, "crypto_pkt %s: %zu ICVs over a | b as crypto_integ "
	    "gives (%s)", name, N(lens) * N(b_lens), bad ? bad : "same");
	crypto_pkt_icv(c, data, 40, data + 40, 4, icv, &e);
	icv[icv_len - 1] ^= 1;
	ok(crypto_pkt_icv_verify(c, data, 40, data + 40, 4, icv, &e) < 0 &&
	    strcmp(e.text, "ICV mismatch") == 0,
	    "crypto_pkt %s: last ICV bit flipped refused (%s)", name, e.text);
	icv[icv_len - 1] ^= 1;
	ok(crypto_pkt_icv_verify(c, data, 40, data + 40, 4, icv, &e) == 0 &&
	    crypto_pkt_icv_verify(c, data, 44, NULL, 0, icv, &e) == 0 &&
	    crypto_pkt_icv_verify(c, data, 40, NULL, 0, icv, &e) < 0,
	    "crypto_pkt %s: the split of a | b does not matter, its length "
	    "does", name);
	bytes_free(&want);
	crypto_pkt_free(c);
}

static void pkt_refusals(void)
{
	static const uint8_t key[64];
	struct err e = { "" };
	struct crypto_pkt *c;

	c = crypto_pkt_new(ENCR_AES_CBC, 128, INTEG_HMAC_SHA1_96, key, 15, key,
	    20, &e);
	ok(c == NULL && strstr(e.text, "15") != NULL, "crypto_pkt: AES-CBC "
	    "key of 15 bytes refused (%s)", e.text);
	crypto_pkt_free(c);
	c = crypto_pkt_new(ENCR_AES_GCM_16, 128, INTEG_HMAC_SHA1_96, key, 20,
	    key, 20, &e);
	ok(c == NULL && strstr(e.text, "AEAD") != NULL, "crypto_pkt: AEAD "
	    "with an integrity algorithm refused (%s)", e.text);
	crypto_pkt_free(c);
	c = crypto_pkt_new(ENCR_AES_CBC, 128, INTEG_HMAC_SHA2_256_128, key, 16,
	    key, 20, &e);
	ok(c == NULL && strstr(e.text, "20") != NULL, "crypto_pkt: SHA-256 "
	    "key of 20 bytes refused (%s)", e.text);
	crypto_pkt_free(c);
	c = crypto_pkt_new(ENCR_CAMELLIA_CBC, 128, INTEG_HMAC_SHA1_96, key, 16,
	    key, 20, &e);
	ok(c == NULL, "crypto_pkt: Camellia refused (%s)", e.text);
	crypto_pkt_free(c);
	c = crypto_pkt_new(ENCR_AES_CBC, 128, INTEG_AES_128_GMAC, key, 16,
	    key, 16, &e);
	ok(c == NULL, "crypto_pkt: AES-GMAC integrity refused (%s)", e.text);
	crypto_pkt_free(c);
	c = crypto_pkt_new(ENCR_AES_GCM_16, 128, INTEG_NONE, key, 20, NULL, 0,
	    &e);
	ok(c != NULL && crypto_pkt_icv(c, key, 4, NULL, 0, (uint8_t *)e.text,
	    &e) < 0, "crypto_pkt: no separate ICV for an AEAD cipher (%s)",
	    e.text);
	crypto_pkt_free(c);
	crypto_pkt_free(NULL);
}

void esp_test_pkt(void)
{
	size_t i;

	for (i = 0; i < esp_nciphers; i++)
		pkt_cipher(&esp_ciphers[i]);
	for (i = 0; i < esp_ninteg; i++)
		pkt_integ(esp_integs[i]);
	pkt_refusals();
}
