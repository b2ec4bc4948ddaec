/* load_stats: the numbers of a load run: percentiles, failure causes,
 * rates, the summary and the result record (harness/RESULTS.md). */
#include "load_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

uint64_t load_now(void)
{
	return net_now_us();
}

void load_mark(uint64_t *first, uint64_t *last, uint64_t now)
{
	if (*first == 0)
		*first = now;
	*last = now;
}

int load_sample_add(struct load_samples *s, uint64_t v)
{
	uint64_t *nv;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;

		if ((nv = realloc(s->v, cap * sizeof(*nv))) == NULL)
			return -1;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t load_percentile(struct load_samples *s, unsigned q)
{
	size_t rank;

	if (s->n == 0)
		return 0;
	qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
	/* nearest rank: the smallest value with q% of the samples at or below */
	rank = (size_t)((q * s->n + 99) / 100);
	return s->v[rank == 0 ? 0 : rank - 1];
}

void load_cause_add(struct load_result *r, const char *text)
{
	size_t i;

	for (i = 0; i < r->ncauses; i++)
		if (strcmp(r->causes[i].text, text) == 0) {
			r->causes[i].n++;
			return;
		}
	if (r->ncauses == LOAD_CAUSES_MAX) {
		r->causes_other++;
		return;
	}
	snprintf(r->causes[r->ncauses].text, LOAD_CAUSE_LEN, "%s", text);
	r->causes[r->ncauses++].n = 1;
}

double load_tps(const struct load_result *r)
{
	double t = r->elapsed_s;

	return t > 0 ? r->established / t : 0;
}

static double rate_of(unsigned n, double s)
{
	return s > 0 ? n / s : 0;
}

static void print_ms(FILE *out, const char *what, struct load_samples *s)
{
	fprintf(out, "%s (ms, %zu samples): p50 %.3f  p90 %.3f  p99 %.3f  max %.3f\n",
	    what, s->n, load_percentile(s, 50) / 1e3,
	    load_percentile(s, 90) / 1e3, load_percentile(s, 99) / 1e3,
	    load_percentile(s, 100) / 1e3);
}

static void print_tunnels(FILE *out, struct load_result *r)
{
	size_t i;

	if (r->offered > 0)
		fprintf(out, "offered: %.1f/s\n", r->offered);
	else
		fprintf(out, "offered: as fast as the IUT answers\n");
	fprintf(out, "attempts %u, established %u, failed %u, unfinished %u (in %.3f s)\n",
	    r->attempts, r->established, r->failed, r->unfinished, r->elapsed_s);
	fprintf(out, "TPS achieved: %.1f/s\n", load_tps(r));
	if (r->child_note[0] != '\0')
		fprintf(out, "IKE SAs without CHILD SAs: %s\n", r->child_note);
	print_ms(out, "setup latency", &r->setup);
	if (r->echo_note[0] != '\0')
		fprintf(out, "time to first packet: not measured (%s)\n",
		    r->echo_note);
	else
		print_ms(out, "time to first packet", &r->ttfp);
	fprintf(out, "echo: %u sent, %u answered\n", r->echo_sent,
	    r->echo_answered);
	fprintf(out, "TRPS: %u CHILD SA rekeys, %u IKE SA rekeys in %.3f s: %.1f/s\n",
	    r->child_rekeys, r->ike_rekeys, r->rekey_s,
	    rate_of(r->child_rekeys + r->ike_rekeys, r->rekey_s));
	fprintf(out, "deletes: %u in %.3f s: %.1f/s\n", r->deletes, r->delete_s,
	    rate_of(r->deletes, r->delete_s));
	fprintf(out, "retransmissions %u, timeouts %u, COOKIE round trips %u, IUT requests answered %u\n",
	    r->retransmissions, r->timeouts, r->cookies, r->iut_requests);
	for (i = 0; i < r->ncauses; i++)
		fprintf(out, "failure: %u x %s\n", r->causes[i].n,
		    r->causes[i].text);
	if (r->causes_other)
		fprintf(out, "failure: %u x (other causes)\n", r->causes_other);
}

static void print_flood(FILE *out, struct load_result *r)
{
	size_t i;

	fprintf(out, "offered: %s%.1f/s from %u source ports\n",
	    r->offered > 0 ? "" : "as fast as possible; achieved ",
	    r->offered > 0 ? r->offered : rate_of(r->probes, r->attempt_s),
	    r->ports);
	fprintf(out, "probes %u in %.3f s: %.1f/s sent\n", r->probes,
	    r->attempt_s, rate_of(r->probes, r->attempt_s));
	fprintf(out, "answers: %u SA KE Nr (half-open), %u COOKIE, %u other; %.1f/s answered\n",
	    r->answers_sa, r->answers_cookie, r->answers_other,
	    rate_of(r->answers_sa + r->answers_cookie + r->answers_other,
	    r->elapsed_s));
	if (r->cookie_seen)
		fprintf(out, "COOKIE from: %u half-open SAs\n", r->cookie_at);
	else
		fprintf(out, "COOKIE from: never (%u half-open SAs made)\n",
		    r->answers_sa);
	if (r->legit_ok)
		fprintf(out, "legitimate initiator: got through in %.3f ms%s\n",
		    r->legit_us / 1e3, r->legit_cookie ?
		    " with the COOKIE round trip" : " without a COOKIE");
	else if (r->legit_tried)
		fprintf(out, "legitimate initiator: failed: %s\n", r->legit_error);
	for (i = 0; i < r->ncauses; i++)
		fprintf(out, "note: %u x %s\n", r->causes[i].n, r->causes[i].text);
}

void load_print(FILE *out, struct load_result *r)
{
	fprintf(out, "iketest load: %s against %s\n",
	    r->mode == LOAD_FLOOD ? "half-open flood" : "tunnels", r->iut);
	fprintf(out, "precomputation: %s\n", r->precompute);
	if (r->mode == LOAD_FLOOD)
		print_flood(out, r);
	else
		print_tunnels(out, r);
	fprintf(out, "conformance: %u IUT messages judged, %u violations%s%s\n",
	    r->judged, r->violations, r->first_violation[0] ? "; first: " : "",
	    r->first_violation);
}

/* A record value: no newline, no backslash unescaped (RESULTS.md). */
static void rec_text(FILE *out, const char *key, const char *v)
{
	fprintf(out, "%s ", key);
	for (; *v != '\0'; v++) {
		if (*v == '\n')
			fputs("\\n", out);
		else if (*v == '\\')
			fputs("\\\\", out);
		else if ((unsigned char)*v < 0x20)
			fprintf(out, "\\x%02x", (unsigned char)*v);
		else
			fputc(*v, out);
	}
	fputc('\n', out);
}

static void rec_samples(FILE *out, const char *key, struct load_samples *s)
{
	size_t i, step;

	fprintf(out, "%s-us %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
	    key, load_percentile(s, 50), load_percentile(s, 90),
	    load_percentile(s, 99), load_percentile(s, 100));
	/* the distribution for the report: the samples sorted, at most
	 * LOAD_RECORD_SAMPLES of them evenly spaced, the largest last */
	step = s->n / LOAD_RECORD_SAMPLES + 1;
	for (i = 0; i < s->n; i += step)
		fprintf(out, "%s-sample %" PRIu64 "\n", key, s->v[i]);
	if (s->n > 0 && (s->n - 1) % step != 0)
		fprintf(out, "%s-sample %" PRIu64 "\n", key, s->v[s->n - 1]);
}

int load_record_write(FILE *out, const char *profile_path,
    struct load_result *r)
{
	size_t i;

	fprintf(out, "iketest-load 1\n");
	rec_text(out, "profile", profile_path);
	fprintf(out, "mode %s\n", r->mode == LOAD_FLOOD ? "flood" : "tunnels");
	rec_text(out, "iut", r->iut);
	rec_text(out, "precompute", r->precompute);
	fprintf(out, "offered %.3f\nelapsed-s %.6f\nattempt-s %.6f\n",
	    r->offered, r->elapsed_s, r->attempt_s);
	fprintf(out, "attempts %u\nestablished %u\nfailed %u\nunfinished %u\n",
	    r->attempts, r->established, r->failed, r->unfinished);
	fprintf(out, "tps %.3f\n", load_tps(r));
	rec_samples(out, "setup", &r->setup);
	rec_samples(out, "ttfp", &r->ttfp);
	if (r->echo_note[0])
		rec_text(out, "ttfp-note", r->echo_note);
	if (r->child_note[0])
		rec_text(out, "no-child", r->child_note);
	fprintf(out, "echo %u %u\n", r->echo_sent, r->echo_answered);
	fprintf(out, "rekeys %u %u %.6f\n", r->child_rekeys, r->ike_rekeys,
	    r->rekey_s);
	fprintf(out, "deletes %u %.6f\n", r->deletes, r->delete_s);
	fprintf(out, "retransmissions %u\ntimeouts %u\ncookies %u\n",
	    r->retransmissions, r->timeouts, r->cookies);
	for (i = 0; i < r->ncauses; i++) {
		char k[32];

		snprintf(k, sizeof(k), "cause %u", r->causes[i].n);
		rec_text(out, k, r->causes[i].text);
	}
	fprintf(out, "judged %u\nviolations %u\n", r->judged, r->violations);
	if (r->first_violation[0])
		rec_text(out, "first-violation", r->first_violation);
	if (r->mode == LOAD_FLOOD) {
		fprintf(out, "ports %u\nprobes %u\nanswers %u %u %u\n", r->ports,
		    r->probes, r->answers_sa, r->answers_cookie,
		    r->answers_other);
		fprintf(out, "cookie-at %s%u\n", r->cookie_seen ? "" : "never ",
		    r->cookie_seen ? r->cookie_at : r->answers_sa);
		if (r->legit_tried)
			fprintf(out, "legit %s %" PRIu64 " %s\n",
			    r->legit_ok ? "ok" : "fail", r->legit_us,
			    r->legit_cookie ? "cookie" : "no-cookie");
	}
	fprintf(out, "end\n");
	return ferror(out) ? -1 : 0;
}
