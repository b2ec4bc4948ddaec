/* libFuzzer target: arbitrary text through the commented-hex parser. The
 * parser must never read out of bounds, and its two views of a text (the
 * auto-detection and the parse) must agree on what is hex. */
#include <stdlib.h>

#include "bytes.h"
#include "err.h"
#include "hexfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bytes out = BYTES_EMPTY;
	struct err e;
	bool hex = hexfile_looks_like_hex(data, size);
	int rc = hexfile_parse(&out, (const char *)data, size, &e);

	/* Parsed bytes mean the text was all hex and comments. */
	if (rc == 0 && out.len > 0 && !hex)
		abort();
	/* Text the detector calls hex fails to parse only for an odd count. */
	if (rc < 0 && hex && out.len * 2 + 1 > size)
		abort();
	bytes_free(&out);
	return 0;
}
