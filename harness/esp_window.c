/* esp_window: the receiver's anti-replay window (RFC 4303 3.4.3) and the
 * inference of the high half of an extended sequence number (RFC 4303
 * Appendix A2.2). AH uses the same window (RFC 4302 3.4.3).
 *
 * Bit i of the window says whether top - i was received; top is the
 * highest sequence number whose ICV verified. Checking and marking are two
 * calls because the window may only move once the ICV is known good
 * (3.4.3: "the receive window is updated only if the integrity
 * verification succeeds"). */
#include "esp.h"

#include <string.h>

enum { WORD_BITS = 64 };

void esp_window_init(struct esp_window *w, unsigned size, bool esn)
{
	memset(w, 0, sizeof(*w));
	if (size == 0)
		size = ESP_WINDOW_DEFAULT;
	if (size > ESP_WINDOW_MAX)
		size = ESP_WINDOW_MAX;
	w->size = size;
	w->esn = esn;
}

/* RFC 4303 A2.2. Tl and Th are the low and high halves of the top of the
 * window, W its size. Case A (Tl >= W - 1, the window lies within one
 * 2^32 block): a low half at or right of the window's bottom belongs to
 * Th, one left of it has wrapped, Th + 1. Case B (Tl < W - 1, the window
 * reaches into the previous block): a low half at or above the bottom
 * (taken mod 2^32) is from the previous block, Th - 1, else Th. Two ends
 * the RFC leaves open: with Th = 0 there is no previous block, so such a
 * number can only be a jump forward (Th); with Th = 2^32 - 1 there is no
 * next one (the number stays in Th and is judged too old). */
uint64_t esp_window_infer(const struct esp_window *w, uint32_t seq_low)
{
	uint32_t tl = (uint32_t)w->top, th = (uint32_t)(w->top >> 32);
	uint32_t bottom = tl - (w->size - 1);	/* mod 2^32 */
	uint32_t hi = th;

	if (!w->esn)
		return seq_low;
	if (tl >= w->size - 1) {
		if (seq_low < bottom && th != UINT32_MAX)
			hi = th + 1;
	} else if (seq_low >= bottom && th != 0) {
		hi = th - 1;
	}
	return (uint64_t)hi << 32 | seq_low;
}

static bool window_bit(const struct esp_window *w, uint64_t i)
{
	return (w->bits[i / WORD_BITS] >> (i % WORD_BITS)) & 1;
}

enum esp_verdict esp_window_check(const struct esp_window *w, uint64_t seq)
{
	/* 3.3.3: the counter starts at 1 (with ESN, the 64-bit value). */
	if (seq == 0)
		return ESP_ZERO_SEQ;
	if (seq > w->top)
		return ESP_OK;
	if (w->top - seq >= w->size)
		return ESP_TOO_OLD;
	if (window_bit(w, w->top - seq))
		return ESP_REPLAY;
	return ESP_OK;
}

/* Moves every bit s places older; bits past the size fall off. */
static void window_shift(struct esp_window *w, uint64_t s)
{
	size_t words = (w->size + WORD_BITS - 1) / WORD_BITS, i, ws, bs;

	if (s >= w->size) {
		memset(w->bits, 0, sizeof(w->bits));
		return;
	}
	ws = (size_t)(s / WORD_BITS);
	bs = (size_t)(s % WORD_BITS);
	for (i = words; i-- > 0;) {
		uint64_t v = 0;

		if (i >= ws) {
			v = w->bits[i - ws] << bs;
			if (bs != 0 && i > ws)
				v |= w->bits[i - ws - 1] >> (WORD_BITS - bs);
		}
		w->bits[i] = v;
	}
	if (w->size % WORD_BITS != 0)
		w->bits[words - 1] &=
		    ((uint64_t)1 << (w->size % WORD_BITS)) - 1;
}

void esp_window_update(struct esp_window *w, uint64_t seq)
{
	uint64_t i;

	if (seq > w->top) {
		window_shift(w, seq - w->top);
		w->top = seq;
	}
	i = w->top - seq;
	if (i < w->size)
		w->bits[i / WORD_BITS] |= (uint64_t)1 << (i % WORD_BITS);
}
