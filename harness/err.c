#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
	char prefix[ERR_TEXT_MAX], old[ERR_TEXT_MAX];
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, e->text, sizeof(old));
	/* Two appends rather than one "%s: %s", which may truncate on purpose. */
	size_t n = strlen(prefix);
	if (n > sizeof(e->text) - 3)
		n = sizeof(e->text) - 3;
	memcpy(e->text, prefix, n);
	memcpy(e->text + n, ": ", 2);
	n += 2;
	size_t rest = strnlen(old, sizeof(old) - 1);
	if (rest > sizeof(e->text) - 1 - n)
		rest = sizeof(e->text) - 1 - n;
	memcpy(e->text + n, old, rest);
	e->text[n + rest] = 0;
	return -1;
}
