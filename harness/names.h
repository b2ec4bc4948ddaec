/* names: the IANA registries of names.def as enums and lookup tables. */
#ifndef IKETEST_NAMES_H
#define IKETEST_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "names.def"


/* One enum per table: enum names_exchange { EXCH_IKE_SA_INIT = 34, ... }. */
#define X(sym, value) EXCH_##sym = value,
enum names_exchange { NAMES_EXCHANGE(X) };
#undef X
#define X(sym, value) PL_##sym = value,
enum names_payload { NAMES_PAYLOAD(X) };
#undef X
#define X(sym, value) N_##sym = value,
enum names_notify { NAMES_NOTIFY(X) };
#undef X
#define X(sym, value) PROTO_##sym = value,
enum names_protocol { NAMES_PROTOCOL(X) };
#undef X
#define X(sym, value) TT_##sym = value,
enum names_transform_type { NAMES_TRANSFORM_TYPE(X) };
#undef X
#define X(sym, value) ENCR_##sym = value,
enum names_encr { NAMES_ENCR(X) };
#undef X
#define X(sym, value) PRF_##sym = value,
enum names_prf { NAMES_PRF(X) };
#undef X
#define X(sym, value) INTEG_##sym = value,
enum names_integ { NAMES_INTEG(X) };
#undef X
#define X(sym, value) DH_##sym = value,
enum names_dh { NAMES_DH(X) };
#undef X
#define X(sym, value) ESN_##sym = value,
enum names_esn { NAMES_ESN(X) };
#undef X
#define X(sym, value) ATTR_##sym = value,
enum names_attribute { NAMES_ATTRIBUTE(X) };
#undef X
#define X(sym, value) ID_##sym = value,
enum names_id { NAMES_ID(X) };
#undef X
#define X(sym, value) CERT_##sym = value,
enum names_cert { NAMES_CERT(X) };
#undef X
#define X(sym, value) AUTH_##sym = value,
enum names_auth { NAMES_AUTH(X) };
#undef X
#define X(sym, value) HASH_##sym = value,
enum names_hash { NAMES_HASH(X) };
#undef X
#define X(sym, value) TS_##sym = value,
enum names_ts { NAMES_TS(X) };
#undef X
#define X(sym, value) CFG_##sym = value,
enum names_cfg { NAMES_CFG(X) };
#undef X
#define X(sym, value) CFGA_##sym = value,
enum names_cfg_attr { NAMES_CFG_ATTR(X) };
#undef X
#define X(sym, value) EAP_##sym = value,
enum names_eap_code { NAMES_EAP_CODE(X) };
#undef X

/* Which table: NAMES_T_EXCHANGE, NAMES_T_PAYLOAD, ... */
#define X(table, prefix, title) NAMES_T_##table,
enum names_table { NAMES_TABLES(X) NAMES_T_COUNT };
#undef X

/* The name without its prefix ("AES_CBC"), or "<UNKNOWN:n>" in a static
 * per-call-site-safe buffer: the returned pointer stays valid until the
 * 8th following call for an unknown value. */
const char *names_get(enum names_table t, unsigned value);
/* Like names_get but NULL for an unknown value. */
const char *names_find(enum names_table t, unsigned value);
/* Reads a name back, with or without the prefix, any case
 * ("aes_cbc", "ENCR_AES_CBC"), or a decimal number. 0 or -1. */
int names_parse(enum names_table t, const char *text, size_t len,
    unsigned *value);
/* "encryption algorithm" and "ENCR_" for messages and prefixes. */
const char *names_title(enum names_table t);
const char *names_prefix(enum names_table t);

/* "did you mean": the word nearest to w[0..len) (edit distance, any case)
 * within a typo or two (1 for words of 3 letters or fewer, 3 from 13 on),
 * or NULL. The one helper for scripts, profiles and the command line. */
const char *names_suggest(const char *w, size_t len,
    const char *const *words);	/* words ended by NULL */
/* The same over rows that each start with their word (a const char *),
 * ended by a NULL word; stride is the size of a row. */
const char *names_suggest_rows(const char *w, size_t len, const void *rows,
    size_t stride);
/* The nearest name of table t (without its prefix; a prefix in w is
 * skipped): "AES_CBC" for "AES_CBX". */
const char *names_suggest_table(enum names_table t, const char *w,
    size_t len);

/* Whether ENCR transform encr takes a Key Length attribute of bits (0:
 * none written). RFC 7296 3.3.5: only variable-length ciphers carry one;
 * AES and Camellia modes take 128, 192 or 256 (RFC 3602, 3686, 4106,
 * 4309, 4543, 5529); fixed-size ciphers (3DES, ChaCha20-Poly1305 per RFC
 * 7634 2, NULL) take none. */
bool names_encr_keylen_ok(unsigned encr, unsigned bits);

#endif
