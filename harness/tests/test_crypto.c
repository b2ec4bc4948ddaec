/* test_crypto: crypto beyond the known answers of test_vectors: SK
 * payload round trips for every IKE cipher and integrity combination,
 * and every way a received SK body can be broken being refused with a
 * named reason; crypto_equal; the key and ICV length tables. */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "names.h"
#include "tap.h"

struct encr_case {
	unsigned encr, bits;
};

static const struct encr_case ciphers[] = {
	{ ENCR_AES_CBC, 128 }, { ENCR_AES_CBC, 192 }, { ENCR_AES_CBC, 256 },
	{ ENCR_AES_CTR, 128 }, { ENCR_AES_CTR, 256 }, { ENCR_3DES, 0 },
	{ ENCR_AES_GCM_8, 128 }, { ENCR_AES_GCM_12, 192 },
	{ ENCR_AES_GCM_16, 256 }, { ENCR_AES_CCM_8, 128 },
	{ ENCR_AES_CCM_12, 192 }, { ENCR_AES_CCM_16, 256 },
	{ ENCR_CHACHA20_POLY1305, 0 },
};

static const unsigned integs[] = {
	INTEG_HMAC_MD5_96, INTEG_HMAC_SHA1_96, INTEG_AES_XCBC_96,
	INTEG_AES_CMAC_96, INTEG_HMAC_SHA2_256_128, INTEG_HMAC_SHA2_384_192,
	INTEG_HMAC_SHA2_512_256,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A fake IKE header + SK generic header: only its bytes matter here. */
static const uint8_t head[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    13, 14, 15, 16, 0x2e, 0x20, 0x23, 0x08, 0, 0, 0, 1, 0, 0, 0, 80,
    0x24, 0, 0, 48 };
static const uint8_t inner[] = "inner payloads: IDi, AUTH, SA, TSi, TSr";

struct sk_keys {
	uint8_t ek[64], ik[64];
	struct crypto_sk sk;
};

static void sk_setup(struct sk_keys *k, unsigned encr, unsigned bits,
    unsigned integ)
{
	size_t i;

	for (i = 0; i < sizeof(k->ek); i++) {
		k->ek[i] = (uint8_t)(i * 7 + encr);
		k->ik[i] = (uint8_t)(i * 13 + integ);
	}
	k->sk = (struct crypto_sk){ encr, bits, integ, k->ek,
	    crypto_encr_key_len(encr, bits), k->ik,
	    crypto_integ_key_len(integ) };
}

static const char *combo(const struct crypto_sk *sk)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s/%u + %s",
	    names_get(NAMES_T_ENCR, sk->encr), sk->encr_key_bits,
	    names_get(NAMES_T_INTEG, sk->integ));
	return buf;
}

/* Decrypting body must fail with a text containing want. */
static void refused(const struct crypto_sk *sk, const struct bytes *body,
    const char *want, const char *what)
{
	struct bytes plain = BYTES_EMPTY;
	struct err e = { "" };
	size_t pad = 0;
	int rc = crypto_sk_decrypt(sk, head, sizeof(head), body->data,
	    body->len, &plain, &pad, &e);

	ok(rc < 0 && strstr(e.text, want) != NULL,
	    "%s: %s refused with \"%s\" (got: %s)", combo(sk), what, want,
	    rc < 0 ? e.text : "accepted");
	bytes_free(&plain);
}

static void sk_round_trip(unsigned encr, unsigned bits, unsigned integ)
{
	struct sk_keys k;
	struct bytes body = BYTES_EMPTY, plain = BYTES_EMPTY, bad = BYTES_EMPTY;
	struct err e = { "" };
	size_t pad_len, got_pad = 999, iv_len = crypto_encr_iv_len(encr);
	bool aead = crypto_encr_is_aead(encr);
	int rc;

	sk_setup(&k, encr, bits, integ);
	pad_len = crypto_sk_min_pad(&k.sk, sizeof(inner)) +
	    (crypto_encr_block_len(encr) > 1 ? crypto_encr_block_len(encr) : 3);
	rc = crypto_sk_encrypt(&k.sk, head, sizeof(head), NULL, inner,
	    sizeof(inner), NULL, pad_len, &body, &e);
	if (!ok(rc == 0, "%s: encrypt (%s)", combo(&k.sk),
	    rc ? e.text : "ok"))
		goto out;
	is_int(body.len, crypto_sk_body_len(&k.sk, sizeof(inner), pad_len),
	    "%s: body length as crypto_sk_body_len said", combo(&k.sk));
	rc = crypto_sk_decrypt(&k.sk, head, sizeof(head), body.data, body.len,
	    &plain, &got_pad, &e);
	ok(rc == 0 && got_pad == pad_len, "%s: decrypt (%s), pad %zu",
	    combo(&k.sk), rc ? e.text : "ok", got_pad);
	cmp_mem(plain.data, plain.len, inner, sizeof(inner),
	    "%s: inner payloads come back", combo(&k.sk));

	/* A flipped bit in the ICV, in the ciphertext, in the IV. */
	bytes_copy(&bad, &body);
	bad.data[bad.len - 1] ^= 0x01;
	refused(&k.sk, &bad, "ICV mismatch", "flipped ICV bit");
	bytes_copy(&bad, &body);
	bad.data[iv_len] ^= 0x80;
	refused(&k.sk, &bad, "ICV mismatch", "flipped ciphertext bit");
	if (iv_len) {
		bytes_copy(&bad, &body);
		bad.data[0] ^= 0x10;
		refused(&k.sk, &bad, "ICV mismatch", "flipped IV bit");
	}
	/* A changed header byte (the AAD, or the start of the MAC). */
	{
		uint8_t h2[sizeof(head)];
		struct bytes p2 = BYTES_EMPTY;
		size_t pl;

		memcpy(h2, head, sizeof(h2));
		h2[17] ^= 1;
		rc = crypto_sk_decrypt(&k.sk, h2, sizeof(h2), body.data,
		    body.len, &p2, &pl, &e);
		ok(rc < 0 && strstr(e.text, "ICV mismatch"),
		    "%s: changed header refused (%s)", combo(&k.sk),
		    rc < 0 ? e.text : "accepted");
		bytes_free(&p2);
	}
	/* Truncations: shorter than IV + ICV + 1, and (CBC) off-block. */
	bytes_copy(&bad, &body);
	bad.len = iv_len + (aead ? crypto_encr_icv_len(encr) :
	    crypto_integ_icv_len(integ));
	refused(&k.sk, &bad, "body too short", "body cut to IV + ICV");
	if (crypto_encr_block_len(encr) > 1) {
		bytes_copy(&bad, &body);
		bad.len -= 1;
		refused(&k.sk, &bad, "not a multiple", "body one byte short");
	}
out:
	bytes_free(&body);
	bytes_free(&plain);
	bytes_free(&bad);
}

/* The pad length octet larger than the plaintext before it: made by
 * encrypting by hand with crypto_cipher / crypto_integ or AEAD seal. */
static void sk_pad_too_long(unsigned encr, unsigned bits, unsigned integ)
{
	struct sk_keys k;
	struct bytes enc = BYTES_EMPTY, all = BYTES_EMPTY, mac = BYTES_EMPTY,
	    body = BYTES_EMPTY;
	struct err e = { "" };
	uint8_t clear[16], iv[16] = { 0 };
	size_t iv_len = crypto_encr_iv_len(encr);
	int rc;

	sk_setup(&k, encr, bits, integ);
	memset(clear, 0xab, sizeof(clear));
	clear[15] = 200;	/* pad length, but only 15 bytes precede it */
	if (crypto_encr_is_aead(encr))
		rc = crypto_aead_seal(encr, k.sk.encr_key, k.sk.encr_key_len,
		    iv, iv_len, head, sizeof(head), clear, sizeof(clear),
		    &enc, &e);
	else
		rc = crypto_cipher(encr, true, k.sk.encr_key,
		    k.sk.encr_key_len, iv, iv_len, clear, sizeof(clear), &enc,
		    &e);
	bytes_append(&all, head, sizeof(head));
	bytes_append(&all, iv, iv_len);
	bytes_append(&all, enc.data, enc.len);
	if (rc == 0 && !crypto_encr_is_aead(encr)) {
		rc = crypto_integ(integ, k.sk.integ_key, k.sk.integ_key_len,
		    all.data, all.len, &mac, &e);
		bytes_append(&all, mac.data, mac.len);
	}
	if (!ok(rc == 0, "%s: hand-made body (%s)", combo(&k.sk),
	    rc ? e.text : "ok"))
		goto out;
	bytes_set(&body, all.data + sizeof(head), all.len - sizeof(head));
	refused(&k.sk, &body, "pad length 200 larger than the plaintext",
	    "pad length octet 200 after 15 bytes");
out:
	bytes_free(&enc);
	bytes_free(&all);
	bytes_free(&mac);
	bytes_free(&body);
}

static void test_sk(void)
{
	size_t c, i;

	for (c = 0; c < N(ciphers); c++) {
		if (crypto_encr_is_aead(ciphers[c].encr)) {
			sk_round_trip(ciphers[c].encr, ciphers[c].bits,
			    INTEG_NONE);
			sk_pad_too_long(ciphers[c].encr, ciphers[c].bits,
			    INTEG_NONE);
			continue;
		}
		for (i = 0; i < N(integs); i++)
			sk_round_trip(ciphers[c].encr, ciphers[c].bits,
			    integs[i]);
		sk_pad_too_long(ciphers[c].encr, ciphers[c].bits,
		    INTEG_HMAC_SHA2_256_128);
	}
}

/* The caller's padding is used as given, and a fixed IV is honoured. */
static void test_sk_given_pad_and_iv(void)
{
	struct sk_keys k;
	struct bytes a = BYTES_EMPTY, b = BYTES_EMPTY, plain = BYTES_EMPTY;
	static const uint8_t iv[16] = { 9, 9, 9 }, pad[11] = "ABCDEFGHIJK";
	struct err e = { "" };
	size_t got_pad = 0;

	sk_setup(&k, ENCR_AES_CBC, 128, INTEG_HMAC_SHA2_256_128);
	ok(crypto_sk_encrypt(&k.sk, head, sizeof(head), iv, inner, 4, pad,
	    11, &a, &e) == 0 && crypto_sk_encrypt(&k.sk, head, sizeof(head),
	    iv, inner, 4, pad, 11, &b, &e) == 0,
	    "AES-CBC: encrypt with given IV and pad twice (%s)", e.text);
	cmp_mem(a.data, a.len, b.data, b.len,
	    "AES-CBC: same IV and pad give the same body");
	cmp_mem(a.data, 16, iv, 16, "AES-CBC: the body starts with the IV");
	ok(crypto_sk_decrypt(&k.sk, head, sizeof(head), a.data, a.len, &plain,
	    &got_pad, &e) == 0 && got_pad == 11 && plain.len == 4,
	    "AES-CBC: pad length 11 and 4 bytes of payload come back");
	bytes_free(&a);
	/* 4 + 10 + 1 is not a block multiple: refused, not padded for us. */
	ok(crypto_sk_encrypt(&k.sk, head, sizeof(head), iv, inner, 4, pad,
	    10, &a, &e) < 0 && strstr(e.text, "multiple"),
	    "AES-CBC: a pad that breaks the block is refused (%s)", e.text);
	ok(crypto_sk_encrypt(&k.sk, head, sizeof(head), iv, inner, 4, NULL,
	    256, &a, &e) < 0, "a pad length over 255 is refused (%s)",
	    e.text);
	k.sk.integ_key_len--;
	ok(crypto_sk_encrypt(&k.sk, head, sizeof(head), iv, inner, 4, NULL,
	    11, &a, &e) < 0 && strstr(e.text, "expected"),
	    "a wrong integrity key length is refused (%s)", e.text);
	bytes_free(&a);
	bytes_free(&b);
	bytes_free(&plain);
}

static void test_equal(void)
{
	uint8_t a[33], b[33];
	size_t i;

	for (i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (uint8_t)(i * 31);
	ok(crypto_equal(a, b, sizeof(a)), "crypto_equal: equal regions");
	ok(crypto_equal(a, b, 0), "crypto_equal: empty regions are equal");
	for (i = 0; i < sizeof(a); i += 8) {
		b[i] ^= 0x40;
		ok(!crypto_equal(a, b, sizeof(a)),
		    "crypto_equal: a difference at offset %zu is seen", i);
		b[i] ^= 0x40;
	}
	b[32] ^= 1;
	ok(!crypto_equal(a, b, sizeof(a)),
	    "crypto_equal: a difference in the last byte is seen");
}

static void test_tables(void)
{
	static const struct {
		unsigned encr, bits;
		size_t key, iv, block, icv;
	} e[] = {
		{ ENCR_AES_CBC, 128, 16, 16, 16, 0 },
		{ ENCR_AES_CBC, 256, 32, 16, 16, 0 },
		{ ENCR_AES_CTR, 192, 28, 8, 1, 0 },	/* RFC 3686: + nonce */
		{ ENCR_3DES, 0, 24, 8, 8, 0 },
		{ ENCR_AES_GCM_8, 128, 20, 8, 1, 8 },	/* RFC 5282: + salt 4 */
		{ ENCR_AES_GCM_16, 256, 36, 8, 1, 16 },
		{ ENCR_AES_CCM_12, 128, 19, 8, 1, 12 },	/* + salt 3 */
		{ ENCR_CHACHA20_POLY1305, 0, 36, 8, 1, 16 }, /* RFC 7634 */
		{ ENCR_NULL, 0, 0, 0, 1, 0 },
	};
	static const struct {
		unsigned integ;
		size_t key, icv;
	} in[] = {
		{ INTEG_HMAC_MD5_96, 16, 12 }, { INTEG_HMAC_SHA1_96, 20, 12 },
		{ INTEG_AES_XCBC_96, 16, 12 }, { INTEG_AES_CMAC_96, 16, 12 },
		{ INTEG_HMAC_SHA2_256_128, 32, 16 },
		{ INTEG_HMAC_SHA2_384_192, 48, 24 },
		{ INTEG_HMAC_SHA2_512_256, 64, 32 },
	};
	static const struct {
		unsigned prf;
		size_t len;
	} p[] = {
		{ PRF_HMAC_MD5, 16 }, { PRF_HMAC_SHA1, 20 },
		{ PRF_AES128_XCBC, 16 }, { PRF_AES128_CMAC, 16 },
		{ PRF_HMAC_SHA2_256, 32 }, { PRF_HMAC_SHA2_384, 48 },
		{ PRF_HMAC_SHA2_512, 64 },
	};
	size_t i;

	for (i = 0; i < N(e); i++) {
		const char *n = names_get(NAMES_T_ENCR, e[i].encr);

		ok(crypto_encr_supported(e[i].encr, e[i].bits) &&
		    crypto_encr_key_len(e[i].encr, e[i].bits) == e[i].key &&
		    crypto_encr_iv_len(e[i].encr) == e[i].iv &&
		    crypto_encr_block_len(e[i].encr) == e[i].block &&
		    crypto_encr_icv_len(e[i].encr) == e[i].icv &&
		    crypto_encr_is_aead(e[i].encr) == (e[i].icv != 0),
		    "%s/%u: key %zu iv %zu block %zu icv %zu", n, e[i].bits,
		    e[i].key, e[i].iv, e[i].block, e[i].icv);
	}
	ok(!crypto_encr_supported(ENCR_AES_CBC, 0) &&
	    crypto_encr_key_len(ENCR_AES_CBC, 100) == 0 &&
	    !crypto_encr_supported(ENCR_3DES, 192) &&
	    !crypto_encr_supported(ENCR_DES, 0) &&
	    crypto_encr_key_len(ENCR_CAMELLIA_CBC, 128) == 0,
	    "bad key lengths and unsupported ciphers give 0");
	for (i = 0; i < N(in); i++)
		ok(crypto_integ_key_len(in[i].integ) == in[i].key &&
		    crypto_integ_icv_len(in[i].integ) == in[i].icv,
		    "%s: key %zu icv %zu",
		    names_get(NAMES_T_INTEG, in[i].integ), in[i].key,
		    in[i].icv);
	ok(crypto_integ_key_len(INTEG_NONE) == 0 &&
	    crypto_integ_key_len(INTEG_DES_MAC) == 0,
	    "INTEG_NONE and unsupported integrity give 0");
	for (i = 0; i < N(p); i++)
		ok(crypto_prf_len(p[i].prf) == p[i].len &&
		    crypto_prf_key_len(p[i].prf) == p[i].len,
		    "%s: output and preferred key %zu",
		    names_get(NAMES_T_PRF, p[i].prf), p[i].len);
	ok(crypto_prf_len(PRF_HMAC_TIGER) == 0, "PRF_HMAC_TIGER unsupported");
}

/* prf+ limits and the AES PRF key adaptation edge cases. */
static void test_prf_misc(void)
{
	struct bytes out = BYTES_EMPTY, a = BYTES_EMPTY;
	struct err e = { "" };
	static const uint8_t key[40] = { 1 }, s[3] = { 4, 5, 6 };

	ok(crypto_prf_plus(PRF_HMAC_SHA1, key, 20, s, 3, 255 * 20, &out,
	    &e) == 0 && out.len == 255 * 20, "prf+: 255 blocks allowed");
	ok(crypto_prf_plus(PRF_HMAC_SHA1, key, 20, s, 3, 255 * 20 + 1, &out,
	    &e) < 0, "prf+: 256 blocks refused (%s)", e.text);
	ok(crypto_prf_plus(PRF_HMAC_SHA2_256, key, 32, s, 3, 45, &out,
	    &e) == 0 && crypto_prf(PRF_HMAC_SHA2_256, key, 32,
	    (const uint8_t *)"\x04\x05\x06\x01", 4, &a, &e) == 0 &&
	    memcmp(out.data, a.data, 32) == 0,
	    "prf+: T1 = prf(K, S | 0x01)");
	ok(crypto_prf(PRF_AES128_CMAC, key, 0, s, 3, &out, &e) == 0 &&
	    out.len == 16, "AES-CMAC PRF accepts an empty key (RFC 4615)");
	ok(crypto_prf(PRF_AES128_XCBC, key, 40, s, 3, &out, &e) == 0 &&
	    out.len == 16, "AES-XCBC PRF accepts a 40-byte key (RFC 4434)");
	ok(crypto_prf(PRF_HMAC_TIGER, key, 16, s, 3, &out, &e) < 0,
	    "unsupported PRF refused (%s)", e.text);
	ok(crypto_integ(INTEG_AES_CMAC_96, key, 15, s, 3, &out, &e) < 0,
	    "AES-CMAC-96 with a 15-byte key refused (%s)", e.text);
	ok(crypto_integ_verify(INTEG_HMAC_SHA1_96, key, 20, s, 3, key, 11,
	    &e) < 0 && strstr(e.text, "expected 12"),
	    "a short ICV is refused by length (%s)", e.text);
	bytes_free(&out);
	bytes_free(&a);
}

int main(void)
{
	test_tables();
	test_equal();
	test_prf_misc();
	test_sk();
	test_sk_given_pad_and_iv();
	return tap_done();
}
