/* fuzz_vector: vector_parse on any bytes must either fail with a
 * "path:line: message" text or give a file whose every field can be
 * read back (and hex-decoded or refused) without crashing or leaking. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bytes.h"
#include "err.h"
#include "vector.h"

static void walk(const struct vector_case *c)
{
	size_t i;

	for (i = 0; i < c->nfields; i++) {
		struct bytes b = BYTES_EMPTY;
		struct err e;

		/* The lookup must find this very field (first of its name). */
		if (vector_get(c, c->fields[i].name) == NULL)
			__builtin_trap();
		vector_get_hex(c, c->fields[i].name, &b, &e);
		bytes_free(&b);
	}
	(void)vector_expects_invalid(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vector_file f;
	struct err e;
	size_t i;

	if (vector_parse("fuzz.vec", (const char *)data, size, &f, &e) < 0) {
		/* Errors name the file first. */
		if (strncmp(e.text, "fuzz.vec:", 9) != 0)
			__builtin_trap();
		return 0;
	}
	if (f.kind == NULL || f.source == NULL)
		__builtin_trap();
	walk(&f.header);
	for (i = 0; i < f.ncases; i++)
		walk(&f.cases[i]);
	vector_free(&f);
	return 0;
}
