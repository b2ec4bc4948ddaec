/* report_junit: JUnit XML of one run for CI systems: one <testsuite> per
 * IUT, one <testcase> per record. todo is a known deviation: skipped with
 * its reason, never a pass. Every text goes through report_esc. */
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
	rj_attr(f, "name", r->f[RF_ID]);
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

static void rj_counts(const struct report_run *run, const char *iut,
    struct report_counts *c, double *secs)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	*secs = 0;
	for (i = 0; i < run->nrecs; i++)
		if (strcmp(report_record_iut(run->recs[i]), iut) == 0) {
			c->n[run->recs[i]->verdict]++;
			*secs += run->recs[i]->duration_us / 1e6;
		}
}

/* One suite per IUT name (interop records sit under their `iut`). */
static void rj_suite(FILE *f, const struct report_run *run, const char *iut)
{
	struct report_counts c;
	double secs;
	size_t i;

	rj_counts(run, iut, &c, &secs);
	fprintf(f, "  <testsuite");
	rj_attr(f, "name", iut);
	fprintf(f, " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" "
	    "time=\"%.6f\">\n", c.n[RV_PASS] + c.n[RV_FAIL] + c.n[RV_SKIP] +
	    c.n[RV_TODO] + c.n[RV_ERROR], c.n[RV_FAIL], c.n[RV_ERROR],
	    c.n[RV_SKIP] + c.n[RV_TODO], secs);
	for (i = 0; i < run->nrecs; i++)
		if (strcmp(report_record_iut(run->recs[i]), iut) == 0)
			rj_case(f, run->recs[i]);
	fprintf(f, "  </testsuite>\n");
}

void report_junit(FILE *f, const struct report_run *run)
{
	size_t i, k;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	rj_attr(f, "name", run->name);
	fprintf(f, ">\n");
	for (i = 0; i < run->nrecs; i++) {
		const char *iut = report_record_iut(run->recs[i]);

		for (k = 0; k < i; k++)
			if (strcmp(report_record_iut(run->recs[k]), iut) == 0)
				break;
		if (k == i)
			rj_suite(f, run, iut);
	}
	fprintf(f, "</testsuites>\n");
}
