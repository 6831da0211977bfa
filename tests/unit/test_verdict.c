/*
 * The verdict's image part (docs/diagnosis.md, "The verdict") from
 * visual_flip's 95% interval alone: each row an interval and the words the
 * rule in the table gives it, read off by hand.  The interval decides, never
 * the point value: 3 of 3 images flipped is 100% [44, 100] (Wilson), which
 * can be a model that follows the image and one that follows it half the
 * time; the verdict must not say "only in part" of it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "base/util.h"
#include "metrics/sensitivity.h"
#include "reports/report.h"

static const struct {
	double value, lo, hi;
	const char *says;
} rows[] = {
	/* a perfect model on three images: the interval reaches from 44 to 100 */
	{1.00, 0.439, 1.00, "unclear how far it follows the image"},
	/* wholly between 50 and 80: it flips, but clearly not always */
	{0.65, 0.55, 0.75, "follows the image only in part"},
	/* below 80 at the top, whatever the bottom: not "follows" */
	{0.60, 0.45, 0.79, "follows the image only in part"},
	/* 80 at the top is not below it: unclear */
	{0.70, 0.60, 0.80, "unclear how far it follows the image"},
	{0.95, 0.80, 1.00, "follows the image"},
	{0.20, 0.05, 0.49, "under-sensitive to the image"},
	/* from 30 to 95: anything from under-sensitive to following */
	{0.60, 0.30, 0.95, "unclear how far it follows the image"},
	/* no resample had pairs: nothing decided */
	{1.00, NAN, NAN, "unclear how far it follows the image"},
};

static void image_part(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sens_result sr;
		struct buf out = BUF_INIT;
		size_t n = strlen(rows[i].says);

		memset(&sr, 0, sizeof(sr));
		sr.fig[SENS_FLIP].present = 1;
		sr.fig[SENS_FLIP].value = rows[i].value;
		sr.fig[SENS_FLIP].ci_low = rows[i].lo;
		sr.fig[SENS_FLIP].ci_high = rows[i].hi;
		sr.fig[SENS_FLIP].n = 12;
		assert_int_equal(sens_verdict(&out, &sr), 1);
		if (strncmp(out.ptr, rows[i].says, n) || out.ptr[n] != ':')
			fail_msg("row %zu [%g, %g]: \"%s\", want \"%s: ...\"", i, rows[i].lo,
				 rows[i].hi, out.ptr, rows[i].says);
		buf_release(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(image_part),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
