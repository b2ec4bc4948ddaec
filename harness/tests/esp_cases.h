/* The parts of test_esp (one file each) and what they share: the cipher
 * and integrity lists, and a sender/receiver pair of SAs with made-up
 * keys. */
#ifndef IKETEST_TESTS_ESP_CASES_H
#define IKETEST_TESTS_ESP_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct esp_cipher {
	unsigned encr, bits;
};

/* Every ESP cipher crypto.h knows, with each AES key size somewhere. */
extern const struct esp_cipher esp_ciphers[];
extern const size_t esp_nciphers;
/* Every integrity algorithm (INTEG_NONE excluded). */
extern const unsigned esp_integs[];
extern const size_t esp_ninteg;

struct esp_pair {
	struct esp_sa_params p;
	uint8_t ek[64], ik[64];
	struct esp_sa *tx, *rx;
};

/* Two SAs with the same keys (tx sends, rx receives); the keys are made
 * from seed. 0, or -1 with the reason in diag. */
int esp_pair_new(struct esp_pair *pr, unsigned encr, unsigned bits,
    unsigned integ, bool esn, uint32_t spi, unsigned seed);
void esp_pair_free(struct esp_pair *pr);
/* "AES_CBC/128 + HMAC_SHA1_96 ESN" (a static buffer). */
const char *esp_combo(const struct esp_sa_params *p);

void esp_test_pkt(void);	/* esp_pkt.c: crypto_pkt against one-shots */
void esp_test_known(void);	/* esp_known.c: published packets */
void esp_test_roundtrip(void);	/* esp_roundtrip.c */
void esp_test_window(void);	/* esp_window_cases.c: numbered tables */
void esp_test_verdicts(void);	/* esp_verdicts.c: one crafted packet each */
void esp_test_sweep(void);	/* esp_sweep.c: bit flips, cuts, extensions */

#endif
