/* The evidence test: the Wireshark key tables iketest writes beside a
 * test's pcap (evidence.h) must let tshark 4.0 decrypt the capture.
 *
 * evidence_cases builds a pcap of IKE messages whose SK payloads carry the
 * golden plaintexts (AES-CBC, -GCM, -CTR, -CCM; HMAC-SHA2, AES-XCBC) and
 * of ESP packets in both directions of a dozen SAs (AES-GCM 12/16,
 * AES-CBC, AES-CTR, 3DES, NULL; HMAC-SHA1/SHA2, AES-XCBC; with and
 * without ESN; UDP 4500 and IP protocol 50; IPv4 and IPv6 outside and
 * inside), and records every SA in an accumulator. The tables are written
 * with evidence_write, copied into a fresh Wireshark configuration
 * directory as evidence.h tells a user to, and tshark's PDML must show
 * every inner payload and every inner packet byte for byte, with the
 * ICV verdict Wireshark can give. The negative control writes the same
 * tables with every key one bit off: then nothing may decrypt to what was
 * sent. What Wireshark 4.0 cannot decrypt (ChaCha20-Poly1305, ESP CCM)
 * must be reported by evidence_write and stay encrypted. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytes.h"
#include "crypto.h"
#include "err.h"
#include "esp.h"
#include "evidence.h"
#include "evidence_cases.h"
#include "evidence_check.h"
#include "hexfile.h"
#include "inet.h"
#include "names.h"
#include "tap.h"

/* A directory, a prefix or a directory inside it, and a file path: each
 * fits the next with a name added. */
enum { DIR_LEN = 256, MID_LEN = 384, PATH_LEN = 512 };

static const char TSHARK_OPTIONS[] =
    "-o esp.enable_encryption_decode:TRUE "
    "-o esp.enable_authentication_check:TRUE";

/* The test's directory holds files and one level of subdirectories. */
static void remove_tree(const char *dir, int depth)
{
	char path[PATH_LEN];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) < 0 && depth > 0)
			remove_tree(path, depth - 1);
	}
	closedir(d);
	rmdir(dir);
}

/* The whole file as a NUL-terminated string. */
static bool file_text(const char *path, struct bytes *b)
{
	struct err e;

	if (hexfile_read_file(b, path, &e) < 0 || bytes_append(b, "", 1) < 0) {
		diag("%s", e.text);
		return false;
	}
	return true;
}

static bool copy_file(const char *from, const char *to)
{
	struct bytes b = BYTES_EMPTY;
	FILE *f;
	bool done = false;

	if (file_text(from, &b) && (f = fopen(to, "w")) != NULL) {
		done = fwrite(b.data, 1, b.len - 1, f) == b.len - 1;
		done = fclose(f) == 0 && done;
	}
	bytes_free(&b);
	return done;
}

static bool contains_hex(const struct bytes *text, const struct bytes *key)
{
	char hex[2 * 64 + 1];

	if (key->len == 0 || key->len > 64)
		return false;
	bytes_to_hex(key->data, key->len, hex);
	return strstr((const char *)text->data, hex) != NULL;
}

/* Every line a comment: what a table with nothing to say holds. */
static bool only_comments(const struct bytes *text)
{
	const char *p = (const char *)text->data;

	while (*p) {
		if (*p != '#')
			return false;
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	return true;
}

/* ---- the accumulator on its own ------------------------------------ */

static void key_pattern(struct bytes *b, size_t len, uint8_t seed)
{
	if (bytes_resize(b, len) < 0)
		return;
	for (size_t i = 0; i < len; i++)
		b->data[i] = (uint8_t)(seed + 3 * i);
}

static void check_refusals(struct evidence *ev, struct crypto_ike_keys *k)
{
	static const uint8_t spi_i[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t spi_r[8] = { 9, 10, 11, 12, 13, 14, 15, 16 };
	struct crypto_ike_suite suite = { ENCR_AES_CBC, 128, PRF_HMAC_SHA2_256,
	    INTEG_HMAC_SHA2_256_128, DH_ECP_256 };
	static const uint8_t ek[16] = { 0x11 }, ik[32] = { 0x22 };
	struct esp_sa_params sp;
	struct addr a4, b6;
	struct err e;
	bool added;

	key_pattern(&k->sk_ei, 16, 0x10);
	key_pattern(&k->sk_er, 15, 0x20);	/* one byte short */
	key_pattern(&k->sk_ai, 32, 0x30);
	key_pattern(&k->sk_ar, 32, 0x40);
	ok(evidence_add_ike(ev, spi_i, spi_r, &suite, k, &e) < 0 &&
	    strstr(e.text, "SK_e") != NULL,
	    "a short SK_er is refused (%s)", e.text);
	key_pattern(&k->sk_er, 16, 0x20);
	/* Keys the tables must never hold (RFC 7296 2.14). */
	key_pattern(&k->skeyseed, 32, 0x50);
	key_pattern(&k->sk_d, 32, 0x60);
	key_pattern(&k->sk_pi, 32, 0x70);
	key_pattern(&k->sk_pr, 32, 0x80);
	added = evidence_add_ike(ev, spi_i, spi_r, &suite, k, &e) == 0 &&
	    evidence_add_ike(ev, spi_i, spi_r, &suite, k, &e) == 0;
	ok(added && evidence_ike_count(ev) == 1,
	    "the same SPI pair twice is one record (%zu)", evidence_ike_count(ev));

	memset(&sp, 0, sizeof(sp));
	sp.spi = 0x1234;
	sp.encr = ENCR_AES_CBC;
	sp.encr_key_bits = 128;
	sp.integ = INTEG_HMAC_SHA2_256_128;
	sp.encr_key = ek;
	sp.encr_key_len = 15;
	sp.integ_key = ik;
	sp.integ_key_len = sizeof(ik);
	if (addr_parse("192.0.2.1", &a4, &e) < 0 ||
	    addr_parse("2001:db8::2", &b6, &e) < 0)
		diag("%s", e.text);
	ok(evidence_add_esp(ev, &a4, &a4, &sp, &e) < 0,
	    "a 15-byte AES-128 key is refused (%s)", e.text);
	sp.encr_key_len = sizeof(ek);
	ok(evidence_add_esp(ev, &a4, &b6, &sp, &e) < 0,
	    "mixed address families are refused (%s)", e.text);
	added = evidence_add_esp(ev, &a4, NULL, &sp, &e) == 0 &&
	    evidence_add_esp(ev, &a4, NULL, &sp, &e) == 0 &&
	    evidence_add_esp(ev, NULL, &b6, &sp, &e) == 0;
	ok(added && evidence_esp_count(ev) == 2,
	    "one record per family, addresses and SPI (%zu)",
	    evidence_esp_count(ev));
}

static void check_api(const char *dir)
{
	struct evidence *ev = evidence_new(), *empty = evidence_new();
	struct crypto_ike_keys k;
	struct evidence_report rep;
	struct bytes ike = BYTES_EMPTY, esp = BYTES_EMPTY;
	char prefix[MID_LEN], path[PATH_LEN];
	struct stat st;
	struct err e;

	memset(&k, 0, sizeof(k));
	if (!ok(ev != NULL && empty != NULL, "evidence_new"))
		goto out;
	check_refusals(ev, &k);
	snprintf(prefix, sizeof(prefix), "%s/api", dir);
	if (!ok(evidence_write(ev, prefix, &rep, &e) == 0, "evidence_write")) {
		diag("%s", e.text);
		goto out;
	}
	is_int(rep.ike_rows + rep.esp_rows, 3, "1 IKE and 2 ESP rows written");
	snprintf(path, sizeof(path), "%s." EVIDENCE_IKE_TABLE, prefix);
	memset(&st, 0, sizeof(st));
	stat(path, &st);
	ok((st.st_mode & 0777) == 0600, "the IKE table is mode 0600 (%o)",
	    (unsigned)(st.st_mode & 0777));
	if (file_text(path, &ike)) {
		ok(contains_hex(&ike, &k.sk_ei) && contains_hex(&ike, &k.sk_ar),
		    "the IKE table holds SK_ei and SK_ar");
		ok(!contains_hex(&ike, &k.sk_d) && !contains_hex(&ike, &k.sk_pi) &&
		    !contains_hex(&ike, &k.sk_pr) && !contains_hex(&ike, &k.skeyseed),
		    "... and no SK_d, SK_pi, SK_pr or SKEYSEED");
	}
	snprintf(path, sizeof(path), "%s." EVIDENCE_ESP_TABLE, prefix);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 &&
	    file_text(path, &esp) && strstr((const char *)esp.data,
	    "\"IPv4\",\"192.0.2.1\",\"*\",\"0x00001234\",\"AES-CBC [RFC3602]\",") &&
	    strstr((const char *)esp.data,
	    "\"IPv6\",\"*\",\"2001:0db8:0000:0000:0000:0000:0000:0002\","),
	    "the ESP table is mode 0600, one row per direction, \"*\" for an "
	    "unknown address");

	snprintf(prefix, sizeof(prefix), "%s/empty", dir);
	bytes_free(&ike);
	bytes_free(&esp);
	snprintf(path, sizeof(path), "%s." EVIDENCE_IKE_TABLE, prefix);
	ok(evidence_write(empty, prefix, &rep, &e) == 0 && file_text(path, &ike) &&
	    only_comments(&ike) && rep.ike_rows + rep.esp_rows + rep.comments == 0,
	    "no SA: both tables written, comments only");
out:
	crypto_ike_keys_free(&k);
	bytes_free(&ike);
	bytes_free(&esp);
	evidence_free(ev);
	evidence_free(empty);
}

/* ---- what evidence says it wrote ------------------------------------ */

static void check_report(const struct evidence *good,
    const struct evidence_report *rep)
{
	size_t n_ike, n_esp, rows = 0, no_icv = 0, comments = 0;
	struct ec_ike *ike = ec_ike_cases(&n_ike);
	struct ec_esp *esp = ec_esp_cases(&n_esp);
	bool same = evidence_ike_count(good) == n_ike &&
	    evidence_esp_count(good) == 2 * n_esp;

	/* Cases went in in order, one IKE record each, two ESP records. */
	for (size_t i = 0; i < n_ike && same; i++) {
		same = evidence_ike_support(good, i, NULL) == ike[i].expect;
		rows += ike[i].expect != EVIDENCE_NONE;
		no_icv += ike[i].expect == EVIDENCE_NO_ICV;
		comments += ike[i].expect == EVIDENCE_NONE;
		if (!same)
			diag("IKE case %zu (%s): support %d", i, ike[i].name,
			    evidence_ike_support(good, i, NULL));
	}
	for (size_t i = 0; i < 2 * n_esp && same; i++) {
		const struct ec_esp *c = &esp[i / 2];

		same = evidence_esp_support(good, i, NULL) == c->expect;
		rows += c->expect != EVIDENCE_NONE;
		no_icv += c->expect == EVIDENCE_NO_ICV;
		comments += c->expect == EVIDENCE_NONE;
		if (!same)
			diag("ESP case %zu (%s): support %d", i / 2, c->name,
			    evidence_esp_support(good, i, NULL));
	}
	ok(same, "every SA is taken by Wireshark 4.0 as evidence.h says");
	ok(rep->ike_rows + rep->esp_rows == rows && rep->no_icv == no_icv &&
	    rep->comments == comments,
	    "evidence_write reports %zu rows (%zu with the ICV unchecked) and "
	    "%zu SAs Wireshark cannot take (first: %s)", rows, no_icv, comments,
	    rep->first_comment);
}

/* ---- tshark --------------------------------------------------------- */

/* tshark names a table it cannot load on stderr ("Error loading table
 * 'ESP SAs': esp_sa:26: invalid value: ...") and goes on without the
 * rest of it: every line must load. */
static void check_loads(const char *tshark, const char *name,
    const char *pcap)
{
	char cmd[2 * PATH_LEN], line[512];
	size_t errors = 0;
	FILE *f;

	/* Paths come from mkdtemp, never from input. */
	snprintf(cmd, sizeof(cmd), "'%s' -n -q -c 1 -r '%s' %s 2>&1 >/dev/null",
	    tshark, pcap, TSHARK_OPTIONS);
	f = popen(cmd, "r");
	if (f == NULL) {
		ok(0, "%s: cannot run %s", name, tshark);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "rror") != NULL) {
			errors++;
			diag("  %.*s", (int)strcspn(line, "\n"), line);
		}
	pclose(f);
	is_int(errors, 0, "%s: tshark loads both tables without an error", name);
}

/* A Wireshark configuration directory holding PREFIX's two tables, as
 * evidence.h tells a user to make one; runs tshark with it. */
static bool run_tshark(const char *tshark, const char *dir, const char *name,
    const char *prefix, const char *pcap, struct pdml *d)
{
	char ws[MID_LEN], from[PATH_LEN], to[PATH_LEN];
	struct err e;

	snprintf(ws, sizeof(ws), "%s/%s", dir, name);
	if (mkdir(ws, 0700) < 0)
		return ok(0, "mkdir %s", ws);
	snprintf(from, sizeof(from), "%s." EVIDENCE_IKE_TABLE, prefix);
	snprintf(to, sizeof(to), "%s/" EVIDENCE_IKE_TABLE, ws);
	if (!copy_file(from, to))
		return ok(0, "copy %s", from);
	snprintf(from, sizeof(from), "%s." EVIDENCE_ESP_TABLE, prefix);
	snprintf(to, sizeof(to), "%s/" EVIDENCE_ESP_TABLE, ws);
	if (!copy_file(from, to))
		return ok(0, "copy %s", from);
	setenv("WIRESHARK_CONFIG_DIR", ws, 1);
	check_loads(tshark, name, pcap);
	if (pdml_run(tshark, pcap, TSHARK_OPTIONS, d, &e) < 0) {
		diag("%s", e.text);
		return ok(0, "WIRESHARK_CONFIG_DIR=%s tshark -r %s %s", name, pcap,
		    TSHARK_OPTIONS);
	}
	return true;
}

static void check_good(const struct pdml *d)
{
	size_t n_ike, n_esp;
	struct ec_ike *ike = ec_ike_cases(&n_ike);
	struct ec_esp *esp = ec_esp_cases(&n_esp);
	struct ck_result r;

	for (size_t i = 0; i < n_ike; i++) {
		const struct ec_ike *c = &ike[i];

		if (c->frame == 0 || c->frame > d->n) {
			ok(0, "IKE %s: frame %llu missing", c->name,
			    (unsigned long long)c->frame);
			continue;
		}
		ck_ike(&d->p[c->frame - 1], c, &r);
		if (c->expect == EVIDENCE_NONE) {
			ok(!r.decrypted, "IKE %s: stays encrypted, as evidence "
			    "reports", c->name);
			continue;
		}
		if (!ok(r.equal, "IKE %s: tshark decrypts all %zu inner payloads, "
		    "byte for byte", c->name, c->npl))
			diag("  %s", r.why);
		ok(r.icv == ck_ike_expected(c), "IKE %s: integrity %s (want %s)",
		    c->name, ck_icv_name(r.icv), ck_icv_name(ck_ike_expected(c)));
	}
	for (size_t i = 0; i < n_esp; i++) {
		const struct ec_esp *c = &esp[i];

		for (unsigned dir = 0; dir < 2; dir++) {
			const struct ec_esp_dir *dd = &c->dir[dir];

			if (dd->frame == 0 || dd->frame > d->n) {
				ok(0, "ESP %s: frame missing", c->name);
				continue;
			}
			ck_esp(&d->p[dd->frame - 1], c, dir, &r);
			if (c->expect == EVIDENCE_NONE) {
				ok(!r.decrypted, "ESP %s SPI 0x%08x: stays encrypted, "
				    "as evidence reports", c->name, dd->spi);
				continue;
			}
			if (!ok(r.equal, "ESP %s SPI 0x%08x: tshark decrypts the "
			    "inner packet, addresses, ports or id, data", c->name,
			    dd->spi))
				diag("  %s", r.why);
			ok(r.icv == ck_esp_expected(c), "ESP %s SPI 0x%08x: ICV %s "
			    "(want %s)", c->name, dd->spi, ck_icv_name(r.icv),
			    ck_icv_name(ck_esp_expected(c)));
		}
	}
}

/* The negative control's counts over IKE and ESP packets alike. */
struct bad_tally {
	size_t tried, fooled, full, flagged;
};

/* One packet read under the wrong keys: it must not decrypt to what was
 * sent, and where its ICV is checked (EVIDENCE_FULL) it must show bad. */
static void tally_bad(struct bad_tally *t, const char *kind,
    const char *name, enum evidence_support expect, enum ck_icv want,
    const struct ck_result *r)
{
	t->tried++;
	if (r->equal && r->icv == want) {
		t->fooled++;
		diag("%s %s still decrypts with a wrong key", kind, name);
	}
	if (expect != EVIDENCE_FULL)
		return;
	t->full++;
	if (r->icv == CK_ICV_BAD)
		t->flagged++;
	else
		diag("%s %s: ICV %s with a wrong key", kind, name,
		    ck_icv_name(r->icv));
}

/* With every key one bit off, nothing decrypts to what was sent. */
static void check_bad(const struct pdml *d)
{
	size_t n_ike, n_esp;
	struct ec_ike *ike = ec_ike_cases(&n_ike);
	struct ec_esp *esp = ec_esp_cases(&n_esp);
	struct bad_tally t = { 0, 0, 0, 0 };
	struct ck_result r;

	for (size_t i = 0; i < n_ike; i++) {
		const struct ec_ike *c = &ike[i];

		if (c->expect == EVIDENCE_NONE || c->frame > d->n)
			continue;
		ck_ike(&d->p[c->frame - 1], c, &r);
		tally_bad(&t, "IKE", c->name, c->expect, ck_ike_expected(c), &r);
	}
	for (size_t i = 0; i < n_esp; i++) {
		const struct ec_esp *c = &esp[i];

		for (unsigned dir = 0; dir < 2; dir++) {
			if (c->expect == EVIDENCE_NONE || c->dir[dir].frame > d->n)
				continue;
			ck_esp(&d->p[c->dir[dir].frame - 1], c, dir, &r);
			tally_bad(&t, "ESP", c->name, c->expect,
			    ck_esp_expected(c), &r);
		}
	}
	ok(t.tried > 0 && t.fooled == 0, "negative control: with every key one "
	    "bit off, %zu of %zu packets decrypt to what was sent", t.fooled,
	    t.tried);
	is_int(t.flagged, t.full, "negative control: tshark shows a bad ICV on "
	    "all %zu IKE and ESP packets whose ICV it checks", t.full);
}

static void check_tshark(const char *tshark, const char *dir)
{
	struct evidence *good = evidence_new(), *bad = evidence_new();
	struct evidence_report rep;
	char pcap[MID_LEN], prefix[MID_LEN], bad_prefix[MID_LEN];
	struct pdml d;
	struct err e;

	snprintf(pcap, sizeof(pcap), "%s/evidence.pcap", dir);
	snprintf(prefix, sizeof(prefix), "%s/evidence", dir);
	snprintf(bad_prefix, sizeof(bad_prefix), "%s/wrong-keys", dir);
	if (!ok(good && bad && ec_build(pcap, good, bad, &e) == 0,
	    "build the capture and record its SAs")) {
		diag("%s", e.text);
		goto out;
	}
	if (!ok(evidence_write(good, prefix, &rep, &e) == 0 &&
	    evidence_write(bad, bad_prefix, NULL, &e) == 0,
	    "write the key tables")) {
		diag("%s", e.text);
		goto out;
	}
	check_report(good, &rep);
	if (tshark == NULL) {
		tap_skip("tshark not installed (apt-get install tshark; CI "
		    "installs it)", "tshark decrypts with the key tables");
		goto out;
	}
	if (run_tshark(tshark, dir, "ws-good", prefix, pcap, &d)) {
		check_good(&d);
		pdml_free(&d);
	}
	if (run_tshark(tshark, dir, "ws-bad", bad_prefix, pcap, &d)) {
		check_bad(&d);
		pdml_free(&d);
	}
	unsetenv("WIRESHARK_CONFIG_DIR");
out:
	evidence_free(good);
	evidence_free(bad);
	ec_free();
}

int main(void)
{
	const char *top = getenv("IKETEST_TOP");
	char dir[DIR_LEN];
	struct stat st;

	/* Under build/ when there is one, as the other artefacts. */
	snprintf(dir, sizeof(dir), "%s/build", top ? top : ".");
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(dir, sizeof(dir), "%s/build/evidence-XXXXXX",
		    top ? top : ".");
	else
		snprintf(dir, sizeof(dir), "/tmp/iketest-evidence-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp %s", dir);
		return tap_done();
	}
	check_api(dir);
	check_tshark(pdml_tshark(), dir);
	/* EVIDENCE_KEEP=1 leaves the pcap and tables for a look by hand. */
	if (getenv("EVIDENCE_KEEP") == NULL)
		remove_tree(dir, 1);
	else
		diag("kept %s", dir);
	return tap_done();
}
