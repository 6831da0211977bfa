/*
 * sources_render: the files a `vsrbench score` run read (run.json's
 * "source"), and where a file carried them VLMEvalKit's own verdicts on its
 * replies beside vsrbench's reading (cli/score_verdicts.c writes them).  One
 * reader for report.md, report.html and report.json.
 */
#ifndef VSR_SOURCES_RENDER_H
#define VSR_SOURCES_RENDER_H

#include <cjson/cJSON.h>

#include "../base/buf.h"

struct scored_file {
	const char *path, *base, *format; /* base: the file name without its folders */
	double answers;			  /* < 0: not recorded */
	/* VLMEvalKit's own verdicts; column NULL when the file had none. */
	const char *column; /* "extracted" (a yes/no set) or "hit" (multiple choice) */
	const char *rule;   /* how VLMEvalKit decided that column, in words */
	double rows, right, vsrbench_right, differ;
	const cJSON *examples; /* up to 3: {item, reply, truth, theirs, vsrbench} */
};

/*
 * The file of one entry of run.json's "source"; 0 when it lacks a path or
 * format.  f borrows from entry: its strings and examples live as long as it.
 */
int scored_file_read(const cJSON *entry, struct scored_file *f);
/* "FORMAT, N answers" (or FORMAT alone) into out, cleared first: the reports escape it. */
void scored_file_what(const struct scored_file *f, struct buf *out);
/* report.html: the verdicts' lines, then the files scored, folded; nothing without files. */
void sources_html(const cJSON *run, struct buf *out);
/* report.json's run.sources array (caller deletes), or NULL for a run that scored no file. */
cJSON *sources_json(const cJSON *run);

#endif
