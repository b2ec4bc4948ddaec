/* crypto_auth: the AUTH payload (RFC 7296 2.15, 3.8): the signed octets,
 * shared key MIC, and signatures with RSA PKCS#1 v1.5 (method 1),
 * ECDSA r | s (RFC 4754, methods 9-11), RFC 7427 digital signatures
 * (method 14: RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA, Ed25519 per RFC 8420)
 * and NULL authentication (RFC 7619, method 13).
 *
 * RFC 7427 AlgorithmIdentifiers are matched byte for byte against a
 * table (the DER encodings RFC 7427 appendix A and RFC 4055 give): an
 * identifier not in the table is refused rather than guessed at, and one
 * that does not fit the key (RSA identifier, EC key) is refused too. */
#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "crypto.h"
#include "crypto_internal.h"
#include "names.h"

/* ---- AUTH octets and shared key MIC ---------------------------------- */

int crypto_auth_octets(unsigned prf, const uint8_t *message, size_t msg_len,
    const uint8_t *nonce, size_t nonce_len,
    const uint8_t *sk_p, size_t sk_p_len,
    const uint8_t *id_body, size_t id_len, struct bytes *out, struct err *e)
{
	struct bytes mac = BYTES_EMPTY;
	int rc = -1;

	if (crypto_prf(prf, sk_p, sk_p_len, id_body, id_len, &mac, e) < 0)
		return -1;
	out->len = 0;
	if (bytes_append(out, message, msg_len) < 0 ||
	    bytes_append(out, nonce, nonce_len) < 0 ||
	    bytes_append(out, mac.data, mac.len) < 0)
		err_set(e, "%s: out of memory", __func__);
	else
		rc = 0;
	bytes_free(&mac);
	return rc;
}

int crypto_auth_psk(unsigned prf, const uint8_t *secret, size_t secret_len,
    const uint8_t *octets, size_t len, struct bytes *auth, struct err *e)
{
	static const char pad[] = "Key Pad for IKEv2";	/* 17 octets, no NUL */
	struct bytes key = BYTES_EMPTY;
	int rc;

	if (crypto_prf(prf, secret, secret_len, (const uint8_t *)pad,
	    sizeof(pad) - 1, &key, e) < 0)
		return -1;
	rc = crypto_prf(prf, key.data, key.len, octets, len, auth, e);
	bytes_free(&key);
	return rc;
}

/* ---- keys ------------------------------------------------------------ */

enum key_kind { KEY_OTHER, KEY_RSA, KEY_EC, KEY_ED25519 };

struct crypto_key {
	EVP_PKEY *pkey;
	enum key_kind kind;
};

static enum key_kind key_kind_of(const EVP_PKEY *pkey)
{
	if (EVP_PKEY_is_a(pkey, "RSA"))
		return KEY_RSA;
	if (EVP_PKEY_is_a(pkey, "EC"))
		return KEY_EC;
	if (EVP_PKEY_is_a(pkey, "ED25519"))
		return KEY_ED25519;
	return KEY_OTHER;
}

static const char *key_kind_name(enum key_kind k)
{
	switch (k) {
	case KEY_RSA:		return "RSA";
	case KEY_EC:		return "EC";
	case KEY_ED25519:	return "Ed25519";
	case KEY_OTHER:		break;
	}
	return "unsupported";
}

static struct crypto_key *key_wrap(EVP_PKEY *pkey, struct err *e)
{
	struct crypto_key *k;

	if (pkey == NULL)
		return NULL;
	if (key_kind_of(pkey) == KEY_OTHER) {
		err_set(e, "crypto_key: key type %s not supported (RSA, EC, "
		    "Ed25519)", EVP_PKEY_get0_type_name(pkey));
		EVP_PKEY_free(pkey);
		return NULL;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		EVP_PKEY_free(pkey);
		err_set(e, "crypto_key: out of memory");
		return NULL;
	}
	k->pkey = pkey;
	k->kind = key_kind_of(pkey);
	return k;
}

/* Never prompt for a pass phrase: an encrypted key is an error. */
static int key_no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;
}

/* One PEM reader over a fresh BIO each time: a failed reader consumes it. */
static EVP_PKEY *key_read_pem(const char *pem, size_t len, int what)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *pkey = NULL;
	X509 *x;

	if (bio == NULL)
		return NULL;
	switch (what) {
	case 0:
		pkey = PEM_read_bio_PrivateKey(bio, NULL, key_no_password,
		    NULL);
		break;
	case 1:
		pkey = PEM_read_bio_PUBKEY(bio, NULL, key_no_password, NULL);
		break;
	default:
		if ((x = PEM_read_bio_X509(bio, NULL, key_no_password,
		    NULL)) != NULL)
			pkey = X509_get_pubkey(x);
		X509_free(x);
		break;
	}
	BIO_free(bio);
	return pkey;
}

struct crypto_key *crypto_key_from_pem(const char *pem, size_t len,
    struct err *e)
{
	EVP_PKEY *pkey = NULL;

	if (len > (size_t)1 << 24)
		return err_set(e, "%s: PEM text of %zu bytes is too long",
		    __func__, len), NULL;
	for (int what = 0; what < 3 && pkey == NULL; what++)
		pkey = key_read_pem(pem, len, what);
	if (pkey == NULL) {
		crypto_ossl_err(e, "%s: no private key, public key or "
		    "certificate in the PEM text", __func__);
		return NULL;
	}
	ERR_clear_error();	/* the readers that failed before */
	return key_wrap(pkey, e);
}

struct crypto_key *crypto_key_from_file(const char *path, struct err *e)
{
	enum { KEY_FILE_MAX = 1 << 20 };
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len;
	struct crypto_key *k = NULL;

	if (f == NULL)
		return err_set(e, "%s: cannot open %s", __func__, path), NULL;
	if ((text = malloc(KEY_FILE_MAX)) == NULL) {
		err_set(e, "%s: out of memory", __func__);
		goto out;
	}
	len = fread(text, 1, KEY_FILE_MAX, f);
	if (ferror(f) || len == KEY_FILE_MAX) {
		err_set(e, "%s: %s: read error or larger than %d bytes",
		    __func__, path, KEY_FILE_MAX);
		goto out;
	}
	if ((k = crypto_key_from_pem(text, len, e)) == NULL)
		err_prefix(e, "%s", path);
out:
	if (text != NULL)
		OPENSSL_cleanse(text, KEY_FILE_MAX);
	free(text);
	fclose(f);
	return k;
}

struct crypto_key *crypto_key_generate(const char *spec, struct err *e)
{
	static const struct {
		const char *spec, *type, *curve;
		size_t bits;
	} specs[] = {
		{ "rsa2048", "RSA", NULL, 2048 },
		{ "rsa3072", "RSA", NULL, 3072 },
		{ "ecp256", "EC", "P-256", 0 },
		{ "ecp384", "EC", "P-384", 0 },
		{ "ecp521", "EC", "P-521", 0 },
		{ "ed25519", "ED25519", NULL, 0 },
	};
	EVP_PKEY *pkey = NULL;

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		if (strcmp(spec, specs[i].spec) != 0)
			continue;
		if (specs[i].bits != 0)
			pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
			    specs[i].bits);
		else if (specs[i].curve != NULL)
			pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC",
			    specs[i].curve);
		else
			pkey = EVP_PKEY_Q_keygen(NULL, NULL, specs[i].type);
		if (pkey == NULL)
			crypto_ossl_err(e, "%s: %s: key generation failed",
			    __func__, spec);
		return key_wrap(pkey, e);
	}
	err_set(e, "%s: unknown key `%s' (rsa2048, rsa3072, ecp256, ecp384, "
	    "ecp521, ed25519)", __func__, spec);
	return NULL;
}

int crypto_key_public_der(const struct crypto_key *k, struct bytes *out,
    struct err *e)
{
	int n = i2d_PUBKEY(k->pkey, NULL);
	unsigned char *p;

	if (n <= 0)
		return crypto_ossl_err(e, "%s: cannot encode", __func__);
	if (bytes_resize(out, (size_t)n) < 0)
		return err_set(e, "%s: out of memory", __func__);
	p = out->data;
	if (i2d_PUBKEY(k->pkey, &p) != n)
		return crypto_ossl_err(e, "%s: cannot encode", __func__);
	return 0;
}

void crypto_key_free(struct crypto_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

/* The NID of an EC key's curve, or NID_undef. */
static int key_curve(const struct crypto_key *k)
{
	char name[80];

	if (k->kind != KEY_EC || !EVP_PKEY_get_group_name(k->pkey, name,
	    sizeof(name), NULL))
		return NID_undef;
	return OBJ_txt2nid(name);
}

/* ---- raw signatures -------------------------------------------------- */

/* How to run one signature: the digest (NULL for Ed25519) and, for RSA,
 * the padding (PSS salt length = digest length, MGF1 with the digest). */
struct sig_params {
	const EVP_MD *md;
	bool pss;
};

static int sig_ctx_setup(EVP_PKEY_CTX *pctx, const struct sig_params *sp,
    enum key_kind kind)
{
	if (kind != KEY_RSA)
		return 1;
	if (!sp->pss)
		return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING);
	return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0 &&
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, sp->md) > 0;
}

static int sig_sign(const struct crypto_key *k, const struct sig_params *sp,
    const uint8_t *data, size_t len, struct bytes *sig, struct err *e)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	size_t n = 0;
	int rc = -1;

	if (mctx == NULL ||
	    EVP_DigestSignInit(mctx, &pctx, sp->md, NULL, k->pkey) <= 0 ||
	    sig_ctx_setup(pctx, sp, k->kind) <= 0 ||
	    EVP_DigestSign(mctx, NULL, &n, data, len) <= 0) {
		crypto_ossl_err(e, "%s: cannot sign with this %s key",
		    __func__, key_kind_name(k->kind));
		goto out;
	}
	if (bytes_resize(sig, n) < 0) {
		err_set(e, "%s: out of memory", __func__);
		goto out;
	}
	if (EVP_DigestSign(mctx, sig->data, &n, data, len) <= 0) {
		crypto_ossl_err(e, "%s: signing failed", __func__);
		goto out;
	}
	sig->len = n;
	rc = 0;
out:
	EVP_MD_CTX_free(mctx);
	return rc;
}

static int sig_verify(const struct crypto_key *k,
    const struct sig_params *sp, const uint8_t *data, size_t len,
    const uint8_t *sig, size_t sig_len, struct err *e)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int rc = -1;

	/* OpenSSL lets a short RSA signature through to the arithmetic;
	 * the wire length is checked here. */
	if (k->kind == KEY_RSA && sig_len != (size_t)EVP_PKEY_get_size(k->pkey)) {
		err_set(e, "%s: RSA signature of %zu bytes, the modulus has %d",
		    __func__, sig_len, EVP_PKEY_get_size(k->pkey));
		goto out;
	}
	if (mctx == NULL ||
	    EVP_DigestVerifyInit(mctx, &pctx, sp->md, NULL, k->pkey) <= 0 ||
	    sig_ctx_setup(pctx, sp, k->kind) <= 0) {
		crypto_ossl_err(e, "%s: cannot verify with this %s key",
		    __func__, key_kind_name(k->kind));
		goto out;
	}
	if (EVP_DigestVerify(mctx, sig, sig_len, data, len) != 1) {
		crypto_ossl_err(e, "%s: signature does not verify", __func__);
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(mctx);
	return rc;
}

/* ---- RFC 4754: ECDSA as r | s ---------------------------------------- */

struct ecdsa_method {
	unsigned method;
	int nid;
	unsigned hash;
	size_t half;	/* bytes of r and of s */
};

static const struct ecdsa_method ecdsa_methods[] = {
	{ AUTH_ECDSA_SHA256_P256, NID_X9_62_prime256v1, HASH_SHA2_256, 32 },
	{ AUTH_ECDSA_SHA384_P384, NID_secp384r1, HASH_SHA2_384, 48 },
	{ AUTH_ECDSA_SHA512_P521, NID_secp521r1, HASH_SHA2_512, 66 },
};

static const struct ecdsa_method *ecdsa_method_find(unsigned method)
{
	for (size_t i = 0; i < sizeof(ecdsa_methods) /
	    sizeof(ecdsa_methods[0]); i++)
		if (ecdsa_methods[i].method == method)
			return &ecdsa_methods[i];
	return NULL;
}

static int ecdsa_key_ok(const struct ecdsa_method *m,
    const struct crypto_key *k, struct err *e)
{
	if (key_curve(k) != m->nid)
		return err_set(e, "%s: %s needs a %s key, not %s %s", __func__,
		    names_get(NAMES_T_AUTH, m->method), OBJ_nid2sn(m->nid),
		    key_kind_name(k->kind), k->kind == KEY_EC ?
		    OBJ_nid2sn(key_curve(k)) : "");
	return 0;
}

/* DER ECDSA-Sig-Value to fixed-size r | s. */
static int ecdsa_der_to_raw(const struct bytes *der, size_t half,
    struct bytes *out, struct err *e)
{
	const unsigned char *p = der->data;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)der->len);
	const BIGNUM *r, *s;
	int rc = -1;

	if (sig == NULL) {
		crypto_ossl_err(e, "%s: OpenSSL wrote no ECDSA-Sig-Value",
		    __func__);
		return -1;
	}
	ECDSA_SIG_get0(sig, &r, &s);
	if (bytes_resize(out, 2 * half) < 0)
		err_set(e, "%s: out of memory", __func__);
	else if (BN_bn2binpad(r, out->data, (int)half) != (int)half ||
	    BN_bn2binpad(s, out->data + half, (int)half) != (int)half)
		err_set(e, "%s: r or s longer than %zu bytes", __func__, half);
	else
		rc = 0;
	ECDSA_SIG_free(sig);
	return rc;
}

/* Fixed-size r | s to DER, for OpenSSL's verifier. */
static int ecdsa_raw_to_der(const uint8_t *raw, size_t half,
    struct bytes *out, struct err *e)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)half, NULL);
	BIGNUM *s = BN_bin2bn(raw + half, (int)half, NULL);
	unsigned char *p = NULL;
	int n, rc = -1;

	if (sig == NULL || r == NULL || s == NULL ||
	    !ECDSA_SIG_set0(sig, r, s)) {
		BN_free(r);
		BN_free(s);
		crypto_ossl_err(e, "%s: out of memory", __func__);
		goto out;
	}
	if ((n = i2d_ECDSA_SIG(sig, &p)) <= 0) {
		crypto_ossl_err(e, "%s: cannot encode r | s", __func__);
		goto out;
	}
	rc = bytes_set(out, p, (size_t)n) < 0 ?
	    err_set(e, "%s: out of memory", __func__) : 0;
out:
	OPENSSL_free(p);
	ECDSA_SIG_free(sig);
	return rc;
}

static int ecdsa_sign(const struct ecdsa_method *m, unsigned hash,
    const struct crypto_key *k, const uint8_t *octets, size_t len,
    struct bytes *auth, struct err *e)
{
	struct sig_params sp = { crypto_hash_md(m->hash), false };
	struct bytes der = BYTES_EMPTY;
	int rc;

	if (hash != HASH_RESERVED && hash != m->hash)
		return err_set(e, "%s: %s hashes with %s, not %s", __func__,
		    names_get(NAMES_T_AUTH, m->method),
		    names_get(NAMES_T_HASH, m->hash),
		    names_get(NAMES_T_HASH, hash));
	if (ecdsa_key_ok(m, k, e) < 0)
		return -1;
	rc = sig_sign(k, &sp, octets, len, &der, e);
	if (rc == 0)
		rc = ecdsa_der_to_raw(&der, m->half, auth, e);
	bytes_free(&der);
	return rc;
}

static int ecdsa_verify(const struct ecdsa_method *m,
    const struct crypto_key *k, const uint8_t *octets, size_t len,
    const uint8_t *auth, size_t auth_len, struct err *e)
{
	struct sig_params sp = { crypto_hash_md(m->hash), false };
	struct bytes der = BYTES_EMPTY;
	int rc;

	if (ecdsa_key_ok(m, k, e) < 0)
		return -1;
	if (auth_len != 2 * m->half)
		return err_set(e, "%s: %s signature of %zu bytes, want %zu "
		    "(RFC 4754 7)", __func__, names_get(NAMES_T_AUTH,
		    m->method), auth_len, 2 * m->half);
	rc = ecdsa_raw_to_der(auth, m->half, &der, e);
	if (rc == 0)
		rc = sig_verify(k, &sp, octets, len, der.data, der.len, e);
	bytes_free(&der);
	return rc;
}

/* ---- RFC 7427 digital signatures -------------------------------------- */

/* AlgorithmIdentifier DER, RFC 7427 appendix A / RFC 4055 / RFC 8420. */
#define OID_PKCS1(last) 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, \
	0x01, 0x01, last
#define OID_SHA2(last) 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, \
	0x04, 0x02, last
#define ALG_PKCS1(last) { 0x30, 0x0d, OID_PKCS1(last), 0x05, 0x00 }
#define ALG_ECDSA(last) { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, \
	0x3d, 0x04, 0x03, last }
/* RSASSA-PSS-params: hash h with NULL parameters, MGF1 with h, salt s. */
#define ALG_PSS_NULL(h, s) { 0x30, 0x41, OID_PKCS1(0x0a), 0x30, 0x34, \
	0xa0, 0x0f, 0x30, 0x0d, OID_SHA2(h), 0x05, 0x00, \
	0xa1, 0x1c, 0x30, 0x1a, OID_PKCS1(0x08), 0x30, 0x0d, OID_SHA2(h), \
	0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, s }
/* The same with the hash parameters absent (RFC 5754 2: both are legal). */
#define ALG_PSS_ABSENT(h, s) { 0x30, 0x3d, OID_PKCS1(0x0a), 0x30, 0x30, \
	0xa0, 0x0d, 0x30, 0x0b, OID_SHA2(h), \
	0xa1, 0x1a, 0x30, 0x18, OID_PKCS1(0x08), 0x30, 0x0b, OID_SHA2(h), \
	0xa2, 0x03, 0x02, 0x01, s }

enum { ALG_MAX = 67 };

struct sig_alg {
	const char *name;
	enum key_kind kind;
	unsigned hash;
	bool pss;
	bool sign;	/* the form crypto_auth_sign writes */
	size_t der_len;
	uint8_t der[ALG_MAX];
};

static const struct sig_alg sig_algs[] = {
	{ "sha1WithRSAEncryption", KEY_RSA, HASH_SHA1, false, true, 15,
	    ALG_PKCS1(0x05) },
	{ "sha256WithRSAEncryption", KEY_RSA, HASH_SHA2_256, false, true, 15,
	    ALG_PKCS1(0x0b) },
	{ "sha384WithRSAEncryption", KEY_RSA, HASH_SHA2_384, false, true, 15,
	    ALG_PKCS1(0x0c) },
	{ "sha512WithRSAEncryption", KEY_RSA, HASH_SHA2_512, false, true, 15,
	    ALG_PKCS1(0x0d) },
	{ "RSASSA-PSS SHA-256", KEY_RSA, HASH_SHA2_256, true, true, 67,
	    ALG_PSS_NULL(0x01, 0x20) },
	{ "RSASSA-PSS SHA-384", KEY_RSA, HASH_SHA2_384, true, true, 67,
	    ALG_PSS_NULL(0x02, 0x30) },
	{ "RSASSA-PSS SHA-512", KEY_RSA, HASH_SHA2_512, true, true, 67,
	    ALG_PSS_NULL(0x03, 0x40) },
	{ "RSASSA-PSS SHA-256", KEY_RSA, HASH_SHA2_256, true, false, 63,
	    ALG_PSS_ABSENT(0x01, 0x20) },
	{ "RSASSA-PSS SHA-384", KEY_RSA, HASH_SHA2_384, true, false, 63,
	    ALG_PSS_ABSENT(0x02, 0x30) },
	{ "RSASSA-PSS SHA-512", KEY_RSA, HASH_SHA2_512, true, false, 63,
	    ALG_PSS_ABSENT(0x03, 0x40) },
	{ "ecdsa-with-SHA256", KEY_EC, HASH_SHA2_256, false, true, 12,
	    ALG_ECDSA(0x02) },
	{ "ecdsa-with-SHA384", KEY_EC, HASH_SHA2_384, false, true, 12,
	    ALG_ECDSA(0x03) },
	{ "ecdsa-with-SHA512", KEY_EC, HASH_SHA2_512, false, true, 12,
	    ALG_ECDSA(0x04) },
	{ "Ed25519", KEY_ED25519, HASH_IDENTITY, false, true, 7,
	    { 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70 } },
};

enum { N_SIG_ALGS = sizeof(sig_algs) / sizeof(sig_algs[0]) };

static const struct sig_alg *sig_alg_for_sign(enum key_kind kind,
    unsigned hash, bool pss)
{
	if (kind == KEY_ED25519 && hash == HASH_RESERVED)
		hash = HASH_IDENTITY;
	for (size_t i = 0; i < N_SIG_ALGS; i++)
		if (sig_algs[i].sign && sig_algs[i].kind == kind &&
		    sig_algs[i].hash == hash && sig_algs[i].pss == pss)
			return &sig_algs[i];
	return NULL;
}

static const struct sig_alg *sig_alg_by_der(const uint8_t *der, size_t len)
{
	for (size_t i = 0; i < N_SIG_ALGS; i++)
		if (sig_algs[i].der_len == len &&
		    memcmp(sig_algs[i].der, der, len) == 0)
			return &sig_algs[i];
	return NULL;
}

static int digsig_sign(unsigned hash, const struct crypto_key *k,
    const uint8_t *octets, size_t len, struct bytes *auth, struct err *e)
{
	bool pss = (hash & CRYPTO_AUTH_PSS) != 0;
	const struct sig_alg *a;
	struct sig_params sp;
	struct bytes sig = BYTES_EMPTY;
	int rc = -1;

	hash &= ~CRYPTO_AUTH_PSS;
	if ((a = sig_alg_for_sign(k->kind, hash, pss)) == NULL)
		return err_set(e, "%s: no RFC 7427 signature for a %s key with "
		    "%s%s", __func__, key_kind_name(k->kind),
		    names_get(NAMES_T_HASH, hash), pss ? " and PSS" : "");
	sp.md = a->kind == KEY_ED25519 ? NULL : crypto_hash_md(a->hash);
	sp.pss = a->pss;
	if (sig_sign(k, &sp, octets, len, &sig, e) < 0)
		goto out;
	auth->len = 0;
	if (bytes_append(auth, &(uint8_t){ (uint8_t)a->der_len }, 1) < 0 ||
	    bytes_append(auth, a->der, a->der_len) < 0 ||
	    bytes_append(auth, sig.data, sig.len) < 0) {
		err_set(e, "%s: out of memory", __func__);
		goto out;
	}
	rc = 0;
out:
	bytes_free(&sig);
	return rc;
}

/* RFC 7427 3: length (1) | AlgorithmIdentifier | signature. */
static int digsig_verify(const struct crypto_key *k, const uint8_t *octets,
    size_t len, const uint8_t *auth, size_t auth_len, struct err *e)
{
	const struct sig_alg *a;
	struct sig_params sp;
	char hex[2 * ALG_MAX + 1];
	size_t alg_len;

	if (auth_len < 1)
		return err_set(e, "%s: AUTH data empty, no AlgorithmIdentifier "
		    "length (RFC 7427 3)", __func__);
	alg_len = auth[0];
	if (alg_len == 0 || alg_len >= auth_len)
		return err_set(e, "%s: AlgorithmIdentifier length %zu leaves "
		    "no signature in %zu bytes of AUTH data", __func__, alg_len,
		    auth_len);
	if ((a = sig_alg_by_der(auth + 1, alg_len)) == NULL) {
		bytes_to_hex(auth + 1, alg_len < ALG_MAX ? alg_len : ALG_MAX,
		    hex);
		return err_set(e, "%s: unknown AlgorithmIdentifier %s%s",
		    __func__, hex, alg_len > ALG_MAX ? "..." : "");
	}
	if (a->kind != k->kind)
		return err_set(e, "%s: AlgorithmIdentifier %s does not fit "
		    "a %s key", __func__, a->name, key_kind_name(k->kind));
	sp.md = a->kind == KEY_ED25519 ? NULL : crypto_hash_md(a->hash);
	sp.pss = a->pss;
	return sig_verify(k, &sp, octets, len, auth + 1 + alg_len,
	    auth_len - 1 - alg_len, e);
}

/* ---- the AUTH methods -------------------------------------------------- */

static struct sig_params rsa_sig_params(void)
{
	return (struct sig_params){ crypto_hash_md(HASH_SHA1), false };
}

static int need_key(const struct crypto_key *k, unsigned method,
    enum key_kind kind, struct err *e)
{
	if (k == NULL)
		return err_set(e, "crypto_auth: %s needs a key",
		    names_get(NAMES_T_AUTH, method));
	if (kind != KEY_OTHER && k->kind != kind)
		return err_set(e, "crypto_auth: %s needs a%s %s key, not %s",
		    names_get(NAMES_T_AUTH, method), kind == KEY_RSA ? "n" : "",
		    key_kind_name(kind), key_kind_name(k->kind));
	return 0;
}

int crypto_auth_sign(unsigned method, unsigned hash,
    const struct crypto_key *key, const uint8_t *octets, size_t len,
    struct bytes *auth, struct err *e)
{
	const struct ecdsa_method *m = ecdsa_method_find(method);
	struct sig_params sp = rsa_sig_params();

	if (m != NULL)
		return need_key(key, method, KEY_EC, e) < 0 ? -1 :
		    ecdsa_sign(m, hash, key, octets, len, auth, e);
	switch (method) {
	case AUTH_NULL:
		auth->len = 0;
		return 0;
	case AUTH_RSA_SIG:
		if (need_key(key, method, KEY_RSA, e) < 0)
			return -1;
		if (hash != HASH_RESERVED && hash != HASH_SHA1)
			return err_set(e, "%s: RSA_SIG signs with SHA1, not %s",
			    __func__, names_get(NAMES_T_HASH, hash));
		return sig_sign(key, &sp, octets, len, auth, e);
	case AUTH_DIGITAL_SIGNATURE:
		if (need_key(key, method, KEY_OTHER, e) < 0)
			return -1;
		return digsig_sign(hash, key, octets, len, auth, e);
	case AUTH_SHARED_KEY_MIC:
		return err_set(e, "%s: SHARED_KEY_MIC is crypto_auth_psk's",
		    __func__);
	}
	return err_set(e, "%s: authentication method %s not supported",
	    __func__, names_get(NAMES_T_AUTH, method));
}

int crypto_auth_verify(unsigned method, const struct crypto_key *key,
    const uint8_t *octets, size_t len,
    const uint8_t *auth, size_t auth_len, struct err *e)
{
	const struct ecdsa_method *m = ecdsa_method_find(method);
	struct sig_params sp = rsa_sig_params();

	if (m != NULL)
		return need_key(key, method, KEY_EC, e) < 0 ? -1 :
		    ecdsa_verify(m, key, octets, len, auth, auth_len, e);
	switch (method) {
	case AUTH_NULL:
		if (auth_len != 0)
			return err_set(e, "%s: NULL authentication with %zu "
			    "bytes of AUTH data (RFC 7619 3: empty)",
			    __func__, auth_len);
		return 0;
	case AUTH_RSA_SIG:
		if (need_key(key, method, KEY_RSA, e) < 0)
			return -1;
		return sig_verify(key, &sp, octets, len, auth, auth_len, e);
	case AUTH_DIGITAL_SIGNATURE:
		if (need_key(key, method, KEY_OTHER, e) < 0)
			return -1;
		return digsig_verify(key, octets, len, auth, auth_len, e);
	case AUTH_SHARED_KEY_MIC:
		return err_set(e, "%s: SHARED_KEY_MIC: compare with "
		    "crypto_auth_psk's value instead", __func__);
	}
	return err_set(e, "%s: authentication method %s not supported",
	    __func__, names_get(NAMES_T_AUTH, method));
}
