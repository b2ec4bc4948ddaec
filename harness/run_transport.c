/* run_transport: where the interpreter talks to the IUT: the net
 * ports (IKE moves to 4500 when the IUT forces NAT-T), the ike_transport
 * the ike module sends and receives through, the IKE configuration from
 * the profile, profile words with $NAME expanded, and the adapter path. */
#include "run_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

/* ---------------------------------------------------------- transport */

/* IKE moves to 4500 after IKE_SA_INIT when the IUT forces NAT-T (RFC
 * 7296 2.23): every message but IKE_SA_INIT goes there. */
static enum net_port run_port_for(struct run_ctx *c, const uint8_t *p,
    size_t n)
{
	const char *v = profile_get(c->prof, "capabilities", "nat-t-forced");

	if (c->port == NET_IKE && ((v != NULL && strncmp(v, "yes", 3) == 0) ||
	    c->nat_pretend) && n > 18 && p[18] != EXCH_IKE_SA_INIT)
		return NET_NATT;
	return c->port;
}

int run_send_bytes(struct run_ctx *c, const uint8_t *p, size_t n,
    struct err *e)
{
	if (net_send(c->net, run_port_for(c, p, n), p, n, e) < 0)
		return -1;
	c->nsent++;
	(void)bytes_set(&c->sent_raw, p, n);
	c->last_event_us = net_now_us();
	return 0;
}

static int run_tr_send(void *ctx, const uint8_t *p, size_t n, struct err *e)
{
	return run_send_bytes(ctx, p, n, e);
}

int run_recv_ike(struct run_ctx *c, uint64_t deadline,
    struct net_packet *pkt, struct err *e)
{
	int rc;

	do
		rc = net_recv(c->net, deadline, pkt, e);
	while (rc > 0 && (pkt->esp || pkt->ah || pkt->keepalive));
	if (rc > 0)
		run_sender_check(c, pkt->data, pkt->len);
	return rc;
}

static int run_tr_recv(void *ctx, struct bytes *out, uint64_t timeout_us,
    struct err *e)
{
	struct run_ctx *c = ctx;
	struct net_packet pkt;
	int rc = run_recv_ike(c, net_now_us() + timeout_us, &pkt, e);

	if (rc <= 0)
		return rc;
	c->last_event_us = pkt.ts_us;
	return bytes_set(out, pkt.data, pkt.len) < 0 ?
	    err_set(e, "out of memory") : 1;
}

/* The first word of a profile value, with $NAME expanded (the words live
 * as long as the run). NULL when the key is absent; *bad on an unset
 * variable. */
const char *run_profile_word(struct run_ctx *c, const char *section,
    const char *key, struct err *e, bool *bad)
{
	size_t n;
	const char *const *l = profile_get_list(c->prof, section, key, &n);
	char *out;
	struct err e2;

	if (l == NULL || n == 0)
		return NULL;
	if (strchr(l[0], '$') == NULL)
		return l[0];
	if (c->nwords == RUN_WORDS_MAX) {
		*bad = true;
		err_set(e, "too many profile words");
		return NULL;
	}
	out = c->words[c->nwords];
	if (expand_vars(l[0], out, RUN_WORD_LEN, RUN_EXPAND_FLAGS, &e2) < 0) {
		*bad = true;
		err_set(e, "%s: [%s] %s = %s: %s (run inside the lab: set -a; eval \"$(ci/lab env SLOT)\")",
		    profile_path(c->prof), section, key, l[0], e2.text);
		return NULL;
	}
	c->nwords++;
	return out;
}

static int run_read_psk(struct run_ctx *c, const char *path, struct err *e)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t n;

	if (f == NULL)
		return err_set(e, "psk-file %s: %s", path, strerror(errno));
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	n = strcspn(line, "\r\n");
	(void)bytes_set(&c->cfg.auth.psk, line, n);
	memset(line, 0, sizeof(line));
	return 0;
}

static int run_cfg_init(struct run_ctx *c, const char *local,
    const char *iut, struct err *e)
{
	char idtext[300];
	const char *w;
	bool bad = false;

	ike_config_init(&c->cfg);
	c->cfg_ready = true;
	if (ike_policy_from_profile(c->prof, "ike", &c->cfg.ike, e) < 0 ||
	    ike_policy_from_profile(c->prof, "esp", &c->cfg.esp, e) < 0)
		return -1;
	c->cfg.auth.method = AUTH_SHARED_KEY_MIC;
	w = run_profile_word(c, "auth", "psk-file", e, &bad);
	if (bad || (w != NULL && run_read_psk(c, w, e) < 0))
		return -1;
	w = run_profile_word(c, "auth", "psk-id-harness", e, &bad);
	if (bad)
		return -1;
	if (w == NULL) {
		snprintf(idtext, sizeof(idtext), "%s:%s",
		    strchr(local, ':') != NULL ? "ipv6" : "ipv4", local);
		w = idtext;
	}
	if (ike_id_parse(w, &c->cfg.auth.id_type, &c->cfg.auth.id, e) < 0)
		return -1;
	w = run_profile_word(c, "addresses", "harness-protected", e, &bad);
	if (bad || ike_ts_add_prefix(&c->cfg.ts_local, w != NULL ? w : local, e) < 0)
		return -1;
	w = run_profile_word(c, "addresses", "protected", e, &bad);
	if (bad || ike_ts_add_prefix(&c->cfg.ts_peer, w != NULL ? w : iut, e) < 0)
		return -1;
	if (addr_parse(local, &c->cfg.local, e) < 0 ||
	    addr_parse(iut, &c->cfg.peer, e) < 0)
		return -1;
	c->cfg.local.port = net_local_port(c->net, NET_IKE);
	c->cfg.peer.port = (uint16_t)(c->o->port ? c->o->port : NET_PORT_IKE);
	return 0;
}

static unsigned run_profile_port(struct run_ctx *c, const char *key,
    unsigned opt, unsigned def)
{
	const char *v = profile_get(c->prof, "addresses", key);

	if (opt != 0)
		return opt;
	return v != NULL && atoi(v) > 0 && atoi(v) < 65536 ? (unsigned)atoi(v) : def;
}

static void run_adapter_path(struct run_ctx *c)
{
	const char *a = c->o->adapter;

	if (a == NULL && c->o->iut_name != NULL) {
		snprintf(c->adapter, sizeof(c->adapter), "peers/%s/adapter",
		    c->o->iut_name);
		return;
	}
	if (a == NULL)
		a = profile_get(c->prof, "iut", "adapter");
	snprintf(c->adapter, sizeof(c->adapter), "%s", a != NULL ? a : "");
}

int run_transport_init(struct run_ctx *c, struct err *e)
{
	struct net_config nc;
	bool bad = false;
	const char *iut, *local, *cap;

	memset(&nc, 0, sizeof(nc));
	iut = c->o->iut_addr != NULL ? c->o->iut_addr :
	    run_profile_word(c, "addresses", "iut", e, &bad);
	local = c->o->local_addr != NULL ? c->o->local_addr :
	    run_profile_word(c, "addresses", "harness", e, &bad);
	cap = c->o->capture_if != NULL ? c->o->capture_if :
	    run_profile_word(c, "addresses", "harness-if", e, &bad);
	if (bad)
		return -1;
	if (iut == NULL)
		return err_set(e, "%s: no [addresses] iut (or --iut-addr)",
		    profile_path(c->prof));
	if (local == NULL)
		local = strchr(iut, ':') != NULL ? "::1" : "127.0.0.1";
	nc.iut_addr = iut;
	nc.local_addr = local;
	nc.iut_port = (uint16_t)run_profile_port(c, "ike-port", c->o->port,
	    NET_PORT_IKE);
	nc.iut_natt_port = (uint16_t)run_profile_port(c, "natt-port",
	    c->o->natt_port, NET_PORT_NATT);
	/* the IKE ports, unless harness and IUT share an address */
	nc.local_port = (uint16_t)(c->o->local_port ? c->o->local_port :
	    strcmp(local, iut) == 0 ? 0 : nc.iut_port);
	nc.local_natt_port = (uint16_t)(c->o->local_natt_port ?
	    c->o->local_natt_port : strcmp(local, iut) == 0 ? 0 : nc.iut_natt_port);
	nc.capture_if = cap;
	nc.pcap_path = c->pcap_path;
	if (net_open(&c->net, &nc, e) < 0)
		return -1;
	c->port = NET_IKE;
	c->tr.ctx = c;
	c->tr.send = run_tr_send;
	c->tr.recv = run_tr_recv;
	run_adapter_path(c);
	c->ad.path = c->adapter;
	c->ad.timeout_s = c->o->adapter_timeout_s;
	if (run_cfg_init(c, local, iut, e) < 0)
		return -1;
	c->sa = ike_sa_new(c->s->role == SCRIPT_ROLE_INITIATOR, e);
	return c->sa != NULL ? 0 : -1;
}
