/* evidence: the Wireshark key tables of a test, so that anyone holding the
 * test's pcap can read the encrypted IKE and ESP traffic in it.
 *
 * The interpreter records every IKE SA (SPIs, SK_ei/er, SK_ai/ar and
 * algorithms) and every ESP SA direction (outer addresses, SPI, keys and
 * algorithms) as they come and go; evidence_write puts them beside the
 * pcap in the two User Access Table (UAT) files of Wireshark 4.0:
 *
 *   PREFIX.ikev2_decryption_table (Wireshark's "ikev2_decryption_table"),
 *   one line per IKE SA; hex fields bare, algorithm names quoted:
 *     SPIi,SPIr,SK_ei,SK_er,"Encryption algorithm",SK_ai,SK_ar,"Integrity algorithm"
 *     0102030405060708,1112131415161718,<hex>,<hex>,"AES-CBC-256 [RFC3602]",<hex>,<hex>,"HMAC_SHA2_256_128 [RFC4868]"
 *
 *   PREFIX.esp_sa (Wireshark's "esp_sa"), one line per SA direction, every
 *   field quoted:
 *     "Protocol","Src IP","Dest IP","SPI","Encryption","Encryption Key","Authentication","Authentication Key"
 *     "IPv4","192.0.2.1","198.51.100.2","0x0000c0de","AES-CBC [RFC3602]","0x<hex>","HMAC-SHA-256-128 [RFC4868]","0x<hex>"
 *
 * Keys are as the key derivation gives them (RFC 7296 2.14, 2.17): AES-GCM,
 * AES-CCM and AES-CTR keys end with their salt or nonce, which is what
 * Wireshark expects. The files hold session keys only (SK_e and SK_a, the
 * ESP keys), never SK_d, SK_p, a PSK or a private key; they are created
 * with mode 0600. Lines starting with '#' are comments to Wireshark. AH SAs
 * are not recorded: AH encrypts nothing and 4.0 has no AH key table.
 *
 * What Wireshark 4.0 cannot take (its tables list no such algorithm) is
 * written as a comment line with all the keys, so that nothing is lost
 * and a later Wireshark can be fed by hand, and counted in the report:
 *   IKE: ENCR_CHACHA20_POLY1305 and the CAMELLIA ciphers; AES-XCBC-96 and
 *        AES-CMAC-96 integrity are written as "ANY 96-bits of
 *        Authentication [No Checking]" with empty SK_ai/SK_ar (Wireshark
 *        decrypts but does not check the ICV; the keys go in a comment).
 *   ESP: AES-CCM, ChaCha20-Poly1305 (later Wireshark releases list it),
 *        NULL_AUTH_AES_GMAC, CAMELLIA: comment only. AES-XCBC-96 and
 *        AES-CMAC-96 integrity: "ANY 96 bit authentication [no checking]".
 *        Extended sequence numbers (RFC 4303 2.2.1): 4.0 leaves the high
 *        half out of the ICV and of the AEAD associated data, so for an
 *        ESN SA an integrity algorithm is written as "ANY n bit" (no
 *        check), and an AES-GCM SA decrypts but its ICV shows as bad.
 *
 * To read a capture with them (tshark 4.0; the same files copied into a
 * Wireshark profile directory work in the GUI, with ESP decryption turned
 * on in Preferences > Protocols > ESP):
 *
 *   d=$(mktemp -d)
 *   cp T.ikev2_decryption_table $d/ikev2_decryption_table
 *   cp T.esp_sa $d/esp_sa
 *   WIRESHARK_CONFIG_DIR=$d tshark -r T.pcap \
 *     -o esp.enable_encryption_decode:TRUE \
 *     -o esp.enable_authentication_check:TRUE
 */
#ifndef IKETEST_EVIDENCE_H
#define IKETEST_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct crypto_ike_suite;
struct crypto_ike_keys;
struct esp_sa_params;
struct addr;
struct err;

/* The file names evidence_write appends to its prefix, and the names
 * Wireshark looks for in its configuration directory. */
#define EVIDENCE_IKE_TABLE "ikev2_decryption_table"
#define EVIDENCE_ESP_TABLE "esp_sa"

/* What Wireshark 4.0 does with one recorded SA. */
enum evidence_support {
	EVIDENCE_FULL,		/* decrypts and checks the ICV */
	EVIDENCE_NO_ICV,	/* decrypts, does not check the ICV */
	EVIDENCE_NONE,		/* cannot decrypt: a comment line only */
};

struct evidence;

/* An empty accumulator, or NULL when out of memory. */
struct evidence *evidence_new(void);
/* Wipes every key; NULL is fine. */
void evidence_free(struct evidence *ev);

/* An IKE SA (its keys from crypto_ike_keys or crypto_ike_rekey_keys).
 * A second record with the same SPI pair replaces the first. Fails on a
 * key whose length does not fit the suite. */
int evidence_add_ike(struct evidence *ev, const uint8_t spi_i[static 8],
    const uint8_t spi_r[static 8], const struct crypto_ike_suite *suite,
    const struct crypto_ike_keys *keys, struct err *e);

/* One direction of an ESP SA: the parameters given to esp_sa_new (SPI,
 * algorithms, keys, ESN) and the outer addresses of its packets as the
 * capture shows them (src, dst of the same family; NULL for either one
 * writes Wireshark's wildcard "*", for a peer behind a NAT whose address
 * is not known; family then comes from the other, or is 4 when both are
 * NULL). A second record with the same family, addresses and SPI
 * replaces the first. */
int evidence_add_esp(struct evidence *ev, const struct addr *src,
    const struct addr *dst, const struct esp_sa_params *p,
    struct err *e);

/* How many records, and how Wireshark 4.0 takes the i-th one; note
 * (may be NULL) gets why, when it is not EVIDENCE_FULL. */
size_t evidence_ike_count(const struct evidence *ev);
size_t evidence_esp_count(const struct evidence *ev);
enum evidence_support evidence_ike_support(const struct evidence *ev,
    size_t i, const char **note);
enum evidence_support evidence_esp_support(const struct evidence *ev,
    size_t i, const char **note);

/* What evidence_write wrote. */
struct evidence_report {
	size_t ike_rows, esp_rows;	/* table lines Wireshark reads */
	size_t no_icv;			/* ... of which with the ICV unchecked */
	size_t comments;		/* SAs written as comments only */
	char first_comment[160];	/* why, for the first of those */
};

/* Writes PREFIX.ikev2_decryption_table and PREFIX.esp_sa (both, even
 * when empty: the header comments then say so), mode 0600, replacing
 * what was there. rep may be NULL. */
int evidence_write(const struct evidence *ev, const char *prefix,
    struct evidence_report *rep, struct err *e);

/* Key sets: the session keys of IKE SAs as an end of an interop cell
 * gives them to the observer (iketest respond --keys, an adapter's `keys`
 * verb; iketest observe --keys). One line per IKE SA, keys in hex:
 *
 *   ike-keys SK_ei SK_er SK_ai SK_ar
 *
 * SK_ai and SK_ar are "-" for an AEAD cipher; blank lines and lines
 * starting with '#' are skipped. No SPIs and no algorithms: an end that
 * cannot name them (strongSwan logs its keys without SPIs) can still give
 * its keys; the observer takes the algorithms from the IKE_SA_INIT it saw
 * and binds a set to the IKE SA whose SK it decrypts with a good ICV.
 * Session keys only: never SK_d, SK_p, a PSK or a private key. */
struct evidence_keysets {
	struct crypto_ike_keys *k;	/* sk_ei, sk_er, sk_ai, sk_ar set */
	size_t n;
};

/* One line for k (its sk_ei, sk_er, sk_ai, sk_ar) to f, flushed. */
int evidence_keyset_write(FILE *f, const struct crypto_ike_keys *k,
    struct err *e);
/* Appends the sets of text[0..len) to out; errors "NAME:LINE: why". */
int evidence_keysets_parse(const char *name, const char *text, size_t len,
    struct evidence_keysets *out, struct err *e);
int evidence_keysets_read(const char *path, struct evidence_keysets *out,
    struct err *e);
void evidence_keysets_free(struct evidence_keysets *k);	/* wipes */

#endif
