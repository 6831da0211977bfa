/*
 * rjob: the job plumbing shared by the remote loops (see rjob.h).
 */
#include "rjob.h"

#include <stdlib.h>
#include <string.h>

#include "../base/mime.h"
#include "../base/util.h"

static void rjob_free(struct rjob *rj)
{
	if (rj->live) {
		if (rj->prev)
			rj->prev->next = rj->next;
		else
			*rj->live = rj->next;
		if (rj->next)
			rj->next->prev = rj->prev;
	}
	image_release(&rj->img);
	buf_release(&rj->own_b64);
	buf_release(&rj->alt_b64);
	free(rj->res);
	free(rj->priv);
	free(rj);
}

static void rjob_abandon(struct rjob *rj)
{
	if (rj->res)
		for (size_t k = 0; k < rj->job->n_tasks; k++) {
			free(rj->res[k].text);
			free(rj->res[k].meta_json);
		}
	job_free(rj->job);
	rjob_free(rj);
}

void rjob_abandon_all(struct rjob **live)
{
	while (*live)
		rjob_abandon(*live);
}

int rjob_request_image(struct rjob *rj, const struct vsrbench_request *req, const char **b64,
		       size_t *b64_len, const char **mime)
{
	*b64 = NULL;
	*b64_len = 0;
	*mime = NULL;
	if (!req->image)
		return 0; /* blind */
	if (rj->img.b64 && req->image == (const unsigned char *)rj->img.b64) {
		/* The dataset's own base64 text, passed on untouched. */
		*b64 = rj->img.b64;
		*b64_len = rj->img.b64_len;
		*mime = rj->img.mime;
		return 0;
	}
	if (req->image == rj->img.bytes) {
		if (!rj->b64) {
			if (buf_add_base64(&rj->own_b64, rj->img.bytes, rj->img.len))
				return -1;
			rj->b64 = rj->own_b64.ptr;
			rj->b64_len = rj->own_b64.len;
		}
		*b64 = rj->b64;
		*b64_len = rj->b64_len;
		*mime = rj->mime;
		return 0;
	}
	/* A variant of the image (hflip): its own encoding, made once. */
	if (!rj->alt_b64.len && buf_add_base64(&rj->alt_b64, req->image, req->image_len))
		return -1;
	*b64 = rj->alt_b64.ptr;
	*b64_len = rj->alt_b64.len;
	*mime = req->image_mime ? req->image_mime : image_sniff_mime(req->image, req->image_len);
	return 0;
}

int rjob_take(struct sched *s, int block, int want_b64, struct rjob **live, struct rjob **out,
	      struct sched_batch *b)
{
	struct job *j = sched_take(s, block);
	struct rjob *rj;
	int r;

	*out = NULL;
	if (!j)
		return 0;
	rj = xcalloc(1, sizeof(*rj));
	rj->job = j;
	rj->own_b64 = (struct buf)BUF_INIT;
	rj->img.want_b64 = want_b64;
	if ((r = sched_load_image(s, j, &rj->img, b))) {
		rjob_abandon(rj);
		return r;
	}
	if (rj->img.bytes) {
		rj->mime = image_sniff_mime(rj->img.bytes, rj->img.len);
		if (!strncmp(rj->mime, "application/", 12) && rj->img.mime)
			rj->mime = rj->img.mime; /* unknown magic: trust the suite */
		if (want_b64) {
			if (buf_add_base64(&rj->own_b64, rj->img.bytes, rj->img.len)) {
				rjob_abandon(rj);
				sched_fail(s, VSR_EDATA, "out of memory encoding an image");
				return VSR_EDATA;
			}
			rj->b64 = rj->own_b64.ptr;
			rj->b64_len = rj->own_b64.len;
		}
	} else if (rj->img.b64) {
		rj->mime = rj->img.mime;
		rj->b64 = rj->img.b64;
		rj->b64_len = rj->img.b64_len;
	}
	rj->res = xcalloc(j->n_tasks, sizeof(*rj->res));
	rj->left = j->n_tasks;
	rj->live = live;
	rj->next = *live;
	if (*live)
		(*live)->prev = rj;
	*live = rj;
	*out = rj;
	return 0;
}

void rjob_task_done(struct sched *s, struct rjob *rj, struct sched_batch *b)
{
	if (--rj->left)
		return;
	sched_complete(s, rj->job, rj->res, b); /* frees the texts and the job */
	rj->job = NULL;
	rjob_free(rj);
}
