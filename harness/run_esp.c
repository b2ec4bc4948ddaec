/* run_esp: the traffic state the traffic events share: one run_child_io
 * per CHILD SA the script negotiated (its ESP/AH SAs, keyed by SPI, made
 * from the harness's keys), and the arguments of `esp' events read as
 * numbers, bytes and addresses (profile words for defaults). The events
 * are in run_esp_send.c, run_esp_expect.c; NAT in run_nat.c. */
#include "run_esp_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

void run_esp_free(struct run_ctx *c)
{
	size_t i;

	if (c->esp == NULL)
		return;
	for (i = 0; i < c->esp->n; i++) {
		esp_sa_free(c->esp->io[i].esp_in);
		esp_sa_free(c->esp->io[i].esp_out);
		ah_sa_free(c->esp->io[i].ah_in);
		ah_sa_free(c->esp->io[i].ah_out);
		bytes_free(&c->esp->io[i].last_sent);
	}
	free(c->esp);
	c->esp = NULL;
}

uint32_t run_esp_spi_num(const uint8_t spi[static IKE_CHILD_SPI_LEN])
{
	return (uint32_t)spi[0] << 24 | (uint32_t)spi[1] << 16 |
	    (uint32_t)spi[2] << 8 | spi[3];
}

/* ------------------------------------------------------------------ */
/* Keys: a child's KEYMAT split by direction (RFC 7296 2.17)           */

static int io_key(struct run_child_io *io, const struct ike_child *ch,
    struct err *e)
{
	struct ike_child_sas sas;

	if (ike_child_sas_new(ch, &sas, e) < 0)
		return -1;
	memcpy(io->spi_in, ch->spi_in, IKE_CHILD_SPI_LEN);
	memcpy(io->spi_out, ch->spi_out, IKE_CHILD_SPI_LEN);
	io->protocol = ch->protocol;
	io->esp_in = sas.esp_in;
	io->esp_out = sas.esp_out;
	io->ah_in = sas.ah_in;
	io->ah_out = sas.ah_out;
	return 0;
}

struct run_child_io *run_esp_io_for(struct run_ctx *c,
    const struct ike_child *ch, struct err *e)
{
	struct run_child_io *io;
	size_t i;

	if (c->esp == NULL) {
		if ((c->esp = calloc(1, sizeof(*c->esp))) == NULL) {
			err_set(e, "out of memory");
			return NULL;
		}
		c->esp->last_io = -1;
	}
	for (i = 0; i < c->esp->n; i++)
		if (memcmp(c->esp->io[i].spi_in, ch->spi_in, IKE_CHILD_SPI_LEN) == 0 &&
		    memcmp(c->esp->io[i].spi_out, ch->spi_out, IKE_CHILD_SPI_LEN) == 0)
			return &c->esp->io[i];
	if (c->esp->n == IKE_CHILD_MAX) {
		err_set(e, "more than %d CHILD SAs carried traffic", IKE_CHILD_MAX);
		return NULL;
	}
	io = &c->esp->io[c->esp->n];
	memset(io, 0, sizeof(*io));
	if (io_key(io, ch, e) < 0) {	/* nothing was made */
		memset(io, 0, sizeof(*io));
		return NULL;
	}
	c->esp->n++;
	return io;
}

/* The io whose inbound SPI is spi, among the children made so far. */
struct run_child_io *run_esp_io_by_spi(struct run_ctx *c, uint32_t spi)
{
	size_t i;
	struct err e;

	if (c->sa != NULL)	/* children not used yet get their keys too */
		for (i = 0; i < c->sa->nchild; i++)
			if (run_esp_spi_num(c->sa->child[i].spi_in) == spi)
				(void)run_esp_io_for(c, &c->sa->child[i], &e);
	if (c->esp == NULL)
		return NULL;
	for (i = 0; i < c->esp->n; i++)
		if (run_esp_spi_num(c->esp->io[i].spi_in) == spi)
			return &c->esp->io[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Arguments                                                           */

const struct script_arg *run_esp_arg_find(const struct script_esp *x,
    const char *key)
{
	const struct script_arg *a;

	for (a = x->args; a != NULL; a = a->next)
		if (strcmp(a->key, key) == 0)
			return a;
	return NULL;
}

/* A numeric argument: 0 with *out, 1 when absent, -1 (script error). */
int run_esp_arg_num(struct run_ctx *c, const struct script_esp *x,
    const char *key, uint64_t max, uint64_t *out)
{
	const struct script_arg *a = run_esp_arg_find(x, key);
	char text[RUN_TEXT_MAX], *end;
	unsigned long long v;

	if (a == NULL)
		return 1;
	if (run_value_text(c, a->values, text, sizeof(text)) < 0)
		return -1;
	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno != 0 || *end != '\0' || end == text || v > max)
		return run_script_error(c, a->pos.line, "%s=%s: expected a number up to %" PRIu64,
		    key, text, max);
	*out = v;
	return 0;
}

/* A bytes argument ("text" or 0x hex): 0, 1 when absent, -1. */
int run_esp_arg_bytes(struct run_ctx *c, const struct script_esp *x,
    const char *key, struct bytes *out)
{
	const struct script_arg *a = run_esp_arg_find(x, key);
	const struct script_value *v;
	struct run_var *var;
	struct err e;

	if (a == NULL)
		return 1;
	v = a->values;
	switch (v->kind) {
	case SCRIPT_V_STRING:
		return bytes_set(out, v->text, v->len) < 0 ?
		    run_script_error(c, a->pos.line, "out of memory") : 0;
	case SCRIPT_V_HEX:
		if (bytes_from_hex(out, v->text, strlen(v->text), &e) < 0)
			return run_script_error(c, a->pos.line, "%s=: %s", key, e.text);
		return 0;
	case SCRIPT_V_VAR:
		if ((var = run_var_find(c, v->text)) == NULL || var->is_num)
			return run_script_error(c, a->pos.line, "%s=$%s: expected bytes",
			    key, v->text);
		return bytes_copy(out, &var->data) < 0 ?
		    run_script_error(c, a->pos.line, "out of memory") : 0;
	case SCRIPT_V_NUMBER: case SCRIPT_V_WORD: case SCRIPT_V_ONEOF:
		break;
	}
	return run_script_error(c, a->pos.line, "%s= takes \"text\" or 0x hex", key);
}

bool run_esp_arg_is(const struct script_esp *x, const char *key,
    const char *word)
{
	const struct script_arg *a = run_esp_arg_find(x, key);

	return a != NULL && a->values->kind == SCRIPT_V_WORD &&
	    strcmp(a->values->text, word) == 0;
}

/* The nth word (0-based) of a profile value, $NAME expanded into out. */
/* The nth word of a profile key, $NAME expanded: 0, 1 when there is none,
 * -1 on an unset variable. */
static int run_profile_nth(const struct profile *p, const char *section,
    const char *key, size_t nth, char *out, size_t outlen)
{
	size_t n;
	const char *const *l = profile_get_list(p, section, key, &n);
	struct err e;

	if (l == NULL || nth >= n)
		return 1;
	if (expand_vars(l[nth], out, outlen, RUN_EXPAND_FLAGS, &e) < 0)
		return -1;
	return 0;
}

int run_esp_profile_nth(struct run_ctx *c, const char *section,
    const char *key, size_t nth, char *out, size_t outlen)
{
	return run_profile_nth(c->prof, section, key, nth, out, outlen);
}

int run_profile_addr(const struct profile *p, const char *section,
    const char *key, int fam, struct addr *a)
{
	char w[RUN_WORD_LEN], *slash;
	size_t i;
	int rc, k;
	struct err e;

	for (i = 0; (rc = run_profile_nth(p, section, key, i, w, sizeof(w))) == 0;
	    i++) {
		bool net = (slash = strchr(w, '/')) != NULL;

		if (net)
			*slash = '\0';
		if (addr_parse(w, a, &e) < 0 || (fam != 0 && a->family != fam))
			continue;
		if (net)	/* the network's first host */
			for (k = a->family == 4 ? 3 : 15; k >= 0; k--)
				if (++a->ip[k] != 0)
					break;
		return 0;
	}
	return rc < 0 ? -1 : 1;
}

/* The first address of family fam (0: any) in a profile key's words; a
 * network "203.0.113.0/24" gives its first host (.1). */
int run_esp_profile_addr(struct run_ctx *c, const char *section,
    const char *key, int fam, struct addr *a)
{
	return run_profile_addr(c->prof, section, key, fam, a);
}

/* An address argument: a literal, or echo (the echo service behind the
 * IUT), iut, harness, local (the harness's protected address). */
int run_esp_addr_value(struct run_ctx *c, int line, const char *text, int fam,
    struct addr *a)
{
	struct err e;
	int rc;

	if (strcmp(text, "echo") == 0)
		rc = run_esp_profile_addr(c, "addresses", "echo", fam, a);
	else if (strcmp(text, "iut") == 0)
		rc = run_esp_profile_addr(c, "addresses", "iut", fam, a);
	else if (strcmp(text, "harness") == 0)
		rc = run_esp_profile_addr(c, "addresses", "harness", fam, a);
	else if (strcmp(text, "local") == 0)
		rc = run_esp_profile_addr(c, "addresses", "harness-protected", fam, a);
	else
		return addr_parse(text, a, &e) < 0 ?
		    run_script_error(c, line, "`%s': %s", text, e.text) : 0;
	if (rc != 0)
		return run_script_error(c, line, "`%s': the profile's [addresses] give no IPv%d address for it",
		    text, fam ? fam : 4);
	return 0;
}

int run_esp_arg_addr(struct run_ctx *c, const struct script_esp *x,
    const char *key, const char *dflt, int fam, struct addr *a)
{
	const struct script_arg *a0 = run_esp_arg_find(x, key);
	char text[RUN_TEXT_MAX];
	int line = a0 != NULL ? a0->pos.line : 0;

	if (a0 == NULL)
		snprintf(text, sizeof(text), "%s", dflt);
	else if (a0->values->kind == SCRIPT_V_STRING)
		snprintf(text, sizeof(text), "%.*s", (int)a0->values->len,
		    a0->values->text);
	else if (run_value_text(c, a0->values, text, sizeof(text)) < 0)
		return -1;
	return run_esp_addr_value(c, line, text, fam, a);
}

/* The child an event works on: child=N (1-based) or the newest; *io
 * its traffic state. With no CHILD SA left (the script deleted it), the
 * last one used: its packets test what the IUT does with a dead SPI.
 * 0, 1 with a failure in k, -1 on a script error. */
int run_esp_pick_child(struct run_ctx *c, const struct script_event *ev,
    const struct ike_child **out, struct run_child_io **io,
    struct run_check *k)
{
	uint64_t n = 0;
	int rc = run_esp_arg_num(c, &ev->u.esp, "child", IKE_CHILD_MAX, &n);
	struct err e;

	*out = NULL;
	if (rc < 0)
		return -1;
	if ((c->sa == NULL || c->sa->nchild == 0) && rc == 1 &&
	    c->esp != NULL && c->esp->last_io >= 0) {
		*io = &c->esp->io[c->esp->last_io];
		run_check_note(k, "no CHILD SA left: the last one used (SPI 0x%08x)",
		    run_esp_spi_num((*io)->spi_out));
		return 0;
	}
	if (c->sa == NULL || c->sa->nchild == 0) {
		run_check_fail(k, "no CHILD SA: `establish child' first (or the IUT refused it)");
		return 1;
	}
	if (rc == 1)
		n = c->sa->nchild;
	if (n == 0 || n > c->sa->nchild) {
		run_check_fail(k, "child=%" PRIu64 ": only %zu CHILD SA(s)", n,
		    c->sa->nchild);
		return 1;
	}
	*out = &c->sa->child[n - 1];
	if (ev->u.esp.ah != (c->sa->child[n - 1].protocol == PROTO_AH)) {
		run_check_fail(k, "`%s' event on a%s CHILD SA",
		    ev->u.esp.ah ? "ah" : "esp",
		    ev->u.esp.ah ? "n ESP" : "n AH");
		return 1;
	}
	if ((*io = run_esp_io_for(c, *out, &e)) == NULL) {
		run_check_fail(k, "CHILD SA keys: %s", e.text);
		return 1;
	}
	c->esp->last_io = (int)(*io - c->esp->io);
	return 0;
}

/* How ESP travels to the IUT: UDP 4500 when IKE moved there or the
 * profile says the IUT encapsulates (RFC 3948), raw IP otherwise. */
enum net_port run_esp_via(struct run_ctx *c, const struct script_esp *x)
{
	const char *enc = profile_get(c->prof, "esp", "encapsulation");

	if (x->ah || run_esp_arg_is(x, "via", "ip"))
		return NET_RAW;
	if (run_esp_arg_is(x, "via", "udp"))
		return NET_NATT;
	if (c->port == NET_NATT || (enc != NULL && strncmp(enc, "udp", 3) == 0) ||
	    (profile_get(c->prof, "capabilities", "nat-t-forced") != NULL &&
	     strncmp(profile_get(c->prof, "capabilities", "nat-t-forced"), "yes", 3) == 0))
		return NET_NATT;
	return NET_RAW;
}

/* Raw ESP/AH needs root: without it the rest of the script is skipped. */
bool run_esp_via_usable(struct run_ctx *c, int line, const char *desc,
    enum net_port via)
{
	const char *why = NULL;

	if (via != NET_RAW || net_raw_available(c->net, &why))
		return true;
	snprintf(c->skip_rest, sizeof(c->skip_rest), "ESP/AH over raw IP cannot run here: %s",
	    why ? why : "no raw sockets");
	run_check_skip(c, line, desc, c->skip_rest);
	return false;
}
