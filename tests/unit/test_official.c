/*
 * The official metrics: MME's yes/no rule on its edge cases, and acc / acc+ /
 * score, CircularEval and SEED accuracy on hand-written journals whose right
 * values are worked out by hand in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics/metrics.h"
#include "metrics/official.h"
#include "base/util.h"
#include "reports/official_render.h"
#include "reports/report.h"
#include "scratch.h"

static unsigned long next_key;

static int setup(void **state)
{
	next_key = 1;
	return scratch_setup(state);
}

/* ---- MME's rule ------------------------------------------------------- */

static void test_mme_rule(void **state)
{
	(void)state;
	/* Exact words, any case. */
	assert_int_equal(official_mme_rule("yes"), ANS_YES);
	assert_int_equal(official_mme_rule("No"), ANS_NO);
	assert_int_equal(official_mme_rule("YES"), ANS_YES);
	/* readlines() keeps the newline: not an exact match, but "yes\n"[:4] holds "yes". */
	assert_int_equal(official_mme_rule("yes\n"), ANS_YES);
	assert_int_equal(official_mme_rule("no\n"), ANS_NO);
	/* "not sure"[:4] = "not " holds "no": MME counts it as no. */
	assert_int_equal(official_mme_rule("Not sure"), ANS_NO);
	/* One letter is neither. */
	assert_int_equal(official_mme_rule("y"), ANS_INVALID);
	assert_int_equal(official_mme_rule(""), ANS_INVALID);
	/* Only the first four characters count. */
	assert_int_equal(official_mme_rule("  yes"), ANS_INVALID);
	assert_int_equal(official_mme_rule("The answer is yes"), ANS_INVALID);
	assert_int_equal(official_mme_rule(" yes"), ANS_YES);
	/* yes is looked for first: "noyes"[:4] = "noye" has no "yes", so no. */
	assert_int_equal(official_mme_rule("noyes"), ANS_NO);
	assert_int_equal(official_mme_rule("nayes"), ANS_INVALID);
	assert_int_equal(official_mme_rule("yesno"), ANS_YES);
	assert_int_equal(official_mme_rule("Yes, the cat is on the left."), ANS_YES);
	assert_int_equal(official_mme_rule("nope"), ANS_NO);
	assert_int_equal(official_mme_rule("know"), ANS_NO); /* "know" holds "no" */
	/* Characters, not bytes: the full-width "？" (3 bytes) is one character. */
	assert_int_equal(official_mme_rule("\xef\xbc\x9fyes"), ANS_YES);     /* "？yes"[:4] */
	assert_int_equal(official_mme_rule("\xef\xbc\x9f\xef\xbc\x9fno"), ANS_NO);
	assert_int_equal(official_mme_rule("yes\xef\xbc\x9f"), ANS_YES);
	assert_int_equal(official_mme_rule("\xef\xbc\x9f\xef\xbc\x9f\xef\xbc\x9fno"), ANS_INVALID);
	/* Python lower-cases U+0130 to two characters: "İyes" -> "i̇yes"[:4] = "i̇ye". */
	assert_int_equal(official_mme_rule("\xc4\xb0yes"), ANS_INVALID);
	assert_int_equal(official_mme_rule("\xc4\xb0no"), ANS_NO);
	/* A broken UTF-8 byte is one character. */
	assert_int_equal(official_mme_rule("\xffyes"), ANS_YES);
	assert_int_equal(official_mme_rule(NULL), ANS_INVALID);
}

static void test_kinds(void **state)
{
	(void)state;
	assert_int_equal(official_kind_of("mme-position"), OFFICIAL_MME);
	assert_int_equal(official_kind_of("mme-perception"), OFFICIAL_MME);
	assert_int_equal(official_kind_of("mmbench"), OFFICIAL_MMBENCH);
	assert_int_equal(official_kind_of("mmbench-spatial"), OFFICIAL_MMBENCH);
	assert_int_equal(official_kind_of("seed-spatial"), OFFICIAL_SEED);
	assert_int_equal(official_kind_of("seed"), OFFICIAL_SEED);
	assert_int_equal(official_kind_of("seedling"), OFFICIAL_NONE);
	assert_int_equal(official_kind_of("vsr-unified"), OFFICIAL_NONE);
	assert_int_equal(official_kind_of("synth"), OFFICIAL_NONE);
	/* MME's suites are always mme-SUBTASK; MMBench and SEED also go by the bare name. */
	assert_int_equal(official_kind_of("mme"), OFFICIAL_NONE);
	assert_int_equal(official_kind_of("mmbench2"), OFFICIAL_NONE);
	assert_int_equal(official_kind_of("mmbench_spatial"), OFFICIAL_NONE);
	assert_string_equal(official_kind_name(OFFICIAL_MME), "MME");
	assert_string_equal(official_kind_name(OFFICIAL_MMBENCH), "MMBench");
	assert_string_equal(official_kind_name(OFFICIAL_SEED), "SEED-Bench");
	assert_string_equal(official_kind_name(OFFICIAL_NONE), "none");
	assert_string_equal(official_mmbench_l2("spatial_relationship"),
			    "finegrained_perception (cross-instance)");
	assert_string_equal(official_mmbench_l2("object_localization"),
			    "finegrained_perception (instance-level)");
	assert_null(official_mmbench_l2("nonsense"));
}

/* ---- journals --------------------------------------------------------- */

static FILE *jopen(void)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	return fp;
}

/* One answered line; key 0 takes the next fresh key. */
static unsigned long ok(FILE *fp, unsigned long key, const char *suite, const char *tmpl,
			const char *format, const char *variant, const char *item,
			const char *category, const char *group, const char *label,
			const char *response, const char *answer)
{
	struct buf b = BUF_INIT;

	if (!key)
		key = next_key++;
	buf_addf(&b, "{\"key\":\"%016lx\",\"suite\":\"%s\",\"item\":\"%s\",\"template\":\"%s\","
		     "\"format\":\"%s\",\"variant\":\"%s\",\"relation\":null,\"category\":\"%s\","
		     "\"group\":",
		 key, suite, item, tmpl, format, variant, category);
	if (group)
		buf_add_json_str(&b, group);
	else
		buf_adds(&b, "null");
	buf_addf(&b, ",\"label\":\"%s\",\"prompt\":\"q\",\"image\":null,\"response\":", label);
	buf_add_json_str(&b, response);
	buf_addf(&b, ",\"answer\":\"%s\",\"correct\":%s,\"ms\":1.0}\n", answer,
		 strcmp(answer, label) ? "false" : "true");
	fputs(b.ptr, fp);
	buf_release(&b);
	return key;
}

static unsigned long failed(FILE *fp, unsigned long key, const char *suite, const char *tmpl,
			    const char *item, const char *category, const char *group,
			    const char *label)
{
	if (!key)
		key = next_key++;
	fprintf(fp,
		"{\"key\":\"%016lx\",\"suite\":\"%s\",\"item\":\"%s\",\"template\":\"%s\","
		"\"format\":\"yesno\",\"variant\":\"base\",\"relation\":null,\"category\":\"%s\","
		"\"group\":\"%s\",\"label\":\"%s\",\"prompt\":\"q\",\"image\":null,"
		"\"error\":\"HTTP 500\",\"attempts\":4}\n",
		key, suite, item, tmpl, category, group, label);
	return key;
}

#define MME(fp, item, group, label, resp, ans)                                              \
	ok(fp, 0, "mme-position", "q01", "yesno", "base", item, "position", group, label, resp, \
	   ans)

static void load(struct metrics *m)
{
	char err[VSR_ERR_MAX];

	if (metrics_from_journal(path, m, err))
		fail_msg("%s", err);
	assert_non_null(m->official);
}

static void test_mme_scores(void **state)
{
	FILE *fp = jopen();
	struct metrics m;
	const struct off_unit *u;
	const struct off_mme_sub *s;
	unsigned long k;

	(void)state;
	/* g1: both right. */
	MME(fp, "p/a#1", "p/a", "yes", "Yes", "yes");
	MME(fp, "p/a#2", "p/a", "no", "No", "no");
	/* g2: "Not sure" is no for MME (wrong), invalid for the extractor (wrong): they differ. */
	MME(fp, "p/b#1", "p/b", "yes", "Not sure", "invalid");
	MME(fp, "p/b#2", "p/b", "no", "no.", "no");
	/* g3: "y" is other for MME (wrong), yes for this journal's extractor (right). */
	MME(fp, "p/c#1", "p/c", "yes", "y", "yes");
	MME(fp, "p/c#2", "p/c", "no", "\xef\xbc\x9fno", "no");
	/* g4: the first question only ever failed: the pair is incomplete. */
	failed(fp, 0, "mme-position", "q01", "p/d#1", "position", "p/d", "yes");
	MME(fp, "p/d#2", "p/d", "no", "no\n", "no");
	/* A failure later answered is no failure; a second answer does not count. */
	k = failed(fp, 0, "mme-position", "q01", "p/e#1", "position", "p/e", "yes");
	ok(fp, k, "mme-position", "q01", "yesno", "base", "p/e#1", "position", "p/e", "yes", "yes",
	   "yes");
	ok(fp, k, "mme-position", "q01", "yesno", "base", "p/e#1", "position", "p/e", "yes", "no",
	   "no");
	MME(fp, "p/e#2", "p/e", "no", "yes", "yes");
	/* g6: only the first question is in the journal (a cut list): right, but no whole pair. */
	MME(fp, "p/f#1", "p/f", "yes", "yes", "yes");
	/* Another variant is not the benchmark. */
	ok(fp, 0, "mme-position", "q01", "yesno", "hflip", "p/a#1", "position", "p/a", "no", "no",
	   "no");
	fclose(fp);
	load(&m);
	u = official_find(m.official, "mme-position", "q01");
	assert_non_null(u);
	assert_int_equal(u->kind, OFFICIAL_MME);
	assert_true(u->rule_applies);
	assert_int_equal(u->n_sub, 1);
	s = &u->sub[0];
	assert_string_equal(s->name, "position");
	/*
	 * Answered: a1 a2 b1 b2 c1 c2 d2 e1 e2 f1 = 10.  MME's rule right: a1 a2 b2 c2 d2 e1
	 * f1 = 7 (b1: no vs yes, c1: other, e2: yes vs no).  Whole pairs a b c e = 4 (d: a
	 * question failed; f: a question absent), both right: a = 1.  acc = 7/10,
	 * acc+ = 1/4, score = 100 * (7/10 + 1/4) = 95.  (Counting f, whose one question
	 * is right, as a pair right would give acc+ 2/5.)
	 * Extractor: c1 right too: 8/10; pairs a and c: 2/4; score = 100 * (8/10 + 1/2).
	 */
	assert_int_equal(s->questions, 10);
	assert_int_equal(s->right, 7);
	assert_int_equal(s->images, 4);
	assert_int_equal(s->images_right, 1);
	assert_int_equal(s->incomplete_images, 2);
	assert_int_equal(s->failed, 1);
	assert_int_equal(s->other, 1);
	assert_int_equal(s->disagree, 2); /* b1 (no / invalid), c1 (other / yes) */
	assert_true(fabs(s->score - 100.0 * (7.0 / 10 + 1.0 / 4)) < 1e-9);
	assert_int_equal(s->right_ext, 8);
	assert_int_equal(s->images_right_ext, 2);
	assert_true(fabs(s->score_ext - 100.0 * (8.0 / 10 + 2.0 / 4)) < 1e-9);
	/*
	 * acc's interval, an image's answered questions one cluster: (2 of 2), (1 of
	 * 2) for b, c, e, (1 of 1) for d and f.  docs/report-json.md's definition
	 * evaluated in Python with mpmath: 7.7443 effective questions, [0.361608,
	 * 0.905765] (Wilson's over 10 questions would be [0.397, 0.892]).
	 */
	assert_true(fabs(s->acc_lo - 0.361608) < 1e-6 && fabs(s->acc_hi - 0.905765) < 1e-6);
	assert_int_equal(u->n_perception, 1);
	assert_true(fabs(u->perception - s->score) < 1e-9);
	assert_int_equal(u->n_cognition, 0);
	/* The JSON says the same. */
	{
		cJSON *o = official_suite_json(m.official, "mme-position");
		cJSON *t = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "templates"), "q01");
		cJSON *p = cJSON_GetObjectItem(cJSON_GetObjectItem(t, "subtasks"), "position");
		assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(o, "benchmark")), "MME");
		assert_true(fabs(cJSON_GetNumberValue(cJSON_GetObjectItem(p, "score")) - 95.0) <
			    1e-6);
		assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(p, "incomplete_images")), 2);
		assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(p, "disagreements")), 2);
		cJSON_Delete(o);
	}
	assert_null(official_suite_json(m.official, "synth"));
	/* report.md says acc+ left two images out, and over how many whole pairs. */
	{
		struct buf md = BUF_INIT;
		official_suite_md(m.official, "mme-position", &md);
		assert_non_null(strstr(md.ptr, "acc+ is over the 4 whole image pairs: 2 images are left out"));
		buf_release(&md);
	}
	metrics_release(&m);
}

static void test_mme_totals_and_templates(void **state)
{
	FILE *fp = jopen();
	struct metrics m;
	const struct off_unit *u;
	cJSON *run, *t;
	char *text = NULL;
	size_t size = 0;
	FILE *mem;

	(void)state;
	/* position: 1 pair right (score 200); count: 1 pair half right (50 + 0). */
	ok(fp, 0, "mme-position", "q01", "yesno", "base", "p/a#1", "position", "p/a", "yes", "yes", "yes");
	ok(fp, 0, "mme-position", "q01", "yesno", "base", "p/a#2", "position", "p/a", "no", "no", "no");
	ok(fp, 0, "mme-count", "q01", "yesno", "base", "c/a#1", "count", "c/a", "yes", "yes", "yes");
	ok(fp, 0, "mme-count", "q01", "yesno", "base", "c/a#2", "count", "c/a", "no", "yes", "yes");
	/* code_reasoning (cognition): both wrong: 0. */
	ok(fp, 0, "mme-code_reasoning", "q01", "yesno", "base", "k/a#1", "code_reasoning", "k/a", "yes",
	   "no", "no");
	ok(fp, 0, "mme-code_reasoning", "q01", "yesno", "base", "k/a#2", "code_reasoning", "k/a", "no",
	   "yes", "yes");
	/* A true/false template on MME: the rule does not apply, the extractor decides. */
	ok(fp, 0, "mme-position", "tf01", "truefalse", "base", "p/a#1", "position", "p/a", "yes",
	   "True", "yes");
	ok(fp, 0, "mme-position", "tf01", "truefalse", "base", "p/a#2", "position", "p/a", "no",
	   "yes it is false", "no");
	fclose(fp);
	load(&m);
	u = official_find(m.official, "mme-position", "tf01");
	assert_non_null(u);
	assert_false(u->rule_applies);
	assert_true(fabs(u->sub[0].score - 200.0) < 1e-9); /* the extractor's answers */
	assert_int_equal(u->sub[0].disagree, 0);
	u = official_find(m.official, "mme-count", "q01");
	assert_true(fabs(u->sub[0].score - 50.0) < 1e-9);
	/* The totals as computed: q01 in three suites, tf01 in one, in that order. */
	{
		size_t n;
		const struct off_mme_total *tot = official_mme_totals(m.official, &n);
		assert_int_equal(n, 2);
		assert_string_equal(tot[0].tmpl, "q01");
		assert_int_equal(tot[0].suites, 3);
		assert_int_equal(tot[0].n_subs, 3);
		/* Units in suite order: code_reasoning, count, position. */
		assert_string_equal(tot[0].subs[0]->name, "code_reasoning");
		assert_string_equal(tot[0].subs[1]->name, "count");
		assert_string_equal(tot[0].subs[2]->name, "position");
		assert_true(fabs(tot[0].perception - 250.0) < 1e-9);
		assert_true(fabs(tot[0].cognition - 0.0) < 1e-9);
		assert_int_equal(tot[0].n_perception, 2);
		assert_int_equal(tot[0].n_cognition, 1);
		assert_string_equal(tot[1].tmpl, "tf01");
		assert_int_equal(tot[1].suites, 1);
		assert_true(fabs(tot[1].perception - 200.0) < 1e-9);
	}
	run = official_run_json(m.official);
	t = cJSON_GetObjectItem(cJSON_GetObjectItem(run, "mme"), "q01");
	assert_non_null(t);
	/* perception = position 200 + count 50; cognition = 0. */
	assert_true(fabs(cJSON_GetNumberValue(cJSON_GetObjectItem(
				 cJSON_GetObjectItem(t, "perception"), "score")) - 250.0) < 1e-9);
	assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(
				 cJSON_GetObjectItem(t, "perception"), "subtasks")), 2);
	assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(
				 cJSON_GetObjectItem(t, "cognition"), "subtasks")), 1);
	cJSON_Delete(run);
	/* The summary: every line at most 100 columns, one for the run-level totals. */
	mem = open_memstream(&text, &size);
	report_summary(mem, &m);
	fclose(mem);
	assert_non_null(strstr(text, "official MME [q01]: score 200.00"));
	assert_non_null(strstr(text, "official MME across suites [q01]: perception 250.00"));
	for (char *l = text; *l;) {
		char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		if (n > 100)
			fail_msg("summary line of %zu columns: %.*s", n, (int)n, l);
		l += n + (e ? 1 : 0);
	}
	free(text);
	metrics_release(&m);
}

#define MMB(fp, item, group, cat, label, ans)                                                  \
	ok(fp, 0, "mmbench-spatial", "mc01", "choice", "base", item, cat, group, label, ans, ans)

static void test_circular(void **state)
{
	FILE *fp = jopen();
	struct metrics m;
	const struct off_unit *u;
	struct buf md = BUF_INIT;

	(void)state;
	/* 241: both rotations right. */
	MMB(fp, "241", "241", "spatial_relationship", "B", "B");
	MMB(fp, "1000241", "241", "spatial_relationship", "A", "A");
	/* 242: the third rotation is wrong, so the question is wrong. */
	MMB(fp, "242", "242", "object_localization", "A", "A");
	MMB(fp, "1000242", "242", "object_localization", "C", "C");
	MMB(fp, "2000242", "242", "object_localization", "B", "A");
	/* 243: a rotation failed: incomplete, neither right nor wrong. */
	MMB(fp, "243", "243", "spatial_relationship", "A", "A");
	fprintf(fp, "{\"key\":\"%016lx\",\"suite\":\"mmbench-spatial\",\"item\":\"1000243\","
		    "\"template\":\"mc01\",\"format\":\"choice\",\"variant\":\"base\",\"relation\":null,"
		    "\"category\":\"spatial_relationship\",\"group\":\"243\",\"label\":\"B\","
		    "\"prompt\":\"q\",\"image\":null,\"error\":\"timeout\",\"attempts\":4}\n",
		next_key++);
	/* 244: the original is wrong but not invalid; one rotation only. */
	MMB(fp, "244", "244", "image_emotion", "D", "invalid");
	fclose(fp);
	load(&m);
	u = official_find(m.official, "mmbench-spatial", "mc01");
	assert_non_null(u);
	assert_int_equal(u->kind, OFFICIAL_MMBENCH);
	/* Complete questions: 241 (right), 242 (wrong), 244 (wrong). */
	assert_int_equal(u->overall.n, 3);
	assert_int_equal(u->overall.right, 1);
	assert_int_equal(u->incomplete, 1);
	assert_int_equal(u->failed, 1);
	/* Originals: 241 right, 242 right, 243 right, 244 wrong. */
	assert_int_equal(u->vanilla.n, 4);
	assert_int_equal(u->vanilla.right, 3);
	/* Categories (sorted): image_emotion 0/1, object_localization 0/1, spatial_relationship 1/1. */
	assert_int_equal(u->n_cat, 3);
	assert_string_equal(u->by_cat[0].name, "image_emotion");
	assert_int_equal(u->by_cat[1].right, 0);
	assert_int_equal(u->by_cat[2].n, 1);
	assert_int_equal(u->by_cat[2].right, 1);
	/* l2: coarse_perception 0/1, fp (cross-instance) 1/1, fp (instance-level) 0/1. */
	assert_int_equal(u->n_l2, 3);
	assert_string_equal(u->by_l2[0].name, "coarse_perception");
	assert_string_equal(u->by_l2[1].name, "finegrained_perception (cross-instance)");
	assert_int_equal(u->by_l2[1].right, 1);
	assert_string_equal(u->by_l2[2].name, "finegrained_perception (instance-level)");
	assert_int_equal(u->by_l2[2].right, 0);
	official_suite_md(m.official, "mmbench-spatial", &md);
	assert_non_null(strstr(md.ptr, "CircularEval: **33.33%** (1 of 3 questions"));
	assert_non_null(strstr(md.ptr, "| spatial_relationship | 1 | 1 | 100.00% |"));
	buf_release(&md);
	metrics_release(&m);
}

static void test_seed(void **state)
{
	FILE *fp = jopen();
	struct metrics m;
	const struct off_unit *u;

	(void)state;
	ok(fp, 0, "seed-spatial", "mc01", "choice", "base", "1", "Spatial Relation", NULL, "A", "A", "A");
	ok(fp, 0, "seed-spatial", "mc01", "choice", "base", "2", "Spatial Relation", NULL, "B", "B", "B");
	ok(fp, 0, "seed-spatial", "mc01", "choice", "base", "3", "Spatial Relation", NULL, "C", "x",
	   "invalid");
	ok(fp, 0, "seed-spatial", "mc01", "choice", "base", "4", "Instance Location", NULL, "D", "D",
	   "D");
	ok(fp, 0, "seed-spatial", "mc01", "choice", "base", "5", "Instance Location", NULL, "D", "A",
	   "A");
	fclose(fp);
	load(&m);
	u = official_find(m.official, "seed-spatial", "mc01");
	assert_non_null(u);
	assert_int_equal(u->overall.n, 5);
	assert_int_equal(u->overall.right, 3);
	assert_int_equal(u->n_cat, 2);
	assert_string_equal(u->by_cat[0].name, "Instance Location");
	assert_int_equal(u->by_cat[0].right, 1);
	assert_int_equal(u->by_cat[0].n, 2);
	assert_string_equal(u->by_cat[1].name, "Spatial Relation");
	assert_int_equal(u->by_cat[1].right, 2);
	assert_int_equal(u->by_cat[1].n, 3);
	metrics_release(&m);
}

/*
 * SEED's image suite beside its video suite, per template: image 2 of 3,
 * video 1 of 2, the mix 3 of 5; a template with only one of them, and
 * seed-spatial (a subset of the image questions), get no totals.
 */
static void test_seed_totals(void **state)
{
	FILE *fp = jopen();
	struct metrics m;
	const struct off_seed_total *t;
	size_t n;

	(void)state;
	ok(fp, 0, "seed", "recorded", "choice", "base", "1", NULL, NULL, "A", "A", "A");
	ok(fp, 0, "seed", "recorded", "choice", "base", "2", NULL, NULL, "B", "C", "C");
	ok(fp, 0, "seed", "recorded", "choice", "base", "3", NULL, NULL, "C", "C", "C");
	ok(fp, 0, "seed-video", "recorded", "choice", "base", "v1", NULL, NULL, "A", "A", "A");
	ok(fp, 0, "seed-video", "recorded", "choice", "base", "v2", NULL, NULL, "D", "A", "A");
	ok(fp, 0, "seed", "mc01", "choice", "base", "1", NULL, NULL, "A", "A", "A");
	ok(fp, 0, "seed-spatial", "recorded", "choice", "base", "1", NULL, NULL, "A", "A", "A");
	fclose(fp);
	load(&m);
	t = official_seed_totals(m.official, &n);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].tmpl, "recorded");
	assert_int_equal(t[0].image.right, 2);
	assert_int_equal(t[0].image.n, 3);
	assert_int_equal(t[0].video.right, 1);
	assert_int_equal(t[0].video.n, 2);
	assert_int_equal(t[0].all.right, 3);
	assert_int_equal(t[0].all.n, 5);
	metrics_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mme_rule),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test_setup_teardown(test_mme_scores, setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_mme_totals_and_templates, setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_circular, setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_seed, setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_seed_totals, setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
