/* crypto: every cryptographic operation iketest performs, and the only
 * module that includes OpenSSL (it may span crypto*.c files). Algorithms
 * are named by their IANA numbers (names.h: ENCR_*, PRF_*, INTEG_*, DH_*,
 * AUTH_*, HASH_*). Functions return 0 or -1 with a text in *e; outputs in
 * struct bytes are owned by the caller, who frees them with bytes_free()
 * (which wipes). ICVs and MACs are compared in constant time. */
#ifndef IKETEST_CRYPTO_H
#define IKETEST_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "err.h"

/* ---- sizes --------------------------------------------------------- */

/* 0 means "not supported by iketest's crypto". */
size_t crypto_prf_len(unsigned prf);		/* output size */
size_t crypto_prf_key_len(unsigned prf);	/* preferred key size (RFC 7296 2.14) */
/* Key material taken from the keystream for an ENCR transform with
 * key_bits (the KEY_LENGTH attribute, 0 when the transform has none):
 * includes the salt for AEAD ciphers (RFC 5282 7.1: 4 bytes GCM, 3 CCM;
 * RFC 7634 2: 4 bytes ChaCha20-Poly1305) and for AES-CTR (RFC 3686: 4). */
size_t crypto_encr_key_len(unsigned encr, unsigned key_bits);
size_t crypto_encr_iv_len(unsigned encr);	/* explicit IV on the wire */
size_t crypto_encr_block_len(unsigned encr);	/* padding unit; 1 for stream-like */
size_t crypto_encr_icv_len(unsigned encr);	/* AEAD tag size, 0 if not AEAD */
bool crypto_encr_is_aead(unsigned encr);
/* Whether iketest can run ENCR transform encr with key_bits (the
 * KEY_LENGTH attribute, 0 if none); tells ENCR_NULL (key length 0) from
 * an unsupported transform. */
bool crypto_encr_supported(unsigned encr, unsigned key_bits);
size_t crypto_integ_key_len(unsigned integ);
size_t crypto_integ_icv_len(unsigned integ);	/* truncated output */
size_t crypto_dh_public_len(unsigned group);	/* KE data size */

/* ---- random, hash --------------------------------------------------- */

int crypto_random(uint8_t *out, size_t len, struct err *e);
/* HASH_SHA1 .. HASH_SHA2_512 (RFC 7427 numbers); NAT-D uses SHA1. */
int crypto_hash(unsigned hash, const uint8_t *data, size_t len,
    struct bytes *out, struct err *e);
/* Constant-time equality of two equal-length regions. */
bool crypto_equal(const uint8_t *a, const uint8_t *b, size_t len);

/* ---- PRF and key derivation (RFC 7296 2.13, 2.14, 2.17, 2.18) -------- */

/* prf(key, data). For PRF_AES128_XCBC (RFC 4434) and PRF_AES128_CMAC
 * (RFC 4615) keys of any length are adapted as those RFCs say. */
int crypto_prf(unsigned prf, const uint8_t *key, size_t key_len,
    const uint8_t *data, size_t len, struct bytes *out, struct err *e);
/* prf+ (RFC 7296 2.13): out_len bytes of T1 | T2 | ... */
int crypto_prf_plus(unsigned prf, const uint8_t *key, size_t key_len,
    const uint8_t *seed, size_t seed_len, size_t out_len,
    struct bytes *out, struct err *e);

/* The algorithms of an IKE SA, as negotiated. */
struct crypto_ike_suite {
	unsigned encr;
	unsigned encr_key_bits;	/* KEY_LENGTH attribute, 0 if none */
	unsigned prf;
	unsigned integ;		/* INTEG_NONE with an AEAD cipher */
	unsigned dh;
};

/* SKEYSEED and the seven keys (RFC 7296 2.14). */
struct crypto_ike_keys {
	struct bytes skeyseed;
	struct bytes sk_d, sk_ai, sk_ar, sk_ei, sk_er, sk_pi, sk_pr;
};

/* SKEYSEED = prf(Ni | Nr, g^ir) and {SK_d ...} = prf+(SKEYSEED,
 * Ni | Nr | SPIi | SPIr). For PRF_AES128_XCBC/CMAC the key Ni | Nr is
 * cut to its first 64 + 64 bits as 2.14 says. */
int crypto_ike_keys(const struct crypto_ike_suite *suite,
    const uint8_t *g_ir, size_t g_ir_len,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    const uint8_t spi_i[static 8], const uint8_t spi_r[static 8],
    struct crypto_ike_keys *out, struct err *e);
/* IKE SA rekey (RFC 7296 2.18): SKEYSEED = prf(SK_d (old), g^ir (new) |
 * Ni | Nr), with the old SA's prf (old_prf) and the new suite for the
 * seven keys, SPIs those of the new SA. */
int crypto_ike_rekey_keys(unsigned old_prf, const uint8_t *old_sk_d,
    size_t old_sk_d_len, const struct crypto_ike_suite *suite,
    const uint8_t *g_ir, size_t g_ir_len,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    const uint8_t spi_i[static 8], const uint8_t spi_r[static 8],
    struct crypto_ike_keys *out, struct err *e);
/* CHILD SA keying material (RFC 7296 2.17): prf+(SK_d, [g^ir |] Ni | Nr);
 * g_ir NULL means no PFS. */
int crypto_child_keymat(unsigned prf, const uint8_t *sk_d, size_t sk_d_len,
    const uint8_t *g_ir, size_t g_ir_len,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    size_t out_len, struct bytes *out, struct err *e);
void crypto_ike_keys_free(struct crypto_ike_keys *k);	/* wipes */

/* ---- ciphers and integrity (shared by SK and, later, ESP) ------------ */

/* Encrypts or decrypts with a non-AEAD cipher (ENCR_AES_CBC, ENCR_AES_CTR,
 * ENCR_3DES, ENCR_NULL ...). in_len must be a multiple of the block length
 * for CBC: padding is the caller's business (IKE and ESP pad differently).
 * For AES-CTR, key holds key | 4-byte nonce (RFC 3686). */
int crypto_cipher(unsigned encr, bool encrypt,
    const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
    const uint8_t *in, size_t in_len, struct bytes *out, struct err *e);
/* AEAD (ENCR_AES_GCM_*, ENCR_AES_CCM_*, ENCR_CHACHA20_POLY1305): key is
 * key | salt as the keystream gives it; the nonce is salt | iv (RFC 4106,
 * 4309, 7634). seal writes ciphertext | tag; open checks the tag in
 * constant time and fails with "ICV mismatch" without writing plaintext. */
int crypto_aead_seal(unsigned encr, const uint8_t *key, size_t key_len,
    const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
    const uint8_t *in, size_t in_len, struct bytes *out, struct err *e);
int crypto_aead_open(unsigned encr, const uint8_t *key, size_t key_len,
    const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
    const uint8_t *in, size_t in_len, struct bytes *out, struct err *e);
/* Truncated MAC of an INTEG transform (HMAC_SHA1_96, HMAC_SHA2_*,
 * AES_XCBC_96 (RFC 3566), AES_CMAC_96 (RFC 4494)); verify is constant time. */
int crypto_integ(unsigned integ, const uint8_t *key, size_t key_len,
    const uint8_t *data, size_t len, struct bytes *icv, struct err *e);
int crypto_integ_verify(unsigned integ, const uint8_t *key, size_t key_len,
    const uint8_t *data, size_t len, const uint8_t *icv, size_t icv_len,
    struct err *e);

/* ---- the SK payload (RFC 7296 3.14, RFC 5282, RFC 7634) ------------- */

/* One direction's keys: SK_ei/SK_ai for the initiator's messages. */
struct crypto_sk {
	unsigned encr;
	unsigned encr_key_bits;
	unsigned integ;		/* INTEG_NONE with an AEAD cipher */
	const uint8_t *encr_key;	/* includes the salt for AEAD */
	size_t encr_key_len;
	const uint8_t *integ_key;
	size_t integ_key_len;
};

/* Bytes of SK payload body (IV | encrypted | ICV) for plain_len bytes of
 * inner payloads and pad_len bytes of padding (pad length octet excluded):
 * lets the caller write the final lengths into the headers first. */
size_t crypto_sk_body_len(const struct crypto_sk *sk, size_t plain_len,
    size_t pad_len);
/* The padding a careful sender would choose: the fewest bytes that make
 * plain | padding | pad length a multiple of the block length. */
size_t crypto_sk_min_pad(const struct crypto_sk *sk, size_t plain_len);
/* Encrypts inner payloads into IV | ciphertext | ICV. head is everything
 * before the IV (IKE header and SK generic payload header, lengths final):
 * the AEAD associated data, and the start of what the ICV covers for
 * non-AEAD ciphers. iv may be NULL (random). The padding bytes are
 * 0, 1, 2 ... unless pad is given (pad_len bytes). */
int crypto_sk_encrypt(const struct crypto_sk *sk,
    const uint8_t *head, size_t head_len, const uint8_t *iv,
    const uint8_t *plain, size_t plain_len,
    const uint8_t *pad, size_t pad_len, struct bytes *body, struct err *e);
/* Checks the ICV (constant time) and decrypts; writes the inner payloads
 * without padding, and the pad length found. Fails with a text naming
 * the problem: body too short, not a block multiple, ICV mismatch, pad
 * length larger than the plaintext. */
int crypto_sk_decrypt(const struct crypto_sk *sk,
    const uint8_t *head, size_t head_len,
    const uint8_t *body, size_t body_len,
    struct bytes *plain, size_t *pad_len, struct err *e);


/* ---- per-packet contexts (ESP RFC 4303, AH RFC 4302) ----------------- */

/* One direction of a CHILD SA's algorithms, keyed once: the cipher and
 * MAC contexts are set up here and only re-IV'd per packet, so that a
 * packet costs one pass and no allocation (the ESP benchmark measures
 * this path against `openssl speed`). encr may be ENCR_NULL; integ may be
 * INTEG_NONE (AEAD) and, for AH, encr is ENCR_NULL. */
struct crypto_pkt;

struct crypto_pkt *crypto_pkt_new(unsigned encr, unsigned encr_key_bits,
    unsigned integ, const uint8_t *encr_key, size_t encr_key_len,
    const uint8_t *integ_key, size_t integ_key_len, struct err *e);
void crypto_pkt_free(struct crypto_pkt *c);	/* wipes; NULL is fine */
size_t crypto_pkt_iv_len(const struct crypto_pkt *c);
size_t crypto_pkt_block_len(const struct crypto_pkt *c);	/* padding unit */
size_t crypto_pkt_icv_len(const struct crypto_pkt *c);	/* tag or ICV */
bool crypto_pkt_is_aead(const struct crypto_pkt *c);
/* Encrypts buf[0..len) in place with iv (crypto_pkt_iv_len bytes). For
 * an AEAD cipher aad is authenticated and the tag is written to icv
 * (crypto_pkt_icv_len bytes); for others aad and icv are unused (the
 * ICV is crypto_pkt_icv's job). */
int crypto_pkt_encrypt(struct crypto_pkt *c, const uint8_t *iv,
    const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len,
    uint8_t *icv, struct err *e);
/* Decrypts in place. For an AEAD cipher the tag icv is checked (constant
 * time) and a mismatch fails with "ICV mismatch" (buf then undefined). */
int crypto_pkt_decrypt(struct crypto_pkt *c, const uint8_t *iv,
    const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len,
    const uint8_t *icv, struct err *e);
/* The truncated integrity ICV over a | b (b: the ESN high half that ESP
 * and AH append implicitly, RFC 4303 2.2.1, RFC 4302 2.5.1; NULL, 0 when
 * none) into icv (crypto_pkt_icv_len bytes). verify compares in constant
 * time and fails with "ICV mismatch". */
int crypto_pkt_icv(struct crypto_pkt *c, const uint8_t *a, size_t a_len,
    const uint8_t *b, size_t b_len, uint8_t *icv, struct err *e);
int crypto_pkt_icv_verify(struct crypto_pkt *c, const uint8_t *a,
    size_t a_len, const uint8_t *b, size_t b_len, const uint8_t *icv,
    struct err *e);

/* ---- Diffie-Hellman / key exchange (RFC 7296 3.4, RFC 5903, 7748, 8031) */

struct crypto_dh;	/* one private key of one group */

/* A fresh key pair. */
struct crypto_dh *crypto_dh_new(unsigned group, struct err *e);
/* A key pair from a given private value (known-answer tests): a big-endian
 * exponent for MODP and ECP (RFC 5903), the raw scalar for X25519/X448. */
struct crypto_dh *crypto_dh_from_private(unsigned group,
    const uint8_t *priv, size_t priv_len, struct err *e);
unsigned crypto_dh_group(const struct crypto_dh *dh);
/* The KE payload's data: MODP left-padded to the prime's length (RFC 7296
 * 3.4), ECP x | y (RFC 5903 7), X25519/X448 the u-coordinate (RFC 8031). */
int crypto_dh_public(const struct crypto_dh *dh, struct bytes *out,
    struct err *e);
/* RFC 6989 checks of a peer's public value: MODP 1 < y < p-1 (and the
 * subgroup check where a group has a q), ECP on the curve and not the
 * point at infinity, X25519/X448 the right length. */
int crypto_dh_check_peer(unsigned group, const uint8_t *pub, size_t len,
    struct err *e);
/* The shared secret g^ir: checks the peer value first; MODP left-padded
 * to the prime's length, ECP the x coordinate (RFC 5903 7), X25519/X448
 * rejected when all zero (RFC 7748 6, RFC 8031 2). */
int crypto_dh_shared(const struct crypto_dh *dh, const uint8_t *peer,
    size_t peer_len, struct bytes *out, struct err *e);
void crypto_dh_free(struct crypto_dh *dh);

/* ---- authentication (RFC 7296 2.15, RFC 7427, RFC 7619) -------------- */

/* The octets that AUTH signs: message | nonce | prf(SK_px, IDx'), where
 * id_body is the ID payload after its generic header (ID type, reserved,
 * identification data). */
int crypto_auth_octets(unsigned prf, const uint8_t *message, size_t msg_len,
    const uint8_t *nonce, size_t nonce_len,
    const uint8_t *sk_p, size_t sk_p_len,
    const uint8_t *id_body, size_t id_len, struct bytes *out, struct err *e);
/* AUTH_SHARED_KEY_MIC: prf(prf(secret, "Key Pad for IKEv2"), octets). */
int crypto_auth_psk(unsigned prf, const uint8_t *secret, size_t secret_len,
    const uint8_t *octets, size_t len, struct bytes *auth, struct err *e);

struct crypto_key;	/* a private or public RSA or EC key */

/* PEM (private key, public key or certificate: its public key). */
struct crypto_key *crypto_key_from_pem(const char *pem, size_t len,
    struct err *e);
struct crypto_key *crypto_key_from_file(const char *path, struct err *e);
/* A new key: "rsa2048", "rsa3072", "ecp256", "ecp384", "ecp521",
 * "ed25519" (for tests). */
struct crypto_key *crypto_key_generate(const char *spec, struct err *e);
/* The public key as DER SubjectPublicKeyInfo (for raw public key CERTs). */
int crypto_key_public_der(const struct crypto_key *k, struct bytes *out,
    struct err *e);
void crypto_key_free(struct crypto_key *k);

/* Or'ed into crypto_auth_sign's hash for AUTH_DIGITAL_SIGNATURE with an
 * RSA key: RSASSA-PSS (MGF1 with the same hash, salt as long as the hash;
 * RFC 7427 A.4, RFC 8247 3.3) instead of PKCS#1 v1.5. */
#define CRYPTO_AUTH_PSS 0x100u

/* AUTH payload data for method (AUTH_RSA_SIG: PKCS#1 v1.5 SHA-1;
 * AUTH_ECDSA_SHA256_P256/384/512: r | s (RFC 4754); AUTH_DIGITAL_SIGNATURE:
 * length | AlgorithmIdentifier | signature (RFC 7427 3) with hash a HASH_*
 * (RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA, Ed25519 with HASH_IDENTITY);
 * AUTH_NULL (RFC 7619): empty). */
int crypto_auth_sign(unsigned method, unsigned hash,
    const struct crypto_key *key, const uint8_t *octets, size_t len,
    struct bytes *auth, struct err *e);
/* Verifies an AUTH payload's data; for AUTH_DIGITAL_SIGNATURE it reads
 * the AlgorithmIdentifier and refuses an unknown or mismatching one. */
int crypto_auth_verify(unsigned method, const struct crypto_key *key,
    const uint8_t *octets, size_t len,
    const uint8_t *auth, size_t auth_len, struct err *e);

/* ---- benchmark (crypto_bare.c) ---------------------------------------- */

/* bench_esp's yardstick (issue 13, P1): count AES-GCM seals of plain[0..len)
 * (a key of key_len bytes, set once; per packet a new IV, 8 bytes of AAD,
 * the tag) into out (len bytes), as bare as OpenSSL allows. */
int crypto_bare_gcm_seal(size_t key_len, const uint8_t *plain, size_t len,
    size_t count, uint8_t *out, struct err *e);

#endif
