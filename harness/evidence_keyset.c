/* evidence: key sets, the IKE SA session keys an end of an interop cell
 * gives the observer (evidence.h). One line per IKE SA, read back with a
 * file and line in every error. */
#include "evidence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "crypto.h"
#include "err.h"
#include "hexfile.h"

enum {
	KEYSET_KEY_MAX = 64,		/* bytes of one SK_e or SK_a: 512 bits */
	KEYSET_LINE_MAX = 1024,
};

static const char KEYSET_TAG[] = "ike-keys";

static void hex_or_dash(FILE *f, const struct bytes *b)
{
	size_t i;

	if (b->len == 0) {
		fputs(" -", f);
		return;
	}
	fputc(' ', f);
	for (i = 0; i < b->len; i++)
		fprintf(f, "%02x", b->data[i]);
}

int evidence_keyset_write(FILE *f, const struct crypto_ike_keys *k,
    struct err *e)
{
	fputs(KEYSET_TAG, f);
	hex_or_dash(f, &k->sk_ei);
	hex_or_dash(f, &k->sk_er);
	hex_or_dash(f, &k->sk_ai);
	hex_or_dash(f, &k->sk_ar);
	fputc('\n', f);
	if (fflush(f) != 0 || ferror(f))
		return err_set(e, "key set: write failed");
	return 0;
}

/* One key field: "-" (none) or hex of at most KEYSET_KEY_MAX bytes. */
static int key_field(const char *w, size_t len, struct bytes *out,
    struct err *e)
{
	if (len == 1 && w[0] == '-')
		return 0;
	if (len > 2 * KEYSET_KEY_MAX)
		return err_set(e, "a key of over %d bytes", KEYSET_KEY_MAX);
	return bytes_from_hex(out, w, len, e);
}

/* "ike-keys SK_ei SK_er SK_ai SK_ar" into k; -1 with the reason. */
static int keyset_line(const char *line, size_t len,
    struct crypto_ike_keys *k, struct err *e)
{
	struct bytes *field[4] = { &k->sk_ei, &k->sk_er, &k->sk_ai, &k->sk_ar };
	size_t i = 0, nf = 0, start;
	bool tag = false;

	while (i < len) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		if (!tag) {
			if (i - start != sizeof(KEYSET_TAG) - 1 ||
			    memcmp(line + start, KEYSET_TAG, i - start) != 0)
				return err_set(e, "not an \"%s\" line", KEYSET_TAG);
			tag = true;
			continue;
		}
		if (nf == 4)
			return err_set(e, "more than 4 keys");
		if (key_field(line + start, i - start, field[nf], e) < 0)
			return err_prefix(e, "key %zu", nf + 1);
		nf++;
	}
	if (nf != 4)
		return err_set(e, "%zu keys where SK_ei SK_er SK_ai SK_ar are 4",
		    nf);
	if (k->sk_ei.len == 0 || k->sk_er.len == 0)
		return err_set(e, "SK_ei and SK_er cannot be empty");
	if ((k->sk_ai.len == 0) != (k->sk_ar.len == 0))
		return err_set(e, "SK_ai and SK_ar are both keys or both \"-\"");
	return 0;
}

int evidence_keysets_parse(const char *name, const char *text, size_t len,
    struct evidence_keysets *out, struct err *e)
{
	size_t pos = 0, lineno = 0;

	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		struct crypto_ike_keys *l;
		struct err le;

		pos += n + (nl != NULL);
		lineno++;
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
			n--;
		while (n > 0 && (line[0] == ' ' || line[0] == '\t'))
			line++, n--;
		if (n == 0 || line[0] == '#')
			continue;
		if (n > KEYSET_LINE_MAX)
			return err_set(e, "%s:%zu: a line of over %d characters",
			    name, lineno, KEYSET_LINE_MAX);
		l = realloc(out->k, (out->n + 1) * sizeof(*l));
		if (l == NULL)
			return err_set(e, "%s: out of memory", name);
		out->k = l;
		memset(&l[out->n], 0, sizeof(*l));
		if (keyset_line(line, n, &l[out->n], &le) < 0) {
			crypto_ike_keys_free(&l[out->n]);
			return err_set(e, "%s:%zu: %s", name, lineno, le.text);
		}
		out->n++;
	}
	return 0;
}

int evidence_keysets_read(const char *path, struct evidence_keysets *out,
    struct err *e)
{
	struct bytes b = BYTES_EMPTY;
	int rc;

	if (hexfile_read_file(&b, path, e) < 0)
		return -1;
	rc = evidence_keysets_parse(path, (const char *)b.data, b.len, out, e);
	bytes_free(&b);
	return rc;
}

void evidence_keysets_free(struct evidence_keysets *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		crypto_ike_keys_free(&k->k[i]);
	free(k->k);
	k->k = NULL;
	k->n = 0;
}
