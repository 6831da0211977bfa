/*
 * fuzz_import_seed: a SEED-Bench result file through import_seed_results,
 * the importer of `vsrbench score`.  Input: QUESTIONS \0 RESULTS, or only
 * RESULTS (no '\0'): the question file (when it loads) gives the ground
 * truth, else "gt_answer" and SEED-Bench-2's ids do.  Each file is read
 * with every dimension and with the spatial ones only.
 */
#include <stdlib.h>
#include <string.h>

#include "../../base/util.h"
#include "../../suites/import.h"
#include "fuzz.h"

static int on_answer(const struct import_answer *a, void *ctx, char *err)
{
	size_t *sum = ctx;

	(void)err;
	/* Everything the caller reads of an answer. */
	*sum += a->lineno + strlen(a->item) + strlen(a->tmpl) + strlen(a->format) +
		strlen(a->prompt) + strlen(a->response) + (size_t)a->label;
	if (a->category)
		*sum += strlen(a->category);
	if (a->image)
		*sum += strlen(a->image);
	for (size_t i = 0; a->choices && i < a->n_choices; i++)
		*sum += strlen(a->choices[i]);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VSR_ERR_MAX];
	const uint8_t *results;
	size_t results_len, sum = 0;
	size_t q_len = fuzz_split(data, size, 0, &results, &results_len);
	struct import_seed_questions q;
	struct import_seed_stats st;
	int have_q = 0;
	const char *path;

	if (q_len == size) { /* no '\0': all of it is the result file */
		results = data;
		results_len = size;
	} else {
		have_q = !import_seed_questions_load(&q, fuzz_path(1, data, q_len), err);
	}
	path = fuzz_path(0, results, results_len);
	for (int spatial = 0; spatial < 2; spatial++)
		import_seed_results(path, have_q ? &q : NULL, spatial, on_answer, &sum, &st, err);
	if (have_q)
		import_seed_questions_release(&q);
	return 0;
}
