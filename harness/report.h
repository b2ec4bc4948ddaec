/* report: reads result records (harness/RESULTS.md, reports/README.md)
 * and turns runs of them into a static HTML site, JUnit XML and a diff
 * against a baseline run. `iketest report` (cmd_report.c) is its command
 * line. The reader validates every line: a bad or truncated record is an
 * error "file:line: message", never a crash. */
#ifndef IKETEST_REPORT_H
#define IKETEST_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct err;
struct report_run;

enum { REPORT_RECORD_MAX = 16 << 20 };	/* bytes of one record file */

/* Verdicts of a whole script; the order is the order of the counts. */
enum report_verdict { RV_PASS, RV_FAIL, RV_SKIP, RV_TODO, RV_ERROR, RV_COUNT };
const char *report_verdict_name(enum report_verdict v);
bool report_verdict_failing(enum report_verdict v);	/* fail, error */

/* Single-valued record keys outside a check. */
enum report_field {
	RF_SCRIPT, RF_ID, RF_TITLE, RF_RFC, RF_IUT, RF_IUT_VERSION,
	RF_PROFILE, RF_START, RF_PCAP, RF_CAPTURE, RF_REASON, RF_SHA256,
	RF_INTEROP_INIT, RF_INTEROP_RESP, RF_CRYPTO_SUITE,
	RF_DEVIATION, RF_DEVIATION_EVIDENCE, RF_COUNT
};

/* A deviation the profile declares for the script (`deviation CLAUSE',
 * `deviation-evidence TEXT'; older records: todo verdicts only). Under
 * one, a failing check is "todo" and a passing one "todo-pass". */
enum report_deviation {
	RD_NONE,		/* none declared */
	RD_SEEN,		/* declared, and a check failed as declared */
	RD_NOT_SEEN,		/* declared, and every check passed */
	RD_NOT_RUN,		/* declared; skipped or a bad script */
};

/* `timing EXPECTED-US MEASURED-US` inside a check: one retransmission
 * gap (or any timed expectation), as scheduled and as measured. */
struct report_timing {
	uint64_t expected_us;
	uint64_t measured_us;
};

struct report_check {
	unsigned num;
	unsigned long line;
	char *description;
	char *verdict;		/* pass, fail, todo, todo-pass */
	char *detail;		/* "detail|" lines joined by \n, or NULL */
	char *message;		/* "message|" lines joined by \n, or NULL */
	struct report_timing *timing;
	size_t ntiming;
};

struct report_record {
	char *file;			/* the record's path */
	char *f[RF_COUNT];		/* NULL when absent */
	char *notes;			/* "note" lines joined by \n, or NULL */
	char *errors;			/* "error" lines joined by \n, or NULL */
	struct report_check *checks;
	size_t nchecks;
	uint64_t duration_us;
	enum report_verdict verdict;
	/* Derived after reading. */
	char sha256[65];		/* "" when unknown */
	bool sha_from_file;		/* not recorded: hashed at report time */
	char *suite_dir;		/* folder of the script: ike_sa_init */
	char *key;			/* suite/id@iut, unique per run */
	bool interop;			/* has interop-initiator and -responder */
	enum report_deviation deviation;	/* set by the parser */
};
/* A check's verdict as a page shows it: a check that passed under a
 * declared deviation ("todo-pass") is a pass, not an "unexpected pass";
 * whether the deviation showed at all is the record's deviation (a
 * deviation no check showed is "declared, not seen"). */
const char *report_check_shown(const struct report_record *r,
    const struct report_check *c);
/* "declared, not seen", "seen", ... (NULL for RD_NONE). */
const char *report_deviation_name(enum report_deviation d);

/* Parses text[0..len) named name (for messages). 0, or -1 with
 * "name:line: message" in e; *out is set only on success. */
int report_record_parse(const char *name, const char *text, size_t len,
    struct report_record **out, struct err *e);
/* Reads and parses a file; also derives sha256 (from the script file when
 * the record has none), suite_dir and key. */
int report_record_load(const char *path, struct report_record **out,
    struct err *e);
void report_record_free(struct report_record *r);
const char *report_record_iut(const struct report_record *r);
/* Whether the report may read the record's script file: a record names
 * any path, and a site is published, so only *.ike files are read. */
bool report_record_script_ok(const struct report_record *r);

/* ------------------------------------------------------------ fuzz */

/* A finding of a campaign (`finding PATH' and the lines after it). */
struct report_finding {
	char *path;		/* its finding.ike, as the campaign wrote it */
	char *kind;		/* crash, check */
	char *state;		/* init, auth, info, child, rekey */
	char *check;		/* the failed check or crash, its signature */
	char *minimized;	/* "yes", or why not */
	unsigned long long casen;
};

/* A campaign's fuzz.record (`iketest fuzz', harness/RESULTS.md). */
struct report_fuzz {
	char *file;		/* the record's path */
	char *iut;		/* `iut', else the name of its folder */
	unsigned long long seed, cases;
	char *cps;		/* cases-per-second, as written */
	char *partial;		/* why the campaign is partial, or NULL */
	struct report_finding *findings;
	size_t nfindings;
};

/* Parses text[0..len) of a fuzz.record named name; dir_iut is the IUT
 * when the record names none. A record without `end' (an interrupted
 * campaign) is partial, not an error. 0, or -1 with "name:line: msg". */
int report_fuzz_parse(const char *name, const char *dir_iut,
    const char *text, size_t len, struct report_fuzz **out, struct err *e);
void report_fuzz_free(struct report_fuzz *z);
/* Whether finding f of an IUT is new against base (NULL: every one is):
 * the same IUT, kind, state and check signature count as one finding. */
bool report_finding_new(const struct report_run *base, const char *iut,
    const struct report_finding *f);

/* ------------------------------------------------------------ runs */

struct report_run {
	char *dir;			/* as given */
	char *name;			/* basename of dir */
	char *slug;			/* folder name in the site (unique) */
	struct report_record **recs;	/* sorted by key */
	size_t nrecs;
	char **iuts;			/* IUT names of non-interop records, sorted */
	size_t niuts;
	char **bad;			/* "file:line: message" of unread records */
	size_t nbad;
	char **unavail;			/* "IUT: reason" (ci/matrix's unavailable) */
	size_t nunavail;
	struct report_fuzz **fuzz;	/* DIR/fuzz/IUT/fuzz.record (ci/nightly) */
	size_t nfuzz;
	/* DIR/night (ci/nightly): `state running|complete|partial' and
	 * `reason TEXT'; night_state NULL when there is no such file. */
	char *night_state, *night_reason;
};

/* Loads DIR/IUT/ *.record (ci/matrix's layout), DIR/ *.record and
 * DIR/IUT/SUITE/ *.record; a file named fuzz.record among them is a
 * campaign's (run->fuzz), and DIR/night the night's state.
 * Bad records are kept as texts in run->bad (the caller shows them);
 * -1 only when DIR itself cannot be read or memory runs out. */
int report_run_load(const char *dir, struct report_run **out, struct err *e);
void report_run_free(struct report_run *run);
/* The record of key in run, or NULL. */
const struct report_record *report_run_find(const struct report_run *run,
    const char *key);

/* ------------------------------------------------------------ diff */

/* In the order they are shown. */
enum report_change {
	RC_NEW_FAILURE, RC_FIXED, RC_STILL_FAILING, RC_FLAKY, RC_CHANGED,
	RC_ADDED, RC_REMOVED, RC_SAME, RC_COUNT
};
const char *report_change_name(enum report_change c);

/* Whether two texts are equal, NULL counting as "". */
bool report_streq(const char *a, const char *b);

/* base or cur may be NULL (a test only in one of the runs). Flaky: the
 * verdict changed while the script hash and IUT name+version did not. */
enum report_change report_diff_classify(const struct report_record *base,
    const struct report_record *cur);

struct report_diff_entry {
	enum report_change change;
	const struct report_record *base, *cur;
};

/* Every entry but RC_SAME, sorted by change then key. 0 or -1. */
int report_diff_build(const struct report_run *base,
    const struct report_run *cur, struct report_diff_entry **out,
    size_t *n, struct err *e);

/* ------------------------------------------------------------ nights */

/* Why a night is partial: its state is not `complete' (interrupted, or
 * killed before it could say so). NULL: complete, or not a night (no
 * DIR/night). */
const char *report_night_partial(const struct report_run *night);

/* One test (key) over nights[0..n), oldest first: v[i] its verdict in
 * night i (RV_COUNT when absent), flaky[i] whether that verdict differs
 * from night i-1's while the script hash and the IUT (name, version)
 * stayed the same (report_diff_classify's RC_FLAKY). Returns how many
 * nights are flaky changes. */
unsigned report_flaky_strip(struct report_run *const *nights, size_t n,
    const char *key, enum report_verdict *v, bool *flaky);

/* ------------------------------------------------------------ output */

/* Text for HTML and XML: & < > " ' escaped, control characters and
 * invalid UTF-8 shown as \xHH, so the output is well-formed either way. */
void report_esc(FILE *f, const char *s);
void report_esc_n(FILE *f, const char *s, size_t n);

/* A file name from untrusted text: [A-Za-z0-9._-], no leading dot. */
void report_slug(char *out, size_t size, const char *s);

struct report_counts {
	unsigned n[RV_COUNT];
};

/* Inline SVG: a bar of pass/fail/skip/todo/error counts. */
void report_svg_bar(FILE *f, const struct report_counts *c);
/* Inline SVG: expected against measured times, one pair per gap. */
void report_svg_timing(FILE *f, const struct report_timing *t, size_t n);

/* Inline SVG: a flakiness strip, a cell per night (report_flaky_strip's
 * v and flaky; nights: their names), oldest first. */
void report_svg_strip(FILE *f, const enum report_verdict *v,
    const bool *flaky, const char *const *nights, size_t n);

/* JUnit XML of one run. */
void report_junit(FILE *f, const struct report_run *run);

struct report_site_opts {
	const char *out_dir;		/* the site */
	const char *css_path;		/* copied to out_dir/style.css */
	/* Earlier nights for the flakiness strips, oldest first (ci/nightly,
	 * --history); the strips end with the last run. */
	struct report_run **history;
	size_t nhistory;
};

/* Writes the site: index.html, one folder per run. base may be NULL. */
int report_site_write(const struct report_site_opts *o,
    struct report_run **runs, size_t nruns, const struct report_run *base,
    struct err *e);

#endif
