/* report_xml: see report_xml.h. Enough of XML for what report_junit
 * writes (no DTD, no CDATA, no comments), checked strictly. */
#include <string.h>

#include "report_xml.h"

enum { DEPTH_MAX = 64, NAME_MAX_ = 64 };

struct xc {
	const unsigned char *s;
	size_t n, i;
	char stack[DEPTH_MAX][NAME_MAX_];
	int depth;
	int roots;
};

static int xc_name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == ':' || c == '.';
}

/* A name into out; -1 if empty or too long. */
static int xc_name(struct xc *x, char *out)
{
	size_t k = 0;

	while (x->i < x->n && xc_name_char(x->s[x->i]) && k + 1 < NAME_MAX_)
		out[k++] = (char)x->s[x->i++];
	out[k] = '\0';
	return k > 0 && !(out[0] >= '0' && out[0] <= '9') ? 0 : -1;
}

/* A character or entity in text or an attribute value (not < or the
 * quote). */
static int xc_char(struct xc *x)
{
	static const char *const ents[] = { "amp;", "lt;", "gt;", "quot;", "apos;" };
	unsigned char c = x->s[x->i];
	size_t k, len;

	if (c == '&') {
		for (k = 0; k < 5; k++) {
			len = strlen(ents[k]);
			if (x->n - x->i - 1 >= len &&
			    memcmp(x->s + x->i + 1, ents[k], len) == 0) {
				x->i += 1 + len;
				return 0;
			}
		}
		if (x->i + 2 < x->n && x->s[x->i + 1] == '#') {
			for (k = x->i + 2; k < x->n && x->s[k] >= '0' && x->s[k] <= '9'; k++)
				;
			if (k > x->i + 2 && k < x->n && x->s[k] == ';') {
				x->i = k + 1;
				return 0;
			}
		}
		return -1;
	}
	if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
		return -1;
	if (c < 0x80) {
		x->i++;
		return 0;
	}
	len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
	if (len == 0 || len > 4 || x->n - x->i < len)
		return -1;
	for (k = 1; k < len; k++)
		if ((x->s[x->i + k] & 0xc0) != 0x80)
			return -1;
	x->i += len;
	return 0;
}

static int xc_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void xc_space(struct xc *x)
{
	while (x->i < x->n && xc_ws(x->s[x->i]))
		x->i++;
}

static int xc_attrs(struct xc *x)
{
	char name[NAME_MAX_];
	unsigned char q;

	for (;;) {
		xc_space(x);
		if (x->i >= x->n)
			return -1;
		if (x->s[x->i] == '>' || x->s[x->i] == '/' || x->s[x->i] == '?')
			return 0;
		if (xc_name(x, name) < 0 || x->i + 1 >= x->n || x->s[x->i] != '=')
			return -1;
		q = x->s[++x->i];
		if (q != '"' && q != '\'')
			return -1;
		x->i++;
		while (x->i < x->n && x->s[x->i] != q)
			if (x->s[x->i] == '<' || xc_char(x) < 0)
				return -1;
		if (x->i >= x->n)
			return -1;
		x->i++;
	}
}

static int xc_tag(struct xc *x)
{
	char name[NAME_MAX_];
	int close = 0;

	x->i++;
	if (x->i < x->n && x->s[x->i] == '/') {
		close = 1;
		x->i++;
	}
	if (xc_name(x, name) < 0)
		return -1;
	if (close) {
		xc_space(x);
		if (x->depth == 0 || strcmp(x->stack[x->depth - 1], name) != 0 ||
		    x->i >= x->n || x->s[x->i] != '>')
			return -1;
		x->depth--;
		x->i++;
		return 0;
	}
	if (xc_attrs(x) < 0)
		return -1;
	if (x->depth == 0 && ++x->roots > 1)
		return -1;
	if (x->s[x->i] == '/') {
		if (x->i + 1 >= x->n || x->s[x->i + 1] != '>')
			return -1;
		x->i += 2;
		return 0;
	}
	if (x->s[x->i] != '>' || x->depth >= DEPTH_MAX)
		return -1;
	strcpy(x->stack[x->depth++], name);
	x->i++;
	return 0;
}

int report_xml_check(const char *s, size_t n, size_t *at)
{
	struct xc x = { .s = (const unsigned char *)s, .n = n };
	static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

	if (n >= sizeof(decl) - 1 && memcmp(s, decl, sizeof(decl) - 1) == 0)
		x.i = sizeof(decl) - 1;
	while (x.i < x.n) {
		if (x.s[x.i] == '<') {
			if (xc_tag(&x) < 0)
				goto bad;
		} else if ((x.depth == 0 && !xc_ws(x.s[x.i])) || xc_char(&x) < 0) {
			goto bad;
		}
	}
	if (x.depth == 0 && x.roots == 1)
		return 0;
bad:
	*at = x.i;
	return -1;
}
