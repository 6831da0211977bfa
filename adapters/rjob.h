/*
 * rjob: the job plumbing of the remote loops (remote_loop.c for HTTP,
 * exec.c for child processes): a scheduler job on its way through a loop,
 * from sched_take to sched_complete.  Calls down into the scheduler only.
 */
#ifndef VSR_RJOB_H
#define VSR_RJOB_H

#include <stddef.h>

#include "../base/buf.h"
#include "../harness/scheduler.h"
#include "../suites/item.h"

/*
 * A job of the scheduler on its way through a remote loop: the item's image
 * (loaded once), its base64 text when the protocol needs one, and the
 * results of its tasks until the last one is final.  The rjob owns all of
 * it, the job included, until the job completes or is abandoned.
 */
struct rjob {
	struct job *job;
	struct image img;
	const char *mime;  /* sniffed; NULL without an image */
	const char *b64;   /* base64 of the image, when asked for (own_b64) */
	size_t b64_len;
	struct buf own_b64;
	struct buf alt_b64; /* base64 of the job's mirrored image, when a task asks for it */
	struct task_result *res;
	size_t left;       /* tasks not final yet */
	void *priv;        /* the loop's per-task state; freed (free()) with the job */
	struct rjob *prev, *next, **live; /* the loop's list of jobs in progress */
};

/*
 * Takes the next job (sched_take with `block`), loads its image and, when
 * want_b64, encodes it, and links it into *live.  Returns 0 with *out set
 * (NULL: no job now, or no more when block), or the error code after the
 * run has been failed.
 */
int rjob_take(struct sched *s, int block, int want_b64, struct rjob **live, struct rjob **out,
	      struct sched_batch *b);
/*
 * The image a task's request carries (sched_request picks the variant):
 * none for a blind task (*b64 NULL), the job's own, or the mirrored copy,
 * each encoded once per job.  The strings are borrowed from rj.  0, or -1
 * when out of memory.
 */
int rjob_request_image(struct rjob *rj, const struct vsrbench_request *req, const char **b64,
		       size_t *b64_len, const char **mime);

/*
 * One more task of rj is final (its result filled); after the last, the job
 * is completed (journal lines into b) and freed, priv included.
 */
void rjob_task_done(struct sched *s, struct rjob *rj, struct sched_batch *b);
/* Frees every job still in *live (a stop or a failure): none is journaled. */
void rjob_abandon_all(struct rjob **live);

#endif
