/* fuzz_ah: the first byte picks what the rest is. Bit 0 clear: a
 * received packet, through ah_verify against a fixed SA (fresh per
 * input, so a run does not depend on the ones before). Bit 0 set: an IP
 * packet to protect (bit 1: tunnel mode, bit 2: outer IPv6), which,
 * when ah_protect takes it, must verify with ESP_OK and give back what
 * was protected. Bit 3: ESN. The key is a fixed test key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ah.h"
#include "err.h"
#include "inet.h"
#include "names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FUZZ_SPI = 0x01020304 };

static const uint8_t key[20] = { 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
    0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
    0x0b };

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_ah: %s\n", what);
		abort();
	}
}

static struct ah_sa *sa(bool esn)
{
	struct ah_sa_params p = { FUZZ_SPI, INTEG_HMAC_SHA1_96, key,
	    sizeof(key), esn, 0 };
	struct err e;
	struct ah_sa *s = ah_sa_new(&p, &e);

	check(s != NULL, "ah_sa_new failed");
	return s;
}

static void verify(const uint8_t *p, size_t n, bool esn)
{
	struct ah_sa *rx = sa(esn);
	struct ah_rx r;
	enum esp_verdict v = ah_verify(rx, p, n, &r);

	check(v <= ESP_ZERO_SEQ, "verdict out of range");
	if (v == ESP_OK)
		check(r.payload >= p && r.payload_len <= n &&
		    (size_t)(r.payload - p) <= n - r.payload_len,
		    "payload outside the packet");
	ah_sa_free(rx);
}

static void round_trip(const uint8_t *p, size_t n, bool tunnel, bool v6,
    bool esn)
{
	struct inet_pkt outer = { 0 };
	struct ah_sa *tx = sa(esn), *rx = sa(esn);
	struct bytes out = BYTES_EMPTY;
	struct ah_rx r;
	struct err e;
	size_t hl;

	outer.src.family = outer.dst.family = v6 ? 6 : 4;
	outer.src.ip[0] = outer.dst.ip[0] = v6 ? 0x20 : 203;
	outer.dst.ip[15] = outer.dst.ip[3] = 2;
	if (ah_protect(tx, p, n, tunnel ? &outer : NULL, NULL, &out,
	    &e) == 0) {
		check(ah_verify(rx, out.data, out.len, &r) == ESP_OK,
		    "a protected packet does not verify");
		hl = tunnel ? 0 : (p[0] >> 4 == 4 ? (size_t)(p[0] & 15) * 4 :
		    INET_IPV6_HDR);
		check(r.payload_len == n - hl &&
		    memcmp(r.payload, p + hl, n - hl) == 0,
		    "the payload is not what was protected");
		check(r.seq == 1 && r.spi == FUZZ_SPI, "seq or SPI changed");
	}
	bytes_free(&out);
	ah_sa_free(tx);
	ah_sa_free(rx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		round_trip(data + 1, size - 1, data[0] & 2, data[0] & 4,
		    data[0] & 8);
	else
		verify(data + 1, size - 1, data[0] & 8);
	return 0;
}
