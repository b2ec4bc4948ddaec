/* run_esp_int: what the traffic files of the interpreter share
 * (run_esp.c, run_esp_send.c, run_esp_expect.c, run_nat.c,
 * run_evidence.c, run_iut_counters.c). */
#ifndef IKETEST_RUN_ESP_INT_H
#define IKETEST_RUN_ESP_INT_H

#include "ah.h"
#include "esp.h"
#include "inet.h"
#include "run_int.h"

enum { RUN_ESP_BUF = 65536 };

/* The traffic state of one CHILD SA, keyed by its SPIs. */
struct run_child_io {
	uint8_t spi_in[IKE_CHILD_SPI_LEN], spi_out[IKE_CHILD_SPI_LEN];
	unsigned protocol;		/* PROTO_ESP or PROTO_AH */
	struct esp_sa *esp_in, *esp_out;
	struct ah_sa *ah_in, *ah_out;
	uint64_t last_seq_in;		/* of the IUT's packets, 0: none yet */
	struct bytes last_sent;		/* for `esp replay' */
	enum net_port last_via;
};

struct run_esp {
	struct run_child_io io[IKE_CHILD_MAX];
	size_t n;
	uint16_t echo_seq;		/* ICMP echo sequence of the next send */
	/* Each datagram leaves from a new source port unless the script
	 * names one: an echo service that forks per peer (socat) would
	 * otherwise hand a later datagram to a child about to time out. */
	uint16_t sends;
	int last_io;			/* io[] of the last event, -1: none */
	uint8_t buf[RUN_ESP_BUF];
};

/* run_esp.c: CHILD SA state and event arguments */
uint32_t run_esp_spi_num(const uint8_t spi[static IKE_CHILD_SPI_LEN]);
struct run_child_io *run_esp_io_for(struct run_ctx *c,
    const struct ike_child *ch, struct err *e);
struct run_child_io *run_esp_io_by_spi(struct run_ctx *c, uint32_t spi);
const struct script_arg *run_esp_arg_find(const struct script_esp *x,
    const char *key);
int run_esp_arg_num(struct run_ctx *c, const struct script_esp *x,
    const char *key, uint64_t max, uint64_t *out);
int run_esp_arg_bytes(struct run_ctx *c, const struct script_esp *x,
    const char *key, struct bytes *out);
bool run_esp_arg_is(const struct script_esp *x, const char *key,
    const char *word);
int run_esp_profile_nth(struct run_ctx *c, const char *section,
    const char *key, size_t nth, char *out, size_t outlen);
int run_esp_profile_addr(struct run_ctx *c, const char *section,
    const char *key, int fam, struct addr *a);
int run_esp_addr_value(struct run_ctx *c, int line, const char *text, int fam,
    struct addr *a);
int run_esp_arg_addr(struct run_ctx *c, const struct script_esp *x,
    const char *key, const char *dflt, int fam, struct addr *a);
int run_esp_pick_child(struct run_ctx *c, const struct script_event *ev,
    const struct ike_child **out, struct run_child_io **io,
    struct run_check *k);
enum net_port run_esp_via(struct run_ctx *c, const struct script_esp *x);
bool run_esp_via_usable(struct run_ctx *c, int line, const char *desc,
    enum net_port via);

/* run_esp_send.c */
int run_esp_send(struct run_ctx *c, const struct script_event *ev);
int run_esp_replay(struct run_ctx *c, const struct script_event *ev);

/* run_esp_expect.c */
int run_esp_expect(struct run_ctx *c, const struct script_event *ev);
int run_esp_silence(struct run_ctx *c, const struct script_event *ev);

#endif
