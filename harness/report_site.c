/* report_site: the static site. SITE/index.html is the front page, one
 * screen for a wall (report_wall.c); SITE/runs.html lists the runs;
 * SITE/RUN/index.html is a run (report_runpage.c); SITE/RUN/IUT/SUITE/
 * ID.html a test on one IUT (report_page.c) with its pcap and key table
 * copied beside it, so the site stands alone: file://, offline, no
 * JavaScript, printable (reports/style.css has the print rules). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "report_int.h"

static int rs_mkdirs(const struct rs *s, const char *path)
{
	char buf[RS_PATH_MAX];
	size_t i;

	snprintf(buf, sizeof(buf), "%s", path);
	for (i = 1; buf[i] != '\0'; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return err_set(s->e, "%s: %s", buf, strerror(errno));
		buf[i] = '/';
	}
	return 0;
}

FILE *rs_open(const struct rs *s, const char *rel)
{
	char path[RS_PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", s->o->out_dir, rel);
	if (rs_mkdirs(s, path) < 0)
		return NULL;
	f = fopen(path, "w");
	if (f == NULL)
		err_set(s->e, "%s: %s", path, strerror(errno));
	return f;
}

int rs_close(const struct rs *s, FILE *f, const char *rel)
{
	int bad = ferror(f);

	if (fclose(f) != 0 || bad)
		return err_set(s->e, "%s/%s: write failed", s->o->out_dir, rel);
	return 0;
}

void rs_head_class(FILE *f, const char *title, const char *root,
    const char *cls)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n<title>");
	report_esc(f, title);
	fprintf(f, "</title>\n<link rel=\"stylesheet\" href=\"%sstyle.css\">\n"
	    "</head>\n<body%s%s%s>\n<nav><a href=\"%sindex.html\">front page</a> "
	    "&middot; <a href=\"%sruns.html\">all runs</a></nav>\n<main>\n",
	    root, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "", root,
	    root);
}

void rs_head(FILE *f, const char *title, const char *root)
{
	rs_head_class(f, title, root, NULL);
}

void rs_foot(FILE *f)
{
	fprintf(f, "</main>\n<footer>made by <code>iketest report</code>"
	    "</footer>\n</body>\n</html>\n");
}

int rs_copy(const struct rs *s, const char *from, const char *rel)
{
	FILE *in = fopen(from, "rb"), *out;
	char buf[65536];
	size_t n;

	if (in == NULL)
		return 0;
	out = rs_open(s, rel);
	if (out == NULL) {
		fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	return rs_close(s, out, rel) < 0 ? -1 : 1;
}

static void rs_stem_raw(const struct report_record *r, char *out, size_t size)
{
	char iut[128], suite[128], id[160], cs[64] = "";

	if (r->interop) {
		char both[256];

		snprintf(both, sizeof(both), "interop-%s-%s",
		    r->f[RF_INTEROP_INIT], r->f[RF_INTEROP_RESP]);
		report_slug(iut, sizeof(iut), both);
		if (r->f[RF_CRYPTO_SUITE] != NULL)
			report_slug(cs, sizeof(cs), r->f[RF_CRYPTO_SUITE]);
	} else {
		report_slug(iut, sizeof(iut), report_record_iut(r));
	}
	report_slug(suite, sizeof(suite), r->suite_dir);
	report_slug(id, sizeof(id), r->f[RF_ID]);
	snprintf(out, size, "%s/%s/%s%s%s", iut, suite, id, cs[0] ? "-" : "", cs);
}

void rs_page_stem(const struct report_run *run, size_t idx, char *out,
    size_t size)
{
	char other[RS_PATH_MAX];
	size_t i;

	rs_stem_raw(run->recs[idx], out, size);
	for (i = 0; i < idx; i++) {
		rs_stem_raw(run->recs[i], other, sizeof(other));
		if (strcmp(other, out) == 0) {
			/* Two keys, one slug: the index keeps them apart. */
			size_t n = strlen(out);

			snprintf(out + n, size - n, "-%zu", idx);
			return;
		}
	}
}

size_t rs_index_of(const struct report_run *run, const struct report_record *r)
{
	size_t i;

	for (i = 0; i < run->nrecs; i++)
		if (run->recs[i] == r)
			break;
	return i;
}

void rs_counts(const struct report_run *run, const char *iut,
    struct report_counts *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < run->nrecs; i++) {
		const struct report_record *r = run->recs[i];

		if (r->interop || (iut != NULL &&
		    strcmp(report_record_iut(r), iut) != 0))
			continue;
		c->n[r->verdict]++;
	}
}

void rs_counts_text(FILE *f, const struct report_counts *c)
{
	unsigned n = 0, i;

	for (i = 0; i < RV_COUNT; i++)
		n += c->n[i];
	fprintf(f, "%u script%s: %u pass, %u fail, %u skip, %u todo, %u error",
	    n, n == 1 ? "" : "s", c->n[RV_PASS], c->n[RV_FAIL], c->n[RV_SKIP],
	    c->n[RV_TODO], c->n[RV_ERROR]);
}

void rs_cell_link(FILE *f, const struct report_run *run,
    const struct report_record *r, const char *prefix)
{
	char stem[RS_PATH_MAX];
	const char *v = report_verdict_name(r->verdict);

	rs_page_stem(run, rs_index_of(run, r), stem, sizeof(stem));
	fprintf(f, "<a class=\"v v-%s\" href=\"%s", v, prefix);
	report_esc(f, stem);
	fprintf(f, ".html\"");
	if (r->f[RF_DEVIATION] != NULL) {
		fprintf(f, " title=\"");
		report_esc(f, r->f[RF_DEVIATION]);
		fprintf(f, ": ");
		report_esc(f, r->f[RF_DEVIATION_EVIDENCE]);
		fprintf(f, "\"");
	}
	/* A deviation no check showed is not a todo like the others. */
	fprintf(f, ">%s</a>", r->verdict == RV_TODO &&
	    r->deviation == RD_NOT_SEEN ? "declared, not seen" : v);
}

/* ------------------------------------------------------------ index */

static void rs_index_row(FILE *f, const struct report_run *run,
    const struct report_run *base)
{
	struct report_counts c;

	rs_counts(run, NULL, &c);
	fprintf(f, "<tr><td><a href=\"");
	report_esc(f, run->slug);
	fprintf(f, "/index.html\">");
	report_esc(f, run->name);
	fprintf(f, "</a>%s</td><td>%zu</td><td>%zu</td><td>",
	    run == base ? " <em>(baseline)</em>" : "", run->niuts, run->nrecs);
	report_svg_bar(f, &c);
	fprintf(f, "</td><td class=\"num\">");
	rs_counts_text(f, &c);
	fprintf(f, "%s</td></tr>\n", run->nbad ? " (unreadable records)" : "");
}

static int rs_index(const struct rs *s, struct report_run **runs,
    size_t nruns, bool load)
{
	FILE *f = rs_open(s, "runs.html");
	size_t i;

	if (f == NULL)
		return -1;
	rs_head(f, "iketest runs", "");
	fprintf(f, "<h1>iketest runs</h1>\n<table class=\"runs\">\n<thead><tr>"
	    "<th>run</th><th>IUTs</th><th>records</th><th>results</th>"
	    "<th>counts</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < nruns; i++)
		rs_index_row(f, runs[i], s->base);
	fprintf(f, "</tbody>\n</table>\n");
	if (load)
		fprintf(f, "<p><a href=\"load.html\">load runs</a> (iketest load)</p>\n");
	rs_foot(f);
	return rs_close(s, f, "runs.html");
}

/* Without reports/style.css the pages still need their style.css. */
static int rs_plain_css(const struct rs *s)
{
	FILE *f = rs_open(s, "style.css");

	if (f == NULL)
		return -1;
	fprintf(f, "/* reports/style.css was not found: plain style */\n"
	    "body { font-family: sans-serif; }\n"
	    "td, th { border: 1px solid #999; padding: 2px 6px; }\n");
	return rs_close(s, f, "style.css");
}

/* Folder names of the runs: the run folder's name, made unique. */
static int rs_slugs(struct report_run **runs, size_t nruns, struct err *e)
{
	char buf[256];
	size_t i, k, n;

	for (i = 0; i < nruns; i++) {
		report_slug(buf, sizeof(buf) - 16, runs[i]->name);
		for (k = 0; k < i; k++)
			if (strcmp(runs[k]->slug, buf) == 0) {
				n = strlen(buf);
				snprintf(buf + n, sizeof(buf) - n, "-%zu", i + 1);
				k = (size_t)-1;	/* check the new name again */
			}
		free(runs[i]->slug);
		runs[i]->slug = strdup(buf);
		if (runs[i]->slug == NULL)
			return err_set(e, "report: out of memory");
	}
	return 0;
}

int report_site_write(const struct report_site_opts *o,
    struct report_run **runs, size_t nruns, const struct report_run *base,
    struct err *e)
{
	struct rs s = { .o = o, .base = base, .e = e };
	size_t i, k;
	int load;

	if (rs_slugs(runs, nruns, e) < 0)
		return -1;
	if (o->css_path != NULL && rs_copy(&s, o->css_path, "style.css") != 1)
		return err_set(e, "%s: cannot copy the style sheet", o->css_path);
	if (o->css_path == NULL && rs_plain_css(&s) < 0)
		return -1;
	for (i = 0; i < nruns; i++) {
		if (rs_run_page(&s, runs[i]) < 0)
			return -1;
		for (k = 0; k < runs[i]->nrecs; k++)
			if (rs_test_page(&s, runs[i], k) < 0)
				return -1;
	}
	if ((load = rs_load_page(&s, runs, nruns)) < 0 ||
	    rs_index(&s, runs, nruns, load == 1) < 0)
		return -1;
	return rs_wall(&s, runs, nruns);
}
