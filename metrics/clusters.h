/*
 * clusters: counts per image while a journal is read, for the intervals
 * that count an image's tasks as one cluster (stats.h: clustered_wilson).
 */
#ifndef VSR_CLUSTERS_H
#define VSR_CLUSTERS_H

#include <stddef.h>
#include <stdint.h>

#include "../base/keyset.h"
#include "stats.h"

struct sample;

/* A table of `width` counters per cluster (at most 16). */
struct cluster_tally {
	struct u64map at; /* cluster -> row + 1 */
	uint32_t *c;      /* n rows of width counters */
	size_t n, cap, width;
};

/*
 * The cluster of a task: its image (the same file in two suites is one
 * cluster: the answers about it are no more independent), else its item.
 */
uint64_t task_cluster(const struct sample *s);

/* The counters of cluster id (zeroed when new). */
uint32_t *cluster_row(struct cluster_tally *t, size_t width, uint64_t id);
/* The sums behind the interval of counter num over counter den (clusters with den > 0). */
void cluster_sums(const struct cluster_tally *t, size_t num, size_t den, struct clustered *out);
void cluster_tally_release(struct cluster_tally *t);
/* Releases and frees *t (a malloc'd tally, or NULL) and sets it to NULL. */
void cluster_tally_free(struct cluster_tally **t);

#endif
