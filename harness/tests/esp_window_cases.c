/* esp_window_cases: the anti-replay window (RFC 4303 3.4.3) and ESN
 * inference (A2.2) as numbered tables of cases, WireGuard style: each
 * row is a received low half (or full number), the full number the
 * receiver must infer, the verdict, and whether the packet's ICV is good
 * (only then does the window move). Then the window against a plain model
 * (a set of received numbers) over pseudo-random steps for several
 * sizes, and the window through esp_decap. */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "esp_cases.h"
#include "names.h"
#include "tap.h"

struct win_step {
	uint32_t low;		/* on the wire */
	uint64_t full;		/* inferred */
	enum esp_verdict want;
	bool icv_ok;		/* the packet verifies: the window moves */
};

#define T 1
#define F 0

/* Without ESN, W = 64. */
static const struct win_step plain64[] = {
	/*  1 */ { 0, 0, ESP_ZERO_SEQ, T },	/* 3.3.3: never sent */
	/*  2 */ { 1, 1, ESP_OK, T },
	/*  3 */ { 1, 1, ESP_REPLAY, T },
	/*  4 */ { 9, 9, ESP_OK, T },
	/*  5 */ { 8, 8, ESP_OK, T },		/* out of order, in window */
	/*  6 */ { 7, 7, ESP_OK, T },
	/*  7 */ { 7, 7, ESP_REPLAY, T },
	/*  8 */ { 64, 64, ESP_OK, T },		/* window now 1 .. 64 */
	/*  9 */ { 1, 1, ESP_REPLAY, T },	/* left edge, received */
	/* 10 */ { 2, 2, ESP_OK, T },		/* left edge, not received */
	/* 11 */ { 65, 65, ESP_OK, T },		/* window now 2 .. 65 */
	/* 12 */ { 1, 1, ESP_TOO_OLD, T },
	/* 13 */ { 2, 2, ESP_REPLAY, T },
	/* 14 */ { 3, 3, ESP_OK, T },
	/* 15 */ { 70, 70, ESP_OK, F },		/* bad ICV: no move */
	/* 16 */ { 4, 4, ESP_OK, T },		/* still in the window */
	/* 17 */ { 70, 70, ESP_OK, T },		/* 70 was never accepted */
	/* 18 */ { 6, 6, ESP_TOO_OLD, T },	/* 70 - 6 = 64: just left */
	/* 19 */ { 7, 7, ESP_REPLAY, T },	/* 70 - 7 = 63: left edge */
	/* 20 */ { 10, 10, ESP_OK, T },
	/* 21 */ { 1000, 1000, ESP_OK, T },	/* far jump clears all */
	/* 22 */ { 936, 936, ESP_TOO_OLD, T },
	/* 23 */ { 937, 937, ESP_OK, T },
	/* 24 */ { 937, 937, ESP_REPLAY, T },
	/* 25 */ { 999, 999, ESP_OK, T },
	/* 26 */ { 1000, 1000, ESP_REPLAY, T },
	/* 27 */ { 1001, 1001, ESP_OK, T },	/* shift by one */
	/* 28 */ { 1000, 1000, ESP_REPLAY, T },
	/* 29 */ { 999, 999, ESP_REPLAY, T },
	/* 30 */ { 1065, 1065, ESP_OK, T },	/* shift by 64 exactly */
	/* 31 */ { 1001, 1001, ESP_TOO_OLD, T },
	/* 32 */ { 1002, 1002, ESP_OK, T },
	/* 33 */ { 0xffffffff, 0xffffffff, ESP_OK, T },	/* the last one */
	/* 34 */ { 0xffffffff, 0xffffffff, ESP_REPLAY, T },
	/* 35 */ { 0xfffffffe, 0xfffffffe, ESP_OK, T },
	/* 36 */ { 0, 0, ESP_ZERO_SEQ, T },	/* no wrap without ESN */
	/* 37 */ { 5, 5, ESP_TOO_OLD, T },
};

/* With ESN, W = 64: A2.2 cases A and B, across 2^32 both ways. */
static const struct win_step esn64[] = {
	/*  1 */ { 0, 0, ESP_ZERO_SEQ, T },	/* B: Th 0, no previous */
	/*  2 */ { 1, 1, ESP_OK, T },
	/*  3 */ { 0xfffffff0, 0xfffffff0, ESP_OK, T },	/* B, Th 0: ahead */
	/*  4 */ { 0xffffffff, 0xffffffff, ESP_OK, T },	/* A: same block */
	/*  5 */ { 0, 0x100000000ull, ESP_OK, T },	/* A: wrapped, Th+1 */
	/*  6 */ { 0xfffffffe, 0xfffffffe, ESP_OK, T },	/* B: Th-1, in window */
	/*  7 */ { 0xffffffff, 0xffffffff, ESP_REPLAY, T },	/* B: Th-1 */
	/*  8 */ { 0xffffffc1, 0xffffffc1, ESP_OK, T },	/* B: bottom edge */
	/*  9 */ { 0xffffffc0, 0x1ffffffc0ull, ESP_OK, F },	/* B: below: Th */
	/* 10 */ { 5, 0x100000005ull, ESP_OK, T },	/* B: Th */
	/* 11 */ { 0, 0x100000000ull, ESP_REPLAY, T },
	/* 12 */ { 0x40, 0x100000040ull, ESP_OK, T },	/* now case A */
	/* 13 */ { 0xfffffffe, 0x1fffffffeull, ESP_OK, F },	/* A: Th, ahead */
	/* 14 */ { 1, 0x100000001ull, ESP_OK, T },	/* A: bottom edge */
	/* 15 */ { 0, 0x200000000ull, ESP_OK, F },	/* A: below: Th+1 */
	/* 16 */ { 0xffffffff, 0x1ffffffffull, ESP_OK, T },	/* far jump */
	/* 17 */ { 0x3, 0x200000003ull, ESP_OK, T },	/* A: Th+1 */
	/* 18 */ { 0xffffffff, 0x1ffffffffull, ESP_REPLAY, T },	/* B: Th-1 */
	/* 19 */ { 0xffffffc4, 0x1ffffffc4ull, ESP_OK, T },	/* B: edge */
	/* 20 */ { 0xffffffc3, 0x2ffffffc3ull, ESP_OK, F },	/* B: Th */
	/* 21 */ { 0, 0x200000000ull, ESP_OK, T },	/* 0 low half: fine */
};

/* W = 1: only the top itself is remembered. */
static const struct win_step plain1[] = {
	/*  1 */ { 5, 5, ESP_OK, T },
	/*  2 */ { 5, 5, ESP_REPLAY, T },
	/*  3 */ { 4, 4, ESP_TOO_OLD, T },
	/*  4 */ { 6, 6, ESP_OK, T },
	/*  5 */ { 5, 5, ESP_TOO_OLD, T },
};

static void run_table(const char *name, const struct win_step *t, size_t n,
    unsigned size, bool esn, uint64_t start_top)
{
	struct esp_window w;
	size_t i;

	esp_window_init(&w, size, esn);
	w.top = start_top;
	for (i = 0; i < n; i++) {
		uint64_t full = esp_window_infer(&w, t[i].low);
		enum esp_verdict v = esp_window_check(&w, full);

		ok(full == t[i].full && v == t[i].want,
		    "%s case %zu: %#x -> %#llx %s (want %#llx %s)", name, i + 1,
		    t[i].low, (unsigned long long)full, esp_verdict_name(v),
		    (unsigned long long)t[i].full, esp_verdict_name(t[i].want));
		if (v == ESP_OK && t[i].icv_ok)
			esp_window_update(&w, full);
	}
}

/* The top of the ESN space: no block after 2^32 - 1 (A2.2 leaves it open;
 * the number stays in the last block and is too old). */
static const struct win_step esn_end[] = {
	/*  1 */ { 0xfffffff0, 0xfffffffffffffff0ull, ESP_OK, T },
	/*  2 */ { 5, 0xffffffff00000005ull, ESP_TOO_OLD, T },
	/*  3 */ { 0xffffffff, 0xffffffffffffffffull, ESP_OK, T },
	/*  4 */ { 0xffffffff, 0xffffffffffffffffull, ESP_REPLAY, T },
};

/* ---- against a model --------------------------------------------------- */

enum { MODEL_SPAN = 1 << 20 };

static uint32_t rng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void run_model(unsigned size)
{
	static uint8_t seen[MODEL_SPAN + 1];
	struct esp_window w;
	uint64_t top = 0;
	uint32_t s = 0x9e3779b9u ^ size;
	size_t i, steps = 20000, bad = 0;

	memset(seen, 0, sizeof(seen));
	esp_window_init(&w, size, false);
	for (i = 0; i < steps; i++) {
		uint32_t r = rng(&s), seq;
		enum esp_verdict want, got;

		/* Mostly near the top, some far back, some jumps ahead. */
		switch (r % 8) {
		case 0:
			seq = (uint32_t)(top + 1 + r / 8 % (2 * size + 3));
			break;
		case 1:
			seq = r / 8 % (uint32_t)(top + 1);
			break;
		default:
			seq = (uint32_t)(top - (r / 8 % (size + 2)));
			if (seq > top)
				seq = (uint32_t)top + 1;
			break;
		}
		if (seq > MODEL_SPAN)
			seq = MODEL_SPAN;
		if (seq == 0)
			want = ESP_ZERO_SEQ;
		else if (seq > top)
			want = ESP_OK;
		else if (top - seq >= size)
			want = ESP_TOO_OLD;
		else
			want = seen[seq] ? ESP_REPLAY : ESP_OK;
		got = esp_window_check(&w, seq);
		if (got != want && bad++ < 3)
			diag("window %u step %zu: %u (top %llu): %s, want %s",
			    size, i, seq, (unsigned long long)top,
			    esp_verdict_name(got), esp_verdict_name(want));
		if (want == ESP_OK && r % 5 != 0) {	/* 1 in 5 fails ICV */
			esp_window_update(&w, seq);
			seen[seq] = 1;
			if (seq > top)
				top = seq;
		}
	}
	ok(bad == 0 && top > 0, "window of %u: %zu steps agree with the "
	    "model (%zu differ, top %llu)", size, steps, bad,
	    (unsigned long long)top);
}

/* ---- through esp_decap ------------------------------------------------- */

static enum esp_verdict send_seq(struct esp_pair *pr, uint64_t seq,
    bool corrupt)
{
	uint8_t out[256];
	struct esp_send_opts o;
	struct esp_rx rx;
	struct err e = { "" };
	size_t n = 0;

	memset(&o, 0, sizeof(o));
	o.seq_given = true;
	o.seq = seq;
	o.corrupt_icv = corrupt;
	if (esp_encap(pr->tx, 17, (const uint8_t *)"udp", 3, &o, out,
	    sizeof(out), &n, &e) < 0) {
		diag("esp_encap seq %llu: %s", (unsigned long long)seq, e.text);
		return ESP_TRUNCATED;
	}
	return esp_decap(pr->rx, out, n, &rx);
}

static void window_decap(void)
{
	struct esp_pair pr;

	if (!ok(esp_pair_new(&pr, ENCR_AES_GCM_16, 128, INTEG_NONE, false,
	    0x77, 1) == 0, "window through esp_decap: SAs"))
		return;
	is_int(send_seq(&pr, 0, false), ESP_ZERO_SEQ, "decap: sequence "
	    "number 0 refused");
	is_int(send_seq(&pr, 100, true), ESP_BAD_ICV, "decap: 100 with a bad "
	    "tag refused");
	is_int(esp_sa_highest_seq(pr.rx), 0, "decap: ... and the window did "
	    "not move");
	is_int(send_seq(&pr, 100, false), ESP_OK, "decap: 100 accepted");
	is_int(send_seq(&pr, 100, false), ESP_REPLAY, "decap: 100 again is a "
	    "replay");
	is_int(send_seq(&pr, 100, true), ESP_REPLAY, "decap: a replay is "
	    "refused before its tag is checked (3.4.3)");
	is_int(send_seq(&pr, 36, false), ESP_TOO_OLD, "decap: 36 is left of "
	    "the window");
	is_int(send_seq(&pr, 37, false), ESP_OK, "decap: 37 is its left "
	    "edge");
	is_int(esp_sa_highest_seq(pr.rx), 100, "decap: highest is 100");
	esp_pair_free(&pr);
}

void esp_test_window(void)
{
	static const unsigned sizes[] = { 1, 2, 32, 63, 64, 65, 100, 128,
	    1000, ESP_WINDOW_MAX };
	struct esp_window w;
	size_t i;

	run_table("window 64", plain64, N(plain64), 64, false, 0);
	run_table("ESN window 64", esn64, N(esn64), 64, true, 0);
	run_table("window 1", plain1, N(plain1), 1, false, 0);
	run_table("ESN window 64 at 2^64", esn_end, N(esn_end), 64, true,
	    0xffffffff00000040ull);
	esp_window_init(&w, 0, false);
	is_int(w.size, ESP_WINDOW_DEFAULT, "window size 0 means the default");
	esp_window_init(&w, ESP_WINDOW_MAX + 1, false);
	is_int(w.size, ESP_WINDOW_MAX, "window size capped at the maximum");
	for (i = 0; i < N(sizes); i++)
		run_model(sizes[i]);
	window_decap();
}
