#include "tshark_pdml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"

const char *pdml_tshark(void)
{
	static char found[512];
	const char *env = getenv("TSHARK"), *path = getenv("PATH");

	if (env != NULL && *env)
		return access(env, X_OK) == 0 ? env : NULL;
	if (path == NULL)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");

		snprintf(found, sizeof(found), "%.*s/tshark", (int)len, path);
		if (len > 0 && access(found, X_OK) == 0)
			return found;
		path += len + (path[len] == ':');
	}
	return NULL;
}

/* XML's five entities and numeric references, in place. */
static void pdml_unescape(char *s)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&quot;", '"' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&apos;", '\'' }, { "&amp;", '&' },
	};
	char *w = s;

	while (*s) {
		size_t i;

		if (*s != '&') {
			*w++ = *s++;
			continue;
		}
		for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
			if (strncmp(s, ents[i].ent, strlen(ents[i].ent)) == 0)
				break;
		if (i < sizeof(ents) / sizeof(ents[0])) {
			*w++ = ents[i].c;
			s += strlen(ents[i].ent);
		} else if (s[1] == '#') {
			char *end;
			long v = s[2] == 'x' ? strtol(s + 3, &end, 16) : strtol(s + 2, &end, 10);

			*w++ = v > 0 && v < 128 ? (char)v : '?';
			s = *end == ';' ? end + 1 : end;
		} else {
			*w++ = *s++;
		}
	}
	*w = 0;
}

/* key="value" pairs of one element; returns a malloc'd copy of the value
 * of key, "" when absent. */
static char *pdml_attr(const char *line, const char *key)
{
	size_t klen = strlen(key);
	const char *p = line;

	while ((p = strchr(p, '=')) != NULL) {
		const char *k = p;

		while (k > line && k[-1] != ' ')
			k--;
		if (p[1] == '"') {
			const char *end = strchr(p + 2, '"');

			if (end == NULL)
				break;
			if ((size_t)(p - k) == klen && strncmp(k, key, klen) == 0) {
				char *v = strndup(p + 2, (size_t)(end - p - 2));

				if (v)
					pdml_unescape(v);
				return v ? v : strdup("");
			}
			p = end + 1;
		} else {
			p++;
		}
	}
	return strdup("");
}

static int pdml_add(struct pdml_packet *pk, const char *line, unsigned depth,
    bool proto)
{
	struct pdml_field *f;
	char *pos, *size;

	if (pk->n == pk->cap) {
		size_t cap = pk->cap ? 2 * pk->cap : 64;
		struct pdml_field *nf = realloc(pk->f, cap * sizeof(*nf));

		if (nf == NULL)
			return -1;
		pk->f = nf;
		pk->cap = cap;
	}
	f = &pk->f[pk->n++];
	memset(f, 0, sizeof(*f));
	f->name = pdml_attr(line, "name");
	f->show = pdml_attr(line, "show");
	f->value = pdml_attr(line, "value");
	f->showname = pdml_attr(line, "showname");
	pos = pdml_attr(line, "pos");
	size = pdml_attr(line, "size");
	f->pos = pos ? strtoul(pos, NULL, 10) : 0;
	f->size = size ? strtoul(size, NULL, 10) : 0;
	free(pos);
	free(size);
	f->depth = depth;
	f->proto = proto;
	return f->name && f->show && f->value && f->showname ? 0 : -1;
}

static int pdml_new_packet(struct pdml *d)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 16;
		struct pdml_packet *np = realloc(d->p, cap * sizeof(*np));

		if (np == NULL)
			return -1;
		d->p = np;
		d->cap = cap;
	}
	memset(&d->p[d->n++], 0, sizeof(d->p[0]));
	return 0;
}

/* PDML puts one element per line, which is all this reader relies on. */
static int pdml_parse(FILE *f, struct pdml *d, struct err *e)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned depth = 0;
	int rc = 0;

	while (getline(&line, &cap, f) > 0) {
		char *s = line + strspn(line, " \t");
		size_t len = strcspn(s, "\r\n");
		bool self_closing = len >= 2 && s[len - 2] == '/' && s[len - 1] == '>';

		s[len] = 0;
		if (strncmp(s, "<packet", 7) == 0) {
			if (pdml_new_packet(d) < 0)
				rc = err_set(e, "out of memory");
			depth = 0;
		} else if (strncmp(s, "<field ", 7) == 0 || strncmp(s, "<proto ", 7) == 0) {
			if (d->n == 0 || pdml_add(&d->p[d->n - 1], s, depth, s[1] == 'p') < 0)
				rc = err_set(e, "PDML element outside a packet, or out of memory");
			if (!self_closing)
				depth++;
		} else if (strncmp(s, "</field>", 8) == 0 || strncmp(s, "</proto>", 8) == 0) {
			if (depth > 0)
				depth--;
		}
		if (rc < 0)
			break;
	}
	free(line);
	return rc;
}

int pdml_run(const char *tshark, const char *path, const char *options,
    struct pdml *out, struct err *e)
{
	char cmd[2048];
	FILE *f;
	int rc, status;

	memset(out, 0, sizeof(*out));
	/* Paths come from the test itself (mkdtemp), never from input. */
	snprintf(cmd, sizeof(cmd), "'%s' -n -r '%s' -T pdml %s 2>/dev/null",
	    tshark, path, options ? options : "");
	f = popen(cmd, "r");
	if (f == NULL)
		return err_set(e, "cannot run %s", tshark);
	rc = pdml_parse(f, out, e);
	status = pclose(f);
	if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		rc = err_set(e, "%s -r %s failed (status %d)", tshark, path, status);
	return rc;
}

void pdml_free(struct pdml *d)
{
	for (size_t i = 0; i < d->n; i++) {
		for (size_t j = 0; j < d->p[i].n; j++) {
			free(d->p[i].f[j].name);
			free(d->p[i].f[j].show);
			free(d->p[i].f[j].value);
			free(d->p[i].f[j].showname);
		}
		free(d->p[i].f);
	}
	free(d->p);
	memset(d, 0, sizeof(*d));
}

const struct pdml_field *pdml_find(const struct pdml_packet *p,
    const char *name, size_t pos)
{
	size_t len = strlen(name);
	bool prefix = len > 0 && name[len - 1] == '*';

	for (size_t i = 0; i < p->n; i++) {
		const struct pdml_field *f = &p->f[i];

		if (f->pos != pos)
			continue;
		if (prefix ? strncmp(f->name, name, len - 1) == 0 : strcmp(f->name, name) == 0)
			return f;
	}
	return NULL;
}

size_t pdml_count(const struct pdml_packet *p, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += strcmp(p->f[i].name, name) == 0;
	return n;
}
