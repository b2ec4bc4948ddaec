/* report_record: the reader of result records. Validate, then use: every
 * line is checked for its key, its place (inside a check or not), its
 * value (escapes, numbers, verdicts) before it is stored, and a record
 * must end with `end`, so a truncated file is an error, not a result. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "err.h"
#include "report.h"

static const char *const field_keys[RF_COUNT] = {
	[RF_SCRIPT] = "script", [RF_ID] = "id", [RF_TITLE] = "title",
	[RF_RFC] = "rfc", [RF_IUT] = "iut", [RF_IUT_VERSION] = "iut-version",
	[RF_PROFILE] = "profile", [RF_START] = "start", [RF_PCAP] = "pcap",
	[RF_CAPTURE] = "capture", [RF_REASON] = "reason",
	[RF_SHA256] = "script-sha256", [RF_INTEROP_INIT] = "interop-initiator",
	[RF_INTEROP_RESP] = "interop-responder", [RF_CRYPTO_SUITE] = "suite",
	[RF_DEVIATION] = "deviation",
	[RF_DEVIATION_EVIDENCE] = "deviation-evidence",
};

static const char *const verdict_names[RV_COUNT] = {
	[RV_PASS] = "pass", [RV_FAIL] = "fail", [RV_SKIP] = "skip",
	[RV_TODO] = "todo", [RV_ERROR] = "error",
};

const char *report_verdict_name(enum report_verdict v)
{
	return (unsigned)v < RV_COUNT ? verdict_names[v] : "?";
}

bool report_verdict_failing(enum report_verdict v)
{
	return v == RV_FAIL || v == RV_ERROR;
}

struct rp_text {
	size_t len, cap;	/* of the string a join appends to */
};

struct rp {
	const char *name;
	unsigned long lineno;
	struct report_record *r;
	struct report_check *cur;	/* open check, or NULL */
	size_t checks_cap;		/* room in r->checks */
	size_t timing_cap;		/* room in cur->timing */
	/* Joined texts grow geometrically, so that reading is linear in
	 * the record's size (issue 15.11: a realloc and a strlen per line
	 * made it quadratic). */
	struct rp_text notes, errors, detail, message;
	bool have_verdict;
	bool ended;
	struct err *e;
};

static int rp_fail(struct rp *p, const char *fmt, const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	return err_set(p->e, "%s:%lu: %s", p->name, p->lineno, msg);
}

/* ------------------------------------------------------------ values */

/* Unescapes \n \\ \xHH; a NUL or any other escape is an error. */
static int rp_unescape(struct rp *p, const char *v, size_t n, char **out)
{
	char *s = malloc(n + 1);
	size_t i, k = 0;
	int hi, lo;

	if (s == NULL)
		return rp_fail(p, "out of memory%s", "");
	for (i = 0; i < n; i++) {
		if (v[i] != '\\') {
			s[k++] = v[i];
			continue;
		}
		if (i + 1 < n && (v[i + 1] == 'n' || v[i + 1] == '\\')) {
			s[k++] = v[i + 1] == 'n' ? '\n' : '\\';
			i++;
			continue;
		}
		if (i + 3 >= n || v[i + 1] != 'x' ||
		    (hi = bytes_hex_digit(v[i + 2])) < 0 ||
		    (lo = bytes_hex_digit(v[i + 3])) < 0 || (hi | lo) == 0) {
			free(s);
			return rp_fail(p, "bad escape in value (\\n, \\\\ or "
			    "\\xHH other than \\x00)%s", "");
		}
		s[k++] = (char)(hi << 4 | lo);
		i += 3;
	}
	s[k] = '\0';
	*out = s;
	return 0;
}

/* A decimal number, no sign, no overflow. */
static int rp_number(struct rp *p, const char *v, uint64_t *out)
{
	uint64_t x = 0;
	size_t i;

	if (v[0] == '\0')
		return rp_fail(p, "a number is missing%s", "");
	for (i = 0; v[i] != '\0'; i++) {
		if (v[i] < '0' || v[i] > '9')
			return rp_fail(p, "not a decimal number: `%s'", v);
		if (x > (UINT64_MAX - (uint64_t)(v[i] - '0')) / 10)
			return rp_fail(p, "number too large: `%s'", v);
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	*out = x;
	return 0;
}

/* Room for need items of size in *arr, which holds *cap: doubles. */
static int rp_grow(struct rp *p, void **arr, size_t *cap, size_t need,
    size_t size)
{
	size_t n = *cap ? *cap : 8;
	void *a;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if (n > SIZE_MAX / size || (a = realloc(*arr, n * size)) == NULL)
		return rp_fail(p, "out of memory%s", "");
	*arr = a;
	*cap = n;
	return 0;
}

/* Appends line to *text, lines joined by \n; t tracks its length. */
static int rp_join(struct rp *p, char **text, struct rp_text *t,
    const char *line, size_t n)
{
	size_t sep = *text != NULL ? 1 : 0;
	void *a = *text;

	if (*text == NULL)
		t->len = t->cap = 0;
	if (rp_grow(p, &a, &t->cap, t->len + sep + n + 1, 1) < 0)
		return -1;
	*text = a;
	if (sep)
		(*text)[t->len++] = '\n';
	memcpy(*text + t->len, line, n);
	t->len += n;
	(*text)[t->len] = '\0';
	return 0;
}

static int rp_verdict(struct rp *p, const char *v)
{
	unsigned i;

	for (i = 0; i < RV_COUNT; i++)
		if (strcmp(v, verdict_names[i]) == 0) {
			p->r->verdict = (enum report_verdict)i;
			p->have_verdict = true;
			return 0;
		}
	return rp_fail(p, "unknown script verdict `%s' (pass, fail, skip, "
	    "todo, error)", v);
}

static int rp_sha256(struct rp *p, char *v)
{
	size_t i;

	for (i = 0; v[i] != '\0'; i++) {
		if (bytes_hex_digit(v[i]) < 0 || i >= 64)
			break;
		if (v[i] >= 'A' && v[i] <= 'F')
			v[i] = (char)(v[i] - 'A' + 'a');
	}
	if (i != 64 || v[i] != '\0')
		return rp_fail(p, "script-sha256 is not 64 hex digits: `%s'", v);
	return 0;
}

/* ------------------------------------------------------------ checks */

static int rp_check_open(struct rp *p, const char *v)
{
	struct report_record *r = p->r;
	struct report_check *c;
	uint64_t num;

	if (p->cur != NULL)
		return rp_fail(p, "`check' inside an open check (no end-check)%s", "");
	if (rp_number(p, v, &num) < 0)
		return -1;
	if (num != r->nchecks + 1)
		return rp_fail(p, "checks must be numbered 1, 2, ... in order: "
		    "`check %s' is out of order", v);
	if (rp_grow(p, (void **)&r->checks, &p->checks_cap, r->nchecks + 1,
	    sizeof(*c)) < 0)
		return -1;
	c = &r->checks[r->nchecks++];
	memset(c, 0, sizeof(*c));
	c->num = (unsigned)num;
	c->line = (unsigned long)-1;
	p->cur = c;
	p->timing_cap = 0;
	return 0;
}

static int rp_check_close(struct rp *p)
{
	struct report_check *c = p->cur;

	if (c == NULL)
		return rp_fail(p, "`end-check' with no open check%s", "");
	if (c->description == NULL)
		return rp_fail(p, "check has no description%s", "");
	if (c->verdict == NULL)
		return rp_fail(p, "check has no verdict%s", "");
	if (c->line == (unsigned long)-1)
		return rp_fail(p, "check has no line%s", "");
	p->cur = NULL;
	return 0;
}

static int rp_timing(struct rp *p, struct report_check *c, const char *v)
{
	char a[32], b[32];
	const char *sp = strchr(v, ' ');
	struct report_timing t;
	void *grown = c->timing;

	if (sp == NULL || (size_t)(sp - v) >= sizeof(a) ||
	    strlen(sp + 1) >= sizeof(b))
		return rp_fail(p, "timing wants `EXPECTED-US MEASURED-US': `%s'", v);
	memcpy(a, v, (size_t)(sp - v));
	a[sp - v] = '\0';
	strcpy(b, sp + 1);
	if (rp_number(p, a, &t.expected_us) < 0 ||
	    rp_number(p, b, &t.measured_us) < 0)
		return -1;
	if (rp_grow(p, &grown, &p->timing_cap, c->ntiming + 1, sizeof(t)) < 0)
		return -1;
	c->timing = grown;
	c->timing[c->ntiming++] = t;
	return 0;
}

static int rp_once(struct rp *p, char **slot, char *v, const char *key)
{
	if (*slot != NULL) {
		free(v);
		return rp_fail(p, "`%s' given twice", key);
	}
	*slot = v;
	return 0;
}

/* A KEY VALUE line inside a check; v is owned (freed here on error). */
static int rp_check_line(struct rp *p, const char *key, char *v)
{
	struct report_check *c = p->cur;
	uint64_t n;
	int rc = 0;

	if (strcmp(key, "line") == 0) {
		if (c->line != (unsigned long)-1)
			rc = rp_fail(p, "`line' given twice%s", "");
		else if ((rc = rp_number(p, v, &n)) == 0 && n > 1000000000)
			rc = rp_fail(p, "line number too large: `%s'", v);
		else if (rc == 0)
			c->line = (unsigned long)n;
	} else if (strcmp(key, "description") == 0) {
		return rp_once(p, &c->description, v, key);
	} else if (strcmp(key, "verdict") == 0) {
		if (strcmp(v, "pass") && strcmp(v, "fail") &&
		    strcmp(v, "todo") && strcmp(v, "todo-pass") &&
		    strcmp(v, "skip"))
			rc = rp_fail(p, "unknown check verdict `%s' (pass, "
			    "fail, todo, todo-pass, skip)", v);
		else
			return rp_once(p, &c->verdict, v, key);
	} else if (strcmp(key, "timing") == 0) {
		rc = rp_timing(p, c, v);
	} else if (strcmp(key, "end") == 0 || strcmp(key, "check") == 0) {
		rc = rp_fail(p, "`%s' inside an open check (no end-check)", key);
	} else if (strcmp(key, "duration-us") == 0) {
		rc = rp_fail(p, "`%s' inside a check", key);
	} else if (strcmp(key, "end-check") != 0) {
		unsigned i;

		for (i = 0; i < RF_COUNT; i++)
			if (strcmp(key, field_keys[i]) == 0)
				rc = rp_fail(p, "`%s' inside a check", key);
	}
	free(v);
	return rc;
}

/* A KEY VALUE line outside a check; v is owned. */
static int rp_top_line(struct rp *p, const char *key, char *v)
{
	struct report_record *r = p->r;
	uint64_t n;
	unsigned i;
	int rc = 0;

	for (i = 0; i < RF_COUNT; i++)
		if (strcmp(key, field_keys[i]) == 0) {
			if (i == RF_SHA256 && rp_sha256(p, v) < 0) {
				free(v);
				return -1;
			}
			return rp_once(p, &r->f[i], v, key);
		}
	if (strcmp(key, "check") == 0)
		rc = rp_check_open(p, v);
	else if (strcmp(key, "verdict") == 0)
		rc = p->have_verdict ? rp_fail(p, "`verdict' given twice%s", "") :
		    rp_verdict(p, v);
	else if (strcmp(key, "duration-us") == 0 && (rc = rp_number(p, v, &n)) == 0)
		r->duration_us = n;
	else if (strcmp(key, "end-check") == 0 || strcmp(key, "line") == 0 ||
	    strcmp(key, "description") == 0 || strcmp(key, "timing") == 0)
		rc = rp_fail(p, "`%s' outside a check", key);
	free(v);
	return rc;
}

static int rp_finish(struct rp *p)
{
	struct report_record *r = p->r;

	if (r->f[RF_SCRIPT] == NULL || r->f[RF_SCRIPT][0] == '\0')
		return rp_fail(p, "record has no `script'%s", "");
	if (r->f[RF_ID] == NULL || r->f[RF_ID][0] == '\0')
		return rp_fail(p, "record has no `id'%s", "");
	if (!p->have_verdict)
		return rp_fail(p, "record has no script `verdict'%s", "");
	if ((r->f[RF_INTEROP_INIT] == NULL) != (r->f[RF_INTEROP_RESP] == NULL))
		return rp_fail(p, "interop-initiator and interop-responder go "
		    "together%s", "");
	p->ended = true;
	return 0;
}

static bool rp_key_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
}

/* "KEY| text": multi-line text, no escapes. */
static int rp_block(struct rp *p, const char *key, const char *t, size_t n)
{
	if (n > 0 && t[0] == ' ')
		t++, n--;
	if (p->cur != NULL && strcmp(key, "detail") == 0)
		return rp_join(p, &p->cur->detail, &p->detail, t, n);
	if (p->cur != NULL && strcmp(key, "message") == 0)
		return rp_join(p, &p->cur->message, &p->message, t, n);
	if (strcmp(key, "detail") == 0 || strcmp(key, "message") == 0)
		return rp_fail(p, "`%s|' outside a check", key);
	return 0;	/* a block this reader does not know: later versions */
}

/* One line, without its \n. */
static int rp_line(struct rp *p, const char *s, size_t n)
{
	char key[32], *v = NULL;
	size_t k = 0;

	if (p->ended)
		return rp_fail(p, "text after `end'%s", "");
	while (k < n && rp_key_char(s[k]))
		k++;
	if (k == 0 || k >= sizeof(key))
		return rp_fail(p, "a line must start with a key of a-z, 0-9 "
		    "and - (at most 31)%s", "");
	memcpy(key, s, k);
	key[k] = '\0';
	if (k < n && s[k] == '|')
		return rp_block(p, key, s + k + 1, n - k - 1);
	if (k < n && s[k] != ' ')
		return rp_fail(p, "key `%s' must be followed by a space or |", key);
	if (k < n && (strcmp(key, "end") == 0 || strcmp(key, "end-check") == 0))
		return rp_fail(p, "`%s' takes no value", key);
	if (k == n && strcmp(key, "end") == 0 && p->cur == NULL)
		return rp_finish(p);
	if (k == n && strcmp(key, "end-check") == 0)
		return rp_check_close(p);
	if (rp_unescape(p, s + (k < n ? k + 1 : k), n - (k < n ? k + 1 : k), &v) < 0)
		return -1;
	if (p->cur != NULL && strcmp(key, "note") && strcmp(key, "error"))
		return rp_check_line(p, key, v);
	if (strcmp(key, "note") == 0 || strcmp(key, "error") == 0) {
		int rc = key[0] == 'n' ?
		    rp_join(p, &p->r->notes, &p->notes, v, strlen(v)) :
		    rp_join(p, &p->r->errors, &p->errors, v, strlen(v));

		free(v);
		return rc;
	}
	return rp_top_line(p, key, v);
}

static int rp_lines(struct rp *p, const char *text, size_t len)
{
	size_t off = 0, n;
	const char *nl;

	while (off < len) {
		p->lineno++;
		nl = memchr(text + off, '\n', len - off);
		if (nl == NULL)
			return rp_fail(p, "truncated: the last line has no "
			    "newline%s", "");
		n = (size_t)(nl - (text + off));
		if (memchr(text + off, '\0', n) != NULL)
			return rp_fail(p, "NUL byte in the line%s", "");
		if (p->lineno == 1) {
			if (n != 16 || memcmp(text, "iketest-record 1", 16) != 0)
				return rp_fail(p, "not a version 1 record (first "
				    "line must be `iketest-record 1')%s", "");
		} else if (rp_line(p, text + off, n) < 0) {
			return -1;
		}
		off += n + 1;
	}
	if (!p->ended)
		return rp_fail(p, "truncated: no `end' line%s", "");
	return 0;
}

/* Whether the record's deviation showed: from the check verdicts. */
static enum report_deviation rp_deviation(const struct report_record *r)
{
	bool declared = r->f[RF_DEVIATION] != NULL || r->verdict == RV_TODO;
	size_t i;

	for (i = 0; i < r->nchecks; i++) {
		if (strcmp(r->checks[i].verdict, "todo") == 0)
			return RD_SEEN;
		if (strcmp(r->checks[i].verdict, "todo-pass") == 0)
			declared = true;
	}
	if (!declared)
		return RD_NONE;
	return r->verdict == RV_SKIP || r->verdict == RV_ERROR ||
	    r->nchecks == 0 ? RD_NOT_RUN : RD_NOT_SEEN;
}

const char *report_deviation_name(enum report_deviation d)
{
	switch (d) {
	case RD_NONE:
		return NULL;
	case RD_SEEN:
		return "seen";
	case RD_NOT_SEEN:
		return "declared, not seen";
	case RD_NOT_RUN:
		return "declared, not run";
	}
	return NULL;
}

const char *report_check_shown(const struct report_record *r,
    const struct report_check *c)
{
	(void)r;
	if (strcmp(c->verdict, "todo-pass") == 0)
		return "pass";
	return c->verdict;
}

int report_record_parse(const char *name, const char *text, size_t len,
    struct report_record **out, struct err *e)
{
	struct rp p = { .name = name, .e = e };

	if (len == 0)
		return err_set(e, "%s:1: empty record", name);
	p.r = calloc(1, sizeof(*p.r));
	if (p.r == NULL)
		return err_set(e, "%s: out of memory", name);
	if (rp_lines(&p, text, len) < 0) {
		report_record_free(p.r);
		return -1;
	}
	p.r->deviation = rp_deviation(p.r);
	*out = p.r;
	return 0;
}

void report_record_free(struct report_record *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < RF_COUNT; i++)
		free(r->f[i]);
	for (i = 0; i < r->nchecks; i++) {
		free(r->checks[i].description);
		free(r->checks[i].verdict);
		free(r->checks[i].detail);
		free(r->checks[i].message);
		free(r->checks[i].timing);
	}
	free(r->checks);
	free(r->file);
	free(r->notes);
	free(r->errors);
	free(r->suite_dir);
	free(r->key);
	free(r);
}

const char *report_record_iut(const struct report_record *r)
{
	const char *s = r->f[RF_IUT];

	return s != NULL && s[0] != '\0' ? s : "unknown";
}

bool report_record_script_ok(const struct report_record *r)
{
	const char *s = r->f[RF_SCRIPT];
	size_t n = s != NULL ? strlen(s) : 0;

	return n > 4 && strcmp(s + n - 4, ".ike") == 0;
}
