/* crypto_bare: the bare per-packet AES-GCM loop that bench_esp measures
 * esp_encap against (issue 13, P1): the least work one ESP packet's AEAD
 * can take through OpenSSL, key schedule once, then per packet a new IV,
 * the 8-byte AAD (SPI, sequence number), one update and the tag. No
 * other code calls it. */
#include "crypto.h"

#include <string.h>

#include <openssl/evp.h>

#include "crypto_internal.h"

int crypto_bare_gcm_seal(size_t key_len, const uint8_t *plain, size_t len,
    size_t count, uint8_t *out, struct err *e)
{
	static const uint8_t key[32] = { 0x40, 0x41, 0x42 };
	uint8_t iv[12] = { 0 }, aad[8] = { 0, 0, 0x10, 0 }, tag[16];
	const char *alg = key_len == 16 ? "AES-128-GCM" : key_len == 24 ?
	    "AES-192-GCM" : key_len == 32 ? "AES-256-GCM" : NULL;
	EVP_CIPHER *c = alg != NULL ? crypto_cache_cipher(alg) : NULL;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	size_t i;
	int n, rc = -1;

	if (c == NULL || ctx == NULL || len > 65536 ||
	    EVP_EncryptInit_ex2(ctx, c, key, iv, NULL) != 1) {
		crypto_ossl_err(e, "%s: setup failed", __func__);
		goto out;
	}
	for (i = 0; i < count; i++) {
		iv[11] = (uint8_t)i;
		iv[10] = (uint8_t)(i >> 8);
		aad[7] = (uint8_t)i;
		if (EVP_EncryptInit_ex2(ctx, NULL, NULL, iv, NULL) != 1 ||
		    EVP_EncryptUpdate(ctx, NULL, &n, aad, sizeof(aad)) != 1 ||
		    EVP_EncryptUpdate(ctx, out, &n, plain, (int)len) != 1 ||
		    EVP_EncryptFinal_ex(ctx, out + n, &n) != 1 ||
		    crypto_aead_tag(ctx, tag, sizeof(tag)) != 1) {
			crypto_ossl_err(e, "%s: seal failed", __func__);
			goto out;
		}
	}
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}
