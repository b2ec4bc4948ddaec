/* tap: a minimal TAP 13 producer for iketest's unit tests, read by prove.
 * A test with no check is a failure (tap_done says so). */
#ifndef IKETEST_TAP_H
#define IKETEST_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ok(cond, fmt, ...): one test line; returns cond. */
bool tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define ok(cond, ...) tap_ok((cond), __FILE__, __LINE__, __VA_ARGS__)
/* is_int / cmp_mem print both values, or the first differing offset. */
bool tap_is_long(long long got, long long want, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define is_int(got, want, ...) \
	tap_is_long((long long)(got), (long long)(want), __FILE__, __LINE__, __VA_ARGS__)
bool tap_cmp_mem(const void *got, size_t got_len, const void *want,
    size_t want_len, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
#define cmp_mem(got, got_len, want, want_len, ...) \
	tap_cmp_mem((got), (got_len), (want), (want_len), __FILE__, __LINE__, __VA_ARGS__)
/* A "# SKIP reason" line that counts as neither pass nor fail. */
void tap_skip(const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "# comment" lines. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the plan (1..n) and returns the exit status: 0 if every test
 * passed and there was at least one. */
int tap_done(void);

#endif
