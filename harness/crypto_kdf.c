/* crypto_kdf: prf+ and the IKEv2 key derivations (RFC 7296 2.13, 2.14,
 * 2.17, 2.18). */
#include "crypto.h"

#include <string.h>

#include <openssl/crypto.h>

#include "crypto_internal.h"
#include "names.h"

/* RFC 7296 2.13: T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n). The
 * counter is one octet, so at most 255 blocks. */
int crypto_prf_plus(unsigned prf, const uint8_t *key, size_t key_len,
    const uint8_t *seed, size_t seed_len, size_t out_len,
    struct bytes *out, struct err *e)
{
	size_t block = crypto_prf_len(prf);
	struct bytes in = BYTES_EMPTY, t = BYTES_EMPTY, acc = BYTES_EMPTY;
	unsigned n;
	int rc = -1;

	if (block == 0)
		return err_set(e, "%s: unsupported PRF %s", __func__,
		    names_get(NAMES_T_PRF, prf));
	if (out_len > 255 * block)
		return err_set(e, "%s: %zu bytes asked, prf+ with %s gives at "
		    "most %zu", __func__, out_len,
		    names_get(NAMES_T_PRF, prf), 255 * block);
	if (bytes_reserve(&acc, out_len + block) < 0)
		goto oom;
	for (n = 1; acc.len < out_len; n++) {
		uint8_t counter = (uint8_t)n;

		/* in = Tn-1 | S | n, with T0 empty. */
		if (bytes_set(&in, t.data, t.len) < 0 ||
		    bytes_append(&in, seed, seed_len) < 0 ||
		    bytes_append(&in, &counter, 1) < 0)
			goto oom;
		if (crypto_prf(prf, key, key_len, in.data, in.len, &t, e) < 0)
			goto out;
		if (bytes_append(&acc, t.data, t.len) < 0)
			goto oom;
	}
	acc.len = out_len;
	bytes_free(out);
	*out = acc;
	acc = BYTES_EMPTY;
	rc = 0;
	goto out;
oom:
	err_set(e, "%s: out of memory", __func__);
out:
	bytes_free(&in);
	bytes_free(&t);
	bytes_free(&acc);
	return rc;
}

void crypto_ike_keys_free(struct crypto_ike_keys *k)
{
	bytes_free(&k->skeyseed);
	bytes_free(&k->sk_d);
	bytes_free(&k->sk_ai);
	bytes_free(&k->sk_ar);
	bytes_free(&k->sk_ei);
	bytes_free(&k->sk_er);
	bytes_free(&k->sk_pi);
	bytes_free(&k->sk_pr);
}

/* Takes the next n bytes of the keystream into dst. */
static int take(struct bytes *dst, const struct bytes *ks, size_t *off,
    size_t n)
{
	if (bytes_set(dst, ks->data + *off, n) < 0)
		return -1;
	*off += n;
	return 0;
}

/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED,
 * Ni | Nr | SPIi | SPIr), out->skeyseed already set. */
static int seven_keys(const struct crypto_ike_suite *s,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    const uint8_t spi_i[static 8], const uint8_t spi_r[static 8],
    struct crypto_ike_keys *out, struct err *e)
{
	size_t prf_key = crypto_prf_key_len(s->prf);
	size_t encr_key = crypto_encr_key_len(s->encr, s->encr_key_bits);
	size_t integ_key = crypto_integ_key_len(s->integ);
	struct bytes seed = BYTES_EMPTY, ks = BYTES_EMPTY;
	size_t off = 0;
	int rc = -1;

	if (prf_key == 0)
		return err_set(e, "ike keys: unsupported PRF %s",
		    names_get(NAMES_T_PRF, s->prf));
	if (!crypto_encr_supported(s->encr, s->encr_key_bits))
		return err_set(e, "ike keys: unsupported cipher %s with key "
		    "length %u", names_get(NAMES_T_ENCR, s->encr),
		    s->encr_key_bits);
	if (crypto_encr_is_aead(s->encr) != (s->integ == INTEG_NONE) ||
	    (s->integ != INTEG_NONE && integ_key == 0))
		return err_set(e, "ike keys: integrity %s does not fit cipher "
		    "%s", names_get(NAMES_T_INTEG, s->integ),
		    names_get(NAMES_T_ENCR, s->encr));
	if (bytes_append(&seed, ni, ni_len) < 0 ||
	    bytes_append(&seed, nr, nr_len) < 0 ||
	    bytes_append(&seed, spi_i, 8) < 0 ||
	    bytes_append(&seed, spi_r, 8) < 0) {
		err_set(e, "ike keys: out of memory");
		goto out;
	}
	if (crypto_prf_plus(s->prf, out->skeyseed.data, out->skeyseed.len,
	    seed.data, seed.len, 3 * prf_key + 2 * integ_key + 2 * encr_key,
	    &ks, e) < 0)
		goto out;
	if (take(&out->sk_d, &ks, &off, prf_key) < 0 ||
	    take(&out->sk_ai, &ks, &off, integ_key) < 0 ||
	    take(&out->sk_ar, &ks, &off, integ_key) < 0 ||
	    take(&out->sk_ei, &ks, &off, encr_key) < 0 ||
	    take(&out->sk_er, &ks, &off, encr_key) < 0 ||
	    take(&out->sk_pi, &ks, &off, prf_key) < 0 ||
	    take(&out->sk_pr, &ks, &off, prf_key) < 0) {
		err_set(e, "ike keys: out of memory");
		goto out;
	}
	rc = 0;
out:
	bytes_free(&seed);
	bytes_free(&ks);
	return rc;
}

/* The PRFs with a fixed 128-bit key take the first 64 bits of each nonce
 * as SKEYSEED's key (RFC 7296 2.14). */
static bool prf_is_aes(unsigned prf)
{
	return prf == PRF_AES128_XCBC || prf == PRF_AES128_CMAC;
}

int crypto_ike_keys(const struct crypto_ike_suite *suite,
    const uint8_t *g_ir, size_t g_ir_len,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    const uint8_t spi_i[static 8], const uint8_t spi_r[static 8],
    struct crypto_ike_keys *out, struct err *e)
{
	struct bytes key = BYTES_EMPTY;
	size_t ki = ni_len, kr = nr_len;
	int rc = -1;

	*out = (struct crypto_ike_keys){ BYTES_EMPTY, BYTES_EMPTY,
	    BYTES_EMPTY, BYTES_EMPTY, BYTES_EMPTY, BYTES_EMPTY, BYTES_EMPTY,
	    BYTES_EMPTY };
	if (prf_is_aes(suite->prf)) {
		if (ni_len < 8 || nr_len < 8)
			return err_set(e, "ike keys: nonces shorter than 64 "
			    "bits (%zu, %zu)", ni_len, nr_len);
		ki = kr = 8;
	}
	if (bytes_append(&key, ni, ki) < 0 || bytes_append(&key, nr, kr) < 0) {
		err_set(e, "ike keys: out of memory");
		goto out;
	}
	if (crypto_prf(suite->prf, key.data, key.len, g_ir, g_ir_len,
	    &out->skeyseed, e) < 0 ||
	    seven_keys(suite, ni, ni_len, nr, nr_len, spi_i, spi_r, out, e) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		crypto_ike_keys_free(out);
	bytes_free(&key);
	return rc;
}

int crypto_ike_rekey_keys(unsigned old_prf, const uint8_t *old_sk_d,
    size_t old_sk_d_len, const struct crypto_ike_suite *suite,
    const uint8_t *g_ir, size_t g_ir_len,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    const uint8_t spi_i[static 8], const uint8_t spi_r[static 8],
    struct crypto_ike_keys *out, struct err *e)
{
	struct bytes data = BYTES_EMPTY;
	int rc = -1;

	*out = (struct crypto_ike_keys){ BYTES_EMPTY, BYTES_EMPTY,
	    BYTES_EMPTY, BYTES_EMPTY, BYTES_EMPTY, BYTES_EMPTY, BYTES_EMPTY,
	    BYTES_EMPTY };
	if (bytes_append(&data, g_ir, g_ir_len) < 0 ||
	    bytes_append(&data, ni, ni_len) < 0 ||
	    bytes_append(&data, nr, nr_len) < 0) {
		err_set(e, "ike rekey keys: out of memory");
		goto out;
	}
	if (crypto_prf(old_prf, old_sk_d, old_sk_d_len, data.data, data.len,
	    &out->skeyseed, e) < 0 ||
	    seven_keys(suite, ni, ni_len, nr, nr_len, spi_i, spi_r, out, e) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		crypto_ike_keys_free(out);
	bytes_free(&data);
	return rc;
}

int crypto_child_keymat(unsigned prf, const uint8_t *sk_d, size_t sk_d_len,
    const uint8_t *g_ir, size_t g_ir_len,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    size_t out_len, struct bytes *out, struct err *e)
{
	struct bytes seed = BYTES_EMPTY;
	int rc = -1;

	if ((g_ir != NULL && bytes_append(&seed, g_ir, g_ir_len) < 0) ||
	    bytes_append(&seed, ni, ni_len) < 0 ||
	    bytes_append(&seed, nr, nr_len) < 0) {
		err_set(e, "child keymat: out of memory");
		goto out;
	}
	rc = crypto_prf_plus(prf, sk_d, sk_d_len, seed.data, seed.len,
	    out_len, out, e);
out:
	bytes_free(&seed);
	return rc;
}
