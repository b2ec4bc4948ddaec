/* crypto_sk: the Encrypted payload body (RFC 7296 3.14; AEAD: RFC 5282 3
 * and 5, RFC 7634 2-3):
 *
 *   IV | encrypt(inner payloads | padding | pad length) | ICV
 *
 * Plain ciphers: the ICV is the integrity transform over head | IV |
 * ciphertext. AEAD: head is the associated data and the tag is the ICV. */
#include "crypto.h"

#include <string.h>

#include <openssl/crypto.h>

#include "crypto_internal.h"
#include "names.h"

static size_t sk_icv_len(const struct crypto_sk *sk)
{
	return crypto_encr_is_aead(sk->encr) ? crypto_encr_icv_len(sk->encr) :
	    crypto_integ_icv_len(sk->integ);
}

size_t crypto_sk_body_len(const struct crypto_sk *sk, size_t plain_len,
    size_t pad_len)
{
	return crypto_encr_iv_len(sk->encr) + plain_len + pad_len + 1 +
	    sk_icv_len(sk);
}

size_t crypto_sk_min_pad(const struct crypto_sk *sk, size_t plain_len)
{
	size_t block = crypto_encr_block_len(sk->encr);

	if (block <= 1)
		return 0;
	return (block - (plain_len + 1) % block) % block;
}

/* Every key and size the SK transforms need, checked once. */
static int sk_check(const struct crypto_sk *sk, struct err *e)
{
	const char *encr = names_get(NAMES_T_ENCR, sk->encr);
	size_t want;

	if (!crypto_encr_supported(sk->encr, sk->encr_key_bits))
		return err_set(e, "sk: unsupported cipher %s with key length "
		    "%u", encr, sk->encr_key_bits);
	want = crypto_encr_key_len(sk->encr, sk->encr_key_bits);
	if (sk->encr_key_len != want)
		return err_set(e, "sk: %s key is %zu bytes, expected %zu",
		    encr, sk->encr_key_len, want);
	if (crypto_encr_is_aead(sk->encr)) {
		if (sk->integ != INTEG_NONE)
			return err_set(e, "sk: AEAD %s with integrity %s",
			    encr, names_get(NAMES_T_INTEG, sk->integ));
		return 0;
	}
	want = crypto_integ_key_len(sk->integ);
	if (want == 0)
		return err_set(e, "sk: %s needs a supported integrity "
		    "algorithm, not %s", encr,
		    names_get(NAMES_T_INTEG, sk->integ));
	if (sk->integ_key_len != want)
		return err_set(e, "sk: %s key is %zu bytes, expected %zu",
		    names_get(NAMES_T_INTEG, sk->integ), sk->integ_key_len,
		    want);
	return 0;
}

/* plain | pad | pad length, the cleartext that gets encrypted. */
static int sk_cleartext(const uint8_t *plain, size_t plain_len,
    const uint8_t *pad, size_t pad_len, struct bytes *clear, struct err *e)
{
	size_t i;
	uint8_t pl = (uint8_t)pad_len;

	if (pad_len > 255)
		return err_set(e, "sk: pad length %zu does not fit one octet",
		    pad_len);
	if (bytes_reserve(clear, plain_len + pad_len + 1) < 0 ||
	    bytes_set(clear, plain, plain_len) < 0)
		return err_set(e, "sk: out of memory");
	for (i = 0; i < pad_len; i++) {
		uint8_t b = pad != NULL ? pad[i] : (uint8_t)i;

		bytes_append(clear, &b, 1);	/* reserved above */
	}
	bytes_append(clear, &pl, 1);
	return 0;
}

int crypto_sk_encrypt(const struct crypto_sk *sk,
    const uint8_t *head, size_t head_len, const uint8_t *iv,
    const uint8_t *plain, size_t plain_len,
    const uint8_t *pad, size_t pad_len, struct bytes *body, struct err *e)
{
	struct bytes clear = BYTES_EMPTY, enc = BYTES_EMPTY, mac = BYTES_EMPTY;
	struct bytes out = BYTES_EMPTY;
	uint8_t ivbuf[16];
	size_t iv_len = crypto_encr_iv_len(sk->encr);
	int rc = -1;

	if (sk_check(sk, e) < 0 ||
	    sk_cleartext(plain, plain_len, pad, pad_len, &clear, e) < 0)
		goto out;
	if (iv == NULL) {
		if (crypto_random(ivbuf, iv_len, e) < 0)
			goto out;
		iv = ivbuf;
	}
	if (crypto_encr_is_aead(sk->encr)) {
		if (crypto_aead_seal(sk->encr, sk->encr_key, sk->encr_key_len,
		    iv, iv_len, head, head_len, clear.data, clear.len, &enc,
		    e) < 0)
			goto out;
	} else if (crypto_cipher(sk->encr, true, sk->encr_key,
	    sk->encr_key_len, iv, iv_len, clear.data, clear.len, &enc, e) < 0)
		goto out;
	if (bytes_set(&out, head, head_len) < 0 ||
	    bytes_append(&out, iv, iv_len) < 0 ||
	    bytes_append(&out, enc.data, enc.len) < 0) {
		err_set(e, "sk: out of memory");
		goto out;
	}
	if (!crypto_encr_is_aead(sk->encr) &&
	    (crypto_integ(sk->integ, sk->integ_key, sk->integ_key_len,
	    out.data, out.len, &mac, e) < 0 ||
	    bytes_append(&out, mac.data, mac.len) < 0))
		goto out;
	/* The caller wants the body only: drop the head again. */
	if (bytes_set(body, out.data + head_len, out.len - head_len) < 0) {
		err_set(e, "sk: out of memory");
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(ivbuf, sizeof(ivbuf));
	bytes_free(&clear);
	bytes_free(&enc);
	bytes_free(&mac);
	bytes_free(&out);
	return rc;
}

/* Checks the ICV over head | body-without-ICV (plain ciphers). */
static int sk_verify(const struct crypto_sk *sk, const uint8_t *head,
    size_t head_len, const uint8_t *body, size_t signed_len,
    const uint8_t *icv, struct err *e)
{
	struct bytes all = BYTES_EMPTY;
	int rc;

	if (bytes_set(&all, head, head_len) < 0 ||
	    bytes_append(&all, body, signed_len) < 0) {
		bytes_free(&all);
		return err_set(e, "sk: out of memory");
	}
	rc = crypto_integ_verify(sk->integ, sk->integ_key, sk->integ_key_len,
	    all.data, all.len, icv, crypto_integ_icv_len(sk->integ), e);
	bytes_free(&all);
	return rc;
}

int crypto_sk_decrypt(const struct crypto_sk *sk,
    const uint8_t *head, size_t head_len,
    const uint8_t *body, size_t body_len,
    struct bytes *plain, size_t *pad_len, struct err *e)
{
	struct bytes clear = BYTES_EMPTY;
	size_t iv_len = crypto_encr_iv_len(sk->encr), icv_len, enc_len, block;
	bool aead = crypto_encr_is_aead(sk->encr);
	int rc = -1;
	uint8_t pl;

	if (sk_check(sk, e) < 0)
		return -1;
	icv_len = sk_icv_len(sk);
	block = crypto_encr_block_len(sk->encr);
	/* At least the IV, the ICV and the pad length octet. */
	if (body_len < iv_len + icv_len + 1)
		return err_set(e, "sk: body too short (%zu < %zu)", body_len,
		    iv_len + icv_len + 1);
	enc_len = body_len - iv_len - icv_len;
	if (!aead && enc_len % block != 0)
		return err_set(e, "sk: encrypted part of %zu bytes is not a "
		    "multiple of the block length %zu", enc_len, block);
	if (aead) {
		if (crypto_aead_open(sk->encr, sk->encr_key, sk->encr_key_len,
		    body, iv_len, head, head_len, body + iv_len,
		    enc_len + icv_len, &clear, e) < 0)
			goto out;
	} else if (sk_verify(sk, head, head_len, body, body_len - icv_len,
	    body + body_len - icv_len, e) < 0 ||
	    crypto_cipher(sk->encr, false, sk->encr_key, sk->encr_key_len,
	    body, iv_len, body + iv_len, enc_len, &clear, e) < 0)
		goto out;
	pl = clear.data[clear.len - 1];
	if ((size_t)pl + 1 > clear.len) {
		err_set(e, "sk: pad length %u larger than the plaintext "
		    "(%zu bytes before it)", pl, clear.len - 1);
		goto out;
	}
	if (bytes_set(plain, clear.data, clear.len - 1 - pl) < 0) {
		err_set(e, "sk: out of memory");
		goto out;
	}
	*pad_len = pl;
	rc = 0;
out:
	bytes_free(&clear);
	return rc;
}
