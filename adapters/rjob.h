/*
 * rjob: the job plumbing of the remote loops (remote_loop.c for HTTP,
 * exec.c for child processes), between them and the scheduler's worker
 * calls (harness/scheduler.h).  Calls down into the scheduler only.
 *
 * A loop keeps a struct rloop: it takes jobs (rloop_take), queues their
 * tasks (each loop's task struct begins with a struct rtask), sends them
 * its own way, marks each final (rloop_task_done) once its task_result is
 * filled, flushes the journal lines, and at the end releases what is left
 * (abandoned jobs are not journaled: a resumed run redoes them).
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
struct b64_share;

struct rjob {
	struct job *job;
	struct image img;
	const char *mime;  /* sniffed; NULL without an image */
	const char *b64;   /* base64 of the image, when asked for (own_b64) */
	size_t b64_len;
	struct buf own_b64;
	struct buf alt_b64; /* base64 of the job's mirrored image, when a task asks for it */
	struct buf conv_b64; /* base64 of the job's image converted to PNG (rjob_request_image_for) */
	const char *conv_from; /* the type it was converted from; NULL: not converted */
	struct b64_share *share; /* when b64 is an encoding shared with other jobs of the image */
	struct task_result *res;
	size_t left;       /* tasks not final yet */
	void *priv;        /* the loop's per-task state (its tasks); freed (free()) with the job */
	struct rjob *prev, *next, **live; /* the loop's list of jobs in progress */
};

/*
 * The image a task's request carries (sched_request picks the variant):
 * none for a blind task (*b64 NULL), the job's own, or the mirrored copy,
 * each encoded once per job.  The strings are borrowed from rj.  0, or -1
 * when out of memory.
 */
int rjob_request_image(struct rjob *rj, const struct vsrbench_request *req, const char **b64,
		       size_t *b64_len, const char **mime);

/*
 * rjob_request_image for an API that takes only the image types in `takes`
 * (NULL-terminated; NULL: any).  The job's own image of another type that
 * vsrbench decodes (BMP: base/bmp.h) is converted to PNG once per job,
 * losslessly, and handed out as "image/png"; the first conversion of the
 * run is noted on stderr, and the journal lines of the job's tasks that
 * showed it carry meta "image_converted": "<the original type>".  An image
 * that cannot be converted comes back as it is, for the caller to refuse,
 * with the reason in why[0..VSR_ERR_MAX) (why[0] == 0: none was tried).
 * 0, or -1 when out of memory.
 */
int rjob_request_image_for(struct rjob *rj, const struct vsrbench_request *req,
			   const char *const *takes, const char **b64, size_t *b64_len,
			   const char **mime, char *why);

/*
 * One task of a job, as every loop has it: the first member of the loop's
 * own task struct, which lives in rj->priv (so it goes with the job).
 */
struct rtask {
	struct rjob *rj;
	size_t k;           /* its index in rj->job->tasks and rj->res */
	struct rtask *next; /* in the ready queue, or a list of the loop's own */
};

/* What every remote loop keeps (one per loop thread; nothing shared). */
struct rloop {
	struct sched *s;
	struct rjob *live;                /* jobs taken and not completed */
	struct rtask *ready, *ready_tail; /* tasks to send, first first */
	size_t active;                    /* tasks taken and not final */
	long retries;                     /* extra attempts: -M retries, else the run's */
	struct sched_batch batch;         /* journal lines not flushed yet */
};

/* retries < 0: the run's --retries. */
void rloop_init(struct rloop *r, struct sched *s, long retries);
/*
 * Takes the next job (sched_take with `block`), loads its image and, when
 * want_b64, encodes it, and links it into r->live; the caller queues its
 * tasks and adds them to r->active.  Returns 0 with *out set (NULL: no job
 * now, or no more when block), or the error code after the run has been
 * failed.
 */
int rloop_take(struct rloop *r, int block, int want_b64, struct rjob **out);

/*
 * rloop_take in two halves, so a loop can have its jobs prepared by another
 * thread (remote_loop.c's prefetcher, issue 16): rjob_prepare takes the
 * next job and loads (and encodes) its image, touching nothing of a loop
 * (its CPU time goes to b); rloop_adopt links the prepared job into r->live
 * on the loop's thread.  rjob_discard frees a prepared job never adopted
 * (not journaled).
 */
int rjob_prepare(struct sched *s, int block, int want_b64, struct sched_batch *b,
		 struct b64_share **last, struct rjob **out);
/*
 * last (may be NULL): the encoding of the image the caller prepared before,
 * reused when the next job's image has the same bytes (the image-grouped
 * order sends the jobs of one image in a row); rjob_share_drop lets it go.
 */
void rjob_share_drop(struct b64_share **last);
void rloop_adopt(struct rloop *r, struct rjob *rj);
void rjob_discard(struct rjob *rj);

/* The ready queue: tasks to send, in order; a retry may go first. */
void rloop_push(struct rloop *r, struct rtask *t);
void rloop_push_front(struct rloop *r, struct rtask *t);
struct rtask *rloop_pop(struct rloop *r); /* NULL when empty */

/*
 * Task t is final (its result filled).  After the last task of its job,
 * the job is completed (its journal lines into r->batch) and freed with
 * its tasks, t included.
 */
void rloop_task_done(struct rloop *r, struct rtask *t);
/* Appends the lines of the finished tasks to the journal: 0 or the run's error code. */
int rloop_flush(struct rloop *r);
/* Flushes, then frees every job still live (a stop or a failure): none of those is journaled. */
void rloop_release(struct rloop *r);

#endif
