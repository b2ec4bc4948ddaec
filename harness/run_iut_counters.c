/* run_iut_counters: `iut counters': the IUT's packet counters, read
 * through its adapter, compared with what the script says. */
#include "run_esp_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

/* ------------------------------------------------------------------ */
/* iut counters                                                        */

/* The value of key in "key=value" lines, or false. */
static bool counter_get(const struct bytes *out, const char *key,
    uint64_t *v)
{
	size_t kl = strlen(key), i = 0;

	while (i < out->len) {
		const char *line = (const char *)out->data + i;
		const uint8_t *nl = memchr(out->data + i, '\n', out->len - i);
		size_t ll = nl ? (size_t)(nl - (out->data + i)) : out->len - i;

		if (ll > kl && memcmp(line, key, kl) == 0 && line[kl] == '=') {
			char num[32];
			size_t n = ll - kl - 1 < sizeof(num) - 1 ? ll - kl - 1 :
			    sizeof(num) - 1;
			char *end;

			memcpy(num, line + kl + 1, n);
			num[n] = '\0';
			errno = 0;
			*v = strtoull(num, &end, 10);
			return errno == 0 && end != num && *end == '\0';
		}
		i += ll + 1;
	}
	return false;
}

static bool cmp_holds(enum script_cmp op, uint64_t a, uint64_t b)
{
	switch (op) {
	case SCRIPT_CMP_EQ: return a == b;
	case SCRIPT_CMP_NE: return a != b;
	case SCRIPT_CMP_LT: return a < b;
	case SCRIPT_CMP_LE: return a <= b;
	case SCRIPT_CMP_GT: return a > b;
	case SCRIPT_CMP_GE: return a >= b;
	}
	return false;
}

int run_iut_counters(struct run_ctx *c, const struct script_event *ev)
{
	const char *args[2] = { "counters", NULL };
	const char *cap = profile_get(c->prof, "capabilities", "esp-counters");
	const struct script_counter *sc;
	struct bytes out = BYTES_EMPTY;
	struct run_check k;
	char desc[RUN_TEXT_MAX], why[RUN_TEXT_MAX], text[64];
	uint64_t have, want;
	struct err e;
	int rc;

	/* A profile that says the IUT has no counters: each comparison is
	 * a SKIP line that says why, never a pass. */
	if (cap == NULL || strncmp(cap, "yes", 3) != 0) {
		snprintf(why, sizeof(why), "the profile says esp-counters = %s",
		    cap ? cap : "(absent)");
		for (sc = ev->u.iut.counters; sc != NULL; sc = sc->next) {
			snprintf(desc, sizeof(desc), "iut counters: %s", sc->name);
			run_check_skip(c, sc->pos.line, desc, why);
		}
		if (ev->u.iut.counters == NULL)
			run_check_skip(c, ev->pos.line, "iut counters", why);
		return 0;
	}
	if (c->adapter[0] == '\0') {
		run_check_begin(c, &k, ev->pos.line, "iut counters");
		run_check_fail(&k, "no adapter for this IUT ([iut] adapter or --iut)");
		run_check_end(c, &k);
		return 0;
	}
	rc = adapter_output(&c->ad, args, &out, &e);
	if (rc != 0) {
		run_check_begin(c, &k, ev->pos.line, "iut counters");
		if (rc < 0)
			run_check_fail(&k, "adapter: %s", e.text);
		else
			run_check_fail(&k, "adapter counters: expected exit 0 (the profile says esp-counters = yes) vs actual %d",
			    rc);
		run_check_end(c, &k);
		bytes_free(&out);
		return 0;
	}
	{
		/* the adapter's answer, as evidence */
		char line[RUN_TEXT_MAX];
		size_t n = out.len < sizeof(line) - 1 ? out.len : sizeof(line) - 1;

		memcpy(line, out.data, n);
		line[n] = '\0';
		for (size_t i = 0; i < n; i++)
			if (line[i] == '\n')
				line[i] = ' ';
		run_diag(c, "iut counters: %s", line);
	}
	if (ev->u.iut.counters == NULL) {
		run_check_begin(c, &k, ev->pos.line, "iut counters");
		if (!counter_get(&out, "in_packets", &have))
			run_check_fail(&k, "adapter counters: no in_packets= line");
		run_check_end(c, &k);
	}
	for (sc = ev->u.iut.counters; sc != NULL; sc = sc->next) {
		run_check_begin(c, &k, sc->pos.line, "iut counters: %s", sc->name);
		if (run_value_text(c, sc->value, text, sizeof(text)) < 0) {
			bytes_free(&k.diag);
			bytes_free(&out);
			return -1;
		}
		want = strtoull(text, NULL, 0);
		if (!counter_get(&out, sc->name, &have))
			run_check_fail(&k, "%s: the adapter reports no such counter", sc->name);
		else if (!cmp_holds(sc->cmp, have, want))
			run_check_fail(&k, "%s: expected %s vs actual %" PRIu64,
			    sc->name, text, have);
		run_check_end(c, &k);
	}
	bytes_free(&out);
	return 0;
}
