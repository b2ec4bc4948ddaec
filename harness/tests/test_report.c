/* Tests of the report module: the record reader (a good record, a table
 * of bad lines with their file:line, truncation at every offset of a
 * fixture record), the diff classification (a table of cases), JUnit XML
 * well-formedness with hostile text, HTML escaping, fuzz records read
 * back, and the flakiness strips over nights (a table of nights). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "report.h"
#include "report_xml.h"
#include "tap.h"

static const char good[] =
    "iketest-record 1\n"
    "script suites/ike_sa_init/cookie.ike\n"
    "id cookie\n"
    "title a <b> & \\x01 title\\nwith two lines\n"
    "rfc RFC 7296 2.6, RFC 7296 3.10.1\n"
    "iut strongswan\n"
    "iut-version \n"
    "script-sha256 ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n"
    "note first note\n"
    "check 1\n"
    "line 9\n"
    "description cookie.ike:9 expect IKE_SA_INIT response\n"
    "verdict fail\n"
    "detail| field hdr.flags: expected 0x20 vs actual 0x28\n"
    "detail| second line\n"
    "message| IKE header\n"
    "timing 1000000 1012000\n"
    "timing 2000000 1990000\n"
    "end-check\n"
    "note second note\n"
    "some-future-key whatever\n"
    "future| block\n"
    "duration-us 1234567\n"
    "verdict fail\n"
    "end\n";

static void good_record(void)
{
	struct report_record *r;
	struct err e;
	const struct report_check *c;

	if (!ok(report_record_parse("good", good, sizeof(good) - 1, &r, &e) == 0,
	    "a good record parses") ) {
		diag("%s", e.text);
		return;
	}
	ok(strcmp(r->f[RF_ID], "cookie") == 0, "id");
	ok(strcmp(r->f[RF_TITLE], "a <b> & \x01 title\nwith two lines") == 0,
	    "escapes \\xHH and \\n are decoded");
	ok(strcmp(r->f[RF_IUT_VERSION], "") == 0, "an empty value is empty");
	ok(strcmp(r->f[RF_SHA256], "abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789") == 0, "script-sha256, lower case");
	ok(r->verdict == RV_FAIL, "script verdict");
	is_int(r->duration_us, 1234567, "duration-us");
	ok(r->notes != NULL && strcmp(r->notes, "first note\nsecond note") == 0,
	    "notes, before and after the check");
	is_int(r->nchecks, 1, "one check");
	c = &r->checks[0];
	is_int(c->line, 9, "check line");
	ok(strcmp(c->verdict, "fail") == 0, "check verdict");
	ok(strcmp(c->detail, "field hdr.flags: expected 0x20 vs actual 0x28\n"
	    "second line") == 0, "detail lines joined");
	ok(strcmp(c->message, "IKE header") == 0, "message block");
	is_int(c->ntiming, 2, "two timing lines");
	ok(c->ntiming == 2 && c->timing[1].expected_us == 2000000 &&
	    c->timing[1].measured_us == 1990000, "timing values");
	report_record_free(r);
}

/* Bad records: the line of the error and a word of its message. */
struct bad {
	const char *text;
	unsigned line;
	const char *msg;
};

#define H "iketest-record 1\nscript s/x.ike\nid x\n"
#define C "check 1\nline 1\ndescription d\nverdict pass\n"
static const struct bad bads[] = {
	{ "", 1, "empty" },
	{ "iketest-record 2\n", 1, "version 1" },
	{ "iketest-record 1", 1, "no newline" },
	{ H, 3, "no `end'" },
	{ H "verdict pass\nend", 5, "no newline" },
	{ H "verdict pass\n", 4, "no `end'" },
	{ H "end\n", 4, "no script `verdict'" },
	{ "iketest-record 1\nid x\nverdict pass\nend\n", 4, "no `script'" },
	{ "iketest-record 1\nscript s\nverdict pass\nend\n", 4, "no `id'" },
	{ H "verdict maybe\nend\n", 4, "unknown script verdict" },
	{ H "verdict pass\nverdict fail\nend\n", 5, "given twice" },
	{ H "id y\n", 4, "given twice" },
	{ H "title a\\qb\n", 4, "bad escape" },
	{ H "title a\\x0\n", 4, "bad escape" },
	{ H "title a\\x00b\n", 4, "bad escape" },
	{ H "title a\\\n", 4, "bad escape" },
	{ H "title a\0b\n", 4, "NUL" },
	{ H "Title x\n", 4, "start with a key" },
	{ H " title x\n", 4, "start with a key" },
	{ H "\n", 4, "start with a key" },
	{ H "title:x\n", 4, "followed by a space" },
	{ H "duration-us 12a\n", 4, "not a decimal" },
	{ H "duration-us -1\n", 4, "not a decimal" },
	{ H "duration-us 99999999999999999999\n", 4, "too large" },
	{ H "duration-us \n", 4, "missing" },
	{ H "script-sha256 abc\n", 4, "64 hex" },
	{ H "script-sha256 " "0123456789012345678901234567890123456789012345678901234567890123" "4\n", 4, "64 hex" },
	{ H "check 2\n", 4, "out of order" },
	{ H "check x\n", 4, "not a decimal" },
	{ H "check 1\ncheck 2\n", 5, "inside an open check" },
	{ H "check 1\nend\n", 5, "inside an open check" },
	{ H "check 1\nid y\n", 5, "inside a check" },
	{ H "check 1\nverdict maybe\n", 5, "unknown check verdict" },
	{ H "check 1\nline 1\nline 2\n", 6, "given twice" },
	{ H "check 1\nline 9999999999\n", 5, "too large" },
	{ H "check 1\ndescription d\nverdict pass\nend-check\n", 7, "no line" },
	{ H "check 1\nline 1\nverdict pass\nend-check\n", 7, "no description" },
	{ H "check 1\nline 1\ndescription d\nend-check\n", 7, "no verdict" },
	{ H C "timing 1\n", 8, "EXPECTED-US" },
	{ H C "timing 1 x\n", 8, "not a decimal" },
	{ H C "end-check 1\n", 8, "takes no value" },
	{ H "end-check\n", 4, "no open check" },
	{ H "line 3\n", 4, "outside a check" },
	{ H "timing 1 2\n", 4, "outside a check" },
	{ H "detail| x\n", 4, "outside a check" },
	{ H "verdict pass\nend\nnote after\n", 6, "after `end'" },
	{ H "verdict pass\nend x\n", 5, "takes no value" },
	{ H "interop-initiator a\nverdict pass\nend\n", 6, "go together" },
	{ H "averyveryveryveryverylongkeyname1 x\n", 4, "at most 31" },
};

static void bad_records(void)
{
	struct report_record *r;
	struct err e;
	char want[64];
	size_t i;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const struct bad *b = &bads[i];
		size_t len = strlen(b->text);
		int rc;

		/* The NUL case carries its NUL inside the literal. */
		if (strstr(b->msg, "NUL") != NULL)
			len += 1 + strlen(b->text + len + 1);
		rc = report_record_parse("bad.record", b->text, len, &r, &e);
		snprintf(want, sizeof(want), "bad.record:%u: ", b->line);
		ok(rc == -1 && strncmp(e.text, want, strlen(want)) == 0 &&
		    strstr(e.text, b->msg) != NULL,
		    "bad %zu: `%s' at line %u (%s)", i, b->msg, b->line,
		    rc == -1 ? e.text : "accepted");
		if (rc == 0)
			report_record_free(r);
	}
}

/* Every prefix of a real record is refused with name:line:, and the whole
 * record is accepted: truncation is never taken for a result. */
static void truncations(void)
{
	const char *top = getenv("IKETEST_TOP");
	char path[1024], *text;
	struct report_record *r;
	struct err e;
	size_t len, n, refused = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/harness/tests/reports/fixtures/"
	    "run-b/alpha/cookie.record", top != NULL ? top : ".");
	f = fopen(path, "rb");
	if (f == NULL) {
		tap_skip("fixture not found", "truncations of %s", path);
		return;
	}
	text = malloc(1 << 16);
	len = fread(text, 1, 1 << 16, f);
	fclose(f);
	for (n = 0; n < len; n++) {
		/* A copy of exactly n bytes, so ASan sees any overread. */
		char *cut = malloc(n ? n : 1);

		memcpy(cut, text, n);
		if (report_record_parse("cut", cut, n, &r, &e) == 0)
			report_record_free(r);
		else if (strncmp(e.text, "cut:", 4) == 0)
			refused++;
		free(cut);
	}
	is_int(refused, len, "each of %zu truncations is refused with cut:LINE:", len);
	ok(report_record_parse("whole", text, len, &r, &e) == 0,
	    "the whole fixture record parses");
	report_record_free(r);
	free(text);
}

/* Deviations (issue 15.8): the record carries the profile's clause and
 * evidence; a check that passed under it shows as a pass, and a
 * deviation no check showed is "declared, not seen". */
struct dev_case {
	const char *name, *checks, *verdict;
	enum report_deviation want;
	const char *shown1;	/* how check 1 shows */
};

#define DEV "deviation RFC 7296 1.2\ndeviation-evidence sends MODP_3072\n"
#define CK(n, v) "check " #n "\nline 6\ndescription d\nverdict " v "\nend-check\n"
static const struct dev_case dev_cases[] = {
	{ "no deviation", CK(1, "pass"), "pass", RD_NONE, "pass" },
	{ "seen: one check fails as declared", DEV CK(1, "todo-pass") CK(2, "todo"),
	    "todo", RD_SEEN, "pass" },
	{ "not seen: every check passed", DEV CK(1, "todo-pass") CK(2, "todo-pass"),
	    "todo", RD_NOT_SEEN, "pass" },
	{ "old record, no deviation line, seen", CK(1, "todo"), "todo",
	    RD_SEEN, "todo" },
	{ "declared, skipped", DEV, "skip", RD_NOT_RUN, NULL },
};

static void deviations(void)
{
	char text[2048];
	struct report_record *r;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(dev_cases) / sizeof(dev_cases[0]); i++) {
		const struct dev_case *d = &dev_cases[i];

		snprintf(text, sizeof(text), H "%sverdict %s\nend\n", d->checks,
		    d->verdict);
		if (report_record_parse("dev", text, strlen(text), &r, &e) < 0) {
			ok(0, "deviation: %s parses (%s)", d->name, e.text);
			continue;
		}
		ok(r->deviation == d->want, "deviation: %s is %s (got %s)",
		    d->name, report_deviation_name(d->want) ?
		    report_deviation_name(d->want) : "none",
		    report_deviation_name(r->deviation) ?
		    report_deviation_name(r->deviation) : "none");
		if (d->shown1 != NULL)
			ok(r->nchecks > 0 && strcmp(report_check_shown(r,
			    &r->checks[0]), d->shown1) == 0,
			    "deviation: %s: check 1 shows as %s", d->name,
			    d->shown1);
		if (strstr(d->checks, "deviation") != NULL)
			ok(r->f[RF_DEVIATION] != NULL &&
			    strcmp(r->f[RF_DEVIATION], "RFC 7296 1.2") == 0 &&
			    strcmp(r->f[RF_DEVIATION_EVIDENCE],
			    "sends MODP_3072") == 0,
			    "deviation: %s: clause and evidence read", d->name);
		report_record_free(r);
	}
}

/* ------------------------------------------------------------ diff */

struct side {
	enum report_verdict v;
	const char *sha, *iut, *version;
};

struct diff_case {
	const char *name;
	bool has_base, has_cur;
	struct side base, cur;
	enum report_change want;
};

#define S1 "1111"
#define S2 "2222"
static const struct diff_case diff_cases[] = {
	{ "only in this run, failing", false, true, { 0 }, { RV_FAIL, S1, "a", "1" }, RC_NEW_FAILURE },
	{ "only in this run, passing", false, true, { 0 }, { RV_PASS, S1, "a", "1" }, RC_ADDED },
	{ "only in the baseline", true, false, { RV_PASS, S1, "a", "1" }, { 0 }, RC_REMOVED },
	{ "pass, pass", true, true, { RV_PASS, S1, "a", "1" }, { RV_PASS, S1, "a", "1" }, RC_SAME },
	{ "fail, fail", true, true, { RV_FAIL, S1, "a", "1" }, { RV_FAIL, S2, "a", "2" }, RC_STILL_FAILING },
	{ "pass to fail, script changed", true, true, { RV_PASS, S1, "a", "1" }, { RV_FAIL, S2, "a", "1" }, RC_NEW_FAILURE },
	{ "pass to fail, IUT version changed", true, true, { RV_PASS, S1, "a", "1" }, { RV_FAIL, S1, "a", "2" }, RC_NEW_FAILURE },
	{ "pass to fail, nothing changed", true, true, { RV_PASS, S1, "a", "1" }, { RV_FAIL, S1, "a", "1" }, RC_FLAKY },
	{ "fail to pass, nothing changed", true, true, { RV_FAIL, S1, "a", "1" }, { RV_PASS, S1, "a", "1" }, RC_FLAKY },
	{ "todo to pass, nothing changed", true, true, { RV_TODO, S1, "a", "1" }, { RV_PASS, S1, "a", "1" }, RC_FLAKY },
	{ "fail to pass, script changed", true, true, { RV_FAIL, S1, "a", "1" }, { RV_PASS, S2, "a", "1" }, RC_FIXED },
	{ "fail to pass, IUT name changed", true, true, { RV_FAIL, S1, "a", "1" }, { RV_PASS, S1, "b", "1" }, RC_FIXED },
	{ "error to pass, version changed", true, true, { RV_ERROR, S1, "a", "1" }, { RV_PASS, S1, "a", "2" }, RC_FIXED },
	{ "fail to error, version changed", true, true, { RV_FAIL, S1, "a", "1" }, { RV_ERROR, S1, "a", "2" }, RC_STILL_FAILING },
	{ "pass to skip, version changed", true, true, { RV_PASS, S1, "a", "1" }, { RV_SKIP, S1, "a", "2" }, RC_CHANGED },
	{ "pass to fail, hash unknown", true, true, { RV_PASS, "", "a", "1" }, { RV_FAIL, "", "a", "1" }, RC_NEW_FAILURE },
	{ "pass to fail, version absent on both", true, true, { RV_PASS, S1, "a", NULL }, { RV_FAIL, S1, "a", NULL }, RC_FLAKY },
};

static void side_fill(struct report_record *r, const struct side *s)
{
	memset(r, 0, sizeof(*r));
	r->verdict = s->v;
	snprintf(r->sha256, sizeof(r->sha256), "%s", s->sha ? s->sha : "");
	r->f[RF_IUT] = (char *)s->iut;
	r->f[RF_IUT_VERSION] = (char *)s->version;
}

static void diff_classes(void)
{
	struct report_record b, c;
	enum report_change got;
	size_t i;

	for (i = 0; i < sizeof(diff_cases) / sizeof(diff_cases[0]); i++) {
		const struct diff_case *d = &diff_cases[i];

		side_fill(&b, &d->base);
		side_fill(&c, &d->cur);
		got = report_diff_classify(d->has_base ? &b : NULL,
		    d->has_cur ? &c : NULL);
		ok(got == d->want, "diff: %s is %s (got %s)", d->name,
		    report_change_name(d->want), report_change_name(got));
	}
}

/* ------------------------------------------------------------ escaping */

static char *esc(const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_esc_n(f, s, n);
	fclose(f);
	return buf;
}

struct esc_case {
	const char *in, *out;
};

static const struct esc_case esc_cases[] = {
	{ "<a href='x'>&\"", "&lt;a href=&#39;x&#39;&gt;&amp;&quot;" },
	{ "tab\tnl\ncr\r", "tab\tnl\ncr\r" },
	{ "\x01\x1b\x7f", "\\x01\\x1b\\x7f" },
	{ "caf\xc3\xa9", "caf\xc3\xa9" },
	{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
	{ "\xc3", "\\xc3" },
	{ "\xc0\xaf", "\\xc0\\xaf" },
	{ "\xe0\x80\xaf", "\\xe0\\x80\\xaf" },
	{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },
	{ "\xef\xbf\xbe", "\\xef\\xbf\\xbe" },
	{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" },
	{ "\xff<", "\\xff&lt;" },
	{ "\xe2\x82", "\\xe2\\x82" },
};

static void escaping(void)
{
	char slug[32], *got;
	size_t i;

	for (i = 0; i < sizeof(esc_cases) / sizeof(esc_cases[0]); i++) {
		got = esc(esc_cases[i].in, strlen(esc_cases[i].in));
		ok(strcmp(got, esc_cases[i].out) == 0, "escape case %zu", i);
		free(got);
	}
	got = esc("a\0b", 3);
	ok(strcmp(got, "a\\x00b") == 0, "a NUL byte is shown as \\x00");
	free(got);
	report_slug(slug, sizeof(slug), "../etc/passwd");
	ok(strchr(slug, '/') == NULL && slug[0] != '.', "slug: no folder, no "
	    "leading dot (%s)", slug);
	report_slug(slug, sizeof(slug), "");
	ok(strcmp(slug, "_") == 0, "slug of nothing is _");
	report_slug(slug, 4, "abcdef");
	ok(strcmp(slug, "abc") == 0, "slug is bounded");
}

/* ------------------------------------------------------------ JUnit */

static const char hostile[] =
    "iketest-record 1\n"
    "script suites/x/<y>.ike\n"
    "id a&b\n"
    "title <title> \"quoted\" 'single' & \\x01\\x1b and \\xff\\xfe\n"
    "note a note with ]]> and </system-out>\n"
    "check 1\nline 2\ndescription expect <IKE_SA_INIT> & more\n"
    "verdict fail\ndetail| expected <A> vs actual &B\nend-check\n"
    "error x.ike:3: bad <thing>\n"
    "verdict fail\nend\n";

static void junit(void)
{
	static const char *const texts[3] = { hostile,
	    "iketest-record 1\nscript s/k.ike\nid k\nverdict skip\nreason needs <x>\nend\n",
	    "iketest-record 1\nscript s/t.ike\nid t\nverdict todo\nend\n" };
	struct report_record *r[3] = { NULL, NULL, NULL };
	char *iuts[1] = { (char *)"unknown" };
	struct report_run run = { .name = (char *)"run <1>", .recs = r, .nrecs = 0,
	    .iuts = iuts, .niuts = 1 };
	struct err e;
	char *buf = NULL;
	size_t len = 0, at = 0, i;
	FILE *f;

	for (i = 0; i < 3; i++) {
		if (report_record_parse("j", texts[i], strlen(texts[i]), &r[i], &e) < 0) {
			ok(0, "junit record %zu parses: %s", i, e.text);
			goto out;
		}
		r[i]->suite_dir = strdup("x&y");
		run.nrecs++;
	}
	f = open_memstream(&buf, &len);
	report_junit(f, &run);
	fclose(f);
	ok(report_xml_check(buf, len, &at) == 0, "JUnit XML is well-formed "
	    "(problem at offset %zu)", at);
	ok(strstr(buf, "failures=\"1\"") != NULL, "one failure counted");
	ok(strstr(buf, "skipped=\"2\"") != NULL, "skip and todo are skipped");
	ok(strstr(buf, "&lt;title&gt;") != NULL, "markup in a title is escaped");
	ok(report_xml_check("<a><b></a>", 10, &at) < 0 &&
	    report_xml_check("<a>&</a>", 8, &at) < 0 &&
	    report_xml_check("<a>\x01</a>", 8, &at) < 0 &&
	    report_xml_check("<a x=\"<\"/>", 10, &at) < 0 &&
	    report_xml_check("<a/><b/>", 8, &at) < 0,
	    "the checker itself refuses broken XML");
	free(buf);
out:
	for (i = 0; i < 3; i++)
		report_record_free(r[i]);
}

/* JUnit counts what the site counts: per IUT, its scripts (one record
 * each) by verdict; an interop record is not one of its initiator's
 * scripts (issue 15.10: the alpha suite counted the interop record). */
static void junit_counts(void)
{
	const char *top = getenv("IKETEST_TOP");
	char dir[1024], want[160];
	struct report_run *run;
	struct err e;
	char *buf = NULL;
	size_t len = 0, i, k, at = 0;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/harness/tests/reports/fixtures/run-b",
	    top != NULL ? top : ".");
	if (report_run_load(dir, &run, &e) < 0) {
		ok(0, "junit counts: %s", e.text);
		return;
	}
	f = open_memstream(&buf, &len);
	report_junit(f, run);
	fclose(f);
	ok(report_xml_check(buf, len, &at) == 0, "junit of run-b is well-formed");
	for (i = 0; i < run->niuts; i++) {
		unsigned n[RV_COUNT] = { 0 }, total = 0;

		for (k = 0; k < run->nrecs; k++)
			if (!run->recs[k]->interop && strcmp(report_record_iut(
			    run->recs[k]), run->iuts[i]) == 0) {
				n[run->recs[k]->verdict]++;
				total++;
			}
		snprintf(want, sizeof(want), "name=\"%s\" tests=\"%u\" "
		    "failures=\"%u\" errors=\"%u\" skipped=\"%u\"",
		    run->iuts[i], total, n[RV_FAIL], n[RV_ERROR],
		    n[RV_SKIP] + n[RV_TODO]);
		ok(strstr(buf, want) != NULL, "junit: %s counts its scripts "
		    "as the site does (%s)", run->iuts[i], want);
	}
	ok(strstr(buf, "name=\"interop\" tests=\"1\"") != NULL,
	    "junit: the interop record has its own suite");
	ok(strstr(buf, "TODO: RFC 7296 1.2: beta names the group") != NULL,
	    "junit: a todo's skipped message names the deviation");
	free(buf);
	report_run_free(run);
}


/* ------------------------------------------------------------ nights */

static const char fuzz_rec[] =
    "iketest-fuzz 1\nprofile peers/x/profile.conf\niut x\nseed 7\n"
    "shard 1/1\ncases 120\nstate auth 10 9\ncases-per-second 40.5\n"
    "finding /tmp/f/crash-auth-seed7-case3/finding.ike\n"
    "finding-kind crash\nfinding-state auth\nfinding-case 3\n"
    "finding-check IUT crashed: pid changed\nfinding-minimized yes\n"
    "finding /tmp/f/check-init-seed7-case9/finding.ike\n"
    "finding-kind check\nfinding-state init\nfinding-case 9\n"
    "finding-check RFC 7296 3.3\nfinding-minimized yes\n"
    "findings 2\nverdict fail\nend\n";

static void fuzz_records(void)
{
	struct report_fuzz *z = NULL;
	struct report_run base = { 0 };
	struct report_fuzz *list[1];
	struct err e;
	size_t cut = strlen(fuzz_rec) - strlen("verdict fail\nend\n");

	ok(report_fuzz_parse("f.record", "dir", fuzz_rec, strlen(fuzz_rec),
	    &z, &e) == 0, "fuzz: a whole record parses");
	if (z == NULL)
		return;
	ok(strcmp(z->iut, "x") == 0 && z->seed == 7 && z->cases == 120 &&
	    strcmp(z->cps, "40.5") == 0 && z->partial == NULL,
	    "fuzz: iut, seed, cases, rate; not partial");
	ok(z->nfindings == 2 && z->findings[1].casen == 9 &&
	    strcmp(z->findings[0].kind, "crash") == 0 &&
	    strcmp(z->findings[1].check, "RFC 7296 3.3") == 0,
	    "fuzz: two findings with their kind, case and check");
	list[0] = z;
	base.fuzz = list;
	base.nfuzz = 1;
	ok(!report_finding_new(&base, "x", &z->findings[0]),
	    "fuzz: a finding the baseline has is not new");
	ok(report_finding_new(&base, "y", &z->findings[0]),
	    "fuzz: the same finding of another IUT is new");
	ok(report_finding_new(NULL, "x", &z->findings[0]),
	    "fuzz: without a baseline every finding is new");
	report_fuzz_free(z);
	z = NULL;
	ok(report_fuzz_parse("f.record", "dir", fuzz_rec, cut, &z, &e) == 0 &&
	    z->partial != NULL && strstr(z->partial, "interrupted") != NULL,
	    "fuzz: a record without `end' is partial");
	report_fuzz_free(z);
	z = NULL;
	ok(report_fuzz_parse("f.record", "dir", "iketest-fuzz 1\nseed 7\n", 22,
	    &z, &e) == 0 && strcmp(z->iut, "dir") == 0,
	    "fuzz: no `iut' line: the folder names the IUT");
	report_fuzz_free(z);
	ok(report_fuzz_parse("f.record", "dir", "iketest-record 1\n", 17, &z,
	    &e) < 0 && strncmp(e.text, "f.record:1: ", 12) == 0,
	    "fuzz: not a fuzz record: file:line (%s)", e.text);
	ok(report_fuzz_parse("f.record", "dir",
	    "iketest-fuzz 1\nfinding-kind crash\n", 33, &z, &e) < 0 &&
	    strncmp(e.text, "f.record:2: ", 12) == 0,
	    "fuzz: a finding's line before `finding': file:line (%s)", e.text);
	ok(report_fuzz_parse("f.record", "dir", "iketest-fuzz 1\ncases x\n", 23,
	    &z, &e) < 0 && strstr(e.text, ":2: not a number") != NULL,
	    "fuzz: a bad number (%s)", e.text);
}

/* One test over five nights; each night a run holding its record. */
struct night_case {
	bool present;
	enum report_verdict v;
	const char *sha, *version;
	bool want_flaky;
};

static const struct night_case night_cases[] = {
	{ true, RV_PASS, S1, "1", false },	/* the first: nothing to compare */
	{ true, RV_FAIL, S1, "1", true },	/* same script and IUT: flaky */
	{ false, RV_PASS, NULL, NULL, false },	/* did not run */
	{ true, RV_PASS, S1, "1", true },	/* against the last that ran */
	{ true, RV_FAIL, S1, "2", false },	/* the IUT changed: not flaky */
	{ true, RV_FAIL, S2, "2", false },	/* same verdict */
};
enum { NIGHTS = sizeof(night_cases) / sizeof(night_cases[0]) };

static void flaky_strips(void)
{
	static struct report_record rec[NIGHTS], *recp[NIGHTS];
	static struct report_run runs[NIGHTS], *nights[NIGHTS];
	enum report_verdict v[NIGHTS];
	bool fl[NIGHTS], same = true;
	unsigned n;
	size_t i;

	for (i = 0; i < NIGHTS; i++) {
		const struct night_case *c = &night_cases[i];
		struct side sd = { c->v, c->sha, "a", c->version };

		side_fill(&rec[i], &sd);
		rec[i].key = "s/t@a";
		recp[i] = &rec[i];
		runs[i].recs = &recp[i];
		runs[i].nrecs = c->present;
		nights[i] = &runs[i];
	}
	n = report_flaky_strip(nights, NIGHTS, "s/t@a", v, fl);
	ok(n == 2, "strip: 2 flaky changes in %d nights (got %u)", NIGHTS, n);
	for (i = 0; i < NIGHTS; i++)
		same &= fl[i] == night_cases[i].want_flaky && v[i] ==
		    (night_cases[i].present ? night_cases[i].v : RV_COUNT);
	ok(same, "strip: each night's verdict and flaky mark as in the table");
	n = report_flaky_strip(nights, NIGHTS, "s/other@a", v, fl);
	ok(n == 0 && v[0] == RV_COUNT, "strip: a test in no night: all absent");
	runs[0].night_state = "complete";
	runs[1].night_state = "partial";
	runs[1].night_reason = "interrupted by TERM during fuzz";
	runs[2].night_state = "running";
	ok(report_night_partial(&runs[0]) == NULL &&
	    report_night_partial(&runs[3]) == NULL,
	    "night: complete, or not a night: not partial");
	ok(report_night_partial(&runs[1]) != NULL &&
	    strcmp(report_night_partial(&runs[1]), runs[1].night_reason) == 0,
	    "night: partial, with its reason");
	ok(report_night_partial(&runs[2]) != NULL,
	    "night: still `running' (killed): partial");
}

int main(void)
{
	good_record();
	bad_records();
	truncations();
	deviations();
	diff_classes();
	escaping();
	junit();
	junit_counts();
	fuzz_records();
	flaky_strips();
	return tap_done();
}
