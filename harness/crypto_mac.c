/* crypto_mac: the PRFs (RFC 7296 3.3.2: HMAC, RFC 4434 AES-XCBC-PRF-128,
 * RFC 4615 AES-CMAC-PRF-128) and the integrity transforms (RFC 2404,
 * RFC 4868, RFC 3566, RFC 4494). AES-XCBC is not in OpenSSL and is built
 * here from AES as RFC 3566 4 describes. */
#include "crypto.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "crypto_internal.h"
#include "names.h"

enum { AES_BLOCK = 16 };

/* One EVP_MAC run: a context of alg with its parameter (from the cache),
 * init with the key, one update, final. */
static int mac_run(const char *alg, const char *pkey, const char *pvalue,
    const uint8_t *key, size_t key_len, const uint8_t *data, size_t len,
    uint8_t *out, size_t out_max, size_t *out_len, struct err *e)
{
	static const uint8_t no_key[1];
	EVP_MAC_CTX *ctx = crypto_cache_mac_ctx(alg, pkey, pvalue);
	int rc = -1;

	if (ctx == NULL) {
		crypto_ossl_err(e, "mac: %s (%s) not available", alg, pvalue);
		goto out;
	}
	/* A NULL key means "keep the old key" to EVP_MAC_init: an empty
	 * key needs a non-NULL pointer. */
	if (EVP_MAC_init(ctx, key_len ? key : no_key, key_len, NULL) != 1 ||
	    EVP_MAC_update(ctx, data, len) != 1 ||
	    EVP_MAC_final(ctx, out, out_len, out_max) != 1) {
		crypto_ossl_err(e, "mac: %s failed", alg);
		goto out;
	}
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	return rc;
}

int crypto_hmac(const EVP_MD *md, const uint8_t *key, size_t key_len,
    const uint8_t *data, size_t len, uint8_t *out, size_t *out_len,
    struct err *e)
{
	return mac_run("HMAC", OSSL_MAC_PARAM_DIGEST, EVP_MD_get0_name(md),
	    key, key_len, data, len, out, CRYPTO_MAX_MAC, out_len, e);
}

int crypto_aes_cmac(const uint8_t key[static 16], const uint8_t *data,
    size_t len, uint8_t out[static 16], struct err *e)
{
	size_t n = 0;

	if (mac_run("CMAC", OSSL_MAC_PARAM_CIPHER, "AES-128-CBC", key, 16,
	    data, len, out, 16, &n, e) < 0)
		return -1;
	if (n != 16)
		return err_set(e, "%s: CMAC gave %zu bytes, not 16", __func__,
		    n);
	return 0;
}

/* Encrypts whole blocks with an already keyed context (padding off). */
static int aes_blocks(EVP_CIPHER_CTX *ctx, const uint8_t *in, size_t len,
    uint8_t *out, struct err *e)
{
	int n = 0;

	if (EVP_EncryptUpdate(ctx, out, &n, in, (int)len) != 1 ||
	    (size_t)n != len)
		return crypto_ossl_err(e, "xcbc: AES failed");
	return 0;
}

static EVP_CIPHER_CTX *aes128_ctx(const char *mode_name,
    const uint8_t key[static 16], struct err *e)
{
	static const uint8_t zero_iv[AES_BLOCK];
	EVP_CIPHER *c = crypto_cache_cipher(mode_name);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	if (c == NULL || ctx == NULL ||
	    EVP_EncryptInit_ex2(ctx, c, key, zero_iv, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
		crypto_ossl_err(e, "xcbc: %s setup failed", mode_name);
		EVP_CIPHER_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

/* RFC 3566 4: K1, K2, K3 from K; CBC-MAC with K1 over M[1..n-1], then the
 * last block XORed with K2 (complete) or padded with 10* and XORed with
 * K3 (incomplete, including the empty message). */
int crypto_aes_xcbc(const uint8_t key[static 16], const uint8_t *data,
    size_t len, uint8_t out[static 16], struct err *e)
{
	uint8_t consts[3 * AES_BLOCK], k[3 * AES_BLOCK];
	uint8_t last[AES_BLOCK], scratch[256];
	EVP_CIPHER_CTX *ecb = NULL, *cbc = NULL;
	size_t tail, head, i;
	int rc = -1;

	memset(consts, 1, AES_BLOCK);
	memset(consts + AES_BLOCK, 2, AES_BLOCK);
	memset(consts + 2 * AES_BLOCK, 3, AES_BLOCK);
	ecb = aes128_ctx("AES-128-ECB", key, e);
	if (ecb == NULL || aes_blocks(ecb, consts, sizeof(consts), k, e) < 0)
		goto out;
	cbc = aes128_ctx("AES-128-CBC", k, e);
	if (cbc == NULL)
		goto out;
	/* The last block holds 1..16 bytes, or 0 for the empty message. */
	tail = len == 0 ? 0 : len - (len - 1) / AES_BLOCK * AES_BLOCK;
	head = len - tail;
	for (i = 0; i < head; i += sizeof(scratch)) {
		size_t n = head - i < sizeof(scratch) ? head - i : sizeof(scratch);

		if (aes_blocks(cbc, data + i, n, scratch, e) < 0)
			goto out;
	}
	memset(last, 0, sizeof(last));
	if (tail)
		memcpy(last, data + head, tail);
	if (tail == AES_BLOCK) {
		for (i = 0; i < AES_BLOCK; i++)
			last[i] ^= k[AES_BLOCK + i];
	} else {
		last[tail] = 0x80;
		for (i = 0; i < AES_BLOCK; i++)
			last[i] ^= k[2 * AES_BLOCK + i];
	}
	/* CBC chains E[n-1] into the last block for us. */
	if (aes_blocks(cbc, last, AES_BLOCK, out, e) < 0)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ecb);
	EVP_CIPHER_CTX_free(cbc);
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(last, sizeof(last));
	OPENSSL_cleanse(scratch, sizeof(scratch));
	return rc;
}

/* RFC 4434 2 (XCBC) and RFC 4615 3 (CMAC): the PRF's 128-bit key from a
 * key of any length. */
static int aes_prf_key(unsigned prf, const uint8_t *key, size_t key_len,
    uint8_t out[static 16], struct err *e)
{
	static const uint8_t zero[16];

	if (key_len == 16) {
		memcpy(out, key, 16);
		return 0;
	}
	if (prf == PRF_AES128_CMAC)
		return crypto_aes_cmac(zero, key, key_len, out, e);
	if (key_len < 16) {
		memset(out, 0, 16);
		memcpy(out, key, key_len);
		return 0;
	}
	return crypto_aes_xcbc(zero, key, key_len, out, e);
}

int crypto_prf(unsigned prf, const uint8_t *key, size_t key_len,
    const uint8_t *data, size_t len, struct bytes *out, struct err *e)
{
	uint8_t buf[CRYPTO_MAX_MAC], k[16];
	const EVP_MD *md = crypto_prf_md(prf);
	size_t n = 0;
	int rc = -1;

	if (md != NULL) {
		if (crypto_hmac(md, key, key_len, data, len, buf, &n, e) < 0)
			goto out;
	} else if (prf == PRF_AES128_XCBC || prf == PRF_AES128_CMAC) {
		if (aes_prf_key(prf, key, key_len, k, e) < 0)
			goto out;
		if ((prf == PRF_AES128_XCBC ?
		    crypto_aes_xcbc(k, data, len, buf, e) :
		    crypto_aes_cmac(k, data, len, buf, e)) < 0)
			goto out;
		n = 16;
	} else {
		err_set(e, "%s: unsupported PRF %s", __func__,
		    names_get(NAMES_T_PRF, prf));
		goto out;
	}
	if (bytes_set(out, buf, n) < 0) {
		err_set(e, "%s: out of memory", __func__);
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	OPENSSL_cleanse(k, sizeof(k));
	return rc;
}

/* The untruncated MAC of an integrity transform into buf. */
static int integ_full(unsigned integ, const uint8_t *key, size_t key_len,
    const uint8_t *data, size_t len, uint8_t buf[static CRYPTO_MAX_MAC],
    struct err *e)
{
	const EVP_MD *md = crypto_integ_md(integ);
	size_t want = crypto_integ_key_len(integ), n = 0;

	if (want == 0)
		return err_set(e, "integ: unsupported integrity algorithm %s",
		    names_get(NAMES_T_INTEG, integ));
	if (key_len != want)
		return err_set(e, "integ: %s key is %zu bytes, expected %zu",
		    names_get(NAMES_T_INTEG, integ), key_len, want);
	if (md != NULL)
		return crypto_hmac(md, key, key_len, data, len, buf, &n, e);
	if (integ == INTEG_AES_XCBC_96)
		return crypto_aes_xcbc(key, data, len, buf, e);
	return crypto_aes_cmac(key, data, len, buf, e);
}

int crypto_integ(unsigned integ, const uint8_t *key, size_t key_len,
    const uint8_t *data, size_t len, struct bytes *icv, struct err *e)
{
	uint8_t buf[CRYPTO_MAX_MAC];
	int rc = -1;

	if (integ_full(integ, key, key_len, data, len, buf, e) < 0)
		goto out;
	if (bytes_set(icv, buf, crypto_integ_icv_len(integ)) < 0) {
		err_set(e, "%s: out of memory", __func__);
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}

int crypto_integ_verify(unsigned integ, const uint8_t *key, size_t key_len,
    const uint8_t *data, size_t len, const uint8_t *icv, size_t icv_len,
    struct err *e)
{
	uint8_t buf[CRYPTO_MAX_MAC];
	size_t want = crypto_integ_icv_len(integ);
	int rc = -1;

	if (integ_full(integ, key, key_len, data, len, buf, e) < 0)
		goto out;
	if (icv_len != want) {
		err_set(e, "integ: %s ICV is %zu bytes, expected %zu",
		    names_get(NAMES_T_INTEG, integ), icv_len, want);
		goto out;
	}
	if (!crypto_equal(buf, icv, want)) {
		err_set(e, "ICV mismatch");
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}
