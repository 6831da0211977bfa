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

#endif
