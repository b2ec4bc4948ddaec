/* profile: the IUT profile reader (format in profile.h). Each line is
 * checked as it is read; the whole file is refused at the first error. */
#include "profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "addr.h"
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

static const char *const sections[] = {
	"iut", "addresses", "auth", "ike", "esp", "ah", "timers",
	"capabilities", "deviations", NULL,
};

enum { PROFILE_SECTIONS = sizeof(sections) / sizeof(sections[0]) - 1 };

struct profile {
	char *path;
	struct profile_entry *v;
	size_t n, cap;
	int section_line[PROFILE_SECTIONS];	/* its [header], 0 if none */
};

/* What a value must be. Words starting with `$' are lab variables,
 * checked where they are expanded (run, respond), not here. */
enum profile_kind {
	PK_WORDS,	/* one word or more */
	PK_ALGS,	/* IANA transform names, AES_CBC/256 */
	PK_NUMBERS,	/* decimal microseconds */
	PK_RETRANSMIT,	/* the gaps of a retransmission schedule */
	PK_PORT,	/* one UDP port, 1..65535 */
	PK_ADDRS,	/* IP addresses */
	PK_FILE,	/* a file iketest reads: it must exist */
	PK_ROLES,	/* initiator responder */
	PK_CAP,		/* yes|no [reason words] */
	PK_DEVIATION,	/* CLAUSE | evidence */
	PK_ENUM,	/* words of the row's list */
};

static const char *const methods[] = { "psk", "rsa", "ecdsa", NULL };
static const char *const modes[] = { "tunnel", "transport", NULL };
static const char *const encaps[] = { "udp", "ip", NULL };
static const char *const yes_no[] = { "yes", "no", NULL };
static const char *const versions[] = { "2", NULL };

/* Every key a profile may hold (peers/README.md, "Profiles"): a key not
 * here is a typo, refused with the nearest one. [deviations] keys are
 * script ids. */
static const struct profile_key {
	const char *key, *section;
	enum profile_kind kind;
	const char *const *words;	/* PK_ENUM */
} keys[] = {
	{ "name", "iut", PK_WORDS, NULL },
	{ "adapter", "iut", PK_FILE, NULL },
	{ "version", "iut", PK_WORDS, NULL },
	{ "version-command", "iut", PK_WORDS, NULL },
	{ "roles", "iut", PK_ROLES, NULL },
	{ "ike-versions", "iut", PK_ENUM, versions },
	{ "lab", "addresses", PK_WORDS, NULL },
	{ "namespace", "addresses", PK_WORDS, NULL },
	{ "iut", "addresses", PK_ADDRS, NULL },
	{ "harness", "addresses", PK_ADDRS, NULL },
	{ "harness-if", "addresses", PK_WORDS, NULL },
	{ "protected", "addresses", PK_WORDS, NULL },
	{ "harness-protected", "addresses", PK_WORDS, NULL },
	{ "peers-protected", "addresses", PK_WORDS, NULL },
	{ "echo", "addresses", PK_ADDRS, NULL },
	{ "echo-port", "addresses", PK_PORT, NULL },
	{ "ike-port", "addresses", PK_PORT, NULL },
	{ "natt-port", "addresses", PK_PORT, NULL },
	{ "methods", "auth", PK_ENUM, methods },
	{ "id-types", "auth", PK_WORDS, NULL },
	{ "psk-file", "auth", PK_FILE, NULL },
	{ "psk-id-iut", "auth", PK_WORDS, NULL },
	{ "psk-id-harness", "auth", PK_WORDS, NULL },
	{ "cert-id-iut", "auth", PK_WORDS, NULL },
	{ "cert-id-harness", "auth", PK_WORDS, NULL },
	{ "ca", "auth", PK_FILE, NULL },
	{ "iut-cert", "auth", PK_FILE, NULL },
	{ "iut-key", "auth", PK_FILE, NULL },
	{ "harness-cert-rsa", "auth", PK_FILE, NULL },
	{ "harness-key-rsa", "auth", PK_FILE, NULL },
	{ "harness-cert-ecdsa", "auth", PK_FILE, NULL },
	{ "harness-key-ecdsa", "auth", PK_FILE, NULL },
	{ "signature-auth", "auth", PK_ENUM, yes_no },
	{ "encr", "ike", PK_ALGS, NULL },
	{ "prf", "ike", PK_ALGS, NULL },
	{ "integ", "ike", PK_ALGS, NULL },
	{ "dh", "ike", PK_ALGS, NULL },
	{ "esn", "ike", PK_ALGS, NULL },
	{ "encr", "esp", PK_ALGS, NULL },
	{ "integ", "esp", PK_ALGS, NULL },
	{ "dh", "esp", PK_ALGS, NULL },
	{ "esn", "esp", PK_ALGS, NULL },
	{ "mode", "esp", PK_ENUM, modes },
	{ "encapsulation", "esp", PK_ENUM, encaps },
	{ "integ", "ah", PK_ALGS, NULL },
	{ "dh", "ah", PK_ALGS, NULL },
	{ "esn", "ah", PK_ALGS, NULL },
	{ "mode", "ah", PK_ENUM, modes },
	{ "retransmit", "timers", PK_RETRANSMIT, NULL },
	{ "give-up", "timers", PK_NUMBERS, NULL },
	{ "jitter", "timers", PK_NUMBERS, NULL },
	{ "half-open-timeout", "timers", PK_NUMBERS, NULL },
	{ "cookie-threshold", "timers", PK_NUMBERS, NULL },
	{ "ike-lifetime", "timers", PK_NUMBERS, NULL },
	{ "child-lifetime", "timers", PK_NUMBERS, NULL },
	{ "natt-keepalive", "timers", PK_NUMBERS, NULL },
	{ "child-ready", "timers", PK_NUMBERS, NULL },
	{ "cookies", "capabilities", PK_CAP, NULL },
	{ "cookie", "capabilities", PK_CAP, NULL },
	{ "childless", "capabilities", PK_CAP, NULL },
	{ "intermediate", "capabilities", PK_CAP, NULL },	/* RFC 9242 */
	{ "fragmentation", "capabilities", PK_CAP, NULL },
	{ "mobike", "capabilities", PK_CAP, NULL },
	{ "signature-auth", "capabilities", PK_CAP, NULL },
	{ "redirect", "capabilities", PK_CAP, NULL },
	{ "ppk", "capabilities", PK_CAP, NULL },
	{ "transport-mode", "capabilities", PK_CAP, NULL },
	{ "ipv6", "capabilities", PK_CAP, NULL },
	{ "esp", "capabilities", PK_CAP, NULL },
	{ "child-sa", "capabilities", PK_CAP, NULL },
	{ "nat-t-forced", "capabilities", PK_CAP, NULL },
	{ "natd-source-honest", "capabilities", PK_CAP, NULL },
	{ "ah", "capabilities", PK_CAP, NULL },
	{ "raw-esp", "capabilities", PK_CAP, NULL },
	{ "esp-counters", "capabilities", PK_CAP, NULL },
	{ "esn", "capabilities", PK_CAP, NULL },
	{ "natt-keepalive", "capabilities", PK_CAP, NULL },
	{ "iut-rekey", "capabilities", PK_CAP, NULL },
	{ "iut-terminate", "capabilities", PK_CAP, NULL },
	{ NULL, NULL, PK_WORDS, NULL },
};

/* The gaps of [timers] retransmit: what the interpreter can wait for
 * (run_expect.c reads at most PROFILE_RETRANSMIT_MAX of them). */
enum {
	RETRANSMIT_MIN_US = 1000,		/* 1 ms */
	RETRANSMIT_MAX_US = 3600000000u,	/* 1 h */
};

/* The row of section.key; NULL (and a suggestion) when none. */
static const struct profile_key *key_find(const char *section,
    const char *key, const char **hint)
{
	const struct profile_key *k;
	const char *names[sizeof(keys) / sizeof(keys[0])];
	size_t n = 0;

	*hint = NULL;
	for (k = keys; k->key != NULL; k++) {
		if (strcmp(k->section, section) != 0)
			continue;
		if (strcmp(k->key, key) == 0)
			return k;
		names[n++] = k->key;
	}
	names[n] = NULL;
	*hint = names_suggest(key, strlen(key), names);
	return NULL;
}

bool profile_key_known(const char *section, const char *key,
    const char **hint)
{
	*hint = NULL;
	return strcmp(section, "deviations") == 0 ||
	    key_find(section, key, hint) != NULL;
}

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

/* AES_CBC/256 -> id and key length (0 when none): 0, -1 for an unknown
 * name, -2 for a key length the transform does not take. */
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
		return -2;
	errno = 0;
	k = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || errno != 0 || k == 0 || k > 65535)
		return -2;
	*keylen = (unsigned)k;
	return names_encr_keylen_ok(*id, *keylen) ? 0 : -2;
}

/* A decimal number, digits only: 0, or -1 (no sign, no blank, no 0x,
 * nothing after it, no overflow). */
static int parse_number(const char *w, unsigned long long max,
    unsigned long long *v)
{
	char *end;

	if (w[0] < '0' || w[0] > '9')
		return -1;
	errno = 0;
	*v = strtoull(w, &end, 10);
	return *end != '\0' || errno != 0 || *v > max ? -1 : 0;
}

static bool lab_var(const char *w)
{
	return w[0] == '$';
}

static int check_algs(const char *path, const struct profile_entry *en,
    int table, struct err *e)
{
	unsigned id, kl;
	size_t i;
	int rc;
	const char *hint;
	char name[64];

	for (i = 0; i < en->nwords; i++) {
		const char *w = en->words[i];
		size_t n = strcspn(w, "/");

		if ((rc = parse_alg(table, w, &id, &kl)) == -2)
			return err_set(e, "%s:%d: `%s': %s %s", path, en->line,
			    w, names_get(table, id),
			    table == NAMES_T_ENCR && names_encr_keylen_ok(id, 128) ?
			    "takes a key length of 128, 192 or 256 bits" :
			    "takes no key length (write it bare)");
		if (rc == 0)
			continue;
		hint = strchr(w, '/') == NULL || table == NAMES_T_ENCR ?
		    names_suggest_table(table, w, n) : NULL;
		if (hint != NULL && strchr(w, '/') != NULL)
			snprintf(name, sizeof(name), "%s%s", hint, w + n);
		else
			snprintf(name, sizeof(name), "%s", hint ? hint : "");
		return err_set(e, "%s:%d: `%s' is not a known %s%s%s%s", path,
		    en->line, w, names_title(table),
		    hint ? " (did you mean `" : "", hint ? name : "",
		    hint ? "'?)" : "");
	}
	return 0;
}

static int check_numbers(const char *path, const struct profile_entry *en,
    bool retransmit, struct err *e)
{
	unsigned long long v;
	size_t i;

	if (retransmit && en->nwords > PROFILE_RETRANSMIT_MAX)
		return err_set(e, "%s:%d: [timers] retransmit: %zu gaps, at most %d",
		    path, en->line, en->nwords, PROFILE_RETRANSMIT_MAX);
	for (i = 0; i < en->nwords; i++) {
		if (parse_number(en->words[i], UINT64_MAX, &v) < 0)
			return err_set(e, "%s:%d: bad number `%s' (timers are microseconds)",
			    path, en->line, en->words[i]);
		/* RFC 7296 2.4: an initiator waits before it retransmits. */
		if (retransmit && (v < RETRANSMIT_MIN_US || v > RETRANSMIT_MAX_US))
			return err_set(e, "%s:%d: [timers] retransmit: a gap of %s us; each gap is %u..%u microseconds (1 ms to 1 h)",
			    path, en->line, en->words[i], RETRANSMIT_MIN_US,
			    RETRANSMIT_MAX_US);
	}
	return 0;
}

static int check_deviation(const char *path, struct profile_entry *en,
    struct err *e)
{
	const char *bar = strchr(en->value, '|');
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
	return 0;
}

/* Every word one of the row's list, any case. */
static int check_enum(const char *path, const struct profile_entry *en,
    const char *const *words, struct err *e)
{
	size_t i, j, used = 0;
	const char *hint;
	char list[128] = "";

	for (i = 0; i < en->nwords; i++) {
		for (j = 0; words[j] != NULL; j++)
			if (strcasecmp(en->words[i], words[j]) == 0)
				break;
		if (words[j] != NULL || lab_var(en->words[i]))
			continue;
		for (j = 0; words[j] != NULL && used < sizeof(list); j++)
			used += (size_t)snprintf(list + used, sizeof(list) - used,
			    "%s%s", j ? " " : "", words[j]);
		hint = names_suggest(en->words[i], strlen(en->words[i]), words);
		return err_set(e, "%s:%d: [%s] %s: `%s' is not one of %s%s%s%s",
		    path, en->line, en->section, en->key, en->words[i], list,
		    hint ? " (did you mean `" : "", hint ? hint : "",
		    hint ? "'?)" : "");
	}
	return 0;
}

/* What the key's kind demands of its words. */
static int check_kind(const char *path, struct profile_entry *en,
    const struct profile_key *k, struct err *e)
{
	enum profile_kind kind = k != NULL ? k->kind : PK_DEVIATION;

	unsigned long long v;
	struct addr a;
	struct err ae;
	size_t i;

	switch (kind) {
	case PK_WORDS:
		return 0;
	case PK_ALGS:
		return check_algs(path, en,
		    profile_alg_table(en->section, en->key), e);
	case PK_NUMBERS:
	case PK_RETRANSMIT:
		return check_numbers(path, en, kind == PK_RETRANSMIT, e);
	case PK_PORT:
		if (en->nwords != 1 || (!lab_var(en->words[0]) &&
		    (parse_number(en->words[0], 65535, &v) < 0 || v == 0)))
			return err_set(e, "%s:%d: [%s] %s: `%s' is not a port (1..65535)",
			    path, en->line, en->section, en->key, en->value);
		return 0;
	case PK_ADDRS:
		for (i = 0; i < en->nwords; i++)
			if (!lab_var(en->words[i]) &&
			    addr_parse(en->words[i], &a, &ae) < 0)
				return err_set(e, "%s:%d: [%s] %s: `%s' is not an IPv4 or IPv6 address",
				    path, en->line, en->section, en->key,
				    en->words[i]);
		return 0;
	case PK_FILE:
		if (en->nwords != 1 && strcmp(en->key, "iut-cert") != 0)
			return err_set(e, "%s:%d: [%s] %s: one file name (no blanks)",
			    path, en->line, en->section, en->key);
		return 0;
	case PK_ROLES:
		for (i = 0; i < en->nwords; i++)
			if (strcmp(en->words[i], "initiator") != 0 &&
			    strcmp(en->words[i], "responder") != 0)
				return err_set(e, "%s:%d: role `%s' is not initiator or responder",
				    path, en->line, en->words[i]);
		return 0;
	case PK_CAP:
		if (strcasecmp(en->words[0], "yes") != 0 &&
		    strcasecmp(en->words[0], "no") != 0)
			return err_set(e, "%s:%d: capability `%s' must say yes or no (then a reason)",
			    path, en->line, en->key);
		return 0;
	case PK_DEVIATION:
		return check_deviation(path, en, e);
	case PK_ENUM:
		return check_enum(path, en, k->words, e);
	}
	return 0;
}

/* What each section demands of its values. */
static int check_entry(const char *path, struct profile_entry *en,
    struct err *e)
{
	const struct profile_key *k;
	const char *hint;
	bool dev = strcmp(en->section, "deviations") == 0;

	if (strcmp(en->section, "auth") == 0 && strcmp(en->key, "psk") == 0)
		return err_set(e, "%s:%d: no inline PSK: put it in a file and write psk-file = PATH",
		    path, en->line);
	k = dev ? NULL : key_find(en->section, en->key, &hint);
	if (!dev && k == NULL)
		return err_set(e, "%s:%d: unknown key `%s' in [%s]%s%s%s", path,
		    en->line, en->key, en->section,
		    hint ? " (did you mean `" : "", hint ? hint : "",
		    hint ? "'?)" : "");
	if (en->nwords == 0 && !dev)
		return err_set(e, "%s:%d: [%s] %s has no value%s", path,
		    en->line, en->section, en->key,
		    k->kind == PK_CAP ? " (yes or no, then a reason)" : "");
	return check_kind(path, en, dev ? NULL : k, e);
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

static int parse_section(struct profile *p, int line, const char *s,
    size_t n, char **section, struct err *e)
{
	const char *path = p->path;

	size_t i;

	if (n < 2 || s[n - 1] != ']')
		return err_set(e, "%s:%d: a section line is [name]", path, line);
	for (i = 0; sections[i] != NULL; i++)
		if (strlen(sections[i]) == n - 2 &&
		    memcmp(sections[i], s + 1, n - 2) == 0)
			break;
	if (sections[i] == NULL) {
		const char *hint = names_suggest(s + 1, n - 2, sections);

		if (hint != NULL)
			return err_set(e, "%s:%d: unknown section [%.*s] (did you mean [%s]?)",
			    path, line, (int)(n - 2 > 40 ? 40 : n - 2), s + 1,
			    hint);
		return err_set(e, "%s:%d: unknown section [%.*s] (known: iut addresses auth ike esp ah timers capabilities deviations)",
		    path, line, (int)(n - 2 > 40 ? 40 : n - 2), s + 1);
	}
	if (p->section_line[i] == 0)
		p->section_line[i] = line;
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
		return parse_section(p, line, s, n, section, e);
	return add_entry(p, line, *section, s, n, e);
}

/* The line of [section]'s header; 1 if there is none. */
static int section_line(const struct profile *p, const char *section)
{
	size_t i;

	for (i = 0; i < PROFILE_SECTIONS; i++)
		if (strcmp(sections[i], section) == 0 && p->section_line[i] > 0)
			return p->section_line[i];
	return 1;
}

int profile_check_testable(const struct profile *p, struct err *e)
{
	if (find(p, "addresses", "iut") == NULL)
		return err_set(e, "%s:%d: profile has no [addresses] iut: nothing to test",
		    p->path, section_line(p, "addresses"));
	if (find(p, "iut", "roles") == NULL)
		return err_set(e, "%s:%d: profile has no [iut] roles (initiator, responder): every script would skip",
		    p->path, section_line(p, "iut"));
	return 0;
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

/* "DIR/" + name, or NULL when out of memory. */
static char *in_folder(const char *dir, size_t dirlen, const char *name)
{
	size_t n = strlen(name);
	char *s = malloc(dirlen + 1 + n + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, dir, dirlen);
	s[dirlen] = '/';
	memcpy(s + dirlen + 1, name, n + 1);
	return s;
}

/* A relative file name (PK_FILE: psk-file, ca, certificates, keys, the
 * adapter) and a command's relative program (version-command, when its
 * first word holds a slash) are taken from the profile's own folder, so
 * that a profile and the files beside it move together and iketest runs
 * from any folder. Absolute names and lab variables ($CREDS_DIR/psk)
 * stay as they are. The value is rebuilt from the words. */
static int resolve_files(struct profile *p, struct err *e)
{
	const char *slash = strrchr(p->path, '/');
	size_t dirlen = slash != NULL ? (size_t)(slash - p->path) : 0, i, j;

	if (slash == NULL)
		return 0;	/* the current folder already */
	for (i = 0; i < p->n; i++) {
		struct profile_entry *en = &p->v[i];
		const struct profile_key *k;
		const char *hint;
		bool command = strcmp(en->section, "iut") == 0 &&
		    strcmp(en->key, "version-command") == 0;
		char *joined;
		size_t len = 0;

		if (strcmp(en->section, "deviations") == 0 ||
		    (k = key_find(en->section, en->key, &hint)) == NULL ||
		    (k->kind != PK_FILE && !command))
			continue;
		for (j = 0; j < en->nwords; j++) {
			char *w = en->words[j], *r;

			if (w[0] == '/' || w[0] == '$' ||
			    (command && (j > 0 || strchr(w, '/') == NULL)))
				continue;
			if ((r = in_folder(p->path, dirlen, w)) == NULL)
				return err_set(e, "%s: out of memory", p->path);
			free(w);
			en->words[j] = r;
		}
		for (j = 0; j < en->nwords; j++)
			len += strlen(en->words[j]) + 1;
		if ((joined = malloc(len + 1)) == NULL)
			return err_set(e, "%s: out of memory", p->path);
		joined[0] = '\0';
		for (j = 0; j < en->nwords; j++) {
			if (j > 0)
				strcat(joined, " ");
			strcat(joined, en->words[j]);
		}
		free(en->value);
		en->value = joined;
	}
	return 0;
}

/* The files a profile names exist and can be read, where they are named
 * without lab variables (those are checked where they are expanded).
 * Relative names are the profile folder's (resolve_files). */
static int check_files(const struct profile *p, struct err *e)
{
	const struct profile_key *k;
	const char *hint;
	size_t i, j;

	for (i = 0; i < p->n; i++) {
		const struct profile_entry *en = &p->v[i];

		if (strcmp(en->section, "deviations") == 0 ||
		    (k = key_find(en->section, en->key, &hint)) == NULL ||
		    k->kind != PK_FILE)
			continue;
		for (j = 0; j < en->nwords; j++)
			if (strchr(en->words[j], '$') == NULL &&
			    access(en->words[j], R_OK) != 0)
				return err_set(e, "%s:%d: [%s] %s: %s: %s",
				    p->path, en->line, en->section, en->key,
				    en->words[j], strerror(errno));
	}
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
	if (rc == 0 && (resolve_files(*out, e) < 0 || check_files(*out, e) < 0)) {
		profile_free(*out);
		*out = NULL;
		rc = -1;
	}
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

int profile_line(const struct profile *p, const char *section,
    const char *key)
{
	const struct profile_entry *en = find(p, section, key);

	return en ? en->line : 0;
}

int profile_deviation_at(const struct profile *p, size_t i,
    const char **script_id, int *line)
{
	size_t k, seen = 0;

	for (k = 0; k < p->n; k++)
		if (strcmp(p->v[k].section, "deviations") == 0 && seen++ == i) {
			*script_id = p->v[k].key;
			*line = p->v[k].line;
			return 1;
		}
	return 0;
}
