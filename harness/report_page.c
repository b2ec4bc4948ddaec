/* report_page: one test on one IUT: what it checks and where the RFC says
 * so, every check with expected against actual and the decoded message,
 * the log, the script's source, and its evidence (pcap, the Wireshark
 * key tables) copied beside the page. */
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "report_int.h"

enum { RP_SCRIPT_MAX = 1 << 20 };

static void pg_dd(FILE *f, const char *term, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	fprintf(f, "<dt>%s</dt><dd>", term);
	report_esc(f, value);
	fprintf(f, "</dd>\n");
}

/* The record's sibling file with another extension: DIR/ID.pcap. */
static void pg_sibling(const struct report_record *r, const char *ext,
    char *out, size_t size)
{
	size_t n = strlen(r->file);

	if (n > 7 && strcmp(r->file + n - 7, ".record") == 0)
		n -= 7;
	snprintf(out, size, "%.*s%s", (int)n, r->file, ext);
}

/* The files `iketest run` leaves beside a record (harness/RESULTS.md):
 * the capture and the two key tables, named as evidence.h names them. */
static const struct {
	const char *ext, *what;
} pg_files[] = {
	{ ".pcap", "capture (pcap)" },
	{ "." EVIDENCE_IKE_TABLE, "IKE SA keys for Wireshark (" EVIDENCE_IKE_TABLE ")" },
	{ "." EVIDENCE_ESP_TABLE, "ESP SA keys for Wireshark (" EVIDENCE_ESP_TABLE ")" },
};
enum { PG_NFILES = sizeof(pg_files) / sizeof(pg_files[0]) };

/* How to read the capture with the key tables: README's recipe, with
 * this test's file names. */
static void pg_recipe(FILE *f, const char *base)
{
	fprintf(f, "<p>To read the capture decrypted (tshark; or copy the two "
	    "tables into a Wireshark profile folder):</p>\n<pre class=\"recipe\">"
	    "d=$(mktemp -d)\ncp ");
	report_esc(f, base);
	fprintf(f, ".%s $d/%s\ncp ", EVIDENCE_IKE_TABLE, EVIDENCE_IKE_TABLE);
	report_esc(f, base);
	fprintf(f, ".%s $d/%s\nWIRESHARK_CONFIG_DIR=$d tshark -r ",
	    EVIDENCE_ESP_TABLE, EVIDENCE_ESP_TABLE);
	report_esc(f, base);
	fprintf(f, ".pcap -o esp.enable_encryption_decode:TRUE</pre>\n");
}

/* Copies the pcap and key tables beside the page and links them (or
 * says none). */
static int pg_evidence(FILE *f, const struct rs *s,
    const struct report_run *run,
    const struct report_record *r, const char *stem)
{
	char from[RS_PATH_MAX], rel[RS_PATH_MAX + 300];
	const char *base = strrchr(stem, '/') ? strrchr(stem, '/') + 1 : stem;
	int rc[PG_NFILES];
	size_t i;

	fprintf(f, "<h2>Evidence</h2>\n<ul class=\"evidence\">\n");
	for (i = 0; i < PG_NFILES; i++) {
		pg_sibling(r, pg_files[i].ext, from, sizeof(from));
		snprintf(rel, sizeof(rel), "%s/%s%s", run->slug, stem,
		    pg_files[i].ext);
		rc[i] = rs_copy(s, from, rel);
		if (rc[i] < 0)
			return -1;
		fprintf(f, "<li>%s: ", pg_files[i].what);
		if (rc[i] == 1) {
			fprintf(f, "<a href=\"");
			report_esc(f, base);
			fprintf(f, "%s\">", pg_files[i].ext);
			report_esc(f, base);
			fprintf(f, "%s</a>", pg_files[i].ext);
		} else {
			fprintf(f, "none");
			if (i == 0 && r->f[RF_PCAP] != NULL) {
				fprintf(f, " (the record names <code>");
				report_esc(f, r->f[RF_PCAP]);
				fprintf(f, "</code>, not found beside it)");
			}
		}
		fprintf(f, "</li>\n");
	}
	fprintf(f, "</ul>\n");
	if (rc[0] == 1 && (rc[1] == 1 || rc[2] == 1))
		pg_recipe(f, base);
	if (r->f[RF_CAPTURE] != NULL) {
		fprintf(f, "<p class=\"capture\">");
		report_esc(f, r->f[RF_CAPTURE]);
		fprintf(f, "</p>\n");
	}
	return 0;
}

static void pg_pre(FILE *f, const char *cls, const char *text)
{
	if (text == NULL)
		return;
	fprintf(f, "<pre class=\"%s\">", cls);
	report_esc(f, text);
	fprintf(f, "</pre>\n");
}

static void pg_timing(FILE *f, const struct report_check *c)
{
	size_t i;

	if (c->ntiming == 0)
		return;
	fprintf(f, "<figure class=\"timing\">");
	report_svg_timing(f, c->timing, c->ntiming);
	fprintf(f, "<figcaption>Gaps, scheduled against measured:");
	for (i = 0; i < c->ntiming; i++)
		fprintf(f, "%s %.3f s / %.3f s", i ? "," : "",
		    c->timing[i].expected_us / 1e6, c->timing[i].measured_us / 1e6);
	fprintf(f, "</figcaption></figure>\n");
}

static void pg_check(FILE *f, const struct report_record *r,
    const struct report_check *c)
{
	const char *v = report_check_shown(r, c);

	fprintf(f, "<div class=\"check\" id=\"check-%u\"><h3><span class=\"v v-%s\">"
	    "%s</span> %u. <a href=\"#L%lu\">line %lu</a>: ", c->num, v,
	    strcmp(v, "todo") == 0 ? "todo (as declared)" : v, c->num, c->line,
	    c->line);
	report_esc(f, c->description);
	fprintf(f, "</h3>\n");
	if (c->detail != NULL)
		fprintf(f, "<p>Expected against actual:</p>\n");
	pg_pre(f, "detail", c->detail);
	if (c->message != NULL)
		fprintf(f, "<p>Message received (decoded):</p>\n");
	pg_pre(f, "message", c->message);
	pg_timing(f, c);
	fprintf(f, "</div>\n");
}

static bool pg_line_failed(const struct report_record *r, unsigned long line)
{
	size_t i;

	for (i = 0; i < r->nchecks; i++)
		if (r->checks[i].line == line &&
		    strcmp(report_check_shown(r, &r->checks[i]), "pass") != 0)
			return true;
	return false;
}

/* The source, one anchored span per line; lines that failed marked. */
static void pg_script(FILE *f, const struct report_record *r)
{
	FILE *in = report_record_script_ok(r) ? fopen(r->f[RF_SCRIPT], "rb") : NULL;
	char *text = NULL;
	size_t n = 0, i, start = 0;
	unsigned long line = 1;

	fprintf(f, "<h2>Script <code>");
	report_esc(f, r->f[RF_SCRIPT]);
	fprintf(f, "</code></h2>\n");
	if (in != NULL) {
		text = malloc(RP_SCRIPT_MAX);
		n = text != NULL ? fread(text, 1, RP_SCRIPT_MAX, in) : 0;
		fclose(in);
	}
	if (text == NULL || in == NULL) {
		fprintf(f, "<p>The script file could not be read here (only "
		    "<code>*.ike</code> files are shown).</p>\n");
		free(text);
		return;
	}
	fprintf(f, "<pre class=\"script\">");
	for (i = 0; i <= n; i++) {
		if (i < n && text[i] != '\n')
			continue;
		fprintf(f, "<span id=\"L%lu\" class=\"line%s\">", line,
		    pg_line_failed(r, line) ? " hit" : "");
		report_esc_n(f, text + start, i - start);
		fprintf(f, "</span>\n");
		start = i + 1;
		line++;
		if (i + 1 == n)
			break;
	}
	fprintf(f, "</pre>\n");
	free(text);
}

/* Why a test is todo: the profile's deviation, with its RFC clause and
 * evidence (issue 15.8), and whether the run showed it. */
static void pg_deviation(FILE *f, const struct report_record *r)
{
	static const char *const what[] = {
		[RD_SEEN] = "seen: the failing checks fail as the profile "
		    "declares (todo); the others passed",
		[RD_NOT_SEEN] = "declared, not seen: every check passed, so "
		    "the profile's deviation may be out of date",
		[RD_NOT_RUN] = "declared, not run",
	};
	size_t i, nfail = 0;

	if (r->deviation == RD_NONE)
		return;
	for (i = 0; i < r->nchecks; i++)
		nfail += strcmp(r->checks[i].verdict, "todo") == 0;
	fprintf(f, "<dt>deviation</dt><dd class=\"deviation\">");
	if (r->f[RF_DEVIATION] != NULL) {
		fprintf(f, "<strong>");
		report_esc(f, r->f[RF_DEVIATION]);
		fprintf(f, "</strong>: ");
		report_esc(f, r->f[RF_DEVIATION_EVIDENCE] ?
		    r->f[RF_DEVIATION_EVIDENCE] : "(no evidence given)");
		fprintf(f, "<br>");
	} else {
		fprintf(f, "declared by the profile (the record does not say "
		    "which: written before records carried it)<br>");
	}
	fprintf(f, "<span class=\"dev-%s\">%s</span>", r->deviation == RD_SEEN ?
	    "seen" : "not-seen", what[r->deviation]);
	if (r->deviation == RD_SEEN)
		fprintf(f, " (%zu of %zu checks)", nfail, r->nchecks);
	fprintf(f, "</dd>\n");
}

static void pg_facts(FILE *f, const struct report_record *r)
{
	char dur[64], iut[512];

	snprintf(iut, sizeof(iut), "%s %s", report_record_iut(r),
	    r->f[RF_IUT_VERSION] ? r->f[RF_IUT_VERSION] : "");
	snprintf(dur, sizeof(dur), "%.3f s", r->duration_us / 1e6);
	fprintf(f, "<dl class=\"facts\">\n<dt>verdict</dt><dd><span class=\"v "
	    "v-%s\">%s</span></dd>\n", report_verdict_name(r->verdict),
	    report_verdict_name(r->verdict));
	pg_dd(f, "reason", r->f[RF_REASON]);
	pg_deviation(f, r);
	pg_dd(f, "RFC", r->f[RF_RFC]);
	pg_dd(f, "IUT", iut);
	pg_dd(f, "initiator", r->f[RF_INTEROP_INIT]);
	pg_dd(f, "responder", r->f[RF_INTEROP_RESP]);
	pg_dd(f, "crypto suite", r->f[RF_CRYPTO_SUITE]);
	pg_dd(f, "profile", r->f[RF_PROFILE]);
	pg_dd(f, "started", r->f[RF_START]);
	pg_dd(f, "duration", dur);
	pg_dd(f, "script SHA-256", r->sha256);
	if (r->sha_from_file)
		fprintf(f, "<dd><small>(not in the record: hashed from the "
		    "script file at report time)</small></dd>\n");
	pg_dd(f, "record", r->file);
	fprintf(f, "</dl>\n");
}

int rs_test_page(const struct rs *s, const struct report_run *run,
    size_t idx)
{
	const struct report_record *r = run->recs[idx];
	char stem[RS_PATH_MAX], rel[RS_PATH_MAX + 300], title[512];
	size_t i;
	FILE *f;

	rs_page_stem(run, idx, stem, sizeof(stem));
	snprintf(rel, sizeof(rel), "%s/%s.html", run->slug, stem);
	snprintf(title, sizeof(title), "%s on %s", r->f[RF_ID],
	    report_record_iut(r));
	f = rs_open(s, rel);
	if (f == NULL)
		return -1;
	rs_head(f, title, "../../../");
	fprintf(f, "<p class=\"up\"><a href=\"../../index.html\">run ");
	report_esc(f, run->name);
	fprintf(f, "</a></p>\n<h1>");
	report_esc(f, r->f[RF_TITLE] ? r->f[RF_TITLE] : r->f[RF_ID]);
	fprintf(f, "</h1>\n<p class=\"meta\">");
	report_esc(f, r->key);
	fprintf(f, "</p>\n");
	pg_facts(f, r);
	if (pg_evidence(f, s, run, r, stem) < 0) {
		fclose(f);
		return -1;
	}
	if (r->errors != NULL)
		fprintf(f, "<h2>Errors</h2>\n");
	pg_pre(f, "errors", r->errors);
	fprintf(f, "<h2>Checks (%zu)</h2>\n", r->nchecks);
	for (i = 0; i < r->nchecks; i++)
		pg_check(f, r, &r->checks[i]);
	fprintf(f, "<h2>Log</h2>\n");
	pg_pre(f, "log", r->notes != NULL ? r->notes : "(no notes)");
	pg_script(f, r);
	rs_foot(f);
	return rs_close(s, f, rel);
}
