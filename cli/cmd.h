/* The subcommands.  Each lives in harness/cmd_NAME.c; the table is in main.c. */
#ifndef VSR_CMD_H
#define VSR_CMD_H

int cmd_run(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_data(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_score(int argc, char **argv);

/*
 * Rebuilds metrics from RUN_DIR/samples.jsonl, writes the reports named in
 * formats (NULL: all) and, when summary is set, prints the summary table.
 */
int run_reports(const char *dir, const char *formats, int summary, char *err);
/* The same with chosen bootstrap resamples and seed for the sensitivity intervals. */
struct metrics_opts;
int run_reports_opts(const char *dir, const char *formats, int summary,
		     const struct metrics_opts *mo, char *err);

#endif
