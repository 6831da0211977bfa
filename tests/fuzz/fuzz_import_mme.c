/*
 * fuzz_import_mme: an MME answered list (`image \t question \t Yes|No \t
 * answer`, in pairs) through import_mme_list, the importer of `vsrbench
 * score`, as the list of the position subtask; and the subtask from a name
 * made of the input's first line.
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
	*sum += a->lineno + strlen(a->item) + strlen(a->group) + strlen(a->category) +
		strlen(a->tmpl) + strlen(a->format) + strlen(a->prompt) + strlen(a->image) +
		strlen(a->response) + (size_t)a->label + a->n_choices + (a->choices != NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VSR_ERR_MAX];
	const uint8_t *rest;
	size_t rest_len, sum = 0;
	char *name = fuzz_strndup(data, fuzz_split(data, size, '\n', &rest, &rest_len));

	(void)import_mme_subtask_of(name);
	import_mme_list(fuzz_path(0, data, size), mme_subtask_find("position"), on_answer, &sum,
			err);
	free(name);
	return 0;
}
