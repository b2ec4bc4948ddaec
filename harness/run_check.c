/* run_check: the interpreter's writer of checks: TAP lines with YAML
 * diagnostics, skips and notes, and the lines of the result record
 * (harness/RESULTS.md). A leaf: it calls no other run_* file, so every
 * event family can write checks without depending on the others. */
#include "run_int.h"

#include <stdarg.h>
#include <string.h>

#include "bytes.h"
#include "codec.h"

/* ------------------------------------------------------------ records */

/* A value on one record line: newlines and backslashes escaped. */
static void run_rec_value(FILE *f, const char *key, const char *v, size_t n)
{
	size_t i;

	fprintf(f, "%s ", key);
	for (i = 0; i < n; i++) {
		if (v[i] == '\n')
			fputs("\\n", f);
		else if (v[i] == '\\')
			fputs("\\\\", f);
		else if ((unsigned char)v[i] < 0x20 && v[i] != '\t')
			fprintf(f, "\\x%02x", (unsigned char)v[i]);
		else
			fputc(v[i], f);
	}
	fputc('\n', f);
}

void run_rec_str(FILE *f, const char *key, const char *v)
{
	if (f != NULL)
		run_rec_value(f, key, v != NULL ? v : "", v != NULL ? strlen(v) : 0);
}

/* Multi-line text: one "KEY| line" per line, so a reader needs no
 * escapes and a human reads it as it is. */
static void run_rec_block(FILE *f, const char *key, const struct bytes *b)
{
	size_t i, start = 0;

	if (f == NULL || b->len == 0)
		return;
	for (i = 0; i <= b->len; i++)
		if (i == b->len || b->data[i] == '\n') {
			if (i > start || i < b->len)
				fprintf(f, "%s| %.*s\n", key, (int)(i - start),
				    (const char *)b->data + start);
			start = i + 1;
		}
}

/* ------------------------------------------------------------- checks */

static void run_vappend(struct bytes *b, const char *fmt, va_list ap)
{
	char buf[RUN_TEXT_MAX * 2];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	(void)bytes_append(b, buf, (size_t)n);
	(void)bytes_append(b, "\n", 1);
}

void run_check_begin(struct run_ctx *c, struct run_check *k, int line,
    const char *fmt, ...)
{
	va_list ap;
	const char *base = strrchr(c->s->path, '/');
	int n;

	memset(k, 0, sizeof(*k));
	k->ok = true;
	k->line = line;
	n = snprintf(k->desc, sizeof(k->desc), "%s:%d ",
	    base != NULL ? base + 1 : c->s->path, line);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(k->desc))
		vsnprintf(k->desc + n, sizeof(k->desc) - (size_t)n, fmt, ap);
	va_end(ap);
}

void run_check_fail(struct run_check *k, const char *fmt, ...)
{
	va_list ap;

	k->ok = false;
	va_start(ap, fmt);
	run_vappend(&k->diag, fmt, ap);
	va_end(ap);
}

void run_check_note(struct run_check *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	run_vappend(&k->diag, fmt, ap);
	va_end(ap);
}

void run_check_message(struct run_check *k, const struct ike_rx *rx)
{
	bytes_free(&k->message);
	if (rx == NULL || rx->hdr == NULL)
		return;
	(void)codec_format(&k->message, rx->hdr, &rx->pr, 0);
	if (rx->inner != NULL) {
		(void)bytes_append(&k->message, "SK contents:\n", 13);
		(void)codec_format(&k->message, rx->inner, &rx->inner_pr, 0);
	} else if (rx->has_sk) {
		char line[ERR_TEXT_MAX + 32];
		int n = snprintf(line, sizeof(line), "SK not opened: %s\n",
		    rx->sk_error[0] ? rx->sk_error : "no keys");

		if (n > 0)
			(void)bytes_append(&k->message, line,
			    (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	}
	/* codec_format NUL-terminates after len; strip it from the text */
	while (k->message.len > 0 && k->message.data[k->message.len - 1] == '\0')
		k->message.len--;
}

/* YAML block scalar lines under a key, indented. */
static void run_yaml_block(struct run_ctx *c, const char *key,
    const struct bytes *b)
{
	size_t i, start = 0;

	if (b->len == 0)
		return;
	fprintf(c->tap, "%s  %s: |\n", c->ind, key);
	for (i = 0; i <= b->len; i++)
		if (i == b->len || b->data[i] == '\n') {
			if (i > start)
				fprintf(c->tap, "%s    %.*s\n", c->ind,
				    (int)(i - start), (const char *)b->data + start);
			start = i + 1;
		}
}

static void run_yaml_clauses(struct run_ctx *c)
{
	const struct script_clause *cl;

	fprintf(c->tap, "%s  rfc:\n", c->ind);
	for (cl = c->s->clauses; cl != NULL; cl = cl->next)
		fprintf(c->tap, "%s    - \"RFC %u %s\"\n", c->ind, cl->rfc,
		    cl->section);
}

void run_check_end(struct run_ctx *c, struct run_check *k)
{
	const char *verdict;

	c->ntests++;
	fprintf(c->tap, "%s%s %u - %s", c->ind, k->ok ? "ok" : "not ok",
	    c->ntests, k->desc);
	if (c->todo)
		fprintf(c->tap, " # TODO %s: %s", c->todo_clause,
		    c->todo_evidence);
	fputc('\n', c->tap);
	if (!k->ok) {
		fprintf(c->tap, "%s  ---\n", c->ind);
		run_yaml_clauses(c);
		fprintf(c->tap, "%s  line: %d\n", c->ind, k->line);
		run_yaml_block(c, "checks", &k->diag);
		run_yaml_block(c, "received", &k->message);
		fprintf(c->tap, "%s  pcap: \"%s\"\n", c->ind, c->pcap_path);
		fprintf(c->tap, "%s  ...\n", c->ind);
	}
	fflush(c->tap);
	if (!k->ok && !c->todo)
		c->nfail++;
	if (k->ok && c->todo)
		c->ntodo_pass++;
	verdict = k->ok ? (c->todo ? "todo-pass" : "pass") :
	    (c->todo ? "todo" : "fail");
	if (c->rec != NULL) {
		fprintf(c->rec, "check %u\n", c->ntests);
		fprintf(c->rec, "line %d\n", k->line);
		run_rec_str(c->rec, "description", k->desc);
		run_rec_str(c->rec, "verdict", verdict);
		run_rec_block(c->rec, "detail", &k->diag);
		run_rec_block(c->rec, "message", &k->message);
		if (k->timed)
			fprintf(c->rec, "timing %llu %llu\n",
			    (unsigned long long)k->expected_us,
			    (unsigned long long)k->measured_us);
		fprintf(c->rec, "end-check\n");
	}
	bytes_free(&k->diag);
	bytes_free(&k->message);
}

void run_check_skip(struct run_ctx *c, int line, const char *desc,
    const char *why)
{
	c->ntests++;
	c->nskip++;
	fprintf(c->tap, "%sok %u - %s # SKIP %s\n", c->ind, c->ntests, desc,
	    why);
	fflush(c->tap);
	if (c->rec != NULL) {
		fprintf(c->rec, "check %u\n", c->ntests);
		fprintf(c->rec, "line %d\n", line);
		run_rec_str(c->rec, "description", desc);
		run_rec_str(c->rec, "verdict", "skip");
		run_rec_str(c->rec, "detail", why);
		fprintf(c->rec, "end-check\n");
	}
}

void run_diag(struct run_ctx *c, const char *fmt, ...)
{
	char buf[RUN_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(c->tap, "%s# %s\n", c->ind, buf);
	run_rec_str(c->rec, "note", buf);
}

int run_script_error(struct run_ctx *c, int line, const char *fmt, ...)
{
	char buf[RUN_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!c->bad_script) {
		c->bad_script = true;
		err_set(&c->script_err, "%s:%d: %s", c->s->path, line, buf);
	}
	return -1;
}
