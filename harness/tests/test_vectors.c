/* test_vectors: runs every known-answer file in vectors/ (sorted by
 * name) through the checker of its kind, one TAP line per file, then one
 * line per source the project promises to cover, so that a source that
 * lost its file (or all its cases) shows as a failure. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "vector.h"
#include "vectors_kinds.h"

/* The sources that must be covered: matched as a substring of a file's
 * header "source:". asym sources belong to vectors_asym.c. */
static struct required {
	const char *label;
	const char *match;
	bool asym;
	size_t files, cases, mismatches;
} required[] = {
	{ "RFC 3602 (AES-CBC)", "RFC 3602", false, 0, 0, 0 },
	{ "draft-mcgrew-gcm-test-01 (AES-GCM ESP)", "draft-mcgrew-gcm-test-01",
	    false, 0, 0, 0 },
	{ "RFC 7634 (ChaCha20-Poly1305)", "RFC 7634", false, 0, 0, 0 },
	{ "RFC 4868 (HMAC-SHA-2 PRF and integrity)", "RFC 4868", false, 0, 0,
	    0 },
	{ "RFC 4231 (HMAC-SHA-2)", "RFC 4231", false, 0, 0, 0 },
	{ "RFC 3566 (AES-XCBC-MAC-96)", "RFC 3566", false, 0, 0, 0 },
	{ "RFC 4434 (AES-XCBC-PRF-128)", "RFC 4434", false, 0, 0, 0 },
	{ "NIST SP 800-135 IKEv2 KDF", "SP 800-135", false, 0, 0, 0 },
	{ "wycheproof aes_cbc_pkcs5", "aes_cbc_pkcs5_test.json", false, 0, 0,
	    0 },
	{ "wycheproof aes_gcm", "aes_gcm_test.json", false, 0, 0, 0 },
	{ "wycheproof aes_ccm", "aes_ccm_test.json", false, 0, 0, 0 },
	{ "wycheproof chacha20_poly1305", "chacha20_poly1305_test.json", false,
	    0, 0, 0 },
	{ "wycheproof hmac_sha1", "hmac_sha1_test.json", false, 0, 0, 0 },
	{ "wycheproof hmac_sha256", "hmac_sha256_test.json", false, 0, 0, 0 },
	{ "wycheproof hmac_sha384", "hmac_sha384_test.json", false, 0, 0, 0 },
	{ "wycheproof hmac_sha512", "hmac_sha512_test.json", false, 0, 0, 0 },
	{ "RFC 5903 (ECP groups)", "RFC 5903", true, 0, 0, 0 },
	{ "RFC 7748 (X25519, X448)", "RFC 7748", true, 0, 0, 0 },
	{ "RFC 8031 (Curve25519/448 in IKEv2)", "RFC 8031", true, 0, 0, 0 },
	{ "wycheproof ecdh", "ecdh_secp", true, 0, 0, 0 },
	{ "wycheproof x25519", "x25519_test.json", true, 0, 0, 0 },
	{ "wycheproof x448", "x448_test.json", true, 0, 0, 0 },
};
enum { NREQUIRED = sizeof(required) / sizeof(required[0]) };

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of vectors/ *.vec (NULL-terminated, caller frees). */
static char **list_files(size_t *n)
{
	DIR *d = opendir("vectors");
	struct dirent *de;
	char **names = NULL;
	size_t cap = 0;

	*n = 0;
	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".vec") != 0)
			continue;
		if (*n + 1 >= cap) {
			char **nn;

			cap = cap ? 2 * cap : 32;
			nn = realloc(names, cap * sizeof(*nn));
			if (nn == NULL)
				break;
			names = nn;
		}
		names[(*n)++] = strdup(de->d_name);
	}
	closedir(d);
	if (names != NULL)
		qsort(names, *n, sizeof(*names), by_name);
	return names;
}

static const struct vector_kind *find_kind(const char *kind)
{
	const struct vector_kind *tables[] = { vectors_sym_kinds,
	    vectors_asym_kinds };
	size_t t;

	for (t = 0; t < 2; t++) {
		const struct vector_kind *k;

		for (k = tables[t]; k->kind != NULL; k++)
			if (strcmp(k->kind, kind) == 0)
				return k;
	}
	return NULL;
}

static void count_source(const struct vector_file *f, size_t mismatches)
{
	size_t i;

	for (i = 0; i < NREQUIRED; i++)
		if (strstr(f->source, required[i].match) != NULL) {
			required[i].files++;
			required[i].cases += f->ncases;
			required[i].mismatches += mismatches;
		}
}

/* The source up to its first " (", which holds only provenance. */
static int short_source(const char *s)
{
	const char *p = strstr(s, " (");

	return p ? (int)(p - s) : (int)strlen(s);
}

static void run_file(const char *name)
{
	char path[512];
	struct vector_file f;
	struct err e;
	const struct vector_kind *k;
	size_t i, bad = 0;

	snprintf(path, sizeof(path), "vectors/%s", name);
	if (vector_load(path, &f, &e) < 0) {
		ok(false, "%s: %s", path, e.text);
		return;
	}
	k = find_kind(f.kind);
	if (k == NULL) {
		ok(false, "%s (%s): unknown kind `%s'", path, f.source, f.kind);
		vector_free(&f);
		return;
	}
	for (i = 0; i < f.ncases; i++) {
		const struct vector_case *c = &f.cases[i];
		const char *cname = vector_get(c, "name");

		e.text[0] = 0;
		if (k->check(&f, c, &e) < 0) {
			bad++;
			diag("%s:%d: case `%s': %s", path, c->line,
			    cname ? cname : "(unnamed)", e.text);
		}
	}
	ok(f.ncases > 0 && bad == 0, "%s (%.*s): %zu cases, %zu mismatches%s",
	    path, short_source(f.source), f.source, f.ncases, bad, f.ncases ? "" : " (no cases)");
	count_source(&f, bad);
	vector_free(&f);
}

/* The per-source counts also go to stderr, which prove shows, so that
 * `make check` prints them; once, from the plain build. */
static void summary(const char *fmt, ...)
{
#ifndef __SANITIZE_ADDRESS__
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
#else
	(void)fmt;
#endif
}

static void report_sources(void)
{
	size_t i;

	for (i = 0; i < NREQUIRED; i++) {
		struct required *r = &required[i];

		ok(r->cases > 0 && r->mismatches == 0,
		    "source %s: %zu cases, %zu mismatches (%zu files)",
		    r->label, r->cases, r->mismatches, r->files);
		summary("%s: %zu cases, %zu mismatches", r->label, r->cases,
		    r->mismatches);
	}
}

int main(void)
{
	const char *top = getenv("IKETEST_TOP");
	char **names;
	size_t n, i;

	if (top != NULL && chdir(top) < 0) {
		ok(false, "chdir %s", top);
		return tap_done();
	}
	names = list_files(&n);
	ok(n > 0, "vectors/ holds %zu .vec files", n);
	for (i = 0; i < n; i++) {
		run_file(names[i]);
		free(names[i]);
	}
	free(names);
	report_sources();
	return tap_done();
}
