/*
 * rebuild: every report of a run directory from its journal (DESIGN.md:
 * metrics and reports are pure functions of the journal), for run, report,
 * score and merge alike.
 */
#ifndef VSR_REBUILD_H
#define VSR_REBUILD_H

struct metrics_opts;

/*
 * Reads RUN_DIR/samples.jsonl into metrics (mo: bootstrap resamples and
 * seed; NULL: 1000 and 1), writes the reports named in formats (comma list;
 * NULL: all) next to it with run.json's description of the run and
 * status.json's progress (a partial run is marked in every report) and, when
 * summary is set, prints the summary table on stdout.  VSR_EUSAGE for an
 * unknown format, VSR_EDATA when the journal cannot be read or a report
 * cannot be written.  A torn last line of the journal is warned about.
 */
int reports_rebuild(const char *dir, const char *formats, int summary,
		    const struct metrics_opts *mo, char *err);

#endif
