/*
 * judge: a second model that reads the replies the extractor could not
 * (docs/judge.md).
 *
 * After a run (or `vsrbench score`), judge_pass reads the run's journal,
 * takes every task whose reply read `invalid` (an answer line, not cut short
 * or refused; every answer line with `all`), and asks the judge model a
 * fixed question (judge_prompt, JUDGE_PROMPT_VERSION): the original prompt,
 * the allowed answers and the reply, answer with one of them or "none".
 * The judge's reply is read by the same extractor.  The judge's lines go to
 * their own journal, RUN_DIR/judge.jsonl (same line format as samples.jsonl:
 * prompt = the judge prompt, response = the judge's raw reply, answer = its
 * reading, label = the task's label), under the key judge_key(task key,
 * judge fingerprint): a task already judged by the same judge and prompt
 * version is never asked again, a failed judge call is an error line that
 * the next pass retries.  Nothing is ever guessed: a judge that answers
 * "none", garbage or fails leaves the task invalid.
 *
 * The judge is driven by the scheduler like any model (harness/model.h), so
 * every model kind can judge: plug-ins, exec, the HTTP kinds.
 */
#ifndef VSR_JUDGE_H
#define VSR_JUDGE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../suites/item.h"
#include "model.h"

/* Bump whenever the judge prompt changes: judged answers are keyed by it. */
#define JUDGE_PROMPT_VERSION 1
/* The generation limit of a judge call: one word is asked for. */
#define JUDGE_MAX_TOKENS 32

/* The key of the judge's line for the task `task_key` (judge fingerprint and prompt version in it). */
uint64_t judge_key(uint64_t task_key, uint64_t judge_fp);

/*
 * The options a question offered, read back from its prompt: the lines
 * "A. text", "B. text" ... (consecutive from A).  Fills texts (each a
 * malloc'd string, caller frees them) up to max and returns their count; 0
 * when the prompt lists none.
 */
size_t judge_prompt_options(const char *prompt, char **texts, size_t max);

/*
 * Appends the judge prompt to out: prompt (the question as the model saw it),
 * reply (the model's raw reply), and the allowed answers: yes/no when
 * n_letters is 0, else the letters A.. (n_letters of them).
 */
void judge_prompt(struct buf *out, const char *prompt, const char *reply, size_t n_letters);

struct judge_config {
	struct model *judge;          /* opened by the caller (borrowed) */
	const char *samples;          /* the run's journal (read) */
	const char *journal;          /* the judge's journal (appended) */
	const char *run;              /* the run's config_hash, or NULL */
	size_t workers;
	int retries;
	int all;                      /* judge every answer, not only the invalid ones */
	volatile sig_atomic_t *stop;
	int progress;                 /* enum progress_mode */
};

struct judge_stats {
	size_t candidates; /* replies to judge */
	size_t already;    /* of them, judged by an earlier pass */
	size_t asked;      /* judge calls made now */
	size_t answered;   /* of them, the judge gave an allowed answer */
	size_t errors;     /* of them, the judge call failed */
};

/*
 * One judge pass.  0, or an error code with err: the journals could not be
 * read or written, or the judge's run stopped (a crashed exec judge ...).
 * Tasks left unjudged stay invalid; the caller decides whether that stops it.
 */
int judge_pass(const struct judge_config *c, struct judge_stats *st, char *err);

#endif
