/* rules_int: what the rules module's files (rules*.c) share. */
#ifndef IKETEST_RULES_INT_H
#define IKETEST_RULES_INT_H

#include "rules.h"

/* Appends one violation to r (dropped beyond RULES_MAX_VIOLATIONS). */
void rules_add(struct rules_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
