#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static unsigned tests, failures;
static bool started;

/* The version line comes first. TAP 13, not 14: Debian 12's prove
 * (Test::Harness 3.44) refuses "version 14", and what these tests use
 * (plans, SKIP, diagnostics) is the same in both. */
static void start(void)
{
	if (!started) {
		started = true;
		printf("TAP version 13\n");
	}
}

static void vline(bool pass, const char *fmt, va_list ap)
{
	start();
	printf("%s %u - ", pass ? "ok" : "not ok", ++tests);
	vprintf(fmt, ap);
	putchar('\n');
	if (!pass)
		failures++;
}

bool tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		printf("# failed at %s:%d\n", file, line);
	fflush(stdout);
	return cond;
}

bool tap_is_long(long long got, long long want, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	bool pass = got == want;

	va_start(ap, fmt);
	vline(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("# failed at %s:%d\n#   got:  %lld\n#   want: %lld\n",
		    file, line, got, want);
	fflush(stdout);
	return pass;
}

bool tap_cmp_mem(const void *got, size_t got_len, const void *want,
    size_t want_len, const char *file, int line, const char *fmt, ...)
{
	const unsigned char *g = got, *w = want;
	size_t i, n = got_len < want_len ? got_len : want_len;
	bool pass = got_len == want_len && (n == 0 || memcmp(got, want, n) == 0);
	va_list ap;

	va_start(ap, fmt);
	vline(pass, fmt, ap);
	va_end(ap);
	if (!pass) {
		for (i = 0; i < n && g[i] == w[i]; i++)
			;
		printf("# failed at %s:%d\n#   difference starts at offset %zu "
		    "(got %zu bytes, want %zu)\n", file, line, i, got_len,
		    want_len);
		if (i < n)
			printf("#   got 0x%02x, want 0x%02x\n", g[i], w[i]);
	}
	fflush(stdout);
	return pass;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	start();
	printf("ok %u - ", ++tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", reason);
	fflush(stdout);
}

void diag(const char *fmt, ...)
{
	va_list ap;

	start();
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

int tap_done(void)
{
	start();
	if (tests == 0) {
		printf("not ok 1 - the test checked nothing\n1..1\n");
		return 1;
	}
	printf("1..%u\n", tests);
	return failures ? 1 : 0;
}
