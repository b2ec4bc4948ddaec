/* report_summary: the run page's summaries (per suite folder, per RFC
 * clause) and the implementation-by-implementation interop matrix. */
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

static size_t sset_find(const struct sset *set, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (strlen(set->s[i]) == n && strncmp(set->s[i], s, n) == 0)
			return i;
	return (size_t)-1;
}

/* Adds s[0..n) if new; the index, or -1 when memory runs out. */
size_t rs_sset_add(struct sset *set, const char *s, size_t n)
{
	size_t i = sset_find(set, s, n);
	char **l;

	if (i != (size_t)-1)
		return i;
	l = realloc(set->s, (set->n + 1) * sizeof(*l));
	if (l == NULL)
		return (size_t)-1;
	set->s = l;
	l[set->n] = strndup(s, n);
	if (l[set->n] == NULL)
		return (size_t)-1;
	return set->n++;
}

void rs_sset_free(struct sset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		free(set->s[i]);
	free(set->s);
}

/* Natural order: "RFC 7296 2.9" before "RFC 7296 2.10". */
int rs_natcmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	while (*x != '\0' && *y != '\0') {
		if (*x >= '0' && *x <= '9' && *y >= '0' && *y <= '9') {
			char *ex, *ey;
			unsigned long nx = strtoul(x, &ex, 10), ny = strtoul(y, &ey, 10);

			if (nx != ny)
				return nx < ny ? -1 : 1;
			x = ex, y = ey;
			continue;
		}
		if (*x != *y)
			return (unsigned char)*x < (unsigned char)*y ? -1 : 1;
		x++, y++;
	}
	return (unsigned char)*x - (unsigned char)*y;
}

static void counts_cell(FILE *f, const struct report_counts *c)
{
	fprintf(f, "<td class=\"num\">%u / %u / %u / %u / %u</td>",
	    c->n[RV_PASS], c->n[RV_FAIL], c->n[RV_SKIP], c->n[RV_TODO],
	    c->n[RV_ERROR]);
}

size_t rs_parts_suite(const struct report_record *r, const char **s,
    size_t *n)
{
	s[0] = r->suite_dir;
	n[0] = strlen(r->suite_dir);
	return 1;
}

/* "RFC 7296 2.6, RFC 7296 3.10.1": one clause per comma, trimmed. */
size_t rs_parts_rfc(const struct report_record *r, const char **s,
    size_t *n)
{
	const char *p = r->f[RF_RFC] != NULL ? r->f[RF_RFC] : "";
	size_t k = 0, len;

	while (*p != '\0' && k < RS_PARTS_MAX) {
		while (*p == ' ' || *p == ',')
			p++;
		len = strcspn(p, ",");
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len > 0) {
			s[k] = p;
			n[k++] = len;
		}
		p += len;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return k;
}

static bool same_test(const struct report_record *a,
    const struct report_record *b)
{
	return a != NULL && strcmp(a->suite_dir, b->suite_dir) == 0 &&
	    strcmp(a->f[RF_ID], b->f[RF_ID]) == 0;
}

static size_t iut_index(const struct report_run *run, const char *iut)
{
	size_t i;

	for (i = 0; i < run->niuts && strcmp(run->iuts[i], iut); i++)
		;
	return i;
}

static int groups_names(struct rs_groups *g, const struct report_run *run,
    rs_parts_fn parts)
{
	const char *s[RS_PARTS_MAX];
	size_t n[RS_PARTS_MAX], i, k, np;

	for (i = 0; i < run->nrecs; i++) {
		if (run->recs[i]->interop)
			continue;
		np = parts(run->recs[i], s, n);
		for (k = 0; k < np; k++)
			if (rs_sset_add(&g->names, s[k], n[k]) == (size_t)-1)
				return -1;
	}
	if (g->names.n > 0)
		qsort(g->names.s, g->names.n, sizeof(char *), rs_natcmp);
	return 0;
}

int rs_groups_fill(struct rs_groups *g, const struct report_run *run,
    rs_parts_fn parts)
{
	const char *s[RS_PARTS_MAX];
	const struct report_record *prev = NULL, *r;
	size_t n[RS_PARTS_MAX], i, k, np, gi, iut;
	bool new_test;

	if (groups_names(g, run, parts) < 0)
		return -1;
	g->tests = calloc(g->names.n + 1, sizeof(*g->tests));
	g->c = calloc((g->names.n + 1) * (run->niuts + 1), sizeof(*g->c));
	if (g->tests == NULL || g->c == NULL)
		return -1;
	for (i = 0; i < run->nrecs; i++) {
		r = run->recs[i];
		if (r->interop)
			continue;
		new_test = !same_test(prev, r);
		prev = r;
		iut = iut_index(run, report_record_iut(r));
		np = parts(r, s, n);
		for (k = 0; k < np; k++) {
			gi = sset_find(&g->names, s[k], n[k]);
			g->tests[gi] += new_test;
			g->c[gi * run->niuts + iut].n[r->verdict]++;
		}
	}
	return 0;
}

void rs_groups_free(struct rs_groups *g)
{
	rs_sset_free(&g->names);
	free(g->tests);
	free(g->c);
}

static void groups_table(FILE *f, const struct report_run *run,
    rs_parts_fn parts, const char *id, const char *title, const char *what)
{
	struct rs_groups g = { { NULL, 0 }, NULL, NULL };
	size_t i, k;

	fprintf(f, "<section id=\"%s\">\n<h2>%s</h2>\n", id, title);
	if (rs_groups_fill(&g, run, parts) < 0) {
		fprintf(f, "<p>out of memory</p>\n</section>\n");
		rs_groups_free(&g);
		return;
	}
	fprintf(f, "<p>%zu %s tested. Cells: scripts that pass / fail / "
	    "skip / todo / error."
	    "</p>\n<table class=\"summary\">\n<thead><tr><th>%s</th><th>tests</th>",
	    g.names.n, what, what);
	for (k = 0; k < run->niuts; k++) {
		fprintf(f, "<th>");
		report_esc(f, run->iuts[k]);
		fprintf(f, "</th>");
	}
	fprintf(f, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < g.names.n; i++) {
		fprintf(f, "<tr><th scope=\"row\">");
		report_esc(f, g.names.s[i]);
		fprintf(f, "</th><td class=\"num\">%u</td>", g.tests[i]);
		for (k = 0; k < run->niuts; k++)
			counts_cell(f, &g.c[i * run->niuts + k]);
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</tbody>\n</table>\n</section>\n");
	rs_groups_free(&g);
}

void rs_summaries(FILE *f, const struct report_run *run)
{
	groups_table(f, run, rs_parts_suite, "suites", "Per suite", "suites");
	groups_table(f, run, rs_parts_rfc, "clauses", "Per RFC clause", "clauses");
}

/* ------------------------------------------------------------ interop */

static const char *cs_name(const struct report_record *r)
{
	return r->f[RF_CRYPTO_SUITE] != NULL ? r->f[RF_CRYPTO_SUITE] :
	    "(suite not recorded)";
}

static void interop_cell(FILE *f, const struct report_run *run,
    const char *cs, const char *ini, const char *resp)
{
	const struct report_record *r;
	size_t i;
	bool any = false;

	fprintf(f, "<td class=\"cell\">");
	for (i = 0; i < run->nrecs; i++) {
		r = run->recs[i];
		if (!r->interop || strcmp(cs_name(r), cs) ||
		    strcmp(r->f[RF_INTEROP_INIT], ini) ||
		    strcmp(r->f[RF_INTEROP_RESP], resp))
			continue;
		fprintf(f, "%s<span class=\"test\">", any ? "<br>" : "");
		report_esc(f, r->f[RF_ID]);
		fprintf(f, "</span> ");
		rs_cell_link(f, run, r, "");
		any = true;
	}
	fprintf(f, "%s</td>", any ? "" : "&mdash;");
}

/* The summary of a row (ini set) or column (resp set) of a suite's
 * matrix: cells passed of those that ran (a skip, "no common suite" or a
 * pair that could not run, is not counted). NULL: any. */
static void interop_sum(FILE *f, const struct report_run *run,
    const char *cs, const char *ini, const char *resp)
{
	const struct report_record *r;
	size_t i, pass = 0, ran = 0;

	for (i = 0; i < run->nrecs; i++) {
		r = run->recs[i];
		if (!r->interop || strcmp(cs_name(r), cs) ||
		    (ini && strcmp(r->f[RF_INTEROP_INIT], ini)) ||
		    (resp && strcmp(r->f[RF_INTEROP_RESP], resp)) ||
		    r->verdict == RV_SKIP)
			continue;
		ran++;
		pass += r->verdict == RV_PASS;
	}
	fprintf(f, "<td class=\"sum\">%zu / %zu</td>", pass, ran);
}

static void interop_table(FILE *f, const struct report_run *run,
    const char *cs)
{
	struct sset ini = { NULL, 0 }, resp = { NULL, 0 };
	const struct report_record *r;
	size_t i, k;

	for (i = 0; i < run->nrecs; i++) {
		r = run->recs[i];
		if (!r->interop || strcmp(cs_name(r), cs) != 0)
			continue;
		(void)rs_sset_add(&ini, r->f[RF_INTEROP_INIT], strlen(r->f[RF_INTEROP_INIT]));
		(void)rs_sset_add(&resp, r->f[RF_INTEROP_RESP], strlen(r->f[RF_INTEROP_RESP]));
	}
	if (ini.n > 0)
		qsort(ini.s, ini.n, sizeof(char *), rs_natcmp);
	if (resp.n > 0)
		qsort(resp.s, resp.n, sizeof(char *), rs_natcmp);
	fprintf(f, "<h3>");
	report_esc(f, cs);
	fprintf(f, "</h3>\n<table class=\"interop\">\n<thead><tr>"
	    "<th>initiator \\ responder</th>");
	for (k = 0; k < resp.n; k++) {
		fprintf(f, "<th>");
		report_esc(f, resp.s[k]);
		fprintf(f, "</th>");
	}
	fprintf(f, "<th>as initiator<br><small>passed / ran</small></th>"
	    "</tr></thead>\n<tbody>\n");
	for (i = 0; i < ini.n; i++) {
		fprintf(f, "<tr><th scope=\"row\">");
		report_esc(f, ini.s[i]);
		fprintf(f, "</th>");
		for (k = 0; k < resp.n; k++)
			interop_cell(f, run, cs, ini.s[i], resp.s[k]);
		interop_sum(f, run, cs, ini.s[i], NULL);
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "<tr><th scope=\"row\">as responder<br><small>passed / "
	    "ran</small></th>");
	for (k = 0; k < resp.n; k++)
		interop_sum(f, run, cs, NULL, resp.s[k]);
	interop_sum(f, run, cs, NULL, NULL);
	fprintf(f, "</tr>\n</tbody>\n</table>\n");
	rs_sset_free(&ini);
	rs_sset_free(&resp);
}

void rs_interop(FILE *f, const struct report_run *run)
{
	struct sset cs = { NULL, 0 };
	size_t i;

	fprintf(f, "<section id=\"interop\">\n<h2>Implementation by "
	    "implementation</h2>\n");
	for (i = 0; i < run->nrecs; i++)
		if (run->recs[i]->interop)
			(void)rs_sset_add(&cs, cs_name(run->recs[i]),
			    strlen(cs_name(run->recs[i])));
	if (cs.n == 0)
		fprintf(f, "<p>No interop records in this run.</p>\n");
	if (cs.n > 0)
		qsort(cs.s, cs.n, sizeof(char *), rs_natcmp);
	for (i = 0; i < cs.n; i++)
		interop_table(f, run, cs.s[i]);
	fprintf(f, "</section>\n");
	rs_sset_free(&cs);
}
