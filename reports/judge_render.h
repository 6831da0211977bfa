/*
 * judge_render: the judge's effect (metrics/judged.h) in the terminal
 * summary, report.md, report.html and report.json: per suite, the replies exact matching
 * read invalid, how many the judge judged and rescued, and the accuracy
 * without and with the judge side by side.  Each prints nothing, and
 * returns NULL, for a run without a judge.
 */
#ifndef VSR_JUDGE_RENDER_H
#define VSR_JUDGE_RENDER_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "../base/buf.h"
#include "../metrics/metrics.h"

/* "openai gpt-4o-mini, prompt v1" from run.json's "judge" (appended to out). */
void judge_label(const cJSON *run, struct buf *out);
void judge_summary(FILE *fp, const struct metrics *m, const cJSON *run);
void judge_md(const struct metrics *m, const cJSON *run, struct buf *out);
/* report.html: a section with the table of judge_md. */
void judge_html(const struct metrics *m, const cJSON *run, struct buf *out);
/* report.json's "judge" object (caller deletes), or NULL. */
cJSON *judge_json(const struct metrics *m, const cJSON *run);

#endif
