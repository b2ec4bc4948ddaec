/* fuzzer_int: what fuzzer_mutate.c and fuzzer_esp.c share: the dice of a
 * case and the text buffer its script is written into. */
#ifndef IKETEST_FUZZER_INT_H
#define IKETEST_FUZZER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzzer.h"

/* splitmix64: every case draws from its own stream, so case N is built
 * without building the cases before it. */
struct rng {
	uint64_t s;
};

uint64_t rng_next(struct rng *r);
unsigned rng_below(struct rng *r, unsigned n);	/* 0 .. n-1; 0 for n 0 */
/* "0x" and nbytes random bytes in hex, cut to fit outlen. */
void rng_hex(struct rng *r, size_t nbytes, char *out, size_t outlen);

struct outbuf {
	char *p;
	size_t len, cap;
	bool over;		/* a piece did not fit: the text is void */
};

void out_add(struct outbuf *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* fuzzer_esp.c: the ESP states. A case's inner packet and its ESP keys
 * (ops of kind SET whose path is the key of `esp send`); and its script
 * lines from the mutated `esp send` to the data-plane check. */
void fuzzer_esp_make(struct rng *r, struct fuzzer_case *c);
void fuzzer_esp_script(const struct fuzzer_case *c,
    const struct fuzzer_script_opts *so, struct outbuf *o);

#endif
