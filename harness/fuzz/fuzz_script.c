/* libFuzzer target: arbitrary text through the script parser. It must
 * never crash, and any script it accepts must print to a canonical form
 * that parses again and prints the same (the round trip of test_script).
 * Seeds: the .ike files of suites/examples (harness/fuzz/seed_script.sh). */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "profile.h"
#include "script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char prof_text[] =
    "[iut]\nroles = initiator responder\n[ike]\ndh = ECP_256 MODP_2048\n"
    "encr = AES_CBC/256 AES_GCM_16\n[capabilities]\ncookie = yes\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct profile *prof;
	struct script *s, *s2;
	struct err e;
	char *p1, *p2, why[512];

	if (prof == NULL &&
	    profile_parse("fuzz.conf", prof_text, sizeof(prof_text) - 1, &prof, &e) < 0)
		abort();
	if (script_parse("fuzz.ike", (const char *)data, size, &s, &e) < 0) {
		/* Every error names the file first. */
		if (strncmp(e.text, "fuzz.ike", 8) != 0)
			abort();
		return 0;
	}
	if (script_needs_check(s, prof, why, sizeof(why)) < 0)
		abort();
	p1 = script_print_string(s);
	if (p1 == NULL)
		abort();
	if (script_parse("fuzz.ike", p1, strlen(p1), &s2, &e) < 0)
		abort();	/* the canonical form must parse */
	p2 = script_print_string(s2);
	if (p2 == NULL || strcmp(p1, p2) != 0)
		abort();	/* and be stable */
	free(p1);
	free(p2);
	script_free(s);
	script_free(s2);
	return 0;
}
