/* err: an error text carried out of a call, so that only main() prints
 * and exits, and the text names what went wrong where it went wrong. */
#ifndef IKETEST_ERR_H
#define IKETEST_ERR_H

#include <stddef.h>

enum { ERR_TEXT_MAX = 512 };

struct err {
	char text[ERR_TEXT_MAX];
};

/* Sets the text (printf format) and returns -1, so a failing path can
 * say `return err_set(e, "%s: ...", __func__, ...);`. A NULL e is allowed. */
int err_set(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Puts "prefix: " in front of the existing text (for file:line contexts). */
int err_prefix(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
