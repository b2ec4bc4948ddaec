/* crypto_pkt: the per-packet contexts of ESP (RFC 4303) and AH (RFC 4302).
 *
 * A CHILD SA sends and receives many packets with one set of keys, so the
 * algorithms are fetched and keyed once here: one cipher context per
 * direction (a CBC decryption key schedule differs from the encryption
 * one), one keyed MAC context. Per packet only the IV is set
 * (EVP_CipherInit_ex2 with no cipher and no key) and the MAC is re-initialised
 * with the key it already holds, so a packet costs one pass over its bytes
 * (two for a cipher with a separate MAC) and no allocation.
 *
 * Key layouts are those of the keystream (RFC 7296 2.17): AEAD keys end
 * with their salt (RFC 4106 8.1 GCM 4 bytes, RFC 4309 7.1 CCM 3, RFC 7634
 * 2 ChaCha20-Poly1305 4), the nonce being salt | IV; AES-CTR keys end
 * with a 4-byte nonce and the counter block is nonce | IV | 00000001
 * (RFC 3686 4). AES-XCBC-MAC-96 (RFC 3566) is not in OpenSSL: it is
 * AES-128-CBC keyed with K1, K2 and K3 kept here (RFC 3566 4). */
#include "crypto.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "crypto_internal.h"
#include "names.h"

enum {
	PKT_AES_BLOCK = 16,
	PKT_MAX_NONCE = 16,	/* CTR counter block; AEAD nonces are 11-12 */
	PKT_MAX_SALT = 4,
	PKT_XCBC_CHUNK = 256,	/* CBC-MAC staging buffer */
	PKT_MAX_LEN = INT_MAX - 64,	/* EVP lengths are ints */
};

enum pkt_mac { PKT_MAC_NONE, PKT_MAC_EVP, PKT_MAC_XCBC };

struct crypto_pkt {
	unsigned encr, integ;
	size_t iv_len, block_len, icv_len;
	bool aead, ccm, ctr;
	size_t salt_len;		/* AEAD salt or CTR nonce */
	uint8_t salt[PKT_MAX_SALT];
	size_t nonce_len;		/* what EVP takes as IV */
	EVP_CIPHER_CTX *enc, *dec;	/* NULL for ENCR_NULL */

	enum pkt_mac mac_kind;
	size_t mac_icv_len;		/* truncated ICV of the integrity */
	EVP_MAC_CTX *mac;		/* HMAC or CMAC, keyed */
	EVP_CIPHER_CTX *xcbc;		/* AES-128-CBC keyed with K1 */
	uint8_t k2[PKT_AES_BLOCK], k3[PKT_AES_BLOCK];
};

/* ---- setup ------------------------------------------------------------ */

/* OpenSSL's name for an ENCR transform with a cipher key of key_len
 * bytes (salt or CTR nonce excluded), or NULL. */
static const char *pkt_alg(unsigned encr, size_t key_len)
{
	static const char *const aes[][3] = {
		{ "AES-128-CBC", "AES-192-CBC", "AES-256-CBC" },
		{ "AES-128-CTR", "AES-192-CTR", "AES-256-CTR" },
		{ "AES-128-GCM", "AES-192-GCM", "AES-256-GCM" },
		{ "AES-128-CCM", "AES-192-CCM", "AES-256-CCM" },
	};
	int k = key_len == 16 ? 0 : key_len == 24 ? 1 : key_len == 32 ? 2 : -1;
	int m;

	switch (encr) {
	case ENCR_3DES:
		return key_len == 24 ? "DES-EDE3-CBC" : NULL;
	case ENCR_CHACHA20_POLY1305:
		return key_len == 32 ? "ChaCha20-Poly1305" : NULL;
	case ENCR_AES_CBC:
		m = 0;
		break;
	case ENCR_AES_CTR:
		m = 1;
		break;
	case ENCR_AES_GCM_8:
	case ENCR_AES_GCM_12:
	case ENCR_AES_GCM_16:
		m = 2;
		break;
	case ENCR_AES_CCM_8:
	case ENCR_AES_CCM_12:
	case ENCR_AES_CCM_16:
		m = 3;
		break;
	default:
		return NULL;
	}
	return k < 0 ? NULL : aes[m][k];
}

/* One cipher context for one direction, keyed; for AEAD the nonce length
 * (and for CCM the tag length, which it needs before the key) set. */
static EVP_CIPHER_CTX *pkt_cipher_ctx(const struct crypto_pkt *c,
    EVP_CIPHER *cipher, const uint8_t *key, int enc, struct err *e)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int ok = ctx != NULL &&
	    EVP_CipherInit_ex2(ctx, cipher, NULL, NULL, enc, NULL) == 1;

	if (ok && c->aead)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN,
		    (int)c->nonce_len, NULL) == 1;
	if (ok && c->ccm)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
		    (int)c->icv_len, NULL) == 1;
	if (ok)
		ok = EVP_CipherInit_ex2(ctx, NULL, key, NULL, enc, NULL) == 1;
	if (ok && !c->aead)
		ok = EVP_CIPHER_CTX_set_padding(ctx, 0) == 1;
	if (!ok) {
		crypto_ossl_err(e, "%s: %s: cipher setup failed", __func__,
		    names_get(NAMES_T_ENCR, c->encr));
		EVP_CIPHER_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static int pkt_cipher_new(struct crypto_pkt *c, unsigned key_bits,
    const uint8_t *key, size_t key_len, struct err *e)
{
	const char *name = names_get(NAMES_T_ENCR, c->encr);
	const char *alg;
	EVP_CIPHER *cipher;
	size_t want;

	if (!crypto_encr_supported(c->encr, key_bits))
		return err_set(e, "%s: unsupported cipher %s with key length "
		    "%u", __func__, name, key_bits);
	want = crypto_encr_key_len(c->encr, key_bits);
	if (key_len != want)
		return err_set(e, "%s: %s key is %zu bytes, expected %zu",
		    __func__, name, key_len, want);
	c->iv_len = crypto_encr_iv_len(c->encr);
	c->block_len = crypto_encr_block_len(c->encr);
	c->aead = crypto_encr_is_aead(c->encr);
	c->ctr = c->encr == ENCR_AES_CTR;
	c->ccm = c->encr == ENCR_AES_CCM_8 || c->encr == ENCR_AES_CCM_12 ||
	    c->encr == ENCR_AES_CCM_16;
	if (c->encr == ENCR_NULL)
		return 0;
	c->salt_len = c->aead || c->ctr ? (c->ccm ? 3 : 4) : 0;
	if (c->salt_len) {
		memcpy(c->salt, key + key_len - c->salt_len, c->salt_len);
		key_len -= c->salt_len;
	}
	c->nonce_len = c->aead ? c->salt_len + c->iv_len : c->ctr ?
	    PKT_AES_BLOCK : c->iv_len;
	if (c->aead)
		c->icv_len = crypto_encr_icv_len(c->encr);
	alg = pkt_alg(c->encr, key_len);
	if (alg == NULL)
		return err_set(e, "%s: %s: bad key length %zu", __func__, name,
		    key_len);
	cipher = EVP_CIPHER_fetch(NULL, alg, NULL);
	if (cipher == NULL)
		return crypto_ossl_err(e, "%s: %s not available", __func__,
		    alg);
	c->enc = pkt_cipher_ctx(c, cipher, key, 1, e);
	if (c->enc != NULL)
		c->dec = pkt_cipher_ctx(c, cipher, key, 0, e);
	EVP_CIPHER_free(cipher);
	return c->dec != NULL ? 0 : -1;
}

/* A keyed EVP_MAC context: HMAC with the transform's digest, or CMAC
 * with AES-128 (RFC 4494). */
static int pkt_evp_mac_new(struct crypto_pkt *c, const uint8_t *key,
    size_t key_len, struct err *e)
{
	const EVP_MD *md = crypto_integ_md(c->integ);
	OSSL_PARAM params[2];
	EVP_MAC *mac;

	if (md != NULL)
		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_MAC_PARAM_DIGEST, (char *)EVP_MD_get0_name(md), 0);
	else
		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_MAC_PARAM_CIPHER, (char *)"AES-128-CBC", 0);
	params[1] = OSSL_PARAM_construct_end();
	mac = EVP_MAC_fetch(NULL, md != NULL ? "HMAC" : "CMAC", NULL);
	if (mac == NULL)
		return crypto_ossl_err(e, "%s: MAC not available", __func__);
	c->mac = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (c->mac == NULL ||
	    EVP_MAC_init(c->mac, key, key_len, params) != 1)
		return crypto_ossl_err(e, "%s: %s: MAC setup failed", __func__,
		    names_get(NAMES_T_INTEG, c->integ));
	c->mac_kind = PKT_MAC_EVP;
	return 0;
}

/* RFC 3566 4 (1)-(3): K1 = E(K, 0x01..), K2 = E(K, 0x02..),
 * K3 = E(K, 0x03..); the CBC context is keyed with K1. */
static int pkt_xcbc_new(struct crypto_pkt *c, const uint8_t *key,
    struct err *e)
{
	static const uint8_t zero_iv[PKT_AES_BLOCK];
	uint8_t consts[3 * PKT_AES_BLOCK], k[3 * PKT_AES_BLOCK];
	EVP_CIPHER *ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
	EVP_CIPHER *cbc = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, rc = -1;

	memset(consts, 1, PKT_AES_BLOCK);
	memset(consts + PKT_AES_BLOCK, 2, PKT_AES_BLOCK);
	memset(consts + 2 * PKT_AES_BLOCK, 3, PKT_AES_BLOCK);
	c->xcbc = EVP_CIPHER_CTX_new();
	if (ecb == NULL || cbc == NULL || ctx == NULL || c->xcbc == NULL ||
	    EVP_EncryptInit_ex2(ctx, ecb, key, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_EncryptUpdate(ctx, k, &n, consts, (int)sizeof(consts)) != 1 ||
	    (size_t)n != sizeof(k) ||
	    EVP_EncryptInit_ex2(c->xcbc, cbc, k, zero_iv, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(c->xcbc, 0) != 1) {
		crypto_ossl_err(e, "%s: AES-XCBC setup failed", __func__);
		goto out;
	}
	memcpy(c->k2, k + PKT_AES_BLOCK, PKT_AES_BLOCK);
	memcpy(c->k3, k + 2 * PKT_AES_BLOCK, PKT_AES_BLOCK);
	c->mac_kind = PKT_MAC_XCBC;
	rc = 0;
out:
	OPENSSL_cleanse(k, sizeof(k));
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(ecb);
	EVP_CIPHER_free(cbc);
	return rc;
}

static int pkt_mac_new(struct crypto_pkt *c, const uint8_t *key,
    size_t key_len, struct err *e)
{
	const char *name = names_get(NAMES_T_INTEG, c->integ);
	size_t want = crypto_integ_key_len(c->integ);

	if (c->integ == INTEG_NONE) {
		if (key_len != 0)
			return err_set(e, "%s: a %zu-byte integrity key without "
			    "an integrity algorithm", __func__, key_len);
		return 0;
	}
	if (c->aead)
		return err_set(e, "%s: AEAD %s with integrity %s", __func__,
		    names_get(NAMES_T_ENCR, c->encr), name);
	if (want == 0)
		return err_set(e, "%s: unsupported integrity algorithm %s",
		    __func__, name);
	if (key_len != want)
		return err_set(e, "%s: %s key is %zu bytes, expected %zu",
		    __func__, name, key_len, want);
	c->mac_icv_len = crypto_integ_icv_len(c->integ);
	c->icv_len = c->mac_icv_len;
	if (c->integ == INTEG_AES_XCBC_96)
		return pkt_xcbc_new(c, key, e);
	return pkt_evp_mac_new(c, key, key_len, e);
}

struct crypto_pkt *crypto_pkt_new(unsigned encr, unsigned encr_key_bits,
    unsigned integ, const uint8_t *encr_key, size_t encr_key_len,
    const uint8_t *integ_key, size_t integ_key_len, struct err *e)
{
	struct crypto_pkt *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		err_set(e, "%s: out of memory", __func__);
		return NULL;
	}
	c->encr = encr;
	c->integ = integ;
	if (pkt_cipher_new(c, encr_key_bits, encr_key, encr_key_len, e) < 0 ||
	    pkt_mac_new(c, integ_key, integ_key_len, e) < 0) {
		crypto_pkt_free(c);
		return NULL;
	}
	return c;
}

void crypto_pkt_free(struct crypto_pkt *c)
{
	if (c == NULL)
		return;
	/* The EVP frees wipe the key schedules they hold. */
	EVP_CIPHER_CTX_free(c->enc);
	EVP_CIPHER_CTX_free(c->dec);
	EVP_MAC_CTX_free(c->mac);
	EVP_CIPHER_CTX_free(c->xcbc);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

size_t crypto_pkt_iv_len(const struct crypto_pkt *c)
{
	return c->iv_len;
}

size_t crypto_pkt_block_len(const struct crypto_pkt *c)
{
	return c->block_len;
}

size_t crypto_pkt_icv_len(const struct crypto_pkt *c)
{
	return c->icv_len;
}

bool crypto_pkt_is_aead(const struct crypto_pkt *c)
{
	return c->aead;
}

/* ---- ciphers ---------------------------------------------------------- */

/* What EVP takes as IV for this packet: salt | iv (AEAD), the counter
 * block nonce | iv | 1 (RFC 3686 4), or iv itself. */
static const uint8_t *pkt_nonce(const struct crypto_pkt *c, const uint8_t *iv,
    uint8_t nonce[static PKT_MAX_NONCE])
{
	if (!c->aead && !c->ctr)
		return iv;
	memcpy(nonce, c->salt, c->salt_len);
	memcpy(nonce + c->salt_len, iv, c->iv_len);
	if (c->ctr)
		memcpy(nonce + c->salt_len + c->iv_len, "\0\0\0\1", 4);
	return nonce;
}

static int pkt_sizes(const struct crypto_pkt *c, size_t aad_len, size_t len,
    const char *fn, struct err *e)
{
	if (len > PKT_MAX_LEN || aad_len > PKT_MAX_LEN)
		return err_set(e, "%s: input too long (%zu, AAD %zu)", fn, len,
		    aad_len);
	/* Padding is the caller's (RFC 4303 2.4): EVP gets whole blocks. */
	if (c->block_len > 1 && len % c->block_len != 0)
		return err_set(e, "%s: %s: %zu bytes are not a multiple of the "
		    "block length %zu", fn, names_get(NAMES_T_ENCR, c->encr),
		    len, c->block_len);
	return 0;
}

/* Plain ciphers: one update over whole blocks (or the CTR stream), in
 * place. No final call is needed: padding is off and nothing is held. */
static int pkt_plain(const struct crypto_pkt *c, EVP_CIPHER_CTX *ctx,
    int enc, const uint8_t *iv, uint8_t *buf, size_t len, struct err *e)
{
	uint8_t nonce[PKT_MAX_NONCE];
	int n = 0, ok;

	ok = EVP_CipherInit_ex2(ctx, NULL, NULL, pkt_nonce(c, iv, nonce), enc,
	    NULL) == 1 &&
	    (len == 0 || (EVP_CipherUpdate(ctx, buf, &n, buf, (int)len) == 1 &&
	    (size_t)n == len));
	OPENSSL_cleanse(nonce, sizeof(nonce));
	if (!ok)
		return crypto_ossl_err(e, "%s: %s failed", __func__,
		    names_get(NAMES_T_ENCR, c->encr));
	return 0;
}

/* The AEAD steps shared by both directions: nonce, (CCM: the expected
 * tag and the message length), AAD. */
static int pkt_aead_start(const struct crypto_pkt *c, EVP_CIPHER_CTX *ctx,
    int enc, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
    const uint8_t *tag, size_t len)
{
	uint8_t nonce[PKT_MAX_NONCE];
	int n = 0, ok;

	ok = EVP_CipherInit_ex2(ctx, NULL, NULL, pkt_nonce(c, iv, nonce), enc,
	    NULL) == 1;
	OPENSSL_cleanse(nonce, sizeof(nonce));
	/* GCM and ChaCha20-Poly1305 check the tag in the final call, CCM
	 * in the update: the expected tag goes in first either way. */
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
		    (int)c->icv_len, (void *)tag) == 1;
	if (ok && c->ccm)
		ok = EVP_CipherUpdate(ctx, NULL, &n, NULL, (int)len) == 1;
	if (ok && aad_len > 0)
		ok = EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1;
	return ok ? 0 : -1;
}

int crypto_pkt_encrypt(struct crypto_pkt *c, const uint8_t *iv,
    const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len,
    uint8_t *icv, struct err *e)
{
	uint8_t dummy[1];
	uint8_t *p = len ? buf : dummy;
	int n = 0, fin = 0;

	if (pkt_sizes(c, aad_len, len, __func__, e) < 0)
		return -1;
	if (c->enc == NULL)
		return 0;	/* ENCR_NULL (RFC 2410) */
	if (!c->aead)
		return pkt_plain(c, c->enc, 1, iv, buf, len, e);
	/* CCM takes a NULL input for "no more data": an empty message gets
	 * a dummy pointer. */
	if (pkt_aead_start(c, c->enc, 1, iv, aad, aad_len, NULL, len) < 0 ||
	    ((len > 0 || c->ccm) &&
	    EVP_CipherUpdate(c->enc, p, &n, p, (int)len) != 1) ||
	    EVP_CipherFinal_ex(c->enc, p + n, &fin) != 1 ||
	    (size_t)n + (size_t)fin != len || crypto_aead_tag(c->enc, icv,
	    c->icv_len) != 1)
		return crypto_ossl_err(e, "%s: %s seal failed", __func__,
		    names_get(NAMES_T_ENCR, c->encr));
	return 0;
}

int crypto_pkt_decrypt(struct crypto_pkt *c, const uint8_t *iv,
    const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len,
    const uint8_t *icv, struct err *e)
{
	uint8_t dummy[1];
	uint8_t *p = len ? buf : dummy;
	int n = 0, fin = 0, ok;

	if (pkt_sizes(c, aad_len, len, __func__, e) < 0)
		return -1;
	if (c->dec == NULL)
		return 0;
	if (!c->aead)
		return pkt_plain(c, c->dec, 0, iv, buf, len, e);
	if (pkt_aead_start(c, c->dec, 0, iv, aad, aad_len, icv, len) < 0)
		return crypto_ossl_err(e, "%s: %s: setup failed", __func__,
		    names_get(NAMES_T_ENCR, c->encr));
	ok = (len > 0 || c->ccm ?
	    EVP_CipherUpdate(c->dec, p, &n, p, (int)len) : 1) == 1;
	if (ok && !c->ccm)
		ok = EVP_CipherFinal_ex(c->dec, p + n, &fin) == 1;
	if (!ok || (size_t)n + (size_t)fin != len) {
		ERR_clear_error();
		return err_set(e, "ICV mismatch");
	}
	return 0;
}

/* ---- integrity -------------------------------------------------------- */

/* Bytes [off, off + n) of a | b into out. */
static void pkt_gather(const uint8_t *a, size_t a_len, const uint8_t *b,
    size_t off, size_t n, uint8_t *out)
{
	size_t from_a = off < a_len ? a_len - off : 0;

	if (from_a > n)
		from_a = n;
	if (from_a)
		memcpy(out, a + off, from_a);
	if (n > from_a)
		memcpy(out + from_a, b + (off + from_a - a_len), n - from_a);
}

/* RFC 3566 4 over a | b: CBC-MAC with K1 over every block but the last,
 * whose XOR with K2 (complete) or, padded with 10*, with K3 (incomplete
 * or empty message) ends the chain. */
static int pkt_xcbc(struct crypto_pkt *c, const uint8_t *a, size_t a_len,
    const uint8_t *b, size_t b_len, uint8_t out[static PKT_AES_BLOCK],
    struct err *e)
{
	static const uint8_t zero_iv[PKT_AES_BLOCK];
	uint8_t in[PKT_XCBC_CHUNK], scratch[PKT_XCBC_CHUNK];
	uint8_t last[PKT_AES_BLOCK];
	size_t total = a_len + b_len, tail, head, off, i;
	int n = 0, rc = -1;

	tail = total == 0 ? 0 : total - (total - 1) / PKT_AES_BLOCK *
	    PKT_AES_BLOCK;
	head = total - tail;
	if (EVP_EncryptInit_ex2(c->xcbc, NULL, NULL, zero_iv, NULL) != 1)
		goto fail;
	for (off = 0; off < head; off += sizeof(in)) {
		size_t chunk = head - off < sizeof(in) ? head - off :
		    sizeof(in);

		pkt_gather(a, a_len, b, off, chunk, in);
		if (EVP_EncryptUpdate(c->xcbc, scratch, &n, in, (int)chunk) != 1
		    || (size_t)n != chunk)
			goto fail;
	}
	memset(last, 0, sizeof(last));
	pkt_gather(a, a_len, b, head, tail, last);
	if (tail == PKT_AES_BLOCK) {
		for (i = 0; i < PKT_AES_BLOCK; i++)
			last[i] ^= c->k2[i];
	} else {
		last[tail] = 0x80;
		for (i = 0; i < PKT_AES_BLOCK; i++)
			last[i] ^= c->k3[i];
	}
	if (EVP_EncryptUpdate(c->xcbc, out, &n, last, PKT_AES_BLOCK) != 1 ||
	    n != PKT_AES_BLOCK)
		goto fail;
	rc = 0;
	goto out;
fail:
	crypto_ossl_err(e, "%s: AES-XCBC failed", __func__);
out:
	OPENSSL_cleanse(in, sizeof(in));
	OPENSSL_cleanse(last, sizeof(last));
	return rc;
}

/* The untruncated MAC of a | b into full. */
static int pkt_mac_full(struct crypto_pkt *c, const uint8_t *a, size_t a_len,
    const uint8_t *b, size_t b_len, uint8_t full[static CRYPTO_MAX_MAC],
    struct err *e)
{
	size_t n = 0;

	switch (c->mac_kind) {
	case PKT_MAC_NONE:
		return err_set(e, "%s: %s has no integrity algorithm",
		    __func__, names_get(NAMES_T_ENCR, c->encr));
	case PKT_MAC_XCBC:
		return pkt_xcbc(c, a, a_len, b, b_len, full, e);
	case PKT_MAC_EVP:
		break;
	}
	/* A NULL key re-initialises with the key the context holds. */
	if (EVP_MAC_init(c->mac, NULL, 0, NULL) != 1 ||
	    (a_len && EVP_MAC_update(c->mac, a, a_len) != 1) ||
	    (b_len && EVP_MAC_update(c->mac, b, b_len) != 1) ||
	    EVP_MAC_final(c->mac, full, &n, CRYPTO_MAX_MAC) != 1)
		return crypto_ossl_err(e, "%s: %s failed", __func__,
		    names_get(NAMES_T_INTEG, c->integ));
	if (n < c->mac_icv_len)
		return err_set(e, "%s: MAC of %zu bytes, shorter than the ICV "
		    "(%zu)", __func__, n, c->mac_icv_len);
	return 0;
}

int crypto_pkt_icv(struct crypto_pkt *c, const uint8_t *a, size_t a_len,
    const uint8_t *b, size_t b_len, uint8_t *icv, struct err *e)
{
	uint8_t full[CRYPTO_MAX_MAC];
	int rc = pkt_mac_full(c, a, a_len, b, b_len, full, e);

	if (rc == 0)
		memcpy(icv, full, c->mac_icv_len);
	OPENSSL_cleanse(full, sizeof(full));
	return rc;
}

int crypto_pkt_icv_verify(struct crypto_pkt *c, const uint8_t *a,
    size_t a_len, const uint8_t *b, size_t b_len, const uint8_t *icv,
    struct err *e)
{
	uint8_t full[CRYPTO_MAX_MAC];
	int rc = pkt_mac_full(c, a, a_len, b, b_len, full, e);

	if (rc == 0 && !crypto_equal(full, icv, c->mac_icv_len))
		rc = err_set(e, "ICV mismatch");
	OPENSSL_cleanse(full, sizeof(full));
	return rc;
}
