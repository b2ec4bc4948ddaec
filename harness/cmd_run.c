/* iketest run: runs test scripts against the IUT a profile describes;
 * one TAP stream per script (several scripts: one subtest each), result
 * records and pcaps under --out. Exit 0 all passed (or skipped, or known
 * deviations), 1 a failure or several scripts all skipped (nothing
 * tested), 2 a bad script, profile or usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "profile.h"
#include "run.h"
#include "script.h"

static void run_usage(FILE *out)
{
	fprintf(out,
	    "usage: iketest run [--profile FILE] [--out DIR] [--iut NAME] [options] SCRIPT...\n"
	    "\n"
	    "Runs each script (suites/README.md) against the IUT of the profile\n"
	    "and prints TAP: one stream for one script, one subtest per script\n"
	    "for several. Each script leaves DIR/NAME.record, NAME.pcap and the\n"
	    "session keys for Wireshark (NAME.ikev2_decryption_table, NAME.esp_sa).\n"
	    "  --profile FILE     the IUT's profile (default peers/reference/profile.conf);\n"
	    "                     check it first with `iketest lint --profile FILE'\n"
	    "  --out DIR          result records and pcaps (default /tmp/iketest-run,\n"
	    "                     or $IKETEST_OUT)\n"
	    "  --iut NAME         adapter peers/NAME/adapter (else [iut] adapter)\n"
	    "  --adapter PATH     adapter script (for `iut ...' events and role\n"
	    "                     responder scripts; peers/README.md shows one)\n"
	    "  --iut-addr ADDR    IUT address (else [addresses] iut)\n"
	    "  --local-addr ADDR  harness address (else [addresses] harness)\n"
	    "  --port N, --natt-port N          IUT ports (else 500, 4500)\n"
	    "  --local-port N, --local-natt-port N  harness ports\n"
	    "  --capture-if IF    capture interface (else [addresses] harness-if)\n"
	    "  --no-rules         no automatic RFC 7296 message-rule lines\n"
	    "  --allow-all-skip   exit 0 when every script of several was skipped\n"
	    "\n"
	    "Examples:\n"
	    "  iketest run --profile my-gw.conf suites/ike_sa_init/*.ike\n"
	    "  iketest run --profile my-gw.conf --out results/ suites/*/*.ike\n"
	    "  prove --ext .ike --exec 'iketest run --profile my-gw.conf' -r suites/\n"
	    "  iketest report --out site/ results/     (then open site/index.html)\n"
	    "\n"
	    "A script whose needs the profile does not meet prints `1..0 # SKIP'\n"
	    "with the reason; a failing check of a deviation the profile declares\n"
	    "is `not ok ... # TODO'. When every one of several scripts skipped,\n"
	    "nothing was tested: that is exit 1 unless --allow-all-skip.\n"
	    "Exit status: 0 passed (skips and declared deviations included),\n"
	    "1 a failed check (an IUT's misbehaviour, or nothing tested),\n"
	    "2 a bad script, profile or usage.\n"
	    "The record names the IUT's version: [iut] version, else the first\n"
	    "line of [iut] version-command, kept in $IKETEST_IUT_VERSION_CACHE\n"
	    "(a file) when it is set, so that a runner of many scripts asks once.\n");
}

static int run_num_opt(const char *name, const char *v, unsigned *out)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (*end != '\0' || n == 0 || n > 65535) {
		fprintf(stderr, "iketest run: %s: invalid port `%s'\n", name, v);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

static int run_parse_opts(int argc, char **argv, struct run_opts *o,
    const char **prof_path, int *first)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			run_usage(stdout);
			return 1;
		}
		if (strcmp(a, "--no-rules") == 0) {
			o->no_rules = true;
			continue;
		}
		if (strcmp(a, "--allow-all-skip") == 0) {
			o->allow_all_skip = true;
			continue;
		}
		/* a test aid, not in --help: harness/tests/loss.sh,
		 * suites/README.md "Retransmission" */
		if (strcmp(a, "--drop-first") == 0) {
			o->drop_first = true;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (v == NULL)
			goto bad;
		i++;
		if (strcmp(a, "--profile") == 0) *prof_path = v;
		else if (strcmp(a, "--out") == 0) o->out_dir = v;
		else if (strcmp(a, "--iut") == 0) o->iut_name = v;
		else if (strcmp(a, "--adapter") == 0) o->adapter = v;
		else if (strcmp(a, "--iut-addr") == 0) o->iut_addr = v;
		else if (strcmp(a, "--local-addr") == 0) o->local_addr = v;
		else if (strcmp(a, "--capture-if") == 0) o->capture_if = v;
		else if (strcmp(a, "--port") == 0) {
			if (run_num_opt(a, v, &o->port) < 0) return 2;
		} else if (strcmp(a, "--natt-port") == 0) {
			if (run_num_opt(a, v, &o->natt_port) < 0) return 2;
		} else if (strcmp(a, "--local-port") == 0) {
			if (run_num_opt(a, v, &o->local_port) < 0) return 2;
		} else if (strcmp(a, "--local-natt-port") == 0) {
			if (run_num_opt(a, v, &o->local_natt_port) < 0) return 2;
		} else
			goto bad;
	}
	*first = i;
	if (i >= argc) {
		run_usage(stderr);
		return 2;
	}
	return 0;
bad:
	fprintf(stderr, "iketest run: unknown option or missing value `%s'\n",
	    argv[i]);
	run_usage(stderr);
	return 2;
}

/* One script; its worst status (0, 1, 2). *skipped: it was skipped as a
 * whole (1..0 # SKIP). */
static int run_one(const char *path, const struct profile *prof,
    struct run_opts *o, bool subtest, unsigned n, bool *skipped)
{
	struct script *s;
	struct err e;
	enum run_verdict v;
	int status;

	if (script_load(path, &s, &e) < 0) {
		fprintf(stderr, "%s\n", e.text);
		printf("%sBail out! %s\n", subtest ? "    " : "", e.text);
		if (subtest)
			printf("not ok %u - %s\n", n, path);
		return 2;
	}
	if (subtest)
		printf("# Subtest: %s\n", path);
	v = run_script(s, prof, o, &e);
	*skipped = v == RUN_SKIP;
	if (v == RUN_ERROR)
		fprintf(stderr, "%s\n", e.text);
	status = v == RUN_ERROR ? 2 : v == RUN_FAIL ? 1 : 0;
	if (subtest)
		printf("%s %u - %s%s\n", status == 0 ? "ok" : "not ok", n, path,
		    v == RUN_SKIP ? " # SKIP" : "");
	script_free(s);
	return status;
}

/* Several scripts and every one skipped: a green run that tested nothing
 * (a profile that enables nothing, the wrong folder). Loud on both
 * streams, and exit 1 unless --allow-all-skip says it is meant. */
static int run_all_skipped(const char *prof_path, int n, bool allowed)
{
	const char *what = allowed ? "warning" : "error";

	printf("# %s: all %d scripts were skipped: nothing was tested\n",
	    what, n);
	fprintf(stderr, "iketest run: %s: all %d scripts were skipped, so "
	    "nothing was tested; the SKIP lines say which capability or "
	    "algorithm of %s each one needs%s\n", what, n, prof_path,
	    allowed ? "" : " (--allow-all-skip makes this exit 0)");
	return allowed ? 0 : 1;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct profile *prof = NULL;
	const char *prof_path = "peers/reference/profile.conf";
	struct err e;
	int first, rc, status = 0, i, nskipped = 0;
	bool many;

	memset(&o, 0, sizeof(o));
	o.out_dir = getenv("IKETEST_OUT") != NULL ? getenv("IKETEST_OUT") :
	    "/tmp/iketest-run";
	o.tap = stdout;
	rc = run_parse_opts(argc, argv, &o, &prof_path, &first);
	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (profile_load(prof_path, &prof, &e) < 0) {
		fprintf(stderr, "%s\n", e.text);
		printf("Bail out! %s\n", e.text);
		return 2;
	}
	/* an empty or comment-only profile tests nothing: refused here as
	 * lint refuses it (--iut-addr may stand in for [addresses] iut) */
	if (o.iut_addr == NULL && profile_check_testable(prof, &e) < 0) {
		fprintf(stderr, "iketest run: %s\n", e.text);
		printf("Bail out! %s\n", e.text);
		profile_free(prof);
		return 2;
	}
	many = argc - first > 1;
	if (many) {
		printf("TAP version 13\n");
		o.indent = "    ";
	}
	for (i = first; i < argc; i++) {
		bool skipped = false;

		rc = run_one(argv[i], prof, &o, many, (unsigned)(i - first + 1),
		    &skipped);
		if (rc > status)
			status = rc;
		nskipped += skipped;
	}
	if (many)
		printf("1..%d\n", argc - first);
	if (status == 0 && many && nskipped == argc - first)
		status = run_all_skipped(prof_path, nskipped, o.allow_all_skip);
	profile_free(prof);
	return status;
}
