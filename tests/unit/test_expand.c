/*
 * The expander (harness/expand.c): item x templates x variants -> tasks.
 * Every expected prompt, variant name, label and count below is written out
 * by hand from the template texts (suites/template.c), the converse table
 * (suites/converse.c) and the rules in expand.h: hflip flips the answer of
 * left/right relations only, converse keeps it, blind keeps it, circular
 * asks every rotation with the label in the dataset's order, templates that
 * do not fit an item are left out and counted, tasks already answered in
 * the journal are left out and counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/expand.h"
#include "harness/journal.h"
#include "harness/task.h"
#include "scratch.h"
#include "base/util.h" /* last: it includes banned.h */

#define DIGEST 0x0123456789abcdefULL
#define MODEL_FP 0x42ULL

struct want {
	const char *tmpl, *variant;
	enum image_variant image;
	answer_t label;
	size_t rotation;
	const char *prompt;
};

/* A caption item: "The SUBJ is REL the OBJ." (subject/object NULL: unsplit). */
static struct job *caption_job(const char *id, const char *caption, const char *subj,
			       const char *rel, const char *obj, answer_t label)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->item.suite = "test-suite";
	j->item.id = xstrdup(id);
	j->item.caption = xstrdup(caption);
	j->item.subject = subj ? xstrdup(subj) : NULL;
	j->item.relation = rel ? xstrdup(rel) : NULL;
	j->item.object = obj ? xstrdup(obj) : NULL;
	j->item.label = label;
	j->item.image_digest = DIGEST;
	return j;
}

/* A multiple-choice item asking `question` with options choices[0..n). */
static struct job *choice_job(const char *id, const char *question, const char *const *choices,
			      size_t n, answer_t label)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->item.suite = "test-suite";
	j->item.id = xstrdup(id);
	j->item.question = xstrdup(question);
	j->item.choices = xcalloc(n, sizeof(*j->item.choices));
	for (size_t k = 0; k < n; k++)
		j->item.choices[k] = xstrdup(choices[k]);
	j->item.n_choices = n;
	j->item.label = label;
	j->item.image_digest = DIGEST;
	return j;
}

static void init(struct expander *e, struct template_set *ts, const char *spec, unsigned perturb)
{
	char err[VSR_ERR_MAX];

	if (template_set_load(ts, spec, err))
		fail_msg("%s", err);
	memset(e, 0, sizeof(*e));
	e->ts = ts;
	e->perturb = perturb;
	e->model_fp = MODEL_FP;
	e->max_tokens = 32;
	e->temperature = 0.0;
	e->seed = 7;
}

static void expand(struct expander *e, struct job *j)
{
	char err[VSR_ERR_MAX];

	if (expand_job(e, j, err))
		fail_msg("%s", err);
}

/* The tasks of j are exactly want[0..n), in order, with distinct keys. */
static void check(const struct expander *e, const struct job *j, const struct want *w, size_t n)
{
	if (j->n_tasks != n)
		fail_msg("%zu tasks, want %zu", j->n_tasks, n);
	for (size_t i = 0; i < n; i++) {
		const struct task *t = &j->tasks[i];
		if (strcmp(t->tpl->id, w[i].tmpl) || strcmp(t->variant, w[i].variant))
			fail_msg("task %zu: %s %s, want %s %s", i, t->tpl->id, t->variant, w[i].tmpl,
				 w[i].variant);
		assert_int_equal(t->image, w[i].image);
		if (t->label != w[i].label)
			fail_msg("task %zu (%s %s): label %s, want %s", i, w[i].tmpl, w[i].variant,
				 answer_name(t->label), answer_name(w[i].label));
		assert_int_equal(t->rotation, w[i].rotation);
		assert_string_equal(t->prompt, w[i].prompt);
		/* An original-image task's key is the documented one. */
		if (t->image == IMG_ORIG)
			assert_true(t->key == task_key(j->item.suite, j->item.id, w[i].variant,
						       w[i].tmpl, w[i].prompt, DIGEST, e->model_fp,
						       e->max_tokens, e->temperature, e->seed));
		for (size_t k = 0; k < i; k++)
			if (j->tasks[k].key == t->key)
				fail_msg("tasks %zu and %zu have one key", k, i);
	}
}

#define YN01(cap) cap " Is this statement correct? Answer yes or no."
#define YN07(s, r, o) "Is the " s " " r " the " o "? Answer yes or no."

/* left of: converse right of; hflip flips the answer; blind keeps it. */
static void test_left_of(void **state)
{
	struct template_set ts;
	struct expander e;
	struct job *j = caption_job("L1", "The cat is left of the dog.", "cat", "left of", "dog",
				    ANS_YES);
	static const struct want w[] = {
		{ "yn01", "base", IMG_ORIG, ANS_YES, 0, YN01("The cat is left of the dog.") },
		{ "yn01", "hflip", IMG_HFLIP, ANS_NO, 0, YN01("The cat is left of the dog.") },
		{ "yn01", "blind", IMG_BLIND, ANS_YES, 0, YN01("The cat is left of the dog.") },
		{ "yn07", "base", IMG_ORIG, ANS_YES, 0, YN07("cat", "left of", "dog") },
		{ "yn07", "hflip", IMG_HFLIP, ANS_NO, 0, YN07("cat", "left of", "dog") },
		{ "yn07", "blind", IMG_BLIND, ANS_YES, 0, YN07("cat", "left of", "dog") },
		{ "yn01", "converse", IMG_ORIG, ANS_YES, 0, YN01("The dog is right of the cat.") },
		{ "yn01", "converse+hflip", IMG_HFLIP, ANS_NO, 0, YN01("The dog is right of the cat.") },
		{ "yn01", "converse+blind", IMG_BLIND, ANS_YES, 0, YN01("The dog is right of the cat.") },
		{ "yn07", "converse", IMG_ORIG, ANS_YES, 0, YN07("dog", "right of", "cat") },
		{ "yn07", "converse+hflip", IMG_HFLIP, ANS_NO, 0, YN07("dog", "right of", "cat") },
		{ "yn07", "converse+blind", IMG_BLIND, ANS_YES, 0, YN07("dog", "right of", "cat") },
	};

	(void)state;
	/* q01 and mc01 do not fit a caption item: left out, twice (base and converse). */
	init(&e, &ts, "yn01,q01,yn07,mc01", PERTURB_CONVERSE | PERTURB_HFLIP | PERTURB_BLIND);
	expand(&e, j);
	check(&e, j, w, sizeof(w) / sizeof(w[0]));
	assert_int_equal(e.not_applicable, 4);
	assert_int_equal(e.no_converse, 0);
	assert_int_equal(e.no_hflip, 0);
	assert_int_equal(e.done, 0);
	job_free(j);
	/* A false left-of: hflip makes it true. */
	j = caption_job("L2", "The cat is right of the dog.", "cat", "right of", "dog", ANS_NO);
	expand(&e, j);
	assert_int_equal(j->n_tasks, 12);
	assert_string_equal(j->tasks[1].variant, "hflip");
	assert_int_equal(j->tasks[1].label, ANS_YES);
	assert_string_equal(j->tasks[10].variant, "converse+hflip");
	assert_int_equal(j->tasks[10].label, ANS_YES);
	assert_string_equal(j->tasks[9].prompt, YN07("dog", "left of", "cat"));
	assert_int_equal(j->tasks[9].label, ANS_NO);
	job_free(j);
	expander_release(&e);
	template_set_release(&ts);
}

/* Every other relation keeps its answer in the mirror. */
static void test_other_relations(void **state)
{
	static const struct {
		const char *rel, *converse_caption;
	} rels[] = {
		{ "above", "The dog is below the cat." },
		{ "in front of", "The dog is behind the cat." },
		{ "inside", "The dog contains the cat." },
		{ "near", "The dog is near the cat." },
		{ "at the left side of", "The dog is at the right side of the cat." },
	};
	struct template_set ts;
	struct expander e;

	(void)state;
	init(&e, &ts, "yn01", PERTURB_CONVERSE | PERTURB_HFLIP);
	for (size_t i = 0; i < sizeof(rels) / sizeof(rels[0]); i++) {
		char cap[128];
		int flips = !strcmp(rels[i].rel, "at the left side of");
		struct job *j;
		snprintf(cap, sizeof(cap), "The cat is %s the dog.", rels[i].rel);
		j = caption_job("R", cap, "cat", rels[i].rel, "dog", ANS_NO);
		expand(&e, j);
		assert_int_equal(j->n_tasks, 4);
		assert_string_equal(j->tasks[0].variant, "base");
		assert_string_equal(j->tasks[1].variant, "hflip");
		assert_string_equal(j->tasks[2].variant, "converse");
		assert_string_equal(j->tasks[3].variant, "converse+hflip");
		assert_int_equal(j->tasks[0].label, ANS_NO);
		assert_int_equal(j->tasks[1].label, flips ? ANS_YES : ANS_NO);
		assert_int_equal(j->tasks[2].label, ANS_NO);
		assert_int_equal(j->tasks[3].label, flips ? ANS_YES : ANS_NO);
		{
			char want[256];
			snprintf(want, sizeof(want), "%s Is this statement correct? Answer yes or no.",
				 rels[i].converse_caption);
			assert_string_equal(j->tasks[2].prompt, want);
		}
		job_free(j);
	}
	assert_int_equal(e.no_converse, 0);
	expander_release(&e);
	template_set_release(&ts);
}

/* No converse for "on"; none for a caption that could not be split either. */
static void test_no_converse(void **state)
{
	struct template_set ts;
	struct expander e;
	struct job *j;

	(void)state;
	init(&e, &ts, "yn01,yn07", PERTURB_CONVERSE);
	j = caption_job("O1", "The cup is on the table.", "cup", "on", "table", ANS_YES);
	expand(&e, j);
	assert_int_equal(j->n_tasks, 2);
	assert_string_equal(j->tasks[0].variant, "base");
	assert_string_equal(j->tasks[1].prompt, YN07("cup", "on", "table"));
	assert_int_equal(e.no_converse, 1);
	job_free(j);
	/* Unsplit: yn07 needs [subject] and is left out; no converse without one. */
	j = caption_job("U1", "The cat sits left of the dog.", NULL, "left of", NULL, ANS_YES);
	expand(&e, j);
	assert_int_equal(j->n_tasks, 1);
	assert_string_equal(j->tasks[0].tpl->id, "yn01");
	assert_string_equal(j->tasks[0].prompt, YN01("The cat sits left of the dog."));
	assert_int_equal(e.no_converse, 2);
	assert_int_equal(e.not_applicable, 1);
	job_free(j);
	expander_release(&e);
	template_set_release(&ts);
}

#define MC01(q, a, b, c)                                                                    \
	q "\nA. " a "\nB. " b "\nC. " c                                                     \
	  "\nAnswer with the option's letter from the given choices directly."

/* Circular: every rotation; the label stays in the dataset's order. */
static void test_circular(void **state)
{
	static const char *const opts[] = { "red", "green", "blue" };
	static const struct want w[] = {
		{ "mc01", "base", IMG_ORIG, ANS_LETTER(2), 0,
		  MC01("Which ball is big?", "red", "green", "blue") },
		{ "mc01", "hflip", IMG_HFLIP, ANS_LETTER(2), 0,
		  MC01("Which ball is big?", "red", "green", "blue") },
		{ "mc01", "blind", IMG_BLIND, ANS_LETTER(2), 0,
		  MC01("Which ball is big?", "red", "green", "blue") },
		{ "mc01", "rot1", IMG_ORIG, ANS_LETTER(2), 1,
		  MC01("Which ball is big?", "green", "blue", "red") },
		{ "mc01", "hflip+rot1", IMG_HFLIP, ANS_LETTER(2), 1,
		  MC01("Which ball is big?", "green", "blue", "red") },
		{ "mc01", "blind+rot1", IMG_BLIND, ANS_LETTER(2), 1,
		  MC01("Which ball is big?", "green", "blue", "red") },
		{ "mc01", "rot2", IMG_ORIG, ANS_LETTER(2), 2,
		  MC01("Which ball is big?", "blue", "red", "green") },
		{ "mc01", "hflip+rot2", IMG_HFLIP, ANS_LETTER(2), 2,
		  MC01("Which ball is big?", "blue", "red", "green") },
		{ "mc01", "blind+rot2", IMG_BLIND, ANS_LETTER(2), 2,
		  MC01("Which ball is big?", "blue", "red", "green") },
	};
	struct template_set ts;
	struct expander e;
	struct job *j = choice_job("M1", "Which ball is big?", opts, 3, ANS_LETTER(2));

	(void)state;
	/* yn01 and q01 (yes/no formats) do not fit a multiple-choice item; converse needs a relation. */
	init(&e, &ts, "yn01,mc01,q01",
	     PERTURB_CIRCULAR | PERTURB_HFLIP | PERTURB_BLIND | PERTURB_CONVERSE);
	expand(&e, j);
	check(&e, j, w, sizeof(w) / sizeof(w[0]));
	assert_int_equal(e.not_applicable, 2);
	assert_int_equal(e.no_converse, 0);
	job_free(j);
	expander_release(&e);
	template_set_release(&ts);
	/* Without -p circular: the options as given, once. */
	init(&e, &ts, "mc01", 0);
	j = choice_job("M1", "Which ball is big?", opts, 3, ANS_LETTER(2));
	expand(&e, j);
	check(&e, j, w, 1);
	job_free(j);
	expander_release(&e);
	template_set_release(&ts);
}

/* A question that speaks of left or right gets no mirrored variant. */
static void test_hflip_unknown(void **state)
{
	static const char *const yn[] = { "yes", "no" };
	static const char *const sides[] = { "the left one", "the other" };
	struct template_set ts;
	struct expander e;
	struct job *j;

	(void)state;
	init(&e, &ts, "mc01", PERTURB_CIRCULAR | PERTURB_HFLIP);
	j = choice_job("S1", "Is the ball on the Left?", yn, 2, ANS_LETTER(0));
	expand(&e, j);
	assert_int_equal(j->n_tasks, 2); /* base, rot1 */
	assert_string_equal(j->tasks[0].variant, "base");
	assert_string_equal(j->tasks[1].variant, "rot1");
	assert_int_equal(e.no_hflip, 2); /* one per rotation */
	job_free(j);
	/* In an option too. */
	j = choice_job("S2", "Which ball?", sides, 2, ANS_LETTER(1));
	expand(&e, j);
	assert_int_equal(j->n_tasks, 2);
	assert_int_equal(e.no_hflip, 4);
	job_free(j);
	/* "leftover", "bright": not the words left or right. */
	j = choice_job("S3", "Is the leftover pizza bright?", yn, 2, ANS_LETTER(1));
	expand(&e, j);
	assert_int_equal(j->n_tasks, 4);
	assert_string_equal(j->tasks[1].variant, "hflip");
	assert_int_equal(j->tasks[1].label, ANS_LETTER(1));
	assert_int_equal(e.no_hflip, 4);
	job_free(j);
	expander_release(&e);
	template_set_release(&ts);
}

/* The default: one template, one task, "base". */
static void test_single(void **state)
{
	struct template_set ts;
	struct expander e;
	struct job *j = caption_job("L1", "The cat is left of the dog.", "cat", "left of", "dog",
				    ANS_YES);
	static const struct want w[] = {
		{ "yn01", "base", IMG_ORIG, ANS_YES, 0, YN01("The cat is left of the dog.") },
	};

	(void)state;
	init(&e, &ts, NULL, 0);
	expand(&e, j);
	check(&e, j, w, 1);
	job_free(j);
	expander_release(&e);
	template_set_release(&ts);
}

/* Resume: a task answered in the journal is left out; one that failed is asked again. */
static void test_journal(void **state)
{
	struct template_set ts;
	struct expander e;
	struct journal jr;
	struct buf lines = BUF_INIT;
	struct sample_meta m;
	char err[VSR_ERR_MAX];
	uint64_t base_key, hflip_key;
	struct job *j = caption_job("L1", "The cat is left of the dog.", "cat", "left of", "dog",
				    ANS_YES);

	(void)state;
	init(&e, &ts, "yn01", PERTURB_HFLIP | PERTURB_BLIND);
	expand(&e, j);
	assert_int_equal(j->n_tasks, 3);
	base_key = j->tasks[0].key;
	hflip_key = j->tasks[1].key;
	job_free(j);

	memset(&m, 0, sizeof(m));
	m.suite = "test-suite";
	m.item = "L1";
	m.tmpl = "yn01";
	m.format = "yesno";
	m.variant = "base";
	m.label = ANS_YES;
	m.key = base_key;
	sample_format_ok(&lines, &m, "Yes", ANS_YES, 1.0);
	m.key = hflip_key;
	m.variant = "hflip";
	m.label = ANS_NO;
	sample_format_error(&lines, &m, "timeout", 3);
	assert_int_equal(journal_open(&jr, path, err), 0);
	assert_int_equal(journal_append(&jr, lines.ptr, lines.len, err), 0);
	assert_int_equal(journal_close(&jr, err), 0);
	buf_release(&lines);

	assert_int_equal(journal_open(&jr, path, err), 0);
	e.journal = &jr;
	j = caption_job("L1", "The cat is left of the dog.", "cat", "left of", "dog", ANS_YES);
	expand(&e, j);
	assert_int_equal(j->n_tasks, 2);
	assert_string_equal(j->tasks[0].variant, "hflip");
	assert_true(j->tasks[0].key == hflip_key);
	assert_string_equal(j->tasks[1].variant, "blind");
	assert_int_equal(e.done, 1);
	job_free(j);
	assert_int_equal(journal_close(&jr, err), 0);
	expander_release(&e);
	template_set_release(&ts);
}

static void test_perturb_parse(void **state)
{
	unsigned f = 0;
	char err[VSR_ERR_MAX];
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(perturb_parse("hflip,instr,circular", &f, err), 0);
	assert_int_equal(f, PERTURB_HFLIP | PERTURB_INSTR | PERTURB_CIRCULAR);
	perturb_names(f, &b);
	assert_string_equal(b.ptr, "instr,hflip,circular");
	buf_release(&b);
	f = 0;
	assert_int_equal(perturb_parse("", &f, err), 0);
	assert_int_equal(f, 0);
	assert_int_equal(perturb_parse("hflip,flip", &f, err), VSR_EUSAGE);
	assert_string_equal(err, "unknown perturbation 'flip'; did you mean 'hflip'? (known: instr, "
				 "format, converse, hflip, blind, circular, repeat)");
	assert_int_equal(perturb_parse("zzzz", &f, err), VSR_EUSAGE); /* nothing near */
	assert_string_equal(err, "unknown perturbation 'zzzz' (known: instr, format, converse, "
				 "hflip, blind, circular, repeat)");
	assert_int_equal(perturb_parse("hfli", &f, err), VSR_EUSAGE);
	assert_int_equal(perturb_parse("HFLIP", &f, err), VSR_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_left_of),
		cmocka_unit_test(test_other_relations),
		cmocka_unit_test(test_no_converse),
		cmocka_unit_test(test_circular),
		cmocka_unit_test(test_hflip_unknown),
		cmocka_unit_test(test_single),
		cmocka_unit_test_setup_teardown(test_journal, scratch_setup, scratch_teardown),
		cmocka_unit_test(test_perturb_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
