/* report_fuzz: a fuzz campaign's fuzz.record (harness/RESULTS.md,
 * written by fuzzer_run.c) read back for the report: the counts and the
 * findings, each with its minimized script. Only the keys the report
 * shows are kept; the others (time split, states) are skipped. A record
 * cut short (an interrupted night) is partial, not an error. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "report.h"

struct rf {
	const char *name;
	unsigned long line;
	struct report_fuzz *z;
	bool ended;
	bool failed;		/* e holds the text (else: out of memory) */
	struct err *e;
};

static int rf_fail(struct rf *p, const char *what, const char *v)
{
	p->failed = true;
	return err_set(p->e, "%s:%lu: %s `%s'", p->name, p->line, what, v);
}

static int rf_num(struct rf *p, const char *v, unsigned long long *out)
{
	char *end;

	if (v[0] < '0' || v[0] > '9')
		return rf_fail(p, "not a number:", v);
	*out = strtoull(v, &end, 10);
	return *end == '\0' ? 0 : rf_fail(p, "not a number:", v);
}

/* -1 when memory runs out (rf_line's callers say so). */
static int rf_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst != NULL ? 0 : -1;
}

/* The finding the `finding-*' lines describe: the last one opened. */
static struct report_finding *rf_last(struct rf *p)
{
	struct report_fuzz *z = p->z;

	return z->nfindings > 0 ? &z->findings[z->nfindings - 1] : NULL;
}

static int rf_open_finding(struct rf *p, const char *v)
{
	struct report_fuzz *z = p->z;
	struct report_finding *l;

	l = realloc(z->findings, (z->nfindings + 1) * sizeof(*l));
	if (l == NULL)
		return err_set(p->e, "%s: out of memory", p->name);
	z->findings = l;
	memset(&l[z->nfindings], 0, sizeof(*l));
	z->nfindings++;
	return rf_str(&l[z->nfindings - 1].path, v);
}

static int rf_finding_line(struct rf *p, const char *k, const char *v)
{
	struct report_finding *f = rf_last(p);

	if (f == NULL)
		return rf_fail(p, "a finding's line before any `finding':", k);
	if (strcmp(k, "finding-kind") == 0)
		return rf_str(&f->kind, v);
	if (strcmp(k, "finding-state") == 0)
		return rf_str(&f->state, v);
	if (strcmp(k, "finding-check") == 0)
		return rf_str(&f->check, v);
	if (strcmp(k, "finding-minimized") == 0)
		return rf_str(&f->minimized, v);
	if (strcmp(k, "finding-case") == 0)
		return rf_num(p, v, &f->casen);
	return 0;
}

static int rf_line(struct rf *p, const char *k, const char *v)
{
	struct report_fuzz *z = p->z;

	if (p->ended)
		return rf_fail(p, "a line after `end':", k);
	if (strcmp(k, "iut") == 0)
		return v[0] != '\0' ? rf_str(&z->iut, v) : 0;
	if (strcmp(k, "seed") == 0)
		return rf_num(p, v, &z->seed);
	if (strcmp(k, "cases") == 0)
		return rf_num(p, v, &z->cases);
	if (strcmp(k, "cases-per-second") == 0)
		return rf_str(&z->cps, v);
	if (strcmp(k, "partial") == 0)
		return rf_str(&z->partial, v);
	if (strcmp(k, "finding") == 0)
		return rf_open_finding(p, v);
	if (strncmp(k, "finding-", 8) == 0)
		return rf_finding_line(p, k, v);
	if (strcmp(k, "end") == 0)
		p->ended = true;
	return 0;
}

/* Splits each line at its first space and hands it to rf_line. */
static int rf_lines(struct rf *p, const char *text, size_t len)
{
	char key[64], val[4096];
	const char *s = text, *end = text + len, *nl, *sp;

	for (; s < end; s = nl + 1) {
		p->line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			nl = end;
		sp = memchr(s, ' ', (size_t)(nl - s));
		if (sp == NULL)
			sp = nl;
		if ((size_t)(sp - s) >= sizeof(key) ||
		    (size_t)(nl - sp) >= sizeof(val))
			return rf_fail(p, "line too long", "");
		memcpy(key, s, (size_t)(sp - s));
		key[sp - s] = '\0';
		val[0] = '\0';
		if (sp < nl) {
			memcpy(val, sp + 1, (size_t)(nl - sp - 1));
			val[nl - sp - 1] = '\0';
		}
		if (memchr(key, '\0', (size_t)(sp - s)) != NULL || memchr(val,
		    '\0', sp < nl ? (size_t)(nl - sp - 1) : 0) != NULL)
			return rf_fail(p, "a NUL byte in the line", "");
		if (p->line == 1 && strcmp(key, "iketest-fuzz") != 0)
			return rf_fail(p, "not a fuzz record (no `iketest-fuzz "
			    "1' first):", key);
		if (key[0] != '\0' && rf_line(p, key, val) < 0)
			return p->failed ? -1 :
			    err_set(p->e, "%s: out of memory", p->name);
	}
	return 0;
}

int report_fuzz_parse(const char *name, const char *dir_iut,
    const char *text, size_t len, struct report_fuzz **out, struct err *e)
{
	struct report_fuzz *z = calloc(1, sizeof(*z));
	struct rf p = { .name = name, .z = z, .e = e };

	if (z == NULL || (z->file = strdup(name)) == NULL) {
		report_fuzz_free(z);
		return err_set(e, "%s: out of memory", name);
	}
	if (rf_lines(&p, text, len) < 0) {
		report_fuzz_free(z);
		return -1;
	}
	if ((z->iut == NULL && rf_str(&z->iut, dir_iut) < 0) ||
	    (!p.ended && z->partial == NULL &&
	    rf_str(&z->partial, "the campaign did not end (interrupted)") < 0)) {
		report_fuzz_free(z);
		return err_set(e, "%s: out of memory", name);
	}
	*out = z;
	return 0;
}

void report_fuzz_free(struct report_fuzz *z)
{
	size_t i;

	if (z == NULL)
		return;
	for (i = 0; i < z->nfindings; i++) {
		free(z->findings[i].path);
		free(z->findings[i].kind);
		free(z->findings[i].state);
		free(z->findings[i].check);
		free(z->findings[i].minimized);
	}
	free(z->findings);
	free(z->file);
	free(z->iut);
	free(z->cps);
	free(z->partial);
	free(z);
}

bool report_finding_new(const struct report_run *base, const char *iut,
    const struct report_finding *f)
{
	size_t i, k;

	for (i = 0; base != NULL && i < base->nfuzz; i++) {
		const struct report_fuzz *z = base->fuzz[i];

		if (strcmp(z->iut, iut) != 0)
			continue;
		for (k = 0; k < z->nfindings; k++)
			if (report_streq(z->findings[k].kind, f->kind) &&
			    report_streq(z->findings[k].state, f->state) &&
			    report_streq(z->findings[k].check, f->check))
				return false;
	}
	return true;
}
