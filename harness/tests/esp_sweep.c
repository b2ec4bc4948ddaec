/* esp_sweep: a mutation sweep through esp_decap (run under ASan+UBSan by
 * make check, which is the point for memory safety): for a few SAs and
 * packets of a few sizes, every single-bit flip, every truncation and
 * extensions by 1 .. 40 bytes. With an integrity algorithm (separate or
 * AEAD) no mutant may be accepted: a flip lands in the SPI (wrong SPI),
 * the sequence number (another number, whose ICV then fails, or 0) or
 * the covered bytes (bad ICV). The receiver is never fed the original
 * first, so every mutant meets the same window; the original is
 * accepted at the end, which shows no mutant moved the window. A
 * confidentiality-only SA is swept too, for memory safety: its accepted
 * mutants are counted, not refused. */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "esp_cases.h"
#include "names.h"
#include "tap.h"

enum { SWEEP_MAX = 700, SWEEP_EXTEND = 40 };

struct sweep_sa {
	unsigned encr, bits, integ;
	bool esn;
};

static const struct sweep_sa sweep_sas[] = {
	{ ENCR_AES_CBC, 128, INTEG_HMAC_SHA1_96, false },
	{ ENCR_AES_GCM_16, 256, INTEG_NONE, false },
	{ ENCR_CHACHA20_POLY1305, 0, INTEG_NONE, true },
	{ ENCR_NULL, 0, INTEG_HMAC_SHA2_256_128, false },
	{ ENCR_AES_CTR, 128, INTEG_AES_XCBC_96, true },
	{ ENCR_3DES, 0, INTEG_AES_CMAC_96, false },
	{ ENCR_AES_CCM_8, 128, INTEG_NONE, true },
	{ ENCR_AES_CBC, 256, INTEG_NONE, false },	/* no integrity */
};

static const size_t sweep_lens[] = { 0, 41, 300 };

struct tally {
	size_t mutants, accepted, faults;
	size_t by[ESP_ZERO_SEQ + 1];
};

static void try(struct esp_pair *pr, const uint8_t *p, size_t n,
    struct tally *t)
{
	struct esp_rx rx;
	enum esp_verdict v;

	if (pr->rx == NULL)
		return;
	v = esp_decap(pr->rx, p, n, &rx);
	t->mutants++;
	if ((unsigned)v <= ESP_ZERO_SEQ)
		t->by[v]++;
	if (v != ESP_OK && v != ESP_DUMMY)
		return;
	t->accepted++;
	if (rx.payload_len > n)
		t->faults++;
	/* Without integrity a mutant may be accepted and move the window:
	 * a fresh receiver keeps the next mutants from being too old. */
	esp_sa_free(pr->rx);
	pr->rx = esp_sa_new(&pr->p, NULL);
	if (pr->rx == NULL)
		t->faults++;
}

static void sweep_packet(struct esp_pair *pr, const uint8_t *pkt, size_t n,
    struct tally *t)
{
	uint8_t m[SWEEP_MAX + SWEEP_EXTEND];
	size_t i, b;

	for (i = 0; i < n; i++)
		for (b = 0; b < 8; b++) {
			memcpy(m, pkt, n);
			m[i] ^= (uint8_t)(1u << b);
			try(pr, m, n, t);
		}
	for (i = 0; i < n; i++)
		try(pr, pkt, i, t);
	for (i = 1; i <= SWEEP_EXTEND; i++) {
		memcpy(m, pkt, n);
		memset(m + n, (int)(i * 37), i);
		try(pr, m, n + i, t);
	}
}

static void sweep_sa(const struct sweep_sa *s, size_t *total)
{
	uint8_t payload[SWEEP_MAX], pkts[N(sweep_lens)][SWEEP_MAX];
	size_t lens[N(sweep_lens)], i;
	struct esp_pair pr;
	struct tally t;
	struct esp_rx rx;
	struct err e = { "" };
	bool integrity = s->integ != INTEG_NONE || crypto_encr_is_aead(s->encr);
	bool originals = true;

	if (!ok(esp_pair_new(&pr, s->encr, s->bits, s->integ, s->esn, 0xabc,
	    9) == 0, "sweep: SAs"))
		return;
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 5);
	memset(&t, 0, sizeof(t));
	for (i = 0; i < N(sweep_lens); i++) {
		if (esp_encap(pr.tx, 4, payload, sweep_lens[i], NULL, pkts[i],
		    SWEEP_MAX, &lens[i], &e) < 0) {
			ok(false, "sweep %s: esp_encap: %s", esp_combo(&pr.p),
			    e.text);
			esp_pair_free(&pr);
			return;
		}
		sweep_packet(&pr, pkts[i], lens[i], &t);
	}
	for (i = 0; i < N(sweep_lens); i++)
		originals = originals && esp_decap(pr.rx, pkts[i], lens[i],
		    &rx) == ESP_OK && rx.payload_len == sweep_lens[i];
	diag("sweep %s: %zu mutants: %zu accepted, %zu truncated, %zu wrong "
	    "SPI, %zu bad ICV, %zu bad block, %zu bad pad length, %zu bad "
	    "padding, %zu too old, %zu replay, %zu zero", esp_combo(&pr.p),
	    t.mutants, t.accepted, t.by[ESP_TRUNCATED], t.by[ESP_WRONG_SPI],
	    t.by[ESP_BAD_ICV], t.by[ESP_BAD_BLOCK], t.by[ESP_BAD_PAD_LEN],
	    t.by[ESP_BAD_PADDING], t.by[ESP_TOO_OLD], t.by[ESP_REPLAY],
	    t.by[ESP_ZERO_SEQ]);
	if (integrity)
		ok(t.accepted == 0 && t.faults == 0 && t.mutants > 0,
		    "sweep %s: no mutant of "
		    "%zu accepted", esp_combo(&pr.p), t.mutants);
	else
		ok(t.faults == 0 && t.mutants > 0, "sweep %s: %zu "
		    "mutants decapsulated without a fault (%zu accepted: no "
		    "integrity)", esp_combo(&pr.p), t.mutants, t.accepted);
	if (integrity)
		ok(originals, "sweep %s: the originals are accepted afterwards "
		    "(no mutant moved the window)", esp_combo(&pr.p));
	*total += t.mutants;
	esp_pair_free(&pr);
}

void esp_test_sweep(void)
{
	size_t i, total = 0;

	for (i = 0; i < N(sweep_sas); i++)
		sweep_sa(&sweep_sas[i], &total);
	diag("sweep: %zu mutants in all", total);
}
