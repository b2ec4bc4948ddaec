/* bench_record: how the result-record reader (report_record_parse) scales
 * with the size of a record, the number that says whether it is linear
 * (issue 15.11: a realloc per line made 10 MB take 16 times as long as
 * 2.5 MB, not 4). For each size given (bytes, default 2.5 MB and 10 MB)
 * and each shape it builds a record in memory and times the parse:
 *
 *   checks: one check block per 300 bytes or so (description, verdict,
 *           a detail line and a message line each);
 *   lines:  one check holding every line as `detail|' (a long decoded
 *           message), and as many `note' lines around it.
 *
 * and prints one line per measurement for harness/bench/run.sh:
 *
 *   bench_record SHAPE BYTES <seconds per parse>
 *
 * Usage: bench_record [-t SECONDS] [SIZE ...]; each measurement repeats
 * the parse until SECONDS (default 1) have passed and takes the fastest
 * parse. Wall-clock time (CLOCK_MONOTONIC). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "report.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct text {
	char *s;
	size_t len, cap;
};

static void put(struct text *t, const char *s)
{
	size_t n = strlen(s);

	if (t->len + n + 1 > t->cap) {
		t->cap = 2 * (t->len + n + 1);
		t->s = realloc(t->s, t->cap);
		if (t->s == NULL) {
			fprintf(stderr, "bench_record: out of memory\n");
			exit(1);
		}
	}
	memcpy(t->s + t->len, s, n + 1);
	t->len += n;
}

static void build(struct text *t, const char *shape, size_t size)
{
	char line[256];
	unsigned long k;

	t->len = 0;
	put(t, "iketest-record 1\nscript suites/bench/big.ike\nid big\n"
	    "title a big record\nrfc RFC 7296 2.1\niut bench\n");
	if (strcmp(shape, "lines") == 0)
		put(t, "check 1\nline 1\ndescription big.ike:1 expect\n"
		    "verdict fail\n");
	for (k = 1; t->len < size; k++) {
		if (strcmp(shape, "checks") == 0) {
			snprintf(line, sizeof(line), "check %lu\nline %lu\n"
			    "description big.ike:%lu expect IKE_SA_INIT response\n"
			    "verdict fail\n"
			    "detail| field hdr.flags: expected 0x20 vs actual 0x28\n"
			    "message| IKE header spi_i=0x0102030405060708 "
			    "exchange_type=IKE_SA_INIT\nend-check\n", k, k, k);
		} else {
			snprintf(line, sizeof(line), "detail|   N (41) notify "
			    "line %lu of a long decoded message, 0x3c2f7072653e\n",
			    k);
		}
		put(t, line);
	}
	if (strcmp(shape, "lines") == 0) {
		put(t, "end-check\n");
		for (k = 0; k < 1000; k++)
			put(t, "note a note line of the TAP stream\n");
	}
	put(t, "duration-us 1\nverdict fail\nend\n");
}

static double measure(const struct text *t, double secs)
{
	double start = now(), best = 1e9, t0, dt;
	struct report_record *r;
	struct err e;

	do {
		t0 = now();
		if (report_record_parse("bench.record", t->s, t->len, &r, &e) < 0) {
			fprintf(stderr, "bench_record: %s\n", e.text);
			exit(1);
		}
		report_record_free(r);
		dt = now() - t0;
		if (dt < best)
			best = dt;
	} while (now() - start < secs);
	return best;
}

int main(int argc, char **argv)
{
	static const char *const shapes[] = { "checks", "lines" };
	static const char *const dflt[] = { "2621440", "10485760" };
	struct text t = { NULL, 0, 0 };
	const char *const *sizes = dflt;
	int nsizes = 2, i, k;
	double secs = 1;

	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		secs = atof(argv[2]);
		argc -= 2, argv += 2;
	}
	if (argc > 1) {
		sizes = (const char *const *)argv + 1;
		nsizes = argc - 1;
	}
	for (k = 0; k < 2; k++)
		for (i = 0; i < nsizes; i++) {
			size_t size = strtoul(sizes[i], NULL, 10);

			if (size == 0 || size > REPORT_RECORD_MAX - 65536) {
				fprintf(stderr, "bench_record: size %s: 1 to %d\n",
				    sizes[i], REPORT_RECORD_MAX - 65536);
				return 2;
			}
			build(&t, shapes[k], size);
			printf("bench_record %s %zu %.6f\n", shapes[k], t.len,
			    measure(&t, secs));
			fflush(stdout);
		}
	free(t.s);
	return 0;
}
