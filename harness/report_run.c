/* report_run: a run of records on disk. ci/matrix lays a run out as
 * RUNDIR/IUT/ID.record (one folder per IUT, beside tap/ and logs); a
 * plain folder of records, and RUNDIR/IUT/SUITE/ID.record, are accepted
 * too. Records are keyed
 * suite/id@iut so that two runs can be compared. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bytes.h"
#include "crypto.h"
#include "err.h"
#include "names.h"
#include "report.h"

static char *rr_basename(const char *dir);

/* Reads a whole regular file of at most max bytes, NUL-terminated. */
static int rr_read(const char *path, size_t max, char **out, size_t *len,
    struct err *e)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *s = NULL;
	size_t n;

	if (f == NULL)
		return err_set(e, "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < 0 || (uint64_t)st.st_size > max) {
		fclose(f);
		return err_set(e, "%s: not a regular file of at most %zu bytes",
		    path, max);
	}
	s = malloc((size_t)st.st_size + 1);
	if (s == NULL) {
		fclose(f);
		return err_set(e, "%s: out of memory", path);
	}
	n = fread(s, 1, (size_t)st.st_size, f);
	fclose(f);
	s[n] = '\0';
	*out = s;
	*len = n;
	return 0;
}

static void rr_sha(struct report_record *r)
{
	struct bytes h = BYTES_EMPTY;
	struct err e;
	char *text;
	size_t len;

	if (r->f[RF_SHA256] != NULL) {
		snprintf(r->sha256, sizeof(r->sha256), "%s", r->f[RF_SHA256]);
		return;
	}
	/* Not recorded: the script as it is now is the best evidence left. */
	if (!report_record_script_ok(r) ||
	    rr_read(r->f[RF_SCRIPT], REPORT_RECORD_MAX, &text, &len, &e) < 0)
		return;
	if (crypto_hash(HASH_SHA2_256, (const uint8_t *)text, len, &h, &e) == 0 &&
	    h.len == 32) {
		bytes_to_hex(h.data, h.len, r->sha256);
		r->sha_from_file = true;
	}
	bytes_free(&h);
	free(text);
}

/* suites/ike_sa_init/x.ike -> ike_sa_init; no folder -> "-". */
static char *rr_suite(const char *script)
{
	const char *end = strrchr(script, '/'), *start;
	size_t n;
	char *s;

	if (end == NULL || end == script)
		return strdup("-");
	start = end;
	while (start > script && start[-1] != '/')
		start--;
	n = (size_t)(end - start);
	s = malloc(n + 1);
	if (s != NULL) {
		memcpy(s, start, n);
		s[n] = '\0';
	}
	return s;
}

static int rr_derive(struct report_record *r, const char *path,
    struct err *e)
{
	const char *iut = report_record_iut(r);
	size_t n;

	r->interop = r->f[RF_INTEROP_INIT] != NULL;
	r->file = strdup(path);
	r->suite_dir = rr_suite(r->f[RF_SCRIPT]);
	if (r->file == NULL || r->suite_dir == NULL)
		return err_set(e, "%s: out of memory", path);
	n = strlen(r->suite_dir) + strlen(r->f[RF_ID]) + strlen(iut) + 8;
	if (r->interop)
		n += strlen(r->f[RF_INTEROP_INIT]) + strlen(r->f[RF_INTEROP_RESP]) +
		    (r->f[RF_CRYPTO_SUITE] ? strlen(r->f[RF_CRYPTO_SUITE]) : 0);
	r->key = malloc(n);
	if (r->key == NULL)
		return err_set(e, "%s: out of memory", path);
	if (r->interop)
		snprintf(r->key, n, "%s/%s@%s>%s[%s]", r->suite_dir, r->f[RF_ID],
		    r->f[RF_INTEROP_INIT], r->f[RF_INTEROP_RESP],
		    r->f[RF_CRYPTO_SUITE] ? r->f[RF_CRYPTO_SUITE] : "");
	else
		snprintf(r->key, n, "%s/%s@%s", r->suite_dir, r->f[RF_ID], iut);
	rr_sha(r);
	return 0;
}

int report_record_load(const char *path, struct report_record **out,
    struct err *e)
{
	struct report_record *r;
	char *text;
	size_t len;
	int rc;

	if (rr_read(path, REPORT_RECORD_MAX, &text, &len, e) < 0)
		return -1;
	rc = report_record_parse(path, text, len, &r, e);
	free(text);
	if (rc < 0)
		return -1;
	if (rr_derive(r, path, e) < 0) {
		report_record_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

/* ------------------------------------------------------------ runs */

/* Appends item (NULL: out of memory) to a list of strings. */
static int rr_push(char ***list, size_t *n, char *item)
{
	char **l;

	if (item == NULL)
		return -1;
	l = realloc(*list, (*n + 1) * sizeof(*l));
	if (l == NULL) {
		free(item);
		return -1;
	}
	l[(*n)++] = item;
	*list = l;
	return 0;
}

static int rr_push_rec(struct report_run *run, struct report_record *r)
{
	struct report_record **l;

	l = realloc(run->recs, (run->nrecs + 1) * sizeof(*l));
	if (l == NULL) {
		report_record_free(r);
		return -1;
	}
	l[run->nrecs++] = r;
	run->recs = l;
	return 0;
}

static bool rr_ends(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a > b && strcmp(s + a - b, suffix) == 0;
}

static char *rr_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, "%s/%s", dir, name);
	return s;
}

static int rr_add_record(struct report_run *run, const char *path)
{
	struct report_record *r;
	struct err e;

	if (report_record_load(path, &r, &e) < 0) {
		return rr_push(&run->bad, &run->nbad, strdup(e.text));
	}
	if (report_run_find(run, r->key) != NULL) {
		snprintf(e.text, sizeof(e.text), "%s: a second record of %s "
		    "(ignored)", path, r->key);
		report_record_free(r);
		return rr_push(&run->bad, &run->nbad, strdup(e.text));
	}
	return rr_push_rec(run, r);
}

/* A campaign's fuzz.record (report_fuzz.c); dir names the IUT when the
 * record does not. A bad one is listed with the bad records. */
static int rr_add_fuzz(struct report_run *run, const char *dir,
    const char *path)
{
	struct report_fuzz *z, **l;
	char *text = NULL, *iut = rr_basename(dir);
	size_t len;
	struct err e;
	int rc;

	if (iut == NULL)
		return -1;
	rc = rr_read(path, REPORT_RECORD_MAX, &text, &len, &e);
	if (rc == 0)
		rc = report_fuzz_parse(path, iut, text, len, &z, &e);
	free(text);
	free(iut);
	if (rc < 0)
		return rr_push(&run->bad, &run->nbad, strdup(e.text));
	l = realloc(run->fuzz, (run->nfuzz + 1) * sizeof(*l));
	if (l == NULL) {
		report_fuzz_free(z);
		return -1;
	}
	l[run->nfuzz++] = z;
	run->fuzz = l;
	return 0;
}

/* ci/nightly's DIR/night: `state WORD' and `reason TEXT' lines. */
static int rr_night(struct report_run *run, const char *dir)
{
	char *path = rr_join(dir, "night"), *text = NULL, *line, *nl;
	size_t len;
	struct err e;
	int rc = 0;

	if (path == NULL)
		return -1;
	if (rr_read(path, 4096, &text, &len, &e) < 0) {
		free(path);
		return 0;	/* not a night */
	}
	for (line = text; rc == 0 && *line != '\0'; line = nl) {
		nl = line + strcspn(line, "\n");
		if (*nl != '\0')
			*nl++ = '\0';
		if (strncmp(line, "state ", 6) == 0 && run->night_state == NULL)
			rc = (run->night_state = strdup(line + 6)) ? 0 : -1;
		else if (strncmp(line, "reason ", 7) == 0 && !run->night_reason)
			rc = (run->night_reason = strdup(line + 7)) ? 0 : -1;
	}
	if (rc == 0 && run->night_state == NULL)
		rc = (run->night_state = strdup("unknown")) ? 0 : -1;
	free(text);
	free(path);
	return rc;
}

/* ci/matrix writes DIR/IUT/unavailable with the adapter's reason. */
static int rr_unavailable(struct report_run *run, const char *sub,
    const char *iut)
{
	char *path = rr_join(sub, "unavailable"), *text = NULL, *line;
	size_t len, n;
	struct err e;
	int rc = 0;

	if (path != NULL && rr_read(path, 4096, &text, &len, &e) == 0) {
		text[strcspn(text, "\n")] = '\0';
		n = strlen(iut) + strlen(text) + 3;
		line = malloc(n);
		if (line != NULL)
			snprintf(line, n, "%s: %s", iut, text);
		rc = rr_push(&run->unavail, &run->nunavail, line);
	}
	free(text);
	free(path);
	return rc;
}

/* Every *.record of dir and of its folders two levels down: RUNDIR/IUT/
 * (ci/matrix) and RUNDIR/IUT/SUITE/ (one --out per suite, where two
 * suites hold scripts of the same id). */
static int rr_scan(struct report_run *run, const char *dir, int depth)
{
	struct dirent **ents;
	struct stat st;
	int i, n, rc = 0;
	char *path;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		path = ents[i]->d_name[0] == '.' ? NULL :
		    rr_join(dir, ents[i]->d_name);
		if (path != NULL && rc == 0 && stat(path, &st) == 0) {
			if (S_ISREG(st.st_mode) &&
			    strcmp(ents[i]->d_name, "fuzz.record") == 0)
				rc = rr_add_fuzz(run, dir, path);
			else if (S_ISREG(st.st_mode) && rr_ends(path, ".record"))
				rc = rr_add_record(run, path);
			else if (S_ISDIR(st.st_mode) && depth < 2 &&
			    (rc = rr_scan(run, path, depth + 1)) == 0 && depth == 0)
				rc = rr_unavailable(run, path, ents[i]->d_name);
		}
		free(path);
		free(ents[i]);
	}
	free(ents);
	return rc;
}

static int rr_cmp_rec(const void *a, const void *b)
{
	const struct report_record *x = *(struct report_record *const *)a;
	const struct report_record *y = *(struct report_record *const *)b;

	return strcmp(x->key, y->key);
}

static int rr_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int rr_iuts(struct report_run *run)
{
	size_t i, k;
	const char *iut;

	for (i = 0; i < run->nrecs; i++) {
		if (run->recs[i]->interop)
			continue;
		iut = report_record_iut(run->recs[i]);
		for (k = 0; k < run->niuts && strcmp(run->iuts[k], iut); k++)
			;
		if (k == run->niuts &&
		    rr_push(&run->iuts, &run->niuts, strdup(iut)) < 0)
			return -1;
	}
	if (run->niuts > 0)
		qsort(run->iuts, run->niuts, sizeof(*run->iuts), rr_cmp_str);
	return 0;
}

static char *rr_basename(const char *dir)
{
	size_t n = strlen(dir);
	const char *s;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	for (s = dir + n; s > dir && s[-1] != '/'; s--)
		;
	return strndup(s, (size_t)(dir + n - s));
}

int report_run_load(const char *dir, struct report_run **out, struct err *e)
{
	struct report_run *run = calloc(1, sizeof(*run));
	struct stat st;

	if (run == NULL)
		return err_set(e, "%s: out of memory", dir);
	run->dir = strdup(dir);
	run->name = rr_basename(dir);
	if (run->dir == NULL || run->name == NULL) {
		report_run_free(run);
		return err_set(e, "%s: out of memory", dir);
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    rr_scan(run, dir, 0) < 0 || rr_iuts(run) < 0 ||
	    rr_night(run, dir) < 0) {
		err_set(e, "%s: %s", dir, errno ? strerror(errno) :
		    "not a readable folder of records");
		report_run_free(run);
		return -1;
	}
	if (run->nrecs > 0)
		qsort(run->recs, run->nrecs, sizeof(*run->recs), rr_cmp_rec);
	*out = run;
	return 0;
}

const struct report_record *report_run_find(const struct report_run *run,
    const char *key)
{
	size_t i;

	for (i = 0; i < run->nrecs; i++)
		if (strcmp(run->recs[i]->key, key) == 0)
			return run->recs[i];
	return NULL;
}

static void rr_free_strs(char **l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void report_run_free(struct report_run *run)
{
	size_t i;

	if (run == NULL)
		return;
	for (i = 0; i < run->nrecs; i++)
		report_record_free(run->recs[i]);
	free(run->recs);
	rr_free_strs(run->iuts, run->niuts);
	rr_free_strs(run->bad, run->nbad);
	rr_free_strs(run->unavail, run->nunavail);
	for (i = 0; i < run->nfuzz; i++)
		report_fuzz_free(run->fuzz[i]);
	free(run->fuzz);
	free(run->night_state);
	free(run->night_reason);
	free(run->dir);
	free(run->name);
	free(run->slug);
	free(run);
}
