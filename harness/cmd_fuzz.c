/* iketest fuzz: a bounded, reproducible, stateful fuzz campaign against
 * the IUT of a profile (fuzzer.h). Exit 0 no finding, 1 findings, 2 bad
 * usage or an IUT that does not answer before the first case. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "fuzzer.h"
#include "profile.h"
#include "run.h"

static void fuzz_usage(FILE *out)
{
	fprintf(out,
	    "usage: iketest fuzz [--profile FILE] [--seconds S] [--cases N] [options]\n"
	    "       iketest fuzz --seed S --case N --print\n"
	    "\n"
	    "Reaches a state with real exchanges, then sends one mutated message:\n"
	    "  init   the IKE_SA_INIT request, in the clear\n"
	    "  auth   the IKE_AUTH request, inside SK (re-encrypted, valid ICV)\n"
	    "  info   an INFORMATIONAL request on an IKE SA, inside SK\n"
	    "  child  a CREATE_CHILD_SA request on an IKE SA, inside SK\n"
	    "  rekey  a CREATE_CHILD_SA request rekeying the IKE SA (the profile's\n"
	    "         first IKE proposal), inside SK\n"
	    "  esp    an inner packet through a CHILD SA, ESP with the SA's keys and a\n"
	    "         valid ICV: sequence numbers, SPIs, pad length, next header, TFC\n"
	    "         padding, inner IP/UDP headers that lie, addresses outside the\n"
	    "         selectors, random inner bytes; then a new CHILD SA must carry\n"
	    "         an echo (needs capabilities.esp = yes in the profile)\n"
	    "  espudp the same behind a pretended NAT: ESP in UDP 4500 (RFC 3948)\n"	    "Mutations come from the codec's field tables: any field of any payload\n"
	    "(and of its proposals, transforms, attributes, selectors) or of the\n"
	    "headers gets a boundary or random value, lengths and counts lie both\n"
	    "ways; payloads are dropped, duplicated, moved, or one of an unknown\n"
	    "type (or a known one with a random body) is inserted. Every case is a\n"
	    "script of the test language run by the interpreter, so the RFC 7296\n"
	    "sender rules judge every answer. After a silent or failed case, and\n"
	    "every --probe-every cases, a fresh IKE SA (and `iut alive' when the\n"
	    "profile has an adapter) checks that the IUT lives.\n"
	    "\n"
	    "A finding is minimized (mutations, then payloads, left out while it\n"
	    "still reproduces; a crashed IUT is restarted by its adapter) and saved\n"
	    "as FINDINGS/KIND-STATE-seedS-caseN/finding.ike with the record, pcap\n"
	    "and key tables of its run: `iketest run` replays it.\n"
	    "\n"
	    "  --profile FILE    the IUT's profile (default peers/reference/profile.conf)\n"
	    "  --seconds S       stop after S seconds (default 60 when --cases is not given)\n"
	    "  --cases N         stop after N cases\n"
	    "  --seed S          the campaign's seed (default: the time, printed)\n"
	    "  --case N          case N of seed S alone (with --print: its script)\n"
	    "  --print           print the script of --case and exit (no IUT)\n"
	    "  --shard K/N       only cases whose number is K-1 modulo N (1 <= K <= N):\n"
	    "                    N machines with one seed split one campaign\n"
	    "  --states LIST     init,auth,info,child,rekey,esp,espudp or all (default\n"
	    "                    all; esp and espudp only where the profile has ESP)\n"
	    "  --probe-every N   a liveness probe after N quiet cases (default 10)\n"
	    "  --wait-ms N       wait for the answer to a mutated message (default 200)\n"
	    "  --max-findings N  stop after N findings (default 10)\n"
	    "  --no-minimize     save findings as found\n"
	    "  --unmutated       send the states' messages as they are (the harness's\n"
	    "                    own rate, as `make bench` compares)\n"
	    "  --out DIR         DIR/fuzz.record (default /tmp/iketest-fuzz, or\n"
	    "                    $IKETEST_OUT); the cases run in /dev/shm when there\n"
	    "                    is one (else DIR/work), removed at the end\n"
	    "  --findings DIR    the findings (default OUT/findings)\n"
	    "  --progress        a progress line on stderr each second (default: when\n"
	    "                    stderr is a terminal)\n"
	    "  --iut NAME, --adapter PATH, --iut-addr A, --local-addr A, --port N,\n"
	    "  --natt-port N     as for `iketest run'\n"
	    "\n"
	    "Examples:\n"
	    "  iketest fuzz --profile peers/strongswan/profile.conf --seconds 1800\n"
	    "  iketest fuzz --seed 7 --shard 2/4 --cases 5000    (job 2 of 4 in CI)\n"
	    "  iketest fuzz --seed 7 --case 1234 --print\n"
	    "  iketest run --profile P FINDINGS/crash-auth-seed7-case1234/finding.ike\n"
	    "Exit status: 0 no finding, 1 findings, 2 bad usage or an IUT that\n"
	    "does not answer before the first case.\n");
}

static int fuzz_u64(const char *name, const char *v, uint64_t *out)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || *v == '-') {
		fprintf(stderr, "iketest fuzz: %s: invalid number `%s'\n", name, v);
		return -1;
	}
	*out = n;
	return 0;
}

static int fuzz_uint(const char *name, const char *v, unsigned max,
    unsigned *out)
{
	uint64_t n;

	if (fuzz_u64(name, v, &n) < 0)
		return -1;
	if (n > max) {
		fprintf(stderr, "iketest fuzz: %s: `%s' is above %u\n", name, v, max);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

static int fuzz_shard(const char *v, struct fuzzer_opts *o)
{
	unsigned k, n;
	char c;

	if (sscanf(v, "%u/%u%c", &k, &n, &c) != 2 || n == 0 || k == 0 || k > n) {
		fprintf(stderr, "iketest fuzz: --shard: `%s' is not K/N with 1 <= K <= N\n", v);
		return -1;
	}
	o->shard_k = k;
	o->shard_n = n;
	return 0;
}

static void fuzz_progress(void *ctx, const struct fuzzer_stats *st, bool last)
{
	double s = (double)st->elapsed_us / 1e6;
	unsigned i;

	(void)ctx;
	fprintf(stderr, "%sfuzz: %" PRIu64 " cases, %.1f/s, reached",
	    last ? "" : "\r", st->cases, s > 0 ? (double)st->cases / s : 0.0);
	for (i = 0; i < FUZZER_ST_COUNT; i++)
		fprintf(stderr, " %s %" PRIu64 "/%" PRIu64, fuzzer_state_name(i),
		    st->state_reached[i], st->state_cases[i]);
	fprintf(stderr, ", %" PRIu64 " silent, %" PRIu64 " findings%s",
	    st->silent, st->findings, last ? "\n" : "  ");
	fflush(stderr);
}

struct fuzz_args {
	struct fuzzer_opts o;
	struct run_opts ro;
	const char *profile;
	bool print, progress, seed_given;
	char findings[1024];
};

static int fuzz_parse(int argc, char **argv, struct fuzz_args *a)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		struct err e;
		int rc = 0;

		if (strcmp(k, "--help") == 0 || strcmp(k, "-h") == 0) {
			fuzz_usage(stdout);
			exit(0);
		}
		if (strcmp(k, "--print") == 0) { a->print = true; continue; }
		if (strcmp(k, "--progress") == 0) { a->progress = true; continue; }
		if (strcmp(k, "--no-minimize") == 0) { a->o.minimize = false; continue; }
		if (strcmp(k, "--unmutated") == 0) { a->o.unmutated = true; continue; }
		if (v == NULL) {
			fprintf(stderr, "iketest fuzz: `%s' needs a value or is unknown (see --help)\n", k);
			return -1;
		}
		i++;
		if (strcmp(k, "--profile") == 0) a->profile = v;
		else if (strcmp(k, "--out") == 0) a->o.out_dir = v;
		else if (strcmp(k, "--findings") == 0) a->o.findings_dir = v;
		else if (strcmp(k, "--iut") == 0) a->ro.iut_name = v;
		else if (strcmp(k, "--adapter") == 0) a->ro.adapter = v;
		else if (strcmp(k, "--iut-addr") == 0) a->ro.iut_addr = v;
		else if (strcmp(k, "--local-addr") == 0) a->ro.local_addr = v;
		else if (strcmp(k, "--port") == 0) rc = fuzz_uint(k, v, 65535, &a->ro.port);
		else if (strcmp(k, "--natt-port") == 0) rc = fuzz_uint(k, v, 65535, &a->ro.natt_port);
		else if (strcmp(k, "--seconds") == 0) rc = fuzz_uint(k, v, 7 * 86400, &a->o.seconds);
		else if (strcmp(k, "--cases") == 0) rc = fuzz_u64(k, v, &a->o.cases);
		else if (strcmp(k, "--seed") == 0) { rc = fuzz_u64(k, v, &a->o.seed); a->seed_given = true; }
		else if (strcmp(k, "--case") == 0) { rc = fuzz_u64(k, v, &a->o.first_case); a->o.one_case = true; }
		else if (strcmp(k, "--shard") == 0) rc = fuzz_shard(v, &a->o);
		else if (strcmp(k, "--probe-every") == 0) rc = fuzz_uint(k, v, 1000000, &a->o.probe_every);
		else if (strcmp(k, "--wait-ms") == 0) rc = fuzz_uint(k, v, 60000, &a->o.wait_ms);
		else if (strcmp(k, "--max-findings") == 0) rc = fuzz_uint(k, v, 100000, &a->o.max_findings);
		else if (strcmp(k, "--states") == 0) {
			if (fuzzer_states_parse(v, &a->o.states, &e) < 0) {
				fprintf(stderr, "iketest fuzz: --states: %s\n", e.text);
				return -1;
			}
		} else {
			fprintf(stderr, "iketest fuzz: unknown option `%s' (see --help)\n", k);
			return -1;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int fuzz_print(const struct fuzz_args *a)
{
	struct fuzzer_case c;
	struct fuzzer_script_opts so = { a->o.wait_ms, true, false, NULL };
	static char text[16384], words[512];
	struct profile *prof = NULL;
	struct err e;

	if (!a->o.one_case || !a->seed_given) {
		fprintf(stderr, "iketest fuzz: --print needs --seed and --case\n");
		return 2;
	}
	/* the rekey's proposal from the profile, when it can be read */
	if (profile_load(a->profile, &prof, &e) == 0 &&
	    fuzzer_rekey_words(prof, words, sizeof(words), &e) == 0)
		so.ike_proposal = words;
	profile_free(prof);
	fuzzer_case_make(a->o.seed, a->o.first_case, a->o.states, &c);
	if (fuzzer_case_script(&c, &so, text, sizeof(text)) < 0) {
		fprintf(stderr, "iketest fuzz: the case's script is too long\n");
		return 2;
	}
	fputs(text, stdout);
	return 0;
}

int cmd_fuzz(int argc, char **argv)
{
	struct fuzz_args a;
	struct fuzzer_stats st;
	struct profile *prof = NULL;
	struct err e;
	int rc;

	memset(&a, 0, sizeof(a));
	a.profile = "peers/reference/profile.conf";
	a.o.shard_k = a.o.shard_n = 1;
	a.o.states = (1u << FUZZER_ST_COUNT) - 1;
	a.o.probe_every = 10;
	a.o.wait_ms = 200;
	a.o.minimize = true;
	a.o.max_findings = 10;
	a.o.out_dir = getenv("IKETEST_OUT") != NULL ? getenv("IKETEST_OUT") :
	    "/tmp/iketest-fuzz";
	if (fuzz_parse(argc, argv, &a) < 0)
		return 2;
	if (a.print)
		return fuzz_print(&a);
	if (!a.seed_given)
		a.o.seed = (uint64_t)time(NULL);
	if (a.o.cases == 0 && a.o.seconds == 0)
		a.o.seconds = 60;
	if (a.o.probe_every == 0)
		a.o.probe_every = 1;
	if (a.o.findings_dir == NULL) {
		snprintf(a.findings, sizeof(a.findings), "%s/findings", a.o.out_dir);
		a.o.findings_dir = a.findings;
	}
	if (a.progress || isatty(2)) {
		a.o.progress = fuzz_progress;
		a.o.progress_ctx = NULL;
	}
	if (profile_load(a.profile, &prof, &e) < 0) {
		fprintf(stderr, "iketest fuzz: %s\n", e.text);
		return 2;
	}
	{
		char why[256];

		fuzzer_states_usable(prof, &a.o.states, why, sizeof(why));
		if (why[0] != '\0')
			fprintf(stderr, "iketest fuzz: states left out: %s\n", why);
		if (a.o.states == 0) {
			fprintf(stderr, "iketest fuzz: no state left to fuzz\n");
			profile_free(prof);
			return 2;
		}
	}
	a.ro.adapter_timeout_s = 60;
	a.ro.indent = "";
	fprintf(stderr, "iketest fuzz: seed %" PRIu64 ", shard %u/%u, record %s/fuzz.record\n",
	    a.o.seed, a.o.shard_k, a.o.shard_n, a.o.out_dir);
	rc = fuzzer_campaign(prof, &a.ro, &a.o, &st, &e);
	profile_free(prof);
	if (rc < 0) {
		fprintf(stderr, "iketest fuzz: %s\n", e.text);
		return 2;
	}
	if (a.o.progress == NULL)
		fuzz_progress(NULL, &st, true);
	if (st.iut_down)
		fprintf(stderr, "iketest fuzz: the IUT stopped answering and no adapter restarts it: stopped early\n");
	if (rc > 0)
		fprintf(stderr, "iketest fuzz: %d finding(s) in %s\n", rc, a.o.findings_dir);
	return rc > 0 ? 1 : 0;
}
