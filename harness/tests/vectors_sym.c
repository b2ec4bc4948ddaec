/* vectors_sym: the checkers of the symmetric kinds of vectors/ files:
 * prf, mac, integ, prf_plus, ikev2_kdf, cipher, cipher_pkcs5, aead.
 * Each takes one case, runs iketest's crypto on its inputs and compares
 * with the published answer; a case marked invalid must be rejected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "names.h"
#include "vectors_kinds.h"

enum { HEX_SHOW = 40 };	/* bytes of each value shown in a mismatch */

/* "field: got ... want ... (first difference at offset n)". */
static int mismatch(struct err *why, const char *what,
    const struct bytes *got, const uint8_t *want, size_t want_len)
{
	char g[2 * HEX_SHOW + 1], w[2 * HEX_SHOW + 1];
	size_t i, n = got->len < want_len ? got->len : want_len;

	for (i = 0; i < n && got->data[i] == want[i]; i++)
		;
	bytes_to_hex(got->data, got->len < HEX_SHOW ? got->len : HEX_SHOW, g);
	bytes_to_hex(want, want_len < HEX_SHOW ? want_len : HEX_SHOW, w);
	return err_set(why, "%s differs at offset %zu (got %zu bytes %s%s, "
	    "want %zu bytes %s%s)", what, i, got->len, g,
	    got->len > HEX_SHOW ? "..." : "", want_len, w,
	    want_len > HEX_SHOW ? "..." : "");
}

static bool same(const struct bytes *got, const uint8_t *want, size_t len)
{
	return got->len == len && (len == 0 || memcmp(got->data, want, len) == 0);
}

static int expect(struct err *why, const char *what, const struct bytes *got,
    const struct bytes *want)
{
	if (same(got, want->data, want->len))
		return 0;
	return mismatch(why, what, got, want->data, want->len);
}

static int get_size(const struct vector_case *c, const char *field,
    size_t *value, struct err *why)
{
	const char *v = vector_get(c, field);
	unsigned long n;
	char *end;

	if (v == NULL)
		return err_set(why, "line %d: no field `%s'", c->line, field);
	n = strtoul(v, &end, 10);
	if (*v == 0 || *end != 0 || n > 1u << 20)
		return err_set(why, "line %d: `%s' is not a size", c->line, v);
	*value = n;
	return 0;
}

/* Frees a list of bytes at the end of a checker. */
static void free_all(struct bytes *b[])
{
	for (; *b != NULL; b++)
		bytes_free(*b);
}

/* ---- prf: prf(key, data) = out, "truncate: n" compares n bytes ------ */

static int check_prf(const struct vector_file *f, const struct vector_case *c,
    struct err *why)
{
	struct bytes key = BYTES_EMPTY, data = BYTES_EMPTY, want = BYTES_EMPTY,
	    got = BYTES_EMPTY;
	struct bytes *all[] = { &key, &data, &want, &got, NULL };
	size_t trunc = 0;
	unsigned prf;
	int rc = -1;

	(void)f;
	if (vectors_get_name(c, "prf", NAMES_T_PRF, &prf, why) < 0 ||
	    vector_get_hex(c, "key", &key, why) < 0 ||
	    vector_get_hex(c, "data", &data, why) < 0 ||
	    vector_get_hex(c, "out", &want, why) < 0 ||
	    (vector_get(c, "truncate") && get_size(c, "truncate", &trunc,
	    why) < 0))
		goto out;
	if (crypto_prf(prf, key.data, key.len, data.data, data.len, &got,
	    why) < 0)
		goto out;
	if (trunc && trunc <= got.len)
		got.len = trunc;
	if (vector_expects_invalid(c)) {
		rc = same(&got, want.data, want.len) ?
		    err_set(why, "invalid case accepted") : 0;
		goto out;
	}
	rc = expect(why, "out", &got, &want);
out:
	free_all(all);
	return rc;
}

/* ---- mac (Wycheproof HMAC): tag = first tag_len bytes of the HMAC -- */

/* The integrity transform that is this HMAC at this key and tag size. */
static unsigned mac_integ(unsigned prf, size_t key_len, size_t tag_len)
{
	static const unsigned all[] = { INTEG_HMAC_MD5_96, INTEG_HMAC_SHA1_96,
	    INTEG_HMAC_SHA2_256_128, INTEG_HMAC_SHA2_384_192,
	    INTEG_HMAC_SHA2_512_256 };
	static const unsigned prfs[] = { PRF_HMAC_MD5, PRF_HMAC_SHA1,
	    PRF_HMAC_SHA2_256, PRF_HMAC_SHA2_384, PRF_HMAC_SHA2_512 };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (prfs[i] == prf && crypto_integ_key_len(all[i]) == key_len &&
		    crypto_integ_icv_len(all[i]) == tag_len)
			return all[i];
	return INTEG_NONE;
}

static int check_mac(const struct vector_file *f, const struct vector_case *c,
    struct err *why)
{
	struct bytes key = BYTES_EMPTY, msg = BYTES_EMPTY, tag = BYTES_EMPTY,
	    got = BYTES_EMPTY;
	struct bytes *all[] = { &key, &msg, &tag, &got, NULL };
	size_t tag_len;
	unsigned prf, integ;
	bool accept, invalid = vector_expects_invalid(c);
	int rc = -1;

	(void)f;
	if (vectors_get_name(c, "prf", NAMES_T_PRF, &prf, why) < 0 ||
	    get_size(c, "tag_len", &tag_len, why) < 0 ||
	    vector_get_hex(c, "key", &key, why) < 0 ||
	    vector_get_hex(c, "msg", &msg, why) < 0 ||
	    vector_get_hex(c, "tag", &tag, why) < 0)
		goto out;
	if (crypto_prf(prf, key.data, key.len, msg.data, msg.len, &got,
	    why) < 0)
		goto out;
	if (tag_len > got.len) {
		err_set(why, "tag_len %zu exceeds the PRF output %zu", tag_len,
		    got.len);
		goto out;
	}
	got.len = tag_len;
	accept = tag.len == tag_len && crypto_equal(got.data, tag.data, tag_len);
	if (accept == invalid) {
		rc = invalid ? err_set(why, "invalid tag accepted") :
		    mismatch(why, "tag", &got, tag.data, tag.len);
		goto out;
	}
	/* Where an IKE/ESP integrity transform is this very MAC, its
	 * verify must give the same verdict. */
	integ = mac_integ(prf, key.len, tag_len);
	if (integ != INTEG_NONE) {
		struct err e2;
		int v = crypto_integ_verify(integ, key.data, key.len, msg.data,
		    msg.len, tag.data, tag.len, &e2);

		if ((v == 0) != accept) {
			err_set(why, "crypto_integ_verify(%s) disagrees: %s",
			    names_get(NAMES_T_INTEG, integ),
			    v == 0 ? "accepted" : e2.text);
			goto out;
		}
	}
	rc = 0;
out:
	free_all(all);
	return rc;
}

/* ---- integ: the truncated ICV of an integrity transform ------------ */

static int check_integ(const struct vector_file *f,
    const struct vector_case *c, struct err *why)
{
	struct bytes key = BYTES_EMPTY, data = BYTES_EMPTY, icv = BYTES_EMPTY,
	    got = BYTES_EMPTY;
	struct bytes *all[] = { &key, &data, &icv, &got, NULL };
	struct err e2;
	unsigned integ;
	int rc = -1, v;

	(void)f;
	if (vectors_get_name(c, "integ", NAMES_T_INTEG, &integ, why) < 0 ||
	    vector_get_hex(c, "key", &key, why) < 0 ||
	    vector_get_hex(c, "data", &data, why) < 0 ||
	    vector_get_hex(c, "icv", &icv, why) < 0)
		goto out;
	v = crypto_integ_verify(integ, key.data, key.len, data.data, data.len,
	    icv.data, icv.len, &e2);
	if (vector_expects_invalid(c)) {
		rc = v == 0 ? err_set(why, "invalid ICV accepted") : 0;
		goto out;
	}
	if (crypto_integ(integ, key.data, key.len, data.data, data.len, &got,
	    why) < 0 || expect(why, "icv", &got, &icv) < 0)
		goto out;
	if (v < 0) {
		err_set(why, "crypto_integ_verify refused: %s", e2.text);
		goto out;
	}
	rc = 0;
out:
	free_all(all);
	return rc;
}

/* ---- prf_plus ------------------------------------------------------ */

static int check_prf_plus(const struct vector_file *f,
    const struct vector_case *c, struct err *why)
{
	struct bytes key = BYTES_EMPTY, seed = BYTES_EMPTY, want = BYTES_EMPTY,
	    got = BYTES_EMPTY;
	struct bytes *all[] = { &key, &seed, &want, &got, NULL };
	unsigned prf;
	int rc = -1;

	(void)f;
	if (vectors_get_name(c, "prf", NAMES_T_PRF, &prf, why) < 0 ||
	    vector_get_hex(c, "key", &key, why) < 0 ||
	    vector_get_hex(c, "seed", &seed, why) < 0 ||
	    vector_get_hex(c, "out", &want, why) < 0)
		goto out;
	if (crypto_prf_plus(prf, key.data, key.len, seed.data, seed.len,
	    want.len, &got, why) < 0)
		goto out;
	rc = expect(why, "out", &got, &want);
out:
	free_all(all);
	return rc;
}

/* ---- ikev2_kdf: the five SP 800-135 IKEv2 quantities ---------------- */

struct kdf_in {
	unsigned prf;
	struct bytes ni, nr, g_ir, g_ir_new, spi_i, spi_r, sk_d, key, want;
};

/* A suite whose seven keys come out of prf+ in the order RFC 7296 2.14
 * gives, so that their concatenation is a prefix of the DKM. */
static struct crypto_ike_suite kdf_suite(unsigned prf)
{
	unsigned integ = prf == PRF_HMAC_SHA1 ? INTEG_HMAC_SHA1_96 :
	    prf == PRF_HMAC_SHA2_256 ? INTEG_HMAC_SHA2_256_128 :
	    prf == PRF_HMAC_SHA2_384 ? INTEG_HMAC_SHA2_384_192 :
	    prf == PRF_HMAC_SHA2_512 ? INTEG_HMAC_SHA2_512_256 :
	    INTEG_AES_XCBC_96;

	return (struct crypto_ike_suite){ ENCR_AES_CBC, 128, prf, integ,
	    DH_NONE };
}

static int spis(const struct kdf_in *in, struct err *why)
{
	if (in->spi_i.len != 8 || in->spi_r.len != 8)
		return err_set(why, "SPIs must be 8 bytes (%zu, %zu)",
		    in->spi_i.len, in->spi_r.len);
	return 0;
}

/* SKEYSEED = prf(Ni | Nr, g^ir), through crypto_ike_keys. */
static int kdf_skeyseed(struct kdf_in *in, struct err *why)
{
	static const uint8_t zero_spi[8];
	struct crypto_ike_suite s = kdf_suite(in->prf);
	struct crypto_ike_keys k;
	int rc;

	if (crypto_ike_keys(&s, in->g_ir.data, in->g_ir.len, in->ni.data,
	    in->ni.len, in->nr.data, in->nr.len, zero_spi, zero_spi, &k,
	    why) < 0)
		return -1;
	rc = expect(why, "SKEYSEED", &k.skeyseed, &in->want);
	crypto_ike_keys_free(&k);
	return rc;
}

/* DKM = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr); when the case also gives
 * g^ir, the seven keys of crypto_ike_keys must be the DKM's prefix. */
static int kdf_dkm(struct kdf_in *in, struct err *why)
{
	struct bytes seed = BYTES_EMPTY, got = BYTES_EMPTY, seven = BYTES_EMPTY;
	struct crypto_ike_suite s = kdf_suite(in->prf);
	struct crypto_ike_keys k = { 0 };
	int rc = -1;

	if (spis(in, why) < 0)
		return -1;
	if (bytes_append(&seed, in->ni.data, in->ni.len) < 0 ||
	    bytes_append(&seed, in->nr.data, in->nr.len) < 0 ||
	    bytes_append(&seed, in->spi_i.data, 8) < 0 ||
	    bytes_append(&seed, in->spi_r.data, 8) < 0) {
		err_set(why, "out of memory");
		goto out;
	}
	if (crypto_prf_plus(in->prf, in->key.data, in->key.len, seed.data,
	    seed.len, in->want.len, &got, why) < 0 ||
	    expect(why, "DKM", &got, &in->want) < 0)
		goto out;
	if (in->g_ir.len > 0) {
		if (crypto_ike_keys(&s, in->g_ir.data, in->g_ir.len,
		    in->ni.data, in->ni.len, in->nr.data, in->nr.len,
		    in->spi_i.data, in->spi_r.data, &k, why) < 0)
			goto out;
		if (bytes_append(&seven, k.sk_d.data, k.sk_d.len) < 0 ||
		    bytes_append(&seven, k.sk_ai.data, k.sk_ai.len) < 0 ||
		    bytes_append(&seven, k.sk_ar.data, k.sk_ar.len) < 0 ||
		    bytes_append(&seven, k.sk_ei.data, k.sk_ei.len) < 0 ||
		    bytes_append(&seven, k.sk_er.data, k.sk_er.len) < 0 ||
		    bytes_append(&seven, k.sk_pi.data, k.sk_pi.len) < 0 ||
		    bytes_append(&seven, k.sk_pr.data, k.sk_pr.len) < 0) {
			err_set(why, "out of memory");
			goto out;
		}
		if (seven.len > in->want.len) {
			err_set(why, "DKM too short for the seven keys");
			goto out;
		}
		if (!same(&seven, in->want.data, seven.len)) {
			mismatch(why, "SK_d..SK_pr", &seven, in->want.data,
			    seven.len);
			goto out;
		}
	}
	rc = 0;
out:
	crypto_ike_keys_free(&k);
	bytes_free(&seed);
	bytes_free(&got);
	bytes_free(&seven);
	return rc;
}

static int kdf_child(struct kdf_in *in, bool dh, struct err *why)
{
	struct bytes got = BYTES_EMPTY;
	int rc;

	if (dh && in->g_ir_new.len == 0)
		return err_set(why, "no g_ir_new");
	rc = crypto_child_keymat(in->prf, in->sk_d.data, in->sk_d.len,
	    dh ? in->g_ir_new.data : NULL, in->g_ir_new.len, in->ni.data,
	    in->ni.len, in->nr.data, in->nr.len, in->want.len, &got, why);
	if (rc == 0)
		rc = expect(why, dh ? "DKM(Child SA D-H)" : "DKM(Child SA)",
		    &got, &in->want);
	bytes_free(&got);
	return rc;
}

/* SKEYSEED(Rekey) = prf(SK_d (old), g^ir (new) | Ni | Nr). */
static int kdf_rekey(struct kdf_in *in, struct err *why)
{
	static const uint8_t zero_spi[8];
	struct crypto_ike_suite s = kdf_suite(in->prf);
	struct crypto_ike_keys k;
	int rc;

	if (crypto_ike_rekey_keys(in->prf, in->sk_d.data, in->sk_d.len, &s,
	    in->g_ir_new.data, in->g_ir_new.len, in->ni.data, in->ni.len,
	    in->nr.data, in->nr.len, zero_spi, zero_spi, &k, why) < 0)
		return -1;
	rc = expect(why, "SKEYSEED(Rekey)", &k.skeyseed, &in->want);
	crypto_ike_keys_free(&k);
	return rc;
}

/* An optional hex field: absent gives zero bytes. */
static int opt_hex(const struct vector_case *c, const char *name,
    struct bytes *b, struct err *why)
{
	if (vector_get(c, name) == NULL)
		return 0;
	return vector_get_hex(c, name, b, why);
}

static int check_ikev2_kdf(const struct vector_file *f,
    const struct vector_case *c, struct err *why)
{
	struct kdf_in in = { 0 };
	struct bytes *all[] = { &in.ni, &in.nr, &in.g_ir, &in.g_ir_new,
	    &in.spi_i, &in.spi_r, &in.sk_d, &in.key, &in.want, NULL };
	const char *q = vector_get(c, "quantity");
	int rc = -1;

	(void)f;
	if (vectors_get_name(c, "prf", NAMES_T_PRF, &in.prf, why) < 0 ||
	    vector_get_hex(c, "ni", &in.ni, why) < 0 ||
	    vector_get_hex(c, "nr", &in.nr, why) < 0 ||
	    vector_get_hex(c, "out", &in.want, why) < 0 ||
	    opt_hex(c, "g_ir", &in.g_ir, why) < 0 ||
	    opt_hex(c, "g_ir_new", &in.g_ir_new, why) < 0 ||
	    opt_hex(c, "spi_i", &in.spi_i, why) < 0 ||
	    opt_hex(c, "spi_r", &in.spi_r, why) < 0 ||
	    opt_hex(c, "sk_d", &in.sk_d, why) < 0 ||
	    opt_hex(c, "skeyseed", &in.key, why) < 0)
		goto out;
	if (q == NULL)
		err_set(why, "line %d: no field `quantity'", c->line);
	else if (strcmp(q, "skeyseed") == 0)
		rc = kdf_skeyseed(&in, why);
	else if (strcmp(q, "dkm") == 0)
		rc = kdf_dkm(&in, why);
	else if (strcmp(q, "child") == 0)
		rc = kdf_child(&in, false, why);
	else if (strcmp(q, "child_dh") == 0)
		rc = kdf_child(&in, true, why);
	else if (strcmp(q, "rekey") == 0)
		rc = kdf_rekey(&in, why);
	else
		err_set(why, "line %d: unknown quantity `%s'", c->line, q);
out:
	free_all(all);
	return rc;
}

/* ---- cipher: encrypt and decrypt must both match -------------------- */

static int check_cipher(const struct vector_file *f,
    const struct vector_case *c, struct err *why)
{
	struct bytes key = BYTES_EMPTY, iv = BYTES_EMPTY, plain = BYTES_EMPTY,
	    ct = BYTES_EMPTY, got = BYTES_EMPTY;
	struct bytes *all[] = { &key, &iv, &plain, &ct, &got, NULL };
	unsigned encr;
	int rc = -1;

	(void)f;
	if (vectors_get_name(c, "encr", NAMES_T_ENCR, &encr, why) < 0 ||
	    vector_get_hex(c, "key", &key, why) < 0 ||
	    vector_get_hex(c, "iv", &iv, why) < 0 ||
	    vector_get_hex(c, "plain", &plain, why) < 0 ||
	    vector_get_hex(c, "cipher", &ct, why) < 0)
		goto out;
	if (crypto_cipher(encr, true, key.data, key.len, iv.data, iv.len,
	    plain.data, plain.len, &got, why) < 0 ||
	    expect(why, "encrypt", &got, &ct) < 0 ||
	    crypto_cipher(encr, false, key.data, key.len, iv.data, iv.len,
	    ct.data, ct.len, &got, why) < 0 ||
	    expect(why, "decrypt", &got, &plain) < 0)
		goto out;
	rc = 0;
out:
	free_all(all);
	return rc;
}

/* ---- cipher_pkcs5 (Wycheproof AES-CBC-PKCS5) ----------------------- *
 * IKE pads differently, so crypto_cipher does raw CBC and the PKCS#5
 * padding is checked here: a case is accepted when the raw decryption
 * works, the padding is well formed and the rest is the message. */

static int pkcs5_strip(struct bytes *b, struct err *why)
{
	uint8_t n;
	size_t i;

	if (b->len == 0)
		return err_set(why, "empty ciphertext");
	n = b->data[b->len - 1];
	if (n == 0 || n > 16 || n > b->len)
		return err_set(why, "bad PKCS#5 pad length %u", n);
	for (i = b->len - n; i < b->len; i++)
		if (b->data[i] != n)
			return err_set(why, "bad PKCS#5 pad byte at %zu", i);
	b->len -= n;
	return 0;
}

static int check_cipher_pkcs5(const struct vector_file *f,
    const struct vector_case *c, struct err *why)
{
	struct bytes key = BYTES_EMPTY, iv = BYTES_EMPTY, msg = BYTES_EMPTY,
	    ct = BYTES_EMPTY, got = BYTES_EMPTY, padded = BYTES_EMPTY;
	struct bytes *all[] = { &key, &iv, &msg, &ct, &got, &padded, NULL };
	struct err e2;
	unsigned encr;
	int rc = -1, accepted;

	(void)f;
	if (vectors_get_name(c, "encr", NAMES_T_ENCR, &encr, why) < 0 ||
	    vector_get_hex(c, "key", &key, why) < 0 ||
	    vector_get_hex(c, "iv", &iv, why) < 0 ||
	    vector_get_hex(c, "msg", &msg, why) < 0 ||
	    vector_get_hex(c, "ct", &ct, why) < 0)
		goto out;
	accepted = crypto_cipher(encr, false, key.data, key.len, iv.data,
	    iv.len, ct.data, ct.len, &got, &e2) == 0 &&
	    pkcs5_strip(&got, &e2) == 0 && same(&got, msg.data, msg.len);
	if (vector_expects_invalid(c)) {
		rc = accepted ? err_set(why, "invalid ciphertext accepted") : 0;
		goto out;
	}
	if (!accepted) {
		err_set(why, "decrypt: %s", e2.text);
		goto out;
	}
	/* And the other way: the padded message encrypts to ct. */
	{
		uint8_t n = (uint8_t)(16 - msg.len % 16), pad[16];

		memset(pad, n, sizeof(pad));
		if (bytes_set(&padded, msg.data, msg.len) < 0 ||
		    bytes_append(&padded, pad, n) < 0) {
			err_set(why, "out of memory");
			goto out;
		}
	}
	if (crypto_cipher(encr, true, key.data, key.len, iv.data, iv.len,
	    padded.data, padded.len, &got, why) < 0)
		goto out;
	rc = expect(why, "encrypt", &got, &ct);
out:
	free_all(all);
	return rc;
}

/* ---- aead: seal gives ct | tag, open gives the plaintext back ------ */

static int check_aead(const struct vector_file *f, const struct vector_case *c,
    struct err *why)
{
	struct bytes key = BYTES_EMPTY, salt = BYTES_EMPTY, iv = BYTES_EMPTY,
	    aad = BYTES_EMPTY, plain = BYTES_EMPTY, ct = BYTES_EMPTY,
	    tag = BYTES_EMPTY, got = BYTES_EMPTY;
	struct bytes *all[] = { &key, &salt, &iv, &aad, &plain, &ct, &tag,
	    &got, NULL };
	struct err e2;
	unsigned encr;
	int rc = -1, opened;

	(void)f;
	if (vectors_get_name(c, "encr", NAMES_T_ENCR, &encr, why) < 0 ||
	    vector_get_hex(c, "key", &key, why) < 0 ||
	    vector_get_hex(c, "salt", &salt, why) < 0 ||
	    vector_get_hex(c, "iv", &iv, why) < 0 ||
	    vector_get_hex(c, "aad", &aad, why) < 0 ||
	    vector_get_hex(c, "plain", &plain, why) < 0 ||
	    vector_get_hex(c, "ct", &ct, why) < 0 ||
	    vector_get_hex(c, "tag", &tag, why) < 0)
		goto out;
	/* iketest's AEAD keys are key | salt, as the keystream gives them;
	 * the ICV is ct | tag. */
	if (bytes_append(&key, salt.data, salt.len) < 0 ||
	    bytes_append(&ct, tag.data, tag.len) < 0) {
		err_set(why, "out of memory");
		goto out;
	}
	opened = crypto_aead_open(encr, key.data, key.len, iv.data, iv.len,
	    aad.data, aad.len, ct.data, ct.len, &got, &e2) == 0 &&
	    same(&got, plain.data, plain.len);
	if (vector_expects_invalid(c)) {
		rc = opened ? err_set(why, "invalid case opened") : 0;
		goto out;
	}
	if (!opened) {
		if (same(&got, plain.data, plain.len))
			err_set(why, "open: %s", e2.text);
		else
			mismatch(why, "open", &got, plain.data, plain.len);
		goto out;
	}
	if (crypto_aead_seal(encr, key.data, key.len, iv.data, iv.len,
	    aad.data, aad.len, plain.data, plain.len, &got, why) < 0)
		goto out;
	rc = expect(why, "seal (ct | tag)", &got, &ct);
out:
	free_all(all);
	return rc;
}

const struct vector_kind vectors_sym_kinds[] = {
	{ "prf", check_prf },
	{ "mac", check_mac },
	{ "integ", check_integ },
	{ "prf_plus", check_prf_plus },
	{ "ikev2_kdf", check_ikev2_kdf },
	{ "cipher", check_cipher },
	{ "cipher_pkcs5", check_cipher_pkcs5 },
	{ "aead", check_aead },
	{ NULL, NULL },
};
