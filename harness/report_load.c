/* report_load: the load records of each run's folder (`iketest load --out
 * DIR/NAME.load`, kind iketest-load 1, harness/RESULTS.md), drawn on one
 * page, SITE/load.html: for each, achieved against offered rate and the
 * distributions of setup latency and time to first packet (the share of
 * tunnels at or below each time), as inline SVG with the numbers beside.
 * Reads DIR/ *.load and DIR/SUB/ *.load; a file that is not a load record
 * is named on the page and passed over. */
#include "report_int.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { RL_SAMPLES = 1000, RL_LINE = 1024, RL_FILES = 256 };

struct rl_series {
	double v[RL_SAMPLES];		/* microseconds, sorted */
	size_t n;
	double pct[4];			/* p50 p90 p99 max */
};

struct rl {
	char iut[128], mode[16];
	double offered, tps, elapsed;
	unsigned attempts, established, failed, probes, cookie_at;
	bool cookie_never;
	struct rl_series setup, ttfp;
};

static void rl_series_line(struct rl_series *s, const char *key,
    const char *v)
{
	if (strcmp(key, "-sample") == 0 && s->n < RL_SAMPLES)
		s->v[s->n++] = atof(v);
	else if (strcmp(key, "-us") == 0)
		(void)sscanf(v, "%lf %lf %lf %lf", &s->pct[0], &s->pct[1],
		    &s->pct[2], &s->pct[3]);
}

static void rl_line(struct rl *r, const char *k, const char *v)
{
	if (strcmp(k, "iut") == 0)
		snprintf(r->iut, sizeof(r->iut), "%s", v);
	else if (strcmp(k, "mode") == 0)
		snprintf(r->mode, sizeof(r->mode), "%s", v);
	else if (strcmp(k, "offered") == 0)
		r->offered = atof(v);
	else if (strcmp(k, "tps") == 0)
		r->tps = atof(v);
	else if (strcmp(k, "elapsed-s") == 0)
		r->elapsed = atof(v);
	else if (strcmp(k, "attempts") == 0)
		r->attempts = (unsigned)atoi(v);
	else if (strcmp(k, "established") == 0)
		r->established = (unsigned)atoi(v);
	else if (strcmp(k, "failed") == 0)
		r->failed = (unsigned)atoi(v);
	else if (strcmp(k, "probes") == 0)
		r->probes = (unsigned)atoi(v);
	else if (strcmp(k, "cookie-at") == 0) {
		r->cookie_never = strncmp(v, "never", 5) == 0;
		r->cookie_at = (unsigned)atoi(r->cookie_never ? v + 6 : v);
	} else if (strncmp(k, "setup", 5) == 0)
		rl_series_line(&r->setup, k + 5, v);
	else if (strncmp(k, "ttfp", 4) == 0)
		rl_series_line(&r->ttfp, k + 4, v);
}

/* 0 read, -1 not a load record. */
static int rl_read(const char *path, struct rl *r)
{
	FILE *f = fopen(path, "r");
	char line[RL_LINE], *sp;
	bool first = true;

	memset(r, 0, sizeof(*r));
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (first && strcmp(line, "iketest-load 1") != 0)
			break;
		if (first) {
			first = false;
			continue;
		}
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp = '\0';
		rl_line(r, line, sp + 1);
	}
	fclose(f);
	return first ? -1 : 0;
}

/* Achieved against offered: two bars on one scale. */
static void rl_svg_rate(FILE *f, const struct rl *r)
{
	double max = r->offered > r->tps ? r->offered : r->tps;
	double wo = max > 0 ? 300 * r->offered / max : 0;
	double wa = max > 0 ? 300 * r->tps / max : 0;

	fprintf(f, "<svg class=\"load-rate\" width=\"420\" height=\"50\" "
	    "viewBox=\"0 0 420 50\" role=\"img\" aria-label=\"achieved %.1f/s "
	    "against offered %.1f/s\">", r->tps, r->offered);
	fprintf(f, "<text x=\"0\" y=\"16\" font-size=\"11\">offered</text>"
	    "<rect x=\"60\" y=\"6\" width=\"%.1f\" height=\"14\" fill=\"#9e9e9e\">"
	    "<title>offered %.1f/s</title></rect>", wo, r->offered);
	fprintf(f, "<text x=\"%.1f\" y=\"16\" font-size=\"11\">%s</text>",
	    66 + wo, r->offered > 0 ? "" : "as fast as answered");
	fprintf(f, "<text x=\"0\" y=\"40\" font-size=\"11\">achieved</text>"
	    "<rect x=\"60\" y=\"30\" width=\"%.1f\" height=\"14\" fill=\"#1565c0\">"
	    "<title>achieved %.1f/s</title></rect>"
	    "<text x=\"%.1f\" y=\"40\" font-size=\"11\">%.1f/s</text></svg>",
	    wa, r->tps, 66 + wa, r->tps);
}

static void rl_poly(FILE *f, const struct rl_series *s, double max,
    const char *color, const char *name)
{
	size_t i;

	if (s->n == 0)
		return;
	fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
	    "points=\"", color);
	for (i = 0; i < s->n; i++)
		fprintf(f, "%.1f,%.1f ", 40 + 340 * s->v[i] / max,
		    170 - 150 * (double)(i + 1) / (double)s->n);
	fprintf(f, "\"><title>%s</title></polyline>", name);
}

/* The distributions: the share of tunnels up (or with their first packet
 * through) by each time, both on one time axis. */
static void rl_svg_cdf(FILE *f, const struct rl *r)
{
	double max = 1;

	if (r->setup.n > 0 && r->setup.v[r->setup.n - 1] > max)
		max = r->setup.v[r->setup.n - 1];
	if (r->ttfp.n > 0 && r->ttfp.v[r->ttfp.n - 1] > max)
		max = r->ttfp.v[r->ttfp.n - 1];
	fprintf(f, "<svg class=\"load-cdf\" width=\"400\" height=\"200\" "
	    "viewBox=\"0 0 400 200\" role=\"img\" aria-label=\"setup latency "
	    "and time to first packet, share of tunnels by time\">");
	fprintf(f, "<line x1=\"40\" y1=\"170\" x2=\"380\" y2=\"170\" stroke=\"#333\"/>"
	    "<line x1=\"40\" y1=\"20\" x2=\"40\" y2=\"170\" stroke=\"#333\"/>"
	    "<text x=\"0\" y=\"24\" font-size=\"10\">100%%</text>"
	    "<text x=\"10\" y=\"172\" font-size=\"10\">0</text>"
	    "<text x=\"340\" y=\"185\" font-size=\"10\">%.1f ms</text>",
	    max / 1e3);
	rl_poly(f, &r->setup, max, "#1565c0", "setup latency");
	rl_poly(f, &r->ttfp, max, "#2e7d32", "time to first packet");
	fprintf(f, "<text x=\"50\" y=\"195\" font-size=\"10\" fill=\"#1565c0\">"
	    "setup latency</text><text x=\"180\" y=\"195\" font-size=\"10\" "
	    "fill=\"#2e7d32\">time to first packet</text></svg>");
}

static void rl_pct(FILE *f, const char *what, const struct rl_series *s)
{
	fprintf(f, "<li>%s (ms): p50 %.3f, p90 %.3f, p99 %.3f, max %.3f</li>\n",
	    what, s->pct[0] / 1e3, s->pct[1] / 1e3, s->pct[2] / 1e3,
	    s->pct[3] / 1e3);
}

static void rl_section(FILE *f, const char *path, const struct rl *r)
{
	fprintf(f, "<section class=\"load\"><h2>");
	report_esc(f, path);
	fprintf(f, "</h2>\n<p>%s against ", strcmp(r->mode, "flood") == 0 ?
	    "half-open flood" : "tunnels");
	report_esc(f, r->iut);
	fprintf(f, "</p>\n");
	if (strcmp(r->mode, "flood") == 0) {
		fprintf(f, "<ul><li>%u probes</li><li>COOKIE from: %s%u half-open SAs%s</li></ul>\n",
		    r->probes, r->cookie_never ? "never (made: " : "",
		    r->cookie_at, r->cookie_never ? ")" : "");
		fprintf(f, "</section>\n");
		return;
	}
	fprintf(f, "<ul><li>%u attempts, %u established, %u failed in %.3f s</li>\n",
	    r->attempts, r->established, r->failed, r->elapsed);
	rl_pct(f, "setup latency", &r->setup);
	rl_pct(f, "time to first packet", &r->ttfp);
	fprintf(f, "</ul>\n");
	rl_svg_rate(f, r);
	fprintf(f, "<br>\n");
	rl_svg_cdf(f, r);
	fprintf(f, "\n</section>\n");
}

static bool rl_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The *.load files of dir and of its folders one level down. */
static void rl_scan(const char *dir, int depth, char **paths, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	char p[4096];

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL && *n < RL_FILES) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (stat(p, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth == 0)
			rl_scan(p, 1, paths, n);
		else if (S_ISREG(st.st_mode) && rl_ends(p, ".load") &&
		    (paths[*n] = strdup(p)) != NULL)
			(*n)++;
	}
	closedir(d);
}

static int rl_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rs_load_page(const struct rs *s, struct report_run **runs, size_t nruns)
{
	char *paths[RL_FILES];
	size_t n = 0, i;
	struct rl *r;
	FILE *f;
	int rc = 0;

	for (i = 0; i < nruns; i++)
		rl_scan(runs[i]->dir, 0, paths, &n);
	if (n == 0)
		return 0;
	qsort(paths, n, sizeof(paths[0]), rl_cmp);
	if ((r = malloc(sizeof(*r))) == NULL || (f = rs_open(s, "load.html")) == NULL) {
		rc = -1;
		goto out;
	}
	rs_head(f, "iketest load", "");
	fprintf(f, "<h1>iketest load</h1>\n");
	for (i = 0; i < n; i++) {
		if (rl_read(paths[i], r) < 0) {
			fprintf(f, "<p>");
			report_esc(f, paths[i]);
			fprintf(f, ": not a load record (first line `iketest-load 1')</p>\n");
			continue;
		}
		rl_section(f, paths[i], r);
	}
	rs_foot(f);
	rc = rs_close(s, f, "load.html") < 0 ? -1 : 1;
out:
	free(r);
	for (i = 0; i < n; i++)
		free(paths[i]);
	return rc;
}
