#include "names.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct names_entry {
	unsigned value;
	const char *name;
};

#define X(sym, value) { value, #sym },
static const struct names_entry exchange[] = { NAMES_EXCHANGE(X) };
static const struct names_entry payload[] = { NAMES_PAYLOAD(X) };
static const struct names_entry notify[] = { NAMES_NOTIFY(X) };
static const struct names_entry protocol[] = { NAMES_PROTOCOL(X) };
static const struct names_entry transform_type[] = { NAMES_TRANSFORM_TYPE(X) };
static const struct names_entry encr[] = { NAMES_ENCR(X) };
static const struct names_entry prf[] = { NAMES_PRF(X) };
static const struct names_entry integ[] = { NAMES_INTEG(X) };
static const struct names_entry dh[] = { NAMES_DH(X) };
static const struct names_entry esn[] = { NAMES_ESN(X) };
static const struct names_entry attribute[] = { NAMES_ATTRIBUTE(X) };
static const struct names_entry id[] = { NAMES_ID(X) };
static const struct names_entry cert[] = { NAMES_CERT(X) };
static const struct names_entry auth[] = { NAMES_AUTH(X) };
static const struct names_entry hash[] = { NAMES_HASH(X) };
static const struct names_entry ts[] = { NAMES_TS(X) };
static const struct names_entry cfg[] = { NAMES_CFG(X) };
static const struct names_entry cfg_attr[] = { NAMES_CFG_ATTR(X) };
static const struct names_entry eap_code[] = { NAMES_EAP_CODE(X) };
#undef X

static const struct {
	const struct names_entry *entries;
	size_t count;
	const char *prefix;
	const char *title;
} tables[NAMES_T_COUNT] = {
#define X(table, prefix, title) \
	[NAMES_T_##table] = { 0, 0, #prefix, title },
	NAMES_TABLES(X)
#undef X
};

/* The table pointers are filled here rather than in the initializer above
 * because the arrays are named in lower case and the preprocessor cannot
 * lower-case a token. */
static const struct names_entry *entries_of(enum names_table t, size_t *n)
{
	switch (t) {
#define CASE(T, arr) case NAMES_T_##T: *n = sizeof(arr) / sizeof(arr[0]); return arr;
	CASE(EXCHANGE, exchange)
	CASE(PAYLOAD, payload)
	CASE(NOTIFY, notify)
	CASE(PROTOCOL, protocol)
	CASE(TRANSFORM_TYPE, transform_type)
	CASE(ENCR, encr)
	CASE(PRF, prf)
	CASE(INTEG, integ)
	CASE(DH, dh)
	CASE(ESN, esn)
	CASE(ATTRIBUTE, attribute)
	CASE(ID, id)
	CASE(CERT, cert)
	CASE(AUTH, auth)
	CASE(HASH, hash)
	CASE(TS, ts)
	CASE(CFG, cfg)
	CASE(CFG_ATTR, cfg_attr)
	CASE(EAP_CODE, eap_code)
#undef CASE
	case NAMES_T_COUNT:
		break;
	}
	*n = 0;
	return NULL;
}

const char *names_find(enum names_table t, unsigned value)
{
	size_t i, n;
	const struct names_entry *e = entries_of(t, &n);

	for (i = 0; i < n; i++)
		if (e[i].value == value)
			return e[i].name;
	return NULL;
}

const char *names_get(enum names_table t, unsigned value)
{
	static char unknown[8][24];
	static unsigned next;
	const char *name = names_find(t, value);
	char *out;

	if (name)
		return name;
	out = unknown[next++ % 8];
	snprintf(out, sizeof(unknown[0]), "<UNKNOWN:%u>", value);
	return out;
}

const char *names_title(enum names_table t)
{
	return t < NAMES_T_COUNT ? tables[t].title : "?";
}

const char *names_prefix(enum names_table t)
{
	return t < NAMES_T_COUNT ? tables[t].prefix : "";
}

int names_parse(enum names_table t, const char *text, size_t len,
    unsigned *value)
{
	const char *prefix = names_prefix(t);
	size_t plen = strlen(prefix), i, n;
	const struct names_entry *e = entries_of(t, &n);

	if (len > 0 && len < 12) {
		char digits[12];
		char *end;
		unsigned long v;

		memcpy(digits, text, len);
		digits[len] = '\0';
		if (isdigit((unsigned char)digits[0])) {
			v = strtoul(digits, &end, 10);
			if (*end == '\0' && v <= 0xffffffffUL) {
				*value = (unsigned)v;
				return 0;
			}
		}
	}
	if (len > plen && strncasecmp(text, prefix, plen) == 0) {
		/* "ENCR_AES_CBC": try without the prefix first. */
		for (i = 0; i < n; i++)
			if (strlen(e[i].name) == len - plen &&
			    strncasecmp(e[i].name, text + plen, len - plen) == 0) {
				*value = e[i].value;
				return 0;
			}
	}
	for (i = 0; i < n; i++)
		if (strlen(e[i].name) == len &&
		    strncasecmp(e[i].name, text, len) == 0) {
			*value = e[i].value;
			return 0;
		}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Suggestions: "did you mean" for every name a user writes            */

enum { SUGGEST_MAX_LEN = 64 };

/* Levenshtein distance, ignoring ASCII case; 99 for overlong words. */
static size_t edit_distance(const char *a, size_t la, const char *b,
    size_t lb)
{
	size_t i, j, prev, cur, d[SUGGEST_MAX_LEN + 1];

	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return 99;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = d[j];
			size_t sub = prev + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			size_t best = d[j] + 1 < d[j - 1] + 1 ? d[j] + 1 :
			    d[j - 1] + 1;
			d[j] = sub < best ? sub : best;
			prev = cur;
		}
	}
	return d[lb];
}

/* How far a suggestion may be: a typo or two, more for long names. */
static size_t suggest_limit(size_t len)
{
	return len <= 3 ? 1 : len <= 12 ? 2 : 3;
}

/* Keeps word when it is nearer than *best. */
static void suggest_try(const char *w, size_t len, const char *word,
    const char **best, size_t *best_d)
{
	size_t dist = edit_distance(w, len, word, strlen(word));

	if (dist <= suggest_limit(len) && (*best == NULL || dist < *best_d)) {
		*best = word;
		*best_d = dist;
	}
}

const char *names_suggest_rows(const char *w, size_t len, const void *rows,
    size_t stride)
{
	const char *best = NULL, *word, *row = rows;
	size_t best_d = 99;

	for (; (word = *(const char *const *)(const void *)row) != NULL;
	    row += stride)
		suggest_try(w, len, word, &best, &best_d);
	return best;
}

const char *names_suggest(const char *w, size_t len, const char *const *words)
{
	return names_suggest_rows(w, len, words, sizeof(words[0]));
}

const char *names_suggest_table(enum names_table t, const char *w,
    size_t len)
{
	size_t i, n, plen = strlen(names_prefix(t)), best_d = 99;
	const struct names_entry *e = entries_of(t, &n);
	const char *best = NULL;

	/* "ENCR_AES_CBX": compare without the prefix. */
	if (len > plen && strncasecmp(w, names_prefix(t), plen) == 0) {
		w += plen;
		len -= plen;
	}
	for (i = 0; i < n; i++)
		suggest_try(w, len, e[i].name, &best, &best_d);
	return best;
}

bool names_encr_keylen_ok(unsigned transform, unsigned bits)
{
	switch (transform) {
	case ENCR_AES_CBC:		/* RFC 3602 */
	case ENCR_AES_CTR:		/* RFC 3686 */
	case ENCR_AES_CCM_8:		/* RFC 4309 */
	case ENCR_AES_CCM_12:
	case ENCR_AES_CCM_16:
	case ENCR_AES_GCM_8:		/* RFC 4106 */
	case ENCR_AES_GCM_12:
	case ENCR_AES_GCM_16:
	case ENCR_NULL_AUTH_AES_GMAC:	/* RFC 4543 */
	case ENCR_CAMELLIA_CBC:		/* RFC 5529 */
	case ENCR_CAMELLIA_CTR:
	case ENCR_CAMELLIA_CCM_8:
	case ENCR_CAMELLIA_CCM_12:
	case ENCR_CAMELLIA_CCM_16:
		return bits == 0 || bits == 128 || bits == 192 || bits == 256;
	case ENCR_RC5:			/* RFC 2451: variable, in bytes */
	case ENCR_BLOWFISH:
	case ENCR_CAST:
		return bits % 8 == 0 && bits <= 2040;
	}
	return bits == 0;	/* fixed key sizes (3DES, ChaCha20, NULL) */
}
