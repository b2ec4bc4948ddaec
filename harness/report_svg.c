/* report_svg: small inline SVG drawings (no script, no external file), so
 * the pages read from file:// and print as they look. Every drawing has a
 * <title> and the numbers are also written as text beside it. */
#include "report.h"

static const char *const rs_fill[RV_COUNT] = {
	[RV_PASS] = "#2e7d32", [RV_FAIL] = "#c62828", [RV_SKIP] = "#9e9e9e",
	[RV_TODO] = "#f9a825", [RV_ERROR] = "#6a1b9a",
};

/* A 300x14 bar split in proportion to the counts. */
void report_svg_bar(FILE *f, const struct report_counts *c)
{
	unsigned total = 0, i;
	double x = 0, w;

	for (i = 0; i < RV_COUNT; i++)
		total += c->n[i];
	fprintf(f, "<svg class=\"bar\" width=\"300\" height=\"14\" "
	    "viewBox=\"0 0 300 14\" role=\"img\" aria-label=\"");
	for (i = 0; i < RV_COUNT; i++)
		fprintf(f, "%s%u %s", i ? ", " : "", c->n[i],
		    report_verdict_name((enum report_verdict)i));
	fprintf(f, "\"><rect width=\"300\" height=\"14\" fill=\"#eeeeee\"/>");
	for (i = 0; i < RV_COUNT && total > 0; i++) {
		if (c->n[i] == 0)
			continue;
		w = 300.0 * c->n[i] / total;
		fprintf(f, "<rect class=\"v-%s\" x=\"%.2f\" width=\"%.2f\" "
		    "height=\"14\" fill=\"%s\"><title>%u %s</title></rect>",
		    report_verdict_name((enum report_verdict)i), x, w,
		    rs_fill[i], c->n[i], report_verdict_name((enum report_verdict)i));
		x += w;
	}
	fprintf(f, "</svg>");
}

/* Pairs of bars per gap: the schedule (grey) and the measured time
 * (blue), heights on one scale, values in ms under each pair. */
void report_svg_timing(FILE *f, const struct report_timing *t, size_t n)
{
	uint64_t max = 1;
	size_t i;
	double h, x;
	const double top = 10, plot = 120;

	for (i = 0; i < n; i++) {
		if (t[i].expected_us > max)
			max = t[i].expected_us;
		if (t[i].measured_us > max)
			max = t[i].measured_us;
	}
	fprintf(f, "<svg class=\"timing\" width=\"%zu\" height=\"170\" "
	    "viewBox=\"0 0 %zu 170\" role=\"img\" aria-label=\"retransmission "
	    "gaps, scheduled against measured\">", 40 + n * 80, 40 + n * 80);
	fprintf(f, "<line x1=\"30\" y1=\"%.0f\" x2=\"%zu\" y2=\"%.0f\" "
	    "stroke=\"#333\"/>", top + plot, 30 + n * 80, top + plot);
	for (i = 0; i < n; i++) {
		x = 40 + (double)i * 80;
		h = plot * (double)t[i].expected_us / (double)max;
		fprintf(f, "<rect x=\"%.0f\" y=\"%.2f\" width=\"25\" height=\"%.2f\" "
		    "fill=\"#bdbdbd\"><title>gap %zu scheduled %.3f s</title></rect>",
		    x, top + plot - h, h, i + 1, t[i].expected_us / 1e6);
		h = plot * (double)t[i].measured_us / (double)max;
		fprintf(f, "<rect x=\"%.0f\" y=\"%.2f\" width=\"25\" height=\"%.2f\" "
		    "fill=\"#1565c0\"><title>gap %zu measured %.3f s</title></rect>",
		    x + 27, top + plot - h, h, i + 1, t[i].measured_us / 1e6);
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\">%.0f/%.0f ms"
		    "</text>", x - 4, top + plot + 14, t[i].expected_us / 1e3,
		    t[i].measured_us / 1e3);
	}
	fprintf(f, "<text x=\"30\" y=\"%.0f\" font-size=\"10\">grey: scheduled, "
	    "blue: measured</text></svg>", top + plot + 32);
}

/* A flakiness strip: one 12x12 cell per night, oldest first, filled by
 * its verdict (hollow when the test did not run that night); a night
 * whose verdict is a flaky change gets a black frame and class "flaky". */
void report_svg_strip(FILE *f, const enum report_verdict *v,
    const bool *flaky, const char *const *nights, size_t n)
{
	size_t i;

	fprintf(f, "<svg class=\"strip\" width=\"%zu\" height=\"14\" "
	    "viewBox=\"0 0 %zu 14\" role=\"img\" aria-label=\"", n * 14, n * 14);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s%s", i ? ", " : "", v[i] < RV_COUNT ?
		    report_verdict_name(v[i]) : "absent", flaky[i] ? " (flaky)" : "");
	fprintf(f, "\">");
	for (i = 0; i < n; i++) {
		fprintf(f, "<rect class=\"night%s\" x=\"%zu\" y=\"1\" width=\"12\" "
		    "height=\"12\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\">"
		    "<title>", flaky[i] ? " flaky" : "", i * 14 + 1,
		    v[i] < RV_COUNT ? rs_fill[v[i]] : "none",
		    flaky[i] ? "#000000" : "#9e9e9e", flaky[i] ? "2" : "1");
		report_esc(f, nights[i]);
		fprintf(f, ": %s%s</title></rect>", v[i] < RV_COUNT ?
		    report_verdict_name(v[i]) : "did not run",
		    flaky[i] ? ", flaky change" : "");
	}
	fprintf(f, "</svg>");
}
