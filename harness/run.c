/* run: the interpreter's core: set-up from the profile, the event loop
 * (one switch over event kinds, no default, so a new kind is a compiler
 * error until it is handled), and the header and footer of the result
 * record (harness/RESULTS.md). Checks are written by run_check.c. */
#include "run_esp_int.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "profile.h"

const char *run_verdict_name(enum run_verdict v)
{
	switch (v) {
	case RUN_PASS: return "pass";
	case RUN_FAIL: return "fail";
	case RUN_SKIP: return "skip";
	case RUN_TODO: return "todo";
	case RUN_ERROR: return "error";
	}
	return "?";
}

/* ------------------------------------------------------------- events */

static int run_events(struct run_ctx *c, const struct script_event *ev);

/* The traffic events (run_esp_send.c, run_esp_expect.c). */
static int run_traffic(struct run_ctx *c, const struct script_event *ev)
{
	switch (ev->u.esp.verb) {
	case SCRIPT_ESP_SEND:
		return run_esp_send(c, ev);
	case SCRIPT_ESP_REPLAY:
		return run_esp_replay(c, ev);
	case SCRIPT_ESP_EXPECT:
		return run_esp_expect(c, ev);
	case SCRIPT_ESP_SILENCE:
		return run_esp_silence(c, ev);
	}
	return run_script_error(c, ev->pos.line, "unknown esp event");
}

static int run_event(struct run_ctx *c, const struct script_event *ev)
{
	unsigned i;

	c->line = ev->pos.line;
	switch (ev->kind) {
	case SCRIPT_E_SEND:
		return run_send(c, ev);
	case SCRIPT_E_EXPECT:
		return run_expect(c, ev);
	case SCRIPT_E_SILENCE:
		return run_silence(c, ev);
	case SCRIPT_E_RETRANSMITS:
		return run_retransmits(c, ev);
	case SCRIPT_E_CAPTURE:
		return run_capture(c, ev);
	case SCRIPT_E_LET:
		return run_let(c, ev);
	case SCRIPT_E_ESTABLISH:
		return run_establish(c, ev);
	case SCRIPT_E_REPEAT:
		for (i = 0; i < ev->u.repeat.count; i++)
			if (run_events(c, ev->u.repeat.body) < 0)
				return -1;
		return 0;
	case SCRIPT_E_IUT:
		return run_iut(c, ev);
	case SCRIPT_E_WAIT:
		return run_wait(c, ev->u.wait.duration);
	case SCRIPT_E_ESP:
		return run_traffic(c, ev);
	case SCRIPT_E_NAT:
		return run_nat(c, ev);
	}
	return run_script_error(c, ev->pos.line, "unknown event kind %d",
	    (int)ev->kind);
}

static int run_events(struct run_ctx *c, const struct script_event *ev)
{
	for (; ev != NULL && c->skip_rest[0] == '\0'; ev = ev->next)
		if (run_event(c, ev) < 0)
			return -1;
	return 0;
}

/* ------------------------------------------------------------- set-up */

/* SHA-256 of the script file as it runs, so that a report can tell a
 * changed script from a flaky verdict. Empty when unreadable. */
static void run_script_sha256(const char *path, char out[static 65])
{
	struct bytes text = BYTES_EMPTY, digest = BYTES_EMPTY;
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	out[0] = '\0';
	if (f == NULL)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 &&
	    text.len <= SCRIPT_MAX_BYTES)
		if (bytes_append(&text, buf, n) < 0)
			break;
	fclose(f);
	if (crypto_hash(HASH_SHA2_256, text.data, text.len, &digest, NULL) == 0 &&
	    digest.len == 32)
		bytes_to_hex(digest.data, digest.len, out);
	bytes_free(&text);
	bytes_free(&digest);
}

/* $IKETEST_IUT_VERSION_CACHE names a file where a runner of many scripts
 * (ci/matrix, the suite runners) keeps the answer of the version command
 * for all of them: the adapter's version verb took 0.16-0.39 s of each
 * script's run (harness/bench/README, P3). Its lines: the command, then
 * its first line of output. 1 when the file answers for cmd. */
static int run_version_cached(const char *file, const char *cmd, char *out,
    size_t outsz)
{
	char line[512];
	FILE *f = fopen(file, "r");
	int found = 0;

	if (f == NULL)
		return 0;
	if (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, cmd) == 0 && fgets(out, (int)outsz, f) != NULL) {
			out[strcspn(out, "\r\n")] = '\0';
			found = 1;
		}
	}
	fclose(f);
	return found;
}

/* Writes the cache whole, then renames it over the old one, so that a
 * reader never sees half of it. */
static void run_version_keep(const char *file, const char *cmd,
    const char *version)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.%ld", file, (long)getpid()) >=
	    (int)sizeof(tmp))
		return;
	f = fopen(tmp, "w");
	if (f == NULL)
		return;
	fprintf(f, "%s\n%s\n", cmd, version);
	if (fclose(f) != 0 || rename(tmp, file) != 0)
		remove(tmp);
}

/* The IUT's version: [iut] version, else the first line printed by
 * [iut] version-command (its adapter), asked once per process (and once
 * per $IKETEST_IUT_VERSION_CACHE). */
static const char *run_iut_version(const struct profile *prof)
{
	static char cached_cmd[512], cached[256];
	char rest[256];
	const char *v = profile_get(prof, "iut", "version");
	const char *cmd = profile_get(prof, "iut", "version-command");
	const char *cache = getenv("IKETEST_IUT_VERSION_CACHE");
	FILE *p;

	if (v != NULL && *v != '\0')
		return v;
	if (cmd == NULL || *cmd == '\0')
		return NULL;
	if (strcmp(cmd, cached_cmd) == 0)
		return cached;
	snprintf(cached_cmd, sizeof(cached_cmd), "%s", cmd);
	cached[0] = '\0';
	if (cache != NULL && *cache != '\0' &&
	    run_version_cached(cache, cmd, cached, sizeof(cached)))
		return cached;
	p = popen(cmd, "r");
	if (p == NULL)
		return cached;
	if (fgets(cached, sizeof(cached), p) != NULL)
		cached[strcspn(cached, "\r\n")] = '\0';
	/* The rest of its output is not wanted, but the pipe is drained so
	 * that the command does not die of SIGPIPE half-way. */
	while (fgets(rest, sizeof(rest), p) != NULL)
		;
	if (pclose(p) == 0 && cached[0] != '\0' && cache != NULL &&
	    *cache != '\0')
		run_version_keep(cache, cmd, cached);
	return cached;
}

/* The deviation the profile declares for the script, as its TAP lines
 * say it (# TODO CLAUSE: evidence), so that the report can show why a
 * test is todo (issue 15.8). */
static void run_record_deviation(struct run_ctx *c)
{
	const char *clause, *evidence;

	if (profile_deviation(c->prof, c->s->id, &clause, &evidence) != 1)
		return;
	run_rec_str(c->rec, "deviation", clause);
	run_rec_str(c->rec, "deviation-evidence", evidence);
}

static void run_record_header(struct run_ctx *c)
{
	const struct script_clause *cl;
	char when[64], rfc[1024] = "";
	char sha[65];
	time_t t = (time_t)(c->start_wall_us / 1000000);
	struct tm tm;
	size_t n = 0;
	const char *name = profile_get(c->prof, "iut", "name");

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(c->rec, "iketest-record 1\n");
	run_rec_str(c->rec, "script", c->s->path);
	run_rec_str(c->rec, "id", c->s->id);
	run_rec_str(c->rec, "title", c->s->title);
	for (cl = c->s->clauses; cl != NULL && n < sizeof(rfc); cl = cl->next) {
		int k = snprintf(rfc + n, sizeof(rfc) - n, "%sRFC %u %s",
		    n ? ", " : "", cl->rfc, cl->section);

		if (k > 0)
			n += (size_t)k;
	}
	run_rec_str(c->rec, "rfc", rfc);
	run_rec_str(c->rec, "iut", name != NULL ? name : "unknown");
	run_rec_str(c->rec, "iut-version", run_iut_version(c->prof));
	run_script_sha256(c->s->path, sha);
	if (sha[0] != '\0')
		run_rec_str(c->rec, "script-sha256", sha);
	run_rec_str(c->rec, "profile", profile_path(c->prof));
	run_rec_str(c->rec, "start", when);
	run_rec_str(c->rec, "pcap", c->pcap_path);
	run_record_deviation(c);
}

static void run_record_footer(struct run_ctx *c, enum run_verdict v,
    const char *reason)
{
	if (c->rec == NULL)
		return;
	fprintf(c->rec, "duration-us %llu\n",
	    (unsigned long long)(net_now_us() - c->start_us));
	run_rec_str(c->rec, "verdict", run_verdict_name(v));
	if (reason != NULL)
		run_rec_str(c->rec, "reason", reason);
	fprintf(c->rec, "end\n");
}

/* The name of a script's record, pcap and key tables: its folder and its
 * file name without .ike, joined by _ (suites/ike_sa_init/
 * response_header.ike: ike_sa_init_response_header), so that the
 * scripts of one file name in several suites (three response_header.ike)
 * keep their own files in one --out folder (issue 15.6). The folder is
 * that of the real path, so the name does not depend on the current
 * folder. Only [A-Za-z0-9._-] are kept (others become _), never a
 * leading dot, so the name stays inside DIR. */
static void run_record_name(const char *script, char *out, size_t size)
{
	char real[PATH_MAX], *base, *dir = NULL, *dot;
	size_t i;

	if (realpath(script, real) == NULL)
		snprintf(real, sizeof(real), "%s", script);
	base = strrchr(real, '/');
	if (base != NULL) {
		*base++ = '\0';
		dir = strrchr(real, '/');
		dir = dir != NULL ? dir + 1 : real;
		if (*dir == '\0' || strcmp(dir, ".") == 0 || strcmp(dir, "..") == 0)
			dir = NULL;
	} else {
		base = real;
	}
	dot = strrchr(base, '.');
	if (dot != NULL && dot != base && strcmp(dot, ".ike") == 0)
		*dot = '\0';
	snprintf(out, size, "%.100s%s%.140s", dir != NULL ? dir : "",
	    dir != NULL ? "_" : "", *base != '\0' ? base : "script");
	for (i = 0; out[i] != '\0'; i++)
		if (!isalnum((unsigned char)out[i]) && out[i] != '-' &&
		    out[i] != '_' && (out[i] != '.' || i == 0))
			out[i] = '_';
}

/* DIR/NAME.record and DIR/NAME.pcap (run_record_name). */
static int run_paths(struct run_ctx *c, struct err *e)
{
	char name[256];

	run_record_name(c->s->path, name, sizeof(name));
	if (mkdir(c->o->out_dir, 0755) < 0 && errno != EEXIST)
		return err_set(e, "%s: %s", c->o->out_dir, strerror(errno));
	snprintf(c->pcap_path, sizeof(c->pcap_path), "%s/%s.pcap",
	    c->o->out_dir, name);
	snprintf(c->rec_path, sizeof(c->rec_path), "%s/%s.record",
	    c->o->out_dir, name);
	c->rec = fopen(c->rec_path, "w");
	if (c->rec == NULL)
		return err_set(e, "%s: %s", c->rec_path, strerror(errno));
	return 0;
}

static void run_ctx_free(struct run_ctx *c)
{
	size_t i;

	adapter_reap(&c->ad);
	run_esp_free(c);
	run_evidence_free(c);
	ike_rx_free(&c->rx);
	ike_msg_free(&c->sent);
	ike_sa_free(c->sa);
	if (c->cfg_ready)
		ike_config_free(&c->cfg);
	for (i = 0; i < c->nseen; i++)
		bytes_free(&c->seen[i]);
	bytes_free(&c->sent_raw);
	run_transport_free(c);
	for (i = 0; i < c->ninit; i++)
		codec_node_free(c->init_reqs[i]);
	run_vars_free(c);
	(void)net_close(c->net, NULL);
	c->net = NULL;
	if (c->rec != NULL)
		fclose(c->rec);
	c->rec = NULL;
}

static enum run_verdict run_finish(struct run_ctx *c)
{
	enum run_verdict v;

	if (c->bad_script && c->nfail > 0) {
		/* A run-time script error after a failed check is most likely
		 * its consequence (a capture that found nothing, a variable
		 * never set): the IUT's misbehaviour, exit 1, not exit 2. */
		struct run_check k;

		c->bad_script = false;
		run_check_begin(c, &k, c->line, "the rest of the script");
		run_check_fail(&k, "not run after the failure above: %s",
		    c->script_err.text);
		run_check_end(c, &k);
	}
	if (c->bad_script) {
		fprintf(c->tap, "%sBail out! %s\n", c->ind, c->script_err.text);
		run_rec_str(c->rec, "error", c->script_err.text);
		v = RUN_ERROR;
	} else if (c->ntests == 0) {
		struct run_check k;

		run_check_begin(c, &k, 1, "script checked nothing");
		run_check_fail(&k, "a script must hold at least one expectation");
		run_check_end(c, &k);
	}
	if (!c->bad_script) {
		fprintf(c->tap, "%s1..%u\n", c->ind, c->ntests);
		v = c->nfail > 0 ? RUN_FAIL : c->todo ? RUN_TODO : RUN_PASS;
		/* what could not run here is not a pass */
		if (v == RUN_PASS && c->skip_rest[0] != '\0') {
			fprintf(c->tap, "%s# skipped from here: %s\n", c->ind,
			    c->skip_rest);
			v = RUN_SKIP;
			run_record_footer(c, v, c->skip_rest);
			return v;
		}
	}
	run_record_footer(c, v, NULL);
	return v;
}

enum run_verdict run_script(const struct script *s,
    const struct profile *prof, const struct run_opts *o, struct err *e)
{
	struct run_ctx *c;
	enum run_verdict v;
	char why[512];

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		err_set(e, "run: out of memory");
		return RUN_ERROR;
	}
	c->s = s;
	c->prof = prof;
	c->o = o;
	c->tap = o->tap != NULL ? o->tap : stdout;
	c->ind = o->indent != NULL ? o->indent : "";
	c->start_us = net_now_us();
	c->start_wall_us = net_wall_us();
	c->last_event_us = c->start_us;
	fprintf(c->tap, "%sTAP version 13\n", c->ind);
	if (run_paths(c, e) < 0) {
		fprintf(c->tap, "%sBail out! %s\n", c->ind, e->text);
		v = RUN_ERROR;
		goto out;
	}
	run_record_header(c);
	if (script_needs_check(s, prof, why, sizeof(why)) != 0) {
		fprintf(c->tap, "%s1..0 # SKIP %s\n", c->ind, why);
		run_record_footer(c, RUN_SKIP, why);
		v = RUN_SKIP;
		goto out;
	}
	c->todo = profile_deviation(prof, s->id, &c->todo_clause,
	    &c->todo_evidence) == 1;
	if (run_transport_init(c, e) < 0) {
		fprintf(c->tap, "%sBail out! %s\n", c->ind, e->text);
		run_rec_str(c->rec, "error", e->text);
		run_record_footer(c, RUN_ERROR, e->text);
		v = RUN_ERROR;
		goto out;
	}
	run_diag(c, "%s: %s", s->path, s->title);
	run_diag(c, "pcap %s (%s)", c->pcap_path, net_capture_note(c->net));
	run_rec_str(c->rec, "capture", net_capture_note(c->net));
	(void)run_events(c, s->events);
	run_evidence_collect(c);
	run_cleanup(c);
	run_evidence_write(c);
	v = run_finish(c);
	if (v == RUN_ERROR)
		*e = c->script_err;
out:
	run_ctx_free(c);
	free(c);
	return v;
}
