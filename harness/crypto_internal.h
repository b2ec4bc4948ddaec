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

enum { CRYPTO_MAX_MAC = 64 };	/* largest PRF/HMAC output (SHA-512) */

#endif
