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
/* The same, with a class on <body> (NULL: none). */
void rs_head_class(FILE *f, const char *title, const char *root,
    const char *cls);
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

/* A small set of strings, in first-seen order, then sorted. */
struct sset {
	char **s;
	size_t n;
};
/* Adds s[0..n) if new: its index, or (size_t)-1 when memory runs out. */
size_t rs_sset_add(struct sset *set, const char *s, size_t n);
void rs_sset_free(struct sset *set);
/* qsort order of char *: natural ("RFC 7296 2.9" before "2.10"). */
int rs_natcmp(const void *a, const void *b);

/* The groups of a record (its suite, its RFC clauses), as spans of its
 * text; at most RS_PARTS_MAX. */
enum { RS_PARTS_MAX = 32 };
typedef size_t (*rs_parts_fn)(const struct report_record *r, const char **s,
    size_t *n);
size_t rs_parts_suite(const struct report_record *r, const char **s,
    size_t *n);
size_t rs_parts_rfc(const struct report_record *r, const char **s, size_t *n);

/* The non-interop records of a run by group and IUT. */
struct rs_groups {
	struct sset names;		/* sorted, natural order */
	unsigned *tests;		/* distinct tests per group */
	struct report_counts *c;	/* [group * niuts + iut] */
};
/* 0, or -1 when memory runs out (free it either way). */
int rs_groups_fill(struct rs_groups *g, const struct report_run *run,
    rs_parts_fn parts);
void rs_groups_free(struct rs_groups *g);

/* SITE/index.html: the front page (report_wall.c). */
int rs_wall(const struct rs *s, struct report_run **runs, size_t nruns);
int rs_run_page(const struct rs *s, const struct report_run *run);
int rs_test_page(const struct rs *s, const struct report_run *run,
    size_t idx);
void rs_summaries(FILE *f, const struct report_run *run);
void rs_interop(FILE *f, const struct report_run *run);

/* report_load.c: SITE/load.html from the runs' *.load records (iketest
 * load --out): 1 written, 0 none there, -1 error. */
int rs_load_page(const struct rs *s, struct report_run **runs, size_t nruns);

/* report_night.c, on a night's run page (ci/nightly): what changed
 * (partial or not, new failures, fixed, new findings, flaky) and the
 * campaigns' findings, copied beside the page; after the diff, the
 * flakiness strips over the history nights and this one. */
int rs_night_head(FILE *f, const struct rs *s, const struct report_run *run);
int rs_night_strips(FILE *f, const struct rs *s, const struct report_run *run);

#endif
