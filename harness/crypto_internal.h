/* crypto_internal: helpers shared by the crypto*.c files (never included
 * outside harness/crypto*.c, since it brings in OpenSSL). */
#ifndef IKETEST_CRYPTO_INTERNAL_H
#define IKETEST_CRYPTO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "err.h"

/* The digest behind an HMAC PRF (PRF_HMAC_*), or NULL (AES PRFs too). */
const EVP_MD *crypto_prf_md(unsigned prf);
/* The digest of a HASH_* (RFC 7427) number, or NULL (HASH_IDENTITY too). */
const EVP_MD *crypto_hash_md(unsigned hash);
/* The digest behind an HMAC integrity transform, or NULL. */
const EVP_MD *crypto_integ_md(unsigned integ);

/* err_set with the oldest queued OpenSSL error appended (and the queue
 * cleared, so that a later failure does not report a stale reason). */
int crypto_ossl_err(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* HMAC with any digest and key length (RFC 2104). */
int crypto_hmac(const EVP_MD *md, const uint8_t *key, size_t key_len,
    const uint8_t *data, size_t len, uint8_t *out, size_t *out_len,
    struct err *e);
/* AES-XCBC-MAC (RFC 3566), full 16 bytes, 16-byte key. */
int crypto_aes_xcbc(const uint8_t key[static 16], const uint8_t *data,
    size_t len, uint8_t out[static 16], struct err *e);
/* AES-CMAC (RFC 4493), full 16 bytes, 16-byte key. */
int crypto_aes_cmac(const uint8_t key[static 16], const uint8_t *data,
    size_t len, uint8_t out[static 16], struct err *e);

/* crypto_cache.c: fetched once, freed at exit; not thread-safe. A
 * cipher by name, borrowed (the caller never frees it); or a new MAC
 * context (the caller frees it) of alg with one parameter set
 * ("HMAC", OSSL_MAC_PARAM_DIGEST, "SHA256"), without a key. NULL when
 * OpenSSL has no such algorithm. */
EVP_CIPHER *crypto_cache_cipher(const char *alg);
EVP_MAC_CTX *crypto_cache_mac_ctx(const char *alg, const char *key,
    const char *value);

/* crypto_cipher.c: the AEAD tag of a sealed message into tag (len
 * bytes), 1 on success as EVP's calls: OSSL_CIPHER_PARAM_AEAD_TAG asked
 * of the provider directly, which skips the ctrl-to-parameter
 * translation of EVP_CTRL_AEAD_GET_TAG (bench_esp's profile: OpenSSL's
 * parameter lookup is a third of a small packet's time). */
int crypto_aead_tag(EVP_CIPHER_CTX *ctx, uint8_t *tag, size_t len);

enum { CRYPTO_MAX_MAC = 64 };	/* largest PRF/HMAC output (SHA-512) */

#endif
