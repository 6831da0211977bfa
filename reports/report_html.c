/*
 * report.html: one self-contained page for people who want to *see* where a
 * model fails.  No script, no network, no external font: inline SVG bar
 * charts and a little CSS, readable on a laptop, a phone and on paper.  A
 * Content-Security-Policy that forbids every fetch but data: images backs
 * the escaping up.
 *
 * The order is the reader's (issue 17 §5): the verdict and the headline of
 * each suite first (the base variant's accuracy, the benchmark's official
 * score, Test-S/Test-G), then the diagnosis with its reference points, then
 * the breakdowns (long ones folded past their worst rows), then the items
 * wrong most often, folded.  It holds everything report.md holds, section by
 * section; the pieces are in report_html_parts.c and report_html_official.c.
 * Every string that comes from a dataset, a model or the command line goes
 * through html_esc.
 */
#include <stdlib.h>
#include <string.h>

#include "judge_render.h"
#include "../metrics/stats.h"
#include "../suites/template.h"
#include "report.h"
#include "report_html_int.h"
#include "sources_render.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

/* ---- the top: verdict and headline ---------------------------------------- */

/* More suites than this get compact cards (their facts are in the table under them). */
#define HTML_CARDS_FULL 4

/* compact: one of many suites (the facts are in the table below). */
static void headline_card(struct buf *out, const struct suite_metrics *sm, const struct metrics *m,
			  const cJSON *run, const struct rundir_progress *pg, int compact)
{
	const struct acc *a = &sm->all;
	struct vsr_protocols p;
	int proto = report_vsr_protocols(sm, &p);
	struct buf v = BUF_INIT;
	double lo, hi;

	acc_ci(a, PROP_ACCURACY, &lo, &hi);
	buf_adds(out, "<div class=\"card headline\"><div class=\"name\">");
	html_esc(out, sm->name);
	if (proto && p.g)
		buf_adds(out, " <span class=\"tag\" title=\"the seed paper's name for a template pool "
			      "on the unified test set\">Test-G</span>");
	else if (proto)
		buf_adds(out, " <span class=\"tag\" title=\"the seed paper's name for one template "
			      "on the unified test set\">Test-S</span>");
	buf_addf(out, "</div><div class=\"big\">%.1f%%</div>"
		      "<div class=\"ci\">acc<sub>t</sub> of the base variant · 95%% CI %.1f – %.1f</div>\n",
		 100 * ratio(a->correct, a->tasks), 100 * lo, 100 * hi);
	if (report_interval_note(&v, a, "")) {
		buf_adds(out, "<div class=\"ci\">");
		html_esc(out, v.ptr);
		buf_adds(out, "</div>\n");
		buf_reset(&v);
	}
	if (!compact) {
		report_quote(&v, sm, run, pg, m);
		buf_adds(out, "<div class=\"quote\">To quote: ");
		html_esc(out, v.ptr);
		buf_adds(out, "</div>\n");
		buf_reset(&v);
	}
	if (proto && p.s && p.g) {
		/* Both in one run: Test-S is -t single's template alone (issue 13 §9). */
		double slo, shi;
		acc_ci(p.s, PROP_ACCURACY, &slo, &shi);
		buf_addf(out, "<div class=\"official\">Test-S <span class=\"muted\">(template ");
		html_esc(out, p.s_template);
		buf_addf(out, ")</span>: %.1f%% <span class=\"muted\">95%% CI %.1f – %.1f</span> · "
			      "Test-G <span class=\"muted\">(%zu templates)</span>: %.1f%%</div>\n",
			 100 * ratio(p.s->correct, p.s->tasks), 100 * slo, 100 * shi, p.g_templates,
			 100 * ratio(a->correct, a->tasks));
	}
	html_official_headline(out, m->official, sm->name);
	if (sens_verdict(&v, &sm->sens)) {
		buf_adds(out, "<p class=\"says\"><b>Verdict:</b> ");
		html_esc(out, v.ptr);
		buf_adds(out, "</p>\n");
	}
	buf_release(&v);
	if (compact) {
		buf_addf(out, "<div class=\"facts\">%zu tasks · %.1f%% answered · %zu failed</div></div>\n",
			 a->tasks, 100 * ratio(a->answered, a->tasks), a->errors);
		return;
	}
	buf_addf(out, "<div class=\"facts\">%zu tasks · %zu correct · %.1f%% answered · %zu failed · "
		      "acc<sub>a</sub> %.1f%%",
		 a->tasks, a->correct, 100 * ratio(a->answered, a->tasks), a->errors,
		 100 * ratio(a->correct, a->answered));
	if (report_yes_base(a)) { /* a yes/no suite: its bias */
		buf_adds(out, " · yes-rate ");
		report_pct(out, a->yes, a->answered, 0);
		buf_adds(out, " · true labels ");
		report_pct(out, a->pos_correct, a->pos, 0);
		buf_adds(out, " · false labels ");
		report_pct(out, a->neg_correct, a->neg, 0);
	}
	buf_adds(out, "</div></div>\n");
}

static void all_suites_card(struct buf *out, const struct acc *a)
{
	buf_adds(out, "<div class=\"card headline\"><div class=\"name\">all suites</div>"
		      "<div class=\"big\">");
	buf_addf(out, "%.1f%%</div><div class=\"ci\">acc<sub>t</sub>, every suite's base variant "
		      "together</div><div class=\"facts\">%zu tasks · %zu correct · %zu failed</div>"
		      "</div>\n",
		 100 * ratio(a->correct, a->tasks), a->tasks, a->correct, a->errors);
}

static void verdict_section(struct buf *out, const struct metrics *m, const cJSON *run,
			    const struct rundir_progress *pg)
{
	int variants = 0, compact = m->n_suites > HTML_CARDS_FULL;
	struct buf none = BUF_INIT, v = BUF_INIT;
	size_t n_none = 0;

	buf_addf(out, "<section id=\"verdict\"><div class=\"cards%s\">\n", compact ? " compact" : "");
	html_official_run_headline(out, m->official);
	for (size_t i = 0; i < m->n_suites; i++) {
		headline_card(out, &m->suites[i], m, run, pg, compact);
		variants |= m->suites[i].by_variant.n > 1;
		buf_reset(&v);
		if (!sens_verdict(&v, &m->suites[i].sens)) {
			buf_adds(&none, n_none++ ? ", " : "");
			html_esc(&none, m->suites[i].name);
		}
	}
	buf_release(&v);
	if (m->n_suites > 1)
		all_suites_card(out, &m->all);
	buf_adds(out, "</div>\n");
	/* Said once, not on every card. */
	if (n_none)
		buf_addf(out, "<p class=\"says none\">No verdict%s%s: the diagnosis needs perturbations "
			      "(<code>-p instr,repeat,hflip</code> or <code>-p blind</code>).</p>\n",
			 n_none < m->n_suites ? " for " : "", n_none < m->n_suites ? none.ptr : "");
	buf_release(&none);
	buf_adds(out, "<p class=\"note\">acc<sub>t</sub> = correct / all tasks; acc<sub>a</sub> = "
		      "correct / answered tasks; intervals are 95%, Wilson's counting the tasks of one image "
		      "as one cluster. Errors (failed requests) are "
		      "not answers and are not in any denominator.");
	if (variants)
		buf_adds(out, " Every figure but the \"by variant\" breakdowns and the diagnosis is the "
			      "base variant (original image, the run's templates): perturbation variants "
			      "are reported beside it, never folded in.");
	buf_adds(out, "</p>\n");
	sources_html(run, out);
	buf_adds(out, "<details class=\"fold\"><summary>the headline's numbers</summary>\n");
	html_overall_table(out, m);
	buf_adds(out, "</details></section>\n");
}

/* ---- notes on a suite's data (what report.md says in words) -------------- */

static void data_notes(struct buf *out, const cJSON *run, const char *suite)
{
	const cJSON *suites = run ? cJSON_GetObjectItemCaseSensitive(run, "suites") : NULL, *s;

	cJSON_ArrayForEach(s, suites) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(s, "data");
		const cJSON *skipped = cJSON_GetObjectItemCaseSensitive(d, "skipped_missing_images");
		const cJSON *unusable = cJSON_GetObjectItemCaseSensitive(d, "skipped_unusable_images");
		const cJSON *unsplit = cJSON_GetObjectItemCaseSensitive(d, "unsplit_captions");
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "name"));

		const char *version = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "version"));
		const cJSON *items = cJSON_GetObjectItemCaseSensitive(d, "items");

		if (!name || strcmp(name, suite))
			continue;
		if (version) {
			buf_adds(out, "<p class=\"note\">Data version: <code>");
			html_esc(out, version);
			buf_addf(out, "</code> (%.0f items); numbers on another version of this test set "
				      "are not comparable.</p>\n",
				 cJSON_IsNumber(items) ? items->valuedouble : 0);
		}
		if (cJSON_IsNumber(skipped) && skipped->valuedouble > 0 && cJSON_IsNumber(unusable) &&
		    unusable->valuedouble > 0)
			buf_addf(out, "<p class=\"warn\"><b>%.0f items were skipped because their image "
				      "is missing or cannot be used</b> (%.0f of them for image files that "
				      "are empty, cut short, or of a type that cannot be sent or mirrored; "
				      "--skip-missing-images); the numbers below are over the rest.</p>\n",
				 skipped->valuedouble, unusable->valuedouble);
		else if (cJSON_IsNumber(skipped) && skipped->valuedouble > 0)
			buf_addf(out, "<p class=\"warn\"><b>%.0f items were skipped because their image "
				      "is missing</b> (--skip-missing-images); the numbers below are over "
				      "the rest.</p>\n",
				 skipped->valuedouble);
		if (cJSON_IsNumber(unsplit) && unsplit->valuedouble > 0)
			buf_addf(out, "<p class=\"note\">%.0f captions could not be split into subject, "
				      "relation and object; templates using [subject]/[object] skip "
				      "them.</p>\n",
				 unsplit->valuedouble);
	}
}

/* Lines of text (report_not_applied_text and kin), one warning paragraph each. */
static void warn_lines(struct buf *out, const char *text)
{
	while (*text) {
		size_t len = strcspn(text, "\n");
		char *line = xmalloc(len + 1);
		memcpy(line, text, len);
		line[len] = '\0';
		buf_adds(out, "<p class=\"warn\">");
		html_esc(out, line);
		buf_adds(out, "</p>\n");
		free(line);
		text += len + (text[len] == '\n');
	}
}

/* report.md's "The seed paper's templates" table, for -t vsre. */
static void paper_templates(struct buf *out, const struct groups *by_template)
{
	size_t shown = 0;

	for (size_t i = 0; i < by_template->n; i++) {
		const struct group *g = &by_template->g[i];
		const struct template_reported *p = template_reported_find(g->name);
		const struct acc *a = &g->a;

		if (!p)
			continue;
		if (!shown++)
			buf_adds(out, "<div class=\"figure\" id=\"paper\"><h3>The seed paper's templates: "
				      "this run beside the paper's LLaVA-1.5-13B</h3><div class=\"scroll\">"
				      "<table class=\"nums\"><thead><tr><th>template</th><th>answered</th>"
				      "<th>acc<sub>t</sub></th><th>acc<sub>a</sub></th><th>paper answered</th>"
				      "<th>paper acc<sub>t</sub></th><th>paper acc<sub>a</sub></th></tr>"
				      "</thead><tbody>\n");
		buf_adds(out, "<tr><td>");
		html_esc(out, g->name);
		buf_addf(out, "</td><td class=\"num\">%.2f</td><td class=\"num\">%.2f</td>"
			      "<td class=\"num\">%.2f</td><td class=\"num\">%.2f</td>"
			      "<td class=\"num\">%.2f</td><td class=\"num\">%.2f</td></tr>\n",
			 ratio(a->answered, a->tasks), ratio(a->correct, a->tasks),
			 ratio(a->correct, a->answered), p->answered, p->acc_t, p->acc_a);
	}
	if (shown)
		buf_adds(out, "</tbody></table></div><p class=\"note\">The paper's numbers were typed "
			      "from its slides; see suites/template.c.</p></div>\n");
}

static void template_spread(struct buf *out, const struct groups *gs, const struct sens_result *sr)
{
	struct spread sp;

	if (!groups_spread(gs, &sp))
		return;
	if (spread_none(&sp)) {
		buf_addf(out, "<p>Across %zu templates: every one %.1f%%, <b>no spread</b>.</p>\n",
			 gs->n, 100 * sp.mean);
		return;
	}
	buf_addf(out, "<p>Across %zu templates: mean %.1f%%, worst %.1f%% (", gs->n, 100 * sp.mean,
		 100 * sp.worst);
	html_esc(out, sp.worst_name);
	buf_addf(out, "), best %.1f%% (", 100 * sp.best);
	html_esc(out, sp.best_name);
	buf_addf(out, "): <b>spread %.1f points</b>, standard deviation %.1f points.",
		 100 * (sp.best - sp.worst), 100 * sp.sd);
	{
		struct buf t = BUF_INIT;
		if (report_template_test(&t, sr)) {
			buf_addch(out, ' ');
			html_esc(out, t.ptr);
			buf_addch(out, '.');
		}
		buf_release(&t);
	}
	buf_adds(out, "</p>\n");
}

/* Yes/no suites have their chance line at 50%; lettered ones (2 to 4 options) none. */
static double chance_of(const struct suite_metrics *sm)
{
	return sm->lettered ? -1 : 0.5;
}

static void suite_section(struct buf *out, size_t k, const struct suite_metrics *sm,
			  const struct metrics *m, const cJSON *run)
{
	double chance = chance_of(sm);
	struct buf notes = BUF_INIT;
	char id[64];

	buf_addf(out, "<section class=\"suite\" id=\"suite-%zu\"><h2>Breakdowns: ", k);
	html_esc(out, sm->name);
	buf_adds(out, " <span class=\"h2num\">");
	html_pct_ci(out, &sm->all);
	buf_adds(out, "</span></h2>\n");
	data_notes(out, run, sm->name);
	report_not_applied_text(&notes, sm, run, "");
	report_not_answers_text(&notes, sm, "", 0);
	warn_lines(out, notes.ptr);
	buf_release(&notes);
#define BREAKDOWN(part, title, first, groups, sort)                             \
	do {                                                                    \
		snprintf(id, sizeof(id), "suite-%zu-%s", k, part);              \
		html_breakdown(out, id, title, first, groups, sort, chance);    \
	} while (0)
	BREAKDOWN("category", "Accuracy by meta-category", "category", &sm->by_category, 1);
	BREAKDOWN("relation", "Accuracy by relation", "relation", &sm->by_relation, 1);
	BREAKDOWN("template", "Accuracy by instruction template", "template", &sm->by_template, 1);
	template_spread(out, &sm->by_template, &sm->sens);
	paper_templates(out, &sm->by_template);
	html_official_suite(out, m->official, sm->name);
	BREAKDOWN("format", "Accuracy by answer format", "format", &sm->by_format, 0);
	BREAKDOWN("variant", "Accuracy by variant (beside the headline, not in it)", "variant",
		  &sm->by_variant, 0);
#undef BREAKDOWN
	buf_adds(out, "<p class=\"note\">Whiskers: 95% intervals (Wilson's, clustered by image); dashed line: chance for "
		      "yes/no questions.</p></section>\n");
}

/* ---- the page ------------------------------------------------------------ */

static const char css[] =
	":root{--fg:#1d2330;--muted:#5b6475;--line:#dde1e8;--panel:#f5f6f8;--bar:#3d6fa8;"
	"--bar2:#5585bd;--ok:#e2f1e4;--okfg:#1b5e20;--bad:#fbe3df;--badfg:#8e2418;--accent:#2c5d94}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;color:var(--fg);background:#fff;font:15px/1.45 system-ui,-apple-system,"
	"'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;overflow-wrap:break-word}\n"
	"main{max-width:1120px;margin:0 auto;padding:20px 28px 48px}\n"
	"h1{font-size:24px;margin:0 0 2px}h2{font-size:20px;margin:34px 0 10px;padding-bottom:4px;"
	"border-bottom:2px solid var(--line)}\n"
	"h3{font-size:13px;margin:22px 0 6px;color:var(--muted);text-transform:uppercase;"
	"letter-spacing:.05em}\n"
	".meta{color:var(--muted);margin:0 0 14px}.meta code{color:var(--fg);overflow-wrap:anywhere}\n"
	"nav{margin:18px 0 0;font-size:14px}nav a{margin-right:14px;color:var(--accent);"
	"display:inline-block}\n"
	".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,320px),1fr));gap:12px}\n"
	".card{background:var(--panel);border:1px solid var(--line);border-radius:8px;"
	"padding:12px 16px;min-width:0}\n"
	".card .name{font-weight:600;overflow-wrap:anywhere}.card .big{font-size:38px;font-weight:700;"
	"line-height:1.15}\n"
	".tag{display:inline-block;background:var(--accent);color:#fff;border-radius:4px;"
	"padding:0 6px;font-size:12.5px;font-weight:600;vertical-align:2px}\n"
	".cards.compact .big{font-size:28px}.card.total{grid-column:1/-1;border-color:var(--accent)}"
	".big .unit{font-size:15px;font-weight:400;color:var(--muted)}\n"
	".official{margin-top:6px}.says{margin:10px 0 6px;padding:8px 10px;background:#fff;"
	"border-left:4px solid var(--accent);border-radius:4px}.says.none{color:var(--muted);"
	"border-left-color:var(--line)}\n"
	".ci,.muted,.note,.quote{color:var(--muted)}.quote{font-size:12.5px;margin-top:4px}.note{font-size:13.5px}.facts{font-size:13px;"
	"color:var(--muted);margin-top:4px}\n"
	".warn{background:#fff6e0;border:1px solid #f0d68a;border-radius:6px;padding:6px 10px;"
	"font-size:14px}\n"
	".h2num{font-weight:400;font-size:16px;white-space:nowrap}.nw{white-space:nowrap}\n"
	".chartbox,.scroll{overflow-x:auto;max-width:100%}\n"
	"svg.chart{display:block;width:100%;min-width:760px;max-width:960px;height:auto}\n"
	/* A phone gets the narrow chart: the wide one's numbers would be off its box's edge. */
	".chartbox.narrow{display:none}svg.chart.narrow{min-width:0;max-width:480px}\n"
	"@media (max-width:820px){.chartbox.wide{display:none}.chartbox.narrow{display:block}}\n"
	"svg .nv{text-anchor:end;font-weight:600}\n"
	"svg text{font:12px system-ui,sans-serif;fill:var(--fg)}\n"
	"svg .lbl{text-anchor:end}svg .tick{text-anchor:middle;fill:var(--muted);font-size:11px}\n"
	"svg .grid{stroke:var(--line);stroke-width:1}svg .bar{fill:var(--bar)}"
	"svg .alt{fill:var(--bar2)}\n"
	"svg .whisker{stroke:#1d2330;stroke-width:1.4;fill:none}\n"
	"svg .chance{stroke:#b04a3b;stroke-width:1.2;stroke-dasharray:4 3}\n"
	"svg .ref-blind{stroke:#6b6b6b;stroke-width:3}svg .ref-perfect{stroke:#2e7d32;stroke-width:3}\n"
	".key-blind{color:#6b6b6b;font-weight:bold}.key-perfect{color:#2e7d32;font-weight:bold}\n"
	"svg .n{fill:var(--muted);font-size:11px}\n"
	"details.fold{margin:6px 0}details.fold>summary{cursor:pointer;color:var(--accent);"
	"font-size:14px;padding:2px 0}\n"
	".findings{margin:4px 0 8px;padding-left:20px}.findings li{margin:3px 0}"
	".ref{color:var(--muted);font-size:13.5px}\n"
	"table{border-collapse:collapse;width:100%;font-size:13.5px}\n"
	"th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);"
	"vertical-align:top}th{background:var(--panel);font-weight:600}\n"
	"td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
	"table.worst{min-width:760px}td.prompt{min-width:220px;max-width:420px}"
	"td.item{white-space:nowrap}td.chips{min-width:220px}\n"
	".chip{display:inline-block;padding:1px 6px;margin:1px 0;border-radius:4px;font-size:12px;"
	"max-width:100%;overflow-wrap:anywhere}.ok{background:var(--ok);color:var(--okfg)}"
	".bad{background:var(--bad);color:var(--badfg)}.more{font-size:12px;color:var(--muted);"
	"white-space:nowrap}\n"
	".thumb{width:96px;height:auto;border:1px solid var(--line);border-radius:4px}\n"
	".legend{margin:4px 0 0;padding-left:18px;font-size:13px;color:var(--muted)}\n"
	"footer{margin-top:40px;color:var(--muted);font-size:12.5px}\n"
	"@media (max-width:600px){main{padding:14px 14px 40px}.card .big{font-size:32px}"
	"h2{font-size:18px}}\n"
	"@media print{main{max-width:none;padding:0}nav{display:none}body{font-size:10.5pt}"
	"details.fold>*{display:block}"
	".card,.figure,tr{break-inside:avoid}h2,h3{break-after:avoid}"
	"svg .bar,svg .alt{fill:#555}.chip{border:1px solid #999}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

int report_html(const struct metrics *m, const cJSON *run, const struct rundir_progress *pg,
		struct buf *out)
{
	const cJSON *model = run ? cJSON_GetObjectItemCaseSensitive(run, "model") : NULL;
	struct buf label = BUF_INIT; /* model_label(): the served model's name, the command ... */
	const char *spec = model ? (model_label(run, &label), label.ptr) : NULL;
	const char *tpl = cJSON_GetStringValue(
		run ? cJSON_GetObjectItemCaseSensitive(run, "templates") : NULL);
	const char *proto = report_vsr_protocol(m);

	buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		      "img-src data:; style-src 'unsafe-inline'\">\n<title>vsrbench report");
	if (report_is_partial(pg))
		buf_adds(out, " (partial run)");
	if (spec) {
		buf_adds(out, ": ");
		html_esc(out, spec);
	}
	buf_addf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", css);
	buf_addf(out, "<header><h1>vsrbench report%s</h1><p class=\"meta\">model <code>",
		 report_is_partial(pg) ? " (partial run)" : "");
	html_esc(out, spec ? spec : "?");
	buf_release(&label);
	buf_adds(out, "</code> · templates <code>");
	html_esc(out, tpl ? tpl : "?");
	buf_adds(out, "</code>");
	if (proto)
		buf_addf(out, " (<span class=\"nw\">%s</span> on the unified test set, the seed paper's "
			      "name%s)", proto, strchr(proto, ' ') ? "s" : "");
	buf_addf(out, " · vsrbench %s · %zu journal line%s</p></header>\n", VSR_VERSION, m->lines,
		 m->lines == 1 ? "" : "s");
	if (m->skipped)
		buf_addf(out, "<p class=\"warn\"><b>%zu journal line(s) skipped</b>: longer than %u "
			      "bytes (the first is line %zu)</p>\n",
			 m->skipped, JOURNAL_LINE_MAX, m->first_skipped);
	/* Above the headline cards: their numbers are of the tasks done only. */
	if (report_is_partial(pg)) {
		struct buf p = BUF_INIT;
		report_partial_text(&p, m, pg, NULL);
		buf_adds(out, "<p class=\"warn partial\"><b>");
		html_esc(out, p.ptr);
		buf_adds(out, "</b></p>\n");
		buf_release(&p);
	}
	{
		struct buf p = BUF_INIT;
		if (report_headline_warning(&p, m)) {
			buf_adds(out, "<p class=\"warn\"><b>");
			html_esc(out, p.ptr);
			buf_adds(out, "</b></p>\n");
		}
		buf_release(&p);
	}

	verdict_section(out, m, run, pg);

	buf_adds(out, "<nav><a href=\"#diagnosis\">Diagnosis</a>");
	for (size_t i = 0; i < m->n_suites; i++) {
		buf_addf(out, "<a href=\"#suite-%zu\">", i + 1);
		html_esc(out, m->suites[i].name);
		buf_adds(out, "</a>");
	}
	buf_adds(out, "<a href=\"#worst-items\">Worst items</a></nav>\n");

	buf_adds(out, "<section id=\"diagnosis\"><h2>Diagnosis</h2>\n");
	for (size_t i = 0; i < m->n_suites; i++)
		html_diagnosis(out, &m->suites[i], m);
	buf_adds(out, "</section>\n");

	for (size_t i = 0; i < m->n_suites; i++)
		suite_section(out, i + 1, &m->suites[i], m, run);
	html_official_run(out, m->official);
	html_worst_items(out, m->worst);
	judge_html(m, run, out);

	buf_adds(out, "<footer>Rebuilt from <code>samples.jsonl</code> by <code>vsrbench report "
		      "RUN_DIR</code>; the journal is the single source of truth.</footer>\n"
		      "</main>\n</body>\n</html>\n");
	return out->capped ? VSR_EDATA : 0;
}
