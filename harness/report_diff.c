/* report_diff: a run against a baseline. A verdict that changed while
 * neither the script (its SHA-256) nor the IUT (name and version) did is
 * flaky: the change says something about the test or the lab, not about
 * a regression or a fix. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "report.h"

static const char *const change_names[RC_COUNT] = {
	[RC_NEW_FAILURE] = "new failure", [RC_FIXED] = "fixed",
	[RC_STILL_FAILING] = "still failing", [RC_FLAKY] = "flaky",
	[RC_CHANGED] = "changed", [RC_ADDED] = "added",
	[RC_REMOVED] = "removed", [RC_SAME] = "same",
};

const char *report_change_name(enum report_change c)
{
	return (unsigned)c < RC_COUNT ? change_names[c] : "?";
}

bool report_streq(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* Same script text and same IUT: an unknown hash is never "the same". */
static bool rd_unchanged(const struct report_record *a,
    const struct report_record *b)
{
	return a->sha256[0] != '\0' && strcmp(a->sha256, b->sha256) == 0 &&
	    strcmp(report_record_iut(a), report_record_iut(b)) == 0 &&
	    report_streq(a->f[RF_IUT_VERSION], b->f[RF_IUT_VERSION]);
}

enum report_change report_diff_classify(const struct report_record *base,
    const struct report_record *cur)
{
	bool bf, cf;

	if (base == NULL && cur == NULL)
		return RC_SAME;
	if (base == NULL)
		return report_verdict_failing(cur->verdict) ? RC_NEW_FAILURE :
		    RC_ADDED;
	if (cur == NULL)
		return RC_REMOVED;
	bf = report_verdict_failing(base->verdict);
	cf = report_verdict_failing(cur->verdict);
	if (base->verdict == cur->verdict)
		return cf ? RC_STILL_FAILING : RC_SAME;
	if (rd_unchanged(base, cur))
		return RC_FLAKY;
	if (cf && bf)
		return RC_STILL_FAILING;
	if (cf)
		return RC_NEW_FAILURE;
	if (bf)
		return RC_FIXED;
	return RC_CHANGED;
}

static int rd_cmp(const void *a, const void *b)
{
	const struct report_diff_entry *x = a, *y = b;
	const struct report_record *rx = x->cur ? x->cur : x->base;
	const struct report_record *ry = y->cur ? y->cur : y->base;

	if (x->change != y->change)
		return x->change < y->change ? -1 : 1;
	return strcmp(rx->key, ry->key);
}

static int rd_add(struct report_diff_entry **l, size_t *n,
    const struct report_record *base, const struct report_record *cur)
{
	enum report_change c = report_diff_classify(base, cur);
	struct report_diff_entry *nl;

	if (c == RC_SAME)
		return 0;
	nl = realloc(*l, (*n + 1) * sizeof(*nl));
	if (nl == NULL)
		return -1;
	nl[*n] = (struct report_diff_entry){ c, base, cur };
	(*n)++;
	*l = nl;
	return 0;
}

int report_diff_build(const struct report_run *base,
    const struct report_run *cur, struct report_diff_entry **out,
    size_t *n, struct err *e)
{
	struct report_diff_entry *l = NULL;
	size_t i, k = 0;
	int rc = 0;

	for (i = 0; i < cur->nrecs && rc == 0; i++)
		rc = rd_add(&l, &k, report_run_find(base, cur->recs[i]->key),
		    cur->recs[i]);
	for (i = 0; i < base->nrecs && rc == 0; i++)
		if (report_run_find(cur, base->recs[i]->key) == NULL)
			rc = rd_add(&l, &k, base->recs[i], NULL);
	if (rc < 0) {
		free(l);
		return err_set(e, "report_diff_build: out of memory");
	}
	if (k > 0)
		qsort(l, k, sizeof(*l), rd_cmp);
	*out = l;
	*n = k;
	return 0;
}
