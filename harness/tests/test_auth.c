/* auth: the AUTH payload computations. Shared key MIC against answers
 * derived independently with the openssl command line; for each
 * signature method a round trip and the rejections RFC 7296 3.8,
 * RFC 4754 and RFC 7427 imply (flipped bits, another key, a key of the
 * wrong type or curve, a swapped or unknown AlgorithmIdentifier, a
 * truncated signature, trailing bytes); Ed25519 signing against RFC 8032
 * 7.1; PEM keys, certificates and encrypted keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "crypto.h"
#include "err.h"
#include "names.h"
#include "tap.h"

/* A P-256 key, its public key and a self-signed certificate of it, and
 * the key encrypted (pass phrase "secret"): made with
 *   openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256
 *   openssl pkey -pubout; openssl req -new -x509 -subj /CN=iketest.example
 *   openssl pkey -aes128 -passout pass:secret */
static const char pem_ec[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg3+n3/PNYiqnW6Yal\n"
	"A71I/p2XYYlb/oedbX6mwECoCKChRANCAARx8q8WW7djm/cSQfBFMGvyONWS6VIN\n"
	"bqNjqMCrdS8rLsd1f6j84kylmJPftEf05hGH42oB0cq26C9sjpcJyeji\n"
	"-----END PRIVATE KEY-----\n"
;
static const char pem_ecpub[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEcfKvFlu3Y5v3EkHwRTBr8jjVkulS\n"
	"DW6jY6jAq3UvKy7HdX+o/OJMpZiT37RH9OYRh+NqAdHKtugvbI6XCcno4g==\n"
	"-----END PUBLIC KEY-----\n"
;
static const char pem_eccert[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBizCCATGgAwIBAgIUCh1x52WK/l1ZO5o1c/Zfk/CVFfIwCgYIKoZIzj0EAwIw\n"
	"GjEYMBYGA1UEAwwPaWtldGVzdC5leGFtcGxlMCAXDTI2MTEyMzA5MjAzN1oYDzIx\n"
	"MjYxMDMwMDkyMDM3WjAaMRgwFgYDVQQDDA9pa2V0ZXN0LmV4YW1wbGUwWTATBgcq\n"
	"hkjOPQIBBggqhkjOPQMBBwNCAARx8q8WW7djm/cSQfBFMGvyONWS6VINbqNjqMCr\n"
	"dS8rLsd1f6j84kylmJPftEf05hGH42oB0cq26C9sjpcJyejio1MwUTAdBgNVHQ4E\n"
	"FgQUXZFrgaFsD502TXJTmHTquXIQqFgwHwYDVR0jBBgwFoAUXZFrgaFsD502TXJT\n"
	"mHTquXIQqFgwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEA8ung\n"
	"b4as33l7jrxP3iN3XguPf6Y56TTma06IBnMrlF0CIA4TYdlNq8+s00z2LNM/4r7J\n"
	"rSnkPA2WBZXrrWn7hFWK\n"
	"-----END CERTIFICATE-----\n"
;
static const char pem_ecenc[] =
	"-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
	"MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAjr6PSPiooMyQICCAAw\n"
	"DAYIKoZIhvcNAgkFADAdBglghkgBZQMEAQIEEKY5zdpLx8wxRO+onEWgGBUEgZDL\n"
	"T/Q+HQyBomlAmLppv10UZKNO0cSYOaA/BbahcvVCUmFztgHm/BSJHmPH/jWA6ZSM\n"
	"CiUkY7osxqAAwYDPyHzlwQSeanqxl9QikuNebFeJ8Fs3HtmxBxPb4fIQz3UhGNPa\n"
	"4HAGSokpHwvNzSk/acxf7157P42RrlmCfIDZgyzNAaThshrDIdaB89mHiVvhw7k=\n"
	"-----END ENCRYPTED PRIVATE KEY-----\n"
;

/* RFC 8032 7.1 TEST 1: the secret key as PKCS#8 (RFC 8410 7 framing
 * 302e020100300506032b657004220420 | key), message empty. */
static const char pem_rfc8032_1[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
	"-----END PRIVATE KEY-----\n";
static const char rfc8032_1_sig[] =
	"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8"
	"821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

static struct bytes hex(const char *h)
{
	struct bytes b = BYTES_EMPTY;

	if (bytes_from_hex(&b, h, strlen(h), NULL) < 0) {
		fprintf(stderr, "bad hex in test: %s\n", h);
		abort();
	}
	return b;
}

/* ---- shared key MIC --------------------------------------------------- */

/* Inputs of the PSK answers below, and how the answers were made:
 *   msg=$(printf 'IKE_SA_INIT message bytes' | xxd -p)
 *   nonce=000102...1f  skp=62 x 32 ('b' x 32)
 *   id=02000000 | "initiator.example" (ID_FQDN, reserved)
 *   secret=$(printf 'iketest shared secret' | xxd -p)
 *   mac=$(printf $id | xxd -r -p | openssl mac -digest D -macopt hexkey:$skp HMAC)
 *   k=$(printf 'Key Pad for IKEv2' | openssl mac -digest D -macopt hexkey:$secret HMAC)
 *   auth=$(printf $msg$nonce$mac | xxd -r -p | openssl mac -digest D -macopt hexkey:$k HMAC)
 * for D = SHA1, SHA256, SHA512. */
static const struct {
	unsigned prf;
	const char *mac, *auth;
} psk_answers[] = {
	{ PRF_HMAC_SHA1, "19B430A85A366FE0492D75F24B3E67C1B6D7AE44",
	    "B62727557E507E2BBE832759741836A446AB6E1B" },
	{ PRF_HMAC_SHA2_256,
	    "BA0741C2083C72630989DA77F34DE98F7A38A6823D2176E468D37AB158FD07D4",
	    "0ED57A6C2B9219B56E528E80E45765FFF7017FC93820A385EDC6D3EAEDDEFB26" },
	{ PRF_HMAC_SHA2_512,
	    "7EAC1F86371DA0EDB0E267288967412B6231073DA4392612330967EFC6AB7460"
	    "EAC5D647B45259116D01A99065EF34FAA1181430348FC637F5CEC4CAB605269B",
	    "A18A6740554707E52263BBA4BD0AFD686843C6709BF720B21BCD6902B9DC2FE9"
	    "DB345AB3BEBEA6868CCF392570179DBFF48CFD1D4A80D80153DD3AD5B9F08DE0" },
};

static void psk(void)
{
	static const char msg[] = "IKE_SA_INIT message bytes";
	static const char id[] = "\x02\0\0\0initiator.example";
	static const char secret[] = "iketest shared secret";
	uint8_t nonce[32], skp[32];
	struct err e = { "" };

	for (size_t i = 0; i < sizeof(nonce); i++)
		nonce[i] = (uint8_t)i;
	memset(skp, 'b', sizeof(skp));
	for (size_t i = 0; i < sizeof(psk_answers) / sizeof(psk_answers[0]);
	    i++) {
		const char *name = names_get(NAMES_T_PRF, psk_answers[i].prf);
		struct bytes octets = BYTES_EMPTY, auth = BYTES_EMPTY;
		struct bytes mac = hex(psk_answers[i].mac);
		struct bytes want = hex(psk_answers[i].auth);
		size_t ml = sizeof(msg) - 1;

		if (!ok(crypto_auth_octets(psk_answers[i].prf,
		    (const uint8_t *)msg, ml, nonce, sizeof(nonce), skp,
		    sizeof(skp), (const uint8_t *)id, sizeof(id) - 1, &octets,
		    &e) == 0, "%s: signed octets", name))
			diag("%s", e.text);
		is_int(octets.len, ml + sizeof(nonce) + mac.len,
		    "%s: octets = message | nonce | prf(SK_p, ID')", name);
		if (octets.len == ml + sizeof(nonce) + mac.len) {
			cmp_mem(octets.data, ml, msg, ml, "%s: message first",
			    name);
			cmp_mem(octets.data + ml + sizeof(nonce), mac.len,
			    mac.data, mac.len, "%s: prf(SK_p, ID') last", name);
		}
		if (!ok(crypto_auth_psk(psk_answers[i].prf,
		    (const uint8_t *)secret, sizeof(secret) - 1, octets.data,
		    octets.len, &auth, &e) == 0, "%s: shared key MIC", name))
			diag("%s", e.text);
		cmp_mem(auth.data, auth.len, want.data, want.len,
		    "%s: AUTH matches the openssl command line", name);
		bytes_free(&octets);
		bytes_free(&auth);
		bytes_free(&mac);
		bytes_free(&want);
	}
	{
		struct bytes auth = BYTES_EMPTY;

		ok(crypto_auth_psk(9999, (const uint8_t *)secret, 3,
		    (const uint8_t *)msg, 3, &auth, &e) < 0,
		    "PSK with an unknown PRF fails: %s", e.text);
		bytes_free(&auth);
	}
}

/* ---- signatures ------------------------------------------------------- */

static const uint8_t octets_data[] = "octets the AUTH payload covers";
#define OCTETS octets_data, sizeof(octets_data) - 1

static bool verifies(unsigned method, const struct crypto_key *k,
    const uint8_t *auth, size_t len)
{
	struct err e = { "" };

	return crypto_auth_verify(method, k, OCTETS, auth, len, &e) == 0;
}

static bool refuses(unsigned method, const struct crypto_key *k,
    const uint8_t *auth, size_t len, const char *what, const char *label)
{
	struct err e = { "" };
	bool r = crypto_auth_verify(method, k, OCTETS, auth, len, &e) < 0;

	ok(r, "%s: %s refused", label, what);
	diag("  %s", e.text);
	return r;
}

/* Round trip and the generic rejections for one method and key.
 * alg_len is the RFC 7427 AlgorithmIdentifier length (0 otherwise);
 * other is a key of the same type, wrong one of another type. */
static void round_trip(unsigned method, unsigned hash, const char *label,
    const struct crypto_key *k, const struct crypto_key *other,
    const struct crypto_key *wrong, size_t want_len)
{
	struct err e = { "" };
	struct bytes auth = BYTES_EMPTY, bad = BYTES_EMPTY;
	size_t alg = method == AUTH_DIGITAL_SIGNATURE ? 1 : 0;

	if (!ok(crypto_auth_sign(method, hash, k, OCTETS, &auth, &e) == 0,
	    "%s: signs", label)) {
		diag("%s", e.text);
		return;
	}
	if (want_len != 0)
		is_int(auth.len, want_len, "%s: AUTH data length", label);
	if (alg)
		alg += auth.data[0];
	ok(verifies(method, k, auth.data, auth.len), "%s: verifies", label);
	{
		struct err e2 = { "" };

		ok(crypto_auth_verify(method, k, octets_data, 5, auth.data,
		    auth.len, &e2) < 0, "%s: other octets refused", label);
	}
	bytes_copy(&bad, &auth);
	bad.data[bad.len - 1] ^= 0x01;
	refuses(method, k, bad.data, bad.len, "last bit flipped", label);
	bytes_copy(&bad, &auth);
	bad.data[alg + (bad.len - alg) / 2] ^= 0x40;
	refuses(method, k, bad.data, bad.len, "middle bit flipped", label);
	if (alg > 0) {
		bytes_copy(&bad, &auth);
		bad.data[alg - 1] ^= 0x01;
		refuses(method, k, bad.data, bad.len, "AlgorithmIdentifier "
		    "last byte changed", label);
		bytes_copy(&bad, &auth);
		bad.data[0]++;
		refuses(method, k, bad.data, bad.len, "AlgorithmIdentifier "
		    "length + 1", label);
		bad.data[0] = 0;
		refuses(method, k, bad.data, bad.len, "AlgorithmIdentifier "
		    "length 0", label);
		refuses(method, k, auth.data, alg, "AlgorithmIdentifier "
		    "without signature", label);
		refuses(method, k, auth.data, 0, "empty AUTH data", label);
	}
	refuses(method, k, auth.data, auth.len - 1, "truncated by one byte",
	    label);
	bytes_copy(&bad, &auth);
	bytes_append(&bad, "", 1);
	refuses(method, k, bad.data, bad.len, "one trailing byte", label);
	refuses(method, other, auth.data, auth.len, "another key", label);
	refuses(method, wrong, auth.data, auth.len, "a key of the wrong type",
	    label);
	bytes_free(&auth);
	bytes_free(&bad);
}

/* The AlgorithmIdentifier crypto_auth_sign writes, as RFC 7427 A gives
 * it (and RFC 4055 for the PSS parameters, RFC 8420 for Ed25519). */
static void alg_id_is(unsigned hash, const struct crypto_key *k,
    const char *want_hex, const char *label)
{
	struct err e = { "" };
	struct bytes auth = BYTES_EMPTY, want = hex(want_hex);

	if (crypto_auth_sign(AUTH_DIGITAL_SIGNATURE, hash, k, OCTETS, &auth,
	    &e) < 0)
		diag("%s", e.text);
	ok(auth.len > want.len && memcmp(auth.data, want.data, want.len) == 0,
	    "%s: length | AlgorithmIdentifier = %s", label, want_hex);
	bytes_free(&auth);
	bytes_free(&want);
}

/* Replaces the AlgorithmIdentifier of an AUTH payload. */
static void swap_alg(struct bytes *auth, const char *alg_hex)
{
	struct bytes alg = hex(alg_hex), out = BYTES_EMPTY;
	size_t old = 1 + auth->data[0];

	bytes_append(&out, alg.data, alg.len);
	bytes_append(&out, auth->data + old, auth->len - old);
	bytes_copy(auth, &out);
	bytes_free(&alg);
	bytes_free(&out);
}

#define ALG_SHA256_RSA	"0f300d06092a864886f70d01010b0500"
#define ALG_SHA384_RSA	"0f300d06092a864886f70d01010c0500"
#define ALG_ECDSA_256	"0c300a06082a8648ce3d040302"
#define ALG_ECDSA_384	"0c300a06082a8648ce3d040303"
#define ALG_ED25519	"07300506032b6570"
/* RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32: the DER of RFC 4055 3.1 */
#define ALG_PSS_256 "43" "3041" "06092a864886f70d01010a" "3034" \
	"a00f" "300d" "0609608648016503040201" "0500" \
	"a11c" "301a" "06092a864886f70d010108" "300d" "0609608648016503040201" \
	"0500" "a203" "020120"
/* the same with absent hash parameters (RFC 5754 2 makes both legal) */
#define ALG_PSS_256_ABSENT "3f" "303d" "06092a864886f70d01010a" "3030" \
	"a00d" "300b" "0609608648016503040201" \
	"a11a" "3018" "06092a864886f70d010108" "300b" "0609608648016503040201" \
	"a203" "020120"

struct keys {
	struct crypto_key *rsa, *rsa2, *p256, *p256b, *p384, *p521, *ed, *ed2;
};

static bool keys_make(struct keys *k)
{
	static const char *const specs[] = { "rsa2048", "rsa2048", "ecp256",
	    "ecp256", "ecp384", "ecp521", "ed25519", "ed25519" };
	struct crypto_key **slot[] = { &k->rsa, &k->rsa2, &k->p256,
	    &k->p256b, &k->p384, &k->p521, &k->ed, &k->ed2 };
	struct err e = { "" };
	bool all = true;

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		*slot[i] = crypto_key_generate(specs[i], &e);
		if (*slot[i] == NULL) {
			diag("%s: %s", specs[i], e.text);
			all = false;
		}
	}
	return ok(all, "test keys generated");
}

static void keys_free(struct keys *k)
{
	crypto_key_free(k->rsa);
	crypto_key_free(k->rsa2);
	crypto_key_free(k->p256);
	crypto_key_free(k->p256b);
	crypto_key_free(k->p384);
	crypto_key_free(k->p521);
	crypto_key_free(k->ed);
	crypto_key_free(k->ed2);
}

static void signatures(const struct keys *k)
{
	round_trip(AUTH_RSA_SIG, HASH_RESERVED, "RSA_SIG", k->rsa, k->rsa2,
	    k->p256, 256);
	round_trip(AUTH_ECDSA_SHA256_P256, HASH_RESERVED, "ECDSA_SHA256_P256",
	    k->p256, k->p256b, k->rsa, 64);
	round_trip(AUTH_ECDSA_SHA384_P384, HASH_SHA2_384, "ECDSA_SHA384_P384",
	    k->p384, k->p256, k->ed, 96);
	round_trip(AUTH_ECDSA_SHA512_P521, HASH_RESERVED, "ECDSA_SHA512_P521",
	    k->p521, k->p384, k->rsa, 132);
	round_trip(AUTH_DIGITAL_SIGNATURE, HASH_SHA1, "DS sha1WithRSA", k->rsa,
	    k->rsa2, k->p256, 1 + 15 + 256);
	round_trip(AUTH_DIGITAL_SIGNATURE, HASH_SHA2_256, "DS sha256WithRSA",
	    k->rsa, k->rsa2, k->p256, 1 + 15 + 256);
	round_trip(AUTH_DIGITAL_SIGNATURE, HASH_SHA2_384, "DS sha384WithRSA",
	    k->rsa, k->rsa2, k->ed, 1 + 15 + 256);
	round_trip(AUTH_DIGITAL_SIGNATURE, HASH_SHA2_512, "DS sha512WithRSA",
	    k->rsa, k->rsa2, k->p256, 1 + 15 + 256);
	round_trip(AUTH_DIGITAL_SIGNATURE, HASH_SHA2_256 | CRYPTO_AUTH_PSS,
	    "DS RSASSA-PSS SHA-256", k->rsa, k->rsa2, k->p256, 1 + 67 + 256);
	round_trip(AUTH_DIGITAL_SIGNATURE, HASH_SHA2_384 | CRYPTO_AUTH_PSS,
	    "DS RSASSA-PSS SHA-384", k->rsa, k->rsa2, k->p256, 1 + 67 + 256);
	round_trip(AUTH_DIGITAL_SIGNATURE, HASH_SHA2_512 | CRYPTO_AUTH_PSS,
	    "DS RSASSA-PSS SHA-512", k->rsa, k->rsa2, k->ed, 1 + 67 + 256);
	round_trip(AUTH_DIGITAL_SIGNATURE, HASH_SHA2_256, "DS ecdsa-with-SHA256",
	    k->p256, k->p256b, k->rsa, 0);
	round_trip(AUTH_DIGITAL_SIGNATURE, HASH_SHA2_384, "DS ecdsa-with-SHA384",
	    k->p384, k->p256, k->rsa, 0);
	round_trip(AUTH_DIGITAL_SIGNATURE, HASH_SHA2_512, "DS ecdsa-with-SHA512",
	    k->p521, k->p256, k->ed, 0);
	round_trip(AUTH_DIGITAL_SIGNATURE, HASH_IDENTITY, "DS Ed25519", k->ed,
	    k->ed2, k->p256, 1 + 7 + 64);
}

static void wrong_curves_and_hashes(const struct keys *k)
{
	struct err e = { "" };
	struct bytes auth = BYTES_EMPTY;

	ok(crypto_auth_sign(AUTH_ECDSA_SHA256_P256, 0, k->p384, OCTETS, &auth,
	    &e) < 0, "ECDSA_SHA256_P256 refuses a P-384 key: %s", e.text);
	ok(crypto_auth_sign(AUTH_ECDSA_SHA384_P384, HASH_SHA2_256, k->p384,
	    OCTETS, &auth, &e) < 0, "ECDSA_SHA384_P384 refuses SHA-256: %s",
	    e.text);
	ok(crypto_auth_sign(AUTH_RSA_SIG, HASH_SHA2_256, k->rsa, OCTETS, &auth,
	    &e) < 0, "RSA_SIG refuses SHA-256: %s", e.text);
	ok(crypto_auth_sign(AUTH_DIGITAL_SIGNATURE, HASH_SHA2_256, k->ed,
	    OCTETS, &auth, &e) < 0, "Ed25519 refuses a SHA-256 prehash: %s",
	    e.text);
	ok(crypto_auth_sign(AUTH_DIGITAL_SIGNATURE, HASH_SHA1 | CRYPTO_AUTH_PSS,
	    k->rsa, OCTETS, &auth, &e) < 0, "no PSS with SHA-1: %s", e.text);
	ok(crypto_auth_sign(AUTH_DIGITAL_SIGNATURE, HASH_SHA2_256, NULL,
	    OCTETS, &auth, &e) < 0, "no key, no signature: %s", e.text);
	ok(crypto_auth_sign(AUTH_SHARED_KEY_MIC, 0, k->rsa, OCTETS, &auth,
	    &e) < 0, "SHARED_KEY_MIC is not a signature: %s", e.text);
	ok(crypto_auth_sign(AUTH_DSS_SIG, 0, k->rsa, OCTETS, &auth, &e) < 0,
	    "DSS_SIG not supported: %s", e.text);
	if (crypto_auth_sign(AUTH_ECDSA_SHA256_P256, 0, k->p256, OCTETS,
	    &auth, &e) == 0)
		ok(!verifies(AUTH_ECDSA_SHA384_P384, k->p256, auth.data,
		    auth.len), "an ECDSA_SHA256_P256 AUTH does not pass as "
		    "ECDSA_SHA384_P384");
	bytes_free(&auth);
}

static void alg_ids(const struct keys *k)
{
	struct err e = { "" };
	struct bytes auth = BYTES_EMPTY;

	alg_id_is(HASH_SHA2_256, k->rsa, ALG_SHA256_RSA, "sha256WithRSA");
	alg_id_is(HASH_SHA2_256, k->p256, ALG_ECDSA_256, "ecdsa-with-SHA256");
	alg_id_is(HASH_IDENTITY, k->ed, ALG_ED25519, "Ed25519");
	alg_id_is(HASH_SHA2_256 | CRYPTO_AUTH_PSS, k->rsa, ALG_PSS_256,
	    "RSASSA-PSS SHA-256");
	/* The PSS signature stays valid under the other legal encoding. */
	if (crypto_auth_sign(AUTH_DIGITAL_SIGNATURE, HASH_SHA2_256 |
	    CRYPTO_AUTH_PSS, k->rsa, OCTETS, &auth, &e) == 0) {
		swap_alg(&auth, ALG_PSS_256_ABSENT);
		ok(verifies(AUTH_DIGITAL_SIGNATURE, k->rsa, auth.data,
		    auth.len), "PSS with absent hash parameters accepted");
		swap_alg(&auth, ALG_SHA256_RSA);
		refuses(AUTH_DIGITAL_SIGNATURE, k->rsa, auth.data, auth.len,
		    "PSS signature under sha256WithRSAEncryption", "DS");
	}
	/* sha256WithRSA relabelled sha384WithRSA, same length. */
	if (crypto_auth_sign(AUTH_DIGITAL_SIGNATURE, HASH_SHA2_256, k->rsa,
	    OCTETS, &auth, &e) == 0) {
		swap_alg(&auth, ALG_SHA384_RSA);
		refuses(AUTH_DIGITAL_SIGNATURE, k->rsa, auth.data, auth.len,
		    "sha256WithRSA signature labelled sha384WithRSA", "DS");
		swap_alg(&auth, ALG_PSS_256);
		refuses(AUTH_DIGITAL_SIGNATURE, k->rsa, auth.data, auth.len,
		    "PKCS#1 v1.5 signature labelled RSASSA-PSS", "DS");
	}
	if (crypto_auth_sign(AUTH_DIGITAL_SIGNATURE, HASH_SHA2_256, k->p256,
	    OCTETS, &auth, &e) == 0) {
		swap_alg(&auth, ALG_ECDSA_384);
		refuses(AUTH_DIGITAL_SIGNATURE, k->p256, auth.data, auth.len,
		    "ecdsa-with-SHA256 signature labelled SHA384", "DS");
		swap_alg(&auth, "0e300c06082a8648ce3d0403020500");
		refuses(AUTH_DIGITAL_SIGNATURE, k->p256, auth.data, auth.len,
		    "ecdsa-with-SHA256 with NULL parameters (not in RFC 7427)",
		    "DS");
		swap_alg(&auth, ALG_SHA256_RSA);
		refuses(AUTH_DIGITAL_SIGNATURE, k->p256, auth.data, auth.len,
		    "ECDSA signature labelled sha256WithRSA", "DS");
	}
	bytes_free(&auth);
}

static void null_auth(void)
{
	struct err e = { "" };
	struct bytes auth = BYTES_EMPTY;

	bytes_append(&auth, "x", 1);
	ok(crypto_auth_sign(AUTH_NULL, 0, NULL, OCTETS, &auth, &e) == 0 &&
	    auth.len == 0, "NULL auth: empty AUTH data (RFC 7619 3)");
	ok(crypto_auth_verify(AUTH_NULL, NULL, OCTETS, auth.data, 0, &e) == 0,
	    "NULL auth: empty AUTH data verifies");
	ok(crypto_auth_verify(AUTH_NULL, NULL, OCTETS,
	    (const uint8_t *)"x", 1, &e) < 0,
	    "NULL auth: one byte of AUTH data refused: %s", e.text);
	bytes_free(&auth);
}

/* Ed25519 is deterministic: RFC 8032 7.1 TEST 1 signs the empty
 * message with the RFC's key, and the AUTH data must carry exactly the
 * RFC's signature after the Ed25519 AlgorithmIdentifier. */
static void rfc8032(void)
{
	struct err e = { "" };
	struct crypto_key *k = crypto_key_from_pem(pem_rfc8032_1,
	    sizeof(pem_rfc8032_1) - 1, &e);
	struct bytes auth = BYTES_EMPTY, want = hex(ALG_ED25519), sig =
	    hex(rfc8032_1_sig);

	bytes_append(&want, sig.data, sig.len);
	if (!ok(k != NULL, "RFC 8032 TEST 1 key from PEM"))
		diag("%s", e.text);
	else if (!ok(crypto_auth_sign(AUTH_DIGITAL_SIGNATURE, HASH_IDENTITY, k,
	    (const uint8_t *)"", 0, &auth, &e) == 0, "RFC 8032 TEST 1 signs"))
		diag("%s", e.text);
	cmp_mem(auth.data, auth.len, want.data, want.len,
	    "RFC 8032 TEST 1: AUTH = 07 | id-Ed25519 | the RFC's signature");
	ok(k != NULL && crypto_auth_verify(AUTH_DIGITAL_SIGNATURE, k,
	    (const uint8_t *)"", 0, want.data, want.len, &e) == 0,
	    "RFC 8032 TEST 1 verifies");
	crypto_key_free(k);
	bytes_free(&auth);
	bytes_free(&want);
	bytes_free(&sig);
}

static void pem_keys(void)
{
	struct err e = { "" };
	struct crypto_key *priv = crypto_key_from_pem(pem_ec,
	    sizeof(pem_ec) - 1, &e);
	struct crypto_key *pub = crypto_key_from_pem(pem_ecpub,
	    sizeof(pem_ecpub) - 1, &e);
	struct crypto_key *cert = crypto_key_from_pem(pem_eccert,
	    sizeof(pem_eccert) - 1, &e);
	struct crypto_key *file = NULL;
	struct bytes d1 = BYTES_EMPTY, d2 = BYTES_EMPTY, d3 = BYTES_EMPTY;
	struct bytes auth = BYTES_EMPTY;
	char path[] = "/tmp/iketest-auth-XXXXXX";
	int fd;

	ok(priv != NULL && pub != NULL && cert != NULL,
	    "PEM private key, public key and certificate load");
	if (priv == NULL || pub == NULL || cert == NULL) {
		diag("%s", e.text);
		goto out;
	}
	ok(crypto_key_public_der(priv, &d1, &e) == 0 &&
	    crypto_key_public_der(pub, &d2, &e) == 0 &&
	    crypto_key_public_der(cert, &d3, &e) == 0, "public DER of each");
	is_int(d1.len, 91, "P-256 SubjectPublicKeyInfo is 91 bytes");
	cmp_mem(d2.data, d2.len, d1.data, d1.len, "public key = private's");
	cmp_mem(d3.data, d3.len, d1.data, d1.len, "certificate's = private's");
	ok(crypto_auth_sign(AUTH_ECDSA_SHA256_P256, 0, priv, OCTETS, &auth,
	    &e) == 0 && verifies(AUTH_ECDSA_SHA256_P256, pub, auth.data,
	    auth.len) && verifies(AUTH_ECDSA_SHA256_P256, cert, auth.data,
	    auth.len), "signed with the PEM key, verified with the public "
	    "key and with the certificate");
	ok(crypto_auth_sign(AUTH_ECDSA_SHA256_P256, 0, pub, OCTETS, &auth,
	    &e) < 0, "a public key cannot sign: %s", e.text);
	ok(crypto_key_from_pem(pem_ecenc, sizeof(pem_ecenc) - 1, &e) == NULL,
	    "an encrypted key is refused without a prompt: %s", e.text);
	ok(crypto_key_from_pem("junk", 4, &e) == NULL, "junk refused: %s",
	    e.text);
	ok(crypto_key_from_pem(pem_ec, 40, &e) == NULL,
	    "truncated PEM refused: %s", e.text);
	ok(crypto_key_generate("rsa1024", &e) == NULL,
	    "unknown key spec refused: %s", e.text);
	ok(crypto_key_from_file("/nonexistent/key.pem", &e) == NULL,
	    "missing file: %s", e.text);
	if ((fd = mkstemp(path)) >= 0) {
		ok(write(fd, pem_ec, sizeof(pem_ec) - 1) ==
		    (ssize_t)(sizeof(pem_ec) - 1), "key file written");
		close(fd);
		file = crypto_key_from_file(path, &e);
		ok(file != NULL && verifies(AUTH_ECDSA_SHA256_P256, file,
		    auth.data, 0) == false, "key from file loads");
		bytes_free(&d2);
		ok(file != NULL && crypto_key_public_der(file, &d2, &e) == 0 &&
		    d2.len == d1.len && memcmp(d2.data, d1.data, d1.len) == 0,
		    "key from file = key from PEM text");
		unlink(path);
	}
out:
	crypto_key_free(priv);
	crypto_key_free(pub);
	crypto_key_free(cert);
	crypto_key_free(file);
	bytes_free(&d1);
	bytes_free(&d2);
	bytes_free(&d3);
	bytes_free(&auth);
}

int main(void)
{
	struct keys k = { 0 };
	struct err e = { "" };
	struct crypto_key *rsa3072;

	psk();
	null_auth();
	rfc8032();
	pem_keys();
	if (keys_make(&k)) {
		signatures(&k);
		wrong_curves_and_hashes(&k);
		alg_ids(&k);
	}
	keys_free(&k);
	rsa3072 = crypto_key_generate("rsa3072", &e);
	if (ok(rsa3072 != NULL, "rsa3072 generated"))
		round_trip(AUTH_DIGITAL_SIGNATURE, HASH_SHA2_384 |
		    CRYPTO_AUTH_PSS, "DS RSASSA-PSS SHA-384 (3072)", rsa3072,
		    NULL, NULL, 1 + 67 + 384);
	crypto_key_free(rsa3072);
	return tap_done();
}
