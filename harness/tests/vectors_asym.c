/* vectors_asym: the checkers of the asymmetric kinds of vectors/ files.
 *
 * kind dh: one key exchange.
 *   group        a DH_* name (ECP_256, CURVE25519, MODP_2048 ...)
 *   private      optional: our private value (crypto_dh_from_private)
 *   public       optional: the KE data that private value gives
 *   peer_private optional: the peer's private value; then the exchange is
 *                also run from the peer's side
 *   peer_public  the peer's KE data
 *   shared       g^ir (compared for valid cases)
 *   result       invalid: the peer's KE data must be refused (by
 *                crypto_dh_shared, or crypto_dh_check_peer without private)
 * Without private, the case only asks crypto_dh_check_peer.
 *
 * kind auth: one AUTH payload (RFC 7296 3.8, RFC 4754, RFC 7427).
 *   method       an AUTH_* name; hash a HASH_* name for signing
 *   private      optional: PKCS#8 DER; with "sign: yes" (deterministic
 *                schemes only) the AUTH data is made and compared
 *   public       optional: SubjectPublicKeyInfo DER (else the private key)
 *   octets, auth the signed octets and the AUTH data
 *   result       invalid: verification must fail
 *
 * kind auth_psk: AUTH_SHARED_KEY_MIC (RFC 7296 2.15).
 *   prf, secret, message, nonce, sk_p, id (ID payload body), octets
 *   (optional), auth */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "names.h"
#include "vectors_kinds.h"

enum { HEX_SHOW = 40 };

static int differs(struct err *why, const char *what,
    const struct bytes *got, const struct bytes *want)
{
	char g[2 * HEX_SHOW + 1], w[2 * HEX_SHOW + 1];
	size_t i, n = got->len < want->len ? got->len : want->len;

	if (got->len == want->len &&
	    (n == 0 || memcmp(got->data, want->data, n) == 0))
		return 0;
	for (i = 0; i < n && got->data[i] == want->data[i]; i++)
		;
	bytes_to_hex(got->data, got->len < HEX_SHOW ? got->len : HEX_SHOW, g);
	bytes_to_hex(want->data, want->len < HEX_SHOW ? want->len : HEX_SHOW,
	    w);
	return err_set(why, "%s differs at offset %zu (got %zu bytes %s%s, "
	    "want %zu bytes %s%s)", what, i, got->len, g,
	    got->len > HEX_SHOW ? "..." : "", want->len, w,
	    want->len > HEX_SHOW ? "..." : "");
}

/* An optional hex field: 0 and empty out when absent. */
static int get_opt_hex(const struct vector_case *c, const char *field,
    struct bytes *out, bool *present, struct err *why)
{
	*present = vector_get(c, field) != NULL;
	if (!*present)
		return 0;
	return vector_get_hex(c, field, out, why);
}

/* ---- dh ---------------------------------------------------------------- */

/* One side: from priv, its KE data must be pub (if given) and its
 * shared secret with peer must be shared (valid) or refused (invalid). */
static int dh_side(unsigned group, const struct bytes *priv,
    const struct bytes *pub, bool have_pub, const struct bytes *peer,
    const struct bytes *shared, bool invalid, const char *side,
    struct err *why)
{
	struct crypto_dh *dh = crypto_dh_from_private(group, priv->data,
	    priv->len, why);
	struct bytes got = BYTES_EMPTY;
	struct err e = { "" };
	char what[64];
	int rc = -1;

	if (dh == NULL)
		return err_prefix(why, "%s private value", side);
	if (have_pub) {
		if (crypto_dh_public(dh, &got, why) < 0)
			goto out;
		snprintf(what, sizeof(what), "%s public value", side);
		if (differs(why, what, &got, pub) < 0)
			goto out;
	}
	bytes_free(&got);
	if (crypto_dh_shared(dh, peer->data, peer->len, &got, &e) < 0) {
		if (!invalid)
			err_set(why, "%s: shared secret refused: %s", side,
			    e.text);
		rc = invalid ? 0 : -1;
		goto out;
	}
	if (invalid) {
		err_set(why, "%s: invalid peer value accepted", side);
		goto out;
	}
	snprintf(what, sizeof(what), "%s shared secret", side);
	rc = differs(why, what, &got, shared);
out:
	crypto_dh_free(dh);
	bytes_free(&got);
	return rc;
}

static int check_dh(const struct vector_file *f, const struct vector_case *c,
    struct err *why)
{
	struct bytes priv = BYTES_EMPTY, pub = BYTES_EMPTY;
	struct bytes ppriv = BYTES_EMPTY, peer = BYTES_EMPTY;
	struct bytes shared = BYTES_EMPTY;
	bool have_priv, have_pub, have_ppriv, have_shared;
	bool invalid = vector_expects_invalid(c);
	unsigned group;
	struct err e = { "" };
	int rc = -1;

	(void)f;
	if (vectors_get_name(c, "group", NAMES_T_DH, &group, why) < 0 ||
	    get_opt_hex(c, "private", &priv, &have_priv, why) < 0 ||
	    get_opt_hex(c, "public", &pub, &have_pub, why) < 0 ||
	    get_opt_hex(c, "peer_private", &ppriv, &have_ppriv, why) < 0 ||
	    get_opt_hex(c, "shared", &shared, &have_shared, why) < 0 ||
	    vector_get_hex(c, "peer_public", &peer, why) < 0)
		goto out;
	if (!have_priv) {
		rc = crypto_dh_check_peer(group, peer.data, peer.len, &e);
		if (rc < 0 && !invalid)
			err_set(why, "peer value refused: %s", e.text);
		else if (rc == 0 && invalid)
			err_set(why, "invalid peer value accepted");
		rc = (rc < 0) == invalid ? 0 : -1;
		goto out;
	}
	if (!invalid && !have_shared) {
		err_set(why, "line %d: a valid case needs `shared'", c->line);
		goto out;
	}
	if (dh_side(group, &priv, &pub, have_pub, &peer, &shared, invalid,
	    "our", why) < 0)
		goto out;
	if (have_ppriv && !have_pub) {
		err_set(why, "line %d: `peer_private' needs `public'", c->line);
		goto out;
	}
	/* From the peer's side: its private value gives peer_public. */
	if (have_ppriv && dh_side(group, &ppriv, &peer, true, &pub, &shared,
	    invalid, "peer's", why) < 0)
		goto out;
	rc = 0;
out:
	bytes_free(&priv);
	bytes_free(&pub);
	bytes_free(&ppriv);
	bytes_free(&peer);
	bytes_free(&shared);
	return rc;
}

/* ---- auth ------------------------------------------------------------ */

/* DER to PEM (base64, 64 columns) with the given label. */
static int der_to_pem(const struct bytes *der, const char *label,
    struct bytes *pem)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char line[80];
	size_t col = 0;
	int rc = 0;

	snprintf(line, sizeof(line), "-----BEGIN %s-----\n", label);
	rc |= bytes_set(pem, line, strlen(line));
	for (size_t i = 0; i < der->len; i += 3) {
		uint32_t v = (uint32_t)der->data[i] << 16;
		size_t n = der->len - i < 3 ? der->len - i : 3;
		char q[4];

		if (n > 1)
			v |= (uint32_t)der->data[i + 1] << 8;
		if (n > 2)
			v |= der->data[i + 2];
		q[0] = b64[(v >> 18) & 63];
		q[1] = b64[(v >> 12) & 63];
		q[2] = n > 1 ? b64[(v >> 6) & 63] : '=';
		q[3] = n > 2 ? b64[v & 63] : '=';
		rc |= bytes_append(pem, q, 4);
		if ((col += 4) == 64) {
			rc |= bytes_append(pem, "\n", 1);
			col = 0;
		}
	}
	snprintf(line, sizeof(line), "%s-----END %s-----\n", col ? "\n" : "",
	    label);
	rc |= bytes_append(pem, line, strlen(line));
	return rc;
}

/* A key from a DER field (PKCS#8 or SPKI), or NULL when absent. */
static struct crypto_key *key_field(const struct vector_case *c,
    const char *field, const char *label, bool *present, struct err *why)
{
	struct bytes der = BYTES_EMPTY, pem = BYTES_EMPTY;
	struct crypto_key *k = NULL;

	if (get_opt_hex(c, field, &der, present, why) < 0 || !*present)
		goto out;
	if (der_to_pem(&der, label, &pem) < 0) {
		err_set(why, "out of memory");
		goto out;
	}
	if ((k = crypto_key_from_pem((const char *)pem.data, pem.len,
	    why)) == NULL)
		err_prefix(why, "field `%s'", field);
out:
	bytes_free(&der);
	bytes_free(&pem);
	return k;
}

static int auth_sign_compare(unsigned method, const struct vector_case *c,
    const struct crypto_key *priv, const struct bytes *octets,
    const struct bytes *auth, struct err *why)
{
	unsigned hash = HASH_RESERVED;
	struct bytes got = BYTES_EMPTY;
	int rc;

	if (vector_get(c, "hash") != NULL &&
	    vectors_get_name(c, "hash", NAMES_T_HASH, &hash, why) < 0)
		return -1;
	rc = crypto_auth_sign(method, hash, priv, octets->data, octets->len,
	    &got, why);
	if (rc == 0)
		rc = differs(why, "AUTH data", &got, auth);
	bytes_free(&got);
	return rc;
}

static int check_auth(const struct vector_file *f,
    const struct vector_case *c, struct err *why)
{
	struct bytes octets = BYTES_EMPTY, auth = BYTES_EMPTY;
	struct crypto_key *priv = NULL, *pub = NULL;
	bool have_priv = false, have_pub = false;
	bool invalid = vector_expects_invalid(c);
	const char *sign = vector_get(c, "sign");
	unsigned method;
	struct err e = { "" };
	int rc = -1, vr;

	(void)f;
	if (vectors_get_name(c, "method", NAMES_T_AUTH, &method, why) < 0 ||
	    vector_get_hex(c, "octets", &octets, why) < 0 ||
	    vector_get_hex(c, "auth", &auth, why) < 0)
		goto out;
	priv = key_field(c, "private", "PRIVATE KEY", &have_priv, why);
	if (have_priv && priv == NULL)
		goto out;
	pub = key_field(c, "public", "PUBLIC KEY", &have_pub, why);
	if (have_pub && pub == NULL)
		goto out;
	if (!have_priv && !have_pub) {
		err_set(why, "line %d: neither `private' nor `public'",
		    c->line);
		goto out;
	}
	if (sign != NULL && strcmp(sign, "yes") == 0 && !invalid &&
	    (!have_priv || auth_sign_compare(method, c, priv, &octets, &auth,
	    why) < 0)) {
		if (!have_priv)
			err_set(why, "line %d: `sign: yes' needs `private'",
			    c->line);
		goto out;
	}
	vr = crypto_auth_verify(method, have_pub ? pub : priv, octets.data,
	    octets.len, auth.data, auth.len, &e);
	if (vr < 0 && !invalid)
		err_set(why, "verification failed: %s", e.text);
	else if (vr == 0 && invalid)
		err_set(why, "invalid AUTH data verified");
	else
		rc = 0;
out:
	crypto_key_free(priv);
	crypto_key_free(pub);
	bytes_free(&octets);
	bytes_free(&auth);
	return rc;
}

/* ---- auth_psk -------------------------------------------------------- */

static int check_auth_psk(const struct vector_file *f,
    const struct vector_case *c, struct err *why)
{
	static const char *const names[] = { "secret", "message", "nonce",
	    "sk_p", "id", "auth" };
	struct bytes v[6] = { BYTES_EMPTY, BYTES_EMPTY, BYTES_EMPTY,
	    BYTES_EMPTY, BYTES_EMPTY, BYTES_EMPTY };
	struct bytes octets = BYTES_EMPTY, want_octets = BYTES_EMPTY;
	struct bytes got = BYTES_EMPTY;
	bool have_octets;
	unsigned prf;
	int rc = -1;

	(void)f;
	if (vectors_get_name(c, "prf", NAMES_T_PRF, &prf, why) < 0 ||
	    get_opt_hex(c, "octets", &want_octets, &have_octets, why) < 0)
		goto out;
	for (size_t i = 0; i < 6; i++)
		if (vector_get_hex(c, names[i], &v[i], why) < 0)
			goto out;
	if (crypto_auth_octets(prf, v[1].data, v[1].len, v[2].data, v[2].len,
	    v[3].data, v[3].len, v[4].data, v[4].len, &octets, why) < 0)
		goto out;
	if (have_octets && differs(why, "signed octets", &octets,
	    &want_octets) < 0)
		goto out;
	if (crypto_auth_psk(prf, v[0].data, v[0].len, octets.data, octets.len,
	    &got, why) < 0)
		goto out;
	rc = differs(why, "AUTH data", &got, &v[5]);
out:
	for (size_t i = 0; i < 6; i++)
		bytes_free(&v[i]);
	bytes_free(&octets);
	bytes_free(&want_octets);
	bytes_free(&got);
	return rc;
}

const struct vector_kind vectors_asym_kinds[] = {
	{ "dh", check_dh },
	{ "auth", check_auth },
	{ "auth_psk", check_auth_psk },
	{ NULL, NULL },
};
