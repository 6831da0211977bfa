/*
 * fuzz_seed: a SEED-Bench question file ({"questions": [...],
 * "question_type": {...}}) through seed_file_load, once with every
 * dimension and once with the two spatial ones selected by name.
 */
#include <string.h>

#include "../../base/util.h"
#include "../../suites/seed.h"
#include "fuzz.h"

static void touch(const struct seed_file *f)
{
	size_t sum = 0;

	for (size_t i = 0; i < f->n; i++) {
		const struct seed_q *q = &f->q[i];
		sum += strlen(q->id) + strlen(q->question) + strlen(q->dimension);
		for (int k = 0; k < 4; k++)
			sum += strlen(q->choices[k]);
		if (q->data_id)
			sum += strlen(q->data_id);
	}
	for (size_t i = 0; i < f->n_dims; i++)
		sum += strlen(f->dims[i].name) + (seed_dim_find(f, f->dims[i].name) != NULL);
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const want[] = { "Spatial Relation", "instance location" };
	char err[VSR_ERR_MAX];
	const char *path = fuzz_path(0, data, size);
	struct seed_file f;

	if (!seed_file_load(path, NULL, 0, &f, err)) {
		touch(&f);
		for (size_t i = 0; i < f.n_dims; i++)
			(void)seed2_dimension_name(f.dims[i].id);
		seed_file_release(&f);
	}
	if (!seed_file_load(path, want, 2, &f, err)) {
		touch(&f);
		seed_file_release(&f);
	}
	return 0;
}
