/* libFuzzer target: arbitrary text through the result record reader,
 * then what the site writer does with whatever it accepts (escaping,
 * slugs, JUnit, the diff against itself). A refusal must name the input
 * as "fuzz.record:LINE:". Seeds: harness/fuzz/seed_record.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_use(struct report_record *r)
{
	struct report_record *recs[1] = { r };
	struct report_run run = { .name = (char *)"fuzz", .recs = recs, .nrecs = 1 };
	FILE *f = fopen("/dev/null", "w");
	char slug[64];
	size_t i;

	r->suite_dir = strdup("fuzz");
	if (f == NULL || r->suite_dir == NULL)
		abort();
	report_esc(f, r->f[RF_TITLE]);
	report_slug(slug, sizeof(slug), r->f[RF_ID]);
	if (slug[0] == '.' || strchr(slug, '/') != NULL)
		abort();
	for (i = 0; i < r->nchecks; i++) {
		report_esc(f, r->checks[i].detail);
		report_esc(f, r->checks[i].message);
		report_svg_timing(f, r->checks[i].timing, r->checks[i].ntiming);
	}
	report_junit(f, &run);
	if (report_diff_classify(r, r) != RC_SAME &&
	    report_diff_classify(r, r) != RC_STILL_FAILING)
		abort();
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_record *r;
	struct err e;

	if (report_record_parse("fuzz.record", (const char *)data, size, &r,
	    &e) < 0) {
		if (strncmp(e.text, "fuzz.record:", 12) != 0)
			abort();
		return 0;
	}
	if (r->f[RF_SCRIPT] == NULL || r->f[RF_ID] == NULL)
		abort();
	fuzz_use(r);
	report_record_free(r);
	return 0;
}
