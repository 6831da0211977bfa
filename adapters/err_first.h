/*
 * err_first: the first error of each kind on stderr, for the models whose
 * tasks fail one by one (exec children, plug-ins), as the HTTP adapters
 * show the first body of each status: a run whose every task fails says
 * why on the terminal, not only in samples.jsonl.
 *
 * A kind is the text with its digits left out (ids, counts and line
 * numbers differ between tasks that fail alike).  At most ERR_FIRST_KINDS
 * kinds are shown, then one line says the rest are in the journal.
 * Thread-safe; one model per process.
 */
#ifndef VSR_ERR_FIRST_H
#define VSR_ERR_FIRST_H

#define ERR_FIRST_KINDS 8

/*
 * who: "exec child 'python3 m.py'", "plug-in geometry" (borrowed); text:
 * the task's error; retried: the task is tried again (not its final error).
 */
void err_first_show(const char *who, const char *text, int retried);

#endif
