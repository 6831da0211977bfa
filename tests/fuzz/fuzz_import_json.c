/*
 * fuzz_import_json: a VLMEvalKit .json prediction file through
 * import_json_sheet_mem, then the sheet kinds' importers on the grid; the
 * same bytes as lmms-eval MMBench and SEED-Bench samples through
 * import_lmms_sheet (the first byte picks which), and the kind of the first
 * line (import_lmms_kind_of).
 */
#include <stdlib.h>
#include <string.h>

#include "../../base/util.h"
#include "../../suites/import.h"
#include "../../suites/xlsx.h"
#include "fuzz.h"

static int on_answer(const struct import_answer *a, void *ctx, char *err)
{
	size_t *sum = ctx;

	(void)err;
	*sum += strlen(a->item) + strlen(a->response) + strlen(a->prompt) + (size_t)a->label +
		a->n_choices + (a->category ? strlen(a->category) : 0);
	for (size_t i = 0; i < a->n_choices; i++)
		*sum += strlen(a->choices[i]);
	/* a VLMEvalKit verdict column ("extracted", "hit") */
	if (a->theirs)
		*sum += strlen(a->theirs) + strlen(a->theirs_col) + (size_t)a->theirs_right;
	return 0;
}

static void score_sheet(struct xlsx_sheet *s, enum import_sheet_kind k)
{
	char err[VSR_ERR_MAX];
	size_t sum = 0;
	struct import_mme_stats ms;
	struct import_seed_stats ss;

	switch (k) {
	case SHEET_VLMEVAL_MME:
		import_sheet_mme(s, "fuzz", NULL, on_answer, &sum, &ms, err);
		break;
	case SHEET_VLMEVAL_SEED:
		import_sheet_seed(s, "fuzz", NULL, 0, on_answer, &sum, &ss, err);
		break;
	case SHEET_MMBENCH:
		import_sheet_mmbench(s, "fuzz", on_answer, &sum, err);
		break;
	default:
		break;
	}
	xlsx_release(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VSR_ERR_MAX];
	struct xlsx_sheet s;
	size_t video;
	char *text;

	if (!import_json_sheet_mem(&s, "fuzz.json", (const char *)data, size, err))
		score_sheet(&s, import_sheet_kind(&s));
	if (!size)
		return 0;
	text = fuzz_strndup(data, size);
	(void)import_lmms_kind_of(text);
	free(text);
	if (!import_lmms_sheet(&s, fuzz_path(0, data + 1, size - 1),
			       data[0] & 1 ? LMMS_SEED : LMMS_MMBENCH, &video, err))
		score_sheet(&s, data[0] & 1 ? SHEET_VLMEVAL_SEED : SHEET_MMBENCH);
	return 0;
}
