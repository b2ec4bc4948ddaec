/* report_junit: JUnit XML of one run for CI systems: one <testsuite> per
 * IUT (run->iuts) and one for the interop records, one <testcase> per
 * record (a script on an IUT). todo is a known deviation: skipped with
 * its reason, never a pass. Every text goes through report_esc. */
#include <stdbool.h>
#include <string.h>

#include "report.h"

static void rj_attr(FILE *f, const char *name, const char *value)
{
	fprintf(f, " %s=\"", name);
	report_esc(f, value != NULL ? value : "");
	fputc('"', f);
}

/* The first failing check's detail, or the errors: the failure text. */
static void rj_failure_text(FILE *f, const struct report_record *r)
{
	size_t i;

	for (i = 0; i < r->nchecks; i++) {
		const struct report_check *c = &r->checks[i];

		if (strcmp(c->verdict, "fail") != 0)
			continue;
		fprintf(f, "line %lu: ", c->line);
		report_esc(f, c->description);
		fputc('\n', f);
		report_esc(f, c->detail);
		fputc('\n', f);
	}
	report_esc(f, r->errors);
}

/* message="TODO ...": the profile's deviation, its clause and evidence. */
static void rj_todo(FILE *f, const struct report_record *r)
{
	fprintf(f, " message=\"TODO%s: ", r->deviation == RD_NOT_SEEN ?
	    " (declared, not seen: every check passed)" : "");
	if (r->f[RF_DEVIATION] != NULL) {
		report_esc(f, r->f[RF_DEVIATION]);
		fprintf(f, ": ");
		report_esc(f, r->f[RF_DEVIATION_EVIDENCE]);
	} else {
		fprintf(f, "known deviation declared by the profile");
	}
	fputc('"', f);
}

static void rj_case(FILE *f, const struct report_record *r)
{
	fprintf(f, "    <testcase");
	rj_attr(f, "classname", r->suite_dir);
	if (r->interop) {
		fprintf(f, " name=\"");
		report_esc(f, r->f[RF_ID]);
		fprintf(f, " ");
		report_esc(f, r->f[RF_INTEROP_INIT]);
		fprintf(f, "&gt;");
		report_esc(f, r->f[RF_INTEROP_RESP]);
		if (r->f[RF_CRYPTO_SUITE] != NULL) {
			fprintf(f, " ");
			report_esc(f, r->f[RF_CRYPTO_SUITE]);
		}
		fputc('"', f);
	} else {
		rj_attr(f, "name", r->f[RF_ID]);
	}
	rj_attr(f, "file", r->f[RF_SCRIPT]);
	fprintf(f, " time=\"%.6f\">\n", r->duration_us / 1e6);
	switch (r->verdict) {
	case RV_PASS:
		break;
	case RV_FAIL:
	case RV_ERROR:
		fprintf(f, "      <%s", r->verdict == RV_FAIL ? "failure" : "error");
		rj_attr(f, "message", r->f[RF_TITLE]);
		fprintf(f, ">");
		rj_failure_text(f, r);
		fprintf(f, "</%s>\n", r->verdict == RV_FAIL ? "failure" : "error");
		break;
	case RV_SKIP:
	case RV_TODO:
	case RV_COUNT:
		fprintf(f, "      <skipped");
		if (r->verdict == RV_TODO)
			rj_todo(f, r);
		else
			rj_attr(f, "message", r->f[RF_REASON]);
		fprintf(f, "/>\n");
		break;
	}
	if (r->notes != NULL) {
		fprintf(f, "      <system-out>");
		report_esc(f, r->notes);
		fprintf(f, "</system-out>\n");
	}
	fprintf(f, "    </testcase>\n");
}

/* Whether r belongs to the suite of iut (NULL: the interop suite). */
static bool rj_in(const struct report_record *r, const char *iut)
{
	if (iut == NULL)
		return r->interop;
	return !r->interop && strcmp(report_record_iut(r), iut) == 0;
}

/* One testsuite per IUT, its tests the IUT's scripts, counted as the
 * site's pages and ci/matrix's table count them (one per script, interop
 * records apart); then one "interop" suite for the interop records. */
static void rj_suite(FILE *f, const struct report_run *run, const char *iut)
{
	struct report_counts c;
	double secs = 0;
	unsigned n = 0;
	size_t i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < run->nrecs; i++)
		if (rj_in(run->recs[i], iut)) {
			c.n[run->recs[i]->verdict]++;
			secs += run->recs[i]->duration_us / 1e6;
			n++;
		}
	if (n == 0)
		return;
	fprintf(f, "  <testsuite");
	rj_attr(f, "name", iut != NULL ? iut : "interop");
	fprintf(f, " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" "
	    "time=\"%.6f\">\n", n, c.n[RV_FAIL], c.n[RV_ERROR],
	    c.n[RV_SKIP] + c.n[RV_TODO], secs);
	fprintf(f, "    <properties><property name=\"unit\" value=\"scripts\"/>"
	    "<property name=\"passed\" value=\"%u\"/>"
	    "<property name=\"todo\" value=\"%u\"/></properties>\n",
	    c.n[RV_PASS], c.n[RV_TODO]);
	for (i = 0; i < run->nrecs; i++)
		if (rj_in(run->recs[i], iut))
			rj_case(f, run->recs[i]);
	fprintf(f, "  </testsuite>\n");
}

void report_junit(FILE *f, const struct report_run *run)
{
	size_t i;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	rj_attr(f, "name", run->name);
	fprintf(f, ">\n");
	for (i = 0; i < run->niuts; i++)
		rj_suite(f, run, run->iuts[i]);
	rj_suite(f, run, NULL);
	fprintf(f, "</testsuites>\n");
}
