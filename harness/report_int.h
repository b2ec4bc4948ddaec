/* report_int: helpers shared by the site writer's files (report_site.c,
 * report_runpage.c, report_page.c, report_summary.c). */
#ifndef IKETEST_REPORT_INT_H
#define IKETEST_REPORT_INT_H

#include "report.h"

enum { RS_PATH_MAX = 4096 };

struct rs {
	const struct report_site_opts *o;
	const struct report_run *base;	/* may be NULL */
	struct err *e;
};

/* Opens SITE/rel for writing, making its folders. */
FILE *rs_open(const struct rs *s, const char *rel);
/* Closes f; -1 with a message when a write failed. */
int rs_close(const struct rs *s, FILE *f, const char *rel);
/* The HTML head (root: the relative path to the site's top, "" or
 * "../../") and the end of a page. */
void rs_head(FILE *f, const char *title, const char *root);
void rs_foot(FILE *f);
/* Copies a file; 1 copied, 0 no such file, -1 error. */
int rs_copy(const struct rs *s, const char *from, const char *rel);
/* A record's page inside its run's folder: IUT/SUITE/ID.html (stem
 * without .html into out); unique within the run. */
void rs_page_stem(const struct report_run *run, size_t idx, char *out,
    size_t size);
size_t rs_index_of(const struct report_run *run, const struct report_record *r);
/* The counts of the records of iut (NULL: all non-interop). */
void rs_counts(const struct report_run *run, const char *iut,
    struct report_counts *c);
/* "N scripts: P pass, F fail, ...": the counts with their unit. */
void rs_counts_text(FILE *f, const struct report_counts *c);
/* A verdict cell's text with a link to the record's page (from the run's
 * folder: prefix "" there, or "../SLUG/" from a sibling run). */
void rs_cell_link(FILE *f, const struct report_run *run,
    const struct report_record *r, const char *prefix);

int rs_run_page(const struct rs *s, const struct report_run *run);
int rs_test_page(const struct rs *s, const struct report_run *run,
    size_t idx);
void rs_summaries(FILE *f, const struct report_run *run);
void rs_interop(FILE *f, const struct report_run *run);

#endif
