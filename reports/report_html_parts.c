/*
 * The pieces of report.html (report_html_int.h): bar charts with interval
 * whiskers, the breakdown tables with report.md's columns, the diagnosis
 * with its reference points, and the items wrong most often.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../metrics/stats.h"
#include "../base/mime.h"
#include "report.h"
#include "report_html_int.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

#define WORST_CHIPS 6
#define THUMB_MAX (200 * 1024)

/* ---- text helpers ------------------------------------------------------- */

void html_esc(struct buf *out, const char *s)
{
	buf_add_xml_str(out, s ? s : "");
}

void html_esc_cut(struct buf *out, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	char *t;

	if (n <= max) {
		html_esc(out, s);
		return;
	}
	max = utf8_cut_len(s, n, max);
	t = xmalloc(max + 1);
	memcpy(t, s, max);
	t[max] = '\0';
	html_esc(out, t);
	buf_adds(out, "…");
	free(t);
}

void html_pct_ci(struct buf *out, const struct acc *a)
{
	double lo, hi;

	acc_ci(a, PROP_ACCURACY, &lo, &hi);
	buf_addf(out, "%.1f%% <span class=\"ci\">[%.1f, %.1f]</span>", 100 * ratio(a->correct, a->tasks),
		 100 * lo, 100 * hi);
}

/* ---- bar charts ---------------------------------------------------------- */

struct bar {
	const char *name;
	double v, lo, hi;
	size_t n;
	const char *unit; /* what n counts, singular ("task", "item", "mirrored pair") */
	const struct acc *a; /* NULL for the diagnosis' figures */
	/* The diagnosis' reference points, drawn as ticks on the bar (has_ref 0: none). */
	int has_ref;
	double ref_blind, ref_perfect; /* a model that ignores the image; a perfect one (< 0: none) */
};

static int bar_cmp(const void *pa, const void *pb)
{
	const struct bar *a = pa, *b = pb;

	if (a->v != b->v)
		return a->v < b->v ? -1 : 1;
	return strcmp(a->name, b->name);
}

#define CH_W 1000
#define CH_LABEL 230 /* x where the plot starts */
#define CH_PLOT 520  /* plot width; the value and interval are written after it */
#define CH_ROW 22
#define CH_TOP 22
/* The narrow chart, for a phone: each row a line of text, the bar under it, a line under that. */
#define NC_W 360
#define NC_ROW 46
#define NC_TOP 16

/* "[lo, hi] · 120 items": the interval and, in words, what the bar counts. */
static void bar_count(struct buf *out, const struct bar *b)
{
	buf_addf(out, "[%.1f, %.1f] · %zu %s%s", 100 * b->lo, 100 * b->hi, b->n, b->unit,
		 b->n == 1 ? "" : "s");
}

/* What one bar draws at plot x0 and width w, its bar from y to y + bh: the same in both charts. */
static void bar_marks(struct buf *out, const struct bar *b, size_t i, double x0, double w, double y,
		      double bh)
{
	double xl = x0 + w * b->lo, xh = x0 + w * b->hi, ym = y + bh / 2;

	buf_addf(out, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
		 i % 2 ? "bar" : "bar alt", x0, y, w * b->v, bh);
	buf_addf(out, "<path class=\"whisker\" d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\"/>",
		 xl, ym, xh, xl, ym - 5, ym + 5, xh, ym - 5, ym + 5);
	if (b->has_ref && b->ref_blind >= 0)
		buf_addf(out, "<path class=\"ref-blind\" d=\"M%.1f %.1fV%.1f\"/>", x0 + w * b->ref_blind,
			 y - 3, y + bh + 3);
	if (b->has_ref && b->ref_perfect >= 0)
		buf_addf(out, "<path class=\"ref-perfect\" d=\"M%.1f %.1fV%.1f\"/>",
			 x0 + w * b->ref_perfect, y - 3, y + bh + 3);
}

static void bar_title(struct buf *out, const struct bar *b)
{
	buf_adds(out, "<g><title>");
	html_esc(out, b->name);
	buf_addf(out, ": %.1f%% ", 100 * b->v);
	bar_count(out, b);
	buf_adds(out, "</title>");
}

static void chart_open(struct buf *out, const char *cls, const char *label, int w, size_t h)
{
	buf_addf(out, "<div class=\"chartbox %s\"><svg class=\"chart %s\" viewBox=\"0 0 %d %zu\" "
		      "width=\"%d\" height=\"%zu\" role=\"img\" aria-label=\"",
		 cls, cls, w, h, w, h);
	html_esc(out, label);
	buf_adds(out, "\">\n");
}

/*
 * The same bars for a phone (report_html.c's CSS shows one of the two by the
 * page's width): the wide chart's label, plot and numbers side by side need
 * 760 px, and on a phone its numbers were off the edge of its box.
 */
static void svg_chart_narrow(struct buf *out, const char *label, const struct bar *bars, size_t n,
			     double chance)
{
	size_t h = NC_TOP + n * NC_ROW;

	chart_open(out, "narrow", label, NC_W, h);
	for (int t = 0; t <= 100; t += 25)
		buf_addf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%zu\"/>"
			      "<text class=\"tick\" x=\"%.1f\" y=\"10\"%s>%d%%</text>\n",
			 fmin(NC_W - 0.5, fmax(0.5, NC_W * t / 100.0)), NC_TOP - 4,
			 fmin(NC_W - 0.5, fmax(0.5, NC_W * t / 100.0)), h - 4, NC_W * t / 100.0,
			 t == 0 ? " style=\"text-anchor:start\"" : t == 100 ? " style=\"text-anchor:end\"" : "",
			 t);
	for (size_t i = 0; i < n; i++) {
		const struct bar *b = &bars[i];
		double y = NC_TOP + (double)i * NC_ROW;
		bar_title(out, b);
		buf_addf(out, "<text x=\"0\" y=\"%.1f\">", y + 12);
		html_esc_cut(out, b->name, 34);
		buf_addf(out, "</text><text class=\"nv\" x=\"%d\" y=\"%.1f\">%.1f%%</text>", NC_W, y + 12,
			 100 * b->v);
		bar_marks(out, b, i, 0, NC_W, y + 17, 10);
		buf_addf(out, "<text class=\"n\" x=\"0\" y=\"%.1f\">", y + 40);
		bar_count(out, b);
		buf_adds(out, "</text></g>\n");
	}
	if (chance >= 0)
		buf_addf(out, "<line class=\"chance\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%zu\"/>\n",
			 NC_W * chance, NC_TOP - 4, NC_W * chance, h - 4);
	buf_adds(out, "</svg></div>\n");
}

/*
 * A horizontal bar chart, 0-100%, the 95% interval as a whisker, a dashed
 * line at chance (< 0: none); and the same chart for a phone.
 */
static void svg_chart(struct buf *out, const char *label, const struct bar *bars, size_t n,
		      double chance)
{
	size_t h = CH_TOP + n * CH_ROW + 6;

	if (!n)
		return;
	chart_open(out, "wide", label, CH_W, h);
	for (int t = 0; t <= 100; t += 25) {
		double x = CH_LABEL + CH_PLOT * t / 100.0;
		buf_addf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%zu\"/>"
			      "<text class=\"tick\" x=\"%.1f\" y=\"%d\">%d%%</text>\n",
			 x, CH_TOP - 6, x, h - 4, x, CH_TOP - 9, t);
	}
	for (size_t i = 0; i < n; i++) {
		const struct bar *b = &bars[i];
		double y = CH_TOP + (double)i * CH_ROW, ym = y + CH_ROW / 2.0;
		bar_title(out, b);
		buf_addf(out, "<text class=\"lbl\" x=\"%d\" y=\"%.1f\">", CH_LABEL - 8, ym + 4);
		html_esc_cut(out, b->name, 34);
		buf_adds(out, "</text>");
		bar_marks(out, b, i, CH_LABEL, CH_PLOT, y + 4, CH_ROW - 8);
		buf_addf(out, "<text class=\"val\" x=\"%d\" y=\"%.1f\">%.1f%% <tspan class=\"n\">",
			 CH_LABEL + CH_PLOT + 10, ym + 4, 100 * b->v);
		bar_count(out, b);
		buf_adds(out, "</tspan></text></g>\n");
	}
	if (chance >= 0) {
		double x = CH_LABEL + CH_PLOT * chance;
		buf_addf(out, "<line class=\"chance\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%zu\"/>\n", x,
			 CH_TOP - 4, x, h - 4);
	}
	buf_adds(out, "</svg></div>\n");
	svg_chart_narrow(out, label, bars, n, chance);
}

/* ---- breakdowns ---------------------------------------------------------- */

static void table_head(struct buf *out, const char *first)
{
	buf_addf(out, "<div class=\"scroll\"><table class=\"nums\"><thead><tr><th>%s</th>"
		      "<th>tasks</th><th>errors</th><th>answered</th><th>acc<sub>t</sub> [95%% CI]</th>"
		      "<th>acc<sub>a</sub></th><th>yes-rate</th><th>acc (true label)</th>"
		      "<th>acc (false label)</th></tr></thead><tbody>\n",
		 first);
}

static void table_row(struct buf *out, const char *name, const struct acc *a)
{
	buf_adds(out, "<tr><td>");
	html_esc(out, name);
	buf_addf(out, "</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
		      "<td class=\"num\">", a->tasks, a->errors);
	report_acc_cells(out, a, "</td><td class=\"num\">", "<span class=\"ci\">", "</span>");
	buf_adds(out, "</td></tr>\n");
}

static const char table_tail[] = "</tbody></table></div>\n";

void html_overall_table(struct buf *out, const struct metrics *m)
{
	table_head(out, "suite");
	for (size_t i = 0; i < m->n_suites; i++)
		table_row(out, m->suites[i].name, &m->suites[i].all);
	if (m->n_suites > 1)
		table_row(out, "all suites", &m->all);
	buf_adds(out, table_tail);
}

void html_breakdown(struct buf *out, const char *id, const char *title, const char *first,
		    const struct groups *gs, int sort, double chance)
{
	struct bar *bars;
	size_t n = 0;

	for (size_t i = 0; i < gs->n; i++)
		n += gs->g[i].a.tasks > 0;
	if (!n)
		return;
	bars = xcalloc(n, sizeof(*bars));
	n = 0;
	for (size_t i = 0; i < gs->n; i++) {
		const struct acc *a = &gs->g[i].a;
		if (!a->tasks)
			continue;
		bars[n].name = gs->g[i].name;
		bars[n].v = ratio(a->correct, a->tasks);
		acc_ci(a, PROP_ACCURACY, &bars[n].lo, &bars[n].hi);
		bars[n].n = a->tasks;
		bars[n].unit = "task";
		bars[n].a = a;
		n++;
	}
	if (sort)
		qsort(bars, n, sizeof(*bars), bar_cmp);
	buf_addf(out, "<div class=\"figure\" id=\"%s\"><h3>", id);
	html_esc(out, title);
	buf_addf(out, "%s</h3>\n", sort ? " (worst first)" : "");
	if (n > HTML_FOLD_ROWS) {
		/* The worst rows open; all of them one click away. */
		svg_chart(out, title, bars, HTML_FOLD_SHOW, chance);
		size_t len = strlen(first);
		int y = len && first[len - 1] == 'y'; /* category: categories */
		buf_addf(out, "<details class=\"fold\"><summary>all %zu %.*s%s</summary>\n", n,
			 (int)(len - (size_t)y), first, y ? "ies" : "s");
		svg_chart(out, title, bars, n, chance);
		buf_adds(out, "</details>\n");
	} else {
		svg_chart(out, title, bars, n, chance);
	}
	buf_addf(out, "<details class=\"fold\"><summary>numbers (%zu row%s: answered, acc<sub>a</sub>, "
		      "yes-rate, true/false labels)</summary>\n",
		 n, n == 1 ? "" : "s");
	table_head(out, first);
	for (size_t i = 0; i < n; i++)
		table_row(out, bars[i].name, bars[i].a);
	buf_adds(out, table_tail);
	buf_adds(out, "</details></div>\n");
	free(bars);
}

/* ---- the diagnosis -------------------------------------------------------- */

static double unit_clamp(double x)
{
	return fmin(1, fmax(0, x));
}

static int prop_of(const struct sens_value *f, struct bar *b, const char *name, const char *unit)
{
	if (!f->present)
		return 0;
	b->name = name;
	b->v = unit_clamp(f->value);
	/* An interval no resample could measure is NaN: the bar then has no whisker. */
	b->lo = isfinite(f->ci_low) ? unit_clamp(f->ci_low) : b->v;
	b->hi = isfinite(f->ci_high) ? unit_clamp(f->ci_high) : b->v;
	b->n = f->n;
	b->unit = unit;
	return 1;
}

/* sens_diagnosis' lines as a list: an indented line is the reference point of the one above. */
static void findings(struct buf *out, const char *text)
{
	const char *p = text;
	int open = 0;

	buf_adds(out, "<ul class=\"findings\">");
	while (*p) {
		size_t len = strcspn(p, "\n");
		char *line = xmalloc(len + 1);
		memcpy(line, p, len);
		line[len] = '\0';
		if (!strncmp(line, "  ", 2) && open) {
			buf_adds(out, "<br><span class=\"ref\">");
			html_esc(out, line + 2);
			buf_adds(out, "</span>");
		} else {
			buf_adds(out, open ? "</li><li>" : "<li>");
			html_esc(out, line);
			open = 1;
		}
		free(line);
		p += len + (p[len] == '\n');
	}
	buf_adds(out, open ? "</li></ul>\n" : "</ul>\n");
}

void html_diagnosis(struct buf *out, const struct suite_metrics *sm, const struct metrics *m)
{
	/* blind, perfect: the reference points drawn on each bar (< 0: none). */
	static const struct {
		enum sens_figure fig;
		const char *name, *unit, *what;
		double blind, perfect;
	} figs[] = {
		{ SENS_LANGUAGE, "language sensitivity", "item",
		  "wording pairs (one item, two wordings) whose answers differ, averaged over "
		  "items (perfect: 0%)", -1, 0 },
		{ SENS_REPEAT, "noise (same request again)", "repeated pair",
		  "answers that change when the same request is sent again: the floor for the above",
		  -1, 0 },
		{ SENS_CONSISTENCY, "consistency", "item",
		  "items answered right under every wording (perfect: 100%)", -1, 1 },
		{ SENS_FLIP, "flips when mirrored", "mirrored pair",
		  "left/right answers that flip, as they should, when the image is mirrored (a model "
		  "that ignores the image: 0%; perfect: 100%)", 0, 1 },
		{ SENS_KEEP, "keeps when mirrored", "mirrored pair",
		  "other answers that stay, as they should, when the image is mirrored (a model that "
		  "ignores the image: 100%; perfect: 100%)", 1, 1 },
	};
	struct bar bars[5] = { 0 };
	const char *what[5];
	struct buf d = BUF_INIT;
	size_t n = 0;

	buf_adds(out, "<div class=\"diag\"><h3>");
	html_esc(out, sm->name);
	buf_adds(out, "</h3>\n");
	if (!sens_any(&sm->sens)) {
		buf_adds(out, "<p class=\"note\">Not measured in this run. Language sensitivity needs "
			      "<code>-p instr</code>, <code>format</code> or <code>converse</code> (with "
			      "<code>-p repeat</code> for the noise floor); visual sensitivity "
			      "<code>-p hflip</code>; the blind gap <code>-p blind</code>.</p></div>\n");
		return;
	}
	for (size_t i = 0; i < sizeof(figs) / sizeof(figs[0]); i++)
		if (prop_of(&sm->sens.fig[figs[i].fig], &bars[n], figs[i].name, figs[i].unit)) {
			bars[n].has_ref = 1;
			bars[n].ref_blind = figs[i].blind;
			bars[n].ref_perfect = figs[i].perfect;
			what[n++] = figs[i].what;
		}
	sens_diagnosis(&d, &sm->sens, "");
	sens_blind_note(&d, sm, "");
	findings(out, d.ptr);
	buf_release(&d);
	if (n) {
		svg_chart(out, "diagnosis", bars, n, -1);
		buf_adds(out, "<ul class=\"legend\">");
		for (size_t i = 0; i < n; i++)
			buf_addf(out, "<li><b>%s</b>: %s</li>", bars[i].name, what[i]);
		buf_adds(out, "<li><span class=\"key-blind\">|</span> where a model that ignores the "
			      "image stands; <span class=\"key-perfect\">|</span> where a perfect model "
			      "stands (a bar at the grey mark says nothing about the image)</li>");
		buf_adds(out, "</ul>\n");
	}
	buf_addf(out, "<p class=\"note\">Intervals: percentile bootstrap over %zu image%s, %zu "
		      "resamples, seed %llu; never narrower than Wilson's interval counting each "
		      "image once.</p></div>\n",
		 sm->sens.clusters, sm->sens.clusters == 1 ? "" : "s", m->resamples, (unsigned long long)m->seed);
}

/* ---- the items wrong most often ----------------------------------------- */

/* An inline thumbnail when the image is a small local file; else a dash. */
static void thumbnail(struct buf *out, const char *path)
{
	struct stat st;
	struct buf img = BUF_INIT;
	const char *mime;

	if (!path || stat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size >= THUMB_MAX) {
		buf_adds(out, "<span class=\"noimg\">—</span>");
		return;
	}
	img.max = THUMB_MAX;
	if (buf_read_file(&img, path) ||
	    strncmp(mime = image_sniff_mime((const unsigned char *)img.ptr, img.len), "image/", 6)) {
		buf_release(&img);
		buf_adds(out, "<span class=\"noimg\">—</span>");
		return;
	}
	buf_addf(out, "<img class=\"thumb\" alt=\"\" src=\"data:%s;base64,", mime);
	buf_add_base64(out, (const unsigned char *)img.ptr, img.len);
	buf_adds(out, "\">");
	buf_release(&img);
}

static void chip(struct buf *out, const struct worst_answer *ch)
{
	buf_addf(out, "<span class=\"chip %s\" title=\"", ch->correct ? "ok" : "bad");
	html_esc_cut(out, ch->response, 300);
	buf_adds(out, "\">");
	html_esc(out, ch->tmpl);
	if (strcmp(ch->variant, "base")) {
		buf_adds(out, "·");
		html_esc(out, ch->variant);
	}
	buf_addf(out, ": %s", answer_name(ch->answer));
	if (ch->answer == ANS_INVALID && ch->response[0]) {
		buf_adds(out, " <q>");
		html_esc_cut(out, ch->response, 60);
		buf_adds(out, "</q>");
	}
	buf_adds(out, "</span> ");
}

static void worst_row(struct buf *out, size_t rank, const struct worst_item *w)
{
	size_t shown = 0, wrong_shown = 0;

	buf_addf(out, "<tr><td class=\"num\">%zu</td><td class=\"item\"><b>", rank);
	html_esc(out, w->item ? w->item : "");
	buf_adds(out, "</b><br><span class=\"muted\">");
	html_esc(out, w->suite ? w->suite : "");
	if (w->relation) {
		buf_adds(out, " · ");
		html_esc(out, w->relation);
	}
	buf_adds(out, "</span></td><td>");
	thumbnail(out, w->image);
	buf_adds(out, "</td><td class=\"prompt\">");
	html_esc_cut(out, w->prompt, 400);
	buf_addf(out, "</td><td><b>%s</b></td><td class=\"num\">%u of %u</td><td class=\"chips\">",
		 answer_name(w->label), (unsigned)w->wrong, (unsigned)w->total);
	/* A few answers (wrong ones first, as worst.h orders them) and a count of the rest. */
	for (size_t i = 0; i < w->n_answers && shown < WORST_CHIPS; i++, shown++) {
		chip(out, &w->answers[i]);
		wrong_shown += !w->answers[i].correct;
	}
	if (w->n_answers > shown) {
		size_t wrong_all = 0;
		for (size_t i = 0; i < w->n_answers; i++)
			wrong_all += !w->answers[i].correct;
		buf_addf(out, "<span class=\"more\">+%zu more (%zu wrong)</span>",
			 w->n_answers - shown, wrong_all - wrong_shown);
	}
	buf_adds(out, "</td></tr>\n");
}

void html_worst_items(struct buf *out, const struct worst_items *w)
{
	buf_adds(out, "<section id=\"worst-items\"><h2>Items wrong most often</h2>\n");
	if (!w) {
		buf_adds(out, "<p class=\"note\">The items were not collected.</p></section>\n");
		return;
	}
	if (!w->n) {
		buf_adds(out, "<p class=\"note\">No item was answered wrongly.</p></section>\n");
		return;
	}
	buf_addf(out, "<details class=\"fold\"><summary>the %zu items answered wrongly under the "
		      "most instruction templates and variants (of %zu items); the worst: wrong %u of "
		      "%u times</summary>\n",
		 w->n, w->items_answered, (unsigned)w->items[0].wrong, (unsigned)w->items[0].total);
	buf_addf(out, "<p class=\"note\">Each row shows the first %d answers (wrong ones first) and "
		      "counts the rest; hover over an answer for the model's words.</p>\n",
		 WORST_CHIPS);
	buf_adds(out, "<div class=\"scroll\"><table class=\"worst\"><thead><tr><th>#</th><th>item</th>"
		      "<th>image</th><th>caption / prompt</th><th>expected</th><th>wrong</th>"
		      "<th>answers</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < w->n; i++)
		worst_row(out, i + 1, &w->items[i]);
	buf_adds(out, "</tbody></table></div></details></section>\n");
}
