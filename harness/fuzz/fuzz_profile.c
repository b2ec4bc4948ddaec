/* libFuzzer target: arbitrary text through the profile reader, then the
 * lookups a run makes (needs, timers, deviations) on whatever it accepts.
 * Seeds: suites/examples/profile.conf and peers/ (seed_script.sh). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile *p;
	struct err e;
	const char *clause, *evidence;
	const char *const *w;
	uint64_t t[16];
	size_t n, i;

	if (profile_parse("fuzz.conf", (const char *)data, size, &p, &e) < 0) {
		if (strncmp(e.text, "fuzz.conf", 9) != 0)
			abort();
		return 0;
	}
	(void)profile_has(p, "ike", "dh", "ECP_256");
	(void)profile_has(p, "ike", "encr", "AES_CBC/256");
	(void)profile_has(p, "capabilities", "cookie", NULL);
	(void)profile_has(p, "iut", "roles", "initiator");
	(void)profile_get_numbers(p, "timers", "retransmit", t, 16);
	if (profile_deviation(p, "cookie-retry", &clause, &evidence) == 1 &&
	    (clause[0] == '\0' || evidence[0] == '\0'))
		abort();
	w = profile_get_list(p, "ike", "encr", &n);
	for (i = 0; w != NULL && i < n; i++)
		if (w[i][0] == '\0')
			abort();
	profile_free(p);
	return 0;
}
