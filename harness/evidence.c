/* evidence: Wireshark 4.0 key tables of the IKE and ESP SAs of a test.
 *
 * The algorithm names are the value strings of Wireshark 4.0's UAT
 * fields (epan/dissectors/packet-isakmp.c vs_ikev2_encr_algs and
 * vs_ikev2_auth_algs; packet-ipsec.c esp_encryption_type_vals and
 * esp_authentication_type_vals): a UAT enum field is read back by its
 * string, so they must match to the character. Key lengths are checked
 * here because Wireshark refuses a whole IKEv2 row whose SK_* lengths do
 * not fit the algorithm. */
#include "evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytes.h"
#include "crypto.h"
#include "err.h"
#include "esp.h"
#include "inet.h"
#include "names.h"

enum {
	EVIDENCE_SPI_LEN = 8,		/* IKE SPI (RFC 7296 3.1) */
	EVIDENCE_MAX_RECORDS = 65536,	/* per table: a test, not a VPN hub */
	EVIDENCE_ADDR_TEXT = 48,
};

struct ev_ike {
	uint8_t spi_i[EVIDENCE_SPI_LEN], spi_r[EVIDENCE_SPI_LEN];
	unsigned encr, encr_key_bits, integ;
	struct bytes sk_ei, sk_er, sk_ai, sk_ar;
};

struct ev_esp {
	int family;			/* 4 or 6 */
	bool src_any, dst_any;		/* "*" */
	uint8_t src[16], dst[16];
	uint32_t spi;
	unsigned encr, encr_key_bits, integ;
	bool esn;
	struct bytes ekey, ikey;
};

struct evidence {
	struct ev_ike *ike;
	size_t n_ike, cap_ike;
	struct ev_esp *esp;
	size_t n_esp, cap_esp;
};

/* ---- Wireshark 4.0 names ------------------------------------------ */

/* key_bits 0: any (the cipher has no KEY_LENGTH attribute). */
struct ws_encr {
	unsigned encr, key_bits;
	const char *name;
};

static const struct ws_encr ws_ike_encr[] = {
	{ ENCR_3DES, 0, "3DES [RFC2451]" },
	{ ENCR_NULL, 0, "NULL [RFC2410]" },
	{ ENCR_AES_CBC, 128, "AES-CBC-128 [RFC3602]" },
	{ ENCR_AES_CBC, 192, "AES-CBC-192 [RFC3602]" },
	{ ENCR_AES_CBC, 256, "AES-CBC-256 [RFC3602]" },
	{ ENCR_AES_CTR, 128, "AES-CTR-128 [RFC5930]" },
	{ ENCR_AES_CTR, 192, "AES-CTR-192 [RFC5930]" },
	{ ENCR_AES_CTR, 256, "AES-CTR-256 [RFC5930]" },
	{ ENCR_AES_GCM_8, 128, "AES-GCM-128 with 8 octet ICV [RFC5282]" },
	{ ENCR_AES_GCM_8, 192, "AES-GCM-192 with 8 octet ICV [RFC5282]" },
	{ ENCR_AES_GCM_8, 256, "AES-GCM-256 with 8 octet ICV [RFC5282]" },
	{ ENCR_AES_GCM_12, 128, "AES-GCM-128 with 12 octet ICV [RFC5282]" },
	{ ENCR_AES_GCM_12, 192, "AES-GCM-192 with 12 octet ICV [RFC5282]" },
	{ ENCR_AES_GCM_12, 256, "AES-GCM-256 with 12 octet ICV [RFC5282]" },
	{ ENCR_AES_GCM_16, 128, "AES-GCM-128 with 16 octet ICV [RFC5282]" },
	{ ENCR_AES_GCM_16, 192, "AES-GCM-192 with 16 octet ICV [RFC5282]" },
	{ ENCR_AES_GCM_16, 256, "AES-GCM-256 with 16 octet ICV [RFC5282]" },
	{ ENCR_AES_CCM_8, 128, "AES-CCM-128 with 8 octet ICV [RFC5282]" },
	{ ENCR_AES_CCM_8, 192, "AES-CCM-192 with 8 octet ICV [RFC5282]" },
	{ ENCR_AES_CCM_8, 256, "AES-CCM-256 with 8 octet ICV [RFC5282]" },
	{ ENCR_AES_CCM_12, 128, "AES-CCM-128 with 12 octet ICV [RFC5282]" },
	{ ENCR_AES_CCM_12, 192, "AES-CCM-192 with 12 octet ICV [RFC5282]" },
	{ ENCR_AES_CCM_12, 256, "AES-CCM-256 with 12 octet ICV [RFC5282]" },
	{ ENCR_AES_CCM_16, 128, "AES-CCM-128 with 16 octet ICV [RFC5282]" },
	{ ENCR_AES_CCM_16, 192, "AES-CCM-192 with 16 octet ICV [RFC5282]" },
	{ ENCR_AES_CCM_16, 256, "AES-CCM-256 with 16 octet ICV [RFC5282]" },
};

/* The ESP dissector takes the AES key size from the key's length. */
static const struct ws_encr ws_esp_encr[] = {
	{ ENCR_NULL, 0, "NULL" },
	{ ENCR_3DES, 0, "TripleDES-CBC [RFC2451]" },
	{ ENCR_AES_CBC, 0, "AES-CBC [RFC3602]" },
	{ ENCR_AES_CTR, 0, "AES-CTR [RFC3686]" },
	{ ENCR_DES, 0, "DES-CBC [RFC2405]" },
	{ ENCR_AES_GCM_8, 0, "AES-GCM with 8 octet ICV [RFC4106]" },
	{ ENCR_AES_GCM_12, 0, "AES-GCM with 12 octet ICV [RFC4106]" },
	{ ENCR_AES_GCM_16, 0, "AES-GCM with 16 octet ICV [RFC4106]" },
};

struct ws_integ {
	unsigned integ;
	const char *name;
};

static const struct ws_integ ws_ike_integ[] = {
	{ INTEG_NONE, "NONE [RFC4306]" },
	{ INTEG_HMAC_MD5_96, "HMAC_MD5_96 [RFC2403]" },
	{ INTEG_HMAC_SHA1_96, "HMAC_SHA1_96 [RFC2404]" },
	{ INTEG_HMAC_MD5_128, "HMAC_MD5_128 [RFC4595]" },
	{ INTEG_HMAC_SHA1_160, "HMAC_SHA1_160 [RFC4595]" },
	{ INTEG_HMAC_SHA2_256_128, "HMAC_SHA2_256_128 [RFC4868]" },
	{ INTEG_HMAC_SHA2_384_192, "HMAC_SHA2_384_192 [RFC4868]" },
	{ INTEG_HMAC_SHA2_512_256, "HMAC_SHA2_512_256 [RFC4868]" },
};

static const struct ws_integ ws_esp_integ[] = {
	{ INTEG_NONE, "NULL" },
	{ INTEG_HMAC_SHA1_96, "HMAC-SHA-1-96 [RFC2404]" },
	{ INTEG_HMAC_MD5_96, "HMAC-MD5-96 [RFC2403]" },
	{ INTEG_HMAC_SHA2_256_128, "HMAC-SHA-256-128 [RFC4868]" },
	{ INTEG_HMAC_SHA2_384_192, "HMAC-SHA-384-192 [RFC4868]" },
	{ INTEG_HMAC_SHA2_512_256, "HMAC-SHA-512-256 [RFC4868]" },
};

/* The unchecked entries, by ICV length: IKE ... */
static const char *ws_ike_any(size_t icv_len)
{
	switch (icv_len) {
	case 8: return "ANY 64-bits of Authentication [No Checking]";
	case 12: return "ANY 96-bits of Authentication [No Checking]";
	case 16: return "ANY 128-bits of Authentication [No Checking]";
	case 20: return "ANY 160-bits of Authentication [No Checking]";
	case 24: return "ANY 192-bits of Authentication [No Checking]";
	case 32: return "ANY 256-bits of Authentication [No Checking]";
	}
	return NULL;
}

/* ... and ESP (another spelling, no 160). */
static const char *ws_esp_any(size_t icv_len)
{
	switch (icv_len) {
	case 8: return "ANY 64 bit authentication [no checking]";
	case 12: return "ANY 96 bit authentication [no checking]";
	case 16: return "ANY 128 bit authentication [no checking]";
	case 24: return "ANY 192 bit authentication [no checking]";
	case 32: return "ANY 256 bit authentication [no checking]";
	}
	return NULL;
}

static const char *ws_encr_name(const struct ws_encr *t, size_t n,
    unsigned encr, unsigned key_bits)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].encr == encr && (t[i].key_bits == 0 ||
		    t[i].key_bits == key_bits))
			return t[i].name;
	return NULL;
}

static const char *ws_integ_name(const struct ws_integ *t, size_t n,
    unsigned integ)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].integ == integ)
			return t[i].name;
	return NULL;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* How Wireshark takes a record: the names to write, and why not all of
 * it when it is not EVIDENCE_FULL. */
struct ws_row {
	enum evidence_support support;
	const char *encr, *integ;
	const char *note;
};

static const char NOTE_IKE_ENCR[] =
    "cipher not in Wireshark 4.0's IKEv2 decryption table";
static const char NOTE_IKE_INTEG[] =
    "integrity not in Wireshark 4.0's IKEv2 table: decrypted, ICV not checked";
static const char NOTE_ESP_ENCR[] =
    "cipher not in Wireshark 4.0's ESP SA table";
static const char NOTE_ESP_INTEG[] =
    "integrity not in Wireshark 4.0's ESP SA table: decrypted, ICV not checked";
static const char NOTE_IKE_INTEG_NONE[] =
    "integrity not in Wireshark 4.0's IKEv2 table, and no unchecked entry for its ICV";
static const char NOTE_ESP_INTEG_NONE[] =
    "integrity not in Wireshark 4.0's ESP SA table, and no unchecked entry for its ICV";
static const char NOTE_ESP_ESN_INTEG[] =
    "ESN: Wireshark 4.0 leaves the high sequence half out of the ICV "
    "(RFC 4303 2.2.1): decrypted, ICV not checked";
static const char NOTE_ESP_ESN_AEAD[] =
    "ESN: Wireshark 4.0 leaves the high sequence half out of the AEAD "
    "data (RFC 4106 5): decrypted, ICV shown as bad";

static struct ws_row ike_row(const struct ev_ike *r)
{
	struct ws_row w = { EVIDENCE_FULL, NULL, NULL, NULL };
	bool aead = crypto_encr_is_aead(r->encr);

	w.encr = ws_encr_name(ws_ike_encr, NELEM(ws_ike_encr), r->encr,
	    r->encr_key_bits);
	if (w.encr == NULL) {
		w.support = EVIDENCE_NONE;
		w.note = NOTE_IKE_ENCR;
		return w;
	}
	/* An AEAD row must say NONE (packet-isakmp.c refuses anything else). */
	w.integ = ws_integ_name(ws_ike_integ, NELEM(ws_ike_integ),
	    aead ? INTEG_NONE : r->integ);
	if (w.integ == NULL) {
		w.integ = ws_ike_any(crypto_integ_icv_len(r->integ));
		w.support = w.integ ? EVIDENCE_NO_ICV : EVIDENCE_NONE;
		w.note = w.integ ? NOTE_IKE_INTEG : NOTE_IKE_INTEG_NONE;
	}
	return w;
}

static struct ws_row esp_row(const struct ev_esp *r)
{
	struct ws_row w = { EVIDENCE_FULL, NULL, NULL, NULL };
	bool aead = crypto_encr_is_aead(r->encr);

	w.encr = ws_encr_name(ws_esp_encr, NELEM(ws_esp_encr), r->encr, 0);
	if (w.encr == NULL) {
		w.support = EVIDENCE_NONE;
		w.note = NOTE_ESP_ENCR;
		return w;
	}
	/* AES-GCM rows take NULL authentication (packet-ipsec.c). */
	w.integ = ws_integ_name(ws_esp_integ, NELEM(ws_esp_integ),
	    aead ? INTEG_NONE : r->integ);
	if (aead && r->esn) {
		w.support = EVIDENCE_NO_ICV;
		w.note = NOTE_ESP_ESN_AEAD;
	} else if (w.integ == NULL || (r->esn && r->integ != INTEG_NONE)) {
		w.integ = ws_esp_any(crypto_integ_icv_len(r->integ));
		w.support = w.integ ? EVIDENCE_NO_ICV : EVIDENCE_NONE;
		w.note = w.integ == NULL ? NOTE_ESP_INTEG_NONE :
		    r->esn ? NOTE_ESP_ESN_INTEG : NOTE_ESP_INTEG;
	}
	return w;
}

/* ---- the accumulator ----------------------------------------------- */

struct evidence *evidence_new(void)
{
	return calloc(1, sizeof(struct evidence));
}

static void ev_ike_wipe(struct ev_ike *r)
{
	bytes_free(&r->sk_ei);
	bytes_free(&r->sk_er);
	bytes_free(&r->sk_ai);
	bytes_free(&r->sk_ar);
}

static void ev_esp_wipe(struct ev_esp *r)
{
	bytes_free(&r->ekey);
	bytes_free(&r->ikey);
}

void evidence_free(struct evidence *ev)
{
	if (ev == NULL)
		return;
	for (size_t i = 0; i < ev->n_ike; i++)
		ev_ike_wipe(&ev->ike[i]);
	for (size_t i = 0; i < ev->n_esp; i++)
		ev_esp_wipe(&ev->esp[i]);
	free(ev->ike);
	free(ev->esp);
	free(ev);
}

/* Room for one more element of size sz in *arr; 0 or -1. */
static int ev_grow(void **arr, size_t n, size_t *cap, size_t sz)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	if (n >= EVIDENCE_MAX_RECORDS)
		return -1;
	ncap = *cap ? 2 * *cap : 8;
	p = realloc(*arr, ncap * sz);
	if (p == NULL)
		return -1;
	memset((uint8_t *)p + *cap * sz, 0, (ncap - *cap) * sz);
	*arr = p;
	*cap = ncap;
	return 0;
}

/* Both directions' keys of one kind: equal lengths, and the length the
 * algorithm needs when iketest knows it (want 0: unknown, any). */
static int ev_check_pair(const char *what, const struct bytes *a,
    const struct bytes *b, size_t want, struct err *e)
{
	if (a->len != b->len)
		return err_set(e, "evidence_add_ike: %s keys differ in length "
		    "(%zu != %zu)", what, a->len, b->len);
	if (want != 0 && a->len != want)
		return err_set(e, "evidence_add_ike: %s key is %zu bytes, the "
		    "algorithm needs %zu", what, a->len, want);
	return 0;
}

int evidence_add_ike(struct evidence *ev, const uint8_t spi_i[static 8],
    const uint8_t spi_r[static 8], const struct crypto_ike_suite *suite,
    const struct crypto_ike_keys *keys, struct err *e)
{
	struct ev_ike n, *slot = NULL;
	bool aead = crypto_encr_is_aead(suite->encr);

	if (ev_check_pair("SK_e", &keys->sk_ei, &keys->sk_er,
	    crypto_encr_key_len(suite->encr, suite->encr_key_bits), e) < 0 ||
	    ev_check_pair("SK_a", &keys->sk_ai, &keys->sk_ar,
	    aead ? 0 : crypto_integ_key_len(suite->integ), e) < 0)
		return -1;
	if (aead && keys->sk_ai.len != 0)
		return err_set(e, "%s: AEAD %s with %zu-byte SK_a keys", __func__,
		    names_get(NAMES_T_ENCR, suite->encr), keys->sk_ai.len);
	memset(&n, 0, sizeof(n));
	memcpy(n.spi_i, spi_i, EVIDENCE_SPI_LEN);
	memcpy(n.spi_r, spi_r, EVIDENCE_SPI_LEN);
	n.encr = suite->encr;
	n.encr_key_bits = suite->encr_key_bits;
	n.integ = aead ? INTEG_NONE : suite->integ;
	if (bytes_copy(&n.sk_ei, &keys->sk_ei) < 0 ||
	    bytes_copy(&n.sk_er, &keys->sk_er) < 0 ||
	    bytes_copy(&n.sk_ai, &keys->sk_ai) < 0 ||
	    bytes_copy(&n.sk_ar, &keys->sk_ar) < 0) {
		ev_ike_wipe(&n);
		return err_set(e, "%s: out of memory", __func__);
	}
	for (size_t i = 0; i < ev->n_ike && slot == NULL; i++)
		if (memcmp(ev->ike[i].spi_i, spi_i, EVIDENCE_SPI_LEN) == 0 &&
		    memcmp(ev->ike[i].spi_r, spi_r, EVIDENCE_SPI_LEN) == 0)
			slot = &ev->ike[i];
	if (slot == NULL) {
		if (ev_grow((void **)&ev->ike, ev->n_ike, &ev->cap_ike,
		    sizeof(*ev->ike)) < 0) {
			ev_ike_wipe(&n);
			return err_set(e, "%s: out of memory or more than %d IKE "
			    "SAs", __func__, EVIDENCE_MAX_RECORDS);
		}
		slot = &ev->ike[ev->n_ike++];
	} else {
		ev_ike_wipe(slot);
	}
	*slot = n;
	return 0;
}

static size_t ev_addr_len(int family)
{
	return family == 6 ? 16 : 4;
}

int evidence_add_esp(struct evidence *ev, const struct addr *src,
    const struct addr *dst, const struct esp_sa_params *p,
    struct err *e)
{
	struct ev_esp n, *slot = NULL;
	size_t want;

	memset(&n, 0, sizeof(n));
	n.family = src ? src->family : dst ? dst->family : 4;
	if (n.family != 4 && n.family != 6)
		return err_set(e, "%s: address family %d (want 4 or 6)", __func__,
		    n.family);
	if (src && dst && src->family != dst->family)
		return err_set(e, "%s: source is IPv%d, destination IPv%d",
		    __func__, src->family, dst->family);
	want = crypto_encr_key_len(p->encr, p->encr_key_bits);
	if (want != 0 && p->encr_key_len != want)
		return err_set(e, "%s: %s key is %zu bytes, the algorithm needs "
		    "%zu", __func__, names_get(NAMES_T_ENCR, p->encr),
		    p->encr_key_len, want);
	want = crypto_encr_is_aead(p->encr) ? 0 : crypto_integ_key_len(p->integ);
	if (want != 0 && p->integ_key_len != want)
		return err_set(e, "%s: %s key is %zu bytes, the algorithm needs "
		    "%zu", __func__, names_get(NAMES_T_INTEG, p->integ),
		    p->integ_key_len, want);
	n.src_any = src == NULL;
	n.dst_any = dst == NULL;
	if (src)
		memcpy(n.src, src->ip, ev_addr_len(n.family));
	if (dst)
		memcpy(n.dst, dst->ip, ev_addr_len(n.family));
	n.spi = p->spi;
	n.encr = p->encr;
	n.encr_key_bits = p->encr_key_bits;
	n.integ = crypto_encr_is_aead(p->encr) ? INTEG_NONE : p->integ;
	n.esn = p->esn;
	if (bytes_set(&n.ekey, p->encr_key, p->encr_key_len) < 0 ||
	    (n.integ != INTEG_NONE &&
	    bytes_set(&n.ikey, p->integ_key, p->integ_key_len) < 0)) {
		ev_esp_wipe(&n);
		return err_set(e, "%s: out of memory", __func__);
	}
	for (size_t i = 0; i < ev->n_esp && slot == NULL; i++) {
		const struct ev_esp *r = &ev->esp[i];

		if (r->family == n.family && r->spi == n.spi &&
		    r->src_any == n.src_any && r->dst_any == n.dst_any &&
		    memcmp(r->src, n.src, sizeof(n.src)) == 0 &&
		    memcmp(r->dst, n.dst, sizeof(n.dst)) == 0)
			slot = &ev->esp[i];
	}
	if (slot == NULL) {
		if (ev_grow((void **)&ev->esp, ev->n_esp, &ev->cap_esp,
		    sizeof(*ev->esp)) < 0) {
			ev_esp_wipe(&n);
			return err_set(e, "%s: out of memory or more than %d ESP "
			    "SAs", __func__, EVIDENCE_MAX_RECORDS);
		}
		slot = &ev->esp[ev->n_esp++];
	} else {
		ev_esp_wipe(slot);
	}
	*slot = n;
	return 0;
}

size_t evidence_ike_count(const struct evidence *ev)
{
	return ev->n_ike;
}

size_t evidence_esp_count(const struct evidence *ev)
{
	return ev->n_esp;
}

enum evidence_support evidence_ike_support(const struct evidence *ev,
    size_t i, const char **note)
{
	struct ws_row w = { EVIDENCE_NONE, NULL, NULL, "no such record" };

	if (i < ev->n_ike)
		w = ike_row(&ev->ike[i]);
	if (note)
		*note = w.note;
	return w.support;
}

enum evidence_support evidence_esp_support(const struct evidence *ev,
    size_t i, const char **note)
{
	struct ws_row w = { EVIDENCE_NONE, NULL, NULL, "no such record" };

	if (i < ev->n_esp)
		w = esp_row(&ev->esp[i]);
	if (note)
		*note = w.note;
	return w.support;
}

/* ---- writing -------------------------------------------------------- */

/* Hex of a key, prefix in front, into out (wiped by the caller through
 * bytes_free: it is a secret too); no key is "" (Wireshark reads both ""
 * and a bare "0x" as none). */
static int ev_hex(const char *prefix, const struct bytes *key,
    struct bytes *out)
{
	size_t plen = key->len ? strlen(prefix) : 0;

	if (bytes_resize(out, plen + 2 * key->len + 1) < 0)
		return -1;
	memcpy(out->data, prefix, plen);
	bytes_to_hex(key->data, key->len, (char *)out->data + plen);
	return 0;
}

static const char *ev_text(const struct bytes *b)
{
	return (const char *)b->data;
}

static void ev_addr(int family, bool any, const uint8_t *ip, char *out)
{
	if (any) {
		snprintf(out, EVIDENCE_ADDR_TEXT, "*");
	} else if (family == 4) {
		snprintf(out, EVIDENCE_ADDR_TEXT, "%u.%u.%u.%u", ip[0], ip[1],
		    ip[2], ip[3]);
	} else {
		/* Eight full groups: packet-ipsec.c expands addresses with
		 * its own parser, and a full form leaves it nothing to guess. */
		size_t o = 0;

		for (int i = 0; i < 16; i += 2)
			o += (size_t)snprintf(out + o, EVIDENCE_ADDR_TEXT - o,
			    "%s%02x%02x", i ? ":" : "", ip[i], ip[i + 1]);
	}
}

static void ev_note(struct evidence_report *rep, const char *kind,
    unsigned encr, unsigned bits, const char *note)
{
	if (rep->comments++ == 0)
		snprintf(rep->first_comment, sizeof(rep->first_comment),
		    "%s %s/%u: %s", kind, names_get(NAMES_T_ENCR, encr), bits,
		    note);
}

static int ev_write_ike(FILE *f, const struct ev_ike *r,
    struct evidence_report *rep)
{
	struct ws_row w = ike_row(r);
	struct bytes ei = BYTES_EMPTY, er = BYTES_EMPTY, ai = BYTES_EMPTY,
	    ar = BYTES_EMPTY;
	char spi_i[2 * EVIDENCE_SPI_LEN + 1], spi_r[2 * EVIDENCE_SPI_LEN + 1];
	int rc = -1;

	bytes_to_hex(r->spi_i, EVIDENCE_SPI_LEN, spi_i);
	bytes_to_hex(r->spi_r, EVIDENCE_SPI_LEN, spi_r);
	if (ev_hex("", &r->sk_ei, &ei) < 0 || ev_hex("", &r->sk_er, &er) < 0 ||
	    ev_hex("", &r->sk_ai, &ai) < 0 || ev_hex("", &r->sk_ar, &ar) < 0)
		goto out;
	switch (w.support) {
	case EVIDENCE_FULL:
		fprintf(f, "%s,%s,%s,%s,\"%s\",%s,%s,\"%s\"\n", spi_i, spi_r,
		    ev_text(&ei), ev_text(&er), w.encr, ev_text(&ai),
		    ev_text(&ar), w.integ);
		rep->ike_rows++;
		break;
	case EVIDENCE_NO_ICV:
		/* The "ANY" entries take no key: the keys go in the comment. */
		fprintf(f, "# %s (%s): SK_ai=%s SK_ar=%s\n", w.note,
		    names_get(NAMES_T_INTEG, r->integ), ev_text(&ai),
		    ev_text(&ar));
		fprintf(f, "%s,%s,%s,%s,\"%s\",,,\"%s\"\n", spi_i, spi_r,
		    ev_text(&ei), ev_text(&er), w.encr, w.integ);
		rep->ike_rows++;
		rep->no_icv++;
		break;
	case EVIDENCE_NONE:
		fprintf(f, "# %s: %s,%s,%s,%s,ENCR_%s/%u,%s,%s,INTEG_%s\n", w.note,
		    spi_i, spi_r, ev_text(&ei), ev_text(&er),
		    names_get(NAMES_T_ENCR, r->encr), r->encr_key_bits,
		    ev_text(&ai), ev_text(&ar),
		    names_get(NAMES_T_INTEG, r->integ));
		ev_note(rep, "IKE", r->encr, r->encr_key_bits, w.note);
		break;
	}
	rc = 0;
out:
	bytes_free(&ei);
	bytes_free(&er);
	bytes_free(&ai);
	bytes_free(&ar);
	return rc;
}

static int ev_write_esp(FILE *f, const struct ev_esp *r,
    struct evidence_report *rep)
{
	struct ws_row w = esp_row(r);
	struct bytes ek = BYTES_EMPTY, ik = BYTES_EMPTY;
	char src[EVIDENCE_ADDR_TEXT], dst[EVIDENCE_ADDR_TEXT];
	const char *proto = r->family == 6 ? "IPv6" : "IPv4";
	int rc = -1;

	ev_addr(r->family, r->src_any, r->src, src);
	ev_addr(r->family, r->dst_any, r->dst, dst);
	if (ev_hex("0x", &r->ekey, &ek) < 0 || ev_hex("0x", &r->ikey, &ik) < 0)
		goto out;
	switch (w.support) {
	case EVIDENCE_FULL:
	case EVIDENCE_NO_ICV:
		if (w.note)
			fprintf(f, "# %s (SPI 0x%08x, %s%s%s)\n", w.note, r->spi,
			    names_get(NAMES_T_INTEG, r->integ),
			    r->integ != INTEG_NONE ? " key " : "",
			    r->integ != INTEG_NONE ? ev_text(&ik) : "");
		/* An "ANY" row checks nothing, so its key field stays empty. */
		fprintf(f, "\"%s\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"%s\",\"%s\","
		    "\"%s\"\n", proto, src, dst, r->spi, w.encr, ev_text(&ek),
		    w.integ, w.support == EVIDENCE_FULL ? ev_text(&ik) : "");
		rep->esp_rows++;
		rep->no_icv += w.support == EVIDENCE_NO_ICV;
		break;
	case EVIDENCE_NONE:
		fprintf(f, "# %s: \"%s\",\"%s\",\"%s\",\"0x%08x\",\"ENCR_%s/%u\","
		    "\"%s\",\"INTEG_%s\",\"%s\"%s\n", w.note, proto, src, dst,
		    r->spi, names_get(NAMES_T_ENCR, r->encr), r->encr_key_bits,
		    ev_text(&ek), names_get(NAMES_T_INTEG, r->integ),
		    ev_text(&ik), r->esn ? " ESN" : "");
		ev_note(rep, "ESP", r->encr, r->encr_key_bits, w.note);
		break;
	}
	rc = 0;
out:
	bytes_free(&ek);
	bytes_free(&ik);
	return rc;
}

static const char IKE_HEADER[] =
    "# iketest: Wireshark 4.0 IKEv2 decryption table (UAT "
    "\"" EVIDENCE_IKE_TABLE "\"), session keys only.\n"
    "# Copy to $WIRESHARK_CONFIG_DIR/" EVIDENCE_IKE_TABLE
    " (or a profile directory) to decrypt the SK payloads.\n"
    "# Initiator's SPI,Responder's SPI,SK_ei,SK_er,Encryption algorithm,"
    "SK_ai,SK_ar,Integrity algorithm\n";

static const char ESP_HEADER[] =
    "# iketest: Wireshark 4.0 ESP SA table (UAT \"" EVIDENCE_ESP_TABLE
    "\"), session keys only, one line per direction.\n"
    "# Copy to $WIRESHARK_CONFIG_DIR/" EVIDENCE_ESP_TABLE
    " and run tshark with -o esp.enable_encryption_decode:TRUE\n"
    "# -o esp.enable_authentication_check:TRUE.\n"
    "# Protocol,Src IP,Dest IP,SPI,Encryption,Encryption Key,"
    "Authentication,Authentication Key\n";

/* PREFIX.NAME, created 0600 and truncated; *f NULL on failure. */
static int ev_open(const char *prefix, const char *name, FILE **f,
    char *path, size_t pathlen, struct err *e)
{
	int fd;

	*f = NULL;
	if ((size_t)snprintf(path, pathlen, "%s.%s", prefix, name) >= pathlen)
		return err_set(e, "evidence_write: path too long: %s.%s", prefix,
		    name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(e, "%s: %s", path, strerror(errno));
	/* An older file may have had a wider mode. */
	if (fchmod(fd, 0600) < 0 || (*f = fdopen(fd, "w")) == NULL) {
		err_set(e, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return 0;
}

static int ev_close(FILE *f, const char *path, int rc, struct err *e)
{
	bool bad = ferror(f) != 0;

	if (fclose(f) != 0 || bad)
		return rc < 0 ? rc : err_set(e, "%s: write failed", path);
	return rc;
}

int evidence_write(const struct evidence *ev, const char *prefix,
    struct evidence_report *rep, struct err *e)
{
	struct evidence_report local;
	char path[4096];
	FILE *f;
	int rc = 0;

	if (rep == NULL)
		rep = &local;
	memset(rep, 0, sizeof(*rep));
	if (ev_open(prefix, EVIDENCE_IKE_TABLE, &f, path, sizeof(path), e) < 0)
		return -1;
	fputs(IKE_HEADER, f);
	if (ev->n_ike == 0)
		fputs("# (no IKE SA in this test)\n", f);
	for (size_t i = 0; i < ev->n_ike && rc == 0; i++)
		if (ev_write_ike(f, &ev->ike[i], rep) < 0)
			rc = err_set(e, "%s: out of memory", path);
	if (ev_close(f, path, rc, e) < 0)
		return -1;

	if (ev_open(prefix, EVIDENCE_ESP_TABLE, &f, path, sizeof(path), e) < 0)
		return -1;
	fputs(ESP_HEADER, f);
	if (ev->n_esp == 0)
		fputs("# (no ESP SA in this test)\n", f);
	for (size_t i = 0; i < ev->n_esp && rc == 0; i++)
		if (ev_write_esp(f, &ev->esp[i], rep) < 0)
			rc = err_set(e, "%s: out of memory", path);
	return ev_close(f, path, rc, e);
}
