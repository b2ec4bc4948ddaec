/* cmd_load: `iketest load`, tunnel setup rate and half-open floods
 * against the IUT of a profile (load.h), with a progress line on stderr,
 * the summary on stdout and a result record (harness/RESULTS.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "load.h"
#include "profile.h"

static void usage(FILE *out)
{
	fprintf(out,
	    "usage: iketest load --profile FILE [--rate R] [--concurrent N]\n"
	    "                    [--count N] [--seconds S] [OPTIONS]\n"
	    "       iketest load --profile FILE --flood [--rate R] [--ports K] ...\n"
	    "\n"
	    "Tunnels (the default): sets up IKE SAs, each with a CHILD SA, against the\n"
	    "IUT of a profile (its [addresses], [auth] PSK, [ike], [esp], [timers]\n"
	    "retransmit, as `iketest run' uses them), at the offered rate (--rate R per\n"
	    "second; 0 or none: as fast as the IUT answers), at most --concurrent at\n"
	    "once. Every handshake is real: a fresh key pair and nonce per\n"
	    "IKE_SA_INIT, real AUTH, the keys checked. Each tunnel then sends an ICMP\n"
	    "echo through its new CHILD SA to the profile's [addresses] echo (time to\n"
	    "first packet; ESP in UDP when [esp] encapsulation = udp, else raw ESP,\n"
	    "root only), does --rekey-child N CHILD SA rekeys and --rekey-ike N IKE\n"
	    "SA rekeys (TRPS), and deletes its IKE SA. Printed: achieved against\n"
	    "offered TPS, setup latency and time to first packet (p50 p90 p99 max),\n"
	    "failures by cause, retransmissions, TRPS, delete rate, and how many\n"
	    "IUT messages went through the RFC 7296 rules (every --judge-every'th)\n"
	    "with the violations found.\n"
	    "\n"
	    "Flood (--flood, RFC 7296 2.6): IKE_SA_INIT requests with no follow-up at\n"
	    "--rate R (0: as fast as the sockets take them) from --ports K source\n"
	    "ports. One request is built before the timed part and each probe is it\n"
	    "with a new SPIi (stated in the output). Counted: half-open SAs made,\n"
	    "COOKIE answers and the half-open count at the first one, the answer rate;\n"
	    "then a legitimate initiator must still get through (with the COOKIE\n"
	    "round trip if asked; --no-legit: not tried).\n"
	    "\n"
	    "Bounds: no new attempt after --count attempts or --seconds; what is in\n"
	    "flight then gets at most --drain S more and is counted unfinished.\n"
	    "\n"
	    "options:\n"
	    "  --profile FILE     the IUT's profile (required)\n"
	    "  --rate R           attempts per second offered (default 0: as fast as possible)\n"
	    "  --concurrent N     tunnels in flight at once (default 16, at most %d)\n"
	    "  --count N          attempts at most (default 100, at most %d)\n"
	    "  --seconds S        no new attempt after S seconds (default 10)\n"
	    "  --drain S          then at most S seconds for what is in flight (default 3)\n"
	    "  --rekey-child N    CHILD SA rekeys per tunnel (default 0)\n"
	    "  --rekey-ike N      IKE SA rekeys per tunnel (default 0)\n"
	    "  --no-echo          no echo through the CHILD SAs\n"
	    "  --no-child         IKE SAs only, IKE_AUTH without SA TSi TSr (also when\n"
	    "                     the profile's [capabilities] child-sa says no)\n"
	    "  --judge-every N    every Nth IUT message through the rules (default 10, 0: none)\n"
	    "  --flood            the half-open flood instead of tunnels\n"
	    "  --ports K          flood: source ports (default 16, at most %d)\n"
	    "  --no-legit         flood: no legitimate initiator after it\n"
	    "  --ike WORDS        offer these instead of the profile's [ike] (its first\n"
	    "                     group is the KE sent): \"AES_GCM_16/256 HMAC_SHA2_256 CURVE25519\"\n"
	    "  --esp WORDS        likewise for [esp]: \"AES_GCM_16/256 ESN_NO\"\n"
	    "  --iut-addr A, --local-addr A, --port N, --natt-port N\n"
	    "                     override the profile's addresses and the IUT's ports\n"
	    "  --out FILE         the result record (kind iketest-load 1, harness/RESULTS.md)\n"
	    "  --quiet            no progress line on stderr\n"
	    "\n"
	    "Exit status: 0 the run completed (failed handshakes are results), 2 bad\n"
	    "usage, a bad profile, or no socket.\n"
	    "\n"
	    "examples:\n"
	    "  iketest load --profile peers/strongswan/profile.conf --rate 50 --count 500\n"
	    "  iketest load --profile p.conf --concurrent 64 --seconds 30 --rekey-child 1\n"
	    "  iketest load --profile p.conf --flood --rate 200 --count 400\n",
	    LOAD_CONCURRENT_MAX, LOAD_COUNT_MAX, LOAD_PORTS_MAX);
}

static int num(const char *opt, const char *v, double max, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0' || d < 0 || d > max) {
		fprintf(stderr, "iketest load: %s: `%s' is not a number from 0 to %g\n",
		    opt, v, max);
		return -1;
	}
	*out = d;
	return 0;
}

static int unum(const char *opt, const char *v, unsigned min, unsigned max,
    unsigned *out)
{
	double d;

	if (num(opt, v, max, &d) < 0)
		return -1;
	if (d != (unsigned)d || d < min) {
		fprintf(stderr, "iketest load: %s: `%s' is not a whole number from %u to %u\n",
		    opt, v, min, max);
		return -1;
	}
	*out = (unsigned)d;
	return 0;
}

struct cl {
	const char *profile, *out;
	bool quiet;
};

/* Options with a value: 0, -1 bad value, 1 not one of them. */
static int opt_value(const char *a, const char *v, struct load_opts *o,
    struct cl *cl)
{
	unsigned u;
	int rc = 0;

	if (strcmp(a, "--profile") == 0)
		cl->profile = v;
	else if (strcmp(a, "--out") == 0)
		cl->out = v;
	else if (strcmp(a, "--iut-addr") == 0)
		o->iut_addr = v;
	else if (strcmp(a, "--local-addr") == 0)
		o->local_addr = v;
	else if (strcmp(a, "--ike") == 0)
		o->ike_words = v;
	else if (strcmp(a, "--esp") == 0)
		o->esp_words = v;
	else if (strcmp(a, "--rate") == 0)
		rc = num(a, v, 1e6, &o->rate);
	else if (strcmp(a, "--seconds") == 0)
		rc = num(a, v, LOAD_SECONDS_MAX, &o->seconds);
	else if (strcmp(a, "--drain") == 0)
		rc = num(a, v, LOAD_SECONDS_MAX, &o->drain_s);
	else if (strcmp(a, "--concurrent") == 0)
		rc = unum(a, v, 1, LOAD_CONCURRENT_MAX, &o->concurrent);
	else if (strcmp(a, "--count") == 0)
		rc = unum(a, v, 1, LOAD_COUNT_MAX, &o->count);
	else if (strcmp(a, "--rekey-child") == 0)
		rc = unum(a, v, 0, 1000, &o->rekey_child);
	else if (strcmp(a, "--rekey-ike") == 0)
		rc = unum(a, v, 0, 1000, &o->rekey_ike);
	else if (strcmp(a, "--judge-every") == 0)
		rc = unum(a, v, 0, 1000000, &o->judge_every);
	else if (strcmp(a, "--ports") == 0)
		rc = unum(a, v, 1, LOAD_PORTS_MAX, &o->ports);
	else if (strcmp(a, "--port") == 0 || strcmp(a, "--natt-port") == 0) {
		rc = unum(a, v, 1, 65535, &u);
		*(strcmp(a, "--port") == 0 ? &o->port : &o->natt_port) = u;
	} else
		return 1;
	return rc < 0 ? -1 : 0;
}

static int parse(int argc, char **argv, struct load_opts *o, struct cl *cl)
{
	int i, rc;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 1;
		}
		if (strcmp(a, "--flood") == 0) {
			o->mode = LOAD_FLOOD;
			continue;
		}
		if (strcmp(a, "--no-echo") == 0 || strcmp(a, "--no-legit") == 0 ||
		    strcmp(a, "--no-child") == 0 || strcmp(a, "--quiet") == 0) {
			*(a[2] == 'q' ? &cl->quiet : a[5] == 'e' ? &o->no_echo :
			    a[5] == 'c' ? &o->no_child : &o->no_legit) = true;
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "iketest load: %s%s\n", a,
			    opt_value(a, "", o, cl) == 1 ? ": unknown option" :
			    " needs a value");
			return -1;
		}
		if ((rc = opt_value(a, argv[i + 1], o, cl)) == 1) {
			fprintf(stderr, "iketest load: unknown option `%s'\n", a);
			return -1;
		}
		if (rc < 0)
			return -1;
		i++;
	}
	if (cl->profile == NULL) {
		fprintf(stderr, "iketest load: --profile FILE is required (--help)\n");
		return -1;
	}
	return 0;
}

static void progress(void *arg, const struct load_result *r)
{
	(void)arg;
	if (r->mode == LOAD_FLOOD)
		fprintf(stderr, "\r%6.1f s  probes %u  half-open %u  COOKIE %u  other %u ",
		    r->now_s, r->probes, r->answers_sa, r->answers_cookie,
		    r->answers_other);
	else
		fprintf(stderr, "\r%6.1f s  attempts %u  up %u  failed %u  in flight %u  rekeys %u  deleted %u ",
		    r->now_s, r->attempts, r->established, r->failed,
		    r->in_flight, r->child_rekeys + r->ike_rekeys, r->deletes);
}

static int write_record(const char *path, const char *profile,
    struct load_result *r)
{
	FILE *f = fopen(path, "w");
	int bad;

	if (f == NULL) {
		fprintf(stderr, "iketest load: %s: %s\n", path, strerror(errno));
		return -1;
	}
	bad = load_record_write(f, profile, r) < 0;
	bad |= fclose(f) != 0;
	if (bad)
		fprintf(stderr, "iketest load: %s: write failed\n", path);
	return bad ? -1 : 0;
}

int cmd_load(int argc, char **argv)
{
	struct load_opts o;
	struct load_result r;
	struct profile *p = NULL;
	struct cl cl = { 0 };
	struct err e;
	int rc;

	load_opts_init(&o);
	if ((rc = parse(argc, argv, &o, &cl)) != 0)
		return rc > 0 ? 0 : 2;
	if (profile_load(cl.profile, &p, &e) < 0) {
		fprintf(stderr, "iketest load: %s\n", e.text);
		return 2;
	}
	if (!cl.quiet)
		o.progress = progress;
	rc = load_run(p, &o, &r, &e);
	if (o.progress != NULL)
		fputc('\n', stderr);
	if (rc < 0) {
		fprintf(stderr, "iketest load: %s\n", e.text);
		profile_free(p);
		load_result_free(&r);
		return 2;
	}
	load_print(stdout, &r);
	rc = cl.out != NULL && write_record(cl.out, cl.profile, &r) < 0 ? 2 : 0;
	load_result_free(&r);
	profile_free(p);
	return rc;
}
