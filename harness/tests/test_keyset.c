/* keyset: the key sets of evidence_keyset.c. A written set reads back
 * equal, AEAD sets with "-" too; every malformed line is refused with
 * NAME:LINE; then every truncation and every single-byte change of a good
 * file, which must either parse or be refused with NAME:LINE (under
 * ASan/UBSan in make check, this is the reader's mutation sweep). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "crypto.h"
#include "err.h"
#include "evidence.h"
#include "tap.h"

static void key_pattern(struct bytes *b, size_t len, unsigned seed)
{
	uint8_t buf[64];
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 31 + i * 7);
	bytes_set(b, buf, len);
}

/* A written set, read back: the same four keys. */
static void check_round_trip(bool aead)
{
	struct crypto_ike_keys k = { 0 };
	struct evidence_keysets got = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct err e;

	key_pattern(&k.sk_ei, 32, 1);
	key_pattern(&k.sk_er, 32, 2);
	if (!aead) {
		key_pattern(&k.sk_ai, 32, 3);
		key_pattern(&k.sk_ar, 32, 4);
	}
	key_pattern(&k.sk_d, 32, 5);	/* never written */
	ok(f != NULL && evidence_keyset_write(f, &k, &e) == 0,
	    "%s: a set is written", aead ? "AEAD" : "cipher+integrity");
	if (f != NULL)
		fclose(f);
	ok(text != NULL && strncmp(text, "ike-keys ", 9) == 0 &&
	    strchr(text, '\n') == text + len - 1, "%s: one \"ike-keys\" line",
	    aead ? "AEAD" : "cipher+integrity");
	ok(evidence_keysets_parse("k", text, len, &got, &e) == 0 && got.n == 1,
	    "%s: it reads back as one set", aead ? "AEAD" : "cipher+integrity");
	if (got.n == 1) {
		cmp_mem(got.k[0].sk_ei.data, got.k[0].sk_ei.len, k.sk_ei.data,
		    k.sk_ei.len, "SK_ei read back");
		cmp_mem(got.k[0].sk_er.data, got.k[0].sk_er.len, k.sk_er.data,
		    k.sk_er.len, "SK_er read back");
		cmp_mem(got.k[0].sk_ai.data, got.k[0].sk_ai.len, k.sk_ai.data,
		    k.sk_ai.len, "SK_ai read back (%s)", aead ? "-" : "hex");
		cmp_mem(got.k[0].sk_ar.data, got.k[0].sk_ar.len, k.sk_ar.data,
		    k.sk_ar.len, "SK_ar read back (%s)", aead ? "-" : "hex");
		ok(got.k[0].sk_d.len == 0, "SK_d is not in a key set");
	}
	evidence_keysets_free(&got);
	crypto_ike_keys_free(&k);
	free(text);
}

static const char GOOD[] =
    "# keys of reference, cell 1\n"
    "ike-keys 00112233445566778899aabbccddeeff 0f0e0d0c0b0a09080706050403020100 - -\n"
    "\n"
    "  ike-keys aabb ccdd eeff 0011\r\n"
    "ike-keys\t01 02 03 04";

static void check_good(void)
{
	struct evidence_keysets got = { 0 };
	struct err e;

	ok(evidence_keysets_parse("good", GOOD, strlen(GOOD), &got, &e) == 0,
	    "comments, blank lines, CR, tabs and a last line with no newline");
	is_int(got.n, 3, "three sets");
	if (got.n == 3)
		ok(got.k[0].sk_ai.len == 0 && got.k[1].sk_ai.len == 2 &&
		    got.k[2].sk_ar.len == 1 && got.k[2].sk_ar.data[0] == 4,
		    "each set has its own keys");
	ok(evidence_keysets_parse("good", GOOD, strlen(GOOD), &got, &e) == 0 &&
	    got.n == 6, "a second file appends (%zu sets)", got.n);
	evidence_keysets_free(&got);
	ok(got.n == 0 && got.k == NULL, "free leaves an empty list");
}

static const struct {
	const char *text, *want;
} BAD[] = {
	{ "ike-key 00 11 - -\n", "bad:1: not an \"ike-keys\" line" },
	{ "\nike-keys 00 11 -\n", "bad:2: 3 keys where" },
	{ "ike-keys 00 11 - - 22\n", "bad:1: more than 4 keys" },
	{ "ike-keys 00 11 22 -\n", "bad:1: SK_ai and SK_ar are both" },
	{ "ike-keys - 11 - -\n", "bad:1: SK_ei and SK_er cannot be empty" },
	{ "ike-keys 0g 11 - -\n", "bad:1: key 1" },
	{ "ike-keys 001 11 - -\n", "bad:1: key 1" },
	{ "#\nike-keys\n", "bad:2: 0 keys" },
};

static void check_bad(void)
{
	char long_key[2 * 65 + 40], long_line[1100];
	struct evidence_keysets got = { 0 };
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		int rc = evidence_keysets_parse("bad", BAD[i].text,
		    strlen(BAD[i].text), &got, &e);

		ok(rc < 0 && strncmp(e.text, BAD[i].want, strlen(BAD[i].want)) == 0,
		    "refused: \"%s\" (%s)", BAD[i].want, rc < 0 ? e.text : "taken");
		evidence_keysets_free(&got);
	}
	snprintf(long_key, sizeof(long_key), "ike-keys %0130d 11 - -", 0);
	ok(evidence_keysets_parse("bad", long_key, strlen(long_key), &got, &e) < 0 &&
	    strstr(e.text, "over 64 bytes") != NULL, "a key of 65 bytes is refused");
	evidence_keysets_free(&got);
	memset(long_line, 'a', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\0';
	ok(evidence_keysets_parse("bad", long_line, strlen(long_line), &got, &e) < 0 &&
	    strncmp(e.text, "bad:1: a line of over", 21) == 0,
	    "a line of 1099 characters is refused");
	evidence_keysets_free(&got);
	ok(evidence_keysets_read("/nonexistent/keys", &got, &e) < 0 &&
	    strstr(e.text, "/nonexistent/keys") != NULL,
	    "a missing file is named (%s)", e.text);
}

/* Every truncation and every byte of GOOD changed to a few values: parse
 * or a NAME:LINE refusal, nothing else. */
static void check_sweep(void)
{
	static const char subst[] = { ' ', '-', '\n', '#', '0', 'x', '\0' };
	size_t len = strlen(GOOD), i, j, cases = 0, bad = 0;
	char buf[sizeof(GOOD)];

	for (i = 0; i <= len; i++) {
		for (j = 0; j <= sizeof(subst); j++) {
			struct evidence_keysets got = { 0 };
			struct err e;
			size_t n = len;

			memcpy(buf, GOOD, len);
			if (j == sizeof(subst))
				n = i;		/* truncated at i */
			else if (i < len)
				buf[i] = subst[j];
			else
				continue;
			cases++;
			if (evidence_keysets_parse("m", buf, n, &got, &e) < 0 &&
			    strncmp(e.text, "m:", 2) != 0)
				bad++;
			evidence_keysets_free(&got);
		}
	}
	ok(bad == 0, "mutation sweep: %zu cases, each parsed or refused with "
	    "m:LINE (%zu not)", cases, bad);
}

int main(void)
{
	check_round_trip(false);
	check_round_trip(true);
	check_good();
	check_bad();
	check_sweep();
	return tap_done();
}
