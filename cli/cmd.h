/* The subcommands.  Each lives in cli/cmd_NAME.c; the table is in main.c. */
#ifndef VSR_CMD_H
#define VSR_CMD_H

int cmd_run(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_data(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_cache(int argc, char **argv);

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
struct option;
int cmd_usage_error_opts(char *err, int c, char *const *argv, const char *cmd, int hint_missing,
			 const struct option *longopts);

#endif
