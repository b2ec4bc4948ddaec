/* iketest report: result records of one or more runs to a static HTML
 * site (index of runs, matrix per run, test pages, summaries, interop
 * matrix, diff against a baseline) plus JUnit XML per run. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "report.h"

enum { REPORT_RUNS_MAX = 256 };

static void report_usage(FILE *out)
{
	fprintf(out,
	    "usage: iketest report [--baseline RUNDIR] [--history RUNDIR]...\n"
	    "                      [--out SITEDIR] [--css FILE] RUNDIR...\n"
	    "\n"
	    "Reads the result records of each run and writes a static HTML site\n"
	    "(no JavaScript; works from file:// and prints cleanly):\n"
	    "  SITEDIR/index.html              the front page, one 1920x1080 screen:\n"
	    "                                  per IUT scripts passed (name, version),\n"
	    "                                  IUT by suite, changes, RFC clauses,\n"
	    "                                  interop; of the last RUNDIR given\n"
	    "  SITEDIR/runs.html               the runs\n"
	    "  SITEDIR/RUN/index.html          changes against the baseline first,\n"
	    "                                  a bar per IUT, tests by IUTs, per\n"
	    "                                  suite and per RFC clause, interop\n"
	    "  SITEDIR/RUN/IUT/SUITE/ID.html   one test on one IUT: checks, expected\n"
	    "                                  against actual, decoded messages, log,\n"
	    "                                  script, pcap and the Wireshark key\n"
	    "                                  tables with the tshark command\n"
	    "  SITEDIR/RUN/junit.xml           JUnit XML for CI systems\n"
	    "\n"
	    "A run holding a file `night' is a night of ci/nightly: its page opens\n"
	    "with what changed (partial or not, new failures, fixed, new fuzz\n"
	    "findings, flaky), its fuzz campaigns (fuzz/IUT/fuzz.record) with each\n"
	    "finding's script copied beside it, and after the diff the strips.\n"
	    "\n"
	    "RUNDIR is a run folder as ci/matrix writes it (reports/out/RUNID,\n"
	    "one folder per IUT holding NAME.record and NAME.pcap), or any folder of\n"
	    "*.record files (`iketest run --out DIR').\n"
	    "\n"
	    "  --baseline RUNDIR  compare every run with this one: new failures,\n"
	    "                     fixed, still failing, flaky (the verdict changed\n"
	    "                     but neither the script nor the IUT did)\n"
	    "  --history RUNDIR   an earlier night (repeatable, oldest first) for the\n"
	    "                     flakiness strips: per test, its verdict in each\n"
	    "                     night and the flaky changes among them\n"
	    "  --out SITEDIR      where the site goes (default reports/out/site)\n"
	    "  --css FILE         the style sheet (default reports/style.css)\n"
	    "\n"
	    "Record format: harness/RESULTS.md and reports/README.md. A bad or\n"
	    "truncated record is reported as file:line: message and listed on\n"
	    "its run's page. Prints the path of the site's index at the end.\n"
	    "Exit status: 0 site written; 1 written, but some records could not\n"
	    "be read; 2 bad usage or an unreadable RUNDIR or SITEDIR.\n"
	    "\n"
	    "example: iketest report --baseline reports/out/20250101T000000Z-1 \\\n"
	    "             --out reports/out/site reports/out/20250102T000000Z-7\n");
}

/* reports/style.css here, else beside the binary (build/../reports). */
static const char *report_find_css(char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (access("reports/style.css", R_OK) == 0)
		return "reports/style.css";
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return NULL;
	*slash = '\0';
	snprintf(buf, size, "%s/../reports/style.css", exe);
	return access(buf, R_OK) == 0 ? buf : NULL;
}

struct report_args {
	const char *baseline, *out, *css;
	char **dirs;
	int ndirs;
	const char *history[REPORT_RUNS_MAX];
	size_t nhistory;
};

static int report_args(int argc, char **argv, struct report_args *a)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			report_usage(stdout);
			return 1;
		} else if (strcmp(argv[i], "--baseline") == 0 && i + 1 < argc) {
			a->baseline = argv[++i];
		} else if (strcmp(argv[i], "--history") == 0 && i + 1 < argc) {
			if (a->nhistory == REPORT_RUNS_MAX) {
				fprintf(stderr, "iketest report: at most %d "
				    "--history\n", REPORT_RUNS_MAX);
				return -1;
			}
			a->history[a->nhistory++] = argv[++i];
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			a->out = argv[++i];
		} else if (strcmp(argv[i], "--css") == 0 && i + 1 < argc) {
			a->css = argv[++i];
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else {
			fprintf(stderr, "iketest report: unknown option or missing "
			    "value `%s'\n", argv[i]);
			return -1;
		}
	}
	a->dirs = argv + i;
	a->ndirs = argc - i;
	if (a->ndirs < 1 || a->ndirs > REPORT_RUNS_MAX) {
		fprintf(stderr, "iketest report: give 1 to %d RUNDIRs\n",
		    REPORT_RUNS_MAX);
		return -1;
	}
	return 0;
}

/* Loads a run and shows on stderr the records it could not read. */
static int report_load(const char *dir, struct report_run **out,
    struct err *e)
{
	size_t i;

	if (report_run_load(dir, out, e) < 0)
		return -1;
	for (i = 0; i < (*out)->nbad; i++)
		fprintf(stderr, "%s\n", (*out)->bad[i]);
	return 0;
}

/* The baseline among the runs (same folder), or loaded and appended. */
static int report_baseline(const char *dir, struct report_run **runs,
    size_t *nruns, struct report_run **base, struct err *e)
{
	char a[PATH_MAX], b[PATH_MAX];
	size_t i;

	if (realpath(dir, a) == NULL)
		return err_set(e, "%s: no such run folder", dir);
	for (i = 0; i < *nruns; i++)
		if (realpath(runs[i]->dir, b) != NULL && strcmp(a, b) == 0) {
			*base = runs[i];
			return 0;
		}
	if (report_load(dir, &runs[*nruns], e) < 0)
		return -1;
	*base = runs[(*nruns)++];
	return 0;
}

static int report_main(const struct report_args *a, struct report_run **runs,
    size_t *nruns, struct report_run **hist, struct err *e)
{
	struct report_site_opts o = { .out_dir = a->out, .css_path = a->css,
	    .history = hist };
	struct report_run *base = NULL;
	char css[PATH_MAX + 32];
	size_t i, bad = 0;
	int k;

	for (k = 0; k < a->ndirs; k++) {
		if (report_load(a->dirs[k], &runs[*nruns], e) < 0)
			return 2;
		(*nruns)++;
	}
	if (a->baseline != NULL &&
	    report_baseline(a->baseline, runs, nruns, &base, e) < 0)
		return 2;
	for (; o.nhistory < a->nhistory; o.nhistory++)
		if (report_load(a->history[o.nhistory], &hist[o.nhistory], e) < 0)
			return 2;
	if (o.css_path == NULL)
		o.css_path = report_find_css(css, sizeof(css));
	if (o.css_path == NULL)
		fprintf(stderr, "iketest report: reports/style.css not found, "
		    "writing a plain style (--css FILE)\n");
	if (report_site_write(&o, runs, *nruns, base, e) < 0)
		return 2;
	for (i = 0; i < *nruns; i++)
		bad += runs[i]->nbad;
	if (bad > 0)
		fprintf(stderr, "iketest report: %zu records could not be read "
		    "(listed on their run's page)\n", bad);
	printf("%s/index.html\n", a->out);
	return bad > 0 ? 1 : 0;
}

int cmd_report(int argc, char **argv)
{
	struct report_args a = { .out = "reports/out/site" };
	struct report_run *runs[REPORT_RUNS_MAX + 1];
	struct report_run *hist[REPORT_RUNS_MAX] = { NULL };
	size_t nruns = 0, i;
	struct err e;
	int rc;

	rc = report_args(argc, argv, &a);
	if (rc != 0) {
		if (rc < 0)
			report_usage(stderr);
		return rc < 0 ? 2 : 0;
	}
	rc = report_main(&a, runs, &nruns, hist, &e);
	if (rc == 2)
		fprintf(stderr, "iketest report: %s\n", e.text);
	for (i = 0; i < nruns; i++)
		report_run_free(runs[i]);
	for (i = 0; i < a.nhistory; i++)
		report_run_free(hist[i]);
	return rc;
}
