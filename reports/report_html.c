/*
 * report.html: one self-contained page for people who want to *see* where a
 * model fails.  No script, no network, no external font: inline SVG bar
 * charts and a little CSS, readable on a laptop and on paper.  A
 * Content-Security-Policy that forbids every fetch but data: images backs
 * the escaping up.
 *
 * Built from the metrics (and run.json's model and templates): accuracies,
 * the sensitivity figures (when the run measured them) and the items wrong
 * most often (metrics/worst.h: collected when metrics_opts.worst_items asks,
 * which reports_metrics_opts sets for html), with a thumbnail of a small
 * local image.  Every string that comes from a dataset, a model or the
 * command line goes through buf_add_xml_str.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "judge_render.h"
#include "../metrics/stats.h"
#include "../metrics/worst.h"
#include "../base/mime.h"
#include "report.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

#define WORST_CHIPS 40
#define THUMB_MAX (200 * 1024)

/* ---- text helpers ------------------------------------------------------- */

static void esc(struct buf *out, const char *s)
{
	buf_add_xml_str(out, s ? s : "");
}

/* Escaped, at most max bytes cut on a UTF-8 boundary, with an ellipsis. */
static void esc_cut(struct buf *out, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	char *t;

	if (n <= max) {
		esc(out, s);
		return;
	}
	while (max && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	t = xmalloc(max + 1);
	memcpy(t, s, max);
	t[max] = '\0';
	esc(out, t);
	buf_adds(out, "…");
	free(t);
}

static void pct_ci(struct buf *out, size_t k, size_t n)
{
	double lo, hi;

	wilson_interval(k, n, Z95, &lo, &hi);
	buf_addf(out, "%.1f%% <span class=\"ci\">[%.1f, %.1f]</span>", 100 * ratio(k, n), 100 * lo,
		 100 * hi);
}

/* ---- bar charts ---------------------------------------------------------- */

struct bar {
	const char *name;
	double v, lo, hi;
	size_t n;
};

static int bar_cmp(const void *pa, const void *pb)
{
	const struct bar *a = pa, *b = pb;

	if (a->v != b->v)
		return a->v < b->v ? -1 : 1;
	return strcmp(a->name, b->name);
}

#define CH_W 980
#define CH_LABEL 230 /* x where the plot starts */
#define CH_PLOT 520  /* plot width; the value and interval are written after it */
#define CH_ROW 22
#define CH_TOP 22

/*
 * A horizontal bar chart, 0-100%, with the 95% interval as a whisker and a
 * dashed line at `chance` (< 0: none).  Sorted worst first when sort is set.
 */
static void svg_chart(struct buf *out, const char *label, struct bar *bars, size_t n, int sort,
		      double chance)
{
	size_t h = CH_TOP + n * CH_ROW + 6;

	if (!n)
		return;
	if (sort)
		qsort(bars, n, sizeof(*bars), bar_cmp);
	buf_addf(out, "<svg class=\"chart\" viewBox=\"0 0 %d %zu\" width=\"%d\" height=\"%zu\" "
		      "role=\"img\" aria-label=\"",
		 CH_W, h, CH_W, h);
	esc(out, label);
	buf_adds(out, "\">\n");
	for (int t = 0; t <= 100; t += 25) {
		double x = CH_LABEL + CH_PLOT * t / 100.0;
		buf_addf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%zu\"/>"
			      "<text class=\"tick\" x=\"%.1f\" y=\"%d\">%d%%</text>\n",
			 x, CH_TOP - 6, x, h - 4, x, CH_TOP - 9, t);
	}
	for (size_t i = 0; i < n; i++) {
		const struct bar *b = &bars[i];
		double y = CH_TOP + (double)i * CH_ROW, w = CH_PLOT * b->v;
		double xl = CH_LABEL + CH_PLOT * b->lo, xh = CH_LABEL + CH_PLOT * b->hi;
		double ym = y + CH_ROW / 2.0;
		buf_adds(out, "<g><title>");
		esc(out, b->name);
		buf_addf(out, ": %.1f%% [%.1f, %.1f], n = %zu</title>", 100 * b->v, 100 * b->lo,
			 100 * b->hi, b->n);
		buf_addf(out, "<text class=\"lbl\" x=\"%d\" y=\"%.1f\">", CH_LABEL - 8, ym + 4);
		esc_cut(out, b->name, 34);
		buf_addf(out, "</text><rect class=\"%s\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\"/>",
			 i % 2 ? "bar" : "bar alt", CH_LABEL, y + 4, w, CH_ROW - 8);
		buf_addf(out, "<path class=\"whisker\" d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\"/>",
			 xl, ym, xh, xl, ym - 5, ym + 5, xh, ym - 5, ym + 5);
		buf_addf(out, "<text class=\"val\" x=\"%d\" y=\"%.1f\">%.1f%% <tspan class=\"n\">"
			      "[%.1f, %.1f] n=%zu</tspan></text></g>\n",
			 CH_LABEL + CH_PLOT + 10, ym + 4, 100 * b->v, 100 * b->lo, 100 * b->hi, b->n);
	}
	if (chance >= 0) {
		double x = CH_LABEL + CH_PLOT * chance;
		buf_addf(out, "<line class=\"chance\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%zu\"/>\n", x,
			 CH_TOP - 4, x, h - 4);
	}
	buf_adds(out, "</svg>\n");
}

static void group_chart(struct buf *out, const char *title, const struct groups *gs,
			double chance)
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
		wilson_interval(a->correct, a->tasks, Z95, &bars[n].lo, &bars[n].hi);
		bars[n].n = a->tasks;
		n++;
	}
	buf_addf(out, "<div class=\"figure\"><h3>%s</h3>\n", title);
	svg_chart(out, title, bars, n, 1, chance);
	buf_adds(out, "</div>\n");
	free(bars);
}

/* ---- headline ------------------------------------------------------------ */

static void card(struct buf *out, const char *name, const struct acc *a)
{
	double lo, hi;

	wilson_interval(a->correct, a->tasks, Z95, &lo, &hi);
	buf_adds(out, "<div class=\"card\"><div class=\"name\">");
	esc(out, name);
	buf_addf(out, "</div><div class=\"big\">%.1f%%</div>"
		      "<div class=\"ci\">95%% CI %.1f – %.1f</div>"
		      "<div class=\"facts\">%zu tasks · %zu correct · %.1f%% answered · %zu failed"
		      "<br>yes-rate %.1f%% · true labels %.1f%% · false labels %.1f%%</div></div>\n",
		 100 * ratio(a->correct, a->tasks), 100 * lo, 100 * hi, a->tasks, a->correct,
		 100 * ratio(a->answered, a->tasks), a->errors, 100 * ratio(a->yes, a->answered),
		 100 * ratio(a->pos_correct, a->pos), 100 * ratio(a->neg_correct, a->neg));
}

/* ---- sensitivity (the diagnosis issue's figures, when present) ---------- */

static double unit_clamp(double x)
{
	return fmin(1, fmax(0, x));
}

static int prop_of(const struct sens_value *f, struct bar *b, const char *name)
{
	if (!f->present)
		return 0;
	b->name = name;
	b->v = unit_clamp(f->value);
	/* An interval no resample could measure is NaN: the bar then has no whisker. */
	b->lo = isfinite(f->ci_low) ? unit_clamp(f->ci_low) : b->v;
	b->hi = isfinite(f->ci_high) ? unit_clamp(f->ci_high) : b->v;
	b->n = f->n;
	return 1;
}

static void sensitivity(struct buf *out, const struct sens_result *sr)
{
	static const struct {
		enum sens_figure fig;
		const char *name, *what;
	} figs[] = {
		{ SENS_LANGUAGE, "language sensitivity",
		  "items whose answer changes when only the wording changes (lower is better)" },
		{ SENS_CONSISTENCY, "consistency", "items answered right under every wording" },
		{ SENS_FLIP, "flips when mirrored",
		  "left/right items whose answer flips, as it should, when the image is mirrored" },
		{ SENS_KEEP, "keeps when mirrored",
		  "other items whose answer stays, as it should, when the image is mirrored" },
	};
	const struct sens_value *gap = &sr->fig[SENS_BLIND_GAP];
	struct bar bars[4];
	const char *what[4];
	size_t n = 0;

	buf_adds(out, "<div class=\"figure sens\"><h3>Sensitivity</h3>\n");
	for (size_t i = 0; i < sizeof(figs) / sizeof(figs[0]); i++)
		if (prop_of(&sr->fig[figs[i].fig], &bars[n], figs[i].name))
			what[n++] = figs[i].what;
	if (!n && !gap->present) {
		buf_adds(out, "<p class=\"note\">Not measured in this run. Language sensitivity needs "
			      "<code>-p instr</code>, <code>format</code> or <code>converse</code>; visual "
			      "sensitivity <code>-p hflip</code>; the blind gap <code>-p blind</code>.</p>\n"
			      "</div>\n");
		return;
	}
	svg_chart(out, "sensitivity", bars, n, 0, -1);
	if (n) {
		buf_adds(out, "<ul class=\"legend\">");
		for (size_t i = 0; i < n; i++)
			buf_addf(out, "<li><b>%s</b>: %s</li>", bars[i].name, what[i]);
		buf_adds(out, "</ul>\n");
	}
	if (gap->present) {
		buf_addf(out, "<p>Blind gap (accuracy with the image minus without it): "
			      "<b>%+.1f points</b>",
			 100 * gap->value);
		if (isfinite(gap->ci_low) && isfinite(gap->ci_high))
			buf_addf(out, " <span class=\"ci\">[%+.1f, %+.1f]</span>", 100 * gap->ci_low,
				 100 * gap->ci_high);
		buf_adds(out, ".</p>\n");
	}
	buf_adds(out, "</div>\n");
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

static void worst_row(struct buf *out, size_t rank, const struct worst_item *w)
{
	buf_addf(out, "<tr><td class=\"num\">%zu</td><td class=\"item\"><b>", rank);
	esc(out, w->item ? w->item : "");
	buf_adds(out, "</b><br><span class=\"muted\">");
	esc(out, w->suite ? w->suite : "");
	if (w->relation) {
		buf_adds(out, " · ");
		esc(out, w->relation);
	}
	buf_adds(out, "</span></td><td>");
	thumbnail(out, w->image);
	buf_adds(out, "</td><td class=\"prompt\">");
	esc_cut(out, w->prompt, 400);
	buf_addf(out, "</td><td><b>%s</b></td><td class=\"num\">%u of %u</td><td class=\"chips\">",
		 answer_name(w->label), (unsigned)w->wrong, (unsigned)w->total);
	for (size_t i = 0; i < w->n_answers && i < WORST_CHIPS; i++) {
		const struct worst_answer *ch = &w->answers[i];
		buf_addf(out, "<span class=\"chip %s\" title=\"", ch->correct ? "ok" : "bad");
		esc_cut(out, ch->response, 300);
		buf_adds(out, "\">");
		esc(out, ch->tmpl);
		if (strcmp(ch->variant, "base")) {
			buf_adds(out, "·");
			esc(out, ch->variant);
		}
		buf_addf(out, ": %s", answer_name(ch->answer));
		if (ch->answer == ANS_INVALID && ch->response[0]) {
			buf_adds(out, " <q>");
			esc_cut(out, ch->response, 60);
			buf_adds(out, "</q>");
		}
		buf_adds(out, "</span> ");
	}
	if (w->n_answers > WORST_CHIPS)
		buf_addf(out, "<span class=\"muted\">+%zu more</span>", w->n_answers - WORST_CHIPS);
	buf_adds(out, "</td></tr>\n");
}

static void worst_items(struct buf *out, const struct worst_items *w)
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
	buf_addf(out, "<p class=\"note\">The %zu items answered wrongly under the most instruction "
		      "templates and variants (of %zu items). Wrong answers first; hover over an "
		      "answer for the model's words.</p>\n",
		 w->n, w->items_answered);
	buf_adds(out, "<table class=\"worst\"><thead><tr><th>#</th><th>item</th><th>image</th>"
		      "<th>caption / prompt</th><th>expected</th><th>wrong</th><th>answers</th>"
		      "</tr></thead><tbody>\n");
	for (size_t i = 0; i < w->n; i++)
		worst_row(out, i + 1, &w->items[i]);
	buf_adds(out, "</tbody></table></section>\n");
}

/* ---- the page ------------------------------------------------------------ */

static const char css[] =
	":root{--fg:#1d2330;--muted:#5b6475;--line:#dde1e8;--panel:#f5f6f8;--bar:#3d6fa8;"
	"--bar2:#5585bd;--ok:#e2f1e4;--okfg:#1b5e20;--bad:#fbe3df;--badfg:#8e2418}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;color:var(--fg);background:#fff;font:15px/1.45 system-ui,-apple-system,"
	"'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}\n"
	"main{max-width:1120px;margin:0 auto;padding:24px 28px 48px}\n"
	"h1{font-size:26px;margin:0 0 2px}h2{font-size:20px;margin:36px 0 10px;padding-bottom:4px;"
	"border-bottom:2px solid var(--line)}\n"
	"h3{font-size:13px;margin:22px 0 6px;color:var(--muted);text-transform:uppercase;"
	"letter-spacing:.05em}\n"
	".meta{color:var(--muted);margin:0 0 18px}.meta code{color:var(--fg)}\n"
	"nav{margin:0 0 18px;font-size:14px}nav a{margin-right:14px;color:var(--bar)}\n"
	".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:12px}\n"
	".card{background:var(--panel);border:1px solid var(--line);border-radius:8px;"
	"padding:12px 16px}\n"
	".card .name{font-weight:600}.card .big{font-size:34px;font-weight:700;line-height:1.15}\n"
	".ci,.muted,.note{color:var(--muted)}.note{font-size:13.5px}.facts{font-size:13px;"
	"color:var(--muted);margin-top:4px}\n"
	"svg.chart{display:block;width:100%;max-width:960px;height:auto}\n"
	"svg text{font:12px system-ui,sans-serif;fill:var(--fg)}\n"
	"svg .lbl{text-anchor:end}svg .tick{text-anchor:middle;fill:var(--muted);font-size:11px}\n"
	"svg .grid{stroke:var(--line);stroke-width:1}svg .bar{fill:var(--bar)}"
	"svg .alt{fill:var(--bar2)}\n"
	"svg .whisker{stroke:#1d2330;stroke-width:1.4;fill:none}\n"
	"svg .chance{stroke:#b04a3b;stroke-width:1.2;stroke-dasharray:4 3}\n"
	"svg .n{fill:var(--muted);font-size:11px}\n"
	"table{border-collapse:collapse;width:100%;font-size:13.5px}\n"
	"th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);"
	"vertical-align:top}th{background:var(--panel);font-weight:600}\n"
	"td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
	"td.prompt{min-width:280px;max-width:420px}td.item{white-space:nowrap}td.chips{min-width:240px}\n"
	".chip{display:inline-block;padding:1px 6px;margin:1px 0;border-radius:4px;font-size:12px;"
	"max-width:100%;overflow-wrap:anywhere}.ok{background:var(--ok);color:var(--okfg)}"
	".bad{background:var(--bad);color:var(--badfg)}\n"
	".thumb{width:96px;height:auto;border:1px solid var(--line);border-radius:4px}\n"
	".legend{margin:4px 0 0;padding-left:18px;font-size:13px;color:var(--muted)}\n"
	"footer{margin-top:40px;color:var(--muted);font-size:12.5px}\n"
	"@media print{main{max-width:none;padding:0}nav{display:none}body{font-size:10.5pt}"
	".card,.figure,tr{break-inside:avoid}h2,h3{break-after:avoid}"
	"svg .bar,svg .alt{fill:#555}.chip{border:1px solid #999}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* Yes/no suites have their chance line at 50%; lettered ones (2 to 4 options) none. */
static double chance_of(const struct suite_metrics *sm)
{
	return sm->lettered ? -1 : 0.5;
}

int report_html(const struct metrics *m, const cJSON *run, struct buf *out)
{
	const cJSON *model = run ? cJSON_GetObjectItemCaseSensitive(run, "model") : NULL;
	struct buf label = BUF_INIT; /* model_label(): the served model's name, the command ... */
	const char *spec = model ? (model_label(run, &label), label.ptr) : NULL;
	const char *tpl = cJSON_GetStringValue(
		run ? cJSON_GetObjectItemCaseSensitive(run, "templates") : NULL);
	buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		      "img-src data:; style-src 'unsafe-inline'\">\n<title>vsrbench report");
	if (spec) {
		buf_adds(out, ": ");
		esc(out, spec);
	}
	buf_addf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", css);
	buf_adds(out, "<header><h1>vsrbench report</h1><p class=\"meta\">model <code>");
	esc(out, spec ? spec : "?");
	buf_release(&label);
	buf_adds(out, "</code> · templates <code>");
	esc(out, tpl ? tpl : "?");
	buf_addf(out, "</code> · vsrbench %s · %zu journal lines</p></header>\n", VSR_VERSION,
		 m->lines);
	for (size_t i = 0; i < m->n_suites; i++) {
		struct buf v = BUF_INIT;
		if (sens_verdict(&v, &m->suites[i].sens)) {
			buf_adds(out, "<p class=\"verdict\"><strong>");
			esc(out, m->suites[i].name);
			buf_adds(out, "</strong>: ");
			esc(out, v.ptr);
			buf_adds(out, "</p>\n");
		}
		buf_release(&v);
	}
	buf_adds(out, "<nav><a href=\"#overview\">Overview</a>");
	for (size_t i = 0; i < m->n_suites; i++) {
		buf_addf(out, "<a href=\"#suite-%zu\">", i + 1);
		esc(out, m->suites[i].name);
		buf_adds(out, "</a>");
	}
	buf_adds(out, "<a href=\"#worst-items\">Worst items</a></nav>\n");

	buf_adds(out, "<section id=\"overview\"><h2>Overview</h2><div class=\"cards\">\n");
	for (size_t i = 0; i < m->n_suites; i++)
		card(out, m->suites[i].name, &m->suites[i].all);
	if (m->n_suites > 1)
		card(out, "all suites", &m->all);
	buf_adds(out, "</div>\n<p class=\"note\">Accuracy is correct answers over every task the "
		      "model replied to (acc<sub>t</sub>); intervals are Wilson 95%. Failed requests "
		      "are not answers and are in no denominator.</p></section>\n");

	for (size_t i = 0; i < m->n_suites; i++) {
		const struct suite_metrics *sm = &m->suites[i];
		double chance = chance_of(sm);
		struct spread sp;
		buf_addf(out, "<section class=\"suite\" id=\"suite-%zu\"><h2>Suite ", i + 1);
		esc(out, sm->name);
		buf_adds(out, ": ");
		pct_ci(out, sm->all.correct, sm->all.tasks);
		buf_adds(out, "</h2>\n");
		group_chart(out, "Accuracy by meta-category (worst first)", &sm->by_category, chance);
		group_chart(out, "Accuracy by relation (worst first)", &sm->by_relation, chance);
		group_chart(out, "Accuracy by instruction template (worst first)", &sm->by_template,
			    chance);
		if (groups_spread(&sm->by_template, &sp)) {
			buf_addf(out, "<p>Across %zu templates: mean %.1f%%, worst %.1f%% (", sm->by_template.n,
				 100 * sp.mean, 100 * sp.worst);
			esc(out, sp.worst_name);
			buf_addf(out, "), best %.1f%% (", 100 * sp.best);
			esc(out, sp.best_name);
			buf_addf(out, "): <b>spread %.1f points</b>, standard deviation %.1f points.</p>\n",
				 100 * (sp.best - sp.worst), 100 * sp.sd);
		}
		sensitivity(out, &sm->sens);
		buf_adds(out, "<p class=\"note\">Whiskers: 95% intervals (Wilson for accuracies, a "
			      "bootstrap over images for the sensitivity figures); dashed line: chance "
			      "for yes/no questions.</p></section>\n");
	}
	worst_items(out, m->worst);
	judge_html(m, run, out);

	buf_adds(out, "<footer>Rebuilt from <code>samples.jsonl</code> by <code>vsrbench report "
		      "RUN_DIR</code>; the journal is the single source of truth.</footer>\n"
		      "</main>\n</body>\n</html>\n");
	return out->capped ? VSR_EDATA : 0;
}
