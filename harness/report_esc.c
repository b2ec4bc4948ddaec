/* report_esc: text from records (script source, decoded messages, IUT
 * names) into HTML and XML. Records carry what an IUT sent, so nothing is
 * trusted: markup characters are escaped, and what XML 1.0 cannot carry
 * (control characters, invalid UTF-8, U+FFFE/U+FFFF) is shown as \xHH. */
#include <string.h>

#include "report.h"

/* Length of the valid UTF-8 sequence of 2..4 bytes at s, or 0. */
static size_t re_utf8(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f;	/* surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90;	/* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f;	/* past U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	if (len == 3 && s[0] == 0xef && s[1] == 0xbf && s[2] >= 0xbe)
		return 0;	/* U+FFFE, U+FFFF: not XML characters */
	return len;
}

static void re_ascii(FILE *f, unsigned char c)
{
	switch (c) {
	case '&': fputs("&amp;", f); break;
	case '<': fputs("&lt;", f); break;
	case '>': fputs("&gt;", f); break;
	case '"': fputs("&quot;", f); break;
	case '\'': fputs("&#39;", f); break;
	default:
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

void report_esc_n(FILE *f, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if (u[i] < 0x80) {
			re_ascii(f, u[i++]);
		} else if ((k = re_utf8(u + i, n - i)) > 0) {
			fwrite(u + i, 1, k, f);
			i += k;
		} else {
			fprintf(f, "\\x%02x", u[i++]);
		}
	}
}

void report_esc(FILE *f, const char *s)
{
	if (s != NULL)
		report_esc_n(f, s, strlen(s));
}

void report_slug(char *out, size_t size, const char *s)
{
	size_t i;

	if (size == 0)
		return;
	for (i = 0; s[i] != '\0' && i + 1 < size; i++) {
		char c = s[i];
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    (c == '.' && i > 0);

		out[i] = keep ? c : '_';
	}
	if (i == 0 && size > 1)
		out[i++] = '_';
	out[i] = '\0';
}
