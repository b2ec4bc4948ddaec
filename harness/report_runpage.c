/* report_runpage: SITE/RUN/index.html. The diff against the baseline
 * comes first (what changed is what a reader wants), then a bar per IUT,
 * the matrix of tests by IUTs, the summaries and the interop matrix. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "evidence.h"
#include "report_int.h"

/* Why a change is (or is not) flaky, in words. */
static void rp_why(FILE *f, const struct report_record *b,
    const struct report_record *c)
{
	if (b == NULL || c == NULL) {
		fprintf(f, "%s", b == NULL ? "not in the baseline" :
		    "not in this run");
		return;
	}
	if (b->sha256[0] == '\0' || c->sha256[0] == '\0')
		fprintf(f, "script hash unknown; ");
	else if (strcmp(b->sha256, c->sha256) != 0)
		fprintf(f, "script changed; ");
	else
		fprintf(f, "script unchanged%s; ", b->sha_from_file ||
		    c->sha_from_file ? " (hashed now: not recorded)" : "");
	fprintf(f, "IUT ");
	report_esc(f, report_record_iut(b));
	fprintf(f, " ");
	report_esc(f, b->f[RF_IUT_VERSION] ? b->f[RF_IUT_VERSION] : "");
	fprintf(f, " &rarr; ");
	report_esc(f, report_record_iut(c));
	fprintf(f, " ");
	report_esc(f, c->f[RF_IUT_VERSION] ? c->f[RF_IUT_VERSION] : "");
}

static void rp_diff_row(FILE *f, const struct rs *s,
    const struct report_run *run, const struct report_diff_entry *d)
{
	const struct report_record *r = d->cur != NULL ? d->cur : d->base;
	char prefix[300];

	fprintf(f, "<tr class=\"c-%s\"><td>%s</td><td>", d->change == RC_NEW_FAILURE ?
	    "new" : d->change == RC_FIXED ? "fixed" : d->change == RC_FLAKY ?
	    "flaky" : "other", report_change_name(d->change));
	report_esc(f, r->key);
	fprintf(f, "</td><td>");
	snprintf(prefix, sizeof(prefix), "../%s/", s->base->slug);
	if (d->base != NULL)
		rs_cell_link(f, s->base, d->base, prefix);
	else
		fprintf(f, "&mdash;");
	fprintf(f, "</td><td>");
	if (d->cur != NULL)
		rs_cell_link(f, run, d->cur, "");
	else
		fprintf(f, "&mdash;");
	fprintf(f, "</td><td>");
	rp_why(f, d->base, d->cur);
	fprintf(f, "</td></tr>\n");
}

static int rp_diff(FILE *f, const struct rs *s, const struct report_run *run)
{
	struct report_diff_entry *d;
	size_t n, i;

	fprintf(f, "<section id=\"diff\">\n<h2>Changes against the baseline</h2>\n");
	if (s->base == NULL || s->base == run) {
		fprintf(f, "<p>%s</p>\n</section>\n", s->base == NULL ?
		    "No baseline chosen (<code>--baseline RUNDIR</code>)." :
		    "This run is the baseline.");
		return 0;
	}
	if (report_diff_build(s->base, run, &d, &n, s->e) < 0)
		return -1;
	fprintf(f, "<p>Baseline: <a href=\"../");
	report_esc(f, s->base->slug);
	fprintf(f, "/index.html\">");
	report_esc(f, s->base->name);
	fprintf(f, "</a>. Flaky: the verdict changed while neither the script "
	    "(SHA-256) nor the IUT (name, version) did.</p>\n");
	if (n == 0)
		fprintf(f, "<p>No change.</p>\n");
	else
		fprintf(f, "<table class=\"diff\">\n<thead><tr><th>change</th>"
		    "<th>test</th><th>baseline</th><th>this run</th><th>why</th>"
		    "</tr></thead>\n<tbody>\n");
	for (i = 0; i < n; i++)
		rp_diff_row(f, s, run, &d[i]);
	if (n > 0)
		fprintf(f, "</tbody>\n</table>\n");
	fprintf(f, "</section>\n");
	free(d);
	return 0;
}

static void rp_bars(FILE *f, const struct report_run *run)
{
	struct report_counts c;
	size_t i;

	fprintf(f, "<section id=\"iuts\">\n<h2>Results per IUT</h2>\n"
	    "<p>Counted in scripts (one verdict per script and IUT), as "
	    "ci/matrix's table and the JUnit XML count them; a script's "
	    "checks are on its page.</p>\n<table class=\"bars\">\n");
	for (i = 0; i < run->niuts; i++) {
		rs_counts(run, run->iuts[i], &c);
		fprintf(f, "<tr><th>");
		report_esc(f, run->iuts[i]);
		fprintf(f, "</th><td>");
		report_svg_bar(f, &c);
		fprintf(f, "</td><td class=\"num\">");
		rs_counts_text(f, &c);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n");
	for (i = 0; i < run->nunavail; i++) {
		fprintf(f, "<p class=\"unavailable\">Unavailable: ");
		report_esc(f, run->unavail[i]);
		fprintf(f, "</p>\n");
	}
	fprintf(f, "</section>\n");
}

/* first: the suite's first row, which the front page links to. */
static void rp_matrix_row(FILE *f, const struct report_run *run,
    const struct report_record *t, bool first)
{
	char key[1024], slug[256];
	const struct report_record *r;
	size_t i;

	report_slug(slug, sizeof(slug), t->suite_dir);
	if (first)
		fprintf(f, "<tr id=\"suite-%s\">", slug);
	else
		fprintf(f, "<tr>");
	fprintf(f, "<th scope=\"row\"><span class=\"suite\">");
	report_esc(f, t->suite_dir);
	fprintf(f, "/</span>");
	report_esc(f, t->f[RF_ID]);
	fprintf(f, "<br><small>");
	report_esc(f, t->f[RF_TITLE]);
	fprintf(f, "</small></th>");
	for (i = 0; i < run->niuts; i++) {
		snprintf(key, sizeof(key), "%s/%s@%s", t->suite_dir, t->f[RF_ID],
		    run->iuts[i]);
		r = report_run_find(run, key);
		if (r == NULL) {
			fprintf(f, "<td class=\"cell none\">&mdash;</td>");
			continue;
		}
		fprintf(f, "<td class=\"cell v-%s\">", report_verdict_name(r->verdict));
		rs_cell_link(f, run, r, "");
		fprintf(f, "</td>");
	}
	fprintf(f, "</tr>\n");
}

static void rp_matrix(FILE *f, const struct report_run *run)
{
	const struct report_record *prev = NULL, *r;
	size_t i;

	fprintf(f, "<section id=\"matrix\">\n<h2>Tests by IUT</h2>\n"
	    "<table class=\"matrix\">\n<thead><tr><th>test</th>");
	for (i = 0; i < run->niuts; i++) {
		fprintf(f, "<th scope=\"col\">");
		report_esc(f, run->iuts[i]);
		fprintf(f, "</th>");
	}
	fprintf(f, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < run->nrecs; i++) {
		r = run->recs[i];
		if (r->interop || (prev != NULL &&
		    strcmp(prev->suite_dir, r->suite_dir) == 0 &&
		    strcmp(prev->f[RF_ID], r->f[RF_ID]) == 0))
			continue;
		rp_matrix_row(f, run, r, prev == NULL ||
		    strcmp(prev->suite_dir, r->suite_dir) != 0);
		prev = r;
	}
	fprintf(f, "</tbody>\n</table>\n</section>\n");
}

static void rp_bad(FILE *f, const struct report_run *run)
{
	size_t i;

	if (run->nbad == 0)
		return;
	fprintf(f, "<section id=\"unreadable\">\n<h2>Records that could not "
	    "be read</h2>\n<ul>\n");
	for (i = 0; i < run->nbad; i++) {
		fprintf(f, "<li><code>");
		report_esc(f, run->bad[i]);
		fprintf(f, "</code></li>\n");
	}
	fprintf(f, "</ul>\n</section>\n");
}

static int rp_junit(const struct rs *s, const struct report_run *run)
{
	char rel[RS_PATH_MAX];
	FILE *f;

	snprintf(rel, sizeof(rel), "%s/junit.xml", run->slug);
	f = rs_open(s, rel);
	if (f == NULL)
		return -1;
	report_junit(f, run);
	return rs_close(s, f, rel);
}

int rs_run_page(const struct rs *s, const struct report_run *run)
{
	char rel[RS_PATH_MAX], title[512];
	FILE *f;

	if (rp_junit(s, run) < 0)
		return -1;
	snprintf(rel, sizeof(rel), "%s/index.html", run->slug);
	snprintf(title, sizeof(title), "iketest run %s", run->name);
	f = rs_open(s, rel);
	if (f == NULL)
		return -1;
	rs_head(f, title, "../");
	fprintf(f, "<h1>Run ");
	report_esc(f, run->name);
	fprintf(f, "</h1>\n<p class=\"meta\">From <code>");
	report_esc(f, run->dir);
	fprintf(f, "</code>: %zu records, %zu IUTs. <a href=\"junit.xml\">"
	    "JUnit XML</a>. Each test's page links its capture and its "
	    "Wireshark key tables (<code>." EVIDENCE_IKE_TABLE "</code>, "
	    "<code>." EVIDENCE_ESP_TABLE "</code>) and says how to read the "
	    "capture decrypted.</p>\n", run->nrecs, run->niuts);
	if (rs_night_head(f, s, run) < 0 || rp_diff(f, s, run) < 0 ||
	    rs_night_strips(f, s, run) < 0) {
		fclose(f);
		return -1;
	}
	rp_bars(f, run);
	rp_matrix(f, run);
	rs_summaries(f, run);
	rs_interop(f, run);
	rp_bad(f, run);
	rs_foot(f);
	return rs_close(s, f, rel);
}
