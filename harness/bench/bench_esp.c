/* bench_esp: ESP throughput on one core, the number that says whether
 * iketest can be a load generator (DESIGN.md: "approaches what OpenSSL
 * can encrypt on one core"). Measures esp_encap and esp_decap with
 * AES-GCM-128 (ENCR_AES_GCM_16, 128-bit key) at the payload sizes given
 * (default 1400 and 64 bytes), each for a fixed time, and prints one line
 * per measurement for harness/bench/run.sh to compare with
 * `openssl speed`:
 *
 *   bench_esp encap 1400 <payload bytes/s> <packets/s>
 *
 * and, for the bare per-packet GCM loop of the crypto module
 * (crypto_bare_gcm_seal) over the same bytes, measured in alternating
 * batches with esp_encap (P1):
 *
 *   bench_esp bare 1400 <bare bytes/s> <bare pkt/s> <encap pkt/s>
 *
 * Usage: bench_esp [-t SECONDS] [SIZE ...]. Wall-clock time
 * (CLOCK_MONOTONIC); run it pinned to a core. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "err.h"
#include "esp.h"
#include "names.h"

enum {
	BATCH = 256,		/* packets between clock reads (encap) */
	DECAP_BATCH = 1024,	/* packets prepared per decap round */
	MAX_SIZE = 9000,
};

struct bench_sas {
	struct esp_sa *tx, *rx;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this thread: what the alternating batches are timed by,
 * so that time the scheduler gives other processes counts for neither. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int sas_new(struct bench_sas *s, struct err *e)
{
	uint8_t key[20];
	struct esp_sa_params p;
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x40 + i);
	memset(&p, 0, sizeof(p));
	p.spi = 0x1000;
	p.encr = ENCR_AES_GCM_16;
	p.encr_key_bits = 128;
	p.integ = INTEG_NONE;
	p.encr_key = key;
	p.encr_key_len = sizeof(key);
	p.window = ESP_WINDOW_MAX;
	s->tx = esp_sa_new(&p, e);
	s->rx = s->tx != NULL ? esp_sa_new(&p, e) : NULL;
	return s->rx != NULL ? 0 : -1;
}

static void sas_free(struct bench_sas *s)
{
	esp_sa_free(s->tx);
	esp_sa_free(s->rx);
}

/* Packets per second of esp_encap for seconds. */
static int bench_encap(size_t size, double seconds, double *pps,
    struct err *e)
{
	static uint8_t payload[MAX_SIZE], out[MAX_SIZE + 128];
	struct bench_sas s;
	double start, end;
	size_t n = 0, len, i;
	int rc = -1;

	if (sas_new(&s, e) < 0)
		goto out;
	memset(payload, 0xa5, size);
	start = now();
	do {
		for (i = 0; i < BATCH; i++)
			if (esp_encap(s.tx, 4, payload, size, NULL, out,
			    sizeof(out), &len, e) < 0)
				goto out;
		n += BATCH;
		end = now();
	} while (end - start < seconds);
	*pps = (double)n / (end - start);
	rc = 0;
out:
	sas_free(&s);
	return rc;
}

/* esp_encap against the bare GCM loop (crypto_bare_gcm_seal) over what
 * esp_encap encrypts for a payload of size (the payload, its padding to
 * 4 bytes and the 2-byte trailer, RFC 4303 2.4), in alternating batches
 * so that both see the same machine (a shared one's load changes by the
 * second), by CPU time: packets per second of each. */
static int bench_bare(size_t size, double seconds, double *encap_pps,
    double *bare_pps, struct err *e)
{
	static uint8_t plain[MAX_SIZE + 8], out[MAX_SIZE + 128];
	size_t len = (size + 2 + 3) / 4 * 4, n = 0, olen, i;
	double t_encap = 0, t_bare = 0, t;
	struct bench_sas s;
	int rc = -1;

	if (sas_new(&s, e) < 0)
		goto out;
	memset(plain, 0xa5, len);
	while (t_encap + t_bare < seconds) {
		t = cpu_now();
		for (i = 0; i < BATCH; i++)
			if (esp_encap(s.tx, 4, plain, size, NULL, out,
			    sizeof(out), &olen, e) < 0)
				goto out;
		t_encap += cpu_now() - t;
		t = cpu_now();
		if (crypto_bare_gcm_seal(16, plain, len, BATCH, out, e) < 0)
			goto out;
		t_bare += cpu_now() - t;
		n += BATCH;
	}
	*encap_pps = (double)n / t_encap;
	*bare_pps = (double)n / t_bare;
	rc = 0;
out:
	sas_free(&s);
	return rc;
}

/* Packets per second of esp_decap: batches are built untimed, then
 * decapsulated in order (so the window accepts each) under the clock. */
static int bench_decap(size_t size, double seconds, double *pps,
    struct err *e)
{
	static uint8_t payload[MAX_SIZE];
	size_t stride = size + 128, i, n = 0;
	uint8_t *pkts = malloc(DECAP_BATCH * stride);
	size_t *lens = malloc(DECAP_BATCH * sizeof(*lens));
	struct bench_sas s = { NULL, NULL };
	struct esp_rx rx;
	double spent = 0, t;
	int rc = -1;

	if (pkts == NULL || lens == NULL) {
		err_set(e, "%s: out of memory", __func__);
		goto out;
	}
	if (sas_new(&s, e) < 0)
		goto out;
	memset(payload, 0x5a, size);
	while (spent < seconds) {
		for (i = 0; i < DECAP_BATCH; i++)
			if (esp_encap(s.tx, 4, payload, size, NULL,
			    pkts + i * stride, stride, &lens[i], e) < 0)
				goto out;
		t = now();
		for (i = 0; i < DECAP_BATCH; i++)
			if (esp_decap(s.rx, pkts + i * stride, lens[i], &rx) !=
			    ESP_OK) {
				err_set(e, "%s: packet %zu refused", __func__,
				    n + i);
				goto out;
			}
		spent += now() - t;
		n += DECAP_BATCH;
	}
	*pps = (double)n / spent;
	rc = 0;
out:
	sas_free(&s);
	free(pkts);
	free(lens);
	return rc;
}

int main(int argc, char **argv)
{
	static const size_t defaults[] = { 1400, 64 };
	double seconds = 3, pps, bare;
	struct err e = { "" };
	size_t sizes[16], nsizes = 0, i;
	int a = 1;

	if (a + 1 < argc && strcmp(argv[a], "-t") == 0) {
		seconds = atof(argv[a + 1]);
		a += 2;
	}
	for (; a < argc && nsizes < sizeof(sizes) / sizeof(sizes[0]); a++) {
		unsigned long v = strtoul(argv[a], NULL, 10);

		if (v == 0 || v > MAX_SIZE) {
			fprintf(stderr, "bench_esp: bad size `%s' (1..%d)\n",
			    argv[a], MAX_SIZE);
			return 2;
		}
		sizes[nsizes++] = v;
	}
	if (nsizes == 0) {
		memcpy(sizes, defaults, sizeof(defaults));
		nsizes = sizeof(defaults) / sizeof(defaults[0]);
	}
	if (seconds <= 0) {
		fprintf(stderr, "bench_esp: bad duration\n");
		return 2;
	}
	for (i = 0; i < nsizes; i++) {
		if (bench_encap(sizes[i], seconds, &pps, &e) < 0)
			goto fail;
		printf("bench_esp encap %zu %.0f %.0f\n", sizes[i],
		    pps * (double)sizes[i], pps);
		if (bench_bare(sizes[i], seconds, &pps, &bare, &e) < 0)
			goto fail;
		printf("bench_esp bare %zu %.0f %.0f %.0f\n", sizes[i],
		    bare * (double)sizes[i], bare, pps);
		if (bench_decap(sizes[i], seconds, &pps, &e) < 0)
			goto fail;
		printf("bench_esp decap %zu %.0f %.0f\n", sizes[i],
		    pps * (double)sizes[i], pps);
		fflush(stdout);
	}
	return 0;
fail:
	fprintf(stderr, "bench_esp: %s\n", e.text);
	return 1;
}
