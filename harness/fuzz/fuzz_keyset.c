/* libFuzzer target: arbitrary text through the key set reader of
 * evidence_keyset.c (what `iketest observe --keys` reads from an
 * adapter). A refusal must name the input as "fuzz.keys:LINE:"; a set it
 * takes has SK_ei and SK_er and keys of at most 64 bytes, and writes
 * back to a line that reads as the same set. Seeds:
 * harness/fuzz/seed_keyset.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "crypto.h"
#include "err.h"
#include "evidence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const struct bytes *a, const struct bytes *b)
{
	return a->len == b->len && (a->len == 0 ||
	    memcmp(a->data, b->data, a->len) == 0);
}

static void round_trip(const struct crypto_ike_keys *k)
{
	struct evidence_keysets again = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct err e;

	if (f == NULL || evidence_keyset_write(f, k, &e) < 0)
		abort();
	fclose(f);
	if (evidence_keysets_parse("again", text, len, &again, &e) < 0 ||
	    again.n != 1 || !same(&again.k[0].sk_ei, &k->sk_ei) ||
	    !same(&again.k[0].sk_er, &k->sk_er) ||
	    !same(&again.k[0].sk_ai, &k->sk_ai) ||
	    !same(&again.k[0].sk_ar, &k->sk_ar))
		abort();
	evidence_keysets_free(&again);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evidence_keysets got = { 0 };
	struct err e;
	size_t i;

	if (evidence_keysets_parse("fuzz.keys", (const char *)data, size, &got,
	    &e) < 0) {
		if (strncmp(e.text, "fuzz.keys:", 10) != 0)
			abort();
		evidence_keysets_free(&got);
		return 0;
	}
	for (i = 0; i < got.n; i++) {
		const struct crypto_ike_keys *k = &got.k[i];

		if (k->sk_ei.len == 0 || k->sk_er.len == 0 ||
		    k->sk_ei.len > 64 || k->sk_er.len > 64 ||
		    k->sk_ai.len > 64 || k->sk_ar.len > 64)
			abort();
		round_trip(k);
	}
	evidence_keysets_free(&got);
	return 0;
}
