/* vector: reader of iketest's known-answer files (the .vec files in vectors/).
 *
 * The format, one for every source (vectors/README.md has the long form):
 *
 *   # comments run to the end of the line
 *   kind: prf                       <- header block: kind and source required
 *   source: RFC 4231 section 4
 *   licence: ...                    <- optional
 *
 *   name: test case 1               <- one case per blank-line separated block
 *   prf: HMAC_SHA2_256
 *   key: 0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b
 *        0b0b0b0b                    <- indented lines continue a value
 *   data: 4869205468657265
 *   out: b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7
 *   result: valid                   <- optional: valid (default) or invalid
 *
 * A case may repeat "source:" to cite a finer place than the header.
 * Values are text; hex values are read with vector_get_hex. */
#ifndef IKETEST_VECTOR_H
#define IKETEST_VECTOR_H

#include <stddef.h>

#include "bytes.h"
#include "err.h"

struct vector_field {
	char *name;
	char *value;	/* continuation lines joined with one space */
	int line;
};

struct vector_case {
	int line;	/* line of the block's first field */
	size_t nfields;
	struct vector_field *fields;
};

struct vector_file {
	char *path;
	char *kind;
	char *source;
	struct vector_case header;	/* all header fields */
	size_t ncases;
	struct vector_case *cases;
};

/* Parses text (not NUL-terminated) read from path. Errors are
 * "path:line: message": a field without ':', a continuation with nothing
 * to continue, a duplicate field in one case, a header without kind or
 * source. */
int vector_parse(const char *path, const char *text, size_t len,
    struct vector_file *out, struct err *e);
int vector_load(const char *path, struct vector_file *out, struct err *e);
void vector_free(struct vector_file *f);

/* The value of a field, or NULL. */
const char *vector_get(const struct vector_case *c, const char *name);
/* A hex field as bytes; an absent field is an error naming it (with the
 * case's line), an empty value gives zero bytes. */
int vector_get_hex(const struct vector_case *c, const char *name,
    struct bytes *out, struct err *e);
/* 1 if the case says "result: invalid", else 0. */
int vector_expects_invalid(const struct vector_case *c);

#endif
