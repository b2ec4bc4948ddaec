/* expand: $NAME and ${NAME} in a profile word, from the environment (the
 * lab's variables: `ci/lab env SLOT`), e.g. `$CREDS_DIR/psk`. One
 * function for `iketest run` and `iketest respond`, whose profiles read
 * the same words; the two differ only where the flags say. */
#ifndef IKETEST_EXPAND_H
#define IKETEST_EXPAND_H

#include <stddef.h>

struct err;

enum expand_flags {
	/* A variable set to "" counts as unset (run: an empty path is
	 * never what the lab meant). */
	EXPAND_EMPTY_IS_UNSET = 1u << 0,
	/* A `$' not followed by a name is kept as it is ("$5"); without
	 * this flag it is an error. */
	EXPAND_LONE_DOLLAR_KEPT = 1u << 1,
};

/* in expanded into out: 0, or -1 with e (an unset variable by name, a
 * bad ${NAME}, a lone `$', or no room). */
int expand_vars(const char *in, char *out, size_t outlen, unsigned flags,
    struct err *e);

#endif
