/* The journal: round trip, torn last line, malformed lines, error records, metrics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>

#include "harness/journal.h"
#include "metrics/stats.h"
#include "base/keyset.h"
#include "metrics/metrics.h"
#include "base/util.h"
#include "scratch.h"



static void write_text(const char *text)
{
	FILE *fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
}

static void meta(struct sample_meta *m, uint64_t key, const char *rel, const char *tpl,
		 answer_t label)
{
	memset(m, 0, sizeof(*m));
	m->key = key;
	m->suite = "synth";
	m->item = "synth-000001";
	m->tmpl = tpl;
	m->format = "yesno";
	m->variant = "base";
	m->relation = rel;
	m->category = "Projective";
	m->prompt = "Is the \"red\" circle left of the blue square?\nAnswer yes or no.";
	m->label = label;
}

static int count_lines(const struct sample *s, void *ctx)
{
	(void)s;
	(*(int *)ctx)++;
	return 0;
}

static void test_round_trip_and_torn_line(void **state)
{
	struct buf b = BUF_INIT;
	struct sample_meta m;
	struct journal j;
	char err[VSR_ERR_MAX];
	int n = 0, torn = 0;
	FILE *fp;

	(void)state;
	meta(&m, 0x1111, "left of", "yn01", ANS_YES);
	sample_format_ok(&b, &m, "Yes, it is.", ANS_YES, 1.5);
	meta(&m, 0x2222, "above", "yn01", ANS_NO);
	sample_format_error(&b, &m, "HTTP 503", 4);
	write_text(b.ptr);
	/* A crash in the middle of the third line. */
	fp = fopen(path, "a");
	fputs("{\"key\":\"0000000000003333\",\"suite\":\"syn", fp);
	fclose(fp);

	assert_int_equal(journal_scan(path, 0, count_lines, &n, &torn, err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(torn, 1);

	assert_int_equal(journal_open(&j, path, err), 0);
	assert_true(j.torn);
	assert_int_equal(j.lines, 2);
	assert_int_equal(j.errors, 1);
	assert_true(journal_has(&j, 0x1111));
	assert_false(journal_has(&j, 0x2222)); /* failed: to be retried */
	assert_false(journal_has(&j, 0x3333));
	/* The next append starts on a clean line. */
	buf_reset(&b);
	meta(&m, 0x2222, "above", "yn01", ANS_NO);
	sample_format_ok(&b, &m, "no", ANS_NO, 2.0);
	assert_int_equal(journal_append(&j, b.ptr, b.len, err), 0);
	assert_int_equal(journal_close(&j, err), 0);
	n = 0;
	assert_int_equal(journal_scan(path, 0, count_lines, &n, &torn, err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(torn, 0);
	buf_release(&b);
}

static void test_malformed_line_names_file_and_line(void **state)
{
	char err[VSR_ERR_MAX], want[128];
	int n = 0;

	(void)state;
	write_text("{\"key\":\"00000000000000aa\",\"suite\":\"s\",\"item\":\"i\",\"template\":\"t\","
		   "\"format\":\"yesno\",\"variant\":\"base\",\"relation\":null,\"category\":null,"
		   "\"label\":\"yes\",\"prompt\":\"p\",\"image\":null,\"response\":\"y\","
		   "\"answer\":\"yes\",\"correct\":true,\"ms\":1}\n"
		   "this is not json\n"
		   "{}\n");
	assert_int_equal(journal_scan(path, 0, count_lines, &n, NULL, err), VSR_EDATA);
	snprintf(want, sizeof(want), "%s:2:", path);
	assert_non_null(strstr(err, want));
	write_text("{\"key\":\"xyz\"}\n");
	assert_int_equal(journal_scan(path, 0, count_lines, &n, NULL, err), VSR_EDATA);
	snprintf(want, sizeof(want), "%s:1: \"key\"", path);
	assert_non_null(strstr(err, want));
	/* "correct" must agree with answer and label. */
	write_text("{\"key\":\"00000000000000aa\",\"suite\":\"s\",\"item\":\"i\",\"template\":\"t\","
		   "\"format\":\"yesno\",\"variant\":\"base\",\"label\":\"yes\",\"answer\":\"no\","
		   "\"correct\":true}\n");
	assert_int_equal(journal_scan(path, 0, count_lines, &n, NULL, err), VSR_EDATA);
	assert_non_null(strstr(err, "disagrees"));
}

static void test_missing_file(void **state)
{
	char err[VSR_ERR_MAX];
	int n = 0;

	(void)state;
	assert_int_equal(journal_scan("/nonexistent/samples.jsonl", 0, count_lines, &n, NULL, err),
			 VSR_EDATA);
	assert_non_null(strstr(err, "/nonexistent/samples.jsonl"));
	assert_int_equal(journal_scan("/nonexistent/samples.jsonl", 1, count_lines, &n, NULL, err), 0);
}

/*
 * Metrics on a hand-made journal.  By hand: 4 answered tasks, of which
 * left of: yes/yes right, no/yes wrong; above: no/invalid wrong, yes/yes
 * right; plus one key that only failed and one duplicate line.
 * => tasks 4, correct 2, answered 3, yes 3, errors 1, duplicates 1.
 */
static void test_metrics_by_hand(void **state)
{
	struct buf b = BUF_INIT;
	struct sample_meta m;
	struct metrics mt;
	char err[VSR_ERR_MAX];

	(void)state;
	meta(&m, 1, "left of", "yn01", ANS_YES);
	sample_format_ok(&b, &m, "Yes", ANS_YES, 1);
	meta(&m, 2, "left of", "tf01", ANS_NO);
	sample_format_ok(&b, &m, "True", ANS_YES, 1);
	meta(&m, 3, "above", "yn01", ANS_NO);
	sample_format_error(&b, &m, "timeout", 4);
	sample_format_ok(&b, &m, "hmm", ANS_INVALID, 1);
	meta(&m, 4, "above", "yn01", ANS_YES);
	sample_format_ok(&b, &m, "yes", ANS_YES, 1);
	sample_format_ok(&b, &m, "yes", ANS_YES, 1); /* duplicate */
	meta(&m, 5, "above", "yn01", ANS_YES);
	sample_format_error(&b, &m, "timeout", 4);
	sample_format_error(&b, &m, "timeout", 4);
	write_text(b.ptr);
	assert_int_equal(metrics_from_journal(path, &mt, err), 0);
	assert_int_equal(mt.all.tasks, 4);
	assert_int_equal(mt.all.correct, 2);
	assert_int_equal(mt.all.answered, 3);
	assert_int_equal(mt.all.yes, 3);
	assert_int_equal(mt.all.errors, 1);
	assert_int_equal(mt.duplicates, 1);
	assert_int_equal(mt.n_suites, 1);
	assert_int_equal(mt.suites[0].by_relation.n, 2);
	/* sorted by name: "above" before "left of" */
	assert_string_equal(mt.suites[0].by_relation.g[0].name, "above");
	assert_int_equal(mt.suites[0].by_relation.g[0].a.tasks, 2);
	assert_int_equal(mt.suites[0].by_relation.g[0].a.errors, 1);
	assert_int_equal(mt.suites[0].by_template.n, 2);
	assert_int_equal(mt.suites[0].by_template.g[0].a.tasks, 1); /* tf01 */
	assert_int_equal(mt.suites[0].all.pos, 2);
	assert_int_equal(mt.suites[0].all.pos_correct, 2);
	assert_int_equal(mt.suites[0].all.neg_correct, 0);
	metrics_release(&mt);
	buf_release(&b);
}

/*
 * Intervals count the tasks of one image as one cluster.  3 images, 2 items
 * each (the second image's items have no image field: the item is the
 * cluster), 18 templates per item, all right: the suite's accuracy counts 108
 * tasks in 4 clusters (a.jpg, c.jpg, b1, b2), all right: no design effect
 * to measure, so 108 tasks times (t_107 / t_3)^2 (stats.h; the t quantiles
 * from mpmath); Wilson's lower end at n right of n is n / (n + z^2).
 */
static void test_metrics_clusters(void **state)
{
	struct buf b = BUF_INIT;
	struct sample_meta m;
	struct metrics mt;
	char err[VSR_ERR_MAX], tpl[16];
	static const char *const items[6] = { "a1", "a2", "b1", "b2", "c1", "c2" };
	static const char *const images[6] = { "a.jpg", "a.jpg", NULL, NULL, "c.jpg", "c.jpg" };
	uint64_t key = 1;
	double lo, hi;

	(void)state;
	for (int i = 0; i < 6; i++)
		for (int t = 0; t < 18; t++) {
			snprintf(tpl, sizeof(tpl), "t%02d", t);
			meta(&m, key++, "left of", tpl, ANS_YES);
			m.item = items[i];
			m.image = images[i];
			sample_format_ok(&b, &m, "yes", ANS_YES, 1);
		}
	write_text(b.ptr);
	assert_int_equal(metrics_from_journal(path, &mt, err), 0);
	assert_int_equal(mt.suites[0].all.tasks, 108);
	/* a.jpg, c.jpg, b1, b2 */
	assert_int_equal(mt.suites[0].all.images, 4);
	acc_ci(&mt.suites[0].all, PROP_ACCURACY, &lo, &hi);
	/* 4 clusters: 108 x (t_107 / t_3)^2 = 108 x (1.982383 / 3.182446)^2 = 41.9061 tasks. */
	assert_true(fabs(mt.suites[0].all.ci[PROP_ACCURACY].n_eff - 41.9061) < 1e-4);
	assert_true(fabs(lo - 41.9061 / (41.9061 + Z95 * Z95)) < 1e-5 && hi == 1.0);
	assert_int_equal(mt.suites[0].by_template.n, 18);
	/* One template: 6 tasks in 4 clusters, 6 x (t_5 / t_3)^2 = 6 x (2.570582 / 3.182446)^2. */
	assert_true(fabs(mt.suites[0].by_template.g[0].a.ci[PROP_ACCURACY].n_eff - 3.91464) < 1e-4);
	metrics_release(&mt);
	buf_release(&b);
}

static void test_keyset(void **state)
{
	struct keyset s = KEYSET_INIT;

	(void)state;
	for (uint64_t i = 0; i < 100000; i++)
		assert_int_equal(keyset_add(&s, i * 0x9e3779b97f4a7c15ULL), 1);
	assert_int_equal(keyset_add(&s, 0), 0); /* i = 0 gave key 0 */
	for (uint64_t i = 0; i < 100000; i++)
		assert_true(keyset_has(&s, i * 0x9e3779b97f4a7c15ULL));
	assert_false(keyset_has(&s, 12345));
	assert_int_equal(s.n + (size_t)s.has_zero, 100000);
	keyset_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip_and_torn_line, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_malformed_line_names_file_and_line, scratch_setup, scratch_teardown),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test_setup_teardown(test_metrics_by_hand, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_metrics_clusters, scratch_setup, scratch_teardown),
		cmocka_unit_test(test_keyset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
