/*
 * rjob: the job plumbing shared by the remote loops (see rjob.h).
 */
#include "rjob.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base64.h"
#include "../base/bmp.h"
#include "../base/mime.h"
#include "../base/util.h"
#include "../harness/imgvar.h"

/* An image's bytes and their base64, shared by the jobs of the image in a row. */
struct b64_share {
	atomic_int refs;
	unsigned char *raw;
	size_t raw_len;
	struct buf b64;
};

void rjob_share_drop(struct b64_share **last)
{
	struct b64_share *sh = *last;

	*last = NULL;
	if (sh && atomic_fetch_sub(&sh->refs, 1) == 1) {
		free(sh->raw);
		buf_release(&sh->b64);
		free(sh);
	}
}

/* rj's base64: the last job's when its image has the same bytes, else encoded now. */
static int share_encode(struct rjob *rj, struct b64_share **last)
{
	struct b64_share *sh = last ? *last : NULL;

	if (!sh || sh->raw_len != rj->img.len || memcmp(sh->raw, rj->img.bytes, rj->img.len)) {
		sh = xcalloc(1, sizeof(*sh));
		atomic_init(&sh->refs, 1);
		buf_init(&sh->b64, 0);
		if (buf_add_base64(&sh->b64, rj->img.bytes, rj->img.len)) {
			rjob_share_drop(&sh);
			return -1;
		}
		if (last) {
			sh->raw = xmalloc(rj->img.len ? rj->img.len : 1);
			memcpy(sh->raw, rj->img.bytes, rj->img.len);
			sh->raw_len = rj->img.len;
			rjob_share_drop(last);
			atomic_fetch_add(&sh->refs, 1);
			*last = sh;
		}
	} else {
		atomic_fetch_add(&sh->refs, 1);
	}
	rj->share = sh;
	rj->b64 = sh->b64.ptr;
	rj->b64_len = sh->b64.len;
	return 0;
}

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
	rjob_share_drop(&rj->share);
	buf_release(&rj->own_b64);
	buf_release(&rj->alt_b64);
	buf_release(&rj->conv_b64);
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
			free(rj->res[k].reasoning);
		}
	job_free(rj->job);
	rjob_free(rj);
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

static int mime_taken(const char *const *takes, const char *mime)
{
	if (!takes)
		return 1;
	for (const char *const *m = takes; *m; m++)
		if (mime && !strcmp(*m, mime))
			return 1;
	return 0;
}

/* The first conversion of the run is said once on stderr (the journal says it per line). */
static atomic_int conversion_noted;

int rjob_request_image_for(struct rjob *rj, const struct vsrbench_request *req,
			   const char *const *takes, const char **b64, size_t *b64_len,
			   const char **mime, char *why)
{
	const unsigned char *bytes = NULL;
	unsigned char *decoded = NULL;
	size_t n = 0;
	struct buf png = BUF_INIT;
	int r;

	why[0] = '\0';
	if (rjob_request_image(rj, req, b64, b64_len, mime))
		return -1;
	if (!*b64 || mime_taken(takes, *mime))
		return 0;
	/* Only the job's own image: a mirrored copy is PNG or JPEG already. */
	if (req->image != rj->img.bytes &&
	    !(rj->img.b64 && req->image == (const unsigned char *)rj->img.b64))
		return 0;
	if (rj->conv_from) {
		*b64 = rj->conv_b64.ptr;
		*b64_len = rj->conv_b64.len;
		*mime = "image/png";
		return 0;
	}
	if (!*mime || strcmp(*mime, "image/bmp")) {
		snprintf(why, VSR_ERR_MAX, "vsrbench converts only BMP images");
		return 0;
	}
	if (rj->img.bytes) {
		bytes = rj->img.bytes;
		n = rj->img.len;
	} else {
		/* The dataset's base64 text (MMBench): decoded for the conversion only. */
		decoded = malloc(rj->img.b64_len / 4 * 3 + 3);
		if (!decoded)
			return -1;
		if (b64_decode(rj->img.b64, rj->img.b64_len, decoded, &n)) {
			free(decoded);
			snprintf(why, VSR_ERR_MAX, "its base64 text does not decode");
			return 0;
		}
		bytes = decoded;
	}
	r = image_convert_png(bytes, n, image_max_pixels(), &png, why);
	free(decoded);
	if (r) {
		buf_release(&png);
		return 0; /* why says what is wrong with it */
	}
	buf_add_base64(&rj->conv_b64, (const unsigned char *)png.ptr, png.len);
	buf_release(&png);
	rj->conv_from = "image/bmp";
	if (!atomic_exchange(&conversion_noted, 1))
		vsr_warn("%s item %s: its image is image/bmp, which this API does not take: "
			 "BMP images are converted to PNG (lossless) before they are sent; "
			 "each journal line says so in meta.image_converted",
			 rj->job->item.suite, rj->job->item.id);
	*b64 = rj->conv_b64.ptr;
	*b64_len = rj->conv_b64.len;
	*mime = "image/png";
	return 0;
}

/*
 * meta "image_converted" into the journal lines of the tasks that showed
 * the converted image (the job's own image: IMG_ORIG).
 */
static void note_conversion(struct rjob *rj)
{
	static const char note[] = "\"image_converted\":\"image/bmp\"";

	for (size_t k = 0; k < rj->job->n_tasks; k++) {
		struct task_result *res = &rj->res[k];
		struct buf m = BUF_INIT;
		size_t len;

		if (rj->job->tasks[k].image != IMG_ORIG)
			continue;
		len = res->meta_json ? strlen(res->meta_json) : 0;
		while (len && res->meta_json[len - 1] != '}')
			len--;
		if (len >= 2) { /* {...}: the note goes before its last brace */
			buf_add(&m, res->meta_json, len - 1);
			buf_adds(&m, len > 2 ? "," : "");
		} else {
			buf_adds(&m, "{");
		}
		buf_adds(&m, note);
		buf_adds(&m, "}");
		free(res->meta_json);
		res->meta_json = buf_detach(&m, NULL);
	}
}

/* ====================================================================== */
/* The loop's side                                                          */

void rloop_init(struct rloop *r, struct sched *s, long retries)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->retries = retries >= 0 ? retries : sched_get_config(s)->retries;
	r->batch = (struct sched_batch)SCHED_BATCH_INIT;
	r->batch.lines.max = 256u << 20;
}

int rjob_prepare(struct sched *s, int block, int want_b64, struct sched_batch *b,
		 struct b64_share **last, struct rjob **out)
{
	struct job *j = sched_take(s, block);
	struct rjob *rj;
	int rc;

	*out = NULL;
	if (!j)
		return 0;
	rj = xcalloc(1, sizeof(*rj));
	rj->job = j;
	rj->own_b64 = (struct buf)BUF_INIT;
	rj->alt_b64 = (struct buf)BUF_INIT;
	rj->conv_b64 = (struct buf)BUF_INIT;
	rj->img.want_b64 = want_b64;
	if ((rc = sched_load_image(s, j, &rj->img, b))) {
		rjob_abandon(rj);
		return rc;
	}
	if (rj->img.bytes) {
		rj->mime = image_sniff_mime(rj->img.bytes, rj->img.len);
		if (!strncmp(rj->mime, "application/", 12) && rj->img.mime)
			rj->mime = rj->img.mime; /* unknown magic: trust the suite */
		if (want_b64) {
			double c0 = thread_cpu_seconds();
			if (share_encode(rj, last)) {
				rjob_abandon(rj);
				sched_fail(s, VSR_EDATA, "out of memory encoding an image");
				return VSR_EDATA;
			}
			b->cpu_image += thread_cpu_seconds() - c0;
		}
	} else if (rj->img.b64) {
		rj->mime = rj->img.mime;
		rj->b64 = rj->img.b64;
		rj->b64_len = rj->img.b64_len;
	}
	rj->res = xcalloc(j->n_tasks, sizeof(*rj->res));
	rj->left = j->n_tasks;
	*out = rj;
	return 0;
}

void rjob_discard(struct rjob *rj)
{
	rjob_abandon(rj);
}

void rloop_adopt(struct rloop *r, struct rjob *rj)
{
	rj->live = &r->live;
	rj->next = r->live;
	if (r->live)
		r->live->prev = rj;
	r->live = rj;
}

int rloop_take(struct rloop *r, int block, int want_b64, struct rjob **out)
{
	int rc = rjob_prepare(r->s, block, want_b64, &r->batch, NULL, out);

	if (!rc && *out)
		rloop_adopt(r, *out);
	return rc;
}

void rloop_push(struct rloop *r, struct rtask *t)
{
	t->next = NULL;
	if (r->ready_tail)
		r->ready_tail->next = t;
	else
		r->ready = t;
	r->ready_tail = t;
}

void rloop_push_front(struct rloop *r, struct rtask *t)
{
	t->next = r->ready;
	r->ready = t;
	if (!r->ready_tail)
		r->ready_tail = t;
}

struct rtask *rloop_pop(struct rloop *r)
{
	struct rtask *t = r->ready;

	if (t) {
		r->ready = t->next;
		if (!r->ready)
			r->ready_tail = NULL;
	}
	return t;
}

void rloop_task_done(struct rloop *r, struct rtask *t)
{
	struct rjob *rj = t->rj;

	r->active--;
	if (--rj->left)
		return;
	/* The job's last task: t goes with the job's tasks (rj->priv). */
	if (rj->conv_from)
		note_conversion(rj);
	sched_complete(r->s, rj->job, rj->res, &r->batch); /* frees the texts and the job */
	rj->job = NULL;
	rjob_free(rj);
}

int rloop_flush(struct rloop *r)
{
	return r->batch.lines.len ? sched_flush(r->s, &r->batch) : 0;
}

void rloop_release(struct rloop *r)
{
	sched_flush(r->s, &r->batch);
	sched_batch_release(&r->batch);
	while (r->live)
		rjob_abandon(r->live);
}
