/* The subcommands.  Each lives in cli/cmd_NAME.c; the table is in main.c. */
#ifndef VSR_CMD_H
#define VSR_CMD_H

#include <getopt.h>
#include <stddef.h>

int cmd_run(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_data(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_cache(int argc, char **argv);

/*
 * A subcommand as the table in main.c names it.  opts and shortopts are the
 * getopt_long tables its parser uses (NULL: it takes no options); the hidden
 * `vsrbench __complete` (complete.c) reads the same tables, so the shell
 * completion offers exactly what the parser accepts.
 */
struct cmd_entry {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
	const struct option *opts;
	const char *shortopts;
};

extern const struct option run_longopts[], report_longopts[], compare_longopts[],
	score_longopts[], data_longopts[], list_longopts[];
extern const char run_shortopts[], report_shortopts[], compare_shortopts[], score_shortopts[],
	data_shortopts[], list_shortopts[];
/* `vsrbench list` topics, NULL after the last. */
extern const char *const list_topics[];
/* `vsrbench data` subcommands with their own parsers (pull, verify), { NULL } after the last. */
extern const struct cmd_entry data_commands[];

/*
 * vsrbench __complete WORD... CUR: the candidates for the last word of a
 * command line (the words after `vsrbench`), one per line; a line ":dirs"
 * or ":files" asks the shell to add its own directory or file names.
 * Hidden: the bash and zsh scripts of completion/ call it.
 */
int cmd_complete(int argc, char **argv, const struct cmd_entry *cmds, size_t n);

/*
 * The error for a bad option getopt_long returned to a command that set
 * opterr = 0 and starts its optstring with ':': c is ':' for an option
 * without its value, anything else for an unknown option (argv[optind - 1]
 * either way).  An unknown option is told to see 'vsrbench CMD --help'
 * (cmd names the command: "score", "data pull"), a missing value too when
 * hint_missing is set.  Fills err, or prints the message (vsr_error) when
 * err is NULL; returns VSR_EUSAGE.
 */
int cmd_usage_error(char *err, int c, char *const *argv, const char *cmd, int hint_missing);
/*
 * The same, and an unknown long option gets the nearest name of longopts
 * (the command's getopt_long table) as a "did you mean": "--sed" gives
 * "--seed".
 */
int cmd_usage_error_opts(char *err, int c, char *const *argv, const char *cmd, int hint_missing,
			 const struct option *longopts);

#endif
