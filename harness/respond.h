/* respond: the reference IKEv2 responder's engine, without sockets: a
 * datagram in, at most one datagram out. cmd_respond.c puts it on UDP;
 * tests drive it in memory.
 *
 * What it answers, besides the exchanges of ike.h (RFC 7296):
 * - a request with an unrecognized critical payload: the error notify
 *   UNSUPPORTED_CRITICAL_PAYLOAD with the payload type (2.5, 3.10.1);
 * - a request with a higher major version: INVALID_MAJOR_VERSION in the
 *   clear, version 2.0 (2.5); a higher minor version is ignored;
 * - a request for an IKE SA it does not hold: INVALID_IKE_SPI in the
 *   clear (2.21.4), at most notify_rate of those (and of the above) per
 *   second;
 * - an IKE_SA_INIT request with a non-zero responder SPI: dropped (3.1);
 * - with cookies on, a COOKIE when cookie_threshold or more half-open
 *   SAs exist (0: always) (2.6).
 * Half-open SAs are forgotten after RESPOND_HALF_OPEN_US; when the table
 * is full the least recently used SA makes room.
 *
 * Its CHILD SAs carry traffic through esp (respond_esp.h), which
 * respond_handle keeps in step with the children after each request;
 * protected packets go to respond_esp_input and respond_ah_input. */
#ifndef IKETEST_RESPOND_H
#define IKETEST_RESPOND_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "ike.h"
#include "respond_esp.h"
#include "respond_impair.h"

enum {
	RESPOND_SA_MAX = 256,		/* IKE SAs held at once */
	RESPOND_NOTIFY_RATE = 20,	/* clear error notifies per second */
};
#define RESPOND_HALF_OPEN_US 30000000ull	/* IKE_AUTH awaited 30 s */

struct respond {
	struct ike_config cfg;		/* our policy and credentials */
	/* When cert_auth.method is set, IKE_AUTH uses cert_auth instead of
	 * cfg.auth for an AUTH payload with a signature method, and cfg.auth
	 * (PSK) for SHARED_KEY_MIC, whatever the ID type; without AUTH, an
	 * FQDN IDi means certificates (the lab's convention). */
	struct ike_auth_conf cert_auth;
	bool cookies;			/* demand cookies ... */
	unsigned cookie_threshold;	/* ... from this many half-open SAs */
	uint8_t cookie_secret[32];
	struct ike_sa *sa[RESPOND_SA_MAX];
	uint64_t seen_us[RESPOND_SA_MAX];	/* last request of sa[i] */
	size_t nsa;
	FILE *log;			/* one line per message; NULL: none */
	FILE *keys;			/* key sets of new IKE SAs (evidence.h);
					 * NULL: none */
	const char *peer_text;		/* "192.0.2.17:500" in log lines */
	unsigned notify_rate;		/* clear notifies per second */
	uint64_t notify_window_us;
	unsigned notify_sent;
	uint64_t (*clock_us)(void);	/* NULL: CLOCK_MONOTONIC */
	/* Counters: datagrams dropped silently, IKE SAs that became
	 * established (IKE_AUTH or a rekey) and that were deleted. */
	unsigned dropped, established, deleted;
	/* The data plane: SAs of the children, counters, echo service. */
	struct respond_esp *esp;
	/* Deliberate deviations (respond_impair.h); none by default. The
	 * data plane has its own copy (esp->impair). */
	struct respond_impair impair;
};

/* Takes cfg (moved: the caller's copy is cleared). */
int respond_init(struct respond *r, struct ike_config *cfg, struct err *e);
void respond_free(struct respond *r);
/* Handles one datagram; *out is the reply (len 0: none), to be sent to
 * the datagram's source. */
int respond_handle(struct respond *r, const uint8_t *p, size_t n,
    struct bytes *out, struct err *e);

/* ---- configuration from a profile (respond_conf.c) ---- */

/* What the reference peer takes from an IUT profile: [ike] and [esp]
 * lists; [auth] methods (psk: psk-file, psk-id-iut; rsa/ecdsa:
 * cert-id-iut, iut-cert, iut-key, signature-auth); [addresses] protected
 * (our selectors), harness-protected and peers-protected (what the
 * peer's may be; none: anything); [capabilities] cookies (or cookie);
 * [timers] cookie-threshold (default 10); for the data plane [addresses]
 * echo (addresses answered besides the protected ones) and echo-port
 * (default 7). $NAME and ${NAME} words are expanded from the
 * environment. */
struct respond_conf {
	struct ike_config cfg;
	struct ike_auth_conf cert_auth;
	bool cookies;
	unsigned cookie_threshold;
	unsigned echo_port;
	struct addr echo[RESPOND_ECHO_MAX];
	size_t necho;
	struct err warning;	/* a profile that loads but will fail; "" */
};
int respond_conf_load(const char *path, struct respond_conf *rc,
    struct err *e);
void respond_conf_free(struct respond_conf *rc);

#endif
