/*
 * fuzz_xlsx: a worksheet's XML and a shared-strings XML (the input split at
 * its first NUL byte) through xlsx_parse, the sheet reader of `vsrbench
 * score`'s prediction xlsx files; then the sheet kinds' importers on the grid.
 */
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
		a->n_choices;
	for (size_t i = 0; i < a->n_choices; i++)
		*sum += strlen(a->choices[i]);
	/* a VLMEvalKit verdict column ("extracted", "hit") */
	if (a->theirs)
		*sum += strlen(a->theirs) + strlen(a->theirs_col) + (size_t)a->theirs_right;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VSR_ERR_MAX];
	const uint8_t *nul = memchr(data, 0, size);
	size_t sheet_len = nul ? (size_t)(nul - data) : size, sum = 0;
	struct xlsx_sheet s;
	struct import_mme_stats ms;
	struct import_seed_stats ss;

	if (xlsx_parse(&s, "fuzz.xlsx:sheet1", (const char *)data, sheet_len,
		       nul ? (const char *)nul + 1 : NULL, nul ? size - sheet_len - 1 : 0, err))
		return 0;
	switch (import_sheet_kind(&s)) {
	case SHEET_VLMEVAL_MME:
		import_sheet_mme(&s, "fuzz", NULL, on_answer, &sum, &ms, err);
		break;
	case SHEET_VLMEVAL_SEED:
		import_sheet_seed(&s, "fuzz", NULL, 0, on_answer, &sum, &ss, err);
		break;
	case SHEET_MMBENCH:
		import_sheet_mmbench(&s, "fuzz", on_answer, &sum, err);
		break;
	default:
		break;
	}
	xlsx_release(&s);
	return 0;
}
