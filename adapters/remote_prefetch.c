/*
 * remote_prefetch: one thread per loop takes the scheduler's jobs, loads (or
 * renders) each image and base64-encodes it, and hands the prepared jobs to
 * the loop through a small bounded ring (split out of remote_loop.c).
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "remote_loop.h"
#include "../base/util.h" /* last: it includes banned.h */

/* ====================================================================== */
/* Prefetch: images loaded and encoded off the loop's thread                */

/*
 * One thread per loop takes the scheduler's jobs, loads (or renders) each
 * image and base64-encodes it, and hands the prepared jobs over through a
 * small bounded ring, so the loop thread only drives sockets.  The ring's
 * bound keeps memory flat whatever the task count.
 */
#define PF_JOBS 16

struct prefetch {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t space, item;
	struct sched *s;
	struct rjob *ring[PF_JOBS];
	size_t head, len;
	int done;  /* no more jobs will come */
	int stop;  /* the loop is leaving */
	int rc;    /* the error that ended it */
	struct sched_batch b; /* its image CPU time */
	struct b64_share *last; /* the last image's encoding, for the next job of the image */
};

static void *pf_thread(void *arg)
{
	struct prefetch *p = arg;

	for (;;) {
		struct rjob *rj = NULL;
		int rc;

		pthread_mutex_lock(&p->mu);
		while (p->len == PF_JOBS && !p->stop)
			pthread_cond_wait(&p->space, &p->mu);
		pthread_mutex_unlock(&p->mu);
		if (p->stop)
			break;
		rc = rjob_prepare(p->s, 1, 1, &p->b, &p->last, &rj);
		pthread_mutex_lock(&p->mu);
		if (rc || !rj) {
			p->rc = rc;
			p->done = 1;
			pthread_cond_broadcast(&p->item);
			pthread_mutex_unlock(&p->mu);
			break;
		}
		p->ring[(p->head + p->len++) % PF_JOBS] = rj;
		pthread_cond_broadcast(&p->item);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

int pf_start(struct loop *L)
{
	struct prefetch *p = xcalloc(1, sizeof(*p));

	p->s = L->r.s;
	p->b = (struct sched_batch)SCHED_BATCH_INIT;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->space, NULL);
	pthread_cond_init(&p->item, NULL);
	if (pthread_create(&p->th, NULL, pf_thread, p)) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->space);
		pthread_cond_destroy(&p->item);
		free(p);
		return -1;
	}
	L->pf = p;
	return 0;
}

/*
 * rloop_take's contract from the ring: 0 with *out (NULL: none now, or no
 * more when block), or the error the prefetcher met.
 */
int pf_take(struct loop *L, int block, struct rjob **out)
{
	struct prefetch *p = L->pf;
	int rc = 0;

	*out = NULL;
	pthread_mutex_lock(&p->mu);
	while (block && !p->len && !p->done && !sched_stopping(L->r.s)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000L; /* notice a stop */
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->item, &p->mu, &ts);
	}
	if (p->len) {
		*out = p->ring[p->head];
		p->head = (p->head + 1) % PF_JOBS;
		/* The prefetcher refills from half: one wake per PF_JOBS / 2 jobs. */
		if (--p->len <= PF_JOBS / 2)
			pthread_cond_signal(&p->space);
	} else if (p->done) {
		rc = p->rc;
	}
	pthread_mutex_unlock(&p->mu);
	if (*out)
		rloop_adopt(&L->r, *out);
	return rc;
}

/* Stops and joins the prefetcher; the jobs it holds are dropped (not journaled). */
void pf_stop(struct loop *L)
{
	struct prefetch *p = L->pf;

	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->space);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->th, NULL);
	rjob_share_drop(&p->last);
	while (p->len) {
		rjob_discard(p->ring[p->head]);
		p->head = (p->head + 1) % PF_JOBS;
		p->len--;
	}
	sched_flush(L->r.s, &p->b); /* the image CPU time */
	sched_batch_release(&p->b);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->space);
	pthread_cond_destroy(&p->item);
	free(p);
	L->pf = NULL;
}

