/* The checkers test_vectors dispatches to, by a file's "kind:". A checker
 * returns 0 when iketest's crypto agrees with the case (including: a case
 * marked invalid was rejected) and -1 with the reason otherwise. */
#ifndef IKETEST_VECTORS_KINDS_H
#define IKETEST_VECTORS_KINDS_H

#include "err.h"
#include "names.h"
#include "vector.h"

struct vector_kind {
	const char *kind;
	int (*check)(const struct vector_file *f, const struct vector_case *c,
	    struct err *why);
};

/* A field holding an IANA name of table t (vectors_util.c); a missing
 * field or an unknown name is an error naming the case's line. */
int vectors_get_name(const struct vector_case *c, const char *field,
    enum names_table t, unsigned *value, struct err *why);

/* NULL-terminated tables. */
extern const struct vector_kind vectors_sym_kinds[];	/* vectors_sym.c */
extern const struct vector_kind vectors_asym_kinds[];	/* vectors_asym.c */

#endif
