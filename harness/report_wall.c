/* report_wall: SITE/index.html, the front page, made to fit one
 * 1920x1080 screen (a wall at an interop event, a vendor's dashboard):
 * per IUT a headline number with its name and version, an IUT x suite
 * grid, the changes against the baseline, the RFC clauses as a coloured
 * grid, and the interop matrix. Every cell links down to the run's page
 * or a test's page. It shows one run: the last one given that is not the
 * baseline. Lists are capped (with "N more" linking down) so that the
 * page keeps to one screen; harness/tests/report_browser.sh measures it. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "report_int.h"

enum {
	WALL_CHANGES_MAX = 8,	/* rows of the change list */
	WALL_CLAUSES_MAX = 180,	/* tiles of the clause grid */
	WALL_PEERS_MAX = 8,	/* interop initiators and responders */
};

/* The colour of a group of scripts: the worst verdict in it (fail, error,
 * todo, then pass; skip only when nothing ran). */
static const char *wall_class(const struct report_counts *c)
{
	if (c->n[RV_FAIL] > 0)
		return "fail";
	if (c->n[RV_ERROR] > 0)
		return "error";
	if (c->n[RV_TODO] > 0)
		return "todo";
	if (c->n[RV_PASS] > 0)
		return "pass";
	return c->n[RV_SKIP] > 0 ? "skip" : "none";
}

static unsigned wall_total(const struct report_counts *c)
{
	unsigned n = 0, i;

	for (i = 0; i < RV_COUNT; i++)
		n += c->n[i];
	return n;
}

/* The version of iut in the run: the first recorded one, "(several)"
 * appended when its records disagree. */
static void wall_version(FILE *f, const struct report_run *run,
    const char *iut)
{
	const char *v = NULL, *w;
	bool several = false;
	size_t i;

	for (i = 0; i < run->nrecs; i++) {
		if (run->recs[i]->interop ||
		    strcmp(report_record_iut(run->recs[i]), iut) != 0)
			continue;
		w = run->recs[i]->f[RF_IUT_VERSION];
		if (w == NULL || w[0] == '\0')
			continue;
		if (v == NULL)
			v = w;
		else if (strcmp(v, w) != 0)
			several = true;
	}
	if (v == NULL) {
		fprintf(f, "version not recorded");
		return;
	}
	report_esc(f, v);
	if (several)
		fprintf(f, " (and others)");
}

static void wall_headline(FILE *f, const struct report_run *run)
{
	struct report_counts c;
	size_t i;

	fprintf(f, "<section id=\"headline\" class=\"w-cards\">\n");
	for (i = 0; i < run->niuts; i++) {
		rs_counts(run, run->iuts[i], &c);
		fprintf(f, "<a class=\"w-card w-%s\" href=\"", wall_class(&c));
		report_esc(f, run->slug);
		fprintf(f, "/index.html#iuts\"><span class=\"w-iut\">");
		report_esc(f, run->iuts[i]);
		fprintf(f, "</span> <span class=\"w-ver\">");
		wall_version(f, run, run->iuts[i]);
		fprintf(f, "</span><span class=\"w-big\">%u<small> / %u</small>"
		    "</span><span class=\"w-unit\">scripts pass</span>"
		    "<span class=\"w-rest\"><b class=\"t-fail\">%u fail</b> "
		    "<b class=\"t-error\">%u error</b> <b class=\"t-todo\">%u "
		    "todo</b> <b class=\"t-skip\">%u skip</b></span></a>\n",
		    c.n[RV_PASS], wall_total(&c), c.n[RV_FAIL], c.n[RV_ERROR],
		    c.n[RV_TODO], c.n[RV_SKIP]);
	}
	for (i = 0; i < run->nunavail; i++) {
		fprintf(f, "<div class=\"w-card w-none\"><span class=\"w-iut\">"
		    "unavailable</span><span class=\"w-reason\">");
		report_esc(f, run->unavail[i]);
		fprintf(f, "</span></div>\n");
	}
	if (run->niuts == 0 && run->nunavail == 0)
		fprintf(f, "<p>No records in this run.</p>\n");
	fprintf(f, "</section>\n");
}

/* IUT rows by suite columns; a cell is "passed / scripts". */
static void wall_suites(FILE *f, const struct report_run *run)
{
	struct rs_groups g = { { NULL, 0 }, NULL, NULL };
	char slug[256];
	size_t i, k;

	fprintf(f, "<section id=\"w-suites\">\n<h2>IUT by suite <small>"
	    "(scripts passed / run)</small></h2>\n");
	if (rs_groups_fill(&g, run, rs_parts_suite) < 0) {
		fprintf(f, "<p>out of memory</p>\n</section>\n");
		rs_groups_free(&g);
		return;
	}
	fprintf(f, "<table class=\"w-grid\">\n<thead><tr><th>IUT</th>");
	for (k = 0; k < g.names.n; k++) {
		fprintf(f, "<th>");
		report_esc(f, g.names.s[k]);
		fprintf(f, "</th>");
	}
	fprintf(f, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < run->niuts; i++) {
		fprintf(f, "<tr><th scope=\"row\">");
		report_esc(f, run->iuts[i]);
		fprintf(f, "</th>");
		for (k = 0; k < g.names.n; k++) {
			const struct report_counts *c = &g.c[k * run->niuts + i];

			if (wall_total(c) == 0) {
				fprintf(f, "<td class=\"w-none\">&mdash;</td>");
				continue;
			}
			report_slug(slug, sizeof(slug), g.names.s[k]);
			fprintf(f, "<td class=\"w-%s\"><a href=\"", wall_class(c));
			report_esc(f, run->slug);
			fprintf(f, "/index.html#suite-%s\">%u / %u</a></td>", slug,
			    c->n[RV_PASS], wall_total(c));
		}
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</tbody>\n</table>\n</section>\n");
	rs_groups_free(&g);
}

static void wall_change_row(FILE *f, const struct report_run *run,
    const struct report_run *base, const struct report_diff_entry *d)
{
	const struct report_record *r = d->cur != NULL ? d->cur : d->base;
	char prefix[300];

	fprintf(f, "<li><span class=\"w-ch w-ch-%d\">%s</span> ", (int)d->change,
	    report_change_name(d->change));
	report_esc(f, r->key);
	fprintf(f, " ");
	if (d->cur != NULL) {
		snprintf(prefix, sizeof(prefix), "%s/", run->slug);
		rs_cell_link(f, run, d->cur, prefix);
	} else {
		snprintf(prefix, sizeof(prefix), "%s/", base->slug);
		rs_cell_link(f, base, d->base, prefix);
	}
	fprintf(f, "</li>\n");
}

static int wall_changes(FILE *f, const struct rs *s,
    const struct report_run *run)
{
	struct report_diff_entry *d;
	unsigned by[RC_COUNT] = { 0 };
	size_t n, i;

	fprintf(f, "<section id=\"w-changes\">\n<h2>Changes against the "
	    "baseline</h2>\n");
	if (s->base == NULL || s->base == run) {
		fprintf(f, "<p>%s</p>\n</section>\n", s->base == NULL ?
		    "No baseline chosen (<code>--baseline RUNDIR</code>)." :
		    "This run is the baseline.");
		return 0;
	}
	if (report_diff_build(s->base, run, &d, &n, s->e) < 0)
		return -1;
	for (i = 0; i < n; i++)
		by[d[i].change]++;
	fprintf(f, "<p class=\"w-chsum\">against ");
	report_esc(f, s->base->name);
	fprintf(f, ":");
	for (i = 0; i < RC_SAME; i++)
		fprintf(f, " <span class=\"w-ch w-ch-%zu\"><b>%u</b> %s</span>",
		    i, by[i], report_change_name((enum report_change)i));
	fprintf(f, "</p>\n<ul class=\"w-chlist\">\n");
	for (i = 0; i < n && i < WALL_CHANGES_MAX; i++)
		wall_change_row(f, run, s->base, &d[i]);
	fprintf(f, "</ul>\n");
	if (n == 0)
		fprintf(f, "<p>No change.</p>\n");
	if (n > WALL_CHANGES_MAX) {
		fprintf(f, "<p><a href=\"");
		report_esc(f, run->slug);
		fprintf(f, "/index.html#diff\">and %zu more</a></p>\n",
		    n - WALL_CHANGES_MAX);
	}
	fprintf(f, "</section>\n");
	free(d);
	return 0;
}

/* "RFC 7296 2.6" as a tile's text: "7296 2.6". */
static const char *wall_clause_short(const char *s)
{
	return strncmp(s, "RFC ", 4) == 0 ? s + 4 : s;
}

static void wall_clauses(FILE *f, const struct report_run *run)
{
	struct rs_groups g = { { NULL, 0 }, NULL, NULL };
	struct report_counts sum;
	size_t i, k, v;

	fprintf(f, "<section id=\"w-clauses\">\n<h2>RFC clauses <small>("
	    "worst verdict over every IUT; scripts passed / run)</small></h2>\n");
	if (rs_groups_fill(&g, run, rs_parts_rfc) < 0) {
		fprintf(f, "<p>out of memory</p>\n</section>\n");
		rs_groups_free(&g);
		return;
	}
	fprintf(f, "<p class=\"w-tiles\">");
	for (i = 0; i < g.names.n && i < WALL_CLAUSES_MAX; i++) {
		memset(&sum, 0, sizeof(sum));
		for (k = 0; k < run->niuts; k++)
			for (v = 0; v < RV_COUNT; v++)
				sum.n[v] += g.c[i * run->niuts + k].n[v];
		fprintf(f, "<a class=\"w-tile w-%s\" href=\"", wall_class(&sum));
		report_esc(f, run->slug);
		fprintf(f, "/index.html#clauses\" title=\"");
		report_esc(f, g.names.s[i]);
		fprintf(f, ": %u tests; %u of %u scripts pass\">", g.tests[i],
		    sum.n[RV_PASS], wall_total(&sum));
		report_esc(f, wall_clause_short(g.names.s[i]));
		fprintf(f, "<small>%u/%u</small></a>", sum.n[RV_PASS],
		    wall_total(&sum));
	}
	fprintf(f, "</p>\n");
	if (g.names.n == 0)
		fprintf(f, "<p>No clause recorded.</p>\n");
	if (g.names.n > WALL_CLAUSES_MAX) {
		fprintf(f, "<p><a href=\"");
		report_esc(f, run->slug);
		fprintf(f, "/index.html#clauses\">and %zu more</a></p>\n",
		    g.names.n - WALL_CLAUSES_MAX);
	}
	fprintf(f, "</section>\n");
	rs_groups_free(&g);
}

/* The interop records of ini>resp, over every crypto suite and test. */
static void wall_pair(const struct report_run *run, const char *ini,
    const char *resp, struct report_counts *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < run->nrecs; i++) {
		const struct report_record *r = run->recs[i];

		if (r->interop && strcmp(r->f[RF_INTEROP_INIT], ini) == 0 &&
		    strcmp(r->f[RF_INTEROP_RESP], resp) == 0)
			c->n[r->verdict]++;
	}
}

static void wall_interop_table(FILE *f, const struct report_run *run,
    const struct sset *ini, const struct sset *resp)
{
	struct report_counts c;
	size_t i, k;

	fprintf(f, "<table class=\"w-grid\">\n<thead><tr><th>initiator \\ "
	    "responder</th>");
	for (k = 0; k < resp->n && k < WALL_PEERS_MAX; k++) {
		fprintf(f, "<th>");
		report_esc(f, resp->s[k]);
		fprintf(f, "</th>");
	}
	fprintf(f, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < ini->n && i < WALL_PEERS_MAX; i++) {
		fprintf(f, "<tr><th scope=\"row\">");
		report_esc(f, ini->s[i]);
		fprintf(f, "</th>");
		for (k = 0; k < resp->n && k < WALL_PEERS_MAX; k++) {
			wall_pair(run, ini->s[i], resp->s[k], &c);
			if (wall_total(&c) == 0) {
				fprintf(f, "<td class=\"w-none\">&mdash;</td>");
				continue;
			}
			fprintf(f, "<td class=\"w-%s\"><a href=\"", wall_class(&c));
			report_esc(f, run->slug);
			fprintf(f, "/index.html#interop\">%u / %u</a></td>",
			    c.n[RV_PASS], wall_total(&c));
		}
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</tbody>\n</table>\n");
}

static void wall_interop(FILE *f, const struct report_run *run)
{
	struct sset ini = { NULL, 0 }, resp = { NULL, 0 };
	size_t i;

	fprintf(f, "<section id=\"w-interop\">\n<h2>Interop <small>(initiator "
	    "by responder, every crypto suite; tests passed / run)</small>"
	    "</h2>\n");
	for (i = 0; i < run->nrecs; i++) {
		const struct report_record *r = run->recs[i];

		if (!r->interop)
			continue;
		(void)rs_sset_add(&ini, r->f[RF_INTEROP_INIT],
		    strlen(r->f[RF_INTEROP_INIT]));
		(void)rs_sset_add(&resp, r->f[RF_INTEROP_RESP],
		    strlen(r->f[RF_INTEROP_RESP]));
	}
	if (ini.n == 0) {
		/* Said plainly: an empty matrix is not a result. */
		fprintf(f, "<p class=\"w-empty\">No interop records in this "
		    "run.</p>\n");
	} else {
		qsort(ini.s, ini.n, sizeof(char *), rs_natcmp);
		qsort(resp.s, resp.n, sizeof(char *), rs_natcmp);
		wall_interop_table(f, run, &ini, &resp);
	}
	fprintf(f, "</section>\n");
	rs_sset_free(&ini);
	rs_sset_free(&resp);
}

/* The run the front page shows: the last given that is not the baseline
 * (the baseline itself when it is the only one). */
static const struct report_run *wall_run(struct report_run **runs,
    size_t nruns, const struct report_run *base)
{
	size_t i;

	for (i = nruns; i > 0; i--)
		if (runs[i - 1] != base)
			return runs[i - 1];
	return nruns > 0 ? runs[nruns - 1] : NULL;
}

int rs_wall(const struct rs *s, struct report_run **runs, size_t nruns)
{
	const struct report_run *run = wall_run(runs, nruns, s->base);
	FILE *f = rs_open(s, "index.html");
	char title[512];

	if (f == NULL)
		return -1;
	snprintf(title, sizeof(title), "iketest: %s", run ? run->name : "no run");
	rs_head_class(f, title, "", "wall");
	fprintf(f, "<header class=\"w-head\"><h1>iketest ");
	if (run != NULL) {
		fprintf(f, "<a href=\"");
		report_esc(f, run->slug);
		fprintf(f, "/index.html\">");
		report_esc(f, run->name);
		fprintf(f, "</a></h1><span>%zu IUTs, %zu records%s; <a href=\""
		    "runs.html\">all %zu runs</a>; <a href=\"", run->niuts,
		    run->nrecs, run->nbad ? ", some unreadable" : "", nruns);
		report_esc(f, run->slug);
		fprintf(f, "/junit.xml\">JUnit XML</a></span></header>\n");
		fprintf(f, "<div class=\"w-body\">\n");
		wall_headline(f, run);
		wall_suites(f, run);
		if (wall_changes(f, s, run) < 0) {
			fclose(f);
			return -1;
		}
		wall_clauses(f, run);
		wall_interop(f, run);
		fprintf(f, "</div>\n");
	} else {
		fprintf(f, "</h1></header>\n<p>No run given.</p>\n");
	}
	rs_foot(f);
	return rs_close(s, f, "index.html");
}
