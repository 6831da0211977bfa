/*
 * compare_int: what the files of the comparison and the gate share and
 * nobody else needs (reports/compare_*.c, gate*.c).
 *
 *   compare_pair.c   the tasks of two runs matched on (suite, item,
 *                    template, variant): struct pair_table
 *   compare_load.c   every read of a run directory: both journals into a
 *                    pair_table, run.json (model, suite digests), the
 *                    candidate's metrics
 *   compare_stats.c  the paired statistics of a pair_table (bootstrap,
 *                    McNemar, movers, right-to-wrong tasks)
 *   gate_opts.c, gate.c, gate_run.c, compare_md.c, compare_json.c: the
 *                    public functions of compare.h
 */
#ifndef VSR_COMPARE_INT_H
#define VSR_COMPARE_INT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "compare.h"

struct sample;

enum { SIDE_BASE, SIDE_CAND };
enum { ST_ABSENT, ST_FAILED, ST_ANSWERED };

/* One task as both runs have it.  Owns key, relation, category, cluster, prompt. */
struct pair {
	uint64_t h;
	char *key; /* suite NUL item NUL template NUL variant NUL */
	const char *suite, *item, *tmpl, *variant;
	/* In the table's pool: one copy of each distinct string (an image's path
	 * is shared by its every task, a prompt by its image variants). */
	const char *relation, *category, *cluster, *prompt;
	answer_t label[2], ans[2];
	unsigned char state[2], correct[2];
};

struct pair_table {
	struct pair *p;
	size_t n, cap;
	size_t *slots; /* index + 1; 0 is empty */
	size_t n_slots;
	char **pool;   /* distinct strings, open addressing; NULL is empty */
	size_t n_pool, pool_slots;
};

/* compare_pair.c: one journal line of run `side` (SIDE_*); a task's first answer counts. */
void pair_table_add(struct pair_table *t, const struct sample *s, int side);
/* By (suite, item, template, variant). */
void pair_table_sort(struct pair_table *t);
void pair_table_release(struct pair_table *t);

/*
 * compare_load.c: the candidate's metrics (its journal) and its run.json
 * (*run, NULL when the directory has none; caller deletes).  0, or the
 * error of reading the journal.
 */
int gate_load_candidate(const char *dir, struct metrics *m, cJSON **run, char *err);

/* compare_stats.c: c's statistics from t (sorts t); c->reps and c->seed are set. */
void comparison_fill(struct comparison *c, struct pair_table *t);

#endif
