/* respond_conf: the reference peer's configuration from an IUT profile
 * (format: profile.h, peers/README.md). The profile reader keeps words as
 * written; lab variables ($NAME, ${NAME}) are expanded here, from the
 * environment, where a value is used. Errors are "FILE:LINE: message". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expand.h"
#include "ike.h"
#include "inet.h"
#include "names.h"
#include "profile.h"
#include "respond.h"

enum { CONF_WORD_MAX = 1024 };

/* The line of `key` in [section] of the file (0 when not found): the
 * profile reader keeps no line numbers for values. */
static int line_of(const char *path, const char *section, const char *key)
{
	FILE *f = fopen(path, "r");
	char buf[2048], cur[64] = "";
	int line = 0, found = 0;
	size_t kl = strlen(key);

	if (f == NULL)
		return 0;
	while (!found && fgets(buf, sizeof(buf), f)) {
		char *s = buf + strspn(buf, " \t");
		line++;
		if (*s == '[') {
			size_t n = strcspn(s + 1, "]");
			snprintf(cur, sizeof(cur), "%.*s", (int)n, s + 1);
		} else if (strcmp(cur, section) == 0 &&
		    strncmp(s, key, kl) == 0 &&
		    (s[kl] == ' ' || s[kl] == '\t' || s[kl] == '=')) {
			found = line;
		}
	}
	fclose(f);
	return found;
}

static int conf_err(const struct profile *p, const char *section,
    const char *key, struct err *e, const char *msg, const char *arg)
{
	return err_set(e, "%s:%d: [%s] %s: %s%s%s%s", profile_path(p),
	    line_of(profile_path(p), section, key), section, key, msg,
	    arg ? " `" : "", arg ? arg : "", arg ? "'" : "");
}

/* Word i of a key, expanded; 1 when there, 0 when absent. */
static int word(const struct profile *p, const char *section, const char *key,
    size_t i, char *out, struct err *e)
{
	const char *const *w;
	size_t n;
	struct err xe;

	w = profile_get_list(p, section, key, &n);
	if (w == NULL || i >= n)
		return 0;
	/* a variable set to "" expands to ""; "$5" is refused */
	if (expand_vars(w[i], out, CONF_WORD_MAX, 0, &xe) < 0) {
		char why[ERR_TEXT_MAX];

		snprintf(why, sizeof(why), "%.400s (eval \"$(ci/lab env SLOT)\" first)",
		    xe.text);
		return conf_err(p, section, key, e, why, NULL);
	}
	return 1;
}

/* The first line of a file, newline removed: the PSK (peers/README.md). */
static int read_psk(const struct profile *p, const char *path,
    struct bytes *psk, struct err *e)
{
	FILE *f = fopen(path, "r");
	char buf[512];
	size_t n;

	if (f == NULL)
		return conf_err(p, "auth", "psk-file", e, strerror(errno), path);
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	n = strcspn(buf, "\r\n");
	if (n == 0) {
		memset(buf, 0, sizeof(buf));
		return conf_err(p, "auth", "psk-file", e, "empty first line in",
		    path);
	}
	if (bytes_set(psk, buf, n) < 0) {
		memset(buf, 0, sizeof(buf));
		return err_set(e, "out of memory");
	}
	memset(buf, 0, sizeof(buf));
	return 0;
}

/* Appends the prefixes of a list key to a selector list. */
static int ts_words(const struct profile *p, const char *key,
    struct ike_ts_list *l, struct err *e)
{
	char w[CONF_WORD_MAX];
	struct err te;
	size_t i;
	int r;

	for (i = 0; (r = word(p, "addresses", key, i, w, e)) == 1; i++)
		if (ike_ts_add_prefix(l, w, &te) < 0)
			return conf_err(p, "addresses", key, e, te.text, w);
	return r;
}

static bool has_method(const struct profile *p, const char *m)
{
	return profile_has(p, "auth", "methods", m);
}

static int conf_psk(const struct profile *p, struct ike_config *cfg,
    struct err *warning, struct err *e)
{
	char w[CONF_WORD_MAX];
	struct err ie;
	int r;

	cfg->auth.method = AUTH_SHARED_KEY_MIC;
	if ((r = word(p, "auth", "psk-file", 0, w, e)) < 0)
		return -1;
	/* Without a key IKE_SA_INIT still runs; IKE_AUTH with PSK then
	 * gets AUTHENTICATION_FAILED. Said once, not refused. */
	if (r == 0)
		err_set(warning, "%s:%d: warning: psk without [auth] psk-file: PSK authentication will fail",
		    profile_path(p), line_of(profile_path(p), "auth", "methods"));
	else if (read_psk(p, w, &cfg->auth.psk, e) < 0)
		return -1;
	if ((r = word(p, "auth", "psk-id-iut", 0, w, e)) < 0)
		return -1;
	if (r == 0)
		snprintf(w, sizeof(w), "fqdn:reference.iketest.example");
	if (ike_id_parse(w, &cfg->auth.id_type, &cfg->auth.id, &ie) < 0)
		return conf_err(p, "auth", "psk-id-iut", e, ie.text, w);
	return 0;
}

/* Certificates: our ID, certificate and key; the peer's key comes from
 * its CERT payload (the chain is not checked: a test peer). */
static int conf_cert(const struct profile *p, struct ike_auth_conf *a,
    struct err *e)
{
	char w[CONF_WORD_MAX];
	struct err ie;
	int r;

	if ((r = word(p, "auth", "cert-id-iut", 0, w, e)) <= 0)
		return r < 0 ? -1 : conf_err(p, "auth", "methods", e,
		    "rsa/ecdsa need [auth] cert-id-iut", NULL);
	if (ike_id_parse(w, &a->id_type, &a->id, &ie) < 0)
		return conf_err(p, "auth", "cert-id-iut", e, ie.text, w);
	if ((r = word(p, "auth", "iut-cert", 0, w, e)) <= 0)
		return r < 0 ? -1 : conf_err(p, "auth", "methods", e,
		    "rsa/ecdsa need [auth] iut-cert", NULL);
	if (ike_pem_cert_der(w, &a->cert, &ie) < 0)
		return conf_err(p, "auth", "iut-cert", e, ie.text, NULL);
	if ((r = word(p, "auth", "iut-key", 0, w, e)) <= 0)
		return r < 0 ? -1 : conf_err(p, "auth", "methods", e,
		    "rsa/ecdsa need [auth] iut-key", NULL);
	if ((a->key = crypto_key_from_file(w, &ie)) == NULL)
		return conf_err(p, "auth", "iut-key", e, ie.text, NULL);
	/* Its CA, named in the CERTREQ it sends as initiator (RFC 7296 3.7). */
	if ((r = word(p, "auth", "ca", 0, w, e)) < 0)
		return -1;
	if (r > 0 && ike_ca_hash_add(w, &a->certreq, &ie) < 0)
		return conf_err(p, "auth", "ca", e, ie.text, NULL);
	/* RFC 7427 when the profile offers it, else RSA (PKCS#1 v1.5). */
	if (profile_has(p, "auth", "signature-auth", "yes")) {
		a->method = AUTH_DIGITAL_SIGNATURE;
		a->hash = HASH_SHA2_256;
	} else if (has_method(p, "rsa")) {
		a->method = AUTH_RSA_SIG;
	} else {
		a->method = AUTH_ECDSA_SHA256_P256;
	}
	return 0;
}

static int conf_number(const struct profile *p, const char *section,
    const char *key, unsigned *out, struct err *e)
{
	uint64_t v;
	int n = profile_get_numbers(p, section, key, &v, 1);

	if (profile_get(p, section, key) == NULL)
		return 0;
	if (n != 1 || v > 1000000)
		return conf_err(p, section, key, e, "one number (0..1000000)",
		    profile_get(p, section, key));
	*out = (unsigned)v;
	return 0;
}

/* [addresses] echo: the addresses the echo service answers for, besides
 * the protected network. */
static int echo_words(const struct profile *p, struct respond_conf *rc,
    struct err *e)
{
	char w[CONF_WORD_MAX];
	struct err ie;
	size_t i;
	int r;

	for (i = 0; (r = word(p, "addresses", "echo", i, w, e)) == 1; i++) {
		if (rc->necho == RESPOND_ECHO_MAX)
			return conf_err(p, "addresses", "echo", e,
			    "too many addresses at", w);
		if (addr_parse(w, &rc->echo[rc->necho], &ie) < 0)
			return conf_err(p, "addresses", "echo", e,
			    "not an address:", w);
		rc->necho++;
	}
	return r;
}

/* [addresses] echo-port: one port number, lab variables allowed. */
static int conf_echo_port(const struct profile *p, unsigned *port,
    struct err *e)
{
	char w[CONF_WORD_MAX], *end;
	unsigned long v;
	int r;

	if ((r = word(p, "addresses", "echo-port", 0, w, e)) <= 0)
		return r;
	v = strtoul(w, &end, 10);
	if (w[0] < '0' || w[0] > '9' || *end != '\0' || v == 0 || v > 65535)
		return conf_err(p, "addresses", "echo-port", e,
		    "a port (1..65535)", w);
	*port = (unsigned)v;
	return 0;
}

int respond_conf_load(const char *path, struct respond_conf *rc,
    struct err *e)
{
	struct profile *p = NULL;
	struct err pe;
	int rc_ = -1;

	memset(rc, 0, sizeof(*rc));
	ike_config_init(&rc->cfg);
	rc->cookie_threshold = 10;
	rc->echo_port = RESPOND_ECHO_PORT;
	if (profile_load(path, &p, e) < 0)
		return -1;
	if (profile_get(p, "ike", "encr") == NULL) {
		err_set(e, "%s:1: no [ike] encr: nothing to accept", path);
		goto out;
	}
	if (ike_policy_from_profile(p, "ike", &rc->cfg.ike, &pe) < 0 ||
	    ike_policy_from_profile(p, "esp", &rc->cfg.esp, &pe) < 0 ||
	    ike_policy_from_profile(p, "ah", &rc->cfg.ah, &pe) < 0) {
		err_set(e, "%s:1: %s", path, pe.text);
		goto out;
	}
	if (has_method(p, "psk") && conf_psk(p, &rc->cfg, &rc->warning, e) < 0)
		goto out;
	if ((has_method(p, "rsa") || has_method(p, "ecdsa")) &&
	    conf_cert(p, &rc->cert_auth, e) < 0)
		goto out;
	if (rc->cfg.auth.method == 0 && rc->cert_auth.method == 0) {
		conf_err(p, "auth", "methods", e, "none of psk rsa ecdsa", NULL);
		goto out;
	}
	if (ts_words(p, "protected", &rc->cfg.ts_local, e) < 0 ||
	    ts_words(p, "harness-protected", &rc->cfg.ts_peer, e) < 0 ||
	    ts_words(p, "peers-protected", &rc->cfg.ts_peer, e) < 0)
		goto out;
	if (rc->cfg.ts_local.n == 0 &&
	    (ike_ts_add_prefix(&rc->cfg.ts_local, "0.0.0.0/0", &pe) < 0 ||
	    ike_ts_add_prefix(&rc->cfg.ts_local, "::/0", &pe) < 0))
		goto out;
	if (rc->cfg.ts_peer.n == 0 &&
	    (ike_ts_add_prefix(&rc->cfg.ts_peer, "0.0.0.0/0", &pe) < 0 ||
	    ike_ts_add_prefix(&rc->cfg.ts_peer, "::/0", &pe) < 0))
		goto out;
	/* RFC 7296 1.3.1: N(USE_TRANSPORT_MODE) is granted when the profile
	 * says the IUT does transport mode. */
	rc->cfg.transport_ok = profile_has(p, "capabilities", "transport-mode",
	    NULL);
	rc->cookies = profile_has(p, "capabilities", "cookies", NULL) ||
	    profile_has(p, "capabilities", "cookie", NULL);
	if (conf_number(p, "timers", "cookie-threshold", &rc->cookie_threshold,
	    e) < 0)
		goto out;
	if (echo_words(p, rc, e) < 0 ||
	    conf_echo_port(p, &rc->echo_port, e) < 0)
		goto out;
	rc_ = 0;
out:
	profile_free(p);
	if (rc_ < 0)
		respond_conf_free(rc);
	return rc_;
}

void respond_conf_free(struct respond_conf *rc)
{
	ike_config_free(&rc->cfg);
	ike_auth_conf_free(&rc->cert_auth);
	memset(rc, 0, sizeof(*rc));
}
