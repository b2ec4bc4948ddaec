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
