#include "task.h"

#include <stdlib.h>
#include <string.h>

#include "../base/util.h"

uint64_t task_key(const char *suite, const char *item_id, const char *variant,
		  const char *template_id, const char *prompt, uint64_t image_digest,
		  uint64_t model_fp, int max_tokens, double temperature, uint64_t seed)
{
	uint64_t h = hash64_str(suite, HASH_SEED);
	uint64_t tail[5];

	h = hash64_str(item_id, h);
	h = hash64_str(variant, h);
	h = hash64_str(template_id, h);
	h = hash64_str(prompt, h);
	tail[0] = image_digest;
	tail[1] = model_fp;
	tail[2] = (uint64_t)(int64_t)max_tokens;
	memcpy(&tail[3], &temperature, sizeof(double));
	tail[4] = seed;
	return hash64(tail, sizeof(tail), h);
}

void job_free(struct job *j)
{
	if (!j)
		return;
	image_release(&j->hflip);
	free(j->rotated);
	for (size_t i = 0; i < j->n_tasks; i++)
		free(j->tasks[i].prompt);
	free(j->tasks);
	item_release(&j->item);
	free(j);
}
