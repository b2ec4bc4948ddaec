/* load: setting a load run up from a profile (addresses, sockets, the IKE
 * configuration `iketest run' uses), and the tunnels' event loop: start,
 * receive, retransmit, all within the run's bounds. */
#include "load_int.h"

#include <stdlib.h>
#include <string.h>

#include "expand.h"
#include "names.h"
#include "profile.h"
#include "run.h"

void load_opts_init(struct load_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = LOAD_TUNNELS;
	o->concurrent = 16;
	o->count = 100;
	o->seconds = 10;
	o->drain_s = 3;
	o->judge_every = 10;
	o->ports = 16;
}

/* A profile word with $NAME expanded: 0, 1 absent, -1 unset variable. */
static int load_word(const struct profile *p, const char *section,
    const char *key, char *out, size_t len, struct err *e)
{
	size_t n;
	const char *const *l = profile_get_list(p, section, key, &n);
	struct err e2;

	if (l == NULL || n == 0)
		return 1;
	if (expand_vars(l[0], out, len, EXPAND_EMPTY_IS_UNSET |
	    EXPAND_LONE_DOLLAR_KEPT, &e2) < 0)
		return err_set(e, "%s: [%s] %s = %s: %s", profile_path(p),
		    section, key, l[0], e2.text);
	return 0;
}

static unsigned load_port(const struct profile *p, const char *key,
    unsigned opt, unsigned def)
{
	const char *v = profile_get(p, "addresses", key);

	if (opt != 0)
		return opt;
	return v != NULL && atoi(v) > 0 && atoi(v) < 65536 ? (unsigned)atoi(v) : def;
}

static bool load_yes(const struct profile *p, const char *section,
    const char *key, const char *word)
{
	const char *v = profile_get(p, section, key);

	return v != NULL && strncmp(v, word, strlen(word)) == 0;
}

/* The echo of time to first packet: [addresses] echo, from the first
 * host of harness-protected; raw ESP needs root. */
static void load_echo_setup(struct load_ctx *ld)
{
	struct load_result *r = ld->r;
	const char *why = NULL;
	int fam;

	if (ld->o->no_echo) {
		snprintf(r->echo_note, sizeof(r->echo_note), "--no-echo");
		return;
	}
	if (run_profile_addr(ld->p, "addresses", "echo", 0, &ld->echo_dst) != 0) {
		snprintf(r->echo_note, sizeof(r->echo_note),
		    "the profile names no [addresses] echo");
		return;
	}
	fam = ld->echo_dst.family;
	if (run_profile_addr(ld->p, "addresses", "harness-protected", fam,
	    &ld->echo_src) != 0 && addr_parse(ld->local, &ld->echo_src,
	    &(struct err){ 0 }) < 0) {
		snprintf(r->echo_note, sizeof(r->echo_note),
		    "no harness address of the echo's family");
		return;
	}
	ld->esp_via = ld->natt_forced || load_yes(ld->p, "esp", "encapsulation",
	    "udp") ? NET_NATT : NET_RAW;
	if (ld->esp_via == NET_RAW && !net_raw_available(ld->net, &why)) {
		snprintf(r->echo_note, sizeof(r->echo_note),
		    "ESP over raw IP cannot run here: %s", why ? why : "?");
		return;
	}
	ld->echo = true;
}

/* CHILD SAs or IKE SAs alone (--no-child, or an IUT without them). */
static void load_child_setup(struct load_ctx *ld)
{
	struct load_result *r = ld->r;

	ld->child = true;
	ld->echo_wanted = true;
	if (ld->o->no_child || load_yes(ld->p, "capabilities", "child-sa", "no")) {
		ld->child = ld->echo_wanted = false;
		snprintf(r->child_note, sizeof(r->child_note), "%s",
		    ld->o->no_child ? "--no-child" :
		    "the profile's [capabilities] child-sa says no");
		snprintf(r->echo_note, sizeof(r->echo_note), "no CHILD SAs");
	}
}

/* Child rekeys carry KE when the [esp] policy's first group is one. */
static bool load_pfs(const struct ike_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->esp.n; i++)
		if (cfg->esp.t[i].type == TT_DH)
			return cfg->esp.t[i].id != DH_NONE;
	return false;
}

static int load_setup(struct load_ctx *ld, struct err *e)
{
	const struct load_opts *o = ld->o;
	struct net_config nc;
	int rc;

	if (o->iut_addr != NULL)
		snprintf(ld->iut, sizeof(ld->iut), "%s", o->iut_addr);
	else if ((rc = load_word(ld->p, "addresses", "iut", ld->iut,
	    sizeof(ld->iut), e)) != 0)
		return rc < 0 ? -1 : err_set(e, "%s: no [addresses] iut (or --iut-addr)",
		    profile_path(ld->p));
	if (o->local_addr != NULL)
		snprintf(ld->local, sizeof(ld->local), "%s", o->local_addr);
	else if ((rc = load_word(ld->p, "addresses", "harness", ld->local,
	    sizeof(ld->local), e)) < 0)
		return -1;
	else if (rc == 1)
		snprintf(ld->local, sizeof(ld->local), "%s",
		    strchr(ld->iut, ':') != NULL ? "::1" : "127.0.0.1");
	ld->iut_port = (uint16_t)load_port(ld->p, "ike-port", o->port, NET_PORT_IKE);
	ld->natt_port = (uint16_t)load_port(ld->p, "natt-port", o->natt_port,
	    NET_PORT_NATT);
	ld->natt_forced = load_yes(ld->p, "capabilities", "nat-t-forced", "yes");
	memset(&nc, 0, sizeof(nc));
	nc.iut_addr = ld->iut;
	nc.local_addr = ld->local;
	nc.iut_port = ld->iut_port;
	nc.iut_natt_port = ld->natt_port;
	/* the IKE ports, unless harness and IUT share an address (as run) */
	if (strcmp(ld->local, ld->iut) != 0) {
		nc.local_port = ld->iut_port;
		nc.local_natt_port = ld->natt_port;
	}
	if (net_open(&ld->net, &nc, e) < 0)
		return -1;
	if (run_ike_config(ld->p, ld->local, net_local_port(ld->net, NET_IKE),
	    ld->iut, ld->iut_port, &ld->cfg, e) < 0)
		return -1;
	if (o->ike_words != NULL && ike_policy_parse(PROTO_IKE, o->ike_words,
	    &ld->cfg.ike, e) < 0)
		return err_prefix(e, "--ike");
	if (o->esp_words != NULL && ike_policy_parse(PROTO_ESP, o->esp_words,
	    &ld->cfg.esp, e) < 0)
		return err_prefix(e, "--esp");
	ld->pfs = load_pfs(&ld->cfg);
	snprintf(ld->r->iut, sizeof(ld->r->iut), "%s%.60s%s:%u",
	    strchr(ld->iut, ':') ? "[" : "", ld->iut,
	    strchr(ld->iut, ':') ? "]" : "", (unsigned)ld->iut_port);
	return 0;
}

/* A datagram for the tunnels: to its slot, or passed over. */
static void load_dispatch(struct load_ctx *ld, const struct net_packet *pkt)
{
	struct load_slot *s;

	if (pkt->keepalive || pkt->ah)
		return;
	if (pkt->esp) {
		if ((s = load_slot_by_esp(ld, pkt->data, pkt->len)) != NULL)
			load_slot_esp(s, pkt->data, pkt->len);
		return;
	}
	if ((s = load_slot_by_spi_i(ld, pkt->data, pkt->len)) != NULL)
		load_slot_ike(s, pkt->data, pkt->len);
}

static void load_progress(struct load_ctx *ld, uint64_t now,
    uint64_t *next)
{
	if (ld->o->progress == NULL || now < *next)
		return;
	*next = now + LOAD_PROGRESS_US;
	ld->r->now_s = (double)(now - ld->t0) / 1e6;
	ld->r->in_flight = (unsigned)ld->busy;
	ld->o->progress(ld->o->progress_arg, ld->r);
}

/* Starts what the rate, the concurrency and the bounds allow now; the
 * time the next start is due (UINT64_MAX: none). */
static uint64_t load_start_due(struct load_ctx *ld, uint64_t now,
    uint64_t stop, uint64_t *next_start, struct err *e)
{
	const struct load_opts *o = ld->o;
	struct load_result *r = ld->r;
	size_t i;

	while (r->attempts < o->count && now < stop && ld->busy < ld->nslots &&
	    (o->rate <= 0 || now >= *next_start)) {
		for (i = 0; ld->slots[i].step != LS_FREE; i++)
			;
		r->attempts++;
		ld->busy++;
		if (load_slot_start(&ld->slots[i], e) < 0) {
			load_cause_add(r, e->text);
			r->failed++;
			load_slot_clear(&ld->slots[i]);
		}
		r->attempt_s = (double)(now - ld->t0) / 1e6;
		if (o->rate > 0)
			*next_start += (uint64_t)(1e6 / o->rate);
	}
	if (r->attempts >= o->count || now >= stop || o->rate <= 0 ||
	    ld->busy >= ld->nslots)
		return UINT64_MAX;
	return *next_start;
}

static int load_tunnels(struct load_ctx *ld, struct err *e)
{
	const struct load_opts *o = ld->o;
	uint64_t now, stop, hard, next_start, due, t, next_progress = 0;
	struct net_packet pkt;
	size_t i;
	int rc;

	ld->nslots = o->concurrent;
	ld->slots = calloc(ld->nslots, sizeof(*ld->slots));
	if (ld->slots == NULL)
		return err_set(e, "out of memory");
	for (i = 0; i < ld->nslots; i++)
		ld->slots[i].ld = ld;
	ld->t0 = next_start = load_now();
	stop = ld->t0 + (uint64_t)(o->seconds * 1e6);
	hard = stop + (uint64_t)(o->drain_s * 1e6);
	for (;;) {
		now = load_now();
		due = load_start_due(ld, now, stop, &next_start, e);
		if (ld->busy == 0 && (ld->r->attempts >= o->count || now >= stop))
			break;
		if (now >= hard)
			break;
		for (i = 0; i < ld->nslots; i++)
			if (ld->slots[i].step != LS_FREE &&
			    (t = load_slot_timers(&ld->slots[i], now)) < due)
				due = t;
		load_progress(ld, now, &next_progress);
		t = now + LOAD_PROGRESS_US;
		due = due < t ? due : t;
		due = due < hard ? due : hard;
		rc = net_recv(ld->net, due, &pkt, e);
		if (rc < 0)
			return -1;
		if (rc == 1)
			load_dispatch(ld, &pkt);
	}
	ld->r->unfinished = (unsigned)ld->busy;
	ld->r->elapsed_s = (double)(load_now() - ld->t0) / 1e6;
	return 0;
}

static void load_finish(struct load_ctx *ld)
{
	struct load_result *r = ld->r;
	size_t i;

	if (ld->rekey_last > ld->rekey_first)
		r->rekey_s = (double)(ld->rekey_last - ld->rekey_first) / 1e6;
	if (ld->del_last > ld->del_first)
		r->delete_s = (double)(ld->del_last - ld->del_first) / 1e6;
	for (i = 0; ld->slots != NULL && i < ld->nslots; i++)
		load_slot_clear(&ld->slots[i]);
	free(ld->slots);
	ld->slots = NULL;
	r->in_flight = 0;
}

int load_run(const struct profile *p, const struct load_opts *o,
    struct load_result *r, struct err *e)
{
	struct load_ctx ld;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	memset(&ld, 0, sizeof(ld));
	ld.p = p;
	ld.o = o;
	ld.r = r;
	r->mode = o->mode;
	r->offered = o->rate;
	if (o->count == 0 || o->count > LOAD_COUNT_MAX || o->seconds <= 0 ||
	    o->seconds > LOAD_SECONDS_MAX || o->drain_s < 0 ||
	    o->drain_s > LOAD_SECONDS_MAX || o->concurrent == 0 ||
	    o->concurrent > LOAD_CONCURRENT_MAX || o->ports == 0 ||
	    o->ports > LOAD_PORTS_MAX || o->rate < 0) {
		err_set(e, "load: bounds out of range");
		goto out;
	}
	ike_config_init(&ld.cfg);
	if (load_setup(&ld, e) < 0)
		goto out;
	load_child_setup(&ld);
	if (o->mode == LOAD_FLOOD) {
		rc = load_flood(&ld, e);
		goto out;
	}
	snprintf(r->precompute, sizeof(r->precompute),
	    "none: each IKE_SA_INIT makes a fresh key pair and nonce in the timed part");
	if (ld.echo_wanted)
		load_echo_setup(&ld);
	rc = load_tunnels(&ld, e);
	load_finish(&ld);
out:
	ike_config_free(&ld.cfg);
	if (ld.net != NULL)
		(void)net_close(ld.net, &(struct err){ 0 });
	return rc;
}

void load_result_free(struct load_result *r)
{
	free(r->setup.v);
	free(r->ttfp.v);
	r->setup = (struct load_samples){ 0 };
	r->ttfp = (struct load_samples){ 0 };
}
