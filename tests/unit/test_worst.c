/*
 * The items wrong most often (metrics/worst.h) on hand-built journals: the
 * ranking, the counts and the answers of each item are written next to the
 * lines that make them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/journal.h"
#include "metrics/metrics.h"
#include "metrics/worst.h"
#include "base/util.h"
#include "scratch.h"

static uint64_t next_key = 1;

/* One answered line; key 0 takes a new key. */
static void ok(struct buf *b, uint64_t key, const char *suite, const char *item, const char *tpl,
	       answer_t label, answer_t answer, const char *response)
{
	struct sample_meta m;

	memset(&m, 0, sizeof(m));
	m.key = key ? key : next_key++;
	m.suite = suite;
	m.item = item;
	m.tmpl = tpl;
	m.format = ANS_IS_LETTER(label) ? "choice" : "yesno";
	m.variant = "base";
	m.relation = "left of";
	m.prompt = "Is it so?";
	m.image = "img.jpg";
	m.label = label;
	sample_format_ok(b, &m, response ? response : answer_name(answer), answer, 1);
}

static void failed(struct buf *b, const char *suite, const char *item, const char *tpl)
{
	struct sample_meta m;

	memset(&m, 0, sizeof(m));
	m.key = next_key++;
	m.suite = suite;
	m.item = item;
	m.tmpl = tpl;
	m.format = "yesno";
	m.variant = "base";
	m.label = ANS_YES;
	sample_format_error(b, &m, "HTTP 500", 4);
}

static void load(const struct buf *b, int worst_items, struct metrics *m)
{
	struct metrics_opts o = METRICS_OPTS_INIT;
	char err[VSR_ERR_MAX];
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(b->ptr, fp);
	fclose(fp);
	o.worst_items = worst_items;
	assert_int_equal(metrics_from_journal_opts(path, &o, m, err), 0);
}

#define Y ANS_YES
#define N ANS_NO

static void test_ranking_by_hand(void **state)
{
	struct buf b = BUF_INIT;
	struct metrics m;
	const struct worst_items *w;
	uint64_t kc;

	(void)state;
	/* A: 3 of 3 wrong. */
	ok(&b, 0, "s", "A", "t1", Y, N, NULL);
	ok(&b, 0, "s", "A", "t2", Y, N, NULL);
	ok(&b, 0, "s", "A", "t3", Y, N, NULL);
	/* B: 3 of 4 wrong; a failed task is no answer. */
	ok(&b, 0, "s", "B", "t4", Y, N, NULL);
	ok(&b, 0, "s", "B", "t1", Y, Y, NULL);
	ok(&b, 0, "s", "B", "t3", Y, N, "I think not");
	ok(&b, 0, "s", "B", "t2", Y, ANS_INVALID, "<maybe>");
	failed(&b, "s", "B", "t5");
	/* C: 1 of 2 wrong; a later answer of the same task does not count. */
	kc = next_key++;
	ok(&b, kc, "s", "C", "t1", N, N, NULL);
	ok(&b, 0, "s", "C", "t2", N, Y, NULL);
	ok(&b, kc, "s", "C", "t1", N, Y, NULL);
	/* D: 1 of 2 wrong, like C: the names break the tie. */
	ok(&b, 0, "s", "D", "t2", Y, N, NULL);
	ok(&b, 0, "s", "D", "t1", Y, Y, NULL);
	/* E: always right, not listed.  F: only failed, not even answered. */
	ok(&b, 0, "s", "E", "t1", Y, Y, NULL);
	failed(&b, "s", "F", "t1");
	/* G, another suite with lettered answers: 1 of 1, a larger share than C and D. */
	ok(&b, 0, "r", "G", "t1", ANS_LETTER(1), ANS_LETTER(0), NULL);
	load(&b, 1, &m);

	w = m.worst;
	assert_non_null(w);
	assert_int_equal(w->items_answered, 6); /* A B C D E G */
	assert_int_equal(w->n, 5);
	assert_string_equal(w->items[0].item, "A");
	assert_int_equal(w->items[0].wrong, 3);
	assert_int_equal(w->items[0].total, 3);
	assert_string_equal(w->items[1].item, "B");
	assert_int_equal(w->items[1].wrong, 3);
	assert_int_equal(w->items[1].total, 4);
	assert_string_equal(w->items[2].item, "G");
	assert_string_equal(w->items[2].suite, "r");
	assert_int_equal(w->items[2].label, ANS_LETTER(1));
	assert_string_equal(w->items[3].item, "C");
	assert_int_equal(w->items[3].total, 2);
	assert_string_equal(w->items[4].item, "D");

	/* B's answers: the wrong ones first (by template), then the right one. */
	assert_int_equal(w->items[1].n_answers, 4);
	assert_string_equal(w->items[1].answers[0].tmpl, "t2");
	assert_int_equal(w->items[1].answers[0].answer, ANS_INVALID);
	assert_string_equal(w->items[1].answers[0].response, "<maybe>");
	assert_string_equal(w->items[1].answers[1].tmpl, "t3");
	assert_string_equal(w->items[1].answers[1].response, "I think not");
	assert_string_equal(w->items[1].answers[2].tmpl, "t4");
	assert_string_equal(w->items[1].answers[3].tmpl, "t1");
	assert_true(w->items[1].answers[3].correct);
	assert_string_equal(w->items[1].prompt, "Is it so?");
	assert_string_equal(w->items[1].image, "img.jpg");
	assert_string_equal(w->items[1].relation, "left of");
	/* C: the first answer of t1 only. */
	assert_int_equal(w->items[3].n_answers, 2);
	assert_string_equal(w->items[3].answers[0].tmpl, "t2");
	assert_string_equal(w->items[3].answers[1].tmpl, "t1");
	assert_int_equal(w->items[3].answers[1].answer, ANS_NO);

	/* Lettered suites have no 50% chance line in report.html. */
	assert_string_equal(m.suites[0].name, "r");
	assert_true(m.suites[0].lettered);
	assert_false(m.suites[1].lettered);
	metrics_release(&m);

	/* Not asked for: not collected. */
	load(&b, 0, &m);
	assert_null(m.worst);
	metrics_release(&m);
	buf_release(&b);
}

static void test_at_most_25(void **state)
{
	struct buf b = BUF_INIT;
	struct metrics m;
	char item[16];

	(void)state;
	/* 30 items with one wrong answer each: 25 are kept (the first pass has no
	 * names, so a hash cuts the tie) and shown by name. */
	for (int i = 0; i < 30; i++) {
		snprintf(item, sizeof(item), "x%02d", 29 - i);
		ok(&b, 0, "s", item, "t1", Y, N, NULL);
	}
	load(&b, 1, &m);
	assert_int_equal(m.worst->items_answered, 30);
	assert_int_equal(m.worst->n, WORST_ITEMS);
	for (size_t i = 1; i < m.worst->n; i++)
		assert_true(strcmp(m.worst->items[i - 1].item, m.worst->items[i].item) < 0);
	metrics_release(&m);
	buf_release(&b);
}

static void test_nothing_wrong(void **state)
{
	struct buf b = BUF_INIT;
	struct metrics m;

	(void)state;
	ok(&b, 0, "s", "A", "t1", Y, Y, NULL);
	ok(&b, 0, "s", "B", "t1", N, N, NULL);
	load(&b, 1, &m);
	assert_non_null(m.worst);
	assert_int_equal(m.worst->n, 0);
	assert_int_equal(m.worst->items_answered, 2);
	metrics_release(&m);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranking_by_hand),
		cmocka_unit_test(test_at_most_25),
		cmocka_unit_test(test_nothing_wrong),
	};
	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
