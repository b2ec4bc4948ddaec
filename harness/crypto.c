/* crypto: sizes of the IANA transforms, random numbers, hashes, and the
 * helpers the other crypto*.c files share. */
#include "crypto.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "crypto_internal.h"
#include "names.h"

/* ---- sizes ----------------------------------------------------------- */

size_t crypto_prf_len(unsigned prf)
{
	switch (prf) {
	case PRF_HMAC_MD5:
	case PRF_AES128_XCBC:
	case PRF_AES128_CMAC:
		return 16;
	case PRF_HMAC_SHA1:
		return 20;
	case PRF_HMAC_SHA2_256:
		return 32;
	case PRF_HMAC_SHA2_384:
		return 48;
	case PRF_HMAC_SHA2_512:
		return 64;
	}
	return 0;
}

/* RFC 7296 2.14: the preferred key of an HMAC PRF is its output size;
 * RFC 4434 and RFC 4615: 128 bits for the AES PRFs. */
size_t crypto_prf_key_len(unsigned prf)
{
	return crypto_prf_len(prf);
}

static bool aes_key_bits_ok(unsigned key_bits)
{
	return key_bits == 128 || key_bits == 192 || key_bits == 256;
}

bool crypto_encr_supported(unsigned encr, unsigned key_bits)
{
	switch (encr) {
	case ENCR_NULL:
	case ENCR_3DES:
		return key_bits == 0;
	case ENCR_CHACHA20_POLY1305:
		/* RFC 7634 2: no KEY_LENGTH attribute; 256 tolerated. */
		return key_bits == 0 || key_bits == 256;
	case ENCR_AES_CBC:
	case ENCR_AES_CTR:
	case ENCR_AES_GCM_8:
	case ENCR_AES_GCM_12:
	case ENCR_AES_GCM_16:
	case ENCR_AES_CCM_8:
	case ENCR_AES_CCM_12:
	case ENCR_AES_CCM_16:
		return aes_key_bits_ok(key_bits);
	}
	return false;
}

/* The salt (or CTR nonce) that follows the cipher key in the keystream. */
static size_t encr_salt_len(unsigned encr)
{
	switch (encr) {
	case ENCR_AES_CTR:		/* RFC 3686 5.1 */
	case ENCR_AES_GCM_8:		/* RFC 5282 7.1 */
	case ENCR_AES_GCM_12:
	case ENCR_AES_GCM_16:
	case ENCR_CHACHA20_POLY1305:	/* RFC 7634 2 */
		return 4;
	case ENCR_AES_CCM_8:
	case ENCR_AES_CCM_12:
	case ENCR_AES_CCM_16:
		return 3;
	}
	return 0;
}

size_t crypto_encr_key_len(unsigned encr, unsigned key_bits)
{
	if (!crypto_encr_supported(encr, key_bits))
		return 0;
	switch (encr) {
	case ENCR_NULL:
		return 0;
	case ENCR_3DES:
		return 24;
	case ENCR_CHACHA20_POLY1305:
		return 32 + 4;
	}
	return key_bits / 8 + encr_salt_len(encr);
}

size_t crypto_encr_iv_len(unsigned encr)
{
	switch (encr) {
	case ENCR_NULL:
		return 0;
	case ENCR_AES_CBC:
		return 16;
	case ENCR_3DES:
	case ENCR_AES_CTR:
	case ENCR_AES_GCM_8:
	case ENCR_AES_GCM_12:
	case ENCR_AES_GCM_16:
	case ENCR_AES_CCM_8:
	case ENCR_AES_CCM_12:
	case ENCR_AES_CCM_16:
	case ENCR_CHACHA20_POLY1305:
		return 8;
	}
	return 0;
}

size_t crypto_encr_block_len(unsigned encr)
{
	switch (encr) {
	case ENCR_AES_CBC:
		return 16;
	case ENCR_3DES:
		return 8;
	case ENCR_NULL:
	case ENCR_AES_CTR:
	case ENCR_AES_GCM_8:
	case ENCR_AES_GCM_12:
	case ENCR_AES_GCM_16:
	case ENCR_AES_CCM_8:
	case ENCR_AES_CCM_12:
	case ENCR_AES_CCM_16:
	case ENCR_CHACHA20_POLY1305:
		return 1;
	}
	return 0;
}

size_t crypto_encr_icv_len(unsigned encr)
{
	switch (encr) {
	case ENCR_AES_GCM_8:
	case ENCR_AES_CCM_8:
		return 8;
	case ENCR_AES_GCM_12:
	case ENCR_AES_CCM_12:
		return 12;
	case ENCR_AES_GCM_16:
	case ENCR_AES_CCM_16:
	case ENCR_CHACHA20_POLY1305:
		return 16;
	}
	return 0;
}

bool crypto_encr_is_aead(unsigned encr)
{
	return crypto_encr_icv_len(encr) != 0;
}

size_t crypto_integ_key_len(unsigned integ)
{
	switch (integ) {
	case INTEG_HMAC_MD5_96:
	case INTEG_AES_XCBC_96:
	case INTEG_AES_CMAC_96:
		return 16;
	case INTEG_HMAC_SHA1_96:
		return 20;
	case INTEG_HMAC_SHA2_256_128:
		return 32;
	case INTEG_HMAC_SHA2_384_192:
		return 48;
	case INTEG_HMAC_SHA2_512_256:
		return 64;
	}
	return 0;
}

size_t crypto_integ_icv_len(unsigned integ)
{
	switch (integ) {
	case INTEG_HMAC_MD5_96:
	case INTEG_HMAC_SHA1_96:
	case INTEG_AES_XCBC_96:
	case INTEG_AES_CMAC_96:
		return 12;
	case INTEG_HMAC_SHA2_256_128:
		return 16;
	case INTEG_HMAC_SHA2_384_192:
		return 24;
	case INTEG_HMAC_SHA2_512_256:
		return 32;
	}
	return 0;
}

/* ---- shared helpers ------------------------------------------------- */

const EVP_MD *crypto_prf_md(unsigned prf)
{
	switch (prf) {
	case PRF_HMAC_MD5:
		return EVP_md5();
	case PRF_HMAC_SHA1:
		return EVP_sha1();
	case PRF_HMAC_SHA2_256:
		return EVP_sha256();
	case PRF_HMAC_SHA2_384:
		return EVP_sha384();
	case PRF_HMAC_SHA2_512:
		return EVP_sha512();
	}
	return NULL;
}

const EVP_MD *crypto_hash_md(unsigned hash)
{
	switch (hash) {
	case HASH_SHA1:
		return EVP_sha1();
	case HASH_SHA2_256:
		return EVP_sha256();
	case HASH_SHA2_384:
		return EVP_sha384();
	case HASH_SHA2_512:
		return EVP_sha512();
	}
	return NULL;
}

const EVP_MD *crypto_integ_md(unsigned integ)
{
	switch (integ) {
	case INTEG_HMAC_MD5_96:
		return EVP_md5();
	case INTEG_HMAC_SHA1_96:
		return EVP_sha1();
	case INTEG_HMAC_SHA2_256_128:
		return EVP_sha256();
	case INTEG_HMAC_SHA2_384_192:
		return EVP_sha384();
	case INTEG_HMAC_SHA2_512_256:
		return EVP_sha512();
	}
	return NULL;
}

int crypto_ossl_err(struct err *e, const char *fmt, ...)
{
	char what[ERR_TEXT_MAX / 2], why[160];
	unsigned long code = ERR_get_error();
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ERR_clear_error();
	if (code == 0)
		return err_set(e, "%s", what);
	ERR_error_string_n(code, why, sizeof(why));
	return err_set(e, "%s (%s)", what, why);
}

/* ---- random, hash ---------------------------------------------------- */

int crypto_random(uint8_t *out, size_t len, struct err *e)
{
	/* RAND_bytes takes an int: fill large requests in pieces. */
	while (len > 0) {
		int n = len > (1u << 30) ? 1 << 30 : (int)len;

		if (RAND_bytes(out, n) != 1)
			return crypto_ossl_err(e, "%s: RAND_bytes failed",
			    __func__);
		out += n;
		len -= (size_t)n;
	}
	return 0;
}

int crypto_hash(unsigned hash, const uint8_t *data, size_t len,
    struct bytes *out, struct err *e)
{
	const EVP_MD *md = crypto_hash_md(hash);
	unsigned int n = 0;

	if (md == NULL)
		return err_set(e, "%s: unsupported hash %s", __func__,
		    names_get(NAMES_T_HASH, hash));
	if (bytes_resize(out, (size_t)EVP_MD_get_size(md)) < 0)
		return err_set(e, "%s: out of memory", __func__);
	if (EVP_Digest(data, len, out->data, &n, md, NULL) != 1) {
		bytes_free(out);
		return crypto_ossl_err(e, "%s: EVP_Digest failed", __func__);
	}
	out->len = n;
	return 0;
}

bool crypto_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	if (len == 0)
		return true;
	return CRYPTO_memcmp(a, b, len) == 0;
}
