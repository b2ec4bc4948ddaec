/* report_night: a night of ci/nightly on its run page. First what
 * changed against the previous night (partial or not, new failures,
 * fixed, new fuzz findings, flaky), then the campaigns and their
 * findings (each minimized script copied beside the page, so its link
 * works offline), and after the diff a flakiness strip per test: its
 * verdict over the last nights, with the flaky changes (verdict changed,
 * script and IUT the same: report_diff_classify) marked. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "report_int.h"

enum { NIGHTS_MAX = 400 };

const char *report_night_partial(const struct report_run *night)
{
	if (night->night_state == NULL ||
	    strcmp(night->night_state, "complete") == 0)
		return NULL;
	if (night->night_reason != NULL)
		return night->night_reason;
	if (strcmp(night->night_state, "running") == 0)
		return "it never recorded its end (killed?)";
	return "its state is not `complete'";
}

unsigned report_flaky_strip(struct report_run *const *nights, size_t n,
    const char *key, enum report_verdict *v, bool *flaky)
{
	const struct report_record *prev = NULL, *r;
	unsigned count = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		r = report_run_find(nights[i], key);
		v[i] = r != NULL ? r->verdict : RV_COUNT;
		flaky[i] = prev != NULL && r != NULL &&
		    report_diff_classify(prev, r) == RC_FLAKY;
		count += flaky[i];
		if (r != NULL)
			prev = r;
	}
	return count;
}

/* The nights of the strips: the history, then run (at most NIGHTS_MAX). */
static size_t rn_nights(const struct rs *s, const struct report_run *run,
    struct report_run **out)
{
	size_t n = 0, i = s->o->nhistory;

	if (i > NIGHTS_MAX - 1)
		i = NIGHTS_MAX - 1;
	for (; i > 0; i--)
		out[n++] = s->o->history[s->o->nhistory - i];
	out[n++] = (struct report_run *)run;
	return n;
}

static unsigned rn_flaky_tests(const struct rs *s, const struct report_run *run)
{
	static struct report_run *nights[NIGHTS_MAX];
	static enum report_verdict v[NIGHTS_MAX];
	static bool fl[NIGHTS_MAX];
	size_t n = rn_nights(s, run, nights), i;
	unsigned tests = 0;

	for (i = 0; i < run->nrecs; i++)
		tests += report_flaky_strip(nights, n, run->recs[i]->key, v, fl) > 0;
	return tests;
}

static unsigned rn_new_findings(const struct rs *s, const struct report_run *run)
{
	unsigned n = 0;
	size_t i, k;

	for (i = 0; i < run->nfuzz; i++)
		for (k = 0; k < run->fuzz[i]->nfindings; k++)
			n += report_finding_new(s->base, run->fuzz[i]->iut,
			    &run->fuzz[i]->findings[k]);
	return n;
}

/* The counts of what changed, each a link to where it is listed. */
static int rn_changed(FILE *f, const struct rs *s, const struct report_run *run)
{
	struct report_diff_entry *d = NULL;
	unsigned c[RC_COUNT] = { 0 };
	size_t n = 0, i;

	if (s->base != NULL && s->base != run &&
	    report_diff_build(s->base, run, &d, &n, s->e) < 0)
		return -1;
	for (i = 0; i < n; i++)
		c[d[i].change]++;
	free(d);
	fprintf(f, "<ul class=\"changed\">\n"
	    "<li class=\"c-new\"><a href=\"#diff\">new failures: %u</a></li>\n"
	    "<li class=\"c-fixed\"><a href=\"#diff\">fixed: %u</a></li>\n"
	    "<li class=\"c-findings\"><a href=\"#fuzz\">new findings (fuzz): "
	    "%u</a></li>\n<li class=\"c-flaky\"><a href=\"#diff\">flaky since "
	    "the last night: %u</a>; <a href=\"#flaky\">flaky in the last %zu "
	    "nights: %u tests</a></li>\n</ul>\n", c[RC_NEW_FAILURE], c[RC_FIXED],
	    rn_new_findings(s, run), c[RC_FLAKY], s->o->nhistory + 1,
	    rn_flaky_tests(s, run));
	if (s->base == NULL)
		fprintf(f, "<p>No previous night: this is the first.</p>\n");
	return 0;
}

/* SITE/RUN/fuzz/IUT/FOLDER.ike: the finding's script beside the page;
 * only a *.ike file is read (a record may name any path). */
static int rn_copy_finding(const struct rs *s, const struct report_run *run,
    const char *iut, const struct report_finding *fd, char *rel, size_t size)
{
	char dir[256], slug_iut[128], slug_dir[256];
	const char *end, *beg;
	size_t len = strlen(fd->path);
	int rc;

	rel[0] = '\0';
	if (len < 5 || strcmp(fd->path + len - 4, ".ike") != 0)
		return 0;
	end = strrchr(fd->path, '/');
	if (end == NULL)
		end = fd->path;
	for (beg = end; beg > fd->path && beg[-1] != '/'; beg--)
		;
	snprintf(dir, sizeof(dir), "%.*s", (int)(end - beg), beg);
	report_slug(slug_dir, sizeof(slug_dir), dir[0] ? dir : "finding");
	report_slug(slug_iut, sizeof(slug_iut), iut);
	snprintf(rel, size, "%s/fuzz/%s/%s.ike", run->slug, slug_iut, slug_dir);
	rc = rs_copy(s, fd->path, rel);
	if (rc != 1)
		rel[0] = '\0';
	return rc;
}

static int rn_finding_row(FILE *f, const struct rs *s,
    const struct report_run *run, const struct report_fuzz *z,
    const struct report_finding *fd)
{
	char rel[RS_PATH_MAX];
	bool fresh = report_finding_new(s->base, z->iut, fd);

	if (rn_copy_finding(s, run, z->iut, fd, rel, sizeof(rel)) < 0)
		return -1;
	fprintf(f, "<tr class=\"%s\"><td>", fresh ? "finding-new" : "finding");
	report_esc(f, z->iut);
	fprintf(f, "</td><td>%s</td><td>", fresh ? "new" : "seen before");
	report_esc(f, fd->kind ? fd->kind : "?");
	fprintf(f, " in ");
	report_esc(f, fd->state ? fd->state : "?");
	fprintf(f, ", case %llu</td><td>", fd->casen);
	report_esc(f, fd->check ? fd->check : "");
	fprintf(f, "</td><td>");
	if (rel[0] != '\0') {
		fprintf(f, "<a href=\"");
		report_esc(f, rel + strlen(run->slug) + 1);
		fprintf(f, "\">finding.ike</a>");
	} else {
		fprintf(f, "<code>");
		report_esc(f, fd->path);
		fprintf(f, "</code> (not found)");
	}
	fprintf(f, " (minimized: ");
	report_esc(f, fd->minimized ? fd->minimized : "?");
	fprintf(f, ")</td></tr>\n");
	return 0;
}

/* The campaigns of the night: one line each, then their findings. */
static int rn_fuzz(FILE *f, const struct rs *s, const struct report_run *run)
{
	size_t i, k, nf = 0;

	fprintf(f, "<section id=\"fuzz\">\n<h2>Fuzz campaigns</h2>\n");
	if (run->nfuzz == 0)
		fprintf(f, "<p>No campaign this night.</p>\n");
	for (i = 0; i < run->nfuzz; i++) {
		const struct report_fuzz *z = run->fuzz[i];

		fprintf(f, "<p class=\"campaign\">");
		report_esc(f, z->iut);
		fprintf(f, ": seed %llu, %llu cases (", z->seed, z->cases);
		report_esc(f, z->cps ? z->cps : "?");
		fprintf(f, " per second), %zu finding%s", z->nfindings,
		    z->nfindings == 1 ? "" : "s");
		if (z->partial != NULL) {
			fprintf(f, "; <strong class=\"partial\">partial</strong>: ");
			report_esc(f, z->partial);
		}
		fprintf(f, ".</p>\n");
		nf += z->nfindings;
	}
	if (nf > 0)
		fprintf(f, "<table class=\"findings\">\n<thead><tr><th>IUT</th>"
		    "<th>against the last night</th><th>finding</th><th>check"
		    "</th><th>script (iketest run)</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < run->nfuzz; i++)
		for (k = 0; k < run->fuzz[i]->nfindings; k++)
			if (rn_finding_row(f, s, run, run->fuzz[i],
			    &run->fuzz[i]->findings[k]) < 0)
				return -1;
	if (nf > 0)
		fprintf(f, "</tbody>\n</table>\n");
	fprintf(f, "</section>\n");
	return 0;
}

int rs_night_head(FILE *f, const struct rs *s, const struct report_run *run)
{
	const char *why = report_night_partial(run);

	if (run->night_state == NULL || run == s->base)
		return 0;
	fprintf(f, "<section id=\"night\">\n<h2>What changed since the last "
	    "night</h2>\n");
	if (why != NULL) {
		fprintf(f, "<p class=\"partial\"><strong>partial</strong> night: ");
		report_esc(f, why);
		fprintf(f, ". What it measured before that is below.</p>\n");
	}
	if (rn_changed(f, s, run) < 0)
		return -1;
	fprintf(f, "</section>\n");
	return rn_fuzz(f, s, run);
}

static int rn_cmp_count(const void *a, const void *b)
{
	const unsigned *x = a, *y = b;

	return x[0] != y[0] ? (x[0] > y[0] ? -1 : 1) :
	    (x[1] > y[1]) - (x[1] < y[1]);
}

static void rn_strip_row(FILE *f, struct report_run *const *nights, size_t n,
    const struct report_record *r)
{
	static enum report_verdict v[NIGHTS_MAX];
	static bool fl[NIGHTS_MAX];
	const char *names[NIGHTS_MAX];
	unsigned k = report_flaky_strip(nights, n, r->key, v, fl);
	size_t i;

	for (i = 0; i < n; i++)
		names[i] = nights[i]->name;
	fprintf(f, "<tr%s><th scope=\"row\">", k ? " class=\"flaky\"" : "");
	report_esc(f, r->key);
	fprintf(f, "</th><td>");
	report_svg_strip(f, v, fl, names, n);
	fprintf(f, "</td><td class=\"num\">%u of %zu</td></tr>\n", k, n);
}

int rs_night_strips(FILE *f, const struct rs *s, const struct report_run *run)
{
	static struct report_run *nights[NIGHTS_MAX];
	static enum report_verdict v[NIGHTS_MAX];
	static bool fl[NIGHTS_MAX];
	unsigned (*order)[2];
	size_t n, i;

	if (run->night_state == NULL || run == s->base)
		return 0;
	n = rn_nights(s, run, nights);
	order = malloc((run->nrecs + 1) * sizeof(*order));
	if (order == NULL)
		return err_set(s->e, "report: out of memory");
	for (i = 0; i < run->nrecs; i++) {
		order[i][0] = report_flaky_strip(nights, n, run->recs[i]->key, v, fl);
		order[i][1] = (unsigned)i;
	}
	qsort(order, run->nrecs, sizeof(order[0]), rn_cmp_count);
	fprintf(f, "<section id=\"flaky\">\n<h2>Flakiness, last %zu nights"
	    "</h2>\n<p>A strip per test, a cell per night (oldest first; "
	    "hollow: it did not run). A framed cell is a flaky change: the "
	    "verdict changed while the script (SHA-256) and the IUT (name, "
	    "version) stayed the same. Most flaky first.</p>\n<p>Nights:", n);
	for (i = 0; i < n; i++) {
		fprintf(f, " ");
		report_esc(f, nights[i]->name);
		if (report_night_partial(nights[i]) != NULL)
			fprintf(f, " (partial)");
	}
	fprintf(f, "</p>\n<table class=\"strips\">\n<thead><tr><th>test</th>"
	    "<th>verdicts</th><th>flaky changes</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < run->nrecs; i++)
		rn_strip_row(f, nights, n, run->recs[order[i][1]]);
	fprintf(f, "</tbody>\n</table>\n</section>\n");
	free(order);
	return 0;
}
