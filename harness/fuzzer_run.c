/* fuzzer_run: a campaign. Each case's script runs in the interpreter; a
 * case whose answer was silence or a failed check is suspicious and is
 * followed at once by a probe (a fresh IKE SA, and `iut alive` with an
 * adapter), as is every probe_every-th case. A finding (the probe fails
 * after a case: a crash or hang; or a check of the case failed while the
 * IUT lives on: a wrong answer or a broken RFC 7296 rule) is reproduced,
 * minimized (each mutation, then each payload, left out while it still
 * reproduces) and saved as FINDINGS/NAME/finding.ike with the record,
 * pcap and key tables of its last run. */
#define _GNU_SOURCE	/* open_memstream on older C libraries */
#include "fuzzer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>

#include "adapter.h"
#include "err.h"
#include "ike.h"
#include "profile.h"
#include "run.h"
#include "script.h"

enum { FZ_TEXT_MAX = 16384, FZ_PATH_MAX = 1024, FZ_SIG_MAX = 256,
	FZ_SEEN_MAX = 256, FZ_TERMINATE_EVERY = 1000 };

enum fz_outcome {
	FZ_PASS,	/* answered, every check passed */
	FZ_SILENT,	/* no answer to the mutated message (allowed) */
	FZ_FAIL,	/* a check failed: sig says which */
	FZ_INVALID,	/* the case is no script (a path that does not
			 * resolve after a list edit...): not run */
};

struct fz {
	const struct profile *prof;
	struct run_opts ro;
	const struct fuzzer_opts *o;
	struct fuzzer_stats *st;
	struct adapter ad;
	bool have_adapter;
	struct fuzzer_script_opts so;
	char work[FZ_PATH_MAX];
	char text[FZ_TEXT_MAX];
	FILE *rec;
	uint64_t t0, cpu0;
	/* What the unmutated message of each state fails with, if anything:
	 * not a finding when a case fails the same way. */
	bool base_fail[FUZZER_ST_COUNT];
	char base_sig[FUZZER_ST_COUNT][FZ_SIG_MAX];
	/* the kinds of the findings so far (fz_key) */
	char seen[FZ_SEEN_MAX][FZ_SIG_MAX];
	size_t nseen;
	char ike_words[512];	/* the rekey's SA(ike: ...) */
	uint64_t terminated;	/* cases run at the last `terminate` */
};

/* The first failed check, without its "name.ike:LINE " (lines move as a
 * minimization drops `set` lines), then " | " and the first line of its
 * YAML diagnostics that says what was wrong; and its line. */
static void fz_first_fail(const char *tap, char *sig, size_t siglen,
    int *line)
{
	const char *p = strstr(tap, "not ok ");
	const char *d, *c, *end, *y, *yend, *q;
	size_t n;

	*line = 0;
	snprintf(sig, siglen, "failed");
	if (p == NULL)
		return;
	end = p + strcspn(p, "\n");
	d = strstr(p, " - ");
	if (d == NULL || d > end)
		return;
	d += 3;
	c = strstr(d, ".ike:");
	if (c != NULL && c < end) {
		*line = atoi(c + 5);
		d = c + 5 + strspn(c + 5, "0123456789");
		d += *d == ' ';
	}
	n = (size_t)snprintf(sig, siglen, "%.*s", (int)(end - d), d);
	if (n >= siglen || strncmp(end, "\n  ---\n", 7) != 0)
		return;
	y = end + 7;
	yend = strstr(y, "\n  ...");
	for (q = y; yend != NULL && q < yend; q += strcspn(q, "\n") + 1)
		if (strncmp(q, "    ", 4) == 0 && strncmp(q, "    - ", 6) != 0) {
			q += 4;
			snprintf(sig + n, siglen - n, " | %.*s",
			    (int)strcspn(q, "\n"), q);
			return;
		}
}

/* The line number of the probe's `establish ike` in a case's text. */
static int fz_probe_line(const char *text)
{
	const char *p = strstr(text, "\n# the IUT still answers");
	int line = 1;

	if (p == NULL)
		return 1 << 30;
	for (; text <= p; text++)
		line += *text == '\n';
	return line + 1;
}

static enum fz_outcome fz_run_text(struct fz *f, const char *path,
    const char *text, const char *out_dir, char *sig, size_t siglen,
    int *line)
{
	struct script *s = NULL;
	struct run_opts ro = f->ro;
	struct err e;
	char *tap = NULL;
	size_t taplen = 0;
	FILE *t;
	enum run_verdict v;
	enum fz_outcome out;

	*line = 0;
	snprintf(sig, siglen, "-");
	if (script_parse(path, text, strlen(text), &s, &e) < 0) {
		snprintf(sig, siglen, "%.*s", (int)siglen - 1, e.text);
		return FZ_INVALID;
	}
	t = open_memstream(&tap, &taplen);
	if (t == NULL) {
		script_free(s);
		snprintf(sig, siglen, "open_memstream: %s", strerror(errno));
		return FZ_INVALID;
	}
	ro.tap = t;
	ro.out_dir = out_dir;
	v = run_script(s, f->prof, &ro, &e);
	fclose(t);
	script_free(s);
	switch (v) {
	case RUN_ERROR:
		snprintf(sig, siglen, "%.*s", (int)siglen - 1, e.text);
		out = FZ_INVALID;
		break;
	case RUN_FAIL:
		fz_first_fail(tap != NULL ? tap : "", sig, siglen, line);
		out = FZ_FAIL;
		break;
	case RUN_PASS:
	case RUN_SKIP:
	case RUN_TODO:
	default:
		out = tap != NULL && strstr(tap, "(or silence: allowed)") != NULL ?
		    FZ_SILENT : FZ_PASS;
		break;
	}
	free(tap);
	return out;
}

/* ---------------------------------------------------------- the IUT */

/* The adapter's output during a campaign (status every probe, ...)
 * goes to /dev/null: thousands of probes would fill the log with it. */
static int fz_adapter_fd(const struct fz *f)
{
	return f->ro.adapter_out_fd > 0 ? f->ro.adapter_out_fd : -1;
}

/* stop, start, configure: as `iut restart` does (peers/README.md). */
static int fz_restart(struct fz *f)
{
	const char *stop[] = { "stop", NULL }, *start[] = { "start", NULL };
	const char *conf[] = { "configure", profile_path(f->prof), NULL };
	struct err e;

	if (!f->have_adapter)
		return -1;
	f->st->restarts++;
	(void)adapter_run(&f->ad, stop, false, fz_adapter_fd(f), &e);
	if (adapter_run(&f->ad, start, false, fz_adapter_fd(f), &e) != 0)
		return -1;
	return adapter_run(&f->ad, conf, false, fz_adapter_fd(f), &e) == 0 ? 0 : -1;
}

/* 0: the IUT answers a fresh IKE_SA_INIT (and its adapter's status). */
static int fz_probe(struct fz *f, char *sig, size_t siglen)
{
	char path[FZ_PATH_MAX + 16];
	int line;
	uint64_t t0 = ike_now_us();
	int rc = -1;

	f->st->probes++;
	snprintf(path, sizeof(path), "%s/probe.ike", f->work);
	if (fuzzer_probe_script(&f->so, f->text, sizeof(f->text)) == 0 &&
	    fz_run_text(f, path, f->text, f->work, sig, siglen, &line) == FZ_PASS)
		rc = 0;
	f->st->us_probes += ike_now_us() - t0;
	return rc;
}

/* ---------------------------------------------------------- duplicates */

/* A finding's kind: what failed, with numbers (message IDs, values,
 * indexes) left out, so that one bug met with other values is one
 * finding. A crash is known by the fields and payload edits it needs. */
static void fz_key(const struct fuzzer_case *c, bool crash, const char *sig,
    char *key, size_t keylen)
{
	char raw[FZ_SIG_MAX * 2];
	size_t i, o = 0, n;

	n = (size_t)snprintf(raw, sizeof(raw), "%s %s ", crash ? "crash" : "check",
	    fuzzer_state_name(c->state));
	if (!crash)
		snprintf(raw + n, sizeof(raw) - n, "%s", sig);
	for (i = 0; crash && i < c->nops && n < sizeof(raw) - 1; i++)
		if (!c->ops[i].off)
			n += (size_t)snprintf(raw + n, sizeof(raw) - n, "%u:%s ",
			    (unsigned)c->ops[i].kind, c->ops[i].kind ==
			    FUZZER_OP_SET ? c->ops[i].path : "");
	for (i = 0; raw[i] != '\0' && o + 1 < keylen; i++)
		if (raw[i] < '0' || raw[i] > '9')
			key[o++] = raw[i];
		else if (o == 0 || key[o - 1] != '#')
			key[o++] = '#';
	key[o] = '\0';
}

/* Whether key was met before; else it is noted (the first FZ_SEEN_MAX). */
static bool fz_seen(struct fz *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->nseen; i++)
		if (strcmp(f->seen[i], key) == 0)
			return true;
	if (f->nseen < FZ_SEEN_MAX)
		snprintf(f->seen[f->nseen++], FZ_SIG_MAX, "%s", key);
	return false;
}

/* ---------------------------------------------------------- findings */

/* Runs case c with its probe on a live IUT: 1 when it fails with sig
 * (the same kind: the probe, or the same check), else 0. */
static int fz_reproduces(struct fz *f, const struct fuzzer_case *c,
    bool crash, const char *want)
{
	char path[FZ_PATH_MAX + 16], sig[FZ_SIG_MAX], psig[FZ_SIG_MAX];
	struct fuzzer_script_opts so = f->so;
	int line, got;
	enum fz_outcome out;

	if (crash && fz_probe(f, psig, sizeof(psig)) < 0 && fz_restart(f) < 0)
		return 0;
	so.probe = true;
	if (fuzzer_case_script(c, &so, f->text, sizeof(f->text)) < 0)
		return 0;
	snprintf(path, sizeof(path), "%s/minimize.ike", f->work);
	out = fz_run_text(f, path, f->text, f->work, sig, sizeof(sig), &line);
	if (out != FZ_FAIL)
		return 0;
	got = line >= fz_probe_line(f->text);
	return crash ? got : !got && strcmp(sig, want) == 0;
}

static void fz_minimize(struct fz *f, struct fuzzer_case *c, bool crash,
    const char *sig)
{
	size_t i, np;
	char l[FUZZER_PAYLOADS_MAX][FUZZER_TOKEN_MAX];

	for (i = 0; i < c->nops; i++) {
		c->ops[i].off = true;
		if (!fz_reproduces(f, c, crash, sig))
			c->ops[i].off = false;
	}
	/* then each payload, from the last, while one is left */
	np = fuzzer_case_payloads(c, l);
	while (np-- > 1 && c->nops < FUZZER_OPS_MAX) {
		struct fuzzer_op *op = &c->ops[c->nops++];

		memset(op, 0, sizeof(*op));
		op->kind = FUZZER_OP_DROP;
		op->a = (unsigned)np;
		if (!fz_reproduces(f, c, crash, sig))
			c->nops--;
	}
}

static int fz_write(const char *path, const char *text)
{
	FILE *o = fopen(path, "w");
	int rc;

	if (o == NULL)
		return -1;
	rc = fputs(text, o) < 0 ? -1 : 0;
	return fclose(o) != 0 ? -1 : rc;
}

/* Minimizes, writes FINDINGS/NAME/finding.ike, runs it there once more
 * (its record, pcap and key tables) and notes it in the record. */
static void fz_finding_save(struct fz *f, struct fuzzer_case *c, bool crash,
    const char *sig)
{
	char dir[FZ_PATH_MAX], path[FZ_PATH_MAX + 16], rsig[FZ_SIG_MAX];
	struct fuzzer_script_opts so = f->so;
	bool verified = false;
	int line;

	char key[FZ_SIG_MAX];

	if (!crash) {
		fz_key(c, false, sig, key, sizeof(key));
		if (fz_seen(f, key)) {
			f->st->duplicates++;
			return;
		}
	}
	if (f->o->minimize && (!crash || f->have_adapter) &&
	    fz_reproduces(f, c, crash, sig)) {
		verified = true;
		fz_minimize(f, c, crash, sig);
	}
	if (crash) {
		fz_key(c, true, sig, key, sizeof(key));
		if (fz_seen(f, key)) {
			f->st->duplicates++;
			if (fz_probe(f, rsig, sizeof(rsig)) < 0)
				(void)fz_restart(f);
			return;
		}
	}
	f->st->findings++;
	snprintf(dir, sizeof(dir), "%s/%s-%s-seed%llu-case%llu",
	    f->o->findings_dir, crash ? "crash" : "check",
	    fuzzer_state_name(c->state), (unsigned long long)c->seed,
	    (unsigned long long)c->number);
	(void)mkdir(f->o->findings_dir, 0755);
	(void)mkdir(dir, 0755);
	so.probe = true;
	snprintf(path, sizeof(path), "%s/finding.ike", dir);
	if (fuzzer_case_script(c, &so, f->text, sizeof(f->text)) == 0 &&
	    fz_write(path, f->text) == 0 &&
	    (!crash || fz_probe(f, rsig, sizeof(rsig)) == 0 || fz_restart(f) == 0))
		(void)fz_run_text(f, path, f->text, dir, rsig, sizeof(rsig), &line);
	if (crash && fz_probe(f, rsig, sizeof(rsig)) < 0)
		(void)fz_restart(f);
	fprintf(f->rec, "finding %s\nfinding-kind %s\nfinding-state %s\n"
	    "finding-case %llu\nfinding-check %s\nfinding-minimized %s\n",
	    path, crash ? "crash" : "check", fuzzer_state_name(c->state),
	    (unsigned long long)c->number, sig,
	    verified ? "yes" : "no (did not reproduce, or no adapter to restart the IUT)");
	fflush(f->rec);
}

/* A finding, timed apart from the probes it runs. */
static void fz_finding(struct fz *f, struct fuzzer_case *c, bool crash,
    const char *sig)
{
	uint64_t t0 = ike_now_us(), p0 = f->st->us_probes;

	fz_finding_save(f, c, crash, sig);
	f->st->us_findings += ike_now_us() - t0 - (f->st->us_probes - p0);
}

/* ---------------------------------------------------------- the loop */

/* The line of the mutated message: the last `send` or `esp send` before
 * the checks that follow it (the data plane's, the probe's), which begin
 * with a "# the ..." comment. */
static int fz_last_send_line(const char *text)
{
	const char *last = NULL, *q = text, *p, *end = strstr(text, "\n# the ");
	int line = 1;

	for (; (p = strchr(q, '\n')) != NULL && (end == NULL || p < end); q = p + 1)
		if (strncmp(p + 1, "send ", 5) == 0 ||
		    strncmp(p + 1, "esp send ", 9) == 0)
			last = p;
	for (p = text; last != NULL && p <= last; p++)
		line += *p == '\n';
	return line;
}

/* After case c (outcome out, its first failed check sig at line): the
 * probe when due or suspicious, and the finding. 1: the IUT is down. */
static int fz_after(struct fz *f, struct fuzzer_case *c, enum fz_outcome out,
    bool in_case, const char *sig, unsigned *since_probe)
{
	char psig[FZ_SIG_MAX];

	if (out == FZ_PASS && ++*since_probe < f->o->probe_every)
		return 0;
	*since_probe = 0;
	/* what the cases left half open at the IUT (an IKE_SA_INIT never
	 * followed by IKE_AUTH) goes, as between the suites' scripts:
	 * thousands would turn on its cookies or fill its tables; every
	 * FZ_TERMINATE_EVERY cases at most (strongSwan's waits up to 10 s a
	 * connection for the Delete of an SA deemed failed to be answered) */
	if (f->have_adapter && f->st->cases - f->terminated >= FZ_TERMINATE_EVERY) {
		f->terminated = f->st->cases;
		const char *args[] = { "terminate", NULL };
		struct err e;

		(void)adapter_run(&f->ad, args, false, fz_adapter_fd(f), &e);
	}
	if (fz_probe(f, psig, sizeof(psig)) < 0) {
		fz_finding(f, c, true, psig);
		if (fz_probe(f, psig, sizeof(psig)) < 0 && fz_restart(f) < 0) {
			f->st->iut_down = true;
			return 1;
		}
		return 0;
	}
	if (out == FZ_FAIL && in_case)
		fz_finding(f, c, false, sig);
	return 0;
}

/* Runs case n: 1 when the campaign should stop (the IUT is down). */
static int fz_case(struct fz *f, uint64_t n, unsigned *since_probe)
{
	struct fuzzer_case c;
	char path[FZ_PATH_MAX + 16], sig[FZ_SIG_MAX];
	int line, send_line;
	enum fz_outcome out;
	uint64_t t0 = ike_now_us();

	fuzzer_case_make(f->o->seed, n, f->o->states, &c);
	if (f->o->unmutated)
		c.nops = 0;
	f->st->cases++;
	f->st->state_cases[c.state]++;
	if (fuzzer_case_script(&c, &f->so, f->text, sizeof(f->text)) < 0)
		out = FZ_INVALID;
	else {
		send_line = fz_last_send_line(f->text);
		snprintf(path, sizeof(path), "%s/case.ike", f->work);
		out = fz_run_text(f, path, f->text, f->work, sig, sizeof(sig),
		    &line);
	}
	/* iketest could not build the message (an AUTH without IDi) */
	if (out == FZ_FAIL && line == send_line && (strncmp(sig, "send ", 5) == 0 ||
	    strncmp(sig, "esp send ", 9) == 0))
		out = FZ_INVALID;
	if (out == FZ_FAIL && f->base_fail[c.state]) {
		char k1[FZ_SIG_MAX], k2[FZ_SIG_MAX];

		fz_key(&c, false, sig, k1, sizeof(k1));
		fz_key(&c, false, f->base_sig[c.state], k2, sizeof(k2));
		if (strcmp(k1, k2) == 0)
			out = FZ_PASS;
	}
	*(out == FZ_SILENT ? &f->st->us_silent : &f->st->us_answered) +=
	    ike_now_us() - t0;
	if (out == FZ_INVALID) {
		f->st->invalid++;
		return 0;
	}
	if (out != FZ_FAIL || line >= send_line)
		f->st->state_reached[c.state]++;
	if (out == FZ_SILENT)
		f->st->silent++;
	return fz_after(f, &c, out, out == FZ_FAIL && line >= send_line, sig,
	    since_probe);
}
/* Runs each state's message unmutated: what it fails with is the
 * IUT's (or the profile's) and no finding of a case. */
static void fz_baseline(struct fz *f)
{
	struct fuzzer_case c;
	char path[FZ_PATH_MAX + 16];
	unsigned s;
	int line;

	snprintf(path, sizeof(path), "%s/baseline.ike", f->work);
	for (s = 0; s < FUZZER_ST_COUNT; s++) {
		if (!(f->o->states & (1u << s)))
			continue;
		memset(&c, 0, sizeof(c));
		c.seed = f->o->seed;
		c.state = (enum fuzzer_state)s;
		c.mask = f->o->states;
		if (fuzzer_case_script(&c, &f->so, f->text, sizeof(f->text)) < 0 ||
		    fz_run_text(f, path, f->text, f->work, f->base_sig[s],
		    sizeof(f->base_sig[s]), &line) != FZ_FAIL)
			continue;
		f->base_fail[s] = true;
		fprintf(f->rec, "baseline-fail %s %s\n", fuzzer_state_name(s),
		    f->base_sig[s]);
	}
}

/* iketest's own CPU time (user and system), microseconds. */
static uint64_t fz_cpu_us(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return (uint64_t)ru.ru_utime.tv_sec * 1000000 +
	    (uint64_t)ru.ru_utime.tv_usec +
	    (uint64_t)ru.ru_stime.tv_sec * 1000000 + (uint64_t)ru.ru_stime.tv_usec;
}

/* Removes the work folder and the files the cases left in it. */
static void fz_work_remove(const struct fz *f)
{
	char path[FZ_PATH_MAX + 300];
	DIR *d = opendir(f->work);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", f->work, de->d_name);
		(void)unlink(path);
	}
	closedir(d);
	(void)rmdir(f->work);
}

static void fz_record_end(struct fz *f)
{
	unsigned s;
	double secs = (double)f->st->elapsed_us / 1e6;

	if (f->st->cases > 0)
		fprintf(f->rec, "case-numbers %llu %llu step %u\n",
		    (unsigned long long)f->st->first_case,
		    (unsigned long long)f->st->last_case,
		    f->o->one_case ? 0 : f->o->shard_n);
	fprintf(f->rec, "cases %llu\ninvalid %llu\nsilent %llu\nprobes %llu\n"
	    "restarts %llu\n", (unsigned long long)f->st->cases,
	    (unsigned long long)f->st->invalid,
	    (unsigned long long)f->st->silent,
	    (unsigned long long)f->st->probes,
	    (unsigned long long)f->st->restarts);
	for (s = 0; s < FUZZER_ST_COUNT; s++)
		fprintf(f->rec, "state %s %llu %llu\n", fuzzer_state_name(s),
		    (unsigned long long)f->st->state_cases[s],
		    (unsigned long long)f->st->state_reached[s]);
	fprintf(f->rec, "duplicates %llu\n", (unsigned long long)f->st->duplicates);
	fprintf(f->rec, "time-us answered %llu silent %llu probes %llu findings %llu\n"
	    "cpu-us %llu\n", (unsigned long long)f->st->us_answered,
	    (unsigned long long)f->st->us_silent,
	    (unsigned long long)f->st->us_probes,
	    (unsigned long long)f->st->us_findings,
	    (unsigned long long)f->st->cpu_us);
	fprintf(f->rec, "findings %llu\nduration-us %llu\ncases-per-second %.1f\n",
	    (unsigned long long)f->st->findings,
	    (unsigned long long)f->st->elapsed_us,
	    secs > 0 ? (double)f->st->cases / secs : 0.0);
	if (f->st->iut_down)
		fprintf(f->rec, "partial the IUT stopped answering and no adapter restarts it\n");
	fprintf(f->rec, "verdict %s\nend\n", f->st->findings ? "fail" : "pass");
}

void fuzzer_states_usable(const struct profile *prof, unsigned *mask,
    char *why, size_t whylen)
{
	unsigned s;
	size_t o = 0;

	if (whylen > 0)
		why[0] = '\0';
	if (profile_has(prof, "capabilities", "esp", NULL))
		return;
	for (s = 0; s < FUZZER_ST_COUNT; s++)
		if ((*mask & (1u << s)) && fuzzer_state_is_esp((enum fuzzer_state)s)) {
			*mask &= ~(1u << s);
			if (o < whylen)
				o += (size_t)snprintf(why + o, whylen - o, "%s%s",
				    o ? ", " : "", fuzzer_state_name((enum fuzzer_state)s));
		}
	if (o > 0 && o < whylen)
		snprintf(why + o, whylen - o, ": %s has no capabilities.esp = yes",
		    profile_path(prof));
}

int fuzzer_rekey_words(const struct profile *prof, char *out, size_t outlen,
    struct err *e)
{
	struct ike_policy pol;
	struct ike_proposal props[IKE_PROPOSAL_MAX];
	size_t n = 0;

	if (ike_policy_from_profile(prof, "ike", &pol, e) < 0 ||
	    ike_policy_proposals(&pol, props, IKE_PROPOSAL_MAX, &n, e) < 0)
		return -1;
	if (n == 0)
		return err_set(e, "%s: no IKE proposal in [ike]", profile_path(prof));
	ike_proposal_format(&props[0], out, outlen);
	return 0;
}

static int fz_setup(struct fz *f, struct err *e)
{
	const char *a = f->ro.adapter;
	char path[FZ_PATH_MAX + 16];
	time_t now = time(NULL);
	char ts[32];

	if (a == NULL && f->ro.iut_name != NULL) {
		static char buf[FZ_PATH_MAX];

		snprintf(buf, sizeof(buf), "peers/%s/adapter", f->ro.iut_name);
		a = buf;
	}
	if (a == NULL)
		a = profile_get(f->prof, "iut", "adapter");
	f->have_adapter = a != NULL && a[0] != '\0';
	f->ad.path = a;
	f->ad.timeout_s = f->ro.adapter_timeout_s;
	if (f->ro.adapter_out_fd <= 0)
		f->ro.adapter_out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	f->so.alive = f->have_adapter;
	f->so.wait_ms = f->o->wait_ms;
	if (fuzzer_rekey_words(f->prof, f->ike_words, sizeof(f->ike_words), e) < 0)
		return -1;
	f->so.ike_proposal = f->ike_words;
	/* the cases' own files (record, pcap, key tables, rewritten by
	 * every case) in memory: on a disk that discards freed blocks at
	 * once, rewriting them cost three quarters of the time */
	if (access("/dev/shm", W_OK) == 0)
		snprintf(f->work, sizeof(f->work), "/dev/shm/iketest-fuzz.%ld",
		    (long)getpid());
	else
		snprintf(f->work, sizeof(f->work), "%s/work", f->o->out_dir);
	if ((mkdir(f->o->out_dir, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(f->work, 0755) < 0 && errno != EEXIST))
		return err_set(e, "%s: %s", f->work, strerror(errno));
	snprintf(path, sizeof(path), "%s/fuzz.record", f->o->out_dir);
	f->rec = fopen(path, "w");
	if (f->rec == NULL)
		return err_set(e, "%s: %s", path, strerror(errno));
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	fprintf(f->rec, "iketest-fuzz 1\nprofile %s\niut %s\nseed %llu\n"
	    "shard %u/%u\nstart %s\nfindings-dir %s\n", profile_path(f->prof),
	    profile_get(f->prof, "iut", "name") ? profile_get(f->prof, "iut", "name") : "",
	    (unsigned long long)f->o->seed, f->o->shard_k, f->o->shard_n, ts,
	    f->o->findings_dir);
	return 0;
}

/* Closes the /dev/null fz_setup opened (not a descriptor of the caller). */
static void fz_close_null(struct fz *f, const struct run_opts *ro)
{
	if (f->ro.adapter_out_fd > 0 && f->ro.adapter_out_fd != ro->adapter_out_fd)
		close(f->ro.adapter_out_fd);
}

int fuzzer_campaign(const struct profile *prof, const struct run_opts *ro,
    const struct fuzzer_opts *o, struct fuzzer_stats *st, struct err *e)
{
	struct fz f;
	char sig[FZ_SIG_MAX];
	uint64_t n, last_progress = 0, now;
	unsigned since = 0;

	memset(&f, 0, sizeof(f));
	memset(st, 0, sizeof(*st));
	f.prof = prof;
	f.ro = *ro;
	f.o = o;
	f.st = st;
	if (o->shard_n == 0 || o->shard_k == 0 || o->shard_k > o->shard_n)
		return err_set(e, "--shard %u/%u: K must be 1..N", o->shard_k,
		    o->shard_n);
	if (!o->one_case && o->cases == 0 && o->seconds == 0)
		return err_set(e, "a campaign needs a bound (--cases or --seconds)");
	if (fz_setup(&f, e) < 0)
		return -1;
	f.t0 = ike_now_us();
	f.cpu0 = fz_cpu_us();
	if (fz_probe(&f, sig, sizeof(sig)) < 0) {
		fprintf(f.rec, "error the IUT does not answer before the first case: %s\nverdict error\nend\n", sig);
		fclose(f.rec);
		fz_work_remove(&f);
		fz_close_null(&f, ro);
		return err_set(e, "the IUT does not answer a first IKE_SA_INIT/IKE_AUTH (%s): check the profile with `iketest run` first", sig);
	}
	fz_baseline(&f);
	n = o->one_case ? o->first_case : o->shard_k - 1;
	for (;;) {
		if (o->one_case ? st->cases == 1 : o->cases != 0 && st->cases >= o->cases)
			break;
		now = ike_now_us();
		st->elapsed_us = now - f.t0;
		if (o->seconds != 0 && st->elapsed_us >= (uint64_t)o->seconds * 1000000)
			break;
		if (o->max_findings != 0 && st->findings >= o->max_findings)
			break;
		if (o->progress != NULL && now - last_progress >= 1000000) {
			last_progress = now;
			o->progress(o->progress_ctx, st, false);
		}
		if (st->cases == 0)
			st->first_case = n;
		st->last_case = n;
		if (fz_case(&f, n, &since) != 0)
			break;
		n += o->one_case ? 0 : o->shard_n;
	}
	st->elapsed_us = ike_now_us() - f.t0;
	st->cpu_us = fz_cpu_us() - f.cpu0;
	if (o->progress != NULL)
		o->progress(o->progress_ctx, st, true);
	fz_record_end(&f);
	fclose(f.rec);
	fz_work_remove(&f);
	fz_close_null(&f, ro);
	return (int)(st->findings > 0x7fffffff ? 0x7fffffff : st->findings);
}
