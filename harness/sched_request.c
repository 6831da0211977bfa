/*
 * sched_request: a task as the adapter ABI's request (split out of
 * scheduler.c): its prompt, its image variant, its options (rotated for
 * circular evaluation) and the run's generation settings.
 */
#include <stdio.h>
#include <string.h>

#include "imgvar.h"
#include "scheduler.h"
#include "../base/util.h" /* last: it includes banned.h */

/*
 * Task t's options, shifted left by its rotation r: option k shows original
 * (k + r) % n.  Each task has its own slot, because a batch holds the
 * requests of several tasks of one job at once.
 */
char **sched_rotated_choices(struct job *j, size_t t)
{
	size_t n = j->item.n_choices, r = j->tasks[t].rotation;
	char **slot;

	if (!r)
		return j->item.choices;
	if (!j->rotated)
		j->rotated = xcalloc(j->n_tasks * n, sizeof(*j->rotated));
	slot = j->rotated + t * n;
	for (size_t k = 0; k < n; k++)
		slot[k] = j->item.choices[(k + r) % n];
	return slot;
}

void sched_request(const struct sched *s, struct job *j, size_t k,
		   const struct image *img, char *id, struct vsrbench_request *req)
{
	const struct task *t = &j->tasks[k];
	const struct template *tpl = t->tpl;

	snprintf(id, 17, "%016llx", (unsigned long long)t->key);
	memset(req, 0, sizeof(*req));
	req->struct_size = sizeof(*req);
	req->id = id;
	req->prompt = t->prompt;
	if (t->image == IMG_HFLIP)
		img = &j->hflip;
	else if (t->image == IMG_BLIND)
		img = NULL;
	req->image = img && img->bytes ? img->bytes : NULL;
	req->image_len = req->image ? img->len : 0;
	if (img && !img->bytes && img->b64) {
		/*
		 * Base64 only (asked for by a served model's loop, which knows its
		 * own text when it sees it: remote.c).  Plug-ins never get this.
		 */
		req->image = (const unsigned char *)img->b64;
		req->image_len = img->b64_len;
	}
	req->image_mime = req->image ? img->mime : NULL;
	if (j->item.n_choices) {
		/* A multiple-choice item brings its own options, maybe rotated. */
		req->choices = (const char *const *)sched_rotated_choices(j, k);
		req->n_choices = j->item.n_choices;
	} else {
		req->choices = tpl->n_choices ? tpl->choices : NULL;
		req->n_choices = tpl->n_choices;
	}
	req->max_tokens = sched_get_config(s)->max_tokens;
	req->temperature = sched_get_config(s)->temperature;
	req->seed = sched_get_config(s)->seed;
}

