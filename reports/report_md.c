/* report.md: the human-readable report, for terminals and pull requests. */
#include <stdlib.h>
#include <string.h>

#include "judge_render.h"
#include "official_render.h"
#include "../metrics/stats.h"
#include "../harness/rundir.h"
#include "report.h"
#include "sources_render.h"
#include "../base/util.h" /* last: it includes banned.h */

/* Dataset names may hold '|' or newlines: keep the table intact. */
static void md_cell(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			buf_adds(out, "\\|");
		else if (*s == '\n' || *s == '\r')
			buf_addch(out, ' ');
		else
			buf_addch(out, *s);
	}
}

static void row(struct buf *out, const char *name, const struct acc *a)
{
	buf_adds(out, "| ");
	md_cell(out, name);
	buf_addf(out, " | %zu | %zu | ", a->tasks, a->errors);
	report_acc_cells(out, a, " | ", "", "");
	buf_adds(out, " |\n");
}

static void header(struct buf *out, const char *first)
{
	buf_addf(out, "| %s | tasks | errors | answered | acc_t [95%% CI] | acc_a | yes-rate | "
		      "acc (true label) | acc (false label) |\n",
		 first);
	buf_adds(out, "|---|---:|---:|---:|---|---:|---:|---:|---:|\n");
}

static int by_accuracy(const void *pa, const void *pb)
{
	const struct group *a = *(const struct group *const *)pa;
	const struct group *b = *(const struct group *const *)pb;
	double x = ratio(a->a.correct, a->a.tasks), y = ratio(b->a.correct, b->a.tasks);

	if (x != y)
		return x < y ? -1 : 1;
	return strcmp(a->name, b->name);
}

static void group_table(struct buf *out, const char *title, const char *first,
			const struct groups *gs, int sort_by_accuracy)
{
	const struct group **order;

	if (!gs->n)
		return;
	order = xmalloc(gs->n * sizeof(*order));
	for (size_t i = 0; i < gs->n; i++)
		order[i] = &gs->g[i];
	if (sort_by_accuracy)
		qsort(order, gs->n, sizeof(*order), by_accuracy);
	buf_addf(out, "\n### %s\n\n", title);
	header(out, first);
	for (size_t i = 0; i < gs->n; i++)
		row(out, order[i]->name, &order[i]->a);
	free(order);
}

static void template_spread_md(struct buf *out, const struct groups *gs,
			       const struct sens_result *sr)
{
	struct spread sp;

	if (!groups_spread(gs, &sp))
		return;
	if (spread_none(&sp)) {
		buf_addf(out, "\nAcross %zu templates: every one %.1f%%, no spread.\n", gs->n,
			 100 * sp.mean);
		return;
	}
	buf_addf(out, "\nAcross %zu templates: mean %.1f%%, worst %.1f%% (", gs->n, 100 * sp.mean,
		 100 * sp.worst);
	md_cell(out, sp.worst_name);
	buf_addf(out, "), best %.1f%% (", 100 * sp.best);
	md_cell(out, sp.best_name);
	buf_addf(out, "), spread %.1f points, standard deviation %.1f points.",
		 100 * (sp.best - sp.worst), 100 * sp.sd);
	{
		struct buf t = BUF_INIT;
		if (report_template_test(&t, sr))
			buf_addf(out, " %s.", t.ptr);
		buf_release(&t);
	}
	buf_addch(out, '\n');
}

static double num_of(const cJSON *o, const char *key)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* What run.json says about the suite's data that changes how to read it. */
static void data_notes(struct buf *out, const cJSON *run, const char *suite)
{
	const cJSON *suites = run ? cJSON_GetObjectItemCaseSensitive(run, "suites") : NULL, *s;
	const cJSON *sources;

	cJSON_ArrayForEach(s, suites) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(s, "data");
		const cJSON *skipped = cJSON_GetObjectItemCaseSensitive(d, "skipped_missing_images");
		const cJSON *unsplit = cJSON_GetObjectItemCaseSensitive(d, "unsplit_captions");
		const cJSON *unknown = cJSON_GetObjectItemCaseSensitive(d, "unknown_relations");
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "name"));

		const char *version = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "version"));
		const char *sha = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "sha256"));

		if (!name || strcmp(name, suite))
			continue;
		if (version) { /* VSR's zero-shot test has had more than one published version */
			buf_adds(out, "\nData version: ");
			buf_add_md_code(out, version, 0, 0);
			buf_addf(out, " (%.0f items; sha256 of the split file ", num_of(d, "items"));
			buf_add_md_code(out, sha ? sha : "?", 12, 0);
			buf_adds(out, "). Numbers on another version of this test set are not comparable "
				      "(`vsrbench compare` refuses them).\n");
		}
		if (cJSON_IsNumber(skipped) && skipped->valuedouble > 0 &&
		    num_of(d, "skipped_unusable_images") > 0)
			buf_addf(out, "\n**%.0f items were skipped because their image is missing or cannot "
				      "be used** (%.0f of them for %.0f image files that are empty, cut "
				      "short, or of a type that cannot be sent or mirrored; "
				      "--skip-missing-images); the numbers below are over the rest.\n",
				 skipped->valuedouble, num_of(d, "skipped_unusable_images"),
				 num_of(d, "unusable_images"));
		else if (cJSON_IsNumber(skipped) && skipped->valuedouble > 0)
			buf_addf(out, "\n**%.0f items were skipped because their image is missing** "
				      "(--skip-missing-images); the numbers below are over the rest.\n",
				 skipped->valuedouble);
		if (cJSON_IsNumber(unknown) && unknown->valuedouble > 0)
			buf_addf(out, "\n**%.0f items have a relation VSR does not have** "
				      "(--allow-unknown-relations): they are in no meta-category.\n",
				 unknown->valuedouble);
		if (cJSON_IsNumber(unsplit) && unsplit->valuedouble > 0)
			buf_addf(out, "\n%.0f captions could not be split into subject, relation and "
				      "object; templates using [subject]/[object] skip them.\n",
				 unsplit->valuedouble);
		if (num_of(d, "skipped_not_single_image") > 0)
			buf_addf(out, "\n%.0f questions about videos or several images were not asked: "
				      "the numbers below are over the single-image questions (SEED-Bench's "
				      "published image figure); video questions are not in them.\n",
				 num_of(d, "skipped_not_single_image"));
		if (num_of(d, "answers_trimmed") > 0)
			buf_addf(out, "\n%.0f ground-truth answers in the question file have spaces "
				      "around the letter; read trimmed (\"A \" is A).\n",
				 num_of(d, "answers_trimmed"));
		if (num_of(d, "duplicate_ids") > 0)
			buf_addf(out, "\n%.0f questions repeat an earlier question id; the first counts, "
				      "the repeats are left out.\n",
				 num_of(d, "duplicate_ids"));
	}
	/* Recorded answers scored by `vsrbench score`: how their files were read. */
	sources = run ? cJSON_GetObjectItemCaseSensitive(run, "source") : NULL;
	cJSON_ArrayForEach(s, sources) {
		const char *sname = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "suite"));
		const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "path"));

		if (!sname || !path || strcmp(sname, suite))
			continue;
		if (num_of(s, "duplicate_ids") > 0) {
			buf_adds(out, "\n");
			buf_add_md_code(out, path, 0, 0);
			buf_addf(out, ": %.0f question ids appear more than once (%.0f of them with "
				      "another prediction); the first answer counts.\n",
				 num_of(s, "duplicate_ids"), num_of(s, "duplicate_ids_differ"));
		}
		if (num_of(s, "gt_answers_trimmed") > 0) {
			buf_adds(out, "\n");
			buf_add_md_code(out, path, 0, 0);
			buf_addf(out, ": %.0f ground-truth answers have spaces around the letter; read "
				      "trimmed (\"A \" is A).\n",
				 num_of(s, "gt_answers_trimmed"));
		}
	}
}

/* The diagnosis' verdicts, first in the report. */
static void verdicts_md(const struct metrics *m, struct buf *out)
{
	struct buf v = BUF_INIT;
	int any = 0;

	for (size_t i = 0; i < m->n_suites; i++) {
		buf_reset(&v);
		if (!sens_verdict(&v, &m->suites[i].sens))
			continue;
		if (!any++)
			buf_adds(out, "\n## Verdict\n\n");
		buf_adds(out, "- ");
		buf_add_md_code(out, m->suites[i].name, 0, 0);
		buf_adds(out, ": ");
		md_cell(out, v.ptr);
		buf_addch(out, '\n');
	}
	buf_release(&v);
}

/* The headline rule, said once where perturbation variants exist. */
static void headline_note_md(const struct metrics *m, struct buf *out)
{
	for (size_t i = 0; i < m->n_suites; i++)
		if (m->suites[i].by_variant.n > 1) {
			buf_adds(out, "\nEvery figure but the \"By variant\" tables and the diagnosis is "
				      "the base variant (original image, the run's templates): "
				      "perturbation variants are reported beside it, never folded in.\n");
			return;
		}
}

/* Tokens the servers reported, per suite (issue 16); nothing when none were. */
static void usage_md(const struct metrics *m, struct buf *out)
{
	if (!m->usage.reported && !m->usage.cached)
		return;
	buf_adds(out, "\n## Tokens\n\nAs the servers reported them, for the answers this run "
		      "paid for; answers from the response cache are counted apart.\n\n"
		      "| suite | answers with usage | tokens in | tokens out | of which reasoning "
		      "| answers from the cache |\n|---|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i <= m->n_suites; i++) {
		const struct usage_sum *u = i < m->n_suites ? &m->suites[i].usage : &m->usage;
		if (i == m->n_suites && m->n_suites < 2)
			break;
		buf_adds(out, "| ");
		if (i < m->n_suites)
			md_cell(out, m->suites[i].name);
		else
			buf_adds(out, "all suites");
		buf_addf(out, " | %zu | %.0f | %.0f | ", u->reported, u->in, u->out);
		/* Unknown is not 0 (Anthropic and Ollama never count reasoning). */
		if (!u->reasoning_reported)
			buf_adds(out, "not reported");
		else if (u->reasoning_reported < u->reported)
			buf_addf(out, "%.0f (reported by %zu)", u->reasoning, u->reasoning_reported);
		else
			buf_addf(out, "%.0f", u->reasoning);
		buf_addf(out, " | %zu |\n", u->cached);
	}
}

/*
 * The files a `score` run read, and for those another harness wrote, how
 * that harness's own figures read the replies: the numbers here re-read
 * the raw replies, each by the rule its table names (issue 20 §2).
 */
/*
 * A VLMEvalKit evaluated sheet's own verdicts ("extracted" / "hit"), beside
 * vsrbench's reading of the same replies (sources_render.h reads them).
 */
static void their_verdicts_md(const struct scored_file *f, struct buf *out)
{
	const cJSON *e;
	int k = 0;

	if (!f->column)
		return;
	buf_adds(out, "  - VLMEvalKit's own verdicts, its column ");
	buf_add_md_code(out, f->column, 0, 0);
	buf_adds(out, " (");
	md_cell(out, f->rule);
	buf_addf(out, "): %.0f of %.0f right (%.2f%%); vsrbench's extractor: %.0f right "
		      "(%.2f%%); they differ on %.0f of the %.0f replies",
		 f->right, f->rows, 100.0 * f->right / f->rows, f->vsrbench_right,
		 100.0 * f->vsrbench_right / f->rows, f->differ, f->rows);
	cJSON_ArrayForEach(e, f->examples) {
		static const char *const key[] = { "reply", "truth", "theirs", "vsrbench" };
		static const char *const before[] = { "\"", "\" (truth ", "; VLMEvalKit ",
						      ", vsrbench " };
		buf_adds(out, k++ ? "; " : ", e.g. ");
		for (size_t j = 0; j < 4; j++) {
			const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, key[j]));
			buf_adds(out, before[j]);
			md_cell(out, v ? v : "?");
		}
		buf_adds(out, ")");
	}
	buf_adds(out, "\n");
}

static void sources_md(const cJSON *run, struct buf *out)
{
	const cJSON *src = run ? cJSON_GetObjectItemCaseSensitive(run, "source") : NULL, *s;
	struct scored_file f;
	struct buf what = BUF_INIT;
	int vlm = 0, lmms = 0;

	cJSON_ArrayForEach(s, src) {
		if (!scored_file_read(s, &f))
			continue;
		buf_adds(out, "- scored from: ");
		buf_add_md_code(out, f.base, 0, 0);
		buf_adds(out, " (");
		scored_file_what(&f, &what);
		md_cell(out, what.ptr);
		buf_adds(out, ")\n");
		their_verdicts_md(&f, out);
		vlm |= !strncmp(f.format, "vlmevalkit-", 11);
		lmms |= !strncmp(f.format, "lmms-eval-", 10);
	}
	buf_release(&what);
	if (vlm)
		buf_adds(out, "- VLMEvalKit's own figures for these replies read them with its own "
			      "matching (yes/no words; option letters, then option texts) and send what "
			      "that cannot read to a GPT judge; every number here re-reads the raw "
			      "replies by the rule its table names (docs/scoring.md: where they differ "
			      "on real files)\n");
	if (lmms)
		buf_adds(out, "- lmms-eval's own figures for these replies come from its task's own "
			      "reading of them; every number here re-reads the raw replies by the rule "
			      "its table names (docs/scoring.md)\n");
}

int report_md(const struct metrics *m, const cJSON *run, const struct rundir_progress *pg,
	      struct buf *out)
{
	const cJSON *model = run ? cJSON_GetObjectItemCaseSensitive(run, "model") : NULL;
	const char *tpl = cJSON_GetStringValue(
		run ? cJSON_GetObjectItemCaseSensitive(run, "templates") : NULL);

	/* In the title and first: whoever quotes the headline sees it. */
	if (report_is_partial(pg)) {
		struct buf p = BUF_INIT;
		buf_adds(out, "# vsrbench report (partial run)\n\n**");
		report_partial_text(&p, m, pg, NULL);
		md_cell(out, p.ptr);
		buf_adds(out, "**\n\n");
		buf_release(&p);
	} else {
		buf_adds(out, "# vsrbench report\n\n");
	}
	{
		struct buf p = BUF_INIT;
		if (report_headline_warning(&p, m)) {
			buf_adds(out, "**");
			md_cell(out, p.ptr);
			buf_adds(out, "**\n\n");
		}
		buf_release(&p);
	}
	if (model) {
		struct buf label = BUF_INIT;
		model_label(run, &label);
		buf_adds(out, "- model: ");
		buf_add_md_code(out, label.ptr, 0, 0);
		buf_adds(out, "\n");
		buf_release(&label);
	}
	if (tpl) {
		buf_adds(out, "- templates: ");
		buf_add_md_code(out, tpl, 0, 0);
		if (report_vsr_protocol(m))
			buf_addf(out, " (%s on the unified test set, the seed paper's name%s)",
				 report_vsr_protocol(m), strchr(report_vsr_protocol(m), ' ') ? "s" : "");
		buf_adds(out, "\n");
	}
	for (size_t i = 0; i < m->n_suites; i++) {
		struct buf sl = BUF_INIT;
		if (report_slice(&sl, m->suites[i].name, run)) {
			buf_adds(out, "- **asked: ");
			md_cell(out, sl.ptr);
			buf_adds(out, " of `");
			md_cell(out, m->suites[i].name);
			buf_adds(out, "`, not the whole suite**\n");
		}
		buf_release(&sl);
	}
	buf_addf(out, "- harness: vsrbench %s; %zu journal line%s\n", VSR_VERSION, m->lines,
		 m->lines == 1 ? "" : "s");
	sources_md(run, out);
	if (m->skipped)
		buf_addf(out, "- **%zu journal line(s) skipped**: longer than %u bytes (the first "
			      "is line %zu)\n", m->skipped, JOURNAL_LINE_MAX, m->first_skipped);
	buf_adds(out, "\nacc_t = correct / all tasks; acc_a = correct / answered tasks; "
		      "intervals are 95%, Wilson's counting the tasks of one image as one cluster "
		      "(docs/report-json.md). Errors (failed requests) are not answers and "
		      "are not in any denominator.\n");
	verdicts_md(m, out);
	headline_note_md(m, out);
	buf_adds(out, "\n## Overall\n\n");
	header(out, "suite");
	for (size_t i = 0; i < m->n_suites; i++)
		row(out, m->suites[i].name, &m->suites[i].all);
	if (m->n_suites > 1)
		row(out, "all suites", &m->all);
	buf_adds(out, "\nTo quote, with what makes the number comparable:\n\n");
	for (size_t i = 0; i < m->n_suites; i++) {
		struct buf q = BUF_INIT;
		report_quote(&q, &m->suites[i], run, pg, m);
		buf_adds(out, "- ");
		buf_add_md_code(out, q.ptr, 0, 0); /* as it is, to copy */
		buf_adds(out, "\n");
		buf_release(&q);
	}
	usage_md(m, out);
	for (size_t i = 0; i < m->n_suites; i++) {
		const struct suite_metrics *sm = &m->suites[i];
		buf_adds(out, "\n## Suite ");
		buf_add_md_code(out, sm->name, 0, 0);
		buf_adds(out, "\n");
		data_notes(out, run, sm->name);
		report_protocols_md(out, sm, run);
		if (report_interval_note(out, &sm->all, "\nAccuracy: "))
			buf_addch(out, '\n');
		report_not_applied_text(out, sm, run, "\n"); /* one paragraph a line */
		report_not_answers_text(out, sm, "\n", 1);
		group_table(out, "By meta-category (worst first)", "category", &sm->by_category, 1);
		group_table(out, "By relation (worst first)", "relation", &sm->by_relation, 1);
		group_table(out, "By instruction template", "template", &sm->by_template, 0);
		template_spread_md(out, &sm->by_template, &sm->sens);
		report_paper_templates_md(out, &sm->by_template);
		official_suite_md(m->official, sm->name, out);
		group_table(out, "By answer format", "format", &sm->by_format, 0);
		group_table(out, "By variant", "variant", &sm->by_variant, 0);
		if (sens_any(&sm->sens)) {
			buf_addf(out, "\n### Diagnosis\n\nIntervals: percentile bootstrap over %zu image%s, "
				      "%zu resamples, seed %llu; never narrower than Wilson's interval counting "
				      "each image once.\n\n",
				 sm->sens.clusters, sm->sens.clusters == 1 ? "" : "s", m->resamples, (unsigned long long)m->seed);
			sens_diagnosis(out, &sm->sens, "- ");
			sens_blind_note(out, sm, "- ");
		}
	}
	official_run_md(m->official, out);
	judge_md(m, run, out);
	return out->capped ? VSR_EDATA : 0;
}
