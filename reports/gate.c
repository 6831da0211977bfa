/*
 * gate: the checks of the CI gate (compare.h), a pure function of the
 * options, the comparison with the baseline and the candidate's metrics: a
 * drop larger than --max-drop points that is also significant (McNemar); an
 * accuracy below a --min-accuracy floor; a language sensitivity above
 * --max-language-sensitivity, or none measured.  A check that cannot be
 * made fails: a gate never passes silently.  So does a comparison with a
 * run that did not go through its tasks (unless --allow-partial: then a
 * warning) or whose tasks failed too often (--max-error-rate; fewer: a
 * warning): its figures are over what it did, and nothing else says so.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../metrics/stats.h"
#include "../suites/suite.h"
#include "compare.h"
#include "report.h"
#include "../base/suggest.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

static double alpha_of(const struct gate_opts *g)
{
	return g->alpha > 0 ? g->alpha : GATE_ALPHA_DEFAULT;
}

static double pct(size_t k, size_t n)
{
	return 100.0 * ratio(k, n);
}

static struct gate_check *check_add(struct gate_result *res, const char *suite,
				    const char *type)
{
	struct gate_check *ck;

	res->c = xrealloc(res->c, (res->n + 1) * sizeof(*res->c));
	ck = &res->c[res->n++];
	memset(ck, 0, sizeof(*ck));
	ck->suite = xstrdup(suite);
	ck->type = xstrdup(type);
	return ck;
}

static void check_set(struct gate_result *res, struct gate_check *ck, int failed,
		      struct buf *name, struct buf *line)
{
	ck->failed = failed;
	res->n_failed += failed != 0;
	ck->name = buf_detach(name, NULL);
	ck->line = buf_detach(line, NULL);
}

/*
 * A drop larger than allowed that is not significant passes, but never
 * silently: the line says so, and when the runs have so few pairs that no
 * drop could be significant (every pair flipped: p = 2 / 2^pairs), it says
 * how many changed answers a significant one takes, so a gate on a handful
 * of items is seen to check nothing.
 */
/* The fewest changes, all one way, whose two-sided sign-test p (2 / 2^n) is below alpha. */
static size_t sign_test_min(double alpha)
{
	size_t need = 1;

	while (need < 1100 && ldexp(1.0, 1 - (int)need) >= alpha)
		need++;
	return need;
}

static void not_significant(struct buf *line, const struct cmp_stat *s, double alpha)
{
	/*
	 * The fewest discordant pairs, all one way, whose two-sided p is below
	 * alpha; taken by image (stats.h: mcnemar_clustered_p), k images count as
	 * k pairs at most (every image's change alike), so as many images.
	 */
	size_t need = sign_test_min(alpha);

	if (s->pairs < need)
		buf_addf(line, "; not significant, so the check passes, but on %zu paired task%s no drop "
			       "can be: it takes %zu or more answers changed one way to reach p < %g. "
			       "Compare more items (-n) for the gate to mean something",
			 s->pairs, s->pairs == 1 ? "" : "s", need, alpha);
	else if (s->images < need)
		buf_addf(line, "; not significant, so the check passes, but the %zu paired tasks are about "
			       "%zu image%s, and the answers about one image move together: it takes "
			       "changes on %zu or more images to reach p < %g. Compare more items (-n) "
			       "for the gate to mean something",
			 s->pairs, s->images, s->images == 1 ? "" : "s", need, alpha);
	else
		buf_adds(line, "; not significant, so the check passes: the drop may be noise. More "
			       "items (-n) would tell");
}

/*
 * Tasks of the baseline the candidate does not have (run with fewer items,
 * other templates): the drop is measured on the rest, so a check that
 * passes has not looked at them, and says so.  Tasks only in the candidate
 * (a template or suite added) are not a caveat: the baseline has nothing
 * to hold them to.
 */
static void not_covered(struct buf *line, size_t base_tasks, size_t base_only)
{
	buf_addf(line, ". Not compared: %zu of the baseline's %zu task%s are not in the "
		       "candidate (run with fewer items, -n, or other templates, -t), so the "
		       "check has not looked at them; run the candidate with the baseline's "
		       "options to compare them all",
		 base_only, base_tasks, base_tasks == 1 ? "" : "s");
}

/* Text from a dataset on one line of a log: no control character, at most max bytes. */
static void add_flat(struct buf *out, const char *s, size_t max)
{
	size_t n = strlen(s), cut = utf8_cut_len(s, n, max);

	for (size_t i = 0; i < cut; i++) {
		unsigned char c = (unsigned char)s[i];
		buf_addch(out, c < 0x20 || c == 0x7f ? ' ' : (char)c);
	}
	if (cut < n)
		buf_adds(out, "...");
}

#define DETAIL_ITEMS 10

/*
 * A failed drop check names what went from right to wrong, so that a CI log
 * or a JUnit page (GitLab, Jenkins) shows which items changed without the
 * Markdown: the first DETAIL_ITEMS items of the suite (all suites: any), each
 * with its templates' answers and its prompt.
 */
static char *flips_detail(const struct comparison *cmp, const char *suite,
			  const struct cmp_stat *s)
{
	struct buf d = BUF_INIT;
	size_t items = 0, i = 0, shown = 0;
	int all = !strcmp(suite, "all suites");

	if (!s->b)
		return NULL;
	for (size_t k = 0; k < cmp->n_flips; k++)
		if ((all || !strcmp(cmp->flips[k].suite, suite)) &&
		    (!k || strcmp(cmp->flips[k].suite, cmp->flips[k - 1].suite) ||
		     strcmp(cmp->flips[k].item, cmp->flips[k - 1].item)))
			items++;
	int capped = cmp->n_flips < cmp->total_flips;

	buf_addf(&d, "  right->wrong: %zu task%s", s->b, s->b == 1 ? "" : "s");
	if (!capped)
		buf_addf(&d, " in %zu item%s", items, items == 1 ? "" : "s");
	if (!items) /* past the cap: the list holds other suites' */
		buf_addf(&d, " (not among the first %d, which compare.json lists)\n",
			 COMPARE_FLIPS_MAX);
	else if (capped || items > DETAIL_ITEMS)
		buf_addf(&d, "; the first %zu (compare.json, from --json, lists up to %d tasks):\n",
			 items < DETAIL_ITEMS ? items : (size_t)DETAIL_ITEMS, COMPARE_FLIPS_MAX);
	else
		buf_adds(&d, ":\n");
	while (i < cmp->n_flips && shown < DETAIL_ITEMS) {
		const struct cmp_flip *f = &cmp->flips[i];
		size_t j = i;
		while (j < cmp->n_flips && !strcmp(cmp->flips[j].suite, f->suite) &&
		       !strcmp(cmp->flips[j].item, f->item))
			j++;
		if (all || !strcmp(f->suite, suite)) {
			buf_adds(&d, "    ");
			if (all) {
				add_flat(&d, f->suite, 60);
				buf_adds(&d, " ");
			}
			add_flat(&d, f->item, 60);
			buf_addf(&d, " (expected %s):", answer_name(f->label));
			for (size_t k = i; k < j && k < i + 4; k++) {
				buf_adds(&d, k > i ? ", " : " ");
				add_flat(&d, cmp->flips[k].tmpl, 30);
				if (strcmp(cmp->flips[k].variant, "base")) {
					buf_adds(&d, "/");
					add_flat(&d, cmp->flips[k].variant, 30);
				}
				buf_addf(&d, " %s", answer_name(cmp->flips[k].cand_answer));
			}
			if (j - i > 4)
				buf_addf(&d, " and %zu more", j - i - 4);
			buf_adds(&d, "; ");
			add_flat(&d, f->prompt, 100);
			buf_addch(&d, '\n');
			shown++;
		}
		i = j;
	}
	return buf_detach(&d, NULL);
}

static void drop_check(struct gate_result *res, const struct gate_opts *g,
		       const struct comparison *cmp, const char *suite,
		       const struct cmp_stat *s, size_t base_only, size_t failed_pairs,
		       int cand_is_part)
{
	struct gate_check *ck = check_add(res, suite, "max-drop");
	struct buf name = BUF_INIT, line = BUF_INIT;
	double base = pct(s->base_correct, s->pairs), cand = pct(s->cand_correct, s->pairs);
	double drop = base - cand, alpha = alpha_of(g);
	int failed;

	buf_addf(&name, "no significant drop > %.1f points", g->max_drop);
	if (!s->pairs && !base_only && !failed_pairs) {
		/* A suite new in the candidate: failing would block every change that adds
		 * one until the baseline has it, which only merging the change brings. */
		failed = 0;
		buf_addf(&line, "%s: not in the baseline run, so there is no drop to check", suite);
	} else if (!s->pairs) {
		failed = 1;
		buf_addf(&line,
			 "%s: no task answered in both runs (%zu only in the baseline, %zu failed in "
			 "either), so the drop cannot be checked",
			 suite, base_only, failed_pairs);
	} else {
		failed = drop > g->max_drop && s->p < alpha;
		/* never "-0.0 points": below 0.05 it is no change at all */
		double mag = fabs(drop) < 0.05 ? 0.0 : fabs(drop);
		buf_addf(&line, "%s: accuracy %s %.1f points (%.1f%% -> %.1f%% on %zu paired task%s",
			 suite, mag == 0 ? "changed by" : drop > 0 ? "dropped" : "rose", mag, base,
			 cand, s->pairs, s->pairs == 1 ? "" : "s");
		if (s->has_ci)
			buf_addf(&line, ", change [%+.1f, %+.1f]", 100 * s->ci_low, 100 * s->ci_high);
		buf_addf(&line, "); %s the allowed %.1f; McNemar p = %.2g (%zu right->wrong, "
				"%zu wrong->right",
			 drop > g->max_drop ? "more than" : "within", g->max_drop, s->p, s->b, s->c);
		if (s->p > s->p_tasks && s->p_tasks > 0)
			buf_addf(&line, "; over %zu images, %.2g if tasks were independent", s->images,
				 s->p_tasks);
		else if (s->p > s->p_tasks) /* below what a double holds: not 0 */
			buf_addf(&line, "; over %zu images, below 1e-300 if tasks were independent",
				 s->images);
		buf_addf(&line, ") %s alpha %g", s->p < alpha ? "<" : ">=", alpha);
		if (drop > g->max_drop && !failed) {
			not_significant(&line, s, alpha);
			ck->warn = 1;
		}
		if (base_only && !cand_is_part) {
			not_covered(&line, s->pairs + base_only + failed_pairs, base_only);
			ck->warn |= !failed;
		}
		if (failed)
			ck->detail = flips_detail(cmp, suite, s);
	}
	check_set(res, ck, failed, &name, &line);
}

/*
 * A partial run (status.json "complete": false) in the comparison: its
 * figures are over the tasks it did, so a drop or a rise among them says
 * little about the run it was to be.  It fails, unless --allow-partial;
 * then it passes with a warning.  Nothing for a complete run, or one with
 * no status.json (an older vsrbench: nothing is known either way).
 */
static void partial_check(struct gate_result *res, const struct gate_opts *g, const char *role,
			  const char *dir, const struct cmp_run *r)
{
	struct gate_check *ck;
	struct buf name = BUF_INIT, line = BUF_INIT;

	if (!r->known || r->complete)
		return;
	ck = check_add(res, "run", "partial-run");
	buf_addf(&name, "%s run complete", role);
	buf_addf(&line, "%s %s is a partial run (status.json): ", role, dir);
	report_partial_what(&line, r->done, r->done_failed, r->planned, r->stopped_by);
	if (g->allow_partial)
		buf_adds(&line, "; accepted by --allow-partial: the comparison covers the tasks it did only");
	else {
		struct buf w = BUF_INIT;
		buf_addf(&line, "; a comparison with it covers the tasks it did only. Finish it "
				"(vsrbench run ... -o %s) or pass --allow-partial",
			 sh_word(&w, dir));
		buf_release(&w);
	}
	ck->warn = g->allow_partial;
	check_set(res, ck, !g->allow_partial, &name, &line);
}

/*
 * One shard of a run (--shard I/N, not merged): its items are the shard's
 * only, so a comparison with the whole other run covers a part of it, and a
 * forgotten `vsrbench merge` would pass the gate on a fraction of the
 * benchmark.  It fails as a partial run does, unless --allow-partial.
 */
static void shard_check(struct gate_result *res, const struct gate_opts *g, const char *role,
			const char *dir, const struct cmp_run *r)
{
	struct gate_check *ck;
	struct buf name = BUF_INIT, line = BUF_INIT;

	if (r->shard_count < 2)
		return;
	ck = check_add(res, "run", "partial-run");
	buf_addf(&name, "%s run is not a shard", role);
	buf_addf(&line, "%s %s is one shard of a run (run.json: --shard %ld/%ld): it holds that "
			"shard's items only",
		 role, dir, r->shard_index, r->shard_count);
	if (g->allow_partial)
		buf_adds(&line, "; accepted by --allow-partial: the comparison covers the shard's items only");
	else
		buf_addf(&line, "; a comparison with it covers a part of the benchmark. Join the %ld "
				"shards first (vsrbench merge OUT_DIR SHARD_DIR...) and compare OUT_DIR, "
				"or pass --allow-partial",
			 r->shard_count);
	ck->warn = g->allow_partial;
	check_set(res, ck, !g->allow_partial, &name, &line);
}

/*
 * The baseline and the candidate are one directory (a CI variable that
 * named the same path twice, a candidate written over the baseline): every
 * pair agrees, so --max-drop would pass whatever the candidate is.
 */
static void same_run_check(struct gate_result *res, const struct comparison *cmp)
{
	struct gate_check *ck = check_add(res, "run", "same-run");
	struct buf name = BUF_INIT, line = BUF_INIT;

	buf_adds(&name, "base and candidate are two runs");
	if (!strcmp(cmp->base_dir, cmp->cand_dir))
		buf_addf(&line, "base and candidate are the same run directory (%s)", cmp->base_dir);
	else
		buf_addf(&line, "base %s and candidate %s are the same run directory", cmp->base_dir,
			 cmp->cand_dir);
	buf_adds(&line, ": a run compared with itself shows no drop, so --max-drop checks nothing. "
			"Give the baseline's run directory first and the candidate's second");
	check_set(res, ck, 1, &name, &line);
}

/*
 * Failed tasks (requests that never got an answer) of a run in the
 * comparison: their pairs are dropped, so a run whose requests mostly
 * failed is compared on what is left.  More than --max-error-rate of its
 * tasks (every variant, as `run --max-error-rate` counts them) fail; fewer
 * pass with a warning.  Nothing when none failed.
 */
static void errors_check(struct gate_result *res, const struct gate_opts *g, const char *role,
			 const char *dir, const struct cmp_run *r)
{
	double rate = g->has_max_error_rate ? g->max_error_rate : GATE_MAX_ERROR_RATE_DEFAULT;
	struct gate_check *ck;
	struct buf name = BUF_INIT, line = BUF_INIT;
	int over;

	if (!r->failed)
		return;
	over = (double)r->failed > rate * (double)r->tasks;
	ck = check_add(res, "run", "task-errors");
	buf_addf(&name, "%s failed tasks <= %.1f%%", role, 100 * rate);
	buf_addf(&line, "%s %s: %zu of %zu tasks failed (%.1f%%), %s --max-error-rate %g", role, dir,
		 r->failed, r->tasks, pct(r->failed, r->tasks), over ? "more than" : "within", rate);
	if (over) {
		struct buf w = BUF_INIT;
		buf_addf(&line, "; a failed request is no answer, so its pairs are left out and the "
				"comparison covers the rest only. Retry them (vsrbench run ... -o %s)",
			 sh_word(&w, dir));
		buf_release(&w);
	} else
		buf_adds(&line, "; their pairs are left out of the comparison");
	ck->warn = !over;
	check_set(res, ck, over, &name, &line);
}

/*
 * A floor passed on so few tasks that no result could show the accuracy is
 * above it: a model exactly at the floor X gets all n right with chance X^n,
 * so while X^n >= alpha even a perfect score is not evidence, and the check
 * passes by the point estimate alone.  Said, as a drop that cannot be
 * significant is (not_significant); returns whether it was.
 */
static int floor_too_few(struct buf *line, double floor, double n_eff, size_t tasks, double alpha)
{
	size_t need = 1;

	if (floor <= 0 || floor >= 1 || pow(floor, n_eff) < alpha)
		return 0;
	while (need < 100000 && pow(floor, (double)need) >= alpha)
		need++;
	buf_addf(line, ", but on %zu task%s", tasks, tasks == 1 ? "" : "s");
	if (n_eff + 0.5 < (double)tasks)
		buf_addf(line, " (about %.0f independent: the tasks of one image move together)", n_eff);
	buf_addf(line, " no accuracy can show it is above the floor (all right has one-sided p = "
		       "%.2g >= %g from a model exactly at it): it takes %zu or more tasks. Compare more items "
		       "(-n) for the gate to mean something",
		 pow(floor, n_eff), alpha, need);
	return 1;
}

static void floor_check(struct gate_result *res, const struct gate_opts *g,
			const struct gate_floor *f, const struct metrics *m)
{
	const char *suite = f->suite[0] ? f->suite : "all suites";
	/* The floor may name a suite by an alias ("vsr-unified"); the run, by its name. */
	const struct suite_preset *p = f->suite[0] ? suite_lookup(f->suite) : NULL;
	const char *want = p ? p->name : f->suite;
	/* The check belongs to the suite (its JUnit testsuite), said as the user named it. */
	struct gate_check *ck = check_add(res, f->suite[0] ? want : suite, "min-accuracy");
	struct buf name = BUF_INIT, line = BUF_INIT;
	const struct acc *a = NULL;
	int failed;

	if (!f->suite[0])
		a = &m->all;
	for (size_t i = 0; !a && i < m->n_suites; i++)
		if (!strcmp(m->suites[i].name, want))
			a = &m->suites[i].all;
	buf_addf(&name, "accuracy >= %.1f%%", 100 * f->min);
	if (!a || !a->tasks) {
		failed = 1;
		buf_addf(&line, "%s: no answered task in the run, so the floor %.1f%% cannot be checked",
			 suite, 100 * f->min);
		if (!a) {
			const char *near = suggest_nearest_field(f->suite, m->suites, m->n_suites,
								 sizeof(m->suites[0]));
			if (near)
				buf_addf(&line, "; did you mean '%s'?", near);
			buf_adds(&line, " (suites in the run:");
			for (size_t i = 0; i < m->n_suites; i++)
				buf_addf(&line, " %s", m->suites[i].name);
			buf_adds(&line, ")");
		}
	} else {
		double acc = ratio(a->correct, a->tasks), lo, hi;
		/* The tasks the interval counts: those of one image are not independent. */
		double n_eff = a->ci[PROP_ACCURACY].n_eff;
		acc_ci(a, PROP_ACCURACY, &lo, &hi);
		failed = acc < f->min;
		buf_addf(&line, "%s: accuracy %.1f%% [%.1f, %.1f] (%zu of %zu) is %s the floor %.1f%%",
			 suite, 100 * acc, 100 * lo, 100 * hi, a->correct, a->tasks,
			 failed ? "below" : "at or above", 100 * f->min);
		/* How surprising this count would be from a model exactly at the floor. */
		if (failed)
			buf_addf(&line, " by %.1f points; one-sided binomial p = %.2g",
				 100 * (f->min - acc), binom_cdf_real(acc * n_eff, n_eff, f->min));
		else
			ck->warn = floor_too_few(&line, f->min, n_eff, a->tasks, alpha_of(g));
	}
	check_set(res, ck, failed, &name, &line);
}

static void lang_check(struct gate_result *res, const struct gate_opts *g,
		       const struct suite_metrics *sm)
{
	struct gate_check *ck = check_add(res, sm->name, "max-language-sensitivity");
	struct buf name = BUF_INIT, line = BUF_INIT;
	const struct sens_value *lang = &sm->sens.fig[SENS_LANGUAGE];
	int failed;

	buf_addf(&name, "language sensitivity <= %.1f%%", 100 * g->max_lang);
	if (!lang->present || lang->n < 1) {
		failed = 1;
		buf_addf(&line,
			 "%s: the run has no language-sensitivity figure (it was not run with "
			 "-p instr, format or converse), so the ceiling %.1f%% cannot be checked",
			 sm->name, 100 * g->max_lang);
	} else {
		/*
		 * The binomial test counts the trials the printed interval does:
		 * an image's items change under the same wording together, so
		 * no more than the effective n of the interval clustered by
		 * image (n_eff), nor than the images, each of which the
		 * interval's floor takes as one trial (docs/diagnosis.md).
		 * Items alone when the figure does not say.
		 */
		double n = (double)lang->n, eff = n;
		if (lang->n_eff > 0)
			eff = fmin(eff, lang->n_eff);
		if (lang->images)
			eff = fmin(eff, (double)lang->images);
		failed = lang->value > g->max_lang;
		buf_addf(&line, "%s: language sensitivity %.1f%%", sm->name, 100 * lang->value);
		if (isfinite(lang->ci_low) && isfinite(lang->ci_high))
			buf_addf(&line, " [%.1f, %.1f]", 100 * lang->ci_low, 100 * lang->ci_high);
		buf_addf(&line, " (n = %zu", lang->n);
		if (lang->images)
			buf_addf(&line, " items on %zu image%s", lang->images, lang->images == 1 ? "" : "s");
		buf_addf(&line, ") is %s the ceiling %.1f%%", failed ? "above" : "at or below",
			 100 * g->max_lang);
		/* How surprising this many changed answers would be at the ceiling. */
		if (failed) {
			buf_addf(&line, " by %.1f points; one-sided binomial p = %.2g",
				 100 * (lang->value - g->max_lang),
				 binom_sf_real(lang->num / n * eff, eff, g->max_lang));
			if (eff < n - 0.05)
				buf_addf(&line, " (the %zu items counted as %.1f independent ones, as "
					 "the interval counts them: an image's items change together)",
					 lang->n, eff);
		}
	}
	check_set(res, ck, failed, &name, &line);
}

/*
 * Did the candidate's language sensitivity rise by more than allowed?  The
 * change of the figure over the images both runs have it on (compare's
 * "Diagnosis, paired by image"); it fails when the rise is above the limit
 * and the 95% interval of the change lies above zero, and warns when only
 * the first holds.  A suite without the figure in either run fails: the
 * check cannot be made.
 */
static void rise_check(struct gate_result *res, const struct gate_opts *g,
		       const struct cmp_suite *s)
{
	struct gate_check *ck = check_add(res, s->all.name, "max-language-rise");
	struct buf name = BUF_INIT, line = BUF_INIT;
	const struct sens_change *v = &s->sens[0]; /* cmp_sens_figs[0]: language */
	int failed;

	buf_addf(&name, "no significant language-sensitivity rise > %.1f points", g->max_lang_rise);
	if (!v->present) {
		failed = 1;
		buf_addf(&line,
			 "%s: the two runs have no language-sensitivity figure on common images (both "
			 "need several templates, -t pool or -p instr, format or converse), so the "
			 "rise cannot be checked",
			 s->all.name);
	} else {
		double rise = 100 * v->change, mag = fabs(rise) < 0.05 ? 0.0 : fabs(rise);
		/*
		 * Images are the trials: the fewest on which a change, every image's
		 * one way, is significant at 5% two-sided, the level of the interval
		 * (6).  Below that the Wilson floors alone can exclude zero.
		 */
		size_t need = sign_test_min(0.05);
		int over = rise > g->max_lang_rise, sig = v->lo > 0 && v->images >= need;
		failed = over && sig;
		buf_addf(&line,
			 "%s: language sensitivity %s %.1f points (%.1f%% -> %.1f%% over %zu image%s, "
			 "change [%+.1f, %+.1f]); %s the allowed %.1f",
			 s->all.name, mag == 0 ? "changed by" : rise > 0 ? "rose" : "fell", mag,
			 100 * v->base, 100 * v->cand, v->images, v->images == 1 ? "" : "s",
			 100 * v->lo, 100 * v->hi, over ? "more than" : "within", g->max_lang_rise);
		if (over && !sig && v->images < need)
			buf_addf(&line, "; not significant, so the check passes, but on %zu image%s no rise "
					"can be: it takes %zu or more. Compare more items (-n) for the gate "
					"to mean something",
				 v->images, v->images == 1 ? "" : "s", need);
		else if (over && !sig)
			buf_adds(&line, "; its 95% interval reaches zero, so the check passes: the rise "
					"may be noise. More items (-n) would tell");
		ck->warn = over && !sig;
	}
	check_set(res, ck, failed, &name, &line);
}

void gate_evaluate(const struct gate_opts *g, const struct comparison *cmp,
		   const struct metrics *cand, struct gate_result *res)
{
	memset(res, 0, sizeof(*res));
	/* The runs first: a partial or failing run is what to read before any figure. */
	if (cmp) {
		partial_check(res, g, "base", cmp->base_dir, &cmp->base_run);
		partial_check(res, g, "candidate", cmp->cand_dir, &cmp->cand_run);
		shard_check(res, g, "base", cmp->base_dir, &cmp->base_run);
		shard_check(res, g, "candidate", cmp->cand_dir, &cmp->cand_run);
		errors_check(res, g, "base", cmp->base_dir, &cmp->base_run);
		errors_check(res, g, "candidate", cmp->cand_dir, &cmp->cand_run);
	}
	if (g->has_max_drop && cmp && cmp->same_dir)
		same_run_check(res, cmp);
	if (g->has_max_drop && cmp) {
		/* A shard or a partial candidate lacks tasks by nature: its own check says so. */
		int part = cmp->cand_run.shard_count >= 2 ||
			   (cmp->cand_run.known && !cmp->cand_run.complete);
		for (size_t i = 0; i < cmp->n_suites; i++)
			drop_check(res, g, cmp, cmp->suites[i].all.name, &cmp->suites[i].all,
				   cmp->suites[i].base_only, cmp->suites[i].dropped_failed, part);
		if (cmp->n_suites > 1)
			drop_check(res, g, cmp, "all suites", &cmp->all, cmp->base_only,
				   cmp->dropped_failed, part);
	}
	if (g->has_max_lang_rise && cmp)
		for (size_t i = 0; i < cmp->n_suites; i++)
			rise_check(res, g, &cmp->suites[i]);
	for (size_t i = 0; i < g->n_floors; i++)
		floor_check(res, g, &g->floors[i], cand);
	if (g->has_max_lang) {
		for (size_t i = 0; i < cand->n_suites; i++)
			lang_check(res, g, &cand->suites[i]);
		if (!cand->n_suites) {
			struct gate_check *ck = check_add(res, "all suites", "max-language-sensitivity");
			struct buf name = BUF_INIT, line = BUF_INIT;
			buf_addf(&name, "language sensitivity <= %.1f%%", 100 * g->max_lang);
			buf_adds(&line, "the run has no answered task, so the language sensitivity "
					"cannot be checked");
			check_set(res, ck, 1, &name, &line);
		}
	}
}

void gate_result_release(struct gate_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		free(res->c[i].suite);
		free(res->c[i].name);
		free(res->c[i].type);
		free(res->c[i].line);
		free(res->c[i].detail);
	}
	free(res->c);
	memset(res, 0, sizeof(*res));
}

void gate_print_failures(FILE *fp, const struct gate_result *res)
{
	for (size_t i = 0; i < res->n; i++)
		if (res->c[i].failed)
			fprintf(fp, "gate failed: %s\n%s", res->c[i].line,
				res->c[i].detail ? res->c[i].detail : "");
}

void gate_print_warnings(const struct gate_result *res)
{
	for (size_t i = 0; i < res->n; i++)
		if (res->c[i].warn)
			vsr_warn("%s", res->c[i].line);
}

