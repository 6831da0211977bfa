#include "expand.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../suites/converse.h"
#include "imgvar.h"
#include "../base/suggest.h"
#include "../base/util.h"

static const struct {
	const char *name;
	unsigned flag;
} perturbations[] = {
	{ "instr", PERTURB_INSTR },   { "format", PERTURB_FORMAT }, { "converse", PERTURB_CONVERSE },
	{ "hflip", PERTURB_HFLIP },   { "blind", PERTURB_BLIND },   { "circular", PERTURB_CIRCULAR },
	{ "repeat", PERTURB_REPEAT },
};
#define PERTURB_KNOWN "instr, format, converse, hflip, blind, circular, repeat"
#define N_PERTURB (sizeof(perturbations) / sizeof(perturbations[0]))

int perturb_parse(const char *spec, unsigned *flags, char *err)
{
	const char *p = spec;

	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p), i;

		for (i = 0; i < N_PERTURB; i++)
			if (strlen(perturbations[i].name) == len && !strncmp(p, perturbations[i].name, len))
				break;
		if (i == N_PERTURB) {
			char word[64], hint[96];
			snprintf(word, sizeof(word), "%.*s", (int)len, p);
			return err_set(err, VSR_EUSAGE, "unknown perturbation '%s'%s (known: %s)", word,
				       suggest_hint(word, PERTURB_KNOWN, hint, sizeof(hint)),
				       PERTURB_KNOWN);
		}
		*flags |= perturbations[i].flag;
		p += len + (end ? 1 : 0);
	}
	return 0;
}

void perturb_names(unsigned flags, struct buf *out)
{
	int first = 1;

	for (size_t i = 0; i < N_PERTURB; i++)
		if (flags & perturbations[i].flag) {
			buf_addf(out, "%s%s", first ? "" : ",", perturbations[i].name);
			first = 0;
		}
}

/*
 * Variant names are interned once: "base", "converse", "hflip",
 * "converse+blind", "rot2", "hflip+rot1" ...  Written only by the producer
 * thread before a task using it is queued.
 */
#define MAX_ROT 26
static char variant_names[2][3][MAX_ROT][32];

static const char *variant_name(int converse, enum image_variant img, size_t rot)
{
	char *s = variant_names[converse][img][rot];

	if (!s[0]) {
		struct buf b = BUF_INIT;
		if (converse)
			buf_adds(&b, "converse");
		if (img != IMG_ORIG)
			buf_addf(&b, "%s%s", b.len ? "+" : "", img == IMG_HFLIP ? "hflip" : "blind");
		if (rot)
			buf_addf(&b, "%srot%zu", b.len ? "+" : "", rot);
		snprintf(s, 32, "%s", b.len ? b.ptr : "base");
		buf_release(&b);
	}
	return s;
}

static uint64_t variant_digest(uint64_t orig, enum image_variant img)
{
	uint64_t v[3] = { orig, (uint64_t)img, IMGVAR_VERSION };

	/* The mirrored bytes are a pure function of the original bytes and the
	 * transform's version, so this names them without making them here. */
	return img == IMG_ORIG ? orig : hash64(v, sizeof(v), HASH_SEED);
}

static int mentions_side(const char *s)
{
	static const char *const words[] = { "left", "right" };

	for (const char *p = s; p && *p; p++)
		for (size_t w = 0; w < 2; w++) {
			size_t n = strlen(words[w]);
			if (!strncasecmp(p, words[w], n) && (p == s || !isalpha((unsigned char)p[-1])) &&
			    !isalpha((unsigned char)p[n]))
				return 1;
		}
	return 0;
}

/*
 * Can we say what a mirrored image should change?  With a relation, yes
 * (left/right flip, the rest stays).  A dataset question without one (MME,
 * MMBench, SEED) that speaks of left or right has an answer we cannot
 * mirror, so it gets no hflip variant; any other question keeps its answer.
 */
static int hflip_known(const struct item *it)
{
	if (it->relation)
		return 1;
	if (mentions_side(it->question) || mentions_side(it->caption) || mentions_side(it->hint))
		return 0;
	for (size_t k = 0; k < it->n_choices; k++)
		if (mentions_side(it->choices[k]))
			return 0;
	return 1;
}

static answer_t flip(answer_t a)
{
	return a == ANS_YES ? ANS_NO : a == ANS_NO ? ANS_YES : a;
}

static int add_tasks(struct expander *e, struct job *job, const struct item *text, int converse,
		     char *err)
{
	const struct item *it = &job->item;
	size_t n_rot = (e->perturb & PERTURB_CIRCULAR) && it->n_choices > 1 ? it->n_choices : 1;
	char *rotated[MAX_ROT];

	if (n_rot > MAX_ROT)
		n_rot = MAX_ROT;
	for (size_t i = 0; i < e->ts->n; i++) {
		const struct template *t = &e->ts->t[i];

		if (!template_applies(t, text)) {
			e->not_applicable++;
			continue;
		}
		for (size_t rot = 0; rot < n_rot; rot++) {
			struct item shown = *text; /* borrowed fields, never released */
			int r;

			/* Rotation r shows original option (k + r) % n as option k, in the
			 * prompt's [options] as in the request (scheduler.c rotates those). */
			if (rot) {
				for (size_t k = 0; k < it->n_choices && k < MAX_ROT; k++)
					rotated[k] = text->choices[(k + rot) % it->n_choices];
				shown.choices = rotated;
			}
			buf_reset(&e->prompt);
			if ((r = template_expand(t, &shown, &e->prompt, err)))
				return r;
			/* A prompt the journal could not hold is the data's fault, said now. */
			if (e->prompt.len > JOURNAL_PROMPT_MAX / 6 &&
			    buf_json_str_fit(e->prompt.ptr, e->prompt.len, JOURNAL_PROMPT_MAX) <
				    e->prompt.len)
				return err_set(err, VSR_EDATA,
					       "%s%s%s item %s: template %s makes a prompt of %zu bytes, "
					       "over the limit of %u (JSON-escaped)",
					       it->where ? it->where : "", it->where ? ": " : "",
					       it->suite, it->id, t->id, e->prompt.len, JOURNAL_PROMPT_MAX);
			/* img == IMG_BLIND + 1: the base task asked again (repeat). */
			for (int img = IMG_ORIG; img <= IMG_BLIND + 1; img++) {
				const char *variant;
				struct task *tk;
				uint64_t key, vd;
				int again = img == IMG_BLIND + 1;
				enum image_variant im;

				if (again && (!(e->perturb & PERTURB_REPEAT) || converse || rot))
					continue;
				if ((img == IMG_HFLIP && !(e->perturb & PERTURB_HFLIP)) ||
				    (img == IMG_BLIND && !(e->perturb & PERTURB_BLIND)))
					continue;
				if (img == IMG_HFLIP && !hflip_known(it)) {
					e->no_hflip++;
					continue;
				}
				im = again ? IMG_ORIG : (enum image_variant)img;
				variant = again ? "repeat" : variant_name(converse, im, rot);
				vd = variant_digest(it->image_digest, im);
				key = task_key(it->suite, it->id, variant, t->id, e->prompt.ptr, vd,
					       e->model_fp, e->max_tokens, e->temperature, e->seed);
				if (e->journal && journal_has(e->journal, key)) {
					e->done++;
					continue;
				}
				/*
				 * Answered before about other inputs: the settings and the data
				 * files are the run's (run.json), so the image's bytes changed.
				 * Asking again would score the item twice, once per image.
				 */
				if (e->journal &&
				    journal_has_slot(e->journal,
						     journal_slot(it->suite, it->id, variant, t->id)))
					return err_set(err, VSR_EDATA,
						       "%s%s%s item %s: its image%s%s changed since this run "
						       "answered it (template %s, variant %s); put the answered "
						       "file back, or start a new run with another -o",
						       it->where ? it->where : "", it->where ? ": " : "",
						       it->suite, it->id, it->image_path ? " " : "",
						       it->image_path ? it->image_path : "", t->id, variant);
				tk = &job->tasks[job->n_tasks++];
				tk->key = key;
				tk->image_digest = vd;
				tk->tpl = t;
				tk->prompt = xstrdup(e->prompt.ptr);
				tk->variant = variant;
				tk->image = im;
				tk->rotation = rot;
				tk->label = im == IMG_HFLIP && relation_flips_with_hflip(it->relation)
					? flip(it->label) : it->label;
			}
		}
	}
	return 0;
}

int expand_job(struct expander *e, struct job *job, char *err)
{
	const struct item *it = &job->item;
	size_t n_img = 1 + !!(e->perturb & PERTURB_HFLIP) + !!(e->perturb & PERTURB_BLIND) +
		       !!(e->perturb & PERTURB_REPEAT);
	size_t n_rot = (e->perturb & PERTURB_CIRCULAR) && it->n_choices > 1 ? it->n_choices : 1;
	size_t n_text = 1 + !!(e->perturb & PERTURB_CONVERSE);
	int r;

	if (n_rot > MAX_ROT)
		n_rot = MAX_ROT;
	job->tasks = xcalloc(e->ts->n * n_img * n_rot * n_text, sizeof(*job->tasks));
	job->n_tasks = 0;
	r = add_tasks(e, job, it, 0, err);
	if (!r && (e->perturb & PERTURB_CONVERSE) && it->relation) {
		const struct converse_rule *cr = converse_find(it->relation);
		struct buf cap = BUF_INIT;
		struct item conv;

		if (cr && !converse_caption(it->subject, it->relation, it->object, &cap)) {
			/* The same item, restated: borrowed fields, never released. */
			conv = *it;
			conv.caption = cap.ptr;
			conv.subject = it->object;
			conv.object = it->subject;
			conv.relation = (char *)(uintptr_t)cr->converse;
			r = add_tasks(e, job, &conv, 1, err);
		} else {
			e->no_converse++;
		}
		buf_release(&cap);
	}
	return r;
}

size_t expand_count(const struct expander *e, const struct item *item)
{
	struct expander c = *e;
	struct buf scratch = BUF_INIT;
	struct job j;
	char err[VSR_ERR_MAX];
	size_t n;

	c.prompt = scratch; /* its own: e's stays e's */
	c.journal = NULL;
	memset(&j, 0, sizeof(j));
	j.item = *item; /* borrowed: only the tasks are released */
	n = expand_job(&c, &j, err) ? 0 : j.n_tasks;
	for (size_t i = 0; i < j.n_tasks; i++)
		free(j.tasks[i].prompt);
	free(j.tasks);
	expander_release(&c);
	return n;
}

void expander_release(struct expander *e)
{
	buf_release(&e->prompt);
}
