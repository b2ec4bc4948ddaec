/* profile: the IUT profile reader (format in profile.h). Each line is
 * checked as it is read; the whole file is refused at the first error. */
#include "profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "names.h"

struct profile_entry {
	char *section;
	char *key;
	char *value;
	char **words;
	size_t nwords;
	int line;
	char *clause, *evidence;	/* [deviations] */
};

struct profile {
	char *path;
	struct profile_entry *v;
	size_t n, cap;
};

static const char *const sections[] = {
	"iut", "addresses", "auth", "ike", "esp", "ah", "timers",
	"capabilities", "deviations", NULL,
};

int profile_alg_table(const char *section, const char *key)
{
	static const struct { const char *key; int table; } algs[] = {
		{ "encr", NAMES_T_ENCR }, { "prf", NAMES_T_PRF },
		{ "integ", NAMES_T_INTEG }, { "dh", NAMES_T_DH },
		{ "esn", NAMES_T_ESN },
	};
	size_t i;

	if (strcmp(section, "ike") != 0 && strcmp(section, "esp") != 0 &&
	    strcmp(section, "ah") != 0)
		return -1;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(key, algs[i].key) == 0)
			return algs[i].table;
	return -1;
}

static void entry_free(struct profile_entry *en)
{
	size_t i;

	for (i = 0; i < en->nwords; i++)
		free(en->words[i]);
	free(en->words);
	free(en->section);
	free(en->key);
	free(en->value);
	free(en->clause);
	free(en->evidence);
}

void profile_free(struct profile *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		entry_free(&p->v[i]);
	free(p->v);
	free(p->path);
	free(p);
}

const char *profile_path(const struct profile *p)
{
	return p->path;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static char *dup_range(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* The words of a value, split at blanks. */
static int split_words(struct profile_entry *en)
{
	const char *s = en->value, *w;
	size_t cap = 0;

	while (*s) {
		while (blank(*s))
			s++;
		if (!*s)
			break;
		for (w = s; *s && !blank(*s); s++)
			;
		if (en->nwords == cap) {
			size_t nc = cap ? cap * 2 : 8;
			char **nv = realloc(en->words, nc * sizeof(*nv));
			if (nv == NULL)
				return -1;
			en->words = nv;
			cap = nc;
		}
		if ((en->words[en->nwords] = dup_range(w, (size_t)(s - w))) == NULL)
			return -1;
		en->nwords++;
	}
	return 0;
}

/* AES_CBC/256 -> id and key length (0 when none). */
static int parse_alg(int table, const char *w, unsigned *id, unsigned *keylen)
{
	const char *slash = strchr(w, '/');
	size_t n = slash ? (size_t)(slash - w) : strlen(w);
	char *end;
	unsigned long k;

	*keylen = 0;
	if (names_parse(table, w, n, id) < 0)
		return -1;
	if (slash == NULL)
		return 0;
	if (table != NAMES_T_ENCR || slash[1] < '0' || slash[1] > '9')
		return -1;
	errno = 0;
	k = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || errno != 0 || k == 0 || k > 65535)
		return -1;
	*keylen = (unsigned)k;
	return 0;
}

static int check_number(const char *w)
{
	char *end;
	unsigned long long v;

	if (w[0] < '0' || w[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(w, &end, 10);
	(void)v;
	return *end != '\0' || errno != 0 ? -1 : 0;
}

/* What each section demands of its values. */
static int check_entry(const char *path, struct profile_entry *en,
    struct err *e)
{
	int table = profile_alg_table(en->section, en->key);
	unsigned id, kl;
	size_t i;
	const char *bar;

	if (table >= 0)
		for (i = 0; i < en->nwords; i++)
			if (parse_alg(table, en->words[i], &id, &kl) < 0)
				return err_set(e, "%s:%d: `%s' is not a known %s",
				    path, en->line, en->words[i],
				    names_title(table));
	if (strcmp(en->section, "timers") == 0)
		for (i = 0; i < en->nwords; i++)
			if (check_number(en->words[i]) < 0)
				return err_set(e, "%s:%d: bad number `%s' (timers are microseconds)",
				    path, en->line, en->words[i]);
	if (strcmp(en->section, "capabilities") == 0 &&
	    (en->nwords == 0 || (strcasecmp(en->words[0], "yes") != 0 &&
	    strcasecmp(en->words[0], "no") != 0)))
		return err_set(e, "%s:%d: capability `%s' must say yes or no (then a reason)",
		    path, en->line, en->key);
	if (strcmp(en->section, "iut") == 0 && strcmp(en->key, "roles") == 0)
		for (i = 0; i < en->nwords; i++)
			if (strcmp(en->words[i], "initiator") != 0 &&
			    strcmp(en->words[i], "responder") != 0)
				return err_set(e, "%s:%d: role `%s' is not initiator or responder",
				    path, en->line, en->words[i]);
	if (strcmp(en->section, "auth") == 0 && strcmp(en->key, "psk") == 0)
		return err_set(e, "%s:%d: no inline PSK: put it in a file and write psk-file = PATH",
		    path, en->line);
	if (strcmp(en->section, "deviations") == 0) {
		bar = strchr(en->value, '|');
		size_t cl = bar ? (size_t)(bar - en->value) : 0;
		while (cl > 0 && blank(en->value[cl - 1]))
			cl--;
		if (bar == NULL || cl == 0 || bar[1 + strspn(bar + 1, " \t")] == '\0')
			return err_set(e, "%s:%d: a deviation is `script-id = CLAUSE | evidence'",
			    path, en->line);
		en->clause = dup_range(en->value, cl);
		bar += 1 + strspn(bar + 1, " \t");
		en->evidence = dup_range(bar, strlen(bar));
		if (en->clause == NULL || en->evidence == NULL)
			return err_set(e, "%s:%d: out of memory", path, en->line);
	}
	return 0;
}

static struct profile_entry *find(const struct profile *p,
    const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].section, section) == 0 &&
		    strcmp(p->v[i].key, key) == 0)
			return &p->v[i];
	return NULL;
}

static bool key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	    c == '/';
}

static int parse_section(const char *path, int line, const char *s,
    size_t n, char **section, struct err *e)
{
	size_t i;

	if (n < 2 || s[n - 1] != ']')
		return err_set(e, "%s:%d: a section line is [name]", path, line);
	for (i = 0; sections[i] != NULL; i++)
		if (strlen(sections[i]) == n - 2 &&
		    memcmp(sections[i], s + 1, n - 2) == 0)
			break;
	if (sections[i] == NULL)
		return err_set(e, "%s:%d: unknown section [%.*s] (known: iut addresses auth ike esp ah timers capabilities deviations)",
		    path, line, (int)(n - 2 > 40 ? 40 : n - 2), s + 1);
	free(*section);
	if ((*section = dup_range(s + 1, n - 2)) == NULL)
		return err_set(e, "%s:%d: out of memory", path, line);
	return 0;
}

static int add_entry(struct profile *p, int line, const char *section,
    const char *s, size_t n, struct err *e)
{
	const char *eq = memchr(s, '=', n);
	struct profile_entry en = { .line = line }, *old;
	size_t kn, i;

	if (section == NULL)
		return err_set(e, "%s:%d: key outside a section (start with [iut])",
		    p->path, line);
	if (eq == NULL)
		return err_set(e, "%s:%d: missing `=' (key = value)", p->path, line);
	for (kn = (size_t)(eq - s); kn > 0 && blank(s[kn - 1]); kn--)
		;
	for (i = 0; i < kn; i++)
		if (!key_char(s[i]))
			break;
	if (kn == 0 || i < kn)
		return err_set(e, "%s:%d: a key is letters, digits and _ - . /",
		    p->path, line);
	eq++;
	while (eq < s + n && blank(*eq))
		eq++;
	en.section = dup_range(section, strlen(section));
	en.key = dup_range(s, kn);
	en.value = dup_range(eq, (size_t)(s + n - eq));
	if (en.section == NULL || en.key == NULL || en.value == NULL ||
	    split_words(&en) < 0) {
		entry_free(&en);
		return err_set(e, "%s:%d: out of memory", p->path, line);
	}
	if ((old = find(p, en.section, en.key)) != NULL) {
		err_set(e, "%s:%d: duplicate key `%s' in [%s] (first at line %d)",
		    p->path, line, en.key, en.section, old->line);
		entry_free(&en);
		return -1;
	}
	if (check_entry(p->path, &en, e) < 0) {
		entry_free(&en);
		return -1;
	}
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 32;
		struct profile_entry *nv = realloc(p->v, nc * sizeof(*nv));
		if (nv == NULL) {
			entry_free(&en);
			return err_set(e, "%s:%d: out of memory", p->path, line);
		}
		p->v = nv;
		p->cap = nc;
	}
	p->v[p->n++] = en;
	return 0;
}

/* One line without its newline: comment cut, blanks trimmed. */
static int parse_line(struct profile *p, int line, const char *s, size_t n,
    char **section, struct err *e)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '#' && (i == 0 || blank(s[i - 1])))
			break;
	n = i;
	while (n > 0 && blank(s[n - 1]))
		n--;
	while (n > 0 && blank(*s)) {
		s++;
		n--;
	}
	if (n == 0)
		return 0;
	if (s[0] == '[')
		return parse_section(p->path, line, s, n, section, e);
	return add_entry(p, line, *section, s, n, e);
}

int profile_parse(const char *path, const char *text, size_t len,
    struct profile **out, struct err *e)
{
	struct profile *p;
	char *section = NULL;
	const char *s = text, *end = text + len, *nl;
	int line = 1, rc = 0;

	*out = NULL;
	if (len > PROFILE_MAX_BYTES)
		return err_set(e, "%s: larger than %d bytes", path,
		    PROFILE_MAX_BYTES);
	if (memchr(text, '\0', len) != NULL)
		return err_set(e, "%s: a NUL byte: not a text file", path);
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->path = dup_range(path, strlen(path))) == NULL) {
		free(p);
		return err_set(e, "%s: out of memory", path);
	}
	for (; s < end && rc == 0; s = nl + 1, line++) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			nl = end;
		rc = parse_line(p, line, s, (size_t)(nl - s), &section, e);
	}
	free(section);
	if (rc < 0) {
		profile_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

int profile_load(const char *path, struct profile **out, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int rc = -1;

	*out = NULL;
	if (f == NULL)
		return err_set(e, "%s: %s", path, strerror(errno));
	if ((buf = malloc(PROFILE_MAX_BYTES + 1)) == NULL) {
		fclose(f);
		return err_set(e, "%s: out of memory", path);
	}
	n = fread(buf, 1, PROFILE_MAX_BYTES + 1, f);
	if (ferror(f))
		err_set(e, "%s: %s", path, strerror(errno));
	else if (n > PROFILE_MAX_BYTES)
		err_set(e, "%s: larger than %d bytes", path, PROFILE_MAX_BYTES);
	else
		rc = profile_parse(path, buf, n, out, e);
	free(buf);
	fclose(f);
	return rc;
}

const char *profile_get(const struct profile *p, const char *section,
    const char *key)
{
	const struct profile_entry *en = find(p, section, key);

	return en ? en->value : NULL;
}

const char *const *profile_get_list(const struct profile *p,
    const char *section, const char *key, size_t *n)
{
	const struct profile_entry *en = find(p, section, key);

	*n = en ? en->nwords : 0;
	if (en == NULL)
		return NULL;
	/* An empty list is not "absent": point at something. */
	return en->words ? (const char *const *)en->words :
	    (const char *const *)&en->key;
}

int profile_get_numbers(const struct profile *p, const char *section,
    const char *key, uint64_t *out, size_t max)
{
	const struct profile_entry *en = find(p, section, key);
	size_t i;
	char *end;

	if (en == NULL || en->nwords > max)
		return -1;
	for (i = 0; i < en->nwords; i++) {
		errno = 0;
		out[i] = strtoull(en->words[i], &end, 10);
		if (*end != '\0' || errno != 0 || en->words[i][0] < '0' ||
		    en->words[i][0] > '9')
			return -1;
	}
	return (int)en->nwords;
}

bool profile_has(const struct profile *p, const char *section,
    const char *key, const char *value)
{
	const struct profile_entry *en = find(p, section, key);
	int table = profile_alg_table(section, key);
	unsigned vid, vkl, wid, wkl;
	size_t i;

	if (en == NULL)
		return false;
	if (value == NULL)
		return strcmp(section, "capabilities") != 0 ||
		    strcasecmp(en->words[0], "yes") == 0;
	if (table >= 0 && parse_alg(table, value, &vid, &vkl) < 0)
		return false;
	for (i = 0; i < en->nwords; i++) {
		if (table < 0) {
			if (strcasecmp(en->words[i], value) == 0)
				return true;
			continue;
		}
		if (parse_alg(table, en->words[i], &wid, &wkl) == 0 &&
		    wid == vid && (vkl == 0 || wkl == 0 || vkl == wkl))
			return true;
	}
	return false;
}

int profile_deviation(const struct profile *p, const char *script_id,
    const char **clause, const char **evidence)
{
	const struct profile_entry *en = find(p, "deviations", script_id);

	if (en == NULL)
		return 0;
	*clause = en->clause;
	*evidence = en->evidence;
	return 1;
}
