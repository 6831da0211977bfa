#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/rundir.h"
#include "judge_render.h"
#include "model_label.h"
#include "official_render.h"
#include "../metrics/stats.h"
#include "../base/suggest.h"
#include "../base/util.h"

int report_json_out(cJSON *root, struct buf *out)
{
	char *s = cJSON_Print(root);
	int r;

	cJSON_Delete(root);
	if (!s)
		return VSR_EDATA;
	r = buf_adds(out, s) || buf_addch(out, '\n') ? VSR_EDATA : 0;
	cJSON_free(s);
	return r;
}

double ratio(size_t k, size_t n)
{
	return n ? (double)k / (double)n : 0.0;
}

void report_pct(struct buf *out, size_t k, size_t n, int width)
{
	char v[32];

	if (n)
		snprintf(v, sizeof(v), "%.1f%%", 100 * ratio(k, n));
	else
		snprintf(v, sizeof(v), "-");
	buf_addf(out, "%*s", width, v);
}

void report_acc_cells(struct buf *out, const struct acc *a, const char *between,
		      const char *ci_open, const char *ci_close)
{
	double lo, hi;

	report_pct(out, a->answered, a->tasks, 0);
	buf_adds(out, between);
	if (a->tasks) {
		acc_ci(a, PROP_ACCURACY, &lo, &hi);
		buf_addf(out, "%.1f%% %s[%.1f, %.1f]%s", 100 * ratio(a->correct, a->tasks), ci_open,
			 100 * lo, 100 * hi, ci_close);
	} else {
		buf_adds(out, "-"); /* no task answered: no share */
	}
	buf_adds(out, between);
	report_pct(out, a->correct, a->answered, 0);
	buf_adds(out, between);
	report_rate_cells(out, a, between);
}

size_t report_yes_base(const struct acc *a)
{
	return a->pos + a->neg ? a->answered : 0;
}

void report_rate_cells(struct buf *out, const struct acc *a, const char *between)
{
	report_pct(out, a->yes, report_yes_base(a), 0);
	buf_adds(out, between);
	report_pct(out, a->pos_correct, a->pos, 0);
	buf_adds(out, between);
	report_pct(out, a->neg_correct, a->neg, 0);
}

double json_round6(double x)
{
	return round(x * 1e6) / 1e6;
}

int spread_none(const struct spread *sp)
{
	return lround(1000 * sp->worst) == lround(1000 * sp->best);
}

int groups_spread(const struct groups *gs, struct spread *sp)
{
	size_t n = 0;
	double sum = 0, sq = 0;

	memset(sp, 0, sizeof(*sp));
	for (size_t i = 0; i < gs->n; i++) {
		const struct acc *a = &gs->g[i].a;
		double v;
		if (!a->tasks)
			continue;
		v = ratio(a->correct, a->tasks);
		if (!n || v < sp->worst) {
			sp->worst = v;
			sp->worst_name = gs->g[i].name;
		}
		if (!n || v > sp->best) {
			sp->best = v;
			sp->best_name = gs->g[i].name;
		}
		sum += v;
		sq += v * v;
		n++;
	}
	if (n < 2)
		return 0;
	sp->mean = sum / (double)n;
	/* Population standard deviation over the groups. */
	sp->sd = sqrt(fmax(0.0, sq / (double)n - sp->mean * sp->mean));
	return 1;
}

int report_template_test(struct buf *out, const struct sens_result *sr)
{
	const struct sens_cochran *t = &sr->templates;

	if (!t->present)
		return 0;
	buf_addf(out, "Cochran's Q p = %.2g over %zu images (%zu items asked with all %zu templates): %s",
		 t->p, t->images, t->items, t->k,
		 t->p < 0.05 ? "they differ beyond chance" : "the spread can be chance");
	return 1;
}

int sens_any(const struct sens_result *sr)
{
	for (int f = 0; f < SENS_N; f++)
		if (sr->fig[f].present)
			return 1;
	return 0;
}

/* 100 x, or 0 when it prints as zero at `places` decimals: no "-0 points". */
static double points(double x, int places)
{
	char s[64];

	snprintf(s, sizeof(s), "%.*f", places, 100 * x);
	return strtod(s, NULL) == 0 ? 0 : 100 * x;
}

static void pct3(struct buf *out, const struct sens_value *v)
{
	buf_addf(out, "%.0f%% [%.0f, %.0f]", 100 * v->value, 100 * v->ci_low, 100 * v->ci_high);
}

/*
 * A figure's pairs left out for an unparseable side: beside the figure, or,
 * when every pair was, a line of its own (not a reference line under nothing).
 */
static void unmeasured(struct buf *out, const char *indent, const char *name,
		       const struct sens_value *fig, const struct sens_value *inv)
{
	if (!inv->present)
		return;
	if (fig->present)
		buf_addf(out, "%s  left out: %.0f%% of those pairs had an unparseable reply\n", indent,
			 100 * inv->value);
	else
		buf_addf(out, "%s%s: not measured, an unparseable reply in every one of its %zu pair%s\n",
			 indent, name, inv->n, inv->n == 1 ? "" : "s");
}

/*
 * "from 10 images": the unit the interval resamples, beside the pairs a line
 * counts (720 mirrored pairs on 10 images give an interval as wide as 10
 * trials: docs/diagnosis.md).  The text lives in *img.
 */
static const char *on_images(const struct sens_value *v, char img[static 48])
{
	snprintf(img, 48, "from %zu image%s", v->images, v->images == 1 ? "" : "s");
	return img;
}

/* Each line stays under 100 columns for the terminal summary. */
void sens_diagnosis(struct buf *out, const struct sens_result *sr, const char *indent)
{
	const struct sens_value *f = sr->fig;
	char img[48];

	if (f[SENS_LANGUAGE].present) {
		buf_addf(out, "%slanguage: answers move with the wording on ", indent);
		pct3(out, &f[SENS_LANGUAGE]);
		buf_addf(out, " of valid wording pairs (%zu items)\n", f[SENS_LANGUAGE].n);
	}
	if (f[SENS_LANGUAGE].present && f[SENS_LANGUAGE_INVALID].present)
		buf_addf(out, "%s  %s; perfect: 0%%; left out: %.0f%% of the wording pairs had an "
			      "unparseable reply\n", indent, on_images(&f[SENS_LANGUAGE], img),
			 100 * f[SENS_LANGUAGE_INVALID].value);
	else if (f[SENS_LANGUAGE_INVALID].present)
		buf_addf(out, "%slanguage: not measured, an unparseable reply in every wording pair "
			      "(%zu items)\n", indent, f[SENS_LANGUAGE_INVALID].n);
	if (f[SENS_REPEAT].present) {
		buf_addf(out, "%snoise: the same request sent again changes ", indent);
		pct3(out, &f[SENS_REPEAT]);
		buf_addf(out, " of valid answers (%zu pairs %s)\n", f[SENS_REPEAT].n,
			 on_images(&f[SENS_REPEAT], img));
	}
	unmeasured(out, indent, "noise", &f[SENS_REPEAT], &f[SENS_REPEAT_INVALID]);
	if (f[SENS_CONSISTENCY].present) {
		buf_addf(out, "%sconsistency: ", indent);
		pct3(out, &f[SENS_CONSISTENCY]);
		buf_adds(out, " of items are right under every wording (perfect: 100%)\n");
	}
	if (f[SENS_FLIP].present) {
		buf_addf(out, "%svision: mirroring changes ", indent);
		pct3(out, &f[SENS_FLIP]);
		buf_addf(out, " of the answers that should change (%zu valid pair%s)\n", f[SENS_FLIP].n,
			 f[SENS_FLIP].n == 1 ? "" : "s");
		buf_addf(out, "%s  %s; a model that ignores the image: 0%%; perfect: 100%%\n", indent,
			 on_images(&f[SENS_FLIP], img));
	}
	unmeasured(out, indent, "vision: mirroring changes", &f[SENS_FLIP], &f[SENS_FLIP_INVALID]);
	/* -p hflip over relations a mirror never changes (above, near ...): say
	 * why the figure the verdict reads is missing, rather than nothing. */
	if (!f[SENS_FLIP].present && !f[SENS_FLIP_INVALID].present &&
	    (f[SENS_KEEP].present || f[SENS_KEEP_INVALID].present))
		buf_addf(out, "%svision: mirroring changes: not measured, no mirrored pair should change\n"
			      "%s  only a left of / right of item does (synth: -S relations=left_of,right_of)\n",
			 indent, indent);
	if (f[SENS_FLIP_PAIR].present) {
		/* Over every pair whose truth flips: an unparseable side counts wrong. */
		buf_addf(out, "%svision: both answers right on ", indent);
		pct3(out, &f[SENS_FLIP_PAIR]);
		buf_addf(out, " of all %zu mirrored pair%s that should change\n", f[SENS_FLIP_PAIR].n,
			 f[SENS_FLIP_PAIR].n == 1 ? "" : "s");
		buf_addf(out, "%s  %s; an unparseable reply counts wrong; perfect: 100%%\n", indent,
			 on_images(&f[SENS_FLIP_PAIR], img));
	}
	if (f[SENS_KEEP].present) {
		buf_addf(out, "%svision: mirroring keeps ", indent);
		pct3(out, &f[SENS_KEEP]);
		buf_addf(out, " of the answers that should stay (%zu valid pair%s)\n", f[SENS_KEEP].n,
			 f[SENS_KEEP].n == 1 ? "" : "s");
		buf_addf(out, "%s  %s; a model that ignores the image: 100%%; perfect: 100%%\n", indent,
			 on_images(&f[SENS_KEEP], img));
	}
	unmeasured(out, indent, "vision: mirroring keeps", &f[SENS_KEEP], &f[SENS_KEEP_INVALID]);
	if (f[SENS_BLIND_GAP].present)
		buf_addf(out, "%sblind gap: %+.1f points [%+.1f, %+.1f] (%.1f%% with the image, %.1f%% "
			      "without; ignores the image: 0)\n",
			 indent, points(f[SENS_BLIND_GAP].value, 1), points(f[SENS_BLIND_GAP].ci_low, 1),
			 points(f[SENS_BLIND_GAP].ci_high, 1), 100 * f[SENS_ACC_IMAGE].value,
			 100 * f[SENS_ACC_BLIND].value);
}

/*
 * Under the blind gap (the last line of sens_diagnosis): how many replies
 * without the image held no answer.  They count wrong, so a model that
 * declines to guess without a picture ("I can't see any image") shows the
 * same gap as one that guesses wrong; the reader is told which it was.
 */
void sens_blind_note(struct buf *out, const struct suite_metrics *sm, const char *indent)
{
	size_t tasks = 0, unread = 0;

	if (!sm->sens.fig[SENS_BLIND_GAP].present)
		return;
	for (size_t i = 0; i < sm->by_variant.n; i++) {
		const struct group *g = &sm->by_variant.g[i];

		if (strstr(g->name, "blind")) {
			tasks += g->a.tasks;
			unread += g->a.tasks - g->a.answered;
		}
	}
	if (unread)
		buf_addf(out, "%s  %zu of %zu replies without the image held no answer vsrbench reads "
			      "(counted wrong)\n",
			 indent, unread, tasks);
}

/*
 * The verdict (docs/diagnosis.md): one sentence, decided by the intervals.
 * An interval that is NaN (no resample had pairs) decides nothing.
 */
#define VERDICT_WORDING_MARGIN 0.05 /* language above the noise by this much */
#define VERDICT_WORDING_STEADY 0.10 /* language below noise + this: steady */
#define VERDICT_FLIP_LOW 0.50       /* mirroring flips less than this: under-sensitive */
#define VERDICT_FLIP_HIGH 0.80      /* mirroring flips at least this: follows the image */
#define VERDICT_BLIND_GAP 0.05      /* a blind gap below this: ignores the image */
#define VERDICT_NOISY 0.05          /* repeat disagreement above this: a noisy model */

int sens_verdict(struct buf *out, const struct sens_result *sr)
{
	const struct sens_value *f = sr->fig;
	const struct sens_value *lang = &f[SENS_LANGUAGE], *rep = &f[SENS_REPEAT];
	const struct sens_value *flip = &f[SENS_FLIP], *gap = &f[SENS_BLIND_GAP];
	const char *word = NULL, *img = NULL;
	double noise, noise_hi;
	int facts = 0, noisy;

	/*
	 * A noisy model (its repeat disagreement clearly above zero) moves with
	 * the wording and with the mirror as much as by chance: movement within
	 * its noise is noise, neither steadiness nor sensitivity.
	 */
	noise = rep->present ? rep->value : 0;
	noise_hi = rep->present && !isnan(rep->ci_high) ? rep->ci_high : noise;
	noisy = rep->present && !isnan(rep->ci_low) && rep->ci_low > VERDICT_NOISY;
	if (lang->present) {
		if (!isnan(lang->ci_low) && lang->ci_low > noise_hi + VERDICT_WORDING_MARGIN)
			word = "over-sensitive to wording";
		else if (noisy)
			word = "noisy rather than wording-driven";
		else if (!isnan(lang->ci_high) && lang->ci_high <= noise + VERDICT_WORDING_STEADY)
			word = "steady under rewording";
		else
			word = "unclear whether the wording moves it";
	}
	if (flip->present) {
		if (!isnan(flip->ci_high) && flip->ci_high < VERDICT_FLIP_LOW)
			img = "under-sensitive to the image";
		else if (noisy && !isnan(flip->ci_low) && flip->ci_low <= noise_hi + VERDICT_WORDING_MARGIN)
			img = "under-sensitive to the image";
		else if (!isnan(flip->ci_low) && flip->ci_low >= VERDICT_FLIP_HIGH)
			img = "follows the image";
		else if (!isnan(flip->ci_high) && flip->ci_high < VERDICT_FLIP_HIGH)
			img = "follows the image only in part";
		else /* the interval reaches "follows": too few images to say "in part" */
			img = "unclear how far it follows the image";
		/* Mirroring barely moves it and hiding the image costs nothing: it ignores it. */
		if (!strcmp(img, "under-sensitive to the image") && gap->present &&
		    !isnan(gap->ci_high) && gap->ci_high < VERDICT_BLIND_GAP)
			img = "ignores the image";
	} else if (gap->present) {
		if (!isnan(gap->ci_high) && gap->ci_high < VERDICT_BLIND_GAP)
			img = "ignores the image";
		else if (!isnan(gap->ci_low) && gap->ci_low >= VERDICT_BLIND_GAP)
			img = "uses the image";
		else
			img = "unclear whether it uses the image";
	}
	if (!word && !img)
		return 0;
	buf_addf(out, "%s%s%s: ", word ? word : "", word && img ? ", " : "", img ? img : "");
	if (lang->present) {
		/* A share of pairs (averaged over items), as the noise beside it: not of items. */
		buf_addf(out, "answers differ on %.0f%% of wording pairs ", 100 * lang->value);
		if (rep->present)
			buf_addf(out, "(noise alone: %.0f%%)", 100 * rep->value);
		else
			buf_adds(out, "(noise not measured: add -p repeat)");
		facts++;
	}
	if (flip->present) {
		buf_addf(out, "%smirroring flips %.0f%% of the left/right answers that should flip "
			      "(a model that ignores the image: 0%%",
			 facts++ ? ", " : "", 100 * flip->value);
		/* A noisy model that ignores the image flips as often as it disagrees with itself. */
		if (rep->present && rep->num > 0)
			buf_addf(out, "; one as noisy as this: %.0f%%", 100 * rep->value);
		buf_addch(out, ')');
	}
	if (gap->present)
		buf_addf(out, "%shiding the image costs %+.0f points of accuracy (a model that ignores "
			      "the image: 0)",
			 facts++ ? ", " : "", points(gap->value, 0));
	buf_addch(out, '.');
	return 1;
}

/* ---- a partial run ------------------------------------------------------ */

int report_is_partial(const struct rundir_progress *pg)
{
	return pg && pg->known && !pg->complete;
}

int report_mostly_unread_text(struct buf *out, const struct metrics *m)
{
	size_t unread = m->all.tasks - m->all.answered;

	if (!m->all.tasks || unread * 2 < m->all.tasks)
		return 0;
	if (unread == m->all.tasks)
		buf_addf(out, "no reply was read: none of the %zu held an answer vsrbench reads", unread);
	else
		buf_addf(out, "most replies were not read: %zu of %zu held no answer vsrbench reads",
			 unread, m->all.tasks);
	buf_adds(out, ", and each counts as wrong: the accuracies say more about the replies' "
		      "form than about the model (each suite shows examples; docs/extraction.md)");
	return 1;
}

int report_headline_warning(struct buf *out, const struct metrics *m)
{
	return report_none_scored_text(out, m) || report_mostly_unread_text(out, m);
}

int report_none_scored_text(struct buf *out, const struct metrics *m)
{
	size_t cut = m->all.cut_short, ref = m->all.refused;

	if (m->all.tasks || !(cut || ref))
		return 0;
	buf_adds(out, "no reply was scored: ");
	if (cut)
		buf_addf(out, "%zu %s cut short by the token limit before an answer (raise "
			      "--max-tokens)", cut, cut == 1 ? "was" : "were");
	if (cut && ref)
		buf_adds(out, ", ");
	if (ref)
		buf_addf(out, "%zu %s refusals or safety blocks", ref, ref == 1 ? "was" : "were");
	buf_adds(out, "; the accuracies below are over no task");
	return 1;
}

size_t report_tasks_done(const struct metrics *m)
{
	return m->all.tasks + m->all.cut_short + m->all.refused;
}

void report_partial_what(struct buf *out, size_t done, size_t failed, size_t planned,
			 const char *why)
{
	if (planned)
		buf_addf(out, "%zu of %zu planned tasks done", done, planned);
	else
		buf_addf(out, "%zu task%s done, not all of the run's (how many it plans is not "
			      "recorded)", done, done == 1 ? "" : "s");
	if (failed)
		buf_addf(out, ", %zu failed", failed);
	if (!strcmp(why, "interrupted"))
		buf_adds(out, " (interrupted)");
	else if (!strcmp(why, "error"))
		buf_adds(out, " (stopped by an error)");
	else if (!strcmp(why, "budget"))
		buf_adds(out, " (stopped before the budget)");
	else
		buf_adds(out, " (stopped before its end, or still running)");
}

void report_partial_text(struct buf *out, const struct metrics *m,
			 const struct rundir_progress *pg, const char *dir)
{
	const char *why = pg->stopped_by;

	buf_adds(out, "partial run: ");
	report_partial_what(out, report_tasks_done(m), m->all.errors, pg->tasks_planned, why);
	struct buf w = BUF_INIT;

	buf_addf(out, "; every figure is over the tasks done only. Resume %s: vsrbench run ... %s-o %s",
		 !strcmp(why, "error") ? "once the cause is fixed" : "with the same options",
		 !strcmp(why, "budget") ? "with a larger budget " : "", dir ? sh_word(&w, dir) : "RUN_DIR");
	buf_release(&w);
	if (!dir)
		buf_adds(out, " (this run directory)");
}

/* The formats `vsrbench report --format` knows, and the file each writes. */
static const struct {
	const char *format;
	enum rundir_file file;
	report_fn fn;
} writers[] = {
	{ "json", RUNDIR_REPORT_JSON, report_json },
	{ "md", RUNDIR_REPORT_MD, report_md },
	{ "html", RUNDIR_REPORT_HTML, report_html },
	{ "junit", RUNDIR_JUNIT, report_junit },
};
#define N_WRITERS (sizeof(writers) / sizeof(writers[0]))

int reports_wanted(const char *formats, const char *name)
{
	size_t n = strlen(name);
	const char *p = formats;

	if (!formats)
		return 1;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, name, n))
			return 1;
		p += len + (end ? 1 : 0);
	}
	return 0;
}

void reports_metrics_opts(const char *formats, struct metrics_opts *o)
{
	o->worst_items = reports_wanted(formats, "html");
}

int reports_check(const char *formats, char *err)
{
	const char *p = formats;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		size_t i;
		for (i = 0; i < N_WRITERS; i++)
			if (strlen(writers[i].format) == len && !strncmp(p, writers[i].format, len))
				break;
		if (i == N_WRITERS) {
			struct buf known = BUF_INIT;
			for (i = 0; i < N_WRITERS; i++)
				buf_addf(&known, "%s%s", i ? ", " : "", writers[i].format);
			char word[64], hint[96];
			snprintf(word, sizeof(word), "%.*s", (int)len, p);
			err_set(err, VSR_EUSAGE, "unknown report format '%s'%s (known: %s)", word,
				suggest_hint(word, known.ptr, hint, sizeof(hint)), known.ptr);
			buf_release(&known);
			return VSR_EUSAGE;
		}
		p += len + (end ? 1 : 0);
	}
	return 0;
}

int reports_write(const char *run_dir, const char *formats, const struct metrics *m,
		  const cJSON *run, const struct rundir_progress *pg, char *err)
{
	struct buf path = BUF_INIT, out = BUF_INIT;
	int r = 0;

	r = reports_check(formats, err);
	for (size_t i = 0; i < N_WRITERS && !r; i++) {
		if (!reports_wanted(formats, writers[i].format))
			continue;
		buf_reset(&out);
		if (writers[i].fn(m, run, pg, &out)) {
			r = err_set(err, VSR_EDATA, "cannot build %s", rundir_file_name(writers[i].file));
			break;
		}
		r = write_file_atomic(rundir_path(&path, run_dir, writers[i].file), out.ptr, out.len, err);
	}
	buf_release(&path);
	buf_release(&out);
	return r;
}

/* ---- the terminal summary ---------------------------------------------- */

static void summary_row(FILE *fp, const char *name, const struct acc *a)
{
	double lo, hi;
	char nm[29];
	struct buf r = BUF_INIT;

	/* Over no task (every request failed) a share is "-", not 0% [0, 100]. */
	acc_ci(a, PROP_ACCURACY, &lo, &hi);
	snprintf(nm, sizeof(nm), "%s", name);
	report_pct(&r, a->answered, a->tasks, 9);
	report_pct(&r, a->correct, a->tasks, 9);
	if (a->tasks)
		buf_addf(&r, "  [%5.1f, %5.1f]", 100 * lo, 100 * hi);
	else
		buf_addf(&r, "  %-14s", "");
	report_pct(&r, a->correct, a->answered, 9);
	report_pct(&r, a->yes, report_yes_base(a), 9);
	fprintf(fp, "  %-28s %7zu %6zu%s\n", nm, a->tasks, a->errors, r.ptr);
	buf_release(&r);
}

static void summary_groups(FILE *fp, const char *title, const struct groups *gs, size_t max)
{
	if (gs->n < 2 || gs->n > max)
		return;
	fprintf(fp, "  %s\n", title);
	for (size_t i = 0; i < gs->n; i++) {
		char nm[40];
		snprintf(nm, sizeof(nm), "  %s", gs->g[i].name);
		summary_row(fp, nm, &gs->g[i].a);
	}
}

/* Words of s on lines of at most `width` columns, continued with an indent of 2. */
static void print_wrapped(FILE *fp, const char *s, size_t width)
{
	size_t col = 0;

	while (*s) {
		size_t w = strcspn(s, " ");
		if (col && col + 1 + w > width) {
			fputs("\n ", fp);
			col = 1;
		}
		fprintf(fp, "%s%.*s", col ? " " : "", (int)w, s);
		col += (col ? 1 : 0) + w;
		s += w;
		s += strspn(s, " ");
	}
	fputc('\n', fp);
}

/*
 * No silent no-op: a perturbation the run asked for (run.json
 * "perturbations") that left some of a suite's base tasks without their
 * variant -- converse on a relation without one, hflip on a question that
 * speaks of left or right, circular on a yes/no question -- says so, by
 * perturbation and count.  instr and format make no variant but more
 * templates: asked of a suite that ran with one template (MME's own q01, or
 * a single -t), or in one answer format, they did nothing to any of its base
 * tasks.  Fills *n with the count; returns the name.
 */
static const struct {
	const char *perturbation, *variant; /* variant NULL: instr, format */
	const char *why;                     /* why it skips a task, and what helps */
} perturbation_variants[] = {
	{ "instr", NULL, "one template was asked; -p instr compares several: -t pool" },
	{ "format", NULL, "one answer format was asked; -p format compares several" },
	{ "converse", "converse", "no caption with a relation that has a converse" },
	{ "hflip", "hflip", "a question that speaks of left or right: no known mirrored answer" },
	{ "blind", "blind", "it does not apply to them" },
	{ "circular", "rot1", "multiple-choice questions only" },
	{ "repeat", "repeat", "it does not apply to them" },
};

static size_t variant_count(const struct groups *gs, const char *name)
{
	for (size_t i = 0; i < gs->n; i++)
		if (!strcmp(gs->g[i].name, name))
			return gs->g[i].a.tasks + gs->g[i].a.errors;
	return 0;
}

int report_not_applied(const struct suite_metrics *sm, const cJSON *run, size_t k,
		       const char **perturbation, size_t *missing, size_t *base)
{
	const char *asked = cJSON_GetStringValue(
		run ? cJSON_GetObjectItemCaseSensitive(run, "perturbations") : NULL);
	size_t nb, nv;

	if (k >= sizeof(perturbation_variants) / sizeof(perturbation_variants[0]))
		return -1;
	*perturbation = perturbation_variants[k].perturbation;
	*missing = *base = 0;
	if (!asked || !reports_wanted(asked, perturbation_variants[k].perturbation))
		return 0;
	nb = variant_count(&sm->by_variant, "base");
	if (!perturbation_variants[k].variant) /* instr: templates; format: answer formats */
		nv = (strcmp(*perturbation, "instr") ? sm->by_format.n : sm->by_template.n) > 1 ? nb : 0;
	else
		nv = variant_count(&sm->by_variant, perturbation_variants[k].variant);
	if (nv >= nb)
		return 0;
	*missing = nb - nv;
	*base = nb;
	return 1;
}

void report_not_applied_text(struct buf *out, const struct suite_metrics *sm, const cJSON *run,
			     const char *indent)
{
	const char *p;
	size_t missing, base;

	for (size_t k = 0; report_not_applied(sm, run, k, &p, &missing, &base) >= 0; k++)
		if (missing)
			buf_addf(out, "%snot applied: -p %s skipped %zu of %zu base tasks (%s)\n", indent,
				 p, missing, base, perturbation_variants[k].why);
}

int report_interval_note(struct buf *out, const struct acc *a, const char *indent)
{
	double eff = a->ci[PROP_ACCURACY].n_eff;

	if (!a->images || a->images >= a->tasks)
		return 0;
	buf_addf(out, "%sthe CI counts %zu tasks on %zu image%s as ", indent, a->tasks,
		 a->images, a->images == 1 ? "" : "s");
	if (eff > 0)
		buf_addf(out, "%.*f independent one%s", eff < 10 ? 1 : 0, eff,
			 eff == 1.0 ? "" : "s");
	else
		buf_adds(out, "none: one image says nothing of others");
	buf_adds(out, ": an image's answers go together");
	return 1;
}

/* Replies that are not answers, over every variant of the suite: one line each kind. */
void report_not_answers_text(struct buf *out, const struct suite_metrics *sm, const char *indent,
			     int md)
{
	size_t cut = 0, ref = 0, cut_read = 0, tasks = 0, unread = 0;

	for (size_t i = 0; i < sm->by_variant.n; i++) {
		const struct acc *a = &sm->by_variant.g[i].a;
		cut += a->cut_short;
		ref += a->refused;
		cut_read += a->cut_answered;
		tasks += a->tasks;
		unread += a->tasks - a->answered;
	}
	if (unread) {
		buf_addf(out, "%snot read: %zu of %zu replies held no %s vsrbench reads (counted wrong; "
			      "what it reads: docs/extraction.md; a judge for the rest: --judge)",
			 indent, unread, tasks, sm->lettered ? "option letter" : "yes or no");
		for (size_t k = 0; k < sm->n_unread_ex; k++) {
			buf_adds(out, k ? ", " : "; e.g. ");
			if (!*sm->unread_ex[k])
				buf_adds(out, "an empty reply");
			else if (md)
				buf_add_md_code(out, sm->unread_ex[k], 0, 0);
			else
				buf_addf(out, "\"%s\"", sm->unread_ex[k]);
		}
		buf_adds(out, "\n");
	}
	if (cut)
		buf_addf(out, "%scut short: %zu repl%s hit the token limit before an answer (not "
			      "counted; raise --max-tokens and run again into a new -o: with the "
			      "response cache on, only these are asked again)\n",
			 indent, cut, cut == 1 ? "y" : "ies");
	if (cut_read)
		buf_addf(out, "%scut short, read anyway: %zu repl%s hit the token limit after an "
			      "answer was read from them (counted; a model that reasons before it "
			      "answers may have been cut mid-thought: raise --max-tokens)\n",
			 indent, cut_read, cut_read == 1 ? "y" : "ies");
	if (ref)
		buf_addf(out, "%srefused: %zu replies were refusals or safety blocks (not counted)\n",
			 indent, ref);
}

/* One line of the seed paper's names: NAME (templates TPL): acc_t [CI], acc_a. */
void report_reasoning_tokens(struct buf *out, double sum, size_t with, size_t answers)
{
	if (!with)
		buf_adds(out, "reasoning not reported");
	else if (with < answers)
		buf_addf(out, "%.0f reasoning, reported by %zu answer%s", sum, with, with == 1 ? "" : "s");
	else
		buf_addf(out, "%.0f reasoning", sum);
}

static void protocol_line(FILE *fp, const char *name, const char *tpl, const struct acc *a)
{
	double lo, hi;

	acc_ci(a, PROP_ACCURACY, &lo, &hi);
	fprintf(fp, "  %s (the seed paper's name; templates %.24s): acc_t %.1f%% [%.1f, %.1f], "
		    "acc_a %.1f%%\n",
		name, tpl, 100 * ratio(a->correct, a->tasks), 100 * lo, 100 * hi,
		100 * ratio(a->correct, a->answered));
}

/*
 * Issue 13: the seed paper's names for what ran on the unified test set, with
 * their numbers: Test-S, Test-G, or both when a pool held `-t single`'s template.
 */
static void summary_protocol(FILE *fp, const struct suite_metrics *sm, const cJSON *run)
{
	struct vsr_protocols p;
	const char *tpl = cJSON_GetStringValue(
		run ? cJSON_GetObjectItemCaseSensitive(run, "templates") : NULL);
	char many[32];

	if (!report_vsr_protocols(sm, &p))
		return;
	snprintf(many, sizeof(many), "%zu templates", p.g_templates);
	if (p.s)
		protocol_line(fp, "Test-S", p.g || !tpl ? p.s_template : tpl, p.s);
	if (p.g)
		protocol_line(fp, "Test-G", tpl ? tpl : many, p.g);
}

void report_summary(FILE *fp, const struct metrics *m)
{
	report_summary_run(fp, m, NULL, NULL, NULL);
}

void report_summary_run(FILE *fp, const struct metrics *m, const cJSON *run,
			const struct rundir_progress *pg, const char *dir)
{
	/* Above everything: the numbers below are of the tasks done only. */
	if (report_is_partial(pg)) {
		struct buf p = BUF_INIT;
		report_partial_text(&p, m, pg, dir);
		print_wrapped(fp, p.ptr, 99);
		buf_release(&p);
	}
	{
		struct buf p = BUF_INIT;
		if (report_headline_warning(&p, m))
			print_wrapped(fp, p.ptr, 99);
		buf_release(&p);
	}
	/* The verdicts first: what the diagnosis found, one sentence a suite. */
	for (size_t i = 0; i < m->n_suites; i++) {
		struct buf v = BUF_INIT;
		buf_addf(&v, "verdict (%s): ", m->suites[i].name);
		if (sens_verdict(&v, &m->suites[i].sens))
			print_wrapped(fp, v.ptr, 99);
		buf_release(&v);
	}
	fprintf(fp, "  %-28s %7s %6s %8s %8s  %-14s %8s %8s\n", "suite", "tasks", "errors",
		"answered", "accuracy", "[95% CI]", "acc(ans)", "yes-rate");
	for (size_t i = 0; i < m->n_suites; i++) {
		const struct suite_metrics *sm = &m->suites[i];
		summary_row(fp, sm->name, &sm->all);
		summary_protocol(fp, sm, run);
		{
			struct buf na = BUF_INIT, sl = BUF_INIT;
			if (report_slice(&sl, sm->name, run))
				buf_addf(&na, "  asked: %s, not the whole suite; a number quoted from it "
					      "must say so\n", sl.ptr);
			buf_release(&sl);
			if (report_interval_note(&na, &sm->all, "  "))
				buf_addch(&na, '\n');
			report_not_applied_text(&na, sm, run, "  ");
			report_not_answers_text(&na, sm, "  ", 0);
			fputs(na.ptr, fp);
			buf_release(&na);
		}
		official_summary(fp, m->official, sm->name);
		summary_groups(fp, "by category", &sm->by_category, 12);
		summary_groups(fp, "by relation", &sm->by_relation, 16);
		summary_groups(fp, "by template", &sm->by_template, 12);
		summary_groups(fp, "by answer format", &sm->by_format, 6);
		summary_groups(fp, "by variant (beside the headline, not in it)", &sm->by_variant, 12);
		if (sens_any(&sm->sens)) {
			struct buf d = BUF_INIT;
			sens_diagnosis(&d, &sm->sens, "  ");
			sens_blind_note(&d, sm, "  ");
			fputs(d.ptr, fp);
			buf_release(&d);
		}
		{
			struct spread sp;
			if (groups_spread(&sm->by_template, &sp) && spread_none(&sp))
				fprintf(fp, "  %zu templates: every one %.1f%%, no spread\n",
					sm->by_template.n, 100 * sp.mean);
			else if (groups_spread(&sm->by_template, &sp))
				fprintf(fp, "  %zu templates: mean %.1f%%, worst %.1f%% (%.16s), best %.1f%% (%.16s), "
					    "spread %.1f points\n",
					sm->by_template.n, 100 * sp.mean, 100 * sp.worst, sp.worst_name,
					100 * sp.best, sp.best_name, 100 * (sp.best - sp.worst));
			if (groups_spread(&sm->by_template, &sp) && !spread_none(&sp)) {
				struct buf t = BUF_INIT;
				if (report_template_test(&t, &sm->sens))
					fprintf(fp, "    %s\n", t.ptr);
				buf_release(&t);
			}
		}
		if (sm->usage.reported || sm->usage.cached) {
			struct buf r = BUF_INIT;
			report_reasoning_tokens(&r, sm->usage.reasoning, sm->usage.reasoning_reported,
						sm->usage.reported);
			fprintf(fp, "  tokens: %.0f in, %.0f out (%s) over %zu answers; "
				    "%zu answers from the cache\n",
				sm->usage.in, sm->usage.out, r.ptr, sm->usage.reported, sm->usage.cached);
			buf_release(&r);
		}
	}
	if (m->n_suites > 1)
		summary_row(fp, "all suites", &m->all);
	official_run_summary(fp, m->official);
	judge_summary(fp, m, run);
}
