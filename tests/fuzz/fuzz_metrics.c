/*
 * fuzz_metrics: a journal through metrics_from_journal (groups, CircularEval
 * and MME pairs of the official metrics, the sensitivity bootstrap, the
 * items wrong most often), the pure function every report is drawn from,
 * then report.html itself.  Few resamples keep it quick.
 */
#include "../../metrics/metrics.h"
#include "../../base/util.h"
#include "../../reports/report.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VSR_ERR_MAX];
	struct metrics m;
	struct metrics_opts o = { .resamples = 20, .seed = 1, .worst_items = 1 };

	if (!metrics_from_journal_opts(fuzz_path(0, data, size), &o, &m, err)) {
		struct buf html = BUF_INIT;
		report_html(&m, NULL, NULL, &html);
		buf_release(&html);
		metrics_release(&m);
	}
	return 0;
}
