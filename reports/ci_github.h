/*
 * ci_github: what a GitHub Actions job shows of vsrbench without a step of
 * its own (docs/ci.md, "On GitHub Actions").
 *
 * - Annotations: under GITHUB_ACTIONS=true, each failed gate check is also
 *   an `::error` workflow command and each accepted one with a caveat a
 *   `::warning`, on stderr after the gate's own lines, so that the run's
 *   page and the pull request's checks list the check without opening the
 *   log.  The message is the check's line, escaped as the runner wants
 *   ('%', CR and LF as %25, %0D, %0A; in a property ':' and ',' too).
 * - The job summary: when GITHUB_STEP_SUMMARY names a file, Markdown is
 *   appended to it (compare.md from the gate, report.md from `run`).  The
 *   runner shows at most 1 MiB per step: what would pass that is not
 *   written, with a warning; a summary that cannot be written is a warning
 *   too, never a change of exit code (the gate decides that).
 *
 * Both pass their text through redact_apply, as every other output does.
 */
#ifndef VSR_CI_GITHUB_H
#define VSR_CI_GITHUB_H

#include <stddef.h>
#include <stdio.h>

struct gate_result;

/* The runner's cap on one step's summary, in bytes. */
#define GITHUB_SUMMARY_MAX ((size_t)1 << 20)

/* github_actions() and gh_annotate(), which these use, are in base/util.h. */

/* The annotations of res's failed and warned checks on fp (nothing outside GitHub Actions). */
void github_annotate_gate(FILE *fp, const struct gate_result *res);
/* One ::warning annotation, titled title, on fp (nothing outside GitHub Actions). */
void github_annotate_warning(FILE *fp, const char *title, const char *text);

/*
 * Appends md[0..n) to $GITHUB_STEP_SUMMARY when it is set and not empty;
 * what names the text in a warning ("compare.md").  Borrows md.
 */
void github_step_summary(const char *md, size_t n, const char *what);

/* The same for a file that was just written (report.md of a run). */
void github_step_summary_file(const char *path, const char *what);

#endif
