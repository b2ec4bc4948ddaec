/* crypto_cipher: the ENCR transforms, plain (RFC 3602 AES-CBC, RFC 3686
 * AES-CTR, RFC 2451 3DES, NULL) and AEAD (RFC 4106 GCM, RFC 4309 CCM,
 * RFC 7634 ChaCha20-Poly1305). */
#include "crypto.h"

#include <limits.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto_internal.h"
#include "names.h"

int crypto_aead_tag(EVP_CIPHER_CTX *ctx, uint8_t *tag, size_t len)
{
	OSSL_PARAM p[2];

	p[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
	    tag, len);
	p[1] = OSSL_PARAM_construct_end();
	return EVP_CIPHER_CTX_get_params(ctx, p);
}

static const char *aes_name(const char *mode, size_t key_len)
{
	static const char *names[3][3] = {
		{ "AES-128-CBC", "AES-192-CBC", "AES-256-CBC" },
		{ "AES-128-CTR", "AES-192-CTR", "AES-256-CTR" },
		{ "AES-128-GCM", "AES-192-GCM", "AES-256-GCM" },
	};
	int m = strcmp(mode, "CBC") == 0 ? 0 : strcmp(mode, "CTR") == 0 ? 1 : 2;
	int k = key_len == 16 ? 0 : key_len == 24 ? 1 : key_len == 32 ? 2 : -1;

	if (strcmp(mode, "CCM") == 0) {
		static const char *ccm[3] = { "AES-128-CCM", "AES-192-CCM",
		    "AES-256-CCM" };
		return k < 0 ? NULL : ccm[k];
	}
	return k < 0 ? NULL : names[m][k];
}

/* Checks the key and IV sizes of a plain cipher and names its OpenSSL
 * algorithm; for AES-CTR builds the counter block (RFC 3686 4:
 * nonce | IV | 1) into ctr. */
static int cipher_setup(unsigned encr, const uint8_t *key, size_t key_len,
    const uint8_t *iv, size_t iv_len, const char **alg, size_t *cipher_key,
    uint8_t ctr[static 16], struct err *e)
{
	const char *name = names_get(NAMES_T_ENCR, encr);
	size_t want_iv = crypto_encr_iv_len(encr);

	*cipher_key = key_len;
	switch (encr) {
	case ENCR_AES_CBC:
		*alg = aes_name("CBC", key_len);
		break;
	case ENCR_AES_CTR:
		*cipher_key = key_len >= 4 ? key_len - 4 : 0;
		*alg = aes_name("CTR", *cipher_key);
		break;
	case ENCR_3DES:
		*alg = key_len == 24 ? "DES-EDE3-CBC" : NULL;
		break;
	case ENCR_NULL:
		*alg = "";
		break;
	default:
		return err_set(e, "cipher: %s is not a plain cipher iketest "
		    "supports", name);
	}
	if (*alg == NULL)
		return err_set(e, "cipher: %s: bad key length %zu", name,
		    key_len);
	if (iv_len != want_iv)
		return err_set(e, "cipher: %s: IV is %zu bytes, expected %zu",
		    name, iv_len, want_iv);
	if (encr == ENCR_AES_CTR) {
		memcpy(ctr, key + *cipher_key, 4);
		memcpy(ctr + 4, iv, 8);
		memcpy(ctr + 12, "\0\0\0\1", 4);
	}
	return 0;
}

int crypto_cipher(unsigned encr, bool encrypt,
    const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
    const uint8_t *in, size_t in_len, struct bytes *out, struct err *e)
{
	const char *alg = NULL;
	EVP_CIPHER *c = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	uint8_t ctr[16];
	size_t cipher_key = 0, block = crypto_encr_block_len(encr);
	int n = 0, fin = 0, rc = -1;

	if (cipher_setup(encr, key, key_len, iv, iv_len, &alg, &cipher_key,
	    ctr, e) < 0)
		return -1;
	if (in_len % block != 0)
		return err_set(e, "cipher: %s: input of %zu bytes is not a "
		    "multiple of the block length %zu",
		    names_get(NAMES_T_ENCR, encr), in_len, block);
	if (in_len > INT_MAX - 32)
		return err_set(e, "cipher: input too long (%zu)", in_len);
	if (bytes_resize(out, in_len) < 0)
		return err_set(e, "cipher: out of memory");
	if (encr == ENCR_NULL) {
		if (in_len)
			memcpy(out->data, in, in_len);
		return 0;
	}
	c = crypto_cache_cipher(alg);
	ctx = EVP_CIPHER_CTX_new();
	if (c == NULL || ctx == NULL ||
	    EVP_CipherInit_ex2(ctx, c, key, encr == ENCR_AES_CTR ? ctr : iv,
	    encrypt ? 1 : 0, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_CipherUpdate(ctx, out->data, &n, in, (int)in_len) != 1 ||
	    EVP_CipherFinal_ex(ctx, out->data + n, &fin) != 1 ||
	    (size_t)n + (size_t)fin != in_len) {
		crypto_ossl_err(e, "cipher: %s failed", alg);
		bytes_free(out);
		goto out;
	}
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(ctr, sizeof(ctr));
	return rc;
}

/* ---- AEAD ------------------------------------------------------------ */

struct aead {
	const char *alg;
	size_t key_len;		/* without the salt */
	size_t salt_len;
	size_t tag_len;
	bool ccm;
	uint8_t nonce[12];	/* salt | iv */
	size_t nonce_len;
};

static int aead_setup(unsigned encr, const uint8_t *key, size_t key_len,
    const uint8_t *iv, size_t iv_len, struct aead *a, struct err *e)
{
	const char *name = names_get(NAMES_T_ENCR, encr);

	memset(a, 0, sizeof(*a));
	a->tag_len = crypto_encr_icv_len(encr);
	if (a->tag_len == 0)
		return err_set(e, "aead: %s is not an AEAD cipher", name);
	a->ccm = encr == ENCR_AES_CCM_8 || encr == ENCR_AES_CCM_12 ||
	    encr == ENCR_AES_CCM_16;
	a->salt_len = a->ccm ? 3 : 4;
	if (key_len < a->salt_len)
		return err_set(e, "aead: %s: key of %zu bytes has no room for "
		    "the salt", name, key_len);
	a->key_len = key_len - a->salt_len;
	if (encr == ENCR_CHACHA20_POLY1305)
		a->alg = a->key_len == 32 ? "ChaCha20-Poly1305" : NULL;
	else
		a->alg = aes_name(a->ccm ? "CCM" : "GCM", a->key_len);
	if (a->alg == NULL)
		return err_set(e, "aead: %s: bad key length %zu (with salt)",
		    name, key_len);
	if (iv_len != 8)
		return err_set(e, "aead: %s: IV is %zu bytes, expected 8",
		    name, iv_len);
	memcpy(a->nonce, key + a->key_len, a->salt_len);
	memcpy(a->nonce + a->salt_len, iv, 8);
	a->nonce_len = a->salt_len + 8;
	return 0;
}

/* Cipher context keyed for seal (enc 1) or open (enc 0); for open the
 * expected tag is set before the key, as CCM wants. */
static EVP_CIPHER_CTX *aead_ctx(const struct aead *a, const uint8_t *key,
    int enc, const uint8_t *tag, struct err *e)
{
	EVP_CIPHER *c = crypto_cache_cipher(a->alg);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int ok = c != NULL && ctx != NULL &&
	    EVP_CipherInit_ex2(ctx, c, NULL, NULL, enc, NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN,
	    (int)a->nonce_len, NULL) == 1;

	if (ok && (a->ccm || !enc))
		/* CCM needs the tag length first; GCM and ChaCha20-Poly1305
		 * take the expected tag any time before the final call. */
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
		    (int)a->tag_len, enc ? NULL : (void *)tag) == 1;
	if (ok)
		ok = EVP_CipherInit_ex2(ctx, NULL, key, a->nonce, enc,
		    NULL) == 1;
	if (!ok) {
		crypto_ossl_err(e, "aead: %s setup failed", a->alg);
		EVP_CIPHER_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* Feeds the AAD (and, for CCM, the message length first). */
static int aead_aad(EVP_CIPHER_CTX *ctx, const struct aead *a,
    const uint8_t *aad, size_t aad_len, size_t msg_len)
{
	int n = 0;

	if (a->ccm && EVP_CipherUpdate(ctx, NULL, &n, NULL, (int)msg_len) != 1)
		return -1;
	if (aad_len == 0)
		return 0;
	return EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1 ? 0 : -1;
}

static int aead_sizes(size_t aad_len, size_t in_len, struct err *e)
{
	if (aad_len > INT_MAX / 2 || in_len > INT_MAX / 2)
		return err_set(e, "aead: input too long (%zu, %zu)", aad_len,
		    in_len);
	return 0;
}

int crypto_aead_seal(unsigned encr, const uint8_t *key, size_t key_len,
    const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
    const uint8_t *in, size_t in_len, struct bytes *out, struct err *e)
{
	struct aead a;
	EVP_CIPHER_CTX *ctx = NULL;
	int n = 0, fin = 0, rc = -1;

	if (aead_setup(encr, key, key_len, iv, iv_len, &a, e) < 0 ||
	    aead_sizes(aad_len, in_len, e) < 0)
		return -1;
	if (bytes_resize(out, in_len + a.tag_len) < 0)
		return err_set(e, "aead: out of memory");
	ctx = aead_ctx(&a, key, 1, NULL, e);
	if (ctx == NULL)
		goto out;
	/* CCM: a NULL input means "final" to the provider: an empty
	 * message gets a dummy non-NULL pointer. */
	if (aead_aad(ctx, &a, aad, aad_len, in_len) < 0 ||
	    (in_len > 0 || a.ccm ?
	    EVP_CipherUpdate(ctx, out->data, &n, in != NULL ? in : a.nonce,
	    (int)in_len) : 1) != 1 ||
	    EVP_CipherFinal_ex(ctx, out->data + n, &fin) != 1 ||
	    (size_t)n + (size_t)fin != in_len ||
	    crypto_aead_tag(ctx, out->data + in_len, a.tag_len) != 1) {
		crypto_ossl_err(e, "aead: %s seal failed", a.alg);
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		bytes_free(out);
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(&a, sizeof(a));
	return rc;
}

int crypto_aead_open(unsigned encr, const uint8_t *key, size_t key_len,
    const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
    const uint8_t *in, size_t in_len, struct bytes *out, struct err *e)
{
	struct aead a;
	struct bytes plain = BYTES_EMPTY;
	EVP_CIPHER_CTX *ctx = NULL;
	size_t body;
	int n = 0, fin = 0, rc = -1, ok;

	if (aead_setup(encr, key, key_len, iv, iv_len, &a, e) < 0 ||
	    aead_sizes(aad_len, in_len, e) < 0)
		return -1;
	if (in_len < a.tag_len)
		return err_set(e, "aead: %s: input shorter than the ICV "
		    "(%zu < %zu)", names_get(NAMES_T_ENCR, encr), in_len,
		    a.tag_len);
	body = in_len - a.tag_len;
	if (bytes_resize(&plain, body) < 0)
		return err_set(e, "aead: out of memory");
	ctx = aead_ctx(&a, key, 0, in + body, e);
	if (ctx == NULL)
		goto out;
	if (aead_aad(ctx, &a, aad, aad_len, body) < 0) {
		crypto_ossl_err(e, "aead: %s: AAD refused", a.alg);
		goto out;
	}
	/* CCM checks the tag in the update; the others in the final. */
	ok = (body > 0 || a.ccm ?
	    EVP_CipherUpdate(ctx, plain.data, &n, in, (int)body) : 1) == 1;
	if (ok && !a.ccm)
		ok = EVP_CipherFinal_ex(ctx, plain.data + n, &fin) == 1;
	if (!ok || (size_t)n + (size_t)fin != body) {
		ERR_clear_error();
		err_set(e, "ICV mismatch");
		goto out;
	}
	bytes_free(out);
	*out = plain;
	plain = BYTES_EMPTY;
	rc = 0;
out:
	bytes_free(&plain);
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(&a, sizeof(a));
	return rc;
}
