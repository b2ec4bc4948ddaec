/* crypto_dh: the key exchange methods of IKEv2 (RFC 7296 3.4) through
 * OpenSSL 3 EVP_PKEY: MODP groups 1, 2 (RFC 2409 6) and 5, 14-18
 * (RFC 3526), ECP groups 19-21 (RFC 5903) and brainpool 27-30 (RFC 6954),
 * Curve25519 and Curve448 (RFC 8031).
 *
 * Peer values are checked as RFC 6989 asks before any use:
 * - MODP: the KE data is exactly the prime's length, 1 < y < p-1, and
 *   y^q = 1 mod p with q = (p-1)/2. Every MODP group here has a safe
 *   prime and g = 2, a quadratic residue (p = 7 mod 8), so honest values
 *   always pass the y^q test; RFC 6989 2.2 makes it optional for safe
 *   primes, we do it anyway (it costs one exponentiation) so that a
 *   value outside the q-order subgroup is caught and named.
 * - ECP: x | y of exactly twice the field length, both < p, the point on
 *   the curve and not the point at infinity (which has no x | y form; an
 *   all-zero value is not on any of these curves); OpenSSL's full public
 *   key check (n * Q = O) follows.
 * - X25519/X448: the length; the all-zero shared secret is refused
 *   (RFC 7748 6, RFC 8031 2) - that is how low-order points are caught. */
#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED 1

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "crypto.h"
#include "crypto_internal.h"
#include "names.h"

enum dh_type { DH_T_MODP, DH_T_EC, DH_T_XDH };

struct dh_group {
	unsigned id;
	enum dh_type type;
	/* OpenSSL's name: a DH named group, an EC curve, or a key type;
	 * NULL for the two Oakley groups OpenSSL 3.0 does not name. */
	const char *name;
	int nid;		/* EC curves only */
	size_t len;		/* KE data: prime, x | y, or u length */
};

static const struct dh_group dh_groups[] = {
	{ DH_MODP_768, DH_T_MODP, NULL, 0, 96 },
	{ DH_MODP_1024, DH_T_MODP, NULL, 0, 128 },
	{ DH_MODP_1536, DH_T_MODP, "modp_1536", 0, 192 },
	{ DH_MODP_2048, DH_T_MODP, "modp_2048", 0, 256 },
	{ DH_MODP_3072, DH_T_MODP, "modp_3072", 0, 384 },
	{ DH_MODP_4096, DH_T_MODP, "modp_4096", 0, 512 },
	{ DH_MODP_6144, DH_T_MODP, "modp_6144", 0, 768 },
	{ DH_MODP_8192, DH_T_MODP, "modp_8192", 0, 1024 },
	{ DH_ECP_256, DH_T_EC, "prime256v1", NID_X9_62_prime256v1, 64 },
	{ DH_ECP_384, DH_T_EC, "secp384r1", NID_secp384r1, 96 },
	{ DH_ECP_521, DH_T_EC, "secp521r1", NID_secp521r1, 132 },
	{ DH_BRAINPOOL_P224R1, DH_T_EC, "brainpoolP224r1",
	    NID_brainpoolP224r1, 56 },
	{ DH_BRAINPOOL_P256R1, DH_T_EC, "brainpoolP256r1",
	    NID_brainpoolP256r1, 64 },
	{ DH_BRAINPOOL_P384R1, DH_T_EC, "brainpoolP384r1",
	    NID_brainpoolP384r1, 96 },
	{ DH_BRAINPOOL_P512R1, DH_T_EC, "brainpoolP512r1",
	    NID_brainpoolP512r1, 128 },
	{ DH_CURVE25519, DH_T_XDH, "X25519", 0, 32 },
	{ DH_CURVE448, DH_T_XDH, "X448", 0, 56 },
};

struct crypto_dh {
	const struct dh_group *g;
	EVP_PKEY *pkey;
};

static const struct dh_group *dh_group_find(unsigned id)
{
	for (size_t i = 0; i < sizeof(dh_groups) / sizeof(dh_groups[0]); i++)
		if (dh_groups[i].id == id)
			return &dh_groups[i];
	return NULL;
}

size_t crypto_dh_public_len(unsigned group)
{
	const struct dh_group *g = dh_group_find(group);

	return g == NULL ? 0 : g->len;
}

static const struct dh_group *dh_group_get(unsigned id, const char *func,
    struct err *e)
{
	const struct dh_group *g = dh_group_find(id);

	if (g == NULL)
		err_set(e, "%s: key exchange method %s not supported", func,
		    names_get(NAMES_T_DH, id));
	return g;
}

/* ---- MODP ------------------------------------------------------------ */

/* The prime of a MODP group, from OpenSSL's copies of the RFC tables. */
static BIGNUM *dh_modp_prime(unsigned id)
{
	switch (id) {
	case DH_MODP_768:	return BN_get_rfc2409_prime_768(NULL);
	case DH_MODP_1024:	return BN_get_rfc2409_prime_1024(NULL);
	case DH_MODP_1536:	return BN_get_rfc3526_prime_1536(NULL);
	case DH_MODP_2048:	return BN_get_rfc3526_prime_2048(NULL);
	case DH_MODP_3072:	return BN_get_rfc3526_prime_3072(NULL);
	case DH_MODP_4096:	return BN_get_rfc3526_prime_4096(NULL);
	case DH_MODP_6144:	return BN_get_rfc3526_prime_6144(NULL);
	case DH_MODP_8192:	return BN_get_rfc3526_prime_8192(NULL);
	default:		return NULL;
	}
}

/* The domain parameters onto bld: the named group where OpenSSL has one,
 * else p, g = 2 and q = (p-1)/2 so that OpenSSL does the subgroup check
 * for the Oakley groups too. */
static int dh_modp_push_domain(OSSL_PARAM_BLD *bld, const struct dh_group *g,
    BIGNUM *p, BIGNUM *q, BIGNUM *gen)
{
	if (g->name != NULL)
		return OSSL_PARAM_BLD_push_utf8_string(bld,
		    OSSL_PKEY_PARAM_GROUP_NAME, g->name, 0) ? 0 : -1;
	if (!BN_rshift1(q, p) || !BN_set_word(gen, 2))
		return -1;
	if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_Q, q) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, gen))
		return -1;
	return 0;
}

/* An EVP_PKEY of a MODP group from optional pub and priv values: domain
 * parameters only when both are NULL. */
static EVP_PKEY *dh_modp_pkey(const struct dh_group *g, const BIGNUM *pub,
    const BIGNUM *priv, struct err *e)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	EVP_PKEY *pkey = NULL;
	BIGNUM *p = dh_modp_prime(g->id), *q = BN_new(), *gen = BN_new();
	int selection = priv != NULL ? EVP_PKEY_KEYPAIR :
	    pub != NULL ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEY_PARAMETERS;

	if (bld == NULL || ctx == NULL || p == NULL || q == NULL ||
	    gen == NULL || dh_modp_push_domain(bld, g, p, q, gen) < 0 ||
	    (pub != NULL && !OSSL_PARAM_BLD_push_BN(bld,
	    OSSL_PKEY_PARAM_PUB_KEY, pub)) ||
	    (priv != NULL && !OSSL_PARAM_BLD_push_BN(bld,
	    OSSL_PKEY_PARAM_PRIV_KEY, priv)) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL) {
		crypto_ossl_err(e, "%s: cannot build DH parameters", __func__);
		goto out;
	}
	if (EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, selection, params) <= 0) {
		pkey = NULL;
		crypto_ossl_err(e, "%s: OpenSSL refused the DH key", __func__);
	}
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_free(p);
	BN_free(q);
	BN_free(gen);
	return pkey;
}

/* y = 2^x mod p for an exponent 1 < x < p-1, and the key pair. */
static EVP_PKEY *dh_modp_keypair(const struct dh_group *g, BIGNUM *x,
    struct err *e)
{
	BIGNUM *p = dh_modp_prime(g->id), *y = BN_new(), *two = BN_new();
	BIGNUM *pm1 = BN_new();
	BN_CTX *bn = BN_CTX_secure_new();
	EVP_PKEY *pkey = NULL;

	if (p == NULL || y == NULL || two == NULL || pm1 == NULL ||
	    bn == NULL || !BN_set_word(two, 2) || BN_copy(pm1, p) == NULL ||
	    !BN_sub_word(pm1, 1)) {
		crypto_ossl_err(e, "%s: out of memory", __func__);
		goto out;
	}
	if (BN_cmp(x, BN_value_one()) <= 0 || BN_cmp(x, pm1) >= 0) {
		err_set(e, "%s: %s private exponent out of range 1 < x < p-1",
		    __func__, names_get(NAMES_T_DH, g->id));
		goto out;
	}
	BN_set_flags(x, BN_FLG_CONSTTIME);
	if (!BN_mod_exp_mont_consttime(y, two, x, p, bn, NULL)) {
		crypto_ossl_err(e, "%s: modular exponentiation failed",
		    __func__);
		goto out;
	}
	pkey = dh_modp_pkey(g, y, x, e);
out:
	BN_free(p);
	BN_free(y);
	BN_free(two);
	BN_free(pm1);
	BN_CTX_free(bn);
	return pkey;
}

/* A fresh MODP key. OpenSSL generates it for the groups it names (with
 * a private length fit for the group's strength); for the Oakley groups
 * its FIPS 186-4 generator refuses a 768/1024-bit p, so x is drawn here,
 * uniformly in [2, q-1]. */
static EVP_PKEY *dh_modp_generate(const struct dh_group *g, struct err *e)
{
	EVP_PKEY *params, *pkey = NULL;
	EVP_PKEY_CTX *ctx;
	BIGNUM *x, *q;

	if (g->name == NULL) {
		x = BN_secure_new();
		q = dh_modp_prime(g->id);
		if (x == NULL || q == NULL || !BN_rshift1(q, q) ||
		    !BN_sub_word(q, 2) || !BN_priv_rand_range(x, q) ||
		    !BN_add_word(x, 2))
			crypto_ossl_err(e, "%s: no random exponent", __func__);
		else
			pkey = dh_modp_keypair(g, x, e);
		BN_clear_free(x);
		BN_free(q);
		return pkey;
	}
	if ((params = dh_modp_pkey(g, NULL, NULL, e)) == NULL)
		return NULL;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) <= 0 ||
	    EVP_PKEY_keygen(ctx, &pkey) <= 0) {
		pkey = NULL;
		crypto_ossl_err(e, "%s: DH key generation failed", __func__);
	}
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(params);
	return pkey;
}

static EVP_PKEY *dh_modp_from_private(const struct dh_group *g,
    const uint8_t *priv, size_t len, struct err *e)
{
	BIGNUM *x = BN_secure_new();
	EVP_PKEY *pkey = NULL;

	if (x == NULL || BN_bin2bn(priv, (int)len, x) == NULL)
		crypto_ossl_err(e, "%s: out of memory", __func__);
	else
		pkey = dh_modp_keypair(g, x, e);
	BN_clear_free(x);
	return pkey;
}


/* RFC 6989 2.1 range check with a message naming the failing side. */
static int dh_modp_check_range(const struct dh_group *g, const BIGNUM *y,
    struct err *e)
{
	BIGNUM *p = dh_modp_prime(g->id);
	int rc = -1;

	if (p == NULL || !BN_sub_word(p, 1)) {
		crypto_ossl_err(e, "%s: out of memory", __func__);
	} else if (BN_cmp(y, BN_value_one()) <= 0) {
		err_set(e, "%s: %s public value y <= 1 (RFC 6989 2.1)",
		    __func__, names_get(NAMES_T_DH, g->id));
	} else if (BN_cmp(y, p) >= 0) {
		err_set(e, "%s: %s public value y >= p-1 (RFC 6989 2.1)",
		    __func__, names_get(NAMES_T_DH, g->id));
	} else {
		rc = 0;
	}
	BN_free(p);
	return rc;
}

/* ---- ECP ------------------------------------------------------------- */

/* The uncompressed octet string 04 | x | y OpenSSL reads and writes. */
static EVP_PKEY *dh_ec_pkey(const struct dh_group *g, const uint8_t *point,
    size_t point_len, const BIGNUM *priv, struct err *e)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *pkey = NULL;

	if (bld == NULL || ctx == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    g->name, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    point, point_len) ||
	    (priv != NULL && !OSSL_PARAM_BLD_push_BN(bld,
	    OSSL_PKEY_PARAM_PRIV_KEY, priv)) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL) {
		crypto_ossl_err(e, "%s: cannot build EC parameters", __func__);
		goto out;
	}
	if (EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, priv != NULL ? EVP_PKEY_KEYPAIR :
	    EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		pkey = NULL;
		crypto_ossl_err(e, "%s: not a point of the curve", __func__);
	}
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* An EC key from a big-endian scalar d, 0 < d < n: the public point d*G
 * is computed here because EVP_PKEY_fromdata does not derive it. */
static EVP_PKEY *dh_ec_from_private(const struct dh_group *g,
    const uint8_t *priv, size_t len, struct err *e)
{
	EC_GROUP *grp = EC_GROUP_new_by_curve_name(g->nid);
	EC_POINT *pt = NULL;
	BIGNUM *d = BN_secure_new();
	BN_CTX *bn = BN_CTX_new();
	uint8_t point[1 + 2 * 66];
	size_t point_len;
	EVP_PKEY *pkey = NULL;

	if (grp == NULL || d == NULL || bn == NULL ||
	    (pt = EC_POINT_new(grp)) == NULL ||
	    BN_bin2bn(priv, (int)len, d) == NULL) {
		crypto_ossl_err(e, "%s: out of memory", __func__);
		goto out;
	}
	if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(grp)) >= 0) {
		err_set(e, "%s: %s private scalar out of range 0 < d < n",
		    __func__, names_get(NAMES_T_DH, g->id));
		goto out;
	}
	BN_set_flags(d, BN_FLG_CONSTTIME);
	if (!EC_POINT_mul(grp, pt, d, NULL, NULL, bn) ||
	    (point_len = EC_POINT_point2oct(grp, pt,
	    POINT_CONVERSION_UNCOMPRESSED, point, sizeof(point), bn)) !=
	    1 + g->len) {
		crypto_ossl_err(e, "%s: cannot compute d*G", __func__);
		goto out;
	}
	pkey = dh_ec_pkey(g, point, point_len, d, e);
out:
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	BN_clear_free(d);
	BN_CTX_free(bn);
	return pkey;
}

/* RFC 6989 3.1 coordinate checks, 0 <= x, y < p, before OpenSSL is asked
 * whether the point is on the curve. */
static int dh_ec_check_coords(const struct dh_group *g, const uint8_t *pub,
    struct err *e)
{
	EC_GROUP *grp = EC_GROUP_new_by_curve_name(g->nid);
	BIGNUM *p = BN_new(), *c = BN_new();
	size_t half = g->len / 2;
	int rc = -1;

	if (grp == NULL || p == NULL || c == NULL ||
	    !EC_GROUP_get_curve(grp, p, NULL, NULL, NULL)) {
		crypto_ossl_err(e, "%s: cannot read the curve", __func__);
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		if (BN_bin2bn(pub + i * half, (int)half, c) == NULL) {
			crypto_ossl_err(e, "%s: out of memory", __func__);
			goto out;
		}
		if (BN_cmp(c, p) >= 0) {
			err_set(e, "%s: %s public value: %c >= p (RFC 6989 "
			    "3.1)", __func__, names_get(NAMES_T_DH, g->id),
			    i == 0 ? 'x' : 'y');
			goto out;
		}
	}
	rc = 0;
out:
	EC_GROUP_free(grp);
	BN_free(p);
	BN_free(c);
	return rc;
}

/* ---- common ---------------------------------------------------------- */

/* OpenSSL's full public key check: the subgroup for MODP, on the curve
 * and of order n for ECP. */
static int dh_public_check(const struct dh_group *g, EVP_PKEY *pkey,
    struct err *e)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	int ok = ctx != NULL && EVP_PKEY_public_check(ctx) == 1;

	EVP_PKEY_CTX_free(ctx);
	if (ok)
		return 0;
	return crypto_ossl_err(e, "%s: %s", __func__, g->type == DH_T_MODP ?
	    "public value not in the subgroup of order q (RFC 6989 2.2)" :
	    "public value not a valid point of the group (RFC 6989 3.1)");
}

/* Validates a peer's KE data and returns it as an EVP_PKEY. */
static EVP_PKEY *dh_peer_pkey(const struct dh_group *g, const uint8_t *pub,
    size_t len, struct err *e)
{
	EVP_PKEY *pkey = NULL;
	BIGNUM *y = NULL;
	uint8_t point[1 + 2 * 66];

	if (len != g->len) {
		err_set(e, "%s: %s public value of %zu bytes, want %zu "
		    "(RFC 7296 3.4)", __func__, names_get(NAMES_T_DH, g->id),
		    len, g->len);
		return NULL;
	}
	switch (g->type) {
	case DH_T_MODP:
		if ((y = BN_bin2bn(pub, (int)len, NULL)) == NULL) {
			crypto_ossl_err(e, "%s: out of memory", __func__);
			return NULL;
		}
		if (dh_modp_check_range(g, y, e) == 0)
			pkey = dh_modp_pkey(g, y, NULL, e);
		BN_free(y);
		break;
	case DH_T_EC:
		if (dh_ec_check_coords(g, pub, e) < 0)
			return NULL;
		point[0] = POINT_CONVERSION_UNCOMPRESSED;
		memcpy(point + 1, pub, len);
		pkey = dh_ec_pkey(g, point, 1 + len, NULL, e);
		break;
	case DH_T_XDH:
		pkey = EVP_PKEY_new_raw_public_key_ex(NULL, g->name, NULL,
		    pub, len);
		if (pkey == NULL)
			crypto_ossl_err(e, "%s: OpenSSL refused the key", __func__);
		return pkey;
	}
	if (pkey != NULL && g->type != DH_T_XDH &&
	    dh_public_check(g, pkey, e) < 0) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return pkey;
}

static struct crypto_dh *dh_wrap(const struct dh_group *g, EVP_PKEY *pkey,
    struct err *e)
{
	struct crypto_dh *dh;

	if (pkey == NULL)
		return NULL;
	if ((dh = calloc(1, sizeof(*dh))) == NULL) {
		EVP_PKEY_free(pkey);
		err_set(e, "crypto_dh: out of memory");
		return NULL;
	}
	dh->g = g;
	dh->pkey = pkey;
	return dh;
}

struct crypto_dh *crypto_dh_new(unsigned group, struct err *e)
{
	const struct dh_group *g = dh_group_get(group, __func__, e);
	EVP_PKEY *pkey = NULL;

	if (g == NULL)
		return NULL;
	switch (g->type) {
	case DH_T_MODP:
		pkey = dh_modp_generate(g, e);
		break;
	case DH_T_EC:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", g->name);
		break;
	case DH_T_XDH:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, g->name);
		break;
	}
	if (pkey == NULL && g->type != DH_T_MODP)
		crypto_ossl_err(e, "%s: key generation failed", __func__);
	return dh_wrap(g, pkey, e);
}

struct crypto_dh *crypto_dh_from_private(unsigned group, const uint8_t *priv,
    size_t priv_len, struct err *e)
{
	const struct dh_group *g = dh_group_get(group, __func__, e);
	EVP_PKEY *pkey = NULL;

	if (g == NULL)
		return NULL;
	if (priv_len == 0 || priv_len > g->len) {
		err_set(e, "%s: %s private value of %zu bytes (1..%zu)",
		    __func__, names_get(NAMES_T_DH, group), priv_len, g->len);
		return NULL;
	}
	switch (g->type) {
	case DH_T_MODP:
		pkey = dh_modp_from_private(g, priv, priv_len, e);
		break;
	case DH_T_EC:
		pkey = dh_ec_from_private(g, priv, priv_len, e);
		break;
	case DH_T_XDH:
		if (priv_len != g->len) {
			err_set(e, "%s: %s private value of %zu bytes, want "
			    "%zu", __func__, g->name, priv_len, g->len);
			return NULL;
		}
		pkey = EVP_PKEY_new_raw_private_key_ex(NULL, g->name, NULL,
		    priv, priv_len);
		if (pkey == NULL)
			crypto_ossl_err(e, "%s: OpenSSL refused the key", __func__);
		break;
	}
	return dh_wrap(g, pkey, e);
}

unsigned crypto_dh_group(const struct crypto_dh *dh)
{
	return dh->g->id;
}

/* A BIGNUM parameter of pkey, left-padded to len bytes into out. */
static int dh_get_bn_padded(EVP_PKEY *pkey, const char *param, size_t len,
    uint8_t *out, struct err *e)
{
	BIGNUM *bn = NULL;
	int rc = 0;

	if (!EVP_PKEY_get_bn_param(pkey, param, &bn) ||
	    BN_bn2binpad(bn, out, (int)len) != (int)len)
		rc = crypto_ossl_err(e, "%s: %s", __func__, param);
	BN_free(bn);
	return rc;
}

int crypto_dh_public(const struct crypto_dh *dh, struct bytes *out,
    struct err *e)
{
	const struct dh_group *g = dh->g;
	size_t got = 0;

	if (bytes_resize(out, g->len) < 0)
		return err_set(e, "%s: out of memory", __func__);
	switch (g->type) {
	case DH_T_MODP:
		return dh_get_bn_padded(dh->pkey, OSSL_PKEY_PARAM_PUB_KEY,
		    g->len, out->data, e);
	case DH_T_EC:
		if (dh_get_bn_padded(dh->pkey, OSSL_PKEY_PARAM_EC_PUB_X,
		    g->len / 2, out->data, e) < 0)
			return -1;
		return dh_get_bn_padded(dh->pkey, OSSL_PKEY_PARAM_EC_PUB_Y,
		    g->len / 2, out->data + g->len / 2, e);
	case DH_T_XDH:
		got = g->len;
		if (!EVP_PKEY_get_raw_public_key(dh->pkey, out->data, &got) ||
		    got != g->len)
			return crypto_ossl_err(e, "%s: no raw public key", __func__);
		return 0;
	}
	return err_set(e, "%s: unreachable", __func__);
}

int crypto_dh_check_peer(unsigned group, const uint8_t *pub, size_t len,
    struct err *e)
{
	const struct dh_group *g = dh_group_get(group, __func__, e);
	EVP_PKEY *pkey;

	if (g == NULL)
		return -1;
	if ((pkey = dh_peer_pkey(g, pub, len, e)) == NULL)
		return -1;
	EVP_PKEY_free(pkey);
	return 0;
}

/* Constant time: whether all n bytes are zero. */
static int dh_all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

static int dh_derive(const struct crypto_dh *dh, EVP_PKEY *peer,
    struct bytes *out, struct err *e)
{
	const struct dh_group *g = dh->g;
	size_t want = g->type == DH_T_EC ? g->len / 2 : g->len, got = want;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->pkey, NULL);
	unsigned pad = 1;	/* MODP: g^ir left-padded (RFC 7296 2.14) */
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_uint(OSSL_EXCHANGE_PARAM_PAD, &pad),
		OSSL_PARAM_construct_end(),
	};
	int rc = -1;

	if (bytes_resize(out, want) < 0) {
		err_set(e, "%s: out of memory", __func__);
		goto out;
	}
	if (ctx == NULL || EVP_PKEY_derive_init(ctx) <= 0 ||
	    (g->type == DH_T_MODP && !EVP_PKEY_CTX_set_params(ctx, params)) ||
	    EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) <= 0 ||
	    EVP_PKEY_derive(ctx, out->data, &got) <= 0) {
		crypto_ossl_err(e, "%s: %s", __func__, g->type == DH_T_XDH ?
		    "derivation failed (all-zero shared secret? RFC 7748 6)" :
		    "derivation failed");
		goto out;
	}
	if (got != want) {
		err_set(e, "%s: shared secret of %zu bytes, want %zu",
		    __func__, got, want);
		goto out;
	}
	if (g->type == DH_T_XDH && dh_all_zero(out->data, got)) {
		err_set(e, "%s: %s shared secret is all zero (RFC 8031 2)",
		    __func__, g->name);
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		bytes_free(out);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

int crypto_dh_shared(const struct crypto_dh *dh, const uint8_t *peer,
    size_t peer_len, struct bytes *out, struct err *e)
{
	EVP_PKEY *pkey = dh_peer_pkey(dh->g, peer, peer_len, e);
	int rc;

	if (pkey == NULL)
		return -1;
	rc = dh_derive(dh, pkey, out, e);
	EVP_PKEY_free(pkey);
	return rc;
}

void crypto_dh_free(struct crypto_dh *dh)
{
	if (dh == NULL)
		return;
	EVP_PKEY_free(dh->pkey);	/* OpenSSL clears private keys */
	free(dh);
}
