/* dh: every key exchange method agrees with itself, KE data has the
 * length crypto_dh_public_len says, and the RFC 6989 / RFC 7748 checks
 * refuse what they must (MODP 0, 1, p-2, p-1, p, > p, wrong lengths; ECP
 * off the curve, all zero, coordinates >= p, wrong lengths, the SEC1
 * 04 prefix; X25519/X448 low-order points through crypto_dh_shared).
 * The known answers live in vectors/ (test_vectors). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bytes.h"
#include "crypto.h"
#include "err.h"
#include "names.h"
#include "tap.h"

static const unsigned all_groups[] = {
	DH_MODP_768, DH_MODP_1024, DH_MODP_1536, DH_MODP_2048, DH_MODP_3072,
	DH_MODP_4096, DH_MODP_6144, DH_MODP_8192, DH_ECP_256, DH_ECP_384,
	DH_ECP_521, DH_BRAINPOOL_P224R1, DH_BRAINPOOL_P256R1,
	DH_BRAINPOOL_P384R1, DH_BRAINPOOL_P512R1, DH_CURVE25519, DH_CURVE448,
};

/* RFC 2409 6.2 and RFC 3526 3, as `bc` computes them from the RFCs'
 * formula 2^n - 2^(n-64) - 1 + 2^64 * ([2^(n-130) pi] + k) (see
 * vectors/tools/modp_rfc6989.sh). */
static const char modp1024_p[] =
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
	"020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
	"4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF";
static const char modp2048_p[] =
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
	"020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
	"4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
	"98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
	"9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
	"3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF";
/* FIPS 186-4 D.1.2.3 / RFC 5903 3.1: the P-256 prime. */
static const char p256_p[] =
	"FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF";

static struct bytes hex(const char *h)
{
	struct bytes b = BYTES_EMPTY;

	if (bytes_from_hex(&b, h, strlen(h), NULL) < 0) {
		fprintf(stderr, "bad hex in test: %s\n", h);
		abort();
	}
	return b;
}

/* Adds a small signed delta to a big-endian number in place (carries
 * and borrows run to the left; the tests never leave the range). */
static void be_add(struct bytes *b, int delta)
{
	int carry = delta;

	for (size_t i = b->len; i-- > 0 && carry != 0;) {
		int v = b->data[i] + carry;

		b->data[i] = (uint8_t)(v & 0xff);
		carry = v < 0 ? -1 : v >> 8;
	}
}

/* Two fresh key pairs of group agree; KE data lengths are right. */
static void agree(unsigned group)
{
	const char *name = names_get(NAMES_T_DH, group);
	struct err e = { "" };
	struct crypto_dh *a = crypto_dh_new(group, &e), *b = NULL;
	struct bytes pa = BYTES_EMPTY, pb = BYTES_EMPTY;
	struct bytes sa = BYTES_EMPTY, sb = BYTES_EMPTY;
	size_t want = crypto_dh_public_len(group);
	clock_t t0 = clock();

	if (a != NULL)
		b = crypto_dh_new(group, &e);
	if (!ok(a != NULL && b != NULL, "%s: two key pairs", name)) {
		diag("%s", e.text);
		goto out;
	}
	is_int(crypto_dh_group(a), group, "%s: crypto_dh_group", name);
	ok(crypto_dh_public(a, &pa, &e) == 0 &&
	    crypto_dh_public(b, &pb, &e) == 0, "%s: public values", name);
	is_int(pa.len, want, "%s: KE data length", name);
	ok(crypto_dh_check_peer(group, pa.data, pa.len, &e) == 0,
	    "%s: own public value passes the peer checks", name);
	if (!ok(crypto_dh_shared(a, pb.data, pb.len, &sa, &e) == 0 &&
	    crypto_dh_shared(b, pa.data, pa.len, &sb, &e) == 0,
	    "%s: shared secrets", name))
		diag("%s", e.text);
	cmp_mem(sa.data, sa.len, sb.data, sb.len, "%s: both sides agree",
	    name);
	ok(pa.len != pb.len || memcmp(pa.data, pb.data, pa.len) != 0,
	    "%s: two fresh public values differ", name);
	diag("%s: %.2f s", name, (double)(clock() - t0) / CLOCKS_PER_SEC);
out:
	crypto_dh_free(a);
	crypto_dh_free(b);
	bytes_free(&pa);
	bytes_free(&pb);
	bytes_free(&sa);
	bytes_free(&sb);
}

/* The peer value must be refused both by crypto_dh_check_peer and by
 * crypto_dh_shared (which checks before it derives). */
static void refused(struct crypto_dh *dh, const uint8_t *pub, size_t len,
    const char *what)
{
	unsigned group = crypto_dh_group(dh);
	struct err e = { "" };
	struct bytes s = BYTES_EMPTY;
	int rc_check = crypto_dh_check_peer(group, pub, len, &e);
	int rc_shared = crypto_dh_shared(dh, pub, len, &s, &e);

	ok(rc_check < 0 && rc_shared < 0, "%s: %s refused",
	    names_get(NAMES_T_DH, group), what);
	diag("  %s", e.text);
	bytes_free(&s);
}

static void accepted(struct crypto_dh *dh, const uint8_t *pub, size_t len,
    const char *what)
{
	unsigned group = crypto_dh_group(dh);
	struct err e = { "" };
	struct bytes s = BYTES_EMPTY;

	if (!ok(crypto_dh_check_peer(group, pub, len, &e) == 0 &&
	    crypto_dh_shared(dh, pub, len, &s, &e) == 0, "%s: %s accepted",
	    names_get(NAMES_T_DH, group), what))
		diag("  %s", e.text);
	bytes_free(&s);
}

/* RFC 6989 2.1 and 2.2 for one MODP group whose prime we hold. */
static void modp_edges(unsigned group, const char *p_hex)
{
	struct err e = { "" };
	struct crypto_dh *dh = crypto_dh_new(group, &e);
	struct bytes p = hex(p_hex), y = BYTES_EMPTY;
	size_t n = p.len;

	if (!ok(dh != NULL, "%s: key pair", names_get(NAMES_T_DH, group))) {
		diag("%s", e.text);
		goto out;
	}
	is_int(n, crypto_dh_public_len(group), "%s: prime length",
	    names_get(NAMES_T_DH, group));
	bytes_resize(&y, n);
	refused(dh, y.data, n, "y = 0");
	y.data[n - 1] = 1;
	refused(dh, y.data, n, "y = 1");
	y.data[n - 1] = 2;
	accepted(dh, y.data, n, "y = 2 (the generator)");
	refused(dh, y.data, n - 1, "y = 2 one byte short");
	refused(dh, y.data + 1, 0, "empty KE data");
	y.data[n - 1] = 4;
	accepted(dh, y.data, n, "y = 4");
	bytes_copy(&y, &p);
	be_add(&y, -2);
	refused(dh, y.data, n, "y = p-2 (not in the q-order subgroup)");
	be_add(&y, 1);
	refused(dh, y.data, n, "y = p-1");
	be_add(&y, 1);
	refused(dh, y.data, n, "y = p");
	be_add(&y, 1);
	refused(dh, y.data, n, "y = p+1");
	memset(y.data, 0xff, n);
	refused(dh, y.data, n, "y = 2^n - 1 (> p)");
	bytes_resize(&y, n + 1);
	memset(y.data, 0, n + 1);
	y.data[n] = 2;
	refused(dh, y.data, n + 1, "y = 2 with one extra leading zero");
out:
	crypto_dh_free(dh);
	bytes_free(&p);
	bytes_free(&y);
}

/* Cheap MODP checks that need no prime: every group. */
static void modp_structural(unsigned group)
{
	size_t n = crypto_dh_public_len(group);
	uint8_t *y = calloc(1, n + 1);
	struct err e = { "" };
	const char *name = names_get(NAMES_T_DH, group);

	ok(crypto_dh_check_peer(group, y, n, &e) < 0, "%s: y = 0 refused",
	    name);
	y[n - 1] = 1;
	ok(crypto_dh_check_peer(group, y, n, &e) < 0, "%s: y = 1 refused",
	    name);
	y[n - 1] = 2;
	ok(crypto_dh_check_peer(group, y, n, &e) == 0, "%s: y = 2 accepted",
	    name);
	ok(crypto_dh_check_peer(group, y, n + 1, &e) < 0 &&
	    crypto_dh_check_peer(group, y, n - 1, &e) < 0,
	    "%s: wrong lengths refused", name);
	memset(y, 0xff, n);
	ok(crypto_dh_check_peer(group, y, n, &e) < 0,
	    "%s: y = 2^n - 1 (> p) refused", name);
	free(y);
}

static void ecp_edges(void)
{
	struct err e = { "" };
	struct crypto_dh *dh = crypto_dh_new(DH_ECP_256, &e);
	struct crypto_dh *other = crypto_dh_new(DH_ECP_256, &e);
	struct bytes pub = BYTES_EMPTY, bad = BYTES_EMPTY, p = hex(p256_p);

	if (!ok(dh != NULL && other != NULL &&
	    crypto_dh_public(other, &pub, &e) == 0, "ECP_256: key pairs")) {
		diag("%s", e.text);
		goto out;
	}
	accepted(dh, pub.data, pub.len, "a fresh peer point");
	bytes_copy(&bad, &pub);
	bad.data[63] ^= 1;
	refused(dh, bad.data, bad.len, "y with its low bit flipped (off the "
	    "curve)");
	bytes_copy(&bad, &pub);
	bad.data[0] ^= 0x80;
	refused(dh, bad.data, bad.len, "x with its top bit flipped");
	memset(bad.data, 0, bad.len);
	refused(dh, bad.data, bad.len, "all zero (no encoding of infinity)");
	bytes_copy(&bad, &pub);
	memcpy(bad.data, p.data, 32);
	refused(dh, bad.data, bad.len, "x = p");
	bytes_copy(&bad, &pub);
	memcpy(bad.data + 32, p.data, 32);
	refused(dh, bad.data, bad.len, "y = p");
	memset(bad.data, 0xff, bad.len);
	refused(dh, bad.data, bad.len, "x = y = 2^256 - 1");
	refused(dh, pub.data, 63, "63 bytes");
	refused(dh, pub.data, 32, "x alone (32 bytes)");
	refused(dh, pub.data, 0, "empty KE data");
	bytes_resize(&bad, 65);
	bad.data[0] = 0x04;
	memcpy(bad.data + 1, pub.data, 64);
	refused(dh, bad.data, 65, "SEC1 04 | x | y (65 bytes)");
	bad.data[0] = (uint8_t)(0x02 | (pub.data[63] & 1));
	refused(dh, bad.data, 33, "SEC1 compressed 02/03 | x (33 bytes)");
out:
	crypto_dh_free(dh);
	crypto_dh_free(other);
	bytes_free(&pub);
	bytes_free(&bad);
	bytes_free(&p);
}

/* u values that give an all-zero X25519 output for every clamped
 * scalar: the points of small order (and their non-canonical forms
 * below 2^255) as RFC 7748 7 discusses and libsodium's blocklist lists. */
static const char *const x25519_low_order[] = {
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};

/* Curve448's: 0, 1, p-1 (order 2), and p, p+1 (0 and 1 again). */
static const char *const x448_low_order[] = {
	"0000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000",
	"feffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	"feffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"ffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	"feffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"00000000000000000000000000000000000000000000000000000000"
	"ffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
};

static void xdh_edges(unsigned group, const char *const *low, size_t nlow)
{
	struct err e = { "" };
	struct crypto_dh *dh = crypto_dh_new(group, &e);
	struct bytes u = BYTES_EMPTY, s = BYTES_EMPTY;
	size_t n = crypto_dh_public_len(group);
	const char *name = names_get(NAMES_T_DH, group);
	char what[64];

	if (!ok(dh != NULL, "%s: key pair", name))
		goto out;
	for (size_t i = 0; i < nlow; i++) {
		bytes_free(&u);
		u = hex(low[i]);
		is_int(u.len, n, "%s: low-order u #%zu has %zu bytes", name, i,
		    n);
		snprintf(what, sizeof(what), "low-order u #%zu", i);
		e.text[0] = '\0';
		ok(crypto_dh_shared(dh, u.data, u.len, &s, &e) < 0,
		    "%s: %s refused by crypto_dh_shared", name, what);
		diag("  %s", e.text);
		ok(crypto_dh_check_peer(group, u.data, u.len, &e) == 0,
		    "%s: %s has the right length for check_peer", name, what);
	}
	bytes_resize(&u, n + 1);
	u.data[0] = 9;
	ok(crypto_dh_check_peer(group, u.data, n - 1, &e) < 0 &&
	    crypto_dh_check_peer(group, u.data, n + 1, &e) < 0 &&
	    crypto_dh_check_peer(group, u.data, 0, &e) < 0,
	    "%s: wrong lengths refused", name);
	ok(crypto_dh_shared(dh, u.data, n + 1, &s, &e) < 0,
	    "%s: shared refuses a long value", name);
out:
	crypto_dh_free(dh);
	bytes_free(&u);
	bytes_free(&s);
}

static void unsupported(void)
{
	struct err e = { "" };
	uint8_t one = 1;

	ok(crypto_dh_new(DH_MODP_1024_160, &e) == NULL,
	    "MODP_1024_160 (RFC 5114, not in iketest) refused: %s", e.text);
	ok(crypto_dh_new(9999, &e) == NULL, "group 9999 refused: %s", e.text);
	is_int(crypto_dh_public_len(DH_NONE), 0, "DH_NONE has no KE data");
	ok(crypto_dh_check_peer(9999, &one, 1, &e) < 0,
	    "check_peer of an unknown group fails");
	ok(crypto_dh_from_private(DH_ECP_256, &one, 0, &e) == NULL,
	    "empty private value refused");
	ok(crypto_dh_from_private(DH_CURVE25519, &one, 1, &e) == NULL,
	    "X25519 private value of 1 byte refused");
	crypto_dh_free(NULL);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(all_groups) / sizeof(all_groups[0]);
	    i++)
		agree(all_groups[i]);
	for (size_t i = 0; i < 8; i++)
		modp_structural(all_groups[i]);
	modp_edges(DH_MODP_1024, modp1024_p);
	modp_edges(DH_MODP_2048, modp2048_p);
	ecp_edges();
	xdh_edges(DH_CURVE25519, x25519_low_order,
	    sizeof(x25519_low_order) / sizeof(x25519_low_order[0]));
	xdh_edges(DH_CURVE448, x448_low_order,
	    sizeof(x448_low_order) / sizeof(x448_low_order[0]));
	unsupported();
	return tap_done();
}
